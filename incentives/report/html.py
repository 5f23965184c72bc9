"""Self-contained HTML reports: report blocks with HTML markup, for browsers and Jupyter.

The HTML needs nothing from outside: its style sheet is inline (scoped to the
``incentives-report`` class), pictures are embedded as ``data:`` URIs, mathematics
(a threshold's inequalities) is MathML, which browsers typeset themselves; it runs no
script.  Every piece of text is escaped with :func:`html.escape` (model names are user
input), every element is closed (void elements are written ``<br/>``), so the output is
also well-formed XML.  The same input gives the same bytes.

:func:`render_html` returns a fragment (a ``<div>`` carrying its own style sheet, as
Jupyter displays it); with ``page=True`` it returns a complete document.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable

from .blocks import Block, Bullets, Cell, Figure, Heading, Inline, Paragraph, Span, Table

__all__ = ["MATHML", "STYLE", "blocks_html", "render_html", "wrap_html"]

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
.incentives-report figure { margin: 0.6em 0; text-align: center; }
.incentives-report figure img { max-width: 100%; }
.incentives-report figcaption { font-size: 0.85em; color: #555555; }
.incentives-report span.math { display: inline-block; }
.incentives-report math { font-size: 1.1em; }
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


#: The namespace of MathML, which HTML parsers and XML parsers both read on a ``<math>`` element.
MATHML = "http://www.w3.org/1998/Math/MathML"


def _math(span: Span) -> str:
    """A span's MathML as an inline ``<math>`` element, its plain text as the alternative text, in a box of its own
    (so that a table makes its column wide enough for it)."""
    math = (
        f'<math xmlns="{MATHML}" display="inline" displaystyle="true" alttext="{_esc(span.text)}">{span.mathml}</math>'
    )
    return f'<span class="math">{math}</span>'


def _inline(content: Inline) -> str:
    out = []
    for span in content:
        text = _math(span) if span.mathml else _esc(span.text)
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
    align = table.alignment
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


def _figure(figure: Figure) -> list[str]:
    if figure.png is None:
        return [f'<p class="warn">{_esc(figure.missing)}</p>'] if figure.missing else []
    data = base64.b64encode(figure.png).decode("ascii")
    caption = f"<figcaption>{_esc(figure.caption)}</figcaption>" if figure.caption else ""
    return ["<figure>", f'<img src="data:image/png;base64,{data}" alt="{_esc(figure.alt)}"/>', caption, "</figure>"]


def _block(block: Block) -> list[str]:
    if isinstance(block, Figure):
        return [line for line in _figure(block) if line]
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
    >>> from incentives.report.blocks import Heading
    >>> blocks_html([Heading(text="Sales & support", level=3)])
    '<h3>Sales &amp; support</h3>'
    """
    return "\n".join(line for b in blocks for line in _block(b))


def wrap_html(
    body: str, *, page: bool = False, title: str = "incentives report", style: str = "", kind: str = ""
) -> str:
    """Markup in the report's ``<div>`` with its style sheet (and ``style`` after it); a whole page with ``page=True``.

    ``kind`` is a class added to the ``<div>`` (the handout's is ``"handout"``).

    Examples
    --------
    >>> wrap_html("<p>hi</p>").splitlines()[0]
    '<div class="incentives-report">'
    """
    classes = f"incentives-report {kind}".strip()
    div = f'<div class="{classes}">\n<style>\n{STYLE}{style}</style>\n{body}\n</div>\n'
    if not page:
        return div
    div = f'<div class="{classes}">\n{body}\n</div>\n'
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
        f"<title>{_esc(title)}</title>\n<style>\n{STYLE}{style}</style>\n</head>\n"
        f"<body>\n{div}</body>\n</html>\n"
    )


def render_html(blocks: Iterable[Block], *, page: bool = False, title: str = "incentives report") -> str:
    """HTML of report blocks: a ``<div>`` fragment with its style sheet, or with ``page=True`` a whole document.

    Examples
    --------
    >>> from incentives.report.blocks import Paragraph, inline
    >>> print(render_html([Paragraph(content=inline("a < b"))], page=True, title="T").splitlines()[-4])
    <p>a &lt; b</p>
    """
    return wrap_html(blocks_html(blocks), page=page, title=title)
