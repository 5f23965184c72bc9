"""``incentives solve``: verified equilibria of a model file or a Gambit game."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import (
    Emitter,
    Number,
    exact_option,
    existing_file,
    fail_cleanly,
    load_game,
    max_seconds_option,
    method_option,
    report_options,
)

__all__ = ["solve"]


@click.command()
@click.argument("file", type=existing_file)
@method_option(
    help="'all': every isolated equilibrium, and a point of every set of equilibria (components); "
    "'logit': one equilibrium of a large game, fast.",
)
@exact_option
@max_seconds_option()
@click.option(
    "--tol",
    type=Number(0, 1, low_open=True),
    default=1e-9,
    show_default=True,
    help="Regret tolerance, relative to the largest payoff.",
)
@report_options()
@fail_cleanly
def solve(
    file: Path, method: str, exact: bool | None, max_seconds: float, tol: float, fmt: str | None, output: Path | None
) -> None:
    """Find and verify the equilibria of a model file or a Gambit .nfg game."""
    from ..solvers import solve as run

    emitter = Emitter.prepare(fmt, output)
    game = load_game(file, exact)
    emitter.emit(run(game, method, tol=tol, max_seconds=max_seconds))
