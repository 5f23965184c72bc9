"""nashpy's algorithms as solver methods, to compare its answers with ours on the same game.

Three methods, two players only:

``nashpy-support-enumeration``
    Nisan et al. (2007), algorithm 3.4, as nashpy implements it: for every pair of
    supports, solve the indifference equations and keep the pair if the solution
    is a probability vector on that support and a pair of best responses.
    The equations of supports of unequal sizes are not square and are skipped, so
    nashpy finds the equilibria whose supports have equal sizes: every equilibrium
    of a non-degenerate game, in exact arithmetic.  It compares floating-point
    numbers exactly (no probability below 0, equal best payoffs), so rounding can
    lose equilibria of any game; its status is therefore never ``complete``.
``nashpy-vertex-enumeration``
    Nisan et al. (2007), algorithm 3.5, as nashpy implements it: the vertices of
    both best-response polytopes by Qhull (:class:`scipy.spatial.HalfspaceIntersection`),
    labelled with :func:`numpy.isclose`, and every completely labelled pair.  The
    algorithm assumes a non-degenerate game: ``complete`` there, ``incomplete`` on
    a degenerate game.
``nashpy-lemke-howson``
    Nisan et al. (2007), algorithm 3.6, as nashpy implements it (tableau pivoting,
    ties broken lexicographically): one path from the artificial equilibrium for
    each of the ``m + n`` labels, so at most ``m + n`` equilibria, and not
    necessarily all: ``incomplete`` always.

Like every method, each candidate nashpy returns goes through :func:`~incentives.solve`'s
regret check: a candidate that fails it is reported as rejected, one that is not a
probability vector of the right shape is counted in the notes.  Whether the game is
degenerate is decided by this package's ``vertex-enumeration`` (exactly on exact
games), not by nashpy; nashpy's own warnings are kept in the notes.

nashpy computes in floating point; on exact games :func:`~incentives.solve` turns
a float answer with zero regret into fractions.  The outer loops, over support
pairs (support enumeration), the row player's vertices (vertex enumeration) and
pivots (Lemke-Howson), are written here around nashpy's own functions, so that the
:class:`~incentives.solvers.registry.Budget` is checked between steps and a
Lemke-Howson path that does not end (nashpy's pivoting cycles on some games) is
abandoned after :data:`MAX_PIVOTS_PER_PATH` pivots; every step is nashpy's, and the
tests check that the answers are those of nashpy's ``Game.support_enumeration``,
``vertex_enumeration`` and ``lemke_howson_enumeration``.

References
----------
N. Nisan, T. Roughgarden, E. Tardos and V. V. Vazirani (eds.), *Algorithmic Game
Theory*, Cambridge University Press, 2007, chapter 3 (B. von Stengel).

V. Knight and J. Campbell, "Nashpy: A Python library for the computation of Nash
equilibria", *Journal of Open Source Software* 3(30) (2018) 904.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from ..errors import SolverError
from ..game import Game
from ..tolerance import PROBABILITY_ATOL, RTOL
from .registry import Budget, SolverOutput, Status, register_solver
from .vertex_enumeration import vertex_enumeration

__all__ = ["nashpy_lemke_howson", "nashpy_support_enumeration", "nashpy_vertex_enumeration"]

#: nashpy's own equality tolerance in support enumeration (its default ``tol``).
NASHPY_SUPPORT_TOL = 1e-16

#: Pivots allowed on one Lemke-Howson path before it is abandoned.
MAX_PIVOTS_PER_PATH = 100_000

_SUPPORT_NOTE = (
    "nashpy's support enumeration finds equilibria whose supports have equal sizes, and compares "
    "floating-point numbers exactly, so rounding can lose equilibria of any game; use 'support-enumeration' "
    "or 'all' for every equilibrium."
)
_VERTEX_NOTE = (
    "the game is degenerate and nashpy's vertex enumeration assumes a non-degenerate one: it may miss extreme "
    "equilibria here; use 'vertex-enumeration' or 'all' for every one."
)
_UNKNOWN_NOTE = "whether the game is degenerate could not be settled, so nashpy's vertex enumeration promises nothing."
_LEMKE_HOWSON_NOTE = (
    "nashpy's Lemke-Howson runs one path from the artificial equilibrium for each starting label, so it finds "
    "at most one equilibrium per label, not necessarily all; use 'vertex-enumeration' or 'all' for every one."
)

Pair = tuple[np.ndarray, np.ndarray]


@dataclass
class _Run:
    """The candidates nashpy gave, what it said on the way, and whether the run stopped or failed."""

    budget: Budget
    candidates: list[Pair] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    stopped: bool = False

    def take(self, steps: Iterator[list[Pair] | Exception]) -> None:
        """Collect each step's candidates, ticking the budget once a step; nashpy failing is recorded, not raised."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                for found in steps:
                    if isinstance(found, Exception):
                        self.failures.append(_first_line(found))
                    else:
                        self.candidates.extend(found)
                    if not self.budget.tick():
                        self.stopped = True
                        break
            except Exception as err:  # nashpy (numpy, scipy's Qhull) failing is a finding, not a crash
                self.failures.append(_first_line(err))
        self.warned = list(dict.fromkeys(" ".join(str(w.message).split()) for w in caught))

    def notes(self, name: str) -> list[str]:
        """nashpy's failures and warnings, in plain words."""
        notes = [*self.remarks, *(f"nashpy warned: {message}" for message in self.warned)]
        if self.failures:
            kinds = "; ".join(dict.fromkeys(self.failures))
            notes.append(f"nashpy's {name} failed {len(self.failures)} time(s): {kinds}")
        return notes


