"""Logit quantal response equilibria, and the path of them from random play to a Nash equilibrium.

Definitions
-----------
In a *logit quantal response equilibrium* (QRE) with rationality ``lambda >= 0``
every player plays each action with a probability that grows exponentially with
its expected payoff against the others' mixes:

    ``sigma_i(a) = exp(lambda U_i(a, sigma_{-i})) / sum_b exp(lambda U_i(b, sigma_{-i}))``

(McKelvey and Palfrey 1995).  At ``lambda = 0`` everyone picks uniformly at
random; as ``lambda`` grows, players respond ever more sharply to payoffs, and the
*principal branch* (the QRE connected to ``lambda = 0``) converges, for almost every
game, to one Nash equilibrium: the *logit solution* (Harsanyi's tracing, in
McKelvey and Palfrey's words).  ``lambda`` is measured per unit of payoff, so
doubling every payoff halves the ``lambda`` at which the same behaviour appears.

Algorithm
---------
The branch is traced as a curve in ``(log sigma, lambda)`` (Turocy 2005): the
unknowns are the log-probabilities ``y`` and ``lambda``, and the equations are
``sum_a exp(y_i(a)) = 1`` and ``y_i(a) - y_i(0) = lambda (U_i(a) - U_i(0))``.
Log-probabilities keep the tiny probabilities of bad actions accurate when
``lambda`` is large.  Each step predicts along the tangent of the curve (the
null vector of the Jacobian, oriented as the previous one), then corrects with
Gauss-Newton (minimum-norm) steps; the step grows after easy corrections and
shrinks after failed ones, so the path may turn back in ``lambda`` where the
branch folds.  To find the limit, the tracer repeatedly takes the actions
played with non-negligible probability as a support guess and solves that
support's indifference system by Newton's method; the first solution that is
a Nash equilibrium within ``1e-10`` (in payoffs scaled to at most 1) ends the
path.

References
----------
R. D. McKelvey and T. R. Palfrey, "Quantal response equilibria for normal form
games", *Games and Economic Behavior* 10(1), 6-38, 1995.

T. L. Turocy, "A dynamic homotopy interpretation of the logistic quantal response
equilibrium correspondence", *Games and Economic Behavior* 51(2), 243-263, 2005.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .equilibrium import Profile
from .game import Game
from .solvers._support_system import CrossTables, cross_payoffs, cross_tables, newton, support_system

__all__ = ["QrePath", "logit_path", "logit_qre"]

#: Largest rationality (per unit of the largest absolute payoff) a path goes to by default.
MAX_LAMBDA = 1e7

#: A Nash equilibrium ends the path only once every probability on the path is this close to it.
_NEAR = 1e-2

#: A step is accepted when consecutive tangents make at most this cosine, the corrector moves the predicted
#: point by at most this fraction of the step; then the next step grows by this factor.
_COSINE, _DRIFT, _GROWTH = 0.99, 0.1, 1.5

#: Residual below which a corrected point counts as on the path.
_TOL = 1e-11


@dataclass(frozen=True, kw_only=True)
class QrePath:
    """The principal branch of logit quantal response equilibria, as traced.

    Parameters
    ----------
    players : tuple of str
        Player names.
    actions : tuple of tuple of str
        Action names of each player.
    lambdas : numpy.ndarray
        Rationality at each point of the path, shape ``(points,)`` (it can turn back where the branch folds).
    profiles : tuple of numpy.ndarray
        For each player, its probabilities along the path: shape ``(points, actions)``.
    limit : tuple of numpy.ndarray or None
        The Nash equilibrium the path converges to, refined by Newton's method, when found.
    converged : bool
        Whether the path reached its Nash equilibrium (or the requested rationality).
    """

    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    lambdas: np.ndarray
    profiles: tuple[np.ndarray, ...]
    limit: Profile | None = None
    converged: bool = True

    def __post_init__(self) -> None:
        lambdas = np.array(self.lambdas, dtype=float)
        if lambdas.ndim != 1 or not len(lambdas) or not np.all(np.isfinite(lambdas)):
            raise ValueError(
                f"The 'lambdas' parameter of QrePath must be a non-empty 1-D array of finite numbers. "
                f"Got shape {lambdas.shape} instead."
            )
        if len(self.profiles) != len(self.players) or len(self.actions) != len(self.players):
            raise ValueError("QrePath needs one action list and one probability array per player.")
        profiles = []
        for player, acts, probs in zip(self.players, self.actions, self.profiles, strict=True):
            array = np.array(probs, dtype=float)
            if array.shape != (len(lambdas), len(acts)):
                raise ValueError(
                    f"The probabilities of {player!r} must have shape {(len(lambdas), len(acts))}. "
                    f"Got {array.shape} instead."
                )
            profiles.append(_readonly(array))
        object.__setattr__(self, "lambdas", _readonly(lambdas))
        object.__setattr__(self, "profiles", tuple(profiles))
        if self.limit is not None:
            object.__setattr__(self, "limit", tuple(_readonly(np.array(p, dtype=float)) for p in self.limit))

    def __len__(self) -> int:
        return len(self.lambdas)

    def profile(self, index: int) -> Profile:
        """The mixed profile at point ``index`` of the path."""
        return tuple(p[index].copy() for p in self.profiles)

    def plot(self, ax: Any = None, *, players: tuple[str, ...] | None = None, xscale: str = "symlog") -> Any:
        """Draw each action's probability against the rationality ``lambda`` (needs matplotlib).

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw; a new figure when None.
        players : tuple of str, optional
            Only these players' actions (all by default).
        xscale : str
            Scale of the ``lambda`` axis (``"symlog"``, ``"linear"`` or ``"log"``).

        Returns
        -------
        matplotlib Axes
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        chosen = self.players if players is None else players
        for name in chosen:
            i = self.players.index(name)
            for a, action in enumerate(self.actions[i]):
                ax.plot(self.lambdas, self.profiles[i][:, a], label=f"{name}: {action}")
        if xscale == "symlog":
            ax.set_xscale("symlog", linthresh=max(1e-9, float(np.min(self.lambdas[self.lambdas > 0], initial=1.0))))
        else:
            ax.set_xscale(xscale)
        ax.set_xlabel("rationality λ")
        ax.set_ylabel("probability")
        ax.set_ylim(-0.02, 1.02)
        ax.set_title("logit quantal response equilibria")
        ax.legend(fontsize="small")
        return ax


