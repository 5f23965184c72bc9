"""The pieces design() is made of: Term, DesignProblem, statuses, the tolerance, and the current plan solved once."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from design_helpers import assert_close, deviation_losses_by_hand, two_teams
from hypothesis import given
from hypothesis import strategies as st

import incentives as inc
from incentives.design import DesignProblem, Term, TermChange, design, design_transfers, solve_problem, verify_plan
from incentives.design.outcome import Design
from incentives.design.transfers import TransferDesign

EXAMPLE = "examples/growing_company.yaml"

names = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)


# -- Term ---------------------------------------------------------------------------------
@given(names, names)
def test_term_reads_back_what_it_writes(department: str, kpi: str) -> None:
    term = Term(department, kpi)
    assert Term.from_text(str(term)) == term
    assert Term.from_text(f"  {department} : {kpi} ") == term
    assert str(term) == f"{department}:{kpi}"
    dept, key = term  # a term unpacks as (department, kpi)
    assert (dept, key) == (department, kpi)


@pytest.mark.parametrize("text", ["sales", "sales:", ":new_customers", " : ", ""])
def test_term_text_without_both_parts_is_refused_naming_the_field(text: str) -> None:
    expected = f"bounds: {text!r} is not of the form department:kpi (for example sales:new_customers)"
    with pytest.raises(inc.DesignError) as err:
        Term.from_text(text, field="bounds")
    assert str(err.value) == expected


def test_term_from_something_not_text_names_the_field_and_the_type() -> None:
    with pytest.raises(inc.DesignError, match=r"^allow: expected text of the form department:kpi .*got 3 \(int\)$"):
        Term.from_text(3, field="allow")  # type: ignore[arg-type]


# -- DesignProblem -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def problem() -> DesignProblem:
    return DesignProblem.from_options(inc.load_model(EXAMPLE), allow=["sales:*", "*:company_value"], misaligned=True)


REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"concept": "stable"},
     "The 'concept' parameter must be one of ['nash', 'dominant', 'unique']. Got 'stable' instead."),
    ({"objective": "fair"}, "The 'objective' parameter must be one of ['cost', 'change']. Got 'fair' instead."),
    ({"margin": -1}, "The 'margin' parameter must be a number >= 0. Got -1 instead."),
    ({"margin": math.nan}, "The 'margin' parameter must be a number >= 0. Got nan instead."),
    ({"margin": True}, "The 'margin' parameter must be a number >= 0. Got True instead."),
    ({"budget": math.inf}, "The 'budget' parameter must be a finite number. Got inf instead."),
    ({"time_limit": 0}, "The 'time_limit' parameter must be a number above 0. Got 0 instead."),
    ({"max_profiles": 2.5}, "The 'max_profiles' parameter must be a whole number >= 1. Got 2.5 instead."),
    ({"tol": 1.0}, "The 'tol' parameter must be a number >= 0 and below 1. Got 1.0 instead."),
    ({"verify": "yes"}, "The 'verify' parameter must be True or False. Got 'yes' instead."),
    ({"limited_liability": 1}, "The 'limited_liability' parameter must be True or False. Got 1 instead."),
    ({"target": (0, 0, 0)}, "The 'target' parameter must be a tuple of action indices, one per department, "
     "within (2, 2, 2, 2). Got (0, 0, 0) instead."),
    ({"target": (0, 0, 0, 2)}, "The 'target' parameter must be a tuple of action indices, one per department, "
     "within (2, 2, 2, 2). Got (0, 0, 0, 2) instead."),
    ({"terms": (Term("sales", "revenue"),)}, "The 'terms' parameter must be Terms naming a department of the model "
     "and one of its KPIs. Got Term(department='sales', kpi='revenue') instead."),
    ({"terms": (Term("sales", "tickets"), Term("sales", "tickets"))},
     "The 'terms' parameter must be terms named once each. Got ('sales:tickets', 'sales:tickets') instead."),
    ({"kept": {Term("sales", "tickets"): 1.0}},
     "The 'kept' parameter must be terms the plan does not set. Got 'sales:tickets' instead."),
    ({"bounds": {Term("support", "tickets"): (0.0, 1.0)}},
     "The 'bounds' parameter must be limits on terms the plan sets. Got 'support:tickets' instead."),
]  # fmt: skip


@pytest.mark.parametrize(("change", "message"), REFUSED)
def test_problem_refuses_bad_fields_naming_parameter_constraint_and_value(
    problem: DesignProblem, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(inc.DesignError) as err:
        replace(problem, **change)
    assert str(err.value) == message


def test_problem_refuses_empty_bounds_and_an_unevaluated_model(problem: DesignProblem) -> None:
    with pytest.raises(inc.DesignError, match=r"the bounds of sales:tickets are empty .* Got \(1\.0, 0\.0\) instead"):
        replace(problem, bounds={Term("sales", "tickets"): (1.0, 0.0)})
    with pytest.raises(inc.DesignError, match=r"^The 'model' parameter must be an EvaluatedModel .*Got 'Organization'"):
        replace(problem, model=problem.organization)
    with pytest.raises(inc.DesignError, match=r"^The 'method' parameter must be one of \[.*'all'.*\]\. Got 'magic'"):
        DesignProblem.from_options(problem.organization, method="magic")


def test_options_become_terms_bounds_and_kept_weights() -> None:
    org = inc.load_model(EXAMPLE)
    built = DesignProblem.from_options(
        org, allow=["sales:new_customers", "*:company_value"], company_share=True, keep_others=True,
        max_weight=2, bounds={"sales:new_customers": (None, 0.5)},
    )  # fmt: skip
    assert built.terms[0] == Term("sales", "new_customers") and len(built.terms) == 1 + len(org.departments)
    assert built.bounds[Term("sales", "new_customers")] == (-math.inf, 0.5)  # the bound overrides both limits
    assert built.bounds[Term("support", "company_value")] == (0.0, 2.0)
    current = {Term(d, k): float(w) for d, plan in org.bonus.items() for k, w in plan.items()}
    assert dict(built.kept) == {t: w for t, w in current.items() if t not in built.terms}
    assert built.allowed["sales"] == ("new_customers", "company_value")
    with pytest.raises(TypeError):
        built.bounds[Term("sales", "tickets")] = (0.0, 1.0)  # type: ignore[index]


def test_a_problem_built_by_hand_gets_the_hand_computed_plan() -> None:
    # Only shares of company value: hoarding loses 4 s, so the margin m needs s = m / 4 (two_teams' docstring).
    org = two_teams()
    shares = (Term("north", "company_value"), Term("south", "company_value"))
    problem = DesignProblem(
        model=inc.evaluate_model(org, exact=False),
        target=(0, 0),
        margin=2.0,
        terms=shares,
        bounds=dict.fromkeys(shares, (0.0, math.inf)),
    )
    plan = solve_problem(problem)
    assert plan.found and plan.weights == {"north": {"company_value": 0.5}, "south": {"company_value": 0.5}}
    assert plan.terms == shares
    assert_close(min(deviation_losses_by_hand(inc.build_game(plan.redesigned), (0, 0))), 2.0)
    assert plan.verification is not None and plan.verification.is_equilibrium


# -- statuses -----------------------------------------------------------------------------
def test_statuses_are_checked_where_results_are_made() -> None:
    plan = design(two_teams(), allow=["*:company_value"], verify=False)
    statuses = r"'status' parameter must be one of \['found', 'infeasible', 'stopped'\]"
    with pytest.raises(inc.DesignError, match=statuses):
        replace(plan, status="done")
    deal = design_transfers(two_teams(), verify=False)
    with pytest.raises(inc.DesignError, match=r"'status' parameter must be one of"):
        replace(deal, status="partial")
    with pytest.raises(inc.DesignError, match=r"'concept' parameter must be 'nash' or 'dominant'"):
        replace(deal, concept="unique")
    with pytest.raises(inc.DesignError, match=r"'change' parameter must be one of \['keep', 'drop', 'cap'\]"):
        TermChange(department="north", key="north_score", weight=1.0, change="trim")  # type: ignore[arg-type]
    with pytest.raises(inc.DesignError, match=r"'cap' parameter must be given for a cap and only then"):
        TermChange(department="north", key="north_score", weight=1.0, change="cap")
    assert isinstance(plan, Design) and isinstance(deal, TransferDesign)


# -- the tolerance reaches where weights count as zero ----------------------------------
def test_tol_never_drops_a_weight_a_guarantee_needs() -> None:
    org = inc.load_model(EXAMPLE)
    plan = design(org, allow=["*:company_value"], verify=False)
    assert 0 < plan.weights["sales"]["company_value"] < 0.01
    coarse = design(org, allow=["*:company_value"], tol=0.01)
    # sales' share is small, but without it sales games: a coarse tolerance does not make it zero
    assert coarse.exact_weights == plan.exact_weights
    assert coarse.guarantees is not None and coarse.guarantees.holds and coarse.verification.margin == 1
    assert coarse.tol == 0.01 and "sales" in coarse.redesigned.bonus
    with pytest.raises(inc.DesignError, match=re.escape("The 'tol' parameter must be a number >= 0 and below 1.")):
        design(org, tol=2)


def test_tol_decides_which_transfers_are_none() -> None:
    model = inc.evaluate_model(inc.load_model(EXAMPLE), exact=False)
    scale = float(np.max(np.abs(model.game.float_payoffs())))

    def largest(deal: TransferDesign) -> dict[tuple[str, str, str], float]:
        return {(t.payer, t.receiver, t.kpi): t.rate * float(np.max(np.abs(model.kpis[t.kpi]))) for t in deal.transfers}

    fine, coarse = (largest(design_transfers(model, tol=tol, verify=False)) for tol in (1e-9, 0.06))
    assert set(coarse) < set(fine)
    assert all(pay > 0.06 * scale for pay in coarse.values())
    assert all(pay <= 0.06 * scale for key, pay in fine.items() if key not in coarse)


# -- the current plan is solved once per evaluated model and method -------------------------
def test_checks_against_one_evaluated_model_solve_its_current_plan_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from incentives.cli import main
    from incentives.design import verify

    solved: list[tuple[inc.EvaluatedModel, str]] = []  # the models are kept, so no two share an id
    original = verify._analyze

    def counting(model, method, max_seconds):  # type: ignore[no-untyped-def]
        solved.append((model, method))
        return original(model, method, max_seconds)

    monkeypatch.setattr(verify, "_analyze", counting)
    result = CliRunner().invoke(main, ["design", EXAMPLE, "--via-negativa", "--transfers"], catch_exceptions=False)
    assert result.exit_code == 0
    assert len(solved) == len({(id(model), method) for model, method in solved})  # none solved twice alike
    model = inc.evaluate_model(inc.load_model(EXAMPLE), exact=False)
    first, second = (verify_plan(model, model.organization, (0, 0, 0, 0)) for _ in range(2))
    assert first.before is second.before and first.before is not None
    assert verify_plan(model, model.organization, (0, 0, 0, 0), method="pure").before is not first.before
