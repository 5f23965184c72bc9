"""Parameter sweeps: the equilibria, company value, price of anarchy, value range lost and gaming at many points.

How a sweep runs
----------------
1. The model is compiled once (:func:`~incentives.build.compile_model`)
   with the swept quantities as arguments; nothing is parsed again.
2. The points are cut into chunks.  Each chunk is evaluated in one vectorised call
   (an :class:`~incentives.evaluated.EvaluatedModel` with a batch axis).  Where
   the game is dominance solvable (most points of most sweeps), the whole chunk's
   records come from array operations over the batch (:mod:`incentives.whatif._batch`:
   the one equilibrium, company values, optimum, price of anarchy and gaming); at
   the other points, and for methods other than ``"all"`` and ``"pure"``, the game is
   solved with :func:`incentives.solve` and compared with the company optimum by
   :func:`incentives.analysis.gaming.gaming_at_equilibria` (the definitions of
   :func:`incentives.analyze`).  Both give the same record at a point.  A chunk
   comes back as one table (column names and columns, numbers as numpy arrays,
   text as integer codes into its distinct strings: :mod:`incentives.whatif._coded`),
   not as a dict per point, and the result keeps the joined columns
   (:class:`~incentives.whatif.results.SweepRecords`).
3. Chunks run in parallel on the local cores by default: this process and
   ``workers - 1`` worker processes (a :class:`concurrent.futures.ProcessPoolExecutor`),
   started by the first parallel sweep and kept for the next ones (starting processes
   costs more than a sweep of ten thousand points takes; a sweep with another number
   of workers replaces them, :func:`close_workers` ends them, and they end with the
   interpreter).  Each worker gets every point in one message; the workers claim
   chunks from the front and this process from the back, on a board the pool shares
   (:mod:`incentives.whatif._parallel`), each chunk sized as it is claimed: the chunks
   shrink towards where they meet, down to a few points where points are slow
   (:func:`_claims`), so neither side waits long for the other.  While
   a sweep runs, this process keeps the memory its chunks free for the next ones (and
   between sweeps while it keeps worker processes), and the worker processes keep it
   for good (glibc only: :mod:`incentives.whatif._memory`).
   Small sweeps, and ``workers=1``, run in this process; with the default ``workers`` so
   does a sweep whose first points, spread over it and run here timed (their records
   kept: :func:`_probed`), say the rest is quicker done here than handed to processes
   (:func:`_serial_limit`: much quicker where the processes have yet to start).  Pass
   ``executor=`` to run them anywhere that offers ``submit(fn, *args)`` returning a
   future with ``result()``: a ``concurrent.futures`` executor, or a ``dask.distributed.Client``
   for a cluster.  Each task carries the compiled model's bytes (a few kilobytes),
   unpickled once per process and kept there under their hash; a task's round trip
   through a scheduler costs milliseconds, so an executor gets few large tasks
   (:func:`_executor_chunks`), each run as chunks of at most :data:`MAX_CHUNK` points
   with the memory they free kept for the next (:func:`executor_task`); a Dask client
   gets all of them in one message where their points fit in a few megabytes.
   Points that leave this process go in a mixed order (:func:`_mixed`), unless the
   points timed first were quick, so that a slow region of the grid (where the games
   are not dominance solvable, say) is shared by every process and task; each record
   comes back to its point's place.

A point that fails (for example a division by zero at that value) stops the
sweep with a :class:`~incentives.errors.SweepError` naming the point.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
import multiprocessing
import os
import pickle
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

import numpy as np

from ..analysis.gaming import gaming_at_equilibria
from ..build import CompiledModel, compile_model
from ..errors import DegenerateGameWarning, IncentivesError, IncompleteSearchWarning, SweepError, UnknownMethodError
from ..evaluated import EvaluatedModel
from ..game import SizeBudget
from ..model import Organization
from ..solvers import method_names, solve
from ._batch import PRICE_COLUMNS, TEXT_COLUMNS, Column, batched_columns, record_keys
from ._claims import Claims, slow_pace
from ._coded import coded, floats_or_none, reordered
from ._memory import freed_memory_kept
from ._parallel import (
    Table,
    close_local_pool,
    compiled_model,
    executor_parallelism,
    joined_table,
    kept_local_pool,
    run_local,
    run_on_executor,
    run_serial,
)
from ._progress import ProgressBar, progress_bar
from .points import SweepPoints, as_points
from .repeated import REPEATED_COLUMNS, RepeatedColumns, repeated_notes, repeated_records
from .results import NO_EQUILIBRIUM, SweepRecords, SweepResult

__all__ = [
    "DECISIVE_SECONDS",
    "EXECUTOR_MAX_CHUNK",
    "FORK_SERIAL_SECONDS",
    "HOME_EXTRA",
    "KEPT_SERIAL_SECONDS",
    "MAX_CHUNK",
    "MIN_CHUNK",
    "PARALLEL_MIN_POINTS",
    "PROBE_MORE_POINTS",
    "PROBE_POINTS",
    "SERIAL_SECONDS",
    "Executor",
    "close_workers",
    "point_record",
    "sweep",
]

#: Sweeps with fewer points than this run in this process unless an executor is given
#: (starting worker processes costs more than it saves).
PARALLEL_MIN_POINTS = 200

#: The most points in one task unless ``chunk_size`` says otherwise (the size budget may allow fewer).
MAX_CHUNK = 4000

#: The most points in one task on an executor unless ``chunk_size`` says otherwise: a task there makes a round
#: trip through the executor (on a Dask LocalCluster, milliseconds: the time of a thousand points or more), and
#: the memory a task frees goes back to the system when it ends, so a sweep sends it one task per worker where
#: this allows (a task runs its points in chunks the size budget allows: :func:`executor_task`).  On a 2-worker
#: LocalCluster, a sweep of 99,856 points took 215 ms in tasks of 25,000 points against 287 ms in tasks of 10,000.
EXECUTOR_MAX_CHUNK = 25_000

#: The fewest points in a chunk unless the sweep has fewer or ``chunk_size`` says otherwise (and except the last
#: chunks of a side where this process and local workers meet): a chunk has a fixed cost, about 1.4 ms on the
#: bundled company, the time of 500 points.  A 500-point sweep of it in this process took 8.1 ms in four chunks
#: and 3.3 ms in one.
MIN_CHUNK = 1024

#: How many points more than an even share this process takes in a sweep on local processes: it starts its
#: first chunk before the workers have the sweep's message (about 1 ms), and, since it keeps its freed memory
#: while the workers live, that chunk's pages are no longer new.  With 500, a 10,000-point sweep of the bundled
#: company took 12.4-14.0 ms on two processes against 12.9-15.1 ms with even shares (medians of 21 interleaved
#: runs, four times); when this process's first chunk made its pages anew, it took 500 fewer.
HOME_EXTRA = 500

#: The seed of the mixed order of a sweep's points on other processes (:func:`_shuffled`): fixed, so a sweep cuts
#: the same chunks each time.
MIXING_SEED = 20261205

#: With the default ``workers``, the first points are timed in this process, and the sweep stays here when
#: the rest would take less than this many seconds, where worker processes have to be started by spawn or
#: forkserver (each imports the package and compiles the model: a worker's start and first task took about 1 s).
SERIAL_SECONDS = 1.0

#: As :data:`SERIAL_SECONDS`, where worker processes have to be started by fork (Linux before Python 3.14):
#: they inherit the compiled model.  On the bundled company, starting one for a sweep and sweeping on two
#: processes was 1.02 times one process at 40,000 points (74 ms in one) and 0.78 times at 20,000.
FORK_SERIAL_SECONDS = 0.1

#: As :data:`SERIAL_SECONDS`, where the worker processes kept from an earlier sweep are running: two processes
#: were 1.10 times one at 2,000 points of the bundled company (8 ms in one) and 0.84 times at 1,000.
KEPT_SERIAL_SECONDS = 0.01

#: With the default ``workers``, this many points spread over the sweep run first in this process, timed (and as
#: many others if they were slow, in case they paid one-time costs); then :data:`PROBE_MORE_POINTS` more, unless
#: those already decided (:func:`_probed`).  Their records are kept, and the rest runs here or on the workers.
PROBE_POINTS = 16

#: The points of the second, larger probe: the two times separate the cost of a chunk (about 1.4 ms on the
#: bundled company) from the cost of a point (a few microseconds where the game is dominance solvable).
PROBE_MORE_POINTS = 1024

#: A sweep goes to the workers after the first probe when those points, scaled up to the whole sweep, take this
#: many times the limit (:func:`_serial_limit`): its points are slow, so it need not wait for the second probe.
#: (A chunk's fixed cost makes the first probe's scaled-up time about 40 times a quick sweep's.)
SLOW_FACTOR = 40

#: When the first probe's points take this many seconds, their time is mostly their own, not their chunk's (a
#: chunk's fixed cost was 1.0-1.3 ms on every bundled example), so the time of the rest is estimated from them
#: without the second probe, whose 1,024 points would take seconds there.  On ``keeping_close.yaml``, whose
#: points are not dominance solvable (16 took 59 ms), a 600-point sweep otherwise ran whole in this process.
DECISIVE_SECONDS = 0.01


class Executor(Protocol):
    """Anything with a ``concurrent.futures``-like ``submit`` (a ``dask.distributed.Client`` too)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any: ...


