"""Which terms a plan may pay on by default: KPIs aligned with company value for the deviations that matter.

The cheapest way to deter a switch is often a KPI that happens to move the right way for
that one switch: pay support per hour of *slower* resolution (support's thorough work is
slower), operations per production incident (operations' change freeze makes fewer).  No
company would sign such a plan: the same KPI rises when another department games, so the
holder is paid for the gaming.  A design therefore pays by default only on terms that never
pull against company value where it matters.

Definitions
-----------
The *deviations that matter* are the switches a design must deter
(:func:`~incentives.design.conditions.deterrence`), of **every** department:

* for ``"nash"`` and ``"unique"``: each department's switch from its target action to
  another, the other departments at the target;
* for ``"dominant"``: the same switch whatever the other departments do.

A switch from profile ``s`` to ``s'`` moves KPI ``k`` by ``dk = k(s') - k(s)`` and company
value by ``dV = V(s') - V(s)``; a weight ``w`` on ``k`` moves the pay of whoever holds the
term by ``w dk``.  The term *pulls against company value* at that switch when ``w dk`` and
``dV`` are both non-zero and of opposite signs (non-zero: above the tolerance
:func:`~incentives.tolerance.tolerance` at the scale of the ``k`` array, or of the ``V``
array).  A term is **aligned for the deviations that matter** when it pulls against company
value at none of them.

Alignment so defined belongs to a KPI and the sign of its weight, not to the department
paid: a department paid on a KPI is paid for what every department does to it, and a term
that rises when another department games pays its holder for that gaming.  A share of
company value is always aligned (``w dV`` has the sign of ``dV``).  A KPI that no deviation
that matters moves is aligned in both signs (it is harmless, and deters nothing).

By default :func:`incentives.design.design` pays only on shares of company value and on
KPIs in the signs in which they are aligned; a term that pulls against company value is
used only when it is allowed by name (``allow=["support:resolution_hours"]``) or when
``misaligned=True``, and is then flagged in every report.

This differs from :attr:`incentives.Analysis.alignment`, which asks of each term of the
*current* plan whether its holder's own switches, anywhere in the game, move it with
company value; here every department's switches count, at the situations the design is
about.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .._util import profile_label
from ..equilibrium import format_number
from ..evaluated import EvaluatedModel
from ..model import COMPANY_VALUE
from ..tolerance import RTOL, tolerance
from .conditions import Concept
from .linear import kpi_values, profiles_where
from .terms import Term

__all__ = ["KpiAlignment", "LeftOut", "keep_aligned", "kpi_alignment"]


@dataclass(frozen=True, kw_only=True)
class KpiAlignment:
    """Whether paying on ``kpi`` (a positive or a negative weight) pulls against company value.

    Parameters
    ----------
    kpi : str
    positive, negative : bool
        Whether a positive (negative) weight on the KPI is aligned for the deviations that matter.
    against_positive, against_negative : str or None
        When it is not: the switch where the term pulls against company value most, in words
        (``"switching sales from consultative to aggressive raises resolution_hours by 2.76 while company
        value falls by 193.92"``; the others' actions are named when they are not the target's).
    """

    kpi: str
    positive: bool
    negative: bool
    against_positive: str | None = None
    against_negative: str | None = None

    def aligned(self, weight: float) -> bool:
        """Whether a term with this weight is aligned (a zero weight always is).

        Examples
        --------
        >>> KpiAlignment(kpi="uptime", positive=True, negative=False).aligned(-0.5)
        False
        """
        if weight > 0:
            return self.positive
        if weight < 0:
            return self.negative
        return True

    def evidence(self, weight: float) -> str | None:
        """Why a term with this weight is not aligned (None when it is)."""
        if self.aligned(weight):
            return None
        return self.against_positive if weight > 0 else self.against_negative


@dataclass(frozen=True)
class _Switches:
    """Every switch that matters: the mover, its origin and destination profiles (flat indices)."""

    player: np.ndarray
    origin: np.ndarray
    dest: np.ndarray


def _switches(shape: tuple[int, ...], target: tuple[int, ...], concept: Concept) -> _Switches:
    players, origins, dests = [], [], []
    flat_target = int(np.ravel_multi_index(target, shape))
    for i, n in enumerate(shape):
        stride = int(np.prod(shape[i + 1 :], dtype=np.int64))
        base = profiles_where(shape, i, target[i]) if concept == "dominant" else np.array([flat_target])
        for a in range(n):
            if a != target[i]:
                players.append(np.full(len(base), i))
                origins.append(base)
                dests.append(base + (a - target[i]) * stride)
    if not origins:
        empty = np.zeros(0, dtype=np.int64)
        return _Switches(empty, empty, empty)
    return _Switches(np.concatenate(players), np.concatenate(origins), np.concatenate(dests))


def _signs(change: np.ndarray, scale: np.ndarray, rtol: float) -> np.ndarray:
    return np.where(np.abs(change) > tolerance(scale, rtol), np.sign(change), 0.0)


def _words(
    model: EvaluatedModel, target: tuple[int, ...], moves: _Switches, row: int, kpi: str, dk: float, dv: float
) -> str:
    i = int(moves.player[row])
    origin = np.unravel_index(int(moves.origin[row]), model.shape)
    dest = np.unravel_index(int(moves.dest[row]), model.shape)
    player, acts = model.players[i], model.actions[i]
    context = profile_label(model.players, model.actions, [int(k) for k in origin], skip=i)
    at_target = tuple(int(k) for k in origin) == tuple(target)
    with_others = f" (with {context})" if context and not at_target else ""
    kpi_move = f"{'raises' if dk > 0 else 'lowers'} {kpi} by {format_number(abs(dk))}"
    value_move = f"company value {'falls' if dv < 0 else 'rises'} by {format_number(abs(dv))}"
    return (
        f"switching {player} from {acts[int(origin[i])]} to {acts[int(dest[i])]}{with_others} {kpi_move} "
        f"while {value_move}"
    )


def _worst_row(conflict: np.ndarray, dk: np.ndarray) -> int | None:
    if not np.any(conflict):
        return None
    return int(np.argmax(np.where(conflict, np.abs(dk), -np.inf)))


def kpi_alignment(
    model: EvaluatedModel, target: tuple[int, ...], concept: Concept = "nash", *, tol: float = RTOL
) -> Mapping[str, KpiAlignment]:
    """For every KPI (and company value), whether a positive or negative weight on it is aligned.

    Parameters
    ----------
    model : EvaluatedModel
        The organisation, evaluated (floats or fractions).
    target : tuple of int
        The profile the design is about (action indices).
    concept : {"nash", "dominant", "unique"}
        Which switches matter (see the module docstring).
    tol : float
        Relative tolerance below which a change is no change.

    Returns
    -------
    dict of str to KpiAlignment
        In the model's KPI order, company value last.

    Examples
    --------
    >>> import incentives as inc
    >>> model = inc.evaluate_model(inc.load_model("examples/growing_company.yaml"), exact=False)
    >>> verdicts = kpi_alignment(model, (0, 0, 0, 0))
    >>> verdicts["resolution_hours"].positive, verdicts["company_value"].positive
    (False, True)
    >>> print(verdicts["resolution_hours"].against_positive)
    switching sales from consultative to aggressive raises resolution_hours by 2.76 while company value falls by 193.92
    """
    values = {k: np.asarray(v, dtype=float) for k, v in kpi_values(model).items()}
    moves = _switches(model.shape, tuple(target), concept)
    value = values[COMPANY_VALUE].reshape(-1)
    dv = value[moves.dest] - value[moves.origin]
    sv = _signs(dv, value, tol)
    out = {}
    for kpi, array in values.items():
        flat = array.reshape(-1)
        dk = flat[moves.dest] - flat[moves.origin]
        sk = _signs(dk, flat, tol)
        rows = [_worst_row(sign * sk * sv < 0, dk) for sign in (1.0, -1.0)]
        against = [None if r is None else _words(model, tuple(target), moves, r, kpi, dk[r], dv[r]) for r in rows]
        out[kpi] = KpiAlignment(
            kpi=kpi,
            positive=rows[0] is None,
            negative=rows[1] is None,
            against_positive=against[0],
            against_negative=against[1],
        )
    return out


@dataclass(frozen=True, kw_only=True)
class LeftOut:
    """A term a design left out (or a sign of its weight it refused) because it pulls against company value.

    ``sign`` is ``"positive"`` or ``"negative"``: the weights refused; ``evidence`` the switch where
    such a weight pulls against company value most, in words.
    """

    term: Term
    sign: str
    evidence: str


def keep_aligned(
    terms: Sequence[Term],
    limits: Mapping[Term, tuple[float, float]],
    verdicts: Mapping[str, KpiAlignment],
    explicit: Collection[Term],
) -> tuple[tuple[Term, ...], dict[Term, tuple[float, float]], tuple[LeftOut, ...]]:
    """The terms a plan may use by default, their limits narrowed to the aligned sign, and what was left out.

    A term in ``explicit`` (allowed by name) keeps its limits.  Any other term keeps only the
    weights of a sign in which it is aligned: a lower limit of 0 when only a positive weight is
    aligned, an upper limit of 0 when only a negative one is; a term left with only zero is
    left out.

    Examples
    --------
    >>> verdicts = {"uptime": KpiAlignment(kpi="uptime", positive=False, negative=True, against_positive="why")}
    >>> terms = [Term("operations", "uptime")]
    >>> keep_aligned(terms, {terms[0]: (0.0, math.inf)}, verdicts, explicit=())[0]
    ()
    >>> keep_aligned(terms, {terms[0]: (-math.inf, math.inf)}, verdicts, explicit=())[1]
    {Term(department='operations', kpi='uptime'): (-inf, 0.0)}
    """
    kept, narrowed, left = [], {}, []
    for term in terms:
        low, high = limits.get(term, (-math.inf, math.inf))
        verdict = verdicts.get(term.kpi)
        if term in explicit or verdict is None or term.kpi == COMPANY_VALUE:
            kept.append(term)
            narrowed[term] = (low, high)
            continue
        if not verdict.positive and high > 0:
            left.append(LeftOut(term=term, sign="positive", evidence=verdict.against_positive or ""))
            high = min(high, 0.0)
        if not verdict.negative and low < 0:
            left.append(LeftOut(term=term, sign="negative", evidence=verdict.against_negative or ""))
            low = max(low, 0.0)
        if low == high == 0 or low > high:
            continue
        kept.append(term)
        narrowed[term] = (low, high)
    return tuple(kept), narrowed, tuple(left)
