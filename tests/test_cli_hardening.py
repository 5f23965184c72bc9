"""The command line never ends in a traceback: bad options are usage errors, and a bug says it is one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from incentives.cli import main
from incentives.cli._common import BUG_EXIT_STATUS

EXAMPLE = "examples/growing_company.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("sweep", EXAMPLE, "-p", "customers_per_deal=nan:inf:3"), "finite"),
        (("sweep", EXAMPLE, "-p", "customers_per_deal=0:1:100000000"), "at most 100,000"),
        (("sweep", EXAMPLE, "-p", "customers_per_deal=0:1", "--samples", "1000000000"), "100000"),
        (("thresholds", EXAMPLE, "-s", "customers_per_deal=nan:inf"), "finite"),
        (("qre", EXAMPLE, "--lambda", "inf"), "finite"),
        (("qre", EXAMPLE, "--lambda", "1e308"), "at most"),
        (("solve", EXAMPLE, "--max-seconds", "nan"), "finite"),
        (("solve", EXAMPLE, "--tol", "-1"), "above 0"),
        (("design", EXAMPLE, "--budget", "inf"), "finite"),
        (("design", EXAMPLE, "--margin", "nan"), "finite"),
        (("continuous", "examples/classics/kerr.yaml", "--seed", "-1"), "-1"),
    ],
)
def test_numeric_options_out_of_range_are_usage_errors(args: tuple[str, ...], says: str) -> None:
    code, _, err = run(*args)
    assert code == 2
    assert says in err
    assert "Traceback" not in err


def test_a_missing_output_folder_is_a_clean_error_before_any_work(tmp_path: Path) -> None:
    code, _, err = run("analyze", EXAMPLE, "--output", str(tmp_path / "no" / "such" / "report.json"))
    assert code == 1
    assert "does not exist" in err
    assert list(tmp_path.iterdir()) == []


def test_text_that_cannot_be_encoded_is_escaped_not_fatal(tmp_path: Path) -> None:
    # A lone surrogate cannot be written as UTF-8; JSON escapes it, text shows it escaped.
    data = json.loads(json.dumps(__import__("yaml").safe_load(Path(EXAMPLE).read_text(encoding="utf-8"))))
    data["name"] = "Company \ud800 with a broken name"
    model = tmp_path / "model.json"
    model.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run("analyze", str(model))
    assert code == 0
    assert "\\ud800" in out
    code, _, _ = run("analyze", str(model), "--output", str(tmp_path / "report.txt"))
    assert code == 0
    assert "\\ud800" in (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "report.txt"]  # no temporary file left


def test_an_unexpected_exception_is_reported_as_a_bug_with_a_distinct_status(monkeypatch: pytest.MonkeyPatch) -> None:
    import incentives.analysis.gaming as gaming

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something inside broke")

    monkeypatch.setattr(gaming, "analyze", broken)
    code, out, err = run("analyze", EXAMPLE)
    assert code == BUG_EXIT_STATUS == 70
    assert "this is a bug in incentives" in err
    assert "`incentives analyze` on examples/growing_company.yaml" in err
    assert "RuntimeError: something inside broke" in err
    assert "Traceback" not in err and out == ""
    code, _, err = run("--debug", "analyze", EXAMPLE)
    assert code == BUG_EXIT_STATUS
    assert "Traceback (most recent call last)" in err
    assert "this is a bug in incentives" in err


def test_a_bug_report_names_the_file_read_not_the_file_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import incentives.solvers

    def broken(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(incentives.solvers, "solve", broken)  # what the command calls
    code, _, err = run("solve", EXAMPLE, "--format", "html", "-o", str(tmp_path / "report.html"))
    assert code == BUG_EXIT_STATUS
    assert f"`incentives solve` on {EXAMPLE} ran out of memory" in err and "report.html" not in err


def test_a_written_report_gets_the_usual_file_permissions(tmp_path: Path) -> None:
    import os

    target = tmp_path / "report.md"
    assert run("analyze", EXAMPLE, "--output", str(target))[0] == 0
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # not the private 0o600 of a temporary file


DIVIDES = """\
name: divides
departments:
  sales:
    actions:
      slow: {speed: 1}
      fast: {speed: 2}
  support:
    actions:
      a: {q: 1}
      b: {q: 3}
