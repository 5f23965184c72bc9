"""The command line, end to end, on the example model and on Gambit files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from incentives.cli import main

EXAMPLE = "examples/growing_company.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_analyze_shows_equilibrium_departing_from_optimum() -> None:
    code, out, _ = run("analyze", EXAMPLE)
    assert code == 0
    assert "sales=aggressive, support=fast_close, development=rushed, operations=change_freeze" in out
    assert "Company optimum: sales=consultative, support=thorough, development=robust" in out
    assert "paid on new_customers" in out
    assert "Price of anarchy" in out
    assert "misaligned" in out


def test_analyze_json_schema() -> None:
    code, out, _ = run("analyze", EXAMPLE, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == "incentives.analysis/1"
    assert doc["players"] == ["sales", "support", "development", "operations"]
    assert doc["actions"]["sales"] == ["consultative", "aggressive"]
    (eq,) = doc["equilibria"]
    assert eq["profile"]["sales"] == [0.0, 1.0] and eq["pure"] is True
    assert eq["regret"] == 0.0
    assert doc["company_optimum"]["profile"]["sales"] == [1.0, 0.0]
    assert doc["company_optimum"]["company_value"] > eq["company_value"]
    assert {d["department"] for d in eq["departures"]} == set(doc["players"])
    for dep in eq["departures"]:
        assert sum(dep["drivers"].values()) == pytest.approx(dep["own_gain"])
    assert 0 < doc["summary"]["price_of_anarchy"] <= 1


def test_solve_json_on_model_and_nfg(tmp_path: Path) -> None:
    code, out, _ = run("solve", EXAMPLE, "--format", "json", "--method", "pure")
    doc = json.loads(out)
    assert code == 0 and doc["schema"] == "incentives.solve/1" and len(doc["equilibria"]) == 1
    assert "company_value" in doc["equilibria"][0]
    nfg = tmp_path / "bos.nfg"
    nfg.write_text('NFG 1 R "Battle of the sexes" { "row" "col" } { 2 2 }\n2 1 0 0 0 0 1 2\n')
    code, out, _ = run("solve", str(nfg), "--format", "json")
    doc = json.loads(out)
    assert code == 0 and len(doc["equilibria"]) == 3
    mixed = [e for e in doc["equilibria"] if not e["pure"]]
    assert mixed[0]["exact"]["profile"] == {"row": ["2/3", "1/3"], "col": ["1/3", "2/3"]}


def test_solve_text_and_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    code, out, err = run("solve", EXAMPLE, "--output", str(target))
    assert code == 0 and out == "" and "wrote" in err
    assert "Equilibria" in target.read_text()


def test_perspectives_on_declared_and_given_events() -> None:
    code, out, _ = run("perspectives", EXAMPLE, "--event", "big_contract")
    assert code == 0 and "win" in out and "loss" in out
    code, out, _ = run("perspectives", EXAMPLE, "--event", "customers_per_deal=300", "--format", "json")
    doc = json.loads(out)
    verdicts = {v["party"]: v["verdict"] for v in doc["views"]}
    assert verdicts["sales"] == "win" and verdicts["support"] == "loss"


def test_bad_model_reports_file_field_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(EXAMPLE).read_text().replace("sales.fit", "sales.fitt"))
    code, out, err = run("analyze", str(bad))
    assert code == 1 and out == ""
    assert str(bad) in err and "kpis.tickets" in err and "did you mean 'sales.fit'" in err and "line " in err


def test_bad_nfg_and_bad_suffix(tmp_path: Path) -> None:
    nfg = tmp_path / "broken.nfg"
    nfg.write_text('NFG 1 R "x" { "a" "b" } { 2 2 }\n1 2 3\n')
    code, _, err = run("solve", str(nfg))
    assert code == 1 and str(nfg) in err
    other = tmp_path / "game.txt"
    other.write_text("hello")
    code, _, err = run("solve", str(other))
    assert code == 2 and "expected a model file" in err


def test_unknown_method_is_a_usage_error() -> None:
    code, _, err = run("solve", EXAMPLE, "--method", "magic")
    assert code == 2 and "magic" in err


def test_installed_entry_point_runs() -> None:
    exe = shutil.which("incentives", path=str(Path(sys.executable).parent))
    assert exe is not None, "the 'incentives' command is not installed next to this Python"
    done = subprocess.run([exe, "analyze", EXAMPLE], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Company optimum" in done.stdout


def test_components_are_reported_in_json(tmp_path: Path) -> None:
    # three departments indifferent among everything: every profile is an equilibrium, one connected set
    nfg = tmp_path / "indifferent.nfg"
    nfg.write_text('NFG 1 R "indifferent" { "a" "b" "c" } { 2 2 2 }\n' + "0 " * 24 + "\n")
    code, out, _ = run("solve", str(nfg), "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["degenerate"] is True
    assert doc["components"], "a positive-dimensional set of equilibria must be reported"
    component = doc["components"][0]
    assert component["dimension"] >= 1
    assert set(component["representative"]) == {"a", "b", "c"}


# -- one emitter: every command, every format, one meaning of --output ---------------------------------------------

FAST = {
    "solve": ["solve", "tests/data/prisoners_dilemma.nfg"],
    "analyze": ["analyze", EXAMPLE],
    "perspectives": ["perspectives", EXAMPLE],
    "graph": ["graph", EXAMPLE],
    "design": ["design", EXAMPLE],
    "sweep": ["sweep", EXAMPLE, "-p", "customers_per_deal=10:600:3", "--no-progress"],
    "thresholds": ["thresholds", EXAMPLE, "-s", "bonus.support.reopened_tickets"],
    "continuous": ["continuous", "examples/classics/kerr.yaml"],
    "handout": ["handout", "examples/blank_model.yaml"],
    "qre": ["qre", "tests/data/prisoners_dilemma.nfg", "-l", "1"],
    "repeated": ["repeated", "examples/keeping_close.yaml", "--method", "pure"],
}


def test_every_command_is_checked_here() -> None:
    assert set(FAST) == set(main.commands) - {"workshop"}  # it serves a page, no report: tests/workshop


@pytest.mark.parametrize("command", list(FAST))
def test_every_command_writes_every_format(command: str, tmp_path: Path) -> None:
    from incentives.report.markdown import escape_markdown

    args = FAST[command]
    code, text, _ = run(*args, "--format", "text")
    assert code == 0 and text.strip()
    title = text.splitlines()[0]
    for suffix, check in (
        (".md", lambda out: out.startswith(f"## {escape_markdown(title)}\n")),
        (".html", lambda out: out.startswith("<!DOCTYPE html>") and out.endswith("</html>\n")),
        (".json", lambda out: json.loads(out)["schema"].startswith("incentives.")),
        (".txt", lambda out: out.splitlines()[0] == title),
    ):
        target = tmp_path / f"report{suffix}"
        code, out, err = run(*args, "--output", str(target))
        assert code == 0 and out == "" and f"wrote {target}" in err, err
        assert check(target.read_text(encoding="utf-8")), f"{command} {suffix}"
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".html", ".json", ".md", ".txt"]  # no temporary files


def test_format_wins_over_the_suffix_and_dash_is_standard_output(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    code, _, _ = run("solve", "tests/data/prisoners_dilemma.nfg", "--format", "json", "--output", str(target))
    assert code == 0 and json.loads(target.read_text(encoding="utf-8"))["schema"] == "incentives.solve/1"
    code, out, _ = run("solve", "tests/data/prisoners_dilemma.nfg", "--format", "markdown", "--output", "-")
    assert code == 0 and out.startswith("## Prisoner")
    code, out, _ = run("solve", "tests/data/prisoners_dilemma.nfg", "--output", str(tmp_path / "no_suffix"))
    assert code == 0 and (tmp_path / "no_suffix").read_text(encoding="utf-8").startswith("Prisoner")


def test_an_unknown_suffix_or_a_missing_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    code, _, err = run("analyze", EXAMPLE, "--output", str(tmp_path / "report.docx"))
    assert code == 2 and "give --format" in err and not list(tmp_path.iterdir())
    missing = tmp_path / "no" / "such" / "report.md"
    for args in (("analyze", EXAMPLE), ("qre", "tests/data/prisoners_dilemma.nfg")):
        code, out, err = run(*args, "--output", str(missing))
        assert code == 1 and out == "" and err.startswith("error: ") and "does not exist" in err
    code, _, err = run("design", EXAMPLE, "--output-model", str(missing.with_suffix(".yaml")))
    assert code == 1 and err.startswith("error: ") and "does not exist" in err


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    import incentives._util as util

    target = tmp_path / "report.md"
    target.write_text("old", encoding="utf-8")

    def disk_full(source: object, destination: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(util.os, "replace", disk_full)
    code, _, err = run("solve", "tests/data/prisoners_dilemma.nfg", "--output", str(target))
    assert code == 1 and "error: " in err and "No space left on device" in err
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # the temporary file is gone


def test_no_private_name_crosses_from_the_cli() -> None:
    # incentives._util is the package's own shared toolbox, meant for every module
    import ast

    for path in Path("incentives/cli").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path}: imports {private} from {node.module}"
                parts = (node.module or "").split(".")
                assert parts == ["_util"] or not any(p.startswith("_") for p in parts), f"{path}: {node.module}"
