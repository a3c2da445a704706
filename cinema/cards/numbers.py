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
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from cinema.core.roster import Learner

CODES = 100  # cards a marker family tells apart (DICT_5X5_100)
NUMBERS_FILE = "card-numbers.json"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 4 * 1024 * 1024


def numbers_path(keys_path: Path) -> Path:
    """Where the numbers live: beside the card key file."""
    return Path(keys_path).with_name(NUMBERS_FILE)


def load_numbers(path: Path, program: str) -> dict[str, int]:
    """learner id -> card number for `program` ({} when there is no file yet).
    TODO(helper A): refuse a bad file with a ConfigError naming it and what to do."""
    path = Path(path)
    if not path.exists():
        return {}
    data = json.loads(path.read_bytes()[:MAX_FILE_BYTES])
    numbers = data.get("programs", {}).get(program, {})
    return {str(k): int(v) for k, v in numbers.items()}


def assign_numbers(learners: Sequence[Learner], known: Mapping[str, int]) -> dict[str, int]:
    """Numbers for every learner: a roster `card` column first, then `known`, then the lowest free
    number in the child's scope (the roster, or their group when the roster is larger than CODES).
    TODO(helper A)."""
    raise NotImplementedError


def save_numbers(path: Path, program: str, numbers: Mapping[str, int]) -> None:
    """Write `program`'s numbers atomically, keeping other programmes'. TODO(helper A)."""
    raise NotImplementedError


def apply_numbers(learners: Sequence[Learner], numbers: Mapping[str, int]) -> tuple[Learner, ...]:
    """The learners with `card` set from `numbers` where the roster gave none."""
    return tuple(learner if learner.card is not None or learner.learner_id not in numbers
                 else replace(learner, card=numbers[learner.learner_id]) for learner in learners)
