"""Exceptions and warnings raised by ``incentives``.

Every exception derives from :class:`IncentivesError`, so callers can catch the
whole family at once; each subclass names one kind of failure.  Model-file
problems are collected into a single :class:`ModelError` that lists every
:class:`Problem` found, so a workshop sees all its mistakes at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "CrampedFigureWarning",
    "DegenerateGameWarning",
    "DesignError",
    "FormulaError",
    "GameFormatError",
    "GameTooLargeError",
    "GraphError",
    "IncentivesError",
    "IncompleteSearchWarning",
    "ModelError",
    "OutputError",
    "Problem",
    "RepeatedError",
    "SolverError",
    "SweepError",
    "TimeLimitError",
    "UnknownMethodError",
]


class IncentivesError(Exception):
    """Base class of every error raised by ``incentives``."""


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One mistake found in a model.

    Parameters
    ----------
    path : str
        Dotted field path inside the model, e.g. ``"bonus.sales.new_customers"``.
    message : str
        What is wrong and what was expected.
    line : int or None
        1-based line in the model file, where the format gives it.
    """

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path or "<model>"
        if self.line is not None:
            where = f"line {self.line}, {where}"
        return f"{where}: {self.message}"


class ModelError(IncentivesError, ValueError):
    """An organisation model (from Python or from a file) is invalid.

    Parameters
    ----------
    problems : sequence of Problem
        Every mistake found; all of them are reported together, in file order (those with a
        line first, by line; the others after them, as given).
    source : str or None
        The model file the problems were found in, if any.
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], source: str | None = None):
        self.problems = tuple(sorted(problems, key=lambda p: (p.line is None, p.line or 0)))
        self.source = source
        head = f"{source}: " if source else ""
        count = len(self.problems)
        lines = [f"{head}{count} problem{'s' if count != 1 else ''} in the model:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))

    def with_source(self, source: str, lines: Mapping[str, int] | None = None) -> ModelError:
        """The same problems, found in the model file ``source`` (kept if already set), with lines where known.

        For a caller that loaded a model from a file and meets an error later (evaluating
        it, a size refusal): the message then names the file, and the line of each field
        path found in ``lines`` (a path or, failing that, its closest parent).

        Examples
        --------
        >>> err = ModelError([Problem(path="kpis.tickets.x", message="is not a finite number")])
        >>> print(err.with_source("model.yaml", {"kpis.tickets": 12}))
        model.yaml: 1 problem in the model:
          - line 12, kpis.tickets.x: is not a finite number
        """
        known = lines or {}

        def line(path: str) -> int | None:
            while path and path not in known:
                path = path.rpartition(".")[0]
            return known.get(path)

        problems = [
            p if p.line is not None else Problem(path=p.path, message=p.message, line=line(p.path))
            for p in self.problems
        ]
        return ModelError(problems, self.source or source)


class FormulaError(IncentivesError, ValueError):
    """A KPI, company-value or bonus formula cannot be parsed or is not allowed."""


class GameTooLargeError(IncentivesError, MemoryError):
    """Building a game would need more memory than the allowed budget."""


class GameFormatError(IncentivesError, ValueError):
    """A game file (for example Gambit ``.nfg``) is malformed."""


class GraphError(IncentivesError, ValueError):
    """A dependency graph, a view, a node or an output format is not what was expected."""


class OutputError(IncentivesError, OSError):
    """A report, figure or model file cannot be written where it was asked for (a missing folder, no permission)."""


class DesignError(IncentivesError, ValueError):
    """A bonus-plan design was asked for something it cannot do (bad options, a game too large)."""


class RepeatedError(IncentivesError, ValueError):
    """A repeated-game analysis was asked for something it cannot do (a rate out of range, an unknown target)."""


class SolverError(IncentivesError, RuntimeError):
    """A solver was asked for something it cannot do (for example, wrong number of players)."""


class TimeLimitError(SolverError):
    """A command's analysis ran past its ``--max-seconds`` and was stopped."""


class SweepError(IncentivesError, RuntimeError):
    """A parameter sweep could not finish (a point failed, or the executor did)."""


class UnknownMethodError(IncentivesError, KeyError):
    """No solver is registered under the requested method name."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class DegenerateGameWarning(UserWarning):
    """The game is degenerate: equilibria may form components, not isolated points."""


class CrampedFigureWarning(UserWarning):
    """A picture does not fit the axes it was asked to draw into without overlapping or too small text."""


class IncompleteSearchWarning(UserWarning):
    """A solver stopped on its budget, or its method cannot promise every equilibrium."""
