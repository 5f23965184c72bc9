"""Bounds on what a model's formulas can compute, checked when the model is loaded.

:mod:`incentives.formula` limits each formula on its own (length, nesting, digits,
constant exponents).  A model chains formulas: a KPI uses other KPIs, parameters
and decision variables, so ``k2: k1**k1`` with ``k1: 9**9`` is harmless text that
no computer can evaluate.  This module bounds the chains.

Definitions
-----------
Every formula is evaluated once over *intervals* (interval arithmetic with
:mod:`mpmath`'s ``iv`` context: outward rounding and exponents without limit, so
the bound of ``9**(9**9)`` is computed, not its value):

* a parameter ranges over its value and the values its events give it;
* a decision variable ``d.v`` over the values the actions of ``d`` give it (each a
  formula over parameters), or between the bounds of a continuous variable
  (unbounded where it has none);
* a KPI over the interval its formula gives, KPIs in dependency order; then
  company value, bonus weights, action costs and the cost and risk premium of
  continuous departments.

The interval of a formula holds every value the formula takes at any profile.
From the intervals, and from the formulas' shapes, a model is refused, naming the
field and the part of the formula, when

* **magnitude**: a formula, or any part of it, or a bonus term ``weight x KPI``,
  can reach more than :data:`MAX_MAGNITUDE` in absolute value (close to the
  largest floating-point number, 1.8e308); an interval unbounded only because a
  divisor may be zero or a continuous variable has no bound is not refused here
  (evaluation refuses a division by zero at the profile where it happens);
* **exponent**: an exponent that is not a constant (``x**y``, ``y`` using
  parameters, variables or KPIs) can leave ``[-MAX_EXPONENT, MAX_EXPONENT]``, the
  range :mod:`incentives.formula` allows constant exponents;
* **degree**: a formula, with its KPIs written out, is a polynomial (or rational
  function) of degree more than :data:`MAX_DEGREE` in the decision variables and
  parameters; degrees add in products and multiply in powers (``k2: k1**100`` with
  ``k1: x**100`` has degree 10,000), and exact arithmetic on such a formula needs
  numbers of millions of digits;
* **size**: a formula with its KPIs written out (as
  :meth:`~incentives.model.Organization.resolved_kpis` and the bonus plans do)
  has more than :data:`MAX_WRITTEN_SIZE` nodes: a chain of KPIs that each use the
  previous one twice doubles at every step;
* **not real**: a square root, fractional power or logarithm of something that is
  negative (not positive, for ``log``) at every profile, or a division by
  something that is zero at every profile.  For formulas over parameters only
  (bonus weights, costs, the values of actions) this is exact.

These are sufficient conditions on the model as written: with other parameter
values (a sweep, a what-if) the evaluation itself refuses values that are not
finite, at the point and profile where they arise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy
from mpmath import iv

from .errors import FormulaError, Problem
from .formula import formula_to_text

__all__ = ["MAX_DEGREE", "MAX_EXPONENT", "MAX_MAGNITUDE", "MAX_WRITTEN_SIZE", "formula_bound_problems"]

#: Largest absolute value a formula, or any part of it, may reach.
MAX_MAGNITUDE = 1e300
#: Largest absolute value of an exponent that is not a constant (as for constant exponents in formulas).
MAX_EXPONENT = 100
#: Largest degree of a formula with its KPIs written out.
MAX_DEGREE = 1000
#: Most nodes of a formula with its KPIs written out.
MAX_WRITTEN_SIZE = 5_000

_LIMIT = mpmath.mpf(MAX_MAGNITUDE)
_EXP_LIMIT = mpmath.log(_LIMIT)
_UNBOUNDED = iv.mpf(["-inf", "inf"])


class _Refused(Exception):
    """A formula is refused; the message says which part and why."""


@dataclass(frozen=True)
class _Bound:
    """What a formula can compute: an interval holding its values, and its degree."""

    values: Any  # an mpmath iv.mpf interval
    degree: float


def _ends(values: Any) -> tuple[mpmath.mpf, mpmath.mpf]:
    return mpmath.mpf(values.a), mpmath.mpf(values.b)


def _interval(low: Any, high: Any) -> Any:
    return iv.mpf([low, high])


def _hull(*intervals: Any) -> Any:
    lows, highs = zip(*(_ends(values) for values in intervals), strict=True)
    return _interval(min(lows), max(highs))


def _text(expr: sympy.Basic) -> str:
    try:
        text = formula_to_text(expr)
    except FormulaError:
        text = str(expr)
    return text if len(text) <= 60 else text[:57] + "..."


def _size(number: mpmath.mpf) -> str:
    return mpmath.nstr(number, 3)


def _magnitude_problem(values: Any) -> mpmath.mpf | None:
    """The largest finite end of ``values`` in absolute value, if it passes the limit."""
    ends = [abs(end) for end in _ends(values) if mpmath.isfinite(end)]
    largest = max(ends, default=mpmath.mpf(0))
    return largest if largest > _LIMIT else None


class _Evaluator:
    """Bounds of formulas over named inputs (parameters, variables, KPIs), sub-formula by sub-formula."""

    def __init__(self, inputs: Mapping[str, _Bound]) -> None:
        self.inputs = dict(inputs)
        self.memo: dict[sympy.Basic, _Bound] = {}

    def bound(self, expr: sympy.Basic) -> _Bound:
        if expr not in self.memo:
            result = self.compute(expr)
            if expr.args:
                self.check_magnitude(expr, result.values)
                if result.degree > MAX_DEGREE:
                    raise _Refused(
                        f"'{_text(expr)}' has degree {result.degree:,.0f} in the decision variables and parameters, "
                        f"with its KPIs written out; formulas are limited to degree {MAX_DEGREE:,}"
                    )
            self.memo[expr] = result
        return self.memo[expr]

    def check_magnitude(self, expr: sympy.Basic, values: Any) -> None:
        largest = _magnitude_problem(values)
        if largest is not None:
            raise _Refused(
                f"'{_text(expr)}' can reach about {_size(largest)} in absolute value with the values the "
                f"actions and parameters give; values are limited to {MAX_MAGNITUDE:.0e}"
            )

    def compute(self, expr: sympy.Basic) -> _Bound:
        if isinstance(expr, sympy.Symbol):
            return self.inputs.get(expr.name, _Bound(_UNBOUNDED, 1))
        if isinstance(expr, sympy.Rational):
            return _Bound(iv.mpf(int(expr.p)) / iv.mpf(int(expr.q)), 0)
        if expr.has(sympy.I, sympy.zoo, sympy.oo, sympy.nan) and not expr.free_symbols:
            raise _Refused(f"'{_text(expr)}' is not a finite real number")
        if expr.is_Number or isinstance(expr, sympy.NumberSymbol):  # a float, or e: widened by its rounding
            value = mpmath.mpf(str(expr.evalf(20)))
            return _Bound(_interval(*sorted((value * (1 - 1e-15), value * (1 + 1e-15)))), 0)
        handler = _HANDLERS.get(type(expr)) or next(
            (h for kind, h in _HANDLERS.items() if isinstance(expr, kind)), _Evaluator.unknown
        )
        return handler(self, expr)

    def unknown(self, expr: sympy.Basic) -> _Bound:
        parts = [self.bound(a) for a in expr.args if isinstance(a, sympy.Expr)]
        return _Bound(_UNBOUNDED, max((p.degree for p in parts), default=0))

    def add(self, expr: sympy.Add) -> _Bound:
        parts = [self.bound(a) for a in expr.args]
        total = parts[0].values
        for part in parts[1:]:
            total = total + part.values
        return _Bound(total, max(p.degree for p in parts))

    def mul(self, expr: sympy.Mul) -> _Bound:
        parts = [self.bound(a) for a in expr.args]
        total = parts[0].values
        for part in parts[1:]:
            total = total * part.values
            self.check_magnitude(expr, total)
        return _Bound(total, sum(p.degree for p in parts))

    def power(self, expr: sympy.Pow) -> _Bound:
        base, exponent = self.bound(expr.base), self.bound(expr.exp)
        if expr.exp.is_Integer:
            return _Bound(self.integer_power(expr, base.values, int(expr.exp)), base.degree * abs(int(expr.exp)))
        low, high = _ends(exponent.values)
        if not expr.exp.is_Number and not (-MAX_EXPONENT <= low and high <= MAX_EXPONENT):
            largest = max(abs(low), abs(high))
            reach = f"can reach {_size(largest)}" if mpmath.isfinite(largest) else "has no bound"
            raise _Refused(
                f"the exponent '{_text(expr.exp)}' in '{_text(expr)}' {reach}; an exponent that is not a constant "
                f"must stay within -{MAX_EXPONENT} and {MAX_EXPONENT} with the values the actions and parameters give"
            )
        degree = base.degree * float(max(abs(low), abs(high))) + exponent.degree
        if expr.exp.is_Number:  # a fractional power, such as a square root: real for a base that is not negative
            return _Bound(_power(self.non_negative(expr, base.values, "a negative number"), low, high), degree)
        magnitude = _power(_interval(0, max(abs(end) for end in _ends(base.values))), low, high)
        if _ends(base.values)[0] >= 0:
            return _Bound(_power(base.values, low, high), degree)
        return _Bound(_interval(-_ends(magnitude)[1], _ends(magnitude)[1]), degree)

    def integer_power(self, expr: sympy.Pow, base: Any, n: int) -> Any:
        low, high = _ends(base)
        if n < 0 and low == 0 == high:
            raise _Refused(f"'{_text(expr)}' divides by zero: '{_text(expr.base)}' is always 0")
        return base**n

    def non_negative(self, expr: sympy.Basic, values: Any, what: str, *, strict: bool = False) -> Any:
        """``values`` without its negative part (without 0 too when ``strict``); refused if nothing is left."""
        low, high = _ends(values)
        if high < 0 or (strict and high <= 0):
            name = "a number that is not positive" if strict else what
            raise _Refused(f"'{_text(expr)}' is not a real number: '{_text(expr.args[0])}' is always {name}")
        return _interval(max(low, 0), high)

    def exp(self, expr: sympy.exp) -> _Bound:
        argument = self.bound(expr.args[0])
        high = _ends(argument.values)[1]
        if mpmath.isfinite(high) and high > _EXP_LIMIT:
            self.check_magnitude(expr, _interval(0, mpmath.exp(min(high, 10**6))))
        return _Bound(iv.exp(argument.values), argument.degree)

    def log(self, expr: sympy.log) -> _Bound:
        argument = self.bound(expr.args[0])
        positive = self.non_negative(expr, argument.values, "", strict=True)
        return _Bound(iv.log(positive), argument.degree)

    def absolute(self, expr: sympy.Abs) -> _Bound:
        argument = self.bound(expr.args[0])
        low, high = _ends(argument.values)
        least = 0 if low <= 0 <= high else min(abs(low), abs(high))
        return _Bound(_interval(least, max(abs(low), abs(high))), argument.degree)

    def extremum(self, expr: sympy.Min | sympy.Max) -> _Bound:
        parts = [self.bound(a) for a in expr.args]
        ends = [_ends(p.values) for p in parts]
        pick = min if isinstance(expr, sympy.Min) else max
        values = _interval(pick(e[0] for e in ends), pick(e[1] for e in ends))
        return _Bound(values, max(p.degree for p in parts))

    def piecewise(self, expr: sympy.Piecewise) -> _Bound:
        pieces = [self.bound(value) for value, _ in expr.args]
        for _, condition in expr.args:
            self.condition(condition)
        return _Bound(_hull(*(p.values for p in pieces)), max(p.degree for p in pieces))

    def condition(self, condition: sympy.Basic) -> None:
        for part in condition.args:
            if isinstance(part, sympy.Expr):
                self.bound(part)
            else:
                self.condition(part)


_HANDLERS: dict[type, Callable[[_Evaluator, Any], _Bound]] = {
    sympy.Add: _Evaluator.add,
    sympy.Mul: _Evaluator.mul,
    sympy.Pow: _Evaluator.power,
    sympy.exp: _Evaluator.exp,
    sympy.log: _Evaluator.log,
    sympy.Abs: _Evaluator.absolute,
    sympy.Min: _Evaluator.extremum,
    sympy.Max: _Evaluator.extremum,
    sympy.Piecewise: _Evaluator.piecewise,
}


def _power(base: Any, low: mpmath.mpf, high: mpmath.mpf) -> Any:
    """``base ** [low, high]`` for a base that is not negative: the extremes are at the corners."""
    corners = []
    for x in _ends(base):
        for y in (low, high):
            if x == 0:
                corners.append(mpmath.inf if y < 0 else mpmath.mpf(y == 0))
            elif not (mpmath.isfinite(x) and mpmath.isfinite(y)):
                corners += [mpmath.mpf(0), mpmath.inf]
            else:
                corners += list(_ends(iv.exp(iv.mpf(y) * iv.log(iv.mpf(x)))))
    return _interval(min(corners), max(corners))


# -- the model ------------------------------------------------------------------------------------


def _checked(evaluator: _Evaluator, expr: sympy.Basic, path: str, problems: list[Problem]) -> _Bound | None:
    """The bound of ``expr``, or None after adding the problem to ``problems``."""
    try:
        return evaluator.bound(expr)
    except _Refused as err:
        problems.append(Problem(path=path, message=str(err)))
        return None


def _parameters(org: Any, problems: list[Problem]) -> dict[str, _Bound]:
    evaluator = _Evaluator({})
    bounds: dict[str, _Bound] = {}
    for name, value in org.parameters.items():
        values = [(f"parameters.{name}", value)]
        values += [(f"events.{e}.{name}", c[name]) for e, c in org.events.items() if name in c]
        found = [_checked(evaluator, expr, path, problems) for path, expr in values]
        if all(f is not None for f in found):
            bounds[name] = _Bound(_hull(*(f.values for f in found if f is not None)), 1)
    return bounds


def _variables(org: Any, inputs: dict[str, _Bound], problems: list[Problem]) -> dict[str, _Bound]:
    evaluator = _Evaluator(inputs)
    bounds: dict[str, _Bound] = {}
    for dept in org.departments:
        for var in dept.variables:
            if var in dept.continuous:
                ends = dept.continuous[var]
                found = [
                    _checked(evaluator, end, f"departments.{dept.name}.variables.{var}.{side}", problems)
                    if end is not None
                    else _Bound(_interval(default, default), 0)
                    for end, side, default in ((ends.lower, "lower", "-inf"), (ends.upper, "upper", "inf"))
                ]
            else:
                found = [
                    _checked(evaluator, a.values[var], f"departments.{dept.name}.actions.{a.name}.{var}", problems)
                    for a in dept.actions
                    if var in a.values
                ]
            if found and all(f is not None for f in found):
                bounds[f"{dept.name}.{var}"] = _Bound(_hull(*(f.values for f in found if f is not None)), 1)
    return bounds


def _written_sizes(org: Any, order: list[str]) -> dict[str, int]:
    """Nodes of each KPI's formula with the KPIs it uses written out."""
    sizes: dict[str, int] = {}
    for name in order:
        sizes[name] = _written_size(org.kpis[name], sizes)
    return sizes


