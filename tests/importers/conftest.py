"""Real teacher material for the import tests, made small and fast: videos and sounds with ffmpeg
(lavfi testsrc and sine, 160x120), PDFs with reportlab, pictures with Pillow, subtitle files, and
question spreadsheets. Other test modules import the builders (`from tests.importers.conftest import
make_video`); the `kit` fixture makes one of each per test session, to copy into a test's folder."""

from __future__ import annotations

import csv
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg makes the test media")


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *args], check=True, timeout=60)


def make_video(path: Path, *, seconds: float = 1.0, title: str | None = None, size: str = "160x120",
               rate: int = 10, audio: bool = True) -> Path:
    """A video with a test picture (and a tone): `.mp4` is H.264 + AAC, `.webm` VP8 + Vorbis,
    anything else as ffmpeg chooses from the name. `title` is written into the file's metadata."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    inputs = ["-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}:duration={seconds}"]
    if audio:
        inputs += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=22050:duration={seconds}"]
    suffix = path.suffix.lower()
    if suffix == ".webm":
        codecs = ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k"]
        codecs += ["-c:a", "libvorbis"] if audio else []
    else:
        codecs = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
        codecs += ["-c:a", "aac", "-b:a", "48k"] if audio else []
    meta = ["-metadata", f"title={title}"] if title is not None else []
    _ffmpeg(*inputs, *codecs, *meta, "-shortest", str(path))
    return path


def make_sound(path: Path, *, seconds: float = 1.0, title: str | None = None, frequency: int = 330) -> Path:
    """A tone (`.mp3`, `.ogg`, `.wav`... from the name), with `title` in its metadata."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = ["-metadata", f"title={title}"] if title is not None else []
    _ffmpeg("-f", "lavfi", "-i", f"sine=frequency={frequency}:sample_rate=22050:duration={seconds}", *meta, str(path))
    return path


def make_pdf(path: Path, *, pages: int = 2, title: str | None = None, words: str = "Page") -> Path:
    """A PDF of `pages` A4 landscape pages, each with big text `<words> <n>`; `title` in its metadata."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    width, height = landscape(A4)
    pdf = canvas.Canvas(str(path), pagesize=(width, height))
    if title is not None:
        pdf.setTitle(title)
    for n in range(1, pages + 1):
        pdf.setFont("Helvetica-Bold", 64)
        pdf.drawCentredString(width / 2, height / 2, f"{words} {n}")
        pdf.showPage()
    pdf.save()
    return path


def make_picture(path: Path, *, size: tuple[int, int] = (160, 120), color: str = "steelblue") -> Path:
    """A plain picture (PNG, JPEG... from the name) of `size` pixels."""
    from PIL import Image, ImageDraw

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    picture = Image.new("RGB", size, color)
    ImageDraw.Draw(picture).rectangle((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), fill="white")
    picture.save(path)
    return path


def make_subtitles(path: Path, lines: tuple[str, ...] = ("Hello", "Water falls as rain"), *,
                   encoding: str = "utf-8") -> Path:
    """A subtitle file: SubRip for `.srt`, WebVTT for `.vtt`; one cue a second."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    vtt = path.suffix.lower() == ".vtt"
    sep = "." if vtt else ","
    cues = []
    for n, line in enumerate(lines):
        start, end = f"00:00:0{n}{sep}000", f"00:00:0{n}{sep}900"
        cues.append((f"{start} --> {end}\n{line}\n") if vtt else f"{n + 1}\n{start} --> {end}\n{line}\n")
    text = ("WEBVTT\n\n" if vtt else "") + "\n".join(cues)
    path.write_bytes(text.encode(encoding))
    return path


QUESTIONS = (
    # question, A, B, C, D, answer
    ("Where does rain come from?", "The clouds", "The trees", "The ground", "The sun", "A"),
    ("What is ice?", "Hot water", "Frozen water", "Sand", "Air", "B"),
)


def make_question_csv(path: Path, rows: tuple[tuple[str, ...], ...] = QUESTIONS, *,
                      header: tuple[str, ...] = ("question", "A", "B", "C", "D", "answer")) -> Path:
    """A question spreadsheet as CSV (UTF-8): `header` then `rows`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def make_question_xlsx(path: Path, rows: tuple[tuple[str, ...], ...] = QUESTIONS, *,
                       header: tuple[str, ...] = ("question", "A", "B", "C", "D", "answer"),
                       sheet: str = "Quiz") -> Path:
    """The same as an Excel workbook (openpyxl)."""
    from openpyxl import Workbook

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    page = book.active
    page.title = sheet
    page.append(list(header))
    for row in rows:
        page.append(list(row))
    book.save(path)
    return path


def cut_short(source: Path, path: Path, keep: float = 0.4) -> Path:
    """A copy of `source` cut after `keep` of its bytes: a download or a USB copy that stopped."""
    data = Path(source).read_bytes()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(data[: max(1, int(len(data) * keep))])
    return Path(path)


@dataclass(frozen=True)
class Kit:
    """One of each source file, made once a test session; copy them with `put`."""

    folder: Path
    mp4: Path
    webm: Path
    mp3: Path
    pdf: Path
    png: Path
    srt: Path
    vtt: Path
    csv: Path

    def put(self, source: Path, folder: Path, name: str) -> Path:
        """A copy of `source` as `folder/name` (the folder made when needed)."""
        folder.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copyfile(source, folder / name))


@pytest.fixture(scope="session")
def kit(tmp_path_factory) -> Kit:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg makes the test media")
    folder = tmp_path_factory.mktemp("kit")
    return Kit(
        folder=folder,
        mp4=make_video(folder / "clip.mp4"),
        webm=make_video(folder / "clip.webm"),
        mp3=make_sound(folder / "tone.mp3"),
        pdf=make_pdf(folder / "pages.pdf", pages=2),
        png=make_picture(folder / "picture.png"),
        srt=make_subtitles(folder / "clip.srt"),
        vtt=make_subtitles(folder / "clip.vtt"),
        csv=make_question_csv(folder / "quiz.csv"),
    )


HELLO = """\
version: 1
id: hello
title: Hello
language: en
items:
  - type: title
    id: hi
    title: Hello
  - type: closing
    id: bye
"""


@dataclass(frozen=True)
class KioskProject:
    """A kiosk's project folder in a temp folder: the shipped config (its start lesson a tiny hand-written
    one), empty lessons and activities folders; lessons are imported into it."""

    root: Path
    config: Path
    playlists: Path
    activities: Path
    journal: Path


def make_kiosk_project(root: Path) -> KioskProject:
    repo = Path(__file__).resolve().parents[2]
    (root / "kiosk_config").mkdir(parents=True, exist_ok=True)
    text = (repo / "kiosk_config" / "default.yaml").read_text(encoding="utf-8")
    config = root / "kiosk_config" / "default.yaml"
    config.write_text(text.replace("playlist: playlists/demo.yaml", "playlist: playlists/hello.yaml"), encoding="utf-8")
    (root / "playlists").mkdir(exist_ok=True)
    (root / "activities").mkdir(exist_ok=True)
    (root / "playlists" / "hello.yaml").write_text(HELLO, encoding="utf-8")
    return KioskProject(root=root, config=config, playlists=root / "playlists", activities=root / "activities",
                        journal=root / "var" / "journal.sqlite")


@pytest.fixture
def kiosk(tmp_path) -> KioskProject:
    return make_kiosk_project(tmp_path / "kiosk")
