"""Columns of sweep records kept as arrays: text as codes into its distinct strings, optional floats with NaN.

A text column of a sweep (the equilibria, the status, the departments that game) takes a
handful of distinct values over thousands of points.  Kept as one small integer array
and the tuple of those values (:class:`CodedColumn`), it travels between processes as
one buffer and a few strings, and two chunks' columns join by remapping codes, not by
chaining lists.  A column of floats that are None where undefined (the price of anarchy)
is kept as a float array with NaN for None (:class:`FloatsOrNone`), when no value is NaN.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

__all__ = [
    "COMPACT_COLUMNS",
    "CodedColumn",
    "FloatsOrNone",
    "as_list",
    "code_dtype",
    "coded",
    "coded_join",
    "floats_or_none",
    "reordered",
]


@dataclass(frozen=True, kw_only=True, eq=False)
class CodedColumn(Sequence[str]):
    """A column of strings as codes into the tuple of its distinct values (a sequence of those strings).

    Parameters
    ----------
    codes : numpy.ndarray
        One unsigned integer a value: the position of the value in ``names`` (kept read-only).
    names : tuple of str
        The distinct values, each once.

    Raises
    ------
    ValueError
        If ``codes`` is not a one-dimensional array of unsigned integers below ``len(names)``,
        or a name repeats.

    Examples
    --------
    >>> import numpy as np
    >>> column = CodedColumn(codes=np.array([1, 0, 1], dtype=np.uint8), names=("complete", "incomplete"))
    >>> len(column), column[0], column.tolist(), sorted(column.distinct())
    (3, 'incomplete', ['incomplete', 'complete', 'incomplete'], ['complete', 'incomplete'])
    """

    codes: np.ndarray
    names: tuple[str, ...]

    def __post_init__(self) -> None:
        codes = self.codes
        if not isinstance(codes, np.ndarray) or codes.ndim != 1 or codes.dtype.kind != "u":
            raise ValueError(f"the codes of a coded column must be a 1-d array of unsigned integers; got {codes!r}")
        if len(codes) and int(codes.max()) >= len(self.names):
            raise ValueError(f"a coded column has the code {int(codes.max())} for {len(self.names)} names")
        if len(set(self.names)) != len(self.names):
            raise ValueError(f"the names of a coded column must be distinct; got {self.names!r}")
        codes.flags.writeable = False

    def __len__(self) -> int:
        return len(self.codes)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> CodedColumn: ...

    def __getitem__(self, index: int | slice) -> str | CodedColumn:
        if isinstance(index, slice):
            return CodedColumn(codes=self.codes[index].copy(), names=self.names)
        return self.names[int(self.codes[index])]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tolist())

    def tolist(self) -> list[str]:
        """The values, as a new list of the names' own ``str`` objects."""
        values: list[str] = _names_array(self.names)[self.codes].tolist()
        return values

    def distinct(self) -> set[str]:
        """The values that occur (a name no code points to is left out)."""
        used = np.bincount(self.codes, minlength=len(self.names)) > 0
        return {name for name, u in zip(self.names, used.tolist(), strict=True) if u}


def coded(values: Iterable[str]) -> CodedColumn:
    """The coded column of a sequence of strings, its names in the order they first occur.

    Examples
    --------
    >>> column = coded(["b", "a", "b"])
    >>> column.names, column.codes.tolist()
    (('b', 'a'), [0, 1, 0])
    """
    values = list(values)
    position: dict[str, int] = {}
    codes = [position.setdefault(v, len(position)) for v in values]
    return CodedColumn(codes=np.array(codes, dtype=code_dtype(len(position))), names=tuple(position))


def coded_join(parts: Sequence[CodedColumn]) -> CodedColumn:
    """The columns one after the other: each part's codes remapped to the union of the names, in order of first use.

    Examples
    --------
    >>> joined = coded_join([coded(["x", "y"]), coded(["z", "x"])])
    >>> joined.names, joined.tolist()
    (('x', 'y', 'z'), ['x', 'y', 'z', 'x'])
    """
    if all(part.names == parts[0].names for part in parts[1:]):
        names = parts[0].names if parts else ()
        return CodedColumn(codes=_concatenated([p.codes for p in parts], code_dtype(len(names))), names=names)
    position: dict[str, int] = {}
    for part in parts:
        for name in part.names:
            position.setdefault(name, len(position))
    dtype = code_dtype(len(position))
    remapped = [np.array([position[n] for n in p.names], dtype=dtype)[p.codes] for p in parts]
    return CodedColumn(codes=_concatenated(remapped, dtype), names=tuple(position))


