"""Benchmarks of `incentives` against nashpy, QuantEcon, Gambit and lrsnash on the same seeded games.

Run from the repository root:

    python benchmarks/run.py            # the full run (several minutes); writes benchmarks/RESULTS.md
    python benchmarks/run.py --quick    # small cases only, in seconds; writes nothing unless --output
    python benchmarks/run.py --readme   # also paste the table into README.md's Benchmarks section

Each row compares one of our solvers with one peer on the same seeded random games (standard normal
payoffs, so ties have probability zero; the exact section uses integers in [-9, 9], often degenerate,
and in [-1000, 1000], almost always not).  Times are
medians over the games of the median over a few repeats; "peer / ours" above 1 means ours is faster.
"agree" compares the equilibrium sets game by game (to 1e-6): "yes", or how many equilibria only
one side found.  Peers that are not installed are listed as not available; slow peers run in a
separate process with a timeout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

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

    @property
    def ratio(self) -> str:
        if self.ours_seconds is None or self.peer_seconds is None or self.ours_seconds <= 0:
            return ""
        return f"{self.peer_seconds / self.ours_seconds:.3g}x"


@dataclass
class Case:
    """A family of seeded games and the timed runs of every solver on each of them."""

    benchmark: str
    name: str
    payoffs: list[np.ndarray]
    runs: dict[str, list[peers.Run]] = field(default_factory=dict)

    def run(self, label: str, adapter: peers.Adapter, timeout: float | None = None) -> None:
        out = []
        for payoffs in self.payoffs:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                run = (
                    peers.timed_with_timeout(adapter, payoffs, timeout)
                    if timeout is not None
                    else peers.timed(adapter, payoffs)
                )
            out.append(run)
            if run.failure:
                break  # one timeout is enough to know
        self.runs[label] = out

    def median(self, label: str) -> float | None:
        runs = self.runs.get(label, [])
        if not runs or any(r.seconds is None for r in runs):
            return None
        return float(np.median([r.seconds for r in runs]))

    def failure(self, label: str) -> str:
        return next((r.failure for r in self.runs.get(label, []) if r.failure), "")

    def agreement(self, ours: str, peer: str) -> str:
        pairs = list(zip(self.runs.get(ours, []), self.runs.get(peer, []), strict=False))
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
        statuses = {r.status for r in self.runs.get(ours, []) if r.status}
        if statuses - {"complete"} and not self.benchmark.startswith("one equilibrium"):  # one is all it promises
            note = "; ".join(filter(None, [note, f"ours: {', '.join(sorted(statuses))}"]))
        extras = [r.extra for r in self.runs.get(peer, []) if r.extra]
        if extras and "solve" in extras[0]:
            build = np.median([e["build"] for e in extras])
            solve = np.median([e["solve"] for e in extras])
            note = "; ".join(filter(None, [note, f"peer: build {_fmt(build)} + solve {_fmt(solve)}"]))
        ours_extras = [r.extra for r in self.runs.get(ours, []) if r.extra and "build" in r.extra]
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
    return Row(
        benchmark=benchmark,
        case=case.name,
        games=len(case.payoffs),
        ours=ours,
        ours_seconds=case.median(ours),
        peer=peer,
        note=f"{module} not available",
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
        case = Case(name, _shape(shape), seeded(shape, range(2 if quick else 3)))
        case.run("ours solve(pure)", peers.ours("pure"))
        case.run("ours kernel (unverified)", peers.ours_pure_kernel)
        case.run("numpy best-response mask", peers.numpy_mask)
        rows.append(case.row("ours solve(pure)", "ours kernel (unverified)"))
        rows.append(case.row("ours solve(pure)", "numpy best-response mask"))
        if not peers.available("pygambit"):
            rows.append(_unavailable(name, case, "ours solve(pure)", "gambit enumpure", "pygambit"))
        elif len(shape) * int(np.prod(shape)) <= 5_000_000:
            case.run("gambit enumpure", peers.gambit_adapter("enumpure"), timeout=30 if quick else 300)
            rows.append(case.row("ours solve(pure)", "gambit enumpure"))
        else:
            rows.append(
                Row(
                    name,
                    case.name,
                    len(case.payoffs),
                    "ours solve(pure)",
                    case.median("ours solve(pure)"),
                    "gambit enumpure",
                    note="skipped: building a Gambit game of this size from arrays takes minutes",
                )
            )
    return rows


def two_player(quick: bool) -> list[Row]:
    """All equilibria of random two-player k x k games."""
    name = "all equilibria, 2 players"
    rows = []
    sizes = [3, 4] if quick else list(range(3, 11))
    for k in sizes:
        case = Case(name, f"{k}x{k}", seeded((k, k), range(2 if quick else 5)))
        case.run("ours vertex-enumeration", peers.ours("vertex-enumeration"))
        case.run("ours support-enumeration", peers.ours("support-enumeration"))
        slow_limit = 4 if quick else 8
        for peer, method in (
            ("nashpy support_enumeration", "support_enumeration"),
            ("nashpy vertex_enumeration", "vertex_enumeration"),
        ):
            ours = "ours support-enumeration" if method == "support_enumeration" else "ours vertex-enumeration"
            if k <= slow_limit:
                case.run(peer, peers.nashpy_adapter(method), timeout=20 if quick else 120)
                rows.append(case.row(ours, peer))
            else:
                rows.append(
                    Row(
                        name,
                        case.name,
                        len(case.payoffs),
                        ours,
                        case.median(ours),
                        peer,
                        note=f"skipped for k > {slow_limit} (minutes per game)",
                    )
                )
        if peers.available("quantecon"):
            case.run("quantecon vertex_enumeration", peers.quantecon_vertex_enumeration)
            rows.append(case.row("ours vertex-enumeration", "quantecon vertex_enumeration", "after JIT warm-up"))
        else:
            rows.append(
                _unavailable(name, case, "ours vertex-enumeration", "quantecon vertex_enumeration", "quantecon")
            )
        if peers.available("pygambit"):
            case.run("gambit enummixed (float)", peers.gambit_adapter("enummixed", rational=False))
            rows.append(case.row("ours vertex-enumeration", "gambit enummixed (float)"))
        else:
            rows.append(_unavailable(name, case, "ours vertex-enumeration", "gambit enummixed (float)", "pygambit"))
    return rows


def two_player_exact(quick: bool) -> list[Row]:
    """All equilibria in exact arithmetic (integer payoffs), against Gambit's rational enummixed and lrsnash.

    Small integers make many games degenerate (ties), where our solver takes its perturbed hull path;
    integers in [-1000, 1000] make them almost surely non-degenerate (its plain hull path).
    """
    name = "all equilibria, 2 players, exact"
    ours = "ours vertex-enumeration (exact)"
    rows = []
    startup = peers.lrsnash_startup_seconds()
    for k in [3] if quick else [4, 6, 8, 10]:
        for high in (9, 1000):
            payoffs = seeded((k, k), range(2 if quick else 5), integer=True, high=high)
            case = Case(name, f"{k}x{k} integers in [-{high}, {high}]", payoffs)
            case.run(ours, peers.ours_exact("vertex-enumeration"))
            runs = case.runs[ours]
            degenerate = sum(bool(r.extra and r.extra.get("degenerate")) for r in runs)
            ours_note = f"ours: {degenerate}/{len(runs)} games degenerate"
            if peers.available("pygambit"):
                case.run("gambit enummixed (rational)", peers.gambit_adapter("enummixed", rational=True))
                rows.append(case.row(ours, "gambit enummixed (rational)", ours_note))
            else:
                rows.append(_unavailable(name, case, ours, "gambit enummixed (rational)", "pygambit"))
            if startup is None:
                rows.append(_unavailable(name, case, ours, "lrsnash", "lrsnash (lrslib)"))
                continue
            case.run("lrsnash", peers.lrsnash_adapter(timeout=20 if quick else 120))
            exact = all(
                peers.exactly_compared(a.equilibria or [], b.equilibria or [])
                for a, b in zip(case.runs[ours], case.runs["lrsnash"], strict=False)
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
        case.run("ours all", peers.ours("all"))
        if peers.available("pygambit"):
            case.run("gambit enumpoly", peers.gambit_adapter("enumpoly"), timeout=10 if quick else 20)
            rows.append(case.row("ours all", "gambit enumpoly"))
        else:
            rows.append(_unavailable(name, case, "ours all", "gambit enumpoly", "pygambit"))
    return rows


def one_equilibrium(quick: bool) -> list[Row]:
    """One equilibrium of larger N-player games by path following."""
    name = "one equilibrium, N players"
    rows = []
    has_logit = "logit" in inc.registered_solvers()
    shapes = [(3, 3, 3)] if quick else [(3, 3, 3), (3, 3, 3, 3), (4, 4, 4, 4), (2,) * 6]
    for shape in shapes:
        case = Case(name, _shape(shape), seeded(shape, range(2 if quick else 3)))
        if has_logit:
            case.run("ours logit", peers.ours("logit"))
        note = "" if has_logit else "ours: no 'logit' solver registered yet"
        if peers.available("pygambit"):
            case.run("gambit logit", peers.gambit_adapter("logit"))
            regrets = {
                label: max(peers.max_regret(p, r.equilibria or []) for p, r in zip(case.payoffs, runs, strict=False))
                for label, runs in case.runs.items()
            }
            note = "; ".join(filter(None, [note, ", ".join(f"{k} regret {v:.1e}" for k, v in regrets.items())]))
            row = case.row("ours logit", "gambit logit", note)
            row.agree = ""  # different paths may end at different equilibria: compare regrets instead
            rows.append(row)
        else:
            rows.append(_unavailable(name, case, "ours logit", "gambit logit", "pygambit"))
    return rows


BENCHMARKS: list[Callable[[bool], list[Row]]] = [
    pure_equilibria,
    two_player,
    two_player_exact,
    n_player_all,
    one_equilibrium,
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


def table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table."""
    head = "| benchmark | case | games | ours | ours median | peer | peer median | peer / ours | agree | note |"
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        cells = [
            r.benchmark,
            r.case,
            str(r.games),
            r.ours,
            _fmt(r.ours_seconds),
            r.peer,
            _fmt(r.peer_seconds),
            r.ratio,
            r.agree,
            r.note,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


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
    blas = ", ".join(f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("OPENBLAS")) or "none"
    return (
        f"- machine: {platform.platform()}, {cpu}, {os.cpu_count()} cores\n"
        f"- Python {platform.python_version()}; {', '.join(versions)}\n"
        f"- OpenBLAS environment: {blas}"
    )


def report(rows: Sequence[Row], quick: bool, jit: float | None) -> str:
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    notes = []
    if jit is not None:
        notes.append(
            f"- QuantEcon's first call (numba JIT compilation) took {_fmt(jit)} in a fresh process; "
            "its rows are timed after a warm-up call."
        )
    notes += [
        "- peer / ours > 1: ours is faster. Times are medians over the games of each case.",
        "- Gambit's times include building its game from the arrays (its only way in from numpy; the split is "
        "in the note). Ours time `inc.solve` on a built game: the build is in the note.",
        "- `ours solve(pure)` includes the independent regret check of every equilibrium found (each player's "
        "payoffs along its own axis); the kernel alone is the `ours kernel (unverified)` row.",
        "- nashpy's support enumeration accepts a candidate only if every probability is exactly >= 0 and the "
        "best payoffs compare equal, so rounding makes it miss equilibria of float games; its own vertex "
        "enumeration finds the ones it misses.",
        "- lrsnash (lrslib; exact arithmetic, 64-bit integers switching to GMP on overflow) is a separate "
        "program: it is timed as a whole process from the game file written beforehand, so its times include "
        "process start-up (the note gives the time of a 1x1 game). Its extreme equilibria and ours are "
        "compared exactly, as fractions.",
        "- In the exact section, integers in [-9, 9] often make games degenerate, where our solver perturbs the "
        "polytopes to make them simple (as lrs does) and solves the bases found again without the perturbation; "
        "integers in [-1000, 1000] almost never do, and the plain hull path suffices.",
        "- Rows marked `ours: incomplete` come from a search that does not promise every equilibrium.",
        "- Where the sets differ, the regrets of the equilibria only one side found are recomputed by our "
        "independent check, and `odd counts` says in how many games each side found an odd number of "
        "equilibria: a game without degeneracy has an odd number (Wilson's oddness theorem), so an even count "
        "shows missed equilibria.",
    ]
    return "\n".join(
        [
            "# Benchmark results",
            "",
            f"Run on {date} with `python benchmarks/run.py{' --quick' if quick else ''}`.",
            "",
            machine(),
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


README_START = "<!-- benchmarks:start -->"
README_END = "<!-- benchmarks:end -->"


def update_readme(path: Path, text: str) -> None:
    """Replace the README's text between the benchmark markers with the latest results."""
    readme = path.read_text()
    if README_START not in readme or README_END not in readme:
        raise SystemExit(f"error: {path} has no {README_START} ... {README_END} markers to replace between")
    head, rest = readme.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    body = text.split("\n", 2)[2].strip()  # drop the "# Benchmark results" title
    write_atomically(path, f"{head}{README_START}\n{body}\n{README_END}{tail}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small cases only (seconds); writes nothing by default")
    parser.add_argument("--output", type=Path, default=None, help="where to write the Markdown results")
    parser.add_argument("--only", action="append", default=None, help="run only benchmarks whose name contains this")
    parser.add_argument("--readme", action="store_true", help="also paste the table into README.md")
    args = parser.parse_args(argv)
    if args.readme and (args.quick or args.only):
        parser.error("--readme keeps the full table in the README: run it without --quick and --only")
    output = args.output if args.output is not None else (None if args.quick else ROOT / "benchmarks" / "RESULTS.md")
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
    text = report(rows, args.quick, jit)
    print(text)
    if output is not None:
        write_atomically(output, text)
        print(f"wrote {output}", file=sys.stderr)
    if args.readme:
        update_readme(ROOT / "README.md", text)
        print(f"updated {ROOT / 'README.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
