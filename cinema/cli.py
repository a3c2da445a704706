"""The `cinema` command line: parse arguments, call the package, exit 0/1 with a one-line reason."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import traceback
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = Path("kiosk_config/default.yaml")


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit 1."""


def _default_config() -> Path:
    if DEFAULT_CONFIG.exists():
        return DEFAULT_CONFIG
    return PROJECT_ROOT / DEFAULT_CONFIG


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


# ---- commands ---------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from cinema.app.kiosk import Kiosk, RunOptions

    opts = RunOptions(
        config=Path(args.config) if args.config else _default_config(),
        playlist=Path(args.playlist) if args.playlist else None,
        journal=Path(args.journal) if args.journal else None,
        windowed=args.windowed, headless=args.headless, simulate_class=args.simulate_class,
        speed=args.speed, exit_at_end=args.exit_at_end, resume=args.resume, trace=args.trace,
        screenshots=Path(args.screenshots) if args.screenshots else None,
        max_seconds=args.max_seconds,
        size=_size(args.size) if args.size else None,
    )
    if args.speed <= 0:
        raise UserError("--speed must be more than 0")
    return Kiosk(opts).run()


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = text.lower().split("x")
        return int(w), int(h)
    except ValueError:
        raise UserError(f"--size {text!r}: write it as WIDTHxHEIGHT, e.g. 1280x720") from None


def cmd_demo(args: argparse.Namespace) -> int:
    from cinema.app.kiosk import Kiosk, RunOptions
    from cinema.media.demo_media import ensure_demo_media

    root = PROJECT_ROOT
    print("Preparing the demo lesson's media (first time only)...", flush=True)
    ensure_demo_media(root / "demo_media")
    headless = args.headless or not _has_display()
    journal = Path(args.journal) if args.journal else root / "var" / "demo-journal.sqlite"
    playlist = root / "playlists" / (f"demo_{args.language}.yaml" if args.language != "en" else "demo.yaml")
    if not playlist.exists():
        raise UserError(f"no demo lesson in {args.language!r}; try en, ar or uk")
    if headless:
        print("No display found: running the demo headless with a simulated class of "
              f"{args.simulate_class}.", flush=True)
    opts = RunOptions(config=root / "kiosk_config" / "default.yaml", playlist=playlist, journal=journal,
                      windowed=args.windowed, headless=headless,
                      simulate_class=args.simulate_class, speed=args.speed if headless else 1.0,
                      exit_at_end=headless, trace=False,
                      screenshots=Path(args.screenshots) if args.screenshots else None,
                      max_seconds=600 if headless else None)
    code = Kiosk(opts).run()
    summary_path = journal.with_suffix(".summary.json")
    from cinema.reports.summary import merge, read_journal, summarise

    summary = summarise(merge([read_journal(journal)]))
    _write_atomic(summary_path, json.dumps(summary, indent=2, ensure_ascii=False))
    t = summary["totals"]
    print(f"Journal: {journal}")
    print(f"Summary: {summary_path}")
    print(f"Sessions {t['sessions']}, attendance {t['attendance']}, answers {t['answers']}, "
          f"check-ins {t['checkins']}, items played {t['items_played']}, failed {t['items_failed']}")
    print(f"Report: cinema report {journal} --json")
    return code


def cmd_check(args: argparse.Namespace) -> int:
    from cinema.config import check_all

    config = Path(args.config) if args.config else _default_config()
    problems = check_all(config, Path(args.playlist) if args.playlist else None)
    for p in problems:
        print(str(p))
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print("All content is valid.")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from cinema.reports.summary import ReportError, merge, read_journal, summarise

    try:
        records = merge(list(read_journal(Path(p))) for p in args.inputs)
    except ReportError as exc:
        raise UserError(str(exc)) from None
    if args.records:
        for rec in records:
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return 0
    summary = summarise(records)
    if args.json or not args.output:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    if args.output:
        raise UserError("the HTML report (-o) comes with the supervisor report; use --json or --records for now")
    return 0


def cmd_cards(args: argparse.Namespace) -> int:
    from cinema.cards.command import cards_main

    config = Path(args.config) if args.config else _default_config()
    if args.rotate_key is not None:
        _rotate_card_key(config, args.rotate_key)
    return cards_main(Path(args.roster), Path(args.output), config if config.exists() else None,
                      show_names=False if args.no_names else None)


def _rotate_card_key(config_path: Path, grace_days: int) -> None:
    """New cards get a new key; cards signed with the old one keep working for `grace_days`."""
    from datetime import date

    from cinema.cards.keys import rotate_keys
    from cinema.config import ConfigError, load_kiosk_config

    try:
        keys = load_kiosk_config(config_path).cards.keys
        rotate_keys(keys, date.today(), grace_days)
    except ConfigError as exc:
        raise UserError("; ".join(str(p) for p in exc.problems)) from None
    except (OSError, ValueError) as exc:
        raise UserError(f"the card key could not be changed: {exc}") from None
    print(f"New card key in {keys}; old cards keep working for {grace_days} more day(s). "
          "Copy the key file to every kiosk of the programme.")


def cmd_scan(args: argparse.Namespace) -> int:
    from datetime import date

    from cinema.cards.keys import load_keys
    from cinema.config import ConfigError, load_kiosk_config
    from cinema.devices.cards.scan_cli import scan_main

    config_path = Path(args.config) if args.config else _default_config()
    try:
        config = load_kiosk_config(config_path)
        keys = load_keys(config.cards.keys, date.today())
    except ConfigError as exc:
        raise UserError("; ".join(str(p) for p in exc.problems)) from None
    except (OSError, ValueError) as exc:
        raise UserError(f"the card key file cannot be read: {exc}") from None
    return scan_main(args.images, config.cards.program, keys, sys.stdout)


