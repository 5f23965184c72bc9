"""Plain-text reports: report blocks drawn by rich at a fixed width, the same bytes on every run.

Headings are bold lines (a blank line before each but the first), paragraphs wrap at
the width, lists are ``- `` lines, and tables are rich tables with their title above
and their note below.  Text has no colour by default, so what stands out is marked in
the text itself: a best response in a payoff table is written ``[3]``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from .blocks import Block, Bullets, Cell, Figure, Heading, Inline, Paragraph, Span, Table

__all__ = ["BEST_MARK", "render_text"]

#: How a best response stands out in plain text: ``BEST_MARK.format("3")`` is ``"[3]"``.
BEST_MARK = "[{}]"

#: Columns are kept as wide as their longest word, up to this many characters (longer words are folded).
_MAX_WORD = 32

_TONE_STYLES = {"good": "green", "bad": "red", "warn": "yellow", "equilibrium": "bold"}
_MARK_STYLES = {"strong": "bold", "best": "bold underline", "muted": "italic"}


def _shown(span: Span) -> str:
    return BEST_MARK.format(span.text) if span.mark == "best" else span.text


def _text(content: Inline, style: str = "") -> Text:
    out = Text(style=style)
    for span in content:
        out.append(_shown(span), style=_MARK_STYLES.get(span.mark, ""))
    return out


def _cell(cell: Cell) -> Text:
    out = Text(style=_TONE_STYLES.get(cell.tone, ""))
    for k, line in enumerate(cell.lines):
        if k:
            out.append("\n")
        out.append_text(_text(line))
    return out


def _column_texts(table: Table, columns: list[str], k: int) -> list[str]:
    return [columns[k], *("".join(_shown(span) for span in line) for row in table.rows for line in row[k].lines)]


def _widths(table: Table, columns: list[str], width: int) -> list[int | None]:
    """Column widths that fold as few words as the width allows (rich would cut names in two), else rich's own.

    Each column starts at its natural width (its longest line); while the table is too
    wide, the widest column that is still wider than its longest word loses a character.
    Where the longest words cannot all fit, only the cells' words are kept whole (a header
    is broken after a ``.`` or ``_`` instead, :func:`_header`); where even those cannot,
    rich's own widths.
    """
    texts = [_column_texts(table, columns, k) for k in range(len(columns))]
    natural = [max(1, *(cell_len(t) for t in column)) for column in texts]
    budget = width - 3 * len(columns) - 1
    if sum(natural) <= budget:
        return [None] * len(columns)
    for kept in (texts, [column[1:] for column in texts]):
        words = [_longest_word(column) for column in kept]
        if sum(words) <= budget:
            return _narrowed(natural, words, budget)
    return [None] * len(columns)


def _longest_word(texts: list[str]) -> int:
    """The length of the longest word in ``texts`` (at most :data:`_MAX_WORD`; 1 where there is none)."""
    return max(1, min(_MAX_WORD, max((cell_len(w) for t in texts for w in t.split()), default=1)))


def _narrowed(natural: list[int], words: list[int], budget: int) -> list[int | None]:
    """The widths: while they sum to more than ``budget``, the widest column wider than its word loses one."""
    widths = list(natural)
    while sum(widths) > budget:
        k = max((w, k) for k, w in enumerate(widths) if w > words[k])[1]
        widths[k] -= 1
    return list(widths)


def _header(text: str, width: int | None) -> str:
    """A column's header with each word wider than ``width`` broken into lines after a ``.`` or ``_``.

    Examples
    --------
    >>> print(_header("bonus.support.reopened_tickets", 14))
    bonus.support.
    reopened_
    tickets
    >>> _header("customers_per_deal", None), _header("price of anarchy", 5)
    ('customers_per_deal', 'price of anarchy')
    """
    if width is None:
        return text
    return " ".join(_broken(word, width) if cell_len(word) > width else word for word in text.split(" "))


def _broken(word: str, width: int) -> str:
    """``word`` in lines of at most ``width`` characters, broken after a ``.`` or ``_`` (a longer piece stays whole)."""
    lines = [""]
    for piece in re.findall(r"[^._]*[._]|[^._]+$", word):
        if lines[-1] and cell_len(lines[-1] + piece) > width:
            lines.append("")
        lines[-1] += piece
    return "\n".join(lines)


def _table(table: Table, width: int) -> list[Any]:
    out = RichTable(title=table.title or None)
    columns = list(table.columns)
    if table.spanner:
        columns[0] = f"{columns[0]} / {table.spanner}" if columns[0] else table.spanner
    widths = _widths(table, columns, width)
    for k, (column, align) in enumerate(zip(columns, table.alignment, strict=True)):
        style = "bold" if table.row_headers and k == 0 else ""
        out.add_column(_header(column, widths[k]), justify=align, overflow="fold", style=style, width=widths[k])
    starts = set(table.groups)
    for k, row in enumerate(table.rows):
        out.add_row(*(_cell(c) for c in row), end_section=k + 1 in starts or k + 1 == len(table.rows))
    return [out, Text(table.note, style="italic")] if table.note else [out]


def _figure(figure: Figure) -> list[Any]:
    if figure.png is None:
        return [Text(figure.missing, style="yellow")] if figure.missing else []
    caption = f" {figure.caption}" if figure.caption else ""
    return [Text(f"[Picture: {figure.alt}; in the HTML report.]{caption}")]


def _renderables(block: Block, width: int) -> list[Any]:
    if isinstance(block, Heading):
        return [Text(block.text, style="bold")]
    if isinstance(block, Paragraph):
        return [_text(block.content, _TONE_STYLES.get(block.tone, ""))]
    if isinstance(block, Bullets):
        return [Text("- ").append_text(_text(item)) for item in block.items]
    if isinstance(block, Figure):
        return _figure(block)
    return _table(block, width)


def render_text(blocks: Iterable[Block], *, width: int = 110, color: bool = False) -> str:
    """The blocks as text at a fixed width (deterministic), each line without trailing spaces.

    Examples
    --------
    >>> from incentives.report.blocks import Heading, Paragraph, inline
    >>> print(render_text([Heading(text="Sales"), Paragraph(content=inline("It games."))]), end="")
    Sales
    It games.
    """
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        legacy_windows=False,
        soft_wrap=False,
    )
    for k, block in enumerate(blocks):
        if isinstance(block, Heading) and k:
            console.print()
        for item in _renderables(block, width):
            console.print(item)
    text = buffer.getvalue()
    return "\n".join(line.rstrip() for line in text.split("\n")) if not color else text
