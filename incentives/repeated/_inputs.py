"""What the repeated-game analyses take: the target profile, and rates given as numbers or formulas (private).

A *rate* (the discount factor, a detection probability) is a number or a formula of
the model-file language over the model's parameters and KPIs.  A formula is read with
:func:`incentives.formula.parse_formula` (never ``eval``) and evaluated at one profile
of the evaluated model: KPIs take their value there, so a KPI that does not depend on
actions (``detection: 1 / (1 + headcount / 20)``) is a formula of parameters only.
Over a batch of points (the what-if analyses) the swept quantities take each point's value.

In an exact model, rational numbers (and floats, read at their shortest repr, as a
model file reads ``0.1``) stay exact :class:`~fractions.Fraction` values.

A rate that is not given is the model's own, from its ``repeated`` section
(:class:`~incentives.model.RepeatedPlay`, see :func:`play_defaults`); errors about it
then name that field (``repeated.discount``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from .._util import Number
from ..analysis.optimum import company_optimum
from ..errors import RepeatedError
from ..evaluated import EvaluatedModel
from ..formula import formula_to_text, parse_formula, symbol
from ..game import Game
from ..model import Organization, RepeatedPlay
from ..tolerance import RTOL

__all__ = [
    "Rate",
    "Rates",
    "Target",
    "batch_targets",
    "check_range",
    "department_rates",
    "monitoring_rates",
    "number_rate",
    "play_defaults",
    "rate_at",
    "rates_over_batch",
    "source_rate",
    "target_profile",
]

#: A discount factor or a probability: a number, or a formula over parameters and KPIs.
Rate = int | float | Fraction | str

#: A target profile: ``{department: action}``, or one action (index or name) per department.
Target = Mapping[str, str] | Sequence[int | str] | None


@dataclass(frozen=True, kw_only=True)
class Rates:
    """The discount factor and the detection probabilities to use, and the names errors give them.

    Parameters
    ----------
    discount : Rate or None
    monitoring : Rate or mapping of str to Rate
    discount_name, monitoring_name : str
        ``"discount"`` and ``"monitoring"`` when given by the caller; ``"repeated.discount"``
        and ``"repeated.monitoring"`` when they come from the model's section.
    """

    discount: Rate | None
    monitoring: Rate | Mapping[str, Rate]
    discount_name: str = "discount"
    monitoring_name: str = "monitoring"


def _play(source: Any) -> RepeatedPlay | None:
    if isinstance(source, Organization):
        return source.repeated
    if isinstance(source, EvaluatedModel):
        return source.organization.repeated
    return None


def _as_rate(expr: sympy.Expr) -> Rate:
    if expr.is_Rational:
        return Fraction(int(expr.p), int(expr.q))
    if expr.is_Float:
        return float(expr)
    return formula_to_text(expr)


def play_defaults(
    source: Organization | EvaluatedModel | Game, discount: Rate | None, monitoring: Rate | Mapping[str, Rate] | None
) -> Rates:
    """The rates to use: those given, else the model's ``repeated`` section, else no discount and monitoring 1.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/keeping_close.yaml")
    >>> rates = play_defaults(org, None, 0.5)
    >>> rates.discount, rates.discount_name, rates.monitoring
    ('quarterly_discount/(headcount/regroup_scale + 1)', 'repeated.discount', 0.5)
    """
    play = _play(source)
    out = Rates(discount=discount, monitoring=1 if monitoring is None else monitoring)
    if play is None:
        return out
    if discount is None and play.discount is not None:
        out = replace(out, discount=_as_rate(play.discount), discount_name="repeated.discount")
    if monitoring is None and play.monitoring is not None:
        given = play.monitoring
        rates = {d: _as_rate(e) for d, e in given.items()} if isinstance(given, Mapping) else _as_rate(given)
        out = replace(out, monitoring=rates, monitoring_name="repeated.monitoring")
    return out


def _what(name: str) -> str:
    """How an error names a rate: ``The 'discount' parameter``, or ``The model's repeated.discount``."""
    return f"The model's {name}" if name.startswith("repeated.") else f"The {name!r} parameter"


