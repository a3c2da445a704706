"""The `cinema` command line: parse arguments, call the package, exit 0/1 with a one-line reason."""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import sys
import tempfile
import traceback
from pathlib import Path

from cinema.config.locate import BUNDLED_CONFIG, locate_config
from cinema.config.locate import HELP as CONFIG_HELP

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit 1."""


# File errors the user fixes (make room, use another stick or folder, fix permissions), not bugs.
DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


# ---- commands ---------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from cinema.app.kiosk import Kiosk, RunOptions

    opts = RunOptions(
        config=locate_config(args.config),
        playlist=Path(args.playlist) if args.playlist else None,
        journal=Path(args.journal) if args.journal else None,
        windowed=args.windowed, headless=args.headless, simulate_class=args.simulate_class,
        speed=args.speed, exit_at_end=args.exit_at_end, resume=args.resume, trace=args.trace,
        screenshots=Path(args.screenshots) if args.screenshots else None,
        max_seconds=args.max_seconds,
        size=_size(args.size) if args.size else None,
        hub=_hub_address(args.hub),
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


def _hub_address(text: str | None) -> tuple[str, int] | None:
    """`--hub [HOST:]PORT` as (host, port); None when not given."""
    from cinema.config.kiosk import parse_hub_address

    if text is None:
        return None
    try:
        return parse_hub_address(text)
    except ValueError as exc:
        raise UserError(f"--hub {text!r}: {exc}") from None


def cmd_demo(args: argparse.Namespace) -> int:
    from cinema.app.kiosk import Kiosk, RunOptions
    from cinema.atomic import write_text
    from cinema.media.demo_media import DemoMediaError, ensure_demo_media

    root = PROJECT_ROOT
    print("Preparing the demo lesson's media (first time only)...", flush=True)
    try:
        ensure_demo_media(root / "demo_media")
    except (DemoMediaError, OSError) as exc:  # one line for the teacher, not a traceback
        raise UserError(f"the demo cannot start: {exc}") from None
    headless = args.headless or not _has_display()
    journal = Path(args.journal) if args.journal else root / "var" / "demo-journal.sqlite"
    playlist = root / "playlists" / (f"demo_{args.language}.yaml" if args.language != "en" else "demo.yaml")
    if not playlist.exists():
        raise UserError(f"no demo lesson in {args.language!r}; try en, ar or uk")
    hub = _hub_address(args.hub)
    # Headless, the simulated teacher moves on 8 s of lesson time after a question opens: at the usual
    # 4x that is 2 s, too short for a phone. With phones the demo runs in real time unless --speed says.
    speed = args.speed if args.speed is not None else (1.0 if hub is not None else 4.0)
    if headless:
        print("No display found: running the demo headless with a simulated class of "
              f"{args.simulate_class}.", flush=True)
    # The demo lesson's activities are the bundled ones, so it reads the bundled config whatever
    # the laptop's settings say (those may point at a team's own lessons).
    # With a screen the demo opens as a kiosk does, on the home screen (the demo lessons listed, the
    # chosen language's first, menus in that language); headless it plays the lesson straight through.
    opts = RunOptions(config=BUNDLED_CONFIG, playlist=playlist, journal=journal, library=not headless,
                      language=args.language, windowed=args.windowed, headless=headless,
                      simulate_class=args.simulate_class, speed=speed if headless else 1.0,
                      exit_at_end=headless, trace=False,
                      screenshots=Path(args.screenshots) if args.screenshots else None,
                      max_seconds=600 if headless else None, training=True,
                      hub=hub, say_join=headless and hub is not None)
    code = Kiosk(opts).run()
    import time

    from cinema.locale.runtime import gettext as _
    from cinema.reports.build import report_from_paths
    from cinema.reports.html import write_html

    report = report_from_paths([journal], now=time.time())
    summary_path = journal.with_suffix(".summary.json")
    html_path = journal.with_suffix(".report.html")
    write_text(summary_path, json.dumps(report.as_json(), indent=1, ensure_ascii=False))
    write_html(report, html_path, args.language)
    t = report.totals
    print(_("Journal: {path}").format(path=journal))
    print(_("Report: {path}").format(path=html_path))
    print(_("Sessions {sessions}, attendance {attendance}, answers {answers}, check-ins {checkins}, "
            "items played {items_played}, failed {items_failed}").format(**t))
    print(_("Export for the supervisor: cinema export --journal {path} -o FOLDER").format(path=journal))
    return code


def cmd_check(args: argparse.Namespace) -> int:
    from cinema.config import check_all

    config = locate_config(args.config)
    problems = check_all(config, Path(args.playlist) if args.playlist else None)
    for p in problems:
        print(str(p))
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print("All content is valid.")
    return 0


def _card_keys(config_arg: str | None, keys_path: str | None) -> tuple[bytes, ...]:
    """Every key in the programme's card key file (old ones too: they signed older bundles)."""
    from cinema.cards.keys import read_key_file
    from cinema.config import ConfigError, load_kiosk_config

    if keys_path:
        path = Path(keys_path)
    else:
        try:
            path = load_kiosk_config(locate_config(config_arg)).cards.keys
        except ConfigError:
            return ()
        if not path.exists():
            return ()
    try:
        return tuple(k.key for k in read_key_file(path))
    except ConfigError as exc:
        raise UserError("; ".join(str(p) for p in exc.problems)) from None


