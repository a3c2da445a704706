"""A spill file cut short or damaged (a crash while it was written, a bad sector) gives back the
records it still holds and never stops the kiosk's start."""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings, strategies as st

from cinema.app.recorder import Recorder
from cinema.core.clock import FakeClock
from cinema.core.events import Record
from cinema.journal import Journal
from cinema.journal.spill import Pending, read_spill, write_spill
from tests.budget import budget

GOOD = [Pending("s1", 1.0 + i, 2.0 + i, Record("answer.recorded", {"key": "A", "clicker": f"c{i}"}))
        for i in range(5)]


class Engine:
    session_id = "s2"
    index = -1


def parses(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def spill_text(tmp_path) -> bytes:
    path = write_spill(tmp_path / "j.sqlite", GOOD, "20261206-0")
    data = path.read_bytes()
    path.unlink()
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, 2000), junk=st.binary(max_size=300), at=st.integers(0, 2000))
def test_a_damaged_spill_file_gives_back_what_it_holds(tmp_path, cut, junk, at):
    data = spill_text(tmp_path)
    damaged = data[:cut] + junk + data[cut + len(junk):] if at % 2 else data[:cut]
    spill = tmp_path / "j.sqlite.spill-20261206-1.jsonl"
    spill.write_bytes(damaged)
    spill.chmod(0o600)
    with budget(seconds=2, megabytes=64):
        pending = read_spill(spill)
        journal = Journal(tmp_path / f"j-{cut}-{at}.sqlite", "kiosk-1")
        try:
            Recorder(journal, Engine(), FakeClock(), err=io.StringIO()).restore_spills()
        finally:
            journal.close()
    whole_lines = {line for line in damaged.split(b"\n") if line}
    for p in pending:  # only records that were whole in the file, and each as it was written
        assert json.dumps(p.as_json(), ensure_ascii=False, sort_keys=True).encode() in whole_lines
    if not at % 2:  # cut short: every record whole before the cut comes back
        assert len(pending) == sum(1 for line in data[:cut].split(b"\n") if b'"kind"' in line and parses(line))
