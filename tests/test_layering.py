"""The layout stays as designed: layers import downwards only, and no module imports itself back.

Imports inside functions count as imports here: they hide a dependency, they don't remove it.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_the_import_contracts_of_pyproject_are_kept():
    # Features build on the shared web layer, which builds on the base; never the reverse.
    result = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def cycles(graph) -> list[list[str]]:
    """Return the groups of modules that import each other, directly or through others."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_of_the_forum_imports_itself_back():
    graph = grimp.build_graph("forum", cache_dir=None)

    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("a", "a.b", "a.c", "a.d"):
        graph.add_module(name)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.b")
    graph.add_import(importer="a.c", imported="a.d")

    assert cycles(graph) == [["a.b", "a.c"]]


def python_files():
    return sorted((ROOT / "forum").rglob("*.py"))


def test_no_module_takes_a_private_name_from_another_package():
    borrowed = []
    for path in python_files():
        own_package = ".".join(path.relative_to(ROOT).parts[:2])
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("forum."):
                other_package = ".".join(node.module.split(".")[:2])
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private and other_package != own_package.removesuffix(".py"):
                    borrowed.append((str(path.relative_to(ROOT)), node.module, private))
    assert borrowed == []


def test_routes_and_commands_are_registered_explicitly_not_by_tail_imports():
    tails = [str(path.relative_to(ROOT)) for path in python_files()
             if "E402" in path.read_text()]
    assert tails == []
