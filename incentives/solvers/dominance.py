"""Iterated elimination of strictly dominated strategies, by pure or mixed dominators.

Definitions
-----------
Let ``S`` be the surviving actions of every player and ``S_{-i}`` the surviving
profiles of player ``i``'s opponents.  An action ``a`` of player ``i`` is
*strictly dominated* by a mixture ``p`` over ``i``'s other surviving actions when

    ``sum_k p_k u_i(k, s_{-i}) > u_i(a, s_{-i})``   for every ``s_{-i}`` in ``S_{-i}``,

and its *margin* is the smallest gap, ``min over s_{-i}`` of the left side minus
the right side.  A pure dominator is a mixture on one action.  Comparing against
the opponents' pure profiles suffices: expected payoffs under their mixtures are
averages of these.

Algorithm
---------
Round ``r = 1, 2, ...`` examines the game that survived round ``r - 1``; for each
player and each of its surviving actions ``a``:

1. *Pure dominators*, all at once: the margins ``min_s (u(b, s) - u(a, s))`` of
   every other action ``b`` come from one array operation; ``a`` is dominated
   when the best margin is positive (above the tolerance for float games).
2. *Mixed dominators* (when ``mixed`` and ``a`` has at least two rivals, and
   some rival beats ``a`` against every opponent profile, which a dominating
   mixture needs): the linear program

       maximise ``epsilon`` subject to ``sum_k p_k u(k, s) >= u(a, s) + epsilon``
       for every ``s``, ``sum_k p_k = 1``, ``p >= 0``

   solved by HiGHS; ``a`` is dominated when ``epsilon`` exceeds the tolerance.
   The mixture is then checked independently of the solver: its margin is
   recomputed from the payoffs and, for exact games, the mixture is turned into
   fractions (:meth:`fractions.Fraction.limit_denominator`, coarsest first) and
   the inequalities are verified in exact arithmetic.  A mixture that fails the
   check is not used, and :attr:`Elimination.notes` says so.

Every action found dominated in a round is removed at the end of the round; the
elimination stops after a round that removes nothing.

For strict dominance the surviving game does not depend on the order of
elimination (Gilboa, Kalai and Zemel, 1990), and the reduction keeps the Nash
equilibria: every equilibrium of the original game is an equilibrium of the
reduced game, and conversely.  *Weakly* dominated actions (never better,
sometimes equal) are **not** removed: which ones survive would depend on the
order of elimination, and equilibria could be lost.

References
----------
.. [1] I. Gilboa, E. Kalai and E. Zemel, "On the order of eliminating dominated
   strategies", Operations Research Letters 9(2), 85-89, 1990.
.. [2] Y. Shoham and K. Leyton-Brown, *Multiagent Systems*, Cambridge University
   Press, 2009, Section 4.5, "Identifying dominated strategies".
.. [3] R. Gibbons, *A Primer in Game Theory*, Harvester Wheatsheaf, 1992,
   Section 1.1.B (iterated elimination of strictly dominated strategies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from .._util import Number
from ..game import Game
from ..limits import MAX_MIXTURE_ROWS
from ..tolerance import PROBABILITY_ATOL, RTOL

__all__ = ["Elimination", "EliminationStep", "eliminate_dominated"]


#: Denominator limits tried, coarsest first, when an LP mixture is turned into exact fractions.
_DENOMINATORS = (10, 100, 1000, 10**4, 10**6, 10**9, 10**12)


@dataclass(frozen=True, kw_only=True)
class EliminationStep:
    """One strictly dominated action, removed in one round.

    Parameters
    ----------
    round : int
        The round (1-based) that removed the action.
    player : str
        The player whose action was removed.
    action : str
        The removed action.
    dominator : str or dict of str to probability
        The action that dominates it, or a mixture (action name to probability,
        positive probabilities only) when no single action does.  Dominators are
        stated in the game that survived the previous round.
    margin : float or Fraction
        The smallest gain of the dominator over the action, across the
        opponents' surviving profiles (exact for exact games).
    """

    round: int
    player: str
    action: str
    dominator: str | dict[str, Number]
    margin: Number

    @property
    def mixed(self) -> bool:
        """Whether the dominator is a mixture of several actions."""
        return isinstance(self.dominator, dict)

    def __str__(self) -> str:
        if isinstance(self.dominator, dict):
            by = " + ".join(f"{_show(p)} {name!r}" for name, p in self.dominator.items())
        else:
            by = repr(self.dominator)
        head = f"round {self.round}: {self.player}'s {self.action!r}"
        return f"{head} is strictly dominated by {by} (margin {_show(self.margin)})"


@dataclass(frozen=True, kw_only=True)
class Elimination:
    """The game left by iterated elimination of strictly dominated strategies.

    Parameters
    ----------
    game : Game
        The reduced game: same players, title and arithmetic, surviving actions only.
    surviving : tuple of tuple of int
        For each player, the indices of its surviving actions in the original game.
    steps : tuple of EliminationStep
        Every removal, by round, then player, then action.
    notes : tuple of str
        Dominations suggested by the linear program that failed the independent
        check, so were not used (in plain words).
    """

    game: Game
    surviving: tuple[tuple[int, ...], ...]
    steps: tuple[EliminationStep, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def rounds(self) -> int:
        """Number of rounds that removed something."""
        return max((step.round for step in self.steps), default=0)


def eliminate_dominated(game: Game, *, mixed: bool = True, tol: float = RTOL) -> Elimination:
    """Remove strictly dominated actions, round after round, until none is left.

    Parameters
    ----------
    game : Game
        Any number of players; exact games are reduced in exact arithmetic.
    mixed : bool
        Also look for mixtures of actions that dominate an action (one linear
        program per action); with False, only single actions count as dominators.
    tol : float
        Float games: the margin must exceed ``tol * max(1, max |payoff|)``.  Exact
        games: margins must be positive exactly, and ``tol`` only screens the
        linear program's answers (a mixed domination whose margin is below it can
        go unnoticed).

    Returns
    -------
    Elimination
        The reduced game, the surviving action indices and every step.

    Raises
    ------
    ValueError
        If ``tol`` is not positive.

    See Also
    --------
    incentives.solvers.pure.pure_equilibria : the pure equilibria, which the reduction keeps.

    Notes
    -----
    Weakly dominated actions are kept; see the module docstring.

    Examples
    --------
    Gibbons (1992, Section 1.1.B): three rounds leave (Up, Middle).

    >>> import incentives as inc
    >>> game = inc.Game.from_bimatrix([[1, 1, 0], [0, 0, 2]], [[0, 2, 1], [3, 1, 0]],
    ...                               actions=(["Up", "Down"], ["Left", "Middle", "Right"]))
    >>> result = eliminate_dominated(game)
    >>> result.game.actions, result.surviving
    ((('Up',), ('Middle',)), ((0,), (1,)))
    >>> for step in result.steps:
    ...     print(step)
    round 1: column's 'Right' is strictly dominated by 'Middle' (margin 1)
    round 2: row's 'Down' is strictly dominated by 'Up' (margin 1)
    round 3: column's 'Left' is strictly dominated by 'Middle' (margin 2)

    A mixture can dominate where no single action does:

    >>> game = inc.Game.from_bimatrix([[3, 0], [0, 3], [1, 1]], [[1, 0], [0, 1], [0, 0]],
    ...                               actions=(["U", "M", "D"], ["L", "R"]))
    >>> eliminate_dominated(game, mixed=False).game.actions
    (('U', 'M', 'D'), ('L', 'R'))
    >>> print(eliminate_dominated(game).steps[0])
    round 1: row's 'D' is strictly dominated by 1/2 'U' + 1/2 'M' (margin 1/2)
    """
    if not tol > 0:
        raise ValueError(
            f"The 'tol' parameter of eliminate_dominated must be a float in (0, inf). Got {tol!r} instead."
        )
    threshold = 0.0 if game.is_exact else tol * game.payoff_scale
    alive = [list(range(n)) for n in game.shape]
    steps: list[EliminationStep] = []
    notes: list[str] = []
    for round_number in range(1, sum(game.shape) + 1):
        found = [
            (i, a, dominator, margin)
            for i in range(game.n_players)
            for a, dominator, margin in _dominated(game, alive, i, mixed, threshold, tol, notes)
        ]
        if not found:
            break
        for i, a, dominator, margin in found:
            steps.append(_step(game, round_number, i, alive[i][a], alive[i], dominator, margin))
        for i, a, _, _ in sorted(found, key=lambda f: -f[1]):
            del alive[i][a]
    return Elimination(
        game=_restrict(game, alive) if steps else game,  # nothing removed: the game itself (it is frozen)
        surviving=tuple(tuple(acts) for acts in alive),
        steps=tuple(steps),
        notes=tuple(notes),
    )


# -- one player in one round --------------------------------------------------------

Dominator = int | dict[int, Number]  # a position among the surviving actions, or a mixture of positions


def _own_payoffs(game: Game, alive: list[list[int]], i: int) -> np.ndarray:
    """Player ``i``'s payoffs on the surviving game, shape ``(own actions, opponent profiles)``."""
    sub = game.payoffs[i][np.ix_(*alive)]
    return np.moveaxis(sub, i, 0).reshape(len(alive[i]), -1)


