"""From an organisation to its evaluated model and game: every formula evaluated once, over all profiles.

How a model is evaluated
------------------------
Decision variable ``d.v`` of department ``i`` becomes an array whose axis ``i``
runs over ``i``'s actions; each formula is compiled once with
:func:`sympy.lambdify` and evaluated on such broadcast arrays, so one call fills
every profile (no Python loop over profiles).  KPIs are evaluated *as written*,
in an order where each comes after the KPIs it uses, with those KPIs' arrays as
arguments: a KPI built on others is never expanded into one large formula.
Company value is evaluated the same way; bonus weights and action costs are
numbers once parameters are set.  Then ``terms = weight x KPI`` and
``payoff = sum of terms - action cost`` (see :mod:`incentives.evaluated`).

The formulas run as one plan, worked out once per organisation with the numbers
that do not change between evaluations (decision variables, weights, costs):
each compiled function reads its arguments from a list of values by index, and
nothing else runs between two formulas.  Every value is then checked to be a
finite number, most of them through the payoffs or later formulas they enter
(``inf`` and ``nan`` survive sums and products); if any is not, the formulas
are checked in order, so the error names the first one, its field and the
profile.  A build that only needs the game makes no view of the KPIs until they
are read.

In exact mode the same compiled code runs on arrays of
:class:`fractions.Fraction`, so every array is exact.

:func:`compile_model` keeps some quantities (parameters, bonus weights, action
costs; see :mod:`incentives.quantities`) as arguments and evaluates a whole
batch of points in one call; :func:`evaluate_model` is the same kernel with no
quantity kept and no batch.
"""

from __future__ import annotations

import functools
import math
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter

from ._util import FrozenMap, frozen_map, profile_label
from .errors import FormulaError, ModelError, Problem
from .evaluated import EvaluatedModel
from .formula import formula_to_text, symbol
from .game import Game, SizeBudget
from .model import COMPANY_VALUE, Organization, kpi_order
from .quantities import check_quantities, quantity_value

__all__ = [
    "AUTO_EXACT_PROFILES",
    "CompiledModel",
    "build_game",
    "compile_model",
    "evaluate_formulas",
    "evaluate_model",
    "evaluated",
    "is_rational_model",
    "refuse_continuous",
]

#: Games with at most this many profiles are built exactly when every formula is rational
#: and ``exact=None``.
AUTO_EXACT_PROFILES = 4096


class _BroadcastingPrinter(NumPyPrinter):
    """NumPy code printer whose ``and``/``or`` broadcast their operands.

    SymPy's writes ``numpy.logical_and.reduce((a, b))``, which first stacks the operands into one
    array: operands of different shapes (conditions on different departments' actions, laid
    along different axes) fail there.  Pairwise ``logical_and`` broadcasts them, as ``min`` and
    ``max`` already do.
    """

    def _print_And(self, expr: sympy.And) -> str:
        return self._pairwise("logical_and", expr)

    def _print_Or(self, expr: sympy.Or) -> str:
        return self._pairwise("logical_or", expr)

    def _pairwise(self, function: str, expr: sympy.Basic) -> str:
        operands = ", ".join(self._print(a) for a in expr.args)
        return f"functools.reduce({self._module_format('numpy.' + function)}, [{operands}])"


class _FractionPrinter(_BroadcastingPrinter):
    """NumPy code printer that keeps rational constants exact."""

    def _print_Rational(self, expr: sympy.Rational) -> str:
        return f"Fraction({expr.p}, {expr.q})"

    def _print_Integer(self, expr: sympy.Integer) -> str:
        return f"Fraction({expr.p})"

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        # NumPy's printer writes a negative whole exponent as a float (x**(-1.0)), which would turn
        # fractions into floats; a whole exponent stays whole here.
        if expr.exp.is_Integer:
            return f"({self._print(expr.base)})**({int(expr.exp)})"
        return str(super()._print_Pow(expr, rational=rational))


@functools.lru_cache(maxsize=4096)
def _short_text(expr: sympy.Expr, limit: int = 200) -> str:
    """A formula as model-file text, cut to ``limit`` characters, for a message."""
    try:
        text = formula_to_text(expr)
    except FormulaError:
        text = str(expr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@functools.lru_cache(maxsize=4096)
def _compile(args: tuple[sympy.Symbol, ...], expr: sympy.Expr, exact: bool) -> Any:
    """``expr`` as a numpy function of ``args``, compiled once per formula (cached across models).

    Parameters are arguments like decision variables, so a model evaluated again with other
    parameter values (a workshop moving a slider, a sweep) reuses every compiled formula.
    """
    # The namespace names the numpy module itself: ``modules="numpy"`` would run ``from numpy import *``,
    # which loads numpy's lazy submodules (f2py, testing, ma: a third of a second at start-up).
    namespace = {"functools": functools, "numpy": np}
    if exact:
        return sympy.lambdify(list(args), expr, modules=[{"Fraction": Fraction, **namespace}], printer=_FractionPrinter)
    return sympy.lambdify(list(args), expr, modules=[namespace], printer=_BroadcastingPrinter)


@functools.lru_cache(maxsize=4096)
def _step(expr: sympy.Expr, exact: bool) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...], Any]:
    """A formula, its arguments and its compiled function (None for a number), worked out once per formula."""
    expr = sympy.sympify(expr)
    if expr.is_number:
        return expr, (), None
    used = _arguments(expr)
    return expr, used, _compile(used, expr, exact)


#: :func:`~incentives.formula.symbol`, made once per name (a build looks up every parameter and KPI by name).
_symbol = functools.lru_cache(maxsize=4096)(symbol)


@functools.lru_cache(maxsize=4096)
def _arguments(expr: sympy.Expr) -> tuple[sympy.Symbol, ...]:
    """The symbols a formula uses, in the order of its compiled function's arguments (cached, like the function)."""
    return tuple(sorted(expr.free_symbols, key=str))


@functools.lru_cache(maxsize=256)
def _kpi_order(kpis: tuple[tuple[str, sympy.Expr], ...]) -> tuple[str, ...]:
    """:func:`~incentives.model.kpi_order`, worked out once per set of KPI formulas."""
    return tuple(kpi_order(dict(kpis)))


def _is_rational(expr: sympy.Expr) -> bool:
    if expr.has(sympy.Float, sympy.exp, sympy.log, sympy.E, sympy.pi):
        return False
    return all(p.exp.is_Integer for p in expr.atoms(sympy.Pow))


