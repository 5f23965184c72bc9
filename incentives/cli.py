"""The ``incentives`` command line: solve games and analyse organisations from files.

Every subcommand reads a model file (YAML or JSON; ``solve`` also reads Gambit
``.nfg`` games), prints a human report by default, or JSON with
``--format json``.  Problems with the input are printed to standard error with
the file, the field and what was expected, and the exit status is 1.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from .errors import DegenerateGameWarning, IncentivesError, IncompleteSearchWarning

__all__ = ["main"]

_MODEL_SUFFIXES = (".yaml", ".yml", ".json")


def _fail_cleanly(func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with warnings.catch_warnings():
                # the reports state degeneracy and incomplete searches in their own words
                warnings.simplefilter("ignore", DegenerateGameWarning)
                warnings.simplefilter("ignore", IncompleteSearchWarning)
                return func(*args, **kwargs)
        except IncentivesError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(1)

    return wrapper


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, output)
    click.echo(f"wrote {output}", err=True)


def _load_game(path: Path, exact: bool | None) -> Any:
    from .build import build_game
    from .readwrite.model_file import load_model

    if path.suffix.lower() == ".nfg":
        from .readwrite.nfg import read_nfg

        game = read_nfg(path)
        return game.to_float() if exact is False else game
    if path.suffix.lower() not in _MODEL_SUFFIXES:
        raise click.BadParameter(
            f"{path}: expected a model file ({', '.join(_MODEL_SUFFIXES)}) or a Gambit game (.nfg)", param_hint="FILE"
        )
    return build_game(load_model(path), exact=exact)


def _method_choices() -> list[str]:
    from .solvers import registered_solvers

    return sorted(registered_solvers(), key=lambda name: (name != "all", name))


_existing_file = click.Path(exists=True, dir_okay=False, path_type=Path)
_output = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
_format = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Human report or JSON for programs (schema in the README).",
)
_exact = click.option(
    "--exact/--float",
    "exact",
    default=None,
    help="Exact fractions or floating point (default: exact for small rational models).",
)
_max_seconds = click.option(
    "--max-seconds",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Time budget of the equilibrium search.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="incentives")
def main() -> None:
    """Game theory of incentives inside organisations.

    Departments are players paid on KPI bonus plans; find the equilibria they will
    play and where those depart from what is best for the company.
    """


@main.command()
@click.argument("file", type=_existing_file)
@click.option(
    "--method",
    "-m",
    type=click.Choice(_method_choices()),
    default="all",
    show_default=True,
    help="'all': every isolated equilibrium (two players) or every pure one (more players).",
)
@_format
@_exact
@_max_seconds
@click.option(
    "--tol",
    type=click.FloatRange(min=0, min_open=True),
    default=1e-9,
    show_default=True,
    help="Regret tolerance, relative to the largest payoff.",
)
@_output
@_fail_cleanly
def solve(
    file: Path, method: str, fmt: str, exact: bool | None, max_seconds: float, tol: float, output: Path | None
) -> None:
    """Find and verify the equilibria of a model file or a Gambit .nfg game."""
    from .report.json import dumps, solve_to_dict
    from .report.text import solve_renderables, to_text
    from .solvers import solve as run

    game = _load_game(file, exact)
    result = run(game, method, tol=tol, max_seconds=max_seconds)
    text = dumps(solve_to_dict(result)) if fmt == "json" else to_text(solve_renderables(result))
    _write(text, output)


@main.command()
@click.argument("model", type=_existing_file)
@click.option("--method", "-m", type=click.Choice(_method_choices()), default="all", show_default=True)
@_format
@_exact
@_max_seconds
@_output
@_fail_cleanly
def analyze(model: Path, method: str, fmt: str, exact: bool | None, max_seconds: float, output: Path | None) -> None:
    """Equilibria next to the company optimum: who games which KPI, and who pays."""
    from .analysis.gaming import analyze as run
    from .readwrite.model_file import load_model
    from .report.json import analysis_to_dict, dumps
    from .report.text import analysis_renderables, to_text

    if model.suffix.lower() not in _MODEL_SUFFIXES:
        raise click.BadParameter(f"{model}: expected a model file ({', '.join(_MODEL_SUFFIXES)})", param_hint="MODEL")
    analysis = run(load_model(model), method=method, exact=exact, max_seconds=max_seconds)
    text = dumps(analysis_to_dict(analysis)) if fmt == "json" else to_text(analysis_renderables(analysis))
    _write(text, output)


def _parse_events(org: Any, events: tuple[str, ...]) -> list[str | dict[str, str]]:
    if not events:
        if not org.events:
            raise click.UsageError("the model declares no events: give one with --event NAME=VALUE")
        return list(org.events)
    named = [e for e in events if "=" not in e]
    changes = {}
    for item in events:
        if "=" in item:
            key, _, value = item.partition("=")
            if not key.strip() or not value.strip():
                raise click.BadParameter(f"{item!r}: expected NAME=VALUE", param_hint="--event")
            changes[key.strip()] = value.strip()
    return [*named, *([changes] if changes else [])]


@main.command()
@click.argument("model", type=_existing_file)
@click.option(
    "--event",
    "-e",
    "events",
    multiple=True,
    metavar="NAME=VALUE|EVENT",
    help="A parameter change (repeatable; together they form one event) or the name of an event of the "
    "model. Default: every event the model declares.",
)
@click.option(
    "--selection",
    type=click.Choice(["worst", "best"]),
    default="worst",
    show_default=True,
    help="With several equilibria, compare the worst or the best one for the company.",
)
@click.option("--method", "-m", type=click.Choice(_method_choices()), default="all", show_default=True)
@_format
@_exact
@_output
@_fail_cleanly
def perspectives(
    model: Path, events: tuple[str, ...], selection: str, method: str, fmt: str, exact: bool | None, output: Path | None
) -> None:
    """The view from each department: is an event a win or a loss, and by how much?"""
    from .analysis.perspectives import perspectives as run
    from .readwrite.model_file import load_model
    from .report.json import dumps, perspectives_to_dict
    from .report.text import perspectives_renderables, to_text

    org = load_model(model)
    results = [
        run(org, event, selection=selection, method=method, exact=exact)  # type: ignore[arg-type]
        for event in _parse_events(org, events)
    ]
    if fmt == "json":
        docs = [perspectives_to_dict(r) for r in results]
        text = dumps(docs[0] if len(docs) == 1 else {"schema": "incentives.perspectives-list/1", "events": docs})
    else:
        text = "\n".join(to_text(perspectives_renderables(r)) for r in results)
    _write(text, output)


if __name__ == "__main__":  # pragma: no cover
    main()
