"""Type stub of ``incentives``: the public names and where they live (the package loads them lazily)."""

from . import catalogue
from .analysis.gaming import Analysis, Departure, EquilibriumGaming, KpiAlignment, analyze
from .analysis.optimum import CompanyOptimum, company_optimum
from .analysis.perspectives import Perspective, Perspectives, perspectives
from .build import build_game, evaluate_model
from .continuous import ContinuousSolution, OptimalPlan, discretise, gaming_gaps, optimal_plan, solve_continuous
from .design import Design, TransferDesign, ViaNegativa, design, design_transfers, verify_plan, via_negativa
from .dynamics import (
    DynamicsResult,
    best_response_dynamics,
    fictitious_play,
    logit_dynamics,
    plot_dynamics,
    replicator_dynamics,
)
from .equilibrium import Equilibrium, expected_payoffs, make_equilibrium, regret
from .errors import (
    DegenerateGameWarning,
    DesignError,
    FormulaError,
    GameFormatError,
    GameTooLargeError,
    GraphError,
    IncentivesError,
    IncompleteSearchWarning,
    ModelError,
    OutputError,
    Problem,
    RepeatedError,
    SolverError,
    SweepError,
    TimeLimitError,
    UnknownMethodError,
)
from .evaluated import EvaluatedModel
from .formula import parse_formula
from .game import Game
from .graph import DependencyGraph, dependency_graph
from .model import Action, Bounds, Department, Organization, RepeatedPlay
from .readwrite.model_file import dumps_model, load_model, loads_model, save_model
from .readwrite.nashpy import from_nashpy, to_nashpy
from .readwrite.nfg import read_nfg, write_nfg
from .repeated import (
    PayoffSet,
    RelationalContract,
    RepeatedAnalysis,
    equilibrium_payoff_set,
    relational_contract,
    repeated,
)
from .solvers import EquilibriumComponent, SolveResult, registered_solvers, solve
from .solvers.correlated import CorrelatedEquilibrium, MediatorRange, correlated_equilibrium, mediator_range
from .solvers.dominance import eliminate_dominated
from .solvers.qre import QrePath, logit_path, logit_qre
from .whatif import SweepResult, ThresholdReport, sweep, thresholds

__version__: str

__all__ = [
    "Action",
    "Analysis",
    "Bounds",
    "CompanyOptimum",
    "ContinuousSolution",
    "CorrelatedEquilibrium",
    "DegenerateGameWarning",
    "Department",
    "Departure",
    "DependencyGraph",
    "Design",
    "DesignError",
    "DynamicsResult",
    "Equilibrium",
    "EquilibriumComponent",
    "EquilibriumGaming",
    "EvaluatedModel",
    "FormulaError",
    "Game",
    "GameFormatError",
    "GameTooLargeError",
    "GraphError",
    "IncentivesError",
    "IncompleteSearchWarning",
    "KpiAlignment",
    "MediatorRange",
    "ModelError",
    "OptimalPlan",
    "Organization",
    "OutputError",
    "PayoffSet",
    "Perspective",
    "Perspectives",
    "Problem",
    "QrePath",
    "RelationalContract",
    "RepeatedAnalysis",
    "RepeatedError",
    "RepeatedPlay",
    "SolveResult",
    "SolverError",
    "SweepError",
    "SweepResult",
    "ThresholdReport",
    "TimeLimitError",
    "TransferDesign",
    "UnknownMethodError",
    "ViaNegativa",
    "analyze",
    "best_response_dynamics",
    "build_game",
    "catalogue",
    "company_optimum",
    "correlated_equilibrium",
    "dependency_graph",
    "design",
    "design_transfers",
    "discretise",
    "dumps_model",
    "eliminate_dominated",
    "equilibrium_payoff_set",
    "evaluate_model",
    "expected_payoffs",
    "fictitious_play",
    "from_nashpy",
    "gaming_gaps",
    "load_model",
    "loads_model",
    "logit_dynamics",
    "logit_path",
    "logit_qre",
    "make_equilibrium",
    "mediator_range",
    "optimal_plan",
    "parse_formula",
    "perspectives",
    "plot_dynamics",
    "read_nfg",
    "registered_solvers",
    "regret",
    "relational_contract",
    "repeated",
    "replicator_dynamics",
    "save_model",
    "solve",
    "solve_continuous",
    "sweep",
    "thresholds",
    "to_nashpy",
    "verify_plan",
    "via_negativa",
    "write_nfg",
]