def _concatenated(arrays: list[np.ndarray], dtype: np.dtype[Any]) -> np.ndarray:
    """One new array of ``dtype``, even of one array or none."""
    return np.concatenate(arrays, dtype=dtype, casting="same_kind") if arrays else np.zeros(0, dtype=dtype)


def code_dtype(count: int) -> np.dtype[Any]:
    """The smallest unsigned integer type that holds the codes of ``count`` names."""
    return np.min_scalar_type(max(count - 1, 0))


def _names_array(names: tuple[str, ...]) -> np.ndarray:
    array = np.empty(len(names), dtype=object)
    array[:] = names
    return array


@dataclass(frozen=True, kw_only=True, eq=False)
class FloatsOrNone(Sequence[float | None]):
    """A column of floats and None, as a float array with NaN where the value is None.

    Parameters
    ----------
    values : numpy.ndarray
        One-dimensional, of dtype float64 (kept read-only); NaN stands for None, so a
        column whose values include NaN itself cannot be kept this way.

    Raises
    ------
    ValueError
        If ``values`` is not a one-dimensional float64 array.

    Examples
    --------
    >>> import numpy as np
    >>> column = FloatsOrNone(values=np.array([2.0, np.nan]))
    >>> len(column), column[0], column[1], column.tolist()
    (2, 2.0, None, [2.0, None])
    """

    values: np.ndarray

    def __post_init__(self) -> None:
        values = self.values
        if not isinstance(values, np.ndarray) or values.ndim != 1 or values.dtype != np.float64:
            raise ValueError(f"the values of a column of floats or None must be a 1-d float64 array; got {values!r}")
        values.flags.writeable = False

    def __len__(self) -> int:
        return len(self.values)

    @overload
    def __getitem__(self, index: int) -> float | None: ...

    @overload
    def __getitem__(self, index: slice) -> FloatsOrNone: ...

    def __getitem__(self, index: int | slice) -> float | FloatsOrNone | None:
        if isinstance(index, slice):
            return FloatsOrNone(values=self.values[index].copy())
        value = float(self.values[index])
        return None if math.isnan(value) else value

    def __iter__(self) -> Iterator[float | None]:
        return iter(self.tolist())

    def tolist(self) -> list[float | None]:
        """The values, as a new list of Python floats and None."""
        values: list[float | None] = self.values.tolist()
        for k in np.flatnonzero(np.isnan(self.values)).tolist():
            values[k] = None
        return values

    def distinct(self) -> set[float | None]:
        """The values that occur."""
        return set(self.tolist())


def floats_or_none(values: Sequence[float | None]) -> FloatsOrNone | None:
    """The column of a list of floats and None, or None if a value is NaN or of another type.

    Examples
    --------
    >>> floats_or_none([1.5, None]).tolist(), floats_or_none([float("nan")]), floats_or_none([1])
    ([1.5, None], None, None)
    """
    if not all(v is None or type(v) is float for v in values):
        return None
    array = np.array([math.nan if v is None else v for v in values], dtype=np.float64)
    if np.count_nonzero(np.isnan(array)) != sum(v is None for v in values):
        return None
    return FloatsOrNone(values=array)


#: The kinds of column kept as arrays, each with ``tolist()`` and ``distinct()``.
COMPACT_COLUMNS = (CodedColumn, FloatsOrNone)


def as_list(column: Any) -> list[Any]:
    """A column's values as plain Python values (an array's or a compact column's ``tolist()``).

    Examples
    --------
    >>> as_list(np.array([0.5, 2.0])), as_list(["a", None]), as_list(coded(["x", "x"]))
    ([0.5, 2.0], ['a', None], ['x', 'x'])
    """
    return column.tolist() if isinstance(column, (np.ndarray, *COMPACT_COLUMNS)) else list(column)


def reordered(column: Any, order: np.ndarray) -> Any:
    """A column's values in a new order: ``order[k]`` is the row of the ``k``-th value (of the same kind of column).

    Examples
    --------
    >>> order = np.array([2, 0, 1])
    >>> reordered(np.array([0.5, 1.5, 2.5]), order).tolist(), reordered(["a", None, "c"], order)
    ([2.5, 0.5, 1.5], ['c', 'a', None])
    >>> reordered(coded(["x", "y", "x"]), order).tolist()
    ['x', 'x', 'y']
    >>> reordered(FloatsOrNone(values=np.array([1.0, np.nan, 3.0])), order).tolist()
    [3.0, 1.0, None]
    """
    if isinstance(column, np.ndarray):
        return column[order]
    if isinstance(column, CodedColumn):
        return CodedColumn(codes=column.codes[order], names=column.names)
    if isinstance(column, FloatsOrNone):
        return FloatsOrNone(values=column.values[order])
    return [column[k] for k in order.tolist()]
