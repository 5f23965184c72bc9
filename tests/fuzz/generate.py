"""Generate hostile and oversized model files and Gambit ``.nfg`` files, one category at a time.

Every category of issue 14 has a generator here (parsing, output text, formulas, size,
Gambit files, names, KPI cycles, special files), and :func:`mutation` damages a copy of
a file from ``examples/`` or ``tests/data/``.  :func:`generate` writes ``count`` files
spread over every category, deterministically from a seed::

    cases = generate(Path("/tmp/fuzz"), count=200, seed=1)

Each :class:`Case` records the file, its category, whether it is a model or a game, and
a parameter name the sweep-like commands can vary.
"""

from __future__ import annotations

import copy
import json
import os
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["CATEGORIES", "Case", "Content", "generate", "mutation"]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted([*ROOT.glob("examples/**/*.yaml"), *ROOT.glob("examples/**/*.json")])
GAMES = sorted(ROOT.glob("tests/data/*.nfg"))

#: Words a name may not be, and names that are not names.
RESERVED = [
    "lambda",
    "None",
    "True",
    "False",
    "import",
    "if",
    "not",
    "exp",
    "where",
    "min",
    "company_value",
    "__class__",
]
NOT_NAMES = ["", "x y", "1x", "a-b", "a.b", "é", "\u202e", "x" * 5000, "__import__", "$x", "0"]
#: Values put where a number or a formula is expected.
HOSTILE_VALUES: list[Any] = [
    "9**9**9",
    "p**p**p",
    "exp(1000)",
    "exp(exp(exp(10)))",
    "sqrt(-1)",
    "log(0)",
    "1/0",
    "1e308*10",
    "10**100",
    "(" * 60 + "1" + ")" * 60,
    "__import__('os').system('true')",
    "lambda: 1",
    "[1, 2]",
    "",
    "x" * 3000,
    "1" * 200,
    1e308,
    -1e308,
    float("nan"),
    float("inf"),
    10**400,
    True,
    None,
    [],
    {},
    "\ud800",
    "min(" + ", ".join(["1"] * 40) + ")",
]


@dataclass(frozen=True)
class Content:
    """What a generator makes: file bytes and a suffix, or a special file (``kind``: fifo, symlink, folder)."""

    data: bytes = b""
    suffix: str = ".yaml"
    special: str = ""  # "", "fifo", "symlink:TARGET", "folder", "sparse:SIZE"
    parameter: str = "p"


@dataclass(frozen=True)
class Case:
    """One generated input file."""

    path: Path
    category: str
    kind: str  # "model" or "nfg"
    parameter: str  # a parameter for sweeps and thresholds (may not exist in a broken file)


# -- models as plain data -------------------------------------------------------------------------


def base_model(departments: int = 2, actions: int = 2, rng: random.Random | None = None) -> dict[str, Any]:
    """A small valid model: ``departments`` departments of ``actions`` actions, one KPI each, parameter ``p``."""
    rng = rng or random.Random(0)
    depts = {
        f"d{i}": {"actions": {f"a{j}": {"v": rng.randint(0, 9)} for j in range(actions)}} for i in range(departments)
    }
    kpis = {f"k{i}": f"p * d{i}.v - d{(i + 1) % departments}.v / 2" for i in range(departments)}
    return {
        "name": "fuzz",
        "parameters": {"p": 2, "q": 1},
        "departments": depts,
        "kpis": kpis,
        "company_value": " + ".join(kpis),
        "bonus": {f"d{i}": {f"k{i}": 1} for i in range(departments)},
        "events": {"rise": {"p": 3}},
    }


def dump(data: Any, rng: random.Random) -> Content:
    """``data`` as YAML or JSON (chosen at random); values YAML cannot write are written as JSON."""
    if rng.random() < 0.5:
        try:
            return Content(json.dumps(data, allow_nan=True).encode("utf-8", "surrogatepass"), ".json")
        except (TypeError, ValueError):
            pass
    try:
        text = yaml.safe_dump(data, allow_unicode=rng.random() < 0.5, sort_keys=False)
    except yaml.YAMLError:
        return Content(json.dumps(data, default=str).encode("utf-8", "surrogatepass"), ".json")
    return Content(text.encode("utf-8", "surrogatepass"), ".yaml")


