"""A fast start: ``import incentives`` and ``incentives --help`` load none of the heavy libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest

import incentives as inc

HEAVY = ("scipy", "sympy", "networkx", "matplotlib", "pandas", "yaml", "starlette", "uvicorn", "jinja2")


def loaded_after(code: str) -> set[str]:
    """The heavy modules a fresh interpreter has loaded after running ``code``."""
    probe = f"{code}\nimport sys\nprint('loaded:', *(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(out.strip().splitlines()[-1].split()[1:])


def test_importing_the_package_loads_no_heavy_library() -> None:
    assert loaded_after("import incentives") == set()


def test_a_commands_help_still_lists_every_method() -> None:
    # The method option is checked lazily; the help of a command that takes one loads the registry to list them.
    from click.testing import CliRunner

    from incentives.cli import main

    shown = CliRunner().invoke(main, ["analyze", "--help"]).stdout
    assert all(method in " ".join(shown.split()) for method in inc.registered_solvers())
    refused = CliRunner().invoke(main, ["analyze", "examples/growing_company.yaml", "--method", "nope"])
    assert refused.exit_code == 2 and "'nope' is not one of all" in refused.stderr


def test_the_main_help_loads_nothing_heavy_at_all() -> None:
    code = "from incentives.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    assert loaded_after(code) == set()


@pytest.mark.parametrize("name", sorted(inc.__all__))
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(inc, name) is not None


def test_a_name_that_does_not_exist_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        inc.no_such_name  # noqa: B018


def test_functions_named_like_their_subpackages_stay_functions() -> None:
    code = (
        "import incentives as inc\n"
        "inc.Design, inc.RepeatedAnalysis  # imports the subpackages incentives.design and incentives.repeated\n"
        "import incentives.design.plan, incentives.repeated.critical\n"
        "assert callable(inc.design) and callable(inc.repeated), (inc.design, inc.repeated)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
