"""Play video and audio with libvlc: into the kiosk window, into pygame frames, or nowhere (tests)."""

from __future__ import annotations

import ctypes
import logging
import os
import queue
import threading
import time
from dataclasses import dataclass
from typing import Callable

import vlc

from cinema.media.base import MediaUnavailable
from cinema.media.end_check import PlayFacts, end_reason

log = logging.getLogger(__name__)

MODES = ("window", "frames", "dummy")

_BASE_ARGS = (
    "--quiet",
    "--no-video-title-show",  # the file name would flash over every lesson video
    "--no-osd",
    "--no-snapshot-preview",
    "--no-sub-autodetect-file",  # subtitles come from the playlist, not from neighbours
)
# Hardware decoding (VA-API, VDPAU) through VLC's avcodec module ("any": the first that opens for the
# codec and this laptop, else the CPU). VLC 3's own default is "any" too, so software decoding must say
# "none". With hardware decoding on, VLC counts shown pictures (--stats): a decoder that gives none is
# noticed and dropped.
HARDWARE_ARGS = ("--avcodec-hw=any",)
_CHECKED_ARGS = ("--stats",)
_SOFTWARE_ARGS = ("--avcodec-hw=none", "--no-stats")
PICTURE_TIMEOUT_S = 2.0  # playing this long with a video stream and no picture: hardware decoding is dropped
# ...and the file's clock must have run this far past where it started: while VLC decodes its way from a
# key frame to a resume point (or a seek), the clock stands still and no picture is due yet.
_CLOCK_RUN_S = 0.2
# The kiosk never calls XInitThreads, so VLC must not use Xlib in its window (libvlc docs).
_WINDOW_ARGS = ("--no-xlib",)
_DUMMY_ARGS = ("--vout=dummy", "--aout=dummy")
_SILENT_ARGS = ("--aout=dummy",)

_VLC_EVENTS = (
    ("MediaPlayerPlaying", "playing"),
    ("MediaPlayerESAdded", "es"),
    ("MediaPlayerTimeChanged", "time"),
    ("MediaPlayerLengthChanged", "length"),
    ("MediaPlayerEndReached", "end"),
    ("MediaPlayerEncounteredError", "error"),
    ("MediaPlayerVout", "vout"),
)
_ES_AUDIO, _ES_VIDEO = 0, 1
_TICK_S = 0.5  # the supervisor looks at a playing item this often (and at each VLC event)


class _EsChanged(ctypes.Structure):
    # libvlc_event_t.u.media_player_es_changed, which python-vlc does not declare.
    _fields_ = [("i_type", ctypes.c_int), ("i_id", ctypes.c_int)]


@dataclass
class _Item:
    """The current play request, as the supervisor thread sees it."""

    token: int
    gen: int
    path: str
    start_at: float
    requested_at: float
    playing_at: float | None = None
    progress_at: float = 0.0
    audio: int = 0
    video: int = 0
    max_time_s: float = 0.0
    length_s: float | None = None
    paused_since: float | None = None
    paused_total: float = 0.0
    seeked: bool = False
    done: bool = False
    time_s: float = 0.0  # the file's clock, as VLC last said it
    vout: bool = False  # VLC opened a video output: the decoder gave a picture format
    pictured: bool = False  # VLC counted a shown picture (hardware decoding works for this item)
    shown: int = 0  # pictures shown (or dropped late) so far, while hardware decoding is checked
    decoded: int = 0  # video blocks decoded when `shown` last went up
    shown_clock: float | None = None  # the file's clock then (None: take it again, after a seek)


@dataclass(frozen=True)
class _FallBack:
    """The supervisor's outcome when hardware decoding gave no picture: start the item again in software."""

    gen: int
    reason: str
    position: float | None = None  # where to start again (None: where the item started, or was sought to)


