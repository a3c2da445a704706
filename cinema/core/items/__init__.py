"""Item handlers: how each playlist item type behaves while it is the current item."""

from cinema.core.items.base import ItemHandler, Lesson, Stopwatch
from cinema.core.items.registry import HANDLERS

__all__ = ["HANDLERS", "ItemHandler", "Lesson", "Stopwatch"]
