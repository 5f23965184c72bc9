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

import sys

import lazy_loader

# Every public name is imported when first used (PEP 562), so ``import incentives`` and the
# command line's ``--help`` do not pay for sympy, scipy or networkx.  ``__init__.pyi`` lists the
# names and where they live: the one list, read here at run time and by type checkers.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)

__version__ = "0.1.0"


def _show_results_in_jupyter() -> None:
    # Jupyter shows every result as its HTML report; the hook lives in the report layer and costs nothing elsewhere.
    if "IPython" in sys.modules:
        from .report.jupyter import register_if_running

        register_if_running()


_show_results_in_jupyter()