def point_record(model: EvaluatedModel, *, method: str = "all", max_seconds: float | None = 60.0) -> dict[str, Any]:
    """The sweep record of one evaluated model: its equilibria, company values, price of anarchy and gaming.

    Examples
    --------
    >>> import incentives as inc
    >>> record = point_record(inc.evaluate_model(inc.load_model("examples/growing_company.yaml"), exact=False))
    >>> record["equilibria"]
    'sales=aggressive, support=fast_close, development=rushed, operations=change_freeze'
    >>> record["gaming_departments"], record["games.operations"]
    ('sales, support, development', False)
    """
    game = model.game
    solution = solve(game, method, max_seconds=max_seconds)
    optimum, gaming, summary = gaming_at_equilibria(model, solution)
    worst = min(gaming, key=lambda e: e.company_value, default=None)
    best = max(gaming, key=lambda e: e.company_value, default=None)
    games = {d.department for e in gaming for d in e.departures if d.games}
    record: dict[str, Any] = {
        "equilibria": " | ".join(e.label for e in gaming) or NO_EQUILIBRIUM,
        "n_equilibria": len(gaming),
        "status": solution.status,
        "worst_equilibrium": worst.label if worst else None,
        "company_value_worst": float(worst.company_value) if worst else None,
        "best_equilibrium": best.label if best else None,
        "company_value_best": float(best.company_value) if best else None,
        "optimum": game.profile_label(optimum.profile),
        "company_value_optimum": float(optimum.value),
        "price_of_anarchy": _optional_float(summary["price_of_anarchy"]),
        "price_of_stability": _optional_float(summary["price_of_stability"]),
        "value_range_lost_worst": _optional_float(summary["value_range_lost_worst"]),
        "value_range_lost_best": _optional_float(summary["value_range_lost_best"]),
        "gaming_departments": ", ".join(p for p in game.players if p in games),
    }
    for player in game.players:
        record[f"games.{player}"] = player in games
    for player in game.players:
        record[f"gaming_score.{player}"] = float(summary["gaming_scores"].get(player, 0.0))
    return record


