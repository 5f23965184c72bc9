"""``incentives solve``: verified equilibria of a model file or a Gambit game."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import (
    exact_option,
    existing_file,
    fail_cleanly,
    format_option,
    load_game,
    max_seconds_option,
    method_choices,
    output_option,
    render_document,
    write_report,
)

__all__ = ["solve"]


@click.command()
@click.argument("file", type=existing_file)
@click.option(
    "--method",
    "-m",
    type=click.Choice(method_choices()),
    default="all",
    show_default=True,
    help="'all': every isolated equilibrium, and a point of every set of equilibria (components); "
    "'logit': one equilibrium of a large game, fast.",
)
@format_option
@exact_option
@max_seconds_option
@click.option(
    "--tol",
    type=click.FloatRange(min=0, min_open=True),
    default=1e-9,
    show_default=True,
    help="Regret tolerance, relative to the largest payoff.",
)
@output_option
@fail_cleanly
def solve(
    file: Path, method: str, fmt: str, exact: bool | None, max_seconds: float, tol: float, output: Path | None
) -> None:
    """Find and verify the equilibria of a model file or a Gambit .nfg game."""
    from ..report.json import dumps, solve_to_dict
    from ..report.text import solve_renderables, to_text
    from ..solvers import solve as run

    game = load_game(file, exact)
    result = run(game, method, tol=tol, max_seconds=max_seconds)
    if fmt in ("markdown", "html"):
        text = render_document(result, fmt)
    else:
        text = dumps(solve_to_dict(result)) if fmt == "json" else to_text(solve_renderables(result))
    write_report(text, output)
