"""Markdown and HTML reports: well-formed, complete, escaped, deterministic; the CLI and Jupyter use them."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _html_check import (
    check_well_formed,
    html_tables,
    markdown_tables,
    parse,
    text_of,
    unescape_markdown,
)
from click.testing import CliRunner

import incentives as inc
from incentives.cli import main
from incentives.report import render, report_blocks
from incentives.report.blocks import Table
from incentives.report.board import game_html, game_markdown
from incentives.report.markdown import escape_markdown

EXAMPLE = "examples/growing_company.yaml"
NASTY = "<script>alert('x')</script> | a&b"
NASTY_KPI = "new|customers & <b>bold</b>"


def html_of(result: Any) -> str:
    return render(result, "html")


def markdown_of(result: Any) -> str:
    return render(result, "markdown")


@pytest.fixture(scope="module")
def org() -> inc.Organization:
    return inc.load_model(EXAMPLE)


@pytest.fixture(scope="module")
def analysis(org: inc.Organization) -> inc.Analysis:
    return inc.analyze(org)


@pytest.fixture(scope="module")
def views(org: inc.Organization) -> inc.Perspectives:
    return inc.perspectives(org, "big_contract")


def rename(obj: Any, changes: Mapping[str, str]) -> Any:
    """A copy of a result with every name replaced in every string (model names cannot hold markup)."""
    if isinstance(obj, str):
        for old, new in changes.items():
            obj = obj.replace(old, new)
        return obj
    if isinstance(obj, inc.Organization | np.ndarray):
        return obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = {f.name: rename(getattr(obj, f.name), changes) for f in dataclasses.fields(obj) if f.init}
        return dataclasses.replace(obj, **fields)
    if isinstance(obj, Mapping):
        return {rename(k, changes): rename(v, changes) for k, v in obj.items()}
    if isinstance(obj, tuple):
        return tuple(rename(x, changes) for x in obj)
    return obj


# -- content --------------------------------------------------------------------------------


def test_analysis_html_is_well_formed_and_carries_the_figures(analysis: inc.Analysis) -> None:
    html = html_of(analysis)
    assert check_well_formed(html) == []
    root = parse(html)
    words = " ".join(text_of(root).split())
    # hand-checked figures of the example: equilibrium value, optimum, price of anarchy
    assert "company value is 153.6, 277.12 below the optimum" in words
    assert "Company optimum: sales=consultative, support=thorough, development=robust" in words
    assert "Price of anarchy 0.724" in words
    tables = html_tables(root)
    departures = {text_of(r[0]): r for r in tables["Who departs from the company optimum"]}
    main_drivers = {"sales": "new_customers", "support": "resolution_hours", "development": "features_shipped"}
    assert set(analysis.gaming_departments) == set(main_drivers)
    for dept, driver in main_drivers.items():
        assert text_of(departures[dept][5]).startswith(f"{driver} (+"), dept
        assert f"{dept} plays" in words and f"it is paid on {driver}" in words
    assert "operations plays change_freeze instead of continuous_delivery whatever the others do" in words
    assert "so it is not counted as gaming here" in words
    equilibria = tables["Equilibria"]
    assert [text_of(c) for c in equilibria[4]] == ["", "company value", "", "153.6"]
    burden = {text_of(r[0]): text_of(r[1]) for r in tables["Who pays (equilibrium minus optimum)"]}
    assert burden["company value"] == "-277.12" and burden["support"] == "-0.727"
    alignment = tables["KPI alignment: does paying on the KPI pull the same way as company value?"]
    assert [(text_of(r[1]), text_of(r[2])) for r in alignment][-1] == ("uptime", "mixed")
    assert "Gaming score" in words and "sales 0.527" in words


def test_analysis_markdown_tables_and_sentences(analysis: inc.Analysis) -> None:
    md = markdown_of(analysis)
    assert md.startswith("## Growing software company\n") and md.endswith("\n")
    tables = markdown_tables(md)
    departures = next(t for t in tables if t[0][0] == "department" and len(t[0]) == 6)
    assert [r[0] for r in departures[1:]] == ["sales", "support", "development", "operations"]
    assert departures[2][5] == "resolution_hours (+7/3)<br>tickets_closed_per_hour (+2)<br>action cost (+0.5)"
    assert "Price of anarchy 0.724" in md
    assert "| 1 | sales | aggressive | 7 |" in md


def test_solve_reports_list_every_equilibrium_with_status() -> None:
    bos = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]], title="Battle")
    result = inc.solve(bos)
    html = html_of(result)
    assert check_well_formed(html) == []
    rows = html_tables(parse(html))["Equilibria"]
    assert len(rows) == 3 * 3  # two players and the regret, per equilibrium
    assert [text_of(r[2]) for r in rows[6:8]] == ["2/3 r0 + 1/3 r1", "1/3 c0 + 2/3 c1"]
    assert len(parse(html).findall(".//table/tbody")) == 3  # one group of rows per equilibrium
    md = markdown_of(result)
    assert "status: complete; 3 equilibria found." in md and "| 3 | row | 2/3 r0 + 1/3 r1 | 2/3 |" in md


def test_degenerate_notes_and_analysis_with_several_equilibria() -> None:
    org = inc.Organization.from_dict(
        {
            "name": "Coordination",
            "departments": {d: {"actions": {"x": {"v": 1}, "y": {"v": 0}}} for d in ("a", "b")},
            "kpis": {"match": "a.v * b.v + (1 - a.v) * (1 - b.v)"},
            "company_value": "2 * a.v * b.v + (1 - a.v) * (1 - b.v)",
            "bonus": {"a": {"match": 1}, "b": {"match": 1}},
        }
    )
    html = html_of(inc.analyze(org))
    assert check_well_formed(html) == []
    words = text_of(parse(html))
    assert "Equilibrium 3" in words and "Price of stability 0.000" in words
    assert "no gaming here" in words
    degenerate = inc.Game.from_bimatrix([[1, 1], [1, 1]], [[1, 1], [1, 1]])
    html = html_of(inc.solve(degenerate))
    assert '<p class="warn">The game is degenerate' in html


def test_perspectives_reports(views: inc.Perspectives) -> None:
    html = html_of(views)
    assert check_well_formed(html) == []
    tables = html_tables(parse(html))
    wins = {text_of(r[0]): (text_of(r[4]), text_of(r[5])) for r in tables[next(iter(tables))]}
    assert wins == {
        "sales": ("+14", "win"),
        "support": ("-28/3", "loss"),
        "development": ("0", "no change"),
        "operations": ("-3.36", "loss"),
        "company": ("+179.2", "win"),
    }
    md = markdown_of([views, views])
    assert md.count("## Event big_contract: customers_per_deal = 300") == 2
    assert "- For support, big_contract is a loss of 28/3." in md


# -- escaping -------------------------------------------------------------------------------


def nasty_game() -> inc.Game:
    return inc.Game.from_bimatrix(
        [[2, 0], [0, 1]],
        [[1, 0], [0, 2]],
        players=(NASTY, "col & <i>"),
        actions=(["a|b", "<b>&amp;</b>"], ["x*y*", "[z](http://e.x)"]),
        title="<script>document.write(1)</script>",
    )


def test_html_escapes_every_name_and_reads_back_the_same_text() -> None:
    game = nasty_game()
    for html in (game_html(game), html_of(inc.solve(game)), game_html(game, page=True)):
        assert check_well_formed(html) == []
        assert "<script" not in html and "<b>" not in html and "<i>" not in html
        assert "&lt;script&gt;" in html and "&amp;amp;" in html
    root = parse(game_html(game))
    header = [text_of(th) for th in root.find(".//thead").findall("tr")[-1]]
    assert header == [f"{NASTY} ↓", "x*y*", "[z](http://e.x)"]
    assert [text_of(r[0]) for r in root.find(".//tbody").findall("tr")] == ["a|b", "<b>&amp;</b>"]
    rows = html_tables(parse(html_of(inc.solve(game))))["Equilibria"]
    assert text_of(rows[0][1]) == NASTY and text_of(rows[0][2]) == "a|b"


def test_markdown_escapes_pipes_and_markup_in_names() -> None:
    game = nasty_game()
    for md in (game_markdown(game), markdown_of(inc.solve(game))):
        assert not re.search(r"(?<!\\)<(?!br>)", md), "raw '<' outside a <br>"
        assert not re.search(r"(?<!\\)&", md)
        for table in markdown_tables(md):
            assert len({len(row) for row in table}) == 1  # no pipe in a name splits a cell
    (board,) = markdown_tables(game_markdown(game))
    assert [unescape_markdown(c) for c in board[0]] == [f"{NASTY} ↓ / col & <i> →", "x*y*", "[z](http://e.x)"]
    assert [unescape_markdown(r[0]) for r in board[1:]] == ["**a|b**", "**<b>&amp;</b>**"]
    assert unescape_markdown(escape_markdown("_a_ fast_close\nnext")) == "_a_ fast_close next"
    assert escape_markdown("fast_close") == "fast_close"


def test_analysis_and_perspectives_escape_department_and_kpi_names(
    analysis: inc.Analysis, views: inc.Perspectives
) -> None:
    changes = {"sales": NASTY, "new_customers": NASTY_KPI}
    for item, render_html, render_md in (
        (rename(analysis, changes), html_of, markdown_of),
        (rename(views, changes), html_of, markdown_of),
    ):
        html = render_html(item)
        assert check_well_formed(html) == []
        assert "<script" not in html and "<b>" not in html
        cells = {text_of(c) for rows in html_tables(parse(html)).values() for r in rows for c in r}
        assert NASTY in cells
        md = render_md(item)
        assert not re.search(r"(?<!\\)<(?!br>)", md)
        for table in markdown_tables(md):
            assert len({len(row) for row in table}) == 1
        assert any(unescape_markdown(r[0]) == NASTY for t in markdown_tables(md) for r in t)
    html = html_of(rename(analysis, changes))
    driver = html_tables(parse(html))["Who departs from the company optimum"][0][5]
    assert text_of(driver) == f"{NASTY_KPI} (+3)"


# -- determinism, CLI, Jupyter --------------------------------------------------------------


def test_same_input_same_bytes(org: inc.Organization, analysis: inc.Analysis) -> None:
    again = inc.analyze(org)
    assert html_of(analysis) == html_of(again) == html_of(analysis)
    assert markdown_of(analysis) == markdown_of(again)
    assert game_html(analysis.game) == game_html(inc.build_game(org))


def test_same_bytes_across_processes(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        target = tmp_path / f"report{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = "from incentives.cli import main; main()"
        args = ["analyze", EXAMPLE, "--format", "html", "-o", str(target)]
        subprocess.run([sys.executable, "-c", command, *args], check=True, env=env, capture_output=True)
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_html_output_file(tmp_path: Path, analysis: inc.Analysis) -> None:
    target = tmp_path / "x.html"
    code, out, err = run("analyze", EXAMPLE, "--format", "html", "--output", str(target))
    assert code == 0 and out == "" and "wrote" in err
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and check_well_formed(page) == []
    assert parse(page).find(".//title").text == "Growing software company"
    assert html_of(analysis).split("</style>\n")[1].removesuffix("</div>\n") in page
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_cli_markdown_for_every_command() -> None:
    code, out, _ = run("solve", EXAMPLE, "--format", "markdown")
    assert code == 0 and out.startswith("## Growing software company") and "| 1 | sales | aggressive | 7 |" in out
    code, out, _ = run("analyze", EXAMPLE, "--format", "markdown")
    assert code == 0 and "**Who departs from the company optimum**" in out and "Price of anarchy 0.724" in out
    code, out, _ = run(
        "perspectives", EXAMPLE, "-e", "big_contract", "-e", "customers_per_deal=200", "--format", "markdown"
    )
    assert code == 0 and "## Event big_contract: customers_per_deal = 300" in out
    assert "## Event customers_per_deal=200: customers_per_deal = 200" in out
    code, out, _ = run("perspectives", EXAMPLE, "--format", "html")
    assert code == 0 and check_well_formed(out) == [] and "big_contract" in out


def test_a_list_of_perspectives_is_each_one_in_turn(views: inc.Perspectives) -> None:
    assert render([views], "html") == html_of(views)
    assert render([views, views], "text").count("Event big_contract") == 2
    with pytest.raises(TypeError, match=r"no report for an object of type 'int'"):
        render(3, "html")


def test_the_checker_itself_catches_broken_html() -> None:
    assert check_well_formed("<div><p>fine<br/></p></div>") == []
    assert check_well_formed("<p><b>x</p></b>") == ["</p> closes b", "<p> never closed"]
    assert check_well_formed("<div><p>open</div>") == ["</div> closes p", "<div> never closed", "<p> never closed"]
    assert check_well_formed('<script>x</script><a href="http://e.x">y</a>') == [
        "forbidden tag <script>",
        "attribute href='http://e.x' on <a>",
    ]


# -- every report, every format -------------------------------------------------------------


def every_report(org: inc.Organization, analysis: inc.Analysis) -> list[Any]:
    from incentives.report.continuous import ContinuousReport
    from incentives.report.design import DesignReport
    from incentives.report.graph import GraphReport
    from incentives.report.qre import qre_report

    kerr = inc.load_model("examples/classics/kerr.yaml")
    solution = inc.solve_continuous(kerr)
    return [
        DesignReport(design=inc.design(org), via_negativa=inc.via_negativa(org), transfers=inc.design_transfers(org)),
        GraphReport(graph=inc.dependency_graph(org)),
        inc.thresholds(org, ["customers_per_deal", "bonus.support.reopened_tickets"]),
        inc.sweep(org, {"customers_per_deal": [10, 100, 600]}, progress=False),
        ContinuousReport(solution=solution, gaps=inc.gaming_gaps(kerr, solution), plan=inc.optimal_plan(kerr, ["w"])),
        qre_report(analysis.game, [0, 1]),
        *repeated_reports(),
    ]


def repeated_reports() -> list[Any]:
    from incentives.repeated import relational_contract
    from incentives.report.repeated import RepeatedReport
    from incentives.whatif import sustainability

    teams = inc.evaluate_model(inc.load_model("tests/data/two_teams_repeated.yaml"), exact=True)
    flagship = inc.load_model("examples/keeping_close.yaml")
    analysis = inc.repeated(teams, monitoring={"a": 0.5})
    return [
        RepeatedReport(analysis=analysis, contract=relational_contract(teams, monitoring={"a": 0.5})),
        inc.repeated(flagship, equilibria="pure"),
        inc.sweep(flagship, {"headcount": [40, 60]}, method="pure", repeated=True, progress=False),
        sustainability(flagship, ["headcount"]),
    ]


def test_every_report_is_well_formed_in_every_format(org: inc.Organization, analysis: inc.Analysis) -> None:
    for result in every_report(org, analysis):
        name = type(result).__name__
        html = render(result, "html", page=True)
        assert check_well_formed(html) == [], name
        page = " ".join(text_of(parse(html)).split())  # well-formed XML too
        md = render(result, "markdown")
        for table in markdown_tables(md):
            assert len({len(row) for row in table}) == 1, name  # no cell splits a row
        text = render(result, "text")
        assert max(len(line) for line in text.splitlines()) <= 110, name
        assert all(line == line.rstrip() for line in text.splitlines()), name
        # the same headings and table titles in every format
        blocks = report_blocks(result)
        titles = [b.title for b in blocks if isinstance(b, Table) and b.title]
        flat = " ".join(text.split())
        assert titles and all(title in flat and title in page for title in titles), name


def test_text_keeps_every_table_note(org: inc.Organization, analysis: inc.Analysis) -> None:
    for result in [analysis, *every_report(org, analysis)]:
        notes = [b.note for b in report_blocks(result) if isinstance(b, Table) and b.note]
        flat = " ".join(render(result, "text").split())
        for note in notes:
            assert " ".join(note.split()) in flat, (type(result).__name__, note[:40])
