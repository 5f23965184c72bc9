"""Plots of a sweep: equilibria and company value against one quantity, phase diagrams over two, and repeated play.

The functions return a :class:`matplotlib.figure.Figure` (matplotlib is imported
only when they are called: ``pip install 'incentives[plot]'``) and draw without
pyplot, so they are safe in scripts, servers and notebooks alike.  Profiles are
named by the actions that differ between them (a mixed equilibrium by the
actions it mixes); actions that are the same at every point are named once.
Axes are named in words (:func:`incentives.figures.axis_label`), ticks are
thinned so their labels never touch, legends stand outside the data, and every
font is at least :data:`incentives.figures.MIN_FONT_SIZE` points at the
figures' own size (``tests/test_figures.py`` checks each of these).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from .._util import atomic_path
from ..figures import axis_label, fit_ticks, legend_outside, quantity_label, wrap_to_width
from .results import NO_EQUILIBRIUM, SweepResult

__all__ = [
    "PICTURE_SUFFIXES",
    "plot_phase_diagram",
    "plot_repeated_sweep",
    "plot_sweep",
    "require_matplotlib",
    "save_figure",
]

#: The picture files :func:`save_figure` writes.
PICTURE_SUFFIXES = (".png", ".svg", ".pdf")


def require_matplotlib() -> Any:
    """matplotlib's ``Figure`` class.

    Raises
    ------
    ImportError
        Naming the extra to install, when matplotlib is not installed.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError as err:
        raise ImportError("plots need matplotlib: pip install 'incentives[plot]'") from err
    return Figure


def _strategy(text: str) -> str:
    """A department's part of an equilibrium by what it plays: ``sales=aggressive`` or ``sales mixes a/b``."""
    department, _, played = text.partition("=")
    if not played.startswith("("):
        return text
    actions = [term.strip().rsplit(" ", 1)[-1] for term in played.strip("()").split(" + ")]
    return f"{department} mixes {'/'.join(actions)}"


def _equilibria(label: str) -> list[tuple[str, ...]]:
    """The equilibria of a point's ``equilibria`` entry, each as its departments' parts (mixtures by their support)."""
    if label == NO_EQUILIBRIUM:
        return [(NO_EQUILIBRIUM,)]
    return [tuple(_strategy(part) for part in equilibrium.split(", ")) for equilibrium in label.split(" | ")]


