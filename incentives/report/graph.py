"""The dependency graph as a terminal report: rich tables of externalities, loops, stakeholders, KPIs, centrality.

:func:`graph_renderables` returns rich renderables; render them with
:func:`incentives.report.text.to_text`.  The numbers are the graph's edge
attributes and the values of :mod:`incentives.graph.analyses` (definitions there
and in :mod:`incentives.graph.build`).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from rich.table import Table
from rich.text import Text

from ..equilibrium import format_number
from ..errors import GraphError
from ..graph.analyses import (
    MAX_LOOP_LENGTH,
    centrality,
    externalities,
    finger_pointing_loops,
    misaligned_kpis,
    stakeholders,
)
from ..graph.graphs import COMPANY, VIEWS, DependencyGraph, as_graph

__all__ = ["graph_renderables"]

COMPANY_LABEL = "company value"


def _signed(value: float) -> str:
    text = format_number(value)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def _name(g: nx.DiGraph, node: str) -> str:
    return COMPANY_LABEL if node == COMPANY else node


def _ordered(g: nx.DiGraph, kind: str) -> list[str]:
    return [n for _, n in sorted((d.get("order", 0), n) for n, d in g.nodes(data=True) if d.get("kind") == kind)]


def _heading(g: nx.DiGraph) -> list[Any]:
    departments, kpis = _ordered(g, "department"), _ordered(g, "kpi")
    return [
        Text(
            f"Dependencies in {g.graph.get('name', 'the model')}: {len(departments)} departments, {len(kpis)} KPIs.",
            style="bold",
        ),
        Text(
            f"Effects are measured against the company optimum ({g.graph.get('optimum', '?')}): the mean change "
            "when a department leaves its company-optimal action, over every choice of the others. Strength is the "
            "share of the other's range that the department's choice moves (0 to 1)."
        ),
    ]


def _kpi_table(g: nx.DiGraph) -> Table:
    table = Table(title="KPIs: who moves them, who is paid on them, what the company gets")
    for column, justify in [
        ("KPI", "left"),
        ("moved by (effect)", "left"),
        ("paid to (weight)", "left"),
        ("company value weight", "right"),
    ]:
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for kpi in _ordered(g, "kpi"):
        moved = sorted(
            ((g.nodes[d]["order"], d, e) for d, _, e in g.in_edges(kpi, data=True) if e["relation"] == "moves"),
            key=lambda t: t[0],
        )
        movers = ", ".join(
            f"{d} {_signed(e['effect'])}" + ("" if e.get("direct", True) else " (via KPIs)") for _, d, e in moved
        )
        paid = ", ".join(
            f"{d} ×{format_number(e['weight'])}" for _, d, e in g.out_edges(kpi, data=True) if e["relation"] == "pays"
        )
        value = g.edges[kpi, COMPANY] if g.has_edge(kpi, COMPANY) else None
        worth = "" if value is None else _signed(value["weight"])
        if value is not None and value.get("total_weight") != value.get("weight"):
            worth += f" ({_signed(value['total_weight'])} with knock-ons)"
        table.add_row(kpi, movers or "-", paid or "-", worth or "-")
    return table


def _externality_table(g: nx.DiGraph) -> Table:
    table = Table(title="Externalities: change in each one's pay when the department leaves its optimal action")
    departments = _ordered(g, "department")
    table.add_column("department leaves", justify="left")
    table.add_column("own pay", justify="right")
    for d in departments:
        table.add_column(d, justify="right")
    table.add_column(COMPANY_LABEL, justify="right")
    effects = externalities(g)
    for d in departments:
        cells = []
        for t in [*departments, COMPANY]:
            value = effects[d].get(t, 0.0)
            cells.append(
                "" if t == d else Text(_signed(value), style="red" if value < 0 else "green") if value else "-"
            )
        label = f"{d} ({g.nodes[d].get('optimum_action', '')} →)"
        table.add_row(label, _signed(float(g.nodes[d].get("own_gain", 0.0))), *cells)
    return table


def _loop_lines(g: nx.DiGraph, max_length: int | None) -> list[Any]:
    loops = finger_pointing_loops(g, max_length=max_length)
    bound = f" of up to {max_length} departments" if max_length else ""
    if not loops:
        return [Text(f"Finger-pointing loops{bound}: none (no cycle of departments that hurt one another).")]
    lines: list[Any] = [Text(f"Finger-pointing loops{bound}: {len(loops)}", style="bold")]
    for loop in loops:
        steps = [f"{a} ({_signed(g.edges[a, b]['effect'])})" for a, b in zip(loop, (*loop[1:], loop[0]), strict=True)]
        lines.append(Text(f"  - {' → '.join(steps)} → {loop[0]}", style="red"))
    return lines


def _stakeholder_table(g: nx.DiGraph) -> Table:
    table = Table(title="Stakeholders: who must be in the room when the department decides (strength)")
    for column in ("department decides", "departments and company", "KPIs"):
        table.add_column(column, justify="left")
    for d in _ordered(g, "department"):
        people = stakeholders(g, d, kinds=("department", "company"))
        kpis = stakeholders(g, d, kinds=("kpi",))
        table.add_row(
            d,
            ", ".join(f"{_name(g, n)} {s:.2f}" for n, s in people) or "-",
            ", ".join(f"{n} {s:.2f}" for n, s in kpis) or "-",
        )
    return table


def _misaligned_table(g: nx.DiGraph) -> Any:
    found = misaligned_kpis(g)
    if not found:
        return Text("Misaligned KPIs: none (no KPI pays a department for a departure that hurts others).")
    table = Table(title="Misaligned KPIs: they pay a department for a departure that hurts the company or others")
    for column, justify in [
        ("department", "left"),
        ("KPI", "left"),
        ("weight", "right"),
        ("pay gained", "right"),
        ("hurts (effect)", "left"),
    ]:
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for item in found:
        harms = ", ".join(f"{_name(g, t)} {_signed(v)}" for t, v in item["harms"].items())
        table.add_row(item["department"], item["kpi"], format_number(item["weight"]), _signed(item["pay_gain"]), harms)
    return table


def _centrality_table(g: nx.DiGraph) -> Table:
    table = Table(title="Centrality: who is upstream, whose gaming spreads furthest")
    columns = [
        ("department", "kpis_moved"),
        ("KPIs moved", "kpis_moved"),
        ("moves others", "out_strength"),
        ("moved by others", "in_strength"),
        ("upstream", "upstream"),
        ("reach", "reach"),
        ("spread", "spread"),
        (COMPANY_LABEL, "company"),
    ]
    for title, _ in columns:
        table.add_column(title, justify="left" if title == "department" else "right")
    ranked = sorted(centrality(g).items(), key=lambda t: (-t[1]["upstream"], -t[1]["spread"]))
    for d, values in ranked:
        cells = [str(int(values[k])) if k in ("kpis_moved", "reach") else f"{values[k]:.2f}" for _, k in columns[1:]]
        table.add_row(d, *cells)
    return table


def graph_renderables(
    graph: DependencyGraph | nx.DiGraph, *, view: str = "all", max_loop_length: int | None = MAX_LOOP_LENGTH
) -> list[Any]:
    """Tables and lines that summarise a dependency graph.

    Parameters
    ----------
    graph : DependencyGraph or networkx.DiGraph
    view : {"all", "kpis", "departments"}
        ``"kpis"`` shows the KPI table, ``"departments"`` the externality table; both show the analyses.
    max_loop_length : int or None
        Longest finger-pointing loop looked for.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.report.text import to_text
    >>> text = to_text(graph_renderables(inc.dependency_graph(inc.load_model("examples/growing_company.yaml"))))
    >>> "Finger-pointing loops of up to 5 departments: none" in text
    True
    """
    if view not in VIEWS:
        raise GraphError(f"unknown view {view!r}; expected one of {list(VIEWS)}")
    g = as_graph(graph)
    out = _heading(g)
    if view in ("kpis", "all"):
        out.append(_kpi_table(g))
    if view in ("departments", "all"):
        out.append(_externality_table(g))
    out += _loop_lines(g, max_loop_length)
    out += [_stakeholder_table(g), _misaligned_table(g), _centrality_table(g)]
    out.append(
        Text(
            "Upstream: moves others more than others move it. Reach: departments it moves, directly or through "
            "others. Spread: the sum over those of the strongest chain of strengths to each."
        )
    )
    return out
