"""`cinema devices`: list receivers, input devices, cameras and batteries; listen to a receiver."""

from __future__ import annotations

import json
import logging
import os
import queue
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

from cinema.core.events import ClickerPressed, DeviceChanged
from cinema.core.clock import Clock
from cinema.devices.cards.camera_mode import Mode, best_mode, read_modes
from cinema.devices.clickers.manager import AUTO, DEFAULT_PROTOCOL, PortManager, ReceiverSpec
from cinema.devices.ports import system_ports
from cinema.devices.power.nut import DEFAULT_PORT as NUT_PORT
from cinema.devices.power.nut import NutClient, NutSource, parse_address, reading_from_vars, status_flags
from cinema.devices.power.reading import BatteryReading
from cinema.devices.power.vedirect_source import VeDirectSource
from cinema.devices.usb_ids import PortInfo, is_victron_cable, match_scanner, match_usb
from cinema.locale.runtime import gettext as _

BATTERY_PROTOCOLS = ("vedirect", "nut")
NUT_LIST_TIMEOUT = 0.5  # seconds `cinema devices` waits for a UPS service on this laptop
NUT_LISTEN_EVERY = 2.0  # seconds between readings of a UPS while listening


# ---- listing -----------------------------------------------------------------------------


def list_devices(list_ports: Callable[[], Iterable[PortInfo]] = system_ports, dev: Path = Path("/dev"),
                 sys_root: Path = Path("/sys"), battery: Callable[[], Any] | None = None,
                 nut: Callable[[], list[dict]] | None = None,
                 camera_modes: Callable[[str], list[Mode]] = read_modes) -> list[dict]:
    """Everything a kiosk could use, one dict per device, each with a "kind":
    "receiver" (a USB serial chip receivers are built on), "serial" (another serial port; a
    Victron VE.Direct cable has protocol "vedirect"), "input" (keyboards, presenter remotes,
    keyboard-wedge scanners), "camera", "battery" (sysfs, psutil, and UPSes that NUT's upsd on
    this laptop knows), "power" (mains / USB supply online or not). A camera's "best_mode" is the
    picture format it reads cards in (camera_mode.best_mode; None when v4l2-ctl cannot say).
    Folders that are missing or unreadable, and a UPS service that is not there, are skipped,
    never an error."""
    found: list[dict] = []
    found += _serial_ports(list_ports)
    found += _input_devices(dev / "input" / "by-id")
    found += _cameras(dev, sys_root / "class" / "video4linux", camera_modes)
    found += _batteries(sys_root / "class" / "power_supply", battery or _psutil_battery)
    found += (nut or _nut_batteries)()
    return found


def _hex(n: int | None) -> str | None:
    return None if n is None else f"{n:04x}"


def _serial_ports(list_ports: Callable[[], Iterable[PortInfo]]) -> list[dict]:
    try:
        infos = sorted(list_ports(), key=lambda p: p.device)
    except Exception:
        return []
    out = []
    for info in infos:
        vid, pid = info.vid, info.pid
        if vid is None and getattr(info, "hwid", "n/a") == "n/a":
            continue  # a motherboard's legacy ttyS port with nothing behind it
        victron = is_victron_cable(info)
        # Victron's VE.Direct cable is an FTDI chip receivers use too: its USB strings tell them apart
        usb = None if victron else match_usb(vid, pid) or match_scanner(vid, pid)
        out.append({
            "kind": "receiver" if usb and usb.protocol != "scanner" else "serial",
            "path": info.device,
            "description": getattr(info, "description", "") or "",
            "vid": _hex(vid), "pid": _hex(pid),
            "serial_number": info.serial_number,
            "chip": usb.chip if usb else None,
            "protocol": "vedirect" if victron else usb.protocol if usb else None,  # a guess: see usb_ids.py
        })
    return out



def _input_devices(by_id: Path) -> list[dict]:
    try:
        entries = sorted(by_id.iterdir())
    except OSError:
        return []
    out = []
    for entry in entries:
        name = entry.name
        looks = "keyboard" if name.endswith("-kbd") else "mouse" if "mouse" in name else \
            "joystick" if "joystick" in name else "other"
        out.append({
            "kind": "input", "path": str(entry), "device": os.path.realpath(entry),
            "looks_like": looks,  # presenter remotes and barcode scanners show up as keyboards
            "readable": os.access(entry, os.R_OK),
        })
    return out


