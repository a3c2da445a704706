"""Read the class list (learner_id,name[,group,language,card] CSV) with a line-numbered problem per bad row.

The roster holds children's names: it stays on the kiosk, and only what the kiosk needs is
read from it, so a column it does not know is refused rather than carried along.
"""

from __future__ import annotations

import csv
import io
import re
from cinema.locale.runtime import gettext as _
from pathlib import Path

from cinema.cards.numbers import CODES
from cinema.config.problems import ConfigError, Reporter, did_you_mean
from cinema.core.roster import ID_PATTERN, Learner

_ID = re.compile(ID_PATTERN)
# card: the answer card's number (1..CODES), for a class whose cards were numbered elsewhere; else
# `cinema cards` numbers the children itself (cinema.cards.numbers)
COLUMNS = ("learner_id", "name", "group", "language", "card")
REQUIRED = ("learner_id", "name")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$")
MAX_NAME = 80
MAX_GROUP = 40
MAX_BYTES = 2 * 1024 * 1024  # a class list of 10,000 children is about 400 KB
MAX_PROBLEMS = 100  # then reading stops: a file this wrong is not a class list, and the teacher reads from the top
# Spreadsheets in many European locales save "CSV" with semicolons; some tools use tabs.
_DELIMITERS = ",;\t"


def load_roster_csv(path: Path) -> list[Learner]:
    """The learners in roster order; raises ConfigError listing every bad line, not just the first.

    The learner id is required (letters, digits, - and _, up to 32: it is printed in the QR
    code); the name may be empty (the card then shows the id and the symbol only).
    """
    path = Path(path)
    report = Reporter(path)
    text = _read_text(path, report)
    if text is None:
        raise ConfigError(report.problems)
    learners = _parse(text, report)
    if report.problems:
        raise ConfigError(report.problems)
    return learners


