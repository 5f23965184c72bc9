"""Every model file in examples/ loads and solves, and each worked example tells the story its comments tell.

The stories are checked against outcomes worked out by hand from the model files (company
values of the optimum and of the equilibrium), against a brute-force check that the
equilibrium is one (no department gains by switching alone, from the payoff arrays), and
against the gaming analysis: which departments game, which KPI drives them, and which
departments depart from the optimum without gaming.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import incentives as inc

EXAMPLES = sorted(Path("examples").rglob("*.yaml"))


def _is_discrete(org: inc.Organization) -> bool:
    return not any(d.is_continuous for d in org.departments)


@dataclass(frozen=True, kw_only=True)
class Story:
    """What a worked example's comments say: the equilibrium, the optimum, who games and why."""

    equilibrium: dict[str, str]
    optimum: dict[str, str]
    optimum_value: float
    equilibrium_value: float
    drivers: dict[str, str]  # gaming department -> its main driver KPI
    responders: tuple[str, ...] = ()  # depart from the optimum without gaming
    misaligned: tuple[tuple[str, str], ...] = ()
    event: str = ""
    event_verdicts: dict[str, str] | None = None
    pays_most: str = ""  # the department with the largest loss against the optimum


STORIES = {
    "growing_company.yaml": Story(
        equilibrium={
            "sales": "aggressive",
            "support": "fast_close",
            "development": "rushed",
            "operations": "change_freeze",
        },
        optimum={
            "sales": "consultative",
            "support": "thorough",
            "development": "robust",
            "operations": "continuous_delivery",
        },
        optimum_value=430.72,
        equilibrium_value=153.6,
        drivers={"sales": "new_customers", "support": "resolution_hours", "development": "features_shipped"},
        responders=("operations",),
        misaligned=(("sales", "new_customers"), ("development", "features_shipped")),
        event="big_contract",
        event_verdicts={
            "sales": "win",
            "support": "loss",
            "development": "no change",
            "operations": "loss",
            "company": "win",
        },
        pays_most="support",
    ),
    # hand: optimum 300 + 3*50 - 82.5 - 4*5.5 - 10*3.8 = 307.5 (no boarding: 110*1.05*5/7 = 82.5 beds < 90);
    # equilibrium: 160*1.2*4/7 = 109.714 beds, 19.714 boarded, 9.857 cancelled:
    # 300 + 3*60.143 - 109.714 - 4*32 - 8*19.714 - 10*2.5 = 60
    "hospital.yaml": Story(
        equilibrium={"emergency": "admit_to_stop_clock", "wards": "discharge_early", "surgery": "packed_list"},
        optimum={"emergency": "assess_and_treat", "wards": "discharge_when_ready", "surgery": "planned_list"},
        optimum_value=307.5,
        equilibrium_value=60.0,
        drivers={"emergency": "four_hour_wait", "surgery": "procedures_done"},
        responders=("wards",),
        misaligned=(("emergency", "four_hour_wait"),),
        event="winter",
        event_verdicts={"emergency": "no change", "wards": "loss", "surgery": "loss", "company": "loss"},
        pays_most="wards",
    ),
    # hand: optimum 10*(1 + 0.8)/2 + 0.1*40 + 40*0.8 = 45;
    # equilibrium: learning 0.3 + 0.24 = 0.54, pass 0.74: 13*1.74/2 + 0.1*42 + 40*(0.54 - 0.2) = 29.11
    "university.yaml": Story(
        equilibrium={"admissions": "fill_every_seat", "teaching": "lenient_marking", "research": "publish_or_perish"},
        optimum={"admissions": "selective", "teaching": "rigorous_marking", "research": "teach_and_research"},
        optimum_value=45.0,
        equilibrium_value=29.11,
        drivers={"admissions": "students_enrolled", "teaching": "pass_rate", "research": "publications"},
        misaligned=(("admissions", "students_enrolled"), ("teaching", "pass_rate"), ("research", "publications")),
        event="weaker_cohort",
        event_verdicts={"admissions": "no change", "teaching": "loss", "research": "no change", "company": "loss"},
        pays_most="teaching",
    ),
    # hand: optimum: 300 transferred, 30 repeat calls, 8.4 minutes a call, 60 upsells, 3.5 customers lost:
    # 10000 + 20*60 - 0.5*(1030*8.4 + 300*15) - 100*3.5 = 4274;
    # equilibrium: 600 transferred, 120 repeats, 7 minutes, 100 upsells, 16 lost:
    # 10000 + 2000 - 0.5*(1120*7 + 9000) - 1600 = 1980
    "call_centre.yaml": Story(
        equilibrium={"frontline": "quick_transfer", "second_line": "recode_repeats", "sales": "pitch_every_call"},
        optimum={"frontline": "resolve_on_call", "second_line": "fix_root_cause", "sales": "offer_when_relevant"},
        optimum_value=4274.0,
        equilibrium_value=1980.0,
        drivers={
            "frontline": "average_handle_time",
            "second_line": "first_contact_resolution",
            "sales": "upsells",
        },
        misaligned=(("second_line", "first_contact_resolution"), ("sales", "upsells")),
        event="new_product",
        event_verdicts={"frontline": "loss", "second_line": "no change", "sales": "no change", "company": "win"},
        pays_most="second_line",
    ),
    # hand: optimum (redesign_flow, pull_from_emergency): 1500*(1 - 0.985) = 22.5 patients over four hours, no clock
    # stopped, 5 electives cancelled: 93 - 0.2*22.5 - 5 - 2.6 = 80.9; equilibrium (redesign_and_stop_clock,
    # protect_elective_beds): 75 over four hours, min(0.22*0.123 + 0.728*0.036, 0.05) = 0.05 of 1500 = 75 clocks
    # stopped: 93 - 15 - 15 - 2.6 = 60.4
    "emergency_four_hour.yaml": Story(
        equilibrium={"emergency": "redesign_and_stop_clock", "wards": "protect_elective_beds"},
        optimum={"emergency": "redesign_flow", "wards": "pull_from_emergency"},
        optimum_value=80.9,
        equilibrium_value=60.4,
        drivers={"emergency": "four_hour_target_met", "wards": "elective_operations"},
        misaligned=(("wards", "elective_operations"),),
        event="standard_2010",
        event_verdicts={"emergency": "win", "wards": "no change", "company": "win"},
        pays_most="emergency",
    ),
    # hand: optimum 10*20 - 8*2 = 184; equilibrium 10*24 - 8*9.6 = 163.2; team_b is paid on what it delivers
    # after fixing team_a's rework: 10 - 1 = 9 at the optimum, 12 - 4.8 = 7.2 at the equilibrium (it pays 1.8)
    "blank_model.yaml": Story(
        equilibrium={"team_a": "hit_the_number", "team_b": "hit_the_number"},
        optimum={"team_a": "do_the_job", "team_b": "do_the_job"},
        optimum_value=184.0,
        equilibrium_value=163.2,
        drivers={"team_a": "team_a_output", "team_b": "team_b_delivered"},
        misaligned=(("team_a", "team_a_output"), ("team_b", "team_b_delivered")),
        event="dearer_rework",
        event_verdicts={"team_a": "no change", "team_b": "no change", "company": "loss"},
        pays_most="team_b",
    ),
}


