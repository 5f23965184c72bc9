"""A layered layout of the dependency graph, read left to right (no matplotlib needed).

Layers: the departments that decide; the KPIs, in as many layers as the longest
chain of KPIs computed from other KPIs (a KPI sits one layer right of the
deepest KPI its formula uses); and who gains (the departments paid on a KPI
and company value).  A department therefore appears twice, as the one who
decides and the one who is paid, so every edge points right and a chain such
as "sales -> new_customers -> tickets -> resolution_hours -> support" reads as a
path.  Edges drawn: the ``moves`` edges where the department's decision
variable appears in the KPI's formula as written (``direct``), ``feeds``,
``pays``, and the ``values`` edges of KPIs that company value's formula uses
as written (its ``weight`` is not zero everywhere); the indirect ``moves``
edges, and what a KPI is worth to the company through the KPIs computed from
it (its ``total_weight``), are the paths.

This is the method of Sugiyama, Tagawa and Toda (1981): an edge that spans
several layers is cut by a waypoint ("dummy node") in each layer it crosses;
nodes within each layer are ordered by repeated barycentric sweeps (each node
at the mean position of its neighbours in the layer before, or after, weighted
by edge strength) followed by adjacent swaps while they remove crossings, from
several starting orders of the first layer; the order with the fewest
crossings is kept.

References
----------
K. Sugiyama, S. Tagawa, M. Toda, "Methods for visual understanding of
hierarchical system structures", IEEE Trans. SMC 11(2), 1981, 109-125.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from ..tolerance import RTOL, SOLVER_RTOL
from .graphs import COMPANY

__all__ = ["LayeredLayout", "RoutedEdge", "layer_order", "layered_layout"]

#: Relations drawn in the layered picture.
DRAWN = ("moves", "feeds", "pays", "values")


@dataclass(frozen=True, kw_only=True)
class RoutedEdge:
    """An edge of the picture: from one drawn node to another, through waypoints ``(x, y)``."""

    source: str
    target: str
    waypoints: tuple[tuple[float, float], ...]
    data: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class LayeredLayout:
    """Positions of the drawn nodes (``"decides:sales"``, ``"kpi:tickets"``, ``"paid:sales"``, ``"company"``)."""

    layers: tuple[tuple[str, ...], ...]
    positions: dict[str, tuple[float, float]]
    nodes: dict[str, str]
    edges: tuple[RoutedEdge, ...]
    crossings: int


def _ordered(g: nx.DiGraph, kind: str) -> list[str]:
    return [n for _, n in sorted((d.get("order", 0), n) for n, d in g.nodes(data=True) if d.get("kind") == kind)]


def kpi_layers(g: nx.DiGraph) -> dict[str, int]:
    """Layer of each KPI: 1, or one more than the deepest KPI that feeds it."""
    feeds = nx.DiGraph()
    feeds.add_nodes_from(_ordered(g, "kpi"))
    feeds.add_edges_from((u, v) for u, v, d in g.edges(data=True) if d.get("relation") == "feeds")
    layer: dict[str, int] = {}
    for kpi in nx.topological_sort(feeds):
        layer[kpi] = 1 + max((layer[u] for u in feeds.predecessors(kpi)), default=0)
    return layer


def _drawn_edges(g: nx.DiGraph) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for u, v, data in g.edges(data=True):
        relation = data.get("relation")
        if relation == "moves" and data.get("direct", True):
            out.append((f"decides:{u}", f"kpi:{v}", data))
        elif relation == "feeds":
            out.append((f"kpi:{u}", f"kpi:{v}", data))
        elif relation == "values" and not _direct(data):
            continue  # company value uses the KPI only through KPIs computed from it: those paths are drawn
        elif relation in ("pays", "values"):
            source = "company" if u == COMPANY else f"kpi:{u}"
            out.append((source, "company" if v == COMPANY else f"paid:{v}", data))
    return out


def _direct(data: dict[str, Any]) -> bool:
    """Whether company value's formula, as written, depends on the KPI at some profile."""
    return bool(data.get("min_weight", data.get("weight", 0.0)) or data.get("max_weight", data.get("weight", 0.0)))


