"""Local worker processes claim a sweep's chunks from the front, this process from the back: each chunk once."""

from __future__ import annotations

import itertools
import os
import time
from typing import Any

import numpy as np
import pytest

from incentives.errors import SweepError
from incentives.whatif import _parallel
from incentives.whatif._progress import ProgressBar
from incentives.whatif.results import SweepRecords
from incentives.whatif.runner import HOME_ALLOWANCE, MIN_CHUNK, _meeting_chunks


def _pid_task(key: str, model: Any, values: np.ndarray, pause: float) -> _parallel.Table:
    """A chunk's table: its values and the process that ran it (after a pause, so that both processes take part)."""
    time.sleep(pause)
    return ("x", "pid"), [values[:, 0].copy(), [os.getpid()] * len(values)]


def _failing_task(key: str, model: Any, values: np.ndarray) -> _parallel.Table:
    if os.getpid() != PARENT:
        raise SweepError(f"the point x={values[0, 0]:g} failed")
    time.sleep(0.05)
    return ("x",), [values[:, 0].copy()]


PARENT = os.getpid()


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``run_local`` on 2 processes with a stand-in for the compiled model (the tasks above do not read it)."""
    monkeypatch.setattr(_parallel, "_keep", lambda key, compiled: None)

    def run(task: Any, options: tuple[Any, ...], count: int, chunks: list[slice]) -> Any:
        values = np.arange(count, dtype=float).reshape(-1, 1)
        bar = ProgressBar(total=count, show=False, delay=0.0)
        table = _parallel.run_local(task, None, ("key", b""), options, values, chunks, 2, bar)  # type: ignore[arg-type]
        return SweepRecords(dict(zip(*table, strict=True))), bar

    yield run
    _parallel.close_local_pool()


def test_every_chunk_runs_once_in_order_and_both_processes_take_part(run: Any) -> None:
    chunks = [slice(k, k + 10) for k in range(0, 400, 10)]
    records, bar = run(_pid_task, (0.03,), 400, chunks)
    assert records.column("x") == list(range(400))  # every point once, in order
    pids = records.column("pid")
    assert PARENT in pids and len(set(pids)) == 2  # this process and one worker
    runs = [pids[k] for k in range(0, 400, 10)]
    switches = sum(a != b for a, b in itertools.pairwise(runs))
    assert (
        runs[0] != PARENT and runs[-1] == PARENT and switches == 1
    )  # the worker from the front, this one from the back
    assert bar.done == 400


def test_a_failure_in_a_worker_stops_the_sweep_with_its_message(run: Any) -> None:
    chunks = [slice(k, k + 5) for k in range(0, 100, 5)]
    with pytest.raises(SweepError, match="the point x=0 failed"):
        run(_failing_task, (), 100, chunks)
    assert _parallel._POOL == []  # the pool is ended, and the next sweep starts a new one


def test_meeting_chunks_cover_the_points_and_shrink_towards_the_meeting_point() -> None:
    for count, processes in [(10_000, 2), (10_000, 3), (999, 2), (200, 4), (1_000_000, 2)]:
        chunks = _meeting_chunks(count, processes, largest=10**9)
        assert chunks[0].start == 0 and chunks[-1].stop == count
        assert all(a.stop == b.start for a, b in itertools.pairwise(chunks))
        sizes = [c.stop - c.start for c in chunks]
        middle = round(count * (processes - 1) / processes) + min(HOME_ALLOWANCE, count // (2 * processes))
        cut = [c.start for c in chunks].index(middle)  # the workers' share ends where this process's begins
        front, back = sizes[:cut], sizes[cut:][::-1]
        for side in (front, back):  # each side shrinks towards the meeting point, to at least the smallest task
            assert all(a >= b for a, b in itertools.pairwise(side[:-1]))  # the last: what is left
            assert all(s >= MIN_CHUNK for s in side[:-1]) or len(side) == 1
    assert max(c.stop - c.start for c in _meeting_chunks(10_000, 2, largest=300)) == 300
    home = _meeting_chunks(10_000, 2, largest=10**9)[2:]  # this process's share: short of half by the allowance
    assert sum(c.stop - c.start for c in home) == 5_000 - HOME_ALLOWANCE
