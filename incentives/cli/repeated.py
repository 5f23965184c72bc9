"""``incentives repeated``: can the departments keep to the common goal when they play the game again and again?"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from ._common import (
    MODEL_SUFFIXES,
    Emitter,
    exact_option,
    existing_file,
    fail_cleanly,
    max_seconds_option,
    method_option,
    plot_option,
    report_options,
    save_picture,
)
from ._rates import RepeatedOptions, rate_options

__all__ = ["repeated"]

#: Most normals the payoff-set polygons may have.
MAX_DIRECTIONS = 4096


def _load(path: Path, exact: bool | None) -> Any:
    """An evaluated model (from a model file), or a game (from a Gambit .nfg file)."""
    if path.suffix.lower() == ".nfg":
        from ._common import load_game

        return load_game(path, exact)
    if path.suffix.lower() not in MODEL_SUFFIXES:
        raise click.BadParameter(
            f"{path}: expected a model file ({', '.join(MODEL_SUFFIXES)}) or a Gambit game (.nfg)", param_hint="FILE"
        )
    from ..build import evaluate_model
    from ..readwrite.model_file import load_model

    return evaluate_model(load_model(path), exact=exact)


def _check_plot(source: Any, options: dict[str, Any], payoff_set: bool) -> None:
    """Refuse ``--plot`` before any work when there will be no payoff set to draw."""
    from ..repeated import play_defaults

    if not payoff_set:
        raise click.UsageError("--plot draws the set of equilibrium payoffs: leave out --no-payoff-set")
    if len(source.players) != 2:
        raise click.UsageError(
            f"--plot draws the set of equilibrium payoffs of two departments; this model has "
            f"{len(source.players)} departments"
        )
    if play_defaults(source, options["discount"], options["monitoring"]).discount is None:
        raise click.UsageError("--plot draws the set of equilibrium payoffs at a discount factor: give --discount")


def _contract(source: Any, analysis: Any, options: dict[str, Any]) -> tuple[Any, Any]:
    """The relational contract at the analysis' discount factor, or why there is none (a note)."""
    from ..errors import RepeatedError
    from ..evaluated import EvaluatedModel
    from ..repeated import relational_contract

    if analysis.discount is None or not isinstance(source, EvaluatedModel):
        return None, analysis
    try:
        contract = relational_contract(
            source, discount=analysis.discount, monitoring=options["monitoring"], target=analysis.target,
            equilibria=analysis.equilibria,
        )  # fmt: skip
    except RepeatedError as err:
        return None, replace(analysis, notes=(*analysis.notes, f"no relational contract: {err}"))
    return contract, analysis


@click.command()
@click.argument("model", metavar="FILE", type=existing_file)
@rate_options()
@method_option("How the stage equilibria reverted to are found (each one is used, mixed ones too).")
@exact_option
@max_seconds_option()
@click.option(
    "--payoff-set/--no-payoff-set",
    default=True,
    show_default=True,
    help="For two departments and a discount factor, also approximate the set of subgame-perfect equilibrium "
    "payoffs (outer and inner polygons).",
)
@click.option(
    "--directions",
    type=click.IntRange(min=8, max=MAX_DIRECTIONS),
    default=128,
    show_default=True,
    help="Normals of the polygons approximating the payoff set.",
)
@click.option(
    "--contract/--no-contract",
    default=True,
    show_default=True,
    help="With a discount factor, also report the relational contract: the largest discretionary bonus the "
    "company can credibly promise, and whether it holds the target.",
)
@plot_option("Also draw the set of equilibrium payoffs of two departments (outer and inner polygons)")
@report_options()
@fail_cleanly
def repeated(
    model: Path,
    repeated_options: RepeatedOptions,
    method: str,
    exact: bool | None,
    max_seconds: float,
    payoff_set: bool,
    directions: int,
    contract: bool,
    plot: Path | None,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Repeated play: from which discount factor the departments keep to the target, who is tempted, what holds them.

    FILE is a model file (or a Gambit .nfg game, with numbers for the rates and a --target).
    The departments play its game every period; a deviation is seen with probability
    --monitoring and punished by reverting to a stage equilibrium (each one is reported, and
    the minmax bounds). The report gives each department's one-shot gain and critical discount
    factor, who binds, and with a discount factor the verdict, the smallest detection
    probability, the relational contract and, for two departments, the set of equilibrium
    payoffs. The JSON document is incentives.repeated/1.
    """
    from ..repeated import repeated as run
    from ..report.repeated import RepeatedReport

    emitter = Emitter.prepare(fmt, output, also=[plot])
    source = _load(model, exact)
    options = repeated_options.arguments(source.players)
    if options["target"] is None and getattr(source, "company_value", None) is None:
        raise click.UsageError(f"{model}: a game file has no company value to find the optimum by: give --target")
    if plot is not None:
        _check_plot(source, options, payoff_set)
    analysis = run(
        source, **options, equilibria=method, payoff_set=payoff_set, directions=directions, max_seconds=max_seconds
    )
    relational, analysis = _contract(source, analysis, options) if contract else (None, analysis)
    emitter.emit(RepeatedReport(analysis=analysis, contract=relational))
    if plot is not None:
        from ..evaluated import EvaluatedModel
        from ..repeated import plot_payoff_set

        game = source.game if isinstance(source, EvaluatedModel) else source
        save_picture(plot_payoff_set(analysis, game=game), plot)
