"""Candidate vertices of a best-response polytope from a convex hull (Qhull), and a completeness check.

Definitions
-----------
The polytope is ``{z in R^d : z >= 0, C z <= 1}`` with ``C`` of shape ``(r, d)``
and positive entries (so it is bounded and has the interior point ``z0 = t 1``
for small ``t > 0``).  Write its ``r + d`` inequalities as ``g_i . z <= h_i``
(the rows of ``C`` first, then ``-z_j <= 0``), with slacks
``s_i = h_i - g_i . z0 > 0``.  In the coordinates ``w = z - z0`` the polytope is
``{w : p_i . w <= 1}`` with ``p_i = g_i / s_i``, and by polarity its vertices
correspond one to one to the facets of the convex hull of the points ``p_i``: a
facet through the points ``{p_i : i in T}`` is the vertex where the
inequalities ``T`` are tight (Ziegler 1995, section 2.3).  When the polytope is
*simple* (every vertex has exactly ``d`` tight inequalities, the non-degenerate
case) every facet of the hull is a simplex, so each facet names one basis: ``d``
inequalities whose equations determine the vertex.

Completeness check
------------------
Qhull works in floating point and may merge or drop nearly coplanar points, so
the caller computes the full set of tight inequalities (the *labels*) of every
vertex itself, and requires it to be exactly the facet's basis.  If every
vertex found has exactly ``d`` labels, the found vertices are all the vertices
exactly when every set of ``d - 1`` labels of a found vertex (an *edge* of the
simple polytope) is shared by exactly two found vertices: the found set is then
closed under moving along edges, and the graph of a polytope is connected
(Balinski's theorem), so nothing is missing (:func:`closed_under_edges`).

References
----------
G. M. Ziegler, *Lectures on Polytopes*, Springer, 1995, sections 2.3 and 3.5.

C. B. Barber, D. P. Dobkin, H. Huhdanpaa, "The Quickhull algorithm for convex
hulls", *ACM Transactions on Mathematical Software* 22 (1996) 469-483.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import ConvexHull, QhullError

from ._reverse_search import label_keys

__all__ = ["MAX_HULL_DIMENSION", "closed_under_edges", "facet_bases"]

#: Largest dimension given to Qhull: its work grows steeply with the dimension (a 16-dimensional
#: polytope takes about a second, a 4 x 64 game minutes, a 2 x 500 game does not finish) and it
#: cannot be interrupted, so larger polytopes take the budgeted search instead.
MAX_HULL_DIMENSION = 16


def facet_bases(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Every vertex of ``{z >= 0, C z <= 1}`` other than the origin, with a basis, from the hull of the polar points.

    Parameters
    ----------
    matrix : numpy.ndarray
        ``C``, shape ``(r, d)``, float, every entry positive.

    Returns
    -------
    (bases, vertices) or None
        ``bases`` has shape ``(count, d)``, each row the ``d`` inequalities of
        one facet, sorted: ``i < r`` is row ``i`` of ``C``, ``r + j`` is
        ``z_j >= 0``; ``vertices`` (shape ``(count, d)``) are the vertices, from
        the facets' hyperplanes.  None when ``d`` is 1 or above
        :data:`MAX_HULL_DIMENSION`, Qhull fails, or Qhull
        reports a point coplanar with a facet (an inequality tight at a vertex
        outside its basis).  Qhull may also drop such a point silently (a
        repeated inequality, for one), so only the caller's check of every
        vertex's labels can vouch for a simple polytope.

    Examples
    --------
    Besides the origin, ``{z >= 0, 2 z_0 + z_1 <= 1, z_0 + 2 z_1 <= 1}`` has the
    vertices ``(1/2, 0)`` (rows 0 and ``z_1 >= 0`` tight), ``(0, 1/2)`` and ``(1/3, 1/3)``:

    >>> bases, vertices = facet_bases(np.array([[2.0, 1.0], [1.0, 2.0]]))
    >>> sorted(zip(bases.tolist(), np.round(vertices, 6).tolist()))
    [([0, 1], [0.333333, 0.333333]), ([0, 3], [0.5, 0.0]), ([1, 2], [0.0, 0.5])]
    """
    rows, dim = matrix.shape
    if dim < 2 or dim > MAX_HULL_DIMENSION:
        return None
    sums = matrix.sum(axis=1)
    step = 0.5 / sums.max()
    points = np.empty((rows + dim, dim))
    np.divide(matrix, (1.0 - sums * step)[:, None], out=points[:rows])
    points[rows:] = np.eye(dim) * (-1.0 / step)  # the rows -e_j / step
    try:
        hull = ConvexHull(points)
    except (QhullError, ValueError):
        return None
    if len(hull.coplanar):
        return None
    simplices = np.sort(hull.simplices, axis=1)
    kept = simplices[:, 0] < rows
    normals, offsets = hull.equations[kept, :-1], hull.equations[kept, -1:]
    return simplices[kept], step - normals / offsets


def closed_under_edges(bases: np.ndarray, total: int) -> bool:
    """Whether the vertices with these bases are every vertex of their simple polytope.

    Parameters
    ----------
    bases : numpy.ndarray
        One row per vertex (the origin included): its ``d`` tight inequalities,
        numbered below ``total``.
    total : int
        The number of inequalities.

    Returns
    -------
    bool
        True when every ``d - 1`` inequalities of a vertex are those of exactly one
        other vertex (see the module docstring).

    Examples
    --------
    A triangle's three vertices are closed; two of them are not.

    >>> triangle = np.array([[0, 1], [1, 2], [0, 2]])
    >>> closed_under_edges(triangle, 3), closed_under_edges(triangle[:2], 3)
    (True, False)
    """
    if len(bases) == 0:
        return False
    if total <= 62:
        bits = np.left_shift(np.int64(1), bases.T.astype(np.int64, order="C"))  # one column per vertex: fast sums
        edges = (bits.sum(axis=0) - bits).ravel()
    else:
        count, dim = bases.shape
        mask = np.zeros((count, total), dtype=bool)
        np.put_along_axis(mask, bases, True, axis=1)
        cleared = np.repeat(mask, dim, axis=0)
        cleared[np.arange(count * dim), bases.ravel()] = False
        edges = label_keys(cleared)
    edges = np.sort(edges)
    return len(edges) % 2 == 0 and bool((edges[0::2] == edges[1::2]).all() and (edges[1:-1:2] != edges[2::2]).all())
