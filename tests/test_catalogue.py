"""The catalogue of textbook games: each file loads by name, states its source and its answer, and has it.

The known answers are written here a second time, from the literature (the file's comment says
where), as exact fractions: the solver must find exactly these equilibria, nashpy (a second
library) the same for every two-player game, and the payoff table drawn in each file's comments must
be the game the file's formulas build.
"""

from __future__ import annotations

import re
import warnings
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import incentives as inc
from incentives.cli import main

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "catalogue"
H = F(1, 2)

#: name -> the known equilibria (each player's probabilities, in the order of the file's actions)
KNOWN: dict[str, set[tuple[tuple[F, ...], ...]]] = {
    "prisoners_dilemma": {((0, 1), (0, 1))},
    "battle_of_the_sexes": {((1, 0), (1, 0)), ((0, 1), (0, 1)), ((F(2, 3), F(1, 3)), (F(1, 3), F(2, 3)))},
    "chicken": {((1, 0), (0, 1)), ((0, 1), (1, 0)), ((F(9, 10), F(1, 10)), (F(9, 10), F(1, 10)))},
    "matching_pennies": {((H, H), (H, H))},
    "stag_hunt": {((1, 0), (1, 0)), ((0, 1), (0, 1)), ((F(3, 4), F(1, 4)), (F(3, 4), F(1, 4)))},
    "shapley": {((F(1, 3),) * 3, (F(1, 3),) * 3)},
    "jordan": {((H, H), (H, H), (H, H))},
    # the extreme points of the segment {((x, 1 - x), left) : 1/2 <= x <= 1}
    "degenerate": {((1, 0), (1, 0)), ((H, H), (1, 0))},
}
#: name -> the payoffs at each equilibrium, in the order of KNOWN's probabilities sorted
PAYOFFS: dict[str, set[tuple[F, ...]]] = {
    "prisoners_dilemma": {(1, 1)},
    "battle_of_the_sexes": {(2, 1), (1, 2), (F(2, 3), F(2, 3))},
    "chicken": {(-1, 1), (1, -1), (F(-1, 10), F(-1, 10))},
    "matching_pennies": {(0, 0)},
    "stag_hunt": {(4, 4), (3, 3)},
    "shapley": {(F(1, 3), F(1, 3))},
    "jordan": {(0, 0, 0)},
    "degenerate": {(1, 1)},
}


def solved(name: str) -> inc.SolveResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", inc.DegenerateGameWarning)
        return inc.solve(inc.catalogue.game(name), "all")


def test_the_catalogue_holds_every_game_with_a_known_answer() -> None:
    assert set(inc.catalogue.names()) == set(KNOWN) == {p.stem for p in FOLDER.glob("*.yaml")}


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_each_game_has_exactly_its_known_equilibria_in_exact_fractions(name: str) -> None:
    result = solved(name)
    assert result.status == "complete"
    assert result.game.is_exact
    found = {tuple(tuple(p) for p in e.profile) for e in result.equilibria}
    assert found == KNOWN[name]
    assert all(isinstance(x, F | int) for e in result.equilibria for p in e.profile for x in p)
    assert {tuple(e.payoffs) for e in result.equilibria} == PAYOFFS[name]
    assert all(e.regret == 0 for e in result.equilibria)
    assert result.degenerate is (name == "degenerate")


@pytest.mark.parametrize("name", sorted(n for n in KNOWN if n != "jordan"))
def test_nashpy_finds_the_same_equilibria(name: str) -> None:
    game = inc.to_nashpy(inc.catalogue.game(name))
    found = {tuple(tuple(round(float(x), 9) for x in p) for p in profile) for profile in game.vertex_enumeration()}
    known = {tuple(tuple(round(float(x), 9) for x in p) for p in profile) for profile in KNOWN[name]}
    assert found == known


