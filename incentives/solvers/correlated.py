"""Correlated and coarse correlated equilibria: what a mediator could achieve without changing pay.

Definitions
-----------
A *mediator* (management) draws a pure profile ``s`` from a distribution ``p``
over all profiles and tells each department ``i`` only its own part ``s_i``, as
a recommendation.  The distribution is a *correlated equilibrium* (Aumann 1974)
when no department gains by disobeying a recommendation it receives: for every
player ``i`` and every pair of its actions ``a != a'``,

    ``sum over s_-i of p(a, s_-i) * (u_i(a', s_-i) - u_i(a, s_-i)) <= 0``.

It is a *coarse correlated equilibrium* (Moulin and Vial 1978) when no
department gains by committing, before hearing anything, to one fixed action
``a'`` instead of following the mediator:

    ``sum over s of p(s) * (u_i(a', s_-i) - u_i(s)) <= 0``.

Every Nash equilibrium (a product distribution) is a correlated equilibrium,
and every correlated equilibrium is a coarse correlated one.  Both sets are
polytopes, so the best and worst of them for a linear objective (company value,
total payoff) are linear programs over the probabilities of all profiles.  The
range of company value over all correlated equilibria is what a mediator who
only recommends actions can achieve, for better or worse, without changing the
bonus plans.

Algorithm
---------
1. Build the incentive constraints as one sparse matrix, vectorised over
   profiles: for player ``i`` with its actions on the first axis, the block of
   pair ``(a, a')`` holds ``u_i(a', .) - u_i(a, .)`` in the columns of the
   profiles where ``i`` plays ``a``.
2. Solve the linear program with HiGHS (:func:`scipy.optimize.linprog`).
3. Clean the solution (clip tiny negatives, renormalise) and recompute the
   largest violation of any incentive constraint directly from the payoffs,
   with no use of the constraint matrix (:func:`incentive_violation`).
4. On exact games, rationalise: solve the constraints that are tight at the
   solution exactly over the rationals (a basic solution of the linear program
   is determined by them), falling back to continued-fraction approximations;
   the result is kept only when it satisfies every constraint exactly.

References
----------
.. [1] R. J. Aumann, "Subjectivity and correlation in randomized strategies",
   Journal of Mathematical Economics 1(1), 67-96, 1974.
.. [2] H. Moulin and J.-P. Vial, "Strategically zero-sum games", International
   Journal of Game Theory 7, 201-221, 1978.
.. [3] C. H. Papadimitriou and T. Roughgarden, "Computing correlated equilibria
   in multi-player games", Journal of the ACM 55(3), 2008.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from .._util import Number, readonly
from ..errors import GameTooLargeError, IncentivesError, SolverError
from ..game import Game
from ..tolerance import DUPLICATE_ATOL, RTOL
from ._correlated_exact import exact_vertex, rounded_distributions

__all__ = [
    "DEFAULT_MAX_PROFILES",
    "CorrelatedEquilibrium",
    "MediatorRange",
    "correlated_equilibrium",
    "incentive_violation",
    "mediator_range",
]

#: Largest number of profiles (LP variables) accepted by default.
DEFAULT_MAX_PROFILES = 200_000

#: How far a distribution's probabilities may sum from 1 (an LP solution's rounding).
_SUM_ATOL = 1e-6


@dataclass(frozen=True, kw_only=True)
class CorrelatedEquilibrium:
    """A (coarse) correlated equilibrium: a distribution over profiles a mediator draws from.

    Parameters
    ----------
    players : tuple of str
        The game's players, in axis order.
    coarse : bool
        True for a coarse correlated equilibrium.
    objective : str
        What the distribution optimises, e.g. ``"max company_value"``.
    distribution : numpy.ndarray
        Probability of each profile, shape ``game.shape`` (Fractions when exact).
    recommendations : tuple of (str, probability)
        The profiles drawn with positive probability, as ``(profile label, probability)``, most likely first.
    payoffs : numpy.ndarray
        Expected payoff of each player.
    company_value : float, Fraction or None
        Expected company value, when the game carries one.
    violation : float or Fraction
        Largest gain from disobeying, recomputed from the payoffs (0 up to rounding; exactly 0 when exact).
    notes : tuple of str
        Plain-words remarks (for example, that exact rationalisation failed).
    """

    players: tuple[str, ...]
    coarse: bool
    objective: str
    distribution: np.ndarray
    recommendations: tuple[tuple[str, Number], ...]
    payoffs: np.ndarray
    company_value: Number | None = None
    violation: Number = 0.0
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        dist = readonly(self.distribution)
        if dist.ndim != len(self.players):
            raise ValueError(f"'distribution' must have one axis per player ({len(self.players)}); got {dist.ndim}")
        as_float = np.asarray(dist, dtype=float)
        if np.any(as_float < -RTOL) or abs(float(as_float.sum()) - 1.0) > _SUM_ATOL:
            raise ValueError("'distribution' must be non-negative and sum to 1")
        object.__setattr__(self, "distribution", dist)
        object.__setattr__(self, "payoffs", readonly(self.payoffs))

    @property
    def kind(self) -> str:
        """``"correlated"`` or ``"coarse correlated"``."""
        return "coarse correlated" if self.coarse else "correlated"

    @property
    def is_exact(self) -> bool:
        """Whether the probabilities are exact fractions."""
        return bool(self.distribution.dtype == object)

    @property
    def total_payoff(self) -> Number:
        """Sum of the players' expected payoffs."""
        total = sum(self.payoffs.tolist(), Fraction(0) if self.is_exact else 0.0)
        return total if isinstance(total, Fraction) else float(total)


