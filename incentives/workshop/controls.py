"""The controls of the workshop page: a slider for every bonus weight and parameter, a toggle for every term.

A model gives three kinds of control, each named by its quantity (see :mod:`incentives.quantities`):

* ``"weight"``: the weight of a KPI in a department's bonus plan (``bonus.DEPARTMENT.KPI``);
* ``"share"``: a department's share of company value (``bonus.DEPARTMENT.company_value``), one for
  every department, at 0 where the model gives none;
* ``"parameter"``: a parameter of the model (``NAME``).

Every term of a plan (a weight, or a share the plan pays) also has a toggle: switched off, the term
is dropped from the plan (via negativa: remove what pays for gaming before adding anything).

The room's choices are :class:`Settings`: the quantities set to other values than the model's, and
the terms dropped.  :func:`apply_settings` turns a model and settings into the organisation they
describe, through :func:`incentives.quantities.with_values`, which checks every name and number as a
model file would be checked.  Settings are immutable and hashable, so results can be cached by them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from ..design.terms import Term
from ..errors import ModelError, Problem
from ..model import COMPANY_VALUE, Organization
from ..quantities import check_quantities, quantity_value, with_values

__all__ = [
    "Control",
    "ControlKind",
    "Settings",
    "apply_settings",
    "controls_of",
    "nice_step",
    "normalised",
    "plan_terms",
    "settings_for_plan",
]

ControlKind = Literal["weight", "share", "parameter"]

#: Slider positions between the ends of a slider's range (about; the step is rounded to 1, 2 or 5 times a power of ten).
SLIDER_STEPS = 100

#: The range of a share of company value that the model sets at 0.
SHARE_RANGE = (0.0, 0.2)


def nice_step(span: float, steps: int = SLIDER_STEPS) -> float:
    """A step of 1, 2 or 5 times a power of ten, close to ``span / steps``.

    Examples
    --------
    >>> nice_step(180), nice_step(20), nice_step(0.2)
    (2.0, 0.2, 0.002)
    """
    if not span > 0:
        return 1.0
    raw = span / steps
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power * 1.5:
            return float(f"{factor * power:.12g}")
    return float(f"{10 * power:.12g}")


@dataclass(frozen=True, kw_only=True)
class Control:
    """One slider (and number field) of the page.

    Parameters
    ----------
    name : str
        The quantity it sets: ``NAME``, ``bonus.DEPARTMENT.KPI`` or ``bonus.DEPARTMENT.company_value``.
    kind : {"weight", "share", "parameter"}
    department : str
        The department whose plan it changes ("" for a parameter).
    key : str
        The KPI, ``"company_value"``, or the parameter's name.
    value : float
        The model's own value.
    low, high, step : float
        The slider's range and step (the number field takes any finite number).
    formula : str
        A weight the model writes as a formula of parameters (such as ``support_weight``): it has no
        slider of its own, its parameter's slider moves it; "" otherwise.
    """

    name: str
    kind: ControlKind
    department: str
    key: str
    value: float
    low: float
    high: float
    step: float
    formula: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.value) and self.low <= self.high and self.step > 0):
            raise ValueError(f"control {self.name!r}: expected finite low <= high and step > 0")

    @property
    def term(self) -> Term | None:
        """The bonus term it weighs (None for a parameter)."""
        return None if self.kind == "parameter" else Term(self.department, self.key)

    @property
    def label(self) -> str:
        """What the page calls it."""
        return "share of company value" if self.kind == "share" else self.key


def _range(value: float, kind: ControlKind) -> tuple[float, float, float]:
    if kind == "share" and value == 0:
        low, high = SHARE_RANGE
    elif value == 0:
        low, high = -1.0, 1.0
    else:
        low, high = sorted((0.0, 2 * value))
    return low, high, nice_step(high - low)


def _control(org: Organization, name: str, kind: ControlKind, department: str, key: str) -> Control:
    value = float(quantity_value(org, name))
    formula = ""
    if kind != "parameter":
        written = org.bonus.get(department, {}).get(key)
        if written is not None and not written.is_number:
            formula = str(written)
    low, high, step = _range(value, kind)
    return Control(
        name=name, kind=kind, department=department, key=key, value=value, low=low, high=high, step=step,
        formula=formula,
    )  # fmt: skip


def plan_terms(org: Organization) -> tuple[Term, ...]:
    """Every term the bonus plans of ``org`` pay, department by department in the model's order.

    Examples
    --------
    >>> import incentives as inc
    >>> [str(t) for t in plan_terms(inc.load_model("examples/hospital.yaml"))]
    ['emergency:four_hour_wait', 'wards:bed_occupancy', 'surgery:procedures_done']
    """
    return tuple(Term(d, k) for d in org.department_names for k in org.bonus.get(d, {}))


def controls_of(org: Organization, extra: Iterable[str] = ()) -> tuple[Control, ...]:
    """The controls of a model: its plans' weights, a share of company value per department, its parameters.

    Parameters
    ----------
    org : Organization
    extra : iterable of str
        More weights to give a slider (``bonus.DEPARTMENT.KPI`` of a term the model's plans do not pay,
        such as one a designed plan added).

    Examples
    --------
    >>> import incentives as inc
    >>> controls = controls_of(inc.load_model("examples/hospital.yaml"))
    >>> for c in controls[:2]:
    ...     print(c.name, c.value, c.low, c.high, c.step)
    bonus.emergency.four_hour_wait -10.0 -20.0 0.0 0.2
    bonus.emergency.company_value 0.0 0.0 0.2 0.002
    >>> [c.name for c in controls if c.kind == "parameter"][:2]
    ['beds', 'winter_demand']
    """
    wanted = set(extra)
    out: list[Control] = []
    for dept in org.department_names:
        keys = [k for k in org.bonus.get(dept, {}) if k != COMPANY_VALUE]
        keys += [k for k in org.kpis if f"bonus.{dept}.{k}" in wanted and k not in keys]
        out += [_control(org, f"bonus.{dept}.{k}", "weight", dept, k) for k in keys]
        out.append(_control(org, f"bonus.{dept}.{COMPANY_VALUE}", "share", dept, COMPANY_VALUE))
    out += [_control(org, name, "parameter", "", name) for name in org.parameters]
    return tuple(out)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The room's choices: quantities set to other values, and terms dropped from the plans.

    Parameters
    ----------
    values : mapping of str to float
        Quantity name -> value (see :mod:`incentives.quantities`); the others keep the model's value.
    dropped : frozenset of Term
        The terms dropped from the plans.

    Examples
    --------
    >>> a = Settings(values={"beds": 80.0}, dropped=frozenset({Term("wards", "bed_occupancy")}))
    >>> a == Settings(values={"beds": 80}, dropped=frozenset({Term("wards", "bed_occupancy")})), hash(a) == hash(a)
    (True, True)
    >>> Settings().is_default
    True
    """

    values: Mapping[str, float] = field(default_factory=dict)
    dropped: frozenset[Term] = frozenset()

    def __post_init__(self) -> None:
        values = {str(k): float(v) for k, v in sorted(dict(self.values).items())}
        bad = [k for k, v in values.items() if not math.isfinite(v)]
        if bad:
            raise ModelError([Problem(path=k, message="expected a finite number") for k in bad])
        object.__setattr__(self, "values", _Frozen(values))
        object.__setattr__(self, "dropped", frozenset(Term(*t) for t in self.dropped))

    @property
    def is_default(self) -> bool:
        """Whether these settings leave the model as it is."""
        return not self.values and not self.dropped

    def __hash__(self) -> int:
        return hash((tuple(self.values.items()), self.dropped))

    def changes(self, org: Organization) -> list[str]:
        """The changes in words: ``bonus.emergency.company_value: 0 -> 0.1``, ``dropped wards:bed_occupancy``."""
        lines = [f"{name}: {float(quantity_value(org, name)):g} -> {value:g}" for name, value in self.values.items()]
        return lines + [f"dropped {term}" for term in sorted(self.dropped)]


