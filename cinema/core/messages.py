"""Message ids the engine puts in a View (`msg` fields, `View.toast`), marked for translation (standard library only)."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for the catalog without translating it now (translated when drawn)."""
    return message


USB_SAVING = N_("Saving: leave the USB stick in")
USB_SAVED = N_("Saved: you can take the USB stick out")
USB_NOTHING = N_("Nothing new for the USB stick")
USB_FAILED = N_("Not saved: try another USB stick")

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
    USB_SAVING, USB_SAVED, USB_NOTHING, USB_FAILED,
)
