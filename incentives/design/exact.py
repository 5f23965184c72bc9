"""The model a design works on: floats for the solvers, fractions for the guarantees, each formula evaluated once.

The linear programs of design and the equilibrium solvers work in floating point; the
guarantees of a plan (:mod:`incentives.design.rounding`) and the margins of its
verification (:mod:`incentives.design.verify`) are checked in exact arithmetic when the
model allows it: every number rational (:func:`incentives.build.is_rational_model`) and at
most :data:`EXACT_PROFILES` profiles.  Then the model is evaluated once, in fractions, and
its floating-point form is derived from that (:meth:`~incentives.EvaluatedModel.to_float`,
which evaluates nothing); the exact *twin* of a floating-point model is remembered, for the
last :data:`TWINS_KEPT` models, so that every design, cut and check of one model reads the
same arrays and no formula is evaluated twice.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

from ..build import AUTO_EXACT_PROFILES, evaluate_model, evaluated, is_rational_model
from ..evaluated import EvaluatedModel
from ..model import Organization

__all__ = ["EXACT_PROFILES", "TWINS_KEPT", "design_model", "exact_model", "exact_twin"]

#: Largest game (in profiles) whose guarantees are checked in exact arithmetic (when the model is rational).
EXACT_PROFILES = AUTO_EXACT_PROFILES

#: How many floating-point models keep their exact twin (the least recently used is dropped first).
TWINS_KEPT = 4

#: The exact twin of a floating-point model, by the id of the float model (kept alive with it, so the id is not
#: reused while the entry exists).
_TWINS: OrderedDict[int, tuple[EvaluatedModel, EvaluatedModel]] = OrderedDict()
_LOCK = threading.Lock()


def exact_model(org: Organization) -> EvaluatedModel | None:
    """``org`` evaluated in exact arithmetic, or None when it is not rational or has over :data:`EXACT_PROFILES`.

    Examples
    --------
    >>> import incentives as inc
    >>> exact_model(inc.load_model("examples/growing_company.yaml")).exact
    True
    """
    shape = tuple(len(d.actions) for d in org.departments)
    if math.prod(shape) > EXACT_PROFILES or not is_rational_model(org):
        return None
    return evaluate_model(org, exact=True)


def _remember(floats: EvaluatedModel, exact: EvaluatedModel) -> None:
    with _LOCK:
        _TWINS[id(floats)] = (floats, exact)
        _TWINS.move_to_end(id(floats))
        while len(_TWINS) > TWINS_KEPT:
            _TWINS.popitem(last=False)


def design_model(model: Organization | EvaluatedModel) -> EvaluatedModel:
    """The model in floating point, evaluated once: in fractions first when it is rational and small enough.

    The exact evaluation is remembered as the float model's twin (:func:`exact_twin`).

    Examples
    --------
    >>> import incentives as inc
    >>> model = design_model(inc.load_model("examples/growing_company.yaml"))
    >>> model.exact, exact_twin(model, evaluate=False).exact
    (False, True)
    """
    if isinstance(model, EvaluatedModel):
        if model.exact and not model.is_batch:
            floats = model.to_float()
            _remember(floats, model)
            return floats
        return evaluated(model, exact=False)
    exact = exact_model(model)
    if exact is None:
        return evaluate_model(model, exact=False)
    floats = exact.to_float()
    _remember(floats, exact)
    return floats


def exact_twin(model: EvaluatedModel, *, evaluate: bool = True) -> EvaluatedModel | None:
    """The exact form of ``model`` (itself when exact), or None when there is none.

    A float model made by :func:`design_model` has its twin already; another is evaluated
    exactly (once, then remembered) when ``evaluate`` and the model allows it.
    """
    if model.exact:
        return None if model.is_batch else model
    with _LOCK:
        hit = _TWINS.get(id(model))
    if hit is not None:
        return hit[1]
    if not evaluate or model.is_batch:
        return None
    exact = exact_model(model.organization)
    if exact is not None:
        _remember(model, exact)
    return exact
