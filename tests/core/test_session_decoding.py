"""The engine journals the player's switch from hardware to software decoding, with the item it happened in."""

from cinema.core.clock import FakeClock
from cinema.core.events import Command, DecodingChanged, PlayMedia, Record, TeacherCommand
from cinema.core.records import MediaDecoding, parse
from cinema.core.session import Options, SessionEngine
from tests.core.test_session import playlist


def test_a_decoding_fallback_is_one_record_naming_the_item_and_the_lesson_goes_on():
    engine = SessionEngine(playlist(), FakeClock(), Options())
    engine.start()
    engine.handle(TeacherCommand(Command.NEXT))  # the first video
    token = engine.state.media_token
    fx = engine.handle(DecodingChanged(token, "intro.mp4", 12.04, "no picture after 2 s"))
    assert fx == [Record("media.decoding", {"decoding": "software", "reason": "no picture after 2 s",
                                            "media": "intro.mp4", "position": 12.0, "index": 1, "item": "v1"})]
    assert isinstance(parse("media.decoding", fx[0].payload), MediaDecoding)
    assert engine.state.media_token == token and engine.item.id == "v1"  # nothing replayed, nothing skipped
    assert not any(isinstance(e, PlayMedia) for e in fx)


def test_a_late_fallback_for_a_file_no_longer_playing_is_still_journaled_without_an_item():
    engine = SessionEngine(playlist(), FakeClock(), Options())
    engine.start()
    engine.handle(TeacherCommand(Command.NEXT))
    stale = engine.state.media_token
    engine.handle(TeacherCommand(Command.NEXT))  # on to the next video
    [record] = engine.handle(DecodingChanged(stale, "intro.mp4", 0.0, "the video ended without a picture"))
    assert record.payload["index"] == -1 and record.payload["item"] == "" and record.payload["media"] == "intro.mp4"
