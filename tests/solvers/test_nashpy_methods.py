"""nashpy's algorithms as registered methods: nashpy's own answers, verified and labelled like every method.

Two oracles: nashpy itself (``nashpy.Game(A, B).support_enumeration()`` and the rest, called
directly), so the methods add nothing to and drop nothing from what nashpy finds; and this
package's ``all``, checked against textbook answers in ``test_known_games.py``.
"""

from __future__ import annotations

import warnings
from fractions import Fraction as F
from typing import Any

import nashpy
import numpy as np
import pytest
from test_two_player import LOOP_A, LOOP_B

import incentives as inc
from incentives.errors import DegenerateGameWarning, IncompleteSearchWarning
from incentives.solvers import nashpy_methods

NASHPY = {
    "nashpy-support-enumeration": "support_enumeration",
    "nashpy-vertex-enumeration": "vertex_enumeration",
    "nashpy-lemke-howson": "lemke_howson_enumeration",
}

PENNIES = inc.Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
SEXES = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
DILEMMA = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
# von Stengel's (2002) 3 x 2 example made degenerate: against the row player's first action the
# column player has two best responses, and that action with every column mix between (1, 0) and
# (2/3, 1/3) is an equilibrium (a component with two extreme points).
DEGENERATE = inc.Game.from_bimatrix([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]])
RANDOM = [inc.Game.from_payoffs(np.random.default_rng(seed).normal(size=(2, k, k))) for seed, k in [(1, 5), (2, 4)]]
GAMES = {"pennies": PENNIES, "sexes": SEXES, "dilemma": DILEMMA, "degenerate": DEGENERATE, "random5": RANDOM[0]}


def solve(game: inc.Game, method: str, **kwargs: Any) -> inc.SolveResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateGameWarning)
        warnings.simplefilter("ignore", IncompleteSearchWarning)
        return inc.solve(game, method, **kwargs)


def key(profile: Any) -> tuple[float, ...]:
    return tuple(float(np.round(float(p), 6)) + 0.0 for vector in profile for p in vector)


def found(result: inc.SolveResult) -> set[tuple[float, ...]]:
    return {key(e.profile) for e in result.equilibria}


def nashpy_itself(game: inc.Game, algorithm: str) -> set[tuple[float, ...]]:
    """What nashpy's own Game method returns, keeping the probability vectors."""
    a, b = game.float_payoffs()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pairs = list(getattr(nashpy.Game(a, b), algorithm)())
    vectors = [(np.asarray(x, float), np.asarray(y, float)) for x, y in pairs]
    return {key(v) for v in vectors if all(np.all(np.isfinite(p)) and np.all(p > -1e-9) for p in v)}


@pytest.mark.parametrize("method", sorted(NASHPY))
@pytest.mark.parametrize("name", sorted(GAMES))
def test_the_answer_is_nashpys_own(method: str, name: str) -> None:
    game = GAMES[name]
    result = solve(game, method)
    assert found(result) | {key(e.profile) for e in result.rejected} == nashpy_itself(game, NASHPY[method])


# method -> game -> (the expected set compared with "all": "equal" or "subset", status)
KNOWN = {
    "nashpy-support-enumeration": {
        "pennies": ("equal", "incomplete"),
        "sexes": ("equal", "incomplete"),
        "dilemma": ("equal", "incomplete"),
        "degenerate": ("subset", "incomplete"),
        "random5": ("subset", "incomplete"),  # nashpy's exact float comparisons lose one of five
    },
    "nashpy-vertex-enumeration": {
        "pennies": ("equal", "complete"),
        "sexes": ("equal", "complete"),
        "dilemma": ("equal", "complete"),
        "degenerate": ("equal", "incomplete"),
        "random5": ("equal", "complete"),
    },
    "nashpy-lemke-howson": {
        "pennies": ("equal", "incomplete"),
        "sexes": ("subset", "incomplete"),  # the mixed equilibrium is at the end of no path from the artificial one
        "dilemma": ("equal", "incomplete"),
        "degenerate": ("subset", "incomplete"),
        "random5": ("subset", "incomplete"),
    },
}


