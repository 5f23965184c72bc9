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
  (shares of the company's value range lost at the worst / best equilibrium);
* ``gaming_departments``: the departments that game at some equilibrium;
* ``games.DEPARTMENT`` (bool) and ``gaming_score.DEPARTMENT`` (the share of the
  value range its own departure costs at the worst equilibrium), for each department;
* with repeated play (``sweep(..., repeated=...)``, ``incentives sweep --repeated``), the
  critical discount factors, who binds, the smallest detection probability and whether
  the target is sustained (:mod:`incentives.whatif.repeated` lists those columns).

The report of a sweep, and its JSON document ``incentives.sweep/1`` (the settings and
every record), are in :mod:`incentives.report.sweep`.
"""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._display import report_text
from .._util import atomic_path
from .points import SweepPoints

__all__ = ["NO_EQUILIBRIUM", "TABLE_SUFFIXES", "SweepResult", "require_parquet"]

#: The ``equilibria`` entry of a point where the method found no equilibrium.
NO_EQUILIBRIUM = "(none found)"

#: The file suffixes :meth:`SweepResult.save` writes.
TABLE_SUFFIXES = (".csv", ".json", ".parquet")


@dataclass(frozen=True, kw_only=True)
class SweepResult:
    """What a sweep found at each of its points (see the module docstring for the columns).

    Parameters
    ----------
    points : SweepPoints
        The points, in the order of ``records``.
    records : tuple of dict
        One record per point.
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
    records: tuple[Mapping[str, Any], ...]
    departments: tuple[str, ...]
    method: str = "all"
    seconds: float = 0.0
    ran_on: str = "this process"
    notes: tuple[str, ...] = field(default=())
    repeated: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if len(self.records) != len(self.points):
            raise ValueError(
                f"a sweep result needs one record per point; got {len(self.records)} for {len(self.points)}"
            )
        object.__setattr__(self, "records", tuple(self.records))

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
        return [r[name] for r in self.records]

    def to_records(self) -> list[dict[str, Any]]:
        """The table as a list of plain dicts, one per point."""
        return [dict(r) for r in self.records]

    def to_frame(self) -> Any:
        """The table as a :class:`pandas.DataFrame` (needs pandas: ``pip install 'incentives[dataframe]'``)."""
        try:
            import pandas as pd
        except ImportError as err:
            raise ImportError(
                "a sweep table as a DataFrame needs pandas: pip install 'incentives[dataframe]', "
                "or use to_records() for plain dicts"
            ) from err
        return pd.DataFrame.from_records(self.to_records())

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
        document, ``incentives.sweep/1``, adds the sweep's settings:
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
        columns = list(self.records[0]) if self.records else list(self.names)
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
