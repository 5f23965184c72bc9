"""Compact columns of sweep records (text as codes, prices with NaN for None) read and join as the plain lists do."""

from __future__ import annotations

import itertools
import math
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_sweep_batched import INSPECTION, INSPECTION_GRID  # the folder of the tests is on the path (pytest)

import incentives as inc
from incentives.whatif import SweepRecords, SweepResult, sweep
from incentives.whatif._coded import CodedColumn, FloatsOrNone, coded, coded_join, floats_or_none
from incentives.whatif._parallel import _joined, joined_table

WORDS = st.sampled_from(["complete", "incomplete", "sales=aggressive", "", "é, ü | x", "budget_exhausted"])
TEXTS = st.lists(WORDS, max_size=30)
PRICES = st.lists(st.none() | st.floats(allow_nan=False, width=64), max_size=30)


def _plain(column: Any) -> list[Any]:
    """The oracle: a column's values by reading each entry on its own."""
    return [column[k] for k in range(len(column))]


@given(TEXTS)
def test_a_coded_column_reads_as_its_list(values: list[str]) -> None:
    column = coded(values)
    assert column.tolist() == values == list(column) == _plain(column)
    assert all(type(v) is str for v in column.tolist())
    assert column.distinct() == set(values)
    assert len(column.names) == len(set(values)) and column.codes.dtype == np.uint8
    assert column[1:4].tolist() == values[1:4]
    again = pickle.loads(pickle.dumps(column))
    assert again.tolist() == values and again.names == column.names


def test_a_name_no_code_points_to_is_not_a_distinct_value() -> None:
    column = CodedColumn(codes=np.array([2, 2], dtype=np.uint8), names=("a", "b", "c"))
    assert column.distinct() == {"c"} and column.tolist() == ["c", "c"]


def test_more_names_than_a_byte_holds_get_wider_codes() -> None:
    values = [f"profile {k}" for k in range(300)] * 2
    column = coded(values)
    assert column.codes.dtype == np.uint16 and column.tolist() == values


