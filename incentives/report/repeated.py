"""The report of repeated play: can the departments keep to the target when they meet again and again?

A :class:`RepeatedReport` holds a :class:`~incentives.repeated.RepeatedAnalysis` and, when
a discount factor was given, the :class:`~incentives.repeated.RelationalContract` at it
(what ``incentives repeated`` prints).  Blocks: the target, the discount factor and the
detection probabilities; the headline (the critical discount factor ``δ*`` with the
harshest credible reversion, the department whose temptation binds and its one-shot gain,
the verdict at ``δ`` and the smallest detection probability ``p*``); each department's
temptation; the critical discount factors under every punishment, department by
department; the minmax values; the set of equilibrium payoffs for two departments; the
relational contract; the notes.  The JSON document is ``incentives.repeated/1``; in an
exact analysis the critical discount factors are also given as exact text (``"1/2"``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .._display import report_text
from .._util import Number
from ..repeated.analysis import RepeatedAnalysis
from ..repeated.grim_trigger import GrimTrigger
from ..repeated.relational import RelationalContract
from . import words
from .blocks import Block, Bullets, Cell, Heading, Table, Tone, paragraphs
from .dispatch import register_blocks, register_document
from .json import number, optional_number
from .payoff_set import payoff_set_blocks, payoff_set_document
from .relational import relational_blocks, relational_document

__all__ = ["REPEATED_SCHEMA", "RepeatedReport", "repeated_blocks", "repeated_document"]

REPEATED_SCHEMA = "incentives.repeated/1"

TEMPTATION_NOTE = (
    "one-shot gain g: what the department gains in the period it deviates while the others keep to the target "
    "(0: the target action is already its best reply); seen p: the probability that the others see the deviation "
    "in the period it happens."
)
PUNISHMENT_NOTE = (
    "punished payoff P: the department's payoff in every period after its deviation is seen; loss L = target "
    "payoff - P: what each period of punishment costs it; δ*: the smallest discount factor from which on it keeps "
    "to the target, g / (g + p L) (1: none does); p*: at δ, the smallest detection probability that keeps it "
    "there, (1 - δ) g / (δ L) (above 1: not even seeing every deviation is enough; none: no probability helps)."
)
SUMMARY_NOTE = (
    "credible: carrying the punishment out is itself an equilibrium (repeating a stage equilibrium is); the minmax "
    "punishments are bounds that no punishment can beat. δ*: the organisation's critical discount factor, the "
    "largest department's; binds: the departments whose temptation sets it."
)
MINMAX_NOTE = (
    "minmax: the least the other departments can hold the department to while it answers with its best reply; "
    "mixed: they may randomise (with several punishers, correlated where marked)."
)


@dataclass(frozen=True, kw_only=True)
class RepeatedReport:
    """What ``incentives repeated`` reports: the analysis of repeated play, and the relational contract at its δ.

    Parameters
    ----------
    analysis : RepeatedAnalysis
    contract : RelationalContract or None
        The relational contract at the analysis' discount factor (None without one, or for a bare game).
    """

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    analysis: RepeatedAnalysis
    contract: RelationalContract | None = None


def _delta(value: Any) -> str:
    return words.number(value)


def _probability(value: Any) -> str:
    if isinstance(value, float) and math.isinf(value):
        return "none"
    return words.number(value)


def _exact(value: Any) -> str | None:
    return str(value) if isinstance(value, Fraction) else None


def _setting_sentence(result: RepeatedAnalysis) -> str:
    value = "" if result.company_value is None else f" (company value {words.number(result.company_value)})"
    seen = sorted(set(result.monitoring), key=float)
    if len(seen) == 1:
        monitoring = (
            f"each department's deviation is seen in the period it happens with probability p = {words.number(seen[0])}"
        )
    else:
        parts = ", ".join(f"{d} {words.number(p)}" for d, p in zip(result.departments, result.monitoring, strict=True))
        monitoring = f"a deviation is seen in the period it happens with probability p = {parts}"
    delta = (
        "no discount factor was given, so only critical values are reported"
        if result.discount is None
        else f"next period weighs δ = {_delta(result.discount)}"
    )
    return f"Target, played every period: {result.target_label}{value}; {delta}; {monitoring}."


def headline_sentences(result: RepeatedAnalysis) -> list[str]:
    """The headline: ``δ*`` with the harshest credible reversion, who binds and by how much, the verdict at ``δ``."""
    trigger = result.reversion
    if trigger is None:
        return ["No stage equilibrium was found, so there is no credible reversion to report; see the minmax bounds."]
    name = result.binding_department
    if name is None:
        head = (
            "No department gains by leaving the target: it is a stage equilibrium and holds for every discount factor "
            "(δ* = 0)."
        )
    else:
        tempted = result.temptations[result.departments.index(name)]
        head = (
            f"With reversion to the stage equilibrium worst for the deviator, the target is self-enforcing for every "
            f"discount factor from δ* = {_delta(trigger.critical_discount)} on"
            + (" (that is, for none: δ < 1)" if trigger.critical_discount >= 1 else "")
            + f". The temptation of {name} binds (it sets δ*): deviating once to {tempted.deviation} gains it "
            f"{words.number(tempted.gain)} in that period"
            + (f"; {_others_bind(trigger.binding[1:])}." if len(trigger.binding) > 1 else ".")
        )
    out = [head]
    if trigger.sustained is not None and trigger.smallest_monitoring is not None:
        verdict = "sustained" if trigger.sustained else "not sustained"
        needed = trigger.required_monitoring
        who = max(range(len(result.departments)), key=lambda i: float(trigger.smallest_monitoring[i]))  # type: ignore[index]
        if isinstance(needed, float) and math.isinf(needed):
            out.append(
                f"At δ = {_delta(result.discount)} the target is {verdict}, and no detection probability would "
                f"sustain it: {result.departments[who]} is no worse off punished than at the target (p* = none)."
            )
        else:
            out.append(
                f"At δ = {_delta(result.discount)} the target is {verdict}. The smallest detection probability "
                f"that sustains it there is p* = {_probability(needed)}"
                + (f" ({result.departments[who]} needs the most)" if needed and float(needed) > 0 else "")
                + (": more than certainty, so no monitoring is enough" if needed is not None and needed > 1 else "")
                + "."
            )
    return out


def _others_bind(names: tuple[str, ...]) -> str:
    return f"{words.join_words(list(names))} {'binds' if len(names) == 1 else 'bind'} too"


def _bound_sentence(result: RepeatedAnalysis) -> str:
    harshest = result.harshest
    binding = f"binding: {words.join_words(list(harshest.binding))}" if harshest.binding else "nobody is tempted"
    return (
        f"No punishment can do better than the mixed minmax: with it δ* = {_delta(harshest.critical_discount)} "
        f"({binding}). Holding a department to its minmax is not itself an equilibrium, so this is a bound."
    )


def _temptation_table(result: RepeatedAnalysis) -> Table:
    rows = []
    for t, seen in zip(result.temptations, result.monitoring, strict=True):
        rows.append(
            (
                Cell.of(t.department),
                Cell.of(t.target_action),
                Cell.of(words.number(t.target_payoff)),
                Cell.of(t.deviation if t.tempted else "(none)"),
                Cell.of(words.number(t.gain), tone="bad" if t.tempted else ""),
                Cell.of(words.number(seen)),
            )
        )
    return Table(
        title="Temptations at the target",
        columns=("department", "plays", "payoff", "best deviation", "one-shot gain g", "seen p"),
        align=("left", "left", "right", "left", "right", "right"),
        rows=tuple(rows),
        note=TEMPTATION_NOTE,
    )


def _summary_table(result: RepeatedAnalysis) -> Table:
    rows = []
    for trigger in result.grim_triggers:
        verdict = "-" if trigger.sustained is None else ("yes" if trigger.sustained else "no")
        tone: Tone = "" if trigger.sustained is None else ("good" if trigger.sustained else "bad")
        rows.append(
            (
                Cell.of(trigger.punishment.name),
                Cell.of("yes" if trigger.punishment.credible else "no (a bound)"),
                Cell.of(_delta(trigger.critical_discount)),
                Cell.of(", ".join(trigger.binding) or "nobody"),
                Cell.of(verdict, tone=tone),
            )
        )
    return Table(
        title="Critical discount factor by punishment",
        columns=("punishment", "credible", "δ*", "binds", "sustained at δ"),
        align=("left", "left", "right", "left", "left"),
        rows=tuple(rows),
        note=SUMMARY_NOTE,
    )


def _department_rows(result: RepeatedAnalysis, trigger: GrimTrigger) -> list[tuple[Cell, ...]]:
    rows: list[tuple[Cell, ...]] = []
    needed = trigger.smallest_monitoring
    for i, department in enumerate(result.departments):
        rows.append(
            (
                Cell.of(trigger.punishment.name if i == 0 else ""),
                Cell.of(department),
                Cell.of(_played(trigger, i)),
                Cell.of(words.number(trigger.punishment.payoffs[i])),
                Cell.of(words.number(trigger.losses[i])),
                Cell.of(_delta(trigger.critical_discounts[i]), tone="bad" if department in trigger.binding else ""),
                Cell.of("-" if needed is None else _probability(needed[i])),
            )
        )
    return rows


def _played(trigger: GrimTrigger, i: int) -> str:
    """What is played while department ``i`` is punished, when the punishment's name does not say it already."""
    punishment = trigger.punishment
    if punishment.kind == "stage equilibrium":
        return "(the equilibrium named)"
    if punishment.kind == "worst stage equilibrium":
        return punishment.plays[i].split(": ", 1)[0]
    return punishment.plays[i]


