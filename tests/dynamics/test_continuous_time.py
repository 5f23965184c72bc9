"""Replicator and logit dynamics, checked against known behaviour and invariants."""

from __future__ import annotations

import numpy as np
import pytest

import incentives as inc

PD = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
RPS = inc.Game.from_bimatrix(
    [[0, -1, 1], [1, 0, -1], [-1, 1, 0]], [[0, 1, -1], [-1, 0, 1], [1, -1, 0]], actions=(("R", "P", "S"),) * 2
)
COORDINATION = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[2, 0], [0, 1]])


@pytest.mark.parametrize("seed", range(3))
def test_replicator_prisoners_dilemma_converges_to_defection(seed: int) -> None:
    result = inc.replicator_dynamics(PD, rng=seed)
    assert result.converged and result.regret < 1e-6
    assert [p.round(6).tolist() for p in result.final] == [[0.0, 1.0], [0.0, 1.0]]
    assert result.times[-1] < 200  # stopped when it came to rest


def test_replicator_coordination_from_a_nearby_start() -> None:
    near_a = inc.replicator_dynamics(COORDINATION, start=([0.6, 0.4], [0.7, 0.3]))
    near_b = inc.replicator_dynamics(COORDINATION, start=([0.2, 0.8], [0.3, 0.7]))
    assert near_a.converged and near_a.final[0][0] == pytest.approx(1.0, abs=1e-6)
    assert near_b.converged and near_b.final[1][1] == pytest.approx(1.0, abs=1e-6)


def test_replicator_rock_paper_scissors_orbits() -> None:
    start = ([0.5, 0.3, 0.2], [0.2, 0.3, 0.5])
    result = inc.replicator_dynamics(RPS, start=start)
    assert not result.converged and not result.cycles and "still moving" in result.notes[0]
    # the invariant of zero-sum RPS: sum of log-probabilities of both players stays constant
    invariant = np.log(result.profiles[0]).sum(axis=1) + np.log(result.profiles[1]).sum(axis=1)
    assert np.ptp(invariant) < 1e-6
    # so the orbit never approaches the equilibrium at the centre
    distance = np.abs(result.profiles[0] - 1 / 3).max(axis=1)
    assert distance.min() > 0.05
    assert result.regret > 0.05


def test_replicator_rest_point_start_converges_at_once() -> None:
    result = inc.replicator_dynamics(RPS, start=([1 / 3] * 3, [1 / 3] * 3))
    assert result.converged and result.times.tolist() == [0.0]


@pytest.mark.parametrize("game", [RPS, inc.Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])])
def test_logit_dynamics_settle_at_the_centre_of_zero_sum_cycles(game: inc.Game) -> None:
    n = game.shape[0]
    start = (np.eye(n)[0], np.eye(n)[-1])
    result = inc.logit_dynamics(game, start=start, precision=4.0)
    assert result.converged
    for p in result.final:
        assert p == pytest.approx(np.full(n, 1 / n), abs=1e-7)


def test_logit_rest_point_is_a_quantal_response_equilibrium() -> None:
    rng = np.random.default_rng(2)
    game = inc.Game.from_payoffs(rng.normal(size=(3, 2, 3, 2)))
    precision = 3.0
    result = inc.logit_dynamics(game, precision=precision, rng=1)
    assert result.converged
    # independent check: every player's strategy is the logit response to the others' strategies
    x = [np.asarray(p) for p in result.final]
    payoffs = game.float_payoffs()
    for i in range(3):
        others = [x[j] for j in range(3) if j != i]
        own = np.moveaxis(payoffs[i], i, 0)
        values = np.einsum("abc,b,c->a", own, *others)
        response = np.exp(precision * values) / np.exp(precision * values).sum()
        assert x[i] == pytest.approx(response, abs=1e-7)


def test_logit_with_high_precision_approaches_defection() -> None:
    result = inc.logit_dynamics(PD, start=([0.5, 0.5], [0.5, 0.5]), precision=20)
    assert result.converged and result.final[0][1] > 0.99


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="'precision'"):
        inc.logit_dynamics(PD, precision=-1)
    with pytest.raises(ValueError, match="'t_max'"):
        inc.replicator_dynamics(PD, t_max=0)
    with pytest.raises(ValueError, match="'points'"):
        inc.replicator_dynamics(PD, points=1)
    with pytest.raises(ValueError, match="probabilities summing to 1"):
        inc.replicator_dynamics(PD, start=([0.5, 0.6], [1, 0]))
    with pytest.raises(ValueError, match="one probability vector per player"):
        inc.replicator_dynamics(PD, start=([1, 0],))
