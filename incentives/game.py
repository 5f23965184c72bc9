"""Normal-form games: the payoff arrays that every solver reads.

Axis convention
---------------
A game with players ``0, ..., N-1``, where player ``i`` has ``n_i`` actions,
stores its payoffs in one array ``payoffs`` of shape ``(N, n_0, ..., n_{N-1})``:

    ``payoffs[i, a_0, ..., a_{N-1}]`` is player ``i``'s payoff when each player
    ``j`` plays action ``a_j``.

Player ``i``'s own action is therefore on axis ``i + 1`` of ``payoffs`` and on
axis ``i`` of ``payoffs[i]``.  The optional ``company_value`` array has shape
``(n_0, ..., n_{N-1})``: the value the organisation as a whole gets from each
profile.

A game is *exact* when its arrays hold :class:`fractions.Fraction` objects
(``dtype=object``) instead of floats; solvers then report exact probabilities.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ._display import report_text
from ._util import profile_label, readonly
from .errors import GameTooLargeError
from .limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_PROFILES

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PROFILES",
    "Game",
    "SizeBudget",
    "check_game_size",
    "describe_shape",
    "integer_vector",
]


#: Rough size of one exact payoff (a Fraction and its two integers) in bytes.
_EXACT_ITEM_BYTES = 160


def integer_vector(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Rationals as whole numbers over their least common denominator.

    Parameters
    ----------
    values : numpy.ndarray
        Any shape; entries :class:`~fractions.Fraction` or int.

    Returns
    -------
    (numerators, denominator)
        An object array of Python ints of the same shape, and the positive int
        ``denominator``, with ``values == numerators / denominator``.

    Examples
    --------
    >>> numerators, denominator = integer_vector(np.array([Fraction(1, 2), Fraction(1, 3), 1], dtype=object))
    >>> numerators.tolist(), denominator
    ([3, 2, 6], 6)
    """
    flat = [Fraction(v) for v in np.asarray(values, dtype=object).ravel()]
    denominator = math.lcm(*(v.denominator for v in flat)) if flat else 1
    numerators = np.empty(len(flat), dtype=object)
    numerators[:] = [v.numerator * (denominator // v.denominator) for v in flat]
    return numerators.reshape(np.shape(values)), denominator


def check_game_size(
    shape: Sequence[int], *, exact: bool = False, max_bytes: int = DEFAULT_MAX_BYTES, arrays: int | None = None
) -> int:
    """Refuse a game whose arrays would not fit in the memory budget.

    Parameters
    ----------
    shape : sequence of int
        Number of actions of each player.
    exact : bool
        Whether payoffs are stored as fractions (much larger per entry).
    max_bytes : int
        The memory budget.
    arrays : int, optional
        How many arrays over all profiles will be held (default: one payoff array per
        player and the company value; an evaluated model adds one per KPI).

    Returns
    -------
    int
        The bytes those arrays will take.

    Raises
    ------
    GameTooLargeError
        If the game would need more than ``max_bytes``.

    Examples
    --------
    >>> check_game_size([2, 3])  # 6 profiles x (2 payoffs + company value) x 8 bytes
    144
    >>> check_game_size([1000] * 4)
    Traceback (most recent call last):
    ...
    incentives.errors.GameTooLargeError: a game of 4 players ... would need 36.4 TiB ...; the budget is 2.0 GiB
    """
    profiles = 1
    for n in shape:
        profiles *= int(n)
    item = _EXACT_ITEM_BYTES if exact else 8
    needed = profiles * (len(shape) + 1 if arrays is None else arrays) * item
    if needed > max_bytes:
        raise GameTooLargeError(
            f"a game of {describe_shape(shape, 'player')} has {_count(profiles)} profiles "
            f"and would need {_human_bytes(needed)} for its payoffs; "
            f"the budget is {_human_bytes(max_bytes)}"
        )
    return needed


@dataclass(frozen=True, kw_only=True)
class SizeBudget:
    """How large a model may be before any memory is spent on it: one budget for every path.

    Every step that holds arrays over all action profiles (evaluating the model, the KPI
    alignment, the dependency graph's effects, design, a sweep's batch of points) checks
    its own need against the budget of the model it works on, before it allocates.

    Parameters
    ----------
    max_profiles : int
        Largest number of action profiles (the product of the departments' numbers of actions).
    max_bytes : int
        Largest memory for the arrays one step holds at once.

    Examples
    --------
    >>> SizeBudget().check((2, 2, 2, 2), arrays=14)  # bytes the step will hold
    1792
    >>> SizeBudget().check((5,) * 10, arrays=20, task="evaluating the model")
    Traceback (most recent call last):
    ...
    incentives.errors.GameTooLargeError: evaluating the model: 10 departments with 5 actions each make 9,765,625 ...
    """

    max_profiles: int = DEFAULT_MAX_PROFILES
    max_bytes: int = DEFAULT_MAX_BYTES

    def __post_init__(self) -> None:
        for name in ("max_profiles", "max_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"The {name!r} parameter of SizeBudget must be an int in [1, inf). Got {value!r} instead."
                )

    def check(self, shape: Sequence[int], *, arrays: float, exact: bool = False, task: str = "this step") -> int:
        """Refuse ``task`` if it would hold ``arrays`` arrays over all profiles of ``shape`` beyond the budget.

        Returns the bytes it will hold.  Raises :class:`~incentives.errors.GameTooLargeError`
        saying how many profiles, how much memory, the limits and what to do.
        """
        profiles = math.prod(int(n) for n in shape)
        needed = int(profiles * arrays * (_EXACT_ITEM_BYTES if exact else 8))
        if profiles <= self.max_profiles and needed <= self.max_bytes:
            return needed
        raise GameTooLargeError(
            f"{task}: {describe_shape(shape)} make {_count(profiles)} action profiles and would need about "
            f"{_human_bytes(needed)}; the limits are {self.max_profiles:,} profiles and "
            f"{_human_bytes(self.max_bytes)}. "
            "Give departments fewer actions or merge departments, raise the limit (--max-profiles on the command "
            "line, budget=SizeBudget(max_profiles=...) in Python) if the machine has the memory, or sweep a sample "
            "of points instead of a full grid"
        )


def describe_shape(shape: Sequence[int], noun: str = "department") -> str:
    """``"4 departments with 2 actions each"`` or ``"3 departments with 2 x 3 x 2 actions"``.

    Examples
    --------
    >>> describe_shape((2, 2, 2)), describe_shape((2, 3)), describe_shape((2,) * 200)
    ('3 departments with 2 actions each', '2 departments with 2 x 3 actions', '200 departments with 2 actions each')
    """
    sizes = [int(n) for n in shape]
    count = f"{len(sizes)} {noun}{'s' if len(sizes) != 1 else ''}"
    if len(set(sizes)) == 1:
        return f"{count} with {sizes[0]} action{'s' if sizes[0] != 1 else ''}{' each' if len(sizes) > 1 else ''}"
    if len(sizes) <= 12:
        return f"{count} with {' x '.join(map(str, sizes))} actions"
    return f"{count} with between {min(sizes)} and {max(sizes)} actions"


def _count(n: int) -> str:
    """``"9,765,625"``, or ``"about 1.6e+60"`` for counts too long to read."""
    return f"{n:,}" if n < 10**15 else f"about {float(n):.2g}"


def _human_bytes(n: int) -> str:
    if n >= 1024**6:
        return f"{float(n):.2g} bytes"
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if size < 1024 or unit == "PiB":
            return f"{size:.1f} {unit}" if unit != "B" else f"{int(size)} B"
        size /= 1024
    raise AssertionError("unreachable")


def _as_payoff_array(values: Any) -> np.ndarray:
    """Float array, or an object array of Fractions when every entry is rational."""
    array = np.asarray(values)
    if array.dtype == object:
        flat = [Fraction(v) if isinstance(v, (int, Fraction)) else v for v in array.ravel()]
        if all(isinstance(v, Fraction) for v in flat):
            out = np.empty(array.shape, dtype=object)
            out.ravel()[:] = flat
            return out
        return np.asarray(np.vectorize(float, otypes=[float])(array), dtype=float)
    if array.dtype.kind in "iub":
        return array.astype(float)
    if array.dtype.kind != "f":
        raise ValueError(f"payoffs must be numbers; got an array of dtype {array.dtype}")
    return array if array.dtype == np.float64 else array.astype(float)


@dataclass(frozen=True, kw_only=True)
class Game:
    """An N-player normal-form game with named players and actions.

    Parameters
    ----------
    players : tuple of str
        Player names, in axis order.
    actions : tuple of tuple of str
        Action names of each player, in index order.
    payoffs : numpy.ndarray
        Shape ``(N, n_0, ..., n_{N-1})``; see the module docstring.
    company_value : numpy.ndarray or None
        Shape ``(n_0, ..., n_{N-1})``: the organisation's value of each profile.
    title : str
        A name for the game.

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]],
    ...                             players=("row", "col"))
    >>> pd.shape
    (2, 2)
    >>> pd.payoffs[1, 0, 1]  # col's payoff when row plays 0 and col plays 1
    Fraction(5, 1)
    """

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    payoffs: np.ndarray
    company_value: np.ndarray | None = None
    title: str = ""

    def __post_init__(self) -> None:
        players = tuple(str(p) for p in self.players)
        actions = tuple(tuple(str(a) for a in acts) for acts in self.actions)
        payoffs = _as_payoff_array(self.payoffs)
        shape = tuple(len(acts) for acts in actions)
        if len(players) < 1:
            raise ValueError("a game needs at least one player")
        if len(set(players)) != len(players):
            raise ValueError(f"player names must be unique; got {list(players)}")
        if len(actions) != len(players):
            raise ValueError(
                f"'actions' must list the actions of each of the {len(players)} players; got {len(actions)} lists"
            )
        for player, acts in zip(players, actions, strict=True):
            if not acts:
                raise ValueError(f"player {player!r} must have at least one action")
            if len(set(acts)) != len(acts):
                raise ValueError(f"action names of player {player!r} must be unique; got {list(acts)}")
        if payoffs.shape != (len(players), *shape):
            raise ValueError(
                f"'payoffs' must have shape {(len(players), *shape)} (players, then one axis per "
                f"player's actions); got {payoffs.shape}"
            )
        if payoffs.dtype != object and not np.all(np.isfinite(payoffs)):
            raise ValueError("'payoffs' must be finite numbers; got NaN or infinity")
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "actions", actions)
        object.__setattr__(self, "payoffs", readonly(payoffs))
        if self.company_value is not None:
            value = _as_payoff_array(self.company_value)
            if value.shape != shape:
                raise ValueError(f"'company_value' must have shape {shape}; got {value.shape}")
            object.__setattr__(self, "company_value", readonly(value))

    @classmethod
    def _checked(
        cls,
        *,
        players: tuple[str, ...],
        actions: tuple[tuple[str, ...], ...],
        payoffs: np.ndarray,
        company_value: np.ndarray,
        title: str,
    ) -> Game:
        """A game from arrays its maker has already checked: neither copied nor checked again.

        For the evaluation kernel only, which has checked what ``__post_init__`` would: unique
        names, read-only float arrays of the right shapes, every payoff a finite number.
        """
        game = object.__new__(cls)
        fields = {"players": players, "actions": actions, "payoffs": payoffs, "company_value": company_value}
        for name, value in {**fields, "title": title}.items():
            object.__setattr__(game, name, value)
        return game

    # -- construction -------------------------------------------------------------
    @classmethod
    def from_bimatrix(
        cls,
        row: Any,
        col: Any,
        *,
        players: tuple[str, str] = ("row", "column"),
        actions: tuple[Sequence[str], Sequence[str]] | None = None,
        title: str = "",
    ) -> Game:
        """Two-player game from the row player's and the column player's payoff matrices.

        Integer and :class:`~fractions.Fraction` entries give an exact game.

        Examples
        --------
        >>> from fractions import Fraction
        >>> g = Game.from_bimatrix([[1, 0], [0, 1]], [[Fraction(1, 2), 0], [0, 1]])
        >>> g.is_exact, g.actions
        (True, (('r0', 'r1'), ('c0', 'c1')))
        """
        a = np.asarray(row, dtype=object if _all_rational(row, col) else float)
        b = np.asarray(col, dtype=a.dtype)
        if a.ndim != 2 or a.shape != b.shape:
            raise ValueError(
                f"row and column payoff matrices must be 2-D and of the same shape; "
                f"got {np.shape(row)} and {np.shape(col)}"
            )
        if actions is None:
            actions = ([f"r{i}" for i in range(a.shape[0])], [f"c{j}" for j in range(a.shape[1])])
        return cls(
            players=players,
            actions=(tuple(actions[0]), tuple(actions[1])),
            payoffs=np.stack([a, b]),
            title=title,
        )

    @classmethod
    def from_payoffs(
        cls,
        payoffs: Any,
        *,
        players: Sequence[str] | None = None,
        actions: Sequence[Sequence[str]] | None = None,
        title: str = "",
    ) -> Game:
        """N-player game from an array of shape ``(N, n_0, ..., n_{N-1})``, with default names."""
        array = np.asarray(payoffs, dtype=object if _all_rational(payoffs) else float)
        n = array.shape[0]
        players = tuple(players) if players is not None else tuple(f"player {i + 1}" for i in range(n))
        if actions is None:
            actions = [tuple(f"{i + 1}.{k + 1}" for k in range(m)) for i, m in enumerate(array.shape[1:])]
        return cls(players=tuple(players), actions=tuple(tuple(a) for a in actions), payoffs=array, title=title)

    # -- properties -----------------------------------------------------------------
    @property
    def n_players(self) -> int:
        """Number of players."""
        return len(self.players)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of actions of each player."""
        return tuple(len(a) for a in self.actions)

    @property
    def n_profiles(self) -> int:
        """Number of pure action profiles."""
        return int(np.prod(self.shape))

    @property
    def is_exact(self) -> bool:
        """Whether payoffs are exact fractions."""
        return bool(self.payoffs.dtype == object)

    def to_float(self) -> Game:
        """The same game with float payoffs."""
        if not self.is_exact:
            return self
        value = None if self.company_value is None else self.company_value.astype(float)
        return Game(
            players=self.players,
            actions=self.actions,
            payoffs=self.payoffs.astype(float),
            company_value=value,
            title=self.title,
        )

    def float_payoffs(self) -> np.ndarray:
        """Payoffs as a float array, whatever the game's arithmetic (computed once, read-only)."""
        return self._float_payoffs

    @functools.cached_property
    def _float_payoffs(self) -> np.ndarray:
        if not self.is_exact:
            return self.payoffs
        return readonly(self.payoffs.astype(float))

    @functools.cached_property
    def integer_payoffs(self) -> tuple[np.ndarray, int]:
        """An exact game's payoffs as whole numbers over one common denominator (computed once).

        Returns an object array of Python ints ``numerators`` and the int
        ``denominator`` with ``payoffs == numerators / denominator``: sums of
        products in whole numbers are many times faster than in fractions.

        Raises
        ------
        ValueError
            If the game is not exact.

        Examples
        --------
        >>> numerators, denominator = Game.from_bimatrix([[Fraction(1, 2)]], [[Fraction(2, 3)]]).integer_payoffs
        >>> numerators.tolist(), denominator
        ([[[3]], [[4]]], 6)
        """
        if not self.is_exact:
            raise ValueError("integer_payoffs needs an exact game (Fraction payoffs)")
        numerators, denominator = integer_vector(self.payoffs)
        return readonly(numerators), denominator

    @functools.cached_property
    def payoff_scale(self) -> float:
        """``max(1, max |payoff|)``: the scale that relative tolerances are taken against."""
        payoffs = self.float_payoffs()
        return max(1.0, float(payoffs.max()), -float(payoffs.min()))  # no |x| temporary array

    def player_index(self, player: str | int) -> int:
        """Index of a player given by name or index."""
        if isinstance(player, int):
            if not 0 <= player < self.n_players:
                raise ValueError(f"player index must be in [0, {self.n_players}); got {player}")
            return player
        try:
            return self.players.index(player)
        except ValueError:
            raise ValueError(f"unknown player {player!r}; the players are {list(self.players)}") from None

    def action_index(self, player: str | int, action: str) -> int:
        """Index of ``action`` among ``player``'s actions."""
        i = self.player_index(player)
        try:
            return self.actions[i].index(action)
        except ValueError:
            raise ValueError(
                f"unknown action {action!r} of {self.players[i]!r}; its actions are {list(self.actions[i])}"
            ) from None

    def profile_label(self, indices: Sequence[int]) -> str:
        """``"sales=aggressive, support=fast"`` for a pure profile given by action indices."""
        return profile_label(self.players, self.actions, indices)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Game):
            return NotImplemented
        if (self.players, self.actions, self.title) != (other.players, other.actions, other.title):
            return False
        if not np.array_equal(self.payoffs, other.payoffs):
            return False
        if self.company_value is None or other.company_value is None:
            return self.company_value is None and other.company_value is None
        return bool(np.array_equal(self.company_value, other.company_value))

    __hash__ = None  # type: ignore[assignment]


def _all_rational(*arrays: Any) -> bool:
    for values in arrays:
        if isinstance(values, np.ndarray) and values.dtype != object:
            return False  # numeric arrays are floats (numpy integers included); no per-entry check
        flat = np.asarray(values, dtype=object).ravel()
        if not all(isinstance(v, (int, Fraction)) and not isinstance(v, bool) for v in flat):
            return False
    return True
