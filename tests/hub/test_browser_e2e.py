"""A class on phones, in real headless Chromium (Debian's, driven by Playwright) against the real kiosk
started headless with `--hub 127.0.0.1:0`: the teacher's phone unlocks with the PIN and moves the
lesson on to the quiz, ten children's phones join with the projector's QR code and answer (some
change their answer, one reloads mid-question and answers again as the same device), the teacher
closes the question; the journal, read with `cinema report` as a supervisor would, holds exactly one
final answer per phone, all via phone, and the tally the projector drew equals them. Then the pages
at phone size in English and Arabic (right to left), saved for a person to look at."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pygame
import zxingcpp

from tests.hub.browser import (
    PHONE, Frames, RunningKiosk, chromium, need_chromium, open_teacher, records, report, shots_folder,
)

TEACHER_PIN = "1234"  # the training PIN of the shipped config: a headless kiosk asks for it
NEXT = re.compile(r"^(Next|.+ \(Next\))$")  # the Next button's accessible name, in English or "<its words> (Next)"
QUIZ_ITEM = "quiz"  # tests/app/kiosk_project.py: hello (title), register (attendance), quiz (water-quiz), ...


def projector_codes(png: Path) -> list[str]:
    """The QR codes a phone's camera reads off the projector's picture (zxing-cpp, as the kiosk's card reader)."""
    surface = pygame.image.load(str(png))
    rgb = pygame.surfarray.array3d(surface).transpose(1, 0, 2)
    gray = np.ascontiguousarray(rgb.mean(axis=2).astype(np.uint8))
    return [b.text for b in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)]


def page_address(shots: Path, screen: str, timeout: float = 15.0) -> str:
    """The join page's address (with the session code) from the projector's QR code on `screen`'s shot."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for png in sorted(shots.glob(f"*-{screen}.png")):
            try:
                urls = [c for c in projector_codes(png) if c.startswith("http://")]
            except pygame.error:  # the kiosk is still writing it
                continue
            if urls:
                return urls[0]
        time.sleep(0.1)
    seen = sorted(p.name for p in shots.glob("*"))
    raise AssertionError(f"no page QR code on the projector's {screen} screen: {seen}")


class Phone:
    """A child's phone: its own browser context (its own localStorage), the frames its page got."""

    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        self.page = self.context.new_page()
        self.frames = Frames(self.page)
        self.page.goto(url)

    @property
    def welcomes(self) -> list[str]:
        """The device id of every welcome, in order (one per connection)."""
        return [f["device"] for f in self.frames.got if f.get("t") == "welcome"]

    def answer(self, text: str) -> None:
        """Press the option with this text and wait for the phone to say "Received" (journaled)."""
        from playwright.sync_api import expect

        self.page.get_by_role("button", name=re.compile(re.escape(text))).click()
        expect(self.page.locator("#answer-line")).to_have_text("Received", timeout=10_000)


