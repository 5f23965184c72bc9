"""Numeric best responses, regret and equilibria of continuous games (scipy).

Definitions
-----------
With every parameter a number, department ``d``'s *best response* to the
others' variables ``x_-d`` maximises its payoff over its own box of bounds.  It
is found *globally* on a grid over the box (``grid_points`` points per
department, shared between its variables; a seeded Latin hypercube sample of
that many points where a product grid of 3 values an axis would be far larger)
and refined by local optimisation
(:func:`scipy.optimize.minimize`, L-BFGS-B with the exact gradient) from the
current point and the best grid points.  An unbounded side of a box is
searched on the grid up to ``search_range`` from the other side (or from 0),
and the local optimisation is free to go beyond it.

The *regret* of a profile is the largest gain any department gets from its
best response, the others unchanged; an equilibrium has regret 0.  Every
equilibrium this package reports has its regret computed this way, on a grid
finer than the search's and by local optimisation.

Equilibria are searched for from several starts (the centre of the box and
random points, or given starts) by best-response iteration (each department in
turn plays its best response), damped when it does not settle, then polished
by solving the *natural map* ``x = clip(x + grad, lower, upper)`` (zero exactly
at a KKT point) with :func:`scipy.optimize.root` (kept only when it moves the
point by a little).  A multi-start search cannot
promise to find every equilibrium.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import sympy
from scipy import optimize

from ..errors import ModelError, Problem
from ..tolerance import NUMERIC_TOL, SOLVER_RTOL
from .game import ContinuousGame

__all__ = ["CompiledGame", "best_response", "compile_game", "numeric_equilibria", "regrets"]

#: L-BFGS-B settings that polish a best reply found on the grid.
_POLISH_OPTIONS = {"ftol": 1e-15, "gtol": 1e-11}


@dataclass(frozen=True, eq=False)
class CompiledGame:
    """A continuous game with every parameter a number, compiled to numpy functions."""

    players: tuple[str, ...]
    symbols: tuple[sympy.Symbol, ...]
    blocks: tuple[np.ndarray, ...]
    payoff: tuple[Any, ...]
    gradient: tuple[Any, ...]
    lower: np.ndarray
    upper: np.ndarray
    box_lower: np.ndarray
    box_upper: np.ndarray
    extra: Any
    tail: tuple[float, ...] = ()

    def value(self, i: int, x: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            result = float(np.asarray(self.payoff[i](*x, *self.tail), dtype=float))
        return result if np.isfinite(result) else -np.inf

    def own_gradient(self, i: int, x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(self.gradient[i](*x, *self.tail), dtype=float).reshape(-1)

    def evaluate(self, name: str, x: np.ndarray) -> float:
        """One of the ``extra`` formulas at ``x``."""
        with np.errstate(all="ignore"):
            return float(np.asarray(self.extra[name](*x, *self.tail), dtype=float))

    def bind(self, tail: Sequence[float]) -> CompiledGame:
        """The same game with the free symbols (see :func:`compile_game`) at new values."""
        return replace(self, tail=tuple(float(t) for t in tail))


def _number(expr: sympy.Expr | None, default: float, path: str) -> float:
    if expr is None:
        return default
    if not expr.is_number:
        raise ModelError([Problem(path=path, message=f"a bound must be a number once parameters are set; got {expr}")])
    return float(expr)


def compile_game(
    game: ContinuousGame,
    values: Mapping[sympy.Symbol, sympy.Expr] | None = None,
    *,
    search_range: float = 100.0,
    extra: Mapping[str, sympy.Expr] | None = None,
    free: Sequence[sympy.Symbol] = (),
) -> CompiledGame:
    """Compile ``game`` with its symbolic parameters at ``values`` (default: the model's).

    ``extra`` formulas (company value, surplus, ...) are compiled alongside.  Parameters in
    ``free`` stay arguments of the compiled functions, set with :meth:`CompiledGame.bind`
    (they start at their value in ``values``).
    """
    values = dict(game.values if values is None else values)
    tail = tuple(float(values.pop(s)) for s in free)
    args = [*game.symbols, *free]
    symbols = game.symbols
    payoffs, gradients, blocks = [], [], []
    for player in game.players:
        own = game.variables[player]
        expr = game.payoff(player).xreplace(values)
        leftover = expr.free_symbols - set(args)
        if leftover:
            names = sorted(s.name for s in leftover)
            raise ModelError(
                [Problem(path=f"departments.{player}", message=f"the payoff still has the symbols {names}")]
            )
        payoffs.append(sympy.lambdify(args, expr, modules="numpy"))
        gradients.append(sympy.lambdify(args, [sympy.diff(expr, x) for x in own], modules="numpy"))
        blocks.append(np.array([symbols.index(x) for x in own], dtype=int))
    lower = np.array([_number(_at(game.lower[x], values), -np.inf, f"bounds of {x}") for x in symbols])
    upper = np.array([_number(_at(game.upper[x], values), np.inf, f"bounds of {x}") for x in symbols])
    box_lower = np.where(
        np.isfinite(lower), lower, np.where(np.isfinite(upper), np.minimum(upper, 0), 0) - search_range
    )
    box_upper = np.where(
        np.isfinite(upper), upper, np.where(np.isfinite(lower), np.maximum(lower, 0), 0) + search_range
    )
    compiled_extra = {k: sympy.lambdify(args, e.xreplace(values), modules="numpy") for k, e in (extra or {}).items()}
    return CompiledGame(
        players=game.players,
        symbols=symbols,
        blocks=tuple(blocks),
        payoff=tuple(payoffs),
        gradient=tuple(gradients),
        lower=lower,
        upper=upper,
        box_lower=box_lower,
        box_upper=box_upper,
        extra=compiled_extra,
        tail=tail,
    )


def _at(expr: sympy.Expr | None, values: Mapping[sympy.Symbol, sympy.Expr]) -> sympy.Expr | None:
    return None if expr is None else expr.xreplace(dict(values))


#: A product grid of at least 3 values an axis is kept while it has at most this many times ``grid_points``
#: points; past that (from about 10 variables of one department on) the grid is a Latin hypercube sample.
_GRID_EXCESS = 4


def _grid(game: CompiledGame, i: int, x: np.ndarray, grid_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Grid points over player i's box (rows) and its payoff at each, others at x.

    A product grid, or, where one with 3 values an axis would hold more than ``_GRID_EXCESS`` times
    ``grid_points`` points (3**142 for a department of 142 variables), ``grid_points`` points of a seeded
    Latin hypercube sample of the box (the same points on every run).
    """
    idx = game.blocks[i]
    per_axis = max(3, round(grid_points ** (1 / len(idx))))
    lower, upper = game.box_lower[idx], game.box_upper[idx]
    if per_axis ** len(idx) <= _GRID_EXCESS * grid_points:
        axes = [np.linspace(low, high, per_axis) for low, high in zip(lower, upper, strict=True)]
        points = np.stack([m.ravel() for m in np.meshgrid(*axes, indexing="ij")], axis=1)
    else:
        from scipy.stats import qmc

        points = lower + qmc.LatinHypercube(d=len(idx), seed=0).random(grid_points) * (upper - lower)
    args: list[Any] = list(x)
    for a, j in enumerate(idx):
        args[j] = points[:, a]
    with np.errstate(all="ignore"):
        vals = np.broadcast_to(np.asarray(game.payoff[i](*args, *game.tail), dtype=float), (len(points),)).copy()
    vals[~np.isfinite(vals)] = -np.inf
    return points, vals


def best_response(
    game: CompiledGame, i: int, x: np.ndarray, *, grid_points: int = 2001, starts: int = 3
) -> tuple[np.ndarray, float]:
    """Player ``i``'s best response to ``x`` (its own part of ``x`` is a starting point) and its payoff.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.continuous import continuous_game
    >>> from incentives.continuous.numeric import best_response, compile_game
    >>> org = inc.load_model("examples/classics/holmstrom_milgrom_single.yaml")
    >>> compiled = compile_game(continuous_game(org))
    >>> y, value = best_response(compiled, 0, np.array([0.0]))
    >>> round(float(y[0]), 6)   # beta / c
    1.0
    """
    idx = game.blocks[i]
    points, vals = _grid(game, i, x, grid_points)
    order = np.argsort(-vals)[:starts]
    candidates = [x[idx].copy(), *points[order]]
    bounds = [
        (None if np.isinf(lo) else lo, None if np.isinf(hi) else hi)
        for lo, hi in zip(game.lower[idx], game.upper[idx], strict=True)
    ]
    best_y, best_v = points[order[0]].copy(), float(vals[order[0]])
    current = game.value(i, x)
    if current >= best_v:
        best_y, best_v = x[idx].copy(), current
    trial = x.astype(float).copy()

    def negative(y: np.ndarray) -> tuple[float, np.ndarray]:
        trial[idx] = y
        value = game.value(i, trial)
        grad = game.own_gradient(i, trial)
        if not np.isfinite(value) or not np.all(np.isfinite(grad)):
            return 1e300, np.zeros_like(y)
        return -value, -grad

    for start in candidates:
        start = np.clip(start, game.lower[idx], game.upper[idx])
        with np.errstate(all="ignore"):
            res = optimize.minimize(
                negative, start, jac=True, method="L-BFGS-B", bounds=bounds, options=_POLISH_OPTIONS
            )
        y = np.clip(np.asarray(res.x, dtype=float), game.lower[idx], game.upper[idx])
        trial[idx] = y
        value = game.value(i, trial)
        if value > best_v:
            best_y, best_v = y, value
    return best_y, best_v


def regrets(game: CompiledGame, x: np.ndarray, *, grid_points: int = 20001) -> np.ndarray:
    """Each player's gain from its best response to ``x`` (at least 0): found on a fine grid and locally."""
    x = np.asarray(x, dtype=float)
    gains = []
    for i in range(len(game.players)):
        _, best = best_response(game, i, x, grid_points=grid_points)
        gains.append(max(0.0, best - game.value(i, x)))
    return np.array(gains)


def _iterate(
    game: CompiledGame, start: np.ndarray, *, grid_points: int, max_iter: int, xtol: float
) -> tuple[np.ndarray, bool]:
    x = start.copy()
    for damping in (1.0, 0.5):
        for _ in range(max_iter):
            new = x.copy()
            for i, idx in enumerate(game.blocks):
                y, _ = best_response(game, i, new, grid_points=grid_points, starts=1)
                new[idx] = x[idx] + damping * (y - x[idx])
            step = float(np.max(np.abs(new - x)))
            x = new
            if step <= xtol * (1 + float(np.max(np.abs(x)))):
                return x, True
    return x, False


def _polish(game: CompiledGame, x: np.ndarray) -> np.ndarray:
    def natural_map(z: np.ndarray) -> np.ndarray:
        grad = np.empty_like(z)
        for i, idx in enumerate(game.blocks):
            grad[idx] = game.own_gradient(i, z)
        return z - np.clip(z + grad, game.lower, game.upper)

    with np.errstate(all="ignore"):
        try:
            res = optimize.root(natural_map, x, method="hybr")
        except (ValueError, FloatingPointError):
            return x
    if not res.success or not np.all(np.isfinite(res.x)):
        return x
    return np.clip(res.x, game.lower, game.upper)


def numeric_equilibria(
    game: CompiledGame,
    *,
    starts: Sequence[np.ndarray] = (),
    random_starts: int = 6,
    rng: int | np.random.Generator | None = None,
    tol: float = NUMERIC_TOL,
    grid_points: int = 401,
    check_points: int = 20001,
    max_iter: int = 100,
) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[tuple[np.ndarray, np.ndarray]]]:
    """Equilibria found from several starts, each with its regrets; and the rejected end points.

    Returns ``(equilibria, rejected)``, lists of ``(profile, regrets per player)``.
    """
    generator = np.random.default_rng(rng)
    centre = np.clip((game.box_lower + game.box_upper) / 2, game.lower, game.upper)
    points = [np.asarray(s, dtype=float) for s in starts] + [centre]
    points += [generator.uniform(game.box_lower, game.box_upper) for _ in range(random_starts)]
    found: list[tuple[np.ndarray, np.ndarray]] = []
    rejected: list[tuple[np.ndarray, np.ndarray]] = []
    scale = 1 + float(np.max(np.abs(np.concatenate([game.box_lower, game.box_upper]))))
    for start in points:
        x, _ = _iterate(game, start, grid_points=grid_points, max_iter=max_iter, xtol=SOLVER_RTOL)
        polished = _polish(game, x)
        if np.max(np.abs(polished - x)) > 1e-4 * (1 + float(np.max(np.abs(x)))):
            polished = x  # polishing refines a point; a jump elsewhere (a kink) is not a refinement
        gains = regrets(game, polished, grid_points=check_points)
        if np.max(gains) > tol:
            rough = regrets(game, x, grid_points=check_points)
            polished, gains = (x, rough) if np.max(rough) < np.max(gains) else (polished, gains)
        same = [k for k, (y, _) in enumerate(found) if np.max(np.abs(y - polished)) <= NUMERIC_TOL * scale]
        if np.max(gains) <= tol:
            if not same:
                found.append((polished, gains))
        elif not any(np.max(np.abs(y - polished)) <= NUMERIC_TOL * scale for y, _ in rejected):
            rejected.append((polished, gains))
    return found, rejected
