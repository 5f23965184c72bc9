"""Fit the layered picture's columns into the width it has: measured columns, wrapped names, a font floor.

The layered view (:mod:`incentives.graph.draw`) stands its layers side by side.  Each
column is as wide as its widest box (measured with matplotlib's renderer), the gaps
between columns share what is left, and the gap before the last column (who gains) is
wide enough for the bonus weights written on its arrows.  When the columns do not fit,
long names are wrapped after an underscore, a space or a dot (the name stays the
model's, read across the line break), and the text shrinks, half a point at a time, to
:data:`incentives.figures.MIN_FONT_SIZE` and never below.  :func:`fit_columns` says
whether that was enough; the caller then grows its own figure, or warns that the axes
it was given are too small.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..figures import MIN_FONT_SIZE, layout_renderer, text_extent

__all__ = ["Columns", "Node", "fit_columns", "wrap_name"]

#: Least gap between two columns, and room kept at each side of the axes, in inches.
MIN_GAP = 0.3
SIDE = 0.05
#: Least room between two boxes of one column, in inches.
MIN_SPACE = 0.04
#: Longest line of a wrapped name, in characters, tried in turn (None: names as they are).
WRAPS = (None, 16, 12, 9)


def wrap_name(text: str, chars: int | None) -> str:
    """Each line of ``text`` broken after an underscore, space or dot into lines of at most ``chars`` characters.

    A piece with no break in it longer than ``chars`` stays whole; ``None`` keeps the text as it is.

    Examples
    --------
    >>> print(wrap_name("emergency_admissions", 12))
    emergency_
    admissions
    >>> print(wrap_name("emergency\\nassess_and_treat →", 12))
    emergency
    assess_and_
    treat →
    >>> wrap_name("rework", 4)
    'rework'
    """
    if chars is None:
        return text
    lines = []
    for line in text.replace(" →", "\u00a0→").split("\n"):  # an arrow stays with the word before it
        current = ""
        for piece in re.findall(r"[^_ .]*(?:[_.]| +|$)", line):
            if current and len((current + piece).rstrip()) > chars:
                lines.append(current.rstrip())
                current = piece
            else:
                current += piece
        lines.append(current.rstrip())
    return "\n".join(line for line in lines if line).replace("\u00a0", " ")


@dataclass(frozen=True, kw_only=True)
class Node:
    """A box of the picture: its text artist, its full label, its column, and its size over the base size."""

    text: Any
    label: str
    column: int
    bigger: float = 0.0


@dataclass(frozen=True, kw_only=True)
class Columns:
    """Where the columns stand (centres, as a share of the axes' width) and the size the text was drawn at."""

    centres: tuple[float, ...]
    edges: tuple[tuple[float, float], ...]
    size: float
    fits: bool
    needed: float


def _inches(box: Any, renderer: Any) -> tuple[float, float]:
    per_inch = renderer.points_to_pixels(72.0)
    return box.width / per_inch, box.height / per_inch


def _apply(nodes: Sequence[Node], fixed: Sequence[Any], size: float, chars: int | None) -> None:
    for node in nodes:
        node.text.set_text(wrap_name(node.label, chars))
        node.text.set_fontsize(size + node.bigger)
        node.text.set_position((0.5, node.text.get_position()[1]))  # nothing sticks out while measuring
    for text in fixed:
        text.set_fontsize(size)
        text.set_x(0.5)


def _measure(
    ax: Any, nodes: Sequence[Node], fixed: dict[int, Any], count: int, last_gap: float
) -> tuple[float, list[float], float, bool]:
    """The axes' width, each column's width, the width the columns need and whether the boxes clear each other
    vertically (inches)."""
    renderer = layout_renderer(ax.figure)
    width, _ = _inches(ax.get_window_extent(renderer), renderer)
    columns = [0.0] * count
    per_inch = renderer.points_to_pixels(72.0)
    boxes: dict[int, list[tuple[float, float]]] = {}
    for node in nodes:
        w, h = _inches(text_extent(node.text, renderer), renderer)
        columns[node.column] = max(columns[node.column], w)
        y = ax.transData.transform(node.text.get_position())[1] / per_inch
        boxes.setdefault(node.column, []).append((y, h))
    for column, text in fixed.items():
        columns[column] = max(columns[column], _inches(text_extent(text, renderer), renderer)[0])
    needed = sum(columns) + MIN_GAP * max(count - 2, 0) + (last_gap if count > 1 else 0.0) + 2 * SIDE
    clear = all(
        top - bottom >= (h1 + h2) / 2 + MIN_SPACE
        for stack in boxes.values()
        for (bottom, h1), (top, h2) in zip(sorted(stack), sorted(stack)[1:], strict=False)
    )
    return width, columns, needed, clear


def fit_columns(
    ax: Any,
    nodes: Sequence[Node],
    *,
    count: int,
    size: float,
    last_gap: float,
    fixed: dict[int, Any] | None = None,
    floor: float = MIN_FONT_SIZE,
) -> Columns:
    """Choose the largest text (down to ``floor``) and the least wrapping with which the columns fit ``ax``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes, whose x limits are set to ``(0, 1)``; each node's text stands at its height already.
    nodes : sequence of Node
    count : int
        The number of columns.
    size : float
        The text's size at best, in points (a node's is ``size + node.bigger``).
    last_gap : float
        Least gap before the last column, in inches.
    fixed : dict of int to Text, optional
        Texts whose width a column must also hold (the headers of the first and last columns), never wrapped.
    floor : float
        The smallest size tried.

    Returns
    -------
    Columns
        The centres and edges of the columns; ``fits`` is False when even the smallest text, wrapped
        the most, leaves the columns wider than the axes or boxes of a column on top of each other
        (the text is then left at ``floor`` and wrapped the most, and ``needed`` says how wide it must be).
    """
    fixed = fixed or {}
    ax.set_xlim(0.0, 1.0)
    sizes = [float(s) for s in np.arange(size, floor - 1e-9, -0.5)] or [floor]
    measured = None
    for chars in WRAPS:
        for points in sizes:
            _apply(nodes, list(fixed.values()), points, chars)
            measured = _measure(ax, nodes, fixed, count, last_gap)
            width, columns, needed, clear = measured
            if needed <= width and clear:
                return _placed(width, columns, needed, points, last_gap, fits=True)
    assert measured is not None
    width, columns, needed, _ = measured
    return _placed(width, columns, needed, sizes[-1], last_gap, fits=False)


def _placed(width: float, columns: list[float], needed: float, size: float, last_gap: float, *, fits: bool) -> Columns:
    count = len(columns)
    gaps = [MIN_GAP] * max(count - 2, 0) + ([last_gap] if count > 1 else [])
    spare = max(0.0, width - needed) / max(len(gaps), 1)
    left = SIDE if gaps else (width - columns[0]) / 2
    edges = []
    for k, column in enumerate(columns):
        edges.append((left / width, (left + column) / width))
        left += column + (gaps[k] + spare if k < len(gaps) else 0.0)
    centres = tuple((a + b) / 2 for a, b in edges)
    return Columns(centres=centres, edges=tuple(edges), size=size, fits=fits, needed=needed)
