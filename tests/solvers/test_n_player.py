"""All equilibria of N-player games: support enumeration with polynomial systems, and ``method="all"``.

Oracles: hand-derived answers (checked again with sympy here), an independent sympy
enumeration of every support of 2 x 2 x 2 games, a multi-start root finder in other
coordinates, brute-force regret over every pure profile, the two-player vertex
enumeration, and Gambit's enumpoly where pygambit is installed.
"""

from __future__ import annotations

import itertools
import time
import warnings
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest
import sympy
from scipy.optimize import fsolve

import incentives as inc
from incentives.solvers import enumerate_all, polynomial_support
from incentives.solvers._subdivision import subdivide
from incentives.solvers._support_system import support_system

METHOD = "support-enumeration-n"


def oracle_regret(payoffs: np.ndarray, profile: tuple[np.ndarray, ...]) -> float:
    """Largest unilateral gain, summing over every pure profile explicitly."""
    n, shape = payoffs.shape[0], payoffs.shape[1:]
    worst = 0.0
    for i in range(n):
        deviation = np.zeros(shape[i])
        for cell in itertools.product(*(range(k) for k in shape)):
            weight = np.prod([float(profile[j][cell[j]]) for j in range(n) if j != i])
            deviation[cell[i]] += weight * float(payoffs[(i, *cell)])
        worst = max(worst, float(deviation.max() - np.dot(np.asarray(profile[i], dtype=float), deviation)))
    return worst


def as_set(result: inc.SolveResult, digits: int = 6) -> set[tuple[float, ...]]:
    return {tuple(round(float(x), digits) for p in e.profile for x in p) for e in result.equilibria}


def solve(game: inc.Game, method: str = METHOD, **options: object) -> inc.SolveResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return inc.solve(game, method, **options)  # type: ignore[arg-type]


# -- known answers --------------------------------------------------------------------------


def two_mixed_game() -> inc.Game:
    """A 2 x 2 x 2 game built to have exactly two totally mixed equilibria.

    With p, q, r the probabilities of each player's first action, the payoff gains of
    the first action over the second are 18 q r - 9 q - 9 r + 4 (player 1),
    4 r - 2 p - 1 (player 2) and 4 q - 2 p - 1 (player 3).  Indifference gives
    q = r = 1/4 + p/2 and 18 t^2 - 18 t + 4 = 0 for t = q = r, so t = 1/3 or 2/3:
    (p, q, r) = (1/6, 1/3, 1/3) and (5/6, 2/3, 2/3), the most a 2 x 2 x 2 game can
    have (McKelvey and McLennan 1997).
    """
    gains = {0: [[4, -5], [-5, 4]], 1: [[1, -3], [3, -1]], 2: [[1, -3], [3, -1]]}
    payoffs = np.zeros((3, 2, 2, 2), dtype=int)
    for a, b in itertools.product(range(2), repeat=2):
        payoffs[0, 0, a, b] = gains[0][a][b]
        payoffs[1, a, 0, b] = gains[1][a][b]
        payoffs[2, a, b, 0] = gains[2][a][b]
    return inc.Game.from_payoffs(payoffs.tolist())


def test_two_totally_mixed_equilibria_match_the_hand_derivation_exactly() -> None:
    game = two_mixed_game()
    p, q, r = sympy.symbols("p q r")
    roots = sympy.solve([18 * q * r - 9 * q - 9 * r + 4, 4 * r - 2 * p - 1, 4 * q - 2 * p - 1], [p, q, r], dict=True)
    expected = {(s[p], s[q], s[r]) for s in roots}
    assert expected == {(sympy.Rational(1, 6), sympy.Rational(1, 3), sympy.Rational(1, 3)),
                        (sympy.Rational(5, 6), sympy.Rational(2, 3), sympy.Rational(2, 3))}  # fmt: skip
    result = solve(game)
    mixed = [e for e in result.equilibria if all(np.count_nonzero(np.asarray(m, float)) == 2 for m in e.profile)]
    found = {tuple(m[0] for m in e.profile) for e in mixed}
    assert found == {(F(1, 6), F(1, 3), F(1, 3)), (F(5, 6), F(2, 3), F(2, 3))}
    assert all(isinstance(x, F) for e in mixed for m in e.profile for x in m)
    assert all(e.regret == 0 for e in result.equilibria)
    assert result.status == "complete"


