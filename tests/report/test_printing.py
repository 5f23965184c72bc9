"""``print(result)`` shows the text report (the same as ``render(result, "text")``); ``repr`` stays the dataclass's."""

from __future__ import annotations

import pytest

import incentives as inc
from incentives.report import render
from incentives.whatif import sweep, thresholds

EXAMPLE = "examples/growing_company.yaml"


@pytest.fixture(scope="module")
def results() -> dict[str, object]:
    org = inc.load_model(EXAMPLE)
    game = inc.build_game(org)
    return {
        "game": game,
        "solve": inc.solve(game),
        "analysis": inc.analyze(org),
        "perspectives": inc.perspectives(org, "big_contract"),
        "design": inc.design(org),
        "via negativa": inc.via_negativa(org),
        "transfers": inc.design_transfers(org),
        "graph": inc.dependency_graph(org),
        "sweep": sweep(org, {"customers_per_deal": [10, 100]}, progress=False, workers=1),
        "thresholds": thresholds(org, ["bonus.support.reopened_tickets"]),
        "continuous": inc.solve_continuous(inc.load_model("examples/classics/kerr.yaml")),
        "qre": inc.logit_path(inc.read_nfg("tests/data/prisoners_dilemma.nfg")),
    }


@pytest.mark.parametrize(
    "name",
    ["game", "solve", "analysis", "perspectives", "design", "via negativa", "transfers", "graph", "sweep",
     "thresholds", "continuous", "qre"],
)  # fmt: skip
def test_str_is_the_text_report(results: dict[str, object], name: str) -> None:
    result = results[name]
    assert str(result) == render(result, "text")
    assert str(result) != repr(result)


def test_an_analysis_prints_its_story_not_its_fields(results: dict[str, object]) -> None:
    text = str(results["analysis"])
    assert text.startswith("Growing software company")
    assert "Analysis(model=" not in text and "Company optimum" in text
