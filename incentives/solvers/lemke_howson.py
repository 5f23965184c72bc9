"""Some Nash equilibria of a two-player game, by Lemke-Howson complementary pivoting from every label.

Definitions
-----------
With payoffs shifted into ``[1, 2]`` (``A`` for the row player, ``B`` for the
column player, both ``m x n``), the best-response polytopes are written as
tableaux with slack variables,

    ``B^T x + s = 1`` (``n`` rows)  and  ``A y + r = 1`` (``m`` rows),

all variables non-negative.  Label ``i < m`` belongs to ``x_i`` and ``r_i``,
label ``m + j`` to ``s_j`` and ``y_j``; a label is present when one of its
variables is non-basic (zero).  A pair of bases with every label present is a
Nash equilibrium, or the artificial one ``x = y = 0``.

Algorithm
---------
Lemke and Howson (1964), in the tableau form of von Stengel (2002), section 4:

1. Start from the artificial equilibrium (all slacks basic) and choose a
   label ``k`` to drop: enter the variable with label ``k`` into its tableau.
2. The minimum-ratio test picks the leaving variable.  Ties are broken by the
   *lexicographic* minimum ratio (rows of ``[rhs, B^-1] / pivot column``), so
   degenerate games cannot cycle (von Stengel 2002, section 6.2).
3. If the leaving variable has label ``k``, every label is present again: an
   equilibrium.  Otherwise its label is now duplicated; enter the other
   variable with that label, in the other tableau, and repeat.

Each of the ``m + n`` labels is dropped from the artificial equilibrium, and
then from every equilibrium found, so the search walks the part of the
Lemke-Howson graph reachable from the artificial equilibrium.  Each run is
capped in pivots and every pivot is counted against the :class:`Budget`.
This finds *some* equilibria, not necessarily all: for every equilibrium, use
``"vertex-enumeration"``.  Exact games are pivoted in exact rational arithmetic.

References
----------
C. E. Lemke and J. T. Howson, "Equilibrium points of bimatrix games", *Journal
of the SIAM* 12 (1964) 413-423.

B. von Stengel, "Computing equilibria for two-person games", *Handbook of Game
Theory with Economic Applications*, vol. 3, ch. 45, 2002, sections 4 and 6.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import SolverError
from ..game import Game
from ._bimatrix import matrices, normalise
from .registry import Budget, SolverOutput, Status, register_solver

__all__ = ["lemke_howson"]

#: Pivots allowed in one run (one dropped label) before it is abandoned.
MAX_PIVOTS_PER_RUN = 100_000

#: Zero tolerance of pivot elements and ratio ties in floating point (payoffs are scaled into [1, 2]).
_FLOAT_EPS = 1e-10

_SUBSET_NOTE = (
    "Lemke-Howson finds a subset of the equilibria (those reachable by complementary pivoting "
    "from the artificial equilibrium); use method 'vertex-enumeration' (or 'all') for every equilibrium."
)


@dataclass
class _Tableau:
    """One player's tableau ``[C | I | 1]``, its basis (the basic variable of each row) and its labels."""

    table: np.ndarray
    basis: list[int]
    labels: list[int]

    @classmethod
    def build(cls, matrix: np.ndarray, labels: list[int]) -> _Tableau:
        """Tableau of ``C z + w = 1`` with the slacks ``w`` basic; ``labels`` lists each variable's label."""
        rows, cols = matrix.shape
        table = np.concatenate([matrix, np.eye(rows, dtype=int), np.ones((rows, 1), dtype=int)], axis=1)
        if matrix.dtype == object:
            table = np.vectorize(Fraction, otypes=[object])(table)
        return cls(table=table, basis=list(range(cols, cols + rows)), labels=labels)

    def copy(self) -> _Tableau:
        """An independent copy."""
        return _Tableau(table=self.table.copy(), basis=list(self.basis), labels=self.labels)

    def has_nonbasic(self, label: int) -> bool:
        """Whether the variable with ``label`` is non-basic (so the label is present)."""
        return self.labels.index(label) not in self.basis

    def pivot(self, label: int, eps: float) -> tuple[int, bool]:
        """Enter the variable with ``label``; return the leaving variable's label and whether a tie occurred."""
        entering = self.labels.index(label)
        row, tie = _lex_min_ratio(self.table, entering, len(self.labels) - len(self.basis), eps)
        pivot_row = self.table[row] / self.table[row, entering]
        self.table -= np.outer(self.table[:, entering], pivot_row)
        self.table[row] = pivot_row
        leaving, self.basis[row] = self.basis[row], entering
        return self.labels[leaving], tie

    def values(self, count: int) -> np.ndarray:
        """Values of the first ``count`` variables (the strategy coordinates) at the current basis."""
        out = np.zeros(count, dtype=self.table.dtype)
        for row, variable in enumerate(self.basis):
            if variable < count:
                out[variable] = self.table[row, -1]
        return out


