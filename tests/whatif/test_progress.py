"""The sweep's progress bar (rich): when it shows, and what it prints."""

from __future__ import annotations

import sys

import pytest

from incentives.whatif._progress import DELAY_SECONDS, ProgressBar, progress_bar


def test_default_shows_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert not progress_bar(3, None).show  # captured standard error is not a terminal
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    bar = progress_bar(3, None)
    assert bar.show and bar.delay == DELAY_SECONDS > 0


def test_a_bar_waits_for_its_delay(capsys: pytest.CaptureFixture[str]) -> None:
    bar = ProgressBar(total=3, show=True, delay=3600.0)
    bar.update(3)
    bar.close()
    assert not bar.shown and capsys.readouterr().err == ""


def test_a_forced_bar_prints_points_done(capsys: pytest.CaptureFixture[str]) -> None:
    bar = progress_bar(5, True)
    assert bar.shown
    bar.update(2)
    bar.update(3)
    bar.close()
    assert "5/5" in capsys.readouterr().err


def test_a_hidden_bar_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    bar = progress_bar(5, False)
    bar.update(5)
    bar.close()
    assert not bar.shown and capsys.readouterr().err == ""
