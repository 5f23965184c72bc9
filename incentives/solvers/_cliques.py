"""Convex components of a degenerate two-player game from its extreme equilibria.

In a bimatrix game, a set of extreme equilibria ``{(x, y) : x in X, y in Y}`` in
which every pair is an equilibrium spans a convex set of equilibria: every mixture
of the ``x`` in ``X`` against every mixture of the ``y`` in ``Y``.  The maximal such
``X x Y`` are the maximal bicliques of the bipartite graph whose edges are the extreme
equilibria (Avis, Rosenberg, Savani and von Stengel 2010, "Enumeration of Nash
equilibria for two-player games", Economic Theory 42).  They are found here as the
maximal cliques (networkx) of that graph with each side made complete.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..equilibrium import Profile
from .registry import EquilibriumComponent

__all__ = ["MAX_EXTREME_EQUILIBRIA", "bimatrix_components"]

#: Largest number of extreme equilibria grouped into components: the graph joins every pair on each side, and
#: its maximal cliques can be exponentially many (a fuzz mutation of Chicken with 500 copies of one action had
#: 1,003 extreme equilibria, and the grouping ran for minutes past the solver's budget).
MAX_EXTREME_EQUILIBRIA = 200


def _key(vector: np.ndarray) -> tuple[float, ...]:
    return tuple(round(float(p), 9) + 0.0 for p in vector)


def _mixtures(count: int, player: str) -> str:
    """``"every mixture of the 2 listed strategies of the first player"``, or the one strategy."""
    if count == 1:
        return f"the one listed strategy of {player}"
    return f"every mixture of the {count} listed strategies of {player}"


def _affine_dimension(points: list[np.ndarray]) -> int:
    array = np.asarray(points, dtype=float)
    return int(np.linalg.matrix_rank(array[1:] - array[0])) if len(array) > 1 else 0


def bimatrix_components(profiles: Sequence[Profile]) -> tuple[EquilibriumComponent, ...]:
    """The maximal convex sets spanned by extreme equilibria, those with more than one point."""
    import networkx as nx

    xs: dict[tuple[float, ...], np.ndarray] = {}
    ys: dict[tuple[float, ...], np.ndarray] = {}
    graph = nx.Graph()
    for x, y in profiles:
        kx, ky = ("x", _key(x)), ("y", _key(y))
        xs.setdefault(kx[1], x)
        ys.setdefault(ky[1], y)
        graph.add_edge(kx, ky)
    for side in ("x", "y"):
        nodes = [n for n in graph if n[0] == side]
        graph.add_edges_from((a, b) for i, a in enumerate(nodes) for b in nodes[i + 1 :])
    components = []
    for clique in sorted(nx.find_cliques(graph), key=sorted):
        left = [xs[k] for s, k in sorted(clique) if s == "x"]
        right = [ys[k] for s, k in sorted(clique) if s == "y"]
        if not left or not right or len(left) + len(right) == 2:
            continue
        representative = (
            np.mean(np.asarray(left, dtype=float), axis=0),
            np.mean(np.asarray(right, dtype=float), axis=0),
        )
        support = tuple(tuple(int(i) for i in np.flatnonzero(np.asarray(p, dtype=float) > 0)) for p in representative)
        components.append(
            EquilibriumComponent(
                representative=representative,
                support=support,
                dimension=_affine_dimension(left) + _affine_dimension(right),
                note=(
                    f"{_mixtures(len(left), 'the first player')} against {_mixtures(len(right), 'the second')} is "
                    "an equilibrium (a convex set; the representative is its centre, not itself listed among the "
                    "extreme equilibria)"
                ),
            )
        )
    return tuple(components)
