"""Threshold reports and sweep summaries as text for people and JSON for programs.

The JSON layout of a threshold report, schema ``incentives.thresholds/1``, is
documented in the README.  Exact numbers are written as text a person reads back
(``"-29/168"``, ``"sqrt(2)"``) with their decimal value beside them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import sympy

from ._univariate import format_set
from .regions import Phase, Region
from .results import SweepResult
from .thresholds import ThresholdReport

__all__ = ["THRESHOLDS_SCHEMA", "sweep_summary", "thresholds_json", "thresholds_text", "thresholds_to_dict"]

THRESHOLDS_SCHEMA = "incentives.thresholds/1"


def _decimal(value: sympy.Expr) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _region(region: Region) -> dict[str, Any]:
    return {
        "region": region.to_text(),
        "alternatives": [[str(r) for r in alternative] for alternative in region.alternatives],
        "exact": region.exact,
    }


def _phase(name: str, phase: Phase) -> dict[str, Any]:
    return {
        "values": format_set(name, phase.values),
        "equilibria": list(phase.equilibria),
        "optimum": list(phase.optimum),
        "optimum_is_equilibrium": phase.optimum_is_equilibrium,
        "gaming": list(phase.gaming),
    }


def thresholds_to_dict(report: ThresholdReport) -> dict[str, Any]:
    """The report as a JSON-ready document (schema ``incentives.thresholds/1``)."""
    name = report.names[0]
    return {
        "schema": THRESHOLDS_SCHEMA,
        "model": report.title,
        "quantities": list(report.names),
        "base": {k: str(v) for k, v in report.base.items()},
        "domain": {k: format_set(k, v) for k, v in report.domain.items()},
        "exact": report.exact,
        "tolerance": report.tolerance,
        "notes": list(report.notes),
        "phases": [_phase(name, p) for p in report.phases],
        "critical_values": [
            {
                "quantity": c.name,
                "value": str(c.value),
                "decimal": _decimal(c.value),
                "appear": list(c.appear),
                "disappear": list(c.disappear),
                "gaming_starts": list(c.gaming_starts),
                "gaming_stops": list(c.gaming_stops),
                "description": c.describe(),
            }
            for c in report.critical_values
        ],
        "profiles": [{"profile": label, **_region(r)} for label, r in report.profiles.items()],
        "gaming": {d: _region(r) for d, r in report.gaming.items()},
        "optimum": _region(report.optimum),
        "boundaries": [{"equation": str(b.equation), "changes": list(b.changes)} for b in report.boundaries],
    }


def _phase_lines(name: str, phase: Phase) -> list[str]:
    optimum = " | ".join(phase.optimum)
    return [
        f"  {format_set(name, phase.values)}",
        f"      equilibria: {' | '.join(phase.equilibria) or '(no pure equilibrium)'}",
        f"      gaming:     {', '.join(phase.gaming) or 'nobody'}",
        f"      optimum:    {optimum} ({'an' if phase.optimum_is_equilibrium else 'not an'} equilibrium)",
    ]


def thresholds_text(report: ThresholdReport) -> str:
    """The report for people: phases, critical values, then the regions.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.whatif.thresholds import thresholds
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> print(thresholds_text(thresholds(org, ["bonus.support.reopened_tickets"])))
    Thresholds of Growing software company in bonus.support.reopened_tickets (model value: 0)
    Exact: closed-form roots and inequalities.
    <BLANKLINE>
    Phases, as bonus.support.reopened_tickets rises:
      bonus.support.reopened_tickets < -29/168
          equilibria: sales=aggressive, support=thorough, development=rushed, operations=change_freeze
    ...
    Where each department games:
      sales: any bonus.support.reopened_tickets
      support: bonus.support.reopened_tickets > -29/168
    ...
    """
    values = ", ".join(f"{k} (model value: {v})" for k, v in report.base.items())
    lines = [f"Thresholds of {report.title} in {values}"]
    if report.exact:
        lines.append("Exact: closed-form roots and inequalities.")
    else:
        lines.append(f"Partly numeric (tolerance ±{report.tolerance:.1g}): see the notes.")
    if report.phases:
        lines += ["", f"Phases, as {report.names[0]} rises:"]
        for phase in report.phases:
            lines += _phase_lines(report.names[0], phase)
    if report.critical_values:
        lines += ["", "Critical values:"]
        lines += [f"  {c.describe()}" for c in report.critical_values]
    if report.boundaries:
        lines += ["", "Boundaries (a payoff difference is zero there):"]
        for boundary in report.boundaries:
            lines.append(f"  {boundary.equation}")
            lines += [f"      {c}" for c in boundary.changes]
    lines += ["", "Where each profile is an equilibrium:"]
    lines += [f"  {label}: {region}" for label, region in report.profiles.items()]
    lines += ["", "Where each department games:"]
    lines += [f"  {d}: {region}" for d, region in report.gaming.items()]
    lines += ["", f"Where the company optimum is an equilibrium: {report.optimum}"]
    if report.notes:
        lines += ["", "Notes:"] + [f"  - {n}" for n in report.notes]
    return "\n".join(lines) + "\n"


def thresholds_json(report: ThresholdReport) -> str:
    """The report as a JSON document."""
    return json.dumps(thresholds_to_dict(report), indent=2) + "\n"


def _span(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:.4g}" if low == high else f"{low:.4g} .. {high:.4g}"


def sweep_summary(result: SweepResult) -> str:
    """A sweep in a few lines: each set of equilibria found, where, and who games there."""
    head = (
        f"Swept {len(result)} points of {', '.join(result.names)} ({result.points.design.replace('_', '-')}) "
        f"in {result.seconds:.3g} s ({result.points_per_second:.0f} points/s, {result.ran_on})."
    )
    groups: dict[str, list[int]] = defaultdict(list)
    for k, record in enumerate(result.records):
        groups[record["equilibria"]].append(k)
    lines = [head]
    for equilibria, members in groups.items():
        records = [result.records[k] for k in members]
        lines += ["", f"{equilibria}  ({len(members)} points)"]
        for j, name in enumerate(result.names):
            lines.append(f"    {name}: {_span([float(result.points.values[k, j]) for k in members])}")
        anarchy = [r["price_of_anarchy"] for r in records if r["price_of_anarchy"] is not None]
        if anarchy:
            lines.append(f"    price of anarchy: {_span(anarchy)}")
        gaming = [
            f"{d} ({sum(r[f'games.{d}'] for r in records)})"
            for d in result.departments
            if any(r[f"games.{d}"] for r in records)
        ]
        lines.append(f"    games (points): {', '.join(gaming) or 'nobody'}")
    lines += [f"note: {n}" for n in result.notes]
    return "\n".join(lines) + "\n"