def close_workers() -> None:
    """End the local worker processes that parallel sweeps keep (the next parallel sweep starts new ones).

    This process also stops keeping, between sweeps, the memory its sweeps free (a few megabytes;
    :mod:`incentives.whatif._memory`).

    Examples
    --------
    >>> close_workers()  # the next parallel sweep starts new ones
    """
    close_local_pool()


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


# -- the work of one chunk, in whichever process runs it -------------------------------------------------


def _at(names: Sequence[str], row: np.ndarray) -> str:
    return ", ".join(f"{n}={v:.6g}" for n, v in zip(names, row, strict=True))


def evaluate_chunk(
    key: str,
    model: bytes | CompiledModel,
    values: np.ndarray,
    method: str,
    max_seconds: float | None,
    repeated: RepeatedColumns | None = None,
) -> Table:
    """The records of a batch of points as one table (the task each worker runs).

    The points whose game is dominance solvable get their records from array operations over
    the whole batch (:mod:`incentives.whatif._batch`), the others from :func:`point_record`;
    with ``repeated``, the columns of repeated play are computed for the whole batch too.
    """
    compiled = compiled_model(key, model)
    try:
        batch = compiled.evaluate(values)
    except IncentivesError as err:
        raise SweepError(f"the sweep could not build its games: {err}") from None
    extra = _repeated_columns(compiled, batch, values, repeated, max_seconds)
    table: dict[str, Column] = {name: values[:, j].copy() for j, name in enumerate(compiled.names)}
    table.update(_record_columns(compiled, batch, values, method, max_seconds))  # as {**point, **record}
    for column in extra[0] if extra else ():
        table[column] = [e[column] for e in extra]
    return tuple(table), list(table.values())


def executor_task(key: str, model: bytes | CompiledModel, values: np.ndarray, *options: Any) -> Table:
    """The records of an executor's task as one table: its points in chunks of at most :data:`MAX_CHUNK` points.

    ``options`` are :func:`evaluate_chunk`'s (method, time budget, columns of repeated play).

    A task on an executor carries many points (each task is a round trip through it), more than
    make good arrays at once; its chunks are smaller still where the size budget says
    (:meth:`~incentives.build.CompiledModel.points_per_batch`), and run with the memory each
    frees kept for the next (:mod:`incentives.whatif._memory`).  In a process started as Dask
    starts its workers, a task of 10,000 points of the bundled company took 30 ms this way,
    against 49 ms as one batch without the memory settings.
    """
    compiled = compiled_model(key, model)
    chunks = _even_slices(len(values), math.ceil(len(values) / max(1, min(MAX_CHUNK, compiled.points_per_batch()))))
    with freed_memory_kept():
        tables = [evaluate_chunk(key, compiled, values[chunk], *options) for chunk in chunks]
    return joined_table(tables)


