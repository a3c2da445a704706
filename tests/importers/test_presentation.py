"""Presentations as slides through LibreOffice, and a plain message where it is not installed.

The real conversions need LibreOffice (`deploy/setup.sh --test` installs libreoffice-impress-nogui);
they are skipped where `soffice` is missing. The missing-LibreOffice message, the time limit and
the reuse of an earlier conversion are tested everywhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image

from cinema.importers import presentation
from cinema.importers.drafts import ImportContext, ImportProblem
from cinema.importers.presentation import render_presentation, to_pdf

needs_libreoffice = pytest.mark.skipif(presentation.libreoffice() is None,
                                       reason="LibreOffice is not installed (deploy/setup.sh --test installs it)")


def _ctx(tmp_path: Path) -> ImportContext:
    return ImportContext(work=tmp_path / "work", language="en")


def _make_odp(path: Path, texts: list[str]) -> Path:
    """A 16:9 presentation with one big line of text on each slide (odfpy)."""
    from odf.draw import Frame, Page, TextBox
    from odf.opendocument import OpenDocumentPresentation
    from odf.style import GraphicProperties, MasterPage, PageLayout, PageLayoutProperties, Style, TextProperties
    from odf.text import P

    doc = OpenDocumentPresentation()
    layout = PageLayout(name="screen")
    layout.addElement(PageLayoutProperties(pagewidth="28cm", pageheight="15.75cm", printorientation="landscape"))
    doc.automaticstyles.addElement(layout)
    master = MasterPage(name="Default", pagelayoutname=layout)
    doc.masterstyles.addElement(master)
    box = Style(name="box", family="presentation")
    box.addElement(GraphicProperties(fill="none", stroke="none"))
    box.addElement(TextProperties(fontsize="60pt", fontsizecomplex="60pt"))
    doc.automaticstyles.addElement(box)
    for n, text in enumerate(texts):
        page = Page(name=f"slide{n + 1}", masterpagename=master)
        frame = Frame(stylename=box, width="24cm", height="5cm", x="2cm", y="5cm")
        text_box = TextBox()
        text_box.addElement(P(text=text))
        frame.addElement(text_box)
        page.addElement(frame)
        doc.presentation.addElement(page)
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("decks")
    made = {"odp": _make_odp(folder / "01 Water all around.odp", ["Water all around us", "Rain", "دورة الماء"])}
    (folder / "broken.pptx").write_bytes(b"PK\x03\x04" + os.urandom(3000))
    made["broken"] = folder / "broken.pptx"
    return made


def test_without_libreoffice_the_teacher_is_told_what_to_do(decks, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # a PATH with no soffice on it
    with pytest.raises(ImportProblem) as caught:
        render_presentation(decks["odp"], tmp_path / "out", _ctx(tmp_path))
    assert caught.value.problems == [
        "01 Water all around.odp: presentations need LibreOffice to be turned into slides — install it (sudo apt "
        "install libreoffice-impress), or save the presentation as PDF and import the PDF"]


@needs_libreoffice
def test_a_libreoffice_presentation_and_its_powerpoint_copy_become_slides(decks, tmp_path):
    """End to end with the real LibreOffice: .odp, then the same deck saved by LibreOffice as .pptx."""
    started = time.monotonic()
    draft = render_presentation(decks["odp"], tmp_path / "out", _ctx(tmp_path))
    odp_seconds = time.monotonic() - started
    assert draft.source == decks["odp"] and draft.key == "01-water-all-around"
    assert draft.title == "Water all around"  # the file's name: the deck has no title of its own
    assert len(draft.pages) == 3
    for page in draft.pages:
        picture = Image.open(page)
        assert (picture.format, picture.mode, picture.size) == ("PNG", "RGB", (1920, 1080))
        assert sum(picture.convert("L").histogram()[:128]) > 500  # the slide's words are drawn
    assert not list((tmp_path / "out").glob(".convert-*"))  # LibreOffice's scratch folder is gone

    pptx_dir = tmp_path / "pptx"
    profile = tmp_path / "work" / "libreoffice-profile"  # the import's own, made by the first conversion
    assert (profile / "user" / "registrymodifications.xcu").is_file()
    subprocess.run([presentation.libreoffice(), f"-env:UserInstallation={profile.as_uri()}",
                    "--headless", "--convert-to", "pptx", "--outdir", str(pptx_dir), str(decks["odp"])],
                   check=True, capture_output=True, timeout=120)
    pptx = pptx_dir / "01 Water all around.pptx"
    from_pptx = render_presentation(pptx, tmp_path / "out-pptx", _ctx(tmp_path))
    assert len(from_pptx.pages) == 3 and from_pptx.source == pptx
    print(f"odp to 3 slides: {odp_seconds:.1f} s")


@needs_libreoffice
def test_a_damaged_presentation_is_named_with_what_to_do(decks, tmp_path):
    with pytest.raises(ImportProblem) as caught:
        render_presentation(decks["broken"], tmp_path / "out", _ctx(tmp_path))
    assert caught.value.problems == [
        "broken.pptx: LibreOffice could not open this presentation (it may be damaged, or locked with a password) "
        "— open it in PowerPoint or LibreOffice and save it again without a password, or save it as PDF and "
        "import the PDF"]
    assert not list((tmp_path / "out").iterdir())


def _fake_soffice(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "soffice"
    program.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    program.chmod(0o755)
    return program


def test_a_stuck_libreoffice_is_ended_with_its_helpers(decks, tmp_path, monkeypatch):
    helper_pid = tmp_path / "helper.pid"
    # LibreOffice's launcher starts soffice.bin; here both hang.
    _fake_soffice(tmp_path / "bin", f"sleep 60 & echo $! > {helper_pid}\nsleep 60\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    monkeypatch.setattr(presentation, "CONVERT_SECONDS", 1)
    started = time.monotonic()
    with pytest.raises(ImportProblem) as caught:
        to_pdf(decks["odp"], tmp_path / "out", _ctx(tmp_path))
    assert time.monotonic() - started < 5
    assert caught.value.problems == [
        "01 Water all around.odp: LibreOffice took too long to turn this presentation into slides — save the "
        "presentation as PDF (File, Export as PDF) and import the PDF"]
    helper = int(helper_pid.read_text())
    for _ in range(100):  # SIGKILL takes effect a moment after it is sent
        if not _running(helper):
            break
        time.sleep(0.01)
    assert not _running(helper)
    assert not list((tmp_path / "out").iterdir())


def _running(pid: int) -> bool:
    """Whether the process still runs (a killed one may linger a moment as a zombie, which does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def test_a_presentation_converted_before_is_not_converted_again(decks, tmp_path, monkeypatch):
    runs = tmp_path / "runs"
    # A stand-in for LibreOffice that writes a real one-page PDF where it was told to, and counts its runs.
    pdf = tmp_path / "made.pdf"
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(pdf))
    page.drawString(100, 700, "Slide")
    page.showPage()
    page.save()
    _fake_soffice(tmp_path / "bin", f'echo run >> {runs}\n'
                  'while [ $# -gt 0 ]; do [ "$1" = --outdir ] && dir="$2"; shift; done\n'
                  f'mkdir -p "$dir" && cp {pdf} "$dir/presentation.pdf"\n')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    source = tmp_path / "deck.odp"
    shutil.copyfile(decks["odp"], source)

    first = render_presentation(source, tmp_path / "out", _ctx(tmp_path))
    second = render_presentation(source, tmp_path / "out", _ctx(tmp_path))
    assert first == second and len(first.pages) == 1
    assert runs.read_text().count("run") == 1
    named = tmp_path / "Water Cycle.odp"
    shutil.copyfile(decks["odp"], named)
    assert to_pdf(named, tmp_path / "out", _ctx(tmp_path)) == tmp_path / "out" / "Water Cycle.pdf"  # as the deck
    assert runs.read_text().count("run") == 2
    source.write_bytes(source.read_bytes() + b"\0")  # the teacher changed the deck: converted again
    render_presentation(source, tmp_path / "out", _ctx(tmp_path))
    assert runs.read_text().count("run") == 3
