"""Self-contained HTML reports: the terminal report's content, for browsers and Jupyter.

The HTML needs nothing from outside: its style sheet is inline (scoped to the
``incentives-report`` class), it loads no resources and runs no script.  Every
piece of text is escaped with :func:`html.escape` (model names are user input),
every element is closed (void elements are written ``<br/>``), so the output is
also well-formed XML.  The same input gives the same bytes.

Functions return a fragment (a ``<div>`` carrying its own style sheet, as
Jupyter displays it); with ``page=True`` they return a complete document.
"""

from __future__ import annotations

import html
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
    "STYLE",
    "analysis_html",
    "blocks_html",
    "game_html",
    "perspectives_html",
    "render_html",
    "solve_html",
    "to_html",
]

#: The style sheet every report carries (no "<" or "&" in it, so it stays well-formed XML).
STYLE = """\
.incentives-report { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.4;
  max-width: 70em; }
.incentives-report h2 { font-size: 1.3em; margin: 1em 0 0.4em; }
.incentives-report h3 { font-size: 1.1em; margin: 1em 0 0.3em; }
.incentives-report table { border-collapse: collapse; margin: 0.6em 0; font-variant-numeric: tabular-nums; }
.incentives-report caption { caption-side: top; text-align: left; font-weight: bold; padding: 0.2em 0; }
.incentives-report th, .incentives-report td { border: 1px solid #c8c8c8; padding: 0.25em 0.6em;
  vertical-align: top; }
.incentives-report thead th { background: #f2f2f2; color: #222222; }
.incentives-report tbody + tbody { border-top: 2px solid #888888; }
.incentives-report .left { text-align: left; }
.incentives-report .right { text-align: right; }
.incentives-report .center { text-align: center; }
.incentives-report table.board td { padding: 0.5em 1em; white-space: nowrap; }
.incentives-report table.board th[scope="row"] { background: #f2f2f2; color: #222222; }
.incentives-report .best { font-weight: bold; text-decoration: underline; }
.incentives-report .muted { color: #6b6b6b; font-size: 0.9em; }
.incentives-report td.equilibrium { background: #ffe9a8; color: #222222; }
.incentives-report td.good, .incentives-report p.good { color: #1d7a34; }
.incentives-report td.bad, .incentives-report p.bad { color: #b3261e; }
.incentives-report td.warn, .incentives-report p.warn { color: #8a5a00; }
.incentives-report p.note { color: #555555; font-size: 0.9em; margin-top: 0; }
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _inline(content: Inline) -> str:
    out = []
    for span in content:
        text = _esc(span.text)
        if span.mark == "strong":
            text = f"<strong>{text}</strong>"
        elif span.mark == "best":
            text = f'<strong class="best">{text}</strong>'
        elif span.mark == "muted":
            text = f'<span class="muted">{text}</span>'
        out.append(text)
    return "".join(out)


def _cell(cell: Cell, tag: str, align: str, scope: bool = False) -> str:
    classes = " ".join(c for c in (align, cell.tone) if c)
    title = ' title="pure equilibrium"' if cell.tone == "equilibrium" else ""
    scope_attr = ' scope="row"' if scope else ""
    body = "<br/>".join(_inline(line) for line in cell.lines)
    return f'<{tag} class="{classes}"{scope_attr}{title}>{body}</{tag}>'


def _table(table: Table) -> list[str]:
    align = table.align or ("left",) * len(table.columns)
    out = ['<table class="board">' if table.board else "<table>"]
    if table.title:
        out.append(f"<caption>{_esc(table.title)}</caption>")
    out.append("<thead>")
    if table.spanner:
        out.append(
            f'<tr><th></th><th class="center" colspan="{len(table.columns) - 1}">{_esc(table.spanner)}</th></tr>'
        )
    out.append("<tr>" + "".join(f'<th class="{a}">{_esc(c)}</th>' for c, a in zip(table.columns, align, strict=True)))
    out[-1] += "</tr>"
    out.append("</thead>")
    starts = set(table.groups) | {0}
    for k, row in enumerate(table.rows):
        if k in starts:
            out.append("<tbody>" if k == 0 else "</tbody><tbody>")
        cells = [
            _cell(cell, "th" if table.row_headers and j == 0 else "td", a, scope=table.row_headers and j == 0)
            for j, (cell, a) in enumerate(zip(row, align, strict=True))
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    if table.rows:
        out.append("</tbody>")
    out.append("</table>")
    if table.note:
        out.append(f'<p class="note">{_esc(table.note)}</p>')
    return out


def _block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return [f"<h{block.level}>{_esc(block.text)}</h{block.level}>"]
    if isinstance(block, Paragraph):
        tone = f' class="{block.tone}"' if block.tone else ""
        return [f"<p{tone}>{_inline(block.content)}</p>"]
    if isinstance(block, Bullets):
        return ["<ul>", *(f"<li>{_inline(item)}</li>" for item in block.items), "</ul>"]
    return _table(block)


def blocks_html(blocks: Iterable[Block]) -> str:
    """The markup of report blocks alone, without the wrapping ``<div>`` and style sheet (to compose pages).

    Examples
    --------
    >>> from incentives.report.document import Heading
    >>> blocks_html([Heading(text="Sales & support", level=3)])
    '<h3>Sales &amp; support</h3>'
    """
    return "\n".join(line for b in blocks for line in _block(b))


def render_html(blocks: Iterable[Block], *, page: bool = False, title: str = "incentives report") -> str:
    """HTML of report blocks: a ``<div>`` fragment with its style sheet, or with ``page=True`` a whole document."""
    body = "\n".join(line for b in blocks for line in _block(b))
    if not page:
        return f'<div class="incentives-report">\n<style>\n{STYLE}</style>\n{body}\n</div>\n'
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
        f"<title>{_esc(title)}</title>\n<style>\n{STYLE}</style>\n</head>\n"
        f'<body>\n<div class="incentives-report">\n{body}\n</div>\n</body>\n</html>\n'
    )


def solve_html(result: SolveResult, *, page: bool = False) -> str:
    """HTML report of a solve result: status, notes and the equilibria table.

    Examples
    --------
    >>> import incentives as inc
    >>> bos = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]], title="Battle <of> the sexes")
    >>> "<h2>Battle &lt;of&gt; the sexes</h2>" in solve_html(inc.solve(bos))
    True
    """
    return render_html(solve_blocks(result), page=page, title=result.game.title or "Equilibria")


def analysis_html(analysis: Analysis, *, page: bool = False) -> str:
    """HTML report of a gaming analysis (the content of ``incentives analyze``)."""
    return render_html(analysis_blocks(analysis), page=page, title=analysis.game.title or "Gaming analysis")


def perspectives_html(views: Perspectives | Sequence[Perspectives], *, page: bool = False) -> str:
    """HTML report of one event's perspectives, or of several events."""
    first = views if isinstance(views, Perspectives) else views[0]
    title = f"{first.before.game.title}: events" if first.before.game.title else "Events"
    return render_html(perspectives_blocks(views), page=page, title=title)


