"""Second-order conditions: is a department's payoff concave in its own variables?

Definitions
-----------
Let ``H`` be the Hessian of department ``d``'s payoff with respect to its own
variables.  The payoff is

* *strictly concave* where ``H`` is negative definite: every leading principal
  minor ``D_k`` has the sign of ``(-1)**k`` (Sylvester's criterion);
* *concave* where ``H`` is negative semidefinite: every principal minor ``M`` of
  order ``k`` has ``(-1)**k * M >= 0``.

The check is first made *everywhere*, symbolically, with every symbolic
parameter given the sign of its model value and every variable the sign its
bounds force (``lower: 0`` makes it nonnegative).  Concavity everywhere makes
every first-order (KKT) point a best response.  When sympy cannot decide, the
check is made *at the solution*: the eigenvalues of ``H`` there, restricted to
the variables not held at a bound, must be negative (strictly concave) or at
most 0 (concave) -- the second-order condition for a local maximum.  A
principal minor with the wrong sign everywhere, or a positive eigenvalue at
the solution, is a concavity failure: the first-order conditions then do not
find best responses, and the numeric solver, which checks every candidate on a
grid, is used instead.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from ..tolerance import RTOL

__all__ = ["CONCAVITY_STATUSES", "Concavity", "concavity"]

#: The possible findings.
CONCAVITY_STATUSES = ("strictly concave", "concave", "not concave", "undetermined")


@dataclass(frozen=True, kw_only=True)
class Concavity:
    """The second-order check of one department's payoff (or the principal's objective).

    Parameters
    ----------
    department : str
    hessian : sympy.ImmutableMatrix
        Second derivatives of the payoff in the department's own variables.
    variables : tuple of str
        The variables, in the Hessian's order.
    status : str
        One of :data:`CONCAVITY_STATUSES`.
    scope : str
        ``"everywhere"`` (proved symbolically), ``"at the solution"`` (checked numerically
        at the equilibrium) or ``""`` (undetermined).
    detail : str
        The evidence, in words.
    """

    department: str
    hessian: sympy.ImmutableMatrix
    variables: tuple[str, ...]
    status: str
    scope: str
    detail: str

    def __post_init__(self) -> None:
        if self.status not in CONCAVITY_STATUSES:
            raise ValueError(f"status must be one of {CONCAVITY_STATUSES}; got {self.status!r}")

    @property
    def holds(self) -> bool:
        """Whether the payoff is (strictly) concave, everywhere or at the solution."""
        return self.status in ("strictly concave", "concave")

    def sentence(self) -> str:
        """One line for reports."""
        where = f" {self.scope}" if self.scope else ""
        return f"{self.department}: {self.status}{where} ({self.detail})"


def _minor(matrix: sympy.Matrix, rows: Sequence[int]) -> sympy.Expr:
    return sympy.factor(sympy.cancel(matrix.extract(list(rows), list(rows)).det()))


def _symbolic(hessian: sympy.Matrix) -> tuple[str, str] | None:
    """Status and evidence if sympy can decide everywhere, else None."""
    n = hessian.shape[0]
    leading = [(-1) ** k * _minor(hessian, range(k)) for k in range(1, n + 1)]
    if all(m.is_positive for m in leading):
        return "strictly concave", "Hessian negative definite: leading principal minors alternate in sign"
    failure = None
    undecided = False
    for k in range(1, n + 1):
        for rows in itertools.combinations(range(n), k):
            signed = (-1) ** k * _minor(hessian, rows)
            if signed.is_negative:
                failure = failure or (rows, signed)
            elif not signed.is_nonnegative:
                undecided = True
    if failure is not None:
        rows, signed = failure
        what = f"second derivative {-signed} > 0" if len(rows) == 1 else f"principal minor {rows} of the wrong sign"
        return "not concave", f"{what}: the payoff is convex in some direction"
    if not undecided:
        return "concave", "Hessian negative semidefinite"
    return None


def concavity(
    department: str,
    payoff: sympy.Expr,
    variables: Sequence[sympy.Symbol],
    *,
    signs: Mapping[sympy.Symbol, sympy.Symbol] | None = None,
    at: Mapping[sympy.Symbol, float] | None = None,
    interior: Sequence[sympy.Symbol] | None = None,
    tol: float = RTOL,
) -> Concavity:
    """Check the second-order conditions of ``payoff`` in ``variables``.

    Parameters
    ----------
    department : str
        Name for the report.
    payoff : sympy.Expr
    variables : sequence of sympy.Symbol
        The department's own variables.
    signs : mapping, optional
        Symbols with sign assumptions to substitute before deciding (see
        :meth:`~incentives.continuous.ContinuousGame.signs`).
    at : mapping of sympy.Symbol to float, optional
        A point (every symbol of the Hessian) to check at when sympy cannot decide.
    interior : sequence of sympy.Symbol, optional
        The variables not held at a bound at that point (default: all).
    tol : float
        Eigenvalues within ``tol`` of 0 count as 0.

    Returns
    -------
    Concavity

    Examples
    --------
    >>> import sympy
    >>> e, w = sympy.symbols("e w", real=True)
    >>> concavity("agent", w * e - e**2 / 2, [e]).status
    'strictly concave'
    >>> concavity("agent", w * e**2, [e], signs={w: sympy.Symbol("w", positive=True)}).status
    'not concave'
    """
    hessian = sympy.ImmutableMatrix(sympy.hessian(payoff, list(variables)).applyfunc(sympy.cancel))
    verdict = functools.partial(
        Concavity, department=department, hessian=hessian, variables=tuple(v.name for v in variables)
    )
    found = _symbolic(hessian.xreplace(dict(signs or {})))
    if found is not None:
        return verdict(status=found[0], scope="everywhere", detail=found[1])
    if at is None:
        return verdict(status="undetermined", scope="", detail="sympy cannot decide the sign of the Hessian's minors")
    keep = [i for i, v in enumerate(variables) if interior is None or v in interior]
    try:
        numeric = np.array(hessian.xreplace(dict(at)).evalf(), dtype=float)[np.ix_(keep, keep)]
    except TypeError:
        return verdict(
            status="undetermined",
            scope="",
            detail="the Hessian is not defined at the solution (the payoff has a kink there)",
        )
    top = float(np.max(np.linalg.eigvalsh(numeric))) if keep else 0.0
    status = "strictly concave" if top < -tol else ("concave" if top <= tol else "not concave")
    return verdict(status=status, scope="at the solution", detail=f"largest eigenvalue of the Hessian there {top:.3g}")
