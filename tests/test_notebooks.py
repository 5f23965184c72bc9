"""Every notebook in notebooks/ and notebooks/solutions/ executes from top to bottom without error.

The solutions notebooks hold the worked solutions of the teaching notebooks' exercises, each asserting its answer.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tests.notebook_support import execute

NOTEBOOKS = sorted(Path("notebooks").glob("*.ipynb")) + sorted(Path("notebooks/solutions").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS


def markdown(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("lesson", ["solution_concepts", "classic_incentive_results", "repeated_interaction"])
def test_a_lesson_has_objectives_exercises_worked_solutions_and_references(lesson: str) -> None:
    text = markdown(Path(f"notebooks/{lesson}.ipynb"))
    assert "**Learning objectives.**" in text and "**Prerequisites.**" in text and "## References" in text
    exercises = re.findall(r"^(\d+)\. \*\((Computation|Interpretation|Modelling)\.\)\*", text, flags=re.MULTILINE)
    assert len(exercises) >= 5
    kinds = [kind for _, kind in exercises]
    assert kinds == sorted(kinds, key=["Computation", "Interpretation", "Modelling"].index)  # graded
    solutions = Path(f"notebooks/solutions/{lesson}_solutions.ipynb")
    assert solutions in NOTEBOOKS and f"solutions/{lesson}_solutions.ipynb" in text
    solved = re.findall(r"^## Exercise (\d+) \((\w+)\)", markdown(solutions), flags=re.MULTILINE)
    assert solved == [(number, kind.lower()) for number, kind in exercises]


@pytest.fixture(autouse=True)
def no_kept_sweep_workers() -> None:
    """End the worker processes earlier sweeps in this process kept, so a kernel starts beside no pool."""
    from incentives.whatif import close_workers

    close_workers()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to("notebooks")) for p in NOTEBOOKS])
def test_notebook_executes(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code"), "commit without outputs"
    execute(path, notebook)


def test_a_reply_a_long_poll_misses_is_read_within_one_short_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel client of tests/notebook_support.py, on a socket that sees a reply only as a poll ends."""
    import asyncio
    import time

    from jupyter_client.channels import AsyncZMQSocketChannel

    from tests import notebook_support

    arrival = [time.monotonic() + 0.05]

    class LateSocket:
        async def poll(self, timeout_ms: int) -> int:
            await asyncio.sleep(timeout_ms / 1000)  # never woken early
            return int(time.monotonic() >= arrival[0])

    async def receive() -> dict[str, str]:
        return {"msg_type": "execute_reply"}

    def channel(kind: type[AsyncZMQSocketChannel]) -> AsyncZMQSocketChannel:
        made = object.__new__(kind)
        made.socket = LateSocket()  # type: ignore[assignment]
        made._recv = receive  # type: ignore[method-assign]
        return made

    monkeypatch.setattr(notebook_support, "POLL_SECONDS", 0.1)
    start = time.monotonic()
    assert asyncio.run(channel(AsyncZMQSocketChannel).get_msg(timeout=0.6))["msg_type"] == "execute_reply"
    assert time.monotonic() - start >= 0.6  # the plain channel: the whole timeout
    start = time.monotonic()
    assert asyncio.run(channel(notebook_support._PolledChannel).get_msg(timeout=30))["msg_type"] == "execute_reply"
    assert time.monotonic() - start < 1
    arrival[0] = time.monotonic() + 60
    with pytest.raises(notebook_support.Empty):
        asyncio.run(channel(notebook_support._PolledChannel).get_msg(timeout=0.3))
