"""Where repeated play sustains the target, exactly: closed forms derived by hand, and the batch as a second oracle."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest
import sympy
from click.testing import CliRunner

import incentives as inc
from incentives.build import compile_model
from incentives.cli import main
from incentives.formula import parse_formula
from incentives.repeated import critical_discounts
from incentives.report.schemas import validate
from incentives.whatif import sustainability

FLAGSHIP = "examples/keeping_close.yaml"
TWO_TEAMS = "tests/data/two_teams_repeated.yaml"

# By hand (docs/explanation/repeated-interaction.md): sales binds with g = 23/25 and L = 19/25, the discount
# factor is 380 / (400 + h) and the detection probability v / (v + h), v = 20 (60 with the remedy), so the
# common goal holds while (20 + h)(v + h) <= 380 v L / g.
COLLAPSE = -20 + sympy.sqrt(sympy.Rational(144400, 23))
REMEDY = -40 + sympy.sqrt(400 + sympy.Rational(433200, 23))


@pytest.fixture(scope="module")
def org() -> inc.Organization:
    return inc.load_model(FLAGSHIP)


def _end(region: inc.whatif.Region) -> sympy.Expr:
    values = region.values
    assert isinstance(values, sympy.Interval), values
    return values.end


def test_the_flagships_collapse_point_is_the_closed_form(org: inc.Organization) -> None:
    report = sustainability(org, ["headcount"])
    assert report.exact and report.sustained is not None and report.valid is not None
    assert report.valid.values == sympy.Interval(0, sympy.oo)  # p <= 1 needs h >= 0, delta < 1 needs h > -20
    assert sympy.simplify(_end(report.sustained) - COLLAPSE) == 0
    assert report.sustained.values.start == 0
    collapse = report.critical_values[0]
    assert collapse.departments == ("sales",) and collapse.before and not collapse.after
    assert sympy.simplify(collapse.value - COLLAPSE) == 0


def test_the_remedy_moves_it_to_the_closed_form(org: inc.Organization) -> None:
    report = sustainability(org.with_parameters({"involvement": 2}), ["headcount"])
    assert report.sustained is not None and sympy.simplify(_end(report.sustained) - REMEDY) == 0
    assert 98 < float(REMEDY) < 99


def test_the_exact_region_agrees_with_the_batch(org: inc.Organization) -> None:
    report = sustainability(org, ["headcount"], domain={"headcount": (0, None)})
    assert report.sustained is not None
    sizes = np.linspace(0.5, 300, 120)
    found = critical_discounts(compile_model(org, ["headcount"]).evaluate(sizes[:, np.newaxis]))
    assert found.sustained is not None
    assert [report.sustained.contains(float(h)) for h in sizes] == found.sustained.tolist()
    for dept, region in report.departments.items():
        i = org.department_names.index(dept)
        held = found.discount * found.monitoring[:, i] * (found.target_payoffs[:, i] - found.reversion_payoffs[:, i])
        held = held >= (1 - found.discount) * found.gains[:, i] - 1e-12
        assert [region.contains(float(h)) for h in sizes] == held.tolist(), dept


def test_a_bonus_weight_gives_the_textbook_threshold() -> None:
    # The prisoner's dilemma 5, 3, 1, 0 at discount 0.6 with perfect monitoring: sharing holds while
    # 0.4 (T - 3) <= 0.6 (3 - 1), that is T <= 6.
    report = sustainability(inc.load_model(TWO_TEAMS), ["temptation"])
    assert report.sustained is not None and report.valid is not None
    assert report.valid.to_text() == "any temptation"
    assert report.sustained.to_text() == "temptation ≤ 6"
    assert [c.value for c in report.critical_values] == [6]


def test_several_quantities_give_inequalities_that_agree_with_the_batch(org: inc.Organization) -> None:
    report = sustainability(org, ["headcount", "involvement"])
    assert report.sustained is not None
    points = np.array([[40.0, 0], [60.0, 0], [90.0, 2], [100.0, 2], [10.0, 1], [150.0, 5]])
    found = critical_discounts(compile_model(org, ["headcount", "involvement"]).evaluate(points))
    assert found.sustained is not None
    inside = [report.sustained.contains({"headcount": h, "involvement": v}) for h, v in points]
    assert inside == found.sustained.tolist() == [True, False, True, False, True, False]


def test_a_formula_without_a_closed_form_is_solved_numerically_and_said_so(org: inc.Organization) -> None:
    assert org.repeated is not None
    rooted = replace(org, repeated=replace(org.repeated, monitoring=parse_formula("1 / sqrt(1 + headcount / 20)")))
    report = sustainability(rooted, ["headcount"], domain={"headcount": (0, 500)})
    assert not report.exact and "no closed form" in report.notes[0]
    # by hand: 7220 sqrt(20 / (20 + h)) >= 23 (20 + h), so (20 + h)^(3/2) <= 7220 sqrt(20) / 23
    expected = (7220 * math.sqrt(20) / 23) ** (2 / 3) - 20
    assert report.sustained is not None and report.sustained.tolerance is not None
    assert float(_end(report.sustained)) == pytest.approx(expected, abs=10 * report.sustained.tolerance)


def test_without_a_discount_factor_only_the_formulas(org: inc.Organization) -> None:
    report = sustainability(replace(org, repeated=None), ["headcount"], monitoring="20 / (20 + headcount)")
    assert report.sustained is None and report.valid is None and report.departments == {}
    h = sympy.Symbol("headcount", real=True)
    assert sympy.simplify(report.formulas.critical_discounts["sales"] - (23 * h + 460) / (23 * h + 840)) == 0
    assert "no discount factor" in report.notes[0]
    validate(json.loads(inc.report.render(report, "json")))


def test_the_command_line_gives_the_exact_collapse_point() -> None:
    args = ["thresholds", FLAGSHIP, "--symbol", "headcount", "--repeated"]
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    validate(doc)
    (collapse, _) = doc["critical_values"]
    value = sympy.sympify(collapse["value"])
    assert sympy.simplify(value - COLLAPSE) == 0 and collapse["decimal"] == pytest.approx(float(COLLAPSE))
    assert collapse["sustained_below"] and not collapse["sustained_above"] and collapse["departments"] == ["sales"]
    text = " ".join(CliRunner().invoke(main, args).stdout.split())
    assert "The target is sustained where: 0 ≤ headcount ≤ -20 + 380*sqrt(23)/23 (≈ 59.2355)." in text
    remedy = CliRunner().invoke(main, [*args, "--format", "json", "--reversion", "pure-minmax"])
    assert remedy.exit_code == 0 and json.loads(remedy.stdout)["departments"][0]["punishment"] == "pure minmax"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--profile", "sales=consultative"], "--profile is for the equilibrium regions"),
        (["--reversion", "sales=x"], "The 'reversion' parameter must give one action of every department"),
        (["--reversion", "sales"], "expected DEPT=ACTION"),
        (["--target", "sales=consultative"], "missing ['support', 'development']"),
    ],
)
def test_the_command_line_refuses_what_does_not_fit(extra: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["thresholds", FLAGSHIP, "-s", "headcount", "--repeated", *extra])
    assert result.exit_code in (1, 2) and message in result.stderr, result.stderr
