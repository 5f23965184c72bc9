"""Model files: YAML or JSON text to :class:`~incentives.model.Organization`, and back.

A model file is data, and possibly hostile data.  The path must name a regular
file of at most :data:`MAX_MODEL_BYTES` bytes (checked before it is opened, so a
FIFO or ``/dev/zero`` is refused at once); the text is read within limits on
nesting (:data:`MAX_MODEL_DEPTH`), size (:data:`MAX_MODEL_NODES`) and number
literals; YAML is read through PyYAML's safe event API with aliases, merge keys
and tags other than the core scalar ones refused; and formulas go through the
restricted parser of :mod:`incentives.formula`, so loading a model never
executes code from it and never hangs.  Errors name the file, the field path
and, for YAML, the line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml

from .._util import atomic_write
from ..errors import ModelError, Problem
from ..model import Organization
from ..model_dict import organization_from_dict, organization_to_dict
from ._files import FileRefused, read_regular_file
from ._plain_data import MAX_DEPTH, MAX_NODES, parse_json, parse_yaml

__all__ = [
    "MAX_MODEL_BYTES",
    "MAX_MODEL_DEPTH",
    "MAX_MODEL_NODES",
    "dumps_model",
    "load_model",
    "loads_model",
    "model_lines",
    "save_model",
]

#: Largest model file read, in bytes; larger files are refused before reading.
MAX_MODEL_BYTES = 5 * 1024 * 1024
#: Most levels of mappings and lists in a model file (a model needs 5).
MAX_MODEL_DEPTH = MAX_DEPTH
#: Most values and keys in a model file.
MAX_MODEL_NODES = MAX_NODES


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
        If the file cannot be read, is not a regular file of at most
        :data:`MAX_MODEL_BYTES` bytes, or the model is invalid; every problem is
        listed, each with its field path and, for YAML, its line.

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
        content = read_regular_file(path, MAX_MODEL_BYTES)
    except FileRefused as err:
        raise ModelError([Problem(path="", message=f"cannot read the model file: {err}")], source) from err
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as err:
        line = content.count(b"\n", 0, err.start) + 1
        raise ModelError(
            [Problem(path="", message=f"the file is not UTF-8 text ({err.reason})", line=line)], source
        ) from err
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    return loads_model(text.removeprefix("\ufeff"), format=fmt, source=source)


def model_lines(path: str | os.PathLike[str]) -> dict[str, int]:
    """The line of each field path of a YAML model file (empty for JSON), for errors met after loading.

    Use with :meth:`ModelError.with_source <incentives.errors.ModelError.with_source>`: an
    error from evaluating a model (a formula not finite at a profile) then names the
    file and the line.  The file is read again, within the same limits as :func:`load_model`.

    Examples
    --------
    >>> model_lines("examples/growing_company.yaml")["kpis.new_customers"]
    66
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        return {}
    try:
        text = read_regular_file(path, MAX_MODEL_BYTES).decode("utf-8").removeprefix("\ufeff")
    except (FileRefused, UnicodeDecodeError):
        return {}
    try:
        return parse_yaml(text, str(path))[1]
    except ModelError:
        return {}


def loads_model(text: str, *, format: str = "yaml", source: str = "<string>") -> Organization:
    """Read an organisation from YAML or JSON text (see :func:`load_model`).

    Examples
    --------
    >>> loads_model("name: [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]")
    Traceback (most recent call last):
    ...
    incentives.errors.ModelError: <string>: 1 problem in the model:
      - line 1, <model>: mappings and lists nested more than 16 levels deep; a model needs 5 ...
    """
    if format == "json":
        data, lines = parse_json(text, source), None
    elif format == "yaml":
        data, lines = parse_yaml(text, source)
    else:
        raise ValueError(f"The 'format' parameter of loads_model must be 'yaml' or 'json'. Got {format!r} instead.")
    return organization_from_dict(data, source=source, lines=lines)


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
    interrupted write never leaves a half-written model (see :func:`incentives._util.atomic_write`).

    Raises
    ------
    OutputError
        If the folder does not exist or cannot be written.
    """
    path = Path(path)
    atomic_write(path, dumps_model(org, format="json" if path.suffix.lower() == ".json" else "yaml"))
