"""Two-player solvers: support enumeration, vertex enumeration and Lemke-Howson.

Every assertion is checked against an oracle that shares no code with the
package: a brute-force regret (pure deviations, exact where the game is), and a
brute-force list of extreme equilibria (every choice of ``m`` tight constraints
of each best-response polytope, solved by Cramer's rule over the rationals).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import nashpy
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import incentives as inc
from incentives.errors import DegenerateGameWarning, IncompleteSearchWarning, SolverError
from incentives.solvers.lemke_howson import lemke_howson
from incentives.solvers.registry import Budget

F = Fraction
METHODS = ("support-enumeration", "vertex-enumeration", "lemke-howson")
Key = tuple[tuple[Any, ...], tuple[Any, ...]]


# -- oracles ---------------------------------------------------------------------------


def solve(game: inc.Game, method: str, **kwargs: Any) -> inc.SolveResult:
    """``inc.solve`` without the degenerate/incomplete warnings (asserted separately)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateGameWarning)
        warnings.simplefilter("ignore", IncompleteSearchWarning)
        return inc.solve(game, method, **kwargs)


def oracle_regret(a: Sequence[Sequence[Any]], b: Sequence[Sequence[Any]], x: Sequence[Any], y: Sequence[Any]) -> Any:
    """Largest gain of a pure deviation, by explicit sums; also asserts x and y are distributions."""
    m, n = len(a), len(a[0])
    assert len(x) == m and len(y) == n
    assert min(x) >= 0 and min(y) >= 0
    assert abs(sum(x) - 1) <= 1e-9 and abs(sum(y) - 1) <= 1e-9
    rows = [sum(a[i][j] * y[j] for j in range(n)) for i in range(m)]
    cols = [sum(x[i] * b[i][j] for i in range(m)) for j in range(n)]
    return max(max(rows) - sum(x[i] * rows[i] for i in range(m)), max(cols) - sum(y[j] * cols[j] for j in range(n)))


def _det(matrix: list[list[Fraction]]) -> Fraction:
    size = len(matrix)
    total = Fraction(0)
    for perm in itertools.permutations(range(size)):
        inversions = sum(1 for i in range(size) for j in range(i + 1, size) if perm[i] > perm[j])
        term = Fraction(-1 if inversions % 2 else 1)
        for i in range(size):
            term *= matrix[i][perm[i]]
        total += term
    return total


