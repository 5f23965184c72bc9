"""One quantity at a time: exact roots and solution sets of payoff differences, or numeric ones.

Exact work is done for rational functions of the quantity (sums, products and
quotients of numbers and the quantity: every model written with ``+ - * /`` and
whole powers): the real roots of numerator and denominator are found exactly
(:meth:`sympy.Poly.real_roots`) and inequalities are solved by
:func:`sympy.solve_univariate_inequality`.  Anything else (``exp``, ``log``,
``sqrt``, ``min``, ``max`` or ``where`` of the quantity) raises
:class:`NoClosedForm`, and the caller falls back to :func:`numeric_roots`: sign
changes on a grid, each refined with Brent's method (:func:`scipy.optimize.brentq`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import sympy

from ..tolerance import SOLVER_RTOL, tolerance

__all__ = [
    "GRID_POINTS",
    "NoClosedForm",
    "exact_roots",
    "format_number",
    "format_set",
    "numeric_roots",
    "numeric_tolerance",
    "rational_between",
    "solve_condition",
]

#: Points of the grid on which numeric root finding looks for sign changes.
GRID_POINTS = 4001


class NoClosedForm(Exception):  # an internal signal, never shown to users
    """The expression is not a rational function of the quantity; no exact answer is attempted."""


def _is_rational_in(expr: sympy.Expr, x: sympy.Symbol) -> bool:
    return bool(expr.free_symbols <= {x} and expr.is_rational_function(x) and not expr.has(sympy.Piecewise))


def exact_roots(expr: sympy.Expr, x: sympy.Symbol) -> list[sympy.Expr]:
    """Real roots of the numerator and denominator of a rational function of ``x`` (exact).

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> exact_roots((3 * x - 2) / (x + 1), x)
    [2/3, -1]
    """
    if expr.is_number:
        return []
    if not _is_rational_in(expr, x):
        raise NoClosedForm(str(expr))
    roots: list[sympy.Expr] = []
    for part in sympy.fraction(sympy.cancel(sympy.together(expr))):
        poly = sympy.Poly(part, x)
        if poly.degree() < 1:
            continue
        try:
            found = poly.real_roots() if poly.domain.is_QQ or poly.domain.is_ZZ else _solved_roots(part, x)
        except (NotImplementedError, sympy.PolynomialError, ValueError) as err:
            raise NoClosedForm(str(expr)) from err
        roots += [r for r in found if r not in roots]
    return roots


def _solved_roots(part: sympy.Expr, x: sympy.Symbol) -> list[sympy.Expr]:
    found = sympy.solve(part, x)
    if any(r.is_real is None for r in found):
        raise NoClosedForm(str(part))
    return [r for r in found if r.is_real]


def solve_condition(expr: sympy.Expr, x: sympy.Symbol, *, strict: bool, domain: sympy.Set) -> sympy.Set:
    """The values of ``x`` in ``domain`` where ``expr > 0`` (strict) or ``expr >= 0``, exactly.

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> solve_condition(3 * x - 2, x, strict=False, domain=sympy.S.Reals)
    Interval(2/3, oo)
    """
    if expr.is_number:
        holds = bool(expr > 0) if strict else bool(expr >= 0)
        return domain if holds else sympy.S.EmptySet
    if not _is_rational_in(expr, x):
        raise NoClosedForm(str(expr))
    relation = expr > 0 if strict else expr >= 0
    try:
        solved = sympy.solve_univariate_inequality(relation, x, relational=False, domain=sympy.S.Reals)
    except (NotImplementedError, ValueError, TypeError) as err:
        raise NoClosedForm(str(expr)) from err
    return sympy.Intersection(solved, domain)


def numeric_tolerance(low: float, high: float) -> float:
    """Absolute accuracy of the roots :func:`numeric_roots` reports on ``[low, high]``."""
    return tolerance(max(abs(low), abs(high)), SOLVER_RTOL)


def numeric_roots(expr: sympy.Expr, x: sympy.Symbol, low: float, high: float) -> list[float]:
    """Points in ``[low, high]`` where ``expr`` changes sign, to :func:`numeric_tolerance`.

    A root where the expression touches zero without changing sign is found only
    if it falls on the grid; features narrower than the grid step
    ``(high - low) / (GRID_POINTS - 1)`` can be missed.

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> [round(r, 9) for r in numeric_roots(sympy.exp(x) - 2, x, 0, 5)]
    [0.693147181]
    """
    from scipy.optimize import brentq

    if expr.is_number:
        return []
    function = sympy.lambdify([x], expr, modules="numpy")
    grid = np.linspace(low, high, GRID_POINTS)
    with np.errstate(all="ignore"):
        values = np.broadcast_to(np.asarray(function(grid), dtype=float), grid.shape)
    signs = np.where(np.isfinite(values), np.sign(values), np.nan)
    tol = numeric_tolerance(low, high)
    roots = [float(grid[k]) for k in np.flatnonzero(signs == 0)]
    for k in np.flatnonzero(signs[:-1] * signs[1:] < 0):

        def scalar(t: float) -> float:
            with np.errstate(all="ignore"):
                return float(np.asarray(function(t), dtype=float))

        roots.append(float(brentq(scalar, grid[k], grid[k + 1], xtol=tol)))
    return sorted(roots)


def rational_between(low: sympy.Expr, high: sympy.Expr) -> sympy.Expr:
    """A simple rational number strictly between ``low`` and ``high`` (either may be infinite).

    Examples
    --------
    >>> rational_between(sympy.Rational(2, 3), sympy.Integer(1)), rational_between(-sympy.oo, sympy.Integer(0))
    (5/6, -1)
    """
    if low == -sympy.oo and high == sympy.oo:
        return sympy.Integer(0)
    if low == -sympy.oo:
        return sympy.Integer(math.floor(float(high))) - 1
    if high == sympy.oo:
        return sympy.Integer(math.ceil(float(low))) + 1
    middle = (low + high) / 2
    if middle.is_Rational:
        return middle
    for digits in (15, 30, 60, 120):
        guess = sympy.Rational(str(sympy.N(middle, digits)))
        if bool(guess > low) and bool(guess < high):
            return guess
    raise NoClosedForm(f"no rational number found between {low} and {high}")


def format_number(value: sympy.Expr) -> str:
    """An exact number as text, with its decimal value when it is not rational (``sqrt(2) (≈ 1.41421)``)."""
    if value in (sympy.oo, -sympy.oo):
        return "oo" if value == sympy.oo else "-oo"
    if isinstance(value, sympy.Float) or isinstance(value, float):
        return f"{float(value):.6g}"
    if value.is_Rational:
        return str(value)
    return f"{value} (≈ {float(value):.6g})"


def _interval_text(name: str, interval: sympy.Interval) -> str:
    low, high = interval.start, interval.end
    left = "<" if interval.left_open else "≤"
    right = "<" if interval.right_open else "≤"
    if low == -sympy.oo and high == sympy.oo:
        return f"any {name}"
    if low == -sympy.oo:
        return f"{name} {right} {format_number(high)}"
    if high == sympy.oo:
        return f"{name} {'>' if interval.left_open else '≥'} {format_number(low)}"
    return f"{format_number(low)} {left} {name} {right} {format_number(high)}"


def _pieces(values: sympy.Set) -> Iterable[sympy.Set]:
    return values.args if isinstance(values, sympy.Union) else (values,)


def format_set(name: str, values: sympy.Set) -> str:
    """A set of values of one quantity as inequalities: ``x > 2/3``, ``x = 1 or 2 ≤ x < 3``.

    Examples
    --------
    >>> format_set("w", sympy.Union(sympy.Interval.open(sympy.Rational(2, 3), sympy.oo), sympy.FiniteSet(0)))
    'w = 0 or w > 2/3'
    """
    if values is sympy.S.EmptySet:
        return "never"
    parts = []
    for piece in _pieces(values):
        if isinstance(piece, sympy.Interval):
            parts.append(_interval_text(name, piece))
        elif isinstance(piece, sympy.FiniteSet):
            parts += [f"{name} = {format_number(v)}" for v in piece]
        else:
            parts.append(f"{name} ∈ {piece}")
    return " or ".join(parts)
