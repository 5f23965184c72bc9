"""``incentives analyze`` and ``incentives perspectives``: gaming against the company optimum, and events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._common import (
    Emitter,
    exact_option,
    fail_cleanly,
    max_seconds_option,
    method_option,
    model_file,
    report_options,
)

__all__ = ["analyze", "perspectives"]


@click.command()
@click.argument("model", type=model_file)
@method_option()
@exact_option
@max_seconds_option()
@report_options()
@fail_cleanly
def analyze(
    model: Path, method: str, exact: bool | None, max_seconds: float, fmt: str | None, output: Path | None
) -> None:
    """Equilibria next to the company optimum: who games which KPI, and who pays."""
    from ..analysis.gaming import analyze as run
    from ..readwrite.model_file import load_model

    emitter = Emitter.prepare(fmt, output)
    emitter.emit(run(load_model(model), method=method, exact=exact, max_seconds=max_seconds))


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
@method_option()
@exact_option
@report_options()
@fail_cleanly
def perspectives(
    model: Path,
    events: tuple[str, ...],
    selection: str,
    method: str,
    exact: bool | None,
    fmt: str | None,
    output: Path | None,
) -> None:
    """The view from each department: is an event a win or a loss, and by how much?

    With one event the JSON document is incentives.perspectives/1; with several,
    incentives.perspectives-list/1.
    """
    from ..analysis.perspectives import perspectives as run
    from ..readwrite.model_file import load_model

    emitter = Emitter.prepare(fmt, output)
    org = load_model(model)
    results = [
        run(org, event, selection=selection, method=method, exact=exact)  # type: ignore[arg-type]
        for event in _parse_events(org, events)
    ]
    emitter.emit(results[0] if len(results) == 1 else results)
