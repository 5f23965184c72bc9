"""Equilibrium solvers, each a free function registered under a method name.

Use :func:`solve` with a method name; :func:`registered_solvers` lists them.
"""

from . import enumerate_all as _all  # noqa: F401  (registers "all")
from . import lemke_howson as _lh  # noqa: F401  (registers "lemke-howson")
from . import nashpy_methods as _nashpy  # noqa: F401  (registers "nashpy-support-enumeration" and two more)
from . import polynomial_support as _ps  # noqa: F401  (registers "support-enumeration-n")
from . import pure as _pure  # noqa: F401  (registers "pure")
from . import qre as _qre  # noqa: F401  (registers "logit")
from . import support_enumeration as _se  # noqa: F401  (registers "support-enumeration")
from . import vertex_enumeration as _ve  # noqa: F401  (registers "vertex-enumeration")
from .registry import (
    DEFAULT_TOL,
    Budget,
    EquilibriumComponent,
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
    "EquilibriumComponent",
    "SolveResult",
    "SolverOutput",
    "SolverSpec",
    "register_solver",
    "registered_solvers",
    "solve",
]
