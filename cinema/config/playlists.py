"""Lesson playlists (playlists/*.yaml): the schema of each item type and `load_playlist`."""

from __future__ import annotations

from cinema.locale.runtime import gettext as _
from cinema.locale.runtime import ngettext
from dataclasses import replace
from pathlib import Path

from .media_files import SUBTITLE_SUFFIXES, check_media_file, content_roots, inside, media_problem, slide_problem
from .models import ITEM_TYPES, Activity, Item, Playlist
from .picture_files import special_file_kind
from .problems import ConfigError, Problem, Reporter, did_you_mean, display_path
from .schema import (
    ID_TEXT, INVALID, VERSION_FIELD, Boolean, Choice, Context, Field, FilePath, ListOf, Number, Nullable, Raw, Schema,
    Text,
)
from .yaml_lines import Node, read_yaml_file

LANGUAGE_CODE = Text(pattern=r"[a-z]{2,3}([_-][A-Za-z0-9]{2,8})?",
                     pattern_hint="use a language code such as en, ar, uk, fr, pt, es")


class SubtitlesValue:
    """One subtitle file, or one per language (`ar: lesson.ar.srt`): a path, or {language: path}."""

    description = "file path, or a block of `language: file path` lines"

    def read(self, node: Node, ctx: Context, key: str):
        if node.value is None:
            return None
        if not node.is_mapping:
            return FilePath().read(node, ctx, key)
        files: dict[str, Path] = {}
        for language, child in node.value.items():
            where = f"{key}.{language}"
            code = LANGUAGE_CODE.read(Node(language, node.key_lines[language], raw=language), ctx, where)
            path = FilePath().read(child, ctx, where)
            if code is not INVALID and path is not INVALID:
                files[code] = path
        return files


def subtitles_for(given, language: str, media: Path | None) -> Path | None:
    """The subtitle file a video plays with in a lesson in `language`: the one given (for this language,
    or its base language: pt for pt-BR), else a file named after the video and the language beside it
    (`lesson.ar.srt` for lesson.mp4), else none."""
    languages = [language, *([language.replace("_", "-").split("-")[0]] if "-" in language.replace("_", "-") else [])]
    if isinstance(given, dict):
        return next((given[code] for code in languages if code in given), None)
    if given is not None or media is None:
        return given
    for code in languages:
        for suffix in SUBTITLE_SUFFIXES:
            found = media.with_name(f"{media.stem}.{code}{suffix}")
            if found.is_file():
                return found
    return None

# Every key an item may have, once; ITEM_KEYS says which of them each item type takes.
_ITEM_FIELDS = {f.name: f for f in (
    Field("type", Choice(ITEM_TYPES), "What the item is: " + ", ".join(ITEM_TYPES) + ".", required=True),
    Field("id", Nullable(ID_TEXT),
          "A name for the item, unique in the playlist (check-ins refer to it; the journal records it). "
          "Left out: <type>-<n>, e.g. video-2 for the second video.", default=None),
    Field("title", Text(allow_empty=True), "The title shown for the item.", default=""),
    Field("subtitle", Text(allow_empty=True), "A smaller line under the title.", default=""),
    Field("media", FilePath(), "The video or audio file, relative to this playlist's folder.", required=True),
    Field("subtitles", SubtitlesValue(),
          "The video's subtitle file (.srt), or one per language, e.g. `ar: lesson.ar.srt` and "
          "`en: lesson.en.srt` on their own lines: the lesson's language is used (pt for pt-BR). Left out: "
          "a file named after the video and the lesson's language beside it (lesson.ar.srt for lesson.mp4), "
          "if there is one. The teacher turns captions off and on with C (a teacher handset's 5).",
          default=None),
    Field("slides", ListOf(FilePath(), min_items=1),
          "The slide pictures in order (PNG or JPG), relative to this playlist's folder.", required=True),
    Field("seconds", Nullable(Number(above=0, maximum=4 * 3600)),
          "How long: per slide, for a break, or to hold a title. Left out: the teacher moves on.",
          default=None),
    Field("activity", ID_TEXT, "The id of an activity in the activities folder.", required=True),
    Field("prompt", Text(allow_empty=True), "The check-in question; left out: \"How do you feel today?\".",
          default=""),
    Field("calm_item", Nullable(ID_TEXT),
          "The id of the item (usually a break) offered when many children feel low.", default=None),
    Field("answer_by_card", Boolean(),
          "Children without clickers may answer by holding up their card with their letter on top "
          "(the webcam reads it).", default=False),
    Field("teams", Nullable(Number(minimum=2, maximum=8, integer=True)),
          "Team mode: split the handsets into this many teams and show team scores (2 to 8).",
          default=None),
    Field("read_aloud", Nullable(Boolean()),
          "Speak this activity's questions and options aloud (true) or not (false); left out: as the "
          "playlist's read_aloud says.", default=None),
    Field("team_names", ListOf(Text()),
          "Team mode: a name for each team, in order (e.g. the animals the class chose), shown beside "
          "the team's colour on the results. Left out: Team 1, Team 2, ...",
          default=()),
    Field("calm_threshold", Number(above=0, maximum=1),
          "Share of answers on the two lowest faces (0.4 = 40%) that makes the kiosk offer calm_item.",
          default=0.4),
    Field("duration", Nullable(Number(above=0, maximum=24 * 3600)),
          "The file's length in seconds, measured by `cinema import`: the battery planner counts it before "
          "the file has played once.", default=None),
    Field("low_power", Nullable(FilePath()),
          "A lighter copy of the video (made by `cinema import --low-power`), relative to this playlist's "
          "folder: the kiosk plays it instead while the laptop runs on battery.", default=None),
    Field("take_home", Boolean(),
          "true: phones on the kiosk's hub may download this item's video, sound or slides to keep (listed on "
          "the phone page during and after the lesson).", default=False),
)}

