"""Check a proposed plan by rebuilding the game with it and solving it again.

Nothing from the design's linear program is trusted here: the organisation
with the new bonus plan (its weights as written to a model file) is rebuilt into
a game (:func:`incentives.evaluate_model`, which takes the unchanged KPI arrays
from the model before the change), solved (:func:`incentives.solve`), and the
*margin achieved* is computed from the rebuilt payoffs: the smallest loss any
department takes by switching alone away from the target,

    ``margin = min_i min_{a != t_i} u_i(t) - u_i(a, t_-i)``

(positive: a strict equilibrium; zero: a weak one; negative: not an
equilibrium).  The *dominance margin* is the same minimum over every profile of
the others.  The *bonus paid* at a profile is the sum over departments of
weight x KPI (action costs are not bonus); at a mixed equilibrium its expectation.

The margins and the bonus paid at the target are computed in exact arithmetic when
the model before has an exact twin (:mod:`incentives.design.exact`): a plan written with
exact weights
reports the margin it has, ``1`` and not ``0.9999999999999982``.  Equilibria are
solved in floating point either way.

The current plan is the same for every plan checked against it, so its side
(solved and analysed) is kept, for the last ``CURRENT_SIDES_KEPT`` evaluated
models (by object): checking a design, a via-negativa cut and transfers against
one evaluated model solves the current plan once for each equilibrium method
and time limit, not once per check.
"""

from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..analysis.gaming import Analysis, analyze
from ..build import evaluate_model, evaluated, is_rational_model
from ..equilibrium import Equilibrium, expected_value
from ..errors import DegenerateGameWarning, IncompleteSearchWarning
from ..evaluated import EvaluatedModel
from ..game import Game
from ..model import Organization
from ..solvers import SolveResult
from ..solvers.pure import pure_profiles
from ..tolerance import tolerance
from .exact import design_model, exact_twin

__all__ = [
    "CURRENT_SIDES_KEPT",
    "MAX_ANALYZED_EQUILIBRIA",
    "Verification",
    "deviation_losses",
    "verify_plan",
]


#: Above this many pure equilibria a game is summarised from its pure equilibria instead of being solved
#: and analysed equilibrium by equilibrium (departments made indifferent can make every profile one).
MAX_ANALYZED_EQUILIBRIA = 64


@dataclass(frozen=True, kw_only=True)
class Verification:
    """A plan checked on the rebuilt game, next to the current plan.

    Parameters
    ----------
    target : tuple of int
    target_label : str
    before, after : Analysis or None
        Gaming analyses (equilibria, company optimum, KPI alignment) under the
        current plan and under the proposed one; None when the game has more than
        ``MAX_ANALYZED_EQUILIBRIA`` pure equilibria (then its pure equilibria are used).
    equilibria_before, equilibria_after : tuple of str
        Labels of the equilibria found under each plan.
    worst_before, worst_after : str or None
        The equilibrium worst for the company under each plan.
    margin : float
        Smallest loss of a unilateral switch away from the target (rebuilt game).
    margin_before : float
        The same under the current plan (negative: some department gains by switching).
    dominance_margin : float
        The same over every profile of the other departments.
    pure_after : tuple of str
        Every pure equilibrium under the proposed plan (found by checking every profile).
    company_value_target : float
    company_value_before, company_value_after : float or None
        Company value at the worst equilibrium (None when none was found).
    bonus_before, bonus_after : float or None
        Bonus paid at those equilibria.
    bonus_target_before, bonus_target_after : float
        Bonus paid at the target under each plan.
    notes : tuple of str
    """

    target: tuple[int, ...]
    target_label: str
    before: Analysis | None
    after: Analysis | None
    equilibria_before: tuple[str, ...]
    equilibria_after: tuple[str, ...]
    worst_before: str | None
    worst_after: str | None
    margin: float
    margin_before: float
    dominance_margin: float
    pure_after: tuple[str, ...]
    company_value_target: float
    company_value_before: float | None
    company_value_after: float | None
    bonus_before: float | None
    bonus_after: float | None
    bonus_target_before: float
    bonus_target_after: float
    notes: tuple[str, ...] = ()

    @property
    def is_equilibrium(self) -> bool:
        """Whether the target is an equilibrium of the rebuilt game (margin not below zero, within tolerance)."""
        return self.margin >= -tolerance(self.bonus_target_after)

    @property
    def is_unique(self) -> bool:
        """Whether the target is the only pure equilibrium of the rebuilt game."""
        return self.pure_after == (self.target_label,)

    @property
    def is_dominant(self) -> bool:
        """Whether every department's target action is a best reply whatever the others do."""
        return self.dominance_margin >= -tolerance(self.bonus_target_after)


