"""Points per second of a parameter sweep: ``incentives.sweep`` against the same sweep written by hand.

Run from the repository root:

    python benchmarks/sweep_benchmark.py            # 3,240-point grids (under a minute)
    python benchmarks/sweep_benchmark.py --quick    # 210-point grids, in seconds
    python benchmarks/sweep_benchmark.py --scaling  # 1 process, 2 local processes, Dask (10,000 points)
    python benchmarks/sweep_benchmark.py --scaling --method support-enumeration-n --repeats 3  # each point solved
    python benchmarks/sweep_benchmark.py --scaling --regions --repeats 5  # a slow region and a quick one

Sweep A, the bundled example (examples/growing_company.yaml, four departments with two actions
each): a grid over customers_per_deal (10..600) and support's weight on reopened tickets (-0.5..0).
At each point every contender reports the pure equilibria, the company value at the worst and best
equilibrium, the company optimum, the share of the value range lost and, for each department, whether it games
and its gaming score.

* ``incentives.sweep``: the model compiled once (sympy.lambdify), payoffs of a chunk of points filled
  in one vectorised call; where the game is dominance solvable, the records of the whole chunk come
  from array operations over the batch, elsewhere from ``incentives.solve(game, "all")`` with its
  independent regret check and the gaming analysis of ``incentives.analyze`` (the two give the same
  record at a point); with the default workers (which may keep the sweep in this process: the
  row says where it ran), run with the workers of the sweep before kept and with none kept, and
  on one process, ``workers=1``.
* ``analyze per point``: ``inc.analyze(with_values(org, point))``, the model rebuilt from its
  formulas at every point (what a user would write without sweeps), on a subset of the points.
* ``hand-written numpy + enumeration``: the nashpy-style baseline.  The model's formulas are
  transcribed by hand into numpy (each decision variable an array broadcast along its
  department's axis), the payoff arrays are built per point, and since nashpy solves two-player
  games only, the pure equilibria of the four-player game are found by enumeration by hand (a
  Python loop over the 16 profiles, each checked against every unilateral deviation); worst, best,
  optimum, share of the value range lost and gaming are then computed with the same definitions.  No regret
  check, no departure drivers: it does less per point than ours.

Scaling (``--scaling``): the sweep A grid at 100 x 100 = 10,000 points, run by ``incentives.sweep``
with ``workers=1``, with ``workers=2`` (this process and one worker process), on a Dask
LocalCluster of two single-threaded worker processes and on one of one (each started for its
run and closed after it, one cluster at a time; a first sweep warms its workers, and the 2-worker
cluster's is reported apart; the kept local workers are started again after the contender that
starts its own, and warmed by three sweeps, ``WARM_SWEEPS``), on a 2-worker cluster
started without the ``MALLOC_TRIM_THRESHOLD_=65536`` Dask's nanny gives its workers (which made
our array work in them about 1.6 times slower until a sweep's tasks raised glibc's thresholds
while they run), and by two processes started beforehand that each sweep half of
the points in one process and send its records back (the split a user would write by hand with a
process pool), interleaved: each repetition runs every contender once, in an
order rotated from one repetition to the next.  The Dask clusters run in a second round, after
the local contenders, with the one-process sweep run again among them as their reference (idle
Dask processes take CPU time of their own, so no other cluster runs beside the one measured).
Wall time gives points/s; CPU time (this
process plus every worker process: the pool's reaped children, the Dask workers' process time)
gives points per CPU-second, which load on a shared machine distorts far less.  Each figure is
the median over the repetitions with the lowest and highest; "x 1 process" is the median of the
ratios of wall times within a repetition.  The 1-minute load average is sampled before every run.
Last, a task that does nothing times a 2-worker cluster's round trip (submit to result), after a
short pause and back to back.  ``--method`` runs the same contenders with another solver method:
``support-enumeration-n``, for instance, solves every point on its own (one to three ms a
point), as every sweep did before the batched path.  ``--regions`` runs them on another sweep:
30 x ``--side`` points of examples/keeping_close.yaml over support's weight on first-time fixes
(0.5 to 20), where the games below about 5 are not dominance solvable (milliseconds a point) and
those above 10 are (a tenth of that): the slow points lie together at one end of the grid, as
where a sweep crosses from one regime to another.

Every contender of sweeps A and B runs ``--repeats`` times (default 7), interleaved: each
repetition runs every contender once, in an order rotated from one repetition to the next.  Each
figure is the median over the repetitions with the lowest and highest; "x one process" is the
median of the ratios of wall times to ``workers=1`` within a repetition; the 1-minute load
average is sampled before every run.

Sweep B, two departments (the hand-checked model of tests/whatif/test_thresholds.py): a grid over
support's bonus weight and its effort cost.  ``incentives.sweep`` (method "all": every extreme
equilibrium, verified) against the same grid built with numpy and solved with
``nashpy.Game(A, B).support_enumeration()`` at each point, reporting the equilibria, company value
at the worst and best one, and the share of the value range lost.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import importlib.util
import itertools
import multiprocessing
import os
import platform
import resource
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import incentives as inc
from incentives.whatif import _parallel, grid, sweep, with_values
from incentives.whatif.points import SweepPoints
from incentives.whatif.results import SweepRecords

EXAMPLE = "examples/growing_company.yaml"

#: The sweep of ``--scaling --regions``: games that are not dominance solvable below a first-time-fix weight of
#: about 5 (milliseconds a point), and that are above 10 (a tenth of that), so the slow points lie together.
REGIONS_EXAMPLE = "examples/keeping_close.yaml"
REGIONS_AXIS = "bonus.support.first_time_fix"

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

ACTIONS = (
    ("sales", ("consultative", "aggressive")),
    ("support", ("thorough", "fast_close")),
    ("development", ("robust", "rushed")),
    ("operations", ("continuous_delivery", "change_freeze")),
)


# -- the hand-written baseline of sweep A ---------------------------------------------------------------


def _axis(values: list[float], axis: int) -> np.ndarray:
    shape = [1, 1, 1, 1]
    shape[axis] = len(values)
    return np.array(values, dtype=float).reshape(shape)


DEALS, FIT, PROMISES = _axis([4, 7], 0), _axis([0.9, 0.5], 0), _axis([0, 2], 0)
CLOSED, FIX = _axis([2, 3], 1), _axis([0.9, 0.5], 1)
FEATURES, QUALITY = _axis([4, 6], 2), _axis([0.9, 0.5], 2)
RELEASE, RISK = _axis([1, 0.4], 3), _axis([1, 0.5], 3)


def company_game(customers_per_deal: float, reopened_weight: float) -> tuple[np.ndarray, np.ndarray]:
    """Payoffs (4, 2, 2, 2, 2) and company value (2, 2, 2, 2) of the bundled example, transcribed by hand."""
    new_customers = customers_per_deal * DEALS
    tickets = new_customers * (1.5 - FIT) * (1.5 - QUALITY) / 10
    resolution_hours = tickets / (5 * CLOSED)
    reopened = tickets * (1 - FIX)
    roadmap = (FEATURES - PROMISES) * RELEASE
    incidents = FEATURES * RELEASE * (1.5 - QUALITY) * RISK * new_customers / 500
    value = new_customers * FIT + 40 * roadmap - 2 * (tickets + reopened) - 30 * incidents
    shape = (2, 2, 2, 2)
    payoffs = np.empty((4, *shape))
    payoffs[0] = np.broadcast_to(0.01 * new_customers, shape)
    support_cost = _axis([0.5, 0.0], 1)
    payoffs[1] = np.broadcast_to(2 * CLOSED - resolution_hours + reopened_weight * reopened - support_cost, shape)
    payoffs[2] = np.broadcast_to(FEATURES, shape)
    payoffs[3] = np.broadcast_to(100 - incidents, shape)
    return payoffs, np.broadcast_to(value, shape)


def pure_equilibria_by_hand(payoffs: np.ndarray, tol: float = 1e-9) -> list[tuple[int, ...]]:
    """Every pure equilibrium: each profile checked against every unilateral deviation (a Python loop)."""
    n = payoffs.shape[0]
    found = []
    for profile in itertools.product(*(range(k) for k in payoffs.shape[1:])):
        stable = True
        for i in range(n):
            for other in range(payoffs.shape[1 + i]):
                deviation = (*profile[:i], other, *profile[i + 1 :])
                if payoffs[(i, *deviation)] > payoffs[(i, *profile)] + tol:
                    stable = False
        if stable:
            found.append(profile)
    return found


def baseline_record(payoffs: np.ndarray, value: np.ndarray) -> dict[str, Any]:
    """What the sweep reports at a point, computed directly with the definitions of incentives.analyze."""
    equilibria = pure_equilibria_by_hand(payoffs)
    best_value, worst_value = float(value.max()), float(value.min())
    optima = [tuple(int(k) for k in p) for p in np.argwhere(value >= best_value - 1e-9 * max(1.0, abs(best_value)))]
    span = best_value - worst_value
    games: set[str] = set()
    scores: dict[str, float] = {}
    worst = min(equilibria, key=lambda p: value[p])
    for p in equilibria:
        target = min(optima, key=lambda o: sum(a != b for a, b in zip(p, o, strict=True)))
        for i, (department, _) in enumerate(ACTIONS):
            if p[i] == target[i]:
                continue
            switched = (*p[:i], target[i], *p[i + 1 :])
            own_gain = payoffs[(i, *p)] - payoffs[(i, *switched)]
            cost = value[switched] - value[p]
            if own_gain > 0 and cost > 0:
                games.add(department)
            if p == worst:
                scores[department] = max(cost / span, 0.0) if span > 0 else 0.0
    label = " | ".join(", ".join(f"{d}={acts[k]}" for (d, acts), k in zip(ACTIONS, p, strict=True)) for p in equilibria)
    return {
        "equilibria": label,
        "company_value_worst": float(value[worst]),
        "company_value_best": float(max(value[p] for p in equilibria)),
        "company_value_optimum": best_value,
        "value_range_lost_worst": (best_value - float(value[worst])) / span if span > 0 else 0.0,
        "gaming_departments": ", ".join(d for d, _ in ACTIONS if d in games),
        **{f"gaming_score.{d}": scores.get(d, 0.0) for d, _ in ACTIONS},
    }


def baseline_sweep(points: np.ndarray) -> list[dict[str, Any]]:
    return [baseline_record(*company_game(c, r)) for c, r in points]


# -- the nashpy baseline of sweep B ------------------------------------------------------------------------


def nashpy_sweep(points: np.ndarray) -> list[dict[str, Any]]:
    """The two-department grid built with numpy and solved by nashpy's support enumeration at each point."""
    import nashpy

    deals = np.array([2.0, 4.0]).reshape(2, 1)
    closed = np.array([1.5, 3.0]).reshape(1, 2)
    value = np.broadcast_to(3 * deals - deals * (closed - 1.5), (2, 2))
    records = []
    for weight, effort in points:
        sales = np.broadcast_to(deals, (2, 2))
        support = np.broadcast_to(weight * closed - np.array([[0.0, effort]]), (2, 2))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nashpy warns on degenerate games
            equilibria = list(nashpy.Game(sales, support).support_enumeration())
        values = [float(r @ value @ c) for r, c in equilibria]
        span = float(value.max() - value.min())
        records.append(
            {
                "n_equilibria": len(equilibria),
                "company_value_worst": min(values),
                "company_value_best": max(values),
                "value_range_lost_worst": (float(value.max()) - min(values)) / span,
            }
        )
    return records


