"""Fictitious play: empirical frequencies converge where theory says they must."""

from __future__ import annotations

import numpy as np
import pytest

import incentives as inc

PENNIES = inc.Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
PD = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])


def test_matching_pennies_frequencies_approach_one_half() -> None:
    result = inc.fictitious_play(PENNIES, start=(0, 0), rounds=10_000)
    assert result.converged
    for freq in result.final:
        assert freq == pytest.approx([0.5, 0.5], abs=0.01)
    # the players keep switching: both actions are played often, late in the run too
    late = np.array(result.path[-2000:])
    assert 0.3 < late[:, 0].mean() < 0.7
    # the recorded frequencies are the running means of the plays
    plays = np.array(result.path)
    assert result.profiles[0][-1, 1] == pytest.approx(plays[:, 0].mean())
    assert result.times[-1] == 10_001 and result.profiles[1].shape == (10_001, 2)


def test_short_run_is_reported_as_not_converged() -> None:
    result = inc.fictitious_play(PENNIES, start=(0, 0), rounds=3, tol=1e-3)
    assert not result.converged and "regret" in result.notes[0]


def test_prisoners_dilemma_frequencies_go_to_defection() -> None:
    result = inc.fictitious_play(PD, start=(0, 0), rounds=2000)
    assert result.converged
    assert result.path[1:] == ((1, 1),) * 2000  # defect is dominant: played from round one on
    assert result.final[0][1] == pytest.approx(2000 / 2001)


def test_zero_sum_random_game_regret_shrinks() -> None:
    rng = np.random.default_rng(4)
    a = rng.normal(size=(4, 4))
    game = inc.Game.from_bimatrix(a, -a)
    short = inc.fictitious_play(game, start=(0, 0), rounds=50)
    long = inc.fictitious_play(game, start=(0, 0), rounds=5000)
    assert long.regret < short.regret and long.converged  # Robinson (1951)


def test_bad_rounds_and_tolerance() -> None:
    with pytest.raises(ValueError, match="'rounds'"):
        inc.fictitious_play(PD, rounds=-1)
    with pytest.raises(ValueError, match="'tol'"):
        inc.fictitious_play(PD, tol=0)


def test_ties_to_within_rounding_go_to_the_first_action_so_a_symmetric_start_stays_symmetric() -> None:
    """The key account of docs/explanation/beyond-nash.md: both departments hold the same beliefs at every
    round, so by symmetry they play alike; at the rounds where insisting and giving in tie exactly (their
    values are computed by different matrix products, which may round differently), both take the first
    action. Converges to the mixed equilibrium, a third insisting each."""
    game = inc.Game.from_bimatrix([[0, 7], [2, 6]], [[0, 2], [7, 6]])
    result = inc.fictitious_play(game, start=(0, 0), rounds=3000)
    assert all(a == b for a, b in result.path)  # the same action for both at every round
    assert result.converged and all(abs(p[0] - 1 / 3) < 0.01 for p in result.final)
