"""Repeated interaction: can the departments keep to the company optimum when they meet again and again?

Definitions
-----------
The departments play the model's game every period (a quarter, in most models) and
weigh the next period by the discount factor ``delta``: the more often they interact
and the surer they are to meet again, the closer ``delta`` is to 1.  A department's
deviation from the target profile is detected by the others with probability ``p`` in
the period it happens (``p = 1``: everybody sees everything, as in a small company).
:func:`repeated` reports, for a target profile (the company optimum by default):

* each department's temptation: its best one-period deviation and its gain
  (:mod:`incentives.repeated.temptation`);
* for every punishment (each stage equilibrium, the worst stage equilibrium for the
  deviator, the pure and the mixed minmax; :mod:`incentives.repeated.punishment`),
  each department's critical discount factor, the organisation's, and the departments
  whose temptation binds (:mod:`incentives.repeated.grim_trigger`);
* at a given ``delta``: whether the target is sustained, and the smallest detection
  probability that sustains it;
* for two departments at a given ``delta``, the set of subgame-perfect equilibrium
  payoffs (:mod:`incentives.repeated.payoff_set`).

``delta`` and ``p`` may be numbers or formulas of the model's parameters and KPIs, so a
model can make them depend on its size (``p = 1 / (1 + headcount / 20)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .._display import report_text
from .._util import Number
from ..analysis.optimum import company_optimum
from ..build import evaluated
from ..errors import RepeatedError
from ..evaluated import EvaluatedModel
from ..game import Game
from ..model import Organization
from ..solvers import SolveResult, solve
from ._inputs import Rate, Target, check_range, monitoring_rates, play_defaults, source_rate, target_profile
from .grim_trigger import GrimTrigger, grim_trigger
from .minmax import Minmax, minmax_values
from .payoff_set import DEFAULT_DIRECTIONS, PayoffSet, equilibrium_payoff_set
from .punishment import punishments
from .temptation import Temptation, temptations

__all__ = ["RepeatedAnalysis", "repeated"]


@dataclass(frozen=True, kw_only=True)
class RepeatedAnalysis:
    """What repeated interaction does to a target profile (see the module docstring).

    Parameters
    ----------
    title : str
        The model's or game's name.
    departments : tuple of str
    target : tuple of int
        Action indices of the target profile.
    target_label : str
        ``"sales=consultative, support=thorough"``.
    company_value : float, Fraction or None
        Company value at the target (None for a game without one).
    discount : float, Fraction or None
        The discount factor asked about (None: only critical values are reported).
    monitoring : tuple of float or Fraction
        The probability that each department's deviation is detected in the period it happens.
    temptations : tuple of Temptation
        Each department's best one-period deviation from the target, and its gain.
    minmax : tuple of Minmax
        Each department's pure and mixed minmax values.
    equilibria : SolveResult
        The stage equilibria reverted to (each verified by its regret).
    grim_triggers : tuple of GrimTrigger
        The target under grim trigger with each punishment, in the order: each stage
        equilibrium, the worst stage equilibrium for the deviator, pure minmax, mixed minmax.
    payoff_set : PayoffSet or None
        The subgame-perfect equilibrium payoffs at ``discount`` (two departments only).
    notes : tuple of str
        What was not computed and why, and findings in plain words.

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], players=("sales", "support"),
    ...                             actions=(("share", "hoard"), ("share", "hoard")))
    >>> result = inc.repeated(pd, target=("share", "share"), discount=0.6, monitoring=0.5)
    >>> result.critical_discount, result.binding_department, result.one_shot_gain  # (T-R)/((T-R)+p(R-P))
    (Fraction(2, 3), 'sales', Fraction(2, 1))
    >>> result.sustained, result.reversion.smallest_monitoring  # at 0.6, half the deviations seen is too few
    (False, (Fraction(2, 3), Fraction(2, 3)))
    """

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    title: str
    departments: tuple[str, ...]
    target: tuple[int, ...]
    target_label: str
    company_value: Number | None
    discount: Number | None
    monitoring: tuple[Number, ...]
    temptations: tuple[Temptation, ...]
    minmax: tuple[Minmax, ...]
    equilibria: SolveResult = field(repr=False)
    grim_triggers: tuple[GrimTrigger, ...]
    payoff_set: PayoffSet | None = None
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        count = len(self.departments)
        for name in ("target", "monitoring", "temptations", "minmax"):
            if len(getattr(self, name)) != count:
                raise ValueError(f"'{name}' of RepeatedAnalysis must have one entry per department ({count})")

    def grim_trigger(self, name: str) -> GrimTrigger:
        """The grim trigger whose punishment has this name or kind (``"mixed minmax"``, ``"stage equilibrium 2"``)."""
        for trigger in self.grim_triggers:
            punishment = trigger.punishment
            if name in (punishment.name, punishment.kind) or punishment.name.startswith(f"{name}:"):
                return trigger
        known = [t.punishment.name for t in self.grim_triggers]
        raise KeyError(f"no punishment named {name!r}; the punishments are {known}")

    @property
    def reversion(self) -> GrimTrigger | None:
        """Grim trigger with the harshest credible reversion: the worst stage equilibrium for each deviator.

        None when no stage equilibrium was found.
        """
        found = [t for t in self.grim_triggers if t.punishment.kind == "worst stage equilibrium"]
        return found[0] if found else None

    @property
    def harshest(self) -> GrimTrigger:
        """Grim trigger with the mixed minmax punishment: the bound no punishment can beat."""
        return self.grim_trigger("mixed minmax")

    @property
    def critical_discount(self) -> Number | None:
        """The organisation's critical discount factor with the harshest credible reversion (None: no equilibrium)."""
        return None if self.reversion is None else self.reversion.critical_discount

    @property
    def binding_department(self) -> str | None:
        """The first department whose temptation binds under :attr:`reversion` (None when nobody is tempted)."""
        if self.reversion is None or not self.reversion.binding:
            return None
        return self.reversion.binding[0]

    @property
    def one_shot_gain(self) -> Number | None:
        """What :attr:`binding_department` gains by deviating once."""
        name = self.binding_department
        return None if name is None else self.temptations[self.departments.index(name)].gain

    @property
    def sustained(self) -> bool | None:
        """Whether the harshest credible reversion sustains the target at :attr:`discount` (None without one)."""
        return None if self.reversion is None else self.reversion.sustained


