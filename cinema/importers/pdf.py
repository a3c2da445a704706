"""A PDF's pages as slides: each page a PNG fitted inside the projector's 1920x1080, on white.

pypdfium2 (PDFium, the PDF engine of Chromium) renders. Every step has a bound: the file's size,
its page count, the picture's size (a page is scaled to fit the screen, so a 200 m poster costs
what an A4 page does) and the time per page (PDFium's progressive renderer is asked to pause
once the page's time is up, and the page is given up). Pages rendered by an earlier, interrupted
run of the same file are reused; a page is written to a temporary name and renamed when whole.
"""

from __future__ import annotations

import ctypes
import json
import math
import time
from pathlib import Path

from cinema.atomic import replacing, write_text
from cinema.config.picture_files import PictureRefused, read_header
from cinema.locale.runtime import gettext as _

from .checksums import sha256_file
from .drafts import ImportContext, ImportProblem, SlidesDraft, key_for, problem_line, title_from, where

SCREEN = (1920, 1080)  # the projector's size: every page fits inside it, keeping its shape
MAX_BYTES = 300 * 2**20  # a 300-page slide deck with photos is well under this
MAX_PAGES = 300
PAGE_SECONDS = 20.0  # an ordinary page takes 20-200 ms; a page over this is refused by number
_HEAD = 1024  # "%PDF-" must start within the first kilobyte (the PDF standard's own allowance)
_TAIL = 2048  # "%%EOF" within the last two: a copy cut short lacks it
_RENDER_VERSION = 1  # bumped when the pictures change (size, colours), so old pages are not reused