def refuse_continuous(org: Organization) -> None:
    """Raise a clear :class:`~incentives.errors.ModelError` if a department of ``org`` has continuous variables.

    A finite game needs every department to choose among actions.
    """
    continuous = [d for d in org.departments if d.is_continuous]
    if continuous:
        raise ModelError(
            [
                Problem(
                    path=f"departments.{d.name}.variables",
                    message=f"{d.name!r} chooses continuous variables ({', '.join(d.continuous)}), so the model is "
                    "not a finite game: solve it with incentives.continuous.solve_continuous (command line: "
                    "incentives continuous MODEL), or discretise it into actions first with "
                    "incentives.continuous.discretise(org, points=k)",
                )
                for d in continuous
            ]
        )


def _written_formulas(org: Organization) -> list[sympy.Expr]:
    """Every formula of the model as written (KPIs not expanded), parameters included."""
    exprs: list[sympy.Expr] = [*org.parameters.values(), *org.kpis.values(), org.company_value]
    exprs += [v for d in org.departments for a in d.actions for v in a.values.values()]
    for group in (org.bonus, org.costs):
        exprs += [v for inner in group.values() for v in inner.values()]
    return exprs


def is_rational_model(org: Organization, parameters: Mapping[str, Any] | None = None) -> bool:
    """Whether every payoff of ``org`` is a rational function of rational numbers (exact mode is possible).

    Formulas are checked as written: rational functions of rational functions are rational.

    Examples
    --------
    >>> import incentives as inc
    >>> is_rational_model(inc.load_model("examples/growing_company.yaml"))
    True
    """
    refuse_continuous(org)
    if parameters:
        org = org.with_parameters(parameters)
    return all(_is_rational(e) for e in _written_formulas(org))


def _choose_exact(org: Organization, exact: bool | None, shape: tuple[int, ...]) -> bool:
    if exact is False or (exact is None and math.prod(shape) > AUTO_EXACT_PROFILES):
        return False  # floating point whatever the formulas: no need to look at them
    rational = is_rational_model(org)
    if exact and not rational:
        raise ModelError(
            [
                Problem(
                    path="",
                    message="exact arithmetic needs every formula to be rational (no exp, "
                    "log, sqrt or decimals that are not exact); build the game with exact=False",
                )
            ]
        )
    return rational


def evaluate_model(
    org: Organization,
    *,
    parameters: Mapping[str, Any] | None = None,
    exact: bool | None = None,
    budget: SizeBudget | None = None,
    reuse: EvaluatedModel | None = None,
) -> EvaluatedModel:
    """Evaluate every formula of ``org`` over all action profiles, once.

    Parameters
    ----------
    org : Organization
    parameters : mapping of str to number, optional
        Parameter values that replace the model's own.
    exact : bool or None
        True for exact fractions, False for floats; None (default) chooses exact
        when every formula is rational (no exp, log or sqrt; decimals such as 0.9 are
        the exact rationals they write) and the game has at most
        :data:`AUTO_EXACT_PROFILES` profiles, floating point otherwise.
    budget : SizeBudget, optional
        Largest number of profiles and memory (default :class:`~incentives.game.SizeBudget`()):
        larger models are refused before anything is allocated.  The model carries it, and
        every analysis of the model checks its own arrays against it.
    reuse : EvaluatedModel, optional
        An evaluated model of the same organisation with other bonus plans (or more KPIs),
        such as the model a design starts from: the arrays of the KPIs whose formulas are
        unchanged, and of company value, are taken from it instead of evaluated again.  Only
        used when the departments, their actions, the parameters and the arithmetic agree.

    Returns
    -------
    EvaluatedModel
        The KPIs, company value, bonus terms, costs and the game.

    Raises
    ------
    GameTooLargeError
        If the model has more profiles than the budget allows, or its arrays would not fit.
    ModelError
        If a formula is not a finite number at some profile (named with its field and the
        profile's actions), or exact mode is asked for on formulas that are not rational.

    Examples
    --------
    >>> import incentives as inc
    >>> model = inc.evaluate_model(inc.load_model("examples/growing_company.yaml"))
    >>> model.exact, model.game.shape  # every number in the model is rational and the game small: exact
    (True, (2, 2, 2, 2))
    >>> round(float(model.company_value.max()), 6)
    430.72
    """
    refuse_continuous(org)
    if parameters:
        org = org.with_parameters(parameters)
    shape = tuple(len(d.actions) for d in org.departments)
    budget = budget if budget is not None else (reuse.budget if reuse is not None else _DEFAULT_BUDGET)
    arrays = _arrays(org)
    budget.check(shape, arrays=arrays, task="evaluating the model")
    exact = _choose_exact(org, exact, shape)
    if exact:  # fractions take more memory than floats
        budget.check(shape, arrays=arrays, exact=exact, task="evaluating the model")
    usable = reuse if reuse is not None and _same_situation(org, reuse, exact) else None
    return _Kernel(org, (), exact).evaluate(None, reuse=usable, budget=budget)


#: The size budget of a model evaluated without one (it is immutable: one serves them all).
_DEFAULT_BUDGET = SizeBudget()


def _arrays(org: Organization) -> int:
    """Arrays over all profiles an evaluated model holds: payoffs, costs, KPIs, company value, and a working one."""
    return 2 * len(org.departments) + len(org.kpis) + 2


def _same_situation(org: Organization, model: EvaluatedModel, exact: bool) -> bool:
    """Whether ``model`` was evaluated on the same departments, actions and parameters, in the same arithmetic."""
    old = model.organization
    return (
        not model.is_batch
        and model.exact == exact
        and old.departments == org.departments
        and dict(old.parameters) == dict(org.parameters)
    )


def evaluated(
    model: Organization | EvaluatedModel,
    *,
    parameters: Mapping[str, Any] | None = None,
    exact: bool | None = None,
) -> EvaluatedModel:
    """``model`` itself if it is already evaluated (in floats when ``exact=False``), else :func:`evaluate_model`.

    The entry point of every analysis that accepts an organisation or its evaluated model.
    """
    if not isinstance(model, EvaluatedModel):
        return evaluate_model(model, parameters=parameters, exact=exact)
    if parameters:
        raise ValueError("parameters apply to an organisation; evaluate it again with the new values")
    if model.is_batch:
        raise ValueError("an analysis takes one evaluated model, not a batch: take a point with .point(k)")
    if exact and not model.exact:
        raise ValueError("this model was evaluated in floating point; evaluate it again with exact=True")
    return model.to_float() if exact is False else model


