"""Pictures of the dependency graph, drawn with matplotlib (the optional extra ``plot``).

The ``"kpis"`` view is drawn in layers read left to right (laid out by
:mod:`incentives.graph.layout`): the departments that decide, the KPIs their
decision variables appear in, the KPIs computed from those, and who gains (the
departments paid on a KPI, with the bonus weight, and company value, with its
marginal weight).  A department appears twice, once as the one who decides and
once as the one who is paid, so every arrow points right and "sales raises
new customers, who raise tickets, which dock support's pay" reads as a path.
Nodes are ordered and placed to reduce crossings and straighten long edges.  Each
column is as wide as its widest box (:mod:`incentives.graph._columns`); where the
columns do not fit, long names wrap after an underscore and the text shrinks to 8
points, never below; a figure of its own then grows, and axes given with ``ax=`` that
are still too small get a :class:`~incentives.errors.CrampedFigureWarning`.

The ``"departments"`` view places the departments on a circle; each arrow is a
department's externality on another, labelled with its ``effect``, and each
box says what the department's departure does to its own pay and to company value.
The ``"all"`` view draws both, one above the other.

Colour shows sign (blue: raises the KPI, positive weight, helps; red: lowers,
negative weight, hurts; grey: no sign on average), a dashed line an effect
whose sign depends on what the others do, and width the edge's ``strength``.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import networkx as nx
import numpy as np

from ..equilibrium import format_number
from ..errors import CrampedFigureWarning, GraphError
from ..figures import MIN_FONT_SIZE
from ._columns import Columns, Node, fit_columns
from .graphs import COMPANY, VIEWS, DependencyGraph, as_graph
from .layout import LayeredLayout, layered_layout

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["draw_graph"]

POSITIVE, NEGATIVE, NEUTRAL = "#2166ac", "#c0392b", "#8c8c8c"
FILL = {"department": "#fde9c9", "kpi": "#eef1f5", "company": "#d9ead3"}
EDGE = {"department": "#c98a2b", "kpi": "#8a96a8", "company": "#5a8f4e"}
#: Text size of the pictures on screen, and of the pictures drawn for print (``width=``), in points.
FONT = 10
PRINT_FONT = 9
#: Half-width and half-height of the ellipse the departments sit on (data units), on screen and in print.
RADII = (1.45, 1.0)
PRINT_RADII = (1.6, 1.5)
_MARGIN = (0.55, 0.5)


def _require_matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as err:
        raise ImportError(
            "drawing the dependency graph needs matplotlib; install it with: pip install 'incentives[plot]'"
        ) from err
    return matplotlib


def draw_graph(
    graph: DependencyGraph | nx.DiGraph, view: str = "all", *, ax: Axes | None = None, width: float | None = None
) -> Figure:
    """Draw one view of the dependency graph.

    Parameters
    ----------
    graph : DependencyGraph or networkx.DiGraph
    view : {"all", "kpis", "departments"}
        The layered mechanism, the externality circle, or both (one above the other).
    ax : matplotlib.axes.Axes, optional
        Draw into these axes (not for ``"all"``); by default a new figure, not
        registered with pyplot, so it works under any backend (in Jupyter, run
        ``%matplotlib inline`` to see a returned figure; a :class:`DependencyGraph`
        at the end of a cell shows its picture by itself).
    width : float, optional
        Draw for print, this many inches wide, with :data:`PRINT_FONT`-point text (the
        handout's picture, printed at its own size; the key then leaves what the numbers
        mean, :data:`NUMBERS`, to the caption); by default the figure is as wide as its
        content needs, with :data:`FONT`-point text.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ImportError
        If matplotlib is not installed (``pip install 'incentives[plot]'``).
    GraphError
        If the view is unknown.

    Examples
    --------
    >>> import incentives as inc
    >>> graph = inc.dependency_graph(inc.load_model("examples/growing_company.yaml"))
    >>> figure = draw_graph(graph, "departments")
    >>> figure.axes[0].get_title()
    'Who moves whom: Growing software company'
    """
    _require_matplotlib()
    from matplotlib.figure import Figure

    if view not in VIEWS:
        raise GraphError(f"unknown view {view!r}; expected one of {list(VIEWS)}")
    g = as_graph(graph)
    if ax is not None:
        if view == "all":
            raise GraphError("the 'all' view draws two panels; give no ax, or draw 'kpis' and 'departments' apart")
        labels = _draw_layers(g, ax, layered_layout(g), own=False) if view == "kpis" else _draw_circle(g, ax)
        if view == "departments":
            _hold_boxes(ax)
        _separate(ax.figure, labels)
        return ax.figure  # type: ignore[return-value]
    layout = layered_layout(g)
    rows = max((sum(0.5 if n.startswith("via:") else 1.0 for n in layer) for layer in layout.layers), default=1.0)
    font = FONT if width is None else PRINT_FONT
    scale = font / FONT
    height = max(6.0, 0.7 * rows + 2.4) * scale
    wide = 3.2 * len(layout.layers) + 0.5 if width is None else width
    radii = RADII if width is None else PRINT_RADII
    span = (2 * (radii[0] + _MARGIN[0] + (width is not None) * 0.25), 2 * (radii[1] + _MARGIN[1]))
    circle = (8.5, 7.0) if width is None else (width, width * span[1] / span[0] + 1.6)
    if view == "all":
        figure = Figure(figsize=(max(wide, circle[0]), height + circle[1] + 0.5), layout="constrained")
        top, bottom = figure.subplots(2, 1, height_ratios=[height, circle[1]])
    else:
        figure = Figure(figsize=circle if view == "departments" else (wide, height), layout="constrained")
        top = bottom = figure.add_subplot()
    _legend(figure, view, font, explain=width is None)  # in print, the caption says it
    labels = _draw_circle(g, bottom, font, radii) if view != "kpis" else []
    if view != "departments":
        labels = _draw_layers(g, top, layout, font, own=True) + labels
    if view != "kpis":
        from matplotlib.layout_engine import ConstrainedLayoutEngine

        engine = figure.get_layout_engine()
        if width is not None and isinstance(engine, ConstrainedLayoutEngine):
            engine.set(w_pad=1 / 72)  # in print the boxes need every point of the page's width
        _hold_boxes(figure.axes[-1], margin=1.0 if width is not None else 4.0)
    _separate(figure, labels)
    return figure


def _hold_boxes(ax: Axes, margin: float = 4.0) -> None:
    """Widen the circle's limits (about its centre) until every box lies inside the axes, ``margin`` points clear.

    The layout engine keeps a text inside the figure but not the box drawn around it, so a
    box past the axes could reach over the figure's edge.
    """
    from ..figures import layout_renderer, text_extent

    boxed = [t for t in ax.texts if t.get_bbox_patch() is not None]
    for _ in range(4):
        renderer = layout_renderer(ax.figure)
        pad = margin * renderer.points_to_pixels(1.0)
        if not boxed:
            return
        corners = np.vstack([text_extent(t, renderer).padded(pad).corners() for t in boxed])
        points = ax.transData.inverted().transform(corners)
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        (left, right), (bottom, top) = ax.get_xlim(), ax.get_ylim()
        if left <= x0 and x1 <= right and bottom <= y0 and y1 <= top:
            return
        ax.set_aspect("auto")  # the circle narrows to an ellipse rather than shrinking the boxes' room
        half = (max(right, x1, -x0), max(top, y1, -y0))
        ax.set_xlim(-half[0], half[0])
        ax.set_ylim(-half[1], half[1])


def _separate(figure: Any, labels: Labels) -> None:
    """Move each edge label to the first of its spots where it covers no box, header or earlier label."""
    from ..figures import layout_renderer, text_extent

    renderer = layout_renderer(figure)
    moving = {id(text) for text, _ in labels}
    taken = [text_extent(t, renderer) for ax in figure.axes for t in ax.texts if id(t) not in moving]
    for text, spots in labels:
        for spot in spots:
            text.set_position(spot)
            box = text_extent(text, renderer)
            if not any(box.overlaps(other) for other in taken):
                break
        else:
            text.set_position(spots[0])
            box = text_extent(text, renderer)
        taken.append(box)


# --- layered view --------------------------------------------------------------------------------------------------


def _ordered(g: nx.DiGraph, kind: str) -> list[str]:
    return [n for _, n in sorted((d.get("order", 0), n) for n, d in g.nodes(data=True) if d.get("kind") == kind)]


def _colour(data: dict[str, Any]) -> str:
    sign = data.get("sign", 0)
    return POSITIVE if sign > 0 else NEGATIVE if sign < 0 else NEUTRAL


def _node(ax: Axes, xy: tuple[float, float], text: str, kind: str, fontsize: float = FONT) -> Any:
    return ax.text(
        *xy,
        text,
        ha="center",
        va="center",
        fontsize=fontsize,
        zorder=3,
        bbox={"boxstyle": "round,pad=0.4", "fc": FILL[kind], "ec": EDGE[kind], "lw": 1.2},
    )


def _through(ax: Axes, waypoints: Sequence[tuple[float, float]]) -> Any:
    """A connection style: a smooth curve through ``waypoints`` (data coordinates), leaving and entering level."""
    from matplotlib.patches import ConnectionStyle
    from matplotlib.path import Path

    class Through(ConnectionStyle._Base):  # the documented way to add a connection style
        def connect(self, posA: Any, posB: Any) -> Path:
            points = [tuple(posA), *(tuple(p) for p in ax.transData.transform(waypoints)), tuple(posB)]
            vertices = [points[0]]
            for (x0, y0), (x1, y1) in itertools.pairwise(points):
                half = (x1 - x0) / 2
                vertices += [(x0 + half, y0), (x1 - half, y1), (x1, y1)]
            codes = [Path.MOVETO] + [Path.CURVE4] * (len(vertices) - 1)
            return Path(vertices, codes)

    return Through()  # type: ignore[call-arg]  # the stubs give _Base the signature of its container


def _arrow(ax: Axes, a: Any, b: Any, data: dict[str, Any], *, connection: Any = "arc3,rad=0") -> None:
    from matplotlib.patches import FancyArrowPatch

    strength = min(1.0, max(0.0, float(data.get("strength", 0.0))))
    arrow = FancyArrowPatch(
        a.get_position(),
        b.get_position(),
        patchA=a.get_bbox_patch(),
        patchB=b.get_bbox_patch(),
        arrowstyle="-|>",
        mutation_scale=9 + 6 * strength,
        lw=0.7 + 4.3 * strength,
        color=_colour(data),
        alpha=0.8,
        linestyle="--" if data.get("mixed") else "-",
        connectionstyle=connection,
        shrinkA=1,
        shrinkB=1,
        zorder=4,
    )
    ax.add_patch(arrow)


def _weight_label(data: dict[str, Any]) -> str:
    """``×w``: a bonus weight, or company value per unit of the KPI (its mean over the profiles, as in the table)."""
    return f"×{format_number(data['weight'])}".replace("-", "−")


def _department_line(g: nx.DiGraph, d: str) -> str:
    data = g.nodes[d]
    others = [a for a in str(data.get("actions", "")).split(", ") if a and a != data.get("optimum_action")]
    if not others:
        return d
    move = f"{data.get('optimum_action')} → {others[0] if len(others) == 1 else 'others'}"
    return f"{d}\n{move}" if len(move) <= 26 else f"{d}\n{move.replace(' → ', ' →' + chr(10))}"


def _bezier_point(p0: tuple[float, float], p1: tuple[float, float], t: float) -> tuple[float, float]:
    """Point at ``t`` on the level-leaving cubic from ``p0`` to ``p1`` (the curve :func:`_through` draws)."""
    (x0, y0), (x1, y1) = p0, p1
    half = (x1 - x0) / 2
    c = [(x0, y0), (x0 + half, y0), (x1 - half, y1), (x1, y1)]
    coef = [(1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3]
    return sum(k * p[0] for k, p in zip(coef, c, strict=True)), sum(k * p[1] for k, p in zip(coef, c, strict=True))


#: Where along its last stretch an edge's label may sit, in order of preference.
_ALONG = (0.38, 0.26, 0.5, 0.16, 0.62, 0.32, 0.44, 0.72)
_ALONG_ARC = (0.5, 0.4, 0.6, 0.3, 0.7)

Labels = list[tuple[Any, list[tuple[float, float]]]]


def _draw_layers(g: nx.DiGraph, ax: Axes, layout: LayeredLayout, font: float = FONT, *, own: bool = False) -> Labels:
    """The layered view in ``ax``, its columns fitted to the axes (:func:`._columns.fit_columns`).

    In a figure of its own (``own``) the figure grows until they fit; in axes a user gave, a
    :class:`~incentives.errors.CrampedFigureWarning` says they do not.
    """
    width = len(layout.layers) - 1
    texts = {}
    nodes = []

    def place(point: tuple[float, float]) -> tuple[float, float]:  # leave room for the headers
        return point[0], 0.03 + 0.9 * point[1]

    for node, xy in layout.positions.items():
        name = layout.nodes[node]
        kind = g.nodes[name]["kind"]
        label = _department_line(g, name) if node.startswith("decides:") else g.nodes[name].get("label", name)
        texts[node] = _node(ax, place(xy), label, kind, fontsize=font)
        nodes.append(Node(text=texts[node], label=label, column=round(xy[0]), bigger=0.5 if kind != "kpi" else 0.0))
    edge_headers = {
        0: "departments decide\n(company-optimal →\nother action)",
        width: "who gains\n(bonus plans,\ncompany value)",
    }
    fixed = {
        column: ax.text(0.5, 1.0, header, ha="center", va="bottom", style="italic", color="#444444")
        for column, header in edge_headers.items()
    }
    ax.set_ylim(-0.01, 1.0)  # the headers stand above the axes, under the title
    ax.set_axis_off()
    title = f"How KPIs tie the departments together: {g.graph.get('name', '')}"
    ax.set_title(_fit(title, ax, font + 3), fontsize=font + 3, pad=3 * font * 1.25 + 8)
    weights = [_weight_label(e.data) for e in layout.edges if e.data.get("relation") in ("pays", "values")]
    last_gap = max((len(w) for w in weights), default=0) * 0.6 * max(font - 1, MIN_FONT_SIZE) / 72 + 0.4
    columns = _fitted(ax, nodes, fixed, count=width + 1, font=font, last_gap=last_gap, own=own)
    size = columns.size

    def at(point: tuple[float, float]) -> tuple[float, float]:
        return columns.centres[round(point[0])], 0.03 + 0.9 * point[1]

    for node, xy in layout.positions.items():
        texts[node].set_position(at(xy))
    for column, text in fixed.items():
        text.set_x(columns.centres[column])
    _middle_headers(ax, columns, width, size)
    return _edges(ax, layout, texts, at, max(size - 1, MIN_FONT_SIZE))


def _fitted(
    ax: Axes, nodes: list[Node], fixed: dict[int, Any], *, count: int, font: float, last_gap: float, own: bool
) -> Columns:
    """The columns fitted to ``ax``; a figure of its own grows (up to four times) until they fit."""
    columns = fit_columns(ax, nodes, count=count, size=font, last_gap=last_gap, fixed=fixed)
    figure = cast("Figure", ax.figure)
    for _ in range(4 if own else 0):
        if columns.fits:
            break
        if columns.needed > ax.get_window_extent().width / figure.dpi:
            figure.set_figwidth(
                float(figure.get_figwidth()) + columns.needed - ax.get_window_extent().width / figure.dpi
            )
        else:
            figure.set_figheight(float(figure.get_figheight()) * 1.25)
        columns = fit_columns(ax, nodes, count=count, size=font, last_gap=last_gap, fixed=fixed)
    if not columns.fits:
        warnings.warn(
            f"the KPI view does not fit these axes even with {MIN_FONT_SIZE:g}-point text and wrapped names "
            f"(its columns need {columns.needed:.1f} inches across, or its boxes more height): draw it into a "
            "figure of its own, draw_graph(graph, 'kpis'), which grows to fit",
            CrampedFigureWarning,
            stacklevel=4,
        )
    return columns


def _middle_headers(ax: Axes, columns: Columns, width: int, size: float) -> None:
    """The headers over the KPIs, each wrapped to the room over its columns."""
    from ..figures import wrap_to_width

    figure = cast("Figure", ax.figure)
    inches = ax.get_window_extent().width / figure.dpi
    spans = {"KPIs they move": (1, 1)} if width > 1 else {}
    if width > 2:
        spans["KPIs computed from other KPIs"] = (2, width - 1)
    for header, (first, last) in spans.items():
        left = (columns.edges[first][0] + columns.edges[first - 1][1]) / 2
        right = (columns.edges[last][1] + columns.edges[last + 1][0]) / 2
        text = wrap_to_width(header, (right - left) * inches, size)
        ax.text((left + right) / 2, 1.0, text, ha="center", va="bottom", fontsize=size, style="italic", color="#444444")


def _edges(ax: Axes, layout: LayeredLayout, texts: dict[str, Any], at: Any, size: float) -> Labels:
    """The arrows, through their waypoints, and the bonus weights on the arrows into who gains."""
    labels: Labels = []
    for edge in layout.edges:
        a, b = texts[edge.source], texts[edge.target]
        same_layer = layout.positions[edge.source][0] == layout.positions[edge.target][0]
        connection = "arc3,rad=-0.6" if same_layer else _through(ax, [at(w) for w in edge.waypoints])
        _arrow(ax, a, b, edge.data, connection=connection)
        if edge.data.get("relation") in ("pays", "values") and not same_layer:
            start = edge.waypoints[-1] if edge.waypoints else layout.positions[edge.source]
            spots = [_bezier_point(at(start), at(layout.positions[edge.target]), t) for t in _ALONG]
            label = ax.text(
                *spots[0],
                _weight_label(edge.data),
                fontsize=size,
                ha="center",
                va="center",
                color=_colour(edge.data),
                zorder=5,
                bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.85},
            )
            labels.append((label, spots))
    return labels


# --- externality circle --------------------------------------------------------------------------------------------


def _draw_circle(g: nx.DiGraph, ax: Axes, font: float = FONT, radii: tuple[float, float] = RADII) -> Labels:
    """The departments on an ellipse, an arrow for each effect on another's pay; wider margins in print."""
    departments = _ordered(g, "department")
    labels: Labels = []
    n = len(departments)
    nodes = {}
    # in print, an odd number starts on the left, so no two boxes stand side by side at the bottom
    start = math.pi if radii != RADII and n % 2 and n > 1 else math.pi / 2
    for i, d in enumerate(departments):
        angle = start - 2 * math.pi * i / max(n, 1)
        data = g.nodes[d]
        others = [a for a in str(data.get("actions", "")).split(", ") if a and a != data.get("optimum_action")]
        text = d
        if others:
            other = others[0] if len(others) == 1 else "other actions"
            company = g.edges[d, COMPANY] if g.has_edge(d, COMPANY) else {"effect": 0.0}
            varies = "\n(sign varies)" if company.get("mixed") else ""
            text = (
                f"{d}\nif {other}:\nown pay {_signed(float(data.get('own_gain', 0.0)))}"
                f"\ncompany value {_signed(float(company['effect']))}{varies}"
            )
        nodes[d] = _node(ax, (radii[0] * math.cos(angle), radii[1] * math.sin(angle)), text, "department", font)
    rad = 0.2
    for u, v, data in g.edges(data=True):
        if data.get("relation") != "affects" or u not in nodes or v not in nodes:
            continue
        _arrow(ax, nodes[u], nodes[v], data, connection=f"arc3,rad={rad}")
        (x0, y0), (x1, y1) = nodes[u].get_position(), nodes[v].get_position()
        control = ((x0 + x1) / 2 + rad * (y1 - y0), (y0 + y1) / 2 - rad * (x1 - x0))  # of the arc3 curve
        spots = [
            ((1 - t) ** 2 * x0 + 2 * (1 - t) * t * control[0] + t**2 * x1,
             (1 - t) ** 2 * y0 + 2 * (1 - t) * t * control[1] + t**2 * y1)
            for t in _ALONG_ARC
        ]  # fmt: skip
        label = ax.text(
            *spots[0],
            _signed(float(data["effect"])),
            fontsize=font - 1,
            ha="center",
            va="center",
            color=_colour(data),
            zorder=5,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9},
        )
        labels.append((label, spots))
    side = radii[0] + _MARGIN[0] + (radii != RADII) * 0.25
    ax.set_xlim(-side, side)
    ax.set_ylim(-radii[1] - _MARGIN[1], radii[1] + _MARGIN[1])
    ax.set_aspect("equal")
    ax.set_axis_off()
    title = "Who moves whom" + ("" if radii != RADII else f": {g.graph.get('name', '')}")  # in print, under its name
    ax.set_title(_fit(title, ax, font + 3), fontsize=font + 3)
    return labels