def _common(rows: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The parts that every equilibrium shares (said once, under the plot)."""
    if not rows:
        return ()
    return tuple(part for part in rows[0] if all(part in row for row in rows) and part != NO_EQUILIBRIUM)


def _short(row: tuple[str, ...], common: tuple[str, ...], sep: str = ", ") -> str:
    return sep.join(part for part in row if part not in common) or "(every point alike)"


def _lines(row: tuple[str, ...], common: tuple[str, ...]) -> str:
    """An equilibrium's name on lines of at most ``_LABEL_COLUMNS`` characters, a department to a line."""
    return "\n".join(_wrap(part, _LABEL_COLUMNS) for part in _short(row, common, "\0").split("\0"))


def _quantity(result: SweepResult, name: str | None, position: int) -> str:
    if name is None:
        if len(result.names) <= position:
            raise ValueError(f"this sweep varies {list(result.names)}; name the quantity to plot against")
        return result.names[position]
    if name not in result.names:
        raise ValueError(f"{name!r} is not a quantity of this sweep; it varies {list(result.names)}")
    return name


#: Width of the plots, in inches (fits a portrait A4 page printed at its own size).
WIDTH = 7.5
#: Wrap of an equilibrium's name beside the middle panel, in characters.
_LABEL_COLUMNS = 36


def plot_sweep(result: SweepResult, x: str | None = None) -> Any:
    """Company value (worst and best equilibrium, optimum), the equilibria and who games, against ``x``.

    The middle panel has a row for each equilibrium found anywhere, named by what each
    department plays (a mixed equilibrium by the actions it mixes: its probabilities
    change from point to point), and a dot where it is an equilibrium; what every
    equilibrium shares is said once, under the plot.  Axes are named in words
    (:func:`incentives.figures.axis_label`).

    Parameters
    ----------
    result : SweepResult
    x : str, optional
        The quantity on the horizontal axis (default: the first one swept).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.whatif import sweep
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> figure = plot_sweep(sweep(org, {"customers_per_deal": [10, 50, 100, 500]}, progress=False))
    >>> [ax.get_ylabel() for ax in figure.axes]
    ['company value', 'equilibria', 'games its KPI']
    >>> figure.axes[2].get_xlabel()
    'customers per deal'
    """
    Figure = require_matplotlib()
    name = _quantity(result, x, 0)
    xs = result.points.values[:, result.names.index(name)]
    order = np.argsort(xs, kind="stable")
    found = [_equilibria(label) for label in result.column("equilibria")]
    rows = list(dict.fromkeys(row for point in found for row in point))
    common = _common(rows)
    labels = [_lines(row, common) for row in rows]
    lines = [label.count("\n") + 1 for label in labels]
    middle_height = max(1.2, 0.2 * sum(lines) + 0.12 * len(rows) + 0.3)
    bottom_height = max(1.0, 0.3 * len(result.departments) + 0.3)
    figure = Figure(figsize=(WIDTH, 3.6 + middle_height + bottom_height), layout="constrained")
    top, middle, bottom = figure.subplots(
        3, 1, sharex=True, height_ratios=[2.4, middle_height, bottom_height]
    )  # fmt: skip
    _company_value_panel(top, result, xs, order)
    for k, row in enumerate(rows):
        where = np.array([row in point for point in found])[order]
        mixed = any(" mixes " in part for part in row)
        middle.scatter(
            xs[order][where], np.full(int(where.sum()), k), s=22, color=f"C{k % 10}",
            facecolors="none" if mixed else f"C{k % 10}",
        )  # fmt: skip
    middle.set_yticks(range(len(rows)), labels, fontsize="small")
    middle.set_ylim(len(rows) - 0.5, -0.5)
    middle.set_ylabel("equilibria")
    for k, department in enumerate(result.departments):
        games = np.array(result.column(f"games.{department}"), dtype=bool)[order]
        bottom.scatter(xs[order][games], np.full(int(games.sum()), k), s=18, marker="s", color="C3")
    bottom.set_yticks(range(len(result.departments)), list(result.departments), fontsize="small")
    bottom.set_ylim(len(result.departments) - 0.5, -0.5)
    bottom.set_ylabel("games its KPI")
    bottom.set_xlabel(axis_label(name))
    title = f"Equilibria, company value and gaming against {quantity_label(name)}"
    figure.suptitle(wrap_to_width(title, WIDTH - 0.4, 12), fontsize=12)
    notes = []
    if common:
        notes.append(f"At every equilibrium: {', '.join(common)}.")
    if any(" mixes " in part for row in rows for part in row):
        notes.append("Hollow dots: mixed equilibria (the mixing probabilities change from point to point).")
    if notes:
        figure.supxlabel(wrap_to_width(" ".join(notes), WIDTH - 0.4, 8.5), fontsize=8.5)
    fit_ticks(figure)
    return figure


def _company_value_panel(ax: Any, result: SweepResult, xs: np.ndarray, order: np.ndarray) -> None:
    for column, label, style in (
        ("company_value_optimum", "company optimum", "k--"),
        ("company_value_best", "best equilibrium", "C2-"),
        ("company_value_worst", "worst equilibrium", "C3:"),
    ):
        ys = np.array([np.nan if v is None else v for v in result.column(column)], dtype=float)
        ax.plot(xs[order], ys[order], style, marker=".", label=label)
    ax.set_ylabel("company value")
    legend_outside(ax, where="above", ncols=3)


def plot_phase_diagram(result: SweepResult, x: str | None = None, y: str | None = None) -> Any:
    """Which equilibria are played where: points over two quantities, coloured by their equilibria.

    A grid is drawn as coloured cells, other points (Latin-hypercube samples) as
    coloured dots.  The legend, under the plot, names the equilibria of each colour
    (a mixed equilibrium by the actions it mixes); axes are named in words
    (:func:`incentives.figures.axis_label`).

    Parameters
    ----------
    result : SweepResult
    x, y : str, optional
        The quantities on the axes (default: the first two swept; ``y`` defaults to the first that is not ``x``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.whatif import sweep
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> points = {"customers_per_deal": [50, 500], "bonus.support.reopened_tickets": [0, -1]}
    >>> figure = plot_phase_diagram(sweep(org, points, progress=False))
    >>> print(figure.axes[0].get_xlabel()); print(figure.axes[0].get_ylabel())
    customers per deal
    support's bonus weight on reopened tickets
    (bonus.support.reopened_tickets in the model)
    """
    Figure = require_matplotlib()
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    xname = _quantity(result, x, 0)
    others = [n for n in result.names if n != xname]
    yname = _quantity(result, y, 1) if y is not None or not others else others[0]
    if xname == yname:
        raise ValueError("a phase diagram needs two different quantities")
    found = [tuple(_equilibria(label)) for label in result.column("equilibria")]
    categories = list(dict.fromkeys(found))
    common = _common([row for point in categories for row in point])
    names = [" | ".join(_short(row, common) for row in point) for point in categories]
    codes = np.array([categories.index(point) for point in found], dtype=int)
    colours = [f"C{k % 10}" for k in range(len(categories))]
    legend_lines = sum(_wrap(n, 90).count("\n") + 1 for n in names)
    figure = Figure(figsize=(WIDTH, 5.0 + 0.2 * legend_lines), layout="constrained")
    ax = figure.subplots()
    points = result.points
    ix, iy = points.names.index(xname), points.names.index(yname)
    if points.design == "grid" and len(points.names) == 2:
        shape = (len(points.axes[0]), len(points.axes[1]))
        cells = codes.reshape(shape) if ix == 0 else codes.reshape(shape).T
        ax.pcolormesh(
            points.axes[ix], points.axes[iy], cells.T, cmap=ListedColormap(colours), vmin=-0.5,
            vmax=len(categories) - 0.5, shading="nearest",
        )  # fmt: skip
    else:
        ax.scatter(points.values[:, ix], points.values[:, iy], c=[colours[k] for k in codes], s=24)
    ax.set_xlabel(axis_label(xname))
    ax.set_ylabel(axis_label(yname))
    title = "Equilibria played" + (f" (at every point: {', '.join(common)})" if common else "")
    ax.set_title(wrap_to_width(title, WIDTH - 1.2, 11), fontsize=11)
    handles = [Patch(color=colours[k], label=_wrap(n, 90)) for k, n in enumerate(names)]
    figure.legend(handles=handles, loc="outside lower center", fontsize="small", ncols=1, frameon=False)
    fit_ticks(figure)
    return figure


def _floats(result: SweepResult, column: str) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in result.column(column)], dtype=float)


