"""Solving a design's program: two objectives in order, and solutions tidied of solver noise.

A design minimises a primary objective (bonus paid at the target, or change from
the current plan) and breaks ties with a secondary one: the secondary objective
is minimised over the solutions within ``1e-9`` (relative) of the primary
optimum.  HiGHS returns weights accurate to its feasibility tolerance, so a
solution can carry terms of ``1e-8``; :func:`polished` solves again with such
negligible weights fixed at zero when that costs nothing, so plans list only the
terms that matter.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .program import Program, ProgramResult

__all__ = ["add_distance", "polished", "solve_lexicographic"]


def solve_lexicographic(
    program: Program, primary: np.ndarray, secondary: np.ndarray, time_limit: float
) -> ProgramResult:
    """Minimise ``primary``, then ``secondary`` among the (near-)optimal solutions."""
    program.objective = primary
    first = program.solve(time_limit=time_limit)
    if first.status != "optimal" or first.x is None or first.objective is None or not first.proven:
        return first
    best = first.objective
    program.add_rows(np.arange(program.n_variables), primary[None, :], upper=best + 1e-9 * max(1.0, abs(best)))
    program.objective = secondary
    second = program.solve(time_limit=time_limit)
    if second.status != "optimal" or second.x is None:
        return first
    return ProgramResult(status="optimal", x=second.x, objective=best, message=second.message, proven=first.proven)


def polished(
    build: Callable[[], tuple[Program, np.ndarray, np.ndarray, np.ndarray]],
    result: ProgramResult,
    scale: np.ndarray,
    margin: float,
    time_limit: float,
) -> ProgramResult:
    """Solve again with negligible weights (solver noise) fixed at zero, when that costs nothing."""
    fixed = np.zeros(len(scale), dtype=bool)
    for _ in range(3):
        program, x, primary, secondary = build()
        assert result.x is not None and result.objective is not None
        lower, upper = np.asarray(program.lower)[x], np.asarray(program.upper)[x]
        tiny = (np.abs(result.x[x]) * scale <= 1e-4 * max(1.0, margin)) & (result.x[x] != 0)
        tiny &= (lower <= 0) & (upper >= 0)
        if not np.any(tiny):
            return result
        fixed |= tiny
        for k in x[fixed]:
            program.lower[k] = program.upper[k] = 0.0
        again = solve_lexicographic(program, primary, secondary, time_limit)
        if again.status != "optimal" or again.objective is None:
            return result
        if again.objective > result.objective + 1e-6 * max(1.0, abs(result.objective)):
            return result
        result = again
    return result


def add_distance(program: Program, x: np.ndarray, w0: np.ndarray) -> np.ndarray:
    """Variables ``d >= |x - w0|`` (their sum is the L1 change from the current plan)."""
    d = program.add_variables(len(x), lower=0.0)
    columns, eye = np.concatenate([x, d]), np.eye(len(x))
    program.add_rows(columns, np.hstack([eye, eye]), lower=w0)  # d >= w0 - x
    program.add_rows(columns, np.hstack([-eye, eye]), lower=-w0)  # d >= x - w0
    return d