def _dominated(
    game: Game, alive: list[list[int]], i: int, mixed: bool, threshold: float, tol: float, notes: list[str]
) -> list[tuple[int, Dominator, Number]]:
    """Positions (among ``alive[i]``) of player ``i``'s dominated actions, with dominator and margin."""
    payoffs = _own_payoffs(game, alive, i)
    if len(payoffs) < 2:
        return []
    out: list[tuple[int, Dominator, Number]] = []
    if mixed and len(payoffs) >= 3 and payoffs.shape[1] > MAX_MIXTURE_ROWS:
        mixed = False
        note = (
            f"{game.players[i]}: dominance by mixtures was not checked (its linear program would have "
            f"{payoffs.shape[1]:,} rows, one per profile of the others; the limit is {MAX_MIXTURE_ROWS:,}); "
            "only dominance by single actions was"
        )
        if note not in notes:
            notes.append(note)
    for a in range(len(payoffs)):
        pure = _pure_dominator(payoffs, a, threshold)
        if pure is not None:
            out.append((a, *pure))
        elif mixed and len(payoffs) >= 3:
            mixture = _mixed_dominator(payoffs, a, threshold, tol, game.is_exact)
            if isinstance(mixture, str):
                notes.append(f"{game.players[i]}'s {game.actions[i][alive[i][a]]!r}: {mixture}")
            elif mixture is not None:
                out.append((a, *mixture))
    return out


