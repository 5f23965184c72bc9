"""Reports of every result, for people (text, Markdown, HTML, Jupyter) and for programs (JSON).

One path: each result type becomes report blocks (:mod:`incentives.report.blocks`) in
one builder module, and :func:`render` draws the blocks as text, Markdown or HTML, or
returns the result's JSON document, whose layout is a JSON Schema file in
``incentives/report/schemas/`` (:mod:`incentives.report.schemas`).  Jupyter shows every
result as its HTML report (:mod:`incentives.report.jupyter`).

Examples
--------
>>> import incentives as inc
>>> from incentives.report import render
>>> analysis = inc.analyze(inc.load_model("examples/growing_company.yaml"))
>>> print(render(analysis, "text").splitlines()[0])
Growing software company
>>> render(analysis, "json").count('"schema": "incentives.analysis/1"')
1
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMATS", "json_document", "render", "report_blocks", "reported_types"]

_PUBLIC = set(__all__)


def __getattr__(name: str) -> Any:
    # The builders are imported on first use, so that importing a renderer (or the Jupyter hook) stays cheap.
    if name in _PUBLIC:
        from . import dispatch

        return getattr(dispatch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _PUBLIC)
