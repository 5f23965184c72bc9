"""From a solver's weights to exact ones: a plan is written with the numbers that were checked.

A linear-program solver returns floating-point weights accurate to its feasibility
tolerance (about ``1e-7``): a margin of ``0.9999994`` where 1 was asked, a bonus of
``-5.5e-5`` where the rule says it is never negative, a term of ``1.8e-9``.  Rounding them
for print breaks the guarantees further.  Here the weights become exact rational numbers
first, and every guarantee is checked on exactly those numbers:

* the **margin**: every switch the design must deter loses at least the margin asked;
* **limited liability**: no department's bonus is negative at any profile (when asked);
* the **budget**: the bonus paid at the target is at most the budget (when given);
* the **bounds** on each weight, and for ``"unique"`` that every other profile has a
  switch that gains at least the margin.

The arithmetic is exact (fractions) when the model has an exact twin
(:mod:`incentives.design.exact`: every number rational, and not too many profiles);
otherwise it is floating point, and a guarantee holds within
:func:`~incentives.tolerance.tolerance` at the scale of the payoffs.

Candidates, in order (the first whose guarantees all hold is the plan).  In every one, a
weight whose largest pay (``|weight| x max |KPI|``) is within the solver's tolerance
:data:`SOLVER_NOISE` of zero is zero.

1. **vertex** (exact arithmetic only): the conditions the solver's weights meet with
   equality (within the solver's tolerance), and the weights that are zero, at a bound or
   at their current value, solved *exactly* as equations (Gauss-Jordan elimination over
   fractions), each weight the equations leave free set to its simple value (below): the
   exact point of which the solver's answer is an approximation, so its cost is the exact
   optimum;
2. **simple**: each weight its simplest fraction (denominator up to 1000) when that is
   the same number within the tolerance, else the weight to six significant figures
   (:func:`~incentives.design.linear.nice_weight`);
3. **digits**: the weights to 9, 12 and 15 significant figures, then the solver's
   floating-point numbers themselves.

When no candidate keeps every guarantee the simple one is kept, and its
:class:`Guarantees` say which guarantee fails and by how much; nothing claims more.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from .._util import Number
from ..tolerance import RTOL, tolerance
from .conditions import Concept, DesignSystem
from .linear import nice_weight

__all__ = ["SOLVER_NOISE", "Guarantees", "SettledPlan", "check", "exact_limit", "settle"]

#: The solver's feasibility tolerance, relative to ``max(1, margin)``: a weight whose largest pay is below it
#: is noise and is zero (HiGHS's primal and dual feasibility tolerances are 1e-7).
SOLVER_NOISE = 1e-7

#: Significant figures of the fallback candidates.
DIGITS = (9, 12, 15)


@dataclass(frozen=True, kw_only=True)
class Guarantees:
    """What a plan's exact weights were checked to do.

    Parameters
    ----------
    exact : bool
        Checked in exact rational arithmetic (else in floating point, within ``slack``).
    margin_asked : Number
        The margin asked (as the decimal written, exactly, when the check is exact).
    margin : Number or None
        The least loss of any switch the design deters (None when there is no switch to deter).
    least_bonus : Number or None
        The least bonus any department is paid at any profile (None when limited liability
        was not asked).
    cost : Number or None
        The bonus paid at the target, every department together (None for transfers).
    budget : float or None
        The most the plan may pay at the target, when given.
    within_bounds : bool
        Every weight within its bounds.
    unique : bool or None
        For ``"unique"``: every other profile has a switch that gains at least the margin.
    slack : float
        How far below a limit a floating-point check may fall (0 when exact).
    """

    exact: bool
    margin_asked: Number
    margin: Number | None
    least_bonus: Number | None = None
    cost: Number | None = None
    budget: float | None = None
    within_bounds: bool = True
    unique: bool | None = None
    slack: float = 0.0

    @property
    def holds_margin(self) -> bool:
        """Every deterred switch loses at least the margin asked."""
        return self.margin is None or self.margin >= self.margin_asked - self.slack

    @property
    def holds_liability(self) -> bool:
        """No department's bonus is negative anywhere (True when not asked)."""
        return self.least_bonus is None or self.least_bonus >= -self.slack

    @property
    def holds_budget(self) -> bool:
        """The bonus paid at the target is within the budget (True without a budget)."""
        return self.budget is None or self.cost is None or self.cost <= self.budget + self.slack

    @property
    def holds(self) -> bool:
        """Every guarantee holds."""
        return (
            self.holds_margin
            and self.holds_liability
            and self.holds_budget
            and self.within_bounds
            and self.unique is not False
        )

    def failures(self) -> tuple[str, ...]:
        """Each guarantee that does not hold, in words (empty when all hold)."""
        out = []
        if not self.holds_margin:
            out.append(
                f"the least loss of a switch is {_text(self.margin)}, below the margin {_text(self.margin_asked)}"
            )
        if not self.holds_liability:
            out.append(f"some department's bonus is {_text(self.least_bonus)} at some profile (a fine)")
        if not self.holds_budget:
            out.append(f"the plan pays {_text(self.cost)} at the target, above the budget {_text(self.budget)}")
        if not self.within_bounds:
            out.append("some weight is outside its bounds")
        if self.unique is False:
            out.append("another profile stays an equilibrium")
        return tuple(out)


