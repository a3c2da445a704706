"""Save a PNG of every sample teacher window (presenter mode) and of marking by hand over the class
screen, each drawn in a real X window and read back from the X server as a person would see it.

    python scripts/teacher_screens.py OUTDIR [--sizes 800x600,1920x1080] [--languages en,ar] [--extra uk:1024x768]

Without a DISPLAY it starts its own Xvfb. Each view is drawn by the kiosk's own renderers
(TeacherRenderer, Renderer) into a borderless pygame window at the top left of the screen, shown,
and grabbed with ffmpeg's x11grab (the window's surface when ffmpeg is missing). The tour of the
real main loop with two monitors is scripts/screenshots.py --two-screens.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIXED_NOW = time.mktime((2025, 3, 14, 10, 35, 0, 0, 0, -1))  # the clock reads 10:35


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--sizes", default="800x600,1920x1080")
    parser.add_argument("--languages", default="en,ar")
    parser.add_argument("--extra", default="uk:1024x768", help="more LANG:SIZE pairs, comma separated")
    args = parser.parse_args(argv)
    runs = [(lang, size) for lang in args.languages.split(",") for size in args.sizes.split(",")]
    runs += [tuple(pair.split(":")) for pair in args.extra.split(",") if pair]
    args.outdir.mkdir(parents=True, exist_ok=True)
    widest = max(int(s.split("x")[0]) for _, s in runs)
    tallest = max(int(s.split("x")[1]) for _, s in runs)
    os.environ.update(SDL_VIDEODRIVER="x11", SDL_AUDIODRIVER="dummy", SDL_FRAMEBUFFER_ACCELERATION="0",
                      PYGAME_HIDE_SUPPORT_PROMPT="1")
    if os.environ.get("DISPLAY"):
        return shoot(runs, args.outdir)
    from cinema.display.virtual_x import virtual_display

    with virtual_display(f"{widest}x{tallest}x24") as display:
        os.environ["DISPLAY"] = display
        return shoot(runs, args.outdir)


def shoot(runs: list[tuple[str, str]], outdir: Path) -> int:
    import pygame

    from cinema.display.renderer import Renderer
    from cinema.display.samples import sample_views, teacher_views
    from cinema.display.teacher_screen import TeacherRenderer

    pygame.display.init()
    pygame.font.init()
    count = 0
    for lang, size_text in runs:
        size = tuple(int(v) for v in size_text.split("x"))
        window = pygame.Window("Learning Cinema — teacher", size, position=(0, 0), borderless=True)
        teacher = TeacherRenderer(size, lang)
        for name, view in teacher_views(lang).items():
            teacher.draw(window.get_surface(), view, now=FIXED_NOW)
            count += _show_and_save(window, outdir / f"{name}-{lang}-{size_text}.png")
        picker = sample_views(lang, outdir)["picker"]
        Renderer(size, lang).draw(window.get_surface(), picker, now=FIXED_NOW)
        count += _show_and_save(window, outdir / f"picker-class-{lang}-{size_text}.png")
        window.destroy()
    pygame.quit()  # let go of the X server before a private one is stopped
    print(f"{count} screenshots in {outdir}")
    return 0


def _show_and_save(window, path: Path) -> int:
    import pygame

    window.flip()
    for _ in range(3):  # let the X server take the new picture before it is read back
        pygame.event.pump()
        time.sleep(0.05)
    w, h = window.size
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg:
        result = subprocess.run([ffmpeg, "-loglevel", "error", "-y", "-f", "x11grab", "-draw_mouse", "0",
                                 "-video_size", f"{w}x{h}", "-i", f"{os.environ['DISPLAY']}+0,0", "-frames:v", "1",
                                 str(path)], capture_output=True, text=True, timeout=30)
        if result.returncode == 0:
            return 1
        print(f"x11grab failed ({result.stderr.strip()}); saving the window's surface", file=sys.stderr)
    pygame.image.save(window.get_surface(), str(path))
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
