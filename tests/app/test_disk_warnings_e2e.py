"""The journal's warnings as the teacher sees them, from the real main loop in a real X window at
800x600: a long warning is drawn whole (on two lines, not cut with "…"), a full disk is said all
along where answers and cards are refused but not over the rest of the lesson, and the teacher who
frees space is told the disk has room again (not that it is still full)."""

from __future__ import annotations

import pygame
import pytest

from cinema.core.clock import FakeClock
from cinema.core.events import Command, Record, TeacherCommand
from cinema.core.messages import DISK_BACK, DISK_FULL, JOURNAL_SET_ASIDE
from cinema.core.view import Screen
from cinema.display.renderer import Renderer
from tests.app.kiosk_project import project  # noqa: F401  (a fixture)
from tests.app.xvfb import xvfb  # noqa: F401  (a fixture)
from tests.journal.small_disk import fill, small_disk


@pytest.fixture
def window(xvfb, monkeypatch):  # noqa: F811
    """In-process pygame draws into the private Xvfb; every layout the loop draws is kept."""
    for key in ("DISPLAY", "SDL_VIDEODRIVER", "SDL_FRAMEBUFFER_ACCELERATION", "SDL_AUDIODRIVER"):
        monkeypatch.setenv(key, xvfb[key])
    drawn = []
    real_draw = Renderer.draw

    def draw(self, surface, view, *args, **kwargs):
        drawn.append(real_draw(self, surface, view, *args, **kwargs))
        return drawn[-1]

    monkeypatch.setattr(Renderer, "draw", draw)
    return drawn


def kiosk(project, journal, clock):  # noqa: F811
    from cinema.app.brightness import FakeDimmer
    from cinema.app.kiosk import Kiosk, RunOptions
    from cinema.media.fake_player import FakePlayer

    opts = RunOptions(config=project / "kiosk_config" / "default.yaml", playlist=project / "playlists" / "e2e.yaml",
                      journal=journal, windowed=True, size=(800, 600))
    k = Kiosk(opts, clock=clock, dimmer=FakeDimmer())
    k.player = FakePlayer(k.events.put, lambda t, r: None)
    return k


class Turns:
    def __init__(self, loop, clock: FakeClock) -> None:
        self.loop, self.clock = loop, clock

    def __call__(self, seconds: float = 0.3, *events) -> None:
        for event in events:
            self.loop.events.put(event)
        self.clock.advance(seconds)
        self.loop.step(self.clock.monotonic())


def test_the_damaged_journal_warning_is_drawn_whole_at_800x600(project, window):  # noqa: F811
    from cinema.journal import Journal

    journal = project / "j.sqlite"
    old = Journal(journal, "kiosk-7")
    for _ in range(40):
        old.append("old", [Record("answer.recorded", {"key": "A" * 200})] * 5, 1.0, 1.0)
    old.reclaim()
    old.close()
    data = bytearray(journal.read_bytes())
    data[-3 * 4096:] = b"DAMAGED!" * (3 * 512)  # the records' last pages overwritten (a bad sector)
    journal.write_bytes(bytes(data))
    clock = FakeClock()
    with kiosk(project, journal, clock).opened() as loop:
        turn = Turns(loop, clock)
        turn()
        turn()
        assert loop.view.toast == JOURNAL_SET_ASIDE
        shot = pygame.display.get_surface().copy()
    toast = window[-1].get("overlay.toast")
    assert toast.text == "The journal was damaged: it was kept aside and a new one started"
    # one line of it at the readable size does not hold the words: two lines, not "…"
    assert toast.rect.height > 2 * toast.size
    assert shot.get_rect().contains(toast.rect)


def test_a_full_disk_is_said_where_answers_are_refused_and_room_again_once_freed(project, window, tmp_path):  # noqa: F811
    nxt = TeacherCommand(Command.NEXT)
    clock = FakeClock()
    with small_disk(tmp_path / "disk", "12m") as disk, kiosk(project, disk / "j.sqlite", clock).opened() as loop:
        turn = Turns(loop, clock)
        turn()
        assert loop.view.screen is Screen.TITLE
        fill(disk)
        turn(0.3, nxt)  # the item's record meets a full disk: the reserve is given back
        assert loop.view.screen is Screen.ATTENDANCE and loop.view.status.disk == "reserve"
        fill(disk, "more.bin")
        turn(0.3, nxt)  # and now not even that
        assert loop.view.screen is Screen.QUESTION and loop.view.status.disk == "full"
        turn(20.0)
        turn()
        assert loop.view.toast == DISK_FULL  # answers are refused here: said all along
        turn(0.3, nxt)
        turn(20.0)
        turn()
        view = loop.view
        assert view.screen is Screen.RESULTS and view.status.disk == "full"  # the status bar still says it
        assert view.toast != DISK_FULL  # nothing is taken in here: the screen is not covered for good
        assert window[-1].get("status.disk").text == "Disk full: not saved"
        (disk / "videos.bin").unlink()
        (disk / "more.bin").unlink()
        turn(1.5)
        turn()
        view = loop.view
        assert view.toast == DISK_BACK
        assert view.status.disk == ""  # the reserve was made again: no "Disk almost full" beside it
        assert (disk / "j.sqlite.reserve").exists()


def test_cards_refused_on_a_full_disk_are_listed_clear_of_the_toast_at_800x600(project, window, tmp_path):  # noqa: F811
    from cinema.core.events import CardScanned
    from cinema.core.messages import DISK_NOT_SAVED

    clock = FakeClock()
    with small_disk(tmp_path / "disk", "1m") as disk, kiosk(project, disk / "j.sqlite", clock).opened() as loop:
        turn = Turns(loop, clock)
        turn()
        fill(disk)  # no room for a reserve on this disk, and now none at all
        turn(0.3, TeacherCommand(Command.NEXT))
        assert loop.view.screen is Screen.ATTENDANCE and loop.view.status.disk == "full"
        for n in range(6):
            turn(0.3, CardScanned(f"card-{n}", "scanner"))
        assert [s.msg for s in loop.view.body.recent][:3] == [DISK_NOT_SAVED] * 3
        assert loop.view.toast == DISK_FULL
    layout = window[-1]
    toast = layout.get("overlay.toast").rect
    rows = [b for b in layout if b.name.startswith("scan.") and not b.name.endswith(".mark")]
    assert rows and all(not b.rect.colliderect(toast) for b in rows), [(b.name, b.rect, toast) for b in rows]


def test_a_warning_at_the_start_of_a_lesson_does_not_cover_the_title_screens_subtitle(project, window, tmp_path):  # noqa: F811
    playlist = project / "playlists" / "e2e.yaml"
    playlist.write_text(playlist.read_text().replace(
        "    title: Hello\n",
        "    title: Hello\n    subtitle: A lesson about the water in our lives, where it comes from and where it goes\n"))
    clock = FakeClock()
    with small_disk(tmp_path / "disk", "12m") as disk, kiosk(project, disk / "j.sqlite", clock).opened() as loop:
        turn = Turns(loop, clock)
        turn()
        turn()
        assert loop.view.screen is Screen.TITLE and loop.view.toast  # 12 MB free: "Little disk space left"
    layout = window[-1]
    toast = layout.get("overlay.toast").rect
    assert layout.get("title.subtitle").text.startswith("A lesson about the water")
    assert not any(b.rect.colliderect(toast) for b in layout if b.name.startswith("title."))
