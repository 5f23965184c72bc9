"""Shared pieces of the command line: clean errors, the one report emitter, common options.

Every command prints its report through :class:`Emitter`: ``--format text|markdown|html|json``
chooses the form (when it is not given, the suffix of ``--output`` does: ``.txt``, ``.md``,
``.html`` or ``.json``; otherwise text), and ``--output FILE`` writes the report to FILE
instead of standard output, atomically (``-`` is standard output).  Pictures go to
``--plot FILE`` (``.png``, ``.svg`` or ``.pdf``), checked before any work is done, as is
every output folder.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any

import click

from ..errors import DegenerateGameWarning, IncentivesError, IncompleteSearchWarning, OutputError, TimeLimitError

__all__ = [
    "BUG_EXIT_STATUS",
    "FORMAT_SUFFIXES",
    "MAX_SECONDS",
    "MODEL_SUFFIXES",
    "PICTURE_SUFFIXES",
    "Emitter",
    "Method",
    "Number",
    "check_folders",
    "exact_option",
    "existing_file",
    "fail_cleanly",
    "load_game",
    "located",
    "max_seconds_option",
    "method_choices",
    "method_option",
    "model_file",
    "plot_option",
    "report_options",
    "save_picture",
    "time_limit",
]

MODEL_SUFFIXES = (".yaml", ".yml", ".json")

#: The report format an ``--output`` suffix chooses when ``--format`` is not given.
FORMAT_SUFFIXES: Mapping[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
}

#: The picture files ``--plot`` writes.
PICTURE_SUFFIXES = (".png", ".svg", ".pdf")

FORMATS = ("text", "markdown", "html", "json")

#: Exit status when the toolkit itself fails (a bug, not a problem with the input): EX_SOFTWARE of sysexits.h.
BUG_EXIT_STATUS = 70


def safe_text(text: str, stream: Any = None) -> str:
    """``text`` with every character the stream cannot encode escaped (``\\ud800``), so printing never fails."""
    encoding = getattr(stream or sys.stdout, "encoding", None) or "utf-8"
    return text.encode(encoding, errors="backslashreplace").decode(encoding, errors="replace")


def fail_cleanly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Print an :class:`~incentives.errors.IncentivesError` as ``error: ...`` and exit with status 1.

    Any other exception is a bug: it is reported in one short message that says so and names
    the command and its input, with exit status :data:`BUG_EXIT_STATUS` (the traceback only
    with ``incentives --debug``).  Usage errors and interruptions pass through to click.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with warnings.catch_warnings():
                # the reports state degeneracy and incomplete searches in their own words
                warnings.simplefilter("ignore", DegenerateGameWarning)
                warnings.simplefilter("ignore", IncompleteSearchWarning)
                return func(*args, **kwargs)
        except IncentivesError as err:
            click.echo(safe_text(f"error: {located(err, kwargs)}", sys.stderr), err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt, SystemExit):
            raise
        except Exception as err:  # the last line of defence: never a bare traceback
            _report_bug(err, kwargs)

    return wrapper


def located(err: IncentivesError, params: Mapping[str, Any]) -> str:
    """The message of ``err``, naming the input file (and, for a model problem, its line) if it does not yet.

    An error met after loading (a formula not finite at a profile, a size refusal) is
    raised without knowing the file; the command knows its input (``model`` or ``file``).
    """
    from ..errors import ModelError

    source = _input_file(params)
    if source is None:
        return str(err)
    if isinstance(err, ModelError):
        if err.source is not None:
            return str(err)
        lines: Mapping[str, int] = {}
        if source.suffix.lower() in MODEL_SUFFIXES:
            from ..readwrite.model_file import model_lines

            lines = model_lines(source)
        return str(err.with_source(str(source), lines))
    message = str(err)
    if isinstance(err, OutputError) or str(source) in message:  # an output problem is not the input's
        return message
    return f"{source}: {message}"


def _input_file(params: Mapping[str, Any]) -> Path | None:
    """The file a command reads (its ``model`` or ``file`` argument), not one it writes."""
    return next((params[k] for k in ("model", "file") if isinstance(params.get(k), Path)), None)


def _report_bug(err: Exception, params: Mapping[str, Any]) -> None:
    ctx = click.get_current_context(silent=True)
    command = f"incentives {ctx.info_name}" if ctx is not None else "incentives"
    source = _input_file(params)
    on = f" on {source}" if source is not None else ""
    debug = ctx is not None and bool(ctx.find_root().meta.get("incentives.debug"))
    if debug:
        import traceback

        click.echo(safe_text("".join(traceback.format_exception(err)), sys.stderr), err=True, nl=False)
    kind = "ran out of memory" if isinstance(err, MemoryError) else f"failed with {type(err).__name__}: {err}"
    message = (
        f"error: this is a bug in incentives, not a problem with your input: `{command}`{on} {kind}. "
        "Please report it with the input file" + ("." if debug else "; `incentives --debug ...` shows the traceback.")
    )
    click.echo(safe_text(message, sys.stderr), err=True)
    sys.exit(BUG_EXIT_STATUS)


class Number(click.ParamType):
    """A finite number, optionally within ``[low, high]`` (``low_open``: strictly above ``low``).

    Unlike ``float``, refuses ``nan`` and ``inf``, which no option of the toolkit means.

    Examples
    --------
    >>> Number(low=0).convert("2.5", None, None)
    2.5
    """

    name = "number"

    def __init__(self, low: float | None = None, high: float | None = None, *, low_open: bool = False) -> None:
        self.low, self.high, self.low_open = low, high, low_open

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if number != number or number in (float("inf"), float("-inf")):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        if self.low is not None and (number < self.low or (self.low_open and number == self.low)):
            self.fail(f"{value!r} must be {'above' if self.low_open else 'at least'} {self.low:g}", param, ctx)
        if self.high is not None and number > self.high:
            self.fail(f"{value!r} must be at most {self.high:g}", param, ctx)
        return number


def _is_stdout(path: Path | None) -> bool:
    return path is None or str(path) == "-"


def check_folders(*paths: Path | None) -> None:
    """Raise :class:`~incentives.errors.OutputError` now if a file could not be written later (no folder)."""
    for path in paths:
        if _is_stdout(path):
            continue
        assert path is not None
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise OutputError(f"{path}: the folder {str(folder)!r} does not exist; create it first or choose another")
        if path.is_dir():
            raise OutputError(f"{path}: is a folder; give a file name")


@dataclass(frozen=True)
class Emitter:
    """Where and in what format a command's report goes: the one way every command prints its report.

    Parameters
    ----------
    fmt : {"text", "markdown", "html", "json"}
    output : Path or None
        The file to write; None (or ``-``) for standard output.
    """

    fmt: str
    output: Path | None = None

    @classmethod
    def prepare(
        cls,
        fmt: str | None,
        output: Path | None,
        *,
        default: str = "text",
        elsewhere: Mapping[str, str] | None = None,
        also: Iterable[Path | None] = (),
    ) -> Emitter:
        """Check the options before any work: the format (from ``--format``, else the suffix), and every folder.

        ``elsewhere`` maps file suffixes that other options write to a hint naming that option;
        ``also`` lists the other files the command will write (pictures, tables).

        Raises
        ------
        click.BadParameter
            If ``--format`` is not given and the suffix of ``--output`` names no format.
        OutputError
            If a folder to write in does not exist.
        """
        output = None if _is_stdout(output) else output
        if fmt is None:
            fmt = default if output is None or not output.suffix else cls._from_suffix(output, default, elsewhere or {})
        check_folders(output, *also)
        return cls(fmt=fmt, output=output)

    @staticmethod
    def _from_suffix(output: Path, default: str, elsewhere: Mapping[str, str]) -> str:
        suffix = output.suffix.lower()
        if suffix in FORMAT_SUFFIXES:
            return FORMAT_SUFFIXES[suffix]
        hint = elsewhere.get(suffix)
        known = ", ".join(sorted(set(FORMAT_SUFFIXES) - {".text", ".markdown", ".htm"}))
        raise click.BadParameter(
            f"{output}: a report is text, Markdown, HTML or JSON ({known}); give --format, or "
            + (hint if hint else f"a file name ending in one of those (default format: {default})"),
            param_hint="--output",
        )

    def emit(self, result: Any) -> None:
        """Render the result in the chosen format and print it, or write it to the output file atomically."""
        from .._util import atomic_write
        from ..report import render

        text = render(result, self.fmt, page=True)  # HTML: a whole page
        if self.output is None:
            click.echo(safe_text(text), nl=False)
            return
        atomic_write(self.output, text)
        click.echo(f"wrote {self.output}", err=True)


def report_options(default: str = "text") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format text|markdown|html|json`` and ``--output FILE``, the same for every command."""
    names = {"text": "text", "markdown": "Markdown", "html": "a self-contained HTML page", "json": "JSON"}

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func = click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=True, path_type=Path),
            metavar="FILE",
            help="Write the report to this file instead of standard output (atomically: complete or not at "
            "all). Without --format its suffix chooses the format: .txt, .md, .html, .json.",
        )(func)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default=None,
            help="The report as text, Markdown, a self-contained HTML page, or JSON for programs (layouts: "
            f"docs/reference/json.md). Default: {names[default]}, or what the suffix of --output says.",
        )(func)

    return decorate


