"""Logit quantal response equilibria: the path from random play to a Nash equilibrium, and ``method="logit"``.

This module is the one home of the logit QRE: :func:`logit_path` and :func:`logit_qre`
(also ``inc.logit_path`` and ``inc.logit_qre``) trace the path, and the ``logit``
method of :func:`~incentives.solve` follows it to its limit.  The predictor-corrector
itself is the private kernel ``incentives.solvers._qre_tracer``.

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

Games with symmetries (the battle of the sexes, chicken, any symmetric game) are not
generic: there another branch of QRE can cross the principal one at a simple
bifurcation point, where the Jacobian loses rank.  The tracer steps straight across
it, detects the crossing by the flip of the tangent's orientation (Allgower and
Georg 1990, section 8.1), locates the point by bisection, and starts each branch
that leaves it along the direction of the two-dimensional null space orthogonal to
the path (:class:`QreSplit`).  The principal branch is continued straight through;
the branches leaving it are traced to their own limits.

The ``logit`` method (:func:`logit_equilibrium`) runs the same tracer with each
player's payoffs mapped affinely onto ``[0, 1]`` (so its answer does not depend on
any player's payoff units or zero point), counts each point of the path as one unit
of the budget, and returns the limit, the first Nash equilibrium within ``1e-2`` of
the path's current point, refined by Newton's method; :func:`~incentives.solve`
then verifies its regret (about ``1e-15``).  It finds one equilibrium (status
``incomplete``): for almost every game the branch is a path to a single
equilibrium, the logit solution.  Where the path splits, the limits of the
branches leaving it are listed too, and a note says where the split is.

Size
----
Every point of the path solves dense linear systems in all the players' strategies together
(work that grows with the cube of their number) and sums each player's payoffs over every
profile for every other player.  :func:`logit_path` and :func:`logit_qre` refuse a game past
:data:`~incentives.limits.MAX_QRE_STRATEGIES` strategies or
:data:`~incentives.limits.MAX_QRE_PAIR_PROFILES` profiles times ordered pairs of players
(:class:`~incentives.errors.GameTooLargeError`) before they spend any time on it; within the
limits, ``max_seconds`` bounds the tracing, checked after every point, before every step retried
shorter and while a split is located.

References
----------
E. L. Allgower and K. Georg, *Numerical Continuation Methods: An Introduction*,
Springer, 1990.

J. K. Goeree and C. A. Holt, "Ten little treasures of game theory and ten intuitive
contradictions", *American Economic Review* 91(5), 1402-1422, 2001.

R. D. McKelvey and T. R. Palfrey, "Quantal response equilibria for normal form
games", *Games and Economic Behavior* 10(1), 6-38, 1995.

T. L. Turocy, "A dynamic homotopy interpretation of the logistic quantal response
equilibrium correspondence", *Games and Economic Behavior* 51(2), 243-263, 2005.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._display import report_text
from .._util import readonly
from ..equilibrium import Profile, profile_words
from ..errors import GameTooLargeError, SolverError
from ..game import Game, describe_shape
from ..limits import MAX_LAMBDA, MAX_QRE_PAIR_PROFILES, MAX_QRE_STRATEGIES
from ..tolerance import PROBABILITY_ATOL
from ._qre_tracer import Trace, Tracer
from .registry import Budget, SolverOutput, Status, register_solver

__all__ = ["QrePath", "QreSplit", "check_size", "logit_equilibrium", "logit_path", "logit_qre"]

#: Points of the path the ``logit`` method traces at most (each one unit of the budget).
MAX_POINTS = 20_000


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
    splits : tuple of QreSplit
        Where other branches of QRE cross this one, and those branches (games with symmetries have
        them; generic games do not).
    """

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    lambdas: np.ndarray
    profiles: tuple[np.ndarray, ...]
    limit: Profile | None = None
    converged: bool = True
    splits: tuple[QreSplit, ...] = ()

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
            profiles.append(readonly(array))
        object.__setattr__(self, "lambdas", readonly(lambdas))
        object.__setattr__(self, "profiles", tuple(profiles))
        if self.limit is not None:
            object.__setattr__(self, "limit", tuple(readonly(np.array(p, dtype=float)) for p in self.limit))

    def __len__(self) -> int:
        return len(self.lambdas)

    def _branches(self) -> list[QrePath]:
        """Every branch leaving a split of this path, and theirs."""
        found: list[QrePath] = []
        for split in self.splits:
            for branch in split.branches:
                found += [branch, *branch._branches()]
        return found

    @property
    def limits(self) -> tuple[Profile, ...]:
        """Every Nash equilibrium this path and the branches leaving it end at: this path's limit first."""
        found: list[Profile] = [] if self.limit is None else [self.limit]
        for split in self.splits:
            for branch in split.branches:
                found += [p for p in branch.limits if not any(_same(p, q) for q in found)]
        return tuple(found)

    def profile(self, index: int) -> Profile:
        """The mixed profile at point ``index`` of the path."""
        return tuple(p[index].copy() for p in self.profiles)

    def plot(self, ax: Any = None, *, players: tuple[str, ...] | None = None, xscale: str = "symlog") -> Any:
        """Draw each action's probability against the rationality ``lambda`` (needs matplotlib).

        The legend stands beside the axes, never over the curves; each player's
        actions share a line style.  Where the path splits a dotted vertical line stands,
        and the branches leaving it are drawn thin and faded in their action's colour.

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

        from ..figures import fit_ticks, legend_outside

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4), layout="constrained")
        chosen = self.players if players is None else players
        styles = ("-", "--", ":", "-.")
        branches = self._branches()
        faded = {"linewidth": 1.0, "alpha": 0.45}
        for p, name in enumerate(chosen):
            i = self.players.index(name)
            for a, action in enumerate(self.actions[i]):
                style = styles[p % len(styles)]
                (line,) = ax.plot(self.lambdas, self.profiles[i][:, a], label=f"{name}: {action}", linestyle=style)
                for branch in branches:  # the same colour and style, thin and faded: branches leaving a split
                    ax.plot(branch.lambdas, branch.profiles[i][:, a], color=line.get_color(), ls=style, **faded)
        for split in self.splits:
            ax.axvline(split.lam, color="0.35", linestyle=(0, (1, 2)), linewidth=0.9)
        if self.splits:
            ax.plot([], [], color="0.35", linestyle=(0, (1, 2)), linewidth=0.9, label="where the path splits")
            ax.plot([], [], color="0.35", label="branches leaving it (faded)", **faded)
        if xscale == "symlog":
            threshold = max(1e-9, float(np.min(self.lambdas[self.lambdas > 0], initial=1.0)))
            ax.set_xscale("symlog", linthresh=threshold)
            largest = max(float(np.max(path.lambdas)) for path in (self, *branches))
            ax.set_xticks(_symlog_ticks(threshold, largest))
            ax.set_xlim(float(np.min(self.lambdas)), largest)
        else:
            ax.set_xscale(xscale)
        ax.set_xlabel("rationality λ")
        ax.set_ylabel("probability")
        ax.set_ylim(-0.02, 1.02)
        ax.set_title("Logit quantal response equilibria")
        rows = max(1, int(ax.figure.get_figheight() * 72 / 15))  # legend entries that fit one column
        entries = len(ax.get_legend_handles_labels()[0])
        legend_outside(ax, where="right", ncols=-(-entries // rows))
        fit_ticks(ax.figure, axes=[ax])
        return ax


def _symlog_ticks(threshold: float, largest: float, most: int = 7) -> list[float]:
    """0 and the powers of ten from ten times ``threshold`` up past ``largest``, every k-th so at most ``most``.

    The linear stretch of a symlog axis, ``[0, threshold]``, is half a decade wide: a tick at
    ``threshold`` would touch the one at 0.
    """
    first = math.ceil(math.log10(threshold)) + 1
    last = max(first, math.ceil(math.log10(max(largest, threshold))))
    powers = list(range(first, last + 1))
    every = max(1, -(-len(powers) // (most - 1)))
    return [0.0, *(10.0**k for k in powers[::-1][::every][::-1])]


@dataclass(frozen=True, kw_only=True)
class QreSplit:
    """A bifurcation of the logit QRE: another branch crosses the path at rationality ``lam``.

    Parameters
    ----------
    lam : float
        Rationality at the crossing, per unit of payoff (the units of the path's ``lambdas``).
    profile : tuple of numpy.ndarray
        Each player's probabilities at the crossing.
    index : int
        The first point of the path past the crossing.
    branches : tuple of QrePath
        The branches that leave the crossing (each followed to its own limit), usually two.
    """

    lam: float
    profile: Profile
    index: int
    branches: tuple[QrePath, ...]


def logit_path(
    game: Game,
    *,
    max_lambda: float | None = None,
    max_points: int = 5_000,
    stop_at_nash: bool = True,
    max_seconds: float | None = None,
) -> QrePath:
    """Trace the principal branch of logit QRE from ``lambda = 0`` (see the module docstring).

    Parameters
    ----------
    game : Game
        Any number of players.
    max_lambda : float or None
        Stop once ``lambda`` exceeds this; by default ``1e7`` over the largest absolute payoff
        (the tracer's largest rationality).
    max_points : int
        Stop after this many points (the path is then not ``converged``).
    stop_at_nash : bool
        Stop as soon as the Nash equilibrium the path approaches is found; with False,
        trace on to ``max_lambda``.
    max_seconds : float or None
        Stop tracing (the path and its branches) after this many seconds; the path is then
        not ``converged``.

    Returns
    -------
    QrePath
        The principal branch, continued straight through any point where another branch crosses it;
        its ``splits`` hold those points and the branches that leave them, each traced to its limit.

    Raises
    ------
    ValueError
        If ``max_lambda`` is not positive or ``max_points`` is less than 2.
    GameTooLargeError
        If the game is past the limits of the module docstring's section Size.

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
    check_size(game.shape)
    payoffs, scale = _unit_payoffs(game)
    top = MAX_LAMBDA if max_lambda is None else max_lambda * scale
    tracer = Tracer(payoffs=payoffs, shape=game.shape)
    stop = _deadline(max_seconds)
    return _path(
        game, tracer, tracer.trace(top, max_points, stop_at_nash, stop), scale, top, max_points, stop_at_nash, stop
    )


def _deadline(max_seconds: float | None) -> Callable[[], bool] | None:
    """A ``stop`` callable that turns True ``max_seconds`` from now (None: never stop)."""
    if max_seconds is None:
        return None
    if not max_seconds > 0:
        raise ValueError(f"The 'max_seconds' parameter must be positive. Got {max_seconds!r} instead.")
    end = time.monotonic() + max_seconds
    return lambda: time.monotonic() > end


#: Branches leaving crossings are followed this many crossings deep, and at most this many in all.
MAX_SPLIT_DEPTH, MAX_BRANCHES = 2, 8


def _path(
    game: Game, tracer: Tracer, trace: Trace, scale: float, top: float, max_points: int, stop_at_nash: bool,
    stop: Callable[[], bool] | None = None, depth: int = 0,
) -> QrePath:  # fmt: skip
    """The :class:`QrePath` of a trace, with the branches leaving its crossings traced too."""
    splits = []
    for crossing in trace.crossings[: MAX_BRANCHES // 2] if depth < MAX_SPLIT_DEPTH else ():
        stopped = stop is not None and stop()  # out of time: the split is reported, its branches not followed
        point, starts = crossing.point, [] if stopped else tracer.leave(crossing)
        branches = tuple(
            _path(game, tracer, tracer.trace(top, max_points, stop_at_nash, stop, start=z, direction=d), scale,
                  top, max_points, stop_at_nash, stop, depth + 1)
            for z, d in starts
        )  # fmt: skip
        splits.append(
            QreSplit(lam=float(point[-1]) / scale, profile=tuple(tracer.split(point[:-1])), index=crossing.after,
                     branches=branches)
        )  # fmt: skip
    return QrePath(
        players=game.players,
        actions=game.actions,
        lambdas=np.array(trace.lambdas) / scale,
        profiles=tuple(np.array([p[i] for p in trace.points]) for i in range(game.n_players)),
        limit=trace.limit,
        converged=trace.converged,
        splits=tuple(splits),
    )


def _same(first: Profile, second: Profile) -> bool:
    return all(np.allclose(a, b, atol=1e-9) for a, b in zip(first, second, strict=True))


def logit_qre(game: Game, lam: float, *, max_seconds: float | None = None) -> Profile:
    """The logit quantal response equilibrium at rationality ``lam`` on the principal branch.

    Where the branch folds, several QRE share one ``lam``; this is the first one
    reached from ``lambda = 0``.  Where another branch crosses it (``logit_path(game).splits``),
    the principal branch is continued straight through.

    Parameters
    ----------
    game : Game
        Any number of players.
    lam : float
        Rationality, per unit of payoff (``0`` is uniform play).
    max_seconds : float or None
        Time allowed for tracing the path up to ``lam`` (None: no limit).

    Returns
    -------
    tuple of numpy.ndarray
        Each player's probabilities.

    Raises
    ------
    ValueError
        If ``lam`` is negative or not finite.
    IncentivesError
        If the path could not be traced up to ``lam`` (within ``max_seconds``).
    GameTooLargeError
        If the game is past the limits of the module docstring's section Size.

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
    check_size(game.shape)
    payoffs, scale = _unit_payoffs(game)
    if lam * scale > MAX_LAMBDA:
        raise SolverError(
            f"rationality {lam:g} is {lam * scale:g} per unit of the largest payoff; the path is traced up to "
            f"{MAX_LAMBDA:g}, where every action that loses a thousandth of the largest payoff is played with "
            "probability below exp(-10000). For the limit, solve with --method logit"
        )
    tracer = Tracer(payoffs=payoffs, shape=game.shape)
    return tracer.at(lam * scale, scale=scale, stop=_deadline(max_seconds))


def check_size(shape: tuple[int, ...]) -> None:
    """Refuse a game whose logit QRE path is too large to trace (see the module docstring's section Size).

    Raises
    ------
    GameTooLargeError
        Saying how large the game is, the limit and what to do instead.

    Examples
    --------
    >>> check_size((50, 50))
    >>> check_size((294, 105))
    Traceback (most recent call last):
    ...
    incentives.errors.GameTooLargeError: the logit QRE path is traced for games of up to 100 strategies ...
    """
    strategies, profiles = sum(shape), math.prod(shape)
    pairs = len(shape) * (len(shape) - 1)
    instead = (
        "Remove dominated strategies or merge players, or find Nash equilibria with another method "
        "(incentives solve, inc.solve)"
    )
    if strategies > MAX_QRE_STRATEGIES:
        raise GameTooLargeError(
            f"the logit QRE path is traced for games of up to {MAX_QRE_STRATEGIES} strategies in all (every point "
            f"of the path solves linear systems of that size); {describe_shape(shape, 'player')} make "
            f"{strategies:,} strategies. {instead}"
        )
    if profiles * pairs > MAX_QRE_PAIR_PROFILES:
        raise GameTooLargeError(
            f"the logit QRE path is traced for games of up to {MAX_QRE_PAIR_PROFILES:,} profiles times ordered pairs "
            f"of players (every point of the path sums each player's payoffs over every profile for every other "
            f"player); {describe_shape(shape, 'player')} make {profiles:,} profiles and {pairs:,} ordered pairs: "
            f"{profiles * pairs:,}. {instead}"
        )


def _unit_payoffs(game: Game) -> tuple[np.ndarray, float]:
    payoffs = game.float_payoffs()
    scale = max(1.0, float(np.max(np.abs(payoffs))))
    return payoffs / scale, scale


@register_solver(
    "logit",
    players=None,
    finds="one equilibrium (the limit of the logit QRE path)",
    summary="one equilibrium of any game, fast: the logit quantal-response path traced to its limit",
)
def logit_equilibrium(game: Game, *, tol: float, budget: Budget) -> SolverOutput:
    """One Nash equilibrium of ``game``: the limit of its logit QRE path (see the module docstring).

    Parameters
    ----------
    game : Game
        Any number of players.
    tol : float
        Unused: the limit is refined to machine precision and :func:`~incentives.solve` checks it.
    budget : Budget
        Work is counted in points of the path.

    Returns
    -------
    SolverOutput
        One profile and status ``incomplete``; no profile, with a note, when the
        path did not reach an equilibrium within the budget.

    Examples
    --------
    In this coordination game the path leaves uniform play towards the larger prize:

    >>> import incentives as inc
    >>> game = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[2, 0], [0, 1]])
    >>> result = inc.solve(game, "logit")
    >>> [e.describe(game) for e in result], result.status
    (['row=r0, column=c0'], 'incomplete')
    """
    tracer = Tracer(payoffs=_unit_ranges(game.float_payoffs()), shape=game.shape)

    def out_of_budget() -> bool:
        return not budget.tick()

    trace = tracer.trace(MAX_LAMBDA, MAX_POINTS, True, stop=out_of_budget)
    where = f"the logit QRE path was traced through {len(trace.lambdas)} points to lambda = {max(trace.lambdas):.3g}"
    unit = "(per unit of each player's payoff range)"
    limits = [] if trace.limit is None else [trace.limit]
    notes = []
    for crossing in trace.crossings[: MAX_BRANCHES // 2]:
        point, starts = crossing.point, tracer.leave(crossing)
        ends = []
        for z, d in starts:
            branch = tracer.trace(MAX_LAMBDA, MAX_POINTS, True, stop=out_of_budget, start=z, direction=d)
            ends.append(branch.limit)
            if branch.limit is not None and not any(_same(branch.limit, q) for q in limits):
                limits.append(branch.limit)
        reached = sum(e is not None for e in ends)
        notes.append(
            f"the path splits at lambda = {point[-1]:.4g} {unit}: another branch of QRE crosses it there (the game "
            f"has a symmetry); the path is continued straight through, and the {_count(len(ends), 'branch')} "
            f"leaving the crossing {'were' if len(ends) != 1 else 'was'} followed too ({reached} reached an "
            "equilibrium, listed after the path's own limit)"
        )
    if limits:
        listed = (
            "is the one equilibrium listed"
            if len(limits) == 1
            else f"is {profile_words(game, limits[0], least=PROBABILITY_ATOL)}, listed with the branches' limits"
        )
        notes.insert(
            0,
            f"{where} {unit}; its limit, refined by Newton's method on the indifference system of its support, "
            f"{listed} (other equilibria may exist); inc.logit_path(game) returns the path.",
        )
        return SolverOutput(profiles=limits, status="incomplete", notes=tuple(notes))
    status: Status = "budget_exhausted" if budget.exhausted() else "incomplete"
    notes.insert(0, f"{where} {unit} without reaching an equilibrium; no equilibrium is listed.")
    return SolverOutput(profiles=[], status=status, notes=tuple(notes))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 'es' if noun.endswith('ch') else 's'}"


def _unit_ranges(payoffs: np.ndarray) -> np.ndarray:
    """Each player's payoffs mapped affinely onto ``[0, 1]`` (constant payoffs become 0)."""
    out = np.empty_like(payoffs)
    for i, own in enumerate(payoffs):
        span = float(own.max() - own.min())
        out[i] = (own - own.min()) / span if span > 0 else 0.0
    return out
