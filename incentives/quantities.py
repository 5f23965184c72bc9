"""The quantities a what-if analysis varies: parameters, bonus weights and action costs.

Names
-----
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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import sympy

from .errors import ModelError, Problem
from .formula import parse_formula, symbol
from .model import COMPANY_VALUE, Organization

__all__ = ["check_quantities", "quantity_value", "with_values"]


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
