"""Reports built by hand for the HTML tests: a small class, hostile text, and a very big programme."""

from __future__ import annotations

import random

from cinema.reports.model import (
    CheckinRow,
    TakeHomeRow,
    EventRow,
    ItemRow,
    KioskRow,
    LearnerRow,
    QuestionRow,
    Report,
    SessionRow,
    SourceInfo,
)

DAY = 86400.0
START = 1_760_000_000.0  # a Wednesday in October 2025
LESSONS = (("Water and rain", "Science"), ("Counting to 100", "Maths"), ("Letters A–F", "Reading"),
           ("Our bodies", "Health"))


def build(kiosks: int = 2, sessions: int = 6, learners: int = 8, *, lessons=LESSONS, seed: int = 1,
          hostile: str | None = None, events_cap: int | None = None) -> Report:
    """A consistent report: totals, learners and kiosks all agree with the sessions.

    Kiosk 2's clock jumps back to 2008 in its second session (sessions stay in sequence order).
    `hostile` replaces every name that comes from a file or a journal.
    """
    rnd = random.Random(seed)
    report = Report(generated=START + 30 * DAY)
    passports: dict[str, LearnerRow] = {}
    seq = 1
    face_totals = 0
    for k in range(kiosks):
        kid = (hostile or "kiosk-1") if k == 0 else f"kiosk-{k + 1}"
        row = KioskRow(kid, sessions=sessions, first_seq=seq, first_wall=START)
        pool = [(hostile + str(i)) if hostile else f"L{k + 1}{i:03d}" for i in range(learners)]
        for s in range(sessions):
            title, subject = lessons[s % len(lessons)]
            if hostile:
                title, subject = hostile, hostile
            present = [lid for lid in pool if rnd.random() < 0.7] or pool[:1]
            first = seq
            seq += 30
            suspect = k == 1 and s == 1
            wall = 1_200_000_000.0 if suspect else START + k * 3600 + s * DAY
            failed = s % 3 == 2
            items = [ItemRow(0, "intro", "Intro", "video", "played", 60.0),
                     ItemRow(1, "clip", hostile or "Rain clip", "video", "failed" if failed else "played",
                             reason=(hostile or "file missing") if failed else "")]
            answers = 2 * len(present)
            correct = rnd.randint(0, answers)
            session = SessionRow(
                key=f"{kid}/s{s}", kiosk_id=kid, session_id=f"s{s}", first_seq=first, last_seq=seq - 1,
                playlist=f"pl{s}", title=title, subject=subject, language="en", started_wall=wall,
                ended_wall=wall + 2400, clock_suspect=suspect, minutes=40.0 + s, outcome="completed",
                attendance=len(present), learners=present, items_played=2 - failed, items_failed=int(failed),
                answers=answers, correct=correct, checkins=1,
                min_battery=None if s == 0 else 90.0 - 10 * s, items=items)
            report.sessions.append(session)
            for lid in present:
                p = passports.setdefault(lid, LearnerRow(lid))
                if kid not in p.kiosks:
                    p.kiosks.append(kid)
                p.sessions.append(session.key)
                if title not in p.lessons:
                    p.lessons.append(title)
                p.subjects[subject] = p.subjects.get(subject, 0) + 1
            share = correct  # spread the right answers over the class, two questions each
            for lid in present:
                p = passports[lid]
                right = min(2, share)
                share -= right
                p.answered += 2
                p.correct += right
                q = p.quizzes.setdefault(hostile or "water-quiz", [0, 0])
                q[0] += 2
                q[1] += right
            counts = [rnd.randint(0, 3) for _ in range(5)]
            face_totals += sum(counts)
            report.checkins.append(CheckinRow(session.key, kid, first + 10, wall + 600, suspect, counts,
                                              offer_calm=s == 3, calm_accepted=s == 3 and k == 0))
            report.events.append(EventRow(kid, session.key, first + 5, wall + 300, "power.reading",
                                          hostile or "battery 80%"))
            if s % 2:
                report.events.append(EventRow(kid, session.key, first + 6, wall + 400, "device.lost",
                                              hostile or "clicker receiver"))
        row.last_seq = seq - 1
        row.records = row.last_seq - row.first_seq + 1
        row.last_wall = START + sessions * DAY
        row.clock_suspect = 1 if k == 1 and sessions > 1 else 0
        report.kiosks.append(row)
    report.learners = [passports[lid] for lid in sorted(passports)]
    prompt = hostile or "Where does rain come from?"
    report.questions = [
        QuestionRow(hostile or "water-quiz", 0, prompt, "B", sessions, 40, 25, {"A": 10, "B": 25, "C": 5}),
        QuestionRow(hostile or "water-quiz", 1, "Which ocean is biggest?", "C", sessions, 30, 12,
                    {"A": 8, "B": 10, "C": 12}),
        QuestionRow("animals-poll", 0, "Which animal do you like?", None, 2, 14, 0, {"A": 6, "B": 8}),
    ]
    kinds: dict[str, int] = {}
    for ev in report.events:
        kinds[ev.kind] = kinds.get(ev.kind, 0) + 1
    report.events_total = kinds
    if events_cap is not None:
        report.events = report.events[:events_cap]
    report.sources = [
        SourceInfo(hostile or "kiosk-1-week12.lcb", "bundle", "ok", report.kiosks[0].kiosk_id if kiosks else None,
                   100, 1, 100),
        SourceInfo("old.lcb", "bundle", "refused", None, 0, None, None, hostile or "the file is damaged"),
    ]
    report.problems = [hostile or "kiosk-2: the laptop clock looks wrong in 1 session"]
    # Phones took the first lesson's video and worksheet home (counted per lesson and file, never per child).
    if report.sessions:
        first = report.sessions[0]
        report.take_home = [TakeHomeRow(first.playlist or "", first.title or "", "lesson.mp4", 3),
                            TakeHomeRow(first.playlist or "", first.title or "", hostile or "worksheet.pdf", 1)]
    report.totals = {
        "sessions": len(report.sessions), "attendance": sum(s.attendance for s in report.sessions),
        "answers": sum(s.answers for s in report.sessions), "checkins": len(report.checkins),
        "items_played": sum(s.items_played for s in report.sessions),
        "items_failed": sum(s.items_failed for s in report.sessions), "records": seq - 1,
        "take_home": sum(t.downloads for t in report.take_home),
    }
    return report


def big(kiosks: int = 50, sessions: int = 250, learners_per_kiosk: int = 60) -> Report:
    """A whole programme's history: by default 12,500 sessions and 3,000 learners."""
    lessons = tuple((f"Lesson {n}: {LESSONS[n % 4][0]}", LESSONS[n % 4][1]) for n in range(40))
    return build(kiosks, sessions, learners_per_kiosk, lessons=lessons, seed=7, events_cap=5000)  # as build.MAX_EVENTS
