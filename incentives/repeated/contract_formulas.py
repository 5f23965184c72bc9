"""The relational contract as exact formulas of a few quantities: what ``thresholds --repeated`` reads.

Definitions
-----------
:mod:`incentives.repeated.relational` defines the contract; this module writes it as sympy
expressions of the quantities that :func:`incentives.repeated.sustainability_formulas`
keeps symbolic.  With ``S(a) = company value(a) - sum_i cost_i(a_i)`` the joint surplus
(bonuses are transfers), ``a*`` the target, ``e`` the profile played after the company
reneges, ``g_i`` department ``i``'s one-shot gain, ``p_i`` its detection probability and
``delta`` the discount factor:

* the **largest credible discretionary bonus** ``B = delta / (1 - delta) * max(0, S(a*) - S(e))``;
* the **bonus each department needs** ``b_i = max(0, g_i) / p_i`` (infinite where ``p_i = 0``
  and ``g_i > 0``), and their total ``N = sum_i b_i``;
* the **condition** ``B - N >= 0``: the credible budget covers the bonuses needed;
* the contract's **critical discount factor** ``N / (N + S(a*) - S(e))`` (valid where both
  are positive): the condition holds exactly from it on.

Because ``N`` is a sum of maxima, the condition is also given without ``max`` (what a
threshold analysis solves): it holds exactly where one of two lists of expressions is all
at least 0.  The first: ``S(a*) - S(e)`` and, for every choice of one term ``t_i`` of
each ``max(0, g_i)`` (0 or one deviation's gain) other than all zeros,
``delta (S(a*) - S(e)) - (1 - delta) sum_i t_i / p_i``.  The second: ``-t`` for every
deviation's gain ``t`` (nobody is tempted, so no bonus is needed).

The profile ``e`` is a given reversion profile, else the pure stage equilibrium with the
least joint surplus at the model's values (:func:`incentives.repeated.relational_contract`
also looks at mixed ones); as for the grim-trigger formulas, the target and ``e`` stay the
same profiles wherever the quantities move.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from .._util import Number, frozen_map
from ..formula import symbol

__all__ = ["MAX_CHOICES", "ContractFormulas", "contract_formulas"]

#: Past this many choices of terms the condition is left as one expression with ``max`` (solved numerically).
MAX_CHOICES = 256


@dataclass(frozen=True, kw_only=True)
class ContractFormulas:
    """The relational contract's budget, the bonuses needed and the condition, as formulas (see the module).

    Parameters
    ----------
    reversion : str
        The profile played after the company reneges, ``e``.
    surplus, reversion_surplus : sympy.Expr
        The joint surplus per period at the target and at ``e``.
    required_bonuses : mapping of str to sympy.Expr
        ``max(0, g_i) / p_i``: the discretionary bonus each department needs.
    bonus_needed : sympy.Expr
        Their total ``N``.
    critical_discount : sympy.Expr
        ``N / (N + S(a*) - S(e))``.
    credible_bonus : sympy.Expr or None
        ``delta / (1 - delta) * max(0, S(a*) - S(e))`` (None without a discount factor).
    condition : sympy.Expr or None
        ``credible_bonus - bonus_needed``: the contract holds where it is at least 0.
    holds_where : tuple of tuple of sympy.Expr
        The same condition without ``max``: it holds where every expression of one of
        these lists is at least 0 (empty without a discount factor).

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.repeated import sustainability_formulas
    >>> contract = sustainability_formulas(inc.load_model("examples/keeping_close.yaml"), ["headcount"]).contract
    >>> contract.credible_bonus  # delta / (1 - delta) = 380 / (20 + h) times the surplus it adds, 9227/25
    701252/(5*headcount + 100)
    >>> contract.bonus_needed  # (23/25 + 38/25) / p, p = 20 / (20 + h)
    61*headcount/500 + 61/25
    """

    reversion: str
    surplus: sympy.Expr
    reversion_surplus: sympy.Expr
    required_bonuses: Mapping[str, sympy.Expr]
    bonus_needed: sympy.Expr
    critical_discount: sympy.Expr
    credible_bonus: sympy.Expr | None
    condition: sympy.Expr | None
    holds_where: tuple[tuple[sympy.Expr, ...], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "required_bonuses", frozen_map(self.required_bonuses))
        if (self.credible_bonus is None) != (self.condition is None):
            raise ValueError("'credible_bonus' and 'condition' of ContractFormulas are given together or not at all")

    @property
    def stake(self) -> sympy.Expr:
        """``S(a*) - S(e)``: the joint surplus per period that the relationship adds."""
        return sympy.cancel(self.surplus - self.reversion_surplus)

    def at(self, values: Mapping[str, Any], *, exact: bool = False) -> dict[str, Any]:
        """Every formula at numbers for the quantities, as Fractions when ``exact`` and the values are rational.

        Returns ``{"surplus": ..., "reversion_surplus": ..., "credible_bonus": ..., "bonus_needed":
        ..., "critical_discount": ..., "condition": ..., "required_bonuses": {department: ...},
        "holds": bool or None}``; an infinite bonus is ``math.inf``.
        """
        substitution = {symbol(k): sympy.nsimplify(v, rational=exact) for k, v in values.items()}

        def value(expr: sympy.Expr | None) -> Number | None:
            return None if expr is None else _number(sympy.sympify(expr).xreplace(substitution), exact)

        out: dict[str, Any] = {
            name: value(getattr(self, name))
            for name in (
                "surplus",
                "reversion_surplus",
                "credible_bonus",
                "bonus_needed",
                "critical_discount",
                "condition",
            )
        }
        out["required_bonuses"] = {d: value(e) for d, e in self.required_bonuses.items()}
        holds = None
        if out["credible_bonus"] is not None:
            holds = bool(out["bonus_needed"] <= out["credible_bonus"])
        out["holds"] = holds
        return out


def _number(expr: sympy.Expr, exact: bool) -> Number:
    if expr in (sympy.oo, sympy.zoo):
        return math.inf
    if exact and expr.is_Rational:
        return Fraction(int(expr.p), int(expr.q))
    return float(expr)


def _terms(gain: sympy.Expr) -> tuple[sympy.Expr, ...]:
    """The deviations' gains inside ``max(0, gain)`` that may be positive (numbers at most 0 never count)."""
    terms = gain.args if isinstance(gain, sympy.Max) else (gain,)
    return tuple(t for t in terms if not (t.is_number and bool(t <= 0)))


