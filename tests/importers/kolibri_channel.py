"""Kolibri channels exported to a USB drive, built for the tests with Kolibri's own content schema.

The tables come from Kolibri itself: `kolibri==0.19.5` (installed with --no-deps into .venv-kolibri by
`deploy/setup.sh --test`) creates them with its SQLAlchemy models
(kolibri/core/content/contentschema/versions/content_schema_<version>.py, `metadata.create_all`, with
the SQLAlchemy Kolibri vendors in kolibri/dist). Rows are then written here with sqlite3 as Kolibri
Studio writes them when it publishes a channel (utils/publish.py: nodes in MPTT order with lft/rght,
`available` false for empty topics, File rows pointing at LocalFile rows named by the md5 of the file),
and content files go where Kolibri looks for them: content/storage/<c0>/<c1>/<md5>.<ext>
(kolibri/core/content/utils/paths.py). Exercises are perseus files laid out as Studio makes them
(contentcuration/utils/assessment/perseus.py and templates/perseus/*.json): a zip of `exercise.json`
and one `<assessment id>.json` per question, pictures under `images/`.

    channel = ChannelBuilder(tmp / "KOLIBRI_DATA", "Science", lang="en")
    water = channel.topic("Water")
    channel.video(water, "The water cycle", clip_mp4, subtitles={"en": en_vtt, "ar": ar_vtt})
    channel.exercise(water, "Water quiz", [radio("Where does rain come from?", ["Clouds", "Trees"], 0)])
    channel.build()
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KOLIBRI_VERSION = "0.19.5"


def kolibri_python() -> str | None:
    """CINEMA_KOLIBRI_PYTHON, else the project's .venv-kolibri (deploy/setup.sh --test)."""
    named = os.environ.get("CINEMA_KOLIBRI_PYTHON")
    if named:
        return named if Path(named).is_file() else None
    local = ROOT / ".venv-kolibri" / "bin" / "python"
    return str(local) if local.is_file() else None


_SCHEMA_SCRIPT = """
import sys
import kolibri  # puts Kolibri's vendored packages (kolibri/dist: sqlalchemy) on sys.path
import importlib
import sqlalchemy
assert kolibri.__version__.startswith(sys.argv[3]), kolibri.__version__
schema = importlib.import_module("kolibri.core.content.contentschema.versions.content_schema_" + sys.argv[2])
schema.metadata.create_all(sqlalchemy.create_engine("sqlite:///" + sys.argv[1]))
"""


def empty_content_database(path: Path, schema: str = "current") -> Path:
    """An empty channel database with Kolibri's own tables (`schema`: current, 5, 4, ... 1)."""
    python = kolibri_python()
    if python is None:
        message = ("Kolibri's content schema is needed to build a test channel: run deploy/setup.sh --test "
                   f"(.venv-kolibri with kolibri=={KOLIBRI_VERSION} --no-deps), or set CINEMA_KOLIBRI_PYTHON")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([python, "-c", _SCHEMA_SCRIPT, str(path), schema, KOLIBRI_VERSION], check=True, timeout=120,
                   capture_output=True)
    return path


_EMPTY: dict[str, Path] = {}


def cached_empty_database(path: Path, schema: str, cache_dir: Path) -> Path:
    """`empty_content_database`, made once per schema per test process and copied."""
    template = _EMPTY.get(schema)
    if template is None or not template.is_file():
        template = empty_content_database(cache_dir / f"empty-{schema}.sqlite3", schema)
        _EMPTY[schema] = template
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(template, path))


# ---- perseus questions (Studio's templates/perseus/*.json) ------------------------------------------

