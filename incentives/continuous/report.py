"""Reports of continuous models: plain text for people, JSON (schema ``incentives.continuous/1``) for programs.

The JSON document (see the README, "JSON output") has every number at the model's
parameter values as a JSON number (``null`` where it cannot be computed), and every
closed form as text in the model-file formula language under ``"exact"``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import sympy

from .concavity import Concavity
from .gaming import GamingGaps, gaps_text
from .principal import OptimalPlan
from .result import BestResponse, ContinuousEquilibrium, ContinuousSolution, show

__all__ = ["CONTINUOUS_SCHEMA", "solution_to_dict", "solution_to_text"]

CONTINUOUS_SCHEMA = "incentives.continuous/1"


def _status_sentence(solution: ContinuousSolution) -> str:
    if solution.status == "complete":
        return (
            f"Method: {solution.method}. Every equilibrium was found: the first-order (KKT) conditions "
            "were solved in closed form for every way the variables can sit at their bounds."
        )
    return (
        f"Method: {solution.method}. The search may have missed equilibria (numeric, multi-start); "
        "each one listed is verified by its regret."
    )


def _response_lines(br: BestResponse) -> list[str]:
    lines = []
    if len(br.regimes) == 1 and not br.regimes[0].conditions:
        lines += [f"  {v} = {show(x)}" for v, x in br.regimes[0].values.items()]
    for regime in br.regimes if len(br.regimes) > 1 or (br.regimes and br.regimes[0].conditions) else ():
        values = ", ".join(f"{v} = {show(x)}" for v, x in regime.values.items())
        when = " and ".join(show(c) for c in regime.conditions) or "always"
        lines.append(f"  {values}   when {when}")
    if br.note:
        lines.append(f"  ({br.department}: {br.note})")
    return lines


def _equilibrium_lines(k: int, eq: ContinuousEquilibrium) -> list[str]:
    lines = [f"  {k}. {eq.label()}"]
    payoffs = ", ".join(f"{d} {show(v)}" for d, v in eq.payoffs.items())
    lines.append(f"     payoffs: {payoffs}; company value {show(eq.company_value)}; surplus {show(eq.surplus)}")
    bounds = [v for v, r in eq.at_bound.items() if r != "interior"]
    if bounds:
        lines.append(f"     at a bound: {', '.join(f'{v} ({eq.at_bound[v]})' for v in bounds)}")
    if eq.conditions:
        lines.append(f"     holds when: {' and '.join(show(c) for c in eq.conditions)}")
    regret = "not computed" if math.isnan(eq.regret) else show(eq.regret)
    lines.append(f"     regret {regret} (best deviation gain, on a fine grid and by local optimisation)")
    return lines


def _plan_lines(plan: OptimalPlan) -> list[str]:
    lines = [f"Optimal plan (the company maximises {plan.objective}; {plan.method})"]
    lines += [f"  {k} = {show(v)}" for k, v in plan.weights.items()]
    lines.append("  responses: " + ", ".join(f"{k} = {show(v)}" for k, v in plan.efforts.items()))
    lines.append(f"  {plan.objective}: {show(plan.value)}")
    if plan.conditions:
        lines.append(f"  holds when: {' and '.join(show(c) for c in plan.conditions)}")
    if plan.concavity is not None:
        lines.append(f"  second-order check: {plan.concavity.sentence()}")
    lines += [f"  note: {n}" for n in plan.notes]
    return lines


def solution_to_text(
    solution: ContinuousSolution,
    gaps: Sequence[GamingGaps] = (),
    plan: OptimalPlan | None = None,
) -> str:
    """The human report: best responses, second-order checks, equilibria with regrets, gaming, plan.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/classics/holmstrom_milgrom_single.yaml")
    >>> print(solution_to_text(inc.solve_continuous(org)))  # doctest: +ELLIPSIS
    Holmstrom-Milgrom single task
    Method: symbolic. Every equilibrium was found: ...
    <BLANKLINE>
    Best responses
      agent.effort = 1
    <BLANKLINE>
    Second-order check
      agent: strictly concave everywhere (Hessian negative definite: ...)
    <BLANKLINE>
    Equilibria
      1. agent.effort=1
         payoffs: agent -0.5; company value 1; surplus -0.5
         regret 0 (best deviation gain, on a fine grid and by local optimisation)
    """
    lines = [solution.title, _status_sentence(solution)]
    if solution.best_responses:
        lines += ["", "Best responses"]
        for br in solution.best_responses:
            lines += _response_lines(br)
    if solution.concavity:
        lines += ["", "Second-order check"] + [f"  {c.sentence()}" for c in solution.concavity]
    lines += ["", "Equilibria" if solution.equilibria else "Equilibria: none found"]
    for k, eq in enumerate(solution.equilibria, start=1):
        lines += _equilibrium_lines(k, eq)
    if solution.conditional:
        lines += ["", "Equilibria for other parameter values (their conditions fail at the model's values)"]
        for k, eq in enumerate(solution.conditional, start=1):
            lines += _equilibrium_lines(k, eq)
    if solution.rejected:
        lines += ["", f"Rejected candidates (regret above {show(solution.tol)})"]
        for k, eq in enumerate(solution.rejected, start=1):
            lines += _equilibrium_lines(k, eq)
    if gaps:
        lines += ["", *gaps_text(tuple(gaps)).splitlines()]
    if plan is not None:
        lines += ["", *_plan_lines(plan)]
    if solution.notes:
        lines += ["", "Notes"] + [f"  - {n}" for n in solution.notes]
    return "\n".join(lines) + "\n"


# -- JSON -----------------------------------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    try:
        out = complex(sympy.N(sympy.sympify(value)))
    except (TypeError, ValueError):
        return None
    if abs(out.imag) > 1e-9 or not math.isfinite(out.real):
        return None
    return 0.0 if out.real == 0 else out.real


def _texts(values: Mapping[str, Any]) -> dict[str, str]:
    return {k: show(v) for k, v in values.items()}


def _equilibrium(eq: ContinuousEquilibrium) -> dict[str, Any]:
    return {
        "label": eq.label(),
        "method": eq.method,
        "actions": dict(eq.actions),
        "profile": {k: _number(v) for k, v in eq.point.items()},
        "at_bound": dict(eq.at_bound),
        "payoffs": {k: _number(v) for k, v in eq.payoffs.items()},
        "company_value": _number(eq.company_value),
        "surplus": _number(eq.surplus),
        "regret": _number(eq.regret),
        "regrets": {k: _number(v) for k, v in eq.regrets.items()},
        "conditions": [show(c) for c in eq.conditions],
        "exact": {
            "profile": _texts(eq.profile),
            "payoffs": _texts(eq.payoffs),
            "company_value": show(eq.company_value),
            "surplus": show(eq.surplus),
        },
    }


def _concavity(check: Concavity) -> dict[str, Any]:
    return {
        "department": check.department,
        "status": check.status,
        "scope": check.scope,
        "detail": check.detail,
        "variables": list(check.variables),
        "hessian": [[show(x) for x in row] for row in check.hessian.tolist()],
    }


def _best_response(br: BestResponse) -> dict[str, Any]:
    return {
        "department": br.department,
        "response": _texts(br.response),
        "regimes": [
            {"values": _texts(r.values), "at_bound": dict(r.at_bound), "conditions": [show(c) for c in r.conditions]}
            for r in br.regimes
        ],
        "note": br.note,
    }


def _gaps(item: GamingGaps) -> dict[str, Any]:
    return {
        "equilibrium": item.equilibrium.label(),
        "objective": item.optimum.objective,
        "optimum": {k: _number(v) for k, v in item.optimum.point.items()},
        "gaps": [
            {
                "department": g.department,
                "variable": g.variable,
                "equilibrium": _number(item.equilibrium.point[g.variable]),
                "optimum": _number(item.optimum.point[g.variable]),
                "gap": _number(g.gap_value),
                "direction": g.direction,
                "exact": show(g.gap),
            }
            for g in item.gaps
        ],
        "value_gap": _number(item.value_gap_number),
        "exact_value_gap": show(item.value_gap),
    }


def _plan(plan: OptimalPlan) -> dict[str, Any]:
    return {
        "instruments": list(plan.instruments),
        "objective": plan.objective,
        "method": plan.method,
        "weights": {k: _number(plan.point.get(k, v)) for k, v in plan.weights.items()},
        "efforts": {k: _number(plan.point.get(k, v)) for k, v in plan.efforts.items()},
        "value": _number(plan.numeric_value),
        "conditions": [show(c) for c in plan.conditions],
        "second_order": _concavity(plan.concavity) if plan.concavity is not None else None,
        "exact": {"weights": _texts(plan.weights), "efforts": _texts(plan.efforts), "value": show(plan.value)},
        "notes": list(plan.notes),
    }


def solution_to_dict(
    solution: ContinuousSolution,
    gaps: Sequence[GamingGaps] = (),
    plan: OptimalPlan | None = None,
) -> dict[str, Any]:
    """The JSON document of a continuous solution (schema ``incentives.continuous/1``).

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/classics/holmstrom_milgrom_single.yaml")
    >>> doc = solution_to_dict(inc.solve_continuous(org))
    >>> doc["schema"], doc["equilibria"][0]["profile"]
    ('incentives.continuous/1', {'agent.effort': 1.0})
    """
    return {
        "schema": CONTINUOUS_SCHEMA,
        "model": solution.title,
        "departments": list(solution.players),
        "method": solution.method,
        "status": solution.status,
        "tolerance": solution.tol,
        "best_responses": [_best_response(br) for br in solution.best_responses],
        "second_order": [_concavity(c) for c in solution.concavity],
        "equilibria": [_equilibrium(eq) for eq in solution.equilibria],
        "conditional": [_equilibrium(eq) for eq in solution.conditional],
        "rejected": [_equilibrium(eq) for eq in solution.rejected],
        "gaming": [_gaps(g) for g in gaps],
        "plan": _plan(plan) if plan is not None else None,
        "notes": list(solution.notes),
    }
