"""The report of an incentive design: the plan, its verification and cost; via negativa and transfers beside it.

One report covers a bonus-plan design (:func:`incentives.design.design`), and
optionally the via-negativa cut (:func:`incentives.design.via_negativa`) and
internal transfers (:func:`incentives.design.design_transfers`) for the same
organisation: a :class:`DesignReport`.  Every plan is shown with its verification on
the rebuilt game.  Its JSON document, ``incentives.design/1``, is built in
:mod:`incentives.report.design_json`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..design.diagnose import Obstacle, possessive
from ..design.negativa import ViaNegativa
from ..design.plan import Design
from ..design.transfers import TransferDesign
from ..design.verify import Verification
from ..equilibrium import format_number
from ..model import COMPANY_VALUE
from .blocks import Block, Bullets, Cell, Heading, Table, paragraphs
from .design_terms import at_least, left_out_blocks, nearest, term_blocks, term_text, weight_text
from .dispatch import register_blocks

__all__ = ["DesignReport", "design_blocks", "verification_sentences", "weight_text"]


@dataclass(frozen=True, kw_only=True)
class DesignReport:
    """A design, the via-negativa cut and internal transfers for one organisation and target; any may be absent.

    Parameters
    ----------
    design : Design, optional
    via_negativa : ViaNegativa, optional
    transfers : TransferDesign, optional

    Raises
    ------
    ValueError
        If all three are absent.
    """

    design: Design | None = None
    via_negativa: ViaNegativa | None = None
    transfers: TransferDesign | None = None

    def __post_init__(self) -> None:
        if self.design is None and self.via_negativa is None and self.transfers is None:
            raise ValueError("A DesignReport needs at least one of 'design', 'via_negativa' and 'transfers'.")

    @property
    def first(self) -> Design | ViaNegativa | TransferDesign:
        """The first part present (they share the organisation and the target)."""
        first = self.design or self.via_negativa or self.transfers
        assert first is not None
        return first


_CONCEPT_WORDS = {
    "nash": "a Nash equilibrium",
    "dominant": "a dominant-strategy profile (best whatever the others do)",
    "unique": "the only pure equilibrium",
}
_OBJECTIVE_WORDS = {"cost": "least bonus paid at the target", "change": "least change from the current plan"}


def _fmt(value: Any) -> str:
    return "-" if value is None else format_number(value)


def _term(key: str, weight: Any) -> str:
    return term_text(key, weight)


def _plan_words(plan: Mapping[str, Mapping[str, Any]], dept: str) -> str:
    """``"0.5 x roadmap_features_live - 1 x resolution_hours"``, or ``"nothing"``."""
    text = ""
    for key, weight in plan.get(dept, {}).items():
        sign = "-" if weight < 0 else "+"
        text += f" {sign} {_term(key, weight)}" if text else f"{'-' if weight < 0 else ''}{_term(key, weight)}"
    return text or "nothing"


def _plan_table(result: Design) -> Table:
    rows: list[tuple[Cell, ...]] = []
    groups = []
    flagged = {(f.term.department, f.term.kpi) for f in result.flagged}
    for dept in result.organization.department_names:
        keys = list(dict.fromkeys([*result.current.get(dept, {}), *result.exact_weights.get(dept, {})]))
        groups.append(len(rows))
        for n, key in enumerate(keys):
            old, new = result.current.get(dept, {}).get(key), result.exact_weights.get(dept, {}).get(key)
            flag = (dept, key) in flagged
            rows.append(
                (
                    Cell.of(dept if n == 0 else ""),
                    Cell.of(key),
                    Cell.of("-" if old is None else weight_text(old)),
                    Cell.of(
                        "-" if new is None else weight_text(new) + (" (flagged)" if flag else ""),
                        tone="bad" if flag else "",
                    ),
                )
            )
    return Table(
        title="Bonus plans: current and proposed",
        columns=("department", "pays on", "current", "proposed"),
        align=("left", "left", "right", "right"),
        rows=tuple(rows),
        groups=tuple(groups),
        note="flagged: a term that pays for something the company wants less of (see below)." if flagged else "",
    )


def _verification_table(check: Verification, *, proposed: str = "proposed plan") -> Table:
    rows = [
        ("equilibrium worst for the company", check.worst_before or "-", check.worst_after or "-"),
        ("company value there", _fmt(check.company_value_before), _fmt(check.company_value_after)),
        ("bonus paid there", _fmt(check.bonus_before), _fmt(check.bonus_after)),
        ("bonus paid at the target", _fmt(check.bonus_target_before), _fmt(check.bonus_target_after)),
        ("margin at the target", _fmt(check.margin_before), _fmt(check.margin)),
        ("equilibria found", str(len(check.equilibria_before)), str(len(check.equilibria_after))),
    ]
    return Table(
        title="Checked on the rebuilt game",
        columns=("", "current plan", proposed),
        align=("left", "right", "right"),
        rows=tuple(tuple(Cell.of(text) for text in row) for row in rows),
    )


def verification_sentences(check: Verification, margin: float | None = None) -> list[str]:
    """The verification in plain words."""
    lines = []
    if check.is_equilibrium:
        strict = (
            f"every department loses at least {at_least(check.margin)} by switching alone"
            if check.margin > 1e-9
            else "no department gains by switching alone (some are indifferent)"
        )
        lines.append(f"Verified: with the plan, the target [{check.target_label}] is an equilibrium: {strict}.")
    else:
        lines.append(
            f"Not an equilibrium: with the plan some department still gains {_fmt(-check.margin)} by switching "
            f"away from [{check.target_label}]."
        )
    if margin is not None and check.is_equilibrium and check.margin < margin:
        lines.append(f"(The margin asked was {_fmt(margin)}; rounding the weights cost the difference.)")
    if check.is_unique:
        lines.append("It is the only pure equilibrium.")
    elif len(check.pure_after) > 1:
        others = [f"[{p}]" for p in check.pure_after if p != check.target_label]
        more = f" and {len(others) - 3} more" if len(others) > 3 else ""
        remain = "other pure equilibrium remains" if len(others) == 1 else "other pure equilibria remain"
        lines.append(f"{len(others)} {remain}: {'; '.join(others[:3])}{more}.")
    if check.is_dominant and check.dominance_margin > 1e-9:
        lines.append("Each department's target action is best for it whatever the others do.")
    if check.company_value_before is not None and check.company_value_after is not None:
        lines.append(
            f"Company value at the worst equilibrium goes from {_fmt(check.company_value_before)} to "
            f"{_fmt(check.company_value_after)}; the bonus paid there from {_fmt(check.bonus_before)} to "
            f"{_fmt(check.bonus_after)}."
        )
    lines += [f"Note: {n}." for n in check.notes]
    return lines


def _alignment_warning(check: Verification) -> str | None:
    if check.after is None:
        return None
    odd = [
        f"{possessive(a.department)} {a.kpi} ({a.status})"
        for a in check.after.alignment
        if a.status in ("misaligned", "mixed")
    ]
    if not odd:
        return None
    return (
        f"Watch {', '.join(odd)}: for some switches these terms pull against company value. The plan works in "
        "this model, but such terms are the narrow KPIs that invite gaming when the world differs from the model "
        "(see `incentives analyze` on the redesigned model)."
    )


def _obstacle_list(obstacles: tuple[Obstacle, ...]) -> list[Block]:
    messages = list(dict.fromkeys(o.message for o in obstacles))
    return [Bullets.of(*messages)] if messages else []


def _notes(notes: tuple[str, ...]) -> list[Block]:
    return list(paragraphs(*(f"Note: {n}." for n in notes), tone="warn"))


def _design_blocks(result: Design) -> list[Block]:
    org = result.organization
    every = (*org.kpis, COMPANY_VALUE)
    limits = "; ".join(f"{d}: {', '.join(k) or 'nothing'}" for d, k in result.allowed.items() if tuple(k) != every)
    out: list[Block] = [Heading(text=f"Bonus design for {org.name}", level=2)]
    out += paragraphs(
        f"Target: [{result.target_label}]. Asked: make it {_CONCEPT_WORDS[result.concept]} in which every switch "
        f"away from it loses at least {_fmt(result.margin)}; objective: {_OBJECTIVE_WORDS[result.objective]}."
    )
    if limits:
        free = [d for d, k in result.allowed.items() if tuple(k) == every]
        rest = f"; {', '.join(free)}: every KPI and a share of company value" if free else ""
        out += paragraphs(f"Terms the plan may use: {limits}{rest}.")
    out += left_out_blocks(result.left_out)
    if not result.found:
        stopped = result.status == "stopped"
        head = (
            "The search stopped before it finished." if stopped else "No plan on the allowed terms can work, because:"
        )
        hint = (
            "The terms left out above, which pull against company value, are not among the allowed ones; a plan "
            "may exist with one of them allowed by name (it would be flagged)."
            if result.left_out and not stopped
            else None
        )
        return [
            *out,
            *paragraphs(head, tone="bad"),
            *_obstacle_list(result.obstacles),
            *paragraphs(hint),
            *_notes(result.notes),
        ]
    out.append(_plan_table(result))
    out += paragraphs("The proposed plan in words:")
    out.append(
        Bullets.of(
            *(
                f"{dept}: {_plan_words(result.exact_weights, dept)} (was {_plan_words(result.current, dept)})."
                for dept in org.department_names
            )
        )
    )
    out += term_blocks(result)
    out += paragraphs(
        f"Cost: the plan pays {nearest(result.cost)} in bonus at the target; the current plan would pay "
        f"{nearest(result.current_cost)} there. It changes the weights by {nearest(result.change)} in total (L1).",
        mark="strong",
    )
    if result.verification is not None:
        out.append(_verification_table(result.verification))
        out += paragraphs(*verification_sentences(result.verification, result.margin))
        out += paragraphs(_alignment_warning(result.verification), tone="warn")
    return out + _notes(result.notes)


def _negativa_table(cut: ViaNegativa) -> Table:
    ranking = {(g.department, g.key): g for g in cut.ranking}
    order = [(g.department, g.key) for g in cut.ranking] or [(c.department, c.key) for c in cut.changes]
    changes = {(c.department, c.key): c for c in cut.changes}
    stuck = {o.department for o in cut.stuck}
    rows = []
    for key in order:
        c, g = changes[key], ranking.get(key)
        verdict = "keep (stuck)" if c.department in stuck else {"keep": "keep", "drop": "drop"}.get(c.change, "")
        verdict = verdict or f"cap at {_fmt(c.cap)}"
        value = "-"
        if g is not None and g.company_value_worst is not None:
            value = _fmt(g.company_value_worst)
            if g.company_value_best != g.company_value_worst:
                value += f" to {_fmt(g.company_value_best)}"
        cells = (c.department, c.key, weight_text(c.weight), verdict, "-" if g is None else _fmt(g.driver), value)
        rows.append(tuple(Cell.of(text) for text in cells))
    return Table(
        title="Terms of the current plans, most gaming first",
        columns=("department", "term", "weight", "verdict", "pays for gaming", "company value if dropped alone"),
        align=("left", "left", "right", "left", "right", "left"),
        rows=tuple(rows),
        note="pays for gaming: the part of the department's gain from departing from the company optimum that "
        "this term pays, at the worst equilibrium now; company value if dropped alone: at the worst (to the best) "
        "pure equilibrium of the game with only this term dropped.",
    )


def _negativa_blocks(cut: ViaNegativa) -> list[Block]:
    out: list[Block] = [Heading(text="Via negativa: remove before adding", level=3)]
    out += paragraphs(f"The fewest terms to drop or cap so that [{cut.target_label}] becomes an equilibrium.")
    out.append(_negativa_table(cut))
    removed = [f"{'cap' if c.change == 'cap' else 'drop'} {possessive(c.department)} {c.key}" for c in cut.removed]
    if removed:
        out += paragraphs(f"Remove: {'; '.join(removed)}.")
    out += paragraphs(*(o.message for o in cut.stuck), tone="warn")
    if cut.verification is not None:
        out.append(_verification_table(cut.verification, proposed="after removal"))
        out += paragraphs(*verification_sentences(cut.verification))
    return out


def _transfer_blocks(deal: TransferDesign) -> list[Block]:
    out: list[Block] = [Heading(text="Internal transfers instead of new bonus money", level=3)]
    out += paragraphs(
        f"Budget-balanced payments, on top of the current plans, that make [{deal.target_label}] "
        f"{_CONCEPT_WORDS[deal.concept]} with margin {_fmt(deal.margin)}."
    )
    if not deal.found:
        return [*out, *paragraphs("No transfers can work, because:", tone="bad"), *_obstacle_list(deal.obstacles)]
    rows = tuple(
        tuple(
            Cell.of(text)
            for text in (t.payer, t.receiver, t.kpi, weight_text(t.written_rate), nearest(t.paid_at_target))
        )
        for t in deal.transfers
    )
    out.append(
        Table(
            title="Transfers",
            columns=("payer", "receiver", "per unit of", "rate", "paid at the target"),
            align=("left", "left", "left", "right", "right"),
            rows=rows,
        )
    )
    net = ", ".join(f"{d} {'+' if v > 0 else ''}{nearest(v)}" for d, v in deal.net_at_target.items())
    out += paragraphs(
        f"Net transfer received at the target: {net}.",
        "The transfers sum to zero at every profile: no new money."
        if deal.imbalance == 0
        else f"The transfers sum to zero at every profile (largest imbalance {_fmt(deal.imbalance)}): no new money.",
    )
    if deal.verification is not None:
        out.append(_verification_table(deal.verification, proposed="with transfers"))
        out += paragraphs(*verification_sentences(deal.verification, deal.margin))
    return out


@register_blocks(DesignReport)
def design_blocks(report: DesignReport) -> list[Block]:
    """The blocks of a design, and of via negativa and transfers when present.

    Examples
    --------
    >>> import incentives as inc
    >>> plan = inc.design(inc.load_model("examples/growing_company.yaml"))
    >>> [b.text for b in design_blocks(DesignReport(design=plan)) if isinstance(b, Heading)]
    ['Bonus design for Growing software company']
    """
    out: list[Block] = [] if report.design is None else _design_blocks(report.design)
    if report.via_negativa is not None:
        out += _negativa_blocks(report.via_negativa)
    if report.transfers is not None:
        out += _transfer_blocks(report.transfers)
    return out


@register_blocks(Design)
def _design_only(result: Design) -> list[Block]:
    return design_blocks(DesignReport(design=result))


@register_blocks(ViaNegativa)
def _negativa_only(cut: ViaNegativa) -> list[Block]:
    return design_blocks(DesignReport(via_negativa=cut))


@register_blocks(TransferDesign)
def _transfers_only(deal: TransferDesign) -> list[Block]:
    return design_blocks(DesignReport(transfers=deal))
