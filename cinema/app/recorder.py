"""Writing the engine's records to the journal: traced as JSON lines once committed (`--trace`),
held in memory and retried when the disk is full, written to a spill file at the end rather than
dropped, and every change in how the journal is doing handed to the engine (`JournalState`)."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Callable, TextIO

from cinema.core.clock import Clock
from cinema.core.events import JournalHealth, JournalState, Record
from cinema.journal import Journal, JournalError
from cinema.journal.spill import Pending, batches, find_spills, read_spill, write_spill
from cinema.journal.store import FULL_MARGIN_BYTES, LOW_SPACE_BYTES

log = logging.getLogger("cinema.kiosk")

MAX_REPLACED = 3  # damaged journals replaced in one run before the disk itself is taken to be failing
LOW_RECHECK_SECONDS = 10.0  # a disk low at the start is looked at again this often (the teacher may free some)
RETRY_SECONDS = 1.0  # a full disk is tried again at most this often (each try may fold the WAL in)


class Recorder:
    def __init__(self, journal: Journal, engine, clock: Clock, out: TextIO | None = None,
                 err: TextIO | None = None, replace: Callable[[], tuple[Journal, Path]] | None = None) -> None:
        self.journal = journal
        self.replace = replace  # sets a journal found damaged aside and opens a new one in its place
        self.replaced = 0
        self.engine = engine
        self.clock = clock
        self.out = out  # where --trace lines go; None: no trace
        self.err = err if err is not None else sys.stderr  # the one-line messages for whoever started the kiosk
        self.pending: list[Pending] = []  # records not yet on disk (disk full): retried, spilled at the end
        self.failed = ""
        self.health = JournalHealth.OK  # as the engine was last told (or is about to be)
        self.news: list[JournalState] = []  # changes of health the engine has not been told yet
        self._last_try = float("-inf")
        self.spill: Path | None = None  # where the held records are kept meanwhile (survives a crash or a kill)
        self._stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"

    # ---- committing ---------------------------------------------------------------------------

    def commit(self, records: list[Record]) -> None:
        wall, mono = self.clock.wall(), self.clock.monotonic()
        self.pending += [Pending(self.engine.session_id, wall, mono, r) for r in records]
        if not self.pending:
            return
        self._last_try = mono
        for batch in batches(self.pending):
            first = batch[0]
            try:
                stored = self.journal.append(first.session_id, [p.record for p in batch], first.wall, first.mono)
            except JournalError as exc:
                if exc.damaged and self._replace_damaged():
                    self.commit([])  # everything held goes into the new journal
                    return
                # Kept in memory and tried again: losing a record is worse than a warning.
                if str(exc) != self.failed:
                    self.failed = str(exc)
                    log.error("journal write failed, %d records held in memory: %s", len(self.pending), exc)
                    print(f"journal: {exc}", file=self.err)
                break
            self.pending = self.pending[len(batch):]
            if self.out is not None:
                for rec in stored:
                    self.out.write(json.dumps({"id": rec.id, "seq": rec.seq, "kind": rec.kind}) + "\n")
                self.out.flush()
        if not self.pending:
            self.failed = ""
        if self.pending or self.spill is not None:
            self._keep_pending()
        self._assess()

    def _replace_damaged(self) -> bool:
        """A write found the journal damaged (not full): the kiosk keeps that file aside and starts
        a new one, the teacher is told, and the lesson goes on being journaled. A few times a run
        at most: a disk that damages every file is then a disk that cannot be written."""
        if self.replace is None or self.replaced >= MAX_REPLACED:
            return False
        try:
            self.journal, aside = self.replace()
        except (OSError, JournalError) as exc:
            log.error("the damaged journal could not be replaced: %s", exc)
            self.replaced = MAX_REPLACED
            return False
        self.replaced += 1
        self.announce(JournalState(JournalHealth.SET_ASIDE, detail=aside.name))
        return True

    def _keep_pending(self) -> None:
        """The held records also go to a spill file each time they change, so that a crash or a
        kill while the disk is full loses none of them (the next start adds them)."""
        old = self.spill
        self.spill = write_spill(self.journal.path, self.pending, self._stamp) if self.pending else None
        if old is not None and old != self.spill:
            old.unlink(missing_ok=True)

    def poll(self) -> None:
        """Once a tick: records held after a full disk are tried again, and a full disk that
        has room again is noticed (the teacher deleted something), at most once a second; a disk
        that was low at the start and has room now is noticed too (every few seconds)."""
        if self.health is JournalHealth.LOW:
            if self.clock.monotonic() - self._last_try >= LOW_RECHECK_SECONDS:
                self._last_try = self.clock.monotonic()
                free = self.journal.free_bytes()
                if free is not None and free >= LOW_SPACE_BYTES:
                    self.journal.make_reserve()
                    self._tell(JournalHealth.OK, free)
            return
        if self.health is not JournalHealth.FULL:
            return
        if self.clock.monotonic() - self._last_try < RETRY_SECONDS:
            return
        if self.pending:
            self.commit([])
        else:
            self._last_try = self.clock.monotonic()
            self._assess()

    # ---- health -------------------------------------------------------------------------------

    def _assess(self) -> None:
        """FULL while records are held, or while the disk is nearly full with no reserve left to
        give (refusing answers beats showing them accepted and losing them); RESERVE once the
        reserve was given back; else what it was (OK, or LOW since the start)."""
        free = self.journal.free_bytes()
        if self.pending:
            self._tell(JournalHealth.FULL, free, self.failed)
            return
        if free is not None and free < FULL_MARGIN_BYTES and not self.journal.has_reserve():
            if self.health is not JournalHealth.FULL:
                self.journal.reclaim()  # a WAL folded in may give room back
                free = self.journal.free_bytes()
            if free is not None and free < FULL_MARGIN_BYTES:
                self._tell(JournalHealth.FULL, free, "the disk is nearly full")
                return
        if self.health is JournalHealth.FULL and self.journal.reserve_used and self.journal.make_reserve():
            # The teacher made room: with the reserve back there is nothing left to warn of (the
            # status bar would say "Disk almost full" for the rest of the lesson beside "room again").
            self.journal.reserve_used = False
            free = self.journal.free_bytes()
        if self.journal.reserve_used:
            self._tell(JournalHealth.RESERVE, free)
        elif self.health is JournalHealth.FULL:
            self._tell(JournalHealth.OK, free)

    def _tell(self, health: JournalHealth, free: int | None, detail: str = "") -> None:
        if health is self.health:
            return
        self.health = health
        self.news.append(JournalState(health, free, len(self.pending), detail))
        log.warning("journal: %s (%s bytes free, %d records held)", health.value, free, len(self.pending))
        if health is JournalHealth.RESERVE:
            print("journal: the disk is full; the reserve space is in use: free some space after the lesson",
                  file=self.err)
        elif health is JournalHealth.FULL:
            print("journal: the disk is full: new answers and card scans are refused until there is room",
                  file=self.err)
        elif health is JournalHealth.OK:
            print("journal: the disk has room again", file=self.err)

    def announce(self, state: JournalState) -> None:
        """A change the kiosk found itself (little space at the start, a damaged journal set aside)."""
        self.health = state.health
        self.news.append(state)

    def take_news(self) -> list[JournalState]:
        news, self.news = self.news, []
        return news

    # ---- start and end ---------------------------------------------------------------------------

    def check_space(self) -> int | None:
        """Before the lesson: keep a reserve beside the journal, and say when free space is low."""
        self.journal.make_reserve()
        free = self.journal.free_bytes()
        if free is not None and free < LOW_SPACE_BYTES:
            mb = free / (1024 * 1024)
            print(f"journal: only {mb:.1f} MB free beside {self.journal.path}: free some space", file=self.err)
            self.announce(JournalState(JournalHealth.LOW, free))
            self._assess()
        return free

    def restore_spills(self) -> int:
        """Records an earlier run could not put in the journal (a full disk), added now; their
        file is removed once they are committed. Returns how many were added."""
        added = 0
        for path in find_spills(self.journal.path):
            try:
                pending = read_spill(path)
                for batch in batches(pending):
                    first = batch[0]
                    self.journal.append(first.session_id, [p.record for p in batch], first.wall, first.mono)
            except (OSError, ValueError, JournalError) as exc:
                log.error("spill file %s not added: %s", path, exc)
                print(f"journal: {path} could not be added yet ({exc}); it is kept", file=self.err)
                continue
            path.unlink(missing_ok=True)
            added += len(pending)
            print(f"journal: {len(pending)} records kept in {path} after a full disk are now in the journal",
                  file=self.err)
        return added

    def finish(self) -> Path | None:
        """At the end of the run: records still held are tried once more, else written to a spill
        file (never dropped). Returns the spill file, None when every record is in the journal."""
        if not self.pending:
            return None
        self.commit([])
        if not self.pending:
            return None
        path = self.spill
        n = len(self.pending)
        if path is None:
            print(f"journal: the disk is full: {n} records could not be saved anywhere", file=self.err)
            for p in self.pending:  # the last place left: whoever started the kiosk sees them
                print(json.dumps(p.as_json(), ensure_ascii=False), file=self.err)
            return Path("<stderr>")
        where = " (in memory: start the kiosk again before switching the laptop off)" if str(path).startswith(
            "/dev/shm/") else ""
        print(f"journal: the disk is full: {n} records are kept in {path}{where}; free some space and start the "
              "kiosk again to add them to the journal", file=self.err)
        log.error("%d records spilled to %s", n, path)
        return path

    def save_resume(self) -> None:
        if self.engine.index < 0:
            return
        index, position = self.engine.resume_state()
        try:
            self.journal.save_resume(self.engine.session_id, index, position, self.clock.monotonic())
        except JournalError:
            pass  # the records are what matter; the position is a convenience
