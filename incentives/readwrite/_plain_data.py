"""YAML and JSON text to plain data (dicts, lists, text, numbers), within limits, with the line of every field.

A model file is untrusted data, so reading one is bounded before a model is built:

* at most :data:`MAX_DEPTH` levels of mappings and lists (a model needs 5), checked
  while the YAML events arrive and, for JSON, by a scan of the brackets before
  :func:`json.loads` runs (whose recursion would otherwise fail on deep input);
* at most :data:`MAX_NODES` values and keys in all;
* integers and decimals of at most :data:`MAX_NUMBER_CHARACTERS` characters (Python's
  limit on converting digits to an integer), refused with their line before any
  conversion.

YAML is parsed by PyYAML's event API (libyaml when it is installed) and composed
here into plain data, one event at a time, so nesting and size are checked before
any recursion or construction.  The meaning of YAML is kept on purpose for the
core scalar tags ``!!str``, ``!!int``, ``!!float``, ``!!bool`` and ``!!null``, and
for ``!!map`` and ``!!seq``: a value given one of these tags must be a valid value
of it.  Everything else is refused with the line: aliases (``*name``), merge keys
(``<<``), dates, and every other tag (``!custom``, ``!!python/...``, ``!!binary``,
``!!set``, ``!!omap``, ...).  Nothing here constructs an object that is not plain data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, NoReturn

import yaml

from ..errors import ModelError, Problem

__all__ = ["MAX_DEPTH", "MAX_NODES", "MAX_NUMBER_CHARACTERS", "parse_json", "parse_yaml"]

#: Most levels of mappings and lists in a model file (a model needs 5: departments.NAME.actions.ACTION.VARIABLE).
MAX_DEPTH = 16
#: Most values and keys in a model file.
MAX_NODES = 20_000
#: Longest number literal: Python's default limit on the digits of an integer read from text.
MAX_NUMBER_CHARACTERS = 4300

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{name}" for name in ("str", "int", "float", "bool", "null")}
_NUMBER_TAGS = {f"{_CORE}int", f"{_CORE}float"}
_SHAPE = f"a model needs 5 (departments.NAME.actions.ACTION.VARIABLE) and model files are limited to {MAX_DEPTH}"


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


def _refused(source: str, line: int | None, message: str, path: str = "") -> NoReturn:
    raise ModelError([Problem(path=path, message=message, line=line)], source)


# -- YAML -----------------------------------------------------------------------------------------


def parse_yaml(text: str, source: str) -> tuple[Any, dict[str, int]]:
    """Plain data of one YAML document and the line of each field path (``"departments.sales"``).

    Raises
    ------
    ModelError
        For malformed YAML, nesting or size beyond the limits, aliases, merge keys,
        dates, tags other than the core ones, and values that are not valid for their
        tag; every problem with its line.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        line = text.count("\n", 0, err.start) + 1
        _refused(source, line, "the text holds a character that is not valid Unicode (a lone surrogate)")
    reader = _YamlReader(text, source)
    try:
        data = reader.document()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        what = f"{err.problem}" + (f" {err.context}" if err.context else "")
        _refused(source, mark.line + 1 if mark is not None else None, f"malformed YAML: {what}")
    except yaml.reader.ReaderError as err:
        # libyaml counts bytes of the UTF-8 text, the pure-Python reader characters
        if _LOADER is yaml.SafeLoader:
            line = text.count("\n", 0, err.position) + 1
        else:
            line = text.encode().count(b"\n", 0, err.position) + 1
        code = err.character if isinstance(err.character, int) else ord(str(err.character)[:1] or "\0")
        _refused(source, line, f"malformed YAML: {err.reason}: character #x{code:04x}")
    except yaml.YAMLError as err:
        _refused(source, None, f"malformed YAML: {err}")
    finally:
        reader.loader.dispose()
    if reader.problems:
        raise ModelError(reader.problems, source)
    return data, reader.lines


