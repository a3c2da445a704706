"""The fake player records what the kiosk asked and answers when the test says so."""

from cinema.core.clock import FakeClock
from cinema.media.fake_player import FakePlayer


def make(**kw):
    done, failed = [], []
    player = FakePlayer(done.append, lambda t, r: failed.append((t, r)), **kw)
    return player, done, failed


def test_records_calls_and_finishes_the_current_item():
    player, done, failed = make()
    player.preload("b.mp4")
    player.play(1, "a.mp4", start_at=2.0, subtitles="a.srt")
    player.finish()
    assert player.calls[:2] == [("preload", "b.mp4"), ("play", 1, "a.mp4", 2.0, "a.srt")]
    assert done == [1] and failed == [] and player.current is None


def test_fail_reports_the_reason():
    player, done, failed = make()
    player.play(4, "a.mp4")
    player.fail(reason="file ends early")
    assert failed == [(4, "file ends early")] and done == []


def test_auto_finish_follows_the_clock_and_ignores_paused_time():
    clock = FakeClock()
    player, done, _ = make(clock=clock, auto_finish_after=10.0)
    player.play(7, "a.mp4")
    clock.advance(6)
    player.pause(True)
    clock.advance(100)
    player.poll()
    assert done == []
    player.pause(False)
    clock.advance(3.9)
    player.poll()
    assert done == [] and abs(player.position() - 9.9) < 1e-9
    clock.advance(0.2)
    player.poll()
    assert done == [7]


def test_known_durations_finish_at_the_file_length():
    clock = FakeClock()
    player, done, _ = make(clock=clock, durations={"short.mp4": 2.0})
    player.play(1, "short.mp4")
    assert player.duration() == 2.0
    clock.advance(2.0)
    player.poll()
    assert done == [1]


def test_stale_tokens_can_be_reported_for_engine_tests():
    player, done, _ = make()
    player.play(1, "a.mp4")
    player.play(2, "b.mp4")
    player.finish(1)
    assert done == [1] and player.current.token == 2


def test_seek_while_paused_holds_the_new_place_and_captions_are_remembered():
    clock = FakeClock()
    player, done, _ = make(clock=clock, durations={"a.mp4": 30.0})
    player.play(1, "a.mp4")
    clock.advance(20)
    player.pause(True)
    player.seek(10.0)
    clock.advance(50)
    assert player.position() == 10.0 and player.paused
    player.show_captions(False)
    player.play(2, "b.mp4", subtitles="b.srt")
    assert player.captions is False and ("captions", False) in player.calls
