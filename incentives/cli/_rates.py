"""The options of repeated play, shared by ``repeated``, ``sweep --repeated`` and ``thresholds --repeated``.

``--discount RATE`` and ``--monitoring RATE`` (or ``--monitoring DEPT=RATE``, repeatable) take
a number or the text of a formula over the model's parameters and KPIs; a number must be
finite and in range (a discount factor in ``[0, 1)``, a probability in ``[0, 1]``), a formula
is read by the model's restricted parser when the model is loaded.  ``--target
DEPT=ACTION,...`` names the profile to sustain.  Left out, the rates are the model's own
(its ``repeated`` section) and the target is the company optimum.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import click

__all__ = ["Monitoring", "RateParam", "RepeatedOptions", "parse_target", "rate_options"]

_DEPARTMENT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)(.*)$", re.DOTALL)


class RateParam(click.ParamType):
    """A rate: a finite number in ``[0, 1)`` (``high_open``) or ``[0, 1]``, or the text of a formula.

    Examples
    --------
    >>> RateParam(high_open=True).convert("0.9", None, None), RateParam().convert("1 / (1 + teams)", None, None)
    (0.9, '1 / (1 + teams)')
    """

    name = "rate"

    def __init__(self, *, high_open: bool = False) -> None:
        self.high_open = high_open

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float | str:
        if isinstance(value, float):
            return value
        text = str(value).strip()
        if not text:
            self.fail("expected a number or a formula; got nothing", param, ctx)
        try:
            number = float(text)
        except ValueError:
            return text  # a formula: parsed against the model's names once it is loaded
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        bracket = ")" if self.high_open else "]"
        if number < 0 or number > 1 or (self.high_open and number == 1):
            self.fail(f"{value!r} must be in [0, 1{bracket}", param, ctx)
        return number


@dataclass(frozen=True)
class Monitoring:
    """``--monitoring`` as given: one rate for every department, and rates for named departments."""

    everyone: float | str | None = None
    named: tuple[tuple[str, float | str], ...] = ()

    def resolve(self, departments: tuple[str, ...]) -> float | str | Mapping[str, float | str] | None:
        """The ``monitoring`` argument of the library: None (the model's), one rate, or one per department.

        Raises
        ------
        click.BadParameter
            If a named department is not one of the model's.
        """
        if not self.named:
            return self.everyone
        unknown = [d for d, _ in self.named if d not in departments]
        if unknown:
            noun = "department" if len(unknown) == 1 else "departments"
            raise click.BadParameter(
                f"unknown {noun} {unknown}; the departments are {list(departments)}", param_hint="--monitoring"
            )
        rates: dict[str, float | str] = dict.fromkeys(departments, 1.0 if self.everyone is None else self.everyone)
        rates.update(dict(self.named))
        return rates


def parse_monitoring(values: tuple[str, ...]) -> Monitoring:
    """``--monitoring`` values: ``RATE`` (at most once) and ``DEPT=RATE`` (each department once)."""
    everyone: float | str | None = None
    named: dict[str, float | str] = {}
    for text in values:
        match = _DEPARTMENT.match(text)
        if match is None:
            if everyone is not None:
                raise click.BadParameter("give one rate for every department at most once", param_hint="--monitoring")
            try:
                everyone = RateParam().convert(text, None, None)
            except click.BadParameter as err:
                raise click.BadParameter(err.message, param_hint="--monitoring") from None
            continue
        department, rate = match.group(1), match.group(2)
        if department in named:
            raise click.BadParameter(f"{department!r} is given twice", param_hint="--monitoring")
        try:
            named[department] = RateParam().convert(rate, None, None)
        except click.BadParameter as err:
            raise click.BadParameter(f"{text!r}: {err.message}", param_hint="--monitoring") from None
    return Monitoring(everyone=everyone, named=tuple(named.items()))


def parse_target(text: str | None) -> dict[str, str] | None:
    """``--target "sales=consultative, support=thorough"`` as ``{department: action}`` (None: the company optimum)."""
    if text is None:
        return None
    pairs = [item.partition("=") for item in text.replace(";", ",").split(",") if item.strip()]
    bad = [a for a, eq, b in pairs if not eq or not a.strip() or not b.strip()]
    if bad or not pairs:
        raise click.BadParameter(f"{text!r}: expected DEPT=ACTION, one for every department", param_hint="--target")
    target = {a.strip(): b.strip() for a, _, b in pairs}
    if len(target) != len(pairs):
        raise click.BadParameter(f"{text!r}: a department is given twice", param_hint="--target")
    return target


@dataclass(frozen=True)
class RepeatedOptions:
    """The options of repeated play, as given on the command line."""

    discount: float | str | None
    monitoring: Monitoring
    target: dict[str, str] | None

    def arguments(self, departments: tuple[str, ...]) -> dict[str, Any]:
        """Keyword arguments of the library's functions: ``discount``, ``monitoring``, ``target``."""
        return {"discount": self.discount, "monitoring": self.monitoring.resolve(departments), "target": self.target}


def _gather(kwargs: dict[str, Any]) -> RepeatedOptions:
    return RepeatedOptions(
        discount=kwargs.pop("discount"),
        monitoring=parse_monitoring(kwargs.pop("monitoring")),
        target=parse_target(kwargs.pop("target")),
    )


def rate_options(*, target: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--discount``, ``--monitoring`` and ``--target``, handed to the command as one ``repeated_options``."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)  # keeps the options already attached to func
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not target:
                kwargs["target"] = None
            return func(*args, repeated_options=_gather(kwargs), **kwargs)

        command: Callable[..., Any] = wrapper
        if target:
            command = click.option(
                "--target",
                metavar='"DEPT=ACTION, ..."',
                help="The profile to keep to every period, one action for every department. Default: the company "
                "optimum (at each point of a sweep).",
            )(command)
        command = click.option(
            "--monitoring",
            multiple=True,
            metavar="RATE|DEPT=RATE",
            help="The probability that a deviation is seen in the period it happens: one RATE for every department, "
            "or DEPT=RATE (repeatable; departments not named get the one RATE, else 1). A number in [0, 1] or a "
            "formula of the model's parameters and KPIs. Default: the model's repeated.monitoring, else 1.",
        )(command)
        return click.option(
            "--discount",
            type=RateParam(high_open=True),
            metavar="RATE",
            help="The discount factor (next period's weight): a number in [0, 1) or a formula of the model's "
            "parameters and KPIs, such as '0.95 / (1 + headcount / 400)'. Default: the model's repeated.discount.",
        )(command)

    return decorate
