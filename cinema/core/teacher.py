"""Presenter mode's split of one screen into two: what the class window may show, and what only the
teacher's own window shows (battery advice, teacher messages, the PIN prompt, the keyboard hint).

Pure: the display adapter asks `class_view(view)` for the projector when a teacher window is open;
with one display the View is drawn whole (the teacher's messages as small strips over it).
"""

from __future__ import annotations

from dataclasses import replace

from cinema.core.messages import DISK_FULL
from cinema.core.power import MSG_STOP
from cinema.core.view import View

PAUSED = "Paused"
ALREADY_MARKED = "Already marked"

# Toasts the class needs to see: about the room's own cards and answers (a full disk refuses them), or
# that the lesson stopped. Every other toast (PIN, keyboard, captions, battery, USB) is the teacher's.
CLASS_TOASTS = frozenset({PAUSED, ALREADY_MARKED, MSG_STOP, DISK_FULL})


def class_view(view: View, class_toasts: frozenset[str] = CLASS_TOASTS) -> View:
    """The View for the projector when the teacher has a window of their own: no PIN prompt, no
    battery advice, no keyboard hint, no roster to mark children by hand, and only the toasts meant
    for the room."""
    toast = view.toast if view.toast in class_toasts else ""
    return replace(view, pin=None, power_advice=None, keyboard_locked=False, toast=toast, picker=None)
