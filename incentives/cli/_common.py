"""Shared pieces of the command line: clean errors, atomic report files, common options."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from ..errors import DegenerateGameWarning, IncentivesError, IncompleteSearchWarning

__all__ = [
    "MODEL_SUFFIXES",
    "exact_option",
    "existing_file",
    "fail_cleanly",
    "format_option",
    "load_game",
    "max_seconds_option",
    "method_choices",
    "model_file",
    "output_option",
    "render_document",
    "text_or_json_option",
    "write_report",
]

MODEL_SUFFIXES = (".yaml", ".yml", ".json")


def fail_cleanly(func: Callable[..., Any]) -> Callable[..., Any]:
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


def write_report(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, output)
    click.echo(f"wrote {output}", err=True)


def render_document(item: Any, fmt: str) -> str:
    """The ``markdown`` or ``html`` report (a whole page) of a result, or of a list of perspectives."""
    if fmt == "markdown":
        from ..report.markdown import to_markdown

        return to_markdown(item)
    from ..report.html import to_html

    return to_html(item, page=True)


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
    from ..solvers import registered_solvers

    return sorted(registered_solvers(), key=lambda name: (name != "all", name))


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
output_option = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "html"]),
    default="text",
    show_default=True,
    help="Human report (text, Markdown or a self-contained HTML page) or JSON for programs (schema in the README).",
)


def text_or_json_option(schema: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format text|json`` for commands whose report has no Markdown or HTML form."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=f"Human report or JSON for programs (schema {schema} in the README).",
    )


exact_option = click.option(
    "--exact/--float",
    "exact",
    default=None,
    help="Exact fractions or floating point (default: exact for small rational models).",
)
max_seconds_option = click.option(
    "--max-seconds",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Time budget of the equilibrium search.",
)
