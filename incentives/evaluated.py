"""The evaluated model: an organisation's formulas evaluated once over every action profile.

Between the organisation (formulas) and its analyses (numbers) sits one object,
:class:`EvaluatedModel`, built by :func:`incentives.build.evaluate_model` and
read by every analysis: gaming, perspectives, the dependency graph, design,
via negativa, transfers, verification and sweeps.  Nothing downstream evaluates
a formula again.

Arrays
------
With ``N`` departments, department ``i`` having ``n_i`` actions, every array
over profiles has shape ``(n_0, ..., n_{N-1})`` (department ``i``'s action on
axis ``i``), as in :mod:`incentives.game`:

* ``kpis[k]``: KPI ``k`` at every profile;
* ``company_value``: company value at every profile (always present);
* ``weights[d][k]``: the number department ``d``'s bonus plan pays per unit of
  KPI ``k`` (``k = "company_value"`` for a share of company value);
* ``terms[d][k] = weights[d][k] * kpis[k]``: what that term pays at every profile;
* ``action_costs[i][a]``: department ``i``'s private cost of its action ``a``, and
  ``costs[i]`` the same laid over all profiles (it varies along axis ``i`` only);
* ``payoffs[i] = sum_k terms[d_i][k] - costs[i]``: the game's payoffs.

A *batch* (the what-if analyses) evaluates the same model at ``P`` points of
some varied quantities at once: every array above gains a leading axis of
length ``P`` (``batch_shape == (P,)``), weights become arrays of shape ``(P,)``,
and :meth:`EvaluatedModel.point` gives the unbatched model at one point.

In exact mode the arrays hold :class:`fractions.Fraction` objects
(``dtype=object``) and weights are fractions.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._util import frozen_map, profile_label
from .game import Game, SizeBudget
from .model import COMPANY_VALUE, Organization

__all__ = ["EvaluatedModel"]


#: The ``points`` of a model that is not from a batch (read-only, so one array serves them all).
_NO_POINTS = np.zeros((0, 0))
_NO_POINTS.setflags(write=False)


@dataclass(frozen=True, kw_only=True)
class EvaluatedModel:
    """An organisation evaluated over every action profile (see the module docstring for the arrays).

    Build one with :func:`incentives.evaluate_model`; the constructor only checks shapes.

    Parameters
    ----------
    organization : Organization
        The model, with the parameter values it was evaluated at; for a batch, and for one
        point of a batch, the model as written, with ``quantities`` taking the values in ``points``.
    exact : bool
        Whether the arrays hold fractions.
    kpis : mapping of str to numpy.ndarray
        Each KPI over profiles, in the model's order.
    company_value : numpy.ndarray
        Company value over profiles.
    weights : mapping of str to mapping of str to number or numpy.ndarray
        Each department's bonus weights, as numbers (arrays over the batch).
    action_costs : tuple of numpy.ndarray
        For each department, shape ``(*batch_shape, n_i)``: the cost of each of its actions.
    payoffs : numpy.ndarray
        Shape ``(*batch_shape, N, n_0, ..., n_{N-1})``: the game's payoffs.
    batch_shape : tuple of int
        ``()`` for one model, ``(P,)`` for a batch of ``P`` points.
    quantities : tuple of str
        The quantities varied over the batch (empty for a model that is not from a batch).
    points : numpy.ndarray
        Shape ``(P, len(quantities))``: the value of each quantity at each point (one row
        for a point taken from a batch).
    budget : SizeBudget
        The size budget it was evaluated under; every analysis of it checks its own arrays
        against the same budget before allocating them.

    Examples
    --------
    >>> import incentives as inc
    >>> model = inc.evaluate_model(inc.load_model("examples/growing_company.yaml"))
    >>> model.shape, model.company_value.shape
    ((2, 2, 2, 2), (2, 2, 2, 2))
    >>> model.kpis["new_customers"][:, 0, 0, 0].tolist()  # consultative and aggressive sales, exact
    [Fraction(400, 1), Fraction(700, 1)]
    >>> model.game.players == model.organization.department_names
    True
    """

    organization: Organization
    exact: bool
    kpis: Mapping[str, np.ndarray]
    company_value: np.ndarray
    weights: Mapping[str, Mapping[str, Any]]
    action_costs: tuple[np.ndarray, ...]
    payoffs: np.ndarray
    batch_shape: tuple[int, ...] = ()
    quantities: tuple[str, ...] = ()
    points: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    budget: SizeBudget = field(default_factory=SizeBudget)

    def __post_init__(self) -> None:
        full = (*self.batch_shape, *self.shape)
        with_players = (*self.batch_shape, len(self.shape), *self.shape)
        if np.shape(self.payoffs) != with_players:
            raise ValueError(f"'payoffs' must have shape {with_players}; got {np.shape(self.payoffs)}")
        costs = tuple(self.action_costs)
        if [np.shape(c) for c in costs] != [(*self.batch_shape, n) for n in self.shape]:
            raise ValueError("'action_costs' must hold one array of shape (*batch_shape, n_i) per department")
        object.__setattr__(self, "action_costs", costs)
        if np.shape(self.company_value) != full:
            raise ValueError(f"'company_value' must have shape {full}; got {np.shape(self.company_value)}")
        for kpi, array in self.kpis.items():
            if np.shape(array) != full:
                raise ValueError(f"KPI {kpi!r} must have shape {full}; got {np.shape(array)}")
        object.__setattr__(self, "kpis", frozen_map(self.kpis))
        object.__setattr__(self, "weights", frozen_map({d: frozen_map(w) for d, w in self.weights.items()}))

    @classmethod
    def _checked(cls, **fields: Any) -> EvaluatedModel:
        """An unbatched model from arrays its maker has already checked: not checked again.

        For the evaluation kernel only, which has made what ``__post_init__`` checks: arrays
        of the right shapes, ``kpis`` and ``weights`` read-only mappings, ``action_costs`` a tuple.
        """
        model = object.__new__(cls)
        for name, value in {"batch_shape": (), "quantities": (), "points": _NO_POINTS, **fields}.items():
            object.__setattr__(model, name, value)
        return model

    # -- shape ------------------------------------------------------------------------
    @property
    def players(self) -> tuple[str, ...]:
        """Department names, in axis order."""
        return self.organization.department_names

    @property
    def actions(self) -> tuple[tuple[str, ...], ...]:
        """Each department's action names, in index order."""
        return tuple(d.action_names for d in self.organization.departments)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of actions of each department."""
        return tuple(len(d.actions) for d in self.organization.departments)

    @property
    def n_players(self) -> int:
        """Number of departments."""
        return len(self.organization.departments)

    @property
    def is_batch(self) -> bool:
        """Whether this holds a batch of points (see the module docstring)."""
        return bool(self.batch_shape)

    def check_size(self, *, arrays: float, task: str) -> int:
        """Refuse ``task`` if ``arrays`` more arrays over all profiles would not fit this model's budget."""
        return self.budget.check(self.shape, arrays=arrays, exact=self.exact, task=task)

    def profile_label(self, indices: Any) -> str:
        """``"sales=aggressive, support=fast_close"`` for a pure profile of action indices."""
        return profile_label(self.players, self.actions, tuple(indices))

    # -- derived arrays -----------------------------------------------------------------
    @functools.cached_property
    def game(self) -> Game:
        """The normal-form game the departments play (its ``company_value`` is set).

        Raises
        ------
        ValueError
            For a batch: take one point with :meth:`point` first.
        """
        self._require_single("game")
        return Game(
            players=self.players,
            actions=self.actions,
            payoffs=self.payoffs,
            company_value=self.company_value,
            title=self.organization.name,
        )

    def _set_game(self, game: Game) -> None:
        """Give the model its game, made by the evaluation kernel from arrays it has checked (not made again)."""
        self.__dict__["game"] = game  # where the cached property keeps it

    @functools.cached_property
    def terms(self) -> Mapping[str, Mapping[str, np.ndarray]]:
        """``terms[department][key]``: what each term of its bonus plan pays at every profile."""
        out = {}
        for dept in self.players:
            out[dept] = frozen_map({key: self._term(weight, key) for key, weight in self.weights.get(dept, {}).items()})
        return frozen_map(out)

    def _term(self, weight: Any, key: str) -> np.ndarray:
        values = self.company_value if key == COMPANY_VALUE else self.kpis[key]
        weight = np.asarray(weight, dtype=values.dtype)
        term = weight.reshape(weight.shape + (1,) * len(self.shape)) * values
        term.setflags(write=False)
        return term

    @functools.cached_property
    def costs(self) -> np.ndarray:
        """Shape ``(*batch_shape, N, n_0, ..., n_{N-1})``: each department's action cost at every profile."""
        out = np.zeros(np.shape(self.payoffs), dtype=self.payoffs.dtype)
        axis = len(self.batch_shape)
        for i in range(self.n_players):
            np.moveaxis(out, axis, 0)[i] = self._laid(i)
        out.setflags(write=False)
        return out

    def _laid(self, i: int) -> np.ndarray:
        """Department ``i``'s action costs shaped to broadcast over profiles (along its own axis)."""
        shape = [1] * self.n_players
        shape[i] = self.shape[i]
        return np.asarray(self.action_costs[i]).reshape((*self.batch_shape, *shape))

    @functools.cached_property
    def bonus_paid(self) -> np.ndarray:
        """Total bonus over departments at every profile (payoffs plus action costs, summed; shape as a KPI)."""
        axis = len(self.batch_shape)
        total = np.asarray(self.payoffs).sum(axis=axis)
        for i in range(self.n_players):
            total = total + self._laid(i)
        total.setflags(write=False)
        return total

    def values(self, key: str) -> np.ndarray:
        """A KPI's array, or company value's for ``"company_value"``."""
        return self.company_value if key == COMPANY_VALUE else self.kpis[key]

    # -- conversions ----------------------------------------------------------------------
    def to_float(self) -> EvaluatedModel:
        """The same model in floating point (no formula is evaluated again)."""
        if not self.exact:
            return self

        def floats(array: Any) -> Any:
            out = np.asarray(array, dtype=float)
            out.setflags(write=False)
            return out

        return EvaluatedModel(
            organization=self.organization,
            exact=False,
            kpis={k: floats(v) for k, v in self.kpis.items()},
            company_value=floats(self.company_value),
            weights={d: {k: float(w) for k, w in plan.items()} for d, plan in self.weights.items()},
            action_costs=tuple(floats(c) for c in self.action_costs),
            payoffs=floats(self.payoffs),
            batch_shape=self.batch_shape,
            quantities=self.quantities,
            points=self.points,
            budget=self.budget,
        )

    def point(self, index: int) -> EvaluatedModel:
        """The model at one point of a batch (no formula is evaluated again).

        Examples
        --------
        >>> import incentives as inc
        >>> from incentives.build import compile_model
        >>> org = inc.load_model("examples/growing_company.yaml")
        >>> batch = compile_model(org, ["customers_per_deal"]).evaluate([[100], [300]])
        >>> batch.batch_shape, batch.point(1).quantities, batch.point(1).points.tolist()
        ((2,), ('customers_per_deal',), [[300.0]])
        """
        if not self.is_batch:
            raise ValueError("point() takes one point of a batch; this model is not a batch")
        k = int(index)

        def at(array: Any) -> Any:
            return np.asarray(array)[k]

        return EvaluatedModel(
            organization=self.organization,
            exact=self.exact,
            kpis={name: at(v) for name, v in self.kpis.items()},
            company_value=at(self.company_value),
            weights={d: {key: _scalar(at(w)) for key, w in plan.items()} for d, plan in self.weights.items()},
            action_costs=tuple(at(c) for c in self.action_costs),
            payoffs=at(self.payoffs),
            quantities=self.quantities,
            points=self.points[k : k + 1],
            budget=self.budget,
        )

    def as_batch(self) -> EvaluatedModel:
        """This model as a batch of one point (every array gains a leading axis of length 1), in floating point.

        The inverse of :meth:`point`, for code written for batches.

        Examples
        --------
        >>> import incentives as inc
        >>> batch = inc.evaluate_model(inc.load_model("examples/growing_company.yaml")).as_batch()
        >>> batch.batch_shape, batch.payoffs.shape
        ((1,), (1, 4, 2, 2, 2, 2))
        """
        if self.is_batch:
            raise ValueError("as_batch() takes one model; this one is already a batch")

        def lead(array: Any) -> np.ndarray:
            out = np.asarray(array, dtype=float)[np.newaxis]
            out.setflags(write=False)
            return out

        return EvaluatedModel(
            organization=self.organization,
            exact=False,
            kpis={k: lead(v) for k, v in self.kpis.items()},
            company_value=lead(self.company_value),
            weights={d: {k: lead(float(w)) for k, w in plan.items()} for d, plan in self.weights.items()},
            action_costs=tuple(lead(c) for c in self.action_costs),
            payoffs=lead(self.payoffs),
            batch_shape=(1,),
            quantities=self.quantities,
            points=self.points if self.quantities else np.zeros((1, 0)),
            budget=self.budget,
        )

    def points_iter(self) -> Iterator[EvaluatedModel]:
        """Each point of a batch in turn."""
        for k in range(self.batch_shape[0] if self.is_batch else 0):
            yield self.point(k)

    def _require_single(self, what: str) -> None:
        if self.is_batch:
            raise ValueError(f"a batch of {self.batch_shape[0]} points has no single {what}: take one with .point(k)")


def _scalar(value: Any) -> Any:
    """A plain number from a 0-d array or numpy scalar (fractions stay fractions)."""
    if isinstance(value, np.ndarray | np.generic) and np.ndim(value) == 0:
        return value.item()
    return value
