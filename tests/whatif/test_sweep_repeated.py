"""Sweeps with repeated play: the columns equal `repeated()` point by point, in any chunking, and the CLI's outputs."""

from __future__ import annotations

import csv
import json
import math
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import incentives as inc
from incentives.cli import main
from incentives.errors import SweepError
from incentives.repeated import relational_contract
from incentives.report import render
from incentives.report.schemas import validate
from incentives.whatif import RepeatedColumns, sweep
from incentives.whatif.repeated import REPEATED_COLUMNS

FLAGSHIP = "examples/keeping_close.yaml"
SIZES = [1.0, 25.0, 59.0, 60.0, 130.0]


@pytest.fixture(scope="module")
def org() -> inc.Organization:
    return inc.load_model(FLAGSHIP)


@pytest.fixture(scope="module")
def swept(org: inc.Organization) -> inc.SweepResult:
    points = [{"headcount": h, "involvement": v} for h in SIZES for v in (0.0, 2.0)]
    return sweep(org, points, method="pure", repeated=True, progress=False, workers=1)


def _close(value: Any, expected: Any) -> bool:
    if expected is None or (isinstance(expected, float) and math.isinf(expected)):
        return value is None
    return value == pytest.approx(float(expected), rel=1e-9, abs=1e-12)


def test_the_columns_equal_the_one_model_analysis_at_every_point(org: inc.Organization, swept: inc.SweepResult) -> None:
    for record in swept.records:
        model = org.with_parameters({"headcount": record["headcount"], "involvement": record["involvement"]})
        one = inc.repeated(model, equilibria="pure", payoff_set=False)  # the oracle: one model at a time
        reversion, minmax = one.reversion, one.grim_trigger("pure minmax")
        assert reversion is not None and reversion.smallest_monitoring is not None
        assert _close(record["discount"], one.discount)
        assert _close(record["critical_discount_reversion"], one.critical_discount)
        assert _close(record["critical_discount_minmax"], minmax.critical_discount)
        assert record["binding_department"] == one.binding_department
        assert _close(record["one_shot_gain"], one.one_shot_gain)
        assert record["sustained"] == one.sustained
        assert _close(record["smallest_monitoring"], reversion.required_monitoring)
        for i, dept in enumerate(one.departments):
            assert _close(record[f"critical_discount.{dept}"], reversion.critical_discounts[i])
            assert _close(record[f"monitoring.{dept}"], one.monitoring[i])
            assert _close(record[f"smallest_monitoring.{dept}"], reversion.smallest_monitoring[i])
        contract = relational_contract(model, equilibria="pure")  # the oracle of the relational-contract columns
        assert _close(record["credible_bonus"], contract.credible_bonus)
        assert _close(record["bonus_needed"], sum(contract.required_bonuses))
        assert record["contract_holds"] is contract.holds_target


def test_the_collapse_and_the_remedy(swept: inc.SweepResult) -> None:
    held = {(r["headcount"], r["involvement"]): r["sustained"] for r in swept.records}
    assert [held[(h, 0.0)] for h in SIZES] == [True, True, True, False, False]  # collapse between 59 and 60
    assert [held[(h, 2.0)] for h in SIZES] == [True, True, True, True, False]  # the remedy: up to 98.7


def test_chunks_and_processes_do_not_change_the_columns(org: inc.Organization) -> None:
    points = {"headcount": [5.0, 40.0, 59.0, 60.0, 61.0, 90.0, 200.0]}
    one_chunk = sweep(org, points, method="pure", repeated=True, progress=False, workers=1)
    with ProcessPoolExecutor(max_workers=2) as pool:
        chunked = sweep(org, points, method="pure", repeated=True, progress=False, executor=pool, chunk_size=2)
    assert chunked.to_records() == one_chunk.to_records()


def test_given_rates_and_target(org: inc.Organization) -> None:
    columns = RepeatedColumns(
        discount=0.9, monitoring={"sales": "1 / (1 + headcount / 20)"}, target={"sales": "consultative",
        "support": "thorough", "development": "robust"},
    )  # fmt: skip
    result = sweep(org, {"headcount": [20.0, 180.0]}, method="pure", repeated=columns, progress=False)
    first, second = result.records
    assert first["discount"] == second["discount"] == 0.9
    assert first["monitoring.sales"] == 0.5 and first["monitoring.support"] == 1.0
    # sales: g = 23/25, L = 19/25; at p = 1/10 it needs 23 / (23 + 1.9) = 0.924 > 0.9
    assert second["critical_discount.sales"] == pytest.approx(23 / 24.9) and second["sustained"] is False
    assert result.repeated == {
        "discount": 0.9,
        "monitoring": {"sales": "1 / (1 + headcount / 20)"},
        "target": "sales=consultative, support=thorough, development=robust",
        "equilibria": "pure",
    }


def test_without_a_discount_factor_only_critical_values(org: inc.Organization) -> None:
    bare = org.with_parameters({})
    from dataclasses import replace

    no_discount = replace(bare, repeated=None)
    result = sweep(no_discount, {"headcount": [20.0]}, method="pure", repeated=True, progress=False)
    record = result.records[0]
    assert record["discount"] is None and record["sustained"] is None and record["smallest_monitoring"] is None
    assert record["critical_discount_reversion"] == pytest.approx(23 / 42)  # perfect monitoring: 23 / (23 + 19)
    assert result.repeated is not None and result.repeated["discount"] is None


