"""The sweep against the benchmark's hand-written numpy model and nashpy: independent transcriptions agree."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import incentives as inc
from incentives.whatif import grid, latin_hypercube, sweep

spec = importlib.util.spec_from_file_location("sweep_benchmark", Path("benchmarks/sweep_benchmark.py"))
assert spec is not None and spec.loader is not None
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_hand_written_company_agrees_with_the_sweep() -> None:
    org = inc.load_model(bench.EXAMPLE)
    points = latin_hypercube({"customers_per_deal": (1, 800), "bonus.support.reopened_tickets": (-1, 0.5)}, 40, rng=11)
    ours = sweep(org, points, progress=False)
    for record, expected in zip(ours.records, bench.baseline_sweep(points.values), strict=True):
        for key, value in expected.items():
            assert record[key] == (pytest.approx(value, abs=1e-9) if isinstance(value, float) else value), key


def test_nashpy_agrees_on_the_two_department_sweep() -> None:
    points = grid({"support_weight": [0.2, 0.5, 0.9, 1.4], "effort": [0.35, 1.0, 1.7]})  # no ties: effort != 1.5 w
    ours = sweep(inc.loads_model(bench.TWO_DEPARTMENTS), points, progress=False)
    for record, peer in zip(ours.records, bench.nashpy_sweep(points.values), strict=True):
        assert record["n_equilibria"] == peer["n_equilibria"]
        assert record["company_value_worst"] == pytest.approx(peer["company_value_worst"])
        assert record["value_range_lost_worst"] == pytest.approx(peer["value_range_lost_worst"])
