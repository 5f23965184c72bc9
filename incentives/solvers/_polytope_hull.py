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
Qhull works in floating point, so the caller re-solves each basis and computes
the full set of tight inequalities (its *labels*) itself.  If every vertex
found has exactly ``d`` labels, the found vertices are all the vertices exactly
when every set of ``d - 1`` labels of a found vertex (an *edge* of the simple
polytope) is shared by exactly two found vertices: the found set is then closed
under moving along edges, and the graph of a polytope is connected (Balinski's
theorem), so nothing is missing (:func:`closed_under_edges`).

References
----------
G. M. Ziegler, *Lectures on Polytopes*, Springer, 1995, sections 2.3 and 3.5.

C. B. Barber, D. P. Dobkin, H. Huhdanpaa, "The Quickhull algorithm for convex
hulls", *ACM Transactions on Mathematical Software* 22 (1996) 469-483.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import ConvexHull, QhullError

__all__ = ["closed_under_edges", "facet_bases", "label_keys"]

#: ``(supports, tight)`` int arrays of shape ``(count, k)`` for one basis size ``k``.
BasisGroup = tuple[np.ndarray, np.ndarray]


def facet_bases(matrix: np.ndarray) -> list[BasisGroup] | None:
    """One basis per vertex of ``{z >= 0, C z <= 1}`` except the origin, from the hull of the polar points.

    Parameters
    ----------
    matrix : numpy.ndarray
        ``C``, shape ``(r, d)``, float, every entry positive.

    Returns
    -------
    list of (supports, tight) or None
        For each basis size ``k``, the nonzero coordinates (``supports``) and
        the tight rows of ``C`` (``tight``), each of shape ``(count, k)`` with
        rows sorted.  None when Qhull cannot vouch for a simple polytope: ``d``
        is 1, Qhull fails, or some inequality lies on a facet without being one
        of its vertices (a vertex with more than ``d`` tight inequalities).

    Examples
    --------
    Besides the origin, ``{z >= 0, 2 z_0 + z_1 <= 1, z_0 + 2 z_1 <= 1}`` has the
    vertices ``(1/2, 0)``, ``(0, 1/2)`` and ``(1/3, 1/3)``:

    >>> groups = facet_bases(np.array([[2.0, 1.0], [1.0, 2.0]]))
    >>> sorted((s.tolist(), t.tolist()) for group in groups for s, t in zip(*group))
    [([0], [0]), ([0, 1], [0, 1]), ([1], [1])]
    """
    rows, dim = matrix.shape
    if dim < 2:
        return None
    step = 0.5 / matrix.sum(axis=1).max()
    slack = np.concatenate([1.0 - matrix.sum(axis=1) * step, np.full(dim, step)])
    points = np.vstack([matrix, -np.eye(dim)]) / slack[:, None]
    try:
        hull = ConvexHull(points)
    except (QhullError, ValueError):
        return None
    if len(hull.coplanar):
        return None
    members = np.zeros((len(hull.simplices), rows + dim), dtype=bool)
    np.put_along_axis(members, hull.simplices, True, axis=1)
    tight, zero = members[:, :rows], members[:, rows:]
    sizes = tight.sum(axis=1)
    groups = []
    for k in np.unique(sizes[sizes > 0]).tolist():
        chosen = sizes == k
        groups.append((_columns(~zero[chosen], k), _columns(tight[chosen], k)))
    return groups


def _columns(mask: np.ndarray, k: int) -> np.ndarray:
    """The True columns of each row of a mask with ``k`` True entries a row, as an ``(rows, k)`` array."""
    return np.nonzero(mask)[1].reshape(-1, k)


def closed_under_edges(labels: np.ndarray, dim: int) -> bool:
    """Whether vertices with ``dim`` labels each are every vertex of their simple polytope.

    Parameters
    ----------
    labels : numpy.ndarray
        Boolean, one row per vertex (the origin included), every row with
        exactly ``dim`` True entries.
    dim : int
        Dimension of the polytope.

    Returns
    -------
    bool
        True when every ``dim - 1`` labels of a vertex are those of exactly one
        other vertex (see the module docstring).

    Examples
    --------
    A triangle's three vertices are closed; two of them are not.

    >>> triangle = np.array([[1, 1, 0], [0, 1, 1], [1, 0, 1]], dtype=bool)
    >>> closed_under_edges(triangle, 2), closed_under_edges(triangle[:2], 2)
    (True, False)
    """
    if len(labels) == 0:
        return False
    rows, cols = np.nonzero(labels)
    edges = labels[rows]
    edges[np.arange(len(rows)), cols] = False
    _, counts = np.unique(label_keys(edges), return_counts=True)
    return bool(np.all(counts == 2))


def label_keys(labels: np.ndarray) -> np.ndarray:
    """One key per row of a boolean matrix, equal exactly for equal rows (for sorting and matching).

    Rows of at most 52 entries become the float of their binary number (exact);
    longer rows become their packed bytes.

    Examples
    --------
    >>> label_keys(np.array([[1, 0, 1], [0, 1, 0]], dtype=bool)).tolist()
    [5.0, 2.0]
    """
    width = labels.shape[1]
    if width <= 52:
        return labels @ np.exp2(np.arange(width))
    packed = np.ascontiguousarray(np.packbits(labels, axis=1))
    return packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
