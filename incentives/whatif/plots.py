"""Plots of a sweep: equilibria and company value against one quantity, and phase diagrams over two.

The functions return a :class:`matplotlib.figure.Figure` (matplotlib is imported
only when they are called: ``pip install 'incentives[plot]'``) and draw without
pyplot, so they are safe in scripts, servers and notebooks alike.  Profiles are
named in the legend by the actions that differ between them; actions that are
the same at every point are named once, under the plot.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from .._util import atomic_path
from .results import SweepResult

__all__ = ["PICTURE_SUFFIXES", "plot_phase_diagram", "plot_sweep", "require_matplotlib", "save_figure"]

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


def _short_labels(categories: list[str]) -> tuple[dict[str, str], str]:
    """Labels naming only the actions that differ between categories, and the actions common to all."""
    split = {c: [part.split(", ") for part in c.split(" | ")] for c in categories}
    parts = [set(item for profile in profiles for item in profile) for profiles in split.values()]
    common = set.intersection(*parts) if parts else set()
    common = {item for item in common if all(item in profile for ps in split.values() for profile in ps)}
    order = [item for item in categories[0].split(" | ")[0].split(", ") if item in common] if categories else []
    short = {}
    for category, profiles in split.items():
        texts = [
            ", ".join(item for item in profile if item not in common) or "(every point alike)" for profile in profiles
        ]
        short[category] = " | ".join(texts)
    return short, ", ".join(order)


def _categories(result: SweepResult) -> tuple[list[str], np.ndarray]:
    column = result.column("equilibria")
    categories = list(dict.fromkeys(column))
    index = {c: k for k, c in enumerate(categories)}
    return categories, np.array([index[c] for c in column], dtype=int)


def _quantity(result: SweepResult, name: str | None, position: int) -> str:
    if name is None:
        if len(result.names) <= position:
            raise ValueError(f"this sweep varies {list(result.names)}; name the quantity to plot against")
        return result.names[position]
    if name not in result.names:
        raise ValueError(f"{name!r} is not a quantity of this sweep; it varies {list(result.names)}")
    return name


def plot_sweep(result: SweepResult, x: str | None = None) -> Any:
    """Company value (worst and best equilibrium, optimum), the equilibria and who games, against ``x``.

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
    """
    Figure = require_matplotlib()
    name = _quantity(result, x, 0)
    xs = result.points.values[:, result.names.index(name)]
    order = np.argsort(xs, kind="stable")
    categories, codes = _categories(result)
    short, common = _short_labels(categories)
    figure = Figure(figsize=(8, 8), layout="constrained")
    top, middle, bottom = figure.subplots(3, 1, sharex=True, height_ratios=[3, 2, 2])
    for column, label, style in (
        ("company_value_optimum", "company optimum", "k--"),
        ("company_value_best", "best equilibrium", "C2-"),
        ("company_value_worst", "worst equilibrium", "C3:"),
    ):
        ys = np.array([np.nan if v is None else v for v in result.column(column)], dtype=float)
        top.plot(xs[order], ys[order], style, marker=".", label=label)
    top.set_ylabel("company value")
    top.legend(loc="best", fontsize="small")
    top.set_title(f"Equilibria, company value and gaming against {name}")
    for k in range(len(categories)):
        mask = codes[order] == k
        middle.scatter(xs[order][mask], np.full(int(mask.sum()), k), s=18, color=f"C{k % 10}")
    middle.set_yticks(range(len(categories)), [_wrap(short[c]) for c in categories], fontsize="small")
    middle.set_ylim(-0.5, len(categories) - 0.5)
    middle.set_ylabel("equilibria")
    for k, department in enumerate(result.departments):
        games = np.array(result.column(f"games.{department}"), dtype=bool)[order]
        bottom.scatter(xs[order][games], np.full(int(games.sum()), k), s=18, marker="s", color="C3")
    bottom.set_yticks(range(len(result.departments)), list(result.departments), fontsize="small")
    bottom.set_ylim(-0.5, len(result.departments) - 0.5)
    bottom.set_ylabel("games its KPI")
    bottom.set_xlabel(name)
    if common:
        figure.supxlabel(f"at every point: {_wrap(common, 100)}", fontsize="small")
    return figure


def plot_phase_diagram(result: SweepResult, x: str | None = None, y: str | None = None) -> Any:
    """Which profile is played where: points over two quantities, coloured by their equilibria.

    A grid is drawn as coloured cells, other points (Latin-hypercube samples) as
    coloured dots.  The legend names each profile (several when there are several
    equilibria).

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
    >>> figure.axes[0].get_xlabel(), figure.axes[0].get_ylabel()
    ('customers_per_deal', 'bonus.support.reopened_tickets')
    """
    Figure = require_matplotlib()
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    xname = _quantity(result, x, 0)
    others = [n for n in result.names if n != xname]
    yname = _quantity(result, y, 1) if y is not None or not others else others[0]
    if xname == yname:
        raise ValueError("a phase diagram needs two different quantities")
    categories, codes = _categories(result)
    short, common = _short_labels(categories)
    colours = [f"C{k % 10}" for k in range(len(categories))]
    figure = Figure(figsize=(8, 6), layout="constrained")
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
    ax.set_xlabel(xname)
    ax.set_ylabel(yname)
    ax.set_title("Equilibria played")
    handles = [Patch(color=colours[k], label=_wrap(short[c], 60)) for k, c in enumerate(categories)]
    figure.legend(handles=handles, loc="outside lower center", fontsize="small", ncols=1)
    if common:
        ax.set_title(_wrap(f"Equilibria played (at every point: {common})", 60), fontsize="medium")
    return figure


def _wrap(text: str, width: int = 40) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


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