@dataclass(frozen=True, kw_only=True)
class MediatorRange:
    """The worst and the best company value over all (coarse) correlated equilibria.

    Parameters
    ----------
    lowest, highest : CorrelatedEquilibrium
        Equilibria that minimise and maximise expected company value.
    """

    lowest: CorrelatedEquilibrium
    highest: CorrelatedEquilibrium

    def __post_init__(self) -> None:
        if self.lowest.company_value is None or self.highest.company_value is None:
            raise ValueError("a mediator range needs equilibria with a company value")

    @property
    def values(self) -> tuple[Number, Number]:
        """``(lowest, highest)`` expected company value."""
        assert self.lowest.company_value is not None and self.highest.company_value is not None
        return self.lowest.company_value, self.highest.company_value


def correlated_equilibrium(
    game: Game,
    objective: str = "company_value",
    *,
    coarse: bool = False,
    minimise: bool = False,
    exact: bool | None = None,
    max_profiles: int = DEFAULT_MAX_PROFILES,
) -> CorrelatedEquilibrium:
    """The correlated equilibrium that is best (or worst) for an objective, by linear programming.

    Parameters
    ----------
    game : Game
        Any number of players.
    objective : str
        ``"company_value"`` (needs a game built from an organisation), ``"total_payoff"`` (sum over
        departments), or a player's name (that player's expected payoff).
    coarse : bool
        Solve over coarse correlated equilibria instead (a larger set).
    minimise : bool
        Find the worst equilibrium for the objective instead of the best.
    exact : bool or None
        Rationalise and verify the distribution in exact arithmetic; None means "when the game is exact".
    max_profiles : int
        Refuse games with more profiles (the linear program has one variable per profile).

    Returns
    -------
    CorrelatedEquilibrium

    Raises
    ------
    GameTooLargeError
        If the game has more than ``max_profiles`` profiles.
    IncentivesError
        If ``objective`` is ``"company_value"`` and the game has none.
    ValueError
        If ``objective`` is unknown, or ``exact=True`` on a game with float payoffs.
    SolverError
        If the linear program fails (it always has a solution in theory).

    Examples
    --------
    Chicken: the mediator recommends (dare, chicken), (chicken, dare) and (chicken, chicken);
    the best correlated equilibrium for the pair beats every Nash equilibrium (total 28/3).

    >>> import incentives as inc
    >>> chicken = inc.Game.from_bimatrix([[0, 7], [2, 6]], [[0, 2], [7, 6]],
    ...                                  actions=(("dare", "chicken"), ("dare", "chicken")))
    >>> ce = correlated_equilibrium(chicken, "total_payoff")
    >>> ce.total_payoff, ce.violation
    (Fraction(21, 2), Fraction(0, 1))
    >>> [(label, str(p)) for label, p in ce.recommendations]
    [('row=chicken, column=chicken', '1/2'), ('row=dare, column=chicken', '1/4'), ('row=chicken, column=dare', '1/4')]
    """
    weights, label = _objective(game, objective)
    use_exact = _use_exact(game, exact)
    _check_size(game, max_profiles)
    a_ub = incentive_constraints(game, coarse=coarse)
    scale = game.payoff_scale
    cost = np.asarray(weights, dtype=float).ravel()
    cost_scale = max(1.0, float(np.max(np.abs(cost))))
    sign = 1.0 if minimise else -1.0
    n = game.n_profiles
    result = linprog(
        sign * cost / cost_scale,
        A_ub=a_ub / scale,
        b_ub=np.zeros(a_ub.shape[0]),
        A_eq=np.ones((1, n)),
        b_eq=[1.0],
        bounds=(0.0, None),
        method="highs",
    )
    if result.status != 0 or result.x is None:
        raise SolverError(f"the correlated-equilibrium linear program failed: {result.message.strip()}")
    probabilities = np.clip(result.x, 0.0, None)
    probabilities /= probabilities.sum()
    notes: list[str] = []
    distribution: np.ndarray = probabilities.reshape(game.shape)
    if use_exact:
        rational = _rationalise(game, a_ub, probabilities, coarse)
        optimum = float(cost @ probabilities)
        if rational is not None and abs(float(cost @ rational.astype(float)) - optimum) > DUPLICATE_ATOL * cost_scale:
            rational = None  # feasible but not optimal: keep the solver's answer
        if rational is None:
            notes.append("the distribution could not be rationalised exactly; it is given in floating point")
        else:
            distribution = rational.reshape(game.shape)
    sense = "min" if minimise else "max"
    return _equilibrium(game, distribution, coarse=coarse, objective=f"{sense} {label}", notes=tuple(notes))


