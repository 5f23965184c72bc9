"""Fictitious play: each player best-responds to the empirical frequencies of the others' past play.

Definitions
-----------
Each player ``i`` keeps counts ``c_j`` of how often every other player ``j``
has played each action, starting from one count of the starting profile.  In
round ``t`` every player plays a best response (the lowest-index one when
several tie, to within rounding: :data:`~incentives.tolerance.SOLVER_RTOL` of the
largest payoff) to the product of the others' empirical frequencies
``c_j / t``, and then the counts grow by the profile just played.  The
trajectory is the empirical frequencies over rounds.

The empirical frequencies converge to a Nash equilibrium in two-player
zero-sum games (Robinson 1951), in 2 x 2 games (Miyasawa 1961) and in potential
games (Monderer and Shapley 1996); not in general (Shapley 1964).  Here the run
*converged* when the regret of the final empirical frequencies is at most
``tol * max(1, max |payoff|)``: they are then an approximate equilibrium.

References
----------
.. [1] G. W. Brown, "Iterative solution of games by fictitious play", in
   *Activity Analysis of Production and Allocation*, Wiley, 1951.
.. [2] J. Robinson, "An iterative method of solving a game", Annals of
   Mathematics 54(2), 296-301, 1951.
.. [3] L. S. Shapley, "Some topics in two-person games", Advances in Game
   Theory, Annals of Mathematics Studies 52, 1964.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..equilibrium import action_values
from ..game import Game
from ..tolerance import SOLVER_RTOL
from .result import DynamicsResult, final_regret, start_pure

__all__ = ["fictitious_play"]


def fictitious_play(
    game: Game,
    start: Sequence[int | str] | None = None,
    *,
    rounds: int = 10_000,
    tol: float = 0.02,
    rng: int | np.random.Generator | None = None,
) -> DynamicsResult:
    """Simultaneous fictitious play for ``rounds`` rounds.

    Parameters
    ----------
    game : Game
        Any number of players.
    start : sequence of int or str, or None
        The first pure profile played (action indices or names); drawn uniformly with ``rng`` when None.
    rounds : int
        Number of rounds after the first.
    tol : float
        Converged when the final empirical frequencies have regret at most ``tol * max(1, max |payoff|)``.
    rng : int, numpy.random.Generator or None
        Used only to draw the start.

    Returns
    -------
    DynamicsResult
        ``profiles`` are the empirical frequencies after each round (times 1, 2, ...), ``path`` the
        profile played in each round, and ``final`` the last empirical frequencies.

    Examples
    --------
    >>> import incentives as inc
    >>> pennies = inc.Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> result = fictitious_play(pennies, start=(0, 0), rounds=5000)
    >>> result.converged, [p.round(1).tolist() for p in result.final]
    (True, [[0.5, 0.5], [0.5, 0.5]])
    """
    if rounds < 0:
        raise ValueError(f"The 'rounds' parameter must be a non-negative int. Got {rounds!r} instead.")
    if tol <= 0:
        raise ValueError(f"The 'tol' parameter must be a float in (0, inf). Got {tol!r} instead.")
    payoffs = game.float_payoffs()
    first = start_pure(game, start, np.random.default_rng(rng))
    counts = [np.zeros(n) for n in game.shape]
    history = [np.empty((rounds + 1, n)) for n in game.shape]
    played = [first]
    for i, k in enumerate(first):
        counts[i][k] = 1.0
        history[i][0] = counts[i]
    tie = SOLVER_RTOL * max(1.0, float(np.max(np.abs(payoffs))))  # values this close tie: rounding, not payoffs
    for t in range(1, rounds + 1):
        beliefs = [c / t for c in counts]
        values = action_values(payoffs, beliefs)
        choice = tuple(int(np.argmax(v >= v.max() - tie)) for v in values)
        for i, k in enumerate(choice):
            counts[i][k] += 1.0
            history[i][t] = counts[i] / (t + 1)
        played.append(choice)
    final = tuple(h[-1] for h in history)
    gap = final_regret(game, final)
    threshold = tol * max(1.0, float(np.max(np.abs(payoffs))))
    converged = gap <= threshold
    notes = () if converged else (f"after {rounds} rounds the empirical frequencies still have regret {gap:.3g}",)
    return DynamicsResult(
        method="fictitious play",
        game=game,
        times=np.arange(1, rounds + 2, dtype=float),
        profiles=tuple(history),
        converged=converged,
        final=final,
        regret=gap,
        path=tuple(played),
        notes=notes,
    )
