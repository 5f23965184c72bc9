"""Textbook repeated games with known critical discount factors, as a table of exact answers.

* Prisoner's dilemma (Fudenberg and Tirole 1991, Section 5.1): cooperation under grim
  trigger needs delta >= (T - R) / (T - P); with detection probability p,
  (T - R) / ((T - R) + p (R - P)) (derived by hand in docs/explanation/repeated-interaction.md).
* Cournot duopoly, inverse demand 30 - Q, unit cost 6, quantities {6, 8, 9}: half the
  monopoly output each (6) gives 72, the best reply to 6 is 9 (81), the Cournot
  equilibrium (8, 8) gives 64, so Nash reversion needs (81 - 72) / (81 - 64) = 9/17.  The
  harshest punishment floods the market: against 9 the best reply earns 8 * 7 = 56, so
  minmax needs (81 - 72) / (81 - 56) = 9/25.
* A prisoner's dilemma with a costly punishing action X (never a best reply): Nash reversion
  to mutual defection needs 1/2, the minmax punishment (the other plays X, holding one to 0)
  needs (5 - 3) / (5 - 0) = 2/5: minmax beats Nash reversion.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import incentives as inc
from incentives.repeated import critical_discount, minmax_values, smallest_monitoring

F = Fraction


def prisoners_dilemma(t: int, r: int, p: int, s: int) -> inc.Game:
    return inc.Game.from_bimatrix(
        [[r, s], [t, p]],
        [[r, t], [s, p]],
        players=("sales", "support"),
        actions=(("cooperate", "defect"), ("cooperate", "defect")),
    )


def cournot() -> inc.Game:
    quantities = [6, 8, 9]
    row = [[q * (30 - q - other) - 6 * q for other in quantities] for q in quantities]
    column = [[other * (30 - q - other) - 6 * other for other in quantities] for q in quantities]
    names = tuple(str(q) for q in quantities)
    return inc.Game.from_bimatrix(row, column, players=("firm 1", "firm 2"), actions=(names, names))


def punishing_dilemma() -> inc.Game:
    row = [[3, 0, 0], [5, 1, 0], [0, -1, -2]]
    return inc.Game.from_bimatrix(
        row,
        [list(col) for col in zip(*row, strict=True)],
        actions=(("C", "D", "X"), ("C", "D", "X")),
    )


# (game, target, nash reversion delta*, pure minmax delta*, mixed minmax delta*)
KNOWN = [
    ("prisoner's dilemma 5 3 1 0", prisoners_dilemma(5, 3, 1, 0), (0, 0), F(1, 2), F(1, 2), F(1, 2)),
    ("prisoner's dilemma 4 3 1 0", prisoners_dilemma(4, 3, 1, 0), (0, 0), F(1, 3), F(1, 3), F(1, 3)),
    ("prisoner's dilemma 7 4 2 0", prisoners_dilemma(7, 4, 2, 0), (0, 0), F(3, 5), F(3, 5), F(3, 5)),
    ("cournot 30 - Q, cost 6", cournot(), (0, 0), F(9, 17), F(9, 25), F(9, 25)),
    ("dilemma with punishment", punishing_dilemma(), (0, 0), F(1, 2), F(2, 5), F(2, 5)),
]


@pytest.mark.parametrize(("name", "game", "target", "nash", "pure", "mixed"), KNOWN, ids=[k[0] for k in KNOWN])
def test_critical_discount_factors_are_the_textbook_fractions(
    name: str, game: inc.Game, target: tuple[int, int], nash: Fraction, pure: Fraction, mixed: Fraction
) -> None:
    result = inc.repeated(game, target=target, payoff_set=False)
    assert isinstance(result.critical_discount, Fraction)
    assert result.grim_trigger("stage equilibrium 1").critical_discount == nash
    assert result.grim_trigger("pure minmax").critical_discount == pure
    assert result.harshest.critical_discount == mixed
    assert result.harshest.critical_discount <= result.critical_discount  # nothing beats the minmax bound


@pytest.mark.parametrize(("t", "r", "p", "s"), [(5, 3, 1, 0), (4, 3, 1, 0), (7, 4, 2, 0), (10, 6, 1, -3)])
@pytest.mark.parametrize("detection", [F(1), F(1, 2), F(1, 3), F(9, 10)])
def test_prisoners_dilemma_with_imperfect_monitoring_has_the_closed_form(
    t: int, r: int, p: int, s: int, detection: Fraction
) -> None:
    result = inc.repeated(prisoners_dilemma(t, r, p, s), target=(0, 0), monitoring=detection, payoff_set=False)
    expected = F(t - r, (t - r) + detection * (r - p))
    assert result.critical_discount == expected
    assert result.grim_trigger("stage equilibrium 1").critical_discounts == (expected, expected)
    if detection == 1:
        assert expected == F(t - r, t - p)


def test_the_smallest_detection_probability_inverts_the_critical_discount_factor() -> None:
    # at delta = delta*(p) the smallest p is p itself: (1 - delta) g / (delta L) with g = 2, L = 2
    for p in (F(1, 4), F(1, 2), F(3, 4), F(1)):
        delta = critical_discount(F(2), F(2), p)
        assert smallest_monitoring(F(2), F(2), delta) == p
    result = inc.repeated(prisoners_dilemma(5, 3, 1, 0), target=(0, 0), discount=F(3, 4), payoff_set=False)
    assert result.reversion is not None
    assert result.reversion.smallest_monitoring == (F(1, 3), F(1, 3))  # (1/4 * 2) / (3/4 * 2)
    assert result.reversion.required_monitoring == F(1, 3)


def test_the_binding_department_and_its_one_shot_gain() -> None:
    # an asymmetric dilemma: sales is tempted by 4 and loses 2; support by 1 and loses 2
    game = inc.Game.from_bimatrix([[3, 0], [7, 1]], [[3, 4], [0, 1]], players=("sales", "support"))
    result = inc.repeated(game, target=(0, 0), payoff_set=False)
    assert result.binding_department == "sales"
    assert result.one_shot_gain == 4
    assert result.critical_discount == F(4, 6)
    assert result.reversion is not None
    assert result.reversion.critical_discounts == (F(2, 3), F(1, 3))


def test_matching_pennies_mixed_minmax_is_below_the_pure_one() -> None:
    pennies = inc.Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    for value in minmax_values(pennies):
        assert (value.pure, value.mixed, value.correlated, value.exact) == (1, 0, False, True)


def test_rock_paper_scissors_minmax_is_the_value_of_the_game() -> None:
    rps = [[0, -1, 1], [1, 0, -1], [-1, 1, 0]]
    game = inc.Game.from_bimatrix(rps, [[-x for x in row] for row in rps])
    row = minmax_values(game)[0]
    assert (row.pure, row.mixed) == (1, 0)
    assert row.mixed_punishment == "column=(1/3 c0 + 1/3 c1 + 1/3 c2)"


def test_a_zero_sum_game_with_an_uneven_value() -> None:
    # row's payoffs [[3, -1], [-2, 4]]: value (3*4 - 1*2) / (3 + 4 + 1 + 2) = 1, column mixes 1/2, 1/2
    matrix = [[3, -1], [-2, 4]]
    game = inc.Game.from_bimatrix(matrix, [[-x for x in row] for row in matrix])
    row = minmax_values(game)[0]
    assert row.mixed == F(1) and row.pure == 3
    assert row.mixed_punishment == "column=(0.5 c0 + 0.5 c1)"


def three_department_punishment() -> inc.Game:
    # the third department gets 1 unless the two punishers match and it guesses their match:
    # pure minmax 1, correlated minmax 1/2 (the punishers toss one coin), independent 3/4
    payoffs = [[[[0, 0], [0, 0]], [[0, 0], [0, 0]]]] * 2
    third = [[[1, 0], [1, 1]], [[1, 1], [0, 1]]]
    return inc.Game.from_payoffs([*payoffs, third])


def test_several_punishers_correlating_go_below_every_independent_punishment() -> None:
    values = minmax_values(three_department_punishment())
    third = values[2]
    assert (third.pure, third.mixed, third.correlated, third.exact) == (1, F(1, 2), True, True)
    assert third.mixed_punishment == "0.5 (player 1=1.1, player 2=2.1) + 0.5 (player 1=1.2, player 2=2.2)"
    # the independent minmax lies between: a grid over both punishers' mixtures never goes below 3/4
    grid = [F(k, 20) for k in range(21)]
    independent = min(
        max(x * y + x * (1 - y) + (1 - x) * y, (1 - x) * (1 - y) + x * (1 - y) + (1 - x) * y)
        for x in grid
        for y in grid
    )
    assert independent == F(3, 4) and third.mixed < independent < third.pure
