"""Every isolated Nash equilibrium of an N-player game, by support enumeration with polynomial systems.

Definitions
-----------
An equilibrium with support profile ``S`` solves the *indifference system* of
``S``: every player is indifferent among its support actions and no action
outside its support pays more (:mod:`incentives.solvers._support_system` states
it formally).  With three or more players the equations are polynomial
(multilinear) in the probabilities, so a support can hold several equilibria,
irrational ones, or sets of equilibria of positive dimension (*components*).

Algorithm
---------
1. The pure equilibria, from best-response masks (:mod:`incentives.solvers.pure`).
2. Every other support profile, size profile by size profile in
   Porter-Nudelman-Shoham order (small and balanced supports first), skipping
   those that conditional dominance rules out (:mod:`incentives.solvers._pns`).
   Each support profile is one unit of the budget.
3. The indifference systems of all support profiles of one total size (so one
   number of unknowns) are searched together for every root in the probability box by subdivision with
   exact corner bounds and Krawczyk certification
   (:mod:`incentives.solvers._subdivision`); a certified box holds exactly one
   root, which Newton's method finds from its centre.  A root is kept when its
   probabilities are non-negative and no action outside the support pays more,
   within the tolerances below; :func:`~incentives.solve` then checks its regret.
4. Boxes that can be neither excluded nor certified down to a width of
   :data:`MIN_WIDTH` form regions around singular equilibria and components;
   each region is examined (:mod:`incentives.solvers._components`) and gives a
   verified representative point, reported as a singular equilibrium or as an
   :class:`~incentives.solvers.registry.EquilibriumComponent` with its local
   dimension.  A support is subdivided depth first in parts, so memory stays
   bounded however many boxes it needs; one that examines more than
   :data:`MAX_BOXES` boxes (which happens around components of dimension two or
   more) has its remaining boxes examined as coarse regions, and the search is
   reported incomplete.  Supports whose Jacobian is singular everywhere (they
   can hold no isolated equilibrium) get a small cap on one level,
   :data:`DEFICIENT_ENTRIES`, and no Krawczyk test; one with a region that gives
   no equilibrium is searched again with up to :data:`DEFICIENT_BOXES` boxes,
   which excludes near misses (in a generic game such a support holds nothing).
5. On exact games, rational equilibria are returned as exact fractions
   (verified by an exact zero regret); irrational ones are returned in floating
   point and, when their support has at most
   :data:`~incentives.solvers._algebraic.MAX_SYMBOLIC_UNKNOWNS` unknowns, their
   exact algebraic values (sympy) are stated in the notes.

Tolerances
----------
Payoffs are divided by ``max(1, max |payoff|)``.  An equation excludes a box only
when it is beyond ``1e-12`` of zero on all of it; an inequality when it exceeds
the regret tolerance.  Newton's method stops at residuals below ``1e-3`` times
the regret tolerance, so roots are accurate to about machine precision.

Completeness
------------
The status is ``complete`` when every support profile was searched and every
region gave a verified point: every isolated regular equilibrium is then listed,
and every other region of equilibria is represented by at least one point.  It
is ``incomplete`` when some region gave none (named in the notes), some
support with a regular system needed more than :data:`MAX_BOXES` boxes (its
coarse regions are examined from a few starting points only) or some support
had more than :data:`MAX_UNKNOWNS` unknowns, and ``budget_exhausted`` when the
budget ran out.

References
----------
R. Porter, E. Nudelman and Y. Shoham, "Simple search methods for finding a Nash
equilibrium", *Games and Economic Behavior* 63(2), 642-662, 2008.

R. D. McKelvey and A. McLennan, "The maximal number of regular totally mixed Nash
equilibria", *Journal of Economic Theory* 72(2), 411-425, 1997.

R. S. Datta, "Using computer algebra to find Nash equilibria", *Proceedings of
ISSAC 2003*, 74-79.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..equilibrium import Profile, make_equilibrium
from ..game import Game
from ..tolerance import RTOL, SOLVER_RTOL
from ._algebraic import algebraic_probabilities, rational_profile
from ._components import examine_region_all, is_equilibrium, jacobian_rank
from ._pns import size_profiles, support_profiles, surviving_by_sizes
from ._subdivision import Region, centre_jacobians, excluded, subdivide
from ._support_system import SupportSystem, corner_tables, newton, newton_many, simplified_newton, support_systems
from .pure import best_response_masks, pure_equilibria
from .registry import Budget, EquilibriumComponent, SolverOutput, Status, register_solver

__all__ = [
    "DEFICIENT_BOXES",
    "DEFICIENT_ENTRIES",
    "MAX_BOXES",
    "MAX_UNKNOWNS",
    "MIN_WIDTH",
    "polynomial_support_enumeration",
]

#: Boxes still unresolved at this width become regions.
MIN_WIDTH = 2.0**-12

#: Corner values one level of a support whose Jacobian is singular everywhere may hold before its boxes
#: become regions (such supports hold only sets of equilibria, which fill ever more boxes).
DEFICIENT_ENTRIES = 2**15

#: Boxes a second, deeper search of such a support may examine when a region of the first gave no
#: equilibrium (a near miss is excluded by then; an unresolved region is reported).
DEFICIENT_BOXES = 2**17

#: Boxes the subdivision of one support with a regular indifference system may examine; beyond it the
#: remaining boxes are examined as coarse regions, and the search is reported incomplete.
MAX_BOXES = 2**19

#: Supports with more unknowns (probabilities) are skipped, and the search reported incomplete.
MAX_UNKNOWNS = 12

#: At most this many equilibria of a search are described one by one in its notes: irrational ones exactly
#: (sympy), and singular ones (the sets of equilibria carry their own notes).
_MAX_DESCRIPTIONS = 8


@register_solver(
    "support-enumeration-n",
    players=None,
    finds="every isolated equilibrium, and a representative point of every set of equilibria",
    summary="every isolated equilibrium of an N-player game (support enumeration, polynomial systems)",
)
def polynomial_support_enumeration(game: Game, *, tol: float, budget: Budget) -> SolverOutput:
    """Every isolated Nash equilibrium of an N-player game (see the module docstring).

    Parameters
    ----------
    game : Game
        Any number of players.
    tol : float
        Absolute regret tolerance (:func:`~incentives.solve` scales it by the payoffs).
    budget : Budget
        Work is counted in support profiles.

    Returns
    -------
    SolverOutput
        With ``components`` for the sets of equilibria found to be components.

    Examples
    --------
    Three departments each gain 1 when all pick the first tool and 2 when all pick
    the second: besides the two pure equilibria there is one mixed equilibrium,
    with the irrational probability ``2 - sqrt(2)`` of the first tool.

    >>> import incentives as inc
    >>> game = inc.Game.from_payoffs([[[[1, 0], [0, 0]], [[0, 0], [0, 2]]]] * 3)
    >>> result = inc.solve(game, "support-enumeration-n")
    >>> [e.describe(game) for e in result]  # doctest: +NORMALIZE_WHITESPACE
    ['player 1=1.1, player 2=2.1, player 3=3.1', 'player 1=1.2, player 2=2.2, player 3=3.2',
     'player 1=(0.586 1.1 + 0.414 1.2), player 2=(0.586 2.1 + 0.414 2.2), player 3=(0.586 3.1 + 0.414 3.2)']
    >>> result.status, result.degenerate
    ('complete', False)
    >>> print(result.notes[-1])  # doctest: +ELLIPSIS
    the equilibrium ... has irrational probabilities; exactly: player 1 plays 1.1 with 2 - sqrt(2), ...
    """
    search = _Search(game=game, tol=tol, budget=budget)
    search.run()
    return search.output()


@dataclass(kw_only=True)
class _Search:
    """State of one search: the game in unit payoffs, what was found, and what could not be resolved."""

    game: Game
    tol: float
    budget: Budget
    profiles: list[Profile] = field(default_factory=list)
    keys: set[tuple[float, ...]] = field(default_factory=set)
    components: list[EquilibriumComponent] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    exact_notes: list[str] = field(default_factory=list)
    singular: int = 0
    degenerate: bool = False
    unresolved: list[tuple[tuple[int, ...], ...]] = field(default_factory=list)
    capped: list[tuple[tuple[int, ...], ...]] = field(default_factory=list)
    dominance: dict[tuple, Any] = field(default_factory=dict)
    skipped: int = 0
    searched: int = 0
    stopped: bool = False

    def __post_init__(self) -> None:
        payoffs = self.game.float_payoffs()
        self.scale = max(1.0, float(np.max(np.abs(payoffs))))
        self.unit = payoffs / self.scale
        self.unit_tol = self.tol / self.scale  # regret tolerance in unit payoffs
        self.ptol = self.unit_tol  # probability tolerance

    # -- the search -----------------------------------------------------------------------
    def run(self) -> None:
        """Search the size profiles in order, those with the same number of unknowns as one batch.

        Size profiles of one total size follow each other in Porter-Nudelman-Shoham order and have
        the same number of unknowns (and of rows), so their systems are subdivided together: one
        pass over the levels instead of one per size profile.
        """
        self._pure()
        grouped = surviving_by_sizes(self.unit, self.dominance)  # None: search size profile by size profile
        for unknowns, group in itertools.groupby(
            (sizes for sizes in size_profiles(self.game.shape) if max(sizes) > 1),
            key=lambda sizes: sum(k - 1 for k in sizes),
        ):
            supports = []
            for sizes in group:
                candidates = (
                    support_profiles(self.unit, sizes, self.dominance) if grouped is None else grouped.get(sizes, [])
                )
                for support in candidates:
                    if self.budget.exhausted():
                        self.stopped = True
                        break
                    self.budget.tick()
                    supports.append(support)
                if self.stopped:
                    break
            if supports and unknowns > MAX_UNKNOWNS:
                self.skipped += len(supports)
            elif supports:
                self.searched += len(supports)
                self._batch(supports)
            if self.stopped:
                return

    def _pure(self) -> None:
        """The pure equilibria; a tie with another action at one of them makes the game degenerate."""
        near_best = best_response_masks(self.game.to_float(), self.tol)
        for profile in pure_equilibria(self.game, tol=self.tol).profiles:
            self._add(profile)
            cell = [int(np.argmax(np.asarray(mix, dtype=float))) for mix in profile]
            for i in range(self.game.n_players):
                index: tuple[int | slice, ...] = (i, *cell[:i], slice(None), *cell[i + 1 :])
                if near_best[index].sum() > 1:
                    self.degenerate = True

    def _batch(self, supports: list[tuple[tuple[int, ...], ...]]) -> None:
        """Search every support profile of one number of unknowns (systems only for those the bounds leave)."""
        n = sum(len(s) - 1 for s in supports[0])
        corners = corner_tables(self.unit, supports)
        alive = ~excluded(corners, n, equation_slack=SOLVER_RTOL, inequality_slack=self.unit_tol)
        corners = corners[alive]
        corners.flags.writeable = False  # the systems' corner values are views of it
        systems = support_systems(self.unit, [s for s, keep in zip(supports, alive, strict=True) if keep], corners)
        jacobians = centre_jacobians(corners, n)
        regular_at_centre = _full_rank(jacobians)
        deficient = np.array(
            [not ok and _generic_rank(s) < n for s, ok in zip(systems, regular_at_centre, strict=True)], dtype=bool
        )
        linear = regular_at_centre & np.array([_linear(s) for s in systems], dtype=bool)
        if linear.any():
            self._linear_roots([systems[k] for k in np.flatnonzero(linear)], corners[linear], jacobians[linear])
        searched = ~deficient & ~linear
        for group, regular in ((np.flatnonzero(searched), True), (np.flatnonzero(deficient), False)):
            if len(group):
                again = self._subdivide(systems, corners[group], group, regular=regular, deep=False)
                if len(again) and not self.stopped:  # near misses in a coarse region: search much finer
                    self._subdivide(systems, corners[again], again, regular=False, deep=True)
            if self.stopped:
                return

    def _linear_roots(self, systems: list[SupportSystem], corners: np.ndarray, jacobians: np.ndarray) -> None:
        """The one root of each linear system with an invertible Jacobian, where subdivision would search for it.

        A linear system's Jacobian is the same everywhere, so when it is invertible the system has
        exactly one root, which one solve from the centre gives with residuals at the level of rounding
        (the rows are affine, so Newton's method from the centre is that solve and has nothing left to
        polish).  It is checked like a root from a certified box.  Each coordinate is the probability of
        one player's second support action, so a root further outside ``[0, 1]`` than the probability
        tolerance is no equilibrium and is not checked.
        """
        n = systems[0].n_unknowns
        centres = np.full((len(systems), n), 0.5)
        values = corners[:, :n].mean(axis=2)  # the rows at the centre (exact: the rows are affine)
        roots = centres - np.linalg.solve(jacobians, values[:, :, None])[:, :, 0]
        inside = np.all((roots >= -self.ptol) & (roots <= 1.0 + self.ptol), axis=1)
        for k in np.flatnonzero(inside):
            if is_equilibrium(systems[k], roots[k], tol=self.unit_tol, ptol=self.ptol):
                self._accept(systems[k], roots[k], kind="regular")

    def _subdivide(
        self, systems: list[SupportSystem], corners: np.ndarray, group: np.ndarray, *, regular: bool, deep: bool
    ) -> np.ndarray:
        """Subdivide the systems ``group``, examine what is left; the deficient ones with a region that gave no point.

        Supports whose Jacobian is singular everywhere are first searched with a small cap
        (:data:`DEFICIENT_ENTRIES` per level: their sets of equilibria fill ever more boxes); those
        with a region that gave no equilibrium are returned for a ``deep`` search of up to
        :data:`DEFICIENT_BOXES` boxes, which excludes near misses, and only its regions count as unresolved.
        """
        found = subdivide(
            corners,
            systems[0].n_unknowns,
            equation_slack=SOLVER_RTOL,
            inequality_slack=self.unit_tol,
            min_width=MIN_WIDTH,
            system_entries=None if regular or deep else DEFICIENT_ENTRIES,
            max_boxes=MAX_BOXES if regular else DEFICIENT_BOXES if deep else None,
            certify=regular,
            budget=self.budget,
        )
        owners = [systems[group[owner]] for owner, _, _ in found.certified]
        starts = newton_many(owners, [c for _, c, _ in found.certified], tol=self.unit_tol * 1e-3) if owners else None
        for k, (system, (_, centre, half_width)) in enumerate(zip(owners, found.certified, strict=True)):
            self._root(system, centre, half_width, None if starts is None else starts[k])
        if regular:
            self.capped.extend(systems[group[owner]].support for owner in sorted(found.capped))
        if found.stopped:
            self.stopped = True
            return np.zeros(0, dtype=np.intp)
        again = set()
        for region in found.regions:
            if not self._region(systems[group[region.owner]], region, record=regular or deep):
                again.add(int(group[region.owner]))
        return np.array(sorted(again), dtype=np.intp)

    def _root(
        self,
        system: SupportSystem,
        centre: np.ndarray,
        half_width: np.ndarray,
        newton_end: tuple[np.ndarray, bool] | None = None,
    ) -> None:
        """The root certified unique in the box around ``centre``; Newton must end inside that box.

        ``newton_end`` is where Newton's method from ``centre`` ended, if it already ran.
        """
        point, converged = newton(system, centre, tol=self.unit_tol * 1e-3) if newton_end is None else newton_end
        if converged and not _inside(point, centre, half_width):
            # full Newton jumped to another root; the box's own root is reached by the simplified
            # Newton iteration that the Krawczyk test proved contracting in the box
            point, converged = simplified_newton(system, centre, tol=self.unit_tol * 1e-3)
            converged = converged and _inside(point, centre, half_width)
        if not converged:
            self.unresolved.append(system.support)
        elif is_equilibrium(system, point, tol=self.unit_tol, ptol=self.ptol):
            self._accept(system, point, kind="regular")

    def _region(self, system: SupportSystem, region: Region, *, record: bool = True) -> bool:
        """Accept every equilibrium the region gives; whether it gave one (if not and ``record``, say so)."""
        findings = [
            f for f in examine_region_all(system, region, tol=self.unit_tol, ptol=self.ptol) if f.point is not None
        ]
        if not findings:
            if record:
                self.unresolved.append(system.support)
            return False
        for finding in findings:  # a coarse region can hold several isolated equilibria
            assert finding.point is not None
            self._accept(system, finding.point, kind=finding.kind, dimension=finding.dimension)
        return True

    def _accept(
        self,
        system: SupportSystem,
        point: np.ndarray,
        *,
        kind: Literal["regular", "singular", "component", "unresolved"],
        dimension: int | None = None,
    ) -> None:
        profile = _clean(system.profile(point), self.ptol)
        inequalities = system.residuals(point)[1]
        if kind != "regular" or min(q.min() for q in system.mixes(point)) <= self.ptol:
            self.degenerate = True
        if len(inequalities) and inequalities.max() >= -self.unit_tol:
            self.degenerate = True  # an action outside the support is as good: the support is not unique
        exact = rational_profile(self.game, profile)
        new = self._add(exact if exact is not None else profile)
        if not new or (kind == "regular" and (exact is not None or not self.game.is_exact)):
            return  # a regular equilibrium gets a note only when it is irrational in an exact game
        label = make_equilibrium(self.game, exact if exact is not None else profile).describe(self.game)
        if kind == "component":
            rank, _ = jacobian_rank(system, point)
            self.components.append(
                EquilibriumComponent(
                    representative=exact if exact is not None else profile,
                    support=system.support,
                    dimension=dimension,
                    note=f"the equilibria around {label} form a set of dimension {dimension} "
                    f"(the indifference system has Jacobian rank {rank} in {system.n_unknowns} unknowns); "
                    "this is one point of it",
                )
            )
        elif kind == "singular":
            self.singular += 1
            if self.singular <= _MAX_DESCRIPTIONS:
                self.notes.append(
                    f"the equilibrium {label} is singular (its indifference system's Jacobian is not invertible): "
                    "it may be isolated or part of a small set that the method could not tell apart"
                )
        elif exact is None and self.game.is_exact and len(self.exact_notes) < _MAX_DESCRIPTIONS:
            self._describe(system, profile, label)

    def _describe(self, system: SupportSystem, profile: Profile, label: str) -> None:
        exact = algebraic_probabilities(self.game, system.support, profile)
        if exact is None:
            return
        parts = [
            f"{self.game.players[i]} plays {self.game.actions[i][a]} with {value}" for (i, a), value in exact.items()
        ]
        self.exact_notes.append(
            f"the equilibrium {label} has irrational probabilities; exactly: {', '.join(parts)} "
            "(listed in floating point, accurate to about 1e-15)"
        )

    def _add(self, profile: Profile) -> bool:
        key = tuple(round(float(p), 7) for mix in profile for p in mix)
        if key in self.keys:
            return False
        self.keys.add(key)
        self.profiles.append(profile)
        return True

    # -- the result -----------------------------------------------------------------------
    def output(self) -> SolverOutput:
        shortfalls = self._shortfalls()
        status: Status = "budget_exhausted" if self.stopped else "incomplete" if shortfalls else "complete"
        notes = [self._summary(), *shortfalls, *self.notes, *self._undescribed()]
        degenerate: bool | None = self.degenerate if (self.degenerate or status == "complete") else None
        return SolverOutput(
            profiles=list(self.profiles),
            status=status,
            degenerate=degenerate,
            notes=(*notes, *self.exact_notes),
            components=tuple(self.components),
        )

    def _undescribed(self) -> list[str]:
        """How many singular equilibria were found beyond those described one by one."""
        left = self.singular - _MAX_DESCRIPTIONS
        if left <= 0:
            return []
        return [f"{left:,} more of the equilibria found are singular like those above"]

    def _shortfalls(self) -> list[str]:
        """What keeps the search from being complete, a note each."""
        out = []
        if self.unresolved:
            out.append(
                f"{len(self.unresolved)} region(s) of the indifference systems could be neither ruled out nor "
                f"resolved to a verified equilibrium (supports {self._supports(self.unresolved)}); "
                "equilibria there may be missing"
            )
        if self.capped:
            out.append(
                f"the subdivision of {len(self.capped)} support profile(s) stopped after {MAX_BOXES} boxes without "
                f"certifying every root (supports {self._supports(self.capped)}); the rest was examined from a few "
                "starting points per region, so equilibria there may be missing"
            )
        if self.skipped:
            out.append(
                f"{self.skipped} support profile(s) with more than {MAX_UNKNOWNS} unknown probabilities were not "
                "searched; equilibria with such large supports may be missing"
            )
        return out

    def _supports(self, supports: list[tuple[tuple[int, ...], ...]]) -> str:
        return ", ".join(self._support_label(s) for s in supports[:5])

    def _summary(self) -> str:
        total = math.prod(2**n - 1 for n in self.game.shape) - math.prod(self.game.shape)
        return (
            f"support enumeration: {self.searched} of {total} mixed support profiles survived conditional "
            "dominance and had their polynomial indifference systems solved (certified subdivision)"
        )

    def _support_label(self, support: tuple[tuple[int, ...], ...]) -> str:
        return "(" + "; ".join("+".join(self.game.actions[i][a] for a in s) for i, s in enumerate(support)) + ")"


def _full_rank(matrices: np.ndarray) -> np.ndarray:
    """Whether each square matrix of a stack has full numerical rank (the threshold of ``jacobian_rank``)."""
    if matrices.shape[-1] == 0:
        return np.ones(len(matrices), dtype=bool)
    singular = np.linalg.svd(matrices, compute_uv=False)
    return singular[:, -1] > RTOL * np.maximum(1.0, singular[:, 0])


def _linear(system: SupportSystem) -> bool:
    """Whether the indifference equations are linear: two players mix, over two actions each.

    A player's equations are multilinear in the others' mixes; with one other player mixing over
    two actions, whose mix is affine in its one coordinate, they are affine.
    """
    return system.sizes.count(2) == 2 and system.sizes.count(1) == len(system.sizes) - 2


def _generic_rank(system: SupportSystem) -> int:
    """Jacobian rank at up to two fixed interior points (the larger): below ``n`` means singular everywhere.

    Full rank at the first point settles it; the second guards against an unlucky first point.
    """
    rng = np.random.default_rng(20080601)
    rank = 0
    for _ in range(2):
        rank = max(rank, jacobian_rank(system, rng.uniform(0.2, 0.8, system.n_unknowns))[0])
        if rank == system.n_unknowns:
            break
    return rank


def _inside(point: np.ndarray, centre: np.ndarray, half_width: np.ndarray) -> bool:
    return bool(np.all(np.abs(point - centre) <= half_width * (1 + RTOL) + SOLVER_RTOL))


def _clean(profile: Profile, ptol: float) -> Profile:
    """Set probabilities within the tolerance of zero to zero and renormalise."""
    out = []
    for mix in profile:
        kept = np.where(mix > ptol, mix, 0.0)
        out.append(kept / kept.sum())
    return tuple(out)
