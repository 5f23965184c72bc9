"""Benchmarks of `incentives` against nashpy, QuantEcon, Gambit and lrsnash on the same seeded games.

Run from the repository root:

    python benchmarks/run.py            # the full run (tens of minutes); writes benchmarks/RESULTS.md
                                        # and the same results between the markers of docs/benchmarks.md
    python benchmarks/run.py --quick    # small cases only, under a minute; writes nothing unless --output
    python benchmarks/run.py --only two_player --output /tmp/part.md   # some benchmarks only

Each row compares one of our solvers with one peer on the same seeded random games (standard normal
payoffs, so ties have probability zero; the exact section uses integers in [-9, 9], often degenerate,
and in [-1000, 1000], almost always not).  The solvers of a case run interleaved: for each
repetition and each game, every solver in turn (the order reversed every other repetition), so a
change in the machine's speed reaches all of them alike.  A time is the median over the games of
the median over the repetitions (a fast call is repeated within a repetition and its median taken);
the spread is the fastest and slowest repetition of any game; "peer / ours" is the median of the
ratios of the two solvers' times on the same game in the same repetition, with the smallest and
largest such ratio.  Above 1 means ours is faster.  "agree" compares the equilibrium sets game by
game (to 1e-6): "yes", or how many equilibria only one side found.  The machine's load (the
1-minute load average) is sampled before every round and reported.  Peers that are not installed
are listed as not available; slow peers run in a separate process with a timeout.

The model evaluation rows time building the game from a model (the bundled examples with more
actions per department) against the numpy bound: numpy evaluating the same formulas, compiled
once beforehand with sympy's numpy printer, on the same profiles.  BLAS runs on one thread
(set below, before numpy is imported), so no timing depends on how many threads it starts.
"""

from __future__ import annotations

import os

# One BLAS thread for every library, set before numpy (or anything importing it) is loaded.
os.environ["OPENBLAS_NUM_THREADS"] = os.environ.get("OPENBLAS_NUM_THREADS", "1")
os.environ["MKL_NUM_THREADS"] = os.environ.get("MKL_NUM_THREADS", "1")
os.environ["OMP_NUM_THREADS"] = os.environ.get("OMP_NUM_THREADS", "1")

import argparse
import dataclasses
import datetime as dt
import functools
import math
import platform
import sys
import tempfile
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers

import incentives as inc

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    """One comparison: our solver against one peer, over the same games."""

    benchmark: str
    case: str
    games: int
    ours: str
    ours_seconds: float | None
    peer: str
    peer_seconds: float | None = None
    agree: str = ""
    note: str = ""
    repeats: int = 0
    ours_spread: tuple[float, float] | None = None
    peer_spread: tuple[float, float] | None = None
    ratios: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> str:
        if not self.ratios:
            return ""
        low, high = min(self.ratios), max(self.ratios)
        return f"{np.median(self.ratios):.3g}x [{low:.3g}-{high:.3g}]"


#: Repetitions of every case (each game, every solver in turn).
REPEATS = 3

#: Samples of the 1-minute load average, one before every round of a case.
LOAD: list[float] = []


def sample_load() -> float:
    """The 1-minute load average now (NaN where the platform has none)."""
    try:
        value = os.getloadavg()[0]
    except OSError:
        value = float("nan")
    LOAD.append(value)
    return value


