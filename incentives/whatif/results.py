"""The results of a sweep: one record per point, as a table, and saved to CSV, JSON or Parquet.

Columns
-------
Each record has the quantity values of its point, then

* ``equilibria``: the labels of every equilibrium found, joined by `` | ``
  (``"(none found)"`` when the method found none), and ``n_equilibria``;
* ``status``: the solver's status (``complete``, ``incomplete``: for games of
  more than two departments the default method finds every pure equilibrium
  only, or ``budget_exhausted``);
* ``worst_equilibrium``, ``company_value_worst``, ``best_equilibrium``,
  ``company_value_best``: the equilibria with the lowest and highest company value;
* ``optimum``, ``company_value_optimum``: a company-optimal profile and its value;
* ``price_of_anarchy``, ``price_of_stability``: as in :func:`incentives.analyze`
  (the optimum's company value over the worst / best equilibrium's; empty where that
  value is zero or negative and the ratio is undefined);
* ``value_range_lost_worst``, ``value_range_lost_best``: as in :func:`incentives.analyze`
  (shares of the company's value range lost at the worst / best equilibrium);
* ``gaming_departments``: the departments that game at some equilibrium;
* ``games.DEPARTMENT`` (bool) and ``gaming_score.DEPARTMENT`` (the share of the
  value range its own departure costs at the worst equilibrium), for each department;
* with repeated play (``sweep(..., repeated=...)``, ``incentives sweep --repeated``), the
  critical discount factors, who binds, the smallest detection probability and whether
  the target is sustained (:mod:`incentives.whatif.repeated` lists those columns).

The records are kept as columns (:class:`SweepRecords`): a column, the DataFrame and the
saved table come from them directly, and a record is a dict built when it is read.

The report of a sweep, and its JSON document ``incentives.sweep/2`` (the settings and
every record), are in :mod:`incentives.report.sweep`.
"""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import numpy as np

from .._display import report_text
from .._util import atomic_path
from ._coded import COMPACT_COLUMNS, as_list
from .points import SweepPoints

__all__ = ["NO_EQUILIBRIUM", "TABLE_SUFFIXES", "SweepRecords", "SweepResult", "require_parquet"]

#: The ``equilibria`` entry of a point where the method found no equilibrium.
NO_EQUILIBRIUM = "(none found)"

#: The file suffixes :meth:`SweepResult.save` writes.
TABLE_SUFFIXES = (".csv", ".json", ".parquet")


