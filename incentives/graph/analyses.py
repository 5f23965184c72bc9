"""What the dependency graph says: finger-pointing loops, stakeholders, misaligned KPIs, centrality.

Every function takes the graph first (a :class:`~incentives.graph.DependencyGraph`
or its networkx graph) and returns plain values.  The edge attributes they read
(``effect``, ``strength``, ``weight``, ...) are defined in
:mod:`incentives.graph.build`.

Definitions
-----------
* **Externality** of department ``d`` on ``t`` (another department or the
  company): the ``effect`` of the ``affects`` edge ``d -> t``, the mean change
  of ``t``'s payoff (or of company value) when ``d`` departs from its
  company-optimal action; 0 when there is no edge.
* **Finger-pointing loop**: a cycle ``d_1 -> d_2 -> ... -> d_1`` of departments
  in which every department's departure lowers the next one's payoff (every
  ``affects`` edge on it has a negative ``effect``), so each can point at the
  one before it.  Loops are the simple cycles of the subgraph of negative
  externality edges (:func:`networkx.simple_cycles`), up to a length bound.
* **Stakeholders** of department ``d``'s decision: every department, KPI and
  the company its choice moves, ranked by the ``strength`` of the edge (the
  share of their range that ``d``'s choice moves): who must be in the room.
* **Misaligned KPI**: a KPI ``k`` in department ``d``'s bonus plan such that
  ``d``'s departure from the company-optimal action raises its pay through
  ``k`` (``weight(k -> d) * effect(d -> k) > 0``) while that departure lowers
  company value or another department's payoff (a negative externality of ``d``).
* **Centrality** of department ``d``: ``kpis_moved`` (how many KPIs its choice
  moves), ``out_strength`` and ``in_strength`` (sums of the ``strength`` of its
  externality edges to and from other departments), ``upstream`` (out minus in:
  positive when it moves others more than they move it), ``reach`` (how many
  departments it affects directly or through others: its descendants in the
  externality graph), ``spread`` (the sum over those departments of the
  strongest chain to each, a chain's strength being the product of its edges'
  strengths: how far its gaming carries, attenuated along the way), and
  ``company`` (the ``strength`` of its edge to company value).
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx

from ..errors import GraphError
from ..tolerance import SOLVER_RTOL
from .graphs import COMPANY, KINDS, DependencyGraph, as_graph

__all__ = ["centrality", "externalities", "finger_pointing_loops", "misaligned_kpis", "stakeholders"]

#: Default bound on the length of finger-pointing loops.
MAX_LOOP_LENGTH = 5


def _departments(g: nx.DiGraph) -> list[str]:
    found = [(d.get("order", 0), n) for n, d in g.nodes(data=True) if d.get("kind") == "department"]
    return [n for _, n in sorted(found)]


def _affects(g: nx.DiGraph, source: str) -> dict[str, dict[str, Any]]:
    return {t: d for _, t, d in g.out_edges(source, data=True) if d.get("relation") == "affects"}


def _check_department(g: nx.DiGraph, department: str) -> None:
    if department not in g or g.nodes[department].get("kind") != "department":
        raise GraphError(f"unknown department {department!r}; the departments are {_departments(g)}")


def externalities(graph: DependencyGraph | nx.DiGraph) -> dict[str, dict[str, float]]:
    """Each department's externality on every other department and on company value.

    Returns
    -------
    dict
        ``{department: {other department or "company_value": effect}}``, in player
        order, 0.0 where its choice does not move the other.

    Examples
    --------
    >>> import incentives as inc
    >>> graph = inc.dependency_graph(inc.load_model("examples/growing_company.yaml"))
    >>> {t: e < 0 for t, e in externalities(graph)["sales"].items() if e}
    {'support': True, 'operations': True, 'company_value': True}
    """
    g = as_graph(graph)
    departments = _departments(g)
    table = {}
    for d in departments:
        edges = _affects(g, d)
        targets = [t for t in departments if t != d] + ([COMPANY] if COMPANY in g else [])
        table[d] = {t: float(edges[t]["effect"]) if t in edges else 0.0 for t in targets}
    return table


def finger_pointing_loops(
    graph: DependencyGraph | nx.DiGraph, *, max_length: int | None = MAX_LOOP_LENGTH, threshold: float = 0.0
) -> list[tuple[str, ...]]:
    """Cycles of departments in which each one's departure hurts the next.

    Parameters
    ----------
    graph : DependencyGraph or networkx.DiGraph
    max_length : int or None
        Longest loop to look for (None: any length; the number of loops can grow
        exponentially with the number of departments).
    threshold : float
        Count an externality as harm only when its ``effect`` is below ``-threshold``.

    Returns
    -------
    list of tuple of str
        Each loop starts at its department that comes first in the model; loops
        with the most harm (sum of ``-effect`` along the loop) come first.

    Examples
    --------
    >>> import incentives as inc
    >>> finger_pointing_loops(inc.dependency_graph(inc.load_model("examples/growing_company.yaml")))
    []
    """
    g = as_graph(graph)
    if max_length is not None and max_length < 2:
        raise GraphError(f"The 'max_length' parameter must be an int >= 2 or None. Got {max_length!r} instead.")
    departments = _departments(g)
    order = {d: i for i, d in enumerate(departments)}
    harm = nx.DiGraph()
    harm.add_nodes_from(departments)
    for d in departments:
        for t, data in _affects(g, d).items():
            if t in order and data["effect"] < -threshold and data["sign"] < 0:
                harm.add_edge(d, t, harm=-float(data["effect"]))
    loops = []
    for cycle in nx.simple_cycles(harm, length_bound=max_length):
        start = min(range(len(cycle)), key=lambda k: order[cycle[k]])
        loop = tuple(cycle[start:] + cycle[:start])
        total = sum(harm.edges[u, v]["harm"] for u, v in zip(loop, loop[1:] + loop[:1], strict=True))
        loops.append((-total, [order[d] for d in loop], loop))
    return [loop for *_, loop in sorted(loops)]


def stakeholders(
    graph: DependencyGraph | nx.DiGraph, department: str, *, kinds: tuple[str, ...] = KINDS
) -> list[tuple[str, float]]:
    """Everyone and everything a department's choice moves, most affected first: who must be in the room.

    Parameters
    ----------
    graph : DependencyGraph or networkx.DiGraph
    department : str
    kinds : tuple of str
        Which kinds of node to list: ``"department"``, ``"kpi"``, ``"company"``.

    Returns
    -------
    list of (str, float)
        Node and ``strength`` of the edge from ``department`` (the share of its range
        that the department's choice moves), largest first; ties list departments,
        then the company, then KPIs, each in model order.

    Raises
    ------
    GraphError
        If ``department`` is not a department of the graph or a kind is unknown.

    Examples
    --------
    >>> import incentives as inc
    >>> graph = inc.dependency_graph(inc.load_model("examples/growing_company.yaml"))
    >>> [(name, round(s, 2)) for name, s in stakeholders(graph, "development", kinds=("department", "company"))]
    [('operations', 0.3), ('support', 0.18), ('company_value', 0.17)]
    """
    g = as_graph(graph)
    _check_department(g, department)
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise GraphError(f"unknown kinds {sorted(unknown)}; expected some of {list(KINDS)}")
    ranked = []
    for _, target, data in g.out_edges(department, data=True):
        kind = g.nodes[target]["kind"]
        if data.get("relation") in ("moves", "affects") and kind in kinds:
            # strengths equal up to rounding tie (then departments, company, KPIs, in model order)
            key = (-round(float(data["strength"]), 12), KINDS.index(kind), g.nodes[target].get("order", 0))
            ranked.append((key, target, float(data["strength"])))
    return [(target, strength) for _, target, strength in sorted(ranked)]


def misaligned_kpis(graph: DependencyGraph | nx.DiGraph) -> list[dict[str, Any]]:
    """KPIs that pay a department for a departure that hurts the company or another department.

    Returns
    -------
    list of dict
        One per misaligned (department, KPI), in model order, with keys
        ``department``, ``kpi``, ``weight`` (bonus weight), ``pay_gain`` (what the
        department's pay gains through the KPI by departing: weight x effect),
        ``harms`` (``{department or "company_value": negative effect}`` of its
        departure) and ``company_weight`` (the company's marginal weight on the
        KPI, 0.0 when company value does not use it as written).

    Examples
    --------
    >>> import incentives as inc
    >>> graph = inc.dependency_graph(inc.load_model("examples/growing_company.yaml"))
    >>> [(m["department"], m["kpi"]) for m in misaligned_kpis(graph)][:3]
    [('sales', 'new_customers'), ('support', 'tickets_closed_per_hour'), ('support', 'resolution_hours')]
    """
    g = as_graph(graph)
    found = []
    for d in _departments(g):
        harms = {t: float(e["effect"]) for t, e in _affects(g, d).items() if e["sign"] < 0}
        for kpi, _, pay in g.in_edges(d, data=True):
            if pay.get("relation") != "pays" or g.nodes[kpi]["kind"] != "kpi" or not g.has_edge(d, kpi):
                continue
            gain = float(pay["weight"]) * float(g.edges[d, kpi]["effect"])
            company_weight = float(g.edges[kpi, COMPANY]["weight"]) if g.has_edge(kpi, COMPANY) else 0.0
            if gain > SOLVER_RTOL and harms:
                found.append(
                    (
                        (g.nodes[d]["order"], g.nodes[kpi]["order"]),
                        {
                            "department": d,
                            "kpi": kpi,
                            "weight": float(pay["weight"]),
                            "pay_gain": gain,
                            "harms": dict(harms),
                            "company_weight": company_weight,
                        },
                    )
                )
    return [item for _, item in sorted(found, key=lambda t: t[0])]


def centrality(graph: DependencyGraph | nx.DiGraph) -> dict[str, dict[str, float]]:
    """How upstream each department is, and how far its gaming spreads (definitions in the module docstring).

    Returns
    -------
    dict
        ``{department: {"kpis_moved", "out_strength", "in_strength", "upstream", "reach", "spread",
        "company"}}``, in player order.

    Examples
    --------
    >>> import incentives as inc
    >>> graph = inc.dependency_graph(inc.load_model("examples/growing_company.yaml"))
    >>> {d: c["reach"] for d, c in centrality(graph).items()}
    {'sales': 2, 'support': 0, 'development': 2, 'operations': 0}
    """
    g = as_graph(graph)
    departments = _departments(g)
    chains = nx.DiGraph()
    chains.add_nodes_from(departments)
    for d in departments:
        for t, data in _affects(g, d).items():
            if t in chains and data["strength"] > 0:
                chains.add_edge(d, t, cost=-math.log(min(1.0, float(data["strength"]))))
    out = {}
    for d in departments:
        inward = float(sum(e["strength"] for *_, e in g.in_edges(d, data=True) if e.get("relation") == "affects"))
        outward = float(sum(e["strength"] for t, e in _affects(g, d).items() if t != COMPANY))
        costs = nx.single_source_dijkstra_path_length(chains, d, weight="cost")
        reached = {t: c for t, c in costs.items() if t != d}
        company = _affects(g, d).get(COMPANY)
        out[d] = {
            "kpis_moved": sum(1 for *_, e in g.out_edges(d, data=True) if e.get("relation") == "moves"),
            "out_strength": outward,
            "in_strength": inward,
            "upstream": outward - inward,
            "reach": len(reached),
            "spread": sum(math.exp(-c) for c in reached.values()),
            "company": float(company["strength"]) if company else 0.0,
        }
    return out
