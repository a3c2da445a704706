"""VlcPlayer with real libvlc: files play to the end, broken files fail fast, items follow on."""

from __future__ import annotations

import time

import pytest

from conftest import wait_for

pytestmark = pytest.mark.usefixtures("need_vlc")

RATE = 4.0  # clips play four times faster


@pytest.fixture
def make(outcomes):
    from cinema.media.vlc_player import VlcPlayer

    made = []

    def _make(mode="dummy", **kw):
        on_finished = kw.pop("on_finished", outcomes.on_finished)
        kw.setdefault("audio", False)
        player = VlcPlayer(on_finished, outcomes.on_failed, mode, rate=kw.pop("rate", RATE), **kw)
        made.append(player)
        return player

    yield _make
    for player in made:
        player.close()


def test_plays_to_the_end_and_reports_its_token(make, outcomes, clips):
    player = make()
    player.play(41, str(clips["one.mp4"]))
    assert outcomes.wait(1, timeout=5)
    assert [t for t, _ in outcomes.finished] == [41]
    assert outcomes.failed == []


@pytest.mark.parametrize(
    "name, words",
    [
        ("missing.mp4", "not found"),
        ("empty.mp4", "empty"),
        ("no_index.mp4", "no audio or video"),
        ("garbage.mp4", "no audio or video"),
        ("cut_short.mp4", "ends early"),
    ],
)
def test_broken_files_fail_quickly_with_a_short_reason(make, outcomes, clips, tmp_path, name, words):
    path = clips.get(name, tmp_path / name)
    player = make()
    asked = time.monotonic()
    player.play(7, str(path))  # must not raise
    assert outcomes.wait(1, timeout=4), "no answer within 4 s"
    assert outcomes.finished == []
    token, reason, at = outcomes.failed[0]
    assert token == 7 and words in reason and len(reason) < 100 and "\n" not in reason
    assert at - asked < 3.0


def test_stop_then_play_another_reports_only_the_new_item(make, outcomes, clips):
    player = make()
    player.play(1, str(clips["three_s.mp4"]))
    time.sleep(0.2)
    player.stop()
    player.play(2, str(clips["one.mp4"]))
    assert outcomes.wait(1)
    time.sleep(0.8)  # long enough for item 1 to have ended, had it not been stopped
    assert [t for t, _ in outcomes.finished] == [2] and outcomes.failed == []


def test_play_replaces_the_current_item_without_stop(make, outcomes, clips):
    player = make()
    player.play(1, str(clips["three_s.mp4"]))
    time.sleep(0.2)
    player.play(2, str(clips["one.mp4"]))
    assert outcomes.wait(1)
    time.sleep(0.8)
    assert [t for t, _ in outcomes.finished] == [2]


def test_the_finished_callback_may_start_the_next_item(make, outcomes, clips):
    playlist = [str(clips["one.mp4"]), str(clips["two.mp4"]), str(clips["tone.ogg"])]
    holder = {}

    def next_item(token):
        outcomes.on_finished(token)
        if token < len(playlist):
            holder["player"].play(token + 1, playlist[token])

    holder["player"] = player = make(on_finished=next_item)
    player.play(1, playlist[0])
    assert outcomes.wait(3, timeout=8)
    assert [t for t, _ in outcomes.finished] == [1, 2, 3]


def test_start_at_skips_ahead_and_still_counts_as_finished(make, outcomes, clips):
    player = make()
    asked = time.monotonic()
    player.play(3, str(clips["three_s.mp4"]), start_at=2.0)
    assert outcomes.wait(1)
    assert [t for t, _ in outcomes.finished] == [3]
    assert outcomes.finished[0][1] - asked < 0.6  # 1 s of media at 4x, not 3 s


def test_subtitles_and_preload_do_not_get_in_the_way(make, outcomes, clips, tmp_path):
    player = make()
    player.preload(str(clips["one.mp4"]))
    player.play(1, str(clips["one.mp4"]), subtitles=str(clips["subs.srt"]))
    assert outcomes.wait(1)
    player.play(2, str(clips["two.mp4"]), subtitles=str(tmp_path / "gone.srt"))
    assert outcomes.wait(2)
    assert [t for t, _ in outcomes.finished] == [1, 2] and outcomes.failed == []


def test_position_duration_and_pause(make, outcomes, clips):
    player = make(rate=1.0)
    player.play(1, str(clips["three_s.mp4"]))
    assert wait_for(lambda: player.position() > 0.2, timeout=3)
    assert player.started_at() is not None
    assert player.duration() == pytest.approx(3.0, abs=0.1)
    player.pause(True)
    time.sleep(0.3)
    held = player.position()
    time.sleep(0.5)
    assert player.position() == pytest.approx(held, abs=0.05)
    assert outcomes.finished == []
    player.seek(2.6)
    player.pause(False)
    assert outcomes.wait(1, timeout=3)
    assert [t for t, _ in outcomes.finished] == [1]


def test_close_from_the_finished_callback_does_not_hang(make, outcomes, clips):
    holder = {}

    def close_now(token):
        holder["p"].close()
        outcomes.on_finished(token)

    holder["p"] = player = make(on_finished=close_now)
    player.play(1, str(clips["one.mp4"]))
    assert outcomes.wait(1)
    assert player.position() == 0.0


