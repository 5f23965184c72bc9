"""Reading an input file that may be hostile: a regular file of bounded size, or a clear refusal.

A path given on the command line may name a FIFO (reading blocks for ever), a
device such as ``/dev/zero`` or ``/dev/urandom`` (reading never ends), a
directory, or a symlink to one of them.  :func:`read_regular_file` checks what
the path is with :func:`os.stat` before opening it, opens it without blocking,
checks the opened file again (the path may have been swapped in between) and
reads at most one byte more than the limit, so no input can hang the reader or
make it read more than ``max_bytes``.
"""

from __future__ import annotations

import os
import stat

__all__ = ["FileRefused", "FileTooLarge", "read_regular_file"]

#: Flags that make opening a FIFO or a terminal return at once instead of blocking.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


class FileRefused(Exception):
    """A file that cannot or may not be read; the message says why, without the file name."""


class FileTooLarge(FileRefused):
    """A file larger than the limit."""


def _kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _check(info: os.stat_result, max_bytes: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(f"it is {_kind(info.st_mode)}, not a regular file")
    if info.st_size > max_bytes:
        raise FileTooLarge(f"the file is {info.st_size:,} bytes; the limit is {max_bytes:,}")


def read_regular_file(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path``, refused if it is anything else or larger than ``max_bytes``.

    Parameters
    ----------
    path : str or path-like
        The file; a symlink is followed, and what it points to must be a regular file.
    max_bytes : int
        Largest size read.

    Returns
    -------
    bytes

    Raises
    ------
    FileRefused
        If the path does not exist or cannot be read, or is not a regular file (a
        folder, FIFO, device or socket).
    FileTooLarge
        If the file holds more than ``max_bytes`` bytes.

    Examples
    --------
    >>> read_regular_file("examples/growing_company.yaml", 10**6)[:6]
    b'# A gr'
    >>> read_regular_file("examples", 10**6)
    Traceback (most recent call last):
    ...
    incentives.readwrite._files.FileRefused: it is a folder, not a regular file
    """
    try:
        _check(os.stat(path), max_bytes)
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as err:
        raise FileRefused(f"cannot read it: {err.strerror or err}") from err
    try:
        _check(os.fstat(descriptor), max_bytes)
        chunks: list[bytes] = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as err:
        raise FileRefused(f"cannot read it: {err.strerror or err}") from err
    finally:
        os.close(descriptor)
    if remaining <= 0:
        raise FileTooLarge(f"the file grew past the limit of {max_bytes:,} bytes while it was read")
    return b"".join(chunks)
