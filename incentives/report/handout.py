"""A one-page handout of an organisation for a workshop: its tables and its dependency graph, as one HTML file.

The handout says, on one printed page, what :command:`incentives analyze`,
:command:`incentives perspectives` and :command:`incentives graph` say at length:

* **what each department does**: its action at the company optimum and at each
  equilibrium (up to ``SHOWN_EQUILIBRIA``), red where it games its KPI (its bonus gains
  and the company loses), amber where it departs from the optimum only in response to
  the others, with the company value of each, the price of anarchy and the share of
  the value range lost;
* **who games, who pays**: at the worst equilibrium, each department's own bonus gain,
  what its departure costs the company, the KPI that makes it pay, and how its pay
  compares with its pay at the optimum (definitions in :mod:`incentives.analysis.gaming`);
* **KPI alignment**: whether paying each department on each KPI pulls the same way as
  company value;
* **events**: for each event the model declares, whether it is a win or a loss for each
  department and for the company (:func:`incentives.perspectives`);
* **the dependency graph** (:func:`incentives.dependency_graph`) as a PNG picture
  embedded as a ``data:`` URI, so the file needs nothing from outside.  It is drawn for
  print (:func:`incentives.report.graph.handout_figure`) and printed at its own size, so
  no text of it prints under 8 points: who moves whom beside the tables, the wider
  views across a landscape page of their own.

A :class:`Handout` holds the results; :func:`handout` computes them from a model.  Its
HTML page reuses the report blocks and sentences of :mod:`incentives.report` and the
markup of :mod:`incentives.report.html`: it is well-formed XML, every name is escaped,
it loads no resource and runs no script.  Print it to PDF from a browser (its style sheet
sets an A4 page); no PDF writer is a dependency.  The same handout also renders as text
and Markdown (the picture is embedded in Markdown, named in text), and as the JSON
document ``incentives.handout/2``: the analysis and each event's document.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..analysis.gaming import Analysis, EquilibriumGaming, analyze
from ..analysis.perspectives import Perspectives, perspectives
from ..errors import GraphError
from ..graph import VIEWS, dependency_graph
from ..model import Organization
from . import words
from .blocks import Block, Cell, Figure, Heading, Paragraph, Table, Tone, inline, paragraphs
from .dispatch import register_blocks, register_document, register_html
from .gaming import analysis_document
from .graph import PRINTED_WIDTH, graph_figure
from .html import blocks_html, wrap_html
from .perspectives import perspectives_document, view_table

__all__ = [
    "HANDOUT_SCHEMA",
    "HANDOUT_STYLE",
    "SHOWN_EQUILIBRIA",
    "Handout",
    "handout",
    "handout_blocks",
    "handout_document",
    "handout_html",
]

HANDOUT_SCHEMA = "incentives.handout/2"

#: Largest number of equilibria given a column of their own in the first table.
SHOWN_EQUILIBRIA = 3


def _style() -> str:
    """The handout's style sheet: a compact A4 page; the picture printed at its own size (so its text keeps
    the sizes it was drawn with), beside the tables, or across a landscape page of its own for the wider views."""
    beside, wide = PRINTED_WIDTH["departments"], PRINTED_WIDTH["kpis"]
    return f"""\
