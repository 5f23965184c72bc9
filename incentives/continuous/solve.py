"""Best responses and equilibria of continuous models: symbolic where possible, numeric otherwise, all verified.

Method
------
1. *Best responses* (symbolic): each department's KKT conditions in its own
   variables (see :mod:`incentives.continuous._kkt`), one regime per active set of
   bounds, with the concavity of its payoff checked (see
   :mod:`incentives.continuous.concavity`).
2. *Equilibria* (symbolic): the KKT conditions of every department at once.  For
   differentiable payoffs every equilibrium is a KKT point, so the enumeration is
   complete; a candidate that is not a best response (a payoff that is not
   concave) fails step 4.
3. *Equilibria* (numeric, when there is no closed form or a payoff has kinks:
   ``where``, ``min``, ``max``, ``abs``): multi-start best-response iteration (see
   :mod:`incentives.continuous.numeric`).
4. *Verification*: at the model's parameter values, every candidate's regret is
   computed on a fine grid and by local optimisation; candidates above ``tol`` are
   *rejected*.  Symbolic candidates whose conditions fail at the model's values are
   kept apart as *conditional*.

Departments that choose among actions may sit alongside continuous ones: every
profile of their actions is tried, the continuous departments' equilibria are
solved for it, and a candidate survives only if no such department gains by
switching action (the continuous departments held where they are).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import sympy

from ..errors import SolverError
from ..formula import symbol
from ..model import Organization
from ..tolerance import IMAGINARY_ATOL, NUMERIC_TOL
from ._kkt import Candidate, NotSolvable, decide, kkt_candidates, substitute, tidy
from .concavity import Concavity, concavity
from .game import ContinuousGame, continuous_game
from .numeric import compile_game, numeric_equilibria, regrets
from .responses import best_response_of, bounds_of
from .result import BestResponse, ContinuousEquilibrium, ContinuousSolution

__all__ = ["METHODS", "profile_regrets", "solve_continuous"]

#: The methods of :func:`solve_continuous`.
METHODS = ("auto", "symbolic", "numeric")

_KINKS = (sympy.Piecewise, sympy.Min, sympy.Max, sympy.Abs, sympy.Heaviside, sympy.sign)


def _smooth(game: ContinuousGame) -> bool:
    return not any(game.payoff(p).has(*_KINKS) for p in game.players)


def _action_profiles(org: Organization, limit: int) -> list[dict[str, str]]:
    discrete = [d for d in org.departments if not d.is_continuous]
    count = math.prod(len(d.actions) for d in discrete)
    if count > limit:
        raise SolverError(
            f"the departments with actions have {count} action profiles, more than the limit of {limit}; "
            "discretise the model instead (incentives.continuous.discretise)"
        )
    names = [d.name for d in discrete]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*(d.action_names for d in discrete))]


class _Context:
    """What every action profile's solve shares: the model at the chosen parameters."""

    def __init__(self, org: Organization, parameters: Mapping[str, Any] | None, symbolic: Any, options: dict[str, Any]):
        self.org = org.with_parameters(parameters) if parameters else org
        self.symbolic = symbolic
        self.options = options
        self.tol: float = options["tol"]

    def game(self, fixed: Mapping[str, str]) -> ContinuousGame:
        return continuous_game(self.org, symbolic=self.symbolic, fixed=fixed)

    def discrete_payoff(self, dept: str, actions: Mapping[str, str], game: ContinuousGame) -> sympy.Expr:
        """Payoff of a department with actions at an action profile (continuous variables still symbols)."""
        subs: dict[sympy.Symbol, sympy.Expr] = {symbol(p): v for p, v in self.org.parameters.items()}
        for sym in game.values:
            subs.pop(sym, None)
        for name, action in actions.items():
            act = next(a for a in self.org.department(name).actions if a.name == action)
            subs.update({symbol(f"{name}.{k}"): v.xreplace(subs) for k, v in act.values.items()})
        cost = self.org.costs.get(dept, {}).get(actions[dept], sympy.Integer(0))
        return (self.org.payoff_formula(dept) - cost).xreplace(subs).xreplace(subs)

    def equilibrium(
        self, game: ContinuousGame, point: Mapping[sympy.Symbol, sympy.Expr], method: str, **extra: Any
    ) -> tuple[ContinuousEquilibrium, list[tuple[str, sympy.Basic]]]:
        """The equilibrium record of a point, and the conditions (department, ``gain <= 0``) its actions need."""
        fixed = dict(game.fixed)
        payoffs = {p: tidy(game.payoff(p).xreplace(point)) for p in game.players}
        conditions: list[tuple[str, sympy.Basic]] = []
        action_costs = sympy.Integer(0)
        for dept, action in fixed.items():
            own = self.discrete_payoff(dept, fixed, game)
            payoffs[dept] = tidy(own.xreplace(point))
            action_costs += self.org.costs.get(dept, {}).get(action, sympy.Integer(0))
            for other in self.org.department(dept).action_names:
                if other != action:
                    switched = self.discrete_payoff(dept, {**fixed, dept: other}, game).xreplace(point)
                    conditions.append((dept, sympy.GreaterThan(tidy(payoffs[dept] - switched), 0, evaluate=False)))
        values = dict(game.values)
        numbers = {x.name: _float(v.xreplace(values)) for x, v in point.items()}
        record = ContinuousEquilibrium(
            profile={x.name: point[x] for x in game.symbols},
            payoffs=payoffs,
            company_value=tidy(game.company_value.xreplace(point)),
            surplus=tidy((game.surplus - action_costs.xreplace(values)).xreplace(point)),
            method=method,
            actions=fixed,
            point={x.name: numbers[x.name] for x in game.symbols},
            **extra,
        )
        return record, conditions