def _label(profile: dict[str, str]) -> str:
    return ", ".join(f"{d}={a}" for d, a in profile.items())


def _pure_equilibria_by_brute_force(game: inc.Game) -> list[tuple[int, ...]]:
    payoffs = game.float_payoffs()
    found = []
    for profile in itertools.product(*(range(n) for n in game.shape)):
        stable = True
        for i in range(game.n_players):
            others = list(profile)
            others[i] = slice(None)
            if payoffs[(i, *others)].max() > payoffs[(i, *profile)] + 1e-9:
                stable = False
        if stable:
            found.append(profile)
    return found


def test_the_worked_examples_are_there() -> None:
    names = {p.name for p in EXAMPLES}
    assert set(STORIES) <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=[str(p) for p in EXAMPLES])
def test_every_example_loads_and_solves(path: Path) -> None:
    org = inc.load_model(path)
    assert org.name and org.departments
    if not _is_discrete(org):
        solution = inc.solve_continuous(org)
        assert solution.equilibria, f"{path}: no equilibrium of the continuous model"
        return
    assert 2 <= len(org.departments) <= 4
    assert all(2 <= len(d.actions) <= 3 for d in org.departments)
    game = inc.build_game(org)
    result = inc.solve(game)
    assert result.status == "complete"
    assert result.equilibria
    assert all(float(e.regret) <= 1e-6 for e in result.equilibria)