def game_html(
    game: Game,
    equilibria: SolveResult | Iterable[Equilibrium] | None = None,
    *,
    max_cells: int = MAX_CELLS,
    page: bool = False,
) -> str:
    """The payoff table(s) of a game: best responses bold and underlined, pure equilibria shaded and marked ✓.

    See :mod:`incentives.report.board` for the layout.

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> out = game_html(pd)
    >>> out.count('<td class="center equilibrium"'), out.count('class="best"')
    (1, 5)
    """
    title = f"Payoff table: {game.title}" if game.title else "Payoff table"
    return render_html(game_blocks(game, equilibria, max_cells=max_cells), page=page, title=title)


def to_html(item: Any, *, page: bool = False) -> str:
    """HTML for a Game, SolveResult, Analysis, Perspectives or a list of Perspectives."""
    if isinstance(item, Game):
        return game_html(item, page=page)
    if isinstance(item, SolveResult):
        return solve_html(item, page=page)
    if isinstance(item, Analysis):
        return analysis_html(item, page=page)
    if isinstance(item, Perspectives) or (
        isinstance(item, Sequence) and item and all(isinstance(v, Perspectives) for v in item)
    ):
        return perspectives_html(item, page=page)
    raise TypeError(f"no HTML report for {type(item).__name__}; expected a Game, SolveResult, Analysis or Perspectives")
