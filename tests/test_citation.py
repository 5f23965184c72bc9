"""CITATION.cff and LICENSE agree with pyproject.toml, so a course that copies the material knows its terms."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_the_citation_file_matches_the_package() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "software"
    assert str(citation["version"]) == project["version"]
    assert citation["license"] == project["license"]["text"] == "BSD-3-Clause"
    assert [a["name"] for a in citation["authors"]] == [a["name"] for a in project["authors"]]


def test_the_license_is_the_one_declared() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("BSD 3-Clause License") and "The incentives developers" in text
