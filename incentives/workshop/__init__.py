"""A workshop in the browser: the room moves the bonus plans and watches the equilibria move.

``incentives workshop MODEL`` serves one page (on this computer only unless told otherwise) that
shows the organisation and lets the room change it: a slider for every bonus weight, share of
company value and parameter, a toggle to drop every term of a plan, the model's events as buttons,
a plan designed on request, an editor for the model text, and downloads of the model file and of the
one-page handout.  Each change is analysed again at once and the tables and the dependency graph
redrawn.

The pieces, from the bottom up:

* :mod:`~incentives.workshop.controls`: the controls of a model and the room's :class:`Settings`;
* :mod:`~incentives.workshop.engine`: the model text and everything computed from it, cached;
* :mod:`~incentives.workshop.jobs`: work in worker threads, where a newer change replaces an older one;
* :mod:`~incentives.workshop.sessions`: one session per browser tab;
* :mod:`~incentives.workshop.page`: the page and its fragments (Jinja2 templates, the toolkit's reports);
* :mod:`~incentives.workshop.app`: the web application (Starlette, with htmx in the page);
* :mod:`~incentives.workshop.server`: listening, and the warning when the page is shared.

It needs the optional extra ``workshop`` (``pip install 'incentives[workshop]'``: Starlette,
uvicorn and Jinja2); the command line imports it only when the command runs.
"""

from __future__ import annotations

from .controls import Settings
from .engine import Engine, ModelText

__all__ = ["Engine", "ModelText", "Settings"]