def repeated(
    model: Organization | EvaluatedModel | Game,
    *,
    discount: Rate | None = None,
    monitoring: Rate | Mapping[str, Rate] | None = None,
    target: Target = None,
    equilibria: str | SolveResult = "all",
    payoff_set: bool = True,
    directions: int = DEFAULT_DIRECTIONS,
    max_seconds: float | None = 60.0,
) -> RepeatedAnalysis:
    """Play the model's game again and again: when is the target profile self-enforcing?

    Parameters
    ----------
    model : Organization, EvaluatedModel or Game
        The model (evaluated once), or a bare game (then ``discount`` and ``monitoring``
        must be numbers, and ``target`` is required when the game has no company value).
    discount : number or str, optional
        The discount factor ``0 <= delta < 1``, or a formula of the model's parameters
        and KPIs (evaluated at the target).  Default: the model's ``repeated.discount``;
        without either only critical values are reported.
    monitoring : number, str, or mapping of str to number or str, optional
        The probability ``0 <= p <= 1`` that a deviation is detected in the period it
        happens: one for every department, or per department (missing ones: 1).
        Formulas are evaluated at the target.  Default: the model's
        ``repeated.monitoring``, else 1 (perfect monitoring).
    target : mapping of str to str, or sequence of int or str, optional
        The profile to sustain: ``{department: action}`` or one action per department.
        Default: the company optimum (the first one, when several tie).
    equilibria : str or SolveResult
        The stage equilibria to revert to: a solver method for :func:`incentives.solve`
        (default ``"all"``), or the result of one on this game.
    payoff_set : bool
        Whether to compute the set of subgame-perfect payoffs (two departments and a
        discount factor above 0 only).
    directions : int
        Normals of the polygons approximating that set.
    max_seconds : float or None
        Time budget of the equilibrium search.

    Returns
    -------
    RepeatedAnalysis

    Raises
    ------
    RepeatedError
        If a rate is out of range or not a number or formula, or the target names an
        unknown department or action.
    FormulaError
        If a formula does not parse or names something that is not a parameter or KPI.

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> result = inc.repeated(pd, target=(0, 0))
    >>> result.critical_discount  # (T - R) / (T - P) for T, R, P = 5, 3, 1
    Fraction(1, 2)
    >>> [t.punishment.name for t in result.grim_triggers]
    ['stage equilibrium 1: row=r1, column=c1', 'worst stage equilibrium', 'pure minmax', 'mixed minmax']
    """
    source = model if isinstance(model, Game) else evaluated(model)
    game = source if isinstance(source, Game) else source.game
    profile = target_profile(source, target)
    notes = _target_notes(source, target)
    rates = play_defaults(source, discount, monitoring)
    delta = None
    if rates.discount is not None:
        delta = source_rate(source, rates.discount, name=rates.discount_name, profile=profile)
        check_range(delta, name=rates.discount_name, low=0.0, high=1.0, high_open=True)
    detection = monitoring_rates(source, rates.monitoring, profile=profile, name=rates.monitoring_name)
    solution = equilibria if isinstance(equilibria, SolveResult) else solve(game, equilibria, max_seconds=max_seconds)
    _check_solution(solution, game)
    notes += [f"stage equilibria: {n}" for n in solution.notes]
    tempted = temptations(game, profile)
    values = minmax_values(game)
    triggers = tuple(
        grim_trigger(tempted, p, monitoring=detection, discount=delta) for p in punishments(game, solution, values)
    )
    notes += _reward_notes(triggers, tempted)
    payoffs, more = _payoff_set(game, delta, payoff_set, directions)
    value = None if game.company_value is None else game.company_value[profile]
    return RepeatedAnalysis(
        title=game.title,
        departments=game.players,
        target=profile,
        target_label=game.profile_label(profile),
        company_value=None if value is None else (value if not isinstance(value, float) else float(value)),
        discount=delta,
        monitoring=detection,
        temptations=tempted,
        minmax=values,
        equilibria=solution,
        grim_triggers=triggers,
        payoff_set=payoffs,
        notes=tuple(notes + more),
    )


