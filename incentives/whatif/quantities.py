"""The quantities a what-if analysis varies, and the model's formulas with them kept symbolic.

Quantities
----------
A sweep or a threshold analysis varies *quantities*, named as follows:

* ``NAME``: a parameter of the model (``customers_per_deal``);
* ``bonus.DEPARTMENT.KPI``: the weight of a KPI in a department's bonus plan
  (``bonus.support.tickets_closed_per_hour``), or its share of company value
  (``bonus.support.company_value``); a KPI the department is not paid on yet
  starts at weight 0;
* ``costs.DEPARTMENT.ACTION``: the private cost of one of a department's actions
  (a missing cost starts at 0).

A bonus weight can equally be made a parameter in the model file
(``bonus: {support: {tickets_closed_per_hour: support_weight}}`` with
``support_weight`` under ``parameters``) and varied by that name.

:class:`SymbolicModel` holds what the game needs, with every other parameter
replaced by its value: the decision-variable values of each action, each
department's bonus formula (weight x KPI summed) and action costs, and company
value, as sympy expressions in the chosen quantities only.  Quantity ``q`` is the
real symbol ``incentives.formula.symbol(q)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import sympy

from ..errors import ModelError, Problem
from ..formula import parse_formula, symbol
from ..model import COMPANY_VALUE, Organization

__all__ = ["SymbolicModel", "check_quantities", "quantity_value", "symbolic_model", "with_values"]


def _problem(org: Organization, name: str) -> Problem | None:
    if not isinstance(name, str) or not name:
        return Problem(path=str(name), message="expected the name of a parameter, bonus weight or action cost")
    head, _, rest = name.partition(".")
    if not rest:
        if name in org.parameters:
            return None
        return Problem(
            path=name,
            message=f"unknown parameter; expected one of the parameters {sorted(org.parameters)}, "
            "bonus.DEPARTMENT.KPI (a bonus weight) or costs.DEPARTMENT.ACTION (an action cost)",
        )
    dept, _, last = rest.partition(".")
    if head not in ("bonus", "costs") or not last or "." in last:
        return Problem(path=name, message="expected NAME, bonus.DEPARTMENT.KPI or costs.DEPARTMENT.ACTION")
    if dept not in org.department_names:
        return Problem(
            path=name, message=f"unknown department {dept!r}; the departments are {list(org.department_names)}"
        )
    if head == "bonus" and last not in org.kpis and last != COMPANY_VALUE:
        return Problem(path=name, message=f"unknown KPI {last!r}; expected one of {[*org.kpis, COMPANY_VALUE]}")
    if head == "costs" and last not in org.department(dept).action_names:
        return Problem(
            path=name,
            message=f"unknown action {last!r}; {dept}'s actions are {list(org.department(dept).action_names)}",
        )
    return None


def check_quantities(org: Organization, names: Iterable[str]) -> tuple[str, ...]:
    """Check that every name is a quantity of ``org`` (see the module docstring).

    Returns
    -------
    tuple of str
        The names, in order.

    Raises
    ------
    ModelError
        Listing every unknown or repeated name and what was expected.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> check_quantities(org, ["customers_per_deal", "bonus.support.tickets_closed_per_hour"])
    ('customers_per_deal', 'bonus.support.tickets_closed_per_hour')
    >>> check_quantities(org, ["bonus.suport.tickets"])
    Traceback (most recent call last):
    ...
    incentives.errors.ModelError: 1 problem in the model:
      - bonus.suport.tickets: unknown department 'suport'; the departments are [...]
    """
    names = tuple(names)
    problems = [p for p in (_problem(org, n) for n in names) if p is not None]
    repeated = sorted({n for n in names if names.count(n) > 1})
    problems += [Problem(path=n, message="named more than once") for n in repeated]
    if problems:
        raise ModelError(problems)
    return names


def quantity_value(org: Organization, name: str) -> sympy.Expr:
    """The model's current value of a quantity (a number).

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> quantity_value(org, "bonus.support.tickets_closed_per_hour"), quantity_value(org, "costs.sales.aggressive")
    (2, 0)
    """
    check_quantities(org, [name])
    values = {symbol(k): v for k, v in org.parameters.items()}
    head, _, rest = name.partition(".")
    if not rest:
        return org.parameters[name]
    dept, _, last = rest.partition(".")
    group = org.bonus if head == "bonus" else org.costs
    return sympy.sympify(group.get(dept, {}).get(last, sympy.Integer(0))).xreplace(values)


def _as_number(value: Any, path: str) -> sympy.Expr:
    if isinstance(value, sympy.Basic):
        if not value.is_number:
            raise ModelError([Problem(path=path, message=f"expected a number; got {value}")])
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ModelError([Problem(path=path, message=f"expected a number; got {value!r}")])
    if isinstance(value, float) and not np.isfinite(value):
        raise ModelError([Problem(path=path, message=f"expected a finite number; got {value!r}")])
    return parse_formula(value, names=(), field=path)


def with_values(org: Organization, values: Mapping[str, Any]) -> Organization:
    """A copy of ``org`` with some quantities (parameters, bonus weights, action costs) set to numbers.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> changed = with_values(org, {"customers_per_deal": 300, "bonus.support.tickets_closed_per_hour": 0.5})
    >>> changed.parameters["customers_per_deal"], changed.bonus["support"]["tickets_closed_per_hour"]
    (300, 1/2)
    """
    check_quantities(org, values)
    numbers = {name: _as_number(v, name) for name, v in values.items()}
    params = {k: v for k, v in numbers.items() if "." not in k}
    if params:
        org = org.with_parameters(params)
    for group in ("bonus", "costs"):
        changed = {k: v for k, v in numbers.items() if k.startswith(group + ".")}
        if not changed:
            continue
        table = {d: dict(inner) for d, inner in getattr(org, group).items()}
        for key, number in changed.items():
            _, dept, last = key.split(".")
            table.setdefault(dept, {})[last] = number
        org = replace(org, bonus=table) if group == "bonus" else replace(org, costs=table)
    return org


@dataclass(frozen=True, kw_only=True)
class SymbolicModel:
    """The game of an organisation as formulas in a few chosen quantities (see the module docstring).

    Parameters
    ----------
    names : tuple of str
        The quantities kept symbolic, in argument order.
    base : tuple of sympy.Expr
        The model's current value of each quantity.
    players, actions, title
        As in :class:`~incentives.game.Game`.
    variables : tuple of (int, str, tuple of sympy.Expr)
        Each decision variable: its department's index, its name ``"department.variable"``
        and its value under each of the department's actions.
    bonus : tuple of sympy.Expr
        Each department's bonus formula (over decision variables and the quantities).
    costs : tuple of tuple of sympy.Expr
        Each department's cost of each of its actions.
    company_value : sympy.Expr
    """

    names: tuple[str, ...]
    base: tuple[sympy.Expr, ...]
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    title: str
    variables: tuple[tuple[int, str, tuple[sympy.Expr, ...]], ...]
    bonus: tuple[sympy.Expr, ...]
    costs: tuple[tuple[sympy.Expr, ...], ...]
    company_value: sympy.Expr
    _cache: dict[Any, sympy.Expr] = field(default_factory=dict, compare=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_cache"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        """The symbol of each quantity."""
        return tuple(symbol(n) for n in self.names)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of actions of each department."""
        return tuple(len(a) for a in self.actions)

    def profiles(self) -> Iterable[tuple[int, ...]]:
        """Every pure profile (action indices), in lexicographic order."""
        return itertools.product(*(range(n) for n in self.shape))

    def label(self, profile: Sequence[int]) -> str:
        """``"sales=aggressive, support=fast_close"`` for a profile of action indices."""
        return ", ".join(
            f"{p}={self.actions[i][a]}" for i, (p, a) in enumerate(zip(self.players, profile, strict=True))
        )

    def _at(self, profile: tuple[int, ...]) -> dict[sympy.Symbol, sympy.Expr]:
        return {symbol(name): values[profile[i]] for i, name, values in self.variables}

    def payoff(self, department: int, profile: Sequence[int]) -> sympy.Expr:
        """Department's payoff at a pure profile, a formula in the quantities (cached)."""
        key = (department, tuple(profile))
        if key not in self._cache:
            prof = tuple(int(k) for k in profile)
            expr = self.bonus[department].xreplace(self._at(prof)) - self.costs[department][prof[department]]
            self._cache[key] = expr
        return self._cache[key]

    def value(self, profile: Sequence[int]) -> sympy.Expr:
        """Company value at a pure profile, a formula in the quantities (cached)."""
        key = ("value", tuple(profile))
        if key not in self._cache:
            self._cache[key] = self.company_value.xreplace(self._at(tuple(int(k) for k in profile)))
        return self._cache[key]


