"""Pictures from files, loaded once and kept scaled to the box they are shown in."""

from __future__ import annotations

import logging
from collections import OrderedDict

import pygame

from cinema.config.picture_files import PictureRefused, read_header
from cinema.display.layout import fit_rect

log = logging.getLogger(__name__)


class ImageCache:
    """Scaled images by (path, box size); a file that fails to load is remembered as failed
    (until `clear()`, e.g. on a resolution change) so a broken slide is not re-read every frame."""

    def __init__(self, limit: int = 12) -> None:
        self._scaled: OrderedDict[tuple[str, tuple[int, int]], pygame.Surface | None] = OrderedDict()
        self._limit = limit
        self.loads = 0  # how many times a file was read (tests check the cache works)

    def clear(self) -> None:
        self._scaled.clear()

    def fitted(self, path: str, box: tuple[int, int]) -> pygame.Surface | None:
        """The image scaled to fit `box` keeping its aspect, or None if it can't be loaded."""
        key = (path, box)
        if key in self._scaled:
            self._scaled.move_to_end(key)
            return self._scaled[key]
        image = self._load(path)
        if image is not None:
            target = fit_rect(image.get_size(), pygame.Rect((0, 0), box))
            image = pygame.transform.smoothscale(image, target.size)
        self._scaled[key] = image
        if len(self._scaled) > self._limit:
            self._scaled.popitem(last=False)
        return image

    def _load(self, path: str) -> pygame.Surface | None:
        self.loads += 1
        try:
            # Before SDL opens it: a FIFO would block the kiosk for good, and a picture of
            # 20000x20000 would take gigabytes to decode; the header says both.
            read_header(path)
        except PictureRefused as refused:
            log.warning("not showing %s: %s", path, refused.reason)
            return None
        try:
            image = pygame.image.load(path)
        except (pygame.error, OSError, ValueError) as exc:
            log.warning("cannot load image %s: %s", path, exc)
            return None
        if image.get_bitsize() not in (24, 32):  # smoothscale needs 24/32-bit pixels
            image = image.convert_alpha() if pygame.display.get_surface() else image.convert(32)
        elif pygame.display.get_surface() is not None:
            image = image.convert_alpha() if image.get_alpha() is not None else image.convert()
        return image
