"""Several quantities at once: regions as simplified inequalities between them, and boundaries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy

from ._inequalities import Condition, clean, merge_alternatives, relation, simplify_conjunction
from .regions import Boundary, Region, relation_text
from .symbolic import SymbolicModel

__all__ = ["boundaries", "deviations", "domain_relations", "equilibrium_region_many", "gaming_and_optimum_regions"]


def deviations(model: SymbolicModel, profile: tuple[int, ...]) -> list[tuple[int, int, sympy.Expr]]:
    """(department, other action, payoff difference) for every unilateral deviation from ``profile``."""
    out = []
    for i, n in enumerate(model.shape):
        for b in range(n):
            if b != profile[i]:
                other = (*profile[:i], b, *profile[i + 1 :])
                out.append((i, b, clean(model.payoff(i, profile) - model.payoff(i, other), model.symbols)))
    return out


def _domain_conditions(model: SymbolicModel, domains: Mapping[str, sympy.Set]) -> list[Condition]:
    """The domain of each quantity as conditions ``s - low >= 0`` and ``high - s >= 0``."""
    out: list[Condition] = []
    for name, s in zip(model.names, model.symbols, strict=True):
        domain = domains.get(name, sympy.S.Reals)
        if isinstance(domain, sympy.Interval):
            if domain.start.is_finite:
                out.append((s - domain.start, bool(domain.left_open)))
            if domain.end.is_finite:
                out.append((domain.end - s, bool(domain.right_open)))
    return out


def domain_relations(model: SymbolicModel, domains: Mapping[str, sympy.Set]) -> frozenset[sympy.Basic]:
    """The ranges asked for as relations (``s >= 0``): stated once in the report, left out of every region."""
    within = _domain_conditions(model, domains)
    return frozenset(relation(expr, strict, model.symbols) for expr, strict in within)


def _inside(conjunction: tuple[sympy.Basic, ...], ranges: frozenset[sympy.Basic]) -> tuple[sympy.Basic, ...]:
    return tuple(r for r in conjunction if r not in ranges)


def equilibrium_region_many(
    model: SymbolicModel, profile: tuple[int, ...], domains: Mapping[str, sympy.Set] | None = None
) -> Region:
    """Where ``profile`` is an equilibrium, within the ranges ``domains`` (which the region leaves out)."""
    domains = domains or {}
    conditions = [(diff, False) for _, _, diff in deviations(model, profile)]
    conjunction = simplify_conjunction(_domain_conditions(model, domains) + conditions, model.symbols)
    alternatives = () if conjunction is None else (_inside(conjunction, domain_relations(model, domains)),)
    return Region(names=model.names, alternatives=alternatives)


def _alternatives(
    candidates: list[list[Condition]], symbols: Sequence[sympy.Symbol], ranges: frozenset[sympy.Basic]
) -> tuple[tuple[sympy.Basic, ...], ...]:
    found: dict[tuple[sympy.Basic, ...], None] = {}
    for conditions in candidates:
        conjunction = simplify_conjunction(conditions, symbols)
        if conjunction is not None:
            found[_inside(conjunction, ranges)] = None
    if () in found:
        return ((),)
    return merge_alternatives(list(found))


def gaming_and_optimum_regions(
    model: SymbolicModel, domains: Mapping[str, sympy.Set]
) -> tuple[dict[str, Region], Region]:
    """Gaming region of each department and the optimum region, as alternatives of inequalities."""
    profiles = list(model.profiles())
    symbols = model.symbols
    within = _domain_conditions(model, domains)
    ranges = domain_relations(model, domains)
    equilibrium = {p: [*within, *((d, False) for _, _, d in deviations(model, p))] for p in profiles}
    optimal = {
        o: [(clean(model.value(o) - model.value(q), model.symbols), False) for q in profiles if q != o]
        for o in profiles
    }
    possible = [o for o in profiles if simplify_conjunction(optimal[o], symbols) is not None]
    stable = [p for p in profiles if simplify_conjunction(equilibrium[p], symbols) is not None]
    gaming = {}
    for i, dept in enumerate(model.players):
        candidates = []
        for p in stable:
            for o in possible:
                if o[i] == p[i]:
                    continue
                switched = (*p[:i], o[i], *p[i + 1 :])
                own_gain = clean(model.payoff(i, p) - model.payoff(i, switched), model.symbols)
                company_cost = clean(model.value(switched) - model.value(p), model.symbols)
                candidates.append([*equilibrium[p], *optimal[o], (own_gain, True), (company_cost, True)])
        gaming[dept] = Region(names=model.names, alternatives=_alternatives(candidates, symbols, ranges))
    optimum = Region(
        names=model.names, alternatives=_alternatives([optimal[o] + equilibrium[o] for o in possible], symbols, ranges)
    )
    return gaming, optimum


def _solved_equation(expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> sympy.Basic:
    solved = relation(expr, False, symbols)
    if isinstance(solved, (sympy.GreaterThan, sympy.LessThan)):
        return sympy.Eq(solved.lhs, solved.rhs, evaluate=False)
    return sympy.Eq(expr, 0, evaluate=False)


def boundaries(
    model: SymbolicModel, profiles: list[tuple[int, ...]], domains: Mapping[str, sympy.Set] | None = None
) -> tuple[Boundary, ...]:
    """Where a payoff difference of one of ``profiles`` changes sign within the ranges ``domains``.

    A difference that the ranges keep at or above zero (or below it) changes nothing there and
    gives no boundary.
    """
    within = _domain_conditions(model, domains or {})
    found: dict[sympy.Basic, list[str]] = {}
    for p in profiles:
        for i, b, diff in deviations(model, p):
            if diff.is_number or not _changes_sign(diff, within, model.symbols):
                continue
            equation = _solved_equation(diff, model.symbols)
            side = relation(diff, False, model.symbols)
            change = (
                f"{model.label(p)} is an equilibrium only where {relation_text(side)}; "
                f"elsewhere {model.players[i]} prefers {model.actions[i][b]}"
            )
            found.setdefault(equation, []).append(change)
    return tuple(Boundary(equation=e, changes=tuple(c)) for e, c in found.items())


def _changes_sign(diff: sympy.Expr, within: list[Condition], symbols: Sequence[sympy.Symbol]) -> bool:
    """Whether ``diff`` is negative somewhere and nonnegative somewhere within the ranges (as far as known)."""
    below = simplify_conjunction([*within, (-diff, True)], symbols)
    above = simplify_conjunction([*within, (diff, False)], symbols)
    return below is not None and above is not None
