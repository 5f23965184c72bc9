"""Every JSON document the CLI and the API write follows its schema file, and the schema files are strict.

The schemas are the JSON Schema files in incentives/report/schemas/ (the docs' JSON reference
is generated from them); each document is validated with the ``jsonschema`` library, so a
field added to a document without its schema, or a schema that promises a field the output
lacks, fails here.
"""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

import incentives as inc
from incentives.cli import main
from incentives.graph import to_node_link
from incentives.report import json_document
from incentives.report.schemas import SCHEMA_FILES, load_schema, schemas, validate

EXAMPLE = "examples/growing_company.yaml"
KERR = "examples/classics/kerr.yaml"
TWO_TEAMS = "tests/data/two_teams_repeated.yaml"
MIXED = "tests/data/inspection_mixed.yaml"
DEGENERATE = "tests/data/coordination_degenerate.yaml"


def document(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code in ((0, 3) if args[0] == "design" else (0,)), result.output  # 3: no plan was found
    return json.loads(result.stdout)


COMMANDS = {
    "solve model": ("solve", EXAMPLE),
    "solve exact nfg": ("solve", "tests/data/selten_e02_payoff.nfg"),
    "solve mixed": ("solve", "tests/data/investment_counts.nfg"),
    "analyze": ("analyze", EXAMPLE),
    "analyze hospital": ("analyze", "examples/hospital.yaml"),
    "perspectives one": ("perspectives", EXAMPLE, "--event", "big_contract"),
    "perspectives several": ("perspectives", EXAMPLE, "-e", "big_contract", "-e", "customers_per_deal=50"),
    "design all parts": ("design", EXAMPLE, "--via-negativa", "--transfers"),
    "design unique": ("design", "examples/emergency_four_hour.yaml", "--concept", "unique"),
    "design infeasible": ("design", EXAMPLE, "--allow", "support:*"),
    "graph": ("graph", EXAMPLE),
    "graph loops": ("graph", "examples/university.yaml", "--view", "departments"),
    "thresholds one": ("thresholds", EXAMPLE, "-s", "bonus.support.reopened_tickets"),
    "thresholds piecewise": ("thresholds", "examples/emergency_four_hour.yaml", "-s", "target_share=0.9:1"),
    "thresholds two": ("thresholds", EXAMPLE, "-s", "customers_per_deal", "-s", "bonus.support.reopened_tickets"),
    "sweep": ("sweep", EXAMPLE, "-p", "customers_per_deal=10:600:4", "--no-progress"),
    "continuous plan": ("continuous", KERR, "--plan", "w"),
    "continuous team": ("continuous", "examples/classics/holmstrom_team.yaml"),
    "qre": ("qre", "tests/data/prisoners_dilemma.nfg", "-l", "0", "-l", "1"),
    "handout": ("handout", "examples/call_centre.yaml"),
    "repeated three": ("repeated", "examples/keeping_close.yaml", "--method", "pure"),
    "repeated two with a payoff set and a contract": (
        "repeated",
        TWO_TEAMS,
        "--discount",
        "0.8",
        "--monitoring",
        "a=0.5",
    ),
    "repeated game file": (
        "repeated",
        "tests/data/prisoners_dilemma.nfg",
        "--target",
        "Alice=cooperate, Bob=cooperate",
    ),
    "sweep repeated": (
        "sweep",
        "examples/keeping_close.yaml",
        "-p",
        "headcount=20:100:3",
        "--repeated",
        "--no-progress",
    ),
    "thresholds repeated": ("thresholds", "examples/keeping_close.yaml", "-s", "headcount", "--repeated"),
    "thresholds repeated two": (
        "thresholds",
        "examples/keeping_close.yaml",
        "-s",
        "headcount",
        "-s",
        "involvement",
        "--repeated",
    ),
    # generated models: mixed play, a degenerate game with a set of equilibria, floating point
    "analyze mixed": ("analyze", MIXED),
    "analyze mixed float": ("analyze", MIXED, "--float"),
    "handout mixed": ("handout", MIXED),
    "graph mixed": ("graph", MIXED),
    "design mixed": ("design", MIXED, "--via-negativa", "--transfers"),
    "sweep mixed": ("sweep", MIXED, "-p", "costs.ops.work=1:2:3", "--no-progress"),
    "perspectives mixed": ("perspectives", MIXED, "-e", "bigger_reward"),
    "solve degenerate": ("solve", DEGENERATE),
    "analyze degenerate": ("analyze", DEGENERATE),
    "qre mixed": ("qre", MIXED),
}


@pytest.fixture(scope="module")
def documents() -> dict[str, dict[str, Any]]:
    return {name: document(*args) for name, args in COMMANDS.items()}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_cli_documents_follow_their_schema(documents: dict[str, dict[str, Any]], name: str) -> None:
    doc = documents[name]
    assert doc["schema"] in SCHEMA_FILES
    validate(doc)


def test_every_command_has_a_checked_document(documents: dict[str, dict[str, Any]]) -> None:
    commands = {args[0] for args in COMMANDS.values()}
    assert commands == set(main.commands) - {"workshop"}  # it serves a page, no report: tests/workshop
    written = {doc["schema"] for doc in documents.values()}
    nested = {"incentives.payoff-set/1", "incentives.relational-contract/1"}  # inside incentives.repeated/1
    assert written | {"incentives.graph/1", "incentives.game/1"} | nested == set(SCHEMA_FILES)
    two = documents["repeated two with a payoff set and a contract"]
    assert two["payoff_set"]["schema"] in nested and two["relational_contract"]["schema"] in nested


def test_api_documents_follow_their_schema(tmp_path: Path) -> None:
    org = inc.load_model(EXAMPLE)
    graph = inc.dependency_graph(org)
    validate(to_node_link(graph, "kpis"))
    saved = graph.save(tmp_path / "graph.json")
    validate(json.loads(saved.read_text(encoding="utf-8")))
    battle = inc.Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]], title="Battle")
    for result in (battle, inc.build_game(org), inc.build_game(org, exact=False), inc.logit_path(battle)):
        validate(json_document(result))
    validate(json_document(inc.design(org)))
    from incentives.repeated import equilibrium_payoff_set, relational_contract

    flagship = inc.load_model("examples/keeping_close.yaml")
    validate(json_document(relational_contract(flagship, discount=0.5)))
    dilemma = inc.Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    for delta in (0.2, 0.6):
        validate(json_document(equilibrium_payoff_set(dilemma, delta)))
    validate(json_document(inc.repeated(dilemma, target=(0, 0))))