def _first_line(err: Exception) -> str:
    lines = str(err).strip().splitlines()
    return f"{type(err).__name__}: {lines[0]}" if lines else type(err).__name__


@register_solver(
    "nashpy-support-enumeration",
    players=2,
    finds="the equilibria with supports of equal size that nashpy's float comparisons accept",
    summary="nashpy's support enumeration, for comparison (two players; can miss equilibria)",
)
def nashpy_support_enumeration(game: Game, *, tol: float, budget: Budget) -> SolverOutput:
    """Equilibria of a two-player game by nashpy's support enumeration.

    Parameters
    ----------
    game : Game
        A two-player game.
    tol : float
        Used only to decide degeneracy; nashpy's own tolerance is :data:`NASHPY_SUPPORT_TOL`.
    budget : Budget
        Work is counted in support pairs.

    Returns
    -------
    SolverOutput
        Status ``incomplete`` (``budget_exhausted`` if the budget ran out).

    Examples
    --------
    >>> import incentives as inc, warnings
    >>> bos = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", inc.IncompleteSearchWarning)
    ...     result = inc.solve(bos, "nashpy-support-enumeration")
    >>> [e.describe(bos) for e in result], result.degenerate
    (['row=r0, column=c0', 'row=r1, column=c1', 'row=(2/3 r0 + 1/3 r1), column=(1/3 c0 + 2/3 c1)'], False)
    """
    a, b = _float_matrices(game)
    run = _Run(budget)
    run.take(_support_steps(a, b))
    count = len(run.candidates)
    if not run.stopped and count % 2 == 0:
        run.remarks.append(
            f"nashpy found an even number ({count}) of equilibria: a non-degenerate game has an odd number, "
            "so the game is degenerate or nashpy missed some."
        )
    return _output(game, run, "support enumeration", tol, _SUPPORT_NOTE)


def _support_steps(a: np.ndarray, b: np.ndarray) -> Iterator[list[Pair]]:
    """nashpy's ``support_enumeration``, one support pair a step."""
    from nashpy.algorithms.support_enumeration import is_ne, obey_support, potential_support_pairs, solve_indifference

    for pair in potential_support_pairs(a, b):
        row = solve_indifference(b.T, *pair[::-1])
        column = solve_indifference(a, *pair)
        ok = obey_support(row, pair[0], NASHPY_SUPPORT_TOL) and obey_support(column, pair[1], NASHPY_SUPPORT_TOL)
        yield [(row, column)] if ok and is_ne((row, column), pair, (a, b)) else []


