"""The dependency graph of an organisation: who moves which KPI, who is paid on it, whom it hurts.

The graph is a :class:`networkx.DiGraph` with three kinds of node and four kinds
of edge (attribute ``relation``):

================  =========================  ==================================================
relation          edge                       meaning
================  =========================  ==================================================
``"moves"``       department -> KPI          the department's choice changes the KPI
``"feeds"``       KPI -> KPI                 the second KPI's formula uses the first
``"pays"``        KPI -> department          the department's bonus has a weight on the KPI
                  company -> department      the department gets a share of company value
``"values"``      KPI -> company             company value depends on the KPI as written
``"affects"``     department -> department   the department's choice changes the other's payoff
                  department -> company      the department's choice changes company value
================  =========================  ==================================================

The ``"kpis"`` view holds the first four relations (the mechanism); the
``"departments"`` view holds the last one (the externality graph), on the
department nodes and the company.  See :func:`graph_view`.

Definitions
-----------
Let ``o`` be the company-optimal profile (the first one if several tie) and
``o_d`` department ``d``'s action in it.  For a quantity ``X`` over profiles (a
KPI, a department's payoff, company value) and a profile ``a_-d`` of the other
departments' actions, every department has a switch ``X(b, a_-d) - X(a, a_-d)``
between two of its actions ``a`` and ``b``, the others held fixed.  Then for the
edge ``d -> X`` (``"moves"`` and ``"affects"``):

* ``effect``: the mean of ``X(b, a_-d) - X(o_d, a_-d)`` over every other action
  ``b`` of ``d`` and every ``a_-d`` (each profile of the others weighted
  equally): what happens to ``X``, on average, when ``d`` departs from what the
  company needs.  Its sign is ``sign`` (0 when it is within rounding of 0).
* ``mixed``: some departures raise ``X`` and others lower it.
* ``size``: the mean of ``|X(b, a_-d) - X(a, a_-d)|`` over every pair of
  actions ``a != b`` and every ``a_-d``: how much ``d``'s choice moves ``X``,
  whatever the direction; ``max_size`` is the largest such change.
* ``strength``: ``size / (max X - min X)`` over all profiles, in ``[0, 1]``:
  the share of ``X``'s whole range that ``d``'s choice moves on average.

An edge exists when ``max_size`` is more than rounding (``1e-9`` times the
largest ``|X|``, at least ``1e-9``).  A department node carries ``own_gain``,
the ``effect`` of its departure on its own payoff (what its bonus gains by not
doing what the company needs).  A ``"moves"`` edge is ``direct`` when one of
``d``'s decision variables appears in the KPI's formula as written (not only
through other KPIs).  It also carries ``derivatives``,
the sign of the symbolic derivative of the KPI with respect to each of ``d``'s
decision variables it uses, over all profiles: ``"deals +, fit -"`` (``+/-``
when the sign changes), so continuous decision variables read the same way.

For ``"pays"`` edges ``weight`` is the bonus weight (or profit share) at the
model's parameter values, and ``stake = |weight| * (max X - min X)`` the most
the department's pay can swing through it.  For ``"values"`` edges the
*marginal weight* of KPI ``k`` is ``dV/dk``, the symbolic derivative of the
company-value formula as written, with the other KPIs held fixed, evaluated at
every profile: ``weight`` is its mean, ``min_weight`` and ``max_weight`` its
extremes, ``mixed`` whether it changes sign.  ``total_weight`` is the mean of
the total derivative, where the KPIs computed from ``k`` follow it (for
``tickets: new_customers * 2``, the total weight of ``new_customers`` includes
what its tickets cost).  ``stake`` is the mean ``|dV/dk|`` times the KPI's range.
The edge exists when either derivative is not zero everywhere.  For both,
``strength`` is ``stake`` divided by the largest stake of an edge of the same
relation, in ``[0, 1]``, so widths compare across units.  A ``"feeds"`` edge
``k -> k2`` has the same ``weight``, ``min_weight``, ``max_weight`` and
``mixed`` for ``dk2/dk`` (the derivative of ``k2``'s formula as written), and
``strength = min(1, mean |dk2/dk| * (max k - min k) / (max k2 - min k2))``:
roughly the share of ``k2``'s range that ``k`` drives.

Every edge has ``relation``, ``sign`` (-1, 0 or 1), ``mixed``, ``size`` and
``strength``.  Nodes have ``kind`` (``"department"``, ``"kpi"`` or
``"company"``), ``label`` and ``order`` (position in the model); KPI and company
nodes have ``formula``, ``low`` and ``high`` (extremes over all profiles);
department nodes ``actions``, ``optimum_action`` and ``own_gain``.  The graph
itself has ``name`` (the model's), ``optimum`` (the company-optimal profile,
as ``"sales=consultative, ..."``) and ``optimum_value``; a view adds ``view``.  Every
attribute is a plain ``str``, ``int``, ``float`` or ``bool``, so the graph
writes to GraphML and GEXF unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np
import sympy

from ..analysis.optimum import company_optimum
from ..build import evaluated
from ..evaluated import EvaluatedModel
from ..formula import formula_names, formula_to_text, symbol
from ..model import COMPANY_VALUE, Organization, kpi_order
from ..tolerance import SOLVER_RTOL
from ._effects import (
    SwitchEffects,
    derivative_signs,
    evaluate_each,
    number,
    rounding,
    switch_effects,
)
from .graphs import COMPANY, DependencyGraph

__all__ = ["COMPANY", "DependencyGraph", "dependency_graph"]


def dependency_graph(
    model: Organization | EvaluatedModel, *, parameters: Mapping[str, Any] | None = None
) -> DependencyGraph:
    """Build the dependency graph of an organisation (definitions in the module docstring).

    Parameters
    ----------
    model : Organization or EvaluatedModel
        The organisation, or its evaluated model (then nothing is evaluated again but the derivatives).
    parameters : mapping of str to number, optional
        Parameter values that replace the model's own.

    Returns
    -------
    DependencyGraph
        Holds the networkx graph; ``.draw()`` pictures it.

    Raises
    ------
    ModelError
        If a formula is not a finite number at some profile, or a bonus weight is not a number.

    Examples
    --------
    >>> import incentives as inc
    >>> graph = inc.dependency_graph(inc.load_model("examples/growing_company.yaml"))
    >>> g = graph.graph
    >>> g.edges["sales", "tickets"]["relation"], g.edges["sales", "tickets"]["sign"]
    ('moves', 1)
    >>> g.edges["resolution_hours", "support"]["weight"]
    -1.0
    >>> g.edges["sales", "support"]["relation"], g.edges["sales", "support"]["effect"] < 0
    ('affects', True)
    """
    model = evaluated(model, parameters=parameters).to_float()
    org = model.organization
    reference = company_optimum(model).profile
    kpis = list(org.kpis)
    kpi_arrays = model.kpis
    value = np.asarray(model.company_value)
    departments = org.department_names
    targets = [*kpis, *departments, COMPANY]
    model.check_size(arrays=len(targets) * (max(model.shape) + 3) / 2 + len(targets), task="the dependency graph")
    stack = np.stack([*(kpi_arrays[k] for k in kpis), *model.payoffs, value])

    graph = nx.DiGraph(name=org.name, optimum=model.profile_label(reference), optimum_value=float(value[reference]))
    _add_nodes(graph, org, stack, targets, reference)
    derivatives = _moves_derivatives(model)
    for i, dept in enumerate(departments):
        effects = switch_effects(stack, i, reference[i])
        graph.nodes[dept]["own_gain"] = number(effects.effect[len(kpis) + i])
        for t, target in enumerate(targets):
            if target == dept or not effects.exists[t]:
                continue
            relation = "moves" if t < len(kpis) else "affects"
            attrs = _switch_attributes(effects, t, relation)
            if relation == "moves":
                attrs["direct"] = any(
                    f"{dept}.{v}" in formula_names(org.kpis[target]) for v in org.department(dept).variables
                )
                attrs["derivatives"] = derivatives.get((dept, target), "")
            graph.add_edge(dept, target, **attrs)
    _add_pay_edges(graph, model)
    _add_value_edges(graph, model)
    _add_feed_edges(graph, model)
    return DependencyGraph(graph=nx.freeze(graph))


def _add_nodes(
    graph: nx.DiGraph, org: Organization, stack: np.ndarray, targets: list[str], reference: tuple[int, ...]
) -> None:
    low, high = stack.reshape(len(targets), -1).min(axis=1), stack.reshape(len(targets), -1).max(axis=1)
    extremes = {t: (number(lo), number(hi)) for t, lo, hi in zip(targets, low, high, strict=True)}
    for i, dept in enumerate(org.departments):
        graph.add_node(
            dept.name,
            kind="department",
            label=dept.name,
            order=i,
            actions=", ".join(dept.action_names),
            optimum_action=dept.action_names[reference[i]],
            own_gain=0.0,
        )
    for k, kpi in enumerate(org.kpis):
        lo, hi = extremes[kpi]
        graph.add_node(kpi, kind="kpi", label=kpi, order=k, formula=formula_to_text(org.kpis[kpi]), low=lo, high=hi)
    lo, hi = extremes[COMPANY]
    graph.add_node(
        COMPANY,
        kind="company",
        label="company value",
        order=0,
        formula=formula_to_text(org.company_value),
        low=lo,
        high=hi,
    )


def _switch_attributes(effects: SwitchEffects, t: int, relation: str) -> dict[str, Any]:
    spread = effects.spread[t]
    return {
        "relation": relation,
        "effect": number(effects.effect[t]),
        "sign": effects.sign[t],
        "mixed": effects.mixed[t],
        "size": number(effects.size[t]),
        "max_size": number(effects.max_size[t]),
        "strength": number(min(1.0, effects.size[t] / spread)) if spread > 0 else 0.0,
    }


def _total_derivatives(model: EvaluatedModel) -> dict[tuple[str, str], np.ndarray | None]:
    """``{(kpi, "dept.var"): array}``: each KPI's total derivative in each decision variable it uses, at every profile.

    By the chain rule in the order KPIs are computed, ``dk/dv = dk/dv|direct + sum_j dk/dk_j * dk_j/dv``,
    with every partial derivative taken of a formula as written (no KPI is expanded).  None where
    some partial derivative is not finite at some profile.
    """
    org = model.organization
    variables = [f"{d.name}.{v}" for d in org.departments for v in d.variables]
    total: dict[tuple[str, str], np.ndarray | None] = {}
    for kpi in kpi_order(org.kpis):
        expr = org.kpis[kpi]
        names = formula_names(expr)
        used_kpis = [k for k in sorted(names) if k in org.kpis]
        direct = [v for v in variables if v in names]
        partial = evaluate_each(model, {n: sympy.diff(expr, symbol(n)) for n in [*direct, *used_kpis]})
        for var in variables:
            via = [k for k in used_kpis if (k, var) in total]
            if var not in names and not via:
                continue
            parts = [partial[var]] if var in names else []
            parts += [_product(partial[k], total[(k, var)]) for k in via]
            known = [p for p in parts if p is not None]
            total[(kpi, var)] = np.sum(known, axis=0) if len(known) == len(parts) else None
    return total


def _product(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    return None if a is None or b is None else a * b


def _moves_derivatives(model: EvaluatedModel) -> dict[tuple[str, str], str]:
    """``{(department, kpi): "deals +, fit -"}``: signs of the KPI's derivative in each decision variable it uses."""
    parts: dict[tuple[str, str], list[str]] = {}
    for (kpi, name), array in _total_derivatives(model).items():
        dept_name, var = name.split(".", 1)
        parts.setdefault((dept_name, kpi), []).append(f"{var} {derivative_signs(array)}")
    return {pair: ", ".join(items) for pair, items in parts.items()}


