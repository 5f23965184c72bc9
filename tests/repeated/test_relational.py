"""Relational contracts against the Baker-Gibbons-Murphy condition, worked by hand.

One engineering department chooses careful or sloppy work.  Company value is 10 + 20 quality
(30 careful, 10 sloppy); the formal bonus pays 1 per feature shipped, 3 - 2 quality (1 careful,
3 sloppy); careful work costs the department 2.  So the department gets -1 careful and 3 sloppy:
its one-shot gain from sloppiness is g = 4, and sloppy work is the stage equilibrium.  The joint
surplus (company value less the effort cost; the bonus is a transfer) is 28 careful and 10
sloppy, so the relationship adds 18 per period.

Baker, Gibbons and Murphy (2002): the company honours a discretionary bonus b when what it saves
by reneging, b, is at most the present value of what the relationship adds from the next period
on, sum over t >= 1 of delta^t * 18 = delta / (1 - delta) * 18.  The department keeps to careful
work when p b >= g.  At delta = 1/2 the credible bonus is 18 >= 4: held.  At delta = 1/10 it is
2 < 4: not held.  The critical discount factor solves 4 = delta / (1 - delta) 18: delta = 4 / 22.
With detection p = 1/5 the department needs 4 / (1/5) = 20 > 18 at delta = 1/2.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import incentives as inc
from incentives.repeated import relational_contract

F = Fraction

ENGINEERING = {
    "name": "One department",
    "departments": {"engineering": {"actions": {"careful": {"quality": 1}, "sloppy": {"quality": 0}}}},
    "kpis": {"features": "3 - 2 * engineering.quality"},
    "company_value": "10 + 20 * engineering.quality",
    "bonus": {"engineering": {"features": 1}},
    "costs": {"engineering": {"careful": 2}},
}


def engineering() -> inc.EvaluatedModel:
    return inc.evaluate_model(inc.Organization.from_dict(ENGINEERING), exact=True)


def present_value_of_the_relationship(delta: Fraction, per_period: Fraction, periods: int = 400) -> float:
    """sum over t = 1..periods of delta^t * per_period, summed term by term."""
    return float(sum(delta**t * per_period for t in range(1, periods + 1)))


@pytest.mark.parametrize(("delta", "held"), [(F(1, 2), True), (F(1, 10), False), (F(2, 11), True), (F(1, 6), False)])
def test_the_credible_bonus_is_the_present_value_of_the_surplus_the_relationship_adds(
    delta: Fraction, held: bool
) -> None:
    contract = relational_contract(engineering(), discount=delta, target={"engineering": "careful"})
    assert (contract.surplus, contract.reversion_surplus) == (28, 10)
    assert contract.credible_bonus == delta / (1 - delta) * 18
    assert float(contract.credible_bonus) == pytest.approx(present_value_of_the_relationship(delta, F(18)))
    assert contract.required_bonuses == (4,)
    assert contract.holds_target is held and contract.holds == (held,)
    assert contract.critical_discount == F(4, 22)
    assert contract.reversion == "stage equilibrium 1: engineering=sloppy"


def test_a_deviation_seen_one_time_in_five_needs_five_times_the_bonus() -> None:
    contract = relational_contract(engineering(), discount=F(1, 2), monitoring=F(1, 5), target=("careful",))
    assert contract.required_bonuses == (20,) and contract.credible_bonus == 18
    assert not contract.holds_target
    assert contract.critical_discount == F(20, 38)
    unseen = relational_contract(engineering(), discount=F(1, 2), monitoring=0, target=("careful",))
    assert unseen.required_bonuses == (float("inf"),) and unseen.critical_discount == 1


TWO = {
    "name": "Two departments",
    "departments": {
        "sales": {"actions": {"consultative": {"push": 0}, "aggressive": {"push": 1}}},
        "support": {"actions": {"thorough": {"care": 1}, "fast": {"care": 0}}},
    },
    "kpis": {"deals": "4 + 2 * sales.push", "speed": "2 - support.care"},
    "company_value": "20 - 6 * sales.push + 8 * support.care",
    "bonus": {"sales": {"deals": 1}, "support": {"speed": 3}},
    "costs": {"support": {"thorough": 1}},
}


def test_departments_share_one_credible_budget() -> None:
    # sales gains 2 and support 3 + 1 = 4 by gaming; the optimum (consultative, thorough) has joint
    # surplus 28 - 1 = 27, the gaming equilibrium 14: the relationship adds 13 per period.
    model = inc.evaluate_model(inc.Organization.from_dict(TWO), exact=True)
    contract = relational_contract(model, discount=F(1, 3))  # delta / (1 - delta) = 1/2: budget 13/2
    assert contract.target_label == "sales=consultative, support=thorough"
    assert (contract.surplus, contract.reversion_surplus, contract.credible_bonus) == (27, 14, F(13, 2))
    assert contract.required_bonuses == (2, 4) and contract.required_total == 6
    assert contract.holds == (True, True) and contract.holds_target
    tight = relational_contract(model, discount=F(3, 10))  # 3/7 * 13 = 39/7 < 6: each alone, not both
    assert tight.holds == (True, True) and not tight.holds_target
    assert tight.critical_discount == F(6, 19)


def test_the_discount_factor_is_checked() -> None:
    with pytest.raises(ValueError, match="'discount' parameter must be in \\[0, 1\\)"):
        relational_contract(engineering(), discount=1)
