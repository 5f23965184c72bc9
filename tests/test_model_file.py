"""Model files: loading, round trips, and every kind of mistake a workshop makes."""

from __future__ import annotations

import json
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest
import sympy

import incentives as inc
from incentives.formula import symbol

EXAMPLE = Path("examples/growing_company.yaml")

GOOD = """\
name: Two departments
parameters: {price: 10, ticket_cost: 2}
departments:
  sales:
    actions:
      careful: {deals: 2, fit: 0.9}
      pushy: {deals: 4, fit: 0.5}
  support:
    actions:
      thorough: {speed: 1}
      fast: {speed: 2}
kpis:
  revenue: price * sales.deals
  tickets: sales.deals * (2 - sales.fit)
  speed: support.speed
company_value: revenue - ticket_cost * tickets * (3 - support.speed)
bonus:
  sales: {revenue: 0.1}
  support: {speed: 1, company_value: 0.05}
costs:
  support: {thorough: 0.5}
events:
  price_rise: {price: 12}
"""


def write(tmp_path: Path, text: str, name: str = "model.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def problems_of(path: Path) -> list[inc.Problem]:
    with pytest.raises(inc.ModelError) as info:
        inc.load_model(path)
    assert info.value.source == str(path)
    assert str(path) in str(info.value)
    return list(info.value.problems)


def test_example_loads_with_the_essay_departments() -> None:
    org = inc.load_model(EXAMPLE)
    assert org.department_names == ("sales", "support", "development", "operations")
    assert org.department("sales").action_names == ("consultative", "aggressive")
    assert "big_contract" in org.events


def test_good_model_parses_formulas_exactly(tmp_path: Path) -> None:
    org = inc.load_model(write(tmp_path, GOOD))
    assert org.parameters["price"] == 10
    fit = org.department("sales").actions[0].values["fit"]
    assert fit == sympy.Rational(9, 10)
    assert org.kpis["revenue"] == symbol("price") * symbol("sales.deals")
    assert org.bonus["support"]["company_value"] == sympy.Rational(1, 20)


def test_payoff_is_weights_times_kpis_plus_share_minus_cost(tmp_path: Path) -> None:
    org = inc.load_model(write(tmp_path, GOOD))
    game = inc.build_game(org, exact=True)
    s = game.action_index("sales", "pushy")
    t = game.action_index("support", "thorough")
    # by hand: revenue = 10*4 = 40, tickets = 4*(2-0.5) = 6, speed = 1
    value = 40 - 2 * 6 * (3 - 1)
    assert game.company_value[s, t] == value
    assert game.payoffs[0, s, t] == Fraction(1, 10) * 40
    assert game.payoffs[1, s, t] == 1 + Fraction(1, 20) * value - Fraction(1, 2)


def test_json_model_equals_yaml_model(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(GOOD)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data))
    assert inc.load_model(path) == inc.load_model(write(tmp_path, GOOD))


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_through_text(fmt: str) -> None:
    org = inc.load_model(EXAMPLE)
    again = inc.loads_model(inc.dumps_model(org, format=fmt), format=fmt)
    assert again == org
    assert inc.build_game(again) == inc.build_game(org)


def test_save_model_round_trip(tmp_path: Path) -> None:
    org = inc.load_model(EXAMPLE)
    inc.save_model(org, tmp_path / "copy.yaml")
    assert inc.load_model(tmp_path / "copy.yaml") == org
    assert not list(tmp_path.glob(".*tmp"))


def test_from_dict_builds_the_same_organisation() -> None:
    import yaml

    assert inc.Organization.from_dict(yaml.safe_load(GOOD)) == inc.loads_model(GOOD)


# --- mistakes ------------------------------------------------------------------------------


