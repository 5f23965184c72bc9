"""Running a sweep's chunks: in this process, on local worker processes alongside it, or on an executor.

A *task* is a function ``task(key, model, values, *options)`` that returns the table of
one chunk (:class:`Table`).  The model travels to other processes once:

* every task carries the model's bytes (a few kilobytes) and the hash that keys them; a
  process unpickles them the first time it meets that key and keeps the model (the
  compiled formulas are cached in the process too, :mod:`incentives.build`);
* local worker processes (:func:`run_local`) are started once, by the first parallel
  sweep, and kept for the next ones (:func:`local_pool`): started by ``fork``, they
  inherit the model and its compiled formulas; this process works on chunks too, taking
  them from the end of the queue while the workers take them from the front, so
  ``workers=2`` means this process and one worker, and no core waits for the other;
* an executor (:func:`run_on_executor`, a ``dask.distributed.Client`` for instance) runs
  the tasks where it likes.
"""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from ..build import CompiledModel
from ..errors import IncentivesError, SweepError
from ._progress import ProgressBar
from .results import SweepRecords

__all__ = [
    "Records",
    "Table",
    "as_list",
    "close_local_pool",
    "compiled_model",
    "executor_parallelism",
    "local_pool",
    "run_local",
    "run_on_executor",
    "run_serial",
]

#: A chunk's records: the column names, and each column's values (a list, or a numpy array whose
#: ``tolist()`` gives them: it travels between processes as one buffer).
Table = tuple[tuple[str, ...], list[Any]]

Task = Callable[..., Table]

_COMPILED: dict[str, CompiledModel] = {}

#: The kept pool of local worker processes, with its number of workers (at most one).
_POOL: list[tuple[int, ProcessPoolExecutor]] = []


def compiled_model(key: str, model: bytes | CompiledModel) -> CompiledModel:
    """The compiled model of a task: itself, or the one kept under ``key`` (its bytes unpickled once per process)."""
    if isinstance(model, CompiledModel):
        return model
    if key not in _COMPILED:
        _keep(key, pickle.loads(model))
    return _COMPILED[key]


def _keep(key: str, compiled: CompiledModel) -> None:
    if len(_COMPILED) >= 8:
        _COMPILED.clear()
    _COMPILED[key] = compiled


class Records:
    """The tables of a sweep's chunks as they come in, joined at the end into its columnar records."""

    def __init__(self, chunks: list[slice], bar: ProgressBar) -> None:
        self.chunks = chunks
        self.bar = bar
        self.done: list[Table | None] = [None] * len(chunks)

    def add(self, j: int, table: Table) -> None:
        """The table of chunk ``j``."""
        self.done[j] = table
        self.bar.update(self.chunks[j].stop - self.chunks[j].start)

    def missing(self, j: int) -> bool:
        """Whether chunk ``j`` is still to come."""
        return self.done[j] is None

    def take_finished(self, futures: Sequence[Any]) -> None:
        """Add every chunk whose future has finished (those that failed are left for :meth:`all`)."""
        for j, future in enumerate(futures):
            if self.done[j] is None and future.done() and not future.cancelled() and future.exception() is None:
                self.add(j, future.result())

    def all(self, futures: Sequence[Any]) -> SweepRecords:
        """Every record, in the order of the points, waiting for the chunks still out."""
        for j, future in enumerate(futures):
            if self.done[j] is None:
                self.add(j, future.result())
        tables = [table for table in self.done if table is not None]
        keys = tables[0][0] if tables else ()
        if any(table[0] != keys for table in tables):
            raise SweepError("the sweep's chunks came back with different columns")
        return SweepRecords(
            {
                key: tuple(itertools.chain.from_iterable(as_list(table[1][i]) for table in tables))
                for i, key in enumerate(keys)
            }
        )


def as_list(column: Any) -> list[Any]:
    """A column's values as plain Python values (an array's ``tolist()``).

    Examples
    --------
    >>> import numpy as np
    >>> as_list(np.array([0.5, 2.0])), as_list(["a", None])
    ([0.5, 2.0], ['a', None])
    """
    return column.tolist() if isinstance(column, np.ndarray) else list(column)


