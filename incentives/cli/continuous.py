"""``incentives continuous``: best responses, equilibria, second-order checks and gaming of a continuous model."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import fail_cleanly, model_file, output_option, text_or_json_option, write_report

if TYPE_CHECKING:
    from ..continuous.result import ContinuousSolution

__all__ = ["continuous"]


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
@text_or_json_option("incentives.continuous/1")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the numeric search's random starts.")
@output_option
@fail_cleanly
def continuous(
    model: Path,
    method: str,
    symbolic: tuple[str, ...],
    plan: tuple[str, ...],
    objective: str,
    fmt: str,
    seed: int,
    output: Path | None,
) -> None:
    """Best responses, verified equilibria, second-order checks and gaming gaps of a model with continuous variables."""
    from ..continuous.gaming import gaming_gaps
    from ..continuous.principal import optimal_plan
    from ..continuous.report import solution_to_dict, solution_to_text
    from ..continuous.solve import solve_continuous
    from ..errors import SolverError
    from ..readwrite.model_file import load_model
    from ..report.json import dumps

    org = load_model(model)
    keep: bool | list[str] = True if "all" in symbolic else list(symbolic)
    solution = solve_continuous(org, method=method, symbolic=keep, rng=seed)
    try:
        gaps = gaming_gaps(org, solution, symbolic=keep)
    except SolverError as err:
        gaps = ()
        solution = _with_note(solution, f"no gaming gaps: {err}")
    designed = optimal_plan(org, list(plan), objective=objective, symbolic=keep, rng=seed) if plan else None
    if fmt == "json":
        text = dumps(solution_to_dict(solution, gaps, designed))
    else:
        text = solution_to_text(solution, gaps, designed)
    write_report(text, output)


def _with_note(solution: ContinuousSolution, note: str) -> ContinuousSolution:
    return replace(solution, notes=(*solution.notes, note))
