"""A bounded sample of hostile and oversized files: every one ends in a result or a clean error, within a time limit.

The files come from ``tests/fuzz/generate.py`` (every category of issue 14 and mutations
of every example); each runs in a forked child with a time limit and a memory cap
(``tests/fuzz/isolate.py``), so a hang or a crash fails its test instead of the suite.
``python -m tests.fuzz.run`` runs thousands of such files through the command line.
"""

from __future__ import annotations

import os
import random
import signal
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="needs os.fork (POSIX)")


from tests.fuzz.generate import CATEGORIES, EXAMPLES, GAMES, Case, generate, mutation, write_case  # noqa: E402
from tests.fuzz.isolate import run_isolated  # noqa: E402

#: Seconds one file may take through load, evaluation and analysis (a hang is killed here).
TIME_LIMIT = 30.0
#: Address-space cap of each run.
MEMORY = 3 * 1024**3
PER_CATEGORY = 3


def api_run(case: Case) -> None:
    """The API entry points: load_model + evaluate_model + analyze, or read_nfg + solve."""
    import incentives as inc

    if case.kind == "nfg":
        inc.solve(inc.read_nfg(case.path), max_seconds=5)
    else:
        model = inc.evaluate_model(inc.load_model(case.path))
        inc.analyze(model, max_seconds=5)


def check(case: Case) -> None:
    outcome = run_isolated(lambda: api_run(case), timeout=TIME_LIMIT, memory=MEMORY)
    assert not outcome.failed, f"{case.path.name} ({case.category}): {outcome.status}\n{outcome.detail}"


@pytest.mark.parametrize("category", sorted(set(CATEGORIES) - {"mutation"}))
def test_every_category_ends_cleanly(category: str, tmp_path: Path) -> None:
    for case in generate(tmp_path, PER_CATEGORY, seed=14, categories=[category]):
        check(case)


@pytest.mark.parametrize("source", [p.name for p in EXAMPLES + GAMES])
def test_mutations_of_every_example_end_cleanly(source: str, tmp_path: Path) -> None:
    rng = random.Random(source)
    for k in range(3):
        content = mutation(rng, source=next(p for p in EXAMPLES + GAMES if p.name == source))
        check(write_case(tmp_path, f"{k}-{source}", "mutation", content))


def test_a_hang_and_a_crash_are_reported_not_hidden() -> None:
    # the harness itself: without this, a runner that never fails would pass every test above
    import time

    assert run_isolated(lambda: time.sleep(60), timeout=0.5).status == "timeout"

    def spin() -> None:
        while True:
            pass

    assert run_isolated(spin, timeout=600, cpu=1).status == "timeout"  # the processor limit, not the clock
    assert run_isolated(lambda: os.kill(os.getpid(), signal.SIGKILL), timeout=10).status == "crash"
    assert run_isolated(lambda: [][1], timeout=10).status == "traceback"
    assert run_isolated(lambda: bytearray(2 * MEMORY), timeout=10, memory=MEMORY).status == "memory"
    from incentives.errors import ModelError

    def clean() -> None:
        raise ModelError([])

    assert run_isolated(clean, timeout=10).status == "clean"


def test_the_command_line_on_a_sample_ends_cleanly_and_writes_only_its_output(tmp_path: Path) -> None:
    # one file of every category through one command each (rotating), as tests/fuzz/run.py does on thousands
    from tests.fuzz.run import COMMANDS, preload, run_command

    preload()  # once here, not in every forked run
    names = list(COMMANDS)
    cases = generate(tmp_path / "inputs", len(CATEGORIES) - 1, seed=7, mutations=0.0)
    runs = []
    for index, case in enumerate(cases):
        usable = [name for name in names if case.kind in COMMANDS[name][1]]
        command = usable[index % len(usable)]
        outcome, stray = run_command(command, case, tmp_path, timeout=TIME_LIMIT, memory=MEMORY)
        runs.append((command, case.category, outcome.status, stray))
        assert not outcome.failed, f"{command} {case.path.name} ({case.category}): {outcome.status}\n{outcome.detail}"
        assert stray == [], f"{command} {case.path.name} wrote {stray}"
    assert {category for _, category, _, _ in runs} == set(CATEGORIES) - {"mutation"}


@pytest.mark.parametrize("delay", [0.0, 0.5, 1.0, 2.0, 4.0])
def test_an_interrupted_output_leaves_the_old_file_or_the_complete_new_one(tmp_path: Path, delay: float) -> None:
    import json
    import time

    target = tmp_path / "report.json"
    target.write_text('{"old": true}', encoding="utf-8")
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            from incentives.cli import main

            main.main(args=["analyze", "examples/growing_company.yaml", "-o", str(target)], standalone_mode=False)
        finally:
            os._exit(0)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    written = json.loads(target.read_text(encoding="utf-8"))  # never half a file
    assert written == {"old": True} or written["schema"].startswith("incentives.")


@pytest.mark.parametrize("shard", ["2/2", "1/1", "x/2", "1"])
def test_the_fuzz_script_refuses_a_shard_it_would_not_run(shard: str, capsys: pytest.CaptureFixture[str]) -> None:
    # shards are numbered from 0: "2/2" used to select no file at all, and the run reported nothing
    from tests.fuzz.run import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--count", "1", "--shard", shard])
    assert exit_info.value.code == 2
    assert "0 <= I < N" in capsys.readouterr().err
