"""Sets of equilibria of games with three or more players: each maximal set found, once, with its dimension.

A search that lists equilibria point by point (and a point of every component it
meets) can meet one set of equilibria several times: at several of its extreme
points, and as several pieces with the same support.  Two of the points found lie
in one connected set when the straight segment between them consists of
equilibria (checked at a few interior points, by regret, in floating point), or,
for two pieces with one support, when the points of that segment moved onto the
support's indifference equations by Gauss-Newton are equilibria that follow one
another closely (a curved set).  What is linked is joined (networkx connected
components), so each set is reported once.

The dimension reported is the larger of the pieces' local dimensions and the
affine dimension of the points joined, when their centroid is an equilibrium
too.  For a product of simplices (players left indifferent among some actions
whatever the others do) this is the exact dimension; for a curved set it is a
lower bound, and a set whose pieces no straight segment joins may still be
reported as more than one (the note of each says how it was found).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..equilibrium import Profile, regret
from ..game import Game
from ._support_system import newton, support_system
from .registry import EquilibriumComponent

__all__ = ["equilibrium_sets"]

#: Points of a segment checked for regret, as fractions of the way along it.
_ALONG = (0.25, 0.5, 0.75)

#: Points of a segment moved onto a support's equations to follow a curved set between two pieces.
_PATH_POINTS = 33

#: Largest number of weights (points times the others' profiles) held at once when checking segments.
_CHUNK_ENTRIES = 2**21


@dataclass(frozen=True)
class _Found:
    """A point the search found: a listed equilibrium, or a component's representative."""

    vector: np.ndarray
    profile: Profile  # in floating point
    original: Profile  # as the search gave it (fractions where exact)
    component: EquilibriumComponent | None


def equilibrium_sets(
    game: Game, profiles: Sequence[Profile], components: Sequence[EquilibriumComponent], *, tol: float
) -> tuple[EquilibriumComponent, ...]:
    """The maximal sets of equilibria that ``profiles`` and ``components`` meet, each once.

    Parameters
    ----------
    game : Game
        Any number of players.
    profiles : sequence of profiles
        The equilibria found (verified).
    components : sequence of EquilibriumComponent
        The pieces of sets found (each with a verified representative).
    tol : float
        Regret below which a point of a segment counts as an equilibrium.

    Returns
    -------
    tuple of EquilibriumComponent
        One per set: a representative (one of the equilibria given, or a piece's representative),
        every action played somewhere in it, its dimension and a note saying how many of the
        listed equilibria it holds.

    Examples
    --------
    Three players; the first and the last are indifferent between their two actions
    whatever happens, and the second's first action is strictly dominant: every
    mixture of the first and the last player's actions is an equilibrium, a square.

    >>> import incentives as inc
    >>> payoffs = np.zeros((3, 2, 2, 2))
    >>> payoffs[1, :, 0, :] = 1
    >>> game = inc.Game.from_payoffs(payoffs)
    >>> corners = [tuple(np.eye(2)[[a, 0, c]]) for a in (0, 1) for c in (0, 1)]
    >>> (square,) = equilibrium_sets(game, corners, [], tol=1e-9)
    >>> square.dimension, square.support
    (2, ((0, 1), (0,), (0, 1)))
    """
    found = [_Found(_flat(p), _floats(p), p, None) for p in profiles]
    found += [_Found(_flat(c.representative), _floats(c.representative), c.representative, c) for c in components]
    if len(found) < 2:
        return tuple(f.component for f in found if f.component is not None)  # nothing to join
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(len(found)))
    pairs = [(i, j) for i in range(len(found)) for j in range(i + 1, len(found))]
    straight = _straight_segments(game, found, pairs, tol)
    for (i, j), joined in zip(pairs, straight, strict=True):
        if joined or _curved(game, found[i], found[j], tol):
            graph.add_edge(i, j)
    sets = []
    for group in sorted(nx.connected_components(graph), key=min):
        members = [found[k] for k in sorted(group)]
        if len(members) > 1 or members[0].component is not None:
            sets.append(_one_set(game, members, tol))
    return tuple(sets)


def _flat(profile: Profile) -> np.ndarray:
    return np.concatenate([np.asarray(p, dtype=float) for p in profile])


def _floats(profile: Profile) -> Profile:
    return tuple(np.asarray(p, dtype=float) for p in profile)


def _mix(first: Profile, second: Profile, t: float) -> Profile:
    return tuple((1 - t) * a + t * b for a, b in zip(first, second, strict=True))


def _is_equilibrium(game: Game, profile: Profile, tol: float) -> bool:
    return float(regret(game, profile)) <= tol