@register_solver(
    "nashpy-vertex-enumeration",
    players=2,
    finds="all extreme equilibria of non-degenerate games",
    summary="nashpy's vertex enumeration, for comparison (two players, non-degenerate games)",
)
def nashpy_vertex_enumeration(game: Game, *, tol: float, budget: Budget) -> SolverOutput:
    """Extreme equilibria of a two-player game by nashpy's vertex enumeration.

    Parameters
    ----------
    game : Game
        A two-player game.
    tol : float
        Used only to decide degeneracy; nashpy labels vertices with :func:`numpy.isclose`.
    budget : Budget
        Work is counted in vertices of the row player's polytope (each paired with every vertex of the other).

    Returns
    -------
    SolverOutput
        Status ``complete`` on a non-degenerate game, ``incomplete`` on a degenerate
        one, ``budget_exhausted`` if the budget ran out.

    Examples
    --------
    >>> import incentives as inc
    >>> pennies = inc.Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> result = inc.solve(pennies, "nashpy-vertex-enumeration")
    >>> [str(p) for p in result[0].profile[0]], result.status
    (['1/2', '1/2'], 'complete')
    """
    a, b = _float_matrices(game)
    run = _Run(budget)
    run.take(_vertex_steps(a, b))
    return _output(game, run, "vertex enumeration", tol, None)


def _vertex_steps(a: np.ndarray, b: np.ndarray) -> Iterator[list[Pair]]:
    """nashpy's ``vertex_enumeration``, one vertex of the row player's polytope a step."""
    from nashpy.polytope import build_halfspaces, non_trivial_vertices

    a = a + abs(a.min()) if a.min() < 0 else a  # nashpy's shift to non-negative payoffs
    b = b + abs(b.min()) if b.min() < 0 else b
    m, n = a.shape
    labels = set(range(m + n))
    columns = list(non_trivial_vertices(build_halfspaces(a)))
    for row_vertex, row_labels in non_trivial_vertices(build_halfspaces(b.T)):
        shifted = {(label + m) % (m + n) for label in row_labels}
        yield [(row_vertex / sum(row_vertex), v / sum(v)) for v, held in columns if shifted | held == labels]


@register_solver(
    "nashpy-lemke-howson",
    players=2,
    finds="at most one equilibrium per starting label",
    summary="nashpy's Lemke-Howson from every label, for comparison (two players, some equilibria)",
)
def nashpy_lemke_howson(game: Game, *, tol: float, budget: Budget) -> SolverOutput:
    """Equilibria of a two-player game by nashpy's Lemke-Howson, one path from each starting label.

    Parameters
    ----------
    game : Game
        A two-player game.
    tol : float
        Used only to decide degeneracy.
    budget : Budget
        Work is counted in pivots; a path longer than :data:`MAX_PIVOTS_PER_PATH` is abandoned
        (nashpy's pivoting does not end on some games).

    Returns
    -------
    SolverOutput
        Status ``incomplete`` (``budget_exhausted`` if the budget ran out).

    Examples
    --------
    >>> import incentives as inc, warnings
    >>> bos = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", inc.IncompleteSearchWarning)
    ...     result = inc.solve(bos, "nashpy-lemke-howson")
    >>> [e.describe(bos) for e in result], result.status  # never the mixed one
    (['row=r0, column=c0', 'row=r1, column=c1'], 'incomplete')
    """
    a, b = _float_matrices(game)
    run = _Run(budget)
    run.take(_pivot_steps(a, b))
    return _output(game, run, "Lemke-Howson", tol, _LEMKE_HOWSON_NOTE)


