"""The organisation model: departments, their actions, KPIs, company value and bonus plans.

Definitions
-----------
An :class:`Organization` has

* **parameters**: named numbers a workshop can vary (``deal_value: 10``);
* **departments** (the players), each with named **actions**; an action is a
  point in the department's decision variables (``aggressive: {deals: 7, fit: 0.5}``),
  referred to in formulas as ``department.variable`` (``sales.deals``);
* **KPIs**: named formulas over decision variables, parameters and other KPIs;
* **company value**: a formula for what the company as a whole gets;
* **bonus plans**: for each department, a weight on each KPI it is paid on; a
  weight on ``company_value`` is a share of company value; weights may be
  formulas over parameters;
* **costs**: optional private cost of each action to its department;
* **continuous decision variables**: a department may instead choose numbers
  within bounds (``variables: {effort: {lower: 0}}``, see :class:`Bounds`); its
  cost is then one formula over its own variables (``c/2 * agent.effort**2``),
  and it may carry a **risk premium** (a CARA certainty-equivalent term such as
  ``r/2 * beta**2 * sigma**2``).  Such a department has no actions: solve the
  model with :mod:`incentives.continuous`, or discretise it into actions;
* **events**: named parameter changes (``big_contract: {market_size: 3}``) that
  the perspectives analysis plays out;
* **repeated play** (optional, :class:`RepeatedPlay`): how the departments meet again,
  the discount factor and the probability that a deviation is seen, as numbers or
  formulas of parameters and KPIs; the defaults of :func:`incentives.repeated` and of
  the commands that play the game again and again.

Department ``d``'s payoff at a profile of actions is

    ``sum_k bonus[d][k] * kpi_k + bonus[d]["company_value"] * company_value - cost_d(action of d)``,

and for a department with continuous variables the cost of its action is
``cost_d(its variables) + risk_premium_d``.

Objects here are frozen and validated when built; :meth:`Organization.from_dict`
turns plain data (as read from a YAML or JSON model file) into one, reporting
every problem it finds at once in a :class:`~incentives.errors.ModelError`.
"""

from __future__ import annotations

import graphlib
import heapq
import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy

from ._util import frozen_map
from .errors import ModelError, Problem
from .formula import ALLOWED_FUNCTIONS, formula_names, parse_formula, symbol
from .formula_bounds import formula_bound_problems

__all__ = [
    "COMPANY_VALUE",
    "MAX_NAME_LENGTH",
    "TOP_LEVEL_KEYS",
    "Action",
    "Bounds",
    "Department",
    "Organization",
    "RepeatedPlay",
    "name_problem",
]

#: The bonus-plan key that pays a department a share of company value.
COMPANY_VALUE = "company_value"

#: Keys a model file may have at its top level.
TOP_LEVEL_KEYS = (
    "name",
    "description",
    "parameters",
    "departments",
    "kpis",
    "company_value",
    "bonus",
    "costs",
    "events",
    "repeated",
)

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Longest name of a department, action, variable, parameter, KPI or event.
MAX_NAME_LENGTH = 100


@dataclass(frozen=True, kw_only=True)
class Action:
    """A named action: a point in its department's decision variables.

    Parameters
    ----------
    name : str
        The action's name, e.g. ``"aggressive"``.
    values : mapping of str to sympy.Expr
        Value of each decision variable (numbers, or formulas over parameters).
    """

    name: str
    values: Mapping[str, sympy.Expr] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", frozen_map(self.values))


_ZERO = sympy.Integer(0)


def _bound(value: Any) -> sympy.Expr | None:
    if value is None or isinstance(value, sympy.Basic):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"a bound must be a number, a formula or None; got {type(value).__name__}")
    return parse_formula(value, field="bound")