def _add_pay_edges(graph: nx.DiGraph, model: EvaluatedModel) -> None:
    edges = []
    for dept, plan in model.organization.bonus.items():
        for key in plan:
            weight = number(float(model.weights[dept][key]))
            if weight == 0:
                continue
            array = model.values(key)
            stake = abs(weight) * float(np.max(array) - np.min(array))
            source = COMPANY if key == COMPANY_VALUE else key
            edges.append((source, dept, {"relation": "pays", "weight": weight, "stake": number(stake)}))
    _add_ranked(graph, edges, signed="weight")


def _add_value_edges(graph: nx.DiGraph, model: EvaluatedModel) -> None:
    org, kpi_arrays = model.organization, model.kpis
    exprs: dict[str, sympy.Expr] = {}
    for kpi in org.kpis:
        exprs[f"direct:{kpi}"] = sympy.diff(org.company_value, symbol(kpi))
        exprs[f"total:{kpi}"] = sympy.diff(_following(org, kpi), symbol(kpi))
    arrays = evaluate_each(model, {k: e for k, e in exprs.items() if e != 0})
    edges = []
    for kpi in org.kpis:
        direct, total = arrays.get(f"direct:{kpi}"), arrays.get(f"total:{kpi}")
        if direct is None and total is None:
            continue
        direct = np.zeros_like(kpi_arrays[kpi]) if direct is None else direct
        total = np.zeros_like(direct) if total is None else total
        tol = rounding(direct)
        if not (np.any(np.abs(direct) > tol) or np.any(np.abs(total) > rounding(total))):
            continue
        spread = float(np.max(kpi_arrays[kpi]) - np.min(kpi_arrays[kpi]))
        attrs = {
            "relation": "values",
            "weight": number(np.mean(direct)),
            "min_weight": number(np.min(direct)),
            "max_weight": number(np.max(direct)),
            "total_weight": number(np.mean(total)),
            "mixed": bool(np.any(direct > tol) and np.any(direct < -tol)),
            "size": number(np.mean(np.abs(direct))),
            "stake": number(float(np.mean(np.abs(direct))) * spread),
        }
        edges.append((kpi, COMPANY, attrs))
    _add_ranked(graph, edges, signed="weight")


