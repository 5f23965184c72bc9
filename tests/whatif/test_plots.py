"""Plots of sweeps are drawn and saved as real images."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import incentives as inc
from incentives.whatif import grid, latin_hypercube, plot_phase_diagram, plot_sweep, save_figure, sweep

pytest.importorskip("matplotlib")

EXAMPLE = "examples/growing_company.yaml"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def org() -> inc.Organization:
    return inc.load_model(EXAMPLE)


def test_plot_against_one_quantity(org: inc.Organization, tmp_path: Path) -> None:
    result = sweep(org, {"customers_per_deal": np.linspace(10, 300, 15)}, progress=False)
    figure = plot_sweep(result)
    top, _, bottom = figure.axes
    assert [line.get_label() for line in top.get_lines()] == [
        "company optimum",
        "best equilibrium",
        "worst equilibrium",
    ]
    assert [t.get_text() for t in bottom.get_yticklabels()] == list(org.department_names)
    path = save_figure(figure, tmp_path / "sweep.png")
    assert path.read_bytes()[:8] == PNG and path.stat().st_size > 10_000


def test_phase_diagram_names_each_profile(org: inc.Organization, tmp_path: Path) -> None:
    points = grid({"customers_per_deal": np.linspace(10, 300, 6), "bonus.support.reopened_tickets": [-0.5, -0.2, 0]})
    figure = plot_phase_diagram(sweep(org, points, progress=False))
    (legend,) = figure.legends
    assert sorted(t.get_text() for t in legend.get_texts()) == ["support=fast_close", "support=thorough"]
    assert "sales=aggressive" in figure.axes[0].get_title()  # what every point shares is said once
    assert save_figure(figure, tmp_path / "phase.png").read_bytes()[:8] == PNG
    sampled = sweep(
        org, latin_hypercube({"customers_per_deal": (10, 300), "ticket_cost": (1, 3)}, 12, rng=0), progress=False
    )
    assert save_figure(plot_phase_diagram(sampled, x="ticket_cost"), tmp_path / "lhs.png").read_bytes()[:8] == PNG
    with pytest.raises(ValueError, match="not a quantity of this sweep"):
        plot_phase_diagram(sampled, x="feature_value")
