"""The supervisor's report as one self-contained HTML file: tables and inline SVG charts, no JavaScript.

The page comes from Jinja2 templates (`templates/`) with autoescaping on: this module works out
the numbers and the translated sentences, the templates lay them out, and every text from a
journal, a bundle, a playlist or a roster is escaped by the engine. Only the SVG charts that
`svg.py` draws (escaping their own texts) go in as markup.
"""

from __future__ import annotations

import functools
import math
from datetime import datetime
from datetime import tzinfo as TzInfo
from pathlib import Path
from types import SimpleNamespace as Row
from typing import Any

import jinja2
from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup, escape

from cinema import __version__
from cinema.atomic import write_bytes
from cinema.locale.catalog import translator
from cinema.locale.languages import base_language, is_rtl
from cinema.reports import svg
from cinema.reports.model import TOTAL_FIELDS, Report, SessionRow

STRIP_SESSIONS = 40  # the attendance grid and the check-in table show this many recent sessions per kiosk
BIG_ROWS = 3000  # above this many table rows the browser draws sections only as they come on screen
SECTIONS = ("summary", "sessions", "attendance", "passports", "quizzes", "wellbeing", "power")
TEMPLATE = "report.html.j2"


class _TemplateLoader(jinja2.PackageLoader):
    """The package's templates; in `.j2` files a line break and the indent after it are dropped.

    The templates are written one tag a line to be readable, but the page is written as before,
    with no white space between its tags; the data put into the page is never touched.
    """

    def get_source(self, environment: jinja2.Environment, template: str):
        source, filename, uptodate = super().get_source(environment, template)
        if template.endswith(".j2"):
            source = "".join(line.lstrip() for line in source.splitlines())
        return source, filename, uptodate


