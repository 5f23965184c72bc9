"""What the workshop computes, each thing once: the model text, its evaluation, analysis, graph, events, designs.

The room works on one :class:`ModelText` (the file, or what the editor holds), parsed by the
toolkit's restricted loader (:func:`incentives.loads_model`): model text is data, and nothing in it
is ever executed.  The room's :class:`~incentives.workshop.controls.Settings` turn it into an
organisation, and :class:`Engine` computes, for a model text and settings,

* the evaluated model (:func:`incentives.evaluate_model`, in floating point; when only bonus
  weights moved, the KPI arrays of the previous evaluation are reused, and every formula is
  compiled once per process);
* the gaming analysis (:func:`incentives.analyze`), the dependency graph
  (:func:`incentives.dependency_graph`) and its picture, an event seen from each department
  (:func:`incentives.perspectives`, given the analysis already at hand), a designed plan
  (:func:`incentives.design`), what to stop paying for (:func:`incentives.via_negativa`) and the
  one-page handout (:class:`incentives.report.handout.Handout`);

and keeps each result in one cache shared by every browser tab, keyed by the model text's digest,
the settings and the question: results are immutable, so two tabs share work but never state, and
nothing is computed twice while it is in the cache.  Each method takes the :class:`~incentives.workshop.jobs.Job`
it runs in, to report its stage and to stop early when the room has moved on.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from ..design.terms import Term
from ..errors import IncentivesError, ModelError, Problem
from ..model import Organization
from ..readwrite.model_file import MAX_MODEL_BYTES, dumps_model, loads_model
from .controls import Settings, apply_settings
from .jobs import Job

__all__ = ["DesignRequest", "Engine", "ModelText", "model_file_text"]

T = TypeVar("T")

#: Results kept in the engine's cache (each a few arrays of the model's size).
CACHE_SIZE = 256


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


@dataclass(frozen=True, kw_only=True)
class ModelText:
    """A model as text, parsed once by the restricted loader; its problems (with lines) when it does not load.

    Parameters
    ----------
    text : str
    source : str
        The file's name, shown on the page and used to name downloads (``hospital.yaml``).
    organization : Organization or None
        The model, or None when the text has problems.
    problems : tuple of Problem
        What is wrong with the text, each with its field and, for YAML, its line.
    digest : str
        SHA-256 of the text: the key of every cached result.
    """

    text: str
    source: str
    organization: Organization | None
    problems: tuple[Problem, ...] = ()
    digest: str = ""

    @property
    def format(self) -> Literal["yaml", "json"]:
        """``"json"`` for a ``.json`` source, else ``"yaml"``."""
        return "json" if self.source.lower().endswith(".json") else "yaml"

    @property
    def ok(self) -> bool:
        """Whether the text is a valid model."""
        return self.organization is not None

    @classmethod
    def parse(cls, text: str, source: str = "model.yaml") -> ModelText:
        """Parse model text with :func:`incentives.loads_model`; a text over the loader's limit is refused unread.

        Examples
        --------
        >>> [p.line for p in ModelText.parse("name: x\\ndepartments: 3\\n").problems]
        [2, 2, None]
        >>> ModelText.parse("x" * (MAX_MODEL_BYTES + 1)).problems[0].message
        'the model text is 5,242,881 bytes; model files are limited to 5,242,880'
        """
        digest = _digest(text)
        size = len(text.encode("utf-8", errors="surrogatepass"))
        if size > MAX_MODEL_BYTES:
            message = f"the model text is {size:,} bytes; model files are limited to {MAX_MODEL_BYTES:,}"
            return cls(text="", source=source, organization=None, problems=(Problem(path="", message=message),))
        fmt = "json" if source.lower().endswith(".json") else "yaml"
        try:
            org = loads_model(text, format=fmt, source=source)
        except ModelError as err:
            return cls(text=text, source=source, organization=None, problems=err.problems, digest=digest)
        except IncentivesError as err:
            return cls(text=text, source=source, organization=None, problems=(Problem(path="", message=str(err)),))
        return cls(text=text, source=source, organization=org, digest=digest)


def model_file_text(model: ModelText, settings: Settings) -> str:
    """The model file of the organisation the settings describe: the text itself when they change nothing.

    Otherwise the model is written anew (:func:`incentives.dumps_model`: comments are not kept),
    headed by a comment that lists the changes.

    Examples
    --------
    >>> model = ModelText.parse(open("examples/hospital.yaml").read(), "hospital.yaml")
    >>> model_file_text(model, Settings()) == model.text
    True
    >>> print(model_file_text(model, Settings(values={"beds": 100})).splitlines()[1])
    #   beds: 90 -> 100
    """
    if model.organization is None:
        return model.text
    if settings.is_default:
        return model.text
    org = apply_settings(model.organization, settings)
    head = [
        f"# Changed in a workshop from {model.source}:",
        *(f"#   {line}" for line in settings.changes(model.organization)),
    ]
    if model.format == "json":  # JSON has no comments: the changes are not recorded in the file
        return dumps_model(org, format="json")
    return "\n".join(head) + "\n" + dumps_model(org, format="yaml")


@dataclass(frozen=True, kw_only=True)
class DesignRequest:
    """What the room asks of a design: the terms it may use and how strict the plan must be.

    Parameters
    ----------
    allow : frozenset of Term
        The terms the plan may pay on (none: every term).
    nonnegative : bool
        No penalties.
    concept : {"nash", "dominant", "unique"}
    objective : {"cost", "change"}
    """

    allow: frozenset[Term] = field(default_factory=frozenset)
    nonnegative: bool = True
    concept: str = "nash"
    objective: str = "cost"

    def __post_init__(self) -> None:
        object.__setattr__(self, "allow", frozenset(Term(*t) for t in self.allow))


class _Cache:
    """A thread-safe least-recently-used map of results."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class Engine:
    """The workshop's computations, each cached by model text, settings and question (see the module docstring).

    Parameters
    ----------
    method : str
        Equilibrium method (see :func:`incentives.solve`).
    max_seconds : float
        Time budget of each equilibrium search.
    cache_size : int
        Results kept.

    Examples
    --------
    >>> model = ModelText.parse(open("examples/hospital.yaml").read(), "hospital.yaml")
    >>> engine = Engine()
    >>> engine.analysis(model, Settings()).gaming_departments
    ('emergency', 'surgery')
    >>> engine.analysis(model, Settings()) is engine.analysis(model, Settings())  # computed once
    True
    >>> engine.analysis(model, Settings(values={"bonus.emergency.company_value": 0.1})).gaming_departments
    ()
    """

    def __init__(self, *, method: str = "all", max_seconds: float = 30.0, cache_size: int = CACHE_SIZE) -> None:
        self.method = method
        self.max_seconds = max_seconds
        self._cache = _Cache(cache_size)
        self._last_model: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        found = self._cache.get(key)
        if found is None:
            found = compute()
            self._cache.put(key, found)
        return found

    @staticmethod
    def _organization(model: ModelText) -> Organization:
        if model.organization is None:
            raise ModelError(list(model.problems), model.source)
        return model.organization

    def organization(self, model: ModelText, settings: Settings) -> Organization:
        """The organisation the settings describe."""
        org = self._organization(model)
        return self._cached(("org", model.digest, settings), lambda: apply_settings(org, settings))

    def evaluate(self, model: ModelText, settings: Settings, job: Job | None = None) -> Any:
        """The evaluated model (:class:`~incentives.evaluated.EvaluatedModel`), in floating point."""
        from ..build import evaluate_model

        def compute() -> Any:
            org = self.organization(model, settings)
            if job is not None:
                job.report(f"evaluating the model ({_profiles(org):,} profiles)")
            with self._lock:
                reuse = self._last_model.get(model.digest)
            evaluated = evaluate_model(org, exact=False, reuse=reuse)  # reuse: only if the parameters agree
            with self._lock:
                self._last_model[model.digest] = evaluated
            return evaluated

        return self._cached(("model", model.digest, settings), compute)

    def analysis(self, model: ModelText, settings: Settings, job: Job | None = None) -> Any:
        """The gaming analysis (:class:`~incentives.Analysis`)."""
        from ..analysis.gaming import analyze

        def compute() -> Any:
            evaluated = self.evaluate(model, settings, job)
            if job is not None:
                job.report("solving the game: finding the equilibria")
            return analyze(evaluated, method=self.method, max_seconds=self.max_seconds)

        return self._cached(("analysis", model.digest, settings), compute)

    def graph(self, model: ModelText, settings: Settings, job: Job | None = None) -> Any:
        """The dependency graph (:class:`~incentives.DependencyGraph`)."""
        from ..graph import dependency_graph

        def compute() -> Any:
            evaluated = self.evaluate(model, settings, job)
            if job is not None:
                job.report("tracing who moves whose figures")
            return dependency_graph(evaluated)

        return self._cached(("graph", model.digest, settings), compute)

    def picture(
        self,
        model: ModelText,
        settings: Settings,
        view: str = "departments",
        job: Job | None = None,
        *,
        printed: bool = False,
    ) -> Any:
        """The picture of the dependency graph as a report :class:`~incentives.report.blocks.Figure`.

        Pictures are cached by the graph's content, so settings that leave the graph as it was
        redraw nothing.  ``printed`` draws it for the handout's printed page.
        """
        import networkx as nx

        from ..report.graph import graph_figure

        graph = self.graph(model, settings, job)
        content = json.dumps(nx.node_link_data(graph.graph, edges="links"), sort_keys=True, default=str)
        key = ("picture", _digest(content), view, printed)

        def compute() -> Any:
            if job is not None:
                job.report("drawing the dependency graph")
            return graph_figure(graph, view, printed=printed)

        return self._cached(key, compute)

    def event(self, model: ModelText, settings: Settings, event: str, job: Job | None = None) -> Any:
        """An event of the model seen from each department (:class:`~incentives.Perspectives`)."""
        from ..analysis.perspectives import perspectives

        def compute() -> Any:
            before = self.analysis(model, settings, job)
            if job is not None:
                job.report(f"playing out the event {event}")
            return perspectives(before.model, event, method=self.method, before=before)

        return self._cached(("event", model.digest, settings, event), compute)

    def design(self, model: ModelText, settings: Settings, request: DesignRequest, job: Job | None = None) -> Any:
        """A designed plan, verified on the rebuilt game (:class:`~incentives.Design`)."""
        from ..design import design

        def compute() -> Any:
            evaluated = self.evaluate(model, settings, job)
            if job is not None:
                job.report("designing a plan and checking it on the rebuilt game")
            return design(
                evaluated,
                allow=sorted(str(t) for t in request.allow) or None,
                company_share=True,
                nonnegative=request.nonnegative,
                concept=request.concept,
                objective=request.objective,
                method=self.method,
                time_limit=self.max_seconds,
            )

        return self._cached(("design", model.digest, settings, request), compute)

    def negativa(self, model: ModelText, settings: Settings, job: Job | None = None) -> Any:
        """What to stop paying for (:class:`~incentives.ViaNegativa`)."""
        from ..design import via_negativa

        def compute() -> Any:
            evaluated = self.evaluate(model, settings, job)
            if job is not None:
                job.report("looking for the fewest terms to drop")
            return via_negativa(evaluated, time_limit=self.max_seconds)

        return self._cached(("negativa", model.digest, settings), compute)

    def handout(self, model: ModelText, settings: Settings, job: Job | None = None) -> Any:
        """The one-page handout (:class:`~incentives.report.handout.Handout`) of the current plans."""
        from ..report.handout import Handout

        def compute() -> Any:
            analysis = self.analysis(model, settings, job)
            events = tuple(self.event(model, settings, name, job) for name in self._organization(model).events)
            picture = self.picture(model, settings, "departments", job, printed=True)
            return Handout(analysis=analysis, events=events, picture=picture, view="departments", source=model.source)

        return self._cached(("handout", model.digest, settings), compute)


def _profiles(org: Organization) -> int:
    count = 1
    for dept in org.departments:
        count *= max(1, len(dept.actions))
    return count
