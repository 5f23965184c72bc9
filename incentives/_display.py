"""The seam through which results print as their text report, without importing the report layer.

A result class sets ``__str__ = report_text``; the package installs the renderer (the report
layer's :func:`incentives.report.render`) when it is first imported, so ``print(result)`` shows
the same text report as the command line while the analyses never import the reports above them
(see ``docs/explanation/architecture.md``).  Before a renderer is installed, or for a type the
reports do not know, ``str()`` is the ``repr()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["install", "report_text"]

_renderer: list[Callable[[Any], str | None]] = []


def install(renderer: Callable[[Any], str | None]) -> None:
    """Use ``renderer(result)`` (text, or None for a type it does not know) for every ``str(result)``."""
    _renderer[:] = [renderer]


def report_text(result: Any) -> str:
    """The text report of ``result``: what ``str()`` and ``print()`` show for the toolkit's results."""
    text = _renderer[0](result) if _renderer else None
    return text if text is not None else repr(result)