def radio(question: str, choices: list[str], correct: int | list[int], *, question_images: dict | None = None,
          none_of_the_above: bool = False) -> dict:
    """A multiple-choice perseus item (Studio's multiple_selection.json): `correct` indexes the right
    choice (a list: several right, multipleSelect)."""
    right = {correct} if isinstance(correct, int) else set(correct)
    return {
        "question": {
            "content": question + "\n\n[[\u2603 radio 1]]",
            "images": question_images or {},
            "widgets": {"radio 1": {
                "type": "radio", "graded": True,
                "options": {"choices": [{"correct": n in right, "content": text} for n, text in enumerate(choices)],
                            "randomize": True, "multipleSelect": len(right) > 1, "displayCount": None,
                            "hasNoneOfTheAbove": none_of_the_above, "onePerLine": True, "deselectEnabled": False},
                "version": {"major": 1, "minor": 0}}},
        },
        "answerArea": {"type": "multiple", "options": {"content": "", "images": {}, "widgets": {}},
                       "calculator": False, "periodicTable": False},
        "itemDataVersion": {"major": 0, "minor": 1},
        "hints": [],
    }


def numeric(question: str, value: float | int, *, widget: str = "numeric-input") -> dict:
    """A number to type (Khan's `numeric-input`; Studio's input questions use `text-input`)."""
    answer = {"value": value, "status": "correct", "message": "", "simplify": "required", "strict": False,
              "maxError": None}
    return {
        "question": {
            "content": question + f"\n\n[[\u2603 {widget} 1]]",
            "images": {},
            "widgets": {f"{widget} 1": {"type": widget, "graded": True, "static": False,
                                        "options": {"static": False, "answers": [answer], "size": "normal",
                                                    "coefficient": False, "labelText": ""},
                                        "version": {"major": 0, "minor": 0}}},
        },
        "answerArea": {"calculator": False, "chi2Table": False, "periodicTable": False, "tTable": False,
                       "zTable": False},
        "itemDataVersion": {"major": 0, "minor": 1},
        "hints": [],
    }


def perseus_zip(items: list[tuple[str, dict]], images: dict[str, bytes] | None = None) -> bytes:
    """A perseus file as Studio publishes it: exercise.json, `<id>.json` per item, images/<name>."""
    ids = [item_id for item_id, _ in items]
    exercise = {"mastery_model": "m_of_n", "legacy_mastery_model": "m_of_n", "randomize": True,
                "n": len(ids), "m": len(ids), "all_assessment_items": ids,
                "assessment_mapping": {item_id: "perseus_question" for item_id in ids}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        def put(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=(2013, 3, 14, 1, 59, 26))
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, data)

        put("exercise.json", json.dumps(exercise, sort_keys=True, indent=4).encode())
        for item_id, item in items:
            put(f"{item_id}.json", json.dumps(item, ensure_ascii=False).encode())
        for name, data in (images or {}).items():
            put(f"images/{name}", data)
    return buffer.getvalue()


def html5_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", "<!doctype html><title>Game</title><p>Play</p>")
    return buffer.getvalue()


# ---- the channel -----------------------------------------------------------------------------------

def _hex() -> str:
    return uuid.uuid4().hex


@dataclass
class Node:
    id: str
    kind: str
    title: str
    parent: str | None
    lang: str | None = None
    available: bool = True
    files: list[tuple[str, bytes | Path, str | None, bool]] = field(default_factory=list)  # preset, data, lang, supp.
    assessment_ids: list[str] = field(default_factory=list)


