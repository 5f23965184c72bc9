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

Limits: weights only on allowed terms (others are 0) and, by default, only on
terms aligned with company value for the deviations that matter
(:mod:`incentives.design.alignment`), sign and per-weight bounds, a budget on the
bonus paid at the target, and *limited liability* (default on): each department's
bonus is at least 0 at every profile, so a bonus is never a fine.  It also keeps
the cost objective bounded.  Programs are
solved by HiGHS through :func:`scipy.optimize.milp`.

Steps
-----
:func:`design` runs four steps, each a function of its own:

1. :meth:`~incentives.design.problem.DesignProblem.from_options` checks the
   options and resolves them against the model (target, terms, bounds);
2. :func:`~incentives.design.setup.set_up` builds the program;
3. :func:`~incentives.design.setup.solve` solves it;
4. :func:`~incentives.design.outcome.assemble` turns the solution into a
   :class:`Design`: a plan of exact numbers whose guarantees (margin, limited
   liability, budget) are checked on those very numbers
   (:mod:`incentives.design.rounding`), with why each term is there
   (:mod:`incentives.design.reasons`), or, when no plan exists, the switches that
   cannot be deterred and why (:mod:`incentives.design.diagnose`).

:func:`solve_problem` runs steps 2 to 4 and checks the plan found on the
rebuilt game (:mod:`incentives.design.verify`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..evaluated import EvaluatedModel
from ..model import Organization
from ..tolerance import RTOL
from .outcome import Design, assemble
from .problem import OBJECTIVES, DesignProblem
from .setup import set_up, solve
from .terms import TermSpec
from .unique import DEFAULT_MAX_PROFILES
from .verify import verify_plan

__all__ = ["OBJECTIVES", "Design", "design", "solve_problem"]


def design(
    model: Organization | EvaluatedModel,
    *,
    target: Mapping[str, str] | Sequence[int] | None = None,
    concept: str = "nash",
    margin: float = 1.0,
    objective: str = "cost",
    allow: Iterable[TermSpec] | None = None,
    misaligned: bool = False,
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
    tol: float = RTOL,
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
        Terms the plan may use, as ``"department:kpi"`` (``*`` wildcards); default every KPI and a
        share of company value.  Of these, only terms aligned with company value for the
        deviations that matter are used (:mod:`incentives.design.alignment`), in the sign in
        which they are aligned, unless a term is named here one by one (no ``*``): a term so named
        may pull against company value, and is then flagged in the report.
    misaligned : bool
        Let every allowed term pull against company value (each one the plan uses that does is
        flagged).  Default False: a plan never pays for something the company wants less of
        unless you name it.
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
    tol : float
        Relative tolerance (see :mod:`incentives.tolerance`): a weight within it of zero is left
        out of the plan, and plans whose objective is within it of the optimum tie.

    Returns
    -------
    Design

    See Also
    --------
    DesignProblem.from_options : the same options, checked, as one object.
    solve_problem : solve a :class:`~incentives.design.problem.DesignProblem`.

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
    problem = DesignProblem.from_options(
        model,
        target=target,
        concept=concept,
        margin=margin,
        objective=objective,
        allow=allow,
        misaligned=misaligned,
        company_share=company_share,
        nonnegative=nonnegative,
        max_weight=max_weight,
        bounds=bounds,
        budget=budget,
        limited_liability=limited_liability,
        keep_others=keep_others,
        max_profiles=max_profiles,
        time_limit=time_limit,
        method=method,
        verify=verify,
        tol=tol,
    )
    return solve_problem(problem)


def solve_problem(problem: DesignProblem) -> Design:
    """Set up, solve and assemble a design problem; check the plan found on the rebuilt game.

    Parameters
    ----------
    problem : DesignProblem

    Returns
    -------
    Design
        Verified when ``problem.verify`` and a plan was found.

    Raises
    ------
    DesignError
        For a game too large for ``"unique"``, or a cost that can be made arbitrarily low.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> problem = DesignProblem.from_options(org, allow=["*:company_value"], verify=False)
    >>> plan = solve_problem(problem)
    >>> plan.found, plan.verification is None, round(float(plan.cost), 4)
    (True, True, 82.5838)
    """
    program = set_up(problem)
    plan = assemble(program, solve(program))
    if not (problem.verify and plan.found):
        return plan
    check = verify_plan(
        problem.model, plan.redesigned, problem.target, method=problem.method, max_seconds=problem.time_limit
    )
    return replace(plan, verification=check)
