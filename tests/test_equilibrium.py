"""The vectorised check of many candidate equilibria against the one-at-a-time check it replaces in solve()."""

from __future__ import annotations

from fractions import Fraction as F
from typing import Any

import numpy as np
import pytest

import incentives as inc
from incentives.equilibrium import make_equilibria, make_equilibrium
from incentives.solvers.registry import Budget, _verify


def random_profiles(rng: np.random.Generator, shape: tuple[int, ...], count: int) -> list[tuple[np.ndarray, ...]]:
    """Mixed, pure and invalid profiles (negative entries, sums other than one): the regret must count them all."""
    out = []
    for k in range(count):
        profile = []
        for n in shape:
            if k % 4 == 0:
                vector = np.eye(n)[rng.integers(n)]
            elif k % 4 == 1:
                vector = rng.normal(size=n)  # not a probability vector
            else:
                vector = rng.dirichlet(np.ones(n))
            profile.append(vector)
        out.append(tuple(profile))
    return out


@pytest.mark.parametrize("shape", [(1, 3), (2, 2), (3, 5), (6, 4)])
@pytest.mark.parametrize("valued", [False, True])
def test_the_vectorised_pass_gives_make_equilibrium_for_every_profile(shape: tuple[int, int], valued: bool) -> None:
    rng = np.random.default_rng([*shape, valued])
    game = inc.Game(
        players=("row", "column"),
        actions=tuple(tuple(f"a{i}" for i in range(n)) for n in shape),
        payoffs=rng.normal(scale=5.0, size=(2, *shape)),
        company_value=rng.normal(size=shape) if valued else None,
    )
    profiles = random_profiles(rng, shape, 12)
    batch = make_equilibria(game, profiles)
    assert len(batch) == len(profiles)
    for profile, found in zip(profiles, batch, strict=True):
        alone = make_equilibrium(game, profile)
        for mine, theirs in zip(found.profile, alone.profile, strict=True):
            assert np.array_equal(mine, theirs) and not mine.flags.writeable
        assert np.allclose(found.payoffs, alone.payoffs, rtol=1e-12, atol=1e-12) and not found.payoffs.flags.writeable
        assert found.regret == pytest.approx(alone.regret, rel=1e-12, abs=1e-12)
        assert found.company_value == (None if not valued else pytest.approx(alone.company_value, rel=1e-12))
    assert any(float(e.regret) > 0 for e in batch)  # the invalid profiles are not let off


def test_other_games_and_profiles_go_one_at_a_time() -> None:
    exact = inc.Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    half = (np.array([F(1, 2), F(1, 2)], dtype=object),) * 2
    assert [e.regret for e in make_equilibria(exact, [half])] == [F(0)]
    three = inc.Game.from_payoffs(np.random.default_rng(1).normal(size=(3, 2, 2, 2)))
    profile = tuple(np.array([0.25, 0.75]) for _ in range(3))
    assert make_equilibria(three, [profile])[0].regret == make_equilibrium(three, profile).regret
    with pytest.raises(ValueError, match="must have 2 entries"):  # a wrong shape gets as_profile's error
        make_equilibria(exact.to_float(), [(np.ones(3) / 3, np.ones(2) / 2)])


def one_at_a_time(game: inc.Game, profiles: list[tuple[np.ndarray, ...]], tol: float) -> tuple[list, list, int]:
    """The check solve() made before it was vectorised: the oracle for the order, merging and dropping."""
    accepted: dict[bytes, inc.Equilibrium] = {}
    rejected: dict[bytes, inc.Equilibrium] = {}
    finite = [p for p in profiles if all(np.isfinite(x).all() for x in p)]
    for profile in finite:
        key = (np.round(np.concatenate(profile), 7) + 0.0).tobytes()
        if key in accepted or key in rejected:
            continue
        candidate = make_equilibrium(game, profile)
        (accepted if candidate.regret <= tol else rejected)[key] = candidate
    ordered = sorted(accepted.values(), key=lambda e: (not e.is_pure, tuple(-float(x) for p in e.profile for x in p)))
    return ordered, list(rejected.values()), len(profiles) - len(finite)


