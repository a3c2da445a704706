"""Save a PNG of every screen in English, Arabic and Ukrainian at 800x600 and 1920x1080.

    python scripts/screenshots.py OUTDIR [--sizes 800x600,1920x1080] [--languages en,ar,uk]

Runs headless (SDL dummy driver), so it works over SSH and in CI.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pygame  # noqa: E402

from cinema.display.renderer import Renderer  # noqa: E402
from cinema.display.samples import sample_frame, sample_views  # noqa: E402

FIXED_NOW = time.mktime((2025, 3, 14, 10, 35, 0, 0, 0, -1))  # the clock reads 10:35


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--sizes", default="800x600,1920x1080")
    parser.add_argument("--languages", default="en,ar,uk")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1, 1))
    count = 0
    for size_text in args.sizes.split(","):
        size = tuple(int(v) for v in size_text.lower().split("x"))
        surface = pygame.Surface(size)
        renderer = Renderer(size)
        for language in args.languages.split(","):
            for name, view in sample_views(language, args.outdir).items():
                frame = sample_frame() if (view.body.__class__.__name__ == "MediaBody" and name != "audio") or name in ("attendance", "pairing") else None
                renderer.draw(surface, view, frame=frame, now=FIXED_NOW)
                pygame.image.save(surface, str(args.outdir / f"{language}_{size_text}_{name}.png"))
                count += 1
    print(f"{count} screenshots in {args.outdir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
