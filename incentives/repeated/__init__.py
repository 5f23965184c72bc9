"""Repeated interaction, imperfect monitoring and relational contracts: growth as a mechanism.

In a small company departments meet often and see each other's work, so the common goal
can be self-enforcing: a department that games its KPI is seen and loses the others'
cooperation.  As the company grows, departments meet less often (a lower discount factor)
and see less of each other (a lower detection probability), and past some size the common
goal stops being self-enforcing.  This subpackage makes that precise:

* :func:`repeated`: critical discount factors of a target profile under grim trigger with
  every punishment (stage equilibria, minmax), the department whose temptation binds, the
  smallest detection probability, and for two departments the set of subgame-perfect
  payoffs (:func:`equilibrium_payoff_set`, Judd, Yeltekin and Conklin 2003);
* :func:`relational_contract`: the largest discretionary bonus the company can credibly
  promise (Baker, Gibbons and Murphy 2002; Levin 2003), and whether it holds the target;
* :func:`critical_discounts` (a batch of evaluated models, vectorised) and
  :func:`sustainability_formulas` (exact sympy expressions of parameters, the relational
  contract's credible bonus among them: :class:`ContractFormulas`), for sweeps and
  thresholds;
* the closed forms themselves: :func:`critical_discount`, :func:`smallest_monitoring`;
* :func:`plot_payoff_set`: a picture of the set of equilibrium payoffs of two departments.

The discount factor and the detection probabilities default to the model's ``repeated``
section (:class:`~incentives.model.RepeatedPlay`).
"""

from ._inputs import Rate, Rates, Target, play_defaults
from .analysis import RepeatedAnalysis, repeated
from .batch import CriticalDiscounts, critical_discounts
from .contract_formulas import ContractFormulas
from .critical import critical_discount, smallest_monitoring, sustains
from .formulas import SustainabilityFormulas, sustainability_formulas
from .grim_trigger import GrimTrigger, grim_trigger
from .minmax import Minmax, minmax_values, pure_minmax
from .payoff_set import PayoffSet, equilibrium_payoff_set
from .plots import plot_payoff_set
from .punishment import Punishment, punishments
from .relational import RelationalContract, relational_contract
from .temptation import Temptation, one_shot_gains, temptations

__all__ = [
    "ContractFormulas",
    "CriticalDiscounts",
    "GrimTrigger",
    "Minmax",
    "PayoffSet",
    "Punishment",
    "Rate",
    "Rates",
    "RelationalContract",
    "RepeatedAnalysis",
    "SustainabilityFormulas",
    "Target",
    "Temptation",
    "critical_discount",
    "critical_discounts",
    "equilibrium_payoff_set",
    "grim_trigger",
    "minmax_values",
    "one_shot_gains",
    "play_defaults",
    "plot_payoff_set",
    "punishments",
    "pure_minmax",
    "relational_contract",
    "repeated",
    "smallest_monitoring",
    "sustainability_formulas",
    "sustains",
    "temptations",
]
