"""notebooks/workshop.ipynb: its live report works with the sliders, and without ipywidgets it shows the report once.

tests/test_notebooks.py runs every notebook, but an error inside a widget's callback lands in the
widget's output, not in the cell: here the stored widget state is read as well.  The fallback is
run with an ``ipywidgets`` that cannot be imported (a stand-in package first on the kernel's path).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from tests.notebook_support import execute

NOTEBOOK = Path("notebooks/workshop.ipynb")
EQUILIBRIUM = "emergency=admit_to_stop_clock, wards=discharge_early, surgery=packed_list"


def _run() -> nbformat.NotebookNode:
    return execute(NOTEBOOK)


def _printed(notebook: nbformat.NotebookNode) -> str:
    return "".join(
        out.get("text", "") for cell in notebook.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
    )


def test_the_sliders_drive_the_report() -> None:
    pytest.importorskip("ipywidgets")
    notebook = _run()
    state = json.dumps(notebook.metadata.get("widgets", {}))
    assert "FloatSlider" in state
    assert "Traceback" not in state and '"output_type": "error"' not in state
    assert f"equilibrium 1: {EQUILIBRIUM}" in state  # printed by the update function inside the output widget
    assert "ipywidgets is not installed" not in _printed(notebook)


def test_without_ipywidgets_the_report_is_shown_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "ipywidgets"
    fake.mkdir()
    (fake / "__init__.py").write_text('raise ImportError("ipywidgets is not available in this test")\n')
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    printed = _printed(_run())
    assert "ipywidgets is not installed" in printed
    assert printed.count(f"equilibrium 1: {EQUILIBRIUM}") == 2  # the fallback, then the record
    assert "emergency      GAMES" in printed and "wards          responds" in printed
