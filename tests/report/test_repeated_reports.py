"""The reports of repeated play say what the numbers are, and what they say is true of the results."""

from __future__ import annotations

from fractions import Fraction

import pytest

import incentives as inc
from incentives.repeated import equilibrium_payoff_set, relational_contract
from incentives.report import json_document, render
from incentives.report.repeated import RepeatedReport
from incentives.report.words import number

FLAGSHIP = "examples/keeping_close.yaml"


def flat(result: object) -> str:
    return " ".join(render(result, "text").split())


def dilemma() -> inc.Game:
    return inc.Game.from_bimatrix(
        [[3, 0], [5, 1]], [[3, 5], [0, 1]], players=("sales", "support"),
        actions=(("share", "hoard"), ("share", "hoard")), title="Dilemma",
    )  # fmt: skip


@pytest.mark.parametrize("headcount", [10, 59, 60, 200])
def test_the_verdict_the_critical_discount_factor_and_who_binds_are_the_analysis(headcount: int) -> None:
    org = inc.load_model(FLAGSHIP).with_parameters({"headcount": headcount})
    result = inc.repeated(inc.evaluate_model(org, exact=True), equilibria="pure", payoff_set=False)
    text = flat(result)
    reversion = result.reversion
    assert reversion is not None and reversion.smallest_monitoring is not None
    assert f"from δ* = {number(result.critical_discount)} on" in text
    assert f"The temptation of {result.binding_department} binds" in text
    assert f"deviating once to aggressive gains it {number(result.one_shot_gain)} in that period" in text
    verdict = "sustained" if result.sustained else "not sustained"
    assert f"At δ = {number(result.discount)} the target is {verdict}." in text
    assert f"p* = {number(reversion.required_monitoring)}" in text
    doc = json_document(result)
    assert doc["sustained"] == result.sustained == (headcount <= 59)
    assert doc["critical_discount_exact"] == str(result.critical_discount)


def test_a_target_that_nobody_is_tempted_to_leave_says_so() -> None:
    coordination = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[2, 0], [0, 1]], players=("a", "b"))
    text = flat(inc.repeated(coordination, target=(0, 0), discount=0.5))
    assert "No department gains by leaving the target: it is a stage equilibrium" in text


def test_more_than_certainty_is_called_so() -> None:
    result = inc.repeated(dilemma(), target=(0, 0), discount=Fraction(1, 3), payoff_set=False)
    assert result.reversion is not None and result.reversion.required_monitoring == 2  # (2/3 x 2) / (1/3 x 2)
    assert "p* = 2 (sales needs the most): more than certainty, so no monitoring is enough." in flat(result)


@pytest.mark.parametrize(("delta", "inside"), [(0.2, False), (0.9, True)])
def test_the_payoff_set_sentence_is_true(delta: float, inside: bool) -> None:
    result = inc.repeated(dilemma(), target=(0, 0), discount=delta)
    assert result.payoff_set is not None
    assert result.payoff_set.contains((3, 3), which="inner") is inside
    assert result.payoff_set.contains((3, 3)) is inside  # at 0.2 not even the outer polygon holds it
    text = flat(result)
    if inside:
        assert "The target's payoffs (3, 3) lie in the inner polygon" in text
    else:
        assert "The target's payoffs (3, 3) lie outside the outer polygon" in text


def test_the_payoff_sets_ranges_start_at_the_worst_equilibrium_payoff() -> None:
    found = equilibrium_payoff_set(dilemma(), 0.9)
    text = flat(found)
    assert "Every action is seen (perfect monitoring)" in text
    assert found.worst is not None and found.worst[0][0] == pytest.approx(1.0)  # mutual hoarding: the minmax 1
    assert "| sales | 1 |" in render(found, "markdown").replace("  ", " ")
    assert json_document(found)["worst"]["sales"]["low"] == pytest.approx(1.0)
    empty = flat(equilibrium_payoff_set(dilemma(), 0.2))
    assert "Judd-Yeltekin-Conklin" in empty and "vertices" in empty


def test_the_relational_contracts_words_are_its_numbers() -> None:
    model = inc.evaluate_model(inc.load_model(FLAGSHIP).with_parameters({"headcount": 200}), exact=True)
    for delta in (Fraction(1, 100), Fraction(1, 2)):
        contract = relational_contract(model, discount=delta)
        text = flat(contract)
        assert f"credibly promise at most δ / (1 - δ) x (difference) = {number(contract.credible_bonus)}" in text
        assert f"Together the departments need {number(contract.required_total)}" in text
        assert ("within the budget" in text) is contract.holds_target
        assert f"from {number(contract.critical_discount)} on" in text
    assert not relational_contract(model, discount=Fraction(1, 100)).holds_target
    assert relational_contract(model, discount=Fraction(1, 2)).holds_target


def test_the_command_reports_the_contract_after_the_analysis() -> None:
    model = inc.evaluate_model(inc.load_model(FLAGSHIP), exact=True)
    report = RepeatedReport(analysis=inc.repeated(model, equilibria="pure"), contract=relational_contract(model))
    text = flat(report)
    assert text.index("Repeated play: Keeping close") < text.index("Relational contract at discount factor 19/22")
    doc = json_document(report)
    assert doc["relational_contract"]["discount"] == pytest.approx(19 / 22)
    assert doc["relational_contract"]["schema"] == "incentives.relational-contract/1"


def test_a_punishment_that_does_not_hurt_is_not_called_a_probability() -> None:
    # the growing company is dominance solvable, and sales earns more in its only stage equilibrium (7)
    # than at the company optimum (4): no detection probability can hold it there
    org = inc.load_model("examples/growing_company.yaml")
    result = inc.repeated(org, discount=0.9, monitoring=0.5, equilibria="pure", payoff_set=False)
    reversion = result.reversion
    assert reversion is not None and reversion.required_monitoring == float("inf") and result.sustained is False
    sales = result.temptations[0]
    assert sales.department == "sales" and sales.target_payoff == 4 and sales.gain == 3
    text = flat(result)
    assert (
        "At δ = 0.9 the target is not sustained, and no detection probability would sustain it: sales is no worse "
        "off punished than at the target (p* = none)." in text
    )
    assert "more than certainty" not in text


def test_print_shows_the_text_report_of_every_repeated_result() -> None:
    from incentives.whatif import sustainability

    org = inc.load_model(FLAGSHIP)
    analysis = inc.repeated(org, equilibria="pure", payoff_set=False)
    contract = relational_contract(org)
    payoffs = equilibrium_payoff_set(dilemma(), 0.9)
    report = RepeatedReport(analysis=analysis, contract=contract)
    where = sustainability(org, ["headcount"])
    for result in (analysis, contract, payoffs, report, where):
        text = str(result)
        assert text == render(result, "text") and text != repr(result)
    assert str(analysis).startswith("Repeated play: Keeping close")
    assert str(contract).startswith("Relational contract at discount factor 19/22")  # 0.95 / (1 + 40 / 400)
    assert str(payoffs).startswith("Subgame-perfect equilibrium payoffs of sales and support at discount factor 0.9")
    assert "headcount ≤ -20 + 380*sqrt(23)/23" in str(where)  # the collapse at 59.2 people
