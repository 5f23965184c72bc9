"""Every extreme Nash equilibrium of a two-player game, by enumerating the vertices of the best-response polytopes.

Definitions
-----------
Shift and scale the payoffs so that every entry lies in ``[1, 2]`` (this changes
no equilibrium); call the results ``A`` (row player, ``m x n``) and ``B``.  The
*best-response polytopes* are

    ``P = {x in R^m : x >= 0, B^T x <= 1}``  and  ``Q = {y in R^n : y >= 0, A y <= 1}``.

A point has *label* ``i`` (a row, ``0 <= i < m``) when ``x_i = 0`` in ``P`` or
``(A y)_i = 1`` in ``Q``, and label ``m + j`` (a column) when ``(B^T x)_j = 1`` in
``P`` or ``y_j = 0`` in ``Q``.  A pair ``(x, y) != (0, 0)`` is *completely
labelled* when every label ``0, ..., m+n-1`` is a label of ``x`` or of ``y``;
these pairs, normalised to probability vectors, are exactly the Nash equilibria
(von Stengel 2002, Theorem 3.1), and pairs of *vertices* give the extreme
equilibria.  The game is *non-degenerate* exactly when no point of ``P`` has more
than ``m`` labels and no point of ``Q`` more than ``n``.

Algorithm
---------
1. *Simple path.*  Every vertex other than the origin, with its basis, and a
   certificate that the polytope is simple (every vertex has exactly its
   basis as labels) and that none is missing.  A polytope with at most
   :data:`MAX_SOLVED_BASES` bases (sets of ``d`` inequalities; 5 x 5 games
   and smaller) solves every basis in one batched solve, faster than Qhull
   there; every feasible solution is a candidate vertex (a singular basis
   hands the polytope to Qhull).  Up to :data:`HULL_DIMENSION`
   dimensions the vertices are the facets of the convex hull of the polar
   points, computed by Qhull (:func:`~incentives.solvers._polytope_hull.facet_bases`),
   fastest there.  Either way the certificate checks every candidate's full
   label set (as bits, one comparison per vertex) and that the vertices are
   closed under edges
   (:func:`~incentives.solvers._polytope_hull.closed_under_edges`).  In more
   dimensions Qhull's cost per facet grows quickly, and reverse search
   (:func:`~incentives.solvers._reverse_search.reverse_search`, as lrs does it)
   pivots from the origin through every vertex once, its work proportional to
   the number of vertices, and certifies the same two facts.  A polytope
   without the certificate (a degenerate game, Qhull merging facets, a tie in
   a pivot, dimension 1) goes to step 2, and so does one where a pure
   strategy has two best responses (degenerate for sure).  Both polytopes
   have the same number of bases, ``C(m + n, m)``: a small game solves every
   basis of both in one batched solve and certifies both in one pass
   (:func:`~incentives.solvers._small_polytopes.small_vertices`), and a square
   game on the Qhull path certifies both polytopes' facets in one pass
   (:func:`~incentives.solvers._small_polytopes.hull_vertices`, up to
   :data:`MAX_JOINT_FACETS` facets); the certificate is the same, and a
   polytope it does not settle takes the path of its own as above.
2. *Perturbed path* (degenerate polytopes).  The right-hand side of row
   ``i`` becomes ``1 + delta_i`` with fixed, tiny, unrelated ``delta_i``, which
   makes the polytope simple, and step 1 runs on it.  Each basis it certifies
   is solved again with the right-hand side ``1``; when every such solution is
   feasible (within the tolerance) and well conditioned, they are every vertex
   of the original polytope (see :func:`_perturbed_search`): this is the
   perturbation lrs makes lexicographically, here in floating point and
   checked afterwards.  A basis infeasible without the perturbation sends the
   polytope to step 3.
3. *Sweep.*  For each ``k = 1, ..., min(m, n)``, each support ``F`` of ``k``
   coordinates and each set ``T`` of ``k`` other constraints, solve
   ``C[T, F] z_F = 1`` (``C`` is ``B^T`` for ``P``, ``A`` for ``Q``); every
   vertex of the polytope is the solution of at least one non-singular such
   basis.  The bases are solved in chunks by one batched
   :func:`numpy.linalg.solve` each; singular and ill-conditioned bases are
   skipped.  The feasible solutions (within the tolerance) get their full
   label sets; vertices are identified by their label sets, so repeated bases
   of a degenerate vertex collapse into one vertex.  A polytope that would need more
   than :data:`MAX_SWEEP` bases is not swept: the search reports itself
   ``incomplete`` instead of running for days.
4. Pair every vertex of ``P`` with every vertex of ``Q`` whose labels cover the
   rest.  When both polytopes are simple the labels of a ``Q`` vertex are the
   complement of those of its ``P`` vertex: a match of keys computed from the
   bases alone, so only the vertices of equilibria are ever solved (or their
   points reused, when they were solved from their bases) and labelled.
   Otherwise, when one polytope is simple, every way of dropping the surplus
   labels of a vertex of the other gives keys to match; when neither is, a
   boolean matrix product finds the pairs.  Normalise each pair.
5. Flag the game degenerate when some vertex has too many labels.

On exact games every pair is solved again from its bases in whole numbers
(:func:`~incentives.solvers._bimatrix.solve_integer`) and checked exactly, so
the output has exact probabilities and exactly the extreme equilibria; the
degeneracy flag is confirmed exactly too.

Work is counted in bases: one per vertex on the Qhull and reverse-search
paths, one per basis solved when every basis of a small polytope is solved
and in the sweep.  There is no limit on the size of the game: the
budget (``max_seconds`` of :func:`~incentives.solve`) bounds the search, and a
search it cuts short returns the equilibria found so far with the status
``budget_exhausted``.

References
----------
B. von Stengel, "Computing equilibria for two-person games", *Handbook of Game
Theory with Economic Applications*, vol. 3, ch. 45, 2002, sections 3 and 5.

D. Avis, G. D. Rosenberg, R. Savani, B. von Stengel, "Enumeration of Nash
equilibria for two-player games", *Economic Theory* 42 (2010) 9-37 (lrsnash).

QuantEcon's ``game_theory.vertex_enumeration`` (Qhull on the polar polytopes,
for non-degenerate games) suggested step 1.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from ..equilibrium import ProfileRows
from ..game import Game
from ._bimatrix import (
    Sweep,
    batched_solve,
    combinations,
    normalise,
    probability_tol,
    well_conditioned,
)
from ._exact_vertices import Vertices, exact_degenerate, exact_profiles
from ._polytope_hull import closed_under_edges, facet_bases
from ._reverse_search import label_keys, reverse_search
from ._small_polytopes import SmallVertices, equilibrium_profiles, hull_vertices, small_vertices, square_profiles
from .registry import Budget, SolverOutput, Status, register_solver

__all__ = ["HULL_DIMENSION", "MAX_JOINT_FACETS", "MAX_SOLVED_BASES", "MAX_SWEEP", "vertex_enumeration"]

#: Polytopes of at most this many dimensions take their vertices from Qhull; larger ones from reverse search
#: (measured on random games: as fast as each other at 12 dimensions, reverse search 1.3-1.9x faster at 13).
HULL_DIMENSION = 12

#: Polytopes with at most this many bases (sets of ``d`` inequalities) take their vertices from solving every
#: basis at once, as one batched solve; larger ones from Qhull (measured on random games: a 4 x 4 game, 70 bases,
#: in a third of Qhull's time; 5 x 5, 252 bases, 12% faster in all; 6 x 6, 924 bases, 1.6 times slower).
MAX_SOLVED_BASES = 300

#: Square games whose two polytopes have at most this many facets together certify both in one pass
#: (:func:`~incentives.solvers._small_polytopes.hull_vertices`); more facets, one polytope at a time (measured on
#: random games: the joint pass 10-15% faster at 7 x 7 and 8 x 8, 5% at 9 x 9, 5-15% slower at 10 x 10).
MAX_JOINT_FACETS = 1_500

#: Relative size of the perturbation of the right-hand sides that makes a degenerate polytope simple.
_PERTURBATION = 1e-6

#: Largest number of bases the sweep (the last fallback) visits; past it the search says it is incomplete.
MAX_SWEEP = 50_000_000

#: Index sets the sweep holds at once (rows of ``k`` indices).
_SUBSETS_PER_CHUNK = 1 << 16

_DEGENERATE_NOTE = (
    "the game is degenerate: every extreme equilibrium is listed; where two listed equilibria "
    "belong to one component, their mixtures are equilibria too."
)


@dataclass
class _Polytope:
    """The polytope ``{z >= 0, C z <= 1}`` and the vertices found so far.

    ``coordinates_first`` says whether the coordinate labels come before the
    constraint labels (``P``) or after them (``Q``).  A polytope settled by the
    simple path keeps only its vertices' bases (``simple``: rows of ``d``
    inequality numbers, ``i < r`` for row ``i`` of ``C``, ``r + j`` for
    ``z_j >= 0``), which are also their labels; the other paths keep points,
    full labels and bases.
    """

    matrix: np.ndarray
    tol: float
    coordinates_first: bool
    simple: np.ndarray | None = None
    solved: np.ndarray | None = None
    keys: np.ndarray | None = None
    points: list[np.ndarray] = field(default_factory=list)
    labels: list[np.ndarray] = field(default_factory=list)
    supports: list[np.ndarray] = field(default_factory=list)
    tight: list[np.ndarray] = field(default_factory=list)

    @functools.cached_property
    def equations(self) -> np.ndarray:
        """The inequalities as rows, ``C`` then ``-z_j`` (their right-hand sides are :attr:`bounds`)."""
        return np.vstack([self.matrix, -np.eye(self.matrix.shape[1])])

    @property
    def bounds(self) -> np.ndarray:
        """The right-hand sides of :attr:`equations`: 1 for each row of ``C``, 0 for each coordinate."""
        return _shape_arrays(*self.matrix.shape, self.coordinates_first)[0]

    @property
    def bits(self) -> np.ndarray:
        """``2**i`` for each inequality number ``i`` (below 63): a set of inequalities is the sum of its bits."""
        return _shape_arrays(*self.matrix.shape, self.coordinates_first)[1]

    def forget(self) -> None:
        """Drop the vertices found so far (a path that could not certify them)."""
        self.simple = self.solved = self.keys = None
        for part in (self.points, self.labels, self.supports, self.tight):
            part.clear()

    @property
    def label_of(self) -> np.ndarray:
        """The label of each inequality number."""
        return _shape_arrays(*self.matrix.shape, self.coordinates_first)[2]

    def bases_as_masks(self, bases: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Labels, support masks and tight masks of simple vertices given by their bases."""
        rows, dim = self.matrix.shape
        members = np.zeros((len(bases), rows + dim), dtype=bool)
        np.put_along_axis(members, bases, True, axis=1)
        labels = np.zeros_like(members)
        labels[:, self.label_of] = members
        return labels, ~members[:, rows:], members[:, :rows]