def _pure_dominator(payoffs: np.ndarray, a: int, threshold: float) -> tuple[int, Number] | None:
    """The rival action with the largest margin over action ``a``, if that margin exceeds ``threshold``."""
    rivals = [b for b in range(len(payoffs)) if b != a]
    margins = (payoffs[rivals] - payoffs[a]).min(axis=1)
    best = int(np.argmax(margins))
    margin = margins[best] if payoffs.dtype == object else float(margins[best])
    return (rivals[best], margin) if margin > threshold else None


def _mixed_dominator(
    payoffs: np.ndarray, a: int, threshold: float, tol: float, exact: bool
) -> tuple[dict[int, Number], Number] | str | None:
    """A verified mixture of rivals dominating ``a``; None if there is none; a note if a suggestion failed."""
    rivals = [b for b in range(len(payoffs)) if b != a]
    if (payoffs[rivals].max(axis=0) - payoffs[a]).min() <= threshold:
        return None  # a best response to some opponent profile: no mixture of rivals beats it there
    solved = _lp_mixture(np.asarray(payoffs[rivals], dtype=float), np.asarray(payoffs[a], dtype=float))
    if isinstance(solved, str):
        return solved
    probabilities, epsilon = solved
    if epsilon <= (tol if exact else threshold):
        return None
    check = _exact_mixture if exact else _float_mixture
    checked = check(payoffs, rivals, a, probabilities)
    if checked is None or checked[1] <= threshold:
        return (
            f"the linear program suggested a dominating mixture (margin {epsilon:.3g}) that failed the "
            f"{'exact' if exact else 'floating-point'} check, so the action was kept"
        )
    return checked


