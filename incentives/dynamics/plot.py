"""Plots of learning dynamics: a simplex for players with three actions, probabilities over time otherwise.

Ternary coordinates
-------------------
A mixed strategy ``(p_0, p_1, p_2)`` of a three-action player is drawn in the
equilateral triangle with the first action at the bottom left ``(0, 0)``, the
second at the bottom right ``(1, 0)`` and the third at the top
``(1/2, sqrt(3)/2)``: the point is ``(p_1 + p_2 / 2, p_2 * sqrt(3) / 2)``.

matplotlib is an optional dependency (``pip install incentives[plot]``); it is
imported only when a plot is drawn.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..figures import fit_ticks, legend_outside, legends_below, wrap_to_width
from .result import DynamicsResult

__all__ = ["plot_dynamics", "plot_simplex", "plot_time", "ternary"]

_HEIGHT = np.sqrt(3.0) / 2.0

#: Panels in a row of :func:`plot_dynamics`, and the size of one panel in inches.
COLUMNS = 3
PANEL = (3.6, 3.6)


def ternary(probabilities: Any) -> np.ndarray:
    """Ternary (x, y) coordinates of three-action mixed strategies; input shape ``(..., 3)``.

    Examples
    --------
    >>> ternary([[1, 0, 0], [0, 1, 0], [1/3, 1/3, 1/3]]).round(3).tolist()
    [[0.0, 0.0], [1.0, 0.0], [0.5, 0.289]]
    """
    p = np.asarray(probabilities, dtype=float)
    if p.shape[-1] != 3:
        raise ValueError(f"ternary coordinates need three probabilities per point; got shape {p.shape}")
    return np.stack([p[..., 1] + p[..., 2] / 2.0, p[..., 2] * _HEIGHT], axis=-1)


def plot_dynamics(result: DynamicsResult) -> Any:
    """One panel per player: its simplex when it has three actions, its probabilities over time otherwise.

    At most :data:`COLUMNS` panels a row; each panel's legend stands under it, never over the paths.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> figure = plot_dynamics(inc.replicator_dynamics(pd, rng=0))
    >>> len(figure.axes)
    2
    """
    plt = _pyplot()
    n = result.game.n_players
    columns = min(n, COLUMNS)
    rows = -(-n // columns)
    figure, axes = plt.subplots(
        rows, columns, figsize=(PANEL[0] * columns, PANEL[1] * rows), squeeze=False, layout="constrained"
    )
    # a wide gap between panels, so that a simplex's corner names never read on into the next panel's
    figure.get_layout_engine().set(w_pad=9 / 72, wspace=0.0)
    panels = list(axes.flat)
    for i, ax in enumerate(panels):
        if i >= n:
            ax.remove()
        elif result.game.shape[i] == 3:
            _simplex(result, i, ax)
        else:
            _time(result, i, ax)
    figure.suptitle(wrap_to_width(_title(result), PANEL[0] * columns - 0.4, 12), fontsize=12)
    for i, legend in enumerate(legends_below(panels[:n])):
        legend.set_ncols(_legend_columns(result, i))
    fit_ticks(figure)
    return figure


def _legend_columns(result: DynamicsResult, player: int) -> int:
    if result.game.shape[player] == 3:
        return 2
    return 1 if max(map(len, result.game.actions[player])) > 16 else 2


def plot_simplex(result: DynamicsResult, player: str | int = 0, *, ax: Any = None) -> Any:
    """The trajectory of a three-action player in its simplex (ternary coordinates).

    Parameters
    ----------
    result : DynamicsResult
    player : str or int
        The player (name or index); it must have three actions.
    ax : matplotlib.axes.Axes or None
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
    """
    plt = _pyplot()
    game = result.game
    i = game.player_index(player)
    if game.shape[i] != 3:
        raise ValueError(
            f"a simplex plot needs a player with three actions; {game.players[i]!r} has {game.shape[i]} (use plot_time)"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.2), layout="constrained")
    _simplex(result, i, ax)
    legend_outside(ax, where="below", ncols=2)
    return ax


def _simplex(result: DynamicsResult, i: int, ax: Any) -> None:
    game = result.game
    corners = ternary(np.eye(3))
    ax.plot(*np.vstack([corners, corners[:1]]).T, color="0.4", linewidth=1)
    for (x, y), name, (dx, dy, ha) in zip(
        corners, game.actions[i], ((-0.03, -0.05, "right"), (0.03, -0.05, "left"), (0, 0.07, "center")), strict=True
    ):
        ax.text(x + dx, y + dy, name, ha=ha, va="center")
    points = ternary(result.profiles[i])
    ax.plot(points[:, 0], points[:, 1], color="tab:blue", linewidth=1.2, marker="." if result.path else None)
    ax.plot(*points[0], "o", color="tab:green", label="start")
    ax.plot(*ternary(result.final[i]), "s" if result.converged else "x", color="tab:red", label="end")
    ax.set_xlim(-0.15, 1.15)
    ax.set_ylim(-0.12, _HEIGHT + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(game.players[i])


def plot_time(result: DynamicsResult, player: str | int = 0, *, ax: Any = None) -> Any:
    """Each action's probability over time, for one player.

    Returns
    -------
    matplotlib.axes.Axes
    """
    plt = _pyplot()
    game = result.game
    i = game.player_index(player)
    if ax is None:
        _, ax = plt.subplots(figsize=(5.0, 3.5), layout="constrained")
    _time(result, i, ax)
    legend_outside(ax, where="below", ncols=_legend_columns(result, i))
    fit_ticks(ax.figure, axes=[ax])
    return ax


def _time(result: DynamicsResult, i: int, ax: Any) -> None:
    game = result.game
    style = {"drawstyle": "steps-post"} if result.path and result.method.startswith("best") else {}
    for k, name in enumerate(game.actions[i]):
        ax.plot(result.times, result.profiles[i][:, k], label=name, **style)
    ax.set_xlabel("round" if result.path else "time")
    if result.path:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole rounds (fit_ticks keeps them whole)
    ax.set_ylabel("probability")
    ax.set_ylim(-0.03, 1.03)
    ax.set_title(game.players[i])


def _title(result: DynamicsResult) -> str:
    if result.converged:
        return f"{result.method}: converged (regret {result.regret:.2g})"
    return f"{result.method}: {'cycles' if result.cycle else 'did not converge'}"


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("plots need matplotlib: pip install 'incentives[plot]'") from err
    return plt
