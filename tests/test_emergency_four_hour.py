"""The four-hour target model (examples/emergency_four_hour.yaml): its equilibrium, its gaming, its sources.

The oracle is independent of the toolkit: the file is read with plain ``yaml.safe_load``, the
payoffs of all six profiles are computed here in fractions from the formulas written out by
hand, and every unilateral deviation is checked.  The toolkit's equilibria, optimum and gaming
analysis must agree.  The second half checks the file's citations: every parameter carries a
comment that cites a source from the file's list of sources (by its key, with where in the
source) or says it is an assumption, every key cited is in the list, and the numbers derived
from sourced figures are the arithmetic the comments state.
"""

from __future__ import annotations

import itertools
import re
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

import incentives as inc

PATH = Path(__file__).resolve().parents[1] / "examples" / "emergency_four_hour.yaml"
EMERGENCY = ("usual_practice", "redesign_flow", "redesign_and_stop_clock")
WARDS = ("protect_elective_beds", "pull_from_emergency")


def _parameters() -> dict[str, Fraction]:
    data = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    return {name: Fraction(str(value)) for name, value in data["parameters"].items()}


def _outcome(p: dict[str, Fraction], emergency: str, wards: str) -> dict[str, Fraction]:
    """Payoffs and company value of one profile, from the model's formulas written out by hand."""
    redesign = int(emergency != "usual_practice")
    stop = int(emergency == "redesign_and_stop_clock")
    pull = int(wards == "pull_from_emergency")
    true = p["share_before"] + redesign * (p["share_redesigned"] - p["share_before"]) + pull * p["bed_pull_gain"]
    spike = p["admitted_share"] * p["spike_admitted"] + p["discharged_share"] * p["spike_discharged"]
    stopped = stop * min(spike, 1 - true)
    met = int(true + stopped >= p["target_share"])
    cancelled = pull * p["electives_cancelled"]
    cost = redesign * p["redesign_cost"] + stop * p["stop_cost"]
    value = (
        p["care_value"]
        - p["breach_harm"] * p["attendances"] * (1 - true)
        - p["clock_stop_harm"] * p["attendances"] * stopped
        - p["cancelled_operation_cost"] * cancelled
        - p["redesign_cost"] * redesign
    )
    return {
        "emergency": p["star_stake"] * met - cost,
        "wards": p["elective_stake"] * (p["elective_list"] - cancelled),
        "company": value,
        "reported": true + stopped,
        "true": true,
    }


def _brute_force() -> tuple[list[tuple[str, str]], dict[tuple[str, str], dict[str, Fraction]]]:
    p = _parameters()
    table = {(e, w): _outcome(p, e, w) for e, w in itertools.product(EMERGENCY, WARDS)}
    stable = [
        (e, w)
        for (e, w), out in table.items()
        if all(table[(other, w)]["emergency"] <= out["emergency"] for other in EMERGENCY)
        and all(table[(e, other)]["wards"] <= out["wards"] for other in WARDS)
    ]
    return stable, table


def test_the_equilibrium_is_the_one_every_unilateral_deviation_confirms() -> None:
    stable, table = _brute_force()
    assert stable == [("redesign_and_stop_clock", "protect_elective_beds")]
    org = inc.load_model(PATH)
    game = inc.build_game(org)
    result = inc.solve(game)
    assert result.status == "complete"
    # one equilibrium, pure (no mixed one either: the wards' choice is strictly dominant)
    assert [(e.is_pure, e.pure_indices()) for e in result.equilibria] == [(True, (2, 0))]
    assert (EMERGENCY[2], WARDS[0]) == stable[0]
    optimum = max(table, key=lambda k: table[k]["company"])
    assert optimum == ("redesign_flow", "pull_from_emergency")
    analysis = inc.analyze(org)
    assert analysis.optimum.value == table[optimum]["company"]
    assert analysis.worst.company_value == table[stable[0]]["company"] == Fraction(302, 5)


def test_the_emergency_department_games_the_target_and_the_wards_their_electives() -> None:
    _, table = _brute_force()
    eq = ("redesign_and_stop_clock", "protect_elective_beds")
    alone = ("redesign_flow", "protect_elective_beds")  # the ED alone stops stopping the clock
    # the reported share meets 98% only with the clock stopped; the true share is 95% either way
    assert table[eq]["reported"] >= Fraction(98, 100) > table[alone]["reported"] == table[alone]["true"]
    gain = table[eq]["emergency"] - table[alone]["emergency"]
    cost = table[alone]["company"] - table[eq]["company"]
    assert (gain, cost) == (Fraction(91, 5), 15)
    analysis = inc.analyze(inc.load_model(PATH))
    departures = {d.department: d for d in analysis.worst.departures}
    assert departures["emergency"].games and departures["emergency"].main_drivers[0] == "four_hour_target_met"
    assert departures["emergency"].company_cost == cost
    assert departures["wards"].games and departures["wards"].main_drivers[0] == "elective_operations"
    # with the wards pulling, redesign alone meets 98%, and the department has no reason to stop the clock
    assert table[("redesign_flow", "pull_from_emergency")]["reported"] >= Fraction(98, 100)
    assert (
        table[("redesign_flow", "pull_from_emergency")]["emergency"]
        > table[("redesign_and_stop_clock", "pull_from_emergency")]["emergency"]
    )


