"""Helpers for the report tests: an HTML well-formedness checker and table readers for HTML and Markdown."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "link", "img"}


class TagChecker(HTMLParser):
    """Records every problem: a tag closed that is not the innermost open one, a tag left open, a forbidden tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: list[str] = []
        self.style = ""

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "style":
            self.style += data

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"forbidden tag <{tag}>")
        for name, value in attrs:
            if name in ("src", "href") or name.startswith("on"):
                self.problems.append(f"attribute {name}={value!r} on <{tag}>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in VOID:
            self.problems.append(f"self-closed non-void <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.problems.append(f"end tag of void element </{tag}>")
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()


def check_well_formed(text: str) -> list[str]:
    """Problems with ``text`` as HTML (empty when well-formed and self-contained)."""
    checker = TagChecker()
    checker.feed(text)
    checker.close()
    problems = checker.problems + [f"<{tag}> never closed" for tag in checker.stack]
    if re.search(r"url\(|@import", checker.style):
        problems.append("external resource in the style sheet")
    return problems


def parse(text: str) -> ET.Element:
    """The HTML as an XML tree (the reports are also well-formed XML); a page loses its doctype."""
    return ET.fromstring(text.removeprefix("<!DOCTYPE html>\n"))


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())


def html_tables(root: ET.Element) -> dict[str, list[list[ET.Element]]]:
    """Tables by caption (or "" and an index): their body rows as lists of cell elements."""
    out: dict[str, list[list[ET.Element]]] = {}
    for k, table in enumerate(root.iter("table")):
        caption = table.find("caption")
        name = text_of(caption) if caption is not None else f"#{k}"
        out[name] = [list(tr) for body in table.findall("tbody") for tr in body.findall("tr")]
    return out


def best_marks(cell: ET.Element) -> list[tuple[str, bool]]:
    """The payoffs on a board cell's first line, each with whether it is marked as a best response."""
    pieces: list[tuple[str, bool]] = [(cell.text or "", False)]
    for child in cell:
        if child.tag == "br":
            break
        pieces.append((text_of(child), child.tag == "strong" and child.get("class") == "best"))
        pieces.append((child.tail or "", False))
    chars = [(c, best) for text, best in pieces for c in text if c != "✓"]
    line = "".join(c for c, _ in chars)
    out, start = [], 0
    for part in line.split(", "):
        marks = {best for c, best in chars[start : start + len(part)] if not c.isspace()}
        out.append((part.strip(), marks == {True}))
        start += len(part) + 2
    return out


def markdown_cells(row: str) -> list[str]:
    """Cells of a Markdown table row, split on unescaped pipes."""
    assert row.startswith("| ") and row.endswith(" |"), row
    return [c.strip() for c in re.split(r"(?<!\\)\|", row[2:-2])]


def unescape_markdown(text: str) -> str:
    return re.sub(r"\\([\\`*_\[\]<>|&~#])", r"\1", text)


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Every Markdown table: its rows (the header first, the alignment row dropped) as lists of cells."""
    tables, current = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("| "):
            current.append(markdown_cells(line))
        elif current:
            tables.append([current[0], *current[2:]])
            current = []
    return tables