def logit_path(
    game: Game,
    *,
    max_lambda: float | None = None,
    max_points: int = 5_000,
    stop_at_nash: bool = True,
) -> QrePath:
    """Trace the principal branch of logit QRE from ``lambda = 0`` (see the module docstring).

    Parameters
    ----------
    game : Game
        Any number of players.
    max_lambda : float or None
        Stop once ``lambda`` exceeds this; by default ``1e7`` over the largest absolute payoff.
    max_points : int
        Stop after this many points (the path is then not ``converged``).
    stop_at_nash : bool
        Stop as soon as the Nash equilibrium the path approaches is found; with False,
        trace on to ``max_lambda``.

    Returns
    -------
    QrePath

    Raises
    ------
    ValueError
        If ``max_lambda`` is not positive or ``max_points`` is less than 2.

    Examples
    --------
    Matching pennies where the row player's prize for heads-heads is 9 instead of
    1: in the Nash equilibrium the row player still mixes half and half (only the
    column player's mix moves), but boundedly rational row players lean towards
    the big prize (the "own-payoff effect" of Goeree and Holt 2001).

    >>> import incentives as inc
    >>> game = inc.Game.from_bimatrix([[9, 0], [0, 1]], [[0, 1], [1, 0]])
    >>> path = logit_path(game)
    >>> [[round(float(p), 6) for p in mix] for mix in path.limit], path.converged
    ([[0.5, 0.5], [0.1, 0.9]], True)
    >>> round(float(path.profiles[0][:, 0].max()), 2)  # the row player's largest probability of heads
    0.9
    """
    if max_lambda is not None and not max_lambda > 0:
        raise ValueError(f"The 'max_lambda' parameter of logit_path must be positive. Got {max_lambda!r} instead.")
    if max_points < 2:
        raise ValueError(f"The 'max_points' parameter of logit_path must be at least 2. Got {max_points!r} instead.")
    payoffs, scale = _unit_payoffs(game)
    top = MAX_LAMBDA if max_lambda is None else max_lambda * scale
    tracer = _Tracer(payoffs=payoffs, shape=game.shape)
    lambdas, points, limit, converged = tracer.trace(top, max_points, stop_at_nash)
    return QrePath(
        players=game.players,
        actions=game.actions,
        lambdas=np.array(lambdas) / scale,
        profiles=tuple(np.array([p[i] for p in points]) for i in range(game.n_players)),
        limit=limit,
        converged=converged,
    )


