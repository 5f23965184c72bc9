"""Local gaming: where equilibrium play departs from what is best for the company, and why.

Definitions
-----------
Let ``o`` be a company-optimal profile and ``sigma`` an equilibrium (pure or mixed).
Department ``i`` *departs* when ``sigma_i`` is not ``o_i``.  Its *counterfactual*
is ``tau = (o_i, sigma_{-i})``: the same situation with ``i`` alone doing what the
company needs.  Then

* **own gain** ``u_i(sigma) - u_i(tau)``: what ``i``'s bonus gains by departing
  (never negative at an equilibrium);
* **company cost** ``V(tau) - V(sigma)``: the company value ``i``'s departure costs;
* **drivers**: the own gain split over the terms of ``i``'s payoff,
  ``w_k (KPI_k(sigma) - KPI_k(tau))`` for each KPI ``k`` of its bonus plan, plus
  the change in its action cost; they sum to the own gain exactly;
* **effects on others** ``u_j(sigma) - u_j(tau)`` for every other ``j``.

A department *games* when it departs, its bonus gains, and the company loses.

Summary figures, with ``V*`` the optimal company value, ``V_min`` the worst
company value over all profiles, and ``V_worst``/``V_best`` the company value at
the worst/best equilibrium:

* **price of anarchy** ``V* / V_worst`` and **price of stability**
  ``V* / V_best`` (Koutsoupias and Papadimitriou; Roughgarden): how many times
  the company value at the worst/best equilibrium the optimum is worth.  Both are
  at least 1, are 1 when equilibrium play is optimal, and are defined only where
  the equilibrium's company value is positive (``None`` otherwise: a ratio to a
  value that is zero or negative means nothing).  Exact (a ``Fraction``) when the
  model is exact.
* **share of the value range lost** at the worst/best equilibrium,
  ``(V* - V_worst) / (V* - V_min)`` and ``(V* - V_best) / (V* - V_min)``: the
  share of the company's whole value range, from its worst possible outcome to its
  best, that equilibrium play gives up.  Both lie in ``[0, 1]``, are 0 when
  equilibrium play is optimal, 1 when it is the worst possible outcome, and stay
  meaningful when values are zero or negative; they are 0 when company value does
  not depend on what departments do.
* **gaming score** of a department: its company cost at the worst equilibrium as
  a share of ``V* - V_min`` (0 when it does not depart there).

A KPI term ``w_k KPI_k`` of department ``i``'s plan is *aligned* when no switch
between two of ``i``'s actions (others fixed) raises the term while lowering
company value, *misaligned* when every switch that moves both moves them in
opposite directions, *mixed* when both happen, and *neutral* when ``i``'s choices
never move the term or never move company value along with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from .._display import report_text
from .._util import Number
from ..build import evaluated
from ..equilibrium import Equilibrium, expected_value, format_number, pure_profile, strategy_label
from ..evaluated import EvaluatedModel
from ..game import Game
from ..model import Organization
from ..solvers import SolveResult, solve
from ..tolerance import RTOL, is_zero, tolerance
from .optimum import CompanyOptimum, company_optimum

__all__ = [
    "COST_TERM",
    "Analysis",
    "Departure",
    "EquilibriumGaming",
    "KpiAlignment",
    "analyze",
    "gaming_at_equilibria",
    "price_ratio",
]

#: Name of the driver that stands for a department's own action cost.
COST_TERM = "action cost"


@dataclass(frozen=True, kw_only=True)
class Departure:
    """One department playing differently from the company optimum at an equilibrium.

    ``whatever_others_do`` says whether the department plays one action that pays it more
    than its optimum action at every profile of the others: it would depart whatever they do,
    so its departure is not a response to them (even where, with the others as they are, it
    happens to help the company).
    """

    department: str
    plays: str
    optimum_action: str
    own_gain: Number
    company_cost: Number
    drivers: Mapping[str, Number]
    effects: Mapping[str, Number]
    whatever_others_do: bool = False

    @property
    def games(self) -> bool:
        """Whether the department's bonus gains while the company loses."""
        return bool(self.own_gain > 0 and self.company_cost > 0)

    @property
    def main_drivers(self) -> tuple[str, ...]:
        """Payoff terms that make the departure pay, largest first."""
        ranked = sorted(((v, k) for k, v in self.drivers.items() if v > 0), key=lambda t: (-float(t[0]), t[1]))
        return tuple(k for _, k in ranked)


