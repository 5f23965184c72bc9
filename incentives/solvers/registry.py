"""The solver registry and :func:`solve`, the one entry point to every solver.

A solver is a free function ``kernel(game, *, tol, budget) -> SolverOutput``
registered under a method name with :func:`register_solver`.  :func:`solve`
looks the method up, runs the kernel within its budget, then checks every
candidate it returns independently (:func:`incentives.equilibrium.regret`),
merges duplicates, and reports candidates that fail the check instead of
dropping them.

Tolerance
---------
A candidate is accepted when its regret is at most ``tol * scale``, where
``scale = max(1, max |payoff|)``; exact games with exact candidates need a
regret of exactly zero.
"""

from __future__ import annotations

import importlib
import itertools
import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from .._display import report_text
from ..equilibrium import Equilibrium, Profile, as_profile, make_equilibria
from ..errors import DegenerateGameWarning, IncompleteSearchWarning, SolverError, UnknownMethodError
from ..game import Game
from ..limits import MAX_EQUILIBRIA
from ..tolerance import DUPLICATE_ATOL, RTOL

__all__ = [
    "BUILT_IN",
    "DEFAULT_TOL",
    "Budget",
    "EquilibriumComponent",
    "SolveResult",
    "SolverOutput",
    "SolverSpec",
    "method_names",
    "register_solver",
    "registered_solvers",
    "solve",
]

#: Default relative tolerance on an equilibrium's regret (times the payoff scale).
DEFAULT_TOL = RTOL

#: Decimal places to which duplicate profiles are merged (DUPLICATE_ATOL = 1e-7).
_DUPLICATE_DIGITS = round(-math.log10(DUPLICATE_ATOL))

#: Candidates verified between two looks at the clock.
_VERIFY_STRIDE = 64

#: The most characters of notes a warning of an incomplete search quotes (the result's notes hold them all).
_WARNING_CHARS = 1_000

Status = Literal["complete", "incomplete", "budget_exhausted"]


@dataclass
class Budget:
    """A time and iteration budget that bounded solvers check as they go.

    Parameters
    ----------
    max_seconds : float or None
        Wall-clock limit; None for no limit.
    max_iterations : int or None
        Limit on the solver's unit of work (pivots, supports, ...); None for no limit.
    """

    max_seconds: float | None = None
    max_iterations: int | None = None
    iterations: int = 0
    started: float = field(default_factory=time.perf_counter)

    def tick(self, n: int = 1) -> bool:
        """Count ``n`` units of work; return True while budget remains."""
        self.iterations += n
        return not self.exhausted()

    def exhausted(self) -> bool:
        """Whether the time or iteration limit has been reached."""
        if self.max_iterations is not None and self.iterations >= self.max_iterations:
            return True
        return self.max_seconds is not None and self.elapsed() >= self.max_seconds

    def elapsed(self) -> float:
        """Seconds since the budget was created."""
        return time.perf_counter() - self.started


@dataclass(frozen=True, kw_only=True)
class EquilibriumComponent:
    """A set of equilibria that is not a single point (a component), and one verified point of it.

    Parameters
    ----------
    representative : profile
        One equilibrium of the set; it is also listed among the equilibria.
    support : tuple of tuple of int
        The support profile (each player's actions played with positive probability) whose
        indifference system holds the set.
    dimension : int or None
        Local dimension of the set at the representative (None when unknown).
    note : str
        The finding in plain words.
    """

    representative: Profile
    support: tuple[tuple[int, ...], ...]
    dimension: int | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class SolverOutput:
    """What a solver kernel returns before :func:`solve` verifies it.

    Parameters
    ----------
    profiles : sequence of profiles
        Candidate equilibria, one probability vector per player each.
    status : {"complete", "incomplete", "budget_exhausted"}
        ``complete`` when the method found everything it promises.
    degenerate : bool or None
        Whether the game was found to be degenerate; None when the method cannot tell.
    notes : tuple of str
        Anything the user should know (in plain words).
    components : tuple of EquilibriumComponent
        Sets of equilibria found to be components rather than points (N-player methods).
    """

    profiles: Sequence[Profile]
    status: Status = "complete"
    degenerate: bool | None = None
    notes: tuple[str, ...] = ()
    components: tuple[EquilibriumComponent, ...] = ()


Kernel = Callable[..., SolverOutput]


@dataclass(frozen=True, kw_only=True)
class SolverSpec:
    """A registered solver: its kernel and what it promises."""

    name: str
    kernel: Kernel
    players: int | None
    finds: str
    summary: str


_REGISTRY: dict[str, SolverSpec] = {}