def test_solves_check_merges_duplicates_drops_what_is_not_finite_and_lists_pure_equilibria_first() -> None:
    # Battle of the sexes: two pure equilibria and a mixed one, each offered twice (once off by 1e-9),
    # with profiles that are not equilibria and one that is not a finite number
    game = inc.Game.from_bimatrix([[3.0, 0.0], [0.0, 2.0]], [[2.0, 0.0], [0.0, 3.0]])
    mixed = (np.array([0.6, 0.4]), np.array([0.4, 0.6]))
    pure = [(np.array([0.0, 1.0]), np.array([0.0, 1.0])), (np.array([1.0, 0.0]), np.array([1.0, 0.0]))]
    wrong = [(np.array([1.0, 0.0]), np.array([0.0, 1.0])), (np.array([0.5, 0.5]), np.array([0.5, 0.5]))]
    nan = (np.array([np.nan, 1.0]), np.array([0.5, 0.5]))
    nudged = (mixed[0] + np.array([1e-9, -1e-9]), mixed[1])
    profiles = [mixed, wrong[0], *pure, nan, nudged, pure[0], wrong[1], wrong[0]]
    accepted, rejected, left, dropped = _verify(game, profiles, 1e-9, Budget())
    expected = one_at_a_time(game, profiles, 1e-9)
    assert [[p.tolist() for p in e.profile] for e in accepted] == [[p.tolist() for p in e.profile] for e in expected[0]]
    assert [[p.tolist() for p in e.profile] for e in accepted] == [
        [[1.0, 0.0], [1.0, 0.0]],
        [[0.0, 1.0], [0.0, 1.0]],
        [[0.6, 0.4], [0.4, 0.6]],
    ]
    assert [[p.tolist() for p in e.profile] for e in rejected] == [[p.tolist() for p in e.profile] for e in expected[1]]
    assert len(rejected) == 2 and dropped == expected[2] == 1 and left == 0
    result = inc.solve(game, "all")
    assert [[p.tolist() for p in e.profile] for e in result][:2] == [[[1.0, 0.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]]


def _battle_candidates() -> tuple[inc.Game, list[tuple[np.ndarray, np.ndarray]]]:
    """Battle of the sexes and eight candidates: its three equilibria (two repeated), a wrong profile twice, a NaN."""
    game = inc.Game.from_bimatrix([[3.0, 0.0], [0.0, 2.0]], [[2.0, 0.0], [0.0, 3.0]])
    mixed = (np.array([0.6, 0.4]), np.array([0.4, 0.6]))
    pure = [(np.array([0.0, 1.0]), np.array([0.0, 1.0])), (np.array([1.0, 0.0]), np.array([1.0, 0.0]))]
    wrong = (np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    nan = (np.array([np.nan, 1.0]), np.array([0.5, 0.5]))
    return game, [mixed, wrong, pure[0], mixed, pure[1], nan, pure[0], wrong]


@pytest.mark.parametrize("stride", [1, 3, 64])
def test_batches_of_any_size_give_the_same_check_and_stop_at_the_limit_where_it_is_reached(
    stride: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import incentives.solvers.registry as registry

    game, profiles = _battle_candidates()
    monkeypatch.setattr(registry, "_VERIFY_STRIDE", stride)
    accepted, rejected, left, dropped = _verify(game, profiles, 1e-9, Budget())
    assert [len(accepted), len(rejected), left, dropped] == [3, 1, 0, 1]  # duplicates merged across batches
    monkeypatch.setattr(registry, "MAX_EQUILIBRIA", 2)
    accepted, rejected, left, dropped = _verify(game, profiles, 1e-9, Budget())
    # the second equilibrium is candidate 2: the five after it are left unchecked (the one not finite is not counted)
    assert [[p.tolist() for p in e.profile] for e in accepted] == [[[0.0, 1.0], [0.0, 1.0]], [[0.6, 0.4], [0.4, 0.6]]]
    assert [len(rejected), left, dropped] == [1, 5, 0]


@pytest.mark.parametrize("stride", [1, 3, 64])
@pytest.mark.parametrize("limit", [2, 1000])
def test_candidates_as_rows_of_one_array_are_checked_exactly_as_a_list_of_profiles(
    stride: int, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import incentives.solvers.registry as registry
    from incentives.equilibrium import ProfileRows

    game, profiles = _battle_candidates()
    rows = ProfileRows(np.array([np.concatenate(p) for p in profiles]), 2)
    monkeypatch.setattr(registry, "_VERIFY_STRIDE", stride)
    monkeypatch.setattr(registry, "MAX_EQUILIBRIA", limit)

    def described(found: tuple[Any, ...]) -> list[Any]:
        accepted, rejected, left, dropped = found
        listed = [
            [(e.profile[0].tolist(), e.profile[1].tolist(), e.regret) for e in side] for side in (accepted, rejected)
        ]
        return [*listed, left, dropped]

    assert described(_verify(game, rows, 1e-9, Budget())) == described(_verify(game, profiles, 1e-9, Budget()))
    assert len(rows[1:3]) == 2 and [p.tolist() for p in rows.take([2])[0]] == [[0.0, 1.0], [0.0, 1.0]]
