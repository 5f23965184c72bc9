"""The classic results on incentive pay, as organisation models and as their published closed forms.

Each classic model is one file, ``examples/classics/NAME.yaml`` (shipped with the package
as ``incentives/continuous/classic_models/``, a link to that folder), and nothing else
defines it: :func:`classic_model` loads a file with some parameters changed, and each
``*_model`` function here is that, plus the variants the papers compare (a team of any
size, other sharing schemes, a second task that cannot be measured), built from the file.
Each closed-form function gives the published formula as a sympy expression, so that what
the library derives can be compared with what the papers state; ``python papers/classics.py``
(in a checkout) prints every result derived by the library next to its formula, and
``papers/classics.md`` explains them.

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

from dataclasses import replace
from importlib.resources import files
from typing import Any

import sympy

from ..errors import ModelError, Problem
from ..formula import parse_formula, symbol
from ..model import Organization
from ..readwrite.model_file import loads_model

__all__ = [
    "MODELS",
    "baker_losses",
    "baker_model",
    "baker_weight",
    "classic_model",
    "hm_multitask_commissions",
    "hm_single_commission",
    "hm_unmeasured_commission",
    "holmstrom_milgrom_model",
    "holmstrom_milgrom_multitask_model",
    "kerr_model",
    "team_effort",
    "team_model",
]

#: The classic models, each the file ``examples/classics/NAME.yaml``.
MODELS = ("holmstrom_milgrom_single", "holmstrom_milgrom_multitask", "holmstrom_team", "baker", "kerr")

S = symbol  # the model's symbols: ``S("r")`` is the parameter r of every model here


def classic_model(name: str, **values: Any) -> Organization:
    """The classic model ``name`` (one of :data:`MODELS`), read from its file, with some parameters changed.

    Parameters
    ----------
    name : str
        The file ``examples/classics/{name}.yaml``, bundled with the package.
    **values
        New values of some of its parameters (numbers, or number formulas such as ``"1/3"``).

    Raises
    ------
    ModelError
        If ``name`` is not a classic model or a value is not one of its parameters.

    Examples
    --------
    >>> org = classic_model("kerr", w=2)
    >>> org.name, org.parameters["w"]
    ('Kerr - rewarding A while hoping for B', 2)
    """
    if name not in MODELS:
        known = f"the classic models are {list(MODELS)}"
        raise ModelError([Problem(path="", message=f"no classic model {name!r}; {known}")])
    text = files(__package__).joinpath("classic_models", f"{name}.yaml").read_text(encoding="utf-8")
    org = loads_model(text, source=f"examples/classics/{name}.yaml")
    return org.with_parameters(values) if values else org


# -- Holmstrom and Milgrom (1991) ----------------------------------------------------------------------------------


def holmstrom_milgrom_model(**values: Any) -> Organization:
    """One agent, one task: a commission ``beta`` on a noisy measure of effort.

    ``examples/classics/holmstrom_milgrom_single.yaml``, with ``values`` for some of
    its parameters ``r``, ``sigma2``, ``c`` and ``beta``.

    Examples
    --------
    >>> from incentives.continuous import optimal_plan
    >>> optimal_plan(holmstrom_milgrom_model(), symbolic=True).weights["beta"]
    1/(c*r*sigma2 + 1)
    """
    return classic_model("holmstrom_milgrom_single", **values)


def hm_single_commission() -> sympy.Expr:
    """Holmstrom-Milgrom's optimal single-task commission ``1/(1 + r*sigma2*c)``."""
    return 1 / (1 + S("r") * S("sigma2") * S("c"))


def holmstrom_milgrom_multitask_model(*, measured: bool = True, **values: Any) -> Organization:
    """One agent, two tasks; both measured (``measured=True``) or only the first.

    ``examples/classics/holmstrom_milgrom_multitask.yaml``: efforts ``t1, t2``
    (deviations from what the agent supplies unpaid, so unbounded) cost
    ``(c11*t1**2 + 2*c12*t1*t2 + c22*t2**2)/2`` and are worth ``b1*t1 + b2*t2``;
    measure ``k`` is ``t_k`` plus noise with covariances ``s11, s12, s22``.  The
    commissions ``w1, w2`` are the instruments.  With ``measured=False`` the second
    measure is gone: its KPI and its commission ``w2`` (0 in the risk premium), and
    the noise parameters ``s12, s22`` that describe it.
    """
    org = classic_model("holmstrom_milgrom_multitask")
    if not measured:
        org = _without_second_measure(org)
    return org.with_parameters(values) if values else org


