"""Sweeps agree with solving each point on its own, run in parallel, and never leave half-written files."""

from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

import incentives as inc
import incentives.whatif.runner as runner
from incentives.cli import main
from incentives.game import SizeBudget
from incentives.whatif import compile_model, grid, latin_hypercube, sweep, with_values
from incentives.whatif._batch import dominance_solutions
from incentives.whatif._coded import as_list
from incentives.whatif.results import SweepResult

EXAMPLE = "examples/growing_company.yaml"

# grid values chosen away from the critical values (1000/21, 3125/42, 625/3, and r = -29/168 at 100 customers)
POINTS = {"customers_per_deal": [10, 60, 150, 500], "bonus.support.reopened_tickets": [-0.4, -0.1, 0.2]}


@pytest.fixture(scope="module")
def company() -> inc.Organization:
    return inc.load_model(EXAMPLE)


@pytest.fixture(scope="module")
def result(company: inc.Organization) -> SweepResult:
    return sweep(company, POINTS, progress=False)


def test_sweep_agrees_with_analyze_at_each_point(company: inc.Organization, result: SweepResult) -> None:
    assert len(result) == 12 and result.ran_on == "this process"
    for point, record in zip(result.points.rows(), result.records, strict=True):
        analysis = inc.analyze(with_values(company, point))
        assert record["equilibria"] == " | ".join(e.label for e in analysis.equilibria)
        assert record["company_value_worst"] == pytest.approx(float(analysis.worst.company_value))
        assert record["company_value_optimum"] == pytest.approx(float(analysis.optimum.value))
        assert record["price_of_anarchy"] == pytest.approx(float(analysis.price_of_anarchy))
        assert record["value_range_lost_worst"] == pytest.approx(float(analysis.value_range_lost_worst))
        assert record["gaming_departments"] == ", ".join(analysis.gaming_departments)
        for department in company.department_names:
            assert record[f"games.{department}"] == (department in analysis.gaming_departments)
            expected = analysis.gaming_scores.get(department, 0.0)
            assert record[f"gaming_score.{department}"] == pytest.approx(expected, abs=1e-12)
    # the sweep sees support stop fast-closing under a reopened-ticket penalty, as thresholds say
    assert {r["equilibria"].split(", ")[1] for r in result.records} == {"support=fast_close", "support=thorough"}


