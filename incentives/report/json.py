"""JSON documents for programs: solve results and gaming analyses.

The layout is versioned by the ``"schema"`` field and documented in the README
("JSON output").  Players, actions and KPIs keep the model's own names.  Every
number is a JSON number; for exact games each equilibrium also carries its exact
values as strings such as ``"2/3"`` under ``"exact"``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ..analysis.gaming import Analysis, Departure, EquilibriumGaming
from ..analysis.perspectives import Perspectives
from ..equilibrium import Equilibrium
from ..game import Game
from ..solvers import SolveResult

__all__ = [
    "ANALYSIS_SCHEMA",
    "PERSPECTIVES_SCHEMA",
    "SOLVE_SCHEMA",
    "analysis_to_dict",
    "dumps",
    "perspectives_to_dict",
    "solve_to_dict",
]

SOLVE_SCHEMA = "incentives.solve/1"
ANALYSIS_SCHEMA = "incentives.analysis/1"
PERSPECTIVES_SCHEMA = "incentives.perspectives/1"


def _num(value: Any) -> float:
    out = float(value)
    return 0.0 if out == 0 else out  # no "-0.0" in reports


def _per_player(game: Game, values: Any) -> dict[str, float]:
    return {p: _num(v) for p, v in zip(game.players, values, strict=True)}


def _equilibrium(game: Game, eq: Equilibrium) -> dict[str, Any]:
    out: dict[str, Any] = {
        "label": eq.describe(game),
        "profile": {p: [_num(x) for x in probs] for p, probs in zip(game.players, eq.profile, strict=True)},
        "payoffs": _per_player(game, eq.payoffs),
        "regret": _num(eq.regret),
        "pure": eq.is_pure,
    }
    if eq.company_value is not None:
        out["company_value"] = _num(eq.company_value)
    if eq.is_exact:
        exact: dict[str, Any] = {
            "profile": {
                p: [str(Fraction(x)) for x in probs] for p, probs in zip(game.players, eq.profile, strict=True)
            },
            "payoffs": {p: str(v) for p, v in zip(game.players, eq.payoffs, strict=True)},
        }
        if isinstance(eq.company_value, Fraction):
            exact["company_value"] = str(eq.company_value)
        out["exact"] = exact
    return out


def solve_to_dict(result: SolveResult) -> dict[str, Any]:
    """The ``incentives.solve/1`` document for a solve result."""
    game = result.game
    return {
        "schema": SOLVE_SCHEMA,
        "game": game.title,
        "players": list(game.players),
        "actions": {p: list(a) for p, a in zip(game.players, game.actions, strict=True)},
        "method": result.method,
        "status": result.status,
        "degenerate": result.degenerate,
        "exact": game.is_exact,
        "tolerance": result.tolerance,
        "notes": list(result.notes),
        "equilibria": [_equilibrium(game, e) for e in result.equilibria],
        "components": [
            {
                "support": {
                    p: [game.actions[i][k] for k in s]
                    for i, (p, s) in enumerate(zip(game.players, c.support, strict=True))
                },
                "dimension": c.dimension,
                "representative": {
                    p: [_num(x) for x in probs] for p, probs in zip(game.players, c.representative, strict=True)
                },
                "note": c.note,
            }
            for c in result.components
        ],
        "rejected": [_equilibrium(game, e) for e in result.rejected],
    }


def _mapping(values: Mapping[str, Any]) -> dict[str, float]:
    return {k: _num(v) for k, v in values.items()}


def _departure(dep: Departure) -> dict[str, Any]:
    return {
        "department": dep.department,
        "plays": dep.plays,
        "optimum_action": dep.optimum_action,
        "games": dep.games,
        "own_gain": _num(dep.own_gain),
        "company_cost": _num(dep.company_cost),
        "drivers": _mapping(dep.drivers),
        "main_drivers": list(dep.main_drivers),
        "effects_on_others": _mapping(dep.effects),
    }


def _gaming(game: Game, item: EquilibriumGaming) -> dict[str, Any]:
    return {
        "optimum_profile": game.profile_label(item.optimum_profile),
        "company_value_gap": _num(item.value_gap),
        "departures": [_departure(d) for d in item.departures],
        "burden": _mapping(item.burden),
    }


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    """The ``incentives.analysis/1`` document: the solve document plus the optimum and the gaming."""
    game = analysis.game
    doc = solve_to_dict(analysis.solution)
    doc["schema"] = ANALYSIS_SCHEMA
    doc["company_optimum"] = {
        "profile": {
            p: [1.0 if k == a else 0.0 for k in range(n)]
            for p, a, n in zip(game.players, analysis.optimum.profile, game.shape, strict=True)
        },
        "label": game.profile_label(analysis.optimum.profile),
        "company_value": _num(analysis.optimum.value),
        "ties": [game.profile_label(p) for p in analysis.optimum.profiles[1:]],
    }
    for entry, item in zip(doc["equilibria"], analysis.equilibria, strict=True):
        entry.update(_gaming(game, item))
    doc["summary"] = {
        "worst_company_value": _num(analysis.min_value),
        "price_of_anarchy": analysis.price_of_anarchy,
        "price_of_stability": analysis.price_of_stability,
        "ratio_of_anarchy": analysis.ratio_of_anarchy,
        "ratio_of_stability": analysis.ratio_of_stability,
        "gaming_scores": dict(analysis.gaming_scores),
        "gaming_departments": list(analysis.gaming_departments),
    }
    doc["kpi_alignment"] = [
        {
            "department": a.department,
            "kpi": a.kpi,
            "status": a.status,
            "agree": a.agree,
            "conflict": a.conflict,
            "switches": a.switches,
            "evidence": a.evidence,
        }
        for a in analysis.alignment
    ]
    return doc


def perspectives_to_dict(views: Perspectives) -> dict[str, Any]:
    """The ``incentives.perspectives/1`` document for an event."""
    return {
        "schema": PERSPECTIVES_SCHEMA,
        "event": views.event,
        "changes": _mapping(views.changes),
        "selection": views.selection,
        "equilibrium_before": views.before_equilibrium.label,
        "equilibrium_after": views.after_equilibrium.label,
        "views": [
            {
                "party": v.party,
                "before": _num(v.before),
                "immediate": _num(v.immediate),
                "after": _num(v.after),
                "change": _num(v.change),
                "verdict": v.verdict,
            }
            for v in views.views
        ],
        "kpis": {k: {"before": _num(a), "after": _num(b)} for k, (a, b) in views.kpis.items()},
    }


def dumps(document: Mapping[str, Any]) -> str:
    """Deterministic JSON text (same input, same bytes)."""
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