@functools.lru_cache(maxsize=256)
def _shape_arrays(rows: int, dim: int, coordinates_first: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arrays of :class:`_Polytope` that depend on its shape only (computed once, read-only, shared)."""
    bounds = np.concatenate([np.ones(rows), np.zeros(dim)])
    bits = np.left_shift(np.int64(1), np.arange(min(rows + dim, 63), dtype=np.int64))
    label_of = np.concatenate([dim + np.arange(rows), np.arange(dim)]) if coordinates_first else np.arange(rows + dim)
    for array in (bounds, bits, label_of):
        array.setflags(write=False)
    return bounds, bits, label_of


@register_solver(
    "vertex-enumeration",
    players=2,
    finds="all extreme equilibria",
    summary="every extreme equilibrium of a two-player game, degenerate or not (best-response polytopes)",
)
def vertex_enumeration(game: Game, *, tol: float, budget: Budget) -> SolverOutput:
    """Every extreme Nash equilibrium of a two-player game.

    Parameters
    ----------
    game : Game
        A two-player game, of any size.
    tol : float
        Absolute payoff tolerance (:func:`~incentives.solve` scales it by the payoffs).
    budget : Budget
        Work is counted in bases; the search stops when the budget runs out.

    Returns
    -------
    SolverOutput
        Status ``complete`` (``budget_exhausted`` if the budget ran out,
        ``incomplete`` if a polytope needed a sweep of more than :data:`MAX_SWEEP`
        bases), and whether the game is degenerate.

    Examples
    --------
    >>> import incentives as inc
    >>> game = inc.Game.from_bimatrix([[1, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     result = inc.solve(game, "vertex-enumeration")
    >>> [w.category.__name__ for w in caught]
    ['DegenerateGameWarning']
    >>> [e.describe(game) for e in result], result.degenerate
    (['row=r0, column=c0', 'row=r0, column=c1'], True)
    """
    a, b = game.float_payoffs()
    polytopes = _polytopes(a, b, tol)
    sweep, ptol = Sweep(budget), probability_tol(game, tol)
    small = _small_search(polytopes, ptol, sweep, keep=game.is_exact)
    decided = (
        tuple(d or None for d in small.settled) if small is not None else _square_hull_search(polytopes, ptol, sweep)
    )
    pending = tuple(
        p
        for p, done in zip(polytopes, decided, strict=True)
        if done is False or (done is None and (_tied_pure_vertex(p.matrix) or not _simple_search(p, ptol, sweep)))
    )
    pending = tuple(polytope for polytope in pending if not _perturbed_search(polytope, ptol, sweep))
    notes: list[str] = []
    unswept = _bases(pending) > MAX_SWEEP
    if pending and unswept:
        notes.append(
            f"neither pivoting nor its perturbation could enumerate the vertices of a best-response polytope "
            f"(rounding at nearly tied pivots), and sweeping its {_bases(pending):,} bases would take far too "
            "long: the equilibria found are listed, and others may be missing"
        )
    elif pending:
        _sweep(pending, ptol, sweep)
    m, n = game.shape
    both_small = small is not None and all(small.settled)
    if not game.is_exact and (both_small or (polytopes[0].simple is not None and polytopes[1].simple is not None)):
        # both simple: no vertex has surplus labels, and only the vertices of equilibria are solved
        found = equilibrium_profiles(small) if small is not None and both_small else _simple_profiles(polytopes)
        status: Status = "budget_exhausted" if sweep.stopped else "complete"
        return SolverOutput(profiles=found, status=status, degenerate=False if status == "complete" else None)
    p, q, pairs = _paired(polytopes, m, n)
    degenerate = bool(np.any(p.labels.sum(axis=1) > m) or np.any(q.labels.sum(axis=1) > n))
    if game.is_exact:
        profiles = exact_profiles(game, p, q, pairs)
        degenerate = exact_degenerate(game, p, q)
        if len(profiles) < len(pairs):
            notes.append(f"{len(pairs) - len(profiles)} vertex pair(s) passed in floating point but not exactly.")
    else:
        profiles = _float_profiles(polytopes, p, q, pairs, m)
    if degenerate:
        notes.append(_DEGENERATE_NOTE)
    status = "budget_exhausted" if sweep.stopped else "incomplete" if pending and unswept else "complete"
    known = degenerate or status == "complete"  # an unfinished search cannot rule degeneracy out
    return SolverOutput(profiles=profiles, status=status, degenerate=degenerate if known else None, notes=tuple(notes))


def _polytopes(a: np.ndarray, b: np.ndarray, tol: float) -> tuple[_Polytope, _Polytope]:
    """``P`` (from ``B^T``) and ``Q`` (from ``A``), with the tolerance in normalised payoff units."""
    a_norm, a_span = normalise(a)
    b_norm, b_span = normalise(b)
    return (
        _Polytope(matrix=np.ascontiguousarray(b_norm.T), tol=tol / b_span, coordinates_first=True),
        _Polytope(matrix=a_norm, tol=tol / a_span, coordinates_first=False),
    )


def _small_search(
    polytopes: tuple[_Polytope, _Polytope], ptol: float, sweep: Sweep, *, keep: bool
) -> SmallVertices | None:
    """Both polytopes of a game with at most :data:`MAX_SOLVED_BASES` bases at once, as :func:`_basis_search` would.

    Each polytope it certifies counts its bases as work and, when ``keep`` or
    when the other polytope is not certified, keeps its vertices (when both are
    certified, a float game's equilibria come from the result itself:
    :func:`equilibrium_profiles`); the other is left untouched for
    :func:`_simple_search`.  None, and nothing done, for a larger game, when a
    pure strategy has tied best responses, when a basis is singular, or when
    the budget could not cover both polytopes' bases.
    """
    rows, dim = polytopes[0].matrix.shape
    count = math.comb(rows + dim, dim)
    budget = sweep.budget
    if count > MAX_SOLVED_BASES or sweep.stopped or budget.exhausted():
        return None
    if budget.max_iterations is not None and budget.max_iterations - budget.iterations < 2 * count:
        return None
    tols = np.array([[polytopes[0].tol], [polytopes[1].tol]])
    found = small_vertices(polytopes[0].matrix, polytopes[1].matrix, tols, ptol)
    if found is None:
        return None
    shape = found.layout
    keep = keep or not all(found.settled)
    for p, (polytope, done) in enumerate(zip(polytopes, found.settled, strict=True)):
        if done:
            budget.tick(count)
        if done and keep:
            chosen = np.flatnonzero(found.tight[p])
            polytope.simple = shape.bases[p][chosen]
            polytope.keys = shape.keys[p][chosen]
            polytope.solved = found.points[p, chosen, : polytope.matrix.shape[1]]
    return found


def _square_hull_search(polytopes: tuple[_Polytope, _Polytope], ptol: float, sweep: Sweep) -> tuple[bool | None, ...]:
    """Both polytopes of a square game from Qhull, certified together, as :func:`_hull_search` would.

    For each polytope: True when settled, False when its vertices could not be
    certified (it needs another path), None when not tried (the per-polytope
    paths decide).  A polytope the joint certificate does not settle gets
    :func:`_certify` with its facets, as in :func:`_hull_search`.  Nothing is
    tried unless the game is square, Qhull is the path (more than
    :data:`MAX_SOLVED_BASES` bases, at most :data:`HULL_DIMENSION` dimensions), no
    pure strategy has tied best responses, and the budget counts time only and
    has time left.
    """
    rows, dim = polytopes[0].matrix.shape
    budget = sweep.budget
    untried = (None, None)
    if rows != dim or not 2 <= dim <= HULL_DIMENSION or math.comb(rows + dim, dim) <= MAX_SOLVED_BASES:
        return untried
    if sweep.stopped or budget.max_iterations is not None or budget.exhausted():
        return untried
    ordered = np.sort(np.concatenate([polytopes[0].matrix, polytopes[1].matrix], axis=1), axis=0)
    if (ordered[-1] == ordered[-2]).any():  # as _tied_pure_vertex, both at once: degenerate for sure
        return untried
    first, second = facet_bases(polytopes[0].matrix), facet_bases(polytopes[1].matrix)
    if first is None or second is None:  # as _hull_search: that polytope needs another path
        return (None if first is not None else False), (None if second is not None else False)
    found = None
    if len(first[0]) + len(second[0]) <= MAX_JOINT_FACETS:  # else as _hull_search, one polytope at a time
        tols = np.array([[polytopes[0].tol], [polytopes[1].tol]])
        found = hull_vertices((first, second), polytopes[0].matrix, polytopes[1].matrix, tols, ptol)
    decided: list[bool | None] = []
    for p, (polytope, (bases, vertices)) in enumerate(zip(polytopes, (first, second), strict=True)):
        if sweep.stopped:  # the budget ran out: as _simple_search, the polytope counts as settled
            decided.append(None)
        elif found is not None and found.settled[p]:
            polytope.simple, polytope.keys = bases, found.keys[p]
            budget.tick(len(bases))
            decided.append(True)
        else:
            decided.append(_certify(polytope, bases, vertices, ptol, sweep, candidates=False))
    return tuple(decided)


def _simple_search(polytope: _Polytope, ptol: float, sweep: Sweep) -> bool:
    """Every vertex of a simple polytope, with the certificate; whether that settles the polytope.

    It settles it when the certificate holds, or when the budget ran out (the
    vertices found are kept).  Otherwise nothing is kept.
    """
    if sweep.stopped:
        return True
    rows, dim = polytope.matrix.shape
    if math.comb(rows + dim, dim) <= MAX_SOLVED_BASES:
        settled = _basis_search(polytope, ptol, sweep)
        if settled is not None:
            return settled
    if dim <= HULL_DIMENSION:
        return _hull_search(polytope, ptol, sweep)
    found = reverse_search(polytope.matrix, np.ones(rows), tol=min(polytope.tol, ptol), budget=sweep.budget)
    if found.stopped:
        sweep.stopped = True
    if found.stopped or found.certified:
        polytope.simple = found.bases
        return True
    return False


def _basis_search(polytope: _Polytope, ptol: float, sweep: Sweep) -> bool | None:
    """Solve every basis of a small polytope at once; whether the feasible solutions settle it.

    They settle it when every feasible solution has exactly its basis as labels
    and they are closed under edges (as for :func:`_hull_search`, whose
    certificate this is).  None, and nothing kept, when some basis is singular:
    the polytope may still be simple, and Qhull decides.
    """
    rows, dim = polytope.matrix.shape
    bases = _every_basis(rows + dim, dim)
    points, ok = batched_solve(polytope.equations[bases], polytope.bounds[bases])
    if not ok.all():
        return None
    return _certify(polytope, bases, points, ptol, sweep, candidates=True)


@functools.lru_cache(maxsize=256)
def _every_basis(total: int, dim: int) -> np.ndarray:
    """Every set of ``dim`` of ``total`` inequality numbers, as sorted rows (read-only: it is shared)."""
    bases = combinations(total, dim)
    bases.setflags(write=False)
    return bases


def _hull_search(polytope: _Polytope, ptol: float, sweep: Sweep) -> bool:
    """Take the vertices from the facets of the polar hull; whether they settle the polytope.

    They settle it when every vertex is feasible and its labels are exactly its
    basis (so ``d`` of them), and the vertices are closed under edges
    (:func:`closed_under_edges`), or when the budget ran out (then the
    vertices whose basis is tight are kept).  Otherwise nothing is kept, and
    the polytope needs another path.
    """
    found = facet_bases(polytope.matrix)
    if found is None:
        return False
    return _certify(polytope, *found, ptol, sweep, candidates=False)


def _certify(
    polytope: _Polytope, bases: np.ndarray, points: np.ndarray, ptol: float, sweep: Sweep, *, candidates: bool
) -> bool:
    """Keep the vertices among ``points`` (solutions of ``bases``); whether they are every vertex of a simple polytope.

    Every point must be feasible with exactly its basis as labels, or, when the
    points are ``candidates`` (the solutions of every basis), every feasible
    one; and the vertices kept, with the origin, must be closed under edges.
    When the budget runs out, the vertices whose basis is tight are kept and
    the polytope counts as settled; when the certificate fails, nothing is
    kept.  Each point counts as one basis of work.
    """
    n_constraints, dim = polytope.matrix.shape
    settled, kept, keys = True, [], []
    for part in sweep.runs(len(bases), size=dim + n_constraints):
        valid, exact, basis_tight, basis = _basis_is_label_set(polytope, bases[part], points[part], ptol)
        settled = settled and bool((exact == valid).all() if candidates else exact.all())
        kept.append(np.flatnonzero(basis_tight) + part.start)
        keys.append(None if basis is None else basis[basis_tight])
    chosen = np.concatenate(kept) if len(kept) > 1 else kept[0] if kept else np.zeros(0, dtype=np.intp)
    polytope.simple = bases[chosen]
    known = [k for k in keys if k is not None]
    if known and len(known) == len(keys):
        polytope.keys = np.concatenate(known)
    if candidates:  # solved from their bases: the points are final (Qhull's come from its hyperplanes, less exactly)
        polytope.solved = points[chosen]
    if sweep.stopped:
        return True
    origin = np.arange(n_constraints, n_constraints + dim)[None]  # the coordinates are numbered last
    if settled and closed_under_edges(np.vstack([polytope.simple, origin]), n_constraints + dim):
        return True
    polytope.forget()
    return False


def _basis_is_label_set(
    polytope: _Polytope, bases: np.ndarray, points: np.ndarray, ptol: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Which points are feasible, which of those have exactly their basis as labels, and which their basis tight.

    Also the bases as sets of bits (None above 62 inequalities), which :func:`_simple_keys` reuses.
    """
    rows, dim = polytope.matrix.shape
    if rows + dim > 62:
        valid, tight = _tight(polytope, points, ptol)
        basis_tight = valid & np.take_along_axis(tight, bases, axis=1).all(axis=1)
        # the labels are exactly the basis when the basis is tight and nothing else is
        return valid, basis_tight & (np.count_nonzero(tight, axis=1) == dim), basis_tight, None
    # one column per point: every reduction below runs along long rows, many times faster than along short ones
    columns = np.ascontiguousarray(points.T)
    total = columns.sum(axis=0)
    ok = total > 0
    total[~ok] = 1.0
    probabilities = columns / total
    gaps = (1.0 - np.einsum("ij,jk->ik", polytope.matrix, columns)) / total  # numpy's loop, not BLAS: see _tight
    valid = ok & (probabilities.min(axis=0) >= -ptol) & (gaps.min(axis=0) >= -polytope.tol)
    # sets of inequalities as the bits of an int64: one comparison per point
    bits = polytope.bits
    labels = bits[:rows] @ (gaps <= polytope.tol) + bits[rows:] @ (probabilities <= ptol)
    basis = np.left_shift(np.int64(1), bases.T.astype(np.int64, order="C")).sum(
        axis=0
    )  # distinct bits: the sum is the union
    return valid, valid & (labels == basis), valid & ((labels & basis) == basis), basis


def _tight(polytope: _Polytope, points: np.ndarray, ptol: float) -> tuple[np.ndarray, np.ndarray]:
    """Which points are feasible (within the tolerances), and their tight inequalities (rows, then coordinates)."""
    total = points.sum(axis=1, keepdims=True)
    ok = total[:, 0] > 0
    total[~ok] = 1.0
    probabilities = points / total
    # numpy's own loop, not BLAS: on a busy machine OpenBLAS's threads made this small product 100x slower
    gaps = (1.0 - np.einsum("ij,kj->ik", points, polytope.matrix)) / total
    valid = ok & np.all(probabilities >= -ptol, axis=1) & np.all(gaps >= -polytope.tol, axis=1)
    return valid, np.hstack([gaps <= polytope.tol, probabilities <= ptol])


def _tied_pure_vertex(matrix: np.ndarray) -> bool:
    """Whether a pure strategy has two best responses, which makes the polytope degenerate for sure.

    The vertex ``e_j / max_i C[i, j]`` has every row reaching that maximum as a
    label besides the ``d - 1`` zero coordinates: ties in a column's maximum give
    it too many labels, so the simple path cannot certify the polytope.
    """
    return bool(np.any(np.count_nonzero(matrix == matrix.max(axis=0), axis=0) > 1))


def _perturbed_search(polytope: _Polytope, ptol: float, sweep: Sweep) -> bool:
    """Take the vertices of a degenerate polytope from the bases of a perturbed, simple one; whether that settles it.

    The right-hand side ``1`` of row ``i`` becomes ``1 + delta_i`` (fixed, tiny,
    distinct), which makes the polytope simple, so the simple path certifies
    every vertex of the perturbed polytope.  Each of its bases, solved with the
    right-hand side ``1`` again, is a vertex of the original polytope when it
    is feasible there, and then every vertex is reached: a vertex ``v`` is the
    only maximiser of some objective, the perturbed polytope's maximiser has a
    basis that stays optimal for the original right-hand side (the reduced
    costs do not depend on it) and, being feasible, gives ``v``.  The argument
    holds for any perturbation; a tiny one only makes the bases feasible.  If
    some basis is infeasible or ill-conditioned without the perturbation,
    nothing is kept and the polytope needs the sweep.  The ``delta_i`` are
    pseudo-random but fixed (the same game always gives the same result);
    values in arithmetic progression would keep some ties.
    """
    if sweep.stopped:
        return True
    rows = polytope.matrix.shape[0]
    delta = _PERTURBATION * np.asarray(np.random.default_rng(rows).uniform(1.0, 2.0, size=rows))
    perturbed = _Polytope(
        matrix=polytope.matrix / (1.0 + delta)[:, None], tol=polytope.tol, coordinates_first=polytope.coordinates_first
    )
    if not _simple_search(perturbed, ptol, sweep):
        return False
    bases = perturbed.simple if perturbed.simple is not None else np.zeros((0, 1), dtype=np.intp)
    _, supports, tight = perturbed.bases_as_masks(bases)
    sizes = np.count_nonzero(supports, axis=1)
    feasible = True
    for k in set(sizes.tolist()):
        chosen = sizes == k
        for start in range(0, int(chosen.sum()), _SUBSETS_PER_CHUNK):
            part = slice(start, start + _SUBSETS_PER_CHUNK)
            support_rows, tight_rows = _indices(supports[chosen][part])[:, :k], _indices(tight[chosen][part])[:, :k]
            feasible = feasible and bool(np.all(_solve_chunk(polytope, support_rows, tight_rows, ptol)))
    if feasible or sweep.stopped:  # a search cut short keeps what it found
        return True
    polytope.forget()
    return False


def _sweep(polytopes: tuple[_Polytope, ...], ptol: float, sweep: Sweep) -> None:
    """Solve every basis of the polytopes, smallest supports first, alternating polytopes."""
    rows, cols = polytopes[0].matrix.shape
    for k in range(1, min(rows, cols) + 1):
        for polytope in polytopes:
            n_constraints, n_coordinates = polytope.matrix.shape
            for supports in _subsets(n_coordinates, k):
                for tight in _subsets(n_constraints, k):
                    for left, right in sweep.pairs(
                        len(supports), len(tight), size=k * k + n_constraints + n_coordinates
                    ):
                        _solve_chunk(polytope, supports[left], tight[right], ptol)
                    if sweep.stopped:
                        return


def _bases(polytopes: tuple[_Polytope, ...]) -> int:
    """The number of bases the sweep solves for these polytopes."""
    return sum(
        math.comb(p.matrix.shape[1], k) * math.comb(p.matrix.shape[0], k)
        for p in polytopes
        for k in range(1, min(p.matrix.shape) + 1)
    )


def _subsets(n: int, k: int) -> Iterator[np.ndarray]:
    """Every ``k``-subset of ``range(n)`` as rows of int arrays, in lexicographic order, a chunk at a time."""
    subsets = itertools.combinations(range(n), k)
    for _ in range(0, math.comb(n, k), _SUBSETS_PER_CHUNK):
        chunk = itertools.islice(subsets, _SUBSETS_PER_CHUNK)
        yield np.fromiter(itertools.chain.from_iterable(chunk), dtype=np.intp).reshape(-1, k)


def _solve_chunk(polytope: _Polytope, supports: np.ndarray, tight: np.ndarray, ptol: float) -> np.ndarray:
    """Solve the bases ``C[tight[s], supports[s]] z = 1``, keep the feasible ones with their labels; which were kept."""
    matrix, k = polytope.matrix, supports.shape[1]
    system = matrix[tight[:, :, None], supports[:, None, :]]
    solution, ok = batched_solve(system, np.ones(k))
    points = np.zeros((len(supports), matrix.shape[1]))
    np.put_along_axis(points, supports, solution, axis=1)
    valid, labels = _labelled(polytope, points, ok, ptol)
    valid[valid] = well_conditioned(system[valid])
    support_mask = np.zeros((int(valid.sum()), matrix.shape[1]), dtype=bool)
    np.put_along_axis(support_mask, supports[valid], True, axis=1)
    tight_mask = np.zeros((int(valid.sum()), matrix.shape[0]), dtype=bool)
    np.put_along_axis(tight_mask, tight[valid], True, axis=1)
    _keep(polytope, points[valid], labels[valid], support_mask, tight_mask)
    return valid


def _labelled(polytope: _Polytope, points: np.ndarray, ok: np.ndarray, ptol: float) -> tuple[np.ndarray, np.ndarray]:
    """Which solved points are feasible (within the tolerances), and the full label set of every point."""
    valid, tight = _tight(polytope, np.where(ok[:, None], points, 0.0), ptol)
    rows = polytope.matrix.shape[0]
    labels = np.hstack(
        [tight[:, rows:], tight[:, :rows]] if polytope.coordinates_first else [tight[:, :rows], tight[:, rows:]]
    )
    return ok & valid, labels


def _keep(polytope: _Polytope, points: np.ndarray, labels: np.ndarray, support: np.ndarray, tight: np.ndarray) -> None:
    """Record vertices with their labels and their bases (masks of the support and the tight constraints)."""
    polytope.points.append(points)
    polytope.labels.append(labels)
    polytope.supports.append(_indices(support))
    polytope.tight.append(_indices(tight))


def _indices(mask: np.ndarray) -> np.ndarray:
    """The True columns of each row of a mask, in order, padded with -1 to the mask's width."""
    width = mask.shape[1]
    ordered = np.sort(np.where(mask, np.arange(width), width), axis=1)
    return np.where(ordered == width, -1, ordered)


def _paired(polytopes: tuple[_Polytope, _Polytope], m: int, n: int) -> tuple[Vertices, Vertices, list[tuple[int, int]]]:
    """The vertices of ``P`` and ``Q`` that matter, and the index pairs of the complementary ones.

    When both polytopes are simple only the vertices of equilibria are built
    (from their bases); otherwise every distinct vertex of each polytope.
    """
    first, second = polytopes
    if first.simple is not None and second.simple is not None:
        rows, cols = _complementary_vertices(first, second)
        p, q = _simple_vertices(first, first.simple[rows]), _simple_vertices(second, second.simple[cols])
        return p, q, [(i, i) for i in range(len(rows))]
    p, q = (_distinct(polytope) for polytope in polytopes)
    return p, q, _complementary_pairs(p.labels, q.labels, m, n)


def _complementary_vertices(first: _Polytope, second: _Polytope) -> tuple[np.ndarray, np.ndarray]:
    """The complementary pairs of vertices of two simple polytopes (indices into ``simple``), in ``first``'s order.

    The labels of a simple vertex are its basis, so a pair is complementary when
    the label sets of the two bases are each other's complement: a match of keys.
    """
    assert first.simple is not None and second.simple is not None
    width = sum(first.matrix.shape)
    if width > 62:
        pair = label_keys(~_simple_labels(first)), _simple_keys(second)
        _, rows, cols = np.intersect1d(*pair, assume_unique=True, return_indices=True)
        order = np.argsort(rows)
        return rows[order], cols[order]
    wanted = _simple_keys(first) ^ np.int64((1 << width) - 1)
    keys = _simple_keys(second)
    order = np.argsort(keys)
    ordered = keys[order]
    spots = np.minimum(np.searchsorted(ordered, wanted), max(len(ordered) - 1, 0))
    hit = ordered[spots] == wanted if len(ordered) else np.zeros(len(wanted), dtype=bool)
    return np.flatnonzero(hit), order[spots[hit]]


def _simple_profiles(polytopes: tuple[_Polytope, _Polytope]) -> ProfileRows:
    """The equilibria of two simple polytopes as probability vectors, one per complementary pair of vertices."""
    pairs = _complementary_vertices(*polytopes)
    first, second = polytopes
    assert first.simple is not None and second.simple is not None
    m, n = second.matrix.shape
    if m == n and first.solved is None and second.solved is None:  # both points of every pair in one solve
        with contextlib.suppress(np.linalg.LinAlgError):
            return square_profiles(first.matrix, second.matrix, first.simple[pairs[0]], second.simple[pairs[1]])
    rows, cols = (_probabilities(polytope, chosen) for polytope, chosen in zip(polytopes, pairs, strict=True))
    return ProfileRows(np.hstack([rows, cols]), m)


def _probabilities(polytope: _Polytope, chosen: np.ndarray) -> np.ndarray:
    """Simple vertices as probability vectors (rows): each solved from its basis, its zero coordinates exactly zero."""
    assert polytope.simple is not None
    bases = polytope.simple[chosen]
    points = polytope.solved[chosen] if polytope.solved is not None else _solve_bases(polytope, bases)
    rows = polytope.matrix.shape[0]
    zero = np.zeros((len(bases), rows + polytope.matrix.shape[1]), dtype=bool)
    zero[np.arange(len(bases))[:, None], bases] = True
    out = np.where(zero[:, rows:], 0.0, np.maximum(points, 0.0))
    return out / out.sum(axis=1, keepdims=True)


def _simple_keys(polytope: _Polytope) -> np.ndarray:
    """The label keys (:func:`label_keys`) of a simple polytope's vertices, from their bases."""
    assert polytope.simple is not None
    rows, dim = polytope.matrix.shape
    if rows + dim > 62:
        return label_keys(_simple_labels(polytope))
    keys = polytope.keys
    if keys is None:  # the inequalities of a vertex are distinct bits: their sum is their union
        keys = np.left_shift(np.int64(1), polytope.simple.T.astype(np.int64, order="C")).sum(axis=0)
    if not polytope.coordinates_first:  # Q: inequality i has label i
        return keys
    # P: the rows of C have labels dim, dim + 1, ..., the coordinates 0, 1, ...: the bits move accordingly
    return ((keys & np.int64((1 << rows) - 1)) << np.int64(dim)) | (keys >> np.int64(rows))


def _simple_labels(polytope: _Polytope) -> np.ndarray:
    """The label masks of a simple polytope's vertices."""
    assert polytope.simple is not None
    return polytope.bases_as_masks(polytope.simple)[0]


def _simple_vertices(polytope: _Polytope, bases: np.ndarray) -> Vertices:
    """Vertices of a simple polytope from their bases (:func:`_solve_bases`)."""
    labels, support, tight = polytope.bases_as_masks(bases)
    points = _solve_bases(polytope, bases)
    return Vertices(points=points, labels=labels, supports=_indices(support), tight=_indices(tight))


#: Bytes of the systems :func:`_solve_bases` solves at once at most.
_SOLVE_BYTES = 64 * 2**20


def _solve_bases(polytope: _Polytope, bases: np.ndarray) -> np.ndarray:
    """The vertex of each basis of ``{z >= 0, C z <= 1}``; rows of singular bases are meaningless.

    A basis holds ``k`` rows of ``C`` and ``d - k`` coordinates, which are zero at its vertex,
    so the other ``k`` coordinates solve a ``k x k`` system: a polytope of few rows in many
    dimensions (one player with hundreds of actions) is solved in small systems, a few
    megabytes at a time, not in ``d x d`` ones (a 3 x 503 polytope's 2,007 of them asked for
    3.8 GiB).

    Examples
    --------
    >>> polytope = _Polytope(matrix=np.array([[2.0, 1.0], [1.0, 2.0]]), tol=1e-9, coordinates_first=False)
    >>> _solve_bases(polytope, np.array([[0, 1], [0, 3], [2, 3]])).round(4).tolist()
    [[0.3333, 0.3333], [0.5, 0.0], [0.0, 0.0]]
    """
    rows, dim = polytope.matrix.shape
    points = np.zeros((len(bases), dim))
    counts = (bases < rows).sum(axis=1)
    for k in np.unique(counts[counts > 0]).tolist():
        group = np.flatnonzero(counts == k)
        for part in np.array_split(group, math.ceil(len(group) * k * k * 8 / _SOLVE_BYTES)):
            chosen = np.sort(bases[part], axis=1)
            free = np.ones((len(part), dim), dtype=bool)
            free[np.arange(len(part))[:, None], chosen[:, k:] - rows] = False  # the coordinates in the basis
            columns = np.nonzero(free)[1].reshape(len(part), k)
            systems = polytope.matrix[chosen[:, :k, None], columns[:, None, :]]
            points[part[:, None], columns] = batched_solve(systems, np.ones(k))[0]
    return points


def _distinct(polytope: _Polytope) -> Vertices:
    """One vertex per distinct label set, with the first basis that found it."""
    if polytope.simple is not None:
        return _simple_vertices(polytope, polytope.simple)
    width, dim = sum(polytope.matrix.shape), polytope.matrix.shape[1]
    if not polytope.points:
        empty = np.zeros((0, dim), dtype=np.intp)
        return Vertices(points=np.zeros((0, dim)), labels=np.zeros((0, width), bool), supports=empty, tight=empty)
    points, labels = np.vstack(polytope.points), np.vstack(polytope.labels)
    _, first = np.unique(label_keys(labels), return_index=True)
    first = np.sort(first)
    supports, tight = np.vstack(polytope.supports)[first], np.vstack(polytope.tight)[first]
    return Vertices(points=points[first], labels=labels[first], supports=supports, tight=tight)


#: Label subsets :func:`_dropping_surplus` makes at most; beyond, pairs come from the chunked product.
_MAX_SUBSETS = 2**22


def _complementary_pairs(p_labels: np.ndarray, q_labels: np.ndarray, m: int, n: int) -> list[tuple[int, int]]:
    """Index pairs of vertices whose label sets together cover every label.

    When the vertices of one polytope all have exactly their dimension of
    labels, a pair covers every label exactly when the other vertex's labels
    contain the complement of that vertex's: each vertex of the other polytope
    gives one key per way of dropping its surplus labels, and keys are
    matched.  Otherwise a label missing from both is a 1 in the product of the
    "missing" indicator matrices, so complementary pairs are the zeros of that
    product.
    """
    p_simple, q_simple = bool(np.all(p_labels.sum(axis=1) == m)), bool(np.all(q_labels.sum(axis=1) == n))
    if p_simple or q_simple:
        other, size = (q_labels, n) if p_simple else (p_labels, m)
        subsets = sum(math.comb(int(c), size) for c in other.sum(axis=1) if c >= size)
        if subsets > _MAX_SUBSETS:  # too many ways of dropping surplus labels: the chunked product instead
            p_simple = q_simple = False
    if q_simple or p_simple:
        simple, other, size = (p_labels, q_labels, n) if p_simple else (q_labels, p_labels, m)
        expanded, owners = _dropping_surplus(other, size)
        keys = label_keys(~simple if p_simple else simple), label_keys(expanded if p_simple else ~expanded)
        found = [(int(i), int(owners[j])) for i, j in _matches(*keys)]
        return sorted(set(found if p_simple else [(j, i) for i, j in found]))
    missing_q = (~q_labels).astype(np.float32).T
    step = max(1, 2**24 // max(1, len(q_labels)))
    pairs: list[tuple[int, int]] = []
    for start in range(0, len(p_labels), step):
        clash = (~p_labels[start : start + step]).astype(np.float32) @ missing_q
        rows, cols = np.nonzero(clash == 0)
        pairs.extend((int(r) + start, int(c)) for r, c in zip(rows, cols, strict=True))
    return pairs


def _dropping_surplus(labels: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Every subset of ``size`` labels of each row (rows with fewer give none), and the row each came from."""
    counts = labels.sum(axis=1)
    exact = np.flatnonzero(counts == size)
    rows, owners = [labels[exact]], [exact]
    for i in np.flatnonzero(counts > size):
        present = np.flatnonzero(labels[i])
        kept = np.array(list(itertools.combinations(present.tolist(), size)), dtype=np.intp)
        masks = np.zeros((len(kept), labels.shape[1]), dtype=bool)
        np.put_along_axis(masks, kept, True, axis=1)
        rows.append(masks)
        owners.append(np.full(len(kept), i, dtype=np.intp))
    return np.vstack(rows), np.concatenate(owners)


def _matches(left: np.ndarray, right: np.ndarray) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)`` with ``left[i] == right[j]`` (``left`` distinct)."""
    order = np.argsort(left, kind="stable")
    ordered = left[order]
    spots = np.clip(np.searchsorted(ordered, right), 0, max(len(ordered) - 1, 0))
    if len(ordered) == 0:
        return []
    hit = ordered[spots] == right
    return [(int(order[s]), int(j)) for s, j in zip(spots[hit], np.flatnonzero(hit), strict=True)]


def _float_profiles(
    polytopes: tuple[_Polytope, _Polytope], p: Vertices, q: Vertices, pairs: list[tuple[int, int]], m: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The equilibria at the vertex pairs, as probability vectors (every point was solved from its basis)."""
    return [(_normalised(p.points[i], p.labels[i, :m]), _normalised(q.points[j], q.labels[j, m:])) for i, j in pairs]


def _normalised(point: np.ndarray, zero: np.ndarray) -> np.ndarray:
    """A vertex as a probability vector, with its zero labels exactly zero."""
    out = np.where(zero, 0.0, np.maximum(point, 0.0))
    return out / out.sum()