def test_a_document_missing_a_field_or_with_an_extra_one_fails(documents: dict[str, dict[str, Any]]) -> None:
    doc = documents["analyze"]
    for broken in (_without(doc, "summary"), {**doc, "surprise": 1}, _without_nested(doc)):
        with pytest.raises(jsonschema.ValidationError):
            validate(broken)
    wrong = copy.deepcopy(doc)
    wrong["equilibria"][0]["departures"][0]["own_gain"] = "3"
    with pytest.raises(jsonschema.ValidationError, match="is not of type 'number'"):
        validate(wrong)


def _without(doc: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != key}


def _without_nested(doc: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    del out["equilibria"][0]["burden"]
    return out


def test_the_schemas_are_valid_and_named_after_their_documents() -> None:
    for name, schema in schemas().items():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["title"] == name and schema["$id"] == f"urn:{name}"
        assert schema["properties"]["schema"]["const"] == name
        assert schema.get("additionalProperties") is False, f"{name}: every top-level field must be documented"
        assert Path("incentives/report/schemas", SCHEMA_FILES[name]).is_file()


def test_every_field_has_a_meaning() -> None:
    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for name, child in node.get("properties", {}).items():
                assert "description" in child, f"{path}.{name} has no description"
            for key, child in node.items():
                walk(child, f"{path}/{key}")
        elif isinstance(node, list):
            for k, child in enumerate(node):
                walk(child, f"{path}/{k}")

    for name in SCHEMA_FILES:
        walk(load_schema(name), name)


def test_the_schemas_ship_with_the_package() -> None:
    config = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["incentives"]
    shipped = {p.name for pattern in patterns for p in Path("incentives").glob(pattern)}
    assert set(SCHEMA_FILES.values()) <= shipped
    assert any(dep.startswith("jsonschema") for dep in config["project"]["optional-dependencies"]["test"])
