"""Incentive design: bonus plans under which what is best for the company is best for each department.

* :func:`design` finds bonus weights (on KPIs and shares of company value) that
  make a target profile, by default the company optimum, a Nash equilibrium with
  a margin, a dominant-strategy profile, or the unique pure equilibrium, at
  least cost or least change from the current plan (linear and mixed-integer
  programs solved by HiGHS), and says why when no plan can work;
* :func:`via_negativa` finds the fewest KPI terms to drop or cap from the current
  plans, and ranks the terms by how much gaming each one causes;
* :func:`design_transfers` finds budget-balanced payments between departments
  that do the same without new bonus money;
* :func:`verify_plan` checks any plan by rebuilding and re-solving the game.

:func:`design` checks its options into a :class:`DesignProblem` (terms are
:class:`Term` s, ``"department:kpi"``) and solves it with :func:`solve_problem`;
a problem can also be made, inspected and solved directly.

Examples
--------
>>> import incentives as inc
>>> org = inc.load_model("examples/growing_company.yaml")
>>> plan = inc.design(org, allow=["*:company_value"])
>>> plan.verification.is_equilibrium
True
>>> {d: round(w["company_value"], 4) for d, w in plan.weights.items()}
{'sales': 0.0052, 'support': 0.1302, 'development': 0.0363, 'operations': 0.02}
"""

from .diagnose import Obstacle
from .negativa import KpiGaming, NegativaStatus, TermChange, ViaNegativa, via_negativa
from .outcome import DesignStatus
from .plan import Design, design, solve_problem
from .problem import DesignProblem
from .terms import Term
from .transfers import Transfer, TransferDesign, design_transfers
from .verify import Verification, verify_plan

__all__ = [
    "Design",
    "DesignProblem",
    "DesignStatus",
    "KpiGaming",
    "NegativaStatus",
    "Obstacle",
    "Term",
    "TermChange",
    "Transfer",
    "TransferDesign",
    "Verification",
    "ViaNegativa",
    "design",
    "design_transfers",
    "solve_problem",
    "verify_plan",
    "via_negativa",
]
