"""Figures that print: the rules every picture of the toolkit keeps, the helpers that keep them, and their check.

Rules
-----
A picture is read on a projector and on an A4 handout, by managers as well as researchers:

* every piece of text lies inside the figure (nothing cut at an edge);
* no two tick labels of an axis touch, and no two texts overlap;
* a legend never covers data: it stands outside every axes;
* every font is at least :data:`MIN_FONT_SIZE` points at the size the figure is printed;
* an axis says in words what it measures (:func:`quantity_label`), titles wrap instead of
  running off the edge (:func:`wrap_to_width`).

:func:`figure_problems` checks the first four with matplotlib's renderer (the same window
extents and tight bounding boxes that ``savefig(bbox_inches="tight")`` uses) and lists every
breach in words; the test suite runs it on every figure the toolkit draws.

matplotlib is imported only inside the functions that need it (``pip install 'incentives[plot]'``).
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "MIN_FONT_SIZE",
    "axis_label",
    "figure_problems",
    "fit_ticks",
    "layout_renderer",
    "legend_outside",
    "legends_below",
    "quantity_label",
    "readable_number",
    "text_artists",
    "text_extent",
    "wrap_to_width",
]

#: Smallest font, in points at the size the figure is printed or shown.
MIN_FONT_SIZE = 8.0

#: Least room between two tick labels of an axis, in points.
TICK_GAP = 3.0

#: Mean width of a character of matplotlib's default sans-serif, as a share of the font size
#: (a little wider than DejaVu Sans' lower case, so wrapped text fits).
_CHAR_WIDTH = 0.6


def _spoken(name: str) -> str:
    return name.replace("_", " ").strip()


def _possessive(name: str) -> str:
    words = _spoken(name)
    return f"{words}'" if words.endswith("s") else f"{words}'s"


def quantity_label(name: str) -> str:
    """A quantity's name in words a manager reads (the names of :mod:`incentives.quantities`).

    Parameters
    ----------
    name : str
        ``NAME`` (a parameter), ``bonus.DEPARTMENT.KPI`` (a bonus weight, or with the KPI
        ``company_value`` a profit share) or ``costs.DEPARTMENT.ACTION`` (an action cost).

    Returns
    -------
    str

    Examples
    --------
    >>> quantity_label("customers_per_deal")
    'customers per deal'
    >>> quantity_label("bonus.support.reopened_tickets")
    "support's bonus weight on reopened tickets"
    >>> quantity_label("bonus.sales.company_value")
    "sales' share of company value"
    >>> quantity_label("costs.second_line.recode_repeats")
    "second line's cost of recode repeats"
    """
    head, _, rest = name.partition(".")
    department, _, last = rest.partition(".")
    if head == "bonus" and last:
        if last == "company_value":
            return f"{_possessive(department)} share of company value"
        return f"{_possessive(department)} bonus weight on {_spoken(last)}"
    if head == "costs" and last:
        return f"{_possessive(department)} cost of {_spoken(last)}"
    return _spoken(name)


def axis_label(name: str) -> str:
    """:func:`quantity_label`, with the name as the model file writes it below when the two differ.

    Examples
    --------
    >>> axis_label("customers_per_deal")
    'customers per deal'
    >>> print(axis_label("bonus.sales.company_value"))
    sales' share of company value
    (bonus.sales.company_value in the model)
    """
    words = quantity_label(name)
    return words if words == _spoken(name) else f"{words}\n({name} in the model)"


def wrap_to_width(text: str, width: float, fontsize: float) -> str:
    """Wrap ``text`` into lines that fit ``width`` inches at ``fontsize`` points (lines kept as given).

    Examples
    --------
    >>> print(wrap_to_width("Equilibria, company value and gaming against customers per deal", 3, 10))
    Equilibria, company value and gaming
    against customers per deal
    """
    columns = max(8, int(width * 72 / (_CHAR_WIDTH * fontsize)))
    return "\n".join(
        "\n".join(textwrap.wrap(line, columns, break_on_hyphens=False)) or line for line in text.split("\n")
    )


def readable_number(value: float, step: float) -> str:
    """A tick value with as many decimals as the ticks' ``step`` needs, thousands grouped, a true minus.

    Examples
    --------
    >>> [readable_number(v, 0.0005) for v in (-0.002, -0.0015, 0.0)]
    ['−0.002', '−0.0015', '0']
    >>> readable_number(12000.0, 2000.0), readable_number(0.25, 0.05)
    ('12,000', '0.25')
    """
    decimals = 0
    if step > 0 and math.isfinite(step):
        decimals = max(0, min(12, -math.floor(math.log10(step) + 1e-9)))
        while decimals < 12 and abs(round(step, decimals) - step) > 1e-9 * step:
            decimals += 1
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.lstrip("-").strip("0,.") == "":
        return "0"
    return text.replace("-", "−")


def _readable_formatter() -> Any:
    from matplotlib.ticker import Formatter

    class ReadableFormatter(Formatter):
        """Tick labels with the decimals their spacing needs (see :func:`readable_number`)."""

        step = 0.0

        def set_locs(self, locs: Sequence[float]) -> None:
            steps = [b - a for a, b in itertools.pairwise(sorted(locs)) if b > a]
            self.step = min(steps) if steps else 0.0

        def __call__(self, x: float, pos: int | None = None) -> str:
            return readable_number(x, self.step or abs(x))

    return ReadableFormatter()


def _numeric(axis: Any) -> bool:
    from matplotlib.ticker import AutoLocator, MaxNLocator

    return axis.get_scale() == "linear" and isinstance(axis.get_major_locator(), (AutoLocator, MaxNLocator))


def fit_ticks(figure: Any, *, axes: Iterable[Any] | None = None, most: int = 9) -> None:
    """Format and thin the numeric ticks of every axes (or of ``axes``) so that no two labels touch.

    Each linear axis with automatic ticks gets labels with the decimals they need
    (:func:`readable_number`) and at most ``most`` ticks, fewer while two labels
    come closer than :data:`TICK_GAP` points (the figure is drawn to measure them).
    Axes with fixed ticks (categories) and log scales are left as they are; an axis whose
    ticks were whole numbers (``MaxNLocator(integer=True)``) keeps them whole.
    """
    from matplotlib.ticker import MaxNLocator

    chosen = list(figure.axes if axes is None else axes)
    numeric = [axis for ax in chosen for axis in (ax.xaxis, ax.yaxis) if axis.get_visible() and _numeric(axis)]
    bins = {id(axis): most for axis in numeric}
    whole = {id(axis) for axis in numeric if getattr(axis.get_major_locator(), "_integer", False)}

    def locator(axis: Any) -> Any:
        return MaxNLocator(nbins=bins[id(axis)], steps=[1, 2, 2.5, 5, 10], integer=id(axis) in whole)

    for axis in numeric:
        axis.set_major_locator(locator(axis))
        axis.set_major_formatter(_readable_formatter())
    for _ in range(most):
        renderer = layout_renderer(figure)
        crowded = [axis for axis in numeric if _crowded(_drawn_tick_labels(axis), renderer) and bins[id(axis)] > 2]
        if not crowded:
            return
        for axis in crowded:
            bins[id(axis)] -= 1
            axis.set_major_locator(locator(axis))


def legend_outside(ax: Any, handles: Sequence[Any] | None = None, *, where: str = "right", **options: Any) -> Any:
    """A legend for ``ax`` beside it (``where="right"``), above it (``"above"``) or under its axis labels
    (``"below"``), never over its data.

    The figure's layout engine (``layout="constrained"``) makes room for it.  ``"below"``
    measures how far the axes' tick labels, axis label and texts reach under it (the figure is
    drawn once to know; :func:`legends_below` places several with one drawing) and hangs the
    legend that many points lower, so it stays clear of them however the axes is resized.
    """
    if where == "below":
        (legend,) = legends_below([ax], handles=handles, **options)
        return legend
    if where == "right":
        place = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0)}
    elif where == "above":
        place = {"loc": "lower left", "bbox_to_anchor": (0.0, 1.02)}
    else:
        raise ValueError(f"where must be 'right', 'above' or 'below'; got {where!r}")
    return _legend(ax, handles, {**place, **options})


def legends_below(axes: Sequence[Any], *, handles: Sequence[Any] | None = None, **options: Any) -> list[Any]:
    """A legend under each of ``axes``, below its tick labels and axis label (one drawing measures them all)."""
    from matplotlib.transforms import ScaledTranslation

    if not axes:
        return []
    figure = axes[0].figure
    renderer = layout_renderer(figure)
    legends = []
    for ax in axes:
        reach = ax.get_window_extent(renderer).y0 - ax.get_tightbbox(renderer).y0
        drop = (max(0.0, reach) / renderer.points_to_pixels(1.0) + 4.0) / 72.0
        transform = ax.transAxes + ScaledTranslation(0.0, -drop, figure.dpi_scale_trans)
        place = {"loc": "upper center", "bbox_to_anchor": (0.5, 0.0), "bbox_transform": transform}
        legends.append(_legend(ax, handles, {**place, **options}))
    return legends


def _legend(ax: Any, handles: Sequence[Any] | None, options: dict[str, Any]) -> Any:
    options = {"fontsize": "small", "frameon": False, "borderaxespad": 0.0, **options}
    return ax.legend(handles=handles, **options) if handles is not None else ax.legend(**options)


# --- the check ------------------------------------------------------------------------------------------------------


def layout_renderer(figure: Any) -> Any:
    """Lay out ``figure`` (as Agg would draw it, nothing shown) and return a renderer that measures its texts."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    figure.draw_without_rendering()  # lays out and places every artist, paints no pixel
    return canvas.get_renderer()