def sympy_equilibria(payoffs: np.ndarray) -> set[tuple[float, ...]]:
    """Every equilibrium of a non-degenerate 2 x 2 x 2 game, support by support, with sympy (exact)."""
    p = sympy.symbols("p0:3")
    mix = [[p[i], 1 - p[i]] for i in range(3)]
    found = set()
    for supports in itertools.product([(0,), (1,), (0, 1)], repeat=3):
        values = {p[i]: 1 - s[0] for i, s in enumerate(supports) if len(s) == 1}  # p_i: probability of action 0
        gain = []  # player i's payoff of action 0 minus action 1, as a polynomial
        for i in range(3):
            total = 0
            for cell in itertools.product(range(2), repeat=2):
                others = [j for j in range(3) if j != i]
                weight = mix[others[0]][cell[0]] * mix[others[1]][cell[1]]
                full0 = [0, 0, 0]
                full1 = [0, 0, 0]
                for j, a in zip(others, cell, strict=True):
                    full0[j] = full1[j] = a
                full1[i] = 1
                total += (int(payoffs[(i, *full0)]) - int(payoffs[(i, *full1)])) * weight
            gain.append(sympy.expand(total).subs(values))
        unknowns = [p[i] for i in range(3) if len(supports[i]) == 2]
        equations = [gain[i] for i in range(3) if len(supports[i]) == 2]
        solutions = sympy.solve(equations, unknowns, dict=True) if unknowns else [{}]
        for solution in solutions:
            if set(solution) != set(unknowns):
                continue
            point = {**values, **solution}
            probs = [point[p[i]] for i in range(3)]
            if not all(x.is_real and 0 < x < 1 for i, x in enumerate(probs) if len(supports[i]) == 2):
                continue
            if all(
                bool(gain[i].subs(point) >= 0) == (supports[i] == (0,)) or gain[i].subs(point) == 0
                for i in range(3)
                if len(supports[i]) == 1
            ):
                found.add(tuple(round(float(v), 6) for x in probs for v in (x, 1 - x)))
    return found


@pytest.mark.parametrize("seed", range(6))
def test_every_equilibrium_of_integer_2x2x2_games_matches_an_independent_sympy_enumeration(seed: int) -> None:
    payoffs = np.random.default_rng(seed).integers(-9, 10, size=(3, 2, 2, 2))
    game = inc.Game.from_payoffs(payoffs.tolist())
    result = solve(game)
    if result.degenerate:
        pytest.skip("ties make the support enumeration of the oracle incomplete")
    assert as_set(result) == sympy_equilibria(payoffs)
    assert result.status == "complete"


def coordination() -> inc.Game:
    return inc.Game.from_payoffs([[[[1, 0], [0, 0]], [[0, 0], [0, 2]]]] * 3)


def test_irrational_equilibrium_is_found_and_described_exactly() -> None:
    # each player is indifferent when p^2 = 2 (1 - p)^2 for the others' p: p = 2 - sqrt(2)
    result = solve(coordination())
    assert len(result) == 3 and len(result.pure) == 2 and result.status == "complete"
    (mixed,) = [e for e in result.equilibria if not e.is_pure]
    for probs in mixed.profile:
        assert abs(float(probs[0]) - (2 - np.sqrt(2))) < 1e-13
    assert any("2 - sqrt(2)" in note and "irrational" in note for note in result.notes)


def selten_horse() -> inc.Game:
    """Selten (1975): player 1 goes across (A) or down (D), player 2 across (a) or down (d), and
    player 3, who cannot tell D from (A, d), picks L or R."""
    outcome = {"Aa": (1, 1, 1), "DL": (3, 3, 2), "DR": (0, 0, 0), "AdL": (4, 4, 0), "AdR": (0, 0, 1)}
    payoffs = np.zeros((3, 2, 2, 2), dtype=int)
    for a1, a2, a3 in itertools.product(range(2), repeat=3):
        key = "Aa" if (a1, a2) == (0, 0) else ("D" if a1 == 1 else "Ad") + "LR"[a3]
        payoffs[(slice(None), a1, a2, a3)] = outcome[key]
    return inc.Game.from_payoffs(payoffs.tolist(), players=("1", "2", "3"), actions=("AD", "ad", "LR"))