def _punishment_table(result: RepeatedAnalysis) -> Table:
    rows: list[tuple[Cell, ...]] = []
    groups = []
    for trigger in result.grim_triggers:
        groups.append(len(rows))
        rows += _department_rows(result, trigger)
    return Table(
        title="Each department under each punishment",
        columns=("punishment", "department", "played while it is punished", "punished payoff P", "loss L", "δ*", "p*"),
        align=("left", "left", "left", "right", "right", "right", "right"),
        rows=tuple(rows),
        groups=tuple(groups),
        note=PUNISHMENT_NOTE,
    )


def _minmax_table(result: RepeatedAnalysis) -> Table:
    rows = tuple(
        (
            Cell.of(m.department),
            Cell.of(words.number(m.pure)),
            Cell.of(m.pure_punishment),
            Cell.of(words.number(m.mixed)),
            Cell.of(m.mixed_punishment + (" (correlated)" if m.correlated else "")),
        )
        for m in result.minmax
    )
    return Table(
        title="Minmax values: the harshest punishments",
        columns=("department", "pure minmax", "the others play", "mixed minmax", "the others play (mixed)"),
        align=("left", "right", "left", "right", "left"),
        rows=rows,
        note=MINMAX_NOTE,
    )


def _target_in_set_sentence(result: RepeatedAnalysis) -> str | None:
    found = result.payoff_set
    if found is None or found.is_empty:
        return None
    point = tuple(float(t.target_payoff) for t in result.temptations)
    shown = f"({', '.join(words.number(t.target_payoff) for t in result.temptations)})"
    seen = (
        ""
        if all(p == 1 for p in result.monitoring)
        else " when every action is seen (the set assumes perfect monitoring; the analysis above does not)"
    )
    if found.contains(point, which="inner"):
        where = "in the inner polygon: some subgame-perfect equilibrium gives them"
    elif not found.contains(point):
        where = "outside the outer polygon: no subgame-perfect equilibrium gives them"
    else:
        where = "between the two polygons: undecided at this accuracy"
    return f"The target's payoffs {shown} lie {where}{seen}."