# -- timing ---------------------------------------------------------------------------------------------------


# -- scaling with workers ---------------------------------------------------------------------------------


def _process_cpu() -> float:
    """CPU seconds of this process and of its reaped children (a process pool's workers, once shut down)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _kept_workers_cpu() -> float:
    """CPU seconds so far of the local worker processes that sweeps keep (read from /proc, Linux only)."""
    total = 0.0
    for _, pool in _parallel._POOL:
        for pid in list(getattr(pool, "_processes", None) or {}):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return total


def _end_kept_pool() -> None:
    """End the kept worker processes and wait for them (reaped, their CPU time counts in RUSAGE_CHILDREN)."""
    for _, pool in _parallel._POOL:
        pool.shutdown(wait=True)
    _parallel._POOL.clear()


def _new_pool_sweep(org: inc.Organization, points: Any, method: str) -> Any:
    """``workers=2`` with worker processes started for this sweep and ended (reaped) after it."""
    result = sweep(org, points, method=method, workers=2, progress=False)
    _end_kept_pool()
    return result


#: Sweeps that start the kept worker processes and warm them, outside the measurement: a pool's first sweeps are
#: slower than the ones after (10,000 points of the bundled company, medians of 12 new pools: 19.2 ms for the
#: sweep that starts it, 9.5 ms for the next, 9.0 ms from the third on), and with the other contenders run
#: between, two processes kept from one sweep were 1.39 times one process, against 1.51 after three.
WARM_SWEEPS = 3


def _start_kept_pool(org: inc.Organization, points: Any) -> None:
    """Start the kept worker processes with :data:`WARM_SWEEPS` sweeps of the points as ``"all"`` runs them.

    Their chunks leave the workers' memory as earlier sweeps of that size would (quickly, whatever
    the method measured), so the kept workers are measured as a session that sweeps again meets them.
    """
    for _ in range(WARM_SWEEPS):
        sweep(org, points, workers=2, progress=False)


class Contender:
    """One way to run the sweep, measured as wall seconds, CPU seconds and load per run."""

    def __init__(
        self,
        name: str,
        run: Callable[[], Any],
        worker_cpu: Callable[[], float] | None = None,
        around: Callable[[], contextlib.AbstractContextManager[Any]] | None = None,
    ) -> None:
        self.name, self.run, self.worker_cpu, self.around = name, run, worker_cpu, around
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.load: list[float] = []
        self.records: Any = None
        self.ran_on = ""  # where a sweep ran, each place once (the default workers may differ between runs)

    def measure(self) -> None:
        """One run, timed; inside ``around`` where given (its setup and teardown outside the timing)."""
        with self.around() if self.around is not None else contextlib.nullcontext():
            self.load.append(os.getloadavg()[0])
            outside = self.worker_cpu() if self.worker_cpu else 0.0
            start, cpu = time.perf_counter(), _process_cpu()
            result = self.run()
            self.wall.append(time.perf_counter() - start)
            cpu = _process_cpu() - cpu
            outside = (self.worker_cpu() - outside) if self.worker_cpu else 0.0
            self.cpu.append(cpu + outside)
            self.records = getattr(result, "records", result)
            where = getattr(result, "ran_on", None)
            if where is not None and where not in self.ran_on:
                self.ran_on = f"{self.ran_on}; {where}" if self.ran_on else where


_HALF_ORG: list[inc.Organization] = []


def _load_half_org(model: str) -> None:
    _HALF_ORG[:] = [inc.load_model(model)]
    sweep(_HALF_ORG[0], grid({"customers_per_deal": [10.0]}), workers=1, progress=False)  # compile once


def _sweep_half(half: tuple[SweepPoints, str]) -> SweepRecords:
    points, method = half
    return sweep(_HALF_ORG[0], points, method=method, workers=1, progress=False).records


class _Halves:
    """The two halves' records, joined when read (after the time is taken, for the comparison of records)."""

    def __init__(self, parts: list[SweepRecords]) -> None:
        self.parts = parts

    @property
    def records(self) -> SweepRecords:
        rows = [record for part in self.parts for record in part]
        return SweepRecords.from_dicts(rows)


