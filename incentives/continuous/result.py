"""What the continuous solvers return: best responses, verified equilibria, and the whole solution."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy

from .._display import report_text
from .._util import frozen_map
from ..equilibrium import format_number
from ..errors import FormulaError
from ..formula import formula_to_text
from ..tolerance import NUMERIC_TOL
from .concavity import Concavity

__all__ = ["BestResponse", "ContinuousEquilibrium", "ContinuousSolution", "Regime", "show"]


def show(expr: Any) -> str:
    """A number or formula as short text: ``1/3``, ``0.25``, ``0.333``, ``beta/c``.

    Examples
    --------
    >>> import sympy
    >>> show(sympy.Rational(1, 3)), show(sympy.Float(0.5)), show(sympy.Symbol("beta") / 2)
    ('1/3', '0.5', 'beta/2')
    """
    if isinstance(expr, float | int) and not isinstance(expr, bool):
        return format_number(expr)
    expr = sympy.sympify(expr)
    if expr.is_Rational:
        return format_number(Fraction(int(expr.p), int(expr.q)))
    if expr.is_number and expr.is_real:
        return format_number(float(expr))
    if isinstance(expr, sympy.core.relational.Relational | sympy.logic.boolalg.Boolean):
        return str(expr)
    try:
        return formula_to_text(expr)
    except FormulaError:
        return str(expr)


@dataclass(frozen=True, kw_only=True)
class Regime:
    """One piece of a best response: the values of the department's variables and when they apply.

    Parameters
    ----------
    values : mapping of str to sympy.Expr
        ``"d.v"`` -> value.
    at_bound : mapping of str to str
        ``"d.v"`` -> ``"interior"``, ``"lower"`` or ``"upper"``.
    conditions : tuple of sympy relations
        When this piece applies (empty: always).
    """

    values: Mapping[str, sympy.Expr]
    at_bound: Mapping[str, str]
    conditions: tuple[sympy.Basic, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", frozen_map(self.values))
        object.__setattr__(self, "at_bound", frozen_map(self.at_bound))


@dataclass(frozen=True, kw_only=True)
class BestResponse:
    """A department's best response to the others, from its first-order (KKT) conditions.

    Parameters
    ----------
    department : str
    response : mapping of str to sympy.Expr
        Each of its variables as a formula over the others' variables and the
        symbolic parameters (a ``Piecewise`` over the regimes when there are several).
        Empty when no closed form was found.
    regimes : tuple of Regime
    concavity : Concavity
        Concavity everywhere makes the regimes exactly the best responses.
    note : str
        Why there is no closed form, or that no maximiser exists.
    """

    department: str
    response: Mapping[str, sympy.Expr]
    regimes: tuple[Regime, ...]
    concavity: Concavity
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "response", frozen_map(self.response))
        object.__setattr__(self, "regimes", tuple(self.regimes))


@dataclass(frozen=True, kw_only=True)
class ContinuousEquilibrium:
    """A verified equilibrium of a continuous (or mixed) game.

    Parameters
    ----------
    profile : mapping of str to sympy.Expr
        ``"d.v"`` -> value: exact formulas from the symbolic solver, floats from the numeric one.
    actions : mapping of str to str
        The action of each department that chooses among actions.
    payoffs : mapping of str to sympy.Expr
        Each department's payoff (certainty equivalent).
    company_value, surplus : sympy.Expr
        Company value, and company value net of effort costs and risk premia.
    at_bound : mapping of str to str
        Which variables sit at a bound.
    conditions : tuple of sympy relations
        Undecided conditions on symbolic parameters under which it is an equilibrium.
    method : str
        ``"symbolic"`` or ``"numeric"``.
    point : mapping of str to float
        The profile at the model's parameter values.
    holds : bool
        Whether the conditions hold at the model's parameter values.
    regret : float
        Largest gain from a unilateral deviation at the model's values (NaN if it could not
        be computed); ``regrets`` per department.
    """

    profile: Mapping[str, sympy.Expr]
    payoffs: Mapping[str, sympy.Expr]
    company_value: sympy.Expr
    surplus: sympy.Expr
    method: str
    actions: Mapping[str, str] = field(default_factory=dict)
    at_bound: Mapping[str, str] = field(default_factory=dict)
    conditions: tuple[sympy.Basic, ...] = ()
    point: Mapping[str, float] = field(default_factory=dict)
    holds: bool = True
    regret: float = math.nan
    regrets: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("profile", "payoffs", "actions", "at_bound", "point", "regrets"):
            object.__setattr__(self, name, frozen_map(getattr(self, name)))
        object.__setattr__(self, "conditions", tuple(self.conditions))

    def label(self) -> str:
        """``"agent.effort=1/3"``, with the actions of departments that have them first."""
        parts = [f"{d}={a}" for d, a in self.actions.items()]
        parts += [f"{v}={show(x)}" for v, x in self.profile.items()]
        return ", ".join(parts)


@dataclass(frozen=True, kw_only=True)
class ContinuousSolution:
    """Best responses, equilibria and second-order checks of a continuous model.

    Parameters
    ----------
    title : str
    players : tuple of str
        The continuous departments.
    method : str
        ``"symbolic"``, ``"numeric"`` or ``"symbolic+numeric"``.
    status : str
        ``"complete"`` when every equilibrium was found (KKT points of differentiable
        payoffs, all enumerated and checked), else ``"incomplete"``.
    equilibria : tuple of ContinuousEquilibrium
    rejected : tuple of ContinuousEquilibrium
        Candidates whose regret at the model's values exceeds the tolerance.
    conditional : tuple of ContinuousEquilibrium
        Symbolic equilibria whose conditions fail at the model's parameter values (they
        are equilibria for other values of the symbolic parameters).
    best_responses : tuple of BestResponse
    concavity : tuple of Concavity
        Second-order checks, one per continuous department.
    notes : tuple of str
    tol : float
        Regret tolerance.
    """

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    title: str
    players: tuple[str, ...]
    method: str
    status: str
    equilibria: tuple[ContinuousEquilibrium, ...]
    rejected: tuple[ContinuousEquilibrium, ...] = ()
    conditional: tuple[ContinuousEquilibrium, ...] = ()
    best_responses: tuple[BestResponse, ...] = ()
    concavity: tuple[Concavity, ...] = ()
    notes: tuple[str, ...] = ()
    tol: float = NUMERIC_TOL

    def __post_init__(self) -> None:
        for name in ("players", "equilibria", "rejected", "conditional", "best_responses", "concavity", "notes"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def __iter__(self) -> Any:
        return iter(self.equilibria)

    def __len__(self) -> int:
        return len(self.equilibria)

    @property
    def concave(self) -> bool:
        """Whether every continuous department's payoff passed the second-order check."""
        return all(c.holds for c in self.concavity)
