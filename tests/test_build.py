"""Organisation -> game: the vectorised build against a profile-by-profile oracle."""

from __future__ import annotations

import dataclasses
import functools
import gc
import itertools
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy
from sympy.printing.numpy import NumPyPrinter

import incentives as inc
from incentives.build import compile_model
from incentives.formula import symbol
from incentives.model import kpi_order
from incentives.readwrite.model_file import loads_model

EXAMPLE = Path("examples/growing_company.yaml")


def oracle_payoffs(org: inc.Organization) -> tuple[np.ndarray, np.ndarray]:
    """Payoffs by substituting each profile into the sympy formulas, one at a time."""
    params = {symbol(k): v for k, v in org.parameters.items()}
    shape = tuple(len(d.actions) for d in org.departments)
    payoffs = np.empty((len(shape), *shape), dtype=object)
    value = np.empty(shape, dtype=object)
    for profile in itertools.product(*(range(n) for n in shape)):
        subs = dict(params)
        for dept, k in zip(org.departments, profile, strict=True):
            action = dept.actions[k]
            subs.update({symbol(f"{dept.name}.{v}"): e.xreplace(params) for v, e in action.values.items()})
        value[profile] = org.resolved_company_value().xreplace(subs)
        for i, dept in enumerate(org.departments):
            cost = org.costs.get(dept.name, {}).get(dept.actions[profile[i]].name, sympy.Integer(0))
            payoffs[(i, *profile)] = (org.payoff_formula(dept.name) - cost).xreplace(subs)
    return payoffs, value


def test_example_matches_oracle_exactly() -> None:
    org = inc.load_model(EXAMPLE)
    game = inc.build_game(org, exact=True)
    assert game.is_exact
    payoffs, value = oracle_payoffs(org)
    assert all(Fraction(int(x.p), int(x.q)) == y for x, y in zip(payoffs.ravel(), game.payoffs.ravel(), strict=True))
    assert all(
        Fraction(int(x.p), int(x.q)) == y for x, y in zip(value.ravel(), game.company_value.ravel(), strict=True)
    )


def test_float_build_agrees_with_exact_build() -> None:
    org = inc.load_model(EXAMPLE)
    exact, floats = inc.build_game(org, exact=True), inc.build_game(org, exact=False)
    assert not floats.is_exact
    np.testing.assert_allclose(floats.payoffs, exact.payoffs.astype(float), rtol=1e-12)
    np.testing.assert_allclose(floats.company_value, exact.company_value.astype(float), rtol=1e-12)


def test_parameters_override() -> None:
    org = inc.load_model(EXAMPLE)
    game = inc.build_game(org, parameters={"customers_per_deal": 300})
    assert game == inc.build_game(org.with_parameters({"customers_per_deal": 300}))
    assert game != inc.build_game(org)


def test_size_guard_refuses_before_allocating() -> None:
    actions = {f"a{k}": {"x": k} for k in range(60)}
    data = {
        "name": "too big",
        "departments": {f"d{i}": {"actions": actions} for i in range(6)},
        "kpis": {"total": " + ".join(f"d{i}.x" for i in range(6))},
        "company_value": "total",
        "bonus": {f"d{i}": {"total": 1} for i in range(6)},
    }
    org = inc.Organization.from_dict(data)
    expected = r"6 departments with 60 actions each make 46,656,000,000 action profiles"
    with pytest.raises(inc.GameTooLargeError, match=expected):
        inc.build_game(org)


def test_exact_refused_for_irrational_formulas() -> None:
    data = {
        "departments": {"a": {"actions": {"x": {"e": 1}, "y": {"e": 2}}}},
        "kpis": {"k": "sqrt(a.e)"},
        "company_value": "k",
        "bonus": {"a": {"k": 1}},
    }
    org = inc.Organization.from_dict(data)
    assert not inc.build_game(org).is_exact
    with pytest.raises(inc.ModelError, match="exact arithmetic"):
        inc.build_game(org, exact=True)


