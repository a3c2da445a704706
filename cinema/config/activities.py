"""Activity files (activities/*.yaml): quizzes, polls, prompts — their schema and loader."""

from __future__ import annotations

from cinema.locale.runtime import gettext as _
from pathlib import Path

from .media_files import check_media_file, content_roots
from .models import ACTIVITY_KINDS, Activity, Option, Question
from .problems import ConfigError, Problem, Reporter, display_path
from .schema import (
    ID_TEXT, INVALID, VERSION_FIELD, Choice, Context, Field, FilePath, Number, Nullable, Raw, Schema, Text,
)
from .yaml_lines import Node, read_yaml_file

LETTERS = tuple("ABCDEF")
DIGITS = tuple("0123456789")


class KindRules:
    """What the questions of one activity kind may have: which keys, how many, a right answer."""

    def __init__(self, keys: tuple[str, ...], min_options: int, max_options: int,
                 correct: str, default_options: tuple[Option, ...] = ()) -> None:
        self.keys = keys  # clicker keys allowed as option keys
        self.min_options = min_options
        self.max_options = max_options
        self.correct = correct  # "required" | "optional" | "forbidden"
        self.default_options = default_options  # used when a question lists no options


# Option keys are the keys a child presses on a clicker (A-F, 0-9), or holds up on a card.
KIND_RULES = {
    "multiple_choice": KindRules(LETTERS, 2, 6, "required"),
    "true_false": KindRules(("A", "B"), 2, 2, "required"),
    "poll": KindRules(LETTERS + DIGITS, 2, 10, "forbidden"),
    "numeric": KindRules(DIGITS, 1, 10, "required", tuple(Option(d, d) for d in DIGITS)),
    "discussion": KindRules((), 0, 0, "forbidden"),
    "energizer": KindRules((), 0, 0, "forbidden"),
}

QUESTION_SCHEMA = Schema("question", "One question (or prompt) of an activity.", (
    Field("prompt", Text(), "The question or instruction shown in big letters.", required=True),
    Field("options", Raw(),
          "The answers to choose from: a list of `- key: A` / `text: ...` pairs, or a block of "
          "`A: text` lines. Keys are clicker keys: A-F for multiple_choice and poll, A and B for "
          "true_false, 0-9 for numeric (may be left out: any digit) and poll; none for discussion "
          "and energizer.", default=None),
    Field("correct", Nullable(Text()),
          "The key of the right answer. Required for multiple_choice, true_false and numeric; "
          "not allowed for poll, discussion and energizer.", default=None),
    Field("image", Nullable(FilePath()),
          "A picture shown with the question, relative to this file's folder.", default=None),
))

OPTION_SCHEMA = Schema("option", "One answer choice.", (
    Field("key", Text(), "The clicker key that chooses it (A-F or 0-9).", required=True),
    Field("text", Text(), "The answer as shown.", required=True),
))

ACTIVITY_SCHEMA = Schema("activity", "A quiz, poll, discussion prompt or energizer a playlist can include.", (
    VERSION_FIELD,
    Field("id", ID_TEXT, "The name playlists use for this activity (`activity: water-quiz`); unique.",
          required=True),
    Field("kind", Choice(ACTIVITY_KINDS),
          "What sort of activity: " + ", ".join(ACTIVITY_KINDS) + ".", required=True),
    Field("title", Text(), "The title shown above the questions.", required=True),
    Field("questions", Raw(), "The questions (or prompts), in order; at least one.", required=True),
    Field("seconds", Nullable(Number(above=0, maximum=3600)),
          "A timer per question in seconds; leave out to let the teacher close each question.",
          default=None),
))


def load_activities(folder: Path, *, check_media: bool = False,
                    media_dirs: tuple[Path, ...] = ()) -> dict[str, Activity]:
    """Every activity in `folder` (*.yaml, *.yml) by id; raises ConfigError listing all problems.

    With check_media, question images must exist and be readable too (`cinema check` does this;
    the kiosk itself shows a notice for a missing picture and goes on).
    """
    activities, problems = read_activities(folder, check_media=check_media, media_dirs=media_dirs)
    if problems:
        raise ConfigError(problems)
    return activities


def read_activities(folder: Path, *, check_media: bool = False,
                    media_dirs: tuple[Path, ...] = ()) -> tuple[dict[str, Activity], list[Problem]]:
    """All readable activities by id and every problem found; never raises for bad content."""
    folder = Path(folder).absolute()
    if not folder.is_dir():
        return {}, [Problem(folder, 0, "", _("activities folder not found"),
                            _("create it or correct activities_dir in the kiosk config"))]
    activities: dict[str, Activity] = {}
    first_seen: dict[str, tuple[Path, int]] = {}
    problems: list[Problem] = []
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        activity, file_problems, id_line = read_activity(path, check_media=check_media, media_dirs=media_dirs)
        problems.extend(file_problems)
        if activity is None:
            continue
        if activity.id in activities:
            where, line = first_seen[activity.id]
            problems.append(Problem(path, id_line, "id",
                                    _("activity id {id!r} is already used in {file}:{line}").format(
                                        id=activity.id, file=display_path(where), line=line),
                                    _("give each activity its own id")))
            continue
        activities[activity.id] = activity
        first_seen[activity.id] = (path, id_line)
    return activities, problems


