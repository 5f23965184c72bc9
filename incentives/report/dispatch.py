"""One dispatch from a result to its report: blocks for people, a JSON document for programs.

Each builder module of :mod:`incentives.report` registers, for the result types it
covers, a function that turns a result into report blocks (:func:`register_blocks`) and
one that turns it into its JSON document (:func:`register_document`); a result whose
HTML page is laid out differently (the handout) also registers :func:`register_html`.
:func:`render` then gives every result every format:

* ``"text"``: the blocks drawn by rich at a fixed width (:mod:`incentives.report.text`);
* ``"markdown"``: GitHub-flavoured Markdown (:mod:`incentives.report.markdown`);
* ``"html"``: a self-contained fragment, or with ``page=True`` a whole page
  (:mod:`incentives.report.html`);
* ``"json"``: the result's JSON document, whose ``"schema"`` names its layout (files in
  ``incentives/report/schemas/``, see :mod:`incentives.report.schemas`).

The same input gives the same text in every format.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any, Literal, TypeVar, cast

from .blocks import Block, Heading

__all__ = [
    "FORMATS",
    "TEXT_WIDTH",
    "Format",
    "json_document",
    "register_blocks",
    "register_document",
    "register_html",
    "render",
    "report_blocks",
    "reported_types",
]

Format = Literal["text", "markdown", "html", "json"]

#: Every format :func:`render` writes.
FORMATS: tuple[Format, ...] = ("text", "markdown", "html", "json")

#: Width of the text report, in characters.
TEXT_WIDTH = 110

#: The modules that register builders; each is imported once, on the first call of the functions here.
BUILDERS = (
    "board",
    "solve",
    "gaming",
    "perspectives",
    "design",
    "design_json",
    "graph",
    "continuous",
    "thresholds",
    "sweep",
    "qre",
    "payoff_set",
    "relational",
    "repeated",
    "sustainability",
    "handout",
)

#: The builder modules of each reported type, by class name: a report loads only its own builder (and
#: what that builder imports), so ``incentives analyze`` does not import design, thresholds or sweeps.
#: A test checks this table against what the builders register.
BUILDER_OF: dict[str, tuple[str, ...]] = {
    "Game": ("board",),
    "PayoffTable": ("board",),
    "SolveResult": ("solve",),
    "Analysis": ("gaming",),
    "Perspectives": ("perspectives",),
    "DesignReport": ("design", "design_json"),
    "Design": ("design", "design_json"),
    "ViaNegativa": ("design", "design_json"),
    "TransferDesign": ("design", "design_json"),
    "GraphReport": ("graph",),
    "DependencyGraph": ("graph",),
    "ContinuousReport": ("continuous",),
    "ContinuousSolution": ("continuous",),
    "ThresholdReport": ("thresholds",),
    "SweepResult": ("sweep",),
    "QreReport": ("qre",),
    "QrePath": ("qre",),
    "PayoffSet": ("payoff_set",),
    "RelationalContract": ("relational",),
    "RepeatedReport": ("repeated",),
    "RepeatedAnalysis": ("repeated",),
    "SustainabilityReport": ("sustainability",),
    "Handout": ("handout",),
}

F = TypeVar("F", bound=Callable[..., Any])


def _no_report(kind: str) -> Callable[[Any], Any]:
    def fail(result: Any) -> Any:
        names = ", ".join(sorted(t.__name__ for t in _reported()))
        raise TypeError(f"no {kind} for an object of type {type(result).__name__!r}; there are reports for: {names}")

    return fail


_blocks = functools.singledispatch(_no_report("report"))
_document = functools.singledispatch(_no_report("JSON document"))
_html = functools.singledispatch(lambda result, page: None)


@_blocks.register(list)
@_blocks.register(tuple)
def _sequence_blocks(results: list[Any] | tuple[Any, ...]) -> list[Block]:
    if not results:
        raise TypeError("no report for an empty list")
    return [block for result in results for block in _blocks(result)]


def register_blocks(cls: type) -> Callable[[F], F]:
    """Register ``func(result) -> list[Block]`` as the report blocks of ``cls``."""
    return cast(Callable[[F], F], _blocks.register(cls))


def register_document(cls: type) -> Callable[[F], F]:
    """Register ``func(result) -> dict`` as the JSON document of ``cls``."""
    return cast(Callable[[F], F], _document.register(cls))


def register_html(cls: type) -> Callable[[F], F]:
    """Register ``func(result, page) -> str`` as the HTML of ``cls`` (when it is more than its blocks)."""
    return cast(Callable[[F], F], _html.register(cls))


@functools.cache
def _load() -> None:
    for name in BUILDERS:
        _load_builder(name)


@functools.cache
def _load_builder(name: str) -> None:
    importlib.import_module(f"{__package__}.{name}")


def _load_for(result: Any) -> None:
    """Import the builders of ``result`` (of each item of a list or tuple); all of them for anything else."""
    if isinstance(result, list | tuple) and result:
        for item in result:
            _load_for(item)
        return
    builders = next((BUILDER_OF[c.__name__] for c in type(result).__mro__ if c.__name__ in BUILDER_OF), None)
    if builders is None:
        _load()
        return
    for name in builders:
        _load_builder(name)


def _reported() -> list[type]:
    _load()
    return [t for t in _blocks.registry if t not in (object, list, tuple)]


def reported_types() -> tuple[type, ...]:
    """Every result type with a report (and a JSON document), in registration order (lists of them too).

    Examples
    --------
    >>> import incentives as inc
    >>> {inc.Analysis, inc.Game, inc.SolveResult} <= set(reported_types())
    True
    """
    return tuple(_reported())


def report_blocks(result: Any) -> list[Block]:
    """The report of a result as blocks (a list of Perspectives gives each one's blocks in turn).

    Raises
    ------
    TypeError
        If there is no report for the result's type.
    """
    _load_for(result)
    return list(_blocks(result))


def json_document(result: Any) -> dict[str, Any]:
    """The JSON document of a result: plain dicts, lists, strings, numbers, booleans and None.

    Its ``"schema"`` field names the layout (``"incentives.analysis/2"``); the layouts are
    JSON Schema files in ``incentives/report/schemas/``.

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], title="Prisoners")
    >>> doc = json_document(inc.solve(pd))
    >>> doc["schema"], doc["equilibria"][0]["label"]
    ('incentives.solve/1', 'row=r1, column=c1')
    """
    _load_for(result)
    return dict(_document(result))


def _title(blocks: list[Block]) -> str:
    return next((b.text for b in blocks if isinstance(b, Heading)), "incentives report")


def render(result: Any, fmt: Format | str = "text", *, page: bool = False, width: int = TEXT_WIDTH) -> str:
    """The report of a result as text, Markdown, HTML or JSON.

    Parameters
    ----------
    result
        Any result with a report: a Game, SolveResult, Analysis, Perspectives (or a list of
        them), a design (or a :class:`~incentives.report.design.DesignReport`), a dependency
        graph, a continuous solution, a threshold report, a sweep, a QRE report or a handout
        (:func:`reported_types` lists them).
    fmt : {"text", "markdown", "html", "json"}
    page : bool
        HTML only: a whole page instead of a fragment (a ``<div>`` with its style sheet).
    width : int
        Text only: the width in characters.

    Returns
    -------
    str
        Ends with a newline; the same result gives the same text.

    Raises
    ------
    ValueError
        If ``fmt`` is not one of the four.
    TypeError
        If there is no report for the result's type.

    Examples
    --------
    >>> import incentives as inc
    >>> bos = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]], title="Battle")
    >>> print(render(inc.solve(bos), "markdown").splitlines()[0])
    ## Battle
    >>> render(inc.solve(bos), "html").startswith('<div class="incentives-report">')
    True
    """
    if fmt not in FORMATS:
        raise ValueError(f"The 'fmt' parameter of render must be one of {list(FORMATS)}. Got {fmt!r} instead.")
    _load_for(result)
    if fmt == "json":
        from .json import dumps

        return dumps(_document(result))
    if fmt == "html":
        special = _html(result, page)
        if special is not None:
            return str(special)
    blocks = report_blocks(result)
    if fmt == "text":
        from .text import render_text

        return render_text(blocks, width=width)
    if fmt == "markdown":
        from .markdown import render_markdown

        return render_markdown(blocks)
    from .html import render_html

    return render_html(blocks, page=page, title=_title(blocks))
