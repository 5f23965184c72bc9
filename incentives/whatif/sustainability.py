"""Where repeated play sustains the target, exactly: the critical sizes of a model, as roots and inequalities.

Definitions
-----------
:func:`incentives.repeated.sustainability_formulas` writes each department's grim-trigger
condition ``delta p_i L_i - (1 - delta) g_i >= 0`` as a formula of some quantities (a
size parameter such as ``headcount``, bonus weights, action costs).  This module solves
those conditions:

* the **valid** values: where the discount factor is in ``[0, 1)`` and every detection
  probability in ``[0, 1]`` (the model's formulas mean something only there), within the
  quantity's domain when one is given;
* for each department, where its condition holds (a department with several deviations
  must resist each: the gain is a ``Max``, and each of its terms gives one condition);
* where the target is **sustained**: every department's condition holds;
* with one quantity, the **critical values**: the ends of the departments' sets inside the
  valid values, each said in words (``headcount = -20 + 380*sqrt(23)/23 (≈ 59.2355): the
  target stops being sustained as headcount rises; the condition of sales changes there``);
* where the **relational contract** holds: the largest credible discretionary bonus covers
  the bonuses the departments need (:mod:`incentives.repeated.contract_formulas`), and with
  one quantity the values where that starts or stops.

With one quantity the sets are exact (:func:`sympy.solve_univariate_inequality` on the
rational functions the conditions are); a condition that is not a rational function of it
(a ``min``, ``max``, ``sqrt`` or ``exp`` of the quantity, a minmax punishment) is solved
numerically on the domain (else on ``[0, 10 x`` the model's value ``]``) and said so.  With
several quantities the regions are lists of simplified inequalities.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from .._display import report_text
from ..errors import ModelError, Problem
from ..formula import symbol
from ..model import Organization
from ..quantities import quantity_value
from ..repeated import Rate, SustainabilityFormulas, Target, sustainability_formulas
from ..tolerance import tolerance
from ._inequalities import simplify_conjunction
from ._univariate import NoClosedForm, format_number, numeric_roots, numeric_tolerance, solve_condition
from .regions import Region

__all__ = ["SustainabilityCritical", "SustainabilityReport", "sustainability"]

Condition = tuple[sympy.Expr, bool]  # expr > 0 (strict) or expr >= 0


@dataclass(frozen=True, kw_only=True)
class SustainabilityCritical:
    """A value of the one quantity where a department's condition, or the verdict, changes.

    Parameters
    ----------
    name : str
        The quantity.
    value : sympy.Expr
        The value (exact, or a Float when found numerically).
    departments : tuple of str
        The departments whose condition starts or stops holding there (empty for the contract).
    before, after : bool
        Whether the target is sustained (or, with ``contract``, the contract holds) just
        below and just above the value.
    contract : bool
        Whether the value is where the relational contract starts or stops holding.
    """

    name: str
    value: sympy.Expr
    departments: tuple[str, ...]
    before: bool
    after: bool
    contract: bool = False

    def describe(self) -> str:
        """What changes as the quantity rises through the value, in words."""
        where = f"{self.name} = {format_number(self.value)}"
        if self.contract:
            change = "stops holding" if self.before and not self.after else "starts holding"
            if self.before == self.after:
                change = "holds on both sides" if self.before else "fails on both sides"
            return f"{where}: the relational contract (the credible discretionary bonus) {change} as {self.name} rises"
        names = list(self.departments)
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        who = f"the condition of {listed} changes there"
        if self.before and not self.after:
            return f"{where}: the target stops being sustained as {self.name} rises; {who}"
        if self.after and not self.before:
            return f"{where}: the target becomes sustained as {self.name} rises; {who}"
        state = "sustained" if self.before else "not sustained"
        return f"{where}: {who}, and the target stays {state}"


@dataclass(frozen=True, kw_only=True)
class SustainabilityReport:
    """Where repeated play sustains the target as some quantities vary (see the module docstring).

    Parameters
    ----------
    title : str
        The model's name.
    names : tuple of str
        The quantities kept symbolic.
    base : mapping of str to sympy.Expr
        The model's own value of each.
    domain : mapping of str to sympy.Set
        The values considered for each (all reals unless restricted).
    formulas : SustainabilityFormulas
        Gains, losses, detection probabilities, discount factor, conditions, ``δ*`` and ``p*``.
    valid : Region or None
        Where the discount factor and the detection probabilities are in range (None without a discount factor).
    departments : mapping of str to Region
        Where each department's condition holds, within the valid values (empty without a discount factor).
    sustained : Region or None
        Where every condition holds: the target is sustained there (None without a discount factor).
    critical_values : tuple of SustainabilityCritical
        One quantity only: where a condition starts or stops holding, in increasing order.
    contract : Region or None
        Where the relational contract holds (the credible bonus covers the bonuses needed),
        within the valid values (None without a discount factor or a profile to revert to).
    contract_critical_values : tuple of SustainabilityCritical
        One quantity only: where the contract starts or stops holding.
    exact : bool
        False when some set was found numerically (see ``notes``).
    notes : tuple of str
    """

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    title: str
    names: tuple[str, ...]
    base: Mapping[str, sympy.Expr]
    domain: Mapping[str, sympy.Set]
    formulas: SustainabilityFormulas
    valid: Region | None
    departments: Mapping[str, Region]
    sustained: Region | None
    critical_values: tuple[SustainabilityCritical, ...] = field(default=())
    contract: Region | None = None
    contract_critical_values: tuple[SustainabilityCritical, ...] = field(default=())
    exact: bool = True
    notes: tuple[str, ...] = field(default=())


def _domains(names: tuple[str, ...], domain: Mapping[str, Any] | None) -> dict[str, sympy.Set]:
    out = {name: sympy.S.Reals for name in names}
    for name, bounds in (domain or {}).items():
        if name not in out:
            raise ModelError(
                [Problem(path=name, message=f"a domain for a quantity not analysed; expected one of {list(names)}")]
            )
        if isinstance(bounds, sympy.Set):
            out[name] = bounds
            continue
        low = -sympy.oo if bounds[0] is None else sympy.nsimplify(bounds[0], rational=True)
        high = sympy.oo if bounds[1] is None else sympy.nsimplify(bounds[1], rational=True)
        if not bool(low <= high):
            raise ModelError(
                [Problem(path=name, message=f"the domain must be (low, high) with low <= high; got {bounds!r}")]
            )
        out[name] = sympy.Interval(low, high)
    return out


def _validity(formulas: SustainabilityFormulas) -> list[Condition]:
    """``0 <= delta < 1`` and ``0 <= p_i <= 1``: where the rates mean something."""
    assert formulas.discount is not None
    delta = formulas.discount
    out: list[Condition] = [(delta, False), (1 - delta, True)]
    for p in dict.fromkeys(formulas.monitoring.values()):
        out += [(p, False), (1 - p, False)]
    return [(sympy.cancel(sympy.together(e)), strict) for e, strict in out if not (e.is_number and _holds(e, strict))]


def _holds(expr: sympy.Expr, strict: bool) -> bool:
    return bool(expr > 0) if strict else bool(expr >= 0)


def _department_conditions(formulas: SustainabilityFormulas, department: str) -> list[Condition]:
    """``delta p L - (1 - delta) g_k >= 0`` for each term ``g_k`` of the department's gain (a Max of its deviations)."""
    assert formulas.discount is not None
    delta = formulas.discount
    gain = formulas.gains[department]
    terms = gain.args if isinstance(gain, sympy.Max) else (gain,)
    loss, seen = formulas.losses[department], formulas.monitoring[department]
    return [(sympy.cancel(sympy.together(delta * seen * loss - (1 - delta) * g)), False) for g in terms]


