"""Save PNGs of the projector's join codes, taken from the real kiosk main loop with its hub serving.

    python scripts/join_screenshots.py OUTDIR [--sizes 800x600,1920x1080] [--languages en,ar]

For each size and language it runs the kiosk (`Kiosk.opened()`, as `cinema run --hub` does, the hub on
127.0.0.1 and a free port, a Wi-Fi name in the config's hub: section, the simulated class and its
webcam) and saves the window on the home screen, the title, attendance, a question and the check-in:
NAME.png, with OUTDIR/join.json saying which QR texts (the Wi-Fi's, the page's) each picture shows.
Without a DISPLAY it starts its own Xvfb. The tour itself is scripts/screenshots.py's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import screenshots as tour  # noqa: E402  (the lesson project, the X display and the teacher's Tour)

WIFI_NAME = "Classroom-7"
WIFI_PASSWORD = "sunflower42"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--sizes", default="800x600,1920x1080")
    parser.add_argument("--languages", default="en,ar")
    parser.add_argument("--media", type=Path, default=ROOT / "demo_media",
                        help="where the demo lesson's media are (made when missing)")
    args = parser.parse_args(argv)
    sizes = [tuple(int(v) for v in text.lower().split("x")) for text in args.sizes.split(",")]
    args.outdir.mkdir(parents=True, exist_ok=True)
    shown: dict[str, list[str]] = {}
    with tour._x_display(max(w for w, _ in sizes), max(h for _, h in sizes)):
        from cinema.media.demo_media import ensure_demo_media

        ensure_demo_media(args.media)
        for size in sizes:
            for language in args.languages.split(","):
                with tempfile.TemporaryDirectory(prefix="cinema-join-") as work:
                    shown.update(shoot(Path(work), args.media, language, size, args.outdir))
    (args.outdir / "join.json").write_text(json.dumps(shown, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(shown)} screenshots in {args.outdir}")
    return 0


def shoot(work: Path, media: Path, language: str, size: tuple[int, int], outdir: Path) -> dict[str, list[str]]:
    """The join codes on each screen that shows them, in one language at one size: {file: QR texts}."""
    from cinema.app.brightness import FakeDimmer
    from cinema.app.kiosk import Kiosk, RunOptions

    config, playlist = tour.make_project(work, media, language)
    text = config.read_text()
    for old, new in (('  wifi_name: ""', f'  wifi_name: "{WIFI_NAME}"'),
                     ('  wifi_password: ""', f'  wifi_password: "{WIFI_PASSWORD}"')):
        if old not in text:
            raise SystemExit(f"the shipped config has no line {old.strip()!r} in its hub: section")
        text = text.replace(old, new)
    config.write_text(text)
    prefix = f"{language}_{size[0]}x{size[1]}_join_"
    shown: dict[str, list[str]] = {}

    def kiosk(**kw) -> Kiosk:
        opts = RunOptions(config=config, playlist=playlist, journal=work / "journal.sqlite", windowed=True,
                          size=size, simulate_class=tour.CLASS_SIZE, hub=("127.0.0.1", 0), **kw)
        return Kiosk(opts, open(os.devnull, "w"), dimmer=FakeDimmer(), wall=lambda: tour.FIXED_NOW)

    for library in (True, False):
        with kiosk(library=library).opened() as loop:
            walk = JoinTour(loop, outdir, prefix)
            walk.home() if library else walk.lesson()
            shown.update(walk.codes)
    return shown


class JoinTour(tour.Tour):
    """The teacher's tour through the screens with join codes; each picture's QR texts kept in `codes`."""

    def __init__(self, loop, outdir: Path, prefix: str) -> None:
        super().__init__(loop, outdir, prefix)
        self.codes: dict[str, list[str]] = {}

    def shoot(self, name: str) -> None:
        deadline = time.monotonic() + 10
        while self.loop.hub.join_info() is None:  # the hub's address and code, once it is serving
            if time.monotonic() > deadline:
                raise tour.TourError("the hub gave no join codes")
            self.turn()
        super().shoot(name)
        join = self.loop.hub.join_info()
        corner = name in ("question", "checkin")
        self.codes[self.saved[-1].name] = sorted([join.url] if corner else [join.wifi_qr, join.url])

    def home(self) -> list:
        from cinema.core.view import Screen

        self.on(Screen.LIBRARY)
        self.shoot("home")
        return self.saved

    def lesson(self) -> list:
        from cinema.core.view import Screen

        loop = self.loop
        self.on(Screen.TITLE)
        self.shoot("title")
        self.next_item()
        self.on(Screen.ATTENDANCE, lambda v: v.body.count >= 3 and loop.frame is not None)
        self.settle(0.3)
        self.shoot("attendance")
        self.advance("the quiz", lambda v: v.screen is Screen.QUESTION)
        self.on(Screen.QUESTION, lambda v: v.body.answered >= 3, timeout=15)
        self.shoot("question")
        self.advance("the check-in", lambda v: v.screen is Screen.CHECKIN)
        self.on(Screen.CHECKIN, lambda v: v.body.answered >= 3, timeout=15)
        self.shoot("checkin")
        return self.saved


if __name__ == "__main__":
    raise SystemExit(main())