@dataclass(frozen=True, kw_only=True)
class _Side:
    game: Game
    analysis: Analysis | None
    labels: tuple[str, ...]
    worst: str | None
    value: float | None
    bonus: float | None
    bonus_array: np.ndarray
    note: str | None


#: How many current-plan sides are kept (the least recently used is dropped first).
CURRENT_SIDES_KEPT = 4

#: The current plan's side by (id of its evaluated model, method, time limit), with the model itself,
#: which the entry keeps alive so that its id cannot be reused while the entry exists.
_CURRENT_SIDES: OrderedDict[tuple[int, str, float | None], tuple[EvaluatedModel, _Side]] = OrderedDict()
_CURRENT_LOCK = threading.Lock()


def _current_side(model: EvaluatedModel, method: str, max_seconds: float | None) -> _Side:
    """The side of the current plan, solved once per evaluated model (object), method and time limit."""
    key = (id(model), method, max_seconds)
    with _CURRENT_LOCK:
        if key in _CURRENT_SIDES:
            _CURRENT_SIDES.move_to_end(key)
            return _CURRENT_SIDES[key][1]
    side = _side(model, method, max_seconds, "current plan")
    with _CURRENT_LOCK:
        _CURRENT_SIDES[key] = (model, side)
        while len(_CURRENT_SIDES) > CURRENT_SIDES_KEPT:
            _CURRENT_SIDES.popitem(last=False)
    return side


def _side(model: EvaluatedModel, method: str, max_seconds: float | None, which: str) -> _Side:
    game = model.game
    bonus = np.asarray(model.bonus_paid, dtype=float)
    pure = pure_profiles(game)
    values = np.asarray(model.company_value, dtype=float)
    if len(pure) > MAX_ANALYZED_EQUILIBRIA:
        worst = min(pure, key=lambda p: float(values[p]))
        note = (
            f"under the {which} {len(pure)} profiles are pure equilibria (departments are indifferent), so the "
            "pure equilibria are reported without solving for mixed ones"
        )
        return _Side(
            game=game,
            analysis=None,
            labels=tuple(game.profile_label(p) for p in pure),
            worst=game.profile_label(worst),
            value=float(values[worst]),
            bonus=float(bonus[worst]),
            bonus_array=bonus,
            note=note,
        )
    analysis = _analyze(model, method, max_seconds)
    eq = _worst(analysis.solution)
    return _Side(
        game=game,
        analysis=analysis,
        labels=tuple(e.describe(analysis.game) for e in analysis.solution.equilibria),
        worst=None if eq is None else eq.describe(analysis.game),
        value=None if eq is None else float(eq.company_value or 0.0),
        bonus=None if eq is None else expected_value(bonus, eq.profile),
        bonus_array=bonus,
        note=None,
    )