def _cramer(matrix: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    det = _det(matrix)
    if det == 0:
        return None
    return [
        _det([[*row[:k], r, *row[k + 1 :]] for row, r in zip(matrix, rhs, strict=True)]) / det for k in range(len(rhs))
    ]


def _polytope_vertices(c: list[list[Fraction]]) -> dict[tuple[Fraction, ...], frozenset[tuple[str, int]]]:
    """Vertices of ``{z >= 0, c z <= 1}`` with their labels ``("z", i)`` (z_i = 0) and ``("c", j)`` (row j tight)."""
    r, d = len(c), len(c[0])
    constraints = [([F(-1) if t == i else F(0) for t in range(d)], F(0), ("z", i)) for i in range(d)]
    constraints += [(list(c[j]), F(1), ("c", j)) for j in range(r)]
    out = {}
    for subset in itertools.combinations(constraints, d):
        z = _cramer([row for row, _, _ in subset], [rhs for _, rhs, _ in subset])
        if z is None or min(z) < 0 or any(sum(v * w for v, w in zip(row, z, strict=True)) > 1 for row in c):
            continue
        out[tuple(z)] = frozenset(
            lab for row, rhs, lab in constraints if sum(v * w for v, w in zip(row, z, strict=True)) == rhs
        )
    return out


def oracle_extreme_equilibria(a: list[list[int]], b: list[list[int]]) -> tuple[set[Key], bool]:
    """Every extreme equilibrium (exact) of a small integer game, and whether the game is degenerate."""
    m, n = len(a), len(a[0])
    low_a, low_b = min(map(min, a)), min(map(min, b))
    p = _polytope_vertices([[F(b[i][j] - low_b + 1) for i in range(m)] for j in range(n)])
    q = _polytope_vertices([[F(v - low_a + 1) for v in row] for row in a])
    p_labels = {x: {i if kind == "z" else m + i for kind, i in labels} for x, labels in p.items()}
    q_labels = {y: {i if kind == "c" else m + i for kind, i in labels} for y, labels in q.items()}
    equilibria = {
        (tuple(v / sum(x) for v in x), tuple(v / sum(y) for v in y))
        for x, lx in p_labels.items()
        for y, ly in q_labels.items()
        if any(x) and any(y) and len(lx | ly) == m + n
    }
    degenerate = any(len(v) > m for v in p_labels.values()) or any(len(v) > n for v in q_labels.values())
    return equilibria, degenerate


def exact_set(result: inc.SolveResult) -> set[Key]:
    """Equilibria of an exact result as tuples of Fractions (fails if any is not exact)."""
    assert all(isinstance(p, Fraction) for e in result for vec in e.profile for p in vec)
    return {(tuple(e.profile[0]), tuple(e.profile[1])) for e in result}


def float_set(profiles: Any, digits: int = 6) -> set[tuple[float, ...]]:
    """Profiles as rounded float tuples, for comparing floating-point results."""
    return {tuple(np.round(np.concatenate([np.asarray(p, dtype=float) for p in prof]), digits)) for prof in profiles}


def profiles_of(result: inc.SolveResult) -> list[tuple[np.ndarray, ...]]:
    return [e.profile for e in result]


def random_game(rng: np.random.Generator, m: int, n: int) -> inc.Game:
    """A random game with continuous payoffs: non-degenerate with probability one."""
    return inc.Game.from_bimatrix(rng.standard_normal((m, n)), rng.standard_normal((m, n)))


small_sizes = st.tuples(st.integers(1, 4), st.integers(1, 4))


@st.composite
def integer_games(draw: st.DrawFn, low: int = -3, high: int = 3) -> tuple[list[list[int]], list[list[int]]]:
    """Small integer bimatrix games; most are degenerate."""
    m, n = draw(small_sizes)
    entries = st.lists(st.lists(st.integers(low, high), min_size=n, max_size=n), min_size=m, max_size=m)
    return draw(entries), draw(entries)


# -- known answers -----------------------------------------------------------------------

PD = ([[3, 0], [5, 1]], [[3, 5], [0, 1]])
BOS = ([[2, 0], [0, 1]], [[1, 0], [0, 2]])
MP = ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
RPS = ([[0, -1, 1], [1, 0, -1], [-1, 1, 0]], [[0, 1, -1], [-1, 0, 1], [1, -1, 0]])
# von Stengel (2002), Figure 2.1: a non-degenerate 3 x 2 game with three equilibria.
VON_STENGEL = ([[3, 3], [2, 5], [0, 6]], [[3, 2], [2, 6], [3, 1]])
# von Stengel (2002), section 2.6: the same game made degenerate; the top row has two best responses.
VON_STENGEL_DEGENERATE = ([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]])

KNOWN = {
    "prisoners-dilemma": (PD, {((F(0), F(1)), (F(0), F(1)))}),
    "battle-of-the-sexes": (
        BOS,
        {
            ((F(1), F(0)), (F(1), F(0))),
            ((F(0), F(1)), (F(0), F(1))),
            ((F(2, 3), F(1, 3)), (F(1, 3), F(2, 3))),
        },
    ),
    "matching-pennies": (MP, {((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2)))}),
    "rock-paper-scissors": (RPS, {((F(1, 3),) * 3, (F(1, 3),) * 3)}),
    "von-stengel-3x2": (
        VON_STENGEL,
        {
            ((F(1), F(0), F(0)), (F(1), F(0))),
            ((F(4, 5), F(1, 5), F(0)), (F(2, 3), F(1, 3))),
            ((F(0), F(1, 3), F(2, 3)), (F(1, 3), F(2, 3))),
        },
    ),
}


