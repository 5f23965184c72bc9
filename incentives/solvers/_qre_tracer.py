"""The predictor-corrector that traces the principal branch of logit quantal response equilibria.

See :mod:`incentives.solvers.qre` for the definitions and the method (Turocy 2005).  The
tracer works on payoffs scaled by the caller (``max |payoff| <= 1`` for
:func:`incentives.logit_path`, each player's payoffs mapped onto ``[0, 1]`` for the
``logit`` solver); ``lambda`` is in those units.

Unknowns are ``z = (y, lambda)`` with ``y`` the log-probabilities; the equations
``H(z) = 0`` are ``sum_a exp(y_i(a)) = 1`` and ``y_i(a) - y_i(0) = lambda (U_i(a) - U_i(0))``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np

from ..equilibrium import Profile
from ._pair_contraction import PairContraction
from ._support_system import CrossTables, SupportSystem, cross_payoffs, cross_tables, newton, support_system

__all__ = ["Crossing", "Step", "Trace", "Tracer"]


#: A Nash equilibrium ends the path only once every probability on the path is this close to it.
_NEAR = 1e-2

#: A step is accepted when consecutive tangents make at most this cosine, the corrector moves the predicted
#: point by at most this fraction of the step; then the next step grows by this factor.
_COSINE, _DRIFT, _GROWTH = 0.99, 0.1, 1.5

#: Residual (relative to ``1 + max |z|``) below which a corrected point counts as on the path.
_TOL = 1e-11

#: Extra corrector drift allowed on top of ``_DRIFT * step`` (relative to ``1 + max |z|``), and the
#: smallest step before the tracer gives up.
_DRIFT_FLOOR, _MIN_STEP = 1e-10, 1e-12

#: Regret (in unit payoffs) and probability tolerance of the Nash equilibrium the path ends at; the
#: Newton tolerance that refines it; the probability cuts that suggest its support, coarsest first.
_END_TOL, _END_PTOL, _NEWTON_TOL, _SUPPORT_CUTS = 1e-10, 1e-12, 1e-13, (1e-2, 1e-4, 1e-7)

#: How far from a bifurcation point (relative to ``1 + max |z|``) a branch that leaves it is first corrected.
_BRANCH_STEP = 1e-3

#: A point where the Jacobian's smallest singular value is below this fraction of its largest is singular.
_SINGULAR = 1e-6

#: From this many players on, ``H`` and its Jacobian are evaluated for all pairs of players at once.
_BATCHED_PLAYERS = 3

#: A tangent from one square solve is used when its length (before normalising) is below this bound and
#: the Jacobian maps it to zero within this relative accuracy; otherwise the SVD gives it.
_MAX_NULL_NORM, _NULL_RTOL = 1e8, 1e-12


class Step(NamedTuple):
    """A point of the path, the tangent the step to it was taken along, and the bifurcation point it crossed."""

    z: np.ndarray
    before: np.ndarray
    crossed: np.ndarray | None


class Crossing(NamedTuple):
    """A step across a simple bifurcation point: the point, the path's tangent there, the index after it."""

    point: np.ndarray
    tangent: np.ndarray
    after: int


@dataclass(kw_only=True)
class Trace:
    """What a trace found: ``lambda`` and the probabilities at each point, the crossings, and the limit."""

    lambdas: list[float]
    points: list[list[np.ndarray]]
    crossings: list[Crossing] = field(default_factory=list)
    limit: Profile | None = None
    converged: bool = False

    def end_at(self, limit: Profile | None, *, near: float = _NEAR) -> bool:
        """Take ``limit`` as the end of the path when it is within ``near`` of the last point."""
        if limit is not None and _distance(limit, self.points[-1]) <= near:
            self.limit, self.converged = limit, True
        return self.converged


