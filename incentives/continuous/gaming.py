"""Gaming on continuous models: equilibrium effort against the effort the company needs, task by task.

Definitions
-----------
The *company optimum* (first best) maximises, over every department's variables
(and the actions of departments that have them), the company's objective:

* ``"surplus"`` (default): company value minus every effort cost and action cost --
  what the company would choose if it bore the costs of effort itself (it pays for
  them through salaries in the end).  Risk premia are left out: they are a cost of
  paying for performance, which the first best, with the company bearing all the
  risk, does not incur;
* ``"company_value"``: company value alone, as the finite-game analysis
  (:func:`incentives.analyze`) does; unbounded when value grows with effort and
  nothing bounds it.

At an equilibrium the surplus is company value minus effort costs, action costs
*and* risk premia, so the *value gap* below counts what the plan costs in risk
as well as in distorted effort.

The *gaming gap* of a variable ``d.v`` at an equilibrium is

    ``gap = x_eq(d.v) - x_opt(d.v)``:

positive when the department does more of the task than the company needs
(what its KPIs reward), negative when it does less (the task its KPIs ignore).
The *value gap* is the objective at the optimum minus at the equilibrium: what
the bonus plan's distortions cost the company.

The graph, incentive design and the rest of the finite-game analyses work on a
discretised model (see :func:`incentives.continuous.discretise`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from .._util import frozen_map
from ..errors import SolverError
from ..formula import symbol
from ..model import Organization
from ..tolerance import is_zero
from ._kkt import NotSolvable, decide, kkt_candidates, substitute, tidy
from .concavity import Concavity, concavity
from .game import ContinuousGame, continuous_game
from .numeric import best_response, compile_game
from .result import ContinuousEquilibrium, ContinuousSolution, show
from .solve import _action_profiles, _float, solve_continuous

__all__ = ["FirstBest", "GamingGaps", "TaskGap", "first_best", "gaming_gaps", "gaps_text"]


@dataclass(frozen=True, kw_only=True)
class FirstBest:
    """The company-optimal profile of a continuous model.

    Parameters
    ----------
    profile : mapping of str to sympy.Expr
        ``"d.v"`` -> optimal value.
    actions : mapping of str to str
        Optimal actions of departments with actions.
    value : sympy.Expr
        The objective there.
    objective, method : str
    point : mapping of str to float
        The profile at the model's values; ``numeric_value`` the objective there.
    concavity : Concavity or None
        Concavity of the objective in all the variables.
    """

    profile: Mapping[str, sympy.Expr]
    value: sympy.Expr
    objective: str
    method: str
    actions: Mapping[str, str] = field(default_factory=dict)
    point: Mapping[str, float] = field(default_factory=dict)
    numeric_value: float = math.nan
    concavity: Concavity | None = None

    def __post_init__(self) -> None:
        for name in ("profile", "actions", "point"):
            object.__setattr__(self, name, frozen_map(getattr(self, name)))


def _objective(org: Organization, game: ContinuousGame, objective: str) -> sympy.Expr:
    if objective == "company_value":
        return game.company_value
    costs = sympy.Add(*(org.costs.get(d, {}).get(a, sympy.Integer(0)) for d, a in game.fixed.items()))
    numbers = {symbol(p): v for p, v in org.parameters.items() if symbol(p) not in game.values}
    return game.company_value - sympy.Add(*game.costs.values()) - costs.xreplace(numbers)


def first_best(
    org: Organization,
    *,
    objective: str = "surplus",
    parameters: Mapping[str, Any] | None = None,
    symbolic: bool | Collection[str] = False,
    method: str = "auto",
    search_range: float = 100.0,
) -> FirstBest:
    """The profile that maximises the company's objective (see the module docstring).

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/classics/holmstrom_milgrom_single.yaml")
    >>> first_best(org, symbolic=True).profile["agent.effort"]
    1/c
    """
    if objective not in ("surplus", "company_value"):
        raise SolverError(f"unknown objective {objective!r}; expected 'surplus' or 'company_value'")
    if parameters:
        org = org.with_parameters(parameters)
    best: FirstBest | None = None
    for fixed in _action_profiles(org, 256):
        game = continuous_game(org, symbolic=symbolic, fixed=fixed)
        goal = _objective(org, game, objective)
        found = None
        if method != "numeric" and not goal.has(sympy.Piecewise, sympy.Min, sympy.Max, sympy.Abs):
            try:
                found = _symbolic_optimum(game, goal, objective)
            except NotSolvable:
                if method == "symbolic":
                    raise
        if found is None:
            found = _numeric_optimum(game, goal, objective, search_range)
        if best is None or found.numeric_value > best.numeric_value:
            best = found
    assert best is not None
    return best


def _symbolic_optimum(game: ContinuousGame, goal: sympy.Expr, objective: str) -> FirstBest | None:
    signs = game.signs()
    symbols = list(game.symbols)
    bounds = {x: (game.lower[x], game.upper[x]) for x in symbols}
    values = dict(game.values)
    scored = []
    for cand in kkt_candidates([(goal, symbols)], bounds, signs, box=game.box()):
        if cand.free or not all(decide(substitute(c, values), {}) is not False for c in cand.conditions):
            continue
        value = tidy(goal.xreplace(cand.point))
        scored.append((_float(value.xreplace(values)), cand, value))
    if not scored:
        raise SolverError(
            f"the company's {objective.replace('_', ' ')} has no maximum within the bounds (it grows without "
            "limit); with objective='company_value', effort costs are ignored: try objective='surplus'"
        )
    number, cand, value = max(scored, key=lambda item: item[0])
    point = {x.name: _float(cand.point[x].xreplace(values)) for x in symbols}
    at = {x: point[x.name] for x in symbols} | {s: float(v) for s, v in values.items()}
    check = concavity("company", goal, symbols, signs=signs, at=at)
    if not check.holds:
        return None
    return FirstBest(
        profile={x.name: cand.point[x] for x in symbols},
        value=value,
        objective=objective,
        method="symbolic",
        actions=dict(game.fixed),
        point=point,
        numeric_value=number,
        concavity=check,
    )


def _numeric_optimum(game: ContinuousGame, goal: sympy.Expr, objective: str, search_range: float) -> FirstBest:
    company = ContinuousGame(
        title=game.title,
        players=("company",),
        variables={"company": game.symbols},
        lower=game.lower,
        upper=game.upper,
        pay={"company": goal},
        costs={"company": sympy.Integer(0)},
        risk_premiums={"company": sympy.Integer(0)},
        company_value=game.company_value,
        values=game.values,
    )
    compiled = compile_game(company, search_range=search_range)
    start = np.clip((compiled.box_lower + compiled.box_upper) / 2, compiled.lower, compiled.upper)
    x, value = best_response(compiled, 0, start, grid_points=20001, starts=5)
    if np.max(np.abs(x)) > 1e6 * (1 + search_range) or not math.isfinite(value):
        raise SolverError(f"the company's {objective.replace('_', ' ')} grows without limit: no optimum")
    return FirstBest(
        profile={s.name: sympy.Float(v) for s, v in zip(game.symbols, x, strict=True)},
        value=sympy.Float(value),
        objective=objective,
        method="numeric",
        actions=dict(game.fixed),
        point={s.name: float(v) for s, v in zip(game.symbols, x, strict=True)},
        numeric_value=value,
    )


@dataclass(frozen=True, kw_only=True)
class TaskGap:
    """Equilibrium against optimal value of one decision variable (one task).

    ``gap = equilibrium - optimum``; ``gap_value`` etc. are at the model's values.
    """

    department: str
    variable: str
    equilibrium: sympy.Expr
    optimum: sympy.Expr
    gap: sympy.Expr
    gap_value: float

    @property
    def direction(self) -> str:
        """``"more"``, ``"less"`` or ``"same"``: what the department does compared with the company's need."""
        if is_zero(self.gap_value, _float(self.optimum)):
            return "same"
        return "more" if self.gap_value > 0 else "less"


