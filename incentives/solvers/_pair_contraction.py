"""Every player's payoffs against the others' mixes, and every pair block, in a few array operations.

For a game of ``N`` players with payoff arrays ``u_i`` and mixes ``sigma_k``:

* the *gains* ``U_i(a)``: the sum over profiles ``s`` with ``s_i = a`` of
  ``u_i(s) prod_{k != i} sigma_k(s_k)``;
* the *blocks* ``M_ij(a, b)``: the same sum over profiles with ``s_i = a`` and
  ``s_j = b``, the product over ``k`` not in ``{i, j}``.  ``M_ij`` is the
  derivative of ``U_i`` with respect to ``sigma_j``, which a path-following
  method needs for all ``N (N - 1)`` pairs at every step.

Contracting one pair at a time costs ``N (N - 1)`` chains of small numpy calls,
and their Python overhead dominates for small games of three or more players.  Here all contractions of one kind are
done together: contraction ``p`` gets a row of weights ``w_p(s) = prod_k
v_pk(s_k)``, where ``v_pk`` is ``sigma_k`` on a summed axis and all ones on a
kept one, and the weighted payoffs are summed into their kept indices by one
:func:`numpy.bincount`.  Nothing is divided by a probability, so mixes with
zeros, or with probabilities that underflow, are handled exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["MAX_ENTRIES", "PairContraction"]

#: Largest ``pairs x profiles``: the weights of all pairs are one array of that size.
MAX_ENTRIES = 2**22

#: Largest ``contractions x players x profiles`` for which every factor of the weights is gathered at once.
_GATHERED = 2**16


class PairContraction:
    """Precomputed indices for the gains and the pair blocks of games of one ``shape``.

    Parameters
    ----------
    shape : sequence of int
        Number of actions of each player: at least two players, and at most
        :data:`MAX_ENTRIES` pairs times profiles.

    Raises
    ------
    ValueError
        If the shape has fewer than two players or is too large.

    Examples
    --------
    Matching pennies with both players mixing half and half: every action is
    worth 0, and ``M_01`` is the row player's payoff matrix.

    >>> payoffs = np.array([[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]])
    >>> contraction = PairContraction((2, 2))
    >>> mixes = [np.array([0.5, 0.5]), np.array([0.5, 0.5])]
    >>> contraction.gains(payoffs, mixes).tolist()
    [[0.0, 0.0], [0.0, 0.0]]
    >>> contraction.blocks(payoffs, mixes)[0].tolist()  # the pair (0, 1)
    [[1.0, -1.0], [-1.0, 1.0]]
    """

    def __init__(self, shape: Sequence[int]) -> None:
        self.shape = tuple(int(n) for n in shape)
        count, profiles = len(self.shape), math.prod(self.shape)
        self.pairs = np.array([(i, j) for i in range(count) for j in range(count) if i != j], dtype=np.intp)
        if count < 2 or len(self.pairs) * profiles > MAX_ENTRIES:
            raise ValueError(f"a pair contraction needs two or more players and at most {MAX_ENTRIES:,} entries")
        self.width = max(self.shape)
        actions = np.indices(self.shape).reshape(count, profiles)  # actions[k, s]: player k's action in s
        self._actions = actions
        self._players = np.arange(count)[:, None]
        self._padded_at = np.concatenate([k * self.width + np.arange(n) for k, n in enumerate(self.shape)])
        self._gain_codes = (np.arange(count)[:, None] * self.width + actions).ravel()
        first, second = self.pairs[:, 0], self.pairs[:, 1]
        offsets = np.arange(len(self.pairs))[:, None] * self.width**2
        self._pair_codes = (offsets + actions[first] * self.width + actions[second]).ravel()
        self._gain_summed = ~np.eye(count, dtype=bool)  # [contraction, axis]: the axis is summed with its mix
        # the pairs (i, j) and (j, i) sum over the same players: their weights are computed once
        unordered = [(i, j) for i, j in self.pairs.tolist() if i < j]
        self._pair_summed = np.ones((len(unordered), count), dtype=bool)
        self._pair_summed[np.arange(len(unordered)), [i for i, _ in unordered]] = False
        self._pair_summed[np.arange(len(unordered)), [j for _, j in unordered]] = False
        self._pair_weights = np.array([unordered.index((min(i, j), max(i, j))) for i, j in self.pairs.tolist()])

    def gains(self, payoffs: np.ndarray, mixes: Sequence[np.ndarray] | np.ndarray) -> np.ndarray:
        """``U_i(a)`` as an array ``(players, width)``, zero past each player's actions.

        ``mixes`` is the list of the players' mixes, or their concatenation (one flat array).
        """
        count = len(self.shape)
        weighted = payoffs.reshape(count, -1) * self._weights(self._gain_summed, mixes)
        table = np.bincount(self._gain_codes, weighted.ravel(), minlength=count * self.width)
        return table.reshape(count, self.width)

    def blocks(self, payoffs: np.ndarray, mixes: Sequence[np.ndarray] | np.ndarray) -> np.ndarray:
        """``M_ij(a, b)`` as an array ``(pairs, width, width)``, in the order of :attr:`pairs` (``mixes`` as
        for :meth:`gains`)."""
        count, size = len(self.shape), len(self.pairs) * self.width**2
        weights = self._weights(self._pair_summed, mixes)[self._pair_weights]
        weighted = payoffs.reshape(count, -1)[self.pairs[:, 0]] * weights
        table = np.bincount(self._pair_codes, weighted.ravel(), minlength=size)
        return table.reshape(len(self.pairs), self.width, self.width)

    def _weights(self, summed: np.ndarray, mixes: Sequence[np.ndarray] | np.ndarray) -> np.ndarray:
        """``w_p(s)`` for every contraction ``p`` (a row of ``summed``) and every profile ``s``."""
        flat = isinstance(mixes, np.ndarray)
        if len(summed) * self._actions.size <= _GATHERED:  # every factor gathered at once, one product
            padded = np.zeros((len(self.shape), self.width))
            padded.ravel()[self._padded_at] = mixes if flat else np.concatenate(mixes)
            factors = np.where(summed[:, :, None], padded[None, :, :], 1.0)  # [contraction, player, action]
            return factors[:, self._players, self._actions].prod(axis=1)
        if flat:
            mixes = np.split(mixes, np.cumsum(self.shape)[:-1])
        weights = np.ones((len(summed), 1))
        for k, mix in enumerate(mixes):
            factor = np.where(summed[:, k, None], np.asarray(mix, dtype=float)[None, :], 1.0)
            weights = (weights[:, :, None] * factor[:, None, :]).reshape(len(summed), -1)
        return weights
