"""The flagship example's story, asserted: examples/keeping_close.yaml.

Played once, the departments game their KPIs; played every quarter, they keep to the common
goal while the company is small; past a size the goal collapses into local gaming; involving
every department in a sale (the essay's remedy) moves the collapse point.

The collapse points are derived by hand for reversion to local gaming.  Sales binds: its gain
at the optimum is g = 23/25 (per thousand: 4.68 - 3.76) and reverting costs it L = 19/25 per
quarter (3.76 - 3.00).  With headcount h, the model's repeated.discount = 0.95 / (1 + h/400) =
380 / (400 + h), so 1 - delta = (20 + h) / (400 + h), and its repeated.monitoring p = v / (v + h)
with v = 20 (60 with the remedy).  The condition delta p L >= (1 - delta) g becomes

    380 v L >= g (20 + h)(v + h),    i.e.  (20 + h)(v + h) <= 380 v L / g,

so h* = -20 + sqrt(144400 / 23) = 59.24 without the remedy (v = 20), and with it
h^2 + 80 h + 1200 <= 433200 / 23, h* = -40 + sqrt(1600 - 1200 + 433200 / 23) = 98.69.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy

import incentives as inc
from incentives.build import compile_model
from incentives.formula import symbol
from incentives.repeated import critical_discounts, relational_contract, sustainability_formulas

EXAMPLE = "examples/keeping_close.yaml"
GAMING = "sales=aggressive, support=fast_close, development=rushed"
COMMON_GOAL = "sales=consultative, support=thorough, development=robust"


@pytest.fixture(scope="module")
def org() -> inc.Organization:
    return inc.load_model(EXAMPLE)


def at_size(org: inc.Organization, headcount: int, remedy: bool = False) -> inc.EvaluatedModel:
    changes = {"headcount": headcount, "involvement": 2 if remedy else 0}
    return inc.evaluate_model(org.with_parameters(changes), exact=True)


def story(org: inc.Organization, headcount: int, remedy: bool = False) -> inc.RepeatedAnalysis:
    return inc.repeated(at_size(org, headcount, remedy))  # discount and monitoring: the model's repeated section


def test_the_model_file_states_how_close_the_departments_are(org: inc.Organization) -> None:
    assert org.repeated is not None
    h = symbol("headcount")
    values = {symbol(k): v for k, v in org.parameters.items() if k != "headcount"}
    assert sympy.cancel(org.repeated.discount.xreplace(values)) == 380 / (400 + h)
    monitoring = org.repeated.monitoring
    assert isinstance(monitoring, sympy.Expr) and sympy.cancel(monitoring.xreplace(values)) == 20 / (20 + h)
    assert not {"discount_factor", "detection"} & set(org.kpis)  # no KPI that nobody is paid on


def test_no_department_has_a_dominant_action(org: inc.Organization) -> None:
    game = inc.build_game(org, exact=True)
    assert inc.eliminate_dominated(game).steps == ()  # no action is strictly dominated, so none dominates
    payoffs = game.float_payoffs()
    for i in range(game.n_players):  # and each department's best response changes with the others' actions
        replies = {int(np.argmax(np.moveaxis(payoffs[i], i, -1)[index])) for index in np.ndindex(*(2, 2))}
        assert replies == {0, 1}


def test_played_once_the_departments_game_their_kpis(org: inc.Organization) -> None:
    model = inc.evaluate_model(org, exact=True)
    analysis = inc.analyze(model)
    assert [e.label for e in analysis.equilibria if "(" not in e.label] == [GAMING]
    worst = analysis.equilibria[0]
    assert worst.company_value == 40 and {d.department for d in worst.departures if d.games} == {
        "sales",
        "support",
        "development",
    }
    assert inc.company_optimum(model).value == Fraction(10232, 25)  # 409.28: ten times local gaming's 40
    assert model.game.profile_label(inc.company_optimum(model).profile) == COMMON_GOAL


def test_sales_binds_with_a_gain_of_23_per_25(org: inc.Organization) -> None:
    result = story(org, 40)
    assert result.target_label == COMMON_GOAL
    assert result.binding_department == "sales" and result.one_shot_gain == Fraction(23, 25)
    assert [t.gain for t in result.temptations] == [Fraction(23, 25), 0, Fraction(38, 25)]
    local = result.grim_trigger("stage equilibrium 1")
    assert local.punishment.name == f"stage equilibrium 1: {GAMING}"
    assert local.losses[0] == Fraction(19, 25)
    assert local.critical_discounts[0] == Fraction(23, 23 + Fraction(1, 3) * 19)  # g / (g + p L), p = 1/3


def test_the_small_company_sustains_the_common_goal(org: inc.Organization) -> None:
    for headcount in (5, 10, 20, 40, 59):
        result = story(org, headcount)
        assert result.sustained and result.grim_trigger("stage equilibrium 1").sustained


def test_past_a_size_the_common_goal_collapses_into_local_gaming(org: inc.Organization) -> None:
    assert math.sqrt(144400 / 23) - 20 == pytest.approx(59.236, abs=1e-3)
    for headcount in (60, 80, 200, 1000):
        result = story(org, headcount)
        assert not result.sustained and not result.grim_trigger("stage equilibrium 1").sustained
        assert result.binding_department == "sales"


def test_involving_every_department_in_a_sale_moves_the_collapse_point(org: inc.Organization) -> None:
    root = -40 + math.sqrt(1600 - 1200 + 433200 / 23)
    assert root == pytest.approx(98.69, abs=1e-2)
    for headcount in (60, 80, 98):
        assert story(org, headcount, remedy=True).grim_trigger("stage equilibrium 1").sustained
    assert not story(org, 99, remedy=True).grim_trigger("stage equilibrium 1").sustained
    assert not story(org, 120, remedy=True).sustained


def test_the_collapse_points_on_a_1000_point_sweep(org: inc.Organization) -> None:
    sizes = np.arange(1, 1001, dtype=float)[:, np.newaxis]
    collapse = {}
    for remedy in (False, True):
        model = org.with_parameters({"involvement": 2 if remedy else 0})
        batch = compile_model(model, ["headcount"]).evaluate(sizes)
        found = critical_discounts(batch)
        sustained = found.sustained
        assert sustained is not None
        collapse[remedy] = int(sizes[~sustained][0, 0])
        assert not sustained[collapse[remedy] - 1 :].any()  # once collapsed, it stays collapsed
        assert set(found.binding[~sustained].tolist()) == {0}  # sales
    assert collapse == {False: 60, True: 99}


def test_the_collapse_points_solve_the_exact_condition(org: inc.Organization) -> None:
    h = symbol("headcount")
    for remedy, expected in ((False, -20 + sympy.sqrt(sympy.Rational(144400, 23))), (True, None)):
        model = org.with_parameters({"involvement": 2 if remedy else 0})
        found = sustainability_formulas(model, ["headcount"], reversion=[1, 1, 1])
        assert found.conditions is not None
        roots = [r for r in sympy.solve(sympy.together(found.conditions["sales"]), h) if r.is_real and r > 0]
        assert len(roots) == 1
        if expected is not None:
            assert sympy.simplify(roots[0] - expected) == 0
        else:
            assert float(roots[0]) == pytest.approx(-40 + math.sqrt(1600 - 1200 + 433200 / 23))


def test_a_credible_discretionary_bonus_holds_the_goal_past_the_collapse(org: inc.Organization) -> None:
    contract = relational_contract(at_size(org, 200))
    # at 200 people grim trigger fails, but the surplus the common goal adds makes a bonus credible
    assert contract.surplus == Fraction(10232, 25) - Fraction(1, 5)  # less support's effort cost of thoroughness
    assert contract.reversion_surplus == 40 and contract.reversion.endswith(GAMING)
    assert contract.required_bonuses == (Fraction(23, 25) * 11, 0, Fraction(38, 25) * 11)  # g / p with p = 1/11
    assert contract.holds_target and contract.critical_discount < contract.discount
