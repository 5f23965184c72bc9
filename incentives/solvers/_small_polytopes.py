"""Both best-response polytopes of a small two-player game at once: every basis solved in one call.

Definitions
-----------
As in :mod:`incentives.solvers.vertex_enumeration`: ``P = {x >= 0, B^T x <= 1}``
(``x`` in ``R^m``, ``n`` rows) and ``Q = {y >= 0, A y <= 1}`` (``y`` in ``R^n``,
``m`` rows), with payoffs normalised into ``[1, 2]``.  Each polytope has ``m + n``
inequalities, numbered as there (the rows of its matrix ``C`` first, then the
coordinates), and ``C(m + n, m)`` bases.  For a small game the solver solves
every basis of both polytopes (each system padded with identity rows to the larger
dimension ``max(m, n)``, so both fit in one batched :func:`numpy.linalg.solve`),
labels every solution, and certifies each polytope simple and complete exactly as
the per-polytope path does (:func:`~incentives.solvers.vertex_enumeration`
``_certify``): every feasible solution has exactly its basis as labels, and the
vertices with the origin are closed under edges.

Everything that depends only on ``(m, n)`` (the bases, their label bits, their
edges, which basis of ``Q`` is complementary to which basis of ``P``) is computed
once per shape (:func:`layout`).  A polytope the certificate does not settle is
left to the per-polytope paths, which decide it as before.

The padding does not change a solution: the padded unknowns have their own
equations ``z_j = 0`` and coefficient 0 in every other row, so elimination never
mixes them with the basis rows.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from ..equilibrium import ProfileRows
from ._bimatrix import combinations

__all__ = [
    "HullVertices",
    "Layout",
    "SmallVertices",
    "equilibrium_profiles",
    "hull_vertices",
    "layout",
    "small_vertices",
    "square_profiles",
]


@dataclass(frozen=True, kw_only=True)
class Layout:
    """The arrays of a game shape ``(m, n)`` (read-only, shared by every game of that shape).

    ``bases[p]`` are the bases of polytope ``p`` (0 is ``P``, 1 is ``Q``) as sorted
    inequality numbers; ``rows`` the padded equations each basis selects from
    :attr:`template`; ``keys`` each basis as bits; ``partner[k]`` the basis of ``Q``
    whose labels complement those of basis ``k`` of ``P``.
    """

    m: int
    n: int
    dim: int
    bases: tuple[np.ndarray, np.ndarray]
    template: np.ndarray
    rows: np.ndarray
    rhs: np.ndarray
    keys: np.ndarray
    row_bits: np.ndarray
    coordinate_bits: np.ndarray
    real_columns: np.ndarray
    edges: np.ndarray
    edge_owner: np.ndarray
    origin_edges: np.ndarray
    zero: np.ndarray
    partner: np.ndarray

    @property
    def count(self) -> int:
        """The number of bases of each polytope."""
        return len(self.bases[0])


@functools.lru_cache(maxsize=64)
def layout(m: int, n: int) -> Layout:
    """The shape's arrays (see :class:`Layout`), computed once per shape.

    Examples
    --------
    >>> shape = layout(2, 2)
    >>> shape.count, shape.bases[0][:2].tolist(), int(shape.partner[0])
    (6, [[0, 1], [0, 2]], 0)
    """
    dim = max(m, n)
    # polytope p has rows[p] inequalities of its matrix and coords[p] coordinates: P = (n rows, m coords)
    shapes = ((n, m), (m, n))
    bases = (combinations(m + n, m), combinations(m + n, n))
    count = len(bases[0])
    # padded equations of each polytope: dim rows of C (zero beyond its rows), dim coordinate rows (-e_j for a
    # real coordinate j, +e_j for a padded one, always in the basis)
    template = np.zeros((2, 2 * dim, dim))
    rows = np.empty((2, count, dim), dtype=np.intp)
    row_bits = np.zeros((2, dim), dtype=np.int64)
    coordinate_bits = np.zeros((2, dim), dtype=np.int64)
    real_columns = np.zeros((2, dim), dtype=bool)
    zero = np.zeros((2, count, dim), dtype=bool)
    edges, owners, origin = [], [], []
    offset = 1 << (m + n)
    for p, (r, d) in enumerate(shapes):
        template[p, dim + np.arange(d), np.arange(d)] = -1.0
        template[p, dim + np.arange(d, dim), np.arange(d, dim)] = 1.0
        number = bases[p]
        rows[p, :, :d] = p * 2 * dim + np.where(number < r, number, number - r + dim)
        rows[p, :, d:] = p * 2 * dim + dim + np.arange(d, dim)
        row_bits[p, :r] = 1 << np.arange(r)
        coordinate_bits[p, :d] = 1 << (r + np.arange(d))
        real_columns[p, :d] = True
        zero[p, :, :d] = _coordinate_mask(number, r, d)
        bits = np.left_shift(np.int64(1), number.astype(np.int64))
        key = bits.sum(axis=1)
        edges.append(((key[:, None] - bits) + p * offset).ravel())
        owners.append(np.repeat(np.arange(count), d) + p * count)
        origin_bits = np.left_shift(np.int64(1), np.arange(r, r + d, dtype=np.int64))
        origin.append(origin_bits.sum() - origin_bits + p * offset)
    keys = np.stack([np.left_shift(np.int64(1), b.astype(np.int64)).sum(axis=1) for b in bases])
    rhs = np.where(rows % (2 * dim) < dim, 1.0, 0.0).reshape(2 * count, dim, 1)
    partner = _partners(bases, m, n)
    shape = Layout(
        m=m,
        n=n,
        dim=dim,
        bases=bases,
        template=template,
        rows=rows.reshape(2 * count, dim),
        rhs=rhs,
        keys=keys,
        row_bits=row_bits[:, None, :],
        coordinate_bits=coordinate_bits[:, None, :],
        real_columns=real_columns,
        edges=np.concatenate(edges),
        edge_owner=np.concatenate(owners),
        origin_edges=np.concatenate(origin),
        zero=zero.reshape(2 * count, dim),
        partner=partner,
    )
    for value in vars(shape).values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    for value in bases:
        value.setflags(write=False)
    return shape


def _coordinate_mask(bases: np.ndarray, rows: int, dim: int) -> np.ndarray:
    """Which coordinates each basis holds at zero."""
    mask = np.zeros((len(bases), dim + rows), dtype=bool)
    np.put_along_axis(mask, bases, True, axis=1)
    return mask[:, rows:]


def _partners(bases: tuple[np.ndarray, np.ndarray], m: int, n: int) -> np.ndarray:
    """For each basis of ``P``, the index of the basis of ``Q`` with the complementary labels.

    A basis of ``P`` labels row ``i`` of ``B^T`` (inequality ``i < n``) with
    ``m + i`` and coordinate ``j`` with ``j``; a basis of ``Q`` labels each
    inequality with its own number.
    """
    p_labels = np.where(bases[0] < n, bases[0] + m, bases[0] - n)
    everything = (1 << (m + n)) - 1
    p_keys = np.left_shift(np.int64(1), p_labels.astype(np.int64)).sum(axis=1)
    q_keys = np.left_shift(np.int64(1), bases[1].astype(np.int64)).sum(axis=1)
    index = {int(key): k for k, key in enumerate(q_keys.tolist())}
    return np.array([index[everything ^ int(key)] for key in p_keys.tolist()], dtype=np.intp)


@dataclass(frozen=True, kw_only=True)
class SmallVertices:
    """What :func:`small_vertices` found.

    ``settled[p]`` says whether polytope ``p`` is certified simple and complete;
    then ``tight[p]`` marks its vertices among ``layout.bases[p]``, and ``points[p]``
    holds the solution of every basis (padded to ``layout.dim``).
    """

    layout: Layout
    settled: tuple[bool, bool]
    tight: np.ndarray
    points: np.ndarray


def small_vertices(p_matrix: np.ndarray, q_matrix: np.ndarray, tols: np.ndarray, ptol: float) -> SmallVertices | None:
    """Every vertex of both polytopes of a small game, certified, from one batched solve of every basis.

    Parameters
    ----------
    p_matrix, q_matrix : numpy.ndarray
        ``B^T`` (shape ``(n, m)``) and ``A`` (shape ``(m, n)``), normalised into ``[1, 2]``.
    tols : numpy.ndarray
        Shape ``(2, 1)``: each polytope's tolerance on its constraints.
    ptol : float
        The tolerance on coordinates (probabilities).

    Returns
    -------
    SmallVertices or None
        None when some basis matrix is exactly singular, or a pure strategy has two
        best responses (a degenerate game): the per-polytope paths decide then.

    Examples
    --------
    Matching pennies on ``[1, 2]``: each polytope is simple, with three vertices
    besides the origin (bases: inequalities 0 and 1 are the rows of ``C``, 2 and 3
    the coordinates), and its one equilibrium is both players mixing half and half.

    >>> a = np.array([[2.0, 1.0], [1.0, 2.0]])
    >>> found = small_vertices(3.0 - a.T, a, np.full((2, 1), 1e-9), 1e-9)
    >>> found.settled, [found.layout.bases[p][found.tight[p]].tolist() for p in range(2)]
    ((True, True), [[[0, 1], [0, 2], [1, 3]], [[0, 1], [0, 3], [1, 2]]])
    >>> [np.round(p, 12).tolist() for p in equilibrium_profiles(found)[0]]
    [[0.5, 0.5], [0.5, 0.5]]
    """
    shape = layout(*q_matrix.shape)
    m, n, dim, count = shape.m, shape.n, shape.dim, shape.count
    equations = shape.template.copy()
    equations[0, :n, :m] = p_matrix
    equations[1, :m, :n] = q_matrix
    matrices = equations[:, :dim]
    if dim > 1:  # a column with two largest entries: a pure strategy with tied best responses, degenerate for sure
        ordered = np.sort(matrices, axis=1)
        if ((ordered[:, -1] == ordered[:, -2]) & shape.real_columns).any():
            return None
    try:
        solutions = np.linalg.solve(equations.reshape(4 * dim, dim)[shape.rows], shape.rhs)
    except np.linalg.LinAlgError:
        return None
    points = solutions.reshape(2, count, dim)
    # one column per basis: every reduction below runs along long rows, many times faster than along short ones
    columns = np.ascontiguousarray(points.transpose(0, 2, 1))
    total = columns.sum(axis=1, keepdims=True)
    finite = np.isfinite(total[:, 0]).all(axis=1)
    positive = total[:, 0] > 0
    np.copyto(total, 1.0, where=~positive[:, None])
    probabilities = columns / total
    # numpy's own loop, not BLAS: on a busy machine OpenBLAS's threads made small products far slower
    gaps = (1.0 - np.einsum("pij,pjk->pik", matrices, columns)) / total
    tol = tols[:, :, None]
    valid = positive & (probabilities.min(axis=1) >= -ptol) & (gaps.min(axis=1) >= -tols)
    labels = (shape.row_bits @ (gaps <= tol) + shape.coordinate_bits @ (probabilities <= ptol))[:, 0]
    exact = valid & (labels == shape.keys)
    tight = valid & ((labels & shape.keys) == shape.keys)
    certified = finite & (exact == valid).all(axis=1)
    if certified.all():
        certified &= _closed(shape, tight, both=True)
    elif certified.any():
        certified &= _closed(shape, tight, both=False)
    settled = (bool(certified[0]), bool(certified[1]))
    return SmallVertices(layout=shape, settled=settled, tight=tight, points=points)


def _closed(shape: Layout, tight: np.ndarray, *, both: bool) -> np.ndarray:
    """Whether the vertices of each polytope, with the origin, are closed under edges.

    ``both`` checks both polytopes in one sort (their edge keys lie in disjoint
    ranges, so pairs never straddle them): when that fails, or when not ``both``,
    each polytope is checked alone.
    """
    if both and _paired(np.concatenate([shape.edges[tight.ravel()[shape.edge_owner]], shape.origin_edges])):
        return np.ones(2, dtype=bool)
    out = np.zeros(2, dtype=bool)
    origin = (shape.origin_edges[: shape.m], shape.origin_edges[shape.m :])  # P's origin has m edges, Q's n
    for p in range(2):
        mine = (shape.edge_owner >= p * shape.count) & (shape.edge_owner < (p + 1) * shape.count)
        kept = tight.ravel()[shape.edge_owner] & mine
        out[p] = _paired(np.concatenate([shape.edges[kept], origin[p]]))
    return out


def _paired(edges: np.ndarray) -> bool:
    """Whether every key occurs exactly twice (see :func:`~incentives.solvers._polytope_hull.closed_under_edges`)."""
    edges = np.sort(edges)
    return len(edges) % 2 == 0 and bool((edges[0::2] == edges[1::2]).all() and (edges[1:-1:2] != edges[2::2]).all())


def equilibrium_profiles(found: SmallVertices) -> ProfileRows:
    """The equilibria of a game whose polytopes are both settled: one per complementary pair of vertices.

    Pairs are listed in the order of ``P``'s vertices; each vertex is normalised to
    a probability vector with the coordinates in its basis exactly zero.
    """
    shape = found.layout
    first = np.flatnonzero(found.tight[0] & found.tight[1][shape.partner])
    index = np.concatenate([first, shape.partner[first] + shape.count])  # rows of both polytopes' points
    points = found.points.reshape(2 * shape.count, shape.dim)[index]
    out = np.where(shape.zero[index], 0.0, np.maximum(points, 0.0))
    out /= out.sum(axis=1, keepdims=True)
    return ProfileRows(np.hstack([out[: len(first), : shape.m], out[len(first) :, : shape.n]]), shape.m)


@dataclass(frozen=True, kw_only=True)
class HullVertices:
    """What :func:`hull_vertices` found: each polytope's facets, and which polytopes the joint certificate settled.

    ``facets[p]`` is :func:`~incentives.solvers._polytope_hull.facet_bases` of polytope
    ``p`` (bases and vertices); ``keys[p]`` its bases as bits.  A polytope not
    settled here is left to the per-polytope certificate, with its facets.
    """

    facets: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    settled: tuple[bool, bool]
    keys: tuple[np.ndarray, np.ndarray]


def hull_vertices(
    facets: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    p_matrix: np.ndarray,
    q_matrix: np.ndarray,
    tols: np.ndarray,
    ptol: float,
) -> HullVertices:
    """Both polytopes of a square game from Qhull, the certificate of the per-polytope path checked for both at once.

    Every facet must be feasible with exactly its basis as labels, and each
    polytope's vertices with its origin closed under edges.  In a square game both
    polytopes number their inequalities alike (``d`` rows, then ``d``
    coordinates), so one set of label bits serves both.

    Parameters
    ----------
    facets : tuple
        :func:`~incentives.solvers._polytope_hull.facet_bases` of each polytope.
    p_matrix, q_matrix : numpy.ndarray
        ``B^T`` and ``A``, both ``d x d``, normalised into ``[1, 2]``.
    tols : numpy.ndarray
        Shape ``(2, 1)``: each polytope's tolerance on its constraints.
    ptol : float
        The tolerance on coordinates (probabilities).

    Returns
    -------
    HullVertices

    Examples
    --------
    Matching pennies on ``[1, 2]``: each polytope has three vertices besides the origin.

    >>> from incentives.solvers._polytope_hull import facet_bases
    >>> a = np.array([[2.0, 1.0], [1.0, 2.0]])
    >>> p, q = 3.0 - a.T, a
    >>> found = hull_vertices((facet_bases(p), facet_bases(q)), p, q, np.full((2, 1), 1e-9), 1e-9)
    >>> found.settled, [len(bases) for bases, _ in found.facets]
    ((True, True), [3, 3])
    """
    dim = p_matrix.shape[1]
    split = len(facets[0][0])
    bases = np.concatenate([facets[0][0], facets[1][0]])
    first = np.arange(len(bases)) < split
    columns = np.concatenate([facets[0][1], facets[1][1]]).T.copy()  # one column per vertex (see _basis_is_label_set)
    total = columns.sum(axis=0)
    positive = total > 0
    total[~positive] = 1.0
    probabilities = columns / total
    # numpy's own loop, not BLAS (see _basis_is_label_set); each polytope's columns with its own matrix
    products = np.empty_like(columns)
    np.einsum("ij,jk->ik", p_matrix, columns[:, :split], out=products[:, :split])
    np.einsum("ij,jk->ik", q_matrix, columns[:, split:], out=products[:, split:])
    gaps = (1.0 - products) / total
    tol = np.where(first, tols[0, 0], tols[1, 0])
    valid = positive & (probabilities.min(axis=0) >= -ptol) & (gaps.min(axis=0) >= -tol)
    row_bits, coordinate_bits = _square_bits(dim)
    labels = row_bits @ (gaps <= tol) + coordinate_bits @ (probabilities <= ptol)
    bits = np.left_shift(np.int64(1), bases.T.astype(np.int64, order="C"))
    keys = bits.sum(axis=0)  # distinct bits: the sum is the union
    exact = valid & (labels == keys)
    certified = np.array([exact[:split].all(), exact[split:].all()])
    if certified.all():
        offset = np.where(first, np.int64(0), np.int64(1) << np.int64(2 * dim))
        edges = np.concatenate([((keys - bits) + offset).ravel(), _square_origin_edges(dim)])
        if not _paired(edges):
            certified[:] = False  # the per-polytope certificate decides each
    return HullVertices(
        facets=facets, settled=(bool(certified[0]), bool(certified[1])), keys=(keys[:split], keys[split:])
    )


@functools.lru_cache(maxsize=64)
def _square_bits(dim: int) -> tuple[np.ndarray, np.ndarray]:
    """The bits of the ``dim`` rows and of the ``dim`` coordinates of a square game's polytope."""
    bits = np.left_shift(np.int64(1), np.arange(2 * dim, dtype=np.int64))
    bits.setflags(write=False)
    return bits[:dim], bits[dim:]


