"""``incentives analyze`` and ``incentives perspectives``: gaming against the company optimum, and events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._common import (
    exact_option,
    fail_cleanly,
    format_option,
    max_seconds_option,
    method_choices,
    model_file,
    output_option,
    render_document,
    write_report,
)

__all__ = ["analyze", "perspectives"]


@click.command()
@click.argument("model", type=model_file)
@click.option("--method", "-m", type=click.Choice(method_choices()), default="all", show_default=True)
@format_option
@exact_option
@max_seconds_option
@output_option
@fail_cleanly
def analyze(model: Path, method: str, fmt: str, exact: bool | None, max_seconds: float, output: Path | None) -> None:
    """Equilibria next to the company optimum: who games which KPI, and who pays."""
    from ..analysis.gaming import analyze as run
    from ..readwrite.model_file import load_model
    from ..report.json import analysis_to_dict, dumps
    from ..report.text import analysis_renderables, to_text

    analysis = run(load_model(model), method=method, exact=exact, max_seconds=max_seconds)
    if fmt in ("markdown", "html"):
        text = render_document(analysis, fmt)
    else:
        text = dumps(analysis_to_dict(analysis)) if fmt == "json" else to_text(analysis_renderables(analysis))
    write_report(text, output)


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


@click.command()
@click.argument("model", type=model_file)
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
@click.option("--method", "-m", type=click.Choice(method_choices()), default="all", show_default=True)
@format_option
@exact_option
@output_option
@fail_cleanly
def perspectives(
    model: Path, events: tuple[str, ...], selection: str, method: str, fmt: str, exact: bool | None, output: Path | None
) -> None:
    """The view from each department: is an event a win or a loss, and by how much?"""
    from ..analysis.perspectives import perspectives as run
    from ..readwrite.model_file import load_model
    from ..report.json import dumps, perspectives_to_dict
    from ..report.text import perspectives_renderables, to_text

    org = load_model(model)
    results = [
        run(org, event, selection=selection, method=method, exact=exact)  # type: ignore[arg-type]
        for event in _parse_events(org, events)
    ]
    if fmt == "json":
        docs = [perspectives_to_dict(r) for r in results]
        text = dumps(docs[0] if len(docs) == 1 else {"schema": "incentives.perspectives-list/1", "events": docs})
    elif fmt in ("markdown", "html"):
        text = render_document(results, fmt)
    else:
        text = "\n".join(to_text(perspectives_renderables(r)) for r in results)
    write_report(text, output)
