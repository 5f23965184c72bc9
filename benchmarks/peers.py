"""Adapters that run each solver, ours and the peers', on the same payoff arrays (benchmarks only).

Every adapter takes a payoff array of shape ``(N, n_0, ..., n_{N-1})`` (player ``i``'s payoffs at
``payoffs[i]``) and returns the equilibria it found as a list of profiles, each a list of float
probability vectors, so that equilibrium sets can be compared across libraries.  Peers that are
not installed are reported as unavailable, never as failures.
"""

from __future__ import annotations

import importlib.util
import multiprocessing as mp
import shutil
import subprocess
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

import incentives as inc
from incentives.solvers.pure import pure_equilibria

Profile = list[np.ndarray]
Adapter = Callable[[np.ndarray], list[Profile]]


def available(module: str) -> bool:
    """Whether a peer library can be imported."""
    return importlib.util.find_spec(module) is not None


class PeerFailure(Exception):
    """A peer that ran but gave no answer (a timeout of an external program, a crash): reported, not raised."""


@dataclass(frozen=True)
class Run:
    """One timed run: seconds, the equilibria found, or why there are none."""

    seconds: float | None
    equilibria: list[Profile] | None
    failure: str | None = None
    status: str = ""
    extra: dict[str, float] | None = None


def timed(adapter: Adapter, payoffs: np.ndarray, *, min_seconds: float = 0.2, max_repeats: int = 5) -> Run:
    """Median wall-clock time over a few repeats (one run when it is slow)."""
    times: list[float] = []
    result: Any = None
    while True:
        start = time.perf_counter()
        try:
            result = adapter(payoffs)
        except PeerFailure as failure:
            return Run(seconds=None, equilibria=None, failure=str(failure))
        elapsed = time.perf_counter() - start
        times.append((getattr(adapter, "extra", None) or {}).get("timed", elapsed))
        if sum(times) >= min_seconds or len(times) >= max_repeats:
            break
    status = getattr(adapter, "last_status", "")
    return Run(seconds=float(np.median(times)), equilibria=result, status=status, extra=getattr(adapter, "extra", None))


def _child(adapter: Adapter, payoffs: np.ndarray, connection: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        result = adapter(payoffs)
        elapsed = time.perf_counter() - start
        extra = getattr(adapter, "extra", None)
        connection.send(((extra or {}).get("timed", elapsed), result, getattr(adapter, "last_status", ""), extra))
    connection.close()


def timed_with_timeout(adapter: Adapter, payoffs: np.ndarray, timeout: float) -> Run:
    """One run in a forked process, stopped after ``timeout`` seconds (for peers that can take minutes)."""
    context = mp.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(adapter, payoffs, send))
    process.start()
    send.close()
    if receive.poll(timeout):
        try:
            seconds, result, status, extra = receive.recv()
        except EOFError:
            process.join()
            return Run(seconds=None, equilibria=None, failure="crashed")
        process.join()
        return Run(seconds=seconds, equilibria=result, status=status, extra=extra)
    process.kill()
    process.join()
    return Run(seconds=None, equilibria=None, failure=f"timeout > {timeout:g} s")


# -- ours ---------------------------------------------------------------------------------


def build(payoffs: np.ndarray, exact: bool = False) -> inc.Game:
    """Our game from a payoff array (exact Fractions from integers when ``exact``)."""
    if exact:
        return inc.Game.from_payoffs(np.asarray(payoffs).tolist())
    shape = payoffs.shape[1:]
    players = tuple(f"p{i}" for i in range(len(shape)))
    actions = tuple(tuple(str(a) for a in range(n)) for n in shape)
    return inc.Game(players=players, actions=actions, payoffs=payoffs)


def _solved(run: Any, game: inc.Game, method: str, built: float) -> list[Profile]:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = inc.solve(game, method, max_seconds=120)
    run.last_status = result.status
    run.extra = {"timed": time.perf_counter() - start, "build": built, "degenerate": float(bool(result.degenerate))}
    dtype = object if game.is_exact else float  # exact games keep their Fractions, to be compared exactly
    return [[np.asarray(p, dtype=dtype) for p in e.profile] for e in result.equilibria]


