"""Critical discount factor and smallest detection probability: the closed forms of grim trigger.

Definitions
-----------
Departments play the stage game every period and weigh the next period's payoff by
the discount factor ``delta`` (``0 <= delta < 1``).  Under *grim trigger* they keep to a
target profile ``a*`` until a deviation is detected, and then play a punishment forever.
For department ``i`` write

* ``g_i`` its one-shot gain from its best deviation (:mod:`incentives.repeated.temptation`),
* ``L_i = u_i(a*) - P_i`` what each period of punishment costs it, ``P_i`` being its
  payoff while punished,
* ``p_i`` the probability that a deviation is detected in the period it happens
  (``p_i = 1``: perfect monitoring); an undetected deviation leaves play unchanged.

Deviating in one period and keeping to the target otherwise is worth, against keeping
to the target, ``(1 - delta) g_i`` today (in average discounted terms) against a loss
of ``delta p_i L_i`` tomorrow on.  The target is sustained when no department gains:

    ``(1 - delta) g_i <= delta p_i L_i``   for every department ``i``.

By the one-shot deviation principle this is also the condition against every other
deviation plan (deviating in every period until detected gives the same inequality).
Solving it for ``delta`` and for ``p_i`` gives

    ``delta*_i = g_i / (g_i + p_i L_i)``   and   ``p*_i = (1 - delta) g_i / (delta L_i)``,

the **critical discount factor** (the target is sustained for every ``delta >= delta*_i``)
and the **smallest detection probability** at a given ``delta``.  For the prisoner's
dilemma (temptation ``T``, reward ``R``, punishment ``P``) with reversion to mutual
defection, ``g = T - R`` and ``L = R - P``, so ``delta* = (T - R) / (T - P)`` with perfect
monitoring and ``(T - R) / ((T - R) + p (R - P))`` with detection probability ``p``.

Edge cases, read off the inequality: with no gain (``g_i <= 0``) and a punishment that
does not reward (``p_i L_i >= 0``), every ``delta`` sustains the target (``delta* = 0``).
When the punishment costs nothing (``p_i L_i <= 0``) and the department gains, no
``delta`` does; ``delta* = 1`` then means "never", since ``delta < 1``.  When the
punishment pays better than the target (``L_i < 0``), patient departments deviate to
trigger it, so no ``delta`` close to 1 sustains the target and ``delta* = 1`` too.
``p* = inf`` when no detection probability helps; ``p* > 1`` means that even perfect
monitoring is not enough at that ``delta``.

References
----------
.. [1] D. Fudenberg and J. Tirole, *Game Theory*, MIT Press, 1991, Section 5.1.
.. [2] G. J. Mailath and L. Samuelson, *Repeated Games and Reputations*, Oxford
   University Press, 2006, Sections 2.1-2.5.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from ..tolerance import tolerance

__all__ = ["critical_discount", "smallest_monitoring", "sustains"]


def _is_array(*values: Any) -> bool:
    return any(isinstance(v, np.ndarray) for v in values)


def critical_discount(gain: Any, loss: Any, monitoring: Any = 1) -> Any:
    """The smallest discount factor from which on the target is sustained: ``g / (g + p L)`` (see the module).

    Parameters
    ----------
    gain, loss : number or numpy.ndarray
        The one-shot gain ``g`` and the per-period cost of the punishment ``L``.
    monitoring : number or numpy.ndarray
        The detection probability ``p`` (default 1).

    Returns
    -------
    number or numpy.ndarray
        Exact (a Fraction) for exact inputs; elementwise for arrays (floats).

    Examples
    --------
    >>> from fractions import Fraction
    >>> T, R, P = 5, 3, 1                       # the prisoner's dilemma
    >>> critical_discount(Fraction(T - R), Fraction(R - P))
    Fraction(1, 2)
    >>> critical_discount(Fraction(T - R), Fraction(R - P), Fraction(1, 2))  # half the deviations seen
    Fraction(2, 3)
    >>> critical_discount(0, 2), critical_discount(1, 0)  # no temptation; a punishment that costs nothing
    (0, 1)
    """
    if _is_array(gain, loss, monitoring):
        g, weight = np.asarray(gain, dtype=float), np.asarray(monitoring, dtype=float) * np.asarray(loss, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = g / (g + weight)
        return np.where((g <= 0) & (weight >= 0), 0.0, np.where((g > 0) & (weight > 0), ratio, 1.0))
    weight = monitoring * loss
    if gain <= 0 and weight >= 0:
        return 0 * gain if not isinstance(gain, int) else 0
    if gain > 0 and weight > 0:
        return gain / (gain + weight)
    return 1 + 0 * gain if not isinstance(gain, int) else 1


def smallest_monitoring(gain: Any, loss: Any, discount: Any) -> Any:
    """The smallest detection probability that sustains the target at ``discount``: ``(1 - delta) g / (delta L)``.

    Returns 0 when the department gains nothing by deviating, and ``inf`` when no
    probability helps (the punishment costs nothing, or ``discount`` is 0 and it gains).
    A value above 1 means that even perfect monitoring does not sustain the target.

    Examples
    --------
    >>> from fractions import Fraction
    >>> smallest_monitoring(Fraction(2), Fraction(2), Fraction(2, 3))  # prisoner's dilemma 5, 3, 1 at 2/3
    Fraction(1, 2)
    >>> smallest_monitoring(2, 2, Fraction(1, 3))  # above 1: not even perfect monitoring is enough
    Fraction(2, 1)
    """
    if _is_array(gain, loss, discount):
        g, cost, d = (np.asarray(x, dtype=float) for x in (gain, loss, discount))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (1 - d) * g / (d * cost)
        return np.where(g <= 0, 0.0, np.where((d > 0) & (cost > 0), ratio, np.inf))
    if gain <= 0:
        return 0 * gain if not isinstance(gain, int) else 0
    if discount > 0 and loss > 0:
        return (1 - discount) * gain / (discount * loss)
    return math.inf


def sustains(gain: Any, loss: Any, discount: Any, monitoring: Any = 1) -> Any:
    """Whether ``(1 - delta) g <= delta p L``: no department gains by deviating (exact, or within the tolerance).

    Examples
    --------
    >>> from fractions import Fraction
    >>> sustains(2, 2, Fraction(1, 2)), sustains(2, 2, Fraction(49, 100))  # prisoner's dilemma 5, 3, 1
    (True, False)
    """
    if _is_array(gain, loss, discount, monitoring):
        g, cost, d, p = (np.asarray(x, dtype=float) for x in (gain, loss, discount, monitoring))
        scale = np.maximum(1.0, np.maximum(np.abs(g), np.abs(cost)))
        return (1 - d) * g <= d * p * cost + tolerance(1.0) * scale
    lhs, rhs = (1 - discount) * gain, discount * monitoring * loss
    if all(isinstance(x, int | Fraction) for x in (gain, loss, discount, monitoring)):
        return bool(lhs <= rhs)
    return bool(float(lhs) <= float(rhs) + tolerance(max(abs(float(gain)), abs(float(loss)))))
