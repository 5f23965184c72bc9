"""Pictures of repeated play: the set of equilibrium payoffs of two departments.

The functions return a :class:`matplotlib.figure.Figure` (matplotlib is imported only when
they are called: ``pip install 'incentives[plot]'``) and draw without pyplot, so they are
safe in scripts, servers and notebooks alike.  The pictures of critical discount factors
against a swept size are in :mod:`incentives.whatif.plots`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..equilibrium import format_number
from ..game import Game
from .analysis import RepeatedAnalysis
from .payoff_set import PayoffSet

__all__ = ["plot_payoff_set"]


def _closed(points: np.ndarray) -> np.ndarray:
    return np.vstack([points, points[:1]])


def _draw_polygon(ax: Any, points: np.ndarray, *, label: str, fill: str, edge: str, style: str) -> None:
    if len(points) == 0:
        return
    if len(points) < 3:
        ax.plot(points[:, 0], points[:, 1], style, color=edge, marker="o", label=label)
        return
    ax.fill(points[:, 0], points[:, 1], color=fill, alpha=0.35, label=label)
    ring = _closed(points)
    ax.plot(ring[:, 0], ring[:, 1], style, color=edge, linewidth=1.2)


def plot_payoff_set(result: PayoffSet | RepeatedAnalysis, *, game: Game | None = None) -> Any:
    """The outer and inner polygons of a set of equilibrium payoffs, with the stage payoffs and the target.

    Parameters
    ----------
    result : PayoffSet or RepeatedAnalysis
        A payoff set, or a two-department analysis that holds one (its target is then marked).
    game : Game, optional
        The stage game, whose pure profiles' payoffs are drawn as dots (the feasible payoffs
        are their convex hull).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If an analysis holds no payoff set (more than two departments, or no discount factor).

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], players=("sales", "support"))
    >>> figure = plot_payoff_set(inc.repeated(pd, target=(0, 0), discount=0.6), game=pd)
    >>> ax = figure.axes[0]
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('sales', 'support')
    >>> [t.get_text().split(" (")[0] for t in ax.get_legend().get_texts()]
    ['outer polygon', 'inner polygon', 'pure profiles of the stage game', 'target']
    """
    from ..whatif.plots import require_matplotlib

    Figure = require_matplotlib()
    target = None
    if isinstance(result, RepeatedAnalysis):
        if result.payoff_set is None:
            raise ValueError(
                "this analysis holds no payoff set: it needs two departments and a discount factor above 0"
            )
        target = tuple(float(t.target_payoff) for t in result.temptations)
        result = result.payoff_set
    figure = Figure(figsize=(6.5, 5.5), layout="constrained")
    ax = figure.subplots()
    _draw_polygon(
        ax, result.outer, label="outer polygon (contains every equilibrium payoff)", fill="C0", edge="C0", style="--"
    )
    if result.inner is not None:
        _draw_polygon(ax, result.inner, label="inner polygon (every point is one)", fill="C2", edge="C2", style="-")
    if game is not None:
        payoffs = game.float_payoffs()
        ax.scatter(payoffs[0].ravel(), payoffs[1].ravel(), s=18, color="0.4", label="pure profiles of the stage game")
    if target is not None:
        shown = ", ".join(format_number(v) for v in target)
        ax.scatter([target[0]], [target[1]], s=120, marker="*", color="C3", zorder=3, label=f"target ({shown})")
    first, second = result.departments
    ax.set_xlabel(first)
    ax.set_ylabel(second)
    empty = " (empty)" if result.is_empty else ""
    ax.set_title(f"Subgame-perfect equilibrium payoffs at δ = {format_number(result.discount)}{empty}")
    ax.legend(loc="best", fontsize="small")
    return figure