@dataclass
class Case:
    """A family of seeded games and the interleaved, repeated timed runs of every solver on each of them."""

    benchmark: str
    name: str
    payoffs: list[np.ndarray]
    repeats: int = REPEATS
    solvers: dict[str, tuple[peers.Adapter, float | None]] = field(default_factory=dict)
    runs: dict[str, list[list[peers.Run]]] = field(default_factory=dict)

    def add(self, label: str, adapter: peers.Adapter, timeout: float | None = None) -> None:
        """A solver to time (in a separate process stopped after ``timeout`` seconds, if given)."""
        self.solvers[label] = (adapter, timeout)

    def measure(self) -> None:
        """Every repetition, every game, every solver in turn; a solver that failed once is not run again."""
        self.runs = {label: [[] for _ in self.payoffs] for label in self.solvers}
        failed: set[str] = set()
        labels = list(self.solvers)
        for repeat in range(self.repeats):
            order = labels if repeat % 2 == 0 else labels[::-1]
            for game, payoffs in enumerate(self.payoffs):
                sample_load()
                for label in order:
                    if label in failed:
                        continue
                    run = self._once(label, payoffs)
                    self.runs[label][game].append(run)
                    if run.failure:
                        failed.add(label)

    def _once(self, label: str, payoffs: np.ndarray) -> peers.Run:
        adapter, timeout = self.solvers[label]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if timeout is not None:
                return peers.timed_with_timeout(adapter, payoffs, timeout)
            return peers.timed(adapter, payoffs, min_seconds=0.05)

    def first(self, label: str) -> list[peers.Run]:
        """The first repetition of each game (for the equilibria, the statuses and the notes)."""
        return [runs[0] for runs in self.runs.get(label, []) if runs]

    def times(self, label: str) -> list[list[float]] | None:
        """Seconds per game and repetition; None when some run failed or none was made."""
        runs = self.runs.get(label, [])
        if not runs or any(not game or any(r.seconds is None for r in game) for game in runs):
            return None
        return [[float(r.seconds) for r in game if r.seconds is not None] for game in runs]

    def median(self, label: str) -> float | None:
        times = self.times(label)
        return None if times is None else float(np.median([np.median(game) for game in times]))

    def spread(self, label: str) -> tuple[float, float] | None:
        times = self.times(label)
        return None if times is None else (min(map(min, times)), max(map(max, times)))

    def ratios(self, ours: str, peer: str) -> list[float]:
        """Peer time over ours, for the same game in the same repetition."""
        mine, theirs = self.times(ours), self.times(peer)
        if mine is None or theirs is None:
            return []
        return [b / a for xs, ys in zip(mine, theirs, strict=True) for a, b in zip(xs, ys, strict=False) if a > 0]

    def failure(self, label: str) -> str:
        return next((r.failure for game in self.runs.get(label, []) for r in game if r.failure), "")

    def agreement(self, ours: str, peer: str) -> str:
        pairs = list(zip(self.first(ours), self.first(peer), strict=False))
        if not pairs or any(a.equilibria is None or b.equilibria is None for a, b in pairs):
            return ""
        only_ours = only_theirs = 0
        worst_ours = worst_theirs = 0.0
        odd = [0, 0]
        for payoffs, (a, b) in zip(self.payoffs, pairs, strict=False):
            mine, theirs = a.equilibria or [], b.equilibria or []
            x, y = peers.compare(mine, theirs)
            only_ours, only_theirs = only_ours + x, only_theirs + y
            if x or y:
                worst_ours = max(worst_ours, peers.max_regret(payoffs, peers.unmatched(mine, theirs)))
                worst_theirs = max(worst_theirs, peers.max_regret(payoffs, peers.unmatched(theirs, mine)))
            odd[0] += len(mine) % 2
            odd[1] += len(theirs) % 2
        if only_ours == only_theirs == 0:
            return "yes"
        parts = []
        if only_ours:
            parts.append(f"{only_ours} only ours (regret <= {worst_ours:.0e})")
        if only_theirs:
            parts.append(f"{only_theirs} only peer (regret <= {worst_theirs:.0e})")
        parity = f"; odd counts: ours {odd[0]}/{len(pairs)}, peer {odd[1]}/{len(pairs)}"
        return "no: " + ", ".join(parts) + parity

    def row(self, ours: str, peer: str, note: str = "") -> Row:
        failure = self.failure(peer)
        statuses = {r.status for r in self.first(ours) if r.status}
        if statuses - {"complete"} and not self.benchmark.startswith("one equilibrium"):  # one is all it promises
            note = "; ".join(filter(None, [note, f"ours: {', '.join(sorted(statuses))}"]))
        extras = [r.extra for r in self.first(peer) if r.extra]
        if extras and "solve" in extras[0]:
            build = np.median([e["build"] for e in extras])
            solve = np.median([e["solve"] for e in extras])
            note = "; ".join(filter(None, [note, f"peer: build {_fmt(build)} + solve {_fmt(solve)}"]))
        ours_extras = [r.extra for r in self.first(ours) if r.extra and "build" in r.extra]
        if ours_extras and self.benchmark == "pure equilibria":
            build = np.median([e["build"] for e in ours_extras])
            note = "; ".join(filter(None, [note, f"ours: game build {_fmt(build)} not timed"]))
        return Row(
            benchmark=self.benchmark,
            case=self.name,
            games=len(self.payoffs),
            ours=ours,
            ours_seconds=self.median(ours),
            peer=peer,
            peer_seconds=self.median(peer),
            agree=self.agreement(ours, peer),
            note="; ".join(filter(None, [note, failure])),
            repeats=self.repeats,
            ours_spread=self.spread(ours),
            peer_spread=self.spread(peer),
            ratios=self.ratios(ours, peer),
        )


