"""Punishments: what the departments play after a deviation, and what each department gets meanwhile.

Definitions
-----------
A punishment gives each department ``i`` the stage payoff ``P_i`` it receives in every
period after its deviation has been detected.  The ones used here:

* **reversion to a stage equilibrium** ``e`` (Friedman's grim trigger): everybody plays
  ``e`` forever, ``P_i = u_i(e)``.  Repeating a stage equilibrium is subgame perfect, so
  the threat is *credible*; mixed equilibria are used as well as pure ones.
* **reversion to the worst stage equilibrium for the deviator**: after ``i`` deviates,
  play the stage equilibrium ``e_i`` that is worst for ``i``, ``P_i = min_e u_i(e)``.  Each
  continuation repeats a stage equilibrium, so this too is subgame perfect (a simple
  penal code in the sense of Abreu 1988, with stage-equilibrium punishments), and it
  sustains the target at least as well as any single reversion.
* **minmax** (pure, or mixed; see :mod:`incentives.repeated.minmax`): the others hold
  ``i`` to its minmax value ``P_i = v_i``.  No subgame-perfect punishment can give ``i``
  less, so the critical discount factor it gives is a bound that no punishment beats.
  Minmaxing forever is usually *not* credible (it hurts the punishers too): reaching
  the bound needs a punishment phase that is itself enforced, such as Fudenberg and
  Maskin's stick and carrot, so a target below the bound's threshold is out of reach
  and one above it may need more than grim trigger.

References
----------
.. [1] J. W. Friedman, "A non-cooperative equilibrium for supergames", Review of
   Economic Studies 38(1), 1-12, 1971.
.. [2] D. Abreu, "On the theory of infinitely repeated games with discounting",
   Econometrica 56(2), 383-396, 1988.
.. [3] D. Fudenberg and E. Maskin, "The folk theorem in repeated games with discounting
   or with incomplete information", Econometrica 54(3), 533-554, 1986.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from .._util import Number
from ..game import Game
from ..solvers import SolveResult
from .minmax import Minmax

__all__ = ["Punishment", "PunishmentKind", "punishments"]

PunishmentKind = Literal["stage equilibrium", "worst stage equilibrium", "pure minmax", "mixed minmax"]

_KINDS = ("stage equilibrium", "worst stage equilibrium", "pure minmax", "mixed minmax")


@dataclass(frozen=True, kw_only=True)
class Punishment:
    """A punishment: each department's stage payoff while it is punished, and what is played.

    Parameters
    ----------
    name : str
        ``"stage equilibrium 2: sales=aggressive, support=fast_close"``, ``"pure minmax"``, ...
    kind : {"stage equilibrium", "worst stage equilibrium", "pure minmax", "mixed minmax"}
    payoffs : tuple of float or Fraction
        ``P_i``: each department's payoff in every period of its punishment.
    plays : tuple of str
        What is played while each department is punished.
    credible : bool
        Whether carrying the punishment out is itself subgame perfect (stage-equilibrium
        reversions are; minmax punishments are a bound, see the module docstring).

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.repeated import minmax_values
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> [p.name for p in punishments(pd, inc.solve(pd), minmax_values(pd))]
    ['stage equilibrium 1: row=r1, column=c1', 'worst stage equilibrium', 'pure minmax', 'mixed minmax']
    """

    name: str
    kind: PunishmentKind
    payoffs: tuple[Number, ...]
    plays: tuple[str, ...]
    credible: bool

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"The 'kind' parameter of Punishment must be one of {list(_KINDS)}. Got {self.kind!r}.")
        if len(self.plays) != len(self.payoffs):
            raise ValueError("'plays' and 'payoffs' of a Punishment must have one entry per department")


def _lowest(found: list[Punishment], i: int) -> int:
    """The position of the punishment that gives department ``i`` the least (the first, on ties)."""
    return min(range(len(found)), key=lambda k: found[k].payoffs[i])


def _number(value: object) -> Number:
    return value if isinstance(value, Fraction) else float(value)  # type: ignore[arg-type]


def punishments(game: Game, equilibria: SolveResult, minmax: tuple[Minmax, ...]) -> tuple[Punishment, ...]:
    """Every punishment of the module docstring: each stage equilibrium, the worst for each department, minmax.

    The stage equilibria are those of ``equilibria`` (each verified by its regret), named
    by their position in it.  Without any, only the two minmax punishments are returned.
    """
    out = []
    labels = []
    for k, eq in enumerate(equilibria, start=1):
        label = f"stage equilibrium {k}: {eq.describe(game)}"
        labels.append(label)
        out.append(
            Punishment(
                name=label,
                kind="stage equilibrium",
                payoffs=tuple(_number(v) for v in eq.payoffs),
                plays=(label.split(": ", 1)[1],) * game.n_players,
                credible=True,
            )
        )
    if out:
        worst = [_lowest(out, i) for i in range(game.n_players)]
        out.append(
            Punishment(
                name="worst stage equilibrium",
                kind="worst stage equilibrium",
                payoffs=tuple(out[k].payoffs[i] for i, k in enumerate(worst)),
                plays=tuple(labels[k] for k in worst),
                credible=True,
            )
        )
    out.append(
        Punishment(
            name="pure minmax",
            kind="pure minmax",
            payoffs=tuple(m.pure for m in minmax),
            plays=tuple(m.pure_punishment for m in minmax),
            credible=False,
        )
    )
    out.append(
        Punishment(
            name="mixed minmax",
            kind="mixed minmax",
            payoffs=tuple(m.mixed for m in minmax),
            plays=tuple(m.mixed_punishment for m in minmax),
            credible=False,
        )
    )
    return tuple(out)
