"""Vertex enumeration's two paths: the Qhull facets (generic games) and the exhaustive sweep (the fallback).

The sweep is checked against brute-force oracles in test_two_player.py; here the hull path must
give exactly the sweep's answer, must be the path taken on generic games, and must hand degenerate
polytopes to the sweep.  The polytope helpers are checked against a brute-force vertex list.
"""

from __future__ import annotations

import itertools
from fractions import Fraction as F
from typing import Any

import numpy as np
import pytest

import incentives as inc
import incentives.solvers.vertex_enumeration as ve
from incentives.solvers._polytope_hull import closed_under_edges, facet_bases
from incentives.solvers.registry import Budget, SolverOutput


@pytest.fixture
def swept(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    """Records, for each call of the sweep, the number of constraints of each polytope it was given."""
    calls: list[tuple[int, ...]] = []
    real = ve._sweep

    def spy(polytopes: tuple[Any, ...], ptol: float, sweep: Any) -> None:
        calls.append(tuple(p.matrix.shape[0] for p in polytopes))
        real(polytopes, ptol, sweep)

    monkeypatch.setattr(ve, "_sweep", spy)
    return calls


def run(game: inc.Game, *, hull: bool = True, budget: Budget | None = None) -> SolverOutput:
    """The kernel with the hull path on, or off (every polytope swept)."""
    with pytest.MonkeyPatch.context() as patch:
        if not hull:
            patch.setattr(ve, "facet_bases", lambda matrix: None)
        return ve.vertex_enumeration(game, tol=1e-9 * game.payoff_scale, budget=budget or Budget())


def as_set(output: SolverOutput, digits: int = 8) -> set[tuple[Any, ...]]:
    if output.profiles and output.profiles[0][0].dtype == object:
        return {tuple(np.concatenate(profile)) for profile in output.profiles}
    return {tuple(np.round(np.concatenate(profile).astype(float), digits)) for profile in output.profiles}


SHAPES = [(2, 2), (2, 7), (7, 2), (3, 5), (5, 3), (4, 4), (6, 6), (7, 7), (8, 8)]


@pytest.mark.parametrize("shape", SHAPES)
def test_hull_path_is_taken_on_generic_games_and_equals_the_sweep(
    shape: tuple[int, int], swept: list[tuple[int, ...]]
) -> None:
    rng = np.random.default_rng(list(shape))
    for _ in range(3):
        game = inc.Game.from_bimatrix(rng.standard_normal(shape), rng.standard_normal(shape))
        fast = run(game)
        assert swept == []
        slow = run(game, hull=False)
        assert len(swept) == 1  # the spy sees the sweep when it runs
        swept.clear()
        assert as_set(fast) == as_set(slow) and len(fast.profiles) % 2 == 1
        assert fast.status == slow.status == "complete"
        assert fast.degenerate is slow.degenerate is False


@pytest.mark.parametrize("seed", range(4))
def test_hull_path_on_exact_games_gives_the_sweeps_fractions(seed: int, swept: list[tuple[int, ...]]) -> None:
    a, b = np.random.default_rng(seed).integers(-1000, 1001, (2, 5, 6)).tolist()
    game = inc.Game.from_bimatrix(a, b)
    fast = run(game)
    assert swept == []
    assert as_set(fast) == as_set(run(game, hull=False))
    assert fast.profiles and all(isinstance(p, F) for profile in fast.profiles for p in np.concatenate(profile))


def test_degenerate_game_falls_back_to_the_sweep(swept: list[tuple[int, ...]]) -> None:
    # von Stengel (2002), section 2.6: the top row has two best responses, a vertex of P with 4 labels.
    game = inc.Game.from_bimatrix([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]])
    output = run(game)
    assert swept and 2 in {size for call in swept for size in call}  # P (2 constraints) was swept
    assert output.degenerate is True and output.status == "complete"
    assert as_set(output) == {
        (F(1), F(0), F(0), F(1), F(0)),
        (F(1), F(0), F(0), F(2, 3), F(1, 3)),
        (F(0), F(1, 3), F(2, 3), F(1, 3), F(2, 3)),
    }


