"""Internal transfers: budget balance checked at every profile, and a known answer for the prisoner's dilemma."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from design_helpers import arrays_by_hand, deviation_losses_by_hand, pure_equilibria_by_hand, two_teams

import incentives as inc
from incentives.design import design_transfers


def total_bonus_change(before: inc.Organization, after: inc.Organization) -> np.ndarray:
    """Sum over departments of (new bonus - old bonus) at every profile, from the two models' formulas."""
    exprs = {
        d: sympy.Add(*(w * sympy.Symbol(k) for k, w in after.bonus.get(d, {}).items()))
        - sympy.Add(*(w * sympy.Symbol(k) for k, w in before.bonus.get(d, {}).items()))
        for d in before.department_names
    }
    kpis = {**before.resolved_kpis(), "company_value": before.resolved_company_value()}
    resolved = {d: e.subs({sympy.Symbol(k): v for k, v in kpis.items()}) for d, e in exprs.items()}
    arrays = arrays_by_hand(before, resolved)
    return np.sum([np.asarray(a, dtype=float) for a in arrays.values()], axis=0)


def test_prisoners_dilemma_transfers_match_the_hand_solution() -> None:
    # north pays south a x north_score and south pays north b x south_score.  North's hoarding
    # raises north_score by 1 (it pays a more) and lowers south_score by 2 (it receives 2 b less),
    # against the 1 its own score gains: it loses a + 2 b - 1 >= m.  Symmetrically 2 a + b - 1 >= m.
    # Least money moved at the target (both scores are 2) is a = b = (1 + m) / 3.
    org = two_teams()
    deal = design_transfers(org, margin=1)
    assert deal.found
    rates = {(t.payer, t.receiver, t.kpi): t.rate for t in deal.transfers}
    assert rates == pytest.approx({("north", "south", "north_score"): 2 / 3, ("south", "north", "south_score"): 2 / 3})
    game = inc.build_game(deal.redesigned, exact=False)
    assert min(deviation_losses_by_hand(game, (0, 0))) == pytest.approx(1.0)
    assert pure_equilibria_by_hand(game) == [(0, 0)]


@pytest.mark.parametrize("concept", ["nash", "dominant"])
def test_example_transfers_sum_to_zero_at_every_profile(concept: str) -> None:
    org = inc.load_model("examples/growing_company.yaml")
    deal = design_transfers(org, concept=concept)
    assert deal.found and deal.transfers
    after = deal.redesigned
    change = total_bonus_change(org, after)
    assert change.shape == (2, 2, 2, 2)
    assert np.max(np.abs(change)) < 1e-9
    assert deal.imbalance < 1e-9
    # and the bonus total at every profile is unchanged, so no new money is spent
    total = lambda o: inc.build_game(o, exact=False).float_payoffs().sum(axis=0)  # noqa: E731
    assert np.allclose(total(after), total(org))
    assert min(deviation_losses_by_hand(inc.build_game(after, exact=False), deal.target)) >= 1 - 1e-5
    assert sum(deal.net_at_target.values()) == pytest.approx(0.0, abs=1e-9)
    assert "Internal transfers:" in after.description


def test_transfers_on_a_kpi_the_department_cannot_move_are_reported() -> None:
    org = inc.load_model("examples/growing_company.yaml")
    deal = design_transfers(org, kpis=["tickets"])
    assert not deal.found
    named = {(o.department, o.deviation) for o in deal.obstacles}
    assert ("support", "fast_close") in named and ("operations", "change_freeze") in named
    with pytest.raises(inc.DesignError):
        _ = deal.redesigned


def test_transfers_refuse_the_unique_concept_and_unknown_kpis() -> None:
    org = two_teams()
    with pytest.raises(inc.DesignError, match="'nash' or 'dominant'"):
        design_transfers(org, concept="unique")
    with pytest.raises(inc.DesignError, match="unknown KPI 'revenue'"):
        design_transfers(org, kpis=["revenue"])
