"""From an organisation to its normal-form game, evaluated over all action profiles at once.

Each department's payoff formula (bonus weights x KPIs, plus its share of
company value) is compiled once with :func:`sympy.lambdify` and evaluated on
broadcast arrays: decision variable ``d.v`` of department ``i`` is an array
whose axis ``i`` runs over ``i``'s actions, so one call fills the payoffs of
every profile (no Python loop over profiles).  Action costs are subtracted
along the department's own axis.

In exact mode the same compiled code runs on arrays of
:class:`fractions.Fraction`, so payoffs are exact rationals.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter

from .errors import ModelError, Problem
from .formula import symbol
from .game import DEFAULT_MAX_BYTES, Game, check_game_size
from .model import Organization

__all__ = [
    "AUTO_EXACT_PROFILES",
    "build_game",
    "cost_array",
    "evaluate_over_profiles",
    "is_rational_model",
    "refuse_continuous",
]

#: Games with at most this many profiles are built exactly when every formula is rational
#: and ``exact=None``.
AUTO_EXACT_PROFILES = 4096


class _FractionPrinter(NumPyPrinter):
    """NumPy code printer that keeps rational constants exact."""

    def _print_Rational(self, expr: sympy.Rational) -> str:
        return f"Fraction({expr.p}, {expr.q})"

    def _print_Integer(self, expr: sympy.Integer) -> str:
        return f"Fraction({expr.p})"


def _compile(args: list[sympy.Symbol], expr: sympy.Expr, exact: bool) -> Any:
    if exact:
        modules = [{"Fraction": Fraction, "functools": functools}, "numpy"]
        return sympy.lambdify(args, expr, modules=modules, printer=_FractionPrinter)
    return sympy.lambdify(args, expr, modules="numpy")


def _is_rational(expr: sympy.Expr) -> bool:
    if expr.has(sympy.Float, sympy.exp, sympy.log, sympy.E, sympy.pi):
        return False
    return all(p.exp.is_Integer for p in expr.atoms(sympy.Pow))


def refuse_continuous(org: Organization) -> None:
    """Raise a clear :class:`~incentives.errors.ModelError` if a department of ``org`` has continuous variables.

    A finite game needs every department to choose among actions.
    """
    continuous = [d for d in org.departments if d.is_continuous]
    if continuous:
        raise ModelError(
            [
                Problem(
                    path=f"departments.{d.name}.variables",
                    message=f"{d.name!r} chooses continuous variables ({', '.join(d.continuous)}), so the model is "
                    "not a finite game: solve it with incentives.continuous.solve_continuous (command line: "
                    "incentives continuous MODEL), or discretise it into actions first with "
                    "incentives.continuous.discretise(org, points=k)",
                )
                for d in continuous
            ]
        )


def is_rational_model(org: Organization, parameters: Mapping[str, Any] | None = None) -> bool:
    """Whether every payoff of ``org`` is a rational function of rational numbers (exact mode is possible)."""
    refuse_continuous(org)
    values = _parameter_values(org, parameters)
    exprs = [org.payoff_formula(d.name).xreplace(values) for d in org.departments]
    exprs.append(org.resolved_company_value().xreplace(values))
    exprs += [v.xreplace(values) for d in org.departments for a in d.actions for v in a.values.values()]
    exprs += [c.xreplace(values) for costs in org.costs.values() for c in costs.values()]
    return all(_is_rational(e) for e in exprs)


def _parameter_values(org: Organization, overrides: Mapping[str, Any] | None) -> dict[sympy.Symbol, sympy.Expr]:
    if overrides:
        org = org.with_parameters(overrides)
    return {symbol(k): v for k, v in org.parameters.items()}


def build_game(
    org: Organization,
    *,
    parameters: Mapping[str, Any] | None = None,
    exact: bool | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Game:
    """The normal-form game the departments of ``org`` play.

    Parameters
    ----------
    org : Organization
    parameters : mapping of str to number, optional
        Parameter values that replace the model's own for this game.
    exact : bool or None
        True for exact fractions, False for floats; None (default) chooses exact
        for small games whose formulas are rational and whose numbers are all
        whole numbers (a model written with decimals is solved in floating point).
    max_bytes : int
        Memory budget for the payoff arrays; larger games are refused.

    Returns
    -------
    Game
        Players are the departments, actions their actions, and ``company_value`` is set.

    Raises
    ------
    GameTooLargeError
        If the game would exceed ``max_bytes`` (checked before anything is allocated).
    ModelError
        If a payoff is not a finite number at some profile, or exact mode is
        asked for on formulas that are not rational.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> game = inc.build_game(org)
    >>> game.players
    ('sales', 'support', 'development', 'operations')
    >>> game.shape
    (2, 2, 2, 2)
    """
    refuse_continuous(org)
    shape = tuple(len(d.actions) for d in org.departments)
    exact = _choose_exact(org, parameters, exact, shape)
    check_game_size(shape, exact=exact, max_bytes=max_bytes)
    exprs = {f"bonus.{d.name}": org.payoff_formula(d.name) for d in org.departments}
    exprs["company_value"] = org.resolved_company_value()
    arrays = evaluate_over_profiles(org, exprs, parameters=parameters, exact=exact)
    values = _parameter_values(org, parameters)
    payoffs = np.empty((len(shape), *shape), dtype=object if exact else float)
    for i, dept in enumerate(org.departments):
        payoffs[i] = arrays[f"bonus.{dept.name}"] - cost_array(org, i, values, exact)
    return Game(
        players=org.department_names,
        actions=tuple(d.action_names for d in org.departments),
        payoffs=payoffs,
        company_value=arrays["company_value"],
        title=org.name,
    )


def _choose_exact(
    org: Organization, parameters: Mapping[str, Any] | None, exact: bool | None, shape: tuple[int, ...]
) -> bool:
    rational = is_rational_model(org, parameters)
    if exact and not rational:
        raise ModelError(
            [
                Problem(
                    path="",
                    message="exact arithmetic needs every formula to be rational (no exp, "
                    "log, sqrt or decimals that are not exact); build the game with exact=False",
                )
            ]
        )
    if exact is None:
        return rational and _whole_numbers_only(org, parameters) and int(np.prod(shape)) <= AUTO_EXACT_PROFILES
    return exact


def _whole_numbers_only(org: Organization, parameters: Mapping[str, Any] | None) -> bool:
    """Whether every number written in the model is a whole number (then exact arithmetic is the default)."""
    if parameters:
        org = org.with_parameters(parameters)
    exprs: list[sympy.Expr] = [*org.parameters.values(), *org.kpis.values(), org.company_value]
    exprs += [v for d in org.departments for a in d.actions for v in a.values.values()]
    for group in (org.bonus, org.costs):
        exprs += [v for inner in group.values() for v in inner.values()]
    return all(r.is_Integer for e in exprs for r in e.atoms(sympy.Rational))


def evaluate_over_profiles(
    org: Organization,
    exprs: Mapping[str, sympy.Expr],
    *,
    parameters: Mapping[str, Any] | None = None,
    exact: bool = False,
) -> dict[str, np.ndarray]:
    """Evaluate formulas over decision variables at every action profile, vectorised.

    Parameters
    ----------
    org : Organization
    exprs : mapping of str to sympy.Expr
        Formulas over decision variables and parameters (KPIs already resolved).
    parameters : mapping, optional
        Parameter values replacing the model's own.
    exact : bool
        Evaluate with exact fractions.

    Returns
    -------
    dict of str to numpy.ndarray
        One array of shape ``(n_0, ..., n_{N-1})`` per formula.
    """
    refuse_continuous(org)
    values = _parameter_values(org, parameters)
    shape = tuple(len(d.actions) for d in org.departments)
    variables = _variable_arrays(org, values, exact)
    args, arrays = list(variables), list(variables.values())
    return {key: _evaluate(args, expr.xreplace(values), arrays, shape, exact, key) for key, expr in exprs.items()}


def _number(expr: sympy.Expr, exact: bool, path: str) -> Fraction | float:
    if not expr.is_number:
        raise ModelError([Problem(path=path, message=f"expected a number once parameters are set; got {expr}")])
    if exact:
        return Fraction(int(expr.p), int(expr.q))
    return float(expr)


def _variable_arrays(
    org: Organization, values: Mapping[sympy.Symbol, sympy.Expr], exact: bool
) -> dict[sympy.Symbol, np.ndarray]:
    n = len(org.departments)
    arrays = {}
    for i, dept in enumerate(org.departments):
        for var in dept.variables:
            column = [
                _number(a.values[var].xreplace(values), exact, f"departments.{dept.name}.actions.{a.name}.{var}")
                for a in dept.actions
            ]
            axis_shape = [1] * n
            axis_shape[i] = len(column)
            arrays[symbol(f"{dept.name}.{var}")] = np.array(column, dtype=object if exact else float).reshape(
                axis_shape
            )
    return arrays


def _evaluate(
    args: list[sympy.Symbol], expr: sympy.Expr, arrays: list[np.ndarray], shape: tuple[int, ...], exact: bool, path: str
) -> np.ndarray:
    func = _compile(args, expr, exact)
    with np.errstate(all="ignore"):
        try:
            result = func(*arrays)
        except ZeroDivisionError as err:
            raise ModelError([Problem(path=path, message="the formula divides by zero at some profile")]) from err
    result = np.broadcast_to(np.asarray(result, dtype=object if exact else float), shape)
    if not exact and not np.all(np.isfinite(result)):
        bad = tuple(int(k) for k in np.argwhere(~np.isfinite(result))[0])
        raise ModelError(
            [
                Problem(
                    path=path,
                    message=f"the formula is not a finite number at profile {bad} "
                    "(a division by zero or the log of a non-positive number?)",
                )
            ]
        )
    return result


def cost_array(org: Organization, i: int, values: Mapping[sympy.Symbol, sympy.Expr], exact: bool) -> np.ndarray:
    """Department ``i``'s action costs, shaped to broadcast along its own axis."""
    dept = org.departments[i]
    costs = org.costs.get(dept.name, {})
    zero = sympy.Integer(0)
    column = [
        _number(costs.get(a.name, zero).xreplace(values), exact, f"costs.{dept.name}.{a.name}") for a in dept.actions
    ]
    axis_shape = [1] * len(org.departments)
    axis_shape[i] = len(column)
    return np.array(column, dtype=object if exact else float).reshape(axis_shape)
