"""Fuzzing the bundle reader: mutated bytes of a real bundle and made-up manifests (checksums right).

Whatever the file, opening it gives a usable source or a refusal with a reason in plain words,
within a small time and memory budget: no exception, no hang, no balloon.
"""

from __future__ import annotations

import json
import string

from hypothesis import HealthCheck, event, given, settings, strategies as st

from cinema.journal.bundle import export_bundle
from cinema.reports.build import iter_records, report_from_paths
from cinema.reports.sources import open_source
from tests.budget import budget
from tests.reports import hostile as H
from tests.reports.journals import split_bundle, two_lessons

KEY = b"k" * 32
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])
_state: dict[str, object] = {}


def _bundle(tmp_path_factory) -> tuple[bytes, dict]:
    if "data" not in _state:
        folder = tmp_path_factory.mktemp("fuzz")
        path = export_bundle(two_lessons(folder / "j.sqlite"), folder / "b.lcb", (KEY,)).path
        _state["data"] = path.read_bytes()
        _state["manifest"] = json.loads(split_bundle(path)[1])
        _state["db"] = split_bundle(path)[0]
    return _state["data"], _state["manifest"]  # type: ignore[return-value]


def _check(path, keys=(KEY,)) -> None:
    """Opened, or refused with a reason; and when used, the whole report and --records go through."""
    with budget(seconds=3, megabytes=64):
        source = open_source(path, keys, seconds=2.0)
    source.close()
    info = source.info
    assert info.status in ("ok", "unsigned", "refused")
    event(info.status)
    if info.status == "refused":
        assert info.reason and "Traceback" not in info.reason
        return
    with budget(seconds=5, megabytes=64):
        report = report_from_paths([path], keys, now=1.8e9, workers=1)
        records = sum(1 for _ in iter_records([path], keys))
    assert report.sources[0].status in ("ok", "unsigned") and records == report.totals["records"]


@FUZZ
@given(data=st.data())
def test_mutated_bytes_of_a_real_bundle_are_used_or_refused_in_bounded_time(tmp_path_factory, data):
    original, _manifest = _bundle(tmp_path_factory)
    raw = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8), label="mutations")):
        at = data.draw(st.integers(0, len(raw) - 1), label="at")
        how = data.draw(st.sampled_from(["flip", "set", "cut", "insert"]), label="how")
        if how == "flip":
            raw[at] ^= 1 << data.draw(st.integers(0, 7))
        elif how == "set":
            raw[at] = data.draw(st.integers(0, 255))
        elif how == "cut":
            del raw[at:at + data.draw(st.integers(1, 64))]
        else:
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=32))
    path = tmp_path_factory.getbasetemp() / "mutated.lcb"
    path.write_bytes(bytes(raw))
    _check(path)


@FUZZ
@given(data=st.data())
def test_mutated_database_with_checksums_recomputed_is_used_or_refused(tmp_path_factory, data):
    """The hard case: the hostile bytes pass the checksum (an unsigned bundle checks nothing more)."""
    _bundle(tmp_path_factory)
    raw = bytearray(_state["db"])  # type: ignore[arg-type]
    for _ in range(data.draw(st.integers(1, 12), label="mutations")):
        at = data.draw(st.integers(0, len(raw) - 1), label="at")
        raw[at] = data.draw(st.integers(0, 255))
    path = H.rebundle(tmp_path_factory.getbasetemp() / "mutated-db.lcb", bytes(raw), dict(_state["manifest"]))
    _check(path, ())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True) | st.text(string.printable,
                                                                                                   max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30)


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(["format", "version", "kiosk_id", "first_seq", "last_seq",
                                                "records", "database", "journal", "extra"]), json_values,
                               max_size=4),
       drop=st.lists(st.sampled_from(["format", "kiosk_id", "first_seq", "last_seq", "records", "database"]),
                     max_size=2))
def test_made_up_manifests_are_refused_with_a_reason(tmp_path_factory, changes, drop):
    _bundle(tmp_path_factory)
    manifest = dict(_state["manifest"], **changes)  # type: ignore[arg-type]
    for key in drop:
        manifest.pop(key, None)
    db = _state["db"]
    path = tmp_path_factory.getbasetemp() / "manifest.lcb"
    H.join_bundle(path, db, json.dumps(manifest).encode(), b"")  # type: ignore[arg-type]
    _check(path, ())


@FUZZ
@given(text=st.binary(max_size=4000) | st.text(max_size=2000).map(str.encode)
       | st.integers(1, 200_000).map(lambda n: b"[" * n + b"]" * n)
       | st.integers(1, 200_000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n))
def test_any_manifest_bytes_are_refused_not_a_crash(tmp_path_factory, text):
    _bundle(tmp_path_factory)
    path = tmp_path_factory.getbasetemp() / "bytes.lcb"
    H.join_bundle(path, _state["db"], text, b"")  # type: ignore[arg-type]
    _check(path, ())
