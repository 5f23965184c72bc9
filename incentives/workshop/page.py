"""The workshop page and its fragments, as HTML from Jinja2 templates and the toolkit's own reports.

The page is server-rendered: every table of results is the toolkit's HTML report of the result
(:func:`incentives.report.render`), set in templates (``templates/``, autoescaped: every name from
the model is escaped) with a little htmx to swap fragments in place.  Functions here take plain
results and return HTML strings; they compute nothing but words.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..design.terms import Term
from ..errors import Problem
from ..model import COMPANY_VALUE, Organization
from .controls import Control, Settings, controls_of, plan_terms
from .engine import ModelText

__all__ = [
    "ControlView",
    "DepartmentControls",
    "design_html",
    "error_html",
    "event_html",
    "headline",
    "negativa_html",
    "page_html",
    "problems_html",
    "results_html",
    "working_html",
    "workspace_html",
]


@functools.cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("incentives.workshop", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["number"] = _number
    env.filters["breakable"] = _breakable
    return env


def _render(template: str, **context: Any) -> str:
    return str(_environment().get_template(template).render(**context))


def _breakable(name: str) -> Any:
    """A name that may break after its underscores and dots in a narrow column (escaped, then ``<wbr>``).

    Examples
    --------
    >>> str(_breakable("tickets_closed_per_hour"))
    'tickets_<wbr>closed_<wbr>per_<wbr>hour'
    >>> str(_breakable("<b>_"))
    '&lt;b&gt;_<wbr>'
    """
    import markupsafe

    escaped = str(markupsafe.escape(name))
    return markupsafe.Markup(escaped.replace("_", "_<wbr>").replace(".", ".<wbr>"))


def _number(value: float) -> str:
    """A number for an input field: as short as it is exact (``0.1``, ``90``, ``-10``)."""
    return f"{float(value):.12g}"


@dataclass(frozen=True, kw_only=True)
class ControlView:
    """A control as the page shows it: the control, its current value, and whether its term is paid."""

    control: Control
    value: float
    toggle: bool
    paid: bool

    @property
    def low(self) -> float:
        return min(self.control.low, self.value)

    @property
    def high(self) -> float:
        return max(self.control.high, self.value)

    @property
    def field(self) -> str:
        """The form field of its number: ``q:NAME``."""
        return f"q:{self.control.name}"

    @property
    def dom_id(self) -> str:
        return "c-" + self.control.name.replace(".", "-")


@dataclass(frozen=True, kw_only=True)
class DepartmentControls:
    """The controls of one department's plan."""

    department: str
    controls: tuple[ControlView, ...]


def _views(org: Organization, settings: Settings) -> tuple[list[DepartmentControls], list[ControlView]]:
    extra = [name for name in settings.values if name.startswith("bonus.")]
    paid = set(plan_terms(org))
    views = []
    for control in controls_of(org, extra):
        term = control.term
        views.append(
            ControlView(
                control=control,
                value=settings.values.get(control.name, control.value),
                toggle=term in paid,
                paid=term not in settings.dropped,
            )
        )
    departments = [
        DepartmentControls(department=d, controls=tuple(v for v in views if v.control.department == d))
        for d in org.department_names
    ]
    return departments, [v for v in views if v.control.kind == "parameter"]


def _model_view(org: Organization) -> dict[str, Any]:
    data = org.to_dict()
    departments = []
    for name, dept in data["departments"].items():
        actions = dept.get("actions", {})
        departments.append(
            {
                "name": name,
                "description": dept.get("description", ""),
                "actions": [(a, ", ".join(f"{k} = {v}" for k, v in values.items())) for a, values in actions.items()],
            }
        )
    return {
        "departments": departments,
        "kpis": list(data["kpis"].items()),
        "company_value": data["company_value"],
        "bonus": [
            (d, ", ".join(f"{w} × {k}" for k, w in plan.items()) or "nothing") for d, plan in data["bonus"].items()
        ],
    }


def _design_terms(org: Organization) -> list[tuple[str, list[tuple[str, bool]]]]:
    """For the design form: each department's terms (its KPIs and a share of company value), ticked if paid now."""
    paid = set(plan_terms(org))
    keys = [*org.kpis, COMPANY_VALUE]
    return [(d, [(k, Term(d, k) in paid or k == COMPANY_VALUE) for k in keys]) for d in org.department_names]


