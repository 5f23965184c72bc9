"""Sweep records of a whole chunk of points at once, by array operations over the batch axis.

At most points of a sweep the game is *dominance solvable*: removing actions strictly
dominated by another single action, round after round, leaves one action to each
department.  That profile is then the game's only equilibrium (Gibbons 1992, Section
1.1.B; the reduction keeps every equilibrium and each removed action is worse than the
one that removed it), and it is exactly what :func:`incentives.solve` finds there with
the methods ``"all"`` and ``"pure"``: one pure equilibrium, status ``complete``.  Every
column of the sweep record then follows from reading entries of the payoff and
company-value arrays, which this module does for every point of a chunk at once.

A point where the elimination leaves some department a choice (ties, several
equilibria, mixed equilibria), and every point of other methods, is left to the
per-point path (:func:`incentives.whatif.runner.point_record`).

Which eliminations count
------------------------
An action counts as dominated here only when its margin (the smallest gain of the
dominating action over it, across the others' surviving profiles) exceeds
:data:`SAFETY` times the solver's threshold ``RTOL * max(1, max |payoff|)``.  A point
whose solution hangs on a closer call goes to the solver, so the two paths can never
disagree about a tie the solver's tolerance decides.

References
----------
R. Gibbons, *A Primer in Game Theory*, Harvester Wheatsheaf, 1992, Section 1.1.B.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from ..evaluated import EvaluatedModel
from ..tolerance import RTOL
from ._coded import CodedColumn, FloatsOrNone, code_dtype

__all__ = [
    "BATCHED_METHODS",
    "PRICE_COLUMNS",
    "RECORD_COLUMNS",
    "SAFETY",
    "TEXT_COLUMNS",
    "Column",
    "batched_columns",
    "dominance_solutions",
    "record_keys",
]

#: A column of records: a list of values, or an array or compact column whose ``tolist()`` gives them.
Column = list[Any] | np.ndarray | CodedColumn | FloatsOrNone

#: Methods whose answer at a dominance-solvable point is that point's one pure equilibrium.
BATCHED_METHODS = frozenset({"all", "pure"})

#: The columns of a sweep record before the two columns of each department (``games.D``, ``gaming_score.D``).
RECORD_COLUMNS = (
    "equilibria",
    "n_equilibria",
    "status",
    "worst_equilibrium",
    "company_value_worst",
    "best_equilibrium",
    "company_value_best",
    "optimum",
    "company_value_optimum",
    "price_of_anarchy",
    "price_of_stability",
    "value_range_lost_worst",
    "value_range_lost_best",
    "gaming_departments",
)

#: The record columns of text (labels, status, departments), kept as
#: :class:`~incentives.whatif._coded.CodedColumn`.
TEXT_COLUMNS = ("equilibria", "status", "worst_equilibrium", "best_equilibrium", "optimum", "gaming_departments")

#: The record columns of floats that are None where undefined, kept as :class:`~incentives.whatif._coded.FloatsOrNone`.
PRICE_COLUMNS = ("price_of_anarchy", "price_of_stability")

#: How many times the solver's tolerance a margin must exceed for the batched path to use it.
SAFETY = 1000.0


def dominance_solutions(payoffs: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """Each point's profile left by iterated elimination of actions strictly dominated by single actions.

    Parameters
    ----------
    payoffs : numpy.ndarray
        Shape ``(P, N, n_0, ..., n_{N-1})``: the payoffs of ``P`` games, floats (others are
        converted to float64).
    threshold : numpy.ndarray
        Shape ``(P,)``: the margin an elimination must exceed at each point.

    Returns
    -------
    numpy.ndarray
        Shape ``(P, N)``: the action of each department at the one profile left, or a row
        of -1 where some department keeps more than one action.

    Notes
    -----
    The elimination runs in rounds: in each, every department's dominated actions are
    removed at once, judged on the actions that survived the round before, for at most as
    many rounds as the game has actions.  A point leaves the batch as soon as its outcome
    is fixed: a round removed nothing there, every department is down to one action, or one
    has none left (possible only with a negative threshold).  Each department's payoff gaps
    are computed once, with the points on the last axis, so that a margin is an elementwise
    minimum over opponent profiles; an opponent's removed action is struck out of them (set
    to :math:`+\\infty`) in place, so the first round needs no mask and later ones none
    either, and a department down to one action at every point left is dropped from the work.

    Examples
    --------
    The prisoner's dilemma (defection dominates) and matching pennies (nothing does):

    >>> import numpy as np
    >>> pd = [[[3, 0], [5, 1]], [[3, 5], [0, 1]]]
    >>> pennies = [[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]]
    >>> dominance_solutions(np.array([pd, pennies], dtype=float), np.zeros(2)).tolist()
    [[1, 1], [-1, -1]]
    """
    count, n_players = payoffs.shape[:2]
    shape = tuple(payoffs.shape[2:])
    if count == 0:
        return np.zeros((0, n_players), dtype=np.intp)
    profiles = np.full((n_players, count), -1, dtype=np.intp)  # transposed, like every array below
    by_profile = _points_last(payoffs)
    batch = _Batch(
        points=np.arange(count),
        limit=np.asarray(threshold, dtype=float),
        alive=None,
        gaps=[_gaps(by_profile[i], i) if n > 1 else None for i, n in enumerate(shape)],
    )
    layout = _Layout.of(shape)
    for _ in range(sum(shape)):
        alive = [None if batch.alive is None else batch.alive[rows] for rows in layout.rows]
        dominated = np.concatenate([_dominated(g, a, batch.limit) for g, a in zip(batch.gaps, alive, strict=True)])
        left = ~dominated if batch.alive is None else batch.alive & ~dominated
        going = _record_settled(profiles, batch.points, left, dominated, layout)
        if not going.any():
            break
        batch = _next_round(batch, left, dominated, going, layout)
    return np.ascontiguousarray(profiles.T)


@dataclass(frozen=True, kw_only=True)
class _Batch:
    """The points still in play (the last axis of every array): positions, thresholds, actions left, gaps."""

    points: np.ndarray  # (A,): positions in the input
    limit: np.ndarray  # (A,): the margin an elimination must exceed
    alive: np.ndarray | None  # (n_0 + ... + n_{N-1}, A), rows as in _Layout: actions not yet removed; None at first
    gaps: list[np.ndarray | None]  # per department, see _gaps; None once down to one action at every point


@dataclass(frozen=True, kw_only=True)
class _Layout:
    """Where each department's actions are in an array with one row for each action of each department."""

    rows: tuple[slice, ...]  # each department's rows
    starts: np.ndarray  # (N,): each department's first row

    @staticmethod
    @cache
    def of(shape: tuple[int, ...]) -> _Layout:
        """The layout for a game of this shape."""
        ends = np.cumsum(shape).tolist()
        starts = [end - n for end, n in zip(ends, shape, strict=True)]
        first = np.array(starts, dtype=np.intp)
        first.flags.writeable = False
        return _Layout(rows=tuple(map(slice, starts, ends)), starts=first)


