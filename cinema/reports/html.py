"""The supervisor's report as one self-contained HTML file: tables and inline SVG charts, no JavaScript."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from datetime import tzinfo as TzInfo
from html import escape
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent

from cinema import __version__
from cinema.atomic import write_bytes
from cinema.locale.catalog import translator
from cinema.locale.languages import base_language, is_rtl
from cinema.reports import svg
from cinema.reports.model import TOTAL_FIELDS, Report, SessionRow

STRIP_SESSIONS = 40  # the attendance grid and the check-in table show this many recent sessions per kiosk
BIG_ROWS = 3000  # above this many table rows the browser draws sections only as they come on screen
BIG_BODY = ' class="big"'
SECTIONS = ("summary", "sessions", "attendance", "passports", "quizzes", "wellbeing", "power")

CSS = """
:root{--ink:#111;--muted:#555;--line:#ccc;--warn:#8a1c00;--bg:#f4f6f8}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,"Noto Sans","Noto Sans Arabic","DejaVu Sans",sans-serif;color:var(--ink);
 margin:0 auto;max-width:1240px;padding:16px 20px}
h1{font-size:1.7em;margin:.2em 0}h2{font-size:1.4em;border-bottom:2px solid var(--ink);padding-bottom:2px;margin-top:1.6em}
h3{font-size:1.1em;margin:1.2em 0 .3em}h4{font-size:1em;margin:.2em 0}
.muted,.note{color:var(--muted)}.note{font-style:italic}
header p{margin:.2em 0}
nav ol{display:flex;flex-wrap:wrap;gap:4px 18px;padding:0;margin:.6em 0;list-style:none;counter-reset:s}
nav li{counter-increment:s}nav li::before{content:counter(s) ". "}
.totals{display:grid;grid-template-columns:repeat(auto-fill,minmax(128px,1fr));gap:8px;margin:10px 0}
.total{border:1px solid var(--line);border-radius:6px;padding:6px 10px;background:var(--bg)}
.total b{display:block;font-size:2em;line-height:1.1;font-variant-numeric:tabular-nums}
.wrap{overflow-x:auto}
table{border-collapse:collapse;font-size:13px;margin:.4em 0}table.wide{width:100%}
th,td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:start;vertical-align:top}
th{background:var(--bg);font-weight:600}
td.n,th.n{text-align:end;font-variant-numeric:tabular-nums}.nw{white-space:nowrap}
table.ses td:nth-child(n+7),table.ses th:nth-child(n+7){text-align:end;font-variant-numeric:tabular-nums}
table.ses td:first-child,table.grid td:last-child{text-align:end}
table.ses td:nth-child(2),table.ses td:nth-child(3){white-space:nowrap}
table.qz td:nth-child(n+2):nth-child(-n+4),table.wb td:nth-child(n+3):nth-child(-n+8),table.wb td:first-child{text-align:end;font-variant-numeric:tabular-nums}
table.wb td:nth-child(2){white-space:nowrap}
table.wb td.few{text-align:center;color:var(--muted);font-style:italic}
table.wb td.cm:nth-child(n){text-align:start}
.badge{display:inline-block;border:1px solid var(--warn);color:var(--warn);border-radius:3px;padding:0 4px;
 font-size:11px;white-space:nowrap}
