"""The report of a set of subgame-perfect equilibrium payoffs of two departments (outer and inner polygons).

Blocks: what the set is and at which discount factor, whether the approximation settled
and how far apart its two polygons are, and for each department the range of its
equilibrium payoffs: the lowest is the harshest credible punishment it can be given, the
highest the best it can be promised.  The JSON document is ``incentives.payoff-set/1``;
it holds the vertices of both polygons.
"""

from __future__ import annotations

import math
from typing import Any

from ..repeated.payoff_set import PayoffSet
from . import words
from .blocks import Block, Cell, Heading, Table, paragraphs
from .dispatch import register_blocks, register_document
from .json import number, optional_number

__all__ = ["PAYOFF_SET_SCHEMA", "payoff_set_blocks", "payoff_set_document", "payoff_set_sentence"]

PAYOFF_SET_SCHEMA = "incentives.payoff-set/1"

NOTE = (
    "Average discounted payoffs. outer: a polygon that contains every payoff pair of a pure-strategy subgame-perfect "
    "equilibrium (with public randomisation); inner: a polygon every point of which is one. The true set lies "
    "between them, so each range in the table is bounded from both sides."
)


def _bounds(low: float, high: float | None) -> str:
    if high is None or not math.isfinite(high):
        return f"at least {words.number(low)}"
    if abs(high - low) <= 1e-9 * max(1.0, abs(low)):
        return words.number(low)
    return f"{words.number(low)} .. {words.number(high)}"


def _ranges(result: PayoffSet) -> Table:
    outer_low, outer_high = result.outer.min(axis=0), result.outer.max(axis=0)
    inner = result.inner if result.inner is not None and len(result.inner) else None
    rows = []
    for i, department in enumerate(result.departments):
        inner_low = None if inner is None else float(inner[:, i].min())
        inner_high = None if inner is None else float(inner[:, i].max())
        worst = _bounds(float(outer_low[i]), inner_low)
        best = "at most " + words.number(outer_high[i]) if inner_high is None else _bounds(inner_high, outer_high[i])
        rows.append((Cell.of(department), Cell.of(worst), Cell.of(best)))
    return Table(
        title="Each department's equilibrium payoffs",
        columns=("department", "lowest (harshest credible punishment)", "highest"),
        align=("left", "right", "right"),
        rows=tuple(rows),
        note=NOTE,
    )


def payoff_set_sentence(result: PayoffSet) -> str:
    """How the set was approximated: polygons, rounds, whether it settled, and the gap between outer and inner."""
    outer, inner_rounds = result.iterations
    rounds = f"{outer} round{'' if outer == 1 else 's'} for the outer polygon, {inner_rounds} for the inner"
    gap = result.gap
    inner = (
        f"the inner polygon ({len(result.inner)} vertices) lies within {gap:.2g} of the outer one in every direction"
        if gap is not None and result.inner is not None
        else "no inner polygon was reached, so no payoff is certified to be an equilibrium one"
    )
    settled = "settled" if result.converged else "did not settle (see the notes)"
    return (
        "Every action is seen (perfect monitoring) and a public lottery may pick the continuation. "
        f"Judd-Yeltekin-Conklin polygons with {result.directions} directions, {rounds}; the levels {settled} to "
        f"{result.tol:.2g}. The outer polygon has {len(result.outer)} vertices; {inner}."
    )


@register_blocks(PayoffSet)
def payoff_set_blocks(result: PayoffSet, *, level: int = 2) -> list[Block]:
    """The blocks of a payoff set: what it is, how well it is approximated, each department's range.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.repeated import equilibrium_payoff_set
    >>> from incentives.report.text import render_text
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], players=("sales", "support"))
    >>> print(render_text(payoff_set_blocks(equilibrium_payoff_set(pd, 0.2))).splitlines()[0])
    Subgame-perfect equilibrium payoffs of sales and support at discount factor 0.2
    """
    first, second = result.departments
    delta = words.number(result.discount)
    title = f"Subgame-perfect equilibrium payoffs of {first} and {second} at discount factor {delta}"
    out: list[Block] = [Heading(text=title, level=level)]
    if result.is_empty:
        out += paragraphs(
            "No pure-strategy subgame-perfect equilibrium exists at this discount factor: the set is empty.",
            tone="warn",
        )
    else:
        out += paragraphs(payoff_set_sentence(result))
        out.append(_ranges(result))
    return out + paragraphs(*(words.note_sentence(n) for n in result.notes), tone="warn")


def _points(points: Any) -> list[list[float]]:
    return [[number(x), number(y)] for x, y in points]


@register_document(PayoffSet)
def payoff_set_document(result: PayoffSet) -> dict[str, Any]:
    """The ``incentives.payoff-set/1`` document: both polygons' vertices and how they were found."""
    worst = result.worst
    return {
        "schema": PAYOFF_SET_SCHEMA,
        "departments": list(result.departments),
        "discount": number(result.discount),
        "empty": result.is_empty,
        "outer": _points(result.outer),
        "inner": None if result.inner is None else _points(result.inner),
        "directions": result.directions,
        "iterations": {"outer": result.iterations[0], "inner": result.iterations[1]},
        "converged": result.converged,
        "tolerance": result.tol,
        "gap": optional_number(result.gap),
        "worst": None
        if worst is None
        else {
            d: {"low": number(low), "high": optional_number(high)}
            for d, (low, high) in zip(result.departments, worst, strict=True)
        },
        "notes": list(result.notes),
    }