@dataclass(frozen=True, kw_only=True)
class GamingGaps:
    """Gaming at one equilibrium of a continuous model: task by task, and in value.

    Parameters
    ----------
    equilibrium : ContinuousEquilibrium
    optimum : FirstBest
    gaps : tuple of TaskGap
    value_gap : sympy.Expr
        Objective at the optimum minus at the equilibrium; ``value_gap_number`` at the model's values.
    """

    equilibrium: ContinuousEquilibrium
    optimum: FirstBest
    gaps: tuple[TaskGap, ...]
    value_gap: sympy.Expr
    value_gap_number: float


def gaming_gaps(
    org: Organization,
    solution: ContinuousSolution | None = None,
    optimum: FirstBest | None = None,
    *,
    objective: str = "surplus",
    **options: Any,
) -> tuple[GamingGaps, ...]:
    """The gaming gap of every task at every equilibrium (see the module docstring).

    Parameters
    ----------
    org : Organization
    solution : ContinuousSolution, optional
        Default: :func:`~incentives.continuous.solve_continuous` with ``options``.
    optimum : FirstBest, optional
        Default: :func:`first_best` with ``objective`` and the ``parameters`` and ``symbolic`` options.
    objective : {"surplus", "company_value"}
    **options
        Passed to :func:`~incentives.continuous.solve_continuous`.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/classics/kerr.yaml")
    >>> [(g.variable, g.direction) for g in gaming_gaps(org)[0].gaps]
    [('staff.a', 'more'), ('staff.b', 'less')]
    """
    solution = solution or solve_continuous(org, **options)
    keep = {k: options[k] for k in ("parameters", "symbolic") if k in options}
    optimum = optimum or first_best(org, objective=objective, **keep)
    out = []
    for eq in solution.equilibria:
        gaps = []
        for name, value in eq.profile.items():
            best = optimum.profile[name]
            gap = tidy(value - best)
            gaps.append(
                TaskGap(
                    department=name.split(".")[0],
                    variable=name,
                    equilibrium=value,
                    optimum=best,
                    gap=gap,
                    gap_value=eq.point[name] - optimum.point[name],
                )
            )
        reached = eq.surplus if objective == "surplus" else eq.company_value
        out.append(
            GamingGaps(
                equilibrium=eq,
                optimum=optimum,
                gaps=tuple(gaps),
                value_gap=tidy(optimum.value - reached),
                value_gap_number=optimum.numeric_value - _number_at(reached, eq, org, options),
            )
        )
    return tuple(out)


