"""The dependency graph: edges, signs and sizes against hand computations and a brute-force oracle."""

from __future__ import annotations

import dataclasses
import itertools

import networkx as nx
import numpy as np
import pytest
import sympy
from _graph_models import EXAMPLE, sales_support

import incentives as inc
from incentives.errors import GraphError
from incentives.formula import symbol
from incentives.graph import COMPANY, DependencyGraph, dependency_graph, graph_view


@pytest.fixture(scope="module")
def hand() -> nx.DiGraph:
    return dependency_graph(sales_support()).graph


def _edge(g: nx.DiGraph, u: str, v: str) -> dict:
    assert g.has_edge(u, v), f"missing edge {u} -> {v}"
    return dict(g.edges[u, v])


# Worked out by hand in tests/graph/_graph_models.py's model: deals D in (2, 4, 6), speed s in (1, 2),
# optimum (careful, fast); a departure of sales is D: 2 -> 4 or 2 -> 6, of support s: 2 -> 1.
MOVES = {
    # (department, KPI): effect, size, max_size, strength, direct, derivatives
    ("sales", "revenue"): (30, 80 / 3, 40, 2 / 3, True, "deals +"),
    ("sales", "churn"): (44, 128 / 3, 64, 2 / 3, True, "deals +"),
    ("sales", "tickets"): (9, 8, 12, 2 / 3, True, "deals +"),
    ("sales", "backlog"): (27 / 4, 6, 12, 6 / 15, False, "deals +"),
    ("support", "backlog"): (6, 6, 9, 6 / 15, True, "speed -"),
}
AFFECTS = {
    ("sales", "support"): (-27 / 4, 6, 12, 6 / 16),
    ("sales", COMPANY): (-137 / 4, 34, 60, 34 / 69),
    ("support", COMPANY): (-18, 18, 27, 18 / 69),
}


@pytest.mark.parametrize(("pair", "expected"), MOVES.items(), ids=[f"{u}->{v}" for u, v in MOVES])
def test_moves_edges_match_hand_computation(hand: nx.DiGraph, pair: tuple[str, str], expected: tuple) -> None:
    effect, size, max_size, strength, direct, derivatives = expected
    data = _edge(hand, *pair)
    assert data["relation"] == "moves"
    assert data["effect"] == pytest.approx(effect)
    assert data["size"] == pytest.approx(size)
    assert data["max_size"] == pytest.approx(max_size)
    assert data["strength"] == pytest.approx(strength)
    assert data["sign"] == 1 and data["mixed"] is False
    assert data["direct"] is direct and data["derivatives"] == derivatives


@pytest.mark.parametrize(("pair", "expected"), AFFECTS.items(), ids=[f"{u}->{v}" for u, v in AFFECTS])
def test_externality_edges_match_hand_computation(hand: nx.DiGraph, pair: tuple[str, str], expected: tuple) -> None:
    effect, size, max_size, strength = expected
    data = _edge(hand, *pair)
    assert data["relation"] == "affects" and data["sign"] == -1
    assert (data["effect"], data["size"], data["max_size"], data["strength"]) == pytest.approx(
        (effect, size, max_size, strength)
    )


def test_no_edge_where_a_choice_moves_nothing(hand: nx.DiGraph) -> None:
    assert not hand.has_edge("support", "sales")  # sales is paid on revenue, which support cannot move
    assert not hand.has_edge("support", "revenue") and not hand.has_edge("support", "tickets")
    assert not hand.has_edge("sales", "sales") and not hand.has_edge("support", "support")