def _lp_mixture(rivals: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, float] | str:
    """Mixture of the rows of ``rivals`` maximising its worst gain over ``target``, and that gain.

    Payoffs are scaled to at most 1 in absolute value for the solver; the gain is scaled back.
    """
    scale = max(1.0, float(np.max(np.abs(rivals))), float(np.max(np.abs(target))))
    k, m = rivals.shape
    cost = np.zeros(k + 1)
    cost[-1] = -1.0  # maximise epsilon
    a_ub = np.hstack([-rivals.T / scale, np.ones((m, 1))])  # epsilon - p . u(., s) <= -u(a, s)
    a_eq = np.append(np.ones(k), 0.0)[None, :]
    bounds = [(0.0, None)] * k + [(None, None)]
    from scipy.optimize import linprog  # imported when first needed: it costs a start-up

    result = linprog(cost, A_ub=a_ub, b_ub=-target / scale, A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs")
    if result.status != 0:
        return f"the linear program for a dominating mixture failed ({result.message.strip()}), so the action was kept"
    probabilities = np.clip(result.x[:k], 0.0, None)
    return probabilities / probabilities.sum(), float(result.x[-1]) * scale


def _float_mixture(
    payoffs: np.ndarray, rivals: list[int], a: int, probabilities: np.ndarray
) -> tuple[dict[int, Number], Number]:
    """The mixture with negligible weights dropped, and its margin recomputed from the payoffs."""
    weights = np.where(probabilities > PROBABILITY_ATOL, probabilities, 0.0)
    weights = weights / weights.sum()
    margin = float((weights @ payoffs[rivals] - payoffs[a]).min())
    return {b: float(w) for b, w in zip(rivals, weights, strict=True) if w > 0}, margin


def _exact_mixture(
    payoffs: np.ndarray, rivals: list[int], a: int, probabilities: np.ndarray
) -> tuple[dict[int, Number], Number] | None:
    """The first rationalised mixture (coarsest denominators first) whose exact margin is positive."""
    for limit in _DENOMINATORS:
        weights = np.array([Fraction(float(p)).limit_denominator(limit) for p in probabilities], dtype=object)
        total = weights.sum()
        if total <= 0:
            continue
        weights = weights / total
        margin = (weights @ payoffs[rivals] - payoffs[a]).min()
        if margin > 0:
            return {b: w for b, w in zip(rivals, weights, strict=True) if w > 0}, margin
    return None


# -- results -------------------------------------------------------------------------------


def _step(
    game: Game, round_number: int, i: int, action: int, alive: list[int], dominator: Dominator, margin: Number
) -> EliminationStep:
    names = game.actions[i]
    by: str | dict[str, Number]
    if isinstance(dominator, dict):
        by = {names[alive[b]]: p for b, p in dominator.items()}
    else:
        by = names[alive[dominator]]
    player = game.players[i]
    return EliminationStep(round=round_number, player=player, action=names[action], dominator=by, margin=margin)


def _restrict(game: Game, alive: list[list[int]]) -> Game:
    """The game on the surviving actions."""
    payoffs = game.payoffs[np.ix_(range(game.n_players), *alive)]
    value = None if game.company_value is None else game.company_value[np.ix_(*alive)]
    return Game(
        players=game.players,
        actions=tuple(tuple(game.actions[i][k] for k in acts) for i, acts in enumerate(alive)),
        payoffs=payoffs,
        company_value=value,
        title=game.title,
    )


def _show(value: Any) -> str:
    return str(value) if isinstance(value, Fraction) else f"{value:.6g}"
