"""Convert two-player games to and from :class:`nashpy.Game`, for notebooks that already use nashpy.

nashpy holds a two-player game as two numpy payoff matrices of shape ``(m, n)``:
``A`` for the row player and ``B`` for the column player (``nashpy.Game(A, B)``;
``nashpy.Game(A)`` is the zero-sum game with ``B = -A``), read back from
``nashpy_game.payoff_matrices``.  They are :attr:`~incentives.game.Game.payoffs`
``[0]`` and ``[1]`` of a two-player :class:`~incentives.game.Game`: the row
player is player 0.  nashpy has no names for players or actions, no title and no
company value: :func:`to_nashpy` drops them and :func:`from_nashpy` takes names
as arguments.

Arithmetic
----------
nashpy stores whatever numpy array it is given, and computes in floating point.

- :func:`to_nashpy` gives an exact game whose payoffs are all whole numbers as
  ``int64`` matrices, the same numbers; other exact payoffs (``1/3``) become the
  nearest floats, since nashpy's algorithms take numeric arrays, not fractions.
  A float game gives float matrices.
- :func:`from_nashpy` gives an exact game (:class:`fractions.Fraction` payoffs)
  when both matrices hold integers (an integer dtype, or Python integers and
  fractions in an object array), and a float game otherwise: a float is taken as
  it is, never guessed back into a fraction (``0.1`` stays the float ``0.1``).

So games with whole-number payoffs and float games make the round trip
unchanged; exact games with fractional payoffs come back as float games.

See Also
--------
incentives.solvers.nashpy_methods : nashpy's algorithms as solver methods, for comparison.

References
----------
.. [1] V. Knight and J. Campbell, "Nashpy: A Python library for the computation of
   Nash equilibria", *Journal of Open Source Software* 3(30) (2018) 904.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import GameFormatError
from ..game import Game

__all__ = ["from_nashpy", "to_nashpy"]

_INT64 = np.iinfo(np.int64)


def to_nashpy(game: Game) -> Any:
    """The two-player game as a :class:`nashpy.Game` (payoff matrices only).

    Parameters
    ----------
    game : Game
        A two-player game; player 0 is nashpy's row player.

    Returns
    -------
    nashpy.Game
        With ``payoff_matrices`` ``(game.payoffs[0], game.payoffs[1])``: ``int64``
        when the game is exact with whole-number payoffs, floats otherwise (see the
        module docstring).

    Raises
    ------
    GameFormatError
        If the game does not have exactly two players.

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> row, column = inc.to_nashpy(pd).payoff_matrices
    >>> row.tolist(), column.dtype
    ([[3, 0], [5, 1]], dtype('int64'))
    """
    import nashpy  # a runtime dependency, imported only when a game is converted

    if game.n_players != 2:
        raise GameFormatError(
            f"a nashpy.Game has two players (a row and a column player); this game has {game.n_players} "
            f"({', '.join(game.players)})"
        )
    return nashpy.Game(*_matrices(game))


def _matrices(game: Game) -> tuple[np.ndarray, np.ndarray]:
    """Writable copies of the two payoff matrices: int64 for whole-number exact games, floats otherwise."""
    if game.is_exact and all(_whole_int64(v) for v in game.payoffs.ravel()):
        whole = game.payoffs.astype(np.int64)
        return whole[0], whole[1]
    floats = np.array(game.float_payoffs(), dtype=float)
    return floats[0], floats[1]


def _whole_int64(value: Fraction) -> bool:
    return value.denominator == 1 and _INT64.min <= value.numerator <= _INT64.max


def from_nashpy(
    nashpy_game: Any,
    *,
    players: tuple[str, str] = ("row", "column"),
    actions: tuple[Sequence[str], Sequence[str]] | None = None,
    title: str = "",
) -> Game:
    """A :class:`~incentives.game.Game` from a :class:`nashpy.Game`, with names.

    Parameters
    ----------
    nashpy_game : nashpy.Game
        Anything with nashpy's ``payoff_matrices``: the row player's and the column
        player's matrices, of one shape ``(m, n)``.
    players : tuple of two str
        Names of the row and the column player.
    actions : tuple of two sequences of str, optional
        Action names of each player; default ``r0, r1, ...`` and ``c0, c1, ...``.
    title : str
        A name for the game.

    Returns
    -------
    Game
        Exact when both matrices hold integers (or fractions), float otherwise
        (see the module docstring).

    Raises
    ------
    TypeError
        If ``nashpy_game`` has no ``payoff_matrices``.
    ValueError
        If the matrices are not two 2-D arrays of one shape, or the names do not fit them.

    Examples
    --------
    >>> import nashpy
    >>> import incentives as inc
    >>> pennies = nashpy.Game([[1, -1], [-1, 1]])  # zero sum: the column player gets -A
    >>> game = inc.from_nashpy(pennies, players=("matcher", "mismatcher"),
    ...                        actions=(("heads", "tails"), ("heads", "tails")))
    >>> game.is_exact, game.payoffs[1, 0, 0]
    (True, Fraction(-1, 1))
    >>> [str(p) for p in inc.solve(game)[0].profile[0]]  # exact probabilities
    ['1/2', '1/2']
    >>> inc.from_nashpy(inc.to_nashpy(game), players=game.players, actions=game.actions) == game
    True
    """
    matrices = getattr(nashpy_game, "payoff_matrices", None)
    if matrices is None:
        raise TypeError(f"from_nashpy needs a nashpy.Game (with payoff_matrices); got {type(nashpy_game).__name__}")
    if len(matrices) != 2:
        raise ValueError(f"a nashpy.Game has two payoff matrices; got {len(matrices)}")
    row, column = (_as_matrix(m) for m in matrices)
    return Game.from_bimatrix(row, column, players=players, actions=actions, title=title)


def _as_matrix(values: Any) -> np.ndarray:
    """Python ints and Fractions (an object array) when every entry is an integer or a fraction, else floats."""
    array = np.asarray(values)
    if array.dtype.kind in "iu":
        return array.astype(object)  # numpy integers become Python ints: an exact game
    if array.dtype == object:
        entries = [int(v) if isinstance(v, np.integer) else v for v in array.ravel()]
        if all(isinstance(v, (int, Fraction)) and not isinstance(v, bool) for v in entries):
            return np.array(entries, dtype=object).reshape(array.shape)
    return np.asarray(array, dtype=float)