@dataclass(frozen=True, kw_only=True)
class EquilibriumGaming:
    """Gaming at one equilibrium, against the closest company-optimal profile."""

    equilibrium: Equilibrium
    label: str
    company_value: Number
    optimum_profile: tuple[int, ...]
    value_gap: Number
    departures: tuple[Departure, ...]
    burden: Mapping[str, Number]

    @property
    def is_optimal(self) -> bool:
        """Whether equilibrium play reaches the company optimum."""
        return self.value_gap <= 0


@dataclass(frozen=True, kw_only=True)
class KpiAlignment:
    """Does paying a department on a KPI pull the same way as company value?"""

    department: str
    kpi: str
    status: str
    agree: int
    conflict: int
    switches: int
    evidence: str


@dataclass(frozen=True, kw_only=True)
class Analysis:
    """The gaming analysis of an organisation (see the module docstring for definitions)."""

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    model: EvaluatedModel
    solution: SolveResult
    optimum: CompanyOptimum
    equilibria: tuple[EquilibriumGaming, ...]
    alignment: tuple[KpiAlignment, ...]
    min_value: Number
    price_of_anarchy: Number | None
    price_of_stability: Number | None
    value_range_lost_worst: Number | None
    value_range_lost_best: Number | None
    gaming_scores: Mapping[str, float]

    @property
    def organization(self) -> Organization:
        """The organisation analysed."""
        return self.model.organization

    @property
    def game(self) -> Game:
        """The game its departments play."""
        return self.model.game

    @property
    def worst(self) -> EquilibriumGaming | None:
        """The equilibrium with the lowest company value."""
        return min(self.equilibria, key=lambda e: e.company_value, default=None)

    @property
    def best(self) -> EquilibriumGaming | None:
        """The equilibrium with the highest company value."""
        return max(self.equilibria, key=lambda e: e.company_value, default=None)

    @property
    def gaming_departments(self) -> tuple[str, ...]:
        """Departments that game at some equilibrium, in player order."""
        gaming = {d.department for e in self.equilibria for d in e.departures if d.games}
        return tuple(d for d in self.game.players if d in gaming)


def analyze(
    model: Organization | EvaluatedModel,
    *,
    method: str = "all",
    parameters: Mapping[str, Any] | None = None,
    exact: bool | None = None,
    max_seconds: float | None = 60.0,
    tol: float = RTOL,
) -> Analysis:
    """Find the equilibria of an organisation and explain how they depart from the company optimum.

    Parameters
    ----------
    model : Organization or EvaluatedModel
        The organisation, or its evaluated model (then nothing is evaluated again).
    method : str
        Solver method (see :func:`incentives.solve`).
    parameters : mapping, optional
        Parameter values replacing the model's own.
    exact : bool or None
        Exact arithmetic (None: automatic for small rational models).
    max_seconds : float or None
        Time budget of the equilibrium search.
    tol : float
        Relative tolerance under which a change of company value or of a bonus term
        counts as none (see :mod:`incentives.tolerance`).

    Returns
    -------
    Analysis

    Examples
    --------
    >>> import incentives as inc
    >>> report = inc.analyze(inc.load_model("examples/growing_company.yaml"))
    >>> report.gaming_departments
    ('sales', 'support', 'development')
    >>> [d.main_drivers[0] for d in report.worst.departures]
    ['new_customers', 'resolution_hours', 'features_shipped', 'uptime']
    """
    model = evaluated(model, parameters=parameters, exact=exact)
    solution = solve(model.game, method, max_seconds=max_seconds)
    optimum, gaming, summary = gaming_at_equilibria(model, solution, tol=tol)
    return Analysis(
        model=model,
        solution=solution,
        optimum=optimum,
        equilibria=gaming,
        alignment=tuple(_alignment(model, tol)),
        **summary,
    )


