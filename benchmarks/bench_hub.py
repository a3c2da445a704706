"""Hub benchmarks: phones answering through the kiosk's offline hub, downloads during a quiz, idle cost.

The kiosk side is the kiosk itself, in this process: cinema.app.kiosk.Kiosk headless (SDL's dummy
driver) on a quiz lesson, with the hub as `cinema run --hub 127.0.0.1:0` starts it, its main loop
run as `cinema run` runs it (each turn: drain the queue, the engine, one commit to the journal on
disk, the phones' replies, the phones' state, draw). The phones are WebSocket and HTTP clients in
a second process (each with its own 127.0.x.y address), so that their CPU is not counted as the
kiosk's.

Tables: (1) N phones join and answer within a second (a fifth change their answer once): each
answer journaled once, press-to-ack and press-to-tally, the loop's longest turn; the same answers
as clicker presses put straight on the kiosk's queue, no hub, as the baseline. (2) A take-home
video (a sparse file of zeros) downloading to 5 phones with Range requests while 40 phones answer:
the answers with and without the downloads, and the download rate with the question open and
closed. (3) CPU with phones connected and nothing happening: the hub's thread, the loop, the process.
Usage: python benchmarks/bench_hub.py [--phones 200] [--spread 1.0] [--answerers 40] [--downloaders 5]
       [--video-mb 500] [--rounds 3] [--idle-phones 50] [--idle-seconds 10]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ANSWER_KINDS = ("answer.recorded", "answer.changed")
ACK_TARGET_MS = 100.0


def _pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of `values`, in milliseconds; nan when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# ---- the kiosk side --------------------------------------------------------------------------


@dataclass
class Turns:
    """The kiosk loop's turns (each draws the screen): when each started and how long it took."""

    starts: list[float] = field(default_factory=list)
    durations: list[float] = field(default_factory=list)

    def longest(self, first: float, last: float) -> float:
        """The longest turn that started from `first` to `last` (the screen is drawn at the end of each: the
        loop wakes at once for an event, so this bounds how late a drawing comes)."""
        return max((d for s, d in zip(self.starts, self.durations) if first <= s <= last), default=0.0)


QUIZ = """\
version: 1
id: bench-quiz
kind: multiple_choice
title: Quiz
questions:
  - prompt: Where does rain come from?
    options: {A: From the clouds, B: From the trees, C: From the ground, D: From the sun}
    correct: A
  - prompt: What happens to water when it gets very cold?
    options: {A: It turns into ice, B: It turns into steam, C: It disappears, D: It becomes salty}
    correct: A
"""
LESSON = """\
version: 1
id: bench-hub
title: Bench
language: en
take_home: {take_home}
items:
  - type: activity
    id: quiz
    activity: bench-quiz
  - type: closing
    id: bye
"""


def make_project(folder: Path, take_home_mb: int = 0) -> tuple[Path, Path, str]:
    """A kiosk project: the shipped config (no battery, no USB stick), a quiz lesson opening on its first
    question, and with `take_home_mb` a take-home video of that size (sparse: zeros, made at once).
    Returns (config, playlist, the video's file name or "")."""
    (folder / "kiosk_config").mkdir(parents=True)
    config = (ROOT / "kiosk_config" / "default.yaml").read_text()
    config = config.replace("  source: auto", "  source: none").replace(
        "usb_stick: /media/cinema-usb", "usb_stick: null").replace("playlist: playlists/demo.yaml",
                                                                    "playlist: playlists/bench.yaml")
    (folder / "kiosk_config" / "default.yaml").write_text(config)
    (folder / "activities").mkdir()
    (folder / "activities" / "bench_quiz.yaml").write_text(QUIZ)
    (folder / "playlists").mkdir()
    video = ""
    if take_home_mb:
        video = "lesson-video.mp4"
        with open(folder / "playlists" / video, "wb") as f:
            f.truncate(take_home_mb * 1_000_000)
    (folder / "playlists" / "bench.yaml").write_text(LESSON.format(take_home=f"[{video}]" if video else "[]"))
    return folder / "kiosk_config" / "default.yaml", folder / "playlists" / "bench.yaml", video


