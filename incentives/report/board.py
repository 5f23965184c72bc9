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

A :class:`~incentives.game.Game` is reported as its payoff tables; a :class:`PayoffTable`
names the equilibria to highlight.  The JSON document, ``incentives.game/1``, lists every
profile with its payoffs, the players whose action there is a best response, and whether
it is a pure equilibrium or a company optimum.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..equilibrium import Equilibrium
from ..game import Game
from ..solvers import DEFAULT_TOL, SolveResult
from ..solvers.pure import best_response_masks
from . import words
from .blocks import Align, Block, Bullets, Cell, Heading, Inline, Paragraph, Span, Table, inline
from .dispatch import register_blocks, register_document, render
from .json import number

__all__ = [
    "EQUILIBRIUM_MARK",
    "GAME_SCHEMA",
    "MAX_BIMATRICES",
    "MAX_CELLS",
    "OPTIMUM_MARK",
    "PayoffTable",
    "game_blocks",
    "game_document",
    "game_html",
    "game_markdown",
    "marked_profiles",
]

GAME_SCHEMA = "incentives.game/1"

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


@dataclass(frozen=True, kw_only=True)
class PayoffTable:
    """A game's payoff tables, with the equilibria to highlight (default: its pure equilibria, found by brute force).

    Parameters
    ----------
    game : Game
    equilibria : SolveResult or tuple of Equilibrium, optional
        Pure ones are shaded cells, mixed ones are listed below the tables.
    max_cells : int
        Largest number of profiles drawn.
    """

    game: Game
    equilibria: SolveResult | tuple[Equilibrium, ...] | None = None
    max_cells: int = MAX_CELLS

    def __post_init__(self) -> None:
        if self.max_cells < 1:
            raise ValueError(
                f"The 'max_cells' parameter of PayoffTable must be 1 or more. Got {self.max_cells} instead."
            )


@register_blocks(Game)
def _game_blocks(game: Game) -> list[Block]:
    return game_blocks(game)


@register_blocks(PayoffTable)
def _table_blocks(table: PayoffTable) -> list[Block]:
    return game_blocks(table.game, table.equilibria, max_cells=table.max_cells)


def _exact(value: Any) -> str:
    return str(Fraction(value))


@register_document(Game)
def _game_document(game: Game) -> dict[str, Any]:
    return game_document(game)


@register_document(PayoffTable)
def _table_document(table: PayoffTable) -> dict[str, Any]:
    return game_document(table.game, table.equilibria)


def game_document(game: Game, equilibria: SolveResult | Iterable[Equilibrium] | None = None) -> dict[str, Any]:
    """The ``incentives.game/1`` document: every profile, its payoffs, best responses and equilibrium mark.

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], actions=(["quiet", "confess"],) * 2)
    >>> doc = game_document(pd)
    >>> [p["label"] for p in doc["profiles"] if p["pure_equilibrium"]]
    ['row=confess, column=confess']
    """
    best, computed = marked_profiles(game)
    cells, _ = _highlighted(game, equilibria, computed)
    optimum = None if game.company_value is None else np.max(game.company_value)
    profiles = []
    for profile in itertools.product(*(range(n) for n in game.shape)):
        entry: dict[str, Any] = {
            "label": game.profile_label(profile),
            "actions": {p: game.actions[i][a] for i, (p, a) in enumerate(zip(game.players, profile, strict=True))},
            "payoffs": {p: number(game.payoffs[(i, *profile)]) for i, p in enumerate(game.players)},
            "company_value": None if game.company_value is None else number(game.company_value[profile]),
            "best_responses": [p for i, p in enumerate(game.players) if best[(i, *profile)]],
            "pure_equilibrium": bool(cells[profile]),
            "company_optimum": optimum is not None and bool(game.company_value[profile] == optimum),  # type: ignore[index]
        }
        if game.is_exact:
            entry["exact"] = {
                "payoffs": {p: _exact(game.payoffs[(i, *profile)]) for i, p in enumerate(game.players)},
                "company_value": None if game.company_value is None else _exact(game.company_value[profile]),
            }
        profiles.append(entry)
    return {
        "schema": GAME_SCHEMA,
        "game": game.title,
        "players": list(game.players),
        "actions": {p: list(a) for p, a in zip(game.players, game.actions, strict=True)},
        "exact": game.is_exact,
        "profiles": profiles,
    }


def game_markdown(
    game: Game, equilibria: SolveResult | Iterable[Equilibrium] | None = None, *, max_cells: int = MAX_CELLS
) -> str:
    """The payoff table(s) of a game in Markdown, best responses in bold, pure equilibria marked ✓.

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]],
    ...                             actions=(["quiet", "confess"], ["quiet", "confess"]))
    >>> text = game_markdown(pd)
    >>> print(text[text.index("| row"):])
    | row ↓ / column → | quiet | confess |
    | :--- | :---: | :---: |
    | **quiet** | 3, 3 | 0, **5** |
    | **confess** | **5**, 0 | **1**, **1** ✓ |
    <BLANKLINE>
    Pure equilibrium: row=confess, column=confess.
    <BLANKLINE>
    """
    given = None if equilibria is None else tuple(equilibria)
    return render(PayoffTable(game=game, equilibria=given, max_cells=max_cells), "markdown")


def game_html(
    game: Game,
    equilibria: SolveResult | Iterable[Equilibrium] | None = None,
    *,
    max_cells: int = MAX_CELLS,
    page: bool = False,
) -> str:
    """The payoff table(s) of a game in HTML: best responses bold and underlined, pure equilibria shaded and marked ✓.

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> out = game_html(pd)
    >>> out.count('<td class="center equilibrium"'), out.count('class="best"')
    (1, 5)
    """
    given = None if equilibria is None else tuple(equilibria)
    return render(PayoffTable(game=game, equilibria=given, max_cells=max_cells), "html", page=page)