ITEM_KEYS = {
    "title": ("subtitle", "seconds"),
    "video": ("media", "subtitles", "duration", "low_power", "take_home"),
    "slides": ("slides", "seconds", "take_home"),
    "audio": ("media", "duration", "take_home"),
    "activity": ("activity", "teams", "team_names", "answer_by_card", "read_aloud"),
    "checkin": ("prompt", "calm_item", "calm_threshold"),
    "attendance": ("seconds",),
    "pairing": ("seconds",),
    "break": ("seconds",),
    "closing": ("subtitle", "seconds"),
}

ITEM_SCHEMAS = {
    kind: Schema(f"{kind} item", f"A playlist item of type {kind}.",
                 tuple(_ITEM_FIELDS[k] for k in ("type", "id", "title", *keys)))
    for kind, keys in ITEM_KEYS.items()
}

PLAYLIST_SCHEMA = Schema("playlist", "One lesson: its items in the order they are shown.", (
    VERSION_FIELD,
    Field("id", Nullable(ID_TEXT), "A name for the lesson, recorded in the journal; left out: the file name.",
          default=None),
    Field("title", Text(), "The lesson's title, shown when the teacher chooses a lesson.", required=True),
    Field("language", LANGUAGE_CODE,
          "The language of the lesson (en, ar, uk, ...): sets text direction and the kiosk's words.",
          default="en"),
    Field("subject", Nullable(Text()),
          "What the lesson teaches (e.g. science, reading, health): the supervisor's report shows which "
          "subjects each child has covered. Left out: no subject.", default=None),
    Field("read_aloud", Boolean(),
          "Read aloud: each question and its options are spoken in the lesson's language (espeak-ng) when "
          "the question opens, for children who cannot read yet. An activity item's own read_aloud wins.",
          default=False),
    Field("take_home", ListOf(FilePath()),
          "More files phones on the kiosk's hub may download to keep (a worksheet PDF, a song), relative to this "
          "playlist's folder, besides the items marked `take_home: true`. PDF, video, sound, picture or text files, "
          "in the lesson's folders (or media_dirs), each at most 2 GB; at most 20 take-home files a lesson.",
          default=()),
    Field("items", Raw(), "The items, in order; each starts with \"- type: ...\".", required=True),
))

# What phones may take home: kinds a phone can open. Anything else (a key file, a journal, a YAML file
# named by mistake) is never served, whatever the playlist says.
TAKE_HOME_SUFFIXES = (
    ".pdf", ".txt", ".epub",
    ".mp4", ".m4v", ".webm", ".mkv", ".mov", ".ogv", ".3gp",
    ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".wav", ".flac",
    ".png", ".jpg", ".jpeg", ".gif", ".webp",
    ".srt", ".vtt",
)
MAX_TAKE_HOME_FILES = 20  # a lesson's take-home files, its items' and its list's together
MAX_TAKE_HOME_BYTES = 2 * 1024 ** 3  # one file