def build_game(
    org: Organization,
    *,
    parameters: Mapping[str, Any] | None = None,
    exact: bool | None = None,
    budget: SizeBudget | None = None,
) -> Game:
    """The normal-form game the departments of ``org`` play: :func:`evaluate_model` and its ``game``.

    Parameters and errors are those of :func:`evaluate_model`.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> game = inc.build_game(org)
    >>> game.players
    ('sales', 'support', 'development', 'operations')
    >>> game.shape
    (2, 2, 2, 2)
    """
    return evaluate_model(org, parameters=parameters, exact=exact, budget=budget).game


def evaluate_formulas(model: EvaluatedModel, exprs: Mapping[str, sympy.Expr]) -> dict[str, np.ndarray]:
    """Evaluate further formulas (over decision variables, parameters and KPIs) at every profile of ``model``.

    For quantities derived from the model, such as a KPI's derivative; the model's own
    KPI arrays are used for KPI names, so nothing already evaluated is evaluated again.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.formula import parse_formula
    >>> model = inc.evaluate_model(inc.load_model("examples/growing_company.yaml"), exact=False)
    >>> twice = evaluate_formulas(model, {"twice": parse_formula("2 * new_customers")})["twice"]
    >>> bool((twice == 2 * model.kpis["new_customers"]).all())
    True
    """
    kernel = _Kernel(model.organization, (), model.exact)
    inputs = kernel.variable_inputs()
    inputs.update({symbol(k): _compact(np.asarray(v)[np.newaxis]) for k, v in model.kpis.items()})
    plan = _plan(tuple(_Formula(key, expr) for key, expr in exprs.items()), model.exact)
    values = kernel.over_profiles(plan, inputs)
    return {key: kernel.full(array)[0] for key, array in zip(exprs, values, strict=True)}


