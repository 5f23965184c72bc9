"""Relational contracts: the discretionary bonus a company can credibly promise for aligned behaviour.

Definitions
-----------
Besides the formal KPI bonuses of the model (contractible: a court or the payroll
enforces them), the company promises each department ``i`` a *discretionary bonus*
``b_i``, paid at the end of a period in which the company judges that ``i`` kept to its
target action.  The judgement is subjective (no KPI measures it), so nothing but the
company's own interest makes it pay (Baker, Gibbons and Murphy 1994, 2002).

* **The department's side.**  A department that deviates gains its one-shot gain ``g_i``
  (formal bonuses and action costs included; :mod:`incentives.repeated.temptation`)
  and, when the company sees the deviation (probability ``p_i``), loses ``b_i``.  The
  bonus holds it at the target when ``p_i b_i >= g_i``: it must be at least
  ``g_i / p_i``.  This ignores what the department itself stands to lose in the
  departments' own repeated game, so it asks for the most the bonus may have to do.
* **The company's side.**  Bonuses are transfers, so what the relationship is worth is
  the *joint surplus* per period, ``S(a) = company value(a) - sum_i cost_i(a_i)``.  If the
  company reneges on the bonuses, the departments stop trusting it and play the stage
  equilibrium ``e`` of the formal bonuses from then on.  With fixed payments that share
  the surplus, paying is credible exactly when the bonuses do not exceed the present
  value of the surplus the relationship adds (Levin 2003, the dynamic-enforcement
  constraint; Baker, Gibbons and Murphy 2002 for one agent):

      ``sum_i b_i <= delta / (1 - delta) * (S(a*) - S(e))``.

  The right side is the **largest credible discretionary bonus**, with ``delta / (1 -
  delta) = 1 / r`` for an interest rate ``r`` per period.  Reneging on one department is
  punished by all (Levin 2002's multilateral contract), so the whole budget is shared.

The target is held when the bonuses every department needs fit in the credible
budget, ``sum_i g_i / p_i <= delta / (1 - delta) (S(a*) - S(e))``, which holds for every
``delta`` from ``G / (G + S(a*) - S(e))`` on, ``G = sum_i g_i / p_i`` (the relational
contract's critical discount factor).  The stage equilibrium reverted to is the one
with the least joint surplus among those found (the harshest credible reversion).

References
----------
.. [1] G. Baker, R. Gibbons and K. J. Murphy, "Subjective performance measures in
   optimal incentive contracts", Quarterly Journal of Economics 109(4), 1125-1156, 1994.
.. [2] G. Baker, R. Gibbons and K. J. Murphy, "Relational contracts and the theory of
   the firm", Quarterly Journal of Economics 117(1), 39-84, 2002.
.. [3] J. Levin, "Multilateral contracting and the employment relationship",
   Quarterly Journal of Economics 117(3), 1075-1103, 2002.
.. [4] J. Levin, "Relational incentive contracts", American Economic Review 93(3),
   835-857, 2003.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .._display import report_text
from .._util import Number
from ..build import evaluated
from ..equilibrium import expected_value
from ..errors import RepeatedError
from ..evaluated import EvaluatedModel
from ..model import Organization
from ..solvers import SolveResult, solve
from ._inputs import Rate, Target, check_range, monitoring_rates, play_defaults, rate_at, target_profile
from .temptation import Temptation, temptations

__all__ = ["RelationalContract", "relational_contract"]


@dataclass(frozen=True, kw_only=True)
class RelationalContract:
    """Discretionary bonuses at a discount factor: how large they can credibly be, and whether they hold the target.

    Parameters
    ----------
    departments : tuple of str
    target_label : str
    discount : float or Fraction
    monitoring : tuple of float or Fraction
        The probability that the company sees each department's deviation.
    reversion : str
        The stage equilibrium played after the company reneges.
    surplus : float or Fraction
        Joint surplus per period at the target, ``S(a*)``.
    reversion_surplus : float or Fraction
        Joint surplus per period after reneging, ``S(e)``.
    credible_bonus : float or Fraction
        The largest total discretionary bonus the company can credibly promise,
        ``delta / (1 - delta) * max(0, S(a*) - S(e))``.
    temptations : tuple of Temptation
        What each department gains by deviating, under the formal bonuses.
    required_bonuses : tuple of float or Fraction
        ``g_i / p_i``: the discretionary bonus each department needs (``inf``: none suffices).
    holds : tuple of bool
        For each department, whether the bonus it needs is credible on its own.
    holds_target : bool
        Whether the bonuses all departments need are credible together.
    critical_discount : float or Fraction
        The smallest discount factor from which on they are (1: none).
    notes : tuple of str

    Examples
    --------
    >>> import incentives as inc
    >>> model = inc.evaluate_model(inc.load_model("examples/keeping_close.yaml"), exact=True)
    >>> contract = relational_contract(model, discount=0.5)  # 1/r = 1: one quarter's surplus is the budget
    >>> contract.surplus - contract.reversion_surplus, contract.credible_bonus
    (Fraction(9227, 25), Fraction(9227, 25))
    >>> contract.required_bonuses, contract.holds_target  # g / p, with the model's p = 1/3 at 40 people
    ((Fraction(69, 25), Fraction(0, 1), Fraction(114, 25)), True)
    """

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    departments: tuple[str, ...]
    target_label: str
    discount: Number
    monitoring: tuple[Number, ...]
    reversion: str
    surplus: Number
    reversion_surplus: Number
    credible_bonus: Number
    temptations: tuple[Temptation, ...]
    required_bonuses: tuple[Number, ...]
    holds: tuple[bool, ...]
    holds_target: bool
    critical_discount: Number
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        count = len(self.departments)
        for name in ("monitoring", "temptations", "required_bonuses", "holds"):
            if len(getattr(self, name)) != count:
                raise ValueError(f"'{name}' of RelationalContract must have one entry per department ({count})")

    @property
    def required_total(self) -> Number:
        """The total discretionary bonus the departments need together."""
        return sum(self.required_bonuses, start=0 * self.credible_bonus)


def relational_contract(
    model: Organization | EvaluatedModel,
    *,
    discount: Rate | None = None,
    monitoring: Rate | Mapping[str, Rate] | None = None,
    target: Target = None,
    equilibria: str | SolveResult = "all",
    max_seconds: float | None = 60.0,
) -> RelationalContract:
    """The largest credible discretionary bonus at ``discount``, and whether it holds the target (see the module).

    Parameters
    ----------
    model : Organization or EvaluatedModel
    discount : number or str, optional
        The discount factor ``0 <= delta < 1``, or a formula of parameters and KPIs.
        Default: the model's ``repeated.discount`` (one of the two is needed).
    monitoring : number, str or mapping, optional
        The probability that the company sees each department's deviation (as in
        :func:`incentives.repeated.repeated`; default: the model's, else 1).
    target : optional
        The profile to hold (default: the company optimum).
    equilibria : str or SolveResult
        The stage equilibria that reneging may lead to (default: all, by :func:`incentives.solve`).
    max_seconds : float or None
        Time budget of the equilibrium search.

    Returns
    -------
    RelationalContract

    Raises
    ------
    RepeatedError
        If no discount factor is given (by the caller or the model), a rate is out of
        range, or no stage equilibrium is found.
    """
    source = evaluated(model)
    game = source.game
    profile = target_profile(source, target)
    rates = play_defaults(source, discount, monitoring)
    if rates.discount is None:
        raise RepeatedError(
            "a relational contract needs a discount factor: give 'discount', or a 'repeated: {discount: ...}' "
            "section in the model"
        )
    delta = rate_at(source, rates.discount, name=rates.discount_name, profile=profile)
    check_range(delta, name=rates.discount_name, low=0.0, high=1.0, high_open=True)
    detection = monitoring_rates(source, rates.monitoring, profile=profile, name=rates.monitoring_name)
    solution = equilibria if isinstance(equilibria, SolveResult) else solve(game, equilibria, max_seconds=max_seconds)
    if not len(solution):
        raise RepeatedError("no stage equilibrium was found to revert to; a relational contract needs one")
    joint = _joint_surplus(source)
    after = [expected_value(joint, e.profile) for e in solution]
    worst = min(range(len(after)), key=lambda k: after[k])
    here = joint[profile]
    stake = max(here - after[worst], 0 * here)
    credible = delta / (1 - delta) * stake
    tempted = temptations(game, profile)
    needed = tuple(_needed(t.gain, p) for t, p in zip(tempted, detection, strict=True))
    total = sum(needed, start=0 * credible)
    notes = [] if here > after[worst] else ["the target adds no joint surplus over the stage equilibrium: no bonus"]
    return RelationalContract(
        departments=game.players,
        target_label=game.profile_label(profile),
        discount=delta,
        monitoring=detection,
        reversion=f"stage equilibrium {worst + 1}: {solution[worst].describe(game)}",
        surplus=_number(here),
        reversion_surplus=_number(after[worst]),
        credible_bonus=_number(credible),
        temptations=tempted,
        required_bonuses=needed,
        holds=tuple(bool(b <= credible) for b in needed),
        holds_target=bool(total <= credible),
        critical_discount=_critical(total, stake),
        notes=tuple(notes),
    )


def _joint_surplus(model: EvaluatedModel) -> np.ndarray:
    """Company value minus every department's action cost, at every profile (bonuses are transfers)."""
    costs = np.asarray(model.costs)
    return np.asarray(model.company_value) - costs.sum(axis=0)


def _needed(gain: Number, probability: Number) -> Number:
    if gain <= 0:
        return 0 * gain
    if probability <= 0:
        return math.inf
    return gain / probability


def _critical(total: Number, stake: Number) -> Number:
    if total <= 0:
        return _number(0 * stake)
    if stake <= 0 or total == math.inf:
        return _number(1 + 0 * stake)
    return _number(total / (total + stake))


def _number(value: object) -> Number:
    return value if isinstance(value, Fraction) else float(value)  # type: ignore[arg-type]
