"""The result every learning dynamic returns, and the pieces the dynamics share.

A *trajectory* is a sequence of times ``t_0 < t_1 < ...`` and, for each time, a
mixed profile: one probability vector per player.  It is stored per player, as
an array of shape ``(T, n_i)`` whose row ``k`` is player ``i``'s strategy at
time ``t_k``.  For the discrete dynamics, times are step numbers; for the
ordinary differential equations, they are the continuous time of the solver.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._util import readonly
from ..equilibrium import format_number, profile_words, regret
from ..game import Game
from ..tolerance import is_zero

__all__ = ["DynamicsResult", "final_regret", "one_hot", "start_profile", "start_pure"]

#: Probabilities at or below this are left out of labels (they show as 0 to three decimals).
_SHOWN = 5e-4


@dataclass(frozen=True, kw_only=True)
class DynamicsResult:
    """A trajectory of a learning dynamic, and whether and where it converged.

    Parameters
    ----------
    method : str
        Which dynamic ran, e.g. ``"best response (simultaneous)"``.
    game : Game
        The game played.
    times : numpy.ndarray
        Shape ``(T,)``, increasing.
    profiles : tuple of numpy.ndarray
        Per player, shape ``(T, n_i)``: its mixed strategy at each time (see the module docstring).
    converged : bool
        Whether the dynamic converged, in the sense its function documents.
    final : tuple of numpy.ndarray
        The profile where the trajectory ended (where it converged, when it did).
    regret : float
        Regret of ``final``: 0 at a Nash equilibrium.
    path : tuple of tuple of int
        For discrete dynamics, the pure profile played at each step (action indices).
    cycle : tuple of tuple of int
        The pure profiles of a detected cycle, in order (empty when none was detected).
    notes : tuple of str
        Plain-words remarks.
    """

    method: str
    game: Game
    times: np.ndarray
    profiles: tuple[np.ndarray, ...]
    converged: bool
    final: tuple[np.ndarray, ...]
    regret: float
    path: tuple[tuple[int, ...], ...] = ()
    cycle: tuple[tuple[int, ...], ...] = ()
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        times = readonly(np.asarray(self.times, dtype=float))
        if times.ndim != 1 or times.size == 0:
            raise ValueError(f"'times' must be a non-empty 1-D array; got shape {times.shape}")
        if len(self.profiles) != self.game.n_players or len(self.final) != self.game.n_players:
            raise ValueError(f"'profiles' and 'final' need one entry per player ({self.game.n_players})")
        profiles = tuple(readonly(np.asarray(p, dtype=float)) for p in self.profiles)
        for player, n, p in zip(self.game.players, self.game.shape, profiles, strict=True):
            if p.shape != (times.size, n):
                raise ValueError(f"the trajectory of {player!r} must have shape {(times.size, n)}; got {p.shape}")
        if self.converged and self.cycle:
            raise ValueError("a trajectory cannot both converge and cycle")
        object.__setattr__(self, "times", times)
        object.__setattr__(self, "profiles", profiles)
        object.__setattr__(self, "final", tuple(readonly(np.asarray(p, dtype=float)) for p in self.final))

    @property
    def cycles(self) -> bool:
        """Whether a cycle of pure profiles was detected."""
        return bool(self.cycle)

    def cycle_labels(self) -> list[str]:
        """Labels of the profiles in the cycle, e.g. ``["row=R, col=R", "row=P, col=P", ...]``."""
        return [self.game.profile_label(p) for p in self.cycle]

    def describe(self) -> str:
        """One sentence: where the dynamic converged, or that it cycles, or where it stopped.

        Examples
        --------
        >>> import incentives as inc
        >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]],
        ...                             actions=(("cooperate", "defect"), ("cooperate", "defect")))
        >>> inc.best_response_dynamics(pd, start=(0, 0)).describe()
        'best response (sequential) converged to row=defect, column=defect (regret 0) after 2 steps'
        """
        where = _label(self.game, self.final)
        if self.converged:
            count = len(self.times) - 1
            steps = (
                f" after {count} step{'s' if count != 1 else ''}"
                if self.path
                else f" by time {format_number(self.times[-1])}"
            )
            return f"{self.method} converged to {where} (regret {format_number(self.regret)}){steps}"
        if self.cycle:
            loop = " -> ".join([*self.cycle_labels(), self.cycle_labels()[0]])
            return f"{self.method} cycles: {loop}"
        return f"{self.method} did not converge; it ended at {where} (regret {format_number(self.regret)})"


def start_pure(game: Game, start: Sequence[int | str] | None, rng: np.random.Generator) -> tuple[int, ...]:
    """A pure starting profile: given by action indices or names, or drawn uniformly."""
    if start is None:
        return tuple(int(rng.integers(n)) for n in game.shape)
    if len(start) != game.n_players:
        raise ValueError(
            f"The 'start' parameter needs one action per player ({game.n_players}); got {len(start)} in {start!r}."
        )
    out = []
    for i, (n, action) in enumerate(zip(game.shape, start, strict=True)):
        if isinstance(action, str):
            out.append(game.action_index(i, action))
        elif isinstance(action, (int, np.integer)) and 0 <= action < n:
            out.append(int(action))
        else:
            raise ValueError(
                f"The 'start' action of {game.players[i]!r} must be an action name or an index in [0, {n}); "
                f"got {action!r}."
            )
    return tuple(out)


def start_profile(game: Game, start: Sequence[Any] | None, rng: np.random.Generator) -> list[np.ndarray]:
    """A mixed starting profile: given as probability vectors, or drawn uniformly from the interior."""
    if start is None:
        return [rng.dirichlet(np.ones(n)) for n in game.shape]
    if len(start) != game.n_players:
        raise ValueError(
            f"The 'start' parameter needs one probability vector per player ({game.n_players}); got {len(start)}."
        )
    out = []
    for player, n, vec in zip(game.players, game.shape, start, strict=True):
        arr = np.asarray(vec, dtype=float)
        if arr.shape != (n,) or np.any(arr < 0) or not is_zero(arr.sum() - 1):
            raise ValueError(
                f"The 'start' strategy of {player!r} must be {n} non-negative probabilities summing to 1; got {vec!r}."
            )
        out.append(arr)
    return out


def final_regret(game: Game, profile: Sequence[np.ndarray]) -> float:
    """Regret of a float profile, by the package's independent check."""
    return float(regret(game.to_float(), [np.asarray(p, dtype=float) for p in profile]))


def one_hot(game: Game, pure: Sequence[int]) -> list[np.ndarray]:
    """The mixed form of a pure profile, as float vectors."""
    out = []
    for n, k in zip(game.shape, pure, strict=True):
        vec = np.zeros(n)
        vec[k] = 1.0
        out.append(vec)
    return out


def _label(game: Game, profile: Sequence[np.ndarray]) -> str:
    return profile_words(game, profile, least=_SHOWN)  # shown to 3 decimals: smaller ones would read 0