def _check_solution(solution: SolveResult, game: Game) -> None:
    other = solution.game
    if other.players != game.players or other.shape != game.shape or not np.array_equal(other.payoffs, game.payoffs):
        raise RepeatedError("The 'equilibria' parameter must be the result of solving this model's game")


def _target_notes(source: EvaluatedModel | Game, target: Target) -> list[str]:
    if target is not None:
        return []
    optimum = company_optimum(source)
    if len(optimum.profiles) == 1:
        return []
    return [f"the company optimum is attained by {len(optimum.profiles)} profiles; the target is the first of them"]


def _reward_notes(triggers: tuple[GrimTrigger, ...], tempted: tuple[Temptation, ...]) -> list[str]:
    notes = []
    for trigger in triggers:
        if trigger.punishment.kind != "worst stage equilibrium":
            continue
        for t, loss in zip(tempted, trigger.losses, strict=True):
            if loss < 0:
                notes.append(
                    f"{t.department} is better off in every stage equilibrium than at the target: no threat of "
                    "reverting to one can hold it there"
                )
    return notes


def _payoff_set(game: Game, delta: Number | None, wanted: bool, directions: int) -> tuple[PayoffSet | None, list[str]]:
    if not wanted:
        return None, []
    if game.n_players != 2:
        return None, [
            f"the set of subgame-perfect equilibrium payoffs is computed for two departments only; "
            f"this model has {game.n_players} departments"
        ]
    if delta is None or delta == 0:
        return None, ["the set of subgame-perfect equilibrium payoffs needs a discount factor above 0"]
    return equilibrium_payoff_set(game, float(delta), directions=directions), []