class KioskSide:
    """The kiosk itself (cinema.app.kiosk.Kiosk headless: SDL's dummy driver, the screen drawn every
    turn), with the hub as `--hub 127.0.0.1:0` starts it or without it (the clicker baseline), its main
    loop run in a thread as `cinema run` runs it (step, wait). Measured from outside: each turn's
    time, and when each answer's record was committed (the recorder's commit, wrapped)."""

    def __init__(self, folder: Path, *, hub: bool, take_home_mb: int = 0) -> None:
        import io

        from cinema.app.kiosk import Kiosk, RunOptions

        config, playlist, self.video = make_project(folder, take_home_mb)
        self.path = folder / "journal.sqlite"
        opts = RunOptions(config=config, playlist=playlist, journal=self.path, headless=True,
                          hub=("127.0.0.1", 0) if hub else None)
        self.kiosk = Kiosk(opts, io.StringIO())
        self.turns = Turns()
        self.tallied: dict[str, list[float]] = {}  # voter -> when each of its answer records was committed
        self.closed_tally: dict[str, int] | None = None
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._failed: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="bench-loop", daemon=True)
        self.thread.start()
        if not self._ready.wait(60) or self._failed is not None:
            raise SystemExit(f"bench_hub: the kiosk did not start: {self._failed!r}")
        self.events = self.kiosk.events
        self.hub = self.kiosk.hub
        self.url = self.hub.url if self.hub is not None else ""
        if self.hub is not None:  # the hub has taken the lesson's state (a new lesson: a new code)
            _wait_for("the hub to take the lesson", lambda: self.hub.core.state is not None, 10)

    def _run(self) -> None:
        try:
            with self.kiosk.opened() as loop:
                commit = loop.recorder.commit

                def committed(records) -> None:
                    commit(records)
                    at = time.monotonic()
                    for r in records:
                        if r.kind in ANSWER_KINDS:
                            self.tallied.setdefault(r.payload["clicker"], []).append(at)
                        elif r.kind == "question.closed":
                            self.closed_tally = dict(r.payload["tally"])

                loop.recorder.commit = committed
                loop.step(time.monotonic())  # the first screen drawn, the phones' first state handed over
                self._ready.set()
                while not self._stop.is_set():
                    start = time.monotonic()
                    if not loop.step(start):
                        break
                    self.turns.starts.append(start)
                    self.turns.durations.append(time.monotonic() - start)
                    loop.wait()
        except BaseException as exc:
            self._failed = exc
            self._ready.set()
            raise

    def code(self) -> str:
        info = self.hub.join_info() if self.hub is not None else None
        return info.code if info is not None else ""

    def close_question(self) -> dict[str, int]:
        """The teacher presses Next: the question closes; the tally it closed with (as the projector drew it)."""
        from cinema.core.events import Command, TeacherCommand

        self.events.put(TeacherCommand(Command.NEXT))
        _wait_for("the question to close", lambda: self.closed_tally is not None, 10)
        return self.closed_tally

    def journaled(self) -> dict[str, Counter]:
        """voter -> Counter of its answer record kinds, read back from the journal on disk."""
        import sqlite3

        out: dict[str, Counter] = {}
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            for kind, payload in db.execute("SELECT kind, payload FROM records WHERE kind IN (?, ?)", ANSWER_KINDS):
                out.setdefault(json.loads(payload)["clicker"], Counter())[kind] += 1
        finally:
            db.close()
        return out

    def stop(self) -> None:
        """The loop ends within its idle slice (a quarter of a second headless); the kiosk closes as it does."""
        self._stop.set()
        self.thread.join(10)


