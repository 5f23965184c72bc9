"""Via negativa: the fewest terms to drop or cap, on organisations where the culprit is known."""

from __future__ import annotations

import pytest
from design_helpers import deviation_losses_by_hand, pure_equilibria_by_hand

import incentives as inc
from incentives.design import via_negativa


def one_gaming_kpi(
    actions: dict | None = None, costs: dict | None = None, bonus: dict | None = None
) -> inc.Organization:
    """Two departments; only ``maker``'s volume KPI makes it game (push instead of careful).

    maker careful: volume 1, quality 1; push: volume 3, quality 0.  Company value
    ``10 quality + volume + 5 effort`` is 16 at (careful, steady) and 8 at (push, steady).
    maker is paid 1 x volume and 0.1 of company value: push gains 2 - 0.8 = 1.2.
    helper is paid 1 x effort (aligned) and 0.1 of company value; steady costs it 0.2.
    """
    return inc.Organization.from_dict(
        {
            "name": "One gaming KPI",
            "departments": {
                "maker": {
                    "actions": actions or {"careful": {"volume": 1, "quality": 1}, "push": {"volume": 3, "quality": 0}}
                },
                "helper": {"actions": {"steady": {"effort": 1}, "lazy": {"effort": 0}}},
            },
            "kpis": {"volume": "maker.volume", "effort": "helper.effort"},
            "company_value": "10 * maker.quality + volume + 5 * effort",
            "bonus": bonus
            or {"maker": {"volume": 1, "company_value": 0.1}, "helper": {"effort": 1, "company_value": 0.1}},
            "costs": costs or {"helper": {"steady": 0.2}},
        }
    )


def test_exactly_the_gaming_kpi_is_dropped_and_ranked_first() -> None:
    org = one_gaming_kpi()
    assert pure_equilibria_by_hand(inc.build_game(org)) == [(1, 0)]  # maker pushes now
    cut = via_negativa(org)
    assert [(c.department, c.key, c.change) for c in cut.removed] == [("maker", "volume", "drop")]
    assert cut.status == "found" and not cut.stuck
    game = inc.build_game(cut.redesigned)
    assert pure_equilibria_by_hand(game) == [(0, 0)]
    assert min(deviation_losses_by_hand(game, (0, 0))) > 0
    first = cut.ranking[0]
    assert (first.department, first.key) == ("maker", "volume")
    # dropping it moves play from (push, steady), value 8, to (careful, steady), value 16
    assert first.recovered_best == pytest.approx(8.0)
    assert first.driver == pytest.approx(2.0)  # the volume term pays maker 2 for pushing
    assert all(g.recovered_best <= 0 for g in cut.ranking[1:])
    assert cut.verification.company_value_after == pytest.approx(16.0)


def test_cap_is_used_when_dropping_would_reward_slacking() -> None:
    # A third action, slack (volume 0), saves maker 0.5 of effort; maker is paid on volume
    # only.  Dropping volume makes slack best; capping volume at its target level (1) keeps
    # careful as good as push and better than slack.
    org = one_gaming_kpi(
        actions={
            "careful": {"volume": 1, "quality": 1},
            "push": {"volume": 3, "quality": 0},
            "slack": {"volume": 0, "quality": 0.5},
        },
        costs={"maker": {"careful": 0.5, "push": 0.5}, "helper": {"steady": 0.2}},
        bonus={"maker": {"volume": 1}, "helper": {"effort": 1}},
    )
    cut = via_negativa(org)
    (change,) = cut.removed
    assert (change.department, change.key, change.change, change.cap) == ("maker", "volume", "cap", 1.0)
    redesigned = cut.redesigned
    assert str(redesigned.kpis["volume_capped"]) == "Min(1, volume)"
    assert redesigned.bonus["maker"] == {"volume_capped": 1}
    game = inc.build_game(redesigned)
    assert (0, 0) in pure_equilibria_by_hand(game)
    assert cut.verification.is_equilibrium
    without_caps = via_negativa(org, caps=False, rank=False)
    assert [o.department for o in without_caps.stuck] == ["maker"]
    assert "needs a new incentive" in without_caps.stuck[0].message


def test_example_support_cannot_be_fixed_by_removal() -> None:
    org = inc.load_model("examples/growing_company.yaml")
    cut = via_negativa(org, rank=False)
    assert cut.status == "partial"
    (stuck,) = cut.stuck
    assert (stuck.department, stuck.deviation) == ("support", "fast_close")
    assert stuck.gain == pytest.approx(0.5)  # thorough work costs 0.5 that nothing left in the plan pays for
    assert {c.department for c in cut.removed} == {"sales", "development", "operations"}


def test_negative_margin_is_refused() -> None:
    with pytest.raises(inc.DesignError, match="'margin'"):
        via_negativa(one_gaming_kpi(), margin=-1)