@dataclass(frozen=True, kw_only=True)
class Bounds:
    """Bounds of a continuous decision variable: ``lower <= value <= upper``.

    Parameters
    ----------
    lower, upper : sympy.Expr, number, formula text or None
        Numbers or formulas over parameters; None (the default) leaves that side unbounded.

    Examples
    --------
    >>> Bounds(lower=0, upper="capacity")
    Bounds(lower=0, upper=capacity)
    """

    lower: sympy.Expr | None = None
    upper: sympy.Expr | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "lower", _bound(self.lower))
        object.__setattr__(self, "upper", _bound(self.upper))


@dataclass(frozen=True, kw_only=True)
class Department:
    """A department (a player) and the actions it chooses among, or its continuous variables.

    Parameters
    ----------
    name : str
        The department's name, e.g. ``"sales"``.
    actions : tuple of Action
        Its actions, in the order they appear in the game (empty for a continuous department).
    description : str
        Free text for reports.
    continuous : mapping of str to Bounds
        Continuous decision variables (``effort``) and their bounds, for a department
        that chooses numbers instead of actions.
    cost : sympy.Expr
        Private cost of a continuous department's choice: a formula over its own
        variables (``agent.effort``) and parameters.
    risk_premium : sympy.Expr
        Risk premium subtracted from a continuous department's payoff (for a CARA
        certainty equivalent, ``r/2 * Var(pay)``): a formula over parameters and its
        own variables.
    """

    name: str
    actions: tuple[Action, ...] = ()
    description: str = ""
    continuous: Mapping[str, Bounds] = field(default_factory=dict)
    cost: sympy.Expr = _ZERO
    risk_premium: sympy.Expr = _ZERO

    def __post_init__(self) -> None:
        object.__setattr__(self, "actions", tuple(self.actions))
        object.__setattr__(self, "continuous", frozen_map(self.continuous))
        for name in ("cost", "risk_premium"):
            value = getattr(self, name)
            if not isinstance(value, sympy.Basic):
                object.__setattr__(self, name, parse_formula(value, field=f"departments.{self.name}.{name}"))

    @property
    def is_continuous(self) -> bool:
        """Whether the department chooses continuous variables (and has no actions)."""
        return bool(self.continuous)

    @property
    def action_names(self) -> tuple[str, ...]:
        """Names of the actions, in game order."""
        return tuple(a.name for a in self.actions)

    @property
    def variables(self) -> tuple[str, ...]:
        """Decision variables set by the actions (or the continuous variables), in first-seen order."""
        seen: dict[str, None] = {}
        for action in self.actions:
            seen.update(dict.fromkeys(action.values))
        seen.update(dict.fromkeys(self.continuous))
        return tuple(seen)


@dataclass(frozen=True, kw_only=True)
class RepeatedPlay:
    """How the departments meet again: the defaults of repeated play (a model file's ``repeated`` section).

    Parameters
    ----------
    discount : sympy.Expr or None
        The discount factor ``0 <= delta < 1`` (next period's weight): a number, or a
        formula of parameters and KPIs (KPIs taken at the target profile).
    monitoring : sympy.Expr, mapping of str to sympy.Expr, or None
        The probability ``0 <= p <= 1`` that a department's deviation is seen in the period
        it happens: one for every department, or per department (missing ones: 1).

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/keeping_close.yaml")
    >>> org.repeated.discount
    quarterly_discount/(headcount/regroup_scale + 1)
    """

    discount: sympy.Expr | None = None
    monitoring: sympy.Expr | Mapping[str, sympy.Expr] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.monitoring, Mapping):
            object.__setattr__(self, "monitoring", frozen_map(self.monitoring))

    def formulas(self) -> dict[str, sympy.Expr]:
        """Every formula of the section by its field path (``repeated.monitoring.sales``)."""
        out = {} if self.discount is None else {"repeated.discount": self.discount}
        if isinstance(self.monitoring, Mapping):
            out.update({f"repeated.monitoring.{d}": e for d, e in self.monitoring.items()})
        elif self.monitoring is not None:
            out["repeated.monitoring"] = self.monitoring
        return out


