"""Convex polygons in the payoff plane, vectorised over many lower-left corners (private).

A polygon is an array of its vertices in counter-clockwise order, shape ``(k, 2)``;
repeated vertices are allowed, so a point or a segment is a polygon too (qhull, and
so :class:`scipy.spatial.ConvexHull`, refuses such degenerate sets, which the set of
equilibrium payoffs of a repeated game often is: a single point when the players
are impatient).  Everything here is written for these degenerate cases.
"""

from __future__ import annotations

import numpy as np

__all__ = ["clipped_support", "convex_hull", "directions", "distinct_vertices", "halfplane_vertices"]


def directions(count: int) -> np.ndarray:
    """``count`` unit vectors evenly spaced around the circle, counter-clockwise from ``(1, 0)``: ``(count, 2)``."""
    angles = 2 * np.pi * np.arange(count) / count
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def halfplane_vertices(normals: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Vertices of ``{w : normals @ w <= levels}`` when every half-plane touches the set.

    ``normals`` are sorted by angle with consecutive angles below pi; vertex ``l`` is
    where the lines of half-planes ``l`` and ``l + 1`` meet.  A level that is the
    support of a convex set in its direction always touches the set, so this holds
    for the outer approximations of :mod:`incentives.repeated.payoff_set`.
    """
    following, next_levels = np.roll(normals, -1, axis=0), np.roll(levels, -1)
    det = normals[:, 0] * following[:, 1] - normals[:, 1] * following[:, 0]
    x = (levels * following[:, 1] - next_levels * normals[:, 1]) / det
    y = (normals[:, 0] * next_levels - following[:, 0] * levels) / det
    return np.stack([x, y], axis=1)


def distinct_vertices(polygon: np.ndarray, tol: float) -> np.ndarray:
    """The vertices of an ordered polygon without repeats: each kept vertex differs from the one before by ``> tol``."""
    if len(polygon) <= 1:
        return polygon
    step = np.max(np.abs(polygon - np.roll(polygon, 1, axis=0)), axis=1)
    keep = step > tol
    return polygon[keep] if keep.any() else polygon[:1]


def convex_hull(points: np.ndarray, tol: float) -> np.ndarray:
    """Vertices of the convex hull of ``points``, counter-clockwise (Andrew's monotone chain).

    Points closer than ``tol`` in both coordinates are merged; a hull of one point or of a
    segment is returned as that point or the segment's two ends (qhull handles the
    two-dimensional hulls, the monotone chain the degenerate ones qhull refuses).
    """
    pts = np.unique(np.round(np.asarray(points, dtype=float) / tol) * tol, axis=0)
    if len(pts) <= 2:
        return pts
    from scipy.spatial import ConvexHull, QhullError  # imported when first needed: it costs a start-up

    try:  # qhull, when the points span the plane
        hull = ConvexHull(pts)
    except QhullError:
        pass
    else:
        return pts[hull.vertices]  # counter-clockwise, for a two-dimensional hull
    order = np.lexsort((pts[:, 1], pts[:, 0]))
    pts = pts[order]

    def chain(sequence: np.ndarray) -> list[np.ndarray]:
        out: list[np.ndarray] = []
        for p in sequence:
            while len(out) >= 2 and _cross(out[-2], out[-1], p) <= tol * tol:
                out.pop()
            out.append(p)
        return out

    lower, upper = chain(pts), chain(pts[::-1])
    hull = np.array(lower[:-1] + upper[:-1])
    return hull if len(hull) else pts[:1]


def _cross(o: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    return float((a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]))


def clipped_support(
    polygon: np.ndarray, corners: np.ndarray, normals: np.ndarray, tol: float, *, points: bool = False
) -> tuple[np.ndarray, np.ndarray | None]:
    """Support of ``polygon`` cut to ``{w >= corner}``, for every corner and normal at once.

    Parameters
    ----------
    polygon : numpy.ndarray
        ``(k, 2)`` vertices, counter-clockwise.
    corners : numpy.ndarray
        ``(m, 2)`` lower bounds on both coordinates.
    normals : numpy.ndarray
        ``(l, 2)`` directions.
    tol : float
        Absolute tolerance of the comparisons.
    points : bool
        Whether to return the points that attain the supports too.

    Returns
    -------
    (support, argmax) : numpy.ndarray, numpy.ndarray or None
        ``support[a, l] = max {normals[l] . w : w in polygon, w >= corners[a]}`` (``-inf`` where
        the cut polygon is empty), and, when asked, a point attaining it: ``(m, l, 2)``.

    Notes
    -----
    The maximum of a linear function over the cut polygon is attained at one of its
    vertices: a vertex of the polygon inside the quadrant, or an end of the segment in
    which a line ``w_i = corner_i`` crosses the polygon (the corner itself is such an
    end when it lies inside).  Both kinds are found for all corners with array operations.
    """
    m = corners.shape[0]
    inside = np.all(polygon[np.newaxis] >= corners[:, np.newaxis] - tol, axis=2)  # (m, k)
    on_vertices = np.where(inside[:, :, np.newaxis], (polygon @ normals.T)[np.newaxis], -np.inf)  # (m, k, l)
    low, high = _crossing(polygon, corners, tol)  # the segments {w_i = corner_i} in the polygon: (2, m) each
    low = np.maximum(low, corners[:, ::-1].T)
    ok = low <= high + tol  # (2, m)
    ends = np.zeros((m, 4, 2))
    ends[:, 0:2, 0] = corners[:, 0:1]  # on the line w_0 = corner_0: (corner_0, low), (corner_0, high)
    ends[:, 0, 1], ends[:, 1, 1] = low[0], high[0]
    ends[:, 2:4, 1] = corners[:, 1:2]  # on the line w_1 = corner_1
    ends[:, 2, 0], ends[:, 3, 0] = low[1], high[1]
    usable = np.repeat(ok.T, 2, axis=1)  # (m, 4)
    ends = np.where(usable[:, :, np.newaxis], ends, 0.0)
    on_ends = np.where(usable[:, :, np.newaxis], ends @ normals.T, -np.inf)  # (m, 4, l)
    values = np.concatenate([on_vertices, on_ends], axis=1)
    best = values.argmax(axis=1)  # (m, l)
    support = np.take_along_axis(values, best[:, np.newaxis, :], axis=1)[:, 0, :]
    if not points:
        return support, None
    candidates = np.concatenate([np.broadcast_to(polygon, (m, *polygon.shape)), ends], axis=1)
    return support, np.take_along_axis(candidates, best[:, :, np.newaxis], axis=1)


def _crossing(polygon: np.ndarray, corners: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Where each line ``w_i = corners[a, i]`` meets the polygon: lowest and highest other coordinate, ``(2, m)``.

    ``+inf`` and ``-inf`` where the line misses the polygon.
    """
    start = polygon.T[:, np.newaxis, :]  # (2, 1, k): coordinate, -, vertex
    end = np.roll(polygon, -1, axis=0).T[:, np.newaxis, :]
    level = corners.T[:, :, np.newaxis]  # (2, m, 1)
    step = end - start
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (level - start) / step  # (2, m, k)
    crosses = np.isfinite(t) & (t >= -tol) & (t <= 1 + tol)
    t = np.clip(np.where(crosses, t, 0.0), 0.0, 1.0)
    other = start[::-1] + t * step[::-1]  # the other coordinate along each edge
    on_line = np.abs(start - level) <= tol  # vertices on the line (flat edges)
    values = np.concatenate([other, np.broadcast_to(start[::-1], on_line.shape)], axis=2)
    mask = np.concatenate([crosses, on_line], axis=2)
    return np.where(mask, values, np.inf).min(axis=2), np.where(mask, values, -np.inf).max(axis=2)
