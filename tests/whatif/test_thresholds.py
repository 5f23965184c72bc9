"""Exact thresholds against answers worked out by hand, and against solving the game at points."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest
import sympy
from click.testing import CliRunner

import incentives as inc
from incentives.cli import main
from incentives.formula import symbol
from incentives.report.schemas import validate
from incentives.whatif import equilibrium_region, thresholds, with_values
from incentives.whatif.regions import relation_text

EXAMPLE = "examples/growing_company.yaml"

# Two departments. Sales signs deals (pushy signs more) and is paid per deal, so it always
# pushes. Support is paid w per ticket closed per hour: thorough closes 3/2 an hour, fast 3,
# but fast costs support 1 (effort). Fast pays iff 3w - 1 >= 3w/2, i.e. w >= 2/3.
# Company value: 3 per deal, less a deal's worth of rework per extra ticket closed fast:
# V = 3 deals - deals (closed - 3/2): thorough keeps 3 deals, fast 3/2 deals.
TWO_DEPARTMENTS = """
name: Two departments
parameters: {support_weight: 1, effort: 1}
departments:
  sales:
    actions:
      careful: {deals: 2}
      pushy: {deals: 4}
  support:
    actions:
      thorough: {closed_per_hour: 1.5}
      fast: {closed_per_hour: 3}
kpis:
  deals_signed: sales.deals
  tickets_closed_per_hour: support.closed_per_hour
company_value: 3 * sales.deals - sales.deals * (support.closed_per_hour - 1.5)
bonus:
  sales: {deals_signed: 1}
  support: {tickets_closed_per_hour: support_weight}
costs:
  support: {fast: effort}
