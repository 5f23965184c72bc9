"""Running a sweep's chunks: in this process, on local worker processes alongside it, or on an executor.

A *task* is a function ``task(key, model, values, *options)`` that returns the table of
one chunk (:class:`Table`).  The model travels to other processes once:

* local processes (:func:`run_local`) get it in their initializer, keyed by a hash of its
  bytes, and every task names it by that key only; this process works on chunks too,
  taking them from the end of the queue while the worker processes take them from the
  front, so ``workers=2`` starts one process, not two, and no core waits for the other;
* an executor (:func:`run_on_executor`, a ``dask.distributed.Client`` for instance) gets
  the model's bytes with each task, and each of its processes unpickles them once (the
  model is cached by key where the task runs).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import numpy as np

from ..build import CompiledModel
from ..errors import IncentivesError, SweepError
from ._progress import ProgressBar

__all__ = [
    "Table",
    "compiled_model",
    "executor_parallelism",
    "install_model",
    "run_local",
    "run_on_executor",
    "run_serial",
]

#: A chunk's records: the column names, and one row of values per point.
Table = tuple[tuple[str, ...], list[tuple[Any, ...]]]

Task = Callable[..., Table]

_COMPILED: dict[str, CompiledModel] = {}


def install_model(key: str, model: bytes | CompiledModel) -> None:
    """Keep the compiled model under ``key`` in this process (a worker's initializer)."""
    compiled_model(key, model)


def compiled_model(key: str, model: bytes | CompiledModel | None) -> CompiledModel:
    """The compiled model a task names: itself, or the one kept under ``key`` (unpickled once per process)."""
    if isinstance(model, CompiledModel):
        return model
    if key not in _COMPILED:
        if model is None:
            raise SweepError("a sweep task named a compiled model this process does not hold")
        if len(_COMPILED) >= 8:
            _COMPILED.clear()
        _COMPILED[key] = pickle.loads(model)
    return _COMPILED[key]


def run_serial(
    task: Task,
    compiled: CompiledModel,
    options: tuple[Any, ...],
    values: np.ndarray,
    chunks: list[slice],
    bar: ProgressBar,
) -> list[Table]:
    """Every chunk in this process, in order."""
    tables = []
    for chunk in chunks:
        tables.append(task("", compiled, values[chunk], *options))
        bar.update(chunk.stop - chunk.start)
    return tables


def run_local(
    task: Task,
    compiled: CompiledModel,
    blob: tuple[str, bytes],
    options: tuple[Any, ...],
    values: np.ndarray,
    chunks: list[slice],
    processes: int,
    bar: ProgressBar,
) -> list[Table]:
    """The chunks on ``processes`` local processes: this one and ``processes - 1`` workers."""
    key, data = blob
    _COMPILED[key] = compiled  # workers forked from here find it; others unpickle it once, in their initializer
    pool = ProcessPoolExecutor(max_workers=processes - 1, initializer=install_model, initargs=(key, data))
    try:
        futures = [pool.submit(task, key, None, values[chunk], *options) for chunk in chunks]
        tables: list[Table | None] = [None] * len(chunks)
        for j in reversed(range(len(chunks))):
            if futures[j].cancel():  # not yet taken by a worker: this process does it
                tables[j] = task("", compiled, values[chunks[j]], *options)
                bar.update(chunks[j].stop - chunks[j].start)
        out = _collect(futures, chunks, bar, tables)
    except BaseException as err:
        pool.shutdown(wait=False, cancel_futures=True)
        if _passes(err):
            raise
        raise _failure(err) from err
    pool.shutdown()
    return out


def run_on_executor(
    executor: Any,
    task: Task,
    blob: tuple[str, bytes],
    options: tuple[Any, ...],
    values: np.ndarray,
    chunks: list[slice],
    bar: ProgressBar,
) -> list[Table]:
    """The chunks on an executor (anything with ``submit``), each task carrying the model's bytes."""
    key, data = blob
    futures = [executor.submit(task, key, data, values[chunk], *options) for chunk in chunks]
    try:
        return _collect(futures, chunks, bar, [None] * len(chunks))
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


def _collect(
    futures: Sequence[Future[Table] | Any], chunks: list[slice], bar: ProgressBar, tables: list[Table | None]
) -> list[Table]:
    for j, future in enumerate(futures):
        if tables[j] is None:
            tables[j] = future.result()
            bar.update(chunks[j].stop - chunks[j].start)
    return [t for t in tables if t is not None]  # every one is set by now


def _passes(err: BaseException) -> bool:
    """Whether an error goes to the caller as it is (ours, an interrupt, or not an ``Exception``)."""
    return isinstance(err, (IncentivesError, KeyboardInterrupt)) or not isinstance(err, Exception)


def _failure(err: BaseException) -> SweepError:
    return SweepError(f"the sweep's executor failed: {type(err).__name__}: {err}")
