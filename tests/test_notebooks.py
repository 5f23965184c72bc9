"""Every notebook in notebooks/ and notebooks/solutions/ executes from top to bottom without error.

The solutions notebooks hold the worked solutions of the teaching notebooks' exercises, each asserting its answer.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

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
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