def test_several_mistakes_are_reported_together_with_lines(tmp_path: Path) -> None:
    text = GOOD.replace("price * sales.deals", "price * sales.deal").replace(
        "sales: {revenue: 0.1}", "sales: {revenu: 0.1}"
    )
    found = problems_of(write(tmp_path, text))
    by_path = {p.path: p for p in found}
    assert set(by_path) == {"kpis.revenue", "bonus.sales.revenu"}
    assert "did you mean 'sales.deals'" in by_path["kpis.revenue"].message
    assert by_path["kpis.revenue"].line == 13
    assert "does not exist" in by_path["bonus.sales.revenu"].message
    assert "'revenue'" in by_path["bonus.sales.revenu"].message
    assert by_path["bonus.sales.revenu"].line == 18


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        ("  sales: {revenue: 0.1}", "  marketing: {revenue: 0.1}", "bonus.marketing", "unknown department"),
        (
            "costs:\n  support: {thorough: 0.5}",
            "costs:\n  support: {careful: 0.5}",
            "costs.support.careful",
            "unknown action",
        ),
        ("  speed: support.speed", "  speed: support.velocity", "kpis.speed", "unknown name 'support.velocity'"),
        ("company_value: revenue", "company_value: revenues", "company_value", "unknown name 'revenues'"),
        ("price: 10,", "price: ten,", "parameters.price", "expected a number"),
        ("deals: 4, fit: 0.5", "deals: many, fit: 0.5", "departments.sales.actions.pushy.deals", "unknown name"),
        ("  price_rise: {price: 12}", "  price_rise: {cost: 12}", "events.price_rise.cost", "unknown parameter"),
        ("revenue: price * sales.deals", "revenue: price * tickets2\n  tickets2: revenue", "kpis", "cycle"),
        (
            "  tickets: sales",
            "  tickets: __import__('os').system('touch /tmp/x') + sales",
            "kpis.tickets",
            "can be called",
        ),
        (
            "bonus:\n  sales: {revenue: 0.1}",
            "bonus:\n  sales: {revenue: true}",
            "bonus.sales.revenue",
            "expected a number or a formula",
        ),
        ("      fast: {speed: 2}", "      fast: {}", "departments.support.actions.fast", "missing decision variable"),
    ],
)
def test_each_mistake_names_field_and_expectation(tmp_path: Path, old: str, new: str, path: str, words: str) -> None:
    assert old in GOOD
    found = problems_of(write(tmp_path, GOOD.replace(old, new)))
    assert any(p.path.startswith(path) and words in p.message for p in found), found
    assert all(p.line is not None for p in found if p.path), found


def test_kpi_cycle_names_the_cycle(tmp_path: Path) -> None:
    text = GOOD.replace("revenue: price * sales.deals", "revenue: price * tickets").replace(
        "tickets: sales.deals * (2 - sales.fit)", "tickets: revenue / 2"
    )
    found = problems_of(write(tmp_path, text))
    cycle = [p for p in found if "cycle" in p.message]
    assert len(cycle) == 1
    assert "revenue" in cycle[0].message and "tickets" in cycle[0].message


def test_kpi_order_is_networkx_lexicographic_topological_order() -> None:
    # The oracle: networkx's lexicographical topological sort keyed by file order, on random KPI graphs
    # (cycles and self-references included, which must be refused).
    import random

    import networkx as nx

    from incentives.errors import ModelError
    from incentives.model import kpi_order

    rng = random.Random(3)
    cycles = 0
    for _ in range(400):
        names = [f"k{i}" for i in rng.sample(range(30), rng.randint(1, 9))]
        hidden = rng.sample(names, len(names))  # an order the references follow, unless a cycle is added
        uses = {n: [u for u in hidden[: hidden.index(n)] if rng.random() < 0.35] for n in names}
        if rng.random() < 0.2:
            uses[rng.choice(names)].append(rng.choice(names))
        kpis = {n: sympy.Add(sympy.Integer(1), *(symbol(u) for u in uses[n])) for n in names}
        graph = nx.DiGraph()
        graph.add_nodes_from(names)
        graph.add_edges_from((u, n) for n in names for u in uses[n])
        try:
            expected = list(nx.lexicographical_topological_sort(graph, key=names.index))
        except nx.NetworkXUnfeasible:
            cycles += 1
            with pytest.raises(ModelError, match="cycle"):
                kpi_order(kpis)
            continue
        assert kpi_order(kpis) == expected
    assert 10 < cycles < 100  # both kinds of graph were drawn


