"""Message ids the engine puts in a View (`msg` fields, `View.toast`), marked for translation (standard library only)."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for the catalog without translating it now (translated when drawn)."""
    return message


USB_SAVING = N_("Saving: leave the USB stick in")
USB_SAVED = N_("Saved: you can take the USB stick out")
USB_NOTHING = N_("Nothing new for the USB stick")
USB_FAILED = N_("Not saved: try another USB stick")
DISK_LOW = N_("Little disk space left: free some after the lesson")
DISK_RESERVE = N_("Disk full: the reserve space is in use")
DISK_FULL = N_("Disk full: answers and cards are not being taken")
DISK_BACK = N_("The disk has room again: answers are taken")
DISK_NOT_SAVED = N_("Not saved: the disk is full")
JOURNAL_SET_ASIDE = N_("The journal was damaged: it was kept aside and a new one started")

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
    DISK_LOW, DISK_RESERVE, DISK_FULL, DISK_BACK, DISK_NOT_SAVED, JOURNAL_SET_ASIDE,
)
