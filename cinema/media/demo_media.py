"""Make the demo lesson's videos, slides, audio and subtitles with ffmpeg and espeak-ng.

Usage: python -m cinema.media.demo_media DEST

Everything is generated here, so it is ours to redistribute. Files already made and
valid are kept; each new file is written under a temporary name and then renamed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from dataclasses import dataclass
from pathlib import Path

from cinema.atomic import replacing

FPS = 25
WIDTH, HEIGHT = 1280, 720
_X264 = ["-c:v", "libx264", "-preset", "medium", "-tune", "animation", "-crf", "30", "-pix_fmt", "yuv420p",
         "-g", "50"]  # a key frame every 2 s: resume and seek start fast
_AAC = ["-c:a", "aac", "-b:a", "64k", "-ac", "1"]
_VORBIS = ["-c:a", "libvorbis", "-q:a", "2", "-ac", "1"]


class DemoMediaError(RuntimeError):
    """A tool is missing or failed; the message is one readable line."""


@dataclass(frozen=True)
class Narration:
    voice: str
    title: str  # the words on the intro's title card
    script: str  # "latin" or "arabic": how the title is drawn
    intro: str
    story: str
    words: tuple[str, str, str] = ("Sun", "Cloud", "Rain")  # the slides' captions, in the lesson's language


NARRATIONS = {
    "en": Narration(
        voice="en",
        title="Learning Cinema",
        script="latin",
        intro="Welcome to Learning Cinema. Today we learn about water.",
        story="Once upon a time, a little raindrop lived in a big white cloud. "
        "One day it fell into a river, and swam all the way to the sea.",
    ),
    "ar": Narration(
        voice="ar",
        title="سينما التعلّم",
        script="arabic",
        intro="مرحبا بكم في سينما التعلم. اليوم نتعلم عن الماء.",
        story="كان يا ما كان، قطرة مطر صغيرة في غيمة بيضاء. سقطت في النهر وسبحت إلى البحر.",
        words=("شمس", "غيمة", "مطر"),
    ),
    "uk": Narration(
        voice="uk",
        title="Навчальне кіно",
        script="latin",
        intro="Ласкаво просимо до навчального кіно. Сьогодні ми дізнаємося про воду.",
        story="Жила-була маленька крапля дощу у великій білій хмарі. "
        "Одного дня вона впала в річку і попливла аж до моря.",
        words=("Сонце", "Хмара", "Дощ"),
    ),
}

# The lesson video's narration, one subtitle cue per sentence.
LESSON_LINES = (
    "The sun warms the water.",
    "Water rises into the sky and makes clouds.",
    "Clouds bring the rain.",
    "Rain fills the rivers again.",
)
INTRO_SECONDS = 8.0
LESSON_SECONDS = 12.0

FILES = (
    "intro.mp4",
    "lesson.mp4",
    "lesson.srt",
    "slide1.png",
    "slide2.png",
    "slide3.png",
    "story.ogg",
    "ar/intro.mp4",
    "ar/story.ogg",
    "ar/slide1.png",
    "ar/slide2.png",
    "ar/slide3.png",
    "uk/intro.mp4",
    "uk/story.ogg",
    "uk/slide1.png",
    "uk/slide2.png",
    "uk/slide3.png",
)


def ensure_demo_media(dest: Path, only: tuple[str, ...] | None = None) -> list[Path]:
    """Make every demo file missing or broken in `dest`; return all their paths.

    `only` limits the work to some of FILES (tests make the quick ones).
    """
    dest = Path(dest)
    wanted = FILES if only is None else tuple(name for name in FILES if name in only)
    # The files first: an installed kiosk has them (the offline bundle carries them) and needs no tools.
    missing = [name for name in wanted if not is_valid(dest / name)]
    if missing:
        for tool in ("ffmpeg", "ffprobe", "espeak-ng"):
            if shutil.which(tool) is None:
                shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
                raise DemoMediaError(
                    f"{tool} is not installed, and the demo's {shown} must be made with it: sudo apt install "
                    "ffmpeg espeak-ng (a laptop with no internet: run the offline bundle's installer again)")
        with tempfile.TemporaryDirectory(prefix="cinema-demo-") as work:
            _Maker(dest, Path(work)).make(missing)
    return [dest / name for name in wanted]


def is_valid(path: Path) -> bool:
    """Good enough to keep: present, not empty, and readable as what its name says."""
    try:
        if path.stat().st_size == 0:
            return False
    except OSError:
        return False
    suffix = path.suffix.lower()
    if suffix == ".png":
        with open(path, "rb") as f:
            return f.read(8) == b"\x89PNG\r\n\x1a\n"
    if suffix == ".srt":
        return "-->" in path.read_text(encoding="utf-8", errors="replace")
    if suffix in (".mp4", ".ogg"):
        if shutil.which("ffprobe") is None:  # no tools to look inside: the container's own mark, and some size
            with open(path, "rb") as f:
                head = f.read(8)
            mark = head[4:8] == b"ftyp" if suffix == ".mp4" else head[:4] == b"OggS"
            return mark and path.stat().st_size > 4096
        return (probe_duration(path) or 0.0) > 1.0
    return True


def probe_duration(path: Path) -> float | None:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
    )
    try:
        return float(result.stdout.strip())
    except ValueError:
        return None


class _Maker:
    """Builds the requested files; pictures and voice clips go to a scratch folder first."""

    def __init__(self, dest: Path, work: Path) -> None:
        self.dest = dest
        self.work = work
        self._art_ready = False

    def make(self, names: list[str]) -> None:
        for name in names:
            target = self.dest / name
            lang, _, base = name.rpartition("/")
            narration = NARRATIONS[lang or "en"]
            with replacing(target) as tmp:
                self._build(base, narration, tmp)

    def _build(self, base: str, narration: Narration, out: Path) -> None:
        self._art()
        if base == "intro.mp4":
            self._intro(narration, out)
        elif base == "lesson.mp4":
            self._lesson(out)
        elif base == "lesson.srt":
            out.write_text(_srt(self._lesson_voice()[1]), encoding="utf-8")
        elif base.startswith("slide"):
            from cinema.media import demo_art

            number = {"slide1.png": 0, "slide2.png": 1, "slide3.png": 2}[base]
            kind = ("sun", "cloud", "rain")[number]
            demo_art.save(demo_art.slide(kind, narration.words[number], narration.script), out)
        elif base == "story.ogg":
            voice = self._speak(narration.story, narration.voice, f"story-{narration.voice}")
            _ffmpeg(["-f", "lavfi", "-i", "anullsrc=r=22050:cl=mono", "-i", str(voice),
                     "-filter_complex", "[0]atrim=0:0.5[lead];[lead][1]concat=n=2:v=0:a=1,apad=pad_dur=0.5",
                     *_VORBIS, "-f", "ogg", str(out)])
        else:
            raise DemoMediaError(f"no recipe for {base}")

    # -- pieces ---------------------------------------------------------------

    def _art(self) -> None:
        if self._art_ready:
            return
        from cinema.media import demo_art

        demo_art.save(demo_art.sun_sprite(100), self.work / "sun.png")
        demo_art.save(demo_art.cloud_sprite(420), self.work / "cloud.png")
        demo_art.save(demo_art.hills_layer(), self.work / "hills.png")
        demo_art.save(demo_art.hills_layer(river=True), self.work / "river.png")
        demo_art.save(demo_art.rain_layer(), self.work / "rain.png")
        for lang, narration in NARRATIONS.items():
            demo_art.save(demo_art.title_card(narration.title, narration.script), self.work / f"title-{lang}.png")
        self._art_ready = True

    def _speak(self, text: str, voice: str, name: str) -> Path:
        out = self.work / f"{name}.wav"
        if not out.exists():
            _run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(out), text])
        return out

    def _intro(self, narration: Narration, out: Path) -> None:
        voice = self._speak(narration.intro, narration.voice, f"intro-{narration.voice}")
        lang = next(k for k, v in NARRATIONS.items() if v is narration)
        d = INTRO_SECONDS
        graph = (
            "[1]format=rgba[hills];[0][hills]overlay=0:0[a];"
            "[a][2]overlay=x=90:y='430-t*40'[b];"  # the sun rises behind the hills
            "[b][3]overlay=x='-420+t*150':y=40[c];"  # a cloud drifts across
            "[c][4]overlay=x=(W-w)/2:y=H-h-50:enable='gte(t,1)',format=yuv420p[v];"
            "[5]adelay=600|600,apad[aud]"
        )
        _ffmpeg([
            *_sky(d, "0x4fc3f7", "0x1e88e5"),
            *_still(self.work / "hills.png"), *_still(self.work / "sun.png"),
            *_still(self.work / "cloud.png"), *_still(self.work / f"title-{lang}.png"),
            "-i", str(voice),
            "-filter_complex", graph, "-map", "[v]", "-map", "[aud]", "-t", f"{d}",
            *_X264, *_AAC, "-movflags", "+faststart", "-f", "mp4", str(out),
        ])

    def _lesson_voice(self) -> tuple[Path, list[tuple[float, float, str]]]:
        """One narration track with a pause between sentences, and each sentence's times."""
        path = self.work / "lesson-voice.wav"
        cues: list[tuple[float, float, str]] = []
        frames = bytearray()
        params = None
        at = 0.6  # seconds of silence before the first sentence
        for i, line in enumerate(LESSON_LINES):
            clip = self._speak(line, "en", f"lesson-{i}")
            with wave.open(str(clip), "rb") as w:
                params = w.getparams()
                data = w.readframes(w.getnframes())
                rate, width = w.getframerate(), w.getsampwidth() * w.getnchannels()
            if not frames:
                frames += b"\0" * int(at * rate) * width
            length = len(data) / width / rate
            cues.append((at, at + length, line))
            frames += data + b"\0" * int(0.45 * rate) * width
            at += length + 0.45
        with wave.open(str(path), "wb") as w:
            w.setparams(params)
            w.writeframes(bytes(frames))
        return path, cues

    def _lesson(self, out: Path) -> None:
        voice, _ = self._lesson_voice()
        d = LESSON_SECONDS
        graph = (
            "[1]format=rgba[land];[0][land]overlay=0:0[a];"
            "[a][2]overlay=x=920:y=20:enable='lt(t,4.5)'[b];"
            "[b][3]overlay=x='-460+t*110':y=20[c];"
            "[4]split[r1][r2];"
            "[c][r1]overlay=x=0:y='mod(t*300,720)-720':enable='between(t,4.5,9.5)'[d];"
            "[d][r2]overlay=x=0:y='mod(t*300,720)':enable='between(t,4.5,9.5)',format=yuv420p[v];"
            "[5]apad[aud]"
        )
        _ffmpeg([
            *_sky(d, "0x26a69a", "0x81d4fa"),
            *_still(self.work / "river.png"), *_still(self.work / "sun.png"),
            *_still(self.work / "cloud.png"), *_still(self.work / "rain.png"),
            "-i", str(voice),
            "-filter_complex", graph, "-map", "[v]", "-map", "[aud]", "-t", f"{d}",
            *_X264, *_AAC, "-movflags", "+faststart", "-f", "mp4", str(out),
        ])