def seeded(shape: Sequence[int], seeds: Sequence[int], integer: bool = False, high: int = 9) -> list[np.ndarray]:
    """Random payoff arrays of shape ``(N, *shape)``, one per seed (integers in ``[-high, high]`` if ``integer``)."""
    out = []
    for seed in seeds:
        rng = np.random.default_rng([len(shape), *shape, seed])
        size = (len(shape), *shape)
        out.append(rng.integers(-high, high + 1, size=size) if integer else rng.normal(size=size))
    return out


def _unavailable(benchmark: str, case: Case, ours: str, peer: str, module: str) -> Row:
    return _alone(case, ours, peer, f"{module} not available")


def _alone(case: Case, ours: str, peer: str, note: str) -> Row:
    """A row with our times only (the peer was skipped or is missing, for the reason in ``note``)."""
    return Row(
        benchmark=case.benchmark,
        case=case.name,
        games=len(case.payoffs),
        ours=ours,
        ours_seconds=case.median(ours),
        peer=peer,
        note=note,
        repeats=case.repeats,
        ours_spread=case.spread(ours),
    )


# -- the benchmarks --------------------------------------------------------------------------


def pure_equilibria(quick: bool) -> list[Row]:
    """Pure equilibria of N-player games, up to about a million profiles."""
    name = "pure equilibria"
    shapes = (
        [(30, 30), (6, 6, 6, 6), (2,) * 10]
        if quick
        else [(100, 100), (1000, 1000), (32,) * 4, (100,) * 3, (4,) * 10, (2,) * 20]
    )
    rows = []
    for shape in shapes:
        profiles = len(shape) * int(np.prod(shape))
        with_gambit = peers.available("pygambit") and profiles <= 100_000
        case = Case(name, _shape(shape), seeded(shape, range(2 if quick else 3)))
        case.add("ours solve(pure)", peers.ours("pure"))
        case.add("ours kernel (unverified)", peers.ours_pure_kernel)
        case.add("numpy best-response mask", peers.numpy_mask)
        if with_gambit:
            case.add("gambit enumpure", peers.gambit_adapter("enumpure"), timeout=30 if quick else 300)
        case.measure()
        rows.append(case.row("ours solve(pure)", "ours kernel (unverified)"))
        rows.append(case.row("ours solve(pure)", "numpy best-response mask"))
        if not peers.available("pygambit"):
            rows.append(_unavailable(name, case, "ours solve(pure)", "gambit enumpure", "pygambit"))
        elif with_gambit:
            rows.append(case.row("ours solve(pure)", "gambit enumpure"))
        else:
            note = "skipped: building a Gambit game of this size from arrays takes tens of seconds to minutes"
            rows.append(_alone(case, "ours solve(pure)", "gambit enumpure", note))
    return rows


def two_player(quick: bool) -> list[Row]:
    """All equilibria of random two-player k x k games."""
    name = "all equilibria, 2 players"
    rows = []
    sizes = [3, 4] if quick else list(range(3, 11))
    slow_limit = 4 if quick else 6
    for k in sizes:
        case = Case(name, f"{k}x{k}", seeded((k, k), range(2 if quick else 3)))
        case.add("ours vertex-enumeration", peers.ours("vertex-enumeration"))
        case.add("ours support-enumeration", peers.ours("support-enumeration"))
        nashpy = [
            ("nashpy support_enumeration", "support_enumeration"),
            ("nashpy vertex_enumeration", "vertex_enumeration"),
        ]
        if k <= slow_limit:
            for peer, method in nashpy:
                case.add(peer, peers.nashpy_adapter(method), timeout=20 if quick else 120)
        if peers.available("quantecon"):
            case.add("quantecon vertex_enumeration", peers.quantecon_vertex_enumeration)
        if peers.available("pygambit"):
            case.add("gambit enummixed (float)", peers.gambit_adapter("enummixed", rational=False))
        case.measure()
        for peer, method in nashpy:
            ours = "ours support-enumeration" if method == "support_enumeration" else "ours vertex-enumeration"
            if k <= slow_limit:
                rows.append(case.row(ours, peer))
            else:
                rows.append(_alone(case, ours, peer, f"skipped for k > {slow_limit} (minutes per game)"))
        if peers.available("quantecon"):
            rows.append(case.row("ours vertex-enumeration", "quantecon vertex_enumeration", "after JIT warm-up"))
        else:
            rows.append(
                _unavailable(name, case, "ours vertex-enumeration", "quantecon vertex_enumeration", "quantecon")
            )
        if peers.available("pygambit"):
            rows.append(case.row("ours vertex-enumeration", "gambit enummixed (float)"))
        else:
            rows.append(_unavailable(name, case, "ours vertex-enumeration", "gambit enummixed (float)", "pygambit"))
    return rows


