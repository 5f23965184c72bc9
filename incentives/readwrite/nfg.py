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

Limits
------
A game file may be hostile, so reading one is bounded: a path must name a regular
file (not a FIFO or a device) of at most :data:`MAX_NFG_BYTES` bytes, checked
before it is opened; the strategies the header declares are checked against the
memory budget of :func:`~incentives.game.check_game_size` before any payoff is
read; a game has at most 63 players (numpy arrays have at most 64 axes); and every
payoff must be a finite floating-point number (an exact ``1e1000`` is refused,
with its line) of at most 1,000 characters.  The long lists of the body (payoffs,
outcome indices) are read a chunk of text at a time, each distinct number
converted once.

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
from collections.abc import Callable, Iterator, MutableSequence
from dataclasses import dataclass
from fractions import Fraction
from typing import IO, Any, Literal, NamedTuple, NoReturn

import numpy as np

from .._util import atomic_write
from ..errors import GameFormatError, GameTooLargeError
from ..game import Game, check_game_size
from ._files import FileRefused, FileTooLarge, read_regular_file

__all__ = ["MAX_NFG_BYTES", "from_nfg_text", "read_nfg", "to_nfg_text", "write_nfg"]

#: Largest ``.nfg`` file read by default, in bytes (about four million payoffs).
MAX_NFG_BYTES = 16 * 1024 * 1024

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
#: Words and the characters that end them, for the fast reading of a file's body.
_BODY_TOKEN = re.compile(r'[^\s{},"]+|[{},"]')
_NOT_WORDS = frozenset('{},"')
_SPACE = re.compile(r"\s")
#: A quoted string and the whitespace after it; a well-formed outcome; its payoffs (a comma may follow each).
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"\s*', re.DOTALL)
_OUTCOME = re.compile(r'\{\s*"(?:[^"\\]|\\.)*"(?P<payoffs>[^{}"]*)\}\s*', re.DOTALL)
_PAYOFF_LIST = re.compile(r"\s*+(?:[^\s,]++\s*+(?:,\s*+)?)*+")  # possessive: no backtracking
_A_NUMBER = "(a number such as 3, -0.5, 3/2 or 1e-3)"
#: Most players: numpy arrays have at most 64 axes.
_MAX_PLAYERS = 63
#: Longest number read: payoffs are meant for floating point and exact arithmetic, not for digits without end.
_MAX_NUMBER_LENGTH = 1000


# -- tokens -------------------------------------------------------------------------


class _Token(NamedTuple):  # a named tuple: made once per token, so cheap to make
    kind: str  # "lbrace", "rbrace", "comma", "text", "word" or "eof"
    raw: str
    offset: int  # where the token starts in the text

    @property
    def text(self) -> str:
        """The value of a quoted string, with escapes resolved."""
        return _ESCAPE.sub(r"\1", self.raw[1:-1])

    def describe(self) -> str:
        return _describe(self.kind, self.raw)


def _describe(kind: str, raw: str) -> str:
    if kind == "eof":
        return "end of file"
    if kind == "text":
        shown = raw if len(raw) <= 40 else raw[:37] + '..."'
        return f"text {shown}"
    return repr(raw if len(raw) <= 40 else raw[:37] + "...")


def _position(text: str, offset: int) -> str:
    """``line L, column C`` (1-based) of character ``offset`` of ``text``."""
    line = text.count("\n", 0, offset) + 1
    return f"line {line}, column {offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def _tokens(text: str, source: str, start: int = 0) -> Iterator[_Token]:
    """Tokens of ``text`` from character ``start`` on, with their offsets, ending with an ``eof`` token."""
    for match in _TOKEN.finditer(text, start):
        kind = match.lastgroup
        if kind == "open":
            raise GameFormatError(
                f"{source}: {_position(text, match.start())}: "
                "unterminated string: a '\"' opens text that is never closed"
            )
        if kind != "space":
            yield _Token(kind or "", match.group(), match.start())
    yield _Token("eof", "", len(text))


# -- parsing --------------------------------------------------------------------------