def load_playlist(path: Path, activities: dict[str, Activity], *, check_media: bool = False,
                  media_dirs: tuple[Path, ...] = ()) -> Playlist:
    """The playlist in `path` with its activities filled in; raises ConfigError listing all problems.

    With check_media, every video, audio, subtitle and slide file must exist, be readable and not
    be empty (`cinema check` does this). Without it a missing file is left to the kiosk, which
    shows a notice and moves on, so one bad copy does not stop the whole lesson; a slide that
    must not be opened (outside the content folders and `media_dirs`, a pipe or device, a
    picture too big to show) is found here from its header and the item fails when it starts.
    """
    playlist, problems = read_playlist(path, activities, check_media=check_media, media_dirs=media_dirs)
    if problems or playlist is None:
        raise ConfigError(problems)
    return playlist


def read_playlist(path: Path, activities: dict[str, Activity], *, check_media: bool = False,
                  media_dirs: tuple[Path, ...] = ()) -> tuple[Playlist | None, list[Problem]]:
    """The playlist (None if it is not YAML at all) and every problem found; never raises."""
    path = Path(path).absolute()
    report = Reporter(path)
    root = read_yaml_file(path, report)
    if root is None:
        return None, report.problems
    ctx = Context(report, path.parent, content_roots(path, tuple(media_dirs)))
    v = PLAYLIST_SCHEMA.read(root, ctx)
    items: list[Item] = []
    if isinstance(v["items"], Node):
        items = _read_items(v["items"], activities, ctx, check_media, v["language"])
    take_home = _take_home_files(v["take_home"], items, root, ctx, check_media)
    playlist = Playlist(id=v["id"] or path.stem, title=v["title"] or "", language=v["language"],
                        items=tuple(items), source=path,
                        subject=v["subject"], read_aloud=bool(v["read_aloud"]), take_home=take_home)
    if check_media:
        _check_read_aloud(playlist, root, report)
    return playlist, report.problems


def _read_items(node: Node, activities: dict[str, Activity], ctx: Context, check_media: bool,
                language: str = "en") -> list[Item]:
    if not node.is_list or not node.value:
        ctx.report.add(node.line, "items", _("needs a list of at least one item"),
                       _("write each item on its own line starting with \"- type: \""))
        return []
    read = [(i, entry, _read_item(i, entry, activities, ctx, check_media, language))
            for i, entry in enumerate(node.value)]
    placed = [(i, entry, item) for i, entry, item in read if item is not None]
    placed = _with_ids(placed)
    _check_unique_ids(placed, ctx)
    # An item dropped for a bad type still has its id: do not also call a calm_item naming it unknown.
    dropped_ids = [entry.value["id"].raw for _i, entry, item in read
                   if item is None and entry.is_mapping and "id" in entry.value]
    _check_calm_items(placed, dropped_ids, ctx)
    return [item for _i, _entry, item in placed]


