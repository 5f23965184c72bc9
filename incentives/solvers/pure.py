"""All pure-strategy Nash equilibria of an N-player game, by vectorised best-response masks.

Algorithm
---------
For each player ``i``, the mask ``B_i = payoffs[i] >= max over axis i of payoffs[i] - tol``
marks the profiles where player ``i``'s action is a best response to the others'.
The pure equilibria are the profiles marked in every ``B_i``.  The work is one
maximum and one comparison per player over the whole payoff array: no Python
loop over profiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

import numpy as np

from ..equilibrium import Profile, pure_profile
from ..game import Game
from ..tolerance import RTOL
from .registry import Budget, SolverOutput, register_solver

__all__ = ["PureProfiles", "best_response_masks", "pure_equilibria", "pure_profiles"]


def best_response_masks(game: Game, tol: float = 0.0) -> np.ndarray:
    """Boolean array of shape ``(N, n_0, ..., n_{N-1})``: is player i's action a best response?

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> best_response_masks(pd)[0].tolist()  # row's best responses: always its 2nd action
    [[False, False], [True, True]]
    """
    payoffs = game.payoffs
    masks = np.empty(payoffs.shape, dtype=bool)
    for i in range(game.n_players):
        best = payoffs[i].max(axis=i, keepdims=True)
        masks[i] = payoffs[i] >= best - tol if tol else payoffs[i] >= best
    return masks


@register_solver(
    "pure",
    players=None,
    finds="all pure equilibria",
    summary="every pure-strategy equilibrium, any number of players (vectorised)",
)
def pure_equilibria(game: Game, *, tol: float = 0.0, budget: Budget | None = None) -> SolverOutput:
    """Every pure Nash equilibrium of ``game``.

    Parameters
    ----------
    game : Game
    tol : float
        Absolute payoff tolerance for "best" (ignored for exact games).
    budget : Budget or None
        Unused: the search is one pass over the payoff array.

    Returns
    -------
    SolverOutput
        Status ``complete``; profiles in lexicographic order of action indices, as
        :class:`PureProfiles` (a game with tens of thousands of tied equilibria builds
        only those that are read).
    """
    masks = best_response_masks(game, 0.0 if game.is_exact else tol)
    return SolverOutput(profiles=PureProfiles(game, np.argwhere(masks.all(axis=0))))


class PureProfiles(Sequence[Profile]):
    """Pure profiles, one per row of action indices, each built as probability vectors when it is read.

    Examples
    --------
    >>> import incentives as inc
    >>> g = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    >>> found = PureProfiles(g, np.array([[0, 0], [1, 1]]))
    >>> len(found), [p.tolist() for p in found[1]]
    (2, [[Fraction(0, 1), Fraction(1, 1)], [Fraction(0, 1), Fraction(1, 1)]])
    """

    def __init__(self, game: Game, cells: np.ndarray) -> None:
        self._game = game
        self._cells = cells

    def __len__(self) -> int:
        return len(self._cells)

    @overload
    def __getitem__(self, k: int) -> Profile: ...
    @overload
    def __getitem__(self, k: slice) -> list[Profile]: ...
    def __getitem__(self, k: int | slice) -> Profile | list[Profile]:
        if isinstance(k, slice):
            return [pure_profile(self._game, row.tolist()) for row in self._cells[k]]
        return pure_profile(self._game, self._cells[k].tolist())


def pure_profiles(game: Game, *, tol: float = RTOL) -> list[tuple[int, ...]]:
    """Action indices of every pure equilibrium, ``tol`` relative to the payoff scale (as :func:`incentives.solve`).

    The same rule as the ``"pure"`` method, without building equilibrium objects: for
    callers that only need the profiles (design checks every profile of a rebuilt game).

    Examples
    --------
    >>> import incentives as inc
    >>> pure_profiles(inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]]))  # battle of the sexes
    [(0, 0), (1, 1)]
    """
    return _cells(game, tol * game.payoff_scale)


def _cells(game: Game, tol: float) -> list[tuple[int, ...]]:
    masks = best_response_masks(game, 0.0 if game.is_exact else tol)
    return [tuple(int(k) for k in row) for row in np.argwhere(masks.all(axis=0))]
