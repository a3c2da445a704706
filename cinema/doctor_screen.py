"""`cinema doctor`'s "Lesson screen": which way the kiosk service draws now (cage or X11) and why, read
from the file deploy/session/kiosk-start keeps while the service runs (/run/learning-cinema/screen)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cinema.locale.runtime import gettext as _

STATE_FILE = "/run/learning-cinema/screen"
SESSIONS = ("cage", "x11")
MAX_FAILURES = 3  # kiosk-start's: failed starts in a row before it gives a way of drawing up


@dataclass(frozen=True)
class ScreenState:
    """What kiosk-start wrote: the session running now ("cage", "x11"; "none" when neither could start
    and a message is on the screen; "retry" after Enter on it), the order it tries them in, and each
    one's failed starts in a row this boot with the last one's reason."""

    session: str
    order: tuple[str, ...]
    failures: tuple[tuple[str, int], ...]
    errors: tuple[tuple[str, str], ...]

    def failed(self, session: str) -> int:
        return dict(self.failures).get(session, 0)

    def error(self, session: str) -> str:
        return dict(self.errors).get(session, "")


@dataclass(frozen=True)
class Finding:
    status: str  # "ok", "warn" or "fail", as cinema.doctor.Status
    message: str
    fix: str = ""


def parse_state(text: str | None) -> ScreenState | None:
    """The state file's key=value lines; None when there is none (the service has not run this boot)
    or it says no known session."""
    if not text:
        return None
    pairs = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    session = pairs.get("session", "")
    if session not in (*SESSIONS, "none", "retry"):
        return None
    failures = []
    for name in SESSIONS:
        count = pairs.get(f"{name}_failures", "0")
        failures.append((name, int(count) if count.isdigit() else 0))
    return ScreenState(session, tuple(pairs.get("sessions", "cage x11").split()), tuple(failures),
                       tuple((name, pairs.get(f"{name}_error", "").strip()) for name in SESSIONS))


def _label(session: str) -> str:
    return {"cage": "cage", "x11": "X11"}.get(session, session)


def _why(state: ScreenState, session: str) -> str:
    return state.error(session) or _("no reason given")


def judge(state: ScreenState, installed: Callable[[str], bool]) -> Finding:
    """The doctor's words for the state: fine, on a fallback (a warning) or not drawing at all."""
    journal = _("see why: journalctl -u learning-cinema -b")
    if state.session == "none":
        missing = [s for s in SESSIONS if not installed(s)]
        tried = [s for s in SESSIONS if s not in missing]
        reasons = "; ".join(f"{_label(s)}: {_why(state, s)}" for s in tried)
        if "x11" in missing and tried:
            return Finding("fail", _("could not start: cage failed {n} times at start ({reasons}) and X11 is not "
                                     "installed").format(n=MAX_FAILURES, reasons=reasons),
                           _("install X11 as the fallback: run the bundle's install.sh again with --session both"))
        return Finding("fail", _("could not start: cage and X11 both failed ({reasons})").format(
            reasons=reasons or _("neither is installed")),
            _("the laptop's graphics may need a driver or firmware; {journal}; then press Enter on the "
              "laptop's screen or restart the laptop").format(journal=journal))
    if state.session == "retry":
        return Finding("ok", _("starting again (Enter was pressed on the message on the laptop's screen)"))
    first = next((s for s in state.order if s in SESSIONS), "cage")
    if state.session != first and state.failed(first) >= MAX_FAILURES:
        return Finding("warn", _("runs on {now} because {first} failed {n} times at start ({why})").format(
            now=_label(state.session), first=_label(first), n=state.failed(first), why=_why(state, first)),
            _("lessons work as they are; to try {first} again, restart the laptop").format(first=_label(first)))
    if state.failed(state.session):
        return Finding("warn", _("drawn with {now}, which failed {n} time(s) at start since the laptop was switched "
                                 "on ({why})").format(now=_label(state.session), n=state.failed(state.session),
                                                      why=_why(state, state.session)),
                       _("after {n} failed starts in a row the kiosk moves to the other way of drawing by "
                         "itself; {journal}").format(n=MAX_FAILURES, journal=journal))
    if state.session == "cage":
        return Finding("ok", _("drawn with cage (Wayland)"))
    return Finding("ok", _("drawn with X11"))


# The text console draws Latin letters only for sure: no Arabic (no joined letters, no right to left),
# and often no Cyrillic font. In another language the message is in English.
CONSOLE_LANGUAGES = ("en", "fr", "pt", "es")


def console_message(state: ScreenState | None, missing: tuple[str, ...]) -> str:
    """What kiosk-start shows on tty1 when neither way of drawing could start."""
    why = []
    for session in SESSIONS:
        if session in missing:
            why.append(f"  {_label(session)}: {_('not installed')}")
        elif state is not None and state.failed(session):
            why.append(f"  {_label(session)}: {_why(state, session)}")
    return "\n".join([
        "", "  " + _("Learning Cinema could not start the lesson screen on this laptop."),
        "  " + _("It tried {n} times with each way of drawing it has; what went wrong:").format(n=MAX_FAILURES),
        *why, "",
        "  " + _("Press Ctrl+Alt+F2, log in and run: cinema doctor"),
        "  " + _("Press Enter here to try again (or restart the laptop)."), ""])


def main(argv: list[str] | None = None) -> int:
    """`python -m cinema.doctor_screen STATE_FILE CONFIG [MISSING_SESSION...]`: kiosk-start's message for
    tty1, in the kiosk's language when the text console can draw it."""
    import sys
    from pathlib import Path

    from cinema.locale.runtime import set_language

    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        print("usage: python -m cinema.doctor_screen STATE_FILE CONFIG [MISSING_SESSION...]", file=sys.stderr)
        return 2
    language = "en"
    try:
        from cinema.config import read_kiosk_config

        config, _problems = read_kiosk_config(Path(args[1]))
        language = config.language if config is not None else "en"
    except (OSError, ValueError):
        pass  # settings that cannot be read: the message in English
    set_language(language if language.split("_")[0].split("-")[0] in CONSOLE_LANGUAGES else "en")
    try:
        text = Path(args[0]).read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = None
    sys.stdout.write(console_message(parse_state(text), tuple(args[2:])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