def _cameras(dev: Path, v4l: Path, modes: Callable[[str], list[Mode]] | None = None) -> list[dict]:
    try:
        nodes = sorted(dev.glob("video*"), key=lambda p: (len(p.name), p.name))
    except OSError:
        return []
    out = []
    for node in nodes:
        info = v4l / node.name
        index = _read(info / "index")
        out.append({
            "kind": "camera", "path": str(node), "name": _read(info / "name") or node.name,
            # a webcam makes two nodes; the one with index 0 gives pictures, the other metadata
            "capture": index in (None, "0"),
            "number": int(node.name[5:]) if node.name[5:].isdigit() else None,
            "readable": os.access(node, os.R_OK),
        })
        if modes is not None and out[-1]["capture"]:
            best = best_mode(modes(str(node)))
            out[-1]["best_mode"] = f"{best.fourcc} {best.width}x{best.height} {best.best_fps:g} fps" if best else None
    return out


def _batteries(power_supply: Path, psutil_battery: Callable[[], Any]) -> list[dict]:
    out = []
    try:
        supplies = sorted(power_supply.iterdir())
    except OSError:
        supplies = []
    for sup in supplies:
        kind = _read(sup / "type")
        if kind in ("Battery", "UPS"):
            capacity = _read(sup / "capacity")
            out.append({"kind": "battery", "source": "sysfs", "path": str(sup), "name": sup.name, "type": kind,
                        "percent": float(capacity) if capacity and capacity.isdigit() else None,
                        "status": _read(sup / "status")})
        elif kind in ("Mains", "USB", "USB_C"):
            online = _read(sup / "online")
            out.append({"kind": "power", "source": "sysfs", "path": str(sup), "name": sup.name, "type": kind,
                        "online": online == "1" if online is not None else None})
    reading = None
    try:
        reading = psutil_battery()
    except Exception:
        pass
    if reading is not None:
        secs = getattr(reading, "secsleft", None)
        minutes = secs / 60 if isinstance(secs, (int, float)) and secs >= 0 else None
        out.append({"kind": "battery", "source": "psutil", "percent": float(reading.percent),
                    "plugged": reading.power_plugged, "minutes_left": minutes})
    return out


def _psutil_battery() -> Any:
    import psutil

    return psutil.sensors_battery()


def _nut_batteries(host: str = "localhost", port: int = NUT_PORT, timeout: float = NUT_LIST_TIMEOUT) -> list[dict]:
    """The UPSes (and power stations) NUT's upsd on this laptop knows, with their charge."""
    out = []
    try:
        with NutClient(host, port, timeout) as client:
            for name in sorted(client.list_ups()):
                try:
                    variables = client.list_vars(name)
                except Exception as exc:  # DRIVER-NOT-CONNECTED, DATA-STALE: listed, with why
                    out.append({"kind": "battery", "source": "nut", "name": f"{name}@{host}", "percent": None,
                                "problem": str(exc)})
                    continue
                reading = reading_from_vars(variables)
                charging, low = status_flags(variables.get("ups.status"))
                out.append({"kind": "battery", "source": "nut", "name": f"{name}@{host}",
                            "percent": reading.percent if reading else None, "plugged": charging, "low": low,
                            "minutes_left": reading.minutes_left if reading else None,
                            "ups_status": variables.get("ups.status")})
    except Exception:  # no NUT here (connection refused), or something that is not upsd
        return out
    return out


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def describe(device: dict) -> str:
    """One line for a person reading `cinema devices`."""
    kind, path = device["kind"], device.get("path", "")
    if kind in ("receiver", "serial"):
        ids = f" [{device['vid']}:{device['pid']}]" if device.get("vid") else ""
        what = device.get("chip") or device.get("description") or ""
        if device.get("protocol") == "vedirect":
            return f"serial   {path}{ids} {device.get('description') or what} - Victron battery monitor or " \
                   f"charger: cinema devices --listen {path} --protocol vedirect"
        if device.get("protocol") == "scanner":
            return f"serial   {path}{ids} {what} - card scanner? name it in devices.scanners"
        guess = f" - clicker receiver? protocol {device['protocol']}" if device.get("protocol") else ""
        return f"serial   {path}{ids} {what}{guess}"
    if kind == "input":
        note = "" if device["readable"] else " (not readable: add the user to the 'input' group)"
        return f"input    {path} ({device['looks_like']}){note}"
    if kind == "camera":
        role = "" if device["capture"] else " (metadata node, not a camera picture)"
        note = "" if device["readable"] else " (not readable: add the user to the 'video' group)"
        best = " - " + _("reads cards in {mode}").format(mode=device["best_mode"]) if device.get("best_mode") else ""
        return f"camera   {path} {device['name']}{role}{note}{best}"
    if kind == "battery":
        pct = "unknown" if device.get("percent") is None else f"{device['percent']:.0f}%"
        where = device.get("name") or device["source"]
        extra = device.get("status") or ("plugged in" if device.get("plugged") else
                                         "on battery" if device.get("plugged") is False else "")
        if device.get("low"):
            extra += " (low)"
        if device.get("problem"):
            extra = f"(not answering: {device['problem']})"
        return f"battery  {where}: {pct} {extra}".rstrip()
    if kind == "power":
        state = {True: "connected", False: "not connected", None: "unknown"}[device.get("online")]
        return f"power    {device.get('name')} ({device.get('type')}): {state}"
    return f"{kind}  {path}"


