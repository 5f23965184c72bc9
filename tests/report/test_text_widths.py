"""Plain-text tables fit their width without cutting a cell's word in two; long headers break after '.' or '_'."""

from __future__ import annotations

import re

import incentives as inc
from incentives.report.blocks import Cell, Table
from incentives.report.sweep import sweep_blocks
from incentives.report.text import render_text
from incentives.whatif import sweep


def test_a_sweep_over_two_quantities_keeps_every_profile_whole_at_the_default_width() -> None:
    # Its words (profiles, the quantities' names) are too long to keep every one whole in 110 characters:
    # rich's own widths cut "sales=aggressive," into "sales=aggressi" and "ve,", and every header too.
    org = inc.load_model("examples/growing_company.yaml")
    axes = {"customers_per_deal": [10, 157.5, 305, 452.5, 600], "bonus.support.reopened_tickets": [-0.5, -0.25, 0]}
    text = render_text(sweep_blocks(sweep(org, axes, workers=1, progress=False)))
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 110
    profiles = {m for line in lines for m in re.findall(r"\b[a-z]+=[a-z_]+\b", line)}
    assert profiles >= {"sales=aggressive", "support=fast_close", "development=rushed", "operations=change_freeze"}
    assert all(
        name in {"sales", "support", "development", "operations"} for name in (p.split("=")[0] for p in profiles)
    )
    for piece in ("bonus.", "support.", "reopened_", "tickets", "customers_", "per_deal"):  # headers, broken
        assert re.search(rf"\s{re.escape(piece)} ┃", text), piece  # after their dots and underscores


def test_where_the_words_fit_no_column_is_narrowed_below_its_longest_word() -> None:
    table = Table(
        title="t",
        columns=("name", "value"),
        rows=((Cell.of("development=rushed, operations=change_freeze"), Cell.of("1.25 .. 3.5")),),
    )
    text = render_text([table], width=40)
    assert "operations=change_freeze" in text and "development=rushed," in text
    assert max(len(line) for line in text.splitlines()) <= 40


def test_where_not_even_the_cells_words_fit_rich_folds_them_within_the_width() -> None:
    table = Table(
        title="t", columns=("a", "b"), rows=((Cell.of("operations=change_freeze"), Cell.of("support=fast_close")),)
    )
    text = render_text([table], width=30)
    assert max(len(line) for line in text.splitlines()) <= 30
    assert "change_freeze" not in text  # folded: there is no room
