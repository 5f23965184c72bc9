"""``incentives handout``: a one-page HTML handout of a model for a workshop, with its tables and graph."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import (
    exact_option,
    fail_cleanly,
    max_seconds_option,
    method_choices,
    model_file,
    write_report,
)

__all__ = ["handout"]


@click.command()
@click.argument("model", type=model_file)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("handout.html"),
    show_default=True,
    help="The HTML file to write (self-contained: the graph is embedded). '-' prints it instead.",
)
@click.option(
    "--view",
    type=click.Choice(["departments", "kpis", "all"]),
    default="departments",
    show_default=True,
    help="The picture of the dependency graph: who moves whom (departments), how the KPIs tie them together "
    "(kpis), or both.",
)
@click.option("--method", "-m", type=click.Choice(method_choices()), default="all", show_default=True)
@exact_option
@max_seconds_option
@fail_cleanly
def handout(model: Path, output: Path, view: str, method: str, exact: bool | None, max_seconds: float) -> None:
    """A one-page HTML handout of a model, to print: its tables and its graph.

    Equilibria against the company optimum, who games and who pays, KPI alignment, the
    model's events seen from each department, and the dependency graph embedded as a
    picture, in one self-contained page laid out for A4.
    """
    from ..readwrite.model_file import load_model
    from ..report.handout import handout as make_handout

    if output.suffix.lower() not in (".html", ".htm") and str(output) != "-":
        raise click.BadParameter(
            f"{output}: the handout is an HTML page; expected a file name ending in .html (PDF: print it from a "
            "browser)",
            param_hint="--output",
        )
    page = make_handout(
        load_model(model), view=view, method=method, exact=exact, max_seconds=max_seconds, source=str(model)
    )
    if 'src="data:image/png' not in page:
        click.echo(
            "note: matplotlib is not installed, so the handout has no graph: pip install 'incentives[plot]'", err=True
        )
    write_report(page, None if str(output) == "-" else output)
