"""Read records from journals, merge without duplicates, and count what happened."""

from __future__ import annotations

import sqlite3
import json
from pathlib import Path
from typing import Any, Iterable, Iterator


class ReportError(Exception):
    """An input could not be read; the message names the file and why."""


def read_journal(path: Path) -> Iterator[dict[str, Any]]:
    """Every record of one journal file, oldest first, opened read-only (a kiosk may be using it)."""
    if not path.exists():
        raise ReportError(f"{path}: no such file")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT seq, id, kiosk_id, session_id, wall, mono, kind, payload FROM records ORDER BY seq")
            for seq, rid, kiosk, session, wall, mono, kind, payload in rows:
                yield {"id": rid, "seq": seq, "kiosk_id": kiosk, "session_id": session, "wall": wall,
                       "mono": mono, "kind": kind, "payload": json.loads(payload)}
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise ReportError(f"{path}: not a readable journal ({exc})") from exc


def merge(sources: Iterable[Iterable[dict[str, Any]]]) -> list[dict[str, Any]]:
    """All records once each (by id), ordered per kiosk by sequence number, not by wall clock."""
    seen: dict[str, dict[str, Any]] = {}
    for source in sources:
        for rec in source:
            seen.setdefault(rec["id"], rec)
    return sorted(seen.values(), key=lambda r: (r["kiosk_id"], r["seq"]))


def summarise(records: list[dict[str, Any]]) -> dict[str, Any]:
    sessions: set[tuple[str, str]] = set()
    attendance: set[tuple] = set()
    answers: set[tuple] = set()
    checkins = 0
    played = failed = 0
    per_session: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in records:
        kind, p = rec["kind"], rec["payload"]
        sid = (rec["kiosk_id"], rec["session_id"])  # session ids are random, but kiosks are what we trust
        info = per_session.setdefault(sid, {"session_id": rec["session_id"], "kiosk_id": rec["kiosk_id"], "playlist": None,
                                            "title": None, "started_wall": rec["wall"], "ended": None,
                                            "attendance": 0, "items_played": 0, "items_failed": 0})
        if kind == "session.started":
            sessions.add(sid)
            info.update(playlist=p.get("playlist"), title=p.get("title"), started_wall=rec["wall"])
        elif kind == "session.ended":
            info["ended"] = p.get("reason")
        elif kind == "attendance.scanned":
            if (sid, p["learner_id"]) not in attendance:
                attendance.add((sid, p["learner_id"]))
                info["attendance"] += 1
        elif kind == "answer.recorded":
            answers.add((sid, p.get("index"), p.get("question"), p.get("clicker")))
        elif kind == "checkin.recorded":
            if p.get("replaces") is None:
                checkins += 1
        elif kind == "item.ended":
            played += 1
            info["items_played"] += 1
        elif kind == "item.failed":
            failed += 1
            info["items_failed"] += 1
    return {
        "totals": {
            "sessions": len(sessions), "attendance": len(attendance), "answers": len(answers),
            "checkins": checkins, "items_played": played, "items_failed": failed, "records": len(records),
        },
        "sessions": [info for sid, info in per_session.items() if sid in sessions],
    }
