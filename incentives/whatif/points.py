"""The points a sweep visits: grids over one or more quantities, or Latin-hypercube samples.

A :class:`SweepPoints` is a table of quantity values, one row per point.  A
*grid* is every combination of the values given for each quantity (the first
quantity varies slowest); a *Latin-hypercube sample* of ``n`` points splits the
range of each quantity into ``n`` equal strata and puts exactly one point in each
stratum of each quantity (McKay, Beckman and Conover, 1979), which covers a
many-dimensional box far more evenly than independent uniform draws.

References
----------
M. D. McKay, R. J. Beckman and W. J. Conover (1979), "A comparison of three
methods for selecting values of input variables in the analysis of output from
a computer code", *Technometrics* 21(2), 239-245.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .._util import readonly
from ..errors import GameTooLargeError
from ..limits import MAX_POINTS

__all__ = ["MAX_POINTS", "SweepPoints", "as_points", "check_points", "grid", "latin_hypercube"]

Design = Literal["grid", "latin_hypercube", "points"]


def check_points(count: int, what: str) -> int:
    """Refuse a sweep of more than :data:`MAX_POINTS` points before anything is allocated.

    Examples
    --------
    >>> check_points(10, "a grid")
    10
    >>> check_points(10**8, "a grid of 10000 x 10000 values")
    Traceback (most recent call last):
    ...
    incentives.errors.GameTooLargeError: a grid of 10000 x 10000 values has 100,000,000 points; ...
    """
    if count > MAX_POINTS:
        raise GameTooLargeError(
            f"{what} has {count:,} points; a sweep takes at most {MAX_POINTS:,} (each point is a game to solve). "
            "Use fewer values per quantity, or a Latin-hypercube sample (--samples N) of the same ranges"
        )
    return count


@dataclass(frozen=True, kw_only=True)
class SweepPoints:
    """Quantity values at each point of a sweep.

    Parameters
    ----------
    names : tuple of str
        The quantities varied (parameters, ``bonus.DEPARTMENT.KPI`` weights, ``costs.DEPARTMENT.ACTION``).
    values : numpy.ndarray
        Shape ``(P, len(names))``: one row per point.
    design : {"grid", "latin_hypercube", "points"}
        How the points were chosen.
    axes : tuple of numpy.ndarray
        For a grid, the values of each quantity; empty otherwise.
    """

    names: tuple[str, ...]
    values: np.ndarray
    design: Design = "points"
    axes: tuple[np.ndarray, ...] = field(default=())

    def __post_init__(self) -> None:
        names = tuple(self.names)
        values = readonly(np.asarray(self.values, dtype=float))
        if values.ndim != 2 or values.shape[1] != len(names):
            raise ValueError(f"The 'values' of SweepPoints must have shape (P, {len(names)}). Got {values.shape}.")
        if len(set(names)) != len(names):
            raise ValueError(f"The 'names' of SweepPoints must be distinct. Got {list(names)}.")
        if not np.all(np.isfinite(values)):
            raise ValueError("The 'values' of SweepPoints must be finite numbers. Got NaN or infinity.")
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "axes", tuple(readonly(np.asarray(a, dtype=float)) for a in self.axes))

    def __len__(self) -> int:
        return int(self.values.shape[0])

    def rows(self) -> list[dict[str, float]]:
        """Each point as ``{name: value}``."""
        return [dict(zip(self.names, (float(v) for v in row), strict=True)) for row in self.values]


def _axis(name: str, values: Any) -> np.ndarray:
    array = np.atleast_1d(np.asarray(values, dtype=float))
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"The values of {name!r} must be a non-empty list of numbers. Got {values!r}.")
    return array


def grid(axes: Mapping[str, Sequence[float] | np.ndarray]) -> SweepPoints:
    """Every combination of the values given for each quantity.

    Examples
    --------
    >>> points = grid({"customers_per_deal": [100, 200], "bonus.support.tickets_closed_per_hour": [0, 1, 2]})
    >>> len(points), points.rows()[1]
    (6, {'customers_per_deal': 100.0, 'bonus.support.tickets_closed_per_hour': 1.0})
    """
    if not axes:
        raise ValueError("a grid needs at least one quantity with its values")
    arrays = [_axis(name, values) for name, values in axes.items()]
    check_points(math.prod(len(a) for a in arrays), "a grid of " + " x ".join(str(len(a)) for a in arrays) + " values")
    mesh = np.meshgrid(*arrays, indexing="ij")
    values = np.stack([m.ravel() for m in mesh], axis=1)
    return SweepPoints(names=tuple(axes), values=values, design="grid", axes=tuple(arrays))


def latin_hypercube(
    ranges: Mapping[str, tuple[float, float]], samples: int, *, rng: int | np.random.Generator | None = None
) -> SweepPoints:
    """``samples`` points in the box ``ranges`` by Latin-hypercube sampling.

    Parameters
    ----------
    ranges : mapping of str to (low, high)
        The range of each quantity.
    samples : int
        Number of points.
    rng : int, numpy.random.Generator or None
        Seed or generator, for reproducible samples.

    Examples
    --------
    >>> points = latin_hypercube({"customers_per_deal": (50, 500)}, 10, rng=1)
    >>> sorted(int((v - 50) // 45) for v in points.values[:, 0])  # one point in each tenth of the range
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    """
    from scipy.stats import qmc

    if not ranges:
        raise ValueError("a Latin-hypercube sample needs at least one quantity with its range")
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or samples < 1:
        raise ValueError(f"The 'samples' parameter must be an int in [1, inf). Got {samples!r} instead.")
    check_points(int(samples), "a Latin-hypercube sample")
    lows, highs = [], []
    for name, bounds in ranges.items():
        low, high = (float(b) for b in bounds)
        if not (np.isfinite(low) and np.isfinite(high) and low <= high):
            raise ValueError(f"The range of {name!r} must be (low, high) with low <= high. Got {bounds!r}.")
        lows.append(low)
        highs.append(high)
    generator = np.random.default_rng(rng)
    seeding = "rng" if "rng" in inspect.signature(qmc.LatinHypercube).parameters else "seed"
    sampler = qmc.LatinHypercube(d=len(lows), **{seeding: generator})
    unit = sampler.random(int(samples))
    values = np.asarray(lows) + unit * (np.asarray(highs) - np.asarray(lows))
    return SweepPoints(names=tuple(ranges), values=values, design="latin_hypercube")


def as_points(points: SweepPoints | Mapping[str, Any] | Sequence[Mapping[str, float]]) -> SweepPoints:
    """Points from a :class:`SweepPoints`, a grid given as ``{name: values}``, or a list of ``{name: value}``."""
    if isinstance(points, SweepPoints):
        return points
    if isinstance(points, Mapping):
        return grid(points)
    if hasattr(points, "__len__"):
        check_points(len(points), "the list of points")
    rows = list(points)
    if not rows or not all(isinstance(r, Mapping) for r in rows):
        raise ValueError("expected SweepPoints, a grid {name: values}, or a non-empty list of {name: value} points")
    names = tuple(rows[0])
    if any(tuple(r) != names for r in rows):
        raise ValueError(f"every point must give the same quantities, in the same order; the first gives {names}")
    return SweepPoints(names=names, values=np.array([[r[n] for n in names] for r in rows], dtype=float))