@dataclass(frozen=True, kw_only=True)
class Tracer:
    """Predictor-corrector on ``H(y, lambda) = 0`` for the (scaled) ``payoffs`` of a game of ``shape``."""

    payoffs: np.ndarray
    shape: tuple[int, ...]

    @cached_property
    def starts(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.shape)])

    @cached_property
    def _bounds(self) -> tuple[tuple[int, int], ...]:
        starts = self.starts.tolist()
        return tuple(itertools.pairwise(starts))

    def split(self, y: np.ndarray) -> list[np.ndarray]:
        probs = np.exp(y)
        return [probs[start:stop] for start, stop in self._bounds]

    def start(self) -> np.ndarray:
        return np.concatenate([np.full(n, -np.log(n)) for n in self.shape] + [np.zeros(1)])

    @cached_property
    def _systems(self) -> dict[tuple[tuple[int, ...], ...], SupportSystem]:
        """The indifference systems of the supports tried as the path's limit, kept for the next try."""
        return {}

    @cached_property
    def tables(self) -> CrossTables:
        return cross_tables(list(self.payoffs))

    @cached_property
    def layout(self) -> _Layout | None:
        """Index arrays for the batched residual and Jacobian, from :data:`_BATCHED_PLAYERS` players on.

        None for two players (a pair at a time is as fast) and for games too large to batch.
        """
        if len(self.shape) < _BATCHED_PLAYERS:
            return None
        try:
            return _Layout.of(self.shape)
        except ValueError:  # too large to batch: pair by pair
            return None

    def residual(self, z: np.ndarray) -> np.ndarray:
        y, lam = z[:-1], z[-1]
        if self.layout is not None:
            return self.layout.residual(self.payoffs, y, lam, np.exp(y))
        probs = self.split(y)
        gains = cross_payoffs(self.tables, probs)[0]
        out = np.empty(len(y))
        starts = self.starts
        for i, (p, u) in enumerate(zip(probs, gains, strict=True)):
            block = y[starts[i] : starts[i + 1]]
            out[starts[i]] = p.sum() - 1.0
            out[starts[i] + 1 : starts[i + 1]] = block[1:] - block[0] - lam * (u[1:] - u[0])
        return out

    def regret(self, probs: list[np.ndarray]) -> float:
        """Largest gain from a unilateral deviation at ``probs`` (in unit payoffs)."""
        gains = cross_payoffs(self.tables, probs)[0]
        return max(float(u.max() - p @ u) for p, u in zip(probs, gains, strict=True))

    def linearised(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``H(z)`` and its Jacobian, sharing the payoff contractions where the batched layout allows."""
        if self.layout is None:
            return self.residual(z), self.jacobian(z)
        y, lam = z[:-1], z[-1]
        return self.layout.linearised(self.payoffs, y, lam, np.exp(y))

    def jacobian(self, z: np.ndarray) -> np.ndarray:
        y, lam = z[:-1], z[-1]
        if self.layout is not None:
            return self.layout.linearised(self.payoffs, y, lam, np.exp(y))[1]
        probs = self.split(y)
        starts = self.starts
        size = len(y)
        out = np.zeros((size, size + 1))
        all_gains, blocks = cross_payoffs(self.tables, probs, blocks=True)
        for i, n_i in enumerate(self.shape):
            rows = slice(starts[i], starts[i + 1])
            gains = all_gains[i]
            out[starts[i], rows] = probs[i]
            out[starts[i] + 1 : starts[i + 1], starts[i]] = -1.0
            out[starts[i] + 1 : starts[i + 1], starts[i] + 1 : starts[i + 1]] = np.eye(n_i - 1)
            out[starts[i] + 1 : starts[i + 1], -1] = -(gains[1:] - gains[0])
            for j in range(len(self.shape)):
                if j == i:
                    continue
                block = blocks[i, j]
                slope = (block[1:] - block[:1]) * probs[j][None, :]
                out[starts[i] + 1 : starts[i + 1], starts[j] : starts[j + 1]] = -lam * slope
        return out

    def correct(self, z: np.ndarray, *, fixed_lambda: bool = False) -> tuple[np.ndarray, bool]:
        """Gauss-Newton back onto the curve (or, with ``fixed_lambda``, onto the QRE at that lambda)."""
        moved, ok, _ = self._correct(z, fixed_lambda=fixed_lambda)
        return moved, ok

    def _correct(
        self, z: np.ndarray, *, fixed_lambda: bool = False, across: np.ndarray | None = None
    ) -> tuple[np.ndarray, bool, np.ndarray | None]:
        """:meth:`correct`, also returning the Jacobian of the final polishing step (None if there was none).

        That Jacobian, at a point within the tolerance of the result, serves for the next tangent.
        With ``across`` (the tangent a step was predicted along), each correction is the Newton step
        orthogonal to it (Allgower and Georg 1990, section 3.1): one square solve instead of a
        least-squares one, falling back to the minimum-norm step where that system is singular.
        """
        previous = np.inf
        tol = _TOL * (1.0 + float(np.max(np.abs(z))))  # log-probabilities grow like lambda: relative accuracy
        for _ in range(8):
            value, jacobian = self.linearised(z)
            error = float(np.max(np.abs(value)))
            if error < tol:
                return self._polish(z, jacobian, value, error, fixed_lambda, across), True, jacobian
            if not np.isfinite(error) or (error > 0.5 * previous and error > 1e3 * tol):
                return z, False, None  # overflow (a probability above 1 in the prediction) or no convergence
            previous = error
            try:
                z = z - _newton_step(jacobian, value, fixed_lambda, across)
            except np.linalg.LinAlgError:
                return z, False, None
            if not np.all(np.isfinite(z)):
                return z, False, None
        return z, bool(np.max(np.abs(self.residual(z))) < tol), None

    def _polish(
        self,
        z: np.ndarray,
        jacobian: np.ndarray,
        value: np.ndarray,
        error: float,
        fixed_lambda: bool,
        across: np.ndarray | None = None,
    ) -> np.ndarray:
        """One more Newton step, kept when it lowers the residual (near-singular points need the accuracy)."""
        try:
            better = z - _newton_step(jacobian, value, fixed_lambda, across)
        except np.linalg.LinAlgError:
            return z
        return better if float(np.max(np.abs(self.residual(better)))) < error else z

    def trace(
        self,
        top: float,
        max_points: int,
        stop_at_nash: bool,
        stop: Callable[[], bool] | None = None,
        *,
        start: np.ndarray | None = None,
        direction: np.ndarray | None = None,
    ) -> Trace:
        """Points of the path from ``start`` (``lambda = 0`` by default), and the Nash equilibrium at its end.

        ``direction`` orients the first step (upwards in ``lambda`` by default).  ``stop`` is called after
        every point and every step retried shorter (see :meth:`steps`); when it returns True, the trace ends
        unconverged.
        """
        z = self.start() if start is None else start
        trace = Trace(lambdas=[float(z[-1])], points=[self.split(z[:-1])])
        next_check = max(2.0, 2.0 * float(z[-1]))
        for step in self.steps(z, max_points - 1, direction, stop):
            if step.crossed is not None:
                trace.crossings.append(Crossing(point=step.crossed, tangent=step.before, after=len(trace.lambdas)))
            z = step.z
            trace.lambdas.append(float(z[-1]))
            trace.points.append(self.split(z[:-1]))
            if stop is not None and stop():
                return trace
            if stop_at_nash and z[-1] >= next_check and self.regret(trace.points[-1]) <= _NEAR:
                next_check = 2.0 * z[-1]
                if trace.end_at(_refine(self.payoffs, trace.points[-1], self._systems)):
                    return trace
            if z[-1] >= top:
                if stop_at_nash:
                    trace.end_at(_refine(self.payoffs, trace.points[-1], self._systems), near=np.inf)
                else:
                    trace.converged = True
                return trace
        if stop is not None and stop():  # stopped while retrying a step
            return trace
        if stop_at_nash:  # the step size collapsed or the points ran out: a last look for the limit
            trace.end_at(_refine(self.payoffs, trace.points[-1], self._systems))
        return trace

    def steps(
        self,
        z: np.ndarray,
        count: int,
        direction: np.ndarray | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> Iterator[Step]:
        """Up to ``count`` points along the curve after ``z`` (fewer if the step size collapses or ``stop`` says so).

        The first step goes along ``direction`` (upwards in ``lambda`` by default).  A step across a
        simple bifurcation point, where another branch crosses this one, is taken straight through:
        there the orientation of the tangent flips (Allgower and Georg 1990, section 8.1), which is how
        the crossing is detected and reported (``Step.crossed``).  ``stop`` is called before a step is
        retried shorter and while a crossing is located (the caller checks it after each point): a run of
        failed steps ends when it returns True.
        """
        if direction is None:
            direction = np.zeros(len(z))
            direction[-1] = 1.0
        tangent = _tangent(self.jacobian(z), direction)
        orientation = _orientation(self.jacobian(z), tangent)
        step = 0.1
        made = 0
        while made < count:
            predicted = z + step * tangent
            moved, ok, jacobian = self._correct(predicted, across=tangent)
            if ok:
                turned = _tangent(
                    self.jacobian(moved) if jacobian is None else jacobian, orientation=orientation, guess=tangent
                )
            else:
                turned = tangent
            crossed = None
            if ok and turned @ tangent <= -_COSINE and (moved - z) @ tangent > 0:
                crossed = self._bifurcation(z, moved, tangent, stop)  # None: a jump across a fold, not a crossing
                if crossed is not None:
                    turned = -turned
            drift = np.linalg.norm(moved - predicted)
            allowed = _DRIFT * step + _DRIFT_FLOOR * (1.0 + float(np.max(np.abs(z))))
            if not ok or moved[-1] < 0 or drift > allowed or turned @ tangent < _COSINE:
                step /= 2
                if step < _MIN_STEP or (stop is not None and stop()):
                    return
                continue
            if crossed is not None:
                orientation = -orientation
            yield Step(z=moved, before=tangent, crossed=crossed)
            z, tangent = moved, turned
            made += 1
            step = min(step * _GROWTH, 1e6)

    def _bifurcation(
        self, before: np.ndarray, after: np.ndarray, tangent: np.ndarray, stop: Callable[[], bool] | None = None
    ) -> np.ndarray | None:
        """The simple bifurcation point between two points of the path, or None if there is none (or ``stop``
        returned True before it was found).

        The orientation of ``tangent`` against the Jacobian flips between the points; bisection on it
        (correcting each midpoint onto the curve) finds where.  A bifurcation point is where the
        Jacobian loses rank; a step that jumped across a sharp fold onto the returning part of the path
        flips the orientation too, but there the Jacobian keeps its rank.
        """
        low, high = before, after
        sign = _orientation(self.jacobian(low), tangent)
        for _ in range(60):
            middle, ok = self.correct(0.5 * (low + high))
            if not ok or (stop is not None and stop()):
                return None
            if _orientation(self.jacobian(middle), tangent) == sign:
                low = middle
            else:
                high = middle
            if np.linalg.norm(high - low) < _TOL * (1.0 + float(np.max(np.abs(low)))):
                break
        point = 0.5 * (low + high)
        values = np.linalg.svd(self.jacobian(point), compute_uv=False)
        return point if values[-1] <= _SINGULAR * values[0] else None

    def leave(self, crossing: Crossing) -> list[tuple[np.ndarray, np.ndarray]]:
        """A start point and direction on each branch that leaves a crossing's bifurcation point.

        The branch that crosses the path there is tangent to the direction of the Jacobian's
        two-dimensional null space that is orthogonal to the path's own tangent.
        """
        point = crossing.point
        _, _, right = np.linalg.svd(self.jacobian(point))
        plane = right[-2:]
        along = plane @ crossing.tangent
        other = plane.T @ np.array([-along[1], along[0]])
        other /= np.linalg.norm(other)
        reach = _BRANCH_STEP * (1.0 + float(np.max(np.abs(point))))
        starts = []
        for sign in (1.0, -1.0):
            moved, ok = self.correct(point + sign * reach * other)
            if ok and moved[-1] >= 0 and np.linalg.norm(moved - point) > 0.5 * reach:
                starts.append((moved, sign * other))
        return starts

    def at(self, target: float, *, scale: float = 1.0, stop: Callable[[], bool] | None = None) -> Profile:
        """The QRE at ``lambda = target`` on the principal branch (continued straight through crossings).

        ``scale`` converts ``lambda`` into the caller's units for the messages; ``stop`` is called
        after every step, and when it returns True the search ends with a :class:`SolverError`.
        """
        from ..errors import SolverError

        z = self.start()
        if target == 0:
            return tuple(self.split(z[:-1]))
        for step in self.steps(z, 100_000, stop=stop):
            moved = step.z
            if moved[-1] >= target:
                share = (target - z[-1]) / (moved[-1] - z[-1])
                guess = z + share * (moved - z)
                guess[-1] = target
                exact, ok = self.correct(guess, fixed_lambda=True)
                if ok:
                    return tuple(self.split(exact[:-1]))
                raise SolverError(f"the logit QRE at lambda = {target / scale:g} could not be computed from the path")
            z = moved
            if stop is not None and stop():
                break
        if stop is not None and stop():
            raise SolverError(
                f"the logit QRE path could not be traced to lambda = {target / scale:g} within the time budget "
                f"(it stopped at lambda = {z[-1] / scale:.4g}); allow more time with --max-seconds"
            )
        raise SolverError(
            f"the logit QRE path could not be traced to lambda = {target / scale:g} "
            f"(it stopped at lambda = {z[-1] / scale:.4g})"
        )


@dataclass(frozen=True, kw_only=True)
class _Layout:
    """Where each entry of ``H`` and of its Jacobian comes from, for a game of ``shape`` (batched evaluation).

    Rows ``starts[i]`` hold ``sum_a exp(y_i(a)) - 1``; the other rows of player ``i``
    (``diff_*``) hold ``y_i(a) - y_i(0) - lambda (U_i(a) - U_i(0))``, whose
    derivative along ``y_j(b)`` is ``-lambda (M_ij(a, b) - M_ij(0, b)) sigma_j(b)``
    (``block_*``), with ``U`` and ``M`` from :class:`PairContraction`.  Where both are
    needed, ``U_i`` is read off a block, ``U_i(a) = sum_b M_ij(a, b) sigma_j(b)`` for
    the first other player ``j``, so the payoffs are contracted once.  Every ``*_at``
    and ``*_index`` is a flat index (into the gains, the blocks or the Jacobian), so
    each kind of entry is read or written by one operation.
    """

    contraction: PairContraction
    frame: np.ndarray  # the constant entries (-1 and 1 in the difference rows)
    sum_equations: np.ndarray  # the row of each player's sum equation
    sum_index: np.ndarray  # for each unknown y_j(b): its entry in player j's sum equation
    diff_rows: np.ndarray
    diff_base: np.ndarray  # the column of y_i(0)
    gain_at: np.ndarray  # U_i(a) of each difference row
    gain_base: np.ndarray  # U_i(0) of each difference row
    lambda_index: np.ndarray  # the lambda column of each difference row
    block_index: np.ndarray
    block_cols: np.ndarray
    block_at: np.ndarray  # M_ij(a, b) of each block entry
    block_base: np.ndarray  # M_ij(0, b) of each block entry
    first_pair: np.ndarray  # for each player i, the pair (i, j) of the first other player j
    first_other: np.ndarray
    padded_at: np.ndarray  # each unknown's place in a (players, width) array of probabilities

    @classmethod
    def of(cls, shape: tuple[int, ...]) -> _Layout:
        contraction = PairContraction(shape)
        width = contraction.width
        starts = np.concatenate([[0], np.cumsum(shape)])
        size = int(starts[-1])
        owner = np.repeat(np.arange(len(shape)), shape)  # player of each unknown
        action = np.arange(size) - starts[owner]
        diff = np.flatnonzero(action > 0)
        frame = np.zeros((size, size + 1))
        frame[diff, diff] = 1.0
        frame[diff, starts[owner[diff]]] = -1.0
        rows, cols, at, base = [], [], [], []
        for p, (i, j) in enumerate(contraction.pairs):
            a, b = np.meshgrid(np.arange(1, shape[i]), np.arange(shape[j]), indexing="ij")
            rows.append((starts[i] + a).ravel())
            cols.append((starts[j] + b).ravel())
            at.append(((p * width + a) * width + b).ravel())
            base.append((p * width * width + b).ravel())
        block_rows, block_cols = np.concatenate(rows), np.concatenate(cols)
        first_other = np.array([1 if i == 0 else 0 for i in range(len(shape))])
        pair_of = {(int(i), int(j)): p for p, (i, j) in enumerate(contraction.pairs)}
        return cls(
            contraction=contraction,
            frame=frame,
            sum_equations=starts[:-1],
            sum_index=starts[owner] * (size + 1) + np.arange(size),
            diff_rows=diff,
            diff_base=starts[owner[diff]],
            gain_at=owner[diff] * width + action[diff],
            gain_base=owner[diff] * width,
            lambda_index=diff * (size + 1) + size,
            block_index=block_rows * (size + 1) + block_cols,
            block_cols=block_cols,
            block_at=np.concatenate(at),
            block_base=np.concatenate(base),
            first_pair=np.array([pair_of[i, int(j)] for i, j in enumerate(first_other)]),
            first_other=first_other,
            padded_at=owner * width + action,
        )

    def residual(self, payoffs: np.ndarray, y: np.ndarray, lam: float, flat: np.ndarray) -> np.ndarray:
        """``H`` at one point; ``flat`` holds every player's probabilities, player after player."""
        gains = self.contraction.gains(payoffs, flat).ravel()
        return self._residual(y, lam, flat, gains[self.gain_at] - gains[self.gain_base])

    def linearised(
        self, payoffs: np.ndarray, y: np.ndarray, lam: float, flat: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`residual` and :meth:`jacobian` at one point, from one contraction of the payoffs."""
        blocks = self.contraction.blocks(payoffs, flat)
        padded = np.zeros(blocks.shape[:2])
        padded.ravel()[self.padded_at] = flat
        gains = np.matmul(blocks[self.first_pair], padded[self.first_other][:, :, None]).ravel()
        gaps = gains[self.gain_at] - gains[self.gain_base]
        jacobian = self.frame.copy()
        entries = jacobian.ravel()  # a view: the frame's copy is contiguous
        entries[self.sum_index] = flat
        entries[self.lambda_index] = -gaps
        values = blocks.ravel()
        entries[self.block_index] = -lam * (values[self.block_at] - values[self.block_base]) * flat[self.block_cols]
        return self._residual(y, lam, flat, gaps), jacobian

    def _residual(self, y: np.ndarray, lam: float, flat: np.ndarray, gaps: np.ndarray) -> np.ndarray:
        out = np.empty(len(y))
        out[self.sum_equations] = np.add.reduceat(flat, self.sum_equations) - 1.0
        out[self.diff_rows] = y[self.diff_rows] - y[self.diff_base] - lam * gaps
        return out


def _tangent(
    jacobian: np.ndarray,
    previous: np.ndarray | None = None,
    *,
    orientation: float = 0.0,
    guess: np.ndarray | None = None,
) -> np.ndarray:
    """Unit null vector of the ``m x (m + 1)`` Jacobian, oriented like ``previous``, or else so that
    ``det([jacobian; tangent])`` has the sign ``orientation`` (which keeps the direction of travel along a
    regular path, however sharply it turns; Allgower and Georg 1990, section 2.1).

    With a ``guess`` (the previous tangent), the null vector solves ``[jacobian; guess] t = e_{m+1}``
    (Allgower and Georg 1990, section 2.1), one square solve; the singular value decomposition is the
    fallback where that system is singular or ill-conditioned.
    """
    tangent = _null_vector(jacobian, guess)
    if previous is not None:
        return tangent if tangent @ previous >= 0 else -tangent
    return tangent if _orientation(jacobian, tangent) * orientation >= 0 else -tangent


def _null_vector(jacobian: np.ndarray, guess: np.ndarray | None) -> np.ndarray:
    if guess is not None:
        square = _bordered(jacobian, guess)
        target = np.zeros(len(square))
        target[-1] = 1.0
        try:
            vector = np.linalg.solve(square, target)
        except np.linalg.LinAlgError:
            vector = None
        if vector is not None and np.all(np.isfinite(vector)):
            norm = float(np.linalg.norm(vector))
            # a regular path meets its previous tangent at a small angle, so the vector is of order one
            if 0.0 < norm < _MAX_NULL_NORM and np.max(np.abs(jacobian @ vector)) <= _NULL_RTOL * norm * (
                1.0 + float(np.max(np.abs(jacobian)))
            ):
                return vector / norm
    _, _, right = np.linalg.svd(jacobian)
    return right[-1]


def _newton_step(jacobian: np.ndarray, value: np.ndarray, fixed_lambda: bool, across: np.ndarray | None) -> np.ndarray:
    """The correction of one Newton step: at fixed lambda, orthogonal to ``across``, or of minimum norm."""
    if fixed_lambda:
        return np.append(np.linalg.solve(jacobian[:, :-1], value), 0.0)
    if across is not None:
        try:
            right = np.zeros(len(value) + 1)
            right[:-1] = value
            step = np.linalg.solve(_bordered(jacobian, across), right)
            if np.all(np.isfinite(step)):
                return step
        except np.linalg.LinAlgError:
            pass
    return np.linalg.lstsq(jacobian, value, rcond=None)[0]


def _orientation(jacobian: np.ndarray, tangent: np.ndarray) -> float:
    return float(np.sign(np.linalg.det(_bordered(jacobian, tangent))))


def _bordered(jacobian: np.ndarray, row: np.ndarray) -> np.ndarray:
    """The ``m x (m + 1)`` Jacobian with ``row`` below it: a square matrix."""
    square = np.empty((jacobian.shape[0] + 1, jacobian.shape[1]))
    square[:-1] = jacobian
    square[-1] = row
    return square


def _refine(
    payoffs: np.ndarray,
    probs: list[np.ndarray],
    systems: dict[tuple[tuple[int, ...], ...], SupportSystem] | None = None,
) -> Profile | None:
    """A Nash equilibrium near ``probs``: Newton on the indifference system of the support it suggests.

    ``systems`` keeps the systems built so far (a support suggested again is not rebuilt).
    """
    systems = {} if systems is None else systems
    from ._components import is_equilibrium

    tried = set()
    for cut in _SUPPORT_CUTS:
        support = tuple(tuple(int(a) for a in np.flatnonzero(p >= cut * p.max())) for p in probs)
        if support in tried:
            continue
        tried.add(support)
        if support not in systems:
            systems[support] = support_system(payoffs, support)
        system = systems[support]
        start = system.coordinates(tuple(probs))
        point, converged = newton(system, np.clip(start, 0.0, 1.0), tol=_NEWTON_TOL, max_steps=8)
        if converged and is_equilibrium(system, point, tol=_END_TOL, ptol=_END_PTOL):
            profile = system.profile(point)
            return tuple(np.where(p > 0, p, 0.0) / np.where(p > 0, p, 0.0).sum() for p in profile)
    return None


def _distance(first: Profile, second: Profile | list[np.ndarray]) -> float:
    return max(float(np.max(np.abs(a - b))) for a, b in zip(first, second, strict=True))