def page_count(path: Path) -> int:
    """The number of pages; ImportProblem for a file that is not a readable PDF."""
    path = Path(path)
    _check_file(path)
    pdf = _open(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def render_pdf(path: Path, out_dir: Path, ctx: ImportContext, *, title: str = "", key: str = "",
               title_fallback: str = "") -> SlidesDraft:
    """Every page of `path` as `<key>-p001.png`... in `out_dir`; a SlidesDraft of them.

    The title is `title`, else the PDF's own Title (unless a tool's placeholder), else
    `title_fallback`, else one from the file name. `key` defaults to one made from the file name
    (a presentation converted to PDF passes its own). Raises ImportProblem naming the file
    (and every bad page) and how to fix it.
    """
    path, out_dir = Path(path), Path(out_dir)
    key = key or key_for(path.name)
    _check_file(path)
    pdf = _open(path)
    try:
        count = len(pdf)
        if count > MAX_PAGES:
            raise ImportProblem(problem_line(where(path), _("has {n} pages; at most {max} are made into slides").format(
                n=count, max=MAX_PAGES), _("split it into shorter PDFs, one for each part of the lesson")))
        title = title or _own_title(pdf.get_metadata_value("Title")) or title_fallback or title_from(path)
        out_dir.mkdir(parents=True, exist_ok=True)
        fresh = _start_fresh_unless_same(path, out_dir, key, count)
        pages: list[Path] = []
        problems: list[str] = []
        bar = ctx.progress(_("Slides from {file}").format(file=path.name), count, unit="page")
        try:
            for index in range(count):
                target = out_dir / f"{key}-p{index + 1:03d}.png"
                if fresh or not _whole_png(target):
                    problem = _render_page(pdf, index, target, path)
                    if problem:
                        problems.append(problem)
                pages.append(target)
                bar.update(1)
        finally:
            bar.close()
    finally:
        pdf.close()
    if problems:
        raise ImportProblem(problems)
    return SlidesDraft(source=path, title=title, key=key, pages=tuple(pages))


def _check_file(path: Path) -> None:
    """Refuse from the bytes alone what PDFium should not be handed: not a file, too big, not a PDF,
    or cut short (PDFium repairs some truncated files, silently losing the pages at the end)."""
    place = where(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ImportProblem(problem_line(place, _("is not a file"), _("check the name and the folder")))
        with path.open("rb") as f:
            head = f.read(_HEAD)
            f.seek(max(0, size - _TAIL))
            tail = f.read(_TAIL)
    except FileNotFoundError:
        raise ImportProblem(problem_line(place, _("file not found"), _("check the name and the folder"))) from None
    except OSError as exc:
        raise ImportProblem(problem_line(place, _("cannot be read ({reason})").format(reason=exc.strerror or exc),
                                  _("copy the file again"))) from None
    if size > MAX_BYTES:
        raise ImportProblem(problem_line(place, _("is {mb} MB; PDFs of at most {max} MB are made into slides").format(
            mb=size // 2**20, max=MAX_BYTES // 2**20), _("make it smaller (save it again with smaller pictures) "
                                                        "or split it into several PDFs")))
    if b"%PDF-" not in head:
        raise ImportProblem(problem_line(place, _("is not a PDF file"),
                                  _("open it in the program that made it and save or export it as PDF")))
    if b"%%EOF" not in tail:
        raise ImportProblem(problem_line(place, _("the PDF is cut short or damaged"),
                                  _("copy it again from where it came from, or save it again as PDF")))


def _open(path: Path):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    place = where(path)
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise ImportProblem(problem_line(place, _("the PDF is locked with a password"),
                                      _("open it with its password and save a copy without one, "
                                        "then import that copy"))) from None
        raise ImportProblem(problem_line(place, _("the PDF is damaged and cannot be read"),
                                  _("copy it again from where it came from, or save it again as PDF"))) from None
    except OSError as exc:
        raise ImportProblem(problem_line(place, _("cannot be read ({reason})").format(reason=exc.strerror or exc),
                                  _("copy the file again"))) from None
    try:
        pdf.init_forms()  # a filled-in worksheet: its fields' text is drawn even where the PDF has no picture of it
    except pdfium.PdfiumError:
        pass  # the pages are drawn without the fields
    return pdf


_PLACEHOLDER_TITLES = {"untitled", "sans titre", "sin título", "sem título", "без назви", "بدون عنوان",
                       "powerpoint presentation", "presentation", "slide 1", "document", "title"}
_DOCUMENT_ENDINGS = (".doc", ".docx", ".ppt", ".pptx", ".odp", ".odt", ".pdf", ".key", ".pages", ".indd", ".tex")


def _own_title(value: str) -> str:
    """The PDF's Title, unless it is what a tool fills in (`Microsoft Word - notes.docx`, `Untitled`)."""
    text = " ".join((value or "").split())
    lowered = text.casefold()
    if not text or len(text) > 200 or lowered in _PLACEHOLDER_TITLES or lowered.endswith(_DOCUMENT_ENDINGS):
        return ""
    if lowered.startswith(("microsoft word - ", "microsoft powerpoint - ")):
        return ""
    return text


def _start_fresh_unless_same(path: Path, out_dir: Path, key: str, count: int) -> bool:
    """True (and the old pages removed) unless `out_dir` holds pages of this very file, made the
    same way: a PDF changed since the interrupted run must not keep its old pages."""
    stamp_path = out_dir / f"{key}-pages.json"
    stamp = {"sha256": sha256_file(path), "pages": count, "size": list(SCREEN), "version": _RENDER_VERSION}
    try:
        same = json.loads(stamp_path.read_text(encoding="utf-8")) == stamp
    except (OSError, ValueError):
        same = False
    for partial in out_dir.glob(f".{key}-p[0-9][0-9][0-9].*.partial.png"):  # a run killed mid-write
        partial.unlink(missing_ok=True)
    if same:
        return False
    for old in out_dir.glob(f"{key}-p[0-9][0-9][0-9].png"):
        old.unlink(missing_ok=True)
    write_text(stamp_path, json.dumps(stamp))
    return True


def _whole_png(target: Path) -> bool:
    try:
        header = read_header(target, structure=True)
    except PictureRefused:
        return False
    return header.format == "PNG"


def fitted_size(width_pt: float, height_pt: float, screen: tuple[int, int] = SCREEN) -> tuple[int, int, float]:
    """The picture size of a page of `width_pt` x `height_pt` points fitted inside `screen`, and the
    scale. Any page size, however absurd, gives at most the screen's pixels."""
    scale = min(screen[0] / width_pt, screen[1] / height_pt)
    width = max(1, min(screen[0], round(width_pt * scale)))
    height = max(1, min(screen[1], round(height_pt * scale)))
    return width, height, scale


def _render_page(pdf, index: int, target: Path, path: Path) -> str:
    """Render one page into `target`; "" when done, else the problem line naming the page."""
    import pypdfium2 as pdfium

    place = where(path, page=index + 1)
    try:
        page = pdf[index]
    except pdfium.PdfiumError:
        return problem_line(place, _("this page is damaged and cannot be shown"),
                     _("open the PDF, fix or remove the page, and save it again"))
    try:
        width_pt, height_pt = page.get_size()
        if not all(math.isfinite(v) and v > 0 for v in (width_pt, height_pt)):
            return problem_line(place, _("this page has no size"),
                         _("open the PDF, fix or remove the page, and save it again"))
        image = _render_bounded(page, *fitted_size(width_pt, height_pt)[:2])
    except TimeoutError:
        return problem_line(place, _("this page takes too long to draw (over {n} seconds)").format(n=int(PAGE_SECONDS)),
                     _("simplify the page (a smaller picture, fewer drawings) or save it as a picture"))
    except pdfium.PdfiumError:
        return problem_line(place, _("this page is damaged and cannot be shown"),
                     _("open the PDF, fix or remove the page, and save it again"))
    finally:
        page.close()
    with replacing(target) as tmp:
        image.save(tmp, format="PNG", compress_level=3)
    return ""


def _render_bounded(page, width: int, height: int):
    """The page drawn into a white `width` x `height` RGB picture, giving up after PAGE_SECONDS.

    PDFium's progressive renderer asks "pause now?" between the page's objects; the answer is yes
    once the time is up, and the page is abandoned. A single object that takes long on its own
    (one enormous image) is only interrupted after it.
    """
    import pypdfium2 as pdfium
    import pypdfium2.internal as pdfium_i
    import pypdfium2.raw as pdfium_c

    bitmap = pdfium.PdfBitmap.new_native(width, height, pdfium_c.FPDFBitmap_BGR, rev_byteorder=True)
    bitmap.fill_rect((255, 255, 255, 255), 0, 0, width, height)
    deadline = time.monotonic() + PAGE_SECONDS
    pause = pdfium_c.IFSDK_PAUSE(version=1)
    pdfium_i.set_callback(pause, "NeedToPauseNow", lambda _arg: time.monotonic() > deadline)
    flags = pdfium_c.FPDF_ANNOT | pdfium_c.FPDF_REVERSE_BYTE_ORDER
    status = pdfium_c.FPDF_RenderPageBitmap_Start(bitmap, page, 0, 0, width, height, 0, flags, ctypes.byref(pause))
    try:
        while status == pdfium_c.FPDF_RENDER_TOBECONTINUED:
            if time.monotonic() > deadline:
                raise TimeoutError
            status = pdfium_c.FPDF_RenderPage_Continue(page, ctypes.byref(pause))
    finally:
        pdfium_c.FPDF_RenderPage_Close(page)
    if status != pdfium_c.FPDF_RENDER_DONE:
        raise pdfium.PdfiumError("page render failed")
    if page.formenv:  # form fields on top (not paused: PDFium draws them in one call)
        pdfium_c.FPDF_FFLDraw(page.formenv, bitmap, page, 0, 0, width, height, 0, flags)
    return bitmap.to_pil().convert("RGB")
