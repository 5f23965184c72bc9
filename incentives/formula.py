"""The restricted formula language of model files, parsed into sympy expressions.

KPI, company-value, bonus-weight and cost formulas come from model files written
by workshop participants.  A model file is data: reading a formula never runs
code.  The text is parsed with :func:`ast.parse` (parsing only, never ``eval``,
``exec`` or ``sympy.sympify``) and a whitelist of syntax nodes is translated
into sympy; everything else is a :class:`~incentives.errors.FormulaError`.

Grammar
-------
A formula is a Python expression restricted to::

    value     := number | name | "(" value ")" | ("+" | "-") value
               | value ("+" | "-" | "*" | "/" | "**") value
               | function "(" value ("," value)* ")"
               | "where" "(" condition "," value "," value ")"
               | value "if" condition "else" value
    function  := "min" | "max" (2 or more arguments) | "abs" | "exp" | "log" | "sqrt" (1 argument)
    condition := value cmp value (cmp value)* | condition ("and" | "or") condition
               | "not" condition | "(" condition ")"
    cmp       := "<" | "<=" | ">" | ">=" | "==" | "!="
    name      := identifier ("." identifier)*

with Python's precedence and associativity (``-x**2`` is ``-(x**2)``, ``2**3**2``
is ``2**9``).  ``log`` is the natural logarithm.  Numbers are exact: ``0.1`` is
the rational ``1/10`` and ``2.5e-3`` is ``1/400``.  ``where(c, a, b)`` and
``a if c else b`` are :class:`sympy.Piecewise`; comparisons may appear only in
their conditions, and a condition may not compare a ``where`` value (sympy
would turn it into a condition the language cannot write back).

A dotted name such as ``sales.deals`` is one symbol.  Each part of a name is a
Python identifier (read, as Python reads identifiers, in NFKC normal form), so
keywords such as ``if`` or ``lambda`` cannot be names; neither can the function
names above nor parts starting with ``__``.  A formula may span several lines;
it has no comments.

Every name becomes ``symbol(name)``, a real sympy symbol, so symbols made by
other modules through :func:`symbol` compare equal to those in formulas.

Limits
------
So that a hostile or mistyped formula fails fast instead of hanging:
formulas have at most 2000 characters and 50 levels of nesting; every number
(literal or computed) has at most 100 digits in its numerator and denominator;
a constant exponent is at most 100 in absolute value and the power it computes
has at most 4096 bits; a constant argument of ``exp`` is at most 1000 in
absolute value; one formula has at most 16 ``min``/``max`` arguments in total.
"""

from __future__ import annotations

import ast
import difflib
import math
import re
import threading
import unicodedata
from collections.abc import Collection, Mapping
from typing import Any, NoReturn

import sympy

from .errors import FormulaError

__all__ = ["ALLOWED_FUNCTIONS", "formula_names", "formula_to_text", "parse_formula", "symbol"]

#: Functions a formula may call.
ALLOWED_FUNCTIONS = ("min", "max", "abs", "exp", "log", "sqrt", "where")

_MAX_LENGTH = 2000
_MAX_DEPTH = 50
_MAX_DIGITS = 100
_DIGIT_LIMIT = 10**_MAX_DIGITS
_MAX_EXPONENT = 100
_MAX_POWER_BITS = 4096
_MAX_EXP_ARGUMENT = 1000
_MAX_MINMAX_ARGUMENTS = 16

#: One formula parsed at a time: on CPython 3.11, :func:`ast.parse` in two threads at once can fail with
#: "SystemError: AST constructor recursion depth mismatch" (CPython issue gh-106905: its recursion counter
#: is shared, and the GIL can be released mid-parse for garbage collection), and the workshop, threaded
#: sweeps and Dask workers read model text in threads.
_PARSE_LOCK = threading.Lock()