@dataclass(frozen=True, kw_only=True)
class Organization:
    """An organisation whose departments are paid on KPIs: the model everything starts from.

    Build one with :meth:`from_dict` (plain data, as in a model file) or
    :func:`incentives.load_model`; the constructor takes parsed objects and
    validates how they refer to each other.

    Parameters
    ----------
    name : str
    description : str
    parameters : mapping of str to sympy.Expr
        Parameter values (numbers).
    departments : tuple of Department
    kpis : mapping of str to sympy.Expr
        KPI formulas, in the order given.
    company_value : sympy.Expr
    bonus : mapping of str to mapping of str to sympy.Expr
        For each department, weight of each KPI (or ``company_value``) it is paid on.
    costs : mapping of str to mapping of str to sympy.Expr
        For each department, the private cost of each of its actions (missing: 0).
    events : mapping of str to mapping of str to sympy.Expr
        Named sets of parameter changes.
    repeated : RepeatedPlay or None
        The defaults of repeated play: discount factor and detection probability.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.Organization.from_dict({
    ...     "name": "Two departments",
    ...     "parameters": {"price": 10},
    ...     "departments": {
    ...         "sales": {"actions": {"careful": {"deals": 2}, "pushy": {"deals": 4}}},
    ...         "support": {"actions": {"thorough": {"speed": 1}, "fast": {"speed": 2}}},
    ...     },
    ...     "kpis": {"revenue": "price * sales.deals", "tickets": "sales.deals * 3"},
    ...     "company_value": "revenue - tickets * (3 - support.speed)",
    ...     "bonus": {"sales": {"revenue": 0.1}, "support": {"company_value": 0.05}},
    ... })
    >>> org.department_names
    ('sales', 'support')
    >>> str(org.payoff_formula("sales"))
    'price*sales.deals/10'
    """

    name: str
    departments: tuple[Department, ...]
    kpis: Mapping[str, sympy.Expr]
    company_value: sympy.Expr
    bonus: Mapping[str, Mapping[str, sympy.Expr]]
    parameters: Mapping[str, sympy.Expr] = field(default_factory=dict)
    costs: Mapping[str, Mapping[str, sympy.Expr]] = field(default_factory=dict)
    events: Mapping[str, Mapping[str, sympy.Expr]] = field(default_factory=dict)
    description: str = ""
    repeated: RepeatedPlay | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "departments", tuple(self.departments))
        for name in ("parameters", "kpis"):
            object.__setattr__(self, name, frozen_map(getattr(self, name)))
        for name in ("bonus", "costs", "events"):
            nested = {k: frozen_map(v) for k, v in getattr(self, name).items()}
            object.__setattr__(self, name, frozen_map(nested))
        problems = check_references(self)
        if problems:
            raise ModelError(problems)

    # -- factories --------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> Organization:
        """Build an organisation from plain data, as read from a model file.

        Every problem found is reported together in one :class:`~incentives.errors.ModelError`.
        """
        from .model_dict import organization_from_dict

        return organization_from_dict(data, source=source)

    def to_dict(self) -> dict[str, Any]:
        """Plain data that :meth:`from_dict` reads back into an equal organisation."""
        from .model_dict import organization_to_dict

        return organization_to_dict(self)

    # -- views ----------------------------------------------------------------------------
    @property
    def department_names(self) -> tuple[str, ...]:
        """Department names, in player order."""
        return tuple(d.name for d in self.departments)

    def department(self, name: str) -> Department:
        """The department called ``name``."""
        for dept in self.departments:
            if dept.name == name:
                return dept
        raise KeyError(f"unknown department {name!r}; the departments are {list(self.department_names)}")

    def resolved_kpis(self) -> dict[str, sympy.Expr]:
        """Each KPI as a formula over decision variables and parameters only (KPIs substituted)."""
        resolved: dict[str, sympy.Expr] = {}
        for kpi in kpi_order(self.kpis):
            resolved[kpi] = self.kpis[kpi].xreplace({symbol(k): v for k, v in resolved.items()})
        return resolved

    def resolved_company_value(self) -> sympy.Expr:
        """Company value over decision variables and parameters only."""
        return self.company_value.xreplace({symbol(k): v for k, v in self.resolved_kpis().items()})

    def payoff_terms(self, department: str) -> dict[str, sympy.Expr]:
        """Department's bonus as ``{kpi: weight * kpi formula}``, KPIs resolved (costs excluded)."""
        self.department(department)
        kpis = self.resolved_kpis()
        terms = {}
        for key, weight in self.bonus.get(department, {}).items():
            value = self.resolved_company_value() if key == COMPANY_VALUE else kpis[key]
            terms[key] = weight * value
        return terms

    def payoff_formula(self, department: str) -> sympy.Expr:
        """Department's bonus formula (sum of weight x KPI), before action costs."""
        return sympy.Add(*self.payoff_terms(department).values())

    def with_parameters(self, changes: Mapping[str, Any]) -> Organization:
        """A copy with some parameter values changed (unknown names are an error)."""
        from dataclasses import replace

        unknown = [k for k in changes if k not in self.parameters]
        if unknown:
            raise ModelError(
                [
                    Problem(
                        path=f"parameters.{k}",
                        message=f"unknown parameter; the parameters are {sorted(self.parameters)}",
                    )
                    for k in unknown
                ]
            )
        params = dict(self.parameters)
        for key, value in changes.items():
            if isinstance(value, sympy.Basic) and value.is_number:
                params[key] = value
            else:
                params[key] = parse_formula(value, names=(), field=f"parameters.{key}")
        return replace(self, parameters=params)