.fail{color:var(--warn);font-size:12px}
.signed{border-inline-start:4px solid var(--warn);background:var(--bg);padding:6px 10px;font-weight:600}
.signed[data-mark=ok]{border-inline-start-color:#1a7f37}
table.grid td{border:0;padding:0 6px;line-height:0;vertical-align:middle}table.grid td:first-child{line-height:1.4}
table.grid th{background:none;font-weight:normal;line-height:0;padding:4px 6px 0}
svg{display:block;max-width:100%;height:auto;overflow:visible}svg.strip,svg.face{display:inline-block;vertical-align:middle;overflow:visible}
.q{border:1px solid var(--line);border-radius:6px;padding:6px 10px;margin:8px 0;break-inside:avoid}
.q p{margin:.2em 0}
ul.problems li{margin:.2em 0}
footer{margin-top:2em;border-top:1px solid var(--line);padding-top:6px;color:var(--muted)}
/* a big report opens faster when the browser lays out only what is on screen (4 s, not 20 s,
   for 12,500 sessions); small ones are drawn whole so a quick screenshot shows everything */
.big section,.big .kb{content-visibility:auto;contain-intrinsic-size:auto 1500px}
@page{size:A4 landscape;margin:10mm}
@media print{
 body{max-width:none;padding:0;font-size:10pt}
 *{color:#000!important}
 .total,th{background:none}
 a{text-decoration:none}
 section{break-before:page}
 .big section,.big .kb{content-visibility:visible}
 h2,h3,h4{break-after:avoid}
 tr,svg,.q,.total{break-inside:avoid}
 thead{display:table-header-group}
 .wrap{overflow:visible}
 table{font-size:9pt}
}
"""


def render_html(report: Report, language: str = "en", *, tzinfo: TzInfo | None = None) -> str:
    """The whole report as one HTML document in `language` (the report's, not the process's).

    Dates are the laptops' clocks shown in `tzinfo` (this computer's zone when None); sessions
    stay in each kiosk's sequence order whatever the clocks say.
    """
    return _Page(report, language, tzinfo).render()


def write_html(report: Report, path: Path | str, language: str = "en", *, tzinfo: TzInfo | None = None) -> None:
    """Write the report whole or not at all (temporary file, then rename)."""
    write_bytes(Path(path), render_html(report, language, tzinfo=tzinfo).encode("utf-8"))


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _anchor(learner_id: str) -> str:
    # Any text may be an id; only whitespace would break the attribute's meaning.
    return "p-" + _e("_".join(learner_id.split()))


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

    def clock_badge(self) -> str:
        return f' <span class="badge">⚠ {_e(self._("clock wrong?"))}</span>'

    def session_ref(self, key: str | None) -> str:
        if key is None or key not in self.number:
            return "—"
        return f"#{self.number[key]}"

    # -- page ----------------------------------------------------------------------------------

    def render(self) -> str:
        _ = self._
        r = self.report
        out: list[str] = []
        direction = "rtl" if self.rtl else "ltr"
        title = _("Learning Cinema report")
        out.append(f'<!DOCTYPE html>\n<html lang="{_e(self.code)}" dir="{direction}"><head><meta charset="utf-8">'
                   f'<meta name="viewport" content="width=device-width,initial-scale=1">'
                   f"<title>{_e(title)} · {_e(self.when(r.generated))}</title><style>{CSS}</style></head>"
                   f"<body{BIG_BODY if self._big() else ''}>")
        out.extend(self.header())
        out.extend(self.summary())
        out.extend(self.sessions())
        out.extend(self.attendance())
        out.extend(self.passports())
        out.extend(self.quizzes())
        out.extend(self.wellbeing())
        out.extend(self.power())
        out.extend(self.footer())
        out.append("</body></html>\n")
        return "".join(out)

    def _big(self) -> bool:
        r = self.report
        return len(r.sessions) + len(r.learners) + len(r.events) > BIG_ROWS

    def header(self) -> Iterable[str]:
        _ = self._
        r = self.report
        yield f'<header><h1>{_e(_("Learning Cinema report"))}</h1>'
        yield (f'<p>{_e(_("Made on %(date)s (this computer’s clock).") % {"date": self.when(r.generated)})} '
               f'{_e(_("Laptop clocks are often wrong, so sessions are listed in the order each kiosk recorded them."))}</p>')
        names = {
            "summary": _("Summary"), "sessions": _("Sessions"), "attendance": _("Attendance"),
            "passports": _("Learners’ passports"), "quizzes": _("Quizzes"), "wellbeing": _("Wellbeing"),
            "power": _("Power and devices"),
        }
        yield f'<nav aria-label="{_e(_("Contents"))}"><ol>'
        for sid in SECTIONS:
            yield f'<li><a href="#{sid}">{_e(names[sid])}</a></li>'
        yield "</ol></nav>"
        labels = {
            "sessions": _("Sessions"), "attendance": _("Times present"), "answers": _("Quiz answers"),
            "checkins": _("Check-in answers"), "items_played": _("Items played"), "items_failed": _("Items failed"),
            "records": _("Records"),
        }
        yield '<div class="totals">'
        for key in TOTAL_FIELDS:
            yield self._total(key, labels[key], r.totals.get(key, 0), attr="data-total")
        for key in r.totals:
            if key not in labels:  # a total added later still shows, under its own name
                yield self._total(key, key.replace("_", " "), r.totals[key], attr="data-total")
        yield self._total("learners", _("Learners"), len(r.learners), attr="data-count")
        yield self._total("kiosks", _("Kiosks"), len(self.kiosk_ids), attr="data-count")
        yield "</div></header>"

    def _total(self, key: str, label: str, value: int, attr: str) -> str:
        return (f'<div class="total"><b {attr}="{_e(key)}" data-value="{int(value)}">{self.num(value)}</b>'
                f"{_e(label)}</div>")

    # -- summary -------------------------------------------------------------------------------

    def summary(self) -> Iterable[str]:
        _ = self._
        r = self.report
        yield f'<section id="summary"><h2>{_e(_("Summary"))}</h2>'
        yield self.signed_line()
        yield f'<h3>{_e(_("Problems"))}</h3>'
        if r.problems:
            yield '<ul class="problems">' + "".join(f"<li>{_e(p)}</li>" for p in r.problems) + "</ul>"
        else:
            yield f'<p>{_e(_("No problems found."))}</p>'
        yield f'<h3>{_e(_("Kiosks"))}</h3>'
        if r.kiosks:
            yield ('<div class="wrap"><table><thead><tr>'
                   + "".join(f"<th>{_e(h)}</th>" for h in (
                       _("Kiosk"), _("Sessions"), _("Records"), _("Record numbers"), _("Missing records"),
                       _("Laptop clock: first"), _("Laptop clock: last"), _("Sessions with a wrong clock")))
                   + "</tr></thead><tbody>")
            for k in r.kiosks:
                missing = self.num(k.missing_seqs)
                if k.missing_seqs:
                    missing += f' <span class="badge">⚠ {_e(_("an export is missing"))}</span>'
                wrong = self.num(k.clock_suspect) + (self.clock_badge() if k.clock_suspect else "")
                yield (f'<tr><td><bdi>{_e(k.kiosk_id)}</bdi></td><td class="n">{self.num(k.sessions)}</td>'
                       f'<td class="n">{self.num(k.records)}</td><td class="n">{self._seqs(k.first_seq, k.last_seq)}</td>'
                       f'<td class="n">{missing}</td><td class="nw">{self.when(k.first_wall)}</td>'
                       f'<td class="nw">{self.when(k.last_wall)}</td><td class="n">{wrong}</td></tr>')
            yield "</tbody></table></div>"
        else:
            yield f'<p>{_e(_("No kiosk records in these files."))}</p>'
        yield f'<h3>{_e(_("Files"))}</h3>'
        if r.sources:
            kinds = {"journal": _("Journal"), "bundle": _("Export from a kiosk")}
            statuses = {"ok": _("Used"), "unsigned": _("Used, signature not checked"),
                        "refused": _("Not used"), "repeated": _("Already counted")}
            yield ('<div class="wrap"><table><thead><tr>'
                   + "".join(f"<th>{_e(h)}</th>" for h in (
                       _("File"), _("Type"), _("Status"), _("Kiosk"), _("Records"), _("Record numbers"), _("Why")))
                   + "</tr></thead><tbody>")
            for src in r.sources:
                status = statuses.get(src.status, src.status)
                if src.status == "ok":
                    status = _("Used, signed") if src.signed else _("Used, not signed")
                if src.status == "refused":
                    status = f"✗ {status}"
                elif src.status in ("ok", "unsigned"):
                    status = f"✓ {status}"
                yield (f"<tr><td><bdi>{_e(src.name)}</bdi></td><td>{_e(kinds.get(src.kind, src.kind))}</td>"
                       f"<td>{_e(status)}</td><td><bdi>{_e(src.kiosk_id or '—')}</bdi></td>"
                       f'<td class="n">{self.num(src.records)}</td><td>{self._seqs(src.first_seq, src.last_seq)}</td>'
                       f"<td>{_e(src.reason)}</td></tr>")
            yield "</tbody></table></div>"
        else:
            yield f'<p>{_e(_("No files were given."))}</p>'
        yield "</section>"

    def signed_line(self) -> str:
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
        return f'<p class="signed" data-signed="{int(signed)}" data-of="{int(total)}" data-mark="{mark}">{_e(text)}</p>'

    def _seqs(self, first: int | None, last: int | None) -> str:
        if first is None:
            return "—"
        return f"<bdi>{self.num(first)}–{self.num(last)}</bdi>"

    # -- sessions ------------------------------------------------------------------------------

    def sessions(self) -> Iterable[str]:
        _ = self._
        yield f'<section id="sessions"><h2>{_e(_("Sessions"))}</h2>'
        if not self.report.sessions:
            yield f'<p>{_e(_("No sessions in these files."))}</p></section>'
            return
        outcomes = {"completed": "✓ " + _("Completed"), "ended": "■ " + _("Ended by the teacher"),
                    "unfinished": "… " + _("Unfinished"), "abandoned": "✗ " + _("Abandoned")}
        head = "".join(f"<th>{_e(h)}</th>" for h in (
            _("No."), _("When (laptop clock)"), _("How long"), _("Lesson"), _("Subject"), _("Outcome"),
            _("Present"), _("Played"), _("Failed"), _("Skipped"), _("Right answers"), _("Check-in answers"),
            _("Lowest battery")))
        for kiosk in self.kiosk_ids:
            rows = self.by_kiosk[kiosk]
            if not rows:
                continue
            yield f'<div class="kb"><h3>{_e(_("Kiosk %(kiosk)s") % {"kiosk": kiosk})}</h3>'
            yield svg.column_chart(
                [s.attendance for s in rows], [str(i) for i in range(1, len(rows) + 1)],
                title=_("Children present in each session, kiosk %(kiosk)s") % {"kiosk": kiosk},
                rtl=self.rtl, fmt=self.num)
            yield f'<div class="wrap"><table class="ses wide"><thead><tr>{head}</tr></thead><tbody>'
            for i, s in enumerate(rows, 1):
                yield self._session_row(i, s, outcomes)
            yield "</tbody></table></div></div>"
        yield "</section>"

    def _session_row(self, i: int, s: SessionRow, outcomes: dict[str, str]) -> str:
        _ = self._
        when = self.when(s.started_wall) + (self.clock_badge() if s.clock_suspect else "")
        lesson = _e(s.title or s.playlist or "—")
        for item in s.items:
            if item.status == "failed":
                what = _e(item.title or item.item)
                lesson += f'<div class="fail">✗ {what}{" — " + _e(item.reason) if item.reason else ""}</div>'
        outcome = _e(outcomes.get(s.outcome, s.outcome))
        if s.resumed:
            outcome += "<br>" + _e(self.ngettext("resumed %(n)s time", "resumed %(n)s times", s.resumed)
                                   % {"n": self.num(s.resumed)})
        answers = f"{self.num(s.correct)}/{self.num(s.answers)}" if s.answers else "—"
        present = self.num(s.attendance)
        if s.by_hand:  # a teacher could mark absent children present: the supervisor sees how many
            present += '<div class="note">' + _e(self.ngettext("%(n)s marked by hand", "%(n)s marked by hand",
                                                                  s.by_hand) % {"n": self.num(s.by_hand)}) + "</div>"
        return (f"<tr><td>{i}</td><td>{when}</td><td>{self.minutes(s.minutes)}</td><td>{lesson}</td>"
                f"<td>{_e(s.subject or '—')}</td><td>{outcome}</td><td>{present}</td>"
                f"<td>{self.num(s.items_played)}</td><td>{self.num(s.items_failed)}</td>"
                f"<td>{self.num(s.items_skipped)}</td><td>{answers}</td><td>{self.num(s.checkins)}</td>"
                f"<td>{self.battery(s.min_battery)}</td></tr>")

    # -- attendance ----------------------------------------------------------------------------

    def attendance(self) -> Iterable[str]:
        _ = self._
        yield f'<section id="attendance"><h2>{_e(_("Attendance"))}</h2>'
        yield (f'<p class="muted">{_e(_("One row per child, one mark per session, oldest first: a block means present, a bare line absent."))}</p>')
        learners_at: dict[str, list[str]] = {k: [] for k in self.kiosk_ids}
        for learner in self.report.learners:
            for k in dict.fromkeys(learner.kiosks):
                learners_at.setdefault(k, []).append(learner.learner_id)
        any_rows = False
        for kiosk in self.kiosk_ids:
            sessions = self.by_kiosk.get(kiosk, [])
            ids = learners_at.get(kiosk, [])
            if not sessions or not ids:
                continue
            any_rows = True
            recent = sessions[-STRIP_SESSIONS:]
            first = len(sessions) - len(recent) + 1
            yield f'<div class="kb"><h3>{_e(_("Kiosk %(kiosk)s") % {"kiosk": kiosk})}</h3>'
            if len(recent) < len(sessions):
                yield (f'<p class="note">{_e(_("Showing the most recent %(shown)s of %(total)s sessions.") % {"shown": self.num(len(recent)), "total": self.num(len(sessions))})}</p>')
            attended: dict[str, int] = {}
            for s in sessions:
                for lid in set(s.learners):
                    attended[lid] = attended.get(lid, 0) + 1
            present_sets = [set(s.learners) for s in recent]
            ruler = svg.strip_ruler(first, len(recent), title=_("Session numbers"), rtl=self.rtl, fmt=self.num)
            yield (f'<div class="wrap"><table class="grid"><thead><tr><th>{_e(_("Learner"))}</th><th>{ruler}</th>'
                   f"<th>{_e(_('Present'))}</th></tr></thead><tbody>")
            for lid in ids:
                flags = [lid in p for p in present_sets]
                here = sum(flags)
                label = _("%(id)s: present in %(n)s of the last %(m)s sessions") % {
                    "id": lid, "n": self.num(here), "m": self.num(len(recent))}
                strip = svg.strip(flags, title=label, rtl=self.rtl)
                total = attended.get(lid, 0)
                yield (f'<tr><td><a href="#{_anchor(lid)}"><bdi>{_e(lid)}</bdi></a></td><td>{strip}</td>'
                       f"<td>{self.num(total)}/{self.num(len(sessions))}</td></tr>")
            yield "</tbody></table></div></div>"
        if not any_rows:
            yield f'<p>{_e(_("No cards were scanned in these sessions."))}</p>'
        yield "</section>"

    # -- passports -----------------------------------------------------------------------------

    def passports(self) -> Iterable[str]:
        _ = self._
        yield f'<section id="passports"><h2>{_e(_("Learners’ passports"))}</h2>'
        if not self.report.learners:
            yield f'<p>{_e(_("No cards were scanned in these sessions."))}</p></section>'
            return
        yield (f'<p class="muted">{_e(_("What each child has covered: sessions attended, subjects (with the number of sessions) and lessons, in the order first seen."))}</p>')
        yield ('<div class="wrap"><table class="wide"><thead><tr>' + "".join(f"<th>{_e(h)}</th>" for h in (
            _("Learner"), _("Kiosks"), _("Sessions"), _("Subjects"), _("Lessons"), _("Right answers")))
            + "</tr></thead><tbody>")
        for learner in self.report.learners:
            subjects = ", ".join(f"{_e(name)} ({self.num(n)})" for name, n in learner.subjects.items()) or "—"
            lessons = " · ".join(_e(t) for t in learner.lessons) or "—"
            kiosks = ", ".join(f"<bdi>{_e(k)}</bdi>" for k in learner.kiosks) or "—"
            answers = (f"{self.num(learner.correct)}/{self.num(learner.answered)} "
                       f"({self.pct(learner.correct, learner.answered)})") if learner.answered else "—"
            yield (f'<tr id="{_anchor(learner.learner_id)}"><td><bdi>{_e(learner.learner_id)}</bdi></td>'
                   f'<td>{kiosks}</td><td class="n">{self.num(len(learner.sessions))}</td><td>{subjects}</td>'
                   f"<td>{lessons}</td><td class=\"n\">{answers}</td></tr>")
        yield "</tbody></table></div></section>"

    # -- quizzes -------------------------------------------------------------------------------

    def quizzes(self) -> Iterable[str]:
        _ = self._
        r = self.report
        yield f'<section id="quizzes"><h2>{_e(_("Quizzes"))}</h2>'
        if not r.questions:
            yield f'<p>{_e(_("No quiz questions in these sessions."))}</p></section>'
            return
        activity = None
        for q in r.questions:
            if q.activity != activity:
                activity = q.activity
                yield f'<h3>{_e(_("Activity %(activity)s") % {"activity": activity})}</h3>'
            yield from self._question(q)
        answered = [lr for lr in r.learners if lr.answered]
        yield f'<h3>{_e(_("Answers by learner"))}</h3>'
        if not answered:
            yield f'<p>{_e(_("No answers came from a child with a card."))}</p>'
        else:
            yield ('<div class="wrap"><table class="qz"><thead><tr>' + "".join(f"<th>{_e(h)}</th>" for h in (
                _("Learner"), _("Answered"), _("Right"), _("Share right"), _("By activity (right/answered)")))
                + "</tr></thead><tbody>")
            for lr in answered:
                per = " · ".join(f"<bdi>{_e(a)}</bdi> {self.num(c[1] if len(c) > 1 else 0)}/{self.num(c[0] if c else 0)}"
                                 for a, c in lr.quizzes.items())
                yield (f'<tr><td><a href="#{_anchor(lr.learner_id)}"><bdi>{_e(lr.learner_id)}</bdi></a></td>'
                       f"<td>{self.num(lr.answered)}</td><td>{self.num(lr.correct)}</td>"
                       f"<td>{self.pct(lr.correct, lr.answered)}</td><td>{per}</td></tr>")
            yield "</tbody></table></div>"
        yield "</section>"

    def _question(self, q) -> Iterable[str]:
        _ = self._
        heading = _("Question %(n)s") % {"n": self.num(q.question + 1)}
        prompt = f": <bdi>{_e(q.prompt)}</bdi>" if q.prompt else ""
        yield f'<div class="q"><h4>{_e(heading)}{prompt}</h4><p>'
        facts = [self.ngettext("asked in %(n)s session", "asked in %(n)s sessions", q.asked) % {"n": self.num(q.asked)},
                 self.ngettext("%(n)s answer", "%(n)s answers", q.answered) % {"n": self.num(q.answered)}]
        if q.correct_key is not None:
            right = _("Right answer: %(key)s") % {"key": q.correct_key}
            facts.insert(0, right)
            facts.append(_("%(n)s right (%(share)s)") % {"n": self.num(q.right), "share": self.pct(q.right, q.answered)})
        else:
            facts.insert(0, _("Poll: no right answer"))
        yield _e(" · ".join(facts)) + "</p>"
        keys = sorted(set(q.tally) | ({q.correct_key} if q.correct_key is not None else set()), key=str)
        bars = [svg.Bar(str(k), q.tally.get(k, 0), marked=(k == q.correct_key)) for k in keys]
        if bars:
            yield svg.bar_chart(bars, title=_("Answers to %(question)s") % {"question": heading}, rtl=self.rtl,
                                fmt=self.num, label_width=60)
        yield "</div>"

    # -- wellbeing -----------------------------------------------------------------------------

    def wellbeing(self) -> Iterable[str]:
        _ = self._
        r = self.report
        yield f'<section id="wellbeing"><h2>{_e(_("Wellbeing"))}</h2>'
        yield (f'<p class="muted">{_e(_("How the room felt at each check-in. Answers are anonymous: only the number of children on each face is kept."))}</p>')
        if not r.checkins:
            yield f'<p>{_e(_("No check-ins in these sessions."))}</p></section>'
            return
        faces = [_("Very sad"), _("Sad"), _("So-so"), _("Happy"), _("Very happy")]
        calm = [_("calm moment offered"), _("calm moment accepted")]
        by_kiosk: dict[str, list] = {}
        for c in r.checkins:
            by_kiosk.setdefault(c.kiosk_id, []).append(c)
        icons = [svg.face_icon(i + 1, title=name) for i, name in enumerate(faces)]
        head = ("<th>" + _e(_("Session")) + "</th><th>" + _e(_("When (laptop clock)")) + "</th>"
                + "".join(f'<th class="n">{icon}<br>{_e(name)}</th>' for icon, name in zip(icons, faces))
                + f'<th class="n">{_e(_("Total"))}</th><th>{_e(_("Calm moment"))}</th>')
        if any(c.shown() is None for c in r.checkins):
            yield f'<p class="note">{_e(_("A check-in with fewer than 5 answers shows no counts, so no child can be singled out."))}</p>'
        for kiosk, rows in by_kiosk.items():
            yield f'<div class="kb"><h3>{_e(_("Kiosk %(kiosk)s") % {"kiosk": kiosk})}</h3>'
            # Only check-ins with enough answers are drawn or added up: a kiosk's sums less the rows shown
            # must not give away a small check-in's faces.
            shown = [(c, c.shown()) for c in rows]
            drawn = [(c, counts) for c, counts in shown if counts is not None]
            if drawn:
                stacks = [svg.Stack(self.session_ref(c.session_key), counts,
                                    "accepted" if c.calm_accepted else "offered" if c.offer_calm else "")
                          for c, counts in drawn]
                yield svg.stacked_columns(stacks, title=_("Faces chosen at each check-in, kiosk %(kiosk)s") % {"kiosk": kiosk},
                                          legend=faces, calm_legend=calm, rtl=self.rtl, fmt=self.num)
            recent = shown[-STRIP_SESSIONS:]
            if len(recent) < len(rows):
                yield (f'<p class="note">{_e(_("The table shows the most recent %(shown)s of %(total)s check-ins; the totals count them all.") % {"shown": self.num(len(recent)), "total": self.num(len(rows))})}</p>')
            yield f'<div class="wrap"><table class="wb"><thead><tr>{head}</tr></thead><tbody>'
            sums = [0, 0, 0, 0, 0]
            for _c, counts in drawn:
                for i, n in enumerate(counts):
                    sums[i] += n
            few = _e(_("fewer than 5 answers"))
            for c, counts in recent:
                mark = ("● " + calm[1]) if c.calm_accepted else ("○ " + calm[0]) if c.offer_calm else "—"
                when = self.when(c.wall) + (self.clock_badge() if c.clock_suspect else "")
                cells = (f'<td colspan="6" class="few">{few}</td>' if counts is None else
                         "".join(f"<td>{self.num(n)}</td>" for n in counts) + f"<td>{self.num(sum(counts))}</td>")
                yield (f"<tr><td>{self.session_ref(c.session_key)}</td><td>{when}</td>"
                       + cells + f'<td class="cm">{_e(mark)}</td></tr>')
            yield (f"<tr><th>{_e(_('All check-ins'))}</th><th></th>"
                   + "".join(f'<th class="n">{self.num(n)}</th>' for n in sums)
                   + f'<th class="n">{self.num(sum(sums))}</th><th></th></tr>')
            yield "</tbody></table></div></div>"
        yield "</section>"

    # -- power and devices ---------------------------------------------------------------------

    def event_names(self) -> dict[str, str]:
        _ = self._
        return {
            "power.reading": _("Battery reading"), "power.action": _("Power action"),
            "device.connected": _("Device connected"), "device.lost": _("Device lost"),
            "item.failed": _("Media could not play"), "attendance.refused": _("Card refused"),
            "pin.refused": _("Wrong PIN"), "error": _("Error"), "session.abandoned": _("Session abandoned"),
            "session.resumed": _("Session resumed"), "export.made": _("Export made"),
            "journal.trouble": _("Disk or journal trouble"), "device.noise": _("Device sent junk"),
        }

    def noise_text(self, device: str, junk: int, minutes: float, refused: int = 0, changes: int = 0) -> str:
        """"Scanner sent junk: 340 lines in 12 min", and what else it did (HTML, escaped)."""
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
        return _e("; ".join(parts)).replace("\x00", f"<bdi>{_e(device)}</bdi>")

    def trouble_lines(self, s) -> list[str]:
        """What went wrong with the kiosk's disk and devices in one session, in sentences (HTML)."""
        _ = self._
        lines = []
        if s.disk_full_minutes > 0 or s.records_held:
            time = self.minutes(max(s.disk_full_minutes, 1.0))
            if s.records_held:
                lines.append(_e(self.ngettext(
                    "Disk full for %(time)s: %(n)s record was held (in memory or a spill file) and added to the journal later",
                    "Disk full for %(time)s: %(n)s records were held (in memory or a spill file) and added to the journal later",
                    s.records_held) % {"time": time, "n": self.num(s.records_held)}))
            else:
                lines.append(_e(_("Disk full for %(time)s") % {"time": time}))
        elif s.disk_low:
            lines.append(_e(_("The disk was nearly full")))
        if s.journals_set_aside:
            lines.append(_e(self.ngettext("A damaged journal was set aside and a new one started",
                                          "%(n)s damaged journals were set aside and new ones started",
                                          s.journals_set_aside) % {"n": self.num(s.journals_set_aside)}))
        for n in s.noise:
            if n.junk or n.refused or n.changes:
                lines.append(self.noise_text(n.device, n.junk, n.minutes, n.refused, n.changes))
        return lines

    def event_detail(self, ev) -> str:
        """An event's details (HTML): a translated sentence for the kiosk's own troubles."""
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
                return _e(text)
        return _e(ev.detail)

    def power(self) -> Iterable[str]:
        _ = self._
        r = self.report
        names = self.event_names()
        yield f'<section id="power"><h2>{_e(_("Power and devices"))}</h2>'
        if r.events_total:
            counts = sorted(r.events_total.items(), key=lambda kv: (-kv[1], kv[0]))
            yield f'<h3>{_e(_("What happened, by kind"))}</h3>'
            yield svg.bar_chart([svg.Bar(names.get(k, k), n) for k, n in counts],
                                title=_("Events by kind"), rtl=self.rtl, fmt=self.num, width=620, label_width=200)
        for kiosk in self.kiosk_ids:
            rows = self.by_kiosk.get(kiosk, [])
            if not any(s.min_battery is not None for s in rows):
                continue
            yield f'<h3>{_e(_("Lowest battery in each session, kiosk %(kiosk)s") % {"kiosk": kiosk})}</h3>'
            yield svg.column_chart([s.min_battery for s in rows], [str(i) for i in range(1, len(rows) + 1)],
                                   title=_("Lowest battery in each session, kiosk %(kiosk)s") % {"kiosk": kiosk},
                                   ymax=100, height=120, rtl=self.rtl, fmt=self.battery)
        troubled = [(s, lines) for s in r.sessions if (lines := self.trouble_lines(s))]
        if troubled:
            yield f'<h3>{_e(_("Disk and devices, by session"))}</h3>'
            yield ('<div class="wrap"><table class="tr"><thead><tr>' + "".join(f"<th>{_e(h)}</th>" for h in (
                _("Kiosk"), _("Session"), _("What happened"))) + "</tr></thead><tbody>")
            for s, lines in troubled:
                yield (f"<tr><td><bdi>{_e(s.kiosk_id)}</bdi></td><td>{self.session_ref(s.key)}</td>"
                       f"<td>{'<br>'.join(lines)}</td></tr>")
            yield "</tbody></table></div>"
        yield f'<h3>{_e(_("Events"))}</h3>'
        if not r.events:
            yield f'<p>{_e(_("No power or device events."))}</p></section>'
            return
        total = sum(r.events_total.values())
        if total > len(r.events):
            yield (f'<p class="note">{_e(_("Showing %(shown)s of %(total)s events; the counts above include them all.") % {"shown": self.num(len(r.events)), "total": self.num(total)})}</p>')
        yield ('<div class="wrap"><table><thead><tr>' + "".join(f"<th>{_e(h)}</th>" for h in (
            _("Kiosk"), _("Session"), _("Record number"), _("When (laptop clock)"), _("What"), _("Details")))
            + "</tr></thead><tbody>")
        for ev in r.events:
            session = self.session.get(ev.session_key or "")
            when = self.when(ev.wall) + (self.clock_badge() if session is not None and session.clock_suspect else "")
            yield (f"<tr><td><bdi>{_e(ev.kiosk_id)}</bdi></td><td>{self.session_ref(ev.session_key)}</td>"
                   f'<td class="n">{self.num(ev.seq)}</td><td class="nw">{when}</td><td>{_e(names.get(ev.kind, ev.kind))}</td>'
                   f"<td>{self.event_detail(ev)}</td></tr>")
        yield "</tbody></table></div></section>"

    def footer(self) -> Iterable[str]:
        _ = self._
        r = self.report
        records = r.totals.get("records", 0)
        text = _("Made by Learning Cinema %(version)s on %(date)s from %(n)s records.") % {
            "version": __version__, "date": self.when(r.generated), "n": self.num(records)}
        return [f'<footer><p data-records="{int(records)}">{_e(text)}</p></footer>']