def _wait_for(what: str, ready, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench_hub: waited {timeout:.0f} s for {what}")
        time.sleep(0.01)


# ---- the phones (a second process) ---------------------------------------------------------------


def phones_main(spec: dict) -> dict:
    import asyncio

    return asyncio.run(_phones(spec))


async def _phones(spec: dict) -> dict:
    import asyncio
    import random

    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    base = spec["url"].rstrip("/")
    ws_url = "ws" + base[len("http"):] + "/ws"
    n = spec["phones"]
    rng = random.Random(spec.get("seed", 3))
    joined = asyncio.Event()
    go = asyncio.Event()
    finished = asyncio.Event()
    count = {"joined": 0, "done": 0}
    results: list[dict] = []
    refused: list[str] = []

    async def ack(ws, r: int, qid_holder: dict) -> dict:
        while True:
            msg = json.loads(await ws.recv())
            if msg.get("t") == "ack" and msg.get("r") == r:
                return msg
            if msg.get("t") == "state":
                q = (msg.get("state") or {}).get("question")
                if q:
                    qid_holder["q"] = q["id"]

    async def phone(i: int) -> None:
        async with connect(ws_url, origin=Origin(base), proxy=None, ping_interval=None, open_timeout=60,
                           max_size=2 ** 20, local_addr=(phone_address(i), 0)) as ws:
            await ws.send(json.dumps({"t": "hello", "code": spec["code"], "token": None}))
            welcome = json.loads(await ws.recv())
            if welcome.get("t") != "welcome":
                refused.append(str(welcome))
                count["joined"] += 1
                if count["joined"] == n:
                    joined.set()
                return
            holder = {"q": ((welcome.get("state") or {}).get("question") or {}).get("id")}
            count["joined"] += 1
            if count["joined"] == n:
                joined.set()
            if spec.get("mode") == "idle":
                await finished.wait()
                return
            while holder["q"] is None:  # the question not open yet: its state comes pushed
                msg = json.loads(await ws.recv())
                if msg.get("t") == "state" and (msg.get("state") or {}).get("question"):
                    holder["q"] = msg["state"]["question"]["id"]
            await go.wait()
            await asyncio.sleep(offsets[i])
            keys = ["ABCD"[rng.randrange(4)]]
            if spec.get("change_every") and i % spec["change_every"] == 0:
                keys.append("ABCD"[("ABCD".index(keys[0]) + 1) % 4])
            for r, key in enumerate(keys, 1):
                sent = time.monotonic()
                await ws.send(json.dumps({"t": "answer", "q": holder["q"], "key": key, "r": r}))
                reply = await ack(ws, r, holder)
                results.append({"device": welcome["device"], "key": key, "r": r, "sent": sent,
                                "acked": time.monotonic(), "status": reply.get("status")})
            count["done"] += 1
            if count["done"] == n - len(refused):
                finished.set()
            await finished.wait()  # stay connected until every phone has answered, as a class does

    offsets = [rng.uniform(0, spec.get("spread", 1.0)) for _ in range(n)]
    downloads: list[dict] = []

    async def session() -> None:
        began = time.monotonic()
        tasks = [asyncio.create_task(phone(i)) for i in range(n)]
        await asyncio.wait_for(joined.wait(), 120)
        print(json.dumps({"joined": n, "seconds": time.monotonic() - began, "refused": len(refused),
                          "why": refused[:1]}), flush=True)
        stdin_line = lambda: asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # noqa: E731
        if spec.get("mode") == "idle":
            await stdin_line()
            finished.set()
        else:
            stop = asyncio.Event()
            dl_tasks = [asyncio.create_task(_download(base, spec["download"], k, downloads, stop))
                        for k in range(spec.get("downloaders", 0))]
            if dl_tasks:
                await asyncio.sleep(spec.get("download_warmup", 2.0))  # the downloads at their full rate first
            go.set()
            await asyncio.wait_for(finished.wait(), 120)
            if dl_tasks:
                print(json.dumps({"answered": len(results)}), flush=True)
                await stdin_line()  # the kiosk closes the question, the downloads go on, then "stop"
                stop.set()
                await asyncio.gather(*dl_tasks)
        await asyncio.gather(*tasks)

    await session()
    return {"answers": results, "refused": refused, "downloads": downloads}


BREAK_OFF = 256 * 1024  # the first download breaks off after this many bytes and resumes


async def _download(base: str, path: str, k: int, out: list[dict], stop) -> None:
    """One phone downloading `path` with Range requests until `stop` is set; the first one breaks off
    after BREAK_OFF bytes and resumes where it stopped (checked against Content-Range). Keeps how
    many bytes had come by each tenth of a second."""
    import asyncio
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    got = 0
    marks: dict[int, int] = {}  # tenth of a second (monotonic) -> bytes by then
    resumed = None
    statuses = []
    while not stop.is_set():
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port,
                                                       local_addr=(phone_address(k, first=100), 0))
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nRange: bytes={got}-\r\n"
                     f"Connection: close\r\n\r\n".encode())
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        status = int(head.split()[1])
        statuses.append(status)
        headers = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip()
                   for line in head.split("\r\n")[1:] if ":" in line}
        if status != 206:
            writer.close()
            raise SystemExit(f"download {path}: HTTP {status}, expected 206 to a Range request")
        if got:
            resumed = headers.get("content-range", "").startswith(f"bytes {got}-")
        limit = BREAK_OFF if (k == 0 and resumed is None) else None
        reading = asyncio.ensure_future(reader.read(65536))
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while True:
                await asyncio.wait({reading, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not reading.done():
                    break  # stopped
                chunk = reading.result()
                if not chunk:
                    break
                got += len(chunk)
                marks[int(time.monotonic() * 10)] = got
                if limit is not None and got >= limit:
                    break
                reading = asyncio.ensure_future(reader.read(65536))
        finally:
            reading.cancel()
            stopping.cancel()
            writer.close()
        if limit is None:
            break
    out.append({"bytes": got, "marks": sorted(marks.items()), "resumed": resumed, "statuses": statuses})


def rate_between(downloads: list[dict], start: float, end: float) -> float:
    """Bytes a second the downloads got together between two monotonic times."""
    def by(d: dict, t: float) -> int:
        before = [b for tenth, b in d["marks"] if tenth / 10 <= t]
        return before[-1] if before else 0

    if end <= start:
        return float("nan")
    return sum(by(d, end) - by(d, start) for d in downloads) / (end - start)


def run_phones(spec: dict, on_joined=None, on_answered=None) -> dict:
    """The phones' process: `spec` in, results out. `on_joined(proc, seconds)` once every phone has
    joined; `on_answered(proc)` once every answer is acked while downloads go on (it writes "stop")."""
    proc = subprocess.Popen([sys.executable, __file__, "--phones-worker", json.dumps(spec)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("bench_hub: the phones' process failed (see above)")
        joined = json.loads(line)
        if joined.get("refused"):
            raise SystemExit(f"bench_hub: {joined['refused']} of {spec['phones']} phones were refused: "
                             f"{joined.get('why')}")
        spec["joined_seconds"] = joined["seconds"]
        if on_joined is not None:
            on_joined(proc)
        if spec.get("downloaders"):
            line = proc.stdout.readline()
            if not line:
                raise SystemExit("bench_hub: the phones' process failed (see above)")
            on_answered(proc)
        out, _ = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    if proc.returncode != 0:
        raise SystemExit(f"bench_hub: the phones' process exited {proc.returncode}")
    return json.loads(out.strip().splitlines()[-1])


# ---- the measurements -------------------------------------------------------------------------


@dataclass
class AnswerRun:
    phones: int
    ack: list[float]  # press-to-ack seconds (hub only)
    tally: list[float]  # press-to-tally: sent to committed in the journal and counted
    statuses: Counter
    once: bool  # every answer journaled exactly once (recorded once, changed once per change)
    tally_ok: bool  # the tally the question closed with equals the last answer of every phone
    turn_max: float  # the loop's longest turn (drawing included) while the answers came in, seconds
    downloads: list[dict] = field(default_factory=list)
    joined_seconds: float = 0.0  # every phone connected and welcomed, from the first connection
    rate_open: float = float("nan")  # the downloads together, bytes a second, while the question was open
    rate_closed: float = float("nan")  # and after the teacher closed it


def hub_answers(folder: Path, phones: int, spread: float, change_every: int = 5, *, take_home_mb: int = 0,
                downloaders: int = 0, closed_seconds: float = 3.0) -> AnswerRun:
    kiosk = KioskSide(folder, hub=True, take_home_mb=take_home_mb)
    times: dict[str, float] = {}
    tally: dict[str, int] = {}

    def close(proc) -> None:
        """Every answer acked: the teacher closes the question; the downloads go on a while, then stop."""
        times["close"] = time.monotonic()
        tally.update(kiosk.close_question())
        time.sleep(closed_seconds)
        times["end"] = time.monotonic()
        proc.stdin.write("stop\n")
        proc.stdin.flush()

    try:
        spec = {"url": kiosk.url, "code": kiosk.code(), "phones": phones, "spread": spread,
                "change_every": change_every, "downloaders": downloaders}
        if downloaders:
            spec["download"] = take_home_path(kiosk)
        out = run_phones(spec, on_answered=close)
        answers = out["answers"]
        sends = len(answers)
        _wait_for("every answer committed", lambda: sum(len(v) for v in kiosk.tallied.values()) >= sends, 10)
        if not tally:
            tally.update(kiosk.close_question())
        journaled = kiosk.journaled()
    finally:
        kiosk.stop()
    last: dict[str, str] = {}
    expected: dict[str, Counter] = {}
    ack, lat = [], []
    for a in sorted(answers, key=lambda a: (a["device"], a["r"])):
        voter = f"phone:{a['device']}"
        last[voter] = a["key"]
        expected.setdefault(voter, Counter())["answer.recorded" if a["r"] == 1 else "answer.changed"] += 1
        ack.append(a["acked"] - a["sent"])
        lat.append(kiosk.tallied[voter][a["r"] - 1] - a["sent"])
    first, last_commit = min(a["sent"] for a in answers), max(t for v in kiosk.tallied.values() for t in v)
    run = AnswerRun(phones, ack, lat, Counter(a["status"] for a in answers), journaled == expected,
                    {k: v for k, v in tally.items() if v} == dict(Counter(last.values())),
                    kiosk.turns.longest(first, last_commit), out["downloads"], spec["joined_seconds"])
    if out["downloads"]:
        first = min(d["marks"][0][0] / 10 for d in out["downloads"] if d["marks"])
        run.rate_open = rate_between(out["downloads"], first + 0.5, times["close"])
        run.rate_closed = rate_between(out["downloads"], times["close"] + 0.3, times["end"])
    return run


def take_home_path(kiosk: KioskSide) -> str:
    """The URL path of the lesson's first take-home file, as the phone page links it (`/files/<n>/<name>`)."""
    from urllib.parse import quote

    return f"/files/0/{quote(kiosk.video)}"


def phone_address(i: int, first: int = 1) -> str:
    """Phone i's own address on the loopback network (127.0.x.y): the hub limits joins and downloads per
    address, and in a classroom every phone has its own."""
    return f"127.0.{first + i // 250}.{1 + i % 250}"


def clicker_answers(folder: Path, phones: int, spread: float, change_every: int = 5) -> AnswerRun:
    """The baseline: the same presses as ClickerPressed put straight on the queue (a receiver's thread)."""
    import random

    from cinema.core.events import ClickerPressed

    kiosk = KioskSide(folder, hub=False)
    rng = random.Random(3)
    offsets = sorted((rng.uniform(0, spread), i) for i in range(phones))
    sent: dict[str, list[float]] = {}
    last: dict[str, str] = {}
    expected: dict[str, Counter] = {}
    try:
        t0 = time.monotonic() + 0.2
        for offset, i in offsets:
            clicker = f"{0xB0000 + i:08X}"
            keys = ["ABCD"[rng.randrange(4)]]
            if change_every and i % change_every == 0:
                keys.append("ABCD"[("ABCD".index(keys[0]) + 1) % 4])
            time.sleep(max(0.0, t0 + offset - time.monotonic()))
            for n, key in enumerate(keys):
                sent.setdefault(clicker, []).append(time.monotonic())
                kiosk.events.put(ClickerPressed(clicker, key))
                last[clicker] = key
                expected.setdefault(clicker, Counter())["answer.recorded" if n == 0 else "answer.changed"] += 1
        total = sum(len(v) for v in sent.values())
        _wait_for("every press committed", lambda: sum(len(v) for v in kiosk.tallied.values()) >= total, 10)
        tally = kiosk.close_question()
        journaled = kiosk.journaled()
    finally:
        kiosk.stop()
    lat = [kiosk.tallied[c][k] - t for c, times in sent.items() for k, t in enumerate(times)]
    first, last_commit = min(t for v in sent.values() for t in v), max(t for v in kiosk.tallied.values() for t in v)
    return AnswerRun(phones, [], lat, Counter(), journaled == expected,
                     {k: v for k, v in tally.items() if v} == dict(Counter(last.values())),
                     kiosk.turns.longest(first, last_commit))


def idle_cpu(folder: Path, phones: int, seconds: float) -> tuple[float, float, float]:
    """% of a core used by the hub's thread, by the kiosk's loop thread and by the whole kiosk process,
    with `phones` phones connected and nothing happening (a question open, nobody answering). From the
    threads' and the process's CPU clocks (nanoseconds), not the 10 ms ticks of /proc."""
    kiosk = KioskSide(folder, hub=True)
    hub_thread = next(t for t in threading.enumerate() if t.name == "hub")
    hub_clock = time.pthread_getcpuclockid(hub_thread.ident)
    loop_clock = time.pthread_getcpuclockid(kiosk.thread.ident)
    result: list[float] = []

    def clocks() -> tuple[float, float, float, float, float]:
        return (time.monotonic(), time.clock_gettime(hub_clock), time.clock_gettime(loop_clock), time.process_time(),
                time.thread_time())

    def measure(proc) -> None:
        time.sleep(1.0)  # the joins settle
        t0, hub0, loop0, cpu0, main0 = clocks()
        time.sleep(seconds)
        t1, hub1, loop1, cpu1, main1 = clocks()
        span = t1 - t0
        # the process less this thread (the bench's own, asleep)
        result.extend([(hub1 - hub0) / span * 100, (loop1 - loop0) / span * 100,
                       ((cpu1 - cpu0) - (main1 - main0)) / span * 100])
        proc.stdin.write("stop\n")
        proc.stdin.flush()

    try:
        run_phones({"url": kiosk.url, "code": kiosk.code(), "phones": phones, "mode": "idle"}, measure)
    finally:
        kiosk.stop()
    return result[0], result[1], result[2]


# ---- the tables ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--phones", type=int, default=200, help="phones answering in the first table")
    ap.add_argument("--spread", type=float, default=1.0, help="seconds over which they answer")
    ap.add_argument("--answerers", type=int, default=40, help="phones answering while others download")
    ap.add_argument("--downloaders", type=int, default=5)
    ap.add_argument("--video-mb", type=int, default=500, help="size of the take-home video (a sparse file of zeros)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the answers with and without downloads")
    ap.add_argument("--idle-phones", type=int, default=50)
    ap.add_argument("--idle-seconds", type=float, default=10.0)
    ap.add_argument("--phones-worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phones_worker:
        print(json.dumps(phones_main(json.loads(args.phones_worker))))
        return 0
    os.environ.setdefault("CINEMA_LOG", "warning")
    os.environ["SDL_VIDEODRIVER"] = "dummy"  # the kiosk headless, as `cinema run --headless` sets it
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)

        def folder(name: str) -> Path:
            (tmp_path / name).mkdir()
            return tmp_path / name

        load0 = os.getloadavg()[0]
        base = clicker_answers(folder("base"), args.phones, args.spread)
        hub = hub_answers(folder("hub"), args.phones, args.spread)
        print(f"{args.phones} phones answer within {args.spread:g} s, every 5th changes its answer once "
              f"({sum(hub.statuses.values())} answers); the kiosk (headless, its real loop, engine and journal) "
              f"with --hub 127.0.0.1:0,\nthe phones in another process; the baseline: the same presses as clicker "
              f"presses on the kiosk's queue, no hub")
        header = (f"{'path':<34} {'once':>5} {'tally':>6} {'ack p50':>8} {'ack p99':>8} {'tally p50':>10} "
                  f"{'tally p99':>10} {'turn max':>9}")
        print(header)
        print("-" * len(header))
        for name, run in (("clickers on the queue (baseline)", base), ("phones through the hub", hub)):
            ack50 = f"{_pct(run.ack, 0.5):8.1f}" if run.ack else f"{'-':>8}"
            ack99 = f"{_pct(run.ack, 0.99):8.1f}" if run.ack else f"{'-':>8}"
            print(f"{name:<34} {'yes' if run.once else 'NO':>5} {'equal' if run.tally_ok else 'NO':>6} {ack50} "
                  f"{ack99} {_pct(run.tally, 0.5):10.1f} {_pct(run.tally, 0.99):10.1f} "
                  f"{run.turn_max * 1000:9.1f}")
        ratio50 = _pct(hub.tally, 0.5) / _pct(base.tally, 0.5)
        ratio99 = _pct(hub.tally, 0.99) / _pct(base.tally, 0.99)
        print(f"hub / baseline press-to-tally: p50 {ratio50:.1f}x, p99 {ratio99:.1f}x; target: ack p99 < "
              f"{ACK_TARGET_MS:.0f} ms; replies: {dict(hub.statuses)}; all {args.phones} phones joined in "
              f"{hub.joined_seconds:.2f} s")
        print("(ms; once = every answer journaled exactly once per phone; tally = the tally the question closed "
              "with equals each phone's last answer;\n turn max = the kiosk loop's longest turn (drain, engine, "
              "commit, replies, publish, draw the screen) while the answers came in)")

        quiet: list[AnswerRun] = []
        busy: list[AnswerRun] = []
        for n in range(args.rounds):  # alternating, so that the machine's other work falls on both alike
            quiet.append(hub_answers(folder(f"quiet{n}"), args.answerers, args.spread, take_home_mb=args.video_mb))
            busy.append(hub_answers(folder(f"busy{n}"), args.answerers, args.spread, take_home_mb=args.video_mb,
                                    downloaders=args.downloaders))
        print(f"\n{args.answerers} phones answer while {args.downloaders} phones download a {args.video_mb} MB "
              f"take-home video (a sparse file of zeros) with Range requests; {args.rounds} rounds of each, "
              f"alternating")
        header = (f"{'while':<16} {'once':>5} {'ack p50':>8} {'ack p99':>8} {'ack max':>8} {'tally p99':>10} "
                  f"{'turn max':>9}  ack p99 of each round")
        print(header)
        print("-" * len(header))
        for name, runs in (("no downloads", quiet), (f"{args.downloaders} downloads", busy)):
            ack = [a for run in runs for a in run.ack]
            tally = [t for run in runs for t in run.tally]
            each = " / ".join(f"{_pct(run.ack, 0.99):.1f}" for run in runs)
            print(f"{name:<16} {'yes' if all(r.once for r in runs) else 'NO':>5} {_pct(ack, 0.5):8.1f} "
                  f"{_pct(ack, 0.99):8.1f} {max(ack) * 1000:8.1f} {_pct(tally, 0.99):10.1f} "
                  f"{max(r.turn_max for r in runs) * 1000:9.1f}  {each}")
        kbps = _default_kbps()
        resumed = [d["resumed"] for run in busy for d in run.downloads if d["resumed"] is not None]
        rate_open = sum(r.rate_open for r in busy) / len(busy)
        rate_closed = sum(r.rate_closed for r in busy) / len(busy)
        print(f"downloads together: {rate_open / 1e6:.2f} MB/s while the question was open, "
              f"{rate_closed / 1e6:.2f} MB/s after it closed (take_home_kbps {kbps} kB/s, a quarter of it "
              f"while a question is open);\na download broken off after {BREAK_OFF // 1024} KiB resumed at its "
              f"byte: {'yes' if resumed and all(resumed) else 'NO' if resumed else 'not tried'}")

        hub_cpu, loop_cpu, all_cpu = idle_cpu(folder("idle"), args.idle_phones, args.idle_seconds)
        print(f"\nidle: {args.idle_phones} phones connected, a question open, nobody answering, "
              f"{args.idle_seconds:g} s (CPU clocks)")
        print(f"{'measure':<44} {'% of a core':>12} {'target':>8}")
        print(f"{'the hub (its thread)':<44} {hub_cpu:12.3f} {'< 1%':>8}")
        print(f"{'the kiosk loop (headless)':<44} {loop_cpu:12.3f} {'':>8}")
        print(f"{'the whole kiosk process':<44} {all_cpu:12.3f} {'':>8}")
        print(f"\n(this machine: {os.cpu_count()} cores, load average over a minute {load0:.2f} at the start and "
              f"{os.getloadavg()[0]:.2f} at the end: other work on it shows as slow turns and late acks)")
    return 0


def _default_kbps() -> int:
    from cinema.config.models import HubConfig

    return HubConfig().take_home_kbps


if __name__ == "__main__":
    raise SystemExit(main())