def logit_qre(game: Game, lam: float) -> Profile:
    """The logit quantal response equilibrium at rationality ``lam`` on the principal branch.

    Where the branch folds, several QRE share one ``lam``; this is the first one
    reached from ``lambda = 0``.

    Parameters
    ----------
    game : Game
        Any number of players.
    lam : float
        Rationality, per unit of payoff (``0`` is uniform play).

    Returns
    -------
    tuple of numpy.ndarray
        Each player's probabilities.

    Raises
    ------
    ValueError
        If ``lam`` is negative or not finite.
    IncentivesError
        If the path could not be traced up to ``lam``.

    Examples
    --------
    In the prisoner's dilemma both players defect more as they grow more rational:

    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> [round(float(p), 4) for p in logit_qre(pd, 0)[0]], [round(float(p), 4) for p in logit_qre(pd, 1)[0]]
    ([0.5, 0.5], [0.2268, 0.7732])
    """
    if not np.isfinite(lam) or lam < 0:
        raise ValueError(f"The 'lam' parameter of logit_qre must be a finite number >= 0. Got {lam!r} instead.")
    payoffs, scale = _unit_payoffs(game)
    tracer = _Tracer(payoffs=payoffs, shape=game.shape)
    return tracer.at(lam * scale)


# -- the path tracer --------------------------------------------------------------------------


def _unit_payoffs(game: Game) -> tuple[np.ndarray, float]:
    payoffs = game.float_payoffs()
    scale = max(1.0, float(np.max(np.abs(payoffs))))
    return payoffs / scale, scale