def kpi_order(kpis: Mapping[str, sympy.Expr]) -> list[str]:
    """KPI names in an order where each comes after the KPIs it uses.

    Raises
    ------
    ModelError
        If KPIs refer to each other in cycles: one problem for each group of KPIs
        that refer to each other, naming a cycle through it.

    Examples
    --------
    >>> from incentives.formula import parse_formula
    >>> kpi_order({"b": parse_formula("a + 1"), "a": parse_formula("2")})
    ['a', 'b']
    >>> kpi_order({k: parse_formula(f) for k, f in {"a": "b", "b": "a", "c": "d", "d": "c"}.items()})
    Traceback (most recent call last):
    ...
    incentives.errors.ModelError: 2 problems in the model:
      - kpis.a: KPIs refer to each other in a cycle: a -> b -> a
      - kpis.c: KPIs refer to each other in a cycle: c -> d -> c
    """
    position = {name: k for k, name in enumerate(kpis)}
    uses = {name: {used for used in formula_names(expr) if used in kpis} for name, expr in kpis.items()}
    sorter = graphlib.TopologicalSorter(uses)
    try:
        sorter.prepare()
    except graphlib.CycleError:
        raise ModelError(_cycles(uses)) from None
    ready: list[tuple[int, str]] = []
    out = []
    while sorter.is_active():  # the earliest KPI in the file among those whose KPIs are all placed
        for name in sorter.get_ready():
            heapq.heappush(ready, (position[name], name))
        out.append(heapq.heappop(ready)[1])
        sorter.done(out[-1])
    return out


def _cycles(uses: Mapping[str, set[str]]) -> list[Problem]:
    """One problem for each strongly connected group of KPIs (or KPI using itself), with a cycle through it."""
    import networkx as nx  # only for a model in error

    order = list(uses)
    graph = nx.DiGraph()
    graph.add_nodes_from(order)
    graph.add_edges_from((used, name) for name, used_by_name in uses.items() for used in used_by_name)
    problems = []
    groups = {min(group, key=order.index): group for group in nx.strongly_connected_components(graph)}
    for first in sorted(groups, key=order.index):
        group = groups[first]
        if len(group) == 1 and not graph.has_edge(first, first):
            continue
        cycle = [u for u, _ in nx.find_cycle(graph.subgraph(group), source=first)]
        loop = " -> ".join([*cycle, cycle[0]])
        problems.append(Problem(path=f"kpis.{cycle[0]}", message=f"KPIs refer to each other in a cycle: {loop}"))
    return problems


