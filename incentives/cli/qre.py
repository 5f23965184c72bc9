"""``incentives qre``: logit quantal response equilibria of a model file or a Gambit game, by rationality."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from ._common import existing_file, fail_cleanly, load_game, output_option, text_or_json_option, write_report

__all__ = ["qre"]

#: Points of the path shown when no ``--lambda`` is given.
_SHOWN = 6


@click.command()
@click.argument("file", type=existing_file)
@click.option(
    "--lambda",
    "-l",
    "lambdas",
    type=click.FloatRange(min=0),
    multiple=True,
    help="Rationality (per unit of payoff) at which to show the QRE; repeat for several. "
    "Default: points along the path to the Nash equilibrium it ends at.",
)
@text_or_json_option("incentives.qre/1")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw every action's probability against rationality into this image file (needs matplotlib).",
)
@output_option
@fail_cleanly
def qre(file: Path, lambdas: tuple[float, ...], fmt: str, plot: Path | None, output: Path | None) -> None:
    """Logit quantal response equilibria: how departments play when they respond to payoffs, but not perfectly."""
    from ..report.json import dumps
    from ..solvers.qre import logit_path, logit_qre

    game = load_game(file, False)
    path = logit_path(game)
    if lambdas:
        points = [(lam, logit_qre(game, lam)) for lam in lambdas]
    else:
        picks = sorted({round(k * (len(path) - 1) / (_SHOWN - 1)) for k in range(_SHOWN)})
        points = [(float(path.lambdas[k]), path.profile(k)) for k in picks]
    document = _document(game, points, path.limit)
    write_report(dumps(document) if fmt == "json" else _text(document), output)
    if plot is not None:
        _save_plot(path, plot)


def _document(game: Any, points: list[tuple[float, Any]], limit: Any) -> dict[str, Any]:
    def profile(probs: Any) -> dict[str, list[float]]:
        return {p: [float(x) for x in mix] for p, mix in zip(game.players, probs, strict=True)}

    return {
        "schema": "incentives.qre/1",
        "game": game.title,
        "players": list(game.players),
        "actions": {p: list(a) for p, a in zip(game.players, game.actions, strict=True)},
        "points": [{"lambda": lam, "profile": profile(probs)} for lam, probs in points],
        "limit": None if limit is None else profile(limit),
    }


def _text(document: dict[str, Any]) -> str:
    lines = [f"Logit quantal response equilibria{': ' + document['game'] if document['game'] else ''}", ""]
    for point in document["points"]:
        lines.append(f"rationality {point['lambda']:.4g}:")
        lines += _profile_lines(document, point["profile"])
    if document["limit"] is not None:
        lines.append("Nash equilibrium the path ends at:")
        lines += _profile_lines(document, document["limit"])
    return "\n".join(lines) + "\n"


def _profile_lines(document: dict[str, Any], profile: dict[str, list[float]]) -> list[str]:
    return [
        "  "
        + player
        + ": "
        + ", ".join(f"{a} {p:.3f}" for a, p in zip(document["actions"][player], probs, strict=True))
        for player, probs in profile.items()
    ]


def _save_plot(path: Any, target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = path.plot()
    temporary = target.with_name(f".{target.stem}.tmp{target.suffix}")
    ax.figure.savefig(temporary, bbox_inches="tight")
    plt.close(ax.figure)
    os.replace(temporary, target)
    click.echo(f"wrote {target}", err=True)