def two_player_large(quick: bool) -> list[Row]:
    """All equilibria of large two-player games, past any count of bases: ours 'all' against QuantEcon."""
    name = "all equilibria, 2 players, large"
    rows = []
    plan = [(14, 1, 1)] if quick else [(12, 3, REPEATS), (14, 3, REPEATS), (16, 1, REPEATS), (20, 1, 1)]
    for k, games, repeats in plan:
        case = Case(name, f"{k}x{k}", seeded((k, k), range(games)), repeats=repeats)
        case.add("ours all", peers.ours("all"))
        if peers.available("quantecon"):
            case.add(
                "quantecon vertex_enumeration", peers.quantecon_vertex_enumeration, timeout=None if k < 16 else 300
            )
        case.measure()
        if peers.available("quantecon"):
            rows.append(case.row("ours all", "quantecon vertex_enumeration", "after JIT warm-up"))
        else:
            rows.append(_unavailable(name, case, "ours all", "quantecon vertex_enumeration", "quantecon"))
    return rows


def two_player_exact(quick: bool) -> list[Row]:
    """All equilibria in exact arithmetic (integer payoffs), against Gambit's rational enummixed and lrsnash.

    Small integers make many games degenerate (ties), where our solver takes its perturbed path;
    integers in [-1000, 1000] make them almost surely non-degenerate (its plain path).
    """
    name = "all equilibria, 2 players, exact"
    ours = "ours vertex-enumeration (exact)"
    rows = []
    startup = peers.lrsnash_startup_seconds()
    for k in [3] if quick else [4, 6, 8]:
        for high in (9, 1000):
            payoffs = seeded((k, k), range(2 if quick else 3 if k == 10 else 5), integer=True, high=high)
            case = Case(name, f"{k}x{k} integers in [-{high}, {high}]", payoffs)
            case.add(ours, peers.ours_exact("vertex-enumeration"))
            if peers.available("pygambit"):
                rational = peers.gambit_adapter("enummixed", rational=True)
                case.add("gambit enummixed (rational)", rational, timeout=None if k < 10 else 60)
            if startup is not None:
                case.add("lrsnash", peers.lrsnash_adapter(timeout=20 if quick else 120))
            case.measure()
            runs = case.first(ours)
            degenerate = sum(bool(r.extra and r.extra.get("degenerate")) for r in runs)
            ours_note = f"ours: {degenerate}/{len(runs)} games degenerate"
            if peers.available("pygambit"):
                rows.append(case.row(ours, "gambit enummixed (rational)", ours_note))
            else:
                rows.append(_unavailable(name, case, ours, "gambit enummixed (rational)", "pygambit"))
            if startup is None:
                rows.append(_unavailable(name, case, ours, "lrsnash", "lrsnash (lrslib)"))
                continue
            exact = all(
                peers.exactly_compared(a.equilibria or [], b.equilibria or [])
                for a, b in zip(case.first(ours), case.first("lrsnash"), strict=False)
            )
            lrs_note = f"whole process timed, start-up ({_fmt(startup)} on a 1x1 game) included"
            note = "; ".join(filter(None, [ours_note, lrs_note, "compared exactly" if exact else ""]))
            rows.append(case.row(ours, "lrsnash", note))
    return rows


def n_player_all(quick: bool) -> list[Row]:
    """All equilibria of games with three or four players."""
    name = "all equilibria, N players"
    rows = []
    shapes = [(2, 2, 2)] if quick else [(2, 2, 2), (3, 3, 3), (2, 2, 2, 2), (3, 3, 3, 3)]
    for shape in shapes:
        case = Case(name, _shape(shape), seeded(shape, range(2 if quick else 3)))
        case.add("ours all", peers.ours("all"))
        if peers.available("pygambit"):
            case.add("gambit enumpoly", peers.gambit_adapter("enumpoly"), timeout=10 if quick else 20)
        case.measure()
        if peers.available("pygambit"):
            rows.append(case.row("ours all", "gambit enumpoly"))
        else:
            rows.append(_unavailable(name, case, "ours all", "gambit enumpoly", "pygambit"))
    return rows


