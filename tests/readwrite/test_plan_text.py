"""A redesigned plan is written into the room's own model file: only the bonus section changes (issue 15, item 11).

The oracle for "only the bonus section" is a line diff (difflib) against the original text: every
changed line lies within the original ``bonus:`` section, found by its top-level key; everything else
(comments, formulas as written, parameters, layout) survives byte for byte.  The written file must load
and analyse to the plan the design verified.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
import sympy
from click.testing import CliRunner

import incentives as inc
from incentives.cli import main
from incentives.readwrite.model_file import dumps_model
from incentives.readwrite.plan_text import plan_into_text

MODELS = [
    "examples/growing_company.yaml",
    "examples/blank_model.yaml",
    "examples/hospital.yaml",
    "tests/data/newspaper.yaml",
]


def _section(lines: list[str], key: str) -> range:
    """The lines from a top-level key up to the next top-level key (by plain text)."""
    tops = [n for n, line in enumerate(lines) if re.match(r"^[A-Za-z_][\w]*\s*:", line)]
    start = next(n for n in tops if lines[n].startswith(f"{key}:"))
    later = [n for n in tops if n > start]
    return range(start, later[0] if later else len(lines))


def _changed_lines(before: str, after: str) -> list[int]:
    """The lines of ``before`` that ``after`` replaces or deletes, and where it inserts (as ``before``'s line)."""
    out = []
    matcher = difflib.SequenceMatcher(a=before.splitlines(True), b=after.splitlines(True), autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal":
            out += list(range(i1, i2)) or [i1]
    return out


def _design(path: str, tmp_path: Path, *options: str) -> tuple[dict, Path]:  # type: ignore[type-arg]
    written = tmp_path / Path(path).name
    result = CliRunner().invoke(
        main, ["design", path, *options, "--format", "json", "--output-model", str(written)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["design"], written


@pytest.mark.parametrize("path", MODELS)
def test_only_the_bonus_section_changes_and_the_file_loads_to_the_verified_plan(path: str, tmp_path: Path) -> None:
    doc, written = _design(path, tmp_path)
    before, after = Path(path).read_text(encoding="utf-8"), written.read_text(encoding="utf-8")
    bonus = _section(before.splitlines(True), "bonus")
    assert all(n in bonus for n in _changed_lines(before, after))
    assert after.splitlines(True)[: bonus.start] == before.splitlines(True)[: bonus.start]  # byte for byte
    org = inc.load_model(written)
    exact = {d: {k: str(v) for k, v in w.items()} for d, w in org.bonus.items()}
    assert exact == doc["exact_plan"]  # the weights written are the ones verified
    analysis = inc.analyze(org)
    assert [e.label for e in analysis.equilibria] == doc["verification"]["equilibria_after"]
    game = inc.build_game(org, exact=True)
    target = analysis.optimum.profile
    losses = [
        game.payoffs[(i, *target)] - game.payoffs[(i, *[a if j == i else t for j, t in enumerate(target)])]
        for i, n in enumerate(game.shape)
        for a in range(n)
        if a != target[i]
    ]
    assert min(losses) == Fraction(doc["guarantees"]["margin_exact"]) >= 1


def test_formulas_and_comments_are_kept_as_the_room_wrote_them(tmp_path: Path) -> None:
    _, written = _design("tests/data/newspaper.yaml", tmp_path)
    text = written.read_text(encoding="utf-8")
    # sympy would write the first as reporters.stories*(5*reporters.clickbait + 10)
    assert "  page_views: reporters.stories * (10 + 5 * reporters.clickbait)\n" in text
    assert "# the desk's hours grow with the number of stories it handles\n" in text
    assert "  churn: 0.3              # readers lost per page view and extra unit of ad load\n" in text
    # each old plan stays above the new one as a comment
    assert "  # was: editors:   {hours_to_publish: -1}\n  editors: {" in text


def test_a_department_whose_plan_is_kept_keeps_its_line() -> None:
    path = "examples/growing_company.yaml"
    org = inc.load_model(path)
    support = {**org.bonus["support"], "company_value": sympy.Rational(25, 192)}
    redesigned = replace(org, bonus={**org.bonus, "support": support})
    text = plan_into_text(Path(path).read_text(encoding="utf-8"), org, redesigned)
    assert "  sales:       {new_customers: 0.01}        # 1 per hundred customers signed\n" in text
    assert "# was: sales" not in text
    # support keeps its current terms (their text as written) and gains a share
    assert "  support: {tickets_closed_per_hour: 2, resolution_hours: -1, company_value: 25/192}\n" in text
    assert inc.loads_model(text).bonus == redesigned.bonus
    # a department whose plan is dropped keeps only its old line, as a comment
    dropped = replace(org, bonus={d: w for d, w in org.bonus.items() if d != "operations"})
    text = plan_into_text(Path(path).read_text(encoding="utf-8"), org, dropped)
    assert "  # was: operations:  {uptime: 1}\n\ncosts:" in text
    assert inc.loads_model(text).bonus == dropped.bonus
    # a department newly paid is added after the last one
    unpaid_text = Path(path).read_text(encoding="utf-8").replace("  operations:  {uptime: 1}\n", "")
    unpaid = inc.loads_model(unpaid_text)
    paid = replace(unpaid, bonus={**unpaid.bonus, "operations": {"company_value": sympy.Rational(1, 50)}})
    text = plan_into_text(unpaid_text, unpaid, paid)
    assert "  development: {features_shipped: 1}\n  operations: {company_value: 0.02}\n\ncosts:" in text
    assert inc.loads_model(text).bonus == paid.bonus


def test_capped_kpis_from_via_negativa_come_after_the_existing_ones(tmp_path: Path) -> None:
    path = "examples/growing_company.yaml"
    org = inc.load_model(path)
    cut = inc.via_negativa(org)
    assert cut.redesigned.kpis.keys() == org.kpis.keys()  # this model's cut drops terms only
    capped = inc.Organization.from_dict({**org.to_dict(), "bonus": {"sales": {"new_customers": 0.01}}})
    from incentives.design.negativa import TermChange, apply_changes

    change = TermChange(department="sales", key="new_customers", weight=0.01, change="cap", cap=400.0)
    redesigned = apply_changes(capped, [change])
    before = Path(path).read_text(encoding="utf-8")
    text = plan_into_text(before, org, redesigned)
    lines = text.splitlines()
    uptime = lines.index("  uptime: 100 - incidents")
    assert lines[uptime + 1] == "  new_customers_capped: min(400, new_customers)"
    back = inc.loads_model(text)
    assert back.kpis == redesigned.kpis and back.bonus == redesigned.bonus
    kpis = _section(before.splitlines(True), "kpis")
    bonus = _section(before.splitlines(True), "bonus")
    assert all(n in bonus or n == kpis.stop - 1 or n in kpis for n in _changed_lines(before, text))


def test_a_json_model_is_rewritten_as_json_with_only_the_bonus_changed(tmp_path: Path) -> None:
    source = tmp_path / "company.json"
    source.write_text(dumps_model(inc.load_model("examples/growing_company.yaml"), format="json"), encoding="utf-8")
    (tmp_path / "out").mkdir()
    doc, written = _design(str(source), tmp_path / "out", "--allow", "*:company_value")
    before = json.loads(source.read_text(encoding="utf-8"))
    after = json.loads(written.read_text(encoding="utf-8"))
    assert list(after) == list(before)
    assert {k: v for k, v in after.items() if k != "bonus"} == {k: v for k, v in before.items() if k != "bonus"}
    assert {d: {k: str(v) for k, v in w.items()} for d, w in inc.load_model(written).bonus.items()} == doc["exact_plan"]
