"""Conjunctions of inequalities in several quantities, simplified exactly.

A condition is a pair ``(expr, strict)`` meaning ``expr > 0`` (strict) or
``expr >= 0``.  :func:`simplify_conjunction` turns a list of them into few,
readable relations, or finds that they cannot hold together:

1. conditions that are numbers are dropped when true, and make the whole
   conjunction false when false;
2. conditions linear in a single quantity become bounds on it, and only the
   tightest lower and upper bound of each quantity is kept; crossing bounds make
   the conjunction false;
3. a quantity whose bounds pin it to one value is replaced by that value
   everywhere, and the steps repeat;
4. a condition whose sign the bounds decide is dropped when it holds and makes
   the conjunction false when it fails (``3 w c >= 0`` with ``w >= 0``, ``c >= 0``),
   a positive multiple of a product of quantities bounded below by 0 that must be
   positive becomes each of them positive (``w c > 0`` reads ``w > 0``, ``c > 0``),
   and one the bounds turn into a number bound on one quantity becomes that bound;
   the steps repeat;
5. the other conditions are solved for a quantity they are linear in when the
   sign of its coefficient follows from the bounds (``c > 0`` makes ``w c + 1 > 0``
   read ``w > -1/c``), else kept as ``expr > 0`` divided by its number factor.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence

import sympy

__all__ = ["Condition", "clean", "merge_alternatives", "relation", "simplify_conjunction"]

Condition = tuple[sympy.Expr, bool]

_Bound = tuple[sympy.Expr, bool]  # (value, strict)


def clean(expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> sympy.Expr:
    return _cleaned(expr, tuple(symbols))


@functools.lru_cache(maxsize=4096)
def _cleaned(expr: sympy.Expr, symbols: tuple[sympy.Symbol, ...]) -> sympy.Expr:
    if expr.has(sympy.Piecewise):
        return expr
    if expr.is_polynomial(*symbols):
        return sympy.expand(expr)
    if expr.is_rational_function(*symbols):
        return sympy.cancel(sympy.together(expr))
    return expr


def _holds(expr: sympy.Expr, strict: bool) -> bool:
    return bool(expr > 0) if strict else bool(expr >= 0)


def _linear_coefficient(expr: sympy.Expr, s: sympy.Symbol) -> sympy.Expr | None:
    if s not in expr.free_symbols or not expr.is_polynomial(s) or sympy.degree(expr, s) != 1:
        return None
    return sympy.expand(expr).coeff(s, 1)


def relation(expr: sympy.Expr, strict: bool, symbols: Sequence[sympy.Symbol]) -> sympy.Basic:
    """``expr > 0`` (strict) or ``expr >= 0``, solved for the first quantity linear in it with a number as coefficient.

    Examples
    --------
    >>> w = sympy.Symbol("w", real=True)
    >>> relation(3 * w - 2, False, [w])
    w >= 2/3
    """
    expr = clean(expr, symbols)
    if expr.is_number:
        return sympy.true if _holds(expr, strict) else sympy.false
    for s in symbols:
        coefficient = _linear_coefficient(expr, s)
        if coefficient is not None and coefficient.is_number and coefficient != 0:
            bound = sympy.expand(-(expr - coefficient * s) / coefficient)
            if coefficient > 0:
                return s > bound if strict else s >= bound
            return s < bound if strict else s <= bound
    factor, rest = sympy.factor_terms(expr).as_coeff_Mul()
    if factor.is_negative:
        return rest < 0 if strict else rest <= 0
    return rest > 0 if strict else rest >= 0


def _tighter(old: _Bound | None, new: _Bound, lower: bool) -> _Bound:
    if old is None:
        return new
    (a, a_strict), (b, b_strict) = old, new
    if a == b:
        return (a, a_strict or b_strict)
    if lower:
        return new if bool(b > a) else old
    return new if bool(b < a) else old


def _sign_substitutions(symbol: sympy.Symbol, lower: _Bound | None, upper: _Bound | None) -> list[sympy.Expr]:
    """``symbol`` written as ``L + u`` and as ``U - u``, ``u`` a positive (or nonnegative) symbol, as bounds allow."""
    out = []
    for bound, sign in ((lower, 1), (upper, -1)):
        if bound is not None:
            value, strict = bound
            u = sympy.Dummy(positive=True) if strict else sympy.Dummy(nonnegative=True)
            out.append(value + sign * u)
    return out


def _sign(expr: sympy.Expr, substitutions: dict[sympy.Symbol, list[sympy.Expr]]) -> int:
    """+1 or -1 when the bounds fix the sign of ``expr`` (never zero), else 0."""
    symbols = [s for s in substitutions if s in expr.free_symbols]
    for choice in itertools.product(*(substitutions[s] for s in symbols)):
        value = expr.xreplace(dict(zip(symbols, choice, strict=True)))
        if value.is_positive:
            return 1
        if value.is_negative:
            return -1
    return 0


def _solve_with_bounds(
    expr: sympy.Expr, strict: bool, symbols: Sequence[sympy.Symbol], substitutions: dict[sympy.Symbol, list[sympy.Expr]]
) -> sympy.Basic:
    for s in symbols:
        coefficient = _linear_coefficient(expr, s)
        if coefficient is None or coefficient.is_number:
            continue
        sign = _sign(coefficient, {k: v for k, v in substitutions.items() if k != s})
        if sign:
            bound = sympy.factor(sympy.cancel(-(expr - coefficient * s) / coefficient))
            if sign > 0:
                return s > bound if strict else s >= bound
            return s < bound if strict else s <= bound
    return relation(expr, strict, symbols)


def simplify_conjunction(
    conditions: Sequence[Condition], symbols: Sequence[sympy.Symbol]
) -> tuple[sympy.Basic, ...] | None:
    """The conditions as few relations (see the module docstring); None when they cannot all hold.

    Examples
    --------
    >>> c, w = sympy.symbols("c w", real=True)
    >>> simplify_conjunction([(c - 1, False), (5 - c, True), (c - 2, False)], [c, w])
    (c >= 2, c < 5)
    >>> simplify_conjunction([(c, False), (-c, False), (w * c - 1, False)], [c, w]) is None
    True
    >>> simplify_conjunction([(c - 1, True), (w * c + 1, False)], [c, w])
    (c > 1, w >= -1/c)
    """
    pending = [(clean(e, symbols), strict) for e, strict in conditions]
    lower: dict[sympy.Symbol, _Bound] = {}
    upper: dict[sympy.Symbol, _Bound] = {}
    pinned: dict[sympy.Symbol, sympy.Expr] = {}
    while True:
        rest = _bound(pending, symbols, lower, upper, pinned)
        if rest is None:
            return None
        substitutions = {
            s: _sign_substitutions(s, lower.get(s), upper.get(s)) for s in symbols if s in lower or s in upper
        }
        decided = _decide_by_signs(rest, substitutions, lower)
        if decided is None:
            return None
        rest, new = decided
        rest, solved = _bounds_by_signs(rest, symbols, substitutions)
        if not new and not solved:
            break
        pending = [*rest, *new, *solved]
    out: list[sympy.Basic] = []
    for s in symbols:
        if s in pinned:
            out.append(sympy.Eq(s, pinned[s]))
            continue
        if s in lower:
            value, strict = lower[s]
            out.append(s > value if strict else s >= value)
        if s in upper:
            value, strict = upper[s]
            out.append(s < value if strict else s <= value)
    solved = [_solve_with_bounds(expr, strict, symbols, substitutions) for expr, strict in rest]
    if sympy.false in solved:
        return None
    combined = _combine_bounds([r for r in solved if r is not sympy.true])
    if combined is None:
        return None
    return tuple(dict.fromkeys([*out, *combined]))


def _bound(
    pending: list[Condition],
    symbols: Sequence[sympy.Symbol],
    lower: dict[sympy.Symbol, _Bound],
    upper: dict[sympy.Symbol, _Bound],
    pinned: dict[sympy.Symbol, sympy.Expr],
) -> list[Condition] | None:
    """Steps 1-3 of the module docstring: bounds into ``lower``/``upper``/``pinned``; the other conditions.

    None when the conditions cannot all hold.
    """
    while True:
        rest = []
        for expr, strict in pending:
            expr = clean(expr.xreplace(pinned), symbols) if pinned else expr
            if expr.is_number:
                if not _holds(expr, strict):
                    return None
                continue
            free = [s for s in symbols if s in expr.free_symbols]
            coefficient = _linear_coefficient(expr, free[0]) if len(free) == 1 else None
            if coefficient is None or not coefficient.is_number or coefficient == 0:
                rest.append((expr, strict))
                continue
            s = free[0]
            bound = sympy.expand(-(expr - coefficient * s) / coefficient)
            if coefficient > 0:
                lower[s] = _tighter(lower.get(s), (bound, strict), lower=True)
            else:
                upper[s] = _tighter(upper.get(s), (bound, strict), lower=False)
        for s in set(lower) & set(upper):
            (low, low_strict), (high, high_strict) = lower[s], upper[s]
            if bool(low > high) or (low == high and (low_strict or high_strict)):
                return None
        newly = {s: lower[s][0] for s in set(lower) & set(upper) if lower[s][0] == upper[s][0] and s not in pinned}
        if not newly:
            return rest
        pinned.update(newly)
        pending = rest


def _bounded_sign(expr: sympy.Expr, substitutions: dict[sympy.Symbol, list[sympy.Expr]]) -> str:
    """``">"``, ``">="``, ``"<"`` or ``"<="`` when the bounds fix how ``expr`` compares with 0, else ``""``."""
    symbols = [s for s in substitutions if s in expr.free_symbols]
    if expr.free_symbols - set(symbols):
        return ""
    for choice in itertools.product(*(substitutions[s] for s in symbols)):
        value = sympy.expand(expr.xreplace(dict(zip(symbols, choice, strict=True))))
        for sign, holds in ((">", value.is_positive), ("<", value.is_negative)):
            if holds:
                return sign
        for sign, holds in ((">=", value.is_nonnegative), ("<=", value.is_nonpositive)):
            if holds:
                return sign
    return ""


def _decide_by_signs(
    rest: list[Condition], substitutions: dict[sympy.Symbol, list[sympy.Expr]], lower: dict[sympy.Symbol, _Bound]
) -> tuple[list[Condition], list[Condition]] | None:
    """Drop the conditions the bounds make true; None if one is made false; a product made positive split up.

    Returns the conditions kept and new conditions on single quantities: ``3 w c > 0`` with
    ``w >= 0`` and ``c >= 0`` becomes ``w > 0`` and ``c > 0``.  A condition that appears both
    strict and not is kept strict only.
    """
    strict_too = {expr for expr, strict in rest if strict}
    kept: list[Condition] = []
    new: list[Condition] = []
    for expr, strict in dict.fromkeys(rest):
        if not strict and expr in strict_too:
            continue
        sign = _bounded_sign(expr, substitutions)
        if sign == ">" or (sign == ">=" and not strict):
            continue
        if sign == "<" or (sign == "<=" and strict):
            return None
        factors = _nonnegative_factors(expr, lower) if strict and sign == ">=" else None
        if factors is not None:
            new += [(f, True) for f in factors]
        else:
            kept.append((expr, strict))
    return kept, new


def _bounds_by_signs(
    rest: list[Condition], symbols: Sequence[sympy.Symbol], substitutions: dict[sympy.Symbol, list[sympy.Expr]]
) -> tuple[list[Condition], list[Condition]]:
    """The conditions the bounds turn into a number bound on one quantity (``c > 0`` makes ``-3 w c >= 0``
    read ``w <= 0``), as conditions linear in it; and the others."""
    kept: list[Condition] = []
    bounds: list[Condition] = []
    for expr, strict in rest:
        solved = _solve_with_bounds(expr, strict, symbols, substitutions)
        bound = _as_bound(solved)
        if bound is not None and bound[1].is_number and bound[0] in symbols:
            s, value, side, _ = bound
            bounds.append((s - value if side == "lower" else value - s, strict))
        else:
            kept.append((expr, strict))
    return kept, bounds


def _nonnegative_factors(expr: sympy.Expr, lower: dict[sympy.Symbol, _Bound]) -> list[sympy.Symbol] | None:
    """The quantities of ``expr`` when it is a positive number times a product of quantities bounded below by 0."""
    coefficient, factors = sympy.factor_list(expr)
    if not coefficient.is_positive:
        return None
    bases = [base for base, _ in factors]
    if all(isinstance(b, sympy.Symbol) and lower.get(b) == (0, False) for b in bases):
        return bases
    return None


def _as_bound(r: sympy.Basic) -> tuple[sympy.Symbol, sympy.Expr, str, bool] | None:
    """``(symbol, value, "lower" | "upper", strict)`` for ``symbol op value``."""
    if isinstance(r, (sympy.StrictGreaterThan, sympy.GreaterThan)) and isinstance(r.lhs, sympy.Symbol):
        return r.lhs, r.rhs, "lower", isinstance(r, sympy.StrictGreaterThan)
    if isinstance(r, (sympy.StrictLessThan, sympy.LessThan)) and isinstance(r.lhs, sympy.Symbol):
        return r.lhs, r.rhs, "upper", isinstance(r, sympy.StrictLessThan)
    return None


def _combine_bounds(relations: list[sympy.Basic]) -> list[sympy.Basic] | None:
    """Merge ``s >= X`` and ``s > X`` (into the strict one), ``s >= X`` and ``s <= X`` (into ``s = X``).

    None when two of them contradict each other.
    """
    sides: dict[tuple[sympy.Symbol, sympy.Expr], dict[str, bool]] = {}
    others = []
    for r in relations:
        bound = _as_bound(r)
        if bound is None:
            others.append(r)
            continue
        s, value, side, strict = bound
        entry = sides.setdefault((s, value), {})
        entry[side] = entry.get(side, False) or strict
    out: list[sympy.Basic] = []
    for (s, value), entry in sides.items():
        if "lower" in entry and "upper" in entry:
            if entry["lower"] or entry["upper"]:
                return None
            out.append(sympy.Eq(s, value))
            continue
        for side, strict in entry.items():
            if side == "lower":
                out.append(s > value if strict else s >= value)
            else:
                out.append(s < value if strict else s <= value)
    return out + others


def _split(alternative: tuple[sympy.Basic, ...]) -> tuple[dict[sympy.Symbol, sympy.Set], frozenset[sympy.Basic]]:
    """Numeric bounds of each quantity as an interval, and the other relations."""
    intervals: dict[sympy.Symbol, sympy.Set] = {}
    others = []
    for r in alternative:
        bound = _as_bound(r)
        if isinstance(r, sympy.Eq) and isinstance(r.lhs, sympy.Symbol) and r.rhs.is_number:
            piece: sympy.Set = sympy.FiniteSet(r.rhs)
        elif bound is not None and bound[1].is_number:
            s, value, side, strict = bound
            piece = (
                sympy.Interval(value, sympy.oo, left_open=strict)
                if side == "lower"
                else sympy.Interval(-sympy.oo, value, right_open=strict)
            )
        else:
            others.append(r)
            continue
        s = r.lhs
        intervals[s] = sympy.Intersection(intervals.get(s, sympy.S.Reals), piece)
    return intervals, frozenset(others)


def _join(
    intervals: dict[sympy.Symbol, sympy.Set], others: frozenset[sympy.Basic], order: tuple[sympy.Basic, ...]
) -> tuple[sympy.Basic, ...]:
    out: list[sympy.Basic] = []
    for s, values in intervals.items():
        if isinstance(values, sympy.FiniteSet) and len(values) == 1:
            out.append(sympy.Eq(s, next(iter(values))))
        elif isinstance(values, sympy.Interval):
            if values.start != -sympy.oo:
                out.append(s > values.start if values.left_open else s >= values.start)
            if values.end != sympy.oo:
                out.append(s < values.end if values.right_open else s <= values.end)
    return (*out, *[r for r in order if r in others])


def _complementary(a: sympy.Basic, b: sympy.Basic) -> bool:
    """Whether ``a or b`` always holds: ``s <= X`` and ``s >= X`` (at most one of them strict)."""
    x, y = _as_bound(a), _as_bound(b)
    if x is None or y is None or x[0] != y[0] or x[1] != y[1] or x[2] == y[2]:
        return False
    return not (x[3] and y[3])


def _merge_pair(first: tuple[sympy.Basic, ...], second: tuple[sympy.Basic, ...]) -> tuple[sympy.Basic, ...] | None:
    (ia, oa), (ib, ob) = _split(first), _split(second)
    if oa == ob and set(ia) == set(ib):
        differ = [s for s in ia if ia[s] != ib[s]]
        if len(differ) == 1:
            union = sympy.Union(ia[differ[0]], ib[differ[0]])
            if isinstance(union, (sympy.Interval, sympy.FiniteSet)):
                return _join({**ia, differ[0]: union}, oa, first)
    if ia == ib and len(oa ^ ob) == 2:
        (a,), (b,) = oa - ob, ob - oa
        if _complementary(a, b):
            return _join(ia, oa & ob, first)
    return None


def merge_alternatives(alternatives: Sequence[tuple[sympy.Basic, ...]]) -> tuple[tuple[sympy.Basic, ...], ...]:
    """Fewer alternatives for the same region: join neighbouring intervals and complementary conditions.

    Examples
    --------
    >>> c, w = sympy.symbols("c w", real=True)
    >>> merge_alternatives([(c >= 1, c <= 2, w <= 1 / c), (c >= 2, w <= 1 / c), (c >= 1, w > 1 / c)])
    ((c >= 1,),)
    """
    current = list(dict.fromkeys(alternatives))
    changed = True
    while changed:
        changed = False
        for i, j in itertools.combinations(range(len(current)), 2):
            merged = _merge_pair(current[i], current[j])
            if merged is None and set(current[i]) <= set(current[j]):
                merged = current[i]  # the second is a part of the first
            elif merged is None and set(current[j]) <= set(current[i]):
                merged = current[j]
            if merged is not None:
                current = [a for k, a in enumerate(current) if k not in (i, j)]
                current.insert(i, merged)
                changed = True
                break
    return tuple(current)