@pytest.mark.parametrize("method", [METHOD, "all"])
def test_selten_horse_has_two_components_each_reported_with_a_point(method: str) -> None:
    # the equilibria are {A, a, P(L) <= 1/4} and {D, P(a) >= 1/3, L}: two segments
    game = selten_horse()
    result = solve(game, method)
    assert result.status == "complete" and result.degenerate is True
    assert {e.pure_indices() for e in result.pure} == {(0, 0, 1), (1, 0, 0)}
    components = {c.support: c for c in result.components}
    assert set(components) == {((0,), (0,), (0, 1)), ((1,), (0, 1), (0,))}
    assert all(c.dimension == 1 for c in components.values())
    across = components[((0,), (0,), (0, 1))].representative
    down = components[((1,), (0, 1), (0,))].representative
    assert 0 < float(across[2][0]) <= 0.25 and float(down[1][0]) >= 1 / 3
    for c in result.components:
        assert oracle_regret(game.float_payoffs(), c.representative) == 0
        assert any(
            all(
                np.array_equal(np.asarray(e.profile[k], float), np.asarray(c.representative[k], float))
                for k in range(3)
            )
            for e in result.equilibria
        )
    # the segments' far ends are equilibria too, and are found as boundary points of larger supports
    assert (F(1, 4), F(3, 4)) in {tuple(e.profile[2]) for e in result.equilibria if e.profile[0][0] == 1}


def test_agrees_with_vertex_enumeration_when_the_third_player_is_a_dummy() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(2, 3, 3))
    two = inc.Game.from_bimatrix(a, b)
    expected = as_set(solve(two, "vertex-enumeration"))
    payoffs = np.zeros((3, 3, 3, 2))
    payoffs[0] = a[:, :, None]
    payoffs[1] = b[:, :, None]
    payoffs[2, :, :, 0] = 1.0  # the dummy strictly prefers its first action and affects nobody
    result = solve(inc.Game.from_payoffs(payoffs))
    assert {key[:6] for key in as_set(result)} == expected
    assert all(key[6:] == (1.0, 0.0) for key in as_set(result)) and result.status == "complete"


def test_an_indifferent_dummy_gives_components_over_every_two_player_equilibrium() -> None:
    rng = np.random.default_rng(6)
    a, b = rng.normal(size=(2, 2, 3))
    expected = as_set(solve(inc.Game.from_bimatrix(a, b), "vertex-enumeration"))
    payoffs = np.zeros((3, 2, 3, 2))
    payoffs[0] = a[:, :, None]
    payoffs[1] = b[:, :, None]  # the dummy's payoff is 0 whatever happens: every mix of it is a best response
    result = solve(inc.Game.from_payoffs(payoffs))
    assert result.status == "complete" and result.degenerate is True
    assert {key[:5] for key in as_set(result)} == expected
    mixed_dummy = {c.support[:2] for c in result.components if c.support[2] == (0, 1)}
    supports = {tuple(tuple(int(k) for k in np.flatnonzero(np.asarray(m, float) > 0)) for m in e.profile[:2])
                for e in solve(inc.Game.from_bimatrix(a, b), "vertex-enumeration").equilibria}  # fmt: skip
    assert mixed_dummy == supports
    assert all(c.dimension == 1 for c in result.components)


@pytest.mark.parametrize("shape", [(3, 3), (4, 4), (2, 5)])
def test_two_player_games_agree_with_vertex_enumeration(shape: tuple[int, int]) -> None:
    for seed in range(3):
        game = inc.Game.from_payoffs(np.random.default_rng(seed).normal(size=(2, *shape)))
        assert as_set(solve(game)) == as_set(solve(game, "vertex-enumeration"))


