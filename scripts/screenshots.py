"""Save a PNG of every screen, taken from the real kiosk main loop in a real X window.

    python scripts/screenshots.py OUTDIR [--sizes 800x600,1920x1080] [--languages en,ar,uk]
    python scripts/screenshots.py OUTDIR --two-screens 1280x800+800x600,1366x768+1920x1080 [--languages en,ar]

For each size and language it runs the kiosk (`Kiosk.opened()`: the loop `cinema run` drives,
with VLC, the simulated class and its webcam) through a tour of the demo lesson, acting as the
teacher, and saves the window each time it shows a new screen: what a projector would show.
Without a DISPLAY it starts its own Xvfb, so it works over SSH and in CI.

--two-screens LAPTOP+PROJECTOR,...: presenter mode. The tour runs fullscreen on a private Xorg with
two monitors (the dummy driver: Debian xserver-xorg-video-dummy) and saves both windows each time:
NAME-class.png (the projector) and NAME-teacher.png (the laptop); the home screen too.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIXED_NOW = time.mktime((2025, 3, 14, 10, 35, 0, 0, 0, -1))  # the status clock reads 10:35
PLAYLISTS = {"en": "demo.yaml", "ar": "demo_ar.yaml", "uk": "demo_uk.yaml"}
CLASS_SIZE = 12
TEAM_NAMES = {"en": ("Eagles", "Lions"), "ar": ("النسور", "الأسود"), "uk": ("Орли", "Леви")}
QUIZ_SECONDS = 40  # long enough for the simulated class to answer before time is up


class TourError(Exception):
    """The kiosk did not reach the screen the tour waited for."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--sizes", default="800x600,1920x1080")
    parser.add_argument("--languages", default="en,ar,uk")
    parser.add_argument("--two-screens", default=None, metavar="LAPTOP+PROJECTOR,...",
                        help="presenter mode on two monitors, e.g. 1280x800+800x600,1366x768+1920x1080")
    parser.add_argument("--media", type=Path, default=ROOT / "demo_media",
                        help="where the demo lesson's media are (made when missing)")
    args = parser.parse_args(argv)
    sizes = [tuple(int(v) for v in text.lower().split("x")) for text in args.sizes.split(",")]
    args.outdir.mkdir(parents=True, exist_ok=True)
    if args.two_screens:
        return two_screens(args)
    with _x_display(max(w for w, _ in sizes), max(h for _, h in sizes)):
        from cinema.media.demo_media import ensure_demo_media

        ensure_demo_media(args.media)
        count = 0
        for size in sizes:
            for language in args.languages.split(","):
                with tempfile.TemporaryDirectory(prefix="cinema-shots-") as work:
                    count += len(shoot_lesson(Path(work), args.media, language, size, args.outdir))
    print(f"{count} screenshots in {args.outdir}")
    return 0


def two_screens(args) -> int:
    """The tour in presenter mode, on a dummy Xorg per pair of sizes (laptop + projector)."""
    from cinema.display.virtual_x import XvfbError, virtual_monitors
    from cinema.media.demo_media import ensure_demo_media

    ensure_demo_media(args.media)
    count = 0
    for pair in args.two_screens.split(","):
        laptop, projector = pair.lower().split("+")
        for language in args.languages.split(","):
            try:
                with virtual_monitors(laptop, projector) as screens:
                    saved = os.environ.get("DISPLAY")
                    os.environ.update({k: v for k, v in screens.env.items() if k.startswith(("SDL_", "DISPLAY"))})
                    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
                    try:
                        with tempfile.TemporaryDirectory(prefix="cinema-shots-") as work:
                            count += len(shoot_lesson(Path(work), args.media, language, None, args.outdir,
                                                      prefix=f"{language}_{laptop}+{projector}_"))
                    finally:
                        if saved is None:
                            os.environ.pop("DISPLAY", None)
                        else:
                            os.environ["DISPLAY"] = saved
            except XvfbError as exc:
                raise SystemExit(f"--two-screens: {exc}") from None
    print(f"{count} screenshots in {args.outdir}")
    return 0


# ---- a real window ------------------------------------------------------------------------------


