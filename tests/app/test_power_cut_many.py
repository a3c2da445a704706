"""Pulling the plug at a hundred random moments loses no committed record, and each restart resumes right.

Two levels. The journal alone: a child appends batches in a tight loop and is SIGKILLed at
random moments, most of them in the middle of a commit. The whole kiosk: `cinema run --resume`
is killed at a random moment, restarted, killed again, over and over; after every kill the
journal is opened read-only and every record the kiosk had traced must be there, with the
same sequence number, and the next start must continue at the item (and second of video)
the journal said. The moments come from a seeded random generator: a failure names the seed,
and POWER_CUT_SEED=<seed> replays the same moments.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from cinema.core.events import Record
from cinema.journal import Journal
from tests.app.kiosk_forker import Forker
from tests.app.kiosk_project import cinema_cmd

SEED = int(os.environ.get("POWER_CUT_SEED") or random.SystemRandom().randrange(10**9))
JOURNAL_KILLS = 150
KILLS_PER_FILE = 30
POSITION_SLACK = 1.0  # seconds of video: VLC starts a resumed video at the nearest frame it can


def _replay(context: str) -> str:
    return f"{context}; seed {SEED} (POWER_CUT_SEED={SEED} replays these moments)"


# ---- reading a journal as the next start would find it ----------------------------------


@dataclass(frozen=True)
class Row:
    seq: int
    id: str
    session: str
    kind: str
    payload: dict


@dataclass(frozen=True)
class OnDisk:
    rows: tuple[Row, ...]
    resume: dict[str, tuple[int, float]]  # session -> (item index, media position)

    def seq_of(self) -> dict[str, int]:
        return {r.id: r.seq for r in self.rows}


def read_journal(path: Path, context: str) -> OnDisk:
    """Open read-only (nothing is repaired before we look); check integrity and the gap-free sequence."""
    if not path.exists():
        return OnDisk((), {})
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            integrity = db.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.OperationalError as exc:
            # Killed while the file was first being made: its rollback journal must be played
            # back before anyone can read, which is what the next start does when it opens it.
            assert "readonly" in str(exc), _replay(f"{context}: the journal cannot be read: {exc}")
            db.close()
            db = sqlite3.connect(path)
            integrity = db.execute("PRAGMA integrity_check").fetchall()
        assert integrity == [("ok",)], _replay(f"{context}: the journal is damaged: {integrity}")
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "records" not in tables:  # killed while the very first start was creating the file
            return OnDisk((), {})
        rows = tuple(Row(seq, rid, session, kind, json.loads(payload)) for seq, rid, session, kind, payload in
                     db.execute("SELECT seq, id, session_id, kind, payload FROM records ORDER BY seq"))
        resume = {session: (index, position) for session, index, position in
                  db.execute("SELECT session_id, item_index, position FROM resume")}
    finally:
        db.close()
    seqs = [r.seq for r in rows]
    assert seqs == list(range(1, len(rows) + 1)), _replay(f"{context}: sequence numbers have a gap")
    return OnDisk(rows, resume)


def assert_nothing_lost(before: OnDisk, after: OnDisk, reported: list[tuple[str, int]], context: str) -> None:
    """Old records unchanged; every record reported as committed is there with its number;
    the only records nobody heard of are the last ones (committed just before the kill)."""
    assert after.rows[:len(before.rows)] == before.rows, _replay(f"{context}: earlier records changed or vanished")
    on_disk = after.seq_of()
    lost = [(rid, seq) for rid, seq in reported if on_disk.get(rid) != seq]
    assert lost == [], _replay(f"{context}: {len(lost)} committed record(s) lost or renumbered: {lost[:5]}")
    heard = {rid for rid, _ in reported}
    last_heard = max((seq for _, seq in reported), default=len(before.rows))
    unheard = [r.seq for r in after.rows[len(before.rows):] if r.id not in heard]
    assert all(seq > last_heard for seq in unheard), _replay(f"{context}: records {unheard} appeared in the middle")


# ---- the journal alone, killed in the middle of commits -----------------------------------


def _append_until_killed(path: Path, first_batch: int, report_fd: int, seed: int) -> None:
    """The child: commit batches of 1-8 records as fast as it can, report each batch once committed."""
    rng = random.Random(seed)
    journal = Journal(path, "power-cut-test")
    os.write(report_fd, b"OPEN\n")
    batch = first_batch
    while True:
        size = rng.randint(1, 8)
        records = [Record("test.batch", {"batch": batch, "size": size, "part": part,
                                         "filler": "x" * rng.randint(0, 300)})  # records of varied size: pages split
                   for part in range(size)]
        stored = journal.append("s1", records, time.time(), time.monotonic())
        os.write(report_fd, "".join(f"{r.id} {r.seq}\n" for r in stored).encode())
        journal.save_resume("s1", batch, batch / 4, time.monotonic())
        batch += 1


def _fork_appender(path: Path, first_batch: int, seed: int) -> tuple[int, int]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns into pytest
        code = 1
        try:
            os.close(read_fd)
            _append_until_killed(path, first_batch, write_fd, seed)
        except BaseException:
            os.write(write_fd, ("ERROR " + traceback.format_exc().replace("\n", " | ") + "\n").encode())
        finally:
            os._exit(code)
    os.close(write_fd)
    return pid, read_fd


def _read_until_open(fd: int) -> bytes:
    """What the child said up to and including "OPEN" (or its error, or its end)."""
    data = b""
    while b"OPEN\n" not in data and b"ERROR" not in data:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
    return data


def _read_all(fd: int, data: bytes = b"") -> list[str]:
    while chunk := os.read(fd, 65536):
        data += chunk
    os.close(fd)
    return data.decode().splitlines(keepends=True)


def test_the_journal_keeps_every_committed_batch_through_150_kills_mid_commit(tmp_path):
    rng = random.Random(SEED)
    mid_commit = 0
    for kill in range(JOURNAL_KILLS):
        if kill % KILLS_PER_FILE == 0:  # a new file now and then: kills while it is made, and quick checks
            path = tmp_path / f"journal-{kill}.sqlite"
            before = OnDisk((), {})
        context = f"kill {kill + 1}"
        pid, fd = _fork_appender(path, first_batch=kill * 100_000, seed=rng.randrange(2**32))
        said = b""
        if rng.random() < 0.25:
            time.sleep(rng.uniform(0.0, 0.02))  # while the file is made, or reopened after the last kill
        else:
            said = _read_until_open(fd)
            time.sleep(rng.uniform(0.0, 0.02))  # among the commits, one every millisecond or so
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        lines = _read_all(fd, said)
        errors = [line for line in lines if line.startswith("ERROR")]
        assert not errors and os.WIFSIGNALED(status), _replay(f"{context}: the writer failed: {errors}")
        reported = [(rid, int(seq)) for rid, seq in (line.split() for line in lines
                                                      if line.endswith("\n") and line != "OPEN\n")]
        mid_commit += bool(reported)
        after = read_journal(path, context)
        assert_nothing_lost(before, after, reported, context)
        batches: dict[int, list[Row]] = {}
        for row in after.rows:
            batches.setdefault(row.payload["batch"], []).append(row)
        torn = [b for b, rows in batches.items() if len(rows) != rows[0].payload["size"]]
        assert torn == [], _replay(f"{context}: half-written batches {torn}")
        if after.resume:
            index, position = after.resume["s1"]
            assert position == index / 4, _replay(f"{context}: the resume row is half old, half new")
        before = after
    assert mid_commit >= JOURNAL_KILLS // 3, f"only {mid_commit} kills came after a commit: the writer was too slow"


# ---- the whole kiosk, killed and restarted with --resume ------------------------------------

ONE_QUESTION = """\
version: 1
id: one-question
kind: multiple_choice
title: One question
questions:
  - prompt: Where does rain come from?
    options:
      A: From the clouds
      B: From the trees
    correct: A
