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


def test_readme_refresh_refuses_a_partial_run() -> None:
    # --readme replaces the whole table: a quick or --only run must not overwrite it with a part
    before = Path("README.md").read_text()
    for extra in (["--quick"], ["--only", "two_player_exact"]):
        done = subprocess.run(
            [sys.executable, "benchmarks/run.py", *extra, "--readme"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2 and "--readme" in done.stderr
    assert Path("README.md").read_text() == before