class _x_display:
    """The DISPLAY there is, or a private Xvfb for the length of the run."""

    def __init__(self, width: int, height: int) -> None:
        self.size = f"{width}x{height}x24"
        self.private = None

    def __enter__(self):
        os.environ["SDL_VIDEODRIVER"] = "x11"
        os.environ["SDL_AUDIODRIVER"] = "dummy"
        os.environ["SDL_FRAMEBUFFER_ACCELERATION"] = "0"  # software GL under Xvfb is slow
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        if os.environ.get("DISPLAY"):
            return self
        from cinema.display.virtual_x import XvfbError, virtual_display

        self.private = virtual_display(self.size)
        try:
            os.environ["DISPLAY"] = self.private.__enter__()
        except XvfbError as exc:
            raise SystemExit(f"no DISPLAY and {exc}: sudo apt install xvfb") from None
        return self

    def __exit__(self, *exc) -> None:
        if self.private is not None:
            self.private.__exit__(None, None, None)
            del os.environ["DISPLAY"]


# ---- the lesson the tour walks through ------------------------------------------------------------


def make_project(work: Path, media: Path, language: str, presenter: bool = False) -> tuple[Path, Path]:
    """A kiosk project in `work`: the shipped config in a window with no battery or USB stick, and
    the demo lesson in `language` with the teacher moving every slide, a poll and a broken video
    added (its notice is a screen too)."""
    import yaml

    shutil.copytree(ROOT / "activities", work / "activities")
    (work / "kiosk_config").mkdir()
    config = (ROOT / "kiosk_config" / "default.yaml").read_text()
    # presenter: fullscreen on both monitors, the class's on the projector (the dummy Xorg's second output)
    window = ("  display: 0", "  display: 1") if presenter else ("  fullscreen: true", "  fullscreen: false")
    for old, new in (("  source: auto", "  source: none"), ("usb_stick: /media/cinema-usb", "usb_stick: null"),
                     window, ("playlist: playlists/demo.yaml", "playlist: playlists/tour.yaml"),
                     ("  video: window", "  video: frames")):  # pygame's own pictures of every screen, video too
        config = config.replace(old, new)
    if presenter:  # the teacher's own screen speaks the team's language (the kiosk's menus)
        config = config.replace("\nlanguage: en\n", f"\nlanguage: {language}\n", 1)
    # the demo media stay where they were made, outside this project folder: name that folder
    config += f"\nmedia_dirs:\n  - {json.dumps(str(media.resolve()))}\n"
    (work / "kiosk_config" / "default.yaml").write_text(config)
    lesson = yaml.safe_load((ROOT / "playlists" / PLAYLISTS[language]).read_text())

    def here(path: str) -> str:
        return str(media / Path(path).relative_to("../demo_media"))

    broken = work / "broken.mp4"
    broken.write_bytes((media / "intro.mp4").read_bytes()[:300])  # a copy cut short: VLC fails on it
    items = []
    for item in lesson["items"]:
        if "media" in item:
            item["media"] = here(item["media"])
        if "subtitles" in item:
            item["subtitles"] = here(item["subtitles"])
        if item["type"] == "slides":
            item["slides"] = [here(s) for s in item["slides"]]
            item.pop("seconds", None)  # the tour moves them on
        if item["type"] == "activity":  # the quiz in team mode with the teams' names
            item["team_names"] = list(TEAM_NAMES[language][:item.get("teams") or 0])
        items.append(item)
        if item["type"] == "activity" and language == "en":
            items.append({"type": "activity", "id": "poll", "activity": "water-use-poll"})
        if item["type"] == "audio":
            items.append({"type": "video", "id": "broken", "title": item["title"], "media": str(broken)})
        if item["type"] == "break":  # the calm item, played only when the teacher takes the offer
            items.insert(-1, {"type": "break", "id": "stretch", "title": item["title"], "seconds": 300})
    lesson["items"] = items
    for quiz in (work / "activities").glob("water_quiz*.yaml"):  # timed questions: the countdown is seen
        quiz.write_text(quiz.read_text().replace("\nquestions:\n", f"\nseconds: {QUIZ_SECONDS}\nquestions:\n", 1))
    (work / "playlists").mkdir()
    playlist = work / "playlists" / "tour.yaml"
    playlist.write_text(yaml.safe_dump(lesson, allow_unicode=True, sort_keys=False))
    return work / "kiosk_config" / "default.yaml", playlist