def _float(expr: sympy.Expr) -> float:
    try:
        value = complex(sympy.N(expr))
    except TypeError:
        return math.nan
    return value.real if abs(value.imag) < IMAGINARY_ATOL else math.nan


def _verify(
    ctx: _Context, game: ContinuousGame, record: ContinuousEquilibrium, discrete: list[tuple[str, sympy.Basic]]
) -> ContinuousEquilibrium:
    """Fill in the regrets at the model's values (continuous departments on a grid, the others exactly)."""
    x = np.array([record.point[s.name] for s in game.symbols])
    if not np.all(np.isfinite(x)):
        return record
    compiled = compile_game(game, search_range=ctx.options["search_range"])
    gains = dict(zip(game.players, (float(g) for g in regrets(compiled, x)), strict=True))
    values = dict(game.values)
    for dept in game.fixed:
        worst = [max(0.0, -_float(c.lhs.xreplace(values))) for owner, c in discrete if owner == dept]
        gains[dept] = max(worst, default=0.0)
    return replace(record, regrets=gains, regret=max(gains.values(), default=0.0))


def _symbolic(ctx: _Context, game: ContinuousGame) -> tuple[list[ContinuousEquilibrium], list[str]]:
    signs = game.signs()
    blocks = [(game.payoff(p), game.variables[p]) for p in game.players]
    found = kkt_candidates(blocks, bounds_of(game), signs, max_sets=ctx.options["max_active_sets"], box=game.box())
    records, notes = [], []
    for cand in found:
        if cand.free:
            notes.append("a continuum of equilibria (some payoff is flat): only its end points are listed")
            continue
        record = _from_candidate(ctx, game, cand, signs)
        if record is not None:
            records.append(record)
    return records, notes


