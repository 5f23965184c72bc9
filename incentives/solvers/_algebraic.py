"""Exact equilibrium probabilities of exact games: rational ones as fractions, irrational ones as algebraic numbers.

The equilibria of an N-player game with rational payoffs have algebraic
probabilities: roots of the polynomial indifference system of their support
(:mod:`incentives.solvers._support_system`), which has rational coefficients.
When they are rational, a rounded float recovers them exactly and an exact
regret of zero proves it; when they are not, sympy solves the support's system
over the rationals and the closed forms (radicals, or ``CRootOf`` objects) of the
solution that matches the numerical root describe the equilibrium exactly.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import sympy

from ..equilibrium import Profile, regret
from ..game import Game
from ..tolerance import DUPLICATE_ATOL, IMAGINARY_ATOL

__all__ = ["MAX_SYMBOLIC_UNKNOWNS", "algebraic_probabilities", "rational_profile"]

#: Support systems with more unknowns are not solved symbolically (sympy's time grows fast).
MAX_SYMBOLIC_UNKNOWNS = 4

_DENOMINATORS = (10, 100, 10**3, 10**6, 10**9, 10**12)


def rational_profile(game: Game, profile: Profile) -> Profile | None:
    """The exact rational profile that ``profile`` rounds, if it has exactly zero regret in ``game``.

    Examples
    --------
    >>> import incentives as inc
    >>> bos = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    >>> exact = rational_profile(bos, (np.array([2 / 3, 1 / 3]), np.array([1 / 3, 2 / 3])))
    >>> [[str(p) for p in mix] for mix in exact]
    [['2/3', '1/3'], ['1/3', '2/3']]
    """
    if not game.is_exact:
        return None
    for limit in _DENOMINATORS:
        guess = []
        for mix in profile:
            values = [Fraction(float(p)).limit_denominator(limit) for p in mix]
            total = sum(values)
            if total <= 0:
                break
            guess.append(np.array([v / total for v in values], dtype=object))
        else:
            if regret(game, tuple(guess)) == 0:
                return tuple(guess)
    return None


def algebraic_probabilities(
    game: Game, support: tuple[tuple[int, ...], ...], profile: Profile
) -> dict[tuple[int, int], sympy.Expr] | None:
    """Exact probabilities of the root of ``support``'s indifference system that ``profile`` approximates.

    Parameters
    ----------
    game : Game
        An exact game.
    support : tuple of tuple of int
        The support profile.
    profile : profile
        The equilibrium in floating point.

    Returns
    -------
    dict or None
        ``{(player, action): exact probability}`` for every mixing player's support
        actions, or None when the system is too large, sympy finds no isolated
        solution, or none matches ``point``.

    Examples
    --------
    Three players who each get 1 when all choose their first action and 2 when
    all choose their second: the totally mixed equilibrium is irrational.

    >>> import incentives as inc
    >>> game = inc.Game.from_payoffs([[[[1, 0], [0, 0]], [[0, 0], [0, 2]]]] * 3)
    >>> mix = np.array([2 - np.sqrt(2), np.sqrt(2) - 1])
    >>> exact = algebraic_probabilities(game, ((0, 1),) * 3, (mix, mix, mix))
    >>> str(exact[(0, 0)]), str(exact[(0, 1)])
    ('2 - sqrt(2)', '-1 + sqrt(2)')
    """
    unknowns = sum(len(s) - 1 for s in support)
    point = [float(mix[a]) for s, mix in zip(support, profile, strict=True) for a in s[1:]]
    if not game.is_exact or unknowns == 0 or unknowns > MAX_SYMBOLIC_UNKNOWNS:
        return None
    symbols = sympy.symbols(f"x0:{unknowns}")
    mixes, start = [], 0
    for s in support:
        free = list(symbols[start : start + len(s) - 1])
        mixes.append([1 - sum(free), *free])
        start += len(s) - 1
    equations = [_indifference(game, support, mixes, i, a) for i, s in enumerate(support) for a in s[1:]]
    try:
        solutions = sympy.solve(equations, symbols, dict=True)
    except (NotImplementedError, ValueError):
        return None
    for solution in solutions:
        if set(solution) != set(symbols):
            continue  # a solution set of positive dimension, not a point
        values = [complex(sympy.N(solution[x], 30)) for x in symbols]
        pairs = zip(values, point, strict=True)
        if all(abs(v.imag) < IMAGINARY_ATOL and abs(v.real - p) < DUPLICATE_ATOL for v, p in pairs):
            return {
                (i, a): sympy.radsimp(sympy.simplify(q.subs(solution)))
                for i, (s, mix) in enumerate(zip(support, mixes, strict=True))
                if len(s) > 1
                for a, q in zip(s, mix, strict=True)
            }
    return None


def _indifference(
    game: Game, support: tuple[tuple[int, ...], ...], mixes: list[list[sympy.Expr]], i: int, a: int
) -> sympy.Expr:
    """Player ``i``'s payoff of action ``a`` minus that of its first support action, as a polynomial."""
    others = [j for j in range(game.n_players) if j != i]
    total = sympy.Integer(0)
    for picks in itertools.product(*(range(len(support[j])) for j in others)):
        profile = [0] * game.n_players
        weight = sympy.Integer(1)
        for j, k in zip(others, picks, strict=True):
            profile[j] = support[j][k]
            weight *= mixes[j][k]
        profile[i] = a
        gain = Fraction(game.payoffs[(i, *profile)])
        profile[i] = support[i][0]
        gain -= Fraction(game.payoffs[(i, *profile)])
        if gain:
            total += sympy.Rational(gain.numerator, gain.denominator) * weight
    return sympy.expand(total)