def _record_columns(
    compiled: CompiledModel, batch: EvaluatedModel, values: np.ndarray, method: str, max_seconds: float | None
) -> dict[str, Column]:
    """The record columns of a batch: the batched path's where it solved the point, :func:`point_record`'s elsewhere.

    The batched columns stay arrays: the points solved one by one (usually few) get columns of
    their own, joined after the batched ones and put back in the order of the points.
    """
    solved, columns = batched_columns(batch, method)
    if len(solved) == len(values):
        return columns
    unsolved = np.ones(len(values), dtype=bool)
    unsolved[solved] = False
    alone = np.flatnonzero(unsolved)
    records = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IncompleteSearchWarning)
        warnings.simplefilter("ignore", DegenerateGameWarning)
        for k in alone.tolist():
            try:
                records.append(point_record(batch.point(k), method=method, max_seconds=max_seconds))
            except Exception as err:
                at = _at(compiled.names, values[k])
                raise SweepError(f"the point {at} failed: {type(err).__name__}: {err}") from None
    keys = record_keys(batch.players)
    own = [_compact(key, [record[key] for record in records]) for key in keys]
    if not len(solved):
        return dict(zip(keys, own, strict=True))
    _, both = joined_table([(keys, [columns[key] for key in keys]), (keys, own)])
    order = np.argsort(np.concatenate([solved, alone]), kind="stable")  # row of each point in the joined table
    return {key: reordered(column, order) for key, column in zip(keys, both, strict=True)}


#: Python types whose values a numpy array of this dtype gives back exactly (``tolist()``).
_ARRAY_DTYPES: dict[type, type] = {float: np.float64, bool: np.bool_, int: np.int64}


def _compact(key: str, column: list[Any]) -> Column:
    """A column as the batched path keeps it where its values allow, so that it joins other chunks' as arrays.

    A text column of strings only becomes a coded column, a price column of floats (none NaN)
    and None a :class:`~incentives.whatif._coded.FloatsOrNone`, a column of Python floats only
    (or bools, or ints of 62 bits) an array; any other column stays a list.
    """
    if key in TEXT_COLUMNS and all(type(value) is str for value in column):
        return coded(column)
    if key in PRICE_COLUMNS:
        compact = floats_or_none(column)
        return column if compact is None else compact
    kinds = {type(value) for value in column}
    if len(kinds) == 1 and (kind := kinds.pop()) in _ARRAY_DTYPES:
        if kind is not int or all(abs(value) < 1 << 62 for value in column):
            return np.array(column, dtype=_ARRAY_DTYPES[kind])
    return column


def _repeated_columns(
    compiled: CompiledModel,
    batch: EvaluatedModel,
    values: np.ndarray,
    repeated: RepeatedColumns | None,
    max_seconds: float | None,
) -> list[dict[str, Any]]:
    if repeated is None:
        return []
    try:
        return repeated_records(batch, repeated, max_seconds=max_seconds)
    except IncentivesError as err:
        where = _at(compiled.names, values[0])
        if len(values) > 1:
            where = f"{where} .. {_at(compiled.names, values[-1])}"
        raise SweepError(f"repeated play at the points {where} failed: {err}") from None


