"""Gaming gaps against the first best, the reports, and ``incentives continuous`` end to end."""

from __future__ import annotations

import json

import pytest
import sympy
from click.testing import CliRunner

import incentives as inc
from incentives.cli import main
from incentives.continuous import first_best, gaming_gaps, gaps_text, optimal_plan, solve_continuous
from incentives.continuous.classics import baker_model, holmstrom_milgrom_model, kerr_model
from incentives.formula import symbol
from incentives.report import json_document, render
from incentives.report.continuous import ContinuousReport
from incentives.report.schemas import validate

KERR = "examples/classics/kerr.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_first_best_symbolic_and_numeric_agree() -> None:
    org = baker_model()
    exact = first_best(org)
    numeric = first_best(org, method="numeric")
    assert exact.profile == {"agent.e1": 1, "agent.e2": 1}  # e = f
    assert numeric.point["agent.e1"] == pytest.approx(1, abs=1e-6)
    assert numeric.numeric_value == pytest.approx(float(exact.value), abs=1e-9)


def test_company_value_alone_has_no_optimum_when_effort_is_free_to_the_company() -> None:
    with pytest.raises(inc.SolverError, match="grows without"):
        first_best(kerr_model(), objective="company_value")


def test_gaps_per_task_and_value_lost_by_hand() -> None:
    org = baker_model()  # e = beta g = (1, 1/2) at beta = 1; first best e = f = (1, 1)
    (gaps,) = gaming_gaps(org)
    assert [(g.variable, g.gap, g.direction) for g in gaps.gaps] == [
        ("agent.e1", 0, "same"),
        ("agent.e2", sympy.Rational(-1, 2), "less"),
    ]
    # surplus at beta = 1: f.e - |e|^2/2 - r/2 = 3/2 - 5/8 - 1/2 = 3/8; first best 1
    assert gaps.value_gap == sympy.Rational(5, 8)


def test_gaps_at_the_optimal_plan_are_smaller() -> None:
    org = holmstrom_milgrom_model()
    before = gaming_gaps(org)[0].value_gap  # beta = 1: first-best effort, but a risk premium of 1
    plan = optimal_plan(org)
    after = gaming_gaps(org.with_parameters({"beta": plan.weights["beta"]}))[0]
    assert before == 1 and after.value_gap == sympy.Rational(1, 2) - sympy.Rational(1, 6)
    assert after.gaps[0].gap == sympy.Rational(1, 3) - 1


def test_gaps_text_names_each_task() -> None:
    text = gaps_text(gaming_gaps(kerr_model(), symbolic=["w"]))
    assert "staff.a: w at equilibrium, 0.5 for the company" in text
    assert "does less than the company needs" in text


def test_text_report_lists_best_responses_checks_and_regrets() -> None:
    solution = solve_continuous(kerr_model(), symbolic=True)
    text = render(ContinuousReport(solution=solution, gaps=gaming_gaps(kerr_model(), solution, symbolic=True)))
    for words in ("Best responses", "staff.a = w", "Second-order check", "strictly concave everywhere", "regret 0"):
        assert words in text
    assert "at a bound: staff.b (lower)" in text


def test_json_document_carries_numbers_and_exact_formulas() -> None:
    org = holmstrom_milgrom_model()
    solution = solve_continuous(org, symbolic=["beta", "c"])
    doc = json_document(ContinuousReport(solution=solution, gaps=gaming_gaps(org, solution), plan=optimal_plan(org)))
    json.dumps(doc, allow_nan=False)
    eq = doc["equilibria"][0]
    assert eq["profile"] == {"agent.effort": 1.0} and eq["exact"]["profile"] == {"agent.effort": "beta/c"}
    assert doc["plan"]["weights"] == {"beta": pytest.approx(1 / 3)} and doc["plan"]["exact"]["weights"] == {
        "beta": "1/3"
    }
    assert doc["second_order"][0]["hessian"] == [["-c"]]


def test_cli_text_report() -> None:
    code, out, _ = run("continuous", KERR, "--plan", "w")
    assert code == 0
    assert "staff.a=1, staff.b=0" in out
    assert "Optimal plan" in out and "w = 0.5" in out
    row = next(line for line in out.splitlines() if line.startswith("│ staff.b"))
    cells = [cell.strip() for cell in row.split("│")[1:-1]]
    assert cells == ["staff.b", "0", "1", "-1", "does less than the company needs"]


def test_cli_json_with_symbolic_parameters() -> None:
    code, out, _ = run(
        "continuous",
        "examples/classics/holmstrom_milgrom_single.yaml",
        "--symbolic",
        "all",
        "--plan",
        "beta",
        "--format",
        "json",
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == "incentives.continuous/1"
    assert doc["plan"]["exact"]["weights"]["beta"] == "1/(c*r*sigma2 + 1)"
    assert doc["gaming"][0]["gaps"][0]["variable"] == "agent.effort"


def test_cli_errors_cleanly_on_a_model_of_actions(tmp_path: object) -> None:
    code, _, err = run("continuous", "examples/growing_company.yaml")
    assert code == 1 and "no department has continuous" in err
    code, _, err = run("solve", KERR)
    assert code == 1 and "incentives continuous MODEL" in err


def test_top_level_names() -> None:
    assert inc.solve_continuous is solve_continuous
    assert symbol("agent.effort") in holmstrom_milgrom_model().department("agent").cost.free_symbols


def test_the_json_document_follows_its_schema() -> None:
    _, out, _ = run("continuous", KERR, "--plan", "w", "--format", "json")
    doc = json.loads(out)
    validate(doc)
    assert doc["gaming"][0]["gaps"][1] == {
        "department": "staff", "variable": "staff.b", "equilibrium": 0.0, "optimum": 1.0, "gap": -1.0,
        "direction": "less", "exact": "-1",
    }  # fmt: skip
