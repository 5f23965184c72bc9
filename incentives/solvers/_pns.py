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
Porter, Nudelman and Shoham choose player 0's support, then player 1's, and so
on (backtracking), running iterated removal of conditionally dominated actions
(IRSDS) after each choice on the chosen supports and the unions of the others'
remaining candidates.  Domination against a larger domain implies domination
against a smaller one, so a support profile ``S`` survives that search exactly
when no player's support holds an action dominated against the others' supports
``S_{-i}``.  Here that test is applied to each support profile directly, after
one IRSDS at the root has removed the candidates no branch keeps:

1. IRSDS on the domain of all candidate supports of each size.
2. Every profile of the remaining candidates, in lexicographic order, is kept
   when for every player ``i`` its support avoids the actions dominated against
   ``S_{-i}`` (looked up per ``(i, S_{-i})``, computed once per game).

The profiles and their order are those of the backtracking search; the test
against each ``S_{-i}`` is one minimum over a precomputed table of payoff
differences.

References
----------
R. Porter, E. Nudelman and Y. Shoham, "Simple search methods for finding a Nash
equilibrium", *Games and Economic Behavior* 63(2), 642-662, 2008.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from functools import cache
from typing import Any

import numpy as np

__all__ = ["size_profiles", "support_profiles", "surviving_by_sizes"]

#: Largest table of dominated actions (others' support profiles times payoff margins) built at once.
_TABLE_ENTRIES = 2**22

#: Largest product of candidate supports tested at once with the tables.
_PRODUCT = 2**16

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
    payoffs: np.ndarray, sizes: tuple[int, ...], cache: dict[tuple, Any] | None = None
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
        the same domains recur across sizes.

    Examples
    --------
    In the prisoner's dilemma, cooperating (action 0) is dominated, so the only
    pure support profile left is mutual defection, and no mixed one survives.

    >>> pd = np.array([[[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]]])
    >>> list(support_profiles(pd, (1, 1))), list(support_profiles(pd, (2, 2)))
    ([((1,), (1,))], [])
    """
    shape = payoffs.shape[1:]
    cache = {} if cache is None else cache
    domains = [list(itertools.combinations(range(n), k)) for n, k in zip(shape, sizes, strict=True)]
    reduced = _irsds(payoffs, domains, cache)
    if reduced is None:
        return
    count = len(shape)
    tables = [_dominated_table(payoffs, i, cache) for i in range(count)]
    if all(t is not None for t in tables) and math.prod(len(d) for d in reduced) <= _PRODUCT:
        yield from _surviving_product(reduced, tables, shape)  # type: ignore[arg-type]
        return
    for profile in itertools.product(*reduced):
        if all(_survives(payoffs, profile, i, cache) for i in range(count)):
            yield profile


def surviving_by_sizes(
    payoffs: np.ndarray, cache: dict[tuple, Any] | None = None
) -> dict[tuple[int, ...], list[Support]] | None:
    """Every support profile that survives conditional dominance, grouped by size profile, tested all at once.

    Each group holds the profiles :func:`support_profiles` gives for its sizes, in the same order
    (a size profile with none is absent).  One test over the whole product of every player's
    candidate supports replaces one search per size profile: on small games the fixed cost of a
    search, not its work, is what counts.  None when the product or a dominated-action table is too
    large to build at once (then search size profile by size profile).

    Parameters
    ----------
    payoffs : numpy.ndarray
        Float payoffs of shape ``(N, n_0, ..., n_{N-1})``.
    cache : dict or None
        As for :func:`support_profiles` (the same dict may serve both).

    Examples
    --------
    >>> pd = np.array([[[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]]])
    >>> surviving_by_sizes(pd)
    {(1, 1): [((1,), (1,))]}
    """
    shape = payoffs.shape[1:]
    cache = {} if cache is None else cache
    if math.prod(2**n - 1 for n in shape) > _PRODUCT:
        return None
    tables = [_dominated_table(payoffs, i, cache) for i in range(len(shape))]
    if any(t is None for t in tables):
        return None
    # each player's candidate supports by size, then lexicographically: within one size profile the
    # lexicographic order of the whole product is the order of the product of that size's combinations
    candidates = [[s for k in range(1, n + 1) for s in itertools.combinations(range(n), k)] for n in shape]
    picks = np.indices(tuple(len(c) for c in candidates)).reshape(len(shape), -1)
    masks = [
        np.array([sum(1 << a for a in s) for s in c], dtype=np.int64)[p] for c, p in zip(candidates, picks, strict=True)
    ]
    keep = np.ones(picks.shape[1], dtype=bool)
    for i, table in enumerate(tables):
        code = np.zeros(len(keep), dtype=np.int64)
        for j, n in enumerate(shape):
            if j != i:
                code = (code << n) | masks[j]
        keep &= (table[code] & masks[i]) == 0  # type: ignore[index]
    out: dict[tuple[int, ...], list[Support]] = {}
    for row in picks[:, keep].T.tolist():
        support = tuple(c[p] for c, p in zip(candidates, row, strict=True))
        out.setdefault(tuple(len(s) for s in support), []).append(support)
    return out


def _surviving_product(
    domains: list[list[tuple[int, ...]]], tables: list[np.ndarray], shape: tuple[int, ...]
) -> Iterator[Support]:
    """:func:`_survives` for every profile of the domains at once, from the players' dominated-action tables."""
    masks = [np.array([sum(1 << a for a in s) for s in d], dtype=np.int64) for d in domains]
    picks = list(np.indices(tuple(len(d) for d in domains)).reshape(len(domains), -1))  # lexicographic order
    chosen = [m[p] for m, p in zip(masks, picks, strict=True)]  # each player's support, as a bit mask
    keep = np.ones(len(picks[0]), dtype=bool)
    for i, table in enumerate(tables):
        code = np.zeros(len(keep), dtype=np.int64)
        for j, n in enumerate(shape):
            if j != i:
                code = (code << n) | chosen[j]
        keep &= (table[code] & chosen[i]) == 0
    for k in np.flatnonzero(keep).tolist():
        yield tuple(d[p[k]] for d, p in zip(domains, picks, strict=True))


