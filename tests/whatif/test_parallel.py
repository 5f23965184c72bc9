"""Local worker processes claim a sweep's chunks from the front, this process from the back: each point once."""

from __future__ import annotations

import itertools
import math
import os
import time
from typing import Any

import numpy as np
import pytest

from incentives.errors import SweepError
from incentives.whatif import _parallel
from incentives.whatif._claims import SHORTEST_CLAIM_SECONDS, Claims
from incentives.whatif._progress import ProgressBar
from incentives.whatif.results import SweepRecords
from incentives.whatif.runner import HOME_EXTRA, MAX_CHUNK, MIN_CHUNK, _claims


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

    def run(task: Any, options: tuple[Any, ...], count: int, size: int) -> Any:
        values = np.arange(count, dtype=float).reshape(-1, 1)
        bar = ProgressBar(total=count, show=False, delay=0.0)
        claims = Claims(middle=count, workers=1, largest=size, smallest=size, fixed=True)
        table = _parallel.run_local(task, None, ("key", b""), options, values, claims, 2, bar)  # type: ignore[arg-type]
        return SweepRecords(dict(zip(*table, strict=True))), bar

    yield run
    _parallel.close_local_pool()


def test_every_chunk_runs_once_in_order_and_both_processes_take_part(run: Any) -> None:
    records, bar = run(_pid_task, (0.03,), 400, 10)
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
    with pytest.raises(SweepError, match="the point x=0 failed"):
        run(_failing_task, (), 100, 5)
    assert _parallel._POOL == []  # the pool is ended, and the next sweep starts a new one


def _claimed(
    claims: Claims, count: int, paces: list[float], *, chunk_cost: float = 0.0014, measured: bool = True
) -> tuple[list[list[slice]], list[float]]:
    """Claims simulated on a clock: each process's chunks, and when each finished its last.

    Process 0 is this one (from the back), the others the workers (from the front); a chunk
    takes ``chunk_cost`` plus the process's pace (``paces``, seconds a point) for each of its
    points.  Whoever is free earliest claims next, with the pace it has seen (unless not
    ``measured``).
    """
    front, back = 0, count
    clocks, seconds, points = [0.0] * len(paces), [0.0] * len(paces), [0] * len(paces)
    chunks: list[list[slice]] = [[] for _ in paces]
    while front < back:
        k = min(range(len(paces)), key=lambda j: clocks[j])
        pace = seconds[k] / points[k] if measured and points[k] else None
        size = claims.size(front, back, at_front=k > 0, seconds_per_point=pace)
        assert 1 <= size <= back - front
        chunk = slice(front, front + size) if k > 0 else slice(back - size, back)
        front, back = (chunk.stop, back) if k > 0 else (front, chunk.start)
        took = chunk_cost + size * paces[k]
        clocks[k] += took
        seconds[k] += took
        points[k] += size
        chunks[k].append(chunk)
    return chunks, clocks


def test_claims_cover_the_points_and_shrink_towards_the_meeting_point() -> None:
    for count, processes, pace in [
        (10_000, 2, 2e-6),
        (10_000, 3, 1.5e-3),
        (999, 2, 1e-5),
        (200, 4, 1e-3),
        (10**6, 2, 2e-6),
    ]:
        claims = _claims(count, processes, 10**9, None)
        chunks, _ = _claimed(claims, count, [pace] * processes)
        every = sorted((c for side in chunks for c in side), key=lambda c: c.start)
        assert every[0].start == 0 and every[-1].stop == count
        assert all(a.stop == b.start for a, b in itertools.pairwise(every))  # each point once
        smallest = min(MIN_CHUNK, math.ceil(SHORTEST_CLAIM_SECONDS / pace))
        for side in chunks:  # each side shrinks towards the meeting point, to at least the smallest chunk
            sizes = [c.stop - c.start for c in side]
            assert all(a >= b for a, b in itertools.pairwise(sizes[:-1]))  # the last: what is left
            assert all(smallest <= s <= MAX_CHUNK for s in sizes[:-1])
    chunks, _ = _claimed(_claims(10_000, 2, 300, None), 10_000, [2e-6, 2e-6])
    assert max(c.stop - c.start for side in chunks for c in side) == 300
    chunks, _ = _claimed(_claims(10_000, 2, 10**9, None), 10_000, [2e-6, 2e-6])
    assert [[c.stop - c.start for c in side] for side in chunks] == [[4000, 1500], [3375, 1125]]
    assert sum(c.stop - c.start for c in chunks[0]) == 5_000 + HOME_EXTRA  # this process: more than half
    fixed = _claims(1000, 2, 10**9, 64)
    chunks, _ = _claimed(fixed, 1000, [1e-3, 1e-3])
    assert sorted(c.stop - c.start for side in chunks for c in side)[1:] == [64] * 15  # and one of what is left


@pytest.mark.parametrize(
    ("count", "paces", "probed"),
    [
        (10_000, (1.5e-3, 1.5e-3), None),
        (10_000, (1.8e-3, 1.5e-3), None),
        (10_000, (1.5e-3, 1.8e-3), None),
        (10_000, (1.5e-3, 1.2e-3, 1.2e-3), None),
        (1_000, (1.5e-3, 1.5e-3), 1.6e-3),  # a small sweep: slow, as its probe found
        (300, (1.5e-3, 1.5e-3, 1.5e-3, 1.5e-3), 1.6e-3),
    ],
)
def test_where_points_are_slow_no_process_waits_long_for_the_others(
    count: int, paces: tuple[float, ...], probed: float | None
) -> None:
    """Each point solved on its own (milliseconds a point): the last chunks are short, whichever side is slower."""
    claims = _claims(count, len(paces), 10**9, None, probed)
    _, clocks = _claimed(claims, count, list(paces))
    assert max(clocks) - min(clocks) < 2 * SHORTEST_CLAIM_SECONDS + 0.01
    unmeasured = _claims(count, len(paces), 10**9, None)  # chunks of at least MIN_CHUNK points, or all of a share
    _, before = _claimed(unmeasured, count, list(paces), measured=False)
    assert max(before) - min(before) > 0.1
    assert max(clocks) < max(before)
