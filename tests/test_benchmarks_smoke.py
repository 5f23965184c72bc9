"""`python benchmarks/run.py --quick` runs end to end on small games and its results hold (timings are not tested)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest


def _rows(text: str) -> list[dict[str, str]]:
    """The results table as one dict a row, keyed by the header's columns."""
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True)) for line in lines[1:]]


def _sweep_benchmark(*args: str) -> subprocess.CompletedProcess[str]:
    """``benchmarks/sweep_benchmark.py`` run with ``args``; it must succeed."""
    done = subprocess.run(
        [sys.executable, "benchmarks/sweep_benchmark.py", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_quick_benchmark_runs_and_writes_results(tmp_path: Path) -> None:
    target = tmp_path / "results.md"
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--output", str(target)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    text = target.read_text()
    assert text.startswith("# Benchmark results")
    rows = _rows(text)
    assert {row["benchmark"] for row in rows} >= {
        "pure equilibria",
        "all equilibria, 2 players",
        "all equilibria, 2 players, large",
        "all equilibria, 2 players, exact",
        "all equilibria, N players",
        "one equilibrium, N players",
        "model evaluation",
    }
    # the game built from a model has the payoffs and company value numpy computes from its formulas
    evaluation = [row for row in rows if row["benchmark"] == "model evaluation"]
    assert evaluation and all(row["agree"] == "yes" for row in evaluation)
    # ours and the numpy floor, which needs no optional peer, find the same pure equilibria in every case
    floors = [row for row in rows if row["peer"] == "numpy best-response mask"]
    assert floors and all(row["agree"] == "yes" for row in floors)
    # the 14 x 14 game is past the hull's dimensions: the reverse search solves it, and completely
    large = [row for row in rows if row["benchmark"] == "all equilibria, 2 players, large"]
    assert [row["case"] for row in large] == ["14x14"]
    assert all("incomplete" not in row["note"] and "budget_exhausted" not in row["note"] for row in large)
    # wherever a peer ran, ours found every equilibrium it found: the sets agree or only ours has extra ones
    compared = [row for row in rows if row["agree"]]
    assert compared
    for row in compared:
        assert row["agree"] == "yes" or (row["agree"].startswith("no: ") and "only peer" not in row["agree"]), row
    # a peer that is missing is said, never failed
    missing = [row for row in rows if row["peer median [min-max]"] == "-"]
    assert all(row["note"] for row in missing)


def test_a_partial_run_leaves_the_published_results_alone(tmp_path: Path) -> None:
    # only the full run replaces benchmarks/RESULTS.md and docs/benchmarks.md; a quick or --only run
    # writes nowhere but --output, so the published pages always come from one whole run
    published = [Path("benchmarks/RESULTS.md"), Path("docs/benchmarks.md")]
    before = [p.read_text() for p in published]
    target = tmp_path / "part.md"
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--only", "n_player", "--output", str(target)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert [p.read_text() for p in published] == before
    text = target.read_text()
    assert {row["benchmark"] for row in _rows(text)} == {"all equilibria, N players"}
    assert "--only n_player" in text  # the command that made it is named


def test_the_docs_page_is_the_full_run_with_its_machine_and_load() -> None:
    page = Path("docs/benchmarks.md").read_text()
    results = Path("benchmarks/RESULTS.md").read_text()
    assert page.startswith("# Benchmarks\n") and "python benchmarks/run.py" in page
    published = page.split("<!-- benchmarks:start -->\n", 1)[1].split("\n<!-- benchmarks:end -->", 1)[0]
    assert published == results.split("\n", 2)[2].strip()  # the same run, word for word
    assert "with `python benchmarks/run.py`." in results  # the full run, not a quick or partial one
    assert "- load (1-minute load average" in results and "- machine:" in results
    assert "| games x repeats |" in results and "[min-max]" in results


def test_the_full_run_rewrites_only_the_results_between_the_markers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = importlib.util.spec_from_file_location("benchmarks_run", Path("benchmarks/run.py"))
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, run)  # its dataclasses look their module up
    monkeypatch.syspath_prepend("benchmarks")
    spec.loader.exec_module(run)
    page = tmp_path / "benchmarks.md"
    text = Path("docs/benchmarks.md").read_text()
    page.write_text(text.replace("Run on ", "Run long ago on ", 1))
    run.update_docs_page(page, Path("benchmarks/RESULTS.md").read_text())
    assert page.read_text() == text  # the prose around the markers kept, the results replaced
    page.write_text("# Benchmarks\n\nno markers\n")
    with pytest.raises(SystemExit, match="markers"):
        run.update_docs_page(page, "# Benchmark results\n\nRun on today.\n")


def test_sweep_scaling_runs_and_every_contender_gives_the_same_records() -> None:
    done = _sweep_benchmark("--scaling", "--repeats", "1", "--side", "15")
    rows = _rows(done.stdout)[1:]  # after the header's rule
    names = [row["contender"] for row in rows]
    assert names[:4] == [
        "1 process (workers=1)",
        "2 local processes (workers=2), kept from the sweep before",
        "2 local processes (workers=2), started for the sweep",
        "2 processes started before, each sweeping half the points (split by hand)",
    ]
    if importlib.util.find_spec("distributed") is not None:
        assert names[4:] == [
            "1 process, in the Dask round",
            "Dask, first sweep on a new cluster",
            "Dask LocalCluster, 2 workers",
            "Dask LocalCluster, 1 worker",
            "Dask LocalCluster, 2 workers, MALLOC_TRIM_THRESHOLD_ unset",
        ]
        assert "Dask LocalCluster, 2 workers against 1 (wall, within a repetition): " in done.stdout
        trips = re.search(r"to result: ([0-9.]+) ms after a 20 ms pause, ([0-9.]+) ms back to back", done.stdout)
        assert trips is not None and 0 < float(trips[1]) < 1000 and 0 < float(trips[2]) < 1000, done.stdout
    assert all(row["load (1 min)"] for row in rows)
    assert "every contender gives the records of one process: True" in done.stdout


def test_sweep_benchmark_interleaves_its_contenders_and_checks_them_against_the_peers() -> None:
    done = _sweep_benchmark("--quick", "--repeats", "2")
    assert "2 interleaved repetitions of each contender (median [lowest-highest])" in done.stdout
    assert "ours and the baseline agree at every point: True; default workers == one process: True" in done.stdout
    assert "same number of equilibria at 210 of 210 points\n" in done.stdout
    rows = [row for row in _rows(done.stdout) if row.get("contender", "").startswith(("incentives", "numpy", "hand"))]
    assert len(rows) == 8  # four a sweep: the default workers kept and none kept, workers=1, and the peer
    for row in rows:
        assert re.fullmatch(r"[0-9,]+ \[[0-9,]+-[0-9,]+\]", row["points/s (wall)"]), row
    one = [row for row in rows if row["contender"] == "incentives.sweep, workers=1 (this process)"]
    assert len(one) == 2 and all(row["x one process (wall)"] == "1.00 [1.00-1.00]x" for row in one)


def test_sweep_scaling_on_a_grid_with_a_slow_region_gives_the_records_of_one_process() -> None:
    done = _sweep_benchmark("--scaling", "--regions", "--repeats", "1", "--side", "7")
    assert "Scaling: examples/keeping_close.yaml, 210 points, method all" in done.stdout
    assert "every contender gives the records of one process: True" in done.stdout
    names = [row["contender"] for row in _rows(done.stdout)[1:]]
    assert names[:2] == ["1 process (workers=1)", "2 local processes (workers=2), kept from the sweep before"]
