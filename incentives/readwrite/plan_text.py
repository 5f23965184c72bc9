"""A redesigned plan written into the model file's own text: the room's file stays the room's file.

Writing a redesigned organisation from scratch (:func:`incentives.save_model`) loses what
people wrote: comments, the order and form of formulas (``0.2 * reporters.clickbait``
would come back as ``reporters.clickbait/5``), the layout.  Here the plan is written into
a copy of the original text instead, and nothing else changes:

* **YAML**: the text is read with a round-trip parser (`ruamel.yaml
  <https://yaml.readthedocs.io>`_), which knows where each entry of the ``bonus`` section
  starts and whether it is written ``{flow: style}`` or as a block.  Only the lines of the
  departments whose plan changed are rewritten, in their own style and indentation; each
  old line stays above the new one as a comment (``# was: ...``) so the room sees what
  changed.  A department whose plan is dropped keeps only that comment; a department newly
  paid is added after the last one.  New KPIs (the caps of via negativa) are added after
  the existing KPIs.  Every other byte (comments, blank lines, formulas, parameters, even
  those the old plan alone used) is left as it was.
* **JSON**: the document is read keeping its key order, the ``bonus`` object (and new
  KPIs) replaced, and written back with the file's indentation.

A weight is written as a number when its decimal is short and exact (``0.5``), else as
an exact fraction (``25/688``, a formula the model grammar reads exactly).  A term the
plan keeps as it was keeps the text it was written with (a parameter's name, say).
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sympy

from ..errors import ModelError, Problem
from ..formula import formula_to_text
from ..model import Organization

__all__ = ["plan_into_text", "save_plan"]

_YAML_SUFFIXES = (".yaml", ".yml")


def _number(expr: sympy.Expr) -> int | float | str:
    """A weight or formula as a YAML/JSON value: an int, a short exact decimal, or formula text."""
    if expr.is_Integer:
        return int(expr)
    if expr.is_Rational:
        as_float = float(expr)
        if sympy.Rational(repr(as_float)) == expr and len(repr(as_float)) <= 12:
            return as_float
    return formula_to_text(expr)


def _same(a: Mapping[str, sympy.Expr], b: Mapping[str, sympy.Expr]) -> bool:
    return list(a) == list(b) and all(sympy.simplify(a[k] - b[k]) == 0 for k in a)


def _changes(
    original: Organization, redesigned: Organization
) -> tuple[dict[str, dict[str, sympy.Expr] | None], dict[str, sympy.Expr]]:
    """The departments whose plan changed (None: dropped), and the KPIs the redesign adds."""
    changed: dict[str, dict[str, sympy.Expr] | None] = {}
    for dept in original.department_names:
        before, after = original.bonus.get(dept, {}), redesigned.bonus.get(dept, {})
        if not _same(before, after):
            changed[dept] = dict(after) if after else None
    added = {k: v for k, v in redesigned.kpis.items() if k not in original.kpis}
    return changed, added


# -- YAML ------------------------------------------------------------------------------------------


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round trip
    yaml.preserve_quotes = True
    yaml.width = 4096
    return yaml


def _load_yaml(text: str, source: str) -> Any:
    from ruamel.yaml.error import YAMLError

    try:
        return _yaml().load(text)
    except YAMLError as err:
        raise ModelError([Problem(path="", message=f"malformed YAML: {err}")], source) from err


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _entry_spans(lines: list[str], starts: list[int], end: int) -> list[tuple[int, int]]:
    """For entries starting at ``starts`` (line indices, in order) and a section ending before ``end``: each entry's
    lines, up to its last line of content (comments and blank lines before the next entry stay outside)."""
    spans = []
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else end
        last = start
        for j in range(start, stop):
            if _is_content(lines[j]):
                last = j
        spans.append((start, last + 1))
    return spans


def _next_key_line(top: Any, key: str, count: int) -> int:
    keys = list(top)
    after = keys[keys.index(key) + 1 :]
    return top.lc.key(after[0])[0] if after else count


def _dump_entry(key: str, value: Mapping[str, Any] | Any, *, flow: bool, indent: int, step: int) -> list[str]:
    """``key: value`` as YAML lines at ``indent`` (a mapping in flow or block style, ``step`` spaces deeper)."""
    from ruamel.yaml.comments import CommentedMap

    if isinstance(value, Mapping):
        inner = CommentedMap(value)
        if flow:
            inner.fa.set_flow_style()
        else:
            inner.fa.set_block_style()
        data = CommentedMap({key: inner})
    else:
        data = CommentedMap({key: value})
    yaml = _yaml()
    yaml.indent(mapping=step, sequence=step + 2, offset=step)
    out = io.StringIO()
    yaml.dump(data, out)
    return [" " * indent + line + "\n" for line in out.getvalue().splitlines()]


def _commented(lines: list[str], indent: int) -> list[str]:
    """The old lines of an entry, kept as comments: ``# was: ...``."""
    out = []
    for n, line in enumerate(lines):
        body = line.rstrip("\n")[indent:] if line.startswith(" " * indent) else line.strip()
        out.append(" " * indent + ("# was: " if n == 0 else "#       ") + body + "\n")
    return out


