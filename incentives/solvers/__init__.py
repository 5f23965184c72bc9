"""Equilibrium solvers, each a free function registered under a method name.

Use :func:`solve` with a method name; :func:`registered_solvers` lists them.
"""

from . import pure as _pure  # noqa: F401  (registers "pure")
from .registry import (
    DEFAULT_TOL,
    Budget,
    SolveResult,
    SolverOutput,
    SolverSpec,
    register_solver,
    registered_solvers,
    solve,
)

__all__ = [
    "DEFAULT_TOL",
    "Budget",
    "SolveResult",
    "SolverOutput",
    "SolverSpec",
    "register_solver",
    "registered_solvers",
    "solve",
]