def gaming_at_equilibria(
    model: EvaluatedModel | Game, solution: SolveResult, *, tol: float = RTOL
) -> tuple[CompanyOptimum, tuple[EquilibriumGaming, ...], dict[str, Any]]:
    """Gaming at each equilibrium of an evaluated model's game, and the summary figures of :class:`Analysis`.

    The entry point behind :func:`analyze` and parameter sweeps (``incentives.whatif``).
    A plain :class:`~incentives.game.Game` with a company value is accepted too (as the
    exact threshold analysis builds them); its departures then have no ``drivers``, since
    a game does not know the terms of the bonus plans.

    Returns
    -------
    tuple
        ``(optimum, equilibria, summary)``: the company optimum, the gaming at each
        equilibrium of ``solution``, and a dict with the :class:`Analysis` fields
        ``min_value``, ``price_of_anarchy``, ``price_of_stability``,
        ``value_range_lost_worst``, ``value_range_lost_best`` and ``gaming_scores``.

    Examples
    --------
    >>> import incentives as inc
    >>> model = inc.evaluate_model(inc.load_model("examples/growing_company.yaml"))
    >>> optimum, gaming, summary = gaming_at_equilibria(model, inc.solve(model.game))
    >>> [d.department for d in gaming[0].departures if d.games]
    ['sales', 'support', 'development']
    """
    game = model.game if isinstance(model, EvaluatedModel) else model
    values = game.company_value
    if values is None:
        raise ValueError("gaming needs company value: give the evaluated model of an organisation")
    optimum = company_optimum(game, tol=tol)
    terms = _driver_terms(model) if isinstance(model, EvaluatedModel) else {p: {} for p in game.players}
    optima = _as_rows(optimum.profiles, game)
    gaming = tuple(_equilibrium_gaming(game, values, terms, optimum, optima, eq) for eq in solution.equilibria)
    v_min = values.min()
    summary = _summary(optimum.value, v_min, gaming)
    summary["min_value"] = v_min
    return optimum, gaming, summary


def _driver_terms(model: EvaluatedModel) -> dict[str, dict[str, np.ndarray]]:
    """For each department, the array of each payoff term over all profiles (a non-zero cost as a negative term)."""
    terms: dict[str, dict[str, np.ndarray]] = {}
    for i, dept in enumerate(model.players):
        terms[dept] = dict(model.terms[dept])
        cost = np.broadcast_to(model.costs[i], model.shape)
        if np.any(np.asarray(cost, dtype=float) != 0):
            terms[dept][COST_TERM] = -cost
    return terms


def _equilibrium_gaming(
    game: Game,
    values: np.ndarray,
    terms: Mapping[str, Mapping[str, np.ndarray]],
    optimum: CompanyOptimum,
    optima: np.ndarray,
    eq: Equilibrium,
) -> EquilibriumGaming:
    target = optimum.profiles[_nearest(eq, optima)]
    opt_profile = pure_profile(game, target)
    departures = tuple(
        _departure(game, values, terms, eq, i, target[i])
        for i in range(game.n_players)
        if not _plays_only(eq.profile[i], target[i])
    )
    opt_payoffs = [expected_value(game.payoffs[i], opt_profile) for i in range(game.n_players)]
    burden = {p: eq.payoffs[i] - opt_payoffs[i] for i, p in enumerate(game.players)}
    value = expected_value(values, eq.profile)
    return EquilibriumGaming(
        equilibrium=eq,
        label=eq.describe(game),
        company_value=value,
        optimum_profile=target,
        value_gap=optimum.value - value,
        departures=departures,
        burden=burden,
    )


def _plays_only(probs: np.ndarray, action: int) -> bool:
    return bool(probs[action] == 1)


def _as_rows(profiles: Sequence[tuple[int, ...]], game: Game) -> np.ndarray:
    """Profiles as rows of the smallest integer type holding every action index and, above them, its maximum.

    :func:`_nearest` marks a department that mixes with that maximum, which no action index reaches.
    """
    dtype = np.min_scalar_type(max(game.shape))
    return np.asarray(profiles, dtype=dtype).reshape(len(profiles), game.n_players)