def check_references(org: Organization) -> list[Problem]:
    """Every problem with how the parts of an organisation refer to each other (``__post_init__`` runs it once)."""
    problems: list[Problem] = []
    problems += _check_names(org)
    problems += _check_actions(org)
    variables = {f"{d.name}.{v}" for d in org.departments for v in d.variables}
    params = set(org.parameters)
    kpis = set(org.kpis)
    problems += _check_formula_names(
        "kpis", org.kpis, variables | params | kpis, "a decision variable (department.variable), parameter or KPI"
    )
    try:
        kpi_order(org.kpis)
    except ModelError as err:
        problems += err.problems
    problems += _check_formula_names(
        "company_value",
        {"": org.company_value},
        variables | params | kpis,
        "a decision variable (department.variable), parameter or KPI",
    )
    problems += _check_bonus(org, params, kpis)
    problems += _check_costs(org, params)
    problems += _check_continuous(org, params)
    problems += _check_events(org)
    problems += _check_repeated(org)
    if not problems:  # every name resolves: bound what the formulas can compute
        problems += formula_bound_problems(org, kpi_order(org.kpis))
    return problems


def name_problem(name: object) -> str | None:
    """Why ``name`` cannot name a department, action, variable, parameter, KPI or event; None if it can.

    A name is a word of letters, digits and ``_`` not starting with a digit (so that
    formulas can use it), at most :data:`MAX_NAME_LENGTH` characters long, and not a
    reserved word of the formula language: a Python keyword (``lambda``, ``None``,
    ``True``, ``import``, ...), a function name (``exp``, ``where``, ...),
    ``company_value``, or a name starting with ``__``.

    Examples
    --------
    >>> name_problem("deal_value") is None
    True
    >>> name_problem("lambda")
    "'lambda' is a reserved word of the formula language (a Python keyword); choose another name"
    >>> name_problem("1x")
    "'1x' is not a valid name: use letters, digits and _, not starting with a digit"
    """
    if not isinstance(name, str):
        return f"a name must be text; got {type(name).__name__} {name!r}"
    if not name:
        return "a name must not be empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"a name of {len(name):,} characters; names are limited to {MAX_NAME_LENGTH}"
    if not _NAME.fullmatch(name):
        return f"{name!r} is not a valid name: use letters, digits and _, not starting with a digit"
    if keyword.iskeyword(name):
        return f"{name!r} is a reserved word of the formula language (a Python keyword); choose another name"
    if name in ALLOWED_FUNCTIONS:
        return f"{name!r} is a function of the formula language; choose another name"
    if name == COMPANY_VALUE:
        return f"{name!r} is reserved for the share of company value in a bonus plan; choose another name"
    if name.startswith("__"):
        return f"{name!r}: names starting with '__' are reserved; choose another name"
    return None


def _named_parts(org: Organization) -> list[tuple[str, str]]:
    """Every name the model defines below its top level, with its field path."""
    parts = []
    for dept in org.departments:
        path = f"departments.{dept.name}"
        parts += [(f"{path}.actions.{a.name}", a.name) for a in dept.actions]
        setters = {var: a.name for a in reversed(dept.actions) for var in a.values}
        parts += [(f"{path}.actions.{setters[var]}.{var}", var) for var in dept.variables if var in setters]
        parts += [(f"{path}.variables.{var}", var) for var in dept.continuous]
    parts += [(f"events.{event}", event) for event in org.events]
    return parts


