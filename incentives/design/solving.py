"""Solving a design's program: two objectives in order, and solutions tidied of solver noise.

A design minimises a primary objective (bonus paid at the target, or change from
the current plan) and breaks ties with a secondary one: the secondary objective
is minimised over the solutions whose primary objective is the optimum within
the relative tolerance ``tol`` (:func:`incentives.tolerance.tolerance`).  HiGHS
returns weights accurate to its feasibility tolerance, so a solution can carry
terms of ``1e-8``; :func:`polished` solves again with such negligible weights
fixed at zero when that costs nothing, so plans list only the terms that matter.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..tolerance import RTOL, tolerance
from .program import Program, ProgramResult

__all__ = ["NEGLIGIBLE_PAY", "SOLVER_ACCURACY", "add_distance", "polished", "solve_lexicographic"]

#: A weight whose largest pay (``|weight| x max |KPI|``) is at most this fraction of ``max(1, margin)`` is a
#: candidate for solver noise: :func:`polished` tries the plan with it fixed at zero.  Not a tolerance on
#: the result: the plan without it is kept only if it costs nothing more.
NEGLIGIBLE_PAY = 1e-4

#: Relative accuracy of a HiGHS objective value (its primal and dual feasibility tolerances are 1e-7):
#: a polished plan whose objective is within this of the first one "costs nothing more".
SOLVER_ACCURACY = 1e-6

#: A function that builds a design's program: ``(program, x, primary objective, secondary objective)``.
Builder = Callable[[], tuple[Program, np.ndarray, np.ndarray, np.ndarray]]


def solve_lexicographic(
    program: Program, primary: np.ndarray, secondary: np.ndarray, time_limit: float, *, tol: float = RTOL
) -> ProgramResult:
    """Minimise ``primary``, then ``secondary`` among the solutions whose ``primary`` is optimal within ``tol``.

    Examples
    --------
    >>> p = Program()
    >>> x = p.add_variables(2, lower=0.0)
    >>> _ = p.add_rows(x, np.array([[1.0, 1.0]]), lower=np.array([2.0]))
    >>> result = solve_lexicographic(p, np.zeros(2), np.array([1.0, 3.0]), time_limit=10)
    >>> result.x.tolist(), result.objective
    ([2.0, 0.0], 0.0)
    """
    program.objective = primary
    first = program.solve(time_limit=time_limit)
    if first.status != "optimal" or first.x is None or first.objective is None or not first.proven:
        return first
    best = first.objective
    program.add_rows(np.arange(program.n_variables), primary[None, :], upper=best + tolerance(best, tol))
    program.objective = secondary
    second = program.solve(time_limit=time_limit)
    if second.status != "optimal" or second.x is None:
        return first
    return ProgramResult(status="optimal", x=second.x, objective=best, message=second.message, proven=first.proven)


def _negligible(program: Program, x: np.ndarray, values: np.ndarray, scale: np.ndarray, margin: float) -> np.ndarray:
    """The weights small enough to be solver noise, which a bound lets be zero."""
    lower, upper = np.asarray(program.lower)[x], np.asarray(program.upper)[x]
    tiny = (np.abs(values) * scale <= NEGLIGIBLE_PAY * max(1.0, margin)) & (values != 0)
    return tiny & (lower <= 0) & (upper >= 0)


def polished(
    build: Builder,
    result: ProgramResult,
    scale: np.ndarray,
    margin: float,
    time_limit: float,
    *,
    tol: float = RTOL,
) -> ProgramResult:
    """Solve again with negligible weights (solver noise) fixed at zero, when that costs nothing.

    ``build`` makes a fresh program; ``scale`` is the largest ``|KPI|`` of each weight's term.
    A weight is negligible when its largest pay is at most ``NEGLIGIBLE_PAY * max(1, margin)``;
    the program is solved again with the negligible weights at zero (at most three rounds), and
    the new solution kept only if its objective is the same within ``SOLVER_ACCURACY``.

    Examples
    --------
    >>> def build():
    ...     p = Program()
    ...     x = p.add_variables(2, lower=0.0)
    ...     _ = p.add_rows(x, np.array([[1.0, 1.0]]), lower=np.array([1.0]))
    ...     return p, x, np.array([1.0, 1.0]), np.zeros(2)
    >>> noisy = ProgramResult(status="optimal", x=np.array([1.0, 1e-9]), objective=1.0, message="")
    >>> polished(build, noisy, scale=np.ones(2), margin=1.0, time_limit=10).x.tolist()
    [1.0, 0.0]
    """
    fixed = np.zeros(len(scale), dtype=bool)
    for _ in range(3):
        program, x, primary, secondary = build()
        assert result.x is not None and result.objective is not None
        tiny = _negligible(program, x, result.x[x], scale, margin)
        if not np.any(tiny):
            return result
        fixed |= tiny
        for k in x[fixed]:
            program.lower[k] = program.upper[k] = 0.0
        again = solve_lexicographic(program, primary, secondary, time_limit, tol=tol)
        if again.status != "optimal" or again.objective is None:
            return result
        if again.objective > result.objective + tolerance(result.objective, SOLVER_ACCURACY):
            return result
        result = again
    return result


def add_distance(program: Program, x: np.ndarray, w0: np.ndarray) -> np.ndarray:
    """Variables ``d >= |x - w0|`` (their sum is the L1 change from the current plan).

    Examples
    --------
    >>> p = Program()
    >>> x = p.add_variables(2, lower=-5.0, upper=5.0)
    >>> d = add_distance(p, x, np.array([1.0, -2.0]))
    >>> p.objective[d] = 1.0
    >>> _ = p.add_rows(x, np.array([[1.0, 1.0]]), lower=np.array([1.0]))  # x0 + x1 >= 1
    >>> round(p.solve().objective, 9)  # from (1, -2) the nearest point moves 2 in all
    2.0
    """
    d = program.add_variables(len(x), lower=0.0)
    columns, eye = np.concatenate([x, d]), np.eye(len(x))
    program.add_rows(columns, np.hstack([eye, eye]), lower=w0)  # d >= w0 - x
    program.add_rows(columns, np.hstack([-eye, eye]), lower=-w0)  # d >= x - w0
    return d