def _nearest(eq: Equilibrium, optima: np.ndarray) -> int:
    """The first optimal profile (a row of ``optima``) at which the fewest departments play otherwise than at ``eq``."""
    mixed = np.iinfo(optima.dtype).max  # no action has this index, so a department that mixes never matches
    played = np.array([_pure_action(p, mixed) for p in eq.profile], dtype=optima.dtype)
    return int(np.argmin(np.count_nonzero(optima != played, axis=1)))


def _pure_action(probs: np.ndarray, mixed: int) -> int:
    row = probs.tolist()
    return row.index(1) if row.count(0) == len(row) - 1 and 1 in row else mixed


def _departure(
    game: Game,
    values: np.ndarray,
    terms: Mapping[str, Mapping[str, np.ndarray]],
    eq: Equilibrium,
    i: int,
    action: int,
) -> Departure:
    player = game.players[i]
    switched = list(eq.profile)
    switched[i] = pure_profile(game, [0] * i + [action] + [0] * (game.n_players - i - 1))[i]
    tau = tuple(switched)
    drivers = {k: expected_value(a, eq.profile) - expected_value(a, tau) for k, a in terms[player].items()}
    effects = {
        p: expected_value(game.payoffs[j], eq.profile) - expected_value(game.payoffs[j], tau)
        for j, p in enumerate(game.players)
        if j != i
    }
    cost = expected_value(values, tau) - expected_value(values, eq.profile)
    return Departure(
        department=player,
        plays=_describe_strategy(game, i, eq.profile[i]),
        optimum_action=game.actions[i][action],
        own_gain=eq.payoffs[i] - expected_value(game.payoffs[i], tau),
        company_cost=cost,
        drivers=drivers,
        effects=effects,
        whatever_others_do=_preferred_everywhere(game, i, eq.profile[i], action),
    )


def _preferred_everywhere(game: Game, i: int, probs: np.ndarray, action: int) -> bool:
    """Whether ``i`` plays one action that pays it strictly more than ``action`` at every profile of the others."""
    played = np.flatnonzero(np.asarray(probs) != 0)
    if len(played) != 1:
        return False
    own = np.moveaxis(game.payoffs[i], i, 0)
    return bool(np.all(own[int(played[0])] > own[action]))


def _describe_strategy(game: Game, i: int, probs: np.ndarray) -> str:
    return strategy_label(game.actions[i], probs)


def _summary(v_opt: Number, v_min: Number, gaming: tuple[EquilibriumGaming, ...]) -> dict[str, Any]:
    if not gaming:
        return dict(
            price_of_anarchy=None,
            price_of_stability=None,
            value_range_lost_worst=None,
            value_range_lost_best=None,
            gaming_scores={},
        )
    worst = min(gaming, key=lambda e: e.company_value)
    best = max(gaming, key=lambda e: e.company_value)
    span = v_opt - v_min
    scores = {d.department: max(float(_share(d.company_cost, span)), 0.0) for d in worst.departures}
    return dict(
        price_of_anarchy=price_ratio(v_opt, worst.company_value),
        price_of_stability=price_ratio(v_opt, best.company_value),
        value_range_lost_worst=_share(v_opt - worst.company_value, span),
        value_range_lost_best=_share(v_opt - best.company_value, span),
        gaming_scores=scores,
    )


def price_ratio(optimum: Number, equilibrium: Number) -> Number | None:
    """The optimum's company value over an equilibrium's, or None where that value is not positive.

    The price of anarchy is this ratio at the worst equilibrium, the price of stability at
    the best.  Fractions stay exact; a float value within tolerance of zero (see
    :mod:`incentives.tolerance`) counts as zero.

    Examples
    --------
    >>> from fractions import Fraction
    >>> price_ratio(Fraction(4), Fraction(3)), price_ratio(10.0, 4.0), price_ratio(5, 0), price_ratio(5, -1)
    (Fraction(4, 3), 2.5, None, None)
    """
    if equilibrium <= 0 or (not isinstance(equilibrium, Fraction) and is_zero(equilibrium, abs(optimum))):
        return None
    ratio = optimum / equilibrium
    return ratio if isinstance(ratio, Fraction) else float(ratio)


