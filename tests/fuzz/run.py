"""Run thousands of hostile files through every command of the command line, and summarise how each run ended.

Usage (from the repository root)::

    python -m tests.fuzz.run --count 2000 --seed 1 --timeout 60 --memory 3072 --commands-per-file 3

    # or in two processes, then one summary:
    python -m tests.fuzz.run --count 2000 --shard 0/2 --results a.json &
    python -m tests.fuzz.run --count 2000 --shard 1/2 --results b.json
    python -m tests.fuzz.run --merge a.json b.json

Each file of :func:`tests.fuzz.generate.generate` runs through ``--commands-per-file``
commands of :data:`COMMANDS` (rotating, so every command meets every category; ``0``:
all of them).  Each run is a forked child of this process (which has imported the
command line once) with the time limit and an address-space cap, in an empty working
folder, with the command's ``--output`` pointed into it.  A run ends **ok** (status 0)
or **clean** (status 1 or 2, or 3 where ``design`` finds no plan: a message and no traceback); anything
else is a failure:

* **traceback**: a Python traceback on standard error, or another exit status;
* **timeout**: past its processor time (`--timeout`) or its wall-clock time (five times that);
* **memory**: a ``MemoryError`` (the cap was hit), or the child was killed;
* **stray files**: a file written anywhere but the requested output (the working
  folder, the folder of the input).

The summary counts each per command and per category and lists the first failures of
each kind with the file and the end of the traceback.  Exit status 1 if any run failed.

:data:`COMMANDS` is the one table to update when the command line changes; :data:`OPTIONS`
holds hostile option values (``--options`` adds them to the runs).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

from .generate import Case, generate
from .isolate import Outcome, run_isolated

__all__ = ["COMMANDS", "OPTIONS", "main", "run_command"]

#: Every command run on a generated file: name -> (arguments, kinds of input it takes).
#: ``{input}`` is the file, ``{parameter}`` a parameter of the model, ``{out}`` the run's
#: folder (the only place a command may write).
COMMANDS: dict[str, tuple[list[str], set[str]]] = {
    "analyze": (["analyze", "{input}", "--max-seconds", "10"], {"model"}),
    "analyze-json": (
        ["analyze", "{input}", "--format", "json", "-o", "{out}/report.json", "--max-seconds", "10"],
        {"model"},
    ),
    "perspectives": (["perspectives", "{input}", "--format", "markdown"], {"model"}),
    "solve": (["solve", "{input}", "--max-seconds", "10"], {"model", "nfg"}),
    "solve-html": (
        ["solve", "{input}", "--format", "html", "-o", "{out}/report.html", "--max-seconds", "10"],
        {"model", "nfg"},
    ),
    "graph": (["graph", "{input}", "-o", "{out}/graph.json"], {"model"}),
    "design": (["design", "{input}", "--max-seconds", "10", "--output-model", "{out}/designed.yaml"], {"model"}),
    "sweep": (
        [
            "sweep",
            "{input}",
            "-p",
            "{parameter}=0:10:3",
            "--workers",
            "1",
            "--max-seconds",
            "10",
            "--no-progress",
            "--table",
            "{out}/sweep.csv",
        ],
        {"model"},
    ),
    "thresholds": (["thresholds", "{input}", "-s", "{parameter}"], {"model"}),
    "continuous": (["continuous", "{input}", "--format", "json", "--max-seconds", "10"], {"model"}),
    "handout": (["handout", "{input}", "-o", "{out}/handout.html", "--max-seconds", "10"], {"model"}),
    "qre": (["qre", "{input}", "--format", "json"], {"model", "nfg"}),
}


#: Hostile option values (issue 14, "Options"), run with ``--options``: every one must end in a clean error too.
OPTIONS: dict[str, tuple[list[str], set[str]]] = {
    "output-missing-folder": (["analyze", "{input}", "-o", "{out}/no/such/folder/report.json"], {"model"}),
    "sweep-nan": (["sweep", "{input}", "-p", "{parameter}=nan:inf:3", "--workers", "1", "--no-progress"], {"model"}),
    "sweep-huge-grid": (["sweep", "{input}", "-p", "{parameter}=0:1:100000000", "--no-progress"], {"model"}),
    "thresholds-nan": (["thresholds", "{input}", "-s", "{parameter}=nan:inf"], {"model"}),
    "qre-inf": (["qre", "{input}", "--lambda", "inf"], {"model", "nfg"}),
    "qre-huge": (["qre", "{input}", "--lambda", "1e308"], {"model", "nfg"}),
    "solve-nan-tol": (["solve", "{input}", "--tol", "nan"], {"model", "nfg"}),
}


#: A run may take this many times its processor limit (``--timeout``) in wall-clock time: on a
#: busy machine it waits for a processor (a run blocked without working, on a FIFO, still ends here).
WALL_FACTOR = 5


def arguments(command: str, case: Case, out: Path) -> list[str]:
    template, _ = COMMANDS[command] if command in COMMANDS else OPTIONS[command]
    values = {"input": str(case.path), "parameter": case.parameter, "out": str(out)}
    return [part.format(**values) for part in template]


def _snapshot(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.is_dir() else set()


def run_command(command: str, case: Case, work: Path, *, timeout: float, memory: int) -> tuple[Outcome, list[str]]:
    """Run ``incentives COMMAND`` on ``case`` in a fresh folder under ``work``; the outcome and any stray files."""
    from incentives.cli import main

    out = Path(tempfile.mkdtemp(prefix=f"{command}-", dir=work))
    logs = Path(tempfile.mkdtemp(prefix="logs-", dir=work))
    args = arguments(command, case, out)
    inputs_before = _snapshot(case.path.parent)

    def invoke() -> None:
        main.main(args=args, prog_name="incentives", standalone_mode=True)

    outcome = run_isolated(invoke, timeout=timeout * WALL_FACTOR, memory=memory, cpu=timeout, cwd=out, output=logs)
    allowed = {Path(a).name for a in args if a.startswith(str(out))}
    stray = [f"{out.name}/{name}" for name in _snapshot(out) - allowed]
    stray += [f"inputs/{name}" for name in _snapshot(case.path.parent) - inputs_before]
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(logs, ignore_errors=True)
    return outcome, stray


def _commands_for(case: Case, index: int, per_file: int, names: list[str]) -> list[str]:
    usable = [name for name in names if case.kind in {**COMMANDS, **OPTIONS}[name][1]]
    if per_file <= 0 or per_file >= len(usable):
        return usable
    start = (index * per_file) % len(usable)
    return [usable[(start + k) % len(usable)] for k in range(per_file)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="files to generate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--timeout", type=float, default=60.0, help=f"processor seconds per run (wall clock: {WALL_FACTOR} times)"
    )
    parser.add_argument("--memory", type=int, default=3072, help="address-space cap per run, MiB")
    parser.add_argument("--commands-per-file", type=int, default=0, help="0: every command on every file")
    parser.add_argument("--category", action="append", help="only these categories (repeatable)")
    parser.add_argument(
        "--command", action="append", choices=[*COMMANDS, *OPTIONS], help="only these commands (repeatable)"
    )
    parser.add_argument("--options", action="store_true", help="also the hostile option values of OPTIONS")
    parser.add_argument(
        "--shard", default="0/1", help="I/N: run the files whose number is I modulo N, 0 <= I < N (one process each)"
    )
    parser.add_argument("--results", type=Path, help="also write every run's outcome to this JSON file")
    parser.add_argument("--merge", type=Path, nargs="+", help="print the summary of --results files, run nothing")
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    parser.add_argument("--show", type=int, default=5, help="failures shown of each kind")
    options = parser.parse_args(argv)
    if options.merge:
        results = [row for path in options.merge for row in _read_results(path)]
        print(summary(results, sum(json.loads(p.read_text())["seconds"] for p in options.merge), options.show))
        return 1 if any(o.failed or s for _, _, o, s in results) else 0
    shard, shards = _shard(parser, options.shard)
    names = options.command or [*COMMANDS, *(OPTIONS if options.options else ())]
    work = options.keep or Path(tempfile.mkdtemp(prefix="incentives-fuzz-"))
    cases = generate(work / "inputs", options.count, options.seed, options.category, shard=(shard, shards))
    preload()

    results: list[tuple[str, Case, Outcome, list[str]]] = []
    started = time.monotonic()
    for case in cases:
        index = int(case.path.name.split("-")[0])
        for command in _commands_for(case, index, options.commands_per_file, names):
            outcome, stray = run_command(command, case, work, timeout=options.timeout, memory=options.memory << 20)
            results.append((command, case, outcome, stray))
            if outcome.failed or stray:
                print(f"[{outcome.status}{' +stray' if stray else ''}] {command} {case.path.name}", file=sys.stderr)
        if (index + 1) % 50 < shards:
            print(f"... {index + 1}/{options.count} files, {time.monotonic() - started:.0f} s", file=sys.stderr)
    seconds = time.monotonic() - started
    if options.results:
        _write_results(options.results, results, seconds)
    print(summary(results, seconds, options.show))
    if not options.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if any(o.failed or s for _, _, o, s in results) else 0


def _shard(parser: argparse.ArgumentParser, text: str) -> tuple[int, int]:
    """``I/N`` as ``(I, N)``, with ``0 <= I < N`` (``2/2`` would silently run no file: it is refused)."""
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and int(index) < int(count)):
        parser.error(f"--shard must be I/N with 0 <= I < N (numbered from 0: 0/2 and 1/2); got {text!r}")
    return int(index), int(count)


#: Modules every command loads: imported once in this process, so each forked run costs only its own work.
PRELOAD = (
    "incentives.cli",
    "incentives.build",
    "incentives.readwrite.model_file",
    "incentives.readwrite.nfg",
    "incentives.solvers",
    "incentives.analysis",
    "incentives.graph",
    "incentives.design",
    "incentives.whatif",
    "incentives.report",
    "scipy.optimize",
    "networkx",
    "sympy",
    "yaml",
)


def preload() -> None:
    """Import :data:`PRELOAD` before the children fork (a module missing here is imported by the run itself)."""
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def _write_results(path: Path, results: list[tuple[str, Case, Outcome, list[str]]], seconds: float) -> None:
    rows = [
        {
            "command": c,
            "file": str(case.path),
            "category": case.category,
            "kind": case.kind,
            "status": o.status,
            "detail": o.detail[-2000:],
            "seconds": o.seconds,
            "stray": stray,
        }
        for c, case, o, stray in results
    ]
    path.write_text(json.dumps({"seconds": seconds, "runs": rows}), encoding="utf-8")


def _read_results(path: Path) -> list[tuple[str, Case, Outcome, list[str]]]:
    runs = json.loads(path.read_text(encoding="utf-8"))["runs"]
    return [
        (
            r["command"],
            Case(path=Path(r["file"]), category=r["category"], kind=r["kind"], parameter=""),
            Outcome(r["status"], r["detail"], r["seconds"]),
            r["stray"],
        )
        for r in runs
    ]


def summary(results: list[tuple[str, Case, Outcome, list[str]]], seconds: float, show: int) -> str:
    """The counts of every outcome per command and per category, and the first failures of each kind."""
    kinds = ["ok", "clean", "traceback", "timeout", "memory", "crash", "stray"]
    files = {case.path for _, case, _, _ in results}
    lines = [f"{len(results)} runs of {len(files)} files in {seconds:.0f} s (summed over shards)", ""]
    for title, key in (("command", lambda r: r[0]), ("category", lambda r: r[1].category)):
        table: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        for result in results:
            table[key(result)][result[2].status] += 1
            table[key(result)]["stray"] += bool(result[3])
        lines.append(f"{title:<20}" + "".join(f"{k:>10}" for k in kinds))
        for name in sorted(table):
            lines.append(f"{name:<20}" + "".join(f"{table[name][k]:>10}" for k in kinds))
        total = collections.Counter[str]()
        for counts in table.values():
            total.update(counts)
        lines.append(f"{'total':<20}" + "".join(f"{total[k]:>10}" for k in kinds))
        lines.append("")
    for kind in kinds[2:]:
        failing = [r for r in results if (r[2].status == kind if kind != "stray" else r[3])]
        for command, case, outcome, stray in failing[:show]:
            detail = ", ".join(stray) if kind == "stray" else outcome.detail.strip().splitlines()[-3:]
            lines.append(f"{kind}: {command} {case.path.name} ({case.category}): {detail}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
