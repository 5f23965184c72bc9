"""What a threshold analysis returns: regions of values, phases, critical values and boundaries."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
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
    "relation_mathml",
    "relation_text",
]

#: How each relation is written: the signs a person writes, in text, LaTeX and MathML.
_SIGNS = {"==": "=", ">=": "≥", "<=": "≤", ">": ">", "<": "<", "!=": "≠"}
_LATEX_SIGNS = {"==": "=", ">=": r"\geq", "<=": r"\leq", ">": ">", "<": "<", "!=": r"\neq"}
_MATHML_SIGNS = {"==": "=", ">=": "&#x2265;", "<=": "&#x2264;", ">": "&gt;", "<": "&lt;", "!=": "&#x2260;"}


@dataclass(frozen=True)
class _Notation:
    """How one notation writes an expression, a relation's sign, a run of terms, and the words between relations."""

    expression: Callable[[sympy.Basic], str]
    sign: Callable[[str], str]
    run: Callable[[Sequence[str]], str]
    both: str
    either: str
    group: Callable[[str], str]
    element: Callable[[sympy.Basic], str]


def expression_text(expr: sympy.Basic) -> str:
    """An expression as a person writes it: ``3·w·c - 5/2``, ``c^2``.

    Examples
    --------
    >>> c, w = sympy.symbols("c w", real=True)
    >>> expression_text(3 * w * c**2 - sympy.Rational(5, 2))
    '3·c^2·w - 5/2'
    """
    return sympy.sstr(expr).replace("**", "^").replace("*", "·")


def _latex_name(s: sympy.Symbol) -> str:
    return r"\text{" + s.name.replace("_", r"\_") + "}"


def _approximately(expr: sympy.Basic) -> str:
    """``≈ 59.2355`` for a number that is not rational (the plain text says it too), else ``""``."""
    if getattr(expr, "is_number", False) and not expr.is_Rational and expr.is_finite:
        return f"≈ {float(expr):.6g}".replace("-", "−")
    return ""


def _expression_latex(expr: sympy.Basic) -> str:
    names = {s: _latex_name(s) for s in expr.free_symbols if isinstance(s, sympy.Symbol)}
    text = str(sympy.latex(expr, symbol_names=names, mul_symbol="dot"))
    near = _approximately(expr)
    return text + (rf" \;(\approx {near[2:]})".replace("−", "-") if near else "")


def _mathml_printer() -> Any:
    """sympy's presentation MathML printer, naming each quantity as the model does (``customers_per_deal``,
    not ``customers`` with the subscript ``per deal``) and writing products with a dot."""
    from sympy.printing.mathml import MathMLPresentationPrinter

    class NamedPrinter(MathMLPresentationPrinter):
        def _print_Symbol(self, sym: sympy.Symbol, style: str = "plain") -> Any:
            element = self.dom.createElement("mi")
            element.appendChild(self.dom.createTextNode(html.escape(sym.name)))
            return element

    return NamedPrinter({"mul_symbol": "dot"})


def _expression_mathml(expr: sympy.Basic) -> str:
    markup = str(_mathml_printer().doprint(expr)).replace("<mo>-</mo>", "<mo>&#x2212;</mo>")
    markup = markup.replace("<mn>-", "<mo>&#x2212;</mo><mn>")  # a negative number's sign is a minus, not a hyphen
    near = _approximately(expr)
    return f"<mrow>{markup}{_mathml_text(f' ({near})')}</mrow>" if near else markup


def _mathml_text(words: str) -> str:
    """Words inside MathML, their spaces unbreakable (a browser sizing a table column would otherwise count a break
    there, though it never breaks the formula, and the formula would overflow its cell)."""
    return "<mtext>" + html.escape(words).replace(" ", "&#xA0;") + "</mtext>"


def _mathml_words(word: str) -> str:
    return _mathml_text(f" {word} ")


_TEXT = _Notation(
    expression=expression_text,
    sign=_SIGNS.__getitem__,
    run=" ".join,
    both=" and ",
    either=" or ",
    group=lambda t: f"({t})",
    element=lambda r: f"{expression_text(r.args[0])} ∈ {r.args[1]}",
)
_LATEX = _Notation(
    expression=_expression_latex,
    sign=_LATEX_SIGNS.__getitem__,
    run=" ".join,
    both=r" \;\text{and}\; ",
    either=r" \;\text{or}\; ",
    group=lambda t: f"({t})",
    element=lambda r: rf"{_expression_latex(r.args[0])} \in {sympy.latex(r.args[1])}",
)
_MATHML = _Notation(
    expression=_expression_mathml,
    sign=lambda op: f"<mo>{_MATHML_SIGNS[op]}</mo>",
    run=lambda parts: "<mrow>" + "".join(parts) + "</mrow>",
    both=_mathml_words("and"),
    either=_mathml_words("or"),
    group=lambda t: f"<mrow><mo>(</mo>{t}<mo>)</mo></mrow>",
    element=lambda r: f"<mrow>{_expression_mathml(r.args[0])}<mo>&#x2208;</mo>{_mathml_text(str(r.args[1]))}</mrow>",
)