def analysis_blocks(result: RepeatedAnalysis) -> list[Block]:
    """The blocks of a repeated-play analysis (see the module docstring)."""
    out: list[Block] = [Heading(text=f"Repeated play: {result.title or 'game'}", level=2)]
    out += paragraphs(_setting_sentence(result))
    good = result.sustained is not False and result.reversion is not None
    out += paragraphs(
        *headline_sentences(result), mark="strong", tone="" if result.sustained is None else ("good" if good else "bad")
    )
    out += paragraphs(_bound_sentence(result))
    out.append(_temptation_table(result))
    out.append(_summary_table(result))
    out.append(_punishment_table(result))
    out.append(_minmax_table(result))
    if result.payoff_set is not None:
        out += payoff_set_blocks(result.payoff_set, level=3)
        out += paragraphs(_target_in_set_sentence(result))
    return out


@register_blocks(RepeatedReport)
def repeated_blocks(report: RepeatedReport) -> list[Block]:
    """The blocks of ``incentives repeated``: the analysis, the relational contract, the notes.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.report.text import render_text
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], players=("sales", "support"),
    ...                             actions=(("share", "hoard"), ("share", "hoard")), title="Dilemma")
    >>> text = " ".join(render_text(repeated_blocks(RepeatedReport(analysis=inc.repeated(pd, target=(0, 0))))).split())
    >>> headline = text[text.index("the target is self-enforcing") :].split(". ")
    >>> headline[0]  # (T - R) / (T - P) for T, R, P = 5, 3, 1
    'the target is self-enforcing for every discount factor from δ* = 0.5 on'
    >>> headline[1]
    'The temptation of sales binds (it sets δ*): deviating once to hoard gains it 2 in that period; support binds too'
    """
    result = report.analysis
    out = analysis_blocks(result)
    if report.contract is not None:
        out += relational_blocks(report.contract, level=3)
    if result.notes:
        out += [Heading(text="Notes", level=3), Bullets.of(*result.notes)]
    return out