def _laid_over(array: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A read-only view of ``array`` repeated along its axes of length 1 to ``shape`` (as numpy.broadcast_to).

    ``array`` has as many axes as ``shape``, or one more of length 1 in front (a batch of one),
    which the view drops.
    """
    strides = _strides_over(array.shape, array.strides, shape)
    if strides is None or array.dtype == object or not array.flags.c_contiguous:
        return np.broadcast_to(array.reshape(array.shape[len(array.shape) - len(shape) :]), shape)
    view = np.ndarray(shape, array.dtype, array, 0, strides)  # a few times faster (keywords cost here too)
    view.setflags(write=False)
    return view


@functools.lru_cache(maxsize=1024)
def _strides_over(shape: tuple[int, ...], strides: tuple[int, ...], full: tuple[int, ...]) -> tuple[int, ...] | None:
    """The strides of an array of ``shape`` and ``strides`` laid over ``full`` (None if its axes do not fit)."""
    if len(shape) == len(full) + 1 and shape[0] == 1:
        shape, strides = shape[1:], strides[1:]
    if len(shape) != len(full):
        return None
    return tuple(0 if k == 1 else stride for k, stride in zip(shape, strides, strict=True))


def _compact(array: np.ndarray) -> np.ndarray:
    """A view of ``array`` with length 1 on every axis it is only broadcast along (stride 0).

    Formulas on compact arrays cost what the departments they depend on make, not every profile.
    """
    if not any(stride == 0 and n > 1 for stride, n in zip(array.strides, array.shape, strict=True)):
        return array
    index = tuple(slice(0, 1) if stride == 0 else slice(None) for stride in array.strides)
    return array[index]


# -- the kernel -------------------------------------------------------------------------------------

_FLOAT = np.dtype(np.float64)


class _Formula(NamedTuple):
    """A formula to evaluate over the profiles: its field (for messages), itself, and the KPI it defines."""

    path: str
    expr: sympy.Expr
    defines: sympy.Symbol | None = None


@dataclass(frozen=True, kw_only=True)
class _Plan:
    """Formulas compiled to run one after another, each reading its arguments from a list of values by index.

    The list starts with the values of ``inputs`` (decision variables, parameters, KPIs given),
    and each formula's result is appended: ``steps[j]`` is the compiled function of formula
    ``j`` (None for a number) and the indices of its arguments in that list.
    """

    formulas: tuple[_Formula, ...]
    inputs: tuple[sympy.Symbol, ...]
    steps: tuple[tuple[Any, tuple[int, ...], _Formula], ...]

    @functools.cached_property
    def keys(self) -> tuple[str, ...]:
        """Each formula's name: its KPI's for a KPI (``kpis.NAME``), else its field."""
        return tuple(f.path.removeprefix("kpis.") for f in self.formulas)


@functools.lru_cache(maxsize=1024)
def _plan(formulas: tuple[_Formula, ...], exact: bool) -> _Plan:
    """The plan of ``formulas``, worked out once per list of formulas (the functions are those of :func:`_step`)."""
    compiled = [_step(formula.expr, exact)[1:] for formula in formulas]
    inputs: dict[sympy.Symbol, None] = {}  # a symbol no formula before defines, in order of first use
    defined: set[sympy.Symbol] = set()
    for formula, (used, _) in zip(formulas, compiled, strict=True):
        inputs.update((s, None) for s in used if s not in defined)
        if formula.defines is not None:
            defined.add(formula.defines)
    slots = {s: k for k, s in enumerate(inputs)}
    steps = []
    for j, (formula, (used, function)) in enumerate(zip(formulas, compiled, strict=True)):
        steps.append((function, tuple(slots[s] for s in used), formula))
        if formula.defines is not None:
            slots[formula.defines] = len(inputs) + j  # later formulas read its result
    return _Plan(formulas=formulas, inputs=tuple(inputs), steps=tuple(steps))


@functools.lru_cache(maxsize=1024)
def _fits(shape: tuple[int, ...], full: tuple[int, ...]) -> bool:
    """Whether an array of ``shape`` lies over ``full`` as it is: each axis of full length or 1."""
    return len(shape) == len(full) and all(k == 1 or k == n for k, n in zip(shape, full, strict=True))


#: Arrays up to this size are checked for finite values together (one copy of them all), larger ones one by one.
_CHECKED_TOGETHER = 4096


@functools.lru_cache(maxsize=1024)
def _broadcast(first: tuple[int, ...], second: tuple[int, ...]) -> tuple[int, ...]:
    """The shape two arrays of as many axes broadcast to (each axis of one length, or 1, in either)."""
    return tuple(a if b == 1 else b for a, b in zip(first, second, strict=True))


def _all_finite(arrays: Sequence[np.ndarray]) -> bool:
    """Whether every array holds floats and only finite ones; small arrays are checked in one call."""
    small, isfinite = [], np.isfinite
    for array in arrays:
        if array.dtype != _FLOAT:
            return False
        if array.size <= _CHECKED_TOGETHER:
            small.append(array.ravel())
        elif not isfinite(array).all():
            return False
    if not small:
        return True
    return bool(isfinite(small[0] if len(small) == 1 else np.concatenate(small)).all())


class _OneByOne(Exception):
    """A result the plan does not convert itself: the formulas run one by one instead."""


class _Kernel:
    """The formulas of one organisation with some quantities kept as arguments, compiled when first used.

    Every array carries a leading batch axis (length 1 without a batch), so one code path
    serves one model and a batch of points.
    """

    def __init__(self, org: Organization, quantities: tuple[str, ...], exact: bool) -> None:
        self.org = org
        self.quantities = quantities
        self.exact = exact
        self.shape = tuple(len(d.actions) for d in org.departments)
        self.batch = 1
        self.columns: dict[sympy.Symbol, np.ndarray] = {}

    @functools.cached_property
    def fixed(self) -> dict[sympy.Symbol, sympy.Expr]:
        """The parameters not kept as quantities, with their values (needed only when constants are worked out)."""
        kept = set(self.quantities)
        return {_symbol(k): v for k, v in self.org.parameters.items() if k not in kept}

    # -- arguments ------------------------------------------------------------------------
    def set_points(self, values: np.ndarray | None) -> None:
        if values is None:
            self.batch, self.columns = 1, {}
            return
        self.batch = len(values)
        self.columns = {symbol(name): values[:, j] for j, name in enumerate(self.quantities)}

    def _along(self, column: np.ndarray, axis: int | None) -> np.ndarray:
        """``(B, k)`` values along profile axis ``axis`` (None: a scalar per point) of a ``(B, n_0, ...)`` array."""
        shape = [column.shape[0]] + [1] * len(self.shape)
        if axis is not None:
            shape[1 + axis] = column.shape[1]
        return column.reshape(shape)

    def per_point(self, expr: sympy.Expr, path: str) -> np.ndarray:
        """A formula over parameters only (a weight, a cost, an action's value), one value per point: ``(B,)``."""
        expr = sympy.sympify(expr).xreplace(self.fixed)
        if expr.is_number:
            value = self._number(expr, path)
            out = np.empty(self.batch, dtype=object if self.exact else float)
            out[:] = value
            return out
        used = _arguments(expr)
        missing = [s for s in used if s not in self.columns]
        if missing:
            raise ModelError([Problem(path=path, message=f"expected a number once parameters are set; got {expr}")])
        with np.errstate(all="ignore"):
            result = self._function(expr, used)(*(self.columns[s] for s in used))
        out = np.broadcast_to(np.asarray(result), (self.batch,))
        self._check(out, path, expr)
        return np.asarray(out, dtype=float)

    def _number(self, expr: sympy.Expr, path: str) -> Fraction | float:
        if isinstance(expr, sympy.Rational):  # the usual case, without sympy's assumption machinery
            return Fraction(int(expr.p), int(expr.q)) if self.exact else int(expr.p) / int(expr.q)
        if expr.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan) or not expr.is_real:
            raise ModelError([Problem(path=path, message=f"is not a finite real number ({expr})")])
        if self.exact:
            return Fraction(int(expr.p), int(expr.q))
        return float(expr)

    def variable_inputs(self) -> dict[sympy.Symbol, Any]:
        """Each decision variable (laid along its department's axis) and each parameter, as arguments.

        A parameter is a number; a parameter varied over a batch is an array along the batch axis.
        """
        inputs: dict[sympy.Symbol, Any] = {
            sym: self._number(value, f"parameters.{sym.name}") for sym, value in self.fixed.items()
        }
        for i, dept in enumerate(self.org.departments):
            for var in dept.variables:
                paths = [f"departments.{dept.name}.actions.{a.name}.{var}" for a in dept.actions]
                column = np.stack([self.per_point(a.values[var], p) for a, p in zip(dept.actions, paths, strict=True)])
                inputs[symbol(f"{dept.name}.{var}")] = self._along(column.T, i)
        for sym, column in self.columns.items():
            inputs[sym] = self._along(column[:, np.newaxis], None)
        return inputs

    # -- evaluation -------------------------------------------------------------------------
    def _function(self, expr: sympy.Expr, args: tuple[sympy.Symbol, ...]) -> Any:
        return _compile(args, expr, self.exact)

    def over_profiles(
        self,
        plan: _Plan,
        inputs: Mapping[sympy.Symbol, Any],
        values: Sequence[Any] | None = None,
        *,
        check: bool = True,
    ) -> list[np.ndarray]:
        """The formulas of ``plan`` at every profile (and point), in order: compact arrays.

        Each array broadcasts to ``(B, n_0, ...)``: its axes are the batch's and the
        departments', each of full length where the formula depends on it and 1 elsewhere
        (see :meth:`full`).  ``inputs`` holds every decision variable and parameter the
        formulas use, and every KPI none of them defines; a formula may use the values of
        formulas before it (their ``defines`` symbols).  ``values`` are the values of the
        plan's inputs in its order, when the caller has them already.  Every formula
        evaluated over the profiles goes through here, once.

        Every value is checked to be a finite number, unless ``check`` is False: then the
        caller checks them (some through the payoffs and later formulas they enter: see
        :func:`_covered`), and calls :meth:`check_each` if one is not finite.

        The formulas run one after another with no work between them besides the compiled
        functions; if one fails, they run again one by one (:meth:`_one`), so the error is
        the one the first failing formula gives, checked before the next runs.
        """
        return self._run(plan, list(values or [inputs[s] for s in plan.inputs]), inputs, check)

    def _run(self, plan: _Plan, values: list[Any], inputs: Mapping[sympy.Symbol, Any], check: bool) -> list[np.ndarray]:
        """The formulas of ``plan`` with ``values`` for its inputs (then their own results appended)."""
        exact, full, outs = self.exact, (self.batch, *self.shape), []
        ndarray, fits, fetch = np.ndarray, _fits, values.__getitem__
        try:
            with np.errstate(all="ignore"):
                for function, slots, formula in plan.steps:
                    if function is None:
                        out = self._constant(formula)
                    else:
                        out = function(*map(fetch, slots))
                        if out.__class__ is not ndarray or not fits(out.shape, full) or 0 in out.strides:
                            out = self._laid_out(np.asarray(out))
                    outs.append(out)
                    if not exact and out.dtype is not _FLOAT:
                        if out.dtype.kind not in "biuf":  # complex or objects: checked before converted, below
                            raise _OneByOne
                        out = np.asarray(out, dtype=float)
                    values.append(out)
        except Exception:  # found again formula by formula, with the error that formula gives
            return self._one_by_one(plan.formulas, inputs)
        if exact:
            return outs
        if check and not _all_finite(outs):
            self.check_each(plan, outs)
        return values[len(plan.inputs) :]

    def check_each(self, plan: _Plan, outs: Sequence[np.ndarray]) -> None:
        """Refuse the first formula of ``plan`` whose values ``outs`` are not all finite numbers."""
        for out, formula in zip(outs, plan.formulas, strict=True):
            self._check(out, formula.path, formula.expr)

    def _one_by_one(self, formulas: Sequence[_Formula], inputs: Mapping[sympy.Symbol, Any]) -> list[np.ndarray]:
        """:meth:`over_profiles` one formula at a time, each checked before the next runs."""
        known, outs = dict(inputs), []
        for formula in formulas:
            outs.append(self._one(formula.expr, known, formula.path))
            if formula.defines is not None:
                known[formula.defines] = outs[-1]
        return outs

    def _constant(self, formula: _Formula) -> np.ndarray:
        """A formula that is a number, as an array of one value over the batch and every profile."""
        out = np.empty((1,) * (1 + len(self.shape)), dtype=object if self.exact else float)
        out[...] = self._number(formula.expr, formula.path)
        return out

    def _one(self, expr: sympy.Expr, inputs: Mapping[sympy.Symbol, Any], path: str) -> np.ndarray:
        """One formula at every profile (and point), checked: see :meth:`over_profiles`."""
        expr, used, function = _step(expr, self.exact)
        if function is None:
            return self._constant(_Formula(path, expr))
        with np.errstate(all="ignore"):
            try:
                result = function(*[inputs[s] for s in used])
            except ZeroDivisionError as err:
                self._locate_division(expr, used, inputs, path)
                raise ModelError([Problem(path=path, message="the formula divides by zero at some profile")]) from err
        out = self._laid_out(np.asarray(result))
        if self.exact:
            return out
        self._check(out, path, expr)
        return out if out.dtype == _FLOAT else np.asarray(out, dtype=float)

    def _laid_out(self, result: np.ndarray) -> np.ndarray:
        """``result`` with one axis for the batch and one per department, each of full length or 1 (not copied)."""
        ndim = 1 + len(self.shape)
        if result.ndim < ndim:
            result = result.reshape((1,) * (ndim - result.ndim) + result.shape)
        full = (self.batch, *self.shape)
        if result.ndim != ndim or any(k != 1 and k != n for k, n in zip(result.shape, full, strict=True)):
            raise ValueError(f"a formula gave an array of shape {result.shape}, not one over {full}")
        return _compact(result) if 0 in result.strides else result

    def full(self, values: np.ndarray) -> np.ndarray:
        """A compact array of :meth:`over_profiles` as a read-only view over every point and profile."""
        return np.broadcast_to(values, (self.batch, *self.shape))

    def _check(self, values: np.ndarray, path: str, expr: sympy.Expr) -> None:
        """Refuse a value that is not a finite real number (checked on the compact array, located on the full one)."""
        if self.exact or (values.dtype.kind == "f" and np.isfinite(values).all()):
            return
        if values.ndim == 1 + len(self.shape):  # over the profiles (a per-point value is located by its point only)
            values = self.full(values)
        if np.iscomplexobj(values):
            bad = np.argwhere(np.imag(values) != 0)
            if bad.size:
                self._refuse(path, bad[0], "is not a real number", expr=expr)
            values = np.real(values)
        finite = np.isfinite(np.asarray(values, dtype=float))
        if not finite.all():
            self._refuse(
                path,
                np.argwhere(~finite)[0],
                "is not a finite number (it divides by zero, overflows, or takes the log or square root of a "
                "negative number there)",
                count=int(np.count_nonzero(~finite)),
                expr=expr,
            )

    def _locate_division(
        self, expr: sympy.Expr, used: tuple[sympy.Symbol, ...], inputs: Mapping[sympy.Symbol, Any], path: str
    ) -> None:
        """Refuse an exact formula that divides by zero, naming the profile (found again in floating point)."""
        with np.errstate(all="ignore"):
            try:
                args = [np.asarray(inputs[s], dtype=float) for s in used]
                values = np.asarray(_compile(used, expr, False)(*args), dtype=float)
            except (ArithmeticError, TypeError, ValueError):
                return
        values = np.broadcast_to(values, (self.batch, *self.shape))
        bad = ~np.isfinite(values)
        if bad.any():
            self._refuse(path, np.argwhere(bad)[0], "divides by zero", count=int(np.count_nonzero(bad)), expr=expr)

    def _refuse(self, path: str, where: np.ndarray, what: str, count: int = 1, expr: sympy.Expr | None = None) -> None:
        point, profile = int(where[0]), tuple(int(k) for k in where[1:])
        if expr is not None:
            what = f"the formula '{_short_text(expr)}' {what}"
        at = []
        if profile:
            actions = [d.action_names for d in self.org.departments]
            at.append("at " + profile_label(self.org.department_names, actions, profile))
        if self.columns:
            at.append("with " + ", ".join(f"{s}={float(c[point]):.6g}" for s, c in self.columns.items()))
        more = f" ({count} entries are affected)" if count > 1 else ""
        raise ModelError([Problem(path=path, message=f"{what} {' '.join(at)}{more}".rstrip())])

    def evaluate(
        self, values: np.ndarray | None, reuse: EvaluatedModel | None = None, budget: SizeBudget | None = None
    ) -> EvaluatedModel:
        """The evaluated model at ``values`` (shape ``(P, len(quantities))``), or unbatched for None."""
        self.set_points(values)
        org, n, batch = self.org, len(self.shape), self.batch
        constants = self.constants()
        plan, inputs, given = constants.plan, constants.inputs, self._given(reuse)
        if given:  # a plan of the formulas not reused, reading the reused arrays as inputs
            inputs = {**inputs, **{_symbol(k): v for k, v in given.items() if k != COMPANY_VALUE}}
            plan = _plan(tuple(f for f in plan.formulas if f.path.removeprefix("kpis.") not in given), self.exact)
        checked = values is None and not self.exact  # then the payoffs are checked, with the formulas not in them
        alone = (_alone(plan, constants) if given else constants.alone) if checked else ()
        outs = self.over_profiles(plan, inputs, None if given else constants.values, check=not checked)
        results = dict(given)
        results.update(zip(plan.keys, outs, strict=True))
        company_value = results.pop(COMPANY_VALUE)
        kpis = {k: results[k] for k in constants.order} if given else results  # in the order of evaluation
        payoffs = np.empty((batch, n, *self.shape), dtype=object if self.exact else float)
        summed = []
        for i in range(n):
            summed.append(
                self._payoff(payoffs[:, i], constants.terms[i], kpis, company_value, constants.minus_costs[i])
            )
        if checked and not _all_finite([*(outs[j] for j in alone), *summed]):
            self.check_each(plan, outs)  # a formula that is not finite is named before a payoff
            for payoff, dept in zip(summed, org.department_names, strict=True):
                self._check_payoff(payoff, dept)
        model = self._assemble(constants, kpis, company_value, payoffs, values, budget or SizeBudget())
        if checked:  # every array of the game is checked: it is made now, without checking them again
            model._set_game(
                Game._checked(
                    players=constants.players,
                    actions=constants.actions,
                    payoffs=model.payoffs,
                    company_value=model.company_value,
                    title=org.name,
                )
            )
        return model

    def _given(self, reuse: EvaluatedModel | None) -> dict[str, np.ndarray]:
        """The KPIs (and company value) whose arrays ``reuse`` holds, as compact arrays, in order of evaluation."""
        if reuse is None:
            return {}
        given: dict[str, np.ndarray] = {}
        for name in _kpi_order(tuple(self.org.kpis.items())):
            if self._reusable(reuse, self.org.kpis[name], name, set(given)):
                given[name] = _compact(np.asarray(reuse.kpis[name])[np.newaxis])
        if self._reusable(reuse, self.org.company_value, COMPANY_VALUE, set(given)):
            given[COMPANY_VALUE] = _compact(np.asarray(reuse.company_value)[np.newaxis])
        return given

    def _check_payoff(self, payoff: np.ndarray, department: str) -> None:
        """Refuse a payoff that is not a finite number (a sum of finite terms that overflows)."""
        if np.isfinite(payoff).all():
            return
        bad = ~np.isfinite(self.full(payoff))
        what = f"the payoff of {department!r} (bonus minus action cost) is not a finite number (it overflows)"
        self._refuse(f"bonus.{department}", np.argwhere(bad)[0], what, count=int(np.count_nonzero(bad)))

    def constants(self) -> _Constants:
        """The decision variables, bonus weights and action costs at the points set, taken from the cache if there.

        Without a batch and with no quantity kept they depend on the organisation alone
        (it is immutable), so they are worked out once per organisation and arithmetic.
        """
        if self.batch != 1 or self.columns or self.quantities:
            return self._constants()
        key = (id(self.org), self.exact)
        hit = _CONSTANTS.get(key)
        if hit is not None and hit[0]() is self.org:
            return hit[1]
        constants = self._constants()

        def forget(ref: weakref.ref[Organization]) -> None:
            if _CONSTANTS.get(key, (None,))[0] is ref:
                del _CONSTANTS[key]

        _CONSTANTS[key] = (weakref.ref(self.org, forget), constants)
        return constants

    def _constants(self) -> _Constants:
        weights = self._weights()
        costs = tuple(self._costs(i) for i in range(len(self.shape)))
        order = _kpi_order(tuple(self.org.kpis.items()))
        formulas = [_Formula(f"kpis.{k}", self.org.kpis[k], _symbol(k)) for k in order]
        plan = _plan((*formulas, _Formula(COMPANY_VALUE, self.org.company_value)), self.exact)
        scalar = (self.batch,) + (1,) * len(self.shape)
        constants = _Constants(
            inputs=self.variable_inputs(),
            weights=weights,
            costs=costs,
            order=order,
            plan=plan,
            terms=tuple(
                tuple((key, w.reshape(scalar)) for key, w in weights.get(name, {}).items())
                for name in self.org.department_names
            ),
            minus_costs=tuple(-self._along(cost, i) for i, cost in enumerate(costs)),
            actions=tuple(d.action_names for d in self.org.departments),
            players=self.org.department_names,
        )
        arrays = [*constants.inputs.values(), *constants.costs, *constants.minus_costs]
        arrays += [w for plan in constants.weights.values() for w in plan.values()]
        arrays += [w for terms in constants.terms for _, w in terms]
        for array in arrays:
            if isinstance(array, np.ndarray):
                array.setflags(write=False)  # shared by every evaluation of the organisation
        return constants

    def _payoff(
        self,
        out: np.ndarray,
        weights: Sequence[tuple[str, np.ndarray]],
        kpis: Mapping[str, np.ndarray],
        company_value: np.ndarray,
        minus_cost: np.ndarray,
    ) -> np.ndarray:
        """``out = (-cost + weight_1 * values_1) + ... + weight_K * values_K``, on compact arrays.

        ``weights`` are the bonus plan's terms, each weight laid out as ``(B, 1, ..., 1)``;
        ``minus_cost`` is the action cost with its sign changed, along the department's axis.
        The sum runs on the compact arrays (over the departments the terms depend on), and
        only its last step writes every profile of ``out``; the operations and their order
        are those of a sum over all profiles, so every float is the same.  Returns the sum
        as a compact array (``out`` itself where it depends on every department).
        """
        terms = [(weight, company_value if key == COMPANY_VALUE else kpis[key]) for key, weight in weights]
        total = minus_cost
        if self.exact or not terms:
            for weight, values in terms:
                total = total + weight * values
            out[...] = total
            return total
        for weight, values in terms[:-1]:
            total = total + values * weight
        weight, values = terms[-1]
        if values.shape == out.shape:  # a term over every profile: its product is written into ``out`` at once
            np.multiply(values, weight, out=out)
            return np.add(out, total, out=out)
        if _broadcast(total.shape, values.shape) == out.shape:
            return np.add(total, values * weight, out=out)
        total = total + values * weight  # a payoff over some departments only: summed on its own axes,
        out[...] = total  # then laid over every profile
        return total

    def _reusable(self, reuse: EvaluatedModel | None, expr: sympy.Expr, name: str, reused: set[str]) -> bool:
        """Whether ``reuse`` holds this formula's array: same formula, and every KPI it uses reused too."""
        if reuse is None:
            return False
        old = reuse.organization
        before = old.company_value if name == COMPANY_VALUE else old.kpis.get(name)
        if before is None or before != expr:
            return False
        used = {s.name for s in expr.free_symbols if isinstance(s, sympy.Symbol)}
        return all(k in reused for k in used & set(self.org.kpis))

    def _weights(self) -> dict[str, dict[str, np.ndarray]]:
        out: dict[str, dict[str, np.ndarray]] = {}
        for dept in self.org.department_names:
            plan: dict[str, sympy.Expr] = dict(self.org.bonus.get(dept, {}))
            for name in self.quantities:
                head, _, rest = name.partition(".")
                if head == "bonus" and rest.startswith(f"{dept}."):
                    plan[rest.split(".", 1)[1]] = symbol(name)
            if plan:
                out[dept] = {key: self.per_point(expr, f"bonus.{dept}.{key}") for key, expr in plan.items()}
        return out

    def _costs(self, i: int) -> np.ndarray:
        """Department ``i``'s cost of each of its actions at each point: shape ``(B, n_i)``."""
        dept = self.org.departments[i]
        own = self.org.costs.get(dept.name, {})
        kept = set(self.quantities)
        column = []
        for action in dept.action_names:
            name = f"costs.{dept.name}.{action}"
            expr = symbol(name) if name in kept else own.get(action, sympy.Integer(0))
            column.append(self.per_point(expr, name))
        return np.stack(column).T

    def _assemble(
        self,
        constants: _Constants,
        kpis: dict[str, np.ndarray],
        company_value: np.ndarray,
        payoffs: np.ndarray,
        values: np.ndarray | None,
        budget: SizeBudget,
    ) -> EvaluatedModel:
        single = values is None
        for array in (payoffs, company_value, *kpis.values()):
            if array.flags.owndata:
                array.setflags(write=False)  # nothing writes them again: views of them need no copy
        full = self.shape if single else (self.batch, *self.shape)

        def over_profiles(array: np.ndarray) -> np.ndarray:
            """A compact array as a read-only array over every profile (a view)."""
            return _laid_over(array, full)

        company = over_profiles(company_value)
        if company_value.shape[1:] != self.shape:  # laid over some axes: materialised, as the game's solvers read it
            company = np.array(company)
            company.setflags(write=False)
        fields: dict[str, Any] = {
            "organization": self.org,
            "exact": self.exact,
            "kpis": _LaidOver(kpis, full) if single else frozen_map({k: over_profiles(v) for k, v in kpis.items()}),
            "company_value": company,
            "payoffs": _read_only(payoffs[0] if single else payoffs),
            "budget": budget,
        }
        if single:
            fields.update(weights=constants.point_weights, action_costs=constants.point_costs)
            return EvaluatedModel._checked(**fields)
        return EvaluatedModel(
            **fields,
            weights={d: {k: _read_only(w) for k, w in plan.items()} for d, plan in constants.weights.items()},
            action_costs=tuple(_read_only(np.array(c)) for c in constants.costs),
            batch_shape=(self.batch,),
            quantities=self.quantities,
            points=np.array(values, dtype=float),
        )


class _LaidOver(FrozenMap):
    """Compact arrays by name, each laid over every profile when first read (a view, made once).

    An unbatched model's KPIs: a build that only needs the game makes no view of them.
    """

    __slots__ = ("_compact", "_shape")

    def __init__(self, compact: Mapping[str, np.ndarray], shape: tuple[int, ...]) -> None:
        super().__init__()
        self._compact, self._shape = compact, shape

    def __getitem__(self, key: Any) -> Any:
        view = self._data.get(key)
        if view is None:
            view = self._data[key] = _laid_over(self._compact[key], self._shape)
        return view

    def __iter__(self) -> Iterator[Any]:
        return iter(self._compact)

    def __len__(self) -> int:
        return len(self._compact)

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (dict(self.items()),))