def test_duplicate_keys_are_reported(tmp_path: Path) -> None:
    text = GOOD.replace(
        "      pushy: {deals: 4, fit: 0.5}", "      pushy: {deals: 4, fit: 0.5}\n      careful: {deals: 1, fit: 1}"
    )
    found = problems_of(write(tmp_path, text))
    assert any("duplicate key 'careful'" in p.message and p.line == 8 for p in found), found


def test_duplicate_names_across_sections(tmp_path: Path) -> None:
    text = GOOD.replace(
        "parameters: {price: 10, ticket_cost: 2}", "parameters: {price: 10, ticket_cost: 2, revenue: 1}"
    )
    found = problems_of(write(tmp_path, text))
    assert any(p.path == "kpis.revenue" and "already used in parameters" in p.message for p in found), found


def test_malformed_yaml_gives_the_line(tmp_path: Path) -> None:
    found = problems_of(write(tmp_path, GOOD.replace("  revenue: price * sales.deals", "  revenue: [price")))
    assert len(found) == 1 and found[0].line is not None and "malformed YAML" in found[0].message


def test_malformed_json_gives_the_line(tmp_path: Path) -> None:
    found = problems_of(write(tmp_path, '{"name": "x",\n "departments": {,}}', name="model.json"))
    assert found[0].line == 2 and "malformed JSON" in found[0].message


def test_unknown_top_level_key_suggests(tmp_path: Path) -> None:
    found = problems_of(write(tmp_path, GOOD.replace("bonus:", "bonuses:")))
    assert any(p.path == "bonuses" and "did you mean 'bonus'" in p.message for p in found), found


def test_missing_required_keys(tmp_path: Path) -> None:
    found = problems_of(write(tmp_path, "name: empty\n"))
    assert {p.path for p in found} >= {"departments", "company_value"}


def test_yaml_aliases_and_tags_are_refused(tmp_path: Path) -> None:
    bomb = "a: &a [1, 1]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    found = problems_of(write(tmp_path, bomb))
    assert any("aliases" in p.message for p in found)
    found = problems_of(write(tmp_path, "name: !!python/object/apply:os.system ['touch /tmp/x']\n"))
    assert any("tag" in p.message for p in found)


