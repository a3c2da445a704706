"""`cinema scan IMAGE...`: the cards in image files, one JSON line per code found: each QR code (an
attendance card's front) and each answer card's marker (its back, read as the kiosk's webcam reads it)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from cinema.config.picture_files import MAX_PIXELS, PictureRefused, read_header, special_file_kind
from cinema.core.roster import Roster, verify_token
from cinema.devices.cards.answer_card import answer_for
from cinema.devices.cards.decode import UnreadableImage, decode_frame, load_gray
from cinema.devices.cards.markers import MarkerReader

# Why an answer card's line is not valid (English, like the QR reasons: what scripts match on).
NOT_ON_ROSTER = "Card number not on this kiosk's roster"
SHARED = "Card number shared by two groups: present children tell them apart"


def scan_lines(path: str, program: str, keys: Sequence[bytes], roster: Roster | None = None,
               reader: MarkerReader | None = None) -> list[dict[str, Any]]:
    """The JSON objects `cinema scan` prints for one file (raises `UnreadableImage`): the QR codes,
    then the answer cards by number; the learner of an answer card comes from `roster`."""
    _refuse_before_decoding(path)
    gray = load_gray(path)
    found = decode_frame(gray)
    markers = sorted((reader or MarkerReader()).read(gray), key=lambda marker: marker.number)
    if not found and not markers:
        return [{"file": path, "codes": 0, "note": "no QR code or answer card in this image"}]
    lines = []
    for code in found:
        check = verify_token(code.text, program, tuple(keys))
        line: dict[str, Any] = {"file": path, "learner_id": check.learner_id, "valid": check.valid}
        if not check.valid:
            line["reason"] = check.reason
        # how the card is held: the answer-by-card letter, or null between two letters
        line["orientation"] = code.orientation_degrees
        line["answer"] = answer_for(code.orientation_degrees)
        lines.append(line)
    for marker in markers:
        learner_id = roster.by_card(marker.number) if roster is not None else None
        line = {"file": path, "learner_id": learner_id, "valid": learner_id is not None}
        if learner_id is None:
            holders = sum(1 for learner in roster.learners if learner.card == marker.number) if roster else 0
            line["reason"] = SHARED if holders > 1 else NOT_ON_ROSTER
        line["answer"] = marker.letter  # the letter on top, or null when held between two
        line["card"] = marker.number
        line["orientation"] = marker.angle
        lines.append(line)
    return lines


def _refuse_before_decoding(path: str) -> None:
    """A pipe or device would block the scan for good, and a huge picture would take gigabytes to
    decode: both are refused from a stat and the picture's header. Formats Pillow does not know
    are left to the decoder, which says so itself."""
    if special_file_kind(path) == "special":
        raise UnreadableImage("not a file (a pipe or a device)")
    try:
        read_header(path)
    except PictureRefused as refused:
        if refused.kind == "too_big":
            size = "{0}x{1}, ".format(*refused.size) if refused.size else ""
            raise UnreadableImage(f"picture too big to scan ({size}at most {MAX_PIXELS // 1_000_000} megapixels)") \
                from refused


def scan_main(paths: Iterable[str], program: str, keys: Sequence[bytes], out: IO[str], *,
              roster: Roster | None = None) -> int:
    """Print a JSON line per code in each image; 0 when every image could be read, else 1.

    An image that cannot be read prints `{"file": ..., "error": ...}` and the others are still
    scanned; an image with no code prints `{"file": ..., "codes": 0, ...}`. An answer card's line
    has the card's number and turn too: `{"file", "learner_id", "valid", "answer", "card",
    "orientation"}`, and a `reason` when `roster` has nobody (or two children) with that number.
    """
    status = 0
    reader = MarkerReader()
    for path in paths:
        try:
            lines = scan_lines(path, program, keys, roster, reader)
        except UnreadableImage as exc:
            lines = [{"file": path, "error": str(exc)}]
            status = 1
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        out.flush()
    return status
