"""Lint (ruff) and types (mypy) are part of the test command."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "ruff", "check", "incentives", "tests", "benchmarks"],
        [sys.executable, "-m", "mypy", "incentives"],
    ],
    ids=["ruff", "mypy"],
)
def test_tool_is_clean(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