@dataclass
class _Header:
    title: str
    players: list[str]
    strategies: list[list[str]] | None  # None when the file gives counts only
    shape: tuple[int, ...]


class _NotAPayoff(Exception):
    """A number that cannot be a payoff (too large, too many digits, dividing by zero); the message says which."""


class _Parser:
    """Recursive-descent reader over the token stream, with one token of look-ahead."""

    def __init__(self, text: str, source: str, exact: bool | None):
        self.text = text
        self.source = source
        self.exact_override = exact
        self.header_exact = True
        self.stream = _tokens(text, source)
        self.token = next(self.stream)
        self.numbers: dict[str, Number] = {}  # each distinct number text is converted once
        self.refused: dict[str, str] = {}  # numbers that cannot be payoffs, and why

    def fail(self, message: str, token: _Token | None = None, *, offset: int | None = None) -> NoReturn:
        at = (token or self.token).offset if offset is None else offset
        raise GameFormatError(f"{self.source}: {_position(self.text, at)}: {message}")

    def line(self, token: _Token) -> int:
        return self.text.count("\n", 0, token.offset) + 1

    def advance(self) -> _Token:
        token, self.token = self.token, next(self.stream, self.token)
        return token

    def expect(self, kind: str, what: str) -> _Token:
        if self.token.kind != kind:
            self.fail(f"expected {what}, found {self.token.describe()}")
        return self.advance()

    def number(self, what: str) -> Number:
        token = self.token
        value = self.value(token.raw) if token.kind == "word" else None
        if value is None:
            self.refuse_number(what)
        self.advance()
        return value

    def refuse_number(self, what: str) -> NoReturn:
        """Fail at the current token, which is not the number expected as ``what``."""
        token = self.token
        if token.kind == "word" and token.raw in self.refused:
            self.fail(self.refused[token.raw])
        self.fail(f"expected {what} {_A_NUMBER}, found {token.describe()}")

    def value(self, raw: str) -> Number | None:
        """The number written ``raw``, or None if it is not a number or cannot be a payoff (see :attr:`refused`)."""
        value = self.numbers.get(raw)
        if value is None and raw not in self.refused:
            match = _NUMBER.fullmatch(raw)
            if match is None:
                return None
            try:
                value = self.numbers[raw] = self.convert(raw, match.group("exp"))
            except _NotAPayoff as err:
                self.refused[raw] = str(err)
        return value

    def convert(self, raw: str, exponent: str | None) -> Number:
        shown = _describe("word", raw)
        digits = (exponent or "").lstrip("+-").lstrip("0")
        if self.header_exact and (len(digits) > 6 or int(digits or 0) > _MAX_EXACT_EXPONENT):
            raise _NotAPayoff(f"the exponent of {shown} is too large to read exactly")
        too_large = f"{shown} has too many digits or is too large to be a payoff"
        if len(raw) > _MAX_NUMBER_LENGTH:
            raise _NotAPayoff(f"{too_large} ({len(raw):,} characters; at most {_MAX_NUMBER_LENGTH:,})")
        try:
            if self.header_exact:
                value: Number = Fraction(raw)
            else:
                value = float(Fraction(raw)) if "/" in raw else float(raw)
            finite = math.isfinite(value)  # an exact payoff too must be a finite float, for the solvers
        except ZeroDivisionError:
            raise _NotAPayoff(f"{shown} divides by zero") from None
        except (OverflowError, ValueError):  # too many digits, or beyond the float range
            finite = False
        if not finite:
            raise _NotAPayoff(too_large)
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
        names = self.labels()
        closing = self.expect("rbrace", "a quoted player name or '}' closing the list of players")
        if not names:
            self.fail("a game needs at least one player; the list of player names is empty", closing)
        if len(names) > _MAX_PLAYERS:
            raise GameTooLargeError(
                f"{self.source}: line {self.line(closing)}: a game of {len(names):,} players; at most {_MAX_PLAYERS} "
                "(its payoffs are an array with one axis for each player and one more)"
            )
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
        names = self.labels()
        closing = self.expect("rbrace", f"a quoted strategy name or '}}' closing player {player + 1}'s strategies")
        if not names:
            self.fail(f"player {player + 1} must have at least one strategy", closing)
        self.check_unique(names, f"strategy names of player {player + 1}", closing)
        return names

    def strategy_count(self, player: int) -> int:
        token = self.token
        count = _integer(token.raw) if token.kind == "word" else None
        if count is None or count < 1:
            self.fail(
                f"expected the number of strategies of player {player + 1}, a positive integer, "
                f"found {token.describe()}"
            )
        if count > 10**_MAX_DIGITS:
            raise GameTooLargeError(
                f"{self.source}: line {self.line(token)}: player {player + 1} is declared to have "
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
            raise GameTooLargeError(f"{self.source}: line {self.line(token)}: {err}") from err

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
        values.extend(self.words(expected, self.numbers, self.value))
        if len(values) < expected:
            if self.token.kind == "eof":
                self.fail(
                    f"expected {expected} payoffs for {n_profiles} profiles x {n_players} players, found {len(values)}"
                )
            self.refuse_number(f"payoff {len(values) + 1} of {expected}")
        return self.as_table(values, n_players)

    def words(self, count: int, known: dict[str, Any], convert: Callable[[str], Any]) -> list[Any]:
        """Up to ``count`` words of the body from the current token on, each converted; a comma may follow each.

        The fast path for the long lists of a file's body: the text is split a chunk
        at a time, no token objects are made, and each distinct word is converted once
        (``known`` holds the words converted so far).  ``convert`` adds a word to
        ``known``, or leaves it out if it is not what is expected: reading stops there,
        as at anything that is not a word.  The token stream is left at the token after
        the last word read (and its comma).
        """
        items: list[Any] = []
        after_word = False
        for base, chunk in _chunks(self.text, self.token.offset):
            words, stop, after_word = _chunk_words(chunk, after_word)
            words = words[: count - len(items)]
            for word in {word for word in words if word not in known}:
                convert(word)
            good = next((k for k, word in enumerate(words) if word not in known), len(words))
            items += [known[word] for word in words[:good]]
            if good < len(words):
                self.resync(base + _word_offset(chunk, good))
                return items
            if len(items) == count:
                self.resync(base + _word_offset(chunk, good - 1) + len(words[-1]) if words else self.token.offset)
                if self.token.kind == "comma":
                    self.advance()
                return items
            if stop is not None:
                self.resync(base + stop)
                return items
        self.resync(len(self.text))
        return items

    def resync(self, offset: int) -> None:
        """Continue the token stream at character ``offset``."""
        self.stream = _tokens(self.text, self.source, offset)
        self.token = next(self.stream)

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

        known: dict[str, int] = {}

        def index(word: str) -> None:
            value = _integer(word)
            if value is not None and value <= n_outcomes:
                known[word] = value

        indices = self.words(n_profiles, known, index)
        if len(indices) < n_profiles:
            if self.token.kind == "eof":
                self.fail(f"expected {n_profiles} outcome indices, one per profile, found {len(indices)}")
            self.fail(
                f"expected the outcome index of profile {len(indices) + 1} of {n_profiles}, an integer from 0 "
                f"(the null outcome) to {n_outcomes}, found {self.token.describe()}"
            )
        return self.as_table(outcomes, n_players)[np.array(indices, dtype=np.intp)]

    def labels(self) -> list[str]:
        """The quoted strings from the current token on (player or strategy names), read a whole run at a time."""
        names = []
        offset = self.token.offset
        for match in _QUOTED.finditer(self.text, offset):
            if match.start() != offset:
                break
            name = match.group(1)
            names.append(_ESCAPE.sub(r"\1", name) if "\\" in name else name)
            offset = match.end()
        self.resync(offset)
        return names

    def outcome_list(self, n_players: int) -> MutableSequence[Any]:
        """Flat payoffs of the null outcome then of each listed outcome, ``n_players`` each."""
        self.expect("lbrace", "'{' opening the list of outcomes")
        values = self.new_values()
        values.extend([Fraction(0) if self.header_exact else 0.0] * n_players)
        self.simple_outcomes(values, n_players)
        while self.token.kind == "lbrace":  # what the fast path left: errors are found and named here
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

    def simple_outcomes(self, values: MutableSequence[Any], n_players: int) -> None:
        """Read the outcomes ``{ "name" p1 p2 ... }`` that are well formed, one regular expression each.

        Stops (moving the token stream there) at the first outcome that is not, for the
        token-by-token reader to read or refuse with its line.
        """
        offset = self.token.offset
        while match := _OUTCOME.match(self.text, offset):
            words = match.group("payoffs").replace(",", " ").split()
            if len(words) != n_players or not _PAYOFF_LIST.fullmatch(match.group("payoffs")):
                break
            converted = [self.value(word) for word in words]
            if any(value is None for value in converted):
                break
            values.extend(converted)
            offset = match.end()
        self.resync(offset)


def _chunks(text: str, start: int, size: int = 1 << 18) -> Iterator[tuple[int, str]]:
    """``text[start:]`` in pieces of about ``size`` characters, each cut at whitespace, with their offsets."""
    while start < len(text):
        end = start + size
        if end < len(text):
            space = _SPACE.search(text, end)
            end = space.start() if space else len(text)
        yield start, text[start:end]
        start = end


def _chunk_words(chunk: str, after_word: bool) -> tuple[list[str], int | None, bool]:
    """The words of ``chunk`` up to the first token that is not a word or a comma after one.

    Returns the words, the offset of that token (None if the chunk has none), and
    whether the chunk ends just after a word (so that a comma may come next).
    """
    tokens = _BODY_TOKEN.findall(chunk)
    if not any(mark in chunk for mark in _NOT_WORDS):
        return tokens, None, bool(tokens) or after_word
    words: list[str] = []
    for match in _BODY_TOKEN.finditer(chunk):
        raw = match.group()
        if raw == "," and after_word:
            after_word = False
        elif raw in _NOT_WORDS:
            return words, match.start(), False
        else:
            words.append(raw)
            after_word = True
    return words, None, after_word


def _word_offset(chunk: str, k: int) -> int:
    """Offset in ``chunk`` of its ``k``-th word (commas and other marks not counted)."""
    seen = 0
    for match in _BODY_TOKEN.finditer(chunk):
        if match.group() not in _NOT_WORDS:
            if seen == k:
                return match.start()
            seen += 1
    raise AssertionError(f"no word {k} in the chunk")  # pragma: no cover - callers count the words


def _integer(raw: str) -> int | None:
    """A non-negative integer word's value (capped just above ``10**_MAX_DIGITS``), else None."""
    match = _COUNT.fullmatch(raw)
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


def read_nfg(
    path_or_file: PathOrFile, *, exact: bool | None = None, encoding: str = "utf-8", max_bytes: int = MAX_NFG_BYTES
) -> Game:
    """Read a game from a Gambit ``.nfg`` file (payoff or outcome version).

    Parameters
    ----------
    path_or_file : str, path-like or file object
        The file's path, or an open file (text or binary).
    exact : bool or None
        See :func:`from_nfg_text`: by default ``NFG 1 R`` files give exact games.
    encoding : str
        Text encoding of the file.
    max_bytes : int
        Largest file read; a path must name a regular file (not a FIFO or a device)
        of at most this size, checked before it is opened.

    Returns
    -------
    Game

    Raises
    ------
    GameFormatError
        If the file is not a well-formed ``.nfg`` game, not text in ``encoding``, or
        not a regular file.
    GameTooLargeError
        If the file holds more than ``max_bytes`` bytes, or the header declares more
        strategy profiles than fit in memory.

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
        content: str | bytes = path_or_file.read(max_bytes + 1)
        if len(content) > max_bytes:
            raise GameTooLargeError(f"{source}: the file holds more than {max_bytes:,} bytes; that is the limit")
    else:
        source = os.fspath(path_or_file)
        try:
            content = read_regular_file(source, max_bytes)
        except FileRefused as err:
            error = GameTooLargeError if isinstance(err, FileTooLarge) else GameFormatError
            raise error(f"{source}: cannot read the game file: {err}") from err
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
        atomic_write(os.fspath(path_or_file), text)
