"""The limits that keep every path bounded: how large a model, a sweep or a rationality may be.

They are written once, here, in a module that imports nothing heavy, so that the command
line can state them in its help and check its options before loading the toolkit.
Where a limit is a default, the function that uses it takes the value as a parameter
(a :class:`~incentives.game.SizeBudget`, for instance) and the message that refuses a
model says how to raise it.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PROFILES",
    "MAX_EQUILIBRIA",
    "MAX_LAMBDA",
    "MAX_MIXTURE_ROWS",
    "MAX_POINTS",
    "MAX_QRE_PAIR_PROFILES",
    "MAX_QRE_STRATEGIES",
    "MAX_THRESHOLD_PROFILES",
]

#: Default memory budget for the arrays one step holds at once (2 GiB).
DEFAULT_MAX_BYTES = 2 * 1024**3

#: Default largest number of action profiles of an organisation's model (about a million).
DEFAULT_MAX_PROFILES = 2**20

#: Largest number of equilibria one search verifies and reports.  Games with ties (departments whose
#: choice changes nobody's pay) can have tens of thousands; each is verified and analysed on its own,
#: so past this many the search stops, says how many candidates it left, and reports status incomplete.
MAX_EQUILIBRIA = 1_000

#: Largest number of points of one sweep (each point is a game to solve and a record to keep).
MAX_POINTS = 100_000

#: Largest logit rationality traced, per unit of the largest absolute payoff: there, an action that
#: loses even a thousandth of the largest payoff is played with probability below exp(-10000).
MAX_LAMBDA = 1e7

#: Largest number of strategies, all players together, of a game whose logit QRE path is traced: every
#: point of the path solves dense linear systems of that size (their work grows with its cube).
MAX_QRE_STRATEGIES = 100

#: Largest number of profiles times ordered pairs of players of a game whose logit QRE path is traced:
#: every point of the path sums each player's payoffs over every profile, for every other player.
MAX_QRE_PAIR_PROFILES = 2**17

#: Largest number of opponent profiles (rows) of the linear program that looks for a dominating mixture.
MAX_MIXTURE_ROWS = 200_000

#: Largest game a threshold analysis examines profile by profile (its conditions are exact sympy).
MAX_THRESHOLD_PROFILES = 64
