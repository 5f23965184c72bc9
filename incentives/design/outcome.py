"""A designed bonus plan, and how the result of its program becomes one.

:class:`Design` is what :func:`incentives.design.design` returns: the plan (or
the reasons there is none, or the note that the solver stopped), next to the
current plan, checked on the rebuilt game.  :func:`assemble` turns a
:class:`~incentives.design.setup.DesignProgram` and its solution into a
:class:`Design`: the solver's weights made exact numbers whose guarantees are
checked on exactly those numbers (:mod:`incentives.design.rounding`), with why each
term is there and which terms pull against company value
(:mod:`incentives.design.reasons`), or, when the program is infeasible, the
switches that cannot be deterred and why (:mod:`incentives.design.diagnose`,
:mod:`incentives.design.unique`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dataclasses_field
from fractions import Fraction
from typing import Literal, cast, get_args

import sympy

from .._display import report_text
from .._util import Number
from ..errors import DesignError
from ..model import COMPANY_VALUE, Organization
from ..tolerance import RTOL
from ._checks import check_choice
from .alignment import LeftOut
from .conditions import CONCEPTS, Concept, add_system
from .diagnose import Obstacle, explain_infeasible
from .linear import current_weights
from .problem import OBJECTIVES, DesignProblem, Objective
from .program import Program, ProgramResult
from .reasons import FlaggedTerm, TermReason, flagged_terms, term_reasons
from .rounding import Guarantees, settle
from .setup import CheckedSide, DesignProgram, checked_side
from .terms import Term
from .unique import explain_not_unique
from .verify import Verification

__all__ = ["DESIGN_STATUSES", "Design", "DesignStatus", "assemble"]

#: What came of a design: a plan, proof that none exists, or a solver stopped by its time limit.
DesignStatus = Literal["found", "infeasible", "stopped"]

#: The design statuses, in order.
DESIGN_STATUSES: tuple[DesignStatus, ...] = get_args(DesignStatus)

Weights = Mapping[str, Mapping[str, float]]

#: A plan as exact numbers: department -> term -> weight (fractions; a kept term's weight as the model gives it).
ExactWeights = Mapping[str, Mapping[str, Number]]


@dataclass(frozen=True, kw_only=True)
class Design:
    """A designed bonus plan (or the reasons there is none), verified on the rebuilt game.

    Parameters
    ----------
    organization : Organization
        The organisation as given (current plan).
    target : tuple of int
    target_label : str
    concept : {"nash", "dominant", "unique"}
    objective : {"cost", "change"}
    margin : float
    status : {"found", "infeasible", "stopped"}
        ``"found"``, ``"infeasible"`` (no plan can work: see ``obstacles``) or
        ``"stopped"`` (the time limit ran out first).
    weights : mapping
        The plan: department -> term -> weight, as floats (the floats of ``exact_weights``); empty
        when infeasible.
    current : mapping
        The current plan's weights, as numbers.
    allowed : mapping
        Department -> terms the plan could use.
    cost : float or None
        Bonus paid at the target under the plan as written (the float of the exact cost in
        ``guarantees.cost``).
    current_cost : float
        Bonus paid at the target under the current plan.
    change : float or None
        L1 distance between the plan and the current plan.
    obstacles : tuple of Obstacle
        Why no plan works (when infeasible).
    verification : Verification or None
    notes : tuple of str
    proven_optimal : bool
        False when a time limit stopped the search before optimality was proven.
    tol : float
        The relative tolerance the design ran with (weights within it of zero are no weights).
    exact_weights : mapping
        The plan exactly as checked and as written to a model file: department -> term -> weight
        (fractions).
    guarantees : Guarantees or None
        What ``exact_weights`` were checked to do: margin, limited liability, budget, bounds.
    reasons : tuple of TermReason
        For each term of the plan, the switches it deters and by how much.
    flagged : tuple of FlaggedTerm
        Terms of the plan that pull against company value, and why each is there anyway.
    left_out : tuple of LeftOut
        Terms the design left out (or signs of weights it refused) because they pull against
        company value.

    Raises
    ------
    DesignError
        If ``status``, ``concept`` or ``objective`` is not one of its values.
    """

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    organization: Organization
    target: tuple[int, ...]
    target_label: str
    concept: Concept
    objective: Objective
    margin: float
    status: DesignStatus
    weights: Weights
    current: Weights
    allowed: Mapping[str, tuple[str, ...]]
    cost: float | None
    current_cost: float
    change: float | None
    obstacles: tuple[Obstacle, ...] = ()
    verification: Verification | None = None
    notes: tuple[str, ...] = ()
    proven_optimal: bool = True
    tol: float = RTOL
    exact_weights: ExactWeights = dataclasses_field(default_factory=dict)
    guarantees: Guarantees | None = None
    reasons: tuple[TermReason, ...] = ()
    flagged: tuple[FlaggedTerm, ...] = ()
    left_out: tuple[LeftOut, ...] = ()

    def __post_init__(self) -> None:
        check_choice("status", self.status, DESIGN_STATUSES)
        check_choice("concept", self.concept, CONCEPTS)
        check_choice("objective", self.objective, OBJECTIVES)

    @property
    def found(self) -> bool:
        """Whether a plan was found."""
        return self.status == "found"

    @property
    def terms(self) -> tuple[Term, ...]:
        """The terms the plan could use (``allowed``), department by department."""
        return tuple(Term(d, k) for d, keys in self.allowed.items() for k in keys)

    @property
    def redesigned(self) -> Organization:
        """The organisation with the designed plan, its weights exactly as checked (write it with
        :func:`incentives.save_model`, or into the model file's own text with
        :func:`incentives.readwrite.plan_text.write_plan`).

        Terms kept as they were keep their formulas (parameters and all).

        Raises
        ------
        DesignError
            If no plan was found.
        """
        if not self.found:
            raise DesignError("no plan was found, so there is no redesigned organisation to write")
        order = [*self.organization.kpis, COMPANY_VALUE]
        bonus: dict[str, dict[str, sympy.Expr]] = {}
        for dept in self.organization.department_names:
            given = self.exact_weights.get(dept, {})
            written = self.organization.bonus.get(dept, {})
            terms = {}
            for key in (k for k in order if k in given and given[k] != 0):
                kept = key not in self.allowed.get(dept, ()) and key in written
                terms[key] = written[key] if kept else _rational(given[key])
            if terms:
                bonus[dept] = terms
        return replace(self.organization, bonus=bonus)


def _rational(value: Number) -> sympy.Expr:
    """A weight as a sympy number: exact for a fraction, the decimal as written for a float."""
    exact = value if isinstance(value, Fraction) else Fraction(repr(float(value)))
    return sympy.Rational(exact.numerator, exact.denominator)


def assemble(program: DesignProgram, result: ProgramResult) -> Design:
    """The :class:`Design` a program's result stands for: a rounded plan, the reasons there is none, or a stop.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.design.setup import set_up, solve
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> program = set_up(DesignProblem.from_options(org, allow=["support:*"]))
    >>> plan = assemble(program, solve(program))
    >>> plan.status, plan.obstacles[0].department
    ('infeasible', 'sales')
    """
    side = checked_side(program.problem)
    unsolved = _unsolved(program, side)
    if result.status == "time_limit":
        stopped = (
            f"the solver stopped at its time limit ({program.problem.time_limit:g} s) before it found a plan or "
            "proved there is none"
        )
        return replace(unsolved, status="stopped", notes=(*unsolved.notes, stopped), proven_optimal=False)
    if result.status != "optimal" or result.x is None:
        return replace(unsolved, obstacles=_obstacles(program, result))
    return _found(unsolved, program, result, side)


def _unsolved(program: DesignProgram, side: CheckedSide) -> Design:
    """The design with no plan yet: status ``"infeasible"``, the current plan and the notes."""
    problem = program.problem
    current = current_weights(problem.model)
    t = problem.target
    zero: Number = Fraction(0) if side.exact else 0.0
    paid = (w * side.values[k][t] for weights in side.current_plan.values() for k, w in weights.items())
    current_cost = sum(paid, zero)
    return Design(
        organization=problem.organization,
        target=problem.target,
        target_label=problem.target_label,
        concept=problem.concept,
        objective=problem.objective,
        margin=problem.margin,
        status="infeasible",
        weights={},
        current=current,
        allowed=problem.allowed,
        cost=None,
        current_cost=float(current_cost),
        change=None,
        notes=(*problem.notes, *program.notes),
        tol=problem.tol,
        left_out=problem.left_out,
    )


def _found(unsolved: Design, program: DesignProgram, result: ProgramResult, side: CheckedSide) -> Design:
    assert result.x is not None
    problem = program.problem
    notes = unsolved.notes
    if not result.proven:
        notes += (
            f"the solver stopped at its time limit ({problem.time_limit:g} s): the plan works but may not be optimal",
        )
    x = result.x[: len(program.terms)]  # the weights are the program's first variables
    settled = settle(
        side.system,
        x,
        scale=program.scale,
        concept=problem.concept,
        cost=side.cost,
        fixed_cost=side.fixed_cost,
        budget=problem.budget,
        current=side.current,
        tol=problem.tol,
    )
    if not settled.guarantees.holds:
        notes += (
            "no exact numbers near the solver's weights keep every guarantee: "
            + "; ".join(settled.guarantees.failures()),
        )
    plan = _exact_plan(problem, side, program.terms, settled.weights)
    terms = {Term(d, k): w for d, weights in plan.items() for k, w in weights.items()}
    return replace(
        unsolved,
        status="found",
        weights={d: {k: float(w) for k, w in weights.items()} for d, weights in plan.items()},
        exact_weights=plan,
        cost=None if settled.guarantees.cost is None else float(settled.guarantees.cost),
        change=float(_distance(side.current_plan, plan)),
        notes=notes,
        proven_optimal=result.proven,
        guarantees=settled.guarantees,
        reasons=term_reasons(side.system, settled.weights, list(side.current)),
        flagged=flagged_terms(terms, problem.alignment, named=problem.explicit, kept=frozenset(side.kept)),
    )


def _exact_plan(
    problem: DesignProblem, side: CheckedSide, terms: Sequence[Term], weights: Sequence[Fraction]
) -> dict[str, dict[str, Number]]:
    """The plan, department by department in the model's order, terms in its KPI order; zeros left out."""
    given: dict[Term, Number] = {**side.kept, **dict(zip(terms, weights, strict=True))}
    order = [*problem.organization.kpis, COMPANY_VALUE]
    plan: dict[str, dict[str, Number]] = {}
    for dept in problem.organization.department_names:
        chosen = {k: given[Term(dept, k)] for k in order if given.get(Term(dept, k), 0) != 0}
        if chosen:
            plan[dept] = chosen
    return plan


