"""`cinema check`: validate a kiosk config and every playlist, activity and media file it reaches."""

from __future__ import annotations

from cinema.locale.runtime import gettext as _
from pathlib import Path
from typing import Callable, TypeVar

from .activities import read_activities
from .kiosk import project_root, read_kiosk_config
from .models import Activity
from .playlists import read_playlist
from .problems import Problem

T = TypeVar("T")


def check_all(config_path: Path, playlist: Path | None = None) -> list[Problem]:
    """Every problem in the kiosk config, its activities, its playlists (or just `playlist`) and media.

    Never raises for bad content. A bug in the checker itself becomes a Problem on the file it
    was reading, so a teacher sees one line, not a traceback, and the other files still get checked.
    """
    config_path = Path(config_path).absolute()
    problems: list[Problem] = []
    config = _guarded(config_path, problems, lambda: read_kiosk_config(config_path))
    root = project_root(config_path)
    playlists_dir = config.playlists_dir if config else root / "playlists"
    activities_dir = config.activities_dir if config else root / "activities"
    media_dirs = config.media_dirs if config else ()

    activities: dict[str, Activity] = {}
    # A missing folder was already reported against the config's key, with its line.
    if activities_dir.is_dir():
        activities = _guarded(activities_dir, problems,
                              lambda: read_activities(activities_dir, check_media=True,
                                                              media_dirs=media_dirs)) or {}

    from cinema.importers.checksums import cache_beside, verify_lesson
    from cinema.progress import bar

    cache = cache_beside(config.journal if config else None)  # files unchanged since last hashed are not hashed again
    for path in _playlists_to_check(playlist, playlists_dir, config.playlist if config else None):
        _guarded(path, problems, lambda path=path: read_playlist(path, activities, check_media=True,
                                                                 media_dirs=media_dirs))
        _guarded(path, problems, lambda path=path: (None, verify_lesson(path, cache, progress=bar)))  # a cut-short copy
    return _unique(problems)


def _playlists_to_check(chosen: Path | None, folder: Path, configured: Path | None) -> list[Path]:
    if chosen is not None:
        return [Path(chosen).absolute()]
    found = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []
    if configured is not None and configured.is_file() and configured.absolute() not in found:
        found.append(configured.absolute())  # the start playlist may live outside playlists_dir
    return found


def _guarded(path: Path, problems: list[Problem], read: Callable[[], tuple[T, list[Problem]]]) -> T | None:
    try:
        value, found = read()
    except Exception as err:  # noqa: BLE001 - the point is that nothing escapes as a traceback
        problems.append(Problem(path, 0, "", _("the checker failed on this file ({error})").format(
            error=f"{type(err).__name__}: {err}"), _("please report this as a bug, with the file")))
        return None
    problems.extend(found)
    return value


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