def test_ten_phones_answer_a_quiz_the_teacher_drives_from_a_phone(project, tmp_path):
    need_chromium()
    from playwright.sync_api import expect

    shots = tmp_path / "projector"
    kiosk = RunningKiosk(project, "--screenshots", str(shots))
    try:
        with chromium() as browser:
            teacher = open_teacher(browser, kiosk.url, TEACHER_PIN)
            next_button = teacher.get_by_role("button", name=NEXT)
            expect(next_button).to_be_visible(timeout=10_000)
            next_button.click()  # the title -> who is here (the projector shows how to join)
            url = page_address(shots, "attendance")
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?c=[A-Z0-9]{4}", url), url

            phones = [Phone(browser, url) for _ in range(10)]
            for phone in phones:
                expect(phone.page.locator("#wait")).to_be_visible(timeout=10_000)
            next_button.click()  # -> the quiz: its first question opens on every phone
            for phone in phones:
                expect(phone.page.get_by_role("heading", name="Where does rain come from?")).to_be_visible(
                    timeout=10_000)

            final = {}
            choices = ["From the clouds", "From the trees", "From the ground", "From the sun"]
            for i, phone in enumerate(phones):
                phone.answer(choices[i % 4])
                final[i] = choices[i % 4]
            for i in (1, 2, 3):  # three change their minds
                phones[i].answer("From the clouds")
                final[i] = "From the clouds"
            # one phone reloads mid-question (a screen lock, a dropped Wi-Fi) and answers again
            phones[5].page.reload()
            expect(phones[5].page.get_by_role("heading", name="Where does rain come from?")).to_be_visible(
                timeout=10_000)
            phones[5].answer("From the sun")
            final[5] = "From the sun"

            next_button.click()  # the teacher closes the question: the phones are told
            for phone in phones:
                expect(phone.page.locator("#question")).to_be_hidden(timeout=10_000)
            devices = [phone.welcomes for phone in phones]
    finally:
        code = kiosk.stop()
    assert code in (0, 143), kiosk.stderr()[-3000:]

    # every phone one device; the reloaded one came back as the same device (the token it kept)
    assert all(w and len(set(w)) == 1 for w in devices), devices
    assert len(devices[5]) >= 2
    ids = {f"phone:{w[0]}" for w in devices}
    assert len(ids) == 10

    recs = records(kiosk.journal)
    answers = [r for r in recs if r["kind"] in ("answer.recorded", "answer.changed")
               and r["payload"]["item"] == QUIZ_ITEM and r["payload"]["question"] == 0]
    assert {a["payload"]["via"] for a in answers} == {"phone"}
    assert {a["payload"]["clicker"] for a in answers} == ids
    recorded = Counter(a["payload"]["clicker"] for a in answers if a["kind"] == "answer.recorded")
    assert set(recorded.values()) == {1}  # one answer per phone; changes are answer.changed
    last = {}
    for a in answers:
        last[a["payload"]["clicker"]] = a["payload"]["key"]
    key_of = {"From the clouds": "A", "From the trees": "B", "From the ground": "C", "From the sun": "D"}
    by_device = {f"phone:{devices[i][0]}": key_of[text] for i, text in final.items()}
    assert last == by_device

    # the teacher's three Nexts, each journaled with the teacher's phone (not a child's)
    commands = [r["payload"] for r in recs if r["kind"] == "hub.command"]
    assert [c["command"] for c in commands] == ["next", "next", "next"]
    assert len({c["device"] for c in commands}) == 1 and f"phone:{commands[0]['device']}" not in ids

    closed = [r for r in recs if r["kind"] == "question.closed" and r["payload"]["item"] == QUIZ_ITEM
              and r["payload"]["question"] == 0]
    assert len(closed) == 1
    tally = {k: n for k, n in closed[0]["payload"]["tally"].items() if n}
    assert tally == dict(Counter(by_device.values()))
    assert closed[0]["payload"]["answered"] == 10

    # the supervisor's report: ten answers (one per phone: changes are not counted again), and its
    # question table (folded from the answers themselves) has the same counts as the projector's tally
    summary = json.loads(report(kiosk.journal, "--json"))
    assert summary["totals"]["answers"] == 10 and [s["answers"] for s in summary["sessions"]] == [10]
    report(kiosk.journal, "--csv", str(tmp_path / "csv"))
    with open(tmp_path / "csv" / "questions.csv", newline="", encoding="utf-8-sig") as f:  # with a BOM, for Excel
        rows = [r for r in csv.DictReader(f) if r["activity"] == "water-quiz" and r["question"] == "1"]
    assert len(rows) == 1 and rows[0]["answered"] == "10", rows
    assert {k: int(rows[0][f"answers_{k}"]) for k in "ABCD" if int(rows[0].get(f"answers_{k}") or 0)} == tally


