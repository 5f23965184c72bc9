"""The batched path of a sweep gives exactly the records of solving each point on its own, wherever it runs."""

from __future__ import annotations

import math
import multiprocessing
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import incentives as inc
from incentives.build import compile_model
from incentives.solvers.dominance import eliminate_dominated
from incentives.tolerance import RTOL
from incentives.whatif import _parallel, close_workers, grid, point_record, runner, sweep
from incentives.whatif._batch import SAFETY, batched_columns, dominance_solutions
from incentives.whatif._coded import as_list
from incentives.whatif.points import SweepPoints

# An inspection game (the worker shirks unless inspected, the auditor inspects only a shirker) with a
# third department that has a dominant action.  The grid crosses the lines where it is dominance
# solvable, where ties make it degenerate, and where its only equilibria are mixed.
INSPECTION = """
name: Inspection
parameters: {inspect_cost: 1}
departments:
  worker: {actions: {work: {effort: 1}, shirk: {effort: 0}}}
  audit: {actions: {inspect: {checks: 1}, trust: {checks: 0}}}
  facilities: {actions: {tidy: {mess: 0}, messy: {mess: 1}}}
kpis:
  caught: (1 - worker.effort) * audit.checks
  checks_done: audit.checks
  tidiness: 1 - facilities.mess
company_value: 4 * worker.effort - inspect_cost * audit.checks - facilities.mess
bonus:
  worker: {caught: -1}
  audit: {caught: 3, checks_done: -1}
  facilities: {tidiness: 1}
costs: {worker: {work: 1}}
"""

INSPECTION_GRID = {"bonus.worker.caught": np.linspace(-3, 0, 13), "bonus.audit.checks_done": np.linspace(-4, 1, 21)}

# The bundled company at its critical values (ties) and around them.
COMPANY_GRID = {
    "customers_per_deal": sorted({*np.linspace(0, 600, 13).tolist(), 1000 / 21, 3125 / 42, 625 / 3, 100.0}),
    "bonus.support.reopened_tickets": sorted({*np.linspace(-0.5, 0.2, 8).tolist(), -29 / 168, 0.0}),
}

TWO_DEPARTMENTS = """
name: Two departments
parameters: {support_weight: 1, effort: 1}
departments:
  sales: {actions: {careful: {deals: 2}, pushy: {deals: 4}}}
  support: {actions: {thorough: {closed_per_hour: 1.5}, fast: {closed_per_hour: 3}}}
kpis: {deals_signed: sales.deals, tickets_closed_per_hour: support.closed_per_hour}
company_value: 3 * sales.deals - sales.deals * (support.closed_per_hour - 1.5)
bonus: {sales: {deals_signed: 1}, support: {tickets_closed_per_hour: support_weight}}
costs: {support: {fast: effort}}
"""

TWO_GRID = {"support_weight": np.linspace(0, 2, 9), "effort": np.linspace(0, 2, 9)}


def _model(name: str) -> inc.Organization:
    if name == "company":
        return inc.load_model("examples/growing_company.yaml")
    return inc.loads_model(INSPECTION if name == "inspection" else TWO_DEPARTMENTS)


GRIDS = {"company": COMPANY_GRID, "inspection": INSPECTION_GRID, "two": TWO_GRID}


def per_point_records(org: inc.Organization, points: SweepPoints, method: str) -> list[dict[str, Any]]:
    """Each point solved on its own with ``point_record``, the per-point path, and its quantities in front."""
    batch = compile_model(org, points.names).evaluate(points.values)
    records = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", inc.IncompleteSearchWarning)
        warnings.simplefilter("ignore", inc.DegenerateGameWarning)
        for k, row in enumerate(points.rows()):
            records.append({**row, **point_record(batch.point(k), method=method)})
    return records