def layered_layout(g: nx.DiGraph) -> LayeredLayout:
    """Lay out the ``kpis`` view of a dependency graph in layers (see the module docstring).

    Coordinates: layer ``k`` at ``x = k``; ``y`` in ``[0, 1]``, each layer top to
    bottom in its order, a waypoint taking half the room of a node.

    Examples
    --------
    >>> import incentives as inc
    >>> graph = inc.dependency_graph(inc.load_model("examples/growing_company.yaml"))
    >>> layout = layered_layout(graph.graph)
    >>> [sum(not n.startswith("via:") for n in layer) for layer in layout.layers]
    [4, 4, 2, 3, 5]
    """
    departments, kpis = _ordered(g, "department"), _ordered(g, "kpi")
    depth = kpi_layers(g)
    last = max(depth.values(), default=0) + 1
    edges = _drawn_edges(g)
    paid = [d for d in departments if any(v == f"paid:{d}" for _, v, _ in edges)]
    layer_of = {f"decides:{d}": 0 for d in departments}
    layer_of.update({f"kpi:{k}": depth[k] for k in kpis})
    layer_of.update({f"paid:{d}": last for d in paid})
    if COMPANY in g:
        layer_of["company"] = last
    layers: list[list[str]] = [[] for _ in range(last + 1)]
    for node, layer in layer_of.items():
        layers[layer].append(node)
    segments: list[tuple[str, str, float]] = []
    chains: list[tuple[str, str, list[str], dict[str, Any]]] = []
    for k, (u, v, data) in enumerate(edges):
        weight = 0.05 + float(data.get("strength", 0.0))
        if layer_of[u] == layer_of[v]:  # a profit share: company -> department, drawn as an arc
            chains.append((u, v, [], data))
            continue
        via = [f"via:{k}:{layer}" for layer in range(layer_of[u] + 1, layer_of[v])]
        for layer, name in zip(range(layer_of[u] + 1, layer_of[v]), via, strict=True):
            layers[layer].append(name)
        path = [u, *via, v]
        segments += [(a, b, weight) for a, b in itertools.pairwise(path)]
        chains.append((u, v, via, data))
    ordered = layer_order(layers, segments)
    positions = _coordinates(ordered, segments)
    routed = tuple(
        RoutedEdge(source=u, target=v, waypoints=tuple(positions[w] for w in via), data=dict(data))
        for u, v, via, data in chains
    )
    names = {n: n.split(":", 1)[1] if ":" in n else COMPANY for n in layer_of}
    return LayeredLayout(
        layers=tuple(tuple(layer) for layer in ordered),
        positions={n: positions[n] for n in layer_of},
        nodes=names,
        edges=routed,
        crossings=int(_crossings(ordered, [(a, b, 0.0) for a, b, _ in segments])),
    )


def _coordinates(layers: list[list[str]], segments: Sequence[tuple[str, str, float]]) -> dict[str, tuple[float, float]]:
    """Heights that keep each layer's order and spacing and straighten edges.

    Each sweep moves every node towards the weighted mean height of its
    neighbours (waypoints of one long edge pull harder on each other, so long
    edges run straight) and then restores the order and the spacing (a node
    takes one slot, a waypoint half of one) with the least squared movement: an
    isotonic regression, solved by pooling adjacent violators.
    """
    slot = {n: 0.5 if n.startswith("via:") else 1.0 for layer in layers for n in layer}
    neighbours: dict[str, list[tuple[str, float]]] = {}
    for u, v, w in segments:
        pull = 0.05 + w if not (u.startswith("via:") and v.startswith("via:")) else 2 * (0.05 + w)
        neighbours.setdefault(u, []).append((v, pull))
        neighbours.setdefault(v, []).append((u, pull))
    tallest = max((sum(slot[n] for n in layer) for layer in layers), default=1.0)
    height: dict[str, float] = {}
    for layer in layers:  # start spread evenly over the tallest layer's height
        total = sum(slot[n] for n in layer)
        offsets = np.cumsum([slot[n] for n in layer]) - np.array([slot[n] for n in layer]) / 2
        height.update({n: float(o / max(total, 1.0) * tallest) for n, o in zip(layer, offsets, strict=True)})
    for _ in range(12):
        for layer in [*layers, *layers[::-1]]:
            wanted = []
            for n in layer:
                near = [(height[m], w) for m, w in neighbours.get(n, [])]
                total = sum(w for _, w in near)
                wanted.append(sum(h * w for h, w in near) / total if total else height[n])
            for n, h in zip(layer, _spaced(wanted, [slot[n] for n in layer]), strict=True):
                height[n] = h
    low = min(height.values(), default=0.0)
    span = max(max(height.values(), default=0.0) - low, RTOL)
    return {n: (float(x), 1 - (height[n] - low) / span) for x, layer in enumerate(layers) for n in layer}