def _bonus_value(after: dict[str, sympy.Expr], before: Any, original: Mapping[str, sympy.Expr]) -> dict[str, Any]:
    """The new plan of one department; a term kept as it was keeps its original text."""
    out: dict[str, Any] = {}
    for key, expr in after.items():
        same = before is not None and key in before and key in original and sympy.simplify(original[key] - expr) == 0
        out[key] = before[key] if same else _number(expr)
    return out


def _rewrite_bonus(
    lines: list[str], top: Any, original: Organization, changed: dict[str, dict[str, sympy.Expr] | None]
) -> list[str]:
    if "bonus" not in top or not hasattr(top["bonus"], "lc") or top["bonus"].fa.flow_style():
        return _replace_section(lines, top, original, changed)
    section = top["bonus"]
    key_line = top.lc.key("bonus")[0]
    depts = list(section)
    starts = [section.lc.key(d)[0] for d in depts]
    end = _next_key_line(top, "bonus", len(lines))
    spans = dict(zip(depts, _entry_spans(lines, starts, end), strict=True))
    indent = section.lc.key(depts[0])[1] if depts else 2
    edits: list[tuple[int, int, list[str]]] = []
    for dept, after in changed.items():
        before = section.get(dept)
        if dept in spans:
            start, stop = spans[dept]
            new = _commented(lines[start:stop], indent)
            if after is not None:
                flow = not hasattr(before, "fa") or bool(before.fa.flow_style())
                step = max(2, before.lc.key(next(iter(before)))[1] - indent) if hasattr(before, "lc") and before else 2
                value = _bonus_value(after, before, original.bonus.get(dept, {}))
                new += _dump_entry(dept, value, flow=flow, indent=indent, step=step)
            edits.append((start, stop, new))
        elif after is not None:
            at = spans[depts[-1]][1] if depts else key_line + 1
            entry = _dump_entry(dept, {k: _number(v) for k, v in after.items()}, flow=True, indent=indent, step=2)
            edits.append((at, at, entry))
    for start, stop, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[start:stop] = new
    return lines


def _replace_section(
    lines: list[str], top: Any, original: Organization, changed: dict[str, dict[str, sympy.Expr] | None]
) -> list[str]:
    """A missing or one-line (flow) ``bonus`` section, written anew at its place (or at the end)."""
    bonus: dict[str, Any] = {}
    current = top.get("bonus") or {}
    for dept in original.department_names:
        after = changed[dept] if dept in changed else original.bonus.get(dept)
        if after:
            bonus[dept] = _bonus_value(dict(after), current.get(dept), original.bonus.get(dept, {}))
    entry = _dump_entry("bonus", bonus, flow=True, indent=0, step=2)
    if "bonus" not in top:
        tail = [] if not lines or lines[-1].endswith("\n") else ["\n"]
        return [*lines, *tail, *entry]
    start = top.lc.key("bonus")[0]
    stop = _entry_spans(lines, [start], _next_key_line(top, "bonus", len(lines)))[0][1]
    lines[start:stop] = entry
    return lines


def _add_kpis(lines: list[str], top: Any, added: Mapping[str, sympy.Expr]) -> list[str]:
    if not added:
        return lines
    section = top["kpis"]
    names = list(section)
    if section.fa.flow_style() or not names:
        raise ValueError("new KPIs can be added only to a block-style kpis section with at least one KPI")
    indent = section.lc.key(names[0])[1]
    starts = [section.lc.key(k)[0] for k in names]
    _, stop = _entry_spans(lines, starts, _next_key_line(top, "kpis", len(lines)))[-1]
    new = [
        line for k, v in added.items() for line in _dump_entry(k, formula_to_text(v), flow=False, indent=indent, step=2)
    ]
    lines[stop:stop] = new
    return lines


