"""``incentives handout``: a one-page HTML handout of a model for a workshop, with its tables and graph."""

from __future__ import annotations

from pathlib import Path

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

__all__ = ["handout"]


@click.command()
@click.argument("model", type=model_file)
@click.option(
    "--view",
    type=click.Choice(["departments", "kpis", "all"]),
    default="departments",
    show_default=True,
    help="The picture of the dependency graph: who moves whom (departments), how the KPIs tie them together "
    "(kpis), or both.",
)
@method_option()
@exact_option
@max_seconds_option()
@report_options(default="html")
@fail_cleanly
def handout(
    model: Path, view: str, method: str, exact: bool | None, max_seconds: float, fmt: str | None, output: Path | None
) -> None:
    """A one-page HTML handout of a model, to print: its tables and its graph.

    Equilibria against the company optimum, who games and who pays, KPI alignment, the
    model's events seen from each department, and the dependency graph embedded as a
    picture, in one self-contained page laid out for A4 (print it to PDF from a browser).
    Give --output handout.html to write the file.
    """
    from ..readwrite.model_file import load_model
    from ..report.handout import handout as make_handout

    hints = {".pdf": "--output handout.html, then print the page to PDF from a browser"}
    emitter = Emitter.prepare(fmt, output, default="html", elsewhere=hints)
    result = make_handout(
        load_model(model),
        view=view,
        method=method,
        exact=exact,
        max_seconds=max_seconds,
        source=str(model),
        picture=emitter.fmt in ("html", "markdown"),
    )
    if emitter.fmt in ("html", "markdown") and result.picture is not None and result.picture.png is None:
        click.echo(
            "note: matplotlib is not installed, so the handout has no graph: pip install 'incentives[plot]'", err=True
        )
    emitter.emit(result)
