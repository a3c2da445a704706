"""Hub benchmarks: phones answering through the kiosk's offline hub, downloads during a quiz, idle cost.

The kiosk side runs in this process as the kiosk runs it: the Hub (cinema.hub.server, port 0) in
its own thread puts the phones' messages on the one event queue; a loop thread drains the queue
into the real session engine (a quiz), commits the records to a real journal on disk in one
transaction per drain (the kiosk's Recorder), hands the PhoneReply effects to the hub and
publishes the engine's phone state after each change. The phones are WebSocket (and HTTP) clients
in a second process, so that their own CPU is not counted as the hub's.

Tables: (1) N phones join and answer within a second (a fifth change their answer once): each
answer journaled once, press-to-ack and press-to-tally, the loop's turn times; the same answers
as clicker presses put straight on the queue, no hub, as the baseline. (2) A take-home video (a
sparse file of zeros) downloading to 5 phones with Range requests while 40 phones answer: the
answers with and without the downloads, and the download rate. (3) The hub's CPU with phones
connected and nothing happening.
Usage: python benchmarks/bench_hub.py [--phones 200] [--spread 1.0] [--answerers 40] [--downloaders 5]
       [--video-mb 500] [--idle-phones 50] [--idle-seconds 10]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
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
    """The loop thread's turns: how long each turn that handled something took, and when every turn
    started (an idle turn too: the real loop draws once a turn, at least every 40 ms)."""

    durations: list[float] = field(default_factory=list)
    handled: list[float] = field(default_factory=list)  # starts of the turns that handled events
    starts: list[float] = field(default_factory=list)  # starts of every turn

    def longest_gap(self) -> float:
        """The longest time between two turns while answers were coming in (the screen not redrawn)."""
        if not self.handled:
            return 0.0
        first, last = self.handled[0], self.handled[-1]
        busy = [t for t in self.starts if first <= t <= last]
        return max((b - a for a, b in zip(busy, busy[1:])), default=0.0)


class KioskSide:
    """The real engine on a quiz, the real journal, the real Hub (or none: the clicker baseline),
    and a loop thread doing what cinema.app.loop.KioskLoop does with them each turn."""

    def __init__(self, folder: Path, *, hub: bool, take_home: Path | None = None, kbps: int | None = None) -> None:
        from cinema.app.clocks import SystemClock
        from cinema.app.recorder import Recorder
        from cinema.config.models import HubConfig
        from cinema.config.models import Activity, Item, Option, Playlist, Question
        from cinema.core.events import Record
        from cinema.core.session import SessionEngine
        from cinema.journal import Journal

        questions = tuple(Question(f"Question {n}?", tuple(Option(k, f"option {k}") for k in "ABCD"), correct="A")
                          for n in (1, 2, 3))
        items = (Item("activity", "quiz", activity=Activity("quiz", "multiple_choice", "Quiz", questions)),)
        playlist = Playlist("bench-hub", "Bench", "en", items,
                            take_home=(take_home,) if take_home is not None else ())
        self.clock = SystemClock()
        self.engine = SessionEngine(playlist, self.clock)
        self.path = folder / "journal.sqlite"
        self.journal = Journal(self.path, "bench-hub")
        self.recorder = Recorder(self.journal, self.engine, self.clock)
        self.recorder.commit([e for e in self.engine.start() if isinstance(e, Record)])
        self.events: queue.Queue = queue.Queue()
        self.turns = Turns()
        self.tallied: dict[str, list[float]] = {}  # voter -> when each of its answer records was committed
        self.closed_tally: dict[str, int] | None = None
        self._stop = threading.Event()
        self.hub = None
        self.url = ""
        if hub:
            from cinema.hub.server import Hub

            config = HubConfig(enabled=True, host="127.0.0.1", port=0)
            if kbps is not None:
                config = HubConfig(enabled=True, host="127.0.0.1", port=0, take_home_kbps=kbps)
            self.hub = Hub(self.events, config, pin_check=lambda pin: ("wrong", 0, 3), language="en")
            self.url = self.hub.start()
            self.hub.publish(self.engine.phone_state(self.engine.view()))
            # the hub applies it on its own thread (a new lesson: a new join code), then the projector shows the code
            _wait_for("the hub to take the first state", lambda: self.hub.core.state is not None, 10)
        self.thread = threading.Thread(target=self._run, name="bench-loop", daemon=True)
        self.thread.start()

    def code(self) -> str:
        info = self.hub.join_info() if self.hub is not None else None
        return info.code if info is not None else ""

    def _run(self) -> None:
        from cinema.core.events import PhoneReply, Record

        self.native_id = threading.get_native_id()
        while not self._stop.is_set():
            self.turns.starts.append(time.monotonic())
            try:
                first = self.events.get(timeout=0.04)  # the loop's KEY_SLICE_SECONDS
            except queue.Empty:
                continue
            start = time.monotonic()
            batch = [first]
            while len(batch) < 2000:  # MAX_EVENTS_PER_LOOP
                try:
                    batch.append(self.events.get_nowait())
                except queue.Empty:
                    break
            effects = [fx for ev in batch if not isinstance(ev, _Wake) for fx in self.engine.handle(ev)]
            records = [fx for fx in effects if isinstance(fx, Record)]
            self.recorder.commit(records)  # one transaction for the whole drain, before any reply
            committed = time.monotonic()
            for r in records:
                if r.kind in ANSWER_KINDS:
                    self.tallied.setdefault(r.payload["clicker"], []).append(committed)
                elif r.kind == "question.closed":
                    self.closed_tally = dict(r.payload["tally"])
            if self.hub is not None:
                for fx in effects:
                    if isinstance(fx, PhoneReply):
                        self.hub.reply(fx)
                self.hub.publish(self.engine.phone_state(self.engine.view()))
            self.turns.handled.append(start)
            self.turns.durations.append(time.monotonic() - start)

    def close_question(self) -> dict[str, int]:
        """The teacher presses Next: the question closes; the tally it closed with (as the projector drew it)."""
        from cinema.core.events import Command, TeacherCommand

        self.events.put(TeacherCommand(Command.NEXT))
        deadline = time.monotonic() + 10
        while self.closed_tally is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if self.closed_tally is None:
            raise SystemExit("the question did not close")
        return self.closed_tally

    def journaled(self) -> dict[str, Counter]:
        """voter -> Counter of its answer record kinds, read back from the journal on disk."""
        from cinema.journal import Journal

        out: dict[str, Counter] = {}
        reader = Journal(self.path, "bench-hub")
        try:
            for rec in reader.records():
                if rec.kind in ANSWER_KINDS:
                    out.setdefault(rec.payload["clicker"], Counter())[rec.kind] += 1
        finally:
            reader.close()
        return out

    def stop(self) -> None:
        self._stop.set()
        self.events.put(_Wake())
        self.thread.join(5)
        if self.hub is not None:
            self.hub.stop()
        self.journal.close()


class _Wake:
    """Wakes the loop thread (the engine ignores what it does not know)."""


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
    turns: Turns
    downloads: list[dict] = field(default_factory=list)
    joined_seconds: float = 0.0  # every phone connected and welcomed, from the first connection
    rate_open: float = float("nan")  # the downloads together, bytes a second, while the question was open
    rate_closed: float = float("nan")  # and after the teacher closed it


def hub_answers(folder: Path, phones: int, spread: float, change_every: int = 5, *, take_home: Path | None = None,
                downloaders: int = 0, closed_seconds: float = 3.0) -> AnswerRun:
    kiosk = KioskSide(folder, hub=True, take_home=take_home)
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
    run = AnswerRun(phones, ack, lat, Counter(a["status"] for a in answers), journaled == expected,
                    {k: v for k, v in tally.items() if v} == dict(Counter(last.values())), kiosk.turns,
                    out["downloads"], spec["joined_seconds"])
    if out["downloads"]:
        first = min(d["marks"][0][0] / 10 for d in out["downloads"] if d["marks"])
        run.rate_open = rate_between(out["downloads"], first + 0.5, times["close"])
        run.rate_closed = rate_between(out["downloads"], times["close"] + 0.3, times["end"])
    return run


def take_home_path(kiosk: KioskSide) -> str:
    """The URL path of the lesson's first take-home file, as the phone page links it (`/files/<n>/<name>`)."""
    from urllib.parse import quote

    files = kiosk.engine.phone_state(kiosk.engine.view()).take_home
    if not files:
        raise SystemExit("bench_hub: the lesson offers no take-home file")
    return f"/files/0/{quote(files[0].name)}"


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
    return AnswerRun(phones, [], lat, Counter(), journaled == expected,
                     {k: v for k, v in tally.items() if v} == dict(Counter(last.values())), kiosk.turns)


