"""The report of a sweep: each set of equilibria found, over which values, and who games there.

Blocks: how many points of which quantities were solved, where and how fast, and one
row per set of equilibria found (the range of each quantity over its points, the price
of anarchy and the share of the value range lost there, and how many of its points each
department games at).  The JSON
document, ``incentives.sweep/2``, holds every point's record (the columns are described
in :mod:`incentives.whatif.results`); the same table goes to CSV or Parquet with
:meth:`incentives.whatif.SweepResult.save`.  A sweep with repeated play adds a table of
where the target is sustained, with the critical discount factors, the smallest
detection probability and the binding department there, and (for one quantity) between
which swept values the verdict changes.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..whatif.results import SweepResult
from . import words
from .blocks import Align, Block, Cell, Heading, Table, Tone, paragraphs
from .dispatch import register_blocks, register_document

__all__ = ["SWEEP_SCHEMA", "repeated_blocks", "sweep_blocks", "sweep_document"]

SWEEP_SCHEMA = "incentives.sweep/2"
RIGHT: Align = "right"


def _span(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:.4g}" if low == high else f"{low:.4g} .. {high:.4g}"


def _groups(labels: Sequence[Any]) -> dict[Any, list[int]]:
    """The positions of each distinct label, in order of first appearance."""
    groups: dict[Any, list[int]] = defaultdict(list)
    for k, label in enumerate(labels):
        groups[label].append(k)
    return groups


def _columns(result: SweepResult, names: Sequence[str]) -> dict[str, list[Any]]:
    """The record columns the report reads, each read once (a sweep's records are kept as columns)."""
    return {name: result.records.column(name) for name in names}


def _at(column: list[Any], members: list[int]) -> list[Any]:
    return [column[k] for k in members]


def _spans(result: SweepResult, members: list[int]) -> list[str]:
    """The range of each swept quantity over the points ``members``."""
    return [_span(result.points.values[members, j].tolist()) for j in range(len(result.names))]


def _row(
    result: SweepResult, equilibria: str, members: list[int], columns: Mapping[str, list[Any]]
) -> tuple[Cell, ...]:
    games = {d: sum(bool(v) for v in _at(columns[f"games.{d}"], members)) for d in result.departments}
    gaming = [f"{d} ({count})" for d, count in games.items() if count]
    return (
        Cell.of(*_listed(equilibria.split(" | "))),
        Cell.of(str(len(members))),
        *(Cell.of(span) for span in _spans(result, members)),
        Cell.of(_price_span(_at(columns["price_of_anarchy"], members), _at(columns["n_equilibria"], members))),
        Cell.of(_defined_span(_at(columns["value_range_lost_worst"], members))),
        Cell.of(*gaming, tone="bad") if gaming else Cell.of("nobody", tone="good"),
    )


def _listed(labels: list[str]) -> list[str]:
    """The first :data:`words.LISTED_IN_CELL` labels, then how many more (the table and the JSON hold them all)."""
    if len(labels) <= words.LISTED_IN_CELL:
        return labels
    return [
        *labels[: words.LISTED_IN_CELL],
        f"and {len(labels) - words.LISTED_IN_CELL:,} more (the table of points lists them all)",
    ]


def _defined_span(values: list[float | None]) -> str:
    defined = [v for v in values if v is not None]
    return _span(defined) if defined else "-"


def _price_span(prices: list[float | None], equilibria: list[int]) -> str:
    """The range of the price of anarchy, and at how many points it is undefined (an equilibrium but no ratio)."""
    text = _defined_span(prices)
    undefined = sum(price is None and n > 0 for price, n in zip(prices, equilibria, strict=True))
    if not undefined:
        return text
    return f"undefined at {undefined}" if text == "-" else f"{text} (undefined at {undefined})"


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
    games = [f"games.{d}" for d in result.departments]
    columns = _columns(result, ["equilibria", "price_of_anarchy", "n_equilibria", "value_range_lost_worst", *games])
    rows = tuple(_row(result, label, members, columns) for label, members in _groups(columns["equilibria"]).items())
    table = Table(
        title="Equilibria found, where, and who games there",
        columns=(
            "equilibria",
            "points",
            *result.names,
            "price of anarchy",
            "share of the value range lost",
            "games (points)",
        ),
        align=("left", "right", *(RIGHT for _ in result.names), "right", "right", "left"),
        rows=rows,
        note="One row per set of equilibria found: the range of each quantity over its points; the price of "
        "anarchy there (the optimum's company value over the worst equilibrium's, undefined where that is not "
        "positive) and the share of the company's value range lost at the worst equilibrium; and at how many of "
        "its points each department games.",
    )
    out: list[Block] = [Heading(text=f"Sweep of {', '.join(result.names)}", level=2), *paragraphs(head), table]
    if result.repeated is not None:
        out += repeated_blocks(result)
    return out + paragraphs(*(f"Note: {n}" for n in result.notes), tone="warn")


def _settings_sentence(settings: Mapping[str, Any]) -> str:
    def rate(value: Any) -> str:
        if isinstance(value, Mapping):
            return ", ".join(f"{d} {rate(v)}" for d, v in value.items())
        return "not given" if value is None else (value if isinstance(value, str) else f"{value:.6g}")

    return (
        f"The departments play the game every period with discount factor δ = {rate(settings['discount'])} and "
        f"see a deviation with probability p = {rate(settings['monitoring'])}; target: {settings['target']}; "
        f"reversion to the stage equilibrium worst for the deviator, found by the method {settings['equilibria']}."
    )


#: The record columns of repeated play that the report reads.
_REPEATED = (
    "sustained",
    "binding_department",
    "contract_holds",
    "discount",
    "critical_discount_reversion",
    "critical_discount_minmax",
    "smallest_monitoring",
    "credible_bonus",
    "bonus_needed",
)


def _verdict(sustained: bool | None) -> str:
    if sustained is None:
        return "-"
    return "sustained" if sustained else "not sustained"


def _repeated_row(
    result: SweepResult, key: tuple[str, str], members: list[int], columns: Mapping[str, list[Any]]
) -> tuple[Cell, ...]:
    def column(name: str) -> str:
        values = [v for v in _at(columns[name], members) if v is not None]
        return _span(values) if values else "-"

    verdict, binding = key
    tone: Tone = "" if verdict == "-" else ("good" if verdict == "sustained" else "bad")
    return (
        Cell.of(verdict, tone=tone),
        Cell.of(binding),
        Cell.of(str(len(members))),
        *(Cell.of(span) for span in _spans(result, members)),
        Cell.of(column("discount")),
        Cell.of(column("critical_discount_reversion")),
        Cell.of(column("critical_discount_minmax")),
        Cell.of(column("smallest_monitoring")),
        Cell.of(column("credible_bonus")),
        Cell.of(column("bonus_needed")),
    )


def _changes(result: SweepResult, sustained: list[bool | None]) -> list[str]:
    """For one quantity: between which swept values the verdict changes, in increasing order."""
    if len(result.names) != 1:
        return []
    name = result.names[0]
    order = np.argsort(result.points.values[:, 0], kind="stable")
    out = []
    for a, b in itertools.pairwise(order.tolist()):
        before, after = sustained[a], sustained[b]
        if before is not None and after is not None and before != after:
            x, y = float(result.points.values[a, 0]), float(result.points.values[b, 0])
            what = "stops being sustained" if before else "becomes sustained"
            out.append(f"Between {name} = {x:.6g} and {y:.6g} the target {what}.")
    return out


def repeated_blocks(result: SweepResult) -> list[Block]:
    """The repeated-play part of a sweep's report: where the target is sustained, δ* and p* there, who binds."""
    assert result.repeated is not None
    columns = _columns(result, _REPEATED)
    keys = [
        (_verdict(sustained), binding or "nobody")
        for sustained, binding in zip(columns["sustained"], columns["binding_department"], strict=True)
    ]
    rows = tuple(_repeated_row(result, key, members, columns) for key, members in _groups(keys).items())
    table = Table(
        title="Repeated play: where the target is sustained",
        columns=(
            "target",
            "binds",
            "points",
            *result.names,
            "δ",
            "δ* reversion",
            "δ* minmax",
            "p*",
            "credible bonus",
            "bonus needed",
        ),
        align=("left", "left", "right", *(RIGHT for _ in result.names), *(RIGHT for _ in range(6))),
        rows=rows,
        note="One row per verdict and binding department: the range of each quantity over its points, the discount "
        "factor δ there, the critical discount factor δ* with reversion to the worst stage equilibrium and with pure "
        "minmax (the target is sustained where δ >= δ*), and the smallest detection probability p* that sustains "
        "it at δ (above 1: none is enough); credible bonus: the largest discretionary bonus per period the company "
        "can credibly promise at δ, bonus needed: what would hold every department at the target on its own (the "
        "relational contract holds where it is at most the credible bonus).",
    )
    held = sum(bool(v) for v in columns["sustained"])
    verdicts = (
        []
        if result.repeated.get("discount") is None
        else [
            f"The target is sustained at {held} of {_points(len(result))}.",
            _contract_sentence(result, columns["contract_holds"]),
        ]
    )
    return [
        Heading(text="Repeated play", level=3),
        *paragraphs(_settings_sentence(result.repeated), *verdicts, *_changes(result, columns["sustained"])),
        table,
    ]


def _points(n: int) -> str:
    return f"{n} point{'' if n == 1 else 's'}"


def _contract_sentence(result: SweepResult, contract_holds: list[Any]) -> str:
    holds = sum(bool(v) for v in contract_holds)
    where = "every point" if holds == len(result) else f"{holds} of {_points(len(result))}"
    return (
        f"A relational contract (discretionary bonuses the company keeps paying because the relationship is worth "
        f"more) holds the target at {where}."
    )


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@register_document(SweepResult)
def sweep_document(result: SweepResult) -> dict[str, Any]:
    """The ``incentives.sweep/2`` document: the sweep's settings and every point's record."""
    return {
        "schema": SWEEP_SCHEMA,
        "quantities": list(result.names),
        "design": result.points.design,
        "departments": list(result.departments),
        "method": result.method,
        "seconds": result.seconds,
        "notes": list(result.notes),
        "repeated": None if result.repeated is None else dict(result.repeated),
        "points": [{k: _plain(v) for k, v in r.items()} for r in result.records],
    }