@pytest.mark.parametrize("method", ["support-enumeration", "vertex-enumeration"])
@pytest.mark.parametrize("name", sorted(KNOWN))
def test_complete_methods_find_exactly_the_known_equilibria(name: str, method: str) -> None:
    (a, b), expected = KNOWN[name]
    result = solve(inc.Game.from_bimatrix(a, b), method)
    assert exact_set(result) == expected
    assert result.status == "complete"
    assert result.degenerate is False
    assert not result.rejected


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", sorted(KNOWN))
def test_float_games_give_the_known_equilibria_as_floats(name: str, method: str) -> None:
    (a, b), expected = KNOWN[name]
    game = inc.Game.from_bimatrix(np.array(a, dtype=float), np.array(b, dtype=float))
    result = solve(game, method)
    assert all(vec.dtype == np.float64 for e in result for vec in e.profile)
    found = float_set(profiles_of(result))
    if method == "lemke-howson":
        assert found and found <= float_set(expected)
    else:
        assert found == float_set(expected)


@pytest.mark.parametrize("name", ["prisoners-dilemma", "matching-pennies", "rock-paper-scissors"])
def test_lemke_howson_finds_a_unique_equilibrium(name: str) -> None:
    (a, b), expected = KNOWN[name]
    result = solve(inc.Game.from_bimatrix(a, b), "lemke-howson")
    assert exact_set(result) == expected
    assert result.status == "incomplete"
    assert any("subset" in note for note in result.notes)


def test_battle_of_the_sexes_mixed_equilibrium_is_exact() -> None:
    result = solve(inc.Game.from_bimatrix(*BOS), "all")
    mixed = [e for e in result if not e.is_pure]
    assert len(mixed) == 1
    assert mixed[0].profile[0].tolist() == [F(2, 3), F(1, 3)]
    assert mixed[0].profile[1].tolist() == [F(1, 3), F(2, 3)]
    assert mixed[0].regret == 0


@pytest.mark.parametrize("method", METHODS)
def test_exact_games_give_fraction_probabilities(method: str) -> None:
    result = solve(inc.Game.from_bimatrix(*VON_STENGEL), method)
    assert len(result) >= 1
    for e in result:
        assert all(vec.dtype == object and all(isinstance(p, Fraction) for p in vec) for vec in e.profile)
        assert oracle_regret(*VON_STENGEL, *e.profile) == 0


# -- degenerate games ------------------------------------------------------------------------


def test_all_reports_every_extreme_equilibrium_of_a_component_and_flags_degeneracy() -> None:
    game = inc.Game.from_bimatrix([[1, 1], [0, 0]], [[1, 1], [0, 0]])
    with pytest.warns(DegenerateGameWarning):
        result = inc.solve(game, "all")
    assert result.degenerate is True
    assert result.status == "complete"
    assert exact_set(result) == {((F(1), F(0)), (F(1), F(0))), ((F(1), F(0)), (F(0), F(1)))}
    assert exact_set(solve(game, "vertex-enumeration")) == exact_set(result)


def test_von_stengel_degenerate_game_gives_the_component_ends() -> None:
    a, b = VON_STENGEL_DEGENERATE
    result = solve(inc.Game.from_bimatrix(a, b), "all")
    expected = {
        ((F(1), F(0), F(0)), (F(1), F(0))),
        ((F(1), F(0), F(0)), (F(2, 3), F(1, 3))),
        ((F(0), F(1, 3), F(2, 3)), (F(1, 3), F(2, 3))),
    }
    assert exact_set(result) == expected == oracle_extreme_equilibria(a, b)[0]
    assert result.degenerate is True


@pytest.mark.parametrize("exact", [True, False])
def test_support_enumeration_on_a_degenerate_game_terminates_incomplete(exact: bool) -> None:
    a, b = VON_STENGEL_DEGENERATE
    game = inc.Game.from_bimatrix(a, b) if exact else inc.Game.from_bimatrix(np.array(a, float), np.array(b, float))
    result = solve(game, "support-enumeration")
    assert result.status == "incomplete"
    assert result.degenerate is True
    assert any("vertex-enumeration" in note for note in result.notes)
    assert all(oracle_regret(a, b, *e.profile) <= 1e-9 for e in result)