def _set(data: dict[str, Any], path: list[str], value: Any) -> None:
    node = data
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


# -- parsing --------------------------------------------------------------------------------------


def parse_depth(rng: random.Random) -> Content:
    depth = rng.choice([17, 100, 1000, 5000, 100_000])
    style = rng.choice(["json", "flow", "block", "mixed"])
    if style == "json":
        return Content(('{"name": ' + "[" * depth + "]" * depth + "}").encode(), ".json")
    if style == "flow":
        return Content(("name: x\nkpis: " + "{a: " * depth + "1" + "}" * depth + "\n").encode())
    if style == "block":
        lines = "".join("  " * i + f"k{i}:\n" for i in range(min(depth, 3000)))
        return Content(("name: x\n" + lines).encode())
    return Content(("departments: " + "[{a: " * depth + "1" + "}]" * depth).encode())


def parse_tags(rng: random.Random) -> Content:
    tag = rng.choice(
        [
            "!foo",
            "!!python/object/apply:os.system ['true']",
            "!!python/name:os.system",
            "!!binary aGVsbG8=",
            "!!set {a, b}",
            "!!omap [a: 1]",
            "!!int abc",
            "!!float x1",
            "!!bool maybe",
            "!!timestamp nope",
            "!!timestamp 2001-12-14",
            "!!null x",
            "!!str",
            "!!map [1, 2]",
            "!!seq {a: 1}",
            "!<tag:yaml.org,2002:int> 1e",
        ]
    )
    text = yaml.safe_dump(base_model(rng=rng), sort_keys=False)
    where = rng.choice(["value", "key", "parameter", "top"])
    if where == "value":
        text = text.replace("name: fuzz", f"name: {tag}")
    elif where == "key":
        text = text.replace("name: fuzz", f"{tag}: fuzz")
    elif where == "parameter":
        text = text.replace("  p: 2", f"  p: {tag}")
    else:
        text = f"--- {tag}\n" + text
    return Content(text.encode())


def parse_merge_keys(rng: random.Random) -> Content:
    text = yaml.safe_dump(base_model(rng=rng), sort_keys=False)
    merge = rng.choice(["<<: {x: 1}", "<<: *base", "<<: [*base, *base]", "? <<\n: 1"])
    anchor = "anchor: &base {name: y}\n" if "*base" in merge else ""
    return Content((anchor + text + merge + "\n").encode())


def parse_aliases(rng: random.Random) -> Content:
    levels = rng.randint(3, 12)
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return Content(("\n".join(lines) + f"\nname: *a{levels - 1}\n").encode())


