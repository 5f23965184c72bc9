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

from ..analysis.gaming import COST_TERM, Analysis, EquilibriumGaming
from ..analysis.perspectives import Perspectives
from ..equilibrium import format_number
from ..solvers import SolveResult

__all__ = ["analysis_renderables", "perspectives_renderables", "solve_renderables", "to_text"]


def _fmt(value: Any) -> str:
    return format_number(value)


def _signed(value: Any) -> str:
    text = format_number(value)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def _status_lines(result: SolveResult) -> list[Text]:
    game = result.game
    arithmetic = "exact fractions" if game.is_exact else f"floating point, regret tolerance {result.tolerance:.3g}"
    lines = [
        Text(
            f"Method: {result.method} ({arithmetic}); status: {result.status}; "
            f"{len(result.equilibria)} equilibri{'um' if len(result.equilibria) == 1 else 'a'} found."
        )
    ]
    if result.degenerate:
        lines.append(
            Text(
                "The game is degenerate: equilibria may form connected sets; their extreme points are listed.",
                style="yellow",
            )
        )
    for note in result.notes:
        lines.append(Text(f"Note: {note}", style="yellow"))
    return lines


def _equilibrium_table(result: SolveResult) -> Table:
    """One block of rows per equilibrium, one row per player: stays narrow however many players."""
    game = result.game
    table = Table(title="Equilibria")
    for col, justify in [("#", "right"), ("player", "left"), ("plays", "left"), ("payoff", "right")]:
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for k, eq in enumerate(result.equilibria, start=1):
        for i, (player, acts, probs) in enumerate(zip(game.players, game.actions, eq.profile, strict=True)):
            played = [(a, p) for a, p in zip(acts, probs, strict=True) if p > 0]
            plays = played[0][0] if len(played) == 1 else " + ".join(f"{_fmt(p)} {a}" for a, p in played)
            table.add_row(str(k) if i == 0 else "", player, plays, _fmt(eq.payoffs[i]))
        if game.company_value is not None:
            table.add_row("", Text("company value", style="italic"), "", _fmt(eq.company_value))
        table.add_row("", Text("regret", style="italic"), "", f"{float(eq.regret):.2g}", end_section=True)
    return table


def solve_renderables(result: SolveResult) -> list[Any]:
    """Tables and lines for a solve result."""
    title = result.game.title or "Game"
    out: list[Any] = [Text(title, style="bold"), *_status_lines(result)]
    if result.equilibria:
        out.append(_equilibrium_table(result))
    else:
        out.append(Text("No equilibrium was found by this method.", style="red"))
    if result.rejected:
        out.append(
            Text(f"{len(result.rejected)} candidate(s) failed the regret check and are not equilibria.", style="red")
        )
    return out


def _optimum_lines(analysis: Analysis) -> list[Any]:
    game, opt = analysis.game, analysis.optimum
    lines: list[Any] = [
        Text(f"Company optimum: {game.profile_label(opt.profile)} (company value {_fmt(opt.value)}).", style="bold")
    ]
    if len(opt.profiles) > 1:
        lines.append(
            Text(
                f"{len(opt.profiles) - 1} other profile(s) tie for the optimum: "
                + "; ".join(game.profile_label(p) for p in opt.profiles[1:])
            )
        )
    return lines


def _summary_lines(analysis: Analysis) -> list[Any]:
    if not analysis.equilibria:
        return [Text("No equilibrium found, so there is nothing to compare with the optimum.")]
    worst, best = analysis.worst, analysis.best
    assert worst is not None and best is not None
    lines = [
        Text(
            f"Price of anarchy {analysis.price_of_anarchy:.3f}: at the worst equilibrium the company loses "
            f"{_fmt(worst.value_gap)} of value, {analysis.price_of_anarchy:.1%} of the gap between its best and "
            f"worst possible outcome ({_fmt(analysis.optimum.value)} to {_fmt(analysis.min_value)})."
        ),
    ]
    if len(analysis.equilibria) > 1:
        lines.append(
            Text(
                f"Price of stability {analysis.price_of_stability:.3f}: even at the best equilibrium the "
                f"company loses {_fmt(best.value_gap)}."
            )
        )
    else:
        lines.append(Text("There is one equilibrium, so the price of stability equals the price of anarchy."))
    if analysis.ratio_of_anarchy is not None:
        lines.append(
            Text(
                f"(As a ratio: the optimum is {analysis.ratio_of_anarchy:.3g} times the company value at "
                "the worst equilibrium.)"
            )
        )
    return lines


def _departure_table(item: EquilibriumGaming, players: Iterable[str]) -> Table:
    table = Table(title="Who departs from the company optimum")
    for col, justify in [
        ("department", "left"),
        ("plays", "left"),
        ("instead of", "left"),
        ("own bonus gain", "right"),
        ("company cost", "right"),
        ("what makes it pay", "left"),
    ]:
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for dep in item.departures:
        drivers = "\n".join(f"{k} ({_signed(dep.drivers[k])})" for k in dep.main_drivers) or "-"
        table.add_row(
            dep.department, dep.plays, dep.optimum_action, _signed(dep.own_gain), _fmt(dep.company_cost), drivers
        )
    return table


