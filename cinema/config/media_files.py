"""Check that a media file a playlist or activity names is inside the content folders, an ordinary
readable file, and of the kind it is used as (a picture the kiosk can afford to show, a video)."""

from __future__ import annotations

import os
from cinema.locale.runtime import gettext as _
from pathlib import Path

from .picture_files import MAX_PIXELS, PictureRefused, read_header, special_file_kind, verify_pixels
from .problems import did_you_mean, display_path
from .schema import Context
from .sound_video_files import media_type_problem

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
    if not inside(path, ctx.roots):
        ctx.report.add(line, key, _("{file} is outside the lesson's folders").format(file=shown),
                       _("copy it into {folder}, or add its folder to media_dirs in the kiosk config").format(
                           folder=display_path(ctx.roots[0]) if ctx.roots else "."))
        return False
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
    special = special_file_kind(path)
    if special == "folder":
        ctx.report.add(line, key, _("{file} is a folder, not a file").format(file=shown), _("name the file inside it"))
        return False
    if special is not None:  # a FIFO would make the kiosk wait for it for good
        ctx.report.add(line, key, _("{file} is a pipe or a device, not a file").format(file=shown),
                       _("name a picture or video file saved on the disk"))
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
    if kind == "image":
        return _check_picture(path, ctx, line, key)
    if kind in ("video", "audio"):
        return _check_sound_video(path, kind, ctx, line, key)
    return True


def inside(path: Path, roots: tuple[Path, ...]) -> bool:
    """True when `path`, with every symlink and `..` followed, lies in one of `roots` (no roots: anywhere)."""
    if not roots:
        return True
    real = Path(os.path.realpath(path))
    return any(real.is_relative_to(os.path.realpath(root)) for root in roots)


def content_roots(yaml_file: Path, extra: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """The folders the media of a playlist or activity file may come from: the project folder (the
    one above the file's own folder, so `../demo_media/x.png` works from `playlists/`) and `extra`,
    the kiosk config's media_dirs."""
    folder = Path(yaml_file).absolute().parent
    project = folder.parent if folder.parent != folder else folder
    return (project, *extra)


def slide_problem(path: Path, roots: tuple[Path, ...]) -> str | None:
    """Why the kiosk must not try to show this picture (for the journal), or None. Cheap enough to
    run on every slide when a lesson is loaded: a stat and a read through the file, no pixels."""
    if not inside(path, roots):
        return f"outside the lesson's folders: {path.name}"
    try:
        read_header(path, structure=True)
    except PictureRefused as refused:
        return refused.reason
    return None


def media_problem(path: Path, roots: tuple[Path, ...]) -> str | None:
    """Why the kiosk must not hand this video or sound file to the player (for the journal), or None.
    Only where it is and what sort of file: whether VLC can play it is VLC's to say."""
    if not inside(path, roots):
        return f"outside the lesson's folders: {path.name}"
    if special_file_kind(path) == "special":
        return f"not a file: {path.name}"
    return None


def _check_picture(path: Path, ctx: Context, line: int, key: str) -> bool:
    shown = display_path(path)
    try:
        verify_pixels(path)
    except PictureRefused as refused:
        if refused.kind == "too_big":
            size = "{0}x{1}".format(*refused.size) if refused.size else _("over {n} megapixels").format(
                n=MAX_PIXELS // 1_000_000)
            ctx.report.add(line, key, _("{file} is too big to show ({size})").format(file=shown, size=size),
                           _("make it smaller: at most {n} megapixels, e.g. 1920x1080").format(
                               n=MAX_PIXELS // 1_000_000))
        elif refused.kind == "damaged":
            ctx.report.add(line, key, _("{file} is damaged or cut short").format(file=shown),
                           _("copy the file again, or export the picture again"))
        else:
            ctx.report.add(line, key, _("{file} is not {what} the kiosk can show").format(
                file=shown, what=_("a picture")), _("save it as PNG or JPG"))
        return False
    return True


def _check_sound_video(path: Path, kind: str, ctx: Context, line: int, key: str) -> bool:
    shown = display_path(path)
    try:
        problem = media_type_problem(path, kind)
    except OSError as err:
        ctx.report.add(line, key, _("cannot read {file} ({reason})").format(file=shown, reason=err.strerror),
                       _("check the file's permissions, or copy it again"))
        return False
    if problem is None:
        return True
    what = _("a video") if kind == "video" else _("a sound file")
    if problem == "text":
        message = _("{file} is text, not {what}").format(file=shown, what=what)
    else:
        message = _("{file} is not {what} the kiosk can play").format(file=shown, what=what)
    fix = _("copy the right file (MP4, WebM, MKV, OGG or MP3)")
    ctx.report.add(line, key, message, fix)
    return False


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
