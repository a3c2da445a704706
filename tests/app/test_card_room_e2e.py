"""A class of 40 answers by holding up answer cards: a generated 1080p room (cinema/devices/cards/room.py) is
the kiosk's camera (the fake camera seam) while the real kiosk runs an answer-by-card quiz. The journal holds
exactly one answer per child with the letter that child holds up (the room's truth), within seconds; a card
seen in one frame only is no answer; a child who turns the card to another letter is still one answer, the
latest."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import replace
from datetime import date

import cv2
import pytest

from cinema.app.kiosk import Kiosk, RunOptions
from cinema.cards.keys import new_key_file
from cinema.core.events import Command, TeacherCommand
from cinema.core.view import Screen
from cinema.devices.cards.answer_card import SEEN_FROM_THE_BACK
from cinema.devices.cards.photos import letter_on_top
from cinema.devices.cards.room import make_room
from cinema.devices.cards.sources import FakeCamera, register_fake_camera, unregister_fake_camera
from tests.app.kiosk_project import project  # noqa: F401  (a fixture)

CLASS = 40
URL = "fake://card-room"
PLAYLIST = """\
version: 1
id: e2e
title: Cards across the room
language: en
items:
  - type: activity
    id: quiz
    activity: water-quiz
    answer_by_card: true
  - type: closing
    id: bye
"""


class Stream:
    """The camera's pictures: the frames of the scene now showing, over and over (the test switches scenes)."""

    def __init__(self, frames):
        self.lock = threading.Lock()
        self.frames = list(frames)
        self.k = 0

    def show(self, frames) -> None:
        with self.lock:
            self.frames, self.k = list(frames), 0

    def __iter__(self):
        while True:
            with self.lock:
                frame = self.frames[self.k % len(self.frames)]
                self.k += 1
            yield frame


def _until(loop, done, seconds: float) -> float:
    """Turns of the real loop until `done()`; `seconds` is only a safety stop (a busy machine is slow)."""
    started = time.monotonic()
    while not done():
        assert time.monotonic() - started < seconds, (
            f"waited {seconds} s; the screen shows {loop.view.screen.value} {getattr(loop.view.body, 'answered', '')} "
            f"answered; the camera: {loop.devices.camera.status() if loop.devices.camera else None}")
        loop.step(time.monotonic())
        loop.wait()
    return time.monotonic() - started


def _answers(journal, question: int) -> list[tuple[str, str, str, str]]:
    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    try:
        rows = [(kind, json.loads(p)) for kind, p in db.execute(
            "SELECT kind, payload FROM records WHERE kind IN ('answer.recorded', 'answer.changed') ORDER BY seq")]
    finally:
        db.close()
    return [(kind, a["learner_id"], a["key"], a["via"]) for kind, a in rows if a["question"] == question]


def _class_project(project, camera: str, children: int):
    """The kiosk project: a roster of `children` (L01..) with card numbers 1.., its key, the camera, the quiz."""
    names = ["Amina", "Olena", "Omar", "Yusuf", "Zara", "Chen", "Dana", "Ivan"]
    (project / "roster.csv").write_text("learner_id,name\n" + "".join(
        f"L{i:02d},{names[i % len(names)]} {i}\n" for i in range(1, children + 1)))
    keys = project / "var" / "card-keys.json"
    keys.parent.mkdir()
    new_key_file(keys, date.today())
    (project / "var" / "card-numbers.json").write_text(json.dumps(
        {"version": 1, "programs": {"DEMO": {f"L{i:02d}": i for i in range(1, children + 1)}}}))
    config = project / "kiosk_config" / "default.yaml"
    text = config.read_text().replace("camera: null", f"camera: {camera}")
    text = text.replace("roster: null", f"roster: {project}/roster.csv")
    text = text.replace("  source: auto", "  source: none").replace("usb_stick: /media/cinema-usb", "usb_stick: null")
    config.write_text(text.replace("keys: var/card-keys.json", f"keys: {keys}"))
    (project / "playlists" / "e2e.yaml").write_text(PLAYLIST)
    return config


def test_a_video_of_a_room_as_the_camera_gives_one_answer_per_child(project, tmp_path):
    """A generated video file of a class of 40 holding up cards is the kiosk's camera (`devices.camera:
    room.avi`, through OpenCV as a webcam is): the journal holds one answer per child, its letter."""
    room = make_room("5X5_100", (1920, 1080), CLASS, seed=7)
    room.cards = [replace(card, code=n) for n, card in enumerate(room.cards)]  # card n + 1 is marker n
    video = tmp_path / "room.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 8, (1920, 1080))
    for k in range(8):  # one second of the room, played over and over
        writer.write(room.frame(k))
    writer.release()
    truth = {f"L{card.code + 1:02d}": card.letter for card in room.cards}
    config = _class_project(project, str(video), CLASS)
    journal = tmp_path / "j.sqlite"
    kiosk = Kiosk(RunOptions(config=config, playlist=project / "playlists" / "e2e.yaml", journal=journal,
                             headless=True))
    with kiosk.opened() as loop:
        _until(loop, lambda: loop.view is not None and loop.view.screen is Screen.QUESTION, 10)
        _until(loop, lambda: loop.view.body.answered >= CLASS, 40)
        cam = loop.devices.camera
        read_in = cam.stats.marker_frames
        _until(loop, lambda: cam.stats.marker_frames >= read_in + 4, 20)  # more frames: nothing new may count
        assert loop.view.body.answered == CLASS
        loop.events.put(TeacherCommand(Command.NEXT))
        _until(loop, lambda: loop.view.screen is Screen.RESULTS, 5)
    assert sorted(_answers(journal, 0)) == sorted(
        ("answer.recorded", learner, letter, "card") for learner, letter in truth.items())


