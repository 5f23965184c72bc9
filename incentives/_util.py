"""Small shared pieces: read-only arrays, frozen mappings, the number type, profile labels, atomic files.

Private to the package; every module that needs one of these imports it from
here, so each is written once.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from .errors import OutputError

__all__ = ["FrozenMap", "Number", "atomic_path", "atomic_write", "frozen_map", "profile_label", "readonly"]

#: A payoff or value: a float, or an exact fraction in exact games.
Number = float | Fraction


def readonly(array: Any, *, copy: bool = True) -> np.ndarray:
    """A read-only array, so frozen objects stay frozen.

    It is a copy unless ``copy=False``, or unless ``array`` is already read-only all the
    way down (it and every array it is a view of), so that nobody can change it.

    Examples
    --------
    >>> a = readonly([1.0, 2.0])
    >>> a.flags.writeable, readonly(a) is a
    (False, True)
    """
    if copy and not _frozen(array):
        out = np.array(array, copy=True)
    else:
        out = np.asarray(array)
    out.setflags(write=False)
    return out


def _frozen(array: Any) -> bool:
    """Whether ``array`` is an ndarray that neither it nor any array it views can change."""
    while isinstance(array, np.ndarray):
        if array.flags.writeable:
            return False
        if array.base is None:
            return True
        array = array.base
    return False


class FrozenMap(Mapping[Any, Any]):
    """A read-only mapping that keeps its order, compares like a dict and pickles (a mappingproxy does not).

    Examples
    --------
    >>> frozen = FrozenMap({"a": 1})
    >>> frozen["a"], frozen == {"a": 1}, frozen
    (1, True, {'a': 1})
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[Any, Any] | Iterable[tuple[Any, Any]] = ()) -> None:
        self._data = dict(data)

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._data,))

    __hash__ = None  # type: ignore[assignment]


def frozen_map(mapping: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """A read-only copy of a mapping (its values are not copied).

    Examples
    --------
    >>> frozen = frozen_map({"a": 1})
    >>> frozen["a"], isinstance(frozen, dict)
    (1, False)
    """
    return FrozenMap(mapping)


def profile_label(
    players: Sequence[str], actions: Sequence[Sequence[str]], indices: Sequence[int], *, skip: int | None = None
) -> str:
    """``"sales=aggressive, support=fast_close"`` for a pure profile given by action indices.

    Parameters
    ----------
    players : sequence of str
    actions : sequence of sequence of str
        Each player's action names.
    indices : sequence of int
        One action index per player.
    skip : int, optional
        A player to leave out (the one whose switch a sentence describes).

    Examples
    --------
    >>> profile_label(("sales", "support"), (("careful", "pushy"), ("slow", "fast")), (1, 0))
    'sales=pushy, support=slow'
    >>> profile_label(("sales", "support"), (("careful", "pushy"), ("slow", "fast")), (1, 0), skip=0)
    'support=slow'
    """
    return ", ".join(
        f"{player}={acts[int(k)]}"
        for j, (player, acts, k) in enumerate(zip(players, actions, indices, strict=True))
        if j != skip
    )


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it only when the block ends without an error.

    Readers never see a half-written file: either the old file stays or the complete
    new one is there, and the temporary file is removed on failure.  A missing
    folder is an :class:`~incentives.errors.OutputError` that names it.

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with atomic_path(os.path.join(folder, "out.txt")) as tmp:
    ...     _ = tmp.write_text("done")
    >>> sorted(os.listdir(folder))
    ['out.txt']
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{target}: the folder {str(folder)!r} does not exist; create it first or choose another")
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise OutputError(f"{target}: cannot write in {str(folder)!r} ({err.strerror or err})") from err
    os.close(handle)
    tmp = Path(name)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private; a report gets the usual permissions
    try:
        yield tmp
        os.replace(tmp, target)
    except OSError as err:
        raise OutputError(f"{target}: could not be written ({err.strerror or err})") from err
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write text (UTF-8, unencodable characters escaped) or bytes to ``path`` atomically (see :func:`atomic_path`).

    Examples
    --------
    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "report.txt")
    >>> atomic_write(target, "lone surrogate: \\ud800")
    >>> open(target, encoding="utf-8").read()
    'lone surrogate: \\\\ud800'
    """
    with atomic_path(path) as tmp:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_bytes(data.encode("utf-8", errors="backslashreplace"))
