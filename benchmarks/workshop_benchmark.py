"""How fast the workshop page answers a change: re-analysis and redraw on every bundled model.

Run from the repository root (needs the workshop extra; the browser part needs Playwright and a
Chromium, and is left out without them):

    python benchmarks/workshop_benchmark.py                 # every bundled model; prints a Markdown table
    python benchmarks/workshop_benchmark.py --quick         # the hospital only, a few changes
    python benchmarks/workshop_benchmark.py --output benchmarks/WORKSHOP.md

What is measured, for each model in ``examples/`` (the finite ones):

* **server**: the workshop runs in this process under uvicorn on a free localhost port, and a
  client sends the page's own requests (``POST /w/TOKEN/update``, form-encoded, as htmx sends
  them).  Each change is new (never served from the cache): every bonus weight and share of
  company value moved to two new values, every parameter moved to two new values, every term
  of the plans dropped.  The time is from sending the request to having the whole answer (the
  analysis tables as HTML): evaluation, solving, gaming analysis and rendering.  The first
  request on a model (formulas compiled, modules imported) is reported apart.
* **picture**: the dependency graph's picture for a change (``GET graph.png``): the page loads
  it after the tables, so it is not part of the redraw, but the room sees it arrive.
* **browser**: headless Chromium on the same server: a slider moved by the keyboard, from the
  moment htmx sends the change to the moment the new tables are in the page (the script's
  ``htmx:beforeRequest`` to ``htmx:afterSettle``; the 100 ms pause the page waits for a slider
  to stop is not included).

The target is 300 ms for a change on the bundled models.  Times are medians and 90th percentiles
over the changes; timings are not tested (the test suite runs ``--quick`` only).
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import incentives as inc
from incentives.workshop.app import create_app
from incentives.workshop.controls import controls_of, plan_terms
from incentives.workshop.engine import ModelText
from incentives.workshop.server import listen

MODELS = ("hospital", "growing_company", "university", "call_centre", "keeping_close", "blank_model")
TARGET_MS = 300.0
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


@dataclass(frozen=True)
class Row:
    model: str
    profiles: int
    changes: int
    first_ms: float
    median_ms: float
    p90_ms: float
    max_ms: float
    over: int
    picture_ms: float
    browser_ms: float | None


@contextmanager
def serving(model: ModelText) -> Iterator[str]:
    """The workshop on ``model``, in this process, on a free localhost port."""
    import uvicorn

    sock = listen("127.0.0.1", 0)
    app = create_app(model, first_wait=120.0)  # wait for the answer: the time measured is the whole answer's
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def changes(org: inc.Organization, quick: bool) -> list[tuple[dict[str, float], list[str]]]:
    """New settings, one change at a time: every control to two new values, every term dropped."""
    paid = [str(t) for t in plan_terms(org)]
    out: list[tuple[dict[str, float], list[str]]] = []
    for control in controls_of(org):
        if control.formula:
            continue
        for fraction in (0.3, 0.8):
            value = control.low + fraction * (control.high - control.low)
            if value != control.value:
                out.append(({control.name: round(value, 6)}, paid))
    out += [({}, [t for t in paid if t != term]) for term in paid]
    return out[:4] if quick else out


def form(values: dict[str, float], paid: list[str]) -> str:
    return urlencode([*((f"q:{k}", str(v)) for k, v in values.items()), *(("paid", t) for t in paid)])


class Client:
    """A keep-alive HTTP client on localhost (the standard library's), as a browser tab holds one connection."""

    def __init__(self, address: str) -> None:
        host, port = address.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=120)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, dict[str, str], bytes]:
        headers = {"content-type": "application/x-www-form-urlencoded"} if body is not None else {}
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()

    def timed(self, method: str, path: str, body: str | None = None) -> tuple[float, int, str]:
        start = time.perf_counter()
        status, _, content = self.request(method, path, body)
        return 1000 * (time.perf_counter() - start), status, content.decode("utf-8", errors="replace")


