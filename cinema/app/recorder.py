"""Writing the engine's records to the journal: held in memory and retried when the disk fails,
traced as JSON lines once committed (`--trace`), and the resume position saved now and then."""

from __future__ import annotations

import json
import logging
import sys
from typing import TextIO

from cinema.core.clock import Clock
from cinema.core.events import Record
from cinema.journal import Journal, JournalError

log = logging.getLogger("cinema.kiosk")


class Recorder:
    def __init__(self, journal: Journal, engine, clock: Clock, out: TextIO | None = None) -> None:
        self.journal = journal
        self.engine = engine
        self.clock = clock
        self.out = out  # where --trace lines go; None: no trace
        self.pending: list[Record] = []  # records not yet on disk (disk full): retried every tick
        self.failed = ""

    def commit(self, records: list[Record]) -> None:
        batch = self.pending + records
        if not batch:
            return
        try:
            stored = self.journal.append(self.engine.session_id, batch, self.clock.wall(), self.clock.monotonic())
        except JournalError as exc:
            # Keep them in memory and try again: losing a record is worse than a warning.
            self.pending = batch
            if str(exc) != self.failed:
                self.failed = str(exc)
                log.error("journal write failed, %d records held in memory: %s", len(batch), exc)
                print(f"journal: {exc}", file=sys.stderr)
            return
        self.pending = []
        self.failed = ""
        if self.out is not None:
            for rec in stored:
                self.out.write(json.dumps({"id": rec.id, "seq": rec.seq, "kind": rec.kind}) + "\n")
            self.out.flush()

    def save_resume(self) -> None:
        if self.engine.index < 0:
            return
        index, position = self.engine.resume_state()
        try:
            self.journal.save_resume(self.engine.session_id, index, position, self.clock.monotonic())
        except JournalError:
            pass  # the records are what matter; the position is a convenience