def _text(value: Any) -> str:
    from ..equilibrium import format_number

    return format_number(value)


@dataclass(frozen=True, kw_only=True)
class SettledPlan:
    """Exact weights (one per variable of the system) and what they were checked to do.

    ``how`` is the candidate kept: ``"simple"``, ``"vertex"``, ``"digits"`` or ``"float"``.
    """

    weights: tuple[Fraction, ...]
    guarantees: Guarantees
    how: str


# -- checking -------------------------------------------------------------------------------


def exact_limit(value: float) -> Number:
    """A limit the user wrote as a decimal (``0.1``), as that decimal exactly (infinities stay floats).

    Examples
    --------
    >>> exact_limit(0.1), exact_limit(float("inf"))
    (Fraction(1, 10), inf)
    """
    value = float(value)
    return Fraction(repr(value)) if math.isfinite(value) else value


def _dot(coefficients: np.ndarray, w: np.ndarray) -> np.ndarray:
    if coefficients.shape[-1] == 0:
        return np.zeros(coefficients.shape[:-1], dtype=w.dtype) + (Fraction(0) if w.dtype == object else 0.0)
    return np.asarray(coefficients @ w)


def _least(values: list[np.ndarray]) -> Any:
    found = [v.min() for v in values if v.size]
    return min(found) if found else None


def _unique(system: DesignSystem, w: np.ndarray, slack: float) -> bool:
    """Whether every profile but the target has a switch that gains at least the margin."""
    payoffs = system.payoffs.payoffs(w)
    gains = []
    for i in range(payoffs.shape[0]):
        best = np.max(payoffs[i], axis=i, keepdims=True)
        gains.append(best - payoffs[i])
    most = gains[0]
    for g in gains[1:]:
        most = np.maximum(most, g)
    most = np.array(most, dtype=object if most.dtype == object else float)
    margin = exact_limit(system.margin) if system.payoffs.exact else system.margin
    most[system.target] = margin  # the target itself is not to be broken
    return bool(np.all(most >= margin - slack))


def check(
    system: DesignSystem,
    w: Sequence[Number],
    *,
    concept: Concept = "nash",
    cost: np.ndarray | None = None,
    fixed_cost: Number = 0,
    budget: float | None = None,
    slack: float = 0.0,
) -> Guarantees:
    """The guarantees of weights ``w`` (one per variable of ``system``).

    ``cost`` is what a unit of each weight pays at the target, ``fixed_cost`` what terms no
    variable moves pay there.  Exact when the system's arrays are fractions.
    """
    exact = system.payoffs.exact
    vec = np.array(list(w), dtype=object if exact else float)
    losses = [-(sw.constant + _dot(sw.coefficients, vec[sw.columns])) for sw in system.deter]
    floors = [_dot(f.coefficients, vec[f.columns]) - f.lower for f in system.floors]
    paid = None if cost is None else _dot(cost[None, :], vec)[0] + fixed_cost
    within = all(
        exact_limit(lo) <= v <= exact_limit(hi) for v, lo, hi in zip(vec, system.lower, system.upper, strict=True)
    )
    return Guarantees(
        exact=exact,
        margin_asked=exact_limit(system.margin) if exact else system.margin,
        margin=_least(losses),
        least_bonus=_least(floors) if system.floors else None,
        cost=paid,
        budget=budget,
        within_bounds=within,
        unique=_unique(system, vec, slack) if concept == "unique" else None,
        slack=slack,
    )