def _share(loss: Number, span: Number) -> Number:
    """``loss / span``, exact for fractions, and 0 when company value does not vary."""
    if span <= 0:
        return Fraction(0) if isinstance(span, Fraction) else 0.0
    share = loss / span
    return share if isinstance(share, Fraction) else float(share)


def _alignment(model: EvaluatedModel, tol: float) -> list[KpiAlignment]:
    widest = max(model.shape)
    model.check_size(arrays=3 * (widest - 1) + 2, task="the KPI alignment")  # pairwise switches, both signs
    value = np.asarray(model.company_value, dtype=float)
    out = []
    for i, dept in enumerate(model.players):
        for kpi, array in model.terms[dept].items():
            out.append(_align_one(model.game, i, kpi, np.asarray(array, dtype=float), value, tol))
    return out


def _pairwise(array: np.ndarray, axis: int) -> np.ndarray:
    """Differences between every ordered pair (a, b), a < b, of actions along ``axis``: shape (pairs, rest)."""
    moved = np.moveaxis(array, axis, 0)
    n = moved.shape[0]
    a, b = np.triu_indices(n, k=1)
    return (moved[b] - moved[a]).reshape(len(a), int(np.prod(moved.shape[1:], dtype=int)))


def _align_one(game: Game, i: int, kpi: str, term: np.ndarray, value: np.ndarray, tol: float) -> KpiAlignment:
    d_term, d_value = _pairwise(term, i), _pairwise(value, i)
    limit = tolerance(max(float(np.max(np.abs(term))), float(np.max(np.abs(value)))), tol)
    s_term = np.where(np.abs(d_term) > limit, np.sign(d_term), 0)
    s_value = np.where(np.abs(d_value) > limit, np.sign(d_value), 0)
    agree = int(np.count_nonzero(s_term * s_value > 0))
    conflict = int(np.count_nonzero(s_term * s_value < 0))
    if conflict and agree:
        status = "mixed"
    elif conflict:
        status = "misaligned"
    elif agree:
        status = "aligned"
    else:
        status = "neutral"
    evidence = _evidence(game, i, kpi, d_term, d_value, s_term * s_value, status)
    return KpiAlignment(
        department=game.players[i],
        kpi=kpi,
        status=status,
        agree=agree,
        conflict=conflict,
        switches=int(d_term.size),
        evidence=evidence,
    )


def _evidence(
    game: Game, i: int, kpi: str, d_term: np.ndarray, d_value: np.ndarray, agreement: np.ndarray, status: str
) -> str:
    player = game.players[i]
    if status == "neutral":
        if not np.any(d_term):
            return f"{player}'s own choices never change what it earns from {kpi}"
        return f"the {kpi} term changes with {player}'s choices, but company value does not"
    pick = agreement < 0 if status in ("misaligned", "mixed") else agreement > 0
    gains = np.where(pick, np.abs(d_term), -np.inf)
    pair, rest = np.unravel_index(int(np.argmax(gains)), d_term.shape)
    a, b = np.triu_indices(game.shape[i], k=1)
    low, high = int(a[pair]), int(b[pair])
    if d_term[pair, rest] < 0:  # describe the switch that raises the bonus term
        low, high = high, low
    others = [n for j, n in enumerate(game.shape) if j != i]
    context = np.unravel_index(int(rest), others) if others else ()
    names = [
        f"{p}={game.actions[j][k]}"
        for (j, p), k in zip([(j, p) for j, p in enumerate(game.players) if j != i], context, strict=True)
    ]
    with_others = f" (with {', '.join(names)})" if names else ""
    term_change = abs(float(d_term[pair, rest]))
    value_change = float(d_value[pair, rest]) if b[pair] == high else -float(d_value[pair, rest])
    return (
        f"switching {player} from {game.actions[i][low]} to {game.actions[i][high]}{with_others} raises its "
        f"{kpi} pay by {format_number(term_change)} and changes company value by {_signed(value_change)}"
    )


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + format_number(value)
