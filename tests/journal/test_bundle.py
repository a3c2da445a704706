"""Export bundles: what is since the last export, signed with the programme key, refused when altered."""

import json
import sqlite3

import pytest

from cinema.core.events import Record
from cinema.journal import Journal
from cinema.journal.bundle import BundleError, export_bundle, open_bundle
from tests.reports.journals import lesson, split_bundle, join_bundle, two_lessons

KEY = b"k" * 32
OTHER = b"o" * 32


def test_export_takes_what_is_new_since_the_last_export(tmp_path):
    journal = two_lessons(tmp_path / "j.sqlite")
    first = export_bundle(journal, tmp_path, (KEY,))
    assert first.first_seq == 1 and first.records == first.last_seq and first.signed
    assert first.path.name.startswith("k1-") and first.path.suffix == ".lcb"
    with pytest.raises(BundleError, match="nothing new"):
        export_bundle(journal, tmp_path / "again.lcb", (KEY,))
    j = Journal(journal, "k1")
    lesson(j, "s3", wall=1.8e9, learners=["L2"])
    j.close()
    second = export_bundle(journal, tmp_path / "second.lcb", (KEY,))
    assert second.first_seq == first.last_seq + 1
    everything = export_bundle(journal, tmp_path / "all.lcb", (KEY,), everything=True)
    assert (everything.first_seq, everything.last_seq) == (1, second.last_seq)


def test_bundle_opens_when_signed_with_any_programme_key(tmp_path):
    result = export_bundle(two_lessons(tmp_path / "j.sqlite"), tmp_path / "b.lcb", (KEY,))
    opened = open_bundle(result.path, (OTHER, KEY))  # after a key rotation the old key still checks
    assert opened.signed and opened.manifest["kiosk_id"] == "k1"
    db = sqlite3.connect(opened.uri, uri=True)  # read in place: nothing unpacked
    assert db.execute("SELECT COUNT(*) FROM records").fetchone()[0] == result.records
    db.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.lcb", "j.sqlite"]  # and nothing left beside it


def test_no_key_at_the_supervisor_means_not_checked_not_refused(tmp_path):
    result = export_bundle(two_lessons(tmp_path / "j.sqlite"), tmp_path / "b.lcb", (KEY,))
    opened = open_bundle(result.path, ())
    assert not opened.signed and "--keys" in opened.unsigned_reason


def test_altered_records_are_refused(tmp_path):
    result = export_bundle(two_lessons(tmp_path / "j.sqlite"), tmp_path / "b.lcb", (KEY,))
    db_bytes, manifest, signature = split_bundle(result.path)
    path = tmp_path / "edit.sqlite"
    path.write_bytes(db_bytes)
    db = sqlite3.connect(path)
    db.execute("UPDATE records SET payload = replace(payload, 'L2', 'L9')")
    db.commit()
    db.close()
    bad = join_bundle(tmp_path / "bad.lcb", path.read_bytes(), manifest, signature)
    with pytest.raises(BundleError, match="checksum"):
        open_bundle(bad, (KEY,))


def test_altered_manifest_with_new_checksums_fails_the_signature(tmp_path):
    result = export_bundle(two_lessons(tmp_path / "j.sqlite"), tmp_path / "b.lcb", (KEY,))
    db_bytes, manifest, signature = split_bundle(result.path)
    m = json.loads(manifest)
    m["kiosk_id"] = "someone-else"
    bad = join_bundle(tmp_path / "bad.lcb", db_bytes, json.dumps(m).encode(), signature)
    with pytest.raises(BundleError, match="signature does not match"):
        open_bundle(bad, (KEY,))
    with pytest.raises(BundleError, match="signature does not match"):
        open_bundle(result.path, (OTHER,))  # another programme's key


@pytest.mark.parametrize("damage", ["cut", "cut-end", "flip", "empty", "not-bundle"])
def test_damaged_files_are_refused_with_a_reason(tmp_path, damage):
    result = export_bundle(two_lessons(tmp_path / "j.sqlite"), tmp_path / "b.lcb", (KEY,))
    data = result.path.read_bytes()
    bad = tmp_path / "bad.lcb"
    if damage == "cut":
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "cut-end":
        bad.write_bytes(data[:-10])
    elif damage == "flip":
        middle = len(data) // 2
        bad.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
    elif damage == "empty":
        bad.write_bytes(b"")
    else:
        bad.write_bytes(b"hello, I am a text file\n")
    with pytest.raises(BundleError) as err:
        open_bundle(bad, (KEY,))
    assert str(err.value) and "Traceback" not in str(err.value)


def test_an_export_cut_short_leaves_no_file_and_no_mark(tmp_path, monkeypatch):
    journal = two_lessons(tmp_path / "j.sqlite")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("cinema.journal.bundle.os.replace", full_disk)
    with pytest.raises(BundleError, match="No space left"):
        export_bundle(journal, tmp_path / "out" / "b.lcb", (KEY,))
    assert not list((tmp_path / "out").iterdir())  # no half-written bundle
    monkeypatch.undo()
    assert export_bundle(journal, tmp_path / "b.lcb", (KEY,)).first_seq == 1  # nothing was marked exported


def test_bundles_carry_learner_ids_never_names(tmp_path):
    j = Journal(tmp_path / "j.sqlite", "k1")
    j.append("s1", [Record("session.started", {"playlist": "p", "title": "T"}),
                    Record("attendance.scanned", {"learner_id": "L7", "source": "camera"})], 1.79e9, 1.0)
    j.close()
    result = export_bundle(tmp_path / "j.sqlite", tmp_path / "b.lcb", ())
    assert not result.signed
    text = result.path.read_bytes()
    assert b"L7" in text and b"name" not in text


def test_a_folder_named_with_a_slash_is_made_and_the_bundle_named_for_the_kiosk(tmp_path):
    result = export_bundle(two_lessons(tmp_path / "j.sqlite"), f"{tmp_path}/usb/week 3/", ())
    assert result.path.parent == tmp_path / "usb" / "week 3" and result.path.name.startswith("k1-")