def _read_only(array: np.ndarray) -> np.ndarray:
    """A read-only view of ``array``."""
    view = array.view()
    view.setflags(write=False)
    return view


@dataclass(frozen=True, kw_only=True)
class _Constants:
    """What an evaluation needs besides formulas over profiles: decision variables, weights, action costs.

    And, worked out from them and the formulas once: the plan of every KPI (in ``order``)
    and company value, each department's bonus terms with the weight laid out over the
    batch and the profiles, its action costs with their sign changed along its axis, and
    the department and action names.
    """

    inputs: Mapping[sympy.Symbol, Any]
    weights: Mapping[str, Mapping[str, np.ndarray]]
    costs: tuple[np.ndarray, ...]
    order: tuple[str, ...]
    plan: _Plan
    terms: tuple[tuple[tuple[str, np.ndarray], ...], ...]
    minus_costs: tuple[np.ndarray, ...]
    actions: tuple[tuple[str, ...], ...]
    players: tuple[str, ...]

    @functools.cached_property
    def values(self) -> tuple[Any, ...]:
        """The values of the inputs of ``plan``, in its order."""
        return tuple(self.inputs[s] for s in self.plan.inputs)

    @functools.cached_property
    def alone(self) -> tuple[int, ...]:
        """The formulas of ``plan`` an unbatched build checks on their own (see :func:`_alone`)."""
        return _alone(self.plan, self)

    @functools.cached_property
    def point_weights(self) -> Mapping[str, Mapping[str, Any]]:
        """The bonus weights of the first point, as numbers: an unbatched model's ``weights``."""
        number = lambda w: w[0] if w.dtype == object else float(w[0])  # noqa: E731
        return frozen_map({d: frozen_map({k: number(w) for k, w in plan.items()}) for d, plan in self.weights.items()})

    @functools.cached_property
    def point_costs(self) -> tuple[np.ndarray, ...]:
        """The action costs of the first point, one read-only array per department: an unbatched model's."""
        return tuple(_read_only(np.array(c[0])) for c in self.costs)