class _YamlReader:
    """Composes PyYAML's events into plain data, checking depth, size, aliases and tags as they come."""

    def __init__(self, text: str, source: str) -> None:
        self.loader = _LOADER(text)
        self.source = source
        self.lines: dict[str, int] = {}
        self.problems: list[Problem] = []
        self.nodes = 0

    def problem(self, event: Any, path: str, message: str) -> None:
        self.problems.append(Problem(path=path, message=message, line=_line(event)))

    def document(self) -> Any:
        self.loader.get_event()  # stream start
        if self.loader.check_event(yaml.StreamEndEvent):
            _refused(self.source, None, "the file is empty; expected a model")
        self.loader.get_event()  # document start
        data = self.value("", 1)
        self.loader.get_event()  # document end
        if not self.loader.check_event(yaml.StreamEndEvent):
            extra = self.loader.peek_event()
            _refused(self.source, _line(extra), "a model file holds one YAML document; found another")
        return data

    def next_node(self, depth: int) -> Any:
        event = self.loader.get_event()
        self.nodes += 1
        line = _line(event)
        if self.nodes > MAX_NODES:
            _refused(self.source, line, f"the file holds more than {MAX_NODES:,} values and keys; that is the limit")
        if depth > MAX_DEPTH and isinstance(event, yaml.CollectionStartEvent):
            _refused(self.source, line, f"mappings and lists nested more than {MAX_DEPTH} levels deep; {_SHAPE}")
        return event

    def value(self, path: str, depth: int) -> Any:
        event = self.next_node(depth)
        self.lines.setdefault(path, _line(event))
        if isinstance(event, yaml.AliasEvent):
            self.problem(event, path, "anchors and aliases (& and *) are not supported in model files")
            return None
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event, path)[1]
        expected = f"{_CORE}seq" if isinstance(event, yaml.SequenceStartEvent) else f"{_CORE}map"
        plain = event.tag in (None, "!", expected)
        if not plain:
            self.problem(event, path, f"unsupported YAML tag {_short_tag(event.tag)!r}: a model file holds plain data")
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            while not self.loader.check_event(yaml.SequenceEndEvent):
                items.append(self.value(f"{path}.{len(items)}", depth + 1))
            self.loader.get_event()
            return items if plain else None
        mapping = self.mapping(path, depth)
        return mapping if plain else None

    def mapping(self, path: str, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        while not self.loader.check_event(yaml.MappingEndEvent):
            key_event = self.loader.peek_event()
            if isinstance(key_event, yaml.ScalarEvent):
                self.next_node(depth + 1)
                usable, key = self.scalar(key_event, path, key=True)
            else:
                self.problem(key_event, path, "a key must be a name, not a list, a mapping or an alias")
                self.value(f"{path}.?", depth + 1)
                usable, key = False, None
            child = (f"{path}.{key}" if path else str(key)) if usable else path
            if usable and key in out:
                self.problem(key_event, child, f"duplicate key {key!r}")
                usable = False
            if usable:
                self.lines[child] = _line(key_event)
            known = len(self.problems)
            value = self.value(child, depth + 1)
            if usable:
                out[key] = value
            elif self.problems[known - 1].message.startswith("merge keys"):
                del self.problems[known:]  # what a merge key merges (an alias, usually) needs no second message
        self.loader.get_event()
        return out

    def scalar(self, event: Any, path: str, *, key: bool = False) -> tuple[bool, Any]:
        """Whether the scalar is usable, and its value (None if not)."""
        explicit = event.tag not in (None, "!")
        tag = event.tag if explicit else self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        where = "key" if key else "value"
        if tag == f"{_CORE}merge":
            self.problem(event, path, "merge keys (<<) are not supported in model files; write the keys out")
            return False, None
        if tag == f"{_CORE}timestamp" and not explicit:
            self.problem(event, path, f"the {where} {_shown(event.value)} reads as a date; quote it to make it text")
            return False, None
        if tag not in _SCALAR_TAGS:
            self.problem(event, path, f"unsupported YAML tag {_short_tag(tag)!r}: a model file holds plain data")
            return False, None
        if tag in _NUMBER_TAGS and len(event.value) > MAX_NUMBER_CHARACTERS:
            self.problem(
                event,
                path,
                f"a number of {len(event.value):,} characters; numbers are limited to {MAX_NUMBER_CHARACTERS:,}",
            )
            return False, None
        if explicit and not self.valid_for(tag, event.value):
            self.problem(event, path, f"{_shown(event.value)} is not a valid {_short_tag(tag)} {where}")
            return False, None
        value = self.construct(tag, event)
        if isinstance(value, int) and not isinstance(value, bool) and _too_many_digits(value):
            self.problem(event, path, f"an integer of more than {MAX_NUMBER_CHARACTERS:,} digits; that is the limit")
            return False, None
        return True, value

    def valid_for(self, tag: str, value: str) -> bool:
        """Whether ``value``, written without a tag, would read as ``tag`` (an int is a valid float too)."""
        if tag == f"{_CORE}str":
            return True
        plain = self.loader.resolve(yaml.ScalarNode, value, (True, False))
        return plain == tag or (tag == f"{_CORE}float" and plain == f"{_CORE}int")

    def construct(self, tag: str, event: Any) -> Any:
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        constructor: Callable[[Any, yaml.Node], Any] = self.loader.yaml_constructors[tag]
        return constructor(self.loader, node)


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _too_many_digits(value: int) -> bool:
    # 10**4300 needs 14,284 bits; hexadecimal and sexagesimal integers get past the text limit otherwise
    return abs(value).bit_length() > MAX_NUMBER_CHARACTERS * 3.33


# -- JSON -----------------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(
    r"""
    (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<open>[\[{])
  | (?P<close>[\]}])
  | (?P<number>-?[0-9][0-9.eE+-]*)
  | (?P<word>true|false|null|NaN|-?Infinity)
    """,
    re.VERBOSE | re.DOTALL,
)


def parse_json(text: str, source: str) -> Any:
    """Plain data of a JSON document, after a scan that enforces the limits (see the module docstring).

    Raises
    ------
    ModelError
        For malformed JSON (with the line), nesting or size beyond the limits, long
        numbers, and duplicate keys.
    """
    _scan_json(text, source)

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            _refused(source, None, f"duplicate key(s) {dup} in one JSON object")
        return dict(pairs)

    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as err:
        _refused(source, err.lineno, f"malformed JSON: {err.msg} (column {err.colno})")
    except (ValueError, RecursionError) as err:  # the scan should have caught these; never a traceback
        _refused(source, None, f"malformed JSON: {err}")


def _scan_json(text: str, source: str) -> None:
    """Refuse JSON text nested too deeply, with too many values or with a number too long, before parsing it."""
    depth = nodes = 0
    for match in _JSON_TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "close":
            depth = max(depth - 1, 0)
            continue
        nodes += 1
        if nodes > MAX_NODES:
            message = f"the file holds more than {MAX_NODES:,} values and keys; that is the limit"
        elif kind == "open" and depth + 1 > MAX_DEPTH:
            message = f"arrays and objects nested more than {MAX_DEPTH} levels deep; {_SHAPE}"
        elif kind == "number" and len(match.group()) > MAX_NUMBER_CHARACTERS:
            length = len(match.group())
            message = f"a number of {length:,} characters; numbers are limited to {MAX_NUMBER_CHARACTERS:,}"
        else:
            depth += kind == "open"
            continue
        _refused(source, text.count("\n", 0, match.start()) + 1, message)
