"""Tests of the Gambit .nfg reader and writer (incentives.readwrite.nfg)."""

from __future__ import annotations

import io
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from incentives.errors import GameFormatError, GameTooLargeError
from incentives.game import Game
from incentives.readwrite.nfg import from_nfg_text, read_nfg, to_nfg_text, write_nfg

DATA = Path(__file__).resolve().parent.parent / "data"
F = Fraction


def exact(values: object) -> np.ndarray:
    """Object array of Fractions, the form of an exact game's payoffs."""
    array = np.asarray(values, dtype=object)
    return np.vectorize(Fraction, otypes=[object])(array)


# -- the data files ------------------------------------------------------------------


def test_prisoners_dilemma_payoff_version_with_names():
    game = read_nfg(DATA / "prisoners_dilemma.nfg")
    assert game.title == "Prisoner's dilemma"
    assert game.players == ("Alice", "Bob")
    assert game.actions == (("cooperate", "defect"), ("cooperate", "defect"))
    assert game.is_exact
    assert np.array_equal(game.payoffs[0], exact([[3, 0], [5, 1]]))
    assert np.array_equal(game.payoffs[1], exact([[3, 5], [0, 1]]))
    assert all(isinstance(v, Fraction) for v in game.payoffs.ravel())


def test_counts_only_payoff_version_reads_every_number_form_exactly():
    game = read_nfg(DATA / "investment_counts.nfg")
    assert game.players == ("Firm", "Bank")
    assert game.actions == (("1", "2"), ("1", "2", "3"))
    assert np.array_equal(game.payoffs[0], exact([[F(1, 2), F(3, 4), F(1, 4)], [F(3, 2), -1, 0]]))
    assert np.array_equal(game.payoffs[1], exact([[F(1, 2), F(1, 4), 10], [-2, 2, F(3, 4)]]))


def test_three_player_outcome_version_with_null_outcome():
    game = read_nfg(DATA / "three_departments_outcome.nfg")
    assert game.title == 'A "three-department" game'
    assert game.players == ("sales", "support", "development")
    assert game.shape == (2, 2, 2)
    boom, steady, churn, null = exact([5, -1, 2]), exact([2, 2, 2]), exact([-3, 1, 0]), exact([0, 0, 0])
    expected = {
        (0, 0, 0): boom,
        (1, 0, 0): steady,
        (0, 1, 0): null,
        (1, 1, 0): steady,
        (0, 0, 1): churn,
        (1, 0, 1): steady,
        (0, 1, 1): null,
        (1, 1, 1): boom,
    }
    for profile, payoffs in expected.items():
        assert np.array_equal(game.payoffs[(slice(None), *profile)], payoffs), profile


def test_gambit_documentation_example_in_both_versions_gives_the_same_game():
    # e02.nfg, the sample file of Gambit's documentation of both versions of the format
    payoff = read_nfg(DATA / "selten_e02_payoff.nfg")
    outcome = read_nfg(DATA / "selten_e02_outcome.nfg")
    assert payoff == outcome
    assert payoff.actions == (("1", "2", "3"), ("1", "2"))
    assert np.array_equal(payoff.payoffs[0], exact([[1, 1], [0, 0], [0, 2]]))
    assert np.array_equal(payoff.payoffs[1], exact([[1, 1], [2, 3], [2, 0]]))


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.nfg")))
@pytest.mark.parametrize("version", ["payoff", "outcome"])
def test_every_data_file_survives_a_round_trip(name, version):
    game = read_nfg(DATA / name)
    assert from_nfg_text(to_nfg_text(game, version=version)) == game


# -- layout and numbers ------------------------------------------------------------


