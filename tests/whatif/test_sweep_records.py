"""The records of a sweep, kept as columns: the same records, table and files as a list of dicts."""

from __future__ import annotations

import csv
import json

import pytest

import incentives as inc
from incentives.whatif import SweepRecords, sweep


@pytest.fixture(scope="module")
def result() -> inc.SweepResult:
    org = inc.load_model("examples/growing_company.yaml")
    return sweep(org, {"customers_per_deal": [10, 100, 1000]}, workers=1, progress=False)


def test_records_read_as_dicts_equal_the_columns(result: inc.SweepResult) -> None:
    records = result.records
    assert isinstance(records, SweepRecords) and len(records) == 3
    rows = list(records)
    assert [r["customers_per_deal"] for r in rows] == result.column("customers_per_deal") == [10.0, 100.0, 1000.0]
    assert rows[2] == records[2] == records[-1] and records[0:2] == tuple(rows[:2])
    assert list(rows[0]) == list(records.keys)  # a record's keys in the order of the columns
    with pytest.raises(IndexError):
        records[3]


def test_a_record_read_is_a_copy(result: inc.SweepResult) -> None:
    record = result.records[0]
    record["status"] = "changed"
    result.column("status").append("changed")
    assert result.records[0]["status"] == "complete" and len(result.column("status")) == 3


def test_records_equal_the_same_list_of_dicts_and_only_that(result: inc.SweepResult) -> None:
    rows = result.to_records()
    assert result.records == rows and result.records == SweepRecords.from_dicts(rows)
    rows[1] = {**rows[1], "n_equilibria": 7}
    assert result.records != rows and result.records != SweepRecords.from_dicts(rows)
    assert result.records != rows[:2] and result.records != "records"


def test_records_of_dicts_with_other_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="record 1 has the keys"):
        SweepRecords.from_dicts([{"x": 1, "y": 2}, {"y": 2, "x": 1}])
    with pytest.raises(ValueError, match="one length"):
        SweepRecords({"x": [1, 2], "y": [1]})


def test_a_result_made_of_dicts_keeps_them_as_columns(result: inc.SweepResult) -> None:
    again = inc.SweepResult(points=result.points, records=result.to_records(), departments=result.departments)
    assert isinstance(again.records, SweepRecords) and again.records == result.records


def test_saved_tables_hold_every_record(result: inc.SweepResult, tmp_path) -> None:
    rows = result.to_records()
    with result.save(tmp_path / "t.csv").open(encoding="utf-8") as handle:
        read = list(csv.DictReader(handle))
    assert [r["equilibria"] for r in read] == [r["equilibria"] for r in rows]
    assert list(read[0]) == list(rows[0])
    saved = json.loads(result.save(tmp_path / "t.json").read_text(encoding="utf-8"))
    assert [r["n_equilibria"] for r in saved] == [r["n_equilibria"] for r in rows]


def test_the_frame_is_the_frame_of_the_records(result: inc.SweepResult) -> None:
    pd = pytest.importorskip("pandas")
    frame = result.to_frame()
    pd.testing.assert_frame_equal(frame, pd.DataFrame.from_records(result.to_records()))
