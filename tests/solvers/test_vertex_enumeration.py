"""Vertex enumeration's paths: the simple path (every basis solved for small polytopes, Qhull facets in few
dimensions, reverse search in more), the same on a perturbed polytope (degenerate games) and the exhaustive
sweep (the fallback).

The sweep is checked against brute-force oracles in test_two_player.py; here the simple paths must
give exactly the sweep's answer, must be the paths taken, and a failed perturbation must hand the
polytope to the sweep.  The polytope helpers are checked against a brute-force vertex list, and the
large games, past any basis count the sweep could visit, against QuantEcon's vertex enumeration.
"""

from __future__ import annotations

import itertools
import json
import math
import warnings
from fractions import Fraction as F
from typing import Any

import numpy as np
import pytest

import incentives as inc
import incentives.solvers.vertex_enumeration as ve
from incentives.solvers._polytope_hull import closed_under_edges, facet_bases
from incentives.solvers._reverse_search import Enumeration, reverse_search
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


def run(
    game: inc.Game, *, hull: bool = True, budget: Budget | None = None, reverse: bool = False, solved: bool = True
) -> SolverOutput:
    """The kernel with the simple paths on, or off (every polytope swept); ``reverse`` puts reverse search
    in place of Qhull (and of solving every basis) at every dimension; ``solved=False`` puts Qhull in place of
    solving every basis of a small polytope."""
    with pytest.MonkeyPatch.context() as patch:
        if not hull or reverse or not solved:
            patch.setattr(ve, "MAX_SOLVED_BASES", 0)
        if not hull:
            patch.setattr(ve, "facet_bases", lambda matrix: None)
            patch.setattr(ve, "reverse_search", lambda *a, **k: Enumeration(np.zeros((0, 1), int), False, False, False))
        if reverse:
            patch.setattr(ve, "HULL_DIMENSION", 0)
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


SMALL_SHAPES = [(1, 4), (4, 1), (2, 2), (2, 7), (3, 3), (3, 5), (5, 3), (4, 4), (4, 5), (5, 5), (3, 8)]