def test_a_class_of_40_answers_by_card_once_each_with_the_letter_held_up(project, tmp_path):
    # 41 children with cards 1..41; the room shows cards 1..40 (the generator's codes renumbered: card n is marker n-1)
    room = make_room("5X5_100", (1920, 1080), CLASS + 1, seed=7)  # a room where every card is read in 4 or more of its first 8 frames
    room.cards = [replace(card, code=n) for n, card in enumerate(room.cards)]
    glimpsed = room.cards[-1]  # card 41: held up in one frame only, then put away
    with_41 = room.frame(2)
    room.cards = room.cards[:CLASS]
    frames = [room.frame(k) for k in range(8)]
    truth = {f"L{card.code + 1:02d}": card.letter for card in room.cards}
    # question 2: child L05 holds up one letter, then turns the card a quarter to another
    turner = next(c for c in room.cards if c.code == 4)
    angle = (turner.angle + 90 + 180) % 360 - 180
    turned = replace(turner, angle=angle, letter=SEEN_FROM_THE_BACK[letter_on_top(angle)])  # as room.py says it
    assert turned.letter != turner.letter
    before = frames[:4]
    room.cards = [turned if c is turner else c for c in room.cards]
    after = [room.frame(k) for k in range(8, 12)]

    config = _class_project(project, URL, CLASS + 1)

    stream = Stream([frames[0], frames[1], with_41, *frames[3:]])
    stream_after_glimpse = frames  # the glimpse is shown once, then the room without card 41
    camera = FakeCamera(iter(stream), fps=10)
    register_fake_camera(URL, camera.open)
    journal = tmp_path / "j.sqlite"
    seen_41 = []
    try:
        kiosk = Kiosk(RunOptions(config=config, playlist=project / "playlists" / "e2e.yaml", journal=journal,
                                 headless=True))
        with kiosk.opened() as loop:
            cam = loop.devices.camera
            put = cam.on_markers

            sightings: dict[int, list] = {}

            def watched(markers):
                for m in markers:
                    sightings.setdefault(m.number, []).append(m.letter)
                seen_41.extend(m for m in markers if m.number == CLASS + 1)
                if any(m.number == CLASS + 1 for m in markers):
                    stream.show(stream_after_glimpse)
                put(markers)

            cam.on_markers = watched
            _until(loop, lambda: loop.view is not None and loop.view.screen is Screen.QUESTION, 10)
            try:
                took = _until(loop, lambda: loop.view.body.answered >= CLASS, 40)
            except AssertionError as exc:
                missing = {int(learner[1:]) for learner in truth} - {
                    int(v[len("card:L"):]) for v in loop.engine.handler.box.answers}
                raise AssertionError(f"{exc}; not counted: " + ", ".join(
                    f"card {n} ({truth[f'L{n:02d}']}) seen as {sightings.get(n, [])[:12]}" for n in missing)) from None
            read_in = cam.stats.marker_frames  # frames read for answer cards until the whole class counted
            _until(loop, lambda: cam.stats.marker_frames >= read_in + 8, 20)  # more frames: nothing new may count
            assert loop.view.body.answered == CLASS
            teacher = loop.engine.teacher_view().answers
            assert teacher.grid and len(teacher.answered) == CLASS and teacher.unknown_cards == ()
            assert cam.status()["markers_ms"] is not None

            stream.show(before)
            for _ in range(3):  # close, reveal, the next question
                loop.events.put(TeacherCommand(Command.NEXT))
            _until(loop, lambda: loop.view.screen is Screen.QUESTION and loop.view.body.question_number == 2, 5)
            _until(loop, lambda: loop.view.body.answered >= CLASS, 40)
            stream.show(after)
            _until(loop, lambda: loop.engine.handler.box.answers.get("card:L05") == turned.letter, 20)
            loop.events.put(TeacherCommand(Command.NEXT))
            _until(loop, lambda: loop.view.screen is Screen.RESULTS, 5)
            _until(loop, lambda: not cam.markers_wanted, 5)  # the question closed: no more CPU on answer cards
    finally:
        unregister_fake_camera(URL)

    first = _answers(journal, 0)
    assert len(seen_41) == 1, "card 41 was to be read in exactly one frame"
    assert sorted(first) == sorted(("answer.recorded", learner, letter, "card") for learner, letter in truth.items())
    # within 3 s of a camera giving 8 frames a second (the room's 8 frames, each camera frame or skipped)
    assert read_in <= 24, f"the class of {CLASS} was counted after {read_in} frames ({took:.1f} s)"
    print(f"class of {CLASS} counted after {read_in} frames read, {took:.1f} s on this machine")
    second = _answers(journal, 1)
    recorded = {learner: key for kind, learner, key, _ in second if kind == "answer.recorded"}
    assert recorded == truth  # every child once, L05 with the letter first held up
    changed = [(learner, key) for kind, learner, key, _ in second if kind == "answer.changed"]
    assert changed == [("L05", turned.letter)]  # turned: the same child's answer changed, the latest counts
