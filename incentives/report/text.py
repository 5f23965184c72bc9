"""Terminal reports: tables (rendered by rich) and plain-words explanations.

Each ``*_renderables`` function returns a list of rich renderables; :func:`to_text`
renders them to a string at a fixed width, so the same input gives the same
bytes on every run.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..analysis.gaming import Analysis, EquilibriumGaming
from ..analysis.perspectives import Perspectives
from ..solvers import SolveResult
from . import words

__all__ = ["analysis_renderables", "perspectives_renderables", "solve_renderables", "to_text"]


_fmt = words.number
_signed = words.signed


def _status_lines(result: SolveResult) -> list[Text]:
    lines = [Text(words.status_sentence(result))]
    if result.degenerate:
        lines.append(Text(words.DEGENERATE, style="yellow"))
    for note in result.notes:
        lines.append(Text(words.note_sentence(note), style="yellow"))
    lines += [Text(sentence, style="yellow") for sentence in words.component_sentences(result)]
    return lines


def _equilibrium_table(result: SolveResult) -> Table:
    """One block of rows per equilibrium, one row per player: stays narrow however many players."""
    game = result.game
    table = Table(title=words.EQUILIBRIA_TITLE)
    for col, justify in [("#", "right"), ("player", "left"), ("plays", "left"), ("payoff", "right")]:
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for k, eq in enumerate(result.equilibria, start=1):
        for i, (player, acts, probs) in enumerate(zip(game.players, game.actions, eq.profile, strict=True)):
            table.add_row(str(k) if i == 0 else "", player, words.strategy(acts, probs), _fmt(eq.payoffs[i]))
        if game.company_value is not None:
            table.add_row("", Text("company value", style="italic"), "", _fmt(eq.company_value))
        table.add_row("", Text("regret", style="italic"), "", words.regret(eq.regret), end_section=True)
    return table


def solve_renderables(result: SolveResult) -> list[Any]:
    """Tables and lines for a solve result."""
    title = result.game.title or "Game"
    out: list[Any] = [Text(title, style="bold"), *_status_lines(result)]
    if result.equilibria:
        out.append(_equilibrium_table(result))
    else:
        out.append(Text(words.NO_EQUILIBRIUM, style="red"))
    rejected = words.rejected_sentence(result)
    if rejected:
        out.append(Text(rejected, style="red"))
    return out


def _optimum_lines(analysis: Analysis) -> list[Any]:
    lines: list[Any] = [Text(words.optimum_sentence(analysis), style="bold")]
    ties = words.optimum_ties_sentence(analysis)
    if ties:
        lines.append(Text(ties))
    return lines


def _summary_lines(analysis: Analysis) -> list[Any]:
    return [Text(line) for line in words.price_sentences(analysis)]


def _departure_table(item: EquilibriumGaming, players: Iterable[str]) -> Table:
    table = Table(title=words.DEPARTURE_TITLE)
    for col, justify in zip(words.DEPARTURE_COLUMNS, ["left", "left", "left", "right", "right", "left"], strict=True):
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for dep in item.departures:
        drivers = "\n".join(words.driver_texts(dep)) or "-"
        table.add_row(
            dep.department, dep.plays, dep.optimum_action, _signed(dep.own_gain), _fmt(dep.company_cost), drivers
        )
    return table


def _burden_table(item: EquilibriumGaming) -> Table:
    table = Table(title=words.BURDEN_TITLE)
    table.add_column(words.BURDEN_COLUMNS[0])
    table.add_column(words.BURDEN_COLUMNS[1], justify="right")
    for dept, change in item.burden.items():
        table.add_row(dept, _signed(change))
    table.add_row("company value", _signed(-item.value_gap))
    return table


def _plain_words(item: EquilibriumGaming) -> list[Text]:
    return [Text(f"- {words.departure_sentence(dep)}") for dep in item.departures]


def _alignment_table(analysis: Analysis) -> Table:
    table = Table(title=words.ALIGNMENT_TITLE)
    for col in words.ALIGNMENT_COLUMNS:
        table.add_column(col, overflow="fold")
    for item in analysis.alignment:
        style = {"misaligned": "red", "mixed": "yellow", "aligned": "green"}.get(item.status, "")
        table.add_row(item.department, item.kpi, Text(item.status, style=style), item.evidence)
    return table


def analysis_renderables(analysis: Analysis) -> list[Any]:
    """Tables and plain-words lines for a gaming analysis."""
    out: list[Any] = [*solve_renderables(analysis.solution), *_optimum_lines(analysis)]
    for item in analysis.equilibria:
        out.append(Text(f"\n{words.equilibrium_sentence(item)}", style="bold"))
        if not item.departures:
            out.append(Text(words.NO_GAMING, style="green"))
            continue
        out += [_departure_table(item, analysis.game.players), *_plain_words(item), _burden_table(item)]
    out += _summary_lines(analysis)
    scores = words.gaming_score_sentence(analysis)
    if scores:
        out.append(Text(scores))
    out.append(_alignment_table(analysis))
    return out


def perspectives_renderables(views: Perspectives) -> list[Any]:
    """A table of who wins and who loses from an event, and the story in plain words."""
    out: list[Any] = [Text(words.event_sentence(views), style="bold"), Text(words.movement_sentence(views))]
    selection = words.selection_sentence(views)
    if selection:
        out.append(Text(selection))
    table = Table(title=words.VIEW_TITLE)
    for col in words.VIEW_COLUMNS:
        table.add_column(col, justify="left" if col in ("", "verdict") else "right")
    for v in views.views:
        style = {"win": "green", "loss": "red"}.get(v.verdict, "")
        table.add_row(
            v.party, _fmt(v.before), _fmt(v.immediate), _fmt(v.after), _signed(v.change), Text(v.verdict, style=style)
        )
    out.append(table)
    kpis = Table(title=words.KPI_TITLE)
    for col in words.KPI_COLUMNS:
        kpis.add_column(col, justify="left" if col == "KPI" else "right")
    for name, (old, new) in views.kpis.items():
        kpis.add_row(name, _fmt(old), _fmt(new), _signed(new - old))
    out.append(kpis)
    out += [Text(f"- {words.view_sentence(views.event, v)}") for v in views.views]
    return out


def to_text(renderables: Iterable[Any], *, width: int = 110, color: bool = False) -> str:
    """Render to a string at a fixed width (deterministic)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        legacy_windows=False,
        soft_wrap=False,
    )
    for item in renderables:
        console.print(item)
    return buffer.getvalue()
