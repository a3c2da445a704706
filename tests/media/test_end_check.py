"""When reaching the end of a file means it played, and when it means the file is broken."""

import pytest

from cinema.media.end_check import PlayFacts, end_reason


@pytest.mark.parametrize(
    "facts, verdict",
    [
        (PlayFacts(audio_streams=1, video_streams=1, length_s=10, played_s=10.1), None),
        (PlayFacts(audio_streams=1, video_streams=1, length_s=10, played_s=9.0), None),
        (PlayFacts(audio_streams=0, video_streams=0, length_s=None, played_s=0), "no audio or video"),
        (PlayFacts(audio_streams=0, video_streams=1, length_s=12, played_s=0.1), "ends early"),
        (PlayFacts(audio_streams=0, video_streams=1, length_s=12, played_s=3.0), "played 0:03 of 0:12"),
        (PlayFacts(audio_streams=0, video_streams=1, length_s=12, start_at_s=10, played_s=0.2), None),
        (PlayFacts(audio_streams=0, video_streams=1, length_s=12, played_s=1.0, seeked=True), None),
        (PlayFacts(audio_streams=1, video_streams=0, length_s=12, played_s=0.1), None),  # audio is not paced in tests
        (PlayFacts(audio_streams=0, video_streams=1, length_s=None, played_s=0.1), None),
        (PlayFacts(audio_streams=0, video_streams=1, length_s=0.5, played_s=0.3), None),  # too short to judge
    ],
)
def test_end_verdict(facts, verdict):
    reason = end_reason(facts)
    if verdict is None:
        assert reason is None
    else:
        assert reason is not None and verdict in reason