class _OneQuantity:
    """Solves conditions in one quantity: exactly where it can, else numerically on a range."""

    def __init__(self, name: str, domain: sympy.Set, base: sympy.Expr) -> None:
        self.name, self.domain = name, domain
        self.x = symbol(name)
        value = float(base)
        low, high = (min(0.0, 10 * value), max(0.0, 10 * value)) if value else (-1.0, 1.0)
        if domain.inf.is_finite:
            low = float(domain.inf)
        if domain.sup.is_finite:
            high = float(domain.sup)
        self.range = (low, high if high > low else low + max(1.0, abs(low)))
        self.numeric: list[str] = []

    def solve(self, conditions: Iterable[Condition], within: sympy.Set) -> sympy.Set:
        region = within
        hard = []
        for expr, strict in conditions:
            try:
                region = sympy.Intersection(region, solve_condition(expr, self.x, strict=strict, domain=self.domain))
            except NoClosedForm:
                hard.append((expr, strict))
        if hard:
            region = sympy.Intersection(region, self._numeric(hard))
        return sympy.simplify(region) if isinstance(region, sympy.Intersection) else region

    def _numeric(self, conditions: list[Condition]) -> sympy.Set:
        low, high = self.range
        self.numeric += [f"{e} {'>' if s else '>='} 0" for e, s in conditions]
        functions = [(sympy.lambdify([self.x], e, modules="numpy"), s) for e, s in conditions]
        roots = sorted({r for e, _ in conditions for r in numeric_roots(e, self.x, low, high)})
        edges = [low, *[r for r in roots if low < r < high], high]
        pieces: list[sympy.Set] = [
            sympy.Interval(sympy.Float(a), sympy.Float(b))
            for a, b in itertools.pairwise(edges)
            if self._true(functions, (a + b) / 2)
        ]
        pieces += [sympy.FiniteSet(sympy.Float(r)) for r in roots if self._true(functions, r)]
        return sympy.Union(*pieces) if pieces else sympy.S.EmptySet

    @staticmethod
    def _true(functions: list[tuple[Any, bool]], t: float) -> bool:
        with np.errstate(all="ignore"):
            values = [(float(np.asarray(f(t), dtype=float)), s) for f, s in functions]
        return all(np.isfinite(v) and (v > tolerance(v) if s else v >= -tolerance(v)) for v, s in values)


