"""Thresholds read as mathematics in HTML (and so in Jupyter): MathML that says what sympy found, typeset by a browser.

The HTML of ``incentives thresholds`` on the bundled company, with two quantities, is parsed
with an XML parser; every ``<math>`` element is read back into sympy relations by a small
reader of presentation MathML written here (it knows nothing of the printer) and compared
with the relations of the threshold report itself.  Then headless Chromium (Debian's
``chromium``, found and skipped as in ``tests/workshop/test_workshop_browser.py``; with
``INCENTIVES_REQUIRE_BROWSER=1`` a missing browser fails) lays the page out, and each
fraction's numerator must stand above its denominator: the browser typeset it, it did not
print the markup's text in a row.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sympy
from click.testing import CliRunner

import incentives as inc
from incentives.cli import main
from incentives.formula import symbol
from tests.browser_support import NO_CHROMIUM, chromium, missing

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ROOT / "examples" / "growing_company.yaml"
QUANTITIES = ("customers_per_deal", "bonus.support.reopened_tickets")
ARGS = ["thresholds", str(COMPANY), "-s", "customers_per_deal=0:", "-s", "bonus.support.reopened_tickets"]
NS = "{http://www.w3.org/1998/Math/MathML}"


@pytest.fixture(scope="module")
def report() -> inc.ThresholdReport:
    org = inc.load_model(COMPANY)
    return inc.thresholds(org, list(QUANTITIES), domain={"customers_per_deal": (0, None)})


@pytest.fixture(scope="module")
def page() -> str:
    result = CliRunner().invoke(main, [*ARGS, "--format", "html"])
    assert result.exit_code == 0, result.output
    return result.output


def maths(html: str) -> list[ET.Element]:
    """Every ``<math>`` element of the page, each parsed by an XML parser (it fails on markup that is not XML)."""
    found = re.findall(r"<math\b.*?</math>", html, flags=re.S)
    return [ET.fromstring(m) for m in found]


# --- a reader of presentation MathML, independent of the printer ---------------------------------------------------

_OPERATORS = {"+": "+", "-": "-", "−": "-", "·": "*", "\u2062": "*", "(": "(", ")": ")", "×": "*"}
_RELATIONS = {"<": "<", ">": ">", "≤": "<=", "≥": ">=", "=": "=="}


def _tokens(element: ET.Element, names: dict[str, str]) -> list[Any]:
    tag = element.tag.removeprefix(NS)
    text = (element.text or "").strip()
    inner = [t for child in element for t in _tokens(child, names)]
    if tag in ("math", "mrow", "mstyle"):
        return inner
    if tag == "mi":
        return [names.setdefault(text, f"q{len(names)}")]
    if tag == "mn":
        return [text]
    if tag == "mo":
        return [("rel", _RELATIONS[text])] if text in _RELATIONS else [_OPERATORS[text]]
    if tag in ("mfrac", "msup"):
        top, bottom = (_tokens(child, names) for child in element)
        return ["(", "(", *top, ")", "/" if tag == "mfrac" else "**", "(", *bottom, ")", ")"]
    if tag == "mtext" and text in ("and", "or"):
        return [(text,)]
    if tag == "mspace":
        return []
    raise AssertionError(f"the reader does not know <{tag}> ({text!r})")


def _split(tokens: list[Any], mark: Any) -> list[list[Any]]:
    parts: list[list[Any]] = [[]]
    for token in tokens:
        if token == mark:
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def read_math(element: ET.Element) -> list[list[sympy.Basic]]:
    """The alternatives ("or") of lists of relations ("and") that a ``<math>`` element writes; a chain
    ``a < b < c`` is the two relations ``a < b`` and ``b < c``."""
    names: dict[str, str] = {}
    tokens = _tokens(element, names)
    symbols = {placeholder: symbol(name) for name, placeholder in names.items()}
    alternatives = []
    for alternative in _split(tokens, ("or",)):
        relations = []
        for part in _split(alternative, ("and",)):
            sides = [[]]  # type: list[list[str]]
            signs = []
            for token in part:
                if isinstance(token, tuple):
                    signs.append(token[1])
                    sides.append([])
                else:
                    sides[-1].append(token)
            exprs = [sympy.sympify(" ".join(side), locals=symbols) for side in sides]
            for (a, b), sign in zip(itertools.pairwise(exprs), signs, strict=True):
                relations.append(sympy.Eq(a, b, evaluate=False) if sign == "==" else sympy.Rel(a, b, sign))
        alternatives.append(relations)
    return alternatives


def _canonical(r: sympy.Basic) -> tuple[str, sympy.Expr]:
    """``(kind, f)`` with the relation saying ``f kind 0`` (``>`` turned into ``<``)."""
    if isinstance(r, (sympy.GreaterThan, sympy.StrictGreaterThan)):
        return ("<=" if isinstance(r, sympy.GreaterThan) else "<"), r.rhs - r.lhs
    if isinstance(r, sympy.Equality):
        return "==", r.lhs - r.rhs
    return r.rel_op, r.lhs - r.rhs


def same_relation(a: sympy.Basic, b: sympy.Basic) -> bool:
    (kind_a, f), (kind_b, g) = _canonical(a), _canonical(b)
    if kind_a != kind_b:
        return False
    if kind_a == "==":
        return sympy.simplify(f - g) == 0 or sympy.simplify(f + g) == 0
    return sympy.simplify(f - g) == 0


def same_region(read: list[list[sympy.Basic]], alternatives: Any) -> bool:
    if len(read) != len(alternatives):
        return False
    return all(
        len(mine) == len(theirs) and all(any(same_relation(m, t) for m in mine) for t in theirs)
        for mine, theirs in zip(read, alternatives, strict=True)
    )


# --- the tests ----------------------------------------------------------------------------------------------------


def test_the_reader_reads_what_it_is_given_and_not_something_else() -> None:
    c = symbol("customers_per_deal")
    element = ET.fromstring(
        '<math xmlns="http://www.w3.org/1998/Math/MathML"><mn>0</mn><mo>&lt;</mo><mi>customers_per_deal</mi>'
        "<mo>&lt;</mo><mfrac><mn>1000</mn><mn>21</mn></mfrac></math>"
    )
    assert same_region(read_math(element), [(c > 0, c < sympy.Rational(1000, 21))])
    assert not same_region(read_math(element), [(c > 0, c < sympy.Rational(1000, 22))])
    assert not same_region(read_math(element), [(c >= 0, c < sympy.Rational(1000, 21))])


def test_the_html_writes_each_threshold_as_mathml_that_says_the_same(report: Any, page: str) -> None:
    elements = maths(page)
    gaming = [r for r in report.gaming.values() if r.to_mathml()]
    expected = [b.equation for b in report.boundaries]
    profiles = [r for r in report.profiles.values() if r.to_mathml()]
    assert len(gaming) == 4 and len(expected) == 3 and len(profiles) == 1
    assert len(elements) == len(expected) + len(profiles) + len(gaming) + 1  # and the company optimum
    for element in elements:
        assert element.tag == f"{NS}math" and element.get("display") == "inline"
    read = [read_math(e) for e in elements]
    for k, equation in enumerate(expected):
        assert same_relation(read[k][0][0], equation) and len(read[k]) == len(read[k][0]) == 1
    regions = [*profiles, *gaming, report.optimum]
    for mine, region in zip(read[len(expected) :], regions, strict=True):
        assert same_region(mine, region.alternatives), (mine, region.alternatives)
    support = read[len(expected) + len(profiles) + 1]
    assert len(support[0]) == 2  # customers_per_deal > 0 and the weight above a fraction of it
    assert elements[len(expected) + len(profiles) + 1].get("alttext") == report.gaming["support"].to_text()


def test_repeated_play_writes_where_the_target_holds_as_mathematics() -> None:
    """``thresholds --repeated``: the critical size 380·√23/23 − 20 is a square root in MathML, with its value."""
    model = str(ROOT / "examples" / "keeping_close.yaml")
    result = CliRunner().invoke(main, ["thresholds", model, "--repeated", "-s", "headcount", "--format", "html"])
    assert result.exit_code == 0, result.output
    elements = maths(result.output)
    sustained = next(e for e in elements if "sqrt(23)" in (e.get("alttext") or ""))
    roots = [r for r in sustained.iter(f"{NS}msqrt")]
    assert [r.findtext(f"{NS}mn") for r in roots] == ["23"]
    bound = sympy.Rational(380, 23) * sympy.sqrt(23) - 20
    assert f"(≈ {float(bound):.6g})" in [" ".join((t.text or "").split()) for t in sustained.iter(f"{NS}mtext")]


def test_plain_text_keeps_the_signs_a_person_types() -> None:
    result = CliRunner().invoke(main, ARGS)
    assert result.exit_code == 0, result.output
    assert "<math" not in result.output and "0 < customers_per_deal < 1000/21" in result.output
    assert "customers_per_deal ≥ 3125/42" in result.output


def test_markdown_writes_the_same_relations_in_latex() -> None:
    result = CliRunner().invoke(main, [*ARGS, "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert r"$0 < \text{customers\_per\_deal} < \frac{1000}{21}$" in result.output
    assert r"$\text{customers\_per\_deal} \geq \frac{3125}{42}$" in result.output


# --- in a browser ---------------------------------------------------------------------------------------------------

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright import sync_api
    except ImportError:
        reason = "Playwright is not installed (it is in the test extra)"
    else:
        executable = chromium()
        reason = NO_CHROMIUM
        if executable is not None:
            with sync_api.sync_playwright() as playwright:
                launched = playwright.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
                yield launched
                launched.close()
            return
    missing(reason)


#: For every fraction: the bottom of its numerator and the top of its denominator (pixels), and its height over
#: the height of the math's identifiers.
FRACTIONS = """() => [...document.querySelectorAll('mfrac')].map(f => {
  const [top, bottom] = [...f.children].map(c => c.getBoundingClientRect());
  const name = f.closest('math').querySelector('mi').getBoundingClientRect();
  return [top.bottom, bottom.top, f.getBoundingClientRect().height / name.height];
})"""


def test_chromium_typesets_the_fractions(browser: Any) -> None:
    result = CliRunner().invoke(main, [*ARGS, "--format", "html"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "thresholds.html"
        path.write_text(result.output, encoding="utf-8")
        tab = browser.new_page(viewport={"width": 1300, "height": 1100})
        tab.goto(path.as_uri())
        fractions = tab.evaluate(FRACTIONS)
        shot = os.environ.get("INCENTIVES_MATH_SCREENSHOT")  # a path: where to keep the screenshot, to look at
        if shot:
            tab.screenshot(path=shot, full_page=True)
    assert len(fractions) == 3  # support's weight over a fraction, 3125/42 and 1000/21
    for numerator_bottom, denominator_top, height in fractions:
        assert numerator_bottom <= denominator_top + 0.5  # stacked, not in a row
        assert height > 1.6  # a fraction is taller than a name beside it


#: For every formula in a table: how far its right edge lies past its cell's (pixels; none should).
OVERFLOWS = """() => [...document.querySelectorAll('td math')].map(m =>
  m.getBoundingClientRect().right - m.closest('td').getBoundingClientRect().right)"""


def test_chromium_keeps_each_formula_inside_its_cell(browser: Any) -> None:
    """A table squeezed to the page's width keeps room for its formulas (the critical sizes of repeated play)."""
    model = str(ROOT / "examples" / "keeping_close.yaml")
    result = CliRunner().invoke(main, ["thresholds", model, "--repeated", "-s", "headcount", "--format", "html"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sustained.html"
        path.write_text(result.output, encoding="utf-8")
        tab = browser.new_page(viewport={"width": 1300, "height": 800})
        tab.goto(path.as_uri())
        overflows = tab.evaluate(OVERFLOWS)
    # 3 departments' conditions, and their formulas: gain (support's says it loses, in words), loss, p, δ*, p*, bonus
    assert len(overflows) == 3 + 2 + 3 + 3 + 2 + 2 + 2
    assert max(overflows) <= 0
