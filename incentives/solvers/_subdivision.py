"""Every root of a batch of multilinear systems in the unit box, by subdivision with exact corner bounds.

Definitions
-----------
Each system has ``n`` unknowns, ``n`` equation rows ``g(x) = 0`` and further
inequality rows ``h(x) <= 0``, every row multilinear (affine in each unknown
separately; see :mod:`incentives.solvers._support_system`).  A box is stored by
the values of every row at its ``2^n`` corners, which determine each row on the
whole box:

* the range of a row over the box is ``[min, max]`` of its corner values;
* halving the box along unknown ``t`` gives the new corners' values as averages
  of the old ones (exact, because the row is affine in ``x_t``);
* the derivative along ``t`` is the difference of opposite corners over the
  width, itself multilinear, so its range is the range of those differences;
* the value at the centre is the mean of the corner values;
* any linear combination of rows is multilinear, with the same combination of
  corner values.

Algorithm
---------
The search box is ``[0, 1]^n`` grown by :data:`MARGIN` on each side, so that
roots on the faces of the unit box, and dyadic rational roots such as ``1/2``,
lie inside boxes rather than on their faces.  All boxes of one level of one
system have the same widths, so a level of a batch of systems is one array of
shape ``(boxes, rows, 2^n)``:

1. *Exclude* a box when some equation row has one strict sign on it, or some
   inequality row is positive on all of it (no root, by the exact bounds).
2. *Precondition*: with ``Y`` the inverse of the Jacobian at the centre ``c``,
   exclude the box when a row of ``Y g`` has one strict sign on it.
3. *Krawczyk test* (Krawczyk 1969; Moore 1977), with ``r`` the half-widths and
   ``R`` the largest deviation of the interval Jacobian from the Jacobian at
   ``c``: the box holds exactly one root when ``|Y g(c)| + |Y| R r < r``
   componentwise (it is returned, for Newton's method from ``c``), and none when
   some component of ``|Y g(c)| - |Y| R r`` exceeds ``r``.
4. Halve the surviving boxes along their widest unknown, and repeat, depth first
   over parts of at most ``max_entries`` corner values (split by system, and a
   single system's level into halves), so memory stays bounded.

Boxes that survive to the minimum width, or whose system holds more than
``system_entries`` corner values in one level or has examined more than
``max_boxes`` boxes (it is then *capped*), surround singular roots or sets of
roots (or near misses); they are grouped into *regions* of touching boxes and
returned for the caller to examine.

References
----------
R. Krawczyk, "Newton-Algorithmen zur Bestimmung von Nullstellen mit
Fehlerschranken", *Computing* 4, 187-201, 1969.

R. E. Moore, "A test for existence of solutions to nonlinear systems", *SIAM
Journal on Numerical Analysis* 14(4), 611-615, 1977.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..tolerance import RTOL, SOLVER_RTOL
from .registry import Budget

__all__ = ["MARGIN", "Region", "Subdivision", "centre_jacobians", "excluded", "subdivide"]

#: The search box is ``[-MARGIN[0], 1 + MARGIN[1]]`` in every unknown (odd numbers, so no root sits on a face).
MARGIN = (0.0123456789, 0.0098765432)

#: Jacobians at box centres with a larger condition number get no preconditioning and no Krawczyk test.
_MAX_CONDITION = 1e10

#: Derivative corner values gathered at once when bounding the Jacobian over boxes.
_GATHERED = 2**20

#: A level of boxes to be certified is halved along several unknowns at once while it holds no more than this.
_FEW_BOXES = 256


@dataclass(frozen=True, kw_only=True)
class Region:
    """Touching boxes of one system that were neither excluded nor certified."""

    owner: int
    centres: np.ndarray
    width: np.ndarray


@dataclass(kw_only=True)
class Subdivision:
    """What a subdivision found: certified boxes, unresolved regions, and why it stopped.

    ``capped`` lists the systems whose boxes became regions early because one level
    of them held more than ``system_entries`` corner values (their regions are
    coarser); ``stopped`` says the budget ran out before every box was resolved
    (the regions are then partial).
    """

    certified: list[tuple[int, np.ndarray, np.ndarray]] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    capped: set[int] = field(default_factory=set)
    stopped: bool = False
    boxes: int = 0
    widest: int = 0


def subdivide(
    corners: np.ndarray,
    n_equations: int,
    *,
    equation_slack: float,
    inequality_slack: np.ndarray | float,
    min_width: float,
    max_entries: int = 2**22,
    system_entries: int | None = 2**21,
    max_boxes: int | None = None,
    certify: bool = True,
    budget: Budget | None = None,
) -> Subdivision:
    """Search the box of every system in the batch for roots (see the module docstring).

    Parameters
    ----------
    corners : numpy.ndarray
        Shape ``(systems, rows, 2^n)``: every row of every system at the corners of ``[0, 1]^n``,
        the ``n_equations`` equation rows first.
    n_equations : int
        The number of equation rows, which equals the number of unknowns ``n``.
    equation_slack : float
        An equation row excludes a box only when it is beyond this margin on all of it.
    inequality_slack : float or numpy.ndarray
        The same for the inequality rows (one margin, or one per row).
    min_width : float
        Boxes this narrow that are still unresolved become regions.
    max_entries : int
        Corner values processed at once; larger levels are processed in parts (depth first).
    system_entries : int or None
        Corner values one system may hold in one level; beyond it, its boxes become regions.
        None: no such limit (a crowded level is searched in parts, depth first).
    max_boxes : int or None
        Boxes one system may examine in all; beyond it, its remaining boxes become regions.
    certify : bool
        Whether to run the preconditioning and Krawczyk steps (pointless for systems whose
        Jacobian is singular everywhere).
    budget : Budget or None
        Checked at every step; when it runs out, the search stops.
    """
    found = Subdivision()
    systems, rows, _ = corners.shape
    n = n_equations
    slack = np.broadcast_to(np.asarray(inequality_slack, dtype=float), (rows - n,))
    per_box = rows * 2**n
    low, high = -MARGIN[0], 1.0 + MARGIN[1]
    start = _stretch(np.asarray(corners, dtype=float), n, low, high)
    stack = [(start, np.full((systems, n), low), np.arange(systems), np.full(n, high - low), True)]
    examined = np.zeros(systems, dtype=np.int64)
    while stack:
        values, lows, owners, width, fresh = stack.pop()
        if fresh:
            examined += np.bincount(owners, minlength=systems)
            values, lows, owners = _examine(values, lows, owners, width, n, equation_slack, slack, found, certify)
        if not len(values):
            continue
        if budget is not None and budget.exhausted():
            found.stopped = True
            break
        found.widest = max(found.widest, len(values))
        crowded = _crowded(owners, examined, per_box, system_entries, max_boxes)
        finest = bool(width.max() <= min_width)
        done = np.ones(len(values), dtype=bool) if finest else None if crowded is None else crowded[owners]
        if done is not None and done.any():
            if crowded is not None:
                found.capped.update(int(o) for o in np.flatnonzero(crowded))
            found.regions.extend(_regions(lows[done], owners[done], width))
            values, lows, owners = values[~done], lows[~done], owners[~done]
        if not len(values):
            continue
        if values.size * 2 > max_entries and len(values) > 1:
            kinds = np.unique(owners)
            # by system when there are several, else by halves of one system's boxes
            first = owners < kinds[len(kinds) // 2] if len(kinds) > 1 else np.arange(len(values)) < len(values) // 2
            stack.append((values[~first], lows[~first], owners[~first], width, False))
            stack.append((values[first], lows[first], owners[first], width, False))
            continue
        halvings = _halvings(len(values), values.size, n, max_entries) if certify else 1
        for _ in range(halvings):
            if width.max() <= min_width and halvings > 1:
                break
            values, lows, owners, width = _split(values, lows, owners, width)
        stack.append((values, lows, owners, width, True))
    return found


def _crowded(
    owners: np.ndarray, examined: np.ndarray, per_box: int, system_entries: int | None, max_boxes: int | None
) -> np.ndarray | None:
    """Which systems hold too many corner values in this level or examined too many boxes (None: none can)."""
    crowded = None
    if system_entries is not None:
        crowded = np.bincount(owners, minlength=len(examined)) * per_box > system_entries
    if max_boxes is not None and examined.max() > max_boxes:
        crowded = examined > max_boxes if crowded is None else crowded | (examined > max_boxes)
    return crowded


def _halvings(boxes: int, entries: int, n: int, max_entries: int) -> int:
    """How many times to halve the boxes of a level before they are examined again.

    Once, as a rule; while a level holds only a few boxes (near a root that is not yet
    certified), along every unknown in turn, up to :data:`_FEW_BOXES` boxes and
    ``max_entries`` corner values: each level costs a fixed number of array operations,
    and a few boxes halved several times are examined in one of them.
    """
    halvings = 1
    while halvings < n and boxes << (halvings + 1) <= _FEW_BOXES and entries << (halvings + 1) <= max_entries:
        halvings += 1
    return halvings


def _examine(
    values: np.ndarray,
    lows: np.ndarray,
    owners: np.ndarray,
    width: np.ndarray,
    n: int,
    equation_slack: float,
    slack: np.ndarray,
    found: Subdivision,
    certify: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drop the boxes excluded by the bounds, record the certified ones, return the rest."""
    found.boxes += len(values)
    keep = _survivors(values, n, equation_slack, slack)
    if not keep.all():
        values, lows, owners = values[keep], lows[keep], owners[keep]
    if n == 0:
        found.certified.extend((int(o), np.zeros(0), np.zeros(0)) for o in owners)
        return values[:0], lows[:0], owners[:0]
    if len(values) and certify:
        unique, empty = _krawczyk(values[:, :n], width)
        for box in np.flatnonzero(unique):
            found.certified.append(
                (int(owners[box]), lows[box] + width / 2, np.broadcast_to(width / 2, lows[box].shape))
            )
        resolved = unique | empty
        if resolved.any():
            values, lows, owners = values[~resolved], lows[~resolved], owners[~resolved]
    return values, lows, owners


