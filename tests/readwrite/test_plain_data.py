"""Bounded reading of model files: regular files only; limits on depth, size and numbers; tags and merge keys."""

from __future__ import annotations

import json
import os
import re
import string

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import incentives as inc
from incentives.errors import ModelError
from incentives.readwrite._files import FileRefused, FileTooLarge, read_regular_file
from incentives.readwrite._plain_data import MAX_DEPTH, MAX_NODES, parse_json, parse_yaml
from incentives.readwrite.model_file import MAX_MODEL_BYTES, loads_model
from tests.fuzz.isolate import run_isolated

GOOD = """\
name: Two departments
parameters: {price: 10}
departments:
  sales: {actions: {careful: {deals: 2}, pushy: {deals: 4}}}
  support: {actions: {thorough: {speed: 1}, fast: {speed: 2}}}
kpis:
  revenue: price * sales.deals
company_value: revenue - 3 * support.speed
bonus:
  sales: {revenue: 0.1}
"""


def only_problem(text: str, fmt: str = "yaml") -> inc.Problem:
    with pytest.raises(ModelError) as info:
        loads_model(text, format=fmt, source="m")
    assert len(info.value.problems) == 1, info.value
    return info.value.problems[0]


# -- files ------------------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda p: os.mkfifo(p), "a FIFO (named pipe), not a regular file"),
        (lambda p: p.symlink_to("/dev/zero"), "a character device, not a regular file"),
        (lambda p: p.symlink_to("/dev/urandom"), "a character device, not a regular file"),
        (lambda p: p.mkdir(), "a folder, not a regular file"),
        (lambda p: p.symlink_to(p.parent / "missing"), "No such file or directory"),
    ],
)
def test_special_files_are_refused_without_reading(tmp_path, make, fragment):
    path = tmp_path / "model.yaml"
    make(path)

    def load() -> None:
        inc.load_model(path)

    outcome = run_isolated(load, timeout=20)  # reading a FIFO or /dev/zero would hang, not fail
    assert outcome.status == "clean", outcome
    assert f"{path}: 1 problem" in outcome.detail and fragment in outcome.detail, outcome.detail
    with pytest.raises(FileRefused, match=re.escape(fragment)):
        read_regular_file(path, 100)


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.yaml"
    with open(path, "wb") as handle:
        handle.truncate(MAX_MODEL_BYTES + 1)  # sparse: nothing to read, the size alone refuses it
    with pytest.raises(
        ModelError, match=f"the file is {MAX_MODEL_BYTES + 1:,} bytes; the limit is {MAX_MODEL_BYTES:,}"
    ):
        inc.load_model(path)
    with pytest.raises(FileTooLarge):
        read_regular_file(path, MAX_MODEL_BYTES)
    assert read_regular_file(path, MAX_MODEL_BYTES + 1) == bytes(MAX_MODEL_BYTES + 1)


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_bytes(b"name: x\ndescription: caf\xe9\n")
    with pytest.raises(ModelError, match="line 2, <model>: the file is not UTF-8 text"):
        inc.load_model(path)


# -- depth and size ---------------------------------------------------------------------------------


def nested(depth: int) -> object:
    value: object = 1
    for k in range(depth):
        value = [value] if k % 2 else {"k": value}
    return value


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_nesting_is_limited_and_refused_with_its_line(fmt):
    at_limit = {"name": "x", "departments": nested(MAX_DEPTH - 1)}
    text = json.dumps(at_limit, indent=1) if fmt == "json" else yaml.safe_dump(at_limit)
    data = parse_json(text, "m") if fmt == "json" else parse_yaml(text, "m")[0]
    assert data == at_limit  # the oracle: json.loads and yaml.safe_load read it the same
    too_deep = {"name": "x", "departments": nested(MAX_DEPTH)}
    text = json.dumps(too_deep, indent=1) if fmt == "json" else yaml.safe_dump(too_deep)
    problem = only_problem(text, fmt)
    assert f"nested more than {MAX_DEPTH} levels deep" in problem.message
    assert problem.line == {"json": 18, "yaml": 9}[fmt]  # where the first level too deep opens


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("[" * 100_000 + "]" * 100_000, "json"),
        ('{"a": ' * 50_000 + "1" + "}" * 50_000, "json"),
        ("a: " + "[" * 100_000 + "]" * 100_000, "yaml"),
        ("a: " + "{b: " * 10_000 + "1" + "}" * 10_000, "yaml"),
        ("".join("  " * i + f"k{i}:\n" for i in range(2000)), "yaml"),
        ("".join("  " * i + "-\n" for i in range(2000)), "yaml"),
    ],
)
def test_deep_input_is_a_model_error_not_a_recursion_error(text, fmt):
    problem = only_problem(text, fmt)
    assert "nest" in problem.message and problem.line is not None


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_number_of_values_is_limited(fmt):
    data = {"name": "x", "parameters": {f"p{i}": i for i in range(MAX_NODES)}}
    text = json.dumps(data, indent=0) if fmt == "json" else yaml.safe_dump(data)
    problem = only_problem(text, fmt)
    assert f"more than {MAX_NODES:,} values and keys" in problem.message and problem.line > 1000