@pytest.mark.parametrize("shape", SMALL_SHAPES)
def test_small_polytopes_solve_every_basis_and_equal_qhull_and_the_sweep(
    shape: tuple[int, int], swept: list[tuple[int, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert math.comb(sum(shape), shape[0]) <= ve.MAX_SOLVED_BASES  # both polytopes have this many bases
    rng = np.random.default_rng([*shape, 23])
    hulls: list[int] = []
    real = ve.facet_bases
    monkeypatch.setattr(ve, "facet_bases", lambda matrix: hulls.append(1) or real(matrix))
    for _ in range(3):
        game = inc.Game.from_bimatrix(rng.standard_normal(shape), rng.standard_normal(shape))
        fast = run(game)
        assert swept == [] and hulls == []  # neither Qhull nor the sweep: every basis solved, and certified
        hull = run(game, solved=False)
        if min(shape) > 1:  # Qhull needs two dimensions (a polytope of one goes to the sweep)
            assert swept == [] and len(hulls) == 2
        hulls.clear()
        swept.clear()
        slow = run(game, hull=False)
        assert swept
        swept.clear()
        assert as_set(fast) == as_set(hull) == as_set(slow) and len(fast.profiles) % 2 == 1
        assert fast.status == slow.status == "complete" and fast.degenerate is slow.degenerate is False


@pytest.mark.parametrize("seed", range(4))
def test_hull_path_on_exact_games_gives_the_sweeps_fractions(seed: int, swept: list[tuple[int, ...]]) -> None:
    a, b = np.random.default_rng(seed).integers(-1000, 1001, (2, 5, 6)).tolist()
    game = inc.Game.from_bimatrix(a, b)
    fast = run(game)
    assert swept == []
    assert as_set(fast) == as_set(run(game, hull=False))
    assert fast.profiles and all(isinstance(p, F) for profile in fast.profiles for p in np.concatenate(profile))


def test_degenerate_game_takes_the_perturbed_path(swept: list[tuple[int, ...]]) -> None:
    # von Stengel (2002), section 2.6: the top row has two best responses, a vertex of P with 4 labels.
    game = inc.Game.from_bimatrix([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]])
    output = run(game)
    assert swept == []  # P failed the plain hull path but the perturbed one settled it
    assert output.degenerate is True and output.status == "complete"
    expected = {
        (F(1), F(0), F(0), F(1), F(0)),
        (F(1), F(0), F(0), F(2, 3), F(1, 3)),
        (F(0), F(1, 3), F(2, 3), F(1, 3), F(2, 3)),
    }
    assert as_set(output) == expected == as_set(run(game, hull=False))


def test_a_failed_perturbation_falls_back_to_the_sweep(
    swept: list[tuple[int, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A perturbation far too large moves perturbed vertices to bases infeasible without it.
    monkeypatch.setattr(ve, "_PERTURBATION", 0.5)
    rng = np.random.default_rng(11)
    fell_back = 0
    for _ in range(6):
        game = inc.Game.from_bimatrix(*rng.integers(-2, 3, (2, 5, 5)).tolist())
        output = run(game)
        fell_back += bool(swept)
        swept.clear()
        assert as_set(output) == as_set(run(game, hull=False))
        swept.clear()
    assert fell_back


@pytest.mark.parametrize("shape", [(2, 2), (3, 3), (3, 5), (4, 4), (5, 3), (6, 6), (7, 7)])
@pytest.mark.parametrize("high", [1, 2, 9])
def test_perturbed_path_gives_the_sweeps_fractions_on_tied_games(
    shape: tuple[int, int], high: int, swept: list[tuple[int, ...]]
) -> None:
    # Small integers make ties (degenerate games, components); the exhaustive sweep is the oracle.
    rng = np.random.default_rng([*shape, high])
    degenerate = 0
    for _ in range(4):
        a, b = rng.integers(-high, high + 1, (2, *shape)).tolist()
        game = inc.Game.from_bimatrix(a, b)
        fast = run(game)
        assert swept == []
        slow = run(game, hull=False)
        swept.clear()
        assert as_set(fast) == as_set(slow) and fast.degenerate is slow.degenerate
        assert fast.status == slow.status == "complete"
        degenerate += bool(fast.degenerate)
    assert degenerate or high == 9  # the small ranges must exercise degenerate games


def test_repeated_constraint_goes_through_the_perturbed_path(swept: list[tuple[int, ...]]) -> None:
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    b[:, 4] = b[:, 3]  # the column player has two identical actions: P has a repeated constraint
    game = inc.Game.from_bimatrix(a, b)
    output = run(game)
    assert swept == []
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


@pytest.mark.parametrize(("seed", "size", "step"), [(8, 6, 61), (1, 4, 7), (2, 4, 7)])
def test_budget_cut_anywhere_keeps_a_subset_of_the_equilibria(seed: int, size: int, step: int) -> None:
    # A degenerate game: the budget runs out in the plain path (every basis solved for 4 x 4, Qhull for 6 x 6),
    # the perturbed one or the sweep.
    game = inc.Game.from_bimatrix(*np.random.default_rng(seed).integers(-2, 3, (2, size, size)).tolist())
    full = run(game)
    assert full.status == "complete" and full.degenerate is True
    statuses = set()
    for limit in range(1, 2000 if size > 4 else 400, step):
        cut = run(game, budget=Budget(max_iterations=limit))
        statuses.add(cut.status)
        assert as_set(cut) <= as_set(full)
        assert cut.status == "complete" or cut.degenerate in (None, True)
    assert statuses == {"budget_exhausted", "complete"}


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
    bases = np.array([*brute_force_vertices(matrix), tuple(range(rows, rows + dim))])  # and the origin
    assert closed_under_edges(bases, rows + dim)
    for drop in range(len(bases)):
        assert not closed_under_edges(np.delete(bases, drop, axis=0), rows + dim)
    assert not closed_under_edges(np.vstack([bases, bases[:1]]), rows + dim)  # a vertex twice


def test_a_tied_best_response_skips_the_plain_hull_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # Column 0 of A has its maximum twice (the column player's first action has two best replies):
    # Q is degenerate for sure, so only P tries the plain path; the answer is still the sweep's.
    assert ve._tied_pure_vertex(np.array([[2.0, 1.0], [2.0, 1.5]]))
    assert not ve._tied_pure_vertex(np.array([[2.0, 1.0], [1.0, 1.5]]))
    tried: list[str] = []
    real = ve._simple_search

    def spy(polytope: Any, ptol: float, sweep: Any) -> bool:
        tried.append("P" if polytope.coordinates_first else "Q")
        return real(polytope, ptol, sweep)

    monkeypatch.setattr(ve, "_simple_search", spy)
    game = inc.Game.from_bimatrix([[3, 1, 0], [3, 0, 2], [0, 2, 1]], [[1, 0, 2], [0, 2, 1], [2, 1, 0]])
    output = run(game)
    assert tried == ["P", "Q"]  # P plain (and certified), then Q perturbed: never Q plain
    monkeypatch.setattr(ve, "_simple_search", real)
    assert as_set(output) == as_set(run(game, hull=False)) and output.degenerate is True


# -- reverse search: every dimension, and the large games -----------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_reverse_search_path_equals_the_sweep(shape: tuple[int, int], swept: list[tuple[int, ...]]) -> None:
    rng = np.random.default_rng([*shape, 17])
    for _ in range(3):
        game = inc.Game.from_bimatrix(rng.standard_normal(shape), rng.standard_normal(shape))
        fast = run(game, reverse=True)
        assert swept == []
        assert as_set(fast) == as_set(run(game, hull=False))
        swept.clear()
        assert fast.status == "complete" and fast.degenerate is False


@pytest.mark.parametrize("shape", [(3, 3), (4, 4), (3, 5), (6, 6)])
@pytest.mark.parametrize("high", [1, 2])
def test_perturbed_reverse_search_gives_the_sweeps_fractions(
    shape: tuple[int, int], high: int, swept: list[tuple[int, ...]]
) -> None:
    rng = np.random.default_rng([*shape, high, 5])
    for _ in range(4):
        game = inc.Game.from_bimatrix(*rng.integers(-high, high + 1, (2, *shape)).tolist())
        fast = run(game, reverse=True)
        assert swept == []
        slow = run(game, hull=False)
        swept.clear()
        assert as_set(fast) == as_set(slow) and fast.degenerate is slow.degenerate
        assert fast.status == slow.status == "complete"


@pytest.mark.parametrize("shape", [(2, 2), (4, 3), (3, 4), (6, 5), (5, 7)])
def test_reverse_search_finds_the_brute_force_vertices(shape: tuple[int, int]) -> None:
    matrix = 1 + np.random.default_rng([*shape, 2]).random(shape)
    found = reverse_search(matrix, np.ones(shape[0]), tol=1e-9, budget=Budget())
    assert found.simple and found.certified and not found.stopped
    assert {tuple(b) for b in found.bases.tolist()} == set(brute_force_vertices(matrix))


def test_reverse_search_stops_at_a_degenerate_vertex_and_on_its_budget() -> None:
    tied = np.array([[1.0, 2.0], [1.0, 2.0], [2.0, 1.0]])  # a repeated inequality: a vertex with 3 tight
    assert not reverse_search(tied, np.ones(3), tol=1e-9, budget=Budget()).simple
    matrix = 1 + np.random.default_rng(4).random((9, 9))
    cut = reverse_search(matrix, np.ones(9), tol=1e-9, budget=Budget(max_iterations=3))
    assert cut.stopped and not cut.certified
    full = {tuple(b) for b in reverse_search(matrix, np.ones(9), tol=1e-9, budget=Budget()).bases.tolist()}
    assert {tuple(b) for b in cut.bases.tolist()} <= full


@pytest.mark.parametrize("shape", [(9, 9), (66, 5)])  # one 64-bit word of inequalities, and two
def test_reverse_search_does_not_certify_a_search_that_lost_a_vertex(
    shape: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import incentives.solvers._reverse_search as rs

    matrix = 1 + np.random.default_rng([*shape, 8]).random(shape)
    full = reverse_search(matrix, np.ones(shape[0]), tol=1e-9, budget=Budget())
    assert full.certified
    real, lost = rs._pivot, []

    def lose_one(batch: Any, parent: np.ndarray, column: np.ndarray, row: np.ndarray) -> Any:
        if not lost and len(parent) > 1:  # the first vertex with a sibling never appears: neither do its descendants
            lost.append(1)
            parent, column, row = parent[1:], column[1:], row[1:]
        return real(batch, parent, column, row)

    monkeypatch.setattr(rs, "_pivot", lose_one)
    cut = reverse_search(matrix, np.ones(shape[0]), tol=1e-9, budget=Budget())
    assert lost and len(cut.bases) < len(full.bases)
    assert cut.simple and not cut.stopped and not cut.certified


def _quantecon_set(a: np.ndarray, b: np.ndarray) -> set[tuple[float, ...]]:
    game_theory = pytest.importorskip("quantecon.game_theory")
    game = game_theory.NormalFormGame([game_theory.Player(a), game_theory.Player(b.T)])
    return {tuple(np.round(np.concatenate(pair), 8)) for pair in game_theory.vertex_enumeration(game)}


@pytest.mark.parametrize("k", [12, 13, 14, 15, 16])
def test_large_games_give_quantecons_equilibria(k: int) -> None:
    # far past the old ceiling of 5 million bases (C(28, 14) is 40 million): reverse search from 13 on
    a, b = np.random.default_rng([2, k, k, 0]).standard_normal((2, k, k))
    result = inc.solve(inc.Game.from_bimatrix(a, b), "all", max_seconds=None)
    assert result.status == "complete" and result.degenerate is False and not result.rejected
    assert len(result) % 2 == 1 and result.max_regret <= 1e-12
    assert {tuple(np.round(np.concatenate(e.profile).astype(float), 8)) for e in result} == _quantecon_set(a, b)


def test_a_time_budget_cuts_a_large_game_short_and_says_so() -> None:
    a, b = np.random.default_rng([2, 24, 24, 0]).standard_normal((2, 24, 24))
    game = inc.Game.from_bimatrix(a, b)
    with pytest.warns(inc.errors.IncompleteSearchWarning):
        result = inc.solve(game, "all", max_seconds=0.5)
    assert result.status == "budget_exhausted" and result.degenerate is None
    assert any("max_seconds=0.5" in note for note in result.notes)
    assert not result.rejected and all(float(e.regret) <= 1e-9 for e in result)


def test_exact_results_of_a_large_game_are_its_float_results_rounded() -> None:
    a, b = np.random.default_rng([2, 13, 13, 1]).integers(-1000, 1001, (2, 13, 13))
    exact = inc.solve(inc.Game.from_bimatrix(a.tolist(), b.tolist()), "all", max_seconds=None)
    floats = inc.solve(inc.Game.from_bimatrix(a.astype(float), b.astype(float)), "all", max_seconds=None)
    assert exact.status == floats.status == "complete" and exact.degenerate is floats.degenerate is False
    assert all(e.regret == 0 and isinstance(e.profile[0][0], F) for e in exact)
    rounded = {tuple(np.round(np.concatenate(e.profile).astype(float), 9)) for e in exact}
    assert rounded == {tuple(np.round(np.concatenate(e.profile).astype(float), 9)) for e in floats}


def test_a_sweep_too_large_to_run_is_reported_incomplete(monkeypatch: pytest.MonkeyPatch) -> None:
    game = inc.Game.from_bimatrix(*np.random.default_rng(9).standard_normal((2, 5, 5)))
    monkeypatch.setattr(ve, "MAX_SWEEP", 10)
    cut = run(game, hull=False)
    assert cut.status == "incomplete" and cut.degenerate is None and not cut.profiles
    assert "others may be missing" in cut.notes[0]
    assert run(game).status == "complete"  # the simple path needs no sweep


def _split(mix: np.ndarray) -> list[np.ndarray]:
    """The mixes of the game with action 0 duplicated as a last action: the weight of 0 on either copy."""
    kept = np.append(mix, 0.0)
    if mix[0] == 0:
        return [kept]
    moved = kept.copy()
    moved[[0, -1]] = 0.0, mix[0]
    return [kept, moved]


@pytest.mark.parametrize("k", [9, 11, 13])
def test_a_duplicated_action_doubles_the_extreme_equilibria_that_use_it(k: int) -> None:
    # an oracle for degenerate games past the sweep's reach: copy the first row and the first column of a
    # generic k x k game.  The (k + 1) x (k + 1) game is degenerate (a pure strategy has two best
    # responses), and its extreme equilibria are those of the k x k game with the weight of each copied
    # action on one copy or the other (the polytopes' vertices are the old ones so moved)
    a, b = np.random.default_rng([3, k, 0]).standard_normal((2, k, k))
    base = inc.solve(inc.Game.from_bimatrix(a, b), "all", max_seconds=None)
    assert base.status == "complete" and base.degenerate is False
    if k == 13:  # the base game against a second implementation, where it is installed
        try:
            assert as_profiles(base) == _quantecon_set(a, b)
        except pytest.skip.Exception:
            pass
    expected = {
        tuple(np.round(np.concatenate([x, y]), 8))
        for e in base
        for x in _split(np.asarray(e.profile[0], float))
        for y in _split(np.asarray(e.profile[1], float))
    }
    rows, cols = np.r_[np.arange(k), 0], np.r_[np.arange(k), 0]
    copied = inc.Game.from_bimatrix(a[np.ix_(rows, cols)], b[np.ix_(rows, cols)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", inc.errors.DegenerateGameWarning)
        result = inc.solve(copied, "all", max_seconds=None)
    assert result.status == "complete" and result.degenerate is True and not result.rejected
    assert as_profiles(result) == expected
    assert len(result) > len(base)  # some equilibrium uses a copied action, so the copies are exercised


def as_profiles(result: inc.SolveResult) -> set[tuple[float, ...]]:
    return {tuple(np.round(np.concatenate(e.profile).astype(float), 8)) for e in result}


def test_a_large_degenerate_game_stops_within_its_memory_and_time(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A 115 x 259 game with integers in [-9, 9] (a fuzz file): reverse search asked for 10 GiB of dictionaries in
    # one step and the matching of labels for millions of subsets; under a 3 GiB cap it must end cleanly.
    import resource
    import subprocess
    import sys

    rng = np.random.default_rng(339)
    game = inc.Game.from_bimatrix(rng.integers(-9, 10, size=(115, 259)), rng.integers(-9, 10, size=(115, 259)))
    path = tmp_path / "large.nfg"
    inc.write_nfg(game, path)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))

    command = [sys.executable, "-c", "from incentives.cli import main; main()", "solve", str(path)]
    done = subprocess.run(
        [*command, "--max-seconds", "5", "--format", "json"], capture_output=True, text=True, preexec_fn=cap, timeout=99
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"status": "budget_exhausted"' in done.stdout or '"status": "incomplete"' in done.stdout


def test_a_game_with_hundreds_of_copies_of_an_action_is_solved_within_its_memory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Shapley's game with one action of the first player copied 500 times (a fuzz file): the reverse search's
    # candidate rows (vertices x d x d floats, d = 503) asked for 967 MiB in one step, and solving each vertex
    # from its 503 x 503 system for 3.8 GiB; under a 3 GiB cap the search must end and list every extreme point.
    import resource
    import subprocess
    import sys

    copies = 500
    row = np.array([[1, 0, 0]] * copies + [[0, 1, 0], [0, 0, 1]])
    column = np.array([[0, 1, 0]] * copies + [[0, 0, 1], [1, 0, 0]])
    path = tmp_path / "copies.nfg"
    inc.write_nfg(inc.Game.from_bimatrix(row, column), path)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))

    command = [sys.executable, "-c", "from incentives.cli import main; main()", "solve", str(path), "--format", "json"]
    done = subprocess.run(
        [*command, "--max-seconds", "60"], capture_output=True, text=True, preexec_fn=cap, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    document = json.loads(done.stdout)
    assert document["status"] == "complete" and len(document["equilibria"]) == copies  # each copy mixed with b and c


@pytest.mark.parametrize("seed", range(40))
def test_vertices_solved_in_small_systems_equal_the_full_systems(seed: int) -> None:
    from incentives.solvers._bimatrix import batched_solve

    rng = np.random.default_rng(seed)
    rows, dim = (int(x) for x in rng.integers(1, 7, size=2))
    polytope = ve._Polytope(matrix=rng.uniform(1.0, 2.0, size=(rows, dim)), tol=1e-9, coordinates_first=seed % 2 == 0)
    bases = np.array(list(itertools.combinations(range(rows + dim), dim)))
    full, ok = batched_solve(polytope.equations[bases], polytope.bounds[bases])  # the d x d system of each basis
    small = ve._solve_bases(polytope, bases)
    assert np.allclose(small[ok], full[ok], rtol=0, atol=1e-7)
    feasible = ok & np.all(polytope.equations @ full.T <= polytope.bounds[:, None] + 1e-9, axis=0)
    assert np.allclose(small[feasible], full[feasible], rtol=0, atol=1e-12)  # the vertices themselves, closely


def per_polytope(game: inc.Game) -> SolverOutput:
    """The kernel with both joint paths off: every polytope takes its own path (the oracle of the joint ones)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ve, "_small_search", lambda *args, **kwargs: None)
        patch.setattr(ve, "_square_hull_search", lambda *args: (None, None))
        return run(game)


def joint_paths_taken(game: inc.Game) -> tuple[SolverOutput, list[str]]:
    """The kernel as it runs, with which joint path settled both polytopes (if any)."""
    taken: list[str] = []
    small, hull = ve._small_search, ve._square_hull_search
    with pytest.MonkeyPatch.context() as patch:

        def spy_small(*args: Any, **kwargs: Any) -> Any:
            found = small(*args, **kwargs)
            taken.extend(["small"] if found is not None and all(found.settled) else [])
            return found

        def spy_hull(*args: Any) -> Any:
            found = hull(*args)
            taken.extend(["hull"] if found == (True, True) else [])
            return found

        patch.setattr(ve, "_small_search", spy_small)
        patch.setattr(ve, "_square_hull_search", spy_hull)
        return run(game), taken


@pytest.mark.parametrize(
    ("shape", "path"), [((3, 3), "small"), ((4, 5), "small"), ((5, 5), "small"), ((6, 6), "hull"), ((8, 8), "hull")]
)
def test_both_polytopes_at_once_give_exactly_what_each_alone_gives(shape: tuple[int, int], path: str) -> None:
    rng = np.random.default_rng([*shape, 41])
    for _ in range(4):
        game = inc.Game.from_bimatrix(rng.standard_normal(shape), rng.standard_normal(shape))
        joint, taken = joint_paths_taken(game)
        alone = per_polytope(game)
        assert taken == [path]  # the joint path settled both polytopes
        assert as_set(joint, 12) == as_set(alone, 12) and len(joint.profiles) % 2 == 1
        assert (joint.status, joint.degenerate, joint.notes) == (alone.status, alone.degenerate, alone.notes)


@pytest.mark.parametrize("shape", [(3, 3), (4, 4), (5, 5), (6, 6), (7, 7)])
def test_degenerate_games_leave_the_joint_paths_and_end_as_each_polytope_alone(shape: tuple[int, int]) -> None:
    # integers in a small range: ties and degenerate vertices; the joint paths must decline or agree
    rng = np.random.default_rng([*shape, 43])
    degenerate = 0
    for _ in range(6):
        game = inc.Game.from_bimatrix(rng.integers(-2, 3, size=shape), rng.integers(-2, 3, size=shape)).to_float()
        joint, alone = run(game), per_polytope(game)
        assert as_set(joint, 12) == as_set(alone, 12)
        assert (joint.status, joint.degenerate, joint.notes) == (alone.status, alone.degenerate, alone.notes)
        degenerate += bool(joint.degenerate)
    assert degenerate  # some game of each shape is degenerate, so the declining is exercised