def test_first_players_strategy_changes_fastest_in_three_player_game():
    shape = (2, 3, 2)
    profiles = [(a, b, c) for c in range(2) for b in range(3) for a in range(2)]  # player 1 fastest
    numbers = " ".join(f"{100 * a + 10 * b + c} {-(100 * a + 10 * b + c)} {i}" for i, (a, b, c) in enumerate(profiles))
    game = from_nfg_text(f'NFG 1 R "order" {{ "x" "y" "z" }} {{ 2 3 2 }} {numbers}')
    assert game.shape == shape
    for i, (a, b, c) in enumerate(profiles):
        assert game.payoffs[0, a, b, c] == 100 * a + 10 * b + c
        assert game.payoffs[1, a, b, c] == -(100 * a + 10 * b + c)
        assert game.payoffs[2, a, b, c] == i


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7", F(7)),
        ("-3", F(-3)),
        ("+3", F(3)),
        ("0.1", F(1, 10)),
        (".5", F(1, 2)),
        ("-.25", F(-1, 4)),
        ("2.", F(2)),
        ("3/2", F(3, 2)),
        ("-3/2", F(-3, 2)),
        ("1e-1", F(1, 10)),
        ("1.5E+2", F(150)),
        ("1.e3", F(1000)),
        ("0.333333333333333333333", F(333333333333333333333, 10**21)),
    ],
)
def test_numbers_are_read_exactly(text, value):
    game = from_nfg_text(f'NFG 1 R "" {{ "solo" }} {{ 1 }} {text}')
    payoff = game.payoffs[0, 0]
    assert isinstance(payoff, Fraction)
    assert payoff == value


def test_commas_and_any_whitespace_separate_payoffs():
    game = from_nfg_text('NFG 1 R "" { "a" "b" } { 2 1 }\n\t1,2,\r\n3 ,\v4')
    assert np.array_equal(game.payoffs[:, :, 0], exact([[1, 3], [2, 4]]))


def test_old_d_header_gives_a_float_game():
    game = from_nfg_text('NFG 1 D "" { "a" "b" } { 1 1 } 0.1 3/2')
    assert not game.is_exact
    assert game.payoffs[:, 0, 0].tolist() == [0.1, 1.5]


@pytest.mark.parametrize(("header", "override", "is_exact"), [("R", False, False), ("D", True, True)])
def test_exact_keyword_overrides_the_header(header, override, is_exact):
    game = from_nfg_text(f'NFG 1 {header} "" {{ "a" }} {{ 1 }} 0.1', exact=override)
    assert game.is_exact is is_exact
    assert game.payoffs[0, 0] == (F(1, 10) if is_exact else 0.1)


def test_escaped_quotes_newlines_and_backslashes_in_labels():
    game = from_nfg_text('NFG 1 R "say \\"hi\\"\nnow" { "a\\b" "c\\\\" } { 1 1 } 1 2')
    assert game.title == 'say "hi"\nnow'
    assert game.players == ("a\\b", "c\\")


def test_optional_comment_is_skipped_and_byte_order_mark_is_ignored():
    game = from_nfg_text('\ufeffNFG 1 R "t" { "a" } { 2 } "a comment { 1 2 }" 4 5')
    assert game.payoffs[0].tolist() == [F(4), F(5)]


def test_empty_labels_are_kept():
    game = from_nfg_text('NFG 1 R "" { "" } { { "" "x" } } 1 2')
    assert game.players == ("",)
    assert game.actions == (("", "x"),)


# -- files and file objects --------------------------------------------------------


def test_read_accepts_str_paths_text_and_binary_files():
    path = DATA / "prisoners_dilemma.nfg"
    expected = read_nfg(path)
    assert read_nfg(str(path)) == expected
    with open(path, encoding="utf-8") as text_file:
        assert read_nfg(text_file) == expected
    with open(path, "rb") as binary_file:
        assert read_nfg(binary_file) == expected


def test_errors_name_the_file(tmp_path):
    path = tmp_path / "broken.nfg"
    path.write_text('NFG 1 R "t" { "a" "b" } { 2 2 }\n1 2 3 4\n5 6 7\n', encoding="utf-8")
    with pytest.raises(GameFormatError, match=re.escape(f"{path}: line 4, column 1: expected 8 payoffs")):
        read_nfg(path)
    with open(path, encoding="utf-8") as handle, pytest.raises(GameFormatError, match=re.escape(str(path))):
        read_nfg(handle)


def test_file_that_is_not_utf8_is_refused_with_its_byte_offset():
    with pytest.raises(GameFormatError, match=r"<file>: byte 9: the file is not utf-8 text"):
        read_nfg(io.BytesIO(b'NFG 1 R "\xff" { "a" } { 1 } 1'))
    game = read_nfg(io.BytesIO('NFG 1 R "\xe9" { "a" } { 1 } 1'.encode("latin-1")), encoding="latin-1")
    assert game.title == "\xe9"


def test_write_to_path_and_file_object(tmp_path):
    game = read_nfg(DATA / "three_departments_outcome.nfg")
    for version in ("payoff", "outcome"):
        path = tmp_path / f"{version}.nfg"
        write_nfg(game, path, version=version)
        assert read_nfg(path) == game
        write_nfg(game, str(path), version=version)
        assert read_nfg(str(path)) == game
    buffer = io.StringIO()
    write_nfg(game, buffer)
    assert buffer.getvalue() == to_nfg_text(game)


