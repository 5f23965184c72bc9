"""Exact arithmetic in whole numbers: linear systems and expected payoffs, against plain fractions."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest

import incentives as inc
from incentives.equilibrium import deviation_payoffs, expected_payoffs, regret
from incentives.game import integer_vector
from incentives.solvers._bimatrix import solve_exact, solve_integer


def gauss_jordan(matrix: list[list[F]], rhs: list[F]) -> list[F] | None:
    """Textbook elimination over the rationals: the oracle."""
    size = len(rhs)
    rows = [[F(v) for v in row] + [F(b)] for row, b in zip(matrix, rhs, strict=True)]
    for col in range(size):
        pivot = next((r for r in range(col, size) if rows[r][col] != 0), None)
        if pivot is None:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        rows[col] = [v / rows[col][col] for v in rows[col]]
        for r in range(size):
            if r != col and rows[r][col] != 0:
                rows[r] = [a - rows[r][col] * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [row[size] for row in rows]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("high", [1, 9, 10**12])
def test_solve_integer_equals_elimination_over_the_rationals(size: int, high: int) -> None:
    # high = 1 gives many singular matrices; 10**12 gives determinants past 2**50 (sympy's path).
    rng = np.random.default_rng([size, len(str(high))])
    singular = 0
    for trial in range(20):
        matrix = [[int(v) for v in row] for row in rng.integers(-high, high + 1, (size, size))]
        if trial == 0 and size > 1:
            matrix[-1] = [2 * v for v in matrix[0]]  # singular for sure
        rhs = [int(v) for v in rng.integers(-high, high + 1, size)]
        expected = gauss_jordan(matrix, rhs)
        solved = solve_integer(np.array(matrix, dtype=object), np.array(rhs, dtype=object))
        if expected is None:
            singular += 1
            assert solved is None
            continue
        assert solved is not None and solved[1] > 0
        assert [F(int(v), solved[1]) for v in solved[0]] == expected
    assert singular or size == 1


def test_solve_exact_takes_fractions() -> None:
    matrix = [[F(1, 2), F(1, 3)], [F(-2, 7), 5]]
    assert solve_exact(matrix, [F(1, 6), 1]) == gauss_jordan(matrix, [F(1, 6), F(1)])
    assert solve_exact([[F(1, 2), 1], [1, 2]], [1, 1]) is None


def test_integer_vector_keeps_every_value() -> None:
    values = np.array([[F(1, 6), F(-3, 4)], [2, F(0)]], dtype=object)
    numerators, denominator = integer_vector(values)
    assert denominator == 12 and numerators.shape == (2, 2)
    assert all(F(int(n), denominator) == v for n, v in zip(numerators.flat, values.flat, strict=True))


def test_integer_payoffs_need_an_exact_game() -> None:
    with pytest.raises(ValueError, match="exact game"):
        _ = inc.Game.from_bimatrix(np.eye(2), np.eye(2)).integer_payoffs


@pytest.mark.parametrize("shape", [(2, 3), (3, 2, 2), (2, 2, 3, 2)])
def test_exact_deviation_payoffs_equal_the_sum_over_profiles(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(list(shape))
    payoffs = np.empty((len(shape), *shape), dtype=object)
    numerators, denominators = rng.integers(-9, 10, payoffs.size), rng.integers(1, 7, payoffs.size)
    payoffs.flat[:] = [F(int(a), int(b)) for a, b in zip(numerators, denominators, strict=True)]
    game = inc.Game(
        players=tuple(f"p{i}" for i in range(len(shape))),
        actions=tuple(tuple(f"a{j}" for j in range(n)) for n in shape),
        payoffs=payoffs,
    )
    profile = []
    for n in shape:
        weights = [int(w) for w in rng.integers(1, 5, n)]
        profile.append([F(w, sum(weights)) for w in weights])
    deviation = deviation_payoffs(game, profile)
    for player, n in enumerate(shape):
        for action in range(n):
            oracle = F(0)
            for cell in itertools.product(*(range(k) for k in shape)):
                if cell[player] != action:
                    continue
                weight = F(1)
                for other, index in enumerate(cell):
                    if other != player:
                        weight *= profile[other][index]
                oracle += weight * payoffs[(player, *cell)]
            assert deviation[player][action] == oracle and isinstance(deviation[player][action], F)
    values = expected_payoffs(game, profile)
    assert all(v == sum(p * d for p, d in zip(profile[i], deviation[i], strict=True)) for i, v in enumerate(values))
    assert regret(game, profile) == max(max(max(d) - v for d, v in zip(deviation, values, strict=True)), 0)
