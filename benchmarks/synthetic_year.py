"""A synthetic year of a programme: journals of many kiosks, made in SQLite's own code so it is quick.

Each kiosk teaches `sessions` lessons of a few hundred records each, shaped like a real lesson:
start, items, 30 children's attendance, a 10-question quiz answered by every child (some change
their answer), a check-in, battery readings, and now and then a failed video or a lost receiver.
The journals have the schema the kiosk writes (cinema.journal.store), so reports read them as real.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from pathlib import Path

# The checkout's own package, whatever the working folder; imported where it is used, so
# `--help` answers at once.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CHILDREN = 30
QUESTIONS = 10
DAY = 86400.0


def lesson_template(variant: int) -> list[tuple[str, dict]]:
    """The records of one lesson; learner ids say LX###, replaced by the kiosk's own prefix."""
    rnd = random.Random(variant)
    recs: list[tuple[str, dict]] = [("session.started", {"playlist": f"lesson-{variant}", "title": f"Lesson {variant}",
                                                         "subject": ["science", "reading", "health", "maths"][variant % 4],
                                                         "language": "en", "items": 8})]
    item = 0

    def items(type_: str, name: str, failed: bool = False):
        nonlocal item
        recs.append(("item.started", {"index": item, "item": name, "type": type_, "title": name.title()}))
        if failed:
            recs.append(("item.failed", {"index": item, "item": name, "type": type_, "reason": "damaged file"}))
        else:
            recs.append(("item.ended", {"index": item, "item": name, "type": type_, "reason": "finished",
                                        "seconds": float(rnd.randint(60, 900))}))
        item += 1

    items("title", "welcome")
    recs.append(("item.started", {"index": item, "item": "attendance", "type": "attendance", "title": "Attendance"}))
    present = rnd.sample(range(CHILDREN + 5), CHILDREN)
    for child in present:
        recs.append(("attendance.scanned", {"learner_id": f"LX{child:03d}", "source": "camera", "index": item}))
    recs.append(("item.ended", {"index": item, "item": "attendance", "type": "attendance", "reason": "next",
                                "seconds": 240.0}))
    item += 1
    for pct in range(95, 80, -1):
        recs.append(("power.reading", {"percent": float(pct), "minutes_left": pct * 2, "charging": False}))
    items("video", "film", failed=(variant % 7 == 0))
    recs.append(("item.started", {"index": item, "item": "quiz", "type": "activity", "title": "Quiz"}))
    for q in range(QUESTIONS):
        correct = "ABCD"[q % 4]
        tally: dict[str, int] = {}
        for child in present:
            key = rnd.choice("ABCD" if rnd.random() < 0.4 else correct)
            rec = {"index": item, "item": "quiz", "activity": f"quiz-{variant}", "question": q, "key": key,
                   "correct": key == correct, "learner_id": f"LX{child:03d}", "clicker": f"C{child:03d}"}
            recs.append(("answer.recorded", rec))
            if rnd.random() < 0.05:
                new = rnd.choice("ABCD")
                recs.append(("answer.changed", dict(rec, key=new, correct=new == correct, replaces=key)))
                key = new
            tally[key] = tally.get(key, 0) + 1
        recs.append(("question.closed", {"index": item, "item": "quiz", "activity": f"quiz-{variant}", "question": q,
                                         "answered": len(present), "tally": tally, "correct": correct,
                                         "prompt": f"Question {q + 1}"}))
    recs.append(("item.ended", {"index": item, "item": "quiz", "type": "activity", "reason": "next", "seconds": 600.0}))
    item += 1
    recs.append(("item.started", {"index": item, "item": "feel", "type": "checkin", "title": ""}))
    for _ in present:
        recs.append(("checkin.recorded", {"index": item, "item": "feel", "face": rnd.randint(1, 5), "replaces": None}))
    recs.append(("checkin.closed", {"index": item, "item": "feel", "counts": [], "offer_calm": False}))
    recs.append(("item.ended", {"index": item, "item": "feel", "type": "checkin", "reason": "next", "seconds": 90.0}))
    item += 1
    if variant % 5 == 0:
        recs.append(("device.lost", {"device": "clickers /dev/ttyUSB0", "detail": "unplugged"}))
        recs.append(("device.connected", {"device": "clickers /dev/ttyUSB0", "detail": "lcp"}))
    for pct in range(80, 70, -1):
        recs.append(("power.reading", {"percent": float(pct), "minutes_left": pct * 2, "charging": False}))
    items("video", "lesson")
    items("closing", "goodbye")
    recs.append(("session.ended", {"reason": "completed", "attendance": CHILDREN, "answers": 0, "index": item - 1}))
    return recs


