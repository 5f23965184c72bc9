"""Bonus-plan design against answers worked out by hand, and every plan checked on the rebuilt game by brute force."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from design_helpers import (
    arrays_by_hand,
    assert_close,
    deviation_losses_by_hand,
    pure_equilibria_by_hand,
    two_teams,
)

import incentives as inc
from incentives.design import design

SHARE_SHARE = (0, 0)


@pytest.mark.parametrize("margin", [0.5, 1.0, 2.0])
def test_prisoners_dilemma_fixed_by_the_smallest_profit_share(margin: float) -> None:
    # Keep each team's own score at weight 1 and add a share s of company value.  Hoarding
    # raises the own score by 1 and lowers company value by 4, so it loses 4 s - 1; the
    # smallest share that makes it lose the margin m is s = (1 + m) / 4.
    org = two_teams()
    fixed = {"north:north_score": (1, 1), "south:south_score": (1, 1)}
    plan = design(
        org,
        allow=["north:north_score", "north:company_value", "south:south_score", "south:company_value"],
        bounds=fixed,
        margin=margin,
    )
    share = (1 + margin) / 4
    assert plan.found
    assert plan.weights["north"]["company_value"] == share
    assert plan.weights["south"]["company_value"] == share
    # the bonus paid at the target: each team scores 2 and gets s of company value 8
    assert_close(plan.cost, 2 * (2 + 8 * share))
    losses = deviation_losses_by_hand(inc.build_game(plan.redesigned), SHARE_SHARE)
    assert_close(min(losses), margin)
    assert plan.verification is not None and plan.verification.is_equilibrium
    assert_close(plan.verification.margin, margin)


def test_share_alone_and_least_change_agree_with_hand_computation() -> None:
    # With only a share of company value, hoarding loses 4 s: s = m / 4.
    org = two_teams()
    cheapest = design(org, allow=["*:company_value"], margin=1)
    closest = design(org, allow=["*:company_value"], margin=1, objective="change")
    for plan in (cheapest, closest):
        assert {d: dict(w) for d, w in plan.weights.items()} == {
            "north": {"company_value": 0.25},
            "south": {"company_value": 0.25},
        }
    assert_close(cheapest.cost, 4.0)
    # the change: the own-score weights (1 each) go, the shares (1/4 each) come
    assert_close(closest.change, 2.5)


def test_margin_is_achieved_on_the_rebuilt_example(tmp_path) -> None:  # type: ignore[no-untyped-def]
    org = inc.load_model("examples/growing_company.yaml")
    target = inc.company_optimum(inc.build_game(org)).profile
    for options in (
        {},
        {"nonnegative": True},
        {"objective": "change"},
        {"concept": "dominant", "misaligned": True},
        {"nonnegative": False, "misaligned": True},
    ):
        plan = design(org, **options)
        exact = inc.build_game(plan.redesigned, exact=True)  # the weights are fractions: the margin is exact
        losses = deviation_losses_by_hand(inc.build_game(plan.redesigned, exact=False), target)
        assert min(losses) >= 1 - 1e-12, options
        assert target in pure_equilibria_by_hand(exact), options
        assert plan.verification.margin == min(float(loss) for loss in _exact_losses(exact, target)) >= 1, options


def _exact_losses(game: inc.Game, target: tuple[int, ...]) -> list:  # type: ignore[type-arg]
    """Every ``u_i(t) - u_i(a, t_-i)`` in the game's own (exact) numbers."""
    out = []
    for i, n in enumerate(game.shape):
        for a in range(n):
            if a != target[i]:
                switched = list(target)
                switched[i] = a
                out.append(game.payoffs[(i, *target)] - game.payoffs[(i, *switched)])
    return out


def test_dominant_design_holds_against_every_profile_of_the_others() -> None:
    org = inc.load_model("examples/growing_company.yaml")
    plan = design(org, concept="dominant", nonnegative=True, misaligned=True)
    game = inc.build_game(plan.redesigned, exact=False)
    payoffs = game.float_payoffs()
    target = plan.target
    for i in range(game.n_players):
        own = np.moveaxis(payoffs[i], i, 0)
        for a in range(game.shape[i]):
            if a != target[i]:
                assert np.all(own[target[i]] - own[a] >= 1 - 1e-5)
    assert plan.verification.is_dominant