def test_closed_player_ignores_calls(make, clips):
    player = make()
    player.close()
    player.close()
    player.play(1, str(clips["one.mp4"]))
    player.stop()
    assert player.position() == 0.0 and player.duration() is None


# -- frames mode: VLC scales into a buffer pygame can draw ------------------------------


@pytest.mark.parametrize(
    "clip, target, size",
    [("wide.mp4", (640, 480), (640, 360)), ("one.mp4", (320, 180), (240, 180)), ("wide.mp4", (320, 180), (320, 180))],
)
def test_frames_fit_the_target_keeping_the_picture_shape(make, outcomes, clips, clip, target, size):
    player = make("frames", frame_size=target)
    player.play(1, str(clips[clip]))
    assert wait_for(lambda: player.frame_serial() > 0, timeout=3)
    assert player.frame().get_size() == size


def test_frames_show_the_video_colours(make, outcomes, clips):
    player = make("frames", frame_size=(320, 180), rate=1.0)
    player.play(1, str(clips["red.mp4"]))
    assert wait_for(lambda: player.frame_serial() > 2, timeout=3)
    r, g, b, *_ = player.frame().get_at((160, 90))
    assert r > 200 and g < 60 and b < 60


def test_frames_count_up_and_audio_items_show_no_frame(make, outcomes, clips):
    player = make("frames", frame_size=(160, 120))
    player.play(1, str(clips["one.mp4"]))
    assert outcomes.wait(1)
    seen = player.frame_serial()
    assert seen >= 3 and player.frame() is not None
    player.play(2, str(clips["tone.ogg"]))
    assert outcomes.wait(2)
    assert player.frame() is None


def test_gap_between_two_videos_is_short(make, outcomes, clips):
    """From the end of one video to the first frame of the next, as the kiosk chains them."""
    holder = {}
    marks = {}

    def chain(token):
        outcomes.on_finished(token)
        if token == 1:
            marks["ended"] = time.monotonic()
            marks["serial"] = holder["player"].frame_serial()
            holder["player"].play(2, str(clips["two.mp4"]))

    holder["player"] = player = make("frames", frame_size=(320, 240), on_finished=chain)
    player.preload(str(clips["two.mp4"]))
    player.play(1, str(clips["one.mp4"]))
    assert outcomes.wait(1)
    assert wait_for(lambda: player.frame_serial() > marks["serial"], timeout=3)
    gap = time.monotonic() - marks["ended"]
    print(f"gap between videos: {gap * 1000:.0f} ms")
    assert gap < 0.5


@pytest.fixture(scope="module")
def demo_intro(tmp_path_factory):
    """The demo lesson's own intro video and subtitle file, as `cinema demo` makes them (~5 s)."""
    import shutil

    from cinema.media.demo_media import ensure_demo_media

    if shutil.which("ffmpeg") is None or shutil.which("espeak-ng") is None:
        pytest.skip("needs ffmpeg and espeak-ng")
    folder = tmp_path_factory.mktemp("demo")
    ensure_demo_media(folder, only=("intro.mp4", "lesson.srt"))
    return folder / "intro.mp4", folder / "lesson.srt"


def test_demo_video_captions_off_and_on_and_seek_while_paused(make, demo_intro):
    video, srt = demo_intro
    player = make(mode="frames", rate=1.0)
    spu = player._mp.video_get_spu  # the subtitle track VLC shows (-1: none)
    player.play(1, str(video), subtitles=str(srt))
    assert wait_for(lambda: player.position() > 0.5 and spu() != -1, timeout=5)
    player.show_captions(False)
    assert wait_for(lambda: spu() == -1, timeout=2)
    player.play(2, str(video), subtitles=str(srt))  # the next file starts with captions still off
    assert wait_for(lambda: player.position() > 1.0, timeout=5) and spu() == -1
    player.show_captions(True)
    assert wait_for(lambda: spu() != -1, timeout=3)
    player.pause(True)
    player.seek(6.0)
    assert wait_for(lambda: player.position() == pytest.approx(6.0, abs=0.5), timeout=3)
    time.sleep(0.5)
    assert player.position() == pytest.approx(6.0, abs=0.5)  # paused at the new place


def _caption_pixels(frame) -> int:
    """White pixels in the bottom third of a frame of the demo intro (its captions are white there)."""
    w, h = frame.get_size()
    return sum(1 for y in range(h * 2 // 3, h, 2) for x in range(0, w, 2)
               if min(tuple(frame.get_at((x, y)))[:3]) > 240)


def test_a_larger_caption_size_draws_larger_captions(make, demo_intro):
    video, srt = demo_intro
    counts = []
    for scale, subtitles in ((100, None), (100, str(srt)), (250, str(srt))):  # the first: the picture alone
        player = make(mode="frames", rate=1.0, frame_size=(640, 360), caption_scale=scale)
        player.play(1, str(video), start_at=1.5, subtitles=subtitles)
        assert wait_for(lambda: player.position() > 2.0 and player.frame() is not None, timeout=5)
        player.pause(True)
        player.seek(2.0)  # the same picture each time
        time.sleep(0.5)
        counts.append(_caption_pixels(player.frame()))
    picture, usual, large = counts
    assert large - picture > 2 * (usual - picture) > 0