def _spaced(wanted: list[float], slots: list[float]) -> list[float]:
    """The heights closest to ``wanted`` (least squares) with ``h[i+1] - h[i] >= (slots[i] + slots[i+1]) / 2``."""
    gaps = np.concatenate([[0.0], np.cumsum([(a + b) / 2 for a, b in itertools.pairwise(slots)])])
    blocks: list[list[float]] = []  # [mean, count] of pooled values of wanted - gaps, kept non-decreasing
    for value in np.asarray(wanted) - gaps:
        blocks.append([float(value), 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            (m1, c1), (m2, c2) = blocks[-2], blocks.pop()
            blocks[-1] = [(m1 * c1 + m2 * c2) / (c1 + c2), c1 + c2]
    pooled = [m for m, c in blocks for _ in range(int(c))]
    return [float(p + g) for p, g in zip(pooled, gaps, strict=True)]


def layer_order(
    layers: Sequence[Sequence[str]], edges: Sequence[tuple[str, str, float]], *, sweeps: int = 6, starts: int = 24
) -> list[list[str]]:
    """Order the nodes of each layer to reduce edge crossings.

    Parameters
    ----------
    layers : sequence of sequence of str
        Node ids per layer, in their initial order; ids are unique across layers.
    edges : sequence of (str, str, float)
        Edges between nodes of consecutive layers, each with a weight ``w >= 0``;
        two edges that cross count ``1 + w1 * w2``, so strong edges cross least.
    sweeps : int
        Down-and-up barycentric sweeps per start.
    starts : int
        Starting orders of the first layer to try: every permutation when there are
        at most this many, else the initial order and its reverse.

    Returns
    -------
    list of list of str
        The order with the fewest (weighted) crossings found; ties keep the earlier order.

    Examples
    --------
    >>> layer_order([["a", "b"], ["x", "y"]], [("a", "y", 1.0), ("b", "x", 1.0)])
    [['a', 'b'], ['y', 'x']]
    """
    base = [list(layer) for layer in layers]
    index = {n: (k, i) for k, layer in enumerate(base) for i, n in enumerate(layer)}
    gaps: dict[int, list[tuple[str, str, float]]] = {}
    for u, v, w in edges:
        if index[u][0] > index[v][0]:
            u, v = v, u
        gaps.setdefault(index[u][0], []).append((u, v, w))
    first = base[0] if base else []
    many = len(first) <= 8 and np.prod(range(1, len(first) + 1)) <= starts
    openings = [list(p) for p in itertools.permutations(first)] if many else [first, first[::-1]]
    best, best_cost = base, _crossings(base, edges)
    for opening in openings:
        current = _sweep([opening, *base[1:]], gaps, sweeps)
        cost = _crossings(current, edges)
        if cost < best_cost - SOLVER_RTOL:
            best, best_cost = current, cost
    return best


def _sweep(layers: list[list[str]], gaps: dict[int, list[tuple[str, str, float]]], sweeps: int) -> list[list[str]]:
    current = [list(layer) for layer in layers]
    neighbours: dict[str, list[tuple[str, float]]] = {}
    for group in gaps.values():
        for u, v, w in group:
            neighbours.setdefault(u, []).append((v, w))
            neighbours.setdefault(v, []).append((u, w))
    order = [(k, k - 1) for k in range(1, len(current))] + [(k, k + 1) for k in range(len(current) - 2, -1, -1)]
    for _ in range(sweeps):
        for layer, fixed in order:
            current[layer] = _by_barycentre(current[layer], current[fixed], neighbours)
    return _transpose(current, gaps)


def _by_barycentre(layer: list[str], fixed: list[str], neighbours: dict[str, list[tuple[str, float]]]) -> list[str]:
    position = {n: i / max(1, len(fixed) - 1) for i, n in enumerate(fixed)}
    keys = {}
    for i, node in enumerate(layer):
        near = [(position[v], 0.05 + w) for v, w in neighbours.get(node, []) if v in position]
        total = sum(w for _, w in near)
        keys[node] = sum(p * w for p, w in near) / total if total > 0 else i / max(1, len(layer) - 1)
    return sorted(layer, key=lambda n: keys[n])


def _transpose(layers: list[list[str]], gaps: dict[int, list[tuple[str, str, float]]]) -> list[list[str]]:
    """Swap neighbours in a layer while that removes crossings (with the layers on both sides)."""

    def local(k: int) -> float:
        return sum(_gap_crossings(layers, gaps.get(g, [])) for g in (k - 1, k) if g in gaps)

    improved = True
    while improved:
        improved = False
        for k, layer in enumerate(layers):
            for i in range(len(layer) - 1):
                before = local(k)
                layer[i], layer[i + 1] = layer[i + 1], layer[i]
                if local(k) < before - SOLVER_RTOL:
                    improved = True
                else:
                    layer[i], layer[i + 1] = layer[i + 1], layer[i]
    return layers


def _gap_crossings(layers: list[list[str]], group: list[tuple[str, str, float]]) -> float:
    where = {n: i for layer in layers for i, n in enumerate(layer)}
    total = 0.0
    for k, (u1, v1, w1) in enumerate(group):
        for u2, v2, w2 in group[k + 1 :]:
            if (where[u1] - where[u2]) * (where[v1] - where[v2]) < 0:
                total += 1 + w1 * w2
    return total


def _crossings(layers: list[list[str]], edges: Sequence[tuple[str, str, float]]) -> float:
    level = {n: k for k, layer in enumerate(layers) for n in layer}
    gaps: dict[int, list[tuple[str, str, float]]] = {}
    for u, v, w in edges:
        gaps.setdefault(min(level[u], level[v]), []).append((u, v, w) if level[u] < level[v] else (v, u, w))
    return sum(_gap_crossings(layers, group) for group in gaps.values())