def _drawn_tick_labels(axis: Any) -> list[Any]:
    """The tick labels an axis draws: visible, not empty, at ticks inside the view."""
    low, high = sorted(axis.get_view_interval())
    transform = axis.get_transform()
    ends = sorted(transform.transform([low, high]))
    span = abs(ends[1] - ends[0]) or 1.0
    out = []
    for locs, ticks in (
        (axis.get_majorticklocs(), axis.get_major_ticks),
        (axis.get_minorticklocs(), axis.get_minor_ticks),
    ):
        locs = list(locs)
        for loc, tick in zip(locs, ticks(len(locs)), strict=False):
            where = float(transform.transform([loc])[0])
            if not ends[0] - 1e-9 * span <= where <= ends[1] + 1e-9 * span:
                continue
            out += [t for t in (tick.label1, tick.label2) if t.get_visible() and t.get_text().strip()]
    return out


def text_extent(text: Any, renderer: Any) -> Any:
    """The window extent of a text and of the box drawn around it, if any (pixels)."""
    box = text.get_window_extent(renderer)
    patch = text.get_bbox_patch()
    if patch is not None:
        from matplotlib.transforms import Bbox

        text.update_bbox_position_size(renderer)
        box = Bbox.union([box, patch.get_window_extent(renderer)])
    return box