@pytest.mark.parametrize("method", ["all", "pure"])
@pytest.mark.parametrize("name", ["company", "inspection", "two"])
def test_batched_records_equal_per_point_records(name: str, method: str) -> None:
    org, points = _model(name), grid(GRIDS[name])
    batch = compile_model(org, points.names).evaluate(points.values)
    solved, _ = batched_columns(batch, method)
    assert 0 < len(solved) < len(points)  # both paths run (the ties go to the solver)
    result = sweep(org, points, method=method, workers=1, chunk_size=50, progress=False)
    expected = per_point_records(org, points, method)
    assert list(result.records) == expected  # the same values, exactly
    assert all(list(r) == list(e) for r, e in zip(result.records, expected, strict=True))  # in the same order
    if name == "inspection" and method == "all":
        assert any("+" in r["equilibria"] for r in result.records)  # mixed equilibria are among them


def test_a_chunk_with_points_solved_alone_keeps_the_batched_kinds_of_column() -> None:
    # The company at a tie (solved alone: two equilibria) among points the batched path solves: the chunk's
    # columns are the kinds the batched path makes (they join other chunks' and travel as buffers), in point order.
    org = _model("company")
    points = grid(
        {"customers_per_deal": [10, 100, 1000 / 21, 300], "bonus.support.reopened_tickets": [-0.5, -29 / 168]}
    )
    batch = compile_model(org, points.names).evaluate(points.values)
    solved, batched = batched_columns(batch, "all")
    assert 0 < len(solved) < len(points)
    keys, columns = runner.evaluate_chunk("", compile_model(org, points.names), points.values, "all", 60.0)
    table = dict(zip(keys, columns, strict=True))
    for key, column in batched.items():
        assert type(table[key]) is type(column), key
    assert [
        dict(zip(keys, row, strict=True)) for row in zip(*(as_list(c) for c in columns), strict=True)
    ] == per_point_records(org, points, "all")


def test_batched_records_of_other_methods_are_left_to_the_solver() -> None:
    org, points = _model("company"), grid({"customers_per_deal": [10, 100]})
    batch = compile_model(org, points.names).evaluate(points.values)
    assert len(batched_columns(batch, "logit")[0]) == 0
    result = sweep(org, points, method="support-enumeration-n", progress=False)
    assert list(result.records) == per_point_records(org, points, "support-enumeration-n")


@settings(max_examples=150, deadline=None)
@given(
    shape=st.lists(st.integers(1, 3), min_size=1, max_size=4),
    data=st.data(),
)
def test_dominance_solutions_match_iterated_elimination(shape: list[int], data: st.DataObject) -> None:
    payoffs = data.draw(arrays(np.int64, (3, len(shape), *shape), elements=st.integers(-3, 3))).astype(float)
    scale = np.maximum(1.0, np.abs(payoffs).reshape(3, -1).max(axis=1))
    found = dominance_solutions(payoffs, SAFETY * RTOL * scale)
    for k in range(3):
        game = inc.Game.from_payoffs(payoffs[k])
        left = eliminate_dominated(game, mixed=False, tol=SAFETY * RTOL).surviving
        expected = [keep[0] for keep in left] if all(len(keep) == 1 for keep in left) else [-1] * len(shape)
        assert found[k].tolist() == expected


def eliminate_one_game(payoffs: np.ndarray, threshold: float) -> list[int]:
    """Iterated elimination on one game, the plain way: in each round every department at once drops each
    action that another action it has left beats by more than ``threshold`` at every profile of the others'
    actions left; the profile left, or -1s where some department keeps more (or, below a negative threshold,
    fewer) than one action."""
    n_players = payoffs.shape[0]
    left = [list(range(n)) for n in payoffs.shape[1:]]
    while True:
        removed = [_beaten(payoffs[i][np.ix_(*left)], i, left[i], threshold) for i in range(n_players)]
        if not any(removed):
            break
        left = [[a for a in own if a not in out] for own, out in zip(left, removed, strict=True)]
    return [own[0] for own in left] if all(len(own) == 1 for own in left) else [-1] * n_players


