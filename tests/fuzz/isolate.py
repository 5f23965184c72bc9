"""Run one piece of work in a forked child with a time limit and a memory cap, and say how it ended.

The child inherits everything the parent imported (so a run costs only its own work),
sets ``RLIMIT_AS`` to the memory cap, redirects its standard output and error to files,
and reports back through a pipe: ``("ok", "")``, ``("clean", message)`` for an
:class:`~incentives.errors.IncentivesError` (or a command's exit status 1 or 2 without a
traceback), ``("traceback", text)`` for anything else.  The parent kills it at the time
limit (``"timeout"``) and reports a child that died without a word (a signal, the memory
cap) as ``"crash"``; a :class:`MemoryError` is ``"memory"``.

POSIX only (``os.fork``); the caller skips elsewhere.
"""

from __future__ import annotations

import io
import json
import os
import resource
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Outcome", "run_isolated"]

TRACEBACK = "Traceback (most recent call last)"


@dataclass(frozen=True)
class Outcome:
    """How a run ended: ``status`` is ok, clean, traceback, memory, timeout or crash."""

    status: str
    detail: str
    seconds: float

    @property
    def failed(self) -> bool:
        return self.status not in ("ok", "clean")


def _classify(error: BaseException) -> tuple[str, str]:
    from incentives.errors import IncentivesError

    if isinstance(error, IncentivesError):
        return "clean", f"{type(error).__name__}: {error}"
    if isinstance(error, MemoryError):
        return "memory", "".join(traceback.format_exception(error))
    if isinstance(error, SystemExit):
        return _exit_status(error.code)
    return "traceback", "".join(traceback.format_exception(error))


def _exit_status(code: Any) -> tuple[str, str]:
    """A command's exit: 0 is ok; 1 or 2 is clean unless standard error holds a traceback."""
    status = code if isinstance(code, int) else (0 if code is None else 1)
    sys.stderr.flush()
    error = Path(os.environ.get("FUZZ_STDERR", os.devnull))
    text = error.read_text(errors="replace") if error.exists() else ""
    if TRACEBACK in text or "MemoryError" in text:
        return ("memory" if "MemoryError" in text else "traceback"), text[-4000:]
    if status == 0:
        return "ok", ""
    if status in (1, 2):
        return "clean", text.strip().splitlines()[-1] if text.strip() else f"exit status {status}"
    return "traceback", f"exit status {status}: {text[-4000:]}"


def _child(
    work: Callable[[], Any], memory: int, cpu: float | None, write: int, cwd: Path | None, output: Path | None
) -> None:
    try:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if cpu is not None:  # SIGXCPU at the soft limit, SIGKILL a second later
            used = resource.getrusage(resource.RUSAGE_SELF)
            start = int(used.ru_utime + used.ru_stime)
            resource.setrlimit(resource.RLIMIT_CPU, (start + int(cpu) + 1, start + int(cpu) + 2))
        if cwd is not None:
            os.chdir(cwd)
        if output is not None:
            stdout = os.open(output / "stdout.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            stderr = os.open(output / "stderr.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(stdout, 1)
            os.dup2(stderr, 2)
            os.environ["FUZZ_STDERR"] = str(output / "stderr.txt")
            sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), encoding="utf-8", write_through=True)
            sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), encoding="utf-8", write_through=True)
        try:
            work()
            result: tuple[str, str] = ("ok", "")
        except BaseException as error:  # the point: every way out is reported
            if output is not None and not isinstance(error, SystemExit):
                traceback.print_exc()
            result = _classify(error)
        data = json.dumps([result[0], result[1][-20_000:]]).encode()  # cut the text, never the JSON
        while data:
            data = data[os.write(write, data) :]
    finally:
        os._exit(0)


def run_isolated(
    work: Callable[[], Any],
    *,
    timeout: float,
    memory: int = 0,
    cpu: float | None = None,
    cwd: Path | None = None,
    output: Path | None = None,
) -> Outcome:
    """Run ``work()`` in a forked child; kill it after ``timeout`` seconds.

    Parameters
    ----------
    work : callable
        Runs in the child; returning is ``ok``, raising is classified (see the module docstring).
    timeout : float
        Seconds before the child is killed.
    memory : int
        Address-space cap of the child in bytes (0: none).
    cpu : float, optional
        Processor seconds the child may use (a child past them is a ``timeout`` too).  On a
        busy machine a run may take much longer than its processor time: give ``timeout``
        room then, and let ``cpu`` be the limit that measures the work.
    cwd : Path, optional
        The child's working folder.
    output : Path, optional
        Folder for the child's ``stdout.txt`` and ``stderr.txt`` (default: inherited).
    """
    read, write = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        _child(work, memory, cpu, write, cwd, output)
    os.close(write)
    chunks: list[bytes] = []
    status = None
    while True:
        left = timeout - (time.monotonic() - start)
        ready, _, _ = select.select([read], [], [], max(left, 0))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read)
            return Outcome("timeout", f"killed after {timeout:g} s", time.monotonic() - start)
        chunk = os.read(read, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read)
    _, status, rusage = os.wait4(pid, 0)
    usage = rusage.ru_utime + rusage.ru_stime
    seconds = time.monotonic() - start
    if not chunks:
        signal_number = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
        if cpu is not None and signal_number in (signal.SIGXCPU, signal.SIGKILL) and usage >= cpu:
            return Outcome("timeout", f"killed at the processor limit of {cpu:g} s (signal {signal_number})", seconds)
        return Outcome("crash", f"the child died (signal {signal_number}, status {status})", seconds)
    try:
        kind, detail = json.loads(b"".join(chunks))
    except ValueError:  # the child died while reporting
        return Outcome("crash", f"the child's report was cut short (status {status})", seconds)
    return Outcome(kind, detail, seconds)