def ours(method: str, *, exact: bool = False) -> Adapter:
    """``inc.solve(game, method)``: only the solve is timed (``extra["build"]`` is the game build)."""

    def run(payoffs: np.ndarray) -> list[Profile]:
        start = time.perf_counter()
        game = build(payoffs, exact)
        return _solved(run, game, method, time.perf_counter() - start)

    return run


def ours_exact(method: str) -> Adapter:
    """``inc.solve`` on the exact game (Fractions) built from integer payoffs."""
    return ours(method, exact=True)


def ours_pure_kernel(payoffs: np.ndarray) -> list[Profile]:
    """The pure-equilibrium kernel alone, without the independent regret check of ``solve``."""
    game = build(payoffs)
    start = time.perf_counter()
    profiles = pure_equilibria(game).profiles
    ours_pure_kernel.extra = {"timed": time.perf_counter() - start}  # type: ignore[attr-defined]
    return [[np.asarray(p, dtype=float) for p in profile] for profile in profiles]


def numpy_mask(payoffs: np.ndarray) -> list[Profile]:
    """A bare numpy best-response mask: the floor for finding pure equilibria."""
    shape = payoffs.shape[1:]
    mask = np.ones(shape, dtype=bool)
    for i in range(len(shape)):
        mask &= payoffs[i] >= payoffs[i].max(axis=i, keepdims=True)
    return [_one_hot(shape, row) for row in np.argwhere(mask)]


def _one_hot(shape: Sequence[int], indices: Sequence[int]) -> Profile:
    out = []
    for n, k in zip(shape, indices, strict=True):
        vec = np.zeros(n)
        vec[k] = 1.0
        out.append(vec)
    return out


# -- nashpy -------------------------------------------------------------------------------


def nashpy_adapter(method: str) -> Adapter:
    def run(payoffs: np.ndarray) -> list[Profile]:
        import nashpy

        game = nashpy.Game(payoffs[0], payoffs[1])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = list(getattr(game, method)())
        return [[np.asarray(x, dtype=float), np.asarray(y, dtype=float)] for x, y in found]

    return run


# -- QuantEcon ----------------------------------------------------------------------------


def quantecon_vertex_enumeration(payoffs: np.ndarray) -> list[Profile]:
    from quantecon.game_theory import NormalFormGame, Player, vertex_enumeration

    game = NormalFormGame([Player(payoffs[0]), Player(payoffs[1].T)])  # each player's own action first
    return [[np.asarray(x, dtype=float), np.asarray(y, dtype=float)] for x, y in vertex_enumeration(game)]


def quantecon_jit_seconds() -> float:
    """Time of the first call of QuantEcon's vertex enumeration in a fresh process (numba compiles it)."""
    context = mp.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_quantecon_first_call, args=(send,))
    process.start()
    send.close()
    seconds = receive.recv() if receive.poll(300) else float("nan")
    process.join(timeout=5)
    return float(seconds)


def _quantecon_first_call(connection: Any) -> None:
    import quantecon.game_theory  # noqa: F401  (import cost is not JIT cost)

    payoffs = np.random.default_rng(0).normal(size=(2, 3, 3))
    start = time.perf_counter()
    quantecon_vertex_enumeration(payoffs)
    connection.send(time.perf_counter() - start)
    connection.close()


# -- Gambit -------------------------------------------------------------------------------


def _gambit_game(payoffs: np.ndarray) -> Any:
    import pygambit as gbt

    return gbt.Game.from_arrays(*[np.asarray(p) for p in payoffs])


def _gambit_profiles(game: Any, equilibria: Sequence[Any]) -> list[Profile]:
    return [[np.array([float(eq[s]) for s in player.strategies]) for player in game.players] for eq in equilibria]


