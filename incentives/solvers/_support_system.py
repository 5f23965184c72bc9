"""The polynomial indifference system of one support profile, in free-probability coordinates.

Definitions
-----------
Fix a *support profile* ``S = (S_0, ..., S_{N-1})``: the actions each player plays
with positive probability.  Player ``j`` mixes ``q_j`` over ``S_j`` (``k_j = |S_j|``
actions), written in *stick-breaking coordinates* ``u = x_j`` in ``[0, 1]^(k_j - 1)``:

    ``q_j[t] = u_0 u_1 ... u_{t-1} (1 - u_t)`` for ``t < k_j - 1``, and
    ``q_j[k_j - 1] = u_0 u_1 ... u_{k_j - 2}``

(``u_t`` is the probability of going past action ``t``, given that play got that
far).  The unit box maps onto the whole probability simplex, every ``q_j[t]`` is
affine in each coordinate separately, and the interior of the box maps one to
one onto the interior of the simplex.  The unknowns ``x`` stack the coordinates of
every player, ``n = sum_j (k_j - 1)`` of them.

Let ``D_i(a)`` be player ``i``'s expected payoff of action ``a`` minus that of its
first support action ``S_i[0]``, against the others' mixes.  The support profile
holds a Nash equilibrium at ``x`` exactly when

* ``D_i(a) = 0`` for every player ``i`` and every ``a`` in ``S_i`` but the first (the
  *indifference equations*: ``n`` polynomial equations in ``n`` unknowns),
* ``D_i(b) <= 0`` for every ``b`` outside ``S_i`` (no better action outside the support),
* ``x`` in ``[0, 1]^n`` (then the ``q_j`` are probability vectors).

``D_i(a)`` sums payoff differences times one entry of every other player's ``q_j``,
and each entry is affine in each of that player's coordinates, so ``D_i(a)`` is
*multilinear*: affine in each unknown separately.  On a box of unknowns it is
therefore the multilinear interpolation of its values at the box's corners, and
its minimum and maximum over the box are attained at corners
(:mod:`incentives.solvers._subdivision` uses both facts).

Rows
----
Every function here orders the constraint rows the same way: the ``n`` equation
rows (player by player, support actions after the first), then the best-response
rows (player by player, actions outside the support).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np

from ..equilibrium import Profile

__all__ = [
    "CrossTables",
    "SupportSystem",
    "corner_tables",
    "cross_payoffs",
    "cross_tables",
    "newton",
    "newton_many",
    "support_system",
    "support_systems",
]

#: Largest table of corner values (rows times corners) through which rows and Jacobians are evaluated;
#: larger systems contract the payoffs with the mixes instead.
_MAX_CORNER_ENTRIES = 2**16


@dataclass(frozen=True, kw_only=True)
class SupportSystem:
    """The indifference system of one support profile (see the module docstring).

    Parameters
    ----------
    support : tuple of tuple of int
        The actions each player mixes over, sorted.
    payoffs : numpy.ndarray
        The game's float payoffs, shape ``(N, n_0, ..., n_{N-1})`` (shared, not copied).
    """

    support: tuple[tuple[int, ...], ...]
    payoffs: np.ndarray

    @cached_property
    def shape(self) -> tuple[int, ...]:
        """The number of actions of each player in the game."""
        return tuple(self.payoffs.shape[1:])

    @cached_property
    def differences(self) -> tuple[np.ndarray, ...]:
        """For player ``i``: its payoffs with every own action on axis ``i`` and the others' axes
        restricted to their supports, minus the payoffs of ``S_i[0]``."""
        out = []
        for i in range(self.n_players):
            index = np.ix_(*[range(n) if j == i else self.support[j] for j, n in enumerate(self.shape)])
            own = self.payoffs[i][index]
            out.append(own - np.take(own, [self.support[i][0]], axis=i))
        return tuple(out)

    @cached_property
    def n_players(self) -> int:
        return len(self.shape)

    @cached_property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(s) for s in self.support)

    @cached_property
    def n_unknowns(self) -> int:
        return sum(k - 1 for k in self.sizes)

    @cached_property
    def offsets(self) -> tuple[int, ...]:
        """Index of each player's first coordinate in ``x``."""
        starts, total = [], 0
        for k in self.sizes:
            starts.append(total)
            total += k - 1
        return tuple(starts)

    @cached_property
    def equation_rows(self) -> tuple[tuple[int, int], ...]:
        """``(player, action)`` of each indifference equation."""
        return tuple((i, a) for i, s in enumerate(self.support) for a in s[1:])

    @cached_property
    def inequality_rows(self) -> tuple[tuple[int, int], ...]:
        """``(player, action)`` of each best-response inequality (actions outside the support)."""
        return tuple((i, b) for i, s in enumerate(self.support) for b in range(self.shape[i]) if b not in s)

    @cached_property
    def mixing(self) -> tuple[int, ...]:
        """Players with more than one action in their support."""
        return tuple(i for i, k in enumerate(self.sizes) if k > 1)

    def mixes(self, x: np.ndarray) -> list[np.ndarray]:
        """Each player's mix ``q_j`` over its support."""
        out = []
        for k, start in zip(self.sizes, self.offsets, strict=True):
            if k == 1:
                out.append(np.ones(1))
            elif k == 2:  # the stick-breaking mix of one coordinate, without the general products
                out.append(np.array([1.0 - x[start], x[start]], dtype=float))
            else:
                out.append(_stick_breaking(x[start : start + k - 1]))
        return out

    def coordinates(self, profile: Profile) -> np.ndarray:
        """The coordinates ``x`` of a profile, restricted to this support profile and renormalised."""
        parts = []
        for s, mix in zip(self.support, profile, strict=True):
            q = np.asarray(mix, dtype=float)[list(s)]
            q = q / q.sum() if q.sum() > 0 else np.full(len(q), 1.0 / len(q))
            left = 1.0 - np.concatenate([[0.0], np.cumsum(q)[:-1]])  # probability of getting to action t
            with np.errstate(all="ignore"):
                parts.append(np.where(left[:-1] > 0, left[1:] / np.where(left[:-1] > 0, left[:-1], 1.0), 0.5))
        return np.concatenate(parts) if parts else np.zeros(0)

    def profile(self, x: np.ndarray) -> Profile:
        """The full mixed profile at ``x`` (zero outside the supports)."""
        out = []
        for n, s, q in zip(self.shape, self.support, self.mixes(x), strict=True):
            full = np.zeros(n)
            full[list(s)] = q
            out.append(full)
        return tuple(out)

    @cached_property
    def tables(self) -> CrossTables:
        return cross_tables(self.differences)

    def gains(self, x: np.ndarray) -> list[np.ndarray]:
        """``D_i(a)`` for every player ``i`` and every action ``a``."""
        return cross_payoffs(self.tables, self.mixes(x))[0]

    def residuals(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values of the equation rows and of the best-response rows at ``x``."""
        table = self._corner_table
        if table is not None:
            values = table @ _corner_weights(np.asarray(x, dtype=float))
            return values[: self.n_unknowns], values[self.n_unknowns :]
        gains = self.gains(x)
        equations = np.array([gains[i][a] for i, a in self.equation_rows])
        inequalities = np.array([gains[i][b] for i, b in self.inequality_rows])
        return equations, inequalities

    def jacobian(self, x: np.ndarray, rows: tuple[tuple[int, int], ...] | None = None) -> np.ndarray:
        """Derivatives of the given rows (default: the equation rows) with respect to ``x``."""
        rows = self.equation_rows if rows is None else rows
        table = self._corner_table
        if table is not None:
            picked = table[: self.n_unknowns] if rows == self.equation_rows else table[self._row_positions(rows)]
            return picked @ _corner_slopes(np.asarray(x, dtype=float))
        return self._jacobian(x, cross_payoffs(self.tables, self.mixes(x), blocks=True)[1], rows)

    def linearised(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The equation rows at ``x`` and their Jacobian, from one contraction of the payoffs."""
        table = self._corner_table
        if table is not None:
            x = np.asarray(x, dtype=float)
            equations = table[: self.n_unknowns]
            return equations @ _corner_weights(x), equations @ _corner_slopes(x)
        gains, blocks = cross_payoffs(self.tables, self.mixes(x), blocks=True)
        equations = np.array([gains[i][a] for i, a in self.equation_rows])
        return equations, self._jacobian(x, blocks, self.equation_rows)

    @cached_property
    def _corner_table(self) -> np.ndarray | None:
        """The rows' values at the corners of the unit box (:meth:`corner_values`) when that table is small.

        A multilinear row is the multilinear interpolation of its corner values, so with the table
        a row and its derivatives at any ``x`` are a weighted sum of corner values: a few array
        operations, instead of contracting the payoffs with every player's mix.
        """
        rows = len(self.equation_rows) + len(self.inequality_rows)
        if rows * 2**self.n_unknowns > _MAX_CORNER_ENTRIES:
            return None
        return self.corner_values()

    def _row_positions(self, rows: tuple[tuple[int, int], ...]) -> list[int]:
        everything = {row: k for k, row in enumerate(self.equation_rows + self.inequality_rows)}
        return [everything[row] for row in rows]

    def _jacobian(
        self, x: np.ndarray, blocks: dict[tuple[int, int], np.ndarray], rows: tuple[tuple[int, int], ...]
    ) -> np.ndarray:
        out = np.zeros((len(rows), self.n_unknowns))
        columns = {j: slice(self.offsets[j], self.offsets[j] + self.sizes[j] - 1) for j in self.mixing}
        slopes = {j: _stick_breaking_slopes(x[columns[j]]) for j in self.mixing}
        for i, picks, actions in _row_groups(rows):
            for j in self.mixing:
                if j != i:
                    out[picks, columns[j]] = blocks[i, j][actions] @ slopes[j]
        return out

    def corner_values(self) -> np.ndarray:
        """Every row (equations, then best responses) at every corner of ``[0, 1]^n``.

        Returns an array of shape ``(rows, 2**n)`` (read-only, computed once); corner ``c``
        has coordinates the binary digits of ``c``, the first unknown being the most
        significant.  At a corner every mix is pure (the first support action whose
        coordinate is 0, or the last), so the values are payoff differences gathered at
        pure profiles.
        """
        return self._corners

    @cached_property
    def _corners(self) -> np.ndarray:
        """:meth:`corner_values`, gathered from the flat payoffs: one index per profile a row reads."""
        choices = _corner_choices(self.sizes)
        strides = np.cumprod((1, *self.shape[:0:-1]))[::-1]  # of each player's axis in one payoff array
        played = [np.asarray(s)[c] * stride for s, c, stride in zip(self.support, choices, strides, strict=True)]
        others = np.sum(played, axis=0) if played else np.zeros(1, dtype=np.intp)  # every player's pure action
        flat = self.payoffs.reshape(self.n_players, -1)
        equations, inequalities = [], []
        for i, support in enumerate(self.support):
            base = others - played[i]  # the others' actions at each corner
            own = flat[i][base + support[0] * strides[i]]
            outside = [b for b in range(self.shape[i]) if b not in support]
            equations.append(flat[i][base + np.array(support[1:], dtype=np.intp)[:, None] * strides[i]] - own)
            inequalities.append(flat[i][base + np.array(outside, dtype=np.intp)[:, None] * strides[i]] - own)
        table = np.concatenate(equations + inequalities).astype(float, copy=False).reshape(-1, 2**self.n_unknowns)
        table.flags.writeable = False
        return table


def support_system(payoffs: np.ndarray, support: tuple[tuple[int, ...], ...]) -> SupportSystem:
    """Build the indifference system of ``support`` for float ``payoffs`` of shape ``(N, n_0, ...)``.

    Examples
    --------
    Matching pennies, both players mixing: one unknown per player, and the
    equations say each makes the other indifferent.

    >>> pennies = np.array([[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]])
    >>> system = support_system(pennies, ((0, 1), (0, 1)))
    >>> system.n_unknowns, system.equation_rows
    (2, ((0, 1), (1, 1)))
    >>> [float(v) for v in system.residuals(np.array([0.5, 0.5]))[0]]
    [0.0, 0.0]
    """
    return SupportSystem(support=tuple(tuple(int(a) for a in s) for s in support), payoffs=payoffs)


def support_systems(
    payoffs: np.ndarray, supports: list[tuple[tuple[int, ...], ...]], corners: np.ndarray | None = None
) -> list[SupportSystem]:
    """:func:`support_system` of each support profile, with its corner values set from ``corners`` (those of
    :func:`corner_tables`, in the same order; computed here when not given)."""
    corners = corner_tables(payoffs, supports) if corners is None else corners
    systems = [support_system(payoffs, support) for support in supports]
    for system, table in zip(systems, corners, strict=True):
        system.__dict__["_corners"] = table  # the cached property's value
    return systems


def corner_tables(payoffs: np.ndarray, supports: list[tuple[tuple[int, ...], ...]]) -> np.ndarray:
    """The values of :meth:`SupportSystem.corner_values` of support profiles with the same number of unknowns,
    stacked: shape ``(profiles, rows, 2^n)``, read-only.

    Every support profile of a game has the same number of rows (each action of each player but one
    is an equation or an inequality row), and every value is one payoff difference: the row's player's
    payoff of its action minus that of its first support action, against the others' pure actions at
    the corner.  All of them are gathered by two index operations on the flat payoffs.
    """
    shape = payoffs.shape[1:]
    count = len(shape)
    strides = np.cumprod((1, *shape[:0:-1]))[::-1]
    width = max(shape)
    padded = np.array([[list(s) + [0] * (width - len(s)) for s in support] for support in supports], dtype=np.intp)
    padded = padded.reshape(len(supports), count, width).transpose(1, 0, 2)  # [player, profile, position]
    # each player's support position at each corner, then its action there: [player, profile, corner]
    positions = np.stack([np.stack(_corner_choices(tuple(len(s) for s in support))) for support in supports], axis=1)
    at = np.take_along_axis(padded, positions, axis=2) * strides[:, None, None]
    others = at.sum(axis=0) - at  # the flat index of the others' actions at each corner
    players, actions = [], []
    for support in supports:
        rows = [(i, a) for i, s in enumerate(support) for a in s[1:]]
        rows += [(i, b) for i, s in enumerate(support) for b in range(shape[i]) if b not in s]
        players.append([i for i, _ in rows])
        actions.append([a for _, a in rows])
    player = np.array(players, dtype=np.intp).reshape(len(supports), -1)  # [profile, row]
    profile = np.arange(len(supports))[:, None]
    base = others[player, profile]  # [profile, row, corner]
    stride = strides[player][:, :, None]
    own = padded[player, profile, 0][:, :, None]  # the first support action of the row's player
    action = np.array(actions, dtype=np.intp).reshape(player.shape)[:, :, None]
    flat = payoffs.reshape(count, -1)
    owner = player[:, :, None]
    tables = (flat[owner, base + action * stride] - flat[owner, base + own * stride]).astype(float, copy=False)
    tables.flags.writeable = False
    return tables


def newton(system: SupportSystem, start: np.ndarray, *, tol: float, max_steps: int = 40) -> tuple[np.ndarray, bool]:
    """Gauss-Newton on the indifference equations from ``start``.

    Least-squares steps make it safe on singular systems, where it converges to a
    nearby point of the solution set.  Once the equations hold within ``tol``, one
    more step polishes the point to machine precision.  Returns the last point and
    whether the equations hold within ``tol`` there.
    """
    x = np.array(start, dtype=float)
    if system.n_unknowns == 0:
        return x, bool(np.all(np.abs(system.residuals(x)[0]) <= tol))
    for _ in range(max_steps):
        values, jacobian = system.linearised(x)
        error = float(np.max(np.abs(values)))
        if error <= tol:
            return _polish(system, x, values, error, jacobian), True
        step = np.linalg.lstsq(jacobian, values, rcond=None)[0]
        x = x - step
        if not np.all(np.isfinite(x)) or np.max(np.abs(x)) > 1e6:
            return x, False
    return x, bool(np.max(np.abs(system.residuals(x)[0])) <= tol)


def newton_many(
    systems: list[SupportSystem], starts: list[np.ndarray], *, tol: float, max_steps: int = 40
) -> list[tuple[np.ndarray, bool]] | None:
    """:func:`newton` for many systems with the same number of unknowns, all iterations at once.

    The rows and Jacobians come from the systems' corner tables, and each step solves the
    square Newton system (the starts are centres of boxes certified to hold one regular root).
    None when that is not possible (no small corner table, no unknowns, a singular Jacobian
    on the way): then :func:`newton` is the way, one system at a time.
    """
    n = systems[0].n_unknowns if systems else 0
    tables = [s._corner_table for s in systems]
    if n == 0 or any(t is None or s.n_unknowns != n for s, t in zip(systems, tables, strict=True)):
        return None
    equations = np.stack([t[:n] for t in tables if t is not None])
    x = np.array(starts, dtype=float)
    converged = np.zeros(len(x), dtype=bool)
    active = np.ones(len(x), dtype=bool)
    try:
        for _ in range(max_steps):
            rows = np.flatnonzero(active)
            if not len(rows):
                break
            values, jacobians = _linearised_many(equations[rows], x[rows])
            error = np.abs(values).max(axis=1)
            steps = np.linalg.solve(jacobians, values[:, :, None])[:, :, 0]
            done = error <= tol
            if done.any():  # one more step, kept where it makes the residual smaller (to machine precision)
                polished = x[rows[done]] - steps[done]
                better = np.abs(_linearised_many(equations[rows[done]], polished)[0]).max(axis=1) < error[done]
                x[rows[done]] = np.where(better[:, None], polished, x[rows[done]])
                converged[rows[done]] = True
                active[rows[done]] = False
            moving = rows[~done]
            x[moving] -= steps[~done]
            lost = ~np.all(np.isfinite(x[moving]), axis=1) | (np.abs(x[moving]).max(axis=1) > 1e6)
            active[moving[lost]] = False
    except np.linalg.LinAlgError:
        return None
    left = np.flatnonzero(active)
    if len(left):
        converged[left] = np.abs(_linearised_many(equations[left], x[left])[0]).max(axis=1) <= tol
    return [(point, bool(ok)) for point, ok in zip(x, converged, strict=True)]


def _linearised_many(equations: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The equation rows and their Jacobians at one point per system, from the corner tables ``equations``."""
    bits = _corner_bits(x.shape[1])
    factors = np.where(bits[None], x[:, None, :], 1.0 - x[:, None, :])  # [system, corner, unknown]
    before = np.ones_like(factors)
    after = np.ones_like(factors)
    if x.shape[1] > 1:
        before[:, :, 1:] = np.cumprod(factors[:, :, :-1], axis=2)
        after[:, :, :-1] = np.cumprod(factors[:, :, :0:-1], axis=2)[:, :, ::-1]
    slopes = np.where(bits[None], before * after, -(before * after))
    weights = factors.prod(axis=2)
    return np.matmul(equations, weights[:, :, None])[:, :, 0], np.matmul(equations, slopes)


def simplified_newton(
    system: SupportSystem, start: np.ndarray, *, tol: float, max_steps: int = 200
) -> tuple[np.ndarray, bool]:
    """Newton with the Jacobian fixed at ``start``: the iteration a Krawczyk certificate proves contracting."""
    x = np.array(start, dtype=float)
    jacobian = np.linalg.pinv(system.jacobian(x))
    for _ in range(max_steps):
        values = system.residuals(x)[0]
        error = float(np.max(np.abs(values)))
        if error <= tol:
            return _polish(system, x, values, error), True
        x = x - jacobian @ values
        if not np.all(np.isfinite(x)):
            return x, False
    return x, bool(np.max(np.abs(system.residuals(x)[0])) <= tol)


def _polish(
    system: SupportSystem, x: np.ndarray, values: np.ndarray, error: float, jacobian: np.ndarray | None = None
) -> np.ndarray:
    """One more Newton step, kept when it makes the residual smaller (to machine precision)."""
    jacobian = system.jacobian(x) if jacobian is None else jacobian
    step = np.linalg.lstsq(jacobian, values, rcond=None)[0]
    polished = x - step
    better = float(np.max(np.abs(system.residuals(polished)[0]))) < error
    return polished if better else x


# -- kernels ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CrossTables:
    """Each player's payoff array arranged for contraction with the others' mixes, pair by pair.

    ``tables[i][j]`` has player ``i``'s actions on axis 0, player ``j``'s on axis 1,
    and the profiles of the remaining players ``others[i][j]`` (in order) flattened on axis 2.
    """

    tables: tuple[dict[int, np.ndarray], ...]
    others: tuple[dict[int, tuple[int, ...]], ...]
    single: tuple[np.ndarray, ...]


def cross_tables(arrays: tuple[np.ndarray, ...] | list[np.ndarray]) -> CrossTables:
    """Arrange ``arrays[i]`` (player ``i``'s payoffs, any actions on each axis) for :func:`cross_payoffs`."""
    count = len(arrays)
    tables: list[dict[int, np.ndarray]] = []
    others: list[dict[int, tuple[int, ...]]] = []
    for i, array in enumerate(arrays):
        mine, rest = {}, {}
        for j in range(count):
            if j != i:
                moved = np.moveaxis(array, (i, j), (0, 1))
                mine[j] = np.ascontiguousarray(moved.reshape(array.shape[i], array.shape[j], -1))
                rest[j] = tuple(k for k in range(count) if k not in (i, j))
        tables.append(mine)
        others.append(rest)
    return CrossTables(tables=tuple(tables), others=tuple(others), single=tuple(np.asarray(a) for a in arrays))


def cross_payoffs(
    tables: CrossTables, mixes: list[np.ndarray], *, blocks: bool = False
) -> tuple[list[np.ndarray], dict[tuple[int, int], np.ndarray]]:
    """Each player's payoff of each action against the others' mixes, and (with ``blocks``) the
    matrices ``M_ij[a, b]``: player ``i``'s payoff of ``a`` when ``j`` plays ``b`` and the rest mix."""
    count = len(mixes)
    weights: dict[tuple[int, ...], np.ndarray] = {}
    gains: list[np.ndarray] = []
    matrices: dict[tuple[int, int], np.ndarray] = {}
    for i in range(count):
        if count == 1:
            gains.append(tables.single[0])
            continue
        for j in (j for j in range(count) if j != i):
            rest = tables.others[i][j]
            if rest not in weights:
                weight = np.ones(1)
                for k in rest:
                    weight = np.multiply.outer(weight, mixes[k]).ravel()
                weights[rest] = weight
            matrix = tables.tables[i][j] @ weights[rest]
            if not blocks:
                gains.append(matrix @ mixes[j])
                break
            matrices[i, j] = matrix
            if len(gains) == i:
                gains.append(matrix @ mixes[j])
    return gains, matrices


def _stick_breaking(u: np.ndarray) -> np.ndarray:
    """The mix over ``len(u) + 1`` actions with stick-breaking coordinates ``u``."""
    reach = np.concatenate([[1.0], np.cumprod(u)])  # probability of getting to each action
    return reach * np.concatenate([1.0 - u, [1.0]])


def _stick_breaking_slopes(u: np.ndarray) -> np.ndarray:
    """Derivatives of the mix with respect to ``u``: shape ``(len(u) + 1, len(u))``.

    The mix is affine in each ``u_t``, so column ``t`` is the mix at ``u_t = 1``
    minus the mix at ``u_t = 0`` (exact); every column at once.
    """
    m = len(u)
    high = np.tile(u, (m, 1))
    np.fill_diagonal(high, 1.0)
    low = high.copy()
    np.fill_diagonal(low, 0.0)
    return (_stick_breaking_rows(high) - _stick_breaking_rows(low)).T


def _stick_breaking_rows(u: np.ndarray) -> np.ndarray:
    """:func:`_stick_breaking` of every row of ``u``."""
    ones = np.ones((len(u), 1))
    return np.hstack([ones, np.cumprod(u, axis=1)]) * np.hstack([1.0 - u, ones])


@cache
def _row_groups(rows: tuple[tuple[int, int], ...]) -> tuple[tuple[int, np.ndarray, np.ndarray], ...]:
    """The rows of each player: ``(player, positions among the rows, actions)``."""
    out = []
    for i in sorted({p for p, _ in rows}):
        picks = [r for r, (p, _) in enumerate(rows) if p == i]
        out.append((i, np.array(picks), np.array([rows[r][1] for r in picks])))
    return tuple(out)


def _corner_weights(x: np.ndarray) -> np.ndarray:
    """The weight of each corner of the unit box in the multilinear interpolation at ``x`` (corner order of
    :meth:`SupportSystem.corner_values`): the product over unknowns of ``x_t`` or ``1 - x_t``."""
    return np.where(_corner_bits(len(x)), x, 1.0 - x).prod(axis=1)


def _corner_slopes(x: np.ndarray) -> np.ndarray:
    """Derivatives of the corner weights at ``x``: shape ``(2^n, n)``, column ``t`` along ``x_t``.

    Along ``x_t`` a weight is ``+-1`` (the corner's bit ``t`` is 1 or 0) times the product of its other
    factors, formed from prefix and suffix products (no division, so exact zeros stay harmless).
    """
    n = len(x)
    bits = _corner_bits(n)
    factors = np.where(bits, x, 1.0 - x)
    before = np.ones_like(factors)
    after = np.ones_like(factors)
    if n > 1:
        before[:, 1:] = np.cumprod(factors[:, :-1], axis=1)
        after[:, :-1] = np.cumprod(factors[:, :0:-1], axis=1)[:, ::-1]
    return np.where(bits, before * after, -(before * after))


@cache
def _corner_bits(n: int) -> np.ndarray:
    """``bits[c, t]``: whether unknown ``t`` is 1 at corner ``c`` (the first unknown most significant; read-only)."""
    bits = ((np.arange(2**n)[:, None] >> np.arange(n - 1, -1, -1)[None, :]) & 1).astype(bool)
    bits.flags.writeable = False
    return bits


@cache
def _corner_choices(sizes: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """For each player, the support position its pure mix takes at every corner of the unit box (read-only)."""
    n = sum(k - 1 for k in sizes)
    bits = (np.arange(2**n)[:, None] >> np.arange(n - 1, -1, -1)[None, :]) & 1
    out, start = [], 0
    for k in sizes:
        block = bits[:, start : start + k - 1]
        choice = np.where(block.all(axis=1), k - 1, block.argmin(axis=1)) if k > 1 else np.zeros(2**n, dtype=int)
        choice.flags.writeable = False
        out.append(choice)
        start += k - 1
    return tuple(out)
