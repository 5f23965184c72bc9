"""Why each term of a designed plan is there, and which terms pull against company value.

Definitions
-----------
Department ``i``'s switch from its target action to ``a`` (the others at the target, or,
for a dominant-strategy design, at the situation where the switch loses least) loses

    ``L = -g(a) = -(constant + sum_k c_k w_k)``

(see :mod:`incentives.design.linear`).  The *share* of term ``k`` is ``-c_k w_k``: what
that term alone makes the switch cost (negative when it makes the switch pay).  The shares
and the part no weight moves (``-constant``: action costs saved, terms kept as they were)
sum to ``L`` exactly.  A term of the plan is *there for* the switches where its share is
positive.

A term is *flagged* when it pulls against company value for the deviations that matter
(:mod:`incentives.design.alignment`); it is then in the plan only because the user allowed
it by name, allowed every misaligned term, or kept it from the current plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .._util import Number
from .alignment import KpiAlignment
from .conditions import DesignSystem
from .linear import profile_label
from .terms import Term

__all__ = ["FlaggedTerm", "SwitchShare", "TermReason", "flagged_terms", "term_reasons"]


@dataclass(frozen=True, kw_only=True)
class SwitchShare:
    """What one term makes one deterred switch cost.

    Parameters
    ----------
    department, action, switch_to : str
        The department, its target action and the action it would switch to.
    context : str
        The others' actions where the switch is measured (``"the others at the target"``).
    share : Number
        What the term alone makes the switch cost (negative: what it makes the switch pay).
    loss : Number
        What the switch costs the department under the whole plan (at least the margin).
    """

    department: str
    action: str
    switch_to: str
    context: str
    share: Number
    loss: Number


@dataclass(frozen=True, kw_only=True)
class TermReason:
    """A term of the plan, its weight, and its share of every switch it changes (largest first).

    ``liability`` says whether the term is needed to keep its department's bonus from being
    negative somewhere (without it, some profile would fine the department); ``current`` whether
    the weight is the current plan's.
    """

    term: Term
    weight: Number
    switches: tuple[SwitchShare, ...]
    liability: bool = False
    current: bool = False

    @property
    def deters(self) -> tuple[SwitchShare, ...]:
        """The switches this term makes cost more (positive share)."""
        return tuple(s for s in self.switches if s.share > 0)


@dataclass(frozen=True, kw_only=True)
class FlaggedTerm:
    """A term of the plan that pulls against company value, the evidence, and why it is there anyway.

    ``allowed`` is ``"allowed by name"``, ``"misaligned terms allowed"`` or ``"kept from the current plan"``.
    """

    term: Term
    weight: Number
    evidence: str
    allowed: str


def _binding_rows(system: DesignSystem, i: int, losses: np.ndarray) -> list[int]:
    """For each action switched to, the row where the switch loses least."""
    sw = system.deter[i]
    out = []
    for a in dict.fromkeys(int(k) for k in sw.to):
        rows = np.flatnonzero(sw.to == a)
        out.append(int(rows[int(np.argmin(np.asarray(losses[rows], dtype=float)))]))
    return out


def _context(system: DesignSystem, i: int, row: int) -> str:
    sw = system.deter[i]
    flat_target = int(np.ravel_multi_index(system.target, system.payoffs.shape))
    if int(sw.origins[row]) == flat_target:
        return "the others at the target"
    return profile_label(system.payoffs, int(sw.origins[row]), skip=i)


def _needed_for_liability(system: DesignSystem, i: int, column: int, w: np.ndarray) -> bool:
    """Whether some bonus of department ``i`` would be negative without the weight of ``column``."""
    for floor in system.floors:
        if floor.player != i or column not in floor.columns:
            continue
        k = int(np.flatnonzero(floor.columns == column)[0])
        bonus = floor.coefficients @ w[floor.columns] - floor.lower
        if any(b - c * w[column] < 0 for b, c in zip(bonus, floor.coefficients[:, k], strict=True)):
            return True
    return False


def term_reasons(
    system: DesignSystem, weights: Sequence[Number], current: Sequence[Number] | None = None
) -> tuple[TermReason, ...]:
    """Each non-zero weight's share of the switches of its department (see the module docstring).

    ``system`` is the design's system (on fractions for exact shares), ``weights`` one per variable,
    ``current`` the current plan's weights of the same terms.

    Examples
    --------
    >>> from fractions import Fraction
    >>> import incentives as inc
    >>> from incentives.design.problem import DesignProblem
    >>> from incentives.design.setup import checked_side
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> side = checked_side(DesignProblem.from_options(org, allow=["*:company_value"]))
    >>> shares = [Fraction(1, 100), Fraction(1, 8), Fraction(1, 20), Fraction(1, 40)]
    >>> reason = term_reasons(side.system, shares)[1]
    >>> str(reason.term), reason.deters[0].switch_to, reason.deters[0].share
    ('support:company_value', 'fast_close', Fraction(36, 25))
    """
    lin = system.payoffs
    exact = lin.exact
    w = np.array(list(weights), dtype=object if exact else float)
    out = []
    for i, sw in enumerate(system.deter):
        if not len(sw):
            continue
        parts = -sw.coefficients * w[sw.columns][None, :]
        losses = -sw.constant + parts.sum(axis=1)
        rows = _binding_rows(system, i, losses)
        for k, column in enumerate(sw.columns):
            if w[column] == 0:
                continue
            shares = [
                SwitchShare(
                    department=lin.players[i],
                    action=lin.actions[i][system.target[i]],
                    switch_to=lin.actions[i][int(sw.to[r])],
                    context=_context(system, i, r),
                    share=parts[r, k],
                    loss=losses[r],
                )
                for r in rows
                if parts[r, k] != 0
            ]
            shares.sort(key=lambda s: -float(s.share))
            out.append(
                TermReason(
                    term=lin.variables[int(column)],
                    weight=w[column],
                    switches=tuple(shares),
                    liability=_needed_for_liability(system, i, int(column), w),
                    current=current is not None and current[int(column)] == w[column],
                )
            )
    return tuple(out)


def flagged_terms(
    plan: Mapping[Term, Number],
    verdicts: Mapping[str, KpiAlignment],
    *,
    named: frozenset[Term],
    kept: frozenset[Term],
) -> tuple[FlaggedTerm, ...]:
    """The terms of ``plan`` (term -> weight) that pull against company value, with why each is there.

    ``named`` are the terms the user allowed by name, ``kept`` those kept from the current plan; any
    other flagged term is there because every misaligned term was allowed.

    Examples
    --------
    >>> from fractions import Fraction
    >>> verdicts = {"uptime": KpiAlignment(kpi="uptime", positive=False, negative=True, against_positive="why")}
    >>> term = Term("operations", "uptime")
    >>> [f.allowed for f in flagged_terms({term: Fraction(1)}, verdicts, named=frozenset(), kept=frozenset([term]))]
    ['kept from the current plan']
    """
    out = []
    for term, weight in plan.items():
        verdict = verdicts.get(term.kpi)
        evidence = None if verdict is None or weight == 0 else verdict.evidence(float(weight))
        if evidence is None:
            continue
        if term in kept:
            allowed = "kept from the current plan"
        elif term in named:
            allowed = "allowed by name"
        else:
            allowed = "misaligned terms allowed"
        out.append(FlaggedTerm(term=term, weight=weight, evidence=evidence, allowed=allowed))
    return tuple(out)
