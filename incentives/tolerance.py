"""Tolerances: when two payoffs or values are the same number, written once.

Floating-point payoffs carry rounding, so "equal", "zero" and "at least" are
decided within a tolerance *relative to the scale of the numbers compared*:
``x`` is zero at scale ``s`` when ``|x| <= rtol * max(1, |s|)``.  The ``1``
keeps small numbers from needing absolute precision; the scale keeps large
payoffs from failing on their last digits.  Exact games (fractions) compare
exactly; these tolerances are for floats.

Constants
---------
``RTOL``
    Payoffs, values, bonus weights and KPI changes: what a report calls "no change".
``SOLVER_RTOL``
    Feasibility inside solvers' linear algebra (probabilities and slacks), tighter
    because every equilibrium found is verified again by its regret.
``PROBABILITY_ATOL``
    A probability this close to 0 is 0 when strategies are cleaned for display.
``DUPLICATE_ATOL``
    Two mixed profiles whose probabilities agree this closely are the same equilibrium.
``IMAGINARY_ATOL``
    A computed root whose imaginary part is this small is a real number.
``NUMERIC_TOL``
    The regret accepted from an iterative numerical search over continuous strategies
    (best replies found on a grid, then polished), and the distance under which two of
    its end points are the same, relative to the size of the strategy box.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "DUPLICATE_ATOL",
    "IMAGINARY_ATOL",
    "NUMERIC_TOL",
    "PROBABILITY_ATOL",
    "RTOL",
    "SOLVER_RTOL",
    "is_zero",
    "tolerance",
]

#: Relative tolerance for payoffs, values, weights and KPIs.
RTOL = 1e-9

#: Relative tolerance for feasibility inside solvers.
SOLVER_RTOL = 1e-12

#: Absolute tolerance below which a probability is zero.
PROBABILITY_ATOL = 1e-12

#: Probabilities that agree to this are the same profile.
DUPLICATE_ATOL = 1e-7

#: Imaginary parts below this are rounding: the number is real.
IMAGINARY_ATOL = 1e-9

#: Regret accepted from a numerical search over continuous strategies.
NUMERIC_TOL = 1e-6


def tolerance(scale: Any = 1.0, rtol: float = RTOL) -> float:
    """The absolute tolerance at a scale: ``rtol * max(1, |scale|)``.

    ``scale`` may be a number or an array (its largest magnitude is used).

    Examples
    --------
    >>> tolerance(), tolerance(1e6), tolerance([-4.0, 2.0])
    (1e-09, 0.001, 4e-09)
    """
    magnitude = float(np.max(np.abs(np.asarray(scale, dtype=float)), initial=0.0))
    return rtol * max(1.0, magnitude)


def is_zero(value: Any, scale: Any = 1.0, rtol: float = RTOL) -> bool:
    """Whether ``value`` is zero within :func:`tolerance` at ``scale`` (exactly zero for fractions).

    Examples
    --------
    >>> from fractions import Fraction
    >>> is_zero(1e-12), is_zero(1e-3, scale=1e9), is_zero(Fraction(1, 10**12))
    (True, True, False)
    """
    if not isinstance(value, float | np.floating):
        try:
            return bool(value == 0)
        except TypeError:  # pragma: no cover - defensive
            pass
    return abs(float(value)) <= tolerance(scale, rtol)
