"""``incentives sweep``: the equilibria, company value and gaming over a grid or sample of parameter values."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click

from ..limits import MAX_POINTS
from ._common import (
    Emitter,
    Method,
    fail_cleanly,
    max_seconds_option,
    method_option,
    model_file,
    plot_option,
    report_options,
    save_picture,
)
from ._rates import RepeatedOptions, rate_options

__all__ = ["parse_param", "sweep"]


def parse_param(text: str, samples: int | None) -> tuple[str, Any]:
    """``NAME=START:STOP:NUM`` as ``(name, values)``, or ``NAME=START:STOP`` as ``(name, (low, high))`` for samples.

    ``NAME=VALUE`` fixes the quantity at one value.
    """
    name, eq, spec = text.partition("=")
    name, spec = name.strip(), spec.strip()
    usage = "expected NAME=START:STOP:NUM (a grid), NAME=START:STOP (with --samples) or NAME=VALUE"
    if not eq or not name or not spec:
        raise click.BadParameter(f"{text!r}: {usage}", param_hint="--param")
    parts = spec.split(":")
    try:
        numbers = [float(p) for p in parts[:2]]
    except ValueError:
        raise click.BadParameter(f"{text!r}: START and STOP must be numbers; {usage}", param_hint="--param") from None
    if not all(math.isfinite(v) for v in numbers):
        raise click.BadParameter(f"{text!r}: START and STOP must be finite numbers", param_hint="--param")
    if len(parts) == 1:
        return name, (numbers[0], numbers[0]) if samples else [numbers[0]]
    if len(parts) not in (2, 3) or (len(parts) == 2 and not samples):
        raise click.BadParameter(f"{text!r}: {usage}", param_hint="--param")
    if samples:
        return name, (numbers[0], numbers[1])
    try:
        count = int(parts[2])
    except ValueError:
        count = 0
    if count < 1:
        raise click.BadParameter(f"{text!r}: NUM must be a whole number of points, 1 or more", param_hint="--param")
    if count > MAX_POINTS:
        raise click.BadParameter(
            f"{text!r}: {count:,} points; a sweep takes at most {MAX_POINTS:,} (use fewer, or --samples N)",
            param_hint="--param",
        )
    import numpy as np

    return name, np.linspace(numbers[0], numbers[1], count)


def _check_outputs(table: Path | None, plot: Path | None, count: int) -> None:
    from ..whatif.results import TABLE_SUFFIXES

    if table is not None:
        if table.suffix.lower() not in TABLE_SUFFIXES:
            raise click.BadParameter(
                f"{table}: expected a file ending in {', '.join(TABLE_SUFFIXES)}", param_hint="--table"
            )
        if table.suffix.lower() == ".parquet":
            from ..whatif.results import require_parquet

            require_parquet()
    if plot is not None and count not in (1, 2):
        raise click.BadParameter(f"a plot shows 1 or 2 quantities; this sweep varies {count}", param_hint="--plot")


def _executor(scheduler: str | None) -> Any:
    if scheduler is None:
        return None
    try:
        from distributed import Client
    except ImportError:
        raise click.UsageError("--scheduler needs Dask: pip install 'incentives[dask]'") from None
    try:
        return Client(scheduler, timeout=30)
    except (OSError, TimeoutError) as err:
        raise click.ClickException(f"could not connect to the Dask scheduler at {scheduler}: {err}") from None


@click.command()
@click.argument("model", type=model_file)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    required=True,
    metavar="NAME=START:STOP:NUM",
    help="A quantity and its values (repeatable): a parameter, bonus.DEPARTMENT.KPI or costs.DEPARTMENT.ACTION. "
    "Several --param make a grid of every combination; with --samples give NAME=START:STOP.",
)
@click.option(
    "--samples",
    type=click.IntRange(min=1, max=MAX_POINTS),
    help="Latin-hypercube sample of N points instead of a grid.",
)
@click.option("--seed", type=click.IntRange(min=0, max=2**63 - 1), help="Seed of the Latin-hypercube sample.")
@method_option()
@click.option(
    "--table",
    type=click.Path(dir_okay=True, path_type=Path),
    metavar="FILE",
    help="Also write every point's record to .csv, .json (a list of records) or .parquet (written only once the "
    "sweep is complete).",
)
@click.option(
    "--repeated",
    "with_repeated",
    is_flag=True,
    help="Also give every point the critical discount factors of repeated play (by reversion and by minmax), the "
    "binding department, the smallest detection probability and whether the target is sustained, with the rates "
    "below or the model's repeated section (giving --discount, --monitoring or --target implies it).",
)
@rate_options()
@click.option(
    "--reversion-method",
    type=Method(),
    default="pure",
    show_default=True,
    help="With --repeated: how the stage equilibria reverted to are found; pure is vectorised over the points, "
    "another method solves each distinct stage game.",
)
@plot_option(
    "Also draw the sweep against one quantity (with --repeated: δ*, p* and the credible bonus), or a phase diagram "
    "over two, into this picture"
)
@max_seconds_option(
    "Time budget of each point's equilibrium search, its checks included (a point that runs out says so in "
    "its status column, budget_exhausted)."
)
@click.option("--scheduler", metavar="ADDRESS", help="Run on a Dask cluster: the scheduler's address, tcp://HOST:PORT.")
@click.option("--workers", type=click.IntRange(min=1, max=1024), help="Local worker processes (default: every core).")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@report_options()
@fail_cleanly
def sweep(
    model: Path,
    params: tuple[str, ...],
    samples: int | None,
    seed: int | None,
    method: str,
    table: Path | None,
    plot: Path | None,
    scheduler: str | None,
    workers: int | None,
    max_seconds: float,
    no_progress: bool,
    fmt: str | None,
    output: Path | None,
    with_repeated: bool,
    repeated_options: RepeatedOptions,
    reversion_method: str,
) -> None:
    """Solve the model at many parameter values: equilibria, company value, price of anarchy, who games.

    The report sums up each set of equilibria found (with --repeated, also where the target
    of repeated play is sustained, who binds, and δ* and p* there); its JSON document
    (incentives.sweep/2) and --table hold every point.
    """
    from ..readwrite.model_file import load_model
    from ..whatif import grid, latin_hypercube
    from ..whatif import sweep as run

    axes = dict(parse_param(p, samples) for p in params)
    if len(axes) != len(params):
        raise click.BadParameter("each quantity may be given once", param_hint="--param")
    hints = dict.fromkeys((".csv", ".parquet"), "--table for the table of points")
    emitter = Emitter.prepare(fmt, output, elsewhere=hints, also=[table, plot])
    try:
        _check_outputs(table, plot, len(axes))
    except ImportError as err:
        raise click.ClickException(str(err)) from None
    org = load_model(model)
    columns = _repeated_columns(org, with_repeated, repeated_options, reversion_method)
    points = latin_hypercube(axes, samples, rng=seed) if samples else grid(axes)
    executor = _executor(scheduler)
    try:
        result = run(
            org,
            points,
            method=method,
            executor=executor,
            workers=workers,
            progress=False if no_progress else None,
            max_seconds=max_seconds,
            repeated=columns,
        )
    finally:
        if executor is not None:
            executor.close()
    emitter.emit(result)
    if table is not None:
        result.save(table)
        click.echo(f"wrote {table}", err=True)
    if plot is not None:
        save_picture(_figure(result), plot)


def _repeated_columns(org: Any, wanted: bool, options: RepeatedOptions, method: str) -> Any:
    """The repeated-play columns asked for, or None: --repeated, or any of its rates or target."""
    given = options.discount is not None or options.monitoring.everyone is not None or options.monitoring.named
    if not (wanted or given or options.target is not None or method != "pure"):
        return None
    from ..whatif.repeated import RepeatedColumns

    return RepeatedColumns(**options.arguments(org.department_names), equilibria=method)


def _figure(result: Any) -> Any:
    from ..whatif.plots import plot_phase_diagram, plot_repeated_sweep, plot_sweep

    if len(result.names) == 1:
        return plot_sweep(result) if result.repeated is None else plot_repeated_sweep(result)
    return plot_phase_diagram(result)