#: Points transposed at a time into the layout of the elimination (:func:`_points_last`).
_TRANSPOSE_BLOCK = 64


def _points_last(payoffs: np.ndarray) -> np.ndarray:
    """Shape ``(N, n_0, ..., n_{N-1}, P)``: the payoffs with the points on the last axis, in contiguous memory.

    Reductions over opponent profiles are then elementwise operations over whole rows of points.
    The transposition goes :data:`_TRANSPOSE_BLOCK` points at a time, so that each row is written
    in runs of contiguous memory, which numpy does faster than one transposition of the whole array.
    """
    count = payoffs.shape[0]
    rows = payoffs.reshape(count, -1)
    dtype = payoffs.dtype if payoffs.dtype.kind == "f" else np.dtype(float)
    columns = np.empty((rows.shape[1], count), dtype=dtype)
    for start in range(0, count, _TRANSPOSE_BLOCK):
        columns[:, start : start + _TRANSPOSE_BLOCK] = rows[start : start + _TRANSPOSE_BLOCK].T
    return columns.reshape(*payoffs.shape[1:], count)


@cache
def _rivals(n: int) -> np.ndarray:
    """Shape ``(n, n - 1)``: for each action, the other actions, in order."""
    rivals = np.array([[b for b in range(n) if b != a] for a in range(n)], dtype=np.intp).reshape(n, n - 1)
    rivals.flags.writeable = False
    return rivals


def _gaps(payoff: np.ndarray, i: int) -> np.ndarray:
    """Shape ``(n_i, n_i - 1, *opponent axes, A)``: each rival's payoff minus each action's, for department ``i``.

    A new array, so that removed opponent actions can be struck out of it in place.
    """
    own = payoff.transpose(i, *(j for j in range(payoff.ndim) if j != i))  # others keep their order
    n = own.shape[0]
    gaps = np.empty((n, n - 1, *own.shape[1:]), dtype=own.dtype)
    for a, b in itertools.combinations(range(n), 2):  # b is rival b - 1 of a, a is rival a of b
        np.subtract(own[b], own[a], out=gaps[a, b - 1])
        np.negative(gaps[a, b - 1], out=gaps[b, a])  # exactly own[a] - own[b]: rounding is symmetric
    return gaps


