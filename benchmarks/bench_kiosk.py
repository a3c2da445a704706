"""Kiosk benchmarks: start to first frame, and CPU while an activity screen waits.

Prints a table. The idle kiosk is compared with a 60 fps redraw loop of the same screen,
measured in the same run on the same (SDL dummy) output; on a laptop with a projector (a
two-monitor Xorg, when its dummy driver is installed) presenter mode's two windows are compared
with the same kiosk in one window (`display.teacher_screen: off`), in the same run.
Usage: python benchmarks/bench_kiosk.py [--seconds 20]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1",
           PYTHONPATH=str(ROOT), CINEMA_LOG="info")

QUIZ_FIRST = """\
version: 1
id: bench
title: Bench
language: en
items:
  - type: activity
    id: quiz
    activity: water-quiz
  - type: closing
    id: bye
    title: Bye
"""

LOOP_60FPS = """
import sys, time, pygame
sys.path.insert(0, {root!r})
from cinema.display.renderer import Renderer
from cinema.display.window import open_window
from cinema.core.view import View, Screen, QuestionBody, OptionTally
pygame.init()
surface = open_window(0, None, False, True)
renderer = Renderer(surface.get_size(), "en")
view = View(Screen.QUESTION, QuestionBody("Where does rain come from?",
            tuple(OptionTally(k, t) for k, t in (("A", "From the clouds"), ("B", "From the trees"),
                                                  ("C", "From the ground"), ("D", "From the sun"))),
            0, None, 1, 3), item_number=1, item_count=2, lesson_title="Bench")
clock = pygame.time.Clock()
while True:
    pygame.event.get()
    renderer.draw(surface, view, None)
    pygame.display.flip()
    clock.tick(60)