@pytest.fixture(scope="module", params=sorted(STORIES))
def told(request: pytest.FixtureRequest) -> tuple[Story, inc.Organization, inc.Analysis]:
    org = inc.load_model(Path("examples") / request.param)
    return STORIES[request.param], org, inc.analyze(org)


def test_the_equilibrium_and_optimum_are_the_story(told: tuple[Story, inc.Organization, inc.Analysis]) -> None:
    story, _, analysis = told
    game = analysis.game
    brute = _pure_equilibria_by_brute_force(game)
    assert [game.profile_label(p) for p in brute] == [_label(story.equilibrium)]
    assert [e.label for e in analysis.equilibria] == [_label(story.equilibrium)]
    assert game.profile_label(analysis.optimum.profile) == _label(story.optimum)
    assert float(analysis.optimum.value) == pytest.approx(story.optimum_value)
    assert float(np.asarray(game.company_value, dtype=float).max()) == pytest.approx(story.optimum_value)
    assert float(analysis.worst.company_value) == pytest.approx(story.equilibrium_value)
    assert float(analysis.worst.value_gap) == pytest.approx(story.optimum_value - story.equilibrium_value)


def test_the_gaming_departments_and_their_drivers(told: tuple[Story, inc.Organization, inc.Analysis]) -> None:
    story, _, analysis = told
    assert set(analysis.gaming_departments) == set(story.drivers)
    departures = {d.department: d for d in analysis.worst.departures}
    assert set(departures) == set(story.drivers) | set(story.responders)
    for department, kpi in story.drivers.items():
        departure = departures[department]
        assert departure.games
        assert departure.main_drivers[0] == kpi
        assert float(departure.company_cost) > 0
    for department in story.responders:
        assert not departures[department].games
        assert float(departures[department].company_cost) < 0  # switching alone would cost the company


def test_the_kpis_said_to_pull_the_wrong_way_are_misaligned(
    told: tuple[Story, inc.Organization, inc.Analysis],
) -> None:
    story, _, analysis = told
    status = {(a.department, a.kpi): a.status for a in analysis.alignment}
    for key in story.misaligned:
        assert status[key] == "misaligned", key


def test_who_pays(told: tuple[Story, inc.Organization, inc.Analysis]) -> None:
    story, _, analysis = told
    if not story.pays_most:
        return
    burden = {d: float(v) for d, v in analysis.worst.burden.items()}
    assert min(burden, key=burden.__getitem__) == story.pays_most
    assert burden[story.pays_most] < 0


def test_the_event_is_a_win_or_a_loss_as_told(told: tuple[Story, inc.Organization, inc.Analysis]) -> None:
    story, org, _ = told
    assert story.event in org.events
    views = inc.perspectives(org, story.event)
    assert {v.party: v.verdict for v in views.views} == story.event_verdicts


def test_the_workshop_template_shows_someone_else_paying_from_the_first_run() -> None:
    # The blank model is what a room runs first: `incentives analyze` on it must show one team's gaming
    # costing the other.  By hand: team_a hitting its number (output 12, quality 0.6) sends 12 * 0.4 = 4.8
    # units back to team_b instead of 10 * 0.1 = 1, so team_b (paid on what it delivers after fixing them,
    # playing hit_the_number: 12 units) gets 12 - 4.8 = 7.2 instead of 12 - 1 = 11: it loses 3.8; against
    # the optimum (10 - 1 = 9) it ends 1.8 worse off, while team_a gains 2.
    import json

    from click.testing import CliRunner

    from incentives.cli import main

    text = CliRunner().invoke(main, ["analyze", "examples/blank_model.yaml"], catch_exceptions=False)
    assert text.exit_code == 0
    words = " ".join(text.stdout.split())
    assert "the company loses 10.4; team_b loses 3.8." in words
    result = CliRunner().invoke(main, ["analyze", "examples/blank_model.yaml", "--format", "json"])
    worst = json.loads(result.stdout)["equilibria"][0]
    team_a = next(d for d in worst["departures"] if d["department"] == "team_a")
    assert team_a["effects_on_others"]["team_b"] == pytest.approx(-3.8)
    assert worst["burden"]["team_b"] == pytest.approx(-1.8) and worst["burden"]["team_a"] == pytest.approx(2)
