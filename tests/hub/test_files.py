"""Take-home downloads: only the lesson's files by their number and name, resumable ranges byte for
byte, the shared rate limit (a quarter of it while a question is open), a few at once per phone, and
one count per download that reaches the file's end."""

from __future__ import annotations

import asyncio
import os
import queue
import time
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from cinema.config.models import HubConfig
from cinema.core.events import TakeHomeTaken
from cinema.core.phone import PhoneOption, PhoneQuestion, PhoneState, TakeHomeFile
from cinema.core.view import Screen
from cinema.hub.files import BURST_SECONDS, CHUNK, Pacer, routes, safe_filename
from cinema.hub.state import HubState

SIZE = 300_000


def _state(files: tuple[TakeHomeFile, ...], *, session: str = "s1", question: bool = False) -> PhoneState:
    q = PhoneQuestion("s1.2.1.3", "choice", "2+2?", (PhoneOption("A", "4"), PhoneOption("B", "5"))) if question else None
    return PhoneState(session=session, playlist="demo" if session else "", lesson_title="Water",
                      language="en", screen=Screen.QUESTION if question else Screen.VIDEO, question=q,
                      take_home=files)


@pytest.fixture
def lesson(tmp_path: Path):
    data = os.urandom(SIZE)
    path = tmp_path / "water.mp4"
    path.write_bytes(data)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for phones")
    files = (TakeHomeFile("water.mp4", path, SIZE, "video"),
             TakeHomeFile("sheet.pdf", tmp_path / "sheet.pdf", 0, "pdf"))
    (tmp_path / "sheet.pdf").write_bytes(b"%PDF-1.4 tiny")
    return data, files


def _hub(files, kbps: int = 100_000, **state) -> tuple[HubState, queue.Queue, Starlette]:
    events: queue.Queue = queue.Queue()
    core = HubState(events, HubConfig(take_home_kbps=kbps), pin_check=lambda pin: ("wrong", 0, 5))
    app = Starlette(routes=routes(core))
    core.apply(_state(files, **state))
    return core, events, app


def _taken(events: queue.Queue) -> list[TakeHomeTaken]:
    out = []
    while not events.empty():
        event = events.get_nowait()
        if isinstance(event, TakeHomeTaken):
            out.append(event)
    return out


def test_a_download_resumed_after_half_is_the_whole_file_and_counted_once(lesson):
    data, files = lesson
    _, events, app = _hub(files)
    client = TestClient(app)
    first = client.get("/files/0/water.mp4", headers={"Range": f"bytes=0-{SIZE // 2 - 1}"})
    assert first.status_code == 206
    assert first.headers["content-range"] == f"bytes 0-{SIZE // 2 - 1}/{SIZE}"
    assert _taken(events) == []  # half a file is no download yet
    rest = client.get("/files/0/water.mp4", headers={"Range": f"bytes={SIZE // 2}-"})
    assert rest.status_code == 206
    assert first.content + rest.content == data
    assert _taken(events) == [TakeHomeTaken("s1", "demo", "water.mp4", SIZE)]


def test_a_whole_download_is_an_attachment_and_counted(lesson):
    data, files = lesson
    _, events, app = _hub(files)
    client = TestClient(app)
    whole = client.get("/files/0/water.mp4")
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-disposition"] == 'attachment; filename="water.mp4"'
    assert client.head("/files/0/water.mp4").status_code == 200  # a HEAD is no download
    client.get("/files/0/water.mp4", headers={"Range": "bytes=10-20"})  # nor a range short of the end
    assert _taken(events) == [TakeHomeTaken("s1", "demo", "water.mp4", SIZE)]
    client.get("/files/0/water.mp4")  # each download counts for the lesson (not one per phone)
    assert len(_taken(events)) == 1


def test_a_range_past_the_end_is_416(lesson):
    _, files = lesson
    _, events, app = _hub(files)
    client = TestClient(app)
    past = client.get("/files/0/water.mp4", headers={"Range": f"bytes={SIZE}-"})
    assert past.status_code == 416
    assert past.headers["content-range"] == f"bytes */{SIZE}"
    assert _taken(events) == []


@pytest.mark.parametrize("url", [
    "/files/0/sheet.pdf",  # the name of another file at this number
    "/files/1/water.mp4",
    "/files/2/water.mp4",  # no such number
    "/files/0/WATER.MP4",
    "/files/0/..%2Fsecret.txt",  # a path in the request is never a path on the kiosk
    "/files/0/water.mp4%2F..%2F..%2Fsecret.txt",
    "/files/0/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/files/-1/water.mp4",
    "/files/0x0/water.mp4",
])
def test_only_a_listed_file_by_its_number_and_name(lesson, url):
    _, files = lesson
    _, events, app = _hub(files)
    response = TestClient(app).get(url)
    assert response.status_code == 404
    assert b"not for phones" not in response.content
    assert _taken(events) == []


