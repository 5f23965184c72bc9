"""The report of a solve result: how the equilibria were found, each one with its payoffs and regret.

Blocks: the game's name, the method and status, degeneracy, the solver's notes, sets of
equilibria, the table of equilibria (one row per player, so it stays narrow however
many players), and the candidates that failed the regret check.  The JSON document is
``incentives.solve/1``; for exact games each equilibrium also carries its exact values
as strings such as ``"2/3"`` under ``"exact"``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..equilibrium import Equilibrium
from ..game import Game
from ..solvers import SolveResult
from . import words
from .blocks import Block, Cell, Heading, Table, paragraphs
from .dispatch import register_blocks, register_document
from .json import number

__all__ = ["SOLVE_SCHEMA", "equilibrium_document", "solve_blocks", "solve_document"]

SOLVE_SCHEMA = "incentives.solve/1"


def _equilibria_table(result: SolveResult) -> Table:
    game = result.game
    rows: list[tuple[Cell, ...]] = []
    groups = []
    for k, eq in enumerate(result.equilibria[: words.LISTED_EQUILIBRIA], start=1):
        groups.append(len(rows))
        for i, (player, acts, probs) in enumerate(zip(game.players, game.actions, eq.profile, strict=True)):
            rows.append(
                (
                    Cell.of(str(k) if i == 0 else ""),
                    Cell.of(player),
                    Cell.of(words.strategy(acts, probs)),
                    Cell.of(words.number(eq.payoffs[i])),
                )
            )
        if game.company_value is not None:
            value = (
                Cell.of(""),
                Cell.of("company value", mark="muted"),
                Cell.of(""),
                Cell.of(words.number(eq.company_value)),
            )
            rows.append(value)
        rows.append((Cell.of(""), Cell.of("regret", mark="muted"), Cell.of(""), Cell.of(words.regret(eq.regret))))
    return Table(
        title=words.EQUILIBRIA_TITLE,
        columns=("#", "player", "plays", "payoff"),
        align=("right", "left", "left", "right"),
        rows=tuple(rows),
        groups=tuple(groups),
        note=words.EQUILIBRIA_NOTE,
    )


@register_blocks(SolveResult)
def solve_blocks(result: SolveResult) -> list[Block]:
    """The blocks of a solve report: status, degeneracy, notes, sets of equilibria and the equilibria table.

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.report.text import render_text
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], title="Prisoners")
    >>> print(render_text(solve_blocks(inc.solve(pd))).splitlines()[1])
    Method: all (exact fractions); status: complete; 1 equilibrium found.
    """
    out: list[Block] = [Heading(text=result.game.title or "Game", level=2), *paragraphs(words.status_sentence(result))]
    if result.degenerate:
        out += paragraphs(words.DEGENERATE, tone="warn")
    out += paragraphs(*(words.note_sentence(note) for note in result.notes), tone="warn")
    out += paragraphs(*words.component_sentences(result), tone="warn")
    if result.equilibria:
        out.append(_equilibria_table(result))
        out += paragraphs(words.listed_limit_sentence(len(result.equilibria)), tone="warn")
    else:
        out += paragraphs(words.NO_EQUILIBRIUM, tone="bad")
    return out + paragraphs(words.rejected_sentence(result), tone="bad")


def _per_player(game: Game, values: Any) -> dict[str, float]:
    return {p: number(v) for p, v in zip(game.players, values, strict=True)}


def equilibrium_document(game: Game, eq: Equilibrium) -> dict[str, Any]:
    """One equilibrium of a solve document: label, profile, payoffs, regret, and exact values for exact games."""
    out: dict[str, Any] = {
        "label": eq.describe(game),
        "profile": {p: [number(x) for x in probs] for p, probs in zip(game.players, eq.profile, strict=True)},
        "payoffs": _per_player(game, eq.payoffs),
        "regret": number(eq.regret),
        "pure": eq.is_pure,
    }
    if eq.company_value is not None:
        out["company_value"] = number(eq.company_value)
    if eq.is_exact:
        exact: dict[str, Any] = {
            "profile": {
                p: [str(Fraction(x)) for x in probs] for p, probs in zip(game.players, eq.profile, strict=True)
            },
            "payoffs": {p: str(v) for p, v in zip(game.players, eq.payoffs, strict=True)},
        }
        if isinstance(eq.company_value, Fraction):
            exact["company_value"] = str(eq.company_value)
        out["exact"] = exact
    return out


def _component(game: Game, component: Any) -> dict[str, Any]:
    return {
        "support": {
            p: [game.actions[i][k] for k in s]
            for i, (p, s) in enumerate(zip(game.players, component.support, strict=True))
        },
        "dimension": component.dimension,
        "representative": {
            p: [number(x) for x in probs] for p, probs in zip(game.players, component.representative, strict=True)
        },
        "note": component.note,
    }


@register_document(SolveResult)
def solve_document(result: SolveResult) -> dict[str, Any]:
    """The ``incentives.solve/1`` document of a solve result."""
    game = result.game
    return {
        "schema": SOLVE_SCHEMA,
        "game": game.title,
        "players": list(game.players),
        "actions": {p: list(a) for p, a in zip(game.players, game.actions, strict=True)},
        "method": result.method,
        "status": result.status,
        "degenerate": result.degenerate,
        "exact": game.is_exact,
        "tolerance": result.tolerance,
        "notes": list(result.notes),
        "equilibria": [equilibrium_document(game, e) for e in result.equilibria],
        "components": [_component(game, c) for c in result.components],
        "rejected": [equilibrium_document(game, e) for e in result.rejected],
    }
