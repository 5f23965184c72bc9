"""The model's formulas with a few quantities kept symbolic: what the exact threshold analysis reads.

:class:`SymbolicModel` holds what the game needs, with every other parameter
replaced by its value: the decision-variable values of each action, each
department's bonus formula (weight x KPI summed) and action costs, and company
value, as sympy expressions in the chosen quantities only (named as in
:mod:`incentives.quantities`).  Quantity ``q`` is the real symbol
``incentives.formula.symbol(q)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy

from .._util import profile_label
from ..errors import ModelError, Problem
from ..formula import symbol
from ..model import COMPANY_VALUE, Organization
from ..quantities import check_quantities, quantity_value

__all__ = ["SymbolicModel", "symbolic_model"]


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
        return profile_label(self.players, self.actions, profile)

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
