"""Jupyter shows every result as its HTML report.

:func:`register` adds an HTML formatter to IPython for every result type with a report
(a Game, SolveResult, Analysis, Perspectives, design, dependency graph, continuous
solution, threshold report, sweep, QRE report, repeated play, relational contract, payoff
set and handout).  It registers them *by
name* (:meth:`IPython.core.formatters.BaseFormatter.for_type_by_name`), so nothing is
imported until a result is displayed, and the result classes need not know about
reports.  ``import incentives`` calls it when IPython is running; call it yourself
after starting IPython later, or to register with another shell.  The HTML holds the
inequalities of a threshold report as MathML, which the notebook's browser typesets
itself (no MathJax, no network).

Examples
--------
Any object with IPython's ``display_formatter`` will do as the shell:

>>> from types import SimpleNamespace
>>> from IPython.core.formatters import DisplayFormatter
>>> import incentives as inc
>>> shell = SimpleNamespace(display_formatter=DisplayFormatter())
>>> register(shell)
True
>>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], title="Prisoners")
>>> data, _ = shell.display_formatter.format(inc.solve(pd))
>>> data["text/html"].startswith('<div class="incentives-report">')
True
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["DISPLAYED", "register", "register_if_running"]

#: Where each displayed result type is defined: (module, class name).  A test checks that this is every type
#: with a report (:func:`incentives.report.reported_types`).
DISPLAYED: tuple[tuple[str, str], ...] = (
    ("incentives.game", "Game"),
    ("incentives.solvers.registry", "SolveResult"),
    ("incentives.analysis.gaming", "Analysis"),
    ("incentives.analysis.perspectives", "Perspectives"),
    ("incentives.design.outcome", "Design"),
    ("incentives.design.negativa", "ViaNegativa"),
    ("incentives.design.transfers", "TransferDesign"),
    ("incentives.graph.graphs", "DependencyGraph"),
    ("incentives.continuous.result", "ContinuousSolution"),
    ("incentives.whatif.thresholds", "ThresholdReport"),
    ("incentives.whatif.results", "SweepResult"),
    ("incentives.whatif.sustainability", "SustainabilityReport"),
    ("incentives.solvers.qre", "QrePath"),
    ("incentives.repeated.analysis", "RepeatedAnalysis"),
    ("incentives.repeated.relational", "RelationalContract"),
    ("incentives.repeated.payoff_set", "PayoffSet"),
    ("incentives.report.board", "PayoffTable"),
    ("incentives.report.design", "DesignReport"),
    ("incentives.report.graph", "GraphReport"),
    ("incentives.report.continuous", "ContinuousReport"),
    ("incentives.report.qre", "QreReport"),
    ("incentives.report.repeated", "RepeatedReport"),
    ("incentives.report.handout", "Handout"),
)


def _html(result: Any) -> str:
    from .dispatch import render

    return render(result, "html")


def _graph_html(graph: Any) -> str:
    from .dispatch import render
    from .graph import GraphReport

    return render(GraphReport(graph=graph, picture=True), "html")


def register(shell: Any = None) -> bool:
    """Show every result as its HTML report in ``shell`` (default: the running IPython); False without one.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell, optional

    Returns
    -------
    bool
        Whether the formatters were registered.
    """
    if shell is None:
        shell = _running_shell()
        if shell is None:
            return False
    formatter = shell.display_formatter.formatters["text/html"]
    for module, name in DISPLAYED:
        show = _graph_html if name == "DependencyGraph" else _html
        formatter.for_type_by_name(module, name, show)
    return True


def _running_shell() -> Any:
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    get = getattr(ipython, "get_ipython", None)
    return get() if get is not None else None


def register_if_running() -> bool:
    """:func:`register` with the running IPython, if IPython is imported and a shell is running; else nothing."""
    return register() if _running_shell() is not None else False
