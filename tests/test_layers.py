"""Layers point one way: no module of ``incentives`` imports a module of a higher layer.

``LAYERS`` is the one table of the layers, lowest first, and of the modules in each (a package
stands for every module inside it).  ``docs/explanation/architecture.md`` shows the same table,
and a test here checks that it does.  Every module is parsed with :mod:`ast`, and every import
counts: at module level, inside functions, under ``if TYPE_CHECKING``, and
``importlib.import_module`` of a constant name.  A module may import modules of its own layer
and of the layers below it, never of a layer above.

A private module or name (``_tracer``, ``_helper``) may be imported only from inside the package
that holds it; ``incentives._util`` is private to the whole package, so every module may use it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "incentives"
ARCHITECTURE = ROOT / "docs" / "explanation" / "architecture.md"

#: The layers, lowest first, each with the modules and packages in it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("errors", ("incentives.errors",)),
    (
        "utilities",
        ("incentives._util", "incentives._display", "incentives.tolerance", "incentives.limits", "incentives.figures"),
    ),
    ("formula", ("incentives.formula", "incentives.formula_bounds")),
    ("model", ("incentives.model", "incentives.model_dict", "incentives.quantities")),
    (
        "evaluated model and game",
        ("incentives.game", "incentives.equilibrium", "incentives.evaluated", "incentives.build"),
    ),
    ("readwrite", ("incentives.readwrite", "incentives.catalogue")),
    ("solvers", ("incentives.solvers",)),
    (
        "analyses",
        (
            "incentives.analysis",
            "incentives.graph",
            "incentives.design",
            "incentives.whatif",
            "incentives.continuous",
            "incentives.dynamics",
            "incentives.repeated",
        ),
    ),
    ("report", ("incentives.report",)),
    ("workshop", ("incentives.workshop",)),
    ("cli", ("incentives.cli",)),
    ("public API", ("incentives",)),  # incentives/__init__.py only: the names of ``import incentives as inc``
)



@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package (packages under the name of their ``__init__``), by dotted name."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def is_package(name: str) -> bool:
    return modules()[name].name == "__init__.py"


def known(name: str) -> str:
    """``name`` if it is a module, else the module that defines it (its longest prefix that is a module)."""
    while name not in modules():
        name = name.rpartition(".")[0]
    return name


def imports_of(name: str, source: str, *, package: bool = False) -> list[tuple[str, int]]:
    """The package's modules imported by module ``name`` (with lines), parsed from ``source``."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found += [(f"{prefix}.{alias.name}", node.lineno) for alias in node.names]
        elif isinstance(node, ast.Call) and _called(node.func) in ("import_module", "__import__"):
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((first.value, node.lineno))
    return [(target, line) for target, line in found if target == "incentives" or target.startswith("incentives.")]


def _called(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


@cache
def edges() -> tuple[Import, ...]:
    out = []
    for name, path in modules().items():
        for target, line in imports_of(name, path.read_text(encoding="utf-8"), package=is_package(name)):
            out.append(Import(importer=name, imported=target, line=line))
    return tuple(out)


def layer_of(name: str) -> int:
    """Index in :data:`LAYERS` of module ``name``: its own entry, or that of the closest package holding it."""
    entries = {entry: k for k, (_, members) in enumerate(LAYERS) for entry in members}
    if name == "incentives":
        return entries[name]
    parts = name.split(".")
    for end in range(len(parts), 1, -1):  # never the bare "incentives": it stands for __init__.py only
        if ".".join(parts[:end]) in entries:
            return entries[".".join(parts[:end])]
    raise KeyError(f"{name} is in no layer: add it (or its package) to LAYERS in tests/test_layers.py")


def violations(found: tuple[Import, ...]) -> list[str]:
    out = []
    for edge in found:
        target = known(edge.imported)
        high, low = layer_of(target), layer_of(edge.importer)
        if high > low:
            out.append(
                f"{edge.importer} (layer {LAYERS[low][0]!r}) imports {target} (layer {LAYERS[high][0]!r}), "
                f"line {edge.line}"
            )
    return out


# --- the checks ---------------------------------------------------------------------------------------------------


def test_every_module_is_in_exactly_one_layer_and_every_entry_names_modules() -> None:
    entries = [entry for _, members in LAYERS for entry in members]
    assert len(entries) == len(set(entries)), "a module or package is listed twice"
    for name in modules():
        layer_of(name)  # raises for a module in no layer
    for entry in entries:
        assert entry in modules(), f"{entry} in LAYERS is not a module or package of incentives"


def test_no_module_imports_a_module_of_a_higher_layer() -> None:
    assert len(edges()) > 500  # the walk found the package's imports
    assert violations(edges()) == []


def test_no_private_module_or_name_is_imported_from_outside_its_package() -> None:
    crossing = []
    for edge in edges():
        parts = edge.imported.split(".")
        for k, part in enumerate(parts):
            if part.startswith("_") and not part.startswith("__"):
                owner = ".".join(parts[:k])  # the package of a private module, or the module of a private name
                home = owner if is_package(owner) else owner.rpartition(".")[0]
                importer_home = edge.importer if is_package(edge.importer) else edge.importer.rpartition(".")[0]
                if importer_home != home and not importer_home.startswith(f"{home}."):
                    crossing.append(f"{edge.importer} imports {edge.imported} (private to {home}), line {edge.line}")
                break
    assert crossing == []


def test_the_checker_sees_imports_inside_functions_and_relative_ones() -> None:
    source = (
        "from __future__ import annotations\n"
        "from .errors import ModelError\n"
        "def show(x):\n"
        "    from .report import html\n"
        "    import incentives.cli\n"
        "    return importlib.import_module('incentives.report.json')\n"
    )
    found = imports_of("incentives.game", source)
    assert found == [("incentives.errors.ModelError", 2), ("incentives.report.html", 4), ("incentives.cli", 5),
                     ("incentives.report.json", 6)]  # fmt: skip
    edges_here = tuple(Import(importer="incentives.game", imported=t, line=n) for t, n in found)
    upward = ["incentives.report.html", "incentives.cli", "incentives.report.json"]
    assert [v.split(" imports ")[1].split(" ")[0] for v in violations(edges_here)] == upward
    assert imports_of("incentives.solvers", "from . import qre", package=True) == [("incentives.solvers.qre", 1)]
    assert imports_of("incentives.solvers.qre", "from ..game import Game") == [("incentives.game.Game", 1)]


def test_the_architecture_page_shows_this_table() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| ([^|]+?) \| ([^|]+?) \|$", text, re.MULTILINE)
    shown = [(name, tuple(re.findall(r"`([\w.]+)`", members))) for _, name, members in rows]
    assert [int(k) for k, _, _ in rows] == list(range(len(LAYERS)))
    assert shown == [(name, members) for name, members in LAYERS]