def test_formula_in_model_never_executes(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = GOOD.replace("speed: support.speed", f"speed: __import__('os').system('touch {marker}')")
    problems_of(write(tmp_path, text))
    assert not marker.exists()


def test_missing_and_non_text_files(tmp_path: Path) -> None:
    with pytest.raises(inc.ModelError, match="cannot read"):
        inc.load_model(tmp_path / "nope.yaml")
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(inc.ModelError, match="UTF-8"):
        inc.load_model(path)


def test_top_level_not_a_mapping(tmp_path: Path) -> None:
    found = problems_of(write(tmp_path, "- just\n- a list\n"))
    assert "mapping" in found[0].message


def test_constructor_validates_references() -> None:
    dept = inc.Department(name="sales", actions=(inc.Action(name="a", values={"x": sympy.Integer(1)}),))
    with pytest.raises(inc.ModelError, match=r"unknown name 'sales\.y'"):
        inc.Organization(
            name="x",
            departments=(dept,),
            kpis={"k": symbol("sales.y")},
            company_value=symbol("k"),
            bonus={"sales": {"k": sympy.Integer(1)}},
        )


def test_with_parameters_rejects_unknown_names() -> None:
    org = inc.load_model(EXAMPLE)
    with pytest.raises(inc.ModelError, match="unknown parameter"):
        org.with_parameters({"no_such_thing": 1})
    assert org.with_parameters({"ticket_cost": 3}).parameters["ticket_cost"] == 3


# -- names ---------------------------------------------------------------------------------------------

NAME_PLACES = [
    # (replace in GOOD, by, field path, message fragment)
    (
        "parameters: {price: 10, ticket_cost: 2}",
        "parameters: {price: 10, ticket_cost: 2, lambda: 1}",
        "parameters.lambda",
        "'lambda' is a reserved word of the formula language (a Python keyword)",
    ),
    (
        "parameters: {price: 10, ticket_cost: 2}",
        "parameters: {price: 10, ticket_cost: 2, None: 1}",
        "parameters.None",
        "'None' is a reserved word",
    ),
    ("  speed: support.speed", "  speed: support.speed\n  'True': 1", "kpis.True", "'True' is a reserved word"),
    ("  support:\n    actions:", "  import:\n    actions:", "departments.import", "'import' is a reserved word"),
    (
        "careful: {deals: 2, fit: 0.9}",
        "careful: {deals: 2, fit: 0.9, '': 1}",
        "departments.sales.actions.careful.",
        "a name must not be empty",
    ),
    (
        "careful: {deals: 2, fit: 0.9}",
        "careful: {deals: 2, fit: 0.9, 'x y': 1}",
        "departments.sales.actions.careful.x y",
        "'x y' is not a valid name",
    ),
    (
        "careful: {deals: 2, fit: 0.9}",
        "careful: {deals: 2, fit: 0.9, 1x: 1}",
        "departments.sales.actions.careful.1x",
        "'1x' is not a valid name",
    ),
    (
        "careful: {deals: 2, fit: 0.9}",
        "careful: {deals: 2, fit: 0.9, __class__: 1}",
        "departments.sales.actions.careful.__class__",
        "names starting with '__' are reserved",
    ),
    ("      careful:", "      if:", "departments.sales.actions.if", "'if' is a reserved word"),
    ("  price_rise: {price: 12}", "  exp: {price: 12}", "events.exp", "'exp' is a function of the formula language"),
    (
        "  revenue: price * sales.deals",
        "  revenue: price * sales.deals\n  company_value: 1",
        "kpis.company_value",
        "'company_value' is reserved",
    ),
    ("  price_rise: {price: 12}", "  " + "e" * 101 + ": {price: 12}", "events.eee", "names are limited to 100"),
]


@pytest.mark.parametrize(("old", "new", "path", "fragment"), NAME_PLACES)
def test_every_name_is_checked_with_field_and_line(
    tmp_path: Path, old: str, new: str, path: str, fragment: str
) -> None:
    assert old in GOOD
    found = problems_of(write(tmp_path, GOOD.replace(old, new)))
    named = [p for p in found if p.path.startswith(path) and fragment in p.message]
    assert named and all(p.line is not None for p in named), found


def test_continuous_variable_names_are_checked() -> None:
    data = {
        "departments": {"agent": {"variables": {"lambda": {"lower": 0}}}},
        "kpis": {},
        "company_value": 0,
    }
    with pytest.raises(inc.ModelError, match=r"departments\.agent\.variables\.lambda: 'lambda' is a reserved word"):
        inc.Organization.from_dict(data)


def test_two_independent_kpi_cycles_are_both_reported(tmp_path: Path) -> None:
    text = GOOD.replace(
        "  speed: support.speed",
        "  speed: support.speed\n  a: b + 1\n  b: a\n  c: d * 2\n  d: e\n  e: c\n  f: f + 1",
    )
    found = problems_of(write(tmp_path, text))
    cycles = {p.path: p.message for p in found if "cycle" in p.message}
    assert cycles == {
        "kpis.a": "KPIs refer to each other in a cycle: a -> b -> a",
        "kpis.c": "KPIs refer to each other in a cycle: c -> e -> d -> c",
        "kpis.f": "KPIs refer to each other in a cycle: f -> f",
    }


def test_an_error_after_loading_can_name_the_file_and_the_line(tmp_path: Path) -> None:
    from incentives.readwrite.model_file import model_lines

    path = write(tmp_path, GOOD.replace("speed: support.speed", "speed: 1 / (support.speed - 1)"))
    org = inc.load_model(path)  # the bounds cannot know which profile divides by zero: evaluation does
    with pytest.raises(inc.ModelError) as info:
        inc.evaluate_model(org)
    assert info.value.source is None
    named = info.value.with_source(str(path), model_lines(path))
    assert str(named).startswith(f"{path}: 1 problem")
    assert named.problems[0].path == "kpis.speed" and named.problems[0].line == 15
    assert "support=thorough" in named.problems[0].message


def test_the_model_files_page_states_the_limits_the_code_enforces() -> None:
    from incentives import formula_bounds
    from incentives.model import MAX_NAME_LENGTH
    from incentives.readwrite import model_file
    from incentives.readwrite._plain_data import MAX_NUMBER_CHARACTERS

    page = " ".join(Path("docs/model-files.md").read_text(encoding="utf-8").split())
    claims = [
        f"at most {MAX_NAME_LENGTH} characters long",
        f"at most {model_file.MAX_MODEL_BYTES // 2**20} MiB",
        f"nesting is limited to {model_file.MAX_MODEL_DEPTH} levels",
        f"the file to {model_file.MAX_MODEL_NODES:,} values and keys",
        f"numbers to {MAX_NUMBER_CHARACTERS:,} characters",
        f"no value may pass {formula_bounds.MAX_MAGNITUDE:.0e}".replace("e+", "e"),
        f"within -{formula_bounds.MAX_EXPONENT} and {formula_bounds.MAX_EXPONENT}",
        f"degree at most {formula_bounds.MAX_DEGREE:,}",
        f"at most {formula_bounds.MAX_WRITTEN_SIZE:,} parts",
    ]
    assert [claim for claim in claims if claim not in page] == []


def test_save_model_into_a_missing_folder_is_a_clean_error_and_leaves_nothing(tmp_path: Path) -> None:
    org = inc.load_model(EXAMPLE)
    with pytest.raises(inc.errors.OutputError, match="does not exist"):
        inc.save_model(org, tmp_path / "missing" / "copy.yaml")
    named = inc.Organization.from_dict({**org.to_dict(), "description": "lone \ud800 surrogate"})
    inc.save_model(named, tmp_path / "copy.yaml")  # unencodable text is escaped, never fatal
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.yaml"]


# -- messages that point at the cause (issue 15, item 9) -------------------------------------------

GROWING = Path("examples/growing_company.yaml").read_text(encoding="utf-8")


def _problems(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(inc.ModelError) as caught:
        inc.load_model(path)
    return [str(p) for p in caught.value.problems]


def test_a_percentage_is_answered_with_how_to_write_it(tmp_path: Path) -> None:
    (parameter,) = _problems(GROWING.replace("customers_per_deal: 100 ", "customers_per_deal: 30% "), tmp_path)
    assert parameter.startswith("line 30, parameters.customers_per_deal") and "30% is 0.3" in parameter
    formula = GROWING.replace("tickets_closed_per_hour: support.closed_per_hour", "tickets_closed_per_hour: 30% * 2")
    (kpi,) = _problems(formula, tmp_path)
    assert "kpis.tickets_closed_per_hour: syntax error" in kpi and "30% is 0.3" in kpi


def test_a_bonus_on_a_decision_variable_says_how_to_pay_on_it(tmp_path: Path) -> None:
    (problem,) = _problems(GROWING.replace("development: {features_shipped: 1}", "development: {quality: 1}"), tmp_path)
    assert "'quality' is a decision variable of development, not a KPI" in problem
    assert "define a KPI (under kpis, quality: development.quality)" in problem
    assert "did you mean" not in problem


def test_problems_are_listed_in_file_order(tmp_path: Path) -> None:
    text = GROWING.replace("customers_per_deal * sales.deals", "customer_per_deal * sales.deals")
    text = text.replace("operations:  {uptime: 1}", "operations:  {uptme: 1}")
    bonus = text[text.index("bonus:") : text.index("costs:")]
    text = text.replace(bonus, "")
    text = text.replace("kpis:", bonus + "kpis:", 1)  # the bonus section now comes before the KPIs
    problems = _problems(text, tmp_path)
    lines = [int(p.split(",")[0].removeprefix("line ")) for p in problems]
    assert lines == sorted(lines) and "bonus.operations.uptme" in problems[0] and "kpis.new_customers" in problems[1]