# -- numbers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("literal", "fmt", "fragment"),
    [
        ("9" * 4301, "yaml", "a number of 4,301 characters; numbers are limited to 4,300"),
        ("9" * 4301, "json", "a number of 4,301 characters; numbers are limited to 4,300"),
        ("-" + "9" * 5000, "json", "a number of 5,001 characters"),
        ("0x" + "f" * 4000, "yaml", "an integer of more than 4,300 digits"),
        (":".join(["59"] * 3000), "yaml", "a number of 8,999 characters"),
        ("9" * 101, "yaml", "the number has more than 100 digits"),
    ],
)
def test_long_integers_are_refused_with_their_line(literal, fmt, fragment):
    text = (
        '{"name": "x",\n "parameters": {"p": ' + literal + "}}"
        if fmt == "json"
        else f"name: x\nparameters:\n  p: {literal}\n"
    )
    with pytest.raises(ModelError) as info:
        loads_model(text, format=fmt, source="m")
    assert any(fragment in p.message and p.line in (None, 2, 3) for p in info.value.problems), info.value
    assert any(p.line is not None for p in info.value.problems if fragment in p.message), info.value


# -- tags, merge keys, aliases, dates -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("name: !!int abc", "'abc' is not a valid !!int value"),
        ("name: !!float x1", "'x1' is not a valid !!float value"),
        ("name: !!bool maybe", "'maybe' is not a valid !!bool value"),
        ("name: !!null x", "'x' is not a valid !!null value"),
        ("name: !!timestamp nope", "unsupported YAML tag '!!timestamp'"),
        ("name: !!timestamp 2001-12-14", "unsupported YAML tag '!!timestamp'"),
        ("name: 2001-12-14", "the value '2001-12-14' reads as a date; quote it to make it text"),
        ("2001-12-14: x", "the key '2001-12-14' reads as a date"),
        ("!!int abc: 1", "'abc' is not a valid !!int key"),
        ("!foo name: x", "unsupported YAML tag '!foo'"),
        ("!!python/name:os.system name: x", "unsupported YAML tag '!!python/name:os.system'"),
        ("name: !!python/object/apply:os.system ['true']", "unsupported YAML tag '!!python/object/apply:os.system'"),
        ("name: !!binary aGVsbG8=", "unsupported YAML tag '!!binary'"),
        ("name: !!set {a, b}", "unsupported YAML tag '!!set'"),
        ("<<: {x: 1}", "merge keys (<<) are not supported in model files; write the keys out"),
        ("name: *nothing", "anchors and aliases (& and *) are not supported"),
    ],
)
def test_tags_dates_and_merge_keys_are_refused_with_their_line(line, fragment):
    problem = only_problem(f"description: d\n{line}\n")
    assert fragment in problem.message and problem.line == 2, problem


def test_a_merge_of_an_anchor_is_one_problem():
    problem = only_problem("base: &b {name: x}\n<<: *b\n")
    assert problem.message.startswith("merge keys") and problem.line == 2


def test_core_tags_with_valid_values_keep_their_meaning():
    data, _ = parse_yaml(
        "a: !!str 123\nb: !!float 1\nc: !!int '12'\nd: !!bool yes\ne: !!null ~\nf: !!map {x: 1}\n", "m"
    )
    assert data == {"a": "123", "b": 1.0, "c": 12, "d": True, "e": None, "f": {"x": 1}}
    assert type(data["b"]) is float


def test_aliases_are_refused_but_an_anchor_alone_is_harmless():
    assert parse_yaml("a: &x 1\nb: 2\n", "m")[0] == {"a": 1, "b": 2}
    problem = only_problem("a: &x 1\nb: *x\n")
    assert "aliases" in problem.message and problem.line == 2


def test_a_control_character_is_refused_with_its_line():
    problem = only_problem("name: é\ndescription: é\nkpis: x\x0b\n")
    assert problem.line == 3 and "control characters are not allowed: character #x000b" in problem.message


def test_one_document_only_and_no_lone_surrogates():
    assert "one YAML document" in only_problem(GOOD + "---\n" + GOOD).message
    assert "lone surrogate" in only_problem("name: \ud800\n").message


def test_lines_of_fields_are_recorded():
    _, lines = parse_yaml(GOOD, "m")
    assert lines["departments.support.actions.fast"] == 5
    assert lines["bonus.sales.revenue"] == 10


# -- properties ---------------------------------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False),
    st.text(string.ascii_letters + string.digits + " .*+-/()_", max_size=20),
)
KEYS = st.one_of(
    st.sampled_from(["name", "parameters", "departments", "actions", "kpis", "bonus", "costs", "events", "variables"]),
    st.text(string.ascii_letters + "_", min_size=1, max_size=8),
)
PLAIN = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4), max_leaves=40
)


@settings(max_examples=200, deadline=None)
@given(PLAIN)
def test_plain_data_reads_as_pyyaml_and_json_read_it(data):
    for fmt, text in (("json", json.dumps(data)), ("yaml", yaml.safe_dump(data))):
        try:
            got = parse_json(text, "m") if fmt == "json" else parse_yaml(text, "m")[0]
        except ModelError as err:
            assert "nested more than" in str(err) or "values and keys" in str(err), err
            continue
        assert got == (json.loads(text) if fmt == "json" else yaml.safe_load(text))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(KEYS, PLAIN, max_size=6), st.sampled_from(["yaml", "json"]))
def test_any_plain_data_loads_or_is_a_model_error(data, fmt):
    text = json.dumps(data) if fmt == "json" else yaml.safe_dump(data)
    try:
        org = loads_model(text, format=fmt)
    except ModelError:
        return
    assert isinstance(org, inc.Organization)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["yaml", "json"]))
def test_any_text_loads_or_is_a_model_error(text, fmt):
    try:
        loads_model(text, format=fmt)
    except ModelError:
        pass