# -- writing ------------------------------------------------------------------------


def test_exact_game_is_written_with_rationals_under_an_r_header():
    game = Game.from_bimatrix([[F(3, 2), -1], [0, 2]], [[1, F(-1, 3)], [0, 0]], players=("p", "q"))
    text = to_nfg_text(game)
    assert text.startswith('NFG 1 R "" { "p" "q" }\n')
    assert text.strip().splitlines()[-4:] == ["3/2 1", "0 0", "-1 -1/3", "2 0"]


def test_float_game_is_written_with_round_trip_floats_under_a_d_header():
    game = Game.from_bimatrix([[0.1, 1e-300], [2.0, -0.0]], [[1 / 3, 5e300], [0.0, 1.0]])
    text = to_nfg_text(game)
    assert text.startswith("NFG 1 D ")
    assert "0.1 0.3333333333333333" in text
    assert "1e-300 5e+300" in text
    again = from_nfg_text(text)
    assert not again.is_exact
    assert again == game


def test_outcome_version_lists_each_distinct_payoff_vector_once_and_zero_as_null():
    game = Game.from_bimatrix([[1, 0], [1, 2]], [[1, 0], [1, 3]])
    text = to_nfg_text(game, version="outcome")
    assert text.count('{ "" 1, 1 }') == 1
    assert text.strip().splitlines()[-1] == "1 1 0 2"
    assert from_nfg_text(text) == game


def test_labels_with_quotes_and_backslashes_round_trip():
    labels = ('say "no"', "back\\", '\\"', "two\\\\slashes", "new\nline")
    game = Game.from_payoffs(np.zeros((1, 5)), players=["p\\"], actions=[labels], title='"quoted"\\')
    assert from_nfg_text(to_nfg_text(game)) == game


def test_company_value_is_not_written():
    game = Game(
        players=("a", "b"),
        actions=(("x",), ("y", "z")),
        payoffs=np.ones((2, 1, 2)),
        company_value=np.array([[1.0, 2.0]]),
    )
    again = from_nfg_text(to_nfg_text(game))
    assert again.company_value is None
    assert np.array_equal(again.payoffs, game.payoffs)


def test_unknown_version_is_refused():
    game = read_nfg(DATA / "prisoners_dilemma.nfg")
    with pytest.raises(ValueError, match="'version' parameter of to_nfg_text must be 'payoff' or 'outcome'"):
        to_nfg_text(game, version="table")  # type: ignore[arg-type]


# -- malformed input ----------------------------------------------------------------

PD = 'NFG 1 R "pd" { "a" "b" } { 2 2 }\n'
OUT = 'NFG 1 R "o" { "a" "b" } { { "x" "y" } { "z" } }\n'

