"""``method="logit"``: one Nash equilibrium of any game, fast, as the limit of the logit QRE path.

Algorithm
---------
1. Map each player's payoffs affinely onto ``[0, 1]`` (so the answer does not
   depend on any player's payoff units or zero point).
2. Trace the principal branch of logit quantal response equilibria from uniform
   play at ``lambda = 0`` upwards (predictor-corrector in log-probability
   coordinates; :mod:`incentives.qre`).  Each point of the path counts as one
   unit of the budget.
3. As ``lambda`` grows, take the actions played with non-negligible probability
   as a support guess and solve its indifference system by Newton's method; the
   first solution that is a Nash equilibrium and lies within ``1e-2`` of the
   path's current point is returned.  :func:`~incentives.solve` then verifies
   its regret (about ``1e-15`` after Newton's method).

The method finds one equilibrium (status ``incomplete``): for almost every game
the branch is a path to a single equilibrium, the *logit solution* (McKelvey and
Palfrey 1995).  :func:`incentives.logit_path` returns the path itself, for plots.

References
----------
R. D. McKelvey and T. R. Palfrey, "Quantal response equilibria for normal form
games", *Games and Economic Behavior* 10(1), 6-38, 1995.

T. L. Turocy, "A dynamic homotopy interpretation of the logistic quantal response
equilibrium correspondence", *Games and Economic Behavior* 51(2), 243-263, 2005.
"""

from __future__ import annotations

import numpy as np

from ..game import Game
from ._qre_tracer import MAX_LAMBDA, Tracer
from .registry import Budget, SolverOutput, Status, register_solver

__all__ = ["logit_equilibrium"]

#: Points of the path traced at most (each one unit of the budget).
MAX_POINTS = 20_000


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

    lambdas, _, limit, _ = tracer.trace(MAX_LAMBDA, MAX_POINTS, True, stop=out_of_budget)
    where = f"the logit QRE path was traced through {len(lambdas)} points to lambda = {max(lambdas):.3g}"
    unit = "(per unit of each player's payoff range)"
    if limit is not None:
        notes = (
            f"{where} {unit}; its limit, refined by Newton's method on the indifference system of its support, "
            "is the one equilibrium listed (other equilibria may exist); inc.logit_path(game) returns the path.",
        )
        return SolverOutput(profiles=[limit], status="incomplete", notes=notes)
    status: Status = "budget_exhausted" if budget.exhausted() else "incomplete"
    return SolverOutput(
        profiles=[],
        status=status,
        notes=(f"{where} {unit} without reaching an equilibrium; no equilibrium is listed.",),
    )


def _unit_ranges(payoffs: np.ndarray) -> np.ndarray:
    """Each player's payoffs mapped affinely onto ``[0, 1]`` (constant payoffs become 0)."""
    out = np.empty_like(payoffs)
    for i, own in enumerate(payoffs):
        span = float(own.max() - own.min())
        out[i] = (own - own.min()) / span if span > 0 else 0.0
    return out
