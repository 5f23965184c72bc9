"""Discretisation: a finite game for every solver and analysis, converging to the continuous equilibrium."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy

import incentives as inc
from incentives.continuous import discretise, grid_values, solve_continuous
from incentives.continuous.classics import holmstrom_milgrom_model, kerr_model
from incentives.formula import symbol


def team(**params: Any) -> inc.Organization:
    values = {"s": 0.5, "c": 1, "g": 0.5, **params}
    return inc.Organization.from_dict(
        {
            "name": "team",
            "parameters": values,
            "departments": {m: {"variables": {"effort": {"lower": 0, "upper": 1}}} for m in ("a", "b")},
            "kpis": {"output": "a.effort + b.effort + g * a.effort * b.effort"},
            "company_value": "output",
            "bonus": {"a": {"output": "s"}, "b": {"output": "s"}},
            "costs": {"a": "c/2 * a.effort**2", "b": "c/2 * b.effort**2"},
        }
    )


def test_grid_values_are_exact_and_keep_formulas() -> None:
    assert grid_values(sympy.Integer(0), sympy.Integer(2), 3) == [0, 1, 2]
    cap = symbol("cap")
    assert grid_values(sympy.Integer(0), cap, 3) == [0, cap / 2, cap]
    with pytest.raises(ValueError, match="at least 2"):
        grid_values(sympy.Integer(0), sympy.Integer(1), 1)


def test_payoffs_of_the_grid_game_equal_the_continuous_payoffs() -> None:
    org = holmstrom_milgrom_model()  # payoff beta*e - c/2 e^2 - r/2 beta^2 sigma2 = e - e^2/2 - 1
    game = inc.build_game(discretise(org, 5, ranges={"agent.effort": (0, 2)}), exact=True)
    grid = [sympy.Rational(k, 2) for k in range(5)]
    assert list(game.payoffs[0]) == [e - e**2 / 2 - 1 for e in grid]


def test_several_variables_become_a_product_of_grids() -> None:
    grid = discretise(kerr_model(), {"staff.a": 3, "staff.b": 2}, ranges={"staff.a": (0, 2), "staff.b": (0, 1)})
    staff = grid.department("staff")
    assert staff.action_names == ("a_0_b_0", "a_0_b_1", "a_1_b_0", "a_1_b_1", "a_2_b_0", "a_2_b_1")
    assert staff.actions[3].values == {"a": 1, "b": 1}
    assert grid.costs["staff"]["a_1_b_1"] == 1  # (1 + 1) / 2


def test_a_variable_without_bounds_needs_a_range() -> None:
    with pytest.raises(inc.ModelError, match="ranges="):
        discretise(holmstrom_milgrom_model(), 5)


def test_finite_game_analyses_run_on_the_discretised_model() -> None:
    grid = discretise(kerr_model(), 3, ranges={"staff.a": (0, 1), "staff.b": (0, 1)})
    analysis = inc.analyze(grid)
    # the discretised equilibrium does A and no B, as the continuous one does
    assert [eq.label for eq in analysis.equilibria] == ["staff=a_2_b_0"]
    assert inc.dependency_graph(grid) is not None


def test_surplus_objective_makes_the_finite_optimum_the_first_best() -> None:
    kerr = kerr_model()
    ranges = {"staff.a": (0, 2), "staff.b": (0, 2)}
    as_written = inc.analyze(discretise(kerr, 5, ranges=ranges))
    surplus = inc.analyze(discretise(kerr, 5, ranges=ranges, objective="surplus"))
    game = surplus.game
    # company value alone grows with effort: its optimum is the corner (2, 2); net of effort costs it is
    # the first best (a, b) = (1/2, 1)
    assert as_written.game.profile_label(as_written.optimum.profiles[0]) == "staff=a_4_b_4"
    assert game.profile_label(surplus.optimum.profiles[0]) == "staff=a_1_b_2"
    with pytest.raises(ValueError, match="objective"):
        discretise(kerr, 3, ranges=ranges, objective="profit")


@pytest.mark.parametrize(("s", "g"), [(0.5, 0.5), (0.9, -0.8)], ids=["complements", "substitutes"])
def test_grid_equilibria_converge_to_the_continuous_equilibrium(s: float, g: float) -> None:
    # A grid best response is the grid point nearest the continuous one (the payoff is a concave quadratic in
    # one's own effort), so |e - e*| <= step/2 + L |e_other - e*| with L = |s g| the slope of the best
    # response: every grid equilibrium lies within step / (2 (1 - L)) of the continuous equilibrium.
    org = team(s=s, g=g)
    (exact,) = solve_continuous(org).equilibria
    target = np.array([float(exact.profile["a.effort"]), float(exact.profile["b.effort"])])
    distances = []
    for k in (3, 5, 9, 17, 33, 65):
        grid = discretise(org, k)
        game = inc.build_game(grid, exact=False)
        result = inc.solve(game, "pure")
        assert result.equilibria, k
        values = [
            np.array(
                [
                    float(grid.department(d).actions[i].values["effort"])
                    for d, i in zip(("a", "b"), eq.pure_indices(), strict=True)
                ]
            )
            for eq in result.equilibria
        ]
        distance = max(float(np.max(np.abs(v - target))) for v in values)
        step = 1 / (k - 1)
        assert distance <= step / (2 * (1 - abs(s * g))) + 1e-12
        distances.append(distance)
    assert distances[-1] < 0.03 and distances[-1] < distances[0] / 10