def shoot_lesson(work: Path, media: Path, language: str, size: tuple[int, int] | None, outdir: Path,
                 prefix: str = "") -> list[Path]:
    """Every screen of one language at one size (None: presenter mode, fullscreen on the monitors);
    returns the files saved."""
    from cinema.app.brightness import FakeDimmer
    from cinema.app.kiosk import Kiosk, RunOptions

    presenter = size is None
    config, playlist = make_project(work, media, language, presenter)
    prefix = prefix or f"{language}_{size[0]}x{size[1]}_"
    saved: list[Path] = []

    def opts(**kw) -> RunOptions:
        # presenter: fullscreen as a lesson runs (training: the shipped PIN is kept, as `cinema demo` may)
        return RunOptions(config=config, playlist=playlist, journal=work / "journal.sqlite", windowed=not presenter,
                          size=size, simulate_class=CLASS_SIZE, training=presenter, **kw)

    def kiosk(**kw) -> Kiosk:
        # A stand-in dimmer: the tour's low battery must not dim the machine it runs on.
        return Kiosk(opts(**kw), open(os.devnull, "w"), dimmer=FakeDimmer(), wall=lambda: FIXED_NOW)

    if presenter:  # the home screen: the lessons on the laptop, a welcome on the projector
        with kiosk(library=True).opened() as loop:
            saved += Tour(loop, outdir, prefix).home()
    with kiosk().opened() as loop:
        saved += Tour(loop, outdir, prefix).lesson()
    # The lesson was left before its end, as by a power cut: the next start offers to resume it.
    with kiosk().opened() as loop:
        saved += Tour(loop, outdir, prefix).resume_offer()
    # Broken content: the teacher gets a readable screen instead of a crash (its own small loop).
    playlist.write_text(playlist.read_text().replace("type: break", "type: brake"))
    shots = work / "error-shots"
    Kiosk(opts(screenshots=shots, max_seconds=0.3), open(os.devnull, "w"), dimmer=FakeDimmer()).run()
    for found in sorted(shots.glob("*.png")):
        saved.append(outdir / f"{prefix}content_error.png")
        shutil.move(found, saved[-1])
    return saved