def _obstacles(program: DesignProgram, result: ProgramResult) -> tuple[Obstacle, ...]:
    """Why no plan works: profiles that stay equilibria, or the switches that cannot be deterred."""
    system, esc, time_limit = program.system, program.escapes, program.problem.time_limit
    if esc is not None and program.trapped:
        return explain_not_unique(system, esc)
    if result.status != "infeasible":
        return ()

    def cheapest() -> float | None:
        lp = Program()
        x = add_system(lp, system, budget=False)
        assert system.budget is not None
        lp.objective[x] = system.budget[0]
        return lp.solve(time_limit=time_limit).objective

    obstacles = explain_infeasible(system, cheapest=cheapest)
    if not obstacles and esc is not None:
        obstacles = explain_not_unique(system, esc, time_limit=time_limit)
    return obstacles


def _distance(a: ExactWeights, b: ExactWeights) -> Number:
    """The L1 distance between two plans, summed in a fixed order (``a``'s terms, then ``b``'s others).

    Exact when both plans are.
    """
    terms = dict.fromkeys((d, k) for plan in (a, b) for d, w in plan.items() for k in w)
    gaps = [cast(Number, abs(a.get(d, {}).get(k, 0) - b.get(d, {}).get(k, 0))) for d, k in terms]
    return sum(gaps, Fraction(0))
