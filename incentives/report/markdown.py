"""Markdown reports (GitHub-flavoured): report blocks with Markdown markup, for documents and notebooks.

Every piece of text from the model is escaped (``|``, ``*``, ``<`` and the other
characters Markdown reads as markup are backslash-escaped), so model names show
as written and cannot break a table.  Table cells with several lines join them
with ``<br>``, which GitHub and Jupyter render as a line break.  Best responses in
payoff tables are in bold.  A picture is embedded as a ``data:`` URI (Jupyter and most
editors show it; GitHub does not).  The same input gives the same text.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable

from .blocks import Block, Bullets, Cell, Figure, Heading, Inline, Paragraph, Table

__all__ = ["escape_markdown", "render_markdown"]

# characters Markdown may read as markup; "_" only where it could start or end emphasis, "#" only where it
# could start or close a heading
_SPECIAL = re.compile(r"[\\`*\[\]<>|&~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|(?<!\S)#")
_ALIGN = {"left": ":---", "right": "---:", "center": ":---:"}


def escape_markdown(text: str) -> str:
    """Text shown literally in Markdown, on one line, also inside a table cell.

    Examples
    --------
    >>> escape_markdown("a|b <script> & fast_close *x*")
    'a\\\\|b \\\\<script\\\\> \\\\& fast_close \\\\*x\\\\*'
    """
    text = " ".join(text.splitlines()) if text else text
    return _SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def _inline(content: Inline) -> str:
    out = []
    for span in content:
        if span.latex:
            out.append(f"${span.latex}$")
            continue
        text = escape_markdown(span.text)
        if span.mark in ("strong", "best") and text.strip():
            lead, core, trail = _split_space(text)
            text = f"{lead}**{core}**{trail}"
        out.append(text)
    return "".join(out)


def _split_space(text: str) -> tuple[str, str, str]:
    core = text.strip()
    start = text.index(core)
    return text[:start], core, text[start + len(core) :]


def _cell(cell: Cell) -> str:
    return "<br>".join(_inline(line) for line in cell.lines) or " "


def _table(table: Table) -> list[str]:
    out = []
    if table.title:
        out += [f"**{escape_markdown(table.title)}**", ""]
    columns = [escape_markdown(c) for c in table.columns]
    if table.spanner:
        columns[0] = (
            f"{columns[0]} / {escape_markdown(table.spanner)}" if columns[0] else escape_markdown(table.spanner)
        )
    align = table.alignment
    out.append("| " + " | ".join(c or " " for c in columns) + " |")
    out.append("| " + " | ".join(_ALIGN[a] for a in align) + " |")
    for row in table.rows:
        out.append("| " + " | ".join(_cell(c) for c in row) + " |")
    if table.note:
        out += ["", f"*{escape_markdown(table.note)}*"]
    return out


def _figure(figure: Figure) -> list[str]:
    if figure.png is None:
        return [escape_markdown(figure.missing)] if figure.missing else []
    data = base64.b64encode(figure.png).decode("ascii")
    out = [f"![{escape_markdown(figure.alt)}](data:image/png;base64,{data})"]
    return out + (["", f"*{escape_markdown(figure.caption)}*"] if figure.caption else [])


def _block(block: Block) -> list[str]:
    if isinstance(block, Figure):
        return _figure(block)
    if isinstance(block, Heading):
        return ["#" * block.level + " " + escape_markdown(block.text)]
    if isinstance(block, Paragraph):
        return [_inline(block.content)]
    if isinstance(block, Bullets):
        return [f"- {_inline(item)}" for item in block.items]
    return _table(block)


def render_markdown(blocks: Iterable[Block]) -> str:
    """Markdown text of report blocks, separated by blank lines, ending with a newline.

    Examples
    --------
    >>> from incentives.report.blocks import Bullets, Heading
    >>> print(render_markdown([Heading(text="Sales *and* support"), Bullets.of("a|b")]), end="")
    ## Sales \\*and\\* support
    <BLANKLINE>
    - a\\|b
    """
    return "\n\n".join(text for b in blocks if (text := "\n".join(_block(b)))) + "\n"