MALFORMED = [
    # (file text, line, message fragment)
    ("", 1, "expected 'NFG' at the start of a Gambit strategic-form file, found end of file"),
    ('EFG 2 R "tree" { "a" }', 1, "expected 'NFG' at the start"),
    ('{ "a" "b" } { 2 2 } 1 2 3 4 5 6 7 8', 1, "expected 'NFG' at the start"),
    ('NFG 2 R "t" { "a" } { 1 } 1', 1, "expected NFG version 1, found '2'"),
    ('NFG 1 X "t" { "a" } { 1 } 1', 1, "expected the data type 'R'"),
    ('NFG 1 R { "a" } { 1 } 1', 1, "expected the game title"),
    ('NFG 1 R "t" "a" { 1 } 1', 1, "expected '{' opening the list of player names"),
    ('NFG 1 R "t" { "a" 7 } { 1 } 1', 1, "a quoted player name or '}'"),
    ('NFG 1 R "t" { } { } 1', 1, "at least one player"),
    ('NFG 1 R "t" { "a" "a" } { 1 1 } 1 2', 1, "player names must be unique; 'a' appears more than once"),
    ('NFG 1 R "t" { "a" "b" } { 2 }\n1 2 3 4', 1, "number of strategies of player 2, a positive integer, found '}'"),
    ('NFG 1 R "t" { "a" } { 2 2 } 1 2', 1, "'}' closing the strategies of the 1 players, found '2'"),
    ('NFG 1 R "t" { "a" } { 0 } 1', 1, "number of strategies of player 1, a positive integer, found '0'"),
    ('NFG 1 R "t" { "a" } { 2.5 } 1', 1, "a positive integer, found '2.5'"),
    ('NFG 1 R "t" { "a" } { -2 } 1', 1, "a positive integer, found '-2'"),
    ('NFG 1 R "t" { "a" } { { } } 1', 1, "player 1 must have at least one strategy"),
    ('NFG 1 R "t" { "a" } { { "x" "x" } } 1 2', 1, "strategy names of player 1 must be unique"),
    ('NFG 1 R "t" { "a" "b" } { { "x" } } 1 2', 1, "'{' opening the strategy names of player 2"),
    ('NFG 1 R "t" { "a" } { 1 }', 1, "expected the payoffs (numbers) or the '{' opening the list of outcomes"),
    (PD + "3 3 0 5\n5 0 1", 3, "expected 8 payoffs for 4 profiles x 2 players, found 7"),
    (PD + "3 3 0 5\n5 0 1 1 9", 3, "expected end of file after the 8 payoffs (4 profiles x 2 players), found '9'"),
    (PD + "3 3 0 5\n5 0 1 x", 3, "expected payoff 8 of 8 (a number such as 3, -0.5, 3/2 or 1e-3), found 'x'"),
    (PD + "3 3 0 5\n5 0 1 1.2.3", 3, "found '1.2.3'"),
    (PD + "3 3 0 5\n5 0 1 --1", 3, "found '--1'"),
    (PD + "3 3 0 5\n5 0 1 1/2/3", 3, "found '1/2/3'"),
    (PD + "3 3 0 5\n5 0 1 1e", 3, "found '1e'"),
    (PD + "3 3 0 5\n5 0 1 nan", 3, "found 'nan'"),
    (PD + "3 3 0 5\n5 0 1 inf", 3, "found 'inf'"),
    (PD + "3 3 0 5\n5 0 1 1_000", 3, "found '1_000'"),
    (PD + "3 3 0 5\n5 0 1 1/0", 3, "'1/0' divides by zero"),
    (PD + "3 3 0 5\n5 0 1 1e100000", 3, "exponent of '1e100000' is too large to read exactly"),
    (PD + "3 3 0 5\n5 0 1 {", 3, "expected payoff 8 of 8"),
    (PD + "3 3 0 5\n5 0 1 ,, 1", 3, "expected payoff 8 of 8 (a number such as 3, -0.5, 3/2 or 1e-3), found ','"),
    ('NFG 1 R "t" { "a } { 1 } 1', 1, "unterminated string"),
    ('NFG 1 R "t"\n{ "a" }\n{ 1 }\n"comment\n\n', 4, "unterminated string"),
    ('NFG 1 R "t" { "a" } { 1 } "c" "d" 1', 1, "expected the payoffs (numbers) or the '{'"),
    (OUT + '{ { "o1" 1 2 } }\n1 2', 3, "an integer from 0 (the null outcome) to 1, found '2'"),
    (OUT + '{ { "o1" 1 2 } }\n1 -1', 3, "an integer from 0 (the null outcome) to 1, found '-1'"),
    (OUT + '{ { "o1" 1 2 } }\n1 1.0', 3, "outcome index of profile 2 of 2"),
    (OUT + '{ { "o1" 1 2 } }\n1', 3, "expected 2 outcome indices, one per profile, found 1"),
    (OUT + '{ { "o1" 1 2 } }\n1 1 1', 3, "expected end of file after the 2 outcome indices (one per profile)"),
    (
        OUT + '{ { "o1" 1 2 3 } }\n1 1',
        2,
        "expected '}' closing outcome 1 after its 2 payoffs (one per player), found '3'",
    ),
    (OUT + '{ { "o1" 1 } }\n1 1', 2, "expected payoff 2 of 2 in outcome 1"),
    (OUT + "{ { 1 2 } }\n1 1", 2, "expected the quoted name of outcome 1, found '1'"),
    (OUT + '{ { "o1" 1 2 }\n1 1', 3, "expected '{' opening another outcome or '}' closing the list of outcomes"),
    (OUT + '{ { "o1" 1 2 } { "o2" x 2 } }\n1 2', 2, "expected payoff 1 of 2 in outcome 2"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), MALFORMED)
