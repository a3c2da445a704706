"""`cinema cards ROSTER.csv -o cards.pdf`: read the roster and the key, number the answer cards, write the
cards, say what was made."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from cinema.locale.runtime import gettext as _
from cinema.locale.runtime import ngettext
from pathlib import Path
from typing import TextIO

from cinema.config.problems import ConfigError, display_path

from .keys import current_key, new_key_file
from .numbers import apply_numbers, assign_numbers, load_numbers, merged, numbers_path, save_numbers
from .pdf import make_cards_pdf
from .roster_csv import load_roster_csv

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_PROGRAM = "DEMO"
DEFAULT_KEYS = Path("var/card-keys.json")


@dataclass(frozen=True)
class CardSettings:
    program: str = DEFAULT_PROGRAM
    keys: Path = PROJECT_ROOT / DEFAULT_KEYS
    show_names: bool = True


def cards_main(roster_csv: Path, out_pdf: Path, config_path: Path | None = None, *,
               program: str | None = None, keys: Path | None = None, show_names: bool | None = None,
               today: date | None = None, out: TextIO | None = None, err: TextIO | None = None,
               one_sided: bool = False) -> int:
    """Make the cards; 0 on success, 1 with `file:line: ...` lines (or one line) on stderr otherwise.

    Settings come from the kiosk config's `cards` section when `config_path` is given, and an
    argument given here wins over it. A missing key file is made (and said so): the first
    `cinema cards` of a programme creates its key. Each child's answer card number comes from the
    roster's card column, else the numbers file beside the key, else is new; the numbers file is
    saved before the PDF is written, so no card is ever printed with a number the kiosk does not know.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    today = today or date.today()
    try:
        settings = _settings(config_path, program, keys, show_names)
        learners = load_roster_csv(Path(roster_csv))
    except ConfigError as exc:
        return _said(exc, err)
    try:
        if not settings.keys.exists():
            new_key_file(settings.keys, today)
            print(_("Made a new card key: {path}. Copy it to every kiosk of programme {program}; "
                    "keep it private.").format(path=display_path(settings.keys), program=settings.program), file=out)
        key = current_key(settings.keys)
    except ConfigError as exc:
        return _said(exc, err)
    except OSError as exc:
        print(_("cannot write the card key {path}: {error}").format(
            path=display_path(settings.keys), error=exc.strerror or exc), file=err)
        return 1
    numbers_file = numbers_path(settings.keys)
    try:
        known = load_numbers(numbers_file, settings.program)
        numbers = assign_numbers(learners, known, roster_path=Path(roster_csv))
        save_numbers(numbers_file, settings.program, merged(known, numbers))
    except ConfigError as exc:
        return _said(exc, err)
    except OSError as exc:
        print(_("cannot write the card numbers {path}: {error}").format(
            path=display_path(numbers_file), error=exc.strerror or exc), file=err)
        return 1
    new = sum(1 for learner in learners if learner.learner_id not in known and learner.card is None)
    print(_("Answer card numbers: {path} (new: {n}). Copy it with the card key to every kiosk of programme "
            "{program}: a kiosk without it cannot tell whose answer card it sees.").format(
        path=display_path(numbers_file), n=new, program=settings.program), file=out)
    try:
        pages = make_cards_pdf(apply_numbers(learners, numbers), settings.program, key, Path(out_pdf),
                               show_names=settings.show_names, one_sided=one_sided)
    except OSError as exc:
        print(_("cannot write {path}: {error}").format(path=display_path(Path(out_pdf)), error=exc.strerror or exc),
              file=err)
        return 1
    cards = ngettext("{n} card", "{n} cards", len(learners)).format(n=len(learners))
    sheets = ngettext("{n} page", "{n} pages", pages).format(n=pages)
    print(_("{path}: {cards} on {pages}").format(path=display_path(Path(out_pdf)), cards=cards, pages=sheets),
          file=out)
    print(_("Fold each page on its dotted line, printed side out, and cut nothing.") if one_sided else
          _("Print on both sides, flipping on the long edge, then cut each sheet on its dashed line."), file=out)
    return 0


def _settings(config_path: Path | None, program: str | None, keys: Path | None,
              show_names: bool | None) -> CardSettings:
    base = CardSettings()
    if config_path is not None:
        from cinema.config import load_kiosk_config

        cards = getattr(load_kiosk_config(Path(config_path)), "cards", None)
        if cards is not None:
            base = CardSettings(cards.program, Path(cards.keys), cards.names_on_cards)
    return CardSettings(program or base.program, Path(keys) if keys else base.keys,
                        base.show_names if show_names is None else show_names)


def _said(exc: ConfigError, err: TextIO) -> int:
    """Each problem on its own `file:line: ...` line; the exit status 1."""
    for problem in exc.problems:
        print(str(problem), file=err)
    return 1
