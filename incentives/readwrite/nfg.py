"""Read and write strategic-form games in Gambit's ``.nfg`` format (``NFG 1 R``).

The format
----------
A file starts with a prologue::

    NFG 1 R "title" { "player 1" "player 2" ... } STRATEGIES ["comment"]

where ``STRATEGIES`` is either a list of strategy counts, ``{ 3 2 }``, or a nested
list of strategy names, ``{ { "a" "b" "c" } { "x" "y" } }``.  The body comes in
two versions:

*payoff version*
    a flat list of numbers: for each strategy profile, every player's payoff in
    player order.  Profiles are listed with the **first** player's strategy
    changing fastest (like counting, with player 1 the least significant digit).
*outcome version*
    a brace-enclosed list of outcomes ``{ "name" p_1, p_2, ... }`` (payoffs
    separated by whitespace or commas), then one outcome index per profile, in
    the same order; index ``k`` is the ``k``-th outcome and ``0`` is the null
    outcome, with all payoffs zero.

Whitespace is not significant outside quoted strings; ``\\"`` inside a string is
a literal quote.  Numbers are integers (``-3``), decimals (``0.25``, ``.5``),
rationals (``3/2``) or scientific notation (``1.5e-3``).

Arithmetic
----------
Gambit reads every number exactly, so ``0.1`` and ``1/10`` are the same payoff.
:func:`from_nfg_text` does the same for ``NFG 1 R`` files and builds an exact
:class:`~incentives.game.Game` (payoffs are :class:`fractions.Fraction`).  The
letter ``D`` in place of ``R`` marked floating-point data in Gambit 0.97 and
earlier; such files give a float game.  :func:`to_nfg_text` writes exact games as
``NFG 1 R`` with rationals (``3/2``) and float games as ``NFG 1 D`` with
round-trip float literals (``repr``), so that writing then reading gives back an
equal game either way; current Gambit reads both.

The format has no place for a game's ``company_value``: writing drops it.

References
----------
.. [1] The Gambit Project, "Game representation formats: the strategic game (.nfg) file
   format, payoff version and outcome version", https://gambitproject.readthedocs.io/en/latest/formats.html
"""

from __future__ import annotations

import math
import os
import re
from array import array
from collections.abc import Iterator, MutableSequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import IO, Any, Literal, NoReturn

import numpy as np

from ..errors import GameFormatError, GameTooLargeError
from ..game import Game, check_game_size

__all__ = ["from_nfg_text", "read_nfg", "to_nfg_text", "write_nfg"]

Number = Fraction | float
PathOrFile = str | os.PathLike[str] | IO[str] | IO[bytes]

