"""incentives: the game theory of incentives inside organisations.

The data flow, and the names for each step::

    model file --load_model--> Organization --evaluate_model--> EvaluatedModel --solve(model.game)--> SolveResult
                                                                    |                                      |
                                                                    +-------------- analyze ---------------+--> Analysis

Examples
--------
>>> import incentives as inc
>>> org = inc.load_model("examples/growing_company.yaml")
>>> result = inc.solve(inc.build_game(org))
>>> [e.describe(result.game) for e in result]
['sales=aggressive, support=fast_close, development=rushed, operations=change_freeze']
"""

import pkgutil
import sys
import types
from typing import Any

import lazy_loader

from . import _display

# Every public name is imported when first used (PEP 562), so ``import incentives`` and the
# command line's ``--help`` do not pay for sympy, scipy or networkx.  ``__init__.pyi`` lists the
# names and where they live: the one list, read here at run time and by type checkers.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)


class _Package(types.ModuleType):
    """The package, whose public functions keep their names when a subpackage of the same name is imported.

    ``inc.design`` and ``inc.repeated`` are functions that live in the subpackages ``incentives.design``
    and ``incentives.repeated``; importing a subpackage binds its name on the package, which would hide
    the function.  The subpackages stay importable by their full names.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and name in _SHADOWED:
            return
        super().__setattr__(name, value)


_SHADOWED = frozenset(__all__) & {module.name for module in pkgutil.iter_modules(__path__)}
sys.modules[__name__].__class__ = _Package

__version__ = "0.1.0"


def _text_report(result: Any) -> str | None:
    from .report import render
    from .report.dispatch import reported_types

    if not isinstance(result, tuple(reported_types())):
        return None
    return render(result, "text")


_display.install(_text_report)


def _show_results_in_jupyter() -> None:
    # Jupyter shows every result as its HTML report; the hook lives in the report layer and costs nothing elsewhere.
    if "IPython" in sys.modules:
        from .report.jupyter import register_if_running

        register_if_running()


_show_results_in_jupyter()