class SweepRecords(Sequence[dict[str, Any]]):
    """The records of a sweep, one per point, kept as columns; a record is a dict built when it is read.

    A sweep of many points spends less on its records this way: a column, a DataFrame
    or a saved table reads the columns as they are, and only the records read are built
    (each read builds a new dict, so changing it changes nothing here).

    Parameters
    ----------
    columns : mapping of str to sequence or array
        Each column's values, in the order of the points, all of one length (an array is
        kept as one, and its values read back as Python numbers; a sweep's text columns
        are kept as integer codes into their distinct strings and read back as those strings,
        its prices as floats with NaN read back as None).

    Raises
    ------
    ValueError
        If the columns differ in length.

    Examples
    --------
    >>> records = SweepRecords({"x": [1.0, 2.0], "n_equilibria": [1, 3]})
    >>> len(records), records[1], records.column("x")
    (2, {'x': 2.0, 'n_equilibria': 3}, [1.0, 2.0])
    >>> records == [{"x": 1.0, "n_equilibria": 1}, {"x": 2.0, "n_equilibria": 3}]
    True
    """

    __slots__ = ("_columns", "_length")

    def __init__(self, columns: Mapping[str, Sequence[Any] | np.ndarray], *, _copy: bool = True) -> None:
        # _copy=False: the caller hands over new lists and arrays it keeps no reference to (a sweep's join)
        self._columns = {str(name): _kept(values) if _copy else _frozen(values) for name, values in columns.items()}
        lengths = {len(values) for values in self._columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"the columns of sweep records must have one length; got lengths {sorted(lengths)}")
        self._length = lengths.pop() if lengths else 0

    @classmethod
    def from_dicts(cls, records: Iterable[Mapping[str, Any]]) -> SweepRecords:
        """The records of a list of dicts, which must all have the same keys in the same order.

        Raises
        ------
        ValueError
            If two records have different keys.
        """
        rows = list(records)
        keys = tuple(rows[0]) if rows else ()
        for k, row in enumerate(rows):
            if tuple(row) != keys:
                raise ValueError(f"sweep record {k} has the keys {list(row)}; the first record has {list(keys)}")
        return cls({key: [row[key] for row in rows] for key in keys})

    @property
    def keys(self) -> tuple[str, ...]:
        """The column names, in the order of a record's keys."""
        return tuple(self._columns)

    def column(self, name: str) -> list[Any]:
        """One column's values, as a new list.

        Raises
        ------
        KeyError
            If there is no such column.
        """
        values = self._columns[name]
        return as_list(values)

    def distinct(self, name: str) -> set[Any]:
        """The distinct values of one column, without building the column's list where it is kept as codes.

        Returns
        -------
        set
            Each value that occurs in the column, once.

        Raises
        ------
        KeyError
            If there is no such column.

        Examples
        --------
        >>> sorted(SweepRecords({"status": ["complete", "incomplete", "complete"]}).distinct("status"))
        ['complete', 'incomplete']
        """
        values = self._columns[name]
        return values.distinct() if isinstance(values, COMPACT_COLUMNS) else set(self.column(name))

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[dict[str, Any], ...]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | tuple[dict[str, Any], ...]:
        if isinstance(index, slice):
            return tuple(self[k] for k in range(*index.indices(self._length)))
        if index < -self._length or index >= self._length:
            raise IndexError(f"record {index} of a sweep of {self._length} points")
        return {name: _value(values, index) for name, values in self._columns.items()}

    def __iter__(self) -> Iterator[dict[str, Any]]:
        keys = self.keys
        for row in zip(*(self.column(name) for name in keys), strict=True):
            yield dict(zip(keys, row, strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SweepRecords):
            return self.keys == other.keys and all(self.column(k) == other.column(k) for k in self.keys)
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == self._length and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SweepRecords({self._length} records of {len(self._columns)} columns)"


def _kept(values: Sequence[Any] | np.ndarray) -> Sequence[Any] | np.ndarray:
    """A column as kept: a read-only copy of an array, a compact column as it is (it cannot change), else a tuple."""
    if isinstance(values, COMPACT_COLUMNS):
        return values
    if isinstance(values, np.ndarray):
        kept = np.array(values)
        kept.flags.writeable = False
        return kept
    return tuple(values)


def _frozen(values: Sequence[Any] | np.ndarray) -> Sequence[Any] | np.ndarray:
    """A column handed over: an array made read-only, a sequence kept as it is (never given out)."""
    if isinstance(values, np.ndarray):
        values.flags.writeable = False
    return values


def _value(values: Sequence[Any] | np.ndarray, index: int) -> Any:
    return values[index].item() if isinstance(values, np.ndarray) else values[index]


@dataclass(frozen=True, kw_only=True)
class SweepResult:
    """What a sweep found at each of its points (see the module docstring for the columns).

    Parameters
    ----------
    points : SweepPoints
        The points, in the order of ``records``.
    records : SweepRecords or sequence of dict
        One record per point (a list of dicts is kept as :class:`SweepRecords`).
    departments : tuple of str
        The departments, in player order.
    method : str
        The solver method used at each point.
    seconds : float
        Wall-clock time of the sweep.
    ran_on : str
        Where the points ran (this process, local processes, or the executor).
    notes : tuple of str
        Plain-words remarks (for example, that only pure equilibria were searched).
    repeated : mapping or None
        The settings of repeated play (discount, monitoring, target, equilibria) when the
        records hold its columns; None otherwise.
    """

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    points: SweepPoints
    records: SweepRecords
    departments: tuple[str, ...]
    method: str = "all"
    seconds: float = 0.0
    ran_on: str = "this process"
    notes: tuple[str, ...] = field(default=())
    repeated: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.records, SweepRecords):
            object.__setattr__(self, "records", SweepRecords.from_dicts(self.records))
        if len(self.records) != len(self.points):
            raise ValueError(
                f"a sweep result needs one record per point; got {len(self.records)} for {len(self.points)}"
            )

    def __len__(self) -> int:
        return len(self.records)

    @property
    def names(self) -> tuple[str, ...]:
        """The quantities varied."""
        return self.points.names

    @property
    def points_per_second(self) -> float:
        """Points solved per second of wall-clock time."""
        return len(self) / self.seconds if self.seconds > 0 else float("inf")

    def column(self, name: str) -> list[Any]:
        """One column of the table, as a list."""
        return self.records.column(name)

    def to_records(self) -> list[dict[str, Any]]:
        """The table as a list of plain dicts, one per point."""
        return list(self.records)  # each record read is a new dict

    def to_frame(self) -> Any:
        """The table as a :class:`pandas.DataFrame` (needs pandas: ``pip install 'incentives[dataframe]'``)."""
        try:
            import pandas as pd
        except ImportError as err:
            raise ImportError(
                "a sweep table as a DataFrame needs pandas: pip install 'incentives[dataframe]', "
                "or use to_records() for plain dicts"
            ) from err
        return pd.DataFrame({name: self.records.column(name) for name in self.records.keys} or None)

    def table(self) -> Any:
        """The table: a pandas DataFrame when pandas is installed, else a list of dicts."""
        try:
            return self.to_frame()
        except ImportError:
            return self.to_records()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the table to ``.csv``, ``.json`` (a list of records) or ``.parquet`` (by suffix), all at once.

        The file is written under a temporary name and moved into place only when
        complete, so an interrupted save leaves no half-written file.  Every file has
        the same columns; the JSON file is the list of records (the report's JSON
        document, ``incentives.sweep/2``, adds the sweep's settings:
        ``incentives.report.render(result, "json")``).

        Raises
        ------
        ValueError
            If the suffix is not one of the three.
        ImportError
            For Parquet without pandas and pyarrow installed.
        OutputError
            If the folder does not exist or cannot be written.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        writers = {".csv": self._write_csv, ".json": self._write_json, ".parquet": self._write_parquet}
        if suffix not in writers:
            raise ValueError(f"{path}: expected a file name ending in .csv, .json or .parquet")
        if suffix == ".parquet":
            require_parquet()
        with atomic_path(path) as tmp:
            writers[suffix](tmp)
        return path

    def _write_csv(self, path: Path) -> None:
        columns = list(self.records.keys) if self.records else list(self.names)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for record in self.records:
                writer.writerow({k: "" if v is None else v for k, v in record.items()})

    def _write_json(self, path: Path) -> None:
        records = [{k: _plain(v) for k, v in r.items()} for r in self.records]
        path.write_text(json.dumps(records, indent=1, allow_nan=False) + "\n", encoding="utf-8")

    def _write_parquet(self, path: Path) -> None:
        self.to_frame().to_parquet(path, engine="pyarrow", index=False)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def require_parquet() -> None:
    """Check that Parquet can be written (pandas and pyarrow are installed).

    Raises
    ------
    ImportError
        Naming the extra to install.
    """
    try:
        import pandas  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError as err:
        raise ImportError(
            "writing Parquet needs pandas and pyarrow: pip install 'incentives[parquet]' (or save as .csv or .json)"
        ) from err
