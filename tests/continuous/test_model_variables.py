"""Continuous decision variables in model files: parsing, round trips, and every mistake reported with its path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import sympy

import incentives as inc
from incentives.formula import symbol

GOOD = """\
name: Agent and a department with actions
parameters: {r: 2, sigma2: 1, c: 1, beta: 0.5, cap: 10}
departments:
  agent:
    description: works on one task
    variables:
      effort: {lower: 0, upper: cap}
      care: {}
    risk_premium: r/2 * beta**2 * sigma2
  ops:
    actions:
      calm: {boost: 0}
      push: {boost: 1}
kpis:
  output: agent.effort + ops.boost
  quality: agent.care
company_value: output + quality
bonus:
  agent: {output: beta}
  ops: {output: 0.1}
costs:
  agent: c/2 * agent.effort**2 + agent.care**2
  ops: {push: 0.05}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "model.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def problems_of(path: Path) -> list[inc.Problem]:
    with pytest.raises(inc.ModelError) as info:
        inc.load_model(path)
    return list(info.value.problems)


def test_variables_bounds_cost_and_risk_premium_are_parsed(tmp_path: Path) -> None:
    org = inc.load_model(write(tmp_path, GOOD))
    agent = org.department("agent")
    assert agent.is_continuous and not org.department("ops").is_continuous
    assert agent.actions == ()
    assert agent.variables == ("effort", "care")
    assert agent.continuous["effort"] == inc.Bounds(lower=0, upper=symbol("cap"))
    assert agent.continuous["care"] == inc.Bounds()
    assert agent.cost == symbol("c") / 2 * symbol("agent.effort") ** 2 + symbol("agent.care") ** 2
    assert agent.risk_premium == symbol("r") * symbol("beta") ** 2 * symbol("sigma2") / 2
    assert org.costs == {"ops": {"push": sympy.Rational(1, 20)}}


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_through_text(tmp_path: Path, fmt: str) -> None:
    org = inc.load_model(write(tmp_path, GOOD))
    again = inc.loads_model(inc.dumps_model(org, format=fmt), format=fmt)
    assert again == org
    assert again.to_dict()["costs"]["agent"] == "agent.care**2 + agent.effort**2*c/2"


def test_constructor_takes_bounds_from_python() -> None:
    dept = inc.Department(name="agent", continuous={"effort": inc.Bounds(lower=0, upper="cap")}, cost="agent.effort**2")
    assert dept.continuous["effort"].upper == symbol("cap")
    assert dept.cost == symbol("agent.effort") ** 2
    with pytest.raises(TypeError, match="a bound must be"):
        inc.Bounds(lower=[0])


def test_build_game_refuses_continuous_models_and_points_to_the_solvers(tmp_path: Path) -> None:
    org = inc.load_model(write(tmp_path, GOOD))
    with pytest.raises(inc.ModelError) as info:
        inc.build_game(org)
    message = str(info.value)
    assert "departments.agent.variables" in message
    assert "solve_continuous" in message and "discretise" in message
    with pytest.raises(inc.ModelError, match="continuous"):
        inc.analyze(org)


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        (
            "effort: {lower: 0, upper: cap}",
            "effort: {lower: 0, upper: capp}",
            "departments.agent.variables.effort",
            "unknown name 'capp'",
        ),
        (
            "effort: {lower: 0, upper: cap}",
            "effort: {lower: 3, upper: 1}",
            "departments.agent.variables.effort",
            "above upper bound",
        ),
        (
            "effort: {lower: 0, upper: cap}",
            "effort: {low: 0}",
            "departments.agent.variables.effort.low",
            "'lower' and 'upper'",
        ),
        (
            "effort: {lower: 0, upper: cap}",
            "effort: {lower: agent.care}",
            "departments.agent.variables.effort",
            "expected a parameter",
        ),
        (
            "agent: c/2 * agent.effort**2 + agent.care**2",
            "agent: c/2 * ops.boost**2",
            "costs.agent",
            "unknown name 'ops.boost'",
        ),
        ("agent: c/2 * agent.effort**2 + agent.care**2", "agent: {effort: 1}", "costs.agent", "one formula over them"),
        ("ops: {push: 0.05}", "ops: 0.05", "costs.ops", "give each action's cost"),
        (
            "risk_premium: r/2 * beta**2 * sigma2",
            "risk_premium: r/2 * beta**2 * sigma3",
            "departments.agent.risk_premium",
            "unknown name 'sigma3'",
        ),
        (
            "      push: {boost: 1}",
            "      push: {boost: 1}\n    risk_premium: r",
            "departments.ops.risk_premium",
            "continuous 'variables'",
        ),
        ("    variables:\n      effort", "    variable:\n      effort", "departments.agent", "'variables' key"),
        ("  output: agent.effort", "  output: agent.efort", "kpis.output", "did you mean 'agent.effort'"),
        (
            "      push: {boost: 1}",
            "      push: {boost: 1}\n    variables: {x: {}}",
            "departments.ops",
            "either actions or continuous",
        ),
        ("      care: {}", "      2care: {}", "departments.agent.variables.2care", "is not a valid name"),
    ],
)
def test_each_mistake_names_field_and_expectation(tmp_path: Path, old: str, new: str, path: str, words: str) -> None:
    assert old in GOOD
    found = problems_of(write(tmp_path, GOOD.replace(old, new)))
    assert any(p.path.startswith(path) and words in p.message for p in found), found
    assert all(p.line is not None for p in found if p.path), found


def test_kpis_may_use_continuous_variables_and_discrete_ones_together(tmp_path: Path) -> None:
    org = inc.load_model(write(tmp_path, GOOD))
    assert org.resolved_company_value() == symbol("agent.effort") + symbol("ops.boost") + symbol("agent.care")
    assert org.payoff_formula("agent") == symbol("beta") * (symbol("agent.effort") + symbol("ops.boost"))


def test_models_of_actions_are_unchanged() -> None:
    org = inc.load_model("examples/growing_company.yaml")
    assert all(not d.is_continuous and d.continuous == {} and d.cost == 0 for d in org.departments)
    assert "variables" not in str(inc.dumps_model(org))