def symbolic_model(org: Organization, names: Iterable[str]) -> SymbolicModel:
    """The game of ``org`` as formulas in the quantities ``names``; every other parameter takes its value.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> model = symbolic_model(org, ["bonus.support.tickets_closed_per_hour"])
    >>> # support's gain from fast_close over thorough when the others play aggressive, rushed, change_freeze
    >>> model.payoff(1, (1, 1, 1, 1)) - model.payoff(1, (1, 0, 1, 1))
    bonus.support.tickets_closed_per_hour + 17/6
    """
    names = check_quantities(org, names)
    continuous = [d.name for d in org.departments if getattr(d, "is_continuous", False)]
    if continuous:
        raise ModelError(
            [
                Problem(
                    path=f"departments.{name}",
                    message="has continuous decision variables; a what-if analysis needs departments that choose "
                    "among actions (discretise its variables into actions)",
                )
                for name in continuous
            ]
        )
    chosen = set(names)
    fixed = {symbol(k): v for k, v in org.parameters.items() if k not in chosen}
    kpis = org.resolved_kpis()
    company_value = org.resolved_company_value()
    bonus = []
    for dept in org.department_names:
        plan = dict(org.bonus.get(dept, {}))
        plan.update({n.split(".")[2]: symbol(n) for n in names if n.startswith(f"bonus.{dept}.")})
        terms = [
            weight * (company_value if kpi == COMPANY_VALUE else kpis[kpi])
            for kpi, weight in plan.items()
            if not (weight.is_number and weight == 0)
        ]
        bonus.append(sympy.Add(*terms).xreplace(fixed))
    costs = []
    for department in org.departments:
        row = []
        for action in department.action_names:
            name = f"costs.{department.name}.{action}"
            own = org.costs.get(department.name, {})
            cost = symbol(name) if name in chosen else own.get(action, sympy.Integer(0))
            row.append(sympy.sympify(cost).xreplace(fixed))
        costs.append(tuple(row))
    variables = tuple(
        (i, f"{dept.name}.{var}", tuple(a.values[var].xreplace(fixed) for a in dept.actions))
        for i, dept in enumerate(org.departments)
        for var in dept.variables
    )
    return SymbolicModel(
        names=names,
        base=tuple(quantity_value(org, n) for n in names),
        players=org.department_names,
        actions=tuple(d.action_names for d in org.departments),
        title=org.name,
        variables=variables,
        bonus=tuple(bonus),
        costs=tuple(costs),
        company_value=company_value.xreplace(fixed),
    )
