"""JSON text for programs: deterministic, strict (no NaN), with plain numbers.

The documents themselves are built by the report modules (one per result type) and
reached through :func:`incentives.report.json_document`; their layouts are JSON Schema
files in ``incentives/report/schemas/`` (see :mod:`incentives.report.schemas`).
Players, actions and KPIs keep the model's own names.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

__all__ = ["dumps", "number", "numbers", "optional_number"]


def number(value: Any) -> float:
    """A number as a JSON float, never ``-0.0``.

    Examples
    --------
    >>> from fractions import Fraction
    >>> number(Fraction(2, 3)), number(-0.0)
    (0.6666666666666666, 0.0)
    """
    out = float(value)
    return 0.0 if out == 0 else out


def optional_number(value: Any) -> float | None:
    """:func:`number`, with ``None`` for ``None`` and for values that are not finite.

    Examples
    --------
    >>> optional_number(None), optional_number(float("nan")), optional_number(2)
    (None, None, 2.0)
    """
    if value is None:
        return None
    out = number(value)
    return out if math.isfinite(out) else None


def numbers(values: Mapping[str, Any]) -> dict[str, float]:
    """Every value of a mapping as a JSON number (see :func:`number`)."""
    return {k: number(v) for k, v in values.items()}


def dumps(document: Mapping[str, Any]) -> str:
    """Deterministic JSON text (same input, same bytes), ending with a newline.

    Raises
    ------
    ValueError
        If the document holds NaN or infinity (JSON has neither).

    Examples
    --------
    >>> print(dumps({"schema": "x/1", "values": [1, 2.5]}), end="")
    {
      "schema": "x/1",
      "values": [
        1,
        2.5
      ]
    }
    """
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False, default=_numpy_scalar) + "\n"


def _numpy_scalar(value: Any) -> Any:
    """A numpy number or boolean as the plain Python value JSON writes; anything else is a TypeError."""
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
