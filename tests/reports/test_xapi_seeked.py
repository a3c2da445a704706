"""A seek in a video becomes the xAPI video profile's `seeked` for each child present, with the
time it left (time-from) and reached (time-to)."""

from cinema.reports.xapi import SEEKED, VIDEO_PROFILE, VIDEO_TIME_FROM, VIDEO_TIME_TO, statements
from tests.reports.test_xapi import PROGRAM, VIDEO, Journal, summary


def test_a_seek_in_a_video_is_seeked_by_each_child_present_with_from_and_to():
    j = Journal().start().scan("L1").scan("L2")
    j.add("item.started", index=1, item="v1", type="video", title="Wash your hands")
    j.add("media.seeked", index=1, item="v1", from_seconds=42.5, to_seconds=32.5)
    j.add("item.ended", index=1, item="v1", type="video", reason="finished", seconds=95.4)
    made = list(statements(j.records, program=PROGRAM))
    seeked = [st for st in made if st["verb"]["id"] == SEEKED]
    assert [(v, who, obj) for v, who, obj in summary(seeked)] == [("seeked", "L1", VIDEO), ("seeked", "L2", VIDEO)]
    for st in seeked:
        assert st["result"]["extensions"] == {VIDEO_TIME_FROM: 42.5, VIDEO_TIME_TO: 32.5}
        assert {"objectType": "Activity", "id": VIDEO_PROFILE} in st["context"]["contextActivities"]["category"]
    assert len({st["id"] for st in made}) == len(made)  # one statement id per child and record


def test_a_seek_in_an_audio_item_makes_no_statement():
    j = Journal().start().scan("L1")
    j.add("item.started", index=1, item="a1", type="audio", title="Story")
    j.add("media.seeked", index=1, item="a1", from_seconds=10.0, to_seconds=0.0)
    assert [v for v, _who, _obj in summary(statements(j.records, program=PROGRAM))] == ["attended"]