def deviation_losses(game: Game, target: Sequence[int], *, everywhere: bool = False) -> list[np.ndarray]:
    """For each player, ``u_i(t_i, s_-i) - u_i(a, s_-i)`` for every other action ``a``.

    With ``everywhere=False`` only at ``s = t`` (shape ``(n_i - 1,)``), else at
    every profile of the others (shape ``(n_i - 1, ...)``).  Exact for an exact game.
    """
    payoffs = game.payoffs if game.is_exact else game.float_payoffs()
    out = []
    for i in range(game.n_players):
        own = np.moveaxis(payoffs[i], i, 0)
        if not everywhere:
            others = tuple(t for j, t in enumerate(target) if j != i)
            own = own[(slice(None), *others)]
        losses = own[target[i]] - own
        out.append(np.delete(losses, target[i], axis=0))
    return out


def _smallest(losses: list[np.ndarray]) -> float:
    return min((float(v.min()) for v in losses if v.size), default=float("inf"))


def _exact_after(before: EvaluatedModel, after: Organization | EvaluatedModel) -> EvaluatedModel | None:
    """The rebuilt organisation in exact arithmetic, when the model before it has an exact twin.

    Only the terms that changed are evaluated (the KPI arrays of the twin are reused).
    """
    if isinstance(after, EvaluatedModel):
        return after if after.exact and not after.is_batch else None
    twin = exact_twin(before, evaluate=False)
    if twin is None or not is_rational_model(after):
        return None
    return evaluate_model(after, exact=True, reuse=twin)


def _worst(result: SolveResult) -> Equilibrium | None:
    found = [e for e in result.equilibria if e.company_value is not None]
    return min(found, key=lambda e: float(e.company_value or 0.0), default=None)


def _analyze(model: EvaluatedModel, method: str, max_seconds: float | None) -> Analysis:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateGameWarning)
        warnings.simplefilter("ignore", IncompleteSearchWarning)
        return analyze(model, method=method, max_seconds=max_seconds)


def verify_plan(
    before: Organization | EvaluatedModel,
    after: Organization | EvaluatedModel,
    target: Sequence[int],
    *,
    method: str = "all",
    max_seconds: float | None = 60.0,
) -> Verification:
    """Rebuild and re-solve ``after`` (the proposed plan) and compare it with ``before`` at ``target``.

    ``before`` and ``after`` are organisations or their evaluated models; an organisation
    ``after`` is evaluated in floating point, reusing ``before``'s arrays of every KPI
    it leaves unchanged.  ``before`` is solved once per evaluated model, method and
    ``max_seconds``: checking several plans against the same evaluated model reuses
    its analysis.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> check = verify_plan(org, org, (1, 1, 1, 1))
    >>> check.is_equilibrium, check.pure_after == (check.target_label,)
    (True, True)
    """
    target = tuple(int(t) for t in target)
    model_before = design_model(before)
    model_after = after if isinstance(after, EvaluatedModel) else evaluate_model(after, exact=False, reuse=model_before)
    old = _current_side(model_before, method, max_seconds)
    new = _side(evaluated(model_after, exact=False), method, max_seconds, "proposed plan")
    exact = _exact_after(model_before, after)
    game_after = new.game if exact is None else exact.game
    bonus_after = new.bonus_array if exact is None else np.asarray(exact.bonus_paid)
    return Verification(
        target=target,
        target_label=game_after.profile_label(target),
        before=old.analysis,
        after=new.analysis,
        equilibria_before=old.labels,
        equilibria_after=new.labels,
        worst_before=old.worst,
        worst_after=new.worst,
        margin=_smallest(deviation_losses(game_after, target)),
        margin_before=_smallest(deviation_losses(old.game, target)),
        dominance_margin=_smallest(deviation_losses(game_after, target, everywhere=True)),
        pure_after=tuple(game_after.profile_label(p) for p in pure_profiles(game_after)),
        company_value_target=float((model_after if exact is None else exact).company_value[target]),
        company_value_before=old.value,
        company_value_after=new.value,
        bonus_before=old.bonus,
        bonus_after=new.bonus,
        bonus_target_before=float(old.bonus_array[target]),
        bonus_target_after=float(bonus_after[target]),
        notes=tuple(n for n in (old.note, new.note) if n),
    )
