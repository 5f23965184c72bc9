"""A model file's ``repeated`` section: read through the restricted parser, checked, kept on the way back out."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
import sympy

import incentives as inc
from incentives.formula import symbol

BASE = """\
name: Two teams
parameters: {teams: 4, patience: 0.9}
departments:
  a: {actions: {share: {x: 1}, hoard: {x: 0}}}
  b: {actions: {share: {y: 1}, hoard: {y: 0}}}
kpis: {output: 3 * a.x + 3 * b.y}
company_value: output
bonus: {a: {output: 1}, b: {output: 1}}
"""


def model(section: str) -> inc.Organization:
    return inc.loads_model(BASE + section, source="teams.yaml")


def problems(section: str) -> list[str]:
    with pytest.raises(inc.ModelError) as caught:
        model(section)
    return [str(p) for p in caught.value.problems]


def test_a_model_without_the_section_has_none_and_writes_none() -> None:
    org = model("")
    assert org.repeated is None and "repeated" not in org.to_dict()


def test_one_rate_for_all_and_formulas_of_parameters_and_kpis() -> None:
    org = model("repeated:\n  discount: patience / (1 + teams / 40)\n  monitoring: output / 12\n")
    assert org.repeated is not None
    assert org.repeated.discount == symbol("patience") / (1 + symbol("teams") / 40)
    result = inc.repeated(inc.evaluate_model(org, exact=True), payoff_set=False)
    assert result.discount == Fraction(9, 10) / Fraction(11, 10)  # 9/11
    assert result.monitoring == (Fraction(1, 2), Fraction(1, 2))  # output at the target (share, share): 6


def test_monitoring_per_department_leaves_the_others_fully_seen() -> None:
    org = model("repeated:\n  monitoring: {b: 1 / teams}\n")
    assert org.repeated is not None and org.repeated.discount is None
    assert dict(org.repeated.monitoring) == {"b": 1 / symbol("teams")}  # type: ignore[arg-type]
    result = inc.repeated(org, payoff_set=False)
    assert result.discount is None and result.monitoring == (1, Fraction(1, 4))


@pytest.mark.parametrize(
    "section",
    [
        "repeated: {discount: 0.5, monitoring: 0.25}\n",
        "repeated:\n  discount: patience\n  monitoring: {a: 1 / teams, b: 1}\n",
        "repeated: {}\n",
    ],
)
def test_the_section_survives_a_round_trip(section: str, tmp_path: Path) -> None:
    org = model(section)
    assert inc.Organization.from_dict(org.to_dict()) == org
    assert inc.loads_model(inc.dumps_model(org)) == org
    assert inc.loads_model(inc.dumps_model(org, format="json"), format="json") == org
    inc.save_model(org, tmp_path / "saved.yaml")
    assert inc.load_model(tmp_path / "saved.yaml") == org


def test_numbers_stay_numbers_and_formulas_text_when_written() -> None:
    org = model("repeated:\n  discount: 0.5\n  monitoring: {a: 1 / teams}\n")
    assert org.to_dict()["repeated"] == {"discount": 0.5, "monitoring": {"a": "1/teams"}}


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("repeated: {discount: 1}\n", "line 9, repeated.discount: expected a discount factor in [0, 1); got 1"),
        ("repeated: {discount: -0.1}\n", "line 9, repeated.discount: expected a discount factor in [0, 1)"),
        ("repeated: {monitoring: 1.5}\n", "line 9, repeated.monitoring: expected a probability in [0, 1]; got 1.5"),
        (
            "repeated:\n  monitoring: {c: 0.5}\n",
            "line 10, repeated.monitoring.c: unknown department 'c'; the departments are ['a', 'b']",
        ),
        (
            "repeated:\n  discount: patients\n",
            "line 10, repeated.discount: unknown name 'patients' (did you mean 'patience'?); "
            "expected a parameter or KPI",
        ),
        ("repeated:\n  discount: a.x / 2\n", "line 10, repeated.discount: unknown name 'a.x'"),
        ("repeated:\n  horizon: 4\n", "line 10, repeated.horizon: unknown key; repeated play has 'discount'"),
        ("repeated:\n  discount: [0.5]\n", "line 10, repeated.discount: expected a number or a formula; got a list"),
        ("repeated: 0.9\n", "line 9, repeated: expected the defaults of repeated play (a mapping"),
    ],
)
def test_mistakes_name_the_line_and_the_field(section: str, expected: str) -> None:
    found = problems(section)
    assert any(p.startswith(expected) for p in found), found


def test_the_section_is_data_never_code() -> None:
    found = problems("repeated:\n  discount: __import__('os').getpid()\n")
    assert len(found) == 1 and found[0].startswith("line 10, repeated.discount:")


def test_a_formula_out_of_range_at_the_models_values_is_named_when_used() -> None:
    org = model("repeated:\n  discount: patience * teams\n")  # 3.6: a formula is checked where it is evaluated
    with pytest.raises(inc.RepeatedError, match=r"The model's repeated.discount must be in \[0, 1\)\. Got 3\.6"):
        inc.repeated(org, payoff_set=False)
    assert inc.repeated(org, discount=0.5, payoff_set=False).discount == Fraction(1, 2)


def test_the_section_is_kept_when_parameters_change() -> None:
    org = model("repeated:\n  monitoring: 1 / teams\n").with_parameters({"teams": 2})
    assert inc.repeated(org, payoff_set=False).monitoring == (Fraction(1, 2), Fraction(1, 2))
    assert org.repeated is not None and org.repeated.monitoring == sympy.Integer(1) / symbol("teams")
