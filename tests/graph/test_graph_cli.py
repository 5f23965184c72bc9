"""``incentives graph``: the report, the pictures and graph files, and clean errors; the essay's dependencies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _graph_models import EXAMPLE, blame_ring
from click.testing import CliRunner

import incentives as inc
from incentives.cli import main
from incentives.graph import COMPANY, dependency_graph, read_graph, stakeholders
from incentives.report import json_document, render
from incentives.report.graph import GraphReport


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_summary_by_default() -> None:
    code, out, _ = run("graph", EXAMPLE)
    assert code == 0
    for title in (
        "KPIs: who moves them",
        "Externalities",
        "Finger-pointing loops",
        "Stakeholders",
        "Misaligned KPIs",
        "Centrality",
    ):
        assert title in out
    assert "│ sales (consultative →)" in out and "-207.04" in out
    assert "resolution_hours        │ sales +3.067 (via KPIs)" in out


def test_views_choose_the_tables() -> None:
    _, kpis, _ = run("graph", EXAMPLE, "--view", "kpis")
    _, departments, _ = run("graph", EXAMPLE, "--view", "departments")
    assert "KPIs: who moves them" in kpis and "Externalities" not in kpis
    assert "Externalities" in departments and "KPIs: who moves them" not in departments


def test_loops_are_reported(tmp_path: Path) -> None:
    model = tmp_path / "ring.json"
    model.write_text(json.dumps(blame_ring().to_dict()), encoding="utf-8")
    code, out, _ = run("graph", str(model))
    assert code == 0 and "Finger-pointing loops of up to 5 departments: 2" in out
    assert "e (-5) → f (-5) → e" in out and "a (-1) → b (-1) → c (-1) → a" in out
    _, out, _ = run("graph", str(model), "--max-loop-length", "2")
    assert "a (-1) → b" not in out and "e (-5) → f (-5) → e" in out


@pytest.mark.parametrize(
    ("option", "suffix"),
    [("--plot", ".png"), ("--plot", ".svg")]
    + [("--graph-file", suffix) for suffix in (".graphml", ".gexf", ".json", ".dot")],
)
def test_pictures_and_graph_files(tmp_path: Path, option: str, suffix: str) -> None:
    path = tmp_path / f"graph{suffix}"
    code, out, err = run("graph", EXAMPLE, option, str(path))
    assert code == 0 and "Externalities" in out and f"wrote {path}" in err  # the report still goes to stdout
    assert path.stat().st_size > 1000
    if suffix in (".graphml", ".gexf", ".json"):
        assert read_graph(path).has_edge("sales", "support")
    if suffix == ".dot":
        assert path.read_text(encoding="utf-8").startswith('digraph "Growing software company"')


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".json"])
def test_the_report_in_every_format(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"report{suffix}"
    code, out, err = run("graph", EXAMPLE, "--output", str(path))
    assert code == 0 and out == "" and f"wrote {path}" in err
    text = path.read_text(encoding="utf-8")
    if suffix == ".json":
        doc = json.loads(text)
        assert doc["schema"] == "incentives.dependencies/1"
        sales = next(e for e in doc["externalities"] if e["department"] == "sales")
        assert sales["effects"]["company_value"] == pytest.approx(-207.04)
        assert read_graph_doc(doc["graph"]).has_edge("sales", "support")
    else:
        assert "Finger-pointing loops of up to 5 departments: none" in text and "-207.04" in text


def read_graph_doc(doc: dict) -> object:
    import networkx as nx

    return nx.node_link_graph(doc, edges="edges")


def test_view_applies_to_files(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    run("graph", EXAMPLE, "--graph-file", str(path), "--view", "departments")
    read = read_graph(path)
    assert {d["relation"] for *_, d in read.edges(data=True)} == {"affects"} and "tickets" not in read


def test_clean_errors(tmp_path: Path) -> None:
    code, _, err = run("graph", EXAMPLE, "--graph-file", str(tmp_path / "graph.xlsx"))
    assert code == 2 and "cannot write a .xlsx graph file" in err and not list(tmp_path.iterdir())
    code, _, err = run("graph", EXAMPLE, "--output", str(tmp_path / "graph.png"))
    assert code == 2 and "--plot for a picture" in err and not list(tmp_path.iterdir())
    code, _, err = run("graph", EXAMPLE, "--plot", str(tmp_path / "graph.gexf"))
    assert code == 2 and "a picture is a file ending in .png, .svg, .pdf" in err
    code, _, err = run("graph", EXAMPLE, "--output", str(tmp_path / "no" / "such" / "graph.txt"))
    assert code == 1 and err.startswith("error: ") and "does not exist" in err
    nfg = tmp_path / "game.nfg"
    nfg.write_text('NFG 1 R "g" { "a" "b" } { 1 1 }\n0 0\n', encoding="utf-8")
    code, _, err = run("graph", str(nfg))
    assert code == 2 and "expected a model file" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ndepartments: {a: {actions: {b: {x: 1}}}}\nkpis: {k: a.y}\ncompany_value: k\nbonus: {}\n")
    code, _, err = run("graph", str(bad))
    assert code == 1 and "unknown name 'a.y'" in err


def test_report_blocks_on_the_ring() -> None:
    report = GraphReport(graph=dependency_graph(blame_ring()), view="departments")
    text = render(report, "text")
    assert "Misaligned KPIs: they pay a department" in text and "│ a " in text
    doc = json_document(report)
    assert len(doc["loops"]) == 2 and doc["view"] == "departments"
    assert [step["department"] for step in min(doc["loops"], key=len)] == ["e", "f"]
    assert all(step["effect"] < 0 for loop in doc["loops"] for step in loop)


# --- the essay: when sales signs a deal, support and operations (and development) must be in the room ------------


@pytest.fixture(scope="module")
def essay() -> inc.DependencyGraph:
    return dependency_graph(inc.load_model(EXAMPLE))


def test_sales_deals_load_support_and_operations(essay: inc.DependencyGraph) -> None:
    g = essay.graph
    # sales' aggressive deals raise the ticket load and the resolution hours support is docked for ...
    assert g.edges["sales", "new_customers"]["sign"] == 1 and g.edges["sales", "new_customers"]["direct"]
    assert g.edges["sales", "tickets"]["sign"] == 1
    assert g.edges["sales", "resolution_hours"]["sign"] == 1 and not g.edges["sales", "resolution_hours"]["direct"]
    assert g.edges["resolution_hours", "support"]["weight"] == -1.0
    # ... and raise incidents, which lower the uptime operations is paid on
    assert g.edges["sales", "incidents"]["sign"] == 1 and g.edges["sales", "uptime"]["sign"] == -1
    assert g.edges["uptime", "operations"]["weight"] == 1.0
    # the chains, KPI by KPI
    assert [g.edges[u, v]["sign"] for u, v in [("new_customers", "tickets"), ("tickets", "resolution_hours")]] == [1, 1]
    assert g.edges["new_customers", "incidents"]["sign"] == 1 and g.edges["incidents", "uptime"]["sign"] == -1
    # so sales' departure costs both of them pay
    assert g.edges["sales", "support"]["effect"] < 0 and g.edges["sales", "operations"]["effect"] < 0
    assert [n for n, _ in stakeholders(essay, "sales", kinds=("department",))] == ["support", "operations"]


def test_development_rushed_code_loads_support_and_operations(essay: inc.DependencyGraph) -> None:
    g = essay.graph
    assert g.edges["development", "tickets"]["sign"] == 1 and g.edges["development", "incidents"]["sign"] == 1
    assert "quality -" in g.edges["development", "tickets"]["derivatives"]
    assert g.edges["development", "support"]["effect"] < 0 and g.edges["development", "operations"]["effect"] < 0
    assert [n for n, _ in stakeholders(essay, "development", kinds=("department",))] == ["operations", "support"]


def test_nobody_loads_sales_and_support_loads_nobody(essay: inc.DependencyGraph) -> None:
    g = essay.graph
    assert not any(g.has_edge(d, "sales") for d in ("support", "development", "operations"))
    assert [v for _, v, d in g.out_edges("support", data=True) if d["relation"] == "affects"] == [COMPANY]
