"""The conditions a design imposes, as one system of linear constraints.

Definitions
-----------
For a target profile ``t`` and a margin ``m``, a *deterrence* condition asks a
switch of department ``i`` from ``t_i`` to ``a`` to lose at least ``m``:
``-g(a | s) >= m`` with ``s_i = t_i`` (see :mod:`incentives.design.linear`).

* **Nash equilibrium with margin** ``m``: every switch at ``s = t``.
* **Dominant strategy**: every switch at every ``s`` with ``s_i = t_i``, whatever
  the others do (``prod_{j != i} n_j`` contexts for each of ``n_i - 1`` actions).

Besides deterrence, a system holds bounds on the variables, *floors* (rows that
keep each department's pay at or above a level, such as limited liability:
the bonus is never negative at any profile) and an optional *budget*: a linear
cost at the target that may not exceed a limit.  Departments share no variable,
so every condition except the budget concerns one department alone; the
diagnosis of infeasibility (:mod:`incentives.design.diagnose`) relies on that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np

from ..errors import DesignError
from ..tolerance import RTOL
from ._checks import check_choice
from .linear import LinearPayoffs, Switches, profiles_where, switch_gains
from .program import Program

__all__ = [
    "CONCEPTS",
    "Concept",
    "DesignSystem",
    "Floor",
    "add_deterrence",
    "add_system",
    "best_losses",
    "deterrence",
    "limited_liability_floors",
]

#: A solution concept a target can be designed to be.
Concept = Literal["nash", "dominant", "unique"]

#: The solution concepts, in order.
CONCEPTS: tuple[Concept, ...] = get_args(Concept)


@dataclass(frozen=True, kw_only=True)
class Floor:
    """Rows ``coefficients @ x[columns] >= lower`` that keep one department's pay at or above a level."""

    player: int
    columns: np.ndarray
    coefficients: np.ndarray
    lower: np.ndarray
    meaning: str


@dataclass(frozen=True, kw_only=True)
class DesignSystem:
    """Everything a plan must satisfy, over the variables of ``payoffs``.

    Parameters
    ----------
    payoffs : LinearPayoffs
    target : tuple of int
    margin : float
    deter : tuple of Switches
        For each department, the switches that must lose at least ``margin``.
    lower, upper : numpy.ndarray
        Bounds of the variables.
    floors : tuple of Floor
    budget : tuple of (numpy.ndarray, float) or None
        Cost vector over the variables and the most it may reach.
    levers : tuple of str
        For each department, plain words for what a plan can change in its pay
        (``"the KPIs it may be paid on (new_customers, company_value)"``).
    base_meaning : str
        Plain words for the fixed part of the payoffs (``"in saved effort"``).
    tol : float
        Relative tolerance at which a gain or loss counts as the margin (see :mod:`incentives.tolerance`).
    """

    payoffs: LinearPayoffs[Any]
    target: tuple[int, ...]
    margin: float
    deter: tuple[Switches, ...]
    lower: np.ndarray
    upper: np.ndarray
    floors: tuple[Floor, ...] = ()
    budget: tuple[np.ndarray, float] | None = None
    levers: tuple[str, ...] = ()
    base_meaning: str = ""
    tol: float = RTOL

    def __post_init__(self) -> None:
        n = len(self.payoffs.variables)
        if self.lower.shape != (n,) or self.upper.shape != (n,):
            raise DesignError(f"bounds must have one entry per variable ({n})")
        bad = np.flatnonzero(self.lower > self.upper)
        if len(bad):
            name = self.payoffs.variables[int(bad[0])]
            raise DesignError(
                f"the bounds of {name} are empty: lower {self.lower[bad[0]]:g} is above upper {self.upper[bad[0]]:g}"
            )


def deterrence(payoffs: LinearPayoffs[Any], target: tuple[int, ...], concept: Concept) -> tuple[Switches, ...]:
    """For each department, the switches away from its target action that a plan must deter.

    ``concept`` is ``"nash"`` (others at the target) or ``"dominant"`` (others anywhere);
    ``"unique"`` deters like ``"nash"`` (its extra conditions are added separately).
    """
    check_choice("concept", concept, CONCEPTS)
    flat_target = int(np.ravel_multi_index(target, payoffs.shape))
    out = []
    for i in range(len(payoffs.players)):
        if concept == "dominant":
            origins = profiles_where(payoffs.shape, i, target[i])
        else:
            origins = np.array([flat_target])
        out.append(switch_gains(payoffs, i, origins))
    return tuple(out)


def add_system(
    program: Program, system: DesignSystem, *, players: tuple[int, ...] | None = None, budget: bool = True
) -> np.ndarray:
    """Add the system's variables and rows (optionally only some departments') to ``program``; return ``x``."""
    x = program.add_variables(len(system.payoffs.variables), lower=system.lower, upper=system.upper)
    chosen = range(len(system.deter)) if players is None else players
    for i in chosen:
        add_deterrence(program, x, system.deter[i], system.margin)
    for floor in system.floors:
        if players is None or floor.player in players:
            program.add_rows(x[floor.columns], floor.coefficients, lower=floor.lower)
    if budget and system.budget is not None:
        costs, limit = system.budget
        program.add_rows(x, costs[None, :], upper=np.array([limit]))
    return x


def add_deterrence(program: Program, x: np.ndarray, switches: Switches, margin: float) -> np.ndarray:
    """Rows ``-(constant + coefficients @ x) >= margin``: each switch loses at least ``margin``."""
    return program.add_rows(x[switches.columns], -switches.coefficients, lower=margin + switches.constant)


def best_losses(switches: Switches, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """The largest loss each switch can be made to take within the bounds alone (``inf`` when unbounded)."""
    coef = -switches.coefficients
    lo, hi = lower[switches.columns], upper[switches.columns]
    with np.errstate(invalid="ignore", over="ignore"):
        best = np.where(coef > 0, coef * hi, np.where(coef < 0, coef * lo, 0.0))
    best = np.where(coef == 0, 0.0, best)
    return -switches.constant + best.sum(axis=1)


def _unique_rows(rows: np.ndarray) -> np.ndarray:
    """The distinct rows (floats: sorted by :func:`numpy.unique`; fractions: in order of first appearance)."""
    if rows.dtype != object:
        return np.unique(rows, axis=0)
    distinct = dict.fromkeys(tuple(row) for row in rows)
    return np.array(list(distinct), dtype=object).reshape(len(distinct), rows.shape[1])


def limited_liability_floors(payoffs: LinearPayoffs[Any], fixed: np.ndarray) -> tuple[Floor, ...]:
    """Rows ``bonus_i(s) >= 0`` at every profile (duplicates removed); ``fixed`` is the bonus no variable moves."""
    floors = []
    for i, (cols, terms) in enumerate(zip(payoffs.owned, payoffs.terms, strict=True)):
        flat = terms.reshape(len(cols), payoffs.n_profiles).T
        rows = _unique_rows(np.column_stack([flat, -fixed[i].reshape(-1)]))
        if len(cols) or any(v > 0 for v in rows[:, -1]):
            floors.append(
                Floor(
                    player=i,
                    columns=cols,
                    coefficients=rows[:, :-1],
                    lower=rows[:, -1],
                    meaning="the rule that a bonus is never negative",
                )
            )
    return tuple(floors)