def _dominated(gaps: np.ndarray | None, alive: np.ndarray | None, limit: np.ndarray) -> np.ndarray:
    """Shape ``(own actions, A)``: surviving actions that a surviving rival beats by more than ``limit`` everywhere.

    ``alive`` is None when every action is left, and ``gaps`` None when one action is left at every point.
    """
    if gaps is None:
        return np.zeros((1, len(limit)), dtype=bool) if alive is None else np.zeros_like(alive)
    margins = gaps.reshape(*gaps.shape[:2], -1, gaps.shape[-1]).min(axis=2)  # struck-out profiles are +inf
    if alive is None:
        return (margins > limit).any(axis=1)
    rivals_left = alive[::-1, None] if len(alive) == 2 else alive[_rivals(len(alive))]
    return alive & ((margins > limit) & rivals_left).any(axis=1)


def _record_settled(
    profiles: np.ndarray, points: np.ndarray, alive: np.ndarray, dominated: np.ndarray, layout: _Layout
) -> np.ndarray:
    """Write the profiles (shape ``(N, P)``) of the points whose outcome is now fixed; return which points go on."""
    sizes = np.stack([alive[rows].sum(axis=0) for rows in layout.rows])  # (N, A): actions left
    going = np.asarray(dominated.any(axis=0) & (sizes > 1).any(axis=0) & (sizes > 0).all(axis=0))
    solved = ~going & (sizes == 1).all(axis=0)
    if solved.any():  # one row alive for each department, found in the order of the points, then of the rows
        row = np.flatnonzero(np.compress(solved, alive, axis=1).T) % len(alive)
        profiles[:, points[solved]] = (row.reshape(-1, len(sizes)) - layout.starts).T
    return going


def _next_round(batch: _Batch, alive: np.ndarray, dominated: np.ndarray, going: np.ndarray, layout: _Layout) -> _Batch:
    """The batch of the points where ``going``, with this round's removals struck out of the gaps."""
    kept = not going.all()
    alive = np.compress(going, alive, axis=1) if kept else alive
    removed = np.logical_or.reduceat(dominated.any(axis=1), layout.starts).tolist()  # anywhere, by department
    penalty = np.where(alive, np.nan, np.inf)
    gaps: list[np.ndarray | None] = []
    for i, g in enumerate(batch.gaps):
        if g is None or alive[layout.rows[i]].sum(axis=0).max() < 2:  # one action left at every point
            gaps.append(None)
            continue
        g = np.compress(going, g, axis=-1) if kept else g
        for j, rows in enumerate(layout.rows):
            if j != i and removed[j]:
                _strike(g, i, j, penalty[rows])
        gaps.append(g)
    return _Batch(points=batch.points[going], limit=batch.limit[going], alive=alive, gaps=gaps)


def _strike(gaps: np.ndarray, i: int, j: int, penalty: np.ndarray) -> None:
    """Set to +inf, in department ``i``'s gaps, the opponent profiles where department ``j``'s action is removed.

    ``penalty`` (shape ``(n_j, A)``) is NaN for the actions left and +inf for those removed:
    :func:`numpy.fmax` ignores a NaN, so it keeps every other gap as it is.
    """
    shape = [1] * gaps.ndim
    shape[2 + j - (j > i)], shape[-1] = penalty.shape
    np.fmax(gaps, penalty.reshape(shape), out=gaps)


def record_keys(players: Sequence[str]) -> tuple[str, ...]:
    """The columns of a sweep record, in order, for these departments (see :mod:`incentives.whatif.results`)."""
    return (*RECORD_COLUMNS, *(f"games.{p}" for p in players), *(f"gaming_score.{p}" for p in players))


def batched_columns(batch: EvaluatedModel, method: str) -> tuple[np.ndarray, dict[str, Column]]:
    """The sweep record columns (:func:`record_keys`) of the dominance-solvable points of a batch.

    Returns
    -------
    tuple
        ``(indices, columns)``: the positions in the batch of the points solved here, and each
        column's values at those points (a list, a numpy array, or a compact column of
        :mod:`incentives.whatif._coded`; ``tolist()`` gives the values), equal to
        the records of :func:`incentives.whatif.runner.point_record` there.  Other points are
        left to it.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.build import compile_model
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> batch = compile_model(org, ["customers_per_deal"]).evaluate([[10], [100]])
    >>> indices, columns = batched_columns(batch, "all")
    >>> indices.tolist(), columns["gaming_departments"].tolist()
    ([0, 1], ['sales, support, operations', 'sales, support, development'])
    """
    count = batch.batch_shape[0]
    if method not in BATCHED_METHODS or count == 0:
        return np.zeros(0, dtype=int), {key: [] for key in record_keys(batch.players)}
    payoffs = np.asarray(batch.payoffs, dtype=float)
    flat = payoffs.reshape(count, payoffs.shape[1], -1)
    scale = np.maximum(1.0, np.maximum(flat.max(axis=(1, 2)), -flat.min(axis=(1, 2))))
    solutions = dominance_solutions(payoffs, SAFETY * RTOL * scale)
    solved = np.flatnonzero(solutions[:, 0] >= 0)
    values = np.asarray(batch.company_value, dtype=float).reshape(count, -1)[solved]
    return solved, _columns(batch, flat[solved], values, solutions[solved])