def idle_cpu(folder: Path, phones: int, seconds: float) -> tuple[float, float]:
    """% of a core used by the hub's threads (the whole process less the loop thread and the main
    thread, which sleeps) with `phones` phones connected and nothing happening; and by the loop thread.
    CPU clocks of the process and of each thread (nanoseconds), not the 10 ms ticks of /proc."""
    kiosk = KioskSide(folder, hub=True)
    loop_clock = time.pthread_getcpuclockid(kiosk.thread.ident)
    result: list[float] = []

    def measure(proc) -> None:
        time.sleep(1.0)  # the joins settle
        def clocks() -> tuple[float, float, float, float]:
            return time.monotonic(), time.process_time(), time.clock_gettime(loop_clock), time.thread_time()

        t0, cpu0, loop0, main0 = clocks()
        time.sleep(seconds)
        t1, cpu1, loop1, main1 = clocks()
        loop = loop1 - loop0
        result.extend([((cpu1 - cpu0) - loop - (main1 - main0)) / (t1 - t0) * 100, loop / (t1 - t0) * 100])
        proc.stdin.write("stop\n")
        proc.stdin.flush()

    try:
        run_phones({"url": kiosk.url, "code": kiosk.code(), "phones": phones, "mode": "idle"}, measure)
    finally:
        kiosk.stop()
    return result[0], result[1]


