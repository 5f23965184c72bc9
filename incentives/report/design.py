"""Terminal reports of incentive designs: tables with plain words (the JSON document is in ``design_json``).

One report covers a bonus-plan design (:func:`incentives.design.design`), and
optionally the via-negativa cut (:func:`incentives.design.via_negativa`) and
internal transfers (:func:`incentives.design.design_transfers`) for the same
organisation.  Every plan is shown with its verification on the rebuilt game.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table
from rich.text import Text

from ..design.diagnose import Obstacle, possessive
from ..design.negativa import ViaNegativa
from ..design.plan import Design
from ..design.transfers import TransferDesign
from ..design.verify import Verification
from ..equilibrium import format_number
from ..model import COMPANY_VALUE

__all__ = ["design_renderables", "verification_sentences", "weight_text"]

_CONCEPT_WORDS = {
    "nash": "a Nash equilibrium",
    "dominant": "a dominant-strategy profile (best whatever the others do)",
    "unique": "the only pure equilibrium",
}
_OBJECTIVE_WORDS = {"cost": "least bonus paid at the target", "change": "least change from the current plan"}


def weight_text(value: float) -> str:
    """A weight to six significant figures (``0.5``, ``0.0363372``, ``-1``).

    Examples
    --------
    >>> weight_text(0.5), weight_text(1 / 27.52), weight_text(-1.0)
    ('0.5', '0.0363372', '-1')
    """
    return f"{float(value):.6g}"


def _fmt(value: Any) -> str:
    return "-" if value is None else format_number(value)


def _term(key: str, weight: float) -> str:
    if key == COMPANY_VALUE:
        return f"{weight_text(abs(weight))} x company value (a {abs(float(weight)):.3%} share)"
    return f"{weight_text(abs(weight))} x {key}"


def _plan_words(plan: Mapping[str, Mapping[str, float]], dept: str) -> str:
    """``"0.5 x roadmap_features_live - 1 x resolution_hours"``, or ``"nothing"``."""
    text = ""
    for key, weight in plan.get(dept, {}).items():
        sign = "-" if weight < 0 else "+"
        text += f" {sign} {_term(key, weight)}" if text else f"{'-' if weight < 0 else ''}{_term(key, weight)}"
    return text or "nothing"


def _plan_table(result: Design) -> Table:
    table = Table(title="Bonus plans: current and proposed")
    for col, justify in [("department", "left"), ("pays on", "left"), ("current", "right"), ("proposed", "right")]:
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for dept in result.organization.department_names:
        keys = list(dict.fromkeys([*result.current.get(dept, {}), *result.weights.get(dept, {})]))
        for n, key in enumerate(keys):
            old, new = result.current.get(dept, {}).get(key), result.weights.get(dept, {}).get(key)
            table.add_row(
                dept if n == 0 else "",
                key,
                "-" if old is None else weight_text(old),
                "-" if new is None else weight_text(new),
                end_section=n == len(keys) - 1,
            )
    return table


def _verification_table(check: Verification, *, proposed: str = "proposed plan") -> Table:
    table = Table(title="Checked on the rebuilt game")
    for col, justify in [("", "left"), ("current plan", "right"), (proposed, "right")]:
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    table.add_row("equilibrium worst for the company", check.worst_before or "-", check.worst_after or "-")
    table.add_row("company value there", _fmt(check.company_value_before), _fmt(check.company_value_after))
    table.add_row("bonus paid there", _fmt(check.bonus_before), _fmt(check.bonus_after))
    table.add_row("bonus paid at the target", _fmt(check.bonus_target_before), _fmt(check.bonus_target_after))
    table.add_row("margin at the target", _fmt(check.margin_before), _fmt(check.margin))
    table.add_row("equilibria found", str(len(check.equilibria_before)), str(len(check.equilibria_after)))
    return table


def verification_sentences(check: Verification, margin: float | None = None) -> list[str]:
    """The verification in plain words."""
    lines = []
    if check.is_equilibrium:
        strict = (
            f"every department loses at least {_fmt(check.margin)} by switching alone"
            if check.margin > 1e-9
            else "no department gains by switching alone (some are indifferent)"
        )
        lines.append(f"Verified: with the plan, the target [{check.target_label}] is an equilibrium: {strict}.")
    else:
        lines.append(
            f"Not an equilibrium: with the plan some department still gains {_fmt(-check.margin)} by switching "
            f"away from [{check.target_label}]."
        )
    if margin is not None and check.is_equilibrium and _fmt(check.margin) != _fmt(margin) and check.margin < margin:
        lines.append(f"(The margin asked was {_fmt(margin)}; rounding the weights cost the difference.)")
    if check.is_unique:
        lines.append("It is the only pure equilibrium.")
    elif len(check.pure_after) > 1:
        others = [f"[{p}]" for p in check.pure_after if p != check.target_label]
        more = f" and {len(others) - 3} more" if len(others) > 3 else ""
        lines.append(f"{len(others)} other pure equilibria remain: {'; '.join(others[:3])}{more}.")
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


def _obstacle_lines(obstacles: tuple[Obstacle, ...]) -> list[Text]:
    seen: list[str] = []
    for o in obstacles:
        if o.message not in seen:
            seen.append(o.message)
    return [Text(f"- {m}") for m in seen]


def _design_renderables(result: Design) -> list[Any]:
    org = result.organization
    every = (*org.kpis, COMPANY_VALUE)
    limits = "; ".join(f"{d}: {', '.join(k) or 'nothing'}" for d, k in result.allowed.items() if tuple(k) != every)
    out: list[Any] = [
        Text(f"Bonus design for {org.name}", style="bold"),
        Text(
            f"Target: [{result.target_label}]. Asked: make it {_CONCEPT_WORDS[result.concept]} in which every switch "
            f"away from it loses at least {_fmt(result.margin)}; objective: {_OBJECTIVE_WORDS[result.objective]}."
        ),
    ]
    if limits:
        free = [d for d, k in result.allowed.items() if tuple(k) == every]
        rest = f"; {', '.join(free)}: every KPI and a share of company value" if free else ""
        out.append(Text(f"Terms the plan may use: {limits}{rest}."))
    if not result.found:
        head = (
            "The search stopped before it finished."
            if result.status == "stopped"
            else ("No plan on the allowed terms can work, because:")
        )
        out += [Text(head, style="red"), *_obstacle_lines(result.obstacles)]
        out += [Text(f"Note: {n}.", style="yellow") for n in result.notes]
        return out
    out.append(_plan_table(result))
    out.append(Text("The proposed plan in words:"))
    for dept in org.department_names:
        out.append(Text(f"- {dept}: {_plan_words(result.weights, dept)} (was {_plan_words(result.current, dept)})."))
    out.append(
        Text(
            f"Cost: the plan pays {_fmt(result.cost)} in bonus at the target; the current plan would pay "
            f"{_fmt(result.current_cost)} there. It changes the weights by {_fmt(result.change)} in total (L1).",
            style="bold",
        )
    )
    if result.verification is not None:
        out.append(_verification_table(result.verification))
        out += [Text(s) for s in verification_sentences(result.verification, result.margin)]
        warning = _alignment_warning(result.verification)
        if warning:
            out.append(Text(warning, style="yellow"))
    out += [Text(f"Note: {n}.", style="yellow") for n in result.notes]
    return out


def _negativa_renderables(cut: ViaNegativa) -> list[Any]:
    out: list[Any] = [
        Text("\nVia negativa: remove before adding", style="bold"),
        Text(f"The fewest terms to drop or cap so that [{cut.target_label}] becomes an equilibrium."),
    ]
    ranking = {(g.department, g.key): g for g in cut.ranking}
    table = Table(title="Terms of the current plans, most gaming first")
    for col in ("department", "term", "weight", "verdict", "pays for gaming", "company value if dropped alone"):
        table.add_column(col, justify="right" if col in ("weight", "pays for gaming") else "left", overflow="fold")
    order = [(g.department, g.key) for g in cut.ranking] or [(c.department, c.key) for c in cut.changes]
    changes = {(c.department, c.key): c for c in cut.changes}
    for key in order:
        c, g = changes[key], ranking.get(key)
        verdict = {"keep": "keep", "drop": "drop", "cap": f"cap at {_fmt(c.cap)}"}[c.change]
        if c.department in {o.department for o in cut.stuck}:
            verdict = "keep (stuck)"
        value = "-"
        if g is not None and g.company_value_worst is not None:
            value = _fmt(g.company_value_worst)
            if g.company_value_best != g.company_value_worst:
                value += f" to {_fmt(g.company_value_best)}"
        table.add_row(c.department, c.key, weight_text(c.weight), verdict, "-" if g is None else _fmt(g.driver), value)
    out.append(table)
    removed = [f"{'cap' if c.change == 'cap' else 'drop'} {possessive(c.department)} {c.key}" for c in cut.removed]
    if removed:
        out.append(Text(f"Remove: {'; '.join(removed)}."))
    out += [Text(f"- {o.message}", style="yellow") for o in cut.stuck]
    if cut.verification is not None:
        out.append(_verification_table(cut.verification, proposed="after removal"))
        out += [Text(s) for s in verification_sentences(cut.verification)]
    return out


def _transfer_renderables(deal: TransferDesign) -> list[Any]:
    out: list[Any] = [
        Text("\nInternal transfers instead of new bonus money", style="bold"),
        Text(
            f"Budget-balanced payments, on top of the current plans, that make [{deal.target_label}] "
            f"{_CONCEPT_WORDS[deal.concept]} with margin {_fmt(deal.margin)}."
        ),
    ]
    if not deal.found:
        out += [Text("No transfers can work, because:", style="red"), *_obstacle_lines(deal.obstacles)]
        return out
    table = Table(title="Transfers")
    for col in ("payer", "receiver", "per unit of", "rate", "paid at the target"):
        table.add_column(col, justify="right" if col in ("rate", "paid at the target") else "left")
    for t in deal.transfers:
        table.add_row(t.payer, t.receiver, t.kpi, weight_text(t.rate), _fmt(t.paid_at_target))
    out.append(table)
    net = ", ".join(f"{d} {'+' if v > 0 else ''}{_fmt(v)}" for d, v in deal.net_at_target.items())
    out.append(Text(f"Net transfer received at the target: {net}."))
    out.append(
        Text(f"The transfers sum to zero at every profile (largest imbalance {_fmt(deal.imbalance)}): no new money.")
    )
    if deal.verification is not None:
        out.append(_verification_table(deal.verification, proposed="with transfers"))
        out += [Text(s) for s in verification_sentences(deal.verification, deal.margin)]
    return out


def design_renderables(
    result: Design | None, cut: ViaNegativa | None = None, deal: TransferDesign | None = None
) -> list[Any]:
    """Tables and plain-words lines for a design, and optionally via negativa and transfers."""
    out: list[Any] = [] if result is None else _design_renderables(result)
    if cut is not None:
        out += _negativa_renderables(cut)
    if deal is not None:
        out += _transfer_renderables(deal)
    return out