@dataclass
class ChannelBuilder:
    """A channel in `data` (a KOLIBRI_DATA folder): call topic/video/... then build()."""

    data: Path
    name: str = "Learning Cinema test channel"
    lang: str | None = "en"
    schema: str = "current"
    channel_id: str = field(default_factory=_hex)
    nodes: list[Node] = field(default_factory=list)
    stored: dict[str, Path] = field(default_factory=dict)  # node id -> main content file in storage

    def __post_init__(self) -> None:
        self.data = Path(self.data)
        self.root = Node(self.channel_id, "topic", self.name, None, self.lang)  # Studio: root id = channel id
        self.nodes.append(self.root)

    # nodes
    def _add(self, kind: str, title: str, parent: str | None, lang: str | None = None, **kw) -> Node:
        node = Node(kw.pop("node_id", None) or _hex(), kind, title, parent or self.root.id, lang, **kw)
        self.nodes.append(node)
        return node

    def topic(self, title: str, parent: str | None = None, *, lang: str | None = None,
              node_id: str | None = None) -> str:
        return self._add("topic", title, parent, lang, node_id=node_id).id

    def video(self, parent: str, title: str, high: Path | None = None, *, low: Path | None = None,
              subtitles: dict[str, Path] | None = None, available: bool = True) -> str:
        node = self._add("video", title, parent, available=available)
        if high is not None:
            node.files.append(("high_res_video", Path(high), None, False))
        if low is not None:
            node.files.append(("low_res_video", Path(low), None, False))
        for lang, path in (subtitles or {}).items():
            node.files.append(("video_subtitle", Path(path), lang, True))
        return node.id

    def audio(self, parent: str, title: str, mp3: Path) -> str:
        node = self._add("audio", title, parent)
        node.files.append(("audio", Path(mp3), None, False))
        return node.id

    def document(self, parent: str, title: str, path: Path, *, preset: str = "document") -> str:
        node = self._add("document", title, parent)
        node.files.append((preset, Path(path), None, False))
        return node.id

    def exercise(self, parent: str, title: str, items: list[dict], *, images: dict[str, bytes] | None = None,
                 preset: str = "exercise") -> str:
        node = self._add("exercise", title, parent)
        node.assessment_ids = [_hex() for _ in items]
        data = perseus_zip(list(zip(node.assessment_ids, items)), images) if preset == "exercise" else b"PK qti"
        node.files.append((preset, data, None, False))
        return node.id

    def html5(self, parent: str, title: str) -> str:
        node = self._add("html5", title, parent)
        node.files.append(("html5_zip", html5_zip(), None, False))
        return node.id

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)

    # writing
    @property
    def content(self) -> Path:
        return self.data / "content"

    @property
    def database(self) -> Path:
        return self.content / "databases" / f"{self.channel_id}.sqlite3"

    def build(self, cache_dir: Path | None = None) -> Path:
        """Write the database and the content files; returns the KOLIBRI_DATA folder."""
        if cache_dir is None:
            empty_content_database(self.database, self.schema)
        else:
            cached_empty_database(self.database, self.schema, cache_dir)
        db = sqlite3.connect(self.database)
        try:
            self._write(db)
            db.commit()
        finally:
            db.close()
        return self.data

    def write_manifest(self, include_node_ids: list[str]) -> Path:
        """content/manifest.json as Kolibri writes it when it exports some resources of the channel
        (kolibri/core/content/utils/content_manifest.py): the nodes whose subtrees are on the drive,
        other channels' entries kept."""
        path = self.content / "manifest.json"
        channels = json.loads(path.read_text())["channels"] if path.is_file() else []
        channels = [c for c in channels if c["id"] != self.channel_id]
        channels.append({"id": self.channel_id, "version": 1, "include_node_ids": sorted(include_node_ids)})
        listed = json.dumps(channels, sort_keys=True).encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"channels": channels, "channel_list_hash": hashlib.md5(listed).hexdigest()},
                                   indent=4))
        return path

    def _store(self, data: bytes | Path, extension: str) -> tuple[str, int, Path]:
        blob = data.read_bytes() if isinstance(data, Path) else data
        checksum = hashlib.md5(blob).hexdigest()
        path = self.content / "storage" / checksum[0] / checksum[1] / f"{checksum}.{extension}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)
        return checksum, len(blob), path

    def _write(self, db: sqlite3.Connection) -> None:
        children: dict[str | None, list[Node]] = {}
        for node in self.nodes:
            children.setdefault(node.parent, []).append(node)
        languages = {n.lang for n in self.nodes if n.lang} | {f[2] for n in self.nodes for f in n.files if f[2]}
        for code in sorted(languages):
            insert(db, "content_language", id=code, lang_code=code.split("-")[0], lang_subcode=(
                code.split("-")[1] if "-" in code else None), lang_name=code, lang_direction=(
                "rtl" if code.split("-")[0] in ("ar", "fa", "he", "ur") else "ltr"))
        counter = [1]

        def has_content(node: Node) -> bool:
            return node.kind != "topic" or any(has_content(c) for c in children.get(node.id, []))

        def visit(node: Node, level: int, lang: str | None, order: int) -> None:
            lft = counter[0]
            counter[0] += 1
            for n, child in enumerate(children.get(node.id, []), start=1):
                visit(child, level + 1, child.lang or lang, n)
            rght = counter[0]
            counter[0] += 1
            available = node.available and has_content(node)  # Studio hides empty topics
            node_rows.append(dict(
                id=node.id, title=node.title, content_id=_hex(), channel_id=self.channel_id, description="",
                sort_order=float(order), license_owner="", author="", kind=node.kind, available=available, lft=lft,
                rght=rght, tree_id=1, level=level, lang_id=node.lang or lang, coach_content=False, options="{}",
                parent_id=node.parent, stemmed_metaphone=""))
            for priority, (preset, data, file_lang, supplementary) in enumerate(node.files, start=1):
                extension = _EXTENSIONS[preset] if not isinstance(data, Path) else data.suffix.lstrip(".").lower()
                checksum, size, stored = self._store(data, extension)
                if not supplementary and node.id not in self.stored:
                    self.stored[node.id] = stored
                insert(db, "content_localfile", or_ignore=True, id=checksum, available=True, file_size=size,
                       extension=extension)
                insert(db, "content_file", id=_hex(), supplementary=supplementary, thumbnail=False,
                       priority=priority, contentnode_id=node.id, lang_id=file_lang, local_file_id=checksum,
                       preset=preset)
            if node.kind == "exercise":
                ids = node.assessment_ids
                insert(db, "content_assessmentmetadata", id=_hex(), assessment_item_ids=json.dumps(ids),
                       number_of_assessments=len(ids), mastery_model=json.dumps(
                           {"type": "m_of_n", "m": len(ids), "n": len(ids)}), randomize=True,
                       is_manipulable=True, contentnode_id=node.id)

        node_rows: list[dict] = []
        visit(self.root, 0, self.lang, 1)
        for row in reversed(node_rows):  # rows in no useful order: the order is lft's (and sort_order's)
            insert(db, "content_contentnode", **row)
        insert(db, "content_channelmetadata", id=self.channel_id, name=self.name, description="A test channel",
               author="Learning Cinema", version=1, thumbnail="", last_updated=None, min_schema_version="1",
               root_id=self.root.id, published_size=0, total_resource_count=len(self.nodes), order=1, public=True,
               tagline=None, partial=False)


_EXTENSIONS = {"exercise": "perseus", "qti": "zip", "html5_zip": "zip"}

# Columns some schema versions have and others lack: left out when a table does not have them
# (stemmed_metaphone: versions 1-2 need it, and Studio writes "").
_NEWER = {"options", "published_size", "total_resource_count", "order", "public", "tagline", "partial",
          "coach_content", "last_updated", "stemmed_metaphone"}


def insert(db: sqlite3.Connection, table: str, *, or_ignore: bool = False, **row) -> None:
    """One row, with the columns this schema version has (a column name the table does not know fails,
    unless it is one of the newer ones older schemas lack)."""
    columns = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
    unknown = set(row) - columns
    assert unknown <= _NEWER, f"{table} has no column {sorted(unknown - _NEWER)}"
    row = {k: v for k, v in row.items() if k in columns}
    names = ", ".join(f'"{k}"' for k in row)
    marks = ", ".join("?" for _ in row)
    db.execute(f"INSERT {'OR IGNORE ' if or_ignore else ''}INTO {table} ({names}) VALUES ({marks})",
               tuple(row.values()))
