"""Payoff tables as teachers draw them on the board, as report blocks.

A two-player game is drawn as a bimatrix: the first player's actions are the
rows, the second player's the columns, and each cell lists both payoffs,
``"a, b"``.  A payoff is *marked* when it is a best response: that player's
action in the cell is one of its best, the others' actions fixed (with float
payoffs, within ``DEFAULT_TOL`` times the largest payoff).  A cell where every
payoff is marked is a pure equilibrium and is highlighted, and a company
optimum (when the game carries company value) is starred.

With more players, one bimatrix is drawn for each combination of the other
players' actions, the first two players as rows and columns, each cell listing
every player's payoff in player order; when that would take more than
``MAX_BIMATRICES`` tables (or with one player) the game is drawn as one long
table, a row per profile.  Games of more than ``max_cells`` profiles are not
drawn: the output says so instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..equilibrium import Equilibrium
from ..game import Game
from ..solvers import DEFAULT_TOL, SolveResult
from ..solvers.pure import best_response_masks
from . import words
from .document import Align, Block, Bullets, Cell, Heading, Inline, Paragraph, Span, Table, inline

__all__ = ["EQUILIBRIUM_MARK", "MAX_BIMATRICES", "MAX_CELLS", "OPTIMUM_MARK", "game_blocks", "marked_profiles"]

#: Largest number of profiles (table cells) drawn.
MAX_CELLS = 2000
#: Largest number of bimatrices drawn for a game of more than two players.
MAX_BIMATRICES = 36
#: Mark after the payoffs of a pure-equilibrium cell.
EQUILIBRIUM_MARK = "✓"
#: Mark after the company value of a company-optimal cell.
OPTIMUM_MARK = "★"


def marked_profiles(game: Game) -> tuple[np.ndarray, np.ndarray]:
    """Best-response marks and pure equilibria, by brute force over every profile.

    Returns
    -------
    best : numpy.ndarray of bool, shape ``(N, n_0, ..., n_{N-1})``
        ``best[i, a]``: player ``i``'s action in profile ``a`` is a best response to the others'.
    equilibria : numpy.ndarray of bool, shape ``(n_0, ..., n_{N-1})``
        The profiles where every player best-responds (the pure equilibria).

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> best, eq = marked_profiles(pd)
    >>> eq.tolist()
    [[False, False], [False, True]]
    """
    tol = 0.0 if game.is_exact else DEFAULT_TOL * game.payoff_scale
    best = best_response_masks(game, tol)
    return best, np.asarray(best.all(axis=0), dtype=bool)


def _highlighted(game: Game, equilibria: SolveResult | Iterable[Equilibrium] | None, computed: np.ndarray) -> Any:
    """The cells to highlight (given pure equilibria, else the computed ones) and the mixed equilibria given."""
    if equilibria is None:
        return computed, []
    cells = np.zeros(game.shape, dtype=bool)
    mixed = []
    for eq in equilibria:
        if len(eq.profile) != game.n_players or any(len(p) != n for p, n in zip(eq.profile, game.shape, strict=True)):
            raise ValueError(f"an equilibrium given does not fit the game's shape {game.shape}")
        indices = eq.pure_indices()
        if indices is None:
            mixed.append(eq)
        else:
            cells[indices] = True
    return cells, mixed


def _repeat(align: Align, times: int) -> tuple[Align, ...]:
    return (align,) * times


def _payoff_spans(game: Game, best: np.ndarray, profile: tuple[int, ...], equilibrium: bool) -> Inline:
    spans: list[Span] = []
    for i in range(game.n_players):
        if i:
            spans.append(Span(text=", "))
        spans.append(Span(text=words.number(game.payoffs[(i, *profile)]), mark="best" if best[(i, *profile)] else ""))
    if equilibrium:
        spans.append(Span(text=f" {EQUILIBRIUM_MARK}"))
    return tuple(spans)


def _company_spans(game: Game, profile: tuple[int, ...], optimum: Any) -> Inline:
    assert game.company_value is not None
    value = game.company_value[profile]
    star = f" {OPTIMUM_MARK}" if value == optimum else ""
    return inline(f"company {words.number(value)}{star}", "muted")


def _cell(game: Game, best: np.ndarray, cells: np.ndarray, profile: tuple[int, ...], optimum: Any) -> Cell:
    equilibrium = bool(cells[profile])
    lines = [_payoff_spans(game, best, profile, equilibrium)]
    if game.company_value is not None:
        lines.append(_company_spans(game, profile, optimum))
    return Cell(lines=tuple(lines), tone="equilibrium" if equilibrium else "")


def _bimatrices(game: Game, best: np.ndarray, cells: np.ndarray, optimum: Any) -> list[Block]:
    row, col = game.players[0], game.players[1]
    others = list(range(2, game.n_players))
    out: list[Block] = []
    for rest in itertools.product(*(range(game.shape[j]) for j in others)):
        rows = tuple(
            (
                Cell.of(game.actions[0][a], mark="strong"),
                *(_cell(game, best, cells, (a, b, *rest), optimum) for b in range(game.shape[1])),
            )
            for a in range(game.shape[0])
        )
        title = "when " + ", ".join(
            f"{game.players[j]} plays {game.actions[j][k]}" for j, k in zip(others, rest, strict=True)
        )
        out.append(
            Table(
                title=title if others else "",
                columns=(f"{row} ↓", *game.actions[1]),
                spanner=f"{col} →",
                align=("left", *_repeat("center", game.shape[1])),
                rows=rows,
                row_headers=True,
                board=True,
            )
        )
    return out


def _profile_table(game: Game, best: np.ndarray, cells: np.ndarray, optimum: Any) -> Table:
    rows = []
    for profile in itertools.product(*(range(n) for n in game.shape)):
        cell = _cell(game, best, cells, profile, optimum)
        payoff = Cell(lines=cell.lines[:1], tone=cell.tone)
        extra = () if game.company_value is None else (Cell(lines=cell.lines[1:], tone=cell.tone),)
        actions = tuple(Cell.of(game.actions[i][a], tone=cell.tone) for i, a in enumerate(profile))
        rows.append((*actions, payoff, *extra))
    columns = (*game.players, "payoffs", *(["company value"] if game.company_value is not None else []))
    return Table(
        title="",
        columns=columns,
        align=(*_repeat("left", game.n_players), "center", *_repeat("right", int(game.company_value is not None))),
        rows=tuple(rows),
        board=True,
    )


def _legend(game: Game, optimum: Any) -> Bullets:
    order = words.join_words(list(game.players))
    items: list[Inline] = [
        inline(
            f"Each cell lists the payoffs of {order}, in that order." if game.n_players > 1 else f"Payoff of {order}."
        ),
        (
            Span(text="3", mark="best"),
            Span(
                text=": a best response: that player cannot do better by changing its own action alone, the "
                "others' actions fixed."
            ),
        ),
        inline(f"{EQUILIBRIUM_MARK} (shaded): a pure equilibrium: every player's payoff there is a best response."),
    ]
    if game.company_value is not None:
        items.append(
            inline(
                f"company: the company value of that profile; {OPTIMUM_MARK} marks the company optimum "
                f"({words.number(optimum)})."
            )
        )
    return Bullets(items=tuple(items))


def _equilibria_sentence(game: Game, cells: np.ndarray, mixed: list[Equilibrium], given: bool) -> list[Block]:
    pure = [game.profile_label(tuple(int(k) for k in p)) for p in np.argwhere(cells)]
    out: list[Block] = []
    if pure:
        out.append(Paragraph(content=inline(f"Pure equilibri{'um' if len(pure) == 1 else 'a'}: {'; '.join(pure)}.")))
    elif not given:
        out.append(
            Paragraph(
                content=inline(
                    "This game has no pure equilibrium: in every cell some player would rather change its action."
                )
            )
        )
    if mixed:
        labels = "; ".join(eq.describe(game) for eq in mixed)
        out.append(
            Paragraph(content=inline(f"Mixed equilibri{'um' if len(mixed) == 1 else 'a'} (no single cell): {labels}."))
        )
    return out


def game_blocks(
    game: Game, equilibria: SolveResult | Iterable[Equilibrium] | None = None, *, max_cells: int = MAX_CELLS
) -> list[Block]:
    """The payoff tables of ``game`` with best responses marked and pure equilibria highlighted.

    Parameters
    ----------
    game : Game
    equilibria : SolveResult or iterable of Equilibrium, optional
        Equilibria to highlight (pure ones as cells, mixed ones listed below); by
        default the pure equilibria found by brute force over the table.
    max_cells : int
        Largest number of profiles drawn; a larger game gets a sentence instead.

    Returns
    -------
    list of Block
    """
    out: list[Block] = [Heading(text=f"Payoff table: {game.title}" if game.title else "Payoff table", level=2)]
    if game.n_profiles > max_cells:
        sizes = " x ".join(str(n) for n in game.shape)
        out.append(
            Paragraph(
                content=inline(
                    f"Not drawn: this game of {game.n_players} players ({sizes} actions) has {game.n_profiles:,} "
                    f"profiles, and payoff tables are drawn for at most {max_cells:,}. Solve it instead, or draw "
                    "a smaller game (fewer departments or actions)."
                ),
                tone="warn",
            )
        )
        return out
    best, computed = marked_profiles(game)
    cells, mixed = _highlighted(game, equilibria, computed)
    optimum = None if game.company_value is None else np.max(game.company_value)
    out.append(_legend(game, optimum))
    slices = int(np.prod(game.shape[2:], dtype=int))
    if game.n_players >= 2 and slices <= MAX_BIMATRICES:
        out += _bimatrices(game, best, cells, optimum)
    else:
        out.append(_profile_table(game, best, cells, optimum))
    return out + _equilibria_sentence(game, cells, mixed, equilibria is not None)
