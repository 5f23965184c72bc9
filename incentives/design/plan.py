"""Bonus plans that make a target profile an equilibrium, at least cost: linear and mixed-integer programs.

Definitions
-----------
Weights ``w_ik`` on the allowed terms (KPIs and shares of company value) are the
variables; every condition is linear in them (:mod:`incentives.design.linear`).
The target ``t`` (default: the company optimum) is to be

* ``"nash"``: a Nash equilibrium where every unilateral switch loses at least
  the margin ``m`` (one row per switch: a linear program);
* ``"dominant"``: a dominant-strategy profile with margin ``m`` (one row per
  switch and profile of the others: a linear program);
* ``"unique"``: a Nash equilibrium with margin ``m`` and the only pure one: every
  other profile has a switch that gains at least ``m`` (a mixed-integer program
  with big-M disjunctions, :mod:`incentives.design.unique`).

Objectives (``objective``):

* ``"cost"``: the bonus paid at the target, ``sum_i sum_k w_ik KPI_k(t)``
  (linear in ``w``); ties are then broken toward the current plan;
* ``"change"``: the L1 distance to the current plan, ``sum |w_ik - w0_ik|``,
  linearised with ``d_ik >= +-(w_ik - w0_ik)``; ties are broken toward the
  cheaper plan.

Limits: weights only on allowed terms (others are 0), sign and per-weight
bounds, a budget on the bonus paid at the target, and *limited liability*
(default on): each department's bonus is at least 0 at every profile, so a
bonus is never a fine.  It also keeps the cost objective bounded.  Programs are
solved by HiGHS through :func:`scipy.optimize.milp`.

When no plan exists, :mod:`incentives.design.diagnose` says which switches
cannot be deterred, and why.  Every plan found is rounded to readable numbers
and checked on the rebuilt game (:mod:`incentives.design.verify`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .._util import profile_label
from ..analysis.optimum import company_optimum
from ..build import evaluated
from ..errors import DesignError
from ..evaluated import EvaluatedModel
from ..model import Organization
from .conditions import CONCEPTS, DesignSystem, add_system, deterrence, limited_liability_floors
from .diagnose import Obstacle, explain_infeasible
from .linear import (
    bonus_payoffs,
    current_weights,
    fixed_bonus,
    kpi_values,
    parse_target,
    weights_to_bonus,
)
from .program import Program, ProgramResult
from .solving import add_distance, polished, solve_lexicographic
from .terms import TermSpec, allowed_terms, weight_bounds
from .unique import DEFAULT_MAX_PROFILES, add_escapes, escapes, explain_not_unique
from .verify import Verification, verify_plan

__all__ = ["OBJECTIVES", "Design", "design"]

#: What a design minimises.
OBJECTIVES = ("cost", "change")


@dataclass(frozen=True, kw_only=True)
class Design:
    """A designed bonus plan (or the reasons there is none), verified on the rebuilt game.

    Parameters
    ----------
    organization : Organization
        The organisation as given (current plan).
    target : tuple of int
    target_label : str
    concept, objective : str
    margin : float
    status : str
        ``"found"``, ``"infeasible"`` (no plan can work: see ``obstacles``) or
        ``"stopped"`` (the time limit ran out first).
    weights : mapping
        The plan: department -> term -> weight (as written to a model file); empty when infeasible.
    current : mapping
        The current plan's weights, as numbers.
    allowed : mapping
        Department -> terms the plan could use.
    cost, current_cost : float or None
        Bonus paid at the target under the plan / under the current plan.
    change : float or None
        L1 distance between the plan and the current plan.
    obstacles : tuple of Obstacle
        Why no plan works (when infeasible).
    verification : Verification or None
    notes : tuple of str
    proven_optimal : bool
        False when a time limit stopped the search before optimality was proven.
    """

    organization: Organization
    target: tuple[int, ...]
    target_label: str
    concept: str
    objective: str
    margin: float
    status: str
    weights: Mapping[str, Mapping[str, float]]
    current: Mapping[str, Mapping[str, float]]
    allowed: Mapping[str, tuple[str, ...]]
    cost: float | None
    current_cost: float
    change: float | None
    obstacles: tuple[Obstacle, ...] = ()
    verification: Verification | None = None
    notes: tuple[str, ...] = ()
    proven_optimal: bool = True

    @property
    def found(self) -> bool:
        """Whether a plan was found."""
        return self.status == "found"

    @property
    def redesigned(self) -> Organization:
        """The organisation with the designed plan (write it with :func:`incentives.save_model`).

        Raises
        ------
        DesignError
            If no plan was found.
        """
        if not self.found:
            raise DesignError("no plan was found, so there is no redesigned organisation to write")
        bonus = weights_to_bonus(self.organization, self.weights)
        for dept, weights in bonus.items():  # terms kept as they were keep their formulas (parameters)
            for key in weights:
                if key not in self.allowed.get(dept, ()) and key in self.organization.bonus.get(dept, {}):
                    weights[key] = self.organization.bonus[dept][key]
        return replace(self.organization, bonus=bonus)


def _check(concept: str, objective: str, margin: float, budget: float | None, time_limit: float) -> None:
    if concept not in CONCEPTS:
        raise DesignError(f"The 'concept' parameter must be one of {list(CONCEPTS)}. Got {concept!r} instead.")
    if objective not in OBJECTIVES:
        raise DesignError(f"The 'objective' parameter must be one of {list(OBJECTIVES)}. Got {objective!r} instead.")
    if not np.isfinite(margin) or margin < 0:
        raise DesignError(f"The 'margin' parameter must be a number >= 0. Got {margin!r} instead.")
    if budget is not None and not np.isfinite(budget):
        raise DesignError(f"The 'budget' parameter must be a finite number. Got {budget!r} instead.")
    if not time_limit > 0:
        raise DesignError(f"The 'time_limit' parameter must be a number above 0. Got {time_limit!r} instead.")


def _levers(allowed: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(f"the KPIs it may be paid on ({', '.join(keys)})" if keys else "" for keys in allowed.values())


def design(
    model: Organization | EvaluatedModel,
    *,
    target: Mapping[str, str] | Sequence[int] | None = None,
    concept: str = "nash",
    margin: float = 1.0,
    objective: str = "cost",
    allow: Iterable[TermSpec] | None = None,
    company_share: bool = True,
    nonnegative: bool = True,
    max_weight: float | None = None,
    bounds: Mapping[TermSpec, tuple[Any, Any]] | None = None,
    budget: float | None = None,
    limited_liability: bool = True,
    keep_others: bool = False,
    max_profiles: int = DEFAULT_MAX_PROFILES,
    time_limit: float = 60.0,
    method: str = "all",
    verify: bool = True,
) -> Design:
    """A bonus plan under which ``target`` is an equilibrium of the kind asked for, at least cost.

    Parameters
    ----------
    model : Organization or EvaluatedModel
        The organisation with its current plan, or its evaluated model (evaluated once, in
        floating point; the redesigned plan is checked on it without evaluating a KPI again).
    target : mapping of department to action, or action indices, optional
        Default: the company optimum.  Departments left out keep their optimum action.
    concept : {"nash", "dominant", "unique"}
    margin : float
        How much every unilateral switch away from the target must lose (for
        ``"unique"`` also how much some switch away from every other profile must gain).
    objective : {"cost", "change"}
        Least bonus paid at the target, or least change (L1) from the current plan.
    allow : iterable of str, optional
        Terms the plan may use, as ``"department:kpi"`` (``*`` wildcards); default every KPI.
    company_share : bool
        Whether shares of company value are allowed.
    nonnegative : bool
        Only non-negative weights (default): a plan without penalties, which a
        workshop can read.  False allows negative weights, often cheaper.
    max_weight : float, optional
        Bound on every ``|weight|``.  For ``"unique"``, when some weight has no
        finite bound, it gets ``10 * max(1, largest |weight| of the current plan and
        of the cheapest Nash plan)`` (the big-M constants need finite bounds).
    bounds : mapping of term to (lower, upper), optional
        Bounds for single terms (None: no limit); they override the two above.
    budget : float, optional
        Most the plan may pay at the target.
    limited_liability : bool
        Each department's bonus is never negative, at any profile.
    keep_others : bool
        Keep the current plan's terms that are not allowed as they are (default: a plan pays
        only on allowed terms, so the others are dropped).
    max_profiles : int
        Largest game (in profiles) for ``"unique"``.
    time_limit : float
        Seconds for each solver call.
    method : str
        Equilibrium method used to verify the plan.
    verify : bool
        Rebuild and re-solve the game with the plan.

    Returns
    -------
    Design

    Raises
    ------
    DesignError
        For invalid options, a game too large for ``"unique"``, or a cost that can be made
        arbitrarily low (no limited liability and unbounded weights).

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> plan = design(org, nonnegative=True)
    >>> plan.found, plan.verification.is_equilibrium, round(plan.verification.margin, 6)
    (True, True, 1.0)
    >>> plan.target_label == plan.verification.pure_after[0]
    True
    """
    _check(concept, objective, margin, budget, time_limit)
    model = evaluated(model, exact=False)
    org = model.organization
    values = kpi_values(model)
    optimum = company_optimum(model)
    t = optimum.profile if target is None else parse_target(org, target, optimum.profile)
    allowed = allowed_terms(org, allow, company_share=company_share)
    current = current_weights(model)
    fixed = _kept(current, allowed) if keep_others else {}
    lin = bonus_payoffs(model, allowed, values, fixed=fixed)
    lower, upper = weight_bounds(org, lin, nonnegative=nonnegative, max_weight=max_weight, bounds=bounds)
    fixed_pay = fixed_bonus(model.players, fixed, values)
    w0 = np.array([current.get(d, {}).get(k, 0.0) for d, k in (v.split(":", 1) for v in lin.variables)])
    at_target = np.array([values[v.split(":", 1)[1]][t] for v in lin.variables])
    notes = _notes(org, optimum, t, target, margin)
    system = DesignSystem(
        payoffs=lin,
        target=t,
        margin=float(margin),
        deter=deterrence(lin, t, concept),
        lower=lower,
        upper=upper,
        floors=limited_liability_floors(lin, fixed_pay) if limited_liability else (),
        budget=None if budget is None else (at_target, float(budget) - float(fixed_pay.sum(axis=0)[t])),
        levers=_levers(allowed),
        base_meaning="from its action cost and the terms kept" if any(fixed.values()) else "in action cost",
    )
    if concept == "unique" and not np.all(np.isfinite(lower) & np.isfinite(upper)):
        system, note = _auto_bounds(system, w0, time_limit)
        notes.append(note)
    none = Design(
        organization=org,
        target=t,
        target_label=profile_words(org, t),
        concept=concept,
        objective=objective,
        margin=float(margin),
        status="infeasible",
        weights={},
        current={d: dict(w) for d, w in current.items()},
        allowed=allowed,
        cost=None,
        current_cost=_paid(current, values, t),
        change=None,
        notes=tuple(notes),
    )
    esc = None
    if concept == "unique":
        esc = escapes(system, max_profiles=max_profiles)
        if len(esc.trapped):
            return replace(none, obstacles=explain_not_unique(system, esc))

    def build() -> tuple[Program, np.ndarray, np.ndarray, np.ndarray]:
        program = Program()
        x = add_system(program, system)
        d = add_distance(program, x, w0)
        if esc is not None:
            add_escapes(program, x, esc, system.margin)
        cost_vec, change_vec = np.zeros(program.n_variables), np.zeros(program.n_variables)
        cost_vec[x], change_vec[d] = at_target, 1.0
        return (program, x, cost_vec, change_vec) if objective == "cost" else (program, x, change_vec, cost_vec)

    program, x, primary, secondary = build()
    result = solve_lexicographic(program, primary, secondary, time_limit)
    if result.status == "unbounded":
        raise DesignError(
            "the bonus paid at the target can be made as low as you like: negative weights on KPIs that the "
            "departments cannot move act as fines; keep limited liability on, or bound the weights "
            "(nonnegative, max_weight)"
        )
    if result.status == "time_limit":
        stopped = (
            f"the solver stopped at its time limit ({time_limit:g} s) before it found a plan or proved there is none"
        )
        return replace(none, status="stopped", notes=(*notes, stopped), proven_optimal=False)
    if result.status != "optimal" or result.x is None:
        return replace(none, obstacles=_explain(system, esc, result, time_limit))
    scale = np.array([float(np.max(np.abs(values[v.split(":", 1)[1]]), initial=0.0)) for v in lin.variables])
    if esc is None:  # a mixed-integer program is not solved again just to tidy its weights
        result = polished(build, result, scale, system.margin, time_limit)
    assert result.x is not None
    if not result.proven:
        notes.append(f"the solver stopped at its time limit ({time_limit:g} s): the plan works but may not be optimal")
    weights = _rounded_weights(org, lin.variables, result.x[x], fixed)
    found = replace(
        none,
        status="found",
        weights=weights,
        cost=_paid(weights, values, t),
        change=_distance(current, weights),
        notes=tuple(notes),
        proven_optimal=result.proven,
    )
    if not verify:
        return found
    return replace(found, verification=verify_plan(model, found.redesigned, t, method=method, max_seconds=time_limit))


def profile_words(org: Organization, target: Sequence[int]) -> str:
    """``"sales=consultative, ..."`` for action indices."""
    return profile_label(org.department_names, [d.action_names for d in org.departments], target)


def _notes(org: Organization, optimum: Any, t: tuple[int, ...], target: Any, margin: float) -> list[str]:
    notes = []
    if target is None and len(optimum.profiles) > 1:
        notes.append(
            f"{len(optimum.profiles)} profiles tie for the company optimum; the design targets the first, "
            f"{profile_words(org, t)}"
        )
    if margin == 0:
        notes.append("with margin 0 the target may be a weak equilibrium: departments may be indifferent")
    return notes


def _auto_bounds(system: DesignSystem, w0: np.ndarray, time_limit: float) -> tuple[DesignSystem, str]:
    program = Program()
    x = add_system(program, system)
    first = program.solve(time_limit=time_limit)
    scale = [1.0, float(np.max(np.abs(w0), initial=0.0))]
    if first.x is not None:
        scale.append(float(np.max(np.abs(first.x[x]), initial=0.0)))
    bound = 10.0 * max(scale)
    lower = np.where(np.isfinite(system.lower), system.lower, -bound)
    upper = np.where(np.isfinite(system.upper), system.upper, bound)
    note = (
        f"for the uniqueness search every weight without a limit was bounded by +-{bound:.6g} (the big-M constants "
        "need finite bounds); a plan needing larger weights would not be found"
    )
    return replace(system, lower=np.maximum(lower, system.lower), upper=np.minimum(upper, system.upper)), note


def _explain(system: DesignSystem, esc: Any, result: ProgramResult, time_limit: float) -> tuple[Obstacle, ...]:
    if result.status != "infeasible":
        return ()

    def cheapest() -> float | None:
        program = Program()
        x = add_system(program, system, budget=False)
        assert system.budget is not None
        program.objective[x] = system.budget[0]
        found = program.solve(time_limit=time_limit)
        return found.objective

    obstacles = explain_infeasible(system, cheapest=cheapest)
    if not obstacles and esc is not None:
        obstacles = explain_not_unique(system, esc, time_limit=time_limit)
    return obstacles


def _rounded_weights(
    org: Organization, labels: Sequence[str], x: np.ndarray, fixed: Mapping[str, Mapping[str, float]]
) -> dict[str, dict[str, float]]:
    raw: dict[str, dict[str, float]] = {d: dict(w) for d, w in fixed.items()}
    for label, value in zip(labels, x, strict=True):
        dept, key = label.split(":", 1)
        raw.setdefault(dept, {})[key] = float(value)
    bonus = weights_to_bonus(org, raw)
    return {dept: {k: float(v) for k, v in w.items()} for dept, w in bonus.items()}


def _kept(
    current: Mapping[str, Mapping[str, float]], allowed: Mapping[str, tuple[str, ...]]
) -> dict[str, dict[str, float]]:
    """The current terms a plan may not change, kept as they are."""
    return {d: {k: w for k, w in plan.items() if k not in allowed.get(d, ())} for d, plan in current.items()}


def _paid(weights: Mapping[str, Mapping[str, float]], values: Mapping[str, np.ndarray], t: tuple[int, ...]) -> float:
    return float(sum(w * values[k][t] for plan in weights.values() for k, w in plan.items()))


def _distance(a: Mapping[str, Mapping[str, float]], b: Mapping[str, Mapping[str, float]]) -> float:
    terms = {(d, k) for plan in (a, b) for d, w in plan.items() for k in w}
    return float(sum(abs(a.get(d, {}).get(k, 0.0) - b.get(d, {}).get(k, 0.0)) for d, k in terms))
