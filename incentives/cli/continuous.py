"""``incentives continuous``: best responses, equilibria, second-order checks and gaming of a continuous model."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import (
    Emitter,
    fail_cleanly,
    max_seconds_option,
    model_file,
    report_options,
    time_limit,
)

if TYPE_CHECKING:
    from ..continuous.result import ContinuousSolution

__all__ = ["CONTINUOUS_ADVICE", "continuous"]

#: What the message of a continuous analysis that ran out of time suggests.
CONTINUOUS_ADVICE = (
    "the continuous analysis",
    "use --method numeric, keep fewer parameters symbolic, or allow more time",
)


@click.command()
@click.argument("model", type=model_file)
@click.option(
    "--method",
    "-m",
    type=click.Choice(["auto", "symbolic", "numeric"]),
    default="auto",
    show_default=True,
    help="Closed form from the first-order conditions, numeric search, or closed form where possible.",
)
@click.option(
    "--symbolic",
    "symbolic",
    multiple=True,
    metavar="PARAMETER",
    help="Keep this parameter a symbol in the formulas (repeat; 'all' for every parameter).",
)
@click.option(
    "--plan",
    "plan",
    multiple=True,
    metavar="PARAMETER",
    help="Also find the company's optimal value of this parameter (a bonus weight; repeat for several).",
)
@click.option(
    "--objective",
    type=click.Choice(["surplus", "profit"]),
    default="surplus",
    show_default=True,
    help="What the company maximises when it chooses the plan (--plan).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0, max=2**63 - 1),
    default=0,
    show_default=True,
    help="Seed of the numeric search's random starts.",
)
@max_seconds_option("Time budget of the whole analysis (closed forms, numeric search, gaming gaps and --plan).")
@report_options()
@fail_cleanly
def continuous(
    model: Path,
    method: str,
    symbolic: tuple[str, ...],
    plan: tuple[str, ...],
    objective: str,
    seed: int,
    max_seconds: float,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Best responses, verified equilibria, second-order checks and gaming gaps of a model with continuous variables."""
    from ..continuous.gaming import gaming_gaps
    from ..continuous.principal import optimal_plan
    from ..continuous.solve import solve_continuous
    from ..errors import SolverError, TimeLimitError
    from ..readwrite.model_file import load_model
    from ..report.continuous import ContinuousReport

    emitter = Emitter.prepare(fmt, output)
    org = load_model(model)
    keep: bool | list[str] = True if "all" in symbolic else list(symbolic)
    with time_limit(max_seconds, CONTINUOUS_ADVICE):
        solution = solve_continuous(org, method=method, symbolic=keep, rng=seed)
        try:
            gaps = gaming_gaps(org, solution, symbolic=keep)
        except TimeLimitError:
            raise
        except SolverError as err:
            gaps = ()
            solution = _with_note(solution, f"no gaming gaps: {err}")
        designed = optimal_plan(org, list(plan), objective=objective, symbolic=keep, rng=seed) if plan else None
    emitter.emit(ContinuousReport(solution=solution, gaps=tuple(gaps), plan=designed))


def _with_note(solution: ContinuousSolution, note: str) -> ContinuousSolution:
    return replace(solution, notes=(*solution.notes, note))
