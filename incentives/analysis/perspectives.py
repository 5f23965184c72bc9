"""The view from each department: is an event a win or a loss, for whom, and by how much?

An *event* is a set of parameter changes, named in the model file
(``events: {big_contract: {customers_per_deal: 300}}``) or given directly.  The
organisation is solved before and after the event.  For each department and for
the company three figures are reported:

* **before**: payoff (company value) at the chosen equilibrium before the event;
* **immediate**: the same actions after the event, before anyone reacts;
* **after**: at the chosen equilibrium after the event, once departments have re-optimised.

The verdict (win, loss, no change) compares *after* with *before*.  When there
are several equilibria, ``selection`` picks the one compared: ``"worst"`` (the
lowest company value, the default) or ``"best"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .._display import report_text
from .._util import Number
from ..build import evaluated
from ..equilibrium import expected_value
from ..errors import ModelError, Problem
from ..evaluated import EvaluatedModel
from ..model import Organization
from ..tolerance import is_zero
from .gaming import Analysis, EquilibriumGaming, analyze

__all__ = ["Perspective", "Perspectives", "perspectives"]


@dataclass(frozen=True, kw_only=True)
class Perspective:
    """How one department (or the company) sees an event."""

    party: str
    before: Number
    immediate: Number
    after: Number

    @property
    def change(self) -> Number:
        """After minus before."""
        return self.after - self.before

    @property
    def verdict(self) -> str:
        """``"win"``, ``"loss"`` or ``"no change"``."""
        if is_zero(self.change, scale=max(abs(float(self.before)), abs(float(self.after)))):
            return "no change"
        return "win" if self.change > 0 else "loss"


@dataclass(frozen=True, kw_only=True)
class Perspectives:
    """An event seen from every department and from the company."""

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    event: str
    changes: Mapping[str, Number]
    selection: str
    before: Analysis
    after: Analysis
    before_equilibrium: EquilibriumGaming
    after_equilibrium: EquilibriumGaming
    views: tuple[Perspective, ...]
    kpis: Mapping[str, tuple[Number, Number]]

    @property
    def company(self) -> Perspective:
        """The company's view (the last entry of ``views``)."""
        return self.views[-1]

    def view(self, party: str) -> Perspective:
        """The view of one department, or of ``"company"``."""
        for v in self.views:
            if v.party == party:
                return v
        raise KeyError(f"no view for {party!r}; the parties are {[v.party for v in self.views]}")


def _event_changes(org: Organization, event: str | Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    if isinstance(event, str):
        if event not in org.events:
            known = sorted(org.events) or "none are declared"
            raise ModelError([Problem(path=f"events.{event}", message=f"unknown event; the model's events: {known}")])
        return event, dict(org.events[event])
    name = ", ".join(f"{k}={v}" for k, v in event.items())
    return name, dict(event)


def _select(analysis: Analysis, selection: str) -> EquilibriumGaming:
    chosen = analysis.worst if selection == "worst" else analysis.best
    if chosen is None:
        raise ModelError([Problem(path="", message="no equilibrium was found, so the event cannot be compared")])
    return chosen


def perspectives(
    model: Organization | EvaluatedModel,
    event: str | Mapping[str, Any],
    *,
    selection: Literal["worst", "best"] = "worst",
    method: str = "all",
    exact: bool | None = None,
    before: Analysis | None = None,
) -> Perspectives:
    """Play an event out: who wins and who loses, before and after departments react.

    Parameters
    ----------
    model : Organization or EvaluatedModel
        The organisation before the event, or its evaluated model.
    event : str or mapping
        The name of an event of the model, or parameter changes ``{name: value}``.
    selection : {"worst", "best"}
        Which equilibrium to compare when there are several.
    method : str
        Solver method.
    exact : bool or None
        Exact arithmetic (None: automatic).
    before : Analysis, optional
        The analysis of ``model`` before the event, when it is already at hand (the workshop page
        keeps it): then the model is not solved again.  It must be the analysis of this very model.

    Returns
    -------
    Perspectives

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> views = inc.perspectives(org, "big_contract")
    >>> {v.party: v.verdict for v in views.views}
    {'sales': 'win', 'support': 'loss', 'development': 'no change', 'operations': 'loss', 'company': 'win'}
    """
    if selection not in ("worst", "best"):
        raise ValueError(
            f"The 'selection' parameter of perspectives must be 'worst' or 'best'. Got {selection!r} instead."
        )
    model = evaluated(model, exact=exact)
    org = model.organization
    name, changes = _event_changes(org, event)
    changed = org.with_parameters(changes)
    if before is None:
        before = analyze(model, method=method)
    elif before.model is not model:
        raise ValueError("'before' must be the analysis of the model given (its evaluated model, the same object)")
    after = analyze(changed, method=method, exact=exact if exact is not None else (False if not model.exact else None))
    eq_before, eq_after = _select(before, selection), _select(after, selection)
    profile_before, profile_after = eq_before.equilibrium.profile, eq_after.equilibrium.profile
    views = []
    for i, dept in enumerate(before.game.players):
        views.append(
            Perspective(
                party=dept,
                before=eq_before.equilibrium.payoffs[i],
                immediate=expected_value(after.game.payoffs[i], profile_before),
                after=eq_after.equilibrium.payoffs[i],
            )
        )
    views.append(
        Perspective(
            party="company",
            before=expected_value(before.model.company_value, profile_before),
            immediate=expected_value(after.model.company_value, profile_before),
            after=expected_value(after.model.company_value, profile_after),
        )
    )
    return Perspectives(
        event=name,
        changes={k: changed.parameters[k] for k in changes},
        selection=selection,
        before=before,
        after=after,
        before_equilibrium=eq_before,
        after_equilibrium=eq_after,
        views=tuple(views),
        kpis={
            k: (expected_value(old, profile_before), expected_value(after.model.kpis[k], profile_after))
            for k, old in before.model.kpis.items()
        },
    )