_FLOAT_LITERAL = re.compile(r"(?P<int>\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d+))?")
_ONE_ARGUMENT = {"abs": sympy.Abs, "exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt}
_MIN_MAX = {"min": sympy.Min, "max": sympy.Max}
_WRITABLE_FUNCTIONS = (sympy.Abs, sympy.exp, sympy.log, sympy.Min, sympy.Max, sympy.Piecewise)
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_OTHER_OPERATORS: dict[type, tuple[str, str]] = {
    ast.BitXor: ("^", "use ** for powers"),
    ast.Mod: ("%", ""),
    ast.FloorDiv: ("//", "use / for division"),
    ast.MatMult: ("@", ""),
    ast.LShift: ("<<", ""),
    ast.RShift: (">>", ""),
    ast.BitAnd: ("&", "use 'and' inside a condition"),
    ast.BitOr: ("|", "use 'or' inside a condition"),
    ast.Invert: ("~", "use 'not' inside a condition"),
}
_COMPARISONS = {
    ast.Lt: sympy.Lt,
    ast.LtE: sympy.Le,
    ast.Gt: sympy.Gt,
    ast.GtE: sympy.Ge,
    ast.Eq: sympy.Eq,
    ast.NotEq: sympy.Ne,
}
_FORBIDDEN = {
    ast.Lambda: "lambda functions",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.Subscript: "subscripts [...]",
    ast.Slice: "slices",
    ast.List: "lists",
    ast.Tuple: "tuples (commas outside a function call)",
    ast.Dict: "dictionaries",
    ast.Set: "sets",
    ast.JoinedStr: "f-strings",
    ast.NamedExpr: "assignments",
    ast.Starred: "* arguments",
    ast.Await: "await expressions",
    ast.Yield: "yield expressions",
    ast.YieldFrom: "yield expressions",
}


def symbol(name: str) -> sympy.Symbol:
    """The sympy symbol that stands for ``name`` in every formula.

    Parameters
    ----------
    name : str
        A name, possibly dotted (``"sales.deals"``).

    Returns
    -------
    sympy.Symbol
        A real symbol; the same call anywhere gives an equal symbol.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    FormulaError
        If ``name`` is empty.

    Examples
    --------
    >>> symbol("sales.deals") == parse_formula("sales.deals")
    True
    >>> symbol("x").is_real
    True
    """
    if not isinstance(name, str):
        raise TypeError(f"a name must be text; got {type(name).__name__}")
    if not name:
        raise FormulaError("a name must not be empty")
    return sympy.Symbol(name, real=True)


def parse_formula(
    text: str | int | float,
    *,
    names: Mapping[str, Any] | Collection[str] | None = None,
    field: str = "",
) -> sympy.Expr:
    """Parse a formula of the model-file language into a sympy expression.

    Parameters
    ----------
    text : str, int or float
        The formula, or a number already read by YAML (a float is taken at its
        shortest repr, so ``0.1`` becomes exactly ``1/10``).
    names : mapping or collection of str, optional
        The names the formula may use (for a mapping, its keys; the values are
        not used).  ``None`` allows any name; ``()`` allows none.
    field : str
        Label put at the start of error messages, e.g. ``"kpis.tickets"``.

    Returns
    -------
    sympy.Expr
        The formula, with exact rational numbers and :func:`symbol` symbols.

    Raises
    ------
    FormulaError
        If the text is not a formula of the language, uses an unknown name or
        function, has no finite real value, or exceeds a limit (see the module
        docstring).  The message gives the field, the column and a hint.

    See Also
    --------
    formula_to_text : the inverse.

    Examples
    --------
    >>> parse_formula("new_customers * (2 - sales.fit)")
    new_customers*(2 - sales.fit)
    >>> parse_formula("0.1 + 0.2")
    3/10
    >>> parse_formula(0.1)
    1/10
    >>> parse_formula("where(sales.fit >= 0.8, 2, 1)")
    Piecewise((2, sales.fit >= 4/5), (1, True))
    >>> parse_formula("sales.deal * 2", names={"sales.deals", "deal_value"}, field="kpis.revenue")
    Traceback (most recent call last):
    ...
    incentives.errors.FormulaError: kpis.revenue: unknown name 'sales.deal'; did you mean 'sales.deals'? (column 1)
    """
    source = _source(text, field)
    converter = _Converter(source, _allowed(names), field)
    try:
        with _PARSE_LOCK:
            tree = ast.parse(source.replace("\n", " ").replace("\r", " "), mode="eval")
    except SyntaxError as err:
        raise converter.syntax_error(err) from None
    except (ValueError, MemoryError, RecursionError) as err:
        raise converter.error(f"cannot parse the formula: {err}") from None
    try:
        expr = _settled(converter.value(tree.body, 0))
        converter.check_result(expr)
    except RecursionError:
        raise converter.error("the formula is nested too deeply") from None
    return expr


def formula_names(expr: sympy.Basic) -> frozenset[str]:
    """The names a formula uses.

    Parameters
    ----------
    expr : sympy.Basic
        A formula, as returned by :func:`parse_formula`.

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> sorted(formula_names(parse_formula("deal_value * sales.deals - 2")))
    ['deal_value', 'sales.deals']
    """
    if not isinstance(expr, sympy.Basic):
        raise TypeError(f"expected a sympy expression; got {type(expr).__name__}")
    return frozenset(s.name for s in expr.free_symbols if isinstance(s, sympy.Symbol))


def formula_to_text(expr: sympy.Basic) -> str:
    """Write a formula as text that :func:`parse_formula` reads back unchanged.

    Parameters
    ----------
    expr : sympy.Basic
        A formula built from numbers, symbols, ``+ - * / **``, ``Min``, ``Max``,
        ``Abs``, ``exp``, ``log``, ``sqrt`` and ``Piecewise`` with a final
        ``True`` condition.

    Returns
    -------
    str
        ``parse_formula(formula_to_text(expr)) == expr`` for every expression
        that :func:`parse_formula` returns (if the text stays within the limits).
        A sympy ``Float`` is written at double precision and so reads back as
        the exact rational of its shortest repr.

    Raises
    ------
    FormulaError
        If ``expr`` uses something the language cannot write (``pi``, ``sin``,
        a ``Piecewise`` without a final ``True`` condition, ...).

    Examples
    --------
    >>> formula_to_text(parse_formula("deal_value*new_customers - support_cost*tickets*(2 - support.quality)"))
    'deal_value*new_customers - support_cost*tickets*(2 - support.quality)'
    >>> formula_to_text(parse_formula("x**-1 / 3 + sqrt(y) - 0.25"))
    'sqrt(y) - 1/4 + 1/(3*x)'
    >>> formula_to_text(parse_formula("x if 0 < x <= 1 else max(x, 2)"))
    'where(x <= 1 and x > 0, x, max(2, x))'
    """
    if not isinstance(expr, sympy.Basic):
        raise TypeError(f"expected a sympy expression; got {type(expr).__name__}")
    try:
        return _write(expr)[0]
    except RecursionError:
        raise FormulaError("the formula is nested too deeply to write") from None


# --- parsing -----------------------------------------------------------------------------------------------------


def _source(text: object, field: str) -> str:
    """The formula text, with numbers given by YAML turned into their literal."""
    prefix = f"{field}: " if field else ""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise FormulaError(f"{prefix}expected a formula (text) or a number; got {type(text).__name__} {text!r}")
    if isinstance(text, float) and not math.isfinite(text):
        raise FormulaError(f"{prefix}expected a finite number; got {text!r}")
    if isinstance(text, int) and abs(text) >= _DIGIT_LIMIT:
        raise FormulaError(f"{prefix}the number has more than {_MAX_DIGITS} digits")
    source = text if isinstance(text, str) else repr(text)
    if not source.strip():
        raise FormulaError(f"{prefix}the formula is empty")
    if len(source) > _MAX_LENGTH:
        raise FormulaError(f"{prefix}the formula is too long: {len(source)} characters, at most {_MAX_LENGTH}")
    if "#" in source:
        raise FormulaError(f"{prefix}comments (#) are not allowed in a formula")
    return source


def _allowed(names: Mapping[str, Any] | Collection[str] | None) -> dict[str, str] | None:
    """Allowed names keyed by their NFKC form (Python normalises identifiers so)."""
    if names is None:
        return None
    if isinstance(names, str):
        raise TypeError("names must be a collection of names, not one string")
    allowed = {}
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"names must be text; got {type(name).__name__} {name!r}")
        allowed[unicodedata.normalize("NFKC", name)] = name
    return allowed


