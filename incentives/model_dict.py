"""Plain data (as read from YAML or JSON) to :class:`~incentives.model.Organization` and back.

Part of the model layer: :meth:`Organization.from_dict` and :meth:`Organization.to_dict`
are these functions, and :mod:`incentives.readwrite.model_file` adds only the file I/O
(YAML and JSON text, and the line of every field path).  Every value is checked where
it enters, and every problem is collected with its field path (and line, when the
caller knows the lines) so that one :class:`~incentives.errors.ModelError` lists all
the mistakes of a model at once: the problems of each value first, then those of how
the parts refer to each other, which :class:`~incentives.model.Organization` finds when
it is built.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import sympy

from .errors import FormulaError, ModelError, Problem
from .formula import formula_to_text, parse_formula
from .model import COMPANY_VALUE, TOP_LEVEL_KEYS, Action, Bounds, Department, Organization, RepeatedPlay

__all__ = ["organization_from_dict", "organization_to_dict"]


class _Collector:
    """Collects problems, attaching the line of each field path where it is known."""

    def __init__(self, lines: Mapping[str, int] | None) -> None:
        self.lines = lines or {}
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path=path, message=message, line=self.line(path)))

    def line(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path.rpartition(".")[0]
        return None

    def mapping(self, value: Any, path: str, what: str) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.add(path, f"expected {what} (a mapping of names to values); got {_kind(value)}")
            return {}
        bad = [k for k in value if not isinstance(k, str)]
        for key in bad:
            self.add(f"{path}.{key}", f"names must be text; got {_kind(key)} {key!r}")
        return {k: v for k, v in value.items() if isinstance(k, str)}

    def formula(self, value: Any, path: str, *, number_only: bool = False) -> sympy.Expr:
        if isinstance(value, bool) or value is None or not isinstance(value, (int, float, str)):
            expected = "a number" if number_only else "a number or a formula"
            self.add(path, f"expected {expected}; got {_kind(value)}")
            return sympy.Integer(0)
        if number_only and isinstance(value, str):
            try:
                expr = parse_formula(value, names=())
            except FormulaError:
                self.add(path, f"expected a number; got the text {value!r}")
                return sympy.Integer(0)
            return expr
        try:
            return parse_formula(value)
        except FormulaError as err:
            self.add(path, str(err))
            return sympy.Integer(0)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )


def organization_from_dict(
    data: Any, *, source: str | None = None, lines: Mapping[str, int] | None = None
) -> Organization:
    """Build and validate an :class:`Organization` from plain data.

    Parameters
    ----------
    data : mapping
        The model: keys ``name``, ``description``, ``parameters``, ``departments``,
        ``kpis``, ``company_value``, ``bonus``, ``costs``, ``events``, ``repeated``.
    source : str or None
        File name for error messages.
    lines : mapping of str to int, optional
        Line of each field path in the source file.

    Raises
    ------
    ModelError
        Listing every problem found.
    """
    out = _Collector(lines)
    if not isinstance(data, Mapping):
        raise ModelError(
            [
                Problem(
                    path="",
                    message=f"a model must be a mapping of the top-level keys "
                    f"{list(TOP_LEVEL_KEYS)}; got {_kind(data)}",
                )
            ],
            source=source,
        )
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            close = difflib.get_close_matches(str(key), TOP_LEVEL_KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            out.add(str(key), f"unknown top-level key{hint}; expected one of {list(TOP_LEVEL_KEYS)}")
    for key in ("departments", "company_value"):
        if key not in data:
            out.add(key, "required key is missing")
    action_costs, cost_formulas = _costs(data.get("costs"), out)
    parts = {
        "name": _text(data.get("name", "Untitled organisation"), "name", out),
        "description": _text(data.get("description", ""), "description", out),
        "parameters": _numbers(data.get("parameters"), "parameters", out),
        "departments": _with_cost_formulas(_departments(data.get("departments"), out), cost_formulas, out),
        "kpis": _formulas(data.get("kpis"), "kpis", out, "KPI formulas"),
        "company_value": out.formula(data.get("company_value", 0), "company_value"),
        "bonus": _nested_formulas(data.get("bonus"), "bonus", out, "bonus plans"),
        "costs": action_costs,
        "events": _nested_formulas(data.get("events"), "events", out, "events", number_only=True),
        "repeated": _repeated(data.get("repeated"), out) if "repeated" in data else None,
    }
    try:
        org = Organization(**parts)  # checks how the parts refer to each other (once)
    except ModelError as err:
        for problem in err.problems:
            out.add(problem.path, problem.message)
    if out.problems:
        raise ModelError(_unique(out.problems), source=source)
    return org


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _text(value: Any, path: str, out: _Collector) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        out.add(path, f"expected text; got {_kind(value)}")
        return ""
    return value


def _numbers(value: Any, path: str, out: _Collector) -> dict[str, sympy.Expr]:
    items = out.mapping(value, path, "parameters")
    return {k: out.formula(v, f"{path}.{k}", number_only=True) for k, v in items.items()}


def _formulas(value: Any, path: str, out: _Collector, what: str) -> dict[str, sympy.Expr]:
    items = out.mapping(value, path, what)
    return {k: out.formula(v, f"{path}.{k}") for k, v in items.items()}


def _nested_formulas(
    value: Any, path: str, out: _Collector, what: str, *, number_only: bool = False
) -> dict[str, dict[str, sympy.Expr]]:
    items = out.mapping(value, path, what)
    result = {}
    for key, inner in items.items():
        entries = out.mapping(inner, f"{path}.{key}", what)
        result[key] = {k: out.formula(v, f"{path}.{key}.{k}", number_only=number_only) for k, v in entries.items()}
    return result


def _costs(value: Any, out: _Collector) -> tuple[dict[str, dict[str, sympy.Expr]], dict[str, sympy.Expr]]:
    """Action costs (a mapping per department) and cost formulas (one per continuous department)."""
    items = out.mapping(value, "costs", "costs")
    formulas = {k: out.formula(v, f"costs.{k}") for k, v in items.items() if not isinstance(v, (Mapping, type(None)))}
    mappings = {k: v for k, v in items.items() if k not in formulas}
    return _nested_formulas(mappings, "costs", out, "action costs"), formulas


def _with_cost_formulas(
    depts: tuple[Department, ...], formulas: Mapping[str, sympy.Expr], out: _Collector
) -> tuple[Department, ...]:
    by_name = {d.name: d for d in depts}
    for name, formula in formulas.items():
        if name not in by_name:
            hint = difflib.get_close_matches(name, list(by_name), n=1)
            out.add(f"costs.{name}", f"unknown department {name!r}" + (f" (did you mean {hint[0]!r}?)" if hint else ""))
        elif not by_name[name].is_continuous:
            out.add(
                f"costs.{name}",
                f"{name!r} chooses among actions: give each action's cost as a mapping "
                "(a single cost formula is for a department with continuous variables)",
            )
        else:
            by_name[name] = replace(by_name[name], cost=formula)
    return tuple(by_name.values())


_DEPARTMENT_KEYS = ("actions", "variables", "description", "risk_premium")


def _departments(value: Any, out: _Collector) -> tuple[Department, ...]:
    items = out.mapping(value, "departments", "departments")
    depts = []
    for name, spec in items.items():
        path = f"departments.{name}"
        if isinstance(spec, Mapping) and "actions" not in spec and "variables" not in spec:
            out.add(
                path,
                "a department needs an 'actions' key listing its actions "
                "(or a 'variables' key with its continuous decision variables and their bounds)",
            )
            continue
        spec = out.mapping(spec, path, "a department with 'actions'")
        for key in spec:
            if key not in _DEPARTMENT_KEYS:
                out.add(
                    f"{path}.{key}",
                    "unknown key; a department has 'actions' (or 'variables', and then optionally "
                    "'risk_premium') and optionally 'description'",
                )
        if "risk_premium" in spec and "variables" not in spec:
            out.add(f"{path}.risk_premium", "a risk premium is for a department with continuous 'variables'")
        depts.append(
            Department(
                name=name,
                actions=_actions(spec.get("actions"), f"{path}.actions", out) if "actions" in spec else (),
                description=_text(spec.get("description", ""), f"{path}.description", out),
                continuous=_variables(spec.get("variables"), f"{path}.variables", out),
                risk_premium=out.formula(spec.get("risk_premium", 0), f"{path}.risk_premium"),
            )
        )
    return tuple(depts)


def _variables(value: Any, path: str, out: _Collector) -> dict[str, Bounds]:
    variables = {}
    if value is not None and not value:
        out.add(path, "expected at least one continuous variable, e.g. {effort: {lower: 0}}")
    for name, spec in out.mapping(value, path, "continuous variables").items():
        ends = out.mapping(spec, f"{path}.{name}", "bounds (lower and upper)")
        for key in ends:
            if key not in ("lower", "upper"):
                out.add(f"{path}.{name}.{key}", "unknown key; a variable's bounds are 'lower' and 'upper'")
        bounds = {k: out.formula(ends[k], f"{path}.{name}.{k}") for k in ("lower", "upper") if k in ends}
        variables[name] = Bounds(**bounds)
    return variables


def _actions(value: Any, path: str, out: _Collector) -> tuple[Action, ...]:
    if isinstance(value, list):
        names = [v for v in value if isinstance(v, str)]
        if len(names) != len(value):
            out.add(path, "a list of actions must hold action names (text)")
        return tuple(Action(name=n) for n in names)
    actions = []
    for name, point in out.mapping(value, path, "actions").items():
        values = out.mapping(point, f"{path}.{name}", "decision variables of the action")
        actions.append(Action(name=name, values={k: out.formula(v, f"{path}.{name}.{k}") for k, v in values.items()}))
    return tuple(actions)


def organization_to_dict(org: Organization) -> dict[str, Any]:
    """Plain data for ``org``: numbers stay numbers, formulas become text in the model grammar."""
    data: dict[str, Any] = {"name": org.name}
    if org.description:
        data["description"] = org.description
    if org.parameters:
        data["parameters"] = {k: _plain(v) for k, v in org.parameters.items()}
    data["departments"] = {d.name: _department_to_dict(d) for d in org.departments}
    data["kpis"] = {k: _plain(v) for k, v in org.kpis.items()}
    data[COMPANY_VALUE] = _plain(org.company_value)
    data["bonus"] = {d: {k: _plain(v) for k, v in w.items()} for d, w in org.bonus.items()}
    costs: dict[str, Any] = {d: {k: _plain(v) for k, v in c.items()} for d, c in org.costs.items()}
    costs.update({d.name: _plain(d.cost) for d in org.departments if d.cost != 0})
    if costs:
        data["costs"] = costs
    if org.events:
        data["events"] = {e: {k: _plain(v) for k, v in c.items()} for e, c in org.events.items()}
    if org.repeated is not None:
        data["repeated"] = _repeated_to_dict(org.repeated)
    return data


def _department_to_dict(dept: Department) -> dict[str, Any]:
    data: dict[str, Any] = {"description": dept.description} if dept.description else {}
    if dept.actions or not dept.continuous:
        data["actions"] = {a.name: {k: _plain(v) for k, v in a.values.items()} for a in dept.actions}
    if dept.continuous:
        data["variables"] = {
            name: {k: _plain(v) for k, v in (("lower", b.lower), ("upper", b.upper)) if v is not None}
            for name, b in dept.continuous.items()
        }
    if dept.risk_premium != 0:
        data["risk_premium"] = _plain(dept.risk_premium)
    return data


_REPEATED_KEYS = ("discount", "monitoring")


def _repeated(value: Any, out: _Collector) -> RepeatedPlay:
    """The ``repeated`` section: ``discount`` and ``monitoring`` (one rate, or one per department)."""
    items = out.mapping(value, "repeated", "the defaults of repeated play")
    for key in items:
        if key not in _REPEATED_KEYS:
            out.add(
                f"repeated.{key}",
                "unknown key; repeated play has 'discount' (the discount factor) and 'monitoring' (the "
                "probability that a deviation is seen, one for all or one per department)",
            )
    discount = out.formula(items["discount"], "repeated.discount") if "discount" in items else None
    monitoring: sympy.Expr | dict[str, sympy.Expr] | None = None
    if isinstance(items.get("monitoring"), Mapping):
        rates = out.mapping(items["monitoring"], "repeated.monitoring", "detection probabilities")
        monitoring = {k: out.formula(v, f"repeated.monitoring.{k}") for k, v in rates.items()}
    elif "monitoring" in items:
        monitoring = out.formula(items["monitoring"], "repeated.monitoring")
    return RepeatedPlay(discount=discount, monitoring=monitoring)


def _repeated_to_dict(play: RepeatedPlay) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if play.discount is not None:
        data["discount"] = _plain(play.discount)
    if isinstance(play.monitoring, Mapping):
        data["monitoring"] = {k: _plain(v) for k, v in play.monitoring.items()}
    elif play.monitoring is not None:
        data["monitoring"] = _plain(play.monitoring)
    return data


def _plain(expr: sympy.Expr) -> int | float | str:
    if expr.is_Integer:
        return int(expr)
    if expr.is_Rational:
        as_float = float(expr)
        return as_float if sympy.Rational(repr(as_float)) == expr else formula_to_text(expr)
    return formula_to_text(expr)