def one_equilibrium(quick: bool) -> list[Row]:
    """One equilibrium of larger N-player games by path following."""
    name = "one equilibrium, N players"
    rows = []
    has_logit = "logit" in inc.registered_solvers()
    shapes = [(3, 3, 3)] if quick else [(3, 3, 3), (3, 3, 3, 3), (2,) * 6]
    for shape in shapes:
        case = Case(name, _shape(shape), seeded(shape, range(2 if quick else 3)))
        if has_logit:
            case.add("ours logit", peers.ours("logit"))
        if peers.available("pygambit"):
            case.add("gambit logit", peers.gambit_adapter("logit"), timeout=None if quick else 120)
        case.measure()
        note = "" if has_logit else "ours: no 'logit' solver registered yet"
        if peers.available("pygambit"):
            regrets = {
                label: max(
                    peers.max_regret(p, r.equilibria or [])
                    for p, r in zip(case.payoffs, case.first(label), strict=False)
                )
                for label in case.runs
            }
            note = "; ".join(filter(None, [note, ", ".join(f"{k} regret {v:.1e}" for k, v in regrets.items())]))
            row = case.row("ours logit", "gambit logit", note)
            row.agree = ""  # different paths may end at different equilibria: compare regrets instead
            rows.append(row)
        else:
            rows.append(_unavailable(name, case, "ours logit", "gambit logit", "pygambit"))
    return rows


# -- model evaluation against the numpy bound ------------------------------------------------


def scaled_model(org: inc.Organization, actions: int) -> inc.Organization:
    """``org`` with ``actions`` actions per department, spread evenly between its first and its last action.

    Every decision variable and action cost of action ``j`` is the rational mix
    ``(1 - t) * first + t * last`` with ``t = j / (actions - 1)``; formulas, bonus plans and
    parameters are the model's own.
    """
    departments, costs = [], {}
    for dept in org.departments:
        first, last = dept.actions[0], dept.actions[-1]
        own = org.costs.get(dept.name, {})
        low, high = own.get(first.name, sympy.Integer(0)), own.get(last.name, sympy.Integer(0))
        mixed, priced = [], {}
        for j in range(actions):
            t = sympy.Rational(j, actions - 1)
            values = {v: (1 - t) * first.values[v] + t * last.values[v] for v in dept.variables}
            mixed.append(dataclasses.replace(first, name=f"a{j}", values=values))
            if (cost := (1 - t) * low + t * high) != 0:
                priced[f"a{j}"] = cost
        departments.append(dataclasses.replace(dept, actions=tuple(mixed)))
        if priced:
            costs[dept.name] = priced
    return dataclasses.replace(org, departments=tuple(departments), costs=costs)


