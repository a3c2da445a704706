"""No two modules of `cinema` import each other, directly or round a loop, even inside a function.

A cycle means neither module can be read, tested or moved alone (`cli.py` and `doctor.py` each
had their own idea of which config to read because of one). Imports inside functions count:
they defer the loop to run time, they do not remove it. Imports under `if TYPE_CHECKING:`
do not count: they never run, and they let an adapter be typed by the `Protocol` it meets.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.app.kiosk_project import ROOT

PACKAGE = ROOT / "cinema"


def module_names() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def _runtime_nodes(tree: ast.AST):
    """Every node, except what sits under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                stack.extend(child.orelse)
            else:
                stack.append(child)


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> dict[str, int]:
    """The package's modules that `name` imports, each with the line of its first import."""

    def known(target: str) -> str | None:
        while target and target not in modules:  # `cinema.config.load_kiosk_config` -> `cinema.config`
            target = target.rpartition(".")[0]
        return target or None

    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        targets: list[str | None] = []
        if isinstance(node, ast.Import):
            targets = [known(a.name) for a in node.names if a.name.split(".")[0] == "cinema"]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(up + ([node.module] if node.module else []))
            if base.split(".")[0] == "cinema":
                # `from cinema.config import locate` imports the module `locate`, not only the package.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else known(base) for a in node.names]
        for target in targets:
            if target and target != name:
                found.setdefault(target, node.lineno)
    return found


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)


def describe(group: list[str], graph: dict[str, dict[str, int]], modules: dict[str, Path]) -> str:
    members = set(group)
    lines = [f"  {a} imports {b} ({modules[a].relative_to(ROOT)}:{line})"
             for a in group for b, line in sorted(graph[a].items()) if b in members]
    return "cycle between " + ", ".join(group) + ":\n" + "\n".join(lines)


def test_the_checker_finds_a_loop_and_accepts_a_chain():
    assert cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {}}) == []


def test_no_module_of_cinema_imports_itself_round_a_loop():
    modules = module_names()
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    found = cycles(graph)
    assert not found, "\n\n".join(describe(g, graph, modules) for g in found)
