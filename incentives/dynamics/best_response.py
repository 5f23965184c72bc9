"""Best-response dynamics over pure profiles, with detection of cycles.

Definitions
-----------
Starting from a pure profile, players switch to a best response to what the
others currently play.  A player already playing a best response keeps its
action; one that is not switches to its best response with the lowest index.

* *Sequential* (asynchronous): players move in turn, ``0, 1, ..., N-1, 0, ...``;
  the state is the profile and whose turn it is.
* *Simultaneous*: every player switches at once; the state is the profile.

Both are deterministic on a finite set of states, so every run either reaches a
pure Nash equilibrium (no player wants to switch: the dynamic has *converged*)
or revisits a state and repeats forever: the pure profiles between the two
visits are reported as the *cycle*.  Games with a pure equilibrium can still
cycle (simultaneous moves in coordination games); games without one
(rock-paper-scissors, matching pennies) always do.

References
----------
.. [1] D. Monderer and L. S. Shapley, "Potential games", Games and Economic
   Behavior 14(1), 124-143, 1996 (best-response paths in potential games
   reach an equilibrium).
.. [2] J. Hofbauer and K. Sigmund, *Evolutionary Games and Population
   Dynamics*, Cambridge University Press, 1998.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from ..game import Game
from ..tolerance import SOLVER_RTOL
from .result import DynamicsResult, final_regret, one_hot, start_pure

__all__ = ["best_response_dynamics"]


def best_response_dynamics(
    game: Game,
    start: Sequence[int | str] | None = None,
    *,
    order: Literal["sequential", "simultaneous"] = "sequential",
    max_steps: int = 10_000,
    tol: float = SOLVER_RTOL,
    rng: int | np.random.Generator | None = None,
) -> DynamicsResult:
    """Players switch to best responses until nobody wants to, or a cycle repeats.

    Parameters
    ----------
    game : Game
        Any number of players.
    start : sequence of int or str, or None
        The starting pure profile (action indices or names); drawn uniformly with ``rng`` when None.
    order : {"sequential", "simultaneous"}
        Players move in turn, or all at once (see the module docstring).
    max_steps : int
        Stop after this many steps (a note says so) even if no state has repeated.
    tol : float
        A player keeps its action when it is within ``tol * max(1, max |payoff|)`` of the best.
    rng : int, numpy.random.Generator or None
        Used only to draw the start.

    Returns
    -------
    DynamicsResult
        ``converged`` when a pure Nash equilibrium was reached (``final`` is it, with regret 0);
        otherwise ``cycle`` holds the repeating pure profiles.  ``path`` is the profile after each step.

    Examples
    --------
    >>> import incentives as inc
    >>> rps = inc.Game.from_bimatrix([[0, -1, 1], [1, 0, -1], [-1, 1, 0]],
    ...                              [[0, 1, -1], [-1, 0, 1], [1, -1, 0]],
    ...                              actions=(("R", "P", "S"), ("R", "P", "S")))
    >>> result = best_response_dynamics(rps, start=("R", "R"), order="simultaneous")
    >>> result.converged, result.cycle
    (False, ((0, 0), (1, 1), (2, 2)))
    >>> print(result.describe())
    best response (simultaneous) cycles: row=R, column=R -> row=P, column=P -> row=S, column=S
    -> row=R, column=R
    """
    if order not in ("sequential", "simultaneous"):
        raise ValueError(f"The 'order' parameter must be 'sequential' or 'simultaneous'. Got {order!r} instead.")
    if max_steps < 0:
        raise ValueError(f"The 'max_steps' parameter must be a non-negative int. Got {max_steps!r} instead.")
    payoffs = game.float_payoffs()
    threshold = tol * max(1.0, float(np.max(np.abs(payoffs))))
    profile = start_pure(game, start, np.random.default_rng(rng))
    path = [profile]
    seen: dict[tuple[int, ...], int] = {}
    cycle: tuple[tuple[int, ...], ...] = ()
    converged = False
    for step in range(max_steps + 1):
        responses = [_best_response(payoffs, profile, i, threshold) for i in range(game.n_players)]
        if all(r == a for r, a in zip(responses, profile, strict=True)):
            converged = True
            break
        mover = step % game.n_players
        state = (*profile, mover) if order == "sequential" else profile
        if state in seen:
            cycle = _distinct(path[seen[state] : step])
            break
        seen[state] = step
        if step == max_steps:
            break
        if order == "sequential":
            profile = tuple(responses[i] if i == mover else a for i, a in enumerate(profile))
        else:
            profile = tuple(responses)
        path.append(profile)
    notes = () if converged or cycle else (f"stopped after max_steps={max_steps} steps with no repeated state",)
    trajectory = [one_hot(game, p) for p in path]
    return DynamicsResult(
        method=f"best response ({order})",
        game=game,
        times=np.arange(len(path), dtype=float),
        profiles=tuple(np.array([t[i] for t in trajectory]) for i in range(game.n_players)),
        converged=converged,
        final=tuple(trajectory[-1]),
        regret=final_regret(game, trajectory[-1]),
        path=tuple(path),
        cycle=cycle,
        notes=notes,
    )


def _best_response(payoffs: np.ndarray, profile: tuple[int, ...], i: int, threshold: float) -> int:
    """Player ``i``'s current action if it is a best response, else its first best response."""
    index = tuple(slice(None) if j == i else a for j, a in enumerate(profile))
    own = payoffs[(i, *index)]
    best = own.max()
    if own[profile[i]] >= best - threshold:
        return profile[i]
    return int(np.argmax(own >= best - threshold))


def _distinct(profiles: list[tuple[int, ...]]) -> tuple[tuple[int, ...], ...]:
    """The profiles with consecutive repeats removed (turns where the mover kept its action)."""
    out: list[tuple[int, ...]] = []
    for p in profiles:
        if not out or out[-1] != p:
            out.append(p)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return tuple(out)
