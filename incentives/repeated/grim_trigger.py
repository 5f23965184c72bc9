"""Grim trigger with one punishment: the critical discount factor of each department and of the organisation.

A target profile is sustained by grim trigger with a punishment (see
:mod:`incentives.repeated.punishment`) when no department gains by deviating:
``(1 - delta) g_i <= delta p_i L_i`` for every department ``i``, with ``L_i = u_i(a*) - P_i``
(see :mod:`incentives.repeated.critical` for the closed forms).  The organisation's
critical discount factor is the largest department's,

    ``delta* = max_i delta*_i``,

and the departments that attain it are those whose temptation *binds*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .._util import Number
from ..tolerance import is_zero
from .critical import critical_discount, smallest_monitoring, sustains
from .punishment import Punishment
from .temptation import Temptation

__all__ = ["GrimTrigger", "grim_trigger"]


@dataclass(frozen=True, kw_only=True)
class GrimTrigger:
    """A target profile under grim trigger with one punishment.

    Parameters
    ----------
    punishment : Punishment
    losses : tuple of float or Fraction
        ``L_i = u_i(a*) - P_i``: what each period of punishment costs each department.
    critical_discounts : tuple of float or Fraction
        ``delta*_i``: the target keeps department ``i`` from deviating for every
        discount factor from this one on (1: for none).
    critical_discount : float or Fraction
        The organisation's: the largest of them.
    binding : tuple of str
        The departments whose critical discount factor is the organisation's (empty
        when it is 0: nobody is tempted).
    smallest_monitoring : tuple of float or Fraction, or None
        ``p*_i`` at the given discount factor: the smallest probability of detecting
        department ``i``'s deviation that sustains the target (above 1, or ``inf``: none
        does); None when no discount factor was given.
    sustained : bool or None
        Whether the target is sustained at the given discount factor and detection
        probabilities; None when no discount factor was given.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.repeated import punishments, minmax_values, temptations
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], players=("sales", "support"))
    >>> nash = punishments(pd, inc.solve(pd), minmax_values(pd))[0]
    >>> trigger = grim_trigger(temptations(pd, (0, 0)), nash, monitoring=(1, 1))
    >>> trigger.critical_discount, trigger.binding
    (Fraction(1, 2), ('sales', 'support'))
    """

    punishment: Punishment
    losses: tuple[Number, ...]
    critical_discounts: tuple[Number, ...]
    critical_discount: Number
    binding: tuple[str, ...]
    smallest_monitoring: tuple[Number, ...] | None = None
    sustained: bool | None = None

    def __post_init__(self) -> None:
        count = len(self.punishment.payoffs)
        for name in ("losses", "critical_discounts", "smallest_monitoring"):
            value = getattr(self, name)
            if value is not None and len(value) != count:
                raise ValueError(f"'{name}' of GrimTrigger must have one entry per department ({count})")

    @property
    def required_monitoring(self) -> Number | None:
        """The largest ``p*_i``: the detection probability every department needs (None without a discount factor)."""
        return None if self.smallest_monitoring is None else max(self.smallest_monitoring)


def grim_trigger(
    temptations: Sequence[Temptation],
    punishment: Punishment,
    *,
    monitoring: Sequence[Number],
    discount: Number | None = None,
) -> GrimTrigger:
    """The target of ``temptations`` under grim trigger with ``punishment`` (see the module docstring).

    Parameters
    ----------
    temptations : sequence of Temptation
        Each department's one-shot gain at the target (:func:`~incentives.repeated.temptation.temptations`).
    punishment : Punishment
    monitoring : sequence of number
        The probability that each department's deviation is detected in the period it happens.
    discount : number, optional
        A discount factor at which to give the verdict and the smallest detection probabilities.
    """
    losses = tuple(t.target_payoff - p for t, p in zip(temptations, punishment.payoffs, strict=True))
    critical = tuple(
        critical_discount(t.gain, loss, p) for t, loss, p in zip(temptations, losses, monitoring, strict=True)
    )
    worst = max(critical)
    binding = tuple(
        t.department for t, d in zip(temptations, critical, strict=True) if worst > 0 and is_zero(d - worst)
    )
    needed, verdict = None, None
    if discount is not None:
        needed = tuple(smallest_monitoring(t.gain, loss, discount) for t, loss in zip(temptations, losses, strict=True))
        verdict = all(
            sustains(t.gain, loss, discount, p) for t, loss, p in zip(temptations, losses, monitoring, strict=True)
        )
    return GrimTrigger(
        punishment=punishment,
        losses=losses,
        critical_discounts=critical,
        critical_discount=worst,
        binding=binding,
        smallest_monitoring=needed,
        sustained=verdict,
    )
