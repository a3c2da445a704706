"""`cinema import` and `cinema pack`: find the kiosk's folders, read the source, write the lesson, say what happened.

Exit codes: 0 the lesson is written; 1 a problem, every one printed as a line `where: what — how to
fix it` and nothing written to the lessons or activities folders; 130 stopped with Ctrl-C, the
work done so far kept for the same command to continue.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from cinema.locale.runtime import gettext as _

from .drafts import ImportContext, ImportProblem, LessonDraft, key_for
from .folder import name_key
from .writer import skipped_name

_LANGUAGE = re.compile(r"[a-z]{2,3}([_-][A-Za-z0-9]{2,8})?")


def main_import(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    sources = [Path(s) for s in args.sources]
    work: Path | None = None
    try:
        from . import pack

        if any(pack.is_pack(p) for p in sources):
            return pack.import_packs(args)
        config = _kiosk_config(getattr(args, "config", None))
        language = _language(getattr(args, "language", None), config.language)
        work = _work_folder(config.playlists_dir, sources, args)
        ctx = ImportContext(work=work, language=language, low_power=bool(getattr(args, "low_power", False)))
        with _alone(work):
            draft = _read(sources, args, ctx)
            if getattr(args, "title", None):
                draft = replace(draft, title=" ".join(args.title.split()))
            from .writer import target_for, write_lesson

            config.playlists_dir.mkdir(parents=True, exist_ok=True)
            config.activities_dir.mkdir(parents=True, exist_ok=True)
            target = target_for(config.playlists_dir, config.activities_dir, draft.name or key_for(draft.title),
                                getattr(args, "output", None), tuple(sources))
            written = write_lesson(draft, target, ctx)
    except ImportProblem as problem:
        if work is not None and not isinstance(problem, _Busy):  # the other import's lock stays its own
            _remove_if_unused(work)
        for line in problem.problems:
            print(line, file=err)
        print(_("Nothing was written. Fix the problems above, then run the same command again."), file=err)
        return 1
    except KeyboardInterrupt:
        print("", file=err)
        if work is not None and work.exists():
            print(_("Stopped. The work done so far is kept in {folder}: run the same command again to continue.")
                  .format(folder=work), file=err)
        else:
            print(_("Stopped. Nothing was written."), file=err)
        return 130
    _summary(draft, written, config, getattr(args, "config", None), out)
    return 0


def main_pack(args: argparse.Namespace) -> int:
    from . import pack

    return pack.main_pack(args)


# ---- steps ---------------------------------------------------------------------------------------------


def _kiosk_config(named: str | None):
    from cinema.config.kiosk import read_kiosk_config
    from cinema.config.locate import locate_config

    path = locate_config(named)
    if not path.is_file():
        raise ImportProblem(f"{path}: " + _("kiosk config not found") + " — "
                            + _("give it with --config, e.g. --config kiosk_config/default.yaml"))
    config, problems = read_kiosk_config(path)
    if config is None:  # not YAML at all; a config with other mistakes still says where lessons go
        raise ImportProblem([str(p) for p in problems])
    return config


def _language(given: str | None, kiosk: str) -> str:
    if given is None:
        return kiosk
    if not _LANGUAGE.fullmatch(given):
        raise ImportProblem(f"--language {given}: " + _("not a language code") + " — "
                            + _("use a code such as en, ar, uk, fr, pt, es"))
    return given


def _work_folder(playlists_dir: Path, sources: list[Path], args: argparse.Namespace) -> Path:
    """`playlists/.import-NAME/`: named after what is imported, so the same command finds it again."""
    output = getattr(args, "output", None)
    if output:
        folder, name = Path(output).parent, key_for(Path(output).stem, limit=40)
    else:
        folder, name = playlists_dir, name_key(sources[0].resolve().name if sources else "lesson")
    topic = getattr(args, "topic", None)
    if topic:
        name = f"{name}-{key_for(topic)}"
    return folder / f".import-{name}"


LOCK = ".lock"


class _Busy(ImportProblem):
    """Another import of the same lesson holds the work folder."""


@contextmanager
def _alone(work: Path) -> Iterator[None]:
    """One import of a lesson at a time: a second one (the same command typed again in another window)
    would prepare into the same work folder."""
    work.mkdir(parents=True, exist_ok=True)
    fd = os.open(work / LOCK, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _Busy(f"{work}: " + _("another cinema import of this lesson is running") + " — "
                                + _("wait for it to finish")) from None
        yield
    finally:
        os.close(fd)  # the lock goes with it (the work folder itself is gone after a good import)


def _remove_if_unused(work: Path) -> None:
    """A work folder the import stopped before using (a source not found) is not left behind."""
    try:
        if {p.name for p in work.iterdir()} <= {LOCK}:
            (work / LOCK).unlink(missing_ok=True)
            work.rmdir()
    except OSError:
        pass


def _read(sources: list[Path], args: argparse.Namespace, ctx: ImportContext) -> LessonDraft:
    from . import kolibri

    if len(sources) == 1 and kolibri.is_kolibri(sources[0]):
        return kolibri.read_kolibri(sources[0], getattr(args, "topic", None), ctx, ask=_asker(),
                                    language=getattr(args, "language", None))
    if getattr(args, "topic", None):
        raise ImportProblem(f"--topic {args.topic}: " + _("only a Kolibri channel has topics") + " — "
                            + _("leave --topic out, or give the KOLIBRI_DATA folder"))
    from .folder import read_sources

    return read_sources(sources, ctx)


def _asker():
    """A question on the terminal (a Kolibri topic to choose), or None when nobody is there to answer."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None

    def ask(question: str) -> str:
        try:
            return input(question)
        except EOFError:  # Ctrl-D: no answer, as if nothing was typed
            return ""

    return ask


# ---- what happened ---------------------------------------------------------------------------------


def _summary(draft: LessonDraft, written, config, config_arg: str | None, out: TextIO) -> None:
    say = lambda text="": print(text, file=out)  # noqa: E731
    say((_("Lesson updated: {file}") if written.updated else _("Lesson written: {file}")).format(
        file=written.playlist))
    counts = written.counts
    say("  " + _("{title}: videos {videos}, sounds {sounds}, slides {slides}, quizzes {quizzes}").format(
        title=draft.title, videos=counts.get("video", 0), sounds=counts.get("audio", 0),
        slides=counts.get("slides", 0), quizzes=counts.get("quiz", 0)))
    if draft.skipped:
        say(_("Left out:"))
        for skipped in draft.skipped:
            say(f"  {skipped_name(skipped.source)}: {skipped.reason}")
    if written.notes:
        say(_("Made ready:"))
        for note in written.notes:
            say(f"  {note}")
    if written.removed:
        say(_("Removed (no longer in the source):"))
        for path in written.removed:
            say(f"  {path.name}")
    check = "cinema check" + (f" --config {config_arg}" if config_arg else "")
    say(_("Check it: {command}").format(command=check))
    if written.playlist.parent.resolve() == config.playlists_dir.resolve():
        say(_("It is now in the lesson list on the kiosk's home screen."))
    else:
        say(_("It is not in the kiosk's lessons folder ({folder}): play it with {command}").format(
            folder=config.playlists_dir, command=f"cinema run --playlist {written.playlist}"))