# -- random games ---------------------------------------------------------------------------


def root_oracle(payoffs: np.ndarray, starts: int, seed: int) -> set[tuple[float, ...]]:
    """Equilibria found by scipy's fsolve on every support, in plain probability coordinates, from many starts."""
    rng = np.random.default_rng(seed)
    n, shape = payoffs.shape[0], payoffs.shape[1:]
    found = set()
    subsets = [[s for k in range(1, m + 1) for s in itertools.combinations(range(m), k)] for m in shape]
    for support in itertools.product(*subsets):
        sizes = [len(s) for s in support]

        def unpack(z: np.ndarray, support: tuple = support, sizes: list = sizes) -> list[np.ndarray]:
            out, at = [], 0
            for m, s, k in zip(shape, support, sizes, strict=True):
                full = np.zeros(m)
                full[list(s)] = z[at : at + k]
                out.append(full)
                at += k
            return out

        def equations(z: np.ndarray, support: tuple = support, total: int = sum(sizes)) -> np.ndarray:
            profile = unpack(z[:total])
            values = z[total:]
            rows = []
            for i in range(n):
                dev = payoffs[i]
                for j in range(n - 1, -1, -1):
                    if j != i:
                        dev = np.tensordot(dev, profile[j], axes=([j], [0]))
                rows += [dev[a] - values[i] for a in support[i]] + [profile[i].sum() - 1]
            return np.array(rows)

        for _ in range(starts):
            z0 = np.concatenate([rng.dirichlet(np.ones(k)) for k in sizes] + [rng.normal(size=n)])
            z, _, ok, _ = fsolve(equations, z0, full_output=True, xtol=1e-13)
            if ok == 1 and np.max(np.abs(equations(z))) < 1e-10:
                profile = unpack(z[: sum(sizes)])
                if z[: sum(sizes)].min() > 1e-9 and oracle_regret(payoffs, tuple(profile)) < 1e-9:
                    found.add(tuple(round(float(x), 6) for p in profile for x in p))
    return found


@pytest.mark.parametrize(("shape", "seed"), [((2, 2, 2), 1), ((2, 2, 2), 3), ((3, 2, 2), 3), ((3, 2, 2), 7)])
def test_random_games_find_every_equilibrium_a_multistart_root_finder_finds(shape: tuple, seed: int) -> None:
    payoffs = np.random.default_rng(seed).normal(size=(len(shape), *shape))
    result = solve(inc.Game.from_payoffs(payoffs))
    assert result.status == "complete" and result.degenerate is False
    assert as_set(result) == root_oracle(payoffs, starts=6, seed=seed)


@pytest.mark.parametrize("shape", [(3, 2, 2), (2, 2, 2), (3, 3, 3), (2, 2, 2, 2)])
def test_random_games_every_equilibrium_has_zero_regret_and_pure_ones_are_all_there(shape: tuple) -> None:
    for seed in range(4):
        payoffs = np.random.default_rng(100 + seed).normal(size=(len(shape), *shape))
        game = inc.Game.from_payoffs(payoffs)
        result = solve(game)
        assert result.status == "complete" and not result.rejected
        for eq in result.equilibria:
            assert oracle_regret(payoffs, eq.profile) < 1e-9
            assert all(np.all(np.asarray(p) >= 0) and abs(float(np.sum(p)) - 1) < 1e-12 for p in eq.profile)
        pure = {e.pure_indices() for e in solve(game, "pure").equilibria}
        assert pure <= {e.pure_indices() for e in result.pure}


def test_three_by_three_by_three_in_well_under_a_second() -> None:
    game = inc.Game.from_payoffs(np.random.default_rng(2).normal(size=(3, 3, 3, 3)))
    solve(game)  # warm-up: imports and first calls
    start = time.perf_counter()
    result = solve(game)
    assert result.status == "complete"
    assert time.perf_counter() - start < 2.0  # about 0.1 s on two cores; generous for busy machines


