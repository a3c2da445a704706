"""Message ids the engine puts in a View (`msg` fields, `View.toast`), marked for translation."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for the catalog without translating it now (translated when drawn)."""
    return message


ENGINE_MESSAGES: tuple[str, ...] = (
    N_("This video could not be played."),
    N_("This audio could not be played."),
    N_("This slide could not be shown."),
    N_("Moving on shortly."),
    N_("Card not recognised"),
    N_("Card from another programme"),
    N_("Already marked"),
    N_("Paused"),
    N_("Enter the teacher PIN"),
    N_("Wrong PIN"),
    N_("Saved. Connect power."),
    N_("Battery low"),
    N_("Breathing exercise"),
    N_("Print a new card for this child"),
    N_("Saving: leave the USB stick in"),
    N_("Saved: you can take the USB stick out"),
    N_("Nothing new for the USB stick"),
    N_("Not saved: try another USB stick"),
)