def numpy_bound(org: inc.Organization) -> Callable[[], tuple[np.ndarray, np.ndarray]]:
    """Payoffs and company value of ``org``'s game by numpy alone: the formulas compiled now, once.

    Independent of our build: each KPI as written, company value and each department's bonus
    (weights times KPIs) are compiled with :func:`sympy.lambdify` and sympy's numpy printer,
    parameters substituted; each decision variable is a numpy array along its department's axis
    of the grid of profiles; the returned function evaluates the formulas in an order where every
    KPI follows the KPIs it uses, and writes each department's payoff (bonus minus action cost)
    into one ``(N, n_0, ..., n_{N-1})`` array.
    """
    names = {s.name: s for e in _formulas(org) for s in e.free_symbols}  # the model's own symbols
    parameters = {names[k]: v for k, v in org.parameters.items() if k in names}
    kpis = {k: names.get(k, sympy.Symbol(k)) for k in org.kpis}
    shape = tuple(len(d.actions) for d in org.departments)

    def along(i: int, values: list[float]) -> np.ndarray:
        return np.array(values, dtype=float).reshape([len(values) if j == i else 1 for j in range(len(shape))])

    def compiled(expr: sympy.Expr) -> tuple[list[sympy.Symbol], Callable[..., Any]]:
        expr = expr.xreplace(parameters)
        args = sorted(expr.free_symbols, key=str)
        namespace = {"numpy": np, "functools": functools}
        return args, sympy.lambdify(args, expr, modules=[namespace], printer=NumPyPrinter)

    grid: dict[sympy.Symbol, Any] = {}
    for i, dept in enumerate(org.departments):
        for var in dept.variables:
            column = [float(a.values[var].xreplace(parameters)) for a in dept.actions]
            grid[names.get(f"{dept.name}.{var}", sympy.Symbol(f"{dept.name}.{var}"))] = along(i, column)
    pending = dict(org.kpis)
    steps = []
    while pending:  # a KPI once every KPI it uses is done (the model file has no cycles)
        ready = [k for k, e in pending.items() if not {s.name for s in e.free_symbols} & set(pending)]
        for kpi in ready:
            steps.append((kpis[kpi], *compiled(pending.pop(kpi))))
    value = sympy.Symbol("company_value")
    steps.append((value, *compiled(org.company_value)))
    payoffs = []
    for i, dept in enumerate(org.departments):
        plan = org.bonus.get(dept.name, {})
        bonus = sympy.Add(*(w * (value if k == "company_value" else kpis[k]) for k, w in plan.items()))
        own = org.costs.get(dept.name, {})
        cost = along(i, [float(own[a.name].xreplace(parameters)) if a.name in own else 0.0 for a in dept.actions])
        payoffs.append((*compiled(bonus), cost))

    def evaluate() -> tuple[np.ndarray, np.ndarray]:
        values = dict(grid)
        for name, args, function in steps:
            values[name] = function(*(values[a] for a in args))
        out = np.empty((len(shape), *shape))
        for i, (args, function, cost) in enumerate(payoffs):
            out[i] = function(*(values[a] for a in args)) - cost
        return out, np.broadcast_to(values[value], shape)

    return evaluate


def _formulas(org: inc.Organization) -> list[sympy.Expr]:
    """Every formula of the model: KPIs, company value, weights, costs and the actions' values."""
    out = [*org.kpis.values(), org.company_value]
    out += [v for group in (org.bonus, org.costs) for plan in group.values() for v in plan.values()]
    return out + [v for d in org.departments for a in d.actions for v in a.values.values()]


class _First:
    """A timed function as an adapter of :class:`Case`: its first result is kept here, none is handed back."""

    def __init__(self, function: Callable[[], Any]) -> None:
        self.function = function
        self.result: Any = None

    def __call__(self, _: Any) -> list[peers.Profile]:
        result = self.function()
        if self.result is None:
            self.result = result
        return []


def _difference(ours: inc.Game, bound: tuple[np.ndarray, np.ndarray]) -> float:
    """Largest difference between our game and the bound's arrays, relative to the largest payoff or value."""
    payoffs, value = bound
    scale = max(1.0, float(np.abs(payoffs).max()), float(np.abs(value).max()))
    assert ours.company_value is not None
    return max(float(np.abs(ours.payoffs - payoffs).max()), float(np.abs(ours.company_value - value).max())) / scale


#: Repetitions of each model-evaluation case: a build takes from a tenth of a millisecond, and a median of three
#: such runs moves by a fifth from one run of the script to the next on a shared machine.
EVALUATION_REPEATS = 9


def model_evaluation(quick: bool) -> list[Row]:
    """Building the game from a model (profiles/s) against numpy evaluating the same formulas on the grid."""
    name = "model evaluation"
    examples = ["growing_company"] if quick else ["growing_company", "hospital", "call_centre"]
    sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
    rows = []
    for example in examples:
        model = inc.load_model(ROOT / "examples" / f"{example}.yaml")
        for size in sizes:
            actions = round(size ** (1 / len(model.departments)))
            org = scaled_model(model, actions)
            profiles = math.prod(len(d.actions) for d in org.departments)
            bound = numpy_bound(org)
            ours = "ours build_game"
            label = f"{example}, {_shape([actions] * len(org.departments))}"
            case = Case(name, label, [np.zeros(0)], repeats=EVALUATION_REPEATS)
            build, floor = _First(functools.partial(inc.build_game, org)), _First(bound)
            case.add(ours, build)
            case.add("numpy bound", floor)
            inc.build_game(org)  # the first build compiles the formulas; the bound's are compiled above
            case.measure()
            difference = _difference(build.result, floor.result)
            rate = [profiles / t if t else float("nan") for t in (case.median(ours), case.median("numpy bound"))]
            note = (
                f"{profiles:,} profiles; ours {rate[0] / 1e6:.3g}M, bound {rate[1] / 1e6:.3g}M profiles/s; "
                f"largest difference {difference:.0e} of the largest payoff"
            )
            rows.append(
                Row(
                    benchmark=name,
                    case=case.name,
                    games=1,
                    ours=ours,
                    ours_seconds=case.median(ours),
                    peer="numpy bound",
                    peer_seconds=case.median("numpy bound"),
                    agree="yes" if difference <= 1e-12 else f"no: differ by {difference:.1e}",
                    note=note,
                    repeats=case.repeats,
                    ours_spread=case.spread(ours),
                    peer_spread=case.spread("numpy bound"),
                    ratios=case.ratios(ours, "numpy bound"),
                )
            )
    return rows