def _ends(values: sympy.Set) -> set[sympy.Expr]:
    if values is sympy.S.EmptySet:
        return set()
    pieces = values.args if isinstance(values, sympy.Union) else (values,)
    out: set[sympy.Expr] = set()
    for piece in pieces:
        if isinstance(piece, sympy.Interval):
            out |= {e for e in (piece.start, piece.end) if e.is_finite}
        elif isinstance(piece, sympy.FiniteSet):
            out |= set(piece.args)
    return out


def _critical_values(
    solver: _OneQuantity, valid: sympy.Set, by_department: dict[str, sympy.Set], sustained: sympy.Set
) -> tuple[SustainabilityCritical, ...]:
    """The ends of the departments' sets inside the valid values (the edges of the valid values are not listed)."""
    edges = _ends(valid)
    ends = {d: _ends(s) - edges for d, s in by_department.items()}
    out = []
    for value in sorted(set().union(*ends.values()), key=float):
        step = sympy.Rational(1, 10**9) * max(1, abs(int(float(value))))
        out.append(
            SustainabilityCritical(
                name=solver.name,
                value=value,
                departments=tuple(d for d, found in ends.items() if value in found),
                before=bool(sustained.contains(value - step)),
                after=bool(sustained.contains(value + step)),
            )
        )
    return tuple(out)


def _contract_critical(solver: _OneQuantity, valid: sympy.Set, holds: sympy.Set) -> tuple[SustainabilityCritical, ...]:
    """The ends of the set where the contract holds, inside the valid values."""
    out = []
    for value in sorted(_ends(holds) - _ends(valid), key=float):
        step = sympy.Rational(1, 10**9) * max(1, abs(int(float(value))))
        out.append(
            SustainabilityCritical(
                name=solver.name,
                value=value,
                departments=(),
                before=bool(holds.contains(value - step)),
                after=bool(holds.contains(value + step)),
                contract=True,
            )
        )
    return tuple(out)


def _several(formulas: SustainabilityFormulas, names: tuple[str, ...]) -> tuple[Region, dict[str, Region], Region]:
    symbols = [symbol(n) for n in names]
    valid_conditions = _validity(formulas)

    def region(conditions: list[Condition]) -> Region:
        found = simplify_conjunction(conditions, symbols)
        return Region(names=names, alternatives=() if found is None else (tuple(found),))

    departments = {d: region(valid_conditions + _department_conditions(formulas, d)) for d in formulas.departments}
    everything = valid_conditions + [c for d in formulas.departments for c in _department_conditions(formulas, d)]
    return region(valid_conditions), departments, region(everything)


def _contract_alternatives(formulas: SustainabilityFormulas) -> list[list[Condition]]:
    """The contract's condition as alternatives of conditions (empty: never; see ``ContractFormulas.holds_where``)."""
    if formulas.contract is None:
        return []
    return [[(sympy.cancel(sympy.together(e)), False) for e in a] for a in formulas.contract.holds_where]