def _from_candidate(
    ctx: _Context, game: ContinuousGame, cand: Candidate, signs: Mapping[sympy.Symbol, sympy.Symbol]
) -> ContinuousEquilibrium | None:
    record, discrete = ctx.equilibrium(
        game, cand.point, "symbolic", at_bound={x.name: r for x, r in cand.regime.items()}
    )
    answers = [decide(c, signs) for _, c in discrete]
    if False in answers:
        return None
    conditions = [*cand.conditions, *(c for (_, c), a in zip(discrete, answers, strict=True) if a is None)]
    values = dict(game.values)
    holds = all(decide(substitute(c, values), {}) is not False for c in conditions)
    record = replace(record, conditions=tuple(conditions), holds=holds)
    return _verify(ctx, game, record, discrete) if holds else record


def _numeric(ctx: _Context, game: ContinuousGame) -> tuple[list[ContinuousEquilibrium], list[ContinuousEquilibrium]]:
    compiled = compile_game(game, search_range=ctx.options["search_range"])
    starts = [np.array([float(s.get(x.name, 0.0)) for x in game.symbols]) for s in ctx.options["starts"]]
    found, rejected = numeric_equilibria(
        compiled, starts=starts, random_starts=ctx.options["random_starts"], rng=ctx.options["rng"], tol=ctx.tol
    )
    good: list[ContinuousEquilibrium] = []
    bad: list[ContinuousEquilibrium] = []
    for x, _ in [*found, *rejected]:
        point = {s: sympy.Float(v) for s, v in zip(game.symbols, x, strict=True)}
        record, discrete = ctx.equilibrium(game, point, "numeric")
        record = _verify(ctx, game, record, discrete)
        (good if record.regret <= ctx.tol else bad).append(record)
    return good, bad


def solve_continuous(
    org: Organization,
    *,
    method: str = "auto",
    parameters: Mapping[str, Any] | None = None,
    symbolic: bool | Collection[str] = False,
    tol: float = NUMERIC_TOL,
    starts: Sequence[Mapping[str, float]] = (),
    random_starts: int = 6,
    rng: int | np.random.Generator | None = None,
    search_range: float = 100.0,
    max_active_sets: int = 729,
    max_action_profiles: int = 256,
) -> ContinuousSolution:
    """Best responses and verified equilibria of a model with continuous decision variables.

    Parameters
    ----------
    org : Organization
        At least one department has continuous ``variables``; others may choose among actions.
    method : {"auto", "symbolic", "numeric"}
        ``"auto"`` solves the first-order conditions in closed form when it can (and the
        payoffs are differentiable), numerically otherwise.
    parameters : mapping, optional
        Parameter values replacing the model's own.
    symbolic : bool or collection of str
        Parameters kept as symbols in the closed forms (``True``: all).  Each is assumed to
        have the sign of its model value; verification uses the model's values.
    tol : float
        Largest regret accepted at the model's values.
    starts : sequence of mappings ``{"d.v": value}``
        Extra starting points of the numeric search.
    random_starts : int
        Random starting points of the numeric search.
    rng : int, numpy.random.Generator or None
    search_range : float
        How far the numeric search looks along an unbounded side of a variable.
    max_active_sets : int
        Largest number of bound combinations the symbolic solver tries.
    max_action_profiles : int
        Largest number of action profiles of the departments with actions.

    Returns
    -------
    ContinuousSolution

    Raises
    ------
    SolverError
        For an unknown method, or ``method="symbolic"`` on conditions it cannot solve.
    ModelError
        If no department has continuous variables.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/classics/holmstrom_milgrom_single.yaml")
    >>> solution = inc.solve_continuous(org)
    >>> [eq.label() for eq in solution], solution.status
    (['agent.effort=1'], 'complete')
    >>> solution.concavity[0].status
    'strictly concave'
    """
    if method not in METHODS:
        raise SolverError(f"unknown method {method!r}; the methods are {list(METHODS)}")
    options = {
        "tol": tol,
        "starts": list(starts),
        "random_starts": random_starts,
        "rng": np.random.default_rng(rng),
        "search_range": search_range,
        "max_active_sets": max_active_sets,
    }
    ctx = _Context(org, parameters, symbolic, options)
    base = continuous_game(ctx.org, symbolic=symbolic)
    responses = tuple(best_response_of(base, p, max_active_sets) for p in base.players) if method != "numeric" else ()
    notes: list[str] = []
    good: list[ContinuousEquilibrium] = []
    bad: list[ContinuousEquilibrium] = []
    conditional: list[ContinuousEquilibrium] = []
    used: set[str] = set()
    for fixed in _action_profiles(ctx.org, max_action_profiles):
        game = ctx.game(fixed)
        done = False
        if method == "symbolic" or (method == "auto" and _smooth(game)):
            try:
                records, extra = _symbolic(ctx, game)
            except NotSolvable as err:
                if method == "symbolic":
                    raise SolverError(f"no closed form: {err}; try method='numeric'") from None
                notes.append(f"no closed form ({err}): solved numerically")
            else:
                done = True
                used.add("symbolic")
                notes += extra
                for r in records:
                    if not r.holds:
                        conditional.append(r)
                    else:
                        (good if r.regret <= tol or math.isnan(r.regret) else bad).append(r)
        elif method == "auto":
            notes.append("payoffs with where/min/max/abs have kinks: solved numerically")
        if not done:
            used.add("numeric")
            found, rejected = _numeric(ctx, game)
            good += found
            bad += rejected
    checks = _concavity_checks(base, responses, good)
    if any(not c.holds for c in checks):
        notes.append("a payoff is not concave: first-order conditions alone do not give best responses")
    complete = used == {"symbolic"}
    return ContinuousSolution(
        title=ctx.org.name,
        players=base.players,
        method="+".join(sorted(used)),
        status="complete" if complete else "incomplete",
        equilibria=tuple(good),
        rejected=tuple(bad),
        conditional=tuple(conditional),
        best_responses=responses,
        concavity=checks,
        notes=tuple(dict.fromkeys(notes)),
        tol=tol,
    )


