"""Naming what varies: parameters, bonus weights and action costs."""

from __future__ import annotations

import pytest
import sympy

import incentives as inc
from incentives.whatif import check_quantities, symbolic_model, with_values

EXAMPLE = "examples/growing_company.yaml"


@pytest.fixture(scope="module")
def org() -> inc.Organization:
    return inc.load_model(EXAMPLE)


def test_with_values_sets_parameters_weights_and_costs(org: inc.Organization) -> None:
    changed = with_values(
        org, {"customers_per_deal": 300, "bonus.support.reopened_tickets": -0.25, "costs.sales.aggressive": 1}
    )
    assert changed.parameters["customers_per_deal"] == 300
    assert changed.bonus["support"]["reopened_tickets"] == sympy.Rational(-1, 4)
    assert changed.bonus["support"]["tickets_closed_per_hour"] == 2  # the rest of the plan is kept
    assert changed.costs["sales"]["aggressive"] == 1 and changed.costs["support"]["thorough"] == sympy.Rational(1, 2)
    assert org.bonus["support"].get("reopened_tickets") is None  # the original is untouched


def test_symbolic_payoffs_match_the_built_game(org: inc.Organization) -> None:
    model = symbolic_model(org, ["customers_per_deal", "bonus.sales.company_value"])
    x, s = model.symbols
    values = {x: sympy.Integer(250), s: sympy.Rational(1, 10)}
    game = inc.build_game(with_values(org, {"customers_per_deal": 250, "bonus.sales.company_value": 0.1}), exact=True)
    for profile in model.profiles():
        for i in range(len(model.players)):
            assert model.payoff(i, profile).xreplace(values) == sympy.Rational(game.payoffs[(i, *profile)])
        assert model.value(profile).xreplace(values) == sympy.Rational(game.company_value[profile])


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["customers"], "unknown parameter"),
        (["bonus.sales"], "expected NAME, bonus.DEPARTMENT.KPI or costs.DEPARTMENT.ACTION"),
        (["bonus.sales.profit"], "unknown KPI 'profit'"),
        (["costs.sales.lazy"], "unknown action 'lazy'"),
        (["ticket_cost", "ticket_cost"], "named more than once"),
    ],
)
def test_unknown_quantities_are_explained(org: inc.Organization, names: list[str], message: str) -> None:
    with pytest.raises(inc.ModelError, match=message):
        check_quantities(org, names)
