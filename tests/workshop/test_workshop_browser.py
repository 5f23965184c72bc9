"""A whole workshop run in a real browser: headless Chromium driven by Playwright against ``incentives workshop``.

The server is the command itself (``incentives workshop examples/hospital.yaml --port 0``), run
as a separate process; what the page shows is compared with what the toolkit's Python API answers
on the same model and settings.  The run also takes the screenshots of the facilitator guide
(``docs/images/workshop-*.png``): they are compared loosely with the committed ones (same width,
height within half: the reports' wording may change), and written over them when
``INCENTIVES_UPDATE_SCREENSHOTS=1``.

Skipped, with the reason, where Playwright or a Chromium is missing (``.ci/run`` installs Debian's
``chromium``; Playwright's own browser download is not used).  With ``INCENTIVES_REQUIRE_BROWSER=1``
(``.ci/run`` sets it once a Chromium is installed) a missing browser fails the tests instead.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import incentives as inc
from incentives.design.terms import Term
from incentives.quantities import with_values
from tests.browser_support import NO_CHROMIUM, chromium, missing

try:
    import starlette  # noqa: F401
    from playwright import sync_api
except ImportError as err:
    missing(f"{err.name} is not installed (the workshop extra and Playwright are in the test extra)")

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "images"
HOSPITAL = "examples/hospital.yaml"
SHARE = "bonus.emergency.company_value"
#: The flags Chromium needs here: headless, as root, and quiet on a machine without a network.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 900}
TIMEOUT = 60_000  # ms: a loaded CI machine is slow, nothing here waits that long when it works


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """``incentives workshop`` on the hospital, on a free port: its address."""
    code = "from incentives.cli import main; main()"
    args = [sys.executable, "-c", code, "workshop", HOSPITAL, "--no-browser", "--port", "0"]
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()  # type: ignore[union-attr]
    try:
        address = None
        while address is None:
            line = lines.get(timeout=60)
            found = re.search(r"is at http://localhost:(\d+)/", line)
            if found:
                address = f"http://127.0.0.1:{found.group(1)}"
        yield address
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium()
    if executable is None:
        missing(NO_CHROMIUM)
    with sync_api.sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=FLAGS, viewport=VIEWPORT, accept_downloads=True
        )
        context.set_default_timeout(TIMEOUT)
        yield context
        context.close()


def open_tab(browser: Any, server: str) -> Any:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.errors = errors
    page.goto(f"{server}/")
    page.wait_for_selector("#gaming")
    return page


def gaming(page: Any) -> tuple[str, ...]:
    return tuple(page.get_attribute("#gaming", "data-departments").split())


def settle(page: Any, share: str) -> None:
    """Wait until the results shown are those of the share of company value ``share``."""
    if float(share) == 0:
        page.wait_for_function("() => !document.querySelector('#changes')")
    else:
        page.wait_for_function(
            "s => (document.querySelector('#changes') || {}).textContent?.includes('0 -> ' + s + '.')", arg=share
        )
    page.wait_for_selector("#results-panel:not(.htmx-request)")


def png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def screenshot(target: Any, name: str, tmp_path: Path) -> None:
    """Take a screenshot for the guide (of an element, or of a page's window scrolled to the top).

    It is compared loosely with the committed one, or replaces it.
    """
    fresh = tmp_path / name
    if hasattr(target, "goto"):
        target.evaluate("() => window.scrollTo(0, 0)")
    target.screenshot(path=str(fresh), animations="disabled")
    committed = SCREENSHOTS / name
    if os.environ.get("INCENTIVES_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(fresh, committed)
    assert committed.exists(), f"{committed} is missing: run with INCENTIVES_UPDATE_SCREENSHOTS=1"
    (width, height), (old_width, old_height) = png_size(fresh), png_size(committed)
    assert width == old_width and abs(height - old_height) <= old_height / 2, (name, (width, height))


def table_rows(page: Any, selector: str) -> list[list[str]]:
    return page.eval_on_selector(
        selector, "t => [...t.querySelectorAll('tbody tr')].map(r => [...r.cells].map(c => c.innerText.trim()))"
    )


def test_a_whole_workshop_run_shows_what_the_api_answers(browser: Any, server: str, tmp_path: Path) -> None:
    org = inc.load_model(HOSPITAL)
    page = open_tab(browser, server)

    # 1. The hospital as it is: who games, and what each department does, as the API says.
    start = inc.analyze(org, exact=False)
    assert gaming(page) == start.gaming_departments == ("emergency", "surgery")
    does = table_rows(page, "#tables table")
    plays = {row[0]: row[2] for row in does if row[0] in org.department_names}
    worst = start.worst.equilibrium.profile
    expected = {d: start.game.actions[i][int(worst[i].argmax())] for i, d in enumerate(org.department_names)}
    assert plays == expected
    assert page.locator("#kpi-formulas tbody tr").count() == len(org.kpis) + 1
    page.wait_for_selector("figure.graph:not(.loading) img.graph-picture")
    screenshot(page.locator("#workspace"), "workshop-start.png", tmp_path)

    # 2. Give the ED a share of company value, step by step on the slider, until the gaming disappears.
    slider = page.locator("#c-bonus-emergency-company_value-slider")
    number = page.locator("#c-bonus-emergency-company_value-number")
    steps = []
    for _ in range(20):
        slider.focus()
        for _ in range(5):  # five steps of 0.002
            page.keyboard.press("ArrowRight")
        share = number.input_value()
        settle(page, share)
        steps.append((float(share), gaming(page)))
        if not steps[-1][1]:
            break
    (before, gaming_before), (after, gaming_after) = steps[-2], steps[-1]
    assert gaming_after == () and gaming_before
    assert inc.analyze(with_values(org, {SHARE: after}), exact=False).gaming_departments == ()
    assert inc.analyze(with_values(org, {SHARE: before}), exact=False).gaming_departments == gaming_before
    page.wait_for_selector("figure.graph:not(.loading) img.graph-picture")
    screenshot(page.locator("#workspace"), "workshop-no-gaming.png", tmp_path)

    # 3. The winter surge, seen from each department: the verdicts the API gives at these settings.
    page.click("#event-1")
    page.wait_for_selector("#event-result .report table")
    shown = {row[0]: row[-1] for row in table_rows(page, "#event-result .report table")}
    views = inc.perspectives(with_values(org, {SHARE: after}), "winter", exact=False)
    assert shown == {v.party: v.verdict for v in views.views}
    screenshot(page.locator("#events-section"), "workshop-event.png", tmp_path)

    # 4. Design a plan on the ticked terms (today's KPIs and shares of company value), put it on the sliders.
    ticked = page.eval_on_selector_all("#design-form input[name=allow]:checked", "xs => xs.map(x => x.value)")
    assert sorted(ticked) == sorted(
        [*(f"{d}:company_value" for d in org.department_names), *(str(t) for t in _plan_terms(org))]
    )
    page.click("#run-design")
    page.wait_for_selector("#design-result .report")
    here = with_values(org, {SHARE: after})
    plan = inc.design(here, allow=ticked, nonnegative=True)
    report = page.inner_text("#design-result .report")
    assert plan.found and f"Target: [{plan.target_label}]" in report and "Verified" in report
    screenshot(page.locator("#design-section"), "workshop-design.png", tmp_path)
    page.click("#adopt")
    page.wait_for_function("() => document.querySelector('#changes')?.textContent.includes('dropped')")
    page.wait_for_selector("#results-panel:not(.htmx-request)")
    adopted = inc.analyze(plan.redesigned, exact=False)
    assert gaming(page) == adopted.gaming_departments
    assert f"At equilibrium [{adopted.worst.label}]" in page.inner_text("#equilibrium")

    # 5. Download the model: it is the redesigned organisation, and reads back through the loader.
    with page.expect_download() as download:
        page.click("#download-model")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename == "hospital-workshop.yaml"
    downloaded = inc.loads_model(text)
    assert inc.analyze(downloaded, exact=False).gaming_departments == adopted.gaming_departments
    for dept, weights in plan.weights.items():
        for key, weight in weights.items():
            assert float(downloaded.bonus[dept][key]) == pytest.approx(weight, rel=1e-6)
    with page.expect_download() as handout:
        page.click("#download-handout")
    assert "Who games, who pays" in Path(handout.value.path()).read_text(encoding="utf-8")

    # 6. A mistake in the editor is marked at the line the loader names.
    area = page.locator("#model-text")
    broken = area.input_value().replace("surgery.procedures - cancelled_operations", "surgery.prcedures")
    with pytest.raises(inc.ModelError) as raised:
        inc.loads_model(broken)
    line = raised.value.problems[0].line
    area.fill(broken)
    page.wait_for_selector(f"#problems li[data-line='{line}']")
    page.wait_for_selector(f".editor .backdrop .line.error[data-line='{line}']")
    page.click(f"#problems a.goto[data-line='{line}']")
    area.evaluate("a => a.setSelectionRange(a.selectionEnd, a.selectionEnd)")
    screenshot(page.locator("#editor-form"), "workshop-editor.png", tmp_path)
    assert page.errors == []


def _plan_terms(org: inc.Organization) -> list[Term]:
    return [Term(d, k) for d in org.department_names for k in org.bonus.get(d, {})]


def test_two_tabs_keep_their_own_plans(browser: Any, server: str) -> None:
    first, second = open_tab(browser, server), open_tab(browser, server)
    assert first.url != second.url
    first.fill("#c-bonus-emergency-company_value-number", "0.1")
    settle(first, "0.1")
    assert gaming(first) == () and gaming(second) == ("emergency", "surgery")
    second.uncheck("#c-bonus-wards-bed_occupancy input.paid")
    second.wait_for_function("() => document.querySelector('#changes')?.textContent.includes('dropped wards')")
    first.reload()
    first.wait_for_selector("#gaming")
    assert first.input_value("#c-bonus-emergency-company_value-number") == "0.1"
    assert first.is_checked("#c-bonus-wards-bed_occupancy input.paid")
    assert gaming(first) == ()
    assert first.errors == [] and second.errors == []


@pytest.fixture(scope="module")
def patient_server() -> Iterator[str]:
    """The workshop in this process, answering every change with progress first (``first_wait=0``), as it
    does for a model that takes longer than a quarter of a second."""
    import uvicorn

    from incentives.workshop.app import create_app
    from incentives.workshop.engine import ModelText
    from incentives.workshop.server import listen

    model = ModelText.parse((ROOT / HOSPITAL).read_text(encoding="utf-8"), "hospital.yaml")
    sock = listen("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(create_app(model, first_wait=0.0), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def test_a_slow_change_shows_progress_and_a_newer_one_replaces_it(browser: Any, patient_server: str) -> None:
    page = open_tab(browser, patient_server)
    page.fill("#c-beds-number", "80")
    page.wait_for_selector("#results-progress .working")  # progress, while the old results stay on the page
    assert page.locator("#gaming").count() == 1
    page.fill("#c-beds-number", "100")  # the page is not frozen: a newer change replaces the one under way
    page.wait_for_function("() => document.querySelector('#changes')?.textContent.includes('beds: 90 -> 100')")
    page.wait_for_selector("#results-progress:empty", state="attached")
    expected = inc.analyze(with_values(inc.load_model(HOSPITAL), {"beds": 100}), exact=False)
    assert gaming(page) == expected.gaming_departments
    assert page.errors == []


#: Elements whose content must fit their width (a table wider than its column would scroll, cut off on a projector).
FITTING = "body, .tables, .table-scroll, #event-result, #design-result, .model-view > div, .controls fieldset"


def test_nothing_is_cut_off_on_a_projector(browser: Any, server: str) -> None:
    """At a projector's 1280 x 720 and at 1920 x 1080, nothing on the page is wider than its place."""
    page = open_tab(browser, server)
    page.click("#event-1")
    page.wait_for_selector("#event-result .report table")
    page.click("#run-design")
    page.wait_for_selector("#design-result .report")
    for width, height in ((1280, 720), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        wider = "xs => xs.filter(x => x.scrollWidth > x.clientWidth + 1).map(x => x.id || x.className || x.tagName)"
        overflowing = page.eval_on_selector_all(FITTING, wider)
        assert overflowing == [], (width, overflowing)
    assert page.errors == []
