"""The report of where repeated play sustains the target, exactly: ``incentives thresholds --repeated``.

Blocks: the quantities and their model values, the target and the punishment, the
discount factor and the detection probabilities as formulas; for each department its
one-shot gain, its loss under the punishment, its critical discount factor and smallest
detection probability as formulas, and where its condition holds; where the target is
sustained; the critical values (one quantity); the notes.  The JSON document is
``incentives.sustainability/1``: exact values are text a person reads back (``"-20 +
380*sqrt(23)/23"``), with their decimal value beside them.
"""

from __future__ import annotations

from typing import Any

import sympy

from ..whatif.regions import Region, format_set
from ..whatif.sustainability import SustainabilityReport
from .blocks import Block, Bullets, Cell, Heading, Paragraph, Span, Table, Tone, paragraphs
from .dispatch import register_blocks, register_document
from .json import optional_number
from .thresholds import region_span

__all__ = ["SUSTAINABILITY_SCHEMA", "sustainability_blocks", "sustainability_document"]

SUSTAINABILITY_SCHEMA = "incentives.sustainability/1"

CAVEAT = (
    "The target and the punishment are the model's at its own values; where other values change which profile is "
    "the company optimum or a stage equilibrium, these formulas still describe the same profiles."
)
TABLE_NOTE = (
    "g: the one-shot gain from the best deviation (a max over deviations); L: what each period of punishment costs "
    "the department; p: the probability that its deviation is seen; δ* = g / (g + p L): the critical discount "
    "factor; p* = (1 - δ) g / (δ L): the smallest detection probability at δ (both formulas hold where g > 0 and "
    "L > 0); holds where: the values where δ p L - (1 - δ) g ≥ 0, with δ in [0, 1) and p in [0, 1]."
)


def _text(expr: Any) -> str:
    return "-" if expr is None else str(sympy.sympify(expr))


def _region(region: Region | None) -> str:
    return "-" if region is None else region.to_text()


def _region_cell(region: Region | None) -> Cell:
    return Cell.of("-") if region is None else Cell(lines=((region_span(region),),))


def _setting(report: SustainabilityReport) -> list[str]:
    formulas = report.formulas
    seen = dict.fromkeys(str(p) for p in formulas.monitoring.values())
    monitoring = next(iter(seen)) if len(seen) == 1 else ", ".join(f"{d}: {p}" for d, p in formulas.monitoring.items())
    punished = dict.fromkeys(formulas.punishments.values())
    punishment = (
        next(iter(punished)) if len(punished) == 1 else "; ".join(f"{d}: {p}" for d, p in formulas.punishments.items())
    )
    return [
        f"Target: {formulas.target_label}. After a deviation is seen the departments play {punishment} for ever.",
        f"Discount factor δ = {_text(formulas.discount)}; detection probability p = {monitoring}.",
    ]


def _department_table(report: SustainabilityReport) -> Table:
    formulas = report.formulas
    needed = formulas.smallest_monitoring or {}
    rows = []
    for d in formulas.departments:
        gain = formulas.gains[d]
        untempted = gain.is_number and bool(gain <= 0)
        rows.append(
            (
                Cell.of(d),
                Cell.of(_text(gain) + (" (it loses by deviating)" if untempted and gain != 0 else "")),
                Cell.of(_text(formulas.losses[d])),
                Cell.of(_text(formulas.monitoring[d])),
                Cell.of("0 (never tempted)" if untempted else _text(formulas.critical_discounts[d])),
                Cell.of("0 (never tempted)" if untempted and d in needed else _text(needed.get(d))),
                _region_cell(report.departments.get(d)),
            )
        )
    return Table(
        title="Each department's condition",
        columns=("department", "gain g", "loss L", "seen p", "δ*", "p*", "holds where"),
        rows=tuple(rows),
        note=TABLE_NOTE,
    )


@register_blocks(SustainabilityReport)
def sustainability_blocks(report: SustainabilityReport) -> list[Block]:
    """The blocks of a sustainability report: the setting, each department's condition, where the target holds.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.report.text import render_text
    >>> from incentives.whatif.sustainability import sustainability
    >>> report = sustainability(inc.load_model("examples/keeping_close.yaml"), ["headcount"])
    >>> text = render_text(sustainability_blocks(report))
    >>> print(text[text.index("The target is sustained where"):].splitlines()[0])
    The target is sustained where: 0 ≤ headcount ≤ -20 + 380*sqrt(23)/23 (≈ 59.2355).
    """
    values = ", ".join(f"{k} (model value: {v})" for k, v in report.base.items())
    out: list[Block] = [Heading(text=f"Where repeated play sustains the target: {report.title}, in {values}", level=2)]
    out += paragraphs(*_setting(report))
    if not report.exact:
        out += paragraphs("Partly numeric: see the notes.", tone="warn")
    out.append(_department_table(report))
    if report.sustained is not None:
        tone: Tone = "bad" if report.sustained.is_empty else "good"
        sustained = (Span(text="The target is sustained where: ", mark="strong"), region_span(report.sustained))
        out.append(Paragraph(content=(*sustained, Span(text=".")), tone=tone))
        valid = Span(text="δ and p are valid (δ in [0, 1), p in [0, 1]) where: ")
        out.append(
            Paragraph(content=(valid, region_span(report.valid) if report.valid else Span(text="-"), Span(text=".")))
        )
    if report.critical_values:
        out += [Heading(text="Critical values", level=3), Bullets.of(*(c.describe() for c in report.critical_values))]
    return [*out, Heading(text="Notes", level=3), Bullets.of(*report.notes, CAVEAT)]


def _decimal(value: sympy.Expr) -> float | None:
    try:
        return optional_number(float(value))
    except (TypeError, ValueError):
        return None


def _region_document(region: Region | None) -> dict[str, Any] | None:
    if region is None:
        return None
    return {
        "region": region.to_text(),
        "alternatives": [[str(r) for r in alternative] for alternative in region.alternatives],
        "exact": region.exact,
    }


def _optional_text(mapping: Any, key: str) -> str | None:
    return None if mapping is None else str(mapping[key])


@register_document(SustainabilityReport)
def sustainability_document(report: SustainabilityReport) -> dict[str, Any]:
    """The ``incentives.sustainability/1`` document."""
    formulas = report.formulas
    return {
        "schema": SUSTAINABILITY_SCHEMA,
        "model": report.title,
        "quantities": list(report.names),
        "base": {k: str(v) for k, v in report.base.items()},
        "domain": {k: format_set(k, v) for k, v in report.domain.items()},
        "target": formulas.target_label,
        "discount": None if formulas.discount is None else str(formulas.discount),
        "exact": report.exact,
        "departments": [
            {
                "department": d,
                "punishment": formulas.punishments[d],
                "gain": str(formulas.gains[d]),
                "loss": str(formulas.losses[d]),
                "monitoring": str(formulas.monitoring[d]),
                "critical_discount": str(formulas.critical_discounts[d]),
                "smallest_monitoring": _optional_text(formulas.smallest_monitoring, d),
                "condition": _optional_text(formulas.conditions, d),
                "holds": _region_document(report.departments.get(d)),
            }
            for d in formulas.departments
        ],
        "valid": _region_document(report.valid),
        "sustained": _region_document(report.sustained),
        "critical_values": [
            {
                "quantity": c.name,
                "value": str(c.value),
                "decimal": _decimal(c.value),
                "departments": list(c.departments),
                "sustained_below": c.before,
                "sustained_above": c.after,
                "description": c.describe(),
            }
            for c in report.critical_values
        ],
        "notes": [*report.notes, CAVEAT],
    }
