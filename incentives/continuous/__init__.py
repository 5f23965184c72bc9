"""Continuous decision variables: best responses, equilibria, principal-agent plans and the classic results.

A department with ``variables`` (effort levels within bounds) instead of actions
makes the organisation a game with continuous strategies:

* :func:`solve_continuous` -- best responses and equilibria from the first-order
  (KKT) conditions with sympy where it can, numerically (scipy) otherwise; every
  equilibrium verified by its regret, concavity checked;
* :func:`optimal_plan` -- the company's optimal linear bonus plan (principal-agent);
* :func:`first_best`, :func:`gaming_gaps` -- the company-optimal efforts and, task by
  task, how far equilibrium effort departs from them;
* :func:`discretise` -- a finite game for every other solver and analysis;
* :mod:`incentives.continuous.classics` -- Holmstrom-Milgrom, Holmstrom's teams, Baker and
  Kerr as models (the files of ``examples/classics/``), with their published formulas.
"""

from .concavity import Concavity, concavity
from .discretise import discretise, grid_values
from .game import ContinuousGame, continuous_game
from .gaming import FirstBest, GamingGaps, TaskGap, first_best, gaming_gaps, gaps_text
from .principal import OptimalPlan, optimal_plan, plan_instruments
from .responses import best_responses
from .result import BestResponse, ContinuousEquilibrium, ContinuousSolution, Regime
from .solve import profile_regrets, solve_continuous

__all__ = [
    "BestResponse",
    "Concavity",
    "ContinuousEquilibrium",
    "ContinuousGame",
    "ContinuousSolution",
    "FirstBest",
    "GamingGaps",
    "OptimalPlan",
    "Regime",
    "TaskGap",
    "best_responses",
    "concavity",
    "continuous_game",
    "discretise",
    "first_best",
    "gaming_gaps",
    "gaps_text",
    "grid_values",
    "optimal_plan",
    "plan_instruments",
    "profile_regrets",
    "solve_continuous",
]
