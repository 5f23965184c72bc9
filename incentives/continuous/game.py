"""The game the continuous departments of an organisation play, as sympy formulas.

Definitions
-----------
A department ``d`` with continuous decision variables ``x_d`` (the symbols
``d.v``, each within its :class:`~incentives.model.Bounds`) gets the payoff

    ``u_d(x) = pay_d(x) - cost_d(x_d) - risk_premium_d``,

where ``pay_d = sum_k bonus[d][k] * kpi_k + bonus[d]["company_value"] * company_value``
is its expected bonus.  With a CARA utility of risk aversion ``r`` and normally
distributed noise on the KPIs, ``u_d`` is the department's *certainty
equivalent* when ``risk_premium_d = r/2 * Var(pay_d)``: for a bonus ``beta`` on
a KPI measured with noise of variance ``sigma2`` write
``risk_premium: r/2 * beta**2 * sigma2``, and for weights ``w`` on KPIs with
noise covariance ``S`` write ``r/2 * w' S w`` out in full.

The *surplus* is what the company keeps when fixed salaries hold every
department to its outside option (the classic principal-agent accounting):

    ``W(x) = company_value(x) - sum_d cost_d(x_d) - sum_d risk_premium_d``.

Departments that choose among actions are either held at a given action
(``fixed``) or left out, their variables staying symbols that the continuous
departments respond to.

Parameters are replaced by their values, except those kept *symbolic*; each of
those is assumed, when the solvers decide the sign of a condition, to have the
sign of its value in the model (a parameter written ``c: 2`` is taken to be
positive).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy

from .._util import frozen_map
from ..errors import ModelError, Problem
from ..formula import symbol
from ..model import Organization

__all__ = ["ContinuousGame", "continuous_game"]


@dataclass(frozen=True, kw_only=True)
class ContinuousGame:
    """The continuous departments of an organisation as players with sympy payoffs.

    Parameters
    ----------
    title : str
    players : tuple of str
        The departments with continuous variables, in model order.
    variables : mapping of str to tuple of sympy.Symbol
        Each player's decision variables (symbols ``d.v``).
    lower, upper : mapping of sympy.Symbol to sympy.Expr or None
        Bounds of each variable (None: unbounded).
    pay, costs, risk_premiums : mapping of str to sympy.Expr
        Each player's expected bonus, effort cost and risk premium.
    company_value : sympy.Expr
    values : mapping of sympy.Symbol to sympy.Expr
        The model's value of every parameter kept symbolic.
    fixed : mapping of str to str
        Action at which each department with actions is held (empty: their variables stay symbols).
    """

    title: str
    players: tuple[str, ...]
    variables: Mapping[str, tuple[sympy.Symbol, ...]]
    lower: Mapping[sympy.Symbol, sympy.Expr | None]
    upper: Mapping[sympy.Symbol, sympy.Expr | None]
    pay: Mapping[str, sympy.Expr]
    costs: Mapping[str, sympy.Expr]
    risk_premiums: Mapping[str, sympy.Expr]
    company_value: sympy.Expr
    values: Mapping[sympy.Symbol, sympy.Expr] = field(default_factory=dict)
    fixed: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "players", tuple(self.players))
        for name in ("variables", "lower", "upper", "pay", "costs", "risk_premiums", "values", "fixed"):
            object.__setattr__(self, name, frozen_map(getattr(self, name)))
        if not self.players:
            raise ModelError([Problem(path="departments", message="no department has continuous variables")])
        for part in ("variables", "pay", "costs", "risk_premiums"):
            missing = set(self.players) - set(getattr(self, part))
            if missing:
                raise ValueError(f"{part} is missing the players {sorted(missing)}")

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        """Every decision variable, player by player."""
        return tuple(x for p in self.players for x in self.variables[p])

    def payoff(self, player: str) -> sympy.Expr:
        """``pay - cost - risk premium`` of ``player`` (its certainty equivalent)."""
        return self.pay[player] - self.costs[player] - self.risk_premiums[player]

    @property
    def surplus(self) -> sympy.Expr:
        """Company value minus every effort cost and risk premium."""
        return self.company_value - sympy.Add(*self.costs.values()) - sympy.Add(*self.risk_premiums.values())

    def owner(self, variable: sympy.Symbol) -> str:
        """The player who chooses ``variable``."""
        for player in self.players:
            if variable in self.variables[player]:
                return player
        raise KeyError(f"{variable} is not a decision variable of the game")

    def box(self) -> dict[sympy.Symbol, tuple[sympy.Expr, sympy.Expr]]:
        """Bounds of the variables whose lower and upper bounds are both numbers."""
        return {
            x: (lo, hi)
            for x in self.symbols
            if (lo := self.lower[x]) is not None and (hi := self.upper[x]) is not None and lo.is_number and hi.is_number
        }

    def signs(self) -> dict[sympy.Symbol, sympy.Symbol]:
        """Symbols with sign assumptions, used only to decide the sign of conditions.

        A symbolic parameter gets the sign of its model value; a decision variable
        with a lower bound of at least 0 is nonnegative, with an upper bound of at
        most 0 nonpositive.
        """
        signed: dict[sympy.Symbol, sympy.Symbol] = {}
        for sym, value in self.values.items():
            signed[sym] = _signed(sym.name, value)
        for sym in self.symbols:
            low, high = self.lower[sym], self.upper[sym]
            low_n = low.xreplace(self.values) if low is not None else None
            high_n = high.xreplace(self.values) if high is not None else None
            if low_n is not None and low_n.is_number and low_n >= 0:
                signed[sym] = sympy.Symbol(sym.name, nonnegative=True)
            elif high_n is not None and high_n.is_number and high_n <= 0:
                signed[sym] = sympy.Symbol(sym.name, nonpositive=True)
        return signed


def _signed(name: str, value: sympy.Expr) -> sympy.Symbol:
    if value.is_number and value > 0:
        return sympy.Symbol(name, positive=True)
    if value.is_number and value < 0:
        return sympy.Symbol(name, negative=True)
    return sympy.Symbol(name, real=True)


def symbolic_names(org: Organization, symbolic: bool | Collection[str]) -> set[str]:
    """The parameters to keep symbolic (all for ``True``), checked against the model."""
    if symbolic is True:
        return set(org.parameters)
    if symbolic is False:
        return set()
    if isinstance(symbolic, str):
        symbolic = [symbolic]
    unknown = sorted(set(symbolic) - set(org.parameters))
    if unknown:
        raise ModelError(
            [
                Problem(
                    path=f"parameters.{n}", message=f"unknown parameter; the parameters are {sorted(org.parameters)}"
                )
                for n in unknown
            ]
        )
    return set(symbolic)


def continuous_game(
    org: Organization,
    *,
    parameters: Mapping[str, Any] | None = None,
    symbolic: bool | Collection[str] = False,
    fixed: Mapping[str, str] | None = None,
) -> ContinuousGame:
    """The game of ``org``'s continuous departments.

    Parameters
    ----------
    org : Organization
        A model with at least one department with continuous ``variables``.
    parameters : mapping of str to number, optional
        Parameter values replacing the model's own.
    symbolic : bool or collection of str
        Parameters kept as symbols (``True``: all of them); the rest are replaced by their values.
    fixed : mapping of str to str, optional
        An action for each department that chooses among actions; without it their
        decision variables stay symbols.

    Returns
    -------
    ContinuousGame

    Raises
    ------
    ModelError
        If no department has continuous variables, or a fixed action is unknown.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.continuous import continuous_game
    >>> org = inc.load_model("examples/classics/holmstrom_milgrom_single.yaml")
    >>> game = continuous_game(org, symbolic=True)
    >>> game.payoff("agent")
    -agent.effort**2*c/2 + agent.effort*beta - beta**2*r*sigma2/2
    """
    if parameters:
        org = org.with_parameters(parameters)
    keep = symbolic_names(org, symbolic)
    subs: dict[sympy.Symbol, sympy.Expr] = {symbol(p): v for p, v in org.parameters.items() if p not in keep}
    subs.update(_fixed_actions(org, fixed or {}, subs))
    players = tuple(d.name for d in org.departments if d.is_continuous)
    if not players:
        raise ModelError(
            [
                Problem(
                    path="departments",
                    message="no department has continuous 'variables'; a model of actions is a finite game: "
                    "use incentives.build_game and incentives.solve",
                )
            ]
        )
    variables, lower, upper, pay, costs, risks = {}, {}, {}, {}, {}, {}
    for name in players:
        dept = org.department(name)
        variables[name] = tuple(symbol(f"{name}.{v}") for v in dept.continuous)
        for var, bounds in dept.continuous.items():
            sym = symbol(f"{name}.{var}")
            lower[sym] = bounds.lower.xreplace(subs) if bounds.lower is not None else None
            upper[sym] = bounds.upper.xreplace(subs) if bounds.upper is not None else None
        pay[name] = org.payoff_formula(name).xreplace(subs)
        costs[name] = dept.cost.xreplace(subs)
        risks[name] = dept.risk_premium.xreplace(subs)
    return ContinuousGame(
        title=org.name,
        players=players,
        variables=variables,
        lower=lower,
        upper=upper,
        pay=pay,
        costs=costs,
        risk_premiums=risks,
        company_value=org.resolved_company_value().xreplace(subs),
        values={symbol(p): org.parameters[p] for p in sorted(keep)},
        fixed=dict(fixed or {}),
    )


def _fixed_actions(
    org: Organization, fixed: Mapping[str, str], subs: Mapping[sympy.Symbol, sympy.Expr]
) -> dict[sympy.Symbol, sympy.Expr]:
    values: dict[sympy.Symbol, sympy.Expr] = {}
    for dept_name, action_name in fixed.items():
        try:
            dept = org.department(dept_name)
        except KeyError as err:
            raise ModelError([Problem(path=f"departments.{dept_name}", message=str(err.args[0]))]) from None
        actions = {a.name: a for a in dept.actions}
        if action_name not in actions:
            raise ModelError(
                [
                    Problem(
                        path=f"departments.{dept_name}.actions",
                        message=f"unknown action {action_name!r}; the actions are {list(actions)}",
                    )
                ]
            )
        for var, value in actions[action_name].values.items():
            values[symbol(f"{dept_name}.{var}")] = value.xreplace(subs)
    return values
