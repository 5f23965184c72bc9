"""Subgame-perfect equilibrium payoffs of a repeated two-department game: Judd, Yeltekin and Conklin (2003).

Definitions
-----------
Two departments play the stage game every period and discount the future by ``delta``
(``0 < delta < 1``); every action is seen (perfect monitoring) and a public lottery may
pick among continuation plays (public randomisation).  A payoff pair, in average
discounted terms, is *generated* by a set ``W`` when some pure profile ``a`` and a
continuation ``w`` in ``W`` give it,

    ``v = (1 - delta) u(a) + delta w``,

with ``w`` rewarding the profile enough that no department gains by a one-shot
deviation that is punished by the worst continuation for it in ``W``:

    ``(1 - delta) u_i(a) + delta w_i >= (1 - delta) max_b u_i(b, a_-i) + delta min_{x in W} x_i``.

The set ``V`` of pure-strategy subgame-perfect equilibrium payoffs (with public
randomisation) is the largest bounded set equal to the convex hull of what it
generates (Abreu, Pearce and Stacchetti 1990).  It is what QuantEcon's
``RepeatedGame.equilibrium_payoffs`` computes by the method of Abreu and Sannikov (2014).

Algorithm
---------
Judd, Yeltekin and Conklin (2003) approximate ``V`` by polygons with ``k`` fixed normals
``h_l`` (here evenly spaced on the circle):

* **outer**: start from the feasible payoffs, ``W_0 = {w : h_l . w <= c_l}`` with ``c_l``
  the feasible set's support.  Each round sets ``c_l`` to the largest ``h_l . v`` over
  the payoffs ``v`` that ``W`` generates (for each profile a linear programme in two
  variables, solved here by taking the best vertex of ``W`` cut by the two incentive
  constraints, for every profile and normal at once).  The sets shrink and every one
  contains ``V``;
* **inner**: start from the convex hull of the pure stage equilibria's payoffs (inside
  ``V``: repeating a stage equilibrium is subgame perfect).  Each round adds the point
  that attains each ``c_l`` and takes the convex hull.  The sets grow and every one is
  inside ``V``, since what a subset of ``V`` generates is in ``V``.

The two stop when no level moves by more than ``tol`` times the payoff scale.  The
distance between them (:attr:`PayoffSet.gap`) bounds the error of both.

References
----------
.. [1] K. L. Judd, S. Yeltekin and J. Conklin, "Computing supergame equilibria",
   Econometrica 71(4), 1239-1254, 2003.
.. [2] D. Abreu, D. Pearce and E. Stacchetti, "Toward a theory of discounted repeated
   games with imperfect monitoring", Econometrica 58(5), 1041-1063, 1990.
.. [3] D. Abreu and Y. Sannikov, "An algorithm for two-player repeated games with
   perfect monitoring", Theoretical Economics 9(2), 313-338, 2014.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._display import report_text
from .._util import readonly
from ..errors import SolverError
from ..game import Game
from ._polygon import clipped_support, convex_hull, directions, distinct_vertices, halfplane_vertices

__all__ = ["DEFAULT_DIRECTIONS", "PayoffSet", "equilibrium_payoff_set"]

#: Number of normals of the approximating polygons.
DEFAULT_DIRECTIONS = 128


@dataclass(frozen=True, kw_only=True)
class PayoffSet:
    """Outer and inner approximations of the subgame-perfect equilibrium payoffs of a repeated game.

    Parameters
    ----------
    departments : tuple of str
        The two departments; coordinate ``i`` of every point is department ``i``'s
        average discounted payoff.
    discount : float
        The common discount factor.
    outer : numpy.ndarray
        ``(k, 2)`` vertices, counter-clockwise, of a polygon that contains every
        equilibrium payoff pair; ``(0, 2)`` when the game has no pure-strategy
        subgame-perfect equilibrium at this discount factor.
    inner : numpy.ndarray or None
        Vertices of a polygon of equilibrium payoff pairs (every point is one), or None
        when it was not computed (see ``notes``).
    directions : int
        Number of normals of the polygons.
    iterations : tuple of int
        Rounds of the outer and of the inner approximation.
    converged : bool
        Whether both stopped because no level moved by more than the tolerance.
    tol : float
        The absolute tolerance on the levels.
    notes : tuple of str
        What was not computed, and why.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.repeated import equilibrium_payoff_set
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> patient = equilibrium_payoff_set(pd, 0.9)
    >>> patient.contains((3, 3)), patient.contains((1, 1)), patient.contains((4.5, 0.5))
    (True, True, False)
    >>> equilibrium_payoff_set(pd, 0.2).outer.round(9).tolist()  # impatient: only mutual defection
    [[1.0, 1.0]]
    >>> equilibrium_payoff_set(pd, 0.3).outer.round(9).tolist()  # (3, 3) needs 1/2; one-sided play comes first
    [[1.0, 1.0], [4.0, 1.0], [1.0, 4.0]]
    """

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    departments: tuple[str, str]
    discount: float
    outer: np.ndarray
    inner: np.ndarray | None
    directions: int
    iterations: tuple[int, int]
    converged: bool
    tol: float
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "outer", readonly(np.asarray(self.outer, dtype=float).reshape(-1, 2)))
        if self.inner is not None:
            object.__setattr__(self, "inner", readonly(np.asarray(self.inner, dtype=float).reshape(-1, 2)))

    @property
    def is_empty(self) -> bool:
        """Whether no pure-strategy subgame-perfect equilibrium exists at this discount factor."""
        return self.outer.shape[0] == 0

    @property
    def worst(self) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """Each department's worst equilibrium payoff, as ``(low, high)`` bounds from the outer and inner sets.

        The worst equilibrium payoff is the harshest credible punishment of the department.
        None when the set is empty; the high bound is ``inf`` without an inner approximation.
        """
        if self.is_empty:
            return None
        low = self.outer.min(axis=0)
        high = self.inner.min(axis=0) if self.inner is not None and len(self.inner) else np.full(2, np.inf)
        return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))

    @property
    def gap(self) -> float | None:
        """Largest difference between the outer and the inner support, over the normals (None without inner)."""
        if self.inner is None or self.is_empty or not len(self.inner):
            return None
        normals = directions(self.directions)
        return float(np.max((self.outer @ normals.T).max(axis=0) - (self.inner @ normals.T).max(axis=0)))

    def contains(self, point: Any, *, which: str = "outer") -> bool:
        """Whether ``point`` lies in the outer (default) or the inner approximation, within the tolerance."""
        polygon = self.outer if which == "outer" else self.inner
        if which not in ("outer", "inner"):
            raise ValueError(f"The 'which' parameter of contains must be 'outer' or 'inner'. Got {which!r} instead.")
        if polygon is None or not len(polygon):
            return False
        return _in_polygon(polygon, np.asarray(point, dtype=float), 10 * self.tol + 1e-12)


def _in_polygon(polygon: np.ndarray, point: np.ndarray, tol: float) -> bool:
    return bool(_all_in_polygon(polygon, np.asarray(point, dtype=float).reshape(1, 2), tol))


def _all_in_polygon(polygon: np.ndarray, points: np.ndarray, tol: float) -> bool:
    """Whether every one of ``points`` (``(m, 2)``) lies in the convex polygon, within ``tol``."""
    if len(polygon) == 1:
        return bool(np.all(np.abs(polygon[0] - points) <= tol))
    if len(polygon) == 2:
        a, b = polygon
        t = np.clip((points - a) @ (b - a) / max(float(np.dot(b - a, b - a)), 1e-300), 0.0, 1.0)
        return bool(np.all(np.linalg.norm(a + t[:, np.newaxis] * (b - a) - points, axis=1) <= tol))
    edges = np.roll(polygon, -1, axis=0) - polygon  # (k, 2), counter-clockwise
    lengths = np.maximum(np.linalg.norm(edges, axis=1), 1e-300)
    offsets = points[:, np.newaxis, :] - polygon[np.newaxis]  # (m, k, 2)
    cross = (edges[:, 0] * offsets[:, :, 1] - edges[:, 1] * offsets[:, :, 0]) / lengths
    return bool(np.all(cross >= -tol))


def equilibrium_payoff_set(
    game: Game,
    discount: float,
    *,
    directions: int = DEFAULT_DIRECTIONS,
    tol: float = 1e-12,
    max_iter: int = 10_000,
    inner: bool = True,
) -> PayoffSet:
    """The subgame-perfect equilibrium payoffs of the repeated two-department game (see the module docstring).

    Parameters
    ----------
    game : Game
        A two-department stage game (exact games are computed in floating point).
    discount : float
        The common discount factor, ``0 < discount < 1``.
    directions : int
        Number of normals of the approximating polygons (at least 8).
    tol : float
        Stop when no level moves by more than ``tol`` times ``max(1, max |payoff|)``.
    max_iter : int
        Largest number of rounds of each approximation.
    inner : bool
        Whether to compute the inner approximation too.

    Returns
    -------
    PayoffSet

    Raises
    ------
    SolverError
        If the game does not have two departments.
    ValueError
        If ``discount`` is not in ``(0, 1)`` or ``directions`` is below 8.

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> result = equilibrium_payoff_set(pd, 0.75)
    >>> result.converged, result.gap < 0.05
    (True, True)
    >>> [tuple(round(v, 6) for v in bounds) for bounds in result.worst]  # mutual defection is the harshest
    [(1.0, 1.0), (1.0, 1.0)]
    """
    if game.n_players != 2:
        raise SolverError(
            f"the set of equilibrium payoffs is computed for two departments; this game has {game.n_players}"
        )
    delta = float(discount)
    if not 0 < delta < 1:
        raise ValueError(f"The 'discount' parameter must be a number in (0, 1). Got {discount!r} instead.")
    if int(directions) < 8:
        raise ValueError(f"The 'directions' parameter must be an int of at least 8. Got {directions!r} instead.")
    kernel = _Kernel(game, delta, int(directions), tol * game.payoff_scale)
    levels, rounds_out, done_out = kernel.outer(max_iter)
    notes: list[str] = []
    if levels is None:
        notes.append("no pure-strategy subgame-perfect equilibrium exists at this discount factor")
        outer_points = np.zeros((0, 2))
    else:
        outer_points = convex_hull(halfplane_vertices(kernel.normals, levels), kernel.merge)
    inner_points, rounds_in, done_in = None, 0, True
    if inner and levels is not None:
        inner_points, rounds_in, done_in = kernel.inner(outer_points, max_iter)
        if inner_points is None:
            notes.append("no self-generating inner approximation was reached: none is reported")
    if not (done_out and done_in):
        notes.append(f"stopped after {max_iter} rounds before the levels settled to the tolerance")
    return PayoffSet(
        departments=(game.players[0], game.players[1]),
        discount=delta,
        outer=outer_points,
        inner=inner_points,
        directions=int(directions),
        iterations=(rounds_out, rounds_in),
        converged=done_out and done_in,
        tol=kernel.tol,
        notes=tuple(notes),
    )


class _Kernel:
    """The generating operator of one stage game and discount factor, over all profiles at once."""

    def __init__(self, game: Game, delta: float, count: int, tol: float) -> None:
        payoffs = game.float_payoffs()
        self.delta, self.tol = delta, tol
        self.merge = 1000 * tol  # vertices this close are one in the reported polygons
        self.normals = directions(count)
        self.u = np.stack([payoffs[0].ravel(), payoffs[1].ravel()], axis=1)  # (profiles, 2)
        best = np.stack(
            [
                np.broadcast_to(payoffs[0].max(axis=0, keepdims=True), payoffs[0].shape).ravel(),
                np.broadcast_to(payoffs[1].max(axis=1, keepdims=True), payoffs[1].shape).ravel(),
            ],
            axis=1,
        )
        self.premium = (1 - delta) / delta * (best - self.u)  # what a continuation must add to deter deviation
        self.now = (1 - delta) * (self.u @ self.normals.T)  # (profiles, normals)

    def generate(self, polygon: np.ndarray, *, points: bool = False) -> tuple[np.ndarray, np.ndarray | None] | None:
        """Levels (and attaining points) of what ``polygon`` generates, or None when it generates nothing."""
        polygon = distinct_vertices(polygon, self.tol)  # an outer polygon repeats a vertex for many normals
        corners = polygon.min(axis=0) + self.premium
        support, argmax = clipped_support(polygon, corners, self.normals, self.tol, points=points)
        if not np.isfinite(support).any():
            return None
        total = self.now + self.delta * support  # -inf where the profile cannot be enforced
        best = total.argmax(axis=0)
        columns = np.arange(len(self.normals))
        if argmax is None:
            return total[best, columns], None
        return total[best, columns], (1 - self.delta) * self.u[best] + self.delta * argmax[best, columns]

    def outer(self, max_iter: int) -> tuple[np.ndarray | None, int, bool]:
        levels = (self.u @ self.normals.T).max(axis=0)
        for rounds in range(1, max_iter + 1):
            step = self.generate(halfplane_vertices(self.normals, levels))
            if step is None:
                return None, rounds, True
            new = np.minimum(step[0], levels)  # the sets shrink: rounding must not grow them
            if np.max(levels - new) <= self.tol:
                return new, rounds, True
            levels = new
        return levels, max_iter, False

    def inner(self, outer: np.ndarray, max_iter: int) -> tuple[np.ndarray | None, int, bool]:
        """Iterate ``W <- conv(points attaining the levels of what W generates)`` from the outer set.

        Stops at the first ``W`` that lies in the convex hull of points it generates (within
        the tolerance): such a set is self-generating, so by Abreu, Pearce and Stacchetti
        every point of it is an equilibrium payoff.  Returns the polygon (None if no round
        reached one), the rounds, and whether one was reached.
        """
        polygon = outer
        for rounds in range(1, max_iter + 1):
            step = self.generate(polygon, points=True)
            if step is None or step[1] is None:
                return None, rounds, True
            generated = convex_hull(step[1], self.tol)
            if _all_in_polygon(generated, polygon, 10 * self.tol):
                return convex_hull(polygon, self.merge), rounds, True
            polygon = generated
        return None, max_iter, False