#: The module (in :mod:`incentives.solvers`) that registers each built-in method.  A method is imported
#: when it is first used, so checking a method name or solving with one loads only that solver.
BUILT_IN: dict[str, str] = {
    "all": "enumerate_all",
    "lemke-howson": "lemke_howson",
    "logit": "qre",
    "nashpy-lemke-howson": "nashpy_methods",
    "nashpy-support-enumeration": "nashpy_methods",
    "nashpy-vertex-enumeration": "nashpy_methods",
    "pure": "pure",
    "support-enumeration": "support_enumeration",
    "support-enumeration-n": "polynomial_support",
    "vertex-enumeration": "vertex_enumeration",
}


def register_solver(name: str, *, players: int | None, finds: str, summary: str) -> Callable[[Kernel], Kernel]:
    """Register a solver kernel under a method name (decorator).

    Parameters
    ----------
    name : str
        Method name used by :func:`solve` and the CLI.
    players : int or None
        The number of players the method handles; None for any number.
    finds : str
        What the method promises, e.g. ``"all pure equilibria"``.
    summary : str
        One line for ``incentives solve --help`` and the reports.
    """

    def decorate(kernel: Kernel) -> Kernel:
        if name in _REGISTRY:
            raise ValueError(f"a solver named {name!r} is already registered")
        _REGISTRY[name] = SolverSpec(name=name, kernel=kernel, players=players, finds=finds, summary=summary)
        return kernel

    return decorate


def registered_solvers() -> dict[str, SolverSpec]:
    """Every registered solver, by method name (this imports every built-in solver)."""
    for name in BUILT_IN:
        _spec(name)
    return dict(sorted(_REGISTRY.items()))


def method_names() -> list[str]:
    """The names of every method, built-in or registered, without importing a solver."""
    return sorted({*BUILT_IN, *_REGISTRY})


def _spec(name: str) -> SolverSpec | None:
    """The solver registered under ``name``, importing its built-in module on first use."""
    if name not in _REGISTRY and name in BUILT_IN:
        importlib.import_module(f"{__package__}.{BUILT_IN[name]}")
    return _REGISTRY.get(name)


@dataclass(frozen=True, kw_only=True)
class SolveResult:
    """Verified equilibria of a game, with how they were found.

    Parameters
    ----------
    game : Game
        The game solved.
    method : str
        The method that ran.
    equilibria : tuple of Equilibrium
        Distinct verified equilibria, pure ones first.
    status : {"complete", "incomplete", "budget_exhausted"}
        ``complete`` when the method found every equilibrium it promises.
    degenerate : bool or None
        Whether the game is degenerate (None when the method cannot tell).
    rejected : tuple of Equilibrium
        Candidates whose regret exceeded the tolerance (reported, not dropped).
    notes : tuple of str
        Plain-words remarks on the search.
    tolerance : float
        The absolute regret tolerance used.
    seconds : float
        Wall-clock time of the search.
    components : tuple of EquilibriumComponent
        Sets of equilibria the method found to be components, each with a representative point.
    """

    __str__ = report_text  # print() shows the text report (the report layer installs it)

    game: Game
    method: str
    equilibria: tuple[Equilibrium, ...]
    status: Status
    degenerate: bool | None
    rejected: tuple[Equilibrium, ...] = ()
    notes: tuple[str, ...] = ()
    tolerance: float = DEFAULT_TOL
    seconds: float = 0.0
    components: tuple[EquilibriumComponent, ...] = ()

    def __len__(self) -> int:
        return len(self.equilibria)

    def __iter__(self) -> Any:
        return iter(self.equilibria)

    def __getitem__(self, index: int) -> Equilibrium:
        return self.equilibria[index]

    @property
    def pure(self) -> tuple[Equilibrium, ...]:
        """The pure equilibria."""
        return tuple(e for e in self.equilibria if e.is_pure)

    @property
    def max_regret(self) -> float:
        """Largest regret among the reported equilibria (0.0 when there are none)."""
        return max((float(e.regret) for e in self.equilibria), default=0.0)


