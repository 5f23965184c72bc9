"""Support profiles pruned by conditional dominance (``incentives.solvers._pns``).

Oracle: a brute-force enumeration in plain Python of every support profile of each size
profile, kept when no player's support holds an action that another of its actions beats
against every profile of the others' supports (Porter, Nudelman and Shoham 2008: such a
support profile holds no equilibrium).  The solver tests each profile against a table built
once per game; the oracle recomputes every comparison from the payoff array.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import incentives as inc
from incentives.solvers._pns import size_profiles, support_profiles, surviving_by_sizes


def brute_force(payoffs: np.ndarray, sizes: tuple[int, ...]) -> list[tuple[tuple[int, ...], ...]]:
    """Every support profile of ``sizes`` with no conditionally dominated action, in lexicographic order."""
    shape = payoffs.shape[1:]
    kept = []
    for profile in itertools.product(*(itertools.combinations(range(n), k) for n, k in zip(shape, sizes, strict=True))):
        if not any(_has_dominated_action(payoffs, profile, i) for i in range(len(shape))):
            kept.append(profile)
    return kept


def _has_dominated_action(payoffs: np.ndarray, profile: tuple[tuple[int, ...], ...], i: int) -> bool:
    others = [profile[j] for j in range(len(profile)) if j != i]
    for action in profile[i]:
        for better in range(payoffs.shape[1 + i]):
            beaten = True
            for rest in itertools.product(*others):
                mine, theirs = list(rest), list(rest)
                mine.insert(i, action)
                theirs.insert(i, better)
                if not payoffs[(i, *theirs)] > payoffs[(i, *mine)]:
                    beaten = False
                    break
            if beaten:
                return True
    return False


def _game(shape: tuple[int, ...], seed: int, tied: bool) -> np.ndarray:
    rng = np.random.default_rng([len(shape), *shape, seed])
    size = (len(shape), *shape)
    return rng.integers(-2, 3, size=size).astype(float) if tied else rng.normal(size=size)


@pytest.mark.parametrize("tied", [False, True])
@pytest.mark.parametrize("shape", [(2, 2, 2), (3, 3, 2), (3, 3, 3), (2, 2, 2, 2), (3, 2, 2, 2)])
def test_supports_are_exactly_those_without_a_conditionally_dominated_action(shape: tuple, tied: bool) -> None:
    for seed in range(3):
        payoffs = _game(shape, seed, tied)
        cache: dict = {}
        for sizes in size_profiles(shape):
            assert list(support_profiles(payoffs, sizes, cache)) == brute_force(payoffs, sizes), (seed, sizes)


@pytest.mark.parametrize("tied", [False, True])
@pytest.mark.parametrize("shape", [(2, 2, 2), (3, 3, 2), (3, 3, 3), (2, 2, 2, 2), (3, 2, 2, 2)])
def test_supports_tested_all_at_once_are_those_of_each_size_profile(shape: tuple, tied: bool) -> None:
    """The whole product tested at once gives, size profile by size profile, the brute force's supports
    in its order (and no group for a size profile the brute force leaves empty)."""
    for seed in range(3):
        payoffs = _game(shape, seed, tied)
        grouped = surviving_by_sizes(payoffs)
        assert grouped is not None
        for sizes in size_profiles(shape):
            assert grouped.get(sizes, []) == brute_force(payoffs, sizes), (seed, sizes)
        assert all(grouped.values())


def test_pruning_matters_and_every_equilibrium_lies_on_a_kept_support() -> None:
    """A game where most mixed support profiles are pruned: every equilibrium found (and verified by its
    regret) has a support that the pruning keeps, and the brute force agrees on what is kept."""
    payoffs = _game((3, 3, 3), 1, tied=False)
    kept, total = set(), 0
    for sizes in size_profiles((3, 3, 3)):
        found = list(support_profiles(payoffs, sizes))
        assert found == brute_force(payoffs, sizes)
        kept.update(found)
        total += len(list(itertools.product(*(itertools.combinations(range(3), k) for k in sizes))))
    assert len(kept) < total / 2  # the pruning removes most support profiles of this game
    result = inc.solve(inc.Game.from_payoffs(payoffs), "all")
    assert result.status == "complete" and len(result) >= 1
    for equilibrium in result:
        support = tuple(
            tuple(int(a) for a in np.flatnonzero(np.asarray(p, dtype=float) > 1e-9)) for p in equilibrium.profile
        )
        assert support in kept
