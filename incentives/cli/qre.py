"""``incentives qre``: logit quantal response equilibria of a model file or a Gambit game, by rationality."""

from __future__ import annotations

from pathlib import Path

import click

from ..limits import MAX_LAMBDA
from ._common import (
    Emitter,
    Number,
    existing_file,
    fail_cleanly,
    load_game,
    max_seconds_option,
    plot_option,
    report_options,
    save_picture,
)

__all__ = ["qre"]


@click.command()
@click.argument("file", type=existing_file)
@click.option(
    "--lambda",
    "-l",
    "lambdas",
    type=Number(0, MAX_LAMBDA),
    multiple=True,
    help="Rationality (per unit of payoff) at which to show the QRE; repeat for several. "
    "Default: points along the path to the Nash equilibrium it ends at.",
)
@max_seconds_option()
@plot_option("Also draw every action's probability against rationality into this picture")
@report_options()
@fail_cleanly
def qre(
    file: Path,
    lambdas: tuple[float, ...],
    max_seconds: float,
    plot: Path | None,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Logit quantal response equilibria: how departments play when they respond to payoffs, but not perfectly."""
    from ..report.qre import qre_report

    emitter = Emitter.prepare(fmt, output, also=[plot])
    report = qre_report(load_game(file, False), lambdas, max_seconds=max_seconds)
    emitter.emit(report)
    if plot is not None:
        from matplotlib.figure import Figure

        figure = Figure(figsize=(7, 4), layout="constrained")
        report.path.plot(figure.add_subplot())
        save_picture(figure, plot, bbox_inches="tight")