def test_department_whose_switch_moves_no_allowed_kpi_is_named() -> None:
    # north may only be paid on south's output, which north cannot move; sharing costs it 0.5
    org = two_teams(costs={"north": {"share": 0.5}})
    plan = design(org, allow=["north:south_output", "south:*"])
    assert not plan.found and plan.status == "infeasible"
    (obstacle,) = plan.obstacles
    assert (obstacle.kind, obstacle.department, obstacle.action, obstacle.deviation) == (
        "untouched",
        "north",
        "share",
        "hoard",
    )
    assert_close(obstacle.gain, 0.5)
    assert "changes none of the KPIs it may be paid on (south_output)" in obstacle.message
    with pytest.raises(inc.DesignError, match="no plan was found"):
        _ = plan.redesigned


def test_deterrence_that_needs_a_fine_is_refused_under_limited_liability() -> None:
    # Only north's own score is allowed: hoarding raises it, so only a negative weight
    # deters hoarding, and a negative weight on a positive KPI is a fine somewhere.
    org = two_teams()
    plan = design(org, allow=["north:north_score", "south:*"], nonnegative=False)
    assert not plan.found
    (obstacle,) = plan.obstacles
    assert obstacle.kind == "together" and obstacle.department == "north"
    assert "fine" in obstacle.message
    # without limited liability the fine works: weight -1 makes hoarding lose exactly 1
    fined = design(
        org, allow=["north:north_score", "south:*"], limited_liability=False, max_weight=5, nonnegative=False
    )
    assert fined.found
    assert fined.weights["north"]["north_score"] == -5.0  # cheapest: the largest fine the bound allows
    with pytest.raises(inc.DesignError, match="as low as you like"):
        design(org, allow=["north:north_score", "south:*"], limited_liability=False, nonnegative=False)


def test_budget_too_small_is_reported_with_the_cheapest_cost() -> None:
    org = two_teams()
    plan = design(org, allow=["*:company_value"], budget=3)
    assert not plan.found
    (obstacle,) = plan.obstacles
    assert obstacle.kind == "budget"
    assert "(4)" in obstacle.message and "budget of 3" in obstacle.message
    assert design(org, allow=["*:company_value"], budget=4.001).found


def test_dominant_strategy_impossible_when_a_kpi_needs_the_other_to_share() -> None:
    # "joint" is 1 only when both share: it deters north's hoarding only when south shares
    org = two_teams()
    nash = design(org, allow=["*:joint"])
    assert nash.found and nash.weights["north"] == {"joint": 1.0}
    dominant = design(org, allow=["*:joint"], concept="dominant")
    assert not dominant.found
    contexts = {(o.department, o.context) for o in dominant.obstacles}
    assert ("north", "south=hoard") in contexts and ("south", "north=hoard") in contexts


def test_unique_pure_equilibrium_by_mixed_integer_program() -> None:
    org = two_teams()
    # paid on "joint" alone, both hoarding stays an equilibrium: nobody can gain by switching there
    weak = design(org, allow=["*:joint"], margin=1, concept="unique", max_weight=10)
    assert not weak.found
    assert [o.kind for o in weak.obstacles] == ["equilibrium"]
    assert "north=hoard, south=hoard" in weak.obstacles[0].message
    # with shares of company value allowed too, the target can be made the only pure equilibrium
    plan = design(org, allow=["*:joint", "*:company_value"], margin=1, concept="unique", max_weight=10)
    assert plan.found
    game = inc.build_game(plan.redesigned, exact=False)
    assert pure_equilibria_by_hand(game) == [SHARE_SHARE]
    assert min(deviation_losses_by_hand(game, SHARE_SHARE)) >= 1 - 1e-6
    assert plan.verification.is_unique


