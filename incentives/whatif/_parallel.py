"""Running a sweep's chunks: in this process, on local worker processes alongside it, or on an executor.

A *task* is a function ``task(key, model, values, *options)`` that returns the table of
one chunk (:class:`Table`).  The model travels to other processes once:

* every task carries the model's bytes (a few kilobytes) and the hash that keys them; a
  process unpickles them the first time it meets that key and keeps the model (the
  compiled formulas are cached in the process too, :mod:`incentives.build`);
* local worker processes (:func:`run_local`) are started once, by the first parallel
  sweep, and kept for the next ones (:func:`local_pool`): where the platform starts them
  by ``fork`` (Linux before Python 3.14), they inherit the model of the sweep that starts
  them and its compiled formulas; otherwise, and for other models, they unpickle the
  model's bytes once, as above.  Each worker gets one message a sweep,
  with every point, and claims chunks of them from the front while this process claims
  from the back, on a *claims board* the pool shares (a few integers in shared memory,
  behind one lock), each chunk sized as it is claimed (:mod:`._claims`): no chunk waits
  for a message between processes, so ``workers=2`` means this process and one worker,
  and no core waits long for the other;
* an executor (:func:`run_on_executor`, a ``dask.distributed.Client`` for instance) runs
  the tasks where it likes.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import multiprocessing
import pickle
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from ..build import CompiledModel
from ..errors import IncentivesError, SweepError
from ._claims import Claims
from ._coded import CodedColumn, FloatsOrNone, as_list, coded_join
from ._memory import hold_freed_memory, keep_freed_memory, release_freed_memory
from ._progress import ProgressBar

__all__ = [
    "DASK_MESSAGE_BYTES",
    "Table",
    "close_local_pool",
    "compiled_model",
    "executor_parallelism",
    "joined_table",
    "kept_local_pool",
    "local_pool",
    "run_claimed",
    "run_local",
    "run_on_executor",
    "run_serial",
]

#: A chunk's records: the column names, and each column's values (a list, or a numpy array or a compact
#: column of :mod:`._coded` whose ``tolist()`` gives them: it travels between processes as one buffer).
Table = tuple[tuple[str, ...], list[Any]]

Task = Callable[..., Table]

_COMPILED: dict[str, CompiledModel] = {}

#: The kept pool of local worker processes, with its number of workers (at most one).
_POOL: list[tuple[int, ProcessPoolExecutor]] = []

#: The claims board of the kept pool (in this process) or of the pool this worker belongs to (in a worker):
#: ``[sweep, front, back, points done by workers]``: points ``front .. back - 1`` of sweep ``sweep`` are
#: still unclaimed.
_BOARD: list[Any] = []
_SWEEP, _FRONT, _BACK, _DONE = range(4)

_SWEEPS = itertools.count(1)

#: One sweep at a time on the kept pool (its board is for one sweep).
_LOCAL = threading.Lock()

#: Seconds between updates of the progress bar while this process waits for the workers.
_WAIT_SECONDS = 0.2

#: The most bytes of points (and model) a sweep sends a Dask client in one message; larger sweeps send a task a
#: message (Dask warns of a message over 10 MB: ``distributed.admin.large-graph-warning-threshold``).
DASK_MESSAGE_BYTES = 4 << 20


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


def joined_table(tables: Sequence[Table]) -> Table:
    """The chunks' tables as one table, their rows one after the other."""
    keys = tables[0][0] if tables else ()
    if any(table[0] != keys for table in tables):
        raise SweepError("the sweep's chunks came back with different columns")
    return keys, [_joined([table[1][i] for table in tables]) for i in range(len(keys))]


def _joined(parts: list[Any]) -> Any:
    """The pieces of a column, one after the other.

    One array when every piece is an array of one dtype; one coded column when every piece
    that has values is a coded column (their codes remapped to the union of their names);
    one column of floats or None when every piece with values is one; else a list.
    """
    if parts and all(isinstance(part, np.ndarray) for part in parts) and _one_kind(parts):
        return np.concatenate(parts)  # a new array, even of one part
    filled = [part for part in parts if len(part)]
    if filled and all(isinstance(part, CodedColumn) for part in filled):
        return coded_join(filled)
    if filled and all(isinstance(part, FloatsOrNone) for part in filled):
        return FloatsOrNone(values=np.concatenate([part.values for part in filled]))
    return list(itertools.chain.from_iterable(as_list(part) for part in parts))