def cmd_export(args: argparse.Namespace) -> int:
    from cinema.config import ConfigError, load_kiosk_config
    from cinema.journal.bundle import BundleError, export_bundle
    from cinema.locale.runtime import gettext as _

    config_path = locate_config(args.config)
    journal = Path(args.journal) if args.journal else None
    if journal is None:
        try:
            journal = load_kiosk_config(config_path).journal
        except ConfigError as exc:
            raise UserError("; ".join(str(p) for p in exc.problems)) from None
    keys = _card_keys(args.config, args.keys)
    try:
        result = export_bundle(journal, args.output, keys, everything=args.all)
    except BundleError as exc:
        raise UserError(str(exc)) from None
    print(_("Exported {n} records (numbers {first} to {last}) of kiosk {kiosk} to {path}.").format(
        n=result.records, first=result.first_seq, last=result.last_seq, kiosk=result.kiosk_id, path=result.path))
    if not result.signed:
        print(_("Not signed: no card key file was found. The supervisor can see damage but not changes."),
              file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import time

    from cinema.locale.runtime import gettext as _
    from cinema.reports.build import build_report, opened, source_records
    from cinema.progress import CountBar

    if args.language:  # the report's own words (problems, source notes) in the same language as the page
        from cinema.locale.runtime import set_language

        set_language(args.language)
    inputs = [Path(p) for p in args.inputs]
    keys = _card_keys(args.config, args.keys)
    # With the programme's key file given, a file whose signature cannot be checked is not used
    # unless the supervisor says so: anyone can hand-make a journal or an unsigned bundle.
    require_signed = bool(args.keys) and not args.allow_unsigned
    with opened(inputs, keys, require_signed) as (sources, infos):
        if not sources:
            _say_sources(infos)
            raise UserError(_("no journal or bundle could be used"))
        if args.records:
            for rec in source_records(sources):
                sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
            _say_sources(infos)
            return 0
        detail = bool(args.output or args.csv)
        bar = CountBar(_("Reading records"))
        report = build_report(sources, infos, detail=detail, now=time.time(), workers=args.workers, progress=bar)
        bar.finish()
        _say_sources(infos)
        if args.json or not (args.output or args.csv or args.xapi):
            print(json.dumps(report.as_json(), indent=1, ensure_ascii=False))
        if args.output:
            from cinema.reports.html import write_html

            write_html(report, Path(args.output), args.language or _report_language())
            print(_("Report written to {path}").format(path=args.output), file=sys.stderr)
        if args.csv:
            from cinema.reports.csv_out import write_csv

            tables = write_csv(report, Path(args.csv))
            print(_("{n} tables written to {path}").format(n=len(tables), path=args.csv), file=sys.stderr)
        if args.xapi:
            _send_xapi(args, source_records(sources))
    return 0


def _say_sources(infos: list) -> None:
    """One line on standard error for each file not used as it is (refused, repeated, unsigned, damaged)."""
    from cinema.locale.runtime import gettext as _

    words = {"refused": _("refused"), "repeated": _("already given"), "unsigned": _("not signed")}
    for info in infos:
        if info.status in words:
            print(f"{info.name}: {words[info.status]}: {info.reason}", file=sys.stderr)
        elif info.unreadable:
            print(f"{info.name}: {info.reason}", file=sys.stderr)


def _report_language() -> str:
    from cinema.locale.runtime import language_from_environment

    return language_from_environment() or "en"


def _send_xapi(args: argparse.Namespace, records) -> None:
    from cinema.locale.runtime import gettext as _
    from cinema.reports import xapi

    tally = xapi.Tally()
    # Each child is an account of the programme the records name (not of this computer's config).
    statements = xapi.statements(records, tally=tally)
    try:
        if xapi.is_url(args.xapi):
            auth = xapi.parse_auth(args.xapi_auth, os.environ)
            tty = sys.stderr.isatty()

            def progress(n: int) -> None:
                if tty:
                    print("\r" + _("xAPI: {n} statements sent so far").format(n=n), end="", file=sys.stderr)

            result = xapi.send(statements, args.xapi, auth, progress=progress)
            if tty:
                print(file=sys.stderr)
            print(_("xAPI: {sent} statements sent to {url} ({dup} were already there)").format(
                sent=result.sent, url=args.xapi, dup=result.duplicates), file=sys.stderr)
        else:
            n = xapi.write_jsonl(statements, Path(args.xapi))
            print(_("xAPI: {n} statements written to {path}").format(n=n, path=args.xapi), file=sys.stderr)
    except xapi.XapiError as exc:
        raise UserError(str(exc)) from None
    if tally.anonymous_answers:
        print(_("xAPI: {n} answers from handsets not paired to a child were left out").format(
            n=tally.anonymous_answers), file=sys.stderr)
    if tally.sessions_without_programme:
        from cinema.locale.runtime import ngettext

        print(ngettext("xAPI: {n} session does not name its programme (an older kiosk, or one without a class "
                       "list): its children are accounts of their kiosk",
                       "xAPI: {n} sessions do not name their programme (an older kiosk, or one without a class "
                       "list): their children are accounts of their kiosk",
                       tally.sessions_without_programme).format(n=tally.sessions_without_programme), file=sys.stderr)


def cmd_cards(args: argparse.Namespace) -> int:
    from cinema.cards.command import cards_main

    config = locate_config(args.config)
    if args.rotate_key is not None:
        _rotate_card_key(config, args.rotate_key)
    return cards_main(Path(args.roster), Path(args.output), config if config.exists() else None,
                      show_names=False if args.no_names else None, one_sided=args.one_sided)


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

    from cinema.cards.numbers import apply_numbers, load_numbers, numbers_path
    from cinema.cards.roster_csv import load_roster_csv
    from cinema.core.roster import Roster

    try:
        config = load_kiosk_config(locate_config(args.config))
        keys = load_keys(config.cards.keys, date.today())
        # answer cards say a number: the roster and the kiosk's numbers file say whose it is
        learners = load_roster_csv(config.roster) if config.roster is not None else []
        numbers = load_numbers(numbers_path(config.cards.keys), config.cards.program)
    except ConfigError as exc:
        raise UserError("; ".join(str(p) for p in exc.problems)) from None
    except (OSError, ValueError) as exc:
        raise UserError(f"the card key file cannot be read: {exc}") from None
    roster = Roster(config.cards.program, keys, apply_numbers(learners, numbers))
    return scan_main(args.images, config.cards.program, keys, sys.stdout, roster=roster)


def cmd_doctor(args: argparse.Namespace) -> int:
    from cinema.doctor import main_doctor

    return main_doctor(args)


def cmd_pin(args: argparse.Namespace) -> int:
    """Set the teacher PIN: its salted hash goes beside the journal (owner-only); the digits are kept nowhere."""
    import getpass

    from cinema.app import pin_store
    from cinema.config import ConfigError, load_kiosk_config
    from cinema.core.pin import PinHash, pin_problem
    from cinema.locale.runtime import gettext as _

    if args.journal:
        journal = Path(args.journal)
    else:
        try:
            journal = load_kiosk_config(locate_config(args.config)).journal
        except ConfigError as exc:
            raise UserError(str(exc.problems[0]) if exc.problems else str(exc)) from None
    if sys.stdin.isatty():
        pin = getpass.getpass(_("New teacher PIN (4 to 12 digits): "))
        if getpass.getpass(_("The same PIN again: ")) != pin:
            raise UserError(_("The two PINs were not the same. Choose again."))
    else:
        pin = sys.stdin.readline(64).strip()
    problem = pin_problem(pin)
    if problem:
        raise UserError(_(problem))
    path = pin_store.pin_path(journal)
    pin_store.save(path, PinHash.make(pin))
    print(_("Teacher PIN saved (only a salted hash) in {path}").format(path=path))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from cinema.importers.command import main_import

    return main_import(args)


def cmd_pack(args: argparse.Namespace) -> int:
    from cinema.importers.command import main_pack

    return main_pack(args)


def cmd_devices(args: argparse.Namespace) -> int:
    from cinema.devices.listing import main_devices

    return main_devices(args)


# ---- parser -------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cinema", description="Learning Cinema: an offline classroom kiosk.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="start the kiosk")
    run.add_argument("--config", help=CONFIG_HELP)
    run.add_argument("--playlist", help="play this playlist straight away (default: the home screen, "
                     "which lists the lessons in the config's playlists_dir)")
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
    run.add_argument("--hub", metavar="[HOST:]PORT",
                     help="serve phones on the local Wi-Fi (children answer, the teacher's phone drives the lesson) "
                          "at this port, e.g. 8080 (every network) or 10.42.0.1:8080; prints `hub: URL`")
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo", help="play the bundled demo lesson")
    demo.add_argument("--language", default="en", help="en, ar or uk")
    demo.add_argument("--headless", action="store_true", help="run without a screen even if there is one")
    demo.add_argument("--windowed", action="store_true")
    demo.add_argument("--simulate-class", type=int, default=12, metavar="N")
    demo.add_argument("--speed", type=float, default=None,
                      help="clock speed when headless (default 4; 1 with --hub, so phones have time to answer)")
    demo.add_argument("--journal", help="journal file (default: var/demo-journal.sqlite)")
    demo.add_argument("--screenshots", metavar="DIR", help="save a PNG of every new screen into DIR")
    demo.add_argument("--hub", metavar="[HOST:]PORT",
                      help="phones on the same network answer the demo's questions, e.g. 0.0.0.0:8080")
    demo.set_defaults(func=cmd_demo)

    check = sub.add_parser("check", help="validate config, playlists, activities and media files")
    check.add_argument("--config", help=CONFIG_HELP)
    check.add_argument("--playlist", help="check only this playlist")
    check.set_defaults(func=cmd_check)

    report = sub.add_parser("report", help="merge bundles and journals into one report (HTML, JSON, CSV, xAPI)")
    report.add_argument("inputs", nargs="+", metavar="BUNDLE_OR_JOURNAL")
    report.add_argument("-o", "--output", metavar="report.html", help="write the HTML report here")
    report.add_argument("--json", action="store_true", help="print the summary as JSON")
    report.add_argument("--records", action="store_true", help="print every record as a JSON line")
    report.add_argument("--csv", metavar="DIR", help="write one CSV file per table into DIR")
    report.add_argument("--xapi", metavar="FILE_OR_URL", help="xAPI statements: a .jsonl file or an LRS URL")
    report.add_argument("--xapi-auth", metavar="USER:PASS", help="LRS login (or set CINEMA_XAPI_AUTH)")
    report.add_argument("--keys", metavar="FILE", help="the programme's card key file, to check bundle signatures"
                        " (default: the one in the kiosk config)")
    report.add_argument("--allow-unsigned", action="store_true",
                        help="with --keys, also use journals and unsigned bundles (marked as not signed)")
    report.add_argument("--config", help=CONFIG_HELP + "; it names the card key file")
    report.add_argument("--language", help="language of the HTML report (default: from CINEMA_LANGUAGE or LANG)")
    report.add_argument("--workers", type=int, default=None, help=argparse.SUPPRESS)
    report.set_defaults(func=cmd_report)

    doctor = sub.add_parser("doctor", help="check this laptop has everything a lesson needs, in plain words")
    doctor.add_argument("--config", help=CONFIG_HELP)
    doctor.add_argument("--json", action="store_true", help="print the checks as JSON")
    doctor.add_argument("--energy", action="store_true",
                        help="measure what each kind of lesson item costs the battery on this laptop "
                             "(about 90 s) and save it for the kiosk's battery estimate")
    doctor.add_argument("--energy-seconds", type=float, default=None, metavar="S",
                        help="with --energy: seconds measured per kind of item (default 10)")
    doctor.set_defaults(func=cmd_doctor)

    export = sub.add_parser("export", help="write the journal's new records to one bundle file for the supervisor")
    export.add_argument("-o", "--output", required=True, metavar="BUNDLE",
                        help="bundle file, or a folder (e.g. the USB stick) to write it into")
    export.add_argument("--journal", help="journal file (default: the config's)")
    export.add_argument("--config", help=CONFIG_HELP)
    export.add_argument("--all", action="store_true", help="export every record, not only those since the last export")
    export.add_argument("--keys", metavar="FILE", help="card key file to sign with (default: the config's)")
    export.set_defaults(func=cmd_export)

    devices = sub.add_parser("devices", help="list receivers, input devices, cameras, batteries")
    devices.add_argument("--listen", metavar="PORT", help="print each press from this port (or auto) as JSON")
    devices.add_argument("--seconds", type=float, metavar="N", help="stop after N seconds (default: until Ctrl-C)")
    devices.add_argument("--protocol", metavar="NAME",
                         help="lcp or iskipper (clicker receivers, default: guessed from the USB id), vedirect "
                              "(a Victron monitor), nut (a UPS: --listen ups@localhost)")
    devices.add_argument("--json", action="store_true", help="list devices as JSON lines")
    devices.add_argument("--camera", nargs="?", const="auto", metavar="DEVICE",
                         help="show a camera's picture live with the cards it reads, and choose it for the kiosk")
    devices.add_argument("--config", help=CONFIG_HELP + "; the chosen camera is saved in it")
    devices.set_defaults(func=cmd_devices)

    cards = sub.add_parser("cards", help="printable QR cards for a class list (CSV: learner_id,name)")
    cards.add_argument("roster", metavar="ROSTER.csv")
    cards.add_argument("-o", "--output", required=True, metavar="cards.pdf")
    cards.add_argument("--config", help=CONFIG_HELP + "; it names the programme and the card key file")
    cards.add_argument("--no-names", action="store_true", help="print the picture only, not the first name")
    cards.add_argument("--one-sided", action="store_true",
                       help="for a printer without two-sided printing: each card's two sides on one page, to fold")
    cards.add_argument("--rotate-key", type=int, metavar="GRACE_DAYS",
                       help="start a new card key first; cards with the old key still read for GRACE_DAYS days")
    cards.set_defaults(func=cmd_cards)

    pin = sub.add_parser("pin", help="set the teacher PIN (read from standard input when it is not a terminal)")
    pin.add_argument("--config", help=CONFIG_HELP + "; the PIN is kept beside its journal")
    pin.add_argument("--journal", help="keep the PIN beside this journal file instead")
    pin.set_defaults(func=cmd_pin)

    scan = sub.add_parser("scan", help="read the QR cards and answer cards in images; one JSON line per card")
    scan.add_argument("images", nargs="+", metavar="IMAGE")
    scan.add_argument("--config", help=CONFIG_HELP + "; it names the programme and the card key file")
    scan.set_defaults(func=cmd_scan)

    imp = sub.add_parser("import", help="make a lesson from a folder, PDF, presentation, question spreadsheet or "
                         "Kolibri channel; or install a lesson pack")
    imp.add_argument("sources", nargs="+", metavar="SOURCE",
                     help="a folder, files (in this order), a KOLIBRI_DATA folder, or a lesson pack")
    imp.add_argument("-o", "--output", metavar="playlists/NAME.yaml",
                     help="the lesson file to write (default: in the config's playlists folder, named after the source)")
    imp.add_argument("--title", metavar="T", help="the lesson's title (default: from the source's name)")
    imp.add_argument("--language", metavar="L", help="the lesson's language, e.g. ar (default: the kiosk's)")
    imp.add_argument("--topic", metavar="NAME", help="Kolibri: the topic to import (its title or id)")
    imp.add_argument("--low-power", action="store_true",
                     help="also make a lighter copy of each video, played once the battery is low")
    imp.add_argument("--config", help=CONFIG_HELP + "; it names the lessons and activities folders")
    imp.add_argument("--keys", metavar="FILE", help="lesson packs: the programme's card key file to check the "
                     "signature (default: the config's)")
    imp.add_argument("--allow-unsigned", action="store_true",
                     help="lesson packs: install a pack made without a key file (its checksums are still checked)")
    imp.set_defaults(func=cmd_import)

    pack = sub.add_parser("pack", help="write lessons, their media and a signed list of checksums into one "
                          "folder for a USB stick")
    pack.add_argument("lessons", nargs="+", metavar="LESSON", help="lesson files (playlists/NAME.yaml) or lesson ids")
    pack.add_argument("-o", "--output", required=True, metavar="PACK", help="the pack to write (a folder)")
    pack.add_argument("--config", help=CONFIG_HELP)
    pack.add_argument("--keys", metavar="FILE", help="card key file to sign with (default: the config's)")
    pack.set_defaults(func=cmd_pack)

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
    except BrokenPipeError:  # `cinema report ... | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    except OSError as exc:
        if exc.errno not in DISK_ERRORS:
            return _unexpected(args.command, exc)
        # A full or read-only USB stick, a file the user may not touch: theirs to fix, in one line.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"cinema {args.command}: {where}{exc.strerror}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - anything else is a bug: logged, one line shown
        return _unexpected(args.command, exc)


def _unexpected(command: str, exc: BaseException) -> int:
    """Never a traceback for a teacher: one line, the details in a log file."""
    log_path = _crash_log()
    with open(log_path, "a", encoding="utf-8") as f:
        traceback.print_exception(exc, file=f)
    print(f"cinema {command}: unexpected error: {exc} (details in {log_path})", file=sys.stderr)
    return 1


def _crash_log() -> Path:
    base = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state")) / "learning-cinema"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        base = Path(tempfile.gettempdir())
    return base / "errors.log"


