"""Freed memory kept for the next chunk of a sweep, where the C library is glibc.

A chunk of a sweep makes and frees arrays of a few megabytes.  glibc maps a block larger
than its mmap threshold on its own and unmaps it when freed, and gives the top of its heap
back to the system when that much is free, so the next chunk's arrays are new pages again,
and every page costs a page fault: about 4,500 faults for a 10,000-point sweep of the
bundled company in one process.  While a sweep runs, glibc's ``M_MMAP_THRESHOLD`` is
raised to :data:`SWEEP_MMAP_THRESHOLD` (its largest value) and its ``M_TOP_PAD`` (how much
freed memory it keeps at the top of the heap) to :data:`SWEEP_TOP_PAD`, which keeps those pages.

* This process keeps them while a sweep runs (:func:`freed_memory_kept`), and between sweeps
  while it keeps local worker processes (:func:`hold_freed_memory`, until
  :func:`release_freed_memory`: the workers hold far more memory than these pages).  Otherwise
  a sweep's first chunk makes new pages (about 1,500 faults in that sweep): after a sweep, or
  once the workers end, the pad goes back to what it was when the process started.  So does
  the mmap threshold where the
  process's environment fixed it (Dask's nanny starts its workers with
  ``MALLOC_TRIM_THRESHOLD_=65536``, which fixes it at 128 KiB).  Where glibc moved it
  itself, it stays at 32 MiB: once a setting is made glibc stops moving it and offers no
  way back (``mallopt(3)``), and 32 MiB is where glibc's own moving threshold ends in a
  process that has freed an array that large.
* A local worker process, which only sweeps, keeps both for good (:func:`keep_freed_memory`).

On a 2-core virtual machine, that sweep took 34 ms in one process without the pad, 27 ms
with it, and 21 ms with it kept for good, measured before the threshold was raised too
(``tests/whatif/test_memory.py`` checks the page faults).  A task of 10,000 points of it in a process started with
``MALLOC_TRIM_THRESHOLD_=65536`` took 49 ms as one batch with neither setting, and 30 ms in
chunks with both (:func:`incentives.whatif.runner.executor_task`); in a Dask worker started
without that variable, 31-39 ms with the pad alone (it froze a low threshold) and 23 ms
with both.  Elsewhere (macOS, musl) nothing is changed.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
from collections.abc import Callable, Iterator, Mapping

__all__ = [
    "SWEEP_MMAP_THRESHOLD",
    "SWEEP_TOP_PAD",
    "freed_memory_kept",
    "hold_freed_memory",
    "keep_freed_memory",
    "release_freed_memory",
]

#: The freed memory kept at the top of the heap while a sweep runs (glibc's ``M_TOP_PAD``), in bytes.
SWEEP_TOP_PAD = 64 << 20

#: The largest block glibc takes from its heap while a sweep runs (``M_MMAP_THRESHOLD``; 32 MiB is the
#: most glibc allows on 64 bits, and where its own moving threshold ends), in bytes.
SWEEP_MMAP_THRESHOLD = 32 << 20

#: glibc's ``M_TOP_PAD`` and ``M_MMAP_THRESHOLD`` parameters (``malloc.h``) and their defaults (``mallopt(3)``).
_M_TOP_PAD = -2
_M_MMAP_THRESHOLD = -3
_DEFAULT_TOP_PAD = 128 * 1024
_DEFAULT_MMAP_THRESHOLD = 128 * 1024

#: Whether this process keeps the memory sweeps free between sweeps too (:func:`hold_freed_memory`).
_HELD: list[bool] = []

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
    """Set the top pad, and the mmap threshold unless None; whether the pad was set (glibc only)."""
    mallopt = _mallopt()
    if mallopt is None:
        return False
    if mmap_threshold is not None:
        mallopt(_M_MMAP_THRESHOLD, mmap_threshold)
    return bool(mallopt(_M_TOP_PAD, top_pad))


def keep_freed_memory() -> bool:
    """Keep the memory a sweep frees for good (a process that only sweeps); whether it was set (glibc only).

    Examples
    --------
    >>> keep_freed_memory() == (_mallopt() is not None)
    True
    >>> _set(*_at_start()) == (_mallopt() is not None)  # back to how this process started (a moving threshold: 32 MiB)
    True
    """
    return _set(SWEEP_TOP_PAD, SWEEP_MMAP_THRESHOLD)


def hold_freed_memory() -> bool:
    """Keep the memory sweeps free between sweeps too, until :func:`release_freed_memory`; whether it was set.

    Examples
    --------
    >>> hold_freed_memory() == (_mallopt() is not None)
    True
    >>> with freed_memory_kept():
    ...     pass
    >>> _HELD  # the settings stay after the sweep
    [True]
    >>> release_freed_memory()
    >>> _HELD
    []
    """
    held = keep_freed_memory()
    _HELD[:] = [True] if held else []
    return held


def release_freed_memory() -> None:
    """glibc's settings as this process started, if :func:`hold_freed_memory` changed them."""
    if _HELD:
        _HELD.clear()
        _set(*_at_start())


@contextlib.contextmanager
def freed_memory_kept() -> Iterator[bool]:
    """While the block runs, keep the memory a sweep frees; then glibc's settings as this process started.

    (Except a mmap threshold that glibc moved itself: it stays at :data:`SWEEP_MMAP_THRESHOLD`;
    and where :func:`hold_freed_memory` holds them, they stay until :func:`release_freed_memory`.)
    Yields whether the settings were made.
    """
    kept = _set(SWEEP_TOP_PAD, SWEEP_MMAP_THRESHOLD)
    try:
        yield kept
    finally:
        if kept and not _HELD:
            _set(*_at_start())
