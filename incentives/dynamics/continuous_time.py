"""Continuous-time dynamics: the replicator and logit dynamics, differential equations on mixed profiles.

Definitions
-----------
Write ``x_i`` for player ``i``'s mixed strategy and ``f_i(x)`` for its vector of
deviation payoffs (the expected payoff of each of its actions against the
others' mixtures).

* *Replicator dynamics* (Taylor and Jonker 1978), one population per player:
  an action grows at the rate by which it beats the player's average,

      ``dx_i[a]/dt = x_i[a] * (f_i(x)[a] - x_i . f_i(x))``.

  Strict equilibria attract nearby starts; in zero-sum games such as
  rock-paper-scissors interior starts orbit the equilibrium forever.

* *Logit dynamics* (Fudenberg and Levine 1998), a smoothed best response with
  precision ``lambda``:

      ``dx_i/dt = softmax(lambda * f_i(x)) - x_i``.

  Its rest points are the logit quantal response equilibria at ``lambda``, which
  approach Nash equilibria as ``lambda`` grows.

Both are integrated with :func:`scipy.integrate.solve_ivp`.  A run has
*converged* when the dynamic came to rest: the largest rate of change
``max |dx/dt|`` fell to ``tol`` (the integration then stops), where ``final`` is
the rest point and ``regret`` says how far it is from a Nash equilibrium.

References
----------
.. [1] P. D. Taylor and L. B. Jonker, "Evolutionarily stable strategies and game
   dynamics", Mathematical Biosciences 40, 145-156, 1978.
.. [2] D. Fudenberg and D. K. Levine, *The Theory of Learning in Games*, MIT
   Press, 1998, Chapter 4.
.. [3] W. H. Sandholm, *Population Games and Evolutionary Dynamics*, MIT Press,
   2010, Chapters 5 and 6.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.integrate import solve_ivp

from ..equilibrium import action_values
from ..errors import SolverError
from ..game import Game
from ..tolerance import NUMERIC_TOL
from .result import DynamicsResult, final_regret, start_profile

__all__ = ["logit_dynamics", "replicator_dynamics"]

Field = Callable[[list[np.ndarray], list[np.ndarray]], list[np.ndarray]]

#: Relative and absolute tolerances of the ODE integrator (LSODA).
_INTEGRATOR_TOLERANCES = {"rtol": 1e-10, "atol": 1e-12}


def replicator_dynamics(
    game: Game,
    start: Sequence[Any] | None = None,
    *,
    t_max: float = 200.0,
    points: int = 501,
    tol: float = 1e-8,
    rng: int | np.random.Generator | None = None,
) -> DynamicsResult:
    """Follow the replicator dynamics from a mixed profile until it comes to rest or ``t_max``.

    Parameters
    ----------
    game : Game
        Any number of players.
    start : sequence of probability vectors, or None
        The starting mixed profile; drawn uniformly from the interior with ``rng`` when None.
    t_max : float
        Longest time to integrate.
    points : int
        Number of evenly spaced times at which the trajectory is recorded (plus the end point).
    tol : float
        Converged when ``max |dx/dt|`` falls to ``tol * max(1, max |payoff|)``.
    rng : int, numpy.random.Generator or None
        Used only to draw the start.

    Returns
    -------
    DynamicsResult

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> result = replicator_dynamics(pd, start=([0.9, 0.1], [0.9, 0.1]))
    >>> result.converged, result.describe()
    (True, 'replicator converged to row=r1, column=c1 (regret 5e-08) by time 17.536')
    """

    def field(x: list[np.ndarray], f: list[np.ndarray]) -> list[np.ndarray]:
        # the average is taken over x_i / sum(x_i): the same on the simplex, and it keeps sum(x_i) constant
        # off it, where the plain form would amplify rounding drift whenever average payoffs are negative
        return [xi * (fi - (xi @ fi) / xi.sum()) for xi, fi in zip(x, f, strict=True)]

    return _integrate(game, field, "replicator", start, t_max=t_max, points=points, tol=tol, rng=rng)


def logit_dynamics(
    game: Game,
    start: Sequence[Any] | None = None,
    *,
    precision: float = 10.0,
    t_max: float = 200.0,
    points: int = 501,
    tol: float = 1e-8,
    rng: int | np.random.Generator | None = None,
) -> DynamicsResult:
    """Follow the logit (smoothed best response) dynamics until it comes to rest or ``t_max``.

    Parameters
    ----------
    game : Game
        Any number of players.
    start : sequence of probability vectors, or None
        The starting mixed profile; drawn uniformly from the interior with ``rng`` when None.
    precision : float
        The logit precision ``lambda`` (0: uniform play; large: nearly best responses).
    t_max, points, tol, rng
        As in :func:`replicator_dynamics`.

    Returns
    -------
    DynamicsResult
        At rest, ``final`` is a logit quantal response equilibrium at ``precision``.

    Examples
    --------
    >>> import incentives as inc
    >>> pennies = inc.Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> result = logit_dynamics(pennies, start=([1, 0], [1, 0]), precision=5)
    >>> result.converged, [p.round(6).tolist() for p in result.final]
    (True, [[0.5, 0.5], [0.5, 0.5]])
    """
    if not np.isfinite(precision) or precision < 0:
        raise ValueError(f"The 'precision' parameter must be a float in [0, inf). Got {precision!r} instead.")

    def field(x: list[np.ndarray], f: list[np.ndarray]) -> list[np.ndarray]:
        out = []
        for xi, fi in zip(x, f, strict=True):
            z = precision * (fi - fi.max())
            weights = np.exp(z)
            out.append(weights / weights.sum() - xi)
        return out

    return _integrate(game, field, "logit", start, t_max=t_max, points=points, tol=tol, rng=rng)


def _integrate(
    game: Game,
    field: Field,
    name: str,
    start: Sequence[Any] | None,
    *,
    t_max: float,
    points: int,
    tol: float,
    rng: int | np.random.Generator | None,
) -> DynamicsResult:
    if not np.isfinite(t_max) or t_max <= 0:
        raise ValueError(f"The 't_max' parameter must be a float in (0, inf). Got {t_max!r} instead.")
    if points < 2:
        raise ValueError(f"The 'points' parameter must be an int >= 2. Got {points!r} instead.")
    if tol <= 0:
        raise ValueError(f"The 'tol' parameter must be a float in (0, inf). Got {tol!r} instead.")
    payoffs = game.float_payoffs()
    scale = max(1.0, float(np.max(np.abs(payoffs))))
    splits = np.cumsum(game.shape)[:-1]
    x0 = np.concatenate(start_profile(game, start, np.random.default_rng(rng)))

    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        x = np.split(y, splits)
        return np.concatenate(field(x, action_values(payoffs, x)))

    def at_rest(t: float, y: np.ndarray) -> float:
        return float(np.max(np.abs(rhs(t, y)))) - tol * scale

    at_rest.terminal = True  # type: ignore[attr-defined]
    at_rest.direction = -1  # type: ignore[attr-defined]
    times = np.linspace(0.0, t_max, points)
    if at_rest(0.0, x0) <= 0:
        ts, ys = np.array([0.0]), x0[:, None]
    else:
        solution = solve_ivp(
            rhs, (0.0, t_max), x0, t_eval=times, events=at_rest, method="LSODA", **_INTEGRATOR_TOLERANCES
        )
        if solution.status == -1:
            raise SolverError(f"the {name} dynamics could not be integrated: {solution.message}")
        ts, ys = solution.t, solution.y
        if solution.t_events[0].size:
            ts = np.append(ts, solution.t_events[0][0])
            ys = np.hstack([ys, solution.y_events[0][0][:, None]])
    ys = np.clip(ys, 0.0, None)
    ys = np.vstack([block / block.sum(axis=0, keepdims=True) for block in np.split(ys, splits)])
    final = tuple(np.split(ys[:, -1], splits))
    speed = float(np.max(np.abs(rhs(ts[-1], ys[:, -1]))))
    converged = speed <= tol * scale * (1 + NUMERIC_TOL)  # the event stops just short of tol
    notes = () if converged else (f"still moving at time {ts[-1]:g} (largest rate of change {speed:.3g})",)
    return DynamicsResult(
        method=name,
        game=game,
        times=ts,
        profiles=tuple(block.T for block in np.split(ys, splits)),
        converged=converged,
        final=final,
        regret=final_regret(game, final),
        notes=notes,
    )
