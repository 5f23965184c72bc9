"""Best responses in closed form: each department's KKT regimes in its own variables, with the concavity check.

A department's best response to the others is found from its first-order (KKT)
conditions in its own variables (see :mod:`incentives.continuous._kkt`): one
*regime* per way its variables can sit at their bounds, each with the conditions
(on the others' variables and the symbolic parameters) under which it applies.
When the payoff is concave in the department's own variables (see
:mod:`incentives.continuous.concavity`) the regimes are exactly its best
responses; otherwise they are only first-order points, and the result says so.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import sympy

from ..model import Organization
from ._kkt import NotSolvable, kkt_candidates
from .concavity import concavity
from .game import ContinuousGame, continuous_game
from .result import BestResponse, Regime

__all__ = ["best_response_of", "best_responses", "bounds_of"]


def bounds_of(game: ContinuousGame) -> dict[sympy.Symbol, tuple[sympy.Expr | None, sympy.Expr | None]]:
    """``{variable: (lower, upper)}`` of every decision variable of ``game``."""
    return {x: (game.lower[x], game.upper[x]) for x in game.symbols}


def _piecewise(pieces: list[tuple[sympy.Expr, tuple[sympy.Basic, ...]]]) -> sympy.Expr:
    if len(pieces) == 1 and not pieces[0][1]:
        return pieces[0][0]
    ordered = sorted(pieces, key=lambda piece: not piece[1])
    return sympy.Piecewise(*[(v, sympy.And(*c) if c else sympy.true) for v, c in ordered])


def best_response_of(game: ContinuousGame, player: str, max_sets: int = 729) -> BestResponse:
    """``player``'s best response in ``game``, one regime per active set of its bounds."""
    own = game.variables[player]
    payoff = game.payoff(player)
    signs = game.signs()
    check = concavity(player, payoff, own, signs=signs)
    try:
        found = kkt_candidates([(payoff, own)], bounds_of(game), signs, max_sets=max_sets, box=game.box())
    except NotSolvable as err:
        return BestResponse(department=player, response={}, regimes=(), concavity=check, note=str(err))
    notes = []
    if any(c.free for c in found):
        notes.append("a continuum of best responses: the payoff is flat in some direction")
    found = [c for c in found if not c.free]
    if not found:
        notes.append(
            f"no best response: {player}'s payoff has no maximiser within its bounds "
            "(it grows without limit: add an upper bound or a convex cost)"
        )
    elif not check.holds:
        notes.append("the payoff is not known to be concave: these first-order points need not be best responses")
    regimes = tuple(
        Regime(
            values={x.name: c.point[x] for x in own},
            at_bound={x.name: c.regime[x] for x in own},
            conditions=c.conditions,
        )
        for c in found
    )
    response = {x.name: _piecewise([(c.point[x], c.conditions) for c in found]) for x in own} if found else {}
    return BestResponse(department=player, response=response, regimes=regimes, concavity=check, note="; ".join(notes))


def best_responses(
    org: Organization,
    *,
    parameters: Mapping[str, Any] | None = None,
    symbolic: bool | Collection[str] = False,
    max_active_sets: int = 729,
) -> tuple[BestResponse, ...]:
    """Each continuous department's best response to the others, in closed form.

    Parameters
    ----------
    org : Organization
    parameters : mapping, optional
        Parameter values replacing the model's own.
    symbolic : bool or collection of str
        Parameters kept as symbols (``True``: all); each is assumed to have the sign of its model value.
    max_active_sets : int
        Largest number of bound combinations tried per department.

    Returns
    -------
    tuple of BestResponse
        The variables of departments with actions stay symbols in the formulas.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.continuous import best_responses
    >>> org = inc.load_model("examples/classics/holmstrom_milgrom_single.yaml")
    >>> [br.response["agent.effort"] for br in best_responses(org, symbolic=["beta", "c"])]
    [beta/c]
    """
    game = continuous_game(org, parameters=parameters, symbolic=symbolic)
    return tuple(best_response_of(game, p, max_active_sets) for p in game.players)
