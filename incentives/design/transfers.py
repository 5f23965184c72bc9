"""Internal transfers: budget-balanced payments between departments instead of new bonus money.

Definitions
-----------
A transfer ``(j -> i, k)`` at rate ``tau >= 0`` has department ``j`` pay
department ``i`` the amount ``tau * KPI_k(s)`` at every profile ``s``.  Only KPIs
that ``j``'s own decision moves are offered (``j`` pays for what it loads onto
others: sales pays support per ticket its customers raise).  Every payment is
received by one department and paid by another, so the transfers sum to zero at
every profile: the company spends no new money.  In the model a transfer is
``+tau`` on ``i``'s weight of ``KPI_k`` and ``-tau`` on ``j``'s, so the weights
added on each KPI sum to zero.

On top of the current plan, department ``d``'s payoff is linear in the rates:

    ``u_d(s) = u_d^current(s) + sum_{(j -> d, k)} tau KPI_k(s) - sum_{(d -> i, k)} tau KPI_k(s)``

so "the target is a Nash equilibrium (or dominant-strategy profile) with margin
``m``" is a linear program (:mod:`incentives.design.conditions`).  It minimises
the money moved at the target, ``sum tau |KPI_k(t)|`` (plus a tiny term in the
rates, so that transfers on KPIs that are zero at the target are not free).
The variables are labelled by :class:`TransferOffer` (``"sales->support:tickets"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal, NamedTuple, cast

import numpy as np
import sympy

from .._display import report_text
from .._util import Number
from ..build import evaluate_model
from ..equilibrium import format_number
from ..errors import DesignError
from ..evaluated import EvaluatedModel
from ..model import Organization
from ..tolerance import RTOL, is_zero, tolerance
from ._checks import check_choice, check_number, invalid
from .conditions import DesignSystem, add_system, deterrence
from .diagnose import Obstacle, explain_infeasible
from .exact import design_model, exact_twin
from .linear import LinearPayoffs, kpi_values
from .outcome import DESIGN_STATUSES, DesignStatus
from .problem import profile_words, resolve_target
from .program import Program, ProgramResult
from .rounding import Guarantees, settle
from .verify import Verification, verify_plan

__all__ = [
    "RATE_TIE_BREAK",
    "Transfer",
    "TransferConcept",
    "TransferDesign",
    "TransferOffer",
    "design_transfers",
    "transfer_imbalance",
]

#: Objective weight of each rate times its KPI's largest ``|value|``, beside the money moved at the target:
#: a tie-break so that a transfer on a KPI that is zero at the target is not free.
RATE_TIE_BREAK = 1e-6

#: The solution concepts transfers can be designed for.
TransferConcept = Literal["nash", "dominant"]


class TransferOffer(NamedTuple):
    """A transfer the program may set a rate for: ``payer`` pays ``receiver`` per unit of ``kpi``.

    Examples
    --------
    >>> str(TransferOffer("sales", "support", "tickets"))
    'sales->support:tickets'
    """

    payer: str
    receiver: str
    kpi: str

    def __str__(self) -> str:
        return f"{self.payer}->{self.receiver}:{self.kpi}"


@dataclass(frozen=True, kw_only=True)
class Transfer:
    """``payer`` pays ``receiver`` ``rate`` times ``kpi``; ``paid_at_target`` is that amount at the target.

    ``exact_rate`` is the rate exactly as checked and written (a fraction, see
    :mod:`incentives.design.rounding`); ``rate`` is its float (None: ``rate`` is the exact decimal written).
    """

    payer: str
    receiver: str
    kpi: str
    rate: float
    paid_at_target: float
    exact_rate: Fraction | None = None

    @property
    def written_rate(self) -> Fraction:
        """The rate as written to a model file, exactly."""
        return self.exact_rate if self.exact_rate is not None else Fraction(repr(float(self.rate)))


@dataclass(frozen=True, kw_only=True)
class TransferDesign:
    """Budget-balanced transfers that make the target an equilibrium, verified on the rebuilt game.

    ``status`` is ``"found"``, ``"infeasible"`` (see ``obstacles``) or ``"stopped"`` (the time
    limit ran out first).  ``imbalance`` is the largest ``|sum of every department's bonus
    change|`` over all profiles of the rebuilt organisation (zero by construction; exactly zero when
    the model is exact).  ``guarantees`` is what the rates as written were checked to do
    (:mod:`incentives.design.rounding`).

    Raises
    ------
    DesignError
        If ``status`` or ``concept`` is not one of its values, or ``margin`` is below 0.
    """

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    organization: Organization
    target: tuple[int, ...]
    target_label: str
    concept: TransferConcept
    margin: float
    status: DesignStatus
    transfers: tuple[Transfer, ...]
    obstacles: tuple[Obstacle, ...] = ()
    verification: Verification | None = None
    imbalance: float | None = None
    notes: tuple[str, ...] = ()
    guarantees: Guarantees | None = None

    def __post_init__(self) -> None:
        check_choice("status", self.status, DESIGN_STATUSES)
        _check_concept(self.concept)
        check_number("margin", self.margin, at_least=0)

    @property
    def found(self) -> bool:
        """Whether transfers were found."""
        return self.status == "found"

    @property
    def net_at_target(self) -> dict[str, float]:
        """Each department's transfers received minus paid, at the target."""
        net = dict.fromkeys(self.organization.department_names, 0.0)
        for t in self.transfers:
            net[t.receiver] += t.paid_at_target
            net[t.payer] -= t.paid_at_target
        return net

    @property
    def redesigned(self) -> Organization:
        """The organisation with the transfers added to the bonus plans (and listed in its description)."""
        if not self.found:
            raise DesignError("no transfers were found, so there is no redesigned organisation to write")
        return apply_transfers(self.organization, self.transfers)


