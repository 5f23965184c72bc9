"""The report of a dependency graph: KPIs, externalities, finger-pointing loops, stakeholders, misaligned KPIs.

The numbers are the graph's edge attributes and the values of
:mod:`incentives.graph.analyses` (definitions there and in :mod:`incentives.graph.build`).
A :class:`GraphReport` says which view to show, how long a loop to look for and
whether to draw the picture (matplotlib; the HTML and Markdown embed it).  The JSON
document, ``incentives.dependencies/1``, holds every analysis the report shows and
the graph itself as ``incentives.graph/1`` node-link data (:func:`incentives.graph.to_node_link`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..equilibrium import format_number
from ..errors import GraphError
from ..graph import (
    COMPANY,
    VIEWS,
    DependencyGraph,
    centrality,
    externalities,
    finger_pointing_loops,
    misaligned_kpis,
    stakeholders,
    to_node_link,
)
from ..graph.analyses import MAX_LOOP_LENGTH
from ..graph.draw import NUMBERS
from ..graph.graphs import as_graph
from . import words
from .blocks import Align, Block, Bullets, Cell, Figure, Heading, Table, Tone, paragraphs
from .dispatch import register_blocks, register_document
from .json import number

__all__ = [
    "DEPENDENCIES_SCHEMA",
    "PRINTED_WIDTH",
    "GraphReport",
    "graph_blocks",
    "graph_document",
    "graph_figure",
    "graph_png",
    "handout_figure",
]

DEPENDENCIES_SCHEMA = "incentives.dependencies/1"
COMPANY_LABEL = "company value"
RIGHT: Align = "right"
_CAPTIONS = {
    "departments": "Who moves whom: each arrow is the mean change in the other department's pay when this one "
    "leaves its company-optimal action (red hurts, blue helps; dashed: the sign depends on what the others do; "
    "width: strength, the share of the other's range it moves); in each box, what it does to its own pay and to "
    "company value.",
    "kpis": "How the KPIs tie the departments together: who moves which KPI, and who is paid on it. " + NUMBERS["kpis"],
    "all": "Above: who moves which KPI and who is paid on it (" + NUMBERS["kpis"] + ") Below: who moves whose pay "
    "(red hurts, blue helps).",
}


@dataclass(frozen=True, kw_only=True)
class GraphReport:
    """A dependency graph and how to report it.

    Parameters
    ----------
    graph : DependencyGraph
    view : {"all", "kpis", "departments"}
        ``"kpis"`` shows the KPI table, ``"departments"`` the externality table; both show the analyses.
    max_loop_length : int or None
        Longest finger-pointing loop looked for (None: any length).
    picture : bool
        Also draw the graph (needs matplotlib; without it the report says so).
    """

    graph: DependencyGraph
    view: str = "all"
    max_loop_length: int | None = MAX_LOOP_LENGTH
    picture: bool = False

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise GraphError(f"unknown view {self.view!r}; expected one of {list(VIEWS)}")
        if self.max_loop_length is not None and self.max_loop_length < 2:
            raise GraphError(
                f"a finger-pointing loop has 2 departments or more; got max_loop_length={self.max_loop_length}"
            )


def _name(node: str) -> str:
    return COMPANY_LABEL if node == COMPANY else node


def _ordered(g: nx.DiGraph, kind: str) -> list[str]:
    return [n for _, n in sorted((d.get("order", 0), n) for n, d in g.nodes(data=True) if d.get("kind") == kind)]


def _heading(g: nx.DiGraph) -> list[Block]:
    departments, kpis = _ordered(g, "department"), _ordered(g, "kpi")
    return [
        Heading(text=f"Dependencies in {g.graph.get('name', 'the model')}", level=2),
        *paragraphs(
            f"{len(departments)} departments, {len(kpis)} KPIs. Effects are measured against the company optimum "
            f"({g.graph.get('optimum', '?')}): the mean change when a department leaves its company-optimal action, "
            "over every choice of the others. Strength is the share of the other's range that the department's "
            "choice moves (0 to 1)."
        ),
    ]


def _movers(g: nx.DiGraph, kpi: str) -> list[tuple[str, dict[str, Any]]]:
    moved = [(g.nodes[d]["order"], d, e) for d, _, e in g.in_edges(kpi, data=True) if e["relation"] == "moves"]
    return [(d, e) for _, d, e in sorted(moved, key=lambda t: t[0])]


def _kpi_table(g: nx.DiGraph) -> Table:
    rows = []
    for kpi in _ordered(g, "kpi"):
        movers = ", ".join(
            f"{d} {words.signed(e['effect'])}" + ("" if e.get("direct", True) else " (via KPIs)")
            for d, e in _movers(g, kpi)
        )
        paid = ", ".join(
            f"{d} ×{format_number(e['weight'])}" for _, d, e in g.out_edges(kpi, data=True) if e["relation"] == "pays"
        )
        value = g.edges[kpi, COMPANY] if g.has_edge(kpi, COMPANY) else None
        worth = "" if value is None else words.signed(value["weight"])
        if value is not None and value.get("total_weight") != value.get("weight"):
            worth += f" ({words.signed(value['total_weight'])} with knock-ons)"
        rows.append((Cell.of(kpi), Cell.of(movers or "-"), Cell.of(paid or "-"), Cell.of(worth or "-")))
    return Table(
        title="KPIs: who moves them, who is paid on them, what the company gets",
        columns=("KPI", "moved by (effect)", "paid to (weight)", "company value weight"),
        align=("left", "left", "left", "right"),
        rows=tuple(rows),
        note="moved by: the mean change of the KPI when the department leaves its company-optimal action (via "
        "KPIs: the department's variables are not in the KPI's formula, only in KPIs it uses); company value "
        "weight: the mean derivative of company value in the KPI, other KPIs fixed (with knock-ons: counting the "
        "KPIs computed from it).",
    )


def _externality_table(g: nx.DiGraph) -> Table:
    departments = _ordered(g, "department")
    effects = externalities(g)
    rows = []
    for d in departments:
        cells = []
        for t in [*departments, COMPANY]:
            value = effects[d].get(t, 0.0)
            tone: Tone = "bad" if value < 0 else "good"
            cells.append(Cell.of("") if t == d else Cell.of(words.signed(value), tone=tone) if value else Cell.of("-"))
        label = f"{d} ({g.nodes[d].get('optimum_action', '')} →)"
        rows.append((Cell.of(label), Cell.of(words.signed(float(g.nodes[d].get("own_gain", 0.0)))), *cells))
    return Table(
        title="Externalities: change in each one's pay when the department leaves its optimal action",
        columns=("department leaves", "own pay", *departments, COMPANY_LABEL),
        align=("left", *(RIGHT for _ in range(len(departments) + 2))),
        rows=tuple(rows),
    )


def _loop_blocks(g: nx.DiGraph, max_length: int | None) -> list[Block]:
    loops = finger_pointing_loops(g, max_length=max_length)
    bound = f" of up to {max_length} departments" if max_length else ""
    if not loops:
        return paragraphs(f"Finger-pointing loops{bound}: none (no cycle of departments that hurt one another).")
    items = []
    for loop in loops:
        steps = [
            f"{a} ({words.signed(g.edges[a, b]['effect'])})" for a, b in zip(loop, (*loop[1:], loop[0]), strict=True)
        ]
        items.append(f"{' → '.join(steps)} → {loop[0]}")
    return [*paragraphs(f"Finger-pointing loops{bound}: {len(loops)}", mark="strong"), Bullets.of(*items)]


def _stakeholder_table(g: nx.DiGraph) -> Table:
    rows = []
    for d in _ordered(g, "department"):
        people = stakeholders(g, d, kinds=("department", "company"))
        kpis = stakeholders(g, d, kinds=("kpi",))
        rows.append(
            (
                Cell.of(d),
                Cell.of(", ".join(f"{_name(n)} {s:.2f}" for n, s in people) or "-"),
                Cell.of(", ".join(f"{n} {s:.2f}" for n, s in kpis) or "-"),
            )
        )
    return Table(
        title="Stakeholders: who must be in the room when the department decides (strength)",
        columns=("department decides", "departments and company", "KPIs"),
        rows=tuple(rows),
    )


def _misaligned_blocks(g: nx.DiGraph) -> list[Block]:
    found = misaligned_kpis(g)
    if not found:
        return paragraphs("Misaligned KPIs: none (no KPI pays a department for a departure that hurts others).")
    rows = tuple(
        (
            Cell.of(item["department"]),
            Cell.of(item["kpi"]),
            Cell.of(format_number(item["weight"])),
            Cell.of(words.signed(item["pay_gain"])),
            Cell.of(", ".join(f"{_name(t)} {words.signed(v)}" for t, v in item["harms"].items()), tone="bad"),
        )
        for item in found
    )
    table = Table(
        title="Misaligned KPIs: they pay a department for a departure that hurts the company or others",
        columns=("department", "KPI", "weight", "pay gained", "hurts (effect)"),
        align=("left", "left", "right", "right", "left"),
        rows=rows,
    )
    return [table]


_CENTRALITY = (
    ("KPIs moved", "kpis_moved"),
    ("moves others", "out_strength"),
    ("moved by others", "in_strength"),
    ("upstream", "upstream"),
    ("reach", "reach"),
    ("spread", "spread"),
    (COMPANY_LABEL, "company"),
)


def _centrality_table(g: nx.DiGraph) -> Table:
    ranked = sorted(centrality(g).items(), key=lambda t: (-t[1]["upstream"], -t[1]["spread"]))
    rows = tuple(
        (
            Cell.of(d),
            *(
                Cell.of(str(int(values[k])) if k in ("kpis_moved", "reach") else f"{values[k]:.2f}")
                for _, k in _CENTRALITY
            ),
        )
        for d, values in ranked
    )
    return Table(
        title="Centrality: who is upstream, whose gaming spreads furthest",
        columns=("department", *(title for title, _ in _CENTRALITY)),
        align=("left", *(RIGHT for _ in _CENTRALITY)),
        rows=rows,
        note="Upstream: moves others more than others move it. Reach: departments it moves, directly or through "
        "others. Spread: the sum over those of the strongest chain of strengths to each.",
    )


#: Width in inches at which the handout prints its picture, at its own size: who moves whom beside the
#: tables of an A4 page, the other views across a landscape A4 page of their own.
PRINTED_WIDTH = {"departments": 3.9, "kpis": 10.5, "all": 10.5}


def graph_png(
    graph: DependencyGraph | nx.DiGraph, view: str = "departments", *, dpi: int = 90, width: float | None = None
) -> bytes:
    """The picture of a dependency graph as PNG bytes (matplotlib, Agg; no pyplot state, no timestamp).

    ``width`` draws it for print (see :func:`incentives.graph.draw_graph`).

    Raises
    ------
    ImportError
        If matplotlib is not installed (``pip install 'incentives[plot]'``).
    """
    from ..graph.draw import draw_graph

    return _png(draw_graph(graph, view, width=width), dpi)


def _png(figure: Any, dpi: int) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def handout_figure(graph: DependencyGraph | nx.DiGraph, view: str = "departments") -> Any:
    """The matplotlib figure of the handout's picture: :data:`PRINTED_WIDTH` inches wide, printed at that size."""
    from ..graph.draw import draw_graph

    return draw_graph(graph, view, width=PRINTED_WIDTH[view])


