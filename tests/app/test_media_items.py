"""Media in a real run: a damaged video is recorded as failed, a notice shows, the lesson goes on."""

import json
import shutil
import sqlite3
import subprocess

import pytest

from tests.app.kiosk_project import run_kiosk

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is needed to make a test clip")

PLAYLIST = """\
version: 1
id: e2e
title: Media
language: en
items:
  - type: video
    id: broken
    media: broken.mp4
  - type: video
    id: good
    media: good.mp4
  - type: closing
    id: bye
"""


def test_damaged_video_fails_with_notice_and_next_video_plays(project):
    folder = project / "playlists"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
                    "-t", "1", "-pix_fmt", "yuv420p", str(folder / "good.mp4")], check=True)
    (folder / "broken.mp4").write_bytes((folder / "good.mp4").read_bytes()[:300])  # a copy cut short
    (folder / "e2e.yaml").write_text(PLAYLIST)
    out = run_kiosk(project, "--simulate-class", "1", "--speed", "2", "--exit-at-end", "--trace")
    assert out.returncode == 0, out.stderr
    seen = [json.loads(line)["kind"] for line in out.stdout.splitlines()]
    starts = [i for i, kind in enumerate(seen) if kind == "item.started"]
    assert starts[0] < seen.index("item.failed") < starts[1]  # failed, then the lesson went on
    db = sqlite3.connect(project / "j.sqlite")
    rows = db.execute("SELECT kind, payload FROM records ORDER BY seq").fetchall()
    failed = [json.loads(p) for k, p in rows if k == "item.failed"]
    ended = [json.loads(p) for k, p in rows if k == "item.ended"]
    assert [f["item"] for f in failed] == ["broken"] and failed[0]["reason"]
    assert any(e["item"] == "good" and e["reason"] == "finished" for e in ended)
    assert rows[-1][0] == "session.ended"