def _one_kind(arrays: list[np.ndarray]) -> bool:
    """Whether arrays join into one whose values read back as theirs: one dtype, or integers of any widths."""
    first = arrays[0].dtype
    if all(a.dtype == first for a in arrays):
        return True
    return all((a.dtype.kind in "iu" and a.dtype.itemsize < 8) or a.dtype == np.int64 for a in arrays)


def run_serial(
    task: Task,
    compiled: CompiledModel,
    options: tuple[Any, ...],
    values: np.ndarray,
    chunks: list[slice],
    bar: ProgressBar,
) -> Table:
    """The table of every chunk, run in this process in order."""
    tables = []
    for chunk in chunks:
        tables.append(task("", compiled, values[chunk], *options))
        bar.update(chunk.stop - chunk.start)
    return joined_table(tables)


def run_local(
    task: Task,
    compiled: CompiledModel,
    blob: tuple[str, bytes],
    options: tuple[Any, ...],
    values: np.ndarray,
    claims: Claims,
    processes: int,
    bar: ProgressBar,
) -> Table:
    """The table of the points, run on ``processes`` local processes: this one and ``processes - 1`` kept workers.

    The workers claim chunks from the front and this process from the back, each chunk sized
    as it is claimed (``claims``), until none is left; each worker returns the tables of its
    chunks at the end.
    """
    key, data = blob
    _keep(key, compiled)  # worker processes forked from here (see the module's docstring) find it without unpickling
    with _LOCAL:
        pool = local_pool(processes - 1)
        board = _BOARD[0]
        sweep = next(_SWEEPS)
        with board.get_lock():
            board[_SWEEP], board[_FRONT], board[_BACK], board[_DONE] = sweep, 0, len(values), 0
        try:
            futures = [
                pool.submit(run_claimed, task, sweep, key, data, values, claims, options) for _ in range(processes - 1)
            ]
            tables: dict[int, Table] = {}
            pace, before = _Pace(), bar.done
            while (chunk := _claim(board, sweep, claims, pace, front=False)) is not None:
                tables[chunk.start] = pace.timed(task, "", compiled, values[chunk], *options)
                bar.update_to(before + pace.points + board[_DONE])
            _collect(futures, tables, len(values), lambda: bar.update_to(before + pace.points + board[_DONE]))
            return joined_table([tables[start] for start in sorted(tables)])
        except BaseException as err:
            _stop(board, sweep)
            close_local_pool()  # a worker may still be on this sweep's chunks
            if _passes(err):
                raise
            raise _failure(err) from err


def _collect(
    futures: list[concurrent.futures.Future[Any]], tables: dict[int, Table], count: int, progress: Callable[[], None]
) -> None:
    """The workers' tables, waiting for the workers while points are missing (an error of theirs is raised)."""
    waiting = set(futures)
    while _rows(tables) < count and waiting:
        done, waiting = concurrent.futures.wait(
            waiting, timeout=_WAIT_SECONDS, return_when=concurrent.futures.FIRST_COMPLETED
        )
        for future in done:
            tables.update(future.result())
        progress()
    if _rows(tables) < count:
        raise SweepError(f"the sweep's worker processes returned {_rows(tables)} of its {count} points")


def _rows(tables: dict[int, Table]) -> int:
    """The rows of the tables (the points they hold)."""
    return sum(len(table[1][0]) for table in tables.values())


class _Pace:
    """The points a process has run in this sweep and the seconds they took."""

    def __init__(self) -> None:
        self.points, self.seconds = 0, 0.0

    def timed(self, task: Task, key: str, model: Any, values: np.ndarray, *options: Any) -> Table:
        """The task's table; its points and seconds are counted."""
        started = time.perf_counter()
        table = task(key, model, values, *options)
        self.seconds += time.perf_counter() - started
        self.points += len(values)
        return table

    def per_point(self) -> float | None:
        """Seconds a point so far, None before the first chunk."""
        return self.seconds / self.points if self.points else None


def run_claimed(
    task: Task,
    sweep: int,
    key: str,
    data: bytes,
    values: np.ndarray,
    claims: Claims,
    options: tuple[Any, ...],
) -> dict[int, Table]:
    """In a worker: the chunks of sweep ``sweep`` it claims from the front of the board, until none is left.

    Returns each chunk's table under the position of its first point.
    """
    board = _BOARD[0]
    tables: dict[int, Table] = {}
    pace = _Pace()
    try:
        while (chunk := _claim(board, sweep, claims, pace, front=True)) is not None:
            tables[chunk.start] = pace.timed(task, key, data, values[chunk], *options)
            with board.get_lock():
                board[_DONE] += chunk.stop - chunk.start
    except BaseException:
        _stop(board, sweep)  # nobody starts another chunk of a sweep that has failed
        raise
    return tables


