"""The ``incentives.design/1`` JSON document for incentive designs (layout in the README).

Department, action and KPI names are the model's own; numbers are JSON numbers
and ``null`` where there is none (no equilibrium found, a part not asked for).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..design.diagnose import Obstacle
from ..design.negativa import ViaNegativa
from ..design.plan import Design
from ..design.transfers import TransferDesign
from ..design.verify import Verification

__all__ = ["DESIGN_SCHEMA", "design_to_dict", "verification_to_dict"]

DESIGN_SCHEMA = "incentives.design/1"


def _num(value: Any) -> float | None:
    if value is None:
        return None
    out = float(value)
    return 0.0 if out == 0 else out


def _plan(weights: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float | None]]:
    return {d: {k: _num(w) for k, w in plan.items()} for d, plan in weights.items()}


def _obstacle(o: Obstacle) -> dict[str, Any]:
    return {
        "kind": o.kind,
        "department": o.department,
        "action": o.action,
        "deviation": o.deviation,
        "context": o.context,
        "gain": _num(o.gain),
        "message": o.message,
    }


def verification_to_dict(check: Verification) -> dict[str, Any]:
    """The verification part of the document."""
    return {
        "target_is_equilibrium": check.is_equilibrium,
        "margin": _num(check.margin),
        "margin_before": _num(check.margin_before),
        "dominance_margin": _num(check.dominance_margin),
        "unique": check.is_unique,
        "pure_equilibria": list(check.pure_after),
        "equilibria_before": list(check.equilibria_before),
        "equilibria_after": list(check.equilibria_after),
        "company_value_target": _num(check.company_value_target),
        "company_value_before": _num(check.company_value_before),
        "company_value_after": _num(check.company_value_after),
        "bonus_before": _num(check.bonus_before),
        "bonus_after": _num(check.bonus_after),
        "bonus_target_before": _num(check.bonus_target_before),
        "bonus_target_after": _num(check.bonus_target_after),
        "notes": list(check.notes),
    }


def _design_dict(result: Design) -> dict[str, Any]:
    return {
        "concept": result.concept,
        "objective": result.objective,
        "margin": result.margin,
        "status": result.status,
        "proven_optimal": result.proven_optimal,
        "allowed": {d: list(k) for d, k in result.allowed.items()},
        "plan": _plan(result.weights),
        "current_plan": _plan(result.current),
        "cost": _num(result.cost),
        "current_cost": _num(result.current_cost),
        "change": _num(result.change),
        "obstacles": [_obstacle(o) for o in result.obstacles],
        "notes": list(result.notes),
        "verification": None if result.verification is None else verification_to_dict(result.verification),
    }


def _negativa_dict(cut: ViaNegativa) -> dict[str, Any]:
    return {
        "status": cut.status,
        "margin": cut.margin,
        "changes": [
            {"department": c.department, "kpi": c.key, "weight": c.weight, "change": c.change, "cap": _num(c.cap)}
            for c in cut.changes
        ],
        "stuck": [_obstacle(o) for o in cut.stuck],
        "ranking": [
            {
                "department": g.department,
                "kpi": g.key,
                "weight": g.weight,
                "driver": _num(g.driver),
                "company_value_worst": _num(g.company_value_worst),
                "company_value_best": _num(g.company_value_best),
                "recovered_worst": _num(g.recovered_worst),
                "recovered_best": _num(g.recovered_best),
            }
            for g in cut.ranking
        ],
        "verification": None if cut.verification is None else verification_to_dict(cut.verification),
    }


def _transfers_dict(deal: TransferDesign) -> dict[str, Any]:
    return {
        "status": deal.status,
        "concept": deal.concept,
        "margin": deal.margin,
        "transfers": [
            {
                "payer": t.payer,
                "receiver": t.receiver,
                "kpi": t.kpi,
                "rate": t.rate,
                "paid_at_target": _num(t.paid_at_target),
            }
            for t in deal.transfers
        ],
        "net_at_target": {d: _num(v) for d, v in deal.net_at_target.items()},
        "imbalance": _num(deal.imbalance),
        "obstacles": [_obstacle(o) for o in deal.obstacles],
        "verification": None if deal.verification is None else verification_to_dict(deal.verification),
    }


def design_to_dict(
    result: Design | None, cut: ViaNegativa | None = None, deal: TransferDesign | None = None
) -> dict[str, Any]:
    """The ``incentives.design/1`` document (see the README)."""
    first = result or cut or deal
    if first is None:
        raise ValueError("design_to_dict needs at least one of result, cut and deal")
    org, target = first.organization, first.target
    return {
        "schema": DESIGN_SCHEMA,
        "model": org.name,
        "target": {
            "label": first.target_label,
            "profile": {d.name: d.actions[k].name for d, k in zip(org.departments, target, strict=True)},
        },
        "design": None if result is None else _design_dict(result),
        "via_negativa": None if cut is None else _negativa_dict(cut),
        "transfers": None if deal is None else _transfers_dict(deal),
    }
