"""The vectorised batch and the exact formulas agree with the one-model analysis, point by point."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy

import incentives as inc
from incentives.build import compile_model
from incentives.formula import symbol
from incentives.repeated import critical_discounts, sustainability_formulas, sustains

EXAMPLE = "examples/keeping_close.yaml"


@pytest.fixture(scope="module")
def org() -> inc.Organization:
    return inc.load_model(EXAMPLE)


def test_the_batch_agrees_with_the_analysis_at_each_point(org: inc.Organization) -> None:
    sizes = [[5.0, 0], [45.0, 0], [70.0, 2], [300.0, 2]]
    batch = compile_model(org, ["headcount", "involvement"]).evaluate(np.array(sizes))
    found = critical_discounts(batch, equilibria="all")
    assert found.discount is not None and found.sustained is not None and found.smallest_monitoring is not None
    for k, (headcount, involvement) in enumerate(sizes):
        model = org.with_parameters({"headcount": headcount, "involvement": involvement})
        one = inc.repeated(model, payoff_set=False)
        assert one.reversion is not None
        assert found.by_reversion[k] == pytest.approx([float(x) for x in one.reversion.critical_discounts])
        assert found.by_minmax[k] == pytest.approx(
            [float(x) for x in one.grim_trigger("pure minmax").critical_discounts]
        )
        assert found.organisation_by_reversion[k] == pytest.approx(float(one.critical_discount))
        assert found.discount[k] == pytest.approx(float(one.discount))
        assert found.monitoring[k] == pytest.approx([float(p) for p in one.monitoring])
        assert bool(found.sustained[k]) == one.sustained
        assert found.smallest_monitoring[k] == pytest.approx([float(p) for p in one.reversion.smallest_monitoring])
    assert found.sustained.tolist() == [True, True, True, False]
    assert found.quantities == ("headcount", "involvement") and found.points.shape == (4, 2)


def test_pure_reversion_uses_the_pure_equilibria_only(org: inc.Organization) -> None:
    batch = compile_model(org, ["headcount"]).evaluate(np.array([[40.0]]))
    found = critical_discounts(batch)
    one = inc.repeated(inc.evaluate_model(org), equilibria="pure")
    assert one.reversion is not None
    assert found.by_reversion[0] == pytest.approx([float(x) for x in one.reversion.critical_discounts])
    assert "pure stage equilibria only" in found.notes[0]


def test_one_evaluated_model_is_a_batch_of_one(org: inc.Organization) -> None:
    found = critical_discounts(inc.evaluate_model(org), discount=0.9, monitoring={"sales": 0.5})
    assert found.targets.tolist() == [[0, 0, 0]]
    assert found.monitoring.tolist() == [[0.5, 1.0, 1.0]]
    assert found.binding.tolist() == [0]


def test_a_batch_without_a_pure_equilibrium_says_so() -> None:
    pennies = inc.Organization.from_dict(
        {
            "name": "Pennies",
            "parameters": {"stake": 1},
            "departments": {
                "a": {"actions": {"heads": {"x": 1}, "tails": {"x": -1}}},
                "b": {"actions": {"heads": {"y": 1}, "tails": {"y": -1}}},
            },
            "kpis": {"match": "stake * a.x * b.y", "mismatch": "-stake * a.x * b.y"},
            "company_value": "0",
            "bonus": {"a": {"match": 1}, "b": {"mismatch": 1}},
        }
    )
    batch = compile_model(pennies, ["stake"]).evaluate(np.array([[1.0], [2.0]]))
    found = critical_discounts(batch, target=(0, 0), discount=0.9)
    assert np.isnan(found.by_reversion).all() and (found.binding == -1).all()
    assert found.sustained is not None and not found.sustained.any()
    assert "no stage equilibrium was found at 2 points:" in found.notes[-1]
    assert found.by_minmax[0].tolist() == [0.0, 1.0]  # a matches at the target; b is held to its minmax 1 anyway


def test_the_exact_formulas_agree_with_the_batch(org: inc.Organization) -> None:
    formulas = sustainability_formulas(org, ["headcount", "involvement"], reversion="pure minmax")
    batch = compile_model(org, ["headcount", "involvement"]).evaluate(np.array([[30.0, 0], [150.0, 2]]))
    found = critical_discounts(batch)
    for k, (headcount, involvement) in enumerate([(30, 0), (150, 2)]):
        values = formulas.at({"headcount": headcount, "involvement": involvement})
        tempted = [d for d, g in values["gains"].items() if g > 0]
        for i, dept in enumerate(formulas.departments):
            if dept in tempted:
                assert values["critical_discounts"][dept] == pytest.approx(found.by_minmax[k, i])
            assert values["monitoring"][dept] == pytest.approx(found.monitoring[k, i])
            loss = found.target_payoffs[k, i] - found.minmax_payoffs[k, i]
            assert values["losses"][dept] == pytest.approx(loss)
            held = sustains(found.gains[k, i], loss, found.discount[k], found.monitoring[k, i])
            assert (values["conditions"][dept] >= -1e-12) == bool(held)


def test_the_formulas_are_exact_functions_of_the_quantities(org: inc.Organization) -> None:
    formulas = sustainability_formulas(org, ["headcount"])
    h = symbol("headcount")
    assert formulas.discount == sympy.Rational(380) / (h + 400)
    assert formulas.monitoring["sales"] == 20 / (h + 20)
    assert formulas.gains["sales"] == sympy.Rational(23, 25) and formulas.losses["sales"] == sympy.Rational(19, 25)
    assert formulas.punishments["sales"] == "sales=aggressive, support=fast_close, development=rushed"
    assert formulas.smallest_monitoring is not None
    needed = formulas.smallest_monitoring["sales"].subs(h, 40)
    one = inc.repeated(inc.evaluate_model(org, exact=True), equilibria="pure")
    assert one.reversion is not None and one.reversion.smallest_monitoring is not None
    assert Fraction(str(needed)) == one.reversion.smallest_monitoring[0]


def test_bonus_weights_can_be_kept_symbolic(org: inc.Organization) -> None:
    formulas = sustainability_formulas(org, ["bonus.sales.retained_customers"], monitoring=1)  # everything seen
    w = symbol("bonus.sales.retained_customers")
    # sales retains 468 customers by selling aggressively against 376: its gain is 92 w
    assert formulas.gains["sales"] == 92 * w
    assert formulas.critical_discounts["sales"] == sympy.Rational(23, 42)  # the weight cancels: 92 / (92 + 76)
