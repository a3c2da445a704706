"""The progress bar of a long merge: on a terminal only, one line redrawn, ending at 100 %."""

import io

from cinema.reports.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_bar_redraws_one_line_and_ends_complete():
    out = Terminal()
    bar = ProgressBar("Reading records", out, width=10, every=0.0)
    for done in (0, 2_500_000, 5_000_000, 10_000_000):
        bar(done, 10_000_000)
    bar.finish()
    frames = out.getvalue().split("\r")[1:]
    assert frames[1].startswith("Reading records [##........]  25%")
    assert "[##########] 100%  10,000,000 / 10,000,000" in frames[-1] and out.getvalue().endswith("\n")


def test_nothing_is_written_when_the_output_is_a_file_or_pipe():
    out = io.StringIO()
    bar = ProgressBar("Reading records", out, every=0.0)
    bar(5, 10)
    bar.finish()
    assert out.getvalue() == ""


def test_redraws_are_throttled_but_the_last_one_always_shows():
    out = Terminal()
    bar = ProgressBar("Reading", out, every=3600.0)
    for done in range(1, 1001):
        bar(done, 1000)
    assert out.getvalue().count("\r") == 2  # the first frame and the finished one
