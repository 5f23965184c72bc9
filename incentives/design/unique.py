"""The target as the unique pure equilibrium: a mixed-integer program with big-M disjunctions.

Definitions
-----------
Besides holding the target ``t`` (a Nash equilibrium with margin ``m``), every
other pure profile ``s != t`` must *not* be an equilibrium: some department
``i`` must gain at least ``m`` by switching to some action ``a``::

    OR over (i, a != s_i) of   g(a | s) = const + c . x  >=  m

Each disjunction gets one binary ``z`` per switch, with ``sum z >= 1`` for the
profile and ``c . x - M z >= m - const - M``: when ``z = 1`` the switch must
gain ``m``; when ``z = 0`` the row is slack.

Big-M bound
-----------
With every weight in a box ``lo_k <= x_k <= hi_k``, the smallest gain a switch
can have is ``g_min = const + sum_k min(c_k lo_k, c_k hi_k)``; the row with
``z = 0`` reads ``g >= m - M`` and holds for every ``x`` in the box exactly when
``M >= m - g_min``.  ``M = m - g_min`` is used: the tightest valid constant,
derived from the weight bounds (so uniqueness needs finite bounds).  Switches
whose largest possible gain is below ``m`` can never break their profile and get
no binary; profiles with a switch whose *smallest* gain is at least ``m`` are
broken whatever the plan, and get no constraint at all.

The program has one binary per remaining switch, at most
``sum_s sum_i (n_i - 1)``; games with more than ``max_profiles`` profiles are
refused before anything is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..equilibrium import format_number
from ..errors import DesignError
from ..tolerance import tolerance
from .conditions import DesignSystem, add_system
from .diagnose import Obstacle, irreducible_subset
from .linear import Switches, profile_label, switch_gains
from .program import Program

__all__ = ["DEFAULT_MAX_PROFILES", "Escapes", "add_escapes", "escapes", "explain_not_unique"]

#: Largest game (in pure profiles) a uniqueness design builds by default.
DEFAULT_MAX_PROFILES = 5000


@dataclass(frozen=True, kw_only=True)
class Escapes:
    """The switches that may break each non-target profile, with their big-M constants.

    ``switches`` holds, per department, the rows kept; ``profiles`` the flat
    indices of profiles that need a binary disjunction; ``trapped`` the profiles
    no switch can break within the bounds.
    """

    switches: tuple[Switches, ...]
    big_m: tuple[np.ndarray, ...]
    profiles: np.ndarray
    trapped: np.ndarray
    automatic: int


def _gain_range(switches: Switches, lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    coef = switches.coefficients
    lo, hi = lower[switches.columns], upper[switches.columns]
    with np.errstate(invalid="ignore", over="ignore"):
        smallest = np.where(coef > 0, coef * lo, np.where(coef < 0, coef * hi, 0.0))
        largest = np.where(coef > 0, coef * hi, np.where(coef < 0, coef * lo, 0.0))
    return switches.constant + smallest.sum(axis=1), switches.constant + largest.sum(axis=1)


def escapes(system: DesignSystem, *, max_profiles: int = DEFAULT_MAX_PROFILES) -> Escapes:
    """Every switch that could make a non-target profile fail to be an equilibrium.

    Raises
    ------
    DesignError
        If the game has more than ``max_profiles`` profiles, or a weight that a
        switch depends on has no finite bound (the big-M constants need one).
    """
    lin = system.payoffs
    if lin.n_profiles > max_profiles:
        raise DesignError(
            f"a unique-equilibrium design needs one binary variable per switch at every profile; this game has "
            f"{lin.n_profiles:,} profiles, above the limit of {max_profiles:,}. Design a Nash or dominant-strategy "
            "plan instead, or raise max_profiles."
        )
    tol = tolerance(system.margin, system.tol)
    flat_target = int(np.ravel_multi_index(system.target, lin.shape))
    others = np.setdiff1d(np.arange(lin.n_profiles), [flat_target])
    kept, big_m = [], []
    broken = np.zeros(lin.n_profiles, dtype=bool)
    reachable = np.zeros(lin.n_profiles, dtype=bool)
    candidates = []
    for i in range(len(lin.players)):
        switches = switch_gains(lin, i, others)
        smallest, largest = _gain_range(switches, system.lower, system.upper)
        broken[switches.origins[smallest >= system.margin - tol]] = True
        possible = largest >= system.margin - tol
        reachable[switches.origins[possible]] = True
        candidates.append((switches, smallest, possible))
    for switches, smallest, possible in candidates:
        rows = possible & ~broken[switches.origins]
        if np.any(~np.isfinite(smallest[rows])):
            raise DesignError(
                "a unique-equilibrium design needs finite bounds on every weight (the big-M constants come "
                "from them); give max_weight or bounds"
            )
        kept.append(switches.subset(rows))
        big_m.append(system.margin - smallest[rows])
    need = others[~broken[others]]
    trapped = need[~reachable[need]]
    return Escapes(
        switches=tuple(kept),
        big_m=tuple(big_m),
        profiles=np.setdiff1d(need, trapped),
        trapped=trapped,
        automatic=int(np.count_nonzero(broken[others])),
    )


def add_escapes(
    program: Program, x: np.ndarray, esc: Escapes, margin: float, profiles: np.ndarray | None = None
) -> int:
    """Add the binaries and big-M rows that break ``profiles`` (default: all of ``esc.profiles``); return #binaries."""
    targets = np.sort(esc.profiles if profiles is None else profiles)
    cover_rows, cover_cols = [], []
    count = 0
    for switches, big_m in zip(esc.switches, esc.big_m, strict=True):
        mask = np.isin(switches.origins, targets)
        if not np.any(mask):
            continue
        sw, m = switches.subset(mask), big_m[mask]
        z = program.add_variables(len(sw), lower=0.0, upper=1.0, integer=True)
        count += len(sw)
        n_cols = len(sw.columns)
        rows = np.concatenate([np.repeat(np.arange(len(sw)), n_cols), np.arange(len(sw))])
        cols = np.concatenate([np.tile(x[sw.columns], len(sw)), z])
        values = np.concatenate([sw.coefficients.reshape(-1), -m])
        program.add_sparse_rows(rows, cols, values, lower=margin - sw.constant - m, upper=np.full(len(sw), np.inf))
        cover_rows.append(np.searchsorted(targets, sw.origins))
        cover_cols.append(z)
    if len(targets):
        rows_all, cols_all = np.concatenate(cover_rows), np.concatenate(cover_cols)
        program.add_sparse_rows(
            rows_all,
            cols_all,
            np.ones(len(rows_all)),
            lower=np.ones(len(targets)),
            upper=np.full(len(targets), np.inf),
        )
    return count


