"""Kernels of the dependency graph: the effect of one department's switches on many quantities at once.

``stack`` has shape ``(M, n_0, ..., n_{N-1})``: ``M`` quantities (KPIs, payoffs,
company value), each over every action profile.  Department ``i``'s axis is
``i + 1``.  Everything is vectorised over quantities and profiles; see
:mod:`incentives.graph.build` for the definitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from ..build import evaluate_formulas
from ..errors import ModelError
from ..evaluated import EvaluatedModel
from ..tolerance import RTOL as RELATIVE_TOLERANCE
from ..tolerance import tolerance

__all__ = ["SwitchEffects", "derivative_signs", "evaluate_each", "number", "rounding", "switch_effects"]


def number(value: Any) -> float:
    """A plain float, without ``-0.0``."""
    out = float(value)
    return 0.0 if out == 0 else out


def rounding(array: np.ndarray) -> float:
    """The size under which a change of ``array`` counts as rounding."""
    return tolerance(array)


@dataclass(frozen=True, kw_only=True)
class SwitchEffects:
    """Per quantity: mean signed change from the reference action, mean and largest change between actions."""

    effect: np.ndarray
    size: np.ndarray
    max_size: np.ndarray
    spread: np.ndarray
    sign: tuple[int, ...]
    mixed: tuple[bool, ...]
    exists: tuple[bool, ...]


def switch_effects(stack: np.ndarray, axis: int, reference: int) -> SwitchEffects:
    """How department ``axis``'s choice moves each quantity of ``stack`` (others fixed).

    Parameters
    ----------
    stack : numpy.ndarray
        Shape ``(M, n_0, ..., n_{N-1})``, float.
    axis : int
        The department's player index.
    reference : int
        Its company-optimal action.

    Returns
    -------
    SwitchEffects

    Examples
    --------
    >>> stack = np.array([[[0.0, 1.0], [2.0, 3.0]]])  # one quantity, two players with two actions
    >>> e = switch_effects(stack, 0, 0)
    >>> e.effect.tolist(), e.size.tolist(), e.sign, e.exists
    ([2.0], [2.0], (1,), (True,))
    """
    m = stack.shape[0]
    moved = np.moveaxis(stack, axis + 1, 1)
    n = moved.shape[1]
    flat = moved.reshape(m, n, -1)
    tol = RELATIVE_TOLERANCE * np.maximum(1.0, np.abs(flat).max(axis=(1, 2)))
    spread = flat.max(axis=(1, 2)) - flat.min(axis=(1, 2))
    if n < 2:
        zero = np.zeros(m)
        return SwitchEffects(
            effect=zero, size=zero, max_size=zero, spread=spread, sign=(0,) * m, mixed=(False,) * m, exists=(False,) * m
        )
    low, high = np.triu_indices(n, k=1)
    pairs = np.abs(flat[:, high] - flat[:, low])
    others = np.delete(np.arange(n), reference)
    departures = flat[:, others] - flat[:, [reference]]
    effect = departures.mean(axis=(1, 2))
    ups = (departures > tol[:, None, None]).any(axis=(1, 2))
    downs = (departures < -tol[:, None, None]).any(axis=(1, 2))
    max_size = pairs.max(axis=(1, 2))
    sign = np.where(np.abs(effect) > tol, np.sign(effect), 0).astype(int)
    return SwitchEffects(
        effect=effect,
        size=pairs.mean(axis=(1, 2)),
        max_size=max_size,
        spread=spread,
        sign=tuple(int(s) for s in sign),
        mixed=tuple(bool(u and d) for u, d in zip(ups, downs, strict=True)),
        exists=tuple(bool(x) for x in max_size > tol),
    )


def evaluate_each(model: EvaluatedModel, exprs: Mapping[str, sympy.Expr]) -> dict[str, np.ndarray | None]:
    """Evaluate formulas (over variables, parameters and KPIs) at every profile, in floats.

    ``None`` for a formula that is not finite somewhere (a derivative of ``sqrt`` at 0),
    so it does not hide the others.
    """
    floats = model.to_float()
    out: dict[str, np.ndarray | None] = {}
    for key, expr in exprs.items():
        try:
            out[key] = np.asarray(evaluate_formulas(floats, {key: expr})[key], dtype=float)
        except ModelError:
            out[key] = None
    return out


def derivative_signs(array: np.ndarray | None) -> str:
    """``"+"``, ``"-"``, ``"0"`` or ``"+/-"``: the sign of a derivative over all profiles (``"?"`` if unknown).

    Examples
    --------
    >>> derivative_signs(np.array([1.0, 2.0])), derivative_signs(np.array([-1.0, 0.0, 1.0]))
    ('+', '+/-')
    """
    if array is None:
        return "?"
    tol = rounding(array)
    up, down = bool(np.any(array > tol)), bool(np.any(array < -tol))
    if up and down:
        return "+/-"
    return "+" if up else "-" if down else "0"
