"""The classic results on incentive pay, as organisation models and as their published closed forms.

Each ``*_model`` function builds an :class:`~incentives.model.Organization`
(the same models as the files in ``examples/classics/``), and each closed-form
function gives the published formula as a sympy expression, so that what the
library derives can be compared with what the papers state.  Running

    ``python -m incentives.continuous.classics``

prints every result, derived by the library next to the formula (see
:mod:`incentives.continuous.reproduce`); ``papers/classics.md`` explains them.

* Holmstrom and Milgrom (1991): single-task commission ``1/(1 + r*sigma2*c)``;
  multitask commissions ``(I + r*C*Sigma)^-1 B'``; with the second task
  unmeasurable, the commission on the measured task
  ``(B1 - B2*C12/C22) / (1 + r*sigma1^2*(C11 - C12^2/C22))``.
* Holmstrom (1982): in a team sharing a linear output ``a * sum(e)`` with
  costs ``c/2 * e_i**2``, share ``s_i`` gives effort ``a*s_i/c``: with the budget
  balanced (shares summing to 1) nobody works efficiently, and equal shares give
  ``1/n`` of the efficient effort ``a/c``.  A budget breaker restores efficiency.
* Baker (2002): paying on a measure ``g.e`` of effort when value is ``f.e``,
  the optimal weight is ``f.g / (|g|^2 + r*sigma^2)``.
* Kerr (1975): rewarding A while hoping for B.

References
----------
.. [1] B. Holmstrom and P. Milgrom, "Multitask principal-agent analyses: incentive
   contracts, asset ownership, and job design", Journal of Law, Economics, and
   Organization 7, 24-52, 1991.
.. [2] B. Holmstrom, "Moral hazard in teams", Bell Journal of Economics 13(2),
   324-340, 1982.
.. [3] G. Baker, "Incentive contracts and performance measurement", Journal of
   Political Economy 100(3), 598-614, 1992; "Distortion and risk in optimal
   incentive contracts", Journal of Human Resources 37(4), 728-751, 2002.
.. [4] S. Kerr, "On the folly of rewarding A, while hoping for B", Academy of
   Management Journal 18(4), 769-783, 1975.
"""

from __future__ import annotations

from typing import Any

import sympy

from ..formula import symbol
from ..model import Organization

__all__ = [
    "baker_losses",
    "baker_model",
    "baker_weight",
    "hm_multitask_commissions",
    "hm_single_commission",
    "hm_unmeasured_commission",
    "holmstrom_milgrom_model",
    "holmstrom_milgrom_multitask_model",
    "kerr_model",
    "team_effort",
    "team_model",
]

S = symbol  # the model's symbols: ``S("r")`` is the parameter r of every model here


# -- Holmstrom and Milgrom (1991) ----------------------------------------------------------------------------------


def holmstrom_milgrom_model(*, r: Any = 2, sigma2: Any = 1, c: Any = 1, beta: Any = 1) -> Organization:
    """One agent, one task: a commission ``beta`` on a noisy measure of effort.

    The model of ``examples/classics/holmstrom_milgrom_single.yaml``.

    Examples
    --------
    >>> from incentives.continuous import optimal_plan
    >>> optimal_plan(holmstrom_milgrom_model(), symbolic=True).weights["beta"]
    1/(c*r*sigma2 + 1)
    """
    return Organization.from_dict(
        {
            "name": "Holmstrom-Milgrom single task",
            "parameters": {"r": r, "sigma2": sigma2, "c": c, "beta": beta},
            "departments": {"agent": {"variables": {"effort": {"lower": 0}}, "risk_premium": "r/2 * beta**2 * sigma2"}},
            "kpis": {"output": "agent.effort"},
            "company_value": "output",
            "bonus": {"agent": {"output": "beta"}},
            "costs": {"agent": "c/2 * agent.effort**2"},
        }
    )


def hm_single_commission() -> sympy.Expr:
    """Holmstrom-Milgrom's optimal single-task commission ``1/(1 + r*sigma2*c)``."""
    return 1 / (1 + S("r") * S("sigma2") * S("c"))


_HM_VALUES = {"r": 1, "b1": 1, "b2": 1, "c11": 1, "c12": 0.5, "c22": 1, "s11": 1, "s12": 0, "s22": 2}


