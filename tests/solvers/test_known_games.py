"""Known answers from textbooks, through ``solve(game, "all")``: the method users reach first."""

from __future__ import annotations

import warnings
from fractions import Fraction as F

import numpy as np
import pytest

import incentives as inc


def profiles(result: inc.SolveResult) -> list[tuple[tuple, ...]]:
    return [tuple(tuple(p) for p in e.profile) for e in result.equilibria]


def test_prisoners_dilemma() -> None:
    game = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    result = inc.solve(game)
    assert profiles(result) == [((0, 1), (0, 1))]
    assert result.status == "complete" and result.degenerate is False


def test_battle_of_the_sexes_has_three_equilibria_one_exactly_mixed() -> None:
    game = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    result = inc.solve(game)
    found = set(profiles(result))
    assert found == {((1, 0), (1, 0)), ((0, 1), (0, 1)), ((F(2, 3), F(1, 3)), (F(1, 3), F(2, 3)))}
    mixed = next(e for e in result.equilibria if not e.is_pure)
    assert all(isinstance(x, F) for p in mixed.profile for x in p)
    assert list(mixed.payoffs) == [F(2, 3), F(2, 3)]


def test_matching_pennies_unique_uniform() -> None:
    game = inc.Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    assert profiles(inc.solve(game)) == [((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2)))]


def test_rock_paper_scissors_unique_uniform() -> None:
    a = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
    game = inc.Game.from_bimatrix(a.tolist(), (-a).tolist())
    third = (F(1, 3),) * 3
    assert profiles(inc.solve(game)) == [(third, third)]