# ---- listening -------------------------------------------------------------------------


def listen(port_url: str, protocol: str, seconds: float | None, out: TextIO, err: TextIO | None = None,
           list_ports: Callable[[], Iterable[PortInfo]] = system_ports, **manager_options: Any) -> int:
    """Print every press the receiver on `port_url` reports as a JSON line
    `{"clicker": ..., "key": ...}`, for `seconds` (None: until Ctrl-C).

    `port_url` "auto" takes the first USB receiver found. Returns 0, or 1 with one line on
    `err` when there is no receiver, the port cannot be opened or the protocol is unknown.
    A receiver unplugged while listening is waited for (a note goes to `err`).
    """
    err = err if err is not None else sys.stderr
    protocol = protocol or AUTO
    if protocol.strip().lower() in BATTERY_PROTOCOLS:
        options = {k: v for k, v in manager_options.items() if k in ("retry_every", "read_timeout", "every")}
        return listen_battery(port_url, protocol.strip().lower(), seconds, out, err, list_ports=list_ports, **options)
    if port_url == AUTO:
        found = [d for d in _serial_ports(list_ports) if d["kind"] == "receiver"]
        if not found:
            print(_("cinema devices: no clicker receiver found; plug one in, or name its port: --listen PORT"),
                  file=err)
            return 1
        port_url = found[0]["path"]
        protocol = found[0]["protocol"] if protocol == AUTO else protocol
    events: queue.Queue = queue.Queue()
    try:
        manager = PortManager([ReceiverSpec(port_url, protocol)], events.put, list_ports=list_ports,
                              quiet=True, **manager_options)
    except Exception as exc:  # an unknown protocol (the message names the known ones), an unregistered fake
        print(f"cinema devices: {exc}", file=err)
        return 1
    deadline = None if seconds is None else time.monotonic() + seconds
    ever_connected = False
    code = 0
    manager.start()
    try:
        while deadline is None or time.monotonic() < deadline:
            wait = 0.2 if deadline is None else max(0.0, min(0.2, deadline - time.monotonic()))
            try:
                event = events.get(timeout=wait)
            except queue.Empty:
                continue
            if isinstance(event, ClickerPressed):
                out.write(json.dumps({"clicker": event.clicker, "key": event.key}) + "\n")
                out.flush()
            elif isinstance(event, DeviceChanged):
                if event.connected:
                    if ever_connected:
                        print(_("cinema devices: {target} is back").format(target=port_url), file=err, flush=True)
                    ever_connected = True
                elif not ever_connected:
                    print(_("cinema devices: cannot open {target}: {detail}").format(target=port_url, detail=event.detail),
                          file=err, flush=True)
                    code = 1
                    break
                else:
                    print(_("cinema devices: lost {target}: {detail}; waiting for it to come back").format(
                        target=port_url, detail=event.detail), file=err, flush=True)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a person stops listening: not an error
    finally:
        manager.stop()
    return code


