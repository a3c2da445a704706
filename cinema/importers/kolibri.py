"""Read a Kolibri channel exported to a USB drive: list its topics, and make one topic a lesson draft.

An export is `KOLIBRI_DATA/content/databases/<channel id>.sqlite3` (the channel's content database,
Kolibri's content schema) and `KOLIBRI_DATA/content/storage/<c0>/<c1>/<md5>.<ext>` (the files). The
database is read with sqlite3 only, read-only, and everything read from it is bounded: its size, the
nodes read, the depth of the tree, the length of every text, the time a query may take; perseus
exercise files too (entries, sizes). Nodes are walked from the channel's root down in Kolibri's own
order (lft, then sort_order), so a loop made of parent ids is never followed.

What becomes what: videos (the best video file on the drive, with their .vtt subtitles by language)
and audio become media items; PDF documents become slides (cinema.importers.pdf); perseus exercises
become quizzes where every question is multiple choice with one right answer (or a one-digit number);
everything else is Skipped with the reason. A file the database names but the drive lacks, or one
of the wrong size, stops the import with a line naming the resource and the file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from cinema.locale.runtime import gettext as _, ngettext

from .drafts import (
    Draft, ImportContext, ImportProblem, LessonDraft, MediaDraft, QuestionDraft, QuizDraft, Skipped, key_for,
    problem_line,
)
from .perseus import PerseusDamaged, id_list, read_perseus

MAX_DATABASE_BYTES = 2 * 1024 ** 3  # Khan Academy's biggest channels are a few hundred MB
MAX_DATABASES = 64  # channels on one drive
MAX_NODES = 200_000  # nodes read from one channel database
MAX_DEPTH = 32  # levels below a channel's root
MAX_TOPICS = 2_000  # topics listed, over all channels
MAX_RESOURCES = 300  # resources in one lesson
MAX_FILES_PER_NODE = 64
MAX_MANIFEST_BYTES = 32 * 1024 * 1024
MAX_TITLE = 200  # characters, as in Kolibri's schema
QUERY_SECONDS = 60.0  # one database's reading, all queries together
_HASH_LIMIT = 64 * 1024 * 1024  # small files (documents, exercises, subtitles) are checked against their md5

_CHANNEL_ID = re.compile(r"[0-9a-f]{32}")
_STORED = re.compile(r"[0-9a-f]{32}(-data)?")  # kolibri/core/content/utils/paths.py VALID_STORAGE_FILENAME
_EXTENSION = re.compile(r"[0-9a-z]{1,10}")
_LANGUAGE = re.compile(r"[a-z]{2,3}([_-][A-Za-z0-9]{2,8})?")  # what playlists accept (LANGUAGE_CODE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

VIDEO_PRESETS = ("high_res_video", "low_res_video")  # best first: the projector shows the bigger picture
VIDEO_FORMATS = ("mp4", "webm")  # mp4 first: Kolibri's are H.264, which this laptop plays with no conversion


@dataclass(frozen=True)
class Topic:
    """A topic of a channel on the drive: what `--topic` chooses, listed with what it holds."""

    channel: str  # the channel's name
    channel_id: str
    id: str  # the topic's content node id
    title: str
    path: str  # "Channel / Science / Water"
    language: str | None  # the topic's (or channel's) Kolibri language id, e.g. "ar", "pt-BR"
    videos: int
    audio: int
    documents: int
    exercises: int
    other: int  # apps, books and the rest (skipped on import)
    database: Path
    depth: int = 1  # levels below the channel's root

    @property
    def resources(self) -> int:
        return self.videos + self.audio + self.documents + self.exercises + self.other

    def summary(self) -> str:
        """`Channel / Science / Water — 2 videos, 1 document, 1 exercise`, in the teacher's language."""
        parts = [ngettext("{n} video", "{n} videos", self.videos).format(n=self.videos) if self.videos else "",
                 ngettext("{n} sound", "{n} sounds", self.audio).format(n=self.audio) if self.audio else "",
                 ngettext("{n} document", "{n} documents", self.documents).format(n=self.documents)
                 if self.documents else "",
                 ngettext("{n} exercise", "{n} exercises", self.exercises).format(n=self.exercises)
                 if self.exercises else "",
                 ngettext("{n} other resource", "{n} other resources", self.other).format(n=self.other)
                 if self.other else ""]
        return f"{self.path} — {', '.join(p for p in parts if p)}"


# ---- finding the export ---------------------------------------------------------------------------