def _columns(batch: EvaluatedModel, payoffs: np.ndarray, values: np.ndarray, profiles: np.ndarray) -> dict[str, Column]:
    """Record columns at points with one pure equilibrium each (definitions of :mod:`incentives.analysis.gaming`)."""
    shape = batch.shape
    rows = np.arange(len(values))
    at_eq = np.ravel_multi_index(tuple(profiles.T), shape)
    v_eq = values[rows, at_eq]
    v_opt, v_min = values.max(axis=1), values.min(axis=1)
    optimal = values >= (v_opt - RTOL * np.maximum(1.0, np.abs(v_opt)))[:, None]
    first = optimal.argmax(axis=1)
    targets = _closest_optimum(optimal, first, profiles, shape)
    span = v_opt - v_min
    spread = np.where(span > 0, span, 1.0)
    lost = np.where(span > 0, (v_opt - v_eq) / spread, 0.0)
    undefined = (v_eq <= 0) | (np.abs(v_eq) <= RTOL * np.maximum(1.0, np.abs(v_opt)))
    ratio = np.where(undefined, np.nan, v_opt / np.where(undefined, 1.0, v_eq))
    games, scores = [], []
    for i in range(len(shape)):
        departs = profiles[:, i] != targets[:, i]
        switched = profiles.copy()
        switched[:, i] = targets[:, i]
        at_tau = np.ravel_multi_index(tuple(switched.T), shape)
        own_gain = payoffs[rows, i, at_eq] - payoffs[rows, i, at_tau]
        cost = values[rows, at_tau] - values[rows, at_eq]
        games.append(departs & (own_gain > 0) & (cost > 0))
        share = np.where(span > 0, cost / spread, 0.0)
        scores.append(np.where(departs & ~(0.0 > share), share, 0.0))  # max(share, 0.0) as Python computes it
    labels = _labels(batch, at_eq)
    price = FloatsOrNone(values=ratio)  # None where undefined
    count = len(values)
    columns: dict[str, Column] = {
        "equilibria": labels,
        "n_equilibria": np.ones(count, dtype=np.uint8),  # read back as the int 1
        "status": CodedColumn(codes=np.zeros(count, dtype=np.uint8), names=("complete",)),
        "worst_equilibrium": labels,
        "company_value_worst": v_eq,
        "best_equilibrium": labels,
        "company_value_best": v_eq,
        "optimum": _labels(batch, first),
        "company_value_optimum": v_opt,
        "price_of_anarchy": price,
        "price_of_stability": price,
        "value_range_lost_worst": lost,
        "value_range_lost_best": lost,
        "gaming_departments": _who(batch.players, games),
    }
    for p, g in zip(batch.players, games, strict=True):
        columns[f"games.{p}"] = g
    for p, s in zip(batch.players, scores, strict=True):
        columns[f"gaming_score.{p}"] = s
    return columns


def _closest_optimum(
    optimal: np.ndarray, first: np.ndarray, profiles: np.ndarray, shape: tuple[int, ...]
) -> np.ndarray:
    """The first optimal profile (in index order) at the fewest departures from each point's equilibrium."""
    targets = np.stack(np.unravel_index(first, shape), axis=1)
    for k in np.flatnonzero(optimal.sum(axis=1) > 1).tolist():
        candidates = np.stack(np.unravel_index(np.flatnonzero(optimal[k]), shape), axis=1)
        targets[k] = candidates[int(np.argmin((candidates != profiles[k]).sum(axis=1)))]
    return targets


def _labels(batch: EvaluatedModel, flat: np.ndarray) -> CodedColumn:
    """The label of each profile, given by its flat index (each distinct profile labelled once)."""
    distinct, where = np.unique(flat, return_inverse=True)
    names = tuple(batch.profile_label(np.unravel_index(int(f), batch.shape)) for f in distinct.tolist())
    return _coded_by(where, names)


def _who(players: Sequence[str], games: list[np.ndarray]) -> CodedColumn:
    """For each point, the departments that game there, joined by commas (each distinct set joined once)."""
    code = np.zeros(len(games[0]), dtype=np.int64)
    for i, g in enumerate(games):
        code |= g.astype(np.int64) << i
    distinct, where = np.unique(code, return_inverse=True)
    names = tuple(", ".join(p for i, p in enumerate(players) if c >> i & 1) for c in distinct.tolist())
    return _coded_by(where, names)


def _coded_by(where: np.ndarray, names: tuple[str, ...]) -> CodedColumn:
    """The coded column of the inverse indices of :func:`numpy.unique` into ``names``."""
    return CodedColumn(codes=where.ravel().astype(code_dtype(len(names))), names=names)