def mediator_range(
    game: Game,
    *,
    coarse: bool = False,
    exact: bool | None = None,
    max_profiles: int = DEFAULT_MAX_PROFILES,
) -> MediatorRange:
    """The range of company value over all correlated equilibria: what recommending actions can do.

    A mediator who draws a profile and privately recommends each department its
    action, without changing anyone's pay, can steer the company to any value in
    this range (the departments obey because obeying pays).

    Parameters
    ----------
    game : Game
        A game built from an organisation (it carries ``company_value``).
    coarse, exact, max_profiles
        As in :func:`correlated_equilibrium`.

    Returns
    -------
    MediatorRange

    Examples
    --------
    >>> import incentives as inc
    >>> game = inc.build_game(inc.load_model("examples/growing_company.yaml"))
    >>> span = mediator_range(game)
    >>> low, high = span.values
    >>> low == high  # every department has a dominant action: the mediator cannot help
    True
    """
    lowest, highest = (
        correlated_equilibrium(
            game, "company_value", coarse=coarse, minimise=minimise, exact=exact, max_profiles=max_profiles
        )
        for minimise in (True, False)
    )
    return MediatorRange(lowest=lowest, highest=highest)


def incentive_constraints(game: Game, *, coarse: bool = False) -> sp.csr_matrix:
    """Sparse matrix ``G`` with ``G @ p <= 0`` exactly for the (coarse) correlated equilibria ``p``.

    Columns are profiles in C order (``numpy.ravel`` of an array of ``game.shape``).  Rows are, for
    each player ``i`` in turn, the pairs ``(a, a')`` with ``a != a'`` in row-major order (correlated),
    or the actions ``a'`` (coarse).

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> incentive_constraints(pd).toarray().tolist()
    [[2.0, 1.0, 0.0, 0.0], [0.0, 0.0, -2.0, -1.0], [2.0, 0.0, 1.0, 0.0], [0.0, -2.0, 0.0, -1.0]]
    """
    payoffs = game.float_payoffs()
    n = game.n_profiles
    index = np.arange(n).reshape(game.shape)
    blocks = []
    for i, n_i in enumerate(game.shape):
        own = np.moveaxis(payoffs[i], i, 0).reshape(n_i, -1)  # own[a, r]: others' profile r
        columns = np.moveaxis(index, i, 0).reshape(n_i, -1)
        if coarse:
            # row a': sum over own a and others r of p(a, r) (u(a', r) - u(a, r))
            data = own[:, None, :] - own[None, :, :]  # [a', a, r]
            rows = np.broadcast_to(np.arange(n_i)[:, None, None], data.shape)
            cols = np.broadcast_to(columns[None, :, :], data.shape)
            blocks.append(sp.csr_matrix((data.ravel(), (rows.ravel(), cols.ravel())), shape=(n_i, n)))
        else:
            a, b = np.nonzero(~np.eye(n_i, dtype=bool))  # pairs (a, a'), a != a'
            data = own[b] - own[a]
            rows = np.broadcast_to(np.arange(a.size)[:, None], data.shape)
            blocks.append(sp.csr_matrix((data.ravel(), (rows.ravel(), columns[a].ravel())), shape=(a.size, n)))
    return sp.csr_matrix(sp.vstack(blocks, format="csr"))