def gambit_adapter(method: str, **options: Any) -> Adapter:
    """Gambit's ``<method>_solve``, with the game build from arrays timed too (``extra`` splits the two)."""

    def run(payoffs: np.ndarray) -> list[Profile]:
        import pygambit as gbt

        start = time.perf_counter()
        game = _gambit_game(payoffs)
        built = time.perf_counter()
        found = getattr(gbt.nash, f"{method}_solve")(game, **options).equilibria
        run.extra = {"build": built - start, "solve": time.perf_counter() - built}  # type: ignore[attr-defined]
        return _gambit_profiles(game, found)

    return run


# -- lrsnash (lrslib) ----------------------------------------------------------------------


def lrsnash_path() -> str | None:
    """Where the ``lrsnash`` program of lrslib is, or None when it is not installed."""
    return shutil.which("lrsnash")


def lrsnash_game_text(payoffs: np.ndarray) -> str:
    """A bimatrix game in lrsnash's input format: ``m n``, then A and B row by row, blank lines between."""
    first, second = (np.asarray(p) for p in payoffs)
    rows = [f"{first.shape[0]} {first.shape[1]}", ""]
    for matrix in (first, second):
        rows += [" ".join(str(v) for v in row) for row in matrix.tolist()]
        rows.append("")
    return "\n".join(rows)


def parse_lrsnash(text: str, shape: tuple[int, int]) -> list[Profile]:
    """The extreme equilibria in lrsnash's output, as pairs of Fraction arrays.

    Output comes in blocks separated by blank lines; a line ``2 y_1 .. y_n v`` is a strategy of player 2
    (``v`` is player 1's payoff), a line ``1 x_1 .. x_m w`` one of player 1, and every player-1 line of a
    block is an equilibrium with every player-2 line of it (degenerate games list several in one block).
    Lines starting with ``*`` are comments.
    """
    found: list[Profile] = []
    first: list[np.ndarray] = []
    second: list[np.ndarray] = []

    def close_block() -> None:
        found.extend([x, y] for x in first for y in second)
        first.clear()
        second.clear()

    for line in text.splitlines():
        tokens = line.split()
        if not tokens:
            close_block()
        elif tokens[0] in ("1", "2"):
            size = shape[int(tokens[0]) - 1]
            if len(tokens) != size + 2:
                raise ValueError(f"lrsnash output line {line!r}: expected {size + 2} numbers")
            strategy = np.array([Fraction(t) for t in tokens[1 : size + 1]], dtype=object)
            (first if tokens[0] == "1" else second).append(strategy)
    close_block()
    return found


def lrsnash_adapter(timeout: float) -> Adapter:
    """``lrsnash game``: the whole process is timed (start-up included), the game file is written before."""
    program = lrsnash_path()

    def run(payoffs: np.ndarray) -> list[Profile]:
        if program is None:
            raise PeerFailure("lrsnash not available")
        with tempfile.TemporaryDirectory(prefix="lrsnash-") as folder:
            path = Path(folder) / "game"
            path.write_text(lrsnash_game_text(payoffs))
            start = time.perf_counter()
            try:
                done = subprocess.run(
                    [program, str(path)], capture_output=True, text=True, timeout=timeout, check=False
                )
            except subprocess.TimeoutExpired as expired:
                raise PeerFailure(f"timeout > {timeout:g} s") from expired
            run.extra = {"timed": time.perf_counter() - start}  # type: ignore[attr-defined]
        if done.returncode != 0:
            raise PeerFailure(f"lrsnash exited with {done.returncode}")
        shape = (payoffs.shape[1], payoffs.shape[2])
        return parse_lrsnash(done.stdout, shape)

    return run


def lrsnash_startup_seconds(repeats: int = 7) -> float | None:
    """Median time of lrsnash on a 1x1 game: the process start-up included in every lrsnash time."""
    if lrsnash_path() is None:
        return None
    adapter = lrsnash_adapter(timeout=30)
    times = []
    for _ in range(repeats):
        adapter(np.zeros((2, 1, 1), dtype=int))
        times.append(adapter.extra["timed"])  # type: ignore[attr-defined]
    return float(np.median(times))


