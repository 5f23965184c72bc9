"""Bounds on what a model's formulas compute: each refusal names the field and the line; the bounds hold the values."""

from __future__ import annotations

import itertools
import math

import mpmath
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import incentives as inc
from incentives.errors import FormulaError, ModelError
from incentives.formula import parse_formula, symbol
from incentives.formula_bounds import MAX_DEGREE, MAX_WRITTEN_SIZE, _Bound, _Evaluator, _Refused
from incentives.readwrite.model_file import loads_model

BASE = """\
name: t
parameters: {p: 2, q: 1}
departments:
  a: {actions: {x: {v: 1}, y: {v: 2}}}
  b: {actions: {x: {w: 1}, y: {w: 3}}}
kpis:
  k: a.v + b.w
company_value: k
bonus: {a: {k: 1}, b: {k: 1}}
"""


def with_kpis(kpis: str, **replace: str) -> str:
    text = BASE.replace("  k: a.v + b.w\n", kpis + "  k: a.v + b.w\n")
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def problems(text: str) -> list[inc.Problem]:
    with pytest.raises(ModelError) as info:
        loads_model(text, source="m")
    return list(info.value.problems)


CHAINS = [
    # (KPIs, replacements, field refused, fragment of the message)
    ("  c0: 9\n  c1: c0**c0\n  c2: c1**c1\n", {}, "kpis.c2", "the exponent 'c1' in 'c1**c1' can reach 3.87e+8"),
    ("  c: p**p**p\n", {"{p: 2,": "{p: 9,"}, "kpis.c", "the exponent 'p**p' in 'p**(p**p)' can reach 3.87e+8"),
    ("  c: exp(1000) + a.v\n", {}, "kpis.c", "'exp(1000)' can reach about 1.97e+434"),
    ("  c: exp(exp(10*a.v))\n", {}, "kpis.c", "can reach about"),
    ("  c0: a.v + b.w\n" + "".join(f"  c{i}: c{i - 1}**4\n" for i in range(1, 7)), {}, "kpis.c5", "can reach about"),
    (
        "  c0: (a.v + b.w) / 7\n" + "".join(f"  c{i}: c{i - 1}**100\n" for i in range(1, 3)),
        {},
        "kpis.c2",
        f"has degree 10,000 in the decision variables and parameters, with its KPIs written out; formulas are "
        f"limited to degree {MAX_DEGREE:,}",
    ),
    (
        "  c0: a.v / 7\n" + "".join(f"  c{i}: c{i - 1}*a.v - c{i - 1}/3 + 1\n" for i in range(1, 12)),
        {},
        "kpis.c",
        f"formulas are limited to {MAX_WRITTEN_SIZE:,}",
    ),
    ("  c: a.v**(b.w*p*30)\n", {}, "kpis.c", "an exponent that is not a constant must stay within -100 and 100"),
    ("  c: a.v**(1/(b.w - 1))\n", {}, "kpis.c", "has no bound"),
    ("  c: sqrt(p)\n", {"{p: 2,": "{p: -2,"}, "kpis.c", "'sqrt(p)' is not a real number: 'p' is always a negative"),
    ("  c: log(q - 1)\n", {}, "kpis.c", "is always a number that is not positive"),
    ("  c: a.v / (q - 1)\n", {}, "kpis.c", "divides by zero"),
]


@pytest.mark.parametrize(("kpis", "replace", "field", "fragment"), CHAINS)
def test_unbounded_formulas_are_refused_with_field_and_line(kpis, replace, field, fragment):
    found = problems(with_kpis(kpis, **replace))
    refused = [p for p in found if p.path.startswith(field) and fragment in p.message]
    assert refused, found
    assert all(p.line is not None for p in refused), refused