def test_the_target_brought_genuine_improvement_too() -> None:
    # Without a stake the department keeps its usual practice (77%): the target made it redesign.
    from incentives.whatif import with_values

    without = with_values(inc.load_model(PATH), {"star_stake": 0})
    assert [e.pure_indices() for e in inc.solve(inc.build_game(without)).equilibria] == [(0, 0)]  # usual, protect
    _, table = _brute_force()
    assert table[("usual_practice", "protect_elective_beds")]["company"] == 24 < Fraction(302, 5)


# --- the sources ------------------------------------------------------------------------------------------------------

TEXT = PATH.read_text(encoding="utf-8")
SOURCE_KEY = re.compile(r"^#\s+\[([A-Za-z0-9]+)\]\s+\S", re.MULTILINE)
BRACKETS = re.compile(r"\[([^\]\n]+)\]")


def _cited(text: str) -> set[str]:
    """The source keys in square brackets: ``[BH06 p. 531, BBC06]`` cites BH06 and BBC06."""
    return {part.split()[0] for group in BRACKETS.findall(text) for part in group.split(",") if part.strip()}


def _sources() -> set[str]:
    return set(SOURCE_KEY.findall(TEXT))


def _parameter_lines() -> dict[str, str]:
    """Each parameter's comment: the comment on its line and the comment lines right above it."""
    block = TEXT.split("\nparameters:\n", 1)[1].split("\n\n", 1)[0]
    lines: dict[str, str] = {}
    above: list[str] = []
    for line in block.splitlines():
        match = re.match(r"^  (\w+):\s*[-\d.]+\s*(#.*)?$", line)
        if match:
            lines[match.group(1)] = " ".join([*above, match.group(2) or ""])
            above = []
        elif line.strip().startswith("# ---"):
            above = []
        elif line.strip().startswith("#"):
            above.append(line.strip())
    return lines


def test_the_file_lists_its_sources() -> None:
    assert {"BH06", "KF09", "LM05", "MNL10", "BBC06", "NAO04", "BMA03", "Ind03a", "Ind03b", "Ind13"} <= _sources()


def test_every_parameter_is_cited_or_labelled_an_assumption() -> None:
    lines = _parameter_lines()
    assert set(lines) == set(yaml.safe_load(TEXT)["parameters"])
    sources = _sources()
    for name, comment in lines.items():
        keys = _cited(comment)
        assert "assumption" in comment or keys, f"{name}: neither cited nor labelled an assumption"
        assert keys <= sources, f"{name}: cites {keys - sources}, not in the list of sources"
        if "assumption" not in comment:
            assert re.search(r"\d", comment), f"{name}: a sourced number says which figure of the source it is"


def test_every_key_cited_anywhere_is_in_the_list() -> None:
    cited = _cited(TEXT)
    assert cited <= _sources(), cited - _sources()


@pytest.mark.parametrize(
    ("name", "derived", "digits"),
    [
        ("star_stake", Fraction(1000, 52), 1),  # up to 1m pounds a year [Ind03b], in thousands a week
        ("redesign_cost", Fraction(142400, 5 * 207 * 52), 1),  # 142.4m over five years [NAO04], 207 departments
        ("care_value", Fraction(1_000_000, 207 * 52), 0),  # 1bn a year [NAO04] over 207 departments [Ind03a]
        ("attendances", Fraction(16_000_000, 52 * 207), -2),  # 16m a year [BBC04] over 207 departments, rounded
    ],
)
def test_the_derived_numbers_are_the_arithmetic_the_comments_state(name: str, derived: Fraction, digits: int) -> None:
    assert _parameters()[name] == Fraction(str(round(float(derived), digits))), (name, float(derived))


def test_the_shares_are_the_figures_of_the_sources() -> None:
    p = _parameters()
    assert p["share_before"] == 1 - Fraction(23, 100)  # 23% over four hours in 2002 [BBC06]
    assert p["share_redesigned"] == 1 - Fraction(5, 100)  # 5% by 2004 [BBC06]
    assert (p["admitted_share"], p["discharged_share"]) == (Fraction(22, 100), Fraction(728, 1000))  # [LM05]
    assert (p["spike_admitted"], p["spike_discharged"]) == (Fraction(123, 1000), Fraction(36, 1000))  # [MNL10]
    assert p["target_share"] == Fraction(98, 100)
    events = yaml.safe_load(TEXT)["events"]
    assert Fraction(str(events["standard_2010"]["target_share"])) == Fraction(95, 100)  # [Ind13]
