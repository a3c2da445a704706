"""Journals written through the real Journal, for report tests: lessons with answers, check-ins, events."""

from __future__ import annotations

from pathlib import Path

from cinema.journal.bundle import MAGIC, TRAILER, FORMAT_VERSION

from cinema.core.events import Record
from cinema.journal import Journal

DAY = 86400.0


def lesson(journal: Journal, session: str, *, wall: float, learners: list[str], title: str = "Water",
           subject: str | None = "science", answers: dict[str, str] | None = None, faces: list[int] = (),
           failed: bool = False, end: str | None = "completed", mono: float = 100.0) -> None:
    """One session: start, attendance, a video, a one-question quiz (correct: A), a check-in, the end."""
    a = journal.append
    a(session, [Record("session.started", {"playlist": title.lower(), "title": title, "subject": subject,
                                           "language": "en", "items": 4}),
                Record("item.started", {"index": 0, "item": "att", "type": "attendance", "title": "Attendance"})],
      wall, mono)
    # The kiosk journals each child once per session (a second scan is only shown), so reports count.
    a(session, [Record("attendance.scanned", {"learner_id": lid, "source": "camera", "index": 0}) for lid in learners],
      wall + 60, mono + 60)
    a(session, [Record("item.ended", {"index": 0, "item": "att", "type": "attendance", "reason": "next",
                                      "seconds": 60.0}),
                Record("item.started", {"index": 1, "item": "film", "type": "video", "title": "Film"})],
      wall + 61, mono + 61)
    if failed:
        a(session, [Record("item.failed", {"index": 1, "item": "film", "type": "video", "reason": "damaged file"})],
          wall + 62, mono + 62)
    else:
        a(session, [Record("power.reading", {"percent": 61.0, "minutes_left": 90, "charging": False}),
                    Record("item.ended", {"index": 1, "item": "film", "type": "video", "reason": "finished",
                                          "seconds": 300.0})], wall + 361, mono + 361)
    a(session, [Record("item.started", {"index": 2, "item": "quiz", "type": "activity", "title": "Quiz"})],
      wall + 362, mono + 362)
    for i, (lid, key) in enumerate((answers or {}).items()):
        rec = {"index": 2, "item": "quiz", "activity": "water-quiz", "question": 0, "key": key,
               "correct": key == "A", "learner_id": lid, "clicker": f"C{lid}"}
        a(session, [Record("answer.recorded", rec)], wall + 370 + i, mono + 370 + i)
    a(session, [Record("question.closed", {"index": 2, "item": "quiz", "activity": "water-quiz", "question": 0,
                                           "answered": len(answers or {}), "tally": {}, "correct": "A",
                                           "prompt": "Where does rain come from?"}),
                Record("item.ended", {"index": 2, "item": "quiz", "type": "activity", "reason": "next",
                                      "seconds": 60.0}),
                Record("item.started", {"index": 3, "item": "feel", "type": "checkin", "title": ""})],
      wall + 420, mono + 420)
    for face in faces:
        a(session, [Record("checkin.recorded", {"index": 3, "item": "feel", "face": face, "replaces": None})],
          wall + 430, mono + 430)
    a(session, [Record("checkin.closed", {"index": 3, "item": "feel", "counts": [], "offer_calm": False})],
      wall + 440, mono + 440)
    if end:
        a(session, [Record("item.ended", {"index": 3, "item": "feel", "type": "checkin", "reason": "next",
                                          "seconds": 20.0}),
                    Record("session.ended", {"reason": end, "attendance": len(learners), "answers": 0, "index": 3})],
          wall + 460, mono + 460)


def two_lessons(path: Path, kiosk: str = "k1", wall: float = 1.79e9) -> Path:
    j = Journal(path, kiosk)
    lesson(j, "s1", wall=wall, learners=["L1", "L2", "L3"], answers={"L1": "A", "L2": "B"}, faces=[1, 4, 5])
    lesson(j, "s2", wall=wall + DAY, learners=["L1", "L3"], title="Plants", subject="biology",
           answers={"L1": "A", "L3": "A"}, faces=[2, 2], failed=True)
    j.close()
    return path


def split_bundle(path: Path) -> tuple[bytes, bytes, bytes]:
    """(database, manifest, signature) bytes of a bundle, to make altered copies in tests."""
    data = path.read_bytes()
    _magic, _version, db_len, man_len, sig_len = TRAILER.unpack(data[-TRAILER.size:])
    return data[:db_len], data[db_len:db_len + man_len], data[db_len + man_len:db_len + man_len + sig_len]


def join_bundle(path: Path, db: bytes, manifest: bytes, signature: bytes) -> Path:
    path.write_bytes(db + manifest + signature + TRAILER.pack(MAGIC, FORMAT_VERSION, len(db), len(manifest),
                                                              len(signature)))
    return path