def test_division_by_zero_is_a_model_error() -> None:
    data = {
        "departments": {"a": {"actions": {"x": {"e": 0}, "y": {"e": 2}}}},
        "kpis": {"k": "1 / a.e"},
        "company_value": "k",
        "bonus": {"a": {"k": 1}},
    }
    org = inc.Organization.from_dict(data)
    with pytest.raises(inc.ModelError, match=r"divides by zero|not a finite number"):
        inc.build_game(org, exact=False)
    with pytest.raises(inc.ModelError, match=r"divides by zero|not a finite number"):
        inc.build_game(org, exact=True)


def test_conditional_and_functions_evaluate_per_profile() -> None:
    data = {
        "departments": {
            "a": {"actions": {"low": {"e": 1}, "high": {"e": 3}}},
            "b": {"actions": {"low": {"e": 2}, "high": {"e": 5}}},
        },
        "kpis": {"k": "where(a.e > b.e, a.e - b.e, min(a.e, b.e)) + abs(a.e - 4)"},
        "company_value": "max(a.e, b.e)",
        "bonus": {"a": {"k": 1}, "b": {"company_value": 1}},
    }
    game = inc.build_game(inc.Organization.from_dict(data))
    expected = [[1 + 3, 1 + 3], [3 - 2 + 1, 3 + 1]]
    assert game.payoffs[0].tolist() == expected
    assert game.company_value.tolist() == [[2, 5], [3, 5]]


def test_exact_evaluation_keeps_reciprocals_of_parameters_exact() -> None:
    # Parameters are arguments of the compiled formulas; x**-1 must not become a float power.
    org = inc.Organization.from_dict(
        {
            "parameters": {"headcount": 40, "visibility": 20},
            "departments": {"a": {"actions": {"x": {"e": 1}, "y": {"e": 3}}}},
            "kpis": {"detection": "1 / (1 + headcount / visibility)", "k": "a.e / (a.e + headcount)"},
            "company_value": "k + detection",
            "bonus": {"a": {"k": 1}},
        }
    )
    model = inc.evaluate_model(org, exact=True)
    assert model.kpis["detection"][0] == Fraction(1, 3)
    assert model.kpis["k"].tolist() == [Fraction(1, 41), Fraction(3, 43)]
    assert all(isinstance(v, Fraction) for v in model.company_value.ravel())


# -- evaluation on compact arrays (issue 17 item 4) ------------------------------------------------


def scaled(org: inc.Organization, actions: int) -> inc.Organization:
    """``org`` with ``actions`` actions per department, each a rational mix of its first and last action."""
    departments, costs = [], {}
    for dept in org.departments:
        first, last = dept.actions[0], dept.actions[-1]
        own = org.costs.get(dept.name, {})
        low, high = own.get(first.name, sympy.Integer(0)), own.get(last.name, sympy.Integer(0))
        mixed, priced = [], {}
        for j in range(actions):
            t = sympy.Rational(j, actions - 1)
            values = {v: (1 - t) * first.values[v] + t * last.values[v] for v in dept.variables}
            mixed.append(dataclasses.replace(first, name=f"a{j}", values=values))
            priced[f"a{j}"] = (1 - t) * low + t * high
        departments.append(dataclasses.replace(dept, actions=tuple(mixed)))
        costs[dept.name] = priced
    return dataclasses.replace(org, departments=tuple(departments), costs=costs)


def full_grid(org: inc.Organization) -> tuple[np.ndarray, np.ndarray]:
    """Payoffs and company value with every formula evaluated on fully materialised grids of every profile.

    The formulas are compiled here with sympy's numpy printer, parameters as arguments (as the
    build does, so constants are folded alike); each KPI is evaluated as written,
    after the KPIs it uses, and each payoff summed in the plan's order: -cost + w_1 * KPI_1 + ...
    """
    shape = tuple(len(d.actions) for d in org.departments)
    params = {symbol(k): v for k, v in org.parameters.items()}
    grid = np.indices(shape)
    values: dict[sympy.Symbol, Any] = {s: float(v) for s, v in params.items()}  # parameters are arguments too
    for i, dept in enumerate(org.departments):
        for var in dept.variables:
            column = np.array([float(a.values[var].xreplace(params)) for a in dept.actions])
            values[symbol(f"{dept.name}.{var}")] = column[grid[i]]
    namespace = {"numpy": np, "functools": functools}

    def evaluate(expr: sympy.Expr) -> np.ndarray:
        args = sorted(expr.free_symbols, key=str)
        function = sympy.lambdify(args, expr, modules=[namespace], printer=NumPyPrinter)
        return np.broadcast_to(function(*(values[a] for a in args)), shape)

    for name in kpi_order(org.kpis):
        values[symbol(name)] = evaluate(org.kpis[name])
    value = evaluate(org.company_value)
    payoffs = np.empty((len(shape), *shape))
    for i, dept in enumerate(org.departments):
        own = org.costs.get(dept.name, {})
        total = -np.array([float(own.get(a.name, 0)) for a in dept.actions])[grid[i]]
        for key, weight in org.bonus.get(dept.name, {}).items():
            total = total + (value if key == "company_value" else values[symbol(key)]) * float(weight.xreplace(params))
        payoffs[i] = total
    return payoffs, value


