"""A warm process that forks `cinema run` on request, so a test can pull the plug on a hundred kiosks.

Starting Python, pygame and VLC costs about a second; forking a process that has already
imported them costs milliseconds. The forked child runs the real command line (`cinema.cli.main`)
from its first line, so what gets killed is a whole kiosk: main loop, threads, VLC and journal.

Protocol (one JSON object a line on stdin, one reply a line on stdout):
  {"run": [argv...], "out": PATH, "err": PATH} -> {"pid": N}     stdout/stderr of the kiosk go to the files
  {"wait": N}                                  -> {"signal": S, "code": C}   one of them is null
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Forker:
    """The test's end: start a kiosk (returns its pid), then wait for it after killing it."""

    def __init__(self, env: dict | None = None) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.app.kiosk_forker"], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def _ask(self, request: dict) -> dict:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the kiosk forker died (exit {self.proc.poll()})")
        return json.loads(line)

    def start(self, argv: list[str], out: Path, err: Path) -> int:
        return self._ask({"run": argv, "out": str(out), "err": str(err)})["pid"]

    def wait(self, pid: int) -> tuple[int | None, int | None]:
        """(signal that ended it, exit code): exactly one is None."""
        reply = self._ask({"wait": pid})
        return reply["signal"], reply["code"]

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def __enter__(self) -> Forker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# What a kiosk run imports; nothing here starts a thread, so forking afterwards is safe.
WARM_MODULES = (
    "pygame", "cinema.app.clocks", "cinema.app.keys", "cinema.app.kiosk", "cinema.app.sounds",
    "cinema.cards.keys", "cinema.cards.roster_csv", "cinema.cli", "cinema.config", "cinema.config.pairing",
    "cinema.devices.cards.answer_card", "cinema.devices.cards.camera", "cinema.devices.clickers.hid",
    "cinema.devices.clickers.hid_reader", "cinema.devices.clickers.manager", "cinema.devices.simulated_camera",
    "cinema.devices.simulated_class", "cinema.devices.simulated_receiver", "cinema.display.renderer",
    "cinema.display.window", "cinema.media.vlc_player",
)


def _warm_up() -> None:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except (ImportError, OSError):
            pass  # e.g. no libvlc, or a module renamed: the kiosk itself imports what it needs


def _child(request: dict) -> None:
    code = 70
    try:
        for fd, path, flags in ((0, os.devnull, os.O_RDONLY),
                                (1, request["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                                (2, request["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
            opened = os.open(path, flags, 0o644)
            os.dup2(opened, fd)
            os.close(opened)
        from cinema.cli import main

        code = main(request["run"])
        sys.stdout.flush()
    except BaseException:  # the test reads the err file; never return into the forker's loop
        import traceback

        traceback.print_exc()
        sys.stderr.flush()
    finally:
        os._exit(code)


def serve() -> None:
    _warm_up()
    for line in sys.stdin:
        request = json.loads(line)
        if "run" in request:
            sys.stdout.flush()  # nothing buffered may be copied into the child
            pid = os.fork()
            if pid == 0:
                _child(request)
            reply = {"pid": pid}
        else:
            _, status = os.waitpid(request["wait"], 0)
            reply = {"signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                     "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
