"""All Nash equilibria of a non-degenerate two-player game, by batched support enumeration.

Algorithm
---------
With the row player's payoffs ``A`` and the column player's ``B`` (both ``m x n``),
for every support size ``k = 1, ..., min(m, n)`` and every pair of supports
``I`` (``k`` rows) and ``J`` (``k`` columns):

1. solve ``A[I, J] y_J = v 1``, ``sum(y_J) = 1`` for the column player's mix
   ``y`` that makes the row player indifferent among ``I``;
2. solve ``B[I, J]^T x_I = u 1``, ``sum(x_I) = 1`` for the row player's mix
   ``x`` that makes the column player indifferent among ``J``;
3. keep ``(x, y)`` when both are probability vectors up to a tolerance
   (``x, y >= -eps``: a computed probability of ``-3.6e-17`` is zero, not
   negative) and no action pays more than ``v`` (resp. ``u``) by more than ``tol``.

All ``C(m, k) C(n, k)`` systems of one size are solved together, in chunks, by
one batched :func:`numpy.linalg.solve`; there is no Python loop over supports.
On exact games each pair found in floating point is solved again over the
rationals and checked exactly, so the probabilities are exact fractions.

Degeneracy
----------
A game is *non-degenerate* when no mixed strategy with support of size ``k``
has more than ``k`` pure best responses.  In a non-degenerate game every
equilibrium has supports of equal size, so the search above is complete.  The
same systems show degeneracy: if some solved mix is a probability vector whose
best responses outnumber its support, the game is degenerate (every such mix
is found at a vertex of the set of mixes with the same best responses, and that
vertex solves one of the systems).  The search then is marked ``incomplete``:
equilibria with supports of unequal sizes, and components, may be missed;
``"vertex-enumeration"`` (``"all"``) finds every extreme equilibrium.

References
----------
B. von Stengel, "Computing equilibria for two-person games", *Handbook of Game
Theory with Economic Applications*, vol. 3, ch. 45, 2002, section 2.

N. Nisan, T. Roughgarden, E. Tardos, V. Vazirani (eds.), *Algorithmic Game
Theory*, Cambridge University Press, 2007, section 3.3.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..game import Game
from ._bimatrix import (
    Sweep,
    batched_solve,
    check_size,
    combinations,
    fraction_vector,
    matrices,
    probability_tol,
    solve_exact,
    well_conditioned,
)
from .registry import Budget, SolverOutput, Status, register_solver

__all__ = ["support_enumeration"]

#: Degeneracy witnesses kept for the exact confirmation on exact games.
_MAX_WITNESSES = 1_000

_DEGENERATE_NOTE = (
    "the game is degenerate, so support enumeration (equal-size supports) may miss equilibria, "
    "in particular components of equilibria; use method 'vertex-enumeration' (or 'all') for every "
    "extreme equilibrium."
)


@dataclass
class _Found:
    """What the floating-point sweep found."""

    supports: list[tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=list)
    profiles: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    witnesses: list[tuple[int, tuple[int, ...], tuple[int, ...]]] = field(default_factory=list)
    degenerate: bool = False


@register_solver(
    "support-enumeration",
    players=2,
    finds="all equilibria of non-degenerate games",
    summary="every equilibrium of a non-degenerate two-player game (batched support enumeration)",
)
def support_enumeration(game: Game, *, tol: float, budget: Budget) -> SolverOutput:
    """Every Nash equilibrium of a non-degenerate two-player game.

    Parameters
    ----------
    game : Game
        A two-player game.
    tol : float
        Absolute payoff tolerance (:func:`~incentives.solve` scales it by the payoffs).
    budget : Budget
        Work is counted in support pairs; the search stops when the budget runs out.

    Returns
    -------
    SolverOutput
        Status ``complete`` on non-degenerate games, ``incomplete`` (with a note)
        on degenerate ones, ``budget_exhausted`` when the budget ran out.

    Raises
    ------
    SolverError
        If the game has more than ``MAX_BASES`` support pairs.

    Examples
    --------
    >>> import incentives as inc
    >>> bos = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    >>> result = inc.solve(bos, "support-enumeration")
    >>> [e.describe(bos) for e in result]
    ['row=r0, column=c0', 'row=r1, column=c1', 'row=(2/3 r0 + 1/3 r1), column=(1/3 c0 + 2/3 c1)']
    >>> result.status, result.degenerate
    ('complete', False)
    """
    check_size(game, "support-enumeration")
    a, b = game.float_payoffs()
    sweep = Sweep(budget)
    found = _sweep(a, b, tol, probability_tol(game, tol), sweep)
    profiles = list(found.profiles)
    degenerate = found.degenerate
    notes: list[str] = []
    if game.is_exact:
        profiles = _exact_profiles(game, found.supports)
        degenerate = _exact_degenerate(game, found)
        dropped = len(found.supports) - len(profiles)
        if dropped:
            notes.append(f"{dropped} support pair(s) passed in floating point but not in exact arithmetic.")
    status: Status = "budget_exhausted" if sweep.stopped else ("incomplete" if degenerate else "complete")
    if degenerate:
        notes.append(_DEGENERATE_NOTE)
    known = degenerate or not sweep.stopped  # an unfinished search cannot rule degeneracy out
    return SolverOutput(
        profiles=_unique(profiles), status=status, degenerate=degenerate if known else None, notes=tuple(notes)
    )


def _sweep(a: np.ndarray, b: np.ndarray, tol: float, ptol: float, sweep: Sweep) -> _Found:
    """Solve every pair of equal-size supports, size by size, chunk by chunk."""
    m, n = a.shape
    found = _Found()
    for k in range(1, min(m, n) + 1):
        rows, cols = combinations(m, k), combinations(n, k)
        for left, right in sweep.pairs(len(rows), len(cols), size=(k + 1) ** 2 + m + n):
            _solve_chunk(a, b, rows[left], cols[right], tol, ptol, found)
    return found


def _solve_chunk(
    a: np.ndarray, b: np.ndarray, rows: np.ndarray, cols: np.ndarray, tol: float, ptol: float, found: _Found
) -> None:
    """Solve one chunk of support pairs ``(rows[s], cols[s])`` and record what passes."""
    x, x_excess, x_valid = _side(b.T, cols, rows, tol, ptol)
    y, y_excess, y_valid = _side(a, rows, cols, tol, ptol)
    for s in np.flatnonzero(x_valid & y_valid):
        found.supports.append((tuple(int(i) for i in rows[s]), tuple(int(j) for j in cols[s])))
        found.profiles.append((_clean(x[s], ptol), _clean(y[s], ptol)))
    for side, excess in ((0, x_excess), (1, y_excess)):
        for s in np.flatnonzero(excess):
            found.degenerate = True
            if len(found.witnesses) < _MAX_WITNESSES:
                found.witnesses.append((side, tuple(int(i) for i in rows[s]), tuple(int(j) for j in cols[s])))


def _side(
    payoff: np.ndarray, equal: np.ndarray, mix: np.ndarray, tol: float, ptol: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mixes over ``mix[s]`` that make the rows ``equal[s]`` of ``payoff`` indifferent, and their checks.

    ``payoff`` is the opponent's payoff with the opponent's actions on axis 0.
    Returns the mixes (full length), whether each has more best responses than
    its support (a degeneracy witness), and whether each is a valid equilibrium half.
    """
    system = _indifference_systems(payoff, equal, mix)
    k = mix.shape[1]
    rhs = np.zeros(k + 1)
    rhs[k] = 1.0
    solution, ok = batched_solve(system, rhs)
    full = np.zeros((len(mix), payoff.shape[1]))
    np.put_along_axis(full, mix, solution[:, :k], axis=1)
    gaps = solution[:, k : k + 1] - full @ payoff.T
    valid = ok & np.all(full >= -ptol, axis=1) & np.all(gaps >= -tol, axis=1)
    valid[valid] = well_conditioned(system[valid])
    excess = valid & (np.sum(gaps <= tol, axis=1) > np.sum(full > ptol, axis=1))
    return full, excess, valid


