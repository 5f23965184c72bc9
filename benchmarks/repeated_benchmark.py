"""Speed of the repeated-game analyses (incentives.repeated), and payoff sets beside QuantEcon's.

Run from the repository root:

    python benchmarks/repeated_benchmark.py            # every case (about a minute); prints a Markdown table
    python benchmarks/repeated_benchmark.py --quick    # small cases, no peer, in seconds
    python benchmarks/repeated_benchmark.py --output benchmarks/REPEATED.md

Cases:

* **critical discount factors, 6 departments x 3 actions**: six departments in a ring (729
  profiles; each one's KPI rises with the previous one's effort), evaluated and analysed by
  ``incentives.repeated``: every department's critical discount factor with reversion to each
  stage equilibrium and with pure and mixed minmax, at a discount factor and a detection
  probability given as a formula.  With the pure stage equilibria (``equilibria="pure"``), in
  floating point and exactly, and with every equilibrium (``"all"``, the N-player search of
  ``incentives.solve``); then the same with seeded interaction terms, so that dominance does not
  solve the stage game.
* **1,000-point sweep over size**: examples/keeping_close.yaml over headcount 1..1000,
  compiled once, evaluated as one batch, and ``critical_discounts`` at every point (reversion
  to the pure stage equilibria, or to every equilibrium with one search per distinct game),
  against calling ``incentives.repeated`` point by point on 50 of the points.
* **payoff sets, two departments**: ``equilibrium_payoff_set`` (Judd, Yeltekin and Conklin's
  outer and inner approximations, 128 normals) against QuantEcon's
  ``RepeatedGame.equilibrium_payoffs`` (Abreu and Sannikov), on the same seeded games (standard
  normal payoffs) and discount factors, both with tolerance 1e-12.  "agree" gives, relative to
  the largest payoff, the largest gap between our inner polygon's support and QuantEcon's set's
  over our normals, and how far QuantEcon's set reaches outside our outer polygon.  Degenerate
  sets (a point, a segment) are not compared: QuantEcon's hull refuses them.  QuantEcon's time
  is after its JIT warm-up.

Times are medians over repeats.  Timings are not tested (the test suite only runs ``--quick``).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import incentives as inc
from incentives.build import compile_model
from incentives.repeated import critical_discounts, equilibrium_payoff_set
from incentives.repeated._polygon import directions

EXAMPLE = "examples/keeping_close.yaml"
DEPARTMENTS = ("sales", "support", "development", "operations", "finance", "marketing")


@dataclass
class Row:
    benchmark: str
    case: str
    ours: str
    seconds: float | None
    peer: str = ""
    peer_seconds: float | None = None
    agree: str = ""
    note: str = ""


def median_time(run: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def ring(seeded: bool, seed: int = 0) -> inc.Organization:
    """Six departments in a ring, three effort levels each: each one's KPI rises with the previous one's effort.

    Effort costs its own department 1 a level and brings the next one 2, so every department's
    dominant choice is no effort and the company optimum is full effort (delta* = 2 / (2 + 2p)).
    ``seeded`` adds random interaction terms, so that the game is no longer dominance solvable.
    """
    rng = np.random.default_rng(seed)
    kpis = {}
    for i, name in enumerate(DEPARTMENTS):
        previous, following = DEPARTMENTS[i - 1], DEPARTMENTS[(i + 1) % 6]
        kpi = f"4 - {name}.effort + 2 * {previous}.effort"
        if seeded:
            a, b = (int(x) for x in rng.integers(-2, 3, size=2))
            kpi += f" + {a} * {name}.effort * {following}.effort / 2 + {b} * {name}.effort * {previous}.effort / 2"
        kpis[f"k_{name}"] = kpi
    return inc.Organization.from_dict(
        {
            "name": "Six departments in a ring" + (" (seeded)" if seeded else ""),
            "parameters": {"size": 10},
            "departments": {n: {"actions": {f"level{k}": {"effort": k} for k in range(3)}} for n in DEPARTMENTS},
            "kpis": kpis,
            "company_value": " + ".join(f"3 * {n}.effort" for n in DEPARTMENTS),
            "bonus": {n: {f"k_{n}": 1} for n in DEPARTMENTS},
        }
    )


def six_department_rows(quick: bool) -> list[Row]:
    rows = []
    for seeded, label, exact, method in [
        (False, "pure reversion + minmax, floats", False, "pure"),
        (False, "pure reversion + minmax, exact", True, "pure"),
        (False, "every stage equilibrium + minmax, floats", False, "all"),
        (True, "seeded, pure reversion + minmax, floats", False, "pure"),
        (True, "seeded, every stage equilibrium + minmax, floats", False, "all"),
    ]:
        if quick and (seeded or method == "all"):
            continue
        org = ring(seeded)

        def run(org: inc.Organization = org, exact: bool = exact, method: str = method) -> inc.RepeatedAnalysis:
            model = inc.evaluate_model(org, exact=exact)
            return inc.repeated(model, discount=0.9, monitoring="1 / (1 + size / 20)", equilibria=method)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = run()
            seconds = median_time(run, 1 if quick else 3)
        shown = "n/a" if result.critical_discount is None else f"{float(result.critical_discount):.4g}"
        note = (
            f"evaluate + analyse; {len(result.equilibria)} stage equilibria ({result.equilibria.status}); "
            f"delta* = {shown}, minmax bound {float(result.harshest.critical_discount):.4g}"
        )
        rows.append(
            Row("critical discount factors", f"6 departments x 3 actions, {label}", "repeated", seconds, note=note)
        )
    return rows


def sweep_rows(quick: bool) -> list[Row]:
    org = inc.load_model(EXAMPLE)
    points = 100 if quick else 1000
    sizes = np.linspace(1, 1000, points)[:, np.newaxis]
    rows = []
    for method in ("pure", "all"):

        def run(method: str = method) -> Any:
            batch = compile_model(org, ["headcount"]).evaluate(sizes)
            return critical_discounts(batch, equilibria=method)

        found = run()
        seconds = median_time(run, 1 if quick else 3)
        collapse = float(sizes[~found.sustained][0, 0])
        note = f"compile + evaluate + analyse; first size not sustained: {collapse:.0f}"
        rows.append(
            Row("sweep over size", f"{points} points, reversion: {method}", "critical_discounts", seconds, note=note)
        )
    subset = sizes[:: max(1, points // (5 if quick else 50))]

    def per_point() -> None:
        for (headcount,) in subset:
            model = org.with_parameters({"headcount": float(headcount)})
            inc.repeated(model, payoff_set=False)

    per = median_time(per_point, 1) / len(subset) * points
    rows[-1].peer, rows[-1].peer_seconds = f"repeated() per point (x{points}, from {len(subset)})", per
    return rows


def payoff_set_rows(quick: bool) -> list[Row]:
    NormalFormGame = Player = RepeatedGame = None
    if not quick:  # importing QuantEcon compiles with numba: seconds
        try:
            from quantecon.game_theory import NormalFormGame, Player, RepeatedGame
        except ImportError:
            pass
    shapes = [(2, 2), (3, 3)] if quick else [(2, 2), (3, 3), (4, 4), (5, 5)]
    deltas = [0.9] if quick else [0.6, 0.9]
    seeds = range(1 if quick else 5)
    use_peer = NormalFormGame is not None and not quick
    if use_peer:  # JIT warm-up, not timed
        warm = np.random.default_rng(0).normal(size=(2, 2, 2))
        _quantecon(NormalFormGame, Player, RepeatedGame, warm, 0.9)
    rows = []
    for shape in shapes:
        for delta in deltas:
            ours_t, peer_t, gaps, outside, compared = [], [], [], [], 0
            for seed in seeds:
                payoffs = np.random.default_rng([shape[0], seed]).normal(size=(2, *shape))
                game = inc.Game.from_payoffs(payoffs)
                result = equilibrium_payoff_set(game, delta, tol=1e-12)
                ours_t.append(median_time(lambda g=game, d=delta: equilibrium_payoff_set(g, d, tol=1e-12), 1))
                if not use_peer:
                    continue
                start = time.perf_counter()
                theirs = _quantecon(NormalFormGame, Player, RepeatedGame, payoffs, delta)
                peer_t.append(time.perf_counter() - start)
                if theirs is None or result.inner is None:
                    continue
                normals = directions(result.directions)
                support = (theirs @ normals.T).max(axis=0)
                scale = max(1.0, float(np.abs(payoffs).max()))
                gaps.append(float(np.max(np.abs((result.inner @ normals.T).max(axis=0) - support))) / scale)
                outside.append(max(0.0, float(np.max(support - (result.outer @ normals.T).max(axis=0)))) / scale)
                compared += 1
            agree = ""
            if use_peer:
                gap, out = max(gaps, default=0.0), max(outside, default=0.0)
                agree = (
                    f"{compared}/{len(seeds)} compared; inner off by <= {gap:.1e}, theirs outside outer by <= {out:.1e}"
                )
            rows.append(
                Row(
                    "payoff sets, 2 departments",
                    f"{shape[0]}x{shape[1]}, delta {delta}",
                    "JYC outer + inner",
                    statistics.median(ours_t),
                    "quantecon abreu_sannikov" if use_peer else "quantecon (not run)",
                    statistics.median(peer_t) if peer_t else None,
                    agree,
                    "" if use_peer else ("--quick" if quick else "quantecon not installed"),
                )
            )
    return rows


def _quantecon(nfg: Any, player: Any, repeated: Any, payoffs: np.ndarray, delta: float) -> np.ndarray | None:
    stage = nfg((player(payoffs[0]), player(payoffs[1].T)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hull = repeated(stage, delta).equilibrium_payoffs(options={"tol": 1e-12})
    except Exception:  # degenerate sets: qhull refuses them
        return None
    return np.asarray(hull.points[hull.vertices])


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| benchmark | case | ours | ours median | peer | peer median | agree | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        cells = [r.benchmark, r.case, r.ours, _fmt(r.seconds), r.peer, _fmt(r.peer_seconds), r.agree, r.note]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(rows: Sequence[Row], quick: bool) -> str:
    head = [
        "# Repeated-game benchmarks",
        "",
        f"Run with `python benchmarks/repeated_benchmark.py{' --quick' if quick else ''}`.",
        "",
        f"- machine: {platform.platform()}, {platform.processor() or platform.machine()}",
        f"- Python {platform.python_version()}; numpy {np.__version__}; incentives {inc.__version__}",
        f"- {os.cpu_count()} cores; load average at the end {os.getloadavg()[0]:.1f} (other work slows every row)",
    ]
    return "\n".join(head) + "\n\n" + table(rows) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small cases only, no peer")
    parser.add_argument("--output", type=Path, help="write the Markdown report here too")
    args = parser.parse_args(argv)
    rows = six_department_rows(args.quick) + sweep_rows(args.quick) + payoff_set_rows(args.quick)
    text = report(rows, args.quick)
    sys.stdout.write(text)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
