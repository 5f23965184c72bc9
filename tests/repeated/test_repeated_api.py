"""`repeated`: its inputs (numbers, formulas, targets, equilibria), its arithmetic, and its plain-words notes."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import incentives as inc
from incentives.errors import FormulaError

EXAMPLE = "examples/keeping_close.yaml"


def dilemma(exact: bool = True) -> inc.Game:
    row, column = [[3, 0], [5, 1]], [[3, 5], [0, 1]]
    if not exact:
        row, column = np.array(row, dtype=float), np.array(column, dtype=float)
    return inc.Game.from_bimatrix(row, column, players=("sales", "support"))


def test_an_exact_game_gives_fractions_and_a_float_game_floats() -> None:
    exact = inc.repeated(dilemma(), target=(0, 0), discount=0.75, monitoring=0.5)
    assert exact.discount == Fraction(3, 4) and exact.monitoring == (Fraction(1, 2), Fraction(1, 2))
    assert exact.critical_discount == Fraction(2, 3) and exact.sustained is True
    floats = inc.repeated(dilemma(exact=False), target=(0, 0), discount=0.75, monitoring=0.5)
    assert isinstance(floats.critical_discount, float) and floats.critical_discount == pytest.approx(2 / 3)


def test_rates_may_be_formulas_of_parameters_and_kpis() -> None:
    model = inc.evaluate_model(inc.load_model(EXAMPLE), exact=True)
    from_the_model = inc.repeated(model, payoff_set=False)  # its repeated section
    written = inc.repeated(
        model,
        discount="quarterly_discount / (1 + headcount / regroup_scale)",
        monitoring="1 / (1 + headcount / visibility)",
        payoff_set=False,
    )
    assert from_the_model.discount == written.discount == Fraction(19, 22)  # 0.95 / 1.1
    assert from_the_model.monitoring == written.monitoring == (Fraction(1, 3),) * 3
    parameter = inc.repeated(model, discount="quarterly_discount", payoff_set=False)
    assert parameter.discount == Fraction(19, 20)  # a parameter of the model, by its name
    per_department = inc.repeated(model, monitoring={"sales": "first_time_fix / 3"}, payoff_set=False)
    assert per_department.monitoring == (Fraction(3, 10), 1, 1)  # a KPI, at the target (thorough support: 0.9)


def test_the_models_repeated_section_is_the_default_and_errors_name_it() -> None:
    org = inc.load_model(EXAMPLE)
    given = inc.repeated(org, discount=0.5, monitoring=1, payoff_set=False)
    assert given.discount == Fraction(1, 2) and given.monitoring == (1, 1, 1)
    impatient = org.with_parameters({"quarterly_discount": 1.21})  # 1.21 / 1.1 = 1.1 at 40 people
    with pytest.raises(inc.RepeatedError, match=r"The model's repeated.discount must be in \[0, 1\)\. Got 1.1"):
        inc.repeated(impatient, payoff_set=False)
    with pytest.raises(inc.RepeatedError, match=r"The 'discount' parameter must be in \[0, 1\)"):
        inc.repeated(org, discount=1, payoff_set=False)


def test_the_target_can_be_named_or_indexed() -> None:
    by_name = inc.repeated(dilemma(), target={"sales": "r0", "support": "c0"}, payoff_set=False)
    by_index = inc.repeated(dilemma(), target=(0, 0), payoff_set=False)
    by_action = inc.repeated(dilemma(), target=("r0", "c0"), payoff_set=False)
    assert by_name.target == by_index.target == by_action.target == (0, 0)
    assert by_name.target_label == "sales=r0, support=c0"


def test_the_target_defaults_to_the_company_optimum() -> None:
    result = inc.repeated(inc.load_model(EXAMPLE), payoff_set=False)
    assert result.target_label == "sales=consultative, support=thorough, development=robust"
    assert result.company_value == pytest.approx(409.28)
    assert result.discount == pytest.approx(19 / 22) and result.sustained is True  # the model's repeated section
    bare = inc.repeated(dilemma(), target=(0, 0), payoff_set=False)
    assert bare.discount is None and bare.sustained is None
    assert bare.reversion is not None and bare.reversion.smallest_monitoring is None


def test_ties_for_the_optimum_are_said() -> None:
    tied = inc.Organization.from_dict(
        {
            "name": "Tied",
            "departments": {"a": {"actions": {"x": {"v": 1}, "y": {"v": 2}}}},
            "kpis": {"k": "a.v"},
            "company_value": "1",
            "bonus": {"a": {"k": 1}},
        }
    )
    result = inc.repeated(tied, payoff_set=False)
    assert result.target_label == "a=x"
    assert "attained by 2 profiles; the target is the first of them" in result.notes[0]


def test_a_department_better_off_gaming_cannot_be_held() -> None:
    # the bundled growing company: every department has a dominant action, and three of them are
    # better off in the gaming equilibrium than at the optimum, so no patience can hold them
    result = inc.repeated(inc.load_model("examples/growing_company.yaml"), discount=0.99, payoff_set=False)
    assert result.critical_discount == 1 and result.sustained is False
    assert set(result.reversion.binding) == {"sales", "development", "operations"}  # type: ignore[union-attr]
    assert sum("better off in every stage equilibrium than at the target" in n for n in result.notes) == 3


def test_a_given_solve_result_is_used_and_checked() -> None:
    game = dilemma()
    found = inc.solve(game, "pure")
    result = inc.repeated(game, target=(0, 0), equilibria=found, payoff_set=False)
    assert result.equilibria is found
    wider = inc.Game.from_bimatrix([[1, 0, 0], [0, 1, 0]], [[1, 0, 0], [0, 1, 0]])
    same_shape = inc.Game.from_bimatrix([[1, 0], [0, 1]], [[1, 0], [0, 1]], players=("sales", "support"))
    for other in (wider, same_shape):
        with pytest.raises(ValueError, match="'equilibria' parameter must be the result of solving this model's game"):
            inc.repeated(game, target=(0, 0), equilibria=inc.solve(other), payoff_set=False)


def test_a_game_without_equilibria_found_still_has_the_minmax_bound() -> None:
    game = dilemma()
    nothing = inc.solve(game, "pure")
    empty = type(nothing)(game=game, method="none", equilibria=(), status="incomplete", degenerate=None)
    result = inc.repeated(game, target=(0, 0), equilibria=empty, payoff_set=False)
    assert result.reversion is None and result.critical_discount is None and result.binding_department is None
    assert [t.punishment.kind for t in result.grim_triggers] == ["pure minmax", "mixed minmax"]
    assert result.harshest.critical_discount == Fraction(1, 2)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"discount": 1}, ValueError, "'discount' parameter must be in \\[0, 1\\)"),
        ({"discount": -0.1}, ValueError, "'discount' parameter must be in \\[0, 1\\)"),
        ({"monitoring": 1.5}, ValueError, "'monitoring' parameter must be in \\[0, 1\\]"),
        ({"discount": True}, ValueError, "must be a number or a formula"),
        ({"discount": "delta"}, ValueError, "needs a model"),
        ({"monitoring": {"finance": 0.5}}, ValueError, "unknown departments \\['finance'\\]"),
        ({"target": {"sales": "r0"}}, ValueError, "missing \\['support'\\]"),
        ({"target": (0, 5)}, ValueError, "an action name or an index in \\[0, 2\\)"),
        ({"target": ("r0", "nope")}, ValueError, "unknown action 'nope'"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(options: dict, error: type, message: str) -> None:
    options = {"target": (0, 0), "payoff_set": False, **options}
    with pytest.raises(error, match=message):
        inc.repeated(dilemma(), **options)


def test_a_formula_naming_an_unknown_quantity_is_a_formula_error() -> None:
    with pytest.raises(FormulaError, match="discount: unknown name 'head_count'"):
        inc.repeated(inc.load_model(EXAMPLE), discount="1 / head_count")
    with pytest.raises(ValueError, match="'discount' parameter must be in \\[0, 1\\)"):
        inc.repeated(inc.load_model(EXAMPLE), discount="headcount")


def test_a_game_without_company_value_needs_a_target() -> None:
    with pytest.raises(inc.IncentivesError, match="no company value"):
        inc.repeated(dilemma())


def test_the_grim_trigger_lookup_names_what_exists() -> None:
    result = inc.repeated(dilemma(), target=(0, 0), payoff_set=False)
    assert result.grim_trigger("stage equilibrium 1") is result.grim_triggers[0]
    assert result.grim_trigger("pure minmax").punishment.credible is False
    with pytest.raises(KeyError, match="no punishment named 'stage equilibrium 9'"):
        result.grim_trigger("stage equilibrium 9")