def _concavity_checks(
    game: ContinuousGame, responses: Sequence[BestResponse], equilibria: Sequence[ContinuousEquilibrium]
) -> tuple[Concavity, ...]:
    checks = {br.department: br.concavity for br in responses}
    signs = game.signs()
    out = []
    for player in game.players:
        check = checks.get(player)
        if check is None or check.status == "undetermined":
            own = game.variables[player]
            at = None
            interior = None
            if equilibria:
                eq = equilibria[0]
                at = {symbol(k): v for k, v in eq.point.items()} | {s: float(v) for s, v in game.values.items()}
                interior = [x for x in own if eq.at_bound.get(x.name, "interior") == "interior"]
            check = concavity(player, game.payoff(player), own, signs=signs, at=at, interior=interior)
        out.append(check)
    return tuple(out)


def profile_regrets(
    org: Organization,
    profile: Mapping[str, float],
    *,
    parameters: Mapping[str, Any] | None = None,
    actions: Mapping[str, str] | None = None,
    search_range: float = 100.0,
) -> dict[str, float]:
    """Each continuous department's gain from its best response at ``profile`` (0 for an equilibrium).

    Parameters
    ----------
    org : Organization
    profile : mapping of str to float
        ``"d.v"`` -> value for every continuous variable.
    parameters : mapping, optional
    actions : mapping of str to str, optional
        Actions of the departments that choose among actions.
    search_range : float

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/classics/holmstrom_milgrom_single.yaml")
    >>> {d: round(g, 6) for d, g in profile_regrets(org, {"agent.effort": 0.5}).items()}
    {'agent': 0.125}
    """
    game = continuous_game(org, parameters=parameters, fixed=actions)
    missing = [x.name for x in game.symbols if x.name not in profile]
    if missing:
        raise SolverError(f"the profile has no value for {missing}")
    compiled = compile_game(game, search_range=search_range)
    x = np.array([float(profile[x.name]) for x in game.symbols])
    return dict(zip(game.players, (float(g) for g in regrets(compiled, x)), strict=True))
