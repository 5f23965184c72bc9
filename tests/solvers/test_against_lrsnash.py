"""Our exact extreme equilibria equal lrsnash's, fraction for fraction (skipped where lrslib is not installed).

lrsnash (Avis et al. 2010) enumerates the vertices of the best-response polytopes by lexicographic
reverse search in exact arithmetic: an independent check of the vertex enumeration, especially of
its perturbed path for degenerate games, where small integer payoffs put ties everywhere.  The
game file writer and output parser are the benchmark's (benchmarks/peers.py).
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import incentives as inc

if shutil.which("lrsnash") is None:
    pytest.skip("lrsnash (lrslib) is not installed", allow_module_level=True)

_SPEC = importlib.util.spec_from_file_location("benchmark_peers", Path("benchmarks/peers.py"))
assert _SPEC is not None and _SPEC.loader is not None
peers = sys.modules.setdefault("benchmark_peers", importlib.util.module_from_spec(_SPEC))
if not hasattr(peers, "lrsnash_adapter"):
    _SPEC.loader.exec_module(peers)


@pytest.mark.parametrize("shape", [(2, 2), (3, 3), (3, 5), (5, 3), (4, 4), (6, 6), (7, 7), (8, 8)])
@pytest.mark.parametrize("high", [1, 3, 1000])
def test_exact_extreme_equilibria_equal_lrsnash(shape: tuple[int, int], high: int) -> None:
    rng = np.random.default_rng([*shape, high])
    lrsnash = peers.lrsnash_adapter(timeout=60)
    degenerate = 0
    for _ in range(3):
        payoffs = rng.integers(-high, high + 1, size=(2, *shape))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = inc.solve(inc.Game.from_payoffs(payoffs.tolist()), "vertex-enumeration")
        ours = {tuple(p for mix in e.profile for p in mix) for e in result.equilibria}
        theirs = {tuple(p for mix in profile for p in mix) for profile in lrsnash(payoffs)}
        assert ours == theirs
        assert result.status == "complete"
        degenerate += bool(result.degenerate)
    assert degenerate or high == 1000 or shape == (2, 2)  # small integers must exercise degenerate games
