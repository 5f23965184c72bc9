"""Via negativa: remove the KPI terms that pay for gaming before adding new ones.

Definitions
-----------
Department ``i``'s current plan has terms ``T_j(s) = w_j KPI_j(s)``.  Each term
may be *kept*, *dropped* (weight 0) or *capped* at what it pays at the target
``t``: ``min(T_j(s), T_j(t))``, written in the model as a new KPI
``min(KPI_j, KPI_j(t))`` (``max`` for a negative weight), so the department is
paid for the target level and nothing beyond it.  With binaries ``keep_j`` and
``cap_j`` (``keep_j + cap_j <= 1``) the payoff

    ``u_i(s) = -c_i(s_i) + sum_j keep_j T_j(s) + cap_j min(T_j(s), T_j(t))``

is linear in the binaries, so "``t`` is a Nash equilibrium with margin ``m``"
is a set of linear rows (:mod:`incentives.design.conditions`).  The mixed-integer
program minimises the number of terms changed, ``sum_j (1 - keep_j)``, with a
small preference for dropping over capping.  A department's conditions involve
only its own terms, so each department is solved on its own, and a department
that no removal can hold (an action whose extra effort nothing left in its plan
pays for) is reported as such.

The default margin is 0: a department whose gaming term is dropped often
becomes indifferent, and a weak equilibrium is what removal alone can promise.

**Gaming caused by a term** is measured two ways: the company value at the
worst and best pure equilibria of the game with that term alone dropped,
against the worst equilibrium now (``recovered``); and the driver attribution of
:func:`incentives.analyze` (how much of the department's gain from departing
from the optimum the term pays, at the worst equilibrium).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, NamedTuple, get_args

import numpy as np
import sympy

from .._display import report_text
from ..build import evaluate_model
from ..equilibrium import format_number
from ..errors import DesignError
from ..evaluated import EvaluatedModel
from ..formula import symbol
from ..model import COMPANY_VALUE, Organization
from ..solvers.pure import pure_profiles
from ..tolerance import RTOL, tolerance
from ._checks import check_choice, check_number
from .conditions import add_deterrence, deterrence
from .diagnose import Obstacle
from .exact import design_model
from .linear import LinearPayoffs, Switches, cost_arrays, current_weights, kpi_values, nice_weight
from .problem import profile_words, resolve_target
from .program import Program, ProgramResult
from .terms import Term
from .verify import Verification, verify_plan

__all__ = [
    "CAP_PENALTY",
    "CHANGES",
    "NEGATIVA_STATUSES",
    "Change",
    "KpiGaming",
    "NegativaStatus",
    "TermChange",
    "TermOption",
    "ViaNegativa",
    "via_negativa",
]

#: Extra objective weight of a cap over a drop: a tie-break that prefers dropping when both work
#: (small enough never to trade against changing one term fewer, which weighs 1).
CAP_PENALTY = 1e-3

#: What via negativa does with a term.
Change = Literal["keep", "drop", "cap"]

#: The changes, in order.
CHANGES: tuple[Change, ...] = get_args(Change)

#: ``"found"`` when removal alone holds every department at the target, else ``"partial"``.
NegativaStatus = Literal["found", "partial"]

#: The via-negativa statuses, in order.
NEGATIVA_STATUSES: tuple[NegativaStatus, ...] = get_args(NegativaStatus)


class TermOption(NamedTuple):
    """A binary variable of via negativa: keep ``term`` as it is, or cap it at its level at the target.

    Examples
    --------
    >>> str(TermOption("cap", Term("sales", "new_customers")))
    'cap sales:new_customers'
    """

    option: Literal["keep", "cap"]
    term: Term

    def __str__(self) -> str:
        return f"{self.option} {self.term}"


@dataclass(frozen=True, kw_only=True)
class TermChange:
    """What via negativa does with one term of a current plan: ``"keep"``, ``"drop"`` or ``"cap"``.

    ``cap`` is the level at the target the term is capped at (``"cap"`` only).

    Raises
    ------
    DesignError
        If ``change`` is not one of those, or ``cap`` is missing for a cap or given for anything else.
    """

    department: str
    key: str
    weight: float
    change: Change
    cap: float | None = None

    def __post_init__(self) -> None:
        check_choice("change", self.change, CHANGES)
        if (self.cap is not None) != (self.change == "cap"):
            raise DesignError(f"The 'cap' parameter must be given for a cap and only then. Got {self.cap!r} instead.")

    @property
    def term(self) -> Term:
        """The term changed."""
        return Term(self.department, self.key)


@dataclass(frozen=True, kw_only=True)
class KpiGaming:
    """How much gaming one term of a current plan causes.

    ``company_value_worst``/``_best``: company value at the worst/best pure equilibrium with
    this term alone dropped (None when there is none); ``recovered_*``: the
    same minus the company value at the worst equilibrium now; ``driver``: the own
    gain this term pays the department for departing from the optimum, at the worst
    equilibrium now (0 when it does not depart there).
    """

    department: str
    key: str
    weight: float
    driver: float
    company_value_worst: float | None
    company_value_best: float | None
    recovered_worst: float | None
    recovered_best: float | None

    @property
    def term(self) -> Term:
        """The term ranked."""
        return Term(self.department, self.key)


@dataclass(frozen=True, kw_only=True)
class ViaNegativa:
    """The fewest terms to drop or cap so that the target becomes an equilibrium, and the gaming ranking.

    Raises
    ------
    DesignError
        If ``margin`` is not a number >= 0.
    """

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    organization: Organization
    target: tuple[int, ...]
    target_label: str
    margin: float
    changes: tuple[TermChange, ...]
    stuck: tuple[Obstacle, ...]
    ranking: tuple[KpiGaming, ...]
    verification: Verification | None
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_number("margin", self.margin, at_least=0)

    @property
    def status(self) -> NegativaStatus:
        """``"found"`` when removal alone holds every department at the target, else ``"partial"`` (from ``stuck``)."""
        return "partial" if self.stuck else "found"

    @property
    def removed(self) -> tuple[TermChange, ...]:
        """The terms dropped or capped."""
        return tuple(c for c in self.changes if c.change != "keep")

    @property
    def redesigned(self) -> Organization:
        """The organisation with the terms dropped and capped (departments that are stuck keep their plan)."""
        return apply_changes(self.organization, self.changes)


def _capped_name(org: Organization, kpi: str, taken: set[str]) -> str:
    name, k = f"{kpi}_capped", 2
    while name in org.kpis or name in taken or name in org.parameters or name in org.department_names:
        name, k = f"{kpi}_capped_{k}", k + 1
    return name


def apply_changes(org: Organization, changes: Sequence[TermChange]) -> Organization:
    """``org`` with the given terms dropped or capped (caps become new KPIs ``<kpi>_capped``).

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> cap = TermChange(department="sales", key="new_customers", weight=0.01, change="cap", cap=4.0)
    >>> capped = apply_changes(org, [cap])
    >>> str(capped.kpis["new_customers_capped"]), dict(capped.bonus["sales"])
    ('Min(4, new_customers)', {'new_customers_capped': 1/100})
    """
    kpis = dict(org.kpis)
    bonus = {d: dict(w) for d, w in org.bonus.items()}
    for c in changes:
        if c.change == "drop":
            del bonus[c.department][c.key]
        elif c.change == "cap":
            assert c.cap is not None
            name = _capped_name(org, c.key, set(kpis))
            level = nice_weight(c.cap)
            kpis[name] = sympy.Min(symbol(c.key), level) if c.weight > 0 else sympy.Max(symbol(c.key), level)
            weights = bonus[c.department]
            bonus[c.department] = {name if k == c.key else k: v for k, v in weights.items()}
    bonus = {d: w for d, w in bonus.items() if w}
    return replace(org, kpis=kpis, bonus=bonus)


def _options(
    model: EvaluatedModel, values: Mapping[str, np.ndarray], t: tuple[int, ...], caps: bool
) -> tuple[LinearPayoffs[TermOption], dict[str, dict[Term, float]]]:
    """Each department's terms (term -> weight), and payoffs linear in its ``[keep..., cap...]`` binaries."""
    current = current_weights(model)
    shape = values[COMPANY_VALUE].shape
    labels: list[TermOption] = []
    owned, terms = [], []
    plans: dict[str, dict[Term, float]] = {}
    for dept in model.players:
        own = {Term(dept, key): w for key, w in current.get(dept, {}).items()}
        plans[dept] = own
        full = [w * values[term.kpi] for term, w in own.items()]
        capped = [
            np.minimum(pay, pay[t]) if caps and term.kpi != COMPANY_VALUE else np.zeros(shape)
            for pay, term in zip(full, own, strict=True)
        ]
        owned.append(np.arange(len(labels), len(labels) + 2 * len(own), dtype=np.int64))
        labels += [TermOption("keep", term) for term in own] + [TermOption("cap", term) for term in own]
        terms.append(np.stack(full + capped) if own else np.zeros((0, *shape)))
    lin = LinearPayoffs(
        players=model.players,
        actions=model.actions,
        variables=tuple(labels),
        base=-cost_arrays(model),
        owned=tuple(owned),
        terms=tuple(terms),
    )
    return lin, plans


