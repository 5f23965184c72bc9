"""Analyses of the dependency graph: loops, stakeholders, misaligned KPIs, centrality (answers worked out by hand)."""

from __future__ import annotations

import networkx as nx
import pytest
from _graph_models import EXAMPLE, blame_ring, sales_support

import incentives as inc
from incentives.errors import GraphError
from incentives.graph import (
    COMPANY,
    centrality,
    dependency_graph,
    externalities,
    finger_pointing_loops,
    misaligned_kpis,
    stakeholders,
)


@pytest.fixture(scope="module")
def ring() -> inc.DependencyGraph:
    return dependency_graph(blame_ring())


@pytest.fixture(scope="module")
def hand() -> inc.DependencyGraph:
    return dependency_graph(sales_support())


def test_the_three_department_loop_and_the_pair_are_found_and_nothing_else(ring: inc.DependencyGraph) -> None:
    # e and f cost each other 5 a push (harm 10), a -> b -> c -> a cost 1 each (harm 3); d hurts a but a helps d
    assert finger_pointing_loops(ring) == [("e", "f"), ("a", "b", "c")]
    assert finger_pointing_loops(ring.graph, max_length=2) == [("e", "f")]
    assert finger_pointing_loops(ring, threshold=2) == [("e", "f")]
    assert finger_pointing_loops(ring, max_length=None) == [("e", "f"), ("a", "b", "c")]


def test_loops_agree_with_networkx_on_the_negative_subgraph(ring: inc.DependencyGraph) -> None:
    effects = externalities(ring)
    negative = nx.DiGraph((d, t) for d, row in effects.items() for t, e in row.items() if e < 0 and t != COMPANY)
    expected = {frozenset(c) for c in nx.recursive_simple_cycles(negative)}
    assert {frozenset(loop) for loop in finger_pointing_loops(ring)} == expected


def test_no_loops_without_mutual_harm(hand: inc.DependencyGraph) -> None:
    assert finger_pointing_loops(hand) == []
    with pytest.raises(GraphError, match="'max_length' parameter must be an int >= 2"):
        finger_pointing_loops(hand, max_length=1)


def test_externalities_table(ring: inc.DependencyGraph) -> None:
    row = externalities(ring)["a"]
    assert row == {"b": -1.0, "c": 0.0, "d": 1.0, "e": 0.0, "f": 0.0, COMPANY: -1.0}
    assert externalities(ring)["e"]["f"] == -5.0


def test_stakeholders_ranked_by_strength(hand: inc.DependencyGraph, ring: inc.DependencyGraph) -> None:
    ranked = stakeholders(hand, "sales")
    assert [name for name, _ in ranked] == ["revenue", "churn", "tickets", COMPANY, "backlog", "support"]
    assert [s for _, s in ranked] == pytest.approx([2 / 3, 2 / 3, 2 / 3, 34 / 69, 0.4, 0.375])
    assert stakeholders(hand, "sales", kinds=("department",)) == [("support", pytest.approx(0.375))]
    assert stakeholders(hand, "support", kinds=("department",)) == []
    # ties: departments, then the company, then KPIs, each in model order
    assert [n for n, _ in stakeholders(ring, "a")] == ["b", "d", "kb", "kd", "ka", COMPANY]


def test_stakeholders_reject_unknown_names(hand: inc.DependencyGraph) -> None:
    with pytest.raises(GraphError, match=r"unknown department 'sale'; the departments are \['sales', 'support'\]"):
        stakeholders(hand, "sale")
    with pytest.raises(GraphError, match="unknown department 'revenue'"):
        stakeholders(hand, "revenue")
    with pytest.raises(GraphError, match="unknown kinds"):
        stakeholders(hand, "sales", kinds=("people",))


def test_misaligned_kpis(hand: inc.DependencyGraph, ring: inc.DependencyGraph) -> None:
    (item,) = misaligned_kpis(hand)  # support's backlog pays it to stay fast: aligned
    assert (item["department"], item["kpi"]) == ("sales", "revenue")
    assert item["weight"] == pytest.approx(0.1) and item["pay_gain"] == pytest.approx(3.0)
    assert item["harms"] == {"support": pytest.approx(-6.75), COMPANY: pytest.approx(-34.25)}
    assert item["company_weight"] == 1.0
    assert [(m["department"], m["kpi"]) for m in misaligned_kpis(ring)] == [(n, f"k{n}") for n in "abcdef"]


def test_centrality(hand: inc.DependencyGraph, ring: inc.DependencyGraph) -> None:
    sales, support = centrality(hand).values()
    assert sales == pytest.approx(
        {
            "kpis_moved": 4,
            "out_strength": 0.375,
            "in_strength": 0,
            "upstream": 0.375,
            "reach": 1,
            "spread": 0.375,
            "company": 34 / 69,
        }
    )
    assert support["upstream"] == pytest.approx(-0.375) and support["reach"] == 0 and support["spread"] == 0
    c = centrality(ring)
    # a -> b, a -> d (strength 1/2 each: one unit of a range of 2), then b -> c: chain 1/4
    assert (c["a"]["reach"], c["a"]["spread"]) == (3, pytest.approx(1.25))
    # d -> a is 1/3 (a's KPI ranges over 3); then a -> b 1/2, b -> c 1/2
    assert (c["d"]["reach"], c["d"]["spread"]) == (3, pytest.approx(1 / 3 + 1 / 6 + 1 / 12))
    assert c["a"]["in_strength"] == pytest.approx(2 / 3) and c["a"]["upstream"] == pytest.approx(1 / 3)
    assert (c["e"]["reach"], c["e"]["spread"], c["e"]["company"]) == (1, pytest.approx(5 / 6), pytest.approx(1 / 6))


def test_analyses_take_the_networkx_graph_too(hand: inc.DependencyGraph) -> None:
    assert centrality(hand.graph) == centrality(hand)
    assert stakeholders(hand.to_networkx(), "sales") == stakeholders(hand, "sales")
    with pytest.raises(GraphError, match="expected a DependencyGraph or a networkx DiGraph; got dict"):
        centrality({})  # type: ignore[arg-type]


def test_example_misaligned_kpis_spare_operations() -> None:
    graph = dependency_graph(inc.load_model(EXAMPLE))
    found = [(m["department"], m["kpi"]) for m in misaligned_kpis(graph)]
    assert found == [
        ("sales", "new_customers"),
        ("support", "tickets_closed_per_hour"),
        ("support", "resolution_hours"),
        ("development", "features_shipped"),
    ]
    # operations' freeze helps company value on average (it contains the others' gaming), with a mixed sign
    edge = graph.graph.edges["operations", COMPANY]
    assert edge["effect"] > 0 and edge["mixed"] is True