def _check_names(org: Organization) -> list[Problem]:
    problems = []
    owners: dict[str, str] = {}
    groups = [
        ("departments", tuple(d.name for d in org.departments)),
        ("parameters", tuple(org.parameters)),
        ("kpis", tuple(org.kpis)),
    ]
    for group, names in groups:
        for name in names:
            path = f"{group}.{name}"
            problem = name_problem(name)
            if problem is not None:
                problems.append(Problem(path=path, message=problem))
            elif name in owners:
                problems.append(Problem(path=path, message=f"the name {name!r} is already used in {owners[name]}"))
            else:
                owners[name] = group
    for path, name in _named_parts(org):
        problem = name_problem(name)
        if problem is not None:
            problems.append(Problem(path=path, message=problem))
    if not org.departments:
        problems.append(Problem(path="departments", message="an organisation needs at least one department"))
    return problems


def _check_actions(org: Organization) -> list[Problem]:
    problems = []
    for dept in org.departments:
        path = f"departments.{dept.name}.actions"
        if not dept.actions and not dept.continuous:
            problems.append(
                Problem(path=path, message="a department needs at least one action (or continuous 'variables')")
            )
        if dept.actions and dept.continuous:
            problems.append(
                Problem(
                    path=f"departments.{dept.name}",
                    message="a department has either actions or continuous 'variables', not both; "
                    "split the choice over two departments",
                )
            )
        names = dept.action_names
        problems += [Problem(path=f"{path}.{n}", message="duplicate action name") for n in _duplicates(names)]
        variables = dept.variables
        for action in dept.actions:
            for var in variables:
                if var not in action.values:
                    problems.append(
                        Problem(
                            path=f"{path}.{action.name}",
                            message=f"missing decision variable {var!r}, which other actions of "
                            f"{dept.name!r} set; every action must set the same variables",
                        )
                    )
            problems += _check_formula_names(f"{path}.{action.name}", action.values, set(org.parameters), "a parameter")
    return problems


def _duplicates(names: tuple[str, ...]) -> list[str]:
    seen: set[str] = set()
    return [n for n in names if n in seen or seen.add(n)]  # type: ignore[func-returns-value]


def _check_formula_names(
    path: str, formulas: Mapping[str, sympy.Expr], allowed: set[str], expected: str
) -> list[Problem]:
    problems = []
    for key, expr in formulas.items():
        for name in sorted(formula_names(expr) - allowed):
            where = f"{path}.{key}" if key else path
            problems.append(
                Problem(path=where, message=f"unknown name {name!r}{_suggest(name, allowed)}; expected {expected}")
            )
    return problems


