"""What of a wellbeing check-in anyone may see: the room never the saddest faces' counts, nobody any
count with fewer than five answers (two sad faces of three votes single a child out)."""

import pytest

from cinema.core.checkin import room_counts, shown_counts


@pytest.mark.parametrize("counts, room, anyone", [
    ((0, 0, 0, 0, 0), (None,) * 5, None),
    ((2, 1, 0, 0, 1), (None,) * 5, None),  # four answers: nothing anywhere
    ((1, 0, 0, 0, 3), (None,) * 5, None),
    ((1, 1, 1, 1, 1), (None, None, 1, 1, 1), (1, 1, 1, 1, 1)),  # five: the teacher sees all, the room not 1-2
    ((6, 4, 0, 2, 0), (None, None, 0, 2, 0), (6, 4, 0, 2, 0)),
    ((0, 0, 5, 6, 7), (None, None, 5, 6, 7), (0, 0, 5, 6, 7)),
])
def test_what_the_room_and_the_teacher_may_see(counts, room, anyone):
    assert room_counts(counts) == room
    assert shown_counts(counts) == anyone
