"""What an unresolved region of a support's indifference system holds: a singular point, a component, or nothing.

A *region* is a group of touching boxes that subdivision could neither exclude
nor certify (:mod:`incentives.solvers._subdivision`).  Regions surround singular
roots and sets of roots of positive dimension, and occasionally near misses.

Algorithm
---------
1. *Find a point*: from the centre of the region's most central box, from a
   few boxes far from it, and from the central one moved onto the faces of the
   unit box that the region reaches, project onto the equilibrium conditions: a
   Gauss-Newton iteration on the equations (also from the start moved onto the
   faces it is within two box widths of), and if its end point is not an
   equilibrium, the nearest point (SLSQP) that satisfies the equations, the
   best-response inequalities and the probability constraints.  A point counts
   when it satisfies all of them within the tolerances and lies near the region.
2. *Classify it* by the rank ``r`` of the Jacobian of the equations there: full
   rank means a regular root (the subdivision simply stopped near it).  Otherwise
   step a little along each direction of the Jacobian's null space and project
   back with Gauss-Newton; if a projected point is a different equilibrium (a
   different profile, not only different coordinates), the
   point lies on a *component* of local dimension ``n - r``; if not, it is a
   *singular* equilibrium (isolated as far as this test can tell).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..tolerance import DUPLICATE_ATOL, RTOL, tolerance
from ._subdivision import Region
from ._support_system import SupportSystem, newton

__all__ = [
    "RegionFinding",
    "examine_region",
    "examine_region_all",
    "is_equilibrium",
    "jacobian_rank",
]

Kind = Literal["regular", "singular", "component", "unresolved"]

#: Step along a null direction when testing for a component.
_STEP = 1e-3

#: Starting boxes tried per region.
_STARTS = 4

#: Coordinates this close to 0 or 1 after a projection are also tried on the face itself.
_SNAP = 1e-6


@dataclass(frozen=True, kw_only=True)
class RegionFinding:
    """An equilibrium found in a region (in free coordinates), and what kind of point it is."""

    kind: Kind
    point: np.ndarray | None = None
    dimension: int | None = None


def examine_region(system: SupportSystem, region: Region, *, tol: float, ptol: float) -> RegionFinding:
    """Find and classify an equilibrium in ``region`` (see the module docstring).

    ``tol`` is the absolute tolerance on the equations and inequalities, ``ptol``
    the tolerance on probabilities, both in the system's payoff units.
    """
    findings = examine_region_all(system, region, tol=tol, ptol=ptol)
    return findings[0] if findings else RegionFinding(kind="unresolved")


def examine_region_all(system: SupportSystem, region: Region, *, tol: float, ptol: float) -> list[RegionFinding]:
    """Every distinct equilibrium reached from the region's starting boxes, classified.

    A coarse region can hold several isolated equilibria: each start that lands on a
    new point inside the region adds one finding.
    """
    reach = 2.0 * float(region.width.max()) + RTOL
    findings: list[RegionFinding] = []
    points: list[np.ndarray] = []
    for start in [*_starts(region.centres), _on_faces(region)]:
        point = _project(system, start, tol=tol, ptol=ptol, snap=reach)
        if point is None or np.min(np.max(np.abs(region.centres - point), axis=1)) > reach:
            continue
        if any(np.max(np.abs(point - seen)) <= DUPLICATE_ATOL for seen in points):
            continue
        points.append(point)
        findings.append(_classify(system, point, tol=tol, ptol=ptol))
    return findings


def is_equilibrium(system: SupportSystem, x: np.ndarray, *, tol: float, ptol: float) -> bool:
    """Whether ``x`` satisfies the equations, best-response inequalities and probability constraints."""
    if not np.all(np.isfinite(x)):
        return False
    if any(q.min() < -ptol for q in system.mixes(x)):
        return False
    equations, inequalities = system.residuals(x)
    return bool(np.all(np.abs(equations) <= tol) and np.all(inequalities <= tol))


def jacobian_rank(system: SupportSystem, x: np.ndarray) -> tuple[int, np.ndarray]:
    """Numerical rank of the Jacobian of the equations at ``x``, and a basis of its null space (rows)."""
    n = system.n_unknowns
    if n == 0:
        return 0, np.zeros((0, 0))
    _, singular, right = np.linalg.svd(system.jacobian(x))
    rank = int(np.sum(singular > tolerance(singular)))
    return rank, right[rank:]


def _starts(centres: np.ndarray) -> list[np.ndarray]:
    """The most central box's centre, then boxes far from those already chosen."""
    middle = centres.mean(axis=0)
    chosen = [int(np.argmin(np.abs(centres - middle).max(axis=1)))]
    distance = np.abs(centres - centres[chosen[0]]).max(axis=1)
    while len(chosen) < min(_STARTS, len(centres)):
        far = int(np.argmax(distance))
        if distance[far] <= 0:
            break
        chosen.append(far)
        distance = np.minimum(distance, np.abs(centres - centres[far]).max(axis=1))
    return [centres[k] for k in chosen]