def content_folder(path: Path | str) -> Path | None:
    """The `content` folder of a Kolibri export at `path`: a USB drive's root holding KOLIBRI_DATA, the
    KOLIBRI_DATA folder, its content folder, its databases folder, or one channel database in it."""
    path = Path(path)
    try:
        if path.is_file():
            return path.parent.parent if path.suffix == ".sqlite3" and path.parent.name == "databases" else None
        if not path.is_dir():
            return None
        candidates = [path.parent] if path.name == "databases" else [path / "content", path]
        candidates += [entry / "content" for entry in _entries(path) if entry.name.lower() == "kolibri_data"]
        for candidate in candidates:
            if _databases(candidate):
                return candidate
    except OSError:
        return None
    return None


def is_kolibri(path: Path | str) -> bool:
    """True for a Kolibri export (see content_folder): `cinema import` then reads it as a channel."""
    return content_folder(path) is not None


def _entries(folder: Path, limit: int = 5_000) -> list[Path]:
    try:
        return sorted(itertools.islice(folder.iterdir(), limit))
    except OSError:
        return []


def _databases(content: Path) -> list[Path]:
    folder = content / "databases"
    if not folder.is_dir():
        return []
    found = [p for p in _entries(folder) if p.suffix == ".sqlite3" and _CHANNEL_ID.fullmatch(p.stem) and p.is_file()]
    return found[:MAX_DATABASES]


# ---- reading one channel database -----------------------------------------------------------------

@dataclass(frozen=True)
class _Node:
    id: str
    parent: str | None
    kind: str
    title: str
    available: bool
    order: tuple[float, float]
    lang: str | None


@dataclass
class _Channel:
    database: Path
    content: Path
    id: str
    name: str
    root: str
    nodes: dict[str, _Node]
    children: dict[str, list[str]]
    exported: frozenset[str] | None = None  # manifest.json: the nodes whose subtrees are on the drive

    def on_drive(self, node_id: str) -> bool:
        """Is the node in what Kolibri exported (itself or a topic above it in manifest.json)?"""
        if self.exported is None:
            return True
        for _step in range(MAX_DEPTH + 2):
            if node_id in self.exported:
                return True
            node = self.nodes.get(node_id)
            if node is None or node.parent is None:
                return False
            node_id = node.parent
        return False

    def walk(self, start: str, depth_limit: int = MAX_DEPTH) -> Iterator[tuple[_Node, int, tuple[str, ...]]]:
        """(node, depth below start, titles from start down to it), depth first in Kolibri's order; each
        node once (a parent-id loop is never followed), never deeper than depth_limit."""
        seen = {start}
        stack = [(start, 0, (self.nodes[start].title,))]
        while stack:
            node_id, depth, titles = stack.pop()
            yield self.nodes[node_id], depth, titles
            if depth >= depth_limit:
                continue
            kids = [k for k in self.children.get(node_id, ()) if k not in seen]
            seen.update(kids)
            stack.extend((k, depth + 1, (*titles, self.nodes[k].title)) for k in reversed(kids))


class _Damaged(Exception):
    """A database, or a file in the export, that cannot be read: one whole line for the teacher."""


def _text(value: object, limit: int = MAX_TITLE) -> str:
    if isinstance(value, str) and len(value) <= limit and value.isprintable():  # nearly every title
        return value.strip() if "  " not in value else " ".join(value.split())
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return " ".join(_CONTROL.sub(" ", text[: limit * 2]).split())[:limit]