def _burden_table(item: EquilibriumGaming) -> Table:
    table = Table(title="Who pays (equilibrium minus optimum)")
    table.add_column("department")
    table.add_column("change", justify="right")
    for dept, change in item.burden.items():
        table.add_row(dept, _signed(change))
    table.add_row("company value", _signed(-item.value_gap))
    return table


def _why(dep: Any) -> str:
    kpis = [k for k in dep.main_drivers if k != COST_TERM]
    parts = []
    if kpis:
        parts.append("it is paid on " + _join(kpis))
    if COST_TERM in dep.main_drivers:
        parts.append(f"it saves {_fmt(dep.drivers[COST_TERM])} of effort")
    return " and ".join(parts) or "nothing in its bonus plan (it is indifferent)"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _plain_words(item: EquilibriumGaming) -> list[Text]:
    lines = []
    for dep in item.departures:
        if dep.games:
            hurt = [f"{p} loses {_fmt(-v)}" for p, v in dep.effects.items() if v < 0]
            hurt_text = f"; {_join(hurt)}" if hurt else ""
            lines.append(
                Text(
                    f"- {dep.department} plays {dep.plays} instead of {dep.optimum_action} because "
                    f"{_why(dep)}: its bonus gains {_fmt(dep.own_gain)}, the company loses "
                    f"{_fmt(dep.company_cost)}{hurt_text}."
                )
            )
        else:
            lines.append(
                Text(
                    f"- {dep.department} plays {dep.plays} instead of {dep.optimum_action}, but with the "
                    f"others playing as they do, switching alone would change company value by "
                    f"{_signed(dep.company_cost)}: this is not gaming but a response to what the others "
                    "do."
                )
            )
    return lines


def _alignment_table(analysis: Analysis) -> Table:
    table = Table(title="KPI alignment: does paying on the KPI pull the same way as company value?")
    for col in ("department", "KPI", "verdict", "evidence"):
        table.add_column(col, overflow="fold")
    for item in analysis.alignment:
        style = {"misaligned": "red", "mixed": "yellow", "aligned": "green"}.get(item.status, "")
        table.add_row(item.department, item.kpi, Text(item.status, style=style), item.evidence)
    return table


def analysis_renderables(analysis: Analysis) -> list[Any]:
    """Tables and plain-words lines for a gaming analysis."""
    out: list[Any] = [*solve_renderables(analysis.solution), *_optimum_lines(analysis)]
    for item in analysis.equilibria:
        out.append(
            Text(
                f"\nAt equilibrium [{item.label}] company value is {_fmt(item.company_value)}, "
                f"{_fmt(item.value_gap)} below the optimum.",
                style="bold",
            )
        )
        if not item.departures:
            out.append(Text("Every department plays what is best for the company: no gaming here.", style="green"))
            continue
        out += [_departure_table(item, analysis.game.players), *_plain_words(item), _burden_table(item)]
    out += _summary_lines(analysis)
    if analysis.gaming_scores:
        scores = ", ".join(f"{d} {s:.3f}" for d, s in analysis.gaming_scores.items())
        out.append(
            Text(
                f"Gaming score (share of the company's value range each department's own departure costs "
                f"at the worst equilibrium): {scores}."
            )
        )
    out.append(_alignment_table(analysis))
    return out


def perspectives_renderables(views: Perspectives) -> list[Any]:
    """A table of who wins and who loses from an event, and the story in plain words."""
    changes = ", ".join(f"{k} = {_fmt(v)}" for k, v in views.changes.items())
    out: list[Any] = [Text(f"Event {views.event}: {changes}", style="bold")]
    before, after = views.before_equilibrium.label, views.after_equilibrium.label
    if before == after:
        out.append(Text(f"Departments keep playing {before}."))
    else:
        out.append(Text(f"Departments move from {before} to {after}."))
    if len(views.before.equilibria) > 1 or len(views.after.equilibria) > 1:
        out.append(Text(f"There are several equilibria; the {views.selection} one for the company is compared."))
    table = Table(title="Win or loss, seen from each department and from the company")
    for col in ("", "before", "immediately after", "after reacting", "change", "verdict"):
        table.add_column(col, justify="left" if col in ("", "verdict") else "right")
    for v in views.views:
        style = {"win": "green", "loss": "red"}.get(v.verdict, "")
        table.add_row(
            v.party, _fmt(v.before), _fmt(v.immediate), _fmt(v.after), _signed(v.change), Text(v.verdict, style=style)
        )
    out.append(table)
    kpis = Table(title="KPIs at the compared equilibria")
    for col in ("KPI", "before", "after", "change"):
        kpis.add_column(col, justify="left" if col == "KPI" else "right")
    for name, (old, new) in views.kpis.items():
        kpis.add_row(name, _fmt(old), _fmt(new), _signed(new - old))
    out.append(kpis)
    out += [Text(_view_sentence(views.event, v)) for v in views.views]
    return out


def _view_sentence(event: str, view: Any) -> str:
    if view.verdict == "no change":
        return f"- For {view.party}, {event} changes nothing."
    return f"- For {view.party}, {event} is a {view.verdict} of {_fmt(abs(view.change))}."


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
