"""Gaming analysis on organisations whose answer is known by hand."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import incentives as inc
from incentives.analysis.gaming import COST_TERM

EXAMPLE = Path("examples/growing_company.yaml")

# Prisoner's dilemma between two departments: effort e = 1 cooperates.  Each KPI is
# 1 + 4 e_other - e_own - e_own e_other: R=3, S=0, T=5, P=1.
PD = {
    "name": "Prisoner's dilemma",
    "departments": {
        "sales": {"actions": {"share": {"e": 1}, "hoard": {"e": 0}}},
        "support": {"actions": {"share": {"e": 1}, "hoard": {"e": 0}}},
    },
    "kpis": {
        "sales_score": "1 + 4 * support.e - sales.e - sales.e * support.e",
        "support_score": "1 + 4 * sales.e - support.e - sales.e * support.e",
    },
    "company_value": "sales_score + support_score",
    "bonus": {"sales": {"sales_score": 1}, "support": {"support_score": 1}},
}

ALIGNED = {
    "name": "Profit sharing",
    "departments": {
        "sales": {"actions": {"careful": {"deals": 2}, "pushy": {"deals": 3}}},
        "support": {"actions": {"thorough": {"q": 1}, "fast": {"q": 0}}},
    },
    "kpis": {"revenue": "3 * sales.deals * (1 + support.q)", "tickets": "sales.deals ** 2"},
    "company_value": "revenue - tickets",
    "bonus": {"sales": {"company_value": 0.1}, "support": {"company_value": 0.2}},
}

# Development dumps work on support and nobody else; operations is untouched.
ONE_VICTIM = {
    "name": "One victim",
    "departments": {
        "development": {"actions": {"clean": {"dump": 0}, "dump": {"dump": 1}}},
        "support": {"actions": {"steady": {"x": 0}}},
        "operations": {"actions": {"steady": {"y": 0}, "busy": {"y": 1}}},
    },
    "kpis": {
        "features": "2 + development.dump",
        "calm": "5 - 3 * development.dump",
        "uptime": "1 - operations.y",
    },
    "company_value": "features + calm + uptime",
    "bonus": {"development": {"features": 1}, "support": {"calm": 1}, "operations": {"uptime": 1}},
}


def analysis_of(data: dict) -> inc.Analysis:
    return inc.analyze(inc.Organization.from_dict(data))


def test_prisoners_dilemma_between_departments() -> None:
    report = analysis_of(PD)
    assert [e.label for e in report.equilibria] == ["sales=hoard, support=hoard"]
    assert report.game.profile_label(report.optimum.profile) == "sales=share, support=share"
    item = report.equilibria[0]
    assert item.company_value == 2 and item.value_gap == 4
    sales = item.departures[0]
    assert (sales.department, sales.plays, sales.optimum_action) == ("sales", "hoard", "share")
    assert sales.own_gain == 1 and sales.company_cost == 3
    assert dict(sales.drivers) == {"sales_score": 1}
    assert dict(sales.effects) == {"support": -4}
    assert sales.games
    assert report.price_of_anarchy == 1.0 and report.price_of_stability == 1.0
    assert report.ratio_of_anarchy == 3.0
    statuses = {(a.department, a.kpi): a.status for a in report.alignment}
    assert statuses == {("sales", "sales_score"): "misaligned", ("support", "support_score"): "misaligned"}


def test_fully_aligned_organisation_is_free_of_gaming() -> None:
    report = analysis_of(ALIGNED)
    assert len(report.equilibria) == 1
    item = report.equilibria[0]
    assert item.departures == () and item.is_optimal and item.value_gap == 0
    assert report.gaming_departments == ()
    assert report.price_of_anarchy == 0.0 and report.price_of_stability == 0.0
    assert {a.status for a in report.alignment} == {"aligned"}
    assert all(change == 0 for change in item.burden.values())


def test_gaming_that_hurts_exactly_one_other_department() -> None:
    report = analysis_of(ONE_VICTIM)
    item = report.worst
    assert item is not None
    assert [d.department for d in item.departures] == ["development"]
    dev = item.departures[0]
    assert dev.own_gain == 1 and dev.company_cost == 2
    assert dict(dev.effects) == {"support": -3, "operations": 0}
    assert dict(item.burden) == {"development": 1, "support": -3, "operations": 0}
    assert report.gaming_departments == ("development",)
    statuses = {(a.department, a.kpi): a.status for a in report.alignment}
    assert statuses[("development", "features")] == "misaligned"
    assert statuses[("support", "calm")] == "neutral"
    assert statuses[("operations", "uptime")] == "aligned"


def test_attribution_sums_to_the_gain_exactly() -> None:
    report = inc.analyze(inc.load_model(EXAMPLE), exact=True)
    for item in report.equilibria:
        for dep in item.departures:
            assert isinstance(dep.own_gain, Fraction)
            assert sum(dep.drivers.values()) == dep.own_gain


def test_example_names_the_gaming_the_story_intends() -> None:
    report = inc.analyze(inc.load_model(EXAMPLE))
    # operations departs too, but with the others gaming its freeze helps: switching alone would cost the company
    assert report.gaming_departments == ("sales", "support", "development")
    item = report.worst
    assert item is not None
    drivers = {d.department: d.main_drivers for d in item.departures}
    assert drivers == {
        "sales": ("new_customers",),
        "support": ("resolution_hours", "tickets_closed_per_hour", COST_TERM),
        "development": ("features_shipped",),
        "operations": ("uptime",),
    }
    assert {d.department: d.main_drivers[0] for d in item.departures} == {
        "sales": "new_customers",
        "support": "resolution_hours",
        "development": "features_shipped",
        "operations": "uptime",
    }
    plays = {d.department: (d.plays, d.optimum_action) for d in item.departures}
    assert plays["sales"] == ("aggressive", "consultative")
    assert plays["operations"] == ("change_freeze", "continuous_delivery")
    operations = next(d for d in item.departures if d.department == "operations")
    assert operations.own_gain > 0 and operations.company_cost < 0 and not operations.games
    # change_freeze pays operations more than continuous_delivery at every profile of the others (brute force)
    game = report.game
    own = game.payoffs[3]
    assert all(own[a, b, c, 1] > own[a, b, c, 0] for a in range(2) for b in range(2) for c in range(2))
    assert operations.whatever_others_do
    sales = next(d for d in item.departures if d.department == "sales")
    assert sales.whatever_others_do  # aggressive pays sales more whatever the others do: its plan is the problem
    # sales' gaming loads support with tickets and operations with incidents
    sales = next(d for d in item.departures if d.department == "sales")
    assert sales.effects["support"] < 0 and sales.effects["operations"] < 0
    assert 0 < report.price_of_anarchy <= 1
    assert set(report.gaming_scores) == {"sales", "support", "development", "operations"}
    assert report.gaming_scores["operations"] == 0
    assert max(report.gaming_scores, key=report.gaming_scores.get) == "sales"


def test_mixed_equilibrium_departures_are_expected_values() -> None:
    # matching pennies between departments; company value prefers (h, h)
    data = {
        "departments": {
            "a": {"actions": {"h": {"x": 1}, "t": {"x": 0}}},
            "b": {"actions": {"h": {"y": 1}, "t": {"y": 0}}},
        },
        "kpis": {"match": "a.x * b.y + (1 - a.x) * (1 - b.y)"},
        "company_value": "a.x + b.y",
        "bonus": {"a": {"match": 1}, "b": {"match": -1}},
    }
    report = analysis_of(data)
    assert len(report.equilibria) == 1
    item = report.equilibria[0]
    assert item.company_value == 1 and item.value_gap == 1
    for dep in item.departures:
        assert dep.plays == "0.5 h + 0.5 t"
        assert all(isinstance(p, Fraction) for p in item.equilibrium.profile[0])
        assert dep.own_gain == 0  # indifferent at a mixed equilibrium
        assert dep.company_cost == Fraction(1, 2)
        assert not dep.games


def test_costs_enter_the_attribution() -> None:
    data = dict(PD)
    data["costs"] = {"sales": {"share": 0.5}}
    report = analysis_of(data)
    sales = next(d for d in report.worst.departures if d.department == "sales")
    assert sales.drivers[COST_TERM] == Fraction(1, 2)
    assert sum(sales.drivers.values()) == sales.own_gain == Fraction(3, 2)


def test_report_is_deterministic() -> None:
    from incentives.report import render

    org = inc.load_model(EXAMPLE)
    first = inc.analyze(org)
    second = inc.analyze(inc.load_model(EXAMPLE))
    for fmt in ("json", "text"):
        assert render(first, fmt) == render(second, fmt)


@pytest.mark.parametrize("selection", ["worst", "best"])
def test_perspectives_on_a_known_event(selection: str) -> None:
    data = dict(ONE_VICTIM)
    data["parameters"] = {"load": 1}
    data["kpis"] = dict(ONE_VICTIM["kpis"], calm="5 - 3 * load * development.dump")
    data["events"] = {"double_load": {"load": 2}}
    views = inc.perspectives(inc.Organization.from_dict(data), "double_load", selection=selection)
    verdicts = {v.party: v.verdict for v in views.views}
    assert verdicts == {"development": "no change", "support": "loss", "operations": "no change", "company": "loss"}
    assert views.view("support").change == -3
    assert views.company.change == -3


def test_perspectives_unknown_event() -> None:
    with pytest.raises(inc.ModelError, match="unknown event"):
        inc.perspectives(inc.load_model(EXAMPLE), "merger")


def test_a_true_responder_is_told_apart_from_a_department_that_departs_whatever_the_others_do() -> None:
    # Sales games (push pays it more whatever support does). Support's bonus follows company value, so
    # it triages only because sales pushes: were sales careful, support would stay thorough.
    org = inc.Organization.from_dict(
        {
            "departments": {
                "sales": {"actions": {"careful": {"push": 0}, "push": {"push": 1}}},
                "support": {"actions": {"thorough": {"triage": 0}, "triage": {"triage": 1}}},
            },
            "kpis": {
                "deals": "2 + sales.push",
                "load": "sales.push * 3",
                "served": "3 - load * (1 - support.triage) - support.triage * (1 + load / 3)",
            },
            "company_value": "deals + 2 * served",
            "bonus": {"sales": {"deals": 1}, "support": {"company_value": 1}},
        }
    )
    report = inc.analyze(org)
    departures = {d.department: d for d in report.worst.departures}
    assert departures["sales"].games and departures["sales"].whatever_others_do
    support = departures["support"]
    assert not support.games and not support.whatever_others_do
    from incentives.report.words import departure_sentence

    assert "a response to what the others do" in departure_sentence(support)
    assert "whatever the others do" not in departure_sentence(support)
