"""Read a YAML file into plain values that remember the line each value and key came from."""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from cinema.locale.runtime import gettext as _
from pathlib import Path
from typing import Any

import yaml

from cinema.locale.messages import N_

from .problems import Reporter

# Fixes for the PyYAML messages teachers meet most; the raw message alone rarely says what to do.
_SYNTAX_FIXES = (
    ("mapping values are not allowed", N_("text that contains \": \" must be in quotes")),
    ("could not find expected ':'", N_("every key needs a colon after it, e.g. `title: My lesson`")),
    ("did not find expected key", N_("check that this line is indented like the keys above it")),
    ("did not find expected '-' indicator", N_("line up every \"- \" of a list at the same indentation")),
    ("found character that cannot start any token", N_("put this text in quotes")),
    ("found undefined alias", N_("put text that starts with * in quotes")),
    ("found unexpected end of stream", N_("close the quote or bracket that was opened")),
    ("expected a single document", N_("remove the extra --- line: one file holds one document")),
    ("expected <block end>", N_("line this key up with the other keys of its block")),
    ("could not determine a constructor", N_("remove the word that starts with ! or put the text in quotes")),
)
_DEFAULT_SYNTAX_FIX = N_("check the indentation and the quotes on this line and the line above")

# Bounds on one content file (a lesson is a few hundred values; these are far above any real one).
# The size is checked before parsing; nodes and depth while composing; values reached through
# *aliases before anything walks the tree, so an alias bomb costs milliseconds, not gigabytes.
MAX_FILE_BYTES = 512 * 1024
MAX_NODES = 10_000  # values written in the file (a 200-question quiz has about 3000)
MAX_VALUES = 10_000  # values after every *alias is expanded
MAX_DEPTH = 40  # blocks inside blocks


@dataclass
class Node:
    """A YAML value with its line: `value` is a dict[str, Node], a list[Node] or a plain scalar.

    `line` is 1-based: the line of the key for a value under a key, else where the value starts.

    `raw` is the text of a scalar as written (so a PIN like 0123 stays "0123", not the number 83),
    `key_lines` the line of each key of a mapping.
    """

    value: Any
    line: int
    raw: str | None = None
    key_lines: dict[str, int] = field(default_factory=dict)

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)

    @property
    def is_scalar(self) -> bool:
        return not (self.is_mapping or self.is_list)

    def line_of(self, *keys: str) -> int:
        """The line of the key at this path of keys, or of the deepest part of it that exists."""
        node, line = self, self.line
        for key in keys:
            if not node.is_mapping or key not in node.value:
                break
            line, node = node.key_lines[key], node.value[key]
        return line

    def plain(self) -> Any:
        """The value with every Node unwrapped (for callers that do not need lines)."""
        if self.is_mapping:
            return {k: v.plain() for k, v in self.value.items()}
        if self.is_list:
            return [v.plain() for v in self.value]
        return self.value