def _add_feed_edges(graph: nx.DiGraph, model: EvaluatedModel) -> None:
    org, kpi_arrays = model.organization, model.kpis
    exprs = {
        f"{used}\0{kpi}": sympy.diff(expr, symbol(used))
        for kpi, expr in org.kpis.items()
        for used in sorted(formula_names(expr))
        if used in org.kpis
    }
    for key, array in evaluate_each(model, exprs).items():
        used, kpi = key.split("\0")
        tol = rounding(array) if array is not None else 0.0
        if array is None or not np.any(np.abs(array) > tol):
            continue
        ranges = [float(np.max(kpi_arrays[k]) - np.min(kpi_arrays[k])) for k in (used, kpi)]
        size = float(np.mean(np.abs(array)))
        weight = number(np.mean(array))
        graph.add_edge(
            used,
            kpi,
            relation="feeds",
            weight=weight,
            min_weight=number(np.min(array)),
            max_weight=number(np.max(array)),
            mixed=bool(np.any(array > tol) and np.any(array < -tol)),
            sign=int(np.sign(weight)) if abs(weight) > tol else 0,
            size=number(size),
            strength=number(min(1.0, size * ranges[0] / ranges[1])) if ranges[1] > 0 else 0.0,
        )


def _following(org: Organization, kpi: str) -> sympy.Expr:
    """Company value with every KPI computed (directly or not) from ``kpi`` written out in terms of it."""
    uses = nx.DiGraph()
    uses.add_edges_from(
        (used, name) for name, expr in org.kpis.items() for used in formula_names(expr) if used in org.kpis
    )
    downstream = nx.descendants(uses, kpi) if kpi in uses else set()
    written: dict[sympy.Symbol, sympy.Expr] = {}
    for name in kpi_order(org.kpis):
        if name in downstream:
            written[symbol(name)] = org.kpis[name].xreplace(written)
    return org.company_value.xreplace(written)


def _add_ranked(graph: nx.DiGraph, edges: list[tuple[str, str, dict[str, Any]]], *, signed: str) -> None:
    """Add edges with ``sign``, ``size`` and ``strength`` (stake relative to the largest stake)."""
    top = max((attrs["stake"] for _, _, attrs in edges), default=0.0)
    for source, target, attrs in edges:
        w = attrs[signed]
        attrs.setdefault("mixed", False)
        attrs["sign"] = int(np.sign(w)) if abs(w) > SOLVER_RTOL else 0
        attrs.setdefault("size", number(abs(w)))
        attrs["strength"] = number(attrs["stake"] / top) if top > 0 else 0.0
        graph.add_edge(source, target, **attrs)