def test_zero_game_has_every_pure_profile_as_extreme_equilibrium() -> None:
    zero = [[0] * 4 for _ in range(3)]
    result = solve(inc.Game.from_bimatrix(zero, zero), "vertex-enumeration")
    assert len(result) == 12 and all(e.is_pure for e in result)
    assert result.degenerate is True


# -- properties against the oracles ------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(integer_games())
def test_vertex_enumeration_equals_brute_force_extreme_equilibria(game: tuple) -> None:
    a, b = game
    expected, degenerate = oracle_extreme_equilibria(a, b)
    result = solve(inc.Game.from_bimatrix(a, b), "vertex-enumeration")
    assert exact_set(result) == expected
    assert result.degenerate is degenerate
    assert result.status == "complete" and not result.rejected
    floats = solve(inc.Game.from_bimatrix(np.array(a, float), np.array(b, float)), "vertex-enumeration")
    assert float_set(profiles_of(floats)) == float_set(expected)
    assert floats.degenerate is degenerate


def test_vertex_enumeration_skips_singular_bases_in_floating_point() -> None:
    # Column 2 of B is the average of columns 0 and 1, so a basis holding all three tight is
    # singular yet consistent; after scaling, rounding hides the singularity from numpy, and the
    # basis solution would be a point of an edge, not a vertex (a non-extreme "equilibrium").
    rng = np.random.default_rng(7)
    for _ in range(120):
        m = int(rng.integers(1, 5))
        a = rng.integers(-3, 4, (m, 3)).tolist()
        b = [[2 * u, 2 * v, u + v] for u, v in rng.integers(-3, 4, (m, 2)).tolist()]
        expected, degenerate = oracle_extreme_equilibria(a, b)
        for scale in (1.0, 0.37, 3.1):
            floats = inc.Game.from_bimatrix(np.array(a) * scale + 0.1, np.array(b) * scale - 0.3)
            result = solve(floats, "vertex-enumeration")
            assert float_set(profiles_of(result)) == float_set(expected)
            assert result.degenerate is degenerate


@settings(max_examples=100, deadline=None)
@given(integer_games())
def test_support_enumeration_and_lemke_howson_against_the_oracle(game: tuple) -> None:
    a, b = game
    expected, degenerate = oracle_extreme_equilibria(a, b)
    support = solve(inc.Game.from_bimatrix(a, b), "support-enumeration")
    assert support.degenerate is degenerate
    if degenerate:
        assert support.status == "incomplete"
        assert all(oracle_regret(a, b, *e.profile) == 0 for e in support)
    else:
        assert exact_set(support) == expected and support.status == "complete"
    lemke = solve(inc.Game.from_bimatrix(a, b), "lemke-howson")
    assert 1 <= len(lemke) and exact_set(lemke) <= expected
    assert lemke.degenerate in (None, degenerate)


@settings(max_examples=40, deadline=None)
@given(integer_games(), st.sampled_from(METHODS))
def test_every_reported_equilibrium_has_zero_brute_force_regret(game: tuple, method: str) -> None:
    a, b = game
    for e in solve(inc.Game.from_bimatrix(a, b), method):
        assert oracle_regret(a, b, *e.profile) == 0
    for e in solve(inc.Game.from_bimatrix(np.array(a, float), np.array(b, float)), method):
        assert oracle_regret(a, b, *e.profile) <= 1e-9


@settings(max_examples=40, deadline=None)
@given(
    integer_games(),
    st.sampled_from([F(1, 3), F(1), F(5, 2)]),
    st.sampled_from([F(-7), F(0), F(3, 4)]),
    st.sampled_from([F(1, 2), F(4)]),
    st.sampled_from([F(-1), F(2)]),
    st.sampled_from(METHODS),
)
def test_equilibria_invariant_under_positive_affine_payoff_maps(
    game: tuple, scale_a: Fraction, shift_a: Fraction, scale_b: Fraction, shift_b: Fraction, method: str
) -> None:
    a, b = game
    original = solve(inc.Game.from_bimatrix(a, b), method)
    mapped_a = [[scale_a * v + shift_a for v in row] for row in a]
    mapped_b = [[scale_b * v + shift_b for v in row] for row in b]
    mapped = solve(inc.Game.from_bimatrix(mapped_a, mapped_b), method)
    assert exact_set(mapped) == exact_set(original)
    assert mapped.degenerate == original.degenerate