def test_three_player_game_with_known_pure_equilibria() -> None:
    # a three-department coordination game: each gains 1 when all three pick the same tool,
    # and 2 when all pick "new"; nobody gains from deviating alone at either unanimous profile
    payoffs = np.zeros((3, 2, 2, 2), dtype=int)
    for i in range(3):
        payoffs[i, 0, 0, 0] = 1
        payoffs[i, 1, 1, 1] = 2
    game = inc.Game.from_payoffs(payoffs.tolist(), players=("sales", "support", "dev"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", inc.IncompleteSearchWarning)
        result = inc.solve(game, "all")
    assert {e.pure_indices() for e in result.pure} == {(0, 0, 0), (1, 1, 1)}
    # the mixed equilibria are searched too: p^2 = 2 (1 - p)^2 for each department's "old" probability p
    assert result.status == "complete"
    (mixed,) = [e for e in result.equilibria if not e.is_pure]
    for probs in mixed.profile:
        assert abs(float(probs[0]) - (2 - 2**0.5)) < 1e-12


def test_three_player_dominance_solvable_game_is_complete() -> None:
    # player 3's second action is strictly dominated; what remains is battle of the sexes
    payoffs = np.zeros((3, 2, 2, 2), dtype=object)
    bos = [[[2, 0], [0, 1]], [[1, 0], [0, 2]]]
    for i in range(2):
        payoffs[i, :, :, 0] = np.array(bos[i])
        payoffs[i, :, :, 1] = np.array(bos[i])
    payoffs[2, :, :, 0] = 1
    payoffs[2, :, :, 1] = 0
    game = inc.Game.from_payoffs(payoffs.tolist())
    result = inc.solve(game, "all")
    assert result.status == "complete"
    found = {tuple(tuple(p) for p in e.profile) for e in result.equilibria}
    assert found == {
        ((1, 0), (1, 0), (1, 0)),
        ((0, 1), (0, 1), (1, 0)),
        ((F(2, 3), F(1, 3)), (F(1, 3), F(2, 3)), (1, 0)),
    }


def test_degenerate_game_reports_every_extreme_equilibrium() -> None:
    # the row player is indifferent between U and D when the column plays L, and L stays a best
    # response while the row plays U with probability x >= 1/2: the equilibria form one
    # component {((x, 1-x), L) : 1/2 <= x <= 1} whose extreme points are x = 1 and x = 1/2
    game = inc.Game.from_bimatrix([[1, 1], [1, 0]], [[1, 0], [1, 2]])
    with pytest.warns(inc.DegenerateGameWarning):
        result = inc.solve(game)
    assert result.degenerate is True
    assert set(profiles(result)) == {((1, 0), (1, 0)), ((F(1, 2), F(1, 2)), (1, 0))}
    for eq in result.equilibria:
        assert eq.regret == 0


def test_every_method_agrees_on_a_random_nondegenerate_game() -> None:
    rng = np.random.default_rng(2026)
    game = inc.Game.from_payoffs(rng.normal(size=(2, 5, 5)))

    def key(result: inc.SolveResult) -> set[tuple[float, ...]]:
        return {tuple(round(float(x), 7) for p in e.profile for x in p) for e in result.equilibria}

    everything = key(inc.solve(game, "all"))
    assert key(inc.solve(game, "support-enumeration")) == everything
    assert key(inc.solve(game, "vertex-enumeration")) == everything
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", inc.IncompleteSearchWarning)
        assert key(inc.solve(game, "lemke-howson")) <= everything
    assert len(everything) % 2 == 1  # non-degenerate games have an odd number of equilibria


def test_degenerate_two_player_components_are_the_maximal_convex_sets() -> None:
    # the column player is indifferent when the row plays U, and U stays a best response to every
    # column mixture: one convex set {U} x every mixture of L and R, whose extreme points are (U, L), (U, R)
    game = inc.Game.from_bimatrix([[1, 1], [1, 0]], [[1, 1], [0, 2]])
    result = inc.solve(game)
    assert set(profiles(result)) == {((1, 0), (1, 0)), ((1, 0), (0, 1))}
    (component,) = result.components
    assert component.dimension == 1 and component.support == ((0,), (0, 1))
    # the centre of the set is an equilibrium, checked independently
    assert inc.regret(game, [list(p) for p in component.representative]) <= 1e-12


def test_nondegenerate_games_have_no_components() -> None:
    game = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    assert inc.solve(game).components == ()


def test_many_extreme_equilibria_are_listed_without_grouping_them_into_sets() -> None:
    # issue 14: Chicken with 500 copies of one column action has 1,003 extreme equilibria; grouping them into the
    # convex sets they span (maximal cliques of a graph joining every pair on each side) ran for minutes
    from incentives.solvers._cliques import MAX_EXTREME_EQUILIBRIA

    copies = MAX_EXTREME_EQUILIBRIA // 2 + 1
    row = [[0] + [-1] * copies, [1] + [-10] * copies]
    column = [[0] + [1] * copies, [-1] + [-10] * copies]
    result = inc.solve(inc.Game.from_bimatrix(row, column), "all", max_seconds=60)
    assert len(result) > MAX_EXTREME_EQUILIBRIA
    assert result.components == ()
    assert any("were not grouped into the convex sets" in note for note in result.notes)


def test_exact_expected_values_and_labels_over_supports_equal_the_full_contraction() -> None:
    # The exact path contracts over the actions played only (a game with hundreds of actions and small
    # supports, from the fuzz suite, spent minutes in Fraction arithmetic on zeros); the float path is the oracle.
    from fractions import Fraction

    from incentives.equilibrium import expected_value, format_number, strategy_label

    rng = np.random.default_rng(3)
    for shape in [(7, 5), (4, 3, 6)]:
        array = rng.integers(-20, 21, size=shape).astype(object)
        profile = []
        for n in shape:
            weights = rng.integers(0, 4, size=n) * (rng.random(n) < 0.5)
            weights[rng.integers(n)] += 1  # at least one action played
            profile.append(np.array([Fraction(int(w), int(weights.sum())) for w in weights], dtype=object))
        exact = expected_value(array, profile)
        assert isinstance(exact, Fraction)
        floats = np.asarray(array, dtype=float)
        for p in reversed(profile):
            floats = floats @ np.asarray(p, dtype=float)
        assert float(exact) == pytest.approx(float(floats), abs=1e-12)
        names = [f"a{k}" for k in range(shape[0])]
        played = [f"{format_number(p)} {a}" for a, p in zip(names, profile[0], strict=True) if p > 0]
        label = strategy_label(names, profile[0])
        assert label == (names[int(np.flatnonzero(profile[0]))] if len(played) == 1 else " + ".join(played))
