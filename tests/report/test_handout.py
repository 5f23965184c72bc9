"""The one-page handout: produced by the CLI, well-formed and self-contained, with the tables' figures and the graph.

The figures checked are worked out by hand from examples/hospital.yaml (see
tests/test_examples.py): company value 307.5 at the optimum and 60 at the equilibrium,
the ED and surgery gaming, the wards responding, and the winter surge costing the
hospital 144.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import re
import sys
from pathlib import Path

import pytest
from _html_check import check_well_formed, html_tables, parse, text_of
from click.testing import CliRunner

import incentives as inc
from incentives.cli import main
from incentives.report import json_document, render
from incentives.report.graph import graph_png
from incentives.report.handout import Handout, handout

HOSPITAL = "examples/hospital.yaml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DATA_URI = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def _problems(page: str) -> list[str]:
    """Well-formedness problems, but for the one picture the handout embeds as a PNG data URI."""
    allowed = re.compile(r"forbidden tag <img>|attribute src='data:image/png;base64,[A-Za-z0-9+/=]+' on <img>")
    return [p for p in check_well_formed(page) if not allowed.fullmatch(p)]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("handout") / "handout.html"
    result = CliRunner().invoke(main, ["handout", HOSPITAL, "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.parent.iterdir()) == ["handout.html"]  # nothing half-written left over
    return out.read_text(encoding="utf-8")


def page_of(analysis: inc.Analysis) -> str:
    """The handout page of an analysis, without the picture."""
    return render(Handout(analysis=analysis), "html", page=True)


def _rows(page: str, title: str) -> dict[str, list[str]]:
    tables = html_tables(parse(page))
    (name,) = [n for n in tables if n.startswith(title)]
    return {text_of(row[0]): [text_of(c) for c in row[1:]] for row in tables[name]}


def test_the_handout_is_well_formed_and_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert _problems(page) == []
    parse(page)  # also well-formed XML
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")


def test_the_graph_is_an_embedded_png(page: str) -> None:
    images = DATA_URI.findall(page)
    assert len(images) == 1
    png = base64.b64decode(images[0])
    assert png.startswith(PNG_SIGNATURE)
    matplotlib_image = pytest.importorskip("matplotlib.image")
    picture = matplotlib_image.imread(io.BytesIO(png), format="png")
    assert picture.shape[0] > 300 and picture.shape[1] > 300


def test_equilibrium_against_optimum(page: str) -> None:
    rows = _rows(page, "What each department does")
    assert rows["emergency"] == ["assess_and_treat", "admit_to_stop_clock"]
    assert rows["wards"] == ["discharge_when_ready", "discharge_early"]
    assert rows["surgery"] == ["planned_list", "packed_list"]
    assert rows["company value"] == ["307.5", "60"]
    assert "Price of anarchy 0.954" in page  # (307.5 - 60) / (307.5 - 48), 48 the worst profile's value


def test_who_games_and_who_pays(page: str) -> None:
    rows = _rows(page, "Who games, who pays")
    assert rows["emergency"][:4] == [
        "admit_to_stop_clock instead of assess_and_treat",
        "+13",
        "218.857",
        "four_hour_wait (+13)",
    ]
    assert rows["surgery"][3] == "procedures_done (+92/7)"  # 20 procedures less 6.857 cancelled
    assert rows["wards"][2] == "-12"  # a response: switching alone would cost the hospital 12
    assert rows["wards"][4] == "-30.238"  # the wards pay most
    assert rows["company value"][4] == "-247.5"
    root = parse(page)
    tones = {text_of(td): td.get("class", "") for td in root.iter("td")}
    assert "bad" in tones["admit_to_stop_clock instead of assess_and_treat"]
    assert "warn" in tones["discharge_early instead of discharge_when_ready"]


def test_kpi_alignment_and_the_event(page: str) -> None:
    rows = _rows(page, "KPI alignment")
    assert rows["emergency"] == ["four_hour_wait", "misaligned"]
    assert "Event winter: winter_demand = 1.2" in page
    tables = html_tables(parse(page))
    (views,) = [rows for name, rows in tables.items() if any(text_of(r[0]) == "company" for r in rows)]
    company = next([text_of(c) for c in r] for r in views if text_of(r[0]) == "company")
    assert company == ["company", "60", "-84", "-84", "-144", "loss"]


def test_bad_output_and_model_are_refused(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["handout", HOSPITAL, "--output", str(tmp_path / "handout.pdf")])
    assert result.exit_code == 2 and "print the page to PDF from a browser" in result.output
    nfg = tmp_path / "game.nfg"
    nfg.write_text('NFG 1 R "x" { "a" "b" } { 1 1 }\n0 0\n')
    result = runner.invoke(main, ["handout", str(nfg), "--output", str(tmp_path / "h.html")])
    assert result.exit_code == 2 and "expected a model file" in result.output
    assert not (tmp_path / "h.html").exists()


def test_without_events_description_or_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    org = inc.load_model("examples/blank_model.yaml")
    bare = dataclasses.replace(org, events={}, description="")
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    page = render(handout(bare), "html", page=True)
    assert _problems(page) == []
    assert "<img" not in page and "needs matplotlib" in page
    assert "Event " not in page
    rows = _rows(page, "What each department does")
    assert rows["company value"] == ["184", "163.2"]  # 10*20 - 8*2 and 10*24 - 8*9.6


def test_the_picture_is_deterministic() -> None:
    pytest.importorskip("matplotlib")
    graph = inc.dependency_graph(inc.load_model("examples/blank_model.yaml"))
    assert graph_png(graph) == graph_png(graph)


def test_a_plan_without_gaming() -> None:
    data = inc.load_model("examples/blank_model.yaml").to_dict()
    data["bonus"] = {"team_a": {"company_value": 0.1}, "team_b": {"company_value": 0.1}}
    page = page_of(inc.analyze(inc.Organization.from_dict(data)))
    assert _problems(page) == []
    assert "Gaming: none." in page
    rows = _rows(page, "Who games, who pays")
    assert rows["team_a"][0] == "as at the optimum" and rows["company value"][4] == "0"


def test_several_equilibria_each_get_a_column() -> None:
    # two pure equilibria and a mixed one: sales is indifferent when support plays standard_a with
    # probability p where 2p = 1 - p, p = 1/3; company value there 3*(2/3)(1/3) + 2*(1/3)(2/3) = 10/9
    page = page_of(inc.analyze(inc.load_model("tests/data/two_standards.yaml")))
    assert _problems(page) == []
    rows = _rows(page, "What each department does")
    assert rows["sales"] == ["standard_a", "standard_a", "standard_b", "2/3 standard_a + 1/3 standard_b"]
    assert rows["support"][3] == "1/3 standard_a + 2/3 standard_b"
    assert rows["company value"] == ["3", "3", "2", "10/9"]
    assert "Gaming: none." in page


def test_every_format_of_the_handout(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["handout", HOSPITAL, "--format", "text"])
    assert result.exit_code == 0, result.output
    assert "What each department does" in result.stdout and "Event winter: winter_demand = 1.2" in result.stdout
    assert "<" not in result.stdout and "data:image" not in result.stdout
    result = runner.invoke(main, ["handout", HOSPITAL, "--output", str(tmp_path / "handout.json")])
    doc = json.loads((tmp_path / "handout.json").read_text(encoding="utf-8"))
    assert doc["schema"] == "incentives.handout/1" and doc["analysis"]["schema"] == "incentives.analysis/1"
    assert [e["event"] for e in doc["events"]] == ["winter"]
    assert doc == json_document(
        Handout(
            analysis=inc.analyze(inc.load_model(HOSPITAL)),
            events=(inc.perspectives(inc.load_model(HOSPITAL), "winter"),),
            source=HOSPITAL,
        )
    )
    result = runner.invoke(main, ["handout", HOSPITAL])  # HTML by default, on standard output
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")