def workspace_html(base: str, model: ModelText, settings: Settings) -> str:
    """The controls (a form) and the results panel, which loads the analysis of the current settings."""
    assert model.organization is not None
    departments, parameters = _views(model.organization, settings)
    return _render("workspace.html", base=base, departments=departments, parameters=parameters)


def page_html(base: str, model: ModelText, settings: Settings) -> str:
    """The whole page of a session."""
    org = model.organization
    return _render(
        "page.html",
        base=base,
        model=model,
        org=org,
        workspace=workspace_html(base, model, settings) if org is not None else "",
        view=_model_view(org) if org is not None else None,
        design_terms=_design_terms(org) if org is not None else [],
        events=list(org.events) if org is not None else [],
        problems=problems_html(model.problems, model.source) if model.problems else "",
        line_count=model.text.count("\n") + 1,
    )


def headline(analysis: Any) -> dict[str, Any]:
    """The summary above the tables: the worst equilibrium against the optimum, who games, the price of anarchy."""
    from ..report import words

    worst = analysis.worst
    if worst is None:
        return {"gaming": [], "sentence": words.NO_GAMING_TO_COMPARE, "price": "", "equilibria": []}
    return {
        "gaming": list(analysis.gaming_departments),
        "sentence": words.equilibrium_sentence(worst),
        "price": words.price_sentences(analysis)[0],
        "equilibria": [item.label for item in analysis.equilibria],
        "worst_value": words.number(worst.company_value),
        "optimum_value": words.number(analysis.optimum.value),
    }


def _handout_tables(analysis: Any) -> tuple[str, str]:
    """The handout's tables (:mod:`incentives.report.handout`) as HTML: the first ones, and "Who games, who pays".

    "What each department does" (the equilibria against the company optimum) and "KPI alignment"
    come first, "Who games, who pays" after them in a block of its own (``#gaming-table``); the
    picture goes beside all of them where the screen is wide enough, else under them.
    """
    from ..report.blocks import Table
    from ..report.handout import Handout, handout_blocks
    from ..report.html import render_html

    tables = [b for b in handout_blocks(Handout(analysis=analysis)) if isinstance(b, Table)]
    below = [t for t in tables if t.title.startswith("Who games")]
    beside = [t for t in tables if t not in below]
    return render_html(beside), render_html(below) if below else ""


def results_html(analysis: Any, *, picture_url: str, milliseconds: float, changes: Sequence[str]) -> str:
    """The live results: the headline, the handout's tables, the dependency graph, and the full analysis report."""
    from ..report import render

    beside, below = _handout_tables(analysis)
    return _render(
        "results.html",
        head=headline(analysis),
        beside=beside,
        below=below,
        report=render(analysis, "html"),
        picture_url=picture_url,
        milliseconds=milliseconds,
        changes=list(changes),
    )


def working_html(*, poll_url: str, stage: str, seconds: float, sync: str) -> str:
    """A progress line that asks again for the job's result shortly (the page stays usable meanwhile)."""
    return _render("working.html", poll_url=poll_url, stage=stage, seconds=seconds, sync=sync)


def problems_html(problems: Iterable[Problem], source: str, *, title: str = "") -> str:
    """Problems with a model, each with its line (the editor marks the lines)."""
    items = list(problems)
    marks = [{"line": p.line, "message": f"{p.path}: {p.message}" if p.path else p.message} for p in items if p.line]
    return _render(
        "problems.html",
        problems=items,
        source=source,
        title=title or f"{len(items)} problem{'s' if len(items) != 1 else ''} in the model",
        marks=json.dumps(marks),
    )


def error_html(message: str, *, tone: str = "bad") -> str:
    """A message in place of a result (the settings cannot be evaluated, the request is refused)."""
    return _render("message.html", message=message, tone=tone)


def event_html(views: Any) -> str:
    """An event seen from each department: the perspectives report."""
    from ..report import render

    return _render("panel.html", report=render(views, "html"), kind="event", adopt_url="")


def design_html(design: Any, adopt_url: str) -> str:
    """A designed plan, verified, with a button that puts it on the sliders when one was found."""
    from ..report import render

    return _render(
        "panel.html", report=render(design, "html"), kind="design", adopt_url=adopt_url if design.found else ""
    )


def negativa_html(cut: Any) -> str:
    """What to stop paying for: the via negativa report."""
    from ..report import render

    return _render("panel.html", report=render(cut, "html"), kind="negativa", adopt_url="")
