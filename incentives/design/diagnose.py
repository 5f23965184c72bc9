"""Why no plan can work: the deviations that cannot be deterred, in plain words.

When a design's linear program is infeasible, the conditions are examined in
this order (see :mod:`incentives.design.conditions`):

1. **Each switch alone**, against the bounds only.  The largest loss a switch
   can be made to take is ``-constant + sum_k max(c_k lo_k, c_k hi_k)`` with
   ``c`` its loss coefficients (closed form, no solver).  When that is below the
   margin the switch cannot be deterred by itself: either it changes none of the
   levers the plan may use (all ``c_k = 0``: a department whose switch moves none
   of its allowed KPIs but saves it effort), or the bounds are too tight.
2. **Each department alone**: its switches with its floors and bounds.  Because
   departments share no variable, an infeasible department is a complete reason.
   An *irreducible* infeasible set of its switches is found by a deletion
   filter (remove chunks of rows while the rest stays infeasible, halving the
   chunk down to single rows), after Chinneck & Dravnieks (1991), so every
   switch reported is needed for the conflict.
3. Otherwise the **budget** is the obstacle: the cheapest plan that satisfies
   every department costs more than the limit.

References
----------
J. W. Chinneck and E. W. Dravnieks, "Locating minimal infeasible constraint sets
in linear programs", ORSA Journal on Computing 3(2), 157-168, 1991.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..equilibrium import format_number
from ..tolerance import is_zero, tolerance
from .conditions import DesignSystem, add_deterrence, best_losses
from .linear import Switches, profile_label
from .program import Program

__all__ = ["Obstacle", "explain_infeasible", "irreducible_subset", "possessive"]

#: Most linear programs one department's deletion filter may solve.
MAX_FILTER_SOLVES = 400


@dataclass(frozen=True, kw_only=True)
class Obstacle:
    """One reason no plan works.

    Parameters
    ----------
    kind : str
        ``"untouched"`` (the switch moves nothing the plan may pay on), ``"bounds"``
        (the limits on the plan cap the loss below the margin), ``"together"`` (the
        switches listed for the department cannot all be deterred at once),
        ``"budget"``, or ``"equilibrium"`` (another profile stays an equilibrium).
    department : str or None
    action, deviation : str or None
        The target action and the action switched to.
    context : str
        The other departments' actions where the switch happens.
    gain : float or None
        What the switch gains with the variable part of pay left out.
    message : str
        The reason in plain words.
    """

    kind: str
    department: str | None
    action: str | None
    deviation: str | None
    context: str
    gain: float | None
    message: str


def _fmt(value: float) -> str:
    return format_number(value)


def possessive(name: str) -> str:
    """``"sales'"``, ``"support's"``: a department's name as an owner.

    Examples
    --------
    >>> possessive("operations"), possessive("support")
    ("operations'", "support's")
    """
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _context(system: DesignSystem, switches: Switches, row: int) -> str:
    flat_target = int(np.ravel_multi_index(system.target, system.payoffs.shape))
    if int(switches.origins[row]) == flat_target:
        return "the others at the target"
    return profile_label(system.payoffs, int(switches.origins[row]), skip=switches.player)


def _switch_words(system: DesignSystem, switches: Switches, row: int) -> tuple[str, str, str, str]:
    lin = system.payoffs
    i = switches.player
    origin = np.unravel_index(int(switches.origins[row]), lin.shape)
    dept, frm, to = lin.players[i], lin.actions[i][int(origin[i])], lin.actions[i][int(switches.to[row])]
    return dept, frm, to, _context(system, switches, row)


def _single(system: DesignSystem, switches: Switches, row: int, best: float) -> Obstacle:
    dept, frm, to, context = _switch_words(system, switches, row)
    gain = float(switches.constant[row])
    i = switches.player
    lever = system.levers[i] if i < len(system.levers) else "what the plan may pay it on"
    moved = float(np.max(np.abs(switches.coefficients[row]), initial=0.0))
    untouched = is_zero(moved, scale=system.payoffs.terms[i], rtol=system.tol)  # zero at the scale of i's terms
    if gain > 0:
        fixed = f"it gains {_fmt(gain)} {system.base_meaning}".rstrip()
    elif gain < 0:
        fixed = f"it loses {_fmt(-gain)} {system.base_meaning}".rstrip()
    else:
        fixed = "nothing else changes for it"
    if untouched:
        moves = (
            f"changes none of {lever}"
            if lever
            else f"is not covered: the plan may change nothing in {possessive(dept)} pay"
        )
        message = (
            f"{dept} switching from {frm} to {to} (with {context}) {moves}, and {fixed}; "
            f"so no plan can make the switch cost it at least the margin {_fmt(system.margin)}."
        )
        kind = "untouched"
    else:
        message = (
            f"{dept} switching from {frm} to {to} (with {context}): {fixed}, and within the limits on the plan "
            f"the most the switch can be made to cost it is {_fmt(best)}, less than the margin {_fmt(system.margin)}."
        )
        kind = "bounds"
    return Obstacle(kind=kind, department=dept, action=frm, deviation=to, context=context, gain=gain, message=message)


def irreducible_subset(
    feasible: Callable[[np.ndarray], bool], count: int, *, max_solves: int = MAX_FILTER_SOLVES
) -> list[int]:
    """Positions of an irreducible infeasible subset of ``count`` rows, by a chunked deletion filter.

    ``feasible(positions)`` says whether the rows at those positions (with the
    background conditions) can all hold; the full set must be infeasible.  The
    result is irreducible unless ``max_solves`` ran out first.

    Examples
    --------
    >>> rows = [3, 9, 4, 12]          # x <= 3, x >= 9, x <= 4, x >= 12
    >>> def ok(pos):
    ...     lows = [rows[p] for p in pos if p % 2]
    ...     highs = [rows[p] for p in pos if not p % 2]
    ...     return max(lows, default=-99) <= min(highs, default=99)
    >>> irreducible_subset(lambda pos: ok(list(pos)), 4)
    [2, 3]
    """
    keep = list(range(count))
    chunk = max(1, len(keep) // 2)
    solves = 0
    while True:
        start = 0
        while start < len(keep) and solves < max_solves:
            trial = keep[:start] + keep[start + chunk :]
            solves += 1
            if trial and not feasible(np.array(trial, dtype=np.int64)):
                keep = trial
            else:
                start += chunk
        if chunk == 1 or solves >= max_solves:
            return keep
        chunk = max(1, chunk // 2)


def _department_feasible(system: DesignSystem, i: int, rows: np.ndarray, *, floors: bool = True) -> bool:
    program = Program()
    x = program.add_variables(len(system.payoffs.variables), lower=system.lower, upper=system.upper)
    add_deterrence(program, x, system.deter[i].subset(rows), system.margin)
    for floor in system.floors:
        if floors and floor.player == i:
            program.add_rows(x[floor.columns], floor.coefficients, lower=floor.lower)
    return program.solve().status != "infeasible"


def _together(system: DesignSystem, i: int) -> list[Obstacle]:
    switches = system.deter[i]
    every = np.arange(len(switches))
    if _department_feasible(system, i, every):
        return []
    subset = irreducible_subset(lambda pos: _department_feasible(system, i, every[pos]), len(switches))
    dept = system.payoffs.players[i]
    lever = system.levers[i] if i < len(system.levers) and system.levers[i] else "what it may be paid on"
    floors = sorted({f.meaning for f in system.floors if f.player == i})
    found = [(*_switch_words(system, switches, row)[1:], float(switches.constant[row])) for row in subset]
    switches_text = "; ".join(f"to {to} (with {context})" for _, to, context, _ in found)
    margin = _fmt(system.margin)
    if floors and _department_feasible(system, i, every[subset], floors=False):
        why = (
            f"only a plan that makes its bonus negative somewhere (a fine) would make it lose {margin} by "
            f"switching, and {' and '.join(floors)} forbids that"
        )
    else:
        why = f"within the limits on the weights no plan on {lever} makes every one of these switches lose {margin}"
    message = f"{dept} cannot be held at {found[0][0]}: {why}. The switches: {switches_text}."
    return [
        Obstacle(
            kind="together", department=dept, action=frm, deviation=to, context=context, gain=gain, message=message
        )
        for frm, to, context, gain in found
    ]


def explain_infeasible(
    system: DesignSystem, *, cheapest: Callable[[], float | None] | None = None
) -> tuple[Obstacle, ...]:
    """The reasons no plan satisfies ``system``: single switches, then departments, then the budget.

    ``cheapest`` returns the least budget cost of a plan without the budget limit
    (None when there is none); it is called only when the budget is the obstacle.
    """
    obstacles: list[Obstacle] = []
    tol = tolerance(system.margin, system.tol)
    for i, switches in enumerate(system.deter):
        best = best_losses(switches, system.lower, system.upper)
        alone = [_single(system, switches, int(r), float(best[r])) for r in np.flatnonzero(best < system.margin - tol)]
        obstacles += alone if alone else _together(system, i)
    if obstacles or system.budget is None:
        return tuple(obstacles)
    limit = system.budget[1]
    least = cheapest() if cheapest is not None else None
    more = f" ({_fmt(least)})" if least is not None else ""
    return (
        Obstacle(
            kind="budget",
            department=None,
            action=None,
            deviation=None,
            context="",
            gain=None,
            message=f"every department can be held at the target on its own, but the cheapest plan that holds "
            f"them all pays more at the target{more} than the budget of {_fmt(limit)}.",
        ),
    )
