"""One contract every registered solver keeps, checked against a brute-force oracle.

A new solver registered with ``register_solver`` is tested here for free: whatever it
returns must be a probability profile of the right shape with no profitable unilateral
deviation, and its answer must not depend on payoff units or on labels.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import incentives as inc

SOLVERS = sorted(inc.registered_solvers())
STATUSES = {"complete", "incomplete", "budget_exhausted"}


def oracle_regret(payoffs: np.ndarray, profile: tuple[np.ndarray, ...]) -> float:
    """Largest unilateral gain, by summing over every pure profile explicitly."""
    n = payoffs.shape[0]
    shape = payoffs.shape[1:]
    worst = 0.0
    for i in range(n):
        deviation = np.zeros(shape[i])
        for cell in itertools.product(*(range(k) for k in shape)):
            weight = np.prod([float(profile[j][cell[j]]) for j in range(n) if j != i])
            deviation[cell[i]] += weight * float(payoffs[(i, *cell)])
        current = float(np.dot(np.asarray(profile[i], dtype=float), deviation))
        worst = max(worst, float(deviation.max()) - current)
    return worst


def applicable(name: str, game: inc.Game) -> bool:
    spec = inc.registered_solvers()[name]
    return spec.players is None or spec.players == game.n_players


def random_game(rng: np.random.Generator, shape: tuple[int, ...]) -> inc.Game:
    return inc.Game.from_payoffs(rng.normal(size=(len(shape), *shape)))


GAMES = [
    ((2, 2), 0),
    ((3, 3), 1),
    ((2, 4), 2),
    ((4, 4), 3),
    ((2, 2, 2), 4),
    ((3, 2, 2), 5),
    ((2, 2, 2, 2), 6),
]


def check_contract(result: inc.SolveResult, game: inc.Game) -> None:
    assert result.status in STATUSES
    assert result.method in inc.registered_solvers()
    payoffs = game.float_payoffs()
    scale = max(1.0, float(np.abs(payoffs).max()))
    for eq in result.equilibria:
        assert len(eq.profile) == game.n_players
        for probs, n in zip(eq.profile, game.shape, strict=True):
            probs = np.asarray(probs, dtype=float)
            assert probs.shape == (n,)
            assert np.all(probs >= -1e-12) and abs(probs.sum() - 1) < 1e-9
        assert oracle_regret(payoffs, eq.profile) <= 1e-7 * scale
        assert float(eq.regret) <= result.tolerance


@pytest.mark.parametrize("name", SOLVERS)
@pytest.mark.parametrize(("shape", "seed"), GAMES, ids=[str(s) for s, _ in GAMES])
def test_every_solver_returns_verified_equilibria(name: str, shape: tuple[int, ...], seed: int) -> None:
    game = random_game(np.random.default_rng(seed), shape)
    if not applicable(name, game):
        with pytest.raises(inc.SolverError):
            inc.solve(game, name)
        return
    result = inc.solve(game, name, max_seconds=20)
    check_contract(result, game)


def equilibrium_set(result: inc.SolveResult) -> set[tuple[float, ...]]:
    return {tuple(round(float(x), 6) for p in e.profile for x in p) for e in result.equilibria}


@pytest.mark.parametrize("name", SOLVERS)
def test_invariant_to_positive_affine_transforms(name: str) -> None:
    rng = np.random.default_rng(11)
    game = random_game(rng, (3, 3))
    if not applicable(name, game):
        pytest.skip(f"{name} does not solve two-player games")
    scaled = game.float_payoffs() * np.array([3.0, 0.5])[:, None, None] + np.array([7.0, -2.0])[:, None, None]
    other = inc.Game.from_payoffs(scaled)
    assert equilibrium_set(inc.solve(game, name)) == equilibrium_set(inc.solve(other, name))


@pytest.mark.parametrize("name", SOLVERS)
def test_invariant_to_relabelling_actions_and_players(name: str) -> None:
    rng = np.random.default_rng(12)
    game = random_game(rng, (3, 4))
    if not applicable(name, game) or name in {"lemke-howson", "nashpy-lemke-howson"}:
        pytest.skip("relabelling changes which equilibria Lemke-Howson reaches; it promises a subset only")
    rows, cols = rng.permutation(3), rng.permutation(4)
    permuted = game.float_payoffs()[:, rows][:, :, cols]
    swapped = np.stack([permuted[1].T, permuted[0].T])
    other = inc.Game.from_payoffs(swapped)
    original = equilibrium_set(inc.solve(game, name))
    mapped = set()
    for e in inc.solve(other, name).equilibria:
        col_probs, row_probs = np.asarray(e.profile[0], float), np.asarray(e.profile[1], float)
        row = np.empty(3)
        row[rows] = row_probs
        col = np.empty(4)
        col[cols] = col_probs
        mapped.add(tuple(round(float(x), 6) for x in (*row, *col)))
    assert mapped == original


@pytest.mark.parametrize("name", SOLVERS)
def test_budget_is_respected(name: str) -> None:
    game = random_game(np.random.default_rng(13), (7, 7))
    if not applicable(name, game):
        pytest.skip(f"{name} does not solve two-player games")
    result = inc.solve(game, name, max_seconds=1e-6, max_iterations=1)
    assert result.status in STATUSES
    check_contract(result, game)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shape=st.lists(st.integers(1, 3), min_size=2, max_size=4).map(tuple),
    seed=st.integers(0, 2**32 - 1),
    integers=st.booleans(),
)
def test_pure_solver_matches_brute_force(shape: tuple[int, ...], seed: int, integers: bool) -> None:
    rng = np.random.default_rng(seed)
    payoffs = rng.integers(-3, 4, size=(len(shape), *shape)) if integers else rng.normal(size=(len(shape), *shape))
    game = inc.Game.from_payoffs(payoffs.tolist() if integers else payoffs)
    found = {e.pure_indices() for e in inc.solve(game, "pure").equilibria}
    expected = set()
    for cell in itertools.product(*(range(k) for k in shape)):
        stable = True
        for i in range(len(shape)):
            for a in range(shape[i]):
                other = list(cell)
                other[i] = a
                if payoffs[(i, *other)] > payoffs[(i, *cell)] + 1e-12:
                    stable = False
        if stable:
            expected.add(cell)
    assert found == expected