def _crowded(labels: Sequence[Any], renderer: Any) -> bool:
    gap = TICK_GAP * renderer.points_to_pixels(1.0)
    boxes = [text_extent(t, renderer) for t in labels]
    return any(
        a.expanded(1, 1).padded(gap / 2).overlaps(b.padded(gap / 2)) for a, b in itertools.combinations(boxes, 2)
    )


def text_artists(figure: Any) -> list[Any]:
    """Every text the figure draws: titles, labels, drawn tick labels, legends, free texts (none empty)."""
    from matplotlib.text import Text

    ticks: set[int] = set()
    drawn: list[Any] = []
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                ticks.update((id(tick.label1), id(tick.label2)))
            if ax.get_visible() and ax.axison and axis.get_visible():
                drawn += _drawn_tick_labels(axis)
    texts = [t for t in figure.findobj(Text) if id(t) not in ticks]
    visible = [t for t in texts if t.get_visible() and t.get_text().strip() and _shown(t) and _in_visible_axes(t)]
    return list({id(t): t for t in [*visible, *drawn]}.values())


def _in_visible_axes(text: Any) -> bool:
    return text.axes is None or text.axes.get_visible()


def _shown(text: Any) -> bool:
    """Whether a text is drawn: its own axes are on, or it is not an axis decoration of axes that are off."""
    axes = text.axes
    if axes is None or axes.axison:
        return True
    return text not in (axes.xaxis.label, axes.yaxis.label, axes.xaxis.offsetText, axes.yaxis.offsetText)


def _name(text: Any) -> str:
    words = " ".join(text.get_text().split())
    return repr(words if len(words) <= 60 else words[:59] + "…")


