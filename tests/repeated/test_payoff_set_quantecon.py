"""Subgame-perfect payoff sets against QuantEcon's on seeded games (quantecon is in the test extra; skipped without it).

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
from incentives.repeated import equilibrium_payoff_set
from incentives.repeated._polygon import directions

TOL = 1e-12

qe = pytest.importorskip(
    "quantecon.game_theory", reason="quantecon (in the test extra) is not installed: no payoff-set comparison"
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
