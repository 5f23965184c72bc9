"""Payoff tables as drawn on the board: best responses and pure equilibria, against brute force."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from _html_check import (
    best_marks,
    check_well_formed,
    html_tables,
    markdown_tables,
    parse,
    text_of,
    unescape_markdown,
)

import incentives as inc
from incentives.equilibrium import format_number
from incentives.report import json_document, render
from incentives.report.board import PayoffTable, game_html, game_markdown

PD = inc.Game.from_bimatrix(
    [[3, 0], [5, 1]], [[3, 5], [0, 1]], actions=(["quiet", "confess"], ["quiet", "confess"]), title="Prisoners"
)
BOS = inc.Game.from_bimatrix(
    [[2, 0], [0, 1]], [[1, 0], [0, 2]], actions=(["opera", "football"], ["opera", "football"]), title="Battle"
)
PENNIES = inc.Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], title="Pennies")


def brute_force(game: inc.Game) -> tuple[dict[tuple[int, ...], list[bool]], set[tuple[int, ...]]]:
    """Best-response marks per profile and the pure equilibria, by trying every deviation (exact payoffs)."""
    marks: dict[tuple[int, ...], list[bool]] = {}
    for profile in itertools.product(*(range(n) for n in game.shape)):
        flags = []
        for i in range(game.n_players):
            own = game.payoffs[(i, *profile)]
            deviations = [game.payoffs[(i, *profile[:i], a, *profile[i + 1 :])] for a in range(game.shape[i])]
            flags.append(all(own >= d for d in deviations))
        marks[profile] = flags
    return marks, {p for p, f in marks.items() if all(f)}


def board_cells_html(game: inc.Game, html: str) -> dict[tuple[int, ...], tuple[list[tuple[str, bool]], bool]]:
    """Profile -> (payoffs with their marks, highlighted?) read from the drawn bimatrices."""
    root = parse(html)
    out = {}
    others = list(itertools.product(*(range(n) for n in game.shape[2:])))
    boards = [t for t in root.iter("table") if t.get("class") == "board"]
    assert len(boards) == len(others)
    for rest, table in zip(others, boards, strict=True):
        header = [text_of(th) for th in table.find("thead").findall("tr")[-1]]
        assert header[1:] == list(game.actions[1])
        rows = table.find("tbody").findall("tr")
        assert [text_of(r[0]) for r in rows] == list(game.actions[0])
        for a, row in enumerate(rows):
            for b, cell in enumerate(row[1:]):
                highlighted = "equilibrium" in cell.get("class", "").split()
                out[(a, b, *rest)] = (best_marks(cell), highlighted)
    return out


@pytest.mark.parametrize("game", [PD, BOS, PENNIES], ids=["prisoners", "battle", "pennies"])
def test_html_marks_exactly_the_best_responses_and_pure_equilibria(game: inc.Game) -> None:
    html = game_html(game)
    assert check_well_formed(html) == []
    marks, equilibria = brute_force(game)
    cells = board_cells_html(game, html)
    assert set(cells) == set(marks)
    for profile, (payoffs, highlighted) in cells.items():
        expected = [format_number(game.payoffs[(i, *profile)]) for i in range(game.n_players)]
        assert [p for p, _ in payoffs] == expected
        assert [m for _, m in payoffs] == marks[profile], profile
        assert highlighted == (profile in equilibria), profile


def test_known_answers_prisoners_dilemma_and_battle_of_the_sexes() -> None:
    # hand-computed: confessing is always best, so only (confess, confess) is an equilibrium
    cells = board_cells_html(PD, game_html(PD))
    assert [p for p, (_, h) in cells.items() if h] == [(1, 1)]
    assert cells[(0, 1)][0] == [("0", False), ("5", True)]
    assert cells[(1, 0)][0] == [("5", True), ("0", False)]
    # battle of the sexes: both coordination cells, and the mixed equilibrium listed in words
    html = game_html(BOS, inc.solve(BOS))
    cells = board_cells_html(BOS, html)
    assert sorted(p for p, (_, h) in cells.items() if h) == [(0, 0), (1, 1)]
    assert "Mixed equilibrium (no single cell): row=(2/3 opera + 1/3 football), column=(1/3 opera + 2/3 football)" in (
        text_of(parse(html))
    )
    assert "This game has no pure equilibrium" in text_of(parse(game_html(PENNIES)))


def test_markdown_bold_marks_match_brute_force() -> None:
    for game in (PD, BOS, PENNIES):
        marks, equilibria = brute_force(game)
        (table,) = markdown_tables(game_markdown(game))
        header, *rows = table
        assert [unescape_markdown(c) for c in header[1:]] == list(game.actions[1])
        for a, row in enumerate(rows):
            assert row[0] == f"**{game.actions[0][a]}**"
            for b, cell in enumerate(row[1:]):
                parts = cell.replace(" ✓", "").split(", ")
                assert [p.startswith("**") and p.endswith("**") for p in parts] == marks[(a, b)]
                assert cell.endswith("✓") == ((a, b) in equilibria)


def test_three_players_one_bimatrix_per_action_of_the_third_with_ties() -> None:
    rng = np.random.default_rng(7)
    for _ in range(5):
        payoffs = rng.integers(0, 3, size=(3, 3, 2, 2))  # small range: many ties
        game = inc.Game.from_payoffs(payoffs.tolist())
        marks, equilibria = brute_force(game)
        html = game_html(game)
        assert check_well_formed(html) == []
        cells = board_cells_html(game, html)
        assert {p: [m for _, m in c[0]] for p, c in cells.items()} == marks
        assert {p for p, c in cells.items() if c[1]} == equilibria
        titles = [text_of(c) for c in parse(html).iter("caption")]
        assert titles == ["when player 3 plays 3.1", "when player 3 plays 3.2"]


def test_many_players_drawn_profile_by_profile() -> None:
    rng = np.random.default_rng(3)
    game = inc.Game.from_payoffs(rng.integers(0, 4, size=(3, 2, 2, 40)).tolist())  # 40 bimatrices: too many
    marks, equilibria = brute_force(game)
    html = game_html(game)
    assert check_well_formed(html) == []
    (rows,) = html_tables(parse(html)).values()
    assert len(rows) == 160
    for row, profile in zip(rows, itertools.product(range(2), range(2), range(40)), strict=True):
        assert [text_of(c) for c in row[:3]] == [game.actions[i][a] for i, a in enumerate(profile)]
        assert [m for _, m in best_marks(row[3])] == marks[profile]
        assert ("equilibrium" in row[3].get("class", "")) == (profile in equilibria)


def test_growing_company_boards_star_the_optimum_and_shade_the_equilibrium() -> None:
    org = inc.load_model("examples/growing_company.yaml")
    game = inc.build_game(org)
    html = game_html(game)
    cells = board_cells_html(game, html)
    equilibrium = tuple(
        game.action_index(p, a)
        for p, a in [
            ("sales", "aggressive"),
            ("support", "fast_close"),
            ("development", "rushed"),
            ("operations", "change_freeze"),
        ]
    )
    assert [p for p, (_, h) in cells.items() if h] == [equilibrium]
    assert html.count("★") == 2  # the legend and the optimum's cell
    assert "company 430.72 ★" in text_of(parse(html))


def test_large_games_are_not_drawn_and_say_so() -> None:
    game = inc.Game.from_payoffs(np.zeros((2, 50, 50)))
    html = game_html(game)
    assert check_well_formed(html) == []
    assert "<table" not in html and "2,500 profiles" in html and "at most 2,000" in html
    assert "Not drawn" in game_markdown(game) and "|" not in game_markdown(game)
    assert "<table" in game_html(game, max_cells=2500)


def test_exact_payoffs_shown_as_fractions_and_equilibria_checked_against_the_game() -> None:
    game = inc.Game.from_bimatrix([[Fraction(1, 3), 0], [0, 1]], [[1, 0], [0, Fraction(2, 3)]])
    assert "1/3, 1" in text_of(parse(game_html(game)))
    with pytest.raises(ValueError, match="shape"):
        game_html(game, inc.solve(PD.from_payoffs(np.zeros((2, 3, 2)))))


@pytest.mark.parametrize("game", [PD, BOS, PENNIES, inc.Game.from_payoffs(np.arange(24).reshape(3, 2, 2, 2) % 5)])
def test_the_json_document_marks_what_brute_force_finds(game: inc.Game) -> None:
    marks, equilibria = brute_force(game)
    doc = json_document(game)
    assert doc["schema"] == "incentives.game/1" and len(doc["profiles"]) == game.n_profiles
    for entry, profile in zip(doc["profiles"], itertools.product(*(range(n) for n in game.shape)), strict=True):
        assert entry["best_responses"] == [p for p, best in zip(game.players, marks[profile], strict=True) if best]
        assert entry["pure_equilibrium"] == (profile in equilibria)
        assert entry["payoffs"] == {p: float(game.payoffs[(i, *profile)]) for i, p in enumerate(game.players)}


def test_text_marks_best_responses_in_brackets() -> None:
    text = render(PD, "text")
    assert "row ↓ / column →" in text  # the spanner joins the first column's header
    row = next(line for line in text.splitlines() if line.startswith("│ confess"))
    assert "[5], 0" in row and "[1], [1] ✓" in row
    assert "[3]: a best response" in text


def test_a_payoff_table_highlights_the_equilibria_given() -> None:
    result = inc.solve(BOS)
    doc = json_document(PayoffTable(game=BOS, equilibria=result))
    assert [p["label"] for p in doc["profiles"] if p["pure_equilibrium"]] == [
        "row=opera, column=opera",
        "row=football, column=football",
    ]
    assert "Mixed equilibrium (no single cell)" in render(PayoffTable(game=BOS, equilibria=result), "text")