@pytest.mark.parametrize("example", ["growing_company", "hospital", "call_centre", "university"])
def test_compact_evaluation_gives_every_float_of_a_full_grid(example: str) -> None:
    # Formulas run on arrays over the departments they depend on only; the floats are the same, bit for bit,
    # as the same formulas on materialised grids of every profile (in the same order of operations).
    org = scaled(inc.load_model(f"examples/{example}.yaml"), 5)
    game = inc.build_game(org, exact=False)
    payoffs, value = full_grid(org)
    assert np.array_equal(game.payoffs, payoffs)
    assert np.array_equal(game.company_value, value)


def test_scaled_model_agrees_with_the_profile_by_profile_oracle() -> None:
    org = scaled(inc.load_model(EXAMPLE), 3)
    exact, floats = inc.build_game(org, exact=True), inc.build_game(org, exact=False)
    payoffs, value = oracle_payoffs(org)
    assert all(Fraction(int(x.p), int(x.q)) == y for x, y in zip(payoffs.ravel(), exact.payoffs.ravel(), strict=True))
    assert all(
        Fraction(int(x.p), int(x.q)) == y for x, y in zip(value.ravel(), exact.company_value.ravel(), strict=True)
    )
    np.testing.assert_allclose(floats.payoffs, exact.payoffs.astype(float), rtol=1e-12, atol=1e-12)


def test_evaluated_arrays_are_read_only_views_and_kpis_stay_compact() -> None:
    org = scaled(inc.load_model(EXAMPLE), 4)
    model = inc.evaluate_model(org, exact=False)
    game = model.game
    arrays = [model.payoffs, model.company_value, *model.kpis.values(), *model.action_costs]
    arrays += [game.payoffs, game.company_value]
    assert not any(a.flags.writeable for a in arrays)
    with pytest.raises(ValueError, match="read-only"):
        game.payoffs[0, 0, 0, 0, 0] = 1.0
    assert np.shares_memory(game.payoffs, model.payoffs)  # the game owns no copy of the model's payoffs
    # new_customers depends on sales alone: laid over the other departments' axes without copying (stride 0)
    new_customers = model.kpis["new_customers"]
    assert new_customers.shape == (4, 4, 4, 4)
    assert new_customers.strides[1:] == (0, 0, 0)
    assert new_customers[:, 0, 0, 0].tolist() == [400, 500, 600, 700]


def test_a_second_build_of_the_same_model_is_equal_and_the_cache_goes_with_the_model() -> None:
    from incentives import build

    org = scaled(inc.load_model(EXAMPLE), 3)
    first, second = inc.build_game(org, exact=False), inc.build_game(org, exact=False)
    assert first == second and first is not second
    assert inc.build_game(org, exact=True) == inc.build_game(org.with_parameters({}), exact=True)
    key = (id(org), False)
    assert key in build._CONSTANTS
    del org
    gc.collect()
    assert key not in build._CONSTANTS


