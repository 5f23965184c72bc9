"""Cross-department dependencies as a graph: who moves which KPI, who is paid on it, whom it hurts.

Build the graph with :func:`dependency_graph`; analyse it with the free
functions of :mod:`incentives.graph.analyses`; picture it with
:func:`draw_graph`; write it to GraphML, GEXF, JSON or Graphviz DOT with
:func:`save_graph`.

Examples
--------
>>> import incentives as inc
>>> from incentives.graph import dependency_graph, stakeholders
>>> graph = dependency_graph(inc.load_model("examples/growing_company.yaml"))
>>> [name for name, _ in stakeholders(graph, "sales", kinds=("department",))]
['support', 'operations']
"""

from .analyses import centrality, externalities, finger_pointing_loops, misaligned_kpis, stakeholders
from .build import dependency_graph
from .draw import draw_graph
from .export import read_graph, save_graph, to_dot, to_node_link
from .graphs import COMPANY, RELATIONS, VIEWS, DependencyGraph, graph_view

__all__ = [
    "COMPANY",
    "RELATIONS",
    "VIEWS",
    "DependencyGraph",
    "centrality",
    "dependency_graph",
    "draw_graph",
    "externalities",
    "finger_pointing_loops",
    "graph_view",
    "misaligned_kpis",
    "read_graph",
    "save_graph",
    "stakeholders",
    "to_dot",
    "to_node_link",
]
