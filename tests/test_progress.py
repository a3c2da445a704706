"""Progress bars (tqdm): on a terminal only, one line redrawn a few times a second, ending at 100 %."""

import io
import subprocess
import sys

from cinema.progress import CountBar, bar


class Terminal(io.StringIO):
    def isatty(self):
        return True


def frames(out: io.StringIO) -> list[str]:
    return out.getvalue().split("\r")[1:]


def test_the_report_bar_redraws_one_line_and_ends_complete():
    out = Terminal()
    progress = CountBar("Reading records", out, every=0.0, width=10)
    for done in (0, 2_500_000, 5_000_000, 10_000_000):
        progress(done, 10_000_000)
    progress.finish()
    shown = frames(out)
    assert shown[1].startswith("Reading records [##        ]  25%  2,500,000 / 10,000,000")
    assert "[##########] 100%  10,000,000 / 10,000,000" in shown[-1] and out.getvalue().endswith("\n")
    assert out.getvalue().count("\n") == 1  # one line, redrawn


def test_nothing_is_written_when_the_output_is_a_file_or_pipe():
    out = io.StringIO()
    progress = CountBar("Reading records", out, every=0.0)
    progress(5, 10)
    progress.finish()
    steps = bar("Converting lesson.mp4", 12.5, unit="s", out=out)
    steps.update(12.5)
    steps.close()
    assert out.getvalue() == ""


def test_redraws_are_throttled_but_the_last_one_always_shows():
    out = Terminal()
    progress = CountBar("Reading", out, every=3600.0)
    for done in range(1, 1001):
        progress(done, 1000)
    progress.finish()
    shown = frames(out)
    assert len(shown) == 2  # the first frame and the finished one
    assert "100%  1,000 / 1,000" in shown[-1]


def test_a_bar_of_media_seconds_shows_whole_seconds():
    out = Terminal()
    steps = bar("Checking lesson.mp4", 184.33, unit="s", out=out)
    for _ in range(1843):
        steps.update(0.1)  # 0.1 added 1843 times is not exactly 184.3
    steps.close()
    last = frames(out)[-1]
    assert last.startswith("Checking lesson.mp4: 100%|") and "184/184 s" in last and "0000" not in last


def test_bars_are_silent_in_a_pipe_from_the_command_line():
    # `cinema import ... 2>log` or a cron job: no carriage returns in the log
    code = ("from cinema.progress import bar, CountBar\n"
            "b = bar('Converting', 10.0, unit='s'); b.update(10.0); b.close()\n"
            "c = CountBar('Reading records'); c(1, 2); c(2, 2); c.finish()\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and out.stderr == "" and out.stdout == ""


def test_a_bar_of_bytes_shows_sizes_a_person_reads():
    out = io.StringIO()
    b = bar("Checksums", 2_539_256, unit="B", out=out, force=True)
    b.update(2_539_256)
    b.close()
    last = out.getvalue().split("\r")[-1]
    assert "2.42M/2.42M" in last and "2539256" not in last
