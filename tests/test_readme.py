"""The README stays a two-minute read, its two commands are the ones CI runs, and its table lists every command.

Its examples run with the docs pages (tests/test_docs.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from incentives.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = "examples/growing_company.yaml"


def section(title: str) -> str:
    """The text of the README's ``## title`` section, up to the next ``## ``."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.MULTILINE | re.DOTALL)
    assert match, f"README.md has no section {title!r}"
    return match.group(1)


def ci_command() -> str:
    """The one command line of .ci/run that installs and tests."""
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    (command,) = [line for line in lines if line.startswith("python3 -m venv")]
    return command


def test_the_readme_is_under_ten_kilobytes() -> None:
    assert len(README.encode("utf-8")) < 10_000


def test_the_two_commands_are_the_ones_ci_runs() -> None:
    commands = re.findall(r"^```bash\n(.*?)\n```$", section("Two commands"), re.MULTILINE | re.DOTALL)
    assert len(commands) == 2
    install_and_analyze, install_and_test = commands
    assert install_and_test == ci_command()
    # the first installs as CI does, without the test extra, then runs the main job on the bundled example
    install = ci_command().split(" && .venv/bin/python -m pytest")[0].replace(' -e ".[test]"', " -e .")
    assert install_and_analyze == f"{install} && .venv/bin/incentives analyze {EXAMPLE}"


def test_what_you_get_is_the_output_of_the_first_command() -> None:
    # tests/test_docs.py checks each line shown against the command's output; here: it is that command
    assert re.search(rf"^```console\n\$ incentives analyze {re.escape(EXAMPLE)}\n", section("What you get"), re.M)


def test_the_table_of_commands_has_every_command_once() -> None:
    rows = re.findall(r"^\| `incentives ([\w-]+)[^`]*` \| (.+) \|$", section("Commands"), re.MULTILINE)
    assert isinstance(main, click.Group)
    assert sorted(name for name, _ in rows) == sorted(main.commands)
    assert all(what.strip() and "|" not in what for _, what in rows)  # one line each