def test_the_last_lessons_files_stay_at_home_but_not_in_a_lesson_without_files(lesson):
    data, files = lesson
    core, events, app = _hub(files)
    client = TestClient(app)
    core.apply(_state(files, session=""))  # the lesson ended: its state says no session, the files stay listed
    assert client.get("/files/1/sheet.pdf").status_code == 200
    assert _taken(events) == [TakeHomeTaken("s1", "demo", "sheet.pdf", 13)]
    core.apply(PhoneState(session="", playlist="", lesson_title="", language="en", screen=Screen.LIBRARY))
    home = client.get("/files/0/water.mp4")
    assert home.status_code == 200 and home.content == data
    assert _taken(events) == [TakeHomeTaken("s1", "demo", "water.mp4", SIZE)]  # the lesson whose file it is
    core.apply(_state((), session="s2"))
    assert client.get("/files/0/water.mp4").status_code == 404
    assert "not offered" in client.get("/files/0/water.mp4").text


def test_a_file_gone_from_the_disk_is_404_not_a_crash(lesson):
    _, files = lesson
    _, _, app = _hub(files)
    files[0].path.unlink()
    assert TestClient(app).get("/files/0/water.mp4").status_code == 404


def test_the_saved_name_is_safe():
    assert safe_filename("water.mp4") == "water.mp4"
    assert safe_filename("../../etc/passwd") == "_.._etc_passwd"
    assert safe_filename('a"b\\c\r\nd.pdf') == "a_b_c__d.pdf"
    assert safe_filename("...") == "file"
    assert safe_filename("الماء.pdf") == "الماء.pdf"


async def _download(app: Starlette, url: str, client_host: str = "10.0.0.5",
                    headers: dict | None = None) -> tuple[int, bytes]:
    transport = httpx.ASGITransport(app=app, client=(client_host, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        response = await client.get(url, headers=headers)
        return response.status_code, response.content


def _timed(app: Starlette, urls: list[tuple[str, str]], headers: dict | None = None
           ) -> tuple[float, list[tuple[int, bytes]]]:
    async def run():
        return await asyncio.gather(*(_download(app, url, host, headers) for url, host in urls))

    start = time.perf_counter()
    results = asyncio.run(run())
    return time.perf_counter() - start, results


def _shortest(size: int, rate: float) -> float:
    """The least time `size` bytes may take at `rate`: the first chunk and the burst go at once."""
    return (size - CHUNK) / rate - BURST_SECONDS


def test_downloads_together_keep_to_the_rate(lesson):
    data, files = lesson
    _, _, app = _hub(files, kbps=1000)  # 1 MB/s for every download together
    elapsed, results = _timed(app, [("/files/0/water.mp4", "10.0.0.5"), ("/files/0/water.mp4", "10.0.0.6")])
    assert [status for status, _ in results] == [200, 200]
    assert all(body == data for _, body in results)
    sent = 2 * SIZE
    rate = sent / elapsed
    print(f"two downloads at 1000 kB/s: {rate / 1000:.0f} kB/s over {elapsed:.2f} s")
    assert elapsed >= _shortest(sent, 1_000_000)
    assert elapsed < _shortest(sent, 1_000_000) + 0.6  # paced, not stalled


def test_a_quarter_of_the_rate_while_a_question_is_open(lesson):
    data, files = lesson
    _, _, app = _hub(files, kbps=1000, question=True)
    part = 160_000
    elapsed, [(status, body)] = _timed(app, [("/files/0/water.mp4", "10.0.0.5")], {"Range": f"bytes=0-{part - 1}"})
    assert status == 206 and body == data[:part]
    print(f"during a question: {part / elapsed / 1000:.0f} kB/s over {elapsed:.2f} s")
    assert elapsed >= _shortest(part, 250_000)
    assert elapsed < _shortest(part, 250_000) + 0.6


def test_at_most_four_downloads_at_once_from_one_phone(lesson):
    data, files = lesson
    _, events, app = _hub(files, kbps=4000)
    _, results = _timed(app, [("/files/0/water.mp4", "10.0.0.5")] * 5 + [("/files/0/water.mp4", "10.0.0.9")])
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 200, 200, 200, 200, 429]
    assert all(body == data for status, body in results if status == 200)
    assert len(_taken(events)) == 5


def test_the_pacer_reserves_time_in_order_at_the_rate_of_the_moment():
    now = [100.0]
    rate = [1000.0]
    pacer = Pacer(lambda: rate[0], clock=lambda: now[0], burst_seconds=0.0)
    assert pacer.reserve(500) == 0.0
    assert pacer.reserve(500) == pytest.approx(0.5)
    rate[0] = 250.0  # a question opened: the next bytes go four times slower
    assert pacer.reserve(250) == pytest.approx(1.0)
    assert pacer.reserve(10) == pytest.approx(2.0)
    now[0] = 200.0  # idle for long: no credit saved beyond the burst
    assert pacer.reserve(1000) == 0.0
    assert pacer.reserve(1) == pytest.approx(4.0)