def test_pay_value_and_feed_edges(hand: nx.DiGraph) -> None:
    pays = _edge(hand, "revenue", "sales")
    assert (pays["relation"], pays["weight"], pays["sign"], pays["stake"]) == ("pays", pytest.approx(0.1), 1, 4.0)
    assert pays["strength"] == pytest.approx(4 / 15)  # the largest stake is support's: |-1| * (18 - 3)
    docked = _edge(hand, "backlog", "support")
    assert (docked["weight"], docked["sign"], docked["strength"]) == (-1.0, -1, 1.0)
    # dV/dtickets = -(3 - s) as written; with backlog = tickets / s following it, -(3 - s) - 1/s
    tickets = _edge(hand, "tickets", COMPANY)
    assert tickets["relation"] == "values"
    assert (tickets["weight"], tickets["min_weight"], tickets["max_weight"]) == (-1.5, -2.0, -1.0)
    assert tickets["total_weight"] == pytest.approx(-2.25)
    assert _edge(hand, "churn", COMPANY)["weight"] == -1.0 and _edge(hand, "churn", COMPANY)["strength"] == 1.0
    feed = _edge(hand, "tickets", "backlog")
    assert (feed["relation"], feed["weight"], feed["min_weight"], feed["max_weight"]) == ("feeds", 0.75, 0.5, 1.0)
    assert feed["strength"] == pytest.approx(0.75 * 12 / 15)


def test_nodes_carry_optimum_and_temptation(hand: nx.DiGraph) -> None:
    assert hand.graph["optimum"] == "sales=careful, support=fast" and hand.graph["optimum_value"] == 3.0
    assert hand.nodes["sales"]["own_gain"] == pytest.approx(3.0)  # commission 0.1 x revenue: D 2 -> 4, 6
    assert hand.nodes["support"]["own_gain"] == pytest.approx(-7.0)  # thorough: backlog up, and it costs 1
    assert hand.nodes["support"]["optimum_action"] == "fast"
    assert (hand.nodes[COMPANY]["low"], hand.nodes[COMPANY]["high"]) == (-66.0, 3.0)
    assert hand.nodes["backlog"]["formula"] == "tickets/support.speed"


def test_every_attribute_is_a_plain_value(hand: nx.DiGraph) -> None:
    values = [*hand.graph.values()]
    values += [v for _, d in hand.nodes(data=True) for v in d.values()]
    values += [v for *_, d in hand.edges(data=True) for v in d.values()]
    assert values and all(type(v) in (str, int, float, bool) for v in values)


def _oracle(org: inc.Organization) -> dict[tuple[str, str], tuple[float, float, float]]:
    """Effect, size and largest change of every department on every KPI, payoff and company value, by loops."""
    params = {symbol(k): v for k, v in org.parameters.items()}
    quantities = {k: e for k, e in org.resolved_kpis().items()}
    quantities[COMPANY] = org.resolved_company_value()
    quantities.update({d: org.payoff_formula(d) for d in org.department_names})
    depts = org.departments
    profiles = list(itertools.product(*(range(len(d.actions)) for d in depts)))

    def value(name: str, profile: tuple[int, ...]) -> float:
        subs = dict(params)
        for dept, k in zip(depts, profile, strict=True):
            subs.update({symbol(f"{dept.name}.{v}"): x.xreplace(params) for v, x in dept.actions[k].values.items()})
        cost = 0.0
        if name in org.department_names:
            dept = org.department(name)
            cost = float(org.costs.get(name, {}).get(dept.actions[profile[depts.index(dept)]].name, sympy.Integer(0)))
        return float(quantities[name].xreplace(subs)) - cost

    table = {name: {p: value(name, p) for p in profiles} for name in quantities}
    best = max(profiles, key=lambda p: table[COMPANY][p])
    out = {}
    for i, dept in enumerate(depts):
        others = [p for p in profiles if p[i] == 0]
        for name, values in table.items():
            if name == dept.name:
                continue
            departures, switches = [], []
            for p in others:
                row = [values[(*p[:i], k, *p[i + 1 :])] for k in range(len(dept.actions))]
                departures += [row[k] - row[best[i]] for k in range(len(row)) if k != best[i]]
                switches += [abs(row[b] - row[a]) for a, b in itertools.combinations(range(len(row)), 2)]
            out[(dept.name, name)] = (float(np.mean(departures)), float(np.mean(switches)), max(switches))
    return out