#: Largest decimal exponent read exactly: ``1e1000000000`` would need a billion-digit integer.
_MAX_EXACT_EXPONENT = 1000

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<lbrace>\{)
  | (?P<rbrace>\})
  | (?P<comma>,)
  | (?P<text>"[^"\\]*(?:\\.[^"\\]*)*")
  | (?P<open>")
  | (?P<word>[^\s{},"]+)
    """,
    re.VERBOSE | re.DOTALL,
)
_NUMBER = re.compile(r"[+-]?(?:\d+/\d+|(?:\d+\.?\d*|\.\d+)(?:[eE](?P<exp>[+-]?\d+))?)")
_COUNT = re.compile(r"\+?0*(?P<digits>\d+)")
#: Strategy counts and outcome indices with more digits than this cannot describe a game that fits in memory.
_MAX_DIGITS = 18
_ESCAPE = re.compile(r'\\(["\\])')


# -- tokens -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "lbrace", "rbrace", "comma", "text", "word" or "eof"
    raw: str
    line: int
    column: int

    @property
    def text(self) -> str:
        """The value of a quoted string, with escapes resolved."""
        return _ESCAPE.sub(r"\1", self.raw[1:-1])

    def describe(self) -> str:
        if self.kind == "eof":
            return "end of file"
        if self.kind == "text":
            shown = self.raw if len(self.raw) <= 40 else self.raw[:37] + '..."'
            return f"text {shown}"
        return repr(self.raw if len(self.raw) <= 40 else self.raw[:37] + "...")


def _tokens(text: str, source: str) -> Iterator[_Token]:
    """Tokens of ``text`` with 1-based line and column, ending with an ``eof`` token."""
    line, line_start = 1, 0
    for match in _TOKEN.finditer(text):
        kind, raw, start = match.lastgroup or "", match.group(), match.start()
        if kind == "open":
            raise GameFormatError(
                f"{source}: line {line}, column {start - line_start + 1}: "
                "unterminated string: a '\"' opens text that is never closed"
            )
        if kind != "space":
            yield _Token(kind, raw, line, start - line_start + 1)
        newlines = raw.count("\n")
        if newlines:
            line += newlines
            line_start = start + raw.rindex("\n") + 1
    yield _Token("eof", "", line, len(text) - line_start + 1)


# -- parsing --------------------------------------------------------------------------


@dataclass
class _Header:
    title: str
    players: list[str]
    strategies: list[list[str]] | None  # None when the file gives counts only
    shape: tuple[int, ...]


class _Parser:
    """Recursive-descent reader over the token stream, with one token of look-ahead."""

    def __init__(self, text: str, source: str, exact: bool | None):
        self.source = source
        self.exact_override = exact
        self.header_exact = True
        self.stream = _tokens(text, source)
        self.token = next(self.stream)

    def fail(self, message: str, token: _Token | None = None) -> NoReturn:
        at = token or self.token
        raise GameFormatError(f"{self.source}: line {at.line}, column {at.column}: {message}")

    def advance(self) -> _Token:
        token, self.token = self.token, next(self.stream, self.token)
        return token

    def expect(self, kind: str, what: str) -> _Token:
        if self.token.kind != kind:
            self.fail(f"expected {what}, found {self.token.describe()}")
        return self.advance()

    def number(self, what: str) -> Number:
        token = self.token
        match = _NUMBER.fullmatch(token.raw) if token.kind == "word" else None
        if match is None:
            self.fail(f"expected {what} (a number such as 3, -0.5, 3/2 or 1e-3), found {token.describe()}")
        self.advance()
        return self.convert(token, match.group("exp"))

    def convert(self, token: _Token, exponent: str | None) -> Number:
        digits = (exponent or "").lstrip("+-").lstrip("0")
        if self.header_exact and (len(digits) > 6 or int(digits or 0) > _MAX_EXACT_EXPONENT):
            self.fail(f"the exponent of {token.describe()} is too large to read exactly", token)
        try:
            if self.header_exact:
                return Fraction(token.raw)
            value = float(Fraction(token.raw)) if "/" in token.raw else float(token.raw)
        except ZeroDivisionError:
            self.fail(f"{token.describe()} divides by zero", token)
        except (OverflowError, ValueError):
            value = float("inf")  # too many digits, or beyond the float range
        if not np.isfinite(value):
            self.fail(f"{token.describe()} has too many digits or is too large to be a payoff", token)
        return value

    # -- prologue ---------------------------------------------------------------------
    def header(self) -> _Header:
        self.magic()
        title = self.expect("text", 'the game title, a quoted string such as "My game"').text
        players = self.players()
        strategies, shape = self.strategies(len(players))
        if self.token.kind == "text":
            self.advance()  # the optional comment; a Game has no place for it
        return _Header(title, players, strategies, shape)

    def magic(self) -> None:
        if self.token.kind != "word" or self.token.raw != "NFG":
            self.fail(f"expected 'NFG' at the start of a Gambit strategic-form file, found {self.token.describe()}")
        self.advance()
        if self.token.raw != "1":
            self.fail(f"expected NFG version 1, found {self.token.describe()}")
        self.advance()
        if self.token.raw not in ("R", "D"):
            self.fail(f"expected the data type 'R' (or the old 'D'), found {self.token.describe()}")
        data_type = self.advance().raw
        self.header_exact = (data_type == "R") if self.exact_override is None else self.exact_override

    def players(self) -> list[str]:
        self.expect("lbrace", "'{' opening the list of player names")
        names = []
        while self.token.kind == "text":
            names.append(self.advance().text)
        closing = self.expect("rbrace", "a quoted player name or '}' closing the list of players")
        if not names:
            self.fail("a game needs at least one player; the list of player names is empty", closing)
        self.check_unique(names, "player names", closing)
        return names

    def strategies(self, n_players: int) -> tuple[list[list[str]] | None, tuple[int, ...]]:
        opening = self.expect("lbrace", "'{' opening the strategy counts or names")
        if self.token.kind == "lbrace":
            names = [self.strategy_names(i) for i in range(n_players)]
            shape = tuple(len(n) for n in names)
            result: tuple[list[list[str]] | None, tuple[int, ...]] = (names, shape)
        else:
            result = (None, tuple(self.strategy_count(i) for i in range(n_players)))
        self.expect("rbrace", f"'}}' closing the strategies of the {n_players} players")
        self.check_size(result[1], opening)
        return result

    def strategy_names(self, player: int) -> list[str]:
        self.expect("lbrace", f"'{{' opening the strategy names of player {player + 1}")
        names = []
        while self.token.kind == "text":
            names.append(self.advance().text)
        closing = self.expect("rbrace", f"a quoted strategy name or '}}' closing player {player + 1}'s strategies")
        if not names:
            self.fail(f"player {player + 1} must have at least one strategy", closing)
        self.check_unique(names, f"strategy names of player {player + 1}", closing)
        return names

    def strategy_count(self, player: int) -> int:
        token = self.token
        count = _integer(token)
        if count is None or count < 1:
            self.fail(
                f"expected the number of strategies of player {player + 1}, a positive integer, "
                f"found {token.describe()}"
            )
        if count > 10**_MAX_DIGITS:
            raise GameTooLargeError(
                f"{self.source}: line {token.line}: player {player + 1} is declared to have "
                f"{token.describe()} strategies"
            )
        self.advance()
        return count

    def check_unique(self, names: list[str], what: str, token: _Token) -> None:
        seen: set[str] = set()
        for name in names:
            if name in seen:
                self.fail(f"{what} must be unique; {name!r} appears more than once", token)
            seen.add(name)

    def check_size(self, shape: tuple[int, ...], token: _Token) -> None:
        try:
            check_game_size(shape, exact=self.header_exact)
        except GameTooLargeError as err:
            raise GameTooLargeError(f"{self.source}: line {token.line}: {err}") from err

    # -- body -------------------------------------------------------------------------
    def body(self, n_players: int, n_profiles: int) -> np.ndarray:
        """Payoff table of shape ``(n_profiles, n_players)``, profiles in file order."""
        if self.token.kind == "lbrace":
            table = self.outcome_body(n_players, n_profiles)
            last = f"the {n_profiles} outcome indices (one per profile)"
        elif self.token.kind == "word":
            table = self.payoff_body(n_players, n_profiles)
            last = f"the {n_players * n_profiles} payoffs ({n_profiles} profiles x {n_players} players)"
        else:
            self.fail(
                f"expected the payoffs (numbers) or the '{{' opening the list of outcomes, "
                f"found {self.token.describe()}"
            )
        self.expect("eof", f"end of file after {last}")
        return table

    def new_values(self) -> MutableSequence[Any]:
        return [] if self.header_exact else array("d")

    def payoff_body(self, n_players: int, n_profiles: int) -> np.ndarray:
        expected = n_players * n_profiles
        values = self.new_values()
        while len(values) < expected:
            if self.token.kind == "eof":
                self.fail(
                    f"expected {expected} payoffs for {n_profiles} profiles x {n_players} players, found {len(values)}"
                )
            values.append(self.number(f"payoff {len(values) + 1} of {expected}"))
            if self.token.kind == "comma":
                self.advance()
        return self.as_table(values, n_players)

    def as_table(self, values: MutableSequence[Any], n_players: int) -> np.ndarray:
        if self.header_exact:
            table = np.empty(len(values), dtype=object)
            table[:] = values
        else:
            table = np.array(values, dtype=float)
        return table.reshape(-1, n_players)

    def outcome_body(self, n_players: int, n_profiles: int) -> np.ndarray:
        outcomes = self.outcome_list(n_players)
        n_outcomes = len(outcomes) // n_players - 1  # not counting the null outcome
        indices = np.empty(n_profiles, dtype=np.intp)
        for k in range(n_profiles):
            indices[k] = self.outcome_index(k, n_profiles, n_outcomes)
        return self.as_table(outcomes, n_players)[indices]

    def outcome_list(self, n_players: int) -> MutableSequence[Any]:
        """Flat payoffs of the null outcome then of each listed outcome, ``n_players`` each."""
        self.expect("lbrace", "'{' opening the list of outcomes")
        values = self.new_values()
        values.extend([Fraction(0) if self.header_exact else 0.0] * n_players)
        while self.token.kind == "lbrace":
            number = len(values) // n_players
            self.advance()
            self.expect("text", f"the quoted name of outcome {number}")
            for player in range(n_players):
                values.append(self.number(f"payoff {player + 1} of {n_players} in outcome {number}"))
                if self.token.kind == "comma":
                    self.advance()
            self.expect("rbrace", f"'}}' closing outcome {number} after its {n_players} payoffs (one per player)")
        self.expect("rbrace", "'{' opening another outcome or '}' closing the list of outcomes")
        return values

    def outcome_index(self, k: int, n_profiles: int, n_outcomes: int) -> int:
        token = self.token
        if token.kind == "eof":
            self.fail(f"expected {n_profiles} outcome indices, one per profile, found {k}")
        index = _integer(token)
        if index is None or index > n_outcomes:
            self.fail(
                f"expected the outcome index of profile {k + 1} of {n_profiles}, an integer from 0 "
                f"(the null outcome) to {n_outcomes}, found {token.describe()}"
            )
        self.advance()
        if self.token.kind == "comma":
            self.advance()
        return index


def _integer(token: _Token) -> int | None:
    """A non-negative integer word's value (capped just above ``10**_MAX_DIGITS``), else None."""
    match = _COUNT.fullmatch(token.raw) if token.kind == "word" else None
    if match is None:
        return None
    digits = match.group("digits")
    return int(digits) if len(digits) <= _MAX_DIGITS else 10**_MAX_DIGITS + 1


def _default_names(header: _Header) -> list[list[str]]:
    if header.strategies is not None:
        return header.strategies
    return [[str(k + 1) for k in range(n)] for n in header.shape]


def _to_game(header: _Header, table: np.ndarray) -> Game:
    n_players = len(header.players)
    payoffs = np.empty((n_players, *header.shape), dtype=table.dtype)
    for i in range(n_players):
        payoffs[i] = table[:, i].reshape(header.shape, order="F")
    return Game(
        players=tuple(header.players),
        actions=tuple(tuple(names) for names in _default_names(header)),
        payoffs=payoffs,
        title=header.title,
    )


def from_nfg_text(text: str, *, source: str = "<string>", exact: bool | None = None) -> Game:
    """Parse a game from the text of a Gambit ``.nfg`` file (payoff or outcome version).

    Parameters
    ----------
    text : str
        The file's contents.
    source : str
        Name used in error messages, usually the file name.
    exact : bool or None
        ``None`` (default) follows the file: ``NFG 1 R`` gives an exact game with
        :class:`~fractions.Fraction` payoffs (``0.1`` is read as ``1/10``), the old
        ``NFG 1 D`` a float game.  ``True`` or ``False`` forces exact or float payoffs.

    Returns
    -------
    Game
        Players, strategy names (``"1"``, ``"2"``, ... when the file gives counts
        only) and title from the file; the optional comment is not kept.

    Raises
    ------
    GameFormatError
        If the text is not a well-formed ``.nfg`` game; the message names the
        source, the line and column, and what was expected there.
    GameTooLargeError
        If the header declares more strategy profiles than fit in memory (checked
        before any payoff is read).

    See Also
    --------
    read_nfg, to_nfg_text

    Examples
    --------
    >>> game = from_nfg_text('''NFG 1 R "Matching pennies" { "row" "column" } { 2 2 }
    ...                         1 -1  -1 1  -1 1  1 -1''')
    >>> game.players, game.actions
    (('row', 'column'), (('1', '2'), ('1', '2')))
    >>> game.payoffs[0].tolist()  # row's payoffs: the first player's strategy changes fastest
    [[Fraction(1, 1), Fraction(-1, 1)], [Fraction(-1, 1), Fraction(1, 1)]]
    >>> from_nfg_text('NFG 1 R "" { "a" "b" } { 2 2 } 1 2 3')
    Traceback (most recent call last):
    ...
    incentives.errors.GameFormatError: <string>: line 1, column 37: expected 8 payoffs for 4 profiles x 2 players, ...
    """
    parser = _Parser(text.removeprefix("\ufeff"), source, exact)
    header = parser.header()
    n_profiles = math.prod(header.shape)
    table = parser.body(len(header.players), n_profiles)
    return _to_game(header, table)


def read_nfg(path_or_file: PathOrFile, *, exact: bool | None = None, encoding: str = "utf-8") -> Game:
    """Read a game from a Gambit ``.nfg`` file (payoff or outcome version).

    Parameters
    ----------
    path_or_file : str, path-like or file object
        The file's path, or an open file (text or binary).
    exact : bool or None
        See :func:`from_nfg_text`: by default ``NFG 1 R`` files give exact games.
    encoding : str
        Text encoding of the file.

    Returns
    -------
    Game

    Raises
    ------
    GameFormatError
        If the file is not a well-formed ``.nfg`` game, or not text in ``encoding``.
    GameTooLargeError
        If the header declares more strategy profiles than fit in memory.

    See Also
    --------
    from_nfg_text, write_nfg

    Examples
    --------
    >>> import io
    >>> read_nfg(io.StringIO('NFG 1 R "One" { "solo" } { { "work" "shirk" } } 1 2')).payoffs.tolist()
    [[Fraction(1, 1), Fraction(2, 1)]]
    """
    if hasattr(path_or_file, "read"):
        source = str(getattr(path_or_file, "name", "<file>"))
        content: str | bytes = path_or_file.read()
    else:
        source = os.fspath(path_or_file)
        content = Path(source).read_bytes()
    if isinstance(content, bytes):
        try:
            content = content.decode(encoding)
        except UnicodeDecodeError as err:
            raise GameFormatError(
                f"{source}: byte {err.start}: the file is not {encoding} text ({err.reason})"
            ) from err
    return from_nfg_text(content, source=source, exact=exact)


# -- writing --------------------------------------------------------------------------


def _quote(label: str) -> str:
    """Quoted label: ``"`` becomes ``\\"``; a backslash is doubled only before ``"``, ``\\`` or the end."""
    escaped = re.sub(r'\\(?=["\\]|$)', r"\\\\", label)
    return '"' + escaped.replace('"', '\\"') + '"'


def _format_number(value: Any, exact: bool) -> str:
    return str(value) if exact else repr(float(value))


def _profile_rows(game: Game) -> np.ndarray:
    """Payoffs of shape ``(n_profiles, n_players)`` with the first player's action changing fastest."""
    return np.stack([game.payoffs[i].ravel(order="F") for i in range(game.n_players)], axis=1)


def _prologue(game: Game) -> list[str]:
    data_type = "R" if game.is_exact else "D"
    players = " ".join(_quote(p) for p in game.players)
    lines = [f"NFG 1 {data_type} {_quote(game.title)} {{ {players} }}", ""]
    strategies = ["{ " + " ".join(_quote(a) for a in actions) + " }" for actions in game.actions]
    lines.append("{ " + "\n  ".join(strategies) + "\n}")
    lines.append('""')
    lines.append("")
    return lines


def _payoff_body(game: Game, rows: np.ndarray) -> list[str]:
    return [" ".join(_format_number(v, game.is_exact) for v in row) for row in rows]


def _outcome_body(game: Game, rows: np.ndarray) -> list[str]:
    numbers: dict[tuple[object, ...], int] = {}
    indices = []
    for row in rows:
        key = tuple(row)
        if all(v == 0 for v in key):
            indices.append(0)
            continue
        indices.append(numbers.setdefault(key, len(numbers) + 1))
    outcomes = [
        "{ " + _quote("") + " " + ", ".join(_format_number(v, game.is_exact) for v in key) + " }" for key in numbers
    ]
    return ["{", *outcomes, "}", " ".join(str(k) for k in indices)]


def to_nfg_text(game: Game, *, version: Literal["payoff", "outcome"] = "payoff") -> str:
    """The text of a Gambit ``.nfg`` file for ``game``.

    Parameters
    ----------
    game : Game
        The game to write; its ``company_value``, if any, is not written.
    version : {"payoff", "outcome"}
        ``"payoff"`` lists every player's payoff profile by profile; ``"outcome"``
        lists each distinct payoff vector once as an outcome and then one outcome
        index per profile (``0``, the null outcome, for all-zero payoffs).

    Returns
    -------
    str
        ``NFG 1 R`` with rational payoffs (``3/2``) for exact games, ``NFG 1 D``
        with float literals for float games.  Strategy names are always written.

    See Also
    --------
    write_nfg, from_nfg_text

    Examples
    --------
    >>> from fractions import Fraction
    >>> g = Game.from_bimatrix([[Fraction(3, 2), 0], [2, 1]], [[1, 0], [0, 1]],
    ...                        actions=(["up", "down"], ["left", "right"]), title="demo")
    >>> print(to_nfg_text(g))
    NFG 1 R "demo" { "row" "column" }
    <BLANKLINE>
    { { "up" "down" }
      { "left" "right" }
    }
    ""
    <BLANKLINE>
    3/2 1
    2 0
    0 0
    1 1
    >>> print(to_nfg_text(g, version="outcome").partition('""\\n')[2])
    <BLANKLINE>
    <BLANKLINE>
    {
    { "" 3/2, 1 }
    { "" 2, 0 }
    { "" 1, 1 }
    }
    1 2 0 3
    <BLANKLINE>
    >>> from_nfg_text(to_nfg_text(g, version="outcome")) == g
    True
    """
    if version not in ("payoff", "outcome"):
        raise ValueError(
            f"The 'version' parameter of to_nfg_text must be 'payoff' or 'outcome'. Got {version!r} instead."
        )
    rows = _profile_rows(game)
    body = _payoff_body(game, rows) if version == "payoff" else _outcome_body(game, rows)
    return "\n".join([*_prologue(game), *body]) + "\n"


def write_nfg(
    game: Game, path_or_file: str | os.PathLike[str] | IO[str], *, version: Literal["payoff", "outcome"] = "payoff"
) -> None:
    """Write ``game`` to a Gambit ``.nfg`` file (UTF-8).

    Parameters
    ----------
    game : Game
        The game to write; its ``company_value``, if any, is not written.
    path_or_file : str, path-like or text file object
        Where to write.
    version : {"payoff", "outcome"}
        Which version of the format; see :func:`to_nfg_text`.

    See Also
    --------
    to_nfg_text, read_nfg

    Examples
    --------
    >>> import io
    >>> pd = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], title="Prisoner's dilemma")
    >>> buffer = io.StringIO()
    >>> write_nfg(pd, buffer)
    >>> buffer.seek(0)
    0
    >>> read_nfg(buffer) == pd
    True
    """
    text = to_nfg_text(game, version=version)
    if hasattr(path_or_file, "write"):
        path_or_file.write(text)
    else:
        Path(os.fspath(path_or_file)).write_text(text, encoding="utf-8")