def _ceiling_contender(stack: contextlib.ExitStack, points: SweepPoints, method: str, model: str) -> Contender:
    """Two processes, started before, each sweeping half of the points in one process and sending its records back.

    The split a user would write by hand with a process pool: nothing is shared while the
    halves run, and a half that finishes first waits for the other.
    """
    pool = stack.enter_context(
        concurrent.futures.ProcessPoolExecutor(
            max_workers=2,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_load_half_org,
            initargs=(model,),
        )
    )
    middle = len(points) // 2
    halves = [
        (SweepPoints(names=points.names, values=v), method) for v in (points.values[:middle], points.values[middle:])
    ]
    list(pool.map(_sweep_half, halves))  # start both processes and warm them up

    def run() -> _Halves:
        return _Halves(list(pool.map(_sweep_half, halves)))

    def worker_cpu() -> float:
        total = 0.0
        for pid in list(getattr(pool, "_processes", None) or {}):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    return Contender("2 processes started before, each sweeping half the points (split by hand)", run, worker_cpu)


def _median_range(values: list[float], fmt: str = ",.0f") -> str:
    return f"{np.median(values):{fmt}} [{min(values):{fmt}}-{max(values):{fmt}}]"


DASK_TWO = "Dask LocalCluster, 2 workers"
DASK_ONE = "Dask LocalCluster, 1 worker"
DASK_TWO_UNTRIMMED = "Dask LocalCluster, 2 workers, MALLOC_TRIM_THRESHOLD_ unset"