def test_jordans_equilibrium_leaves_no_player_a_profitable_deviation() -> None:
    # the three-player game has no nashpy oracle: check the known answer by its definition instead
    game = inc.catalogue.game("jordan")
    assert inc.regret(game, [[H, H]] * 3) == 0
    pure = [tuple(int(i == k) for i in range(2)) for k in range(2)]
    assert all(inc.regret(game, [list(a), list(b), list(c)]) > 0 for a in pure for b in pure for c in pure)


def table(text: str, rows: tuple[str, ...]) -> list[list[tuple[int, ...]]]:
    """The payoff table drawn in a file's comments: the row of each action, its cells as (row, column) payoffs."""
    found = {}
    for line in text.splitlines():
        match = re.match(r"#\s+(\w+)\s+(-?\d+,.*)$", line)
        if match and match.group(1) in rows:
            cells = re.findall(r"(-?\d+),\s*(-?\d+)", match.group(2))
            found[match.group(1)] = [tuple(int(v) for v in cell) for cell in cells]
    return [found[r] for r in rows]


@pytest.mark.parametrize("name", sorted(n for n in KNOWN if n != "jordan"))
def test_the_table_in_the_comments_is_the_game_the_formulas_build(name: str) -> None:
    game = inc.catalogue.game(name)
    drawn = np.array(table((FOLDER / f"{name}.yaml").read_text(), game.actions[0]))
    assert np.array_equal(np.moveaxis(drawn, -1, 0), np.asarray(game.payoffs, dtype=object))


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_each_file_states_its_source_and_its_answer(name: str) -> None:
    org = inc.catalogue.load(name)
    text = (FOLDER / f"{name}.yaml").read_text()
    assert "Source:" in text and "Known answer" in text
    assert re.search(r"\b(1[89]|20)\d\d\b", org.description)  # the year of the source
    for profile in KNOWN[name]:
        for x in {x for p in profile for x in p if 0 < x < 1}:
            assert str(F(x)) in org.description, (name, x)
    assert org == inc.load_model(FOLDER / f"{name}.yaml")


def test_the_company_value_is_the_total_payoff() -> None:
    for name in inc.catalogue.names():
        game = inc.catalogue.game(name)
        assert np.array_equal(np.asarray(game.company_value, dtype=object), np.sum(game.payoffs, axis=0))


def test_an_unknown_name_is_a_model_error_that_suggests_the_right_one() -> None:
    with pytest.raises(inc.ModelError, match=r"no game 'prisoner_dilemma'.*did you mean 'prisoners_dilemma'"):
        inc.catalogue.load("prisoner_dilemma")


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_the_command_in_each_file_runs(name: str) -> None:
    text = (FOLDER / f"{name}.yaml").read_text()
    (command,) = re.findall(r"# Try:\s+incentives (.+)", text)
    result = CliRunner().invoke(main, command.split(), catch_exceptions=False)
    assert result.exit_code == 0 and inc.catalogue.load(name).name in result.output


def test_the_other_claims_of_the_descriptions() -> None:
    # prisoner's dilemma: defect strictly dominates cooperate for both
    dilemma = inc.eliminate_dominated(inc.catalogue.game("prisoners_dilemma"), mixed=False)
    assert dilemma.game.actions == (("defect",), ("defect",))
    # stag hunt: (stag, stag) is payoff dominant, (hare, hare) risk dominant (product of deviation losses 1 < 9)
    u = inc.catalogue.game("stag_hunt").payoffs
    assert u[0, 0, 0] > u[0, 1, 1] and (u[0, 0, 0] - u[0, 1, 0]) ** 2 < (u[0, 1, 1] - u[0, 0, 1]) ** 2
    # Shapley's game: fictitious play does not converge to the equilibrium
    play = inc.fictitious_play(inc.catalogue.game("shapley"), start=("a", "a"), rounds=3000)
    assert not play.converged
    # chicken: the indifference in the description gives 9/10
    q = F(9, 10)
    assert 0 * q - 1 * (1 - q) == 1 * q - 10 * (1 - q) == F(-1, 10)
