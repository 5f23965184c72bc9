"""Tests of iterated elimination of strictly dominated strategies (incentives.solvers.dominance)."""

from __future__ import annotations

import dataclasses
import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incentives.game import Game
from incentives.solvers import dominance
from incentives.solvers.dominance import Elimination, EliminationStep, eliminate_dominated
from incentives.solvers.pure import best_response_masks

F = Fraction


def prisoners_dilemma() -> Game:
    return Game.from_bimatrix(
        [[3, 0], [5, 1]],
        [[3, 5], [0, 1]],
        actions=(["cooperate", "defect"], ["cooperate", "defect"]),
        title="Prisoner's dilemma",
    )


def mixture_example(*, exact: bool = True) -> Game:
    """Row's D = (1, 1) is beaten by 1/2 U + 1/2 M = (3/2, 3/2), but by neither U nor M alone."""
    row = [[3, 0], [0, 3], [1, 1]]
    col = [[1, 0], [0, 1], [0, 0]]
    if not exact:
        row, col = np.array(row, dtype=float), np.array(col, dtype=float)
    return Game.from_bimatrix(row, col, actions=(["U", "M", "D"], ["L", "R"]))


# -- known answers ---------------------------------------------------------------------


def test_prisoners_dilemma_reduces_to_mutual_defection():
    result = eliminate_dominated(prisoners_dilemma())
    assert result.game.actions == (("defect",), ("defect",))
    assert result.surviving == ((1,), (1,))
    assert result.rounds == 1
    assert [(s.round, s.player, s.action, s.dominator, s.margin) for s in result.steps] == [
        (1, "row", "cooperate", "defect", F(1)),
        (1, "column", "cooperate", "defect", F(1)),
    ]
    assert result.game.title == "Prisoner's dilemma"
    assert np.array_equal(result.game.payoffs, np.array([[[F(1)]], [[F(1)]]], dtype=object))


def test_action_dominated_only_by_a_mixture_needs_mixed():
    game = mixture_example()
    pure_only = eliminate_dominated(game, mixed=False)
    assert pure_only.steps == ()
    assert pure_only.game == game
    assert pure_only.surviving == ((0, 1, 2), (0, 1))

    result = eliminate_dominated(game)
    assert result.surviving == ((0, 1), (0, 1))
    assert result.game.actions == (("U", "M"), ("L", "R"))
    (step,) = result.steps
    assert step.mixed
    assert step.dominator == {"U": F(1, 2), "M": F(1, 2)}
    assert all(isinstance(p, Fraction) for p in step.dominator.values())
    assert step.margin == F(1, 2)
    assert str(step) == "round 1: row's 'D' is strictly dominated by 1/2 'U' + 1/2 'M' (margin 1/2)"


def test_mixture_example_in_floating_point():
    result = eliminate_dominated(mixture_example(exact=False))
    (step,) = result.steps
    assert isinstance(step.dominator, dict)
    assert step.dominator.keys() == {"U", "M"}
    assert step.dominator["U"] == pytest.approx(0.5)
    assert isinstance(step.margin, float)
    assert step.margin == pytest.approx(0.5)
    assert not result.game.is_exact


def test_mixture_of_three_actions():
    row = [[6, 0, 0], [0, 6, 0], [0, 0, 6], [1, 1, 1]]
    game = Game.from_bimatrix(row, np.zeros((4, 3), dtype=int).tolist(), actions=("ABCD", "xyz"))
    (step,) = eliminate_dominated(game).steps
    assert step.action == "D"
    assert step.dominator == {"A": F(1, 3), "B": F(1, 3), "C": F(1, 3)}
    assert step.margin == 1