@pytest.mark.parametrize(
    ("codes", "names", "message"),
    [
        (np.array([0, 1], dtype=np.int64), ("a", "b"), "unsigned"),
        (np.array([[0]], dtype=np.uint8), ("a",), "1-d"),
        (np.array([0, 2], dtype=np.uint8), ("a", "b"), "the code 2 for 2 names"),
        (np.array([0], dtype=np.uint8), ("a", "a"), "distinct"),
    ],
)
def test_a_coded_column_with_bad_codes_or_names_is_refused(
    codes: np.ndarray, names: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        CodedColumn(codes=codes, names=names)


@given(st.lists(TEXTS, max_size=5))
def test_coded_pieces_join_as_their_lists_chained(pieces: list[list[str]]) -> None:
    parts = [coded(p) for p in pieces]
    expected = list(itertools.chain.from_iterable(pieces))
    assert coded_join(parts).tolist() == expected
    result = _joined(parts)
    assert list(result) == expected
    assert isinstance(result, CodedColumn) == any(pieces)  # no values at all: an empty list


def test_pieces_with_disjoint_names_join_to_the_union() -> None:
    left, right = coded(["a", "b", "a"]), coded(["c", "d", "c", "d"])
    result = _joined([left, right])
    assert isinstance(result, CodedColumn)
    assert result.tolist() == ["a", "b", "a", "c", "d", "c", "d"]
    assert sorted(result.names) == ["a", "b", "c", "d"] and result.distinct() == {"a", "b", "c", "d"}


def test_empty_pieces_are_skipped_whatever_their_kind() -> None:
    empty_coded, empty_list = coded([]), []
    result = _joined([empty_coded, coded(["x"]), empty_list, coded(["y", "x"]), empty_coded])
    assert isinstance(result, CodedColumn) and result.tolist() == ["x", "y", "x"]
    assert _joined([empty_coded, empty_list]) == [] and _joined([]) == []


@given(st.lists(st.tuples(st.sampled_from(["coded", "list", "floats"]), TEXTS, PRICES), max_size=5))
def test_pieces_of_mixed_kinds_join_as_plain_lists(pieces: list[tuple[str, list[str], list[float | None]]]) -> None:
    text_parts: list[Any] = [coded(t) if kind == "coded" else list(t) for kind, t, _ in pieces]
    price_parts: list[Any] = [floats_or_none(p) if kind == "floats" else list(p) for kind, _, p in pieces]
    texts = _joined(text_parts)
    prices = _joined(price_parts)
    assert list(texts) == list(itertools.chain.from_iterable(t for _, t, _ in pieces))
    assert list(prices) == list(itertools.chain.from_iterable(p for _, _, p in pieces))
    filled = [kind for kind, t, _ in pieces if t]
    assert isinstance(texts, CodedColumn) == (bool(filled) and set(filled) == {"coded"})


@given(PRICES)
def test_floats_or_none_read_as_their_list(values: list[float | None]) -> None:
    column = floats_or_none(values)
    assert column is not None
    read = column.tolist()
    assert read == values == _plain(column) == list(column)
    assert [type(v) for v in read] == [type(v) for v in values]
    assert [math.copysign(1, v) for v in read if v is not None] == [
        math.copysign(1, v) for v in values if v is not None
    ]
    assert pickle.loads(pickle.dumps(column)).tolist() == values


def test_a_nan_or_a_number_of_another_type_keeps_the_list() -> None:
    assert floats_or_none([1.0, math.nan]) is None  # NaN would read back as None
    assert floats_or_none([1.0, 2]) is None and floats_or_none([np.float64(1.0)]) is None
    with pytest.raises(ValueError, match="float64"):
        FloatsOrNone(values=np.array([1, 2]))


@pytest.fixture(scope="module")
def inspection() -> inc.Organization:
    return inc.loads_model(INSPECTION)


@pytest.mark.parametrize("method", ["all", "pure"])
def test_records_with_compact_columns_equal_and_save_as_plain_ones(
    inspection: inc.Organization, method: str, tmp_path: Path
) -> None:
    """A sweep whose chunks mix batched points and points solved one by one (mixed equilibria, none found)."""
    result = sweep(inspection, INSPECTION_GRID, method=method, workers=1, chunk_size=40, progress=False)
    rows = result.to_records()
    plain = SweepResult(points=result.points, records=SweepRecords.from_dicts(rows), departments=result.departments)
    assert result.records == plain.records and result.records == rows
    assert all(type(r["equilibria"]) is str and type(r["status"]) is str for r in result.records)
    assert {k: type(v) for k, v in result.records[5].items()} == {k: type(v) for k, v in rows[5].items()}
    assert result.records.distinct("status") == {r["status"] for r in rows}
    assert result.records.distinct("price_of_anarchy") == {r["price_of_anarchy"] for r in rows}
    for suffix in (".csv", ".json"):
        assert result.save(tmp_path / f"a{suffix}").read_bytes() == plain.save(tmp_path / f"b{suffix}").read_bytes()
    pd = pytest.importorskip("pandas")
    pd.testing.assert_frame_equal(result.to_frame(), plain.to_frame(), check_exact=True)
    assert all(type(v) is str for v in result.to_frame()["equilibria"])


def test_the_tables_of_chunks_join_to_the_records_of_one_chunk(inspection: inc.Organization) -> None:
    whole = sweep(inspection, INSPECTION_GRID, method="pure", workers=1, chunk_size=10_000, progress=False)
    keys = tuple(whole.records.keys)
    cut = [(keys, [_slice(whole.records, key, a, b) for key in keys]) for a, b in [(0, 100), (100, 100), (100, 273)]]
    keys, columns = joined_table(cut)
    assert SweepRecords(dict(zip(keys, columns, strict=True))) == whole.records


def _slice(records: SweepRecords, key: str, start: int, stop: int) -> Any:
    """A piece of a column, as the chunk that made it would hold it (text coded where it is all str)."""
    values = records.column(key)[start:stop]
    if all(type(v) is str for v in values) and values:
        return coded(values)
    return values


def test_numeric_columns_of_chunks_solved_point_by_point_stay_arrays(inspection: inc.Organization) -> None:
    """A chunk with points solved one by one keeps its number columns as arrays, so the join reads no lists."""
    result = sweep(inspection, INSPECTION_GRID, method="all", workers=1, chunk_size=40, progress=False)
    rows = result.to_records()
    kept = result.records._columns
    for key in ("company_value_worst", "value_range_lost_best", "n_equilibria", *(k for k in kept if "." in k)):
        assert isinstance(kept[key], np.ndarray), key
        assert [type(r[key]) for r in rows] == [type(v) for v in result.column(key)]
        assert all(type(r[key]) is {"f": float, "b": bool, "i": int, "u": int}[kept[key].dtype.kind] for r in rows)
    assert result.records == SweepRecords.from_dicts(rows)


def test_integer_pieces_of_different_widths_join_as_their_values() -> None:
    pieces = [np.array([1, 2], dtype=np.uint8), np.array([300, 2**40], dtype=np.int64), np.array([], dtype=np.uint8)]
    column = _joined(pieces)
    assert isinstance(column, np.ndarray) and column.tolist() == [1, 2, 300, 2**40]
    assert all(type(v) is int for v in column.tolist())
    assert _joined([np.array([0.5]), np.array([1], dtype=np.uint8)]) == [0.5, 1]  # floats and ints: as listed
