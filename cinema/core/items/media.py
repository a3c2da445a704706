"""Video and audio items: play through the player, follow its position, move on when it ends."""

from __future__ import annotations

from cinema.core.events import (
    Effect, Event, MediaFailed, MediaFinished, MediaPosition, PauseMedia, PlayMedia, SeekMedia, StopMedia,
)
from cinema.core.items.base import ItemHandler
from cinema.core.messages import N_
from cinema.core.records import MediaSeeked
from cinema.core.view import Body, MediaBody, Screen

MEDIA_TYPES = ("video", "audio")
TIME_BAR_SECONDS = 3.0  # the time bar stays up this long after a seek (and all the while paused)
CAPTIONS_ON = N_("Captions on")
CAPTIONS_OFF = N_("Captions off")
SETTLE_SECONDS = 2.0  # after a seek, a report far from the new place is the player's old place, not news
END_MARGIN = 1.0  # a seek forward stops this short of the end, so the player still ends the file itself


class MediaHandler(ItemHandler):
    """Each play request gets a new token, so a late "finished" from the last file is ignored."""

    def enter(self, start_at: float = 0.0) -> list[Effect]:
        super().enter()
        self._position = start_at
        self.duration: float | None = None
        self.seeked_at: float | None = None
        if self.item.media is None:
            return self.lesson.fail("no media file")
        if self.item.unplayable:  # found by the loader: outside the content folders, a pipe or a device
            return self.lesson.fail(self.item.unplayable)
        self.media_token = self.lesson.new_media_token()
        subtitles = str(self.item.subtitles) if self.item.subtitles else None
        return [PlayMedia(self.media_token, str(self.lesson.media_file(self.item)), self.item.type, start_at, subtitles)]

    def handle(self, event: Event) -> list[Effect]:
        if isinstance(event, MediaFinished):
            return self.lesson.finish()
        if isinstance(event, MediaFailed):
            return self.lesson.fail(event.reason)
        if isinstance(event, MediaPosition):
            if not self._stale(event.seconds):
                self._position = event.seconds
            if event.duration:
                self.duration = event.duration
                self.lesson.learn_duration(self.item.id, event.duration)
        return []

    def pause(self, paused: bool) -> list[Effect]:
        return [PauseMedia(paused)]

    def _stale(self, reported: float) -> bool:
        """A position asked for before the seek, or read while the player was still getting there:
        the time bar must not jump back to where the video was."""
        if self.seeked_at is None:
            return False
        since = self.lesson.now() - self.seeked_at
        return since < SETTLE_SECONDS and abs(reported - self._position) > 1.0 + since

    def seek(self, delta: float) -> list[Effect]:
        """Move `delta` seconds back (negative) or on, never before the start nor past the end
        (while the length is unknown, only back); journaled with where it was and where it went."""
        if not self.media_token:
            return []  # the file never started (no media, or refused by the loader)
        start = self._position
        target = max(0.0, start + delta)
        if self.duration:
            target = min(target, max(0.0, self.duration - END_MARGIN))
        elif delta > 0:
            target = start
        target = round(target, 1)
        self.seeked_at = self.lesson.now()
        if target == round(start, 1):
            return []  # at the start or the end already: nothing moves, the bar still shows where
        self._position = target
        seeked = MediaSeeked(index=self.lesson.index, item=self.item.id, from_seconds=round(start, 1),
                             to_seconds=target)
        return [seeked.record(), SeekMedia(target)]

    def item_seconds_left(self) -> float | None:
        if self.item.media is None or self.item.unplayable or not self.duration:
            return None
        return max(0.0, self.duration - self._position)

    def leave(self) -> list[Effect]:
        return [StopMedia()]

    def elapsed(self) -> float:
        return self._position

    @property
    def position(self) -> float:
        return self._position

    def view(self) -> tuple[Screen, Body]:
        screen = Screen.VIDEO if self.item.type == "video" else Screen.AUDIO
        # Position is rounded to whole seconds so the view changes once a second, not every frame.
        seeking = self.seeked_at is not None and self.lesson.now() - self.seeked_at < TIME_BAR_SECONDS
        return screen, MediaBody(str(self.item.media), self.item.title, float(int(self._position)), self.duration,
                                 seeking=seeking)
