"""Continuous decision variables: best responses, equilibria, principal-agent plans and the classic results.

A department with ``variables`` (effort levels within bounds) instead of actions
makes the organisation a game with continuous strategies.  This package solves
such games from their first-order conditions with sympy where it can, and
numerically (scipy) otherwise, and verifies every equilibrium it reports by its
regret.  See :func:`solve_continuous`.
"""

from .concavity import Concavity, concavity
from .game import ContinuousGame, continuous_game
from .result import BestResponse, ContinuousEquilibrium, ContinuousSolution, Regime
from .solve import best_responses, profile_regrets, solve_continuous

__all__ = [
    "BestResponse",
    "Concavity",
    "ContinuousEquilibrium",
    "ContinuousGame",
    "ContinuousSolution",
    "Regime",
    "best_responses",
    "concavity",
    "continuous_game",
    "profile_regrets",
    "solve_continuous",
]
