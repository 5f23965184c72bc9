"""Refusals of bad design options, worded once: the parameter, the constraint and the value.

``The 'margin' parameter must be a number >= 0. Got -1 instead.`` (the wording
scikit-learn uses).  Private to :mod:`incentives.design`.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from numbers import Integral, Real
from typing import Any

from ..errors import DesignError

__all__ = ["check_choice", "check_flag", "check_number", "invalid"]


def invalid(name: str, constraint: str, value: Any) -> DesignError:
    """The error for parameter ``name``, which must be ``constraint``, given ``value``.

    Examples
    --------
    >>> invalid("margin", "a number >= 0", -1)
    DesignError("The 'margin' parameter must be a number >= 0. Got -1 instead.")
    """
    return DesignError(f"The {name!r} parameter must be {constraint}. Got {value!r} instead.")


def check_choice(name: str, value: Any, choices: Collection[Any]) -> None:
    """Refuse ``value`` unless it is one of ``choices``."""
    if not isinstance(value, str | int) or value not in choices:
        raise invalid(name, f"one of {list(choices)}", value)


def check_flag(name: str, value: Any) -> None:
    """Refuse anything but ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise invalid(name, "True or False", value)


def _is_number(value: Any, integer: bool) -> bool:
    kind = Integral if integer else Real
    return isinstance(value, kind) and not isinstance(value, bool) and not math.isnan(float(value))


def check_number(
    name: str,
    value: Any,
    *,
    above: float | None = None,
    at_least: float | None = None,
    below: float | None = None,
    finite: bool = True,
    integer: bool = False,
) -> None:
    """Refuse ``value`` unless it is a (finite, whole) number ``> above`` / ``>= at_least`` / ``< below``.

    Examples
    --------
    >>> check_number("time_limit", 0, above=0, finite=False)
    Traceback (most recent call last):
    ...
    incentives.errors.DesignError: The 'time_limit' parameter must be a number above 0. Got 0 instead.
    """
    words = ["a finite number" if finite and above is None and at_least is None else "a number"]
    if integer:
        words = ["a whole number"]
    if above is not None:
        words.append(f"above {above:g}")
    if at_least is not None:
        words.append(f">= {at_least:g}")
    if below is not None:
        words.append(f"{'and ' if len(words) > 1 else ''}below {below:g}")
    ok = _is_number(value, integer)
    ok = ok and (not finite or math.isfinite(float(value)))
    ok = ok and (above is None or float(value) > above) and (at_least is None or float(value) >= at_least)
    ok = ok and (below is None or float(value) < below)
    if not ok:
        raise invalid(name, " ".join(words), value)