def _claim(board: Any, sweep: int, claims: Claims, pace: _Pace, *, front: bool) -> slice | None:
    """The next chunk of ``sweep``'s points, claimed from the front or the back of the board; None when none is left."""
    with board.get_lock():
        start, stop = board[_FRONT], board[_BACK]
        if board[_SWEEP] != sweep or start >= stop:
            return None
        size = claims.size(start, stop, at_front=front, seconds_per_point=pace.per_point())
        if front:
            board[_FRONT] = start + size
            return slice(int(start), int(start + size))
        board[_BACK] = stop - size
        return slice(int(stop - size), int(stop))


def _stop(board: Any, sweep: int) -> None:
    """Leave no point of ``sweep`` to claim."""
    with board.get_lock():
        if board[_SWEEP] == sweep:
            board[_BACK] = board[_FRONT]


def _attach(board: Any) -> None:
    """The initializer of a worker process: the claims board of its pool, and memory kept between sweeps."""
    _BOARD[:] = [board]
    keep_freed_memory()  # a worker only sweeps: it keeps what its chunks free for the next ones


def local_pool(workers: int) -> ProcessPoolExecutor:
    """The pool of ``workers`` local worker processes, started by the first sweep that needs it and kept.

    Starting processes costs more than a sweep of ten thousand points takes, so the pool
    stays for the next sweep (a sweep with another number of workers replaces it);
    :func:`close_local_pool` ends it, and it ends with the interpreter.  The pool's claims
    board is made with it and handed to each worker as it starts.  While the pool lives,
    this process keeps the memory its sweeps free between sweeps too (on a 10,000-point
    sweep of the bundled company, its first chunk made 1,400 page faults and took 10-12 ms
    beside a worker, against 6-7 ms with the memory kept; :mod:`._memory`).
    """
    if kept_local_pool(workers):
        return _POOL[0][1]
    close_local_pool()
    board = multiprocessing.Array("q", 4)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_attach, initargs=(board,))
    _BOARD[:] = [board]
    _POOL.append((workers, pool))
    hold_freed_memory()
    return pool


def kept_local_pool(workers: int) -> bool:
    """Whether the pool of ``workers`` local worker processes is running (kept from an earlier sweep).

    Examples
    --------
    >>> close_local_pool()
    >>> kept_local_pool(1)
    False
    """
    return bool(_POOL) and _POOL[0][0] == workers


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
    release_freed_memory()


def run_on_executor(
    executor: Any,
    task: Task,
    blob: tuple[str, bytes],
    options: tuple[Any, ...],
    values: np.ndarray,
    chunks: list[slice],
    bar: ProgressBar,
) -> Table:
    """The table of the chunks, run on an executor (anything with ``submit``), each task carrying the model's bytes."""
    key, data = blob
    futures = _submitted(executor, task, [(key, data, values[chunk], *options) for chunk in chunks])
    try:
        tables = []
        for future, chunk in zip(futures, chunks, strict=True):
            tables.append(future.result())
            bar.update(chunk.stop - chunk.start)
        return joined_table(tables)
    except BaseException as err:
        for future in futures:
            future.cancel()
        if _passes(err):
            raise
        raise _failure(err) from err


def _submitted(executor: Any, task: Task, arguments: list[tuple[Any, ...]]) -> list[Any]:
    """The futures of the tasks, each with its arguments; a Dask client gets them in one message where they fit.

    A Dask client sends a ``submit`` after the first of a burst 10 ms later (its messages to the
    scheduler are batched), so a sweep of two tasks would start its second worker that much
    late; ``Client.map`` sends them together, up to :data:`DASK_MESSAGE_BYTES` of points.
    """
    if _is_dask_client(executor) and _argument_bytes(arguments) <= DASK_MESSAGE_BYTES:
        return list(executor.map(task, *zip(*arguments, strict=True), pure=False))
    return [executor.submit(task, *args) for args in arguments]


def _argument_bytes(arguments: list[tuple[Any, ...]]) -> int:
    """The bytes of the arrays and byte strings among the tasks' arguments (what a message carries)."""
    return sum(
        a.nbytes if isinstance(a, np.ndarray) else len(a) if isinstance(a, bytes) else 0
        for args in arguments
        for a in args
    )


def _is_dask_client(executor: Any) -> bool:
    """Whether ``executor`` is a ``distributed.Client`` (told without importing Dask)."""
    return any(c.__module__ == "distributed.client" and c.__name__ == "Client" for c in type(executor).__mro__)


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