"""

PUSHY_FAST = "sales=pushy, support=fast"
PUSHY_THOROUGH = "sales=pushy, support=thorough"
TWO_THIRDS = sympy.Rational(2, 3)


@pytest.fixture(scope="module")
def two() -> inc.Organization:
    return inc.loads_model(TWO_DEPARTMENTS)


@pytest.fixture(scope="module")
def company() -> inc.Organization:
    return inc.load_model(EXAMPLE)


@pytest.mark.parametrize("name", ["support_weight", "bonus.support.tickets_closed_per_hour"])
def test_support_switches_to_fast_closing_at_two_thirds(two: inc.Organization, name: str) -> None:
    # the weight as a model parameter, or the bonus weight named directly: the same exact answer
    fast = equilibrium_region(two, [name], PUSHY_FAST)
    thorough = equilibrium_region(two, [name], PUSHY_THOROUGH)
    assert fast.exact and fast.values == sympy.Interval(TWO_THIRDS, sympy.oo)
    assert thorough.values == sympy.Interval(-sympy.oo, TWO_THIRDS)
    assert equilibrium_region(two, [name], "sales=careful, support=fast").values == sympy.S.EmptySet
    assert str(fast) == f"{name} ≥ 2/3"


def test_report_of_one_weight(two: inc.Organization) -> None:
    report = thresholds(two, ["support_weight"])
    w = symbol("support_weight")
    assert report.exact
    assert report.gaming["support"].values == sympy.Interval.open(TWO_THIRDS, sympy.oo)
    assert report.gaming["sales"].values == sympy.S.EmptySet  # pushing is what the company wants too
    assert report.optimum.values == sympy.Interval(-sympy.oo, TWO_THIRDS)
    assert report.optimum.alternatives == ((w <= TWO_THIRDS,),)
    (critical,) = report.critical_values
    assert critical.value == TWO_THIRDS
    assert critical.appear == (PUSHY_FAST,) and critical.disappear == (PUSHY_THOROUGH,)
    assert critical.gaming_starts == ("support",)
    assert set(critical.at.equilibria) == {PUSHY_FAST, PUSHY_THOROUGH}  # the tie at exactly 2/3
    assert set(report.profiles) == {PUSHY_THOROUGH, PUSHY_FAST}


def test_two_quantities_give_simplified_inequalities(two: inc.Organization) -> None:
    w, c = symbol("support_weight"), symbol("effort")
    # fast pays iff 3w/2 - c >= 0, i.e. w >= 2c/3
    fast = equilibrium_region(two, ["support_weight", "effort"], PUSHY_FAST)
    assert fast.alternatives == ((w >= 2 * c / 3,),)
    assert fast.contains({"support_weight": 1, "effort": 1.5}) and not fast.contains({"support_weight": 1, "effort": 2})
    report = thresholds(two, ["support_weight", "effort"])
    assert report.gaming["support"].alternatives == ((w > 2 * c / 3,),)
    assert report.gaming["sales"].is_empty
    assert [relation_text(b.equation) for b in report.boundaries] == ["support_weight = 2·effort/3"]


def test_two_quantities_within_ranges_read_like_mathematics_and_agree_with_solving_at_points(
    company: inc.Organization,
) -> None:
    names = ["customers_per_deal", "bonus.sales.new_customers"]
    report = thresholds(company, names, domain={names[0]: (0, None), names[1]: (0, None)})
    text = inc.report.render(report, "text")
    # no sympy spelling, no inequality the ranges already imply, no boundary outside the ranges
    assert "Eq(" not in text and "*" not in text and ">=" not in text
    assert "Within the ranges asked for: customers_per_deal ≥ 0, bonus.sales.new_customers ≥ 0." in text
    assert str(report.gaming["sales"]) == "customers_per_deal > 0 and bonus.sales.new_customers > 0"
    assert "-750/7" not in text and "-3125/6" not in text  # roots at negative deal sizes
    assert [relation_text(b.equation) for b in report.boundaries] == [
        "bonus.sales.new_customers·customers_per_deal = 0",
        "customers_per_deal = 0",
    ]
    markdown = inc.report.render(report, "markdown")
    assert r"$\text{customers\_per\_deal} > 0 \;\text{and}\; \text{bonus.sales.new\_customers} > 0$" in markdown
    # the oracle: at every point of a grid, each region holds exactly where solving the game there says so
    for deal, weight in itertools.product([0, 10, 47, 48, 74, 75, 124, 125, 300], [0, 0.005, 0.01, 0.05]):
        point = {names[0]: deal, names[1]: weight}
        equilibria = {e.label for e in inc.analyze(with_values(company, point), method="pure").equilibria}
        for label, region in report.profiles.items():
            assert region.contains(point) == (label in equilibria), (label, point)


def test_no_closed_form_falls_back_to_numeric_roots(two: inc.Organization) -> None:
    org = inc.loads_model(TWO_DEPARTMENTS.replace("fast: effort}", "fast: exp(effort)}"))
    # fast pays iff 3/2 - exp(effort) >= 0, i.e. effort <= log(3/2)
    report = thresholds(org, ["effort"], domain={"effort": (-2, 2)})
    assert not report.exact and report.tolerance is not None and report.tolerance < 1e-9
    assert any("no closed form" in note for note in report.notes)
    (critical,) = report.critical_values
    assert abs(float(critical.value) - math.log(1.5)) <= report.tolerance
    fast = report.profiles[PUSHY_FAST]
    assert not fast.exact and fast.contains(0.4) and not fast.contains(0.41)
    assert "numeric" in str(fast)


def test_bundled_company_support_stops_fast_closing_at_an_exact_penalty(company: inc.Organization) -> None:
    # By hand, at sales=aggressive, development=rushed, operations=change_freeze: tickets = 100*7*1*1/10 = 70.
    # Support's gain from fast_close: 2*(3-2) (speed) + 70/10 - 70/15 (resolution hours) + 1/2 (effort saved)
    # + r*70*(0.5-0.1) (reopened tickets at weight r) = 29/6 + 28r, which is >= 0 iff r >= -29/168.
    report = thresholds(company, ["bonus.support.reopened_tickets"])
    (critical,) = report.critical_values
    assert critical.value == sympy.Rational(-29, 168)
    assert critical.gaming_starts == ("support",)
    assert report.gaming["support"].values == sympy.Interval.open(sympy.Rational(-29, 168), sympy.oo)


def test_phases_agree_with_solving_at_points(company: inc.Organization) -> None:
    name = "customers_per_deal"
    report = thresholds(company, [name], domain={name: (0, 400)})
    assert [float(c.value) for c in report.critical_values] == pytest.approx([1000 / 21, 3125 / 42, 625 / 3])
    for phase in report.phases:
        low, high = phase.values.inf, phase.values.sup
        point = (low + high) / 2
        analysis = inc.analyze(with_values(company, {name: point}), method="pure")
        assert tuple(e.label for e in analysis.equilibria) == phase.equilibria
        assert analysis.gaming_departments == phase.gaming
    # operations' change freeze is gaming only while the company is small
    operations = report.gaming["operations"].values
    assert operations == sympy.Interval.open(0, sympy.Rational(1000, 21))
    for value, games in ((47, True), (48, False)):
        assert ("operations" in inc.analyze(with_values(company, {name: value})).gaming_departments) is games


def test_bad_names_and_profiles_are_reported(two: inc.Organization) -> None:
    with pytest.raises(inc.ModelError, match="unknown department 'suport'"):
        thresholds(two, ["bonus.suport.tickets_closed_per_hour"])
    with pytest.raises(inc.ModelError, match="unknown parameter"):
        thresholds(two, ["weight"])
    with pytest.raises(inc.ModelError, match=r"profile.support: unknown action 'quick'"):
        equilibrium_region(two, ["support_weight"], "sales=pushy, support=quick")


def test_cli_thresholds_text_and_json() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["thresholds", EXAMPLE, "--symbol", "bonus.support.reopened_tickets"])
    assert result.exit_code == 0, result.output
    assert "bonus.support.reopened_tickets = -29/168: " in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("│ support "))
    assert [cell.strip() for cell in row.split("│")[1:-1]] == ["support", "bonus.support.reopened_tickets > -29/168"]
    result = runner.invoke(
        main,
        ["thresholds", EXAMPLE, "-s", "customers_per_deal=0:", "--profile", "sales=aggressive, support=fast_close, "
         "development=rushed, operations=change_freeze", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["schema"] == "incentives.thresholds/1" and doc["exact"] is True
    assert [c["value"] for c in doc["critical_values"]] == ["1000/21", "3125/42", "625/3"]
    assert doc["gaming"]["development"]["region"] == "customers_per_deal > 3125/42"
    result = runner.invoke(main, ["thresholds", EXAMPLE, "-s", "bonus.support.nothing"])
    assert result.exit_code == 1 and "unknown KPI 'nothing'" in result.stderr


def test_thresholds_json_follows_its_schema() -> None:
    result = CliRunner().invoke(main, ["thresholds", EXAMPLE, "-s", "ticket_cost", "--format", "json"])
    assert result.exit_code == 0, result.output
    validate(json.loads(result.stdout))


def test_sweep_json_follows_its_schema(tmp_path: Path) -> None:
    out = tmp_path / "sweep.json"
    result = CliRunner().invoke(main, ["sweep", EXAMPLE, "-p", "ticket_cost=1:3:2", "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    validate(doc)
    assert doc["schema"] == "incentives.sweep/2" and [p["ticket_cost"] for p in doc["points"]] == [1.0, 3.0]
