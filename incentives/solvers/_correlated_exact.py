"""Exact rationalisation of a correlated equilibrium found in floating point (private).

A basic optimal solution of the correlated-equilibrium linear program is the
unique solution of the constraints tight at it, restricted to its support; on
an exact game those constraints are solved again over the rationals.  When the
solution is not a vertex, continued-fraction approximations are offered
instead.  The caller verifies every candidate exactly before using it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..game import Game
from ..tolerance import DUPLICATE_ATOL, RTOL

__all__ = ["exact_vertex", "rounded_distributions"]

_DENOMINATORS = (12, 100, 1_000, 10_000, 10**6, 10**9)


def rounded_distributions(probabilities: np.ndarray) -> Iterator[np.ndarray]:
    """Fractions close to ``probabilities``, coarsest denominators first, each summing to 1."""
    for limit in _DENOMINATORS:
        guess = np.array([Fraction(float(x)).limit_denominator(limit) for x in probabilities], dtype=object)
        total = guess.sum()
        if total > 0:
            yield guess / total


def exact_vertex(game: Game, a_ub: sp.csr_matrix, probabilities: np.ndarray, *, coarse: bool) -> np.ndarray | None:
    """Solve exactly the constraints tight at a basic solution, restricted to its support.

    Returns None when they do not determine a unique point (the solution is not a vertex).
    """
    support = np.flatnonzero(probabilities > RTOL)
    slack = a_ub @ probabilities
    scale = game.payoff_scale
    tight = np.flatnonzero(np.abs(slack) <= DUPLICATE_ATOL * scale)
    entry = _exact_entry(game, coarse)
    rows = [[entry(int(r), int(c)) for c in support] for r in tight]
    rows.append([Fraction(1)] * support.size)
    rhs = [Fraction(0)] * tight.size + [Fraction(1)]
    solution = _unique_solution(rows, rhs, support.size)
    if solution is None:
        return None
    out = np.array([Fraction(0)] * probabilities.size, dtype=object)
    out[support] = solution
    return out


def _exact_entry(game: Game, coarse: bool) -> Callable[[int, int], Fraction]:
    """A function ``(row, column) -> exact entry`` of the matrix of :func:`incentive_constraints`."""
    payoffs, shape = game.payoffs, game.shape
    sizes = [n if coarse else n * (n - 1) for n in shape]
    offsets = np.cumsum([0, *sizes])
    pairs = [np.nonzero(~np.eye(n, dtype=bool)) for n in shape]

    def entry(row: int, column: int) -> Fraction:
        i = int(np.searchsorted(offsets, row, side="right") - 1)
        k = row - int(offsets[i])
        profile = [int(x) for x in np.unravel_index(column, shape)]
        if coarse:
            instead = k
        else:
            told, instead = int(pairs[i][0][k]), int(pairs[i][1][k])
            if profile[i] != told:
                return Fraction(0)
        alternative = profile.copy()
        alternative[i] = instead
        return Fraction(payoffs[(i, *alternative)] - payoffs[(i, *profile)])

    return entry


def _unique_solution(rows: list[list[Any]], rhs: list[Fraction], size: int) -> list[Fraction] | None:
    """The unique exact solution of an over-determined consistent system, or None."""
    augmented = [[Fraction(v) for v in row] + [b] for row, b in zip(rows, rhs, strict=True)]
    rank = 0
    for col in range(size):
        pivot = next((r for r in range(rank, len(augmented)) if augmented[r][col] != 0), None)
        if pivot is None:
            return None  # a free variable: not a vertex
        augmented[rank], augmented[pivot] = augmented[pivot], augmented[rank]
        head = augmented[rank][col]
        augmented[rank] = [v / head for v in augmented[rank]]
        for r in range(len(augmented)):
            factor = augmented[r][col]
            if r != rank and factor != 0:
                augmented[r] = [x - factor * y for x, y in zip(augmented[r], augmented[rank], strict=True)]
        rank += 1
    if any(row[size] != 0 for row in augmented[rank:]):
        return None  # inconsistent
    return [augmented[r][size] for r in range(size)]
