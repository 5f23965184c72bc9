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
