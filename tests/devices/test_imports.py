"""The device modules import each other in one direction: no cycles (not even through a late import)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "cinema" / "devices"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Every cinema.devices module `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found |= {n for n in names if n in known}
    return found


def graph() -> dict[str, set[str]]:
    paths = list(PACKAGE.rglob("*.py"))
    known = {module_name(p) for p in paths}
    # a package's __init__ only re-exports: importing a submodule runs it, which is not a cycle of ours
    return {module_name(p): {m for m in imports_of(p, known) if not module_name(p).startswith(m + ".")}
            for p in paths}


def cycle_from(start: str, edges: dict[str, set[str]]) -> list[str] | None:
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in edges.get(node, ()):
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def test_no_device_module_imports_itself_round_a_cycle():
    edges = graph()
    assert "cinema.devices.serial_link" in edges
    cycles = [c for m in sorted(edges) if (c := cycle_from(m, edges))]
    assert cycles == [], " -> ".join(cycles[0])


def test_the_three_serial_adapters_share_the_link_and_not_each_other():
    edges = graph()
    adapters = ["cinema.devices.clickers.manager", "cinema.devices.cards.serial_scanner",
                "cinema.devices.power.vedirect_source"]
    for name in adapters:
        assert "cinema.devices.serial_link" in edges[name]
        assert not edges[name] & set(adapters), name
