"""Shared kernels of the two-player solvers: batched linear algebra, exact elimination, work limits.

Conventions
-----------
A two-player game has the row player's payoff matrix ``A = game.payoffs[0]`` and
the column player's ``B = game.payoffs[1]``, both of shape ``(m, n)``.  Labels
``0, ..., m-1`` are the row player's actions and ``m, ..., m+n-1`` the column
player's, as in von Stengel (2002), section 3.

The solvers enumerate small square systems, one per pair of index sets of the
same size ``k``.  The index sets of size ``k`` are the rows of
:func:`combinations`; pairs are visited in chunks of flat indices so that every
size is solved with one batched :func:`numpy.linalg.solve` call per chunk.

References
----------
B. von Stengel, "Computing equilibria for two-person games", in *Handbook of
Game Theory with Economic Applications*, vol. 3, ch. 45, 2002.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from sympy import ZZ
from sympy.polys.matrices import DomainMatrix
from sympy.polys.matrices.exceptions import DMNonInvertibleMatrixError

from ..errors import SolverError
from ..game import Game, integer_vector
from .registry import Budget

__all__ = [
    "MAX_BASES",
    "Sweep",
    "batched_solve",
    "check_size",
    "combinations",
    "fraction_vector",
    "matrices",
    "normalise",
    "probability_tol",
    "solve_exact",
    "solve_integer",
    "well_conditioned",
]

#: Largest number of bases (or support pairs), ``C(m + n, m)``, a solver will enumerate.
MAX_BASES = 5_000_000

#: Matrix entries solved per batched call (``systems x k x k``): bounds the memory of one chunk.
CHUNK_ENTRIES = 2**21

#: A basis whose matrix has a larger condition number is treated as singular.
MAX_CONDITION = 1e11


def matrices(game: Game) -> tuple[np.ndarray, np.ndarray]:
    """The row player's and the column player's payoff matrices, ``A`` and ``B``.

    Exact games give object arrays of :class:`~fractions.Fraction`, others float arrays.

    Examples
    --------
    >>> import incentives as inc
    >>> a, b = matrices(inc.Game.from_bimatrix([[1, 2]], [[3, 4]]))
    >>> a.tolist(), b.tolist()
    ([[Fraction(1, 1), Fraction(2, 1)]], [[Fraction(3, 1), Fraction(4, 1)]])
    """
    payoffs = game.payoffs if game.is_exact else game.float_payoffs()
    return payoffs[0], payoffs[1]


def normalise(matrix: np.ndarray) -> tuple[np.ndarray, Any]:
    """Map payoffs affinely onto ``[1, 2]``: ``1 + (M - min M) / span``.

    Returns the new matrix and ``span`` (1 when every entry is equal), the factor
    by which payoff differences shrink.  Works on float and Fraction arrays.

    Examples
    --------
    >>> m, span = normalise(np.array([[-2.0, 0.0], [2.0, 6.0]]))
    >>> m.tolist(), float(span)
    ([[1.0, 1.25], [1.5, 2.0]], 8.0)
    """
    low = matrix.min()
    span = matrix.max() - low
    if span == 0:
        span = span + 1
    return 1 + (matrix - low) / span, span


def probability_tol(game: Game, tol: float) -> float:
    """Tolerance on probabilities: ``tol`` relative to ``max(1, max |payoff|)``.

    Examples
    --------
    >>> import incentives as inc
    >>> probability_tol(inc.Game.from_bimatrix([[10, 0]], [[0, 1]]), 1e-8)
    1e-09
    """
    return tol / game.payoff_scale


def check_size(game: Game, method: str, limit: int = MAX_BASES) -> int:
    """Refuse a game with more than ``limit`` bases, ``C(m + n, m)``; return that number.

    Raises
    ------
    SolverError
        If the enumeration would visit more than ``limit`` bases.

    Examples
    --------
    >>> import incentives as inc
    >>> check_size(inc.Game.from_bimatrix([[0] * 3] * 3, [[0] * 3] * 3), "vertex-enumeration")
    20
    >>> check_size(inc.Game.from_bimatrix([[0] * 3] * 3, [[0] * 3] * 3), "vertex-enumeration", limit=10)
    Traceback (most recent call last):
    ...
    incentives.errors.SolverError: 'vertex-enumeration' would enumerate C(6, 3) = 20 bases for a 3 x 3 game; ...
    """
    m, n = game.shape
    count = math.comb(m + n, m)
    if count > limit:
        raise SolverError(
            f"{method!r} would enumerate C({m + n}, {m}) = {count:,} bases for a {m} x {n} game; "
            f"the limit is {limit:,}. Use 'lemke-howson' for some equilibria of a game this large."
        )
    return count


def combinations(n: int, k: int) -> np.ndarray:
    """Every ``k``-subset of ``range(n)`` as rows of an int array, in lexicographic order.

    Examples
    --------
    >>> combinations(3, 2).tolist()
    [[0, 1], [0, 2], [1, 2]]
    """
    flat = np.fromiter(itertools.chain.from_iterable(itertools.combinations(range(n), k)), dtype=np.intp)
    return flat.reshape(-1, k)


class Sweep:
    """Visits the pairs of two index lists in chunks, within a :class:`Budget`.

    ``stopped`` becomes True when the budget ran out before every pair was visited.
    Each visited pair counts as one unit of work.  A chunk holds at most
    ``entries // size`` pairs, where ``size`` is the matrix size of one pair's system.

    Examples
    --------
    >>> sweep = Sweep(Budget(max_iterations=5), entries=4)
    >>> [(left.tolist(), right.tolist()) for left, right in sweep.pairs(2, 3, size=1)]
    [([0, 0, 0, 1], [0, 1, 2, 0]), ([1], [1])]
    >>> sweep.stopped
    True
    """

    def __init__(self, budget: Budget, entries: int = CHUNK_ENTRIES) -> None:
        self.budget = budget
        self.entries = entries
        self.stopped = False

    def pairs(self, n_left: int, n_right: int, size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(left, right)`` index arrays covering ``range(n_left) x range(n_right)``."""
        total, start, chunk = n_left * n_right, 0, max(1, self.entries // size)
        while start < total and not self.stopped:
            step = min(chunk, total - start, self._remaining(chunk))
            if step <= 0 or self.budget.exhausted():
                self.stopped = True
                return
            flat = np.arange(start, start + step)
            yield flat // n_right, flat % n_right
            self.budget.tick(step)
            start += step

    def runs(self, count: int, size: int) -> Iterator[slice]:
        """Yield slices covering ``range(count)`` in chunks: one list visited item by item (see :meth:`pairs`).

        Examples
        --------
        >>> sweep = Sweep(Budget(max_iterations=5), entries=4)
        >>> list(sweep.runs(6, size=1)), sweep.stopped
        ([slice(0, 4, None), slice(4, 5, None)], True)
        """
        start, chunk = 0, max(1, self.entries // size)
        while start < count and not self.stopped:
            step = min(chunk, count - start, self._remaining(chunk))
            if step <= 0 or self.budget.exhausted():
                self.stopped = True
                return
            yield slice(start, start + step)
            self.budget.tick(step)
            start += step

    def _remaining(self, chunk: int) -> int:
        if self.budget.max_iterations is None:
            return chunk
        return self.budget.max_iterations - self.budget.iterations


def batched_solve(matrices: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve a stack of square systems, flagging the singular ones instead of raising.

    Parameters
    ----------
    matrices : numpy.ndarray
        Shape ``(s, k, k)``.
    rhs : numpy.ndarray
        Shape ``(k,)`` (the same right-hand side for every system) or ``(s, k)``.

    Returns
    -------
    solutions : numpy.ndarray
        Shape ``(s, k)``; rows of singular systems are meaningless.
    ok : numpy.ndarray
        Shape ``(s,)``, False where the matrix is singular or worse conditioned
        than :data:`MAX_CONDITION`.

    Examples
    --------
    >>> mats = np.array([[[2.0, 0.0], [0.0, 4.0]], [[1.0, 1.0], [1.0, 1.0]]])
    >>> sol, ok = batched_solve(mats, np.array([1.0, 1.0]))
    >>> sol[0].tolist(), ok.tolist()
    ([0.5, 0.25], [True, False])
    """
    size, k = matrices.shape[0], matrices.shape[-1]
    if rhs.shape != (size, k):
        rhs = np.broadcast_to(rhs, (size, k))
    try:
        solutions = np.linalg.solve(matrices, rhs[..., None])[..., 0]
        return solutions, np.asarray(np.isfinite(solutions).all(axis=1))
    except np.linalg.LinAlgError:  # some matrix is exactly singular: find which, solve the others
        pass
    sign, _ = np.linalg.slogdet(matrices)
    ok = sign != 0
    safe = np.where(ok[:, None, None], matrices, np.eye(k))
    try:
        solutions = np.linalg.solve(safe, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:  # a pivot LU found exactly zero that slogdet did not
        return _solve_one_by_one(matrices, rhs)
    return solutions, ok & np.all(np.isfinite(solutions), axis=1)


def well_conditioned(matrices: np.ndarray) -> np.ndarray:
    """Whether each matrix of a stack has condition number at most :data:`MAX_CONDITION`.

    Examples
    --------
    >>> well_conditioned(np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0], [1.0, 1.0 + 1e-14]]])).tolist()
    [True, False]
    """
    if matrices.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    singular_values = np.linalg.svd(matrices, compute_uv=False)
    return singular_values[:, -1] * MAX_CONDITION >= singular_values[:, 0]


def _solve_one_by_one(matrices: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    solutions = np.zeros(rhs.shape)
    ok = np.zeros(rhs.shape[0], dtype=bool)
    for i, (matrix, b) in enumerate(zip(matrices, rhs, strict=True)):
        try:
            solutions[i] = np.linalg.solve(matrix, b)
            ok[i] = bool(np.all(np.isfinite(solutions[i])))
        except np.linalg.LinAlgError:
            continue
    return solutions, ok


def solve_exact(matrix: Sequence[Sequence[Any]] | np.ndarray, rhs: Sequence[Any]) -> list[Fraction] | None:
    """Solve a square system exactly over the rationals (see :func:`solve_integer`).

    Returns None when the matrix is singular.

    Examples
    --------
    >>> solve_exact([[2, 1], [1, 3]], [1, 1])
    [Fraction(2, 5), Fraction(1, 5)]
    >>> solve_exact([[1, 2], [2, 4]], [1, 1]) is None
    True
    """
    rows = [integer_vector(np.array([*row, b], dtype=object))[0] for row, b in zip(matrix, rhs, strict=True)]
    augmented = np.array(rows, dtype=object).reshape(len(rows), len(rows) + 1)
    solved = solve_integer(augmented[:, :-1], augmented[:, -1])
    if solved is None:
        return None
    numerators, denominator = solved
    return [Fraction(int(v), denominator) for v in numerators]


def solve_integer(matrix: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, int] | None:
    """Solve a square system with whole-number entries exactly: numerators over one positive denominator.

    First the floating-point solution is rounded to a multiple of ``1 / det``
    and checked exactly in whole numbers (a well-conditioned whole-number
    matrix, condition below :data:`MAX_CONDITION`, cannot be singular: a
    singular one would show a condition number near ``1 / machine epsilon``).
    When the check fails (large determinants, ill conditioning) sympy's
    fraction-free elimination (:meth:`DomainMatrix.solve_den`) decides.

    Parameters
    ----------
    matrix : numpy.ndarray
        Shape ``(k, k)``, Python ints (object array) or an integer array.
    rhs : numpy.ndarray
        Shape ``(k,)``, whole numbers.

    Returns
    -------
    (numerators, denominator) or None
        An object array of Python ints and a positive int with
        ``matrix @ numerators == denominator * rhs``; None if the matrix is singular.

    Examples
    --------
    >>> numerators, denominator = solve_integer(np.array([[2, 1], [1, 3]]), np.array([1, 1]))
    >>> numerators.tolist(), denominator
    ([2, 1], 5)
    """
    matrix, rhs = np.asarray(matrix, dtype=object), np.asarray(rhs, dtype=object)
    if len(rhs) == 0:
        return np.zeros(0, dtype=object), 1
    guessed = _rounded_solution(matrix, rhs)
    if guessed is not None:
        return guessed
    k = len(rhs)
    system = DomainMatrix([[ZZ(int(v)) for v in row] for row in matrix], (k, k), ZZ)
    column = DomainMatrix([[ZZ(int(v))] for v in rhs], (k, 1), ZZ)
    try:
        solution, denominator = system.solve_den(column)
    except DMNonInvertibleMatrixError:
        return None
    numerators = np.array([int(v) for v in solution.to_list_flat()], dtype=object)
    return (numerators, int(denominator)) if denominator > 0 else (-numerators, -int(denominator))


def _rounded_solution(matrix: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, int] | None:
    """The floating-point solution rounded to a multiple of ``1 / det`` if it checks exactly, else None."""
    try:
        floats, rhs_floats = matrix.astype(float), rhs.astype(float)
    except OverflowError:  # whole numbers beyond floating point (payoffs of very different sizes): solve exactly
        return None
    with np.errstate(all="ignore"):
        determinant = float(np.linalg.det(floats)) if len(rhs) else 1.0
    if not np.isfinite(determinant) or not 0.5 <= abs(determinant) < 2.0**50:
        return None
    if not well_conditioned(floats[None])[0]:
        return None
    denominator = round(determinant)
    try:
        solution = np.linalg.solve(floats, rhs_floats) * denominator
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.abs(solution) < 2.0**52):
        return None
    numerators = np.array([int(v) for v in np.rint(solution)], dtype=object)
    if not all(matrix.dot(numerators) == rhs * denominator):
        return None
    return (numerators, denominator) if denominator > 0 else (-numerators, -denominator)


def fraction_vector(values: Sequence[Any]) -> np.ndarray:
    """An object array of :class:`~fractions.Fraction`.

    Examples
    --------
    >>> fraction_vector([1, Fraction(1, 2)]).tolist()
    [Fraction(1, 1), Fraction(1, 2)]
    """
    out = np.empty(len(values), dtype=object)
    out[:] = [Fraction(v) for v in values]
    return out