@pytest.mark.parametrize("source", [EXAMPLE, "hand"])
def test_edges_agree_with_brute_force(source: str) -> None:
    org = sales_support() if source == "hand" else inc.load_model(source)
    g = dependency_graph(org).graph
    for (dept, target), (effect, size, largest) in _oracle(org).items():
        if largest < 1e-9:
            assert not g.has_edge(dept, target), (dept, target)
            continue
        data = _edge(g, dept, target)
        assert data["relation"] == ("moves" if g.nodes[target]["kind"] == "kpi" else "affects")
        assert (data["effect"], data["size"], data["max_size"]) == pytest.approx((effect, size, largest), abs=1e-9)


def test_profit_share_is_an_edge_from_the_company() -> None:
    org = sales_support()
    plan = {"backlog": sympy.Integer(-1), "company_value": sympy.Rational(1, 20)}
    shared = dataclasses.replace(org, bonus={**org.bonus, "support": plan})
    g = dependency_graph(shared).graph
    edge = _edge(g, COMPANY, "support")
    assert (edge["relation"], edge["weight"], edge["stake"]) == ("pays", 0.05, pytest.approx(0.05 * 69))
    # with a share of company value, sales' departure now also costs support its share of the loss
    assert _edge(g, "sales", "support")["effect"] == pytest.approx(-27 / 4 + 0.05 * -137 / 4)


def test_parameters_replace_the_models_own() -> None:
    g = dependency_graph(sales_support(), parameters={"commission": 0.5}).graph
    assert g.edges["revenue", "sales"]["weight"] == 0.5
    assert g.nodes["sales"]["own_gain"] == pytest.approx(15.0)


def test_views_split_the_relations(hand: nx.DiGraph) -> None:
    kpis, departments = graph_view(hand, "kpis"), graph_view(hand, "departments")
    assert {d["relation"] for *_, d in kpis.edges(data=True)} == {"moves", "pays", "values", "feeds"}
    assert {d["relation"] for *_, d in departments.edges(data=True)} == {"affects"}
    assert set(departments) == {"sales", "support", COMPANY}
    assert kpis.graph["view"] == "kpis" and nx.is_frozen(kpis)
    assert kpis.number_of_edges() + departments.number_of_edges() == hand.number_of_edges()
    with pytest.raises(GraphError, match="unknown view 'people'"):
        graph_view(hand, "people")


def test_dependency_graph_object_validates_and_freezes() -> None:
    graph = dependency_graph(sales_support())
    assert graph.departments == ("sales", "support") and graph.kpis == ("revenue", "churn", "tickets", "backlog")
    assert nx.is_frozen(graph.graph)
    copy = graph.to_networkx("departments")
    copy.add_node("new", kind="kpi")  # a copy can change; the graph cannot
    assert "new" not in graph.graph
    with pytest.raises(nx.NetworkXError):
        graph.graph.add_node("x")
    assert "2 departments, 4 KPIs" in repr(graph)
    bad = nx.DiGraph()
    bad.add_node("x", kind="person")
    with pytest.raises(GraphError, match="node 'x' has kind 'person'"):
        DependencyGraph(graph=bad)
    with pytest.raises(GraphError, match="must be a networkx DiGraph"):
        DependencyGraph(graph={"a": 1})  # type: ignore[arg-type]
    unfrozen = nx.DiGraph()
    unfrozen.add_edge("a", "b", relation="moves")
    unfrozen.nodes["a"]["kind"] = "department"
    unfrozen.nodes["b"]["kind"] = "kpi"
    assert nx.is_frozen(DependencyGraph(graph=unfrozen).graph) and not nx.is_frozen(unfrozen)


def test_a_single_action_department_moves_nothing() -> None:
    org = inc.Organization.from_dict(
        {
            "name": "Fixed",
            "departments": {"a": {"actions": {"only": {"x": 1}}}, "b": {"actions": {"lo": {"y": 0}, "hi": {"y": 1}}}},
            "kpis": {"k": "a.x + b.y"},
            "company_value": "k",
            "bonus": {"a": {"k": 1}, "b": {"k": 1}},
        }
    )
    g = dependency_graph(org).graph
    assert list(g.out_edges("a")) == [] and g.has_edge("b", "a") and g.nodes["a"]["own_gain"] == 0.0
