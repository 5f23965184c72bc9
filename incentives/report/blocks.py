"""Report blocks: headings, paragraphs, lists, tables and pictures, the one form every report takes.

A result becomes blocks once (the builders in :mod:`incentives.report.solve`,
:mod:`~incentives.report.gaming`, :mod:`~incentives.report.design` and the other modules
of :mod:`incentives.report`); :mod:`~incentives.report.text`,
:mod:`~incentives.report.markdown` and :mod:`~incentives.report.html` only add their
layout, markup and escaping.  Blocks hold plain text (model names as the model spells
them), never markup.

A piece of inline text is a tuple of :class:`Span` (with its LaTeX and its presentation
MathML, where it is mathematics); a span's ``mark`` says how
it stands out: ``"strong"`` (emphasis), ``"best"`` (a best response in a
payoff table) or ``"muted"`` (secondary).  A table cell's or a paragraph's ``tone``
colours it: ``"good"``, ``"bad"``, ``"warn"`` or ``"equilibrium"`` (a shaded cell).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Align",
    "Block",
    "Bullets",
    "Cell",
    "Figure",
    "Heading",
    "Inline",
    "Mark",
    "Paragraph",
    "Span",
    "Table",
    "Tone",
    "inline",
    "paragraphs",
]

Mark = Literal["", "strong", "best", "muted"]
Tone = Literal["", "good", "bad", "warn", "equilibrium"]
Align = Literal["left", "right", "center"]


@dataclass(frozen=True, kw_only=True)
class Span:
    """A run of plain text and how it stands out; ``latex`` and ``mathml`` are the same text as mathematics,
    where it is some.

    Plain text shows ``text`` (with the signs a person writes: ``≥``, ``·``); Markdown shows ``latex``
    as inline math (``$...$``) and HTML (so also Jupyter) ``mathml``, the content of a ``<math>``
    element that browsers typeset themselves, when they are given.
    """

    text: str
    mark: Mark = ""
    latex: str = ""
    mathml: str = ""


Inline = tuple[Span, ...]


def inline(text: str, mark: Mark = "") -> Inline:
    """Inline text of one span.

    Examples
    --------
    >>> inline("sales")
    (Span(text='sales', mark='', latex='', mathml=''),)
    """
    return (Span(text=text, mark=mark),)


@dataclass(frozen=True, kw_only=True)
class Heading:
    """A heading; level 2 for a report, 3 for its sections."""

    text: str
    level: int = 2

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3, 4):
            raise ValueError(f"The 'level' parameter of Heading must be 1, 2, 3 or 4. Got {self.level!r} instead.")


@dataclass(frozen=True, kw_only=True)
class Paragraph:
    """A paragraph of inline text; ``tone`` colours it."""

    content: Inline
    tone: Tone = ""


def paragraphs(*texts: str | None, tone: Tone = "", mark: Mark = "") -> list[Block]:
    """One paragraph per text given, skipping ``None`` and empty texts.

    Examples
    --------
    >>> [p.content[0].text for p in paragraphs("first", None, "", "second")]
    ['first', 'second']
    """
    return [Paragraph(content=inline(text, mark), tone=tone) for text in texts if text]


@dataclass(frozen=True, kw_only=True)
class Bullets:
    """A list of sentences."""

    items: tuple[Inline, ...]

    @classmethod
    def of(cls, *items: str, mark: Mark = "") -> Bullets:
        """A list of plain sentences."""
        return cls(items=tuple(inline(item, mark) for item in items))


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
    says in plain words what the figures mean; ``board`` lays it out as a payoff table.
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

    @property
    def alignment(self) -> tuple[Align, ...]:
        """Each column's alignment (left where none was given)."""
        left: Align = "left"
        return self.align or (left,) * len(self.columns)


@dataclass(frozen=True, kw_only=True)
class Figure:
    """A picture (PNG bytes) with its description; ``missing`` says why there is none when ``png`` is None.

    HTML embeds the picture (a ``data:`` URI, so the page stays self-contained), Markdown
    too; plain text names it and gives its caption.
    """

    png: bytes | None
    alt: str
    caption: str = ""
    missing: str = ""


Block = Heading | Paragraph | Bullets | Table | Figure