def _beaten(payoff: np.ndarray, i: int, own: list[int], threshold: float) -> set[int]:
    """The actions of ``own`` another one beats by more than ``threshold`` everywhere in ``payoff`` (the game left)."""
    at = {a: np.take(payoff, k, axis=i) for k, a in enumerate(own)}
    return {a for a in own for b in own if b != a and bool(np.all(at[b] - at[a] > threshold))}


def _random_batch(
    rng: np.random.Generator, count: int, shape: tuple[int, ...] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``count`` games of one shape (random if not given), mostly with ties, and thresholds often on a margin."""
    if shape is None:
        shape = tuple(rng.integers(1, 6, rng.integers(1, 6)).tolist())
        while math.prod(shape) > 256:
            shape = tuple(max(1, n - 1) for n in shape)
    size = (count, len(shape), *shape)
    scale = 10.0 ** rng.integers(-12, 13, (count, 1, *[1] * len(shape)))
    kind = rng.integers(4)
    if kind == 0:  # small integers: ties everywhere, and margins of 0, 1, 2 ...
        payoffs = rng.integers(-2, 3, size).astype(float)
    elif kind == 1:  # integers times a power of ten: ties at any scale
        payoffs = rng.integers(-3, 4, size) * scale
    elif kind == 2:  # distinct floats at any scale
        payoffs = rng.normal(size=size) * scale
    else:  # a bonus for each own action outweighing small integers: mostly dominance solvable, with ties
        payoffs = rng.integers(-1, 2, size).astype(float)
        for i, n in enumerate(shape):
            bonus = 2.0 * rng.integers(0, 3, (count, n))
            payoffs[:, i] += bonus.reshape(count, *(n if j == i else 1 for j in range(len(shape))))
    own = payoffs[:, 0].reshape(
        count, math.prod(shape)
    )  # a gap between two of department 0's payoffs is often a margin
    pick = rng.integers(own.shape[1], size=(2, count))
    on_margin = np.abs(own[np.arange(count), pick[0]] - own[np.arange(count), pick[1]])
    threshold = np.where(rng.random(count) < 0.5, on_margin, rng.choice([0.0, 1e-9, -1.0], count))
    return payoffs, threshold


def test_dominance_solutions_equal_a_plain_elimination_on_each_game() -> None:
    rng = np.random.default_rng(20261205)
    checked = {"solved": 0, "left open": 0}
    batches = [_random_batch(rng, 1500, (2, 2, 2, 2)), _random_batch(rng, 1500, (3, 2, 4))]
    batches += [_random_batch(rng, count) for count in [0, 1, *rng.integers(1, 80, 80).tolist()]]
    for payoffs, threshold in batches:
        count = len(payoffs)
        found = dominance_solutions(payoffs, threshold)
        assert found.shape == (count, payoffs.shape[1]) and found.dtype == np.intp
        for k in range(count):
            expected = eliminate_one_game(payoffs[k], float(threshold[k]))
            assert found[k].tolist() == expected, (payoffs[k].tolist(), threshold[k])
            checked["solved" if expected[0] >= 0 else "left open"] += 1
    assert min(checked.values()) > 500  # both outcomes are well represented


def test_two_local_processes_equal_one() -> None:
    org, points = _model("inspection"), grid(INSPECTION_GRID)
    assert len(points) >= 200  # large enough to run on worker processes
    one = sweep(org, points, workers=1, progress=False)
    two = sweep(org, points, workers=2, chunk_size=16, progress=False)
    assert two.ran_on == "2 local processes" and one.ran_on == "this process"
    assert two.records == one.records
    kept = [pool for _, pool in _parallel._POOL]
    assert len(kept) == 1  # the worker process stays for the next sweep ...
    again = sweep(org, points, workers=2, chunk_size=16, progress=False)
    assert [pool for _, pool in _parallel._POOL] == kept and again.records == one.records
    close_workers()  # ... until it is ended
    assert _parallel._POOL == []
    assert sweep(org, points, workers=2, progress=False).records == one.records


def test_a_failing_point_on_local_processes_names_itself() -> None:
    org = inc.load_model("examples/growing_company.yaml")
    values = [*np.linspace(1, 5, 299).tolist(), 0.0]  # resolution hours divide by the support agents
    with pytest.raises(inc.SweepError, match=r"support_agents=0"):
        sweep(org, {"support_agents": values}, workers=2, chunk_size=20, progress=False)


def test_with_the_default_workers_the_timed_estimate_decides_where_the_sweep_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first points are timed, and the sweep stays in this process when the whole of it would take less
    # than the limit there.  The limit is set here at both extremes, so the test does not depend on how busy
    # the machine is; the records are the same either way.
    from incentives.whatif import runner

    org = inc.load_model("examples/growing_company.yaml")
    axes = {
        "customers_per_deal": np.linspace(0, 600, 50).tolist(),
        "bonus.support.reopened_tickets": np.linspace(-0.5, 0, 50).tolist(),
    }
    monkeypatch.setattr(runner, "_cpu_count", lambda: 2)
    monkeypatch.setattr(runner, "_serial_limit", lambda processes: 1e9)
    quick = inc.sweep(org, axes)
    monkeypatch.setattr(runner, "_serial_limit", lambda processes: 0.0)
    slow = inc.sweep(org, axes)
    close_workers()
    assert quick.ran_on == "this process" and slow.ran_on == "2 local processes"
    assert quick.records == slow.records == inc.sweep(org, axes, workers=1).records


def test_the_limit_for_staying_in_this_process_is_short_where_workers_run_or_start_by_fork(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from incentives.whatif import runner

    close_workers()
    monkeypatch.setattr(multiprocessing, "get_start_method", lambda allow_none=False: "spawn")
    assert runner._serial_limit(2) == runner.SERIAL_SECONDS == 1.0
    monkeypatch.setattr(multiprocessing, "get_start_method", lambda allow_none=False: "fork")
    assert runner._serial_limit(2) == runner.FORK_SERIAL_SECONDS < runner.SERIAL_SECONDS
    org = inc.load_model("examples/growing_company.yaml")
    sweep(org, {"customers_per_deal": np.linspace(10, 600, 300).tolist()}, workers=2, progress=False)
    assert runner._serial_limit(2) == runner.KEPT_SERIAL_SECONDS < runner.FORK_SERIAL_SECONDS  # kept workers
    assert runner._serial_limit(3) == runner.FORK_SERIAL_SECONDS  # another number of workers: started anew
    close_workers()
    assert runner._serial_limit(2) == runner.FORK_SERIAL_SECONDS


def test_the_probe_separates_a_chunks_cost_from_a_points_and_stops_early_on_slow_points(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each chunk timed as 1 ms plus a cost per point: the probe's estimate of the rest is that cost exactly.
    from incentives.build import CompiledModel
    from incentives.whatif import runner

    per_point = {"value": 2e-6, "once": 0.0}
    timed: list[int] = []

    def fake(compiled: CompiledModel, options: tuple[Any, ...], values: np.ndarray) -> tuple[float, Any]:
        timed.append(len(values))
        once, per_point["once"] = per_point["once"], 0.0  # a one-time cost, paid by the first chunk
        return once + 1e-3 + per_point["value"] * len(values), (("x",), [values[:, 0].copy()])

    monkeypatch.setattr(runner, "_timed", fake)
    monkeypatch.setattr(runner, "_serial_limit", lambda processes: 0.05)
    values = np.arange(20_000, dtype=float).reshape(-1, 1)
    compiled: Any = None

    def probe(count: int, cost: float) -> Any:
        timed.clear()
        per_point["value"] = cost
        return runner._probed(compiled, (), values[:count], 2, None, 10**6)

    # after 1,040 points, 18,960 are left, in 5 chunks: 2 us a point and 1 ms a chunk make 0.043 s, here ...
    assert probe(20_000, 2e-6)[2] and timed == [16, 1024]
    probed, tables, serial, pace = probe(20_000, 3e-6)  # ... 3 us a point 0.062 s, over the limit: to the workers
    assert not serial and timed == [16, 1024] and len(set(probed.tolist())) == 1040
    assert pace == pytest.approx((1e-3 + 3e-6 * 1024) / 1024)  # the last probe's seconds a point
    assert [t[1][0].tolist() for t in tables] == [probed[:16].tolist(), probed[16:].tolist()]  # each row its point
    probed, tables, serial, pace = probe(20_000, 1e-2)  # 16 points take 0.161 s, over the limit, and 16 others too:
    assert not serial and timed == [16, 16] and len(set(probed.tolist())) == 32  # no large probe
    assert pace == pytest.approx((1e-3 + 1e-2 * 16) / 16)
    assert not probe(20_000, 1e-4)[2] and timed == [16, 16]  # 2.6 ms, 3.2 s scaled up: over 40 times the limit
    per_point["once"] = 0.4  # the first 16 points pay a solver's first import: 16 others are quick
    assert probe(20_000, 2e-6)[2] and timed == [16, 16, 1024]
    values = np.arange(100_000, dtype=float).reshape(-1, 1)
    assert not probe(100_000, 2e-6)[2] and timed == [16, 16]  # a large sweep: 1.03 ms, 6.4 s scaled up
    assert sorted(probe(600, 2e-6)[0].tolist()) == list(range(600)) and timed == [16, 584]  # a small one: all here
    # 16 points that take 17 ms: their time is their own; 16 others say the 568 left take 0.6 s, over the limit
    assert not probe(600, 1e-3)[2] and timed == [16, 16]
    assert probe(100, 6e-4)[2] and timed == [16, 16]  # 10.6 ms for 16, so 68 points left take 45 ms: here


def test_with_the_default_workers_every_point_runs_once_in_this_process_when_it_stays_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from incentives.whatif import runner

    org = inc.load_model("examples/growing_company.yaml")
    points = grid(COMPANY_GRID | {"customers_per_deal": np.linspace(0, 600, 150).tolist()})
    seen: list[float] = []
    real = runner.evaluate_chunk

    def counted(key: str, model: Any, chunk: np.ndarray, *options: Any) -> Any:
        seen.extend(chunk[:, 0].tolist())
        return real(key, model, chunk, *options)

    monkeypatch.setattr(runner, "evaluate_chunk", counted)
    monkeypatch.setattr(runner, "_cpu_count", lambda: 2)
    monkeypatch.setattr(runner, "_serial_limit", lambda processes: 1e9)
    result = sweep(org, points, progress=False)
    assert result.ran_on == "this process" and sorted(seen) == sorted(points.values[:, 0].tolist())
    monkeypatch.setattr(runner, "evaluate_chunk", real)
    assert list(result.records) == list(sweep(org, points, workers=1, progress=False).records)


def test_a_weight_that_overflows_at_some_points_is_refused_naming_the_weight_and_the_point() -> None:
    # fuzz seed 7, file 00122: a bonus weight p**p**p is finite at p = 0 and overflows at p = 5; the check of a
    # per-point value once tried to lay it over the profiles (a traceback)
    from incentives.readwrite.model_file import loads_model

    org = loads_model(
        "name: t\nparameters: {p: 2}\n"
        "departments:\n  a: {actions: {x: {v: 1}, y: {v: 2}}}\n  b: {actions: {x: {w: 1}, y: {w: 3}}}\n"
        "kpis:\n  k: a.v + b.w\ncompany_value: k\nbonus: {a: {k: p**p**p}, b: {k: 1}}\n",
        source="t.yaml",
    )
    with pytest.raises(
        inc.SweepError, match=r"bonus\.a\.k: the formula 'p\*\*\(p\*\*p\)' is not a finite number .* p=5"
    ):
        sweep(org, {"p": [0.0, 5.0, 10.0]}, workers=1, progress=False)