def _bits(expr: sympy.Basic) -> int:
    """Largest bit length of a numerator or denominator in ``expr``."""
    return max((max(abs(r.p).bit_length(), r.q.bit_length()) for r in expr.atoms(sympy.Rational)), default=0)


def _constant(expr: sympy.Expr) -> sympy.Expr | None:
    """Numeric value of a constant expression (exact if rational), else None."""
    if expr.free_symbols:
        return None
    return expr if expr.is_Rational else expr.evalf(15)


class _Converter:
    """Translates whitelisted syntax nodes into sympy, recursively."""

    def __init__(self, source: str, allowed: dict[str, str] | None, field: str) -> None:
        self.source = source
        self.allowed = allowed
        self.field = field
        self.minmax_arguments = 0

    # errors

    def error(self, message: str, node: ast.AST | None = None, *, offset: int | None = None) -> FormulaError:
        """The error to raise, located at ``node`` or at character ``offset`` of the text."""
        if node is not None and hasattr(node, "col_offset"):
            line = self.source.replace("\n", " ").replace("\r", " ").encode()  # ast offsets count UTF-8 bytes
            offset = len(line[: node.col_offset].decode(errors="ignore"))
        where = ""
        if offset is not None:
            line_no = self.source.count("\n", 0, offset) + 1
            column = offset - (self.source.rfind("\n", 0, offset) + 1) + 1
            where = f" (line {line_no}, column {column})" if "\n" in self.source else f" (column {column})"
        prefix = f"{self.field}: " if self.field else ""
        return FormulaError(f"{prefix}{message}{where}")

    def fail(self, message: str, node: ast.AST | None = None) -> NoReturn:
        raise self.error(message, node)

    def syntax_error(self, err: SyntaxError) -> FormulaError:
        message = f"syntax error: {err.msg}"
        if re.search(r"(?<![=<>!])=(?!=)", self.source):
            message += "; a formula is an expression, not an assignment (compare with ==, inside where())"
        if re.search(r"\d\s*%", self.source):
            message += "; write a percentage as a fraction (30% is 0.3)"
        return self.error(message, offset=(err.offset - 1) if err.offset else None)

    def operator_offset(self, node: ast.BinOp, operator: str) -> int | None:
        """Character offset of the operator between the operands of ``node``."""
        line = self.source.replace("\n", " ").replace("\r", " ").encode()
        start, end = node.left.end_col_offset, node.right.col_offset
        found = line.find(operator.encode(), start, end) if start is not None else -1
        return len(line[:found].decode(errors="ignore")) if found >= 0 else None

    def segment(self, node: ast.AST) -> str:
        text = ast.get_source_segment(self.source, node) or type(node).__name__
        return text if len(text) <= 40 else text[:37] + "..."

    # values

    def value(self, node: ast.expr, depth: int) -> sympy.Expr:
        if depth > _MAX_DEPTH:
            self.fail(f"the formula is nested too deeply (more than {_MAX_DEPTH} levels)", node)
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name | ast.Attribute):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node, depth)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.value(node.operand, depth + 1)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        if isinstance(node, ast.IfExp):
            condition = self.condition(node.test, depth + 1)
            return self.piecewise(self.value(node.body, depth + 1), condition, self.value(node.orelse, depth + 1))
        if isinstance(node, ast.Compare | ast.BoolOp) or (
            isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
        ):
            self.fail(
                f"'{self.segment(node)}' is a condition; conditions are allowed only in where(condition, a, b) "
                "or 'a if condition else b'",
                node,
            )
        self.forbidden(node)

    def forbidden(self, node: ast.AST) -> NoReturn:
        if isinstance(node, ast.UnaryOp | ast.BinOp) and type(node.op) in _OTHER_OPERATORS:
            operator, hint = _OTHER_OPERATORS[type(node.op)]
            message = f"the operator '{operator}' is not allowed; {hint or 'use + - * / **'}"
            if isinstance(node, ast.BinOp):  # point at the operator, not at the start of its left operand
                raise self.error(message, offset=self.operator_offset(node, operator))
            self.fail(message, node)
        if type(node) in _FORBIDDEN:
            self.fail(f"'{self.segment(node)}': {_FORBIDDEN[type(node)]} are not allowed in a formula", node)
        self.fail(f"'{self.segment(node)}' is not allowed in a formula", node)

    def number(self, node: ast.Constant) -> sympy.Expr:
        value = node.value
        if isinstance(value, bool) or value is None:
            self.fail(f"{value} is not a number", node)
        if isinstance(value, str | bytes):
            self.fail(f"text in quotes is not allowed in a formula: {self.segment(node)}", node)
        if isinstance(value, complex):
            self.fail(f"imaginary numbers are not allowed: '{self.segment(node)}'", node)
        if isinstance(value, int):
            number = sympy.Integer(value)
        elif isinstance(value, float):
            number = self.float_literal(node)
        else:
            self.fail(f"'{self.segment(node)}' is not a number", node)
        if abs(number.p) >= _DIGIT_LIMIT or number.q >= _DIGIT_LIMIT:
            self.fail(f"the number '{self.segment(node)}' has more than {_MAX_DIGITS} digits", node)
        return number

    def float_literal(self, node: ast.Constant) -> sympy.Rational:
        literal = (ast.get_source_segment(self.source, node) or repr(node.value)).replace("_", "")
        match = _FLOAT_LITERAL.fullmatch(literal)
        if match is None:
            self.fail(f"cannot read the number '{literal}'", node)
        integer, fraction = match["int"], match["frac"] or ""
        exponent = int(match["exp"] or 0) - len(fraction)
        if abs(exponent) > 2 * _MAX_DIGITS:
            self.fail(f"the number '{literal}' is too large or too small", node)
        mantissa = int(integer + fraction or "0")
        return sympy.Rational(mantissa * 10**exponent) if exponent >= 0 else sympy.Rational(mantissa, 10**-exponent)

    def name(self, node: ast.Name | ast.Attribute) -> sympy.Expr:
        parts = []
        current: ast.expr = node
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        if not isinstance(current, ast.Name):
            self.fail(f"only names can have parts after a dot; got '{self.segment(node)}'", node)
        parts.append(current.id)
        name = ".".join(reversed(parts))
        if any(part.startswith("__") for part in parts):
            self.fail(f"names may not start with '__': '{name}'", node)
        if name in ALLOWED_FUNCTIONS:
            self.fail(f"'{name}' is a function; call it as {name}(...)", node)
        if self.allowed is None:
            return symbol(name)
        if name in self.allowed:
            return symbol(self.allowed[name])
        self.fail(_unknown_name(name, sorted(self.allowed.values())), node)

    def binary(self, node: ast.BinOp, depth: int) -> sympy.Expr:
        if not isinstance(node.op, _ARITHMETIC):
            self.forbidden(node)
        if isinstance(node.op, ast.Pow):
            return self.power(node, depth)
        # walk a chain such as a - b + c (left-nested in the tree) without recursing along it
        group = (ast.Add, ast.Sub) if isinstance(node.op, ast.Add | ast.Sub) else (ast.Mult, ast.Div)
        chain: list[tuple[ast.operator, ast.expr]] = []
        current: ast.expr = node
        while isinstance(current, ast.BinOp) and isinstance(current.op, group):
            chain.append((current.op, current.right))
            current = current.left
        operands = [self.value(current, depth + 1)]
        for op, right in reversed(chain):
            operand = self.value(right, depth + 1)
            if isinstance(op, ast.Sub):
                operand = -operand
            elif isinstance(op, ast.Div):
                if operand == 0:
                    self.fail(f"division by zero in '{self.segment(right)}'", right)
                operand = sympy.Pow(operand, -1)
            operands.append(operand)
        return sympy.Add(*operands) if group[0] is ast.Add else sympy.Mul(*operands)

    def power(self, node: ast.BinOp, depth: int) -> sympy.Expr:
        base, exponent = self.value(node.left, depth + 1), self.value(node.right, depth + 1)
        size = _constant(exponent)
        if size is not None:
            if not size.is_Number or abs(size) > _MAX_EXPONENT:
                self.fail(
                    f"the exponent '{self.segment(node.right)}' must be at most {_MAX_EXPONENT} in absolute value", node
                )
            if size.is_Rational and _bits(base) * abs(size.p) > _MAX_POWER_BITS:
                self.fail(f"the number '{self.segment(node)}' is too large", node)
        result = _built(sympy.Pow, base, exponent)
        if result.has(sympy.zoo):
            self.fail(f"division by zero in '{self.segment(node)}'", node)
        return self.real(result, node)

    def real(self, result: sympy.Expr, node: ast.AST) -> sympy.Expr:
        value = _constant(result)
        if value is not None and not value.is_Number:
            self.fail(f"'{self.segment(node)}' is not a real number", node)
        return result

    def call(self, node: ast.Call, depth: int) -> sympy.Expr:
        function = self.function_name(node)
        if node.keywords:
            self.fail(f"{function}() takes no keyword arguments", node)
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                self.forbidden(argument)
        count = len(node.args)
        if function == "where":
            if count != 3:
                self.fail(f"where() takes 3 arguments (condition, value if true, value if false); got {count}", node)
            condition = self.condition(node.args[0], depth + 1)
            return self.piecewise(self.value(node.args[1], depth + 1), condition, self.value(node.args[2], depth + 1))
        arguments = [self.value(argument, depth + 1) for argument in node.args]
        if function in _MIN_MAX:
            if count < 2:
                self.fail(f"{function}() takes 2 or more arguments; got {count}", node)
            self.minmax_arguments += count
            if self.minmax_arguments > _MAX_MINMAX_ARGUMENTS:
                self.fail(f"a formula may pass at most {_MAX_MINMAX_ARGUMENTS} arguments to min() and max()", node)
            try:
                return _built(_MIN_MAX[function], *arguments)
            except ValueError as err:  # sympy compares real numbers only: min(0, log(min(0, a))) is refused
                self.fail(
                    f"{function}() compares real numbers, and an argument of '{self.segment(node)}' is not "
                    f"always one (sympy: {str(err).rstrip('.')})",
                    node,
                )
        if count != 1:
            natural = " (the natural logarithm)" if function == "log" else ""
            self.fail(f"{function}() takes exactly 1 argument{natural}; got {count}", node)
        return self.one_argument(function, arguments[0], node)

    def function_name(self, node: ast.Call) -> str:
        allowed = ", ".join(ALLOWED_FUNCTIONS)
        if not isinstance(node.func, ast.Name):
            self.fail(f"only the functions {allowed} can be called; got '{self.segment(node)}'", node)
        name = node.func.id
        if name not in ALLOWED_FUNCTIONS:
            close = difflib.get_close_matches(name, ALLOWED_FUNCTIONS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            self.fail(f"unknown function '{name}'; the allowed functions are {allowed}{hint}", node)
        return name

    def one_argument(self, function: str, argument: sympy.Expr, node: ast.Call) -> sympy.Expr:
        value = _constant(argument)
        if value is not None and value.is_Number:
            if function == "exp" and abs(value) > _MAX_EXP_ARGUMENT:
                self.fail(f"the argument of exp() is too large; at most {_MAX_EXP_ARGUMENT}", node)
            if function == "log" and value <= 0:
                self.fail(f"log() of a number that is not positive: '{self.segment(node)}'", node)
            if function == "sqrt" and value < 0:
                self.fail(f"sqrt() of a negative number: '{self.segment(node)}'", node)
        return self.real(_built(_ONE_ARGUMENT[function], argument), node)

    def piecewise(self, if_true: sympy.Expr, condition: sympy.Basic, if_false: sympy.Expr) -> sympy.Expr:
        # where(c1, a, where(c2, b, c)) is one Piecewise with three pieces, as formula_to_text writes it
        if isinstance(if_false, sympy.Piecewise) and if_false.args[-1].cond == sympy.true:
            return sympy.Piecewise((if_true, condition), *if_false.args)
        return sympy.Piecewise((if_true, condition), (if_false, True))

    # conditions

    def condition(self, node: ast.expr, depth: int) -> sympy.Basic:
        if depth > _MAX_DEPTH:
            self.fail(f"the formula is nested too deeply (more than {_MAX_DEPTH} levels)", node)
        if isinstance(node, ast.Compare):
            return self.comparison(node, depth)
        if isinstance(node, ast.BoolOp):
            parts = [self.condition(value, depth + 1) for value in node.values]
            return sympy.And(*parts) if isinstance(node.op, ast.And) else sympy.Or(*parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return sympy.Not(self.condition(node.operand, depth + 1))
        self.fail(f"expected a condition such as 'x > 0'; got '{self.segment(node)}'", node)

    def comparison(self, node: ast.Compare, depth: int) -> sympy.Basic:
        for op in node.ops:
            if type(op) not in _COMPARISONS:
                self.fail(f"'{self.segment(node)}': only the comparisons <, <=, >, >=, ==, != are allowed", node)
        values = [self.value(node.left, depth + 1)] + [self.value(v, depth + 1) for v in node.comparators]
        if any(value.has(sympy.Piecewise) for value in values):
            # sympy would fold it into an ITE condition, which the language cannot write back
            self.fail(f"'{self.segment(node)}': a condition cannot compare a where() or 'if ... else' value", node)
        return sympy.And(
            *(_COMPARISONS[type(op)](a, b) for op, a, b in zip(node.ops, values, values[1:], strict=False))
        )

    # the whole formula

    def check_result(self, expr: sympy.Expr) -> None:
        if expr.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
            self.fail("the formula has no finite value (a division by zero?)")
        if expr.has(sympy.I):
            self.fail("the formula is not a real number")
        if _unwritable(expr):
            self.fail(f"sympy rewrites this formula as '{expr}', which the formula language cannot express")
        if any(abs(r.p) >= _DIGIT_LIMIT or r.q >= _DIGIT_LIMIT for r in expr.atoms(sympy.Rational)):
            self.fail(f"a number in the formula has more than {_MAX_DIGITS} digits")


def _unwritable(expr: sympy.Basic) -> bool:
    """Whether ``expr`` has a function or constant that the language cannot write."""
    return expr.has(sympy.pi) or any(not isinstance(f, _WRITABLE_FUNCTIONS) for f in expr.atoms(sympy.Function))


def _built(function: Any, *arguments: sympy.Expr) -> sympy.Expr:
    """``function(*arguments)``, left unevaluated where sympy would rewrite it beyond the language.

    For example sympy turns ``abs(exp(sqrt(q)))`` into ``exp(cos(atan2(0, q)/2)*sqrt(Abs(q)))``.
    """
    result = function(*arguments)
    return function(*arguments, evaluate=False) if _unwritable(result) else result


def _settled(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` rebuilt bottom-up with sympy's evaluation, until nothing changes.

    sympy leaves some results in a form that the same formula, read afresh, does
    not give: ``abs(-abs(x))`` is ``Abs(Abs(x))``, ``abs(-max(x, 0)/x)`` is
    ``Abs(1/x)*Max(0, x)`` and conditions of a ``Piecewise`` may hold ``-(y + 4)``
    as an unevaluated product.  Rebuilding gives ``Abs(x)``, ``Max(0, x)/Abs(x)``
    and ``-y - 4``, so that ``parse_formula(formula_to_text(e)) == e``.
    """
    for _ in range(3):
        settled = _rebuilt(expr)
        if settled == expr:
            break
        expr = settled
    return expr


def _rebuilt(expr: sympy.Basic) -> sympy.Basic:
    if not expr.args:
        return expr
    arguments = [_rebuilt(argument) for argument in expr.args]
    if isinstance(expr, sympy.Min | sympy.Max) and arguments == list(expr.args):
        return expr  # evaluating min and max again is slow (pairwise comparisons) and changes nothing
    if isinstance(expr, sympy.Pow | sympy.Abs | sympy.exp | sympy.log | sympy.Min | sympy.Max):
        return _built(expr.func, *arguments)
    return expr.func(*arguments)


def _close_matches(name: str, known: list[str]) -> list[str]:
    """Up to three known names most like ``name``: the best match and any nearly as good."""
    scores = {k: difflib.SequenceMatcher(None, name, k).ratio() for k in known}
    close = sorted((k for k in known if scores[k] >= 0.6), key=lambda k: -scores[k])
    return [k for k in close if scores[k] >= scores[close[0]] - 0.1][:3]


def _unknown_name(name: str, known: list[str]) -> str:
    close = _close_matches(name, known)
    if close:
        quoted = [f"'{c}'" for c in close]
        options = " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)
        return f"unknown name '{name}'; did you mean {options}?"
    if not known:
        return f"unknown name '{name}'; no names can be used here, only numbers"
    listed = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    return f"unknown name '{name}'; the known names are {listed}"


# --- writing -----------------------------------------------------------------------------------------------------

# precedence levels of the text, lowest first (Python's)
_OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _UNARY, _POWER, _ATOM = range(1, 10)
_FUNCTION_NAMES = {sympy.Abs: "abs", sympy.exp: "exp", sympy.log: "log", sympy.Min: "min", sympy.Max: "max"}


def _wrap(expr: sympy.Basic, minimum: int) -> str:
    text, level = _write(expr)
    return f"({text})" if level < minimum else text


def _write(expr: sympy.Basic) -> tuple[str, int]:
    """Text of ``expr`` and the precedence level of its outermost operator."""
    if isinstance(expr, sympy.Symbol):
        return expr.name, _ATOM
    if expr.is_Integer:
        return str(expr), _ATOM if expr >= 0 else _UNARY
    if expr.is_Rational:
        return f"{expr.p}/{expr.q}", _PRODUCT
    if expr.is_Float and expr.is_finite:
        return repr(float(expr)), _ATOM if expr >= 0 else _UNARY
    if expr is sympy.E:
        return "exp(1)", _ATOM
    if isinstance(expr, sympy.Add):
        return _write_sum(expr), _SUM
    if isinstance(expr, sympy.Mul) or (isinstance(expr, sympy.Pow) and expr.exp.is_negative and expr.exp.is_Number):
        return _write_product(expr)
    if isinstance(expr, sympy.Pow):
        if expr.exp == sympy.S.Half:
            return f"sqrt({_wrap(expr.base, 0)})", _ATOM
        return f"{_wrap(expr.base, _ATOM)}**{_wrap(expr.exp, _ATOM)}", _POWER
    if type(expr) in _FUNCTION_NAMES:
        return f"{_FUNCTION_NAMES[type(expr)]}({', '.join(_wrap(a, 0) for a in expr.args)})", _ATOM
    if isinstance(expr, sympy.Piecewise):
        return _write_piecewise(expr), _ATOM
    return _write_condition(expr)


def _write_sum(expr: sympy.Add) -> str:
    terms = expr.as_ordered_terms()
    text = _wrap(terms[0], _SUM)
    for term in terms[1:]:
        if term.as_coeff_Mul()[0].is_negative:
            text += f" - {_wrap(-term, _PRODUCT)}"
        else:
            text += f" + {_wrap(term, _PRODUCT)}"
    return text


def _write_product(expr: sympy.Expr) -> tuple[str, int]:
    coefficient, rest = expr.as_coeff_Mul()
    sign = "-" if coefficient.is_negative else ""
    coefficient = abs(coefficient)
    numerator: list[str] = []
    denominator: list[str] = []
    if coefficient.is_Rational:
        numerator += [str(coefficient.p)] if coefficient.p != 1 else []
        denominator += [str(coefficient.q)] if coefficient.q != 1 else []
    elif coefficient != 1:
        numerator.append(_wrap(coefficient, _POWER))
    factors = rest.as_ordered_factors() if isinstance(rest, sympy.Mul) else [rest]
    for factor in factors:
        if factor == 1:
            continue
        if isinstance(factor, sympy.Pow) and factor.exp.is_Number and factor.exp.is_negative:
            reciprocal = factor.base if factor.exp == -1 else sympy.Pow(factor.base, -factor.exp, evaluate=False)
            denominator.append(_wrap(reciprocal, _POWER))
        else:
            numerator.append(_wrap(factor, _POWER))
    if sign and numerator and numerator[0].startswith("("):
        # "-(a + b)*c" would read as (-a - b)*c: start with another factor, or negate the whole product
        plain = [factor for factor in numerator if not factor.startswith("(")]
        if not plain:
            unsigned, _ = _write(-expr)
            return f"-({unsigned})", _UNARY
        numerator.remove(plain[0])
        numerator.insert(0, plain[0])
    text = sign + ("*".join(numerator) or "1")
    if denominator:
        text += "/" + (denominator[0] if len(denominator) == 1 else f"({'*'.join(denominator)})")
    if denominator or len(numerator) > 1:
        return text, _PRODUCT
    return text, _UNARY if sign else _POWER  # a single factor, written at _POWER or above


def _write_piecewise(expr: sympy.Piecewise) -> str:
    *pieces, (last, otherwise) = expr.args
    if otherwise != sympy.true:
        raise FormulaError(f"cannot write '{expr}': a Piecewise needs a final 'otherwise' (True) condition")
    text = _wrap(last, 0)
    for value, condition in reversed(pieces):
        text = f"where({_wrap(condition, 0)}, {_wrap(value, 0)}, {text})"
    return text


def _write_condition(expr: sympy.Basic) -> tuple[str, int]:
    if isinstance(expr, sympy.core.relational.Relational) and expr.rel_op in ("<", "<=", ">", ">=", "==", "!="):
        return f"{_wrap(expr.lhs, _SUM)} {expr.rel_op} {_wrap(expr.rhs, _SUM)}", _COMPARE
    if isinstance(expr, sympy.And):
        return " and ".join(_wrap(a, _NOT) for a in expr.args), _AND
    if isinstance(expr, sympy.Or):
        return " or ".join(_wrap(a, _AND) for a in expr.args), _OR
    if isinstance(expr, sympy.Not):
        return f"not {_wrap(expr.args[0], _NOT)}", _NOT
    raise FormulaError(f"cannot write '{expr}' ({type(expr).__name__}) in the formula language")
