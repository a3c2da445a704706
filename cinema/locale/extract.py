"""Find every translatable string in the code and write the `cinema.pot` template.

Run `python -m cinema.locale.extract` after adding strings, then merge the template into
each language's `.po` (e.g. with `pybabel update`). The catalog test uses the same scan.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from cinema.locale.messages import ENGINE_MESSAGES

# Call names that mark a string: _("..."), N_("..."), gettext/ngettext as functions or methods.
_SINGULAR = {"_", "N_", "gettext"}
_PLURAL = {"ngettext"}

MessageId = str | tuple[str, str]


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def scan_source(source: str, filename: str = "<string>") -> list[tuple[MessageId, int]]:
    """Message ids marked in one Python source text, with their line numbers."""
    found: list[tuple[MessageId, int]] = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = _call_name(node)
        if name in _SINGULAR:
            text = _literal(node.args[0])
            if text:
                found.append((text, node.lineno))
        elif name in _PLURAL and len(node.args) >= 2:
            one, many = _literal(node.args[0]), _literal(node.args[1])
            if one and many:
                found.append(((one, many), node.lineno))
    return found


def scan_package(root: Path) -> dict[MessageId, list[tuple[str, int]]]:
    """Every marked message id under `root`, with where it is used."""
    messages: dict[MessageId, list[tuple[str, int]]] = {}
    for path in sorted(root.rglob("*.py")):
        rel = str(path.relative_to(root.parent))
        for msgid, line in scan_source(path.read_text(encoding="utf-8"), rel):
            messages.setdefault(msgid, []).append((rel, line))
    for msgid in ENGINE_MESSAGES:
        messages.setdefault(msgid, []).append(("cinema/locale/messages.py", 0))
    return messages


def build_template(root: Path) -> Catalog:
    catalog = Catalog(project="learning-cinema", domain="cinema", fuzzy=False)
    for msgid, where in scan_package(root).items():
        catalog.add(msgid, locations=where, flags=("python-format",) if "%(" in str(msgid) else ())
    return catalog


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parent.parent
    out = Path(argv[0]) if argv else root / "locale" / "cinema.pot"
    tmp = out.with_suffix(".pot.tmp")
    with tmp.open("wb") as fh:
        write_po(fh, build_template(root), width=100, sort_output=True)
    tmp.replace(out)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
