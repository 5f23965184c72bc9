"""The report of a gaming analysis: the equilibria next to the company optimum, who games, who pays.

Blocks: the solve report (:mod:`incentives.report.solve`), the company optimum, for each
equilibrium who departs from the optimum (and why it pays them) and who pays for it, the
prices of anarchy and stability, the share of the value range lost, the gaming scores and
the KPI alignment.  The JSON
document is ``incentives.analysis/2``: the solve document plus the optimum and the gaming
of each equilibrium (definitions in :mod:`incentives.analysis.gaming`).
"""

from __future__ import annotations

from typing import Any

from ..analysis.gaming import Analysis, Departure, EquilibriumGaming
from ..game import Game
from . import words
from .blocks import Block, Bullets, Cell, Heading, Table, Tone, inline, paragraphs
from .dispatch import register_blocks, register_document
from .json import number, numbers, optional_number
from .solve import solve_blocks, solve_document

__all__ = ["ANALYSIS_SCHEMA", "VERDICT_TONES", "analysis_blocks", "analysis_document"]

ANALYSIS_SCHEMA = "incentives.analysis/2"

#: How each verdict (of KPI alignment, of an event) is coloured.
VERDICT_TONES: dict[str, Tone] = {
    "misaligned": "bad",
    "mixed": "warn",
    "aligned": "good",
    "win": "good",
    "loss": "bad",
}


def _departure_table(item: EquilibriumGaming) -> Table:
    rows = tuple(
        (
            Cell.of(dep.department),
            Cell.of(dep.plays),
            Cell.of(dep.optimum_action),
            Cell.of(words.signed(dep.own_gain)),
            Cell.of(words.number(dep.company_cost), tone="bad" if dep.company_cost > 0 else ""),
            Cell.of(*(words.driver_texts(dep) or ["-"])),
        )
        for dep in item.departures
    )
    return Table(
        title=words.DEPARTURE_TITLE,
        columns=words.DEPARTURE_COLUMNS,
        align=("left", "left", "left", "right", "right", "left"),
        rows=rows,
        note=words.DEPARTURE_NOTE,
    )


def _burden_table(item: EquilibriumGaming) -> Table:
    rows = [(Cell.of(dept), Cell.of(words.signed(change))) for dept, change in item.burden.items()]
    rows.append((Cell.of("company value", mark="strong"), Cell.of(words.signed(-item.value_gap), mark="strong")))
    return Table(
        title=words.BURDEN_TITLE,
        columns=words.BURDEN_COLUMNS,
        align=("left", "right"),
        rows=tuple(rows),
        note=words.BURDEN_NOTE,
    )


def _alignment_table(analysis: Analysis) -> Table:
    rows = tuple(
        (
            Cell.of(a.department),
            Cell.of(a.kpi),
            Cell.of(a.status, tone=VERDICT_TONES.get(a.status, "")),
            Cell.of(a.evidence),
        )
        for a in analysis.alignment
    )
    return Table(title=words.ALIGNMENT_TITLE, columns=words.ALIGNMENT_COLUMNS, rows=rows)


def _equilibrium_blocks(item: EquilibriumGaming, title: str) -> list[Block]:
    out: list[Block] = [Heading(text=title, level=3), *paragraphs(words.equilibrium_sentence(item), mark="strong")]
    if not item.departures:
        return out + paragraphs(words.NO_GAMING, tone="good")
    out.append(_departure_table(item))
    out.append(Bullets(items=tuple(inline(words.departure_sentence(d)) for d in item.departures)))
    out.append(_burden_table(item))
    return out


@register_blocks(Analysis)
def analysis_blocks(analysis: Analysis) -> list[Block]:
    """The blocks of a gaming analysis: the solve report, the optimum, each equilibrium, prices, alignment.

    Examples
    --------
    >>> import incentives as inc
    >>> blocks = analysis_blocks(inc.analyze(inc.load_model("examples/growing_company.yaml")))
    >>> [b.text for b in blocks if isinstance(b, Heading)]
    ['Growing software company', 'The equilibrium', 'What gaming costs the company']
    """
    out = solve_blocks(analysis.solution)
    out += paragraphs(words.optimum_sentence(analysis), mark="strong")
    out += paragraphs(words.optimum_ties_sentence(analysis))
    several = len(analysis.equilibria) > 1
    for k, item in enumerate(analysis.equilibria[: words.DETAILED_EQUILIBRIA], start=1):
        out += _equilibrium_blocks(item, f"Equilibrium {k}" if several else "The equilibrium")
    out += paragraphs(words.detail_limit_sentence(len(analysis.equilibria)), tone="warn")
    out.append(Heading(text="What gaming costs the company", level=3))
    out += paragraphs(*words.price_sentences(analysis), *words.value_range_sentences(analysis))
    out += paragraphs(words.gaming_score_sentence(analysis))
    if analysis.alignment:
        out.append(_alignment_table(analysis))
    return out


def _departure(dep: Departure) -> dict[str, Any]:
    return {
        "department": dep.department,
        "plays": dep.plays,
        "optimum_action": dep.optimum_action,
        "games": dep.games,
        "own_gain": number(dep.own_gain),
        "company_cost": number(dep.company_cost),
        "drivers": numbers(dep.drivers),
        "main_drivers": list(dep.main_drivers),
        "effects_on_others": numbers(dep.effects),
    }


def _gaming(game: Game, item: EquilibriumGaming) -> dict[str, Any]:
    return {
        "optimum_profile": game.profile_label(item.optimum_profile),
        "company_value_gap": number(item.value_gap),
        "departures": [_departure(d) for d in item.departures],
        "burden": numbers(item.burden),
    }


@register_document(Analysis)
def analysis_document(analysis: Analysis) -> dict[str, Any]:
    """The ``incentives.analysis/2`` document: the solve document plus the optimum and the gaming."""
    game = analysis.game
    doc = solve_document(analysis.solution)
    doc["schema"] = ANALYSIS_SCHEMA
    doc["company_optimum"] = {
        "profile": {
            p: [1.0 if k == a else 0.0 for k in range(n)]
            for p, a, n in zip(game.players, analysis.optimum.profile, game.shape, strict=True)
        },
        "label": game.profile_label(analysis.optimum.profile),
        "company_value": number(analysis.optimum.value),
        "ties": [game.profile_label(p) for p in analysis.optimum.profiles[1:]],
    }
    for entry, item in zip(doc["equilibria"], analysis.equilibria, strict=True):
        entry.update(_gaming(game, item))
    doc["summary"] = {
        "worst_company_value": number(analysis.min_value),
        "price_of_anarchy": optional_number(analysis.price_of_anarchy),
        "price_of_stability": optional_number(analysis.price_of_stability),
        "value_range_lost_worst": optional_number(analysis.value_range_lost_worst),
        "value_range_lost_best": optional_number(analysis.value_range_lost_best),
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
