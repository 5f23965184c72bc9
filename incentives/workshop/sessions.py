"""One session per browser tab: the model text it works on, the room's settings, its jobs and designs.

A tab that opens the workshop's address gets a new session, named by an unguessable token in its
address (``/w/TOKEN/``), so two tabs never share state, and a page of another site cannot guess
where to send a request.  Reloading a tab keeps its session.  Sessions live in memory only (nothing
is written to disk); the least recently used are forgotten beyond :data:`MAX_SESSIONS`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections import OrderedDict
from typing import Any

from .controls import Settings
from .engine import ModelText
from .jobs import JobBoard

__all__ = ["MAX_SESSIONS", "Session", "Sessions", "settings_key"]

#: Sessions kept in memory (each holds a model text and a few recent results' keys).
MAX_SESSIONS = 200

#: Recent settings a session can still draw a picture for, and designs it can still adopt.
RECENT = 32


def settings_key(settings: Settings) -> str:
    """A short name of settings, for addresses (``graph.png?s=KEY``).

    Examples
    --------
    >>> settings_key(Settings()) == settings_key(Settings(values={}))
    True
    """
    text = json.dumps([sorted(settings.values.items()), sorted(map(str, settings.dropped))])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Session:
    """The state of one tab: its model text and settings (changed together under a lock), its jobs."""

    def __init__(self, token: str, model: ModelText) -> None:
        self.token = token
        self.jobs = JobBoard()
        self._lock = threading.Lock()
        self._model = model
        self._settings = Settings()
        self._recent: OrderedDict[str, tuple[ModelText, Settings]] = OrderedDict()
        self._designs: OrderedDict[str, Any] = OrderedDict()
        self._remember(model, self._settings)

    def state(self) -> tuple[ModelText, Settings]:
        """The model text and settings, read together."""
        with self._lock:
            return self._model, self._settings

    def set_settings(self, settings: Settings) -> tuple[ModelText, Settings]:
        """Change the settings; the model text they apply to is returned with them."""
        with self._lock:
            self._settings = settings
            self._remember(self._model, settings)
            return self._model, settings

    def set_model(self, model: ModelText) -> None:
        """Work on another model text from now on, with the settings back to its own values."""
        with self._lock:
            self._model, self._settings = model, Settings()
            self._remember(model, self._settings)
        self.jobs.supersede_all()

    def _remember(self, model: ModelText, settings: Settings) -> None:
        key = settings_key(settings) + model.digest[:8]
        self._recent[key] = (model, settings)
        self._recent.move_to_end(key)
        while len(self._recent) > RECENT:
            self._recent.popitem(last=False)

    def key(self, model: ModelText, settings: Settings) -> str:
        """The name of a model text and settings for the addresses of their picture."""
        return settings_key(settings) + model.digest[:8]

    def recent(self, key: str) -> tuple[ModelText, Settings] | None:
        """Model text and settings this session used lately, by :meth:`key` (None if forgotten)."""
        with self._lock:
            return self._recent.get(key)

    def keep_design(self, job_id: str, design: Any, model: ModelText) -> None:
        """Keep a design, so that its plan can be put on the sliders (adopted) later."""
        with self._lock:
            self._designs[job_id] = (design, model)
            while len(self._designs) > RECENT:
                self._designs.popitem(last=False)

    def design(self, job_id: str) -> tuple[Any, ModelText] | None:
        """A kept design and the model text it was made for (None if unknown)."""
        with self._lock:
            return self._designs.get(job_id)


class Sessions:
    """Every open session, by token; the least recently used beyond ``limit`` are forgotten."""

    def __init__(self, model: ModelText, limit: int = MAX_SESSIONS) -> None:
        self.model = model
        self.limit = limit
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def new(self) -> Session:
        """A new session on the workshop's model."""
        session = Session(secrets.token_urlsafe(16), self.model)
        with self._lock:
            self._sessions[session.token] = session
            while len(self._sessions) > self.limit:
                _, dropped = self._sessions.popitem(last=False)
                dropped.jobs.supersede_all()
        return session

    def get(self, token: str) -> Session | None:
        """The session of a token (None if unknown or forgotten)."""
        with self._lock:
            session = self._sessions.get(token)
            if session is not None:
                self._sessions.move_to_end(token)
            return session

    def close(self) -> None:
        """Stop every session's jobs (the workshop is closing)."""
        with self._lock:
            for session in self._sessions.values():
                session.jobs.supersede_all()

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)
