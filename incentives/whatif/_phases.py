"""The phases of one quantity: cut its values at the critical values and solve the game on each piece."""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy

from ..analysis.gaming import gaming_at_equilibria
from ..errors import DegenerateGameWarning, IncompleteSearchWarning
from ..game import Game
from ..solvers import solve
from ._univariate import NoClosedForm, exact_roots, numeric_roots, numeric_tolerance, rational_between
from .regions import CriticalValue, Phase
from .symbolic import SymbolicModel

__all__ = ["PhaseTable", "describe_game", "game_at", "phase_table"]


def game_at(model: SymbolicModel, values: dict[sympy.Symbol, sympy.Expr]) -> Game | None:
    """The game at given values of the quantities: exact when every entry is rational; None where undefined."""
    profiles = list(model.profiles())
    n = len(model.players)
    entries = [model.payoff(i, p).xreplace(values) for i in range(n) for p in profiles]
    entries += [model.value(p).xreplace(values) for p in profiles]
    if any(not e.is_number or e.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or e.is_real is False for e in entries):
        return None
    exact = all(e.is_Rational for e in entries)
    numbers = [Fraction(int(e.p), int(e.q)) if exact else float(e) for e in entries]
    array = np.array(numbers, dtype=object if exact else float).reshape((n + 1, *model.shape))
    if not exact and not np.all(np.isfinite(array)):
        return None
    return Game(
        players=model.players, actions=model.actions, payoffs=array[:n], company_value=array[n], title=model.title
    )


def describe_game(game: Game, values: sympy.Set) -> Phase:
    """The pure equilibria, company optimum and gaming of a game, as the phase of ``values``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IncompleteSearchWarning)
        warnings.simplefilter("ignore", DegenerateGameWarning)
        solution = solve(game, "pure")
    optimum, gaming, _ = gaming_at_equilibria(game, solution)
    played = {e.equilibrium.pure_indices() for e in gaming}
    games = {d.department for e in gaming for d in e.departures if d.games}
    return Phase(
        values=values,
        equilibria=tuple(e.label for e in gaming),
        optimum=tuple(game.profile_label(o) for o in optimum.profiles),
        gaming=tuple(p for p in game.players if p in games),
        optimum_is_equilibrium=any(o in played for o in optimum.profiles),
    )


@dataclass(frozen=True, kw_only=True)
class PhaseTable:
    """Phases of one quantity (merged), its critical values, and how they were found."""

    phases: tuple[Phase, ...]
    critical_values: tuple[CriticalValue, ...]
    exact: bool
    tolerance: float | None
    notes: tuple[str, ...]

    def region_where(self, holds: str) -> sympy.Set:
        """Union of the phases where ``holds`` (a department name, or ``"optimum"``) holds."""
        sets = [
            p.values for p in self.phases if (p.optimum_is_equilibrium if holds == "optimum" else holds in p.gaming)
        ]
        return sympy.Union(*sets) if sets else sympy.S.EmptySet


def _differences(model: SymbolicModel) -> list[sympy.Expr]:
    """Every unilateral payoff difference and every company-value difference (distinct, not constant)."""
    profiles = list(model.profiles())
    found: dict[sympy.Expr, None] = {}
    for p in profiles:
        for i, n in enumerate(model.shape):
            for b in range(p[i] + 1, n):
                q = (*p[:i], b, *p[i + 1 :])
                found[model.payoff(i, p) - model.payoff(i, q)] = None
    for p, q in itertools.combinations(profiles, 2):
        found[model.value(p) - model.value(q)] = None
    return [d for d in found if not d.is_number]


def _critical_points(
    model: SymbolicModel, domain: sympy.Set, numeric_range: tuple[float, float]
) -> tuple[list[sympy.Expr], bool, str | None]:
    x = model.symbols[0]
    differences = _differences(model)
    try:
        roots = {r for d in differences for r in exact_roots(sympy.cancel(sympy.together(d)), x)}
        inside = [r for r in roots if bool(domain.contains(r))]
        return sorted(inside, key=lambda r: sympy.N(r, 40)), True, None
    except NoClosedForm as err:
        low, high = numeric_range
        found = sorted({round(r, 12) for d in differences for r in numeric_roots(d, x, low, high)})
        note = (
            f"no closed form: a payoff or company-value difference is not a rational function of "
            f"{model.names[0]} ({err}); critical values found numerically on [{low:g}, {high:g}] "
            f"to ±{numeric_tolerance(low, high):.1g}"
        )
        return [sympy.Float(r) for r in found], False, note


def _pieces(
    points: list[sympy.Expr], low: sympy.Expr, high: sympy.Expr, exact: bool
) -> list[tuple[sympy.Set, sympy.Expr, bool]]:
    """(set, representative value, is a critical value) for each piece, in order."""
    edges = [low, *[p for p in points if p != low and p != high], high]
    pieces: list[tuple[sympy.Set, sympy.Expr, bool]] = []
    if low.is_finite:
        pieces.append((sympy.FiniteSet(low), low, low in points))
    for k, (a, b) in enumerate(itertools.pairwise(edges)):
        rep = rational_between(a, b) if exact else sympy.Float((float(a) + float(b)) / 2)
        pieces.append((sympy.Interval.open(a, b), rep, False))
        if k + 2 < len(edges):
            pieces.append((sympy.FiniteSet(b), b, True))
    if high.is_finite and high != low:
        pieces.append((sympy.FiniteSet(high), high, high in points))
    return pieces


def phase_table(model: SymbolicModel, domain: sympy.Set, numeric_range: tuple[float, float]) -> PhaseTable:
    """Cut the values of the (one) quantity at its critical values and describe each piece."""
    x = model.symbols[0]
    points, exact, note = _critical_points(model, domain, numeric_range)
    if exact:
        low, high = domain.inf, domain.sup
    else:
        low, high = sympy.Float(numeric_range[0]), sympy.Float(numeric_range[1])
    notes = [note] if note else []
    described: list[tuple[Phase, bool]] = []
    undefined = []
    for values, rep, critical in _pieces(points, low, high, exact):
        if isinstance(values, sympy.FiniteSet) and not critical and exact and rep not in domain:
            continue
        game = game_at(model, {x: rep})
        if game is None:
            undefined.append(rep)
            continue
        described.append((describe_game(game, values), critical))
    if undefined:
        notes.append(
            f"the formulas are undefined (a division by zero?) at {model.names[0]} = {', '.join(map(str, undefined))}"
        )
    criticals = []
    for k, (phase, critical) in enumerate(described):
        if critical and 0 < k < len(described) - 1:
            before, after = described[k - 1][0], described[k + 1][0]
            if not (before.same_as(phase) and phase.same_as(after)):
                criticals.append(
                    CriticalValue(
                        name=model.names[0], value=next(iter(phase.values)), before=before, at=phase, after=after
                    )
                )
    merged: list[Phase] = []
    for phase, _ in described:
        if merged and merged[-1].same_as(phase) and merged[-1].optimum_is_equilibrium == phase.optimum_is_equilibrium:
            last = merged.pop()
            phase = Phase(
                values=sympy.Union(last.values, phase.values),
                equilibria=last.equilibria,
                optimum=last.optimum,
                gaming=last.gaming,
                optimum_is_equilibrium=last.optimum_is_equilibrium,
            )
        merged.append(phase)
    tolerance = None if exact else numeric_tolerance(*numeric_range)
    return PhaseTable(
        phases=tuple(merged), critical_values=tuple(criticals), exact=exact, tolerance=tolerance, notes=tuple(notes)
    )