def cmd_devices(args: argparse.Namespace) -> int:
    from cinema.devices.listing import main_devices

    return main_devices(args)


def cmd_later(name: str, issue: int):
    def run(args: argparse.Namespace) -> int:
        raise UserError(f"`cinema {name}` is not built yet (issue #{issue})")
    return run


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


# ---- parser -------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cinema", description="Learning Cinema: an offline classroom kiosk.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="start the kiosk")
    run.add_argument("--config", help="kiosk config YAML (default: kiosk_config/default.yaml)")
    run.add_argument("--playlist", help="playlist YAML to play (default: the config's)")
    run.add_argument("--journal", help="journal file (default: the config's)")
    mode = run.add_mutually_exclusive_group()
    mode.add_argument("--windowed", action="store_true", help="a window instead of fullscreen")
    mode.add_argument("--headless", action="store_true", help="no screen: draw off-screen, VLC dummy outputs")
    run.add_argument("--simulate-class", type=int, default=0, metavar="N", help="add N simulated students")
    run.add_argument("--speed", type=float, default=1.0, metavar="X", help="run the session clock X times faster")
    run.add_argument("--exit-at-end", action="store_true", help="leave when the playlist ends")
    run.add_argument("--resume", action="store_true", help="continue the unfinished session without asking")
    run.add_argument("--trace", action="store_true", help="print one JSON line per committed record")
    run.add_argument("--screenshots", metavar="DIR", help="save a PNG of every new screen into DIR")
    run.add_argument("--size", metavar="WxH", help="window size, e.g. 1280x720")
    run.add_argument("--max-seconds", type=float, default=None, help=argparse.SUPPRESS)
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo", help="play the bundled demo lesson")
    demo.add_argument("--language", default="en", help="en, ar or uk")
    demo.add_argument("--headless", action="store_true", help="run without a screen even if there is one")
    demo.add_argument("--windowed", action="store_true")
    demo.add_argument("--simulate-class", type=int, default=12, metavar="N")
    demo.add_argument("--speed", type=float, default=4.0, help="clock speed when headless (default 4)")
    demo.add_argument("--journal", help="journal file (default: var/demo-journal.sqlite)")
    demo.add_argument("--screenshots", metavar="DIR", help="save a PNG of every new screen into DIR")
    demo.set_defaults(func=cmd_demo)

    check = sub.add_parser("check", help="validate config, playlists, activities and media files")
    check.add_argument("--config")
    check.add_argument("--playlist", help="check only this playlist")
    check.set_defaults(func=cmd_check)

    report = sub.add_parser("report", help="summarise journals (and bundles)")
    report.add_argument("inputs", nargs="+", metavar="BUNDLE_OR_JOURNAL")
    report.add_argument("-o", "--output", help="HTML report file")
    report.add_argument("--json", action="store_true", help="print the summary as JSON")
    report.add_argument("--records", action="store_true", help="print every record as a JSON line")
    report.add_argument("--csv", metavar="DIR")
    report.add_argument("--xapi", metavar="FILE_OR_URL")
    report.set_defaults(func=cmd_report)

    devices = sub.add_parser("devices", help="list receivers, input devices, cameras, batteries")
    devices.add_argument("--listen", metavar="PORT", help="print each press from this port (or auto) as JSON")
    devices.add_argument("--seconds", type=float, metavar="N", help="stop after N seconds (default: until Ctrl-C)")
    devices.add_argument("--protocol", metavar="NAME", help="lcp or iskipper (default: guessed from the USB id)")
    devices.add_argument("--json", action="store_true", help="list devices as JSON lines")
    devices.set_defaults(func=cmd_devices)

    cards = sub.add_parser("cards", help="printable QR cards for a class list (CSV: learner_id,name)")
    cards.add_argument("roster", metavar="ROSTER.csv")
    cards.add_argument("-o", "--output", required=True, metavar="cards.pdf")
    cards.add_argument("--config", help="kiosk config with the programme code and card key file")
    cards.add_argument("--no-names", action="store_true", help="print the picture only, not the first name")
    cards.add_argument("--rotate-key", type=int, metavar="GRACE_DAYS",
                       help="start a new card key first; cards with the old key still read for GRACE_DAYS days")
    cards.set_defaults(func=cmd_cards)

    scan = sub.add_parser("scan", help="read the QR cards in images; one JSON line per code")
    scan.add_argument("images", nargs="+", metavar="IMAGE")
    scan.add_argument("--config", help="kiosk config with the programme code and card key file")
    scan.set_defaults(func=cmd_scan)

    for name, issue in (("export", 5),):
        p = sub.add_parser(name, help=f"(coming: issue #{issue})")
        p.add_argument("rest", nargs=argparse.REMAINDER)
        p.set_defaults(func=cmd_later(name, issue))
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from cinema.locale.runtime import language_from_environment, set_language

    set_language(language_from_environment())
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    level = os.environ.get("CINEMA_LOG", "warning").upper()
    logging.basicConfig(level=getattr(logging, level, logging.WARNING), format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except UserError as exc:
        print(f"cinema {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback for a teacher: one line, the details in a log file
        log_path = _crash_log()
        with open(log_path, "a", encoding="utf-8") as f:
            traceback.print_exc(file=f)
        print(f"cinema {args.command}: unexpected error: {exc} (details in {log_path})", file=sys.stderr)
        return 1


def _crash_log() -> Path:
    base = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state")) / "learning-cinema"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        base = Path(tempfile.gettempdir())
    return base / "errors.log"