"""


def project(tmp: Path) -> tuple[Path, Path]:
    (tmp / "kiosk_config").mkdir()
    config = (ROOT / "kiosk_config" / "default.yaml").read_text().replace("playlists/demo.yaml", "playlists/bench.yaml")
    (tmp / "kiosk_config" / "default.yaml").write_text(config)
    shutil.copytree(ROOT / "activities", tmp / "activities")
    (tmp / "playlists").mkdir()
    (tmp / "playlists" / "bench.yaml").write_text(QUIZ_FIRST)
    return tmp / "kiosk_config" / "default.yaml", tmp / "j.sqlite"


def quiz_playlist(config: Path) -> Path:
    """The quiz lesson, started directly (without it the kiosk would wait on its home screen)."""
    return config.parent.parent / "playlists" / "bench.yaml"


def cpu_share(proc: subprocess.Popen, warmup: float, seconds: float) -> float:
    """CPU seconds per wall second (1.0 = one whole core) of a running process."""
    import psutil  # here, not at the top: `--help` answers even from a Python without it

    p = psutil.Process(proc.pid)
    time.sleep(warmup)
    t0 = p.cpu_times()
    w0 = time.monotonic()
    time.sleep(seconds)
    t1 = p.cpu_times()
    w1 = time.monotonic()
    return ((t1.user + t1.system) - (t0.user + t0.system)) / (w1 - w0)


def first_frame(config: Path, journal: Path) -> float:
    proc = subprocess.run([sys.executable, "-m", "cinema", "run", "--config", str(config), "--journal", str(journal),
                           "--headless", "--max-seconds", "1.5"], env=ENV, capture_output=True, text=True, cwd=ROOT)
    m = re.search(r"first frame drawn ([0-9.]+) s", proc.stderr)
    if not m:
        raise SystemExit(f"no first-frame line in the kiosk's log:\n{proc.stderr}")
    return float(m.group(1))


def idle_pair(config: Path, journal: Path, seconds: float, env: dict, extra: list[str]) -> tuple[float, float]:
    """CPU share of the idle kiosk and of the 60 fps loop, on the same output."""
    kiosk = subprocess.Popen([sys.executable, "-m", "cinema", "run", "--config", str(config), "--journal",
                              str(journal), "--playlist", str(quiz_playlist(config)), *extra], env=env, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    loop_code = LOOP_60FPS.format(root=str(ROOT))
    if "--windowed" in extra:
        loop_code = loop_code.replace("open_window(0, None, False, True)", "open_window(0, (1280, 720), False, False)")
    loop = subprocess.Popen([sys.executable, "-c", loop_code], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return cpu_share(kiosk, 3.0, seconds), cpu_share(loop, 0.0, seconds)
    finally:
        kiosk.kill()
        loop.kill()


def start_xvfb() -> tuple[subprocess.Popen | None, dict | None]:
    if not shutil.which("Xvfb"):
        return None, None
    xvfb = subprocess.Popen(["Xvfb", ":98", "-screen", "0", "1280x720x24"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    env = dict(ENV, DISPLAY=":98", SDL_FRAMEBUFFER_ACCELERATION="0")
    env.pop("SDL_VIDEODRIVER")
    return xvfb, env


def presenter_pair(tmp: Path, seconds: float) -> tuple[float, float] | None:
    """CPU share of the fullscreen kiosk waiting on a quiz with two windows (presenter mode) and with
    one (teacher_screen: off), both on the same two-monitor X server; None without Xorg's dummy driver."""
    from cinema.display.virtual_x import XvfbError, virtual_monitors

    config, _ = project(tmp)
    single = tmp / "kiosk_config" / "single.yaml"
    single.write_text(config.read_text().replace("teacher_screen: auto", "teacher_screen: off"))
    shares = []
    try:
        with virtual_monitors("1280x800", "1024x768") as vm:
            env = dict(ENV, **vm.env)  # its X server instead of SDL's dummy output
            for name, cfg in (("two", config), ("one", single)):
                journal = tmp / f"{name}.sqlite"
                # A fullscreen kiosk asks for a PIN before its first lesson: choose one, as a team does once.
                subprocess.run([sys.executable, "-m", "cinema", "pin", "--journal", str(journal)], input="4821\n",
                               text=True, env=env, cwd=ROOT, capture_output=True, check=True)
                kiosk = subprocess.Popen([sys.executable, "-m", "cinema", "run", "--config", str(cfg), "--journal",
                                          str(journal), "--playlist", str(quiz_playlist(config))], env=env, cwd=ROOT,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    shares.append(cpu_share(kiosk, 4.0, seconds))
                finally:
                    kiosk.kill()
                    kiosk.wait()
    except XvfbError:
        return None
    return shares[0], shares[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config, journal = project(Path(tmp))
        starts = sorted(first_frame(config, Path(tmp) / f"s{i}.sqlite") for i in range(args.runs))
        idle, busy = idle_pair(config, journal, args.seconds, ENV, ["--headless"])
        xvfb, xenv = start_xvfb()
        x_idle = x_busy = None
        if xvfb is not None:
            try:
                x_idle, x_busy = idle_pair(config, Path(tmp) / "x.sqlite", args.seconds, xenv,
                                           ["--windowed", "--size", "1280x720"])
            finally:
                xvfb.terminate()
        (Path(tmp) / "presenter").mkdir()
        presenter = presenter_pair(Path(tmp) / "presenter", args.seconds)
    print(f"{'measure':44} {'value':>10} {'target':>12}")
    print(f"{'start to first frame, median of %d (s)' % args.runs:44} {starts[len(starts) // 2]:10.2f} {'':>12}")
    print(f"{'start to first frame, worst (s)':44} {starts[-1]:10.2f} {'':>12}")
    print(f"{'CPU, kiosk waiting on a quiz (% of a core)':44} {idle * 100:10.2f} {'< 1%':>12}")
    print(f"{'CPU, 60 fps redraw loop, same screen (%)':44} {busy * 100:10.2f} {'':>12}")
    print(f"{'ratio kiosk / 60 fps loop':44} {idle / busy if busy else float('nan'):10.3f} {'':>12}")
    if x_idle is not None:
        print(f"{'CPU, kiosk waiting on a quiz, Xvfb window (%)':44} {x_idle * 100:10.2f} {'< 1%':>12}")
        print(f"{'CPU, 60 fps redraw loop, Xvfb window (%)':44} {x_busy * 100:10.2f} {'':>12}")
        print(f"{'ratio kiosk / 60 fps loop, Xvfb':44} {x_idle / x_busy if x_busy else float('nan'):10.3f} {'':>12}")
    if presenter is not None:
        two, one = presenter
        print(f"{'CPU, quiz, projector + teacher window (%)':44} {two * 100:10.2f} {'< 1.5%':>12}")
        print(f"{'CPU, quiz, same kiosk in one window (%)':44} {one * 100:10.2f} {'':>12}")
        print(f"{'ratio two windows / one':44} {two / one if one else float('nan'):10.3f} {'<= 1.5x':>12}")


if __name__ == "__main__":
    main()