def _lex_min_ratio(table: np.ndarray, entering: int, first_slack: int, eps: float) -> tuple[int, bool]:
    """Row of the lexicographic minimum ratio test, and whether the plain ratio test tied.

    Compares the rows of ``[rhs, B^-1]`` divided by the entering column (``B^-1``
    sits in the slack columns), one column at a time, keeping the minimal rows.
    """
    column = table[:, entering]
    rows = np.flatnonzero(column > eps)
    if rows.size == 0:
        raise SolverError("Lemke-Howson found an unbounded edge; the payoffs were not shifted positive")
    tie = False
    for col in (table.shape[1] - 1, *range(first_slack, table.shape[1] - 1)):
        ratios = table[rows, col] / column[rows]
        closest = ratios <= ratios.min() + eps
        tie = tie or (col == table.shape[1] - 1 and int(np.count_nonzero(closest)) > 1)
        rows = rows[closest]
        if rows.size == 1:
            break
    return int(rows[0]), tie


@dataclass
class _Search:
    """Equilibria found so far (as tableau pairs to restart from) and what happened on the way."""

    found: list[tuple[_Tableau, _Tableau]]
    keys: set[tuple]
    degenerate: bool = False
    capped: int = 0
    stopped: bool = False


@register_solver(
    "lemke-howson",
    players=2,
    finds="some equilibria",
    summary="some equilibria of a two-player game, by Lemke-Howson from every label (fast, incomplete)",
)
def lemke_howson(game: Game, *, tol: float, budget: Budget) -> SolverOutput:
    """Equilibria of a two-player game reachable by Lemke-Howson paths, from every starting label.

    Parameters
    ----------
    game : Game
        A two-player game.
    tol : float
        Unused: pivoting tolerances are set on the payoffs scaled into ``[1, 2]``.
    budget : Budget
        Work is counted in pivots; when it runs out the equilibria found so far are returned.

    Returns
    -------
    SolverOutput
        Status ``incomplete`` (the method does not promise every equilibrium) or
        ``budget_exhausted``; ``degenerate`` is True when a ratio tie showed
        degeneracy, None otherwise (the method cannot tell).

    Examples
    --------
    >>> import incentives as inc, warnings
    >>> mp = inc.Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     result = inc.solve(mp, "lemke-howson")
    >>> [w.category.__name__ for w in caught]  # it never promises every equilibrium
    ['IncompleteSearchWarning']
    >>> [[str(p) for p in vec] for vec in result[0].profile], result.status
    ([['1/2', '1/2'], ['1/2', '1/2']], 'incomplete')
    """
    a, b = matrices(game)
    eps = 0 if game.is_exact else _FLOAT_EPS  # an int: Fraction + 0.0 would be a float
    m, n = game.shape
    start = (
        _Tableau.build(normalise(b)[0].T, list(range(m + n))),
        _Tableau.build(normalise(a)[0], [*range(m, m + n), *range(m)]),
    )
    search = _Search(found=[], keys=set())
    _explore(start, m + n, eps, budget, search)
    profiles = [_profile(p, q, m, n) for p, q in search.found]
    notes = [_SUBSET_NOTE]
    if search.capped:
        notes.append(f"{search.capped} Lemke-Howson path(s) passed {MAX_PIVOTS_PER_RUN:,} pivots and were abandoned.")
    status: Status = "budget_exhausted" if search.stopped else "incomplete"
    return SolverOutput(profiles=profiles, status=status, degenerate=search.degenerate or None, notes=tuple(notes))


def _explore(start: tuple[_Tableau, _Tableau], n_labels: int, eps: float, budget: Budget, search: _Search) -> None:
    """Drop every label from the artificial equilibrium, then from each equilibrium found."""
    queue = [start]
    while queue and not search.stopped:
        origin = queue.pop(0)
        for label in range(n_labels):
            end = _run(origin, label, eps, budget, search)
            if end is not None and _is_new(end, search):
                search.found.append(end)
                queue.append(end)
            if search.stopped:
                return


def _run(
    origin: tuple[_Tableau, _Tableau], missing: int, eps: float, budget: Budget, search: _Search
) -> tuple[_Tableau, _Tableau] | None:
    """Follow the path that drops label ``missing``; return the tableaux at its end, or None."""
    tableaux = [origin[0].copy(), origin[1].copy()]
    side = 0 if tableaux[0].has_nonbasic(missing) else 1
    label = missing
    for _ in range(MAX_PIVOTS_PER_RUN):
        if budget.exhausted():
            search.stopped = True
            return None
        label, tie = tableaux[side].pivot(label, eps)
        budget.tick()
        search.degenerate = search.degenerate or tie
        if label == missing:
            return tableaux[0], tableaux[1]
        side = 1 - side
    search.capped += 1
    return None


def _is_new(end: tuple[_Tableau, _Tableau], search: _Search) -> bool:
    """Whether the end of a path is a real equilibrium not seen before (not the artificial one)."""
    m, n = len(end[1].basis), len(end[0].basis)
    if not (any(v > 0 for v in end[0].values(m)) and any(v > 0 for v in end[1].values(n))):
        return False
    x, y = _profile(end[0], end[1], m, n)
    both = np.concatenate([x, y])
    key = tuple(both.tolist()) if both.dtype == object else tuple(np.round(both, 9).tolist())
    if key in search.keys:
        return False
    search.keys.add(key)
    return True


def _profile(p: _Tableau, q: _Tableau, m: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The equilibrium at a pair of tableaux, as probability vectors (exact on exact games)."""
    x, y = p.values(m), q.values(n)
    if x.dtype != object:
        x, y = np.maximum(x, 0.0), np.maximum(y, 0.0)
    return x / sum(x), y / sum(y)
