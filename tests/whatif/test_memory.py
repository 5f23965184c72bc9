"""A sweep keeps the memory its chunks free for the next ones (glibc only): far fewer page faults, the same records."""

from __future__ import annotations

import json
import os
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


_HELD_SCRIPT = """
import json, resource
import numpy as np
import incentives as inc
from incentives.whatif import _memory, close_workers, grid, sweep

def faults(workers):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    records = sweep(org, points, workers=workers, progress=False).records
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before, records

org = inc.load_model("examples/growing_company.yaml")
axes = {"customers_per_deal": np.linspace(10, 600, 100), "bonus.support.reopened_tickets": np.linspace(-0.5, 0, 100)}
points = grid(axes)
faults(2)
held, two = min(faults(2), faults(2), key=lambda seen: seen[0])  # this process's chunks reuse the pages
held_one = min(faults(1)[0], faults(1)[0])  # of the sweep before, with workers kept or in this process alone
close_workers()
faults(1)
released, one = min(faults(1), faults(1), key=lambda seen: seen[0])  # the first chunk's pages are new again
assert two == one
print(json.dumps({"held": held, "held_one": held_one, "released": released, "flag": _memory._HELD}))
"""


@glibc_only
def test_while_it_keeps_workers_this_process_keeps_freed_memory_between_sweeps() -> None:
    done = subprocess.run([sys.executable, "-c", _HELD_SCRIPT], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    # 800-1,400 faults for this process's first chunk when its pages are new, about 50 when kept (up to
    # about 270 on two processes, where the worker's records come back into new memory)
    assert seen["released"] > 3 * seen["held_one"] + 300, seen
    assert seen["held"] < seen["released"], seen
    assert seen["flag"] == []  # given back with the workers


@glibc_only
@pytest.mark.parametrize("threshold", [None, 262144])
def test_the_settings_the_process_started_with_come_back_after_the_sweep(threshold: int | None) -> None:
    """Both are raised; the pad comes back, and the mmap threshold where the environment fixed it (exactly)."""
    calls: list[tuple[int, int]] = []
    real = _memory._mallopt()
    assert real is not None

    def recording(parameter: int, value: int) -> int:
        calls.append((parameter, value))
        return real(parameter, value)

    top, mmap = _memory._M_TOP_PAD, _memory._M_MMAP_THRESHOLD
    during = [(mmap, _memory.SWEEP_MMAP_THRESHOLD), (top, _memory.SWEEP_TOP_PAD)]
    after = [(top, 65536)] if threshold is None else [(mmap, threshold), (top, 65536)]  # a moving one stays raised
    _memory._mallopt.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_memory, "_mallopt", lambda: recording)
            patch.setattr(_memory, "_at_start", lambda: (65536, threshold))
            patch.setattr(_memory, "_HELD", [])  # no workers kept by an earlier test
            with _memory.freed_memory_kept() as kept:
                assert kept and calls == during
            assert calls == during + after
    finally:
        _memory._mallopt.cache_clear()
        _memory._set(*_memory._at_start())


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, (131072, None)),
        ({"PATH": "/bin", "MALLOC_ARENA_MAX": "2"}, (131072, None)),  # no threshold fixed
        ({"MALLOC_TRIM_THRESHOLD_": "65536"}, (131072, 131072)),  # Dask's workers
        ({"MALLOC_MMAP_MAX_": "0"}, (131072, 131072)),
        ({"MALLOC_TOP_PAD_": "0x100000", "MALLOC_MMAP_THRESHOLD_": "1048576"}, (1048576, 1048576)),
        ({"MALLOC_TOP_PAD_": "0"}, (0, 131072)),
        ({"MALLOC_MMAP_THRESHOLD_": "1M"}, (131072, None)),  # read otherwise than glibc might: left alone
        ({"MALLOC_TOP_PAD_": "-5"}, (131072, 131072)),
        ({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=128"}, (131072, 131072)),
        ({"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=4096", "MALLOC_MMAP_THRESHOLD_": "8192"}, (131072, 4096)),
        ({"GLIBC_TUNABLES": "glibc.malloc.check=3"}, (131072, None)),
    ],
)
def test_the_thresholds_a_process_starts_with_are_read_as_glibc_reads_them(
    environ: dict[str, str], expected: tuple[int, int | None]
) -> None:
    assert _memory._thresholds(environ) == expected


_DASK_LIKE = """
import json, os, resource, sys
import numpy as np
import incentives as inc
from incentives.build import compile_model
from incentives.whatif import _memory, grid, runner

def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

def allocations():  # 20 arrays of 1 MiB, each freed before the next (above a fixed 128 KiB threshold: mapped anew)
    before = faults()
    for _ in range(20):
        np.ones(1 << 17)
    return faults() - before

os.environ.pop("MALLOC_TRIM_THRESHOLD_")  # what counts is how the process started
started = _memory._at_start()
outside = allocations()
with _memory.freed_memory_kept():
    inside = allocations()
back = allocations()
org = inc.load_model("examples/growing_company.yaml")
axes = {"customers_per_deal": np.linspace(10, 600, 100), "bonus.support.reopened_tickets": np.linspace(-0.5, 0, 100)}
points = grid(axes)
compiled = compile_model(org, points.names)
tasks = {}
for mode in ("kept", "released", "kept", "released"):
    if mode == "released":
        _memory._mallopt.cache_clear()
        real, _memory._mallopt = _memory._mallopt, lambda: None
    before = faults()
    keys, columns = runner.executor_task("", compiled, points.values, "all", 60.0)
    gaming = columns[keys.index("gaming_departments")].tolist()
    tasks[mode] = {"faults": faults() - before, "gaming": [str(v) for v in gaming]}
    if mode == "released":
        _memory._mallopt = real
print(json.dumps({"started": started, "outside": outside, "inside": inside, "back": back, "tasks": tasks}))
"""


@glibc_only
def test_where_the_environment_fixed_the_mmap_threshold_a_task_raises_it_and_puts_it_back() -> None:
    """In a process started as Dask starts its workers, a task's large arrays come from the heap, and only then."""
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}
    done = subprocess.run([sys.executable, "-c", _DASK_LIKE], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["started"] == [131072, 131072]
    # 1 MiB is 256 pages: mapped anew each time, 20 arrays fault about 5,000 times; from the heap, about 256
    assert seen["outside"] > 4000 and seen["back"] > 4000, seen
    assert seen["inside"] < 1000, seen
    kept, released = seen["tasks"]["kept"], seen["tasks"]["released"]
    assert kept["gaming"] == released["gaming"]
    # about 1,500 faults with the setting (its first chunk's pages), about 8,000 without (every large array mapped)
    assert released["faults"] > 2 * kept["faults"] + 1000, seen["tasks"]


@pytest.mark.skipif(not os.path.exists("/proc/self/environ"), reason="no /proc: nothing is read, nothing is fixed")
def test_the_environment_counts_as_the_process_started_not_as_it_is_now() -> None:
    """A Dask LocalCluster writes its workers' variables into the process that starts it; glibc never reads them."""
    script = (
        "import os, json; os.environ['MALLOC_TRIM_THRESHOLD_'] = '65536'\n"
        "from incentives.whatif import _memory; print(json.dumps(_memory._at_start()))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [131072, None]


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
