"""Freed memory kept for the next chunk of a sweep, where the C library is glibc.

A chunk of a sweep makes and frees arrays of a few megabytes.  glibc gives the top of
its heap back to the system when that much is free, so the next chunk's arrays are new
pages again, and every page costs a page fault: about 4,500 faults for a 10,000-point
sweep of the bundled company in one process.  Raising glibc's ``M_TOP_PAD`` (how much
freed memory it keeps at the top of the heap) to :data:`SWEEP_TOP_PAD` keeps those pages.

* This process keeps them while a sweep runs (:func:`freed_memory_kept`) and goes back
  to the pad it started with after; a sweep's first chunk still makes new pages (about
  1,500 faults in that sweep).  glibc then stops moving its mmap threshold by itself: it
  stays where it is when the sweep ends (``mallopt(3)``).
* A local worker process, which only sweeps, keeps them for good (:func:`keep_freed_memory`).
* Where the process's environment fixed glibc's thresholds when it started (Dask's nanny
  starts its workers with ``MALLOC_TRIM_THRESHOLD_=65536``), glibc maps every block of
  more than its mmap threshold (128 KiB unless set) on its own and unmaps it when freed,
  so a chunk's large arrays are new pages whatever the pad.  There the mmap threshold is
  raised to :data:`SWEEP_MMAP_THRESHOLD` too, and put back to the environment's value
  after (exactly: glibc does not move a fixed threshold).  Where glibc moves it itself, it
  is left alone.

On a 2-core virtual machine, that sweep took 34 ms in one process without the setting,
27 ms with it, and 21 ms with the pad kept for good (``tests/whatif/test_memory.py``
checks the page faults).  A task of 10,000 points of it in a process started with
``MALLOC_TRIM_THRESHOLD_=65536`` took 49 ms as one batch with neither setting, and 30 ms in
chunks with both (:func:`incentives.whatif.runner.executor_task`).
Elsewhere (macOS, musl) nothing is changed.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
from collections.abc import Callable, Iterator, Mapping

__all__ = ["SWEEP_MMAP_THRESHOLD", "SWEEP_TOP_PAD", "freed_memory_kept", "keep_freed_memory"]

#: The freed memory kept at the top of the heap while a sweep runs (glibc's ``M_TOP_PAD``), in bytes.
SWEEP_TOP_PAD = 64 << 20

#: The largest block glibc takes from its heap while a sweep runs, where the environment fixed its mmap
#: threshold (``M_MMAP_THRESHOLD``; 32 MiB is the most glibc allows on 64 bits), in bytes.
SWEEP_MMAP_THRESHOLD = 32 << 20

#: glibc's ``M_TOP_PAD`` and ``M_MMAP_THRESHOLD`` parameters (``malloc.h``) and their defaults (``mallopt(3)``).
_M_TOP_PAD = -2
_M_MMAP_THRESHOLD = -3
_DEFAULT_TOP_PAD = 128 * 1024
_DEFAULT_MMAP_THRESHOLD = 128 * 1024

#: The environment variables and tunables (which win over them) by which glibc fixes its thresholds as a process starts;
#: each of them stops glibc moving its mmap threshold (``mallopt(3)``, "Dynamic mmap threshold").
_FIXING = {
    "MALLOC_TRIM_THRESHOLD_": "glibc.malloc.trim_threshold",
    "MALLOC_TOP_PAD_": "glibc.malloc.top_pad",
    "MALLOC_MMAP_THRESHOLD_": "glibc.malloc.mmap_threshold",
    "MALLOC_MMAP_MAX_": "glibc.malloc.mmap_max",
}


@functools.cache
def _mallopt() -> Callable[[int, int], int] | None:
    """glibc's ``mallopt``, or None where the C library is another."""
    try:
        libc = ctypes.CDLL(None)
        if not hasattr(libc, "gnu_get_libc_version"):
            return None
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):  # TypeError: Windows has no process-wide library handle
        return None
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return mallopt


@functools.cache
def _at_start() -> tuple[int, int | None]:
    """glibc's top pad and mmap threshold as this process started (:func:`_thresholds`).

    Read from the environment the process started with (``/proc/self/environ``), not from
    ``os.environ``, which may have changed since (a Dask ``LocalCluster`` writes its workers'
    variables into the process that starts it).
    """
    try:
        with open("/proc/self/environ", "rb") as file:
            entries = file.read().decode("utf-8", "replace").split("\0")
    except OSError:
        return _DEFAULT_TOP_PAD, None
    return _thresholds(dict(entry.partition("=")[::2] for entry in entries if "=" in entry))


def _thresholds(environ: Mapping[str, str]) -> tuple[int, int | None]:
    """glibc's top pad and mmap threshold in a process started with ``environ``; None for a moving threshold.

    A threshold that cannot be told (a value glibc may read otherwise than we do) is None too.

    Examples
    --------
    >>> _thresholds({})  # glibc's defaults, and a threshold it moves itself
    (131072, None)
    >>> _thresholds({"MALLOC_TRIM_THRESHOLD_": "65536"})  # as Dask starts its workers: the threshold is fixed
    (131072, 131072)
    >>> _thresholds({"GLIBC_TUNABLES": "glibc.malloc.top_pad=0x100000:glibc.malloc.mmap_threshold=262144"})
    (1048576, 262144)
    """
    tunables = dict(item.partition("=")[::2] for item in environ.get("GLIBC_TUNABLES", "").split(":"))
    given = {name: tunables.get(tunable, environ.get(name)) for name, tunable in _FIXING.items()}
    top_pad = _size(given["MALLOC_TOP_PAD_"], _DEFAULT_TOP_PAD)
    top_pad = _DEFAULT_TOP_PAD if top_pad is None else top_pad
    if all(value is None for value in given.values()):
        return top_pad, None
    return top_pad, _size(given["MALLOC_MMAP_THRESHOLD_"], _DEFAULT_MMAP_THRESHOLD)


def _size(text: str | None, default: int) -> int | None:
    """A size as glibc reads it (decimal, or hex with 0x), ``default`` if not given, None if unreadable."""
    if text is None:
        return default
    try:
        size = int(text.strip(), 0)
    except ValueError:
        return None
    return size if 0 <= size < 1 << 31 else None


def _set(top_pad: int, mmap_threshold: int | None) -> bool:
    """Set the top pad, and the mmap threshold where the environment fixed it; whether the pad was set."""
    mallopt = _mallopt()
    if mallopt is None:
        return False
    if mmap_threshold is not None and _at_start()[1] is not None:
        mallopt(_M_MMAP_THRESHOLD, mmap_threshold)
    return bool(mallopt(_M_TOP_PAD, top_pad))


def keep_freed_memory() -> bool:
    """Keep the memory a sweep frees for good (a process that only sweeps); whether it was set (glibc only).

    Examples
    --------
    >>> keep_freed_memory() == (_mallopt() is not None)
    True
    >>> _set(*_at_start()) == (_mallopt() is not None)  # back to how this process started
    True
    """
    return _set(SWEEP_TOP_PAD, SWEEP_MMAP_THRESHOLD)


@contextlib.contextmanager
def freed_memory_kept() -> Iterator[bool]:
    """While the block runs, keep the memory a sweep frees; then glibc's settings as this process started.

    Yields whether the setting was made.
    """
    kept = _set(SWEEP_TOP_PAD, SWEEP_MMAP_THRESHOLD)
    try:
        yield kept
    finally:
        if kept:
            _set(*_at_start())
