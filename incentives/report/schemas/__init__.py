"""The layouts of the JSON documents, as JSON Schema (draft 2020-12) files, one per document type.

Each file, ``incentives/report/schemas/NAME.json``, describes the document whose
``"schema"`` field is its title (``"incentives.analysis/1"``); its ``$id`` is that title as
a URN (``"urn:incentives.analysis/1"``), which is how one schema refers to another.
The docs' JSON reference (``docs/reference/json.md``) is generated from these files.
Validating needs the ``jsonschema`` package (not a dependency of the toolkit itself).

Examples
--------
>>> sorted(SCHEMA_FILES)[:3]
['incentives.analysis/1', 'incentives.continuous/1', 'incentives.dependencies/1']
>>> load_schema("incentives.solve/1")["properties"]["schema"]["const"]
'incentives.solve/1'
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

__all__ = ["SCHEMA_FILES", "load_schema", "schemas", "validate"]

#: The schema file of each document type, by the document's ``"schema"`` value.
SCHEMA_FILES: Mapping[str, str] = {
    "incentives.analysis/1": "analysis.json",
    "incentives.continuous/1": "continuous.json",
    "incentives.dependencies/1": "dependencies.json",
    "incentives.design/1": "design.json",
    "incentives.game/1": "game.json",
    "incentives.graph/1": "graph.json",
    "incentives.handout/1": "handout.json",
    "incentives.payoff-set/1": "payoff-set.json",
    "incentives.perspectives-list/1": "perspectives-list.json",
    "incentives.perspectives/1": "perspectives.json",
    "incentives.qre/1": "qre.json",
    "incentives.relational-contract/1": "relational-contract.json",
    "incentives.repeated/1": "repeated.json",
    "incentives.solve/1": "solve.json",
    "incentives.sustainability/1": "sustainability.json",
    "incentives.sweep/1": "sweep.json",
    "incentives.thresholds/1": "thresholds.json",
}


@functools.cache
def _load(name: str) -> str:
    return (resources.files(__package__) / SCHEMA_FILES[name]).read_text(encoding="utf-8")


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of a document type, by its ``"schema"`` value (a fresh copy each time).

    Raises
    ------
    KeyError
        If there is no such document type.
    """
    if name not in SCHEMA_FILES:
        raise KeyError(f"no schema {name!r}; the schemas are {sorted(SCHEMA_FILES)}")
    return dict(json.loads(_load(name)))


def schemas() -> dict[str, dict[str, Any]]:
    """Every schema, by document type."""
    return {name: load_schema(name) for name in SCHEMA_FILES}


def validate(document: Mapping[str, Any]) -> None:
    """Check a document against the schema its ``"schema"`` field names (needs the ``jsonschema`` package).

    Raises
    ------
    jsonschema.ValidationError
        If the document does not follow its schema.
    KeyError
        If its ``"schema"`` names no known layout.
    ImportError
        Without ``jsonschema`` (``pip install jsonschema``).

    Examples
    --------
    >>> import incentives as inc
    >>> from incentives.report import json_document
    >>> validate(json_document(inc.solve(inc.Game.from_bimatrix([[1, 0], [0, 1]], [[1, 0], [0, 1]]))))
    """
    import jsonschema
    from referencing import Registry, Resource

    registry: Registry[Any] = Registry().with_resources(
        (f"urn:{name}", Resource.from_contents(schema)) for name, schema in schemas().items()
    )
    schema = load_schema(str(document.get("schema")))
    jsonschema.Draft202012Validator(schema, registry=registry).validate(document)
