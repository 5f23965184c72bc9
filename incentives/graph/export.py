"""Write the dependency graph to files: GraphML, GEXF, JSON (node-link), Graphviz DOT, PNG, SVG, PDF.

Every node and edge attribute is a plain ``str``, ``int``, ``float`` or ``bool``
(see :mod:`incentives.graph.build`), so GraphML and GEXF files read back with
:func:`networkx.read_graphml` and :func:`networkx.read_gexf` into an equal
graph.  The JSON document is :func:`networkx.node_link_data` with
``edges="edges"``, plus ``"schema": "incentives.graph/1"``; read it back with
``networkx.node_link_graph(doc, edges="edges")``.

The DOT file is written here (no Graphviz or pydot needed) and lays the graph
out for ``dot``: departments first, KPIs next, the company last, each edge
coloured by sign and as wide as it is strong.  Every value is written as a
quoted string; the data attributes keep their names, except the edge attribute
``weight``, which Graphviz reserves for layout, written as ``signed_weight``.
Attributes that only style the picture are listed in :data:`DOT_STYLE`.

Files are written to a temporary name and moved into place, so a failed write
leaves no half-written file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from .._util import atomic_path
from ..errors import GraphError
from .graphs import DependencyGraph, graph_view

__all__ = [
    "DOT_STYLE",
    "GRAPH_FILE_SUFFIXES",
    "GRAPH_SCHEMA",
    "PICTURE_SUFFIXES",
    "SUFFIXES",
    "read_graph",
    "save_graph",
    "to_dot",
    "to_node_link",
]

GRAPH_SCHEMA = "incentives.graph/1"

#: File suffixes drawn as pictures (by matplotlib).
PICTURE_SUFFIXES = (".png", ".svg", ".pdf")

#: File suffixes written as graph files (data, not pictures).
GRAPH_FILE_SUFFIXES = (".graphml", ".gexf", ".json", ".dot", ".gv")

#: Every suffix :func:`save_graph` writes.
SUFFIXES = (*PICTURE_SUFFIXES, *GRAPH_FILE_SUFFIXES)

#: Attributes of the DOT file that only style the picture (not data of the graph).
DOT_STYLE = frozenset(
    {"rankdir", "nodesep", "ranksep", "fontname", "labelloc", "shape", "style", "fillcolor", "color", "penwidth"}
    | {"constraint", "arrowsize", "rank", "xlabel", "fontsize", "fontcolor", "layout"}
)

POSITIVE, NEGATIVE, NEUTRAL = "#2166ac", "#c0392b", "#8c8c8c"
FILL = {"department": "#fde9c9", "kpi": "#eef1f5", "company": "#d9ead3"}


def to_node_link(graph: DependencyGraph | nx.DiGraph, view: str = "all") -> dict[str, Any]:
    """The graph as a JSON-ready node-link document (``networkx.node_link_data`` with ``edges="edges"``).

    Examples
    --------
    >>> import incentives as inc
    >>> graph = inc.dependency_graph(inc.load_model("examples/growing_company.yaml"))
    >>> doc = to_node_link(graph, "departments")
    >>> doc["schema"], doc["directed"], len(doc["nodes"])
    ('incentives.graph/1', True, 5)
    >>> nx.node_link_graph(doc, edges="edges").edges["sales", "support"]["sign"]
    -1
    """
    doc = nx.node_link_data(graph_view(graph, view), edges="edges")
    return {"schema": GRAPH_SCHEMA, **doc}


def _quote(value: Any) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = str(value)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _attributes(items: dict[str, Any]) -> str:
    return ", ".join(f"{key}={_quote(value)}" for key, value in items.items())


def _edge_colour(data: dict[str, Any]) -> str:
    return POSITIVE if data.get("sign", 0) > 0 else NEGATIVE if data.get("sign", 0) < 0 else NEUTRAL


def to_dot(graph: DependencyGraph | nx.DiGraph, view: str = "all") -> str:
    """The graph as Graphviz DOT text (see the module docstring for the attributes).

    Examples
    --------
    >>> import incentives as inc
    >>> graph = inc.dependency_graph(inc.load_model("examples/growing_company.yaml"))
    >>> text = to_dot(graph, "departments")
    >>> text.splitlines()[0]
    'digraph "Growing software company" {'
    >>> [line.split(", ")[0] for line in text.splitlines() if line.strip().startswith('"sales" -> "support"')]
    ['  "sales" -> "support" [relation="affects"']
    """
    g = graph_view(graph, view)
    layout = {"layout": "circo"} if view == "departments" else {"rankdir": "LR", "nodesep": "0.25", "ranksep": "1.6"}
    lines = [f"digraph {_quote(g.graph.get('name', 'dependencies'))} {{"]
    data = {k: v for k, v in g.graph.items() if k != "name"}
    lines.append(f"  graph [{_attributes({**data, **layout, 'fontname': 'Helvetica', 'labelloc': 't'})}];")
    lines.append(f"  node [{_attributes({'fontname': 'Helvetica', 'shape': 'box', 'style': 'rounded,filled'})}];")
    lines.append(f"  edge [{_attributes({'fontname': 'Helvetica', 'fontsize': 10, 'arrowsize': 0.7})}];")
    kinds: dict[str, list[str]] = {}
    for node, attrs in sorted(g.nodes(data=True), key=lambda t: (t[1]["kind"], t[1].get("order", 0))):
        kinds.setdefault(attrs["kind"], []).append(node)
        lines.append(f"  {_quote(node)} [{_attributes({**attrs, 'fillcolor': FILL.get(attrs['kind'], 'white')})}];")
    if view != "departments" and kinds.get("department"):
        lines.append(f"  {{ rank=min; {'; '.join(_quote(n) for n in kinds['department'])}; }}")
    for u, v, attrs in g.edges(data=True):
        items = {("signed_weight" if k == "weight" else k): val for k, val in attrs.items()}
        style: dict[str, Any] = {
            "color": _edge_colour(attrs),
            "penwidth": round(0.8 + 4 * float(attrs.get("strength", 0.0)), 2),
        }
        indirect = attrs["relation"] == "moves" and not attrs.get("direct", True)
        if attrs["relation"] == "affects" and view != "departments":
            style.update(style="dashed", constraint="false")
        elif indirect:
            style.update(style="dotted", constraint="false")
        lines.append(f"  {_quote(u)} -> {_quote(v)} [{_attributes({**items, **style})}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    with atomic_path(path) as tmp:
        write(tmp)


def save_graph(graph: DependencyGraph | nx.DiGraph, path: str | os.PathLike[str], *, view: str | None = None) -> Path:
    """Write a picture or a graph file; the format follows the suffix of ``path``.

    Parameters
    ----------
    graph : DependencyGraph or networkx.DiGraph
    path : path-like
        ``.png``, ``.svg``, ``.pdf`` (a picture, needs matplotlib), ``.graphml``,
        ``.gexf``, ``.json`` (node-link) or ``.dot``/``.gv`` (Graphviz).
    view : {"all", "kpis", "departments"} or None
        Which view to write (None: ``"all"``; a picture of ``"all"`` has both panels).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    GraphError
        If the suffix is not one of these, or the view is unknown.
    OutputError
        If the folder does not exist or cannot be written.

    Examples
    --------
    >>> import tempfile, incentives as inc
    >>> graph = inc.dependency_graph(inc.load_model("examples/growing_company.yaml"))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     written = save_graph(graph, Path(tmp) / "graph.graphml")
    ...     sorted(nx.read_graphml(written).successors("resolution_hours"))
    ['support']
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise GraphError(f"{path}: cannot write a {suffix or 'suffix-less'} file; expected one of {list(SUFFIXES)}")
    if suffix in PICTURE_SUFFIXES:
        from .draw import draw_graph

        figure = draw_graph(graph, view=view or "all")
        _write_atomic(path, lambda tmp: figure.savefig(tmp, format=suffix[1:], dpi=150, bbox_inches="tight"))
    elif suffix in (".dot", ".gv"):
        text = to_dot(graph, view or "all")
        _write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    elif suffix == ".json":
        text = json.dumps(to_node_link(graph, view or "all"), indent=2, allow_nan=False) + "\n"
        _write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    else:
        g = nx.DiGraph(graph_view(graph, view or "all"))
        writer = nx.write_graphml if suffix == ".graphml" else nx.write_gexf
        _write_atomic(path, lambda tmp: writer(g, tmp))
    return path


def read_graph(path: str | os.PathLike[str]) -> nx.DiGraph:
    """Read a graph written by :func:`save_graph` (GraphML, GEXF or JSON) back into networkx.

    Nodes, edges and their attributes come back equal, with their types; the graph
    attributes too, except from GEXF, which keeps only the graph's name.

    Raises
    ------
    GraphError
        If the suffix is not ``.graphml``, ``.gexf`` or ``.json``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".graphml":
        graph = nx.DiGraph(nx.read_graphml(path))
        for key in ("node_default", "edge_default"):
            graph.graph.pop(key, None)
        return graph
    if suffix == ".gexf":
        graph = nx.DiGraph(nx.read_gexf(path))
        for *_, data in graph.edges(data=True):
            data.pop("id", None)  # GEXF gives every edge an id
        return graph
    if suffix == ".json":
        doc = json.loads(path.read_text(encoding="utf-8"))
        return nx.DiGraph(nx.node_link_graph(doc, edges="edges"))
    raise GraphError(f"{path}: can read back .graphml, .gexf and .json files; got {suffix or 'no suffix'}")
