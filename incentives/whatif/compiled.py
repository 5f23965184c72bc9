"""Games at many parameter points from formulas compiled once.

:func:`compile_model` turns an organisation into a :class:`CompiledModel`: its
formulas (see :mod:`incentives.whatif.quantities`) with the varied quantities as
arguments, compiled with :func:`sympy.lambdify` the first time they are needed.
:meth:`CompiledModel.evaluate` then fills the payoffs of a whole batch of points
in one call, vectorised over points and profiles at once: quantity ``q`` is an
array of shape ``(P, 1, ..., 1)`` (one entry per point) and decision variable
``d.v`` of department ``i`` an array whose axis ``1 + i`` runs over ``i``'s
actions, as in :mod:`incentives.build`; broadcasting does the rest.

A compiled model pickles without its compiled functions (they are rebuilt, once,
in the process that unpickles it), so it can be sent to worker processes and
cluster workers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from ..errors import ModelError, Problem
from ..formula import symbol
from ..game import Game
from ..model import Organization
from .quantities import SymbolicModel, symbolic_model

__all__ = ["CompiledModel", "compile_model"]


@dataclass(frozen=True)
class _Functions:
    main: Any  # (variables..., quantities...) -> [bonus_0, ..., bonus_{N-1}, company value]
    side: Any  # (quantities...) -> [action values..., costs...]


@dataclass(frozen=True, kw_only=True)
class CompiledModel:
    """An organisation's game as compiled formulas of a few quantities.

    Build one with :func:`compile_model`.

    Parameters
    ----------
    model : SymbolicModel
        The formulas, with the varied quantities kept symbolic.
    """

    model: SymbolicModel
    _functions: list[_Functions] = field(default_factory=list, compare=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        return {"model": self.model, "_functions": []}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @property
    def names(self) -> tuple[str, ...]:
        """The quantities, in argument order."""
        return self.model.names

    @property
    def base(self) -> np.ndarray:
        """The model's own value of each quantity, as floats."""
        return np.array([float(v) for v in self.model.base], dtype=float)

    def _compiled(self) -> _Functions:
        if not self._functions:
            model = self.model
            variables = [symbol(name) for _, name, _ in model.variables]
            quantities = list(model.symbols)
            main = sympy.lambdify(
                [*variables, *quantities], [*model.bonus, model.company_value], modules="numpy", cse=True
            )
            side_exprs = [v for _, _, values in model.variables for v in values]
            side_exprs += [c for row in model.costs for c in row]
            side = sympy.lambdify(quantities, side_exprs, modules="numpy")
            self._functions.append(_Functions(main=main, side=side))
        return self._functions[0]

    def points(self, values: Sequence[Mapping[str, float]] | np.ndarray) -> np.ndarray:
        """Points as an array of shape ``(P, len(names))``, from mappings or an array."""
        if isinstance(values, np.ndarray):
            array = np.asarray(values, dtype=float)
        else:
            rows = list(values)
            unknown = sorted({k for row in rows for k in row} - set(self.names))
            if unknown:
                raise ModelError(
                    [Problem(path=k, message=f"not one of the compiled quantities {list(self.names)}") for k in unknown]
                )
            base = self.base
            array = np.array([[row.get(n, base[j]) for j, n in enumerate(self.names)] for row in rows], dtype=float)
        if array.ndim != 2 or array.shape[1] != len(self.names):
            raise ValueError(f"expected points of shape (P, {len(self.names)}); got {array.shape}")
        return array

    def evaluate(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Payoffs and company value at a batch of points.

        Parameters
        ----------
        values : numpy.ndarray
            Shape ``(P, len(names))``: one row of quantity values per point.

        Returns
        -------
        payoffs : numpy.ndarray
            Shape ``(P, N, n_0, ..., n_{N-1})``: ``payoffs[p]`` is the game's payoff array at point ``p``.
        company_value : numpy.ndarray
            Shape ``(P, n_0, ..., n_{N-1})``.

        Raises
        ------
        ModelError
            If a payoff or the company value is not a finite number at some point.
        """
        values = self.points(values)
        model, functions = self.model, self._compiled()
        count, shape, n = len(values), model.shape, len(model.players)
        columns = [values[:, j] for j in range(len(model.names))]
        with np.errstate(all="ignore"):
            side = [np.broadcast_to(np.asarray(s, dtype=float), (count,)) for s in functions.side(*columns)]
            position, arrays = 0, []
            for i, _, action_values in model.variables:
                arrays.append(_along(np.stack(side[position : position + len(action_values)], axis=1), i, n))
                position += len(action_values)
            costs = []
            for i, row in enumerate(model.costs):
                costs.append(_along(np.stack(side[position : position + len(row)], axis=1), i, n))
                position += len(row)
            quantities = [c.reshape((count,) + (1,) * n) for c in columns]
            outputs = functions.main(*np.broadcast_arrays(*arrays, *quantities))
            payoffs = np.empty((count, n, *shape), dtype=float)
            for i in range(n):
                payoffs[:, i] = np.broadcast_to(np.asarray(outputs[i], dtype=float), (count, *shape)) - costs[i]
            company_value = np.array(np.broadcast_to(np.asarray(outputs[n], dtype=float), (count, *shape)))
        self._check_finite(values, payoffs, company_value)
        return payoffs, company_value

    def _check_finite(self, values: np.ndarray, payoffs: np.ndarray, company_value: np.ndarray) -> None:
        bad_payoffs = ~np.isfinite(payoffs.reshape(len(values), len(self.model.players), -1)).all(axis=2)
        bad_value = ~np.isfinite(company_value.reshape(len(values), -1)).all(axis=1)
        bad = np.flatnonzero(bad_payoffs.any(axis=1) | bad_value)
        if bad.size == 0:
            return
        point = int(bad[0])
        where = [f"{d}'s payoff" for d, b in zip(self.model.players, bad_payoffs[point], strict=True) if b]
        where += ["company value"] if bad_value[point] else []
        at = ", ".join(f"{n}={_num(v)}" for n, v in zip(self.names, values[point], strict=True))
        raise ModelError(
            [
                Problem(
                    path=", ".join(where),
                    message=f"not a finite number at {at or 'the model values'} (a division by zero, "
                    f"or the log of a non-positive number?); {bad.size} of {len(values)} points are affected",
                )
            ]
        )

    def games(self, values: np.ndarray) -> list[Game]:
        """The game at each point of a batch (see :meth:`evaluate`)."""
        payoffs, company_value = self.evaluate(values)
        model = self.model
        return [
            Game(players=model.players, actions=model.actions, payoffs=p, company_value=v, title=model.title)
            for p, v in zip(payoffs, company_value, strict=True)
        ]

    def game(self, values: Mapping[str, float] | None = None) -> Game:
        """The game at one point, given as ``{quantity: value}`` (missing quantities keep the model's value).

        Examples
        --------
        >>> import incentives as inc
        >>> compiled = compile_model(inc.load_model("examples/growing_company.yaml"), ["customers_per_deal"])
        >>> game = compiled.game({"customers_per_deal": 300})
        >>> bool(abs(game.company_value[1, 1, 1, 1] - (112 * 300 / 125 + 64)) < 1e-9)
        True
        """
        return self.games(self.points([dict(values or {})]))[0]


def _along(column: np.ndarray, axis: int, n: int) -> np.ndarray:
    """``(P, n_i)`` values laid along axis ``1 + axis`` of a ``(P, n_0, ..., n_{N-1})`` array."""
    shape = [column.shape[0]] + [1] * n
    shape[1 + axis] = column.shape[1]
    return column.reshape(shape)


def _num(value: float) -> str:
    return f"{value:.6g}"


def compile_model(org: Organization, names: Iterable[str]) -> CompiledModel:
    """Compile the game of ``org`` as a function of the quantities ``names``.

    Parameters
    ----------
    org : Organization
    names : iterable of str
        Parameters, ``bonus.DEPARTMENT.KPI`` weights or ``costs.DEPARTMENT.ACTION``
        costs (see :mod:`incentives.whatif.quantities`); every other parameter
        keeps the model's value.

    Returns
    -------
    CompiledModel

    Raises
    ------
    ModelError
        If a name is not a quantity of the model.

    Examples
    --------
    >>> import numpy as np
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> compiled = compile_model(org, ["customers_per_deal", "bonus.support.tickets_closed_per_hour"])
    >>> payoffs, value = compiled.evaluate(np.array([[100, 2], [300, 0.5]]))
    >>> payoffs.shape, value.shape
    ((2, 4, 2, 2, 2, 2), (2, 2, 2, 2, 2))
    >>> bool(np.allclose(payoffs[0], inc.build_game(org).float_payoffs()))
    True
    """
    return CompiledModel(model=symbolic_model(org, names))
