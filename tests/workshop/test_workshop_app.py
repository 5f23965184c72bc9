"""The workshop's web application over HTTP (Starlette's test client): sessions, limits, downloads, progress.

What the page shows is compared with the toolkit's public API on the same model.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

import incentives as inc
from incentives.quantities import with_values
from incentives.readwrite.model_file import MAX_MODEL_BYTES

pytest.importorskip("starlette")
pytest.importorskip("httpx2")  # what Starlette's test client drives

from starlette.testclient import TestClient

from incentives.workshop.app import MAX_REQUEST_BYTES, SECURITY_HEADERS, create_app
from incentives.workshop.engine import ModelText
from incentives.workshop.server import is_local, listen, sharing_warning

HOSPITAL = "examples/hospital.yaml"
SHARE = "bonus.emergency.company_value"
PAID = ["emergency:four_hour_wait", "wards:bed_occupancy", "surgery:procedures_done"]


def hospital() -> ModelText:
    with open(HOSPITAL, encoding="utf-8") as file:
        return ModelText.parse(file.read(), "hospital.yaml")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(hospital(), first_wait=60.0, pictures=False)
    with TestClient(app) as test_client:
        yield test_client


def open_tab(client: TestClient) -> str:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    return str(response.headers["location"]).rstrip("/")


def update(client: TestClient, base: str, values: dict[str, object], paid: list[str] = PAID) -> str:
    fields = [(f"q:{k}", str(v)) for k, v in values.items()] + [("paid", term) for term in paid]
    response = client.post(f"{base}/update", content=urlencode(fields), headers=FORM)
    assert response.status_code == 200, response.text
    return response.text


FORM = {"content-type": "application/x-www-form-urlencoded"}


def gaming(fragment: str) -> tuple[str, ...]:
    found = re.search(r'id="gaming"[^>]*data-departments="([^"]*)"', fragment)
    assert found is not None, fragment[:500]
    return tuple(found.group(1).split())


def test_the_live_results_are_the_apis_on_the_same_settings(client: TestClient) -> None:
    base = open_tab(client)
    org = inc.load_model(HOSPITAL)
    for share in (0, 0.05, 0.06, 0.1):
        fragment = update(client, base, {SHARE: share})
        expected = inc.analyze(with_values(org, {SHARE: share}), exact=False)
        assert gaming(fragment) == expected.gaming_departments
        assert f"At equilibrium [{expected.worst.label}]" in fragment
    dropped = update(client, base, {}, paid=["wards:bed_occupancy", "surgery:procedures_done"])
    without = inc.analyze(inc.loads_model(open(HOSPITAL).read().replace("emergency: {four_hour_wait: -10}", "")))
    assert gaming(dropped) == without.gaming_departments


def test_two_tabs_do_not_share_state(client: TestClient) -> None:
    first, second = open_tab(client), open_tab(client)
    assert first != second
    update(client, first, {SHARE: 0.1, "beds": 80})
    assert client.get(f"{second}/download/model").text == open(HOSPITAL, encoding="utf-8").read()
    changed = inc.loads_model(client.get(f"{first}/download/model").text)
    assert changed == with_values(inc.load_model(HOSPITAL), {SHARE: 0.1, "beds": 80})
    assert 'value="80"' in client.get(f"{first}/").text and 'value="80"' not in client.get(f"{second}/").text


def test_downloads_are_attachments_made_in_memory(client: TestClient, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    base = open_tab(client)
    update(client, base, {SHARE: 0.1})
    model = client.get(f"{base}/download/model")
    assert model.headers["content-disposition"] == 'attachment; filename="hospital-workshop.yaml"'
    head = "# Changed in a workshop from hospital.yaml:\n#   bonus.emergency.company_value: 0 -> 0.1\n"
    assert model.text.startswith(head)
    handout = client.get(f"{base}/download/handout")
    assert handout.headers["content-disposition"] == 'attachment; filename="hospital-handout.html"'
    assert handout.text.startswith("<!DOCTYPE html>") and "Who games, who pays" in handout.text
    assert "Event winter" in handout.text
    assert list(tmp_path.iterdir()) == []  # nothing was written


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    response = client.get(open_tab(client) + "/")
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "<script" not in re.sub(r'<script src="/static/[a-z.]+" defer></script>', "", response.text)


def test_numbers_that_are_not_numbers_are_refused_and_an_empty_field_changes_nothing(client: TestClient) -> None:
    base = open_tab(client)
    assert "beds: expected a number; got &#39;lots&#39;" in update(client, base, {"beds": "lots"})
    assert "bonus.nobody.kpi" in update(client, base, {"bonus.nobody.kpi": 1})
    fields = urlencode([("q:beds", "")])
    assert client.post(f"{base}/update", content=fields, headers=FORM).status_code == 204
    assert "cannot be analysed" in update(client, base, {"beds": 0})  # bed occupancy divides by zero


def test_the_editor_marks_the_loaders_problems_at_their_lines_and_a_valid_text_replaces_the_model(
    client: TestClient,
) -> None:
    base = open_tab(client)
    text = open(HOSPITAL, encoding="utf-8").read()
    broken = text.replace("surgery.procedures - cancelled_operations", "surgery.prcedures")
    with pytest.raises(inc.ModelError) as raised:
        inc.loads_model(broken)
    checked = client.post(f"{base}/check", content=urlencode({"text": broken}), headers=FORM).text
    lines = [int(n) for n in re.findall(r'<li data-line="(\d+)"', checked)]
    assert lines == [p.line for p in raised.value.problems] and lines
    assert "did you mean" in checked
    renamed = text.replace("name: District hospital", "name: Cottage hospital")
    applied = client.post(f"{base}/model", content=urlencode({"text": renamed}), headers=FORM)
    assert applied.headers["hx-refresh"] == "true"
    assert "<h1>Cottage hospital</h1>" in client.get(f"{base}/").text


def test_requests_are_bounded_and_model_text_beyond_the_loaders_limit_is_refused(client: TestClient) -> None:
    base = open_tab(client)
    too_long = "#" * (MAX_MODEL_BYTES + 1)
    refused = client.post(f"{base}/check", content=urlencode({"text": too_long}), headers=FORM).text
    assert f"the model text is {MAX_MODEL_BYTES + 1:,} bytes; model files are limited to {MAX_MODEL_BYTES:,}" in refused
    huge = client.post(f"{base}/check", content=b"text=" + b"x" * MAX_REQUEST_BYTES, headers=FORM)
    assert huge.status_code == 413 and "model text is limited to" in huge.text


def test_an_unknown_tab_starts_afresh(client: TestClient) -> None:
    assert client.get("/w/nosuchtab/", follow_redirects=False).headers["location"] == "/"
    assert client.post("/w/nosuchtab/update").headers["hx-redirect"] == "/"


def test_a_slow_analysis_shows_progress_and_a_newer_change_replaces_it(monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(hospital(), first_wait=0.0, pictures=False)
    engine = app.state.workshop.engine
    quick = engine.analysis

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)  # the analysis itself can finish before a zero wait is checked, on a quiet machine
        return quick(*args, **kwargs)

    monkeypatch.setattr(engine, "analysis", slow)
    with TestClient(app) as client:
        base = open_tab(client)
        fields = urlencode([("q:beds", "85"), *(("paid", t) for t in PAID)])
        first = client.post(f"{base}/update", content=fields, headers=FORM)
        assert first.headers["hx-retarget"] == "#results-progress" and 'class="working"' in first.text
        newer = client.post(f"{base}/update", content=fields.replace("85", "95"), headers=FORM)
        old_poll = re.search(r'hx-get="([^"]+)"', first.text).group(1)  # type: ignore[union-attr]
        assert client.get(old_poll).status_code == 204  # replaced: it never overwrites the newer result
        poll = re.search(r'hx-get="([^"]+)"', newer.text).group(1)  # type: ignore[union-attr]
        for _ in range(600):
            answer = client.get(poll)
            if answer.headers["hx-retarget"] == "#results":
                break
            time.sleep(0.01)
        assert "Changed from the model: beds: 90 -&gt; 95" in answer.text


def test_only_localhost_names_are_answered_when_the_workshop_listens_on_localhost() -> None:
    app = create_app(hospital(), allowed_hosts=["localhost", "127.0.0.1"], pictures=False)
    with TestClient(app, base_url="http://evil.example") as client:
        assert client.get("/").status_code == 400
    assert is_local("127.0.0.1") and not is_local("0.0.0.0")
    assert "anyone on every network this computer is on can open it" in sharing_warning("0.0.0.0", 8765)


def test_a_port_in_use_is_a_clean_error() -> None:
    taken = listen("127.0.0.1", 0)
    try:
        with pytest.raises(inc.OutputError, match=r"cannot listen on 127\.0\.0\.1"):
            listen("127.0.0.1", taken.getsockname()[1])
    finally:
        taken.close()


def test_the_command_line_help_loads_no_web_library() -> None:
    code = (
        "import sys\nfrom incentives.cli import main\n"
        "try:\n    main(['workshop', '--help'])\nexcept SystemExit:\n    pass\n"
        "print('loaded:', *(m for m in ('starlette', 'uvicorn', 'jinja2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "--host" in out and out.strip().splitlines()[-1] == "loaded:"


def test_the_benchmark_runs_quickly_and_writes_its_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "workshop.md"
    args = [sys.executable, "benchmarks/workshop_benchmark.py", "--quick", "--no-browser", "--output", str(target)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "| hospital | 8 | 4 |" in target.read_text()  # timings are not tested


def test_a_model_with_problems_opens_on_its_editor_and_a_fixed_text_replaces_it() -> None:
    text = open(HOSPITAL, encoding="utf-8").read()
    broken = text.replace("beds: 90 ", "beds: ninety ")
    with pytest.raises(inc.ModelError) as raised:
        inc.loads_model(broken)
    app = create_app(ModelText.parse(broken, "hospital.yaml"), pictures=False)
    with TestClient(app) as client:
        base = open_tab(client)
        page = client.get(f"{base}/").text
        assert 'id="controls"' not in page and 'id="model-text"' in page
        assert [int(n) for n in re.findall(r'<li data-line="(\d+)"', page)] == [p.line for p in raised.value.problems]
        assert client.post(f"{base}/model", content=urlencode({"text": text}), headers=FORM).headers["hx-refresh"]
        assert 'id="controls"' in client.get(f"{base}/").text


def test_what_to_stop_paying_for_is_the_apis_and_says_so_when_nothing_is_paid(client: TestClient) -> None:
    base = open_tab(client)
    update(client, base, {})
    shown = client.post(f"{base}/negativa", content="", headers=FORM).text
    cut = inc.via_negativa(inc.load_model(HOSPITAL))
    assert cut.removed and all(f"{c.department}" in shown and c.key in shown for c in cut.removed)
    update(client, base, {}, paid=[])
    assert "nothing to stop paying for" in client.post(f"{base}/negativa", content="", headers=FORM).text


def _writes(event: str, args: tuple[object, ...]) -> str | None:
    """The path an audited ``open`` opens for writing (builtins.open's mode, os.open's flags), else None."""
    if event != "open":
        return None
    path, mode, flags = args
    if isinstance(mode, str):
        return str(path) if any(c in mode for c in "wax+") else None
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    return str(path) if isinstance(flags, int) and flags & writing else None


def test_a_whole_session_opens_no_file_for_writing() -> None:
    """Every request of a session, the picture and both downloads included, seen by an audit hook (PEP 578):
    the workshop writes no file at all, so none outside a workshop folder."""
    pytest.importorskip("matplotlib")
    app = create_app(hospital(), first_wait=60.0, pictures=True)
    with TestClient(app) as client:
        base = open_tab(client)
        update(client, base, {})  # warm: modules imported, formulas compiled, the picture's fonts loaded
        written: list[str] = []
        watching = [True]

        def hook(event: str, args: tuple[object, ...]) -> None:
            path = _writes(event, args) if watching[0] else None
            if path is not None:
                written.append(path)

        sys.addaudithook(hook)  # an audit hook cannot be removed: it stops watching at the end
        try:
            fragment = update(client, base, {SHARE: 0.07, "beds": 95}, paid=PAID[1:])
            picture = re.search(r'src="([^"]+graph\.png[^"]*)"', fragment).group(1)  # type: ignore[union-attr]
            assert client.get(picture.replace("&amp;", "&")).headers["content-type"] == "image/png"
            assert "Event winter" in client.post(f"{base}/event", content="event=winter", headers=FORM).text
            allow = urlencode([("allow", t) for t in (*PAID, "emergency:company_value")] + [("nonnegative", "1")])
            assert "Verified" in client.post(f"{base}/design", content=allow, headers=FORM).text
            client.post(f"{base}/negativa", content="", headers=FORM)
            text = open(HOSPITAL, encoding="utf-8").read()
            client.post(f"{base}/check", content=urlencode({"text": text + "\nbroken: [\n"}), headers=FORM)
            client.post(f"{base}/model", content=urlencode({"text": text}), headers=FORM)
            assert client.get(f"{base}/download/model").status_code == 200
            assert client.get(f"{base}/download/handout").status_code == 200
        finally:
            watching[0] = False
    assert written == []