DASK_FIRST = "Dask, first sweep on a new cluster"


def _dask_contenders(org: inc.Organization, points: Any, method: str) -> list[Contender]:
    """The sweep on Dask LocalClusters: 2 and 1 workers as Dask starts them, then 2 without Dask's malloc setting.

    Each run starts its own cluster, sweeps once to warm its workers (that sweep is the first
    row, reported apart), is timed, and closes the cluster: one cluster runs at a time, as a
    user has it (idle Dask workers, nannies and schedulers take CPU time of their own; with two
    other clusters idle beside it, two workers were 1.70 times one on 2,500 points solved one by
    one, and 1.93 times with none).  Dask's nanny starts its workers with
    ``MALLOC_TRIM_THRESHOLD_=65536`` (``distributed.nanny.pre-spawn-environ``), which fixes
    glibc's thresholds: every large numpy temporary is new pages again, unless the task raises
    them while it runs (a sweep's tasks do: :mod:`incentives.whatif._memory`).  The third
    cluster is started with that setting removed, to show what it still costs.
    """
    if importlib.util.find_spec("distributed") is None:
        print("dask.distributed is not installed: no Dask row")
        return []
    first = Contender(DASK_FIRST, lambda: None)
    runs = [
        _OnNewCluster(org, points, method, 2, untrimmed=False, first=first),
        _OnNewCluster(org, points, method, 1, untrimmed=False),
        _OnNewCluster(org, points, method, 2, untrimmed=True),
    ]
    names = [DASK_TWO, DASK_ONE, DASK_TWO_UNTRIMMED]
    return [
        first,
        *(Contender(name, on.sweep, on.worker_cpu, on.cluster) for name, on in zip(names, runs, strict=True)),
    ]


