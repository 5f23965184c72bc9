"""The closed forms against brute force: discounted sums of deviation plans, added up period by period.

For every department, every deviation action, and two deviation plans (deviate once; deviate
every period until detected), the plan's average discounted payoff is summed over 4,000
periods (the tail is below 1e-12 for the discount factors used) from the probability of
being detected by each period.  The target is sustained exactly when no plan beats keeping
to it.  This shares no code with the closed forms of incentives.repeated.critical.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import incentives as inc
from incentives.repeated import critical_discount, smallest_monitoring, sustains

PERIODS = 4000


def plan_values(target: float, deviation: float, punished: float, delta: float, p: float) -> tuple[float, float]:
    """Average discounted payoffs of deviating once, and of deviating every period until detected."""
    t = np.arange(PERIODS)
    weights = (1 - delta) * delta**t
    unseen = (1 - p) ** t  # probability that no deviation has been detected before period t
    once = np.where(t == 0, deviation, (1 - p) * target + p * punished)
    always = unseen * deviation + (1 - unseen) * punished
    return float(weights @ once), float(weights @ always)


def brute_force_sustained(
    game: inc.Game, target: tuple[int, ...], punished: np.ndarray, delta: float, p: float
) -> bool:
    payoffs = game.float_payoffs()
    for i in range(game.n_players):
        keep = float(payoffs[(i, *target)])
        for b in range(game.shape[i]):
            moved = list(target)
            moved[i] = b
            once, always = plan_values(keep, float(payoffs[(i, *moved)]), float(punished[i]), delta, p)
            if max(once, always) > keep + 1e-9:
                return False
    return True


@pytest.mark.parametrize("seed", range(12))
def test_grim_trigger_verdicts_agree_with_summed_deviation_plans(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = [(2, 2), (3, 3), (2, 2, 2), (3, 2)][seed % 4]
    game = inc.Game.from_payoffs(rng.integers(-5, 6, size=(len(shape), *shape)).astype(float))
    target = tuple(int(rng.integers(0, n)) for n in shape)
    gains = np.array([t.gain for t in inc.repeated(game, target=target, payoff_set=False).temptations], dtype=float)
    checked = 0
    for delta, p in itertools.product((0.2, 0.5, 0.8, 0.95), (0.3, 1.0)):
        result = inc.repeated(game, target=target, discount=delta, monitoring=p, payoff_set=False)
        for trigger in result.grim_triggers:
            critical = critical_discount(gains, np.array(trigger.losses, dtype=float), p).max()
            if abs(critical - delta) < 1e-6:
                continue  # on the boundary the discounted sums decide by rounding
            expected = brute_force_sustained(game, target, np.array(trigger.punishment.payoffs, dtype=float), delta, p)
            assert (delta >= critical) == expected
            assert trigger.sustained == expected
            checked += 1
    assert checked > 20


@settings(max_examples=200, deadline=None)
@given(
    gain=st.fractions(min_value=-5, max_value=5, max_denominator=12),
    loss=st.fractions(min_value=-5, max_value=5, max_denominator=12),
    p=st.fractions(min_value=0, max_value=1, max_denominator=12),
    delta=st.fractions(min_value=0, max_value=Fraction(99, 100), max_denominator=100),
)
def test_the_critical_discount_factor_is_where_the_condition_starts_to_hold_for_good(
    gain: Fraction, loss: Fraction, p: Fraction, delta: Fraction
) -> None:
    critical = critical_discount(gain, loss, p)
    assert 0 <= critical <= 1
    if critical < 1:  # every discount factor from delta* on sustains the target
        assert sustains(gain, loss, max(delta, critical), p)
    if 0 < critical < 1 and delta < critical:
        assert not sustains(gain, loss, delta, p)
    needed = smallest_monitoring(gain, loss, delta)
    if needed <= 1:
        assert sustains(gain, loss, delta, needed)
    if 0 < needed <= 1 and needed > Fraction(1, 10**6):
        assert not sustains(gain, loss, delta, needed * Fraction(999, 1000))


def test_the_array_forms_agree_with_the_exact_ones() -> None:
    rng = np.random.default_rng(7)
    gains = rng.integers(-3, 4, size=50)
    losses = rng.integers(-3, 4, size=50)
    p = rng.integers(0, 5, size=50) / 4
    delta = rng.integers(0, 20, size=50) / 20
    critical = critical_discount(gains.astype(float), losses.astype(float), p)
    needed = smallest_monitoring(gains.astype(float), losses.astype(float), delta)
    verdict = sustains(gains.astype(float), losses.astype(float), delta, p)
    for k in range(50):
        g, loss, q, d = Fraction(int(gains[k])), Fraction(int(losses[k])), Fraction(p[k]), Fraction(delta[k])
        assert critical[k] == pytest.approx(float(critical_discount(g, loss, q)))
        assert needed[k] == pytest.approx(float(smallest_monitoring(g, loss, d)))
        assert verdict[k] == sustains(g, loss, d, q)


def test_a_punishment_better_than_the_target_cannot_hold_a_patient_department() -> None:
    # the target gives 1, the punishment 2: with no gain from deviating today, triggering it still pays
    assert critical_discount(Fraction(0), Fraction(-1)) == 1
    assert not sustains(Fraction(0), Fraction(-1), Fraction(1, 2))
    assert sustains(Fraction(-3), Fraction(-1), Fraction(1, 2))  # impatient enough, a losing deviation stays one
    assert not sustains(Fraction(-3), Fraction(-1), Fraction(9, 10))
