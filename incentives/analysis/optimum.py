"""The company optimum: the profile of actions that maximises company value.

The optimum is what a single owner who controls every department would choose.
Ties are kept: every maximising profile is listed, in lexicographic order of
action indices.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import IncentivesError
from ..evaluated import EvaluatedModel
from ..game import Game
from ..tolerance import RTOL, tolerance

__all__ = ["CompanyOptimum", "company_optimum"]


@dataclass(frozen=True, kw_only=True)
class CompanyOptimum:
    """Every profile that maximises company value, and that value.

    Parameters
    ----------
    profiles : tuple of tuple of int
        Action indices of each maximising profile (more than one when there are ties).
    value : float or Fraction
        The maximal company value.
    """

    profiles: tuple[tuple[int, ...], ...]
    value: float | Fraction

    @property
    def profile(self) -> tuple[int, ...]:
        """The first maximising profile (see ``profiles`` for ties)."""
        return self.profiles[0]


def company_optimum(game: Game | EvaluatedModel, *, tol: float = RTOL) -> CompanyOptimum:
    """The profiles that maximise company value.

    Parameters
    ----------
    game : Game or EvaluatedModel
        An evaluated model, or a game built from an organisation (it carries ``company_value``).
    tol : float
        Profiles within ``tol * max(1, |optimum|)`` of the optimum count as ties (float games).

    Raises
    ------
    IncentivesError
        If the game has no company value (for example, a game read from a ``.nfg`` file).

    Examples
    --------
    >>> import incentives as inc
    >>> game = inc.build_game(inc.load_model("examples/growing_company.yaml"))
    >>> opt = inc.company_optimum(game)
    >>> game.profile_label(opt.profile)
    'sales=consultative, support=thorough, development=robust, operations=continuous_delivery'
    """
    values = game.company_value
    if values is None:
        raise IncentivesError("this game has no company value: build it from an organisation model")
    best = values.max()
    if values.dtype == object:
        mask = values == best
    else:
        mask = values >= best - tolerance(best, tol)
    profiles = tuple(tuple(int(k) for k in row) for row in np.argwhere(mask))
    return CompanyOptimum(profiles=profiles, value=best if isinstance(best, Fraction) else float(best))
