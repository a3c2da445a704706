"""A teacher plugs in a USB stick: the records since the last export are saved on it, and said so."""

from cinema.core.events import Record, UsbExport
from cinema.journal import Journal
from cinema.journal.bundle import open_bundle
from cinema.app.usb_export import FOLDER_ON_STICK, UsbExporter
from tests.core.test_session import clock, engine  # noqa: F401 (fixtures: a small engine on a fake clock)
from tests.reports.journals import lesson

KEY = b"k" * 32


class Stick:
    """A folder that counts as a plugged-in stick while `inside` is true."""

    def __init__(self):
        self.inside = False

    def __call__(self, folder):
        return self.inside


def make(tmp_path):
    journal = tmp_path / "j.sqlite"
    j = Journal(journal, "k1")
    lesson(j, "s1", wall=1.79e9, learners=["L1", "L2"])
    j.close()
    events = []
    stick = Stick()
    usb = UsbExporter(tmp_path / "usb", journal, (KEY,), events.append, ready=stick)
    return journal, events, stick, usb


def test_plugging_in_saves_a_signed_bundle_once_per_insertion(tmp_path):
    journal, events, stick, usb = make(tmp_path)
    usb.check()
    assert events == []  # no stick, nothing happens
    stick.inside = True
    usb.check()
    usb.check()  # still in: not saved again
    assert [e.stage for e in events] == ["started", "done"]
    (bundle,) = (tmp_path / "usb" / FOLDER_ON_STICK).glob("*.lcb")
    assert events[1].file == bundle.name and events[1].first_seq == 1 and events[1].records > 0
    assert open_bundle(bundle, (KEY,)).signed


def test_plugged_in_again_with_nothing_new_then_with_a_new_lesson(tmp_path):
    journal, events, stick, usb = make(tmp_path)
    stick.inside = True
    usb.check()
    stick.inside = False
    usb.check()
    stick.inside = True
    usb.check()
    assert [e.stage for e in events] == ["started", "done", "started", "nothing"]
    j = Journal(journal, "k1")
    lesson(j, "s2", wall=1.79e9 + 86400, learners=["L3"])
    j.close()
    stick.inside = False
    usb.check()
    stick.inside = True
    usb.check()
    assert events[-1].stage == "done" and events[-1].first_seq == events[1].last_seq + 1
    assert len(list((tmp_path / "usb" / FOLDER_ON_STICK).glob("*.lcb"))) == 2


def test_a_stick_that_cannot_be_written_is_a_message_not_a_crash(tmp_path):
    journal, events, stick, usb = make(tmp_path)
    (tmp_path / "usb").mkdir()
    (tmp_path / "usb" / FOLDER_ON_STICK).write_text("a file where the folder should be")
    stick.inside = True
    usb.check()
    assert [e.stage for e in events] == ["started", "failed"] and events[1].reason


def test_the_engine_journals_the_export_and_tells_the_teacher_even_after_the_lesson(engine):
    from cinema.core.events import TeacherCommand, Command

    eng = engine
    eng.start()
    for _ in range(40):  # to the end of the lesson
        eng.handle(TeacherCommand(Command.NEXT))
    assert eng.phase.name == "ENDED"
    assert eng.handle(UsbExport("started")) == []
    assert "leave the USB stick in" in eng.view().toast
    fx = eng.handle(UsbExport("done", records=12, first_seq=1, last_seq=12, file="k1-1-12.lcb"))
    (rec,) = [e for e in fx if isinstance(e, Record)]
    assert rec.kind == "export.made" and rec.payload["last_seq"] == 12
    assert "take the USB stick out" in eng.view().toast
    fx = eng.handle(UsbExport("failed", reason="read-only"))
    assert [e.kind for e in fx if isinstance(e, Record)] == ["export.failed"]
    assert eng.handle(UsbExport("nothing")) == [] and "Nothing new" in eng.view().toast