def test_malformed_input_is_refused_with_line_and_expectation(text, line, fragment):
    with pytest.raises(GameFormatError) as info:
        from_nfg_text(text, source="bad.nfg")
    message = str(info.value)
    assert message.startswith(f"bad.nfg: line {line}, column "), message
    assert fragment in message, message


def test_error_column_points_at_the_offending_token():
    with pytest.raises(GameFormatError, match=r"^s: line 2, column 5: expected payoff 2 of 2"):
        from_nfg_text('NFG 1 R "t" { "a" } { 2 }\n  1 oops', source="s")


def test_header_claiming_a_trillion_profiles_is_refused_before_reading_payoffs():
    text = 'NFG 1 R "huge" { "a" "b" } { 1000000 1000000 }\n1 2 3'
    with pytest.raises(GameTooLargeError, match=r"^big.nfg: line 1: .*1,000,000,000,000 profiles.*TiB"):
        from_nfg_text(text, source="big.nfg")


def test_absurd_strategy_count_is_refused_without_parsing_it():
    with pytest.raises(GameTooLargeError, match="player 1 is declared to have"):
        from_nfg_text('NFG 1 R "" { "a" } { ' + "9" * 10_000 + " } 1")


@pytest.mark.parametrize(
    ("number", "exact", "fragment"),
    [
        ("7" * 10_000, True, "too many digits"),
        ("7" * 10_000, False, "too large to be a payoff"),
        ("1/" + "3" * 10_000, False, "too many digits"),
        ("1e" + "9" * 10_000, True, "exponent of '1e999"),
        ("1e400", False, "'1e400' has too many digits or is too large to be a payoff"),
    ],
)
def test_numbers_too_large_to_hold_are_refused(number, exact, fragment):
    with pytest.raises(GameFormatError, match=re.escape(fragment)):
        from_nfg_text('NFG 1 R "" { "a" } { 1 } ' + number, exact=exact)


def test_nothing_in_the_file_is_evaluated():
    with pytest.raises(GameFormatError, match="found '__import__"):
        from_nfg_text('NFG 1 R "" { "a" } { 1 } __import__("os").system("false")')


# -- properties ------------------------------------------------------------------------

label = st.text(alphabet=st.characters(codec="utf-8"), max_size=6)
exact_payoff = st.fractions(min_value=-1000, max_value=1000, max_denominator=50)
float_payoff = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def games(draw: st.DrawFn, *, exact_payoffs: bool) -> Game:
    shape = draw(st.lists(st.integers(1, 4), min_size=2, max_size=3))
    n = len(shape)
    players = draw(st.lists(label, min_size=n, max_size=n, unique=True))
    actions = [draw(st.lists(label, min_size=k, max_size=k, unique=True)) for k in shape]
    count = n * int(np.prod(shape))
    values = draw(st.lists(exact_payoff if exact_payoffs else float_payoff, min_size=count, max_size=count))
    payoffs = np.empty(count, dtype=object if exact_payoffs else float)
    payoffs[:] = values
    title = draw(label)
    return Game(
        players=tuple(players),
        actions=tuple(tuple(a) for a in actions),
        payoffs=payoffs.reshape(n, *shape),
        title=title,
    )


@settings(max_examples=150, deadline=None)
@given(
    game=st.one_of(games(exact_payoffs=True), games(exact_payoffs=False)),
    version=st.sampled_from(["payoff", "outcome"]),
)
def test_write_then_read_gives_an_equal_game(game, version):
    again = from_nfg_text(to_nfg_text(game, version=version))
    assert again == game
    assert again.is_exact == game.is_exact
    if game.is_exact:
        assert all(isinstance(v, Fraction) for v in again.payoffs.ravel())


@settings(max_examples=100, deadline=None)
@given(game=games(exact_payoffs=True), data=st.data())
def test_any_truncation_of_a_valid_file_is_refused_cleanly(game, data):
    text = to_nfg_text(game, version=data.draw(st.sampled_from(["payoff", "outcome"])))
    cut = data.draw(st.integers(0, len(text.rstrip()) - 1))
    try:
        truncated = from_nfg_text(text[:cut])
    except GameFormatError:
        return
    # a cut inside the last number can still leave a well-formed file, with a different last payoff
    assert truncated.players == game.players and truncated.actions == game.actions


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(max_size=80), st.text(alphabet='NFG1R "{}ab,-./0123456789e\\\n', max_size=80)))
def test_arbitrary_text_gives_a_game_or_a_format_error(text):
    try:
        game = from_nfg_text(text)
    except (GameFormatError, GameTooLargeError):
        return
    assert isinstance(game, Game)