def _relation(r: sympy.Basic, notation: _Notation) -> str:
    if isinstance(r, sympy.core.relational.Relational):
        return notation.run([notation.expression(r.lhs), notation.sign(r.rel_op), notation.expression(r.rhs)])
    if isinstance(r, sympy.Contains):
        return notation.element(r)
    return notation.expression(r)


def relation_text(r: sympy.Basic) -> str:
    """A relation as a person writes it: ``c ≥ 3125/42``, ``w = 0``, ``c ∈ [0, 1]``.

    Examples
    --------
    >>> c, w = sympy.symbols("c w", real=True)
    >>> relation_text(sympy.Eq(3 * c * w, 0)), relation_text(c >= sympy.Rational(3125, 42))
    ('3·c·w = 0', 'c ≥ 3125/42')
    """
    return _relation(r, _TEXT)


def relation_latex(r: sympy.Basic) -> str:
    r"""A relation in LaTeX, quantities named as the model names them: ``\text{c} \geq \frac{3125}{42}``.

    Products are written with a dot, as the plain text writes them (names in ``\text`` set side by
    side would run together).

    Examples
    --------
    >>> relation_latex(sympy.Symbol("new_customers", real=True) >= sympy.Rational(1, 2))
    '\\text{new\\_customers} \\geq \\frac{1}{2}'
    >>> c, w = sympy.symbols("c w", real=True)
    >>> relation_latex(sympy.Eq(3 * c * w, 0))
    '3 \\cdot \\text{c} \\cdot \\text{w} = 0'
    """
    return _relation(r, _LATEX)


def relation_mathml(r: sympy.Basic) -> str:
    """A relation as presentation MathML (the content of a ``<math>`` element), quantities named as the model
    names them; well-formed XML (sympy's printer, :class:`sympy.printing.mathml.MathMLPresentationPrinter`).

    Examples
    --------
    >>> relation_mathml(sympy.Symbol("new_customers", real=True) < sympy.Rational(1, 2))
    '<mrow><mi>new_customers</mi><mo>&lt;</mo><mfrac><mn>1</mn><mn>2</mn></mfrac></mrow>'
    """
    return _relation(r, _MATHML)


def _conjunction(relations: Sequence[sympy.Basic], notation: _Notation) -> str:
    """Relations that must all hold, a lower and an upper bound of one quantity written as one range."""
    ranges = _ranges(relations)
    parts: list[str] = []
    for r in relations:
        if r in ranges:
            low, high = ranges[r]
            terms = [notation.expression(low.rhs), notation.sign(low.reversed.rel_op), notation.expression(low.lhs)]
            parts.append(notation.run([*terms, notation.sign(high.rel_op), notation.expression(high.rhs)]))
        elif not any(r in pair for pair in ranges.values()):
            parts.append(_relation(r, notation))
    return notation.both.join(parts)


def conjunction_text(relations: Sequence[sympy.Basic]) -> str:
    """Relations that must all hold, a lower and an upper bound of one quantity written as one range.

    Examples
    --------
    >>> c, w = sympy.symbols("c w", real=True)
    >>> conjunction_text([c > 0, c < 125, sympy.Eq(w, 0)])
    '0 < c < 125 and w = 0'
    """
    return _conjunction(relations, _TEXT)


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
        """The region in LaTeX, as :meth:`to_text` writes it (``""`` where it says it in words: never, always)."""
        return self._notation(_LATEX)

    def to_mathml(self) -> str:
        """The region as presentation MathML, as :meth:`to_text` writes it (``""`` where that is in words)."""
        return self._notation(_MATHML)

    def _notation(self, notation: _Notation) -> str:
        if not self.alternatives or any(not a for a in self.alternatives):
            return ""
        if self.values is not None and not all(
            isinstance(r, sympy.core.relational.Relational) for a in self.alternatives for r in a
        ):
            return ""
        texts = [_conjunction(a, notation) for a in self.alternatives]
        if len(texts) > 1:
            texts = [notation.group(t) if len(a) > 1 else t for t, a in zip(texts, self.alternatives, strict=True)]
        return notation.either.join(texts)

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
