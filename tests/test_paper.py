"""The paper builds with one command, and every number, table and figure it quotes matches the library."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

PAPERS = Path(__file__).resolve().parent.parent / "papers"
PAPER = PAPERS / "local-gaming.md"
MARKER = re.compile(r"<!-- value:([A-Za-z0-9_.]+) -->(.*?)<!-- /value -->", re.DOTALL)


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("paper_build", PAPERS / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    writes, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in papers/
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes
    return module


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("paper")
    before = {p: p.stat().st_mtime_ns for p in PAPERS.rglob("*") if p.is_file()}
    done = subprocess.run(
        [sys.executable, str(PAPERS / "build.py"), "--check", "--output", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    after = {p: p.stat().st_mtime_ns for p in PAPERS.rglob("*") if p.is_file()}
    assert before == after, "build.py --check must not modify papers/"
    return done, out


def test_check_succeeds(checked: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    done, _ = checked
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 problem(s)" in done.stdout


def test_fresh_figures_are_png_images(checked: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = checked
    figures = sorted((out / "figures").glob("*.png"))
    assert {f.stem for f in figures} == {
        "dependency_graph",
        "growth",
        "phase_diagram",
        "keeping_close",
        "keeping_close_remedy",
    }
    for figure in figures:
        data = figure.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000, figure


def test_committed_figures_are_small_pngs() -> None:
    shown = re.findall(r"\]\((figures/[a-z_]+\.png)\)", PAPER.read_text(encoding="utf-8"))
    assert len(shown) == 5
    for name in shown:
        data = (PAPERS / name).read_bytes()
        assert data.startswith(b"\x89PNG") and 10_000 < len(data) < 300_000, name


def test_quoted_numbers_match_the_fresh_build(checked: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = checked
    values = json.loads((out / "generated" / "values.json").read_text(encoding="utf-8"))
    quoted = MARKER.findall(PAPER.read_text(encoding="utf-8"))
    assert len(quoted) > 50
    assert [(name, text) for name, text in quoted if values.get(name) != text] == []
    # spot checks against the library's documented answers (independent of the build script)
    assert values["price_of_anarchy"] == "2.8"  # V*/V_eq = 430.72 / 153.6
    assert values["equilibrium"] == "aggressive, fast_close, rushed, change_freeze"
    assert values["support_penalty"] == "-29/168"  # incentives.whatif.thresholds docstring
    assert values["big_contract.support.verdict"] == "loss"
    # the flagship (examples/keeping_close.yaml), against tests/repeated/test_keeping_close.py's hand derivation
    assert (values["flag.collapse"], values["flag.collapse_remedy"]) == ("60", "99")
    assert values["flag.root.approx"] == "59.24" and values["flag.root_remedy.approx"] == "98.69"
    assert values["flag.binding"] == "sales" and values["flag.gain.sales"] == "0.92"
    assert values["flag.delta_star_local"] == "69/88"  # 23/25 / (23/25 + 1/3 * 19/25)
    assert values["flag.price_of_anarchy"] == "10.232"  # 409.28 / 40
    # the closed forms on the prisoner's dilemma T, R, P = 5, 3, 1
    assert (values["pd.delta_star"], values["pd.delta_star_p"], values["pd.p_star"]) == ("0.5", "2/3", "1/3")


def test_tables_in_the_paper_match_the_fresh_build(checked: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = checked
    text = PAPER.read_text(encoding="utf-8")
    for snippet in sorted((out / "generated").glob("*.md")):
        block = f"<!-- include:generated/{snippet.name} -->\n{snippet.read_text(encoding='utf-8')}<!-- /include -->"
        assert block in text, snippet.name


def test_the_sensitivity_table_covers_every_parameter_the_story_does_not_vary() -> None:
    import incentives as inc

    org = inc.load_model(PAPERS.parent / "examples" / "keeping_close.yaml")
    table = (PAPERS / "generated" / "sensitivity.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z_.]+)` \|", table, re.MULTILINE))
    weights = {f"bonus.{d}.{k}" for d, terms in org.bonus.items() for k in terms}
    costs = {f"costs.{d}.{a}" for d, actions in org.costs.items() for a in actions}
    assert listed == (set(org.parameters) - {"headcount", "involvement"}) | weights | costs


def test_check_catches_a_wrong_number_and_a_stale_table() -> None:
    build = _build_module()
    text = "PoA <!-- value:price_of_anarchy -->0.724<!-- /value -->, <!-- value:nope -->1<!-- /value -->"
    problems = build.check_values(text.replace("0.724", "0.725"), {"price_of_anarchy": "0.724"})
    assert len(problems) == 2
    assert "0.725" in problems[0] and "nope" in problems[1]
    assert build.check_values(text.split(",")[0], {"price_of_anarchy": "0.724"}) == []
    stale = "<!-- include:generated/t.md -->\n| a |\n<!-- /include -->"
    assert build.check_tables(stale, {"t": "| b |\n"}) != []
    assert build.check_tables(build.with_tables(stale, {"t": "| b |\n"}), {"t": "| b |\n"}) == []
