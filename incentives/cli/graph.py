"""``incentives graph``: cross-department dependencies as a report, a picture or a graph file."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import PICTURE_SUFFIXES, Emitter, fail_cleanly, model_file, plot_option, report_options

__all__ = ["graph"]


def _check_graph_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    from ..graph.export import GRAPH_FILE_SUFFIXES

    suffix = value.suffix.lower() if value is not None else ""
    if value is not None and suffix not in GRAPH_FILE_SUFFIXES:
        picture = " (a picture goes to --plot)" if suffix in PICTURE_SUFFIXES else ""
        raise click.BadParameter(
            f"{value}: cannot write a {suffix or 'suffix-less'} graph file; expected one of "
            f"{', '.join(GRAPH_FILE_SUFFIXES)}{picture}",
            ctx=ctx,
            param=param,
        )
    return value


@click.command()
@click.argument("model", type=model_file)
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
@plot_option("Also draw the graph's view into this picture")
@click.option(
    "--graph-file",
    type=click.Path(dir_okay=True, path_type=Path),
    metavar="FILE",
    callback=_check_graph_file,
    help="Also write the graph's view as a graph file, chosen by the suffix: .graphml, .gexf, .json (networkx "
    "node-link, schema incentives.graph/1), .dot or .gv (Graphviz).",
)
@report_options()
@fail_cleanly
def graph(
    model: Path,
    view: str,
    max_loop_length: int,
    plot: Path | None,
    graph_file: Path | None,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Who moves which KPI, who is paid on it, and whom each department's choice hurts.

    Reports externalities, finger-pointing loops, stakeholders (who must be in the
    room when a department decides), misaligned KPIs and centrality; --plot draws the
    graph and --graph-file writes it for other tools (Gephi, yEd, Graphviz).
    """
    from ..graph.build import dependency_graph
    from ..graph.export import save_graph
    from ..readwrite.model_file import load_model
    from ..report.graph import GraphReport

    hints = dict.fromkeys(PICTURE_SUFFIXES, "--plot for a picture")
    hints.update(dict.fromkeys((".graphml", ".gexf", ".dot", ".gv"), "--graph-file for a graph file"))
    emitter = Emitter.prepare(fmt, output, elsewhere=hints, also=[plot, graph_file])
    dependencies = dependency_graph(load_model(model))
    emitter.emit(GraphReport(graph=dependencies, view=view, max_loop_length=max_loop_length))
    for path in (plot, graph_file):
        if path is None:
            continue
        try:
            save_graph(dependencies, path, view=view)
        except ImportError as err:
            raise click.ClickException(str(err)) from err
        click.echo(f"wrote {path}", err=True)
