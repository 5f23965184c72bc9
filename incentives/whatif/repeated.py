"""Repeated play at every point of a sweep: critical discount factors and monitoring, one chunk at a time.

A sweep asked for them (:func:`incentives.whatif.sweep` with ``repeated=``) adds, to every
point's record, what :func:`incentives.repeated.critical_discounts` finds for the whole
chunk of points at once (vectorised; never one :func:`incentives.repeated` per point).
The target is each point's company optimum (the ``optimum`` column) unless one is given,
and the discount factor and the detection probabilities are numbers or formulas of the
model's parameters and KPIs, by default those of the model's ``repeated`` section.

Columns
-------
* ``discount``: the discount factor at the point (None without one);
* ``critical_discount_reversion``: the organisation's critical discount factor ``δ*`` with
  reversion to the stage equilibrium worst for the deviator (None where no stage
  equilibrium was found);
* ``critical_discount_minmax``: the same with the pure minmax punishment, the bound of
  pure punishments;
* ``binding_department``: the department whose temptation sets ``δ*`` by reversion (None
  when nobody is tempted), and ``one_shot_gain``, what it gains by deviating once;
* ``smallest_monitoring``: at the discount factor, the smallest detection probability
  that keeps every department at the target with reversion (``p*``; above 1: none is
  enough; None without a discount factor, or when no probability helps);
* ``sustained``: whether reversion sustains the target at the discount factor (None
  without one);
* ``credible_bonus``: the relational contract's budget, the largest discretionary bonus
  per period the company can credibly promise at the discount factor (None without one,
  or where no stage equilibrium was found); ``bonus_needed``: the discretionary bonuses
  that would hold every department at the target on their own (None: infinite, a
  department that gains is never seen); ``contract_holds``: whether they fit the budget
  (see :mod:`incentives.repeated.relational`);
* for each department, ``critical_discount.DEPT`` (by reversion), ``monitoring.DEPT`` (its
  detection probability) and ``smallest_monitoring.DEPT``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..evaluated import EvaluatedModel
from ..model import Organization
from ..repeated import CriticalDiscounts, Rate, Target, critical_discounts, play_defaults

__all__ = ["REPEATED_COLUMNS", "RepeatedColumns", "repeated_notes", "repeated_records"]

#: The columns a sweep with repeated play adds (besides the per-department ones), in order.
REPEATED_COLUMNS = (
    "discount",
    "critical_discount_reversion",
    "critical_discount_minmax",
    "binding_department",
    "one_shot_gain",
    "smallest_monitoring",
    "sustained",
    "credible_bonus",
    "bonus_needed",
    "contract_holds",
)


@dataclass(frozen=True, kw_only=True)
class RepeatedColumns:
    """What a sweep computes for repeated play (see the module docstring for the columns).

    Parameters
    ----------
    discount : number or str, optional
        The discount factor, or a formula of parameters and KPIs (default: the model's).
    monitoring : number, str or mapping of str to number or str, optional
        The detection probability, for all or per department (default: the model's, else 1).
    target : mapping of str to str, optional
        The profile to sustain (default: each point's company optimum).
    equilibria : str
        How the stage equilibria reverted to are found: ``"pure"`` (vectorised over the
        chunk) or a solver method (each distinct stage game solved once).

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.whatif import sweep
    >>> org = inc.load_model("examples/keeping_close.yaml")
    >>> result = sweep(org, {"headcount": [20, 60, 100]}, repeated=RepeatedColumns(), progress=False)
    >>> result.column("sustained"), result.column("binding_department")
    ([True, False, False], ['sales', 'sales', 'sales'])
    """

    discount: Rate | None = None
    monitoring: Rate | Mapping[str, Rate] | None = None
    target: Target = None
    equilibria: str = "pure"

    def settings(self, org: Organization) -> dict[str, Any]:
        """The settings as plain data (numbers and formula text), rates left out taken from ``org``'s section.

        Examples
        --------
        >>> import incentives as inc
        >>> RepeatedColumns(monitoring=0.5).settings(inc.load_model("examples/keeping_close.yaml"))["discount"]
        'quarterly_discount/(headcount/regroup_scale + 1)'
        """
        rates = play_defaults(org, self.discount, self.monitoring)
        monitoring = rates.monitoring
        return {
            "discount": _plain(rates.discount),
            "monitoring": {k: _plain(v) for k, v in monitoring.items()}
            if isinstance(monitoring, Mapping)
            else _plain(monitoring),
            "target": "the company optimum at each point" if self.target is None else _target_text(self.target),
            "equilibria": self.equilibria,
        }


def _plain(value: Any) -> float | str | None:
    return value if value is None or isinstance(value, str) else float(value)


def _target_text(target: Target) -> str:
    if isinstance(target, Mapping):
        return ", ".join(f"{k}={v}" for k, v in target.items())
    return ", ".join(str(t) for t in target or ())


def _value(x: Any) -> float | None:
    value = float(x)
    return value if math.isfinite(value) else None


def _records(found: CriticalDiscounts) -> list[dict[str, Any]]:
    departments = found.departments
    needed = found.smallest_monitoring
    sustained = found.sustained
    organisation = found.organisation_by_reversion
    minmax = found.organisation_by_minmax
    binding = found.binding
    credible, bonus_needed, holds = found.credible_bonus, found.bonus_needed, found.contract_holds
    records = []
    for k in range(found.targets.shape[0]):
        who = int(binding[k])
        record: dict[str, Any] = {
            "discount": None if found.discount is None else float(found.discount[k]),
            "critical_discount_reversion": _value(organisation[k]),
            "critical_discount_minmax": _value(minmax[k]),
            "binding_department": departments[who] if who >= 0 else None,
            "one_shot_gain": float(found.gains[k, who]) if who >= 0 else None,
            "smallest_monitoring": None if needed is None else _value(needed[k].max()),
            "sustained": None if sustained is None else bool(sustained[k]),
            "credible_bonus": None if credible is None else _value(credible[k]),
            "bonus_needed": _value(bonus_needed[k]),
            "contract_holds": None if holds is None else bool(holds[k]),
        }
        for i, dept in enumerate(departments):
            record[f"critical_discount.{dept}"] = _value(found.by_reversion[k, i])
        for i, dept in enumerate(departments):
            record[f"monitoring.{dept}"] = float(found.monitoring[k, i])
        for i, dept in enumerate(departments):
            record[f"smallest_monitoring.{dept}"] = None if needed is None else _value(needed[k, i])
        records.append(record)
    return records


def repeated_records(
    batch: EvaluatedModel, columns: RepeatedColumns, *, max_seconds: float | None = 60.0
) -> list[dict[str, Any]]:
    """The repeated-play columns of every point of a batch, from one call of :func:`critical_discounts`.

    Examples
    --------
    >>> import numpy as np
    >>> import incentives as inc
    >>> from incentives.build import compile_model
    >>> org = inc.load_model("examples/keeping_close.yaml")
    >>> batch = compile_model(org, ["headcount"]).evaluate(np.array([[59.0], [60.0]]))
    >>> [r["sustained"] for r in repeated_records(batch, RepeatedColumns())]  # the collapse, between 59 and 60
    [True, False]
    """
    found = critical_discounts(
        batch,
        discount=columns.discount,
        monitoring=columns.monitoring,
        target=columns.target,
        equilibria=columns.equilibria,
        max_seconds=max_seconds,
    )
    return _records(found)


def repeated_notes(columns: RepeatedColumns, reversion: Sequence[float | None]) -> list[str]:
    """Plain-words remarks on the repeated-play columns of a finished sweep (``reversion``: its column
    ``critical_discount_reversion``)."""
    out = []
    if columns.equilibria == "pure":
        out.append(
            "repeated play: reversion is to pure stage equilibria only (the reversion method 'all' searches mixed "
            "ones too)"
        )
    missing = sum(value is None for value in reversion)
    if missing:
        out.append(
            f"repeated play: no stage equilibrium to revert to at {missing} point{'' if missing == 1 else 's'}; "
            "critical_discount_reversion "
            "is empty there"
        )
    return out