def listen_battery(target: str, protocol: str, seconds: float | None, out: TextIO, err: TextIO,
                   list_ports: Callable[[], Iterable[PortInfo]] = system_ports, clock: Clock | None = None,
                   every: float = NUT_LISTEN_EVERY, **source_options: Any) -> int:
    """Print each battery reading as a JSON line `{"percent": 87.5, "volts": 12.61, "amps": -3.2,
    "minutes_left": 140}` for `seconds` (None: until Ctrl-C). `protocol` "vedirect": a Victron
    device on serial port `target` ("auto": the first Victron cable found), one line per block
    it sends (about one a second); "nut": the UPS `target` (`ups@host`, "auto": the only one on
    this laptop), read every `every` seconds. Returns 0, or 1 with one line on `err` when the
    port cannot be opened or the UPS cannot be read at all."""
    # This command says what happens itself, in one line each: the sources' own log lines would repeat it.
    power_log = logging.getLogger("cinema.power")
    level = power_log.level
    power_log.setLevel(logging.ERROR)
    try:
        return _listen_battery(target, protocol, seconds, out, err, list_ports, clock, every, **source_options)
    finally:
        power_log.setLevel(level)


def _listen_battery(target: str, protocol: str, seconds: float | None, out: TextIO, err: TextIO,
                    list_ports: Callable[[], Iterable[PortInfo]], clock: Clock | None, every: float,
                    **source_options: Any) -> int:
    if clock is None:
        from cinema.app.clocks import SystemClock

        clock = SystemClock()
    events: queue.Queue = queue.Queue()
    source: VeDirectSource | NutSource
    if protocol == "vedirect":
        if target == AUTO:
            found = [d for d in _serial_ports(list_ports) if d.get("protocol") == "vedirect"]
            if not found:
                print(_("cinema devices: no Victron device found; name its port: --listen PORT --protocol vedirect"),
                      file=err)
                return 1
            target = found[0]["path"]
        try:
            source = VeDirectSource(target, clock, events.put, events.put, **source_options)
        except Exception as exc:  # an unregistered fake
            print(f"cinema devices: {exc}", file=err)
            return 1
        source.start()
        poll_every = 1.0  # read() only notices silence here; the readings come from the thread
    else:
        try:
            address = parse_address("" if target == AUTO else target)
        except ValueError as exc:
            print(_("cinema devices: {target} is not a UPS name ({reason}); write it as ups@localhost").format(
                target=target, reason=exc), file=err)
            return 1
        source = NutSource(address, events.put)
        poll_every = every
    deadline = None if seconds is None else time.monotonic() + seconds
    next_poll = time.monotonic()
    ever = False
    code = 0
    try:
        while deadline is None or time.monotonic() < deadline:
            now = time.monotonic()
            if now >= next_poll:
                next_poll = now + poll_every
                reading = source.read()
                if reading is not None and protocol == "nut":
                    events.put(reading)
            waits = [0.2, next_poll - now] + ([] if deadline is None else [deadline - now])
            try:
                event = events.get(timeout=max(0.0, min(waits)))
            except queue.Empty:
                continue
            if isinstance(event, BatteryReading):
                out.write(json.dumps(event.as_json()) + "\n")
                out.flush()
            elif isinstance(event, DeviceChanged):
                if event.connected:
                    if ever:
                        print(_("cinema devices: {target} is back").format(target=target), file=err, flush=True)
                    ever = True
                elif not ever and protocol == "nut":
                    print(_("cinema devices: cannot read {target}: {detail}").format(target=target, detail=event.detail),
                          file=err, flush=True)
                    code = 1
                    break
                elif not ever and isinstance(source, VeDirectSource) and source.opens == 0:
                    print(_("cinema devices: cannot open {target}: {detail}").format(target=target, detail=event.detail),
                          file=err, flush=True)
                    code = 1
                    break
                elif ever:
                    print(_("cinema devices: lost {target}: {detail}; waiting for it to come back").format(
                        target=target, detail=event.detail), file=err, flush=True)
                else:
                    print(_("cinema devices: nothing from {target} yet: {detail}; is it a Victron device?").format(
                        target=target, detail=event.detail), file=err, flush=True)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a person stops listening: not an error
    finally:
        source.close()
    return code


