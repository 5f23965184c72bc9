"""A teacher sees exact fractions, (2/3, 1/3), in both the text report and the JSON of `incentives solve`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from incentives.cli import main

# Battle of the sexes: row prefers opera (2 vs 1), column prefers football; mixed equilibrium by hand:
# column mixes so row is indifferent, 2 q = 1 (1 - q), q = 1/3 on opera; row puts 2/3 on opera likewise.
BOS = 'NFG 1 R "Battle of the sexes" { "row" "col" } { { "opera" "football" } { "opera" "football" } }\n""\n'
BOS += "2 1 0 0 0 0 1 2\n"


def solve(path: Path, *options: str) -> str:
    result = CliRunner().invoke(main, ["solve", str(path), *options], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_text_report_shows_exact_mixture(tmp_path: Path) -> None:
    nfg = tmp_path / "bos.nfg"
    nfg.write_text(BOS)
    out = solve(nfg)
    assert "exact fractions" in out
    assert "2/3 opera + 1/3 football" in out and "1/3 opera + 2/3 football" in out
    assert "0.666" not in out and "0.333" not in out


def test_json_report_gives_fractions_as_strings(tmp_path: Path) -> None:
    nfg = tmp_path / "bos.nfg"
    nfg.write_text(BOS)
    doc = json.loads(solve(nfg, "--format", "json"))
    assert doc["exact"] is True
    (mixed,) = [e for e in doc["equilibria"] if not e["pure"]]
    assert mixed["exact"]["profile"] == {"row": ["2/3", "1/3"], "col": ["1/3", "2/3"]}
    assert mixed["exact"]["payoffs"] == {"row": "2/3", "col": "2/3"}
    assert mixed["profile"]["row"][0] == 2 / 3
