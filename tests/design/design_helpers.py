"""Hand-built organisations whose best bonus plans are known, shared by the design tests."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import sympy

import incentives as inc
from incentives.formula import symbol


def two_teams(bonus: dict[str, Any] | None = None, costs: dict[str, Any] | None = None) -> inc.Organization:
    """A prisoner's dilemma between two departments.

    Each team shares (help 1) or hoards (help 0).  A team's own score is
    ``1 + 2 * other.help - own.help``: hoarding raises it by 1, the other's sharing
    by 2.  Company value is ``4 * (north.help + south.help)``, best when both share.
    Under the current plans (each paid 1 x its own score) both hoard.
    """
    return inc.Organization.from_dict(
        {
            "name": "Two teams",
            "departments": {
                "north": {"actions": {"share": {"help": 1}, "hoard": {"help": 0}}},
                "south": {"actions": {"share": {"help": 1}, "hoard": {"help": 0}}},
            },
            "kpis": {
                "north_score": "1 + 2 * south.help - north.help",
                "south_score": "1 + 2 * north.help - south.help",
                "joint": "north.help * south.help",
                "south_output": "3 * south.help",
            },
            "company_value": "4 * (north.help + south.help)",
            "bonus": bonus or {"north": {"north_score": 1}, "south": {"south_score": 1}},
            **({"costs": costs} if costs else {}),
        }
    )


def deviation_losses_by_hand(game: inc.Game, target: tuple[int, ...]) -> list[float]:
    """Every ``u_i(t) - u_i(a, t_-i)``, by looping over players and actions (no shared code with the package)."""
    payoffs = game.float_payoffs()
    losses = []
    for i, n in enumerate(game.shape):
        for a in range(n):
            if a == target[i]:
                continue
            switched = list(target)
            switched[i] = a
            losses.append(float(payoffs[(i, *target)] - payoffs[(i, *switched)]))
    return losses


def pure_equilibria_by_hand(game: inc.Game, tol: float = 1e-9) -> list[tuple[int, ...]]:
    """Every pure equilibrium, by trying every switch at every profile with plain loops."""
    payoffs = game.float_payoffs()
    found = []
    for profile in itertools.product(*(range(n) for n in game.shape)):
        stable = True
        for i, n in enumerate(game.shape):
            for a in range(n):
                switched = list(profile)
                switched[i] = a
                if payoffs[(i, *switched)] > payoffs[(i, *profile)] + tol:
                    stable = False
        if stable:
            found.append(tuple(profile))
    return found


def assert_close(a: float, b: float, tol: float = 1e-6) -> None:
    assert abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b))), (a, b)


__all__ = ["assert_close", "deviation_losses_by_hand", "pure_equilibria_by_hand", "two_teams"]


def arrays_by_hand(org: inc.Organization, exprs: dict[str, sympy.Expr]) -> dict[str, np.ndarray]:
    """Formulas over decision variables and parameters at every profile, by substituting one profile at a time."""
    params = {symbol(k): v for k, v in org.parameters.items()}
    shape = tuple(len(d.actions) for d in org.departments)
    out = {key: np.empty(shape) for key in exprs}
    for profile in itertools.product(*(range(n) for n in shape)):
        subs = dict(params)
        for dept, k in zip(org.departments, profile, strict=True):
            subs.update({symbol(f"{dept.name}.{v}"): e.xreplace(params) for v, e in dept.actions[k].values.items()})
        for key, expr in exprs.items():
            out[key][profile] = float(expr.xreplace(subs))
    return out
