"""Which bonus terms a design may use, and the limits on their weights.

A *term* is a pair ``(department, key)`` where ``key`` is a KPI name or
``"company_value"`` (a share of company value).  Users name terms as
``"department:key"``; ``*`` stands for every department or every key
(``"sales:*"``, ``"*:company_value"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..errors import DesignError
from ..model import COMPANY_VALUE, Organization
from .linear import LinearPayoffs

__all__ = ["allowed_terms", "parse_term", "weight_bounds"]

Term = tuple[str, str]
TermSpec = str | tuple[str, str]


def parse_term(org: Organization, spec: TermSpec, *, field: str = "allow", wildcards: bool = True) -> list[Term]:
    """The terms ``spec`` names (``"sales:new_customers"``, ``("sales", "new_customers")``, ``"sales:*"``).

    Raises
    ------
    DesignError
        If the text is not ``department:key`` or names an unknown department or KPI.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> parse_term(org, "*:company_value")[:2]
    [('sales', 'company_value'), ('support', 'company_value')]
    """
    if isinstance(spec, str):
        dept, sep, key = spec.partition(":")
        if not sep or not dept.strip() or not key.strip():
            raise DesignError(f"{field}: {spec!r} is not of the form department:kpi (for example sales:new_customers)")
    else:
        dept, key = spec
    dept, key = dept.strip(), key.strip()
    keys = [*org.kpis, COMPANY_VALUE]
    if dept == "*" and wildcards:
        depts = list(org.department_names)
    elif dept in org.department_names:
        depts = [dept]
    else:
        raise DesignError(f"{field}: unknown department {dept!r}; the departments are {list(org.department_names)}")
    if key == "*" and wildcards:
        chosen = keys
    elif key in keys:
        chosen = [key]
    else:
        raise DesignError(f"{field}: unknown KPI {key!r}; expected one of {keys}")
    return [(d, k) for d in depts for k in chosen]


def allowed_terms(
    org: Organization, allow: Iterable[TermSpec] | None, *, company_share: bool = True
) -> dict[str, tuple[str, ...]]:
    """For each department, the keys a plan may pay it on, in the model's KPI order.

    Default: every KPI, and a share of company value unless ``company_share`` is false.
    """
    keys = [*org.kpis, COMPANY_VALUE]
    if allow is None:
        chosen = {(d, k) for d in org.department_names for k in keys}
    else:
        specs = [allow] if isinstance(allow, str) else list(allow)
        chosen = {term for spec in specs for term in parse_term(org, spec)}
        if not company_share and any(k == COMPANY_VALUE for _, k in chosen):
            explicit = [s for s in specs if isinstance(s, str) and s.endswith(f":{COMPANY_VALUE}")]
            if explicit:
                raise DesignError(
                    f"allow: {explicit[0]!r} pays a share of company value, but company shares are switched off"
                )
    if not company_share:
        chosen = {(d, k) for d, k in chosen if k != COMPANY_VALUE}
    return {d: tuple(k for k in keys if (d, k) in chosen) for d in org.department_names}


def weight_bounds(
    org: Organization,
    payoffs: LinearPayoffs,
    *,
    nonnegative: bool = False,
    max_weight: float | None = None,
    bounds: Mapping[TermSpec, tuple[Any, Any]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bound of each weight (variables labelled ``"department:key"``).

    ``nonnegative`` sets lower bounds to 0, ``max_weight`` bounds every
    ``|weight|``; ``bounds`` (term -> ``(lower, upper)``, None for no limit) then
    overrides both for the terms it names.
    """
    n = len(payoffs.variables)
    lower = np.full(n, 0.0 if nonnegative else -np.inf)
    upper = np.full(n, np.inf)
    if max_weight is not None:
        if not max_weight > 0:
            raise DesignError(f"The 'max_weight' parameter must be a number above 0. Got {max_weight!r} instead.")
        lower = np.maximum(lower, -max_weight)
        upper = np.minimum(upper, max_weight)
    index = {label: k for k, label in enumerate(payoffs.variables)}
    for spec, (lo, hi) in (bounds or {}).items():
        for dept, key in parse_term(org, spec, field="bounds"):
            label = f"{dept}:{key}"
            if label not in index:
                raise DesignError(f"bounds: {label} is not a term the plan may use; allow it first")
            k = index[label]
            lower[k] = -np.inf if lo is None else float(lo)
            upper[k] = np.inf if hi is None else float(hi)
            if lower[k] > upper[k]:
                raise DesignError(f"bounds: the bounds of {label} are empty ({lo} > {hi})")
    return lower, upper
