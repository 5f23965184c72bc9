"""Minmax values: the harshest punishment the other departments can inflict on one department.

Definitions
-----------
Department ``i``'s **pure minmax value** is the least payoff the others can hold it to
with pure actions, when ``i`` answers with its best response:

    ``v_i = min over pure a_-i of max over a_i of u_i(a_i, a_-i)``.

Its **mixed minmax value** lets the others randomise.  With two departments there is
one punisher, and the value is that of the zero-sum game between them,

    ``w_i = min over mixtures q of max over a_i of sum_b q(b) u_i(a_i, b)``,

a linear programme (von Neumann).  With three or more departments, "the others mix"
can mean two things.  If the punishers mix *independently* (each its own lottery),
the minimum over products of mixtures is not a linear programme: the set of
product distributions is not convex.  If they can *correlate* (one lottery over the
others' profiles, unseen by ``i``), the minimum over all distributions ``q`` on the
others' profiles is the linear programme above, with ``b`` running over profiles of
the others.  This module computes the correlated value, and says so: it is the lowest
any punishment can go (``correlated <= independent <= pure``), so a critical discount
factor computed with it is a bound no punishment beats.  When the optimal
distribution found is a product of the punishers' own mixtures, the independent value
is the same and :attr:`Minmax.correlated` is False; otherwise the independent value
lies between ``mixed`` and ``pure``.

Every department's payoff in any subgame-perfect equilibrium of the repeated game is
at least its minmax value (it can always best-respond), which is why the folk theorem
is stated with it (Fudenberg and Maskin 1986).

Algorithm
---------
The linear programme is solved by HiGHS (:func:`scipy.optimize.linprog`).  For an exact
game the optimal punishment ``q`` and ``i``'s optimal guarantee ``x`` (the duals) are then
found again in exact arithmetic from the constraints tight at the floating-point
solution, and accepted only when they verify exactly: ``max_a (U q)_a == min_b (x U)_b``
(strong duality certifies both).  When they do not, the float value is reported and
:attr:`Minmax.exact` is False.

References
----------
.. [1] D. Fudenberg and E. Maskin, "The folk theorem in repeated games with discounting
   or with incomplete information", Econometrica 54(3), 533-554, 1986.
.. [2] D. Fudenberg and J. Tirole, *Game Theory*, MIT Press, 1991, Section 5.1.1.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from .._util import Number, profile_label
from ..equilibrium import format_number, strategy_label
from ..errors import SolverError
from ..game import Game
from ..tolerance import PROBABILITY_ATOL, SOLVER_RTOL

__all__ = ["Minmax", "minmax_values", "pure_minmax"]


@dataclass(frozen=True, kw_only=True)
class Minmax:
    """One department's minmax values and the punishments that attain them.

    Parameters
    ----------
    department : str
    pure : float or Fraction
        The pure minmax value.
    pure_punishment : str
        What the others play to attain it (``"support=fast_close, development=rushed"``).
    mixed : float or Fraction
        The mixed minmax value: against one punisher, its mixture; against several,
        the correlated value (see the module docstring).
    mixed_punishment : str
        The mixture, or the distribution over the others' profiles, that attains it.
    correlated : bool
        Whether attaining ``mixed`` needs the punishers to correlate (False for two
        departments, and whenever the optimal distribution found is a product).
    exact : bool
        Whether ``mixed`` was verified in exact arithmetic.

    Examples
    --------
    >>> import incentives as inc
    >>> pennies = inc.Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> row = minmax_values(pennies)[0]
    >>> row.pure, row.mixed, row.mixed_punishment
    (Fraction(1, 1), Fraction(0, 1), 'column=(0.5 c0 + 0.5 c1)')
    """

    department: str
    pure: Number
    pure_punishment: str
    mixed: Number
    mixed_punishment: str
    correlated: bool
    exact: bool


def pure_minmax(payoffs: np.ndarray) -> np.ndarray:
    """Pure minmax value of every department at every point of a batch: ``(P, N)`` from ``(P, N, n_0, ...)``.

    Examples
    --------
    >>> import numpy as np
    >>> pd = np.array([[[3, 0], [5, 1]], [[3, 5], [0, 1]]], dtype=float)
    >>> pure_minmax(pd[np.newaxis]).tolist()
    [[1.0, 1.0]]
    """
    payoffs = np.asarray(payoffs, dtype=float)
    points, n = payoffs.shape[0], payoffs.shape[1]
    out = np.empty((points, n))
    for i in range(n):
        best = payoffs[:, i].max(axis=1 + i)
        out[:, i] = best.reshape(points, -1).min(axis=1)
    return out


def minmax_values(game: Game) -> tuple[Minmax, ...]:
    """Each department's pure and mixed minmax value (see the module docstring).

    Parameters
    ----------
    game : Game
        The stage game.  Exact games give exact values, verified.

    Returns
    -------
    tuple of Minmax
        One per department, in the game's order.

    Raises
    ------
    SolverError
        If the linear programme fails (it never should: it is always feasible and bounded).

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], players=("sales", "support"),
    ...                             actions=(("share", "hoard"), ("share", "hoard")))
    >>> [(m.department, m.pure, m.pure_punishment) for m in minmax_values(pd)]
    [('sales', Fraction(1, 1), 'support=hoard'), ('support', Fraction(1, 1), 'sales=hoard')]
    """
    return tuple(_minmax_one(game, i) for i in range(game.n_players))


def _own_first(game: Game, i: int) -> np.ndarray:
    """``U[a_i, b]``: department ``i``'s payoffs, its own actions as rows, the others' profiles as columns."""
    return np.moveaxis(np.asarray(game.payoffs[i]), i, 0).reshape(game.shape[i], -1)


def _others(game: Game, i: int) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], tuple[int, ...]]:
    players = tuple(p for j, p in enumerate(game.players) if j != i)
    actions = tuple(a for j, a in enumerate(game.actions) if j != i)
    return players, actions, tuple(len(a) for a in actions)


def _minmax_one(game: Game, i: int) -> Minmax:
    matrix = _own_first(game, i)
    players, actions, shape = _others(game, i)
    best = matrix.max(axis=0)
    column = int(np.argmin(np.asarray(best, dtype=float)))
    pure = best[column]
    pure_label = profile_label(players, actions, [int(k) for k in np.unravel_index(column, shape)]) if shape else ""
    pure_label = pure_label or "(no other department)"
    value, q, exact = _mixed(matrix, game.is_exact)
    correlated, label = _describe(q, players, actions, shape)
    return Minmax(
        department=game.players[i],
        pure=pure if isinstance(pure, Fraction) else float(pure),
        pure_punishment=pure_label,
        mixed=value,
        mixed_punishment=label,
        correlated=correlated,
        exact=exact,
    )


def _mixed(matrix: np.ndarray, exact: bool) -> tuple[Number, np.ndarray, bool]:
    """The value ``min_q max_a (U q)_a``, an optimal ``q``, and whether both are exact."""
    floats = np.asarray(matrix, dtype=float)
    rows, columns = floats.shape
    scale = max(1.0, float(np.abs(floats).max()))
    cost = np.zeros(columns + 1)
    cost[-1] = 1.0
    a_ub = np.hstack([floats / scale, -np.ones((rows, 1))])
    a_eq = np.hstack([np.ones((1, columns)), np.zeros((1, 1))])
    bounds = [(0, None)] * columns + [(None, None)]
    from scipy.optimize import linprog  # imported when first needed: it costs a start-up

    result = linprog(cost, A_ub=a_ub, b_ub=np.zeros(rows), A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs")
    if result.status != 0:
        raise SolverError(f"the minmax linear programme failed: {result.message}")
    q = np.clip(result.x[:columns], 0.0, None)
    q /= q.sum()
    guarantee = np.clip(-np.asarray(result.ineqlin.marginals, dtype=float), 0.0, None)
    if exact:
        certified = _certify(matrix, q, guarantee / max(guarantee.sum(), 1e-300))
        if certified is not None:
            return certified[0], certified[1], True
    return float(result.x[-1]) * scale, q, False


def _certify(matrix: np.ndarray, q: np.ndarray, x: np.ndarray) -> tuple[Fraction, np.ndarray] | None:
    """Exact ``(value, q)`` from the supports and tight constraints of a float solution, verified; else None."""
    floats = np.asarray(matrix, dtype=float)
    scale = max(1.0, float(np.abs(floats).max()))
    value = float(np.max(floats @ q))
    slack = 10 * SOLVER_RTOL * scale + 1e-9 * scale
    tight_rows = np.flatnonzero(np.abs(floats @ q - value) <= slack)
    tight_columns = np.flatnonzero(np.abs(x @ floats - value) <= slack)
    q_exact = _solve_tight(matrix, np.flatnonzero(q > PROBABILITY_ATOL), tight_rows, transpose=False)
    x_exact = _solve_tight(matrix, np.flatnonzero(x > PROBABILITY_ATOL), tight_columns, transpose=True)
    if q_exact is None or x_exact is None:
        return None
    upper = max(np.dot(matrix, q_exact))  # what i gets by its best reply to the punishment
    lower = min(np.dot(x_exact, matrix))  # what i guarantees itself
    if upper != lower:
        return None
    return Fraction(upper), q_exact


def _solve_tight(matrix: np.ndarray, support: np.ndarray, tight: np.ndarray, *, transpose: bool) -> np.ndarray | None:
    """Exact probabilities on ``support`` making every tight constraint an equality with one common value.

    ``transpose=False`` solves for the punishment ``q`` (constraints are rows of ``U``),
    ``transpose=True`` for the guarantee ``x`` (constraints are columns).  A free
    variable is set to 0; the caller verifies the result.
    """
    m = np.asarray(matrix, dtype=object)
    m = m.T if transpose else m
    size = m.shape[1]
    unknowns = sympy.symbols(f"p0:{len(support)}")
    level = sympy.Symbol("v")
    equations = [sum(sympy.Rational(m[r, c]) * unknowns[k] for k, c in enumerate(support)) - level for r in tight]
    equations.append(sum(unknowns) - 1)
    solutions = sympy.linsolve(equations, [*unknowns, level])
    if not solutions:
        return None
    solution = next(iter(solutions))
    free = {s: 0 for s in set().union(*(sympy.sympify(v).free_symbols for v in solution))}
    values = [sympy.sympify(v).xreplace(free) for v in solution[:-1]]
    if not all(v.is_Rational and v >= 0 for v in values):
        return None
    out = np.array([Fraction(0)] * size, dtype=object)
    out[support] = [Fraction(int(v.p), int(v.q)) for v in values]
    return out


def _describe(
    q: np.ndarray, players: tuple[str, ...], actions: tuple[tuple[str, ...], ...], shape: tuple[int, ...]
) -> tuple[bool, str]:
    """Whether ``q`` needs correlation, and a label: each punisher's mixture, or the distribution over profiles."""
    if not shape:
        return False, "(no other department)"
    tensor = np.asarray(q, dtype=object if q.dtype == object else float).reshape(shape)
    marginals = [_marginal(tensor, j) for j in range(len(shape))]
    product = marginals[0]
    for marginal in marginals[1:]:
        product = np.multiply.outer(product, marginal)
    if q.dtype == object:
        independent = bool(np.all(product == tensor))
    else:
        independent = bool(np.allclose(np.asarray(product, dtype=float), tensor, atol=1e-9))
    if independent:
        parts = []
        for player, acts, probs in zip(players, actions, marginals, strict=True):
            label = strategy_label(acts, probs, least=PROBABILITY_ATOL)
            parts.append(f"{player}={label}" if " + " not in label else f"{player}=({label})")
        return False, ", ".join(parts)
    terms = []
    for index in itertools.product(*(range(n) for n in shape)):
        weight = tensor[index]
        if weight > PROBABILITY_ATOL:
            terms.append(f"{format_number(weight)} ({profile_label(players, actions, index)})")
    return True, " + ".join(terms)


def _marginal(tensor: np.ndarray, axis: int) -> Any:
    others = tuple(k for k in range(tensor.ndim) if k != axis)
    return tensor.sum(axis=others) if others else tensor
