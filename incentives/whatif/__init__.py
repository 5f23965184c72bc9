"""What-if at every scale: exact thresholds, parameter sweeps, and sweeps on a cluster.

* :mod:`~incentives.whatif.quantities`: what can vary (parameters, ``bonus.DEPARTMENT.KPI``
  weights, ``costs.DEPARTMENT.ACTION``), and the model's formulas with them kept symbolic;
* :mod:`~incentives.whatif.thresholds`: the exact region of values where a profile is an
  equilibrium, where a department games, where the company optimum is an equilibrium, and
  the critical values where the equilibria change;
* :mod:`~incentives.whatif.compiled`: the game at many points from formulas compiled once;
* :mod:`~incentives.whatif.points` and :mod:`~incentives.whatif.runner`: grids, Latin-hypercube
  samples, and the sweep itself (local processes, or any executor such as a Dask cluster);
* :mod:`~incentives.whatif.results` and :mod:`~incentives.whatif.plots`: the results table and its plots.
"""

from .compiled import CompiledModel, compile_model
from .plots import plot_phase_diagram, plot_sweep, save_figure
from .points import SweepPoints, grid, latin_hypercube
from .quantities import SymbolicModel, check_quantities, symbolic_model, with_values
from .regions import Boundary, CriticalValue, Phase, Region
from .results import SweepResult
from .runner import point_record, sweep
from .thresholds import ThresholdReport, equilibrium_region, thresholds

__all__ = [
    "Boundary",
    "CompiledModel",
    "CriticalValue",
    "Phase",
    "Region",
    "SweepPoints",
    "SweepResult",
    "SymbolicModel",
    "ThresholdReport",
    "check_quantities",
    "compile_model",
    "equilibrium_region",
    "grid",
    "latin_hypercube",
    "plot_phase_diagram",
    "plot_sweep",
    "point_record",
    "save_figure",
    "sweep",
    "symbolic_model",
    "thresholds",
    "with_values",
]
