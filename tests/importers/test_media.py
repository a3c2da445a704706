"""Media made ready for the field: probed, decoded once (damage named with its time), converted where an
old laptop needs it, loudness-normalised, a low-power copy, resumable, never half-written. Real ffmpeg
on tiny files made once for the module."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cinema.importers import media
from cinema.importers.drafts import ImportContext, ImportProblem
from tests.budget import budget
from tests.importers.conftest import cut_short, make_sound, make_video

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
                                reason="needs ffmpeg and ffprobe")


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True, timeout=60)


def ffprobe_json(path: Path, *args: str) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-of", "json", *args, str(path)], check=True,
                         capture_output=True, timeout=30)
    return json.loads(out.stdout)


def lavfi_video(path: Path, *, size="160x120", rate=25, seconds=3, gop=250, extra=()) -> Path:
    """H.264 (+ AAC tone) with a key frame only every `gop` frames."""
    ffmpeg("-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}:duration={seconds}",
           "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", "-g", str(gop), "-c:a", "aac", *extra, "-shortest", str(path))
    return path


@dataclass(frozen=True)
class Media:
    folder: Path
    mp4: Path  # 160x120 H.264 + AAC, key frames every 10 s (so: to convert), moov at the end
    faststart: Path  # the same, moov first
    webm: Path
    mp3: Path
    ogg: Path
    cover_mp3: Path  # an MP3 with a cover picture (a "video" stream that is not a video)
    big: Path  # 2560x1440, 1 s
    hd: Path  # 960x540 30 fps, 2.5 s: the low-power copy is clearly lighter
    quiet: Path
    loud: Path


@pytest.fixture(scope="module")
def src(tmp_path_factory) -> Media:
    folder = tmp_path_factory.mktemp("media")
    mp4 = lavfi_video(folder / "lesson.mp4", seconds=4)
    faststart = folder / "fast.mp4"
    ffmpeg("-i", str(mp4), "-c", "copy", "-movflags", "+faststart", str(faststart))
    cover = folder / "cover.mp3"
    make_sound(folder / "plain.mp3", seconds=2)
    ffmpeg("-i", str(folder / "plain.mp3"), "-f", "lavfi", "-i", "color=c=red:size=64x64:duration=1", "-frames:v", "1",
           "-map", "0:a", "-map", "1:v", "-c:a", "copy", "-c:v", "mjpeg", "-disposition:v", "attached_pic",
           str(cover))
    quiet, loud = folder / "quiet.wav", folder / "loud.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=500:duration=3", "-af", "volume=-32dB", str(quiet))
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=500:duration=3", "-af", "volume=1.0", str(loud))
    return Media(
        folder=folder, mp4=mp4, faststart=faststart,
        webm=make_video(folder / "lesson.webm", seconds=3, title="The water cycle"),
        mp3=make_sound(folder / "song.mp3", seconds=2, title="Song"),
        ogg=make_sound(folder / "song.ogg", seconds=2), cover_mp3=cover,
        big=lavfi_video(folder / "big.mp4", size="2560x1440", rate=5, seconds=1),
        hd=lavfi_video(folder / "hd.mp4", size="960x540", rate=30, seconds=2.5, gop=60),
        quiet=quiet, loud=loud)


@pytest.fixture(scope="module")
def hd_ready(src, tmp_path_factory):
    """src.hd prepared once, with its low-power copy, and the tools that took (by name); tests only read it."""
    folder = tmp_path_factory.mktemp("hd")
    started: list[str] = []
    real = subprocess.Popen

    def counting(cmd, *a, **kw):
        started.append(Path(cmd[0]).name)
        return real(cmd, *a, **kw)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(media.subprocess, "Popen", counting)
        ready = media.prepare(src.hd, folder / "stage", "hd", "video", ImportContext(
            work=folder / "work", language="en", low_power=True, progress=Bars()))
    return ready, started


class Bars:
    """A progress factory that remembers every bar: its label, total and what it was moved by."""

    def __init__(self, stop_on: str | None = None) -> None:
        self.made: list[dict] = []
        self.stop_on = stop_on

    def __call__(self, label, total, unit=""):
        record = {"label": label, "total": total, "unit": unit, "moved": 0.0, "closed": False}
        self.made.append(record)
        outer = self

        class Bar:
            def update(self, n=1):
                record["moved"] += n
                if outer.stop_on and label.startswith(outer.stop_on):
                    raise KeyboardInterrupt  # Ctrl-C while this step runs

            def close(self):
                record["closed"] = True

        return Bar()


def context(tmp_path: Path, **kw) -> ImportContext:
    return ImportContext(work=tmp_path / "work", language="en", progress=kw.pop("progress", Bars()), **kw)


@pytest.fixture
def runs(monkeypatch):
    """Every ffmpeg/ffprobe started by the module, by its first arguments."""
    started: list[list[str]] = []
    real = subprocess.Popen

    def counting(cmd, *a, **kw):
        started.append([Path(cmd[0]).name, *cmd[1:]])
        return real(cmd, *a, **kw)

    monkeypatch.setattr(media.subprocess, "Popen", counting)
    return started


def keyframes(path: Path) -> list[float]:
    packets = ffprobe_json(path, "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags")["packets"]
    return [float(p["pts_time"]) for p in packets if "K" in p["flags"]]


def loudness(path: Path) -> float:
    out = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-i", str(path), "-af", "ebur128", "-f", "null", "-"],
                         capture_output=True, text=True, timeout=60).stderr
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", out)[-1])


def stream(path: Path, kind: str) -> dict:
    found = [s for s in ffprobe_json(path, "-show_streams")["streams"] if s["codec_type"] == kind]
    return found[0] if found else {}


def clock(text: str) -> float:
    minutes, seconds = re.search(r"damaged at (\d+):(\d+)", text).groups()
    return int(minutes) * 60 + int(seconds)


# --- probe -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, container, video, audio, duration", [
    ("mp4", "mp4", "h264", "aac", 4.0),
    ("webm", "webm", "vp8", "vorbis", 3.0),
    ("mp3", "mp3", None, "mp3", 2.0),
    ("ogg", "ogg", None, "vorbis", 2.0),
    ("cover_mp3", "mp3", None, "mp3", 2.0),  # the cover picture is not a video
])
def test_probe_says_what_a_file_holds(src, name, container, video, audio, duration):
    found = media.probe(getattr(src, name))
    assert container in found.container
    assert (found.video.codec if found.video else None) == video
    assert found.audio.codec == audio
    assert found.duration == pytest.approx(duration, abs=0.15)


def test_probe_reads_size_frame_rate_key_frames_and_title(src):
    video = media.probe(src.mp4).video
    assert (video.width, video.height, video.fps, video.pix_fmt) == (160, 120, 25.0, "yuv420p")
    assert video.keyframe_interval >= 3.9  # one key frame in 4 s
    assert media.probe(src.hd).video.keyframe_interval == pytest.approx(2.0, abs=0.05)
    assert media.probe(src.webm).title == "The water cycle"
    assert media.probe(src.mp3).title == "Song"


def hostile_files(folder: Path, src: Media) -> dict[str, Path]:
    rng = random.Random(14)
    folder.mkdir(exist_ok=True)
    files = {
        "text named .mp4": b"These are my notes for the lesson.\n" * 50,
        "empty": b"",
        "random bytes": bytes(rng.randrange(256) for _ in range(20000)),
        "MP4 header then junk": b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(
            rng.randrange(256) for _ in range(20000)),
        "WebM header then junk": b"\x1a\x45\xdf\xa3" + bytes(rng.randrange(256) for _ in range(20000)),
    }
    paths = {}
    for label, data in files.items():
        path = folder / f"{label.replace(' ', '_')}.mp4"
        path.write_bytes(data)
        paths[label] = path
    claim = bytearray(src.faststart.read_bytes())  # a 4-s video whose header says it lasts 596 hours
    at = claim.find(b"mvhd") + 20
    claim[at:at + 4] = struct.pack(">I", 0x7FFFFFFF)
    paths["huge duration claim"] = folder / "claims.mp4"
    paths["huge duration claim"].write_bytes(bytes(claim))
    wav = folder / "wav_claims_4GB.mp4"  # a WAV header claiming 4 GB of sound, 0.2 s there
    wav.write_bytes(b"RIFF" + struct.pack("<I", 0xFFFFFFF0) + b"WAVE" + b"fmt " + struct.pack(
        "<IHHIIHH", 16, 1, 1, 44100, 88200, 2, 16) + b"data" + struct.pack("<I", 0xFFFFFFE0) + b"\x10\x20" * 8820)
    paths["wav claiming 4 GB"] = wav
    os.mkfifo(folder / "pipe.mp4")
    paths["a named pipe"] = folder / "pipe.mp4"
    paths["missing"] = folder / "gone.mp4"
    paths["a folder"] = folder / "folder.mp4"
    paths["a folder"].mkdir()
    return paths


def test_hostile_files_give_one_plain_message_each_never_a_hang_or_a_traceback(src, tmp_path):
    for label, path in hostile_files(tmp_path / "hostile", src).items():
        with budget(seconds=10, megabytes=64):
            with pytest.raises(ImportProblem) as caught:
                media.prepare(path, tmp_path / "stage", "item", "video", context(tmp_path))
        (line,) = caught.value.problems
        assert line.startswith(path.name) and " — " in line, (label, line)
        assert "Traceback" not in line and "Errno" not in line
        assert not [p for p in (tmp_path / "stage").iterdir() if not p.name.startswith(".item.prepared")], label
    claims = hostile_files(tmp_path / "again", src)
    with pytest.raises(ImportProblem, match=r"says it lasts 596 hours"):
        media.prepare(claims["huge duration claim"], tmp_path / "stage", "item", "video", context(tmp_path))


def test_a_stuck_ffmpeg_is_killed_and_named(src, tmp_path, monkeypatch):
    fake = tmp_path / "ffmpeg"
    pid_file = tmp_path / "pid"
    fake.write_text(f"#!{sys.executable}\nimport os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
                    "time.sleep(120)\n")
    fake.chmod(0o755)
    real_tool = media._tool
    monkeypatch.setattr(media, "_tool", lambda name: str(fake) if name == "ffmpeg" else real_tool(name))
    monkeypatch.setattr(media, "STALL_SECONDS", 1.0)
    with budget(seconds=15):
        with pytest.raises(ImportProblem, match=r"^lesson.mp4: checking it took too long and was stopped — "):
            media.prepare(src.mp4, tmp_path / "stage", "lesson", "video", context(tmp_path))
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


# --- damage --------------------------------------------------------------------------------------

def test_an_mp4_cut_short_with_its_index_at_the_end_is_named(src, tmp_path):
    cut = cut_short(src.mp4, tmp_path / "lesson.mp4", keep=0.6)
    with pytest.raises(ImportProblem) as caught:
        media.prepare(cut, tmp_path / "stage", "lesson", "video", context(tmp_path))
    assert caught.value.problems == ["lesson.mp4 cannot be read: the file is cut short (its index is missing) — "
                                     "copy it again from the original"]


@pytest.mark.parametrize("source, keep", [("faststart", 0.6), ("webm", 0.6)])
def test_a_file_cut_short_is_named_with_the_time_it_stops(src, tmp_path, source, keep):
    original = getattr(src, source)
    cut = cut_short(original, tmp_path / f"lesson{original.suffix}", keep=keep)
    with pytest.raises(ImportProblem) as caught:
        media.prepare(cut, tmp_path / "stage", "lesson", "video", context(tmp_path))
    (line,) = caught.value.problems
    assert re.fullmatch(rf"lesson{original.suffix} is damaged at 00:0\d \(the file is cut short — copy it again "
                        r"from the original\)", line), line
    assert 1 <= clock(line) < media.probe(original).duration - 0.5


@pytest.mark.parametrize("source", ["faststart", "webm"])
def test_bytes_overwritten_in_the_middle_are_named_with_the_time(src, tmp_path, source):
    original = getattr(src, source)
    data = bytearray(original.read_bytes())
    rng = random.Random(3)
    middle = len(data) // 2
    data[middle:middle + 3000] = bytes(rng.randrange(256) for _ in range(3000))
    broken = tmp_path / f"lesson{original.suffix}"
    broken.write_bytes(bytes(data))
    with pytest.raises(ImportProblem) as caught:
        media.prepare(broken, tmp_path / "stage", "lesson", "video", context(tmp_path))
    (line,) = caught.value.problems
    assert line.startswith(f"lesson{original.suffix} is damaged at 00:0"), line
    assert "copy it again from the original" in line
    assert 1 <= clock(line) <= 2  # the middle of a 3-4 s file
    assert not (tmp_path / "stage" / "lesson.mp4").exists()


# --- conversion ------------------------------------------------------------------------------------

def test_a_video_is_converted_to_h264_with_a_key_frame_every_2_seconds(src, tmp_path):
    bars = Bars()
    ready = media.prepare(src.mp4, tmp_path / "stage", "lesson", "video", context(tmp_path, progress=bars))
    assert ready.path == tmp_path / "stage" / "lesson.mp4" and ready.converted
    assert ready.duration == pytest.approx(4.0, abs=0.1)
    assert keyframes(ready.path) == pytest.approx([0.0, 2.0], abs=0.05)
    video, audio = stream(ready.path, "video"), stream(ready.path, "audio")
    assert (video["codec_name"], video["pix_fmt"], audio["codec_name"]) == ("h264", "yuv420p", "aac")
    head = ready.path.read_bytes()[:4096]
    assert head.find(b"moov") < head.find(b"mdat") or b"mdat" not in head  # +faststart: the index first
    labels = [b["label"] for b in bars.made]
    assert labels == ["Checking lesson.mp4", "Converting lesson.mp4"]
    for bar in bars.made:  # each bar counts the file's seconds and is closed
        assert bar["unit"] == "s" and bar["total"] == pytest.approx(4.0, abs=0.1)
        assert bar["moved"] == pytest.approx(4.0, abs=0.2) and bar["closed"]
    assert not [p.name for p in ready.path.parent.iterdir() if ".partial" in p.name]


def test_a_4k_ish_video_is_made_1080p_keeping_its_shape(src, tmp_path):
    ready = media.prepare(src.big, tmp_path / "stage", "big", "video", context(tmp_path))
    video = stream(ready.path, "video")
    assert (video["width"], video["height"]) == (1920, 1080)
    assert any("2560x1440 to 1920x1080" in note for note in ready.notes)


@pytest.mark.parametrize("width, height, fitted", [
    (3840, 2160, (1920, 1080)), (4096, 2160, (1920, 1012)), (1080, 1920, (1080, 1920)),  # upright phone video
    (2160, 3840, (1080, 1920)), (1279, 719, (1278, 718)), (640, 480, (640, 480)),
])
def test_sizes_fit_1080p_either_way_round_with_even_sides(width, height, fitted):
    assert media._fit(width, height, 1920, 1080) == fitted


@pytest.mark.parametrize("width, height, fitted", [(1920, 1080, (854, 480)), (1280, 720, (854, 480)),
                                                   (720, 1280, (480, 854)), (640, 480, (640, 480))])
def test_sizes_fit_the_low_power_copy(width, height, fitted):
    assert media._fit(width, height, media.LOW_LONG, media.LOW_SHORT) == fitted


def test_a_file_already_right_is_copied_not_encoded_again(hd_ready, tmp_path):
    first, _tools = hd_ready
    assert first.normalised  # a plain tone is not at -16 LUFS
    again = media.prepare(first.path, tmp_path / "two", "hd", "video", context(tmp_path))
    assert (again.converted, again.normalised) == (False, False)

    def packets(path):
        out = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", "0", "-c", "copy",
                              "-f", "framemd5", "-"], capture_output=True, text=True, timeout=30).stdout
        return [line.split(",")[-1] for line in out.splitlines() if not line.startswith("#")]

    assert packets(again.path) == packets(first.path)  # the very same pictures and sound


def test_a_video_that_cannot_be_copied_as_it_is_is_encoded(hd_ready, tmp_path, monkeypatch):
    first, _tools = hd_ready
    real = media._conversion_args

    def copy_fails(source, out, probed, plan, check):
        args = real(source, out, probed, plan, check)
        return [*args[:-1], "-bsf:v", "no_such_filter", args[-1]] if plan["video"] == "copy" else args

    monkeypatch.setattr(media, "_conversion_args", copy_fails)
    again = media.prepare(first.path, tmp_path / "two", "hd", "video", context(tmp_path))
    assert again.converted and keyframes(again.path)[:2] == pytest.approx([0.0, 2.0], abs=0.05)


@pytest.mark.parametrize("name", ["quiet", "loud"])
def test_quiet_and_loud_sound_end_at_the_same_loudness(src, tmp_path, name):
    ready = media.prepare(getattr(src, name), tmp_path / "stage", name, "audio", context(tmp_path))
    assert ready.path.suffix == ".m4a" and ready.normalised
    assert stream(ready.path, "audio")["codec_name"] == "aac"
    assert loudness(ready.path) == pytest.approx(media.TARGET_LUFS, abs=1.5)


def test_sound_files_of_every_kind_become_aac(src, tmp_path):
    for source in (src.mp3, src.ogg, src.cover_mp3):
        ready = media.prepare(source, tmp_path / "stage", source.stem, "audio", context(tmp_path))
        assert [s["codec_type"] for s in ffprobe_json(ready.path, "-show_streams")["streams"]] == ["audio"]
        assert ready.duration == pytest.approx(2.0, abs=0.1)


def test_the_low_power_copy_is_smaller_and_lighter(hd_ready):
    ready, _tools = hd_ready
    assert ready.low_power == ready.path.with_name("hd.low.mp4")
    low, full = stream(ready.low_power, "video"), stream(ready.path, "video")
    assert (low["width"], low["height"]) == (854, 480) and (full["width"], full["height"]) == (960, 540)
    assert low["avg_frame_rate"] == "25/1" and low["profile"] == "Main"
    assert ready.low_power.stat().st_size < ready.path.stat().st_size
    assert stream(ready.low_power, "audio")["codec_name"] == "aac"
    assert keyframes(ready.low_power)[:2] == pytest.approx([0.0, 2.0], abs=0.05)


def test_a_small_video_needs_no_low_power_copy(src, tmp_path):
    ready = media.prepare(src.faststart, tmp_path / "stage", "small", "video", context(tmp_path, low_power=True))
    assert ready.low_power is None


# --- resuming, nothing half-written ------------------------------------------------------------------

def test_an_unchanged_file_is_not_prepared_again(src, hd_ready, tmp_path, runs):
    first, tools = hd_ready
    assert tools.count("ffmpeg") == 3  # the check, the conversion, the low-power copy
    ctx = context(tmp_path, low_power=True)
    again = media.prepare(src.hd, first.path.parent, "hd", "video", ctx)
    assert runs == [] and again == first
    later = media.prepare(src.hd, tmp_path / "next", "hd", "video", ctx, reuse=(first.path.parent,))
    assert runs == [] and later.path == tmp_path / "next" / "hd.mp4" and later.low_power.exists()
    assert later.path.read_bytes() == first.path.read_bytes()


def test_a_changed_file_or_a_damaged_output_is_prepared_again(src, tmp_path, runs):
    lesson = shutil.copyfile(src.faststart, tmp_path / "lesson.mp4")
    ctx = context(tmp_path)
    first = media.prepare(lesson, tmp_path / "stage", "lesson", "video", ctx)
    runs.clear()
    data = first.path.read_bytes()
    first.path.write_bytes(data[: len(data) // 2])  # the prepared file was cut short since
    media.prepare(lesson, tmp_path / "stage", "lesson", "video", ctx)
    assert [r[0] for r in runs].count("ffmpeg") == 1  # the check was remembered; the conversion again
    runs.clear()
    shutil.copyfile(src.mp4, lesson)  # the teacher put another video under the same name
    media.prepare(lesson, tmp_path / "stage", "lesson", "video", ctx)
    assert [r[0] for r in runs].count("ffmpeg") == 2


def test_an_interrupted_conversion_leaves_nothing_and_the_next_run_goes_on(src, tmp_path, runs):
    stage = tmp_path / "stage"
    with pytest.raises(KeyboardInterrupt):
        media.prepare(src.mp4, stage, "lesson", "video", context(tmp_path, progress=Bars(stop_on="Converting")))
    assert sorted(p.name for p in stage.iterdir()) == [".lesson.prepared.json"]  # the check's result, no video
    runs.clear()
    ready = media.prepare(src.mp4, stage, "lesson", "video", context(tmp_path))
    assert [r[0] for r in runs].count("ffmpeg") == 1  # straight on to the conversion
    assert ready.path.exists() and keyframes(ready.path) == pytest.approx([0.0, 2.0], abs=0.05)


def test_the_temporary_file_of_a_killed_run_is_removed(src, tmp_path):
    stage = tmp_path / "stage"
    stage.mkdir()
    (stage / ".lesson.a1b2c3.partial.mp4").write_bytes(b"half a video")
    media.prepare(src.faststart, stage, "lesson", "video", context(tmp_path))
    assert sorted(p.name for p in stage.iterdir()) == [".lesson.prepared.json", "lesson.mp4"]


def test_a_killed_ffmpeg_is_not_left_running(src, tmp_path, monkeypatch):
    started = []
    real = subprocess.Popen

    def keep(cmd, *a, **kw):
        started.append(real(cmd, *a, **kw))
        return started[-1]

    monkeypatch.setattr(media.subprocess, "Popen", keep)
    with pytest.raises(KeyboardInterrupt):
        media.prepare(src.big, tmp_path / "stage", "big", "video", context(tmp_path, progress=Bars(stop_on="Checking")))
    assert started and all(p.poll() is not None for p in started)


# --- a full disk ---------------------------------------------------------------------------------------

def test_too_little_room_is_said_before_converting(src, tmp_path, monkeypatch, runs):
    real = shutil.disk_usage

    def nearly_full(path):
        return real(path)._replace(free=3_000_000)

    monkeypatch.setattr(media.shutil, "disk_usage", nearly_full)
    with pytest.raises(ImportProblem) as caught:
        media.prepare(src.mp4, tmp_path / "stage", "lesson", "video", context(tmp_path))
    (line,) = caught.value.problems
    assert re.fullmatch(r"the disk is full while preparing lesson.mp4 — free \d+ MB and run the import again", line)
    assert [r[0] for r in runs].count("ffmpeg") == 1  # checked, not converted


def test_a_disk_filling_up_while_converting_is_named(src, tmp_path, monkeypatch):
    @contextmanager
    def full_disk(path, **kw):
        yield Path("/dev/full")  # every write fails: no space left on device

    monkeypatch.setattr(media, "replacing", full_disk)
    with pytest.raises(ImportProblem) as caught:
        media.prepare(src.mp4, tmp_path / "stage", "lesson", "video", context(tmp_path))
    (line,) = caught.value.problems
    assert re.fullmatch(r"the disk is full while preparing lesson.mp4 — free \d+ MB and run the import again", line)


def test_damage_late_in_a_long_file_is_named_and_found_again_from_near_it(tmp_path, runs):
    long = tmp_path / "long.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=5:duration=100", "-c:v", "libx264", "-preset",
           "ultrafast", "-pix_fmt", "yuv420p", "-g", "10", "-movflags", "+faststart", str(long))
    data = bytearray(long.read_bytes())
    at = int(len(data) * 0.9)
    data[at:at + 2000] = bytes(random.Random(8).randrange(256) for _ in range(2000))
    long.write_bytes(bytes(data))
    with pytest.raises(ImportProblem) as caught:
        media.prepare(long, tmp_path / "stage", "long", "video", context(tmp_path))
    (line,) = caught.value.problems
    assert re.match(r"long.mp4 is damaged at 01:[23]\d ", line), line  # 90 % of 100 s, give or take the header
    # Where the check saw the first error, the damage is found again decoding from a minute before it:
    # the same second as decoding from the start.
    probed = media.probe(long)
    runs.clear()
    near = media._first_damage(long, probed, 100.0)
    assert "-ss" in runs[0] and len(runs) == 1
    assert near == pytest.approx(media._first_damage(long, probed, None), abs=0.01)


def test_an_interlaced_video_is_made_progressive(tmp_path):
    interlaced = tmp_path / "tv.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=1", "-vf", "setfield=tff",
           "-flags", "+ildct+ilme", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25",
           str(interlaced))
    assert media.probe(interlaced).video.interlaced
    ready = media.prepare(interlaced, tmp_path / "stage", "tv", "video", context(tmp_path))
    assert ready.converted and stream(ready.path, "video").get("field_order", "progressive") == "progressive"


def test_a_recording_that_starts_between_key_frames_is_not_called_damaged(tmp_path):
    # A TV capture or a recording cut anywhere: the decoder complains until the first key frame
    # ("non-existing PPS 0 referenced", "no frame!"), then every picture decodes, and VLC plays it.
    whole = tmp_path / "whole.ts"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=4", "-f", "lavfi", "-i", "sine=duration=4",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50", "-bf", "0", "-c:a", "aac",
           "-f", "mpegts", str(whole))
    data = whole.read_bytes()
    packets = len(data) // 188
    capture = tmp_path / "capture.ts"
    capture.write_bytes(data[packets * 3 // 10 * 188:])  # from a transport packet a third of the way in
    ready = media.prepare(capture, tmp_path / "stage", "capture", "video", context(tmp_path))
    assert 2.0 < ready.duration < 3.2

MAGIC = [b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", b"\x1a\x45\xdf\xa3", b"OggS\x00\x02", b"ID3\x03\x00",
         b"RIFF\xff\xff\xff\x7fWAVEfmt ", b"FLV\x01\x05", b"\x00\x00\x01\xba", b""]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=st.sampled_from(MAGIC), body=st.binary(min_size=0, max_size=4000))
def test_junk_behind_a_container_header_is_named_or_prepared_never_a_crash(tmp_path, head, body):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(head + body)
    with budget(seconds=10, megabytes=64):
        try:
            ready = media.prepare(junk, tmp_path / "stage", "junk", "video", context(tmp_path))
        except ImportProblem as problem:
            assert len(problem.problems) == 1 and problem.problems[0].startswith("junk.mp4")
        else:
            assert ready.path.is_file() and ready.duration > 0
