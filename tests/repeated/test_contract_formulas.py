"""The relational contract as exact formulas: against the numeric contract at points, and closed forms by hand.

By hand, the prisoner's dilemma (temptation T, reward R, punishment P, detection p, discount delta): the
target (share, share) has joint surplus 2R, mutual hoarding 2P, so the credible bonus is
delta / (1 - delta) 2 (R - P); each team gains T - R by hoarding and needs (T - R) / p, 2 (T - R) / p in all.
The budget covers that exactly when delta p (R - P) >= (1 - delta) (T - R): from
delta* = (T - R) / ((T - R) + p (R - P)) on, the textbook bound with imperfect monitoring.

By hand, keeping close (examples/keeping_close.yaml, headcount h): the relationship adds
S(a*) - S(e) = 10227/25 - 40 = 9227/25 a quarter, delta / (1 - delta) = 380 / (20 + h), sales and development
gain 23/25 and 38/25 and are seen with p = 20 / (20 + h).  So B = 380 * 9227 / (25 (20 + h)) and
N = 61 (20 + h) / 500, and B >= N exactly while (20 + h)^2 <= 380 * 9227 * 20 / 61.
"""

from __future__ import annotations

import json
from dataclasses import replace
from fractions import Fraction

import pytest
import sympy
from click.testing import CliRunner

import incentives as inc
from incentives.cli import main
from incentives.formula import symbol
from incentives.repeated import relational_contract, sustainability_formulas
from incentives.report import render
from incentives.report.schemas import validate
from incentives.whatif import sustainability

F = Fraction
FLAGSHIP = "examples/keeping_close.yaml"
STAKE = F(9227, 25)
CONTRACT_COLLAPSE = -20 + sympy.sqrt(sympy.Rational(380 * 9227 * 20, 61))

DILEMMA = {
    "name": "Two teams",
    "parameters": {"temptation": 5, "reward": 3, "punishment": 1, "sucker": 0, "patience": 0.6, "seen": 1},
    "departments": {
        "a": {"actions": {"share": {"x": 1}, "hoard": {"x": 0}}},
        "b": {"actions": {"share": {"y": 1}, "hoard": {"y": 0}}},
    },
    "kpis": {
        "a_result": "reward * a.x * b.y + temptation * (1 - a.x) * b.y + sucker * a.x * (1 - b.y)"
        " + punishment * (1 - a.x) * (1 - b.y)",
        "b_result": "reward * a.x * b.y + temptation * a.x * (1 - b.y) + sucker * (1 - a.x) * b.y"
        " + punishment * (1 - a.x) * (1 - b.y)",
    },
    "company_value": "a_result + b_result",
    "bonus": {"a": {"a_result": 1}, "b": {"b_result": 1}},
    "repeated": {"discount": "patience", "monitoring": "seen"},
}
NAMES = ["temptation", "reward", "punishment", "patience", "seen"]


@pytest.fixture(scope="module")
def org() -> inc.Organization:
    return inc.load_model(FLAGSHIP)


@pytest.fixture(scope="module")
def dilemma() -> inc.Organization:
    return inc.Organization.from_dict(DILEMMA)


@pytest.mark.parametrize("headcount", [1, 10, 40, F(155, 2), 300, 1052, 1053, 2000])
def test_the_formulas_at_a_point_are_the_numeric_contract_there(org: inc.Organization, headcount: Fraction) -> None:
    contract = sustainability_formulas(org, ["headcount"]).contract
    assert contract is not None
    found = contract.at({"headcount": headcount}, exact=True)
    model = inc.evaluate_model(org.with_parameters({"headcount": str(headcount)}), exact=True)
    numeric = relational_contract(model)  # every stage equilibrium, mixed ones too, by the solver
    assert isinstance(found["credible_bonus"], Fraction)
    assert found["credible_bonus"] == numeric.credible_bonus
    assert tuple(found["required_bonuses"].values()) == numeric.required_bonuses
    assert found["bonus_needed"] == numeric.required_total
    assert found["critical_discount"] == numeric.critical_discount
    assert (found["surplus"], found["reversion_surplus"]) == (numeric.surplus, numeric.reversion_surplus)
    assert found["holds"] is numeric.holds_target
    assert found["condition"] == numeric.credible_bonus - numeric.required_total