def plot_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--plot FILE``: a picture (.png, .svg or .pdf; needs matplotlib), written besides the report."""
    return click.option(
        "--plot",
        type=click.Path(dir_okay=True, path_type=Path),
        metavar="FILE",
        callback=_check_picture,
        help=f"{help} (.png, .svg or .pdf; needs matplotlib: pip install 'incentives[plot]').",
    )


def _check_picture(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is None:
        return None
    if value.suffix.lower() not in PICTURE_SUFFIXES:
        raise click.BadParameter(
            f"{value}: a picture is a file ending in {', '.join(PICTURE_SUFFIXES)}", ctx=ctx, param=param
        )
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise click.BadParameter(
            "pictures need matplotlib: pip install 'incentives[plot]'", ctx=ctx, param=param
        ) from None
    return value


def save_picture(figure: Any, path: Path, **options: Any) -> None:
    """Write a matplotlib figure to ``path`` atomically, in the format of its suffix, and say so."""
    from ..whatif.plots import save_figure

    save_figure(figure, path, **options)
    click.echo(f"wrote {path}", err=True)


def load_game(path: Path, exact: bool | None) -> Any:
    from ..build import build_game
    from ..readwrite.model_file import load_model

    if path.suffix.lower() == ".nfg":
        from ..readwrite.nfg import read_nfg

        game = read_nfg(path)
        return game.to_float() if exact is False else game
    if path.suffix.lower() not in MODEL_SUFFIXES:
        raise click.BadParameter(
            f"{path}: expected a model file ({', '.join(MODEL_SUFFIXES)}) or a Gambit game (.nfg)", param_hint="FILE"
        )
    return build_game(load_model(path), exact=exact)


def method_choices() -> list[str]:
    """The registered solver methods, ``"all"`` first."""
    from ..solvers.registry import method_names

    return sorted(method_names(), key=lambda name: (name != "all", name))


class Method(click.ParamType):
    """A registered solver method, checked when used, so defining the commands loads no solver.

    Only ``--help`` of a command that takes a method, and running it, load the registry.
    """

    name = "method"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(method_choices()) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        choices = method_choices()
        if value not in choices:
            self.fail(f"{value!r} is not one of {', '.join(choices)}", param, ctx)
        return str(value)


def method_option(help: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--method/-m``: a registered solver method (default ``all``)."""
    return click.option("--method", "-m", type=Method(), default="all", show_default=True, help=help)


