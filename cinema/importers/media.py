"""Video and sound files made ready for the field with ffmpeg: probed, checked, converted, normalised.

`probe(path)` says what a file holds (ffprobe, bounded in time and output). `prepare(...)` decodes
the file start to end once (a damaged or truncated file is named, with the time, before the
lesson: not during it), converts it where an old laptop would not play it smoothly (H.264 at most
1080p, yuv420p, a key frame every 2 s for fast seek and resume, AAC, `+faststart`), brings its
loudness to TARGET_LUFS (EBU R128, two passes: the check measures, the conversion applies a
linear gain), and on request makes a low-power copy (480p, 25 fps, fast-decoding H.264) that the
kiosk plays on battery. A file already like that is copied stream by stream, not re-encoded.
Sound items become AAC in `KEY.m4a` whatever they came as (MP3, Ogg, WAV): the loudness gain needs
an encode anyway, and one codec is one thing less to go wrong on the day; VLC plays it.

Resumable: every output is written to a temporary name and renamed when whole; a record beside
the outputs (`.KEY.prepared.json`) remembers the source's fingerprint and the settings, so an
unchanged file prepared before (in this import's work folder, or in the live lesson folder given
as `reuse`) is not prepared again, and an import broken off after the check goes straight on to
the conversion.

Loudness target: -16 LUFS integrated, true peak -1.5 dBTP. EBU R128's -23 LUFS is for broadcast
chains with amplifiers to spare; a laptop's speakers or a small powered speaker in a noisy tent are
at their limit well before that, and -16 is what AES TD1004 recommends for playback on such
devices. What matters most for the class is that lessons do not jump in volume from one file to
the next, which either target gives.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import selectors
import shutil
import signal
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from cinema.atomic import replacing, write_text
from cinema.core.messages import N_

from .drafts import ImportContext, ImportProblem

TARGET_LUFS = -16.0
TARGET_TP = -1.5
TARGET_LRA = 20.0  # wide: speech and music in one lesson keep their range; linear gain is then possible
LOUDNESS_TOLERANCE = 1.0  # LU: a file this close to the target is left as it is
SILENT_LUFS = -70.0  # quieter than this is silence (a video with a mute track): no gain

MAX_LONG, MAX_SHORT = 1920, 1080  # main rendition: at most 1080p (either way round)
LOW_LONG, LOW_SHORT = 854, 480  # low-power rendition
MAX_FPS, LOW_FPS = 30.5, 25.0
KEYFRAME_SECONDS = 2.0
KEYFRAME_SLACK = 0.25  # seconds over KEYFRAME_SECONDS still counted as "every 2 s"
MAX_DURATION = 24 * 3600.0  # what a playlist item accepts

PROBE_SECONDS = 30.0  # ffprobe, whatever the file
PROBE_OUTPUT = 4 << 20  # bytes of ffprobe output read at most
KEYFRAME_WINDOW = 30.0  # seconds of packets read to estimate the key-frame interval
STALL_SECONDS = 180.0  # an ffmpeg that reports no progress this long is stuck: killed
ERROR_LINES = 60  # ffmpeg error lines kept for the message

SETTINGS_VERSION = 1
FINGERPRINT_EDGE = 1 << 20  # the first and last MiB are hashed


def _(message: str) -> str:
    from cinema.locale.runtime import gettext

    return gettext(message)


# --- what a file holds ----------------------------------------------------------------------------

@dataclass(frozen=True)
class VideoStream:
    index: int  # in the file, for -map
    codec: str
    width: int  # as displayed (a phone video's rotation applied)
    height: int
    fps: float | None
    pix_fmt: str
    profile: str
    keyframe_interval: float | None  # the longest gap between key frames in the first KEYFRAME_WINDOW s
    interlaced: bool = False  # a DVD or a TV recording: de-interlaced when converted


@dataclass(frozen=True)
class AudioStream:
    index: int
    codec: str
    channels: int
    sample_rate: int


@dataclass(frozen=True)
class Probe:
    path: Path
    container: str  # ffprobe's format name: "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "mp3", "ogg"
    duration: float | None  # seconds, as the file claims (None: it does not say); the check measures
    video: VideoStream | None  # a cover picture in a sound file is not a video
    audio: AudioStream | None
    title: str = ""  # the file's own title tag
    size: int = 0


@dataclass(frozen=True)
class Prepared:
    path: Path  # the file the playlist names (in `stage`)
    duration: float  # seconds, measured by decoding it
    low_power: Path | None  # the low-power copy, when asked for
    converted: bool  # the video (or a sound file's audio) was re-encoded
    normalised: bool  # a loudness gain was applied
    notes: tuple[str, ...] = ()  # what was done, for the summary, in the teacher's language
    record: Path | None = None  # `.KEY.prepared.json`: keep it beside the files so a later import reuses them


class _NotConverted(ImportProblem):
    """ffmpeg could not write the file (not a full disk, not a time-out)."""


class _Failed(Exception):
    """An ffmpeg run that did not finish well: its exit code, error lines and how far it got."""

    def __init__(self, code: int | None, errors: list[str], reached: float, why: str = "",
                 first_error_at: float | None = None) -> None:
        super().__init__(why or f"ffmpeg exited with {code}")
        self.code, self.errors, self.reached, self.why = code, errors, reached, why
        self.first_error_at = first_error_at  # about how far it was (its progress) when the first error came


def probe(path: Path) -> Probe:
    """What `path` holds. ImportProblem, in plain words, for a file that is missing, empty, not a
    video or sound file, or whose index is missing (an MP4 cut short)."""
    path = Path(path)
    name = path.name
    size = _readable(path).st_size
    if size == 0:
        raise ImportProblem(_("{file}: the file is empty (0 bytes) — copy it again from the original").format(
            file=name))
    code, out, err = _run_bounded(
        [_tool("ffprobe"), "-hide_banner", "-v", "error", "-print_format", "json",
         "-show_format", "-show_streams", "--", str(path)], PROBE_SECONDS, PROBE_OUTPUT)
    err_text = err.decode("utf-8", "replace")
    if code is None and len(out) < PROBE_OUTPUT:
        raise ImportProblem(_("{file}: ffprobe could not read the file in {n} seconds — export it again as MP4 "
                              "(H.264)").format(file=name, n=int(PROBE_SECONDS)))
    if "moov atom not found" in err_text:
        raise ImportProblem(_("{file} cannot be read: the file is cut short (its index is missing) — copy it again "
                              "from the original").format(file=name))
    try:
        info = json.loads(out.decode("utf-8", "replace") or "{}")
    except ValueError:
        info = {}
    if not isinstance(info, dict):
        info = {}
    fmt = info.get("format") if isinstance(info.get("format"), dict) else {}
    streams = [s for s in info.get("streams", []) if isinstance(s, dict)] if isinstance(
        info.get("streams"), list) else []
    container = str(fmt.get("format_name", ""))
    video = _video_stream(streams)
    audio = _audio_stream(streams)
    if code != 0 or not fmt or container in _NOT_MEDIA or (video is None and audio is None):
        raise ImportProblem(_("{file} is not a video or sound file that can be read — export it again as MP4 (H.264) "
                              "or MP3").format(file=name))
    duration = _number(fmt.get("duration"))
    if duration is None:
        durations = [d for d in (_number(s.get("duration")) for s in streams) if d is not None]
        duration = max(durations) if durations else None
    if video is not None and video.fps and duration and duration > 0:
        video = _with_keyframes(path, video)
    tags = fmt.get("tags") if isinstance(fmt.get("tags"), dict) else {}
    title = next((str(v) for k, v in tags.items() if str(k).lower() == "title"), "").strip()[:200]
    return Probe(path=path, container=container, duration=duration, video=video, audio=audio, title=title, size=size)


def _readable(path: Path) -> os.stat_result:
    """The file's status, when it is a file that can be read; ImportProblem otherwise."""
    try:
        st = path.stat()
        if stat.S_ISREG(st.st_mode):  # a pipe or a device would block an open() for ever
            with open(path, "rb"):
                pass
    except OSError:
        raise ImportProblem(_("{file}: the file cannot be read — check that it is there and copy it again").format(
            file=path.name)) from None
    if not stat.S_ISREG(st.st_mode):
        raise ImportProblem(_("{file}: this is not a file — give a video or sound file").format(file=path.name))
    return st