# -- running the chunks ---------------------------------------------------------------------------------


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _chunks(count: int, chunk_size: int | None, parallelism: int, largest: int, *, fewer: int = 0) -> list[slice]:
    """Slices of ``chunk_size`` points (at most ``largest``), or by default of nearly equal size.

    By default, about four chunks a process (``fewer`` fewer: the chunks run before them), each of
    at least :data:`MIN_CHUNK` points (unless the sweep has fewer) and at most :data:`MAX_CHUNK`
    and ``largest``.

    Examples
    --------
    >>> [len(range(count)[s]) for count in (500, 3250, 10_000) for s in _chunks(count, None, 1, 10**6)]
    [500, 1083, 1084, 1083, 2500, 2500, 2500, 2500]
    >>> len(_chunks(100_000, None, 1, 10**6)), len(_chunks(100_000, 50, 1, 10**6)), len(_chunks(100_000, None, 1, 2000))
    (25, 2000, 50)
    """
    if chunk_size is not None:
        size = min(_checked_chunk_size(chunk_size), largest)
        return [slice(start, min(start + size, count)) for start in range(0, count, size)]
    fewest = math.ceil(count / max(1, min(MAX_CHUNK, largest)))
    return _even_slices(count, max(fewest, min(4 * max(1, parallelism), count // MIN_CHUNK) - max(0, fewer)))


def _checked_chunk_size(chunk_size: Any) -> int:
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"The 'chunk_size' parameter must be an int in [1, inf). Got {chunk_size!r} instead.")
    return chunk_size


def _executor_chunks(count: int, parallelism: int) -> list[slice]:
    """Slices of nearly equal size for an executor: a task per worker, or a few, of at most :data:`EXECUTOR_MAX_CHUNK`.

    The number of tasks is a multiple of ``parallelism``, so every worker gets as many
    points as the others.

    Examples
    --------
    >>> [s.stop - s.start for s in _executor_chunks(10_000, 2)]
    [5000, 5000]
    >>> len(_executor_chunks(100_001, 2)), len(_executor_chunks(10_000, 8))
    (6, 8)
    """
    parallelism = max(1, parallelism)
    rounds = math.ceil(count / (parallelism * EXECUTOR_MAX_CHUNK))
    return _even_slices(count, parallelism * rounds)


def _even_slices(count: int, parts: int) -> list[slice]:
    """``count`` points cut into ``parts`` slices (fewer if there are fewer points) whose sizes differ by 1 at most."""
    parts = max(1, min(count, parts))
    bounds = [round(count * k / parts) for k in range(parts + 1)]
    return [slice(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def _claims(count: int, processes: int, largest: int, chunk_size: int | None, pace: float | None = None) -> Claims:
    """How this process and ``processes - 1`` local workers size the chunks they claim of ``count`` points.

    The workers take chunks from the front and this process from the back (:func:`run_local`),
    so the workers' share is about the first ``(processes - 1) / processes`` of the points;
    each side's chunks shrink towards the meeting point (:class:`~._claims.Claims`), from at
    most :data:`MAX_CHUNK` points (and ``largest``) to at least :data:`MIN_CHUNK`, or fewer
    once a claimer has measured its pace.  This process's share is :data:`HOME_EXTRA` points
    more than an even one: it starts before the workers have the sweep's message.  With
    ``chunk_size``, every chunk has that many points.  ``pace``, the seconds a point took where
    the sweep's first points were timed (:func:`_probed`), sizes the claims until each process
    has measured its own.

    Examples
    --------
    >>> _claims(10_000, 2, 10**6, None)
    Claims(middle=4500, workers=1, largest=4000, smallest=1024, fixed=False, pace=None)
    """
    if chunk_size is not None:
        size = min(chunk_size, largest)
        return Claims(middle=count, workers=processes - 1, largest=size, smallest=size, fixed=True)
    middle = round(count * (processes - 1) / processes) - min(HOME_EXTRA, count // (2 * processes))
    return Claims(middle=middle, workers=processes - 1, largest=min(largest, MAX_CHUNK), smallest=MIN_CHUNK, pace=pace)


def _run(
    compiled: CompiledModel,
    values: np.ndarray,
    options: tuple[str, float | None, RepeatedColumns | None],
    executor: Executor | None,
    workers: int | None,
    chunk_size: int | None,
    bar_option: bool | None,
) -> tuple[SweepRecords, str]:
    local = workers if workers is not None else _cpu_count()
    if isinstance(local, bool) or not isinstance(local, int) or local < 1:
        raise ValueError(f"The 'workers' parameter must be an int in [1, inf). Got {workers!r} instead.")
    if chunk_size is not None:
        _checked_chunk_size(chunk_size)
    serial = executor is None and (local == 1 or len(values) < PARALLEL_MIN_POINTS)
    largest = compiled.points_per_batch()
    bar = progress_bar(len(values), bar_option)
    try:
        probed, head, pace = np.zeros(0, dtype=np.int64), list[Table](), None
        if not serial and executor is None and workers is None:
            probed, head, serial, pace = _probed(compiled, options, values, local, chunk_size, largest)
            bar.update(len(probed))
        rest = _left(len(values), probed) if len(probed) else None
        if not serial and _mixed(executor, workers, pace):
            rest = _mixing(len(values)) if rest is None else _shuffled(rest)
        left = values if rest is None else np.take(values, rest, axis=0)
        tables, ran_on = list(head), "this process"
        if len(left) and serial:
            chunks = _chunks(len(left), chunk_size, 1, largest, fewer=1 if head else 0)  # the probe's large chunk
            tables.append(run_serial(evaluate_chunk, compiled, options, left, chunks, bar))
        elif len(left):
            table, ran_on = _elsewhere(compiled, options, left, executor, (local, pace), chunk_size, largest, bar)
            tables.append(table)
    finally:
        bar.close()
    keys, columns = tables[0] if len(tables) == 1 else joined_table(tables)  # a chunk's table is its own
    if rest is not None:  # the probe's rows first, the rest perhaps mixed: each point back in its place
        order = np.empty(len(values), dtype=np.int64)
        order[np.concatenate([probed, rest]) if len(probed) else rest] = np.arange(len(values))
        columns = [reordered(column, order) for column in columns]
    return SweepRecords(dict(zip(keys, columns, strict=True)), _copy=False), ran_on


def _mixed(executor: Executor | None, workers: int | None, pace: float | None) -> bool:
    """Whether a sweep that leaves this process runs its points in a mixed order (:func:`_shuffled`).

    Where points are slow, a region of the grid may be much slower than the rest (its games
    are not dominance solvable, say), and a chunk of neighbouring points may hold most of the
    sweep's work.  So the points are mixed on an executor (whose tasks are cut before they
    run), on local processes given by ``workers`` (nothing measured their pace), and with the
    default workers where the points the sweep timed first were slow, as the claims judge them
    (:func:`~._claims.slow_pace`).  Where they were quick the order is kept: putting the rows
    back costs 0.3-0.5 ms on 10,000 points of the bundled company, about 4 ms on 100,000.
    """
    if executor is not None or workers is not None:
        return True
    return slow_pace(pace, MIN_CHUNK)


def _shuffled(positions: np.ndarray) -> np.ndarray:
    """``positions`` in a mixed order, the same for the same positions: any run of them spreads over the grid.

    Examples
    --------
    >>> mixed = _shuffled(np.arange(1000))
    >>> sorted(mixed.tolist()) == list(range(1000)), bool(mixed[:500].mean() > 400), bool(mixed[500:].mean() > 400)
    (True, True, True)
    """
    return positions[_mixing(len(positions))]


@functools.lru_cache(maxsize=2)
def _mixing(count: int) -> np.ndarray:
    """A permutation of ``range(count)``, the same each time, kept for the next sweep of as many points.

    Making one takes about 0.1 ms for 10,000 points; it holds 8 bytes a point, beside the
    sweep's records (about 100 bytes a point on the bundled company), and two are kept at most.
    """
    order = np.random.default_rng(MIXING_SEED).permutation(count)
    order.setflags(write=False)
    return order


def _elsewhere(
    compiled: CompiledModel,
    options: tuple[Any, ...],
    values: np.ndarray,
    executor: Executor | None,
    local: tuple[int, float | None],
    chunk_size: int | None,
    largest: int,
    bar: ProgressBar,
) -> tuple[Table, str]:
    """The table of the points on the executor, or else on local processes, and where they ran.

    ``local`` is the number of local processes and the seconds a point took in the probe, if any.
    """
    data = pickle.dumps(compiled)
    blob = (hashlib.sha256(data).hexdigest(), data)
    if executor is not None:
        parallelism = executor_parallelism(executor)
        if chunk_size is None:
            chunks = _executor_chunks(len(values), parallelism)
        else:
            chunks = _chunks(len(values), chunk_size, parallelism, largest)
        return run_on_executor(executor, executor_task, blob, options, values, chunks, bar), type(executor).__name__
    processes, pace = local
    claims = _claims(len(values), processes, largest, chunk_size, pace)
    table = run_local(evaluate_chunk, compiled, blob, options, values, claims, processes, bar)
    return table, f"{processes} local processes"


def _serial_limit(processes: int) -> float:
    """How long a sweep may take in this process and still stay here, with ``processes`` local processes to go to.

    Short where the worker processes are running already (:data:`KEPT_SERIAL_SECONDS`) or
    would start by fork (:data:`FORK_SERIAL_SECONDS`), long where they would start by spawn
    or forkserver (:data:`SERIAL_SECONDS`).
    """
    if kept_local_pool(processes - 1):
        return KEPT_SERIAL_SECONDS
    method = multiprocessing.get_start_method(allow_none=True) or multiprocessing.get_all_start_methods()[0]
    return FORK_SERIAL_SECONDS if method == "fork" else SERIAL_SECONDS


def _probed(
    compiled: CompiledModel,
    options: tuple[Any, ...],
    values: np.ndarray,
    processes: int,
    chunk_size: int | None,
    largest: int,
) -> _Probe:
    """With the default workers: points spread over the sweep, run and timed here first; whether the rest stays here.

    Returns the positions of the points run (in the order of their tables' rows), their tables,
    whether the rest of the sweep would take less than :func:`_serial_limit` in this process, and
    the seconds a point took in the last probe.
    :data:`PROBE_POINTS` points run first; when they alone take the limit, or scaled up to the
    whole sweep :data:`SLOW_FACTOR` times it, or at least :data:`DECISIVE_SECONDS`, as many
    others run again (the first may have paid one-time costs: a solver's first import).  If
    those are as slow the rest goes to the workers; if they take :data:`DECISIVE_SECONDS`, their
    time a point, times the points left, decides.  Otherwise :data:`PROBE_MORE_POINTS` more run
    (all the rest, on a sweep that small), and the two last times separate the cost of a chunk
    from the cost of a point.  Each probe is one chunk, within the size budget (``largest``).
    """
    limit = _serial_limit(processes)
    count = len(values)

    def slow(seconds: float, points: int) -> bool:
        return seconds >= limit or seconds * count / points >= SLOW_FACTOR * limit

    def run(positions: np.ndarray) -> tuple[np.ndarray, float, Table]:
        return (positions, *_timed(compiled, options, values[positions]))

    runs = [run(_spread(count, min(PROBE_POINTS, largest), np.zeros(0, dtype=np.int64)))]
    first = runs[0][1]
    if slow(first, len(runs[0][0])) or first >= DECISIVE_SECONDS:  # perhaps one-time costs: others, timed again
        runs.append(run(_spread(count, min(PROBE_POINTS, largest), runs[0][0])))
        if slow(runs[1][1], len(runs[1][0])):
            return _Probe.of(runs, False)
        if runs[1][1] >= DECISIVE_SECONDS:
            left = count - len(runs[0][0]) - len(runs[1][0])
            return _Probe.of(runs, runs[1][1] / len(runs[1][0]) * left < limit)
    small, seconds, _ = runs[-1]
    taken = np.concatenate([positions for positions, _, _ in runs])
    runs.append(run(_spread(count, min(PROBE_MORE_POINTS, largest), taken)))
    second, more, _ = runs[-1]
    per_point = max(0.0, (more - seconds) / max(1, len(second) - len(small)))
    per_chunk = max(0.0, seconds - len(small) * per_point)
    left = count - len(taken) - len(second)
    chunks = len(_chunks(left, chunk_size, 1, largest)) if left else 0
    return _Probe.of(runs, per_point * left + per_chunk * chunks < limit)


class _Probe(NamedTuple):
    """What the probes of :func:`_probed` ran and measured."""

    positions: np.ndarray  # of their points, in the order of their tables' rows
    tables: list[Table]
    serial: bool  # whether the rest of the sweep stays in this process
    pace: float  # seconds a point in the last probe

    @classmethod
    def of(cls, runs: list[tuple[np.ndarray, float, Table]], serial: bool) -> _Probe:
        """The result of the probes ``runs`` (each its positions, seconds and table)."""
        positions, seconds, _ = runs[-1]
        pace = seconds / len(positions)
        return cls(np.concatenate([run[0] for run in runs]), [run[2] for run in runs], serial, pace)


def _spread(count: int, size: int, taken: np.ndarray) -> np.ndarray:
    """``size`` positions in ``range(count)`` (all there are, if fewer), spread evenly and sorted, none in ``taken``.

    Examples
    --------
    >>> first = _spread(100, 4, np.zeros(0, dtype=np.int64))
    >>> first.tolist(), _spread(100, 4, first).tolist(), _spread(100, 1000, first)[:5].tolist()
    ([0, 33, 66, 99], [1, 34, 65, 98], [1, 2, 3, 4, 5])
    """
    positions = _left(count, taken)
    if len(positions) <= size:
        return positions
    return positions[np.linspace(0, len(positions) - 1, size).round().astype(np.int64)]


def _left(count: int, taken: np.ndarray) -> np.ndarray:
    """The positions in ``range(count)`` not in ``taken``, sorted."""
    left = np.ones(count, dtype=bool)
    left[taken] = False
    return np.flatnonzero(left)


def _timed(compiled: CompiledModel, options: tuple[Any, ...], values: np.ndarray) -> tuple[float, Table]:
    """The seconds one chunk of these points takes in this process, and its table."""
    started = time.perf_counter()
    table = evaluate_chunk("", compiled, values, *options)
    return time.perf_counter() - started, table


def sweep(
    org: Organization,
    points: SweepPoints | Mapping[str, Any] | Sequence[Mapping[str, float]],
    *,
    method: str = "all",
    executor: Executor | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    progress: bool | None = None,
    max_seconds: float | None = 60.0,
    budget: SizeBudget | None = None,
    repeated: RepeatedColumns | bool | None = None,
) -> SweepResult:
    """Solve the game of ``org`` at many points and compare each with the company optimum.

    Parameters
    ----------
    org : Organization
    points : SweepPoints, mapping or list of mappings
        The points: from :func:`~incentives.whatif.points.grid` or
        :func:`~incentives.whatif.points.latin_hypercube`, a grid given as
        ``{quantity: values}``, or a list of ``{quantity: value}``.  Quantities are
        parameters, ``bonus.DEPARTMENT.KPI`` weights or ``costs.DEPARTMENT.ACTION``.
    method : str
        Solver method at each point (see :func:`incentives.solve`).
    executor : object with ``submit``, optional
        Where to run the chunks: a ``concurrent.futures`` executor or a
        ``dask.distributed.Client``.  Default: local processes (see the module docstring).
    workers : int, optional
        Number of local processes, this one included; 1 runs in this process.  By default the
        cores available, unless a few points spread over the sweep, run and timed here first
        (:data:`PROBE_POINTS`, :data:`PROBE_MORE_POINTS`), say the rest would take less here than
        handing it to worker processes costs (where it then stays): 0.01 s where they are
        running already, 0.1 s where they would start by fork, 1 s otherwise.
    chunk_size : int, optional
        Points per task.  By default, in this process, tasks of up to 4,000 points; on local
        processes, tasks that shrink towards where this process and the workers meet; on an
        executor, one task per worker, or a few, of up to 25,000 points each.
    progress : bool or None
        Show a progress bar; None (default) shows one on long runs when standard error is a terminal.
    max_seconds : float or None
        Time budget of each point's equilibrium search.
    budget : SizeBudget, optional
        Size budget of the model; chunks of points are made small enough that each batch
        of points x profiles fits it.
    repeated : RepeatedColumns or bool, optional
        Also give every point the columns of repeated play (critical discount factors,
        who binds, the smallest detection probability, whether the target is sustained;
        see :mod:`incentives.whatif.repeated`), computed for each chunk at once.  True uses
        the model's ``repeated`` section.

    Returns
    -------
    SweepResult
        One record per point; ``result.table()`` is a DataFrame when pandas is installed.

    Raises
    ------
    ModelError
        If a quantity is not in the model.
    SweepError
        If a point fails, or the executor does.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.whatif import sweep
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> result = sweep(org, {"customers_per_deal": [10, 100, 1000]}, progress=False)
    >>> result.column("gaming_departments")  # operations' change freeze is gaming only while the company is small
    ['sales, support, operations', 'sales, support, development', 'sales, support, development']
    """
    if method not in method_names():  # the names only: a solver's module is imported when a point needs it
        raise UnknownMethodError(f"unknown solver method {method!r}; the methods are: {', '.join(method_names())}")
    columns = RepeatedColumns() if repeated is True else (repeated or None)
    points = as_points(points)
    clash = sorted(set(points.names) & set(REPEATED_COLUMNS)) if columns is not None else []
    if clash:
        raise SweepError(
            f"the swept quantity {clash[0]!r} has the name of a column of repeated play; rename the parameter "
            "(or sweep without repeated play)"
        )
    compiled = compile_model(org, points.names, budget=budget)
    first = compiled.evaluate(points.values[:1])  # fail fast, in this process, on a model that cannot be evaluated
    if columns is not None:
        repeated_records(first, columns, max_seconds=max_seconds)  # and on rates that cannot be evaluated
    start = time.perf_counter()
    options = (method, max_seconds, columns)
    with freed_memory_kept():  # chunks run here reuse the pages the ones before freed (see _memory)
        records, ran_on = _run(compiled, points.values, options, executor, workers, chunk_size, progress)
    seconds = time.perf_counter() - start
    notes = []
    status = records.distinct("status")
    if "incomplete" in status:
        notes.append(
            f"with method {method!r}, games of more than two departments are searched for pure equilibria only"
        )
    if "budget_exhausted" in status:
        notes.append("at some points the equilibrium search ran out of its time budget (status budget_exhausted)")
    if columns is not None:
        notes += repeated_notes(columns, records.column("critical_discount_reversion"))
    return SweepResult(
        points=points,
        records=records,
        departments=org.department_names,
        method=method,
        seconds=seconds,
        ran_on=ran_on,
        notes=tuple(notes),
        repeated=None if columns is None else columns.settings(org),
    )
