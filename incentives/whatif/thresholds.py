"""Exact thresholds: where, as a few quantities vary, a profile is an equilibrium and a department games.

Definitions
-----------
Keep some quantities symbolic (parameters, ``bonus.DEPARTMENT.KPI`` weights or
``costs.DEPARTMENT.ACTION``; see :mod:`incentives.whatif.quantities`) and give
every other parameter its value.  Department ``i``'s payoff ``u_i(a)`` at each
pure profile ``a``, and company value ``V(a)``, are then formulas in those
quantities.

* The pure profile ``a`` is an **equilibrium** where every *payoff difference*
  ``u_i(a) - u_i(b_i, a_-i) >= 0``, for every department ``i`` and every other
  action ``b_i`` of ``i``: a conjunction of inequalities in the quantities.
* The **critical values** of one quantity are the real roots of the payoff
  differences and of the company-value differences ``V(a) - V(b)``: between two
  consecutive critical values the equilibria, the company optimum and the gaming
  cannot change.  A critical value is reported when something does change there,
  with the profiles that appear and disappear.
* A department **games** where it does at some pure equilibrium, as
  :func:`incentives.analyze` defines it (it departs from the company optimum, its
  bonus gains and the company loses).
* The **company optimum is an equilibrium** where some company-optimal profile is
  a pure equilibrium.

With one quantity the answers are exact sets of values, computed from the
critical values and written as simplified inequalities (``w > 2/3``); each
piece between critical values is checked by solving the game there (exactly,
at a rational point of the piece, or at the critical value itself).  With several
quantities the answers are lists of simplified inequalities (an equilibrium's
region is one list; the gaming and optimum regions are alternatives, "one of
these lists holds", one for each pair of an equilibrium and an optimal profile
that can occur together).

Exact work needs formulas that are rational functions of the quantities.  When
one is not (``exp``, ``log``, ``sqrt``, ``min``, ``max`` or ``where`` of a
quantity), the answer says so and the roots are found numerically on a range
(the quantity's ``domain``, else ``[0, 10 x`` its value ``]``) by sign changes on
a grid refined with Brent's method, to the tolerance reported.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from .._display import report_text
from ..errors import GameTooLargeError, ModelError, Problem
from ..limits import MAX_THRESHOLD_PROFILES
from ..model import Organization
from ..tolerance import tolerance
from ._phases import describe_game, game_at, phase_table
from ._several import boundaries, deviations, equilibrium_region_many, gaming_and_optimum_regions
from ._univariate import NoClosedForm, numeric_roots, numeric_tolerance, solve_condition
from .regions import Boundary, CriticalValue, Phase, Region, profile_indices
from .symbolic import SymbolicModel, symbolic_model

__all__ = ["MAX_PROFILES", "ThresholdReport", "equilibrium_region", "thresholds"]

#: The largest game (in pure profiles) whose phases, gaming and optimum regions are worked out
#: (the region of one given profile needs only its deviations and has no limit).
MAX_PROFILES = MAX_THRESHOLD_PROFILES


@dataclass(frozen=True, kw_only=True)
class ThresholdReport:
    """Where the equilibria, the gaming and the company optimum change as some quantities vary.

    Parameters
    ----------
    title : str
        The model's name.
    names : tuple of str
        The quantities kept symbolic.
    base : mapping of str to sympy.Expr
        The model's own value of each quantity.
    domain : mapping of str to sympy.Set
        The values considered for each quantity (all reals unless restricted).
    exact : bool
        False when some answer was found numerically (see ``tolerance`` and ``notes``).
    tolerance : float or None
        Absolute accuracy of numeric critical values, when there are any.
    notes : tuple of str
        Plain-words remarks: what had no closed form, and why.
    profiles : mapping of str to Region
        The region where each profile of interest is an equilibrium, by label.
    gaming : mapping of str to Region
        The region where each department games.
    optimum : Region
        The region where some company-optimal profile is an equilibrium.
    phases : tuple of Phase
        One quantity only: the values in order, cut where something changes.
    critical_values : tuple of CriticalValue
        One quantity only: the values where the equilibria or the gaming change.
    boundaries : tuple of Boundary
        Several quantities: the surfaces where a payoff difference changes sign.
    """

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    title: str
    names: tuple[str, ...]
    base: Mapping[str, sympy.Expr]
    domain: Mapping[str, sympy.Set]
    exact: bool
    tolerance: float | None
    notes: tuple[str, ...]
    profiles: Mapping[str, Region]
    gaming: Mapping[str, Region]
    optimum: Region
    phases: tuple[Phase, ...] = field(default=())
    critical_values: tuple[CriticalValue, ...] = field(default=())
    boundaries: tuple[Boundary, ...] = field(default=())


def _domains(model: SymbolicModel, domain: Mapping[str, Any] | None) -> dict[str, sympy.Set]:
    out = {name: sympy.S.Reals for name in model.names}
    for name, bounds in (domain or {}).items():
        if name not in out:
            raise ModelError(
                [
                    Problem(
                        path=name, message=f"a domain for a quantity not analysed; expected one of {list(model.names)}"
                    )
                ]
            )
        if isinstance(bounds, sympy.Set):
            out[name] = bounds
            continue
        low, high = (sympy.nsimplify(b, rational=True) if b is not None else None for b in bounds)
        low = -sympy.oo if low is None else low
        high = sympy.oo if high is None else high
        if not bool(low <= high):
            raise ModelError(
                [Problem(path=name, message=f"the domain must be (low, high) with low <= high; got {bounds!r}")]
            )
        out[name] = sympy.Interval(low, high)
    return out


def _equilibrium_region_one(
    model: SymbolicModel, profile: tuple[int, ...], domain: sympy.Set, numeric_range: tuple[float, float]
) -> tuple[Region, str | None]:
    x = model.symbols[0]
    region: sympy.Set = domain
    numeric = []
    for _, _, diff in deviations(model, profile):
        try:
            region = sympy.Intersection(region, solve_condition(diff, x, strict=False, domain=domain))
        except NoClosedForm:
            numeric.append(diff)
    if not numeric:
        return Region.from_set(model.names[0], region), None
    low, high = numeric_range
    roots = sorted({r for d in numeric for r in numeric_roots(d, x, low, high)})
    holds = _numeric_pieces(numeric, x, low, high, roots)
    region = sympy.Intersection(region, holds)
    tol = numeric_tolerance(low, high)
    note = (
        f"no closed form for {len(numeric)} payoff difference(s) of {model.label(profile)} "
        f"(for example {numeric[0]} >= 0); solved numerically on [{low:g}, {high:g}] to ±{tol:.1g}"
    )
    return Region.from_set(model.names[0], region, exact=False, tolerance=tol), note


def _numeric_pieces(exprs: list[sympy.Expr], x: sympy.Symbol, low: float, high: float, roots: list[float]) -> sympy.Set:
    functions = [sympy.lambdify([x], e, modules="numpy") for e in exprs]
    edges = [low, *[r for r in roots if low < r < high], high]
    pieces: list[sympy.Set] = []
    for a, b in itertools.pairwise(edges):
        if _holds(functions, (a + b) / 2):
            pieces.append(sympy.Interval(sympy.Float(a), sympy.Float(b)))
    for r in roots:
        if _holds(functions, r):
            pieces.append(sympy.FiniteSet(sympy.Float(r)))
    return sympy.Union(*pieces) if pieces else sympy.S.EmptySet


def _holds(functions: list[Any], t: float) -> bool:
    with np.errstate(all="ignore"):
        try:
            values = [float(np.asarray(f(t), dtype=float)) for f in functions]
        except (OverflowError, ZeroDivisionError):  # Python floats raise where numpy gives inf: not finite here
            return False
    return all(np.isfinite(v) and v >= -tolerance(v) for v in values)


def _numeric_range(model: SymbolicModel, domain: sympy.Set) -> tuple[float, float]:
    """Where numeric root finding looks: the domain where it is bounded, else [0, 10 x the model's value]."""
    value = float(model.base[0])
    low, high = (min(0.0, 10 * value), max(0.0, 10 * value)) if value else (-1.0, 1.0)
    if domain.inf.is_finite:
        low = float(domain.inf)
        high = high if domain.sup.is_finite or high > low else low + max(1.0, abs(low))
    if domain.sup.is_finite:
        high = float(domain.sup)
        low = low if low < high else high - max(1.0, abs(high))
    return low, high


def equilibrium_region(
    org: Organization,
    names: Sequence[str],
    profile: str | Mapping[str, str] | Sequence[int],
    *,
    domain: Mapping[str, Any] | None = None,
) -> Region:
    """The values of the quantities ``names`` for which ``profile`` is an equilibrium.

    Parameters
    ----------
    org : Organization
    names : sequence of str
        Quantities kept symbolic: parameters, ``bonus.DEPARTMENT.KPI`` or ``costs.DEPARTMENT.ACTION``.
    profile : str, mapping or sequence of int
        ``"sales=aggressive, support=thorough, ..."``, ``{department: action}`` or action indices.
    domain : mapping of str to (low, high), optional
        Restrict a quantity to a range (``None`` for an open end).

    Returns
    -------
    Region
        Exact, unless some payoff difference is not a rational function of the quantity.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> profile = "sales=aggressive, support=thorough, development=rushed, operations=change_freeze"
    >>> print(equilibrium_region(org, ["bonus.support.reopened_tickets"], profile))
    bonus.support.reopened_tickets ≤ -29/168
    """
    model = symbolic_model(org, names)
    indices = profile_indices(model, profile)
    domains = _domains(model, domain)
    if len(model.names) == 1:
        return _equilibrium_region_one(
            model, indices, domains[model.names[0]], _numeric_range(model, domains[model.names[0]])
        )[0]
    return equilibrium_region_many(model, indices, domains)


# -- several quantities ------------------------------------------------------------------------------------


# -- the report ----------------------------------------------------------------------------------------------


def _check_size(org: Organization) -> None:
    count = math.prod(len(d.actions) for d in org.departments)
    if count > MAX_PROFILES:
        raise GameTooLargeError(
            f"a threshold analysis of every profile handles games of up to {MAX_PROFILES} profiles; this one has "
            f"{count}. Ask for the region of one profile instead (equilibrium_region, or --profile on the command line)"
        )


def thresholds(
    org: Organization,
    names: Sequence[str],
    *,
    profiles: Sequence[str | Mapping[str, str] | Sequence[int]] | None = None,
    domain: Mapping[str, Any] | None = None,
) -> ThresholdReport:
    """Where the equilibria, the gaming and the company optimum change as the quantities ``names`` vary.

    See the module docstring for the definitions.

    Parameters
    ----------
    org : Organization
    names : sequence of str
        Quantities kept symbolic: parameters, ``bonus.DEPARTMENT.KPI`` or ``costs.DEPARTMENT.ACTION``.
    profiles : sequence, optional
        Profiles whose equilibrium region to report (``"dept=action, ..."``,
        ``{dept: action}`` or action indices).  Default: with one quantity, every
        profile that is an equilibrium somewhere; with several, the equilibria and
        the company optimum at the model's own values.
    domain : mapping of str to (low, high), optional
        Restrict quantities to ranges (``None`` for an open end); with one quantity,
        the range also bounds any numeric root finding.

    Returns
    -------
    ThresholdReport

    Raises
    ------
    ModelError
        If a name is not a quantity of the model, or a profile is not one of its profiles.
    GameTooLargeError
        If the game has more than :data:`MAX_PROFILES` profiles.

    Examples
    --------
    At what penalty per reopened ticket does support stop fast-closing?

    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> report = thresholds(org, ["bonus.support.reopened_tickets"])
    >>> print(report.gaming["support"])
    bonus.support.reopened_tickets > -29/168
    >>> [c.describe() for c in report.critical_values][-1]
    'bonus.support.reopened_tickets = -29/168: equilibrium sales=aggressive, support=fast_close, ...'
    """
    _check_size(org)
    model = symbolic_model(org, names)
    domains = _domains(model, domain)
    base_game = game_at(model, dict(zip(model.symbols, model.base, strict=True)))
    if base_game is None:
        raise ModelError(
            [Problem(path=", ".join(model.names), message="the formulas are undefined at the model's own values")]
        )
    base_phase = describe_game(base_game, sympy.S.Reals)
    if len(model.names) == 1:
        return _report_one(model, org.name, domains, profiles, base_phase)
    wanted = list(profiles) if profiles is not None else [*base_phase.equilibria, *base_phase.optimum]
    indices = list(dict.fromkeys(profile_indices(model, p) for p in wanted))
    gaming, optimum = gaming_and_optimum_regions(model, domains)
    return ThresholdReport(
        title=org.name,
        names=model.names,
        base=dict(zip(model.names, model.base, strict=True)),
        domain=domains,
        exact=True,
        tolerance=None,
        notes=(
            "with several quantities, regions are lists of inequalities that must all hold (alternatives: one of "
            "the lists holds); where several profiles are company-optimal, gaming is counted against any of them",
        ),
        profiles={model.label(p): equilibrium_region_many(model, p, domains) for p in indices},
        gaming=gaming,
        optimum=optimum,
        boundaries=boundaries(model, indices, domains),
    )


def _report_one(
    model: SymbolicModel,
    title: str,
    domains: dict[str, sympy.Set],
    profiles: Sequence[str | Mapping[str, str] | Sequence[int]] | None,
    base_phase: Phase,
) -> ThresholdReport:
    name = model.names[0]
    domain = domains[name]
    numeric_range = _numeric_range(model, domain)
    table = phase_table(model, domain, numeric_range)
    if profiles is None:
        labels = list(dict.fromkeys(e for phase in table.phases for e in phase.equilibria))
        lookup = {model.label(p): p for p in model.profiles()}
        indices = [lookup[label] for label in labels]
    else:
        indices = list(dict.fromkeys(profile_indices(model, p) for p in profiles))
    notes = list(table.notes)
    regions = {}
    for p in indices:
        found, note = _equilibrium_region_one(model, p, domain, numeric_range)
        regions[model.label(p)] = found
        if note:
            notes.append(note)

    def where(holds: str) -> Region:
        return Region.from_set(name, table.region_where(holds), exact=table.exact, tolerance=table.tolerance)

    exact = table.exact and all(r.exact for r in regions.values())
    tolerances = [t for t in [table.tolerance, *(r.tolerance for r in regions.values())] if t is not None]
    return ThresholdReport(
        title=title,
        names=model.names,
        base={name: model.base[0]},
        domain=domains,
        exact=exact,
        tolerance=max(tolerances) if tolerances else None,
        notes=tuple(notes),
        profiles=regions,
        gaming={d: where(d) for d in model.players},
        optimum=where("optimum"),
        phases=table.phases,
        critical_values=table.critical_values,
    )
