"""The laptop keyboard's keys to engine events: each key a `LaptopKey` (the engine keeps the keyboard
locked during a lesson), Escape held for HOLD_SECONDS asks to unlock it, digits while the PIN
prompt is open. Presenter remotes named in the config are read apart (devices/clickers/hid.py)."""

from __future__ import annotations

import pygame

from cinema.core.events import Command, LaptopKey, PinDigit

MAX_TYPED = 64  # characters of one burst handed on as typed keys (a stuck key's burst is longer)
HOLD_SECONDS = 2.0  # Escape held this long opens the PIN prompt that unlocks the keyboard
# Keys that are only ever held with another: pressing them alone shows no hint.
MODIFIERS = frozenset({
    pygame.K_LSHIFT, pygame.K_RSHIFT, pygame.K_LCTRL, pygame.K_RCTRL, pygame.K_LALT, pygame.K_RALT,
    pygame.K_LGUI, pygame.K_RGUI, pygame.K_MODE, pygame.K_CAPSLOCK, pygame.K_NUMLOCKCLEAR,
})

# An unconfigured presenter remote types PageUp/PageDown like a keyboard (and is locked like one).
COMMAND_KEYS = {
    pygame.K_RIGHT: Command.NEXT,
    pygame.K_PAGEDOWN: Command.NEXT,
    pygame.K_SPACE: Command.NEXT,
    pygame.K_LEFT: Command.BACK,
    pygame.K_PAGEUP: Command.BACK,
    pygame.K_p: Command.PAUSE,
    pygame.K_r: Command.REPEAT,
    pygame.K_s: Command.SKIP,
    pygame.K_RETURN: Command.ACCEPT,
    pygame.K_KP_ENTER: Command.ACCEPT,
    pygame.K_n: Command.DECLINE,
    pygame.K_c: Command.CAPTIONS,
    pygame.K_m: Command.MARK,  # marking children by hand (on the opened keyboard)
    pygame.K_ESCAPE: Command.QUIT,
}
# A video or audio: J and L move it 10 s back and on (as video sites do), Shift+J and Shift+L 30 s.
SEEK_KEYS = {"j": Command.SEEK_BACK, "l": Command.SEEK_FORWARD,
             "J": Command.SEEK_BACK_LONG, "L": Command.SEEK_FORWARD_LONG}
# Keys that move in the list while the teacher marks children by hand (letters type a name).
LIST_KEYS = {pygame.K_UP: "up", pygame.K_DOWN: "down", pygame.K_BACKSPACE: "backspace"}


def key_event(key: int, unicode: str, pin_open: bool):
    """The engine event for a key press, or None for keys that do nothing."""
    if pin_open:
        if key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            return PinDigit(submit=True)
        if key == pygame.K_ESCAPE:
            return PinDigit(cancel=True)
        if unicode and unicode.isdigit():
            return PinDigit(digit=str(int(unicode)))  # Arabic-Indic digits typed work too
        return None
    if key in MODIFIERS:
        return None
    # The character typed rides along: the engine types it into the picker while one is open.
    text = unicode if len(unicode) == 1 and unicode.isprintable() else ""
    if unicode in SEEK_KEYS:
        return LaptopKey(SEEK_KEYS[unicode], text=text)
    return LaptopKey(COMMAND_KEYS.get(key), text=text, key=LIST_KEYS.get(key, ""))


def _char_key(ch: str) -> int:
    if ch in "\r\n":
        return pygame.K_RETURN
    if ch == " ":
        return pygame.K_SPACE
    if ch.isascii() and ch.isalnum():
        return ord(ch.lower())  # pygame's key codes for letters and digits are their ASCII codes
    return pygame.K_UNKNOWN


class KeyboardInput:
    """The laptop keyboard, which a keyboard-wedge card scanner also types into.

    A scanner types a whole code and Enter in a fast burst; such a burst becomes a card scan,
    anything slower is handed back as the keys a person typed (held at most ~60 ms).
    """

    def __init__(self, max_gap: float = 0.06) -> None:
        from cinema.devices.cards.wedge import WedgeDetector

        # Keys are stamped when the loop polls them (every ~40 ms), so one burst may look 40 ms apart.
        self.wedge = WedgeDetector(max_gap=max_gap)
        self.escape_down: float | None = None  # when Escape went down, while it is held
        self.hold_sent = False

    def key(self, key: int, unicode: str, now: float, pin_open: bool) -> list:
        if key == pygame.K_ESCAPE:  # no key repeat in the kiosk: each key down is a new press
            self.escape_down, self.hold_sent = now, False
        ch = "\r" if key in (pygame.K_RETURN, pygame.K_KP_ENTER) else unicode
        if ch and (ch == "\r" or ch.isprintable()):
            return self._convert(self.wedge.feed(ch, now), pin_open)
        if key in MODIFIERS:  # a scanner types capitals with Shift: that must not break its burst
            return []
        # Any other key (Escape, an arrow, Backspace) is no card's text: the keys typed before it are
        # handed on first, so it never overtakes them (a "P" then Escape stays a "P" then Escape).
        held = self._convert(self.wedge.flush(), pin_open)
        event = key_event(key, unicode, pin_open)
        return held + ([event] if event is not None else [])

    def release(self, key: int) -> None:
        """A key went up (only Escape's matters: it was not held long enough, or it was)."""
        if key == pygame.K_ESCAPE:
            self.escape_down = None

    def busy(self) -> bool:
        """True while the loop must look again soon: Escape held and not yet counted, or a scanner's
        burst being typed (its keys held back until `poll`)."""
        return (self.escape_down is not None and not self.hold_sent) or self.wedge.pending()

    def poll(self, now: float, pin_open: bool) -> list:
        events = self._convert(self.wedge.poll(now), pin_open)
        if self.escape_down is not None and not self.hold_sent and now - self.escape_down >= HOLD_SECONDS:
            self.hold_sent = True
            if not pin_open:
                events.append(LaptopKey(Command.UNLOCK))
        return events

    def _convert(self, out: list, pin_open: bool) -> list:
        from cinema.core.events import CardScanned
        from cinema.core.roster import looks_like_card

        events = []
        for item in out:
            if isinstance(item, CardScanned):
                if looks_like_card(item.payload):
                    events.append(item)
                elif pin_open:
                    events += [PinDigit(digit=str(int(ch))) for ch in item.payload if ch.isdigit()]
                else:
                    # Not a card's shape: a hand slapped on the keyboard (keys at once, then Enter), a book's
                    # bar code, or a PIN typed fast just after Escape on a busy kiosk. As serial scanners do,
                    # it is no card and commands nothing; its characters go on as typed (a PIN prompt opened
                    # by that Escape takes the digits; a locked keyboard shows the hint).
                    events += [LaptopKey(None, text=ch) for ch in item.payload[:MAX_TYPED]] or [LaptopKey(None)]
                continue
            for ch in item.keys:
                event = key_event(_char_key(ch), ch, pin_open)
                if event is not None:
                    events.append(event)
        return events