def graph_figure(
    graph: DependencyGraph | nx.DiGraph, view: str = "departments", *, dpi: int = 90, printed: bool = False
) -> Figure:
    """The picture of the graph as a report block; without matplotlib the block says how to get it.

    ``printed`` draws it for the handout (:func:`handout_figure`, at 200 dots per inch so it prints sharp).
    """
    name = as_graph(graph).graph.get("name", "the model")
    try:
        png: bytes | None = _png(handout_figure(graph, view), 200) if printed else graph_png(graph, view, dpi=dpi)
    except ImportError:
        png = None
    return Figure(
        png=png,
        alt=f"Dependency graph of {name} ({view} view)",
        caption=_CAPTIONS[view],
        missing="The dependency graph needs matplotlib to be drawn: pip install 'incentives[plot]'.",
    )


@register_blocks(GraphReport)
def graph_blocks(report: GraphReport) -> list[Block]:
    """The blocks that summarise a dependency graph.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.report.text import render_text
    >>> graph = inc.dependency_graph(inc.load_model("examples/growing_company.yaml"))
    >>> "Finger-pointing loops of up to 5 departments: none" in render_text(graph_blocks(GraphReport(graph=graph)))
    True
    """
    g = as_graph(report.graph)
    out = _heading(g)
    if report.picture:
        out.append(graph_figure(report.graph, report.view))
    if report.view in ("kpis", "all"):
        out.append(_kpi_table(g))
    if report.view in ("departments", "all"):
        out.append(_externality_table(g))
    out += _loop_blocks(g, report.max_loop_length)
    out.append(_stakeholder_table(g))
    out += _misaligned_blocks(g)
    out.append(_centrality_table(g))
    return out


