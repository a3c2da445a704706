"""`cinema doctor --energy`: measure, on this laptop, what each kind of lesson item costs the battery
(CPU seconds per lesson-minute), print a table and save it beside the journal for the kiosk."""

from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path
from typing import Any

from cinema.core.energy import KINDS
from cinema.locale.runtime import gettext as _

SECONDS = 10.0  # measured per scenario: six of them, with their warm-ups, take about 90 s
WARMUP = 3.0


def measure_rates(config_path: Path, config: Any, seconds: float, warmup: float, out,
                  only: tuple[str, ...] | None = None) -> dict[str, float]:
    """CPU seconds per lesson-minute for each kind that can be run here (`only` these, if given),
    saying progress on `out`."""
    from cinema.energy_measure import MeasureError, energy_scenarios, kiosk_env, measure
    from cinema.media.demo_media import ensure_demo_media

    def say(text: str) -> None:
        out.write(text + "\n")
        out.flush()

    media = Path(tempfile.gettempdir()) / "cinema-demo-media"
    try:
        if only is None or {"video_720p", "video_1080p", "slides"} & set(only):
            ensure_demo_media(media, only=("lesson.mp4", "slide1.png", "slide2.png", "slide3.png"))
    except Exception as exc:  # noqa: BLE001 - no ffmpeg, a full disk: measured without the demo's files
        say(_("The demo video and slides cannot be made ({error}): they are not measured.").format(error=exc))
    measured: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="cinema-energy-") as tmp:
        scenarios = energy_scenarios(config_path, config, Path(tmp), media, seconds + warmup, say, only)
        env = kiosk_env()
        for n, scenario in enumerate(scenarios, 1):
            say(_("Measuring {kind} ({n} of {count}, {seconds:g} s)…").format(
                kind=scenario.name, n=n, count=len(scenarios), seconds=warmup + seconds))
            try:
                measured[scenario.name] = measure(scenario, env, warmup, seconds, cwd=Path(tmp)).cpu_per_minute
            except (MeasureError, OSError) as exc:
                say(_("{kind}: not measured ({error})").format(kind=scenario.name, error=exc))
    return measured


def table(rates, measured: dict[str, float]) -> list[str]:
    """The rates as a table: kind, CPU seconds per lesson-minute, the model's watts, and whether measured."""
    lines = [f"{_('item'):<14} {_('CPU s / lesson-min'):>19} {_('model W'):>8}"]
    order = [*KINDS, *sorted(set(rates.cpu) - set(KINDS))]
    for kind in sorted(order, key=lambda k: k not in measured):  # measured first, each part in KINDS' order
        mark = "" if kind in measured else "  " + _("(not measured: default)")
        lines.append(f"{kind:<14} {rates.rate(kind):>19.2f} {rates.watts(kind):>8.1f}{mark}")
    return lines


def main_energy(args: Any, out) -> int:
    from cinema.config.kiosk import read_kiosk_config
    from cinema.config.locate import locate_config
    from cinema.energy_file import load_rates, rates_path, save_rates

    config_path = locate_config(getattr(args, "config", None))
    config, _problems = read_kiosk_config(config_path)
    if config is None:
        out.write(_("The settings file {file} cannot be read: run `cinema doctor` first.").format(
            file=config_path) + "\n")
        return 1
    seconds = float(getattr(args, "energy_seconds", None) or SECONDS)
    warmup = min(WARMUP, max(1.0, seconds / 2))
    out.write(_("Measuring what each kind of lesson item costs the battery on this laptop "
                "({cores} cores, load {load:.1f}); keep other programs closed.").format(
        cores=os.cpu_count(), load=os.getloadavg()[0]) + "\n")
    measured = measure_rates(config_path, config, seconds, warmup, out, getattr(args, "energy_only", None))
    if not measured:
        out.write(_("Nothing could be measured: the kiosk keeps its typical figures.") + "\n")
        return 1
    path = rates_path(Path(getattr(args, "journal", None) or config.journal))
    before, _problem = load_rates(path)
    now = datetime.datetime.now().astimezone().isoformat(timespec="minutes")
    rates = before.with_cpu(measured, note=now)
    out.write("\n" + "\n".join(table(rates, measured)) + "\n")
    try:
        save_rates(path, rates, now)
    except OSError as exc:
        out.write(_("The figures cannot be saved in {file}: {error}").format(file=path, error=exc) + "\n")
        return 1
    out.write(_("Saved in {file}: the kiosk uses them from its next start.").format(file=path) + "\n")
    return 0