def test_gibbons_iterated_example_takes_three_rounds():
    # Gibbons (1992), A Primer in Game Theory, Section 1.1.B
    game = Game.from_bimatrix(
        [[1, 1, 0], [0, 0, 2]],
        [[0, 2, 1], [3, 1, 0]],
        actions=(["Up", "Down"], ["Left", "Middle", "Right"]),
    )
    result = eliminate_dominated(game, mixed=False)
    assert result.surviving == ((0,), (1,))
    assert result.rounds == 3
    assert [(s.round, s.action, s.dominator) for s in result.steps] == [
        (1, "Right", "Middle"),
        (2, "Down", "Up"),
        (3, "Left", "Middle"),
    ]
    assert eliminate_dominated(game) == result


def test_mixed_elimination_unlocks_further_pure_rounds():
    # D falls to 1/2 U + 1/2 M; then L beats R; then U beats M.
    game = Game.from_bimatrix(
        [[3, 0], [0, 3], [1, 1]],
        [[2, 1], [2, 1], [0, 3]],
        actions=(["U", "M", "D"], ["L", "R"]),
    )
    assert eliminate_dominated(game, mixed=False).steps == ()
    result = eliminate_dominated(game)
    assert result.surviving == ((0,), (0,))
    assert [(s.round, s.player, s.action, s.mixed) for s in result.steps] == [
        (1, "row", "D", True),
        (2, "column", "R", False),
        (3, "row", "M", False),
    ]


def public_goods_game() -> Game:
    """Three departments; contributing costs 1 and returns 1/2 to every department."""
    payoffs = np.empty((3, 2, 2, 2), dtype=object)
    for profile in itertools.product(range(2), repeat=3):
        contributions = sum(1 for a in profile if a == 0)
        for i in range(3):
            payoffs[(i, *profile)] = F(contributions, 2) - (1 if profile[i] == 0 else 0)
    return Game(
        players=("sales", "support", "development"),
        actions=(("contribute", "keep"),) * 3,
        payoffs=payoffs,
    )


def test_three_player_public_goods_game():
    result = eliminate_dominated(public_goods_game())
    assert result.surviving == ((1,), (1,), (1,))
    assert [(s.round, s.player, s.action, s.margin) for s in result.steps] == [
        (1, "sales", "contribute", F(1, 2)),
        (1, "support", "contribute", F(1, 2)),
        (1, "development", "contribute", F(1, 2)),
    ]


def test_three_player_chain_needs_three_rounds():
    # development: c1 is always worse; then sales prefers a1; then support prefers b1.
    payoffs = np.zeros((3, 2, 2, 2), dtype=int)
    for a, b, c in itertools.product(range(2), repeat=3):
        payoffs[0, a, b, c] = int(a == c)  # sales wants to match development
        payoffs[1, a, b, c] = int(a == b)  # support wants to match sales
        payoffs[2, a, b, c] = 1 - c  # development: c0 always
    game = Game.from_payoffs(payoffs.tolist(), players=["sales", "support", "development"])
    result = eliminate_dominated(game)
    assert result.surviving == ((0,), (0,), (0,))
    assert [(s.round, s.player) for s in result.steps] == [(1, "development"), (2, "sales"), (3, "support")]


def test_weakly_dominated_actions_are_kept():
    game = Game.from_bimatrix([[1, 1], [1, 0]], [[1, 1], [1, 1]], actions=(["U", "D"], ["L", "R"]))
    result = eliminate_dominated(game)
    assert result.steps == ()
    assert result.surviving == ((0, 1), (0, 1))


def test_one_player_keeps_its_best_actions():
    game = Game.from_payoffs([[3, 1, 3, 2]], players=["solo"])
    result = eliminate_dominated(game)
    assert result.surviving == ((0, 2),)
    assert {s.action for s in result.steps} == {"1.2", "1.4"}


def test_single_action_players_are_left_alone():
    game = Game.from_payoffs([[[1, 2]], [[0, 5]]])
    result = eliminate_dominated(game)
    assert result.surviving == ((0,), (1,))


