"""Structure that holds (issue 32): names private to a module stay there, names say what lives where, and no
two modules import each other.

The import layers themselves are checked by import-linter (``.venv/bin/lint-imports``, contracts in
``pyproject.toml``); these checks read the package's source with :mod:`ast` (the cycle check with grimp,
import-linter's graph, which counts imports inside functions too).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lineage"
SOURCES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")


def trees() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"), filename=str(p))) for p in SOURCES]


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def cross_module_private_imports(sources: list[tuple[Path, ast.Module]]) -> list[str]:
    """``from other.module import _name`` and ``module._name`` (``module`` imported from lineage) anywhere in
    ``sources``, function-level imports too; dunders excepted."""
    found = []
    for path, tree in sources:
        here = module_name(path)
        modules: dict[str, str] = {}  # local name -> the lineage module or name it was imported as
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] == "lineage":
                for alias in node.names:
                    modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                    if private(alias.name) and node.module != here:
                        found.append(f"{here}:{node.lineno} imports {node.module}.{alias.name}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "lineage":
                        modules[alias.asname or alias.name] = alias.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                    and private(node.attr) and modules[node.value.id] != here):
                found.append(f"{here}:{node.lineno} uses {modules[node.value.id]}.{node.attr}")
    return sorted(found)


def duplicate_classes(sources: list[tuple[Path, ast.Module]]) -> dict[str, list[str]]:
    where: dict[str, list[str]] = defaultdict(list)
    for path, tree in sources:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                where[node.name].append(module_name(path))
    return {name: mods for name, mods in where.items() if len(mods) > 1}


def duplicate_modules(paths: list[Path]) -> dict[str, list[str]]:
    """Module (and package) names used twice outside ``lineage/cli`` (a command module is named after what it drives);
    ``conftest`` is pytest's."""
    where: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        name = path.parent.name if path.name == "__init__.py" else path.stem
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "cli" or name in ("conftest", "lineage", "__main__"):
            continue
        where[name].append(str(rel))
    return {name: files for name, files in where.items() if len(files) > 1}


def test_no_module_imports_another_modules_private_names():
    assert cross_module_private_imports(trees()) == []


def test_the_private_import_check_fails_on_one(tmp_path):
    path = PACKAGE / "ingest" / "example.py"  # parsed, never written
    tree = ast.parse("from lineage.ingest import text\n\n\ndef f():\n    from lineage.ingest.text import _SPLIT, __all__\n"
                     "    from lineage.ingest.example import _mine\n    return text._LIMIT, text.__doc__\n")
    assert cross_module_private_imports([(path, tree)]) == [
        "lineage.ingest.example:5 imports lineage.ingest.text._SPLIT", "lineage.ingest.example:7 uses lineage.ingest.text._LIMIT"]


def test_class_names_are_unique_across_the_package():
    assert duplicate_classes(trees()) == {}


def test_the_class_check_fails_on_a_duplicate():
    a, b = ast.parse("class Found:\n    pass\n"), ast.parse("class Found:\n    pass\nclass Other:\n    pass\n")
    assert duplicate_classes([(PACKAGE / "a.py", a), (PACKAGE / "b.py", b)]) == {"Found": ["lineage.a", "lineage.b"]}


def test_one_module_per_name_outside_the_cli():
    assert duplicate_modules(SOURCES) == {}
    assert duplicate_modules([PACKAGE / "build.py", PACKAGE / "release" / "build.py", PACKAGE / "cli" / "build.py"]) == {
        "build": ["build.py", "release/build.py"]}


def import_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or not (strongly connected, more than one module)."""
    import networkx as nx

    graph = nx.DiGraph([(a, b) for a, targets in edges.items() for b in targets])
    return sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1)


def test_no_two_modules_import_each_other_even_inside_a_function():
    grimp = pytest.importorskip("grimp", reason="grimp comes with import-linter (the dev extra)")
    graph = grimp.build_graph("lineage", cache_dir=None, exclude_type_checking_imports=True)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert import_cycles(edges) == []


def test_the_cycle_check_finds_a_cycle_through_three_modules():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert import_cycles(edges) == [["a", "b", "c"]]
