"""Exact extreme equilibria from the vertices that floating point found: each re-solved in whole numbers.

The vertex enumeration (:mod:`~incentives.solvers.vertex_enumeration`) finds the
vertices of the best-response polytopes ``P = {x >= 0, B^T x <= 1}`` and
``Q = {y >= 0, A y <= 1}`` (payoffs normalised onto ``[1, 2]``) and their
complementary pairs in floating point.  On an exact game each vertex of a pair
is solved again from its basis, exactly, and the pair is kept only when it is
feasible and completely labelled in exact arithmetic.

The arithmetic is in whole numbers: with the payoffs ``M`` over one common
denominator and ``C = 1 + (M - min M) / span``, the constraint ``C z <= 1`` is
``K z <= span`` with the whole-number matrix ``K = span + M - min M``, and
each basis is solved by :func:`~incentives.solvers._bimatrix.solve_integer`.
Python ints add and multiply many times faster than fractions, so only the
final probabilities are fractions.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..game import Game
from ._bimatrix import solve_integer

__all__ = ["Vertices", "exact_degenerate", "exact_profiles"]


@dataclass(frozen=True)
class Vertices:
    """Distinct vertices of one polytope: points, full label sets and one basis each.

    Row ``i`` of ``supports`` and ``tight`` holds the basis of vertex ``i``, padded with -1.
    """

    points: np.ndarray
    labels: np.ndarray
    supports: np.ndarray
    tight: np.ndarray

    def basis(self, i: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The basis of vertex ``i``: its support and its tight constraints."""
        support, tight = self.supports[i], self.tight[i]
        return tuple(int(v) for v in support[support >= 0]), tuple(int(v) for v in tight[tight >= 0])


def _exact_matrices(game: Game) -> tuple[tuple[np.ndarray, int], tuple[np.ndarray, int]]:
    """Exact normalised constraint matrices of ``P`` (``B^T``) and ``Q`` (``A``), as whole numbers over a bound.

    With ``C = 1 + (M - min M) / span`` (:func:`~incentives.solvers._bimatrix.normalise`) and ``M`` the payoffs
    in whole numbers, ``C z <= 1`` is ``K z <= span`` for the whole-number
    matrix ``K = span + M - min M``: whole numbers keep the exact checks fast.
    """
    numerators, _ = game.integer_payoffs
    out = []
    for payoff in (numerators[1].T, numerators[0]):
        low, span = min(payoff.flat), max(payoff.flat) - min(payoff.flat)
        span = span or 1
        out.append((payoff - low + span, span))
    return out[0], out[1]


def _exact_vertex(matrix: tuple[np.ndarray, int], basis: tuple[tuple[int, ...], tuple[int, ...]]) -> tuple | None:
    """The exact vertex of ``{z >= 0, K z <= d}`` at a basis, or None if it is not feasible.

    Returns the vertex as whole numbers (over a denominator that does not
    matter once normalised) with its zero and tight masks.
    """
    (whole, bound), (support, tight) = matrix, basis
    solved = solve_integer(whole[np.ix_(tight, support)], np.full(len(support), bound, dtype=object))
    if solved is None or min(solved[0], default=0) < 0:
        return None
    point = np.zeros(whole.shape[1], dtype=object)
    point[list(support)] = solved[0]
    values, limit = whole.dot(point), bound * solved[1]
    if max(values) > limit:
        return None
    return point, point == 0, values == limit


def _probabilities(point: np.ndarray) -> np.ndarray:
    """A vertex in whole numbers as an exact probability vector."""
    total = int(sum(point))
    out = np.empty(len(point), dtype=object)
    out[:] = [Fraction(int(v), total) for v in point]
    return out


def exact_profiles(game: Game, p: Vertices, q: Vertices, pairs: list[tuple[int, int]]) -> list[tuple]:
    """Re-solve each complementary pair exactly; keep those completely labelled in exact arithmetic."""
    p_matrix, q_matrix = _exact_matrices(game)
    p_cache = {i: _exact_vertex(p_matrix, p.basis(i)) for i in {i for i, _ in pairs}}
    q_cache = {j: _exact_vertex(q_matrix, q.basis(j)) for j in {j for _, j in pairs}}
    out = []
    for i, j in pairs:
        x, y = p_cache[i], q_cache[j]
        if x is None or y is None:
            continue
        covered = np.concatenate([x[1] | y[2], x[2] | y[1]])
        if covered.all():
            out.append((_probabilities(x[0]), _probabilities(y[0])))
    return out


def exact_degenerate(game: Game, p: Vertices, q: Vertices) -> bool:
    """Whether a vertex flagged in floating point has too many labels in exact arithmetic."""
    m, n = game.shape
    for vertices, matrix, bound in zip((p, q), _exact_matrices(game), (m, n), strict=True):
        for index in np.flatnonzero(vertices.labels.sum(axis=1) > bound):
            vertex = _exact_vertex(matrix, vertices.basis(int(index)))
            if vertex is not None and int(vertex[1].sum() + vertex[2].sum()) > bound:
                return True
    return False
