"""Karush-Kuhn-Tucker points of box-constrained problems, solved with sympy (private kernel).

Each *block* ``b`` maximises its objective ``u_b`` over its own variables
``x_b``, each within bounds ``lo <= x <= hi``, the other blocks' variables held
fixed.  A point satisfies every block's KKT conditions when, for each variable
``x`` of block ``b``, either

* ``x`` is interior, ``lo <= x <= hi``, and ``du_b/dx = 0``; or
* ``x = lo`` and ``du_b/dx <= 0``; or
* ``x = hi`` and ``du_b/dx >= 0``.

Choosing for every variable which of these holds (an *active set*) leaves a
system of first-order conditions in the interior variables.  Its solutions,
with the inequalities they need, are the *candidates*.  For objectives concave
in their own variables the candidates of one block are exactly its maximisers,
and the candidates of all blocks together are exactly the Nash equilibria.

Systems linear in the unknowns are solved by linear algebra (a symbolic
determinant that is not identically zero is assumed non-zero, and recorded);
polynomial or rational systems in at most three unknowns by
:func:`sympy.solve`; a single transcendental equation by :func:`sympy.solve`
when it can.  Anything else raises :class:`NotSolvable`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy

from ..tolerance import IMAGINARY_ATOL, SOLVER_RTOL

__all__ = ["Candidate", "NotSolvable", "decide", "kkt_candidates", "substitute", "tidy"]

Bound = tuple[sympy.Expr | None, sympy.Expr | None]


class NotSolvable(Exception):
    """The first-order conditions cannot be solved in closed form (the message says why)."""


@dataclass(frozen=True)
class Candidate:
    """A KKT point: the value of every variable, which bound it sits at, and what it needs to hold."""

    point: dict[sympy.Symbol, sympy.Expr]
    regime: dict[sympy.Symbol, str]
    conditions: tuple[sympy.Basic, ...]
    nonzero: tuple[sympy.Expr, ...] = ()
    free: tuple[sympy.Symbol, ...] = ()


def tidy(expr: sympy.Expr) -> sympy.Expr:
    """A compact form of a solution: cancelled, and factored when that is shorter."""
    expr = sympy.sympify(expr)
    if expr.has(sympy.Piecewise) or not expr.free_symbols:
        return expr
    cancelled = sympy.cancel(expr)
    factored = sympy.factor(cancelled)
    return factored if sympy.count_ops(factored) < sympy.count_ops(cancelled) else cancelled


Box = Mapping[sympy.Symbol, tuple[sympy.Expr, sympy.Expr]]


def decide(
    condition: sympy.Basic,
    signs: Mapping[sympy.Symbol, sympy.Symbol],
    tol: float = SOLVER_RTOL,
    box: Box | None = None,
) -> bool | None:
    """Whether ``condition`` (``expr >= 0``, ``expr > 0`` or a boolean) holds, under the sign assumptions.

    A condition linear in variables with numeric bounds (``box``) is decided at the corners
    of their box, where a linear function takes its extremes.  None when sympy cannot tell.
    """
    if condition in (sympy.true, True):
        return True
    if condition in (sympy.false, False):
        return False
    if isinstance(condition, sympy.And):
        answers = [decide(c, signs, tol, box) for c in condition.args]
        return False if False in answers else (True if all(answers) else None)
    if not isinstance(condition, sympy.core.relational.Relational):
        return None
    strict = isinstance(condition, (sympy.StrictGreaterThan, sympy.StrictLessThan))
    expr = condition.lhs - condition.rhs
    if isinstance(condition, (sympy.LessThan, sympy.StrictLessThan)):
        expr = -expr
    if isinstance(condition, (sympy.Eq, sympy.Ne)):
        zero = sympy.cancel(expr.xreplace(signs)).is_zero
        return None if zero is None else (zero if isinstance(condition, sympy.Eq) else not zero)
    expr = expr.xreplace(signs)
    if expr.is_number:
        value = complex(sympy.N(expr, 30))
        if abs(value.imag) > IMAGINARY_ATOL:
            return False
        return value.real > tol if strict else value.real >= -tol
    for form in (expr, sympy.cancel(expr), sympy.factor(expr)):
        answer = form.is_positive if strict else form.is_nonnegative
        if answer is not None:
            return bool(answer)
    return _at_corners(expr, strict, signs, tol, box) if box else None


def _at_corners(
    expr: sympy.Expr, strict: bool, signs: Mapping[sympy.Symbol, sympy.Symbol], tol: float, box: Box
) -> bool | None:
    inside = [x for x in box if x in expr.free_symbols or signs.get(x) in expr.free_symbols]
    if not inside or len(inside) > 6:
        return None
    expr = expr.xreplace({signs[x]: x for x in inside if x in signs})
    if not expr.is_polynomial(*inside) or sympy.Poly(expr, *inside).total_degree() > 1:
        return None
    answers = set()
    for corner in itertools.product(*(box[x] for x in inside)):
        value = expr.xreplace(dict(zip(inside, corner, strict=True)))
        relation = sympy.StrictGreaterThan(value, 0) if strict else sympy.GreaterThan(value, 0)
        answers.add(decide(relation, signs, tol))
        if None in answers or len(answers) > 1:
            return None
    return answers.pop()


def substitute(condition: sympy.Basic, values: Mapping[sympy.Symbol, sympy.Expr]) -> sympy.Basic:
    """``condition`` with ``values`` put in; false where that makes it compare a non-real number."""
    try:
        return condition.xreplace(dict(values))
    except TypeError:  # sympy refuses to compare non-real numbers (a log or root of a negative)
        return sympy.false


def _at_least(expr: sympy.Expr) -> sympy.Basic:
    """The condition ``expr >= 0``, written compactly."""
    return sympy.GreaterThan(tidy(expr), 0, evaluate=False)


def _options(bound: Bound) -> list[str]:
    low, high = bound
    options = ["interior"]
    if low is not None:
        options.append("lower")
    if high is not None and not (low is not None and sympy.simplify(high - low) == 0):
        options.append("upper")
    return options


def kkt_candidates(
    blocks: Sequence[tuple[sympy.Expr, Sequence[sympy.Symbol]]],
    bounds: Mapping[sympy.Symbol, Bound],
    signs: Mapping[sympy.Symbol, sympy.Symbol],
    *,
    max_sets: int = 729,
    box: Box | None = None,
) -> list[Candidate]:
    """Every KKT point of the blocks, one per solution of each active set.

    Conditions that hold under ``signs`` are dropped, candidates with a condition
    that fails are discarded; the rest keep their undecided conditions.

    Raises
    ------
    NotSolvable
        If there are more than ``max_sets`` active sets or a system cannot be solved.
    """
    owner = {x: u for u, xs in blocks for x in xs}
    gradient = {x: sympy.diff(u, x) for x, u in owner.items()}
    variables = list(owner)
    options = [_options(bounds[x]) for x in variables]
    count = 1
    for opts in options:
        count *= len(opts)
    if count > max_sets:
        raise NotSolvable(f"{count} ways for the variables to sit at their bounds exceed the limit of {max_sets}")
    found: list[Candidate] = []
    for choice in itertools.product(*options):
        regime = dict(zip(variables, choice, strict=True))
        for cand in _solve_active_set(regime, gradient, bounds, signs, box):
            same = [k for k, old in enumerate(found) if old.point == cand.point]
            if not same:
                found.append(cand)
            elif _rank(cand) < _rank(found[same[0]]):
                found[same[0]] = cand
    return found


def _rank(cand: Candidate) -> tuple[int, int]:
    """Of two candidates at the same point, prefer fewer conditions, then the one naming more bounds."""
    return len(cand.conditions), -sum(r != "interior" for r in cand.regime.values())


def _solve_active_set(
    regime: dict[sympy.Symbol, str],
    gradient: Mapping[sympy.Symbol, sympy.Expr],
    bounds: Mapping[sympy.Symbol, Bound],
    signs: Mapping[sympy.Symbol, sympy.Symbol],
    box: Box | None,
) -> list[Candidate]:
    fixed = {x: bounds[x][0 if r == "lower" else 1] for x, r in regime.items() if r != "interior"}
    unknowns = [x for x, r in regime.items() if r == "interior"]
    equations = [gradient[x].xreplace(fixed) for x in unknowns]
    found = []
    for solution, nonzero, free in _solve(equations, unknowns, signs):
        point = {**fixed, **solution}
        point = {x: tidy(v.xreplace(point)) for x, v in point.items()}
        conditions: list[sympy.Basic] = []
        for x, r in regime.items():
            low, high = bounds[x]
            if r == "interior":
                conditions += [_at_least(point[x] - low)] if low is not None else []
                conditions += [_at_least(high - point[x])] if high is not None else []
            else:
                slope = gradient[x].xreplace(point)
                conditions.append(_at_least(-slope if r == "lower" else slope))
        answers = [decide(c, signs, box=box) for c in conditions]
        if False in answers:
            continue
        kept = tuple(c for c, a in zip(conditions, answers, strict=True) if a is None)
        found.append(Candidate(point=point, regime=dict(regime), conditions=kept, nonzero=nonzero, free=free))
    return found


def _solve(
    equations: list[sympy.Expr], unknowns: list[sympy.Symbol], signs: Mapping[sympy.Symbol, sympy.Symbol]
) -> list[tuple[dict[sympy.Symbol, sympy.Expr], tuple[sympy.Expr, ...], tuple[sympy.Symbol, ...]]]:
    if not unknowns:
        return [({}, (), ())]
    numerators = [sympy.numer(sympy.together(e)) for e in equations]
    polynomial = all(e.is_polynomial(*unknowns) for e in numerators)
    if polynomial and all(sympy.Poly(e, *unknowns).total_degree() <= 1 for e in numerators):
        return _solve_linear(numerators, unknowns, signs)
    if polynomial and len(unknowns) <= 3:
        try:
            solutions = sympy.solve(numerators, unknowns, dict=True)
        except NotImplementedError as err:
            raise NotSolvable(f"sympy cannot solve the first-order conditions: {err}") from None
    elif len(unknowns) == 1:
        try:
            solutions = sympy.solve(equations[0], unknowns[0], dict=True)
        except (NotImplementedError, ValueError) as err:
            raise NotSolvable(f"sympy cannot solve the first-order condition {equations[0]} = 0: {err}") from None
    else:
        raise NotSolvable("the first-order conditions are not polynomial in the decision variables")
    found = []
    for solution in solutions:
        if set(solution) != set(unknowns):
            raise NotSolvable("the first-order conditions have a continuum of solutions")
        if any(v.xreplace(signs).is_real is False for v in solution.values()):
            continue
        if any(sympy.simplify(sympy.denom(sympy.together(e)).xreplace(solution)) == 0 for e in equations):
            continue
        found.append((solution, (), ()))
    return found


def _solve_linear(
    equations: list[sympy.Expr], unknowns: list[sympy.Symbol], signs: Mapping[sympy.Symbol, sympy.Symbol]
) -> list[tuple[dict[sympy.Symbol, sympy.Expr], tuple[sympy.Expr, ...], tuple[sympy.Symbol, ...]]]:
    matrix, rhs = sympy.linear_eq_to_matrix(equations, unknowns)
    if matrix.is_square:
        det = sympy.factor(sympy.cancel(matrix.det()))
        if det != 0:
            values = matrix.LUsolve(rhs)
            nonzero = () if det.is_number or decide(sympy.Ne(det, 0), signs) else (det,)
            return [({x: tidy(v) for x, v in zip(unknowns, values, strict=True)}, nonzero, ())]
    try:
        values, params = matrix.gauss_jordan_solve(rhs)
    except ValueError:
        return []
    free = tuple(params)
    return [({x: tidy(v) for x, v in zip(unknowns, values, strict=True)}, (), free)]
