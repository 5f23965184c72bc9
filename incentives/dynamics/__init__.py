"""Learning dynamics: how departments that adapt step by step reach, or miss, an equilibrium.

Each dynamic is a free function that takes a :class:`~incentives.Game` and returns a
:class:`DynamicsResult`: the trajectory (times and mixed profiles), whether and where
it converged (with the regret there), and any cycle of pure profiles it repeats.

* :func:`best_response_dynamics`: pure profiles, sequential or simultaneous moves.
* :func:`fictitious_play`: best responses to the empirical frequencies of past play.
* :func:`replicator_dynamics`: actions grow with their payoff advantage (an ODE).
* :func:`logit_dynamics`: smoothed best responses (an ODE whose rest points are logit QRE).

:func:`plot_dynamics` draws a trajectory: a simplex for three-action players, a
time plot otherwise.
"""

from .best_response import best_response_dynamics
from .continuous_time import logit_dynamics, replicator_dynamics
from .fictitious_play import fictitious_play
from .plot import plot_dynamics, plot_simplex, plot_time, ternary
from .result import DynamicsResult

__all__ = [
    "DynamicsResult",
    "best_response_dynamics",
    "fictitious_play",
    "logit_dynamics",
    "plot_dynamics",
    "plot_simplex",
    "plot_time",
    "replicator_dynamics",
    "ternary",
]