def _read_text(path: Path, report: Reporter) -> str | None:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        report.add(0, "", _("cannot read the roster: {error}").format(error=exc.strerror or exc),
                   _("check the file name"))
        return None
    if len(data) > MAX_BYTES:
        report.add(0, "", _("the file is larger than {mb} MB: this is not a class list").format(mb=MAX_BYTES // 2**20),
                   _("save the class list alone as CSV (learner_id,name)"))
        return None
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte order mark
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        report.add(line, "", _("this line is not UTF-8 text"),
                   _('save the roster as "CSV UTF-8" (in LibreOffice: character set Unicode (UTF-8))'))
        return None


def _parse(text: str, report: Reporter) -> list[Learner]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    lines = io.StringIO(text, newline="")
    # strict: a quote never closed is an error, not a name that eats the rest of the class list
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        header = []
    except csv.Error as exc:
        report.add(1, "header", *csv_problem(exc))
        return []
    columns = _columns(header, report)
    if columns is None:
        return []
    learners: list[Learner] = []
    first_line_of: dict[str, int] = {}  # learner id (any case) -> the line it was first on
    line = reader.line_num + 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1  # a quoted name may span lines: report the first
            if len(report.problems) >= MAX_PROBLEMS:
                report.add(start, "", _("too many problems: stopped reading here"),
                           _("fix the problems above, then try again"))
                return learners
            if not any(cell.strip() for cell in row):
                continue
            learner = _row(row, start, columns, len(header), report)
            if learner is None:
                continue
            folded = learner.learner_id.casefold()
            if folded in first_line_of:
                report.add(start, "learner_id",
                           _("learner id {id} is also on line {line}").format(id=learner.learner_id,
                                                                             line=first_line_of[folded]),
                           _("give every learner their own id (ids that differ only in capitals count as the same)"))
                continue
            first_line_of[folded] = start
            learners.append(learner)
    except csv.Error as exc:
        report.add(line, "", *csv_problem(exc))
        return learners
    if not learners and not report.problems:
        report.add(1, "", _("the roster has no learners"), _("add one line per learner after the column names"))
    _check_card_numbers(learners, first_line_of, report)
    return learners


def _check_card_numbers(learners: list[Learner], line_of: dict[str, int], report: Reporter) -> None:
    """Two children with the same card number in one scope (the roster, or each group when the
    roster is larger than CODES) would answer as one: both lines are named."""
    by_groups = len(learners) > CODES
    first: dict[tuple[str, int], str] = {}
    for learner in learners:
        if learner.card is None:
            continue
        scope = (learner.group if by_groups else "", learner.card)
        if scope in first:
            other = line_of[first[scope].casefold()]
            where = (_("card {n} is also on line {line}, in the same group").format(n=learner.card, line=other)
                     if by_groups else _("card {n} is also on line {line}").format(n=learner.card, line=other))
            report.add(line_of[learner.learner_id.casefold()], "card", where,
                       _("give every child their own card number, or leave the card column empty and "
                         "`cinema cards` numbers the class"))
        else:
            first[scope] = learner.learner_id


def csv_problem(exc: csv.Error) -> tuple[str, str]:
    """(what is wrong, how to fix it) for a line the csv module could not read, in the teacher's words."""
    if "unexpected end of data" in str(exc):  # strict mode: the file ended inside a quoted value
        return (_("a quote (\") opened on this line is never closed, so the rest of the file would be read "
                  "as one value"),
                _('close the quote, or remove it: a name with a comma is written "Said, Amina"'))
    if "field larger than field limit" in str(exc):
        return (_("a value on this line is far too long"), _("check the quotes on this line"))
    return (_("the line cannot be read as CSV: {error}").format(error=exc),
            _('check the quotes: a name with a comma is written "Said, Amina"'))


def _columns(header: list[str], report: Reporter) -> dict[str, int] | None:
    """Column index by name, or None (with a problem) when the header is not usable."""
    names = [cell.strip().lower() for cell in header]
    fix = _("start the file with the line: learner_id,name (group, language and card may follow)")
    if not any(names):
        report.add(1, "header", _("the first line must be the column names"), fix)
        return None
    columns: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in columns:
            report.add(1, "header", _("column {name} appears twice").format(name=name), _("keep one"))
        elif name in COLUMNS:
            columns[name] = index
        else:
            hint = did_you_mean(name, COLUMNS)
            report.add(1, "header", _("unknown column {name!r}").format(name=header[index].strip()),
                       hint or _("the kiosk keeps only learner_id, name, group, language and card: remove the column"))
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        report.add(1, "header", _("missing column {name}").format(name=", ".join(missing)), fix)
    return None if report.problems else columns


def _row(row: list[str], line: int, columns: dict[str, int], width: int, report: Reporter) -> Learner | None:
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        report.add(line, "", _("this line has {n} values for {m} columns").format(n=len(row), m=width),
                   _('a name with a comma must be in quotes: "Said, Amina"'))
        return None

    def cell(name: str) -> str:
        index = columns.get(name)
        return " ".join(row[index].split()) if index is not None and index < len(row) else ""

    learner_id, name, group, language, card_text = (cell(c) for c in COLUMNS)
    ok = True
    if not learner_id:
        report.add(line, "learner_id", _("the learner id is empty"), _("every learner needs an id, e.g. L001"))
        ok = False
    elif not _ID.match(learner_id):
        bad = "".join(dict.fromkeys(c for c in learner_id if not _ID.match(c)))
        problem = (_("{id!r} is too long").format(id=learner_id) if len(learner_id) > 32 else
                   _("{id!r} has characters a card cannot carry: {chars}").format(id=learner_id, chars=repr(bad)))
        report.add(line, "learner_id", problem, _("use up to 32 letters A-Z, digits, - and _ (no spaces or accents)"))
        ok = False
    if len(name) > MAX_NAME:
        report.add(line, "name", _("the name is longer than {n} characters").format(n=MAX_NAME),
                   _("shorten it; the card shows the first name only"))
        ok = False
    if len(group) > MAX_GROUP:
        report.add(line, "group", _("the group is longer than {n} characters").format(n=MAX_GROUP), _("shorten it"))
        ok = False
    if language and not _LANGUAGE.match(language):
        report.add(line, "language", _("{value!r} is not a language code").format(value=language),
                   _("use a code such as ar, uk, en or fr, or leave it empty"))
        ok = False
    card = None
    if card_text:
        if not (card_text.isascii() and card_text.isdigit()) or len(card_text) > 4:
            report.add(line, "card", _("{value!r} is not a card number").format(value=card_text),
                       _("write the number on the child's answer card (1 to {codes}), or leave it empty").format(
                           codes=CODES))
            ok = False
        elif not 1 <= int(card_text) <= CODES:
            report.add(line, "card", _("card {n} is not 1 to {codes}").format(n=int(card_text), codes=CODES),
                       _("answer cards are numbered 1 to {codes}; leave it empty to have one given").format(
                           codes=CODES))
            ok = False
        else:
            card = int(card_text)
    return Learner(learner_id, name, group, language.replace("-", "_"), card) if ok else None
