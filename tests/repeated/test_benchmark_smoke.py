"""`python benchmarks/repeated_benchmark.py --quick` runs end to end and writes its table (timings are not tested)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_quick_repeated_benchmark_runs_and_writes_its_table(tmp_path: Path) -> None:
    target = tmp_path / "repeated.md"
    done = subprocess.run(
        [sys.executable, "benchmarks/repeated_benchmark.py", "--quick", "--output", str(target)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = target.read_text()
    assert text.startswith("# Repeated-game benchmarks")
    for benchmark in ("critical discount factors", "sweep over size", "payoff sets, 2 departments"):
        assert f"| {benchmark} |" in text
    assert "delta* = 0.6" in text  # the ring: 2 / (2 + 2 p) with p = 2/3
    assert "first size not sustained: 62" in text  # the flagship on a 100-point grid (step 10.09)
    assert "Traceback" not in done.stderr
