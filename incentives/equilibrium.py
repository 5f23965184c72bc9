"""Mixed profiles, expected payoffs and regret: the independent check of every equilibrium.

Definitions
-----------
A *mixed profile* gives each player ``i`` a probability vector ``sigma_i`` over
its actions.  Player ``i``'s *deviation payoffs* are the expected payoffs of each
of its pure actions when the others play ``sigma_{-i}``; its expected payoff is
``sigma_i . deviation_payoffs_i``.  The *regret* of a profile is the largest gain
any player can get by a unilateral deviation:

    ``regret(sigma) = max_i (max_a deviation_payoffs_i[a] - sigma_i . deviation_payoffs_i)``

A profile is a Nash equilibrium exactly when its regret is zero (within a
tolerance, in floating point).  The computation here shares no code with the
solvers, so it checks them independently.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

import numpy as np

from ._util import readonly
from .game import Game, integer_vector

__all__ = [
    "Equilibrium",
    "Named",
    "ProfileRows",
    "action_values",
    "as_profile",
    "deviation_payoffs",
    "expected_payoffs",
    "expected_value",
    "format_number",
    "make_equilibria",
    "make_equilibrium",
    "profile_words",
    "pure_profile",
    "regret",
    "strategy_label",
]

Profile = tuple[np.ndarray, ...]


class ProfileRows(Sequence[Profile]):
    """Float two-player profiles held as the rows of one array: the row player's ``m`` probabilities, then the column's.

    A sequence of profiles like any other (each item is ``(x, y)``, read-only views
    into the rows), which :func:`make_equilibria` and :func:`~incentives.solve`
    read without copying profile by profile.

    Examples
    --------
    >>> import numpy as np
    >>> found = ProfileRows(np.array([[1.0, 0.0, 0.5, 0.5]]), 2)
    >>> len(found), [p.tolist() for p in found[0]], len(found[0:0])
    (1, [[1.0, 0.0], [0.5, 0.5]], 0)
    """

    def __init__(self, flat: np.ndarray, m: int) -> None:
        self.flat = readonly(flat, copy=False)
        self.rows, self.cols = self.flat[:, :m], self.flat[:, m:]

    def __len__(self) -> int:
        return len(self.flat)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return ProfileRows(self.flat[index], self.rows.shape[1])
        return self.rows[index], self.cols[index]

    def take(self, indices: Sequence[int] | np.ndarray) -> ProfileRows:
        """The profiles at these positions, in this order."""
        return ProfileRows(self.flat[np.asarray(indices, dtype=np.intp)], self.rows.shape[1])


def pure_profile(game: Game, indices: Sequence[int]) -> Profile:
    """Mixed-profile form of a pure profile given by action indices.

    Examples
    --------
    >>> import incentives as inc
    >>> g = inc.Game.from_bimatrix([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    >>> [p.tolist() for p in pure_profile(g, (1, 0))]
    [[Fraction(0, 1), Fraction(1, 1)], [Fraction(1, 1), Fraction(0, 1)]]
    """
    one, zero = (Fraction(1), Fraction(0)) if game.is_exact else (1.0, 0.0)
    out = []
    for n, k in zip(game.shape, indices, strict=True):
        vec = np.array([zero] * n, dtype=object if game.is_exact else float)
        vec[k] = one
        out.append(vec)
    return tuple(out)


#: Probabilities of these types keep a profile exact (``bool`` is excluded on purpose).
_RATIONAL_TYPES = frozenset({int, Fraction})


def as_profile(game: Game, profile: Sequence[Any]) -> Profile:
    """Validate a mixed profile against ``game`` and return it as arrays.

    Exact games keep exact probabilities when every probability is rational.
    """
    if len(profile) != game.n_players:
        raise ValueError(f"a profile needs one probability vector per player ({game.n_players}); got {len(profile)}")
    exact = game.is_exact and all(
        type(p) in _RATIONAL_TYPES for vec in profile for p in np.asarray(vec, dtype=object).ravel()
    )
    out = []
    for player, n, vec in zip(game.players, game.shape, profile, strict=True):
        if exact:
            arr = np.array([p if type(p) is Fraction else Fraction(p) for p in vec], dtype=object)
        else:
            arr = np.asarray(vec, dtype=float)
        if arr.shape != (n,):
            raise ValueError(f"the probability vector of {player!r} must have {n} entries; got shape {arr.shape}")
        if not exact and not np.all(np.isfinite(arr)):
            raise ValueError(f"the probability vector of {player!r} has NaN or infinite entries")
        out.append(arr)
    return tuple(out)


def action_values(payoffs: np.ndarray, profile: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Each player's expected payoff of each of its actions against the others' mixed strategies.

    The kernel of :func:`deviation_payoffs` on a raw payoff array (shape ``(N, n_0, ...)``),
    for callers that iterate on floats (learning dynamics).

    Examples
    --------
    >>> pennies = np.array([[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]])
    >>> [v.tolist() for v in action_values(pennies, [np.array([1.0, 0.0]), np.array([0.25, 0.75])])]
    [[-0.5, 0.5], [-1.0, 1.0]]
    """
    return [_contract_others(payoffs[i], tuple(profile), i) for i in range(len(profile))]


def _contract_others(payoff: np.ndarray, profile: Profile, own: int) -> np.ndarray:
    """Contract every axis but ``own`` of one player's payoff array with the profile."""
    if payoff.ndim == 2:  # two players: one product, without tensordot's reshaping
        return np.asarray(payoff @ profile[1] if own == 0 else profile[0] @ payoff)
    if payoff.dtype != object:  # own axis first, then the last axis contracted by one product at a time
        result = payoff.transpose(own, *(axis for axis in range(payoff.ndim) if axis != own))
        for axis in range(len(profile) - 1, -1, -1):
            if axis != own:
                result = result @ profile[axis]
        return np.asarray(result)
    result = payoff
    # contract from the last axis down so earlier axis numbers stay valid
    for axis in range(len(profile) - 1, -1, -1):
        if axis == own:
            continue
        result = np.tensordot(result, profile[axis], axes=([axis], [0]))
    return np.asarray(result)


def _contract_exact(game: Game, vectors: list[tuple[np.ndarray, int]], own: int) -> np.ndarray:
    """:func:`_contract_others` for exact games, with the profile's ``vectors`` as whole numbers over a denominator.

    Python ints add and multiply many times faster than fractions, so only the
    result is turned back into fractions.
    """
    numerators, denominator = game.integer_payoffs
    result = _contract_others(numerators[own], tuple(num for num, _ in vectors), own)
    scale = denominator * math.prod(den for axis, (_, den) in enumerate(vectors) if axis != own)
    out = np.empty(result.shape, dtype=object)
    out[...] = [Fraction(int(v), scale) for v in result.ravel()]
    return out


def deviation_payoffs(game: Game, profile: Sequence[Any]) -> list[np.ndarray]:
    """Each player's expected payoff of each of its pure actions against the others' mix."""
    return _deviation_payoffs(game, as_profile(game, profile))


def _deviation_payoffs(game: Game, prof: Profile) -> list[np.ndarray]:
    """:func:`deviation_payoffs` of a profile :func:`as_profile` already returned."""
    payoffs = game.payoffs if _is_exact_profile(prof) else game.float_payoffs()
    cell = _pure_cell(prof)
    if cell is not None:  # pure profile: each player's row along its own axis, no contraction
        rows: list[np.ndarray] = []
        for i in range(game.n_players):
            index: tuple[Any, ...] = (i, *cell[:i], slice(None), *cell[i + 1 :])
            rows.append(np.array(payoffs[index]))
        return rows
    if payoffs.dtype == object:
        vectors = [integer_vector(vec) for vec in prof]
        return [_contract_exact(game, vectors, i) for i in range(game.n_players)]
    return action_values(payoffs, prof)


def expected_payoffs(game: Game, profile: Sequence[Any]) -> np.ndarray:
    """Expected payoff of each player under a mixed profile."""
    prof = as_profile(game, profile)
    return _expected(prof, deviation_payoffs(game, prof))


def _expected(profile: Profile, deviation: list[np.ndarray]) -> np.ndarray:
    values = [np.dot(p, d) for p, d in zip(profile, deviation, strict=True)]
    return np.array(values, dtype=object if _is_exact_profile(profile) else float)


def regret(game: Game, profile: Sequence[Any]) -> float | Fraction:
    """Largest gain from a unilateral deviation (0 at a Nash equilibrium).

    Also counts how far the profile is from being a probability distribution
    (negative entries, sums other than one), so an invalid profile never has
    zero regret.

    Examples
    --------
    >>> import incentives as inc
    >>> mp = inc.Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> from fractions import Fraction as F
    >>> regret(mp, [[F(1, 2), F(1, 2)], [F(1, 2), F(1, 2)]])
    Fraction(0, 1)
    >>> regret(mp, [[1, 0], [1, 0]])
    Fraction(2, 1)
    """
    prof = as_profile(game, profile)
    dev = deviation_payoffs(game, prof)
    return _regret(prof, dev, _expected(prof, dev), game.payoff_scale)


def _regret(prof: Profile, dev: list[np.ndarray], expected: np.ndarray, scale: float) -> float | Fraction:
    """:func:`regret` from the deviation payoffs and the expected payoffs."""
    gains = [max(d) - value for d, value in zip(dev, expected, strict=True)]
    infeasibility = [max(-min(p), 0) + abs(sum(p) - 1) for p in prof]
    worst = max(max(gains), 0)
    if _is_exact_profile(prof):
        return Fraction(worst) + Fraction(scale) * Fraction(max(infeasibility))
    return float(worst) + scale * float(max(infeasibility))


def _is_exact_profile(profile: Profile) -> bool:
    return all(vec.dtype == object for vec in profile)


@dataclass(frozen=True, kw_only=True)
class Equilibrium:
    """A verified equilibrium: a mixed profile with its payoffs and regret.

    Parameters
    ----------
    profile : tuple of numpy.ndarray
        One probability vector per player, in the game's action order.
    payoffs : numpy.ndarray
        Expected payoff of each player.
    regret : float or Fraction
        Largest gain from a unilateral deviation, computed by :func:`regret`.
    company_value : float, Fraction or None
        Expected company value, when the game carries one.
    """

    profile: Profile
    payoffs: np.ndarray
    regret: float | Fraction
    company_value: float | Fraction | None = None

    @property
    def is_pure(self) -> bool:
        """Whether every player plays one action with probability one."""
        return all(int(np.count_nonzero(np.asarray(p, dtype=float) > 0)) == 1 for p in self.profile)

    @property
    def is_exact(self) -> bool:
        """Whether the probabilities are exact fractions."""
        return _is_exact_profile(self.profile)

    @property
    def support(self) -> tuple[tuple[int, ...], ...]:
        """Indices of the actions each player plays with positive probability."""
        return tuple(tuple(int(k) for k in np.flatnonzero(np.asarray(p, dtype=float) > 0)) for p in self.profile)

    def pure_indices(self) -> tuple[int, ...] | None:
        """Action indices of a pure equilibrium, or None when it is mixed."""
        if not self.is_pure:
            return None
        return tuple(s[0] for s in self.support)

    def describe(self, game: Game) -> str:
        """Human label: ``"sales=aggressive, support=fast"`` or the mixture of each player."""
        return profile_words(game, self.profile)


def strategy_label(actions: Sequence[str], probabilities: Iterable[Any], *, least: float = 0.0) -> str:
    """What a player plays: its action, or its mixture ``"2/3 opera + 1/3 football"``.

    Actions played with probability at most ``least`` are left out (0: only those never played).

    Examples
    --------
    >>> from fractions import Fraction
    >>> strategy_label(["opera", "football"], [Fraction(2, 3), Fraction(1, 3)])
    '2/3 opera + 1/3 football'
    >>> strategy_label(["opera", "football"], [0, 1]), strategy_label(["a", "b"], [1e-5, 1 - 1e-5], least=5e-4)
    ('football', 'b')
    """
    probs = list(probabilities)
    # exact fractions compare slowly: the zeros (most actions of a large game) are skipped first
    played = [(actions[k], probs[k]) for k in range(len(probs)) if probs[k] != 0 and probs[k] > least]
    if len(probs) != len(actions):
        raise ValueError(f"{len(probs)} probabilities for {len(actions)} actions")
    if len(played) == 1:
        return played[0][0]
    return " + ".join(f"{format_number(p)} {a}" for a, p in played)


class Named(Protocol):
    """Anything with the players and their actions: a :class:`~incentives.game.Game`, a QRE path."""

    @property
    def players(self) -> tuple[str, ...]: ...

    @property
    def actions(self) -> tuple[tuple[str, ...], ...]: ...


def profile_words(game: Named, profile: Sequence[Any], *, least: float = 0.0) -> str:
    """``"sales=aggressive, support=(1/2 fast + 1/2 thorough)"`` for a mixed profile (see :func:`strategy_label`).

    ``game`` can be anything that names the players and their actions (a :class:`Game`, a QRE path).

    Examples
    --------
    >>> pd = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], players=("row", "col"))
    >>> profile_words(pd, [[0, 1], [Fraction(1, 3), Fraction(2, 3)]])
    'row=r1, col=(1/3 c0 + 2/3 c1)'
    """
    parts = []
    for player, acts, probs in zip(game.players, game.actions, profile, strict=True):
        label = strategy_label(acts, probs, least=least)
        parts.append(f"{player}={label}" if " + " not in label else f"{player}=({label})")
    return ", ".join(parts)


def format_number(value: Any, digits: int = 6) -> str:
    """A number as a person reads it: a short decimal when exact, else a readable fraction, else three decimals.

    A fraction prints as ``2/3`` when both its numerator and denominator are at most
    :data:`READABLE_FRACTION` (a probability such as ``13/47``, a payoff such as ``28/3``);
    when its decimal is exact and short it prints as that decimal (``0.25``, ``153.6``); any
    other fraction, and every float, prints rounded to three decimals (``218.857``).

    Examples
    --------
    >>> from fractions import Fraction
    >>> format_number(Fraction(2, 3)), format_number(Fraction(1, 4)), format_number(0.1 + 0.2)
    ('2/3', '0.25', '0.3')
    >>> format_number(Fraction(-28, 3)), format_number(Fraction(1532, 7)), format_number(Fraction(-109, 150))
    ('-28/3', '218.857', '-0.727')
    >>> format_number(29 / 6), format_number(2.5e-7)
    ('4.833', '2.5e-07')
    """
    if isinstance(value, Fraction):
        return _format_fraction(value, digits)
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    if abs(value) >= 0.001:
        return f"{round(value, 3):.{max(digits, 12)}g}"
    return f"{value:.3g}"


#: The largest numerator and denominator a fraction may have to be shown as one.
READABLE_FRACTION = 100


def _format_fraction(value: Fraction, digits: int = 6) -> str:
    den, places = value.denominator, 0
    for prime in (2, 5):
        count = 0
        while den % prime == 0:
            den //= prime
            count += 1
        places = max(places, count)
    if den != 1 or places > 6:
        if abs(value.numerator) <= READABLE_FRACTION and value.denominator <= READABLE_FRACTION:
            return str(value)
        return format_number(float(value), digits)
    if places == 0:
        return str(value.numerator)
    scaled = abs(value.numerator) * 10**places // value.denominator
    sign = "-" if value < 0 else ""
    return f"{sign}{scaled // 10**places}.{scaled % 10**places:0{places}d}".rstrip("0").rstrip(".")


def make_equilibrium(game: Game, profile: Sequence[Any]) -> Equilibrium:
    """Wrap a profile as an :class:`Equilibrium`, computing its payoffs and regret.

    The regret is computed, not assumed: callers decide from it whether the
    profile is an equilibrium.
    """
    prof = as_profile(game, profile)
    value = None
    if game.company_value is not None:
        weights = game.company_value if _is_exact_profile(prof) else np.asarray(game.company_value, dtype=float)
        value = expected_value(weights, prof)
    dev = _deviation_payoffs(game, prof)
    payoffs = _expected(prof, dev)
    return Equilibrium(
        profile=tuple(readonly(p) for p in prof),
        payoffs=readonly(payoffs),
        regret=_regret(prof, dev, payoffs, game.payoff_scale),
        company_value=value,
    )


def make_equilibria(game: Game, profiles: Sequence[Sequence[Any]]) -> list[Equilibrium]:
    """:func:`make_equilibrium` for every profile; float two-player profiles in one vectorised pass.

    The vectorised pass computes the same quantities from the same definitions
    (deviation payoffs, expected payoffs, regret with the infeasibility term, the
    company value) for all profiles at once; any other game or profile goes one
    at a time.

    Examples
    --------
    >>> import incentives as inc
    >>> pennies = inc.Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]).to_float()
    >>> found = make_equilibria(pennies, [([0.5, 0.5], [0.5, 0.5]), ([1.0, 0.0], [1.0, 0.0])])
    >>> [float(e.regret) for e in found], found[1].payoffs.tolist()
    ([0.0, 2.0], [1.0, -1.0])
    """
    stacked = _two_player_stack(game, profiles)
    if stacked is None:
        return [make_equilibrium(game, p) for p in profiles]
    rows, cols = stacked
    a, b = game.float_payoffs()
    # numpy's own loops, not BLAS: small products on a busy machine are slower through OpenBLAS's threads
    deviation = (np.einsum("ij,kj->ki", a, cols), np.einsum("ki,ij->kj", rows, b))
    payoffs = np.empty((len(rows), 2))
    payoffs[:, 0] = np.einsum("ki,ki->k", rows, deviation[0])
    payoffs[:, 1] = np.einsum("kj,kj->k", cols, deviation[1])
    payoffs.setflags(write=False)
    gains = np.maximum(deviation[0].max(axis=1) - payoffs[:, 0], deviation[1].max(axis=1) - payoffs[:, 1])
    flat = profiles.flat if isinstance(profiles, ProfileRows) else np.hstack([rows, cols])
    bounds = [0, len(a)]
    infeasible = np.maximum(-np.minimum.reduceat(flat, bounds, axis=1), 0.0) + np.abs(
        np.add.reduceat(flat, bounds, axis=1) - 1.0
    )
    regrets = (np.maximum(gains, 0.0) + game.payoff_scale * infeasible.max(axis=1)).tolist()
    values: list[Any] = [None] * len(rows)
    if game.company_value is not None:
        weights = np.asarray(game.company_value, dtype=float)
        values = np.einsum("ki,ij,kj->k", rows, weights, cols).tolist()
    return [
        Equilibrium(profile=(rows[k], cols[k]), payoffs=payoffs[k], regret=regrets[k], company_value=values[k])
        for k in range(len(rows))
    ]


def _two_player_stack(game: Game, profiles: Sequence[Sequence[Any]]) -> tuple[np.ndarray, np.ndarray] | None:
    """Each player's probability vectors as the rows of one read-only float array, or None.

    None unless the game is a float two-player game and every profile is a
    finite float profile of the right shape (the others go through :func:`as_profile`).
    """
    if game.n_players != 2 or game.is_exact or not profiles:
        return None
    if isinstance(profiles, ProfileRows) and profiles.rows.shape[1] == game.shape[0]:
        if profiles.cols.shape[1] == game.shape[1] and np.isfinite(profiles.flat).all():
            return profiles.rows, profiles.cols
        return None
    stacked = []
    for player, n in enumerate(game.shape):
        try:
            array = np.array([p[player] for p in profiles], dtype=float)
        except (ValueError, TypeError, IndexError):
            return None
        if array.shape != (len(profiles), n) or not np.isfinite(array).all():
            return None
        array.setflags(write=False)
        stacked.append(array)
    return stacked[0], stacked[1]


def expected_value(array: np.ndarray, profile: Sequence[Any]) -> Any:
    """Expected value of an array over profiles (shape ``(n_0, ..., n_{N-1})``) under a mixed profile.

    Exact (a Fraction) when both the array and the profile are exact, a float otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> expected_value(np.array([[1.0, 2.0], [3.0, 4.0]]), [[0.5, 0.5], [1.0, 0.0]])
    2.0
    """
    profile = tuple(np.asarray(p) for p in profile)
    exact = array.dtype == object and _is_exact_profile(profile)
    cell = _pure_cell(profile)
    if cell is not None:  # a pure profile: read the entry, no contraction
        value = array[cell]
        return value if exact and isinstance(value, Fraction) else float(value)
    if exact:  # only the profiles played matter: contract over the supports (Python arithmetic is slow)
        supports = [np.flatnonzero(p != 0) for p in profile]
        array = array[np.ix_(*supports)]
        profile = tuple(p[s] for p, s in zip(profile, supports, strict=True))
    else:
        array = np.asarray(array, dtype=float)
        profile = tuple(np.asarray(p, dtype=float) for p in profile)
    result = array
    for axis in range(len(profile) - 1, -1, -1):
        result = np.tensordot(result, profile[axis], axes=([axis], [0]))
    out = np.asarray(result).item() if isinstance(result, np.ndarray) else result
    return out if isinstance(out, Fraction) else float(out)


def _pure_cell(profile: tuple[np.ndarray, ...]) -> tuple[int, ...] | None:
    """Action indices when every strategy puts probability exactly one on one action, else None."""
    cell = []
    for probs in profile:
        row = probs.tolist()  # Python lists: far quicker than numpy calls on these short vectors
        try:
            action = row.index(1)
        except ValueError:
            return None
        if row.count(0) != len(row) - 1:
            return None
        cell.append(action)
    return tuple(cell)
