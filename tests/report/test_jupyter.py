"""Jupyter shows every result as its HTML report; the hook is registered from the report layer, by name."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import pytest

import incentives as inc
from incentives.report import render, reported_types
from incentives.report.design import DesignReport
from incentives.report.jupyter import DISPLAYED, register

pytest.importorskip("IPython")
from IPython.core.formatters import DisplayFormatter

EXAMPLE = "examples/growing_company.yaml"


@pytest.fixture(scope="module")
def results() -> list[Any]:
    org = inc.load_model(EXAMPLE)
    analysis = inc.analyze(org)
    kerr = inc.load_model("examples/classics/kerr.yaml")
    plan = inc.design(org)
    return [
        analysis.game,
        analysis.solution,
        analysis,
        inc.perspectives(org, "big_contract"),
        plan,
        DesignReport(design=plan),
        inc.solve_continuous(kerr),
        inc.thresholds(org, ["bonus.support.reopened_tickets"]),
        inc.sweep(org, {"customers_per_deal": [10, 100]}, progress=False),
        inc.logit_path(analysis.game),
    ]


def test_every_reported_type_is_displayed() -> None:
    assert set(DISPLAYED) == {(t.__module__, t.__name__) for t in reported_types()}


def test_the_html_shown_is_the_html_report(results: list[Any]) -> None:
    shell = SimpleNamespace(display_formatter=DisplayFormatter())
    assert register(shell)
    for result in results:
        data, _ = shell.display_formatter.format(result)
        assert data["text/html"] == render(result, "html"), type(result).__name__


def test_a_threshold_is_shown_as_mathematics() -> None:
    """Jupyter shows the threshold as MathML (its browser typesets it; plain text keeps the signs)."""
    shell = SimpleNamespace(display_formatter=DisplayFormatter())
    register(shell)
    report = inc.thresholds(inc.load_model(EXAMPLE), ["bonus.support.reopened_tickets"])
    data, _ = shell.display_formatter.format(report)
    fraction = "<mo>&#x2212;</mo><mfrac><mn>29</mn><mn>168</mn></mfrac>"
    assert f"<mi>bonus.support.reopened_tickets</mi><mo>&gt;</mo><mrow>{fraction}</mrow>" in data["text/html"]
    assert "bonus.support.reopened_tickets > -29/168" in data["text/plain"]


def test_the_graph_is_shown_with_its_picture() -> None:
    pytest.importorskip("matplotlib")
    shell = SimpleNamespace(display_formatter=DisplayFormatter())
    register(shell)
    graph = inc.dependency_graph(inc.load_model(EXAMPLE))
    data, _ = shell.display_formatter.format(graph)
    html = data["text/html"]
    assert html.count('<img src="data:image/png;base64,') == 1 and "Finger-pointing loops" in html
    assert "image/png" in data  # the picture alone, for front ends that show no HTML


def test_results_know_nothing_about_reports() -> None:
    for cls in (inc.Game, inc.SolveResult, inc.Analysis, inc.Perspectives):
        assert "_repr_html_" not in vars(cls), cls


def _python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    return done.stdout.strip()


def test_importing_incentives_in_ipython_registers_the_display() -> None:
    code = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "import incentives as inc\n"
        "game = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], title='Prisoners')\n"
        "data, _ = shell.display_formatter.format(inc.solve(game))\n"
        "print(data['text/html'].startswith('<div class=\"incentives-report\">'))\n"
    )
    assert _python(code) == "True"


def test_without_ipython_no_report_is_imported() -> None:
    code = "import sys, incentives\nprint(any(m.startswith('incentives.report') for m in sys.modules))"
    assert _python(code) == "False"
