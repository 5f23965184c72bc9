"""Work off the web server's event loop: the latest request of a kind wins, older ones stop early.

Each change on the page (a slider, a toggle, an event, a design) starts a :class:`Job` in a
worker thread, so the server keeps answering while a large model is solved.  A session keeps one
job of each kind (``"analysis"``, ``"event"``, ``"design"``, ...); starting a new one marks the
previous one *superseded*.  A job reports its stage as it goes (``"solving the game"``), which the
page shows while it waits, and every report is also a checkpoint: a superseded job raises
:class:`Superseded` there and its thread is free again, so moving a slider ten times in a second
does not queue ten analyses.  (A solver already running finishes its own step first; its time is
bounded by the workshop's time budget.)

Examples
--------
>>> from concurrent.futures import ThreadPoolExecutor
>>> board = JobBoard()
>>> with ThreadPoolExecutor(1) as pool:
...     job = board.start("analysis", lambda job: job.report("adding up") or 2 + 2, pool)
...     job.future.result(), job.stage, board.latest("analysis") is job
(4, 'adding up', True)
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

__all__ = ["Job", "JobBoard", "Superseded"]

_ids = itertools.count(1)


class Superseded(Exception):
    """Raised inside a job whose request has been replaced by a newer one of the same kind."""


class Job:
    """One piece of work of a session, running in a worker thread.

    Attributes
    ----------
    id : str
        Unique in the process; the page polls ``/job/<id>`` with it.
    kind : str
    started : float
        ``time.monotonic()`` when it was started.
    stage : str
        What it is doing now, in words.
    future : concurrent.futures.Future
        Its result, or :class:`Superseded`, or the exception it raised.
    """

    def __init__(self, kind: str) -> None:
        self.id = str(next(_ids))
        self.kind = kind
        self.started = time.monotonic()
        self.stage = "waiting for a free worker"
        self.future: Future[Any] = Future()
        self._superseded = threading.Event()

    @property
    def superseded(self) -> bool:
        """Whether a newer job of the same kind replaced this one."""
        return self._superseded.is_set()

    @property
    def seconds(self) -> float:
        """Seconds since the job was started."""
        return time.monotonic() - self.started

    def supersede(self) -> None:
        """Mark the job as replaced: it stops at its next checkpoint."""
        self._superseded.set()

    def check(self) -> None:
        """A checkpoint: raise :class:`Superseded` if a newer job replaced this one."""
        if self._superseded.is_set():
            raise Superseded(f"job {self.id} ({self.kind}) was replaced by a newer one")

    def report(self, stage: str) -> None:
        """Say what the job is doing now (the page shows it), after a checkpoint."""
        self.check()
        self.stage = stage

    def run(self, work: Callable[[Job], Any]) -> None:
        """Run ``work(self)`` and put its result (or exception) in :attr:`future`."""
        if not self.future.set_running_or_notify_cancel():
            return
        try:
            self.check()
            result = work(self)
        except BaseException as err:  # the future carries every outcome to the request that waits
            self.future.set_exception(err)
        else:
            self.future.set_result(result)


class JobBoard:
    """The jobs of one session: the latest of each kind, and the recent ones by id (for polling)."""

    #: How many finished jobs stay findable by id.
    KEPT = 32

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: dict[str, Job] = {}
        self._by_id: dict[str, Job] = {}

    def start(self, kind: str, work: Callable[[Job], Any], executor: Executor) -> Job:
        """Start ``work(job)`` in ``executor`` as the latest job of ``kind``, superseding the previous one."""
        job = Job(kind)
        with self._lock:
            previous = self._latest.get(kind)
            if previous is not None:
                previous.supersede()
            self._latest[kind] = job
            self._by_id[job.id] = job
            while len(self._by_id) > self.KEPT:
                del self._by_id[next(iter(self._by_id))]
        executor.submit(job.run, work)
        return job

    def latest(self, kind: str) -> Job | None:
        """The latest job of ``kind`` (None if none was started)."""
        with self._lock:
            return self._latest.get(kind)

    def find(self, job_id: str) -> Job | None:
        """A recent job by its id (None if unknown or forgotten)."""
        with self._lock:
            return self._by_id.get(job_id)

    def supersede_all(self) -> None:
        """Stop every job (the session's model changed)."""
        with self._lock:
            for job in self._latest.values():
                job.supersede()
