"""Reports as plain blocks (headings, paragraphs, lists, tables) that Markdown and HTML both render.

The content of a report is decided once, here, from the sentences of
:mod:`incentives.report.words`; :mod:`incentives.report.markdown` and
:mod:`incentives.report.html` only add their markup and escaping.  Blocks hold
plain text (model names as the model spells them), never markup.

A piece of inline text is a tuple of :class:`Span`; a span's ``mark`` says how
it stands out: ``"strong"`` (emphasis), ``"best"`` (a best response in a
payoff table) or ``"muted"`` (secondary).  A table cell's ``tone`` colours it in
HTML: ``"good"``, ``"bad"``, ``"warn"`` or ``"equilibrium"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..analysis.gaming import Analysis, EquilibriumGaming
from ..analysis.perspectives import Perspectives
from ..solvers import SolveResult
from . import words

__all__ = [
    "Align",
    "Block",
    "Bullets",
    "Cell",
    "Heading",
    "Inline",
    "Paragraph",
    "Span",
    "Table",
    "analysis_blocks",
    "inline",
    "perspectives_blocks",
    "solve_blocks",
]

Mark = Literal["", "strong", "best", "muted"]
Tone = Literal["", "good", "bad", "warn", "equilibrium"]
Align = Literal["left", "right", "center"]


@dataclass(frozen=True, kw_only=True)
class Span:
    """A run of plain text and how it stands out."""

    text: str
    mark: Mark = ""


Inline = tuple[Span, ...]


def inline(text: str, mark: Mark = "") -> Inline:
    """Inline text of one span.

    Examples
    --------
    >>> inline("sales")
    (Span(text='sales', mark=''),)
    """
    return (Span(text=text, mark=mark),)


@dataclass(frozen=True, kw_only=True)
class Heading:
    """A heading; level 2 for a report, 3 for its sections."""

    text: str
    level: int = 2


@dataclass(frozen=True, kw_only=True)
class Paragraph:
    """A paragraph of inline text; ``tone`` colours it in HTML."""

    content: Inline
    tone: Tone = ""


@dataclass(frozen=True, kw_only=True)
class Bullets:
    """A list of sentences."""

    items: tuple[Inline, ...]


@dataclass(frozen=True, kw_only=True)
class Cell:
    """A table cell: one or more lines of inline text."""

    lines: tuple[Inline, ...]
    tone: Tone = ""

    @classmethod
    def of(cls, *lines: str, tone: Tone = "", mark: Mark = "") -> Cell:
        """A cell of plain lines."""
        return cls(lines=tuple(inline(line, mark) for line in lines), tone=tone)


@dataclass(frozen=True, kw_only=True)
class Table:
    """A table with a title, column names and rows of cells.

    ``spanner`` is a label over every column but the first (the column player of a
    payoff table); ``row_headers`` makes each row's first cell its header;
    ``groups`` lists the indices of rows that start a new group of rows; ``note``
    says in plain words what the figures mean.
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    align: tuple[Align, ...] = ()
    note: str = ""
    spanner: str = ""
    row_headers: bool = False
    groups: tuple[int, ...] = ()
    board: bool = False

    def __post_init__(self) -> None:
        if self.align and len(self.align) != len(self.columns):
            raise ValueError(f"'align' must give one alignment per column ({len(self.columns)}); got {self.align}")
        for k, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {k} of table {self.title!r} has {len(row)} cells; expected {len(self.columns)}")


Block = Heading | Paragraph | Bullets | Table

_VERDICT_TONES: dict[str, Tone] = {
    "misaligned": "bad",
    "mixed": "warn",
    "aligned": "good",
    "win": "good",
    "loss": "bad",
}


def _para(text: str | None, tone: Tone = "", mark: Mark = "") -> list[Block]:
    return [] if not text else [Paragraph(content=inline(text, mark), tone=tone)]


def _equilibria_table(result: SolveResult) -> Table:
    game = result.game
    rows: list[tuple[Cell, ...]] = []
    groups = []
    for k, eq in enumerate(result.equilibria, start=1):
        groups.append(len(rows))
        for i, (player, acts, probs) in enumerate(zip(game.players, game.actions, eq.profile, strict=True)):
            rows.append(
                (
                    Cell.of(str(k) if i == 0 else ""),
                    Cell.of(player),
                    Cell.of(words.strategy(acts, probs)),
                    Cell.of(words.number(eq.payoffs[i])),
                )
            )
        if game.company_value is not None:
            rows.append(
                (
                    Cell.of(""),
                    Cell.of("company value", mark="muted"),
                    Cell.of(""),
                    Cell.of(words.number(eq.company_value)),
                )
            )
        rows.append((Cell.of(""), Cell.of("regret", mark="muted"), Cell.of(""), Cell.of(words.regret(eq.regret))))
    return Table(
        title=words.EQUILIBRIA_TITLE,
        columns=("#", "player", "plays", "payoff"),
        align=("right", "left", "left", "right"),
        rows=tuple(rows),
        groups=tuple(groups),
        note=words.EQUILIBRIA_NOTE,
    )