def read_yaml_file(path: Path, report: Reporter) -> Node | None:
    """The document in `path`, or None after reporting why it cannot be read."""
    try:
        info = path.stat()
    except FileNotFoundError:
        report.add(0, "", _("file not found"), _("check the file name and folder"))
        return None
    except OSError as err:
        report.add(0, "", _("cannot read the file ({reason})").format(reason=err.strerror),
                   _("check the file's permissions and the disk"))
        return None
    if stat.S_ISDIR(info.st_mode):
        report.add(0, "", _("this is a folder, not a YAML file"), _("name a .yaml file"))
        return None
    if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block the reader for good
        report.add(0, "", _("this is not an ordinary file (a pipe or a device)"),
                   _("name a .yaml file saved on the disk"))
        return None
    if info.st_size > MAX_FILE_BYTES:
        report.add(0, "", _("the file is too big ({size} KB; a lesson file is at most {limit} KB)").format(
            size=info.st_size // 1024, limit=MAX_FILE_BYTES // 1024),
                   _("check it is the right file, or split it into smaller files"))
        return None
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat()
    except OSError as err:
        report.add(0, "", _("cannot read the file ({reason})").format(reason=err.strerror),
                   _("check the file's permissions and the disk"))
        return None
    if len(data) > MAX_FILE_BYTES:
        report.add(0, "", _("the file is too big ({size} KB; a lesson file is at most {limit} KB)").format(
            size=len(data) // 1024, limit=MAX_FILE_BYTES // 1024),
                   _("check it is the right file, or split it into smaller files"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        report.add(line, "", _("this line is not UTF-8 text"),
                   _("save the file as UTF-8 (any text editor can: \"Save as\", encoding UTF-8)"))
        return None
    return read_yaml_text(text, report)


def read_yaml_text(text: str, report: Reporter) -> Node | None:
    """Parse `text`; syntax errors and tab indentation become problems with their line."""
    if _report_tabs(text, report):
        return None
    if len(text) > MAX_FILE_BYTES:
        report.add(0, "", _("the file is too big ({size} KB; a lesson file is at most {limit} KB)").format(
            size=len(text.encode("utf-8", "replace")) // 1024, limit=MAX_FILE_BYTES // 1024),
                   _("check it is the right file, or split it into smaller files"))
        return None
    try:
        loader = BoundedLoader(text)  # already checks for characters YAML does not allow
        root = loader.get_single_node()
    except TooMuch as err:
        report.add(err.line, "", _(err.message).format(limit=err.limit), _(err.fix))
        return None
    except RecursionError:  # only if MAX_DEPTH is raised above what Python's stack allows
        report.add(0, "", _(_TOO_DEEP).format(limit=MAX_DEPTH), _(_TOO_DEEP_FIX))
        return None
    except yaml.reader.ReaderError as err:
        line = text[: err.position].count("\n") + 1
        report.add(line, "", _("line {n} has a special character (#x{code:04x}) that YAML does not allow").format(
            n=line, code=err.character), _("delete it; it may be invisible, so retype the line if unsure"))
        return None
    except yaml.MarkedYAMLError as err:
        _report_syntax(err, report)
        return None
    except yaml.YAMLError as err:
        report.add(0, "", _("not valid YAML ({reason})").format(reason=err), _(_DEFAULT_SYNTAX_FIX))
        return None
    if root is None:
        report.add(1, "", _("the file is empty"), _("write the settings into it (see the examples)"))
        return None
    bomb = loader.alias_bomb(root)
    if bomb is not None:
        report.add(bomb, "", _(_TOO_MANY_VALUES).format(limit=MAX_VALUES), _(_TOO_MANY_VALUES_FIX))
        return None
    return _convert(root, loader, report, "", active=set())


_TOO_DEEP = N_("blocks are nested more than {limit} levels deep")
_TOO_DEEP_FIX = N_("a lesson needs only a few levels: check the indentation and the brackets")
_TOO_MANY_NODES = N_("the file has more than {limit} values")
_TOO_MANY_NODES_FIX = N_("split the lesson into smaller files")
_TOO_MANY_VALUES = N_("the *aliases here repeat values more than {limit} times")
_TOO_MANY_VALUES_FIX = N_("write the values out instead of repeating them with *aliases")


class TooMuch(yaml.YAMLError):
    """A bound of this module was passed: the file is refused, naming the line where it happened."""

    def __init__(self, line: int, message: str, fix: str, limit: int) -> None:
        super().__init__(message)
        self.line, self.message, self.fix, self.limit = line, message, fix, limit


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that counts nodes and depth while composing and remembers each *alias,
    so that `alias_bomb` can size the tree as it would be expanded without expanding it."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0
        self._aliases: list[tuple[int, yaml.Node]] = []

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            node = super().compose_node(parent, index)
            self._aliases.append((line, node))
            return node
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise TooMuch(line, _TOO_MANY_NODES, _TOO_MANY_NODES_FIX, MAX_NODES)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise TooMuch(line, _TOO_DEEP, _TOO_DEEP_FIX, MAX_DEPTH)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def alias_bomb(self, root: yaml.Node) -> int | None:
        """None when the tree with every alias expanded stays within MAX_VALUES, else the line of
        the *alias that repeats the most. Sizes are memoised per node: linear in the file."""
        if not self._aliases:
            return None
        sizes: dict[int, int] = {}

        def size(node: yaml.Node) -> int:
            key = id(node)
            if key in sizes:
                return sizes[key]
            sizes[key] = 1  # a node that contains itself counts once (_convert reports it)
            total = 1
            if isinstance(node, yaml.SequenceNode):
                total += sum(size(child) for child in node.value)
            elif isinstance(node, yaml.MappingNode):
                total += sum(size(k) + size(v) for k, v in node.value)
            sizes[key] = min(total, MAX_VALUES + 1)  # capped: the numbers stay small
            return sizes[key]

        if size(root) <= MAX_VALUES:
            return None
        return max(self._aliases, key=lambda alias: sizes.get(id(alias[1]), 0))[0]



def _report_tabs(text: str, report: Reporter) -> bool:
    """PyYAML's own tab error is cryptic, so find tabs in indentation first and name the line."""
    found = False
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        # "- \tvalue" counts as indentation too: the dash is part of the structure.
        rest = line.lstrip(" \t")
        while rest.startswith("-") and rest[1:2] in (" ", "\t"):
            after = rest[1:]
            indent += "-" + after[: len(after) - len(after.lstrip(" \t"))]
            rest = after.lstrip(" \t")
        # PyYAML refuses a leading tab even on a blank or comment line, so those count too.
        if "\t" in indent:
            report.add(number, "", _("line {n} uses a tab for indentation").format(n=number),
                       _("use spaces instead (tabs are not allowed in YAML indentation)"))
            found = True
    return found


def _report_syntax(err: yaml.MarkedYAMLError, report: Reporter) -> None:
    problem = err.problem or str(err)
    mark = err.problem_mark or err.context_mark
    if "end of stream" in problem and err.context_mark is not None:
        mark = err.context_mark  # point at the quote or bracket left open, not at the file's end
    line = mark.line + 1 if mark is not None else 0
    if "'\\t'" in problem:  # a tab after "key:" or inside a flow list
        report.add(line, "", _("line {n} has a tab where YAML needs a space").format(n=line),
                   _("replace the tab with spaces"))
        return
    detail = f"{err.context}, {problem}" if err.context else problem
    fix = next((f for needle, f in _SYNTAX_FIXES if needle in detail), _DEFAULT_SYNTAX_FIX)
    report.add(line, "", _("YAML syntax error: {detail}").format(detail=detail), _(fix))


def _convert(node: yaml.Node, loader: yaml.SafeLoader, report: Reporter, path: str, active: set[int]) -> Node:
    line = node.start_mark.line + 1
    if id(node) in active:  # an alias that contains itself
        report.add(line, "", _("a value refers to itself (recursive &anchor/*alias)"),
                   _("remove the *alias"))
        return Node(None, line)
    active.add(id(node))
    try:
        if isinstance(node, yaml.MappingNode):
            return _convert_mapping(node, loader, report, path, active)
        if isinstance(node, yaml.SequenceNode):
            return Node([_convert(item, loader, report, f"{path}[{i}]", active)
                         for i, item in enumerate(node.value)], line)
        return _convert_scalar(node, loader, report)
    finally:
        active.discard(id(node))


def _convert_mapping(node: yaml.MappingNode, loader: yaml.SafeLoader, report: Reporter, path: str,
                     active: set[int]) -> Node:
    try:
        loader.flatten_mapping(node)  # resolves `<<: *defaults` merge keys
    except yaml.MarkedYAMLError as err:
        _report_syntax(err, report)
    result = Node({}, node.start_mark.line + 1)
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            report.add(key_line, "", _("a key must be a plain word"),
                       _("remove the brackets or braces before the colon"))
            continue
        key = str(key_node.value)
        where = f"{path}.{key}" if path else key
        if key in result.value:
            report.add(key_line, where,
                       _("appears twice in the same block (first on line {line})").format(
                           line=result.key_lines[key]),
                       _("keep one of them"))
            continue
        result.key_lines[key] = key_line
        value = _convert(value_node, loader, report, where, active)
        # A block under a key starts on the next line; a problem with the block as a whole
        # (not a list, too short) reads better on the line that names it.
        value.line = key_line
        result.value[key] = value
    return result


def _convert_scalar(node: yaml.ScalarNode, loader: yaml.SafeLoader, report: Reporter) -> Node:
    line = node.start_mark.line + 1
    try:
        value = loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as err:
        _report_syntax(err, report)
        value = None
    except Exception:  # noqa: BLE001 - `!!int seven`, `!!int` alone: PyYAML's int()/indexing fails raw
        report.add(line, "", _("{text!r} cannot be read as {tag}").format(text=node.value, tag=node.tag),
                   _("remove the !!tag in front of the value"))
        value = None
    raw = node.value if isinstance(node.value, str) else None
    return Node(value, line, raw=raw)
