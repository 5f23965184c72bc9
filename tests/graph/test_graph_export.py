"""Graph files read back into an equal graph; DOT text parsed back; bad suffixes refused without a file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
from _graph_models import EXAMPLE, sales_support

import incentives as inc
from incentives.errors import GraphError
from incentives.graph import dependency_graph, graph_view, read_graph, save_graph, to_dot, to_node_link
from incentives.graph.export import DOT_STYLE


@pytest.fixture(scope="module")
def graph() -> inc.DependencyGraph:
    return dependency_graph(inc.load_model(EXAMPLE))


def _assert_equal_graphs(read: nx.DiGraph, expected: nx.DiGraph, *, graph_attributes: bool = True) -> None:
    assert read.is_directed() and sorted(read.nodes) == sorted(expected.nodes)
    assert sorted(read.edges) == sorted(expected.edges)
    for node, data in expected.nodes(data=True):
        assert read.nodes[node] == data, node
        assert {k: type(v) for k, v in read.nodes[node].items()} == {k: type(v) for k, v in data.items()}
    for u, v, data in expected.edges(data=True):
        assert read.edges[u, v] == data, (u, v)
        assert {k: type(x) for k, x in read.edges[u, v].items()} == {k: type(x) for k, x in data.items()}
    if graph_attributes:
        assert read.graph == dict(expected.graph)


@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".json"])
@pytest.mark.parametrize("view", ["all", "kpis", "departments"])
def test_files_read_back_into_an_equal_graph(
    graph: inc.DependencyGraph, tmp_path: Path, suffix: str, view: str
) -> None:
    path = save_graph(graph, tmp_path / f"graph{suffix}", view=view)
    expected = graph_view(graph, view)
    _assert_equal_graphs(read_graph(path), expected, graph_attributes=suffix != ".gexf")
    # and with networkx's own readers
    if suffix == ".graphml":
        assert sorted(nx.read_graphml(path).edges) == sorted(expected.edges)
    elif suffix == ".gexf":
        assert nx.read_gexf(path).nodes["sales"]["own_gain"] == expected.nodes["sales"]["own_gain"]
    else:
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["schema"] == "incentives.graph/1"
        _assert_equal_graphs(nx.node_link_graph(doc, edges="edges"), expected)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_node_link_document_is_plain_json(graph: inc.DependencyGraph) -> None:
    doc = to_node_link(graph)
    again = json.loads(json.dumps(doc, allow_nan=False))
    assert again == doc and again["graph"]["view"] == "all"
    assert {e["relation"] for e in again["edges"]} == {"moves", "feeds", "pays", "values", "affects"}


_NODE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)" \[(.*)\];$')
_EDGE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)" \[(.*)\];$')
_ATTRIBUTE = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def _read_dot(text: str) -> tuple[dict[str, dict[str, str]], dict[tuple[str, str], dict[str, str]]]:
    nodes, edges = {}, {}
    for line in text.splitlines():
        if edge := _EDGE.match(line):
            attrs = {k: _unquote(v) for k, v in _ATTRIBUTE.findall(edge.group(3))}
            edges[(_unquote(edge.group(1)), _unquote(edge.group(2)))] = attrs
        elif node := _NODE.match(line):
            nodes[_unquote(node.group(1))] = {k: _unquote(v) for k, v in _ATTRIBUTE.findall(node.group(2))}
    return nodes, edges


def _as_dot_text(value: object) -> str:
    return (
        ("true" if value else "false")
        if isinstance(value, bool)
        else repr(value)
        if isinstance(value, float)
        else str(value)
    )


@pytest.mark.parametrize("view", ["all", "kpis", "departments"])
def test_dot_parses_back_into_the_same_graph(graph: inc.DependencyGraph, view: str) -> None:
    text = to_dot(graph, view)
    assert text.startswith('digraph "Growing software company" {\n') and text.endswith("}\n")
    nodes, edges = _read_dot(text)
    expected = graph_view(graph, view)
    assert set(nodes) == set(expected.nodes) and set(edges) == set(expected.edges)
    for node, data in expected.nodes(data=True):
        read = {k: v for k, v in nodes[node].items() if k not in DOT_STYLE}
        assert read == {k: _as_dot_text(v) for k, v in data.items()}
    for u, v, data in expected.edges(data=True):
        read = {("weight" if k == "signed_weight" else k): x for k, x in edges[u, v].items() if k not in DOT_STYLE}
        assert read == {k: _as_dot_text(x) for k, x in data.items()}
        assert float(edges[u, v]["penwidth"]) == pytest.approx(round(0.8 + 4 * data["strength"], 2))


def test_dot_text_of_a_tiny_graph_quotes_everything() -> None:
    g = nx.DiGraph(name='Say "hi" \\ now')
    g.add_node("sales", kind="department", label="sales", order=0)
    g.add_node("tickets", kind="kpi", label="tickets", order=0, formula="a\nb")
    g.add_edge("sales", "tickets", relation="moves", effect=-0.5, sign=-1, strength=0.25, mixed=False, direct=True)
    assert to_dot(g, "kpis") == (
        'digraph "Say \\"hi\\" \\\\ now" {\n'
        '  graph [view="kpis", rankdir="LR", nodesep="0.25", ranksep="1.6", fontname="Helvetica", labelloc="t"];\n'
        '  node [fontname="Helvetica", shape="box", style="rounded,filled"];\n'
        '  edge [fontname="Helvetica", fontsize="10", arrowsize="0.7"];\n'
        '  "sales" [kind="department", label="sales", order="0", fillcolor="#fde9c9"];\n'
        '  "tickets" [kind="kpi", label="tickets", order="0", formula="a\\nb", fillcolor="#eef1f5"];\n'
        '  { rank=min; "sales"; }\n'
        '  "sales" -> "tickets" [relation="moves", effect="-0.5", sign="-1", strength="0.25", mixed="false", '
        'direct="true", color="#c0392b", penwidth="1.8"];\n'
        "}\n"
    )


def test_bad_suffix_and_view_are_refused_without_writing(graph: inc.DependencyGraph, tmp_path: Path) -> None:
    with pytest.raises(GraphError, match=r"cannot write a \.xlsx file; expected one of"):
        save_graph(graph, tmp_path / "graph.xlsx")
    with pytest.raises(GraphError, match="unknown view 'people'"):
        save_graph(graph, tmp_path / "graph.json", view="people")
    with pytest.raises(GraphError, match="can read back"):
        read_graph(tmp_path / "graph.dot")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "graph.graphml"
    path.write_text("old", encoding="utf-8")

    def broken(graph: nx.DiGraph, target: Path) -> None:
        Path(target).write_text("half", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(nx, "write_graphml", broken)
    with pytest.raises(OSError, match="disk full"):
        save_graph(dependency_graph(sales_support()), path)
    assert path.read_text(encoding="utf-8") == "old" and list(tmp_path.iterdir()) == [path]