class Tour:
    """The teacher at the keyboard: waits for each screen to be ready, saves it, moves on."""

    def __init__(self, loop, outdir: Path, prefix: str, timeout: float = 40.0) -> None:
        self.loop = loop
        self.outdir = outdir
        self.prefix = prefix
        self.timeout = timeout
        self.saved: list[Path] = []

    # -- moving the loop --

    def turn(self) -> None:
        if not self.loop.step(time.monotonic()):
            raise TourError("the kiosk stopped")
        self.loop.wait()

    def until(self, what: str, ready, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout or self.timeout)
        self.turn()
        while not ready(self.loop.view):
            if time.monotonic() > deadline:
                raise TourError(f"waited for {what}; the screen shows {self.loop.view.screen.value}")
            self.turn()

    def on(self, screen, ready=lambda view: True, timeout: float | None = None) -> None:
        self.until(screen.value, lambda view: view.screen is screen and ready(view), timeout)

    def send(self, *events) -> None:
        for event in events:
            self.loop.events.put(event)
            self.turn()

    def settle(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.turn()

    def shoot(self, name: str) -> None:
        screens = self.loop.screens
        two = screens is not None and screens.teacher is not None
        if two:
            screens.invalidate_teacher()  # drawn at most twice a second: drawn now, with the newest state
        self.turn()  # the newest state is drawn before the window is read back
        path = self.outdir / f"{self.prefix}{name}{'-class' if two else ''}.png"
        self.loop.window.save(path)
        self.saved.append(path)
        if two:
            self.saved.append(self.outdir / f"{self.prefix}{name}-teacher.png")
            screens.teacher_window.save(self.saved[-1])

    # -- the tours --

    def lesson(self) -> list[Path]:
        from cinema.core.events import Command, PinDigit, PowerReading, TeacherCommand
        from cinema.core.view import Screen

        nxt = TeacherCommand(Command.NEXT)
        loop = self.loop
        half = CLASS_SIZE // 2
        self.on(Screen.TITLE)
        self.shoot("title")
        self.next_item()
        # The class files past the webcam: wait for a few cards read and the camera's picture.
        self.on(Screen.ATTENDANCE, lambda v: v.body.count >= 3 and loop.frame is not None)
        self.settle(0.5)  # a few new camera pictures through the loop's fast path
        self.shoot("attendance")
        self.next_item()
        self.on(Screen.PAIRING, lambda v: v.body.count >= 2)
        self.shoot("pairing")
        self.next_item()
        self.on(Screen.VIDEO, lambda v: loop.frame is not None and v.body.position > 1.0)
        self.shoot("video")
        self.send(TeacherCommand(Command.PAUSE))
        self.on(Screen.VIDEO, lambda v: v.paused)
        self.shoot("paused")
        self.send(TeacherCommand(Command.PAUSE), TeacherCommand(Command.QUIT))
        self.until("the PIN prompt", lambda v: v.pin is not None)
        self.send(PinDigit("9"), PinDigit("9"))
        self.shoot("pin")
        self.send(PinDigit("9"), PinDigit("9"), PinDigit(submit=True))
        self.until("a wrong PIN", lambda v: v.pin is not None and v.pin.wrong)
        self.shoot("pin_wrong")
        self.send(PinDigit(cancel=True))
        self.until("the PIN prompt gone", lambda v: v.pin is None)
        self.next_item()
        self.on(Screen.SLIDES)
        self.shoot("slides")
        self.next_item()
        for kind in ("quiz", "poll") if self.prefix.startswith("en_") else ("quiz",):
            self.on(Screen.QUESTION, lambda v: v.body.answered >= half, timeout=15)
            self.shoot(f"question_{kind}")
            self.send(nxt)
            self.on(Screen.RESULTS)
            self.shoot(f"results_{kind}")  # a quiz: the counts, the right answer not shown yet
            if kind == "quiz":
                self.send(nxt)
                self.on(Screen.RESULTS, lambda v: v.body.revealed)
                self.shoot("results_quiz_revealed")
            self.next_item()
        self.on(Screen.CHECKIN, lambda v: v.body.answered >= half, timeout=15)
        self.shoot("checkin")
        # The battery runs low: the screen says so (the kiosk also dims: a stand-in dimmer here).
        self.send(PowerReading(15.0, None, False))
        self.until("the battery warning", lambda v: bool(v.toast))
        self.shoot("toast")
        self.send(PowerReading(95.0, None, True))
        self.until("the warning gone", lambda v: not v.toast, timeout=15)
        self.send(nxt)
        self.on(Screen.CHECKIN_RESULTS)
        calm = loop.view.body.offer_calm
        self.shoot("checkin_results_calm" if calm else "checkin_results")
        if calm:
            self.send(TeacherCommand(Command.DECLINE))  # declining moves on by itself
        self.advance("the audio", lambda v: v.screen is Screen.AUDIO)
        self.on(Screen.AUDIO, lambda v: (v.body.position or 0) > 1.0)
        self.shoot("audio")
        self.advance("the notice", lambda v: v.screen is Screen.NOTICE)
        self.shoot("notice")
        self.advance("the break", lambda v: v.screen is Screen.BREAK)
        self.settle(0.3)
        self.shoot("break")
        self.next_item()
        self.on(Screen.CLOSING)
        self.shoot("closing")
        return self.saved

    def home(self) -> list[Path]:
        from cinema.core.view import Screen

        self.on(Screen.LIBRARY)
        self.shoot("home")
        return self.saved

    def resume_offer(self) -> list[Path]:
        from cinema.core.view import Screen

        self.on(Screen.RESUME)
        self.shoot("resume")
        return self.saved

    def next_item(self) -> None:
        item = self.loop.view.item_number
        self.advance(f"the item after {item}", lambda v: v.item_number != item)

    def advance(self, what: str, ready) -> None:
        """Next, now and then, until `ready`: through slides, questions, results, notices."""
        from cinema.core.events import Command, TeacherCommand

        pressed = [0.0]

        def moved(view) -> bool:
            if ready(view):
                return True
            if time.monotonic() - pressed[0] > 0.6:
                pressed[0] = time.monotonic()
                self.loop.events.put(TeacherCommand(Command.NEXT))
            return False

        self.until(what, moved)


if __name__ == "__main__":
    raise SystemExit(main())
