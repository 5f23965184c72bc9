"""`python benchmarks/run.py --quick` runs end to end and writes its table (timings are not tested)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_quick_benchmark_runs_and_writes_results(tmp_path: Path) -> None:
    target = tmp_path / "results.md"
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--output", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = target.read_text()
    assert text.startswith("# Benchmark results")
    assert "| benchmark | case | games | ours |" in text
    for benchmark in ("pure equilibria", "all equilibria, 2 players", "all equilibria, N players"):
        assert f"| {benchmark} |" in text
    # ours and the numpy floor find the same pure equilibria; a missing peer is said, not failed
    assert "| numpy best-response mask |" in text and "| yes |" in text
    assert "Traceback" not in done.stderr


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
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert [p.read_text() for p in published] == before
    text = target.read_text()
    assert "| all equilibria, N players |" in text and "| pure equilibria |" not in text
    assert "--only n_player" in text  # the command that made it is named


def test_the_docs_page_is_the_full_run_with_its_machine_and_load() -> None:
    page = Path("docs/benchmarks.md").read_text()
    results = Path("benchmarks/RESULTS.md").read_text()
    assert page.startswith("# Benchmarks\n") and "python benchmarks/run.py" in page
    assert page.split("Run on ", 1)[1] == results.split("Run on ", 1)[1]  # the same run, word for word
    assert "with `python benchmarks/run.py`." in results  # the full run, not a quick or partial one
    assert "- load (1-minute load average" in results and "- machine:" in results
    assert "| games x repeats |" in results and "[min-max]" in results