def _suggest(name: str, allowed: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(allowed), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_bonus(org: Organization, params: set[str], kpis: set[str]) -> list[Problem]:
    problems = []
    depts = {d.name for d in org.departments}
    for dept, weights in org.bonus.items():
        if dept not in depts:
            problems.append(
                Problem(
                    path=f"bonus.{dept}",
                    message=f"unknown department {dept!r}{_suggest(dept, depts)}; the departments are {sorted(depts)}",
                )
            )
        variables = {v: d.name for d in org.departments for v in d.variables}
        for key in weights:
            if key not in kpis and key != COMPANY_VALUE:
                owner = variables.get(key)
                hint = (
                    f"; {key!r} is a decision variable of {owner}, not a KPI: to pay on it, define a KPI "
                    f"(under kpis, {key}: {owner}.{key}) and pay on that"
                    if owner is not None
                    else _suggest(key, kpis)
                )
                problems.append(
                    Problem(
                        path=f"bonus.{dept}.{key}",
                        message=f"bonus on a KPI that does not exist{hint}; expected one of the KPIs "
                        f"{sorted(kpis)} or '{COMPANY_VALUE}'",
                    )
                )
        problems += _check_formula_names(f"bonus.{dept}", weights, params, "a parameter")
    return problems


def _check_costs(org: Organization, params: set[str]) -> list[Problem]:
    problems = []
    depts = {d.name: d for d in org.departments}
    for dept, costs in org.costs.items():
        if dept not in depts:
            problems.append(
                Problem(path=f"costs.{dept}", message=f"unknown department {dept!r}{_suggest(dept, set(depts))}")
            )
            continue
        if depts[dept].is_continuous and costs:
            problems.append(
                Problem(
                    path=f"costs.{dept}",
                    message=f"{dept!r} has continuous variables, not actions: its cost is one formula over "
                    f"them, e.g. 'c/2 * {dept}.{next(iter(depts[dept].continuous))}**2'",
                )
            )
            continue
        actions = set(depts[dept].action_names)
        for action in costs:
            if action not in actions:
                problems.append(
                    Problem(
                        path=f"costs.{dept}.{action}",
                        message=f"unknown action {action!r} of "
                        f"{dept!r}{_suggest(action, actions)}; its actions are {sorted(actions)}",
                    )
                )
        problems += _check_formula_names(f"costs.{dept}", costs, params, "a parameter")
    return problems


def _check_continuous(org: Organization, params: set[str]) -> list[Problem]:
    problems = []
    for dept in org.departments:
        path = f"departments.{dept.name}.variables"
        for var, bounds in dept.continuous.items():
            if not isinstance(bounds, Bounds):
                problems.append(Problem(path=f"{path}.{var}", message="expected Bounds(lower=..., upper=...)"))
                continue
            ends = {k: v for k, v in (("lower", bounds.lower), ("upper", bounds.upper)) if v is not None}
            problems += _check_formula_names(f"{path}.{var}", ends, params, "a parameter")
            lower, upper = bounds.lower, bounds.upper
            if lower is not None and upper is not None and lower.is_number and upper.is_number and lower > upper:
                problems.append(
                    Problem(path=f"{path}.{var}", message=f"lower bound {lower} is above upper bound {upper}")
                )
        own = params | {f"{dept.name}.{v}" for v in dept.continuous}
        for name, expr, where in (("cost", dept.cost, f"costs.{dept.name}"), ("risk_premium", dept.risk_premium, "")):
            if expr == 0:
                continue
            where = where or f"departments.{dept.name}.risk_premium"
            if not dept.continuous:
                problems.append(
                    Problem(
                        path=where,
                        message=f"a {name.replace('_', ' ')} formula is for a department with continuous variables; "
                        f"{dept.name!r} has actions" + (": give each action's cost" if name == "cost" else ""),
                    )
                )
            else:
                problems += _check_formula_names(where, {"": expr}, own, "a parameter or one of its own variables")
    return problems


def _check_events(org: Organization) -> list[Problem]:
    problems = []
    for event, changes in org.events.items():
        for param in changes:
            if param not in org.parameters:
                problems.append(
                    Problem(
                        path=f"events.{event}.{param}",
                        message=f"unknown parameter {param!r}"
                        f"{_suggest(param, set(org.parameters))}; an event changes parameters",
                    )
                )
        problems += _check_formula_names(f"events.{event}", changes, set(), "a number")
    return problems


def _check_repeated(org: Organization) -> list[Problem]:
    """Repeated play: formulas of parameters and KPIs, departments that exist, numbers in range."""
    play = org.repeated
    if play is None:
        return []
    problems = []
    depts = set(org.department_names)
    if isinstance(play.monitoring, Mapping):
        for dept in play.monitoring:
            if dept not in depts:
                problems.append(
                    Problem(
                        path=f"repeated.monitoring.{dept}",
                        message=f"unknown department {dept!r}{_suggest(dept, depts)}; the departments are "
                        f"{sorted(depts)}",
                    )
                )
    allowed = set(org.parameters) | set(org.kpis)
    for path, expr in play.formulas().items():
        problems += _check_formula_names(path, {"": expr}, allowed, "a parameter or KPI")
        if expr.is_number:
            discount = path == "repeated.discount"
            if bool(expr < 0) or bool(expr > 1) or (discount and bool(expr == 1)):
                what = "a discount factor in [0, 1)" if discount else "a probability in [0, 1]"
                problems.append(Problem(path=path, message=f"expected {what}; got {float(expr):g}"))
    return problems