@register_blocks(DependencyGraph)
def _graph_only(graph: DependencyGraph) -> list[Block]:
    return graph_blocks(GraphReport(graph=graph))


@register_document(GraphReport)
def graph_document(report: GraphReport) -> dict[str, Any]:
    """The ``incentives.dependencies/1`` document: every analysis of the report, and the graph's view itself."""
    g = as_graph(report.graph)
    departments = _ordered(g, "department")
    effects = externalities(g)
    loops = finger_pointing_loops(g, max_length=report.max_loop_length)
    return {
        "schema": DEPENDENCIES_SCHEMA,
        "model": g.graph.get("name", ""),
        "optimum": g.graph.get("optimum", ""),
        "view": report.view,
        "departments": departments,
        "kpis": [
            {
                "kpi": kpi,
                "moved_by": [
                    {"department": d, "effect": number(e["effect"]), "direct": bool(e.get("direct", True))}
                    for d, e in _movers(g, kpi)
                ],
                "paid_to": {
                    d: number(e["weight"]) for _, d, e in g.out_edges(kpi, data=True) if e["relation"] == "pays"
                },
                "company_value_weight": number(g.edges[kpi, COMPANY]["weight"]) if g.has_edge(kpi, COMPANY) else None,
                "company_value_total_weight": (
                    number(g.edges[kpi, COMPANY].get("total_weight", g.edges[kpi, COMPANY]["weight"]))
                    if g.has_edge(kpi, COMPANY)
                    else None
                ),
            }
            for kpi in _ordered(g, "kpi")
        ],
        "externalities": [
            {
                "department": d,
                "optimum_action": g.nodes[d].get("optimum_action", ""),
                "own_gain": number(g.nodes[d].get("own_gain", 0.0)),
                "effects": {t: number(v) for t, v in effects[d].items()},
            }
            for d in departments
        ],
        "max_loop_length": report.max_loop_length,
        "loops": [
            [
                {"department": a, "effect": number(g.edges[a, b]["effect"])}
                for a, b in zip(loop, (*loop[1:], loop[0]), strict=True)
            ]
            for loop in loops
        ],
        "stakeholders": {
            d: {
                "parties": {n: number(s) for n, s in stakeholders(g, d, kinds=("department", "company"))},
                "kpis": {n: number(s) for n, s in stakeholders(g, d, kinds=("kpi",))},
            }
            for d in departments
        },
        "misaligned_kpis": [
            {
                "department": item["department"],
                "kpi": item["kpi"],
                "weight": number(item["weight"]),
                "pay_gain": number(item["pay_gain"]),
                "harms": {t: number(v) for t, v in item["harms"].items()},
                "company_weight": number(item["company_weight"]),
            }
            for item in misaligned_kpis(g)
        ],
        "centrality": {d: {k: number(v) for k, v in values.items()} for d, values in centrality(g).items()},
        "graph": to_node_link(g, report.view),
    }


@register_document(DependencyGraph)
def _graph_only_document(graph: DependencyGraph) -> dict[str, Any]:
    return graph_document(GraphReport(graph=graph))
