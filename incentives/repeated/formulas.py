"""The grim-trigger conditions as exact formulas of a few quantities: what an exact threshold analysis reads.

Keep some quantities symbolic (parameters, ``bonus.DEPARTMENT.KPI`` weights or
``costs.DEPARTMENT.ACTION``, named as in :mod:`incentives.quantities`) and give every other
parameter its value.  Each department's payoff at a pure profile is then a formula in
those quantities, and so are its one-shot gain ``g_i`` at the target, its loss ``L_i``
under a punishment, the discount factor ``delta`` and the detection probability ``p_i``
when they are formulas of the model.  :func:`sustainability_formulas` returns

* the **condition** ``delta p_i L_i - (1 - delta) g_i >= 0``: the target keeps department
  ``i`` from deviating exactly where it holds, whatever the signs (see
  :mod:`incentives.repeated.critical`);
* the **critical discount factor** ``g_i / (g_i + p_i L_i)`` and the **smallest
  detection probability** ``(1 - delta) g_i / (delta L_i)``, valid where ``g_i > 0`` and
  ``L_i > 0`` (elsewhere the condition says what happens);
* the **relational contract** (:mod:`incentives.repeated.contract_formulas`): the largest
  credible discretionary bonus ``delta / (1 - delta) (S(a*) - S(e))``, the bonus each
  department needs, ``max(0, g_i) / p_i``, and the condition that the first covers the
  second.

The gain is a ``Max`` over the department's deviations when it has more than one, and
the pure minmax punishment a ``Min`` of ``Max``; the target and the stage equilibria
reverted to are the model's at its current values unless given, and may differ
elsewhere in the quantities' range: the formulas hold while they do not.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from .._util import frozen_map
from ..build import evaluate_model, refuse_continuous
from ..errors import RepeatedError
from ..formula import parse_formula, symbol
from ..model import COMPANY_VALUE, Organization
from ..quantities import check_quantities
from ._inputs import Rate, Target, department_rates, play_defaults, target_profile
from .batch import _pure_equilibria, _pure_reversion
from .contract_formulas import ContractFormulas, contract_formulas

__all__ = ["SustainabilityFormulas", "sustainability_formulas"]


@dataclass(frozen=True, kw_only=True)
class SustainabilityFormulas:
    """The grim-trigger conditions of a target as formulas of some quantities (see the module docstring).

    Parameters
    ----------
    names : tuple of str
        The quantities kept symbolic; quantity ``q`` is the symbol ``incentives.formula.symbol(q)``.
    departments : tuple of str
    target_label : str
    punishments : mapping of str to str
        What is played while each department is punished.
    gains, losses, monitoring : mapping of str to sympy.Expr
        ``g_i``, ``L_i`` and ``p_i`` of each department.
    discount : sympy.Expr or None
        ``delta``, when given.
    conditions : mapping of str to sympy.Expr or None
        ``delta p_i L_i - (1 - delta) g_i``: the target is sustained where every one is at least 0.
    critical_discounts : mapping of str to sympy.Expr
        ``g_i / (g_i + p_i L_i)``.
    smallest_monitoring : mapping of str to sympy.Expr or None
        ``(1 - delta) g_i / (delta L_i)``.
    contract : ContractFormulas or None
        The relational contract: the credible bonus, the bonuses needed and the condition
        (None when there is no profile to revert to after the company reneges).

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/keeping_close.yaml")
    >>> found = sustainability_formulas(org, ["headcount"])  # rates from the model's repeated section
    >>> found.discount, found.monitoring["sales"]
    (380/(headcount + 400), 20/(headcount + 20))
    >>> round(found.at({"headcount": 40})["critical_discounts"]["sales"], 4)  # 23 / (23 + 19 / 3)
    0.7841
    """

    names: tuple[str, ...]
    departments: tuple[str, ...]
    target_label: str
    punishments: Mapping[str, str]
    gains: Mapping[str, sympy.Expr]
    losses: Mapping[str, sympy.Expr]
    monitoring: Mapping[str, sympy.Expr]
    discount: sympy.Expr | None
    conditions: Mapping[str, sympy.Expr] | None
    critical_discounts: Mapping[str, sympy.Expr]
    smallest_monitoring: Mapping[str, sympy.Expr] | None
    contract: ContractFormulas | None = None

    def __post_init__(self) -> None:
        for name in ("punishments", "gains", "losses", "monitoring", "critical_discounts"):
            if set(getattr(self, name)) != set(self.departments):
                raise ValueError(f"'{name}' of SustainabilityFormulas must have one entry per department")
        for name in ("punishments", "gains", "losses", "monitoring", "critical_discounts"):
            object.__setattr__(self, name, frozen_map(getattr(self, name)))
        for name in ("conditions", "smallest_monitoring"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, frozen_map(getattr(self, name)))

    def at(self, values: Mapping[str, Any]) -> dict[str, dict[str, float]]:
        """Every formula at numbers for the quantities: ``{"critical_discounts": {department: value}, ...}``."""
        substitution = {symbol(k): sympy.nsimplify(v) for k, v in values.items()}
        out = {}
        for group in ("gains", "losses", "monitoring", "critical_discounts", "conditions", "smallest_monitoring"):
            formulas = getattr(self, group)
            if formulas is not None:
                out[group] = {d: float(sympy.sympify(e).xreplace(substitution)) for d, e in formulas.items()}
        if self.contract is not None:
            out["required_bonuses"] = self.contract.at(values)["required_bonuses"]
        return out


def sustainability_formulas(
    org: Organization,
    names: Iterable[str],
    *,
    target: Target = None,
    reversion: Target | str | None = None,
    discount: Rate | None = None,
    monitoring: Rate | Mapping[str, Rate] | None = None,
) -> SustainabilityFormulas:
    """The grim-trigger conditions of ``target`` as formulas of the quantities ``names``.

    Parameters
    ----------
    org : Organization
    names : iterable of str
        Parameters, ``bonus.DEPARTMENT.KPI`` weights or ``costs.DEPARTMENT.ACTION``.
    target : optional
        The target profile (default: the company optimum at the model's values).
    reversion : optional
        The punishment: a pure profile reverted to after any deviation; ``"pure minmax"``;
        or None (default): for each department the pure stage equilibrium worst for it at
        the model's values.  The relational contract reverts to the given profile, else to
        the pure stage equilibrium with the least joint surplus at the model's values.
    discount, monitoring : optional
        Numbers or formulas of parameters and KPIs, as in :func:`incentives.repeated.repeated`
        (default: the model's ``repeated`` section; monitoring else 1).

    Returns
    -------
    SustainabilityFormulas

    Raises
    ------
    ModelError
        If a name is not a quantity of the model.
    RepeatedError
        If there is no pure stage equilibrium to revert to, or a profile is not valid.

    Examples
    --------
    >>> import sympy
    >>> import incentives as inc
    >>> org = inc.load_model("examples/keeping_close.yaml")
    >>> found = sustainability_formulas(org, ["headcount"])  # rates from the model's repeated section
    >>> found.critical_discounts["sales"]  # gain 23/25, loss 19/25, detection 20 / (20 + headcount)
    (23*headcount + 460)/(23*headcount + 840)
    """
    refuse_continuous(org)
    names = check_quantities(org, names)
    model = evaluate_model(org, exact=None)
    profile = target_profile(model, target)
    payoff = _Payoffs(org, names)
    punished = _punishment_profiles(model, reversion, profile)
    gains, losses, labels = {}, {}, {}
    for i, dept in enumerate(org.department_names):
        here = payoff(i, profile)
        deviations = [payoff(i, _switch(profile, i, b)) - here for b in range(model.shape[i]) if b != profile[i]]
        gains[dept] = sympy.Max(*deviations) if len(deviations) > 1 else (deviations or [sympy.Integer(0)])[0]
        if isinstance(punished, str):
            losses[dept] = here - _pure_minmax_formula(payoff, model.shape, i)
            labels[dept] = "pure minmax"
        else:
            losses[dept] = here - payoff(i, punished[i])
            labels[dept] = model.profile_label(punished[i])
    rates = play_defaults(org, discount, monitoring)
    detection = _monitoring_formulas(org, names, rates.monitoring, profile, rates.monitoring_name)
    delta = None
    if rates.discount is not None:
        delta = _rate_formula(org, names, rates.discount, profile, rates.discount_name)
    critical = {d: sympy.cancel(gains[d] / (gains[d] + detection[d] * losses[d])) for d in gains}
    conditions = needed = None
    if delta is not None:
        conditions = {d: sympy.expand(delta * detection[d] * losses[d] - (1 - delta) * gains[d]) for d in gains}
        needed = {d: sympy.cancel((1 - delta) * gains[d] / (delta * losses[d])) for d in gains}
    contract = None
    reneged = _contract_reversion(model, reversion)
    if reneged is not None:
        contract = contract_formulas(
            departments=org.department_names,
            surplus=payoff.surplus,
            target=profile,
            reversion=reneged,
            reversion_label=model.profile_label(reneged),
            gains=gains,
            monitoring=detection,
            discount=delta,
        )
    return SustainabilityFormulas(
        names=names,
        departments=org.department_names,
        target_label=model.profile_label(profile),
        punishments=labels,
        gains=gains,
        losses=losses,
        monitoring=detection,
        discount=delta,
        conditions=conditions,
        critical_discounts=critical,
        smallest_monitoring=needed,
        contract=contract,
    )


def _contract_reversion(model: Any, reversion: Target | str | None) -> tuple[int, ...] | None:
    """A given reversion profile, else the pure stage equilibrium with the least joint surplus (None: none)."""
    if reversion is not None and not isinstance(reversion, str):
        return target_profile(model, reversion, name="reversion")
    payoffs = np.asarray(model.payoffs, dtype=float)[np.newaxis]
    equilibrium = _pure_equilibria(payoffs)[0]
    if not equilibrium.any():
        return None
    joint = np.asarray(model.company_value, dtype=float) - np.asarray(model.costs, dtype=float).sum(axis=0)
    candidates = [tuple(int(k) for k in p) for p in np.argwhere(equilibrium)]
    return min(candidates, key=lambda p: float(joint[p]))


def _switch(profile: Sequence[int], i: int, action: int) -> tuple[int, ...]:
    out = list(profile)
    out[i] = action
    return tuple(out)


class _Payoffs:
    """Department ``i``'s payoff at a pure profile as a formula of the kept quantities (cached)."""

    def __init__(self, org: Organization, names: tuple[str, ...]) -> None:
        self.org = org
        chosen = set(names)
        self.fixed = {symbol(k): v for k, v in org.parameters.items() if k not in chosen}
        kpis, value = org.resolved_kpis(), org.resolved_company_value()
        self.bonus = []
        self.costs = []
        for dept in org.departments:
            plan = dict(org.bonus.get(dept.name, {}))
            plan.update({n.split(".")[2]: symbol(n) for n in names if n.startswith(f"bonus.{dept.name}.")})
            terms = [w * (value if k == COMPANY_VALUE else kpis[k]) for k, w in plan.items()]
            self.bonus.append(sympy.Add(*terms))
            own = org.costs.get(dept.name, {})
            self.costs.append(
                [
                    symbol(f"costs.{dept.name}.{a}") if f"costs.{dept.name}.{a}" in chosen else own.get(a, 0)
                    for a in dept.action_names
                ]
            )
        self.cache: dict[tuple[int, tuple[int, ...]], sympy.Expr] = {}
        self.value = value

    def surplus(self, profile: Sequence[int]) -> sympy.Expr:
        """Company value less every department's action cost at a pure profile (bonuses are transfers)."""
        key = tuple(int(k) for k in profile)
        costs = sympy.Add(*(sympy.sympify(self.costs[i][k]) for i, k in enumerate(key)))
        return sympy.expand((self.value.xreplace(self.variables(key)) - costs).xreplace(self.fixed))

    def variables(self, profile: Sequence[int]) -> dict[sympy.Symbol, sympy.Expr]:
        out = {}
        for dept, k in zip(self.org.departments, profile, strict=True):
            action = dept.actions[int(k)]
            out.update({symbol(f"{dept.name}.{v}"): action.values[v] for v in dept.variables})
        return out

    def __call__(self, i: int, profile: Sequence[int]) -> sympy.Expr:
        key = (i, tuple(int(k) for k in profile))
        if key not in self.cache:
            expr = self.bonus[i].xreplace(self.variables(key[1])) - sympy.sympify(self.costs[i][key[1][i]])
            self.cache[key] = sympy.expand(expr.xreplace(self.fixed))
        return self.cache[key]


def _punishment_profiles(
    model: Any, reversion: Target | str | None, profile: tuple[int, ...]
) -> list[tuple[int, ...]] | str:
    n = model.n_players
    if reversion == "pure minmax":
        return "pure minmax"
    if reversion is not None:
        return [target_profile(model, reversion, name="reversion")] * n
    payoffs = np.asarray(model.payoffs, dtype=float)[np.newaxis]
    worst = _pure_reversion(payoffs)[0]
    if np.isnan(worst).any():
        raise RepeatedError("the model has no pure stage equilibrium at its values: give 'reversion' explicitly")
    out = []
    for i in range(n):
        candidates = [
            p
            for p in itertools.product(*(range(k) for k in model.shape))
            if _is_pure_equilibrium(payoffs[0], p) and float(payoffs[0][(i, *p)]) == worst[i]
        ]
        out.append(candidates[0])
    return out


def _is_pure_equilibrium(payoffs: np.ndarray, profile: tuple[int, ...]) -> bool:
    for i in range(payoffs.shape[0]):
        index = tuple(slice(None) if j == i else k for j, k in enumerate(profile))
        if payoffs[i][index].max() > payoffs[i][profile] + 1e-9 * max(1.0, float(np.abs(payoffs).max())):
            return False
    return True


def _pure_minmax_formula(payoff: _Payoffs, shape: tuple[int, ...], i: int) -> sympy.Expr:
    others = [range(k) if j != i else range(1) for j, k in enumerate(shape)]
    values = []
    for base in itertools.product(*others):
        replies = [payoff(i, _switch(base, i, a)) for a in range(shape[i])]
        values.append(sympy.Max(*replies) if len(replies) > 1 else replies[0])
    return sympy.Min(*values) if len(values) > 1 else values[0]


def _rate_formula(org: Organization, names: tuple[str, ...], value: Rate, profile: tuple[int, ...], name: str) -> Any:
    if not isinstance(value, str):
        return parse_formula(value if not isinstance(value, Fraction) else str(value), names=(), field=name)
    allowed = set(org.parameters) | set(org.kpis)
    expr = parse_formula(value, names=allowed, field=name)
    kpis = {symbol(k): v for k, v in org.resolved_kpis().items()}
    at = _Payoffs(org, names)
    fixed = at.fixed
    return sympy.cancel(expr.xreplace(kpis).xreplace(at.variables(profile)).xreplace(fixed))


def _monitoring_formulas(
    org: Organization,
    names: tuple[str, ...],
    monitoring: Rate | Mapping[str, Rate],
    profile: tuple[int, ...],
    name: str,
) -> dict[str, Any]:
    rates = department_rates(org.department_names, monitoring, name=name)
    return {d: _rate_formula(org, names, r, profile, name) for d, r in zip(org.department_names, rates, strict=True)}