def test_four_players_three_actions_finish_with_a_complete_search() -> None:
    # 2,400 support profiles; a few seconds on two cores (the target is under 10 s)
    game = inc.Game.from_payoffs(np.random.default_rng(3).normal(size=(4, 3, 3, 3, 3)))
    result = solve(game, max_seconds=30)
    assert result.status == "complete"
    assert all(oracle_regret(game.float_payoffs(), e.profile) < 1e-9 for e in result.equilibria)


# -- budget, wiring and reporting ---------------------------------------------------------------


def test_budget_in_support_profiles_is_respected_and_reported() -> None:
    game = inc.Game.from_payoffs(np.random.default_rng(4).normal(size=(3, 3, 3, 3)))
    result = solve(game, max_iterations=5)
    assert result.status == "budget_exhausted"
    assert {e.pure_indices() for e in solve(game, "pure").equilibria} <= {e.pure_indices() for e in result.pure}


def test_all_uses_the_polynomial_search_after_dominance_and_lifts_supports() -> None:
    # Selten's horse with a fourth, strictly dominated action added for player 2
    base = selten_horse().payoffs
    payoffs = np.concatenate([base, np.full((3, 2, 1, 2), F(-10))], axis=2)
    game = inc.Game.from_payoffs(payoffs, players=("1", "2", "3"), actions=("AD", "adx", "LR"))
    result = solve(game, "all")
    assert result.status == "complete"
    assert {c.support for c in result.components} == {((0,), (0,), (0, 1)), ((1,), (0, 1), (0,))}
    assert all(len(c.representative[1]) == 3 for c in result.components)
    assert any("dominated" in note for note in result.notes)


def test_all_falls_back_to_pure_equilibria_beyond_its_support_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(enumerate_all, "MAX_SUPPORTS", 10)
    result = solve(coordination(), "all")
    assert result.status == "incomplete" and len(result) == 2
    assert any("support-enumeration-n" in note for note in result.notes)


def test_unresolvable_regions_make_the_search_incomplete_not_silent() -> None:
    # sets of equilibria of dimension up to four (two players indifferent among everything): the search
    # ends, and reports components or names what it could not resolve; it never loops or stays silent
    payoffs = np.zeros((3, 3, 3, 2))
    payoffs[2, :, :, 0] = 1.0
    result = solve(inc.Game.from_payoffs(payoffs))
    assert result.degenerate is True
    assert result.status in {"complete", "incomplete"}
    assert result.components or any("could be neither" in note for note in result.notes)


def test_every_equilibrium_gambit_enumpoly_finds_is_found_and_every_extra_one_is_verified() -> None:
    # Gambit 16.7's enumpoly misses some regular equilibria (for instance two of the five of the first
    # 3 x 3 x 3 game below); each one it misses must pass the brute-force regret check
    gbt = pytest.importorskip("pygambit")
    for shape, seed in [((3, 3, 3), 6), ((2, 2, 2), 0), ((3, 2, 2), 2), ((2, 2, 2, 2), 2)]:
        payoffs = np.random.default_rng(seed).normal(size=(len(shape), *shape))
        game = gbt.Game.from_arrays(*[np.asarray(p) for p in payoffs])
        theirs = {
            tuple(round(float(eq[s]), 6) for player in game.players for s in player.strategies)
            for eq in gbt.nash.enumpoly_solve(game).equilibria
        }
        result = solve(inc.Game.from_payoffs(payoffs))
        assert theirs <= as_set(result)
        assert all(oracle_regret(payoffs, e.profile) < 1e-12 for e in result.equilibria)


def test_a_coarse_region_with_two_totally_mixed_equilibria_gives_both() -> None:
    # Regression: this generic 4-player game has two totally mixed equilibria in one coarse
    # region of the full-support system; only one used to be reported (18 equilibria, an even
    # count).  The second one was found by Gambit's global Newton method (gnm_solve).
    shape = (3, 3, 3, 3)
    rng = np.random.default_rng([len(shape), *shape, 0])
    game = inc.Game.from_payoffs(rng.normal(size=(len(shape), *shape)))
    result = inc.solve(game, "all")
    assert len(result.equilibria) % 2 == 1  # a generic game has an odd number of equilibria
    assert result.status == "complete"  # every root certified: the full-support system is no longer capped
    second = np.array([0.5103, 0.3383, 0.1515, 0.4881, 0.2886, 0.2232, 0.7674, 0.1062, 0.1263, 0.5451, 0.3899, 0.065])
    found = [np.concatenate([np.asarray(p, dtype=float) for p in e.profile]) for e in result.equilibria]
    assert min(float(np.abs(f - second).max()) for f in found) < 1e-3