def test_only_the_degenerate_polytope_is_swept(swept: list[tuple[int, ...]]) -> None:
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    b[:, 4] = b[:, 3]  # the column player has two identical actions: P has a repeated constraint
    game = inc.Game.from_bimatrix(a, b)
    output = run(game)
    assert swept == [(5,)]  # P = {x : B^T x <= 1} has 5 constraints; Q came from the hull
    swept.clear()
    reference = run(game, hull=False)
    assert swept == [(5, 3)]
    assert as_set(output) == as_set(reference) and output.degenerate is reference.degenerate is True


def test_budget_stops_the_hull_path(swept: list[tuple[int, ...]]) -> None:
    game = inc.Game.from_bimatrix(*np.random.default_rng(6).standard_normal((2, 6, 6)))
    stopped = run(game, budget=Budget(max_iterations=5))
    assert stopped.status == "budget_exhausted" and stopped.degenerate is None
    complete = run(game, budget=Budget(max_iterations=10_000))
    assert complete.status == "complete" and complete.degenerate is False
    assert swept == []


# -- the polytope helpers against brute force ----------------------------------------------------


def brute_force_vertices(matrix: np.ndarray) -> dict[tuple[int, ...], np.ndarray]:
    """Vertices of ``{z >= 0, C z <= 1}`` (origin excluded) keyed by their tight inequalities."""
    rows, dim = matrix.shape
    inequalities = np.vstack([matrix, -np.eye(dim)])
    bounds = np.concatenate([np.ones(rows), np.zeros(dim)])
    out = {}
    for basis in itertools.combinations(range(rows + dim), dim):
        system = inequalities[list(basis)]
        if abs(np.linalg.det(system)) < 1e-12:
            continue
        point = np.linalg.solve(system, bounds[list(basis)])
        if np.all(inequalities @ point <= bounds + 1e-12) and np.any(point > 1e-12):
            out[basis] = point
    return out


@pytest.mark.parametrize("shape", [(2, 2), (4, 3), (3, 4), (6, 5)])
def test_facet_bases_are_the_brute_force_vertices(shape: tuple[int, int]) -> None:
    matrix = 1 + np.random.default_rng(list(shape)).random(shape)
    found = facet_bases(matrix)
    assert found is not None
    bases, points = found
    expected = brute_force_vertices(matrix)
    assert {tuple(b) for b in bases.tolist()} == set(expected)
    for basis, point in zip(bases.tolist(), points, strict=True):
        np.testing.assert_allclose(point, expected[tuple(basis)], atol=1e-12)


def test_facet_bases_need_two_dimensions_and_do_not_vouch_for_simplicity() -> None:
    assert facet_bases(np.array([[1.0], [2.0]])) is None
    # Qhull drops a repeated inequality silently: the caller's label check must catch the degeneracy
    found = facet_bases(np.array([[1.0, 2.0], [1.0, 2.0], [2.0, 1.0]]))
    assert found is not None and [0.0, 0.5] in np.round(found[1], 12).tolist()


@pytest.mark.parametrize("shape", [(3, 3), (5, 4)])
def test_closed_under_edges_holds_for_every_vertex_and_fails_without_one(shape: tuple[int, int]) -> None:
    matrix = 1 + np.random.default_rng(list(shape)).random(shape)
    rows, dim = shape
    vertices = [*brute_force_vertices(matrix), tuple(range(rows, rows + dim))]  # and the origin
    labels = np.zeros((len(vertices), rows + dim), dtype=bool)
    for i, basis in enumerate(vertices):
        labels[i, list(basis)] = True
    assert closed_under_edges(labels, dim)
    for drop in range(len(vertices)):
        assert not closed_under_edges(np.delete(labels, drop, axis=0), dim)
