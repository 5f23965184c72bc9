"""``incentives thresholds``: exact values of parameters or bonus weights where equilibria and gaming change."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click

from ._common import (
    Emitter,
    fail_cleanly,
    max_seconds_option,
    model_file,
    report_options,
    time_limit,
)
from ._rates import RepeatedOptions, parse_target, rate_options

__all__ = ["THRESHOLDS_ADVICE", "parse_symbol", "thresholds", "time_limit"]

#: What the message of a threshold analysis that ran out of time suggests.
THRESHOLDS_ADVICE = (
    "the threshold analysis",
    "keep fewer quantities symbolic, give them ranges (NAME=LOW:HIGH), or allow more time",
)


def parse_symbol(text: str) -> tuple[str, tuple[str | None, str | None] | None]:
    """``NAME`` or ``NAME=LOW:HIGH`` (either end may be empty) as ``(name, (low, high) or None)``."""
    name, eq, spec = text.partition("=")
    name = name.strip()
    if not name:
        raise click.BadParameter(f"{text!r}: expected NAME or NAME=LOW:HIGH", param_hint="--symbol")
    if not eq:
        return name, None
    low, colon, high = spec.partition(":")
    if not colon:
        raise click.BadParameter(f"{text!r}: expected NAME=LOW:HIGH (either end may be empty)", param_hint="--symbol")
    bounds = []
    for part in (low.strip(), high.strip()):
        if part:
            try:
                finite = math.isfinite(float(part))
            except ValueError:
                raise click.BadParameter(f"{text!r}: {part!r} is not a number", param_hint="--symbol") from None
            if not finite:
                raise click.BadParameter(
                    f"{text!r}: {part!r} is not a finite number (leave the end empty for no bound)",
                    param_hint="--symbol",
                )
        bounds.append(part or None)
    return name, (bounds[0], bounds[1])


@click.command()
@click.argument("model", type=model_file)
@click.option(
    "--symbol",
    "-s",
    "symbols",
    multiple=True,
    required=True,
    metavar="NAME[=LOW:HIGH]",
    help="A quantity kept symbolic (repeatable): a parameter, bonus.DEPARTMENT.KPI or costs.DEPARTMENT.ACTION, "
    "optionally restricted to a range (either end may be empty, as in customers_per_deal=0:).",
)
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    metavar='"DEPT=ACTION, ..."',
    help="A profile whose equilibrium region to report (repeatable). Default: with one quantity every profile that "
    "is an equilibrium somewhere, with several the equilibria and optimum at the model's values.",
)
@click.option(
    "--repeated",
    "with_repeated",
    is_flag=True,
    help="Instead: where repeated play sustains the target, exactly (each department's grim-trigger condition, "
    "its critical discount factor and smallest detection probability as formulas, the critical values such "
    "as the size at which the common goal collapses, and the relational contract: the largest credible "
    "discretionary bonus, the bonus each department needs and where the first covers the second), with the "
    "rates below or the model's repeated section.",
)
@rate_options()
@click.option(
    "--reversion",
    metavar='"DEPT=ACTION, ..."|pure-minmax',
    help="With --repeated: the punishment, a profile played for ever after a deviation, or pure-minmax. Default: "
    "the pure stage equilibrium worst for each department (at the model's values).",
)
@max_seconds_option("Time budget of the exact analysis; past it the command stops with an error.")
@report_options()
@fail_cleanly
def thresholds(
    model: Path,
    symbols: tuple[str, ...],
    profiles: tuple[str, ...],
    max_seconds: float,
    fmt: str | None,
    output: Path | None,
    with_repeated: bool,
    repeated_options: RepeatedOptions,
    reversion: str | None,
) -> None:
    """Where equilibria appear and vanish and who games, as exact inequalities in some parameters or bonus weights.

    With --repeated, where repeated play sustains the target instead (JSON document
    incentives.sustainability/1).
    """
    import sympy

    from ..readwrite.model_file import load_model
    from ..whatif.thresholds import thresholds as run

    emitter = Emitter.prepare(fmt, output)
    parsed = [parse_symbol(s) for s in symbols]
    names = [name for name, _ in parsed]
    domain = {
        name: tuple(None if b is None else sympy.Rational(b) for b in bounds)
        for name, bounds in parsed
        if bounds is not None
    }
    org = load_model(model)
    if with_repeated or reversion is not None or _rates_given(repeated_options):
        if profiles:
            raise click.UsageError("--profile is for the equilibrium regions; with --repeated give --target")
        with time_limit(max_seconds, THRESHOLDS_ADVICE):
            result = _sustainability(org, names, domain, repeated_options, reversion)
        emitter.emit(result)
        return
    with time_limit(max_seconds, THRESHOLDS_ADVICE):
        result = run(org, names, profiles=list(profiles) or None, domain=domain)
    emitter.emit(result)


def _rates_given(options: RepeatedOptions) -> bool:
    return bool(
        options.discount is not None
        or options.monitoring.everyone is not None
        or options.monitoring.named
        or options.target is not None
    )


def _sustainability(
    org: Any, names: list[str], domain: dict[str, Any], options: RepeatedOptions, reversion: str | None
) -> Any:
    from ..whatif.sustainability import sustainability

    punishment: Any = reversion
    if reversion is not None and reversion.strip().lower().replace("_", "-") in ("pure-minmax", "pure minmax"):
        punishment = "pure minmax"
    elif reversion is not None:
        punishment = parse_target(reversion)
    return sustainability(org, names, **options.arguments(org.department_names), reversion=punishment, domain=domain)