def apply_transfers(org: Organization, transfers: Sequence[Transfer]) -> Organization:
    """``org`` with each transfer added as ``+rate`` on the receiver's weight and ``-rate`` on the payer's.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> deal = Transfer(payer="sales", receiver="support", kpi="tickets", rate=0.5, paid_at_target=0.0)
    >>> moved = apply_transfers(org, [deal])
    >>> moved.bonus["sales"]["tickets"], moved.description.splitlines()[-1]
    (-1/2, 'Internal transfers: sales pays support 0.5 x tickets.')
    """
    bonus = {d: dict(org.bonus.get(d, {})) for d in org.department_names}
    for t in transfers:
        exact = t.written_rate
        rate = sympy.Rational(exact.numerator, exact.denominator)
        for dept, sign in ((t.receiver, 1), (t.payer, -1)):
            total = bonus[dept].get(t.kpi, sympy.Integer(0)) + sign * rate
            if total == 0:
                bonus[dept].pop(t.kpi, None)
            else:
                bonus[dept][t.kpi] = total
    lines = "; ".join(f"{t.payer} pays {t.receiver} {format_number(t.rate)} x {t.kpi}" for t in transfers)
    description = (org.description.rstrip() + "\n" if org.description else "") + f"Internal transfers: {lines}."
    return replace(org, bonus={d: w for d, w in bonus.items() if w}, description=description)


def transfer_imbalance(before: EvaluatedModel, after: EvaluatedModel) -> Number:
    """Largest ``|sum_i (bonus_i after - bonus_i before)|`` over every profile (0 for budget-balanced transfers).

    Exact when both models are.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> deal = Transfer(payer="sales", receiver="support", kpi="tickets", rate=0.5, paid_at_target=0.0)
    >>> before = inc.evaluate_model(org, exact=False)
    >>> transfer_imbalance(before, inc.evaluate_model(apply_transfers(org, [deal]), exact=False)) < 1e-9
    True
    """
    if before.exact and after.exact:
        change = np.asarray(after.bonus_paid) - np.asarray(before.bonus_paid)
        return max((abs(v) for v in np.ravel(change)), default=Fraction(0))
    change = np.asarray(after.bonus_paid, dtype=float) - np.asarray(before.bonus_paid, dtype=float)
    return float(np.max(np.abs(change), initial=0.0))


def _check_concept(concept: str) -> None:
    if concept not in ("nash", "dominant"):
        raise invalid("concept", "'nash' or 'dominant' for transfers", concept)


