"""incentives: the game theory of incentives inside organisations.

The data flow, and the names for each step::

    model file --load_model--> Organization --build_game--> Game --solve--> SolveResult
                                     |                                         |
                                     +------------------ analyze --------------+--> Analysis

Examples
--------
>>> import incentives as inc
>>> org = inc.load_model("examples/growing_company.yaml")
>>> result = inc.solve(inc.build_game(org))
>>> [e.describe(result.game) for e in result]
['sales=aggressive, support=fast_close, development=rushed, operations=change_freeze']
"""

from .analysis.gaming import Analysis, Departure, EquilibriumGaming, KpiAlignment, analyze
from .analysis.optimum import CompanyOptimum, company_optimum
from .analysis.perspectives import Perspective, Perspectives, perspectives
from .build import build_game
from .equilibrium import Equilibrium, expected_payoffs, make_equilibrium, regret
from .errors import (
    DegenerateGameWarning,
    FormulaError,
    GameFormatError,
    GameTooLargeError,
    IncentivesError,
    IncompleteSearchWarning,
    ModelError,
    Problem,
    SolverError,
    UnknownMethodError,
)
from .formula import parse_formula
from .game import Game
from .model import Action, Department, Organization
from .readwrite.model_file import dumps_model, load_model, loads_model, save_model
from .readwrite.nfg import read_nfg, write_nfg
from .solvers import SolveResult, registered_solvers, solve
from .solvers.dominance import eliminate_dominated

__version__ = "0.1.0"

__all__ = [
    "Action",
    "Analysis",
    "CompanyOptimum",
    "DegenerateGameWarning",
    "Department",
    "Departure",
    "Equilibrium",
    "EquilibriumGaming",
    "FormulaError",
    "Game",
    "GameFormatError",
    "GameTooLargeError",
    "IncentivesError",
    "IncompleteSearchWarning",
    "KpiAlignment",
    "ModelError",
    "Organization",
    "Perspective",
    "Perspectives",
    "Problem",
    "SolveResult",
    "SolverError",
    "UnknownMethodError",
    "analyze",
    "build_game",
    "company_optimum",
    "dumps_model",
    "eliminate_dominated",
    "expected_payoffs",
    "load_model",
    "loads_model",
    "make_equilibrium",
    "parse_formula",
    "perspectives",
    "read_nfg",
    "registered_solvers",
    "regret",
    "save_model",
    "solve",
    "write_nfg",
]
