"""The classic results, derived by the library, against their published closed forms (symbolically and at points)."""

from __future__ import annotations

import re
import runpy
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy

import incentives as inc
from incentives.continuous import classics, first_best, gaming_gaps, optimal_plan, profile_regrets, solve_continuous
from incentives.formula import symbol

S = symbol


def same(a: Any, b: Any) -> bool:
    return sympy.simplify(sympy.sympify(a) - sympy.sympify(b)) == 0


def at(expr: sympy.Expr, **values: Any) -> sympy.Expr:
    return sympy.sympify(expr).xreplace({S(k): sympy.nsimplify(v) for k, v in values.items()})


# --- Holmstrom and Milgrom (1991) ---------------------------------------------------------------------------------


def test_single_task_commission_symbolically() -> None:
    plan = optimal_plan(classics.holmstrom_milgrom_model(), symbolic=True)
    assert same(plan.weights["beta"], 1 / (1 + S("r") * S("sigma2") * S("c")))
    assert same(plan.efforts["agent.effort"], plan.weights["beta"] / S("c"))
    assert plan.concavity is not None and plan.concavity.status == "strictly concave"


@pytest.mark.parametrize(("r", "sigma2", "c"), [(2, 1, 1), (0.5, 3, 2), (1, 0.25, 4), (0, 5, 3)])
def test_single_task_commission_at_points(r: float, sigma2: float, c: float) -> None:
    plan = optimal_plan(classics.holmstrom_milgrom_model(r=r, sigma2=sigma2, c=c))
    expected = 1 / (1 + Fraction(str(r)) * Fraction(str(sigma2)) * Fraction(str(c)))
    assert plan.weights["beta"] == sympy.Rational(expected.numerator, expected.denominator)


def test_single_task_numeric_plan_agrees_with_the_closed_form() -> None:
    plan = optimal_plan(classics.holmstrom_milgrom_model(r=0.5, sigma2=3, c=2), method="numeric", rng=0)
    assert plan.method == "numeric"
    assert plan.point["beta"] == pytest.approx(1 / (1 + 0.5 * 3 * 2), abs=1e-5)


def test_profit_objective_pays_half_without_participation_constraint() -> None:
    # company value minus the bonus bill: (1 - beta) * beta / c, largest at beta = 1/2 whatever the risk
    plan = optimal_plan(classics.holmstrom_milgrom_model(), objective="profit", symbolic=True)
    assert plan.weights["beta"] == sympy.Rational(1, 2)


def test_multitask_commissions_symbolically() -> None:
    plan = optimal_plan(classics.holmstrom_milgrom_multitask_model(), symbolic=True)
    derived = sympy.Matrix([plan.weights["w1"], plan.weights["w2"]])
    assert (derived - classics.hm_multitask_commissions()).applyfunc(sympy.simplify).is_zero_matrix


@pytest.mark.parametrize(
    "values",
    [
        {"r": 1, "c12": 0.5, "s22": 2},
        {"r": 2, "b1": 3, "b2": 1, "c11": 2, "c12": -0.5, "c22": 1, "s11": 1, "s12": 0.25, "s22": 0.5},
    ],
)
def test_multitask_commissions_at_points_against_numpy(values: dict[str, float]) -> None:
    org = classics.holmstrom_milgrom_multitask_model(**values)
    plan = optimal_plan(org)
    p = {k: float(v) for k, v in org.parameters.items()}
    cost = np.array([[p["c11"], p["c12"]], [p["c12"], p["c22"]]])
    noise = np.array([[p["s11"], p["s12"]], [p["s12"], p["s22"]]])
    expected = np.linalg.solve(np.eye(2) + p["r"] * cost @ noise, [p["b1"], p["b2"]])  # independent oracle
    assert [float(plan.weights["w1"]), float(plan.weights["w2"])] == pytest.approx(expected.tolist(), abs=1e-12)


def test_unmeasurable_second_task_commission() -> None:
    plan = optimal_plan(classics.holmstrom_milgrom_multitask_model(measured=False), symbolic=True)
    assert same(plan.weights["w1"], classics.hm_unmeasured_commission())
    # it is the limit of the two-measure formula as the second measure's noise grows without bound
    w1 = classics.hm_multitask_commissions()[0].xreplace({S("s12"): 0})
    assert same(sympy.limit(w1, S("s22"), sympy.oo), classics.hm_unmeasured_commission())


