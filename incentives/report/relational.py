"""The report of a relational contract: the largest discretionary bonus the company can credibly promise.

Blocks: the credible budget and where it comes from (the joint surplus the relationship
adds, valued at the discount factor), what each department would gain by leaving the
target under its formal bonuses and the discretionary bonus it therefore needs, and the
verdict with the discount factor from which on the contract holds.  The JSON document is
``incentives.relational-contract/1``.
"""

from __future__ import annotations

import math
from typing import Any

from ..repeated.relational import RelationalContract
from . import words
from .blocks import Block, Cell, Heading, Table, paragraphs
from .dispatch import register_blocks, register_document
from .json import number, optional_number

__all__ = ["RELATIONAL_SCHEMA", "relational_blocks", "relational_document"]

RELATIONAL_SCHEMA = "incentives.relational-contract/1"

NOTE = (
    "one-shot gain: what the department gains in the period it leaves the target, under its formal KPI bonuses and "
    "action costs; seen: the probability that the company sees it; bonus needed: gain / seen, the discretionary "
    "bonus it must stand to lose for leaving not to pay; credible alone: whether that bonus fits the credible budget."
)


def _amount(value: Any) -> str:
    return "none suffices" if isinstance(value, float) and math.isinf(value) else words.number(value)


def _table(contract: RelationalContract) -> Table:
    rows = []
    for t, seen, needed, holds in zip(
        contract.temptations, contract.monitoring, contract.required_bonuses, contract.holds, strict=True
    ):
        deviation = f"{t.deviation} (instead of {t.target_action})" if t.tempted else "(none: the target pays best)"
        rows.append(
            (
                Cell.of(t.department),
                Cell.of(deviation),
                Cell.of(words.number(t.gain)),
                Cell.of(words.number(seen)),
                Cell.of(_amount(needed)),
                Cell.of("yes" if holds else "no", tone="good" if holds else "bad"),
            )
        )
    return Table(
        title="The discretionary bonus each department needs",
        columns=("department", "best deviation", "one-shot gain", "seen", "bonus needed", "credible alone"),
        align=("left", "left", "right", "right", "right", "left"),
        rows=tuple(rows),
        note=NOTE,
    )


def budget_sentence(contract: RelationalContract) -> str:
    """Where the credible budget comes from: the surplus at the target and after reneging, valued at delta."""
    delta = contract.discount
    return (
        f"Joint surplus per period (company value less the departments' action costs; bonuses are transfers): "
        f"{words.number(contract.surplus)} at the target, {words.number(contract.reversion_surplus)} after the company "
        f"reneges and the departments play {contract.reversion}. At discount factor {words.number(delta)} the company "
        f"can credibly promise at most δ / (1 - δ) x (difference) = {words.number(contract.credible_bonus)} "
        "in discretionary bonuses per period in total: promising more, it would gain more by reneging than the "
        "relationship is worth."
    )


def verdict_sentence(contract: RelationalContract) -> str:
    """Whether the bonuses the departments need fit the budget, and from which discount factor on they do."""
    total = _amount(contract.required_total)
    since = (
        "no discount factor makes it credible"
        if contract.critical_discount >= 1
        else f"it holds for every discount factor from {words.number(contract.critical_discount)} on"
    )
    if contract.holds_target:
        return (
            f"Together the departments need {total}, within the budget: the relational contract holds the target "
            f"({since})."
        )
    return (
        f"Together the departments need {total}, more than the budget: the contract cannot hold the target ({since})."
    )


@register_blocks(RelationalContract)
def relational_blocks(contract: RelationalContract, *, level: int = 2) -> list[Block]:
    """The blocks of a relational contract: the credible budget, what each department needs, the verdict.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.repeated import relational_contract
    >>> from incentives.report.text import render_text
    >>> contract = relational_contract(inc.load_model("examples/keeping_close.yaml"), discount=0.5)
    >>> print(render_text(relational_blocks(contract)).splitlines()[0])
    Relational contract at discount factor 0.5
    """
    title = f"Relational contract at discount factor {words.number(contract.discount)}"
    out: list[Block] = [Heading(text=title, level=level)]
    out += paragraphs(f"Target: {contract.target_label}.", budget_sentence(contract))
    out.append(_table(contract))
    out += paragraphs(verdict_sentence(contract), mark="strong", tone="good" if contract.holds_target else "bad")
    return out + paragraphs(*(words.note_sentence(n) for n in contract.notes), tone="warn")


@register_document(RelationalContract)
def relational_document(contract: RelationalContract) -> dict[str, Any]:
    """The ``incentives.relational-contract/1`` document."""
    return {
        "schema": RELATIONAL_SCHEMA,
        "departments": list(contract.departments),
        "target": contract.target_label,
        "discount": number(contract.discount),
        "reversion": contract.reversion,
        "surplus": number(contract.surplus),
        "reversion_surplus": number(contract.reversion_surplus),
        "credible_bonus": number(contract.credible_bonus),
        "required_total": optional_number(contract.required_total),
        "holds_target": contract.holds_target,
        "critical_discount": number(contract.critical_discount),
        "bonuses": [
            {
                "department": t.department,
                "deviation": t.deviation,
                "gain": number(t.gain),
                "monitoring": number(seen),
                "required_bonus": optional_number(needed),
                "holds": holds,
            }
            for t, seen, needed, holds in zip(
                contract.temptations, contract.monitoring, contract.required_bonuses, contract.holds, strict=True
            )
        ],
        "notes": list(contract.notes),
    }