@page {{ size: A4; margin: 12mm; }}
@page wide {{ size: A4 landscape; margin: 12mm; }}
.incentives-report.handout {{ font-size: 10pt; max-width: 62em; margin: 0 auto; }}
.incentives-report.handout h2 {{ font-size: 1.45em; margin: 0.2em 0 0.1em; }}
.incentives-report.handout h3 {{ font-size: 1.05em; margin: 0.7em 0 0.2em; }}
.incentives-report.handout p {{ margin: 0.25em 0; }}
.incentives-report.handout table {{ margin: 0.3em 0; }}
.incentives-report.handout th, .incentives-report.handout td {{ padding: 0.1em 0.45em; }}
.incentives-report.handout .row {{ display: flex; flex-wrap: wrap; gap: 0 1.5em; align-items: flex-start; }}
.incentives-report.handout .row > * {{ flex: 1 1 22em; }}
.incentives-report.handout .row > .column {{ flex: 1 1 0; min-width: 0; }}
.incentives-report.handout .row > figure {{ flex: 0 1 {beside}in; }}
.incentives-report.handout figure {{ margin: 0.4em 0; text-align: center; break-inside: avoid; }}
.incentives-report.handout .row > figure img {{ width: {beside}in; max-width: 100%; }}
.incentives-report.handout .wide img {{ width: {wide}in; max-width: 100%; }}
.incentives-report.handout figcaption {{ font-size: 0.85em; color: #555555; }}
.incentives-report.handout .footer {{ color: #6b6b6b; font-size: 0.8em; border-top: 1px solid #c8c8c8;
  margin-top: 0.6em; padding-top: 0.2em; }}
@media print {{
  .incentives-report.handout {{ font-size: 8pt; max-width: none; }}
  .incentives-report.handout .row > figure img {{ max-width: none; }}
  .incentives-report.handout .wide {{ page: wide; break-before: page; }}
  .incentives-report.handout .wide img {{ max-width: none; }}
}}
"""


#: Style added to the reports' style sheet: a compact page that prints on one A4 sheet (the wider pictures
#: on a landscape sheet of their own), each picture at its own size.
HANDOUT_STYLE = _style()

_GAMES: Tone = "bad"
_RESPONDS: Tone = "warn"


@dataclass(frozen=True, kw_only=True)
class Handout:
    """What a handout shows: the analysis, the events, and the picture of the dependency graph.

    Parameters
    ----------
    analysis : Analysis
        The gaming analysis of the organisation (:func:`incentives.analyze`).
    events : tuple of Perspectives
        The perspectives on the events to show (:func:`incentives.perspectives`).
    picture : Figure, optional
        The dependency graph's picture (:func:`incentives.report.graph.graph_figure`, drawn for
        print); without it the page has none.
    view : {"departments", "kpis", "all"}
        Which view the picture shows: who moves whom is printed beside the tables, the
        wider views across a landscape page of their own.
    source : str
        The model file's name, quoted at the foot of the page.
    """

    analysis: Analysis
    events: tuple[Perspectives, ...] = ()
    picture: Figure | None = None
    view: str = "departments"
    source: str = ""

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise GraphError(f"unknown view {self.view!r}; expected one of {list(VIEWS)}")
        object.__setattr__(self, "events", tuple(self.events))


def _tones(item: EquilibriumGaming) -> dict[str, Tone]:
    return {d.department: (_GAMES if d.games else _RESPONDS) for d in item.departures}


def _plays(analysis: Analysis, item: EquilibriumGaming, player: int) -> str:
    game = analysis.game
    return words.strategy(game.actions[player], item.equilibrium.profile[player])


def _actions_table(analysis: Analysis) -> Table:
    game, shown = analysis.game, analysis.equilibria[:SHOWN_EQUILIBRIA]
    several = len(analysis.equilibria) > 1
    columns = (
        "department",
        "company optimum",
        *(f"equilibrium {k}" if several else "equilibrium" for k in range(1, len(shown) + 1)),
    )
    optimum = analysis.optimum.profile
    tones = [_tones(item) for item in shown]
    rows: list[tuple[Cell, ...]] = [
        (
            Cell.of(player),
            Cell.of(game.actions[i][optimum[i]]),
            *(Cell.of(_plays(analysis, item, i), tone=t.get(player, "")) for item, t in zip(shown, tones, strict=True)),
        )
        for i, player in enumerate(game.players)
    ]
    rows.append(
        (
            Cell.of("company value", mark="strong"),
            Cell.of(words.number(analysis.optimum.value), mark="strong"),
            *(Cell.of(words.number(item.company_value), mark="strong") for item in shown),
        )
    )
    hidden = len(analysis.equilibria) - len(shown)
    note = (
        "Red: the department games its KPI there (its bonus gains, the company loses). Amber: it departs from "
        "the optimum without gaming: its bonus gains nothing by it, or, with the others playing as they do, "
        "switching back alone would not help the company."
    )
    if hidden:
        note += f" {hidden} more equilibria are not shown: run incentives analyze."
    return Table(
        title="What each department does",
        columns=columns,
        rows=tuple(rows),
        note=note,
    )


def _gaming_table(item: EquilibriumGaming, players: Sequence[str]) -> Table:
    departures = {d.department: d for d in item.departures}
    rows: list[tuple[Cell, ...]] = []
    for player in players:
        burden = Cell.of(words.signed(item.burden[player]), tone="bad" if item.burden[player] < 0 else "")
        dep = departures.get(player)
        if dep is None:
            rows.append(
                (Cell.of(player), Cell.of("as at the optimum", mark="muted"), *(Cell.of("") for _ in range(3)), burden)
            )
            continue
        rows.append(
            (
                Cell.of(player),
                Cell.of(f"{dep.plays} instead of {dep.optimum_action}", tone=_GAMES if dep.games else _RESPONDS),
                Cell.of(words.signed(dep.own_gain)),
                Cell.of(words.number(dep.company_cost), tone="bad" if dep.company_cost > 0 else "good"),
                Cell.of(*(words.driver_texts(dep) or ["-"])),
                burden,
            )
        )
    rows.append(
        (
            Cell.of("company value", mark="strong"),
            *(Cell.of("") for _ in range(4)),
            Cell.of(words.signed(-item.value_gap), mark="strong", tone="bad" if item.value_gap > 0 else ""),
        )
    )
    return Table(
        title="Who games, who pays" + (f" (at {item.label})" if item.departures else ""),
        columns=("department", "plays", "own bonus gain", "company cost", "what makes it pay", "pay vs optimum"),
        align=("left", "left", "right", "right", "left", "right"),
        rows=tuple(rows),
        note="Own bonus gain and company cost: of the department's departure alone, the others playing as they "
        "do. Pay vs optimum: " + words.BURDEN_NOTE[0].lower() + words.BURDEN_NOTE[1:],
    )


def _alignment_table(analysis: Analysis) -> Table:
    tones: dict[str, Tone] = {"misaligned": "bad", "mixed": "warn", "aligned": "good"}
    rows = tuple(
        (Cell.of(a.department), Cell.of(a.kpi), Cell.of(a.status, tone=tones.get(a.status, "")))
        for a in analysis.alignment
    )
    return Table(
        title=words.ALIGNMENT_TITLE,
        columns=words.ALIGNMENT_COLUMNS[:3],
        rows=rows,
        note="misaligned: every switch that raises the KPI pay lowers company value; mixed: some do; "
        "aligned: none do. The evidence: incentives analyze.",
    )


def _event_blocks(views: Perspectives) -> list[Block]:
    table = view_table(views)
    return [
        Heading(text=words.event_sentence(views), level=3),
        Paragraph(content=inline(words.movement_sentence(views))),
        Table(title="", columns=table.columns, rows=table.rows, align=table.align),
    ]


def _sections(analysis: Analysis, events: Sequence[Perspectives]) -> list[list[Block]]:
    """The handout's parts: the head, the tables beside the picture, the table below it, the events."""
    org = analysis.organization
    head: list[Block] = [Heading(text=org.name or analysis.game.title or "Organisation", level=2)]
    if org.description:
        head.append(Paragraph(content=inline(" ".join(org.description.split()), "muted")))
    worst = analysis.worst
    if worst is None:
        return [[*head, Paragraph(content=inline(words.NO_GAMING_TO_COMPARE), tone="warn")], [], [], []]
    gaming = words.join_words(list(analysis.gaming_departments)) if analysis.gaming_departments else "none"
    head.append(
        Paragraph(
            content=inline(
                f"{words.equilibrium_sentence(worst)} Gaming: {gaming}. {words.price_sentences(analysis)[0]} "
                f"{words.value_range_sentences(analysis)[0]}",
                "strong",
            )
        )
    )
    beside: list[Block] = [_actions_table(analysis)]
    if analysis.alignment:
        beside.append(_alignment_table(analysis))
    below: list[Block] = [_gaming_table(worst, analysis.game.players)]
    return [head, beside, below, [block for views in events for block in _event_blocks(views)]]


def _footer(source: str) -> str:
    model = source or "MODEL"
    return (
        f"Made with incentives handout {model}. The full reports: incentives analyze {model}, "
        f"incentives perspectives {model}, incentives graph {model}; a redesign: incentives design {model}."
    )


@register_blocks(Handout)
def handout_blocks(handout: Handout) -> list[Block]:
    """The handout as report blocks, in reading order (the HTML page sets the picture beside the first tables).

    Examples
    --------
    >>> import incentives as inc
    >>> blocks = handout_blocks(Handout(analysis=inc.analyze(inc.load_model("examples/growing_company.yaml"))))
    >>> [b.title for b in blocks if isinstance(b, Table)][0]
    'What each department does'
    """
    head, beside, below, happenings = _sections(handout.analysis, handout.events)
    picture = [handout.picture] if handout.picture is not None else []
    return [*head, *beside, *picture, *below, *happenings, *paragraphs(_footer(handout.source), mark="muted")]


@register_html(Handout)
def handout_html(handout: Handout, page: bool = True) -> str:
    """The handout as HTML: the tables beside the picture, laid out for one A4 page.

    Parameters
    ----------
    handout : Handout
    page : bool
        A complete, self-contained document (the default), or a fragment (as Jupyter shows it).

    Returns
    -------
    str
    """
    head, beside, below, happenings = _sections(handout.analysis, handout.events)
    footer = f'<p class="footer">{html.escape(_footer(handout.source))}</p>'
    picture = blocks_html([handout.picture]) if handout.picture is not None else ""
    wide = handout.view != "departments"
    body = "\n".join(
        part
        for part in [
            blocks_html(head),
            '<div class="row">',
            f'<div class="column">\n{blocks_html(beside)}\n</div>',
            "" if wide else picture,
            "</div>",
            blocks_html(below + happenings),
            footer,
            f'<div class="wide">\n{picture}\n</div>' if wide and picture else "",
        ]
        if part
    )
    name = handout.analysis.organization.name or "the organisation"
    return wrap_html(body, page=page, title=f"Handout: {name}", style=HANDOUT_STYLE, kind="handout")


@register_document(Handout)
def handout_document(handout: Handout) -> dict[str, Any]:
    """The ``incentives.handout/2`` document: the analysis and the events, each as its own document."""
    return {
        "schema": HANDOUT_SCHEMA,
        "model": handout.analysis.organization.name,
        "source": handout.source,
        "analysis": analysis_document(handout.analysis),
        "events": [perspectives_document(views) for views in handout.events],
    }


def handout(
    org: Organization,
    *,
    view: str = "departments",
    method: str = "all",
    exact: bool | None = None,
    max_seconds: float | None = 60.0,
    source: str = "",
    picture: bool = True,
) -> Handout:
    """Analyse an organisation, its declared events and its dependency graph for a handout.

    Parameters
    ----------
    org : Organization
    view : {"departments", "kpis", "all"}
        Which picture of the dependency graph to show.
    method, exact, max_seconds
        As for :func:`incentives.analyze`.
    source : str
        The model file's name, quoted at the foot of the page.
    picture : bool
        Draw the dependency graph (without matplotlib the page says how to get it).

    Returns
    -------
    Handout
        ``incentives.report.render(handout, "html", page=True)`` is the page to print.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.report import render
    >>> page = render(handout(inc.load_model("examples/growing_company.yaml")), "html", page=True)
    >>> page.startswith("<!DOCTYPE html>"), 'src="data:image/png;base64,' in page
    (True, True)
    """
    if view not in VIEWS:
        raise GraphError(f"unknown view {view!r}; expected one of {list(VIEWS)}")
    analysis = analyze(org, method=method, exact=exact, max_seconds=max_seconds)
    events = tuple(perspectives(org, event, method=method, exact=exact) for event in org.events)
    figure = graph_figure(dependency_graph(org), view, printed=True) if picture else None
    return Handout(analysis=analysis, events=events, picture=figure, view=view, source=source)