_NOT_MEDIA = ("tty", "image2", "png_pipe", "jpeg_pipe", "webp_pipe", "gif", "svg_pipe", "bmp_pipe", "pdf",
              "txt", "lrc", "srt", "webvtt", "ass")
_PICTURE_CODECS = ("ansi", "png", "mjpeg", "bmp", "gif", "webp", "tiff")


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _rate(text: object) -> float | None:
    try:
        num, _slash, den = str(text).partition("/")
        value = float(num) / float(den or 1)
    except (ValueError, ZeroDivisionError):
        return None
    return value if math.isfinite(value) and 0 < value <= 1000 else None


def _video_stream(streams: list[dict]) -> VideoStream | None:
    for s in streams:
        disposition = s.get("disposition") if isinstance(s.get("disposition"), dict) else {}
        if s.get("codec_type") != "video" or disposition.get("attached_pic") or s.get("codec_name") in _PICTURE_CODECS:
            continue
        width, height = int(_number(s.get("width")) or 0), int(_number(s.get("height")) or 0)
        if width <= 0 or height <= 0:
            continue
        if _rotation(s) in (90, 270):  # ffmpeg turns a phone's upright video round: the frames become this shape
            width, height = height, width
        return VideoStream(index=int(s.get("index", 0)), codec=str(s.get("codec_name", "")), width=width,
                           height=height, fps=_rate(s.get("avg_frame_rate")) or _rate(s.get("r_frame_rate")),
                           pix_fmt=str(s.get("pix_fmt", "")), profile=str(s.get("profile", "")),
                           keyframe_interval=None, interlaced=s.get("field_order") in ("tt", "bb", "tb", "bt"))
    return None


def _rotation(stream: dict) -> int:
    angle = None
    for side in stream.get("side_data_list", []) if isinstance(stream.get("side_data_list"), list) else []:
        if isinstance(side, dict) and "rotation" in side:
            angle = _signed(side.get("rotation"))
    tags = stream.get("tags") if isinstance(stream.get("tags"), dict) else {}
    if angle is None and "rotate" in tags:
        angle = _signed(tags.get("rotate"))
    return int(round(angle or 0)) % 360