def _stuck(lin: LinearPayoffs[TermOption], switches: Switches, margin: float, n_terms: int, tol: float) -> Obstacle:
    coef = -switches.coefficients
    keep, cap = coef[:, :n_terms], coef[:, n_terms:]
    best = -switches.constant + np.maximum(np.maximum(keep, cap), 0.0).sum(axis=1)
    row = int(np.argmin(best))
    i = switches.player
    dept = lin.players[i]
    t_i = int(np.unravel_index(int(switches.origins[row]), lin.shape)[i])
    frm, to = lin.actions[i][t_i], lin.actions[i][int(switches.to[row])]
    if best[row] < margin - tolerance(margin, tol):
        gain = -float(best[row])
        if gain > 0:
            what = f"still gains it {format_number(gain)}"
        else:
            what = f"costs it only {format_number(-gain)}" if gain < 0 else "costs it nothing"
        message = (
            f"{dept} cannot be held at {frm} by removing terms: even with its plan trimmed in the way that helps "
            f"most, switching to {to} {what} (margin asked: {format_number(margin)}); it needs a new incentive."
        )
    else:
        message = (
            f"{dept} cannot be held at {frm} by removing terms: no one choice of terms to drop or cap deters all "
            "its switches at once; it needs a new incentive."
        )
    return Obstacle(
        kind="removal",
        department=dept,
        action=frm,
        deviation=to,
        context="the others at the target",
        gain=-float(best[row]),
        message=message,
    )