def incentive_violation(game: Game, distribution: Any, *, coarse: bool = False) -> Number:
    """Largest expected gain any player gets by disobeying the mediator (0 at a correlated equilibrium).

    Computed directly from the payoffs, independently of :func:`incentive_constraints`: for
    player ``i`` with ``P[a, r] = p(a, r)`` and ``U[a, r] = u_i(a, r)`` over the others' profiles
    ``r``, the gain of playing ``a'`` when told ``a`` is ``(P U^T)[a, a'] - (P * U).sum(1)[a]``.
    Also counts how far ``distribution`` is from a probability distribution.  Exact (a Fraction)
    when both the game and the distribution are exact.

    Examples
    --------
    >>> import incentives as inc
    >>> from fractions import Fraction as F
    >>> chicken = inc.Game.from_bimatrix([[0, 7], [2, 6]], [[0, 2], [7, 6]])
    >>> incentive_violation(chicken, [[0, F(1, 3)], [F(1, 3), F(1, 3)]])
    Fraction(0, 1)
    >>> incentive_violation(chicken, [[0, 0], [0, 1]])  # told to swerve, each would rather dare
    Fraction(1, 1)
    """
    dist = np.asarray(distribution)
    if dist.shape != game.shape:
        raise ValueError(f"the distribution must have shape {game.shape} (one axis per player); got {dist.shape}")
    rational = dist.dtype.kind in "iu" or (
        dist.dtype == object and all(isinstance(v, (int, Fraction)) for v in dist.ravel())
    )
    exact = game.is_exact and rational
    payoffs = game.payoffs if exact else game.float_payoffs()
    dist = np.vectorize(Fraction, otypes=[object])(dist) if exact else dist.astype(float)
    worst: Any = Fraction(0) if exact else 0.0
    for i, n_i in enumerate(game.shape):
        told = np.moveaxis(dist, i, 0).reshape(n_i, -1)
        own = np.moveaxis(payoffs[i], i, 0).reshape(n_i, -1)
        deviate = told @ own.T  # [a, a']: expected payoff of a' over the profiles where a is recommended
        obey = (told * own).sum(axis=1)  # [a]
        gains = deviate.sum(axis=0) - obey.sum() if coarse else deviate - obey[:, None]
        worst = max(worst, gains.max())
    infeasible = max(-dist.min(), 0) + abs(dist.sum() - 1)
    scale = game.payoff_scale
    if exact:
        return Fraction(worst) + Fraction(scale) * Fraction(infeasible)
    return float(worst) + scale * float(infeasible)