def run_serial(
    task: Task,
    compiled: CompiledModel,
    options: tuple[Any, ...],
    values: np.ndarray,
    chunks: list[slice],
    bar: ProgressBar,
) -> SweepRecords:
    """Every chunk in this process, in order."""
    records = Records(chunks, bar)
    for j, chunk in enumerate(chunks):
        records.add(j, task("", compiled, values[chunk], *options))
    return records.all([])


def run_local(
    task: Task,
    compiled: CompiledModel,
    blob: tuple[str, bytes],
    options: tuple[Any, ...],
    values: np.ndarray,
    chunks: list[slice],
    processes: int,
    bar: ProgressBar,
) -> SweepRecords:
    """The chunks on ``processes`` local processes: this one and ``processes - 1`` kept worker processes."""
    key, data = blob
    _keep(key, compiled)  # worker processes forked from here now find it without unpickling
    pool = local_pool(processes - 1)
    records = Records(chunks, bar)
    try:
        futures = [pool.submit(task, key, data, values[chunk], *options) for chunk in chunks]
        for j in reversed(range(len(chunks))):
            if records.missing(j) and futures[j].cancel():  # not yet taken by a worker: this process does it
                records.add(j, task("", compiled, values[chunks[j]], *options))
            records.take_finished(futures)
        return records.all(futures)
    except BaseException as err:
        close_local_pool()  # its queue may still hold this sweep's chunks
        if _passes(err):
            raise
        raise _failure(err) from err


def local_pool(workers: int) -> ProcessPoolExecutor:
    """The pool of ``workers`` local worker processes, started by the first sweep that needs it and kept.

    Starting processes costs more than a sweep of ten thousand points takes, so the pool
    stays for the next sweep (a sweep with another number of workers replaces it);
    :func:`close_local_pool` ends it, and it ends with the interpreter.
    """
    if _POOL and _POOL[0][0] == workers:
        return _POOL[0][1]
    close_local_pool()
    pool = ProcessPoolExecutor(max_workers=workers)
    _POOL.append((workers, pool))
    return pool


def close_local_pool() -> None:
    """End the kept worker processes, if any (the next parallel sweep starts new ones).

    Examples
    --------
    >>> close_local_pool()
    >>> _POOL
    []
    """
    while _POOL:
        _POOL.pop()[1].shutdown(wait=False, cancel_futures=True)


def run_on_executor(
    executor: Any,
    task: Task,
    blob: tuple[str, bytes],
    options: tuple[Any, ...],
    values: np.ndarray,
    chunks: list[slice],
    bar: ProgressBar,
) -> SweepRecords:
    """The chunks on an executor (anything with ``submit``), each task carrying the model's bytes."""
    key, data = blob
    futures = [executor.submit(task, key, data, values[chunk], *options) for chunk in chunks]
    try:
        return Records(chunks, bar).all(futures)
    except BaseException as err:
        for future in futures:
            future.cancel()
        if _passes(err):
            raise
        raise _failure(err) from err


def executor_parallelism(executor: Any) -> int:
    """How many tasks an executor runs at once, where it says (a Dask client's cores, a pool's workers); else 8."""
    ncores = getattr(executor, "ncores", None)
    if callable(ncores):
        try:
            return max(1, sum(int(n) for n in ncores().values()))
        except Exception:
            return 8
    workers = getattr(executor, "_max_workers", None)
    return workers if isinstance(workers, int) and workers > 0 else 8


def _passes(err: BaseException) -> bool:
    """Whether an error goes to the caller as it is (ours, an interrupt, or not an ``Exception``)."""
    return isinstance(err, (IncentivesError, KeyboardInterrupt)) or not isinstance(err, Exception)


def _failure(err: BaseException) -> SweepError:
    return SweepError(f"the sweep's executor failed: {type(err).__name__}: {err}")