def _solve_department(
    lin: LinearPayoffs[TermOption], switches: Switches, margin: float, n_terms: int, time_limit: float
) -> tuple[ProgramResult, np.ndarray, np.ndarray]:
    program = Program()
    x = program.add_variables(len(lin.variables), lower=0.0, upper=1.0, integer=True)
    add_deterrence(program, x, switches, margin)
    cols = lin.owned[switches.player]
    keep, cap = cols[:n_terms], cols[n_terms:]
    if n_terms:
        pair = np.hstack([np.eye(n_terms), np.eye(n_terms)])
        program.add_rows(np.concatenate([keep, cap]), pair, upper=1.0)
    program.objective[keep] = -1.0
    program.objective[cap] = CAP_PENALTY  # minimise sum(1 - keep) + penalty * sum(cap)
    return program.solve(time_limit=time_limit), keep, cap


def _equilibrium_values(model: EvaluatedModel) -> tuple[float, float] | None:
    """Company value at the worst and best pure equilibrium (None when there is none)."""
    values = [float(np.asarray(model.company_value, dtype=float)[p]) for p in pure_profiles(model.game)]
    return (min(values), max(values)) if values else None


def rank_terms(
    model: EvaluatedModel, before_worst: float | None, drivers: Mapping[Term, float]
) -> tuple[KpiGaming, ...]:
    """Every term of the current plans, ranked by the company value recovered when it alone is dropped.

    ``drivers`` gives each term's own gain from departing from the optimum (0 when missing).

    Examples
    --------
    >>> import incentives as inc
    >>> model = inc.evaluate_model(inc.load_model("examples/growing_company.yaml"), exact=False)
    >>> top = rank_terms(model, before_worst=153.6, drivers={})[0]
    >>> str(top.term), top.recovered_best is not None
    ('sales:new_customers', True)
    """
    out = []
    for dept, weights in current_weights(model).items():
        for key, w in weights.items():
            dropped = apply_changes(model.organization, [TermChange(department=dept, key=key, weight=w, change="drop")])
            found = _equilibrium_values(evaluate_model(dropped, exact=False, reuse=model))
            worst, best = found if found is not None else (None, None)
            out.append(
                KpiGaming(
                    department=dept,
                    key=key,
                    weight=w,
                    driver=float(drivers.get(Term(dept, key), 0.0)),
                    company_value_worst=worst,
                    company_value_best=best,
                    recovered_worst=None if worst is None or before_worst is None else worst - before_worst,
                    recovered_best=None if best is None or before_worst is None else best - before_worst,
                )
            )
    return tuple(sorted(out, key=lambda g: (g.recovered_best is None, -(g.recovered_best or 0.0), -g.driver)))


