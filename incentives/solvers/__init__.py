"""Equilibrium solvers, each a free function registered under a method name.

Use :func:`solve` with a method name; :func:`registered_solvers` lists them.  Each built-in solver's
module is imported when its method is first used (:data:`~incentives.solvers.registry.BUILT_IN`).
"""

from .registry import (
    DEFAULT_TOL,
    Budget,
    EquilibriumComponent,
    SolveResult,
    SolverOutput,
    SolverSpec,
    method_names,
    register_solver,
    registered_solvers,
    solve,
)

__all__ = [
    "DEFAULT_TOL",
    "Budget",
    "EquilibriumComponent",
    "SolveResult",
    "SolverOutput",
    "SolverSpec",
    "method_names",
    "register_solver",
    "registered_solvers",
    "solve",
]
