"""A PDF's pages as slides: pictures the projector shows, and every bad PDF named with its fix."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from cinema.importers import pdf as pdf_module
from cinema.importers.drafts import ImportContext, ImportProblem
from cinema.importers.pdf import fitted_size, page_count, render_pdf
from tests.budget import budget

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _canvas(path: Path, **kwargs):
    from reportlab.pdfgen import canvas

    return canvas.Canvas(str(path), **kwargs)


def _arabic(text: str) -> str:
    from arabic_reshaper import reshape
    from bidi.algorithm import get_display

    return get_display(reshape(text))


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """The PDFs every test reads, made once: built with reportlab, then spoiled in the ways files are."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.lib import pdfencrypt

    folder = tmp_path_factory.mktemp("pdfs")
    made: dict[str, Path] = {}

    # Two pages: a portrait one in English, a landscape one in Arabic.
    pdfmetrics.registerFont(TTFont("DejaVu", str(DEJAVU)))
    c = _canvas(folder / "02_water-cycle.pdf", pagesize=A4, pageCompression=0)
    c.setTitle("The water cycle")
    c.setFont("Helvetica-Bold", 60)
    c.drawString(60, 600, "Rain")
    c.showPage()
    c.setPageSize(landscape(A4))
    c.setFont("DejaVu", 72)
    c.drawRightString(780, 300, _arabic("دورة الماء"))
    c.showPage()
    c.save()
    made["two"] = folder / "02_water-cycle.pdf"

    c = _canvas(folder / "notes.pdf")
    c.setTitle("Microsoft Word - notes.docx")
    c.drawString(100, 700, "Notes")
    c.showPage()
    c.save()
    made["placeholder_title"] = folder / "notes.pdf"

    c = _canvas(folder / "locked.pdf", encrypt=pdfencrypt.StandardEncryption("secret"))
    c.drawString(100, 700, "Hidden")
    c.showPage()
    c.save()
    made["locked"] = folder / "locked.pdf"

    data = made["two"].read_bytes()
    (folder / "cut.pdf").write_bytes(data[: len(data) * 2 // 3])
    made["cut"] = folder / "cut.pdf"

    (folder / "story.pdf").write_text("Once upon a time\n", encoding="utf-8")
    made["not_pdf"] = folder / "story.pdf"

    # Three pages, the second one's page object gone: the file opens, page 2 does not.
    c = _canvas(folder / "three.pdf", pageCompression=0)
    for n in range(3):
        c.drawString(100, 700, f"Page {n + 1}")
        c.showPage()
    c.save()
    data = (folder / "three.pdf").read_bytes()
    kids = b"/Kids [ 3 0 R 4 0 R 5 0 R ]"
    assert kids in data
    (folder / "bad-page.pdf").write_bytes(data.replace(kids, b"/Kids [ 3 0 R 99 0 R 5 0 R]"))
    made["bad_page"] = folder / "bad-page.pdf"

    # A poster 200 m wide and 1 m high.
    c = _canvas(folder / "poster.pdf", pagesize=(200 / 0.0254 * 72, 1 / 0.0254 * 72))
    c.setFont("Helvetica", 2000)
    c.drawString(0, 100, "A very long poster")
    c.showPage()
    c.save()
    made["poster"] = folder / "poster.pdf"

    # One page with thousands of drawings: PDFium pauses between them.
    c = _canvas(folder / "busy.pdf", pageCompression=0)
    for n in range(3000):
        c.line(n % 500, 0, 500 - n % 500, 800)
    c.showPage()
    c.save()
    made["busy"] = folder / "busy.pdf"

    # A filled-in form whose field has no picture of its text (the viewer is asked to draw it).
    c = _canvas(folder / "form.pdf", pageCompression=0)
    c.drawString(50, 780, "Name:")
    c.acroForm.textfield(name="who", value="WATERWATER", x=100, y=700, width=400, height=60, fontSize=40,
                         borderWidth=0, fillColor=None)
    c.showPage()
    c.save()
    data = (folder / "form.pdf").read_bytes()
    drawn_text = re.search(rb"/AP <<\s*/N \d+ 0 R\s*>>", data).group()
    (folder / "form.pdf").write_bytes(data.replace(drawn_text, b" " * len(drawn_text)))
    made["form"] = folder / "form.pdf"

    c = _canvas(folder / "long.pdf")
    for n in range(pdf_module.MAX_PAGES + 1):
        c.drawString(100, 700, str(n))
        c.showPage()
    c.save()
    made["too_many_pages"] = folder / "long.pdf"
    return made


class Bars:
    """A progress factory that records what the import asked of it."""

    def __init__(self) -> None:
        self.made: list[tuple[str, object, str]] = []
        self.steps = 0
        self.closed = 0

    def __call__(self, label: str, total, unit: str = ""):
        self.made.append((label, total, unit))
        return self

    def update(self, n: float = 1) -> None:
        self.steps += n

    def close(self) -> None:
        self.closed += 1


def _ctx(tmp_path: Path, bars: Bars | None = None) -> ImportContext:
    return ImportContext(work=tmp_path / "work", language="en", progress=bars or Bars())


def _ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many dark pixels a part of the picture has."""
    return sum(image.crop(box).convert("L").histogram()[:128])


def test_each_page_becomes_a_picture_fitted_to_the_projector(pdfs, tmp_path):
    bars = Bars()
    draft = render_pdf(pdfs["two"], tmp_path / "out", _ctx(tmp_path, bars))

    assert draft.title == "The water cycle"  # the PDF's own title
    assert draft.key == "02_water-cycle"
    assert draft.source == pdfs["two"]
    assert [p.name for p in draft.pages] == ["02_water-cycle-p001.png", "02_water-cycle-p002.png"]
    portrait, landscape = (Image.open(p) for p in draft.pages)
    assert (portrait.format, portrait.mode, portrait.size) == ("PNG", "RGB", (764, 1080))  # A4 upright: full height
    assert landscape.size == (1527, 1080)  # A4 across: still the full height, never wider than 1920
    assert portrait.getpixel((5, 5)) == (255, 255, 255)  # white where the page is empty, no transparency
    assert _ink(portrait, (60, 180, 400, 320)) > 500  # "Rain", near the top
    assert _ink(landscape, (700, 550, 1450, 800)) > 500  # the Arabic words, on the right
    assert bars.made == [("Slides from 02_water-cycle.pdf", 2, "page")] and bars.steps == 2 and bars.closed == 1
    assert page_count(pdfs["two"]) == 2


def test_a_filled_in_form_shows_its_answers(pdfs, tmp_path):
    (page,) = render_pdf(pdfs["form"], tmp_path / "out", _ctx(tmp_path)).pages
    picture = Image.open(page)
    scale = 1080 / 841.89
    field = tuple(round(v * scale) for v in (100, 841.89 - 760, 500, 841.89 - 700))
    assert _ink(picture, field) > 500


def test_a_tool_s_placeholder_title_gives_way_to_the_file_name(pdfs, tmp_path):
    draft = render_pdf(pdfs["placeholder_title"], tmp_path / "out", _ctx(tmp_path))
    assert draft.title == "Notes"
    assert render_pdf(pdfs["placeholder_title"], tmp_path / "out", _ctx(tmp_path), title="Day 1").title == "Day 1"


@pytest.mark.parametrize("name", ["locked", "cut", "not_pdf"])
def test_unusable_pdfs_are_refused_with_the_file_and_a_fix(pdfs, tmp_path, name):
    expected = {
        "locked": "locked.pdf: the PDF is locked with a password — open it with its password and save a copy "
                  "without one, then import that copy",
        "cut": "cut.pdf: the PDF is cut short or damaged — copy it again from where it came from, or save it "
               "again as PDF",
        "not_pdf": "story.pdf: is not a PDF file — open it in the program that made it and save or export it as PDF",
    }[name]
    with pytest.raises(ImportProblem) as caught:
        render_pdf(pdfs[name], tmp_path / "out", _ctx(tmp_path))
    assert caught.value.problems == [expected]
    assert not list((tmp_path / "out").glob("*.png"))


def test_a_missing_file_and_a_folder_are_named(tmp_path):
    with pytest.raises(ImportProblem, match=r"^gone\.pdf: file not found — "):
        render_pdf(tmp_path / "gone.pdf", tmp_path / "out", _ctx(tmp_path))
    (tmp_path / "folder.pdf").mkdir()
    with pytest.raises(ImportProblem, match=r"^folder\.pdf: is not a file — "):
        page_count(tmp_path / "folder.pdf")


def test_a_damaged_page_is_named_and_the_others_still_rendered(pdfs, tmp_path):
    with pytest.raises(ImportProblem) as caught:
        render_pdf(pdfs["bad_page"], tmp_path / "out", _ctx(tmp_path))
    assert caught.value.problems == [
        "bad-page.pdf, page 2: this page is damaged and cannot be shown — open the PDF, fix or remove the page, "
        "and save it again"]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.png")) == ["bad-page-p001.png", "bad-page-p003.png"]


def test_too_many_pages_are_refused_before_any_is_drawn(pdfs, tmp_path):
    with budget(seconds=2, megabytes=32):
        with pytest.raises(ImportProblem) as caught:
            render_pdf(pdfs["too_many_pages"], tmp_path / "out", _ctx(tmp_path))
    assert caught.value.problems[0].startswith("long.pdf: has 301 pages; at most 300 are made into slides — split")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_huge_file_is_refused_from_its_size(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_module, "MAX_BYTES", 1000)
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * 2000 + b"\n%%EOF\n")
    with pytest.raises(ImportProblem, match=r"^big\.pdf: is 0 MB; PDFs of at most 0 MB are made into slides — "):
        render_pdf(big, tmp_path / "out", _ctx(tmp_path))


@pytest.mark.parametrize("points, pixels", [
    ((595.3, 841.9), (764, 1080)),  # A4 upright
    ((841.9, 595.3), (1527, 1080)),  # A4 across
    ((1920, 1080), (1920, 1080)),  # a 16:9 slide
    ((4000, 1000), (1920, 480)),  # wide: the width is what fits
    ((566929, 2835), (1920, 10)),  # 200 m by 1 m
    ((0.01, 1000), (1, 1080)),  # a sliver still gets one pixel
    ((1, 1), (1080, 1080)),  # a postage stamp is drawn at screen size
])
def test_any_page_size_fits_the_screen(points, pixels):
    assert fitted_size(*points)[:2] == pixels


def test_a_200_metre_poster_costs_no_more_than_a_slide(pdfs, tmp_path):
    with budget(seconds=3, megabytes=64):
        draft = render_pdf(pdfs["poster"], tmp_path / "out", _ctx(tmp_path))
    assert Image.open(draft.pages[0]).size == (1920, 10)


def test_a_page_that_takes_too_long_is_given_up_and_named(pdfs, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_module, "PAGE_SECONDS", 0.0)  # no time at all: PDFium's first pause ends it
    with budget(seconds=3):
        with pytest.raises(ImportProblem) as caught:
            render_pdf(pdfs["busy"], tmp_path / "out", _ctx(tmp_path))
    assert caught.value.problems == [
        "busy.pdf, page 1: this page takes too long to draw (over 0 seconds) — simplify the page (a smaller "
        "picture, fewer drawings) or save it as a picture"]
    assert not list((tmp_path / "out").glob("*.png"))


def test_an_interrupted_run_continues_and_never_keeps_a_broken_page(pdfs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = render_pdf(pdfs["two"], out, _ctx(tmp_path))
    page1, page2 = first.pages
    kept = page1.stat().st_mtime_ns
    # As if the run had been killed: page 2 never written (a temporary file left), or written half.
    page2.unlink()
    (out / ".02_water-cycle-p002.k3j4.partial.png").write_bytes(b"\x89PNG\r\n")
    drawn: list[int] = []
    real = pdf_module._render_page
    monkeypatch.setattr(pdf_module, "_render_page", lambda pdf, index, *a: drawn.append(index) or real(pdf, index, *a))

    again = render_pdf(pdfs["two"], out, _ctx(tmp_path))
    assert drawn == [1] and again.pages == first.pages
    assert page1.stat().st_mtime_ns == kept
    assert not list(out.glob(".*partial*"))

    page1.write_bytes(page1.read_bytes()[:5000])  # cut short by a full disk, say
    drawn.clear()
    render_pdf(pdfs["two"], out, _ctx(tmp_path))
    assert drawn == [0]
    Image.open(page1).load()


def test_a_changed_pdf_is_drawn_again_and_its_old_pages_removed(pdfs, tmp_path):
    out = tmp_path / "out"
    source = tmp_path / "lesson.pdf"
    source.write_bytes(pdfs["two"].read_bytes())
    old = render_pdf(source, out, _ctx(tmp_path))
    assert len(old.pages) == 2
    old_picture = old.pages[0].read_bytes()
    source.write_bytes(pdfs["placeholder_title"].read_bytes())  # the teacher saved a one-page version
    os.utime(source)
    draft = render_pdf(source, out, _ctx(tmp_path))
    assert [p.name for p in draft.pages] == ["lesson-p001.png"]
    assert sorted(p.name for p in out.glob("*.png")) == ["lesson-p001.png"]
    assert draft.pages[0].read_bytes() != old_picture  # the new page, not the old one


def test_the_slides_written_by_the_lesson_writer_pass_cinema_check(pdfs, tmp_path):
    from cinema.config import check_all, load_playlist
    from cinema.importers.drafts import LessonDraft
    from cinema.importers.writer import target_for, write_lesson
    from tests.importers.conftest import make_kiosk_project

    kiosk = make_kiosk_project(tmp_path / "kiosk")
    ctx = ImportContext(work=kiosk.playlists / ".import-water", language="en")
    slides = render_pdf(pdfs["two"], ctx.work / "pages", ctx)
    target = target_for(kiosk.playlists, kiosk.activities, "water", None, (pdfs["two"].parent,))
    written = write_lesson(LessonDraft(title="Water", language="en", items=(slides,), name="water"), target, ctx)
    assert check_all(kiosk.config) == []
    (item,) = [i for i in load_playlist(written.playlist, {}).items if i.type == "slides"]
    assert item.title == "The water cycle" and len(item.slides) == 2
    assert [Image.open(p).size for p in item.slides] == [(764, 1080), (1527, 1080)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 10**6), st.binary(min_size=1, max_size=8)), min_size=1, max_size=6))
def test_a_pdf_with_bytes_overwritten_gives_slides_or_problems(pdfs, changes):
    """Whatever a bad copy overwrote, the PDF gives its pages or problem lines: never an exception."""
    import tempfile

    data = bytearray(pdfs["two"].read_bytes())
    for offset, junk in changes:
        at = offset % len(data)
        data[at:at + len(junk)] = junk
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copy.pdf"
        path.write_bytes(bytes(data))
        with budget(seconds=5, megabytes=64):
            try:
                draft = render_pdf(path, Path(folder) / "out", _ctx(Path(folder)))
            except ImportProblem as problem:
                assert problem.problems and all(line.startswith("copy.pdf") and " — " in line
                                                for line in problem.problems)
                return
        assert all(Image.open(page).size[0] <= 1920 for page in draft.pages)
