"""The report of where repeated play sustains the target, exactly: ``incentives thresholds --repeated``.

Blocks: the quantities and their model values, the target and the punishment, the
discount factor and the detection probabilities as formulas; for each department its
one-shot gain, its loss under the punishment, its critical discount factor and smallest
detection probability as formulas, and where its condition holds; where the target is
sustained; the critical values (one quantity); the relational contract (the largest credible
discretionary bonus, the bonus each department needs, and where the first covers the second);
the notes.  Formulas are text in the text and HTML reports and LaTeX in Markdown.  The JSON
document is ``incentives.sustainability/1``: exact values are text a person reads back
(``"-20 + 380*sqrt(23)/23"``), with their decimal value beside them.
"""

from __future__ import annotations

from typing import Any

import sympy

from ..repeated.contract_formulas import ContractFormulas
from ..whatif.regions import Region, format_set, relation_latex, relation_mathml
from ..whatif.sustainability import SustainabilityCritical, SustainabilityReport
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
BONUS_NOTE = (
    " b = max(0, g) / p: the discretionary bonus the department must stand to lose for leaving the target not to "
    "pay (relational contract)."
)
CONTRACT_NOTE = (
    "The company promises discretionary bonuses for keeping to the target, judged without a KPI; paying is credible "
    "while the bonuses are worth less than the joint surplus (company value less action costs) the relationship adds "
    "from the next period on (Baker, Gibbons and Murphy 2002; Levin 2003)."
)


def _text(expr: Any) -> str:
    return "-" if expr is None else str(sympy.sympify(expr))


def _math(expr: Any, mark: Any = "") -> Span:
    """A formula: text for the text report, LaTeX for Markdown (``|`` escaped for a table cell), MathML for HTML."""
    if expr is None:
        return Span(text="-")
    value = sympy.sympify(expr)
    latex = relation_latex(value).replace("|", r"\vert ")
    return Span(text=str(value), mark=mark, latex=latex, mathml=relation_mathml(value))


def _formula_cell(expr: Any, suffix: str = "") -> Cell:
    if suffix:
        return Cell.of(_text(expr) + suffix)
    return Cell(lines=((_math(expr),),))


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
    contract = formulas.contract
    rows = []
    for d in formulas.departments:
        gain = formulas.gains[d]
        untempted = gain.is_number and bool(gain <= 0)
        never = "0 (never tempted)"
        row = [
            Cell.of(d),
            _formula_cell(gain, " (it loses by deviating)" if untempted and gain != 0 else ""),
            _formula_cell(formulas.losses[d]),
            _formula_cell(formulas.monitoring[d]),
            Cell.of(never) if untempted else _formula_cell(formulas.critical_discounts[d]),
            Cell.of(never) if untempted and d in needed else _formula_cell(needed.get(d)),
        ]
        if contract is not None:
            row.append(Cell.of(never) if untempted else _formula_cell(contract.required_bonuses[d]))
        rows.append((*row, _region_cell(report.departments.get(d))))
    columns = ("department", "gain g", "loss L", "seen p", "δ*", "p*")
    return Table(
        title="Each department's condition",
        columns=(*columns, *(("bonus b",) if contract is not None else ()), "holds where"),
        rows=tuple(rows),
        note=TABLE_NOTE + (BONUS_NOTE if contract is not None else ""),
    )


def _sentence(*parts: str | Span, mark: Any = "", tone: Tone = "") -> Paragraph:
    return Paragraph(content=tuple(Span(text=p, mark=mark) if isinstance(p, str) else p for p in parts), tone=tone)


def _contract_blocks(report: SustainabilityReport, contract: ContractFormulas) -> list[Block]:
    """The relational contract: the budget, the bonuses needed, and where the first covers the second."""
    out: list[Block] = [Heading(text="Relational contract", level=3), *paragraphs(CONTRACT_NOTE)]
    out.append(
        _sentence(
            f"If the company reneges the departments play {contract.reversion}. Joint surplus per period: S(a*) = ",
            _math(contract.surplus),
            " at the target, S(e) = ",
            _math(contract.reversion_surplus),
            " after reneging.",
        )
    )
    if contract.credible_bonus is not None:
        out.append(
            _sentence(
                "Largest credible discretionary bonus per period, B = δ / (1 - δ) · max(0, S(a*) - S(e)) = ",
                _math(contract.credible_bonus, "strong"),
                ".",
            )
        )
    out.append(
        _sentence(
            "Bonuses the departments need together, N = Σ max(0, g) / p = ",
            _math(contract.bonus_needed, "strong"),
            "; the contract holds for every δ from N / (N + S(a*) - S(e)) = ",
            _math(contract.critical_discount),
            " on" + ("." if contract.stake.is_number and bool(contract.stake > 0) else " (where S(a*) > S(e))."),
        )
    )
    if report.contract is not None:
        tone: Tone = "bad" if report.contract.is_empty else "good"
        lead = Span(text="The credible bonus covers the bonuses needed (B ≥ N) where: ", mark="strong")
        out.append(Paragraph(content=(lead, region_span(report.contract), Span(text=".")), tone=tone))
    if report.contract_critical_values:
        out.append(Bullets.of(*(c.describe() for c in report.contract_critical_values)))
    return out


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
    if report.formulas.contract is not None:
        out += _contract_blocks(report, report.formulas.contract)
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


def _critical_document(c: SustainabilityCritical) -> dict[str, Any]:
    return {
        "quantity": c.name,
        "value": str(c.value),
        "decimal": _decimal(c.value),
        "departments": list(c.departments),
        "sustained_below": c.before,
        "sustained_above": c.after,
        "description": c.describe(),
    }


def _contract_document(report: SustainabilityReport) -> dict[str, Any] | None:
    contract = report.formulas.contract
    if contract is None:
        return None
    return {
        "reversion": contract.reversion,
        "surplus": str(contract.surplus),
        "reversion_surplus": str(contract.reversion_surplus),
        "credible_bonus": None if contract.credible_bonus is None else str(contract.credible_bonus),
        "bonus_needed": str(contract.bonus_needed),
        "critical_discount": str(contract.critical_discount),
        "condition": None if contract.condition is None else str(contract.condition),
        "holds_where": [[str(e) for e in alternative] for alternative in contract.holds_where],
        "holds": _region_document(report.contract),
        "critical_values": [
            {
                "quantity": c.name,
                "value": str(c.value),
                "decimal": _decimal(c.value),
                "holds_below": c.before,
                "holds_above": c.after,
                "description": c.describe(),
            }
            for c in report.contract_critical_values
        ],
    }


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
                "required_bonus": _optional_text(formulas.contract and formulas.contract.required_bonuses, d),
                "holds": _region_document(report.departments.get(d)),
            }
            for d in formulas.departments
        ],
        "valid": _region_document(report.valid),
        "sustained": _region_document(report.sustained),
        "critical_values": [_critical_document(c) for c in report.critical_values],
        "contract": _contract_document(report),
        "notes": [*report.notes, CAVEAT],
    }