def _fit(title: str, ax: Axes, size: float) -> str:
    """The title wrapped to the figure's width."""
    from ..figures import wrap_to_width

    figure = cast("Figure", ax.figure)  # an axes of a subfigure is not drawn here
    return wrap_to_width(title, float(figure.get_figwidth()) - 0.3, size)


def _signed(value: float) -> str:
    text = format_number(value)
    return ("+" + text if value > 0 else text).replace("-", "−")


_KEYS = {
    "kpis": (
        (POSITIVE, "-", 2.5, "raises it / positive weight"),
        (NEGATIVE, "-", 2.5, "lowers it / negative weight"),
        (NEUTRAL, "-", 2.5, "no sign on average"),
    ),
    "departments": (
        (POSITIVE, "-", 2.5, "helps: raises the other's pay"),
        (NEGATIVE, "-", 2.5, "hurts: lowers the other's pay"),
    ),
}
_COMMON_KEYS = (
    (NEUTRAL, "--", 2.5, "sign depends on what the others do"),
    ("#555555", "-", 5.0, "width: strength (share of the range it moves)"),
)
#: The key's words in print, where the caption says the rest.
_SHORT = {
    "helps: raises the other's pay": "helps",
    "hurts: lowers the other's pay": "hurts",
    "sign depends on what the others do": "sign depends on the others",
    "width: strength (share of the range it moves)": "width: strength",
}
#: What the numbers of each view mean, said under the picture.
NUMBERS = {
    "kpis": "×w into a department: its bonus weight on the KPI. ×w into company value: company value per unit "
    "of the KPI with the other KPIs held fixed (the mean over every profile, the report's company value weight); "
    "what the KPI is worth through the KPIs computed from it follows their arrows.",
    "departments": "On an arrow: the mean change of the other department's pay when this one leaves its "
    "company-optimal action. In a box: what that does to its own pay and to company value.",
}


def _legend(figure: Figure, view: str, font: float = FONT, *, explain: bool = True) -> None:
    """The key to colours, dashes and widths, under the picture; with ``explain``, what the numbers mean."""
    from matplotlib.lines import Line2D

    from ..figures import wrap_to_width

    keys = _KEYS["kpis"] if view == "all" else _KEYS[view]
    handles = [
        Line2D([], [], color=c, ls=ls, lw=lw, label=label if explain else _SHORT.get(label, label))
        for c, ls, lw, label in (*keys, *_COMMON_KEYS)
    ]
    width = float(figure.get_figwidth()) - 0.4
    size = font - 1
    entry = max(len(str(h.get_label())) for h in handles) * 0.55 * size / 72 + 0.5  # inches: text, line and gap
    columns = max(1, min(len(handles), int(width // entry)))
    views = ("kpis", "departments") if view == "all" else (view,)
    title = "\n".join(wrap_to_width(NUMBERS[v], width, size) for v in views) if explain else None
    legend = figure.legend(
        handles=handles, loc="outside lower center", ncols=columns, fontsize=size, frameon=False,
        title=title, title_fontsize=size,
    )  # fmt: skip
    if explain:
        legend.get_title().set_color("#444444")
