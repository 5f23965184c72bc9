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

from collections.abc import Sequence
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
        Shape ``(P, N, n_0, ..., n_{N-1})``: the payoffs of ``P`` games.
    threshold : numpy.ndarray
        Shape ``(P,)``: the margin an elimination must exceed at each point.

    Returns
    -------
    numpy.ndarray
        Shape ``(P, N)``: the action of each department at the one profile left, or a row
        of -1 where some department keeps more than one action.

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
    shape = payoffs.shape[2:]
    alive = [np.ones((count, n), dtype=bool) for n in shape]
    gaps = [_gaps(payoffs[:, i], i) for i in range(n_players)]
    limit = np.asarray(threshold, dtype=float)[:, None]
    for _ in range(sum(shape)):
        dominated = [_dominated(gaps[i], _others_alive(alive, i), alive[i], limit) for i in range(n_players)]
        if not any(d.any() for d in dominated):
            break
        alive = [a & ~d for a, d in zip(alive, dominated, strict=True)]
    solved = np.all([a.sum(axis=1) == 1 for a in alive], axis=0)
    profiles = np.stack([a.argmax(axis=1) for a in alive], axis=1)
    profiles[~solved] = -1
    return profiles


def _rivals(n: int) -> np.ndarray:
    """Shape ``(n, n - 1)``: for each action, the other actions, in order."""
    return np.array([[b for b in range(n) if b != a] for a in range(n)], dtype=int).reshape(n, n - 1)


def _gaps(payoff: np.ndarray, i: int) -> np.ndarray:
    """Shape ``(P, n_i, n_i - 1, opponent profiles)``: each rival's payoff minus each action's, for player ``i``."""
    moved = np.moveaxis(payoff, 1 + i, 1)
    own = moved.reshape(moved.shape[0], moved.shape[1], -1)
    return own[:, _rivals(own.shape[1]), :] - own[:, :, None, :]


def _others_alive(alive: list[np.ndarray], i: int) -> np.ndarray:
    """Shape ``(P, opponent profiles)``: whether every opponent's action in the profile survives."""
    mask = np.ones((alive[0].shape[0], 1), dtype=bool)
    for j, a in enumerate(alive):
        if j != i:
            mask = (mask[:, :, None] & a[:, None, :]).reshape(mask.shape[0], -1)
    return mask


def _dominated(gaps: np.ndarray, others: np.ndarray, alive: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Shape ``(P, own actions)``: surviving actions that a surviving rival beats by more than ``limit`` everywhere."""
    margins = np.where(others[:, None, None, :], gaps, np.inf).min(axis=3)  # (P, action, rival)
    beaten = (margins > limit[:, :, None]) & alive[:, _rivals(alive.shape[1])]
    return alive & beaten.any(axis=2)


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
