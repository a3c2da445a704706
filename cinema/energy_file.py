"""The measured energy rates on disk: `energy.json` beside the journal, written by `cinema doctor
--energy` and read by the kiosk at start. A missing or broken file gives the shipped defaults."""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

from cinema.atomic import write_text
from cinema.core.energy import EnergyRates

log = logging.getLogger("cinema.energy")

FILE_NAME = "energy.json"
VERSION = 1
NOT_MEASURED = "not measured"


def rates_path(journal: Path) -> Path:
    return Path(journal).parent / FILE_NAME


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return None
    return float(value)


def load_rates(path: Path) -> tuple[EnergyRates, str]:
    """The rates in `path`, and "" — or the defaults and why (no file, or what is wrong with it)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return EnergyRates(), NOT_MEASURED
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("energy rates in %s cannot be read, using the defaults: %s", path, exc)
        return EnergyRates(), f"cannot be read: {exc}"
    rates, problem = parse_rates(text)
    if problem:
        log.warning("energy rates in %s: %s; using the defaults", path, problem)
    return rates, problem


def parse_rates(text: str | None) -> tuple[EnergyRates, str]:
    """Rates from the file's text (None: no file), and "" or what is wrong (then the defaults)."""
    if text is None:
        return EnergyRates(), NOT_MEASURED
    try:
        data = json.loads(text)
    except ValueError as exc:
        return EnergyRates(), f"not JSON: {exc}"
    cpu = data.get("cpu") if isinstance(data, dict) else None
    if not isinstance(cpu, dict) or not cpu:
        return EnergyRates(), "no \"cpu\" table"
    rates = {str(k): n for k, v in cpu.items() if (n := _number(v)) is not None}
    if not rates:
        return EnergyRates(), "no number in the \"cpu\" table"
    bad = sorted(set(map(str, cpu)) - set(rates))
    if bad:
        log.warning("energy rates: ignored %s (not a number of seconds)", ", ".join(bad))
    extra = {key: n for key in ("idle_watts", "watts_per_core", "battery_wh")
             if (n := _number(data.get(key))) is not None and n > 0}
    note = str(data.get("measured_at", ""))[:40]
    return EnergyRates(**extra).with_cpu(rates, note=note), ""


def kiosk_rates(journal: Path) -> EnergyRates:
    """The rates the kiosk plans with: `energy.json` beside its journal, else the defaults (logged)."""
    path = rates_path(journal)
    rates, problem = load_rates(path)
    if problem == NOT_MEASURED:
        log.info("energy rates: %s not found, the battery estimate uses typical figures "
                 "(`cinema doctor --energy` measures this laptop)", path)
    elif not problem:
        log.info("energy rates from %s (measured %s)", path, rates.note or "?")
    return rates


def save_rates(path: Path, rates: EnergyRates, measured_at: str) -> None:
    data = {"version": VERSION, "measured_at": measured_at,
            "cpu": {k: round(v, 3) for k, v in rates.cpu.items()},
            "idle_watts": rates.idle_watts, "watts_per_core": rates.watts_per_core, "battery_wh": rates.battery_wh}
    write_text(path, json.dumps(data, indent=1) + "\n")
