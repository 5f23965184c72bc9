"""A designed bonus plan, and how the result of its program becomes one.

:class:`Design` is what :func:`incentives.design.design` returns: the plan (or
the reasons there is none, or the note that the solver stopped), next to the
current plan, checked on the rebuilt game.  :func:`assemble` turns a
:class:`~incentives.design.setup.DesignProgram` and its solution into a
:class:`Design`: the weights rounded to readable numbers
(:func:`~incentives.design.linear.nice_weight`), or, when the program is
infeasible, the switches that cannot be deterred and why
(:mod:`incentives.design.diagnose`, :mod:`incentives.design.unique`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, get_args

import numpy as np

from .._display import report_text
from ..errors import DesignError
from ..model import Organization
from ..tolerance import RTOL
from ._checks import check_choice
from .conditions import CONCEPTS, Concept, add_system
from .diagnose import Obstacle, explain_infeasible
from .linear import current_weights, weights_to_bonus
from .problem import OBJECTIVES, DesignProblem, Objective
from .program import Program, ProgramResult
from .setup import DesignProgram
from .terms import Term
from .unique import explain_not_unique
from .verify import Verification

__all__ = ["DESIGN_STATUSES", "Design", "DesignStatus", "assemble"]

#: What came of a design: a plan, proof that none exists, or a solver stopped by its time limit.
DesignStatus = Literal["found", "infeasible", "stopped"]

#: The design statuses, in order.
DESIGN_STATUSES: tuple[DesignStatus, ...] = get_args(DesignStatus)

Weights = Mapping[str, Mapping[str, float]]


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
    tol : float
        The relative tolerance the design ran with (weights within it of zero are no weights).

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
        """The organisation with the designed plan (write it with :func:`incentives.save_model`).

        Raises
        ------
        DesignError
            If no plan was found.
        """
        if not self.found:
            raise DesignError("no plan was found, so there is no redesigned organisation to write")
        bonus = weights_to_bonus(self.organization, self.weights, tol=self.tol)
        for dept, weights in bonus.items():  # terms kept as they were keep their formulas (parameters)
            for key in weights:
                if key not in self.allowed.get(dept, ()) and key in self.organization.bonus.get(dept, {}):
                    weights[key] = self.organization.bonus[dept][key]
        return replace(self.organization, bonus=bonus)


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
    unsolved = _unsolved(program)
    if result.status == "time_limit":
        stopped = (
            f"the solver stopped at its time limit ({program.problem.time_limit:g} s) before it found a plan or "
            "proved there is none"
        )
        return replace(unsolved, status="stopped", notes=(*unsolved.notes, stopped), proven_optimal=False)
    if result.status != "optimal" or result.x is None:
        return replace(unsolved, obstacles=_obstacles(program, result))
    return _found(unsolved, program, result)


def _unsolved(program: DesignProgram) -> Design:
    """The design with no plan yet: status ``"infeasible"``, the current plan and the notes."""
    problem = program.problem
    current = current_weights(problem.model)
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
        current_cost=_paid(problem, current),
        change=None,
        notes=(*problem.notes, *program.notes),
        tol=problem.tol,
    )


def _found(unsolved: Design, program: DesignProgram, result: ProgramResult) -> Design:
    assert result.x is not None
    problem = program.problem
    notes = unsolved.notes
    if not result.proven:
        notes += (
            f"the solver stopped at its time limit ({problem.time_limit:g} s): the plan works but may not be optimal",
        )
    x = result.x[: len(program.terms)]  # the weights are the program's first variables
    weights = _rounded_weights(problem, program.terms, x)
    return replace(
        unsolved,
        status="found",
        weights=weights,
        cost=_paid(problem, weights),
        change=_distance(unsolved.current, weights),
        notes=notes,
        proven_optimal=result.proven,
    )


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


def _rounded_weights(problem: DesignProblem, terms: Sequence[Term], x: np.ndarray) -> dict[str, dict[str, float]]:
    raw: dict[str, dict[str, float]] = {}
    for (dept, key), weight in problem.kept.items():
        raw.setdefault(dept, {})[key] = weight
    for (dept, key), value in zip(terms, x, strict=True):
        raw.setdefault(dept, {})[key] = float(value)
    bonus = weights_to_bonus(problem.organization, raw, tol=problem.tol)
    return {dept: {k: float(v) for k, v in w.items()} for dept, w in bonus.items()}


def _paid(problem: DesignProblem, weights: Weights) -> float:
    """The bonus ``weights`` pay at the target."""
    values, t = problem.model, problem.target
    return float(sum(w * float(values.values(k)[t]) for plan in weights.values() for k, w in plan.items()))


def _distance(a: Weights, b: Weights) -> float:
    """The L1 distance between two plans, summed in a fixed order (``a``'s terms, then ``b``'s others)."""
    terms = dict.fromkeys((d, k) for plan in (a, b) for d, w in plan.items() for k in w)
    return float(sum(abs(a.get(d, {}).get(k, 0.0) - b.get(d, {}).get(k, 0.0)) for d, k in terms))
