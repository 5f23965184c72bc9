"""Games to and from nashpy.Game (incentives.readwrite.nashpy): names, arithmetic, round trips."""

from __future__ import annotations

import warnings
from fractions import Fraction
from typing import Any

import nashpy
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import incentives as inc
from incentives.errors import GameFormatError

F = Fraction


def test_to_nashpy_keeps_whole_numbers_as_integers() -> None:
    dilemma = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], players=("alice", "bob"))
    row, column = inc.to_nashpy(dilemma).payoff_matrices
    assert row.dtype == column.dtype == np.int64
    assert row.tolist() == [[3, 0], [5, 1]] and column.tolist() == [[3, 5], [0, 1]]
    row[0, 0] = 99  # nashpy gets its own writable copy
    assert dilemma.payoffs[0, 0, 0] == 3


def test_fractions_become_the_nearest_floats() -> None:
    game = inc.Game.from_bimatrix([[F(1, 3), 0]], [[1, F(-2, 7)]])
    row, column = inc.to_nashpy(game).payoff_matrices
    assert row.dtype == column.dtype == float
    assert row.tolist() == [[1 / 3, 0.0]] and column.tolist() == [[1.0, -2 / 7]]
    back = inc.from_nashpy(inc.to_nashpy(game))
    assert not back.is_exact and np.array_equal(back.payoffs, game.float_payoffs())


def test_integers_beyond_int64_become_floats() -> None:
    big = 2**70
    row, _ = inc.to_nashpy(inc.Game.from_bimatrix([[big, 0]], [[0, 1]])).payoff_matrices
    assert row.dtype == float and row[0, 0] == float(big)


def test_from_nashpy_is_exact_for_integer_matrices_and_float_otherwise() -> None:
    pennies = inc.from_nashpy(nashpy.Game(np.array([[1, -1], [-1, 1]])))  # zero sum: B = -A
    assert pennies.is_exact
    assert pennies.payoffs.tolist() == [[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]]
    assert all(type(v) is Fraction for v in pennies.payoffs.ravel())
    assert pennies.players == ("row", "column") and pennies.actions == (("r0", "r1"), ("c0", "c1"))
    tenths = inc.from_nashpy(nashpy.Game(np.array([[0.1, 0.2]]), np.array([[0.3, 0.4]])))
    assert not tenths.is_exact and tenths.payoffs[0, 0, 0] == 0.1  # a float is never guessed into 1/10
    mixed = inc.from_nashpy(nashpy.Game(np.array([[1, 2]]), np.array([[0.5, 1.0]])))
    assert not mixed.is_exact  # one float matrix makes a float game


def test_fractions_and_numpy_integers_in_object_arrays_are_exact() -> None:
    a = np.array([[F(1, 2), np.int64(3)]], dtype=object)
    b = np.array([[2, F(-1, 3)]], dtype=object)
    game = inc.from_nashpy(nashpy.Game(a, b))
    assert game.is_exact and game.payoffs.tolist() == [[[F(1, 2), 3]], [[2, F(-1, 3)]]]


def test_names_and_title_are_given_and_checked() -> None:
    game = inc.from_nashpy(
        nashpy.Game([[2, 0], [0, 1]], [[1, 0], [0, 2]]),
        players=("sales", "support"),
        actions=(("push", "fit"), ("fast", "thorough")),
        title="battle",
    )
    assert game.players == ("sales", "support") and game.actions[1] == ("fast", "thorough")
    assert game.title == "battle"
    with pytest.raises(ValueError, match="actions"):
        inc.from_nashpy(nashpy.Game([[2, 0], [0, 1]], [[1, 0], [0, 2]]), actions=(("a",), ("b", "c")))


def test_bad_input_gets_a_clear_error() -> None:
    with pytest.raises(TypeError, match=r"nashpy\.Game"):
        inc.from_nashpy([[1, 2], [3, 4]])
    three = inc.Game.from_payoffs(np.zeros((3, 2, 2, 2)), players=("a", "b", "c"))
    with pytest.raises(GameFormatError, match=r"two players.*this game has 3 \(a, b, c\)"):
        inc.to_nashpy(three)


def test_company_value_and_title_are_dropped() -> None:
    game = inc.Game(
        players=("a", "b"),
        actions=(("x",), ("y", "z")),
        payoffs=[[[1, 2]], [[3, 4]]],
        company_value=[[5, 6]],
        title="t",
    )
    back = inc.from_nashpy(inc.to_nashpy(game), players=game.players, actions=game.actions)
    assert back.company_value is None and back.title == ""
    assert np.array_equal(back.payoffs, game.payoffs)


def test_equilibria_of_a_converted_game_are_nashpys() -> None:
    """Solving the converted game agrees with nashpy on the same matrices (a second library as oracle)."""
    a, b = np.array([[3, 3], [2, 5], [0, 6]]), np.array([[3, 2], [2, 6], [3, 1]])
    game = inc.from_nashpy(nashpy.Game(a, b))
    ours = {rounded(e.profile) for e in inc.solve(game)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = {rounded(pair) for pair in nashpy.Game(a, b).vertex_enumeration()}
    assert ours == theirs and len(ours) == 3


def rounded(profile: Any) -> tuple[float, ...]:
    return tuple(round(float(p), 9) + 0.0 for vector in profile for p in vector)


shapes = st.tuples(st.integers(1, 4), st.integers(1, 4))


@settings(max_examples=50, deadline=None)
@given(data=st.data(), shape=shapes)
def test_round_trip_of_integer_games_is_exact(data: st.DataObject, shape: tuple[int, int]) -> None:
    a = data.draw(arrays(np.int64, shape, elements=st.integers(-(2**40), 2**40)))
    b = data.draw(arrays(np.int64, shape, elements=st.integers(-(2**40), 2**40)))
    game = inc.from_nashpy(nashpy.Game(a, b), players=("p", "q"))
    assert game.is_exact
    again = inc.to_nashpy(game)
    assert all(np.array_equal(m, n) and m.dtype == np.int64 for m, n in zip(again.payoff_matrices, (a, b), strict=True))
    assert inc.from_nashpy(again, players=("p", "q")) == game


@settings(max_examples=50, deadline=None)
@given(data=st.data(), shape=shapes)
def test_round_trip_of_float_games_is_unchanged(data: st.DataObject, shape: tuple[int, int]) -> None:
    floats = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
    payoffs = data.draw(arrays(float, (2, *shape), elements=floats))
    actions = ([f"a{i}" for i in range(shape[0])], [f"b{j}" for j in range(shape[1])])
    game = inc.Game.from_payoffs(payoffs, players=("p", "q"), actions=actions)
    back = inc.from_nashpy(inc.to_nashpy(game), players=game.players, actions=game.actions)
    assert back == game and not back.is_exact