def make_kiosk(path: Path, kiosk: str, sessions: int, variants: int = 6) -> int:
    """One kiosk's journal: `sessions` lessons, one a day, in the real schema. Returns records written."""
    from cinema.journal.store import MIGRATIONS, SCHEMA_VERSION

    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
    for v in range(1, SCHEMA_VERSION + 1):
        db.executescript(MIGRATIONS[v])
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    db.execute("INSERT INTO meta VALUES ('kiosk_id', ?)", (kiosk,))
    db.execute("CREATE TEMP TABLE template (variant INT, pos INT, kind TEXT, payload TEXT)")
    sizes = []
    for v in range(variants):
        recs = lesson_template(v)
        sizes.append(len(recs))
        db.executemany("INSERT INTO template VALUES (?, ?, ?, ?)",
                       [(v, i, kind, json.dumps(p, sort_keys=True)) for i, (kind, p) in enumerate(recs)])
    db.execute("CREATE TEMP TABLE plan (n INT, variant INT, base INT)")
    base, rows = 0, []
    for n in range(sessions):
        v = n % variants
        rows.append((n, v, base))
        base += sizes[v]
    db.executemany("INSERT INTO plan VALUES (?, ?, ?)", rows)
    prefix = "".join(c for c in kiosk if c.isalnum())[-6:].upper()
    db.execute(
        "INSERT INTO records (seq, id, kiosk_id, session_id, wall, mono, kind, payload)"
        " SELECT p.base + t.pos + 1, lower(hex(randomblob(16))), ?, printf('%s-%05d', ?, p.n),"
        " 1767225600.0 + p.n * 86400.0 + t.pos, 1000.0 + t.pos, t.kind, replace(t.payload, 'LX', ?)"
        " FROM plan p JOIN template t ON t.variant = p.variant ORDER BY p.base + t.pos",
        (kiosk, kiosk, prefix))
    db.execute("INSERT INTO session_counts SELECT session_id, kind, COUNT(*), MIN(seq), MAX(seq) FROM records"
               " GROUP BY session_id, kind")  # as the kiosk keeps them while writing
    db.commit()
    count = db.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    db.close()
    return count


def make_year(folder: Path, kiosks: int, sessions: int) -> list[Path]:
    """The journals, made once and kept in `folder` (rebuilt when the shape asked for changes)."""
    from cinema.journal.store import SCHEMA_VERSION

    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "shape.json"
    shape = {"kiosks": kiosks, "sessions": sessions, "schema": SCHEMA_VERSION, "template": 3}
    paths = [folder / f"kiosk-{k:02d}.sqlite" for k in range(kiosks)]
    if stamp.exists() and json.loads(stamp.read_text()) == shape and all(p.exists() for p in paths):
        return paths
    stamp.unlink(missing_ok=True)
    for k, path in enumerate(paths):
        make_kiosk(path, f"kiosk-{k:02d}", sessions)
    stamp.write_text(json.dumps(shape))
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--kiosks", type=int, default=50)
    ap.add_argument("--sessions", type=int, default=250)
    args = ap.parse_args(argv)
    t = time.perf_counter()
    paths = make_year(args.folder, args.kiosks, args.sessions)
    total = sum(sqlite3.connect(p).execute("SELECT MAX(seq) FROM records").fetchone()[0] for p in paths)
    print(f"{len(paths)} journals, {total:,} records, in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