def _yaml_text(text: str, original: Organization, redesigned: Organization, source: str) -> str:
    changed, added = _changes(original, redesigned)
    if not changed and not added:
        return text
    top = _load_yaml(text, source)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    # the later section first, so that the earlier one's line numbers stay valid
    first, second = ("kpis", "bonus") if _order(top, "kpis", "bonus") else ("bonus", "kpis")
    for section in (second, first):
        if section == "bonus":
            lines = _rewrite_bonus(lines, top, original, changed)
        else:
            lines = _add_kpis(lines, top, added)
    out = "".join(lines)
    return out if text.endswith("\n") else out.rstrip("\n")


def _order(top: Any, a: str, b: str) -> bool:
    keys = list(top)
    if a not in keys or b not in keys:
        return True
    return keys.index(a) < keys.index(b)


# -- JSON ------------------------------------------------------------------------------------------


def _json_indent(text: str) -> int | None:
    match = re.search(r"\n( +)\S", text)
    return len(match.group(1)) if match else None


def _json_text(text: str, original: Organization, redesigned: Organization, source: str) -> str:
    changed, added = _changes(original, redesigned)
    if not changed and not added:
        return text
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ModelError([Problem(path="", message=f"malformed JSON: {err.msg}", line=err.lineno)], source) from err
    bonus = {}
    for dept in original.department_names:
        plan = redesigned.bonus.get(dept)
        if plan:
            written = (data.get("bonus") or {}).get(dept) or {}
            bonus[dept] = {
                k: written[k]
                if k in written and k in original.bonus.get(dept, {}) and original.bonus[dept][k] == v
                else _number(v)
                for k, v in plan.items()
            }
    data["bonus"] = bonus
    for name, expr in added.items():
        data["kpis"][name] = formula_to_text(expr)
    out = json.dumps(data, indent=_json_indent(text), ensure_ascii=False)
    return out + "\n" if text.endswith("\n") else out


# -- public ------------------------------------------------------------------------------------------


def plan_into_text(
    text: str, original: Organization, redesigned: Organization, *, format: str = "yaml", source: str = "<string>"
) -> str:
    """The model file ``text`` (of ``original``) with ``redesigned``'s bonus plans and new KPIs written in.

    Parameters
    ----------
    text : str
        The model file as written.
    original : Organization
        The organisation ``text`` describes.
    redesigned : Organization
        The same organisation with a new plan (:attr:`incentives.Design.redesigned`, or via
        negativa's or transfers' ``redesigned``).
    format : {"yaml", "json"}
    source : str
        The file's name, for error messages.

    Returns
    -------
    str
        The text with only the bonus section (and new KPIs after the existing ones) changed.

    Raises
    ------
    ModelError
        If ``text`` is not valid YAML or JSON.
    ValueError
        For a format other than ``"yaml"`` and ``"json"``.

    Examples
    --------
    >>> import incentives as inc
    >>> text = open("examples/growing_company.yaml", encoding="utf-8").read()
    >>> org = inc.load_model("examples/growing_company.yaml")
    >>> plan = inc.design(org)
    >>> written = plan_into_text(text, org, plan.redesigned)
    >>> written.split("bonus:")[0] == text.split("bonus:")[0]
    True
    >>> for line in written.splitlines():
    ...     if "development" in line and "{" in line:
    ...         print(line)
      # was: development: {features_shipped: 1}
      development: {company_value: 25/688}
    >>> inc.loads_model(written).bonus == plan.redesigned.bonus
    True
    """
    if format == "yaml":
        return _yaml_text(text, original, redesigned, source)
    if format == "json":
        return _json_text(text, original, redesigned, source)
    raise ValueError(f"The 'format' parameter of plan_into_text must be 'yaml' or 'json'. Got {format!r} instead.")


def save_plan(
    redesigned: Organization,
    path: str | os.PathLike[str],
    *,
    source: str | os.PathLike[str],
    original: Organization | None = None,
) -> None:
    """Write ``redesigned`` to ``path`` as a copy of the model file ``source`` with only its plan changed.

    ``original`` is the organisation ``source`` holds (read from it when not given).  The
    output's format is the source's (YAML or JSON); it is written atomically.

    Raises
    ------
    ModelError
        If ``source`` cannot be read.
    OutputError
        If ``path`` cannot be written.
    """
    from .._util import atomic_write
    from .model_file import load_model

    source = Path(source)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ModelError([Problem(path="", message=f"cannot read the model file: {err}")], str(source)) from err
    original = load_model(source) if original is None else original
    fmt = "json" if source.suffix.lower() == ".json" else "yaml"
    atomic_write(path, plan_into_text(text, original, redesigned, format=fmt, source=str(source)))