@functools.lru_cache(maxsize=64)
def _square_origin_edges(dim: int) -> np.ndarray:
    """The edge keys of both origins of a square game's polytopes (``Q``'s shifted past ``P``'s)."""
    origin = np.left_shift(np.int64(1), np.arange(dim, 2 * dim, dtype=np.int64))
    edges = origin.sum() - origin
    both = np.concatenate([edges, edges + (np.int64(1) << np.int64(2 * dim))])
    both.setflags(write=False)
    return both


@functools.lru_cache(maxsize=64)
def _square_template(dim: int) -> np.ndarray:
    """Both polytopes' inequalities of a square game, the rows of ``C`` (left zero) then ``-z_j``."""
    template = np.zeros((2, 2 * dim, dim))
    template[:, dim:] = -np.eye(dim)
    template.setflags(write=False)
    return template


@functools.lru_cache(maxsize=64)
def _square_rhs(dim: int) -> np.ndarray:
    """The right-hand side of each inequality of a square game's polytope: 1 for a row of ``C``, 0 for a coordinate."""
    rhs = np.concatenate([np.ones(dim), np.zeros(dim)])
    rhs.setflags(write=False)
    return rhs


def square_profiles(
    p_matrix: np.ndarray, q_matrix: np.ndarray, p_bases: np.ndarray, q_bases: np.ndarray
) -> ProfileRows:
    """The equilibria at complementary vertex pairs of a square game, each vertex solved from its basis.

    ``p_bases[k]`` and ``q_bases[k]`` are the bases of pair ``k``; both points
    are solved in one batched call, with the coordinates in their bases exactly zero.
    """
    dim = p_matrix.shape[1]
    equations = _square_template(dim).copy()
    equations[0, :dim] = p_matrix
    equations[1, :dim] = q_matrix
    count = len(p_bases)
    local = np.concatenate([p_bases, q_bases])
    index = local.copy()
    index[count:] += 2 * dim  # Q's rows follow P's
    points = np.linalg.solve(equations.reshape(4 * dim, dim)[index], _square_rhs(dim)[local][..., None])[..., 0]
    zero = np.zeros((len(local), 2 * dim), dtype=bool)
    zero[np.arange(len(local))[:, None], local] = True
    out = np.where(zero[:, dim:], 0.0, np.maximum(points, 0.0))
    out /= out.sum(axis=1, keepdims=True)
    return ProfileRows(np.hstack([out[:count], out[count:]]), dim)