def test_nash_plan_can_leave_a_second_equilibrium_that_unique_removes() -> None:
    org = inc.load_model("examples/growing_company.yaml")
    nash = design(org, objective="change", misaligned=True)
    unique = design(org, objective="change", concept="unique", misaligned=True)
    assert len(nash.verification.pure_after) > 1
    assert unique.verification.pure_after == (unique.target_label,)
    game = inc.build_game(unique.redesigned, exact=False)
    assert pure_equilibria_by_hand(game) == [unique.target]
    assert unique.change >= nash.change - 1e-9
    assert any("bounded" in n for n in unique.notes)  # the big-M bound chosen is reported


def test_unique_refuses_games_that_are_too_large() -> None:
    org = inc.load_model("examples/growing_company.yaml")
    with pytest.raises(inc.DesignError, match="16 profiles, above the limit of 10"):
        design(org, concept="unique", max_profiles=10)


def test_target_other_than_the_optimum_and_keep_others() -> None:
    org = inc.load_model("examples/growing_company.yaml")
    # no term aligned with company value can hold a department at an action the company likes less
    assert not design(org, target={"operations": "change_freeze"}).found
    plan = design(org, target={"operations": "change_freeze"}, misaligned=True)
    assert plan.target_label.endswith("operations=change_freeze")
    assert plan.verification.is_equilibrium
    kept = design(org, allow=["*:company_value"], keep_others=True, nonnegative=True)
    assert kept.found
    for dept, weights in org.bonus.items():
        for key, weight in weights.items():
            assert kept.weights[dept][key] == float(weight)
    assert min(deviation_losses_by_hand(inc.build_game(kept.redesigned, exact=False), kept.target)) >= 1 - 1e-6
    # a kept weight written as a formula over parameters stays that formula in the redesigned model
    data = org.to_dict()
    data["bonus"]["sales"] = {"new_customers": "revenue_per_customer / 100"}
    with_formula = inc.Organization.from_dict(data)
    kept = design(with_formula, allow=["*:company_value"], keep_others=True, nonnegative=True)
    assert kept.redesigned.bonus["sales"]["new_customers"] == with_formula.bonus["sales"]["new_customers"]
    assert "company_value" in kept.redesigned.bonus["sales"]


def test_designed_plan_round_trips_through_a_model_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    org = inc.load_model("examples/growing_company.yaml")
    plan = design(org, nonnegative=True)
    path = tmp_path / "redesigned.yaml"
    inc.save_model(plan.redesigned, path)
    loaded = inc.load_model(path)
    assert loaded == plan.redesigned
    assert {d: {k: float(v) for k, v in w.items()} for d, w in loaded.bonus.items()} == {
        d: dict(w) for d, w in plan.weights.items()
    }
    again = inc.build_game(loaded, exact=False)
    assert np.array_equal(again.float_payoffs(), inc.build_game(plan.redesigned, exact=False).float_payoffs())
    assert min(deviation_losses_by_hand(again, plan.target)) >= 1 - 1e-6


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"concept": "stable"}, "'concept' parameter must be one of"),
        ({"objective": "fair"}, "'objective' parameter must be one of"),
        ({"margin": -1}, "'margin' parameter must be a number >= 0"),
        ({"allow": ["sales:revenue"]}, "unknown KPI 'revenue'"),
        ({"allow": ["marketing:tickets"]}, "unknown department 'marketing'"),
        ({"allow": ["sales"]}, "not of the form department:kpi"),
        ({"target": {"sales": "pushy"}}, "'sales' has no action 'pushy'"),
        ({"bounds": {"sales:new_customers": (1, 0)}}, "bounds of sales:new_customers are empty"),
        ({"allow": ["sales:company_value"], "company_share": False}, "company shares are switched off"),
    ],
)
def test_bad_options_are_named(options: dict, message: str) -> None:
    org = inc.load_model("examples/growing_company.yaml")
    with pytest.raises(inc.DesignError, match=message):
        design(org, **options)


def test_design_does_not_change_the_organisation() -> None:
    org = inc.load_model("examples/growing_company.yaml")
    before = org.to_dict()
    plan = design(org)
    assert org.to_dict() == before
    assert replace(plan.redesigned, bonus=org.bonus) == org


