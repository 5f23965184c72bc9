"""Every vertex of a simple best-response polytope by reverse search: pivoting, with no list of visited vertices.

Definitions
-----------
The polytope is ``{z in R^d : z >= 0, C z <= h}`` with ``C`` of shape ``(r, d)``
and positive entries, so it is bounded.  Its ``R = r + d`` inequalities are
numbered ``0, ..., r - 1`` for the rows of ``C`` and ``r + j`` for ``z_j >= 0``;
their *slacks* are ``s_i = h_i - C_i z`` and ``s_{r+j} = z_j``.  A *basis* is a
set ``T`` of ``d`` inequalities whose equations determine a point; at a vertex
with basis ``T`` every slack is an affine function of the ``d`` slacks of ``T``
(the *dictionary*)::

    s = b + M s_T

with ``b`` the slacks at the vertex (zero on ``T``) and ``M`` of shape ``(R, d)``
(the rows of ``T`` are unit vectors).  The polytope is *simple* when no vertex
has a slack outside its basis equal to zero; then bases and vertices are one to
one, and every vertex has exactly ``d`` neighbours, one along each column.

*Moving along column* ``k`` raises ``s_{T_k}`` from zero; the first slack to fall
to zero (the *ratio test*: the smallest ``b_i / -M[i, k]`` over ``M[i, k] < 0``)
names the neighbour's basis ``T - T_k + i``, and one *pivot* gives its
dictionary: with ``w = M[i] / M[i, k]``, ``M' = M - M[:, k] w``,
``M'[:, k] = M[:, k] / M[i, k]`` and ``b' = b - M[:, k] b_i / M[i, k]``.

Algorithm (Avis and Fukuda 1992)
--------------------------------
The objective ``f(z) = w . z`` with fixed weights ``w > 0`` is minimised over the
polytope at the origin only.  The simplex method with Bland's rule (leave by the
improving column whose inequality has the smallest number) reaches the origin
from every vertex, so its first pivot defines a *parent* for every vertex but
the origin, and the parents form a tree.  The search walks that tree from the
origin, a batch of vertices at a time: for every vertex of a batch it computes
each neighbour's objective row by the pivot (``d`` numbers) and keeps as
*children* the neighbours whose parent it is; only children get a dictionary.
No vertex is stored to avoid revisiting it, and each vertex is reached once.

Certificate
-----------
Floating point could mislead the walk, so a vertex with a slack outside its
basis within the tolerance (the polytope may not be simple), two entries of
the ratio test or a reduced cost equal to within :data:`ROUNDING` (the parent
rule is unclear) stop it with ``simple=False``.  Otherwise the neighbours of all
the vertices found must be exactly the vertices found, each vertex once: the
found set is then closed under edges, and as the graph of a polytope is
connected (Balinski's theorem), no vertex is missing.

References
----------
D. Avis and K. Fukuda, "A pivoting algorithm for convex hulls and vertex
enumeration of arrangements and polyhedra", *Discrete & Computational Geometry*
8 (1992) 295-313 (reverse search; lrs implements it).

G. M. Ziegler, *Lectures on Polytopes*, Springer, 1995, section 3.5 (Balinski's theorem).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .registry import Budget

__all__ = ["Enumeration", "bases_keys", "label_keys", "reverse_search"]

#: Vertices whose dictionaries are held at once (each ``R x d`` floats): bounds memory and sets the batch.
BATCH = 2048

#: Bytes of one batch's dictionaries at most, and of the rows its candidate pivots read (up to ``d`` a
#: vertex, ``d`` floats each): large polytopes take fewer vertices a batch (a 115 x 259 game's 2,048
#: dictionaries and the arrays of one step took gigabytes; a polytope of 3 rows in 503 dimensions asked
#: for 967 MiB of candidate rows in one step).
BATCH_BYTES = 64 * 2**20

#: Bytes of the dictionaries waiting on the stack at most; a search that would hold more stops, not
#: certified (a 115 x 259 game asked for 10 GiB of children in one step).
STACK_BYTES = 768 * 2**20

#: An entry of a dictionary column is taken as negative (limits the move) below ``-PIVOT_TOL``.
PIVOT_TOL = 1e-11

#: Relative size of rounding errors in a dictionary: two ratios or a reduced cost and zero closer than
#: this are unclear.  It is far below the user's tolerance on purpose: among the tens of millions of
#: ratio tests of a 20 x 20 game some pairs come within 1e-9 of each other without any degeneracy.
ROUNDING = 1e-11


@dataclass(frozen=True)
class Enumeration:
    """The outcome of a reverse search.

    ``bases`` holds one row per vertex other than the origin, its ``d``
    inequalities sorted (numbered as in the module docstring).  ``simple`` is
    False when the search met a degenerate vertex or an unclear pivot and
    stopped (``bases`` is then incomplete); ``stopped`` is True when the budget
    ran out first; ``certified`` is True when the vertices are closed under
    edges (so they are every vertex).
    """

    bases: np.ndarray
    simple: bool
    stopped: bool
    certified: bool


def reverse_search(matrix: np.ndarray, rhs: np.ndarray, *, tol: float, budget: Budget) -> Enumeration:
    """Every vertex but the origin of ``{z >= 0, C z <= h}``, by reverse search (see the module docstring).

    Parameters
    ----------
    matrix : numpy.ndarray
        ``C``, shape ``(r, d)``, every entry positive.
    rhs : numpy.ndarray
        ``h``, shape ``(r,)``, positive.
    tol : float
        A slack at most this small counts as zero (the vertex is degenerate).
    budget : Budget
        One unit of work per vertex; the search stops when it runs out.

    Returns
    -------
    Enumeration

    Examples
    --------
    Besides the origin, ``{z >= 0, 2 z_0 + z_1 <= 1, z_0 + 2 z_1 <= 1}`` has the
    vertices ``(1/2, 0)`` (row 0 and ``z_1 >= 0`` tight: inequalities 0 and 3),
    ``(0, 1/2)`` (1 and 2) and ``(1/3, 1/3)`` (0 and 1):

    >>> found = reverse_search(np.array([[2.0, 1.0], [1.0, 2.0]]), np.ones(2), tol=1e-9, budget=Budget())
    >>> sorted(found.bases.tolist()), found.simple, found.certified
    ([[0, 1], [0, 3], [1, 2]], True, True)
    """
    rows, dim = matrix.shape
    weights = np.asarray(np.random.default_rng(1992).uniform(1.0, 2.0, dim))  # generic, so no edge keeps f constant
    origin = _Batch(
        tableau=np.vstack([-matrix, weights[None]])[:, None, :],
        values=np.concatenate([np.asarray(rhs, dtype=float), [0.0]])[:, None],
        rows=np.arange(rows, dtype=np.int16)[:, None],  # small integers: millions of bases are kept
        basis=np.arange(rows, rows + dim, dtype=np.int16)[None],
    )
    size = max(1, min(BATCH, BATCH_BYTES // (8 * max(rows + 1, dim) * dim)))
    stack = [origin]
    found: list[np.ndarray] = []
    fingerprint = _Fingerprint(rows + dim)
    held = 0
    while stack:
        if budget.exhausted():
            return Enumeration(_stacked(found, dim), simple=True, stopped=True, certified=False)
        batch = _pop(stack, size)
        held -= batch.tableau.nbytes
        budget.tick(len(batch.basis))
        step = _expand(batch, weights, tol, fingerprint, room=STACK_BYTES - held)
        if step is None:
            return Enumeration(_stacked(found, dim), simple=False, stopped=False, certified=False)
        if step is _NO_ROOM:
            return Enumeration(_stacked(found, dim), simple=True, stopped=True, certified=False)
        if len(step.basis):
            found.append(step.basis)
            stack.extend(step.split(size))
            held += step.tableau.nbytes
    bases = _stacked(found, dim)
    keys = np.sort(bases_keys(bases, rows + dim))
    distinct = not np.any(keys[1:] == keys[:-1])
    return Enumeration(bases, simple=True, stopped=False, certified=distinct and fingerprint.balanced())


@dataclass(frozen=True)
class _Batch:
    """Dictionaries of a batch of vertices, the rows (slacks outside the basis) first.

    ``tableau[i, s, l]`` is ``M`` of vertex ``s`` at the slack ``rows[i, s]`` and
    the column ``basis[s, l]``; ``values[i, s]`` is that slack at the vertex.
    The last row is the objective ``f`` (its reduced costs), which pivots like
    the others.  Rows first keep the ratio test's reductions over long
    contiguous runs.
    """

    tableau: np.ndarray  # (r + 1, count, d)
    values: np.ndarray  # (r + 1, count)
    rows: np.ndarray  # (r, count)
    basis: np.ndarray  # (count, d)

    def split(self, size: int) -> list[_Batch]:
        if len(self.basis) <= size:
            return [self]
        return [
            _Batch(
                np.ascontiguousarray(self.tableau[:, start : start + size]),
                np.ascontiguousarray(self.values[:, start : start + size]),
                np.ascontiguousarray(self.rows[:, start : start + size]),
                self.basis[start : start + size],
            )
            for start in range(0, len(self.basis), size)
        ]


def _expand(
    batch: _Batch, weights: np.ndarray, tol: float, fingerprint: _Fingerprint, *, room: float = np.inf
) -> _Batch | None:
    """The children of a batch of vertices; the batch and its neighbours go into the fingerprint.

    :data:`_NO_ROOM` when the children's dictionaries would take more than ``room`` bytes.

    None when some vertex is degenerate or a pivot is unclear (see the module docstring).
    """
    tableau, values, rows, basis = batch.tableau, batch.values, batch.rows, batch.basis
    r, count, dim = rows.shape[0], *basis.shape
    if np.any(values[:r] <= tol):
        return None
    # the ratio test on M / b: the row with the most negative M[i, k] / b_i falls to zero first along k
    slopes = tableau[:r] * (1.0 / values[:r])[:, :, None]  # (r, count, d)
    steepest = slopes.min(axis=0)
    if np.any(steepest > -PIVOT_TOL):
        return None  # a column along which nothing limits the move
    first = slopes <= steepest * (1.0 - ROUNDING)
    if np.count_nonzero(first) > count * dim:
        return None  # a tie: the neighbour is degenerate
    kind = np.uint8 if r < 256 else np.uint16
    position = (first.view(np.uint8) * np.arange(r, dtype=kind)[:, None, None]).sum(axis=0, dtype=kind)
    position = position.astype(np.intp)  # (count, d)
    entering = rows[position, np.arange(count)[:, None]]  # (count, d)
    fingerprint.add_expanded(basis, entering)
    costs = tableau[r]  # f = w . z changes by costs[s, l] per unit of the slack of column l
    scale = ROUNDING * weights.sum()
    if np.any(np.abs(costs) <= scale):
        return None  # an edge along which f barely changes: the parent rule is unclear
    # a neighbour along k is farther from the origin when costs[k] > 0; it is a child when, after the
    # pivot, the column back to this vertex is the improving one with the smallest inequality number
    flat = np.flatnonzero(costs > 0)  # candidates, as parent * d + column
    parent, column = np.divmod(flat, dim)
    row = position.reshape(-1)[flat]
    pivot_rows = np.take(tableau.reshape(-1, dim), row * count + parent, axis=0)  # (candidates, d): M[e, l]
    pivots = np.take(tableau.reshape(-1), (row * count + parent) * dim + column)
    new_costs = np.take(costs, parent, axis=0)
    new_costs -= (costs.reshape(-1)[flat] / pivots)[:, None] * pivot_rows
    new_costs[np.arange(len(flat)), column] = 1.0  # the column back: improving, not a rival
    if np.any(np.abs(new_costs) <= scale):
        return None
    rivals = (new_costs < 0) & (np.take(basis, parent, axis=0) < entering.reshape(-1)[flat][:, None])
    child = ~rivals.any(axis=1)
    if np.count_nonzero(child) * tableau.shape[0] * dim * tableau.itemsize > room:
        return _NO_ROOM
    return _pivot(batch, parent[child], column[child], row[child])


#: What :func:`_expand` returns when the children would not fit.
_NO_ROOM = _Batch(
    tableau=np.zeros((1, 0, 0)), values=np.zeros((1, 0)), rows=np.zeros((1, 0), dtype=np.int16),
    basis=np.zeros((0, 0), dtype=np.int16),
)  # fmt: skip


def _pivot(batch: _Batch, parent: np.ndarray, column: np.ndarray, row: np.ndarray) -> _Batch:
    """The dictionaries after pivoting each ``parent`` on its ``column`` and the slack at position ``row``."""
    dim = batch.basis.shape[1]
    index = np.arange(len(parent))
    picked = np.take(batch.tableau, parent, axis=1)  # (r, c, d)
    flat = picked.reshape(len(picked), -1)  # a view (take returns a contiguous array): (r, c * d)
    entries = index * dim + column
    col = flat[:, entries]  # (r, c): M[i, k] for every row i
    pivot_row = picked[row, index, :]  # (c, d): M[e, l] for every column l
    pivot = col[row, index]
    scaled = pivot_row / pivot[:, None]
    picked -= col[:, :, None] * scaled[None, :, :]
    flat[:, entries] = col / pivot
    picked[row, index, :] = -scaled
    flat[row, entries] = 1.0 / pivot
    entering_values = batch.values[row, parent]
    values = np.take(batch.values, parent, axis=1) - col * (entering_values / pivot)
    values[row, index] = -entering_values / pivot
    rows, basis = np.take(batch.rows, parent, axis=1), np.take(batch.basis, parent, axis=0)
    rows[row, index], basis[index, column] = basis[index, column], rows[row, index]
    return _Batch(tableau=picked, values=values, rows=rows, basis=basis)


def _pop(stack: list[_Batch], size: int) -> _Batch:
    """Batches from the top of the stack, joined until they hold about ``size`` vertices."""
    taken = [stack.pop()]
    held = len(taken[0].basis)
    while stack and held + len(stack[-1].basis) <= size:
        taken.append(stack.pop())
        held += len(taken[-1].basis)
    if len(taken) == 1:
        return taken[0]
    return _Batch(
        tableau=np.concatenate([b.tableau for b in taken], axis=1),
        values=np.concatenate([b.values for b in taken], axis=1),
        rows=np.concatenate([b.rows for b in taken], axis=1),
        basis=np.concatenate([b.basis for b in taken]),
    )


def _stacked(found: list[np.ndarray], dim: int) -> np.ndarray:
    """The bases found, each sorted."""
    return np.sort(np.vstack(found), axis=1) if found else np.zeros((0, dim), dtype=np.intp)


class _Fingerprint:
    """Whether the neighbours of the vertices found are the vertices found, each ``d`` times, by hashing.

    In a simple polytope every vertex has ``d`` neighbours, so the vertex set
    ``S`` is closed under edges exactly when the multiset of the neighbours of
    ``S`` is ``S`` taken ``d`` times.  Both multisets are summed under a fixed
    64-bit mixing function of the basis (splitmix64 on 62-bit words, modulo
    ``2^64``); a missing vertex makes the sums differ except with probability
    about ``2^-64``.  A vertex enters both sums when it is expanded: a search
    that ends with an empty stack has expanded every vertex it found, once.
    """

    def __init__(self, total: int) -> None:
        self.words = -(-total // 62)
        self.vertices = np.uint64(0)
        self.neighbours = np.uint64(0)

    def add_expanded(self, basis: np.ndarray, entering: np.ndarray) -> None:
        """Count each vertex (a row of ``basis``) and its neighbours (``entering[s, l]`` for ``basis[s, l]``)."""
        count, dim = basis.shape
        if self.words == 1:
            bits = np.left_shift(np.int64(1), basis.astype(np.int64))
            keys = bits.sum(axis=1)
            swapped = keys[:, None] - bits + np.left_shift(np.int64(1), entering)
            with np.errstate(over="ignore"):
                self.vertices += np.uint64(dim) * _mix(keys[:, None]).sum(dtype=np.uint64)
                self.neighbours += _mix(swapped.reshape(-1, 1)).sum(dtype=np.uint64)
            return
        words = self._words(basis)  # (count, W)
        with np.errstate(over="ignore"):
            self.vertices += np.uint64(dim) * _mix(words).sum(dtype=np.uint64)
        swapped = np.repeat(words[:, None, :], dim, axis=1)  # (count, d, W)
        for index, sign in ((basis, -1), (entering, 1)):
            block, bit = np.divmod(index.astype(np.int64), 62)
            np.add.at(
                swapped, (np.arange(count)[:, None], np.arange(dim)[None, :], block), sign * np.left_shift(1, bit)
            )
        with np.errstate(over="ignore"):
            self.neighbours += _mix(swapped.reshape(count * dim, self.words)).sum(dtype=np.uint64)

    def _words(self, basis: np.ndarray) -> np.ndarray:
        if self.words == 1:
            return np.left_shift(np.int64(1), basis.astype(np.int64)).sum(axis=1, keepdims=True)
        block, bit = np.divmod(basis.astype(np.int64), 62)
        words = np.zeros((len(basis), self.words), dtype=np.int64)
        np.add.at(words, (np.arange(len(basis))[:, None], block), np.left_shift(1, bit))
        return words

    def balanced(self) -> bool:
        return bool(self.vertices == self.neighbours)


def _mix(words: np.ndarray) -> np.ndarray:
    """splitmix64 of each row of 62-bit words, chained over the words: one uint64 per row."""
    out = np.zeros(len(words), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in words.T:
            x = out ^ column.astype(np.uint64)
            x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            out = x ^ (x >> np.uint64(31))
    return out


def bases_keys(bases: np.ndarray, total: int) -> np.ndarray:
    """One key per basis (rows of inequality numbers below ``total``), equal exactly for equal sets.

    Up to 62 inequalities the key is the int64 with those bits set; beyond, the packed mask's bytes.

    Examples
    --------
    >>> bases_keys(np.array([[0, 2], [1, 0]]), 3).tolist()
    [5, 3]
    """
    if total <= 62:
        keys = np.zeros(len(bases), dtype=np.int64)
        for column in bases.T:  # a column at a time: millions of bases need no (count, d) temporary
            keys |= np.left_shift(np.int64(1), column.astype(np.int64))
        return keys
    mask = np.zeros((len(bases), total), dtype=bool)
    np.put_along_axis(mask, bases, True, axis=1)
    return label_keys(mask)


def label_keys(labels: np.ndarray) -> np.ndarray:
    """One key per row of a boolean matrix, equal exactly for equal rows (for sorting and matching).

    Rows of at most 62 entries become the int64 of their binary number; longer rows their packed bytes.

    Examples
    --------
    >>> label_keys(np.array([[1, 0, 1], [0, 1, 0]], dtype=bool)).tolist()
    [5, 2]
    """
    width = labels.shape[1]
    if width <= 62:
        return labels.astype(np.int64) @ np.left_shift(np.int64(1), np.arange(width, dtype=np.int64))
    packed = np.ascontiguousarray(np.packbits(labels, axis=1))
    return packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
