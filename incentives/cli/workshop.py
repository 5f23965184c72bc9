"""``incentives workshop``: the workshop page in the browser, where the room moves the plans and watches."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._common import fail_cleanly, max_seconds_option, method_option, model_file, safe_text

__all__ = ["WEB_LIBRARIES", "workshop"]

#: What the workshop's extra installs to serve the page (matplotlib, for the picture, is optional).
WEB_LIBRARIES = ("starlette", "uvicorn", "jinja2")


def _read(path: Path) -> str:
    """The model file's text, within the loader's size limit (its problems are shown on the page)."""
    from ..errors import ModelError, Problem
    from ..readwrite.model_file import MAX_MODEL_BYTES

    size = path.stat().st_size
    if size > MAX_MODEL_BYTES:
        message = f"the file is {size:,} bytes; model files are limited to {MAX_MODEL_BYTES:,}"
        raise ModelError([Problem(path="", message=message)], str(path))
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ModelError([Problem(path="", message=f"the file is not UTF-8 text ({err.reason})")], str(path)) from err


@click.command()
@click.argument("model", type=model_file)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on. The default is this computer only; to share the page in a room, give this "
    "computer's address on the room's network (0.0.0.0: all of them), and mind the warning.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="The port (0: any free port)."
)
@click.option("--no-browser", is_flag=True, help="Do not open the page in a browser (print its address only).")
@method_option()
@max_seconds_option()
@fail_cleanly
def workshop(model: Path, host: str, port: int, no_browser: bool, method: str, max_seconds: float) -> None:
    """Open the workshop page for MODEL: the room moves the bonus plans and watches the equilibria move.

    A slider for every bonus weight, share of company value and parameter, a toggle to drop each term
    of a plan; the tables (equilibria against the company optimum, who games which KPI, who pays,
    KPI alignment) and the dependency graph follow every change. The model's events are buttons, a
    plan can be designed and put on the sliders, the model text can be edited (its problems are
    marked at their line), and the model file and the one-page handout can be downloaded. Each
    browser tab has its own copy; nothing is written to disk. Stop it with Ctrl+C.

    Needs the workshop extra: pip install 'incentives[workshop]'.
    """
    import importlib.util

    missing = [name for name in WEB_LIBRARIES if importlib.util.find_spec(name) is None]
    if missing:
        raise click.ClickException(
            f"the workshop needs its extra ({', '.join(missing)} not installed): pip install 'incentives[workshop]'"
        )
    from ..workshop.engine import ModelText
    from ..workshop.server import serve

    parsed = ModelText.parse(_read(model), model.name)
    if parsed.problems:
        count = len(parsed.problems)
        note = f"note: {model} has {count} problem{'s' if count != 1 else ''}; the page marks them in its editor"
        click.echo(safe_text(note, sys.stderr), err=True)
    serve(
        parsed,
        host=host,
        port=port,
        open_browser=not no_browser,
        method=method,
        max_seconds=max_seconds,
        say=lambda text: click.echo(safe_text(text)),
        warn=lambda text: click.echo(safe_text(text, sys.stderr), err=True),
    )