def _covered(plan: _Plan, constants: _Constants) -> frozenset[int]:
    """The indices of the formulas of ``plan`` whose values need no check of their own in an unbatched build.

    A value that is not finite makes every payoff it enters not finite (``inf`` and ``nan``
    stay so through a product with a weight, even a zero one, and through a sum), so a KPI
    some bonus plan pays on is checked with the payoffs.  The same holds for a KPI that a
    later formula uses, when that formula is a polynomial (sums, products and powers to
    positive whole exponents of its symbols and numbers): every value it reads enters one
    of its values, which are checked themselves (or covered in turn).
    """
    paid = {key for terms in constants.terms for key, _ in terms}
    carried = set().union(*(f.expr.free_symbols for f in plan.formulas if _is_polynomial(f.expr)))
    return frozenset(
        j
        for j, (key, formula) in enumerate(zip(plan.keys, plan.formulas, strict=True))
        if key in paid or formula.defines in carried
    )


def _alone(plan: _Plan, constants: _Constants) -> tuple[int, ...]:
    """The indices of the formulas of ``plan`` an unbatched build checks on their own: those not covered."""
    covered = _covered(plan, constants)
    return tuple(j for j in range(len(plan.formulas)) if j not in covered)


@functools.lru_cache(maxsize=4096)
def _is_polynomial(expr: sympy.Expr) -> bool:
    """Whether ``expr`` is built of symbols and numbers by sums, products and positive whole powers only."""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Pow):
            if not (node.exp.is_Integer and node.exp > 0):
                return False
        elif not isinstance(node, (sympy.Add, sympy.Mul, sympy.Symbol, sympy.Number)):
            return False
    return True


