"""The dependency-graph object, its views, and the names of its nodes, edges and attributes.

See :mod:`incentives.graph.build` for what the nodes and edges mean and how they are measured.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from .._display import report_text
from ..errors import GraphError
from ..model import COMPANY_VALUE

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "COMPANY",
    "KINDS",
    "RELATIONS",
    "VIEWS",
    "DependencyGraph",
    "as_graph",
    "graph_view",
]

#: Node id of the company (``company_value`` is reserved in models, so it never clashes with a name).
COMPANY = COMPANY_VALUE

#: Node kinds.
KINDS = ("department", "kpi", "company")

#: Edge relations, and the view each belongs to.
RELATIONS = {"moves": "kpis", "feeds": "kpis", "pays": "kpis", "values": "kpis", "affects": "departments"}

#: Views of the graph: ``"kpis"`` (the mechanism), ``"departments"`` (externalities), ``"all"``.
VIEWS = ("kpis", "departments", "all")


def as_graph(graph: DependencyGraph | nx.DiGraph) -> nx.DiGraph:
    """The networkx graph of ``graph`` (a :class:`DependencyGraph` or a networkx graph already)."""
    if isinstance(graph, DependencyGraph):
        return graph.graph
    if isinstance(graph, nx.DiGraph) and not graph.is_multigraph():
        return graph
    raise GraphError(f"expected a DependencyGraph or a networkx DiGraph; got {type(graph).__name__}")


def graph_view(graph: DependencyGraph | nx.DiGraph, view: str = "all") -> nx.DiGraph:
    """One view of the dependency graph, as a frozen networkx graph.

    Parameters
    ----------
    graph : DependencyGraph or networkx.DiGraph
    view : {"all", "kpis", "departments"}
        ``"kpis"``: every node, with the ``moves``, ``feeds``, ``pays`` and ``values`` edges;
        ``"departments"``: department and company nodes with the ``affects`` edges;
        ``"all"``: everything.

    Returns
    -------
    networkx.DiGraph
        Its ``view`` graph attribute names the view.

    Examples
    --------
    >>> import incentives as inc
    >>> graph = inc.dependency_graph(inc.load_model("examples/growing_company.yaml"))
    >>> sorted(graph_view(graph, "departments").nodes)
    ['company_value', 'development', 'operations', 'sales', 'support']
    """
    g = as_graph(graph)
    if view not in VIEWS:
        raise GraphError(f"unknown view {view!r}; expected one of {list(VIEWS)}")
    out = nx.DiGraph()
    out.graph.update(g.graph, view=view)
    if view == "departments":
        out.add_nodes_from((n, d) for n, d in g.nodes(data=True) if d.get("kind") != "kpi")
    else:
        out.add_nodes_from(g.nodes(data=True))
    out.add_edges_from(
        (u, v, d) for u, v, d in g.edges(data=True) if view == "all" or RELATIONS.get(d.get("relation", "")) == view
    )
    return nx.freeze(out)


@dataclass(frozen=True, kw_only=True)
class DependencyGraph:
    """Who moves which KPI, who is paid on it, and whom each department's choice helps or hurts.

    Build one with :func:`incentives.dependency_graph`.  In Jupyter it shows its picture.

    Parameters
    ----------
    graph : networkx.DiGraph
        Every node and edge (stored frozen); attributes are documented in
        :mod:`incentives.graph.build`.
    """

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    graph: nx.DiGraph

    def __post_init__(self) -> None:
        g = self.graph
        if not isinstance(g, nx.DiGraph) or g.is_multigraph():
            raise GraphError(f"The 'graph' parameter must be a networkx DiGraph; got {type(g).__name__}")
        for node, data in g.nodes(data=True):
            if data.get("kind") not in KINDS:
                raise GraphError(f"node {node!r} has kind {data.get('kind')!r}; expected one of {list(KINDS)}")
        for u, v, data in g.edges(data=True):
            if data.get("relation") not in RELATIONS:
                raise GraphError(
                    f"edge {u!r} -> {v!r} has relation {data.get('relation')!r}; expected one of {list(RELATIONS)}"
                )
        if not nx.is_frozen(g):
            object.__setattr__(self, "graph", nx.freeze(g.copy()))

    def _nodes(self, kind: str) -> tuple[str, ...]:
        found = [(d.get("order", 0), n) for n, d in self.graph.nodes(data=True) if d["kind"] == kind]
        return tuple(n for _, n in sorted(found))

    @property
    def departments(self) -> tuple[str, ...]:
        """Department names, in player order."""
        return self._nodes("department")

    @property
    def kpis(self) -> tuple[str, ...]:
        """KPI names, in model order."""
        return self._nodes("kpi")

    def to_networkx(self, view: str = "all") -> nx.DiGraph:
        """A (mutable) copy of one view of the graph (see :func:`graph_view`)."""
        return nx.DiGraph(graph_view(self, view))

    def draw(self, view: str = "all", *, ax: Axes | None = None) -> Figure:
        """Picture the graph with matplotlib (see :func:`incentives.graph.draw.draw_graph`)."""
        from .draw import draw_graph

        return draw_graph(self, view=view, ax=ax)

    def save(self, path: str | os.PathLike[str], *, view: str | None = None) -> Path:
        """Write a picture or a graph file, chosen by the suffix (see :func:`incentives.graph.export.save_graph`)."""
        from .export import save_graph

        return save_graph(self, path, view=view)

    def _repr_png_(self) -> bytes:
        import io

        from .draw import draw_graph

        buffer = io.BytesIO()
        draw_graph(self, view="all").savefig(buffer, format="png", dpi=80)
        return buffer.getvalue()

    def __repr__(self) -> str:
        g = self.graph
        counts = {r: sum(1 for *_, d in g.edges(data=True) if d["relation"] == r) for r in RELATIONS}
        edges = ", ".join(f"{n} {r}" for r, n in counts.items())
        return (
            f"<DependencyGraph {g.graph.get('name', '')!r}: {len(self.departments)} departments, "
            f"{len(self.kpis)} KPIs; edges: {edges}>"
        )