class _OnNewCluster:
    """A sweep on a Dask LocalCluster started for each run and closed after it (both outside the timing).

    The cluster's first sweep warms its workers; where ``first`` is given, it is measured there.
    """

    def __init__(
        self, org: inc.Organization, points: Any, method: str, workers: int, *, untrimmed: bool, first: Any = None
    ) -> None:
        self.org, self.points, self.method = org, points, method
        self.workers, self.untrimmed, self.first = workers, untrimmed, first
        self.client: Any = None

    @contextlib.contextmanager
    def cluster(self) -> Any:
        with _dask_client(self.workers, self.untrimmed) as client:
            self.client = client
            if self.first is not None:
                self.first.run, self.first.worker_cpu = self.sweep, self.worker_cpu
                self.first.measure()
            else:
                self.sweep()
            try:
                yield
            finally:
                self.client = None

    def sweep(self) -> Any:
        return sweep(self.org, self.points, method=self.method, executor=self.client, progress=False)

    def worker_cpu(self) -> float:
        return float(sum(self.client.run(time.process_time).values()))


@contextlib.contextmanager
def _dask_client(workers: int, untrimmed: bool = False) -> Any:
    """A client of a new LocalCluster of single-threaded worker processes, closed with it at the end."""
    import dask
    import distributed

    setting = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None} if untrimmed else {}
    environ = dict(os.environ)
    with contextlib.ExitStack() as stack:
        with dask.config.set(setting):
            cluster = stack.enter_context(
                distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
                )
            )
        os.environ.clear()  # the nanny sets its pre-spawn variables in this process too
        os.environ.update(environ)
        yield stack.enter_context(distributed.Client(cluster, set_as_default=False))