def _straight_segments(game: Game, found: list[_Found], pairs: list[tuple[int, int]], tol: float) -> np.ndarray:
    """For each pair, whether the segment between the two points consists of equilibria (checked at a few points).

    The regret of every checked point of every segment at once: each player's payoff of each action
    against the others' mixes, one contraction per player over the whole stack of points.
    """
    if not pairs:
        return np.zeros(0, dtype=bool)
    first = np.array([i for i, _ in pairs])
    second = np.array([j for _, j in pairs])
    along = np.array(_ALONG)[None, :, None]
    payoffs = game.float_payoffs()
    mixes = []  # each player's mix at every point, the points of a segment consecutive
    for player in range(game.n_players):
        own = np.array([f.profile[player] for f in found])
        mixes.append(((1 - along) * own[first][:, None, :] + along * own[second][:, None, :]).reshape(-1, own.shape[1]))
    # the regret of :func:`~incentives.equilibrium.regret`: the best gain (at least 0) plus the infeasibility
    gains = np.zeros(len(mixes[0]))
    infeasibility = np.zeros(len(mixes[0]))
    for player, mix in enumerate(mixes):
        values = _action_values(payoffs[player], mixes, player)  # [point, action]
        gains = np.maximum(gains, values.max(axis=1) - np.sum(mix * values, axis=1))
        infeasibility = np.maximum(infeasibility, np.maximum(-mix.min(axis=1), 0) + np.abs(mix.sum(axis=1) - 1))
    regrets = (gains + game.payoff_scale * infeasibility).reshape(len(pairs), len(_ALONG))
    return np.all(regrets <= tol, axis=1)


def _action_values(payoff: np.ndarray, mixes: list[np.ndarray], own: int) -> np.ndarray:
    """One player's payoff of each of its actions against the others' mixes, for a stack of points.

    Only the others' actions played at some point count, and the points go through in chunks of
    at most :data:`_CHUNK_ENTRIES` weights, so memory stays bounded whatever the game's size.
    """
    used = [
        np.arange(payoff.shape[own]) if k == own else np.flatnonzero(np.any(m != 0, axis=0))
        for k, m in enumerate(mixes)
    ]
    table = np.moveaxis(payoff[np.ix_(*used)], own, -1)  # the others' axes in order, then the own actions
    table = table.reshape(-1, payoff.shape[own])
    others = [m[:, u] for k, (m, u) in enumerate(zip(mixes, used, strict=True)) if k != own]
    step = max(1, _CHUNK_ENTRIES // max(1, len(table)))
    values = np.empty((len(mixes[0]), payoff.shape[own]))
    for start in range(0, len(values), step):
        weights = np.ones((len(values[start : start + step]), 1))
        for mix in others:
            part = mix[start : start + step]
            weights = (weights[:, :, None] * part[:, None, :]).reshape(len(part), -1)
        values[start : start + step] = weights @ table
    return values


def _curved(game: Game, first: _Found, second: _Found, tol: float) -> bool:
    """For two pieces of sets with one support: whether the segment projected onto the support's equations
    consists of equilibria that follow one another closely (a curved set joining them)."""
    if first.component is None or second.component is None or first.component.support != second.component.support:
        return False
    return _projected_path(game, first.component.support, first.profile, second.profile, tol)


def _projected_path(
    game: Game, support: tuple[tuple[int, ...], ...], first: Profile, second: Profile, tol: float
) -> bool:
    """Whether the points of the segment, each moved onto the support's indifference equations (Gauss-Newton),
    are equilibria that follow one another closely from ``first`` to ``second``: a curved set joining them."""
    system = support_system(game.float_payoffs(), support)
    length = float(np.max(np.abs(_flat(first) - _flat(second))))
    previous = _flat(first)
    for t in np.linspace(0.0, 1.0, _PATH_POINTS)[1:]:
        start = system.coordinates(_mix(first, second, float(t)))
        point, converged = newton(system, np.clip(start, 0.0, 1.0), tol=tol)
        if not converged:
            return False
        profile = system.profile(point)
        here = _flat(profile)
        if not _is_equilibrium(game, profile, tol) or np.max(np.abs(here - previous)) > 4 * length / _PATH_POINTS:
            return False
        previous = here
    return bool(np.max(np.abs(previous - _flat(second))) <= 4 * length / _PATH_POINTS)


def _one_set(game: Game, members: list[_Found], tol: float) -> EquilibriumComponent:
    if len(members) == 1 and members[0].component is not None:
        return members[0].component  # a piece that meets nothing else: as the search described it
    pieces = [m.component for m in members if m.component is not None]
    points = [m for m in members if m.component is None]
    centre = tuple(np.mean([m.profile[i] for m in members], axis=0) for i in range(game.n_players))
    hull = _is_equilibrium(game, centre, tol)
    dimension = max([c.dimension for c in pieces if c.dimension is not None], default=0)
    if hull:
        vectors = np.array([m.vector for m in members])
        dimension = max(dimension, int(np.linalg.matrix_rank(vectors[1:] - vectors[0], tol=1e-9)))
    representative = pieces[0].representative if pieces else points[0].original
    support = tuple(
        tuple(int(a) for a in np.flatnonzero(np.max([m.profile[i] for m in members], axis=0) > 0))
        for i in range(game.n_players)
    )
    return EquilibriumComponent(
        representative=representative,
        support=support,
        dimension=dimension,
        note=_note(len(points), len(pieces)),
    )


def _note(points: int, pieces: int) -> str:
    parts = []
    if points > 1:
        parts.append(f"it holds {points} of the listed equilibria, joined by segments of equilibria")
    elif points:
        parts.append("it holds 1 of the listed equilibria")
    if pieces > 1:
        parts.append(f"the search met it as {pieces} pieces, joined here")
    return "; ".join(parts)