def _dominated_table(payoffs: np.ndarray, i: int, cache: dict[tuple, Any]) -> np.ndarray | None:
    """Player ``i``'s dominated actions (a bit mask) against every profile of the others' supports, once per game.

    The others' supports, as bit masks, index the table in mixed radix (player by player, ``2^n_j``
    each); None when the table would be too large to build at once.  The worst margin of each pair
    of actions over a product of supports is a minimum over each other player's support in turn, so
    the margins' axis of each other player is replaced by its minima over every support of it, one
    player at a time.
    """
    key = ("table", i)
    if key in cache:
        return cache[key]
    shape = payoffs.shape[1:]
    margins, others = _margins(payoffs, i, cache)
    codes = math.prod(2 ** shape[j] for j in others)
    if codes * margins.size > _TABLE_ENTRIES:
        cache[key] = None
        return None
    # [dominator x candidate x earlier others' supports, this other's actions, later others' profiles]
    worst = margins.reshape(margins.shape[0] * margins.shape[1], -1)
    later = 1
    for j in reversed(others):
        earlier = worst.shape[1] // (shape[j] * later)
        part = worst.reshape(-1, shape[j], later)[:, None, :, :]  # [rest, 1, action, later]
        minima = np.where(_members(shape[j])[None, :, :, None], part, np.inf).min(axis=2)  # [rest, support, later]
        worst = minima.reshape(-1, earlier * 2 ** shape[j] * later)  # an empty support: the minimum is infinite
        later *= 2 ** shape[j]
    dominated = (worst.reshape(*margins.shape[:2], codes) > 0).any(axis=0)  # [candidate, code]
    table = (1 << np.arange(shape[i], dtype=np.int64)) @ dominated.astype(np.int64)
    cache[key] = table
    return table


@cache
def _members(n: int) -> np.ndarray:
    """``members[m, a]``: whether action ``a`` is in the support with bit mask ``m`` (read-only)."""
    members = ((np.arange(2**n)[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)
    members.flags.writeable = False
    return members


def _survives(payoffs: np.ndarray, profile: Support, i: int, cache: dict[tuple, Any]) -> bool:
    """Whether player ``i``'s support avoids every action dominated against the others' supports."""
    key = (i, *(s for j, s in enumerate(profile) if j != i))
    dominated = cache.get(key)
    if dominated is None:
        dominated = cache[key] = _dominated(payoffs, [list(s) for s in profile], i, cache)
    return dominated.isdisjoint(profile[i])


def _irsds(
    payoffs: np.ndarray, domains: list[list[tuple[int, ...]]], cache: dict[tuple, Any]
) -> list[list[tuple[int, ...]]] | None:
    """Iterated removal of conditionally dominated actions; None when some player has no support left."""
    changed = True
    while changed:
        changed = False
        unions = [sorted(set().union(*d)) for d in domains]
        for i in range(len(domains)):
            key = (i, *(tuple(u) for j, u in enumerate(unions) if j != i))  # the others' domain decides
            if key not in cache:
                cache[key] = _dominated(payoffs, unions, i, cache)
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


def _dominated(payoffs: np.ndarray, unions: list[list[int]], i: int, cache: dict[tuple, Any]) -> set[int]:
    """Player ``i``'s actions strictly dominated (by any of its actions) on the others' domain ``unions``."""
    margins, others = _margins(payoffs, i, cache)
    shape = payoffs.shape[1:]
    columns = np.ones(1, dtype=bool)
    for j in others:
        member = np.zeros(shape[j], dtype=bool)
        member[unions[j]] = True
        columns = np.logical_and.outer(columns, member).ravel()
    worst = margins[:, :, columns].min(axis=2)  # [dominator, candidate]
    return set(np.flatnonzero((worst > 0).any(axis=0)).tolist())


def _margins(payoffs: np.ndarray, i: int, cache: dict[tuple, Any]) -> tuple[np.ndarray, list[int]]:
    """Player ``i``'s payoff of each action minus each other, against every profile of the others (once per game).

    ``margins[d, c, s]`` is the payoff of ``d`` minus that of ``c`` at the others' profile ``s`` (the
    others' axes in order, flattened): ``c`` is dominated on a domain where ``margins[d, c]`` is positive.
    """
    key = ("margins", i)
    if key not in cache:
        table = np.moveaxis(payoffs[i], i, 0).reshape(payoffs.shape[1 + i], -1)
        cache[key] = (table[:, None, :] - table[None, :, :], [j for j in range(payoffs.shape[0]) if j != i])
    return cache[key]