def _read_item(index: int, node: Node, activities: dict[str, Activity], ctx: Context,
               check_media: bool, language: str = "en") -> Item | None:
    where = f"items[{index}]"
    if not node.is_mapping:
        ctx.report.add(node.line, where, _("must be a block of `key: value` lines"),
                       _("start the item with \"- type: \" and indent its other keys under it"))
        return None
    type_node = node.value.get("type")
    kind = Choice(ITEM_TYPES).read(type_node, ctx, f"{where}.type") if type_node is not None else None
    if type_node is None:
        ctx.report.add(node.line, f"{where}.type", _("is missing"),
                       _("add `type:` — one of: {types}").format(types=", ".join(ITEM_TYPES)))
    if kind not in ITEM_SCHEMAS:
        _report_unknown_keys(node, set(_ITEM_FIELDS), ctx, where)
        return None
    schema = ITEM_SCHEMAS[kind]
    misplaced = frozenset(k for k in node.value if k in _ITEM_FIELDS and k not in schema.field_names())
    for key in sorted(misplaced, key=lambda k: node.key_lines[k]):
        owners = ", ".join(t for t, keys in ITEM_KEYS.items() if key in keys)
        ctx.report.add(node.key_lines[key], f"{where}.{key}",
                       _("a {kind} item does not use `{key}` (only {owners} items do)").format(
                           kind=kind, key=key, owners=owners),
                       _("remove it, or change the item's type"))
    v = schema.read(node, ctx, where, skip=misplaced)

    activity = None
    if kind == "activity" and v["activity"]:
        activity = activities.get(v["activity"])
        if activity is None:
            ctx.report.add(node.value["activity"].line, f"{where}.activity",
                           _("no activity with id {id!r} in the activities folder").format(id=v["activity"]),
                           did_you_mean(v["activity"], activities)
                           or _("add activities/{id}.yaml with `id: {id}`, or use one of: {ids}").format(
                               id=v["activity"], ids=", ".join(sorted(activities)) or _("(none yet)")))
    team_names = tuple(v.get("team_names") or ())
    if team_names and len(team_names) > (v.get("teams") or 0):
        ctx.report.add(node.key_lines["team_names"], f"{where}.team_names",
                       _("names {names} teams but the item has {teams}").format(
                           names=len(team_names), teams=v.get("teams") or 0),
                       _("set `teams: {n}`, or give one name per team").format(n=max(2, len(team_names))))
    unplayable = ""
    if check_media:
        _check_item_media(kind, v, node, ctx, where)
    elif kind == "slides":
        unplayable = _first_bad_slide(v.get("slides") or (), ctx.roots)
    elif kind in ("video", "audio") and v.get("media") is not None:
        unplayable = media_problem(v["media"], ctx.roots) or ""
    take_home = False
    if v.get("take_home"):
        refused = _item_take_home_refusal(kind, v, ctx)
        take_home = not unplayable and refused is None
        # `cinema check`: a file missing or outside the folders is said once, by the media checks above.
        if check_media and refused is not None and refused[0] == "kind":
            ctx.report.add(node.key_lines["take_home"], f"{where}.take_home", refused[1],
                           _("remove `take_home: true`, or use a PDF, video, sound or picture file phones can open"))
    subtitles = subtitles_for(v.get("subtitles"), language, v.get("media")) if kind == "video" else None
    if subtitles is not None and media_problem(subtitles, ctx.roots):
        subtitles = None  # outside the lesson's folders or not a file: the video plays without
    low_power = v.get("low_power") if kind == "video" else None
    if low_power is not None and (media_problem(low_power, ctx.roots) or not low_power.is_file()):
        low_power = None  # missing or outside: the video itself plays, on battery too
    return Item(
        type=kind, id=v["id"] or "", title=v.get("title", ""), subtitle=v.get("subtitle", ""),
        media=v.get("media"), subtitles=subtitles, slides=tuple(v.get("slides") or ()),
        seconds=None if v.get("seconds") is None else float(v["seconds"]), activity=activity,
        prompt=v.get("prompt", ""), calm_item=v.get("calm_item"),
        calm_threshold=float(v.get("calm_threshold", 0.4)),
        teams=None if v.get("teams") is None else int(v["teams"]), team_names=team_names,
        read_aloud=v.get("read_aloud"),
        answer_by_card=bool(v.get("answer_by_card", False)), line=node.line, unplayable=unplayable,
        take_home=take_home, low_power=low_power,
        duration=None if v.get("duration") is None else float(v["duration"]),
    )


def take_home_problem(path: Path, roots: tuple[Path, ...]) -> str | None:
    """Why phones must not be given this file to keep, or None: only an ordinary file of a kind a phone
    opens, in the lesson's folders, not empty and not over MAX_TAKE_HOME_BYTES (a stat, no reading)."""
    refused = _take_home_refusal(path, roots)
    return refused[1] if refused else None