@settings(max_examples=40, deadline=None)
@given(integer_games(), st.randoms(use_true_random=False), st.sampled_from(METHODS[:2]))
def test_equilibria_follow_permuted_actions_and_swapped_players(game: tuple, rnd: Any, method: str) -> None:
    a, b = game
    m, n = len(a), len(a[0])
    rows, cols = rnd.sample(range(m), m), rnd.sample(range(n), n)
    original = exact_set(solve(inc.Game.from_bimatrix(a, b), method))
    permuted = solve(inc.Game.from_bimatrix(*[[[mat[i][j] for j in cols] for i in rows] for mat in (a, b)]), method)
    expected = {(tuple(x[i] for i in rows), tuple(y[j] for j in cols)) for x, y in original}
    assert exact_set(permuted) == expected
    transposed = [[[mat[i][j] for i in range(m)] for j in range(n)] for mat in (b, a)]
    swapped = solve(inc.Game.from_bimatrix(*transposed), method)
    assert exact_set(swapped) == {(y, x) for x, y in original}


# -- random non-degenerate games -----------------------------------------------------------


@pytest.mark.parametrize("k", [2, 3, 4, 5, 6])
def test_methods_agree_on_random_nondegenerate_games(k: int) -> None:
    rng = np.random.default_rng(2002 + k)
    for _ in range(8):
        game = random_game(rng, k, k)
        vertex = solve(game, "vertex-enumeration")
        support = solve(game, "support-enumeration")
        lemke = solve(game, "lemke-howson")
        found = float_set(profiles_of(vertex))
        assert float_set(profiles_of(support)) == found
        assert len(found) == len(vertex) and len(found) % 2 == 1
        assert float_set(profiles_of(lemke)) <= found and len(lemke) >= 1
        assert vertex.degenerate is False and support.degenerate is False and lemke.degenerate is None
        assert vertex.status == support.status == "complete"
        assert not (vertex.rejected or support.rejected or lemke.rejected)
        a, b = game.payoffs
        assert float_set(nashpy.Game(a, b).vertex_enumeration()) == found
        for e in vertex:
            assert oracle_regret(a, b, *e.profile) <= 1e-9


def test_support_enumeration_finds_what_a_sign_check_without_tolerance_misses() -> None:
    # nashpy 0.0.43's support enumeration returns no equilibrium at all on this 8 x 8 game.
    rng = np.random.default_rng(0)
    game = random_game(rng, 8, 8)
    support, vertex = solve(game, "support-enumeration"), solve(game, "vertex-enumeration")
    assert len(support) == 3
    assert float_set(profiles_of(support)) == float_set(profiles_of(vertex))


def test_support_and_vertex_enumeration_are_fast_on_8x8() -> None:
    game = random_game(np.random.default_rng(8), 8, 8)
    for method in ("support-enumeration", "vertex-enumeration"):
        result = solve(game, method)
        assert result.seconds < 1.0  # nashpy 0.0.43's support enumeration takes seconds
        assert len(result) % 2 == 1


# -- Lemke-Howson termination and budgets ----------------------------------------------------------