def test_the_flagships_contract_is_the_closed_form(org: inc.Organization) -> None:
    contract = sustainability_formulas(org, ["headcount"]).contract
    assert contract is not None and contract.credible_bonus is not None
    h = symbol("headcount")
    assert contract.stake == sympy.Rational(9227, 25)
    assert sympy.simplify(contract.credible_bonus - sympy.Rational(380) / (20 + h) * sympy.Rational(9227, 25)) == 0
    assert sympy.simplify(contract.bonus_needed - sympy.Rational(61, 500) * (20 + h)) == 0
    assert contract.required_bonuses["support"] == 0  # support loses by deviating
    assert contract.reversion == "sales=aggressive, support=fast_close, development=rushed"
    report = sustainability(org, ["headcount"])
    assert report.contract is not None and report.contract.exact
    assert report.contract.values == sympy.Interval(0, CONTRACT_COLLAPSE)
    (end,) = report.contract_critical_values
    assert sympy.simplify(end.value - CONTRACT_COLLAPSE) == 0 and end.before and not end.after
    assert 1052 < float(CONTRACT_COLLAPSE) < 1053  # far beyond grim trigger's 59 people


def test_the_dilemmas_contract_gives_the_textbook_bound(dilemma: inc.Organization) -> None:
    formulas = sustainability_formulas(dilemma, NAMES)
    contract = formulas.contract
    assert contract is not None and contract.credible_bonus is not None
    t, r, pun, delta, p = (symbol(n) for n in NAMES)
    assert contract.surplus == 2 * r and contract.reversion_surplus == 2 * pun
    assert contract.reversion == "a=hoard, b=hoard"
    for point in [
        (5, 3, 1, F(3, 5), 1),
        (7, 3, 1, F(9, 10), F(1, 2)),
        (4, 2, 0, F(1, 3), F(3, 4)),
        (6, 5, 1, F(1, 5), F(1, 9)),
    ]:
        values = dict(zip(NAMES, point, strict=True))
        found = contract.at(values, exact=True)
        tt, rr, pp, dd, seen = (F(v) for v in point)
        assert found["credible_bonus"] == dd / (1 - dd) * 2 * (rr - pp)
        assert found["required_bonuses"] == {"a": (tt - rr) / seen, "b": (tt - rr) / seen}
        assert found["critical_discount"] == (tt - rr) / ((tt - rr) + seen * (rr - pp))  # delta*(p), by hand
        assert found["holds"] is (dd * seen * (rr - pp) >= (1 - dd) * (tt - rr))
        # the same numbers from the numeric contract of the model at that point
        model = inc.evaluate_model(dilemma.with_parameters({k: str(v) for k, v in values.items()}), exact=True)
        numeric = relational_contract(model, target=("share", "share"))  # T + S > 2R moves the optimum
        assert (numeric.credible_bonus, numeric.critical_discount) == (
            found["credible_bonus"],
            found["critical_discount"],
        )
    where = contract.holds_where  # no max: T - R is the only term of each gain
    assert len(where) == 2 and sympy.simplify(where[1][0] + (t - r)) == 0
    assert any(sympy.simplify(e - (2 * delta * (r - pun) - 2 * (1 - delta) * (t - r) / p)) == 0 for e in where[0])


def test_the_dilemmas_contract_region_in_the_temptation_is_exact(dilemma: inc.Organization) -> None:
    # at delta = 3/5 and p = 1: 3/5 * 2 * 2 >= 2/5 * 2 (T - 3) while T <= 6, the grim-trigger bound too
    report = sustainability(dilemma, ["temptation"])
    assert report.contract is not None and report.sustained is not None
    assert report.contract.to_text() == report.sustained.to_text() == "temptation ≤ 6"
    (end,) = report.contract_critical_values
    assert end.value == 6 and end.before and not end.after
    assert "the relational contract (the credible discretionary bonus) stops holding" in end.describe()


def test_several_quantities_give_the_contracts_region(org: inc.Organization) -> None:
    report = sustainability(org, ["headcount", "involvement"])
    assert report.contract is not None
    for headcount, involvement in [(40, 0), (1000, 0), (1100, 0), (1100, 1), (3000, 1), (3000, 2)]:
        values = {"headcount": headcount, "involvement": involvement}
        model = inc.evaluate_model(org.with_parameters(values), exact=True)
        assert report.contract.contains(values) is relational_contract(model).holds_target, values