existing_file = click.Path(exists=True, dir_okay=False, path_type=Path)


class ModelFile(click.Path):
    """An existing model file (.yaml, .yml or .json); anything else is a usage error naming the file."""

    name = "model file"

    def __init__(self) -> None:
        super().__init__(exists=True, dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = Path(os.fsdecode(super().convert(value, param, ctx)))
        if path.suffix.lower() not in MODEL_SUFFIXES:
            self.fail(f"{path}: expected a model file ({', '.join(MODEL_SUFFIXES)})", param, ctx)
        return path


model_file = ModelFile()
exact_option = click.option(
    "--exact/--float",
    "exact",
    default=None,
    help="Exact fractions or floating point (default: exact when every number and formula of the model is "
    "rational, decimals included, and the game has at most 4,096 profiles).",
)
#: The longest time budget an option accepts (a week).
MAX_SECONDS = 7 * 24 * 3600.0


def max_seconds_option(help: str = "Time budget of the equilibrium search.") -> Callable[[Any], Any]:
    """The ``--max-seconds`` option (60 s by default, at most :data:`MAX_SECONDS`), with what it bounds as ``help``."""
    return click.option(
        "--max-seconds",
        type=Number(0, MAX_SECONDS, low_open=True),
        default=60.0,
        show_default=True,
        help=help,
    )


@contextlib.contextmanager
def time_limit(seconds: float, advice: tuple[str, str] = ("the command", "allow more time")) -> Iterator[None]:
    """Stop the block with a :class:`~incentives.errors.TimeLimitError` after ``seconds`` (POSIX, main thread).

    Exact analysis (sympy) cannot be asked to stop; an interval timer raises in it instead,
    and raises again every second in case the first one was caught on the way.  ``advice``
    is what ran out of time and what to do about it, as the message says them.
    """
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def out_of_time(signum: int, frame: Any) -> None:
        raise TimeLimitError(f"{advice[0]} took more than {seconds:g} s (--max-seconds): {advice[1]}")

    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