def _required(gain: sympy.Expr, seen: sympy.Expr) -> sympy.Expr:
    positive = sympy.Max(0, gain)
    if seen.is_number and seen == 0:
        return sympy.Integer(0) if positive == 0 else sympy.Piecewise((0, gain <= 0), (sympy.oo, True))
    return sympy.cancel(positive / seen) if positive.is_number else positive / seen


def contract_formulas(
    *,
    departments: Sequence[str],
    surplus: Callable[[Sequence[int]], sympy.Expr],
    target: Sequence[int],
    reversion: Sequence[int],
    reversion_label: str,
    gains: Mapping[str, sympy.Expr],
    monitoring: Mapping[str, sympy.Expr],
    discount: sympy.Expr | None,
) -> ContractFormulas:
    """The relational contract of ``target`` as formulas (see the module docstring).

    Parameters
    ----------
    departments : sequence of str
    surplus : callable
        The joint surplus at a pure profile, as a formula of the kept quantities.
    target, reversion : sequence of int
        Action indices of the target and of the profile played after the company reneges.
    reversion_label : str
    gains, monitoring : mapping of str to sympy.Expr
        Each department's one-shot gain (a ``Max`` over its deviations) and detection probability.
    discount : sympy.Expr or None

    Returns
    -------
    ContractFormulas
    """
    here, after = sympy.expand(surplus(target)), sympy.expand(surplus(reversion))
    stake = sympy.cancel(here - after)
    required = {d: _required(gains[d], monitoring[d]) for d in departments}
    needed = sympy.Add(*required.values())
    needed = sympy.cancel(needed) if not needed.has(sympy.Max, sympy.Piecewise) else needed
    critical = needed / (needed + stake)
    critical = sympy.cancel(critical) if not critical.has(sympy.Max, sympy.Piecewise) else critical
    credible = condition = None
    holds_where: tuple[tuple[sympy.Expr, ...], ...] = ()
    if discount is not None:
        credible = discount / (1 - discount) * sympy.Max(0, stake)
        credible = sympy.cancel(credible) if not credible.has(sympy.Max) else credible
        condition = credible - needed
        condition = sympy.cancel(condition) if not condition.has(sympy.Max, sympy.Piecewise) else condition
        holds_where = _holds_where(departments, gains, monitoring, discount, stake)
    return ContractFormulas(
        reversion=reversion_label,
        surplus=here,
        reversion_surplus=after,
        required_bonuses=required,
        bonus_needed=needed,
        critical_discount=critical,
        credible_bonus=credible,
        condition=condition,
        holds_where=holds_where,
    )


def _holds_where(
    departments: Sequence[str],
    gains: Mapping[str, sympy.Expr],
    monitoring: Mapping[str, sympy.Expr],
    discount: sympy.Expr,
    stake: sympy.Expr,
) -> tuple[tuple[sympy.Expr, ...], ...]:
    """The condition ``B >= N`` as alternatives of expressions that must all be at least 0 (see the module)."""
    terms = {d: _terms(gains[d]) for d in departments}
    untempted = tuple(sympy.cancel(-t) for d in departments for t in terms[d])
    if math.prod(len(t) + 1 for t in terms.values()) > MAX_CHOICES:
        return ((sympy.together(discount * sympy.Max(0, stake) - (1 - discount) * _max_total(terms, monitoring)),),)
    budget = []
    if not (stake.is_number and bool(stake >= 0)):
        budget.append(stake)
    for choice in itertools.product(*(_options(terms[d]) for d in departments)):
        if all(t == 0 for t in choice):
            continue
        total = sympy.Add(*(t / monitoring[d] for d, t in zip(departments, choice, strict=True) if t != 0))
        budget.append(sympy.cancel(sympy.together(discount * stake - (1 - discount) * total)))
    return tuple(a for a in (tuple(dict.fromkeys(budget)), untempted) if not _never(a))


def _options(terms: tuple[sympy.Expr, ...]) -> list[sympy.Expr]:
    """The terms ``max(0, g)`` may take; 0 is left out when some term is a positive number (it is never the max)."""
    if any(t.is_number and bool(t > 0) for t in terms):
        return list(terms)
    return [sympy.Integer(0), *terms]


def _max_total(terms: Mapping[str, tuple[sympy.Expr, ...]], monitoring: Mapping[str, sympy.Expr]) -> sympy.Expr:
    return sympy.Add(*(sympy.Max(0, *t) / monitoring[d] for d, t in terms.items()))


def _never(expressions: tuple[sympy.Expr, ...]) -> bool:
    """Whether some expression is a number below 0 (the list can never hold)."""
    return any(e.is_number and bool(e < 0) for e in expressions)