def solve(
    game: Game,
    method: str = "all",
    *,
    tol: float = DEFAULT_TOL,
    max_seconds: float | None = 60.0,
    max_iterations: int | None = None,
) -> SolveResult:
    """Find the equilibria of a game with a registered method, and verify each one.

    Parameters
    ----------
    game : Game
        The game to solve.
    method : str
        A registered method name (see :func:`registered_solvers`).  The default,
        ``"all"``, finds every extreme equilibrium of two-player games (as lrs
        reports them) and of games that dominance reduces to two active players,
        and for more players every isolated equilibrium and a point of every
        component (see :mod:`incentives.solvers.enumerate_all`).
    tol : float
        Regret tolerance, relative to ``max(1, max |payoff|)``.
    max_seconds : float or None
        Time budget; the search stops and says so when it runs out.
    max_iterations : int or None
        Work budget in the method's own unit (pivots, supports, bases).

    Returns
    -------
    SolveResult

    Raises
    ------
    UnknownMethodError
        If no solver is registered under ``method``.
    SolverError
        If the method cannot handle this number of players.

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> result = inc.solve(pd, "pure")
    >>> [e.describe(pd) for e in result], result.status
    (['row=r1, column=c1'], 'complete')
    """
    name = method
    spec = _spec(name)
    if spec is None:
        known = ", ".join(method_names())
        raise UnknownMethodError(f"unknown solver method {method!r}; the methods are: {known}")
    if spec.players is not None and spec.players != game.n_players:
        raise SolverError(
            f"method {name!r} solves {spec.players}-player games; this game has {game.n_players} players "
            f"(use 'pure' or 'all')"
        )
    if tol <= 0:
        raise ValueError(f"The 'tol' parameter of solve must be a float in (0, inf). Got {tol!r} instead.")
    budget = Budget(max_seconds=max_seconds, max_iterations=max_iterations)
    scale = game.payoff_scale
    output = spec.kernel(game, tol=tol * scale, budget=budget)
    accepted, rejected, left, not_finite = _verify(game, output.profiles, tol * scale, budget)
    checks = (
        _budget_notes(output, budget)
        + _rejection_notes(rejected)
        + _not_finite_notes(not_finite)
        + _unverified_notes(left, len(output.profiles), len(accepted), budget)
    )
    status = output.status
    if left and status == "complete":
        status = "budget_exhausted" if _out_of_time(budget) else "incomplete"
    result = SolveResult(
        game=game,
        method=name,
        equilibria=tuple(accepted),
        status=status,
        degenerate=output.degenerate,
        rejected=tuple(rejected),
        notes=tuple(output.notes) + checks,
        tolerance=tol * scale,
        seconds=budget.elapsed(),
        components=output.components,
    )
    _warn(result, checks)
    return result


def _verify(
    game: Game, profiles: Sequence[Profile], tol: float, budget: Budget
) -> tuple[list[Equilibrium], list[Equilibrium], int, int]:
    """Check every candidate independently; merge duplicates (same probabilities to DUPLICATE_ATOL).

    The candidates are checked :data:`_VERIFY_STRIDE` at a time, each batch in one vectorised
    pass (:func:`~incentives.equilibrium.make_equilibria`), and only a batch's candidates are
    built (a solver may build its profiles as they are read).  Stops after
    :data:`~incentives.limits.MAX_EQUILIBRIA` equilibria, or when the time budget has run out
    (looked at before every batch but the first).  Returns the equilibria (pure ones first), the
    rejected candidates, how many candidates were left unchecked and how many were dropped for
    probabilities that are not finite.
    """
    accepted: list[tuple[np.ndarray, Equilibrium]] = []
    rejected: list[Equilibrium] = []
    seen: set[bytes] = set()
    not_finite = 0
    for start in range(0, len(profiles), _VERIFY_STRIDE):
        if start and _out_of_time(budget):
            return _ordered(game, accepted), rejected, len(profiles) - start, not_finite
        batch = [profiles[k] for k in range(start, min(start + _VERIFY_STRIDE, len(profiles)))]
        flat = _flat_profiles(game, batch)
        finite = np.isfinite(flat).all(axis=1).tolist()
        rounded = np.round(flat, _DUPLICATE_DIGITS) + 0.0  # + 0.0 turns -0.0 into 0.0
        fresh: list[int] = []
        for position, row in enumerate(rounded):
            key = row.tobytes()
            if finite[position] and key not in seen:
                seen.add(key)
                fresh.append(position)
        checked = dict(zip(fresh, make_equilibria(game, [_exactify(game, batch[p]) for p in fresh]), strict=True))
        for position in range(len(batch)):
            if len(accepted) >= MAX_EQUILIBRIA:
                return _ordered(game, accepted), rejected, len(profiles) - start - position, not_finite
            not_finite += not finite[position]
            candidate = checked.get(position)
            if candidate is None:  # not finite, or a duplicate
                continue
            ok = candidate.regret == 0 if isinstance(candidate.regret, Fraction) else candidate.regret <= tol
            if ok:
                accepted.append((flat[position], candidate))
            else:
                rejected.append(candidate)
    return _ordered(game, accepted), rejected, 0, not_finite


def _flat_profiles(game: Game, profiles: Sequence[Profile]) -> np.ndarray:
    """Every profile's probabilities in one float row (players one after another)."""
    if not profiles:
        return np.zeros((0, sum(game.shape)))
    try:
        return np.hstack([np.array([p[i] for p in profiles], dtype=float) for i in range(game.n_players)])
    except (ValueError, IndexError, TypeError):
        for profile in profiles:  # the one of the wrong shape gets as_profile's error
            as_profile(game, profile)
        raise