def test_company_value_is_restricted_with_the_game():
    base = prisoners_dilemma()
    game = dataclasses.replace(base, company_value=np.array([[6, 5], [5, 2]]))
    reduced = eliminate_dominated(game).game
    assert reduced.company_value is not None
    assert reduced.company_value.tolist() == [[F(2)]]


# -- tolerance and verification ----------------------------------------------------


def test_float_margin_below_tolerance_is_not_a_domination():
    game = Game.from_bimatrix([[1.0, 1.0], [1.0 - 1e-12, 1.0 - 1e-12]], [[0.0, 1.0], [1.0, 0.0]])
    assert eliminate_dominated(game).steps == ()
    step = eliminate_dominated(game, tol=1e-14).steps[0]
    assert (step.action, step.dominator) == ("r1", "r0")
    assert step.margin == pytest.approx(1e-12)


def test_tolerance_is_relative_to_the_payoff_scale():
    big = Game.from_bimatrix([[1e6, 1e6], [1e6 - 1e-4, 1e6 - 1e-4]], [[0.0, 1.0], [1.0, 0.0]])
    assert eliminate_dominated(big).steps == ()  # a gap of 1e-10 of the scale
    assert eliminate_dominated(big, tol=1e-12).steps[0].action == "r1"


@pytest.mark.parametrize("tol", [0.0, -1e-9, float("nan")])
def test_tolerance_must_be_positive(tol):
    with pytest.raises(ValueError, match="'tol' parameter of eliminate_dominated must be a float in \\(0, inf\\)"):
        eliminate_dominated(prisoners_dilemma(), tol=tol)


def lp_failing_for_d(answer):
    """The real linear program, except for row's action D = (1, 1) of the mixture example."""
    real = dominance._lp_mixture
    return lambda rivals, target: answer if np.array_equal(target, [1.0, 1.0]) else real(rivals, target)


@pytest.mark.parametrize("exact", [True, False])
def test_a_mixture_that_fails_the_independent_check_is_not_used(monkeypatch, exact):
    monkeypatch.setattr(dominance, "_lp_mixture", lp_failing_for_d((np.array([0.9, 0.1]), 0.5)))
    result = eliminate_dominated(mixture_example(exact=exact))
    assert result.steps == ()
    (note,) = result.notes
    assert note.startswith("row's 'D': the linear program suggested a dominating mixture (margin 0.5)")
    assert ("exact check" if exact else "floating-point check") in note


def test_a_failed_linear_program_is_reported(monkeypatch):
    monkeypatch.setattr(dominance, "_lp_mixture", lp_failing_for_d("the linear program failed (boom)"))
    result = eliminate_dominated(mixture_example())
    assert result.steps == ()
    assert result.notes == ("row's 'D': the linear program failed (boom)",)


def test_exact_check_rationalises_an_inexact_lp_answer(monkeypatch):
    real = dominance._lp_mixture

    def noisy(rivals, target):
        probabilities, epsilon = real(rivals, target)
        return probabilities + np.array([3e-8, -3e-8]), epsilon

    monkeypatch.setattr(dominance, "_lp_mixture", noisy)
    (step,) = eliminate_dominated(mixture_example()).steps
    assert step.dominator == {"U": F(1, 2), "M": F(1, 2)}


def test_results_are_frozen():
    result = eliminate_dominated(prisoners_dilemma())
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.game = prisoners_dilemma()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.steps[0].round = 2  # type: ignore[misc]
    assert isinstance(result, Elimination)
    assert isinstance(result.steps[0], EliminationStep)


# -- properties, against independent oracles -------------------------------------------


@st.composite
def games(draw: st.DrawFn) -> Game:
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=2, max_size=3)))
    values = draw(
        st.lists(
            st.integers(-3, 3), min_size=len(shape) * int(np.prod(shape)), max_size=len(shape) * int(np.prod(shape))
        )
    )
    payoffs = np.array(values).reshape(len(shape), *shape)
    if draw(st.booleans()):
        payoffs = payoffs.astype(float)
    return Game.from_payoffs(payoffs.tolist() if payoffs.dtype != float else payoffs)