def _on_faces(region: Region) -> np.ndarray:
    """The region's most central box centre moved onto every face of the unit box the region reaches.

    A region that reaches a face (or a corner) along a thin strip often surrounds an
    equilibrium on that face, where its support's extra actions have probability zero.
    """
    low = region.centres.min(axis=0) - region.width / 2
    high = region.centres.max(axis=0) + region.width / 2
    point = _starts(region.centres)[0].copy()
    point[(low <= 0) & (high < 1)] = 0.0
    point[(high >= 1) & (low > 0)] = 1.0
    return point


def _project(
    system: SupportSystem, start: np.ndarray, *, tol: float, ptol: float, snap: float = 0.0
) -> np.ndarray | None:
    """A nearby point satisfying every equilibrium condition, or None.

    Tried in turn: Newton's method from ``start``; from ``start`` moved onto the
    faces of the unit box within ``snap`` (a region touching a face often holds
    its equilibrium on the face: an action of the support played with
    probability zero, common in games with ties); and the nearest point
    satisfying every condition (SLSQP), polished by Newton's method or moved
    onto a face within :data:`_SNAP`.
    """
    for origin in _distinct_points(start, _snapped(start, snap)):
        point, _ = newton(system, origin, tol=tol * 1e-3)
        for candidate in _distinct_points(point, _snapped(point, _SNAP)):
            if is_equilibrium(system, candidate, tol=tol, ptol=ptol):
                return candidate
    nearest = _nearest_feasible(system, start)
    if nearest is None:
        return None
    polished, converged = newton(system, nearest, tol=tol * 1e-3)
    if converged and is_equilibrium(system, polished, tol=tol, ptol=ptol):
        return polished
    for candidate in _distinct_points(nearest, _snapped(nearest, _SNAP)):
        if is_equilibrium(system, candidate, tol=tol, ptol=ptol):
            return candidate
    return None


def _snapped(x: np.ndarray, within: float) -> np.ndarray:
    """``x`` with its coordinates outside the unit box, or within ``within`` of a face, moved onto that face."""
    return np.where(x < within, 0.0, np.where(x > 1.0 - within, 1.0, x))


def _distinct_points(first: np.ndarray, second: np.ndarray) -> list[np.ndarray]:
    return [first] if np.array_equal(first, second) else [first, second]


def _nearest_feasible(system: SupportSystem, start: np.ndarray) -> np.ndarray | None:
    """SLSQP: the point of the unit box nearest ``start`` satisfying the equations and inequalities.

    SLSQP stops at once ("singular matrix C") when the equations' gradients are
    linearly dependent, as they are wherever the system is degenerate, so only a
    maximal independent set of equations at ``start`` is imposed (pivoted QR);
    the caller checks every equation at the result.
    """
    n = system.n_unknowns
    rows = system.inequality_rows
    kept = _independent_rows(system.jacobian(start))
    constraints = []
    if len(kept):
        constraints.append(
            {"type": "eq", "fun": lambda x: system.residuals(x)[0][kept], "jac": lambda x: system.jacobian(x)[kept]}
        )
    if rows:
        constraints.append(
            {"type": "ineq", "fun": lambda x: -system.residuals(x)[1], "jac": lambda x: -system.jacobian(x, rows)}
        )
    from scipy.optimize import minimize  # imported when first needed: it costs a start-up

    result = minimize(
        lambda x: 0.5 * float(np.sum((x - start) ** 2)),
        start,
        jac=lambda x: x - start,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * n,
        constraints=constraints,
        options={"maxiter": 60, "ftol": 1e-15},
    )
    return np.asarray(result.x) if np.all(np.isfinite(result.x)) else None


def _independent_rows(matrix: np.ndarray) -> np.ndarray:
    """Indices of a maximal set of linearly independent rows (pivoted QR of the transpose)."""
    if matrix.size == 0:
        return np.zeros(0, dtype=np.intp)
    from scipy.linalg import qr  # imported when first needed: it costs a start-up

    _, triangle, order = qr(matrix.T, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(triangle))
    rank = int(np.sum(diagonal > tolerance(diagonal)))
    return np.sort(order[:rank])


def _classify(system: SupportSystem, point: np.ndarray, *, tol: float, ptol: float) -> RegionFinding:
    rank, null = jacobian_rank(system, point)
    if rank == system.n_unknowns:
        return RegionFinding(kind="regular", point=point)
    for direction in null:
        for sign in (1.0, -1.0):
            moved, converged = newton(system, point + sign * _STEP * direction, tol=tol * 1e-3)
            apart = max(
                float(np.max(np.abs(a - b))) for a, b in zip(system.mixes(moved), system.mixes(point), strict=True)
            )
            if converged and apart > _STEP / 4 and is_equilibrium(system, moved, tol=tol, ptol=ptol):
                return RegionFinding(kind="component", point=point, dimension=len(null))
    return RegionFinding(kind="singular", point=point)