def _indifference_systems(payoff: np.ndarray, equal: np.ndarray, mix: np.ndarray) -> np.ndarray:
    """Stack of ``[[payoff[equal, mix], -1], [1 ... 1, 0]]`` matrices, one per support pair."""
    size, k = mix.shape
    system = np.zeros((size, k + 1, k + 1))
    system[:, :k, :k] = payoff[equal[:, :, None], mix[:, None, :]]
    system[:, :k, k] = -1.0
    system[:, k, :k] = 1.0
    return system


def _clean(mix: np.ndarray, ptol: float) -> np.ndarray:
    """Set probabilities within the tolerance of zero to zero and renormalise."""
    out = np.where(mix > ptol, mix, 0.0)
    return out / out.sum()


def _exact_profiles(game: Game, supports: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> list[tuple]:
    """Re-solve each support pair over the rationals; keep the pairs that pass exactly."""
    a, b = matrices(game)
    out = []
    for rows, cols in supports:
        x = _exact_side(b.T, cols, rows)
        y = _exact_side(a, rows, cols) if x is not None else None
        if x is not None and y is not None:
            out.append((x[0], y[0]))
    return out


def _exact_side(payoff: np.ndarray, equal: tuple[int, ...], mix: tuple[int, ...]) -> tuple[np.ndarray, int] | None:
    """Exact mix over ``mix`` making rows ``equal`` of ``payoff`` indifferent and best; with its excess.

    Returns ``(mix, best responses - support size)``, or None when the system is
    singular or the solution is not a probability vector with ``equal`` among its best responses.
    """
    k = len(mix)
    system = [[payoff[i, j] for j in mix] + [-1] for i in equal] + [[1] * k + [0]]
    solution = solve_exact(system, [0] * k + [1])
    if solution is None or min(solution[:k]) < 0:
        return None
    full = fraction_vector([0] * payoff.shape[1])
    full[list(mix)] = solution[:k]
    values = payoff.dot(full)
    if max(values) > solution[k]:
        return None
    best = sum(1 for v in values if v == solution[k])
    return full, best - sum(1 for p in full if p > 0)


def _exact_degenerate(game: Game, found: _Found) -> bool:
    """Confirm the floating-point degeneracy witnesses exactly (the first confirmed one decides)."""
    a, b = matrices(game)
    for side, rows, cols in found.witnesses:
        result = _exact_side(b.T, cols, rows) if side == 0 else _exact_side(a, rows, cols)
        if result is not None and result[1] > 0:
            return True
    return found.degenerate and len(found.witnesses) >= _MAX_WITNESSES


def _unique(profiles: list[tuple]) -> list[tuple]:
    """Drop repeated profiles (a degenerate game can give one equilibrium from several support pairs)."""
    seen: set[tuple] = set()
    out = []
    for x, y in profiles:
        both = np.concatenate([x, y])
        key = tuple(both.tolist()) if both.dtype == object else tuple(np.round(both, 9).tolist())
        if key not in seen:
            seen.add(key)
            out.append((x, y))
    return out
