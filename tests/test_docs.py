"""Every example in README.md and docs/ runs; docs/reference/ is what docs/build_reference.py makes.

For README.md and each Markdown page under docs/ (but docs/reference/, whose examples are the
package's doctests, run by ``pytest --doctest-modules``), its fenced blocks run in order, in a fresh
workspace that looks like the repository root (every top-level entry is linked into a
temporary directory, so files the examples write land there):

* ```python blocks run in one namespace per page, one block after the other;
* ```yaml blocks whose info string says ``file=NAME`` are written to NAME (the model a
  tutorial writes by hand);
* in ```console and ```bash blocks every command line that starts with ``incentives``
  (after an optional ``$``; a trailing backslash continues a line) runs through click's
  CliRunner and must exit 0.  In ```console blocks the lines shown after a command are its
  output: each must appear in what the command prints (``...`` stands for lines left out).

Every relative link of these pages, of papers/ and of the notebooks' Markdown cells must lead to
a file that exists, and a link to a heading of a Markdown page (``page.md#heading``) to a heading
that page has.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from incentives.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
PAGES = [README, *sorted(p for p in DOCS.rglob("*.md") if "reference" not in p.relative_to(DOCS).parts[:1])]
#: Pages with nothing to run: the index of the docs, and the benchmark results that benchmarks/run.py writes.
NOTHING_TO_RUN = {DOCS / "index.md", DOCS / "benchmarks.md"}
FENCE = re.compile(r"^```([\w-]*)([^\n]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    language: str
    info: str
    body: str
    line: int


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    return [
        Block(m.group(1), m.group(2).strip(), m.group(3), text.count("\n", 0, m.start()) + 1)
        for m in FENCE.finditer(text)
    ]


#: How :func:`commands` passes on an exit status a console block shows (``$ echo $?`` and the number after it).
STATUS = "\0exit status "


def commands(block: Block) -> list[tuple[str, list[str]]]:
    """The ``incentives`` command lines of a console or bash block, each with the output lines shown after it.

    In a console block, ``$ echo $?`` right after a command, and the number on the next line, is the
    exit status the command must have (passed on as a line ``STATUS + number``; 0 when not shown).
    """
    out: list[tuple[str, list[str]]] = []
    lines = block.body.split("\n")
    k = 0
    while k < len(lines):
        line = lines[k]
        prompt = line.startswith("$ ")
        text = line[2:] if prompt else line
        if block.language == "console" and text.strip() == "echo $?" and out and out[-1][0] and k + 1 < len(lines):
            out[-1][1].append(STATUS + lines[k + 1].strip())
            k += 2
            continue
        if block.language == "console" and not prompt:
            if out:
                out[-1][1].append(line)
            k += 1
            continue
        while text.endswith("\\") and k + 1 < len(lines):
            k += 1
            text = text[:-1].rstrip() + " " + lines[k].strip()
        if text.startswith("incentives ") or text == "incentives":
            out.append((text, []))
        elif block.language == "console":
            out.append(("", []))  # another program: its output is not checked
        k += 1
    return [(command, shown) for command, shown in out if command]


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for entry in ROOT.iterdir():
        if entry.name not in {".git", ".venv"} and not entry.name.startswith(".pytest"):
            (tmp_path / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return tmp_path


def run_command(command: str, shown: list[str], where: str) -> None:
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    status = next((int(line.removeprefix(STATUS)) for line in shown if line.startswith(STATUS)), 0)
    assert result.exit_code == status, f"{where}: `{command}` exited {result.exit_code}:\n{result.output}"
    printed = {line.strip() for line in result.output.split("\n")}
    for line in (line for line in shown if not line.startswith(STATUS)):
        if line.strip() and line.strip() != "...":
            assert line.strip() in printed, f"{where}: `{command}` did not print {line.strip()!r}:\n{result.output}"


def test_there_are_pages() -> None:
    names = {str(p.relative_to(ROOT)) for p in PAGES}
    assert {"README.md", "docs/index.md", "docs/facilitator-guide.md", "docs/tutorials/first-model.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_page_examples_run(page: Path, workspace: Path) -> None:
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    ran = 0
    for block in blocks(page):
        where = f"{page.relative_to(ROOT)}:{block.line}"
        if block.language == "python":
            stdout = io.StringIO()
            with contextlib.redirect_stdout(stdout):
                exec(compile(block.body, where, "exec"), namespace)
            ran += 1
        elif block.language == "yaml" and block.info.startswith("file="):
            (workspace / block.info.removeprefix("file=")).write_text(block.body, encoding="utf-8")
        elif block.language in ("console", "bash"):
            for command, shown in commands(block):
                run_command(command, shown, where)
                ran += 1
    if page not in NOTHING_TO_RUN:
        assert ran, f"{page}: no example ran"


def test_a_console_block_may_show_the_exit_status() -> None:
    block = Block("console", "", "$ incentives design x.yaml\nNo plan\n$ echo $?\n3\n$ incentives analyze x.yaml\n", 1)
    assert commands(block) == [
        ("incentives design x.yaml", ["No plan", STATUS + "3"]),
        ("incentives analyze x.yaml", [""]),
    ]
    run_command("incentives design examples/growing_company.yaml --allow support:*", [STATUS + "3"], "here")
    with pytest.raises(AssertionError, match="exited 3"):
        run_command("incentives design examples/growing_company.yaml --allow support:*", [], "here")


def test_the_console_parser_reads_prompts_output_and_continuations() -> None:
    block = Block("console", "", "$ incentives analyze \\\n    a.yaml\nline one\n...\n$ cp a b\nnot checked\n", 1)
    assert commands(block) == [("incentives analyze a.yaml", ["line one", "..."])]
    bash = Block("bash", "", "pip install x\nincentives graph m.yaml --output g.png\n", 1)
    assert commands(bash) == [("incentives graph m.yaml --output g.png", [])]


def test_the_reference_is_up_to_date(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_reference", DOCS / "build_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_reference"] = module
    try:
        spec.loader.exec_module(module)
        written = module.build(tmp_path)
    finally:
        del sys.modules["build_reference"]
    fresh = {p.name: p.read_text(encoding="utf-8") for p in written}
    committed = {p.name: p.read_text(encoding="utf-8") for p in (DOCS / "reference").glob("*.md")}
    stale = sorted(name for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name))
    assert not stale, f"docs/reference is out of date ({', '.join(stale[:8])}...): run python docs/build_reference.py"


def test_the_reference_links_resolve() -> None:
    pages = {p.name: p.read_text(encoding="utf-8") for p in (DOCS / "reference").glob("*.md")}
    link = re.compile(r"\]\(([\w.\-]+\.md)?(?:#([\w\-]+))?\)")
    for name, text in pages.items():
        for target, anchor in link.findall(text):
            page = target or name
            assert page in pages, f"{name}: link to missing page {page}"
            if anchor:
                assert anchor in _anchors(pages[page]), f"{name}: link to missing anchor {page}#{anchor}"


def _anchors(text: str) -> set[str]:
    outside = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    titles = re.findall(r"^#{1,6} (.+)$", outside, flags=re.MULTILINE)
    return {re.sub(r"[^a-z0-9_\- ]", "", t.lower()).replace(" ", "-") for t in titles}


#: A Markdown link to something that is not a web address: its path (empty for the page itself) and heading.
LOCAL_LINK = re.compile(r"\]\((?!https?:|mailto:)([^)#\s]*)(?:#([^)\s]*))?\)")


def markdown_sources() -> list[tuple[Path, str]]:
    """README, the docs pages (but the generated reference), papers/ and the notebooks' Markdown cells."""
    sources = [(page, page.read_text(encoding="utf-8")) for page in PAGES + sorted((ROOT / "papers").glob("*.md"))]
    for notebook in sorted((ROOT / "notebooks").glob("**/*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
        sources.append((notebook, text))
    return sources


def broken_links(page: Path, text: str) -> list[str]:
    broken = []
    for target, anchor in LOCAL_LINK.findall(text):
        path = (page.parent / target).resolve()
        if target and not path.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and (not target or path.suffix == ".md"):
            headings = _anchors(path.read_text(encoding="utf-8") if target else text)
            if anchor not in headings:
                broken.append(f"{target}#{anchor} (no such heading)")
    return broken


def test_links_resolve() -> None:
    sources = markdown_sources()
    broken = [f"{page.relative_to(ROOT)}: {link}" for page, text in sources for link in broken_links(page, text)]
    assert broken == []


def test_the_link_check_finds_missing_pages_and_headings(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other page\n\n## A heading, with punctuation\n", encoding="utf-8")
    page = tmp_path / "page.md"
    good = "[a](other.md) [b](other.md#a-heading-with-punctuation) [c](#here) [d](https://example.org/x.md#y)"
    assert broken_links(page, good + "\n# Here\n") == []
    bad = "[a](missing.md) [b](other.md#no-such-heading) [c](#nowhere)"
    assert broken_links(page, bad) == [
        "missing.md (no such file)",
        "other.md#no-such-heading (no such heading)",
        "#nowhere (no such heading)",
    ]


def test_a_console_example_whose_output_is_wrong_fails() -> None:
    run_command("incentives solve tests/data/prisoners_dilemma.nfg", ["│ 1 │ Alice  │ defect │      1 │"], "here")
    with pytest.raises(AssertionError, match="did not print"):
        run_command("incentives solve tests/data/prisoners_dilemma.nfg", ["│ 1 │ Alice  │ cooperate │"], "here")
    with pytest.raises(AssertionError, match="exited 2"):
        run_command("incentives solve no/such/file.nfg", [], "here")