def _several_contract(formulas: SustainabilityFormulas, names: tuple[str, ...]) -> Region | None:
    if formulas.contract is None:
        return None
    symbols = [symbol(n) for n in names]
    valid_conditions = _validity(formulas)
    found = [simplify_conjunction(valid_conditions + a, symbols) for a in _contract_alternatives(formulas)]
    alternatives = tuple(dict.fromkeys(tuple(f) for f in found if f is not None))
    return Region(names=names, alternatives=((),) if () in alternatives else alternatives)


def sustainability(
    org: Organization,
    names: Iterable[str],
    *,
    target: Target = None,
    reversion: Target | str | None = None,
    discount: Rate | None = None,
    monitoring: Rate | Mapping[str, Rate] | None = None,
    domain: Mapping[str, Any] | None = None,
) -> SustainabilityReport:
    """Where repeated play sustains the target as the quantities ``names`` vary, exactly (see the module docstring).

    Parameters
    ----------
    org : Organization
    names : iterable of str
        Parameters, ``bonus.DEPARTMENT.KPI`` weights or ``costs.DEPARTMENT.ACTION``.
    target, reversion, discount, monitoring
        As in :func:`incentives.repeated.sustainability_formulas` (the rates by default the
        model's ``repeated`` section; the punishment by default the pure stage equilibrium
        worst for each department).
    domain : mapping of str to (low, high), optional
        The values of a quantity to consider (either end may be None); default: all reals.

    Returns
    -------
    SustainabilityReport

    Examples
    --------
    >>> import incentives as inc
    >>> report = sustainability(inc.load_model("examples/keeping_close.yaml"), ["headcount"])
    >>> report.sustained.to_text()  # the common goal holds up to 59 people
    '0 ≤ headcount ≤ -20 + 380*sqrt(23)/23 (≈ 59.2355)'
    >>> print(report.critical_values[0].describe())  # doctest: +NORMALIZE_WHITESPACE
    headcount = -20 + 380*sqrt(23)/23 (≈ 59.2355): the target stops being sustained as headcount rises;
    the condition of sales changes there
    """
    formulas = sustainability_formulas(
        org, names, target=target, reversion=reversion, discount=discount, monitoring=monitoring
    )
    names = formulas.names
    base = {n: quantity_value(org, n) for n in names}
    domains = _domains(names, domain)
    common: dict[str, Any] = {"title": org.name, "names": names, "base": base, "domain": domains, "formulas": formulas}
    if formulas.discount is None:
        note = "no discount factor was given (nor in the model's repeated section): only the critical discount factors"
        return SustainabilityReport(**common, valid=None, departments={}, sustained=None, notes=(note,))
    if len(names) > 1:
        valid, departments, sustained = _several(formulas, names)
        contract = _several_contract(formulas, names)
        return SustainabilityReport(
            **common, valid=valid, departments=departments, sustained=sustained, contract=contract
        )
    solver = _OneQuantity(names[0], domains[names[0]], base[names[0]])
    valid_set = solver.solve(_validity(formulas), domains[names[0]])
    by_department = {d: solver.solve(_department_conditions(formulas, d), valid_set) for d in formulas.departments}
    sustained_set = sympy.Intersection(valid_set, *by_department.values()) if by_department else valid_set
    sustained_set = sympy.simplify(sustained_set) if isinstance(sustained_set, sympy.Intersection) else sustained_set
    contract_set = None
    if formulas.contract is not None:
        pieces = [solver.solve(a, valid_set) for a in _contract_alternatives(formulas)]
        contract_set = sympy.Union(*pieces) if pieces else sympy.S.EmptySet
    exact = not solver.numeric
    tol = None if exact else numeric_tolerance(*solver.range)
    notes = []
    if not exact:
        low, high = solver.range
        notes.append(
            f"no closed form for {len(solver.numeric)} condition{'' if len(solver.numeric) == 1 else 's'} "
            f"(for example {solver.numeric[0]}); solved "
            f"numerically on [{low:g}, {high:g}] to ±{tol:.1g}"
        )

    def region(values: sympy.Set) -> Region:
        return Region.from_set(names[0], values, exact=exact, tolerance=tol)

    return SustainabilityReport(
        **common,
        valid=region(valid_set),
        departments={d: region(s) for d, s in by_department.items()},
        sustained=region(sustained_set),
        critical_values=_critical_values(solver, valid_set, by_department, sustained_set),
        contract=None if contract_set is None else region(contract_set),
        contract_critical_values=() if contract_set is None else _contract_critical(solver, valid_set, contract_set),
        exact=exact,
        notes=tuple(notes),
    )