def test_compiled_games_equal_built_games(company: inc.Organization) -> None:
    names = ["customers_per_deal", "bonus.support.reopened_tickets", "costs.support.thorough", "ticket_cost"]
    compiled = compile_model(company, names)
    values = np.random.default_rng(7).uniform([1, -1, 0, 0], [500, 1, 2, 5], size=(6, 4))
    batch = compiled.evaluate(values)
    for row, p, v in zip(values, batch.payoffs, batch.company_value, strict=True):
        game = inc.build_game(with_values(company, dict(zip(names, row.tolist(), strict=True))), exact=False)
        np.testing.assert_allclose(p, game.payoffs, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(v, game.company_value, rtol=1e-12, atol=1e-9)


def test_parallel_and_executor_runs_equal_the_serial_run(company: inc.Organization, result: SweepResult) -> None:
    parallel = sweep(company, POINTS, workers=2, chunk_size=3, progress=False, executor=None)
    assert parallel.ran_on == "this process"  # small sweeps stay in this process ...
    runner_min = runner.PARALLEL_MIN_POINTS
    try:
        runner.PARALLEL_MIN_POINTS = 1  # ... unless told otherwise
        parallel = sweep(company, POINTS, workers=2, chunk_size=3, progress=False)
    finally:
        runner.PARALLEL_MIN_POINTS = runner_min
    assert parallel.ran_on == "2 local processes"
    assert parallel.records == result.records
    with ThreadPoolExecutor(2) as pool:
        threaded = sweep(company, POINTS, executor=pool, chunk_size=5, progress=False)
    assert threaded.records == result.records and threaded.ran_on == "ThreadPoolExecutor"


def test_latin_hypercube_is_seeded_and_stratified(company: inc.Organization) -> None:
    ranges = {"customers_per_deal": (10, 510), "bonus.support.reopened_tickets": (-1, 0)}
    a, b = latin_hypercube(ranges, 20, rng=3), latin_hypercube(ranges, 20, rng=3)
    assert np.array_equal(a.values, b.values) and not np.array_equal(a.values, latin_hypercube(ranges, 20).values)
    strata = np.floor((a.values - [10, -1]) / [25, 0.05]).astype(int)  # 20 equal strata per quantity
    assert all(sorted(strata[:, j]) == list(range(20)) for j in range(2))
    sampled = sweep(company, a, progress=False)
    assert sampled.points.design == "latin_hypercube" and len(sampled) == 20


def test_a_failing_point_names_itself() -> None:
    org = inc.Organization.from_dict(
        {
            "parameters": {"agents": 2},
            "departments": {"support": {"actions": {"slow": {"speed": 1}, "fast": {"speed": 2}}}},
            "kpis": {"hours": "support.speed / agents"},
            "company_value": "hours",
            "bonus": {"support": {"hours": 1}},
            "name": "divides",
        }
    )
    with pytest.raises(inc.SweepError, match=r"agents=0"):
        sweep(org, {"agents": [1, 2, 0, 3]}, progress=False, chunk_size=1)
    with pytest.raises(inc.ModelError, match=r"agents=0"):
        sweep(org, {"agents": [0, 1]}, progress=False)  # the first point is checked before anything runs


def test_progress_bar_on_request(company: inc.Organization, capsys: pytest.CaptureFixture[str]) -> None:
    sweep(company, {"customers_per_deal": [10, 20]}, progress=True)
    assert "2/2" in capsys.readouterr().err
    sweep(company, {"customers_per_deal": [10, 20]}, progress=False)
    assert capsys.readouterr().err == ""


def test_table_save_and_read_back(result: SweepResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pd = pytest.importorskip("pandas")
    frame = result.table()
    assert (
        isinstance(frame, pd.DataFrame)
        and list(frame["customers_per_deal"]) == [10.0] * 3 + [60.0] * 3 + [150.0] * 3 + [500.0] * 3
    )
    for suffix in (".csv", ".json", ".parquet"):
        path = result.save(tmp_path / f"table{suffix}")
        if suffix == ".csv":
            back = pd.read_csv(path)
        elif suffix == ".json":
            back = pd.DataFrame.from_records(json.loads(path.read_text()))  # the list of records
        else:
            back = pd.read_parquet(path)
        assert list(back["equilibria"]) == list(frame["equilibria"])
        np.testing.assert_allclose(back["price_of_anarchy"], frame["price_of_anarchy"])
        np.testing.assert_allclose(back["value_range_lost_worst"], frame["value_range_lost_worst"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv", "table.json", "table.parquet"]
    monkeypatch.setitem(sys.modules, "pandas", None)  # without pandas: plain records
    assert result.table() == result.to_records()
    with pytest.raises(ImportError, match="pandas and pyarrow"):
        result.save(tmp_path / "again.parquet")


def test_interrupted_save_leaves_nothing(result: SweepResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def half(self: SweepResult, path: Path) -> None:
        path.write_text("customers_per_deal,equ")
        raise KeyboardInterrupt

    monkeypatch.setattr(SweepResult, "_write_csv", half)
    with pytest.raises(KeyboardInterrupt):
        result.save(tmp_path / "table.csv")
    assert list(tmp_path.iterdir()) == []


def test_cli_sweep_writes_table_and_plot(tmp_path: Path) -> None:
    out, png = tmp_path / "results.csv", tmp_path / "sweep.png"
    args = ["sweep", EXAMPLE, "--param", "customers_per_deal=10:500:8", "--table", str(out), "--plot", str(png)]
    result = CliRunner().invoke(main, [*args, "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "Swept 8 points of customers_per_deal (grid)" in result.stdout
    assert f"wrote {out}" in result.stderr and f"wrote {png}" in result.stderr
    lines = out.read_text().splitlines()
    assert len(lines) == 9 and lines[0].startswith("customers_per_deal,equilibria,")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    result = CliRunner().invoke(
        main, ["sweep", EXAMPLE, "-p", "customers_per_deal=10:500", "-p", "ticket_cost=1:3", "--samples", "6",
               "--seed", "1", "-o", str(tmp_path / "lhs.json")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(json.loads((tmp_path / "lhs.json").read_text())["points"]) == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "customers_per_deal=10:500"], "NAME=START:STOP:NUM"),
        (["-p", "customers_per_deal=10:500:0"], "NUM must be a whole number"),
        (["-p", "customers_per_dea=10:500:3"], "unknown parameter"),
        (["-p", "customers_per_deal=1:2:2", "--table", "x.xlsx"], "expected a file ending in .csv"),
        (["-p", "customers_per_deal=1:2:2", "-o", "x.csv"], "--table for the table of points"),
        (["-p", "customers_per_deal=1:2:2", "--plot", "x.gif"], "a picture is a file ending in .png, .svg, .pdf"),
        (["-p", "a=1:2:2", "-p", "b=1:2:2", "-p", "c=1:2:2", "--plot", "x.png"], "a plot shows 1 or 2 quantities"),
    ],
)
def test_cli_sweep_bad_input(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["sweep", EXAMPLE, *args, "--no-progress"])
    assert result.exit_code != 0 and message in result.output


def test_interrupted_cli_sweep_leaves_no_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    evaluate = runner.evaluate_chunk

    def interrupted(*args: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C part-way through the sweep
        return evaluate(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "evaluate_chunk", interrupted)
    out = tmp_path / "results.csv"
    args = ["sweep", EXAMPLE, "-p", "customers_per_deal=10:500:2500", "--workers", "1", "--table", str(out)]
    args += ["--plot", str(tmp_path / "p.png"), "-o", str(tmp_path / "report.md")]
    result = CliRunner().invoke(main, [*args, "--no-progress"])
    assert result.exit_code != 0 and len(calls) == 2
    assert list(tmp_path.iterdir()) == []
    # a point that fails part-way: an error, and no file either
    monkeypatch.setattr(runner, "evaluate_chunk", evaluate)
    result = CliRunner().invoke(main, ["sweep", EXAMPLE, "-p", "support_agents=2:-2:5", "--table", str(out)])
    assert result.exit_code == 1 and "support_agents=0" in result.stderr  # resolution hours divide by it
    assert list(tmp_path.iterdir()) == []


def test_an_executor_task_runs_its_points_in_chunks_the_budget_allows(
    company: inc.Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A task larger than a chunk is cut into chunks no larger than the budget's (and MAX_CHUNK); same records."""
    names = ["customers_per_deal", "bonus.support.reopened_tickets"]
    values = grid({names[0]: np.linspace(10, 600, 30), names[1]: np.linspace(-0.5, 0, 30)}).values
    tight = compile_model(company, names, budget=SizeBudget(max_bytes=100_000))
    assert 1 < tight.points_per_batch() < 900 // 3
    sizes: list[int] = []
    real = runner.evaluate_chunk

    def counted(key: str, model: Any, chunk: np.ndarray, *options: Any) -> Any:
        sizes.append(len(chunk))
        return real(key, model, chunk, *options)

    monkeypatch.setattr(runner, "evaluate_chunk", counted)
    keys, columns = runner.executor_task("", tight, values, "all", 60.0)
    assert sum(sizes) == 900 and max(sizes) <= tight.points_per_batch() and max(sizes) - min(sizes) <= 1
    monkeypatch.setattr(runner, "evaluate_chunk", real)
    whole = runner.evaluate_chunk("", compile_model(company, names), values, "all", 60.0)
    assert keys == whole[0]
    assert [as_list(c) for c in columns] == [as_list(c) for c in whole[1]]


def test_points_leave_this_process_mixed_so_a_slow_region_of_the_grid_is_shared() -> None:
    """Below a first-time-fix weight of about 5 the games of ``keeping_close.yaml`` are not dominance solvable
    (milliseconds a point), above 10 they are (a tenth of that): each task of an executor holds points of both
    regions, not a half of the grid each, and every way of running the sweep gives the records of one process."""
    org = inc.load_model("examples/keeping_close.yaml")
    points = grid({"bonus.support.first_time_fix": np.linspace(0.5, 20, 240)})
    payoffs = compile_model(org, points.names).evaluate(points.values).payoffs
    solved = dominance_solutions(np.asarray(payoffs), np.zeros(len(points)))[:, 0] >= 0
    weights = points.values[:, 0]
    assert not solved[weights < 5].any() and solved[weights > 10].all()  # the two regions
    tasks: list[np.ndarray] = []

    class Recording(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            tasks.append(np.array(args[2][:, 0]))  # executor_task(key, model, values, *options)
            return super().submit(fn, *args, **kwargs)

    one = sweep(org, points, workers=1, progress=False)
    with Recording(2) as pool:
        on_executor = sweep(org, points, executor=pool, progress=False)
    assert len(tasks) == 2 and sum(len(values) for values in tasks) == 240
    for values in tasks:
        assert (values < 5).sum() > 20 and (values > 15).sum() > 20
    local = sweep(org, points, workers=2, progress=False)
    assert local.ran_on == "2 local processes"
    default = sweep(org, points, progress=False)
    assert on_executor.records == one.records and local.records == one.records and default.records == one.records


def test_which_sweeps_mix_their_points() -> None:
    with ThreadPoolExecutor(1) as pool:
        assert runner._mixed(pool, None, None) and runner._mixed(None, 2, None)  # nothing measured the pace
    slow, quick = 1e-3, 2e-6  # seconds a point: 1,024 points take about 1 s and 2 ms
    assert runner._mixed(None, None, slow) and not runner._mixed(None, None, quick)