def test_a_support_past_its_box_limit_makes_the_search_incomplete(monkeypatch: pytest.MonkeyPatch) -> None:
    # With the limit this low the full-support system of this 3 x 3 x 3 game is not certified to the end:
    # the search must say so, and what it still lists must be verified equilibria.
    monkeypatch.setattr(polynomial_support, "MAX_BOXES", 40)
    game = inc.Game.from_payoffs(np.random.default_rng(2).normal(size=(3, 3, 3, 3)))
    result = solve(game, "support-enumeration-n")
    assert result.status == "incomplete"
    assert any("stopped after 40 boxes" in note for note in result.notes)
    assert all(oracle_regret(game.float_payoffs(), e.profile) < 1e-9 for e in result.equilibria)
    monkeypatch.undo()
    assert solve(game, "support-enumeration-n").status == "complete"


def test_subdivision_in_parts_finds_the_same_roots() -> None:
    # One system's level split into halves (depth first, a tiny memory limit) must certify the same roots.
    system = support_system(two_mixed_game().float_payoffs() / 9.0, ((0, 1), (0, 1), (0, 1)))
    corners = system.corner_values()[None]
    options: dict = {"equation_slack": 1e-12, "inequality_slack": 1e-9, "min_width": 2.0**-12, "system_entries": None}
    whole = subdivide(corners, system.n_unknowns, **options)
    parts = subdivide(corners, system.n_unknowns, max_entries=2 * corners[0].size, **options)
    assert len(whole.certified) == 2 and not whole.capped and not parts.capped  # (1/6, 1/3, 1/3), (5/6, 2/3, 2/3)
    assert parts.widest < whole.widest  # the parts really were smaller
    assert sorted(tuple(np.round(c, 12)) for _, c, _ in whole.certified) == sorted(
        tuple(np.round(c, 12)) for _, c, _ in parts.certified
    )


@pytest.mark.parametrize(("shape", "seed"), [((3, 2, 2), 4), ((3, 2, 2), 9), ((2, 2, 2, 2), 6), ((2, 2, 2, 2), 3)])
def test_tied_games_resolve_regions_on_faces_and_with_dependent_equations(shape: tuple[int, ...], seed: int) -> None:
    # Payoffs in {-1, 0, 1} tie everywhere.  These games used to end "incomplete": a region touching a face
    # of the probability box held its equilibrium on the face (the first two), or the equations' gradients
    # vanished there, which stopped SLSQP at once ("singular matrix C"; the last two).
    payoffs = np.random.default_rng([len(shape), *shape, seed, 4]).integers(-1, 2, size=(len(shape), *shape))
    game = inc.Game.from_payoffs(payoffs.tolist())
    result = solve(game, "support-enumeration-n", max_seconds=None)  # completeness, not speed: no budget to miss
    assert result.status == "complete", result.notes
    assert all(oracle_regret(payoffs.astype(float), e.profile) < 1e-9 for e in result.equilibria)
    pure = {e.pure_indices() for e in solve(game, "pure").equilibria}
    assert pure <= {e.pure_indices() for e in result.pure}


def test_a_generic_game_has_no_unresolved_region_where_a_support_is_overdetermined() -> None:
    # Player 1 mixing four actions against two-action mixes has three indifference equations in two
    # unknowns: a generic game has no root there, but the curves nearly meet.  The coarse first search
    # of such a (singular everywhere) support left a region it could not resolve, so the result was
    # "incomplete"; the deeper second search excludes the near miss.  This game is within "all"'s limit.
    payoffs = np.random.default_rng([3, 4, 4, 4, 0]).normal(size=(3, 4, 4, 4))
    result = solve(inc.Game.from_payoffs(payoffs), "all")
    assert result.status == "complete", result.notes
    assert len(result.equilibria) % 2 == 1  # generic: an odd number
    assert all(oracle_regret(payoffs, e.profile) < 1e-9 for e in result.equilibria)