def read_activity(path: Path, *, check_media: bool = False,
                  media_dirs: tuple[Path, ...] = ()) -> tuple[Activity | None, list[Problem], int]:
    """One activity file: the activity (None without a usable id), its problems, the id's line."""
    path = Path(path).absolute()
    report = Reporter(path)
    root = read_yaml_file(path, report)
    if root is None:
        return None, report.problems, 0
    ctx = Context(report, path.parent, content_roots(path, tuple(media_dirs)))
    v = ACTIVITY_SCHEMA.read(root, ctx)
    kind = v["kind"]
    questions: list[Question] = []
    if isinstance(v["questions"], Node):
        questions = _read_questions(v["questions"], kind, ctx, check_media)
    id_line = root.key_lines.get("id", root.line) if root.is_mapping else root.line
    if not v["id"]:
        return None, report.problems, id_line
    activity = Activity(id=v["id"], kind=kind or "", title=v["title"] or "", questions=tuple(questions),
                        seconds=None if v["seconds"] is None else float(v["seconds"]), source=path)
    return activity, report.problems, id_line


def _read_questions(node: Node, kind: str | None, ctx: Context, check_media: bool) -> list[Question]:
    if not node.is_list or not node.value:
        ctx.report.add(node.line, "questions", _("needs a list of at least one question"),
                       _("write each question on its own line starting with \"- prompt: \""))
        return []
    questions = []
    for i, q_node in enumerate(node.value):
        where = f"questions[{i}]"
        q = QUESTION_SCHEMA.read(q_node, ctx, where)
        rules = KIND_RULES.get(kind) if kind else None
        options = _read_options(q["options"], rules, kind, ctx, where, q_node) if rules else ()
        correct = _check_correct(q["correct"], options, rules, kind, ctx, where, q_node) if rules else None
        if check_media and q["image"] is not None:
            check_media_file(q["image"], "image", ctx, q_node.value["image"].line, f"{where}.image")
        questions.append(Question(prompt=q["prompt"] or "", options=options, correct=correct, image=q["image"]))
    return questions


def _read_options(node: Node | None, rules: KindRules, kind: str, ctx: Context, where: str,
                  q_node: Node) -> tuple[Option, ...]:
    key = f"{where}.options"
    if node is None or node.value is None:
        if rules.min_options and not rules.default_options:
            ctx.report.add(q_node.line, key, _("is missing: a {kind} question needs options").format(kind=kind),
                           _("add `options:` with a line `A: ...` for each answer"))
        return rules.default_options
    if not rules.keys:
        ctx.report.add(node.line, key, _("a {kind} activity has no options").format(kind=kind),
                       _("remove the options, or use kind: poll or multiple_choice"))
        return ()
    pairs = _option_pairs(node, ctx, key)
    options: list[Option] = []
    for line, raw_key, text in pairs:
        option_key = raw_key.strip().upper()
        if option_key not in rules.keys:
            ctx.report.add(line, key, _("option key {k!r} is not valid for {kind}").format(k=raw_key, kind=kind),
                           _("use the clicker keys {keys}").format(keys=", ".join(rules.keys)))
            continue
        if any(o.key == option_key for o in options):
            ctx.report.add(line, key, _("option key {k!r} is used twice").format(k=option_key),
                           _("give each option its own key"))
            continue
        options.append(Option(option_key, text))
    count = len(node.value) if node.is_mapping or node.is_list else 0
    if count and not (rules.min_options <= count <= rules.max_options):
        amount = (str(rules.min_options) if rules.min_options == rules.max_options
                  else f"{rules.min_options}-{rules.max_options}")
        ctx.report.add(node.line, key, _("has {n} options; a {kind} question needs {amount}").format(
            n=count, kind=kind, amount=amount), _("add or remove options"))
    return tuple(options)


def _option_pairs(node: Node, ctx: Context, key: str) -> list[tuple[int, str, str]]:
    """(line, key, text) for each option, from `A: text` lines or a list of {key, text} entries."""
    text = Text()
    pairs = []
    if node.is_mapping:
        for option_key, text_node in node.value.items():
            value = text.read(text_node, ctx, f"{key}.{option_key}")
            if value is not INVALID:
                pairs.append((node.key_lines[option_key], option_key, value))
        return pairs
    if not node.is_list:
        ctx.report.add(node.line, key, _("must be a list of options"),
                       _("write one option per line, like `A: Rain`"))
        return pairs
    for i, entry in enumerate(node.value):
        where = f"{key}[{i}]"
        # `- A: Rain` is the short way to write `- key: A` + `text: Rain`.
        if entry.is_mapping and len(entry.value) == 1 and not {"key", "text"} & set(entry.value):
            ((option_key, text_node),) = entry.value.items()
            value = text.read(text_node, ctx, f"{where}.{option_key}")
            if value is not INVALID:
                pairs.append((entry.line, option_key, value))
            continue
        o = OPTION_SCHEMA.read(entry, ctx, where)
        if o["key"] and o["text"]:
            pairs.append((entry.line, o["key"], o["text"]))
    return pairs


def _check_correct(correct: str | None, options: tuple[Option, ...], rules: KindRules, kind: str,
                   ctx: Context, where: str, q_node: Node) -> str | None:
    key = f"{where}.correct"
    line = q_node.value["correct"].line if q_node.is_mapping and "correct" in q_node.value else q_node.line
    if correct is None:
        if rules.correct == "required":
            ctx.report.add(line, key, _("is missing: a {kind} question needs the right answer").format(kind=kind),
                           _("add `correct:` with the key of the right option, or use kind: poll"))
        return None
    if rules.correct == "forbidden":
        ctx.report.add(line, key, _("a {kind} has no right answer").format(kind=kind),
                       _("remove `correct`, or use kind: multiple_choice"))
        return None
    normal = correct.strip().upper()
    keys = [o.key for o in options]
    if options and normal not in keys:
        ctx.report.add(line, key, _("{k!r} is not one of the options ({keys})").format(k=correct, keys=", ".join(keys)),
                       _("use one of: {keys}").format(keys=", ".join(keys)))
        return None
    return normal
