"""Model files: YAML or JSON text to :class:`~incentives.model.Organization`, and back.

A model file is data.  YAML is read with PyYAML's safe loader (no tags that
build objects), anchors and aliases are refused, and formulas go through the
restricted parser of :mod:`incentives.formula`, so loading a model never
executes code from it.  Errors name the file, the field path and, for YAML, the
line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from ..errors import ModelError, Problem
from ..model import Organization
from ..model_dict import organization_from_dict, organization_to_dict

__all__ = ["MAX_MODEL_BYTES", "dumps_model", "load_model", "loads_model", "save_model"]

#: Largest model file read, in bytes; larger files are refused before reading.
MAX_MODEL_BYTES = 5 * 1024 * 1024


def load_model(path: str | os.PathLike[str]) -> Organization:
    """Read an organisation from a YAML (``.yaml``/``.yml``) or JSON (``.json``) model file.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    Organization

    Raises
    ------
    ModelError
        If the file cannot be read or the model is invalid; every problem is listed,
        each with its field path and, for YAML, its line.

    Examples
    --------
    >>> import incentives as inc
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> org.department_names
    ('sales', 'support', 'development', 'operations')
    """
    path = Path(path)
    source = str(path)
    try:
        size = path.stat().st_size
    except OSError as err:
        raise ModelError([Problem(path="", message=f"cannot read the model file: {err.strerror}")], source) from err
    if size > MAX_MODEL_BYTES:
        raise ModelError(
            [Problem(path="", message=f"the file is {size:,} bytes; model files are limited to {MAX_MODEL_BYTES:,}")],
            source,
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ModelError([Problem(path="", message=f"the file is not UTF-8 text ({err.reason})")], source) from err
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    return loads_model(text, format=fmt, source=source)


def loads_model(text: str, *, format: str = "yaml", source: str = "<string>") -> Organization:
    """Read an organisation from YAML or JSON text (see :func:`load_model`)."""
    if format == "json":
        data, lines = _parse_json(text, source), None
    elif format == "yaml":
        data, lines = _parse_yaml(text, source)
    else:
        raise ValueError(f"The 'format' parameter of loads_model must be 'yaml' or 'json'. Got {format!r} instead.")
    return organization_from_dict(data, source=source, lines=lines)


def _parse_json(text: str, source: str) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise ModelError([Problem(path="", message=f"duplicate key(s) {dup} in one JSON object")], source)
        return dict(pairs)

    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as err:
        raise ModelError(
            [Problem(path="", message=f"malformed JSON: {err.msg} (column {err.colno})", line=err.lineno)], source
        ) from err


def _parse_yaml(text: str, source: str) -> tuple[Any, dict[str, int]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        line = mark.line + 1 if mark is not None else None
        what = f"{err.problem}" + (f" {err.context}" if err.context else "")
        raise ModelError([Problem(path="", message=f"malformed YAML: {what}", line=line)], source) from err
    except yaml.YAMLError as err:
        raise ModelError([Problem(path="", message=f"malformed YAML: {err}")], source) from err
    if node is None:
        raise ModelError([Problem(path="", message="the file is empty; expected a model")], source)
    walker = _Walker()
    data = walker.plain(node, "")
    if walker.problems:
        raise ModelError(walker.problems, source)
    return data, walker.lines


_PLAIN_TAGS = {
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


class _Walker:
    """Turns composed YAML nodes into plain data, recording the line of every field path."""

    def __init__(self) -> None:
        self.lines: dict[str, int] = {}
        self.problems: list[Problem] = []
        self._seen: set[int] = set()
        self._constructor = yaml.SafeLoader("")

    def problem(self, node: yaml.Node, path: str, message: str) -> None:
        self.problems.append(Problem(path=path, message=message, line=node.start_mark.line + 1))

    def plain(self, node: yaml.Node, path: str) -> Any:
        if id(node) in self._seen:  # the composer hands back the same node for an alias
            self.problem(node, path, "anchors and aliases (& and *) are not supported in model files")
            return None
        self._seen.add(id(node))
        self.lines.setdefault(path, node.start_mark.line + 1)
        if node.tag not in _PLAIN_TAGS:
            self.problem(node, path, f"unsupported YAML tag {node.tag!r}: a model file holds only plain data")
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.plain(item, f"{path}.{i}") for i, item in enumerate(node.value)]
        return self._constructor.construct_object(node)

    def mapping(self, node: yaml.MappingNode, path: str) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, path, "a key must be a name, not a list or mapping")
                continue
            key = self._constructor.construct_object(key_node)
            child = f"{path}.{key}" if path else str(key)
            if key in out:
                self.problem(key_node, child, f"duplicate key {key!r}")
                continue
            self.lines[child] = key_node.start_mark.line + 1
            out[key] = self.plain(value_node, child)
        return out


def dumps_model(org: Organization, *, format: str = "yaml") -> str:
    """Model-file text for ``org`` that :func:`loads_model` reads back into an equal organisation."""
    data = organization_to_dict(org)
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if format == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    raise ValueError(f"The 'format' parameter of dumps_model must be 'yaml' or 'json'. Got {format!r} instead.")


def save_model(org: Organization, path: str | os.PathLike[str]) -> None:
    """Write ``org`` as a model file (YAML, or JSON for a ``.json`` path), atomically.

    The file is written to a temporary name and renamed into place, so an
    interrupted write never leaves a half-written model.
    """
    path = Path(path)
    text = dumps_model(org, format="json" if path.suffix.lower() == ".json" else "yaml")
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