def _trapped_obstacle(system: DesignSystem, flat: int, alone: bool) -> Obstacle:
    label = profile_label(system.payoffs, flat)
    m = format_number(system.margin)
    if alone:
        why = f"no department there can be given a gain of at least {m} by switching, within the limits on the plan"
    else:
        why = "every plan that holds the target leaves each department there without a switch that gains " + m
    return Obstacle(
        kind="equilibrium",
        department=None,
        action=None,
        deviation=None,
        context=label,
        gain=None,
        message=f"[{label}] would stay an equilibrium: {why}.",
    )


def explain_not_unique(system: DesignSystem, esc: Escapes, *, time_limit: float | None = None) -> tuple[Obstacle, ...]:
    """Profiles that no plan holding the target can stop from being equilibria."""
    if len(esc.trapped):
        return tuple(_trapped_obstacle(system, int(p), True) for p in esc.trapped)

    def feasible(profiles: np.ndarray) -> bool:
        program = Program()
        x = add_system(program, system)
        add_escapes(program, x, esc, system.margin, profiles)
        return program.solve(time_limit=time_limit).status != "infeasible"

    alone = [int(p) for p in esc.profiles if not feasible(np.array([p]))]
    if alone:
        return tuple(_trapped_obstacle(system, p, False) for p in alone)
    subset = _subset(feasible, esc.profiles)
    labels = "; ".join(f"[{profile_label(system.payoffs, int(p))}]" for p in subset)
    return (
        Obstacle(
            kind="equilibrium",
            department=None,
            action=None,
            deviation=None,
            context=labels,
            gain=None,
            message=f"each of these profiles can be broken on its own, but no plan that holds the target breaks "
            f"them all at once: {labels}.",
        ),
    )


def _subset(feasible: Callable[[np.ndarray], bool], profiles: np.ndarray) -> np.ndarray:
    positions = irreducible_subset(lambda pos: feasible(profiles[pos]), len(profiles), max_solves=60)
    return profiles[np.array(positions, dtype=np.int64)]