def lrsnash_version() -> str:
    """lrslib's version as lrsnash prints it, or "not available"."""
    program = lrsnash_path()
    if program is None:
        return "lrsnash not available"
    with tempfile.TemporaryDirectory(prefix="lrsnash-") as folder:
        path = Path(folder) / "game"
        path.write_text(lrsnash_game_text(np.zeros((2, 1, 1), dtype=int)))
        done = subprocess.run([program, str(path)], capture_output=True, text=True, timeout=30, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("*lrsnash:"):
            return line.removeprefix("*lrsnash:").split("(")[0].strip()
    return "lrsnash (version unknown)"


def warm_up() -> None:
    """Import every available peer and call each adapter once on tiny games, so no timing pays a first call."""
    two = np.random.default_rng(0).normal(size=(2, 3, 3))
    three = np.random.default_rng(0).normal(size=(3, 2, 2, 2))
    adapters: list[tuple[Adapter, np.ndarray]] = [
        (ours("vertex-enumeration"), two),
        (ours("support-enumeration"), two),
        (ours_exact("vertex-enumeration"), np.round(two * 3)),
        (ours("pure"), three),
        (ours("all"), three),
        (ours_pure_kernel, three),
        (numpy_mask, three),
    ]
    if available("nashpy"):
        adapters += [(nashpy_adapter("support_enumeration"), two), (nashpy_adapter("vertex_enumeration"), two)]
    if available("quantecon"):
        adapters.append((quantecon_vertex_enumeration, two))
    if lrsnash_path() is not None:
        adapters.append((lrsnash_adapter(timeout=30), np.round(two * 3).astype(int)))
    if available("pygambit"):
        adapters += [(gambit_adapter("enumpure"), three), (gambit_adapter("enummixed", rational=False), two)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for adapter, payoffs in adapters:
            adapter(payoffs)


# -- comparing sets -----------------------------------------------------------------------


def compare(ours_found: list[Profile], theirs: list[Profile], tol: float = 1e-6) -> tuple[int, int]:
    """How many of our equilibria the peer lacks, and how many of its equilibria we lack."""

    def matches(a: Profile, b: Profile) -> bool:
        return all(same(x, y, tol) for x, y in zip(a, b, strict=True))

    only_ours = sum(not any(matches(a, b) for b in theirs) for a in ours_found)
    only_theirs = sum(not any(matches(b, a) for a in ours_found) for b in theirs)
    return only_ours, only_theirs


def unmatched(these: list[Profile], others: list[Profile], tol: float = 1e-6) -> list[Profile]:
    """The profiles of ``these`` that match none of ``others``."""
    return [a for a in these if peers_match_none(a, others, tol)]


def peers_match_none(a: Profile, others: list[Profile], tol: float) -> bool:
    return not any(all(same(x, y, tol) for x, y in zip(a, b, strict=True)) for b in others)


def same(x: np.ndarray, y: np.ndarray, tol: float) -> bool:
    """Equal strategies: exactly when both sides are exact (Fraction arrays), else to ``tol``."""
    if x.dtype == object and y.dtype == object:
        return x.shape == y.shape and bool(np.all(x == y))
    return bool(np.allclose(np.asarray(x, dtype=float), np.asarray(y, dtype=float), atol=tol, rtol=0))


def exactly_compared(these: list[Profile], others: list[Profile]) -> bool:
    """Whether two sets were compared exactly (both hold Fraction arrays)."""
    return all(p.dtype == object for profile in [*these, *others] for p in profile)


def max_regret(payoffs: np.ndarray, profiles: list[Profile]) -> float:
    """Largest regret among profiles, by the package's independent check."""
    game = inc.Game.from_payoffs(payoffs)
    return max((float(inc.regret(game, p)) for p in profiles), default=0.0)