def random_organisation(rng: np.random.Generator) -> inc.Organization:
    """Two or three departments with random linear KPIs, costs and company value (whole numbers)."""
    n = int(rng.integers(2, 4))
    # three actions each, with distinct values of x, so every department has a real choice
    departments = {
        f"d{i}": {"actions": {f"a{k}": {"x": k * 2 + int(rng.integers(0, 2))} for k in range(3)}} for i in range(n)
    }
    kpis = {
        f"k{j}": " + ".join(f"{int(rng.integers(-3, 4))} * d{i}.x" for i in range(n)) + f" + {int(rng.integers(5, 20))}"
        for j in range(3)
    }
    value = " + ".join(f"{int(rng.integers(-3, 4))} * d{i}.x" for i in range(n))
    costs = {f"d{i}": {"a0": int(rng.integers(0, 3))} for i in range(n)}
    return inc.Organization.from_dict(
        {
            "name": "random",
            "departments": departments,
            "kpis": kpis,
            "company_value": value,
            "bonus": {f"d{i}": {f"k{i % 3}": 1} for i in range(n)},
            "costs": costs,
        }
    )


def test_random_organisations_get_verified_plans_or_true_obstacles() -> None:
    rng = np.random.default_rng(2024)
    seen = set()
    for _ in range(12):
        org = random_organisation(rng)
        allow = [f"d{i}:k{k}" for i in range(len(org.departments)) for k in rng.choice(3, size=2, replace=False)]
        plan = design(org, allow=allow, max_weight=50, nonnegative=False)  # the oracle below assumes signed weights
        seen.add(plan.status)
        if plan.found:
            game = inc.build_game(plan.redesigned, exact=False)
            assert min(deviation_losses_by_hand(game, plan.target)) >= 1 - 1e-5
            continue
        values = arrays_by_hand(org, org.resolved_kpis())
        by_department: dict[str, list] = {}
        for o in plan.obstacles:
            seen.add(o.kind)
            by_department.setdefault(o.department, []).append(o)
        for dept, obstacles in by_department.items():
            assert_switches_cannot_be_deterred(org, plan, values, dept, obstacles)
    assert {"found", "infeasible", "together"} <= seen


def assert_switches_cannot_be_deterred(org, plan, values, dept, obstacles) -> None:  # type: ignore[no-untyped-def]
    """Independent oracle (scipy.optimize.linprog): the named switches cannot all lose the margin together,
    within the weight bounds and with the bonus never negative, and each is needed for that."""
    from scipy.optimize import linprog

    i = org.department_names.index(dept)
    keys = plan.allowed[dept]
    cost = {a: float(org.costs.get(dept, {}).get(a, 0)) for a in org.department(dept).action_names}
    names = org.department(dept).action_names
    t = tuple(plan.target)
    rows, rhs = [], []
    for o in obstacles:
        there = list(t)
        there[i] = names.index(o.deviation)
        # loss = sum_k w_k (KPI_k(t) - KPI_k(there)) - (cost(t) - cost(there)) >= 1  ->  -(...) w <= -1 - dcost
        rows.append([-(values[k][t] - values[k][tuple(there)]) for k in keys])
        rhs.append(-1 - (cost[o.action] - cost[o.deviation]))
    fines = [[-values[k][s] for k in keys] for s in np.ndindex(values[keys[0]].shape)]  # bonus >= 0
    a_ub, b_ub = np.array(rows + fines), np.array(rhs + [0.0] * len(fines))

    def feasible(keep: list[int]) -> bool:
        mask = keep + list(range(len(rows), len(rows) + len(fines)))
        return (
            linprog(np.zeros(len(keys)), A_ub=a_ub[mask], b_ub=b_ub[mask], bounds=[(-50, 50)] * len(keys)).status != 2
        )

    assert not feasible(list(range(len(rows))))
    if obstacles[0].kind == "together":
        for drop in range(len(rows)):
            assert feasible([r for r in range(len(rows)) if r != drop])