def _written_size(expr: sympy.Basic, sizes: Mapping[str, int]) -> int:
    total = 0
    for node in sympy.preorder_traversal(expr):
        total += sizes.get(node.name, 1) if isinstance(node, sympy.Symbol) else 1
    return total


def _check_size(path: str, size: int, problems: list[Problem]) -> bool:
    if size <= MAX_WRITTEN_SIZE:
        return True
    problems.append(
        Problem(
            path=path,
            message=f"with the KPIs it uses written out, the formula has {size:,} parts; formulas are limited to "
            f"{MAX_WRITTEN_SIZE:,} (a chain of KPIs that each use the one before several times grows at every step)",
        )
    )
    return False


def formula_bound_problems(org: Any, order: list[str]) -> list[Problem]:
    """Every formula of ``org`` that could overflow, hang or leave the real numbers (see the module docstring).

    Parameters
    ----------
    org : Organization, or an object with the same fields
        A model whose names all resolve (no unknown names, no KPI cycles).
    order : list of str
        The KPIs in dependency order (:func:`incentives.model.kpi_order`).

    Returns
    -------
    list of Problem
        One problem for each refused formula, with its field path; formulas that use
        a refused KPI are not checked again.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> formula_bound_problems(org, list(org.kpis))
    []
    """
    problems: list[Problem] = []
    inputs = _parameters(org, problems)
    inputs |= _variables(org, inputs, problems)
    evaluator = _Evaluator(inputs)
    sizes = _written_sizes(org, order)
    for name in order:
        expr = org.kpis[name]
        usable = _names_known(expr, evaluator.inputs) and _check_size(f"kpis.{name}", sizes[name], problems)
        found = _checked(evaluator, expr, f"kpis.{name}", problems) if usable else None
        if found is not None:
            evaluator.inputs[name] = found
    value = _formula(evaluator, org.company_value, "company_value", sizes, problems)
    for dept, weights in org.bonus.items():
        for key, weight in weights.items():
            found = _formula(evaluator, weight, f"bonus.{dept}.{key}", sizes, problems)
            measured = value if key == "company_value" else evaluator.inputs.get(key)
            if found is not None and measured is not None:
                _term(evaluator, weight, found, measured, f"bonus.{dept}.{key}", problems)
    for dept, costs in org.costs.items():
        for action, cost in costs.items():
            _formula(evaluator, cost, f"costs.{dept}.{action}", sizes, problems)
    for dept in org.departments:
        for field, expr in (("cost", dept.cost), ("risk_premium", dept.risk_premium)):
            path = f"costs.{dept.name}" if field == "cost" else f"departments.{dept.name}.risk_premium"
            _formula(evaluator, expr, path, sizes, problems)
    return problems


def _names_known(expr: sympy.Basic, inputs: Mapping[str, _Bound]) -> bool:
    """Whether every name ``expr`` uses has a bound (its KPIs were not refused)."""
    return all(s.name in inputs for s in expr.free_symbols if isinstance(s, sympy.Symbol))


def _formula(
    evaluator: _Evaluator, expr: sympy.Basic, path: str, sizes: Mapping[str, int], problems: list[Problem]
) -> _Bound | None:
    if not (_names_known(expr, evaluator.inputs) and _check_size(path, _written_size(expr, sizes), problems)):
        return None
    return _checked(evaluator, expr, path, problems)


def _term(
    evaluator: _Evaluator, weight: sympy.Basic, found: _Bound, measured: _Bound, path: str, problems: list[Problem]
) -> None:
    largest = _magnitude_problem(found.values * measured.values)
    if largest is not None:
        problems.append(
            Problem(
                path=path,
                message=f"the bonus term (weight '{_text(weight)}' times what it pays on) can reach about "
                f"{_size(largest)} in absolute value; values are limited to {MAX_MAGNITUDE:.0e}",
            )
        )