# ---- the tables ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--phones", type=int, default=200, help="phones answering in the first table")
    ap.add_argument("--spread", type=float, default=1.0, help="seconds over which they answer")
    ap.add_argument("--answerers", type=int, default=40, help="phones answering while others download")
    ap.add_argument("--downloaders", type=int, default=5)
    ap.add_argument("--video-mb", type=int, default=500, help="size of the take-home video (a sparse file of zeros)")
    ap.add_argument("--idle-phones", type=int, default=50)
    ap.add_argument("--idle-seconds", type=float, default=10.0)
    ap.add_argument("--phones-worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phones_worker:
        print(json.dumps(phones_main(json.loads(args.phones_worker))))
        return 0
    os.environ.setdefault("CINEMA_LOG", "warning")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)

        def folder(name: str) -> Path:
            (tmp_path / name).mkdir()
            return tmp_path / name

        base = clicker_answers(folder("base"), args.phones, args.spread)
        hub = hub_answers(folder("hub"), args.phones, args.spread)
        print(f"{args.phones} phones answer within {args.spread:g} s, every 5th changes its answer once "
              f"({sum(hub.statuses.values())} answers); kiosk side: Hub + session engine + journal on disk, "
              f"phones in another process")
        header = (f"{'path':<34} {'once':>5} {'tally':>6} {'ack p50':>8} {'ack p99':>8} {'tally p50':>10} "
                  f"{'tally p99':>10} {'turn max':>9} {'gap max':>8}")
        print(header)
        print("-" * len(header))
        for name, run in (("clickers on the queue (baseline)", base), ("phones through the hub", hub)):
            ack50 = f"{_pct(run.ack, 0.5):8.1f}" if run.ack else f"{'-':>8}"
            ack99 = f"{_pct(run.ack, 0.99):8.1f}" if run.ack else f"{'-':>8}"
            print(f"{name:<34} {'yes' if run.once else 'NO':>5} {'equal' if run.tally_ok else 'NO':>6} {ack50} "
                  f"{ack99} {_pct(run.tally, 0.5):10.1f} {_pct(run.tally, 0.99):10.1f} "
                  f"{max(run.turns.durations, default=0) * 1000:9.1f} {run.turns.longest_gap() * 1000:8.1f}")
        ratio50 = _pct(hub.tally, 0.5) / _pct(base.tally, 0.5)
        ratio99 = _pct(hub.tally, 0.99) / _pct(base.tally, 0.99)
        print(f"hub / baseline press-to-tally: p50 {ratio50:.1f}x, p99 {ratio99:.1f}x; target: ack p99 < "
              f"{ACK_TARGET_MS:.0f} ms; replies: {dict(hub.statuses)}; all {args.phones} phones joined in "
              f"{hub.joined_seconds:.2f} s")
        print("(ms; once = every answer journaled exactly once per phone; tally = the tally the question closed "
              "with equals each phone's last answer;\n turn = one loop turn: drain, engine, commit, replies, "
              "publish; gap = longest time between two turns)")

        video = tmp_path / "lesson-video.mp4"
        with open(video, "wb") as f:
            f.truncate(args.video_mb * 1_000_000)  # sparse: zeros, made at once
        quiet = hub_answers(folder("quiet"), args.answerers, args.spread, take_home=video)
        busy = hub_answers(folder("busy"), args.answerers, args.spread, take_home=video,
                           downloaders=args.downloaders)
        print(f"\n{args.answerers} phones answer while {args.downloaders} phones download a {args.video_mb} MB "
              f"take-home video (a sparse file of zeros) with Range requests")
        header = f"{'while':<22} {'once':>5} {'ack p50':>8} {'ack p99':>8} {'ack max':>8} {'tally p99':>10}"
        print(header)
        print("-" * len(header))
        for name, run in (("no downloads", quiet), (f"{args.downloaders} downloads", busy)):
            print(f"{name:<22} {'yes' if run.once else 'NO':>5} {_pct(run.ack, 0.5):8.1f} {_pct(run.ack, 0.99):8.1f} "
                  f"{max(run.ack) * 1000:8.1f} {_pct(run.tally, 0.99):10.1f}")
        kbps = _default_kbps()
        resumed = [d["resumed"] for d in busy.downloads if d["resumed"] is not None]
        print(f"downloads together: {busy.rate_open / 1e6:.2f} MB/s while the question was open, "
              f"{busy.rate_closed / 1e6:.2f} MB/s after it closed (take_home_kbps {kbps} kB/s, a quarter of it "
              f"while a question is open);\na download broken off after {BREAK_OFF // 1024} KiB resumed at its "
              f"byte: {'yes' if resumed and all(resumed) else 'NO' if resumed else 'not tried'}")

        hub_cpu, loop_cpu = idle_cpu(folder("idle"), args.idle_phones, args.idle_seconds)
        print(f"\nidle: {args.idle_phones} phones connected, nothing happening, {args.idle_seconds:g} s")
        print(f"{'measure':<44} {'% of a core':>12} {'target':>8}")
        print(f"{'the hub (its threads)':<44} {hub_cpu:12.3f} {'< 1%':>8}")
        print(f"{'the loop thread (waiting on the queue)':<44} {loop_cpu:12.3f} {'':>8}")
    return 0


def _default_kbps() -> int:
    from cinema.config.models import HubConfig

    return HubConfig().take_home_kbps


if __name__ == "__main__":
    raise SystemExit(main())