def test_commission_on_the_measured_task_falls_when_the_tasks_compete() -> None:
    single = S("b1") / (1 + S("r") * S("s11") * S("c11"))  # the commission with no second task (c12 = 0)
    unmeasured = classics.hm_unmeasured_commission()
    assert same(unmeasured.xreplace({S("c12"): 0}), single)
    # single - unmeasured = c12 * (b2 (1 + r s11 c11) - b1 r s11 c12) / (positive): it falls for substitutes
    # (c12 > 0) as long as the unmeasured task is worth enough, b2 (1 + r s11 c11) > b1 r s11 c12
    denominator = (1 + S("r") * S("s11") * S("c11")) * (
        S("c22") + S("r") * S("s11") * (S("c11") * S("c22") - S("c12") ** 2)
    )
    gap = S("c12") * (S("b2") * (1 + S("r") * S("s11") * S("c11")) - S("b1") * S("r") * S("s11") * S("c12"))
    assert same(single - unmeasured, gap / denominator)
    fallen = optimal_plan(classics.holmstrom_milgrom_multitask_model(measured=False)).weights["w1"]
    alone = optimal_plan(classics.holmstrom_milgrom_multitask_model(measured=False, c12=0)).weights["w1"]
    assert (fallen, alone) == (sympy.Rational(2, 7), sympy.Rational(1, 2))


# --- Holmstrom (1982) ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 3, 4])
def test_equal_shares_give_one_nth_of_the_efficient_effort(n: int) -> None:
    org = classics.team_model(n)
    solution = solve_continuous(org, symbolic=["a", "c"])
    (eq,) = solution.equilibria
    efficient = first_best(org, symbolic=["a", "c"]).profile
    for k in range(1, n + 1):
        assert same(eq.profile[f"member_{k}.effort"], S("a") / (n * S("c")))
        assert same(efficient[f"member_{k}.effort"], S("a") / S("c"))
    numeric = solve_continuous(org, method="numeric", rng=0).equilibria[0]
    assert numeric.point["member_1.effort"] == pytest.approx(1 / n, abs=1e-6)


def test_any_budget_balanced_sharing_leaves_everyone_below_the_efficient_effort() -> None:
    org = inc.Organization.from_dict(
        {
            "name": "unequal shares",
            "parameters": {"a": 1, "c": 1, "s1": 0.5, "s2": 0.3},
            "departments": {m: {"variables": {"effort": {"lower": 0}}} for m in ("m1", "m2", "m3")},
            "kpis": {"output": "a * (m1.effort + m2.effort + m3.effort)"},
            "company_value": "output",
            "bonus": {"m1": {"output": "s1"}, "m2": {"output": "s2"}, "m3": {"output": "1 - s1 - s2"}},
            "costs": {m: f"c/2 * {m}.effort**2" for m in ("m1", "m2", "m3")},
        }
    )
    (eq,) = solve_continuous(org, symbolic=True).equilibria
    assert same(eq.profile["m3.effort"], S("a") * (1 - S("s1") - S("s2")) / S("c"))
    assert sum(eq.point.values()) == pytest.approx(1.0)  # total effort a/c: a single member's efficient effort


def test_budget_breaker_restores_efficiency() -> None:
    (eq,) = solve_continuous(classics.team_model(3, scheme="budget_breaker"), symbolic=["a", "c"]).equilibria
    assert all(same(v, S("a") / S("c")) for v in eq.profile.values())


def test_holmstrom_group_penalty_makes_the_efficient_profile_an_equilibrium() -> None:
    efficient = {f"member_{k}.effort": 1.0 for k in (1, 2, 3)}
    assert max(profile_regrets(classics.team_model(3, scheme="threshold"), efficient).values()) == pytest.approx(
        0, abs=1e-9
    )
    # under equal shares each member gains by cutting effort to 1/3: 1/3 * (1/3 + 2) - 1/18 - (1/3 * 3 - 1/2) = 2/9
    assert max(profile_regrets(classics.team_model(3), efficient).values()) == pytest.approx(2 / 9, abs=1e-9)
    solution = solve_continuous(classics.team_model(3, scheme="threshold"), starts=[efficient], rng=0)
    assert any(all(abs(v - 1) < 1e-6 for v in eq.point.values()) for eq in solution.equilibria)


# --- Baker (1992, 2002) -------------------------------------------------------------------------------------------


def test_baker_weight_and_surpluses_symbolically() -> None:
    org = classics.baker_model()
    plan = optimal_plan(org, symbolic=True)
    assert same(plan.weights["beta"], classics.baker_weight())
    losses = classics.baker_losses()
    assert same(plan.value, losses["second_best"])
    assert same(first_best(org, symbolic=True).value, losses["first_best"])
    assert same(losses["first_best"] - losses["second_best"], losses["distortion"] + losses["risk"])


