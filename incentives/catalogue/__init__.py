"""A catalogue of textbook games, each a model file with its known answer and its source.

The games of game-theory courses, written as ordinary model files in ``examples/catalogue/``
(shipped with the package as ``incentives/catalogue/games/``, a link to that folder): each
player is a department whose actions are indicator variables (``defect: {cooperate: 0,
defect: 1}``), its payoff is one KPI with one term per cell of the payoff table, and the
company value is the players' total payoff, so that the analyses compare each equilibrium's
total payoff with the best total the players could reach.  The file's comments and its ``description`` state
the game's known equilibria and the source they come from; ``tests/test_catalogue.py`` solves
every game and checks the known answer exactly, and against nashpy for two players.

Each game, its known answer, and its source:

- ``prisoners_dilemma``: (defect, defect), the unique equilibrium [1]_;
- ``battle_of_the_sexes``: two pure equilibria and ((2/3, 1/3), (1/3, 2/3)) [2]_;
- ``chicken``: two pure equilibria and each swerving with probability 9/10 [3]_;
- ``matching_pennies``: each mixing 1/2, 1/2 [4]_;
- ``stag_hunt``: (stag, stag), (hare, hare), and each hunting the stag with probability 3/4 [5]_;
- ``shapley``: each mixing 1/3, 1/3, 1/3 [6]_;
- ``jordan``: three players, each mixing 1/2, 1/2 [7]_;
- ``degenerate``: a segment of equilibria with two extreme points [8]_.

References
----------
.. [1] R. Axelrod, *The Evolution of Cooperation*, Basic Books, 1984.
.. [2] R. D. Luce and H. Raiffa, *Games and Decisions*, Wiley, 1957.
.. [3] A. Rapoport and A. M. Chammah, "The game of chicken", American Behavioral Scientist
   10(3), 10-28, 1966.
.. [4] J. von Neumann and O. Morgenstern, *Theory of Games and Economic Behavior*, Princeton
   University Press, 1944.
.. [5] B. Skyrms, *The Stag Hunt and the Evolution of Social Structure*, Cambridge
   University Press, 2004.
.. [6] L. S. Shapley, "Some topics in two-person games", in *Advances in Game Theory*, Annals
   of Mathematics Studies 52, Princeton University Press, 1964, 1-28.
.. [7] J. S. Jordan, "Three problems in learning mixed-strategy Nash equilibria", Games and
   Economic Behavior 5(3), 368-386, 1993.
.. [8] B. von Stengel, "Computing equilibria for two-person games", in *Handbook of Game
   Theory with Economic Applications* vol. 3, Elsevier, 2002, chapter 45.
"""

from __future__ import annotations

import difflib
from importlib.resources import files
from importlib.resources.abc import Traversable

from ..build import build_game
from ..errors import ModelError, Problem
from ..game import Game
from ..model import Organization
from ..readwrite.model_file import loads_model

__all__ = ["game", "load", "names"]

FOLDER = "games"  # the link to examples/catalogue


def _folder() -> Traversable:
    return files(__package__).joinpath(FOLDER)


def names() -> tuple[str, ...]:
    """The names of the games in the catalogue, in alphabetical order.

    Examples
    --------
    >>> from incentives import catalogue
    >>> catalogue.names()[:3]
    ('battle_of_the_sexes', 'chicken', 'degenerate')
    >>> len(catalogue.names())
    8
    """
    return tuple(sorted(f.name.removesuffix(".yaml") for f in _folder().iterdir() if f.name.endswith(".yaml")))


def load(name: str) -> Organization:
    """The game ``name`` of the catalogue, as the organisation its model file describes.

    Parameters
    ----------
    name : str
        One of :func:`names`: the file ``examples/catalogue/{name}.yaml``, bundled with the package.

    Returns
    -------
    Organization
        The model; its ``description`` states the known answer and its source.

    Raises
    ------
    ModelError
        If the catalogue has no game ``name`` (the message lists the names it has).

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.catalogue.load("prisoners_dilemma")
    >>> org.name
    "Prisoner's dilemma"
    >>> [e.describe(inc.build_game(org)) for e in inc.solve(inc.build_game(org))]
    ['row=defect, column=defect']
    """
    known = names()
    if name not in known:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ModelError([Problem(path="", message=f"no game {name!r} in the catalogue{hint}; it has {list(known)}")])
    text = _folder().joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return loads_model(text, source=f"examples/catalogue/{name}.yaml")


def game(name: str) -> Game:
    """The payoff arrays of the catalogue's game ``name``: ``build_game(load(name))``.

    Examples
    --------
    >>> from incentives import catalogue
    >>> shapley = catalogue.game("shapley")
    >>> shapley.players, shapley.actions[0]
    (('row', 'column'), ('a', 'b', 'c'))
    """
    return build_game(load(name))