def scaling(repeats: int, side: int = 100, method: str = "all", regions: bool = False) -> None:
    """The 10,000-point sweep on 1 process, 2 local processes and Dask LocalClusters, interleaved.

    ``method`` is the sweep's solver method: ``"all"`` takes the batched path at the company's
    dominance-solvable points (microseconds a point), another method solves each point on its own.
    With ``regions``, the sweep is instead ``30 * side`` points of :data:`REGIONS_EXAMPLE` over
    :data:`REGIONS_AXIS`, whose lower part is slow and upper part quick.

    Two rounds: the local contenders, then the Dask clusters, one at a time, each started for
    its run and closed after it (outside the timing), with the one-process sweep run again
    among them as their reference.
    """
    model = REGIONS_EXAMPLE if regions else EXAMPLE
    org = inc.load_model(model)
    if regions:
        axes = {REGIONS_AXIS: np.linspace(0.5, 20, 30 * side)}
    else:
        axes = {
            "customers_per_deal": np.linspace(10, 600, side),
            "bonus.support.reopened_tickets": np.linspace(-0.5, 0, side),
        }
    points = grid(axes)
    n = len(points)
    sweep(org, grid({"customers_per_deal": [10.0]}), progress=False)  # warm up imports and compiled formulas
    one = Contender("1 process (workers=1)", lambda: sweep(org, points, method=method, workers=1, progress=False))
    kept = Contender(
        "2 local processes (workers=2), kept from the sweep before",
        lambda: sweep(org, points, method=method, workers=2, progress=False),
        _kept_workers_cpu,
    )
    new = Contender(
        "2 local processes (workers=2), started for the sweep", lambda: _new_pool_sweep(org, points, method)
    )
    with contextlib.ExitStack() as stack:
        ceiling = _ceiling_contender(stack, points, method, model)
        _start_kept_pool(org, points)
        _interleaved([one, kept, new, ceiling], repeats, new, org, points)
        _end_kept_pool()
    again = Contender("1 process, in the Dask round", one.run)
    first_dask, *dask = _dask_contenders(org, points, method) or [None]
    trips = None
    if first_dask is not None:
        _interleaved([again, *dask], repeats, None, org, points)
        with _dask_client(2) as client:
            trips = _round_trips(lambda: client.submit(len, "", pure=False).result())
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}")
    print(
        f"\nScaling: {model}, {n:,} points, method {method}, {repeats} interleaved repetitions "
        "(median [lowest-highest])\n"
    )
    print("| contender | points/s (wall) | x 1 process (wall) | points per CPU-second | load (1 min) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    rows = [(c, one) for c in (one, kept, new, ceiling)]
    if first_dask is not None:
        rows += [(again, again), (first_dask, None), *((c, again) for c in dask)]
    for c, reference in rows:
        ratio = [a / b for a, b in zip(reference.wall, c.wall, strict=True)] if reference is not None else []
        print(
            f"| {c.name} | {_median_range([n / w for w in c.wall])} | "
            f"{_median_range(ratio, '.2f') + 'x' if ratio else '-'} | {_median_range([n / u for u in c.cpu])} | "
            f"{_median_range(c.load, '.2f')} |"
        )
    same = all(c.records == one.records for c, _ in rows)
    print(f"\nevery contender gives the records of one process: {same}")
    by_name = {c.name: c for c in dask}
    if DASK_TWO in by_name and DASK_ONE in by_name:
        two, single = by_name[DASK_TWO].wall, by_name[DASK_ONE].wall
        ratio = _median_range([a / b for a, b in zip(single, two, strict=True)], ".2f")
        print(f"Dask LocalCluster, 2 workers against 1 (wall, within a repetition): {ratio}x")
    if trips is not None:
        paused, back_to_back = trips
        print(
            f"a task that does nothing, on a 2-worker cluster, from submit to result: {paused:.1f} ms after a "
            f"{ROUND_TRIP_PAUSE * 1000:.0f} ms pause, {back_to_back:.1f} ms back to back (medians of {ROUND_TRIPS})"
        )


#: How many no-op tasks time an executor's round trip, and the pause before each of the first set (a Dask
#: client sends a message at most every 10 ms: back to back, a task waits for the one before it to be sent).
ROUND_TRIPS = 30
ROUND_TRIP_PAUSE = 0.02


def _round_trips(no_op: Callable[[], Any]) -> tuple[float, float]:
    """The median milliseconds of a no-op task's round trip, after a pause and back to back."""
    paused, back_to_back = [], []
    for _ in range(ROUND_TRIPS):
        time.sleep(ROUND_TRIP_PAUSE)
        start = time.perf_counter()
        no_op()
        paused.append(1000 * (time.perf_counter() - start))
    for _ in range(ROUND_TRIPS):
        start = time.perf_counter()
        no_op()
        back_to_back.append(1000 * (time.perf_counter() - start))
    return float(np.median(paused)), float(np.median(back_to_back))


def _interleaved(
    contenders: list[Contender], repeats: int, new: Contender | None, org: inc.Organization, points: Any
) -> None:
    """Each repetition runs every contender once, in an order rotated from one repetition to the next."""
    for rep in range(repeats):
        turn = rep % len(contenders)
        for contender in contenders[turn:] + contenders[:turn]:
            if contender is new:
                _end_kept_pool()  # outside the measurement: the kept workers' CPU time lands in RUSAGE_CHILDREN
            contender.measure()
            if contender is new:
                _start_kept_pool(org, points)  # again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="210-point grids instead of 3,240")
    parser.add_argument("--scaling", action="store_true", help="1 vs 2 processes vs Dask, 10,000 points")
    parser.add_argument("--repeats", type=int, default=7, help="interleaved repetitions of each run (default 7)")
    parser.add_argument("--side", type=int, default=100, help="scaling grid of side x side points (default 100)")
    parser.add_argument("--method", default="all", help="the scaling sweep's solver method (default all)")
    parser.add_argument(
        "--regions", action="store_true", help="scaling on 30 x side points whose slow ones lie together"
    )
    options = parser.parse_args()
    if options.scaling:
        scaling(options.repeats, options.side, options.method, options.regions)
        return
    side = 10 if options.quick else 40
    warnings.simplefilter("ignore", inc.IncompleteSearchWarning)
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}")
    print(f"{options.repeats} interleaved repetitions of each contender (median [lowest-highest])")
    sweep_a(side, options.repeats)
    sweep_b(side, options.repeats)


