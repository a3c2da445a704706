"""Declarative schemas: the fields a YAML block may have, their types, ranges and docs.

A Schema reads a mapping Node into plain values, reporting every wrong, missing or unknown
key to a Reporter and substituting the field's default so the caller can go on checking.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from cinema.locale.runtime import gettext as _
from pathlib import Path
from typing import Any, Protocol

from .problems import Reporter, did_you_mean
from .yaml_lines import Node

INVALID: Any = object()  # a value that was wrong; already reported


@dataclass(frozen=True)
class Context:
    """Where problems go, the folder that relative paths in this file start from, and the folders
    its media may come from (empty: anywhere)."""

    report: Reporter
    base: Path
    roots: tuple[Path, ...] = ()


class Value(Protocol):
    """One kind of value: turns a Node into a Python value or reports and returns INVALID."""

    description: str

    def read(self, node: Node, ctx: Context, key: str) -> Any: ...


def _kind_of(node: Node) -> str:
    if node.is_mapping:
        return _("a block of settings")
    if node.is_list:
        return _("a list")
    if node.value is None:
        return _("empty")
    if isinstance(node.value, bool):
        return _("true/false")
    return repr(node.raw if node.raw is not None else node.value)


def _wrong(node: Node, ctx: Context, key: str, wanted: str, fix: str) -> Any:
    ctx.report.add(node.line, key, _("must be {wanted}, not {got}").format(wanted=wanted, got=_kind_of(node)), fix)
    return INVALID


@dataclass(frozen=True)
class Text:
    """Any single word or sentence. Numbers and yes/no are taken as the text written."""

    allow_empty: bool = False
    pattern: str = ""  # a regular expression the whole text must match
    pattern_hint: str = ""  # how to write a matching text, for the fix
    description: str = "text"

    def read(self, node: Node, ctx: Context, key: str) -> Any:
        if not node.is_scalar or (node.value is None and not self.allow_empty):
            return _wrong(node, ctx, key, _("text"), _("write the text after the colon, in quotes if it has a colon"))
        # The text as written: `pin: 0123` must stay "0123", `title: Yes` must stay "Yes".
        text = "" if node.value is None else (node.raw if node.raw is not None else str(node.value))
        text = text.strip()
        if not text and not self.allow_empty:
            ctx.report.add(node.line, key, _("is empty"), _("write some text after the colon"))
            return INVALID
        if self.pattern and text and not re.fullmatch(self.pattern, text):
            ctx.report.add(node.line, key, _("{text!r} is not allowed here").format(text=text), self.pattern_hint)
            return INVALID
        return text


@dataclass(frozen=True)
class Number:
    """An integer or decimal number within [minimum, maximum]; `above` makes the minimum exclusive."""

    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None
    integer: bool = False
    description: str = "number"

    def read(self, node: Node, ctx: Context, key: str) -> Any:
        value = node.value
        ok_types = (int,) if self.integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, ok_types) or (
                isinstance(value, float) and not math.isfinite(value)):
            wanted = _("a whole number") if self.integer else _("a number")
            return _wrong(node, ctx, key, wanted, _("write a number like {example}").format(example=self._example()))
        if self.above is not None and value <= self.above:
            ctx.report.add(node.line, key,
                           _("is {value}, must be more than {low}").format(value=value, low=_n(self.above)),
                           _("use a number above {low}").format(low=_n(self.above)))
            return INVALID
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            ctx.report.add(node.line, key, _("is {value}, must be {range}").format(value=value, range=self._range()),
                           _("use a number {range}").format(range=self._range()))
            return INVALID
        return value

    def _range(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return _("from {low} to {high}").format(low=_n(self.minimum), high=_n(self.maximum))
        if self.maximum is not None:
            return _("up to {high}").format(high=_n(self.maximum))
        return _("of at least {low}").format(low=_n(self.minimum))

    def _example(self) -> str:
        for candidate in (self.minimum, self.above, self.maximum):
            if candidate is not None:
                return _n(candidate + (1 if candidate == self.above else 0))
        return "1"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class Boolean:
    description: str = "true or false"

    def read(self, node: Node, ctx: Context, key: str) -> Any:
        if not isinstance(node.value, bool):
            return _wrong(node, ctx, key, _("true or false"), _("write true or false"))
        return node.value


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of words."""

    choices: tuple[str, ...]
    description: str = "one of a set of words"

    def read(self, node: Node, ctx: Context, key: str) -> Any:
        text = Text().read(node, ctx, key)
        if text is INVALID:
            return INVALID
        if text not in self.choices:
            hint = did_you_mean(text, self.choices)
            valid = ", ".join(self.choices)
            ctx.report.add(node.line, key, _("{text!r} is not valid").format(text=text),
                           f"{hint} " + _("use one of: {valid}").format(valid=valid) if hint
                           else _("use one of: {valid}").format(valid=valid))
            return INVALID
        return text