# -- candidates -----------------------------------------------------------------------------


def _simple(x: np.ndarray, noise: np.ndarray, tol: float) -> list[Fraction]:
    out = []
    for value, tiny in zip(x, noise, strict=True):
        if tiny or not math.isfinite(value):
            out.append(Fraction(0))
        else:
            out.append(Fraction(str(nice_weight(float(value), tol=tol))))
    return out


def _digits(x: np.ndarray, noise: np.ndarray, digits: int | None) -> list[Fraction]:
    out = []
    for value, tiny in zip(x, noise, strict=True):
        if tiny:
            out.append(Fraction(0))
        elif digits is None:
            out.append(Fraction(float(value)))
        else:
            out.append(Fraction(f"{float(value):.{digits}g}"))
    return out


def _rows(system: DesignSystem) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Every condition as rows ``A w >= b`` over all variables: (A blocks, b blocks, column blocks)."""
    n = len(system.payoffs.variables)
    margin = exact_limit(system.margin) if system.payoffs.exact else system.margin
    blocks, rhs, cols = [], [], []
    for sw in system.deter:
        blocks.append(-sw.coefficients)
        rhs.append(margin + sw.constant)
        cols.append(sw.columns)
    for f in system.floors:
        blocks.append(f.coefficients)
        rhs.append(f.lower)
        cols.append(f.columns)
    if system.budget is not None:
        costs, limit = system.budget
        blocks.append(-np.asarray(costs)[None, :])
        rhs.append(np.array([-limit], dtype=object))
        cols.append(np.arange(n))
    return blocks, rhs, cols


def _equations(
    system: DesignSystem, x: np.ndarray, anchors: list[tuple[int, Fraction]]
) -> list[tuple[dict[int, Fraction], Fraction]]:
    """The conditions ``x`` meets with equality (within the solver's tolerance), as exact equations."""
    out: list[tuple[dict[int, Fraction], Fraction]] = []
    for block, rhs, columns in zip(*_rows(system), strict=True):
        if block.shape[0] == 0:
            continue
        as_float = np.asarray(block, dtype=float)
        value = as_float @ x[columns] if len(columns) else np.zeros(block.shape[0])
        bound = np.asarray(rhs, dtype=float)
        size = np.maximum(1.0, np.abs(bound) + np.abs(as_float) @ np.abs(x[columns]) if len(columns) else 1.0)
        tight = np.flatnonzero(np.abs(value - bound) <= SOLVER_NOISE * size)
        for r in tight:
            coefficients = {int(c): Fraction(block[r, k]) for k, c in enumerate(columns) if block[r, k] != 0}
            if coefficients:
                out.append((coefficients, Fraction(rhs[r])))
    for k, value in anchors:
        out.append(({k: Fraction(1)}, value))
    return out


def _solve_exactly(
    equations: list[tuple[dict[int, Fraction], Fraction]], order: list[int], free: Sequence[Fraction]
) -> list[Fraction] | None:
    """A solution of the equations (None if they are inconsistent); free variables take ``free``'s values.

    Gauss-Jordan elimination over fractions, pivoting on the variables in ``order``.
    """
    rows = [(dict(coefficients), rhs) for coefficients, rhs in equations]
    pivots: dict[int, int] = {}
    for var in order:
        pick = next((r for r in range(len(rows)) if r not in pivots.values() and rows[r][0].get(var, 0) != 0), None)
        if pick is None:
            continue
        coefficients, rhs = rows[pick]
        scale = coefficients[var]
        coefficients = {k: v / scale for k, v in coefficients.items()}
        rhs = rhs / scale
        rows[pick] = (coefficients, rhs)
        for r, (other, other_rhs) in enumerate(rows):
            factor = other.get(var, 0)
            if r == pick or factor == 0:
                continue
            merged = dict(other)
            for k, v in coefficients.items():
                merged[k] = merged.get(k, 0) - factor * v
                if merged[k] == 0:
                    del merged[k]
            rows[r] = (merged, other_rhs - factor * rhs)
        pivots[var] = pick
    if any(not coefficients and rhs != 0 for coefficients, rhs in rows):
        return None
    values = list(free)
    for var, r in pivots.items():
        coefficients, rhs = rows[r]
        values[var] = rhs - sum((v * values[k] for k, v in coefficients.items() if k != var), Fraction(0))
    return values


def _vertex(
    system: DesignSystem, x: np.ndarray, simple: list[Fraction], noise: np.ndarray, current: np.ndarray | None
) -> list[Fraction] | None:
    anchors: list[tuple[int, Fraction]] = []
    for k, value in enumerate(x):
        if noise[k]:
            anchors.append((k, Fraction(0)))
            continue
        limits = [exact_limit(system.lower[k]), exact_limit(system.upper[k])]
        limits += [] if current is None else [Fraction(current[k])]
        for limit in limits:
            if math.isfinite(limit) and abs(value - float(limit)) <= SOLVER_NOISE * max(1.0, abs(float(limit))):
                anchors.append((k, Fraction(limit)))
                break
    anchored = {k for k, _ in anchors}
    order = sorted(range(len(x)), key=lambda k: (k in anchored, -abs(float(x[k]))))
    return _solve_exactly(_equations(system, x, anchors), order, simple)


def settle(
    system: DesignSystem,
    x: np.ndarray,
    *,
    scale: np.ndarray,
    concept: Concept = "nash",
    cost: np.ndarray | None = None,
    fixed_cost: Number = 0,
    budget: float | None = None,
    current: np.ndarray | None = None,
    tol: float = RTOL,
) -> SettledPlan:
    """Exact weights near the solver's ``x`` that keep every guarantee of ``system`` (see the module docstring).

    Parameters
    ----------
    system : DesignSystem
        The conditions, on exact arrays (fractions) when possible, else on floats.
    x : numpy.ndarray
        The solver's weights (the system's variables, in order).
    scale : numpy.ndarray
        The largest ``|KPI|`` of each variable's term (for what counts as noise).
    concept : {"nash", "dominant", "unique"}
    cost, fixed_cost, budget
        What a unit of each weight pays at the target, what the rest of the plan pays there, and
        the most the plan may pay there (see :func:`check`).
    current : numpy.ndarray, optional
        The current plan's weights (a weight equal to its current one stays exactly so).
    tol : float
        Relative tolerance of a simple fraction (and of the checks in floating point).

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.design.problem import DesignProblem
    >>> from incentives.design.setup import set_up, solve
    >>> problem = DesignProblem.from_options(inc.load_model("examples/growing_company.yaml"), nonnegative=False)
    >>> program = set_up(problem)
    >>> x = solve(program).x[: len(program.terms)]
    >>> plan = settle(program.system, x, scale=program.scale, cost=program.cost)
    >>> plan.guarantees.exact, plan.guarantees.holds, plan.how in ("simple", "vertex", "digits", "float")
    (False, True, True)
    """
    x = np.asarray(x, dtype=float)
    noise = np.abs(x) * np.asarray(scale, dtype=float) <= SOLVER_NOISE * max(1.0, system.margin)
    exact = system.payoffs.exact
    slack = 0.0 if exact else tolerance(np.asarray(system.payoffs.base, dtype=float), tol)
    options: dict[str, Any] = dict(concept=concept, cost=cost, fixed_cost=fixed_cost, budget=budget, slack=slack)
    simple = _simple(x, noise, tol)
    if exact:
        vertex = _vertex(system, x, simple, noise, current)
        if vertex is not None:
            found = check(system, vertex, **options)
            if found.holds:
                return SettledPlan(weights=tuple(vertex), guarantees=found, how="vertex")
    first = check(system, simple, **options)
    if first.holds:
        return SettledPlan(weights=tuple(simple), guarantees=first, how="simple")
    for digits in (*DIGITS, None):
        weights = _digits(x, noise, digits)
        found = check(system, weights, **options)
        if found.holds:
            return SettledPlan(weights=tuple(weights), guarantees=found, how="float" if digits is None else "digits")
    return SettledPlan(weights=tuple(simple), guarantees=first, how="simple")
