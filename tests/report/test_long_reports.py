"""Reports of games with many equilibria or many tied optima stay readable; the JSON keeps everything (issue 14).

A fuzz mutation with 256 equilibria and 25,856 profiles tying for the optimum printed 88,000 lines
(40 s of rendering); the reader learns nothing from the thousandth tie.
"""

from __future__ import annotations

import json

import pytest

import incentives as inc
from incentives.readwrite.model_file import loads_model
from incentives.report import words

SEVEN = 7  # departments whose choice changes nothing: 2**7 = 128 equilibria and as many optimal profiles


def _indifferent_company() -> inc.Organization:
    departments = "".join(f"  d{k}: {{actions: {{x: {{v: 1}}, y: {{v: 1}}}}}}\n" for k in range(SEVEN))
    total = " + ".join(f"d{k}.v" for k in range(SEVEN))
    bonus = ", ".join(f"d{k}: {{k: 1}}" for k in range(SEVEN))
    text = f"name: ties\ndepartments:\n{departments}kpis:\n  k: {total}\ncompany_value: k\nbonus: {{{bonus}}}\n"
    return loads_model(text, source="ties.yaml")


def test_text_reports_list_a_bounded_number_and_say_where_the_rest_are() -> None:
    analysis = inc.analyze(_indifferent_company(), method="pure")
    count = 2**SEVEN
    assert len(analysis.equilibria) == count and len(analysis.optimum.profiles) == count
    text = inc.report.render(analysis, "text")
    assert f"The table shows the first {words.LISTED_EQUILIBRIA} of {count} equilibria" in text
    assert f"Equilibria {words.DETAILED_EQUILIBRIA + 1} to {count} are not explained one by one" in text
    assert f"{count - 1} other profile(s) tie for the optimum" in text
    assert f"and {count - 1 - words.LISTED_TIES} more" in text
    assert f"Equilibrium {words.DETAILED_EQUILIBRIA}\n" in text
    assert f"Equilibrium {words.DETAILED_EQUILIBRIA + 1}\n" not in text
    # each table row group starts with its number: the last one listed, and none after it
    rows = [line for line in text.splitlines() if line.startswith("│") and line[1:6].strip().isdigit()]
    assert [int(line[1:6]) for line in rows] == list(range(1, words.LISTED_EQUILIBRIA + 1))


def test_the_json_report_keeps_every_equilibrium_and_every_tie() -> None:
    with pytest.warns(inc.DegenerateGameWarning):
        analysis = inc.analyze(_indifferent_company())  # method 'all': one set, its 128 pure corners listed
    doc = json.loads(inc.report.render(analysis, "json"))
    assert len(doc["equilibria"]) == 2**SEVEN
    assert len(doc["company_optimum"]["ties"]) == 2**SEVEN - 1


def test_short_reports_have_no_limit_sentences() -> None:
    text = inc.report.render(inc.analyze(inc.load_model("examples/growing_company.yaml")), "text")
    assert "The table shows the first" not in text and "not explained one by one" not in text
