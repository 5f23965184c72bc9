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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import sympy

from ..analysis.optimum import company_optimum
from ..build import evaluate_model, evaluated
from ..equilibrium import format_number
from ..errors import DesignError
from ..evaluated import EvaluatedModel
from ..model import Organization
from ..tolerance import tolerance
from .conditions import DesignSystem, add_system, deterrence
from .diagnose import Obstacle, explain_infeasible
from .linear import LinearPayoffs, kpi_values, nice_weight, parse_target
from .plan import profile_words
from .program import Program
from .verify import Verification, verify_plan

__all__ = ["Transfer", "TransferDesign", "design_transfers", "transfer_imbalance"]


@dataclass(frozen=True, kw_only=True)
class Transfer:
    """``payer`` pays ``receiver`` ``rate`` times ``kpi``; ``paid_at_target`` is that amount at the target."""

    payer: str
    receiver: str
    kpi: str
    rate: float
    paid_at_target: float


@dataclass(frozen=True, kw_only=True)
class TransferDesign:
    """Budget-balanced transfers that make the target an equilibrium, verified on the rebuilt game.

    ``imbalance`` is the largest ``|sum of every department's bonus change|`` over all
    profiles of the rebuilt organisation (zero, up to rounding, by construction).
    """

    organization: Organization
    target: tuple[int, ...]
    target_label: str
    concept: str
    margin: float
    status: str
    transfers: tuple[Transfer, ...]
    obstacles: tuple[Obstacle, ...] = ()
    verification: Verification | None = None
    imbalance: float | None = None
    notes: tuple[str, ...] = ()

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
    """``org`` with each transfer added as ``+rate`` on the receiver's weight and ``-rate`` on the payer's."""
    bonus = {d: dict(org.bonus.get(d, {})) for d in org.department_names}
    for t in transfers:
        rate = nice_weight(t.rate)
        for dept, sign in ((t.receiver, 1), (t.payer, -1)):
            total = bonus[dept].get(t.kpi, sympy.Integer(0)) + sign * rate
            if total == 0:
                bonus[dept].pop(t.kpi, None)
            else:
                bonus[dept][t.kpi] = total
    lines = "; ".join(f"{t.payer} pays {t.receiver} {format_number(t.rate)} x {t.kpi}" for t in transfers)
    description = (org.description.rstrip() + "\n" if org.description else "") + f"Internal transfers: {lines}."
    return replace(org, bonus={d: w for d, w in bonus.items() if w}, description=description)


def transfer_imbalance(before: EvaluatedModel, after: EvaluatedModel) -> float:
    """Largest ``|sum_i (bonus_i after - bonus_i before)|`` over every profile (0 for budget-balanced transfers)."""
    change = np.asarray(after.bonus_paid, dtype=float) - np.asarray(before.bonus_paid, dtype=float)
    return float(np.max(np.abs(change), initial=0.0))


def _candidates(
    org: Organization, values: Mapping[str, np.ndarray], kpis: Iterable[str] | None
) -> list[tuple[int, int, str]]:
    chosen = list(org.kpis) if kpis is None else list(kpis)
    unknown = [k for k in chosen if k not in org.kpis]
    if unknown:
        raise DesignError(f"kpis: unknown KPI {unknown[0]!r}; transfers may be paid on {list(org.kpis)}")
    n = len(org.departments)
    out = []
    for j in range(n):
        for k in chosen:
            array = values[k]
            if np.ptp(array, axis=j).max() > tolerance(array):  # the payer's decision moves this KPI
                out += [(j, i, k) for i in range(n) if i != j]
    return out


def _payoffs(
    model: EvaluatedModel, values: Mapping[str, np.ndarray], offers: list[tuple[int, int, str]]
) -> LinearPayoffs:
    game = model.game
    n = model.n_players
    owned: list[list[int]] = [[] for _ in range(n)]
    terms: list[list[np.ndarray]] = [[] for _ in range(n)]
    for v, (j, i, k) in enumerate(offers):
        for d, sign in ((i, 1.0), (j, -1.0)):
            owned[d].append(v)
            terms[d].append(sign * values[k])
    names = model.players
    return LinearPayoffs(
        players=names,
        actions=model.actions,
        variables=tuple(f"{names[j]}->{names[i]}:{k}" for j, i, k in offers),
        base=game.float_payoffs(),
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

    Returns
    -------
    TransferDesign

    Examples
    --------
    >>> import incentives as inc
    >>> deal = design_transfers(inc.load_model("examples/growing_company.yaml"))
    >>> deal.found, deal.verification.is_equilibrium, deal.imbalance < 1e-9
    (True, True, True)
    """
    if concept not in ("nash", "dominant"):
        raise DesignError(f"The 'concept' parameter must be 'nash' or 'dominant' for transfers. Got {concept!r}.")
    if not np.isfinite(margin) or margin < 0:
        raise DesignError(f"The 'margin' parameter must be a number >= 0. Got {margin!r} instead.")
    model = evaluated(model, exact=False)
    org = model.organization
    values = kpi_values(model)
    optimum = company_optimum(model)
    t = optimum.profile if target is None else parse_target(org, target, optimum.profile)
    offers = _candidates(org, values, kpis)
    lin = _payoffs(model, values, offers)
    n = len(offers)
    system = DesignSystem(
        payoffs=lin,
        target=t,
        margin=float(margin),
        deter=deterrence(lin, t, concept),
        lower=np.zeros(n),
        upper=np.full(n, np.inf if max_rate is None else float(max_rate)),
        levers=tuple(f"the transfers it may pay or receive ({len(o)} offered)" if len(o) else "" for o in lin.owned),
        base_meaning="under the current plan",
    )
    program = Program()
    x = add_system(program, system)
    at_target = np.array([abs(float(values[k][t])) for _, _, k in offers])
    spread = np.array([float(np.max(np.abs(values[k]))) for _, _, k in offers])
    program.objective[x] = at_target + 1e-6 * spread
    result = program.solve(time_limit=time_limit)
    none = TransferDesign(
        organization=org,
        target=t,
        target_label=profile_words(org, t),
        concept=concept,
        margin=float(margin),
        status="infeasible",
        transfers=(),
    )
    if result.status == "time_limit":
        return replace(none, status="stopped", notes=(f"the solver stopped at its time limit ({time_limit:g} s)",))
    if result.x is None:
        return replace(none, obstacles=explain_infeasible(system))
    names = org.department_names
    transfers = tuple(
        Transfer(
            payer=names[j],
            receiver=names[i],
            kpi=k,
            rate=float(nice_weight(rate)),
            paid_at_target=float(nice_weight(rate)) * float(values[k][t]),
        )
        for (j, i, k), rate, size in zip(offers, result.x[x], spread, strict=True)
        if rate * max(1.0, size) > 1e-7
    )
    found = replace(none, status="found", transfers=transfers)
    rebuilt = evaluate_model(found.redesigned, exact=False, reuse=model)
    found = replace(found, imbalance=transfer_imbalance(model, rebuilt))
    if not verify:
        return found
    return replace(found, verification=verify_plan(model, rebuilt, t, method=method, max_seconds=time_limit))
