"""The words of a designed plan's terms: their weights, why each is there, what is flagged, what was left out.

Every number a sentence states is the number that was checked: weights exactly as
written (fractions where they are not short decimals), lower bounds rounded *down* and
upper bounds rounded *up* when they must be shortened, so that "loses at least 1" is
never said of a margin of 0.9999994.  A sentence about a quantity is only produced
when that quantity is not zero.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from ..design.alignment import LeftOut
from ..design.diagnose import possessive
from ..design.plan import Design
from ..design.reasons import FlaggedTerm, TermReason
from ..design.rounding import Guarantees
from ..equilibrium import format_number
from ..model import COMPANY_VALUE
from .blocks import Block, Bullets, paragraphs

__all__ = [
    "at_least",
    "at_most",
    "flag_sentence",
    "guarantee_sentences",
    "left_out_blocks",
    "nearest",
    "reason_sentence",
    "signed_term_text",
    "term_blocks",
    "term_text",
    "weight_text",
]

#: Largest denominator shown as a fraction; beyond it an exact number is shown to six figures, marked "about".
SHOWN_DENOMINATOR = 10_000


def _exact(value: Fraction) -> str:
    """A fraction exactly: its decimal when that has at most six places (``0.005``, ``-1``), else ``p/q``.

    Unlike :func:`~incentives.equilibrium.format_number`, which rounds a fraction with large parts
    to three decimals for reading, this never rounds: a weight or a bound is shown as checked.

    Examples
    --------
    >>> _exact(Fraction(1, 200)), _exact(Fraction(-1)), _exact(Fraction(25, 192))
    ('0.005', '-1', '25/192')
    """
    scaled = value * 10**6
    if scaled.denominator != 1:
        return str(value)
    if value.denominator == 1:
        return str(value.numerator)
    whole, rest = divmod(abs(scaled.numerator), 10**6)
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}.{rest:06d}".rstrip("0")


def weight_text(value: Any) -> str:
    """A weight as written: a short decimal or a fraction when exact (``0.5``, ``25/688``), else six figures.

    Examples
    --------
    >>> from fractions import Fraction
    >>> weight_text(Fraction(1, 2)), weight_text(Fraction(25, 688)), weight_text(1 / 27.52), weight_text(-1.0)
    ('0.5', '25/688', '0.0363372', '-1')
    """
    if isinstance(value, Fraction):
        text = _exact(value)
        if "/" not in text or value.denominator <= SHOWN_DENOMINATOR:
            return text
        return f"about {float(value):.6g}"
    return f"{float(value):.6g}"


def _rounded(value: Any, direction: int) -> str:
    """``value`` in a few figures, rounded toward ``direction`` (-1: down, 1: up, 0: nearest) unless it is short.

    Three decimals (three significant figures below 0.001); a fraction with a denominator up to
    1000 is shown as it is.
    """
    exact = value if isinstance(value, Fraction) else Fraction(float(value))
    if exact.denominator <= 1000 or exact == 0:
        return _exact(exact)
    size = abs(float(exact))
    decimals = 3 if size >= 0.001 else 2 - math.floor(math.log10(size))
    step = Fraction(1, 10**decimals)
    units = exact / step
    whole = math.floor(units) if direction < 0 else math.ceil(units) if direction > 0 else round(units)
    bound = whole * step
    return _exact(bound) if decimals <= 6 else f"{float(bound):.3g}"


def at_least(value: Any) -> str:
    """A lower bound in few figures, never above the value (``0.9999994`` reads ``0.999``).

    Examples
    --------
    >>> from fractions import Fraction
    >>> at_least(0.9999994), at_least(Fraction(1)), at_least(Fraction(25, 101)), at_least(2 / 3)
    ('0.999', '1', '25/101', '0.666')
    """
    return _rounded(value, -1)


def nearest(value: Any) -> str:
    """A number in few figures, rounded to the nearest (exact fractions with large denominators included).

    Examples
    --------
    >>> from fractions import Fraction
    >>> nearest(Fraction(1409686657, 271003200)), nearest(Fraction(2716, 25))
    ('5.202', '108.64')
    """
    return _rounded(value, 0)


def at_most(value: Any) -> str:
    """An upper bound in few figures, never below the value (``82.58382`` reads ``82.584``).

    Examples
    --------
    >>> at_most(82.58382336), at_most(2 / 3)
    ('82.584', '0.667')
    """
    return _rounded(value, 1)


def term_text(key: str, weight: Any) -> str:
    """``"25/688 x company value (a 3.634% share)"``, ``"0.5 x roadmap_features_live"`` (sign left out).

    Examples
    --------
    >>> from fractions import Fraction
    >>> term_text("company_value", Fraction(25, 688)), term_text("uptime", Fraction(-1, 2))
    ('25/688 x company value (a 3.634% share)', '0.5 x uptime')
    """
    size = abs(weight)
    if key == COMPANY_VALUE:
        return f"{weight_text(size)} x company value (a {float(size):.3%} share)"
    return f"{weight_text(size)} x {key}"


def signed_term_text(key: str, weight: Any) -> str:
    """A term with its sign: ``"-0.5 x uptime"``, ``"about -0.00361926 x new_customers"``.

    Examples
    --------
    >>> from fractions import Fraction
    >>> signed_term_text("uptime", Fraction(-1, 2)), signed_term_text("tickets", Fraction(-1, 276301))
    ('-0.5 x uptime', 'about -3.61924e-06 x tickets')
    """
    text = term_text(key, weight)
    if weight >= 0:
        return text
    return f"about -{text.removeprefix('about ')}" if text.startswith("about ") else f"-{text}"


def reason_sentence(reason: TermReason, *, concept: str = "nash", objective: str = "cost") -> str:
    """Why a term is in the plan: the switches it deters, and by how much, in words.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from incentives.design.reasons import SwitchShare
    >>> from incentives.design.terms import Term
    >>> share = SwitchShare(department="support", action="thorough", switch_to="fast_close",
    ...                     context="the others at the target", share=Fraction(3, 2), loss=Fraction(1))
    >>> print(reason_sentence(TermReason(term=Term("support", "company_value"), weight=Fraction(25, 192),
    ...                                  switches=(share,))))
    support: 25/192 x company value (a 13.021% share) deters support switching from thorough to fast_close: it makes
    that switch cost support 1.5; with everything else the switch changes for it, it costs 1 in all.
    """
    dept = reason.term.department
    head = f"{dept}: {signed_term_text(reason.term.kpi, reason.weight)}"
    deters = reason.deters
    parts = []
    for s in deters:
        where = "" if s.context == "the others at the target" else f" (where it loses least: with {s.context})"
        text = f"{dept} switching from {s.action} to {s.switch_to}{where}: it makes that switch cost {dept} " + (
            format_number(s.share)
        )
        if s.loss != s.share:
            text += f"; with everything else the switch changes for it, it costs {at_least(s.loss)} in all"
        parts.append(text)
    helps = [s for s in reason.switches if s.share < 0]
    out = f"{head} deters " + "; and ".join(parts) if parts else f"{head} deters no switch of {dept} by itself"
    if helps:
        others = ", ".join(f"{s.switch_to} ({format_number(-s.share)})" for s in helps)
        out += f". It makes switching to {others} pay more, which the rest of its plan outweighs"
    if reason.liability:
        out += (
            f"{'. It also' if parts or helps else ': it'} keeps {possessive(dept)} bonus from being negative "
            "somewhere (without it some profile would fine the department)"
        )
    elif not parts and not helps:
        if reason.current:
            out += (
                ": it is the current plan's weight, kept because dropping it would make the plan no better "
                "(of equally good plans, the one closest to the current plan is chosen)"
            )
        elif concept == "unique":
            out += ": it is there to break another equilibrium"
    return out + "."


def flag_sentence(flag: FlaggedTerm) -> str:
    """A flagged term: what it pays for that the company wants less of, and why it is there anyway."""
    return (
        f"Flagged: {possessive(flag.term.department)} {signed_term_text(flag.term.kpi, flag.weight)} pays for "
        f"something the company wants less of: {flag.evidence} ({flag.allowed})."
    )


def left_out_blocks(left_out: tuple[LeftOut, ...]) -> list[Block]:
    """The KPIs a design left out because paying on them pulls against company value, once each, with why."""
    if not left_out:
        return []
    by_kpi: dict[tuple[str, str], str] = {}
    for item in left_out:
        by_kpi.setdefault((item.term.kpi, item.sign), item.evidence)
    items = [
        f"{'a negative weight on ' if sign == 'negative' else ''}{kpi}: {evidence}."
        for (kpi, sign), evidence in by_kpi.items()
    ]
    lead = paragraphs(
        "Left out: by default a plan pays only on shares of company value and on KPIs that never pull against "
        "company value for a switch the design must deter, whoever makes it (a term that rises when another "
        "department games would pay for that gaming). These pull against it; allow one by name (--allow DEPT:KPI, "
        "allow=['DEPT:KPI']) to use it anyway, and it is flagged:"
    )
    return [*lead, Bullets.of(*items)]


def guarantee_sentences(guarantees: Guarantees | None) -> list[str]:
    """What the plan's exact weights were checked to do, in words (nothing when there is no check)."""
    if guarantees is None:
        return []
    how = "exactly (in fractions)" if guarantees.exact else "in floating point"
    lines = []
    if guarantees.margin is not None:
        verb = "loses at least" if guarantees.holds_margin else "loses only"
        lines.append(
            f"Checked {how} on the weights as written: every switch the plan must deter {verb} "
            f"{at_least(guarantees.margin)} (asked: {format_number(guarantees.margin_asked)})."
        )
    if guarantees.least_bonus is not None:
        if guarantees.holds_liability:
            lines.append(
                f"No department's bonus is negative at any profile (the least is {at_least(guarantees.least_bonus)})."
            )
        else:
            lines.append(f"Some department's bonus falls to {format_number(guarantees.least_bonus)}: a fine.")
    if guarantees.budget is not None and guarantees.cost is not None:
        within = "within" if guarantees.holds_budget else "above"
        lines.append(f"It pays {at_most(guarantees.cost)} at the target, {within} the budget of {guarantees.budget:g}.")
    return lines


def term_blocks(result: Design) -> list[Block]:
    """Why each term of a found plan is there, the flags, and what was checked on its weights."""
    out: list[Block] = []
    if result.reasons:
        out += paragraphs("Why each term is there:")
        words = (reason_sentence(r, concept=result.concept, objective=result.objective) for r in result.reasons)
        out.append(Bullets.of(*words))
    out += paragraphs(*(flag_sentence(f) for f in result.flagged), tone="bad", mark="strong")
    out += paragraphs(*guarantee_sentences(result.guarantees))
    return out