# -- helpers ---------------------------------------------------------------------------------


def _objective(game: Game, objective: str) -> tuple[np.ndarray, str]:
    if objective == "company_value":
        if game.company_value is None:
            raise IncentivesError(
                "this game has no company value (build it from an organisation model), "
                "so objective='company_value' is not available; use 'total_payoff' or a player's name"
            )
        return game.company_value, "company_value"
    if objective == "total_payoff":
        return game.payoffs.sum(axis=0), "total_payoff"
    if objective in game.players:
        return game.payoffs[game.players.index(objective)], f"payoff of {objective}"
    raise ValueError(
        f"The 'objective' parameter must be 'company_value', 'total_payoff' or a player's name "
        f"({', '.join(game.players)}). Got {objective!r} instead."
    )


def _use_exact(game: Game, exact: bool | None) -> bool:
    if exact is None:
        return game.is_exact
    if exact and not game.is_exact:
        raise ValueError("exact=True needs a game with exact (rational) payoffs; this game has float payoffs")
    return exact


def _check_size(game: Game, max_profiles: int) -> None:
    if game.n_profiles > max_profiles:
        rows = sum(n * (n - 1) for n in game.shape)
        raise GameTooLargeError(
            f"the correlated-equilibrium linear program of this game would have {game.n_profiles:,} variables "
            f"(one per profile) and {rows:,} incentive constraints; the limit is max_profiles={max_profiles:,}"
        )


def _rationalise(game: Game, a_ub: sp.csr_matrix, probabilities: np.ndarray, coarse: bool) -> np.ndarray | None:
    """An exact distribution near ``probabilities`` satisfying every constraint exactly, or None."""
    candidates = [exact_vertex(game, a_ub, probabilities, coarse=coarse), *rounded_distributions(probabilities)]
    for candidate in candidates:
        if candidate is not None and incentive_violation(game, candidate.reshape(game.shape), coarse=coarse) == 0:
            return candidate
    return None


def _equilibrium(
    game: Game, distribution: np.ndarray, *, coarse: bool, objective: str, notes: tuple[str, ...]
) -> CorrelatedEquilibrium:
    exact = distribution.dtype == object
    payoffs = game.payoffs if exact else game.float_payoffs()
    flat = distribution.ravel()
    expected = np.array(
        [(payoffs[i].ravel() * flat).sum() for i in range(game.n_players)], dtype=object if exact else float
    )
    value: Number | None = None
    if game.company_value is not None:
        weights = game.company_value if exact else np.asarray(game.company_value, dtype=float)
        total = (weights.ravel() * flat).sum()
        value = total if exact else float(total)
    order = sorted(np.flatnonzero(flat > 0).tolist(), key=lambda k: (-float(flat[k]), k))
    labels = [game.profile_label(tuple(int(x) for x in np.unravel_index(k, game.shape))) for k in order]
    probabilities = [flat[k] if exact else float(flat[k]) for k in order]
    recommendations = tuple(zip(labels, probabilities, strict=True))
    return CorrelatedEquilibrium(
        players=game.players,
        coarse=coarse,
        objective=objective,
        distribution=distribution,
        recommendations=recommendations,
        payoffs=expected,
        company_value=value,
        violation=incentive_violation(game, distribution, coarse=coarse),
        notes=notes,
    )
