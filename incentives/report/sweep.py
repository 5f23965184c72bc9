"""The report of a sweep: each set of equilibria found, over which values, and who games there.

Blocks: how many points of which quantities were solved, where and how fast, and one
row per set of equilibria found (the range of each quantity over its points, the price
of anarchy there, and how many of its points each department games at).  The JSON
document, ``incentives.sweep/1``, holds every point's record (the columns are described
in :mod:`incentives.whatif.results`); the same table goes to CSV or Parquet with
:meth:`incentives.whatif.SweepResult.save`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import numpy as np

from ..whatif.results import SweepResult
from .blocks import Align, Block, Cell, Heading, Table, paragraphs
from .dispatch import register_blocks, register_document

__all__ = ["SWEEP_SCHEMA", "sweep_blocks", "sweep_document"]

SWEEP_SCHEMA = "incentives.sweep/1"
RIGHT: Align = "right"


def _span(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:.4g}" if low == high else f"{low:.4g} .. {high:.4g}"


def _groups(result: SweepResult) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for k, record in enumerate(result.records):
        groups[record["equilibria"]].append(k)
    return groups


def _row(result: SweepResult, equilibria: str, members: list[int]) -> tuple[Cell, ...]:
    records = [result.records[k] for k in members]
    spans = [_span([float(result.points.values[k, j]) for k in members]) for j in range(len(result.names))]
    anarchy = [r["price_of_anarchy"] for r in records if r["price_of_anarchy"] is not None]
    gaming = [
        f"{d} ({sum(bool(r[f'games.{d}']) for r in records)})"
        for d in result.departments
        if any(r[f"games.{d}"] for r in records)
    ]
    return (
        Cell.of(*equilibria.split(" | ")),
        Cell.of(str(len(members))),
        *(Cell.of(span) for span in spans),
        Cell.of(_span(anarchy) if anarchy else "-"),
        Cell.of(*gaming, tone="bad") if gaming else Cell.of("nobody", tone="good"),
    )


@register_blocks(SweepResult)
def sweep_blocks(result: SweepResult) -> list[Block]:
    """The blocks of a sweep: one row per set of equilibria found, where, and who games there.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.report.text import render_text
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> result = inc.sweep(org, {"customers_per_deal": [10, 50, 100, 500]}, progress=False)
    >>> print(render_text(sweep_blocks(result)).splitlines()[0])
    Sweep of customers_per_deal
    """
    design = result.points.design.replace("_", "-")
    head = (
        f"Swept {len(result)} points of {', '.join(result.names)} ({design}) in {result.seconds:.3g} s "
        f"({result.points_per_second:.0f} points/s, {result.ran_on}); method {result.method}."
    )
    rows = tuple(_row(result, equilibria, members) for equilibria, members in _groups(result).items())
    table = Table(
        title="Equilibria found, where, and who games there",
        columns=("equilibria", "points", *result.names, "price of anarchy", "games (points)"),
        align=("left", "right", *(RIGHT for _ in result.names), "right", "left"),
        rows=rows,
        note="One row per set of equilibria found: the range of each quantity over its points, the price of "
        "anarchy there, and at how many of its points each department games.",
    )
    out: list[Block] = [Heading(text=f"Sweep of {', '.join(result.names)}", level=2), *paragraphs(head), table]
    return out + paragraphs(*(f"Note: {n}" for n in result.notes), tone="warn")


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@register_document(SweepResult)
def sweep_document(result: SweepResult) -> dict[str, Any]:
    """The ``incentives.sweep/1`` document: the sweep's settings and every point's record."""
    return {
        "schema": SWEEP_SCHEMA,
        "quantities": list(result.names),
        "design": result.points.design,
        "departments": list(result.departments),
        "method": result.method,
        "seconds": result.seconds,
        "notes": list(result.notes),
        "points": [{k: _plain(v) for k, v in r.items()} for r in result.records],
    }