def excluded(corners: np.ndarray, n_equations: int, *, equation_slack: float, inequality_slack: float) -> np.ndarray:
    """Which systems of the batch the corner bounds rule out on the unit box at once (no root, no feasible point)."""
    rows = corners.shape[1] - n_equations
    slack = np.full(rows, inequality_slack)
    return ~_survivors(np.asarray(corners, dtype=float), n_equations, equation_slack, slack)


def centre_jacobians(corners: np.ndarray, n_equations: int) -> np.ndarray:
    """The Jacobian of the equation rows at the centre of ``[0, 1]^n`` for every system, from its corner values.

    Exact for multilinear rows: the derivative along ``t`` at the centre is the
    mean difference of the corner values across the two faces of ``t``.

    Parameters
    ----------
    corners : numpy.ndarray
        Shape ``(systems, rows, 2^n)``, the ``n_equations`` equation rows first.
    n_equations : int
        The number of equation rows, which equals the number of unknowns ``n``.

    Returns
    -------
    numpy.ndarray
        Shape ``(systems, n, n)``.

    Examples
    --------
    ``g(x, y) = x y - 1/4`` has gradient ``(y, x) = (1/2, 1/2)`` at the centre:

    >>> corners = np.array([[[-0.25, -0.25, -0.25, 0.75], [0.0, 1.0, 0.0, 1.0]]])  # rows g and y
    >>> centre_jacobians(corners, 2).tolist()
    [[[0.5, 0.5], [0.0, 1.0]]]
    """
    systems, n = corners.shape[0], n_equations
    return (corners[:, :n].reshape(systems * n, -1) @ _slope_weights(n)).reshape(systems, n, n)