def _without_second_measure(org: Organization) -> Organization:
    gone = {"w2", "s12", "s22"}
    agent = org.department("agent")
    return replace(
        org,
        name=f"{org.name}, second task unmeasurable",
        parameters={k: v for k, v in org.parameters.items() if k not in gone},
        departments=(replace(agent, risk_premium=agent.risk_premium.xreplace({S("w2"): 0})),),
        kpis={k: v for k, v in org.kpis.items() if k != "measure_2"},
        bonus={"agent": {k: v for k, v in org.bonus["agent"].items() if k != "measure_2"}},
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

_SCHEMES = ("equal_shares", "budget_breaker", "threshold")


def team_model(n: int = 3, *, scheme: str = "equal_shares", **values: Any) -> Organization:
    """A team of ``n`` members sharing the output ``a * (e_1 + ... + e_n)``; efforts cost ``c/2 * e_i**2``.

    The team of ``examples/classics/holmstrom_team.yaml`` with ``n`` members, each a copy
    of its ``member_1``, and ``values`` for some of the parameters ``a`` and ``c``.
    ``scheme`` is ``"equal_shares"`` (each is paid ``share = 1/n`` of the output: the budget
    balances), ``"budget_breaker"`` (each is paid the whole output at the margin, ``share = 1``;
    a budget breaker outside the team absorbs the difference and collects fixed fees) or
    ``"threshold"`` (Holmstrom's group penalty: each is paid ``prize = a**2/c`` when output
    reaches the efficient ``target = n*a**2/c``, nothing otherwise).

    Examples
    --------
    >>> team = team_model(4)
    >>> team.department_names, team.parameters["share"]
    (('member_1', 'member_2', 'member_3', 'member_4'), 1/4)
    >>> team.kpis["team_output"]
    a*(member_1.effort + member_2.effort + member_3.effort + member_4.effort)
    """
    if n < 2:
        raise ValueError(f"a team needs at least 2 members; got {n}")
    if scheme not in _SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; expected 'equal_shares', 'budget_breaker' or 'threshold'")
    org = _with_members(classic_model("holmstrom_team", **values), n)
    org = replace(org, name=f"Holmstrom team of {n} ({scheme.replace('_', ' ')})")
    if scheme == "threshold":
        return _group_penalty(org, n)
    return org.with_parameters({"share": sympy.Rational(1, n) if scheme == "equal_shares" else 1})


def _with_members(org: Organization, n: int) -> Organization:
    """``org`` with ``n`` members, each a copy of the first; a sum over all members becomes one over the new ones."""
    template = org.departments[0]
    members = [f"member_{k}" for k in range(1, n + 1)]
    sums = {
        sympy.Add(*(S(f"{m}.{var}") for m in org.department_names)): sympy.Add(*(S(f"{m}.{var}") for m in members))
        for var in template.variables
    }

    def renamed(expr: sympy.Expr, member: str) -> sympy.Expr:
        return expr.xreplace({S(f"{template.name}.{var}"): S(f"{member}.{var}") for var in template.variables})

    return replace(
        org,
        departments=tuple(
            replace(template, name=m, cost=renamed(template.cost, m), risk_premium=renamed(template.risk_premium, m))
            for m in members
        ),
        kpis={k: v.xreplace(sums) for k, v in org.kpis.items()},
        company_value=org.company_value.xreplace(sums),
        bonus={m: org.bonus[template.name] for m in members},
    )


def _group_penalty(org: Organization, n: int) -> Organization:
    """Each member paid ``prize`` when the output reaches ``target``, instead of a share of it."""
    a, c = org.parameters["a"], org.parameters["c"]
    parameters = {k: v for k, v in org.parameters.items() if k != "share"}
    return replace(
        org,
        parameters={**parameters, "target": n * a**2 / c, "prize": a**2 / c},
        kpis={**org.kpis, "target_met": parse_formula("where(team_output >= target, 1, 0)")},
        bonus={m: {"target_met": S("prize")} for m in org.department_names},
    )


def team_effort(share: Any = None) -> sympy.Expr:
    """Equilibrium effort ``a*share/c`` of a member paid ``share`` of the team output (``a/c`` is efficient)."""
    share = S("share") if share is None else sympy.sympify(share)
    return S("a") * share / S("c")


# -- Baker (1992, 2002) ------------------------------------------------------------------------------------------------


def baker_model(**values: Any) -> Organization:
    """Value ``f.e``, measure ``g.e`` plus noise of variance ``sigma2``, pay ``beta`` per unit of measure.

    ``examples/classics/baker.yaml``, with ``values`` for some of its parameters.
    """
    return classic_model("baker", **values)


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


def kerr_model(**values: Any) -> Organization:
    """Two tasks, only A counted and paid: ``examples/classics/kerr.yaml``, ``values`` changing some parameters."""
    return classic_model("kerr", **values)