def test_a_payoff_that_is_not_finite_is_a_model_error_naming_the_department(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Every value of a model is limited to 1e300, so no sum of its terms overflows today; the build still
    # checks each payoff (the game it makes does not check them again). Make one overflow to see the check.
    from incentives import build

    original = build._Kernel._payoff

    def overflowing(self, out, weights, kpis, company_value, cost):  # type: ignore[no-untyped-def]
        payoff = original(self, out, weights, kpis, company_value, cost)
        with np.errstate(over="ignore"):
            return payoff * 1e308 if weights else payoff

    monkeypatch.setattr(build._Kernel, "_payoff", overflowing)
    with pytest.raises(inc.ModelError, match=r"payoff of 'sales' .* not a finite number .* at sales=consultative, "):
        inc.build_game(inc.load_model(EXAMPLE), exact=False)


def test_conditions_joined_by_and_or_over_different_departments_broadcast() -> None:
    # fuzz seed 11, file 01309 (handout): the derivative of a where() over two departments' variables compiled
    # to numpy.logical_and.reduce((a, b)), which stacks its operands and fails when they lie along different axes
    org = loads_model(
        "name: t\n"
        "departments:\n  a: {actions: {x: {v: 1}, y: {v: 2}, z: {v: 3}}}\n  b: {actions: {x: {w: 1}, y: {w: 3}}}\n"
        "kpis:\n  k: where(a.v > 1 and b.w > 1 or a.v == 3, 10, 1)\n"
        "company_value: k\nbonus: {a: {k: 1}, b: {k: 1}}\n",
        source="t.yaml",
    )
    k = inc.evaluate_model(org, exact=False).values("k")
    by_hand = [[10 if (v > 1 and w > 1) or v == 3 else 1 for w in (1, 3)] for v in (1, 2, 3)]
    assert np.asarray(k).tolist() == by_hand


def _infinite_k(kpis: dict[str, str], company_value: str, bonus: dict[str, float]) -> inc.Organization:
    """A one-department model whose KPI ``k = 1 / a.e`` divides by zero when ``a`` chooses ``x``."""
    return inc.Organization.from_dict(
        {
            "departments": {"a": {"actions": {"x": {"e": 0}, "y": {"e": 2}}}, "b": {"actions": {"u": {}, "v": {}}}},
            "kpis": {"k": "1 / a.e", **kpis},
            "company_value": company_value,
            "bonus": {"a": bonus},
        }
    )


@pytest.mark.parametrize(
    ("kpis", "company_value", "bonus"),
    [
        ({}, "a.e", {"k": 1}),  # paid on: checked with the payoff
        ({"m": "3 * k + a.e"}, "a.e", {"m": 1}),  # a polynomial of it is paid on
        ({"m": "a.e"}, "2 * k ** 2 - a.e", {"m": 1}),  # a polynomial of it is company value
        ({"m": "min(k, 5)"}, "m", {"m": 1}),  # hidden by min(inf, 5) = 5: checked on its own
        ({"m": "k / 2", "n": "where(m > 1, 1, 0)"}, "n", {"n": 1}),  # hidden two steps later
        ({"m": "1 / (a.e - 2)"}, "k + m", {"m": 1}),  # the second KPI that is not finite is not the one named
    ],
)
def test_a_kpi_that_is_not_finite_is_named_however_later_values_use_it(
    kpis: dict[str, str], company_value: str, bonus: dict[str, float]
) -> None:
    # A build checks a KPI on its own, or through the payoffs or a later polynomial formula it enters; whichever,
    # the error names the first formula that is not a finite number, at the profile where it is not, as one
    # evaluated and checked formula by formula would. A batch (no payoffs checked) names it too.
    org = _infinite_k(kpis, company_value, bonus)
    for evaluate in (
        lambda: inc.evaluate_model(org, exact=False),
        lambda: compile_model(org, []).evaluate(np.zeros((2, 0))),
    ):
        with pytest.raises(inc.ModelError) as error:
            evaluate()
        (problem,) = error.value.problems
        assert problem.path == "kpis.k"
        assert "'1/a.e' is not a finite number" in problem.message and "at a=x, b=u" in problem.message


def test_polynomials_are_sums_products_and_positive_whole_powers() -> None:
    from incentives.build import _is_polynomial
    from incentives.formula import parse_formula

    polynomial = ["3 * k + a.e", "k ** 2 * b - 4", "k / 2", "0.5 * k * m"]
    other = ["1 / k", "min(k, 5)", "sqrt(k)", "k ** -2", "where(k > 1, k, 0)", "exp(k)", "k ** 0.5"]
    assert all(_is_polynomial(parse_formula(text)) for text in polynomial)
    assert not any(_is_polynomial(parse_formula(text)) for text in other)
