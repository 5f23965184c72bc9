"""Temptation: what a department gains by deviating once from a target profile.

Definitions
-----------
Let ``a*`` be a pure target profile and ``u_i`` department ``i``'s stage payoff.
Department ``i``'s *best deviation* is an action ``b_i`` maximising ``u_i(b_i, a*_-i)``,
and its *one-shot gain* (its temptation) is

    ``g_i = max_b u_i(b, a*_-i) - u_i(a*) >= 0``,

zero exactly when the target action is a best response.  In a repeated game a
deviation is worth its one-shot gain today against what the punishment costs tomorrow
(see :mod:`incentives.repeated.critical`).  When several actions attain the maximum,
the target's own action is reported if it is one of them, else the first in the
model's order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .._util import Number
from ..game import Game

__all__ = ["Temptation", "one_shot_gains", "temptations"]


@dataclass(frozen=True, kw_only=True)
class Temptation:
    """One department's temptation to leave a target profile for one period.

    Parameters
    ----------
    department : str
    target_action : str
        Its action in the target profile.
    target_payoff : float or Fraction
        Its stage payoff at the target, ``u_i(a*)``.
    deviation : str
        Its best deviation (the target action itself when nothing beats it).
    deviation_payoff : float or Fraction
        Its stage payoff when it deviates and the others keep to the target.
    gain : float or Fraction
        The one-shot gain ``deviation_payoff - target_payoff`` (never negative).

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], players=("sales", "support"),
    ...                             actions=(("share", "hoard"), ("share", "hoard")))
    >>> tempted = temptations(pd, (0, 0))[0]
    >>> tempted.deviation, tempted.gain
    ('hoard', Fraction(2, 1))
    """

    department: str
    target_action: str
    target_payoff: Number
    deviation: str
    deviation_payoff: Number
    gain: Number

    def __post_init__(self) -> None:
        if self.gain < 0:
            raise ValueError(f"The 'gain' parameter of Temptation must be at least 0. Got {self.gain!r} instead.")

    @property
    def tempted(self) -> bool:
        """Whether the department gains anything by deviating."""
        return bool(self.gain > 0)


def _own_row(payoffs: np.ndarray, i: int, profile: Sequence[int]) -> np.ndarray:
    """Department ``i``'s payoff of each of its actions while the others keep to ``profile``."""
    index = tuple(slice(None) if j == i else int(k) for j, k in enumerate(profile))
    return np.asarray(payoffs[i][index])


def temptations(game: Game, target: Sequence[int]) -> tuple[Temptation, ...]:
    """Each department's best one-period deviation from the pure profile ``target``, and its gain.

    Parameters
    ----------
    game : Game
        The stage game (exact games give exact gains).
    target : sequence of int
        Action indices of the target profile.

    Returns
    -------
    tuple of Temptation
        One per department, in the game's order.

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> [(t.department, t.deviation, t.gain) for t in temptations(pd, (1, 1))]  # mutual defection: no gain
    [('row', 'r1', Fraction(0, 1)), ('column', 'c1', Fraction(0, 1))]
    """
    out = []
    for i, player in enumerate(game.players):
        row = _own_row(game.payoffs, i, target)
        own = int(target[i])
        best = max(row)
        choice = own if row[own] == best else int(next(k for k, v in enumerate(row) if v == best))
        gain = row[choice] - row[own]
        out.append(
            Temptation(
                department=player,
                target_action=game.actions[i][own],
                target_payoff=_plain(row[own]),
                deviation=game.actions[i][choice],
                deviation_payoff=_plain(row[choice]),
                gain=_plain(gain),
            )
        )
    return tuple(out)


def _plain(value: object) -> Number:
    return value if isinstance(value, Fraction) else float(value)  # type: ignore[arg-type]


def one_shot_gains(payoffs: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Temptations at every point of a batch at once (floating point).

    Parameters
    ----------
    payoffs : numpy.ndarray
        ``(P, N, n_0, ..., n_{N-1})``: the stage payoffs at each of ``P`` points.
    targets : numpy.ndarray
        ``(P, N)``: the target's action indices at each point.

    Returns
    -------
    (target_payoffs, gains, deviations) : numpy.ndarray
        Each ``(P, N)``: ``u_i(a*)``, the one-shot gain, and the index of the best deviation.

    Examples
    --------
    >>> import numpy as np
    >>> pd = np.array([[[3, 0], [5, 1]], [[3, 5], [0, 1]]], dtype=float)
    >>> target_payoffs, gains, deviations = one_shot_gains(pd[np.newaxis], np.array([[0, 0]]))
    >>> gains.tolist(), deviations.tolist()
    ([[2.0, 2.0]], [[1, 1]])
    """
    payoffs = np.asarray(payoffs, dtype=float)
    points, n = payoffs.shape[0], payoffs.shape[1]
    shape = payoffs.shape[2:]
    rows = np.arange(points)[:, np.newaxis]
    target_payoffs = np.empty((points, n))
    gains = np.empty((points, n))
    deviations = np.empty((points, n), dtype=int)
    for i in range(n):
        index: list[np.ndarray] = [rows, np.full((1, 1), i)]
        for j in range(n):
            index.append(np.arange(shape[i])[np.newaxis, :] if j == i else targets[:, j][:, np.newaxis])
        own = payoffs[tuple(index)]  # (P, n_i)
        current = own[np.arange(points), targets[:, i]]
        best = own.max(axis=1)
        ties_with_target = best <= current
        deviations[:, i] = np.where(ties_with_target, targets[:, i], own.argmax(axis=1))
        target_payoffs[:, i] = current
        gains[:, i] = np.maximum(best - current, 0.0)
    return target_payoffs, gains, deviations