def _sky(seconds: float, top: str, bottom: str) -> list[str]:
    source = (
        f"gradients=s={WIDTH}x{HEIGHT}:r={FPS}:c0={top}:c1={bottom}:x0=0:y0=0:x1=0:y1={HEIGHT}"
        f":nb_colors=2:speed=0.02:d={seconds}"
    )
    return ["-f", "lavfi", "-i", source]


def _still(path: Path) -> list[str]:
    return ["-loop", "1", "-framerate", str(FPS), "-i", str(path)]


def _srt(cues: list[tuple[float, float, str]]) -> str:
    def stamp(seconds: float) -> str:
        ms = int(round(seconds * 1000))
        return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

    blocks = [f"{i}\n{stamp(a)} --> {stamp(b + 0.3)}\n{text}\n" for i, (a, b, text) in enumerate(cues, 1)]
    return "\n".join(blocks)


def _ffmpeg(args: list[str]) -> None:
    _run(["ffmpeg", "-y", "-hide_banner", "-loglevel", "error", "-nostdin", *args])


def _run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise DemoMediaError(f"{cmd[0]} failed: {last}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m cinema.media.demo_media DEST", file=sys.stderr)
        return 1
    dest = Path(args[0])
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    started = time.monotonic()
    try:
        paths = ensure_demo_media(dest)
    except (DemoMediaError, OSError) as exc:
        print(f"demo media: {exc}", file=sys.stderr)
        return 1
    total = 0
    for path in paths:
        size = path.stat().st_size
        total += size
        print(f"{size / 1024:8.1f} KiB  {path}")
    print(f"{total / 1024 / 1024:8.2f} MiB  total, {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