def test_a_given_reversion_is_the_contracts_and_no_discount_leaves_the_budget_out(org: inc.Organization) -> None:
    local = {"sales": "aggressive", "support": "thorough", "development": "rushed"}
    contract = sustainability_formulas(org, ["headcount"], reversion=local).contract
    assert contract is not None and contract.reversion == "sales=aggressive, support=thorough, development=rushed"
    model = inc.evaluate_model(org, exact=True)
    assert contract.reversion_surplus == model.company_value[1, 0, 1] - model.costs[1][1, 0, 1]  # thorough costs 0.2
    patient = replace(org, repeated=None)  # no discount factor: the bonuses needed, not the budget
    formulas = sustainability_formulas(patient, ["headcount"], monitoring="20 / (20 + headcount)")
    assert formulas.contract is not None and formulas.contract.credible_bonus is None
    assert formulas.contract.condition is None and formulas.contract.holds_where == ()
    assert sympy.simplify(formulas.contract.bonus_needed - sympy.Rational(61, 500) * (20 + symbol("headcount"))) == 0
    report = sustainability(patient, ["headcount"], monitoring="20 / (20 + headcount)")
    assert report.contract is None
    validate(json.loads(render(report, "json")))


def test_every_format_reports_the_contract(org: inc.Organization) -> None:
    report = sustainability(org, ["headcount"])
    text = " ".join(render(report, "text").split())
    assert "Largest credible discretionary bonus per period, B = δ / (1 - δ) · max(0, S(a*) - S(e)) = " in text
    assert "701252/(5*headcount + 100)" in text and "61*headcount/500 + 61/25" in text
    assert "(B ≥ N) where: 0 ≤ headcount ≤ -20 + 20*sqrt(10694093)/61 (≈ 1052.19)" in text
    markdown = render(report, "markdown")
    assert r"$\frac{701252}{5 \cdot \text{headcount} + 100}$" in markdown  # LaTeX in Markdown
    assert r"$\frac{23 \cdot \text{headcount}}{500} + \frac{23}{25}$" in markdown  # sales' bonus, in its table row
    html = render(report, "html")  # MathML, with the text as its alternative
    assert 'alttext="701252/(5*headcount + 100)"><mrow><mfrac><mn>701252</mn>' in html
    doc = json.loads(render(report, "json"))
    validate(doc)
    assert doc["contract"]["credible_bonus"] == "701252/(5*headcount + 100)"
    assert [d["required_bonus"] for d in doc["departments"]] == [
        "23*headcount/500 + 23/25",
        "0",
        "19*headcount/250 + 38/25",
    ]
    assert sympy.simplify(sympy.sympify(doc["contract"]["critical_values"][0]["value"]) - CONTRACT_COLLAPSE) == 0


def test_the_command_line_reports_the_contract() -> None:
    args = ["thresholds", FLAGSHIP, "-s", "headcount", "--repeated", "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    validate(doc)
    (end,) = doc["contract"]["critical_values"]
    assert end["decimal"] == pytest.approx(float(CONTRACT_COLLAPSE)) and end["holds_below"] and not end["holds_above"]


@pytest.mark.parametrize(
    ("name", "points"), [("customers_per_deal", [1, 100, 2000]), ("feature_value", [0, 313, 314, 400])]
)
def test_maxima_and_a_symbolic_surplus_agree_with_the_numeric_contract(name: str, points: list[int]) -> None:
    # the growing company at delta = 1/50, p = 1/2: every gain and the surplus move with the quantity, so the
    # formulas hold max(0, .) terms and the region is solved over every choice of terms
    org = inc.load_model("examples/growing_company.yaml")
    report = sustainability(org, [name], discount=F(1, 50), monitoring=F(1, 2))
    contract = report.formulas.contract
    assert contract is not None and report.contract is not None and report.contract.exact
    base = inc.evaluate_model(org, exact=True)
    target = inc.company_optimum(base.game).profile
    reverted = inc.solve(base.game, "pure")  # the formulas keep the model's own stage equilibrium
    for x in points:
        model = inc.evaluate_model(org.with_parameters({name: str(x)}), exact=True)
        numeric = relational_contract(model, discount=F(1, 50), monitoring=F(1, 2), target=target, equilibria=reverted)
        found = contract.at({name: x}, exact=True)
        assert (found["credible_bonus"], found["bonus_needed"]) == (numeric.credible_bonus, numeric.required_total)
        assert found["holds"] is numeric.holds_target is report.contract.contains(x), x
    if name == "feature_value":  # B = max(0, 12 v / 5 + 9031 / 50) / 49 >= N = 2379 / 125 from v = 187987 / 600
        assert report.contract.values == sympy.Interval(sympy.Rational(187987, 600), sympy.oo)
