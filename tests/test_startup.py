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


def test_analyzing_the_bundled_company_loads_neither_scipy_nor_the_other_reports() -> None:
    # A dominance-solvable four-department game needs no LP, hull or vertex enumeration, and its report
    # needs only the analysis builder: the workshop loop should not pay for what it does not use.
    code = (
        "import sys\nfrom incentives.cli import main\n"
        "try:\n    main(['analyze', 'examples/growing_company.yaml'])\nexcept SystemExit:\n    pass\n"
        "print('other reports:', *(m for m in ('incentives.report.design', 'incentives.report.thresholds', "
        "'incentives.report.sweep', 'incentives.solvers.vertex_enumeration') if m in sys.modules))"
    )
    probe = f"{code}\nprint('loaded:', *(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    others, loaded = out.strip().splitlines()[-2:]
    assert "Growing software company" in out
    assert others == "other reports:"
    assert set(loaded.split()[1:]) == {"sympy", "yaml"}  # networkx: only for graphs, and for KPIs in a cycle


def test_a_cli_sweep_of_the_bundled_company_loads_no_scipy() -> None:
    # The sweep's modules import repeated play (its minmax LP, its payoff-set hulls) and the method's name is
    # checked, but scipy and the solvers' modules are imported only when a point needs them: at these points
    # the batched path solves every game.
    args = ["sweep", "examples/growing_company.yaml", "-p", "customers_per_deal=10:600:300", "--no-progress"]
    code = "from incentives.cli import main\ntry:\n    main({})\nexcept SystemExit:\n    pass"
    assert loaded_after(code.format(args)) == {"sympy", "yaml"}
    assert loaded_after(code.format([*args, "--repeated"])) == {"sympy", "yaml"}


def test_every_built_in_method_is_registered_by_the_module_the_table_names() -> None:
    from incentives.solvers.registry import BUILT_IN, method_names

    specs = inc.registered_solvers()
    assert set(BUILT_IN) <= set(specs)
    assert method_names() == sorted(specs)
    for name, module in BUILT_IN.items():
        assert specs[name].kernel.__module__ == f"incentives.solvers.{module}", name


def test_every_reported_type_names_the_builders_that_register_it() -> None:
    from incentives.report import dispatch

    types = dispatch.reported_types()
    for kind in types:
        modules = {
            f.__module__.rsplit(".", 1)[1] for f in (dispatch._blocks.dispatch(kind), dispatch._document.dispatch(kind))
        }
        assert set(dispatch.BUILDER_OF[kind.__name__]) == modules, kind
    assert set(dispatch.BUILDER_OF) == {t.__name__ for t in types}
