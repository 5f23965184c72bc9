"""``method="all"``: every isolated equilibrium the toolkit can promise, for any number of players.

Algorithm
---------
1. Two players: vertex enumeration (every extreme equilibrium; see
   :mod:`incentives.solvers.vertex_enumeration`).
2. More players, when no player's own choice ever changes its own payoff: every profile is
   an equilibrium, one set (the whole strategy space) whose extreme points, the pure
   profiles, are listed.
3. More players otherwise: iterated elimination of strictly dominated strategies, pure and
   mixed dominators (:func:`~incentives.solvers.dominance.eliminate_dominated`).
   Elimination keeps every Nash equilibrium, mixed ones included, and creates
   none (Osborne and Rubinstein 1994, Prop. 61.2), so the equilibria of the
   reduced game are exactly those of the original.

   * If at most two players keep more than one action, the reduced game is a
     two-player game once the others' single actions are fixed: its extreme
     equilibria by vertex enumeration are every extreme equilibrium of the
     original, and the search is complete.
   * Otherwise, when the reduced game has at most :data:`MAX_SUPPORTS` support
     profiles, support enumeration with polynomial indifference systems
     (:mod:`incentives.solvers.polynomial_support`) finds every isolated
     equilibrium, and a representative point of every set of equilibria that is
     not a point (a *component*, listed in ``components``).
   * Larger reduced games get their pure equilibria only, with status
     ``incomplete`` (``"support-enumeration-n"`` with a larger budget, or
     ``"logit"`` for one equilibrium, go further).

4. The equilibria and component points found are joined into sets where the
   segments between them are equilibria (:mod:`incentives.solvers._sets`), so
   each set of equilibria is listed once in ``components``, with its dimension,
   whether the search met it at its extreme points or as several pieces.

References
----------
Osborne, M. J., and Rubinstein, A. (1994). *A Course in Game Theory*. MIT Press.
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

import numpy as np

from ..equilibrium import Profile
from ..game import Game
from ._cliques import MAX_EXTREME_EQUILIBRIA, bimatrix_components
from ._sets import equilibrium_sets
from .dominance import eliminate_dominated
from .pure import pure_equilibria
from .registry import Budget, EquilibriumComponent, SolverOutput, register_solver

__all__ = ["MAX_SUPPORTS", "all_equilibria"]

#: Reduced games of three or more active players with more support profiles get pure equilibria only
#: (4 x 4 x 4 and 3 x 3 x 3 x 2 x 2 games, 3,375 and 3,087 profiles, take seconds; 6,975 took 40 s).
MAX_SUPPORTS = 5_000


@register_solver(
    "all",
    players=None,
    finds="every extreme (two players) or isolated (more players) equilibrium, and a point of every component",
    summary="every isolated equilibrium: vertex enumeration for two players, polynomial support enumeration for more",
)
def all_equilibria(game: Game, *, tol: float, budget: Budget) -> SolverOutput:
    """Every extreme equilibrium of ``game`` where the method can promise it (see the module docstring).

    Examples
    --------
    >>> import incentives as inc
    >>> pd3 = inc.Game.from_payoffs([[[[1, 0], [0, 0]], [[0, 0], [0, 2]]]] * 3)
    >>> result = inc.solve(pd3, "all")
    >>> result.status, len(result), len(result.pure)
    ('complete', 3, 2)
    """
    if game.n_players == 2:
        from .vertex_enumeration import vertex_enumeration  # each solver is imported when a game needs it

        return _with_components(vertex_enumeration(game, tol=tol, budget=budget))
    if _nobody_chooses(game, tol):
        return _whole_space(game, tol, budget)
    scale = game.payoff_scale
    reduction = eliminate_dominated(game, mixed=True, tol=tol / scale)
    reduced = reduction.game
    active = [i for i, n in enumerate(reduced.shape) if n > 1]
    removed = sum(a - b for a, b in zip(game.shape, reduced.shape, strict=True))
    note: tuple[str, ...] = ()
    if removed and not active:
        note = (
            f"removing strictly dominated actions, round after round, leaves one action to each player "
            f"({_count(removed, 'action')} removed): the game is dominance solvable, and that profile is its "
            "only equilibrium",
        )
    elif removed:
        left = _count(len(active), "player")
        note = (f"removing strictly dominated actions, round after round, removed {_count(removed, 'action')} and "
                f"leaves {left} with a choice",)  # fmt: skip
    supports = math.prod(2**n - 1 for n in reduced.shape)
    if len(active) > 2 and supports > MAX_SUPPORTS:
        found = pure_equilibria(game, tol=tol, budget=budget)
        return SolverOutput(
            profiles=found.profiles,
            status="incomplete",
            notes=(
                *note,
                f"{len(active)} players still have a choice after dominance, with {supports:,} support profiles "
                f"(more than {MAX_SUPPORTS:,}): the pure equilibria are listed, but mixed equilibria were not "
                "searched, so some may be missing; method 'support-enumeration-n' searches them within its budget, "
                "and 'logit' finds one.",
            ),
        )
    if len(active) > 2:
        from .polynomial_support import polynomial_support_enumeration

        inner = polynomial_support_enumeration(reduced, tol=tol, budget=budget)
    else:
        inner = _solve_active(reduced, active, tol, budget)
    profiles = [_lift(game, reduction.surviving, p) for p in inner.profiles]
    pieces = [_lift_component(game, reduction.surviving, c) for c in inner.components]
    listed = len(profiles) + len(pieces)
    # a search that met no tie and no piece of a set found only regular equilibria with strict best responses,
    # each isolated, so no segment of equilibria joins two of them
    if inner.degenerate is False and not pieces:
        components: tuple[EquilibriumComponent, ...] = ()
    elif listed > MAX_EXTREME_EQUILIBRIA:  # every pair's segment is checked: the work grows with the square
        note = (*note, _ungrouped_note(listed, "equilibria found", "sets"))
        components = tuple(pieces)
    else:
        components = equilibrium_sets(game, profiles, pieces, tol=tol)
    return SolverOutput(
        profiles=profiles,
        status=inner.status,
        degenerate=inner.degenerate,
        notes=(*note, *inner.notes),
        components=components,
    )


def _nobody_chooses(game: Game, tol: float) -> bool:
    """Whether no player's own action ever changes its own payoff by more than ``tol`` (and some player has two).

    Examples
    --------
    >>> import numpy as np, incentives as inc
    >>> _nobody_chooses(inc.Game.from_payoffs(np.ones((3, 2, 2, 2))), 1e-9)
    True
    >>> payoffs = np.ones((3, 2, 2, 2))
    >>> payoffs[2, 1, 1, 1] = 2  # the third player gains by its second action when the others play theirs
    >>> _nobody_chooses(inc.Game.from_payoffs(payoffs), 1e-9)
    False
    """
    if all(n == 1 for n in game.shape):
        return False
    payoffs = game.float_payoffs()
    return all(float(np.ptp(payoffs[i], axis=i).max()) <= tol for i in range(game.n_players))


def _whole_space(game: Game, tol: float, budget: Budget) -> SolverOutput:
    """Every profile is an equilibrium: one set, the whole strategy space, with the pure profiles for corners."""
    found = pure_equilibria(game, tol=tol, budget=budget)
    whole = EquilibriumComponent(
        representative=found.profiles[0],
        support=tuple(tuple(range(n)) for n in game.shape),
        dimension=sum(n - 1 for n in game.shape),
        note="no player's own choice ever changes its own payoff, so every profile, pure or mixed, is an "
        "equilibrium: the whole strategy space is one set, and its extreme points are the pure profiles",
    )
    note = (
        "no player's own choice ever changes its own payoff: every profile is an equilibrium, and its "
        f"{math.prod(game.shape):,} pure profiles are the extreme points of that one set"
    )
    return SolverOutput(
        profiles=found.profiles, status=found.status, degenerate=True, notes=(note, *found.notes), components=(whole,)
    )


def _ungrouped_note(count: int, found: str, sets: str) -> str:
    return (
        f"the {count:,} {found} were not grouped into the {sets} they span (that is done for up to "
        f"{MAX_EXTREME_EQUILIBRIA}); remove duplicate or dominated actions to see them"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _with_components(output: SolverOutput) -> SolverOutput:
    """Add the convex components a degenerate two-player game's extreme equilibria span."""
    if not output.degenerate or len(output.profiles) < 2:
        return output
    if len(output.profiles) > MAX_EXTREME_EQUILIBRIA:
        ungrouped = _ungrouped_note(len(output.profiles), "extreme equilibria", "convex sets")
        return replace(output, notes=(*output.notes, ungrouped))
    components = bimatrix_components(output.profiles)
    if not components:
        return output
    # the representatives are mixtures of listed extreme equilibria, so the list stays the extreme points
    return replace(output, components=components)


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
    from .vertex_enumeration import vertex_enumeration

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


def _lift_component(
    game: Game, surviving: tuple[tuple[int, ...], ...], component: EquilibriumComponent
) -> EquilibriumComponent:
    """A component of the reduced game, in the original game's actions."""
    return EquilibriumComponent(
        representative=_lift(game, surviving, component.representative),
        support=tuple(tuple(keep[a] for a in s) for keep, s in zip(surviving, component.support, strict=True)),
        dimension=component.dimension,
        note=component.note,
    )


def _lift(game: Game, surviving: tuple[tuple[int, ...], ...], profile: Profile) -> Profile:
    """Map a profile of the reduced game back to the original actions (eliminated actions get 0)."""
    out = []
    for n, keep, probs in zip(game.shape, surviving, profile, strict=True):
        full = np.array([Fraction(0)] * n, dtype=object) if game.is_exact else np.zeros(n)
        full[list(keep)] = probs
        out.append(full)
    return tuple(out)
