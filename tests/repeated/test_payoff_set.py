"""Subgame-perfect payoff sets of two-department repeated games with known shapes (QuantEcon's: the next file)."""

from __future__ import annotations

import numpy as np
import pytest

import incentives as inc
from incentives.errors import SolverError
from incentives.repeated import equilibrium_payoff_set


def prisoners_dilemma() -> inc.Game:
    return inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])


def test_an_impatient_prisoners_dilemma_has_only_mutual_defection() -> None:
    result = equilibrium_payoff_set(prisoners_dilemma(), 0.2)
    assert result.outer.round(9).tolist() == [[1.0, 1.0]]
    assert result.inner is not None and result.inner.round(9).tolist() == [[1.0, 1.0]]
    assert result.worst == ((1.0, 1.0), (1.0, 1.0))


def test_cooperation_enters_the_set_at_the_critical_discount_factor() -> None:
    below, above = equilibrium_payoff_set(prisoners_dilemma(), 0.49), equilibrium_payoff_set(prisoners_dilemma(), 0.51)
    assert not below.contains((3, 3)) and above.contains((3, 3)) and above.contains((3, 3), which="inner")
    # patient departments get every feasible payoff pair above the minmax values (1, 1): the folk theorem
    patient = equilibrium_payoff_set(prisoners_dilemma(), 0.9)
    for point in [(1, 1), (3, 3), (1, 4.3), (4.3, 1), (2, 2)]:  # (1, 13/3) is on the edge (0, 5)-(3, 3)
        assert patient.contains(point, which="inner")
    assert not patient.contains((0.9, 3)) and not patient.contains((3.2, 3.2)) and not patient.contains((1, 4.4))


def test_matching_pennies_has_no_pure_strategy_equilibrium() -> None:
    pennies = inc.Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    result = equilibrium_payoff_set(pennies, 0.9)
    assert result.is_empty and result.worst is None and result.inner is None
    assert "no pure-strategy subgame-perfect equilibrium" in result.notes[0]


def test_the_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="'discount' parameter must be a number in \\(0, 1\\)"):
        equilibrium_payoff_set(prisoners_dilemma(), 1.0)
    with pytest.raises(ValueError, match="'directions'"):
        equilibrium_payoff_set(prisoners_dilemma(), 0.5, directions=4)
    three = inc.Game.from_payoffs(np.zeros((3, 2, 2, 2)))
    with pytest.raises(SolverError, match="two departments"):
        equilibrium_payoff_set(three, 0.5)


def test_the_repeated_analysis_carries_the_set_for_two_departments_and_says_why_not_otherwise() -> None:
    two = inc.repeated(prisoners_dilemma(), target=(0, 0), discount=0.75)
    assert two.payoff_set is not None and two.payoff_set.contains((3, 3))
    three = inc.repeated(inc.load_model("examples/keeping_close.yaml"), discount=0.9)
    assert three.payoff_set is None
    assert any("two departments only; this model has 3" in note for note in three.notes)
    no_discount = inc.repeated(prisoners_dilemma(), target=(0, 0))
    assert no_discount.payoff_set is None and any("needs a discount factor" in n for n in no_discount.notes)
