"""Pictures of the dependency graph, drawn with matplotlib (the optional extra ``plot``).

The ``"kpis"`` view is drawn in layers read left to right (laid out by
:mod:`incentives.graph.layout`): the departments that decide, the KPIs their
decision variables appear in, the KPIs computed from those, and who gains (the
departments paid on a KPI, with the bonus weight, and company value, with its
marginal weight).  A department appears twice, once as the one who decides and
once as the one who is paid, so every arrow points right and "sales raises
new customers, who raise tickets, which dock support's pay" reads as a path.
Nodes are ordered and placed to reduce crossings and straighten long edges.

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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..equilibrium import format_number
from ..errors import GraphError
from .graphs import COMPANY, VIEWS, DependencyGraph, as_graph
from .layout import LayeredLayout, layered_layout

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["draw_graph"]

POSITIVE, NEGATIVE, NEUTRAL = "#2166ac", "#c0392b", "#8c8c8c"
FILL = {"department": "#fde9c9", "kpi": "#eef1f5", "company": "#d9ead3"}
EDGE = {"department": "#c98a2b", "kpi": "#8a96a8", "company": "#5a8f4e"}
FONT = 10
RADII = (1.45, 1.0)


def _require_matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as err:
        raise ImportError(
            "drawing the dependency graph needs matplotlib; install it with: pip install 'incentives[plot]'"
        ) from err
    return matplotlib


def draw_graph(graph: DependencyGraph | nx.DiGraph, view: str = "all", *, ax: Axes | None = None) -> Figure:
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
        if view == "kpis":
            _draw_layers(g, ax, layered_layout(g))
        else:
            _draw_circle(g, ax)
        return ax.figure  # type: ignore[return-value]
    layout = layered_layout(g)
    rows = max((sum(0.5 if n.startswith("via:") else 1.0 for n in layer) for layer in layout.layers), default=1.0)
    height = max(6.0, 0.7 * rows + 2.4)
    width = 3.2 * len(layout.layers) + 0.5
    circle = 8.5
    if view == "all":
        figure = Figure(figsize=(width, height + 7.5), layout="constrained")
        top, bottom = figure.subplots(2, 1, height_ratios=[height, 7.5])
        _draw_layers(g, top, layout)
        _draw_circle(g, bottom)
    elif view == "kpis":
        figure = Figure(figsize=(width, height), layout="constrained")
        _draw_layers(g, figure.add_subplot(), layout)
    else:
        figure = Figure(figsize=(circle, 7.0), layout="constrained")
        _draw_circle(g, figure.add_subplot())
    _legend(figure)
    return figure


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
    low, high = data.get("min_weight", data["weight"]), data.get("max_weight", data["weight"])
    text = f"×{format_number(data['weight'])}" if low == high else f"×{format_number(low)}..{format_number(high)}"
    return text.replace("-", "−")


def _department_line(g: nx.DiGraph, d: str) -> str:
    data = g.nodes[d]
    others = [a for a in str(data.get("actions", "")).split(", ") if a and a != data.get("optimum_action")]
    if not others:
        return d
    return f"{d}\n{data.get('optimum_action')} → {others[0] if len(others) == 1 else 'others'}"


def _bezier_point(p0: tuple[float, float], p1: tuple[float, float], t: float) -> tuple[float, float]:
    """Point at ``t`` on the level-leaving cubic from ``p0`` to ``p1`` (the curve :func:`_through` draws)."""
    (x0, y0), (x1, y1) = p0, p1
    half = (x1 - x0) / 2
    c = [(x0, y0), (x0 + half, y0), (x1 - half, y1), (x1, y1)]
    coef = [(1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3]
    return sum(k * p[0] for k, p in zip(coef, c, strict=True)), sum(k * p[1] for k, p in zip(coef, c, strict=True))


def _draw_layers(g: nx.DiGraph, ax: Axes, layout: LayeredLayout) -> None:
    width = len(layout.layers) - 1
    texts = {}

    def place(point: tuple[float, float]) -> tuple[float, float]:  # leave room for the headers
        return point[0], 0.03 + 0.9 * point[1]

    for node, xy in layout.positions.items():
        name = layout.nodes[node]
        kind = g.nodes[name]["kind"]
        label = _department_line(g, name) if node.startswith("decides:") else g.nodes[name].get("label", name)
        texts[node] = _node(ax, place(xy), label, kind, fontsize=FONT + (0.5 if kind != "kpi" else 0))
    for edge in layout.edges:
        a, b = texts[edge.source], texts[edge.target]
        same_layer = layout.positions[edge.source][0] == layout.positions[edge.target][0]
        connection = "arc3,rad=-0.6" if same_layer else _through(ax, [place(w) for w in edge.waypoints])
        _arrow(ax, a, b, edge.data, connection=connection)
        if edge.data.get("relation") in ("pays", "values") and not same_layer:
            start = edge.waypoints[-1] if edge.waypoints else layout.positions[edge.source]
            x, y = _bezier_point(place(start), place(layout.positions[edge.target]), 0.38)
            ax.text(
                x,
                y,
                _weight_label(edge.data),
                fontsize=FONT - 1,
                ha="center",
                va="center",
                color=_colour(edge.data),
                zorder=5,
                bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.85},
            )
    headers = {
        0.0: "departments decide\n(company-optimal → other action)",
        float(width): "who gains\n(bonus plans, company value)",
    }
    if width > 1:
        headers[1.0] = "KPIs they move"
    if width > 2:
        headers[(2 + width - 1) / 2] = "KPIs computed from other KPIs"
    for x, header in headers.items():
        ax.text(x, 0.99, header, ha="center", va="bottom", fontsize=FONT, style="italic", color="#444444")
    ax.set_xlim(-0.45, width + 0.45)
    ax.set_ylim(-0.01, 1.06)
    ax.set_axis_off()
    ax.set_title(f"How KPIs tie the departments together: {g.graph.get('name', '')}", fontsize=FONT + 3)


# --- externality circle --------------------------------------------------------------------------------------------


def _draw_circle(g: nx.DiGraph, ax: Axes) -> None:
    departments = _ordered(g, "department")
    n = len(departments)
    nodes = {}
    for i, d in enumerate(departments):
        angle = math.pi / 2 - 2 * math.pi * i / max(n, 1)
        data = g.nodes[d]
        others = [a for a in str(data.get("actions", "")).split(", ") if a and a != data.get("optimum_action")]
        text = d
        if others:
            other = others[0] if len(others) == 1 else "other actions"
            company = g.edges[d, COMPANY] if g.has_edge(d, COMPANY) else {"effect": 0.0}
            varies = " (sign varies)" if company.get("mixed") else ""
            text = (
                f"{d}\nif {other}:\nown pay {_signed(float(data.get('own_gain', 0.0)))}"
                f"\ncompany value {_signed(float(company['effect']))}{varies}"
            )
        nodes[d] = _node(ax, (RADII[0] * math.cos(angle), RADII[1] * math.sin(angle)), text, "department")
    rad = 0.2
    for u, v, data in g.edges(data=True):
        if data.get("relation") != "affects" or u not in nodes or v not in nodes:
            continue
        _arrow(ax, nodes[u], nodes[v], data, connection=f"arc3,rad={rad}")
        (x0, y0), (x1, y1) = nodes[u].get_position(), nodes[v].get_position()
        x, y = (x0 + x1) / 2 + 0.5 * rad * (y1 - y0), (y0 + y1) / 2 - 0.5 * rad * (x1 - x0)
        ax.text(
            x,
            y,
            _signed(float(data["effect"])),
            fontsize=FONT - 1,
            ha="center",
            va="center",
            color=_colour(data),
            zorder=5,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9},
        )
    ax.set_xlim(-RADII[0] - 0.55, RADII[0] + 0.55)
    ax.set_ylim(-RADII[1] - 0.4, RADII[1] + 0.4)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(f"Who moves whom: {g.graph.get('name', '')}", fontsize=FONT + 3)
    ax.text(
        0.5,
        -0.02,
        "arrow: mean change of the other department's pay when this one leaves its company-optimal\n"
        "action; in the box: the change in its own pay and in company value",
        transform=ax.transAxes,
        ha="center",
        va="top",
        fontsize=FONT - 1,
        color="#444444",
    )


def _signed(value: float) -> str:
    text = format_number(value)
    return ("+" + text if value > 0 else text).replace("-", "−")


def _legend(figure: Figure) -> None:
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=POSITIVE, lw=2.5, label="raises it / positive weight / helps"),
        Line2D([], [], color=NEGATIVE, lw=2.5, label="lowers it / negative weight / hurts"),
        Line2D([], [], color=NEUTRAL, lw=2.5, label="no sign on average"),
        Line2D([], [], color=NEUTRAL, lw=2.5, ls="--", label="sign depends on what the others do"),
        Line2D([], [], color="#555555", lw=5, label="width: strength (share of the range it moves)"),
    ]
    figure.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=FONT - 0.5, frameon=False)