def target_profile(model: EvaluatedModel | Game, target: Target, *, name: str = "target") -> tuple[int, ...]:
    """Action indices of ``target``; None is the company optimum (the first, when several profiles tie)."""
    game = model.game if isinstance(model, EvaluatedModel) else model
    if target is None:
        return company_optimum(model).profile
    if isinstance(target, Mapping):
        missing = [d for d in game.players if d not in target]
        unknown = [d for d in target if d not in game.players]
        if missing or unknown:
            raise RepeatedError(
                f"The {name!r} parameter must give one action of every department {list(game.players)}; "
                f"missing {missing}, unknown {unknown}"
            )
        return tuple(_action(game, d, str(target[d]), name) for d in game.players)
    items = list(target)
    if len(items) != game.n_players:
        raise RepeatedError(
            f"The {name!r} parameter must give one action per department ({game.n_players}); got {len(items)}"
        )
    out = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            out.append(_action(game, i, item, name))
        elif isinstance(item, int | np.integer) and not isinstance(item, bool) and 0 <= int(item) < game.shape[i]:
            out.append(int(item))
        else:
            raise RepeatedError(
                f"The {name!r} parameter must give {game.players[i]!r} an action name or an index in "
                f"[0, {game.shape[i]}). Got {item!r} instead."
            )
    return tuple(out)


def _action(game: Game, player: int | str, action: str, name: str) -> int:
    try:
        return game.action_index(player, action)
    except ValueError as err:
        raise RepeatedError(f"The {name!r} parameter: {err}") from None


def batch_targets(batch: EvaluatedModel, target: Target) -> np.ndarray:
    """``(P, N)`` action indices of the target at each point of a batch (None: each point's company optimum)."""
    points = batch.batch_shape[0]
    if target is not None:
        fixed = target_profile(batch.point(0), target)
        return np.tile(np.array(fixed, dtype=int), (points, 1))
    values = np.asarray(batch.company_value, dtype=float).reshape(points, -1)
    best = values.max(axis=1, keepdims=True)
    slack = RTOL * np.maximum(1.0, np.abs(best))  # ties as company_optimum takes them: the first profile wins
    flat = np.argmax(values >= best - slack, axis=1)
    return np.stack(np.unravel_index(flat, batch.shape), axis=1).astype(int)


def _exact_number(value: Any) -> Fraction | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, float | np.floating) and np.isfinite(value):
        return Fraction(repr(float(value)))
    return None


def _formula(model: EvaluatedModel, text: str, name: str) -> sympy.Expr:
    names = set(model.organization.parameters) | set(model.organization.kpis)
    return parse_formula(text, names=names, field=name)


def _parameter_values(model: EvaluatedModel) -> dict[sympy.Symbol, sympy.Expr]:
    values = {symbol(k): v for k, v in model.organization.parameters.items()}
    if model.quantities and model.points.shape[0] == 1:  # one point taken from a batch
        for j, quantity in enumerate(model.quantities):
            values[symbol(quantity)] = sympy.Float(float(model.points[0, j]))
    return values