def via_negativa(
    model: Organization | EvaluatedModel,
    *,
    target: Mapping[str, str] | Sequence[int] | None = None,
    margin: float = 0.0,
    caps: bool = True,
    rank: bool = True,
    method: str = "pure",
    time_limit: float = 60.0,
    verify: bool = True,
    tol: float = RTOL,
) -> ViaNegativa:
    """The fewest terms to drop (or cap) from the current plans so that ``target`` becomes an equilibrium.

    Parameters
    ----------
    model : Organization or EvaluatedModel
        The organisation with its current plans, or its evaluated model (evaluated once).
    target : mapping of department to action, or action indices, optional
        Default: the company optimum.
    margin : float
        How much every switch away from the target must lose (0: a weak equilibrium is enough).
    caps : bool
        Whether a term may be capped at its level at the target instead of dropped.
    rank : bool
        Rank every term by the gaming it causes (one game checked per term).
    method : str
        Equilibrium method for the verification (default ``"pure"``: removing terms
        leaves departments indifferent, and the mixed equilibria of such games form
        continua that a full search spends long on).
    time_limit : float
        Seconds for each solver call.
    verify : bool
        Rebuild and re-solve the game with the terms removed.
    tol : float
        Relative tolerance (see :mod:`incentives.tolerance`) at which a switch loses the margin
        and company values tie for the optimum.

    Returns
    -------
    ViaNegativa

    Raises
    ------
    DesignError
        If ``margin`` or ``tol`` is not a number >= 0, or the target is unknown.

    Examples
    --------
    >>> import incentives as inc
    >>> cut = via_negativa(inc.load_model("examples/growing_company.yaml"))
    >>> [str(c.term) for c in cut.removed]
    ['sales:new_customers', 'development:features_shipped', 'operations:uptime']
    >>> [o.department for o in cut.stuck], cut.ranking[0].key, cut.status
    (['support'], 'new_customers', 'partial')
    """
    check_number("margin", margin, at_least=0)
    check_number("tol", tol, at_least=0, below=1)
    model = design_model(model)
    t, _ = resolve_target(model, target, tol=tol)
    changes, stuck = _cut(model, t, float(margin), caps=caps, time_limit=time_limit, tol=tol)
    cut = ViaNegativa(
        organization=model.organization,
        target=t,
        target_label=profile_words(model.organization, t),
        margin=float(margin),
        changes=changes,
        stuck=stuck,
        ranking=(),
        verification=None,
    )
    if not (verify or rank):
        return cut
    check = verify_plan(model, cut.redesigned, t, method=method, max_seconds=time_limit)
    if rank:
        cut = replace(cut, ranking=rank_terms(model, check.company_value_before, _drivers(check)))
    return replace(cut, verification=check if verify else None)


def _cut(
    model: EvaluatedModel, t: tuple[int, ...], margin: float, *, caps: bool, time_limit: float, tol: float
) -> tuple[tuple[TermChange, ...], tuple[Obstacle, ...]]:
    """Each department's terms kept, dropped or capped, and the departments removal cannot hold."""
    values = kpi_values(model)
    lin, plans = _options(model, values, t, caps)
    deter = deterrence(lin, t, "nash")
    changes: list[TermChange] = []
    stuck: list[Obstacle] = []
    for i, dept in enumerate(model.players):
        own = plans[dept]
        result, keep, cap = _solve_department(lin, deter[i], margin, len(own), time_limit)
        if result.x is None:
            stuck.append(_stuck(lin, deter[i], margin, len(own), tol))
            changes += [TermChange(department=dept, key=term.kpi, weight=w, change="keep") for term, w in own.items()]
            continue
        for (term, w), kept, capped in zip(own.items(), result.x[keep], result.x[cap], strict=True):
            change: Change = "keep" if kept > 0.5 else "cap" if capped > 0.5 else "drop"  # binaries, read as 0 or 1
            level = float(values[term.kpi][t]) if change == "cap" else None
            changes.append(TermChange(department=dept, key=term.kpi, weight=w, change=change, cap=level))
    return tuple(changes), tuple(stuck)


def _drivers(check: Verification) -> dict[Term, float]:
    """Each term's own gain from departing from the optimum, at the worst equilibrium under the current plan."""
    if check.before is None or check.before.worst is None:
        return {}
    worst = check.before.worst
    return {Term(d.department, k): float(v) for d in worst.departures for k, v in d.drivers.items()}