def solve_blocks(result: SolveResult) -> list[Block]:
    """The blocks of a solve report: status, degeneracy, notes and the equilibria table."""
    out: list[Block] = [Heading(text=result.game.title or "Game", level=2), *_para(words.status_sentence(result))]
    if result.degenerate:
        out += _para(words.DEGENERATE, "warn")
    for note in result.notes:
        out += _para(words.note_sentence(note), "warn")
    for sentence in words.component_sentences(result):
        out += _para(sentence, "warn")
    if result.equilibria:
        out.append(_equilibria_table(result))
    else:
        out += _para(words.NO_EQUILIBRIUM, "bad")
    out += _para(words.rejected_sentence(result), "bad")
    return out


def _departure_table(item: EquilibriumGaming) -> Table:
    rows = tuple(
        (
            Cell.of(dep.department),
            Cell.of(dep.plays),
            Cell.of(dep.optimum_action),
            Cell.of(words.signed(dep.own_gain)),
            Cell.of(words.number(dep.company_cost), tone="bad" if dep.company_cost > 0 else ""),
            Cell.of(*(words.driver_texts(dep) or ["-"])),
        )
        for dep in item.departures
    )
    return Table(
        title=words.DEPARTURE_TITLE,
        columns=words.DEPARTURE_COLUMNS,
        align=("left", "left", "left", "right", "right", "left"),
        rows=rows,
        note=words.DEPARTURE_NOTE,
    )


def _burden_table(item: EquilibriumGaming) -> Table:
    rows = [(Cell.of(dept), Cell.of(words.signed(change))) for dept, change in item.burden.items()]
    rows.append((Cell.of("company value", mark="strong"), Cell.of(words.signed(-item.value_gap), mark="strong")))
    return Table(
        title=words.BURDEN_TITLE,
        columns=words.BURDEN_COLUMNS,
        align=("left", "right"),
        rows=tuple(rows),
        note=words.BURDEN_NOTE,
    )


def _alignment_table(analysis: Analysis) -> Table:
    rows = tuple(
        (
            Cell.of(a.department),
            Cell.of(a.kpi),
            Cell.of(a.status, tone=_VERDICT_TONES.get(a.status, "")),
            Cell.of(a.evidence),
        )
        for a in analysis.alignment
    )
    return Table(title=words.ALIGNMENT_TITLE, columns=words.ALIGNMENT_COLUMNS, rows=rows)


def analysis_blocks(analysis: Analysis) -> list[Block]:
    """The blocks of a gaming analysis: the solve report, the optimum, each equilibrium, prices, alignment."""
    out = solve_blocks(analysis.solution)
    out += _para(words.optimum_sentence(analysis), mark="strong")
    out += _para(words.optimum_ties_sentence(analysis))
    for k, item in enumerate(analysis.equilibria, start=1):
        out.append(Heading(text=f"Equilibrium {k}" if len(analysis.equilibria) > 1 else "The equilibrium", level=3))
        out += _para(words.equilibrium_sentence(item), mark="strong")
        if not item.departures:
            out += _para(words.NO_GAMING, "good")
            continue
        out.append(_departure_table(item))
        out.append(Bullets(items=tuple(inline(words.departure_sentence(d)) for d in item.departures)))
        out.append(_burden_table(item))
    out.append(Heading(text="What gaming costs the company", level=3))
    for line in words.price_sentences(analysis):
        out += _para(line)
    out += _para(words.gaming_score_sentence(analysis))
    if analysis.alignment:
        out.append(_alignment_table(analysis))
    return out


def _one_perspective(views: Perspectives) -> list[Block]:
    out: list[Block] = [Heading(text=words.event_sentence(views), level=2), *_para(words.movement_sentence(views))]
    out += _para(words.selection_sentence(views))
    rows = tuple(
        (
            Cell.of(v.party, mark="strong" if v.party == "company" else ""),
            Cell.of(words.number(v.before)),
            Cell.of(words.number(v.immediate)),
            Cell.of(words.number(v.after)),
            Cell.of(words.signed(v.change)),
            Cell.of(v.verdict, tone=_VERDICT_TONES.get(v.verdict, "")),
        )
        for v in views.views
    )
    out.append(
        Table(
            title=words.VIEW_TITLE,
            columns=words.VIEW_COLUMNS,
            align=("left", "right", "right", "right", "right", "left"),
            rows=rows,
            note=words.VIEW_NOTE,
        )
    )
    kpis = tuple(
        (Cell.of(name), Cell.of(words.number(old)), Cell.of(words.number(new)), Cell.of(words.signed(new - old)))
        for name, (old, new) in views.kpis.items()
    )
    out.append(
        Table(title=words.KPI_TITLE, columns=words.KPI_COLUMNS, align=("left", "right", "right", "right"), rows=kpis)
    )
    out.append(Bullets(items=tuple(inline(words.view_sentence(views.event, v)) for v in views.views)))
    return out


def perspectives_blocks(views: Perspectives | Sequence[Perspectives]) -> list[Block]:
    """The blocks of one event's perspectives (or of several events, one after the other)."""
    items = [views] if isinstance(views, Perspectives) else list(views)
    return [block for item in items for block in _one_perspective(item)]