def camera_choices(first: str, dev: Path = Path("/dev"), v4l: Path = Path("/sys/class/video4linux"),
                   fakes: Callable[[], list[str]] | None = None) -> list[tuple[str, str]]:
    """The cameras `cinema devices --camera [FIRST]` offers, as (what opens it, its name): FIRST
    (a number, a device path, a video file or a fake's URL; "auto": none in particular) first, then
    every other camera that gives pictures, then the registered fakes."""
    from cinema.devices.cards.sources import registered_fake_cameras

    found = [(d["path"], d["name"]) for d in _cameras(dev, v4l) if d["capture"]]
    found += [(url, url) for url in (fakes or registered_fake_cameras)()]
    if first in ("", AUTO):
        return found
    spec = str(dev / f"video{first}") if first.isdigit() else first
    real = os.path.realpath(spec)
    named = next((name for path, name in found if os.path.realpath(path) == real), spec)
    return [(spec, named)] + [(path, name) for path, name in found if os.path.realpath(path) != real]


def main_camera(args: Any, on_step: Callable[[Any], None] | None = None) -> int:
    """`cinema devices --camera [DEVICE] [--config F]`: a window with the camera's live picture and the
    cards it reads; Enter saves the camera shown as the config's devices.camera, Esc leaves."""
    from cinema.config.locate import locate_config
    from cinema.devices.cards.camera_choice import CannotSave, lasting_name, save_camera
    from cinema.display.camera_preview import CameraEntry, CameraPreview, no_screen, open_preview_window
    from cinema.locale.languages import is_rtl
    from cinema.locale.runtime import language_from_environment

    choices = camera_choices(args.camera or AUTO)
    if not choices:
        print(_("cinema devices: no camera found; plug in a webcam, or name it: --camera /dev/video0"),
              file=sys.stderr)
        return 1
    if no_screen():
        print(_("cinema devices --camera shows the camera's picture in a window, and there is no screen here: "
                "run it on the kiosk's own screen."), file=sys.stderr)
        return 1
    config = locate_config(getattr(args, "config", None))
    import pygame

    try:
        surface = open_preview_window()
    except pygame.error as exc:
        print(_("cinema devices: cannot open a window here ({reason})").format(reason=exc), file=sys.stderr)
        return 1
    try:
        preview = CameraPreview([CameraEntry(spec, name) for spec, name in choices], surface,
                                rtl=is_rtl(language_from_environment() or "en"))
        chosen = preview.run(on_step)
    finally:
        pygame.display.quit()
    if chosen is None:
        print(_("Left without saving: the kiosk's camera is unchanged."))
        return 0
    value = lasting_name(chosen.spec) if chosen.spec.startswith("/dev/") else chosen.spec
    try:
        save_camera(config, value)
    except (CannotSave, OSError) as exc:
        print(f"cinema devices: {exc}", file=sys.stderr)
        return 1
    print(_("Saved in {file}: the kiosk reads cards with the camera {camera}.").format(file=config, camera=value))
    return 0


def main_devices(args: Any) -> int:
    """`cinema devices [--listen PORT --seconds N] [--protocol NAME] [--json] [--camera [DEVICE] --config F]`."""
    if getattr(args, "camera", None):
        return main_camera(args)
    if getattr(args, "listen", None):
        return listen(args.listen, getattr(args, "protocol", None) or AUTO, getattr(args, "seconds", None),
                      sys.stdout)
    devices = list_devices()
    if getattr(args, "json", False):
        for d in devices:
            sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
        return 0
    if not devices:
        print(_("No devices found."))
    for d in devices:
        print(describe(d))
    if any(d["kind"] == "camera" for d in devices):
        print(_("To see a camera's picture and choose the kiosk's camera: cinema devices --camera"))
    if not any(d["kind"] == "receiver" for d in devices):
        print(_("No clicker receiver found. Plug one in, or name its port: cinema devices --listen PORT "
                "(protocol {protocol} unless --protocol says otherwise).").format(protocol=DEFAULT_PROTOCOL))
    return 0
