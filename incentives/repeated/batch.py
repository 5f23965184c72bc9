"""Critical discount factors at every point of a batch at once: what a sweep over size reads.

A what-if batch (:func:`incentives.build.compile_model`, an
:class:`~incentives.evaluated.EvaluatedModel` with ``batch_shape == (P,)``) holds the
model at ``P`` points of some varied quantities, such as headcount.
:func:`critical_discounts` gives, at every point and in one vectorised pass (floating
point), what :func:`incentives.repeated.repeated` gives for one model with two
punishments:

* **reversion** to the worst stage equilibrium for each deviator.  With
  ``equilibria="pure"`` (the default) only pure equilibria are found, by best-response
  masks over all points at once; with a solver method (``"all"``) each distinct stage
  game is solved once with :func:`incentives.solve` (points whose payoffs are equal
  share the search, as in a sweep over a quantity that only moves the discount factor
  or the detection probability);
* **pure minmax**, the bound of pure-strategy punishments.

The target is each point's company optimum unless one is given, and the discount factor
and the detection probability are numbers or formulas of parameters and KPIs, evaluated
at each point (:mod:`incentives.repeated.analysis` defines them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .._util import readonly
from ..equilibrium import expected_value
from ..evaluated import EvaluatedModel
from ..game import Game
from ..solvers import solve
from ..tolerance import RTOL, tolerance
from ._inputs import Rate, Target, batch_targets, check_range, department_rates, play_defaults, rates_over_batch
from .critical import critical_discount, smallest_monitoring, sustains
from .minmax import pure_minmax
from .temptation import one_shot_gains

__all__ = ["CriticalDiscounts", "critical_discounts"]


@dataclass(frozen=True, kw_only=True)
class CriticalDiscounts:
    """Critical discount factors at every point of a batch (arrays over points ``P`` and departments ``N``).

    Parameters
    ----------
    departments : tuple of str
    quantities : tuple of str
        The quantities varied over the batch.
    points : numpy.ndarray
        ``(P, len(quantities))``: their value at each point.
    targets : numpy.ndarray
        ``(P, N)`` action indices of the target at each point.
    target_payoffs, gains : numpy.ndarray
        ``(P, N)``: each department's payoff at the target and its one-shot gain.
    monitoring : numpy.ndarray
        ``(P, N)``: the detection probabilities.
    discount : numpy.ndarray or None
        ``(P,)``: the discount factor at each point, when one was given.
    reversion_payoffs : numpy.ndarray
        ``(P, N)``: each department's payoff in the stage equilibrium worst for it
        (NaN where no equilibrium was found).
    minmax_payoffs : numpy.ndarray
        ``(P, N)``: each department's pure minmax value.
    by_reversion, by_minmax : numpy.ndarray
        ``(P, N)``: each department's critical discount factor with each punishment (NaN
        where there is no stage equilibrium to revert to).
    target_surplus, reversion_surplus : numpy.ndarray
        ``(P,)``: the joint surplus (company value less the action costs) at the target, and
        the least joint surplus over the stage equilibria found (NaN: none), the
        relational contract's reversion (:mod:`incentives.repeated.relational`).
    equilibria : str
        How the stage equilibria were found: ``"pure"`` or a solver method.
    notes : tuple of str

    Examples
    --------
    >>> import numpy as np
    >>> import incentives as inc
    >>> from incentives.build import compile_model
    >>> org = inc.load_model("examples/keeping_close.yaml")
    >>> batch = compile_model(org, ["headcount"]).evaluate(np.array([[20.0], [80.0]]))
    >>> found = critical_discounts(batch)  # the model's repeated section gives delta and p
    >>> found.organisation_by_reversion.round(4).tolist(), found.binding.tolist()  # 23 / (23 + 19 p): sales
    ([0.7077, 0.8582], [0, 0])
    """

    departments: tuple[str, ...]
    quantities: tuple[str, ...]
    points: np.ndarray
    targets: np.ndarray
    target_payoffs: np.ndarray
    gains: np.ndarray
    monitoring: np.ndarray
    discount: np.ndarray | None
    reversion_payoffs: np.ndarray
    minmax_payoffs: np.ndarray
    by_reversion: np.ndarray
    by_minmax: np.ndarray
    target_surplus: np.ndarray
    reversion_surplus: np.ndarray
    equilibria: str
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        expected = (self.targets.shape[0], len(self.departments))
        for name in ("targets", "target_payoffs", "gains", "monitoring", "reversion_payoffs", "by_reversion"):
            if np.shape(getattr(self, name)) != expected:
                raise ValueError(f"'{name}' of CriticalDiscounts must have shape {expected}")
        for name in (
            "points",
            "targets",
            "target_payoffs",
            "gains",
            "monitoring",
            "reversion_payoffs",
            "minmax_payoffs",
            "by_reversion",
            "by_minmax",
            "target_surplus",
            "reversion_surplus",
        ):
            object.__setattr__(self, name, readonly(getattr(self, name)))
        if self.discount is not None:
            object.__setattr__(self, "discount", readonly(self.discount))

    @property
    def organisation_by_reversion(self) -> np.ndarray:
        """``(P,)``: the organisation's critical discount factor with reversion (NaN: no equilibrium)."""
        return self.by_reversion.max(axis=1)

    @property
    def organisation_by_minmax(self) -> np.ndarray:
        """``(P,)``: the organisation's critical discount factor with pure minmax."""
        return self.by_minmax.max(axis=1)

    @property
    def binding(self) -> np.ndarray:
        """``(P,)``: index of the department whose temptation binds under reversion (-1: nobody tempted or NaN)."""
        worst = np.nan_to_num(self.by_reversion, nan=-1.0)
        index = worst.argmax(axis=1)
        return np.where(worst.max(axis=1) > 0, index, -1)

    @property
    def smallest_monitoring(self) -> np.ndarray | None:
        """``(P, N)``: the smallest detection probabilities at the given discount factor, with reversion."""
        if self.discount is None:
            return None
        loss = self.target_payoffs - self.reversion_payoffs
        return smallest_monitoring(self.gains, loss, self.discount[:, np.newaxis])

    @property
    def credible_bonus(self) -> np.ndarray | None:
        """``(P,)``: the largest credible discretionary bonus per period, ``δ / (1 - δ) (S(target) - S(reversion))``.

        None without a discount factor; NaN where no stage equilibrium was found; 0 where the
        target adds no joint surplus (as :func:`incentives.repeated.relational_contract`).
        """
        if self.discount is None:
            return None
        stake = np.maximum(self.target_surplus - self.reversion_surplus, 0.0)
        stake = np.where(np.isnan(self.reversion_surplus), np.nan, stake)
        return self.discount / (1 - self.discount) * stake

    @property
    def bonus_needed(self) -> np.ndarray:
        """``(P,)``: the discretionary bonuses that hold every department at the target, ``sum_i g_i / p_i``.

        A department that gains nothing needs none; one that gains but is never seen needs an
        infinite bonus.
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            each = np.where(self.gains > 0, self.gains / self.monitoring, 0.0)
        return np.where((self.gains > 0) & (self.monitoring <= 0), np.inf, each).sum(axis=1)

    @property
    def contract_holds(self) -> np.ndarray | None:
        """``(P,)``: whether the bonuses needed fit the credible budget (None without a discount factor)."""
        credible = self.credible_bonus
        if credible is None:
            return None
        needed = self.bonus_needed
        scale = np.maximum(1.0, np.abs(np.nan_to_num(credible, posinf=0.0)))
        with np.errstate(invalid="ignore"):
            return np.isfinite(credible) & (needed <= credible + tolerance(1.0) * scale)

    @property
    def sustained(self) -> np.ndarray | None:
        """``(P,)``: whether reversion sustains the target at the given discount factor (False: no equilibrium)."""
        if self.discount is None:
            return None
        loss = self.target_payoffs - self.reversion_payoffs
        ok = sustains(self.gains, loss, self.discount[:, np.newaxis], self.monitoring)
        return np.all(ok & np.isfinite(loss), axis=1)


def critical_discounts(
    batch: EvaluatedModel,
    *,
    discount: Rate | None = None,
    monitoring: Rate | Mapping[str, Rate] | None = None,
    target: Target = None,
    equilibria: str = "pure",
    max_seconds: float | None = 60.0,
) -> CriticalDiscounts:
    """Critical discount factors of the target at every point of a batch (see the module docstring).

    Parameters
    ----------
    batch : EvaluatedModel
        A batch (``batch_shape == (P,)``) or a single evaluated model (one point).
    discount, monitoring, target
        As in :func:`incentives.repeated.repeated` (by default the model's ``repeated``
        section); formulas are evaluated at each point.
    equilibria : str
        ``"pure"`` (vectorised) or a solver method, run once per distinct stage game.
    max_seconds : float or None
        Time budget of each equilibrium search (solver methods only).

    Returns
    -------
    CriticalDiscounts

    Examples
    --------
    >>> import numpy as np
    >>> import incentives as inc
    >>> from incentives.build import compile_model
    >>> org = inc.load_model("examples/keeping_close.yaml")
    >>> batch = compile_model(org, ["headcount"]).evaluate(np.array([[10.0], [200.0]]))
    >>> result = critical_discounts(batch)  # discount and monitoring from the model's repeated section
    >>> result.sustained.tolist()  # ten people keep to the common goal; two hundred do not
    [True, False]
    """
    model = batch if batch.is_batch else batch.as_batch()
    points = model.batch_shape[0]
    model.check_size(arrays=4 * points, task="the critical discount factors")
    targets = batch_targets(model, target)
    payoffs = np.asarray(model.payoffs, dtype=float)
    target_payoffs, gains, _ = one_shot_gains(payoffs, targets)
    rates = play_defaults(model, discount, monitoring)
    detection = _monitoring(model, rates.monitoring, targets, rates.monitoring_name)
    delta = None
    if rates.discount is not None:
        delta = rates_over_batch(model, rates.discount, name=rates.discount_name, profiles=targets)
        check_range(delta, name=rates.discount_name, low=0.0, high=1.0, high_open=True)
    joint = _joint_surplus(model)
    if equilibria == "pure":
        reversion = _pure_reversion(payoffs)
        reversion_surplus = _least(joint, _pure_equilibria(payoffs))
    else:
        reversion, reversion_surplus = _solved_reversion(model, joint, equilibria, max_seconds)
    minmax = pure_minmax(payoffs)
    with np.errstate(invalid="ignore"):
        by_reversion = critical_discount(gains, target_payoffs - reversion, detection)
    by_reversion = np.where(np.isnan(reversion), np.nan, by_reversion)
    return CriticalDiscounts(
        departments=model.players,
        quantities=model.quantities,
        points=model.points if model.points.size else np.zeros((points, 0)),
        targets=targets,
        target_payoffs=target_payoffs,
        gains=gains,
        monitoring=detection,
        discount=delta,
        reversion_payoffs=reversion,
        minmax_payoffs=minmax,
        by_reversion=by_reversion,
        by_minmax=critical_discount(gains, target_payoffs - minmax, detection),
        target_surplus=joint.reshape(points, -1)[np.arange(points), _flat(targets, payoffs.shape[2:])],
        reversion_surplus=reversion_surplus,
        equilibria=equilibria,
        notes=_notes(reversion, equilibria),
    )


def _monitoring(
    model: EvaluatedModel, monitoring: Rate | Mapping[str, Rate], targets: np.ndarray, name: str
) -> np.ndarray:
    rates = department_rates(model.players, monitoring, name=name)
    columns = [rates_over_batch(model, r, name=name, profiles=targets) for r in rates]
    out = np.stack(columns, axis=1)
    check_range(out, name=name, low=0.0, high=1.0, high_open=False)
    return out


def _joint_surplus(model: EvaluatedModel) -> np.ndarray:
    """``(P, *profiles)``: company value less every department's action cost (bonuses are transfers)."""
    points = model.payoffs.shape[0]
    joint = np.asarray(model.company_value, dtype=float) - np.asarray(model.costs, dtype=float).sum(axis=1)
    return np.broadcast_to(joint, (points, *model.payoffs.shape[2:]))