class _Database:
    """A channel database opened read-only (it may sit on a write-protected drive), every query under one
    deadline: a huge or hostile database fails alone, with a message."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            size = path.stat().st_size
        except OSError as error:
            raise _Damaged(_line(path, _("cannot be read ({error})").format(error=error.strerror or error),
                                 _("export the channel to the drive again from Kolibri")))
        if size > MAX_DATABASE_BYTES:
            raise _Damaged(_line(path, _("is too big for a channel database ({size} MB)").format(
                size=size // 1024 ** 2), _("export the channel to the drive again from Kolibri")))
        deadline = time.monotonic() + QUERY_SECONDS
        try:
            self.db = sqlite3.connect(path.absolute().as_uri() + "?mode=ro&immutable=1", uri=True)
        except sqlite3.Error as error:
            raise self.damaged(error)
        self.db.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 20_000)

    def damaged(self, error: Exception) -> _Damaged:
        if "interrupted" in str(error):
            return _Damaged(_line(self.path, _("took too long to read (more than {n} seconds)").format(
                n=int(QUERY_SECONDS)), _("the drive may be failing: copy the channel to it again from Kolibri")))
        return _Damaged(_line(self.path, _("this Kolibri channel database is damaged ({error})").format(error=error),
                              _("export the channel to the drive again from Kolibri")))

    def query(self, sql: str, args: tuple = ()) -> list[tuple]:
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.Error as error:
            raise self.damaged(error)

    def columns(self, table: str) -> set[str]:
        return {row[1] for row in self.query(f"PRAGMA table_info({table})")}

    def close(self) -> None:
        self.db.close()


def _line(path: Path | str, what: str, fix: str) -> str:
    return problem_line(path if isinstance(path, str) else _shown(path), what, fix)


def _shown(path: Path) -> str:
    """A file of the export as the teacher finds it on the drive: from KOLIBRI_DATA (or content) on."""
    parts = path.parts
    for anchor in ("KOLIBRI_DATA", "content"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor):])
    return str(path)


_NEEDED = {"content_channelmetadata": {"id", "name", "root_id"},
           "content_contentnode": {"id", "parent_id", "kind", "title"},
           "content_file": {"contentnode_id", "local_file_id", "preset"},
           "content_localfile": {"id", "extension"}}


def _read_channel(path: Path) -> _Channel:
    db = _Database(path)
    try:
        for table, needed in _NEEDED.items():
            missing = needed - db.columns(table)
            if missing:
                what = _("is not a channel database Kolibri 0.9 or newer made (no {what})").format(
                    what=f"{table}.{sorted(missing)[0]}")
                raise _Damaged(_line(path, what, _("import the channel into a newer Kolibri and export it to the "
                                                   "drive again")))
        have = db.columns("content_contentnode")
        optional = ", ".join(c if c in have else "NULL" for c in ("available", "lft", "sort_order", "lang_id"))
        channels = db.query("SELECT id, substr(name, 1, 400), root_id FROM content_channelmetadata LIMIT 2")
        if not channels:
            raise _Damaged(_line(path, _("names no channel"), _("export the channel to the drive again from Kolibri")))
        channel_id, name, root = channels[0]
        rows = db.query(f"SELECT id, parent_id, substr(kind, 1, 40), substr(title, 1, {MAX_TITLE * 2}), {optional} "
                        f"FROM content_contentnode LIMIT {MAX_NODES + 1}")
        if len(rows) > MAX_NODES:
            raise _Damaged(_line(path, _("holds more than {n} resources and topics").format(n=MAX_NODES),
                                 _("export only the topics you need from Kolibri")))
    finally:
        db.close()
    nodes: dict[str, _Node] = {}
    children: dict[str, list[str]] = {}
    kinds: dict[object, str] = {}  # a channel has a handful of kinds and languages: each cleaned once
    languages: dict[object, str | None] = {}
    for node_id, parent, kind, title, available, lft, sort_order, lang in rows:
        if not isinstance(node_id, str) or not 0 < len(node_id) <= 64:
            continue
        if kind not in kinds:
            kinds[kind] = _text(kind, 40).lower()
        if lang not in languages:
            languages[lang] = _language(lang)
        nodes[node_id] = _Node(id=node_id, parent=parent if isinstance(parent, str) else None,
                               kind=kinds[kind], title=_text(title) or node_id[:8],
                               available=available is None or available not in (0, "0", "", b"0"),
                               order=(_number(lft), _number(sort_order)), lang=languages[lang])
    for node in nodes.values():
        if node.parent in nodes and node.parent != node.id:
            children.setdefault(node.parent, []).append(node.id)
    for kids in children.values():
        kids.sort(key=lambda k: nodes[k].order)
    if not isinstance(root, str) or root not in nodes:
        raise _Damaged(_line(path, _("its channel's first topic is missing"),
                             _("export the channel to the drive again from Kolibri")))
    return _Channel(database=path, content=path.parent.parent, id=_text(channel_id, 64), name=_text(name) or
                    nodes[root].title, root=root, nodes=nodes, children=children)


def _number(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and value == value else 0.0


def _language(value: object) -> str | None:
    """A Kolibri language id as a playlist's language code: `pt-BR` stays, `es_419`... stays; unusable
    ones fall back to their base code, else none."""
    if not isinstance(value, str) or not value:
        return None
    value = value.strip()[:20]
    if _LANGUAGE.fullmatch(value):
        return value
    base = re.split(r"[-_]", value)[0].lower()
    return base if _LANGUAGE.fullmatch(base) else None


# ---- topics --------------------------------------------------------------------------------------

_KINDS = {"video": "videos", "audio": "audio", "document": "documents", "exercise": "exercises"}


def _survey(content: Path) -> tuple[list[Topic], list[tuple[Path, str]]]:
    """The topics of every channel on the drive (channels by name, each in Kolibri's order), and
    (database, problem) for each database that cannot be read. One channel is in memory at a time."""
    exported = _manifest(content)
    surveyed, problems = [], []
    for database in _databases(content):
        try:
            channel = _read_channel(database)
        except _Damaged as problem:
            problems.append((database, str(problem)))
            continue
        channel.exported = exported.get(channel.id)
        surveyed.append((channel.name.casefold(), channel.id, _topics_of(channel, MAX_TOPICS)))
    surveyed.sort(key=lambda entry: entry[:2])  # as the teacher looks for them: by name
    return [t for _name, _id, found in surveyed for t in found][:MAX_TOPICS], problems


def _manifest(content: Path) -> dict[str, frozenset[str]]:
    """KOLIBRI_DATA/content/manifest.json, which Kolibri writes when it exports resources: for each channel,
    the nodes whose subtrees are on the drive. A channel it does not name (or no usable manifest): all."""
    path = content / "manifest.json"
    try:
        if not path.is_file() or path.stat().st_size > MAX_MANIFEST_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    channels = data.get("channels") if isinstance(data, dict) else None
    found: dict[str, set[str]] = {}
    for channel in channels[:MAX_DATABASES * 8] if isinstance(channels, list) else []:
        ids = channel.get("include_node_ids") if isinstance(channel, dict) else None
        if isinstance(channel.get("id") if isinstance(channel, dict) else None, str) and isinstance(ids, list):
            found.setdefault(channel["id"], set()).update(i for i in ids[:MAX_NODES] if isinstance(i, str))
    return {channel_id: frozenset(ids) for channel_id, ids in found.items()}


def _zero() -> dict[str, int]:
    return {"videos": 0, "audio": 0, "documents": 0, "exercises": 0, "other": 0}


def _topics_of(channel: _Channel, limit: int) -> list[Topic]:
    counts: dict[str, dict[str, int]] = {}
    listed: list[tuple[_Node, tuple[str, ...], int]] = []
    parents: dict[str, str] = {}
    included: dict[str, bool] = {}
    order: list[str] = []
    for node, depth, titles in channel.walk(channel.root):
        order.append(node.id)
        included[node.id] = channel.exported is None or node.id in channel.exported or included.get(
            parents.get(node.id, ""), False)
        for kid in channel.children.get(node.id, ()):
            parents.setdefault(kid, node.id)
        if node.kind == "topic" and depth > 0 and node.available:
            listed.append((node, titles, depth))
    for node_id in reversed(order):  # children before parents: each resource counted in every topic above it
        node = channel.nodes[node_id]
        parent = parents.get(node_id)
        if parent is None:
            continue
        if node_id in counts:
            for name, n in counts[node_id].items():
                counts.setdefault(parent, _zero())[name] += n
        if node.kind != "topic" and node.available and included[node_id]:
            counts.setdefault(parent, _zero())[_KINDS.get(node.kind, "other")] += 1
    topics = []
    for node, titles, depth in listed[:limit]:
        c = counts.get(node.id, _zero())
        if sum(c.values()):
            lang = next((n.lang for n in _ancestry(channel, node.id, parents) if n.lang), None)
            topics.append(Topic(channel=channel.name, channel_id=channel.id, id=node.id, title=node.title,
                                path=" / ".join((channel.name, *titles[1:])), language=lang,
                                database=channel.database, depth=depth, **c))
    return topics


def _ancestry(channel: _Channel, node_id: str, parents: dict[str, str]) -> Iterator[_Node]:
    for _step in range(MAX_DEPTH + 2):
        yield channel.nodes[node_id]
        if node_id not in parents:
            return
        node_id = parents[node_id]


def topics(path: Path | str) -> list[Topic]:
    """Every topic (with something in it) of every channel on the drive, in Kolibri's order.
    Raises ImportProblem when the path is no export, or when no database on it can be read."""
    content = content_folder(path)
    if content is None:
        raise ImportProblem(_not_kolibri(Path(path)))
    found, problems = _survey(content)
    if problems and not found:
        raise ImportProblem([line for _database, line in problems])
    return found


def _not_kolibri(path: Path) -> str:
    return _line(str(path), _("is not a Kolibri channel export (no KOLIBRI_DATA/content/databases)"),
                 _("in Kolibri, export the channel to this drive (Device > Channels > Export), then give the "
                   "drive or its KOLIBRI_DATA folder"))


# ---- choosing a topic ----------------------------------------------------------------------------

def _squash(text: str) -> str:
    return " / ".join(part.strip() for part in text.casefold().split("/"))


Ask = Callable[[str], str]  # shows a question on the terminal, returns what the teacher typed


def choose_topic(found: list[Topic], wanted: str | None, ask: Ask | None = None) -> Topic:
    """The topic `wanted` names (its id, title or path, any case; the path with or without the channel's
    name), or the only one there is, or the one the teacher picks from a numbered list through `ask`.
    Raises ImportProblem listing the topics."""
    if not found:
        raise ImportProblem(_line(_("Kolibri export"), _("has no topic with videos, documents or exercises"),
                                  _("export a topic with its resources from Kolibri")))
    if wanted is None or not wanted.strip():
        top = [t for t in found if t.depth == 1]
        if len({t.channel_id for t in found}) == 1 and len(top) == 1:
            return top[0]
        if ask is not None:
            chosen = _ask_topic(found, ask)
            if chosen is not None:
                return chosen
        raise ImportProblem([_line(_("Kolibri export"), _("has several topics"),
                                   _("choose one with --topic NAME; the topics are:")), *_listing(found)])
    key = _squash(wanted)
    for test in (lambda t: t.id.casefold() == key, lambda t: _squash(t.path) == key,
                 lambda t: _squash(t.path).split(" / ", 1)[-1] == key,
                 lambda t: t.title.casefold() == wanted.strip().casefold(),
                 lambda t: _squash(t.path).endswith(" / " + key)):
        matches = [t for t in found if test(t)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ImportProblem([_line(f"--topic {wanted}", _("more than one topic has this name"),
                                       _("give its whole path or its id, one of:")),
                                 *(f"  {t.path}  ({t.id})" for t in matches[:50])])
    raise ImportProblem([_line(f"--topic {wanted}", _("no topic of this Kolibri export has this name"),
                               _("choose one with --topic NAME; the topics are:")), *_listing(found)])


def _ask_topic(found: list[Topic], ask: Ask, shown: int = 99) -> Topic | None:
    """A numbered list of the topics; the teacher types a number (or a topic's name). None: no answer."""
    listed = found[:shown]
    question = "\n".join([_("The topics of this Kolibri export:"),
                          *(f"{n:>3}. {t.summary()}" for n, t in enumerate(listed, start=1)),
                          *([_("(and {n} more: give --topic NAME for them)").format(n=len(found) - shown)]
                            if len(found) > shown else []),
                          _("Which topic? Type its number, or nothing to stop: ")])
    for _attempt in range(3):
        try:
            answer = ask(question).strip()
        except EOFError:
            return None
        if not answer:
            return None
        if answer.isdigit() and 1 <= int(answer) <= len(listed):
            return listed[int(answer) - 1]
        try:
            return choose_topic(found, answer)
        except ImportProblem:
            question = _("No topic has the number or name {answer}. Type a number from 1 to {n}: ").format(
                answer=answer[:60], n=len(listed))
    return None


def _listing(found: list[Topic], limit: int = 60) -> list[str]:
    lines = [f"  {t.summary()}" for t in found[:limit]]
    if len(found) > limit:
        more = len(found) - limit
        lines.append("  " + ngettext("... and {n} more", "... and {n} more", more).format(n=more))
    return lines


# ---- reading a topic -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _File:
    preset: str
    lang: str | None
    supplementary: bool
    checksum: str
    extension: str
    size: int | None
    path: Path | None  # None when its name in the database is not a storage file name


def read_kolibri(path: Path | str, topic: str | None, ctx: ImportContext, ask: Ask | None = None, *,
                 language: str | None = None) -> LessonDraft:
    """The lesson a topic of a Kolibri export makes. `topic`: its title, path or id (None: the only
    topic, else the teacher picks one from a numbered list shown with `ask(question) -> typed answer`,
    else ImportProblem listing the topics: "give --topic NAME").
    The lesson's language is `language` (the teacher's --language) when given, else the topic's or
    the channel's in Kolibri, else ctx.language. Raises ImportProblem with every problem found."""
    content = content_folder(path)
    if content is None:
        raise ImportProblem(_not_kolibri(Path(path)))
    found, damaged = _survey(content)
    try:
        chosen = choose_topic(found, topic, ask)
        channel = _read_channel(chosen.database)
    except ImportProblem as problem:
        raise ImportProblem([*(line for _database, line in damaged), *problem.problems]) from None
    except _Damaged as problem:
        raise ImportProblem(str(problem)) from None
    channel.exported = _manifest(content).get(channel.id)
    skipped = [Skipped(_shown(database), line) for database, line in damaged]
    reader = _TopicReader(channel, chosen, ctx)
    items, more_skipped = reader.read()
    lesson_language = language or chosen.language or ctx.language
    # The topic's words and its id: two channels' "Unit 1" are two lessons; importing it again, the same one.
    # At most 34 characters, so that activity ids NAME--KEY stay within 64.
    words = key_for(chosen.title.replace(".", " "), limit=25)
    name = f"{'kolibri' if words == 'item' else words}-{key_for(chosen.id.replace('.', '-'), limit=8)}"
    return LessonDraft(title=chosen.title, language=lesson_language, items=tuple(items),
                       skipped=tuple(skipped + more_skipped), name=name, subject=None)


class _TopicReader:
    """One topic's resources, in order, as drafts (and what is skipped, and every problem)."""

    def __init__(self, channel: _Channel, topic: Topic, ctx: ImportContext) -> None:
        self.channel, self.topic, self.ctx = channel, topic, ctx
        self.problems: list[str] = []
        self.skipped: list[Skipped] = []
        self.keys: set[str] = set()
        self.work = ctx.work / "kolibri"

    def read(self) -> tuple[list[Draft], list[Skipped]]:
        resources: list[tuple[_Node, str]] = []
        for node, depth, titles in self.channel.walk(self.topic.id):
            if node.kind == "topic":
                continue
            place = " / ".join((self.topic.path, *titles[1:]))
            if not node.available:
                self._skip(place, _("not in this export (Kolibri marks it unavailable)"))
                continue
            if not self.channel.on_drive(node.id):
                self._skip(place, _("not on this drive (Kolibri did not export it)"))
                continue
            resources.append((node, place))
        if len(resources) > MAX_RESOURCES:
            raise ImportProblem(_line(self.topic.path, _("has {n} resources; a lesson takes at most {max}").format(
                n=len(resources), max=MAX_RESOURCES), _("choose a smaller topic inside it with --topic")))
        files, questions = self._metadata([node.id for node, _place in resources])
        items: list[Draft] = []
        bar = self.ctx.progress(_("Reading {topic}").format(topic=self.topic.title), len(resources), unit="item")
        try:
            for node, place in resources:
                items += self._resource(node, place, files.get(node.id, []), questions.get(node.id))
                bar.update(1)
        finally:
            bar.close()
        if self.problems:
            raise ImportProblem(self.problems)
        return items, self.skipped

    # the database's rows for the chosen resources
    def _metadata(self, ids: list[str]) -> tuple[dict[str, list[_File]], dict[str, list[str]]]:
        files: dict[str, list[_File]] = {}
        questions: dict[str, list[str]] = {}
        if not ids:
            return files, questions
        try:
            db = _Database(self.channel.database)
        except _Damaged as problem:
            raise ImportProblem(str(problem)) from None
        try:
            have = db.columns("content_file")
            optional = ", ".join(f"f.{c}" if c in have else "NULL" for c in ("lang_id", "supplementary", "priority"))
            size = "lf.file_size" if "file_size" in db.columns("content_localfile") else "NULL"
            assessed = {"contentnode_id", "assessment_item_ids"} <= db.columns("content_assessmentmetadata")
            for start in range(0, len(ids), 400):
                chunk = tuple(ids[start:start + 400])
                marks = ",".join("?" * len(chunk))
                for node_id, preset, lang, supplementary, _priority, checksum, extension, file_size in db.query(
                        f"SELECT f.contentnode_id, substr(f.preset, 1, 60), {optional}, lf.id, "
                        f"substr(lf.extension, 1, 40), {size} FROM content_file f JOIN content_localfile lf "
                        f"ON lf.id = f.local_file_id WHERE f.contentnode_id IN ({marks}) "
                        f"ORDER BY f.contentnode_id, f.priority LIMIT {len(chunk) * MAX_FILES_PER_NODE}", chunk):
                    found = files.setdefault(node_id, [])
                    if len(found) < MAX_FILES_PER_NODE:
                        found.append(self._file(preset, lang, supplementary, checksum, extension, file_size))
                if assessed:
                    for node_id, item_ids in db.query(
                            "SELECT contentnode_id, substr(assessment_item_ids, 1, 200000) FROM "
                            f"content_assessmentmetadata WHERE contentnode_id IN ({marks}) LIMIT {len(chunk)}", chunk):
                        questions[node_id] = id_list(item_ids)
        except _Damaged as problem:
            raise ImportProblem(str(problem)) from None
        finally:
            db.close()
        return files, questions

    def _file(self, preset, lang, supplementary, checksum, extension, size) -> _File:
        checksum = checksum if isinstance(checksum, str) else ""
        extension = (extension if isinstance(extension, str) else "").lower()
        ok = _STORED.fullmatch(checksum) and _EXTENSION.fullmatch(extension)
        storage = self.channel.content / "storage"
        path = storage / checksum[0] / checksum[1] / f"{checksum}.{extension}" if ok else None
        return _File(preset=_text(preset, 60), lang=_language(lang), supplementary=bool(supplementary),
                     checksum=checksum[:40], extension=extension[:10], size=size if isinstance(size, int) else None,
                     path=path)

    def _key(self, node: _Node) -> str:
        """Stable over imports of the same channel: a few words of the title (for the teacher reading the
        playlist; the kind when the title has no Latin letters), then the node id's first 8 characters."""
        words = key_for(node.title.replace(".", " "), limit=18)
        base = f"{node.kind[:10] if words == 'item' else words}-{key_for(node.id.replace('.', '-'), limit=8)}"
        key = key_for(base, self.keys)
        self.keys.add(key)
        return key

    def _present(self, file: _File, place: str, *, check_hash: bool = False) -> Path | None:
        """The file in storage, or None with a problem naming the resource and the file."""
        again = _("export the channel to the drive again from Kolibri")
        if file.path is None:
            what = _("its file has a name that is not a Kolibri storage name ({name})").format(
                name=f"{file.checksum}.{file.extension}"[:60])
            self.problems.append(_line(place, what, again))
            return None
        try:
            actual = file.path.stat().st_size if file.path.is_file() else None
        except OSError:
            actual = None
        if actual is None:
            self.problems.append(_line(place, _("its file {file} is not on the drive").format(file=_shown(file.path)),
                                       _("export this topic from Kolibri again with all its resources, or choose "
                                         "another topic")))
            return None
        if not Path(os.path.realpath(file.path)).is_relative_to(os.path.realpath(self.channel.content)):
            what = _("its file {file} is a link to a file outside the drive's Kolibri folder").format(
                file=_shown(file.path))  # a drive must not bring the laptop's own files into a lesson
            self.problems.append(_line(place, what, again))
            return None
        if file.size and actual != file.size:
            what = _("its file {file} is cut short or altered ({have} of {want} bytes)").format(
                file=_shown(file.path), have=actual, want=file.size)
            self.problems.append(_line(place, what, again))
            return None
        if check_hash and actual <= _HASH_LIMIT and len(file.checksum) == 32 and _md5(file.path) != file.checksum:
            self.problems.append(_line(place, _("its file {file} is damaged (its checksum does not match)").format(
                file=_shown(file.path)), again))
            return None
        return file.path

    def _skip(self, place: str, reason: str) -> list[Draft]:
        """Left out, named the way the teacher finds it under the topic: `Rain › Rain song`."""
        below = place[len(self.topic.path) + 3:] if place.startswith(self.topic.path + " / ") else place
        self.skipped.append(Skipped(below.replace(" / ", " \u203a "), reason))
        return []

    def _resource(self, node: _Node, place: str, files: list[_File], item_ids: list[str] | None) -> list[Draft]:
        main = [f for f in files if not f.supplementary and f.preset not in _THUMBNAILS]
        if node.kind == "video":
            return self._video(node, place, files)
        if node.kind == "audio":
            sound = next((f for f in main if f.preset == "audio" and f.extension in ("mp3", "ogg", "m4a", "wav")), None)
            if sound is None:
                return self._skip(place, _("a sound with no sound file Kolibri plays"))
            stored = self._present(sound, place)
            return [MediaDraft(kind="audio", source=stored, title=node.title, key=self._key(node))] if stored else []
        if node.kind == "document":
            return self._document(node, place, main)
        if node.kind in ("exercise", "quiz"):  # le-utils' newer quiz kind carries the same files
            return self._exercise(node, place, main, item_ids)
        return self._skip(place, _OTHER.get(node.kind, _other_reason)(node.kind))

    def _video(self, node: _Node, place: str, files: list[_File]) -> list[Draft]:
        videos = sorted((f for f in files if f.preset in VIDEO_PRESETS and f.extension in VIDEO_FORMATS),
                        key=lambda f: (VIDEO_FORMATS.index(f.extension), VIDEO_PRESETS.index(f.preset)))
        if not videos:
            return self._skip(place, _("a video with no video file the kiosk plays (mp4 or webm)"))
        present = next((f for f in videos if f.path is not None and f.path.is_file()), None)
        stored = self._present(present or videos[0], place)
        if stored is None:
            return []
        if present is not videos[0]:
            self.ctx.log.append(_("{place}: the best copy is not on the drive; the smaller one is used").format(
                place=place))
        subtitles = []
        for file in files:
            if file.preset == "video_subtitle" and file.extension in ("vtt", "srt"):
                found = self._present(file, place, check_hash=True)
                if found is not None:
                    subtitles.append((file.lang or "", found))
        return [MediaDraft(kind="video", source=stored, title=node.title, key=self._key(node),
                           subtitles=tuple(sorted(subtitles)))]

    def _document(self, node: _Node, place: str, main: list[_File]) -> list[Draft]:
        pdf = next((f for f in main if f.extension == "pdf"), None)
        if pdf is None:
            book = next((f.extension for f in main), "")
            if book == "epub":
                return self._skip(place, _("an ePub book: the kiosk shows PDF documents only — save it as PDF "
                                           "and import the PDF"))
            if book in ("bloompub", "bloomd"):
                return self._skip(place, _("a Bloom book: it needs Kolibri's reader, not the projector"))
            return self._skip(place, _("a document that is not a PDF"))
        stored = self._present(pdf, place, check_hash=True)
        if stored is None:
            return []
        from . import pdf as pdf_pages

        key = self._key(node)
        try:
            slides = pdf_pages.render_pdf(stored, self.work / key, self.ctx, title=node.title, key=key)
        except ImportProblem as problem:
            self.problems += [f"{place}: {line}" for line in problem.problems]
            return []
        return [dataclasses.replace(slides, title=node.title, key=key)]

    def _exercise(self, node: _Node, place: str, main: list[_File], item_ids: list[str] | None) -> list[Draft]:
        perseus = next((f for f in main if f.extension == "perseus"), None)
        if perseus is None:
            if any(f.preset == "qti" for f in main):
                return self._skip(place, _("a QTI exercise: only Kolibri's exercise player shows it"))
            return self._skip(place, _("an exercise with no questions file the kiosk reads (perseus)"))
        stored = self._present(perseus, place, check_hash=True)
        if stored is None:
            return []
        try:
            read = read_perseus(stored, item_ids, self.work / "pictures" / key_for(node.id, limit=12), place=place)
        except PerseusDamaged as problem:
            self.problems.append(_line(place, str(problem), _("export the channel to the drive again from Kolibri")))
            return []
        quizzes: list[Draft] = []
        for n, reason in read.dropped:
            self._skip(_("{place}, question {n}").format(place=place, n=n), reason)
        if not read.questions:
            if not read.dropped:
                return self._skip(place, _("an exercise with no questions"))
            return self._skip(place, _("an exercise none of whose questions works with clickers"))
        for kind, group in _runs(read.questions):
            quizzes.append(QuizDraft(source=stored, title=node.title, key=self._key(node),
                                     kind=kind, questions=tuple(group)))
        return quizzes


_THUMBNAILS = {"video_thumbnail", "audio_thumbnail", "document_thumbnail", "exercise_thumbnail",
               "html5_thumbnail", "h5p_thumbnail", "zim_thumbnail", "qti_thumbnail", "topic_thumbnail",
               "slideshow_thumbnail", "channel_thumbnail"}


def _other_reason(kind: str) -> str:
    return _("a Kolibri resource of kind {kind}: the kiosk cannot show it").format(kind=kind or "?")


_OTHER: dict[str, Callable[[str], str]] = {
    "html5": lambda kind: _("an HTML5 app: needs a web browser, not the projector"),
    "h5p": lambda kind: _("an H5P activity: needs a web browser, not the projector"),
    "zim": lambda kind: _("a Zim web archive: needs a web browser, not the projector"),
    "slideshow": lambda kind: _("a Kolibri slideshow: save its pictures in a folder and import the folder"),
}


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _runs(questions: list[tuple[str, QuestionDraft]]) -> Iterator[tuple[str, list[QuestionDraft]]]:
    """Questions of one kind in a row make one quiz (an activity has one kind)."""
    kind, group = None, []
    for each_kind, question in questions:
        if group and each_kind != kind:
            yield kind, group
            group = []
        kind = each_kind
        group.append(question)
    if group:
        yield kind, group