def _take_home_refusal(path: Path, roots: tuple[Path, ...]) -> tuple[str, str] | None:
    """(what sort of refusal, the words for it) or None: "place" (outside, missing, not a file,
    unreadable, empty: what the media checks say too) or "kind" (not a kind to take home, too big)."""
    shown = display_path(path)
    if not inside(path, roots):
        return "place", _("{file} is outside the lesson's folders").format(file=shown)
    if path.suffix.lower() not in TAKE_HOME_SUFFIXES:
        return "kind", _("{file} is not a file phones can take home (PDF, video, sound, picture or text)").format(
            file=shown)
    special = special_file_kind(path)
    if special == "missing":
        return "place", _("file not found: {file}").format(file=shown)
    if special == "folder":
        return "place", _("{file} is a folder, not a file").format(file=shown)
    if special is not None:  # a pipe or a device: never opened
        return "place", _("{file} is a pipe or a device, not a file").format(file=shown)
    try:
        size = path.stat().st_size
    except OSError as err:
        return "place", _("cannot read {file} ({reason})").format(file=shown, reason=err.strerror)
    if size == 0:
        return "place", _("{file} is empty (0 bytes)").format(file=shown)
    if size > MAX_TAKE_HOME_BYTES:
        return "kind", _("{file} is too big to take home ({size} MB, at most {most} MB)").format(
            file=shown, size=size // 1024 ** 2, most=MAX_TAKE_HOME_BYTES // 1024 ** 2)
    return None


def _item_take_home_refusal(kind: str, v: dict, ctx: Context) -> tuple[str, str] | None:
    """An item marked take-home whose file cannot be offered is not offered (`cinema check` says why)."""
    files = [v["media"]] if kind in ("video", "audio") and v.get("media") is not None else list(v.get("slides") or ())
    if not files:
        return "place", "no file"
    return next((refused for f in files if (refused := _take_home_refusal(f, ctx.roots))), None)


def _take_home_files(listed: tuple[Path, ...], items: list[Item], root: Node, ctx: Context,
                     check_media: bool) -> tuple[Path, ...]:
    """The playlist's own take-home files that may be offered. A file that cannot be (missing, outside the
    lesson's folders, a kind phones do not open, too big) is left out and, with check_media (`cinema
    check`), reported at its line; too many files is always a mistake."""
    lines = _list_lines(root, "take_home")
    kept: list[Path] = []
    for i, path in enumerate(listed):
        problem = take_home_problem(path, ctx.roots)
        if problem is None:
            if path not in kept:
                kept.append(path)
        elif check_media:
            ctx.report.add(lines[i] if i < len(lines) else root.line_of("take_home"), f"take_home[{i}]", problem,
                           _("copy a PDF, video, sound or picture into the lesson's folders and name it here"))
    in_items = sum(len(item.slides) if item.type == "slides" else 1 for item in items if item.take_home)
    if in_items + len(kept) > MAX_TAKE_HOME_FILES:
        ctx.report.add(root.line_of("take_home"), "take_home",
                       ngettext("{n} take-home file in this lesson; at most {most}",
                                "{n} take-home files in this lesson; at most {most}",
                                in_items + len(kept)).format(n=in_items + len(kept), most=MAX_TAKE_HOME_FILES),
                       _("put the worksheets into one PDF, or offer fewer files"))
    return tuple(kept)


def _list_lines(root: Node, key: str) -> list[int]:
    node = root.value.get(key) if root.is_mapping else None
    return [entry.line for entry in node.value] if node is not None and node.is_list else []


def _check_read_aloud(playlist: Playlist, root: Node, report: Reporter) -> None:
    """`cinema check`: a lesson read aloud needs espeak-ng and its voice for the lesson's language."""
    from cinema.core.items.activity import reads_aloud
    from cinema.media.speech import espeak_problem

    asking = [i for i, item in enumerate(playlist.items) if item.activity is not None and reads_aloud(item, playlist)]
    if not asking:
        return
    trouble = espeak_problem(playlist.language)
    if trouble is not None:
        if playlist.read_aloud and root.is_mapping and "read_aloud" in root.key_lines:
            line, key = root.key_lines["read_aloud"], "read_aloud"
        else:
            line, key = playlist.items[asking[0]].line, f"items[{asking[0]}].read_aloud"
        report.add(line, key, *trouble)


def _first_bad_slide(slides: tuple[Path, ...], roots: tuple[Path, ...]) -> str:
    """Why the first slide that cannot be shown cannot (for the journal), or ""."""
    for number, slide in enumerate(slides, start=1):
        problem = slide_problem(slide, roots)
        if problem:
            return f"slide {number}: {problem}"
    return ""


def _report_unknown_keys(node: Node, known: set[str], ctx: Context, where: str) -> None:
    for key in node.value:
        if key not in known:
            ctx.report.add(node.key_lines[key], f"{where}.{key}", _("unknown key"),
                           did_you_mean(key, known) or _("remove it"))


def _check_item_media(kind: str, v: dict, node: Node, ctx: Context, where: str) -> None:
    if kind in ("video", "audio") and v.get("media") is not None:
        check_media_file(v["media"], kind, ctx, node.value["media"].line, f"{where}.media")
    if kind == "video" and v.get("low_power") is not None:
        check_media_file(v["low_power"], "video", ctx, node.value["low_power"].line, f"{where}.low_power")
    given = v.get("subtitles")
    if isinstance(given, dict):  # one per language: each is checked, the lesson's language or not
        lines = node.value["subtitles"].value
        for code, path in given.items():
            check_media_file(path, "subtitles", ctx, lines[code].line if code in lines else node.value["subtitles"].line,
                             f"{where}.subtitles.{code}")
    elif given is not None:
        check_media_file(given, "subtitles", ctx, node.value["subtitles"].line, f"{where}.subtitles")
    if v.get("slides"):
        slide_nodes = node.value["slides"].value
        for i, slide in enumerate(v["slides"]):
            # ListOf drops wrong entries; they were reported already, so lines may shift only then.
            line = slide_nodes[i].line if i < len(slide_nodes) else node.value["slides"].line
            check_media_file(slide, "image", ctx, line, f"{where}.slides[{i}]")


Placed = list[tuple[int, Node, Item]]  # (index in the file's list, its node, the item read from it)


def _with_ids(placed: Placed) -> Placed:
    """Give items without an id `<type>-<n>` (n counts items of that type), skipping ids in use."""
    taken = {item.id for _i, _n, item in placed if item.id}
    counts: dict[str, int] = {}
    result = []
    for index, node, item in placed:
        counts[item.type] = counts.get(item.type, 0) + 1
        if not item.id:
            n = counts[item.type]
            while f"{item.type}-{n}" in taken:
                n += 1
            item = replace(item, id=f"{item.type}-{n}")
            taken.add(item.id)
        result.append((index, node, item))
    return result


def _check_unique_ids(placed: Placed, ctx: Context) -> None:
    first: dict[str, Item] = {}
    for index, node, item in placed:
        if item.id in first:
            ctx.report.add(node.value["id"].line if "id" in node.value else node.line, f"items[{index}].id",
                           _("item id {id!r} is already used by the item on line {line}").format(
                               id=item.id, line=first[item.id].line),
                           _("give each item its own id"))
        else:
            first[item.id] = item


def _check_calm_items(placed: Placed, other_ids: list[str | None], ctx: Context) -> None:
    ids = [item.id for _i, _n, item in placed] + [i for i in other_ids if i]
    for index, node, item in placed:
        if item.type != "checkin" or item.calm_item is None or item.calm_item in ids:
            continue
        ctx.report.add(node.value["calm_item"].line, f"items[{index}].calm_item",
                       _("no item with id {id!r} in this playlist").format(id=item.calm_item),
                       did_you_mean(item.calm_item, ids)
                       or _("give the break item `id: {id}`, or use one of: {ids}").format(
                           id=item.calm_item, ids=", ".join(ids)))


# At most this many lesson files are read for the home screen (a folder of thousands of files, or a
# copy gone wrong, must not hold the kiosk's start); each file is bounded by read_yaml_file.
MAX_LESSON_FILES = 200
LESSON_SUFFIXES = (".yaml", ".yml")


def list_lessons(folder: Path, activities: dict[str, Activity], *, media_dirs: tuple[Path, ...] = (),
                 limit: int = MAX_LESSON_FILES) -> tuple[list[tuple[Path, Playlist | None, list[Problem]]], int]:
    """Every lesson file in `folder` read as the kiosk would load it, in file-name order: (path,
    playlist or None, problems) each, and how many files past `limit` were left unread. Never
    raises: an unreadable folder is one problem; anything not a regular file is not listed."""
    folder = Path(folder).absolute()
    try:
        names = sorted(p for p in folder.iterdir() if p.suffix.lower() in LESSON_SUFFIXES and not p.name.startswith("."))
    except OSError as exc:
        report = Reporter(folder)
        report.add(0, "", _("the lessons folder cannot be read: {reason}").format(reason=exc.strerror or exc),
                   _("check `playlists_dir` in the kiosk config"))
        return [(folder, None, report.problems)], 0
    listed = []
    for at, path in enumerate(names):
        if len(listed) >= limit:
            return listed, len(names) - at
        try:
            if not path.is_file():  # a pipe or a device named *.yaml is not read at all
                continue
        except OSError:
            continue
        playlist, problems = read_playlist(path, activities, media_dirs=media_dirs)
        listed.append((path, playlist, problems))
    return listed, 0