def parse_numbers(rng: random.Random) -> Content:
    digits = rng.choice([101, 4300, 4301, 5000, 100_000])
    literal = rng.choice(
        [
            "9" * digits,
            "-" + "1" * digits,
            "0x" + "f" * digits,
            "0o" + "7" * digits,
            "0b" + "1" * digits,
            ":".join(["59"] * (digits // 2)),
            "1" * digits + ".5",
            "1e" + "9" * min(digits, 50),
            "1_" * digits + "1",
        ]
    )
    if rng.random() < 0.5:
        return Content(('{"name": "x", "parameters": {"p": ' + literal.lstrip("0x") + "}}").encode(), ".json")
    model = yaml.safe_dump(base_model(rng=rng), sort_keys=False).replace("  p: 2", f"  p: {literal}")
    return Content(model.encode())


def parse_garbage(rng: random.Random) -> Content:
    choice = rng.randrange(10)
    model = yaml.safe_dump(base_model(rng=rng), sort_keys=False).encode()
    if choice == 0:
        return Content(bytes(rng.randrange(256) for _ in range(rng.randint(0, 4096))), rng.choice([".yaml", ".json"]))
    if choice == 1:
        return Content(b"\xef\xbb\xbf" + model)
    if choice == 2:
        return Content(model + b"\n---\n" + model)
    if choice == 3:
        return Content(model.replace(b"fuzz", b"fu\x00zz"))
    if choice == 4:
        return Content(model.replace(b"fuzz", b"fu\xffzz"))
    if choice == 5:
        return Content(
            rng.choice([b"", b"   \n\n", b"---\n", b"null", b"[]", b"42", b"\t"]), rng.choice([".yaml", ".json"])
        )
    if choice == 6:
        return Content(b'{"name": "\\ud800", "departments": {}}', ".json")
    if choice == 7:
        return Content(model.replace(b"name: fuzz", b'name: "\\ud800\\udfff\\x00"'))
    if choice == 8:
        return Content(model[: rng.randrange(len(model))])
    return Content(model.replace(b"\n", b"\r"), ".yaml")


# -- output text ----------------------------------------------------------------------------------


def output_text(rng: random.Random) -> Content:
    data = base_model(rng=rng)
    text = rng.choice(
        ["\ud800", "a\udfffb", "\x00\x1b[31mred", "\u202eevil", "<script>alert(1)</script>", "x" * 100_000]
    )
    field = rng.choice(["name", "description"])
    data[field] = text
    if rng.random() < 0.3:
        data["departments"]["d0"]["description"] = text
    return dump(data, rng)


# -- formulas -------------------------------------------------------------------------------------


def formula_chains(rng: random.Random) -> Content:
    data = base_model(rng=rng)
    kind = rng.randrange(6)
    n = rng.randint(2, 12)
    if kind == 0:
        kpis = {"c0": 9, **{f"c{i}": f"c{i - 1}**c{i - 1}" for i in range(1, n)}}
    elif kind == 1:
        kpis = {"c0": "d0.v + 2", **{f"c{i}": f"c{i - 1}**100" for i in range(1, n)}}
    elif kind == 2:
        kpis = {"c0": "d0.v + d1.v", **{f"c{i}": "*".join([f"c{i - 1}"] * 4) for i in range(1, n)}}
    elif kind == 3:
        kpis = {"c0": "d0.v / 7", **{f"c{i}": f"c{i - 1}*c{i - 1} + c{i - 1}" for i in range(1, n + 10)}}
    elif kind == 4:
        kpis = {"c0": "p", **{f"c{i}": f"p**c{i - 1}" for i in range(1, n)}}
    else:
        kpis = {"c0": rng.choice(["9**9**9", "p**p**p", "(p**p)**(p**p)", "2**(d0.v*100)"])}
    data["kpis"].update(kpis)
    data["company_value"] += f" + {next(reversed(kpis))}"
    data["parameters"]["p"] = rng.choice([2, 9, 10, 0.5, -3])
    return dump(data, rng)


def formula_values(rng: random.Random) -> Content:
    data = base_model(rng=rng)
    value = rng.choice([*HOSTILE_VALUES, "exp(p*d0.v*100)", "sqrt(p)", "log(q - 1)", "(-p)**0.5", "p/(q-1)"])
    place = rng.choice(
        [
            ["kpis", "k0"],
            ["company_value"],
            ["bonus", "d0", "k0"],
            ["costs", "d0", "a0"],
            ["parameters", "p"],
            ["departments", "d0", "actions", "a0", "v"],
            ["events", "rise", "p"],
        ]
    )
    _set(data, place, value)
    if rng.random() < 0.5:
        data["parameters"]["p"] = rng.choice([-1, 0, 1e-300, 1e300, -2.5])
    return dump(data, rng)


def formula_continuous(rng: random.Random) -> Content:
    data = base_model(rng=rng)
    bounds = rng.choice(
        [{}, {"lower": 0}, {"lower": 5, "upper": 1}, {"lower": "-p", "upper": "1e300"}, {"upper": "1/0"}]
    )
    data["departments"]["d0"] = {"variables": {"v": bounds}}
    data["costs"] = {
        "d0": rng.choice(["d0.v**2/2", "exp(d0.v)", "exp(exp(d0.v))", "d0.v**d0.v", "sqrt(d0.v)", "1/d0.v"])
    }
    return dump(data, rng)


# -- size -----------------------------------------------------------------------------------------

SHAPES = [
    (8, 8),
    (10, 5),
    (12, 5),
    (14, 5),
    (20, 4),
    (24, 2),
    (40, 2),
    (64, 2),
    (70, 2),
    (200, 2),
    (2, 5000),
    (1, 10**5),
]


def size_models(rng: random.Random) -> Content:
    departments, actions = rng.choice(SHAPES)
    return dump(base_model(departments, actions, rng), rng)


def size_files(rng: random.Random) -> Content:
    choice = rng.randrange(4)
    if choice == 0:
        return Content(
            special=f"sparse:{rng.choice([6, 50, 500]) * 1024 * 1024}", suffix=rng.choice([".yaml", ".json"])
        )
    if choice == 1:  # many values within the byte limit
        data = {"name": "x", "parameters": {f"p{i}": i for i in range(rng.choice([5000, 25_000, 100_000]))}}
        return dump(data, rng)
    if choice == 2:  # one long string
        return Content(("name: " + "x" * (4 * 1024 * 1024) + "\n").encode())
    data = base_model(rng=rng)
    data["kpis"].update({f"z{i}": " + ".join(f"d0.v*{j}" for j in range(200)) for i in range(200)})
    return dump(data, rng)


# -- names and cycles -----------------------------------------------------------------------------


def names(rng: random.Random) -> Content:
    data = base_model(rng=rng)
    name = rng.choice(RESERVED + NOT_NAMES)
    place = rng.randrange(7)
    if place == 0:
        data["parameters"][name] = 1
    elif place == 1:
        data["kpis"][name] = "d0.v"
    elif place == 2:
        data["departments"][name] = {"actions": {"a": {"v": 1}}}
    elif place == 3:
        data["departments"]["d0"]["actions"][name] = {"v": 1}
    elif place == 4:
        for action in data["departments"]["d0"]["actions"].values():
            action[name] = 1
    elif place == 5:
        data["events"][name] = {"p": 1}
    else:
        data["departments"]["d0"] = {"variables": {name: {"lower": 0}}}
    return dump(data, rng)


def kpi_cycles(rng: random.Random) -> Content:
    data = base_model(rng=rng)
    cycles = rng.randint(1, 4)
    for c in range(cycles):
        length = rng.randint(1, 5)
        for i in range(length):
            data["kpis"][f"y{c}_{i}"] = f"y{c}_{(i + 1) % length} + d0.v"
    return dump(data, rng)


def structure(rng: random.Random) -> Content:
    data = base_model(rng=rng)
    place = rng.choice(
        [["departments"], ["departments", "d0"], ["departments", "d0", "actions"], ["kpis"], ["bonus"], ["bonus", "d0"]]
    )
    _set(data, place, rng.choice([None, [], [1, 2], "text", 3, True, {"": None}, [{"a": 1}]]))
    return dump(data, rng)


# -- special files --------------------------------------------------------------------------------


def special_files(rng: random.Random) -> Content:
    suffix = rng.choice([".yaml", ".json", ".nfg"])
    target = rng.choice(["symlink:/dev/zero", "symlink:/dev/urandom", "fifo", "folder", "symlink:/nonexistent/x"])
    return Content(special=target, suffix=suffix)


# -- Gambit files ---------------------------------------------------------------------------------


def nfg_header(shape: tuple[int, ...], data_type: str = "R") -> str:
    players = " ".join(f'"p{i}"' for i in range(len(shape)))
    return f'NFG 1 {data_type} "fuzz" {{ {players} }} {{ {" ".join(map(str, shape))} }}\n'


def nfg_size(rng: random.Random) -> Content:
    choice = rng.randrange(5)
    if choice == 0:
        return Content(special=f"sparse:{50 * 1024 * 1024}", suffix=".nfg")
    if choice == 1:
        body = " ".join(str(rng.randint(-99, 99)) for _ in range(rng.choice([10_000, 400_000])))
        return Content((nfg_header((1000, 1000), rng.choice("RD")) + body).encode(), ".nfg")
    if choice == 2:
        return Content((nfg_header((10**6, 10**6, 10**6)) + "1 2 3").encode(), ".nfg")
    if choice == 3:
        return Content((nfg_header((1,) * rng.choice([64, 70, 1000])) + "1 " * 1000).encode(), ".nfg")
    shape = (rng.randint(50, 300), rng.randint(50, 300))
    body = " ".join(str(rng.randint(-9, 9)) for _ in range(2 * shape[0] * shape[1]))
    return Content((nfg_header(shape, rng.choice("RD")) + body).encode(), ".nfg")


def nfg_numbers(rng: random.Random) -> Content:
    number = rng.choice(["1e1000", "-1e1000", "1e-1000", "1e308", "1e309", "9" * 5000, "1/0", "nan", "inf", "1e999999"])
    body = " ".join([number] + ["1"] * 7)
    return Content((nfg_header((2, 2), rng.choice("RD")) + body).encode(), ".nfg")


def nfg_malformed(rng: random.Random) -> Content:
    choice = rng.randrange(5)
    if choice == 0:
        return Content(('NFG 1 R "x" ' + "{ " * 10_000 + "}" * 10_000).encode(), ".nfg")
    if choice == 1:
        outcomes = "".join(f'{{ "o{i}" {i} {i} }}\n' for i in range(rng.choice([10, 100_000])))
        return Content((nfg_header((2, 2)) + "{ " + outcomes + "} 1 2 3 4").encode(), ".nfg")
    if choice == 2:
        return Content(('NFG 1 R "' + "x" * 1_000_000).encode(), ".nfg")
    if choice == 3:
        names = " ".join(f'"s{i}"' for i in range(rng.choice([10, 200_000])))
        return Content(('NFG 1 R "x" { "a" "b" } { { ' + names + ' } { "y" } }\n1 2').encode(), ".nfg")
    return Content(bytes(rng.randrange(256) for _ in range(rng.randint(0, 2048))), ".nfg")


# -- mutations ------------------------------------------------------------------------------------


def mutation(rng: random.Random, source: Path | None = None) -> Content:
    """A copy of ``source`` (default: an example model or game at random) with one to three random mutations.

    Half the mutations of a model change its data and keep it a model (a number scaled
    by a power of ten, a hostile formula over its own names, more actions or
    departments), so that the commands get past loading; the others damage the text.
    """
    source = source or rng.choice(EXAMPLES + GAMES)
    text = source.read_text(encoding="utf-8")
    parameter = _first_parameter(source)
    if source.suffix != ".nfg" and rng.random() < 0.5:
        data = yaml.safe_load(text)
        for _ in range(rng.randint(1, 2)):
            rng.choice(_DATA_MUTATIONS)(data, rng)
        return Content(yaml.safe_dump(data, sort_keys=False).encode(), source.suffix, parameter=parameter)
    for _ in range(rng.randint(1, 3)):
        text = rng.choice(_MUTATIONS)(text, rng)
    return Content(text.encode("utf-8", "surrogatepass"), source.suffix, parameter=parameter)


def _first_parameter(path: Path) -> str:
    if path.suffix == ".nfg":
        return "p"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return next(iter(data.get("parameters") or {"p": 0}))


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _replace_scalar(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    candidates = [i for i, line in enumerate(lines) if ":" in line and not line.lstrip().startswith("#")]
    if not candidates:
        return text
    i = rng.choice(candidates)
    key, _, _ = lines[i].partition(":")
    value = rng.choice(HOSTILE_VALUES)
    lines[i] = f"{key}: {json.dumps(value, allow_nan=True) if not isinstance(value, str) else json.dumps(value)}"
    return "\n".join(lines)


def _replace_number(text: str, rng: random.Random) -> str:
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    if not positions:
        return text
    i = rng.choice(positions)
    return text[:i] + rng.choice(["9" * 400, "1e308", "-0", "1e-320", "99999999999", "0"]) + text[i + 1 :]


def _rename(text: str, rng: random.Random) -> str:
    words = sorted({w for w in text.replace(":", " ").split() if w.isidentifier()})
    if not words:
        return text
    return text.replace(rng.choice(words), rng.choice(RESERVED + NOT_NAMES[:6]))


def _delete_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def _duplicate_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return "\n".join(lines)


def _truncate(text: str, rng: random.Random) -> str:
    return text[: rng.randrange(len(text) + 1)]


def _insert_characters(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text) + 1)
    noise = "".join(rng.choice(string.printable + "\u00e9\ud800{}[]&*!|>%@`") for _ in range(rng.randint(1, 8)))
    return text[:i] + noise + text[i:]


def _nest(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    lines[i] = lines[i] + " " + "[" * 200 + "]" * 200
    return "\n".join(lines)


def _grow(text: str, rng: random.Random) -> str:
    """More actions for one department of a model (a larger game)."""
    lines = _lines(text)
    actions = [i for i, line in enumerate(lines) if line.strip() == "actions:"]
    if not actions:
        return text
    i = actions[rng.randrange(len(actions))]
    first = lines[i + 1] if i + 1 < len(lines) else ""
    indent = first[: len(first) - len(first.lstrip())]
    body = first.strip().partition(":")[2]
    extra = [f"{indent}fuzz_{k}:{body}" for k in range(rng.choice([5, 50, 500]))]
    return "\n".join(lines[: i + 1] + extra + lines[i + 1 :])


_MUTATIONS: list[Callable[[str, random.Random], str]] = [
    _replace_scalar,
    _replace_number,
    _rename,
    _delete_line,
    _duplicate_line,
    _truncate,
    _insert_characters,
    _nest,
    _grow,
]


def _numbers_in(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _numbers_in(v, (*path, k))]
    if isinstance(data, list):
        return [p for k, v in enumerate(data) for p in _numbers_in(v, (*path, k))]
    return [path] if isinstance(data, int | float) and not isinstance(data, bool) else []


def _at(data: Any, path: tuple[Any, ...]) -> tuple[Any, Any]:
    for key in path[:-1]:
        data = data[key]
    return data, path[-1]


def _scale_a_number(data: dict[str, Any], rng: random.Random) -> None:
    paths = _numbers_in(data)
    if paths:
        parent, key = _at(data, rng.choice(paths))
        parent[key] = parent[key] * rng.choice([10.0**k for k in (-300, -20, -3, 3, 20, 150, 300)] + [-1, 0])


def _hostile_formula(data: dict[str, Any], rng: random.Random) -> None:
    kpis = data.get("kpis") or {}
    names = list(kpis) + list(data.get("parameters") or {})
    if not kpis or not names:
        return
    a, b = rng.choice(names), rng.choice(names)
    formula = rng.choice(
        [
            f"{a}**{b}",
            f"exp({a}*100)",
            f"{a}/({b}-{b})",
            f"sqrt(-abs({a})-1)",
            f"log({a}-{a})",
            f"({a})**100",
            f"exp(exp({a}))",
            f"where({a} > {b}, {a}**3, -{b}**3)",
            f"min({a}, {b})**-3",
            f"{a}*{b}*{a}*{b}*{a}",
        ]
    )
    kpis[rng.choice(list(kpis))] = formula


def _more_actions(data: dict[str, Any], rng: random.Random) -> None:
    departments = [d for d in (data.get("departments") or {}).values() if isinstance(d, dict) and d.get("actions")]
    if departments:
        actions = rng.choice(departments)["actions"]
        first = next(iter(actions.values()))
        for k in range(rng.choice([3, 10, 100])):
            actions[f"fuzz_{k}"] = copy.deepcopy(first)


def _more_departments(data: dict[str, Any], rng: random.Random) -> None:
    departments = data.get("departments") or {}
    if departments:
        name, spec = rng.choice(list(departments.items()))
        for k in range(rng.choice([2, 8, 30, 70])):
            departments[f"{name}_copy{k}"] = copy.deepcopy(spec)  # (shared objects would be written as aliases)


def _negate_parameters(data: dict[str, Any], rng: random.Random) -> None:
    for name, value in (data.get("parameters") or {}).items():
        if isinstance(value, int | float) and rng.random() < 0.5:
            data["parameters"][name] = -value


_DATA_MUTATIONS: list[Callable[[dict[str, Any], random.Random], None]] = [
    _scale_a_number,
    _hostile_formula,
    _more_actions,
    _more_departments,
    _negate_parameters,
]

#: Every category: name -> (kind of input, generator).
CATEGORIES: dict[str, tuple[str, Callable[[random.Random], Content]]] = {
    "parse-depth": ("model", parse_depth),
    "parse-tags": ("model", parse_tags),
    "parse-merge-keys": ("model", parse_merge_keys),
    "parse-aliases": ("model", parse_aliases),
    "parse-numbers": ("model", parse_numbers),
    "parse-garbage": ("model", parse_garbage),
    "output-text": ("model", output_text),
    "formula-chains": ("model", formula_chains),
    "formula-values": ("model", formula_values),
    "formula-continuous": ("model", formula_continuous),
    "size-models": ("model", size_models),
    "size-files": ("model", size_files),
    "names": ("model", names),
    "kpi-cycles": ("model", kpi_cycles),
    "structure": ("model", structure),
    "special-files": ("model", special_files),
    "nfg-size": ("nfg", nfg_size),
    "nfg-numbers": ("nfg", nfg_numbers),
    "nfg-malformed": ("nfg", nfg_malformed),
    "mutation": ("model", mutation),
}


def write_case(directory: Path, name: str, category: str, content: Content) -> Case:
    """Write ``content`` as ``directory/name + suffix`` (or make the special file) and describe it."""
    path = directory / f"{name}{content.suffix}"
    kind = "nfg" if content.suffix == ".nfg" else "model"
    special = content.special
    if special == "fifo":
        os.mkfifo(path)
    elif special == "folder":
        path.mkdir()
    elif special.startswith("symlink:"):
        path.symlink_to(special.partition(":")[2])
    elif special.startswith("sparse:"):
        with open(path, "wb") as handle:
            handle.truncate(int(special.partition(":")[2]))
    else:
        path.write_bytes(content.data)
    return Case(path=path, category=category, kind=kind, parameter=content.parameter)


def generate(
    directory: Path,
    count: int,
    seed: int = 0,
    categories: list[str] | None = None,
    mutations: float = 0.3,
    shard: tuple[int, int] = (0, 1),
) -> list[Case]:
    """Write ``count`` hostile files into ``directory``: a share ``mutations`` of mutated examples, the rest
    spread evenly over the other categories (or only over ``categories``).

    ``shard=(i, n)`` writes only the files whose number is ``i`` modulo ``n``; each file is the
    same as without sharding (its content comes from its own seed), so ``n`` processes together
    write exactly the files of one."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    chosen = [c for c in (categories or list(CATEGORIES)) if c != "mutation"]
    index, shards = shard
    cases = []
    for k in range(count):
        use_mutation = not chosen or ("mutation" in (categories or CATEGORIES) and rng.random() < mutations)
        category = "mutation" if use_mutation else chosen[k % len(chosen)]
        own_seed = rng.getrandbits(64)
        if k % shards != index:
            continue
        content = CATEGORIES[category][1](random.Random(own_seed))
        cases.append(write_case(directory, f"{k:05d}-{category}", category, content))
    return cases
