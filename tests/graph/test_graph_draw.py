"""Pictures: files produced, every node labelled, no two labels overlapping, a clear error without matplotlib."""

from __future__ import annotations

import itertools
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import pytest
from _graph_models import EXAMPLE, blame_ring, sales_support

import incentives as inc
from incentives.errors import GraphError
from incentives.graph import dependency_graph, draw_graph, save_graph

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch


@pytest.fixture(scope="module")
def graph() -> inc.DependencyGraph:
    return dependency_graph(inc.load_model(EXAMPLE))


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_picture_files_are_written(graph: inc.DependencyGraph, tmp_path: Path, suffix: str) -> None:
    path = save_graph(graph, tmp_path / f"graph{suffix}")
    data = path.read_bytes()
    assert len(data) > 10_000
    if suffix == ".png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    elif suffix == ".svg":
        assert ET.fromstring(data).tag.endswith("svg")
    else:
        assert data.startswith(b"%PDF")
    assert list(tmp_path.iterdir()) == [path]


def _boxes(figure: Figure) -> list[tuple[str, object]]:
    figure.draw_without_rendering()
    return [
        (t.get_text(), t.get_bbox_patch().get_window_extent())
        for ax in figure.axes
        for t in ax.texts
        if t.get_bbox_patch() is not None and t.get_bbox_patch().get_facecolor()[:3] != (1.0, 1.0, 1.0)
    ]


@pytest.mark.parametrize("model", ["example", "hand", "ring"])
@pytest.mark.parametrize("view", ["kpis", "departments"])
def test_every_node_is_labelled_and_no_labels_overlap(model: str, view: str) -> None:
    org = {"example": lambda: inc.load_model(EXAMPLE), "hand": sales_support, "ring": blame_ring}[model]()
    g = dependency_graph(org)
    figure = draw_graph(g, view)
    boxes = _boxes(figure)
    labels = " ".join(text for text, _ in boxes)
    for department in g.departments:
        assert department in labels
    if view == "kpis":
        assert all(kpi in labels for kpi in g.kpis) and "company value" in labels
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), (a, b)  # type: ignore[attr-defined]
    assert min(t.get_fontsize() for ax in figure.axes for t in ax.texts) >= 8


def test_arrows_match_the_drawn_edges(graph: inc.DependencyGraph) -> None:
    g = graph.graph
    figure = draw_graph(graph, "kpis")
    arrows = [p for p in figure.axes[0].patches if isinstance(p, FancyArrowPatch)]
    drawn = [d for *_, d in g.edges(data=True) if d["relation"] in ("feeds", "pays", "values") or d.get("direct")]
    assert len(arrows) == len(drawn)
    # colour by sign: as many red arrows as negative edges
    red = [a for a in arrows if matplotlib.colors.to_hex(a.get_edgecolor()) == "#c0392b"]
    assert len(red) == sum(1 for d in drawn if d["sign"] < 0)
    circle = draw_graph(graph, "departments")
    affects = [p for p in circle.axes[0].patches if isinstance(p, FancyArrowPatch)]
    between = [v for _, v, d in g.edges(data=True) if d["relation"] == "affects" and v != inc.graph.COMPANY]
    assert len(affects) == len(between) == 4  # the company's share is written in each box
    assert any("company value +14.88\n(sign varies)" in t.get_text() for t in circle.axes[0].texts)
    assert len(draw_graph(graph, "all").axes) == 2


def test_draws_into_given_axes_and_refuses_bad_views(graph: inc.DependencyGraph) -> None:
    figure = Figure()
    ax = figure.add_subplot()
    assert draw_graph(graph, "departments", ax=ax) is figure and ax.get_title().startswith("Who moves whom")
    with pytest.raises(GraphError, match="the 'all' view draws two panels"):
        draw_graph(graph, "all", ax=ax)
    with pytest.raises(GraphError, match="unknown view"):
        draw_graph(graph, "circle")


def test_jupyter_shows_the_picture(graph: inc.DependencyGraph) -> None:
    assert graph._repr_png_().startswith(b"\x89PNG")
    assert graph.draw("kpis").axes[0].get_title().startswith("How KPIs tie the departments together")


def test_a_clear_error_without_matplotlib(graph: inc.DependencyGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install 'incentives\[plot\]'"):
        draw_graph(graph)