def number_rate(value: Any, *, name: str, exact: bool) -> Number:
    """A rate given as a number: a Fraction when ``exact`` and it is rational, else a float."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        raise RepeatedError(
            f"{_what(name)} must be a number or a formula of the model's parameters and KPIs. Got {value!r} instead."
        )
    rational = _exact_number(value)
    if exact and rational is not None:
        return rational
    return float(value)


def rate_at(model: EvaluatedModel, value: Rate, *, name: str, profile: Sequence[int]) -> Number:
    """A rate's value at ``profile`` of an (unbatched) evaluated model: exact in an exact model when rational.

    Raises
    ------
    FormulaError
        If a formula does not parse or names something that is not a parameter or KPI.
    RepeatedError
        If ``value`` is neither a number nor a formula.
    """
    if not isinstance(value, str):
        return number_rate(value, name=name, exact=model.exact)
    expr = _formula(model, value, name)
    kpis = {symbol(k): _sympy_number(np.asarray(v)[tuple(profile)]) for k, v in model.kpis.items()}
    result = expr.xreplace(_parameter_values(model)).xreplace(kpis)
    if not result.is_number or not result.is_real:
        raise RepeatedError(f"{_what(name)} ({value!r}) is not a real number at the target: {result}")
    if model.exact and result.is_Rational:
        return Fraction(int(result.p), int(result.q))
    return float(result)


def source_rate(source: EvaluatedModel | Game, value: Rate, *, name: str, profile: Sequence[int]) -> Number:
    """A rate of an evaluated model (see :func:`rate_at`), or of a bare game (numbers only)."""
    if isinstance(source, EvaluatedModel):
        return rate_at(source, value, name=name, profile=profile)
    if isinstance(value, str):
        raise RepeatedError(
            f"{_what(name)} is a formula ({value!r}), which needs a model: give a number for a bare game"
        )
    return number_rate(value, name=name, exact=source.is_exact)


def department_rates(
    players: Sequence[str], monitoring: Rate | Mapping[str, Rate], *, name: str = "monitoring"
) -> list[Rate]:
    """One detection rate per department, from one rate for all or ``{department: rate}`` (missing ones: 1)."""
    if not isinstance(monitoring, Mapping):
        return [monitoring] * len(players)
    unknown = [d for d in monitoring if d not in players]
    if unknown:
        raise RepeatedError(f"{_what(name)} names unknown departments {unknown}; the departments are {list(players)}")
    return [monitoring.get(d, 1) for d in players]


def monitoring_rates(
    source: EvaluatedModel | Game,
    monitoring: Rate | Mapping[str, Rate],
    *,
    profile: Sequence[int],
    name: str = "monitoring",
) -> tuple[Number, ...]:
    """Each department's detection probability: one rate for all, or ``{department: rate}`` (missing ones: 1)."""
    rates = department_rates(source.players, monitoring, name=name)
    out = tuple(source_rate(source, r, name=name, profile=profile) for r in rates)
    check_range(out, name=name, low=0.0, high=1.0, high_open=False)
    return out


def _sympy_number(value: Any) -> sympy.Expr:
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return sympy.Float(float(value))


def rates_over_batch(batch: EvaluatedModel, value: Rate, *, name: str, profiles: np.ndarray) -> np.ndarray:
    """A rate at each point of a batch, at that point's profile (``profiles`` is ``(P, N)``): a float array ``(P,)``."""
    points = batch.batch_shape[0]
    if not isinstance(value, str):
        return np.full(points, float(number_rate(value, name=name, exact=False)))
    expr = _formula(batch, value, name)
    kept = set(batch.quantities)
    fixed = {symbol(k): v for k, v in batch.organization.parameters.items() if k not in kept}
    expr = expr.xreplace(fixed)
    used = sorted(expr.free_symbols, key=str)
    rows = np.arange(points)
    arguments = []
    for sym in used:
        if sym.name in kept:
            arguments.append(batch.points[:, batch.quantities.index(sym.name)])
        else:  # a KPI, at each point's profile
            array = np.asarray(batch.kpis[sym.name], dtype=float)
            arguments.append(array[(rows, *profiles.T)])
    with np.errstate(all="ignore"):
        result = sympy.lambdify(used, expr, modules="numpy")(*arguments)
    out = np.broadcast_to(np.asarray(result, dtype=float), (points,)).copy()
    if not np.all(np.isfinite(out)):
        bad = int(np.flatnonzero(~np.isfinite(out))[0])
        raise RepeatedError(f"{_what(name)} ({value!r}) is not a finite number at point {bad} of the batch")
    return out


def check_range(value: Any, *, name: str, low: float, high: float, high_open: bool) -> None:
    """Refuse a rate outside ``[low, high]`` (or ``[low, high)``), naming it."""
    number = np.asarray(value, dtype=float)
    bad = (number < low) | ((number >= high) if high_open else (number > high))
    if np.any(bad):
        shown = float(number.ravel()[np.flatnonzero(bad.ravel())[0]])
        bracket = ")" if high_open else "]"
        raise RepeatedError(f"{_what(name)} must be in [{low:g}, {high:g}{bracket}. Got {shown!r} instead.")
