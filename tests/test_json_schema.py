"""The JSON documents carry every field the README documents, and nothing undocumented at the top level."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from incentives.cli import main

EXAMPLE = "examples/growing_company.yaml"


def documented_fields(schema: str) -> set[str]:
    """Backticked field names in the README table that follows the schema's name."""
    readme = Path("README.md").read_text()
    start = readme.index(f"`{schema}`")
    table = readme[start:].split("\n\n| field")[1].split("\n\n")[0]
    names: set[str] = set()
    for row in table.splitlines()[2:]:
        first_cell = row.split("|")[1]
        names.update(re.findall(r"`([a-z_]+)`", first_cell))
    return names


def document(*args: str) -> dict:
    result = CliRunner().invoke(main, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def all_keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in all_keys(v)}
    return set()


@pytest.mark.parametrize(
    ("schema", "args"),
    [
        ("incentives.solve/1", ("solve", EXAMPLE)),
        ("incentives.analysis/1", ("analyze", EXAMPLE)),
        ("incentives.perspectives/1", ("perspectives", EXAMPLE, "--event", "big_contract")),
    ],
)
def test_documented_fields_are_present(schema: str, args: tuple[str, ...]) -> None:
    doc = document(*args)
    assert doc["schema"] == schema
    missing = documented_fields(schema) - all_keys(doc)
    assert not missing, f"documented in the README but absent from the output: {missing}"


def test_solve_top_level_fields_are_all_documented() -> None:
    doc = document("solve", EXAMPLE)
    assert set(doc) <= documented_fields("incentives.solve/1")


def test_analysis_top_level_fields_are_all_documented() -> None:
    doc = document("analyze", EXAMPLE)
    documented = documented_fields("incentives.solve/1") | documented_fields("incentives.analysis/1")
    assert set(doc) <= documented