@dataclass(frozen=True, kw_only=True)
class _Tracer:
    """Predictor-corrector on ``H(y, lambda) = 0`` for payoffs scaled to at most 1."""

    payoffs: np.ndarray
    shape: tuple[int, ...]

    @property
    def starts(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.shape)])

    def split(self, y: np.ndarray) -> list[np.ndarray]:
        starts = self.starts
        return [np.exp(y[starts[i] : starts[i + 1]]) for i in range(len(self.shape))]

    def start(self) -> np.ndarray:
        return np.concatenate([np.full(n, -np.log(n)) for n in self.shape] + [np.zeros(1)])

    @cached_property
    def tables(self) -> CrossTables:
        return cross_tables(list(self.payoffs))

    def residual(self, z: np.ndarray) -> np.ndarray:
        y, lam = z[:-1], z[-1]
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

    def jacobian(self, z: np.ndarray) -> np.ndarray:
        y, lam = z[:-1], z[-1]
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
        previous = np.inf
        for _ in range(8):
            value = self.residual(z)
            error = float(np.max(np.abs(value)))
            if error < _TOL:
                return z, True
            if error > 0.5 * previous and error > 1e3 * _TOL:
                return z, False
            previous = error
            jacobian = self.jacobian(z)
            if fixed_lambda:
                step = np.linalg.solve(jacobian[:, :-1], value)
                z = z - np.append(step, 0.0)
            else:
                z = z - np.linalg.lstsq(jacobian, value, rcond=None)[0]
            if not np.all(np.isfinite(z)):
                return z, False
        return z, bool(np.max(np.abs(self.residual(z))) < _TOL)

    def trace(
        self, top: float, max_points: int, stop_at_nash: bool, stop: Callable[[], bool] | None = None
    ) -> tuple[list[float], list[list[np.ndarray]], Profile | None, bool]:
        """Points of the path, the Nash equilibrium at its end (if found), and whether it got there.

        ``stop`` is called after every point; when it returns True, the trace ends unconverged.
        """
        start = self.start()
        lambdas, points = [0.0], [self.split(start[:-1])]
        next_check = 2.0
        for z in self.steps(start, max_points - 1):
            lambdas.append(float(z[-1]))
            points.append(self.split(z[:-1]))
            if stop is not None and stop():
                return lambdas, points, None, False
            if stop_at_nash and z[-1] >= next_check and self.regret(points[-1]) <= _NEAR:
                next_check = 2.0 * z[-1]
                limit = _refine(self.payoffs, points[-1])
                if limit is not None and _distance(limit, points[-1]) <= _NEAR:
                    return lambdas, points, limit, True
            if z[-1] >= top:
                limit = _refine(self.payoffs, points[-1]) if stop_at_nash else None
                return lambdas, points, limit, not stop_at_nash or limit is not None
        return lambdas, points, None, False

    def steps(self, z: np.ndarray, count: int) -> Iterator[np.ndarray]:
        """Up to ``count`` points along the curve after ``z`` (fewer if the step size collapses)."""
        tangent = np.zeros(len(z))
        tangent[-1] = 1.0
        tangent = _tangent(self.jacobian(z), tangent)
        step = 0.1
        made = 0
        while made < count:
            predicted = z + step * tangent
            moved, ok = self.correct(predicted)
            turned = _tangent(self.jacobian(moved), tangent) if ok else tangent
            drift = np.linalg.norm(moved - predicted)
            if not ok or moved[-1] < 0 or drift > _DRIFT * step or turned @ tangent < _COSINE:
                step /= 2
                if step < 1e-12:
                    return
                continue
            z, tangent = moved, turned
            made += 1
            yield z
            step = min(step * _GROWTH, 1e6)

    def at(self, target: float) -> Profile:
        """The QRE at ``lambda = target`` on the principal branch."""
        from .errors import SolverError

        z = self.start()
        if target == 0:
            return tuple(self.split(z[:-1]))
        for moved in self.steps(z, 100_000):
            if moved[-1] >= target:
                share = (target - z[-1]) / (moved[-1] - z[-1])
                guess = z + share * (moved - z)
                guess[-1] = target
                exact, ok = self.correct(guess, fixed_lambda=True)
                if ok:
                    return tuple(self.split(exact[:-1]))
                raise SolverError(f"the logit QRE at lambda = {target:g} could not be computed from the path")
            z = moved
        raise SolverError(f"the logit QRE path could not be traced to lambda = {target:g}")


def _tangent(jacobian: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """Unit null vector of the ``m x (m + 1)`` Jacobian, oriented like ``previous``."""
    _, _, right = np.linalg.svd(jacobian)
    tangent = right[-1]
    return tangent if tangent @ previous >= 0 else -tangent


def _refine(payoffs: np.ndarray, probs: list[np.ndarray]) -> Profile | None:
    """A Nash equilibrium near ``probs``: Newton on the indifference system of the support it suggests."""
    from .solvers._components import is_equilibrium

    tried = set()
    for cut in (1e-4, 1e-7):
        support = tuple(tuple(int(a) for a in np.flatnonzero(p >= cut * p.max())) for p in probs)
        if support in tried:
            continue
        tried.add(support)
        system = support_system(payoffs, support)
        start = system.coordinates(tuple(probs))
        point, converged = newton(system, np.clip(start, 0.0, 1.0), tol=1e-13, max_steps=8)
        if converged and is_equilibrium(system, point, tol=1e-10, ptol=1e-12):
            profile = system.profile(point)
            return tuple(np.where(p > 0, p, 0.0) / np.where(p > 0, p, 0.0).sum() for p in profile)
    return None


def _distance(first: Profile, second: Profile | list[np.ndarray]) -> float:
    return max(float(np.max(np.abs(a - b))) for a, b in zip(first, second, strict=True))


def _readonly(array: np.ndarray) -> np.ndarray:
    array = np.array(array, copy=True)
    array.setflags(write=False)
    return array