def server_times(client: Client, base: str, org: inc.Organization, quick: bool) -> tuple[float, list[float], float]:
    paid = [str(t) for t in plan_terms(org)]
    first_ms, status, text = client.timed("POST", f"{base}/update", form({}, paid))
    assert status == 200 and 'id="gaming"' in text, text[:300]
    times = []
    picture_ms = []
    for values, kept in changes(org, quick):
        elapsed, status, text = client.timed("POST", f"{base}/update", form(values, kept))
        times.append(elapsed)
        assert status == 200, text[:300]
        found = re.search(r'src="([^"]+graph\.png[^"]*)"', text)
        if len(picture_ms) < 3 and found:
            elapsed, status, _ = client.timed("GET", found.group(1).replace("&amp;", "&"))
            if status == 200:
                picture_ms.append(elapsed)
    return first_ms, times, statistics.median(picture_ms) if picture_ms else float("nan")


def chromium() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)


def browser_time(address: str, org: inc.Organization, quick: bool) -> float | None:
    """Median ms from htmx sending a slider move to the new tables settled in the page (None without a browser)."""
    executable = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if executable is None:
        return None
    slider = next(c for c in controls_of(org) if not c.formula)
    dom_id = "c-" + slider.name.replace(".", "-") + "-slider"
    shown = []
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=FLAGS, viewport={"width": 1440, "height": 900}
        )
        page = context.new_page()
        page.goto(f"{address}/")
        page.wait_for_selector("#gaming")
        for step in range(3 if quick else 10):
            before = page.evaluate("() => document.body.dataset.updates || '0'")
            page.focus(f"#{dom_id}")
            page.keyboard.press("ArrowRight" if step % 2 == 0 else "ArrowLeft")
            page.keyboard.press("ArrowRight")  # every step a new position
            page.wait_for_function("n => (document.body.dataset.updates || '0') !== n", arg=before, timeout=60_000)
            shown.append(float(page.evaluate("() => document.body.dataset.shownMilliseconds")))
        context.close()
    return statistics.median(shown)


def measure(name: str, quick: bool, browser: bool) -> Row:
    path = Path("examples") / f"{name}.yaml"
    model = ModelText.parse(path.read_text(encoding="utf-8"), path.name)
    org = model.organization
    assert org is not None, model.problems
    with serving(model) as address:
        client = Client(address)
        _, headers, _ = client.request("GET", "/")
        base = headers["location"].rstrip("/")
        first_ms, times, picture_ms = server_times(client, base, org, quick)
        shown = browser_time(address, org, quick) if browser else None
    times.sort()
    profiles = 1
    for dept in org.departments:
        profiles *= len(dept.actions)
    return Row(
        model=name,
        profiles=profiles,
        changes=len(times),
        first_ms=first_ms,
        median_ms=statistics.median(times),
        p90_ms=times[min(len(times) - 1, int(0.9 * len(times)))],
        max_ms=times[-1],
        over=sum(t > TARGET_MS for t in times),
        picture_ms=picture_ms,
        browser_ms=shown,
    )


def table(rows: list[Row]) -> str:
    def ms(value: float | None) -> str:
        return "-" if value is None or value != value else f"{value:.0f}"

    head = (
        "| model | profiles | changes | first (ms) | median (ms) | p90 (ms) | max (ms) | over 300 ms "
        "| picture (ms) | browser median (ms) |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    )
    body = "".join(
        f"| {r.model} | {r.profiles} | {r.changes} | {ms(r.first_ms)} | {ms(r.median_ms)} | {ms(r.p90_ms)} "
        f"| {ms(r.max_ms)} | {r.over} | {ms(r.picture_ms)} | {ms(r.browser_ms)} |\n"
        for r in rows
    )
    return head + body


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} cores, load average {load:.1f} when run."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the hospital only, a few changes")
    parser.add_argument("--no-browser", action="store_true", help="leave out the browser measurement")
    parser.add_argument("--output", type=Path, help="write the Markdown table to this file")
    args = parser.parse_args(argv)
    import warnings

    warnings.simplefilter("ignore")  # degenerate games and incomplete searches are said in the reports
    rows = [measure(name, args.quick, not args.no_browser) for name in (MODELS[:1] if args.quick else MODELS)]
    text = (
        "# Workshop page: time to re-analyse and redraw a change\n\n"
        "Made by `python benchmarks/workshop_benchmark.py`; see its docstring for what is measured. "
        f"Target: {TARGET_MS:.0f} ms a change.\n\n" + table(rows) + "\n" + machine() + "\n"
    )
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
