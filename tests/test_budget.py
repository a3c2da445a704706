"""The fuzz suites' budget catches a hang and a memory balloon (so a pass means something)."""

import pytest

from tests.budget import OverBudget, budget


def test_a_loop_that_never_ends_fails_the_case():
    with pytest.raises(OverBudget, match="time budget"):
        with budget(seconds=0.2):
            while True:
                pass


def test_a_balloon_fails_the_case():
    with pytest.raises(OverBudget, match="MiB"):
        with budget(seconds=5, megabytes=8):
            blob = [bytes(1024) for _ in range(20_000)]  # ~20 MiB
            del blob


def test_a_small_case_passes():
    with budget(seconds=1, megabytes=8):
        sum(range(1000))