def _candidates(
    org: Organization, values: Mapping[str, np.ndarray], kpis: Iterable[str] | None, tol: float
) -> list[TransferOffer]:
    """Every transfer on a KPI its payer's decision moves (more than ``tol`` at the KPI's scale)."""
    chosen = list(org.kpis) if kpis is None else list(kpis)
    unknown = [k for k in chosen if k not in org.kpis]
    if unknown:
        raise DesignError(f"kpis: unknown KPI {unknown[0]!r}; transfers may be paid on {list(org.kpis)}")
    names = org.department_names
    out = []
    for j, payer in enumerate(names):
        for k in chosen:
            array = values[k]
            if np.ptp(array, axis=j).max() > tolerance(array, tol):  # the payer's decision moves this KPI
                out += [TransferOffer(payer, receiver, k) for receiver in names if receiver != payer]
    return out


def _payoffs(
    model: EvaluatedModel, values: Mapping[str, np.ndarray], offers: list[TransferOffer]
) -> LinearPayoffs[TransferOffer]:
    """The current payoffs plus, for each offer, its rate times the KPI (received) or minus it (paid).

    Exact (fractions) when the model is.
    """
    game = model.game
    index = {name: i for i, name in enumerate(model.players)}
    owned: list[list[int]] = [[] for _ in model.players]
    terms: list[list[np.ndarray]] = [[] for _ in model.players]
    for v, offer in enumerate(offers):
        for d, sign in ((index[offer.receiver], 1), (index[offer.payer], -1)):
            owned[d].append(v)
            terms[d].append(sign * values[offer.kpi])
    return LinearPayoffs(
        players=model.players,
        actions=model.actions,
        variables=tuple(offers),
        base=np.asarray(game.payoffs, dtype=object) if model.exact else game.float_payoffs(),
        owned=tuple(np.array(o, dtype=np.int64) for o in owned),
        terms=tuple(np.stack(t) if t else np.zeros((0, *game.shape)) for t in terms),
    )


def design_transfers(
    model: Organization | EvaluatedModel,
    *,
    target: Mapping[str, str] | Sequence[int] | None = None,
    concept: str = "nash",
    margin: float = 1.0,
    kpis: Iterable[str] | None = None,
    max_rate: float | None = None,
    method: str = "all",
    time_limit: float = 60.0,
    verify: bool = True,
    tol: float = RTOL,
) -> TransferDesign:
    """Budget-balanced transfers, on top of the current plans, that make ``target`` an equilibrium.

    Parameters
    ----------
    model : Organization or EvaluatedModel
        Its bonus plans stay; transfers are added (pass a plan from :func:`via_negativa`
        or :func:`design` to build on it).  An organisation is evaluated once.
    target : mapping of department to action, or action indices, optional
        Default: the company optimum.
    concept : {"nash", "dominant"}
    margin : float
        How much every switch away from the target must lose.
    kpis : iterable of str, optional
        KPIs transfers may be paid on (default: every KPI).
    max_rate : float, optional
        Largest rate of any transfer.
    method, time_limit, verify
        As in :func:`incentives.design.design`.
    tol : float
        Relative tolerance (see :mod:`incentives.tolerance`): a transfer whose largest payment
        is zero at the scale of the payoffs is no transfer, and a KPI its payer moves by no more
        than that is not offered.

    Returns
    -------
    TransferDesign

    Raises
    ------
    DesignError
        For an invalid option, an unknown KPI or target.

    Examples
    --------
    >>> import incentives as inc
    >>> deal = design_transfers(inc.load_model("examples/growing_company.yaml"))
    >>> deal.found, deal.verification.is_equilibrium, deal.imbalance < 1e-9
    (True, True, True)
    >>> [str(TransferOffer(t.payer, t.receiver, t.kpi)) for t in deal.transfers][:2]
    ['sales->support:resolution_hours', 'sales->operations:incidents']
    """
    _check_concept(concept)
    kind = cast(TransferConcept, concept)
    check_number("margin", margin, at_least=0)
    if max_rate is not None:
        check_number("max_rate", max_rate, at_least=0, finite=False)
    check_number("tol", tol, at_least=0, below=1)
    model = design_model(model)
    t, _ = resolve_target(model, target, tol=tol)
    values = kpi_values(model)
    offers = _candidates(model.organization, values, kpis, tol)
    system = _system(model, values, offers, t, kind, float(margin), max_rate, tol)
    result = _solve(system, values, time_limit)
    twin = exact_twin(model)
    deal = _assemble(model, system, kind, values, result, time_limit, twin, (offers, max_rate, tol))
    if not deal.found:
        return deal
    rebuilt = evaluate_model(deal.redesigned, exact=twin is not None, reuse=twin if twin is not None else model)
    deal = replace(deal, imbalance=float(transfer_imbalance(twin or model, rebuilt)))
    if not verify:
        return deal
    return replace(deal, verification=verify_plan(model, rebuilt, t, method=method, max_seconds=time_limit))


