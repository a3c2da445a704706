"""PowerPoint and LibreOffice presentations as slides: LibreOffice (headless) turns them into a PDF.

`soffice --headless --convert-to pdf` runs with a profile of its own in the import's work folder
(so a LibreOffice the teacher has open is not disturbed, and macros and links to the internet
stay off; made once per import folder, which saves a second on each later presentation), within
a time and memory limit, its whole process group ended when it overruns.
Where LibreOffice is not installed, the teacher is told what to install, or to save as PDF.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from cinema.atomic import write_text
from cinema.locale.runtime import gettext as _

from .checksums import sha256_file
from .drafts import ImportContext, ImportProblem, SlidesDraft, key_for, problem_line, title_from, where
from .pdf import MAX_BYTES, render_pdf

PRESENTATION_SUFFIXES = (".pptx", ".ppt", ".pps", ".ppsx", ".odp")
CONVERT_SECONDS = 180  # a 100-slide deck with photos converts in well under a minute
CONVERT_MEMORY = 4 << 30  # address space; LibreOffice reserves much more than it uses

# Settings of the conversion's own profile: no macros, no fetching of linked pictures or
# documents from the internet (a camp has none; a hostile file could call out where there is).
_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
 <prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
 <prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
 <prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">
 <prop oor:name="UseOpenCL" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">
 <prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def libreoffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(path: Path, out_dir: Path, ctx: ImportContext, *, key: str = "") -> Path:
    """`path` converted into `out_dir/<key>.pdf` (reused when an earlier run converted this very file).

    Without a key the PDF keeps the presentation's own name (`Water Cycle.pptx` -> `Water Cycle.pdf`),
    so a title made from the PDF's name reads as the teacher wrote it: LibreOffice leaves the PDF's
    Title empty unless the deck has one."""
    path, out_dir = Path(path), Path(out_dir)
    place = where(path)
    program = libreoffice()
    if program is None:
        raise ImportProblem(problem_line(place, _("presentations need LibreOffice to be turned into slides"), _(
            "install it (sudo apt install libreoffice-impress), or save the presentation as PDF and import the PDF")))
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ImportProblem(problem_line(place, _("is not a file"), _("check the name and the folder")))
    except FileNotFoundError:
        raise ImportProblem(problem_line(place, _("file not found"), _("check the name and the folder"))) from None
    if size > MAX_BYTES:
        raise ImportProblem(problem_line(place, _("is {mb} MB; presentations of at most {max} MB are made into slides").format(
            mb=size // 2**20, max=MAX_BYTES // 2**20), _("save it again with smaller pictures, or split it")))
    stem = " ".join(path.stem.split())
    key = key or (stem if stem and not stem.startswith(".") and len(stem) <= 100 else key_for(path.name))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{key}.pdf"
    stamp_path = out_dir / f"{key}.pdf.json"
    stamp = {"sha256": sha256_file(path)}
    try:
        if target.is_file() and json.loads(stamp_path.read_text(encoding="utf-8")) == stamp:
            return target
    except (OSError, ValueError):
        pass
    bar = ctx.progress(_("Converting {file}").format(file=path.name), None, unit="file")
    try:
        _convert(program, path, target, place, Path(ctx.work) / "libreoffice-profile")
    finally:
        bar.close()
    write_text(stamp_path, json.dumps(stamp))
    return target


def render_presentation(path: Path, out_dir: Path, ctx: ImportContext, *, title: str = "",
                        key: str = "") -> SlidesDraft:
    """A presentation's slides as pictures: converted to PDF, then each page rendered (pdf.render_pdf)."""
    path = Path(path)
    key = key or key_for(path.name)
    pdf = to_pdf(path, out_dir, ctx, key=key)
    draft = render_pdf(pdf, out_dir, ctx, title=title, key=key, title_fallback=title_from(path))
    return dataclasses.replace(draft, source=path)


def _limits() -> None:  # in the child, before LibreOffice starts
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CONVERT_MEMORY, CONVERT_MEMORY))


def _convert(program: str, path: Path, target: Path, place: str, profile: Path) -> None:
    """Run LibreOffice into a fresh folder beside `target`, then rename its PDF to `target`."""
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_SETTINGS, encoding="utf-8")
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".convert-") as scratch:
        scratch_dir = Path(scratch)
        # A copy under a plain name: LibreOffice names its output after the input, and reads
        # some names (starting with "-", with odd characters) as options or URLs.
        source = scratch_dir / f"presentation{path.suffix.lower()}"
        shutil.copyfile(path, source)
        command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
                   "--norestore", "--nolockcheck", "--nodefault", "--convert-to", "pdf",
                   "--outdir", str(scratch_dir / "out"), str(source)]
        env = dict(os.environ, HOME=str(scratch_dir), SAL_USE_VCLPLUGIN="svp")
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env=env, cwd=scratch_dir, start_new_session=True, preexec_fn=_limits)
        try:
            process.communicate(timeout=CONVERT_SECONDS)
        except subprocess.TimeoutExpired:
            _end_group(process)
            raise ImportProblem(problem_line(place, _("LibreOffice took too long to turn this presentation into slides"), _(
                "save the presentation as PDF (File, Export as PDF) and import the PDF"))) from None
        finally:
            _end_group(process)
        produced = scratch_dir / "out" / "presentation.pdf"
        if process.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
            raise ImportProblem(problem_line(place, _(
                "LibreOffice could not open this presentation (it may be damaged, or locked with a password)"), _(
                "open it in PowerPoint or LibreOffice and save it again without a password, or save it as PDF "
                "and import the PDF")))
        os.replace(produced, target)


def _end_group(process: subprocess.Popen) -> None:
    """LibreOffice starts helpers of its own: end the whole group it runs in, if anything is left."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
