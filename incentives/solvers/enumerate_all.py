"""``method="all"``: every isolated equilibrium the toolkit can promise, for any number of players.

Algorithm
---------
1. Two players: vertex enumeration (every extreme equilibrium; see
   :mod:`incentives.solvers.vertex_enumeration`).
2. More players: iterated elimination of strictly dominated strategies, pure and
   mixed dominators (:func:`~incentives.solvers.dominance.eliminate_dominated`).
   Elimination keeps every Nash equilibrium, mixed ones included, and creates
   none (Osborne and Rubinstein 1994, Prop. 61.2), so the equilibria of the
   reduced game are exactly those of the original.

   * If at most two players keep more than one action, the reduced game is a
     two-player game once the others' single actions are fixed: its extreme
     equilibria by vertex enumeration are every extreme equilibrium of the
     original, and the search is complete.
   * Otherwise the pure equilibria are listed and the status is ``incomplete``:
     the mixed equilibria of games with three or more active players are not
     searched yet.

References
----------
Osborne, M. J., and Rubinstein, A. (1994). *A Course in Game Theory*. MIT Press.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..equilibrium import Profile
from ..game import Game
from .dominance import eliminate_dominated
from .pure import pure_equilibria
from .registry import Budget, SolverOutput, register_solver
from .vertex_enumeration import vertex_enumeration

__all__ = ["all_equilibria"]


@register_solver(
    "all",
    players=None,
    finds="every extreme equilibrium when at most two players remain after dominance; else every pure one",
    summary="every isolated equilibrium: vertex enumeration for two players, dominance reduction for more",
)
def all_equilibria(game: Game, *, tol: float, budget: Budget) -> SolverOutput:
    """Every extreme equilibrium of ``game`` where the method can promise it (see the module docstring).

    Examples
    --------
    >>> import incentives as inc
    >>> pd3 = inc.Game.from_payoffs([[[[1, 0], [0, 0]], [[0, 0], [0, 2]]]] * 3)
    >>> result = inc.solve(pd3, "all")
    >>> result.status, len(result)
    ('incomplete', 2)
    """
    if game.n_players == 2:
        return vertex_enumeration(game, tol=tol, budget=budget)
    scale = max(1.0, float(np.max(np.abs(game.float_payoffs()))))
    reduction = eliminate_dominated(game, mixed=True, tol=tol / scale)
    reduced = reduction.game
    active = [i for i, n in enumerate(reduced.shape) if n > 1]
    removed = sum(a - b for a, b in zip(game.shape, reduced.shape, strict=True))
    note = (
        (
            f"iterated elimination of strictly dominated strategies removed {removed} action(s), "
            f"leaving {len(active)} player(s) with a choice",
        )
        if removed
        else ()
    )
    if not active:
        note = (*note, "the game is dominance solvable: the profile that survives is its only equilibrium")
    if len(active) > 2:
        found = pure_equilibria(game, tol=tol, budget=budget)
        return SolverOutput(
            profiles=found.profiles,
            status="incomplete",
            notes=(
                *note,
                f"{len(active)} players still have a choice after dominance: the pure equilibria are listed, but mixed "
                "equilibria of games with more than two active players are not searched yet, so some may be missing.",
            ),
        )
    inner = _solve_active(reduced, active, tol, budget)
    profiles = [_lift(game, reduction.surviving, p) for p in inner.profiles]
    return SolverOutput(
        profiles=profiles, status=inner.status, degenerate=inner.degenerate, notes=(*note, *inner.notes)
    )


def _solve_active(reduced: Game, active: list[int], tol: float, budget: Budget) -> SolverOutput:
    """Solve a reduced game in which at most two players have more than one action."""
    if len(active) < 2:
        found = pure_equilibria(reduced, tol=tol, budget=budget)
        ties = len(found.profiles) > 1
        notes = (
            (
                "one player is left choosing among tied best actions: every mixture of them is an equilibrium "
                "(a connected set whose extreme points are listed)",
            )
            if ties
            else ()
        )
        return SolverOutput(profiles=found.profiles, degenerate=ties, notes=notes)
    index = tuple(slice(None) if i in active else 0 for i in range(reduced.n_players))
    two = Game(
        players=tuple(reduced.players[i] for i in active),
        actions=tuple(reduced.actions[i] for i in active),
        payoffs=np.stack([reduced.payoffs[(i, *index)] for i in active]),
    )
    inner = vertex_enumeration(two, tol=tol, budget=budget)
    profiles = []
    for sub in inner.profiles:
        full = [_point(reduced, i) for i in range(reduced.n_players)]
        for i, probs in zip(active, sub, strict=True):
            full[i] = probs
        profiles.append(tuple(full))
    return SolverOutput(profiles=profiles, status=inner.status, degenerate=inner.degenerate, notes=inner.notes)


def _point(game: Game, i: int) -> np.ndarray:
    return np.array([Fraction(1)], dtype=object) if game.is_exact else np.ones(1)


def _lift(game: Game, surviving: tuple[tuple[int, ...], ...], profile: Profile) -> Profile:
    """Map a profile of the reduced game back to the original actions (eliminated actions get 0)."""
    out = []
    for n, keep, probs in zip(game.shape, surviving, profile, strict=True):
        full = np.array([Fraction(0)] * n, dtype=object) if game.is_exact else np.zeros(n)
        full[list(keep)] = probs
        out.append(full)
    return tuple(out)
