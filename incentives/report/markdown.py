"""Markdown reports (GitHub-flavoured): the terminal report's content, for documents and notebooks.

Every piece of text from the model is escaped (``|``, ``*``, ``<`` and the other
characters Markdown reads as markup are backslash-escaped), so model names show
as written and cannot break a table.  Table cells with several lines join them
with ``<br>``, which GitHub and Jupyter render as a line break.  Best responses in
payoff tables are in bold.  The same input gives the same text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..analysis.gaming import Analysis
from ..analysis.perspectives import Perspectives
from ..equilibrium import Equilibrium
from ..game import Game
from ..solvers import SolveResult
from .board import MAX_CELLS, game_blocks
from .document import (
    Block,
    Bullets,
    Cell,
    Heading,
    Inline,
    Paragraph,
    Table,
    analysis_blocks,
    perspectives_blocks,
    solve_blocks,
)

__all__ = [
    "analysis_markdown",
    "escape_markdown",
    "game_markdown",
    "perspectives_markdown",
    "render_markdown",
    "solve_markdown",
    "to_markdown",
]

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
    align = table.align or ("left",) * len(table.columns)
    out.append("| " + " | ".join(c or " " for c in columns) + " |")
    out.append("| " + " | ".join(_ALIGN[a] for a in align) + " |")
    for row in table.rows:
        out.append("| " + " | ".join(_cell(c) for c in row) + " |")
    if table.note:
        out += ["", f"*{escape_markdown(table.note)}*"]
    return out


def _block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return ["#" * block.level + " " + escape_markdown(block.text)]
    if isinstance(block, Paragraph):
        return [_inline(block.content)]
    if isinstance(block, Bullets):
        return [f"- {_inline(item)}" for item in block.items]
    return _table(block)


def render_markdown(blocks: Iterable[Block]) -> str:
    """Markdown text of report blocks, separated by blank lines, ending with a newline."""
    return "\n\n".join("\n".join(_block(b)) for b in blocks) + "\n"


def solve_markdown(result: SolveResult) -> str:
    """Markdown report of a solve result: status, notes and the equilibria table.

    Examples
    --------
    >>> import incentives as inc
    >>> bos = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]], title="Battle")
    >>> print(solve_markdown(inc.solve(bos)).splitlines()[0])
    ## Battle
    """
    return render_markdown(solve_blocks(result))


def analysis_markdown(analysis: Analysis) -> str:
    """Markdown report of a gaming analysis (the content of ``incentives analyze``)."""
    return render_markdown(analysis_blocks(analysis))


def perspectives_markdown(views: Perspectives | Sequence[Perspectives]) -> str:
    """Markdown report of one event's perspectives, or of several events."""
    return render_markdown(perspectives_blocks(views))


def game_markdown(
    game: Game, equilibria: SolveResult | Iterable[Equilibrium] | None = None, *, max_cells: int = MAX_CELLS
) -> str:
    """The payoff table(s) of a game in Markdown, best responses in bold, pure equilibria marked ✓.

    See :mod:`incentives.report.board` for the layout.

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]],
    ...                             actions=(["quiet", "confess"], ["quiet", "confess"]))
    >>> text = game_markdown(pd)
    >>> print(text[text.index("| row"):])
    | row ↓ / column → | quiet | confess |
    | :--- | :---: | :---: |
    | **quiet** | 3, 3 | 0, **5** |
    | **confess** | **5**, 0 | **1**, **1** ✓ |
    <BLANKLINE>
    Pure equilibrium: row=confess, column=confess.
    <BLANKLINE>
    """
    return render_markdown(game_blocks(game, equilibria, max_cells=max_cells))


def to_markdown(item: Any) -> str:
    """Markdown for a Game, SolveResult, Analysis, Perspectives or a list of Perspectives."""
    if isinstance(item, Game):
        return game_markdown(item)
    if isinstance(item, SolveResult):
        return solve_markdown(item)
    if isinstance(item, Analysis):
        return analysis_markdown(item)
    if isinstance(item, Perspectives) or (
        isinstance(item, Sequence) and item and all(isinstance(v, Perspectives) for v in item)
    ):
        return perspectives_markdown(item)
    raise TypeError(
        f"no Markdown report for {type(item).__name__}; expected a Game, SolveResult, Analysis or Perspectives"
    )
