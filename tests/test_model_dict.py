"""Plain data to an organisation: references are checked once, and their problems keep their lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import incentives as inc
import incentives.model

TWO_DEPARTMENTS = """\
name: Two departments
parameters: {price: 10}
departments:
  sales:
    actions:
      careful: {deals: 2}
      pushy: {deals: 4}
  support:
    actions:
      thorough: {speed: 1}
kpis:
  revenue: price * sales.deals
company_value: revenue
bonus:
  sales: {revenue: 0.1}
  support: {{BONUS}: 1}
"""


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every organisation (or draft of one) whose references are checked.

    The last step of ``check_references`` is counted, so that any way of reaching the check is seen.
    """
    seen: list[object] = []
    original: Callable[[Any], list[inc.Problem]] = incentives.model._check_events

    def counting(org: Any) -> list[inc.Problem]:
        seen.append(org)
        return original(org)

    monkeypatch.setattr(incentives.model, "_check_events", counting)
    return seen


def test_a_valid_model_is_checked_once(calls: list[object]) -> None:
    org = inc.loads_model(TWO_DEPARTMENTS.replace("{BONUS}", "company_value"))
    assert calls == [org]


def test_an_invalid_model_is_checked_once_and_its_problems_keep_their_lines(calls: list[object]) -> None:
    text = TWO_DEPARTMENTS.replace("{BONUS}", "revenu")
    with pytest.raises(inc.ModelError) as caught:
        inc.loads_model(text, source="two.yaml")
    assert len(calls) == 1 and isinstance(calls[0], inc.Organization)
    (problem,) = caught.value.problems
    expected_line = text.splitlines().index("  support: {revenu: 1}") + 1
    assert (problem.path, problem.line) == ("bonus.support.revenu", expected_line)
    assert "bonus on a KPI that does not exist (did you mean 'revenue'?)" in problem.message
    assert str(caught.value).startswith("two.yaml: 1 problem in the model:")


def test_value_and_reference_problems_are_reported_together(calls: list[object]) -> None:
    data = {
        "parameters": {"price": "ten"},
        "departments": {"sales": {"actions": {"careful": {"deals": 2}}}},
        "kpis": {"revenue": "price * sales.deals"},
        "company_value": "revenue",
        "bonus": {"sales": {"revenu": 1}},
    }
    with pytest.raises(inc.ModelError) as caught:
        inc.Organization.from_dict(data)
    assert [p.path for p in caught.value.problems] == ["parameters.price", "bonus.sales.revenu"]
    assert "expected a number; got the text 'ten'" in caught.value.problems[0].message
    assert len(calls) == 1
