"""incentives: the game theory of incentives inside organisations."""

from .equilibrium import Equilibrium, expected_payoffs, make_equilibrium, regret
from .errors import (
    DegenerateGameWarning,
    FormulaError,
    GameFormatError,
    GameTooLargeError,
    IncentivesError,
    IncompleteSearchWarning,
    ModelError,
    SolverError,
    UnknownMethodError,
)
from .game import Game
from .solvers import SolveResult, registered_solvers, solve

__version__ = "0.1.0"

__all__ = [
    "DegenerateGameWarning",
    "Equilibrium",
    "FormulaError",
    "Game",
    "GameFormatError",
    "GameTooLargeError",
    "IncentivesError",
    "IncompleteSearchWarning",
    "ModelError",
    "SolveResult",
    "SolverError",
    "UnknownMethodError",
    "expected_payoffs",
    "make_equilibrium",
    "registered_solvers",
    "regret",
    "solve",
]
