"""Reproduce the classic results on incentive pay with the library and compare them with the published formulas.

Usage (from the root of a checkout)::

    python papers/classics.py

prints the report that ``papers/classics.md`` quotes verbatim (``tests/continuous/test_classics.py``
checks it); :func:`reproduce` returns the same results as objects (``papers/build.py`` takes Table 9
of the paper from them).  Each result is derived by the library's general solvers from a classic
model (:mod:`incentives.continuous.classics`, the files in ``examples/classics/``) with its
parameters kept symbolic, then compared with the published closed form: ``agrees`` is
``sympy.simplify(derived - published) == 0``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import sympy

from incentives.continuous import classics, first_best, gaming_gaps, optimal_plan, profile_regrets, solve_continuous
from incentives.continuous.result import show
from incentives.formula import symbol

__all__ = ["Reproduction", "main", "report", "reproduce"]


@dataclass(frozen=True, kw_only=True)
class Reproduction:
    """One classic result: what the library derives, the published formula, and numbers.

    Parameters
    ----------
    title : str
    source : str
    quantity : str
        What is compared (``"commission beta*"``).
    derived, published : sympy.Expr or sympy.Matrix
    numbers : mapping of str to str
        Values at the model's parameters, as text.
    """

    title: str
    source: str
    quantity: str
    derived: Any
    published: Any
    numbers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "numbers", MappingProxyType(dict(self.numbers)))

    @property
    def agrees(self) -> bool:
        """Whether the derived and published formulas are identical (sympy simplifies their difference to 0)."""
        difference = sympy.simplify(sympy.sympify(self.derived) - sympy.sympify(self.published))
        if isinstance(difference, sympy.MatrixBase):
            return bool(difference.is_zero_matrix)
        return bool(difference == 0)


def _hm_single() -> Reproduction:
    org = classics.holmstrom_milgrom_model()
    plan = optimal_plan(org, symbolic=["r", "sigma2", "c"])
    exact = optimal_plan(org)
    best = first_best(org)
    return Reproduction(
        title="Holmstrom-Milgrom (1987), single task",
        source="Holmstrom and Milgrom 1991",
        quantity="optimal commission beta*",
        derived=plan.weights["beta"],
        published=classics.hm_single_commission(),
        numbers={
            "at": "r=2, sigma2=1, c=1",
            "beta*": show(exact.weights["beta"]),
            "effort": show(exact.efforts["agent.effort"]),
            "surplus": show(exact.value),
            "first-best effort": show(best.profile["agent.effort"]),
            "first-best surplus": show(best.value),
        },
    )


def _hm_multitask() -> Reproduction:
    org = classics.holmstrom_milgrom_multitask_model()
    plan = optimal_plan(org, symbolic=True)
    exact = optimal_plan(org)
    derived = sympy.Matrix([plan.weights["w1"], plan.weights["w2"]])
    return Reproduction(
        title="Holmstrom-Milgrom (1991), two measured tasks",
        source="Holmstrom and Milgrom 1991",
        quantity="optimal commissions (w1, w2)",
        derived=derived,
        published=classics.hm_multitask_commissions(),
        numbers={
            "at": "r=1, b=(1, 1), C=[[1, 1/2], [1/2, 1]], Sigma=diag(1, 2)",
            "w1": show(exact.weights["w1"]),
            "w2": show(exact.weights["w2"]),
            "efforts": f"t1={show(exact.efforts['agent.t1'])}, t2={show(exact.efforts['agent.t2'])}",
            "surplus": show(exact.value),
        },
    )


def _hm_unmeasured() -> Reproduction:
    plan = optimal_plan(classics.holmstrom_milgrom_multitask_model(measured=False), symbolic=True)
    exact = optimal_plan(classics.holmstrom_milgrom_multitask_model(measured=False))
    alone = optimal_plan(classics.holmstrom_milgrom_multitask_model(measured=False, c12=0))
    return Reproduction(
        title="Holmstrom-Milgrom (1991), second task unmeasurable",
        source="Holmstrom and Milgrom 1991",
        quantity="commission w1 on the measured task",
        derived=plan.weights["w1"],
        published=classics.hm_unmeasured_commission(),
        numbers={
            "at": "r=1, b=(1, 1), C=[[1, 1/2], [1/2, 1]], s11=1",
            "w1": show(exact.weights["w1"]),
            "w1 when the tasks do not interact (c12=0)": show(alone.weights["w1"]),
            "efforts": f"t1={show(exact.efforts['agent.t1'])}, t2={show(exact.efforts['agent.t2'])}",
        },
    )


def _teams() -> list[Reproduction]:
    general = solve_continuous(classics.team_model(3), symbolic=True).equilibria[0]
    out = [
        Reproduction(
            title="Holmstrom (1982), team member paid a share of a linear output",
            source="Holmstrom 1982",
            quantity="equilibrium effort",
            derived=general.profile["member_1.effort"],
            published=classics.team_effort(),
        )
    ]
    for n in (2, 3, 4):
        org = classics.team_model(n)
        solution = solve_continuous(org, symbolic=True)
        effort = solution.equilibria[0].profile["member_1.effort"]
        best = first_best(org, symbolic=True)
        exact = solve_continuous(org).equilibria[0]
        breaker = solve_continuous(classics.team_model(n, scheme="budget_breaker")).equilibria[0]
        threshold = classics.team_model(n, scheme="threshold")
        at_efficient = {f"member_{k}.effort": 1.0 for k in range(1, n + 1)}
        out.append(
            Reproduction(
                title=f"Holmstrom (1982), team of {n} with equal shares",
                source="Holmstrom 1982",
                quantity="equilibrium effort / efficient effort",
                derived=sympy.simplify(
                    effort.xreplace({symbol("share"): sympy.Rational(1, n)}) / best.profile["member_1.effort"]
                ),
                published=sympy.Rational(1, n),
                numbers={
                    "at": "a=1, c=1",
                    "effort (equal shares)": show(exact.profile["member_1.effort"]),
                    "efficient effort": show(first_best(org).profile["member_1.effort"]),
                    "effort with a budget breaker (share 1 each)": show(breaker.profile["member_1.effort"]),
                    "largest regret at the efficient profile, equal shares": show(
                        max(profile_regrets(org, at_efficient).values())
                    ),
                    "largest regret at the efficient profile, threshold scheme": show(
                        max(profile_regrets(threshold, at_efficient).values())
                    ),
                },
            )
        )
    return out


def _baker() -> list[Reproduction]:
    org = classics.baker_model()
    plan = optimal_plan(org, symbolic=["f1", "f2", "g1", "g2", "r", "sigma2"])
    exact = optimal_plan(org)
    losses = classics.baker_losses()
    best = first_best(org, symbolic=True)
    values = {symbol(k): v for k, v in org.parameters.items()}
    return [
        Reproduction(
            title="Baker (2002), pay on a distorted measure",
            source="Baker 1992, 2002",
            quantity="optimal weight beta*",
            derived=plan.weights["beta"],
            published=classics.baker_weight(),
            numbers={
                "at": "f=(1, 1), g=(1, 1/2), r=1, sigma2=1",
                "beta*": show(exact.weights["beta"]),
                "first-best surplus": show(losses["first_best"].xreplace(values)),
                "second-best surplus": show(exact.value),
                "lost to distortion": show(losses["distortion"].xreplace(values)),
                "lost to risk": show(losses["risk"].xreplace(values)),
            },
        ),
        Reproduction(
            title="Baker (2002), surplus at the optimal weight",
            source="Baker 2002",
            quantity="second-best surplus",
            derived=plan.value,
            published=losses["second_best"],
        ),
        Reproduction(
            title="Baker (2002), first-best surplus",
            source="Baker 2002",
            quantity="first-best surplus",
            derived=best.value,
            published=losses["first_best"],
        ),
    ]


def _kerr() -> Reproduction:
    org = classics.kerr_model()
    eq = gaming_gaps(org, symbolic=True)[0].equilibrium
    gaps = gaming_gaps(org)[0]
    derived = sympy.Matrix([eq.profile["staff.a"], eq.profile["staff.b"]])
    return Reproduction(
        title="Kerr (1975), rewarding A while hoping for B",
        source="Kerr 1975",
        quantity="equilibrium efforts (a, b)",
        derived=derived,
        published=sympy.Matrix([symbol("w"), 0]),
        numbers={
            "at": "value_a=1/2, value_b=1, w=1",
            "equilibrium": gaps.equilibrium.label() + " (b at its bound 0)",
            "company optimum": ", ".join(f"{k}={show(v)}" for k, v in gaps.optimum.profile.items()),
            "gaming gaps": ", ".join(f"{g.variable} {show(g.gap)}" for g in gaps.gaps),
            "surplus lost": show(gaps.value_gap),
        },
    )


def reproduce() -> tuple[Reproduction, ...]:
    """Every classic result, derived by the library (about ten seconds)."""
    return (_hm_single(), _hm_multitask(), _hm_unmeasured(), *_teams(), *_baker(), _kerr())


def report(results: tuple[Reproduction, ...]) -> str:
    """The text the command prints."""
    lines = ["Classic results on incentive pay, reproduced by incentives", ""]
    for item in results:
        lines.append(item.title)
        lines.append(f"  {item.quantity}")
        lines.append(f"    derived:   {_formula(item.derived)}")
        lines.append(f"    published: {_formula(item.published)}")
        lines.append(f"    identical: {'yes' if item.agrees else 'NO'}")
        for key, value in item.numbers.items():
            lines.append(f"  {key}: {value}")
        lines.append("")
    return "\n".join(lines)


def _formula(value: Any) -> str:
    if isinstance(value, sympy.MatrixBase):
        return "(" + ", ".join(show(sympy.factor(v)) for v in value) + ")"
    return show(value)


def main() -> None:
    """Print the report."""
    print(report(reproduce()), end="")


if __name__ == "__main__":
    main()