#: Constants of organisations evaluated without a batch, by (id, exact); an entry goes with its organisation.
_CONSTANTS: dict[tuple[int, bool], tuple[weakref.ref[Organization], _Constants]] = {}


# -- a batch of points ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CompiledModel:
    """An organisation's formulas with a few quantities as arguments, evaluated at a batch of points at once.

    Build one with :func:`compile_model`.  It pickles without its compiled functions
    (they are compiled once per process, when first used), so it can be sent to worker
    processes and cluster workers, and threads may share it.

    Parameters
    ----------
    organization : Organization
    names : tuple of str
        The quantities, in argument order (see :mod:`incentives.quantities`).
    budget : SizeBudget
        The size budget each batch (points x profiles) is checked against.
    """

    organization: Organization
    names: tuple[str, ...]
    budget: SizeBudget = field(default_factory=SizeBudget)

    @property
    def base(self) -> np.ndarray:
        """The model's own value of each quantity, as floats."""
        return np.array([float(quantity_value(self.organization, n)) for n in self.names], dtype=float)

    def points(self, values: Sequence[Mapping[str, float]] | np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
        """Points as an array of shape ``(P, len(names))``, from mappings (missing: the model's value) or rows."""
        rows: list[Any] = [] if isinstance(values, np.ndarray) else list(values)
        if rows and all(isinstance(row, Mapping) for row in rows):
            unknown = sorted({str(k) for row in rows for k in row} - set(self.names))
            if unknown:
                raise ModelError(
                    [Problem(path=k, message=f"not one of the compiled quantities {list(self.names)}") for k in unknown]
                )
            base = self.base
            rows = [[row.get(n, base[j]) for j, n in enumerate(self.names)] for row in rows]
        array = np.asarray(values if isinstance(values, np.ndarray) else rows, dtype=float)
        if array.ndim != 2 or array.shape[1] != len(self.names):
            raise ValueError(f"expected points of shape (P, {len(self.names)}); got {array.shape}")
        return array

    def evaluate(self, values: Any) -> EvaluatedModel:
        """The evaluated model at each point of a batch (``batch_shape == (P,)``), in floating point.

        Raises
        ------
        ModelError
            If a formula is not a finite number at some point (the point and the profile are named).
        """
        points = self.points(values)
        self.budget.check(self.shape, arrays=len(points) * _arrays(self.organization), task=self._task(len(points)))
        # A kernel per call: its arguments are per batch, so threads sharing this model never mix them
        # (the compiled formulas themselves are cached and shared).
        return _Kernel(self.organization, self.names, exact=False).evaluate(points, budget=self.budget)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of actions of each department."""
        return tuple(len(d.actions) for d in self.organization.departments)

    def points_per_batch(self) -> int:
        """The most points one batch may hold within the budget (at least 1)."""
        per_point = math.prod(self.shape) * _arrays(self.organization) * 8
        return max(1, self.budget.max_bytes // max(1, per_point))

    @staticmethod
    def _task(count: int) -> str:
        return f"evaluating a batch of {count:,} point{'s' if count != 1 else ''}"

    def games(self, values: Any) -> list[Game]:
        """The game at each point of a batch."""
        batch = self.evaluate(values)
        return [batch.point(k).game for k in range(batch.batch_shape[0])]

    def game(self, values: Mapping[str, float] | None = None) -> Game:
        """The game at one point, given as ``{quantity: value}`` (missing quantities keep the model's value).

        Examples
        --------
        >>> import incentives as inc
        >>> compiled = compile_model(inc.load_model("examples/growing_company.yaml"), ["customers_per_deal"])
        >>> game = compiled.game({"customers_per_deal": 300})
        >>> bool(abs(game.company_value[1, 1, 1, 1] - (112 * 300 / 125 + 64)) < 1e-9)
        True
        """
        return self.games([dict(values or {})])[0]


def compile_model(org: Organization, names: Iterable[str], *, budget: SizeBudget | None = None) -> CompiledModel:
    """Compile the formulas of ``org`` as functions of the quantities ``names``.

    Parameters
    ----------
    org : Organization
    names : iterable of str
        Parameters, ``bonus.DEPARTMENT.KPI`` weights or ``costs.DEPARTMENT.ACTION``
        costs (see :mod:`incentives.quantities`); every other parameter keeps the model's value.
    budget : SizeBudget, optional
        The size budget: the model's profiles are checked now, each batch when evaluated.

    Returns
    -------
    CompiledModel

    Raises
    ------
    ModelError
        If a name is not a quantity of the model, or a department has continuous variables.

    Examples
    --------
    >>> import numpy as np
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> compiled = compile_model(org, ["customers_per_deal", "bonus.support.tickets_closed_per_hour"])
    >>> batch = compiled.evaluate(np.array([[100, 2], [300, 0.5]]))
    >>> batch.payoffs.shape, batch.company_value.shape
    ((2, 4, 2, 2, 2, 2), (2, 2, 2, 2, 2))
    >>> bool(np.allclose(batch.payoffs[0], inc.build_game(org).float_payoffs()))
    True
    """
    names = check_quantities(org, names)
    refuse_continuous(org)
    budget = budget if budget is not None else SizeBudget()
    shape = tuple(len(d.actions) for d in org.departments)
    budget.check(shape, arrays=_arrays(org), task="evaluating the model")
    return CompiledModel(organization=org, names=names, budget=budget)
