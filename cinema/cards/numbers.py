"""Answer card numbers: which child holds which big marker, kept on the kiosk.

The marker on an answer card's back says only a number (1..CODES, cinema.devices.cards.markers);
which child has that number is kept here, next to the programme's card key, so a card found on
the floor names nobody. A child keeps their number for good: `cinema cards` gives new children
the lowest free number and never renumbers. A roster's own `card` column wins over this file.

    var/card-numbers.json  (next to cards.keys; copied to every kiosk with the key)
    {"version": 1, "programs": {"DEMO": {"s001": 1, "s002": 2}}}

Numbers are unique in the roster; a roster larger than CODES numbers within each group (a
group of at most CODES children), and the kiosk tells equal numbers apart by who is present.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from cinema.atomic import write_text
from cinema.config.problems import ConfigError, Problem
from cinema.core.roster import CARD_NUMBERS, ID_PATTERN, Learner
from cinema.locale.runtime import gettext as _
from cinema.locale.runtime import ngettext

CODES = CARD_NUMBERS  # cards a marker family tells apart (DICT_5X5_100)
NUMBERS_FILE = "card-numbers.json"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 4 * 1024 * 1024  # 100,000 children of many programmes is about 2 MB
_ID = re.compile(ID_PATTERN)


def numbers_path(keys_path: Path) -> Path:
    """Where the numbers live: beside the card key file."""
    return Path(keys_path).with_name(NUMBERS_FILE)


def _refuse(path: Path, line: int, key: str, message: str) -> ConfigError:
    return ConfigError([Problem(path, line, key, message, _(
        "copy card-numbers.json again from the computer that printed the answer cards (it goes with the card "
        "key), or delete it and print new answer cards for the whole class"))])


def _read_programs(path: Path) -> tuple[dict, str]:
    """The file's `programs` object and its text, or a ConfigError saying what is wrong with the file."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError([Problem(path, 0, "", _("cannot read the card numbers: {error}").format(
            error=exc.strerror or exc), _("check that the file can be read"))]) from None
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(path, 0, "", _("the file is larger than {mb} MB: these are not card numbers").format(
            mb=MAX_FILE_BYTES // 2**20))
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise _refuse(path, 0, "", _("the file is not text")) from None
    except json.JSONDecodeError as exc:
        raise _refuse(path, exc.lineno, "", _("the file is not valid JSON ({error})").format(error=exc.msg)) from None
    except RecursionError:
        raise _refuse(path, 0, "", _("the file is nested too deeply")) from None
    if not isinstance(document, dict):
        raise _refuse(path, 1, "", _("the file must hold one JSON object with version and programs"))
    if document.get("version") != FORMAT_VERSION:
        raise _refuse(path, 1, "version", _("version must be {version}, not {value!r}").format(
            version=FORMAT_VERSION, value=document.get("version")))
    programs = document.get("programs", {})
    if not isinstance(programs, dict) or not all(isinstance(v, dict) for v in programs.values()):
        raise _refuse(path, 1, "programs", _("programs must map each programme to its learners' numbers"))
    return programs, data.decode("utf-8")


def _line_of(text: str, program: str, learner_id: str) -> int:
    """The line of `learner_id`'s entry under `program` (the file is written one entry a line), or 0."""
    start = text.find(json.dumps(program) + ":")
    at = text.find(json.dumps(learner_id) + ":", max(start, 0))
    return text.count("\n", 0, at) + 1 if start >= 0 and at >= 0 else 0


def load_numbers(path: Path, program: str) -> dict[str, int]:
    """learner id -> card number for `program` ({} when there is no file yet). A damaged or
    hand-edited file is refused whole (ConfigError naming it and what to do): a wrong number would
    put one child's answers on another."""
    path = Path(path)
    if not path.exists():
        return {}
    programs, text = _read_programs(path)
    out: dict[str, int] = {}
    for learner_id, number in programs.get(program, {}).items():
        key = f"programs.{program}.{learner_id}"
        if not _ID.match(learner_id):
            raise _refuse(path, _line_of(text, program, learner_id), key, _("this is not a learner id"))
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= CODES:
            raise _refuse(path, _line_of(text, program, learner_id), key,
                          _("{value!r} is not a card number (1 to {codes})").format(value=number, codes=CODES))
        out[learner_id] = number
    return out


def _scopes(learners: Sequence[Learner], roster_path: Path) -> list[list[Learner]]:
    """The sets of learners whose numbers must differ: the roster, or each group when it is larger than CODES."""
    if len(learners) <= CODES:
        return [list(learners)]
    groups: dict[str, list[Learner]] = {}
    for learner in learners:
        groups.setdefault(learner.group, []).append(learner)
    problems = []
    if "" in groups:
        problems.append(Problem(roster_path, 0, "group", ngettext(
            "the class list has {n} learner, more than answer cards tell apart ({codes}), and some have no group",
            "the class list has {n} learners, more than answer cards tell apart ({codes}), and some have no group",
            len(learners)).format(n=len(learners), codes=CODES),
            _("give every learner a group of at most {codes} (a group column)").format(codes=CODES)))
    for group, members in groups.items():
        if group and len(members) > CODES:
            problems.append(Problem(roster_path, 0, "group", ngettext(
                "group {group} has {n} learner, more than answer cards tell apart ({codes})",
                "group {group} has {n} learners, more than answer cards tell apart ({codes})",
                len(members)).format(group=group, n=len(members), codes=CODES),
                _("split the group into groups of at most {codes}").format(codes=CODES)))
    if problems:
        raise ConfigError(problems)
    return list(groups.values())


def assign_numbers(learners: Sequence[Learner], known: Mapping[str, int], *,
                   roster_path: Path = Path("roster.csv")) -> dict[str, int]:
    """Numbers for every learner: a roster `card` column first, then `known`, then the lowest free
    number in the child's scope (the roster, or their group when the roster is larger than CODES).

    A known number another child of the scope already holds (the roster's column, or a child earlier
    in the roster) is given up for a new one. In a roster-wide scope the numbers of children who have
    left (in `known`, not in the roster) are given to newcomers only when no other number is free, so a
    card left behind does not answer for someone new. Raises ConfigError (naming `roster_path`) when a
    scope has more children than CODES.
    """
    numbers: dict[str, int] = {}
    present = {learner.learner_id for learner in learners}
    for scope in _scopes(learners, roster_path):
        taken = {learner.card for learner in scope if learner.card is not None}
        for learner in scope:
            if learner.card is not None:
                numbers[learner.learner_id] = learner.card
        waiting = []
        for learner in scope:
            if learner.card is not None:
                continue
            number = known.get(learner.learner_id)
            if number is not None and 1 <= number <= CODES and number not in taken:
                numbers[learner.learner_id] = number
                taken.add(number)
            else:
                waiting.append(learner)
        whole = len(scope) == len(learners)
        left = {n for lid, n in known.items() if lid not in present} if whole else set()
        free = [n for n in range(1, CODES + 1) if n not in taken and n not in left] + \
               [n for n in range(1, CODES + 1) if n not in taken and n in left]
        for learner, number in zip(waiting, free):
            numbers[learner.learner_id] = number
    return numbers


def merged(known: Mapping[str, int], assigned: Mapping[str, int]) -> dict[str, int]:
    """What the file keeps: every learner's number now, and those who left whose number nobody took."""
    used = set(assigned.values())
    out = {lid: n for lid, n in known.items() if lid not in assigned and n not in used}
    out.update(assigned)
    return dict(sorted(out.items()))


def save_numbers(path: Path, program: str, numbers: Mapping[str, int]) -> None:
    """Write `program`'s numbers atomically, keeping other programmes'. A file that cannot be read is
    not overwritten (ConfigError): it may hold another programme's numbers."""
    path = Path(path)
    programs = dict(_read_programs(path)[0]) if path.exists() else {}
    programs[program] = {str(k): int(v) for k, v in sorted(numbers.items())}
    document = {"version": FORMAT_VERSION, "programs": dict(sorted(programs.items()))}
    write_text(path, json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def apply_numbers(learners: Sequence[Learner], numbers: Mapping[str, int]) -> tuple[Learner, ...]:
    """The learners with `card` set from `numbers` where the roster gave none."""
    return tuple(learner if learner.card is not None or learner.learner_id not in numbers
                 else replace(learner, card=numbers[learner.learner_id]) for learner in learners)
