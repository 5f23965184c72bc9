"""Games with thousands of tied equilibria: the search verifies a bounded number, says so, and stays quick (issue 14).

A fuzz mutation of the growing company had eight copies of a department whose choice changes nobody's
pay: 52,224 pure equilibria, each verified and analysed on its own, so one sweep point ran for minutes.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import incentives as inc
from incentives.analysis.gaming import gaming_at_equilibria
from incentives.limits import MAX_EQUILIBRIA
from incentives.solvers._cliques import MAX_EXTREME_EQUILIBRIA
from incentives.solvers._sets import _action_values, equilibrium_sets


def _indifferent(players: int) -> inc.Game:
    """Every player gets 0 whatever happens: every one of the 2**players profiles is an equilibrium."""
    return inc.Game.from_payoffs(np.zeros((players,) + (2,) * players))


def test_a_search_reports_at_most_max_equilibria_verified_and_says_how_many_it_left() -> None:
    game = _indifferent(11)  # 2,048 pure equilibria
    with pytest.warns(inc.IncompleteSearchWarning):
        result = inc.solve(game, "pure")
    assert len(result.equilibria) == MAX_EQUILIBRIA
    assert result.status == "incomplete"
    assert all(e.regret == 0 for e in result.equilibria)  # verified, not assumed
    assert len({tuple(int(np.argmax(p)) for p in e.profile) for e in result.equilibria}) == MAX_EQUILIBRIA
    (note,) = [n for n in result.notes if "candidate profiles" in n]
    assert "2,048 candidate profiles" in note and f"{2048 - MAX_EQUILIBRIA:,} were not checked" in note


def test_a_search_under_the_limit_is_complete_and_lists_every_equilibrium() -> None:
    result = inc.solve(_indifferent(9), "pure")  # 512 equilibria, all listed
    assert result.status == "complete" and len(result.equilibria) == 512


def test_verification_stops_when_the_time_budget_has_run_out() -> None:
    with pytest.warns(inc.IncompleteSearchWarning):
        result = inc.solve(_indifferent(11), "pure", max_seconds=1e-9)
    assert result.status == "budget_exhausted"
    assert 0 < len(result.equilibria) < MAX_EQUILIBRIA
    assert any("time budget (max_seconds=1e-09) ran out" in n for n in result.notes)


def test_the_gaming_analysis_takes_the_nearest_optimum_first_among_ties() -> None:
    # the oracle: count by hand, for each equilibrium, the departments that play otherwise than at each
    # optimal profile, and take the first profile with the fewest
    rng = np.random.default_rng(3)
    payoffs = rng.integers(0, 3, size=(3, 3, 3, 3)).astype(float)
    company = rng.integers(0, 2, size=(3, 3, 3)).astype(float)  # many ties for the optimum
    plain = inc.Game.from_payoffs(payoffs)
    game = inc.Game(players=plain.players, actions=plain.actions, payoffs=payoffs, company_value=company)
    solution = inc.solve(game, "pure")
    optimum, gaming, _ = gaming_at_equilibria(game, solution)
    assert len(optimum.profiles) > 3 and len(gaming) > 1
    for item in gaming:
        played = [int(np.argmax(p)) for p in item.equilibrium.profile]
        distances = [sum(a != b for a, b in zip(played, o, strict=True)) for o in optimum.profiles]
        assert item.optimum_profile == optimum.profiles[distances.index(min(distances))]


def test_segments_are_checked_in_chunks_with_the_same_values(monkeypatch: pytest.MonkeyPatch) -> None:
    # the oracle: each player's payoff of each action against the others' mixes, by a full einsum
    rng = np.random.default_rng(5)
    payoffs = rng.normal(size=(3, 2, 4, 3))
    mixes = [rng.dirichlet(np.ones(n), size=7) for n in (2, 4, 3)]
    mixes[1][:, 2] = 0  # an action nobody plays: left out of the contraction
    expected = [
        np.einsum("pb,pc,abc->pa", mixes[1], mixes[2], payoffs[0]),
        np.einsum("pa,pc,abc->pb", mixes[0], mixes[2], payoffs[1]),
        np.einsum("pa,pb,abc->pc", mixes[0], mixes[1], payoffs[2]),
    ]
    monkeypatch.setattr("incentives.solvers._sets._CHUNK_ENTRIES", 5)  # a few points per chunk
    for player in range(3):
        np.testing.assert_allclose(_action_values(payoffs[player], mixes, player), expected[player], atol=1e-12)


def test_a_game_where_nobody_chooses_is_one_set_whose_extreme_points_are_the_pure_profiles() -> None:
    rng = np.random.default_rng(5)
    shape = (2, 3, 2, 2)
    others = rng.integers(-5, 5, size=(4, *shape)).astype(float)
    payoffs = np.stack([np.broadcast_to(others[i].sum(axis=i, keepdims=True), shape) for i in range(4)])
    game = inc.Game.from_payoffs(payoffs)  # each player's pay depends on the others' actions only
    with pytest.warns(inc.DegenerateGameWarning):
        result = inc.solve(game, "all")
    assert result.status == "complete" and len(result.equilibria) == 24
    assert {tuple(int(np.argmax(p)) for p in e.profile) for e in result.equilibria} == set(np.ndindex(*shape))
    (whole,) = result.components
    assert whole.dimension == 1 + 2 + 1 + 1 and whole.support == ((0, 1), (0, 1, 2), (0, 1), (0, 1))
    for _ in range(20):  # the oracle: any mixed profile at all has regret 0
        profile = tuple(rng.dirichlet(np.ones(n)) for n in shape)
        assert inc.regret(game, profile) < 1e-12
    payoffs[3, 0, 0, 0, 1] += 1e-3  # one player now prefers an action at one profile: the usual search
    with pytest.warns(inc.DegenerateGameWarning):
        nearly = inc.solve(inc.Game.from_payoffs(payoffs), "all")
    assert not any("nobody" in n or "no player's own choice" in n for n in nearly.notes)
    assert all(e.regret <= nearly.tolerance for e in nearly.equilibria)


def test_the_warning_of_an_incomplete_search_quotes_a_bounded_part_of_its_notes() -> None:
    with pytest.warns(inc.IncompleteSearchWarning) as caught:
        result = inc.solve(_indifferent(11), "all")  # 2,048 extreme points, over the limit
    (warning,) = [w for w in caught if issubclass(w.category, inc.IncompleteSearchWarning)]
    text = str(warning.message)
    assert "the limit of 1,000 equilibria" in text and len(text) < 1_200
    assert len(result.equilibria) == MAX_EQUILIBRIA and len(result.components) == 1


def test_many_equilibria_of_a_game_with_more_players_are_listed_without_grouping_them() -> None:
    # Chicken with copies of one column action (MAX_EXTREME_EQUILIBRIA + 3 extreme equilibria), and a third
    # player with one action: the pairs of equilibria are not checked for sets, and the note says so
    copies = MAX_EXTREME_EQUILIBRIA // 2 + 1
    row = [[0] + [-1] * copies, [1] + [-10] * copies]
    column = [[0] + [1] * copies, [-1] + [-10] * copies]
    payoffs = np.zeros((3, 2, copies + 1, 1))
    payoffs[0, :, :, 0], payoffs[1, :, :, 0] = row, column
    with pytest.warns(inc.DegenerateGameWarning):
        result = inc.solve(inc.Game.from_payoffs(payoffs), "all", max_seconds=60)
    assert len(result) > MAX_EXTREME_EQUILIBRIA
    assert result.components == ()
    assert any("equilibria found were not grouped into the sets they span" in n for n in result.notes)


def test_equilibrium_sets_join_the_corners_of_a_square_of_equilibria() -> None:
    # two players indifferent whatever happens, the third with a dominant action: every corner lies in one square
    payoffs = np.zeros((3, 2, 2, 2))
    payoffs[1, :, 0, :] = 1
    game = inc.Game.from_payoffs(payoffs)
    corners = [tuple(np.eye(2)[[a, 0, c]]) for a, c in itertools.product((0, 1), repeat=2)]
    (square,) = equilibrium_sets(game, corners, [], tol=1e-9)
    assert square.dimension == 2