BENCHMARKS: list[Callable[[bool], list[Row]]] = [
    pure_equilibria,
    two_player,
    two_player_large,
    two_player_exact,
    n_player_all,
    one_equilibrium,
    model_evaluation,
]


# -- reporting -------------------------------------------------------------------------------


def _shape(shape: Sequence[int]) -> str:
    if len(set(shape)) == 1 and len(shape) > 3:
        return f"{len(shape)} players x {shape[0]} actions"
    return " x ".join(str(n) for n in shape)


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def _spread(seconds: float | None, spread: tuple[float, float] | None) -> str:
    if seconds is None:
        return "-"
    if spread is None:
        return _fmt(seconds)
    return f"{_fmt(seconds)} [{_fmt(spread[0])}-{_fmt(spread[1])}]"


def table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table."""
    head = (
        "| benchmark | case | games x repeats | ours | ours median [min-max] | peer | peer median [min-max] "
        "| peer / ours [min-max] | agree | note |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        cells = [
            r.benchmark,
            r.case,
            f"{r.games} x {r.repeats}",
            r.ours,
            _spread(r.ours_seconds, r.ours_spread),
            r.peer,
            _spread(r.peer_seconds, r.peer_spread),
            r.ratio,
            r.agree,
            r.note,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def load_summary() -> str:
    """The machine's load over the run, from the samples taken before every round."""
    cores = os.cpu_count() or 1
    samples = [x for x in LOAD if x == x]
    if not samples:
        return "- load: not available on this platform"
    return (
        f"- load (1-minute load average, {cores} cores; {len(samples)} samples, one before every round): "
        f"at the start {samples[0]:.2f}, at the end {samples[-1]:.2f}, median {np.median(samples):.2f}, "
        f"highest {max(samples):.2f}"
    )