class VlcPlayer:
    """One libvlc instance and one MediaPlayer, reused for every item (no gap, no new window).

    `on_finished(token)` and `on_failed(token, reason)` are called from this player's own
    supervisor thread, never from VLC's threads, so they may call back into the player.
    Public methods never raise for a bad file: it becomes `on_failed`.

    Hardware decoding is asked for unless `hardware_decoding` is False. When an item with a video
    stream shows no picture (none after `picture_timeout` s of playing, or it ends or errs before
    one, or its pictures stop for that long while VLC goes on decoding), the player drops it for the
    rest of its life: VLC is opened again decoding in software, the same item starts again where its
    picture was lost (same token), and
    `on_decoding(token, media, position, reason)` says so once (media: the file's name).
    `hardware_args` are the VLC options that ask for it (tests give ones that make the decoder fail).
    """

    def __init__(
        self,
        on_finished: Callable[[int], None],
        on_failed: Callable[[int, str], None],
        mode: str = "dummy",
        *,
        rate: float = 1.0,
        window_id: int | None = None,
        frame_size: tuple[int, int] = (1280, 720),
        audio: bool = True,
        start_timeout: float = 5.0,
        stall_timeout: float = 15.0,
        vlc_args: tuple[str, ...] = (),
        caption_scale: int = 100,
        hardware_decoding: bool = True,
        hardware_args: tuple[str, ...] = HARDWARE_ARGS,
        on_decoding: Callable[[int, str, float, str], None] | None = None,
        picture_timeout: float = PICTURE_TIMEOUT_S,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown VLC mode {mode!r}; use one of {', '.join(MODES)}")
        if mode == "window" and not window_id:
            raise ValueError("window mode needs the window id to draw into")
        self._on_finished = on_finished
        self._on_failed = on_failed
        self._mode = mode
        self._rate = rate
        self._start_timeout = start_timeout
        self._stall_timeout = stall_timeout
        self._on_decoding = on_decoding
        self._hardware = hardware_decoding
        self._hardware_args = tuple(hardware_args)
        self._picture_timeout = picture_timeout
        self._window_id = int(window_id or 0)

        args = list(_BASE_ARGS)
        if mode == "window":
            args += _WINDOW_ARGS
        if mode == "dummy":
            args += _DUMMY_ARGS
        elif not audio:
            args += _SILENT_ARGS
        if caption_scale != 100:  # captions bigger or smaller than VLC's usual size (display.caption_size)
            args.append(f"--sub-text-scale={int(caption_scale)}")
        args += vlc_args
        self._args = tuple(args)
        self._frames = None
        if mode == "frames":
            from cinema.media.frame_buffer import FrameBuffer

            self._frames = FrameBuffer(frame_size)
        self._inbox: queue.Queue = queue.Queue()
        self._handlers: list = []
        self._instance, self._mp = self._open_vlc()

        self._control = threading.RLock()  # serialises calls into the MediaPlayer
        self._state = threading.Lock()  # guards _gen/_item, held only briefly
        self._gen = 0
        self._item: _Item | None = None
        self._media: vlc.Media | None = None
        self._preloaded: tuple[str, vlc.Media] | None = None
        self._captions = True  # the teacher's captions on/off, kept from one file to the next
        self._subtitles: str | None = None  # the playing file's own subtitle file
        self._overlay: tuple[str, int, int] | None = None  # the last set_overlay picture, for a new MediaPlayer
        self._closed = False
        self._supervisor = threading.Thread(target=self._run, name="vlc-supervisor", daemon=True)
        self._supervisor.start()

    # -- the Player interface ---------------------------------------------------

    def play(self, token: int, path: str, start_at: float = 0.0, subtitles: str | None = None) -> None:
        with self._control:
            if self._closed:
                return
            problem = _unreadable(path)
            if problem:
                self._stop_vlc()
                gen = self._begin(token, path, start_at)
                self._inbox.put((gen, "fail", problem))
                return
            try:
                media = self._take_media(path)
                if start_at > 0:
                    media.add_option(f":start-time={start_at:.3f}")
                self._subtitles = None
                if subtitles:
                    if os.path.isfile(subtitles):
                        self._subtitles = subtitles
                        if self._captions:
                            media.add_option(f":sub-file={subtitles}")
                    else:
                        log.warning("subtitles not found, playing without: %s", subtitles)
                if self._frames is not None:
                    self._frames.set_source_size(_visible_size(media))
                # set_media stops the previous input and waits for it: its last events
                # carry the old generation and are ignored.
                self._mp.set_media(media)
                self._media = media
                gen = self._begin(token, path, start_at)
                self._mp.set_rate(self._rate)
                started = self._mp.play()
            except Exception as exc:  # a libvlc surprise must not crash the kiosk
                log.exception("VLC refused to play %s", path)
                gen = self._begin(token, path, start_at)
                self._inbox.put((gen, "fail", f"could not start playback ({exc})"))
                return
            if started != 0:
                self._inbox.put((gen, "fail", "VLC could not start playing this file"))
            log.info("playing %s (token %s)", os.path.basename(path), token)

    def preload(self, path: str) -> None:
        """Open and parse the next file now so that play() starts it without a pause."""
        with self._control:
            if self._closed or _unreadable(path):
                return
            try:
                media = self._instance.media_new_path(path)
                media.parse_with_options(vlc.MediaParseFlag.local, 2000)
            except Exception:
                log.exception("preload failed for %s", path)
                return
            self._preloaded = (path, media)

    def pause(self, paused: bool) -> None:
        with self._control:
            if self._closed:
                return
            self._mp.set_pause(1 if paused else 0)
            now = time.monotonic()
            with self._state:
                item = self._item
                if item is None:
                    return
                if paused and item.paused_since is None:
                    item.paused_since = now
                elif not paused and item.paused_since is not None:
                    item.paused_total += now - item.paused_since
                    item.progress_at = now
                    item.paused_since = None

    def show_captions(self, on: bool) -> None:
        """Captions on or off, now and for the files that follow."""
        with self._control:
            self._captions = on
            if self._closed or self._item is None:
                return
            try:
                if not on:
                    self._mp.video_set_spu(-1)
                    return
                tracks = [track for track, _name in self._mp.video_get_spu_description() or () if track != -1]
                if tracks:
                    self._mp.video_set_spu(tracks[0])
                elif self._subtitles:  # started with captions off: the file's subtitles were never loaded
                    self._mp.add_slave(vlc.MediaSlaveType.subtitle, "file://" + os.path.abspath(self._subtitles), True)
            except Exception:  # a libvlc surprise must not crash the kiosk
                log.exception("could not turn captions %s", "on" if on else "off")

    def seek(self, seconds: float) -> None:
        with self._control:
            if self._closed:
                return
            self._mp.set_time(int(max(0.0, seconds) * 1000))
            with self._state:
                if self._item is not None:
                    self._item.seeked = True
                    self._item.progress_at = time.monotonic()
                    self._item.shown_clock = None  # no picture is due while VLC decodes its way there

    def stop(self) -> None:
        """Stop playing; no callback comes for the stopped item."""
        with self._control:
            if self._closed:
                return
            self._stop_vlc()
            if self._frames is not None:
                self._frames.clear()

    def position(self) -> float:
        with self._control:
            if self._closed:
                return 0.0
            ms = self._mp.get_time()
        seconds = max(0, ms) / 1000.0
        with self._state:
            item = self._item
            if item is not None and not item.seeked and item.max_time_s < item.start_at:
                # Not at the resume point yet (VLC says 0 until it starts there): the lesson is
                # still at start_at, and saving 0 would lose the place at the next power cut.
                return max(seconds, item.start_at)
        return seconds

    def duration(self) -> float | None:
        with self._control:
            if self._closed:
                return None
            ms = self._mp.get_length()
        if ms and ms > 0:
            return ms / 1000.0
        with self._state:
            return self._item.length_s if self._item else None

    def started_at(self) -> float | None:
        """time.monotonic() when VLC began playing the current item; None before (or stopped)."""
        with self._state:
            return self._item.playing_at if self._item is not None else None

    def frame(self):
        """The newest video frame as a pygame Surface ("frames" mode), else None."""
        if self._frames is None:
            return None
        with self._state:
            item = self._item
            if item is not None and item.video == 0 and (item.audio > 0 or item.done):
                return None  # an audio item: do not keep showing the last video
        return self._frames.frame()

    def frame_serial(self) -> int:
        """Goes up with every new video frame; the display redraws only when it changed."""
        return self._frames.serial() if self._frames is not None else 0

    def set_window(self, window_id: int) -> None:
        """The window VLC draws into ("window" mode) was made again (a projector plugged in or
        unplugged). VLC keeps drawing into the window it started with, so a file playing now is started
        again in the new one where it was (paused if it was paused): same token, the lesson goes on."""
        if self._mode != "window" or not window_id:
            return
        with self._control:
            if self._closed:
                return
            self._window_id = int(window_id)
            with self._state:
                item = self._item
                playing = item is not None and not item.done
                paused = playing and item.paused_since is not None
            if not playing:
                self._mp.set_xwindow(int(window_id))
                return
            position = self.position()
            token, path, subtitles = item.token, item.path, self._subtitles
            self._stop_vlc()
            self._mp.set_xwindow(int(window_id))
            log.info("video moved to the new window at %.1f s", position)
            self.play(token, path, position, subtitles)
            if paused:
                self.pause(True)

    @property
    def draws_overlays(self) -> bool:
        """True when VLC draws into the kiosk's window itself ("window" mode): then nothing pygame draws
        shows over the video, and the status bar, prompts and notices go to VLC as one picture
        (`set_overlay`), which its logo filter lays over each frame (no frame is copied)."""
        return self._mode == "window"

    def video_size(self) -> tuple[int, int, float] | None:
        """The playing video's picture: width and height in its own pixels (what an overlay's x, y count
        in) and the shape of those pixels (sample aspect ratio, 1.0 for square ones); None before VLC
        knows it, or with no video."""
        with self._control:
            if self._closed or self._item is None:
                return None
            try:
                width, height = self._mp.video_get_size(0)
                media = self._media
                sar = _sample_aspect(media) if media is not None else 1.0
            except Exception:  # no video output yet
                return None
        return (width, height, sar) if width and height else None

    def set_overlay(self, png: str | None, x: int = 0, y: int = 0) -> None:
        """Lay the picture in the file `png` (RGBA) over the video with its top-left corner at (x, y)
        in the video's own pixels, or take it off (None). The same path may be given again after the
        file changed: VLC reads it again. "window" mode only (in "frames" mode the kiosk draws on top)."""
        if self._mode != "window":
            return
        with self._control:
            if self._closed:
                return
            self._overlay = None if png is None else (png, int(x), int(y))
            try:
                if png is None:
                    self._mp.video_set_logo_int(vlc.VideoLogoOption.logo_enable, 0)
                    return
                self._mp.video_set_logo_string(vlc.VideoLogoOption.logo_file, png)
                self._mp.video_set_logo_int(vlc.VideoLogoOption.logo_position, -1)  # x, y from the top-left
                self._mp.video_set_logo_int(vlc.VideoLogoOption.logo_x, int(x))
                self._mp.video_set_logo_int(vlc.VideoLogoOption.logo_y, int(y))
                self._mp.video_set_logo_int(vlc.VideoLogoOption.logo_opacity, 255)
                self._mp.video_set_logo_int(vlc.VideoLogoOption.logo_enable, 1)
            except Exception:  # a libvlc surprise must not crash the kiosk: the video plays on
                log.exception("could not lay the overlay over the video")

    @property
    def hardware_decoding(self) -> bool:
        """True while VLC is asked to decode on the graphics chip (until a decoder failed)."""
        return self._hardware

    def set_frame_size(self, size: tuple[int, int]) -> None:
        """Where frames should fit ("frames" mode); takes effect from the next video."""
        if self._frames is not None:
            self._frames.set_target_size(size)

    def close(self) -> None:
        with self._control:
            if self._closed:
                return
            self._stop_vlc()
            self._closed = True
        self._inbox.put((None, "close", None))
        if threading.current_thread() is not self._supervisor:  # close() from a callback
            self._supervisor.join(timeout=5)
        self._mp.release()
        self._instance.release()

    # -- inside -------------------------------------------------------------------

    def _begin(self, token: int, path: str, start_at: float) -> int:
        now = time.monotonic()
        with self._state:
            self._gen += 1
            self._item = _Item(token, self._gen, path, start_at, requested_at=now, progress_at=now)
            return self._gen

    def _stop_vlc(self) -> None:
        with self._state:
            self._gen += 1  # whatever VLC still says about the old item is ignored
            self._item = None
        self._mp.stop()

    def _take_media(self, path: str) -> vlc.Media:
        pre, self._preloaded = self._preloaded, None
        if pre is not None and pre[0] == path:
            return pre[1]
        return self._instance.media_new_path(path)

    def _open_vlc(self) -> tuple[vlc.Instance, vlc.MediaPlayer]:
        """A libvlc instance and its MediaPlayer, drawing where this player draws, decoding in
        hardware while that is asked for (else, or when VLC refuses those options, in software)."""
        instance = None
        if self._hardware:
            instance = vlc.Instance([*self._args, *_CHECKED_ARGS, *self._hardware_args])
            if instance is None:
                log.warning("VLC refused the hardware decoding options %s: decoding in software",
                            " ".join(self._hardware_args))
                self._hardware = False
        if instance is None:
            instance = vlc.Instance([*self._args, *_SOFTWARE_ARGS])
        if instance is None:
            raise MediaUnavailable(
                "VLC could not start (plugins missing?): install vlc-plugin-base "
                "vlc-plugin-video-output"
            )
        mp = instance.media_player_new()
        if self._mode == "window":
            mp.set_xwindow(self._window_id)
            # Keys and clicks must reach the kiosk's window, not VLC's child window.
            mp.video_set_key_input(False)
            mp.video_set_mouse_input(False)
        elif self._frames is not None:
            self._frames.attach(mp)
        self._attach_events(mp)
        return instance, mp

    def _attach_events(self, mp: vlc.MediaPlayer) -> None:
        # python-vlc keeps one handler per event type: nobody else may attach to this player.
        manager = mp.event_manager()
        # The handlers run on VLC's threads, where calling libvlc can deadlock: they only
        # note what happened for the supervisor thread.
        for event_name, kind in _VLC_EVENTS:
            handler = self._make_handler(kind)
            self._handlers.append(handler)
            manager.event_attach(getattr(vlc.EventType, event_name), handler)

    def _make_handler(self, kind: str):
        inbox = self._inbox

        def handler(event) -> None:
            value = None
            if kind == "time":
                value = event.u.new_time / 1000.0
            elif kind == "length":
                value = event.u.new_length / 1000.0
            elif kind == "es":
                value = _EsChanged.from_address(ctypes.addressof(event.u)).i_type
            elif kind == "vout":
                value = event.u.new_count
            inbox.put((self._gen, kind, value))

        return handler

    def _run(self) -> None:
        while True:
            try:
                gen, kind, value = self._inbox.get(timeout=_TICK_S)
            except queue.Empty:
                gen, kind, value = None, "tick", None
            if kind == "close":
                return
            now = time.monotonic()
            with self._state:
                outcome = self._note(gen, kind, value, now) or self._watchdog(now)
            if isinstance(outcome, _FallBack):
                self._fall_back(outcome)
            elif outcome is not None:
                self._report(*outcome)

    def _note(self, gen, kind, value, now):
        """Update the current item from one VLC event; return an outcome when it is over."""
        item = self._item
        if item is None or item.done or gen != item.gen:
            return None
        if kind == "playing":
            if item.playing_at is None:
                item.playing_at = now
            item.progress_at = now
        elif kind == "es":
            if value == _ES_VIDEO:
                item.video += 1
            elif value == _ES_AUDIO:
                item.audio += 1
        elif kind == "time":
            item.time_s = value
            if value > item.max_time_s:
                item.max_time_s = value
                item.progress_at = now
        elif kind == "length":
            if value > 0:
                item.length_s = value
        elif kind == "vout":
            item.vout = item.vout or value > 0
        elif kind == "end":
            if self._no_picture(item):
                return self._give_up_hardware(item, "the video ended without a picture")
            return self._finish(item, _reason_at_end(item, now, self._rate))
        elif kind == "error":
            if self._no_picture(item):
                return self._give_up_hardware(item, "VLC reported an error before the first picture")
            return self._finish(item, "VLC could not open or decode this file")
        elif kind == "fail":
            return self._finish(item, value)
        return None

    def _watchdog(self, now):
        item = self._item
        if item is None or item.done or item.paused_since is not None:
            return None
        if item.playing_at is None and now - item.requested_at > self._start_timeout:
            return self._finish(item, f"did not start within {self._start_timeout:g} s")
        if item.playing_at is not None and now - item.progress_at > self._stall_timeout:
            if self._hardware and item.video and not item.pictured:
                return self._give_up_hardware(item, "playback stuck before the first picture")
            return self._finish(item, f"playback stuck for {self._stall_timeout:g} s")
        if self._hardware and item.video and item.playing_at is not None:
            return self._check_pictures(item, now)
        return None

    def _check_pictures(self, item: _Item, now: float) -> _FallBack | None:
        """While hardware decoding is on: give it up when a video shows no picture while its clock runs,
        at first (`no picture after 2 s`) or later (the decoder takes blocks and gives no picture)."""
        decoded, shown = self._picture_counts()
        if shown > item.shown or item.shown_clock is None:
            item.pictured = item.pictured or shown > 0
            item.shown, item.decoded, item.shown_clock = shown, decoded, item.time_s
            return None
        if not item.pictured:
            if (now - item.playing_at - item.paused_total > self._picture_timeout
                    and item.time_s - item.start_at >= _CLOCK_RUN_S):
                return self._give_up_hardware(item, f"no picture after {self._picture_timeout:g} s")
            return None
        if decoded > item.decoded and item.time_s - item.shown_clock >= self._picture_timeout:
            return self._give_up_hardware(item, f"the pictures stopped at {item.shown_clock:.1f} s",
                                          position=item.shown_clock)
        return None

    def _no_picture(self, item: _Item) -> bool:
        """True when hardware decoding is on and this item's video stream never gave a picture."""
        return bool(self._hardware and item.video and not item.pictured and not item.vout
                    and self._picture_counts()[1] == 0)

    def _picture_counts(self) -> tuple[int, int]:
        """VLC's counts for the current file (kept only while hardware decoding is on): video blocks
        decoded, and pictures shown or dropped for being late."""
        media = self._media
        if media is None:
            return 0, 0
        stats = vlc.MediaStats()
        try:
            if not media.get_stats(stats):
                return 0, 0
        except Exception:  # a libvlc surprise: count it as no news
            return 0, 0
        return int(stats.decoded_video), int(stats.displayed_pictures) + int(stats.lost_pictures)

    def _give_up_hardware(self, item: _Item, reason: str, position: float | None = None) -> _FallBack:
        item.done = True  # nothing more is said about this try; the software one carries the token on
        return _FallBack(item.gen, reason, position)

    def _fall_back(self, fall: _FallBack) -> None:
        """Open VLC again decoding in software and start the same item again where its picture was lost."""
        with self._control:
            with self._state:
                item = self._item
            if self._closed or item is None or item.gen != fall.gen or not self._hardware:
                return  # another item, or stop(), came first
            position = fall.position
            if position is None:  # no picture yet: from where it started (or was sought to) again
                position = self.position() if item.seeked else item.start_at
            paused = item.paused_since is not None
            token, path, subtitles = item.token, item.path, self._subtitles
            self._stop_vlc()
            old_instance, old_mp = self._instance, self._mp
            self._hardware = False
            self._preloaded = None  # made by the old instance
            try:
                self._instance, self._mp = self._open_vlc()
            except MediaUnavailable as exc:
                log.error("VLC could not be opened again for software decoding: %s", exc)
                self._instance, self._mp = old_instance, old_mp
                gen = self._begin(token, path, position)
                self._inbox.put((gen, "fail", "hardware decoding failed and software decoding could not start"))
                return
            old_mp.release()
            old_instance.release()
            name = os.path.basename(path)
            log.warning("hardware decoding dropped (%s) for %s at %.1f s: decoding in software from now on",
                        fall.reason, name, position)
            self.play(token, path, position, subtitles)
            if paused:
                self.pause(True)
            if self._overlay is not None:  # the status bar and prompts over the video, on the new MediaPlayer
                self.set_overlay(*self._overlay)
        if self._on_decoding is not None:
            try:
                self._on_decoding(token, name, position, fall.reason)
            except Exception:
                log.exception("decoding callback raised")

    def _finish(self, item: _Item, reason: str | None):
        item.done = True
        return (item.gen, item.token, item.path, reason)

    def _report(self, gen: int, token: int, path: str, reason: str | None) -> None:
        name = os.path.basename(path)
        if reason is None:
            log.info("finished %s (token %s)", name, token)
            callback, args = self._on_finished, (token,)
        else:
            log.warning("failed %s (token %s): %s", name, token, reason)
            with self._control:  # a stuck item must not keep VLC busy
                if self._gen == gen and not self._closed:
                    self._mp.stop()
            callback, args = self._on_failed, (token, reason)
        try:
            callback(*args)
        except Exception:
            log.exception("media callback raised")


def _reason_at_end(item: _Item, now: float, rate: float) -> str | None:
    if item.playing_at is None:
        played = 0.0
    else:
        # TimeChanged comes only every ~0.3-0.5 s, so short clips are judged by the clock.
        elapsed = now - item.playing_at - item.paused_total
        played = max(item.max_time_s - item.start_at, elapsed * rate)
    facts = PlayFacts(
        audio_streams=item.audio,
        video_streams=item.video,
        length_s=item.length_s,
        start_at_s=item.start_at,
        played_s=played,
        seeked=item.seeked,
    )
    return end_reason(facts)


def _visible_size(media: vlc.Media, wait_s: float = 0.5) -> tuple[int, int] | None:
    """The first video track's displayed size, parsing the file if preload() did not."""
    if media.get_parsed_status() != vlc.MediaParsedStatus.done:
        media.parse_with_options(vlc.MediaParseFlag.local, int(wait_s * 1000))
        deadline = time.monotonic() + wait_s
        while media.get_parsed_status() == 0 and time.monotonic() < deadline:
            time.sleep(0.002)
    for track in media.tracks_get() or ():
        if track.type == vlc.TrackType.video:
            # python-vlc declares MediaTrack's audio/video union as separate fields: the
            # video pointer sits where it calls `audio` (reading `.video` crashes).
            video = ctypes.cast(track.audio, ctypes.POINTER(vlc.VideoTrack)).contents
            if video.width and video.height:
                sar = video.sar_num / video.sar_den if video.sar_num and video.sar_den else 1.0
                return (max(1, round(video.width * sar)), video.height)
    return None


def _sample_aspect(media: vlc.Media) -> float:
    """The first video track's pixel shape (width / height of one pixel); 1.0 when not said."""
    for track in media.tracks_get() or ():
        if track.type == vlc.TrackType.video:
            video = ctypes.cast(track.audio, ctypes.POINTER(vlc.VideoTrack)).contents  # see _visible_size
            if video.sar_num and video.sar_den:
                return video.sar_num / video.sar_den
            break
    return 1.0


def _unreadable(path: str) -> str | None:
    """A short reason when the file cannot be played at all, before asking VLC."""
    name = os.path.basename(path) or path
    if not os.path.exists(path):
        return f"file not found: {name}"
    if not os.path.isfile(path):
        return f"not a file: {name}"
    if not os.access(path, os.R_OK):
        return f"file cannot be read (permissions): {name}"
    if os.path.getsize(path) == 0:
        return f"file is empty: {name}"
    return None