"""

LESSON = """\
version: 1
id: e2e
title: Lesson
language: en
items:
  - type: title
    id: hello
    title: Hello
  - type: activity
    id: quiz
    activity: one-question
  - type: checkin
    id: feel
    prompt: How do you feel?
    calm_item: calm
  - type: break
    id: calm
    title: Breathe
    seconds: 20
  - type: slides
    id: pictures
    title: Pictures
    slides: [s1.png, s2.png]
    seconds: 4
  - type: closing
    id: bye
    title: Goodbye
"""

FILM = """\
version: 1
id: e2e
title: Film
language: en
items:
  - type: video
    id: film
    media: film.mp4
  - type: slides
    id: pictures
    title: Pictures
    slides: [s1.png, s2.png]
    seconds: 4
  - type: closing
    id: bye
    title: Goodbye
"""


def every_third_long(short: float, long: tuple[float, float]) -> Callable[[random.Random, int], float]:
    """Most kills come soon after a start (start-up, first commits); one start in three runs
    long enough for the lesson to move on. Both moments are random within their range."""
    def moment(rng: random.Random, start: int) -> float:
        return rng.uniform(*long) if start % 3 == 1 else rng.uniform(0.0, short)
    return moment


@dataclass(frozen=True)
class Chain:
    """One kiosk folder killed again and again: its playlist, clock speed, kills and kill moments."""

    name: str
    playlist: str
    speed: float
    kills: int
    moment: Callable[[random.Random, int], float]


# Four kiosk folders killed side by side (the kiosks mostly wait, so they share two cores well).
# A lesson item takes about half a second at any speed (the simulated class moves once a tick);
# the quiz about two (its question, the counts, the reveal), so the long runs must outlast it.
CHAINS = (
    Chain("lesson-40x", LESSON, 40, 30, every_third_long(0.5, (2.0, 3.5))),
    Chain("lesson-25x", LESSON, 25, 30, every_third_long(0.5, (2.0, 3.5))),
    Chain("lesson-15x", LESSON, 15, 30, every_third_long(0.5, (2.0, 3.5))),
    # A video at 8x: a long run outlasts the 2 s between saves of the position and moves it on;
    # the short ones land between a start and its first save, or between two saves.
    Chain("film", FILM, 8, 13, every_third_long(1.5, (2.4, 3.4))),
)


def expected_resume(disk: OnDisk, context: str) -> tuple[str, int, float] | None:
    """What the next start must continue: the unfinished session, its item, the second of media."""
    sessions = [r for r in disk.rows if r.kind in ("session.started", "session.resumed")]
    if not sessions:
        return None
    session = sessions[-1].session
    if any(r.session == session and r.kind == "session.ended" for r in disk.rows):
        return None
    started = [r.payload["index"] for r in disk.rows
               if r.session == session and r.kind in ("item.started", "session.resumed")]
    index = started[-1] if started else 0
    saved = disk.resume.get(session)
    # The table is written every 2 s, so it may still name the item before: then the item starts over.
    assert saved is None or saved[0] in started, _replay(f"{context}: the resume table names item {saved[0]}, "
                                                         "which the journal never started")
    return session, index, saved[1] if saved is not None and saved[0] == index else 0.0


def assert_resumed(expected: tuple[str, int, float] | None, before: OnDisk, after: OnDisk, context: str) -> None:
    new = after.rows[len(before.rows):]
    if not new:
        return  # killed before its first commit
    if expected is None:
        assert new[0].kind == "session.started", _replay(f"{context}: began with {new[0].kind}")
        return
    session, index, position = expected
    first = new[0]
    assert (first.kind, first.session) == ("session.resumed", session), _replay(
        f"{context}: expected the unfinished session to resume, got {first.kind} of {first.session}")
    assert first.payload["index"] == index, _replay(
        f"{context}: resumed at item {first.payload['index']}, the journal said item {index}")
    assert abs(first.payload["position"] - position) <= 0.051, _replay(
        f"{context}: resumed at {first.payload['position']} s, the journal said {position:.2f} s")
    assert new[1].kind == "item.started" and new[1].payload["index"] == index, _replay(
        f"{context}: after session.resumed came {new[1].kind} {new[1].payload}")


def assert_position_kept(expected: tuple[str, int, float] | None, after: OnDisk, context: str) -> None:
    """A resumed video goes on from where it was: the next saved position is not back at the start."""
    if expected is None or expected[2] <= POSITION_SLACK:
        return
    session, index, position = expected
    saved = after.resume.get(session)
    if saved is not None and saved[0] == index:
        assert saved[1] >= position - POSITION_SLACK, _replay(
            f"{context}: resumed the video at {position:.1f} s, then saved {saved[1]:.1f} s: "
            "the next power cut would replay it from there")


def read_trace(path: Path) -> list[tuple[str, int]]:
    if not path.exists():
        return []
    text = path.read_text()
    return [(t["id"], t["seq"]) for t in (json.loads(line) for line in text.splitlines(keepends=True)
                                           if line.endswith("\n"))]


@dataclass
class ChainReport:
    kills: int = 0
    rounds: int = 0
    sessions: int = 0
    items: frozenset = frozenset()
    resumed_positions: tuple = ()


def run_chain(chain: Chain, folder: Path, stop: threading.Event) -> ChainReport:
    rng = random.Random(f"{SEED}-{chain.name}")
    journal = folder / "j.sqlite"
    argv = cinema_cmd(folder, "--simulate-class", "4", "--speed", str(chain.speed), "--trace", "--resume",
                      "--exit-at-end")[3:]  # [python, -m, cinema] is the forker's already
    report = ChainReport()
    items: set[int] = set()
    positions: list[float] = []
    before = OnDisk((), {})
    with Forker() as forker:
        while report.kills < chain.kills and not stop.is_set():
            assert report.rounds < chain.kills * 2, f"{chain.name}: the lesson ended on its own too often"
            delay = chain.moment(rng, report.rounds)
            context = f"{chain.name}, start {report.rounds + 1}, kill after {delay:.3f} s"
            expected = expected_resume(before, context)
            out, err = folder / "trace.jsonl", folder / "stderr.txt"
            pid = forker.start(argv, out, err)
            try:
                time.sleep(delay)
            finally:
                os.kill(pid, signal.SIGKILL)  # the power cut (a no-op if it already left)
                killed_by, code = forker.wait(pid)
            report.rounds += 1
            stderr = err.read_text()[-800:] if err.exists() else ""
            assert killed_by == signal.SIGKILL or code == 0, _replay(f"{context}: exit {code}: {stderr}")
            report.kills += killed_by == signal.SIGKILL
            after = read_journal(journal, context)
            assert_nothing_lost(before, after, read_trace(out), context)
            assert_resumed(expected, before, after, context)
            assert_position_kept(expected, after, context)
            if expected is not None and after.rows[len(before.rows):]:
                positions.append(expected[2])
            items.update(r.payload["index"] for r in after.rows if r.kind == "item.started")
            before = after
    report.sessions = sum(r.kind == "session.started" for r in before.rows)
    report.items = frozenset(items)
    report.resumed_positions = tuple(positions)
    return report


def _folder(project: Path, name: str, playlist: str, film: Path | None) -> Path:
    import pygame

    folder = project / name
    for part in ("kiosk_config", "activities"):
        shutil.copytree(project / part, folder / part)
    (folder / "activities" / "one_question.yaml").write_text(ONE_QUESTION)
    (folder / "playlists").mkdir()
    (folder / "playlists" / "e2e.yaml").write_text(playlist)
    for i in (1, 2):
        slide = pygame.Surface((64, 48))
        slide.fill((60 * i, 90, 160))
        pygame.image.save(slide, str(folder / "playlists" / f"s{i}.png"))
    if film is not None:
        shutil.copy(film, folder / "playlists" / "film.mp4")
    return folder


def _film(folder: Path) -> Path:
    """A 40 s test picture, small and with a key frame every second, so a resume can start anywhere."""
    import subprocess

    path = folder / "film.mp4"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
                    "-t", "40", "-g", "10", "-pix_fmt", "yuv420p", str(path)], check=True)
    return path


def test_the_kiosk_killed_100_times_loses_no_record_and_resumes_where_it_was(project):
    from cinema.media.factory import vlc_available

    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is needed to make the test film (apt install ffmpeg)")
    if vlc_available() is not None:
        pytest.skip(f"VLC is needed to play the test film: {vlc_available()}")
    film = _film(project)
    folders = {c.name: _folder(project, c.name, c.playlist, film if c.playlist is FILM else None)
               for c in CHAINS}
    stop = threading.Event()

    def run(chain: Chain) -> ChainReport:
        try:
            return run_chain(chain, folders[chain.name], stop)
        except BaseException:
            stop.set()  # one failure is enough: the other chains stop at their next start
            raise

    with ThreadPoolExecutor(len(CHAINS)) as pool:
        futures = {c.name: pool.submit(run, c) for c in CHAINS}
        reports = {name: f.result() for name, f in futures.items()}

    assert sum(r.kills for r in reports.values()) >= 100
    # The kills were spread over the lesson, not all on its first screens.
    reached = frozenset().union(*(r.items for name, r in reports.items() if name.startswith("lesson")))
    assert len(reached) >= 4, _replay(f"the lesson chains only reached items {sorted(reached)}: {reports}")
    film_run = reports["film"]
    assert max(film_run.resumed_positions, default=0.0) > 5.0, _replay(
        f"the film was never resumed part-way (resumed at {film_run.resumed_positions})")
