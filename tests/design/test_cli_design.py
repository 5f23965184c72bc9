"""``incentives design`` end to end: the bundled example gets a verified plan, JSON follows its schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner
from design_helpers import deviation_losses_by_hand, pure_equilibria_by_hand

import incentives as inc
from incentives.cli import main
from incentives.cli.design import NO_PLAN_EXIT_STATUS
from incentives.report.schemas import validate

EXAMPLE = "examples/growing_company.yaml"
OPTIMUM = "sales=consultative, support=thorough, development=robust, operations=continuous_delivery"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def flat(text: str) -> str:
    """The report with its line wrapping undone."""
    return " ".join(text.split())


def test_example_gets_a_verified_plan_and_its_cost() -> None:
    code, out, _ = run("design", EXAMPLE)
    out = flat(out)
    assert code == 0
    assert f"Target: [{OPTIMUM}]" in out
    assert "Bonus plans: current and proposed" in out
    assert re.search(r"Cost: the plan pays [\d.]+ in bonus at the target; the current plan would pay 108\.64", out)
    assert f"Verified: with the plan, the target [{OPTIMUM}] is an equilibrium" in out
    assert "Company value at the worst equilibrium goes from 153.6 to 430.72" in out


def test_json_document_and_written_model(tmp_path: Path) -> None:
    written = tmp_path / "plan.yaml"
    code, out, err = run(
        "design", EXAMPLE, "--nonnegative", "--via-negativa", "--transfers", "--format", "json",
        "--output-model", str(written),
    )  # fmt: skip
    assert code == 0 and "wrote the redesigned model" in err
    doc = json.loads(out)
    assert doc["schema"] == "incentives.design/1"
    assert doc["target"]["label"] == OPTIMUM
    plan = doc["design"]
    assert plan["status"] == "found" and plan["verification"]["target_is_equilibrium"] is True
    assert plan["verification"]["margin"] >= 1 - 1e-6
    assert abs(plan["verification"]["company_value_after"] - 430.72) < 1e-9
    assert plan["cost"] < plan["current_cost"]
    assert doc["via_negativa"]["status"] == "partial"
    assert doc["transfers"]["imbalance"] < 1e-9
    # the written model holds the plan the document shows, and the optimum is an equilibrium of it
    org = inc.load_model(written)
    assert {d: {k: float(v) for k, v in w.items()} for d, w in org.bonus.items()} == plan["plan"]
    game = inc.build_game(org, exact=False)
    target = inc.company_optimum(game).profile
    assert min(deviation_losses_by_hand(game, target)) >= 1 - 1e-6
    assert target in pure_equilibria_by_hand(game)


def test_the_design_document_follows_its_schema() -> None:
    code, out, _ = run("design", EXAMPLE, "--via-negativa", "--transfers", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    validate(doc)
    assert {doc["design"]["status"], doc["via_negativa"]["status"], doc["transfers"]["status"]} == {"found", "partial"}


def test_every_format_of_the_design_report(tmp_path: Path) -> None:
    md, page = tmp_path / "design.md", tmp_path / "design.html"
    assert run("design", EXAMPLE, "--via-negativa", "--output", str(md))[0] == 0
    assert run("design", EXAMPLE, "--via-negativa", "--format", "html", "--output", str(page))[0] == 0
    text = md.read_text(encoding="utf-8")
    assert "## Bonus design for Growing software company" in text and "### Via negativa: remove before adding" in text
    assert "| sales | new_customers | 0.01 | drop | 3 | 153.6 to 355.2 |" in text
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "<caption>Bonus plans: current and proposed</caption>" in page.read_text(encoding="utf-8")


def test_help_documents_the_exit_status_of_no_plan() -> None:
    code, out, _ = run("design", "--help")
    assert code == 0
    assert f"{NO_PLAN_EXIT_STATUS} when none is (infeasible, or the search stopped)" in flat(out)


def test_infeasible_request_is_explained_and_unwritable(tmp_path: Path) -> None:
    # an infeasible design is a finding: the report as usual, and exit status 3 (1 is an error in the input)
    code, out, _ = run("design", EXAMPLE, "--allow", "sales:new_customers", "--allow", "support:*")
    out = flat(out)
    assert code == NO_PLAN_EXIT_STATUS == 3
    assert "No plan on the allowed terms can work, because:" in out
    assert "development switching from robust to rushed" in out
    code, out, _ = run("design", EXAMPLE, "--allow", "support:*", "--format", "json")
    assert code == 3 and json.loads(out)["design"]["status"] == "infeasible"
    result = CliRunner().invoke(
        main, ["design", EXAMPLE, "--allow", "support:*", "--output-model", str(tmp_path / "x.yaml")]
    )
    assert result.exit_code == 3 and "no plan was found" in result.output
    assert "No plan on the allowed terms can work" in result.output  # the reasons are printed first
    assert not (tmp_path / "x.yaml").exists()


def test_bad_input_is_named() -> None:
    code, _, err = run("design", EXAMPLE, "--target", "sales=pushy")
    assert code == 1 and "'sales' has no action 'pushy'" in err
    result = CliRunner().invoke(main, ["design", EXAMPLE, "--target", "sales"])
    assert result.exit_code == 2 and "expected DEPARTMENT=ACTION" in result.output
    result = CliRunner().invoke(main, ["design", EXAMPLE, "--bound", "sales:tickets=a:b"])
    assert result.exit_code == 2 and "LOW and HIGH must be numbers" in result.output


def test_design_with_via_negativa_and_transfers_evaluates_the_model_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Every formula evaluated over the profiles goes through _Kernel.over_profiles, in a plan of formulas
    # each named by its field. The bundled model's KPIs and company value must each be evaluated exactly
    # once, however many plans are designed and checked; a new formula (a KPI that via negativa caps) at
    # most once.
    from incentives.build import _Kernel

    seen: list[str] = []
    original = _Kernel.over_profiles

    def counting(self, plan, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.extend(formula.path for formula in plan.formulas)
        return original(self, plan, *args, **kwargs)

    monkeypatch.setattr(_Kernel, "over_profiles", counting)
    code, out, _ = run("design", EXAMPLE, "--via-negativa", "--transfers")
    assert code == 0, out
    org = inc.load_model(EXAMPLE)
    own = [f"kpis.{k}" for k in org.kpis] + ["company_value"]
    assert sorted(p for p in seen if p in own) == sorted(own)
    new = [p for p in seen if p not in own]
    assert all(p.startswith("kpis.") and "_capped" in p for p in new), new
    assert len(new) == len(set(new))


def test_every_allowed_term_left_out_is_a_finding_not_a_crash() -> None:
    # new_customers rises by 300 when sales sells aggressively while company value falls by 193.92, so by default
    # no department may be paid on it; with nothing left to pay on, no switch can be deterred (it used to crash
    # HiGHS with an empty program)
    code, out, _ = run("design", EXAMPLE, "--allow", "*:new_customers")
    out = flat(out)
    assert code == NO_PLAN_EXIT_STATUS
    assert "- new_customers: switching sales from consultative to aggressive raises new_customers by 300" in out
    assert "No plan on the allowed terms can work, because:" in out
    assert "a plan may exist with one of them allowed by name (it would be flagged)" in out
    code, out, _ = run("design", EXAMPLE, "--allow", "sales:new_customers", "--allow", "*:company_value")
    assert code == 0 and "Flagged:" not in out  # named, but the plan does not need it
