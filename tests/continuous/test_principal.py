"""The company's optimal plan beyond the quadratic classics: non-polynomial responses, corners, and misuse."""

from __future__ import annotations

from typing import Any

import pytest
import sympy

import incentives as inc
from incentives.continuous import optimal_plan, plan_instruments
from incentives.continuous.classics import holmstrom_milgrom_model
from incentives.formula import symbol


def exponential_cost(value: Any = 3, r: Any = 0.5) -> inc.Organization:
    """Effort costs exp(e) - 1, so the agent works log(beta); the company values effort at ``value``."""
    return inc.Organization.from_dict(
        {
            "name": "exponential cost",
            "parameters": {"r": r, "sigma2": 1, "beta": 1, "value": value},
            "departments": {"agent": {"variables": {"e": {"lower": 0}}, "risk_premium": "r/2 * beta**2 * sigma2"}},
            "kpis": {"out": "agent.e"},
            "company_value": "value * out",
            "bonus": {"agent": {"out": "beta"}},
            "costs": {"agent": "exp(agent.e) - 1"},
        }
    )


def test_non_polynomial_response_still_has_a_closed_form() -> None:
    # W(beta) = value*log(beta) - (beta - 1) - r/2 beta^2, so W' = 0 at r beta^2 + beta - value = 0
    plan = optimal_plan(exponential_cost())
    assert plan.weights["beta"] == sympy.sqrt(7) - 1
    assert plan.efforts["agent.e"] == sympy.log(sympy.sqrt(7) - 1)
    general = optimal_plan(exponential_cost(), symbolic=["r", "value"])
    r, value = symbol("r"), symbol("value")
    assert sympy.simplify(general.weights["beta"] - (sympy.sqrt(1 + 4 * r * value) - 1) / (2 * r)) == 0
    # the agent works only if beta >= 1 (the marginal cost of the first unit is 1): that condition is kept
    assert len(general.conditions) == 1


def test_a_corner_plan_when_effort_is_not_worth_its_risk() -> None:
    # valued at 1, the first unit of effort costs as much as it is worth: pay nothing, get nothing
    plan = optimal_plan(exponential_cost(value=1))
    assert plan.weights["beta"] == 0 and plan.efforts["agent.e"] == 0


def test_instruments_default_to_parameters_in_bonus_weights() -> None:
    assert plan_instruments(holmstrom_milgrom_model()) == ("beta",)


def test_misuse_is_refused_clearly() -> None:
    org = holmstrom_milgrom_model()
    with pytest.raises(inc.SolverError, match="unknown objective"):
        optimal_plan(org, objective="revenue")
    with pytest.raises(inc.SolverError, match="unknown method"):
        optimal_plan(org, method="guess")
    with pytest.raises(inc.ModelError, match="unknown parameter"):
        optimal_plan(org, ["gamma"])
    fixed = org.to_dict()
    fixed["bonus"]["agent"]["output"] = 1
    with pytest.raises(inc.SolverError, match="no instruments"):
        optimal_plan(inc.Organization.from_dict(fixed))
    mixed = org.to_dict()
    mixed["departments"]["ops"] = {"actions": {"calm": {"x": 0}, "push": {"x": 1}}}
    with pytest.raises(inc.SolverError, match="needs every department continuous"):
        optimal_plan(inc.Organization.from_dict(mixed))