def _pivot_steps(a: np.ndarray, b: np.ndarray) -> Iterator[list[Pair] | Exception]:
    """nashpy's ``lemke_howson_enumeration``, one pivot a step; a path that fails does not stop the others."""
    for label in range(sum(a.shape)):
        try:
            yield from _path(a, b, label)
        except Exception as err:  # reported by _Run.take
            yield err


def _path(a: np.ndarray, b: np.ndarray, label: int) -> Iterator[list[Pair] | Exception]:
    """nashpy's ``lemke_howson(a, b, initial_dropped_label=label)``, yielding after each pivot."""
    from nashpy.linalg import create_col_tableau, create_row_tableau

    columns, rows = create_col_tableau(a, True), create_row_tableau(b, True)
    order = (rows, columns) if label in rows.non_basic_variables else (columns, rows)
    entering = label
    for pivot in range(MAX_PIVOTS_PER_PATH):
        entering = order[pivot % 2].pivot_and_drop_label(entering)
        if columns.non_basic_variables | rows.non_basic_variables == columns.labels:
            yield [(rows.to_strategy(columns.non_basic_variables), columns.to_strategy(rows.non_basic_variables))]
            return
        yield []
    yield SolverError(f"the path from label {label} passed {MAX_PIVOTS_PER_PATH:,} pivots and was abandoned")


def _float_matrices(game: Game) -> tuple[np.ndarray, np.ndarray]:
    """Writable float copies of the two payoff matrices (nashpy computes in floats whatever it is given)."""
    if game.n_players != 2:
        raise SolverError(f"nashpy's methods solve two-player games; this game has {game.n_players} players")
    payoffs = np.array(game.float_payoffs(), dtype=float)
    return payoffs[0], payoffs[1]


def _output(game: Game, run: _Run, name: str, tol: float, limitation: str | None) -> SolverOutput:
    """Clean the candidates, settle degeneracy with our vertex enumeration, and say how complete the run was.

    ``limitation`` says why the method never promises every equilibrium; None for a
    method complete on non-degenerate games.
    """
    profiles, malformed = _probability_vectors(run.candidates, game.shape)
    notes = [limitation] if limitation else []
    notes += run.notes(name)
    if malformed:
        notes.append(f"{malformed} candidate(s) from nashpy were not probability vectors of the right shape.")
    degenerate = None if run.stopped else _degenerate(game, tol, run.budget)
    status: Status = "incomplete"
    if run.stopped:
        status = "budget_exhausted"
    elif limitation is None and not run.failures:
        if degenerate is False:
            status = "complete"
        else:
            notes.append(_VERTEX_NOTE if degenerate else _UNKNOWN_NOTE)
    return SolverOutput(profiles=profiles, status=status, degenerate=degenerate, notes=tuple(notes))


def _probability_vectors(candidates: list[Pair], shape: tuple[int, ...]) -> tuple[list[Pair], int]:
    """Candidates that are probability vectors (within rounding), cleaned; and how many were not."""
    profiles: list[Pair] = []
    for candidate in candidates:
        vectors = [np.asarray(v, dtype=float) for v in candidate]
        if all(_is_probability_vector(v, n) for v, n in zip(vectors, shape, strict=True)):
            cleaned = [np.where(v > PROBABILITY_ATOL, v, 0.0) for v in vectors]  # nashpy's rounding noise, e.g. 1e-17
            profiles.append((cleaned[0] / cleaned[0].sum(), cleaned[1] / cleaned[1].sum()))
    return profiles, len(candidates) - len(profiles)


def _is_probability_vector(vector: np.ndarray, n: int) -> bool:
    return (
        vector.shape == (n,)
        and bool(np.all(np.isfinite(vector)))
        and bool(np.all(vector >= -RTOL))
        and abs(float(vector.sum()) - 1.0) <= RTOL
    )


def _degenerate(game: Game, tol: float, budget: Budget) -> bool | None:
    """Whether the game is degenerate, by this package's vertex enumeration (None when it cannot tell)."""
    try:
        return vertex_enumeration(game, tol=tol, budget=budget).degenerate
    except SolverError:  # too many bases to enumerate
        return None