@pytest.mark.parametrize(
    ("old", "new", "field", "fragment"),
    [
        ("bonus: {a: {k: 1}", "bonus: {a: {k: sqrt(-p)}", "bonus.a.k", "is not a real number"),
        ("bonus: {a: {k: 1}", "bonus: {a: {k: exp(p*400)}", "bonus.a.k", "values are limited to 1e+300"),
        ("bonus: {a: {k: 1}", "bonus: {a: {k: exp(690.7)}", "bonus.a.k", "the bonus term (weight 'exp(6907/10)' times"),
        ("{v: 1}", "{v: exp(p*400)}", "departments.a.actions.x.v", "can reach about"),
        ("{p: 2,", "{p: -2,", "costs.a.x", "is not a real number"),
    ],
)
def test_parameter_formulas_are_checked_exactly(old, new, field, fragment):
    text = BASE.replace(old, new) + ("costs: {a: {x: sqrt(p)}}\n" if field.startswith("costs") else "")
    found = problems(text)
    assert any(p.path == field and fragment in p.message and p.line for p in found), found


def test_event_values_are_part_of_a_parameters_range():
    text = with_kpis("  c: exp(p) * a.v\n") + "events: {boom: {p: 1000}}\n"
    assert any(p.path == "kpis.c" and "can reach about" in p.message for p in problems(text))
    org = loads_model(with_kpis("  c: exp(p) * a.v\n"))
    with pytest.raises(ModelError, match="can reach about"):
        org.with_parameters({"p": 1000})


def test_a_pole_alone_is_not_refused():
    # 1/(a.v - 1) is unbounded near a.v = 1 but finite at both actions' values except one: evaluation names it
    org = loads_model(with_kpis("  c: 1 / (b.w - 2)\n"))
    assert inc.evaluate_model(org).kpis["c"].shape == (2, 2)


def test_every_example_is_within_the_bounds():
    for path in ["growing_company", "hospital", "university", "call_centre", "emergency_four_hour"]:
        assert inc.load_model(f"examples/{path}.yaml").kpis


# -- the bounds hold the values: interval evaluation against evaluation at every point -----------------

VALUES = {"x": [-2, 0, 3], "y": [1, 2.5], "z": [0.5, 4]}
LEAVES = st.one_of(st.sampled_from(sorted(VALUES)), st.integers(-5, 5).map(str), st.sampled_from(["0.5", "1.5"]))


def _tree(children):
    return st.one_of(
        st.builds(lambda a, op, b: f"({a}) {op} ({b})", children, st.sampled_from("+-*/"), children),
        st.builds(lambda a, n: f"({a})**{n}", children, st.sampled_from(["2", "3", "-1", "0.5", "y", "z"])),
        st.builds(lambda f, a: f"{f}({a})", st.sampled_from(["exp", "log", "sqrt", "abs"]), children),
        st.builds(lambda f, a, b: f"{f}({a}, {b})", st.sampled_from(["min", "max"]), children, children),
        st.builds(lambda c, a, b: f"where({c} > 1, {a}, {b})", children, children, children),
    )


FORMULAS = st.recursive(LEAVES, _tree, max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(FORMULAS)
def test_the_interval_of_a_formula_holds_its_value_at_every_point(text):
    try:
        expr = parse_formula(text)
    except FormulaError:
        assume(False)
    inputs = {name: _Bound(mpmath.iv.mpf([min(values), max(values)]), 1) for name, values in VALUES.items()}
    try:
        bound = _Evaluator(inputs).bound(expr).values
    except _Refused:
        assume(False)
    function = sympy.lambdify([symbol(n) for n in VALUES], expr, modules="math")
    for point in itertools.product(*VALUES.values()):
        try:
            value = complex(function(*point))
        except (ZeroDivisionError, ValueError, OverflowError, TypeError):
            continue  # undefined here: evaluation refuses it at this profile
        if value.imag or not math.isfinite(value.real):
            continue
        low, high = mpmath.mpf(bound.a), mpmath.mpf(bound.b)
        slack = 1e-9 * max(1.0, abs(value.real))  # the point is evaluated in floating point
        assert low - slack <= value.real <= high + slack, (text, point, value, bound)
