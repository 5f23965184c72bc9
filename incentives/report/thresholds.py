"""The report of a threshold analysis: where equilibria appear and vanish and who games, exactly.

Blocks: the quantities and their model values, whether every answer is exact, the
phases as one quantity rises and the critical values between them, the boundaries
between regions (several quantities), where each profile is an equilibrium, where each
department games, where the company optimum is an equilibrium, and the notes.  The JSON
document is ``incentives.thresholds/1``: exact numbers are written as text a person
reads back (``"-29/168"``, ``"sqrt(2)"``) with their decimal value beside them.
"""

from __future__ import annotations

from typing import Any

import sympy

from ..whatif.regions import Phase, Region, format_set, relation_latex, relation_mathml, relation_text
from ..whatif.thresholds import ThresholdReport
from .blocks import Block, Bullets, Cell, Heading, Mark, Paragraph, Span, Table, paragraphs
from .dispatch import register_blocks, register_document
from .json import optional_number

__all__ = ["THRESHOLDS_SCHEMA", "region_span", "thresholds_blocks", "thresholds_document"]

THRESHOLDS_SCHEMA = "incentives.thresholds/1"


def _phase_table(name: str, phases: tuple[Phase, ...]) -> Table:
    rows = tuple(
        (
            Cell.of(format_set(name, phase.values)),
            Cell.of(*phase.equilibria) if phase.equilibria else Cell.of("(no pure equilibrium)", tone="warn"),
            Cell.of(", ".join(phase.gaming) or "nobody", tone="bad" if phase.gaming else "good"),
            Cell.of(
                *phase.optimum,
                "(an equilibrium)" if phase.optimum_is_equilibrium else "(not an equilibrium)",
                tone="good" if phase.optimum_is_equilibrium else "",
            ),
        )
        for phase in phases
    )
    return Table(
        title=f"Phases, as {name} rises",
        columns=(name, "equilibria", "who games", "company optimum"),
        rows=rows,
        note="Each row is a stretch of values over which the pure equilibria, who games and the company optimum "
        "stay the same.",
    )


def _boundary_blocks(report: ThresholdReport) -> list[Block]:
    out: list[Block] = [Heading(text="Boundaries (a payoff difference is zero there)", level=3)]
    for boundary in report.boundaries:
        equation = Span(
            text=relation_text(boundary.equation),
            mark="strong",
            latex=relation_latex(boundary.equation),
            mathml=relation_mathml(boundary.equation),
        )
        out += [Paragraph(content=(equation,)), Bullets.of(*boundary.changes)]
    return out


def region_span(region: Region, mark: Mark = "") -> Span:
    """The region as text, and as mathematics where it is exact and not said in words."""
    text = region.to_text()
    if not region.exact:
        return Span(text=text, mark=mark)
    return Span(text=text, mark=mark, latex=region.to_latex(), mathml=region.to_mathml())


def _region_cell(region: Region) -> Cell:
    return Cell(lines=((region_span(region),),))


def _region_table(title: str, column: str, regions: dict[str, Region]) -> Table:
    rows = tuple((Cell.of(label), _region_cell(region)) for label, region in regions.items())
    return Table(title=title, columns=(column, "where"), rows=rows)


def _ranges(report: ThresholdReport) -> str | None:
    """The ranges asked for, stated once (the regions of several quantities leave them out)."""
    if len(report.names) < 2:
        return None
    asked = [format_set(k, v) for k, v in report.domain.items() if v != sympy.S.Reals]
    return f"Within the ranges asked for: {', '.join(asked)}." if asked else None


@register_blocks(ThresholdReport)
def thresholds_blocks(report: ThresholdReport) -> list[Block]:
    """The blocks of a threshold report: phases, critical values, boundaries, then the regions.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.report.text import render_text
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> text = render_text(thresholds_blocks(inc.thresholds(org, ["bonus.support.reopened_tickets"])))
    >>> print(text[text.index("Where each department games"):])  # doctest: +NORMALIZE_WHITESPACE
    Where each department games
    ┏━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
    ┃ department  ┃ where                                    ┃
    ┡━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
    │ sales       │ any bonus.support.reopened_tickets       │
    │ support     │ bonus.support.reopened_tickets > -29/168 │
    │ development │ any bonus.support.reopened_tickets       │
    │ operations  │ never                                    │
    └─────────────┴──────────────────────────────────────────┘
    Where the company optimum is an equilibrium: never.
    <BLANKLINE>
    """
    values = ", ".join(f"{k} (model value: {v})" for k, v in report.base.items())
    out: list[Block] = [Heading(text=f"Thresholds of {report.title} in {values}", level=2)]
    if report.exact:
        out += paragraphs("Exact: closed-form roots and inequalities.")
    else:
        out += paragraphs(f"Partly numeric (tolerance ±{report.tolerance:.1g}): see the notes.", tone="warn")
    out += paragraphs(_ranges(report))
    if report.phases:
        out.append(_phase_table(report.names[0], report.phases))
    if report.critical_values:
        out += [Heading(text="Critical values", level=3), Bullets.of(*(c.describe() for c in report.critical_values))]
    if report.boundaries:
        out += _boundary_blocks(report)
    out.append(_region_table("Where each profile is an equilibrium", "profile", dict(report.profiles)))
    out.append(_region_table("Where each department games", "department", dict(report.gaming)))
    optimum = (Span(text="Where the company optimum is an equilibrium: ", mark="strong"), region_span(report.optimum))
    out.append(Paragraph(content=(*optimum, Span(text="."))))
    if report.notes:
        out += [Heading(text="Notes", level=3), Bullets.of(*report.notes)]
    return out


def _decimal(value: sympy.Expr) -> float | None:
    try:
        return optional_number(float(value))
    except (TypeError, ValueError):
        return None


def _region(region: Region) -> dict[str, Any]:
    return {
        "region": region.to_text(),
        "alternatives": [[str(r) for r in alternative] for alternative in region.alternatives],
        "exact": region.exact,
    }


def _phase(name: str, phase: Phase) -> dict[str, Any]:
    return {
        "values": format_set(name, phase.values),
        "equilibria": list(phase.equilibria),
        "optimum": list(phase.optimum),
        "optimum_is_equilibrium": phase.optimum_is_equilibrium,
        "gaming": list(phase.gaming),
    }


@register_document(ThresholdReport)
def thresholds_document(report: ThresholdReport) -> dict[str, Any]:
    """The ``incentives.thresholds/1`` document of a threshold report."""
    name = report.names[0]
    return {
        "schema": THRESHOLDS_SCHEMA,
        "model": report.title,
        "quantities": list(report.names),
        "base": {k: str(v) for k, v in report.base.items()},
        "domain": {k: format_set(k, v) for k, v in report.domain.items()},
        "exact": report.exact,
        "tolerance": report.tolerance,
        "notes": list(report.notes),
        "phases": [_phase(name, p) for p in report.phases],
        "critical_values": [
            {
                "quantity": c.name,
                "value": str(c.value),
                "decimal": _decimal(c.value),
                "appear": list(c.appear),
                "disappear": list(c.disappear),
                "gaming_starts": list(c.gaming_starts),
                "gaming_stops": list(c.gaming_stops),
                "description": c.describe(),
            }
            for c in report.critical_values
        ],
        "profiles": [{"profile": label, **_region(r)} for label, r in report.profiles.items()],
        "gaming": {d: _region(r) for d, r in report.gaming.items()},
        "optimum": _region(report.optimum),
        "boundaries": [{"equation": str(b.equation), "changes": list(b.changes)} for b in report.boundaries],
    }
