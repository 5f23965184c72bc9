"""What-if at every scale: exact thresholds, parameter sweeps, and sweeps on a cluster.

* :mod:`~incentives.quantities`: what can vary (parameters, ``bonus.DEPARTMENT.KPI``
  weights, ``costs.DEPARTMENT.ACTION``); :mod:`~incentives.whatif.symbolic`: the model's
  formulas with them kept symbolic;
* :mod:`~incentives.whatif.thresholds`: the exact region of values where a profile is an
  equilibrium, where a department games, where the company optimum is an equilibrium, and
  the critical values where the equilibria change;
* :func:`incentives.build.compile_model`: the evaluated model at many points from formulas compiled once;
* :mod:`~incentives.whatif.points` and :mod:`~incentives.whatif.runner`: grids, Latin-hypercube
  samples, and the sweep itself (local processes, or any executor such as a Dask cluster);
* :mod:`~incentives.whatif.repeated`: the columns of repeated play a sweep adds (critical
  discount factors, who binds, the smallest detection probability, whether the target is sustained);
* :mod:`~incentives.whatif.sustainability`: where the target of repeated play is sustained, exactly;
* :mod:`~incentives.whatif.results` and :mod:`~incentives.whatif.plots`: the results table and its plots.
"""

from ..build import CompiledModel, compile_model
from ..quantities import check_quantities, with_values
from .plots import plot_phase_diagram, plot_repeated_sweep, plot_sweep, save_figure
from .points import SweepPoints, grid, latin_hypercube
from .regions import Boundary, CriticalValue, Phase, Region
from .repeated import RepeatedColumns
from .results import SweepRecords, SweepResult
from .runner import close_workers, point_record, sweep
from .sustainability import SustainabilityCritical, SustainabilityReport, sustainability
from .symbolic import SymbolicModel, symbolic_model
from .thresholds import ThresholdReport, equilibrium_region, thresholds

__all__ = [
    "Boundary",
    "CompiledModel",
    "CriticalValue",
    "Phase",
    "Region",
    "RepeatedColumns",
    "SustainabilityCritical",
    "SustainabilityReport",
    "SweepPoints",
    "SweepRecords",
    "SweepResult",
    "SymbolicModel",
    "ThresholdReport",
    "check_quantities",
    "close_workers",
    "compile_model",
    "equilibrium_region",
    "grid",
    "latin_hypercube",
    "plot_phase_diagram",
    "plot_repeated_sweep",
    "plot_sweep",
    "point_record",
    "save_figure",
    "sustainability",
    "sweep",
    "symbolic_model",
    "thresholds",
    "with_values",
]