def _shade_sustained(ax: Any, xs: np.ndarray, sustained: list[Any]) -> None:
    """Shade each run of points (``xs`` sorted) where the target is sustained, out to the midpoints beside it."""
    held = [bool(v) for v in sustained]
    runs, start = [], None
    for k, ok in enumerate([*held, False]):
        if ok and start is None:
            start = k
        elif not ok and start is not None:
            runs.append((start, k - 1))
            start = None
    for n, (a, b) in enumerate(runs):
        low = xs[a] if a == 0 else (xs[a - 1] + xs[a]) / 2
        high = xs[b] if b == len(xs) - 1 else (xs[b] + xs[b + 1]) / 2
        ax.axvspan(low, high, color="C2", alpha=0.12, linewidth=0, label="target sustained" if n == 0 else None)


def plot_repeated_sweep(result: SweepResult, x: str | None = None) -> Any:
    """Repeated play against one quantity: the critical discount factors and the smallest detection probability.

    The top panel draws ``δ*`` with reversion to the worst stage equilibrium and with pure
    minmax, and the discount factor when there is one; the bottom panel the detection
    probabilities ``p`` and the smallest one that sustains the target, ``p*``; with a discount
    factor, a third panel the relational contract: the largest credible discretionary bonus
    and the bonuses needed to hold every department (log scale).  Where the target is
    sustained is shaded.

    Parameters
    ----------
    result : SweepResult
        A sweep with repeated play (``sweep(..., repeated=...)``).
    x : str, optional
        The quantity on the horizontal axis (default: the first one swept).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the sweep has no columns of repeated play.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.whatif import sweep
    >>> org = inc.load_model("examples/keeping_close.yaml")
    >>> result = sweep(org, {"headcount": [10, 40, 70, 100]}, repeated=True, progress=False)
    >>> [ax.get_ylabel() for ax in plot_repeated_sweep(result).axes]
    ['discount factor', 'detection probability', 'bonus per period']
    """
    if result.repeated is None:
        raise ValueError("this sweep has no columns of repeated play: sweep with repeated=True")
    Figure = require_matplotlib()
    name = _quantity(result, x, 0)
    xs = result.points.values[:, result.names.index(name)]
    order = np.argsort(xs, kind="stable")
    xs = xs[order]
    contract = result.repeated.get("discount") is not None
    figure = Figure(figsize=(8, 10 if contract else 7), layout="constrained")
    axes = figure.subplots(3 if contract else 2, 1, sharex=True)
    top, bottom = axes[0], axes[1]
    sustained = [result.records[k]["sustained"] for k in order]
    for ax in axes:
        if any(v is not None for v in sustained):
            _shade_sustained(ax, xs, sustained)
    top.plot(xs, _floats(result, "critical_discount_reversion")[order], "C3-", marker=".", label="δ* (reversion)")
    top.plot(xs, _floats(result, "critical_discount_minmax")[order], "C0--", label="δ* (pure minmax bound)")
    if result.repeated.get("discount") is not None:
        top.plot(xs, _floats(result, "discount")[order], "k:", label="δ (discount factor)")
    top.set_ylabel("discount factor")
    top.set_title(f"Repeated play against {name}")
    top.legend(loc="best", fontsize="small")
    for k, department in enumerate(result.departments):
        seen = _floats(result, f"monitoring.{department}")[order]
        if k == 0 or not np.allclose(seen, _floats(result, f"monitoring.{result.departments[0]}")[order]):
            label = "p (detection)" if k == 0 else f"p ({department})"
            bottom.plot(xs, seen, f"C{k % 10}:", label=label)
    if result.repeated.get("discount") is not None:
        bottom.plot(xs, _floats(result, "smallest_monitoring")[order], "C3-", marker=".", label="p* (needed at δ)")
    bottom.set_ylabel("detection probability")
    bottom.legend(loc="best", fontsize="small")
    if contract:
        bonus = axes[2]
        bonus.plot(xs, _floats(result, "credible_bonus")[order], "C2-", marker=".", label="credible bonus (budget)")
        bonus.plot(xs, _floats(result, "bonus_needed")[order], "C3--", label="bonus needed (every department)")
        bonus.set_yscale("log")
        bonus.set_ylabel("bonus per period")
        bonus.legend(loc="best", fontsize="small")
    axes[-1].set_xlabel(name)
    return figure


def _wrap(text: str, width: int = 40) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def save_figure(figure: Any, path: str | os.PathLike[str], **options: Any) -> Path:
    """Save a figure (``.png``, ``.svg`` or ``.pdf``) all at once: under a temporary name, then moved into place.

    ``options`` go to :meth:`matplotlib.figure.Figure.savefig` (``dpi``, ``bbox_inches``, ...).

    Raises
    ------
    ValueError
        If the suffix is not one of the three.
    OutputError
        If the folder does not exist or cannot be written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in PICTURE_SUFFIXES:
        raise ValueError(f"{path}: expected a picture file ending in {', '.join(PICTURE_SUFFIXES)}")
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format=suffix[1:], **options)
    return path
