"""A small builder for the linear and mixed-integer programs of incentive design, solved by HiGHS.

Rows are added in blocks (dense coefficient blocks over a few columns, as
:class:`~incentives.design.linear.Switches` give them) and assembled into one
sparse matrix; :func:`scipy.optimize.milp` (HiGHS) solves the program, linear
or mixed-integer alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

__all__ = ["Program", "ProgramResult"]


@dataclass(frozen=True, kw_only=True)
class ProgramResult:
    """Outcome of a program: ``status`` is one of optimal, infeasible, unbounded, time_limit, error."""

    status: str
    x: np.ndarray | None
    objective: float | None
    message: str
    proven: bool = True


_STATUS = {0: "optimal", 1: "time_limit", 2: "infeasible", 3: "unbounded", 4: "error"}


@dataclass
class Program:
    """Minimise ``objective @ x`` subject to row blocks ``lo <= A x <= hi``, bounds and integrality.

    Examples
    --------
    >>> p = Program()
    >>> x = p.add_variables(2, lower=0.0)
    >>> p.add_rows(x, np.array([[1.0, 1.0]]), lower=np.array([2.0]))
    array([0])
    >>> p.objective[x] = [1.0, 3.0]
    >>> p.solve().x.tolist()
    [2.0, 0.0]
    """

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[int] = field(default_factory=list)
    objective: np.ndarray = field(default_factory=lambda: np.zeros(0))
    n_rows: int = 0
    _rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    _row_lo: list[np.ndarray] = field(default_factory=list)
    _row_hi: list[np.ndarray] = field(default_factory=list)

    @property
    def n_variables(self) -> int:
        """Number of variables so far."""
        return len(self.lower)

    def add_variables(
        self,
        count: int,
        *,
        lower: float | np.ndarray = -np.inf,
        upper: float | np.ndarray = np.inf,
        integer: bool = False,
    ) -> np.ndarray:
        """Add ``count`` variables with bounds (objective coefficient 0); return their indices."""
        start = self.n_variables
        self.lower += np.broadcast_to(np.asarray(lower, dtype=float), (count,)).tolist()
        self.upper += np.broadcast_to(np.asarray(upper, dtype=float), (count,)).tolist()
        self.integer += [int(integer)] * count
        self.objective = np.concatenate([self.objective, np.zeros(count)])
        return np.arange(start, start + count, dtype=np.int64)

    def add_rows(
        self,
        columns: np.ndarray,
        coefficients: np.ndarray,
        *,
        lower: np.ndarray | float = -np.inf,
        upper: np.ndarray | float = np.inf,
    ) -> np.ndarray:
        """Add rows ``lower <= coefficients @ x[columns] <= upper``; return their row indices."""
        coefficients = np.atleast_2d(np.asarray(coefficients, dtype=float))
        count = coefficients.shape[0]
        rows = np.repeat(np.arange(self.n_rows, self.n_rows + count), len(columns))
        cols = np.tile(np.asarray(columns, dtype=np.int64), count)
        data = coefficients.reshape(-1)
        nonzero = data != 0
        self._rows.append((rows[nonzero], cols[nonzero], data[nonzero]))
        self._row_lo.append(np.broadcast_to(np.asarray(lower, dtype=float), (count,)).copy())
        self._row_hi.append(np.broadcast_to(np.asarray(upper, dtype=float), (count,)).copy())
        self.n_rows += count
        return np.arange(self.n_rows - count, self.n_rows)

    def add_sparse_rows(
        self, rows: np.ndarray, columns: np.ndarray, values: np.ndarray, *, lower: np.ndarray, upper: np.ndarray
    ) -> np.ndarray:
        """Add ``len(lower)`` rows given as triplets (row positions counted from 0 within the block)."""
        count = len(lower)
        self._rows.append(
            (
                np.asarray(rows, dtype=np.int64) + self.n_rows,
                np.asarray(columns, dtype=np.int64),
                np.asarray(values, dtype=float),
            )
        )
        self._row_lo.append(np.asarray(lower, dtype=float))
        self._row_hi.append(np.asarray(upper, dtype=float))
        self.n_rows += count
        return np.arange(self.n_rows - count, self.n_rows)

    def matrix(self) -> sparse.csr_array:
        """The assembled constraint matrix."""
        if not self._rows:
            return sparse.csr_array((self.n_rows, self.n_variables))
        rows, cols, data = (np.concatenate(parts) for parts in zip(*self._rows, strict=True))
        return sparse.csr_array(sparse.coo_array((data, (rows, cols)), shape=(self.n_rows, self.n_variables)))

    def _solve_empty(self, keep_rows: np.ndarray | None) -> ProgramResult:
        lo = np.concatenate(self._row_lo) if self._row_lo else np.zeros(0)
        hi = np.concatenate(self._row_hi) if self._row_hi else np.zeros(0)
        if keep_rows is not None:
            lo, hi = lo[keep_rows], hi[keep_rows]
        if np.all(lo <= 0) and np.all(hi >= 0):
            return ProgramResult(status="optimal", x=np.zeros(0), objective=0.0, message="no variables")
        return ProgramResult(status="infeasible", x=None, objective=None, message="no variables, and a row excludes 0")

    def solve(self, *, time_limit: float | None = None, keep_rows: np.ndarray | None = None) -> ProgramResult:
        """Solve with HiGHS; ``keep_rows`` (boolean mask) solves with only some rows.

        A program without variables (every term left out) is feasible when every row admits 0.
        """
        if not self.n_variables:
            return self._solve_empty(keep_rows)
        options: dict[str, float | bool] = {"disp": False}
        if time_limit is not None:
            options["time_limit"] = float(time_limit)
        constraints = []
        if self.n_rows:
            lo, hi = np.concatenate(self._row_lo), np.concatenate(self._row_hi)
            matrix = self.matrix()
            if keep_rows is not None:
                matrix, lo, hi = matrix[keep_rows], lo[keep_rows], hi[keep_rows]
            if matrix.shape[0]:
                constraints.append(LinearConstraint(matrix, lo, hi))
        result = milp(
            self.objective,
            integrality=np.asarray(self.integer),
            bounds=Bounds(np.asarray(self.lower), np.asarray(self.upper)),
            constraints=constraints,
            options=options,
        )
        status = _STATUS.get(int(result.status), "error")
        has_x = result.x is not None
        if status == "time_limit" and has_x:
            return ProgramResult(
                status="optimal",
                x=np.asarray(result.x),
                objective=float(result.fun),
                message=result.message,
                proven=False,
            )
        return ProgramResult(
            status=status,
            x=np.asarray(result.x) if has_x and status == "optimal" else None,
            objective=float(result.fun) if has_x and status == "optimal" else None,
            message=str(result.message),
        )
