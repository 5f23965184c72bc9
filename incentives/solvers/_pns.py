"""Support profiles in Porter-Nudelman-Shoham order, pruned by conditional dominance.

Definitions
-----------
A *size profile* ``(k_0, ..., k_{N-1})`` gives the number of actions each player
mixes over.  Porter, Nudelman and Shoham (2008, Algorithm 2) visit size profiles
by increasing total size, then by increasing imbalance ``max k - min k``, so that
small and balanced supports, where equilibria of most games lie, come first.

An action ``a`` of player ``i`` is *conditionally dominated* on a domain
``D = (D_0, ..., D_{N-1})`` of action sets when some action ``a'`` of player ``i``
pays strictly more than ``a`` against every profile of the others' actions in
``D``.  No equilibrium whose supports lie in ``D`` gives ``a`` positive
probability, so supports containing it are pruned.

Algorithm
---------
For each size profile, choose player 0's support, then player 1's, and so on
(backtracking).  After each choice, iterated removal of conditionally dominated
actions (IRSDS) runs on the domain made of the chosen supports and the union of
the remaining candidate supports of the players still to choose; a branch is cut
when a chosen support contains a dominated action or a player is left without
candidates.

References
----------
R. Porter, E. Nudelman and Y. Shoham, "Simple search methods for finding a Nash
equilibrium", *Games and Economic Behavior* 63(2), 642-662, 2008.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

__all__ = ["size_profiles", "support_profiles"]

Support = tuple[tuple[int, ...], ...]


def size_profiles(shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Every size profile of a game with ``shape`` actions, in Porter-Nudelman-Shoham order.

    Examples
    --------
    >>> size_profiles((2, 3))
    [(1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (2, 3)]
    """
    every = itertools.product(*(range(1, n + 1) for n in shape))
    return sorted(every, key=lambda sizes: (sum(sizes), max(sizes) - min(sizes), sizes))


def support_profiles(
    payoffs: np.ndarray, sizes: tuple[int, ...], cache: dict[tuple, set[int]] | None = None
) -> Iterator[Support]:
    """Support profiles of the given sizes that survive conditional dominance, in lexicographic order.

    Parameters
    ----------
    payoffs : numpy.ndarray
        Float payoffs of shape ``(N, n_0, ..., n_{N-1})``.
    sizes : tuple of int
        The size of each player's support.
    cache : dict or None
        Dominated actions already worked out for these ``payoffs``, keyed by player
        and the others' domains; pass the same dict for every size of one game, as
        the same domains recur across branches and sizes.

    Examples
    --------
    In the prisoner's dilemma, cooperating (action 0) is dominated, so the only
    pure support profile left is mutual defection, and no mixed one survives.

    >>> pd = np.array([[[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]]])
    >>> list(support_profiles(pd, (1, 1))), list(support_profiles(pd, (2, 2)))
    ([((1,), (1,))], [])
    """
    shape = payoffs.shape[1:]
    domains = [list(itertools.combinations(range(n), k)) for n, k in zip(shape, sizes, strict=True)]
    yield from _branch(payoffs, domains, 0, {} if cache is None else cache)


def _branch(
    payoffs: np.ndarray, domains: list[list[tuple[int, ...]]], player: int, cache: dict[tuple, set[int]]
) -> Iterator[Support]:
    if player == len(domains):
        yield tuple(d[0] for d in domains)
        return
    for choice in domains[player]:
        trial = [*domains[:player], [choice], *domains[player + 1 :]]
        reduced = _irsds(payoffs, trial, cache)
        if reduced is not None:
            yield from _branch(payoffs, reduced, player + 1, cache)


def _irsds(
    payoffs: np.ndarray, domains: list[list[tuple[int, ...]]], cache: dict[tuple, set[int]]
) -> list[list[tuple[int, ...]]] | None:
    """Iterated removal of conditionally dominated actions; None when some player has no support left."""
    changed = True
    while changed:
        changed = False
        unions = [sorted(set().union(*d)) for d in domains]
        for i in range(len(domains)):
            key = (i, *(tuple(u) for j, u in enumerate(unions) if j != i))  # the others' domain decides
            if key not in cache:
                cache[key] = _dominated(payoffs[i], unions, i)
            dominated = cache[key].intersection(unions[i])
            if not dominated:
                continue
            left = [s for s in domains[i] if dominated.isdisjoint(s)]
            if not left:
                return None
            if len(left) < len(domains[i]):
                domains = [*domains[:i], left, *domains[i + 1 :]]
                unions[i] = sorted(set().union(*left))
                changed = True
    return domains


def _dominated(payoff: np.ndarray, unions: list[list[int]], i: int) -> set[int]:
    """Player ``i``'s actions strictly dominated (by any of its actions) on the others' domain."""
    index = [range(payoff.shape[j]) if j == i else unions[j] for j in range(payoff.ndim)]
    table = np.moveaxis(payoff[np.ix_(*index)], i, 0).reshape(payoff.shape[i], -1)
    margins = (table[:, None, :] - table[None, :, :]).min(axis=2)  # [dominator, candidate]
    return set(np.flatnonzero(np.any(margins > 0, axis=0)).tolist())