def _survivors(values: np.ndarray, n: int, equation_slack: float, slack: np.ndarray) -> np.ndarray:
    """Boxes that no row excludes."""
    low, high = values.min(axis=2), values.max(axis=2)
    ruled_out = np.any((low[:, :n] > equation_slack) | (high[:, :n] < -equation_slack), axis=1)
    ruled_out |= np.any(low[:, n:] > slack, axis=1)
    return ~ruled_out


def _krawczyk(equations: np.ndarray, width: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each box: exactly one root (True, False), no root (False, True), or undecided (False, False)."""
    boxes, n, count = equations.shape
    flat = equations.reshape(boxes * n, count)
    centre_values = (flat @ _centre_weights(count)).reshape(boxes, n)
    middle = (flat @ _slope_weights(n)).reshape(boxes, n, n) / width
    unique = np.zeros(boxes, dtype=bool)
    empty = np.zeros(boxes, dtype=bool)
    good, inverse = _inverses(middle)
    if not len(good):
        return unique, empty
    every = len(good) == boxes
    mixed = np.matmul(inverse, equations if every else equations[good])  # the preconditioned rows Y g, at every corner
    tiny = SOLVER_RTOL * np.abs(centre_values if every else centre_values[good]).max(axis=1, keepdims=True) + 1e-300
    nothing = ((mixed.min(axis=2) > tiny) | (mixed.max(axis=2) < -tiny)).any(axis=1)
    empty[good] = nothing
    radius = width / 2
    shift = np.abs(mixed @ _centre_weights(count))  # |Y g(c)|: the Newton step from the centre
    close = ~nothing & (shift < 0.95 * radius).all(axis=1)  # K lies in the box only if the step does
    if not close.any():
        return unique, empty
    chosen = good[close]
    spread = _spread(equations[chosen], middle[chosen], width)
    reach = np.matmul(np.abs(inverse[close]), (spread @ radius)[:, :, None])[:, :, 0]
    unique[chosen] = (shift[close] + reach < 0.95 * radius).all(axis=1)
    empty[chosen] = (shift[close] - reach > radius * (1 + RTOL)).any(axis=1)
    return unique, empty


@cache
def _centre_weights(count: int) -> np.ndarray:
    """Weights turning ``count`` corner values into the value at the centre (their mean; read-only)."""
    weights = np.full(count, 1.0 / count)
    weights.flags.writeable = False
    return weights


def _spread(equations: np.ndarray, middle: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Largest deviation of each derivative over the box from its value at the centre.

    The derivative along ``t`` is multilinear too, with the differences of the corner values across
    the two faces of ``t`` (over the width) as its corner values: all of them are gathered at once,
    a few boxes at a time so the gathered array stays small.
    """
    boxes, n, count = equations.shape
    low, high = _face_pairs(n)
    chunk = max(1, _GATHERED // max(1, n * n * (count // 2)))
    spread = np.empty((boxes, n, n))
    for start in range(0, boxes, chunk):
        part = equations[start : start + chunk]
        slope = (part[:, :, high] - part[:, :, low]) / width[:, None]  # [box, row, t, pair]
        centre = middle[start : start + chunk]
        spread[start : start + chunk] = np.maximum(slope.max(axis=3) - centre, centre - slope.min(axis=3))
    return spread


@cache
def _face_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """For each unknown ``t``, the corners with ``x_t = 0`` and, in the same order, their partners with ``x_t = 1``."""
    corners = np.arange(2**n)
    low = np.array([corners[(corners >> (n - 1 - t)) & 1 == 0] for t in range(n)]).reshape(n, -1)
    high = low + (1 << (n - 1 - np.arange(n)))[:, None]
    low.flags.writeable = False
    high.flags.writeable = False
    return low, high


def _inverses(matrices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the well-conditioned matrices of a stack (1-norm condition number), and their inverses."""
    with np.errstate(all="ignore"):
        determinants = np.linalg.det(matrices)
    magnitudes = np.abs(matrices)
    scale = magnitudes.max(axis=(1, 2)) ** matrices.shape[1]
    candidates = np.flatnonzero(np.isfinite(determinants) & (np.abs(determinants) > 1e-13 * scale))
    if not len(candidates):
        return candidates, np.zeros((0, *matrices.shape[1:]))
    every = len(candidates) == len(matrices)
    inverse = np.linalg.inv(matrices if every else matrices[candidates])
    chosen = magnitudes if every else magnitudes[candidates]
    norms = chosen.sum(axis=1).max(axis=1) * np.abs(inverse).sum(axis=1).max(axis=1)
    keep = np.isfinite(norms) & (norms < _MAX_CONDITION)
    return candidates[keep], inverse[keep]


@cache
def _slope_weights(n: int) -> np.ndarray:
    """``(2^n, n)`` weights turning corner values into the mean difference along each unknown (times width)."""
    bits = (np.arange(2**n)[:, None] >> np.arange(n - 1, -1, -1)[None, :]) & 1
    weights = (2.0 * bits - 1.0) / 2 ** (n - 1)
    weights.flags.writeable = False
    return weights


def _stretch(values: np.ndarray, n: int, low: float, high: float) -> np.ndarray:
    """Corner values on ``[low, high]^n`` from those on ``[0, 1]^n`` (exact: rows are affine in each unknown)."""
    out = values
    boxes, rows, _ = values.shape
    for t in range(n):
        pair = out.reshape(boxes, rows, 2**t, 2, -1)
        step = pair[:, :, :, 1:2, :] - pair[:, :, :, 0:1, :]
        out = np.concatenate([pair[:, :, :, 0:1, :] + low * step, pair[:, :, :, 0:1, :] + high * step], axis=3)
        out = out.reshape(boxes, rows, -1)
    return out


def _split(
    values: np.ndarray, lows: np.ndarray, owners: np.ndarray, width: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Halve every box along its widest unknown (the same for all boxes of a level)."""
    t = int(np.argmax(width))
    boxes, rows, count = values.shape
    pair = values.reshape(boxes, rows, 2**t, 2, -1)
    halves = np.empty((2, boxes, rows, 2**t, 2, pair.shape[-1]))  # the lower halves, then the upper ones
    np.add(pair[:, :, :, 0], pair[:, :, :, 1], out=halves[0, :, :, :, 1])
    halves[0, :, :, :, 1] *= 0.5  # the values on the cut, shared by both halves
    halves[1, :, :, :, 0] = halves[0, :, :, :, 1]
    halves[0, :, :, :, 0] = pair[:, :, :, 0]
    halves[1, :, :, :, 1] = pair[:, :, :, 1]
    half = width.copy()
    half[t] /= 2
    shifted = lows.copy()
    shifted[:, t] += half[t]
    return (
        halves.reshape(2 * boxes, rows, count),
        np.concatenate([lows, shifted]),
        np.concatenate([owners, owners]),
        half,
    )


def _regions(lows: np.ndarray, owners: np.ndarray, width: np.ndarray) -> list[Region]:
    """Group boxes of the same system that touch (share a face, edge or corner) into regions."""
    cells = np.rint((lows + MARGIN[0]) / width).astype(np.int64)
    out = []
    for owner in np.unique(owners):
        mine = np.flatnonzero(owners == owner)
        for members in _touching_groups(cells[mine]):
            chosen = mine[members]
            out.append(Region(owner=int(owner), centres=lows[chosen] + width / 2, width=width.copy()))
    return out


def _touching_groups(cells: np.ndarray) -> list[np.ndarray]:
    """Connected groups of grid cells, two cells touching when no coordinate differs by more than one."""
    count, n = cells.shape
    spans = cells.max(axis=0, initial=0) + 3
    if n <= 6 and float(np.sum(np.log2(spans))) < 62:
        sources, targets = _links_by_codes(cells + 1, spans)
    else:
        sources, targets = _links_by_pairs(cells)
    links = coo_matrix((np.ones(len(sources)), (sources, targets)), shape=(count, count))
    _, labels = connected_components(links, directed=False)
    return [np.flatnonzero(labels == label) for label in np.unique(labels)]


def _links_by_codes(cells: np.ndarray, spans: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Touching pairs found by encoding cells as integers and looking every neighbour up (low dimension)."""
    n = cells.shape[1]
    weights = np.cumprod(np.concatenate([[1], spans[:0:-1]]))[::-1].astype(np.int64)
    codes = cells @ weights
    order = np.argsort(codes)
    ordered = codes[order]
    offsets = np.stack(np.meshgrid(*[np.array([-1, 0, 1])] * n, indexing="ij"), axis=-1).reshape(-1, n)
    sources, targets = [], []
    for shift in offsets @ weights:
        wanted = codes + shift
        at = np.minimum(np.searchsorted(ordered, wanted), len(ordered) - 1)
        hit = ordered[at] == wanted
        sources.append(np.flatnonzero(hit))
        targets.append(order[at[hit]])
    return np.concatenate(sources), np.concatenate(targets)


def _links_by_pairs(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Touching pairs found by comparing every pair of cells, in chunks (few boxes, high dimension)."""
    count, n = cells.shape
    chunk = max(1, 2**22 // max(1, count * n))
    sources, targets = [], []
    for start in range(0, count, chunk):
        block = cells[start : start + chunk]
        rows, cols = np.nonzero(np.abs(block[:, None, :] - cells[None, :, :]).max(axis=2) <= 1)
        sources.append(rows + start)
        targets.append(cols)
    return np.concatenate(sources), np.concatenate(targets)