def pure_equilibria(game: Game) -> set[tuple[int, ...]]:
    return {tuple(int(k) for k in row) for row in np.argwhere(best_response_masks(game).all(axis=0))}


def own_payoff(game: Game, i: int, own: int, others: tuple[int, ...]) -> Fraction:
    profile = list(others)
    profile.insert(i, own)
    return F(game.payoffs[(i, *profile)])


def opponent_profiles(alive: list[list[int]], i: int) -> list[tuple[int, ...]]:
    return list(itertools.product(*(acts for j, acts in enumerate(alive) if j != i)))


@settings(max_examples=150, deadline=None)
@given(game=games(), mixed=st.booleans())
def test_reduction_keeps_exactly_the_pure_equilibria(game, mixed):
    result = eliminate_dominated(game, mixed=mixed)
    mapped = {tuple(result.surviving[i][k] for i, k in enumerate(profile)) for profile in pure_equilibria(result.game)}
    assert mapped == pure_equilibria(game)


@settings(max_examples=150, deadline=None)
@given(game=games())
def test_every_step_is_a_strict_domination_in_the_game_of_its_round(game):
    result = eliminate_dominated(game)
    alive = [list(range(n)) for n in game.shape]
    for round_number in range(1, result.rounds + 1):
        steps = [s for s in result.steps if s.round == round_number]
        for step in steps:
            i = game.players.index(step.player)
            action = game.actions[i].index(step.action)
            mixture = step.dominator if isinstance(step.dominator, dict) else {step.dominator: 1}
            weights = {game.actions[i].index(name): F(p) for name, p in mixture.items()}
            assert set(weights) <= set(alive[i]) - {action}
            gaps = [
                sum(w * own_payoff(game, i, b, others) for b, w in weights.items())
                - own_payoff(game, i, action, others)
                for others in opponent_profiles(alive, i)
            ]
            if game.is_exact:
                assert sum(weights.values()) == 1
                assert min(gaps) == step.margin > 0
            else:
                assert float(min(gaps)) == pytest.approx(float(step.margin), abs=1e-9)
                assert min(gaps) > 0
        for step in steps:
            i = game.players.index(step.player)
            alive[i].remove(game.actions[i].index(step.action))
    assert [tuple(a) for a in alive] == list(result.surviving)


@settings(max_examples=150, deadline=None)
@given(game=games())
def test_no_action_of_the_reduced_game_is_dominated_by_another_action(game):
    reduced = eliminate_dominated(game).game
    alive = [list(range(n)) for n in reduced.shape]
    for i in range(reduced.n_players):
        for a, b in itertools.permutations(alive[i], 2):
            gaps = [
                own_payoff(reduced, i, b, others) - own_payoff(reduced, i, a, others)
                for others in opponent_profiles(alive, i)
            ]
            assert min(gaps) <= 0


@settings(max_examples=100, deadline=None)
@given(game=games(), data=st.data())
def test_relabelling_actions_and_rescaling_payoffs_do_not_change_the_survivors(game, data):
    orders = [data.draw(st.permutations(range(n))) for n in game.shape]
    payoffs = game.payoffs[np.ix_(range(game.n_players), *orders)]
    scale = [data.draw(st.integers(1, 5)) for _ in game.players]
    shift = [data.draw(st.integers(-5, 5)) for _ in game.players]
    payoffs = np.stack([payoffs[i] * scale[i] + shift[i] for i in range(game.n_players)])
    actions = tuple(tuple(game.actions[i][k] for k in order) for i, order in enumerate(orders))
    relabelled = Game(players=game.players, actions=actions, payoffs=payoffs)
    expected = [sorted(game.actions[i][k] for k in acts) for i, acts in enumerate(eliminate_dominated(game).surviving)]
    found = [sorted(names) for names in eliminate_dominated(relabelled).game.actions]
    assert found == expected
