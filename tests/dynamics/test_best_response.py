"""Best-response dynamics: convergence where it must, cycles where it must."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import incentives as inc

PD = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], actions=(("C", "D"), ("C", "D")))
RPS = inc.Game.from_bimatrix(
    [[0, -1, 1], [1, 0, -1], [-1, 1, 0]], [[0, 1, -1], [-1, 0, 1], [1, -1, 0]], actions=(("R", "P", "S"),) * 2
)
COORDINATION = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[2, 0], [0, 1]], actions=(("A", "B"), ("A", "B")))
# Solved by four rounds of iterated strict dominance (no player has a dominant action): (r1, c0).
DOMINANCE_SOLVABLE = inc.Game.from_bimatrix([[2, 3, 0], [3, 1, 2], [0, 1, 2]], [[2, 0, 5], [2, 1, 1], [4, 2, 1]])


def is_best_response(game: inc.Game, profile: tuple[int, ...], i: int) -> bool:
    others = list(profile)
    values = [game.float_payoffs()[(i, *others[:i], a, *others[i + 1 :])] for a in range(game.shape[i])]
    return values[profile[i]] == max(values)


@pytest.mark.parametrize("order", ["sequential", "simultaneous"])
@pytest.mark.parametrize("start", [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_prisoners_dilemma_converges_to_defection(order: str, start: tuple[int, int]) -> None:
    result = inc.best_response_dynamics(PD, start=start, order=order)
    assert result.converged and not result.cycles
    assert result.path[-1] == (1, 1) and result.regret == 0
    assert [p.tolist() for p in result.final] == [[0.0, 1.0], [0.0, 1.0]]


@pytest.mark.parametrize("seed", range(5))
def test_dominance_solvable_game_reaches_the_surviving_profile(seed: int) -> None:
    survivors = inc.eliminate_dominated(DOMINANCE_SOLVABLE).game.actions  # the oracle
    assert survivors == (("r1",), ("c0",))
    result = inc.best_response_dynamics(DOMINANCE_SOLVABLE, rng=seed)
    assert result.converged and result.path[-1] == (1, 0)


def test_rock_paper_scissors_simultaneous_cycle_is_reported() -> None:
    result = inc.best_response_dynamics(RPS, start=("R", "R"), order="simultaneous")
    assert not result.converged
    assert result.cycle == ((0, 0), (1, 1), (2, 2))  # R -> P -> S -> R for both
    assert result.cycle_labels()[1] == "row=P, column=P"
    assert "cycles: row=R, column=R -> row=P, column=P -> row=S, column=S -> row=R, column=R" in result.describe()
    assert result.regret == pytest.approx(1.0)


def test_rock_paper_scissors_sequential_cycle_is_a_best_response_loop() -> None:
    result = inc.best_response_dynamics(RPS, start=("R", "R"))
    assert not result.converged and len(result.cycle) == 6
    rows = [p[0] for p in result.cycle]
    assert sorted(set(rows)) == [0, 1, 2]
    loop = [*result.cycle, result.cycle[0]]
    for before, after in itertools.pairwise(loop):
        (mover,) = [i for i in range(2) if before[i] != after[i]]  # one player moves at a time
        assert is_best_response(RPS, after, mover) and not is_best_response(RPS, before, mover)
    # taking turns, the column player has just beaten the row player's action each time the row moves,
    # so the row player's actions rotate R -> S -> P -> R: each loses to the one before
    moves = [after[0] for before, after in itertools.pairwise(loop) if before[0] != after[0]]
    assert sorted(moves) == [0, 1, 2]
    assert all((b - a) % 3 == 2 for a, b in zip(moves, [*moves[1:], moves[0]], strict=True))


def test_coordination_converges_sequentially_but_simultaneous_moves_can_cycle() -> None:
    assert inc.best_response_dynamics(COORDINATION, start=("A", "B")).converged
    result = inc.best_response_dynamics(COORDINATION, start=("A", "B"), order="simultaneous")
    assert result.cycle == ((0, 1), (1, 0))
    near = inc.best_response_dynamics(COORDINATION, start=("A", "A"), order="simultaneous")
    assert near.converged and len(near.times) == 1


def test_three_player_game_and_random_start_is_reproducible() -> None:
    rng = np.random.default_rng(0)
    game = inc.Game.from_payoffs(rng.normal(size=(3, 3, 3, 3)))
    first = inc.best_response_dynamics(game, rng=7)
    again = inc.best_response_dynamics(game, rng=np.random.default_rng(7))
    assert first.path == again.path
    assert first.converged or first.cycles
    if first.converged:
        assert all(is_best_response(game, first.path[-1], i) for i in range(3))


def test_max_steps_and_bad_input() -> None:
    result = inc.best_response_dynamics(RPS, start=(0, 0), max_steps=2)
    assert not result.converged and not result.cycles and "max_steps=2" in result.notes[0]
    with pytest.raises(ValueError, match="'order'"):
        inc.best_response_dynamics(PD, order="random")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="one action per player"):
        inc.best_response_dynamics(PD, start=(0,))
    with pytest.raises(ValueError, match="unknown action 'X'"):
        inc.best_response_dynamics(PD, start=("C", "X"))
    with pytest.raises(ValueError, match=r"index in \[0, 2\)"):
        inc.best_response_dynamics(PD, start=(0, 5))
