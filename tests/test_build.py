"""Organisation -> game: the vectorised build against a profile-by-profile oracle."""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy

import incentives as inc
from incentives.formula import symbol

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
