"""A sweep keeps the memory its chunks free for the next ones (glibc only): far fewer page faults, the same records."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from incentives.whatif import _memory

glibc_only = pytest.mark.skipif(_memory._mallopt() is None, reason="the C library is not glibc")

_SCRIPT = """
import json, resource, sys
import numpy as np
import incentives as inc
from incentives.whatif import _memory, grid, sweep

if sys.argv[1] == "released":
    _memory._mallopt.cache_clear()
    _memory._mallopt = lambda: None  # as on a C library other than glibc
org = inc.load_model("examples/growing_company.yaml")
axes = {"customers_per_deal": np.linspace(10, 600, 100), "bonus.support.reopened_tickets": np.linspace(-0.5, 0, 100)}
first = sweep(org, grid(axes), workers=1, progress=False)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
second = sweep(org, grid(axes), workers=1, progress=False)
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
assert second.records == first.records
print(json.dumps({"faults": faults, "gaming": second.column("gaming_departments")[::997]}))
"""


def _run(mode: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _SCRIPT, mode], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@glibc_only
def test_a_sweep_makes_far_fewer_page_faults_when_it_keeps_freed_memory() -> None:
    kept, released = _run("kept"), _run("released")
    assert kept["gaming"] == released["gaming"]
    # Without the setting glibc hands the heap's top back after the large arrays of each chunk are freed,
    # and the next chunk faults its pages in again: about 4,500 faults for these 10,000 points.  With it,
    # only the first chunk's pages are new (about 1,500: the default pad is back between the two sweeps).
    assert released["faults"] > 2 * kept["faults"] + 500, (kept, released)


@glibc_only
def test_the_default_pad_comes_back_after_the_sweep() -> None:
    calls: list[int] = []
    real = _memory._mallopt()
    assert real is not None

    def recording(parameter: int, value: int) -> int:
        calls.append(value)
        return real(parameter, value)

    _memory._mallopt.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_memory, "_mallopt", lambda: recording)
            with _memory.freed_memory_kept() as kept:
                assert kept and calls == [_memory.SWEEP_TOP_PAD]
            assert calls == [_memory.SWEEP_TOP_PAD, _memory._DEFAULT_TOP_PAD]
    finally:
        _memory._mallopt.cache_clear()


@pytest.mark.parametrize("error", [OSError, TypeError])
def test_without_glibc_nothing_is_set_and_a_sweep_runs(monkeypatch: pytest.MonkeyPatch, error: type) -> None:
    """Where the C library cannot be opened (Windows: TypeError) or is not glibc, the memory is left as it is."""
    import ctypes

    import incentives as inc
    from incentives.whatif import sweep

    def unavailable(name: object) -> None:
        raise error("no C library here")

    _memory._mallopt.cache_clear()
    monkeypatch.setattr(ctypes, "CDLL", unavailable)
    try:
        assert _memory._mallopt() is None and _memory.keep_freed_memory() is False
        with _memory.freed_memory_kept() as kept:
            assert kept is False
        org = inc.load_model("examples/growing_company.yaml")
        assert len(sweep(org, {"customers_per_deal": [10, 100]}, workers=1, progress=False)) == 2
    finally:
        _memory._mallopt.cache_clear()