def _ordered(game: Game, accepted: list[tuple[np.ndarray, Equilibrium]]) -> list[Equilibrium]:
    """The equilibria as they are listed: pure ones first, then largest probabilities first."""
    if game.is_exact or not accepted:  # exact candidates may differ from the float rows they came from
        return sorted((e for _, e in accepted), key=lambda e: (not e.is_pure, _sort_key(e)))
    rows = np.array([row for row, _ in accepted])
    starts = [0, *itertools.accumulate(game.shape[:-1])]
    pure = (np.add.reduceat(rows > 0, starts, axis=1) == 1).all(axis=1).tolist()
    keys = (-rows).tolist()
    return [accepted[k][1] for k in sorted(range(len(accepted)), key=lambda k: (not pure[k], keys[k]))]


def _out_of_time(budget: Budget) -> bool:
    return budget.max_seconds is not None and budget.elapsed() >= budget.max_seconds


def _unverified_notes(left: int, candidates: int, accepted: int, budget: Budget) -> tuple[str, ...]:
    if not left:
        return ()
    why = (
        f"the limit of {MAX_EQUILIBRIA:,} equilibria (MAX_EQUILIBRIA) was reached"
        if accepted >= MAX_EQUILIBRIA
        else f"the time budget (max_seconds={budget.max_seconds:g}) ran out"
    )
    return (
        f"the method found {candidates:,} candidate profiles; {why} after checking {candidates - left:,} of them, "
        f"so {left:,} were not checked and are not listed (every equilibrium listed is verified).",
    )


def _exactify(game: Game, profile: Profile) -> Profile:
    """On exact games, turn float candidates into exact ones when that gives zero regret."""
    if not game.is_exact or all(np.asarray(p).dtype == object for p in profile):
        return profile
    from ..equilibrium import regret

    guess = tuple(np.array([Fraction(float(x)).limit_denominator(10**9) for x in p], dtype=object) for p in profile)
    guess = tuple(g / sum(g) if sum(g) > 0 else g for g in guess)
    try:
        if regret(game, guess) == 0:
            return guess
    except (ValueError, ZeroDivisionError):
        pass
    return profile


def _sort_key(e: Equilibrium) -> tuple[float, ...]:
    return tuple(-float(x) for p in e.profile for x in p)


def _budget_notes(output: SolverOutput, budget: Budget) -> tuple[str, ...]:
    if output.status != "budget_exhausted":
        return ()
    limits = []
    if budget.max_seconds is not None:
        limits.append(f"max_seconds={budget.max_seconds:g}")
    if budget.max_iterations is not None:
        limits.append(f"max_iterations={budget.max_iterations}")
    return (
        f"the search stopped when its budget ({', '.join(limits)}) ran out after {budget.elapsed():.3g} s; "
        "the equilibria found until then are listed, and others may exist.",
    )


def _rejection_notes(rejected: list[Equilibrium]) -> tuple[str, ...]:
    if not rejected:
        return ()
    worst = max(float(e.regret) for e in rejected)
    return (
        f"{len(rejected)} candidate profile(s) from the method failed the independent regret check "
        f"(largest regret {worst:.3g}) and are listed as rejected, not as equilibria.",
    )


def _not_finite_notes(count: int) -> tuple[str, ...]:
    if not count:
        return ()
    return (
        f"{count} candidate profile(s) from the method had probabilities that are not finite numbers (payoffs of "
        "very different sizes can defeat floating point) and were dropped; the equilibria listed are verified.",
    )


def _warn(result: SolveResult, checks: tuple[str, ...]) -> None:
    if result.degenerate:
        found = (
            "for two players every extreme equilibrium is reported, for more players one verified point of each set"
            if result.status == "complete"
            else f"method {result.method!r} does not promise every one of them"
        )
        warnings.warn(
            f"the game is degenerate: its equilibria may form connected sets; {found}",
            DegenerateGameWarning,
            stacklevel=3,
        )
    if result.status != "complete":
        why = [*checks, *(note for note in result.notes if note not in checks)]
        warnings.warn(
            f"the search did not promise every equilibrium (status {result.status!r}): {_bounded(why)}",
            IncompleteSearchWarning,
            stacklevel=3,
        )


def _bounded(notes: Sequence[str], chars: int = _WARNING_CHARS) -> str:
    """The notes as sentences, as many whole ones as fit in ``chars`` characters (at least one), then how many more.

    Examples
    --------
    >>> print(_bounded(["a first note", "a second note.", "a third note"], chars=30))
    a first note. a second note. (1 more note in the result's notes)
    """
    shown: list[str] = []
    for note in notes:
        sentence = note.rstrip() if note.rstrip().endswith(".") else f"{note.rstrip()}."
        if shown and sum(len(n) + 1 for n in (*shown, sentence)) > chars:
            break
        shown.append(sentence)
    left = len(notes) - len(shown)
    more = f" ({left} more note{'s' if left != 1 else ''} in the result's notes)" if left else ""
    return " ".join(shown) + more