def make_environment() -> jinja2.Environment:
    """The report's template engine: escapes every value unless it is marked as markup, and a
    name the template uses but the page does not give is an error, not an empty string."""
    return jinja2.Environment(loader=_TemplateLoader("cinema.reports", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, auto_reload=False,
                              keep_trailing_newline=True)  # report.css ends with one


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    # Made on the first report, not at import; compiling the templates costs about 40 ms.
    return make_environment()


def render_html(report: Report, language: str = "en", *, tzinfo: TzInfo | None = None,
                environment: jinja2.Environment | None = None) -> str:
    """The whole report as one HTML document in `language` (the report's, not the process's).

    Dates are the laptops' clocks shown in `tzinfo` (this computer's zone when None); sessions
    stay in each kiosk's sequence order whatever the clocks say.
    """
    env = environment or _environment()
    return _Page(report, language, tzinfo).render(env.get_template(TEMPLATE))


def write_html(report: Report, path: Path | str, language: str = "en", *, tzinfo: TzInfo | None = None) -> None:
    """Write the report whole or not at all (temporary file, then rename)."""
    write_bytes(Path(path), render_html(report, language, tzinfo=tzinfo).encode("utf-8"))


def _anchor(learner_id: str) -> str:
    # Any text may be an id; only whitespace would break the attribute's meaning (the template escapes it).
    return "p-" + "_".join(learner_id.split())


class _Page:
    """Builds one report: holds the language, the number and date formats, and the session order."""

    def __init__(self, report: Report, language: str, tz: TzInfo | None) -> None:
        code = base_language(language or "en") or "en"
        try:
            self.locale = Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            code, self.locale = "en", Locale.parse("en")
        t = translator(code)
        self._ = t.gettext
        self.ngettext = t.ngettext
        self.code = code
        self.rtl = is_rtl(code)
        self.tz = tz  # None: this computer's zone, with its summer time rules at each date
        self.report = report
        self._ints: dict[int, str] = {}
        self._percents: dict[int, str] = {}
        self._dates: dict[int, str] = {}
        self.kiosk_ids = self._kiosk_order()
        self.by_kiosk: dict[str, list[SessionRow]] = {k: [] for k in self.kiosk_ids}
        for s in report.sessions:
            self.by_kiosk[s.kiosk_id].append(s)
        # "Session 12" means the 12th this kiosk recorded: the only order we can trust.
        self.number: dict[str, int] = {}
        self.session: dict[str, SessionRow] = {}
        for sessions in self.by_kiosk.values():
            for i, s in enumerate(sessions, 1):
                self.number[s.key] = i
                self.session[s.key] = s

    def _kiosk_order(self) -> list[str]:
        ids = [k.kiosk_id for k in self.report.kiosks]
        seen = set(ids)
        for s in self.report.sessions:
            if s.kiosk_id not in seen:
                seen.add(s.kiosk_id)
                ids.append(s.kiosk_id)
        return ids

    # -- formats -------------------------------------------------------------------------------

    def num(self, value: float | None) -> str:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return "—"
        if isinstance(value, float) and not value.is_integer():
            return format_decimal(round(value, 1), locale=self.locale)
        n = int(value)
        text = self._ints.get(n)
        if text is None:
            text = self._ints[n] = format_decimal(n, locale=self.locale)
        return text

    def pct(self, part: int, whole: int) -> str:
        if not whole:
            return "—"
        return self._percent(round(100 * part / whole))

    def battery(self, value: float | None) -> str:
        if value is None or not math.isfinite(value):
            return "—"
        return self._percent(round(value))

    def _percent(self, whole_percent: int) -> str:
        text = self._percents.get(whole_percent)
        if text is None:
            text = self._percents[whole_percent] = format_percent(whole_percent / 100, locale=self.locale)
        return text

    def when(self, wall: float | None) -> str:
        """The laptop's date and time, to the minute; "—" when it did not say or cannot be a date."""
        if wall is None or not isinstance(wall, (int, float)) or not math.isfinite(wall):
            return "—"
        minute = int(wall // 60)
        text = self._dates.get(minute)
        if text is None:
            try:
                moment = (datetime.fromtimestamp(minute * 60, self.tz) if self.tz is not None
                          else datetime.fromtimestamp(minute * 60).astimezone())
            except (OverflowError, OSError, ValueError):
                return "?"
            text = (format_skeleton("yMMMd", moment, locale=self.locale) + " "
                    + format_skeleton("Hm", moment, locale=self.locale))
            self._dates[minute] = text
        return text

    def minutes(self, value: float) -> str:
        if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            return "—"
        m = round(value)
        if m < 60:
            return self._("%(m)d min") % {"m": m}
        return self._("%(h)d h %(m)02d min") % {"h": m // 60, "m": m % 60}

    def clock_badge(self) -> Markup:
        return Markup(' <span class="badge">⚠ {}</span>').format(self._("clock wrong?"))

    def session_ref(self, key: str | None) -> str:
        if key is None or key not in self.number:
            return "—"
        return f"#{self.number[key]}"

    # -- page ----------------------------------------------------------------------------------

    def render(self, template: jinja2.Template) -> str:
        r = self.report
        return template.render(
            page=self, lang=self.code, direction="rtl" if self.rtl else "ltr",
            title=self._("Learning Cinema report"), generated=self.when(r.generated), big=self._big(),
            badge=self.clock_badge(),
            header=self.header(), summary=self.summary(), sessions=self.sessions(),
            attendance=self.attendance(), passports=self.passports(), quizzes=self.quizzes(),
            wellbeing=self.wellbeing(), power=self.power(), footer=self.footer()) + "\n"

    def _big(self) -> bool:
        r = self.report
        return len(r.sessions) + len(r.learners) + len(r.events) > BIG_ROWS

    def header(self) -> dict[str, Any]:
        _ = self._
        r = self.report
        names = {
            "summary": _("Summary"), "sessions": _("Sessions"), "attendance": _("Attendance"),
            "passports": _("Learners’ passports"), "quizzes": _("Quizzes"), "wellbeing": _("Wellbeing"),
            "power": _("Power and devices"),
        }
        labels = {
            "sessions": _("Sessions"), "attendance": _("Times present"), "answers": _("Quiz answers"),
            "checkins": _("Check-in answers"), "items_played": _("Items played"), "items_failed": _("Items failed"),
            "records": _("Records"), "take_home": _("Files taken home"),
        }
        totals = [(key, labels[key], r.totals.get(key, 0), "data-total") for key in TOTAL_FIELDS]
        totals += [(key, key.replace("_", " "), r.totals[key], "data-total")
                   for key in r.totals if key not in labels]  # a total added later still shows, under its own name
        totals.append(("learners", _("Learners"), len(r.learners), "data-count"))
        totals.append(("kiosks", _("Kiosks"), len(self.kiosk_ids), "data-count"))
        return {
            "title": _("Learning Cinema report"),
            "made": _("Made on %(date)s (this computer’s clock).") % {"date": self.when(r.generated)},
            "order": _("Laptop clocks are often wrong, so sessions are listed in the order each kiosk recorded them."),
            "contents": _("Contents"), "nav": [(sid, names[sid]) for sid in SECTIONS],
            "totals": [(key, label, int(value), attr) for key, label, value, attr in totals],
        }

    # -- summary -------------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        _ = self._
        r = self.report
        kinds = {"journal": _("Journal"), "bundle": _("Export from a kiosk")}
        statuses = {"ok": _("Used"), "unsigned": _("Used, signature not checked"),
                    "refused": _("Not used"), "repeated": _("Already counted")}
        files = []
        for src in r.sources:
            status = statuses.get(src.status, src.status)
            if src.status == "ok":
                status = _("Used, signed") if src.signed else _("Used, not signed")
            if src.status == "refused":
                status = f"✗ {status}"
            elif src.status in ("ok", "unsigned"):
                status = f"✓ {status}"
            files.append({"name": src.name, "kind": kinds.get(src.kind, src.kind), "status": status,
                          "kiosk": src.kiosk_id or "—", "records": src.records, "first": src.first_seq,
                          "last": src.last_seq, "reason": src.reason})
        return {
            "title": _("Summary"), "signed": self.signed_line(),
            "problems_title": _("Problems"), "problems": r.problems, "no_problems": _("No problems found."),
            "kiosks_title": _("Kiosks"), "kiosks": r.kiosks,
            "kiosk_heads": (_("Kiosk"), _("Sessions"), _("Records"), _("Record numbers"), _("Missing records"),
                            _("Laptop clock: first"), _("Laptop clock: last"), _("Sessions with a wrong clock")),
            "export_missing": _("an export is missing"), "no_kiosks": _("No kiosk records in these files."),
            "files_title": _("Files"), "files": files, "no_files": _("No files were given."),
            "file_heads": (_("File"), _("Type"), _("Status"), _("Kiosk"), _("Records"), _("Record numbers"), _("Why")),
        }

    def signed_line(self) -> dict[str, Any]:
        """How much of the report comes from bundles whose signature was checked: the first thing said."""
        _ = self._
        r = self.report
        total, signed = r.totals.get("records", 0), r.signed_records
        if total and signed == total:
            text, mark = _("All {total} records in this report are signed: checked with the programme’s key."), "ok"
        elif signed:
            text, mark = _("{signed} of {total} records in this report are signed (checked with the programme’s "
                           "key); the others come from files whose signature was not checked."), "part"
        else:
            text, mark = _("None of the records in this report is signed: no file’s signature was checked with "
                           "the programme’s key (give the card key file with --keys)."), "none"
        text = text.format(signed=self.num(signed), total=self.num(total))
        return {"signed": int(signed), "of": int(total), "mark": mark, "text": text}

    # -- sessions ------------------------------------------------------------------------------

    def sessions(self) -> dict[str, Any]:
        _ = self._
        outcomes = {"completed": "✓ " + _("Completed"), "ended": "■ " + _("Ended by the teacher"),
                    "unfinished": "… " + _("Unfinished"), "abandoned": "✗ " + _("Abandoned")}
        kiosks = []
        for kiosk in self.kiosk_ids if self.report.sessions else ():
            rows = self.by_kiosk[kiosk]
            if not rows:
                continue
            chart = svg.column_chart(
                [s.attendance for s in rows], [str(i) for i in range(1, len(rows) + 1)],
                title=_("Children present in each session, kiosk %(kiosk)s") % {"kiosk": kiosk},
                rtl=self.rtl, fmt=self.num)
            kiosks.append({"title": _("Kiosk %(kiosk)s") % {"kiosk": kiosk}, "chart": Markup(chart),
                           "rows": [self._session_row(i, s, outcomes) for i, s in enumerate(rows, 1)]})
        take_home = [(t.title or t.playlist, t.file, self.num(t.downloads)) for t in self.report.take_home]
        return {
            "title": _("Sessions"), "none": _("No sessions in these files."), "kiosks": kiosks,
            "take_home": take_home, "take_home_title": _("Lesson files taken home on phones"),
            "take_home_note": _("Finished downloads from the kiosk's hub, per lesson and file (not per child)."),
            "take_home_heads": (_("Lesson"), _("File"), _("Downloads")),
            "heads": (_("No."), _("When (laptop clock)"), _("How long"), _("Lesson"), _("Subject"), _("Outcome"),
                      _("Present"), _("Played"), _("Failed"), _("Skipped"), _("Right answers"),
                      _("Check-in answers"), _("Lowest battery")),
        }

    def _session_row(self, i: int, s: SessionRow, outcomes: dict[str, str]) -> Row:
        return Row(**{
            "i": i, "when": self.when(s.started_wall), "suspect": s.clock_suspect, "minutes": self.minutes(s.minutes),
            "lesson": s.title or s.playlist or "—",
            "failed": [(item.title or item.item, item.reason) for item in s.items if item.status == "failed"],
            "subject": s.subject or "—", "outcome": outcomes.get(s.outcome, s.outcome),
            "resumed": (self.ngettext("resumed %(n)s time", "resumed %(n)s times", s.resumed)
                        % {"n": self.num(s.resumed)}) if s.resumed else "",
            "present": self.num(s.attendance),
            # a teacher could mark absent children present: the supervisor sees how many
            "by_hand": (self.ngettext("%(n)s marked by hand", "%(n)s marked by hand", s.by_hand)
                        % {"n": self.num(s.by_hand)}) if s.by_hand else "",
            "cells": (self.num(s.items_played), self.num(s.items_failed), self.num(s.items_skipped),
                      f"{self.num(s.correct)}/{self.num(s.answers)}" if s.answers else "—",
                      self.num(s.checkins), self.battery(s.min_battery)),
        })

    # -- attendance ----------------------------------------------------------------------------

    def attendance(self) -> dict[str, Any]:
        _ = self._
        learners_at: dict[str, list[str]] = {k: [] for k in self.kiosk_ids}
        for learner in self.report.learners:
            for k in dict.fromkeys(learner.kiosks):
                learners_at.setdefault(k, []).append(learner.learner_id)
        kiosks = []
        for kiosk in self.kiosk_ids:
            sessions = self.by_kiosk.get(kiosk, [])
            ids = learners_at.get(kiosk, [])
            if not sessions or not ids:
                continue
            recent = sessions[-STRIP_SESSIONS:]
            first = len(sessions) - len(recent) + 1
            note = (_("Showing the most recent %(shown)s of %(total)s sessions.")
                    % {"shown": self.num(len(recent)), "total": self.num(len(sessions))}
                    if len(recent) < len(sessions) else "")
            attended: dict[str, int] = {}
            for s in sessions:
                for lid in set(s.learners):
                    attended[lid] = attended.get(lid, 0) + 1
            present_sets = [set(s.learners) for s in recent]
            rows = []
            for lid in ids:
                flags = [lid in p for p in present_sets]
                label = _("%(id)s: present in %(n)s of the last %(m)s sessions") % {
                    "id": lid, "n": self.num(sum(flags)), "m": self.num(len(recent))}
                rows.append(Row(id=lid, anchor=_anchor(lid), strip=Markup(svg.strip(flags, title=label, rtl=self.rtl)),
                                present=f"{self.num(attended.get(lid, 0))}/{self.num(len(sessions))}"))
            ruler = svg.strip_ruler(first, len(recent), title=_("Session numbers"), rtl=self.rtl, fmt=self.num)
            kiosks.append({"title": _("Kiosk %(kiosk)s") % {"kiosk": kiosk}, "note": note, "ruler": Markup(ruler),
                           "rows": rows})
        return {
            "title": _("Attendance"),
            "intro": _("One row per child, one mark per session, oldest first: a block means present, a bare line absent."),
            "learner": _("Learner"), "present": _("Present"), "kiosks": kiosks,
            "none": _("No cards were scanned in these sessions."),
        }

    # -- passports -----------------------------------------------------------------------------

    def passports(self) -> dict[str, Any]:
        _ = self._
        rows = []
        for learner in self.report.learners:
            rows.append(Row(**{
                "id": learner.learner_id, "anchor": _anchor(learner.learner_id), "kiosks": learner.kiosks,
                "sessions": self.num(len(learner.sessions)),
                "subjects": [f"{name} ({self.num(n)})" for name, n in learner.subjects.items()],
                "lessons": learner.lessons,
                "answers": (f"{self.num(learner.correct)}/{self.num(learner.answered)} "
                            f"({self.pct(learner.correct, learner.answered)})") if learner.answered else "—",
            }))
        return {
            "title": _("Learners’ passports"), "none": _("No cards were scanned in these sessions."),
            "intro": _("What each child has covered: sessions attended, subjects (with the number of sessions) and lessons, in the order first seen."),
            "heads": (_("Learner"), _("Kiosks"), _("Sessions"), _("Subjects"), _("Lessons"), _("Right answers")),
            "rows": rows,
        }

    # -- quizzes -------------------------------------------------------------------------------

    def quizzes(self) -> dict[str, Any]:
        _ = self._
        r = self.report
        blocks = []  # activity headings and questions, in order
        activity = None
        for q in r.questions:
            if q.activity != activity:
                activity = q.activity
                blocks.append({"activity": _("Activity %(activity)s") % {"activity": activity}})
            blocks.append(self._question(q))
        rows = [{"id": lr.learner_id, "anchor": _anchor(lr.learner_id), "answered": self.num(lr.answered),
                 "right": self.num(lr.correct), "share": self.pct(lr.correct, lr.answered),
                 "per": [(a, self.num(c[1] if len(c) > 1 else 0), self.num(c[0] if c else 0))
                         for a, c in lr.quizzes.items()]}
                for lr in r.learners if lr.answered]
        return {
            "title": _("Quizzes"), "none": _("No quiz questions in these sessions."), "blocks": blocks,
            "by_learner": _("Answers by learner"), "no_answers": _("No answers came from a child with a card."),
            "heads": (_("Learner"), _("Answered"), _("Right"), _("Share right"), _("By activity (right/answered)")),
            "rows": rows,
        }

    def _question(self, q) -> dict[str, Any]:
        _ = self._
        heading = _("Question %(n)s") % {"n": self.num(q.question + 1)}
        facts = [self.ngettext("asked in %(n)s session", "asked in %(n)s sessions", q.asked) % {"n": self.num(q.asked)},
                 self.ngettext("%(n)s answer", "%(n)s answers", q.answered) % {"n": self.num(q.answered)}]
        if q.correct_key is not None:
            right = _("Right answer: %(key)s") % {"key": q.correct_key}
            facts.insert(0, right)
            facts.append(_("%(n)s right (%(share)s)") % {"n": self.num(q.right), "share": self.pct(q.right, q.answered)})
        else:
            facts.insert(0, _("Poll: no right answer"))
        keys = sorted(set(q.tally) | ({q.correct_key} if q.correct_key is not None else set()), key=str)
        bars = [svg.Bar(str(k), q.tally.get(k, 0), marked=(k == q.correct_key)) for k in keys]
        chart = (svg.bar_chart(bars, title=_("Answers to %(question)s") % {"question": heading}, rtl=self.rtl,
                               fmt=self.num, label_width=60) if bars else "")
        return {"heading": heading, "prompt": q.prompt or "", "facts": " · ".join(facts), "chart": Markup(chart)}

    # -- wellbeing -----------------------------------------------------------------------------

    def wellbeing(self) -> dict[str, Any]:
        _ = self._
        r = self.report
        faces = [_("Very sad"), _("Sad"), _("So-so"), _("Happy"), _("Very happy")]
        calm = [_("calm moment offered"), _("calm moment accepted")]
        by_kiosk: dict[str, list] = {}
        for c in r.checkins:
            by_kiosk.setdefault(c.kiosk_id, []).append(c)
        kiosks = []
        for kiosk, rows in by_kiosk.items():
            # Only check-ins with enough answers are drawn or added up: a kiosk's sums less the rows shown
            # must not give away a small check-in's faces.
            shown = [(c, c.shown()) for c in rows]
            drawn = [(c, counts) for c, counts in shown if counts is not None]
            chart = ""
            if drawn:
                stacks = [svg.Stack(self.session_ref(c.session_key), counts,
                                    "accepted" if c.calm_accepted else "offered" if c.offer_calm else "")
                          for c, counts in drawn]
                chart = svg.stacked_columns(stacks, title=_("Faces chosen at each check-in, kiosk %(kiosk)s") % {"kiosk": kiosk},
                                            legend=faces, calm_legend=calm, rtl=self.rtl, fmt=self.num)
            recent = shown[-STRIP_SESSIONS:]
            note = (_("The table shows the most recent %(shown)s of %(total)s check-ins; the totals count them all.")
                    % {"shown": self.num(len(recent)), "total": self.num(len(rows))} if len(recent) < len(rows) else "")
            sums = [0, 0, 0, 0, 0]
            for _c, counts in drawn:
                for i, n in enumerate(counts):
                    sums[i] += n
            table = [Row(ref=self.session_ref(c.session_key), when=self.when(c.wall), suspect=c.clock_suspect,
                         counts=None if counts is None else [self.num(n) for n in counts],
                         total=None if counts is None else self.num(sum(counts)),
                         mark=("● " + calm[1]) if c.calm_accepted else ("○ " + calm[0]) if c.offer_calm else "—")
                     for c, counts in recent]
            kiosks.append({"title": _("Kiosk %(kiosk)s") % {"kiosk": kiosk}, "chart": Markup(chart), "note": note,
                           "rows": table, "sums": [self.num(n) for n in sums], "sum": self.num(sum(sums))})
        return {
            "title": _("Wellbeing"),
            "intro": _("How the room felt at each check-in. Answers are anonymous: only the number of children on each face is kept."),
            "none": _("No check-ins in these sessions."), "any": bool(r.checkins),
            "faces": [(Markup(svg.face_icon(i + 1, title=name)), name) for i, name in enumerate(faces)],
            "session": _("Session"), "when": _("When (laptop clock)"), "total": _("Total"), "calm": _("Calm moment"),
            "few_note": (_("A check-in with fewer than 5 answers shows no counts, so no child can be singled out.")
                         if any(c.shown() is None for c in r.checkins) else ""),
            "few": _("fewer than 5 answers"), "all": _("All check-ins"), "kiosks": kiosks,
        }

    # -- power and devices ---------------------------------------------------------------------

    def event_names(self) -> dict[str, str]:
        _ = self._
        return {
            "power.reading": _("Battery reading"), "power.action": _("Power action"),
            "power.saving": _("Battery saving"),
            "device.connected": _("Device connected"), "device.lost": _("Device lost"),
            "item.failed": _("Media could not play"), "attendance.refused": _("Card refused"),
            "pin.refused": _("Wrong PIN"), "error": _("Error"), "session.abandoned": _("Session abandoned"),
            "session.resumed": _("Session resumed"), "export.made": _("Export made"),
            "journal.trouble": _("Disk or journal trouble"), "device.noise": _("Device sent junk"),
            "media.decoding": _("Video decoding switched to software"),
        }

    def noise_text(self, device: str, junk: int, minutes: float, refused: int = 0, changes: int = 0) -> Markup:
        """"Scanner sent junk: 340 lines in 12 min", and what else it did (markup, the device's name escaped)."""
        parts = [self.ngettext("%(device)s sent junk: %(n)s line in %(time)s",
                               "%(device)s sent junk: %(n)s lines in %(time)s", junk)
                 % {"device": "\x00", "n": self.num(junk), "time": self.minutes(max(minutes, 1.0))}]
        if refused:
            parts.append(self.ngettext("%(n)s card scan refused", "%(n)s card scans refused", refused)
                         % {"n": self.num(refused)})
        if changes:
            parts.append(self.ngettext("connected and lost %(n)s time (a loose cable?)",
                                       "connected and lost %(n)s times (a loose cable?)", changes)
                         % {"n": self.num(changes)})
        return escape("; ".join(parts)).replace("\x00", Markup("<bdi>{}</bdi>").format(device))

    def trouble_lines(self, s) -> list[Markup]:
        """What went wrong with the kiosk's disk and devices in one session, in sentences (markup)."""
        _ = self._
        lines = []
        if s.disk_full_minutes > 0 or s.records_held:
            time = self.minutes(max(s.disk_full_minutes, 1.0))
            if s.records_held:
                lines.append(escape(self.ngettext(
                    "Disk full for %(time)s: %(n)s record was held (in memory or a spill file) and added to the journal later",
                    "Disk full for %(time)s: %(n)s records were held (in memory or a spill file) and added to the journal later",
                    s.records_held) % {"time": time, "n": self.num(s.records_held)}))
            else:
                lines.append(escape(_("Disk full for %(time)s") % {"time": time}))
        elif s.disk_low:
            lines.append(escape(_("The disk was nearly full")))
        if s.journals_set_aside:
            lines.append(escape(self.ngettext("A damaged journal was set aside and a new one started",
                                              "%(n)s damaged journals were set aside and new ones started",
                                              s.journals_set_aside) % {"n": self.num(s.journals_set_aside)}))
        for n in s.noise:
            if n.junk or n.refused or n.changes:
                lines.append(self.noise_text(n.device, n.junk, n.minutes, n.refused, n.changes))
        return lines

    def event_detail(self, ev) -> Markup:
        """An event's details (markup): a translated sentence for the kiosk's own troubles."""
        _ = self._
        f = ev.facts or {}
        if ev.kind == "device.noise" and f:
            return self.noise_text(str(f.get("device", "")), int(f.get("junk", 0)), float(f.get("seconds", 0)) / 60,
                                   int(f.get("refused", 0)), int(f.get("changes", 0)))
        if ev.kind == "journal.trouble" and f:
            states = {"full": _("The disk is full: records are held until there is room"),
                      "ok": _("Writing to the disk again"), "low": _("The disk is nearly full"),
                      "reserve": _("The disk filled up: the reserve space is in use"),
                      "set_aside": _("The journal was damaged: it was set aside and a new one begun")}
            text = states.get(str(f.get("state")), "")
            if text:
                return escape(text)
        return escape(ev.detail)

    def power(self) -> dict[str, Any]:
        _ = self._
        r = self.report
        names = self.event_names()
        chart = ""
        if r.events_total:
            counts = sorted(r.events_total.items(), key=lambda kv: (-kv[1], kv[0]))
            chart = svg.bar_chart([svg.Bar(names.get(k, k), n) for k, n in counts],
                                  title=_("Events by kind"), rtl=self.rtl, fmt=self.num, width=620, label_width=200)
        batteries = []
        for kiosk in self.kiosk_ids:
            rows = self.by_kiosk.get(kiosk, [])
            if not any(s.min_battery is not None for s in rows):
                continue
            title = _("Lowest battery in each session, kiosk %(kiosk)s") % {"kiosk": kiosk}
            batteries.append((title, Markup(svg.column_chart(
                [s.min_battery for s in rows], [str(i) for i in range(1, len(rows) + 1)],
                title=title, ymax=100, height=120, rtl=self.rtl, fmt=self.battery))))
        troubled = [(s.kiosk_id, self.session_ref(s.key), lines)
                    for s in r.sessions if (lines := self.trouble_lines(s))]
        events = []
        for ev in r.events:
            session = self.session.get(ev.session_key or "")
            events.append((ev.kiosk_id, self.session_ref(ev.session_key), self.num(ev.seq), self.when(ev.wall),
                           session is not None and session.clock_suspect, names.get(ev.kind, ev.kind),
                           self.event_detail(ev)))
        total = sum(r.events_total.values())
        return {
            "title": _("Power and devices"), "kinds": _("What happened, by kind") if chart else "",
            "chart": Markup(chart), "batteries": batteries,
            "troubles": _("Disk and devices, by session"), "troubled": troubled,
            "trouble_heads": (_("Kiosk"), _("Session"), _("What happened")),
            "events_title": _("Events"), "none": _("No power or device events."), "events": events,
            "note": (_("Showing %(shown)s of %(total)s events; the counts above include them all.")
                     % {"shown": self.num(len(r.events)), "total": self.num(total)} if total > len(r.events) else ""),
            "heads": (_("Kiosk"), _("Session"), _("Record number"), _("When (laptop clock)"), _("What"), _("Details")),
        }

    def footer(self) -> dict[str, Any]:
        _ = self._
        r = self.report
        records = r.totals.get("records", 0)
        text = _("Made by Learning Cinema %(version)s on %(date)s from %(n)s records.") % {
            "version": __version__, "date": self.when(r.generated), "n": self.num(records)}
        return {"records": int(records), "text": text}
