"""From continuous decision variables to actions: the bridge to every finite-game solver and analysis.

Each continuous variable of a department is replaced by a grid of ``points``
evenly spaced values between its bounds (a variable without a finite bound
needs a ``ranges`` entry); a department with several variables gets one action
per combination of grid values.  An action's cost is the department's cost
formula plus its risk premium at the action's values, so payoffs agree with the
continuous model at every grid profile.  Grid values are exact when the bounds
are exact, and remain formulas when the bounds are formulas over parameters.

With ``objective="surplus"`` the discretised model's company value is the
continuous model's company value minus every effort cost (the first-best
objective of :func:`incentives.continuous.first_best`), so that the finite
analyses' company optimum is the first best; by default company value is kept as
written, and then, as everywhere in the finite-game analyses, private costs do
not count against the company.

The result is an ordinary :class:`~incentives.model.Organization`, so
:func:`incentives.build_game`, :func:`incentives.solve`, :func:`incentives.analyze`,
the dependency graph and incentive design all work on it.  As the grid refines,
the pure equilibria of the discretised game approach the continuous ones (a
grid equilibrium is an ``epsilon``-equilibrium of the continuous game, with
``epsilon`` shrinking with the grid step for payoffs with bounded slopes).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import sympy

from ..errors import ModelError, Problem
from ..formula import parse_formula, symbol
from ..model import Action, Department, Organization

__all__ = ["discretise", "grid_values"]

#: The largest number of actions a department may get.
MAX_ACTIONS = 10_000


def grid_values(lower: sympy.Expr, upper: sympy.Expr, points: int) -> list[sympy.Expr]:
    """``points`` evenly spaced values from ``lower`` to ``upper`` (both included), exact.

    Examples
    --------
    >>> grid_values(sympy.Integer(0), sympy.Integer(1), 5)
    [0, 1/4, 1/2, 3/4, 1]
    """
    if points < 2:
        raise ValueError(f"a grid needs at least 2 points; got {points}")
    return [sympy.expand(lower + (upper - lower) * sympy.Rational(k, points - 1)) for k in range(points)]


def _range(dept: Department, var: str, ranges: Mapping[str, tuple[Any, Any]]) -> tuple[sympy.Expr, sympy.Expr]:
    name = f"{dept.name}.{var}"
    bounds = dept.continuous[var]
    given = ranges.get(name)
    low = bounds.lower if given is None else parse_formula(given[0], field=f"ranges.{name}")
    high = bounds.upper if given is None else parse_formula(given[1], field=f"ranges.{name}")
    if low is None or high is None:
        raise ModelError(
            [
                Problem(
                    path=f"departments.{dept.name}.variables.{var}",
                    message=f"{name} has no finite {'lower' if low is None else 'upper'} bound: give its grid's "
                    f"range, e.g. ranges={{'{name}': (0, 10)}}",
                )
            ]
        )
    return low, high


def discretise(
    org: Organization,
    points: int | Mapping[str, int] = 5,
    *,
    ranges: Mapping[str, tuple[Any, Any]] | None = None,
    objective: str = "company_value",
) -> Organization:
    """The model with every continuous variable replaced by a grid of actions.

    Parameters
    ----------
    org : Organization
    points : int or mapping of str to int
        Grid points per variable (a mapping ``{"d.v": k}`` sets them one by one; default 5).
    ranges : mapping of str to (lower, upper), optional
        Grid range of a variable (``{"agent.effort": (0, 2)}``), needed where a bound is missing.
    objective : {"company_value", "surplus"}
        Keep company value as written, or subtract the effort costs from it.

    Returns
    -------
    Organization
        Departments with continuous variables now have actions named ``effort_0``,
        ``effort_1``, ... (``a_0_b_2`` for several variables) and action costs.

    Raises
    ------
    ModelError
        If a variable has no finite range, or a department would get too many actions.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.continuous import discretise
    >>> org = inc.load_model("examples/classics/holmstrom_milgrom_single.yaml")
    >>> grid = discretise(org, 5, ranges={"agent.effort": (0, 2)})
    >>> grid.department("agent").action_names
    ('effort_0', 'effort_1', 'effort_2', 'effort_3', 'effort_4')
    >>> [eq.describe(r.game) for r in [inc.solve(inc.build_game(grid), "pure")] for eq in r]
    ['agent=effort_2']
    """
    if objective not in ("company_value", "surplus"):
        raise ValueError(f"objective must be 'company_value' or 'surplus'; got {objective!r}")
    ranges = dict(ranges or {})
    departments = []
    costs = {k: dict(v) for k, v in org.costs.items()}
    for dept in org.departments:
        if not dept.is_continuous:
            departments.append(dept)
            continue
        names = list(dept.continuous)
        grids = []
        for var in names:
            k = points.get(f"{dept.name}.{var}", 5) if isinstance(points, Mapping) else points
            grids.append(grid_values(*_range(dept, var, ranges), int(k)))
        count = 1
        for grid in grids:
            count *= len(grid)
        if count > MAX_ACTIONS:
            raise ModelError(
                [
                    Problem(
                        path=f"departments.{dept.name}.variables",
                        message=f"the grid would give {dept.name!r} {count} actions, more than {MAX_ACTIONS}",
                    )
                ]
            )
        actions, own_costs = [], {}
        for index in itertools.product(*(range(len(g)) for g in grids)):
            label = "_".join(f"{var}_{k}" for var, k in zip(names, index, strict=True))
            values = {var: grids[j][k] for j, (var, k) in enumerate(zip(names, index, strict=True))}
            actions.append(Action(name=label, values=values))
            at = {symbol(f"{dept.name}.{var}"): v for var, v in values.items()}
            cost = sympy.expand(dept.cost.xreplace(at) + dept.risk_premium.xreplace(at))
            if cost != 0:
                own_costs[label] = cost
        departments.append(Department(name=dept.name, actions=tuple(actions), description=dept.description))
        if own_costs:
            costs[dept.name] = own_costs
    value = org.company_value
    if objective == "surplus":
        value = value - sympy.Add(*(d.cost for d in org.departments if d.is_continuous))
    return replace(org, departments=tuple(departments), costs=costs, company_value=value)
