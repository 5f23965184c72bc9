"""Continuous equilibria: closed forms, bounds, concavity failures, and the numeric solver against the symbolic one."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import optimize

import incentives as inc
from incentives.continuous import best_responses, continuous_game, profile_regrets, solve_continuous
from incentives.continuous.classics import baker_model, holmstrom_milgrom_model, kerr_model
from incentives.formula import symbol

S = symbol


def one_agent(
    payoff_kpi: str, *, cost: str | None = None, bounds: dict[str, Any] | None = None, **params: Any
) -> inc.Organization:
    data: dict[str, Any] = {
        "name": "one agent",
        "parameters": params,
        "departments": {"agent": {"variables": {"e": bounds if bounds is not None else {"lower": 0}}}},
        "kpis": {"k": payoff_kpi},
        "company_value": "k",
        "bonus": {"agent": {"k": 1}},
    }
    if cost:
        data["costs"] = {"agent": cost}
    return inc.Organization.from_dict(data)


def team(**params: Any) -> inc.Organization:
    """Two members with complementary efforts; each best-responds with s*(1 + g*e_other)/c."""
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


# --- closed forms ------------------------------------------------------------------------------------------------


def test_single_task_best_response_and_equilibrium_are_exact() -> None:
    org = holmstrom_milgrom_model()
    (br,) = best_responses(org, symbolic=True)
    assert sympy.simplify(br.response["agent.effort"] - S("beta") / S("c")) == 0
    assert br.concavity.status == "strictly concave" and br.concavity.scope == "everywhere"
    solution = solve_continuous(org, symbolic=True)
    (eq,) = solution.equilibria
    assert sympy.simplify(eq.profile["agent.effort"] - S("beta") / S("c")) == 0
    certainty_equivalent = S("beta") ** 2 / (2 * S("c")) - S("r") * S("beta") ** 2 * S("sigma2") / 2
    assert sympy.simplify(eq.payoffs["agent"] - certainty_equivalent) == 0
    assert solution.status == "complete" and eq.regret == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize(("beta", "expected", "bound"), [(-1, 0, "lower"), (0.3, 0.3, "interior"), (2, 1, "upper")])
def test_bounds_are_handled_by_the_kkt_regimes(beta: float, expected: float, bound: str) -> None:
    org = one_agent("beta * agent.e", cost="agent.e**2 / 2", bounds={"lower": 0, "upper": 1}, beta=beta)
    (eq,) = solve_continuous(org).equilibria
    assert float(eq.profile["agent.e"]) == pytest.approx(expected)
    assert eq.at_bound["agent.e"] == bound
    # the symbolic best response, a piecewise function of beta, agrees at the same point
    (br,) = best_responses(org, symbolic=["beta"])
    value = br.response["agent.e"].xreplace({S("beta"): sympy.nsimplify(beta)})
    assert float(value) == pytest.approx(expected)


def test_bounds_given_by_formulas_over_parameters() -> None:
    org = one_agent("agent.e", cost="agent.e**2 / 2", bounds={"lower": 0, "upper": "cap"}, cap=0.5)
    (eq,) = solve_continuous(org).equilibria
    assert (eq.profile["agent.e"], eq.at_bound["agent.e"]) == (sympy.Rational(1, 2), "upper")
    (eq,) = solve_continuous(org, symbolic=["cap"]).equilibria
    assert eq.profile["agent.e"] == S("cap")
    assert [str(c) for c in eq.conditions] == ["1 - cap >= 0"]  # the cap binds only while it is below 1
    (eq,) = solve_continuous(org, parameters={"cap": 3}).equilibria
    assert (eq.profile["agent.e"], eq.at_bound["agent.e"]) == (1, "interior")


def test_team_best_responses_and_equilibrium_by_hand() -> None:
    org = team()
    responses = {br.department: br.response for br in best_responses(org)}
    assert sympy.simplify(responses["a"]["a.effort"] - (2 + S("b.effort")) / 4) == 0
    (eq,) = solve_continuous(org).equilibria
    # fixed point of e = (2 + e)/4
    assert eq.profile == {"a.effort": sympy.Rational(2, 3), "b.effort": sympy.Rational(2, 3)}


def test_corner_solution_in_one_of_two_tasks() -> None:
    org = baker_model(g2=-0.5)  # the measure punishes task 2: the agent does none of it
    (eq,) = solve_continuous(org).equilibria
    assert eq.profile == {"agent.e1": 1, "agent.e2": 0}
    assert eq.at_bound == {"agent.e1": "interior", "agent.e2": "lower"}


# --- numeric against symbolic ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "org",
    [holmstrom_milgrom_model(beta=0.7), team(), team(g=-0.8, s=0.9), baker_model(), kerr_model()],
    ids=["single-task", "complements", "substitutes", "baker", "kerr"],
)
def test_numeric_solver_agrees_with_the_symbolic_one(org: inc.Organization) -> None:
    exact = solve_continuous(org, method="symbolic")
    numeric = solve_continuous(org, method="numeric", rng=1)
    assert exact.status == "complete" and numeric.status == "incomplete"
    assert len(exact.equilibria) == 1 == len(numeric.equilibria)
    for name, value in exact.equilibria[0].profile.items():
        assert numeric.equilibria[0].point[name] == pytest.approx(float(value), abs=1e-6)
    assert numeric.equilibria[0].regret <= 1e-6


def test_unsolvable_first_order_condition_falls_back_to_numeric() -> None:
    org = one_agent("w * agent.e", cost="agent.e**3 + exp(agent.e)", w=5)
    solution = solve_continuous(org, rng=0)
    assert solution.method == "numeric"
    assert any("no closed form" in n for n in solution.notes)
    root = optimize.brentq(lambda e: 5 - 3 * e**2 - np.exp(e), 0, 5)  # independent oracle
    (eq,) = solution.equilibria
    assert eq.point["agent.e"] == pytest.approx(root, abs=1e-6)


def test_payoffs_with_kinks_are_solved_numerically_and_verified() -> None:
    org = one_agent("min(agent.e, cap)", cost="agent.e**2 / 4", cap=0.5)
    solution = solve_continuous(org, rng=0)
    assert solution.method == "numeric"
    (eq,) = solution.equilibria
    assert eq.point["agent.e"] == pytest.approx(0.5, abs=1e-5)  # marginal value 1 > marginal cost e/2 up to the cap


# --- failures are reported ---------------------------------------------------------------------------------------


def test_concavity_failure_is_reported_and_false_candidates_are_rejected() -> None:
    org = one_agent("w * agent.e**2", bounds={"lower": 0, "upper": 1}, w=2)  # convex, no convex cost
    solution = solve_continuous(org)
    assert [c.status for c in solution.concavity] == ["not concave"]
    assert not solution.concave
    assert any("not concave" in n for n in solution.notes)
    # the first-order point e = 0 is a minimum: its regret is w, so it is rejected
    assert [float(eq.profile["agent.e"]) for eq in solution.rejected] == [0.0]
    assert solution.rejected[0].regret == pytest.approx(2)
    assert [float(eq.profile["agent.e"]) for eq in solution.equilibria] == [1.0]
    (br,) = best_responses(org)
    assert "need not be best responses" in br.note


def test_unbounded_payoff_has_no_best_response() -> None:
    org = one_agent("agent.e", bounds={"lower": 0})
    (br,) = best_responses(org)
    assert br.response == {} and "no best response" in br.note
    assert solve_continuous(org).equilibria == ()


def test_profile_regret_of_a_non_equilibrium_by_hand() -> None:
    org = holmstrom_milgrom_model()  # payoff e - e**2/2 - 1; best e = 1
    assert profile_regrets(org, {"agent.effort": 0.25}) == pytest.approx({"agent": 0.5 - (0.25 - 0.25**2 / 2)})
    assert profile_regrets(org, {"agent.effort": 1.0}) == pytest.approx({"agent": 0}, abs=1e-12)


def test_unknown_method_and_models_without_variables() -> None:
    with pytest.raises(inc.SolverError, match="unknown method"):
        solve_continuous(holmstrom_milgrom_model(), method="guess")
    with pytest.raises(inc.ModelError, match="no department has continuous"):
        solve_continuous(inc.load_model("examples/growing_company.yaml"))
    with pytest.raises(inc.SolverError, match="no closed form"):
        solve_continuous(one_agent("w * agent.e", cost="agent.e**3 + exp(agent.e)", w=5), method="symbolic")


# --- departments with actions alongside continuous ones -----------------------------------------------------------


def mixed(push_cost: float) -> inc.Organization:
    org = team()
    data = org.to_dict()
    data["parameters"]["push_cost"] = push_cost
    data["departments"]["ops"] = {"actions": {"calm": {"boost": 0}, "push": {"boost": 1}}}
    data["kpis"]["output"] += " + ops.boost * (a.effort + b.effort)"
    data["bonus"]["ops"] = {"output": 0.1}
    data["costs"]["ops"] = {"push": "push_cost"}
    return inc.Organization.from_dict(data)


@pytest.mark.parametrize(("push_cost", "action", "effort"), [(0.01, "push", 1), (1, "calm", sympy.Rational(2, 3))])
def test_actions_and_continuous_variables_together(push_cost: float, action: str, effort: Any) -> None:
    # with ops pushing, each member's marginal value is s*(2 + g*e_other) > c on [0, 1]: effort 1 (upper bound);
    # pushing then gains ops 0.1 * (1 + 1) = 0.2 > 0.01; with a cost of 1 ops stays calm and efforts are 2/3
    solution = solve_continuous(mixed(push_cost))
    assert [(eq.actions["ops"], eq.profile["a.effort"]) for eq in solution.equilibria] == [(action, effort)]
    assert all(eq.regrets["ops"] == 0 for eq in solution.equilibria)
    numeric = solve_continuous(mixed(push_cost), method="numeric", rng=0)
    assert [eq.actions["ops"] for eq in numeric.equilibria] == [action]


def test_continuous_game_keeps_the_variables_of_departments_with_actions_as_symbols() -> None:
    game = continuous_game(mixed(0.5))
    assert game.players == ("a", "b")
    assert S("ops.boost") in game.payoff("a").free_symbols


# --- property: random concave games against an independent fixed-point oracle --------------------------------------


@settings(max_examples=8, deadline=None)
@given(
    a=st.tuples(st.integers(-2, 4), st.integers(-2, 4)),
    b=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    k=st.tuples(st.integers(-2, 2), st.integers(-2, 2)),
)
def test_random_concave_games_match_clipped_best_response_iteration(
    a: tuple[int, int], b: tuple[int, int], k: tuple[int, int]
) -> None:
    assume(abs(k[0]) < b[0] and abs(k[1]) < b[1])  # a contraction: the equilibrium is unique
    org = inc.Organization.from_dict(
        {
            "name": "random",
            "departments": {p: {"variables": {"x": {"lower": 0, "upper": 2}}} for p in ("p", "q")},
            "kpis": {"kp": f"{a[0]} * p.x + {k[0]} * p.x * q.x", "kq": f"{a[1]} * q.x + {k[1]} * p.x * q.x"},
            "company_value": "kp + kq",
            "bonus": {"p": {"kp": 1}, "q": {"kq": 1}},
            "costs": {"p": f"{b[0]}/2 * p.x**2", "q": f"{b[1]}/2 * q.x**2"},
        }
    )
    x = np.zeros(2)
    for _ in range(500):  # oracle: iterate the clipped closed-form best responses
        x = np.array([np.clip((a[0] + k[0] * x[1]) / b[0], 0, 2), np.clip((a[1] + k[1] * x[0]) / b[1], 0, 2)])
    (eq,) = solve_continuous(org).equilibria
    assert [float(eq.profile["p.x"]), float(eq.profile["q.x"])] == pytest.approx(x.tolist(), abs=1e-9)
    assert eq.regret <= 1e-9


def test_a_department_with_more_variables_than_numpy_has_axes_gets_its_best_response() -> None:
    # issue 14: a fuzz mutation with 71 copies of Kerr's staff made the first best a department of 142 variables;
    # the grid of 3 values an axis asked numpy for 142 axes (ValueError, reported as a bug) and would have held 3**142
    # points. Oracle: with bonus 1 per unit of each variable and cost sum(v**2)/2, the best response is 1 everywhere.
    from incentives.continuous.numeric import best_response, compile_game

    names = [f"v{k}" for k in range(70)]
    org = inc.Organization.from_dict(
        {
            "name": "many variables",
            "departments": {"staff": {"variables": {name: {"lower": 0} for name in names}}},
            "kpis": {"total": " + ".join(f"staff.{name}" for name in names)},
            "company_value": "total",
            "bonus": {"staff": {"total": 1}},
            "costs": {"staff": "(" + " + ".join(f"staff.{name}**2" for name in names) + ") / 2"},
        }
    )
    compiled = compile_game(continuous_game(org))
    best, value = best_response(compiled, 0, np.zeros(len(names)))
    np.testing.assert_allclose(best, 1.0, atol=1e-6)
    assert value == pytest.approx(len(names) / 2)
