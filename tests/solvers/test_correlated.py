"""Correlated and coarse correlated equilibria, checked against hand-computed answers and brute force."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest

import incentives as inc
from incentives.solvers.correlated import correlated_equilibrium, incentive_violation, mediator_range

# Chicken (dare, swerve): the classic example of Aumann (1974).
CHICKEN = inc.Game.from_bimatrix(
    [[0, 7], [2, 6]], [[0, 2], [7, 6]], actions=(("dare", "swerve"), ("dare", "swerve")), players=("row", "col")
)


def brute_force_gain(game: inc.Game, dist: np.ndarray, coarse: bool) -> float:
    """Largest gain from disobeying, by explicit loops over players, actions and profiles."""
    u = game.float_payoffs()
    dist = np.asarray(dist, dtype=float)
    worst = -np.inf
    for i, n_i in enumerate(game.shape):
        for instead in range(n_i):
            told_options = range(n_i) if not coarse else [None]
            for told in told_options:
                gain = 0.0
                for s in itertools.product(*(range(n) for n in game.shape)):
                    if told is not None and s[i] != told:
                        continue
                    t = list(s)
                    t[i] = instead
                    gain += dist[s] * (u[(i, *t)] - u[(i, *s)])
                worst = max(worst, gain)
    return worst


def random_game(rng: np.random.Generator, shape: tuple[int, ...], company: bool = False) -> inc.Game:
    payoffs = rng.normal(size=(len(shape), *shape))
    game = inc.Game.from_payoffs(payoffs)
    if company:
        return inc.Game(
            players=game.players, actions=game.actions, payoffs=payoffs, company_value=rng.normal(size=shape)
        )
    return game


def test_chicken_best_correlated_equilibrium_by_hand() -> None:
    # maximise 12c + 9(a + b) s.t. c <= 2b (row told swerve), c <= 2a (col told swerve), a + b + c + d = 1:
    # optimum a = b = 1/4, c = 1/2, total 21/2 (each 21/4).
    ce = correlated_equilibrium(CHICKEN, "total_payoff")
    assert ce.is_exact and ce.violation == 0
    assert ce.distribution.tolist() == [[0, F(1, 4)], [F(1, 4), F(1, 2)]]
    assert ce.total_payoff == F(21, 2)
    assert ce.payoffs.tolist() == [F(21, 4), F(21, 4)]
    assert ce.recommendations[0] == ("row=swerve, col=swerve", F(1, 2))
    assert brute_force_gain(CHICKEN, ce.distribution, coarse=False) == pytest.approx(0.0, abs=1e-12)


def test_aumann_distribution_beats_every_nash_equilibrium() -> None:
    aumann = np.array([[0, F(1, 3)], [F(1, 3), F(1, 3)]], dtype=object)
    assert incentive_violation(CHICKEN, aumann) == 0
    assert brute_force_gain(CHICKEN, aumann, coarse=False) <= 1e-12
    total = sum(F(x) for x in (aumann * (CHICKEN.payoffs[0] + CHICKEN.payoffs[1])).ravel())
    assert total == 10
    nash_totals = [sum(e.payoffs) for e in inc.solve(CHICKEN, "vertex-enumeration")]
    assert sorted(nash_totals) == [9, 9, F(28, 3)]  # mixed: each gets 14/3
    assert total > max(nash_totals)
    assert correlated_equilibrium(CHICKEN, "total_payoff").total_payoff > total


def test_objective_for_one_player_and_minimum() -> None:
    best_for_row = correlated_equilibrium(CHICKEN, "row")
    assert best_for_row.payoffs[0] == 7 and best_for_row.objective == "max payoff of row"
    worst = correlated_equilibrium(CHICKEN, "total_payoff", minimise=True)
    # minimise 12c + 9(a + b) s.t. 2d <= a, 2d <= b (told to dare, each must not prefer to swerve),
    # c <= 2a, c <= 2b: c = 0, a = b = 2d, so d = 1/5 and the total is 36/5, below every Nash equilibrium
    assert worst.distribution.tolist() == [[F(1, 5), F(2, 5)], [F(2, 5), 0]]
    assert worst.total_payoff == F(36, 5) and worst.violation == 0


def test_float_chicken_agrees_with_exact() -> None:
    floats = CHICKEN.to_float()
    ce = correlated_equilibrium(floats, "total_payoff")
    assert not ce.is_exact
    assert ce.total_payoff == pytest.approx(10.5, abs=1e-9)
    assert ce.violation <= 1e-9


@pytest.mark.parametrize("seed", range(6))
def test_random_games_constraints_and_inclusions(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = [(3, 3), (2, 2, 2), (3, 2, 2), (4, 3)][seed % 4]
    game = random_game(rng, shape, company=True)
    ce_max = correlated_equilibrium(game, "total_payoff")
    cce_max = correlated_equilibrium(game, "total_payoff", coarse=True)
    ce_min = correlated_equilibrium(game, "company_value", minimise=True)
    cce_min = correlated_equilibrium(game, "company_value", minimise=True, coarse=True)
    for result in (ce_max, ce_min):
        assert brute_force_gain(game, result.distribution, coarse=False) <= 1e-8
        assert result.violation == pytest.approx(max(brute_force_gain(game, result.distribution, False), 0), abs=1e-9)
    for result in (cce_max, cce_min):
        assert brute_force_gain(game, result.distribution, coarse=True) <= 1e-8
    # every CE is a CCE: the CCE set is larger, so its optimum is at least as good
    assert ce_max.total_payoff <= cce_max.total_payoff + 1e-9
    assert cce_min.company_value <= ce_min.company_value + 1e-9
    # every Nash equilibrium (a product distribution) is a correlated equilibrium
    for eq in inc.solve(game, "pure" if len(shape) > 2 else "all"):
        product = np.asarray(eq.profile[0], dtype=float)
        for p in eq.profile[1:]:
            product = np.multiply.outer(product, np.asarray(p, dtype=float))
        assert brute_force_gain(game, product, coarse=False) <= 1e-8
        assert incentive_violation(game, product) <= 1e-8
        assert ce_max.total_payoff >= float(sum(eq.payoffs)) - 1e-8
        assert ce_min.company_value <= float(eq.company_value) + 1e-8


def test_mediator_range_brackets_nash_equilibria() -> None:
    value = np.array([[F(-10), F(5)], [F(5), F(8)]], dtype=object)  # the company hates crashes
    game = inc.Game(players=CHICKEN.players, actions=CHICKEN.actions, payoffs=CHICKEN.payoffs, company_value=value)
    span = mediator_range(game)
    low, high = span.values
    # by hand: max 5(a + b) + 8c with c <= 2a, c <= 2b -> a = b = 1/4, c = 1/2: 13/2;
    # min -10 d + ... : d is only obeyed with enough weight on (dare, swerve) or (swerve, dare)
    assert high == F(13, 2)
    nash_values = [e.company_value for e in inc.solve(game, "vertex-enumeration")]
    assert low <= min(nash_values) and max(nash_values) <= high
    assert span.lowest.violation == 0 and span.highest.violation == 0


def test_growing_company_mediator_cannot_help() -> None:
    game = inc.build_game(inc.load_model("examples/growing_company.yaml"))
    span = mediator_range(game, coarse=True)
    (eq,) = inc.solve(game)
    assert span.values[0] == pytest.approx(float(eq.company_value))
    assert span.values[1] == pytest.approx(float(eq.company_value))


def test_exact_integer_games_are_rationalised() -> None:
    rng = np.random.default_rng(3)
    game = inc.Game.from_payoffs(rng.integers(-5, 6, size=(3, 3, 3, 2)).tolist())
    assert game.is_exact
    for coarse in (False, True):
        result = correlated_equilibrium(game, "total_payoff", coarse=coarse)
        assert result.is_exact and result.violation == 0 and not result.notes
        assert sum(result.distribution.ravel()) == 1
        assert brute_force_gain(game, result.distribution, coarse=coarse) <= 1e-12
        floats = correlated_equilibrium(game.to_float(), "total_payoff", coarse=coarse)
        assert float(result.total_payoff) == pytest.approx(floats.total_payoff, abs=1e-8)


def test_bad_input_is_refused() -> None:
    with pytest.raises(inc.IncentivesError, match="no company value"):
        correlated_equilibrium(CHICKEN)
    with pytest.raises(ValueError, match="'objective' parameter"):
        correlated_equilibrium(CHICKEN, "profit")
    with pytest.raises(ValueError, match="exact=True"):
        correlated_equilibrium(CHICKEN.to_float(), "total_payoff", exact=True)
    with pytest.raises(inc.GameTooLargeError, match="max_profiles=3"):
        correlated_equilibrium(CHICKEN, "total_payoff", max_profiles=3)
    with pytest.raises(ValueError, match="shape"):
        incentive_violation(CHICKEN, [0.5, 0.5])
