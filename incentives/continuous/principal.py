"""Principal-agent problems: the company chooses the linear bonus plan, the departments respond.

Definitions
-----------
The *instruments* are parameters of the model that the company (the principal)
chooses: write each bonus weight to be designed as a parameter (``bonus:
{agent: {output: beta}}``) and use the same name in the risk premium
(``r/2 * beta**2 * sigma2``).  For instruments ``w``, the departments play an
equilibrium ``x(w)`` of the continuous game, and the company maximises

* ``"surplus"`` (the classic models): ``W(w) = company_value(x) - sum_d cost_d(x_d)
  - sum_d risk_premium_d``.  Fixed salaries, which do not change incentives, hold
  every department to its outside option, so the company keeps the whole surplus.
* ``"profit"``: ``company_value(x) - sum_d pay_d(x)``, the expected bonus bill
  deducted with no salary adjustment (no participation constraint).

Method
------
The *first-order approach*: each department's KKT regime (interior effort, or a
bound) gives its response ``x(w)`` in closed form (see
:func:`incentives.continuous.best_responses`); for each regime the company's
first-order conditions ``dW/dw = 0`` (with any bounds on ``w``) are solved with
sympy, the regime's conditions are checked at the solution, and the best
candidate at the model's values is the optimal plan.  The concavity of ``W`` in
``w`` is checked like a department's (see :mod:`incentives.continuous.concavity`).
The approach is valid because each department's payoff is concave in its own
variables (reported).  Without a closed form, ``W(w)`` is maximised numerically
(Nelder-Mead), each ``x(w)`` found by the numeric equilibrium search, the one
best for the company when there are several.

References
----------
.. [1] B. Holmstrom and P. Milgrom, "Multitask principal-agent analyses: incentive
   contracts, asset ownership, and job design", Journal of Law, Economics, and
   Organization 7, 24-52, 1991.
.. [2] P. Bolton and M. Dewatripont, *Contract Theory*, MIT Press, 2005, Chapter 4.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import sympy
from scipy import optimize

from .._util import frozen_map
from ..errors import SolverError
from ..formula import symbol
from ..model import Organization
from ..tolerance import IMAGINARY_ATOL
from ._kkt import NotSolvable, decide, kkt_candidates, substitute, tidy
from .concavity import Concavity, concavity
from .game import ContinuousGame, continuous_game, symbolic_names
from .numeric import compile_game, numeric_equilibria

__all__ = ["OBJECTIVES", "OptimalPlan", "optimal_plan", "plan_instruments"]

#: What the company maximises.
OBJECTIVES = ("surplus", "profit")

#: Nelder-Mead settings of the numerical plan search (step and objective tolerances, iterations).
_SEARCH_OPTIONS = {"xatol": 1e-7, "fatol": 1e-12, "maxiter": 400}


@dataclass(frozen=True, kw_only=True)
class OptimalPlan:
    """The company's optimal values of the plan's instruments, and the departments' response.

    Parameters
    ----------
    instruments : tuple of str
    weights : mapping of str to sympy.Expr
        Optimal value of each instrument (a formula over the symbolic parameters, or a number).
    responses : mapping of str to sympy.Expr
        ``"d.v"`` -> the departments' equilibrium response as a function of the instruments
        (in the regime of the optimum).
    efforts : mapping of str to sympy.Expr
        ``"d.v"`` -> effort at the optimal plan.
    value : sympy.Expr
        The company's objective at the optimum.
    objective : str
    method : str
    conditions : tuple of sympy relations
        Undecided conditions under which the plan is optimal.
    concavity : Concavity or None
        Second-order check of the objective in the instruments.
    point : mapping of str to float
        Instruments and efforts at the model's parameter values.
    numeric_value : float
        The objective at the model's values.
    notes : tuple of str
    """

    instruments: tuple[str, ...]
    weights: Mapping[str, sympy.Expr]
    responses: Mapping[str, sympy.Expr]
    efforts: Mapping[str, sympy.Expr]
    value: sympy.Expr
    objective: str
    method: str
    conditions: tuple[sympy.Basic, ...] = ()
    concavity: Concavity | None = None
    point: Mapping[str, float] = field(default_factory=dict)
    numeric_value: float = math.nan
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("weights", "responses", "efforts", "point"):
            object.__setattr__(self, name, frozen_map(getattr(self, name)))
        object.__setattr__(self, "instruments", tuple(self.instruments))
        object.__setattr__(self, "conditions", tuple(self.conditions))
        object.__setattr__(self, "notes", tuple(self.notes))


def plan_instruments(org: Organization) -> tuple[str, ...]:
    """The parameters used in bonus weights: the instruments chosen by default.

    Examples
    --------
    >>> import incentives as inc
    >>> plan_instruments(inc.load_model("examples/classics/holmstrom_milgrom_single.yaml"))
    ('beta',)
    """
    used: dict[str, None] = {}
    for weights in org.bonus.values():
        for weight in weights.values():
            used.update(dict.fromkeys(sorted(s.name for s in weight.free_symbols)))
    return tuple(n for n in used if n in org.parameters)


def _objective(game: ContinuousGame, objective: str) -> sympy.Expr:
    if objective == "surplus":
        return game.surplus
    return game.company_value - sympy.Add(*game.pay.values())


def optimal_plan(
    org: Organization,
    instruments: Sequence[str] | None = None,
    *,
    objective: str = "surplus",
    method: str = "auto",
    parameters: Mapping[str, Any] | None = None,
    symbolic: bool | Collection[str] = False,
    bounds: Mapping[str, tuple[float | None, float | None]] | None = None,
    rng: int | np.random.Generator | None = None,
) -> OptimalPlan:
    """The linear bonus plan that maximises the company's objective, the departments responding.

    Parameters
    ----------
    org : Organization
        Every department has continuous variables.
    instruments : sequence of str, optional
        The parameters the company chooses (default: those used in bonus weights).
    objective : {"surplus", "profit"}
    method : {"auto", "symbolic", "numeric"}
    parameters : mapping, optional
        Parameter values replacing the model's own.
    symbolic : bool or collection of str
        Other parameters kept as symbols (``True``: all); each has the sign of its model value.
    bounds : mapping of str to (lower, upper), optional
        Bounds on instruments (None: unbounded).
    rng : int, numpy.random.Generator or None
        For the numeric equilibrium search.

    Returns
    -------
    OptimalPlan

    Raises
    ------
    SolverError
        For unknown options, a department with actions, or no candidate plan.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/classics/holmstrom_milgrom_single.yaml")
    >>> optimal_plan(org, symbolic=True).weights["beta"]
    1/(c*r*sigma2 + 1)
    >>> optimal_plan(org).weights["beta"]
    1/3
    """
    if objective not in OBJECTIVES:
        raise SolverError(f"unknown objective {objective!r}; the objectives are {list(OBJECTIVES)}")
    if method not in ("auto", "symbolic", "numeric"):
        raise SolverError(f"unknown method {method!r}; the methods are ['auto', 'symbolic', 'numeric']")
    if parameters:
        org = org.with_parameters(parameters)
    discrete = [d.name for d in org.departments if not d.is_continuous]
    if discrete:
        raise SolverError(f"the principal-agent solver needs every department continuous; {discrete} have actions")
    chosen = tuple(instruments) if instruments is not None else plan_instruments(org)
    if not chosen:
        raise SolverError("no instruments: write the bonus weights to design as parameters (bonus: {d: {kpi: w}})")
    keep = symbolic_names(org, symbolic) | symbolic_names(org, chosen)
    game = continuous_game(org, symbolic=keep)
    if method != "numeric":
        try:
            return _symbolic_plan(game, chosen, objective, bounds or {})
        except NotSolvable as err:
            if method == "symbolic":
                raise SolverError(f"no closed form: {err}; try method='numeric'") from None
            note = f"no closed form ({err}): optimised numerically"
    else:
        note = ""
    if keep - set(chosen):
        game = continuous_game(org, symbolic=chosen)
    plan = _numeric_plan(game, chosen, objective, bounds or {}, rng)
    return replace(plan, notes=(note, *plan.notes)) if note else plan


def _symbolic_plan(
    game: ContinuousGame, chosen: Sequence[str], objective: str, bounds: Mapping[str, tuple[Any, Any]]
) -> OptimalPlan:
    ws = [symbol(n) for n in chosen]
    signs = game.signs()
    for w in ws:
        signs[w] = w  # the sign of an instrument is what is being chosen
    agents = [(game.payoff(p), game.variables[p]) for p in game.players]
    agent_bounds = {x: (game.lower[x], game.upper[x]) for x in game.symbols}
    goal = _objective(game, objective)
    w_bounds = {
        w: tuple(None if b is None else sympy.nsimplify(b) for b in bounds.get(w.name, (None, None))) for w in ws
    }
    candidates = []
    for regime in kkt_candidates(agents, agent_bounds, signs, box=game.box()):
        if regime.free:
            continue
        value = goal.xreplace(regime.point)
        for plan in kkt_candidates([(value, ws)], w_bounds, signs):  # type: ignore[arg-type]
            if plan.free:
                continue
            conditions = [substitute(c, plan.point) for c in regime.conditions]
            answers = [decide(c, signs) for c in conditions]
            if False in answers:
                continue
            kept = [c for c, a in zip(conditions, answers, strict=True) if a is None] + list(plan.conditions)
            candidates.append((regime, plan, tidy(value.xreplace(plan.point)), kept, value))
    values = {**game.values}
    for w in ws:
        values.pop(w, None)
    scored = []
    for cand in candidates:
        holds = all(decide(substitute(c, values), {}) is not False for c in cand[3])
        number = _number(cand[2].xreplace(values))
        if holds and math.isfinite(number):
            scored.append((number, cand))
    if not scored:
        raise NotSolvable("no candidate plan satisfies its conditions at the model's values")
    number, (regime, plan, best, kept, value) = max(scored, key=lambda item: item[0])
    weights = {w.name: plan.point[w] for w in ws}
    at = {w: float(_number(plan.point[w].xreplace(values))) for w in ws} | {s: float(v) for s, v in values.items()}
    check = concavity("company", value, ws, signs=signs, at=at)
    efforts = {x.name: tidy(regime.point[x].xreplace(plan.point)) for x in game.symbols}
    point = {w.name: at[w] for w in ws} | {k: _number(v.xreplace(values)) for k, v in efforts.items()}
    notes = [] if check.holds else ["the objective is not known to be concave in the instruments"]
    return OptimalPlan(
        instruments=tuple(chosen),
        weights=weights,
        responses={x.name: regime.point[x] for x in game.symbols},
        efforts=efforts,
        value=best,
        objective=objective,
        method="symbolic",
        conditions=tuple(kept),
        concavity=check,
        point=point,
        numeric_value=number,
        notes=tuple(notes),
    )


def _number(expr: sympy.Expr) -> float:
    try:
        value = complex(sympy.N(expr))
    except TypeError:
        return math.nan
    return value.real if abs(value.imag) < IMAGINARY_ATOL else math.nan


def _numeric_plan(
    game: ContinuousGame,
    chosen: Sequence[str],
    objective: str,
    bounds: Mapping[str, tuple[Any, Any]],
    rng: int | np.random.Generator | None,
) -> OptimalPlan:
    ws = [symbol(n) for n in chosen]
    compiled = compile_game(game, free=ws, extra={"objective": _objective(game, objective)})
    generator = np.random.default_rng(rng)
    state: dict[str, Any] = {"x": None}

    def response(w: np.ndarray) -> tuple[float, np.ndarray | None]:
        bound = compiled.bind(w.tolist())
        starts = [state["x"]] if state["x"] is not None else []
        found, _ = numeric_equilibria(
            bound, starts=starts, random_starts=1 if starts else 3, rng=generator, grid_points=201, check_points=2001
        )
        if not found:
            return -math.inf, None
        scored = [(bound.evaluate("objective", x), x) for x, _ in found]
        best, x = max(scored, key=lambda item: item[0])
        state["x"] = x
        return best, x

    start = np.array(compiled.tail, dtype=float)
    box = [bounds.get(n, (None, None)) for n in chosen]
    result = optimize.minimize(
        lambda w: -response(np.clip(w, *_limits(box)))[0],
        start,
        method="Nelder-Mead",
        options=_SEARCH_OPTIONS,
    )
    w = np.clip(result.x, *_limits(box))
    value, x = response(w)
    if x is None:
        raise SolverError("the departments have no equilibrium at the best plan found")
    weights = {n: sympy.Float(v) for n, v in zip(chosen, w, strict=True)}
    efforts = {s.name: sympy.Float(v) for s, v in zip(game.symbols, x, strict=True)}
    return OptimalPlan(
        instruments=tuple(chosen),
        weights=weights,
        responses={},
        efforts=efforts,
        value=sympy.Float(value),
        objective=objective,
        method="numeric",
        point={k: float(v) for k, v in {**weights, **efforts}.items()},
        numeric_value=value,
        notes=() if result.success else (f"the optimiser stopped: {result.message}",),
    )


def _limits(box: Sequence[tuple[Any, Any]]) -> tuple[np.ndarray, np.ndarray]:
    low = np.array([-np.inf if lo is None else float(lo) for lo, _ in box])
    high = np.array([np.inf if hi is None else float(hi) for _, hi in box])
    return low, high