def figure_problems(
    figure: Any,
    *,
    min_font_size: float = MIN_FONT_SIZE,
    scale: float = 1.0,
    overlapping: bool = True,
) -> list[str]:
    """What makes a figure hard to read, in words (an empty list when nothing does).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        Drawn here with Agg at its own size (nothing is shown or written).
    min_font_size : float
        Smallest font allowed, in points, once printed.
    scale : float
        Printed size over the figure's own size (a figure 10 inches wide printed 5
        inches wide has scale 0.5, and its 10-point text prints at 5 points).
    overlapping : bool
        Also report any two texts that overlap (tick labels of one axis always are).

    Returns
    -------
    list of str
        One line per problem: a text outside the figure, tick labels that touch, texts
        that overlap, a legend over an axes, a font too small.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> figure = Figure(figsize=(3, 2), layout="constrained")
    >>> ax = figure.add_subplot()
    >>> _ = ax.set_title("A title far too long for a figure three inches wide")
    >>> figure_problems(figure)[0]
    "text 'A title far too long for a figure three inches wide' sticks out of the figure (past the left and right edge)"
    """
    renderer = layout_renderer(figure)
    problems: list[str] = []
    page = figure.bbox.padded(1.0)
    texts = text_artists(figure)
    boxes = {id(t): text_extent(t, renderer) for t in texts}
    for text in texts:
        box = boxes[id(text)]
        if not (page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1):
            problems.append(f"text {_name(text)} sticks out of the figure ({_where(box, figure.bbox)})")
        size = text.get_fontsize() * scale
        if size < min_font_size - 1e-9:
            problems.append(f"text {_name(text)} is {size:.1f} pt, under {min_font_size:g} pt")
    tight = figure.get_tightbbox(renderer)
    inches = figure.bbox_inches.padded(0.02)
    if not (inches.x0 <= tight.x0 and tight.x1 <= inches.x1 and inches.y0 <= tight.y0 and tight.y1 <= inches.y1):
        width, height = figure.get_size_inches()
        problems.append(
            f"the figure's tight bounding box ({tight.x0:.2f}, {tight.y0:.2f}) to ({tight.x1:.2f}, {tight.y1:.2f})"
            f" inches is not inside it ({width:g} x {height:g})"
        )
    problems += _tick_problems(figure, renderer)
    problems += _legend_problems(figure, renderer)
    if overlapping:
        problems += _overlaps(texts, boxes)
    return problems


def _where(box: Any, page: Any) -> str:
    sides = [
        side
        for side, out in (
            ("left", box.x0 < page.x0),
            ("right", box.x1 > page.x1),
            ("bottom", box.y0 < page.y0),
            ("top", box.y1 > page.y1),
        )
        if out
    ]
    return "past the " + " and ".join(sides) + " edge"


def _tick_problems(figure: Any, renderer: Any) -> list[str]:
    problems = []
    for ax in figure.axes:
        if not (ax.axison and ax.get_visible()):
            continue
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            labels = _drawn_tick_labels(axis)
            gap = TICK_GAP * renderer.points_to_pixels(1.0)
            for a, b in itertools.combinations(labels, 2):
                if text_extent(a, renderer).padded(gap / 2).overlaps(text_extent(b, renderer).padded(gap / 2)):
                    pair = f"{_name(a)} and {_name(b)}"
                    problems.append(f"{name} tick labels {pair} of {_axes_name(ax)} are closer than {TICK_GAP:g} pt")
    return problems


def _axes_name(ax: Any) -> str:
    return repr(ax.get_title() or ax.get_ylabel() or ax.get_xlabel() or "an axes")


def _legend_problems(figure: Any, renderer: Any) -> list[str]:
    legends = [*figure.legends, *(ax.get_legend() for ax in figure.axes if ax.get_legend() is not None)]
    problems = []
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in (ax for ax in figure.axes if ax.get_visible()):
            area = ax.get_window_extent(renderer).shrunk(0.999, 0.999)
            if box.overlaps(area):
                problems.append(f"a legend ({_legend_name(legend)}) lies over the axes {_axes_name(ax)}")
    return problems


def _legend_name(legend: Any) -> str:
    return ", ".join(t.get_text() for t in legend.get_texts()[:2]) + ("..." if len(legend.get_texts()) > 2 else "")


def _overlaps(texts: Iterable[Any], boxes: dict[int, Any]) -> list[str]:
    return [
        f"texts {_name(a)} and {_name(b)} overlap"
        for a, b in itertools.combinations(list(texts), 2)
        if boxes[id(a)].overlaps(boxes[id(b)])
    ]
