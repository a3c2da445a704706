"""Preparing a long lesson video for the field, and what its low-power copy saves when played.

(a) The media step of `cinema import` (cinema.importers.media.prepare) on an N-minute 1080p
source that needs converting (testsrc2 at 25 fps, a key frame only every 10 s, a quiet tone):
wall time of the probe, the decode check (which measures the loudness on the way), the conversion
(H.264, a key frame every 2 s, the loudness gain), the low-power copy and the total, with each
step's real-time factor (media seconds / wall seconds); the same import again (the source
unchanged: reused). Baselines in the same run: a plain remux (`ffmpeg -i src -c copy`), a decode
alone (`-f null`), the loudness measurement alone (sound only).
(b) CPU seconds per minute of playing with python-vlc as the kiosk plays (`video: frames`: frame
callbacks into a 1280x720 buffer; sound to VLC's dummy output), and decoding alone
(`--vout=dummy`): the source, the prepared 1080p file and the low-power copy.

The source is made once into the cache folder (a one-minute piece, joined N times).

    python benchmarks/bench_import.py [--minutes 30] [--play-seconds 40] [--cache DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT)]  # the checkout's package, imported where used (`--help` needs none of it)

FFMPEG = ["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y"]
VLC_ARGS = ["--quiet", "--no-video-title-show", "--no-osd", "--aout=dummy"]

# A child plays `video` for `seconds` after `warmup` s, then prints its own CPU (all threads) as JSON.
PLAYER = r"""
import json, resource, sys, time
import vlc
video, seconds, warmup, mode = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
args = %(args)r
if mode == "decode":
    args = args + ["--vout=dummy"]
inst = vlc.Instance(args)
mp = inst.media_player_new()
if mode == "frames":  # the kiosk's own frame buffer (`video: frames`, headless): each frame scaled into it
    from cinema.media.frame_buffer import FrameBuffer
    frames = FrameBuffer((1280, 720))
    frames.attach(mp)
mp.set_media(inst.media_new_path(video))
mp.play()
while mp.get_state() != vlc.State.Playing:
    time.sleep(0.01)
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
time.sleep(warmup)
c0, t0 = cpu(), time.monotonic()
time.sleep(seconds)
c1, t1 = cpu(), time.monotonic()
state = str(mp.get_state())
mp.stop()
print(json.dumps({"cpu": c1 - c0, "wall": t1 - t0, "state": state}))
""" % {"args": VLC_ARGS}


def make_source(cache: Path, minutes: float) -> Path:
    """An N-minute 1080p lesson that needs converting: a one-minute piece made once, joined N times."""
    cache.mkdir(parents=True, exist_ok=True)
    out = cache / f"lesson-{minutes:g}min-1080p.mp4"
    if out.exists():
        return out
    piece_seconds = min(60.0, minutes * 60)
    piece = cache / f"piece-{piece_seconds:g}s.mp4"
    if not piece.exists():
        tmp = piece.with_name(".making-" + piece.name)
        subprocess.run(FFMPEG + [
            "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=25:duration={piece_seconds:g}",
            "-f", "lavfi", "-i", f"sine=frequency=300:sample_rate=48000:duration={piece_seconds:g}",
            "-af", "volume=-30dB", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
            "-g", "250", "-keyint_min", "250", "-sc_threshold", "0", "-c:a", "aac", "-b:a", "128k", "-shortest",
            "-f", "mp4", str(tmp)], check=True)
        tmp.replace(piece)
    count = math.ceil(minutes * 60 / piece_seconds)
    listing = cache / "pieces.txt"
    listing.write_text("".join(f"file '{piece.name}'\n" for _ in range(count)))
    tmp = out.with_name(".making-" + out.name)
    subprocess.run(FFMPEG + ["-f", "concat", "-safe", "0", "-i", str(listing), "-t", f"{minutes * 60:g}",
                             "-c", "copy", "-f", "mp4", str(tmp)], check=True)
    tmp.replace(out)
    return out


def timed(cmd: list[str]) -> float:
    start = time.monotonic()
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL)
    return time.monotonic() - start


class Steps:
    """The import's progress factory: a bar on the terminal (cinema.progress) per step, each step's
    wall time kept by its label."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, label: str, total, unit: str = ""):
        from cinema.progress import bar

        shown = bar(label, total, unit=unit)
        started = time.monotonic()
        steps = self

        class Timed:
            def update(self, n=1):
                return shown.update(n)

            def close(self):
                shown.close()
                steps.seconds[label] = steps.seconds.get(label, 0.0) + time.monotonic() - started

        return Timed()

    def step(self, word: str) -> float:
        return sum(s for label, s in self.seconds.items() if label.startswith(word))


