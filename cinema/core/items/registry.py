"""One row per item type: the handler that plays it. A new item type is a module and a row here."""

from __future__ import annotations

from cinema.core.items.activity import ActivityHandler
from cinema.core.items.attendance import AttendanceHandler, PairingHandler
from cinema.core.items.base import ItemHandler
from cinema.core.items.checkin import CheckinHandler
from cinema.core.items.media import MediaHandler
from cinema.core.items.slides import SlidesHandler
from cinema.core.items.timed import BreakHandler, ClosingHandler, TitleHandler

HANDLERS: dict[str, type[ItemHandler]] = {
    "title": TitleHandler,
    "video": MediaHandler,
    "audio": MediaHandler,
    "slides": SlidesHandler,
    "activity": ActivityHandler,
    "checkin": CheckinHandler,
    "attendance": AttendanceHandler,
    "pairing": PairingHandler,
    "break": BreakHandler,
    "closing": ClosingHandler,
}