# -- hostile and oversized files ----------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "exact", "fragment"),
    [
        ("1e1000", True, "'1e1000' has too many digits or is too large to be a payoff"),
        ("-1e309", True, "'-1e309' has too many digits or is too large to be a payoff"),
        ("1e309", False, "'1e309' has too many digits or is too large to be a payoff"),
        ("1" * 1001, True, "(1,001 characters; at most 1,000)"),
    ],
)
def test_payoffs_must_be_finite_floats_named_with_their_line(number, exact, fragment):
    with pytest.raises(GameFormatError) as info:
        from_nfg_text('NFG 1 R "" { "a" "b" } { 2 1 }\n1 2\n3 ' + number, exact=exact, source="x.nfg")
    assert str(info.value).startswith("x.nfg: line 3, column 3: ") and fragment in str(info.value)


def test_exact_payoffs_as_large_as_floats_allow_are_read():
    game = from_nfg_text('NFG 1 R "" { "a" } { 2 } 1e308 -1e-1000')
    assert game.payoffs[0].tolist() == [Fraction(10) ** 308, -Fraction(1, 10**1000)]


def test_too_many_players_is_refused_before_any_array():
    players = " ".join(f'"p{i}"' for i in range(64))
    with pytest.raises(GameTooLargeError, match="a game of 64 players; at most 63"):
        from_nfg_text(f'NFG 1 R "" {{ {players} }} {{ {"1 " * 64}}} ' + "1 " * 64)


def test_files_larger_than_the_limit_are_refused_before_reading(tmp_path):
    path = tmp_path / "g.nfg"
    path.write_text('NFG 1 R "" { "a" } { 2 } 1 2')
    size = len(path.read_bytes())
    assert read_nfg(path, max_bytes=size).shape == (2,)
    message = f"g.nfg: cannot read the game file: the file is {size} bytes; the limit is {size - 1}"
    with pytest.raises(GameTooLargeError, match=re.escape(message)):
        read_nfg(path, max_bytes=size - 1)
    with open(path, "rb") as handle, pytest.raises(GameTooLargeError, match="more than 10 bytes"):
        read_nfg(handle, max_bytes=10)


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_a_device_is_refused_without_reading(tmp_path):
    import os

    from tests.fuzz.isolate import run_isolated

    fifo, device = tmp_path / "f.nfg", tmp_path / "z.nfg"
    os.mkfifo(fifo)
    device.symlink_to("/dev/zero")
    for path, kind in ((fifo, "a FIFO (named pipe)"), (device, "a character device")):
        outcome = run_isolated(lambda path=path: read_nfg(path), timeout=20)
        assert outcome.status == "clean" and f"it is {kind}, not a regular file" in outcome.detail, outcome


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_a_long_body_read_in_chunks_equals_the_payoffs_written(data):
    # a body of several chunks, with commas and newlines wherever a separator may go: the oracle is
    # the list of numbers written
    rows, columns = data.draw(st.integers(150, 260)), data.draw(st.integers(150, 260))
    count = 2 * rows * columns
    numbers = data.draw(arrays(np.int64, count, elements=st.integers(-999, 999)))
    separators = data.draw(st.lists(st.sampled_from([" ", "\n", ", ", ",\n", "\t "]), min_size=3, max_size=3))
    body = "".join(f"{n}{separators[k % 3]}" for k, n in enumerate(numbers.tolist()))
    game = from_nfg_text(f'NFG 1 D "" {{ "a" "b" }} {{ {rows} {columns} }}\n' + body)
    expected = numbers.astype(float).reshape(rows * columns, 2)
    assert np.array_equal(game.payoffs[0].ravel(order="F"), expected[:, 0])
    assert np.array_equal(game.payoffs[1].ravel(order="F"), expected[:, 1])


def test_an_error_deep_in_a_long_body_names_its_line_and_column():
    body = "\n".join(" ".join(["7"] * 20) for _ in range(20_000))  # 400,000 payoffs over several chunks
    lines = body.split("\n")
    lines[15_000] = lines[15_000][:6] + "x" + lines[15_000][7:]
    with pytest.raises(GameFormatError, match=r"^b: line 15002, column 7: expected payoff 300004 of 400000"):
        from_nfg_text('NFG 1 D "" { "a" "b" } { 400 500 }\n' + "\n".join(lines), source="b")