def _number_at(expr: sympy.Expr, eq: ContinuousEquilibrium, org: Organization, options: Mapping[str, Any]) -> float:
    values = {symbol(k): v for k, v in org.with_parameters(options.get("parameters") or {}).parameters.items()}
    return _float(expr.xreplace(values))


def gaps_text(items: tuple[GamingGaps, ...]) -> str:
    """A plain-text report of gaming gaps.

    Examples
    --------
    >>> import incentives as inc
    >>> print(gaps_text(gaming_gaps(inc.load_model("examples/classics/kerr.yaml"))))
    Gaming at equilibrium staff.a=1, staff.b=0 (company optimum: staff.a=0.5, staff.b=1)
      staff.a: 1 at equilibrium, 0.5 for the company: gap 0.5 (does more than the company needs)
      staff.b: 0 at equilibrium, 1 for the company: gap -1 (does less than the company needs)
      surplus lost: 0.625
    """
    lines = []
    words = {
        "more": "does more than the company needs",
        "less": "does less than the company needs",
        "same": "as needed",
    }
    for item in items:
        optimum = ", ".join(f"{k}={show(v)}" for k, v in item.optimum.profile.items())
        lines.append(f"Gaming at equilibrium {item.equilibrium.label()} (company optimum: {optimum})")
        for gap in item.gaps:
            lines.append(
                f"  {gap.variable}: {show(gap.equilibrium)} at equilibrium, {show(gap.optimum)} for the company: "
                f"gap {show(gap.gap)} ({words[gap.direction]})"
            )
        what = "surplus" if item.optimum.objective == "surplus" else "company value"
        lines.append(f"  {what} lost: {show(item.value_gap)}")
    return "\n".join(lines)
