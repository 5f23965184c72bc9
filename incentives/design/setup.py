"""A design problem set up as a linear or mixed-integer program, and solved.

:func:`set_up` turns a :class:`~incentives.design.problem.DesignProblem` into a
:class:`DesignProgram`: the system of conditions over the weights of its terms
(:mod:`incentives.design.conditions`), the two objectives, and for ``"unique"``
the switches that break every other profile (:mod:`incentives.design.unique`).
:func:`solve` minimises the primary objective and then the secondary one
(:mod:`incentives.design.solving`).

Objectives
----------
``"cost"`` minimises the bonus paid at the target, ``sum_i sum_k w_ik KPI_k(t)``,
then the change; ``"change"`` minimises ``sum |w_ik - w0_ik|`` (the L1 distance
to the current plan ``w0``, linearised with ``d_ik >= +-(w_ik - w0_ik)``), then
the cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from .._util import Number
from ..errors import DesignError
from ..model import COMPANY_VALUE
from .conditions import DesignSystem, add_system, deterrence, limited_liability_floors
from .exact import exact_twin
from .linear import LinearPayoffs, bonus_payoffs, current_weights, fixed_bonus, kpi_values
from .problem import DesignProblem
from .program import Program, ProgramResult
from .rounding import exact_limit
from .solving import add_distance, polished, solve_lexicographic
from .terms import Term
from .unique import Escapes, add_escapes, escapes

__all__ = ["AUTO_BOUND_FACTOR", "CheckedSide", "DesignProgram", "checked_side", "set_up", "solve"]

#: For ``"unique"``, a weight without a finite bound gets this many times the largest weight of the
#: current plan and of the cheapest Nash plan (at least 1): the big-M constants need finite bounds.
AUTO_BOUND_FACTOR = 10.0


@dataclass(frozen=True, kw_only=True, eq=False)
class DesignProgram:
    """A design problem as a program over the weights of its terms.

    Parameters
    ----------
    problem : DesignProblem
    system : DesignSystem
        The conditions; its variables are ``problem.terms``, in order.
    escapes : Escapes or None
        For ``"unique"``: the switches that may break each other profile.
    current : numpy.ndarray
        Each term's weight in the current plan (0 when it has none).
    cost : numpy.ndarray
        What a unit of each term's weight pays at the target.
    scale : numpy.ndarray
        The largest ``|KPI|`` of each term over all profiles.
    notes : tuple of str
        What setting up noticed (the bounds chosen for uniqueness).
    """

    problem: DesignProblem
    system: DesignSystem
    escapes: Escapes | None
    current: np.ndarray
    cost: np.ndarray
    scale: np.ndarray
    notes: tuple[str, ...] = ()

    @property
    def terms(self) -> tuple[Term, ...]:
        """The terms whose weights are the program's variables."""
        return self.system.payoffs.variables

    @property
    def trapped(self) -> bool:
        """Whether some other profile stays an equilibrium whatever the plan (``"unique"`` only)."""
        return self.escapes is not None and len(self.escapes.trapped) > 0

    def build(self) -> tuple[Program, np.ndarray, np.ndarray, np.ndarray]:
        """A fresh program: ``(program, weight columns, primary objective, secondary objective)``."""
        program = Program()
        x = add_system(program, self.system)
        d = add_distance(program, x, self.current)
        if self.escapes is not None:
            add_escapes(program, x, self.escapes, self.system.margin)
        cost, change = np.zeros(program.n_variables), np.zeros(program.n_variables)
        cost[x], change[d] = self.cost, 1.0
        return (program, x, cost, change) if self.problem.objective == "cost" else (program, x, change, cost)


def set_up(problem: DesignProblem) -> DesignProgram:
    """The program that solves ``problem`` (for ``"unique"`` with unbounded weights, one LP is solved first).

    Raises
    ------
    DesignError
        For ``"unique"``, if the game has more profiles than ``problem.max_profiles``.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> program = set_up(DesignProblem.from_options(org, allow=["*:company_value"]))
    >>> [str(term) for term in program.terms][:2], program.cost.round(2).tolist()[:2]
    (['sales:company_value', 'support:company_value'], [430.72, 430.72])
    """
    model, t = problem.model, problem.target
    values = kpi_values(model)
    lin = bonus_payoffs(model, problem.allowed, values, fixed=problem.kept)
    current = current_weights(model)
    w0 = np.array([current.get(term.department, {}).get(term.kpi, 0.0) for term in lin.variables])
    system = _system(problem, lin, values)
    notes: tuple[str, ...] = ()
    if problem.concept == "unique" and not np.all(np.isfinite(system.lower) & np.isfinite(system.upper)):
        system, note = _auto_bounds(system, w0, problem.time_limit)
        notes = (note,)
    return DesignProgram(
        problem=problem,
        system=system,
        escapes=escapes(system, max_profiles=problem.max_profiles) if problem.concept == "unique" else None,
        current=w0,
        cost=np.array([values[term.kpi][t] for term in lin.variables]),
        scale=np.array([float(np.max(np.abs(values[term.kpi]), initial=0.0)) for term in lin.variables]),
        notes=notes,
    )


