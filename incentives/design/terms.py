"""Which bonus terms a design may use, and the limits on their weights.

A *term* is a department paid on a KPI, or on a share of company value (the
key ``"company_value"``): :class:`Term`, written ``"department:kpi"``.  Users
name terms that way; ``*`` stands for every department or every key
(``"sales:*"``, ``"*:company_value"``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from ..errors import DesignError
from ..model import COMPANY_VALUE, Organization
from ._checks import check_number

__all__ = ["Term", "TermSpec", "allowed_terms", "named_terms", "parse_term", "weight_bounds"]


class Term(NamedTuple):
    """A bonus term: ``department`` paid per unit of ``kpi`` (a KPI name, or ``"company_value"`` for a share).

    Written ``"department:kpi"``; it unpacks as ``department, kpi``.

    Examples
    --------
    >>> term = Term.from_text("sales:new_customers")
    >>> term.department, term.kpi, str(term)
    ('sales', 'new_customers', 'sales:new_customers')
    >>> Term.from_text("sales", field="allow")
    Traceback (most recent call last):
    ...
    incentives.errors.DesignError: allow: 'sales' is not of the form department:kpi (for example sales:new_customers)
    """

    department: str
    kpi: str

    @classmethod
    def from_text(cls, text: str, *, field: str = "term") -> Term:
        """The term written ``"department:kpi"`` (spaces around either part are ignored).

        Parameters
        ----------
        text : str
        field : str
            Where the text came from, for the error message (``"allow"``, ``"bounds"``).

        Raises
        ------
        DesignError
            If ``text`` is not text with a non-empty department, a colon and a non-empty KPI.
        """
        if not isinstance(text, str):
            raise DesignError(
                f"{field}: expected text of the form department:kpi (for example sales:new_customers); "
                f"got {text!r} ({type(text).__name__})"
            )
        dept, sep, kpi = text.partition(":")
        if not sep or not dept.strip() or not kpi.strip():
            raise DesignError(f"{field}: {text!r} is not of the form department:kpi (for example sales:new_customers)")
        return cls(dept.strip(), kpi.strip())

    def __str__(self) -> str:
        return f"{self.department}:{self.kpi}"


#: How a user names terms: ``"sales:new_customers"``, ``("sales", "new_customers")`` or a :class:`Term`.
TermSpec = str | tuple[str, str]


def _spec_term(spec: TermSpec, field: str) -> Term:
    if isinstance(spec, str):
        return Term.from_text(spec, field=field)
    if isinstance(spec, tuple) and len(spec) == 2 and all(isinstance(part, str) for part in spec):
        return Term(spec[0].strip(), spec[1].strip())
    raise DesignError(f"{field}: expected department:kpi or a (department, kpi) pair; got {spec!r}")


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
    >>> [str(term) for term in parse_term(org, "*:company_value")[:2]]
    ['sales:company_value', 'support:company_value']
    """
    dept, key = _spec_term(spec, field)
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
    return [Term(d, k) for d in depts for k in chosen]


def allowed_terms(
    org: Organization, allow: Iterable[TermSpec] | None, *, company_share: bool = True
) -> dict[str, tuple[str, ...]]:
    """For each department, the keys a plan may pay it on, in the model's KPI order.

    Default: every KPI, and a share of company value unless ``company_share`` is false.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> allowed = allowed_terms(org, ["*:uptime", "sales:new_customers"])
    >>> allowed["sales"], allowed["support"]
    (('new_customers', 'uptime'), ('uptime',))
    """
    keys = [*org.kpis, COMPANY_VALUE]
    if allow is None:
        chosen = {Term(d, k) for d in org.department_names for k in keys}
    else:
        specs = [allow] if isinstance(allow, str) else list(allow)
        chosen = {term for spec in specs for term in parse_term(org, spec)}
        if not company_share and any(term.kpi == COMPANY_VALUE for term in chosen):
            explicit = [s for s in specs if isinstance(s, str) and s.endswith(f":{COMPANY_VALUE}")]
            if explicit:
                raise DesignError(
                    f"allow: {explicit[0]!r} pays a share of company value, but company shares are switched off"
                )
    if not company_share:
        chosen = {term for term in chosen if term.kpi != COMPANY_VALUE}
    return {d: tuple(k for k in keys if Term(d, k) in chosen) for d in org.department_names}


def named_terms(org: Organization, allow: Iterable[TermSpec] | None) -> frozenset[Term]:
    """The terms ``allow`` names one by one (no ``*``): a user's explicit choice of each.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> sorted(str(t) for t in named_terms(org, ["support:resolution_hours", "sales:*", "*:company_value"]))
    ['support:resolution_hours']
    """
    if allow is None:
        return frozenset()
    specs = [allow] if isinstance(allow, str) else list(allow)
    named = set()
    for spec in specs:
        dept, key = _spec_term(spec, "allow")
        if "*" not in (dept, key):
            named.update(parse_term(org, spec))
    return frozenset(named)


def weight_bounds(
    org: Organization,
    terms: Sequence[Term],
    *,
    nonnegative: bool = False,
    max_weight: float | None = None,
    bounds: Mapping[TermSpec, tuple[Any, Any]] | None = None,
) -> dict[Term, tuple[float, float]]:
    """The lower and upper limit of each term's weight (``-inf``/``inf``: no limit).

    ``nonnegative`` sets lower limits to 0, ``max_weight`` bounds every
    ``|weight|``; ``bounds`` (term -> ``(lower, upper)``, None for no limit) then
    overrides both for the terms it names.

    Raises
    ------
    DesignError
        If ``max_weight`` is not above 0, a bound names a term not in ``terms``, or
        its lower limit is above its upper one.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> terms = [Term("sales", "new_customers"), Term("sales", "company_value")]
    >>> limits = weight_bounds(org, terms, nonnegative=True, bounds={"sales:company_value": (None, 0.5)})
    >>> [(str(term), low, high) for term, (low, high) in limits.items()]
    [('sales:new_customers', 0.0, inf), ('sales:company_value', -inf, 0.5)]
    """
    low, high = (0.0 if nonnegative else -math.inf), math.inf
    if max_weight is not None:
        check_number("max_weight", max_weight, above=0, finite=False)
        low, high = max(low, -float(max_weight)), min(high, float(max_weight))
    out = dict.fromkeys(terms, (low, high))
    for spec, (lo, hi) in (bounds or {}).items():
        for term in parse_term(org, spec, field="bounds"):
            if term not in out:
                raise DesignError(f"bounds: {term} is not a term the plan may use; allow it first")
            out[term] = (-math.inf if lo is None else float(lo), math.inf if hi is None else float(hi))
            if out[term][0] > out[term][1]:
                raise DesignError(f"bounds: the bounds of {term} are empty ({lo} > {hi})")
    return out
