"""The report of a model with continuous variables: best responses, second-order checks, equilibria, gaming, plan.

A :class:`ContinuousReport` is a solution (:func:`incentives.solve_continuous`) with,
optionally, its gaming gaps (:func:`incentives.gaming_gaps`) and the company's optimal
plan (:func:`incentives.optimal_plan`).  The JSON document, ``incentives.continuous/1``,
has every number at the model's parameter values as a JSON number (``null`` where it
cannot be computed), and every closed form as text in the model-file formula language
under ``"exact"``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy

from ..continuous.concavity import Concavity
from ..continuous.gaming import GamingGaps
from ..continuous.principal import OptimalPlan
from ..continuous.result import BestResponse, ContinuousEquilibrium, ContinuousSolution, show
from .blocks import Block, Bullets, Cell, Heading, Table, paragraphs
from .dispatch import register_blocks, register_document

__all__ = ["CONTINUOUS_SCHEMA", "ContinuousReport", "continuous_blocks", "continuous_document"]

CONTINUOUS_SCHEMA = "incentives.continuous/1"
_DIRECTIONS = {
    "more": "does more than the company needs",
    "less": "does less than the company needs",
    "same": "as needed",
}


@dataclass(frozen=True, kw_only=True)
class ContinuousReport:
    """A continuous solution with its gaming gaps and the company's optimal plan, when they were asked for.

    Parameters
    ----------
    solution : ContinuousSolution
    gaps : tuple of GamingGaps
        One per equilibrium (:func:`incentives.gaming_gaps`).
    plan : OptimalPlan, optional
    """

    solution: ContinuousSolution
    gaps: tuple[GamingGaps, ...] = ()
    plan: OptimalPlan | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "gaps", tuple(self.gaps))


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
        lines += [f"{v} = {show(x)}" for v, x in br.regimes[0].values.items()]
    else:
        for regime in br.regimes:
            values = ", ".join(f"{v} = {show(x)}" for v, x in regime.values.items())
            when = " and ".join(show(c) for c in regime.conditions) or "always"
            lines.append(f"{values} when {when}")
    if br.note:
        lines.append(f"({br.department}: {br.note})")
    return lines


def _equilibrium_blocks(k: int, eq: ContinuousEquilibrium) -> list[Block]:
    payoffs = ", ".join(f"{d} {show(v)}" for d, v in eq.payoffs.items())
    lines = [f"payoffs: {payoffs}; company value {show(eq.company_value)}; surplus {show(eq.surplus)}"]
    bounds = [v for v, r in eq.at_bound.items() if r != "interior"]
    if bounds:
        lines.append(f"at a bound: {', '.join(f'{v} ({eq.at_bound[v]})' for v in bounds)}")
    if eq.conditions:
        lines.append(f"holds when: {' and '.join(show(c) for c in eq.conditions)}")
    regret = "not computed" if math.isnan(eq.regret) else show(eq.regret)
    lines.append(f"regret {regret} (best deviation gain, on a fine grid and by local optimisation)")
    return [*paragraphs(f"{k}. {eq.label()}", mark="strong"), Bullets.of(*lines)]


def _equilibria_blocks(title: str, equilibria: tuple[ContinuousEquilibrium, ...]) -> list[Block]:
    out: list[Block] = [Heading(text=title, level=3)]
    for k, eq in enumerate(equilibria, start=1):
        out += _equilibrium_blocks(k, eq)
    return out


def _gaps_blocks(item: GamingGaps) -> list[Block]:
    optimum = ", ".join(f"{k}={show(v)}" for k, v in item.optimum.profile.items())
    rows = tuple(
        (
            Cell.of(gap.variable),
            Cell.of(show(gap.equilibrium)),
            Cell.of(show(gap.optimum)),
            Cell.of(show(gap.gap), tone="" if gap.direction == "same" else "warn"),
            Cell.of(_DIRECTIONS[gap.direction]),
        )
        for gap in item.gaps
    )
    what = "surplus" if item.optimum.objective == "surplus" else "company value"
    return [
        Heading(text=f"Gaming at equilibrium {item.equilibrium.label()}", level=3),
        Table(
            title=f"Each task against the company optimum ({optimum})",
            columns=("variable", "at equilibrium", "for the company", "gap", ""),
            align=("left", "right", "right", "right", "left"),
            rows=rows,
            note="gap: equilibrium minus company-optimal effort.",
        ),
        *paragraphs(f"{what.capitalize()} lost: {show(item.value_gap)}.", mark="strong"),
    ]


def _plan_blocks(plan: OptimalPlan) -> list[Block]:
    lines = [f"{k} = {show(v)}" for k, v in plan.weights.items()]
    lines.append("responses: " + ", ".join(f"{k} = {show(v)}" for k, v in plan.efforts.items()))
    lines.append(f"{plan.objective}: {show(plan.value)}")
    if plan.conditions:
        lines.append(f"holds when: {' and '.join(show(c) for c in plan.conditions)}")
    if plan.concavity is not None:
        lines.append(f"second-order check: {plan.concavity.sentence()}")
    lines += [f"note: {n}" for n in plan.notes]
    heading = f"Optimal plan (the company maximises {plan.objective}; {plan.method})"
    return [Heading(text=heading, level=3), Bullets.of(*lines)]


@register_blocks(ContinuousReport)
def continuous_blocks(report: ContinuousReport) -> list[Block]:
    """The blocks of a continuous solution: best responses, second-order checks, equilibria, gaming, plan, notes.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.report.text import render_text
    >>> org = inc.load_model("examples/classics/holmstrom_milgrom_single.yaml")
    >>> print(render_text(continuous_blocks(ContinuousReport(solution=inc.solve_continuous(org)))))
    ... # doctest: +ELLIPSIS
    Holmstrom-Milgrom single task
    Method: symbolic. Every equilibrium was found: ...
    <BLANKLINE>
    Best responses
    - agent.effort = 1
    <BLANKLINE>
    Second-order check
    - agent: strictly concave everywhere (Hessian negative definite: ...)
    <BLANKLINE>
    Equilibria
    1. agent.effort=1
    - payoffs: agent -0.5; company value 1; surplus -0.5
    - regret 0 (best deviation gain, on a fine grid and by local optimisation)
    """
    solution = report.solution
    out: list[Block] = [Heading(text=solution.title, level=2), *paragraphs(_status_sentence(solution))]
    if solution.best_responses:
        lines = [line for br in solution.best_responses for line in _response_lines(br)]
        out += [Heading(text="Best responses", level=3), Bullets.of(*lines)]
    if solution.concavity:
        out += [Heading(text="Second-order check", level=3), Bullets.of(*(c.sentence() for c in solution.concavity))]
    out += _equilibria_blocks("Equilibria" if solution.equilibria else "Equilibria: none found", solution.equilibria)
    if solution.conditional:
        title = "Equilibria for other parameter values (their conditions fail at the model's values)"
        out += _equilibria_blocks(title, solution.conditional)
    if solution.rejected:
        out += _equilibria_blocks(f"Rejected candidates (regret above {show(solution.tol)})", solution.rejected)
    for item in report.gaps:
        out += _gaps_blocks(item)
    if report.plan is not None:
        out += _plan_blocks(report.plan)
    if solution.notes:
        out += [Heading(text="Notes", level=3), Bullets.of(*solution.notes)]
    return out


@register_blocks(ContinuousSolution)
def _solution_blocks(solution: ContinuousSolution) -> list[Block]:
    return continuous_blocks(ContinuousReport(solution=solution))


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


@register_document(ContinuousReport)
def continuous_document(report: ContinuousReport) -> dict[str, Any]:
    """The ``incentives.continuous/1`` document of a continuous solution, its gaming gaps and optimal plan.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/classics/holmstrom_milgrom_single.yaml")
    >>> doc = continuous_document(ContinuousReport(solution=inc.solve_continuous(org)))
    >>> doc["schema"], doc["equilibria"][0]["profile"]
    ('incentives.continuous/1', {'agent.effort': 1.0})
    """
    solution, gaps, plan = report.solution, report.gaps, report.plan
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


@register_document(ContinuousSolution)
def _solution_document(solution: ContinuousSolution) -> dict[str, Any]:
    return continuous_document(ContinuousReport(solution=solution))