def play(video: Path, seconds: float, mode: str) -> float:
    """CPU seconds per minute of playing `video` (a child process, python-vlc)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), SDL_VIDEODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1")
    out = subprocess.run([sys.executable, "-c", PLAYER, str(video), str(seconds), "3", mode],
                         capture_output=True, text=True, timeout=seconds + 60, env=env)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"player failed: {out.stderr.strip().splitlines()[-3:]}")
    result = json.loads(lines[-1])
    if "Playing" not in result["state"]:
        raise RuntimeError(f"{video.name} stopped playing before the end of the measure ({result['state']})")
    return result["cpu"] / result["wall"] * 60


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="length of the lesson video (default 30)")
    parser.add_argument("--play-seconds", type=float, default=40.0,
                        help="seconds of playing measured per file and mode (default 40)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "cinema-bench-import",
                        help="where the source video is made once and kept")
    opts = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        print("ffmpeg is not installed", file=sys.stderr)
        return 1

    from cinema.importers import media
    from cinema.importers.drafts import ImportContext

    load_before = os.getloadavg()[0]
    source = make_source(opts.cache, opts.minutes)
    length = media.probe(source).duration or opts.minutes * 60
    rows: list[tuple[str, float, str]] = []

    with tempfile.TemporaryDirectory(dir=opts.cache) as tmp:
        work = Path(tmp)

        def baselines() -> tuple[float, float, float]:
            remux = timed(FFMPEG + ["-i", str(source), "-map", "0", "-c", "copy", "-f", "mp4", str(work / "remux.mp4")])
            (work / "remux.mp4").unlink()
            decode = timed(FFMPEG + ["-i", str(source), "-f", "null", "-"])
            loud = timed(FFMPEG + ["-i", str(source), "-vn", "-af",
                                   "loudnorm=I=-16:TP=-1.5:LRA=20:print_format=json", "-f", "null", "-"])
            return remux, decode, loud

        # Before and after the import: the machine's load changes over half an hour (other work on it).
        before = baselines()

        start = time.monotonic()
        probed = media.probe(source)
        probe_seconds = time.monotonic() - start
        steps = Steps()
        ctx = ImportContext(work=work, language="en", low_power=True, progress=steps)
        start = time.monotonic()
        ready = media.prepare(source, work / "stage", "lesson", "video", ctx)
        total = time.monotonic() - start
        start = time.monotonic()
        media.prepare(source, work / "stage", "lesson", "video", ctx)
        again = time.monotonic() - start
        after = baselines()

        check, convert, low = steps.step("Checking"), steps.step("Converting"), steps.step("Low-power")
        rt = lambda s: f"{length / s:.2f}x" if s > 0 else ""  # noqa: E731
        rows += [
            ("probe (ffprobe, key frames from the first 30 s of packets)", probe_seconds, ""),
            ("decode check + loudness measure (one pass)", check, rt(check)),
            ("conversion: H.264 1080p, key frame every 2 s, AAC with the loudness gain", convert, rt(convert)),
            ("low-power copy: 854x480, 25 fps, fast-decode H.264", low, rt(low)),
            ("total prepare() (probe, check, conversion, low-power copy)", total, rt(total)),
            ("the same import again, the source unchanged (reused)", again, ""),
        ]
        for when, (remux, decode, loud) in (("before", before), ("after", after)):
            rows += [
                (f"baseline, {when}: remux `ffmpeg -i src -c copy`", remux, rt(remux)),
                (f"baseline, {when}: decode alone `ffmpeg -i src -f null -`", decode, rt(decode)),
                (f"baseline, {when}: loudness measure alone (sound only)", loud, rt(loud)),
            ]
        sizes = {"source": source.stat().st_size, "prepared": ready.path.stat().st_size,
                 "low-power": ready.low_power.stat().st_size if ready.low_power else 0}
        video = probed.video
        print(f"\nPreparing a {length / 60:.1f}-minute lesson video: {video.width}x{video.height} {video.codec} "
              f"{video.fps:g} fps, key frame every {video.keyframe_interval:g} s (first 30 s), sound at "
              f"{probed.audio.codec}; {os.cpu_count()} cores, load {load_before:.1f} -> {os.getloadavg()[0]:.1f}")
        print(f"| {'step':<76} | {'wall s':>8} | {'real-time factor':>16} |")
        print(f"| {'-' * 76} | {'-' * 8} | {'-' * 16} |")
        for name, seconds, factor in rows:
            print(f"| {name:<76} | {seconds:>8.1f} | {factor:>16} |")
        print("sizes: " + ", ".join(f"{k} {v / 1e6:.0f} MB" for k, v in sizes.items()))
        print("notes: " + "; ".join(ready.notes))

        files = [("source", source), ("prepared 1080p", ready.path)]
        if ready.low_power:
            files.append(("low-power copy", ready.low_power))
        load_before = os.getloadavg()[0]
        played = {(name, mode): play(path, opts.play_seconds, mode) for mode in ("frames", "decode")
                  for name, path in files}
        print(f"\nCPU seconds per minute of playing ({opts.play_seconds:g} s measured per file after 3 s, python-vlc "
              f"as the kiosk plays; load {load_before:.1f} -> {os.getloadavg()[0]:.1f})")
        print(f"| {'file':<16} | {'frames 1280x720 (kiosk)':>24} | {'decode only':>12} |")
        print(f"| {'-' * 16} | {'-' * 24} | {'-' * 12} |")
        for name, _path in files:
            print(f"| {name:<16} | {played[(name, 'frames')]:>24.2f} | {played[(name, 'decode')]:>12.2f} |")
        if ready.low_power:
            for mode in ("frames", "decode"):
                ratio = played[("low-power copy", mode)] / played[("prepared 1080p", mode)]
                print(f"low-power copy / prepared 1080p, {mode}: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
