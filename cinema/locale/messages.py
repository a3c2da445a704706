"""Message ids the engine shows (defined in the pure core, re-exported for the translation layer)."""

from cinema.core.messages import ENGINE_MESSAGES, N_, USB_FAILED, USB_NOTHING, USB_SAVED, USB_SAVING

__all__ = ["ENGINE_MESSAGES", "N_", "USB_FAILED", "USB_NOTHING", "USB_SAVED", "USB_SAVING"]