def _flat(targets: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``(P,)``: the flat index of each point's target profile in a game of ``shape``."""
    return np.ravel_multi_index(tuple(targets.T), shape)


def _pure_equilibria(payoffs: np.ndarray) -> np.ndarray:
    """``(P, *profiles)``: whether each profile is a pure stage equilibrium at each point (within RTOL)."""
    points, n = payoffs.shape[0], payoffs.shape[1]
    scale = np.maximum(1.0, np.abs(payoffs).reshape(points, -1).max(axis=1))
    slack = (RTOL * scale).reshape((points,) + (1,) * n)
    equilibrium = np.ones((points, *payoffs.shape[2:]), dtype=bool)
    for i in range(n):
        best = payoffs[:, i].max(axis=1 + i, keepdims=True)
        equilibrium &= payoffs[:, i] >= best - slack
    return equilibrium


def _least(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """``(P,)``: the least of ``values`` (shaped ``(P, *profiles)``) where ``where`` holds (NaN: nowhere)."""
    lowest = np.where(where, values, np.inf).reshape(where.shape[0], -1).min(axis=1)
    return np.where(np.isfinite(lowest), lowest, np.nan)


def _pure_reversion(payoffs: np.ndarray) -> np.ndarray:
    """``(P, N)``: each department's lowest payoff over the pure stage equilibria (NaN: none)."""
    equilibrium = _pure_equilibria(payoffs)
    return np.stack([_least(payoffs[:, i], equilibrium) for i in range(payoffs.shape[1])], axis=1)


def _solved_reversion(
    model: EvaluatedModel, joint: np.ndarray, method: str, max_seconds: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`_pure_reversion`, over the equilibria found by ``method`` (each distinct stage game solved once)."""
    payoffs = np.asarray(model.payoffs, dtype=float)
    seen: dict[bytes, list[tuple[np.ndarray, tuple[np.ndarray, ...]]]] = {}
    out = np.empty(payoffs.shape[:2])
    surplus = np.empty(payoffs.shape[0])
    for k in range(payoffs.shape[0]):
        key = payoffs[k].tobytes()
        if key not in seen:
            game = Game(players=model.players, actions=model.actions, payoffs=payoffs[k])
            seen[key] = [
                (np.asarray(e.payoffs, dtype=float), tuple(np.asarray(p, dtype=float) for p in e.profile))
                for e in solve(game, method, max_seconds=max_seconds)
            ]
        found = seen[key]
        if found:
            out[k] = np.min([values for values, _ in found], axis=0)
            surplus[k] = min(float(expected_value(joint[k], profile)) for _, profile in found)
        else:
            out[k], surplus[k] = np.nan, np.nan
    return out, surplus


def _notes(reversion: np.ndarray, equilibria: str) -> tuple[str, ...]:
    missing = int(np.count_nonzero(np.isnan(reversion).any(axis=1)))
    notes = []
    if equilibria == "pure":
        notes.append("reversion is to pure stage equilibria only (equilibria='all' searches mixed ones too)")
    if missing:
        points = f"{missing} point{'s' if missing != 1 else ''}"
        notes.append(f"no stage equilibrium was found at {points}: reversion is NaN there")
    return tuple(notes)