# A random 6 x 6 game (numpy.random.default_rng(5)) on which nashpy 0.0.43's Lemke-Howson,
# dropping label 11, pivots forever.
LOOP_A = np.array(
    """
0.22141604383439378 0.9998304445276331 1.1592841922612263 2.320032561235013 -1.3723599051638742 -0.013785125437243632
1.0572185971246792 -1.1914668744218657 -1.340640938265793 0.2168166365317877 1.0876883397547206 1.2406552390816776
-1.6978177175038422 -1.1518146074499096 -0.06735824086173853 -0.4867784758753965 0.33945675195516584 0.15675535674547536
1.7359110240682145 -0.03344245520836803 0.20497274176700866 0.1019629089537021 1.1016439719371758 -1.0495768502805989
0.4038074180437287 -0.7196693124627012 -1.3453354220650022 1.1762868527500996 0.5426834132063217 1.390468251004086
0.28276550720549054 0.6671103167123836 0.1693731609500687 0.591748375812899 -0.3609093744289301 1.7016025243391555
    """.split(),
    dtype=float,
).reshape(6, 6)
LOOP_B = np.array(
    """
-0.8201969987485483 1.7057604227119392 -0.1485859620526797 0.892176926199896 0.1808047362323036 0.48228553424647513
1.4990305072300323 0.18873841932208604 -0.8698955250802021 0.28480095562091245 0.6849272083111604 -2.3436743704044205
1.005519988231611 1.1186067883318345 -1.6757684618477942 -0.09786126884998053 0.8562725474733723 -1.079271150493512
-0.3587975815314989 -0.2795021018962309 0.6004593479606496 1.1436135261476181 0.022949778359614842 0.11536831768857238
0.9619436868261118 0.5853611550534336 -0.05394911226220121 1.3585437484020153 -1.3352926420597546 0.20206536712334885
-0.3604046564861119 -0.4424982088183314 0.2463545422981459 0.08954466487739011 2.46690278881854 0.6843624219290668
    """.split(),
    dtype=float,
).reshape(6, 6)


def test_lemke_howson_terminates_from_every_label_of_a_6x6_game() -> None:
    game = inc.Game.from_bimatrix(LOOP_A, LOOP_B)
    budget = Budget(max_seconds=30.0, max_iterations=100_000)
    output = lemke_howson(game, tol=1e-9, budget=budget)
    assert output.status == "incomplete"  # every path ended: neither the budget nor a pivot cap stopped it
    assert not any("abandoned" in note for note in output.notes)
    assert budget.iterations < 2_000
    assert len(output.profiles) >= 1
    for x, y in output.profiles:
        assert x.shape == (6,) and y.shape == (6,)
        assert np.all(np.isfinite(x)) and np.all(np.isfinite(y))
        assert oracle_regret(LOOP_A.tolist(), LOOP_B.tolist(), x, y) <= 1e-9
    vertex = solve(game, "vertex-enumeration")
    assert float_set(output.profiles) <= float_set(profiles_of(vertex))


def test_lemke_howson_stops_on_its_budget_with_what_it_found() -> None:
    game = random_game(np.random.default_rng(11), 7, 7)
    result = solve(game, "lemke-howson", max_iterations=3)
    assert result.status == "budget_exhausted"
    assert not result.rejected


@pytest.mark.parametrize("method", ["support-enumeration", "vertex-enumeration"])
def test_enumeration_stops_on_its_budget(method: str) -> None:
    game = random_game(np.random.default_rng(12), 5, 5)
    result = solve(game, method, max_iterations=10)  # vertex enumeration solves one basis per vertex: ~36 here
    assert result.status == "budget_exhausted"
    assert result.degenerate is None  # an unfinished search cannot tell
    assert not result.rejected


def test_support_enumeration_refuses_games_with_too_many_support_pairs() -> None:
    zero = np.zeros((13, 13))
    with pytest.raises(SolverError, match=r"C\(26, 13\) = 10,400,600 bases"):
        inc.solve(inc.Game.from_bimatrix(zero, zero), "support-enumeration")


def test_vertex_enumeration_has_no_size_ceiling() -> None:
    # every mixture of the all-zero game is an equilibrium: the extreme ones are the pure profiles
    zero = np.zeros((13, 13))
    result = solve(inc.Game.from_bimatrix(zero, zero), "vertex-enumeration")
    assert result.status == "complete" and result.degenerate is True
    assert len(result) == 13 * 13 and all(e.is_pure for e in result)


@pytest.mark.parametrize("method", METHODS)
def test_two_player_methods_refuse_other_games(method: str) -> None:
    game = inc.Game.from_payoffs(np.zeros((3, 2, 2, 2)))
    with pytest.raises(SolverError):
        inc.solve(game, method)