# -- sets of equilibria, each reported once ------------------------------------------------------


def test_indifferent_departments_make_one_two_dimensional_set_of_equilibria() -> None:
    # With customers_per_deal = 0 sales and operations are paid the same whatever they do, support and
    # development have strictly dominant actions: every sales mix x fast_close x rushed x every operations
    # mix is an equilibrium, one square (issue: four pure equilibria and no set were reported).
    text = Path("examples/growing_company.yaml").read_text(encoding="utf-8")
    org = inc.loads_model(text.replace("customers_per_deal: 100 ", "customers_per_deal: 0 "))
    game = inc.build_game(org)
    result = solve(game, "all")
    assert result.status == "complete" and len(result.pure) == 4
    (square,) = result.components
    assert square.dimension == 2
    assert square.support == ((0, 1), (1,), (1,), (0, 1))  # fast_close and rushed are each second
    assert "it holds 4 of the listed equilibria" in square.note
    rng = np.random.default_rng(0)
    for sales, operations in rng.uniform(size=(20, 2)):  # the oracle: any point of the square, by brute force
        profile = ([sales, 1 - sales], [0.0, 1.0], [0.0, 1.0], [operations, 1 - operations])
        assert oracle_regret(game.float_payoffs(), tuple(np.array(p) for p in profile)) <= 1e-9


@pytest.mark.parametrize("seed", [0, 32])
def test_pieces_of_one_set_in_a_three_player_game_are_joined(seed: int) -> None:
    # random integer games whose search meets one set as several pieces with the same support
    # (seed 32: three pieces of one curve) and at its ends (seed 0: an L of two segments)
    game = inc.Game.from_payoffs(np.random.default_rng(seed).integers(0, 3, size=(3, 2, 2, 2)))
    result = solve(game, "all")
    supports = [c.support for c in result.components]
    assert len(supports) == len(set(supports))  # no set twice
    for c in result.components:
        assert oracle_regret(game.float_payoffs(), tuple(np.asarray(p, float) for p in c.representative)) <= 1e-9
    # the listed equilibria the sets hold are never more than were listed (none counted in two sets)
    held = [int(c.note.split("it holds ")[1].split(" ")[0]) for c in result.components if "it holds" in c.note]
    assert sum(held) <= len(result)


def test_a_set_is_reported_alike_with_two_players_and_with_a_dummy_third() -> None:
    # the column player is indifferent when the row plays its first action: a segment of equilibria
    a = np.array([[2.0, 2.0], [0.0, 3.0]])
    b = np.array([[1.0, 1.0], [0.0, 2.0]])
    two = solve(inc.Game.from_bimatrix(a, b), "all")
    payoffs = np.zeros((3, 2, 2, 1))
    payoffs[0, :, :, 0], payoffs[1, :, :, 0] = a, b
    three = solve(inc.Game.from_payoffs(payoffs), "all")
    assert [c.dimension for c in two.components] == [c.dimension for c in three.components] == [1]
    assert [c.support[:2] for c in three.components] == [c.support for c in two.components]


def test_candidates_that_are_not_probabilities_are_dropped_with_a_note() -> None:
    # growing_company with development shipping 6e20 features when rushed: payoffs from 1e2 to 1e21, where the
    # search over the two players left after dominance returns a profile of NaNs (0/0 in floating point)
    import yaml

    data = yaml.safe_load(Path("examples/growing_company.yaml").read_text(encoding="utf-8"))
    data["departments"]["development"]["actions"]["rushed"]["features"] = 6e20
    game = inc.build_game(inc.Organization.from_dict(data)).to_float()
    result = inc.solve(game, "all", max_seconds=10)
    assert any("not finite numbers" in note for note in result.notes), result.notes
    assert all(e.regret <= result.tolerance for e in result)  # what is listed is verified
