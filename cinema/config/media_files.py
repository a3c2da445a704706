"""Check that a media file a playlist or activity names is there, readable and not empty."""

from __future__ import annotations

from cinema.locale.runtime import gettext as _
from pathlib import Path

from .problems import did_you_mean, display_path
from .schema import Context

# What the display can draw (SDL_image) and the player can show as subtitles (VLC).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tga")
SUBTITLE_SUFFIXES = (".srt", ".vtt", ".ass", ".ssa", ".sub")
_SUFFIXES = {"image": IMAGE_SUFFIXES, "subtitles": SUBTITLE_SUFFIXES}


def check_media_file(path: Path, kind: str, ctx: Context, line: int, key: str) -> bool:
    """True when `path` is a non-empty readable file of the right kind; otherwise reports why.

    `kind` is "video", "audio", "image" or "subtitles" (only the last two have a fixed set of
    file types: VLC plays almost any audio or video container, so it is not second-guessed).
    """
    shown = display_path(path)
    suffixes = _SUFFIXES.get(kind)
    if suffixes and path.suffix.lower() not in suffixes:
        fix = _("use one of: {types}").format(types=" ".join(suffixes))
        if path.suffix.lower() == ".pdf":
            fix = _("export each page as a PNG picture and list the pictures")
        what = _("a picture") if kind == "image" else _("a subtitle file")
        ctx.report.add(line, key, _("{file} is not {what} the kiosk can show").format(file=shown, what=what), fix)
        return False
    if not path.parent.is_dir():
        # One line per missing folder and file, not one per slide in it.
        if ctx.report.first_time(("missing folder", path.parent)):
            ctx.report.add(line, key, _("folder not found: {folder} (looking for {name})").format(
                folder=display_path(path.parent), name=path.name), _missing_folder_fix(path))
        return False
    if not path.exists():
        ctx.report.add(line, key, _("file not found: {file}").format(file=shown), _missing_file_fix(path))
        return False
    if not path.is_file():
        ctx.report.add(line, key, _("{file} is a folder, not a file").format(file=shown), _("name the file inside it"))
        return False
    try:
        with path.open("rb") as f:
            first = f.read(1)
    except OSError as err:
        ctx.report.add(line, key, _("cannot read {file} ({reason})").format(file=shown, reason=err.strerror),
                       _("check the file's permissions, or copy it again"))
        return False
    if not first:
        ctx.report.add(line, key, _("{file} is empty (0 bytes)").format(file=shown),
                       _("copy the file again: the copy was probably cut short"))
        return False
    return True


def _missing_folder_fix(path: Path) -> str:
    if "demo_media" in path.parts:
        return _("make the demo media first: python -m cinema.media.demo_media demo_media")
    return _("copy the media there or correct the path (it is relative to this YAML file)")


def _missing_file_fix(path: Path) -> str:
    try:
        names = [p.name for p in path.parent.iterdir()]
    except OSError:
        names = []
    hint = did_you_mean(path.name, names)
    return hint or _("copy the file there or correct the path (it is relative to this YAML file)")
