"""The report of logit quantal response equilibria: how players play as they grow more rational.

A :class:`QreReport` holds QRE at chosen rationalities (or at points along the traced
path) and the Nash equilibrium the path ends at.  Blocks: one group of rows per
rationality, each player's probabilities of each action.  The JSON document is
``incentives.qre/1``.  This is the one module of the report that reads
:mod:`incentives.solvers.qre`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..equilibrium import profile_words
from ..game import Game
from ..solvers.qre import QrePath, QreSplit, logit_path, logit_qre
from ..tolerance import PROBABILITY_ATOL
from .blocks import Block, Cell, Heading, Table, paragraphs
from .dispatch import register_blocks, register_document

__all__ = ["QRE_SCHEMA", "SHOWN", "QreReport", "qre_blocks", "qre_document", "qre_report", "split_sentence"]

QRE_SCHEMA = "incentives.qre/1"

#: Points of the path shown when no rationality is asked for.
SHOWN = 6

Mix = tuple[Any, ...]


@dataclass(frozen=True, kw_only=True)
class QreReport:
    """Logit QRE at some rationalities, with the path they lie on.

    Parameters
    ----------
    title : str
        The game's or model's name.
    path : QrePath
        The principal branch from ``lambda = 0`` (its ``limit`` is the Nash equilibrium it ends at).
    points : tuple of (float, profile)
        Rationality (per unit of payoff) and each player's probabilities there.
    """

    title: str
    path: QrePath
    points: tuple[tuple[float, Mix], ...]

    def __post_init__(self) -> None:
        for lam, profile in self.points:
            if len(profile) != len(self.path.players):
                raise ValueError(
                    f"a QRE point needs one mix per player ({len(self.path.players)}); at {lam} got {len(profile)}"
                )


def _spread(path: QrePath, shown: int) -> list[tuple[float, Mix]]:
    picks = sorted({round(k * (len(path) - 1) / (shown - 1)) for k in range(shown)})
    return [(float(path.lambdas[k]), path.profile(k)) for k in picks]


def qre_report(
    game: Game, lambdas: Sequence[float] = (), *, shown: int = SHOWN, max_seconds: float | None = None
) -> QreReport:
    """Trace the logit QRE path of a game and take its QRE at ``lambdas`` (default: ``shown`` points along it).

    ``max_seconds`` bounds the whole work: a path not traced to its end within it is shown as far as
    it got (and says so); a rationality not reached is an error.

    Examples
    --------
    >>> import incentives as inc
    >>> pd = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], title="Prisoners")
    >>> report = qre_report(pd, [0, 1])
    >>> [round(float(p), 4) for p in report.points[1][1][0]]
    [0.2268, 0.7732]
    """
    if shown < 2:
        raise ValueError(f"The 'shown' parameter of qre_report must be 2 or more. Got {shown} instead.")
    end = None if max_seconds is None else time.monotonic() + max_seconds
    path = logit_path(game, max_seconds=max_seconds)

    def left() -> float | None:
        return None if end is None else max(end - time.monotonic(), 1e-3)

    points = (
        [(float(lam), logit_qre(game, lam, max_seconds=left())) for lam in lambdas] if lambdas else _spread(path, shown)
    )
    return QreReport(title=game.title, path=path, points=tuple(points))


def _rows(path: QrePath, label: str, profile: Mix) -> list[tuple[Cell, ...]]:
    return [
        (
            Cell.of(label if i == 0 else ""),
            Cell.of(player),
            Cell.of(", ".join(f"{a} {float(p):.3f}" for a, p in zip(acts, mix, strict=True))),
        )
        for i, (player, acts, mix) in enumerate(zip(path.players, path.actions, profile, strict=True))
    ]


@register_blocks(QreReport)
def qre_blocks(report: QreReport) -> list[Block]:
    """The blocks of a QRE report: each player's probabilities at each rationality, then at the limit."""
    rows: list[tuple[Cell, ...]] = []
    groups = []
    for lam, profile in report.points:
        groups.append(len(rows))
        rows += _rows(report.path, f"{lam:.4g}", profile)
    for k, limit in enumerate(report.path.limits):
        groups.append(len(rows))
        own = k == 0 and report.path.limit is not None
        rows += _rows(report.path, "Nash" if own else "Nash (branch)", limit)
    title = f"Logit quantal response equilibria{': ' + report.title if report.title else ''}"
    table = Table(
        title="Probability of each action",
        columns=("rationality", "player", "plays"),
        align=("right", "left", "left"),
        rows=tuple(rows),
        groups=tuple(groups),
        note="rationality: how strongly players respond to payoff differences, per unit of payoff (0: every action "
        "equally likely); Nash: the Nash equilibrium the path of QRE from rationality 0 ends at"
        + ("; Nash (branch): where a branch that leaves the path at a split ends." if report.path.splits else "."),
    )
    splits = paragraphs(*(split_sentence(report.path, split) for split in report.path.splits))
    unfinished = (
        paragraphs(
            f"The path was traced to rationality {float(report.path.lambdas[-1]):.4g} only (the time budget or the "
            "tracer's limits ran out): it did not reach a Nash equilibrium."
        )
        if not report.path.converged and report.path.limit is None
        else []
    )
    return [Heading(text=title, level=2), table, *splits, *unfinished]


def split_sentence(path: QrePath, split: QreSplit) -> str:
    """Where the path splits, and where the branches that leave it go, in words."""
    ends = [b.limit for b in split.branches]
    reached = [profile_words(path, e, least=PROBABILITY_ATOL) for e in ends if e is not None]
    where = "; ".join(reached) if reached else "no equilibrium within the tracer's limits"
    lost = len(ends) - len(reached)
    onward = " to the equilibrium in the row Nash" if path.limit is not None else ""
    return (
        f"At rationality {split.lam:.4g} the path splits: another branch of QRE crosses it (the game has a "
        f"symmetry). The path continues straight through{onward}; "
        f"{len(ends)} branch{'es' if len(ends) != 1 else ''} leave{'s' if len(ends) == 1 else ''} the crossing, "
        f"ending at {where}" + (f" ({lost} not followed to the end)" if lost and reached else "") + "."
    )


@register_blocks(QrePath)
def _path_blocks(path: QrePath) -> list[Block]:
    return qre_blocks(QreReport(title="", path=path, points=tuple(_spread(path, SHOWN))))


def _profile(path: QrePath, probs: Mix) -> dict[str, list[float]]:
    return {p: [float(x) for x in mix] for p, mix in zip(path.players, probs, strict=True)}


@register_document(QreReport)
def qre_document(report: QreReport) -> dict[str, Any]:
    """The ``incentives.qre/1`` document of a QRE report."""
    path = report.path
    return {
        "schema": QRE_SCHEMA,
        "game": report.title,
        "players": list(path.players),
        "actions": {p: list(a) for p, a in zip(path.players, path.actions, strict=True)},
        "points": [{"lambda": lam, "profile": _profile(path, probs)} for lam, probs in report.points],
        "limit": None if path.limit is None else _profile(path, path.limit),
        "splits": [
            {
                "lambda": split.lam,
                "profile": _profile(path, split.profile),
                "branch_limits": [None if b.limit is None else _profile(path, b.limit) for b in split.branches],
            }
            for split in path.splits
        ],
    }


@register_document(QrePath)
def _path_document(path: QrePath) -> dict[str, Any]:
    return qre_document(QreReport(title="", path=path, points=tuple(_spread(path, SHOWN))))