def holmstrom_milgrom_multitask_model(*, measured: bool = True, **values: Any) -> Organization:
    """One agent, two tasks; both measured (``measured=True``) or only the first.

    Efforts ``t1, t2`` (deviations from what the agent supplies unpaid, so unbounded)
    cost ``(c11*t1**2 + 2*c12*t1*t2 + c22*t2**2)/2`` and are worth ``b1*t1 + b2*t2``;
    measure ``k`` is ``t_k`` plus noise with covariances ``s11, s12, s22``.  The
    commissions ``w1, w2`` are the instruments.
    """
    params = {**_HM_VALUES, **values, "w1": values.get("w1", 1)}
    kpis = {"measure_1": "agent.t1"}
    bonus = {"measure_1": "w1"}
    risk = "r/2 * w1**2 * s11"
    if measured:
        params["w2"] = values.get("w2", 1)
        kpis["measure_2"] = "agent.t2"
        bonus["measure_2"] = "w2"
        risk = "r/2 * (w1**2 * s11 + 2 * w1 * w2 * s12 + w2**2 * s22)"
    else:
        for name in ("s12", "s22"):
            params.pop(name)
    return Organization.from_dict(
        {
            "name": "Holmstrom-Milgrom multitask" + ("" if measured else ", second task unmeasurable"),
            "parameters": params,
            "departments": {"agent": {"variables": {"t1": {}, "t2": {}}, "risk_premium": risk}},
            "kpis": kpis,
            "company_value": "b1 * agent.t1 + b2 * agent.t2",
            "bonus": {"agent": bonus},
            "costs": {"agent": "(c11 * agent.t1**2 + 2 * c12 * agent.t1 * agent.t2 + c22 * agent.t2**2) / 2"},
        }
    )


def hm_multitask_commissions() -> sympy.Matrix:
    """Holmstrom-Milgrom's optimal commissions ``(I + r*C*Sigma)^-1 B'`` for two tasks (a 2 x 1 matrix)."""
    cost = sympy.Matrix([[S("c11"), S("c12")], [S("c12"), S("c22")]])
    noise = sympy.Matrix([[S("s11"), S("s12")], [S("s12"), S("s22")]])
    benefit = sympy.Matrix([S("b1"), S("b2")])
    return (sympy.eye(2) + S("r") * cost * noise).inv() * benefit


def hm_unmeasured_commission() -> sympy.Expr:
    """The commission on the measured task when the second cannot be measured."""
    c11, c12, c22 = S("c11"), S("c12"), S("c22")
    return (S("b1") - S("b2") * c12 / c22) / (1 + S("r") * S("s11") * (c11 - c12**2 / c22))


# -- Holmstrom (1982) -------------------------------------------------------------------------------------------------


def team_model(n: int = 3, *, scheme: str = "equal_shares", a: Any = 1, c: Any = 1) -> Organization:
    """A team of ``n`` members sharing the output ``a * (e_1 + ... + e_n)``; efforts cost ``c/2 * e_i**2``.

    ``scheme`` is ``"equal_shares"`` (each is paid ``share = 1/n`` of the output: the budget
    balances), ``"budget_breaker"`` (each is paid the whole output at the margin, ``share = 1``;
    a budget breaker outside the team absorbs the difference and collects fixed fees) or
    ``"threshold"`` (Holmstrom's group penalty: each is paid ``prize`` when output reaches the
    efficient ``target``, nothing otherwise).
    """
    if n < 2:
        raise ValueError(f"a team needs at least 2 members; got {n}")
    members = [f"member_{k}" for k in range(1, n + 1)]
    output = " + ".join(f"{m}.effort" for m in members)
    params: dict[str, Any] = {"a": a, "c": c}
    kpis = {"team_output": f"a * ({output})"}
    if scheme in ("equal_shares", "budget_breaker"):
        params["share"] = sympy.Rational(1, n) if scheme == "equal_shares" else 1
        params["share"] = str(params["share"])
        bonus = {m: {"team_output": "share"} for m in members}
    elif scheme == "threshold":
        params["target"] = f"{n} * ({a})**2 / ({c})"
        params["prize"] = f"({a})**2 / ({c})"
        kpis["target_met"] = "where(team_output >= target, 1, 0)"
        bonus = {m: {"target_met": "prize"} for m in members}
    else:
        raise ValueError(f"unknown scheme {scheme!r}; expected 'equal_shares', 'budget_breaker' or 'threshold'")
    return Organization.from_dict(
        {
            "name": f"Holmstrom team of {n} ({scheme.replace('_', ' ')})",
            "parameters": params,
            "departments": {m: {"variables": {"effort": {"lower": 0}}} for m in members},
            "kpis": kpis,
            "company_value": "team_output",
            "bonus": bonus,
            "costs": {m: f"c/2 * {m}.effort**2" for m in members},
        }
    )