LESSON = """\
version: 1
id: shots-{lang}
title: {title}
language: {lang}
take_home: [worksheet.pdf]
items:
  - type: title
    id: hello
    title: {title}
  - type: attendance
    id: register
  - type: activity
    id: quiz
    activity: {quiz}
  - type: closing
    id: bye
"""
LESSONS = {"en": ("Water all around us", "water-quiz", "Where does rain come from?", "From the trees"),
           "ar": ("الماء من حولنا", "water-quiz-ar", "من أين يأتي المطر؟", "من الأشجار")}


def _fits(page, what: str) -> None:
    """Nothing sticks out sideways at phone width, and each answer button is big enough for a child's finger."""
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{what}: the page is {wide} px wider than the phone"
    for box in [b.bounding_box() for b in page.locator("button.option").all()]:
        assert box is not None and box["height"] >= 48, (what, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (what, box)


def test_the_pages_at_phone_size_in_english_and_arabic(project):
    """Screenshots of the child's and the teacher's pages at 360x640 in en and ar (right to left), kept
    for a person to look at (the folder is printed); the layout checks that a test can make are made."""
    need_chromium()
    from playwright.sync_api import expect

    folder = shots_folder("phone-pages")
    print(f"\nscreenshots of the phone pages: {folder}")
    (project / "playlists" / "worksheet.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    config = project / "kiosk_config" / "default.yaml"
    english = config.read_text()
    with chromium() as browser:
        for lang, (title, quiz, prompt, choice) in LESSONS.items():
            (project / "playlists" / "e2e.yaml").write_text(LESSON.format(lang=lang, title=title, quiz=quiz))
            config.write_text(english.replace("\nlanguage: en\n", f"\nlanguage: {lang}\n"))
            shots = project / f"projector-{lang}"
            kiosk = RunningKiosk(project, "--screenshots", str(shots))
            try:
                locked = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
                locked.goto(kiosk.url + "teacher")
                assert locked.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
                expect(locked.get_by_label("PIN")).to_be_visible()
                locked.screenshot(path=folder / f"{lang}-teacher-1-pin.png")
                locked.context.close()
                teacher = open_teacher(browser, kiosk.url, TEACHER_PIN)
                # the controls keep their English name in every language ("التالي (Next)"): screen readers, tests
                next_button = teacher.get_by_role("button", name=NEXT)
                next_button.click()
                url = page_address(shots, "attendance")

                child = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
                child.goto(url.split("?")[0])  # no code yet: the child types the one on the screen
                expect(child.locator("#code")).to_be_visible()
                assert child.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
                child.screenshot(path=folder / f"{lang}-child-1-code.png")
                child.locator("#code").fill(url.split("c=")[1].lower())  # as a child types it
                child.locator("#code").press("Enter")
                expect(child.locator("#wait")).to_be_visible(timeout=10_000)
                _fits(child, f"{lang} waiting")
                child.screenshot(path=folder / f"{lang}-child-2-waiting.png", full_page=True)

                next_button.click()  # the quiz
                expect(child.get_by_role("heading", name=prompt)).to_be_visible(timeout=10_000)
                _fits(child, f"{lang} question")
                child.screenshot(path=folder / f"{lang}-child-3-question.png", full_page=True)
                child.get_by_role("button", name=re.compile(re.escape(choice))).click()
                expect(child.locator("button.option[aria-pressed=true]")).to_have_count(1)
                received = child.evaluate("JSON.parse(document.getElementById('boot').textContent).words.received")
                expect(child.locator("#answer-line")).to_have_text(received, timeout=10_000)  # in the page's language
                expect(child.locator("#file-list li")).to_have_count(1)  # the lesson's worksheet to take home
                _fits(child, f"{lang} answered")
                child.screenshot(path=folder / f"{lang}-child-4-answered.png", full_page=True)
                expect(teacher.locator("#answers")).to_be_visible(timeout=10_000)
                _fits(teacher, f"{lang} teacher")
                teacher.screenshot(path=folder / f"{lang}-teacher-2-question.png", full_page=True)
                teacher.context.close()
                child.context.close()
            finally:
                kiosk.stop()
    assert len(list(folder.glob("*.png"))) == 12