@register_blocks(RepeatedAnalysis)
def _analysis_blocks(result: RepeatedAnalysis) -> list[Block]:
    return repeated_blocks(RepeatedReport(analysis=result))


def _trigger(trigger: GrimTrigger, departments: tuple[str, ...]) -> dict[str, Any]:
    needed = trigger.smallest_monitoring
    return {
        "name": trigger.punishment.name,
        "kind": trigger.punishment.kind,
        "credible": trigger.punishment.credible,
        "critical_discount": number(trigger.critical_discount),
        "critical_discount_exact": _exact(trigger.critical_discount),
        "binding": list(trigger.binding),
        "sustained": trigger.sustained,
        "required_monitoring": None if needed is None else optional_number(trigger.required_monitoring),
        "departments": [
            {
                "department": d,
                "plays": trigger.punishment.plays[i],
                "punished_payoff": number(trigger.punishment.payoffs[i]),
                "loss": number(trigger.losses[i]),
                "critical_discount": number(trigger.critical_discounts[i]),
                "smallest_monitoring": None if needed is None else optional_number(needed[i]),
            }
            for i, d in enumerate(departments)
        ],
    }


def _optional(value: Number | None) -> float | None:
    return None if value is None else optional_number(value)


@register_document(RepeatedReport)
def repeated_document(report: RepeatedReport) -> dict[str, Any]:
    """The ``incentives.repeated/1`` document: the analysis, its payoff set and relational contract when there are."""
    result = report.analysis
    reversion = result.reversion
    return {
        "schema": REPEATED_SCHEMA,
        "model": result.title,
        "departments": list(result.departments),
        "target": {
            "profile": dict(zip(result.departments, (t.target_action for t in result.temptations), strict=True)),
            "label": result.target_label,
            "company_value": _optional(result.company_value),
        },
        "discount": _optional(result.discount),
        "monitoring": {d: number(p) for d, p in zip(result.departments, result.monitoring, strict=True)},
        "critical_discount": _optional(result.critical_discount),
        "critical_discount_exact": _exact(result.critical_discount),
        "binding_department": result.binding_department,
        "one_shot_gain": _optional(result.one_shot_gain),
        "sustained": result.sustained,
        "required_monitoring": None if reversion is None else _optional(reversion.required_monitoring),
        "temptations": [
            {
                "department": t.department,
                "target_action": t.target_action,
                "target_payoff": number(t.target_payoff),
                "deviation": t.deviation,
                "deviation_payoff": number(t.deviation_payoff),
                "gain": number(t.gain),
            }
            for t in result.temptations
        ],
        "punishments": [_trigger(t, result.departments) for t in result.grim_triggers],
        "minmax": [
            {
                "department": m.department,
                "pure": number(m.pure),
                "pure_punishment": m.pure_punishment,
                "mixed": number(m.mixed),
                "mixed_punishment": m.mixed_punishment,
                "correlated": m.correlated,
                "exact": m.exact,
            }
            for m in result.minmax
        ],
        "payoff_set": None if result.payoff_set is None else payoff_set_document(result.payoff_set),
        "relational_contract": None if report.contract is None else relational_document(report.contract),
        "notes": list(result.notes),
    }


@register_document(RepeatedAnalysis)
def _analysis_document(result: RepeatedAnalysis) -> dict[str, Any]:
    return repeated_document(RepeatedReport(analysis=result))
