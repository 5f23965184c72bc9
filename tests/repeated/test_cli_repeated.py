"""`incentives repeated`: the textbook answers through the command line's JSON, its options, and its refusals."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import incentives as inc
from incentives.cli import main
from incentives.repeated import relational_contract
from incentives.report.schemas import validate

TWO_TEAMS = "tests/data/two_teams_repeated.yaml"  # a prisoner's dilemma 5, 3, 1, 0 with discount 0.6
FLAGSHIP = "examples/keeping_close.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["repeated", *args])
    return result.exit_code, result.stdout, result.stderr


def document(*args: str) -> dict[str, Any]:
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    validate(doc)
    return doc


def dilemma_file(tmp_path: Path, t: int, r: int, p: int, s: int) -> Path:
    """A prisoner's dilemma with temptation t, reward r, punishment p and sucker's payoff s, as a model file."""
    text = Path(TWO_TEAMS).read_text(encoding="utf-8")
    text = text.replace("{temptation: 5, reward: 3, punishment: 1, sucker: 0}", f"{{temptation: {t}, reward: {r}, "
                        f"punishment: {p}, sucker: {s}}}")  # fmt: skip
    path = tmp_path / "dilemma.yaml"
    path.write_text(text.replace("repeated:\n  discount: 0.6\n", ""), encoding="utf-8")
    return path


@settings(max_examples=12, deadline=None)
@given(
    st.integers(-20, 20).flatmap(
        lambda s: st.tuples(st.just(s), st.integers(s + 1, 40)).flatmap(
            lambda sp: st.tuples(st.just(sp[0]), st.just(sp[1]), st.integers(sp[1] + 1, 60)).flatmap(
                lambda spr: st.tuples(*map(st.just, spr), st.integers(spr[2] + 1, 80))
            )
        )
    ),
    st.fractions(min_value=Fraction(1, 10), max_value=1, max_denominator=10),
)
def test_the_prisoners_dilemma_gives_the_textbook_critical_discount_factor(
    tmp_path_factory: pytest.TempPathFactory, payoffs: tuple[int, int, int, int], seen: Fraction
) -> None:
    s, p, r, t = payoffs  # S < P < R < T
    path = dilemma_file(tmp_path_factory.mktemp("pd"), t, r, p, s)
    monitoring = f"{seen.numerator}/{seen.denominator}"
    doc = document(str(path), "--target", "a=share, b=share", "--monitoring", monitoring, "--exact")
    expected = Fraction(t - r, (t - r) + seen * (r - p))  # (T - R) / ((T - R) + p (R - P)); (T - R)/(T - P) at p = 1
    assert doc["critical_discount_exact"] == str(expected)
    assert doc["critical_discount"] == pytest.approx(float(expected), rel=1e-12)
    assert doc["one_shot_gain"] == t - r and doc["binding_department"] == "a"
    reversion = next(x for x in doc["punishments"] if x["kind"] == "worst stage equilibrium")
    assert [d["loss"] for d in reversion["departments"]] == [r - p, r - p]


def test_the_models_section_gives_the_discount_factor_and_the_verdict() -> None:
    doc = document(TWO_TEAMS)  # discount 0.6 from the file; the company optimum is (share, share)
    assert doc["discount"] == 0.6 and doc["target"]["label"] == "a=share, b=share"
    assert doc["critical_discount_exact"] == "1/2" and doc["sustained"] is True
    assert doc["required_monitoring"] == pytest.approx(2 * 0.4 / (0.6 * 2))  # (1 - d) g / (d L) = 2/3
    low = document(TWO_TEAMS, "--discount", "0.4")  # the option wins over the file
    assert low["discount"] == 0.4 and low["sustained"] is False


def test_monitoring_per_department_and_formulas() -> None:
    doc = document(TWO_TEAMS, "--monitoring", "a=reward / 6", "--monitoring", "0.75")
    assert doc["monitoring"] == {"a": 0.5, "b": 0.75}
    # a binds: 2 / (2 + 0.5 * 2) = 2/3 against b's 2 / (2 + 0.75 * 2) = 4/7
    assert doc["critical_discount_exact"] == "2/3" and doc["binding_department"] == "a"


def test_the_payoff_set_and_the_contract_come_with_a_discount_factor() -> None:
    doc = document(TWO_TEAMS)
    found = doc["payoff_set"]
    assert found["discount"] == 0.6 and not found["empty"] and found["converged"]
    assert min(x for x, _ in found["outer"]) == pytest.approx(1.0)  # nobody is held below mutual hoarding
    contract = doc["relational_contract"]
    model = inc.evaluate_model(inc.load_model(TWO_TEAMS), exact=True)
    oracle = relational_contract(model, discount=Fraction(3, 5))
    assert contract["credible_bonus"] == pytest.approx(float(oracle.credible_bonus))
    # by hand: surplus 6 at (share, share) against 2 at (hoard, hoard), 0.6 / 0.4 x 4 = 6; each needs g / p = 2
    assert contract["credible_bonus"] == pytest.approx(6.0) and contract["required_total"] == pytest.approx(4.0)
    assert contract["holds_target"] is True
    bare = document(TWO_TEAMS, "--no-payoff-set", "--no-contract")
    assert bare["payoff_set"] is None and bare["relational_contract"] is None


def test_the_text_says_what_the_numbers_mean() -> None:
    code, out, _ = run(TWO_TEAMS, "--monitoring", "0.5")
    text = " ".join(out.split())
    assert code == 0
    assert "from δ* = 2/3 on" in text  # 2 / (2 + 0.5 x 2)
    assert "The temptation of a binds (it sets δ*): deviating once to hoard gains it 2 in that period" in text
    assert "At δ = 0.6 the target is not sustained" in text
    assert "p* = 2/3" in text  # 0.4 x 2 / (0.6 x 2)
    assert "stage equilibrium 1: a=hoard, b=hoard" in text and "mixed minmax" in text
    assert "when every action is seen (the set assumes perfect monitoring; the analysis above does not)" in text


def test_the_flagship_from_the_command_line() -> None:
    doc = document(FLAGSHIP, "--method", "pure")  # reversion to local gaming, the only pure equilibrium
    assert doc["binding_department"] == "sales" and doc["one_shot_gain"] == pytest.approx(0.92)
    assert doc["critical_discount"] == pytest.approx(23 / (23 + 19 / 3))  # g / (g + p L) with p = 1/3 at 40 people
    assert doc["sustained"] is True and doc["payoff_set"] is None
    assert any("two departments only" in n for n in doc["notes"])
    large = document(FLAGSHIP, "--method", "pure", "--discount", "380 / (400 + 60)", "--monitoring", "20 / (20 + 60)")
    assert large["sustained"] is False  # 60 people: past the collapse at 59.2


def test_a_picture_of_the_payoff_set(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    picture = tmp_path / "set.png"
    code, _, err = run(TWO_TEAMS, "--plot", str(picture), "--format", "json")
    assert code == 0 and f"wrote {picture}" in err
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, _, err = run(FLAGSHIP, "--plot", str(tmp_path / "three.png"))
    assert code == 2 and "two departments; this model has 3 departments" in err
    code, _, err = run(TWO_TEAMS, "--plot", str(tmp_path / "no.png"), "--no-payoff-set")
    assert code == 2 and "leave out --no-payoff-set" in err
    assert not (tmp_path / "three.png").exists() and not (tmp_path / "no.png").exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--discount", "1"), 2, "'1' must be in [0, 1)"),
        (("--discount", "nan"), 2, "is not a finite number"),
        (("--discount", "inf"), 2, "is not a finite number"),
        (("--monitoring", "1.5"), 2, "Invalid value for --monitoring: '1.5' must be in [0, 1]"),
        (("--monitoring", "a=-0.1"), 2, "'-0.1' must be in [0, 1]"),
        (("--monitoring", "c=0.5"), 2, "unknown department ['c']"),
        (("--monitoring", "0.5", "--monitoring", "0.6"), 2, "at most once"),
        (("--target", "a=share"), 1, "missing ['b']"),
        (("--target", "a=share, b=nothing"), 1, "nothing"),
        (("--target", "share"), 2, "expected DEPT=ACTION"),
        (("--discount", "rewrd / 10"), 1, "unknown name 'rewrd'"),
        (("--discount", "__import__('os')"), 1, "error: discount:"),
        (("--discount", "reward / 2"), 1, "The 'discount' parameter must be in [0, 1). Got 1.5"),
    ],
)
def test_bad_options_are_refused_cleanly(args: tuple[str, ...], code: int, message: str) -> None:
    got, _, err = run(TWO_TEAMS, *args)
    assert got == code and message in err, err
    assert "bug" not in err


def test_a_game_file_needs_a_target_and_numbers() -> None:
    code, _, err = run("tests/data/prisoners_dilemma.nfg", "--discount", "0.6")
    assert code == 2 and "give --target" in err
    doc = document("tests/data/prisoners_dilemma.nfg", "--target", "Alice=cooperate, Bob=cooperate")
    assert doc["critical_discount_exact"] == "1/2" and doc["relational_contract"] is None  # (5 - 3) / (5 - 1)
    code, _, err = run("tests/data/prisoners_dilemma.nfg", "--target", "Alice=cooperate, Bob=cooperate", "--discount",
                       "x / 2")  # fmt: skip
    assert code == 1 and "needs a model" in err