@pytest.mark.parametrize(("method", "name"), [(method, name) for method, games in KNOWN.items() for name in games])
def test_known_games_agree_with_our_own_methods(method: str, name: str) -> None:
    game = GAMES[name]
    relation, status = KNOWN[method][name]
    ours, theirs = found(solve(game, "all")), solve(game, method)
    assert found(theirs) == ours if relation == "equal" else found(theirs) < ours
    assert theirs.status == status and not theirs.rejected and len(theirs) >= 1
    assert theirs.degenerate is (name == "degenerate")


def test_exact_games_get_exact_answers() -> None:
    mixed = next(e for e in solve(SEXES, "nashpy-vertex-enumeration") if not e.is_pure)
    assert [list(p) for p in mixed.profile] == [[F(2, 3), F(1, 3)], [F(1, 3), F(2, 3)]]
    assert all(isinstance(p, F) for vector in mixed.profile for p in vector)


def test_a_degenerate_game_is_reported() -> None:
    for method in NASHPY:
        with pytest.warns(DegenerateGameWarning, match="does not promise every one"):
            result = inc.solve(DEGENERATE, method)
        assert result.degenerate is True
    support = solve(DEGENERATE, "nashpy-support-enumeration")
    assert any("even number (2)" in note for note in support.notes)
    vertex = solve(DEGENERATE, "nashpy-vertex-enumeration")
    assert any("assumes a non-degenerate" in note for note in vertex.notes)


def test_only_vertex_enumeration_promises_completeness() -> None:
    for method in NASHPY:
        with warnings.catch_warnings():
            warnings.simplefilter("error", IncompleteSearchWarning)
            if method == "nashpy-vertex-enumeration":
                assert inc.solve(SEXES, method).status == "complete"
            else:
                with pytest.raises(IncompleteSearchWarning):
                    inc.solve(SEXES, method)
    specs = inc.registered_solvers()
    assert all(specs[method].players == 2 for method in NASHPY)


def test_more_than_two_players_is_refused() -> None:
    game = inc.Game.from_payoffs(np.zeros((3, 2, 2, 2)))
    for method in NASHPY:
        with pytest.raises(inc.SolverError, match="2-player"):
            inc.solve(game, method)


# A random 6 x 6 game on which nashpy 0.0.43's Lemke-Howson, dropping label 11, pivots forever.
LOOP = inc.Game.from_bimatrix(LOOP_A, LOOP_B)


def test_a_path_that_never_ends_stops_on_the_budget() -> None:
    result = solve(LOOP, "nashpy-lemke-howson", max_iterations=3_000)
    assert result.status == "budget_exhausted"
    assert found(result) <= found(solve(LOOP, "all"))


def test_a_path_that_never_ends_is_abandoned_and_the_others_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nashpy_methods, "MAX_PIVOTS_PER_PATH", 300)
    result = solve(LOOP, "nashpy-lemke-howson")
    assert result.status == "incomplete"
    assert any("path from label 11 passed 300 pivots" in note for note in result.notes)
    assert 1 <= len(result) and found(result) <= found(solve(LOOP, "all"))


def test_nashpy_failing_is_a_note_not_a_crash() -> None:
    one_row = inc.Game.from_bimatrix([[1, 2, 3]], [[3, 1, 2]])  # Qhull cannot work in dimension 1
    result = solve(one_row, "nashpy-vertex-enumeration")
    assert result.status == "incomplete" and len(result) == 0
    assert any("vertex enumeration failed" in note and "Qhull" in note for note in result.notes)
    assert found(solve(one_row, "nashpy-support-enumeration")) == found(solve(one_row, "all"))


@pytest.mark.parametrize("method", sorted(NASHPY))
def test_the_budget_counts_steps(method: str) -> None:
    result = solve(RANDOM[1], method, max_iterations=1)
    assert result.status == "budget_exhausted" and result.degenerate is None
    assert len(result) <= 1
