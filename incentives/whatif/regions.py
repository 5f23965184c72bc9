"""What a threshold analysis returns: regions of values, phases, critical values and boundaries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy

from ..errors import ModelError, Problem
from ..formula import symbol
from ._univariate import format_number, format_set
from .symbolic import SymbolicModel

__all__ = [
    "Boundary",
    "CriticalValue",
    "Phase",
    "Region",
    "conjunction_text",
    "expression_text",
    "format_set",
    "profile_indices",
    "relation_latex",
    "relation_text",
]

#: How each relation is written: the signs a person writes, and their LaTeX.
_SIGNS = {"==": "=", ">=": "≥", "<=": "≤", ">": ">", "<": "<", "!=": "≠"}
_LATEX_SIGNS = {"==": "=", ">=": r"\geq", "<=": r"\leq", ">": ">", "<": "<", "!=": r"\neq"}


def expression_text(expr: sympy.Basic) -> str:
    """An expression as a person writes it: ``3·w·c - 5/2``, ``c^2``.

    Examples
    --------
    >>> c, w = sympy.symbols("c w", real=True)
    >>> expression_text(3 * w * c**2 - sympy.Rational(5, 2))
    '3·c^2·w - 5/2'
    """
    return sympy.sstr(expr).replace("**", "^").replace("*", "·")


def relation_text(r: sympy.Basic) -> str:
    """A relation as a person writes it: ``c ≥ 3125/42``, ``w = 0``, ``c ∈ [0, 1]``.

    Examples
    --------
    >>> c, w = sympy.symbols("c w", real=True)
    >>> relation_text(sympy.Eq(3 * c * w, 0)), relation_text(c >= sympy.Rational(3125, 42))
    ('3·c·w = 0', 'c ≥ 3125/42')
    """
    if isinstance(r, sympy.core.relational.Relational):
        return f"{expression_text(r.lhs)} {_SIGNS[r.rel_op]} {expression_text(r.rhs)}"
    if isinstance(r, sympy.Contains):
        return f"{expression_text(r.args[0])} ∈ {r.args[1]}"
    return expression_text(r)


def _latex_name(s: sympy.Symbol) -> str:
    return r"\text{" + s.name.replace("_", r"\_") + "}"


def relation_latex(r: sympy.Basic) -> str:
    r"""A relation in LaTeX, quantities named as the model names them: ``\text{c} \geq \frac{3125}{42}``.

    Examples
    --------
    >>> relation_latex(sympy.Symbol("new_customers", real=True) >= sympy.Rational(1, 2))
    '\\text{new\\_customers} \\geq \\frac{1}{2}'
    """
    names = {s: _latex_name(s) for s in r.free_symbols if isinstance(s, sympy.Symbol)}
    if isinstance(r, sympy.core.relational.Relational):
        sides = [sympy.latex(side, symbol_names=names) for side in (r.lhs, r.rhs)]
        return f"{sides[0]} {_LATEX_SIGNS[r.rel_op]} {sides[1]}"
    return sympy.latex(r, symbol_names=names)


def conjunction_text(relations: Sequence[sympy.Basic]) -> str:
    """Relations that must all hold, a lower and an upper bound of one quantity written as one range.

    Examples
    --------
    >>> c, w = sympy.symbols("c w", real=True)
    >>> conjunction_text([c > 0, c < 125, sympy.Eq(w, 0)])
    '0 < c < 125 and w = 0'
    """
    ranges = _ranges(relations)
    parts: list[str] = []
    for r in relations:
        if r in ranges:
            low, high = ranges[r]
            parts.append(
                f"{expression_text(low.rhs)} {_SIGNS[low.reversed.rel_op]} {expression_text(low.lhs)} "
                f"{_SIGNS[high.rel_op]} {expression_text(high.rhs)}"
            )
        elif not any(r in pair for pair in ranges.values()):
            parts.append(relation_text(r))
    return " and ".join(parts)


def _ranges(relations: Sequence[sympy.Basic]) -> dict[sympy.Basic, tuple[sympy.Basic, sympy.Basic]]:
    """For a quantity with a number as lower and as upper bound: its first bound -> (lower, upper)."""
    lows: dict[sympy.Basic, sympy.Basic] = {}
    highs: dict[sympy.Basic, sympy.Basic] = {}
    for r in relations:
        if isinstance(r, (sympy.GreaterThan, sympy.StrictGreaterThan)) and r.lhs.is_Symbol and r.rhs.is_number:
            lows.setdefault(r.lhs, r)
        elif isinstance(r, (sympy.LessThan, sympy.StrictLessThan)) and r.lhs.is_Symbol and r.rhs.is_number:
            highs.setdefault(r.lhs, r)
    out = {}
    for s in set(lows) & set(highs):
        first = min(lows[s], highs[s], key=list(relations).index)
        out[first] = (lows[s], highs[s])
    return out


def _piece_relations(x: sympy.Symbol, piece: sympy.Set) -> list[tuple[sympy.Basic, ...]]:
    if isinstance(piece, sympy.FiniteSet):
        return [(sympy.Eq(x, v),) for v in piece]
    if isinstance(piece, sympy.Interval):
        relations = []
        if piece.start != -sympy.oo:
            relations.append(x > piece.start if piece.left_open else x >= piece.start)
        if piece.end != sympy.oo:
            relations.append(x < piece.end if piece.right_open else x <= piece.end)
        return [tuple(relations)]
    return [(sympy.Contains(x, piece),)]


@dataclass(frozen=True, kw_only=True)
class Region:
    """A set of values of some quantities, as alternatives of inequalities ("one of these lists holds").

    Parameters
    ----------
    names : tuple of str
        The quantities.
    alternatives : tuple of tuple of sympy relations
        The region is where every relation of at least one alternative holds;
        ``()`` is the empty region and ``((),)`` holds everywhere.
    values : sympy.Set or None
        For one quantity, the region as a set of values (exact unless ``exact`` is False).
    exact : bool
        False when some boundary was found numerically.
    tolerance : float or None
        Absolute accuracy of numerically found boundaries.
    """

    names: tuple[str, ...]
    alternatives: tuple[tuple[sympy.Basic, ...], ...]
    values: sympy.Set | None = None
    exact: bool = True
    tolerance: float | None = None

    @classmethod
    def from_set(cls, name: str, values: sympy.Set, *, exact: bool = True, tolerance: float | None = None) -> Region:
        """The region of one quantity given as a set of its values."""
        x = symbol(name)
        pieces = values.args if isinstance(values, sympy.Union) else (() if values is sympy.S.EmptySet else (values,))
        alternatives = tuple(a for piece in pieces for a in _piece_relations(x, piece))
        return cls(names=(name,), alternatives=alternatives, values=values, exact=exact, tolerance=tolerance)

    @property
    def is_empty(self) -> bool:
        """Whether no value is in the region (as far as the analysis can tell)."""
        if self.values is not None:
            return self.values is sympy.S.EmptySet
        return not self.alternatives

    def contains(self, values: Mapping[str, Any] | Any) -> bool:
        """Whether the point (``{name: value}``, or a number for one quantity) is in the region."""
        if not isinstance(values, Mapping):
            if len(self.names) != 1:
                raise ValueError(f"give a value for each of {list(self.names)}")
            values = {self.names[0]: values}
        subs = {symbol(k): sympy.nsimplify(v, rational=True) for k, v in values.items()}
        missing = set(self.names) - set(values)
        if missing:
            raise ValueError(f"give a value for {sorted(missing)}")
        if self.values is not None:
            return bool(self.values.contains(subs[symbol(self.names[0])]))
        return any(all(bool(r.xreplace(subs)) for r in alternative) for alternative in self.alternatives)

    def to_text(self) -> str:
        """The region in words and inequalities."""
        text = self._text()
        if not self.exact and self.tolerance is not None:
            text += f"  (numeric, ±{self.tolerance:.1g})"
        return text

    def _text(self) -> str:
        if self.values is not None:
            return format_set(self.names[0], self.values)
        if not self.alternatives:
            return "never"
        if any(not a for a in self.alternatives):
            return "always"
        texts = [conjunction_text(a) for a in self.alternatives]
        return texts[0] if len(texts) == 1 else " or ".join(f"({t})" for t in texts)

    def to_latex(self) -> str:
        """The region in LaTeX (``""`` where it is a set of values or said in words: never, always)."""
        if self.values is not None or not self.alternatives or any(not a for a in self.alternatives):
            return ""
        texts = [r" \wedge ".join(relation_latex(r) for r in a) for a in self.alternatives]
        return texts[0] if len(texts) == 1 else r" \;\vee\; ".join(f"({t})" for t in texts)

    def __str__(self) -> str:
        return self.to_text()


@dataclass(frozen=True, kw_only=True)
class Phase:
    """A stretch of values of one quantity over which nothing changes.

    Parameters
    ----------
    values : sympy.Set
        An interval or a single value.
    equilibria : tuple of str
        Labels of the pure equilibria there.
    optimum : tuple of str
        Labels of the company-optimal profiles there.
    gaming : tuple of str
        Departments that game at some equilibrium there.
    optimum_is_equilibrium : bool
        Whether some company-optimal profile is an equilibrium there.
    """

    values: sympy.Set
    equilibria: tuple[str, ...]
    optimum: tuple[str, ...]
    gaming: tuple[str, ...]
    optimum_is_equilibrium: bool

    def same_as(self, other: Phase) -> bool:
        """Whether the two phases have the same equilibria, optimum and gaming."""
        return (self.equilibria, self.optimum, self.gaming) == (other.equilibria, other.optimum, other.gaming)


@dataclass(frozen=True, kw_only=True)
class CriticalValue:
    """A value of one quantity where the equilibria, the optimum or the gaming change.

    Parameters
    ----------
    name : str
        The quantity.
    value : sympy.Expr
        The value (exact, or a Float when found numerically).
    before, at, after : Phase
        What holds just below the value, at it, and just above it.
    """

    name: str
    value: sympy.Expr
    before: Phase
    at: Phase
    after: Phase

    @property
    def appear(self) -> tuple[str, ...]:
        """Equilibria there above the value and not below it."""
        return tuple(e for e in self.after.equilibria if e not in self.before.equilibria)

    @property
    def disappear(self) -> tuple[str, ...]:
        """Equilibria there below the value and not above it."""
        return tuple(e for e in self.before.equilibria if e not in self.after.equilibria)

    @property
    def gaming_starts(self) -> tuple[str, ...]:
        """Departments that game above the value and not below it."""
        return tuple(d for d in self.after.gaming if d not in self.before.gaming)

    @property
    def gaming_stops(self) -> tuple[str, ...]:
        """Departments that game below the value and not above it."""
        return tuple(d for d in self.before.gaming if d not in self.after.gaming)

    def describe(self) -> str:
        """What changes as the quantity rises through the value, in words."""
        parts = [f"equilibrium {e} appears" for e in self.appear]
        parts += [f"equilibrium {e} disappears" for e in self.disappear]
        parts += [f"{d} starts gaming" for d in self.gaming_starts]
        parts += [f"{d} stops gaming" for d in self.gaming_stops]
        if self.before.optimum != self.after.optimum:
            parts.append(f"the company optimum becomes {' | '.join(self.after.optimum)}")
        extra = [e for e in self.at.equilibria if e not in self.before.equilibria and e not in self.after.equilibria]
        parts += [f"at exactly this value {e} is also an equilibrium (a tie)" for e in extra]
        return f"{self.name} = {format_number(self.value)}: " + ("; ".join(parts) or "a tie")


@dataclass(frozen=True, kw_only=True)
class Boundary:
    """A surface where a payoff difference is zero, so a profile can stop being an equilibrium.

    Parameters
    ----------
    equation : sympy.Basic
        The surface, solved for one quantity where possible.
    changes : tuple of str
        What happens across it, in words.
    """

    equation: sympy.Basic
    changes: tuple[str, ...] = field(default=())


def profile_indices(model: SymbolicModel, profile: str | Mapping[str, str] | Sequence[int]) -> tuple[int, ...]:
    """Action indices of a profile given as ``"dept=action, ..."``, ``{dept: action}`` or indices.

    Raises
    ------
    ModelError
        Naming what is missing or unknown, and what was expected.
    """
    if isinstance(profile, str):
        pairs = [item.partition("=") for item in profile.replace(";", ",").split(",") if item.strip()]
        bad = [a for a, eq, b in pairs if not eq or not a.strip() or not b.strip()]
        if bad:
            raise ModelError([Problem(path="profile", message=f"expected department=action, ...; got {profile!r}")])
        profile = {a.strip(): b.strip() for a, _, b in pairs}
    if isinstance(profile, Mapping):
        problems = []
        for dept in profile:
            if dept not in model.players:
                problems.append(
                    Problem(
                        path=f"profile.{dept}", message=f"unknown department; expected one of {list(model.players)}"
                    )
                )
        for i, dept in enumerate(model.players):
            if dept not in profile:
                problems.append(
                    Problem(
                        path=f"profile.{dept}", message=f"missing; give one of its actions {list(model.actions[i])}"
                    )
                )
            elif profile[dept] not in model.actions[i]:
                problems.append(
                    Problem(
                        path=f"profile.{dept}",
                        message=f"unknown action {profile[dept]!r}; expected one of {list(model.actions[i])}",
                    )
                )
        if problems:
            raise ModelError(problems)
        return tuple(model.actions[i].index(profile[d]) for i, d in enumerate(model.players))
    indices = tuple(int(k) for k in profile)
    if len(indices) != len(model.shape) or any(not 0 <= k < n for k, n in zip(indices, model.shape, strict=False)):
        raise ModelError(
            [
                Problem(
                    path="profile",
                    message=f"expected one action index per department within {model.shape}; got {indices}",
                )
            ]
        )
    return indices
