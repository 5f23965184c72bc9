"""The ``incentives.design/1`` JSON document of a design, via negativa and transfers (a :class:`DesignReport`).

Department, action and KPI names are the model's own; numbers are JSON numbers and
``null`` where there is none (no equilibrium found, a part not asked for).  The layout is
``incentives/report/schemas/design.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ..design.alignment import LeftOut
from ..design.diagnose import Obstacle
from ..design.negativa import ViaNegativa
from ..design.plan import Design
from ..design.reasons import FlaggedTerm, TermReason
from ..design.rounding import Guarantees
from ..design.transfers import TransferDesign
from ..design.verify import Verification
from .design import DesignReport
from .dispatch import register_document
from .json import optional_number

__all__ = ["DESIGN_SCHEMA", "design_document", "exact_text", "verification_document"]

DESIGN_SCHEMA = "incentives.design/1"


def _plan(weights: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, float | None]]:
    return {d: {k: optional_number(w) for k, w in plan.items()} for d, plan in weights.items()}


def exact_text(value: Any) -> str | None:
    """A number exactly, as text: ``"25/688"``, ``"-1"``, ``"0.5"`` (a float as its shortest decimal).

    Examples
    --------
    >>> from fractions import Fraction
    >>> exact_text(Fraction(25, 688)), exact_text(Fraction(-1)), exact_text(0.5), exact_text(None)
    ('25/688', '-1', '0.5', None)
    """
    if value is None:
        return None
    if isinstance(value, Fraction):
        return str(value)
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def _exact_plan(weights: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str | None]]:
    return {d: {k: exact_text(w) for k, w in plan.items()} for d, plan in weights.items()}


def _guarantees(g: Guarantees | None) -> dict[str, Any] | None:
    if g is None:
        return None
    return {
        "exact": g.exact,
        "holds": g.holds,
        "failures": list(g.failures()),
        "margin_asked": optional_number(g.margin_asked),
        "margin": optional_number(g.margin),
        "margin_exact": exact_text(g.margin),
        "least_bonus": optional_number(g.least_bonus),
        "least_bonus_exact": exact_text(g.least_bonus),
        "cost": optional_number(g.cost),
        "cost_exact": exact_text(g.cost),
        "budget": optional_number(g.budget),
    }


def _reason(r: TermReason) -> dict[str, Any]:
    return {
        "department": r.term.department,
        "kpi": r.term.kpi,
        "weight": optional_number(r.weight),
        "weight_exact": exact_text(r.weight),
        "switches": [
            {
                "action": s.action,
                "switch_to": s.switch_to,
                "context": s.context,
                "share": optional_number(s.share),
                "loss": optional_number(s.loss),
            }
            for s in r.switches
        ],
    }


def _flag(f: FlaggedTerm) -> dict[str, Any]:
    return {
        "department": f.term.department,
        "kpi": f.term.kpi,
        "weight": optional_number(f.weight),
        "evidence": f.evidence,
        "allowed": f.allowed,
    }


def _left_out(item: LeftOut) -> dict[str, Any]:
    return {"department": item.term.department, "kpi": item.term.kpi, "sign": item.sign, "evidence": item.evidence}


def _obstacle(o: Obstacle) -> dict[str, Any]:
    return {
        "kind": o.kind,
        "department": o.department,
        "action": o.action,
        "deviation": o.deviation,
        "context": o.context,
        "gain": optional_number(o.gain),
        "message": o.message,
    }


def verification_document(check: Verification) -> dict[str, Any]:
    """The verification part of the document."""
    return {
        "target_is_equilibrium": check.is_equilibrium,
        "margin": optional_number(check.margin),
        "margin_before": optional_number(check.margin_before),
        "dominance_margin": optional_number(check.dominance_margin),
        "unique": check.is_unique,
        "pure_equilibria": list(check.pure_after),
        "equilibria_before": list(check.equilibria_before),
        "equilibria_after": list(check.equilibria_after),
        "company_value_target": optional_number(check.company_value_target),
        "company_value_before": optional_number(check.company_value_before),
        "company_value_after": optional_number(check.company_value_after),
        "bonus_before": optional_number(check.bonus_before),
        "bonus_after": optional_number(check.bonus_after),
        "bonus_target_before": optional_number(check.bonus_target_before),
        "bonus_target_after": optional_number(check.bonus_target_after),
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
        "plan": _plan(result.exact_weights),
        "exact_plan": _exact_plan(result.exact_weights),
        "current_plan": _plan(result.current),
        "cost": optional_number(result.cost),
        "current_cost": optional_number(result.current_cost),
        "change": optional_number(result.change),
        "guarantees": _guarantees(result.guarantees),
        "reasons": [_reason(r) for r in result.reasons],
        "flagged": [_flag(f) for f in result.flagged],
        "left_out": [_left_out(item) for item in result.left_out],
        "obstacles": [_obstacle(o) for o in result.obstacles],
        "notes": list(result.notes),
        "verification": None if result.verification is None else verification_document(result.verification),
    }


def _negativa_dict(cut: ViaNegativa) -> dict[str, Any]:
    return {
        "status": cut.status,
        "margin": cut.margin,
        "changes": [
            {
                "department": c.department,
                "kpi": c.key,
                "weight": c.weight,
                "change": c.change,
                "cap": optional_number(c.cap),
            }
            for c in cut.changes
        ],
        "stuck": [_obstacle(o) for o in cut.stuck],
        "ranking": [
            {
                "department": g.department,
                "kpi": g.key,
                "weight": g.weight,
                "driver": optional_number(g.driver),
                "company_value_worst": optional_number(g.company_value_worst),
                "company_value_best": optional_number(g.company_value_best),
                "recovered_worst": optional_number(g.recovered_worst),
                "recovered_best": optional_number(g.recovered_best),
            }
            for g in cut.ranking
        ],
        "verification": None if cut.verification is None else verification_document(cut.verification),
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
                "rate": optional_number(t.rate),
                "rate_exact": exact_text(t.written_rate),
                "paid_at_target": optional_number(t.paid_at_target),
            }
            for t in deal.transfers
        ],
        "net_at_target": {d: optional_number(v) for d, v in deal.net_at_target.items()},
        "imbalance": optional_number(deal.imbalance),
        "guarantees": _guarantees(deal.guarantees),
        "obstacles": [_obstacle(o) for o in deal.obstacles],
        "verification": None if deal.verification is None else verification_document(deal.verification),
    }


@register_document(DesignReport)
def design_document(report: DesignReport) -> dict[str, Any]:
    """The ``incentives.design/1`` document."""
    result, cut, deal = report.design, report.via_negativa, report.transfers
    first = report.first
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


@register_document(Design)
def _design_only_document(result: Design) -> dict[str, Any]:
    return design_document(DesignReport(design=result))


@register_document(ViaNegativa)
def _negativa_only_document(cut: ViaNegativa) -> dict[str, Any]:
    return design_document(DesignReport(via_negativa=cut))


@register_document(TransferDesign)
def _transfers_only_document(deal: TransferDesign) -> dict[str, Any]:
    return design_document(DesignReport(transfers=deal))