def team_effort(share: Any = None) -> sympy.Expr:
    """Equilibrium effort ``a*share/c`` of a member paid ``share`` of the team output (``a/c`` is efficient)."""
    share = S("share") if share is None else sympy.sympify(share)
    return S("a") * share / S("c")


# -- Baker (1992, 2002) ------------------------------------------------------------------------------------------------


_BAKER_VALUES = {"f1": 1, "f2": 1, "g1": 1, "g2": 0.5, "r": 1, "sigma2": 1, "beta": 1}


def baker_model(**values: Any) -> Organization:
    """Value ``f.e``, measure ``g.e`` plus noise of variance ``sigma2``, pay ``beta`` per unit of measure."""
    return Organization.from_dict(
        {
            "name": "Baker - pay on a distorted measure",
            "parameters": {**_BAKER_VALUES, **values},
            "departments": {
                "agent": {
                    "variables": {"e1": {"lower": 0}, "e2": {"lower": 0}},
                    "risk_premium": "r/2 * beta**2 * sigma2",
                }
            },
            "kpis": {"measure": "g1 * agent.e1 + g2 * agent.e2"},
            "company_value": "f1 * agent.e1 + f2 * agent.e2",
            "bonus": {"agent": {"measure": "beta"}},
            "costs": {"agent": "(agent.e1**2 + agent.e2**2) / 2"},
        }
    )


def baker_weight() -> sympy.Expr:
    """Baker's optimal weight ``f.g / (|g|^2 + r*sigma^2)``."""
    f_dot_g = S("f1") * S("g1") + S("f2") * S("g2")
    return f_dot_g / (S("g1") ** 2 + S("g2") ** 2 + S("r") * S("sigma2"))


def baker_losses() -> dict[str, sympy.Expr]:
    """First-best and second-best surplus, and the loss split into distortion and risk.

    ``first_best = |f|^2/2``, ``second_best = (f.g)^2 / (2 (|g|^2 + r sigma^2))``;
    ``distortion = |f|^2/2 - (f.g)^2/(2|g|^2) = |f|^2 sin^2(theta)/2`` (the loss with no risk) and
    ``risk = (f.g)^2/(2|g|^2) - second_best``.
    """
    f2 = S("f1") ** 2 + S("f2") ** 2
    g2 = S("g1") ** 2 + S("g2") ** 2
    fg = S("f1") * S("g1") + S("f2") * S("g2")
    second = fg**2 / (2 * (g2 + S("r") * S("sigma2")))
    return {
        "first_best": f2 / 2,
        "second_best": second,
        "distortion": f2 / 2 - fg**2 / (2 * g2),
        "risk": fg**2 / (2 * g2) - second,
    }


# -- Kerr (1975) -------------------------------------------------------------------------------------------------------


def kerr_model(*, value_a: Any = 0.5, value_b: Any = 1, w: Any = 1) -> Organization:
    """Two tasks, only A counted and paid (``examples/classics/kerr.yaml``)."""
    return Organization.from_dict(
        {
            "name": "Kerr - rewarding A while hoping for B",
            "parameters": {"value_a": value_a, "value_b": value_b, "w": w},
            "departments": {"staff": {"variables": {"a": {"lower": 0}, "b": {"lower": 0}}}},
            "kpis": {"counted_output": "staff.a"},
            "company_value": "value_a * staff.a + value_b * staff.b",
            "bonus": {"staff": {"counted_output": "w"}},
            "costs": {"staff": "(staff.a**2 + staff.b**2) / 2"},
        }
    )


if __name__ == "__main__":  # pragma: no cover - the command prints the reproduction report
    from .reproduce import main

    main()
