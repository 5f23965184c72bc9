"""What a bonus-plan design is asked to do: the user's options, checked and resolved against the model.

A :class:`DesignProblem` is the seam between :func:`incentives.design.design`'s
keyword arguments and the program that solves them.  Built by
:meth:`DesignProblem.from_options`, it holds nothing to parse any more:

* the evaluated model (floating point) and the *target* as action indices
  (default: the company optimum);
* the solution *concept* (``"nash"``, ``"dominant"``, ``"unique"``), the *margin*
  every switch away from the target must lose, and the *objective*
  (``"cost"``: least bonus paid at the target; ``"change"``: least L1 change);
* the *terms* (:class:`~incentives.design.terms.Term`) whose weights the plan
  sets, with each weight's *bounds*, and the current terms *kept* as they are; by
  default only terms aligned with company value for the deviations that matter
  (:mod:`incentives.design.alignment`), the others *left out* unless allowed by name;
* the *budget*, *limited liability*, and the solver's limits and tolerance.

Every field is checked when the object is made, and a bad one is refused with
the parameter, the constraint and the value (``The 'margin' parameter must be a
number >= 0. Got -1 instead.``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any, Literal, cast, get_args

from .._util import frozen_map, profile_label
from ..analysis.optimum import CompanyOptimum, company_optimum
from ..errors import DesignError
from ..evaluated import EvaluatedModel
from ..model import COMPANY_VALUE, Organization
from ..solvers import registered_solvers
from ..tolerance import RTOL
from ._checks import check_choice, check_flag, check_number, invalid
from .alignment import KpiAlignment, LeftOut, keep_aligned, kpi_alignment
from .conditions import CONCEPTS, Concept
from .exact import design_model
from .linear import current_weights, parse_target
from .terms import Term, TermSpec, allowed_terms, named_terms, parse_term, weight_bounds
from .unique import DEFAULT_MAX_PROFILES

__all__ = ["OBJECTIVES", "DesignProblem", "Objective", "profile_words", "resolve_target"]

#: What a design minimises: the bonus paid at the target, or the change from the current plan.
Objective = Literal["cost", "change"]

#: The objectives, in order.
OBJECTIVES: tuple[Objective, ...] = get_args(Objective)

_NO_LIMIT = (-math.inf, math.inf)


def profile_words(org: Organization, target: Sequence[int]) -> str:
    """``"sales=consultative, ..."`` for action indices.

    Examples
    --------
    >>> import incentives as inc
    >>> profile_words(inc.load_model("examples/growing_company.yaml"), (0, 0, 0, 0))
    'sales=consultative, support=thorough, development=robust, operations=continuous_delivery'
    """
    return profile_label(org.department_names, [d.action_names for d in org.departments], target)


def resolve_target(
    model: EvaluatedModel, target: Mapping[str, str] | Sequence[int] | None, *, tol: float = RTOL
) -> tuple[tuple[int, ...], CompanyOptimum]:
    """The target as action indices (default: the company optimum), and the company optimum.

    Raises
    ------
    DesignError
        If the target names an unknown department or action, or indices are out of range.

    Examples
    --------
    >>> import incentives as inc
    >>> model = inc.evaluate_model(inc.load_model("examples/growing_company.yaml"), exact=False)
    >>> resolve_target(model, {"operations": "change_freeze"})[0]
    (0, 0, 0, 1)
    """
    optimum = company_optimum(model, tol=tol)
    chosen = optimum.profile if target is None else parse_target(model.organization, target, optimum.profile)
    return chosen, optimum


@dataclass(frozen=True, kw_only=True, eq=False)
class DesignProblem:
    """A bonus-plan design to solve, checked: the model, the target and every limit on the plan.

    Make one with :meth:`from_options` (which parses the options of
    :func:`incentives.design.design`); :func:`incentives.design.solve_problem` solves it.

    Parameters
    ----------
    model : EvaluatedModel
        The organisation with its current plan, evaluated in floating point.
    target : tuple of int
        Action indices of the profile to make an equilibrium.
    concept : {"nash", "dominant", "unique"}
    margin : float
        How much every switch away from the target must lose (>= 0).
    objective : {"cost", "change"}
    terms : tuple of Term
        The terms whose weights the plan sets, department by department in the model's KPI order.
    bounds : mapping of Term to (float, float)
        Lower and upper limit of each term's weight; a term left out has none.
    kept : mapping of Term to float
        Current terms the plan pays as they are (not among ``terms``).
    budget : float or None
        Most the plan may pay at the target (the kept terms included).
    limited_liability : bool
        Each department's bonus is never negative, at any profile.
    max_profiles : int
        Largest game (in profiles) for ``"unique"``.
    time_limit : float
        Seconds for each solver call.
    method : str
        Equilibrium method that verifies the plan.
    verify : bool
        Rebuild and re-solve the game with the plan.
    tol : float
        Relative tolerance (see :mod:`incentives.tolerance`): a weight within it of zero is
        no weight, and objective values within it of the optimum tie.
    notes : tuple of str
        What setting up the problem noticed (ties for the company optimum, a margin of 0).
    explicit : frozenset of Term
        Terms the user allowed by name: they may pull against company value (and are flagged when
        they do).
    misaligned : bool
        Whether every term may pull against company value (each one that does is flagged).
    left_out : tuple of LeftOut
        Terms (or signs of their weights) left out because they pull against company value.

    Raises
    ------
    DesignError
        If a field breaks its constraint; the message names the parameter, the constraint
        and the value.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> problem = DesignProblem.from_options(org, allow=["*:company_value"], max_weight=1)
    >>> problem.target_label
    'sales=consultative, support=thorough, development=robust, operations=continuous_delivery'
    >>> [str(term) for term in problem.terms][:2], problem.bounds[problem.terms[0]]
    (['sales:company_value', 'support:company_value'], (0.0, 1.0))
    >>> DesignProblem.from_options(org, margin=-1)
    Traceback (most recent call last):
    ...
    incentives.errors.DesignError: The 'margin' parameter must be a number >= 0. Got -1 instead.
    """

    model: EvaluatedModel = field(repr=False)
    target: tuple[int, ...]
    concept: Concept = "nash"
    margin: float = 1.0
    objective: Objective = "cost"
    terms: tuple[Term, ...]
    bounds: Mapping[Term, tuple[float, float]] = field(default_factory=dict)
    kept: Mapping[Term, float] = field(default_factory=dict)
    budget: float | None = None
    limited_liability: bool = True
    max_profiles: int = DEFAULT_MAX_PROFILES
    time_limit: float = 60.0
    method: str = "all"
    verify: bool = True
    tol: float = RTOL
    notes: tuple[str, ...] = ()
    explicit: frozenset[Term] = frozenset()
    misaligned: bool = False
    left_out: tuple[LeftOut, ...] = ()

    def __post_init__(self) -> None:
        _check_settings(
            concept=self.concept,
            margin=self.margin,
            objective=self.objective,
            budget=self.budget,
            limited_liability=self.limited_liability,
            max_profiles=self.max_profiles,
            time_limit=self.time_limit,
            method=self.method,
            verify=self.verify,
            tol=self.tol,
        )
        check_flag("misaligned", self.misaligned)
        self._check_model()
        self._check_terms()
        object.__setattr__(self, "bounds", frozen_map({t: self.bounds[t] for t in self.terms if t in self.bounds}))
        object.__setattr__(self, "kept", frozen_map(dict(self.kept)))

    def _check_model(self) -> None:
        model = self.model
        if not isinstance(model, EvaluatedModel):
            raise invalid(
                "model", "an EvaluatedModel (incentives.evaluate_model(org, exact=False))", type(model).__name__
            )
        if model.exact or model.is_batch:
            raise invalid("model", "one evaluated model in floating point", "an exact or batch model")
        shape, target = model.shape, self.target
        within = isinstance(target, tuple) and len(target) == len(shape)
        within = within and all(isinstance(k, Integral) and 0 <= k < n for k, n in zip(target, shape, strict=True))
        if not within:
            raise invalid("target", f"a tuple of action indices, one per department, within {shape}", target)

    def _check_terms(self) -> None:
        org = self.model.organization
        keys = (*org.kpis, COMPANY_VALUE)
        if not isinstance(self.terms, tuple):
            raise invalid("terms", "a tuple of Terms", self.terms)
        for name, terms in (("terms", self.terms), ("kept", tuple(self.kept))):
            for term in terms:
                if not isinstance(term, Term) or term.department not in org.department_names or term.kpi not in keys:
                    raise invalid(name, "Terms naming a department of the model and one of its KPIs", term)
        if not isinstance(self.explicit, frozenset) or not all(isinstance(t, Term) for t in self.explicit):
            raise invalid("explicit", "a frozenset of Terms", self.explicit)
        if len(set(self.terms)) != len(self.terms):
            raise invalid("terms", "terms named once each", tuple(str(t) for t in self.terms))
        for term, weight in self.kept.items():
            if term in self.terms:
                raise invalid("kept", "terms the plan does not set", str(term))
            check_number(f"kept[{term}]", weight)
        for term, limits in self.bounds.items():
            _check_limits(term, limits, self.terms)

    # -- derived ------------------------------------------------------------------------
    @functools.cached_property
    def alignment(self) -> Mapping[str, KpiAlignment]:
        """Whether each KPI is aligned with company value, in each sign, for the switches this design deters."""
        concept: Concept = "dominant" if self.concept == "dominant" else "nash"
        return kpi_alignment(self.model, self.target, concept, tol=self.tol)

    @property
    def organization(self) -> Organization:
        """The organisation with its current plan."""
        return self.model.organization

    @property
    def target_label(self) -> str:
        """The target in words: ``"sales=consultative, ..."``."""
        return profile_words(self.organization, self.target)

    @property
    def allowed(self) -> dict[str, tuple[str, ...]]:
        """For each department (all of them, in order), the keys of the terms the plan sets."""
        return {d: tuple(t.kpi for t in self.terms if t.department == d) for d in self.organization.department_names}

    def limits(self, term: Term) -> tuple[float, float]:
        """The lower and upper limit of ``term``'s weight (``-inf``, ``inf`` when it has none).

        Examples
        --------
        >>> import incentives as inc
        >>> org = inc.load_model("examples/growing_company.yaml")
        >>> DesignProblem.from_options(org, nonnegative=False).limits(Term("sales", "tickets"))  # fewer tickets only
        (-inf, 0.0)
        >>> DesignProblem.from_options(org, nonnegative=False, misaligned=True).limits(Term("sales", "tickets"))
        (-inf, inf)
        """
        return self.bounds.get(term, _NO_LIMIT)

    # -- from the user's options ------------------------------------------------------------
    @classmethod
    def from_options(
        cls,
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
    ) -> DesignProblem:
        """The problem the options of :func:`incentives.design.design` describe (see it for each option).

        The model is evaluated once if it is an organisation (in fractions when it is rational and
        small enough, its floating-point form derived from that: :mod:`incentives.design.exact`); the
        target, the allowed terms (``"department:kpi"`` with ``*`` wildcards) and the
        bounds are parsed against it.

        Raises
        ------
        DesignError
            For an option that is not what it must be, an unknown department, action or
            KPI, or empty bounds.

        Examples
        --------
        >>> import incentives as inc
        >>> org = inc.load_model("examples/growing_company.yaml")
        >>> allow = ["sales:*", "support:resolution_hours"]  # the second by name: used even though misaligned
        >>> problem = DesignProblem.from_options(org, target={"operations": "change_freeze"}, allow=allow)
        >>> problem.target, problem.allowed["sales"], problem.allowed["support"]
        ((0, 0, 0, 1), ('company_value',), ('resolution_hours',))
        >>> [str(item.term) for item in problem.left_out][:2]
        ['sales:new_customers', 'sales:tickets']
        >>> DesignProblem.from_options(org, allow=["sales"])
        Traceback (most recent call last):
        ...
        incentives.errors.DesignError: allow: 'sales' is not of the form department:kpi (for example ...)
        """
        _check_settings(
            concept=concept,
            margin=margin,
            objective=objective,
            budget=budget,
            limited_liability=limited_liability,
            max_profiles=max_profiles,
            time_limit=time_limit,
            method=method,
            verify=verify,
            tol=tol,
        )
        for name, flag in (
            ("misaligned", misaligned),
            ("company_share", company_share),
            ("nonnegative", nonnegative),
            ("keep_others", keep_others),
        ):
            check_flag(name, flag)
        model = design_model(model)
        org = model.organization
        chosen, optimum = resolve_target(model, target, tol=tol)
        allowed = allowed_terms(org, allow, company_share=company_share)
        every = tuple(Term(d, k) for d, keys in allowed.items() for k in keys)
        limits = weight_bounds(org, every, nonnegative=nonnegative, max_weight=max_weight, bounds=bounds)
        named = named_terms(org, allow)
        kind: Concept = "dominant" if concept == "dominant" else "nash"
        verdicts = kpi_alignment(model, chosen, kind, tol=tol)
        terms, limits, left_out = keep_aligned(every, limits, verdicts, frozenset(every) if misaligned else named)
        _refuse_bounds_left_out(org, bounds, terms, left_out)
        return cls(
            model=model,
            target=tuple(int(k) for k in chosen),
            concept=cast(Concept, concept),  # checked above
            margin=float(margin),
            objective=cast(Objective, objective),
            terms=terms,
            bounds=limits,
            kept=_kept(model, terms) if keep_others else {},
            budget=None if budget is None else float(budget),
            limited_liability=limited_liability,
            max_profiles=max_profiles,
            time_limit=time_limit,
            method=method,
            verify=verify,
            tol=float(tol),
            notes=_notes(org, optimum, chosen, target is None, float(margin)),
            explicit=named,
            misaligned=misaligned,
            left_out=left_out,
        )


def _check_settings(
    *,
    concept: Any,
    margin: Any,
    objective: Any,
    budget: Any,
    limited_liability: Any,
    max_profiles: Any,
    time_limit: Any,
    method: Any,
    verify: Any,
    tol: Any,
) -> None:
    """Refuse a setting that is not what it must be (everything but the model, target and terms)."""
    check_choice("concept", concept, CONCEPTS)
    check_choice("objective", objective, OBJECTIVES)
    check_number("margin", margin, at_least=0)
    if budget is not None:
        check_number("budget", budget)
    check_flag("limited_liability", limited_liability)
    check_number("max_profiles", max_profiles, at_least=1, integer=True)
    check_number("time_limit", time_limit, above=0, finite=False)
    check_choice("method", method, sorted(registered_solvers()))
    check_flag("verify", verify)
    check_number("tol", tol, at_least=0, below=1)


def _refuse_bounds_left_out(
    org: Organization,
    bounds: Mapping[TermSpec, tuple[Any, Any]] | None,
    terms: tuple[Term, ...],
    left_out: tuple[LeftOut, ...],
) -> None:
    """Refuse bounds on a term left out for pulling against company value (the user must allow it by name)."""
    for spec in bounds or {}:
        for term in parse_term(org, spec, field="bounds"):
            why = next((lo for lo in left_out if lo.term == term), None)
            if why is not None and term not in terms:
                raise DesignError(
                    f"bounds: {term} is left out of the plan because paying on it pulls against company value "
                    f"({why.evidence}); allow it by name (allow=[{str(term)!r}]) to bound it"
                )


def _check_limits(term: Term, limits: Any, terms: tuple[Term, ...]) -> None:
    if term not in terms:
        raise invalid("bounds", "limits on terms the plan sets", str(term))
    ok = isinstance(limits, tuple) and len(limits) == 2
    ok = ok and all(isinstance(v, int | float) and not math.isnan(v) for v in limits)
    if not ok or limits[0] > limits[1] or limits[0] == math.inf or limits[1] == -math.inf:
        raise DesignError(
            f"The 'bounds' parameter must give each term a (lower, upper) pair of numbers with lower <= upper; "
            f"the bounds of {term} are empty or not numbers. Got {limits!r} instead."
        )


def _kept(model: EvaluatedModel, terms: tuple[Term, ...]) -> dict[Term, float]:
    """The current terms a plan may not change, kept as they are (department by department)."""
    current = current_weights(model)
    return {Term(d, k): w for d, plan in current.items() for k, w in plan.items() if Term(d, k) not in terms}


def _notes(
    org: Organization, optimum: CompanyOptimum, target: tuple[int, ...], default: bool, margin: float
) -> tuple[str, ...]:
    notes = []
    if default and len(optimum.profiles) > 1:
        notes.append(
            f"{len(optimum.profiles)} profiles tie for the company optimum; the design targets the first, "
            f"{profile_words(org, target)}"
        )
    if margin == 0:
        notes.append("with margin 0 the target may be a weak equilibrium: departments may be indifferent")
    return tuple(notes)