class _Frozen(dict[str, float]):
    """A dict that cannot be changed, so :class:`Settings` stays immutable (it compares as a dict)."""

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("Settings are immutable: make new ones")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]


def normalised(org: Organization, values: Mapping[str, float], dropped: Iterable[Term]) -> Settings:
    """Settings that keep only what differs from ``org``: values other than the model's, terms it pays dropped.

    Raises
    ------
    ModelError
        If a name is not a quantity of ``org``, or a value is not a finite number.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/hospital.yaml")
    >>> normalised(org, {"beds": 90, "wait_harm": 12}, [Term("surgery", "procedures_done"), Term("wards", "x")])
    Settings(values={'wait_harm': 12.0}, dropped=frozenset({Term(department='surgery', kpi='procedures_done')}))
    """
    paid = set(plan_terms(org))
    changed = Settings(values=values)  # checks every number is finite
    check_quantities(org, changed.values)
    kept = {k: v for k, v in changed.values.items() if v != float(quantity_value(org, k))}
    return Settings(values=kept, dropped=frozenset(t for t in dropped if t in paid))


def apply_settings(org: Organization, settings: Settings) -> Organization:
    """The organisation ``settings`` describe: ``org`` with their values, without their dropped terms.

    Raises
    ------
    ModelError
        If a name is not a quantity of ``org``.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/hospital.yaml")
    >>> changed = apply_settings(org, Settings(values={"bonus.emergency.company_value": 0.1},
    ...                                        dropped={Term("wards", "bed_occupancy")}))
    >>> dict(changed.bonus["emergency"]), dict(changed.bonus["wards"])
    ({'four_hour_wait': -10, 'company_value': 1/10}, {})
    """
    if settings.values:
        org = with_values(org, settings.values)
    if settings.dropped:
        bonus = {
            d: {k: w for k, w in plan.items() if Term(d, k) not in settings.dropped} for d, plan in org.bonus.items()
        }
        org = replace(org, bonus=bonus)
    return org


def settings_for_plan(org: Organization, settings: Settings, planned: Organization) -> Settings:
    """Settings that put the plans of ``planned`` on the sliders, keeping the parameters ``settings`` set.

    ``planned`` is ``org`` under ``settings`` with other bonus plans (a designed plan:
    :attr:`incentives.Design.redesigned`): each of its terms gets its weight, and each term of
    ``org``'s plans that it does not pay is dropped.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/hospital.yaml")
    >>> planned = apply_settings(org, Settings(values={"bonus.emergency.company_value": 0.1, "beds": 80},
    ...                                        dropped={Term("emergency", "four_hour_wait")}))
    >>> adopted = settings_for_plan(org, Settings(values={"beds": 80}), planned)
    >>> adopted.values, [str(t) for t in adopted.dropped]
    ({'beds': 80.0, 'bonus.emergency.company_value': 0.1}, ['emergency:four_hour_wait'])
    """
    params = {k: v for k, v in settings.values.items() if "." not in k}
    pays = plan_terms(planned)
    weights = {f"bonus.{d}.{k}": float(quantity_value(planned, f"bonus.{d}.{k}")) for d, k in pays}
    dropped = [t for t in plan_terms(org) if t not in set(pays)]
    return normalised(org, {**params, **weights}, dropped)
