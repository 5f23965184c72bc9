"""Every notebook in notebooks/ and notebooks/solutions/ executes from top to bottom without error.

The solutions notebooks hold the worked solutions of the teaching notebooks' exercises, each asserting its answer.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted(Path("notebooks").glob("*.ipynb")) + sorted(Path("notebooks/solutions").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS


def test_every_teaching_notebook_has_its_solutions() -> None:
    for lesson in ("solution_concepts", "classic_incentive_results"):
        assert Path(f"notebooks/solutions/{lesson}_solutions.ipynb") in NOTEBOOKS
        text = Path(f"notebooks/{lesson}.ipynb").read_text(encoding="utf-8")
        assert f"solutions/{lesson}_solutions.ipynb" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to("notebooks")) for p in NOTEBOOKS])
def test_notebook_executes(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code"), "commit without outputs"
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