def test_a_quantity_named_like_a_column_is_refused(org: inc.Organization) -> None:
    data = org.to_dict()
    data["parameters"]["discount"] = 0.9
    renamed = inc.Organization.from_dict(data)
    with pytest.raises(SweepError, match="'discount' has the name of a column of repeated play"):
        sweep(renamed, {"discount": [0.8]}, repeated=True, progress=False)
    assert set(REPEATED_COLUMNS) <= set(sweep(org, {"headcount": [10.0]}, method="pure", repeated=True,
                                              progress=False).records[0])  # fmt: skip


def test_rates_out_of_range_at_some_point_stop_the_sweep_naming_it(org: inc.Organization) -> None:
    with pytest.raises(inc.RepeatedError, match="The 'discount' parameter must be in"):
        sweep(org, {"headcount": [10.0]}, repeated=RepeatedColumns(discount="headcount / 5"), progress=False)
    late = RepeatedColumns(discount="headcount / 20")  # fine at 1 and 10, 2 at 40: the chunk [40] fails
    with pytest.raises(SweepError, match=r"repeated play at the points headcount=40 failed: .* Got 2\.0 instead"):
        sweep(org, {"headcount": [1.0, 10.0, 40.0]}, repeated=late, progress=False, workers=1, chunk_size=2)
    with pytest.raises(SweepError, match=r"at the points headcount=10 \.\. headcount=40 failed"):
        sweep(org, {"headcount": [10.0, 40.0]}, repeated=late, progress=False, workers=1, chunk_size=2)


def test_the_report_says_where_the_target_is_sustained(org: inc.Organization) -> None:
    result = sweep(org, {"headcount": [50.0, 59.0, 60.0, 70.0]}, method="pure", repeated=True, progress=False)
    text = " ".join(render(result, "text").split())
    assert "The target is sustained at 2 of 4 points." in text
    assert "Between headcount = 59 and 60 the target stops being sustained." in text
    assert "reversion is to pure stage equilibria only" in text
    validate(json.loads(render(result, "json")))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["sweep", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_command_line_adds_the_columns_to_the_table_and_the_picture(tmp_path: Path) -> None:
    table, picture = tmp_path / "points.csv", tmp_path / "delta.png"
    args = [FLAGSHIP, "-p", "headcount=40:80:5", "--repeated", "--no-progress", "--table", str(table)]
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    validate(doc)
    assert doc["repeated"]["discount"] == "quarterly_discount/(headcount/regroup_scale + 1)"
    assert [p["sustained"] for p in doc["points"]] == [True, True, False, False, False]  # 40, 50, 60, 70, 80
    with table.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["sustained"] for r in rows] == ["True", "True", "False", "False", "False"]
    assert {"critical_discount_reversion", "binding_department", "critical_discount.sales"} <= set(rows[0])
    pytest.importorskip("matplotlib")
    code, _, err = run(*args, "--plot", str(picture))
    assert code == 0 and picture.read_bytes()[:4] == b"\x89PNG"


def test_rates_on_the_command_line_imply_repeated_play() -> None:
    code, out, err = run(FLAGSHIP, "-p", "headcount=20:20:1", "--discount", "0.5", "--monitoring", "sales=1",
                         "--no-progress", "--format", "json")  # fmt: skip
    assert code == 0, err
    point = json.loads(out)["points"][0]
    assert point["discount"] == 0.5 and point["monitoring.sales"] == 1.0 and point["monitoring.support"] == 1.0
    code, _, err = run(FLAGSHIP, "-p", "headcount=20:20:1", "--discount", "1.2", "--no-progress")
    assert code == 2 and "'1.2' must be in [0, 1)" in err


def test_the_relational_contract_columns_against_the_levin_condition_by_hand(org: inc.Organization) -> None:
    # At 40 people: delta = 0.95 / 1.1 = 19/22, p = 1/3 for everyone. Joint surplus (company value less
    # support's 0.2 for thorough work) 409.08 at the optimum and 40 at local gaming; the gains are
    # 0.92 (sales), 0 (support) and 1.52 (development), so the bonuses needed are 3 x (0.92 + 1.52) = 7.32
    # and the credible budget is delta / (1 - delta) x (409.08 - 40) = 19/3 x 369.08.
    record = sweep(org, {"headcount": [40.0]}, method="pure", repeated=True, progress=False).records[0]
    assert record["credible_bonus"] == pytest.approx(19 / 3 * 369.08, rel=1e-12)
    assert record["bonus_needed"] == pytest.approx(7.32, rel=1e-12)
    assert record["contract_holds"] is True
    # with a discount factor so small that the budget falls short: 7.32 <= d / (1 - d) x 369.08 iff d >= 0.0194...
    low = sweep(org, {"headcount": [40.0]}, method="pure", repeated=RepeatedColumns(discount=0.019), progress=False)
    assert low.records[0]["contract_holds"] is False
    high = sweep(org, {"headcount": [40.0]}, method="pure", repeated=RepeatedColumns(discount=0.0195), progress=False)
    assert high.records[0]["contract_holds"] is True
    assert "A relational contract" in render(low, "text") and "holds the target at 0 of 1 point." in render(low, "text")
