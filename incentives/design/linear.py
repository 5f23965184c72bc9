"""Payoffs as linear functions of bonus weights: the structure every design rests on.

Definitions
-----------
Department ``i``'s payoff under a bonus plan with weights ``w`` is

    ``u_i(s) = sum_k w_ik KPI_k(s) + w_i,cv V(s) - c_i(s_i)``

where ``KPI_k`` and the company value ``V`` are fixed arrays over all profiles
``s`` and ``c_i`` is ``i``'s action cost.  More generally a design works with
payoffs that are *affine* in a vector ``x`` of design variables (bonus weights,
transfer rates, keep-or-drop switches)::

    u_i(s) = base_i(s) + sum_j x_j T_ij(s)

where ``T_ij`` is non-zero only for the variables ``j`` that department ``i``'s
pay depends on.  A *switch* of department ``i`` at profile ``s`` to action
``a`` then gains

    ``g(a | s) = u_i(a, s_-i) - u_i(s) = (base_i(a, s_-i) - base_i(s)) + sum_j x_j (T_ij(a, s_-i) - T_ij(s))``

which is affine in ``x``.  Every condition a design imposes is a set of such
gains: a Nash equilibrium at ``t`` with margin ``m`` asks ``-g(a | t) >= m`` for
every ``a != t_i``; a dominant-strategy profile asks the same at every ``s`` with
``s_i = t_i``; a unique pure equilibrium also asks that every other profile has
some switch with ``g >= m``.  :func:`switch_gains` builds the coefficients of
many switches at once by indexing flat arrays (no Python loop over profiles).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Generic, TypeVar

import numpy as np
import sympy

from .._util import Number
from .._util import profile_label as _label
from ..errors import DesignError
from ..evaluated import EvaluatedModel
from ..model import COMPANY_VALUE, Organization
from ..tolerance import RTOL, is_zero
from .terms import Term

__all__ = [
    "LinearPayoffs",
    "Switches",
    "bonus_payoffs",
    "current_weights",
    "fixed_bonus",
    "kpi_values",
    "nice_weight",
    "parse_target",
    "profile_label",
    "profiles_where",
    "switch_gains",
    "weights_to_bonus",
]


#: The label of a design variable: a :class:`~incentives.design.terms.Term` for a bonus weight, a
#: keep-or-cap switch in via negativa, a payer -> receiver offer for transfers.
Label = TypeVar("Label", bound=Hashable)


@dataclass(frozen=True, kw_only=True)
class LinearPayoffs(Generic[Label]):
    """Payoffs affine in design variables: ``u_i(s) = base[i][s] + sum_j x[owned[i][j]] * terms[i][j][s]``.

    Parameters
    ----------
    players : tuple of str
    actions : tuple of tuple of str
    variables : tuple
        A typed label for each design variable (``str()`` of a label reads as the variable's name).
    base : numpy.ndarray
        Shape ``(N, n_0, ..., n_{N-1})``: the part of each payoff that no variable moves.
    owned : tuple of numpy.ndarray
        For each player, the indices of the variables its payoff depends on.
    terms : tuple of numpy.ndarray
        For each player, shape ``(len(owned[i]), n_0, ..., n_{N-1})``.
    """

    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    variables: tuple[Label, ...]
    base: np.ndarray
    owned: tuple[np.ndarray, ...]
    terms: tuple[np.ndarray, ...]

    def __post_init__(self) -> None:
        shape = tuple(len(a) for a in self.actions)
        if self.base.shape != (len(self.players), *shape):
            raise DesignError(f"base payoffs have shape {self.base.shape}; expected {(len(self.players), *shape)}")
        for i, (cols, arr) in enumerate(zip(self.owned, self.terms, strict=True)):
            if arr.shape != (len(cols), *shape):
                raise DesignError(f"terms of player {i} have shape {arr.shape}; expected {(len(cols), *shape)}")

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of actions of each player."""
        return tuple(len(a) for a in self.actions)

    @property
    def n_profiles(self) -> int:
        """Number of pure profiles."""
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def exact(self) -> bool:
        """Whether the arrays hold exact fractions (object arrays) rather than floats."""
        return bool(self.base.dtype == object)

    def payoffs(self, x: Any) -> np.ndarray:
        """Payoff arrays, shape ``(N, n_0, ...)``, for a given vector of design variables.

        Exact (fractions) when the arrays are exact, else floats.
        """
        dtype = object if self.exact else float
        out = np.array(self.base, dtype=dtype)
        values = np.asarray(x, dtype=dtype)
        for i, (cols, arr) in enumerate(zip(self.owned, self.terms, strict=True)):
            if len(cols):
                out[i] = out[i] + np.tensordot(values[cols], arr, axes=1)
        return out


@dataclass(frozen=True, kw_only=True)
class Switches:
    """Gains of unilateral switches of one player, affine in the design variables.

    Row ``r`` is the switch of ``player`` at profile ``origins[r]`` (a flat index)
    to action ``to[r]``; it gains ``constant[r] + coefficients[r] @ x[columns]``.
    """

    player: int
    origins: np.ndarray
    to: np.ndarray
    constant: np.ndarray
    coefficients: np.ndarray
    columns: np.ndarray

    def __len__(self) -> int:
        return len(self.origins)

    def subset(self, rows: np.ndarray) -> Switches:
        """The switches at the given row positions (or boolean mask)."""
        return Switches(
            player=self.player,
            origins=self.origins[rows],
            to=self.to[rows],
            constant=self.constant[rows],
            coefficients=self.coefficients[rows],
            columns=self.columns,
        )


def _dtype(model: EvaluatedModel) -> type:
    return object if model.exact else float


def kpi_values(model: EvaluatedModel) -> dict[str, np.ndarray]:
    """Every KPI and the company value (key ``"company_value"``) as arrays over all profiles.

    Float arrays, or arrays of fractions when the model is evaluated exactly.
    """
    values = {**model.kpis, COMPANY_VALUE: model.company_value}
    return {k: np.asarray(v, dtype=_dtype(model)) for k, v in values.items()}


def cost_arrays(model: EvaluatedModel) -> np.ndarray:
    """Each department's action cost at every profile, shape ``(N, n_0, ...)`` (float, or fractions if exact)."""
    return np.asarray(model.costs, dtype=_dtype(model))


def bonus_payoffs(
    model: EvaluatedModel,
    allowed: Mapping[str, Sequence[str]],
    values: Mapping[str, np.ndarray] | None = None,
    *,
    fixed: Mapping[Term, float] | None = None,
) -> LinearPayoffs[Term]:
    """Payoffs linear in the bonus weights ``allowed[department]`` (KPI names or ``"company_value"``).

    The variables are :class:`~incentives.design.terms.Term` s, department by department.
    Terms in ``fixed`` (term -> weight) are paid as they are, in the fixed part.

    Examples
    --------
    >>> import incentives as inc
    >>> model = inc.evaluate_model(inc.load_model("examples/growing_company.yaml"), exact=False)
    >>> lin = bonus_payoffs(model, {"sales": ["new_customers"], "support": ["company_value"]})
    >>> [str(term) for term in lin.variables]
    ['sales:new_customers', 'support:company_value']
    >>> float(lin.payoffs([0.01, 0.0])[0].max())
    7.0
    """
    values = kpi_values(model) if values is None else values
    base = -cost_arrays(model) + fixed_bonus(model.players, fixed or {}, values)
    shape = base.shape[1:]
    labels: list[Term] = []
    owned, terms = [], []
    for dept in model.players:
        keys = list(allowed.get(dept, ()))
        owned.append(np.arange(len(labels), len(labels) + len(keys), dtype=np.int64))
        labels += [Term(dept, k) for k in keys]
        terms.append(np.stack([values[k] for k in keys]) if keys else np.zeros((0, *shape)))
    return LinearPayoffs(
        players=model.players,
        actions=model.actions,
        variables=tuple(labels),
        base=base,
        owned=tuple(owned),
        terms=tuple(terms),
    )


def fixed_bonus(
    departments: Sequence[str], fixed: Mapping[Term, Number], values: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Each department's bonus from ``fixed`` terms (term -> weight) at every profile, shape ``(N, n_0, ...)``.

    Exact (fractions) when ``values`` are.

    Examples
    --------
    >>> import incentives as inc
    >>> model = inc.evaluate_model(inc.load_model("examples/growing_company.yaml"), exact=False)
    >>> pay = fixed_bonus(model.players, {Term("support", "company_value"): 0.5}, kpi_values(model))
    >>> float(pay[1].max()) == 0.5 * float(model.company_value.max()), float(abs(pay[0]).max())
    (True, 0.0)
    """
    shape, exact = values[COMPANY_VALUE].shape, values[COMPANY_VALUE].dtype.kind == "O"
    out = np.zeros((len(departments), *shape), dtype=object if exact else float)
    if exact:
        out[...] = Fraction(0)
    for (dept, key), weight in fixed.items():
        i = departments.index(dept)
        out[i] = out[i] + (Fraction(weight) if exact else weight) * values[key]
    return out


def profiles_where(shape: Sequence[int], player: int, action: int) -> np.ndarray:
    """Flat indices (C order) of every profile in which ``player`` plays ``action``."""
    grid = np.arange(int(np.prod(shape, dtype=np.int64))).reshape(tuple(shape))
    return np.take(grid, action, axis=player).ravel()


def switch_gains(lin: LinearPayoffs[Any], player: int, origins: np.ndarray) -> Switches:
    """Every switch of ``player`` to another action, at each origin profile (flat indices).

    Vectorised: the switched profile of row ``r`` is ``origins[r] + (a - s_i) * stride_i``.
    """
    shape = lin.shape
    n = shape[player]
    stride = int(np.prod(shape[player + 1 :], dtype=np.int64))
    origins = np.asarray(origins, dtype=np.int64)
    own = (origins // stride) % n
    grid_from = np.repeat(origins, n)
    grid_own = np.repeat(own, n)
    grid_to = np.tile(np.arange(n), len(origins))
    keep = grid_to != grid_own
    frm, to = grid_from[keep], grid_to[keep]
    dest = frm + (to - grid_own[keep]) * stride
    base = lin.base[player].ravel()
    terms = lin.terms[player].reshape(len(lin.owned[player]), lin.n_profiles)
    return Switches(
        player=player,
        origins=frm,
        to=to,
        constant=base[dest] - base[frm],
        coefficients=(terms[:, dest] - terms[:, frm]).T,
        columns=lin.owned[player],
    )


def profile_label(lin: LinearPayoffs[Any], flat: int, *, skip: int | None = None) -> str:
    """``"sales=aggressive, support=fast"`` for a flat profile index (optionally leaving one player out)."""
    index = [int(k) for k in np.unravel_index(int(flat), lin.shape)]
    return _label(lin.players, lin.actions, index, skip=skip)


def parse_target(
    org: Organization, target: Mapping[str, str] | Sequence[int], default: Sequence[int]
) -> tuple[int, ...]:
    """Action indices of a target profile given by names (missing departments keep ``default``) or indices.

    Raises
    ------
    DesignError
        If a department or action is unknown, or indices are out of range.
    """
    if isinstance(target, Mapping):
        out = list(default)
        for dept, action in target.items():
            if dept not in org.department_names:
                raise DesignError(
                    f"target: unknown department {dept!r}; the departments are {list(org.department_names)}"
                )
            names = org.department(dept).action_names
            if action not in names:
                raise DesignError(f"target: {dept!r} has no action {action!r}; its actions are {list(names)}")
            out[org.department_names.index(dept)] = names.index(action)
        return tuple(out)
    indices = tuple(int(k) for k in target)
    shape = tuple(len(d.actions) for d in org.departments)
    if len(indices) != len(shape) or any(not 0 <= k < n for k, n in zip(indices, shape, strict=False)):
        raise DesignError(f"target: expected one action index per department within {shape}; got {indices}")
    return indices


def current_weights(model: EvaluatedModel) -> dict[str, dict[str, float]]:
    """The current bonus weights as numbers (parameters substituted), in the model's order."""
    order = model.organization.bonus
    return {d: {k: float(model.weights[d][k]) for k in order[d]} for d in order if d in model.weights}


def nice_weight(value: float, *, digits: int = 6, tol: float = RTOL) -> sympy.Rational:
    """A weight as an exact number a workshop can read: a simple fraction when it is one, else ``digits`` figures.

    A simple fraction (denominator up to 1000) is used when it differs from ``value`` by
    nothing at the relative tolerance ``tol``.

    Examples
    --------
    >>> nice_weight(0.375), nice_weight(1 / 3), nice_weight(0.1 + 0.2), nice_weight(0.12345678)
    (3/8, 1/3, 3/10, 123457/1000000)
    """
    if value == 0 or not np.isfinite(value):
        return sympy.Integer(0)
    simple = Fraction(value).limit_denominator(1000)
    if is_zero(float(simple) - value, scale=value, rtol=tol):
        return sympy.Rational(simple.numerator, simple.denominator)
    return sympy.Rational(f"{value:.{digits}g}")


def weights_to_bonus(
    org: Organization, weights: Mapping[str, Mapping[str, float]], *, tol: float = RTOL
) -> dict[str, dict[str, sympy.Expr]]:
    """A bonus mapping for :func:`dataclasses.replace` from numeric weights; weights near zero are left out.

    A weight is near zero when :func:`~incentives.tolerance.is_zero` says so at the relative
    tolerance ``tol``.  Departments keep the model's order, and keys the order KPIs have in the model.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> weights_to_bonus(org, {"support": {"company_value": 0.125, "tickets": 1e-12}})
    {'support': {'company_value': 1/8}}
    """
    order = [*org.kpis, COMPANY_VALUE]
    bonus: dict[str, dict[str, sympy.Expr]] = {}
    for dept in org.department_names:
        given = weights.get(dept, {})
        kept = {
            k: nice_weight(float(given[k]), tol=tol)
            for k in order
            if k in given and not is_zero(float(given[k]), rtol=tol)
        }
        kept = {k: v for k, v in kept.items() if v != 0}
        if kept:
            bonus[dept] = kept
    return bonus