@dataclass(frozen=True)
class FilePath:
    """A file name, relative to the folder of the YAML file that names it (or absolute)."""

    description: str = "file path (relative to this YAML file's folder)"

    def read(self, node: Node, ctx: Context, key: str) -> Any:
        text = Text().read(node, ctx, key)
        if text is INVALID:
            return INVALID
        # normpath, not resolve(): keep "../demo_media" readable and do not follow symlinks.
        return Path(os.path.normpath(ctx.base / Path(os.path.expanduser(text))))


@dataclass(frozen=True)
class Nullable:
    """`inner`, or null/empty meaning "not set"."""

    inner: Value

    @property
    def description(self) -> str:
        return f"{self.inner.description} or null"

    def read(self, node: Node, ctx: Context, key: str) -> Any:
        if node.value is None:
            return None
        return self.inner.read(node, ctx, key)


@dataclass(frozen=True)
class ListOf:
    """A YAML list whose entries are each `item`; wrong entries are reported and dropped."""

    item: Value
    min_items: int = 0

    @property
    def description(self) -> str:
        return f"list of {self.item.description}"

    def read(self, node: Node, ctx: Context, key: str) -> Any:
        if node.value is None and self.min_items == 0:
            return ()
        if not node.is_list:
            return _wrong(node, ctx, key, _("a list"), _("write each entry on its own line, starting with \"- \""))
        if len(node.value) < self.min_items:
            ctx.report.add(node.line, key, _("needs at least {n} entries").format(n=self.min_items),
                           _("add entries, each on its own line starting with \"- \""))
        values = (self.item.read(entry, ctx, f"{key}[{i}]") for i, entry in enumerate(node.value))
        return tuple(v for v in values if v is not INVALID)


@dataclass(frozen=True)
class Section:
    """A nested block of settings with its own schema."""

    schema: Schema

    @property
    def description(self) -> str:
        return f"block: {self.schema.name}"

    def read(self, node: Node, ctx: Context, key: str) -> Any:
        return self.schema.read(node, ctx, key)


@dataclass(frozen=True)
class Field:
    """One key of a block: its value type, what it means, and whether it must be there."""

    name: str
    value: Value
    doc: str
    required: bool = False
    default: Any = None
    fix_missing: str = ""  # what to write when it is missing; a generic hint otherwise


@dataclass(frozen=True)
class Schema:
    """The keys one kind of YAML block may have."""

    name: str
    doc: str
    fields: tuple[Field, ...]

    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def read(self, node: Node, ctx: Context, path: str = "", skip: frozenset[str] = frozenset()) -> dict[str, Any]:
        """Every field's value (the default where it is missing or wrong); problems go to ctx.

        Keys in `skip` were already judged by the caller and are neither read nor reported.
        """
        values = {f.name: f.default for f in self.fields}
        if not node.is_mapping:
            _wrong(node, ctx, path or self.name, _("a block of `key: value` lines"),
                   _("write one `key: value` per line, indented under {where}").format(where=path or _("the top")))
            return values
        known = {f.name: f for f in self.fields}
        for key, child in node.value.items():
            if key in skip:
                continue
            where = f"{path}.{key}" if path else key
            if key not in known:
                hint = did_you_mean(key, known)
                ctx.report.add(node.key_lines[key], where, _("unknown key"),
                               hint or _("remove it; valid keys here: {keys}").format(keys=", ".join(known)))
                continue
            value = known[key].value.read(child, ctx, where)
            if value is not INVALID:
                values[key] = value
        for f in self.fields:
            if f.required and f.name not in node.value:
                where = f"{path}.{f.name}" if path else f.name
                ctx.report.add(node.line, where, _("is missing"),
                               f.fix_missing or _("add `{name}:` ({doc})").format(
                                   name=f.name, doc=_lower_first(f.doc.rstrip("."))))
        return values

    def describe(self) -> str:
        """A reference of the keys, for documentation and `cinema check --explain`-style help."""
        lines = [f"{self.name}: {self.doc}"]
        for f in self.fields:
            need = "required" if f.required else f"default {f.default!r}"
            lines.append(f"  {f.name} ({f.value.description}; {need}): {f.doc}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Version:
    """The format version: this kiosk reads version 1."""

    description: str = "the number 1"

    def read(self, node: Node, ctx: Context, key: str) -> Any:
        if node.value != 1 or isinstance(node.value, bool):
            shown = node.raw if node.raw is not None else _kind_of(node)
            ctx.report.add(node.line, key, _("is {value}, but this kiosk reads version 1 files").format(value=shown),
                           _("write `version: 1` (and check the file follows the version 1 format)"))
            return INVALID
        return 1


VERSION_FIELD = Field(
    "version", Version(),
    "Format version of this file. Must be 1; a later kiosk that changes the format can then tell old files apart.",
    required=True, fix_missing="add `version: 1` as the first line",
)


@dataclass(frozen=True)
class Raw:
    """Leaves the Node as it is, for a caller whose rules depend on other keys (item type, kind)."""

    description: str = "see below"

    def read(self, node: Node, ctx: Context, key: str) -> Any:
        return node


ID_TEXT = Text(pattern=r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}",
               pattern_hint="use letters, digits, '-', '_' or '.', with no spaces, e.g. water-quiz")