def _system(
    problem: DesignProblem,
    lin: LinearPayoffs[Term],
    values: dict[str, np.ndarray],
    kept: Mapping[Term, Number] | None = None,
) -> DesignSystem:
    t = problem.target
    limits = np.array([problem.limits(term) for term in lin.variables], dtype=float).reshape(-1, 2)
    fixed_pay = fixed_bonus(lin.players, problem.kept if kept is None else kept, values)
    at_target = np.array([values[term.kpi][t] for term in lin.variables], dtype=values[COMPANY_VALUE].dtype)
    budget = None
    if problem.budget is not None:
        limit = exact_limit(problem.budget) if lin.exact else problem.budget
        budget = (at_target, limit - fixed_pay.sum(axis=0)[t])
    return DesignSystem(
        payoffs=lin,
        target=t,
        margin=problem.margin,
        deter=deterrence(lin, t, problem.concept),
        lower=limits[:, 0],
        upper=limits[:, 1],
        floors=limited_liability_floors(lin, fixed_pay) if problem.limited_liability else (),
        budget=budget,
        levers=tuple(
            f"the KPIs it may be paid on ({', '.join(keys)})" if keys else "" for keys in problem.allowed.values()
        ),
        base_meaning="from its action cost and the terms kept" if problem.kept else "in action cost",
        tol=problem.tol,
    )


@dataclass(frozen=True, kw_only=True, eq=False)
class CheckedSide:
    """A problem's conditions on the arrays a plan's guarantees are checked on (exact when possible).

    Parameters
    ----------
    system : DesignSystem
        The conditions, over the problem's terms; on fractions when the model has an exact twin
        (:func:`~incentives.design.exact.exact_twin`), else on floats.
    values : dict of str to numpy.ndarray
        Every KPI and company value, in the same arithmetic.
    cost : numpy.ndarray
        What a unit of each term's weight pays at the target.
    fixed_cost : Number
        What the terms kept as they are pay at the target.
    current : numpy.ndarray
        Each term's weight in the current plan (0 when it has none).
    kept : mapping of Term to Number
        The terms kept as they are, with their weights.
    current_plan : mapping
        The whole current plan, department -> KPI -> weight, in the same arithmetic.
    """

    system: DesignSystem
    values: dict[str, np.ndarray]
    cost: np.ndarray
    fixed_cost: Number
    current: np.ndarray
    kept: Mapping[Term, Number]
    current_plan: Mapping[str, Mapping[str, Number]]

    @property
    def exact(self) -> bool:
        """Whether the arrays are exact fractions."""
        return self.system.payoffs.exact


def checked_side(problem: DesignProblem) -> CheckedSide:
    """The problem's conditions in exact arithmetic when the model allows it, else in floating point.

    Examples
    --------
    >>> import incentives as inc
    >>> side = checked_side(DesignProblem.from_options(inc.load_model("examples/growing_company.yaml")))
    >>> side.exact, side.cost[-1]
    (True, Fraction(10768, 25))
    """
    model = exact_twin(problem.model) or problem.model
    values = kpi_values(model)
    weights = model.weights
    kept = {term: weights[term.department][term.kpi] for term in problem.kept}
    lin = bonus_payoffs(model, problem.allowed, values, fixed=kept)
    t = problem.target
    dtype = values[COMPANY_VALUE].dtype
    zero = Fraction(0) if model.exact else 0.0
    current = np.array([weights.get(term.department, {}).get(term.kpi, zero) for term in lin.variables], dtype=dtype)
    return CheckedSide(
        system=_system(problem, lin, values, kept),
        values=values,
        cost=np.array([values[term.kpi][t] for term in lin.variables], dtype=dtype),
        fixed_cost=sum((w * values[term.kpi][t] for term, w in kept.items()), zero),
        current=current,
        kept=kept,
        current_plan={d: dict(w) for d, w in weights.items()},
    )


def _auto_bounds(system: DesignSystem, w0: np.ndarray, time_limit: float) -> tuple[DesignSystem, str]:
    program = Program()
    x = add_system(program, system)
    first = program.solve(time_limit=time_limit)
    scale = [1.0, float(np.max(np.abs(w0), initial=0.0))]
    if first.x is not None:
        scale.append(float(np.max(np.abs(first.x[x]), initial=0.0)))
    bound = AUTO_BOUND_FACTOR * max(scale)
    lower = np.where(np.isfinite(system.lower), system.lower, -bound)
    upper = np.where(np.isfinite(system.upper), system.upper, bound)
    note = (
        f"for the uniqueness search every weight without a limit was bounded by +-{bound:.6g} (the big-M constants "
        "need finite bounds); a plan needing larger weights would not be found"
    )
    return replace(system, lower=np.maximum(lower, system.lower), upper=np.minimum(upper, system.upper)), note


def solve(program: DesignProgram) -> ProgramResult:
    """Minimise the primary objective, then the secondary; a linear plan is then tidied of solver noise.

    A program whose target cannot be unique (``program.trapped``) is not solved: the
    result is ``"infeasible"``.

    Raises
    ------
    DesignError
        If the cost can be made as low as you like (negative weights acting as fines).

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> result = solve(set_up(DesignProblem.from_options(org, allow=["*:company_value"])))
    >>> result.status, round(result.objective, 4)
    ('optimal', 82.5838)
    """
    problem = program.problem
    if program.trapped:
        return ProgramResult(
            status="infeasible", x=None, objective=None, message="another profile stays an equilibrium"
        )
    lp, _, primary, secondary = program.build()
    result = solve_lexicographic(lp, primary, secondary, problem.time_limit, tol=problem.tol)
    if result.status == "unbounded":
        raise DesignError(
            "the bonus paid at the target can be made as low as you like: negative weights on KPIs that the "
            "departments cannot move act as fines; keep limited liability on, or bound the weights "
            "(nonnegative, max_weight)"
        )
    if result.status == "optimal" and result.x is not None and program.escapes is None:
        # a mixed-integer program is not solved again just to tidy its weights
        result = polished(program.build, result, program.scale, problem.margin, problem.time_limit, tol=problem.tol)
    return result
