"""Subgame-perfect payoff sets of two-department repeated games: known shapes, and QuantEcon's on seeded games.

QuantEcon's ``RepeatedGame.equilibrium_payoffs`` (Abreu and Sannikov 2014) computes the same set
(pure-strategy subgame-perfect payoffs with public randomisation, perfect monitoring) by another
algorithm; it is run with its default tolerance (1e-12) and ours with the same.  Our outer
approximation must contain its set, and our inner approximation's support must equal its
support in every one of our normals (the inner polygon's vertices attain the true support).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import incentives as inc
from incentives.errors import SolverError
from incentives.repeated import equilibrium_payoff_set
from incentives.repeated._polygon import directions

TOL = 1e-12


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


qe = pytest.importorskip(
    "quantecon.game_theory", reason="quantecon (the 'compare' extra) is not installed: no payoff-set comparison"
)


def quantecon_vertices(payoffs: np.ndarray, delta: float) -> np.ndarray | None:
    stage = qe.NormalFormGame((qe.Player(payoffs[0]), qe.Player(payoffs[1].T)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hull = qe.RepeatedGame(stage, delta).equilibrium_payoffs(options={"tol": TOL})
    except Exception:  # qhull refuses a degenerate set (a point or a segment); QuantEcon raises then
        return None
    return np.asarray(hull.points[hull.vertices])


CASES = [(shape, seed, delta) for shape in [(2, 2), (3, 3), (2, 4)] for seed in range(4) for delta in (0.6, 0.9)]


@pytest.mark.parametrize(("shape", "seed", "delta"), CASES)
def test_the_sets_agree_with_quantecon_on_seeded_games(shape: tuple[int, int], seed: int, delta: float) -> None:
    payoffs = np.random.default_rng([shape[0], shape[1], seed]).normal(size=(2, *shape))
    theirs = quantecon_vertices(payoffs, delta)
    if theirs is None:
        pytest.skip("QuantEcon's hull fails on this degenerate set")
    ours = equilibrium_payoff_set(inc.Game.from_payoffs(payoffs), delta, tol=TOL)
    assert ours.converged and ours.inner is not None
    scale = max(1.0, float(np.abs(payoffs).max()))
    normals = directions(ours.directions)
    support_theirs = (theirs @ normals.T).max(axis=0)
    outer = (ours.outer @ normals.T).max(axis=0)
    inner = (ours.inner @ normals.T).max(axis=0)
    assert np.all(outer >= support_theirs - 1e-9 * scale)  # the outer set contains theirs
    assert np.max(np.abs(inner - support_theirs)) <= 1e-8 * scale  # the inner set touches theirs in every normal
    worst = ours.worst
    assert worst is not None
    for i in (0, 1):  # the harshest punishment of each department: the lowest equilibrium payoff
        assert worst[i][1] == pytest.approx(theirs[:, i].min(), abs=1e-8 * scale)
        assert worst[i][0] <= theirs[:, i].min() + 1e-9 * scale


def test_enough_seeded_cases_are_compared() -> None:
    compared = 0
    for shape, seed, delta in CASES:
        payoffs = np.random.default_rng([shape[0], shape[1], seed]).normal(size=(2, *shape))
        compared += quantecon_vertices(payoffs, delta) is not None
    assert compared >= 16