def _default_contenders(org: inc.Organization, points: Any) -> list[Contender]:
    """``incentives.sweep`` with the default workers, with the workers of the sweep before kept and started anew.

    Both report where the sweep ran in their name (the probe may keep it in this process).
    """
    kept = Contender("incentives.sweep, default workers", lambda: sweep(org, points, progress=False), _kept_workers_cpu)
    new = Contender(
        "incentives.sweep, default workers, none kept from a sweep before", lambda: _fresh_sweep(org, points)
    )
    return [kept, new]


def _fresh_sweep(org: inc.Organization, points: Any) -> Any:
    """The default sweep with no worker process kept (:func:`_interleaved` ends them before).

    It starts them if it goes to them, and they are reaped after it, so their CPU time lands in
    RUSAGE_CHILDREN, which the measurement reads.
    """
    result = sweep(org, points, progress=False)
    _end_kept_pool()
    return result


def sweep_a(side: int, repeats: int) -> None:
    """Sweep A, the bundled company: ours (default workers, one process) against the numpy baseline, interleaved."""
    org = inc.load_model(EXAMPLE)
    axes = {
        "customers_per_deal": np.linspace(10, 600, 2 * side + 1),
        "bonus.support.reopened_tickets": np.linspace(-0.5, 0, side),
    }
    points = grid(axes)
    n = len(points)
    subset = points.rows()[:: max(1, n // 40)]
    sweep(org, grid({"customers_per_deal": [10.0]}), progress=False)  # warm up imports and caches
    default, fresh = _default_contenders(org, points)
    one = Contender("incentives.sweep, workers=1", lambda: sweep(org, points, workers=1, progress=False))
    baseline = Contender("hand-written numpy + enumeration by hand", lambda: baseline_sweep(points.values))
    per_point = Contender(
        "inc.analyze per point (rebuilt from formulas)", lambda: [inc.analyze(with_values(org, p)) for p in subset]
    )
    contenders = [default, fresh, one, baseline, per_point]
    _start_kept_pool(org, points)
    _interleaved(contenders, repeats, fresh, org, points)
    _end_kept_pool()
    print(f"\nSweep A: {EXAMPLE}, {n} points (customers_per_deal x bonus.support.reopened_tickets)\n")
    _print_table([(c, n) for c in contenders[:-1]] + [(per_point, len(subset))], one)
    agree = all(
        b["equilibria"] == o["equilibria"]
        and b["gaming_departments"] == o["gaming_departments"]
        and np.isclose(b["value_range_lost_worst"], o["value_range_lost_worst"])
        for b, o in zip(baseline.records, one.records, strict=True)
    )
    same = default.records == one.records and fresh.records == one.records
    print(f"\nours and the baseline agree at every point: {agree}; default workers == one process: {same}")


def sweep_b(side: int, repeats: int) -> None:
    """Sweep B, two departments: ours (default workers, one process) against nashpy, interleaved."""
    two = inc.loads_model(TWO_DEPARTMENTS)
    axes_b = {"support_weight": np.linspace(0, 2, 2 * side + 1), "effort": np.linspace(0, 2, side)}
    points = grid(axes_b)
    n = len(points)
    sweep(two, points, workers=1, progress=False)  # warm up: compiled formulas, and the solver its mixed points load
    default, fresh = _default_contenders(two, points)
    one = Contender("incentives.sweep, workers=1", lambda: sweep(two, points, workers=1, progress=False))
    peer = Contender("numpy + nashpy support enumeration", lambda: nashpy_sweep(points.values))
    contenders = [default, fresh, one, peer]
    _start_kept_pool(two, points)
    _interleaved(contenders, repeats, fresh, two, points)
    _end_kept_pool()
    print(f"\nSweep B: two departments, {n} points (support_weight x effort)\n")
    _print_table([(c, n) for c in contenders], one)
    same = sum(p["n_equilibria"] == o["n_equilibria"] for p, o in zip(peer.records, one.records, strict=True))
    print(f"\nsame number of equilibria at {same} of {n} points", end="")
    print("" if same == n else " (the others are ties, where the game is degenerate)")


def _print_table(rows: list[tuple[Contender, int]], reference: Contender) -> None:
    """Each contender's points/s, its ratio to ``reference`` within a repetition, points per CPU-second and load."""
    print("| contender | points | points/s (wall) | x one process (wall) | points per CPU-second | load (1 min) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for c, points in rows:
        ratio = [a / b for a, b in zip(reference.wall, c.wall, strict=True)]
        where = f" ({c.ran_on})" if c.ran_on else ""
        print(
            f"| {c.name}{where} | {points:,} | {_median_range([points / w for w in c.wall])} | "
            f"{_median_range(ratio, '.2f')}x | {_median_range([points / u for u in c.cpu])} | "
            f"{_median_range(c.load, '.2f')} |"
        )


if __name__ == "__main__":
    main()