def _signed(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _audio_stream(streams: list[dict]) -> AudioStream | None:
    for s in streams:
        if s.get("codec_type") == "audio":
            return AudioStream(index=int(s.get("index", 0)), codec=str(s.get("codec_name", "")),
                               channels=int(_number(s.get("channels")) or 0),
                               sample_rate=int(_number(s.get("sample_rate")) or 0))
    return None


def _with_keyframes(path: Path, video: VideoStream) -> VideoStream:
    """The longest gap between key frames in the file's first KEYFRAME_WINDOW seconds, from the
    packets' flags (nothing is decoded, so this is quick); the gap up to the window's end counts too."""
    code, out, _err = _run_bounded(
        [_tool("ffprobe"), "-hide_banner", "-v", "error", "-select_streams", str(video.index),
         "-read_intervals", f"%+{KEYFRAME_WINDOW:g}", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0",
         "--", str(path)], PROBE_SECONDS, PROBE_OUTPUT)
    if code != 0:
        return video
    keys, last = [], None
    for line in out.decode("ascii", "replace").splitlines():
        time_text, _comma, flags = line.partition(",")
        moment = _signed(time_text)
        if moment is None:
            continue
        last = moment if last is None else max(last, moment)
        if "K" in flags:
            keys.append(moment)
    if not keys or last is None:
        return video
    keys.sort()
    gaps = [b - a for a, b in zip(keys, keys[1:])] + [last - keys[-1]]
    return VideoStream(**{**video.__dict__, "keyframe_interval": round(max(gaps), 3)})


# --- preparing -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Loudness:
    i: float
    tp: float
    lra: float
    thresh: float
    offset: float

    def filter(self) -> str:
        return (f"loudnorm=I={TARGET_LUFS:g}:TP={TARGET_TP:g}:LRA={TARGET_LRA:g}:measured_I={self.i:.2f}:"
                f"measured_TP={self.tp:.2f}:measured_LRA={self.lra:.2f}:measured_thresh={self.thresh:.2f}:"
                f"offset={self.offset:.2f}:linear=true:print_format=summary")

    @property
    def silent(self) -> bool:
        return self.i < SILENT_LUFS

    @property
    def on_target(self) -> bool:
        return self.silent or (abs(self.i - TARGET_LUFS) <= LOUDNESS_TOLERANCE and self.tp <= TARGET_TP + 0.5)


@dataclass
class _Check:
    duration: float
    loudness: _Loudness | None


@dataclass
class _Record:
    """The `.KEY.prepared.json` beside the outputs."""

    source: dict
    settings: dict
    check: dict | None = None
    main: dict | None = None  # {"file", "fingerprint", "duration", "converted", "normalised", "notes"}
    low: dict | None = None  # {"file", "fingerprint"}

    def as_json(self) -> dict:
        return {"version": SETTINGS_VERSION, "source": self.source, "settings": self.settings, "check": self.check,
                "main": self.main, "low": self.low}


def prepare(src: Path, stage: Path, key: str, kind: str, ctx: ImportContext,
            reuse: Iterable[Path] = ()) -> Prepared:
    """Make `src` (kind "video" or "audio") ready in `stage` as `KEY.mp4` / `KEY.m4a` (and
    `KEY.low.mp4` when ctx.low_power). ImportProblem naming the file (and the time of damage) when it
    cannot be; nothing half-written is left under a final name. `reuse`: folders where an earlier
    import left prepared files and their `.KEY.prepared.json` (the lesson's live folder)."""
    if kind not in ("video", "audio"):
        raise ValueError(f"kind must be video or audio, not {kind!r}")
    src, stage = Path(src), Path(stage)
    stage.mkdir(parents=True, exist_ok=True)
    _clean_partials(stage, key)
    _readable(src)
    source = _fingerprint(src)
    settings = {"kind": kind, "lufs": TARGET_LUFS, "tp": TARGET_TP, "lra": TARGET_LRA, "max": [MAX_LONG, MAX_SHORT],
                "keyframes": KEYFRAME_SECONDS, "version": SETTINGS_VERSION}
    record_path = stage / f".{key}.prepared.json"
    record = _read_record(record_path, source, settings, stage)
    if record is None or record.main is None:
        borrowed = _borrow(reuse, stage, key, source, settings, ctx.low_power)
        if borrowed is not None:
            record = borrowed
    if record is None:
        record = _Record(source=source, settings=settings)

    if record.main is None:
        record.main = _make_main(src, stage, key, kind, ctx, record, record_path)
        record.low = None
        _write_record(record_path, record)
    main_file = stage / record.main["file"]
    low_file = None
    if ctx.low_power and kind == "video":
        if record.low is None:
            probed = probe(main_file)
            if probed.video is not None and _lighter(probed.video):
                made = _make_low(main_file, stage, key, probed, ctx, record.main["duration"])
                record.low = {"file": made, "fingerprint": _fingerprint(stage / made)}
            else:  # small already: the video itself is played on battery
                record.low = {"file": None, "fingerprint": None}
            _write_record(record_path, record)
        if record.low.get("file"):
            low_file = stage / record.low["file"]
    notes = tuple(filter(None, (_note(n) for n in record.main.get("notes", ()))))
    return Prepared(path=main_file, duration=float(record.main["duration"]), low_power=low_file,
                    converted=bool(record.main["converted"]), normalised=bool(record.main["normalised"]),
                    notes=notes, record=record_path)


def _make_main(src: Path, stage: Path, key: str, kind: str, ctx: ImportContext, record: _Record,
               record_path: Path) -> dict:
    name = src.name
    probed = probe(src)
    if kind == "video" and probed.video is None:
        raise ImportProblem(_("{file} has no pictures, only sound — put it in the lesson as a sound file (MP3) or "
                              "export the video again").format(file=name))
    if kind == "audio" and probed.audio is None:
        raise ImportProblem(_("{file} has no sound — export it again with its sound").format(file=name))
    if probed.duration is not None and probed.duration > MAX_DURATION:
        raise ImportProblem(_("{file} says it lasts {hours} hours, longer than a lesson can be — cut it into parts "
                              "or export it again").format(file=name, hours=int(probed.duration // 3600)))
    check = _check_from(record.check)
    if check is None:
        check = _check(src, probed, kind, ctx)
        record.check = {"duration": check.duration,
                        "loudness": None if check.loudness is None else check.loudness.__dict__}
        _write_record(record_path, record)
    plan = _plan(probed, kind, check, name)
    out = stage / f"{key}{'.mp4' if kind == 'video' else '.m4a'}"
    needed = _estimate_bytes(probed, plan, check.duration)
    _need_space(stage, name, needed)
    try:
        _convert(src, out, probed, plan, check, ctx, name, needed)
    except _NotConverted:
        if plan["video"] != "copy":
            raise
        # Some containers' H.264 cannot be put in MP4 as it is (an AVI without time stamps): encode it.
        plan = {**plan, "video": "encode", "notes": [*plan["notes"], [_CONVERTED, {"file": name}]]}
        _convert(src, out, probed, plan, check, ctx, name, _estimate_bytes(probed, plan, check.duration))
    notes = plan["notes"]
    return {"file": out.name, "fingerprint": _fingerprint(out), "duration": round(check.duration, 3),
            "converted": plan["video"] == "encode" if kind == "video" else plan["audio"] == "encode",
            "normalised": plan["gain"], "notes": notes}


def _convert(src: Path, out: Path, probed: Probe, plan: dict, check: _Check, ctx: ImportContext, name: str,
             needed: int) -> None:
    label = _("Converting {file}") if plan["video"] == "encode" or plan["audio"] == "encode" else _("Copying {file}")
    with replacing(out) as tmp:
        _run_ffmpeg(_conversion_args(src, tmp, probed, plan, check), check.duration, label.format(file=name), ctx,
                    name, tmp, needed)


def _check_from(saved: dict | None) -> _Check | None:
    if not isinstance(saved, dict) or _number(saved.get("duration")) is None:
        return None
    loud = saved.get("loudness")
    try:
        loudness = None if loud is None else _Loudness(**{k: float(loud[k]) for k in
                                                          ("i", "tp", "lra", "thresh", "offset")})
    except (KeyError, TypeError, ValueError):
        return None
    return _Check(duration=float(saved["duration"]), loudness=loudness)


_CONVERTED = N_("{file}: converted to H.264 with a key frame every 2 seconds")


def _note(note: object) -> str:
    try:
        message, values = note  # type: ignore[misc]
        return _(str(message)).format(**values)
    except (TypeError, ValueError, KeyError, IndexError):
        return ""


_COPYABLE = ("mp4", "mov", "matroska", "webm", "mpegts", "flv")  # containers whose H.264 has its time stamps


def _plan(probed: Probe, kind: str, check: _Check, name: str) -> dict:
    """What the conversion does: copy or encode the video and the sound, the size and frame rate."""
    notes: list[list] = []  # [message id, its values]: kept in the record, said in the language of each run
    video_mode, size, fps = "none", None, None
    v = probed.video
    if kind == "video" and v is not None:
        size = _fit(v.width, v.height, MAX_LONG, MAX_SHORT)
        if v.fps is not None and v.fps > MAX_FPS:
            fps = v.fps / 2 if v.fps / 2 >= 24 else 30.0
        fine = (v.codec == "h264" and v.pix_fmt in ("yuv420p", "yuvj420p")
                and any(c in probed.container.split(",") for c in _COPYABLE)
                and v.profile in ("Baseline", "Constrained Baseline", "Main", "High")
                and size == (v.width, v.height) and fps is None and not v.interlaced
                and v.keyframe_interval is not None
                and v.keyframe_interval <= KEYFRAME_SECONDS + KEYFRAME_SLACK)
        video_mode = "copy" if fine else "encode"
        if size != (v.width, v.height):
            notes.append([N_("{file}: made smaller, {w}x{h} to {nw}x{nh}"),
                          {"file": name, "w": v.width, "h": v.height, "nw": size[0], "nh": size[1]}])
        if video_mode == "encode":
            notes.append([_CONVERTED, {"file": name}])
    audio_mode, gain = "none", False
    if probed.audio is not None:
        loud = check.loudness
        container_ok = "mp4" in probed.container or "mov" in probed.container
        if loud is not None and not loud.on_target:
            audio_mode, gain = "encode", True
            notes.append([N_("{file}: loudness brought from {lufs} to {target} LUFS"),
                          {"file": name, "lufs": f"{loud.i:.1f}", "target": f"{TARGET_LUFS:g}"}])
        elif probed.audio.codec == "aac" and container_ok and probed.audio.channels <= 2:
            audio_mode = "copy"
        else:
            audio_mode = "encode"
    return {"video": video_mode, "size": size, "fps": fps, "audio": audio_mode, "gain": gain, "notes": notes}


def _fit(width: int, height: int, long_side: int, short_side: int) -> tuple[int, int]:
    """(width, height) made to fit long_side x short_side either way round, aspect kept, even sizes."""
    box_w, box_h = (long_side, short_side) if width >= height else (short_side, long_side)
    scale = min(1.0, box_w / width, box_h / height)
    if scale >= 1.0:
        return max(2, width // 2 * 2), max(2, height // 2 * 2)
    return (max(2, min(box_w, round(width * scale / 2) * 2)), max(2, min(box_h, round(height * scale / 2) * 2)))


def _conversion_args(src: Path, out: Path, probed: Probe, plan: dict, check: _Check) -> list[str]:
    args = ["-i", str(src)]
    if plan["video"] != "none" and probed.video is not None:
        args += ["-map", f"0:{probed.video.index}"]
    if plan["audio"] != "none" and probed.audio is not None:
        args += ["-map", f"0:{probed.audio.index}"]
    if plan["video"] == "copy":
        args += ["-c:v", "copy"]
    elif plan["video"] == "encode":
        filters = ["yadif"] if probed.video is not None and probed.video.interlaced else []
        if plan["size"] is not None and probed.video is not None and plan["size"] != (probed.video.width,
                                                                                      probed.video.height):
            filters.append(f"scale={plan['size'][0]}:{plan['size'][1]}")
        if plan["fps"] is not None:
            filters.append(f"fps={plan['fps']:g}")
        if filters:
            args += ["-vf", ",".join(filters)]
        args += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-profile:v", "high",
                 "-force_key_frames", f"expr:gte(t,n_forced*{KEYFRAME_SECONDS:g})"]
    if plan["audio"] == "copy":
        args += ["-c:a", "copy"]
    elif plan["audio"] == "encode":
        if plan["gain"] and check.loudness is not None:
            args += ["-af", check.loudness.filter()]
        rate = probed.audio.sample_rate if probed.audio and probed.audio.sample_rate in (44100, 48000) else 48000
        args += ["-c:a", "aac", "-b:a", "128k", "-ar", str(rate)]
        if probed.audio and probed.audio.channels > 2:
            args += ["-ac", "2"]
    if plan["video"] == "none":
        args += ["-vn"]
    args += ["-sn", "-dn", "-map_metadata", "0", "-movflags", "+faststart", "-f", "mp4", str(out)]
    return args


def _lighter(video: VideoStream) -> bool:
    """Would the low-power copy cost clearly less to play (fewer pixels a second) than the video?"""
    width, height = _fit(video.width, video.height, LOW_LONG, LOW_SHORT)
    fps = video.fps or LOW_FPS
    return width * height * min(fps, LOW_FPS) < 0.8 * video.width * video.height * fps


def _make_low(main: Path, stage: Path, key: str, probed: Probe, ctx: ImportContext, duration: float) -> str:
    """The low-power copy, made from the prepared file (its sound is already right: copied)."""
    assert probed.video is not None
    out = stage / f"{key}.low.mp4"
    width, height = _fit(probed.video.width, probed.video.height, LOW_LONG, LOW_SHORT)
    filters = [f"scale={width}:{height}"]
    if probed.video.fps is None or probed.video.fps > LOW_FPS + 0.5:
        filters.append(f"fps={LOW_FPS:g}")
    args = ["-i", str(main), "-map", f"0:{probed.video.index}"]
    if probed.audio is not None:
        args += ["-map", f"0:{probed.audio.index}", "-c:a", "copy"]
    args += ["-vf", ",".join(filters), "-c:v", "libx264", "-preset", "veryfast", "-tune", "fastdecode",
             "-profile:v", "main", "-crf", "26", "-maxrate", "900k", "-bufsize", "1800k", "-pix_fmt", "yuv420p",
             "-force_key_frames", f"expr:gte(t,n_forced*{KEYFRAME_SECONDS:g})",
             "-map_metadata", "0", "-movflags", "+faststart", "-f", "mp4"]
    needed = int(duration * 1_100_000 / 8) + (8 << 20)
    _need_space(stage, main.name, needed)
    with replacing(out) as tmp:
        _run_ffmpeg(args + [str(tmp)], duration, _("Low-power copy of {file}").format(file=main.name), ctx,
                    main.name, tmp, needed)
    return out.name


def _check(src: Path, probed: Probe, kind: str, ctx: ImportContext) -> _Check:
    """Decode the whole file once (pictures and sound): a damaged or cut-short file is named with the
    time; the sound's loudness is measured on the way (loudnorm's first pass)."""
    name = src.name
    args = ["-i", str(src)]
    if kind == "video" and probed.video is not None:
        args += ["-map", f"0:{probed.video.index}"]
    if probed.audio is not None:
        args += ["-map", f"0:{probed.audio.index}",
                 "-af", f"loudnorm=I={TARGET_LUFS:g}:TP={TARGET_TP:g}:LRA={TARGET_LRA:g}:print_format=json"]
    args += ["-f", "null", "-"]
    total = probed.duration
    result = None
    try:
        result = _run_ffmpeg(args, total, _("Checking {file}").format(file=name), ctx, name, None, 0, check=True)
    except _Failed as failed:
        raise ImportProblem(_damage(src, probed, failed)) from None
    reached, lines = result
    claimed = probed.duration
    if claimed is not None and reached < claimed - max(1.0, 0.02 * claimed):
        raise ImportProblem(_damage(src, probed, _Failed(0, [], reached, "short")))
    if reached <= 0:
        raise ImportProblem(_("{file} is not a video or sound file that can be read — export it again as MP4 (H.264) "
                              "or MP3").format(file=name))
    if reached > MAX_DURATION:
        raise ImportProblem(_("{file} says it lasts {hours} hours, longer than a lesson can be — cut it into parts "
                              "or export it again").format(file=name, hours=int(reached // 3600)))
    return _Check(duration=reached, loudness=_loudness(lines) if probed.audio is not None else None)


_DAMAGE_WORDS = ("partial file", "ended prematurely", "truncat", "end of file")


def _damage(src: Path, probed: Probe, failed: _Failed) -> str:
    """The teacher's line for a damaged file: where it is damaged and what to do."""
    name = src.name
    if failed.why == "timeout":
        return _("{file}: checking it took too long and was stopped — copy it again from the original, or export "
                 "it again as MP4 (H.264)").format(file=name)
    at = failed.reached if failed.why == "short" else _first_damage(src, probed, failed.first_error_at)
    if at is None:
        at = failed.reached
    text = " ".join(failed.errors).lower()
    if failed.why == "short" or any(word in text for word in _DAMAGE_WORDS):
        return _("{file} is damaged at {time} (the file is cut short — copy it again from the original)").format(
            file=name, time=_clock(at))
    return _("{file} is damaged at {time} (its pictures or sound cannot be read from there — copy it again from the "
             "original, or export it again)").format(file=name, time=_clock(at))


def _first_damage(src: Path, probed: Probe, near: float | None) -> float | None:
    """Where decoding first fails: ffmpeg stops at the first error (-xerror) and the frame checksums
    it wrote until then carry each frame's time. `near`: about where the check saw the first error
    (its progress lags the decoder a little): decoding starts a minute before it, not at the start."""
    if near is not None and near > 90:
        found = _decoded_until(src, probed, near - 60)
        end = probed.duration
        if found is not None and (end is None or found < end - 1.0):
            return found
    return _decoded_until(src, probed, 0.0)


def _decoded_until(src: Path, probed: Probe, start: float) -> float | None:
    maps = []
    if probed.video is not None:
        maps += ["-map", f"0:{probed.video.index}"]
    if probed.audio is not None:
        maps += ["-map", f"0:{probed.audio.index}"]
    limit = 60.0 + 3.0 * min(probed.duration or 0.0, MAX_DURATION)
    code, out, _err = _run_bounded(
        [_tool("ffmpeg"), "-nostdin", "-hide_banner", "-v", "error", "-xerror",
         *(["-ss", f"{start:.3f}", "-copyts"] if start > 0 else []), "-i", str(src), *maps,
         "-f", "framecrc", "-"], limit, 256 << 20, keep_tail=True)
    bases: dict[str, float] = {}
    end = None
    for line in out.decode("ascii", "replace").splitlines():
        if line.startswith("#tb "):
            stream, _colon, base = line[4:].partition(":")
            rate = _rate(base.strip())
            if rate is not None:
                bases[stream.strip()] = rate
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 4 or parts[0] not in bases:
            continue
        try:
            moment = (int(parts[2]) + max(0, int(parts[3]))) * bases[parts[0]]
        except ValueError:
            continue
        end = moment if end is None else max(end, moment)
    return end if end is not None else (0.0 if code is not None else None)


def _clock(seconds: float) -> str:
    whole = int(max(0.0, seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def _loudness(lines: list[str]) -> _Loudness | None:
    """loudnorm's JSON (its first pass), printed last on ffmpeg's error output."""
    text = "\n".join(lines)
    start = text.rfind("{")
    stop = text.find("}", start)
    if start < 0 or stop < 0:
        return None
    try:
        data = json.loads(text[start:stop + 1])
        values = {k: float(data[f"input_{k}"]) for k in ("i", "tp", "lra", "thresh")}
        values["offset"] = float(data["target_offset"])
    except (KeyError, TypeError, ValueError):
        return None
    if not math.isfinite(values["i"]):
        values = {"i": -99.0, "tp": -99.0, "lra": 0.0, "thresh": -99.0, "offset": 0.0}
    values = {k: (v if math.isfinite(v) else -99.0) for k, v in values.items()}
    return _Loudness(**values)


# --- disk space ----------------------------------------------------------------------------------

def _estimate_bytes(probed: Probe, plan: dict, duration: float) -> int:
    """What the output may take: the source's size for a copy, a generous bitrate for an encode."""
    if plan["video"] == "encode" and plan["size"] is not None:
        pixels = plan["size"][0] * plan["size"][1]
        bits = duration * max(500_000, pixels * 1.5)  # 1080p at CRF 23 is 2-6 Mbit/s: a low guess, 3 Mbit/s
        return int(bits / 8) + (16 << 20)
    if plan["video"] == "none":
        return int(duration * 140_000 / 8) + (4 << 20)
    return int(probed.size * 1.05) + (16 << 20)


def _need_space(stage: Path, name: str, needed: int) -> None:
    free = shutil.disk_usage(stage).free
    if free < needed:
        raise ImportProblem(_disk_full(name, needed - free))


def _disk_full(name: str, short_by: int) -> str:
    megabytes = max(1, math.ceil(short_by / 1_000_000))
    return _("the disk is full while preparing {file} — free {n} MB and run the import again").format(
        file=name, n=megabytes)


# --- running ffmpeg ------------------------------------------------------------------------------

def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ImportProblem(_("{tool} is not installed — install ffmpeg (on Debian or Ubuntu: sudo apt-get install "
                              "ffmpeg)").format(tool=name))
    return found


def _run_ffmpeg(args: list[str], duration: float | None, label: str, ctx: ImportContext, name: str,
                out: Path | None, needed: int, *, check: bool = False) -> tuple[float, list[str]]:
    """One ffmpeg run with a progress bar: returns (seconds of media reached, info lines kept).
    _Failed when it fails (check=True: the caller names the damage) or takes too long; ImportProblem
    for a full disk (writing `out`, guessed to need `needed` bytes) or a failed conversion."""
    limit = 120.0 + 8.0 * min(duration or 600.0, MAX_DURATION)
    cmd = [_tool("ffmpeg"), "-nostdin", "-hide_banner", "-nostats", "-loglevel", "level+info", "-y",
           "-progress", "pipe:1", "-stats_period", "0.25", *args]
    bar = ctx.progress(label, round(duration, 1) if duration else None, unit="s")
    try:
        reached, code, errors, lines, why, first_error_at = _watch(cmd, limit, bar)
    finally:
        bar.close()
    if code == 0 and not errors and not why:
        return reached, lines
    if out is not None and any("no space left" in e.lower() for e in errors):
        raise ImportProblem(_disk_full(name, _short_by(out, needed, reached / duration if duration else 0.0)))
    if check:
        raise _Failed(code, errors, reached, why, first_error_at)
    if why == "timeout":
        raise ImportProblem(_("{file}: preparing it took too long and was stopped — copy it again from the original, "
                              "or export it again as MP4 (H.264)").format(file=name))
    detail = errors[-1] if errors else f"exit {code}"
    raise _NotConverted(_("{file} could not be converted ({detail}) — export it again as MP4 (H.264)").format(
        file=name, detail=_strip_prefix(detail)[:160]))


def _short_by(out: Path, needed: int, done: float) -> int:
    """How much more room the output wants: what it grew to, stretched to the whole length, against
    the room there is once the part written is removed."""
    try:
        written = out.stat().st_size
        free = shutil.disk_usage(out.parent).free
    except OSError:
        return needed
    whole = written / done if done > 0.05 else max(needed, 2 * written)
    return max(int(whole * 1.1) - (free + written), 10_000_000)


def _strip_prefix(line: str) -> str:
    return re.sub(r"^(\[[^\]]*\]\s*)+", "", line).strip()


_BAD_WARNINGS = ("corrupt decoded frame", "corrupt input packet", "packet corrupt")
# Said by the H.264 decoder about streams that start between key frames (a recording or a TV capture
# cut anywhere) or reference frames oddly: the pictures decode and VLC plays them. Real damage in
# such a stream still shows as "corrupt decoded frame" or a demuxer error.
_HARMLESS = ("mmco: unref short failure", "non-existing pps", "non-existing sps", "decode_slice_header error",
             "no frame!", "co located pocs unavailable", "reference picture missing during reorder",
             "missing reference picture")


def _watch(cmd: list[str], limit: float, bar) -> tuple[float, int | None, list[str], list[str], str, float | None]:
    """Run `cmd`: read its progress (stdout) and log (stderr) as they come, move the bar, kill it when
    it runs past `limit` or reports no progress for STALL_SECONDS. Returns (seconds reached, exit
    code, error lines, other lines (the last ones), why it was stopped: "" or "timeout", the
    progress when the first error line came)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    reached = shown = 0.0
    errors: list[str] = []
    lines: list[str] = []
    first_error_at = None
    buffers = {proc.stdout: b"", proc.stderr: b""}
    started = last_move = time.monotonic()
    why = ""
    sel = selectors.DefaultSelector()
    try:
        for pipe in (proc.stdout, proc.stderr):
            sel.register(pipe, selectors.EVENT_READ)
        open_pipes = 2
        while open_pipes:
            now = time.monotonic()
            if now - started > limit or now - last_move > STALL_SECONDS:
                why = "timeout"
                break
            for item, _mask in sel.select(timeout=1.0):
                pipe = item.fileobj
                chunk = os.read(pipe.fileno(), 65536)  # type: ignore[union-attr]
                if not chunk:
                    sel.unregister(pipe)
                    open_pipes -= 1
                    continue
                data = buffers[pipe] + chunk
                *whole, rest = data.split(b"\n")
                buffers[pipe] = rest[-65536:]
                for raw in whole:
                    line = raw.decode("utf-8", "replace").rstrip("\r")
                    if pipe is proc.stdout:
                        if line.startswith("out_time_us="):
                            seconds = (_number(line[12:]) or 0.0) / 1e6
                            if seconds > reached:
                                reached, last_move = seconds, time.monotonic()
                                if reached - shown >= 0.1:
                                    bar.update(round(reached - shown, 1))
                                    shown += round(reached - shown, 1)
                        elif line.startswith("progress="):
                            last_move = time.monotonic()
                    elif (line.startswith(("[error]", "[fatal]", "[panic]")) or "] [error]" in line
                          or "] [fatal]" in line or any(w in line.lower() for w in _BAD_WARNINGS)) \
                            and not any(w in line.lower() for w in _HARMLESS):
                        if first_error_at is None:
                            first_error_at = reached
                        if len(errors) < ERROR_LINES:
                            errors.append(line)
                    else:
                        lines.append(line)
                        if len(lines) > 400:
                            del lines[:200]
        if why:
            _kill(proc)
        code = proc.wait(timeout=30)
    except BaseException:
        _kill(proc)
        raise
    finally:
        sel.close()
        for pipe in (proc.stdout, proc.stderr):
            pipe.close()  # type: ignore[union-attr]
    return reached, (None if why else code), errors, lines, why, first_error_at


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _run_bounded(cmd: list[str], limit: float, max_bytes: int, *, keep_tail: bool = False,
                 ) -> tuple[int | None, bytes, bytes]:
    """Run a tool that prints its answer: (exit code or None when it took longer than `limit`,
    stdout, stderr). Output past `max_bytes` stops it (or, keep_tail, keeps only the last part)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    out, err = bytearray(), bytearray()
    deadline = time.monotonic() + limit
    sel = selectors.DefaultSelector()
    timed_out = False
    try:
        sel.register(proc.stdout, selectors.EVENT_READ, out)
        sel.register(proc.stderr, selectors.EVENT_READ, err)
        open_pipes = 2
        while open_pipes:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            for item, _mask in sel.select(timeout=min(left, 1.0)):
                chunk = os.read(item.fileobj.fileno(), 65536)  # type: ignore[union-attr]
                if not chunk:
                    sel.unregister(item.fileobj)
                    open_pipes -= 1
                    continue
                item.data.extend(chunk)
                if len(item.data) > max_bytes:
                    if keep_tail:
                        cut = item.data.find(b"\n", len(item.data) - max_bytes // 2)
                        del item.data[:max(cut + 1, 0)]
                    else:
                        timed_out = True
                        break
            if timed_out:
                break
        if timed_out:
            _kill(proc)
            return None, bytes(out), bytes(err)
        return proc.wait(timeout=30), bytes(out), bytes(err)
    except BaseException:
        _kill(proc)
        raise
    finally:
        sel.close()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]


# --- records and reuse ---------------------------------------------------------------------------

def _fingerprint(path: Path) -> dict:
    """Size, modification time and a hash of the first and last MiB: enough to tell a file changed
    (a copy from the original keeps neither the time nor, when cut short, the last MiB)."""
    st = path.stat()
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        digest.update(f.read(FINGERPRINT_EDGE))
        if st.st_size > FINGERPRINT_EDGE:
            f.seek(max(FINGERPRINT_EDGE, st.st_size - FINGERPRINT_EDGE))
            digest.update(f.read(FINGERPRINT_EDGE))
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "edges": digest.hexdigest()}


def _same_content(a: dict, b: dict) -> bool:
    return a.get("size") == b.get("size") and a.get("edges") == b.get("edges")


def _read_record(path: Path, source: dict, settings: dict, folder: Path) -> _Record | None:
    """The record at `path` when it is for this source and these settings; its outputs kept only when
    they are still there, whole (size and edges as written)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != SETTINGS_VERSION or data.get("settings") != settings:
        return None
    saved = data.get("source") if isinstance(data.get("source"), dict) else {}
    if not (_same_content(saved, source) and saved.get("mtime_ns") == source["mtime_ns"]):
        return None
    record = _Record(source=source, settings=settings, check=data.get("check") if isinstance(
        data.get("check"), dict) else None)
    for part in ("main", "low"):
        entry = data.get(part)
        if part == "low" and isinstance(entry, dict) and entry.get("file") is None:
            record.low = entry  # none was needed
            continue
        if isinstance(entry, dict) and isinstance(entry.get("file"), str) and "/" not in entry["file"]:
            target = folder / entry["file"]
            try:
                whole = _same_content(_fingerprint(target), entry.get("fingerprint") or {})
            except OSError:
                whole = False
            if whole:
                setattr(record, part, entry)
    if record.main is None:
        record.low = None
    return record


def _write_record(path: Path, record: _Record) -> None:
    write_text(path, json.dumps(record.as_json(), indent=1, ensure_ascii=False))


def _borrow(folders: Iterable[Path], stage: Path, key: str, source: dict, settings: dict,
            low_power: bool) -> _Record | None:
    """Outputs of an earlier import of the same source (the lesson's live folder), linked (or copied)
    into `stage` under their names; None when none fits."""
    for folder in folders:
        folder = Path(folder)
        if folder.resolve() == stage.resolve():
            continue
        record = _read_record(folder / f".{key}.prepared.json", source, settings, folder)
        if record is None or record.main is None:
            continue
        parts = ["main"] + (["low"] if record.low is not None and low_power else [])
        if not low_power:
            record.low = None
        for part in parts:
            entry = getattr(record, part)
            if entry.get("file") is None:
                continue
            _link_or_copy(folder / entry["file"], stage / entry["file"])
        _write_record(stage / f".{key}.prepared.json", record)
        return record
    return None


def _link_or_copy(src: Path, dst: Path) -> None:
    with replacing(dst) as tmp:
        tmp.unlink()
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)


def _clean_partials(stage: Path, key: str) -> None:
    """Temporary files an interrupted run of this item left (a killed process cannot remove its own)."""
    for leftover in stage.glob(f".{key}.*.partial.*"):
        leftover.unlink(missing_ok=True)

