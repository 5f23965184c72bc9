"""The report of an event seen from each department and from the company: who wins, who loses, by how much.

Blocks: the event, whether departments change what they play, the table of wins and
losses (before, immediately after, after reacting), the KPIs at the compared equilibria,
and the story in plain words.  A list of events gives each one's blocks in turn.  JSON:
``incentives.perspectives/1`` for one event, ``incentives.perspectives-list/1`` for a list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..analysis.perspectives import Perspectives
from . import words
from .blocks import Block, Bullets, Cell, Heading, Table, paragraphs
from .dispatch import register_blocks, register_document
from .gaming import VERDICT_TONES
from .json import number, numbers

__all__ = [
    "PERSPECTIVES_LIST_SCHEMA",
    "PERSPECTIVES_SCHEMA",
    "perspectives_blocks",
    "perspectives_document",
    "perspectives_list_document",
]

PERSPECTIVES_SCHEMA = "incentives.perspectives/1"
PERSPECTIVES_LIST_SCHEMA = "incentives.perspectives-list/1"


def view_table(views: Perspectives) -> Table:
    """Win or loss for each department and the company: before, immediately after, after reacting."""
    rows = tuple(
        (
            Cell.of(v.party, mark="strong" if v.party == "company" else ""),
            Cell.of(words.number(v.before)),
            Cell.of(words.number(v.immediate)),
            Cell.of(words.number(v.after)),
            Cell.of(words.signed(v.change)),
            Cell.of(v.verdict, tone=VERDICT_TONES.get(v.verdict, "")),
        )
        for v in views.views
    )
    return Table(
        title=words.VIEW_TITLE,
        columns=words.VIEW_COLUMNS,
        align=("left", "right", "right", "right", "right", "left"),
        rows=rows,
        note=words.VIEW_NOTE,
    )


@register_blocks(Perspectives)
def perspectives_blocks(views: Perspectives) -> list[Block]:
    """The blocks of one event's perspectives.

    Examples
    --------
    >>> import incentives as inc
    >>> views = inc.perspectives(inc.load_model("examples/growing_company.yaml"), "big_contract")
    >>> perspectives_blocks(views)[0].text
    'Event big_contract: customers_per_deal = 300'
    """
    out: list[Block] = [Heading(text=words.event_sentence(views), level=2)]
    out += paragraphs(words.movement_sentence(views), words.selection_sentence(views))
    out.append(view_table(views))
    kpis = tuple(
        (Cell.of(name), Cell.of(words.number(old)), Cell.of(words.number(new)), Cell.of(words.signed(new - old)))
        for name, (old, new) in views.kpis.items()
    )
    out.append(
        Table(title=words.KPI_TITLE, columns=words.KPI_COLUMNS, align=("left", "right", "right", "right"), rows=kpis)
    )
    out.append(Bullets.of(*(words.view_sentence(views.event, v) for v in views.views)))
    return out


@register_document(Perspectives)
def perspectives_document(views: Perspectives) -> dict[str, Any]:
    """The ``incentives.perspectives/1`` document of an event."""
    return {
        "schema": PERSPECTIVES_SCHEMA,
        "event": views.event,
        "changes": numbers(views.changes),
        "selection": views.selection,
        "equilibrium_before": views.before_equilibrium.label,
        "equilibrium_after": views.after_equilibrium.label,
        "views": [
            {
                "party": v.party,
                "before": number(v.before),
                "immediate": number(v.immediate),
                "after": number(v.after),
                "change": number(v.change),
                "verdict": v.verdict,
            }
            for v in views.views
        ],
        "kpis": {k: {"before": number(a), "after": number(b)} for k, (a, b) in views.kpis.items()},
    }


@register_document(list)
@register_document(tuple)
def perspectives_list_document(events: Sequence[Perspectives]) -> dict[str, Any]:
    """The ``incentives.perspectives-list/1`` document of several events (a list is documented only for these).

    Raises
    ------
    TypeError
        If the list is empty or holds anything but Perspectives.
    """
    if not events or not all(isinstance(v, Perspectives) for v in events):
        raise TypeError("a JSON document of a list is for a non-empty list of Perspectives only")
    return {"schema": PERSPECTIVES_LIST_SCHEMA, "events": [perspectives_document(v) for v in events]}
