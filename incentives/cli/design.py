"""``incentives design``: a bonus plan under which the company optimum (or another target) is an equilibrium.

Exit status: 0 when a plan is found; :data:`NO_PLAN_EXIT_STATUS` (3) when none is: no plan on
the allowed terms can work (the report says why), or the solver stopped at its time limit
before it found one.  That is a finding about the model, not a failure: the report is written
as usual.  1 is an error in the input, 2 a usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ._common import (
    MODEL_SUFFIXES,
    Emitter,
    Number,
    fail_cleanly,
    max_seconds_option,
    method_option,
    model_file,
    report_options,
)

__all__ = ["NO_PLAN_EXIT_STATUS", "design"]

#: Exit status of ``incentives design`` when no plan was found (infeasible, or stopped before finding one).
NO_PLAN_EXIT_STATUS = 3


def _parse_target(text: str | None) -> dict[str, str] | None:
    if text is None:
        return None
    target = {}
    for item in text.split(","):
        dept, sep, action = item.partition("=")
        if not sep or not dept.strip() or not action.strip():
            raise click.BadParameter(
                f"{item.strip()!r}: expected DEPARTMENT=ACTION, e.g. sales=consultative", param_hint="--target"
            )
        target[dept.strip()] = action.strip()
    return target


def _parse_bounds(items: tuple[str, ...]) -> dict[str | tuple[str, str], tuple[Any, Any]]:
    bounds: dict[str | tuple[str, str], tuple[Any, Any]] = {}
    for item in items:
        term, sep, span = item.partition("=")
        low, colon, high = span.partition(":")
        if not sep or not colon:
            raise click.BadParameter(
                f"{item!r}: expected DEPT:KPI=LOW:HIGH (either may be empty)", param_hint="--bound"
            )
        try:
            bounds[term.strip()] = (float(low) if low.strip() else None, float(high) if high.strip() else None)
        except ValueError as err:
            raise click.BadParameter(f"{item!r}: LOW and HIGH must be numbers", param_hint="--bound") from err
    return bounds


@click.command()
@click.argument("model", type=model_file)
@click.option(
    "--target",
    metavar="DEPT=ACTION,...",
    help="Profile to make an equilibrium (default: the company optimum; departments left out keep theirs).",
)
@click.option(
    "--concept",
    type=click.Choice(["nash", "dominant", "unique"]),
    default="nash",
    show_default=True,
    help="Nash equilibrium, dominant strategies, or the unique pure equilibrium (a mixed-integer program).",
)
@click.option(
    "--margin",
    type=Number(0, 1e12),
    default=1.0,
    show_default=True,
    help="How much every switch away from the target must cost the department that makes it.",
)
@click.option(
    "--objective",
    type=click.Choice(["cost", "change"]),
    default="cost",
    show_default=True,
    help="Least bonus paid at the target, or least change (L1) from the current plan.",
)
@click.option(
    "--allow",
    "allow",
    multiple=True,
    metavar="DEPT:KPI",
    help="A term the plan may use (repeatable; * for every department or KPI). Default: shares of company value "
    "and every KPI that never pulls against company value for a switch the plan must deter. A term named here "
    "one by one is used even if it does, and is then flagged.",
)
@click.option(
    "--allow-misaligned",
    is_flag=True,
    help="Let the plan pay on any allowed term, even one that pulls against company value (each such term the plan "
    "uses is flagged).",
)
@click.option(
    "--nonnegative/--signed",
    default=True,
    show_default=True,
    help="Only non-negative weights (the default, a plan a workshop can read), or allow penalties too.",
)
@click.option("--no-company-share", is_flag=True, help="No shares of company value.")
@click.option("--max-weight", type=Number(0, 1e12, low_open=True), help="Bound on every |weight|.")
@click.option("--bound", "bounds", multiple=True, metavar="DEPT:KPI=LOW:HIGH", help="Bounds for one term (repeatable).")
@click.option("--budget", type=Number(-1e15, 1e15), help="Most the plan may pay in bonus at the target.")
@click.option(
    "--no-limited-liability",
    is_flag=True,
    help="Allow a department's bonus to be negative at some profile (by default a bonus is never a fine).",
)
@click.option(
    "--keep-others",
    is_flag=True,
    help="Keep the current plan's terms that --allow does not name (default: the plan pays only on allowed terms).",
)
@click.option(
    "--via-negativa",
    is_flag=True,
    help="Also: the fewest current KPI terms to drop or cap (checked on its pure equilibria).",
)
@click.option("--transfers", is_flag=True, help="Also: budget-balanced transfers between departments.")
@click.option(
    "--output-model",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the organisation with the designed plan as a model file (.yaml or .json).",
)
@method_option(
    help="Equilibrium method that verifies the plan on the rebuilt game.",
)
@max_seconds_option("Time limit of each solver call.")
@report_options()
@fail_cleanly
def design(
    model: Path,
    target: str | None,
    concept: str,
    margin: float,
    objective: str,
    allow: tuple[str, ...],
    allow_misaligned: bool,
    nonnegative: bool,
    no_company_share: bool,
    max_weight: float | None,
    bounds: tuple[str, ...],
    budget: float | None,
    no_limited_liability: bool,
    keep_others: bool,
    via_negativa: bool,
    transfers: bool,
    output_model: Path | None,
    method: str,
    max_seconds: float,
    fmt: str | None,
    output: Path | None,
) -> None:
    """A bonus plan under which the company optimum is an equilibrium, verified, with what it costs.

    By default the plan pays only on shares of company value and on KPIs that never pull against
    company value for a switch it must deter; the report says why each term is there.  Exit status 0
    when a plan is found, 3 when none is (infeasible, or the search stopped), 1 for an error in the
    input.
    """
    from ..design import design as run_design
    from ..design import design_transfers
    from ..design import via_negativa as run_negativa
    from ..design.exact import design_model
    from ..readwrite.model_file import load_model, save_model
    from ..readwrite.plan_text import save_plan
    from ..report.design import DesignReport

    if output_model is not None and output_model.suffix.lower() not in MODEL_SUFFIXES:
        raise click.BadParameter(f"{output_model}: use .yaml, .yml or .json", param_hint="--output-model")
    emitter = Emitter.prepare(fmt, output, also=[output_model])
    org = load_model(model)
    evaluated = design_model(org)  # once (in fractions when it can be): the designs below and their checks read it
    wanted = _parse_target(target)
    options: dict[str, Any] = dict(target=wanted, method=method, time_limit=max_seconds)
    result = run_design(
        evaluated,
        concept=concept,
        margin=margin,
        objective=objective,
        allow=list(allow) or None,
        misaligned=allow_misaligned,
        company_share=not no_company_share,
        nonnegative=nonnegative,
        max_weight=max_weight,
        bounds=_parse_bounds(bounds) or None,
        budget=budget,
        limited_liability=not no_limited_liability,
        keep_others=keep_others,
        **options,
    )
    cut = run_negativa(evaluated, target=wanted, time_limit=max_seconds) if via_negativa else None
    deal = None
    if transfers:
        concept_of_transfers = "dominant" if concept == "dominant" else "nash"
        deal = design_transfers(evaluated, concept=concept_of_transfers, margin=margin, **options)
    emitter.emit(DesignReport(design=result, via_negativa=cut, transfers=deal))
    if not result.found:
        if output_model is not None:
            click.echo("no plan was found, so no model file was written", err=True)
        sys.exit(NO_PLAN_EXIT_STATUS)
    if output_model is not None:
        if output_model.suffix.lower() == ".json" == model.suffix.lower() or (
            output_model.suffix.lower() != ".json" and model.suffix.lower() != ".json"
        ):
            save_plan(result.redesigned, output_model, source=model, original=org)
            click.echo(f"wrote the redesigned model to {output_model} (only its bonus section changed)", err=True)
        else:
            save_model(result.redesigned, output_model)
            click.echo(f"wrote the redesigned model to {output_model}", err=True)
