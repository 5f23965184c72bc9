"""The workshop's web application: a small ASGI app (Starlette) that serves one page per browser tab.

Addresses (``TOKEN`` names a tab's session, see :mod:`incentives.workshop.sessions`):

* ``GET /``: a new session, redirected to ``GET /w/TOKEN/``, the page;
* ``POST /w/TOKEN/update``: new slider values and toggles, answered with the live results;
  ``POST /w/TOKEN/reset``: back to the model's values;
* ``POST /w/TOKEN/event``: an event seen from each department;
* ``POST /w/TOKEN/design``: a designed plan, verified; ``POST /w/TOKEN/negativa``: what to stop
  paying for; ``POST /w/TOKEN/adopt/JOB``: put a designed plan on the sliders;
* ``POST /w/TOKEN/check``: check model text (the editor, as it is typed); ``POST /w/TOKEN/model``:
  work on the edited model text from now on;
* ``GET /w/TOKEN/job/JOB``: the result of a job, or its progress;
* ``GET /w/TOKEN/graph.png?s=KEY``: the dependency graph's picture;
* ``GET /w/TOKEN/download/model``: the current model file; ``GET /w/TOKEN/download/handout``: the handout.

Every computation runs in a worker thread (:mod:`incentives.workshop.jobs`), never on the event
loop: a request waits up to ``first_wait`` seconds for its result and otherwise answers with a
progress line that asks again, so the page never freezes and a newer change replaces an older
one.  Requests are bounded (:data:`MAX_REQUEST_BYTES`; model text beyond the loader's limit is
refused with a message), pages carry a strict content security policy (scripts only from the app
itself), and nothing is written to disk: downloads are made in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
import time
import traceback
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..design.terms import Term
from ..errors import IncentivesError, ModelError, Problem
from ..model import COMPANY_VALUE
from ..readwrite.model_file import MAX_MODEL_BYTES
from .controls import Settings, normalised, plan_terms, settings_for_plan
from .engine import DesignRequest, Engine, ModelText, model_file_text
from .jobs import Job, Superseded
from .page import (
    design_html,
    error_html,
    event_html,
    negativa_html,
    page_html,
    problems_html,
    results_html,
    working_html,
    workspace_html,
)
from .sessions import Session, Sessions

__all__ = ["FIRST_WAIT", "MAX_REQUEST_BYTES", "PICTURE_PAUSE", "SECURITY_HEADERS", "WorkshopState", "create_app"]

logger = logging.getLogger(__name__)

#: Largest request body: model text at the loader's limit, form-encoded (at most three bytes a character), and the rest.
MAX_REQUEST_BYTES = 3 * MAX_MODEL_BYTES + 64 * 1024

#: Seconds a request waits for its result before it answers with progress (and the page asks again).
FIRST_WAIT = 0.25

#: Seconds a picture waits before it is drawn, so that a slider still moving draws only where it stops.
PICTURE_PAUSE = 0.15

#: Headers of every response: scripts, styles and requests only from the app itself; no framing.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}

STATIC = Path(__file__).parent / "static"

#: Where each kind of job shows its result and its progress; a progress line's request to ask again is dropped
#: while a newer request of the same place is on its way (and a newer request aborts it).
_PLACES = {
    "analysis": ("#results", "#results-progress", "#controls:drop"),
    "event": ("#event-result", "#event-progress", "#events-section:drop"),
    "design": ("#design-result", "#design-progress", "#design-form:drop"),
}
_CONCEPTS = ("nash", "dominant", "unique")
_OBJECTIVES = ("cost", "change")


class _Refused(Exception):
    """A request that cannot be answered with results: its message is shown instead."""


class _Unchanged(Exception):
    """A number field is empty (being typed): nothing to recompute."""


@dataclass(kw_only=True)
class WorkshopState:
    """What the application holds: the engine (shared results), the sessions, the worker threads."""

    engine: Engine
    sessions: Sessions
    executor: Executor
    pictures_executor: Executor
    first_wait: float = FIRST_WAIT
    pictures: bool = True
    closers: list[Callable[[], None]] = field(default_factory=list)


# -- middleware ---------------------------------------------------------------------------------------


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413 and a message, before the app sees them."""

    def __init__(self, app: ASGIApp, limit: int = MAX_REQUEST_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = (
            f"The request is larger than the workshop accepts ({MAX_REQUEST_BYTES:,} bytes); model text is "
            f"limited to {MAX_MODEL_BYTES:,} bytes, as model files are."
        )
        await HTMLResponse(error_html(message), status_code=413)(scope, receive, send)


class SecurityHeaders:
    """Add :data:`SECURITY_HEADERS` to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


# -- helpers ------------------------------------------------------------------------------------------


def _state(request: Request) -> WorkshopState:
    return request.app.state.workshop


def _session(request: Request) -> Session | None:
    return _state(request).sessions.get(request.path_params["token"])


def _base(session: Session) -> str:
    return f"/w/{session.token}"


async def _form(request: Request) -> list[tuple[str, str]]:
    """The fields of a form-encoded body (the body is already bounded by :class:`BodyLimit`)."""
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _Refused("the request is not UTF-8 text") from err
    try:
        return parse_qsl(text, keep_blank_values=True, max_num_fields=5000)
    except ValueError as err:
        raise _Refused(f"the request is not a form the page sends ({err})") from err


def _gone() -> Response:
    """The tab's session is unknown (the workshop was restarted): start afresh."""
    return Response(status_code=200, headers={"HX-Redirect": "/"})


def _fragment(content: str, target: str, *, clear: str = "") -> HTMLResponse:
    extra = f'<div id="{clear[1:]}" class="progress" hx-swap-oob="true"></div>' if clear else ""
    return HTMLResponse(content + extra, headers={"HX-Retarget": target, "HX-Reswap": "innerHTML"})


def _answer(session: Session, job: Job) -> Response:
    """The job's result as a fragment for its place, its progress if it is still running, nothing if replaced."""
    target, slot, sync = _PLACES[job.kind]
    if job.superseded:  # the newer job answers: an older result must not overwrite its
        return Response(status_code=204)
    if not job.future.done():
        poll = f"{_base(session)}/job/{job.id}"
        return _fragment(working_html(poll_url=poll, stage=job.stage, seconds=job.seconds, sync=sync), slot)
    model, _ = session.state()
    try:
        content = job.future.result()
    except Superseded:
        return Response(status_code=204)
    except ModelError as err:
        content = problems_html(err.problems, model.source, title="These values cannot be analysed")
    except (IncentivesError, ValueError) as err:
        content = error_html(str(err))
    except Exception as err:
        logger.error("workshop: %s failed:\n%s", job.kind, "".join(traceback.format_exception(err)))
        content = error_html(
            f"This is a bug in incentives, not a problem with the model: the {job.kind} failed with "
            f"{type(err).__name__}: {err}. Please report it with the model file."
        )
    return _fragment(content, target, clear=slot)


def _retrieved(waiter: asyncio.Future[Any]) -> None:
    """Mark a waiter's outcome as seen: the answer reads the job's own future (else asyncio logs it as lost)."""
    if not waiter.cancelled():
        waiter.exception()


async def _respond(request: Request, session: Session, job: Job) -> Response:
    waiter = asyncio.wrap_future(job.future)
    waiter.add_done_callback(_retrieved)
    await asyncio.wait({waiter}, timeout=_state(request).first_wait)
    return _answer(session, job)


def _start(request: Request, session: Session, kind: str, work: Callable[[Job], str]) -> Job:
    return session.jobs.start(kind, work, _state(request).executor)


def _settings_from_form(model: ModelText, fields: Sequence[tuple[str, str]]) -> Settings:
    assert model.organization is not None
    values: dict[str, float] = {}
    for key, text in fields:
        if not key.startswith("q:"):
            continue
        if not text.strip():
            raise _Unchanged
        try:
            values[key[2:]] = float(text)
        except ValueError as err:
            raise _Refused(f"{key[2:]}: expected a number; got {text!r}") from err
    paid = {Term.from_text(v, field="paid") for k, v in fields if k == "paid"}
    dropped = [t for t in plan_terms(model.organization) if t not in paid]
    return normalised(model.organization, values, dropped)


def _filename(model: ModelText, suffix: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(model.source).stem) or "model"
    return f"{stem}{suffix}"


# -- routes -------------------------------------------------------------------------------------------


async def home(request: Request) -> Response:
    session = _state(request).sessions.new()
    return RedirectResponse(f"{_base(session)}/", status_code=303)


async def page(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return RedirectResponse("/", status_code=303)
    model, settings = session.state()
    return HTMLResponse(page_html(_base(session), model, settings))


async def update(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return _gone()
    model, _ = session.state()
    if not model.ok:
        return _fragment(error_html("Fix the model first: see its problems below."), "#results")
    try:
        settings = _settings_from_form(model, await _form(request))
    except _Unchanged:
        return Response(status_code=204)
    except ModelError as err:
        return _fragment(problems_html(err.problems, model.source, title="These values are not accepted"), "#results")
    except (_Refused, IncentivesError) as err:
        return _fragment(error_html(str(err)), "#results")
    model, settings = session.set_settings(settings)
    state = _state(request)
    picture = f"{_base(session)}/graph.png?s={session.key(model, settings)}" if state.pictures else ""

    def work(job: Job) -> str:
        analysis = state.engine.analysis(model, settings, job)
        job.report("writing the tables")
        assert model.organization is not None
        changes = settings.changes(model.organization)
        return results_html(analysis, picture_url=picture, milliseconds=job.seconds * 1000, changes=changes)

    return await _respond(request, session, _start(request, session, "analysis", work))


async def poll(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return _gone()
    job = session.jobs.find(request.path_params["job"])
    if job is None:
        return Response(status_code=204)
    return await _respond(request, session, job)


async def reset(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return _gone()
    model, settings = session.set_settings(Settings())
    if not model.ok:
        return Response(status_code=204)
    return HTMLResponse(workspace_html(_base(session), model, settings))


async def event(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return _gone()
    model, settings = session.state()
    try:
        name = dict(await _form(request)).get("event", "")
    except _Refused as err:
        return _fragment(error_html(str(err)), "#event-result")
    if model.organization is None or name not in model.organization.events:
        return _fragment(error_html(f"The model has no event {name!r}."), "#event-result")
    engine = _state(request).engine

    def work(job: Job) -> str:
        return event_html(engine.event(model, settings, name, job))

    return await _respond(request, session, _start(request, session, "event", work))


def _design_request(model: ModelText, fields: Sequence[tuple[str, str]]) -> DesignRequest:
    allow = frozenset(Term.from_text(v, field="allow") for k, v in fields if k == "allow")
    if not allow:
        raise _Refused("Tick at least one term the plan may pay on.")
    assert model.organization is not None
    org = model.organization
    known = {Term(d, k) for d in org.department_names for k in [*org.kpis, COMPANY_VALUE]}
    unknown = sorted(str(t) for t in allow - known)
    if unknown:
        raise _Refused(f"Unknown terms: {', '.join(unknown)}.")
    named = dict(fields)
    concept, objective = named.get("concept", "nash"), named.get("objective", "cost")
    if concept not in _CONCEPTS or objective not in _OBJECTIVES:
        raise _Refused(f"A design is asked for one of {_CONCEPTS} and one of {_OBJECTIVES}.")
    return DesignRequest(allow=allow, nonnegative="nonnegative" in named, concept=concept, objective=objective)


async def design(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return _gone()
    model, settings = session.state()
    if not model.ok:
        return _fragment(error_html("Fix the model first."), "#design-result")
    try:
        asked = _design_request(model, await _form(request))
    except (_Refused, IncentivesError) as err:
        return _fragment(error_html(str(err)), "#design-result")
    engine, base = _state(request).engine, _base(session)

    def work(job: Job) -> str:
        plan = engine.design(model, settings, asked, job)
        session.keep_design(job.id, plan, model)
        return design_html(plan, f"{base}/adopt/{job.id}")

    return await _respond(request, session, _start(request, session, "design", work))


async def negativa(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return _gone()
    model, settings = session.state()
    if not model.ok:
        return _fragment(error_html("Fix the model first."), "#design-result")
    engine = _state(request).engine
    if not plan_terms(engine.organization(model, settings)):
        message = "The plans pay nothing now: there is nothing to stop paying for."
        return _fragment(error_html(message, tone="note"), "#design-result")

    def work(job: Job) -> str:
        return negativa_html(engine.negativa(model, settings, job))

    return await _respond(request, session, _start(request, session, "design", work))


async def adopt(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return _gone()
    kept = session.design(request.path_params["job"])
    model, settings = session.state()
    if kept is None or kept[1].digest != model.digest or model.organization is None:
        return _fragment(error_html("This plan was made for another model: design it again."), "#design-result")
    plan, _ = kept
    adopted = settings_for_plan(model.organization, settings, plan.redesigned)
    model, adopted = session.set_settings(adopted)
    return HTMLResponse(workspace_html(_base(session), model, adopted))


async def _parse(request: Request, model: ModelText) -> ModelText:
    """The model text of the editor's form, parsed off the event loop (in the model's own format)."""
    try:
        text = dict(await _form(request)).get("text", "")
    except _Refused as err:
        return ModelText(
            text="", source=model.source, organization=None, problems=(Problem(path="", message=str(err)),)
        )
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_state(request).executor, ModelText.parse, text, model.source)


async def check(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return _gone()
    model, _ = session.state()
    parsed = await _parse(request, model)
    if parsed.problems:
        return HTMLResponse(problems_html(parsed.problems, model.source))
    return HTMLResponse(
        '<div class="problems" data-marks="[]"><p class="good">No problems: press <strong>Use this model</strong> '
        "to work on it.</p></div>"
    )


async def use_model(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return _gone()
    model, _ = session.state()
    parsed = await _parse(request, model)
    if parsed.problems:
        return HTMLResponse(problems_html(parsed.problems, model.source, title="The model was not changed"))
    session.set_model(parsed)
    return Response(status_code=200, headers={"HX-Refresh": "true"})


async def picture(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return Response(status_code=404)
    found = session.recent(request.query_params.get("s", ""))
    view = request.query_params.get("view", "departments")
    if found is None or view not in ("departments", "kpis", "all"):
        return Response("unknown picture", status_code=404, media_type="text/plain")
    model, settings = found
    state = _state(request)

    def work(job: Job) -> Any:
        time.sleep(PICTURE_PAUSE)  # a slider still moving asks for the next picture meanwhile
        job.report("drawing the dependency graph")
        return state.engine.picture(model, settings, view, job)

    job = session.jobs.start("picture", work, state.pictures_executor)
    waiter = asyncio.wrap_future(job.future)
    waiter.add_done_callback(_retrieved)
    await asyncio.wait({waiter})
    try:
        figure = job.future.result()
    except Superseded:
        return Response(status_code=204)  # its image was replaced on the page by a newer one
    except IncentivesError as err:
        return Response(str(err), status_code=422, media_type="text/plain")
    if figure.png is None:
        return Response(figure.missing, status_code=404, media_type="text/plain")
    return Response(figure.png, media_type="image/png", headers={"cache-control": "private, max-age=3600"})


def _attachment(content: str | bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"', "cache-control": "no-store"},
    )


async def download_model(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return Response(status_code=404)
    model, settings = session.state()
    text = model_file_text(model, settings)
    suffix = ".json" if model.format == "json" else ".yaml"
    name = _filename(model, suffix if settings.is_default else f"-workshop{suffix}")
    return _attachment(text, "application/json" if model.format == "json" else "application/yaml", name)


async def download_handout(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return Response(status_code=404)
    model, settings = session.state()
    if not model.ok:
        return Response("the model has problems: fix it first", status_code=422, media_type="text/plain")
    from ..report import render

    state = _state(request)

    def make() -> str:
        return render(state.engine.handout(model, settings), "html", page=True)

    try:
        page_text = await asyncio.get_running_loop().run_in_executor(state.executor, make)
    except IncentivesError as err:
        return Response(html.escape(str(err)), status_code=422, media_type="text/plain")
    return _attachment(page_text, "text/html; charset=utf-8", _filename(model, "-handout.html"))


def create_app(
    model: ModelText,
    *,
    method: str = "all",
    max_seconds: float = 30.0,
    first_wait: float = FIRST_WAIT,
    workers: int = 4,
    allowed_hosts: Sequence[str] | None = None,
    pictures: bool | None = None,
) -> Starlette:
    """The workshop application for one model text.

    Parameters
    ----------
    model : ModelText
        The model the room starts from (each tab can then edit its own copy).
    method : str
        Equilibrium method.
    max_seconds : float
        Time budget of each equilibrium search.
    first_wait : float
        Seconds a request waits for its result before answering with progress.
    workers : int
        Worker threads for the computations.
    allowed_hosts : sequence of str, optional
        Host names the app answers to (a guard against DNS rebinding when it listens on
        localhost); None: any.
    pictures : bool, optional
        Draw the dependency graph (default: when matplotlib is installed).

    Returns
    -------
    starlette.applications.Starlette
        An ASGI application; ``app.state.workshop`` is its :class:`WorkshopState`.
    """
    if pictures is None:
        import importlib.util

        pictures = importlib.util.find_spec("matplotlib") is not None
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="workshop")
    # one picture at a time, the latest: drawing takes about a second and must not starve the analyses
    drawer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="workshop-pictures")
    token = "{token:str}"
    routes = [
        Route("/", home),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route(f"/w/{token}/", page),
        Route(f"/w/{token}/update", update, methods=["POST"]),
        Route(f"/w/{token}/reset", reset, methods=["POST"]),
        Route(f"/w/{token}/event", event, methods=["POST"]),
        Route(f"/w/{token}/design", design, methods=["POST"]),
        Route(f"/w/{token}/negativa", negativa, methods=["POST"]),
        Route(f"/w/{token}/adopt/{{job:str}}", adopt, methods=["POST"]),
        Route(f"/w/{token}/check", check, methods=["POST"]),
        Route(f"/w/{token}/model", use_model, methods=["POST"]),
        Route(f"/w/{token}/job/{{job:str}}", poll),
        Route(f"/w/{token}/graph.png", picture),
        Route(f"/w/{token}/download/model", download_model),
        Route(f"/w/{token}/download/handout", download_handout),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders), Middleware(BodyLimit)]
    if allowed_hosts is not None:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        for close in app.state.workshop.closers:
            close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    sessions = Sessions(model)
    app.state.workshop = WorkshopState(
        engine=Engine(method=method, max_seconds=max_seconds),
        sessions=sessions,
        executor=executor,
        pictures_executor=drawer,
        first_wait=first_wait,
        pictures=pictures,
        closers=[
            sessions.close,
            lambda: executor.shutdown(wait=True, cancel_futures=True),
            lambda: drawer.shutdown(wait=True, cancel_futures=True),
        ],
    )
    return app