def machine() -> str:
    """Platform, CPU, cores, Python and library versions."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = [f"numpy {np.__version__}", f"incentives {inc.__version__}"]
    for module in ("nashpy", "quantecon", "pygambit", "numba"):
        if peers.available(module):
            versions.append(f"{module} {__import__(module).__version__}")
        else:
            versions.append(f"{module} not available")
    versions.append(peers.lrsnash_version())
    threads = ("OPENBLAS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")
    blas = ", ".join(f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith(threads)) or "none"
    return (
        f"- machine: {platform.platform()}, {cpu}, {os.cpu_count()} cores\n"
        f"- Python {platform.python_version()}; {', '.join(versions)}\n"
        f"- BLAS threads environment: {blas}"
    )


def report(rows: Sequence[Row], quick: bool, jit: float | None, command: str) -> str:
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    notes = []
    if jit is not None:
        notes.append(
            f"- QuantEcon's first call (numba JIT compilation) took {_fmt(jit)} in a fresh process; "
            "its rows are timed after a warm-up call."
        )
    notes += [
        "- Every case runs its solvers interleaved: each repetition visits every game, and on each game every "
        "solver in turn, the order reversed every other repetition. A median is over the games of the median "
        "over the repetitions; [min-max] is the fastest and the slowest repetition of any game. peer / ours is "
        "the median of the ratios on the same game in the same repetition, [min-max] the extreme ratios; above 1 "
        "ours is faster. A run shorter than 50 ms is repeated within its repetition and its median taken.",
        "- Gambit's times include building its game from the arrays (its only way in from numpy; the split is "
        "in the note). Ours time `inc.solve` on a built game: the build is in the note.",
        "- `ours solve(pure)` includes the independent regret check of every equilibrium found (each player's "
        "payoffs along its own axis); the kernel alone is the `ours kernel (unverified)` row.",
        "- `ours all` and `ours vertex-enumeration` include the independent regret check of every equilibrium, "
        "which the peers do not make.",
        "- nashpy's support enumeration accepts a candidate only if every probability is exactly >= 0 and the "
        "best payoffs compare equal, so rounding makes it miss equilibria of float games; its own vertex "
        "enumeration finds the ones it misses.",
        "- lrsnash (lrslib; exact arithmetic, 64-bit integers switching to GMP on overflow) is a separate "
        "program: it is timed as a whole process from the game file written beforehand, so its times include "
        "process start-up (the note gives the time of a 1x1 game). Its extreme equilibria and ours are "
        "compared exactly, as fractions.",
        "- In the exact section, integers in [-9, 9] often make games degenerate, where our solver perturbs the "
        "polytopes to make them simple (as lrs does) and solves the bases found again without the perturbation; "
        "integers in [-1000, 1000] almost never do, and the plain path suffices.",
        "- Rows marked `ours: incomplete` come from a search that does not promise every equilibrium, "
        "`ours: budget_exhausted` from one its time budget cut short.",
        "- Model evaluation: `ours build_game` times `inc.build_game` on the bundled example given more actions "
        "per department (each a mix of its first and last action), after a first build that compiled the "
        "formulas; the numpy bound evaluates the same formulas (compiled once beforehand with sympy's numpy "
        "printer) on a grid of the same profiles and writes the same payoff array. peer / ours is our speed as a "
        "fraction of the bound's; agree says both give the same payoffs and company value (to 1e-12 of the "
        "largest).",
        "- Where the sets differ, the regrets of the equilibria only one side found are recomputed by our "
        "independent check, and `odd counts` says in how many games each side found an odd number of "
        "equilibria: a game without degeneracy has an odd number (Wilson's oddness theorem), so an even count "
        "shows missed equilibria.",
    ]
    return "\n".join(
        [
            "# Benchmark results",
            "",
            f"Run on {date} with `{command}`.",
            "",
            machine(),
            load_summary(),
            "",
            table(rows),
            "",
            *notes,
            "",
        ]
    )


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "w") as out:
        out.write(text)
    os.replace(tmp, path)


RESULTS = ROOT / "benchmarks" / "RESULTS.md"
DOCS_PAGE = ROOT / "docs" / "benchmarks.md"
DOCS_START = "<!-- benchmarks:start -->"
DOCS_END = "<!-- benchmarks:end -->"


def results_body(text: str) -> str:
    """The results without their "# Benchmark results" title: from "Run on ..." to the last note."""
    return text.split("\n", 2)[2].strip()


def update_docs_page(path: Path, text: str) -> None:
    """Replace the documentation page's text between the benchmark markers with these results."""
    page = path.read_text()
    if DOCS_START not in page or DOCS_END not in page:
        raise SystemExit(f"error: {path} has no {DOCS_START} ... {DOCS_END} markers to replace between")
    head, rest = page.split(DOCS_START, 1)
    _, tail = rest.split(DOCS_END, 1)
    write_atomically(path, f"{head}{DOCS_START}\n{results_body(text)}\n{DOCS_END}{tail}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small cases only (seconds); writes nothing by default")
    parser.add_argument("--output", type=Path, default=None, help="where to write the Markdown results")
    parser.add_argument("--only", action="append", default=None, help="run only benchmarks whose name contains this")
    args = parser.parse_args(argv)
    partial = args.quick or bool(args.only)
    # only the full run replaces the published results; a partial one writes where --output says, if anywhere
    outputs = [args.output] if args.output is not None else ([] if partial else [RESULTS])
    command = "python benchmarks/run.py" + (" --quick" if args.quick else "")
    command += "".join(f" --only {word}" for word in args.only or [])
    jit = None
    if peers.available("quantecon") and not args.quick:
        jit = peers.quantecon_jit_seconds()
    peers.warm_up()
    rows: list[Row] = []
    for benchmark in BENCHMARKS:
        if args.only and not any(word in benchmark.__name__ for word in args.only):
            continue
        print(f"running {benchmark.__name__} ...", file=sys.stderr, flush=True)
        rows.extend(benchmark(args.quick))
    text = report(rows, args.quick, jit, command)
    print(text)
    for output in outputs:
        write_atomically(output, text)
        print(f"wrote {output}", file=sys.stderr)
    if not partial and args.output is None:
        update_docs_page(DOCS_PAGE, text)
        print(f"wrote {DOCS_PAGE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
