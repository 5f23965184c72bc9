"""Plots of dynamics: simplex panels for three-action players, time panels otherwise."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

import incentives as inc
from incentives.dynamics import plot_simplex, plot_time, ternary

matplotlib.use("Agg")

RPS = inc.Game.from_bimatrix(
    [[0, -1, 1], [1, 0, -1], [-1, 1, 0]], [[0, 1, -1], [-1, 0, 1], [1, -1, 0]], actions=(("R", "P", "S"),) * 2
)


def test_ternary_corners_and_centre() -> None:
    corners = ternary(np.eye(3))
    sides = [np.linalg.norm(corners[i] - corners[(i + 1) % 3]) for i in range(3)]
    assert sides == pytest.approx([1.0, 1.0, 1.0])  # equilateral
    assert ternary([1 / 3] * 3) == pytest.approx(corners.mean(axis=0))
    with pytest.raises(ValueError, match="three probabilities"):
        ternary([0.5, 0.5])


def test_plot_dynamics_draws_one_panel_per_player() -> None:
    import matplotlib.pyplot as plt

    result = inc.replicator_dynamics(RPS, start=([0.5, 0.3, 0.2], [0.2, 0.3, 0.5]), t_max=20)
    figure = inc.plot_dynamics(result)
    assert len(figure.axes) == 2
    line = figure.axes[0].lines[1]  # the trajectory, after the triangle
    assert np.allclose(np.column_stack(line.get_data()), ternary(result.profiles[0]))
    assert {t.get_text() for t in figure.axes[0].texts} == {"R", "P", "S"}
    plt.close(figure)


def test_time_plot_for_two_action_players_and_simplex_refusal() -> None:
    import matplotlib.pyplot as plt

    pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    result = inc.fictitious_play(pd, start=(0, 0), rounds=20)
    ax = plot_time(result, "column")
    assert len(ax.lines) == 2 and ax.get_xlabel() == "round"
    assert np.allclose(ax.lines[1].get_ydata(), result.profiles[1][:, 1])
    with pytest.raises(ValueError, match="three actions"):
        plot_simplex(result, 0)
    plt.close("all")