@pytest.mark.parametrize("values", [{}, {"f1": 2, "f2": 0.5, "g1": 0.5, "g2": 1.5, "r": 3, "sigma2": 0.2}])
def test_baker_at_points(values: dict[str, float]) -> None:
    org = classics.baker_model(**values)
    plan = optimal_plan(org)
    assert plan.weights["beta"] == at(classics.baker_weight(), **{k: v for k, v in org.parameters.items()})
    f = np.array([float(org.parameters["f1"]), float(org.parameters["f2"])])
    g = np.array([float(org.parameters["g1"]), float(org.parameters["g2"])])
    # with no risk, the loss is the distortion |f|^2 sin^2(theta) / 2
    riskless = optimal_plan(classics.baker_model(**{**values, "r": 0}))
    sin2 = 1 - (f @ g) ** 2 / ((f @ f) * (g @ g))
    assert float(f @ f / 2 - riskless.value) == pytest.approx((f @ f) * sin2 / 2, abs=1e-12)


def test_baker_numbers_of_the_example() -> None:
    losses = {k: at(v, **classics.baker_model().parameters) for k, v in classics.baker_losses().items()}
    assert losses == {
        "first_best": 1,
        "second_best": sympy.Rational(1, 2),
        "distortion": sympy.Rational(1, 10),
        "risk": sympy.Rational(2, 5),
    }


# --- Kerr (1975) --------------------------------------------------------------------------------------------------


def test_kerr_rewarding_a_gets_a_and_no_b() -> None:
    org = classics.kerr_model()
    (eq,) = solve_continuous(org, symbolic=True).equilibria
    assert eq.profile == {"staff.a": S("w"), "staff.b": 0}
    assert eq.at_bound["staff.b"] == "lower"
    (gaps,) = gaming_gaps(org)
    assert [(g.variable, g.direction, g.gap) for g in gaps.gaps] == [
        ("staff.a", "more", sympy.Rational(1, 2)),
        ("staff.b", "less", -1),
    ]
    assert gaps.value_gap == sympy.Rational(5, 8)
    # the best plan on A alone sets w to A's value, but B still gets nothing
    plan = optimal_plan(org, symbolic=True)
    assert plan.weights["w"] == S("value_a") and plan.efforts["staff.b"] == 0


# --- examples, report and paper -----------------------------------------------------------------------------------


def test_each_classic_model_is_one_file_in_examples() -> None:
    # the package reads its classic models from the very files users find in examples/classics/
    bundled = Path(str(resources.files("incentives.continuous").joinpath("classic_models")))
    assert bundled.resolve() == Path("examples/classics").resolve()
    assert sorted(classics.MODELS) == sorted(p.stem for p in Path("examples/classics").glob("*.yaml"))
    for name in classics.MODELS:
        assert classics.classic_model(name) == inc.load_model(Path("examples/classics") / f"{name}.yaml")


def test_classic_models_take_new_parameter_values_and_refuse_unknown_ones() -> None:
    assert classics.kerr_model(w=2).parameters["w"] == 2
    assert classics.team_model(3, a=2).parameters["a"] == 2
    with pytest.raises(inc.ModelError, match="unknown parameter"):
        classics.kerr_model(x=1)
    with pytest.raises(inc.ModelError, match="no classic model 'kerrr'"):
        classics.classic_model("kerrr")


@pytest.mark.parametrize("n", [2, 5])
def test_a_team_of_n_is_the_three_member_file_resized(n: int) -> None:
    team = classics.team_model(n)
    members = [f"member_{k}" for k in range(1, n + 1)]
    assert team.department_names == tuple(members)
    assert team.kpis["team_output"] == S("a") * sympy.Add(*(S(f"{m}.effort") for m in members))
    assert all(team.department(m).cost == S("c") / 2 * S(f"{m}.effort") ** 2 for m in members)
    assert team.parameters["share"] == sympy.Rational(1, n)
    threshold = classics.team_model(n, scheme="threshold", a=2, c=4)
    assert (threshold.parameters["target"], threshold.parameters["prize"]) == (n, 1)  # n a^2/c and a^2/c
    assert "share" not in threshold.parameters


def test_the_unmeasured_task_has_no_measure_commission_or_noise() -> None:
    org = classics.holmstrom_milgrom_multitask_model(measured=False)
    assert list(org.kpis) == ["measure_1"] and dict(org.bonus["agent"]) == {"measure_1": S("w1")}
    assert not {"w2", "s12", "s22"} & set(org.parameters)
    assert org.department("agent").risk_premium == S("r") / 2 * S("w1") ** 2 * S("s11")


def _paper_script() -> dict[str, Any]:
    return runpy.run_path("papers/classics.py", run_name="paper_classics")


def test_the_paper_quotes_the_command_output() -> None:
    script = _paper_script()
    results = script["reproduce"]()
    assert all(r.agrees for r in results), [r.title for r in results if not r.agrees]
    paper = Path("papers/classics.md").read_text()
    block = re.search(r"<!-- begin: python papers/classics.py -->\n```text\n(.*?)```", paper, re.S)
    assert block is not None, "papers/classics.md must quote the command's output"
    assert block.group(1) == script["report"](results)
