"""``incentives graph``: cross-department dependencies as a graph, a picture or a graph file."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import fail_cleanly, model_file, write_report

__all__ = ["graph"]

OUTPUT_SUFFIXES = (".txt", ".png", ".svg", ".pdf", ".graphml", ".gexf", ".json", ".dot", ".gv")


@click.command()
@click.argument("model", type=model_file)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a picture (.png, .svg, .pdf), a graph file (.graphml, .gexf, .json node-link, .dot Graphviz) "
    "or the summary (.txt), chosen by the suffix, instead of printing the summary.",
)
@click.option(
    "--view",
    type=click.Choice(["all", "kpis", "departments"]),
    default="all",
    show_default=True,
    help="kpis: departments -> KPIs -> who is paid on them and company value; departments: who moves whose pay; "
    "all: both.",
)
@click.option(
    "--max-loop-length",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    help="Longest finger-pointing loop (cycle of departments that hurt one another) to look for.",
)
@fail_cleanly
def graph(model: Path, output: Path | None, view: str, max_loop_length: int) -> None:
    """Who moves which KPI, who is paid on it, and whom each department's choice hurts.

    Prints externalities, finger-pointing loops, stakeholders (who must be in the
    room when a department decides), misaligned KPIs and centrality; or, with
    --output, writes a picture or a graph file.
    """
    from ..graph.build import dependency_graph
    from ..graph.export import save_graph
    from ..readwrite.model_file import load_model
    from ..report.graph import graph_renderables
    from ..report.text import to_text

    suffix = output.suffix.lower() if output is not None else ".txt"
    if suffix not in OUTPUT_SUFFIXES:
        raise click.BadParameter(
            f"{output}: cannot write a {suffix or 'suffix-less'} file; expected one of {', '.join(OUTPUT_SUFFIXES)}",
            param_hint="--output",
        )
    dependencies = dependency_graph(load_model(model))
    if output is None or suffix == ".txt":
        write_report(to_text(graph_renderables(dependencies, view=view, max_loop_length=max_loop_length)), output)
        return
    try:
        save_graph(dependencies, output, view=view)
    except ImportError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"wrote {output}", err=True)