def _system(
    model: EvaluatedModel,
    values: Mapping[str, np.ndarray],
    offers: list[TransferOffer],
    t: tuple[int, ...],
    concept: TransferConcept,
    margin: float,
    max_rate: float | None,
    tol: float,
) -> DesignSystem:
    lin = _payoffs(model, values, offers)
    return DesignSystem(
        payoffs=lin,
        target=t,
        margin=margin,
        deter=deterrence(lin, t, concept),
        lower=np.zeros(len(offers)),
        upper=np.full(len(offers), np.inf if max_rate is None else float(max_rate)),
        levers=tuple(f"the transfers it may pay or receive ({len(o)} offered)" if len(o) else "" for o in lin.owned),
        base_meaning="under the current plan",
        tol=tol,
    )


def _solve(system: DesignSystem, values: Mapping[str, np.ndarray], time_limit: float) -> ProgramResult:
    """Least money moved at the target (plus the tie-break on rates)."""
    program = Program()
    x = add_system(program, system)
    offers = system.payoffs.variables
    at_target = np.array([abs(float(values[o.kpi][system.target])) for o in offers])
    program.objective[x] = at_target + RATE_TIE_BREAK * _spread(values, offers)
    return program.solve(time_limit=time_limit)


def _spread(values: Mapping[str, np.ndarray], offers: Sequence[TransferOffer]) -> np.ndarray:
    """The largest ``|KPI|`` of each offer."""
    return np.array([float(np.max(np.abs(values[o.kpi]))) for o in offers])


def _assemble(
    model: EvaluatedModel,
    system: DesignSystem,
    concept: TransferConcept,
    values: Mapping[str, np.ndarray],
    result: ProgramResult,
    time_limit: float,
    twin: EvaluatedModel | None,
    setting: tuple[list[TransferOffer], float | None, float],
) -> TransferDesign:
    """The transfers a solution stands for (exact rates, checked), or why there are none.

    The imbalance and the verification are added by :func:`design_transfers`.
    """
    org, t = model.organization, system.target
    none = TransferDesign(
        organization=org,
        target=t,
        target_label=profile_words(org, t),
        concept=concept,
        margin=system.margin,
        status="infeasible",
        transfers=(),
    )
    if result.status == "time_limit":
        return replace(none, status="stopped", notes=(f"the solver stopped at its time limit ({time_limit:g} s)",))
    if result.x is None:
        return replace(none, obstacles=explain_infeasible(system))
    offers: tuple[TransferOffer, ...] = system.payoffs.variables
    x = np.asarray(result.x[: len(offers)], dtype=float)
    spread = _spread(values, offers)
    payoffs = system.payoffs.base  # a transfer whose largest payment is zero at their scale is none
    x = np.where([is_zero(r * size, scale=payoffs, rtol=system.tol) for r, size in zip(x, spread, strict=True)], 0.0, x)
    checked = system
    exact_values = values
    if twin is not None:
        exact_values = kpi_values(twin)
        offered, max_rate, tol = setting
        checked = _system(twin, exact_values, offered, t, concept, system.margin, max_rate, tol)
    settled = settle(checked, x, scale=spread, concept=concept, tol=system.tol)
    notes = () if settled.guarantees.holds else ("the rates as written: " + "; ".join(settled.guarantees.failures()),)
    transfers = tuple(
        Transfer(
            payer=offer.payer,
            receiver=offer.receiver,
            kpi=offer.kpi,
            rate=float(rate),
            paid_at_target=float(rate * exact_values[offer.kpi][t]),
            exact_rate=rate,
        )
        for offer, rate in zip(offers, settled.weights, strict=True)
        if rate != 0
    )
    return replace(none, status="found", transfers=transfers, guarantees=settled.guarantees, notes=notes)