kpis:
  speed: {speed}
  q: support.q
company_value: speed + q
bonus:
  sales: {{speed: 1}}
  support: {{q: 1}}
"""


@pytest.mark.parametrize(
    ("formula", "says"),
    [
        ("1 / (sales.speed - 1)", "the formula '1/(sales.speed - 1)' "),
        ("sqrt(sales.speed - 2)", "the formula 'sqrt(sales.speed - 2)' is not a finite number"),
    ],
)
@pytest.mark.parametrize("command", ["analyze", "graph", "design", "solve"])
def test_a_value_not_finite_at_a_profile_names_the_file_the_line_the_formula_and_the_profile(
    tmp_path: Path, formula: str, says: str, command: str
) -> None:
    model = tmp_path / "model.yaml"
    model.write_text(DIVIDES.replace("{speed}", formula).replace("{{", "{").replace("}}", "}"), encoding="utf-8")
    code, out, err = run(command, str(model))
    assert (code, out) == (1, "")
    assert err.startswith(f"error: {model}: 1 problem in the model:")
    assert f"line 12, kpis.speed: {says}" in err
    assert "at sales=slow, support=a" in err  # exact (a division) or floating point, the profile is named


def test_a_size_refusal_after_loading_names_the_file(tmp_path: Path) -> None:
    actions = {f"a{k}": {"x": k} for k in range(8)}
    departments = {f"d{i}": {"actions": actions} for i in range(9)}
    data = {"departments": departments, "kpis": {"k": "d0.x"}, "company_value": "k", "bonus": {"d0": {"k": 1}}}
    model = tmp_path / "big.json"
    model.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("analyze", str(model))
    assert code == 1
    assert err.startswith(f"error: {model}: ") and "profiles" in err


def test_thresholds_stop_at_their_time_budget(tmp_path: Path) -> None:
    # exp of a symbolic exponent: the exact analysis would run for minutes
    model = tmp_path / "model.yaml"
    model.write_text(
        "parameters: {p: -2.5}\n"
        "departments:\n"
        "  d0: {actions: {a: {v: 1}, b: {v: 2}, c: {v: 3}}}\n"
        "  d1: {actions: {a: {v: 1}, b: {v: 2}, c: {v: 3}}}\n"
        "kpis:\n"
        "  k0: p * d0.v - d1.v / 2\n"
        "  k1: p * d1.v - d0.v / 2\n"
        "company_value: exp(p*d0.v*100)\n"
        "bonus: {d0: {k0: 1}, d1: {k1: 1}}\n",
        encoding="utf-8",
    )
    code, out, err = run("thresholds", str(model), "-s", "p", "--max-seconds", "1")
    assert (code, out) == (1, "")
    assert "took more than 1 s (--max-seconds)" in err


def test_continuous_stops_at_its_time_budget_with_a_clean_message() -> None:
    # the closed forms of Baker's model take far longer than a millisecond; nothing is printed on stdout
    code, out, err = run("continuous", "examples/classics/baker.yaml", "--max-seconds", "0.001")
    assert (code, out) == (1, "")
    assert "examples/classics/baker.yaml: the continuous analysis took more than 0.001 s (--max-seconds)" in err


def test_the_time_limit_raises_again_when_the_first_stop_is_caught() -> None:
    from incentives.cli._common import time_limit
    from incentives.errors import SolverError

    caught = 0
    with pytest.raises(SolverError), time_limit(0.2):
        while True:
            try:
                while True:
                    pass
            except SolverError:
                caught += 1
                if caught > 1:
                    raise
    assert caught == 2
