"""Read a handset pairing CSV (clicker,learner_id[,team]) with line-numbered problems."""

from __future__ import annotations

import csv
import re
from cinema.locale.runtime import gettext as _
from pathlib import Path

from cinema.devices.clickers.protocol import normalize_clicker

from .problems import ConfigError, Reporter

_CLICKER = re.compile(r"^[0-9A-Fa-f]{1,8}$")
_LEARNER = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def load_pairing(path: Path) -> tuple[dict[str, str], dict[str, int]]:
    """(learner id by clicker id, team by learner id); raises ConfigError naming each bad line."""
    report = Reporter(Path(path))
    pairs: dict[str, str] = {}
    teams: dict[str, int] = {}
    rows: list[list[str]] = []
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f, strict=True)  # an unclosed quote is reported, not read as the rest of the file
            for row in reader:
                rows.append(row)
    except (OSError, UnicodeDecodeError) as exc:
        report.add(0, "", _("cannot read the pairing file: {error}").format(error=exc),
                   _("check the path in devices.pairing"))
        raise ConfigError(report.problems) from None
    except csv.Error as exc:
        from cinema.cards.roster_csv import csv_problem

        report.add(len(rows) + 1, "", *csv_problem(exc))
        raise ConfigError(report.problems) from None
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["clicker", "learner_id"]:
        report.add(1, "header", _("the first line must be the column names"),
                   _("start the file with: clicker,learner_id,team"))
        raise ConfigError(report.problems)
    seen_learners: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        clicker = row[0].strip().upper() if row else ""
        if _CLICKER.match(clicker):
            clicker = normalize_clicker(clicker)  # the id the receivers report: 8 hex digits
        learner = row[1].strip() if len(row) > 1 else ""
        if not _CLICKER.match(clicker):
            report.add(number, "clicker", _("{value!r} is not a handset id").format(value=clicker),
                       _("use the id `cinema devices --listen` prints (1 to 8 hex digits)"))
            continue
        if not _LEARNER.match(learner):
            report.add(number, "learner_id", _("{value!r} is not a learner id").format(value=learner),
                       _("use the learner id from the roster (letters, digits, - and _)"))
            continue
        if clicker in pairs:
            report.add(number, "clicker", _("handset {id} is paired twice").format(id=clicker),
                       _("keep one line per handset"))
            continue
        if learner in seen_learners:
            report.add(number, "learner_id",
                       _("learner {id} already has a handset (line {line})").format(id=learner,
                                                                                  line=seen_learners[learner]),
                       _("keep one line per learner"))
            continue
        pairs[clicker] = learner
        seen_learners[learner] = number
        if len(row) > 2 and row[2].strip():
            team = row[2].strip()
            if not team.isdigit() or not 1 <= int(team) <= 8:
                report.add(number, "team", _("{value!r} is not a team number").format(value=team),
                           _("use 1 to 8, or leave it empty"))
                continue
            teams[learner] = int(team)
    if report.problems:
        raise ConfigError(report.problems)
    return pairs, teams
