"""Realistic sample Views of every screen in English, Arabic and Ukrainian, for the
screenshot script and the display tests (content is in the lesson's language)."""

from __future__ import annotations

from pathlib import Path

import pygame

from cinema.core.power import Action, PlannedItem, PowerDecision
from cinema.core.view import (
    AttendanceBody, BreakBody, CheckinBody, CheckinResultsBody, ClosingBody, ContentErrorBody,
    DeviceStatus, MediaBody, NoticeBody, OptionTally, PinPrompt, QuestionBody, ResultsBody,
    ResumeBody, ScanLine, TeamScore, Screen, SlideBody, StatusBar, TitleBody, View, Voter,
)

BIDI_SAMPLE = "السؤال 3 من 10 — درس Python"

CONTENT: dict[str, dict[str, object]] = {
    "en": {
        "lesson": "Water and Health",
        "subtitle": "Lesson 3: keeping clean",
        "video": "How to wash your hands",
        "audio": "Song: the water cycle",
        "prompt": "Which of these should you do before eating?",
        "options": ("Wash your hands with soap", "Play outside", "Drink juice", "Nothing"),
        "poll": "Which game shall we play after the break?",
        "poll_options": ("Football", "Drawing", "Singing"),
        "checkin": "How are you feeling today?",
        "names": ("Amira", "Yusuf", "Layla", "Omar"),
        "break": "Stretch and drink some water",
        "closing": "Well done, see you next time!",
        "calm": "Breathing with the balloon",
        "item": "Quiz: clean hands",
    },
    "ar": {
        "lesson": "الماء والصحة",
        "subtitle": BIDI_SAMPLE,
        "video": "كيف تغسل يديك",
        "audio": "أغنية: دورة الماء",
        "prompt": "ماذا يجب أن تفعل قبل الأكل؟",
        "options": ("اغسل يديك بالماء والصابون", "العب في الخارج", "اشرب العصير", "لا شيء"),
        "poll": "أي لعبة نلعب بعد الاستراحة؟",
        "poll_options": ("كرة القدم", "الرسم", "الغناء"),
        "checkin": "كيف تشعر اليوم؟",
        "names": ("أميرة", "يوسف", "ليلى", "عمر"),
        "break": "تمدّد واشرب بعض الماء",
        "closing": "أحسنتم، إلى اللقاء!",
        "calm": "التنفّس مع البالون",
        "item": "اختبار: الأيدي النظيفة",
    },
    "uk": {
        "lesson": "Вода і здоров'я",
        "subtitle": "Урок 3: чистота",
        "video": "Як мити руки",
        "audio": "Пісня: кругообіг води",
        "prompt": "Що треба зробити перед їжею?",
        "options": ("Помити руки з милом", "Погратися надворі", "Випити сік", "Нічого"),
        "poll": "У яку гру пограємо після перерви?",
        "poll_options": ("Футбол", "Малювання", "Спів"),
        "checkin": "Як ти почуваєшся сьогодні?",
        "names": ("Олена", "Богдан", "Марія", "Тарас"),
        "break": "Потягнися і випий води",
        "closing": "Молодці, до зустрічі!",
        "calm": "Дихаємо з повітряною кулькою",
        "item": "Вікторина: чисті руки",
    },
}

QUIZ_TEAMS = {
    "en": ("Eagles", "Lions", "Dolphins"),
    "ar": ("النسور", "الأسود", "الدلافين"),
    "uk": ("Орли", "Леви", "Дельфіни"),
}
QUIZ_LONGER = {  # makes one option much longer than the others
    "en": "and clean water",
    "ar": "النظيفين",
    "uk": "і чистою водою",
}

PROBLEMS = (
    "playlists/water.yaml:14: items[2].path: file 'handwash.mp4' not found — copy it into media/ or fix the name",
    "playlists/water.yaml:22: items[4].kind: 'quizz' is not a kind — did you mean 'quiz'?",
    "activities/clean_hands.yaml:8: questions[0].correct: 'E' is not one of the options A-D — use A, B, C or D",
    "kiosk_config/default.yaml:3: language: 'arb' is not known — use ar, en, es, fr, pt or uk",
)


def sample_status() -> StatusBar:
    return StatusBar(battery_percent=64, battery_minutes=135, charging=False, attendance=18,
                     devices=(DeviceStatus("clickers", True), DeviceStatus("camera", False)))


def make_slide_image(path: Path, size: tuple[int, int] = (1600, 900)) -> Path:
    """A simple 16:9 picture (sky, sun, a house) saved as PNG, to stand in for a lesson slide."""
    image = pygame.Surface(size)
    w, h = size
    image.fill((120, 190, 235))
    pygame.draw.rect(image, (90, 160, 70), (0, h * 0.7, w, h * 0.3))
    pygame.draw.circle(image, (250, 210, 60), (w * 0.82, h * 0.2), h * 0.1)
    pygame.draw.rect(image, (200, 120, 80), (w * 0.3, h * 0.45, w * 0.22, h * 0.3))
    pygame.draw.polygon(image, (150, 60, 50), [(w * 0.28, h * 0.45), (w * 0.41, h * 0.28), (w * 0.54, h * 0.45)])
    pygame.image.save(image, str(path))
    return path


def sample_frame(size: tuple[int, int] = (640, 360)) -> pygame.Surface:
    """A stand-in video frame (4 colour bands) of the given size."""
    frame = pygame.Surface(size)
    colors = [(200, 60, 60), (60, 160, 80), (60, 90, 200), (220, 200, 60)]
    band = size[0] // len(colors)
    for i, color in enumerate(colors):
        frame.fill(color, (i * band, 0, band + 1, size[1]))
    return frame


def sample_views(language: str, image_dir: Path) -> dict[str, View]:
    """Every screen (and the overlays) with realistic content, keyed by a short name."""
    t = CONTENT.get(language, CONTENT["en"])
    slide = image_dir / "slide.png"
    if not slide.exists():
        make_slide_image(slide)
    keys = "ABCD"
    options = tuple(OptionTally(k, text) for k, text in zip(keys, t["options"]))
    counted = tuple(OptionTally(k, text, count, k == "A")
                    for k, text, count in zip(keys, t["options"], (11, 3, 4, 0)))
    poll = tuple(OptionTally(k, text, count) for k, text, count in zip("ABC", t["poll_options"], (9, 5, 4)))

    def view(screen: Screen, body, **kw) -> View:
        base = dict(language=language, item_number=3, item_count=7, lesson_title=t["lesson"],
                    status=sample_status())
        base.update(kw)
        return View(screen, body, **base)

    # the answered grid: 9 handsets in the room, 6 have answered (20 in "question_big_room", too
    # many for a grid beside the options: it shows the count only); in team mode, three teams
    room = tuple(Voter(str(n), n % 5 not in (1, 3)) for n in range(101, 110))
    big_room = tuple(Voter(str(n), n % 5 not in (1, 3)) for n in range(101, 121))
    team_names = QUIZ_TEAMS.get(language, QUIZ_TEAMS["en"])
    teamed = tuple(Voter(v.label, v.answered, 1 + i % 3) for i, v in enumerate(room))
    long_options = (OptionTally("A", t["options"][0] + " " + QUIZ_LONGER.get(language, QUIZ_LONGER["en"])),
                    *options[1:])
    question = QuestionBody(t["prompt"], options, answered=12, expected=20, question_number=2,
                            question_count=5, seconds_left=25, seconds_total=30)
    in_room = QuestionBody(t["prompt"], options, answered=6, expected=9, question_number=2,
                           question_count=5, seconds_left=25, seconds_total=30, voters=room)
    nobody = tuple(OptionTally(o.key, o.text, 0, o.correct) for o in counted)
    quiz = {
        "question_grid": view(Screen.QUESTION, in_room),
        "question_big_room": view(Screen.QUESTION, QuestionBody(
            t["prompt"], options, answered=12, expected=20, question_number=2, question_count=5, seconds_left=25,
            seconds_total=30, voters=big_room)),
        "question_last_seconds": view(Screen.QUESTION, QuestionBody(
            t["prompt"], options, answered=8, expected=9, question_number=2, question_count=5, seconds_left=4,
            seconds_total=30, voters=tuple(Voter(v.label, v.answered or v.label in ("101", "108"), None)
                                           for v in room))),
        "question_everyone": view(Screen.QUESTION, QuestionBody(
            t["prompt"], options, answered=9, expected=9, question_number=2, question_count=5, seconds_left=12,
            seconds_total=30, voters=tuple(Voter(v.label, True) for v in room), everyone=True)),
        "question_teams": view(Screen.QUESTION, QuestionBody(
            t["prompt"], options, answered=6, expected=9, question_number=2, question_count=5, seconds_left=25,
            seconds_total=30, voters=teamed, team_names=team_names)),
        "question_long_option": view(Screen.QUESTION, QuestionBody(
            t["prompt"], long_options, answered=3, expected=None, question_number=1, question_count=5)),
        "results_closed": view(Screen.RESULTS, ResultsBody(t["prompt"], counted, 18, 2, 5, True, revealed=False)),
        "results_nobody": view(Screen.RESULTS, ResultsBody(t["prompt"], nobody, 0, 2, 5, True)),
        "results_team_names": view(Screen.RESULTS, ResultsBody(t["prompt"], counted, 18, 2, 5, True, (
            TeamScore(1, 7, 9), TeamScore(2, 9, 9), TeamScore(3, 4, 8)), team_names=team_names)),
    }
    return quiz | {
        "title": view(Screen.TITLE, TitleBody(t["lesson"], t["subtitle"]), item_number=1),
        "video": view(Screen.VIDEO, MediaBody("media/handwash.mp4", t["video"], 42, 180)),
        "slides": view(Screen.SLIDES, SlideBody(str(slide), 1, 12, seconds_left=20)),
        "slides_missing": view(Screen.SLIDES, SlideBody(str(image_dir / "missing-slide-07.png"), 6, 12)),
        "audio": view(Screen.AUDIO, MediaBody("media/water_cycle.ogg", t["audio"], 83.5, 240)),
        "question": view(Screen.QUESTION, question),
        "question_image": view(Screen.QUESTION, QuestionBody(
            t["prompt"], options[:3], answered=4, expected=None, question_number=3, question_count=5,
            image=str(slide))),
        "results": view(Screen.RESULTS, ResultsBody(t["prompt"], counted, 18, 2, 5, True)),
        "results_poll": view(Screen.RESULTS, ResultsBody(t["poll"], poll, 18, 5, 5, False)),
        "results_teams": view(Screen.RESULTS, ResultsBody(t["prompt"], counted, 18, 2, 5, True, (
            TeamScore(1, 7, 9), TeamScore(2, 9, 9), TeamScore(3, 4, 8)))),
        "checkin": view(Screen.CHECKIN, CheckinBody(t["checkin"], 9)),
        "checkin_results": view(Screen.CHECKIN_RESULTS, CheckinResultsBody(t["checkin"], (1, 2, 5, 6, 4), False)),
        "checkin_results_calm": view(Screen.CHECKIN_RESULTS, CheckinResultsBody(
            t["checkin"], (6, 5, 3, 2, 1), True, t["calm"])),
        "attendance": view(Screen.ATTENDANCE, AttendanceBody(18, 24, (
            ScanLine(t["names"][0], True), ScanLine("", False, "Card from another programme"),
            ScanLine(t["names"][1], True), ScanLine("", False, "Card not recognised"),
            ScanLine(t["names"][2], False, "Already marked")))),
        "pairing": view(Screen.PAIRING, AttendanceBody(12, 18, (
            ScanLine(t["names"][0], True), ScanLine(t["names"][1], True)), t["names"][2])),
        "pairing_idle": view(Screen.PAIRING, AttendanceBody(0, None)),
        "break": view(Screen.BREAK, BreakBody(t["break"], 272, 600)),
        "closing": view(Screen.CLOSING, ClosingBody(t["closing"], 18, 96), item_number=7),
        "notice": view(Screen.NOTICE, NoticeBody("This video could not be played.", "handwash.mp4", 4)),
        "resume": view(Screen.RESUME, ResumeBody(t["lesson"], t["item"], 3, 7), item_number=0, item_count=0),
        "content_error": view(Screen.CONTENT_ERROR, ContentErrorBody(PROBLEMS * 3), item_number=0, item_count=0),
        "pin": view(Screen.QUESTION, question, pin=PinPrompt(2)),
        "pin_wrong": view(Screen.QUESTION, question, pin=PinPrompt(4, wrong=True)),
        "pin_unlock": view(Screen.VIDEO, MediaBody("media/handwash.mp4", t["video"], 42, 180),
                           pin=PinPrompt(3, wrong=True, purpose="unlock", tries_left=2)),
        "pin_wait": view(Screen.QUESTION, question, pin=PinPrompt(0, wrong=True, wait_seconds=120, tries_left=0)),
        "pin_choose": view(Screen.TITLE, TitleBody(t["lesson"]), item_number=0,
                           pin=PinPrompt(0, purpose="choose", problem="Too easy to guess: choose other digits, not 1234.")),
        "pin_confirm": view(Screen.TITLE, TitleBody(t["lesson"]), item_number=0, pin=PinPrompt(5, purpose="confirm")),
        "keyboard_locked": view(Screen.VIDEO, MediaBody("media/handwash.mp4", t["video"], 42, 180),
                                keyboard_locked=True),
        "keyboard_locked_paused": view(Screen.QUESTION, question, paused=True, keyboard_locked=True,
                                       training_pin=True),
        "paused": view(Screen.VIDEO, MediaBody("media/handwash.mp4", t["video"], 42, 180), paused=True),
        "video_seeking": view(Screen.VIDEO, MediaBody("media/handwash.mp4", t["video"], 32, 180, seeking=True)),
        "toast": view(Screen.CHECKIN, CheckinBody(t["checkin"], 9), toast="Battery low"),
        "usb_saved": view(Screen.CLOSING, ClosingBody(t["closing"], 18, 96), item_number=7,
                          toast="Saved: you can take the USB stick out"),
        "power_advice": view(Screen.VIDEO, MediaBody("media/handwash.mp4", t["video"], 42, 180),
                             power_advice=PowerDecision(Action.ADVISE, 31.0, 50.0, usable_minutes=38.0,
                                                        needs_minutes=52.0, skip=(
                                                            PlannedItem(7, "story", t["item"], "audio", 6.0, True, 3),
                                                            PlannedItem(9, "break", t["break"], "break", 5.0, True, 0)))),
        "picker": view(Screen.ATTENDANCE, AttendanceBody(18, 24, (ScanLine(t["names"][0], True),)),
                       picker=sample_picker(language)),
    } | library_views(language, t)


def library_views(language: str, t: dict) -> dict[str, View]:
    """The home screen: the list (an unfinished session, lessons in three languages, a broken one),
    a broken lesson's problems, and the question before an unfinished session is thrown away."""
    from cinema.core.view import LibraryBody, LibraryRow

    rows = (
        LibraryRow("resume", str(t["lesson"]), minutes=31, battery="lasts", item_number=3, item_count=7),
        LibraryRow("lesson", str(t["lesson"]), subject="health", language=language, minutes=45, battery="lasts"),
        LibraryRow("lesson", "Water and Health", subject="health", language="en", minutes=45, battery="short"),
        LibraryRow("lesson", "الماء والصحة", subject="الصحة", language="ar", minutes=45, battery="plugged"),
        LibraryRow("lesson", "broken", broken=True, problems=3),
        LibraryRow("language", "", language=language),
        LibraryRow("end_day", ""),
    )

    def home(selected: int, **kw) -> View:
        return View(Screen.LIBRARY, LibraryBody(rows, selected, **kw), language=language, status=sample_status())

    return {
        "library": home(1),
        "library_end": home(6, disk="low", free_mb=12),
        "library_problems": home(4, mode="problems", problems=PROBLEMS * 3, problems_title="broken"),
        "library_confirm": home(2, mode="confirm", discard_title=str(t["lesson"]), chosen_title="Water and Health"),
        "library_pin": View(Screen.LIBRARY, LibraryBody(rows, 6), language=language, status=sample_status(),
                            pin=PinPrompt(2)),
    }


# ---- the teacher window (presenter mode) ------------------------------------------------------------

ROSTER = {  # first names as a roster has them (content, in the lesson's language), more than a screen holds
    "en": ("Amira", "Amir", "Ahmed", "Aisha", "Adam", "Alia", "Anas", "Aya", "Yusuf", "Layla", "Omar", "Mariam",
           "Hassan", "Noor", "Sami", "Rania", "Karim", "Huda"),
    "ar": ("أميرة", "أمير", "أحمد", "عائشة", "آدم", "علياء", "أنس", "آية", "يوسف", "ليلى", "عمر", "مريم",
           "حسن", "نور", "سامي", "رانيا", "كريم", "هدى"),
    "uk": ("Олена", "Олександр", "Оксана", "Остап", "Ольга", "Орест", "Богдан", "Марія", "Тарас", "Ірина",
           "Дмитро", "Софія", "Андрій", "Катерина", "Максим", "Анастасія", "Володимир", "Христина"),
}


def sample_picker(language: str, query: str | None = None) -> "MarkPicker":
    """Marking by hand with a few letters typed: one child here by card, one marked by hand, the rest
    absent, the second one chosen, more matches than are listed."""
    from cinema.core.view import MarkPicker, PickRow

    names = ROSTER.get(language, ROSTER["en"])
    typed = query if query is not None else names[0][:2]
    states = ("card", "absent", "teacher", "absent", "absent", "absent")
    rows = tuple(PickRow(name, state) for name, state in zip(names[:6], states))
    return MarkPicker(typed, rows, 1, more=3, message="Marked present")


def teacher_views(language: str) -> "dict[str, TeacherView]":
    """The teacher window beside the projector, in the kiosk's `language` (content in the lesson's):
    a video with the battery advice and notices, a question with who has not answered, a closed
    check-in offering the calm item (and one with too few answers for counts), the PIN prompt, the
    keyboard hint while paused, marking by hand, the last item, and before the first."""
    from cinema.core.view import AnswerList, CalmNote, TeacherItem, TeacherView

    t = CONTENT.get(language, CONTENT["en"])
    names = ROSTER.get(language, ROSTER["en"])
    advice = PowerDecision(Action.ADVISE, 31.0, 50.0, usable_minutes=38.0, needs_minutes=52.0, skip=(
        PlannedItem(7, "story", t["item"], "audio", 6.0, True, 3),
        PlannedItem(9, "break", t["break"], "break", 5.0, True, 0)))
    video = TeacherItem(t["video"], "video", 3)
    quiz = TeacherItem(t["item"], "activity", 4)
    checkin = TeacherItem(t["checkin"], "checkin", 5)
    calm = TeacherItem(t["calm"], "break", 6)
    closing = TeacherItem(t["closing"], "closing", 7)

    def teacher(now: TeacherItem | None, nxt: TeacherItem | None, screen: Screen, **kw) -> TeacherView:
        base = dict(item_seconds_left=138.0, lesson_seconds_left=31 * 60.0, status=sample_status(), present=18,
                    expected=24)
        base.update(kw)
        return TeacherView(t["lesson"], language, now, nxt, 7, screen, **base)

    low_battery = StatusBar(battery_percent=31, battery_minutes=38, charging=False, attendance=18,
                            devices=(DeviceStatus("clickers", True),))
    waiting = AnswerList(answered=names[:9], waiting=names[9:], more_answered=3)
    # A class of 40 answering by card: every child in the grid, 26 read so far, and a card that is nobody's.
    class40 = tuple(name if i < len(names) else f"{name} {i // len(names) + 1}"
                    for i, name in ((i, names[i % len(names)]) for i in range(40)))
    cards = AnswerList(answered=class40[::3] + class40[1::3], waiting=class40[2::3], grid=True, unknown_cards=(57,))
    return {
        "teacher_video": teacher(video, quiz, Screen.VIDEO, status=low_battery, power_advice=advice, notices=(
            "This audio could not be played.", "Little disk space left: free some after the lesson",
            "Battery low"), notice_detail=t["audio"]),
        "teacher_question": teacher(quiz, checkin, Screen.QUESTION, item_seconds_left=25.0, answers=waiting),
        "teacher_many_waiting": teacher(quiz, checkin, Screen.QUESTION, item_seconds_left=25.0, answers=AnswerList(
            answered=(), waiting=names + tuple(f"#{n}" for n in range(1201, 1213)), more_waiting=14)),
        "teacher_cards": teacher(quiz, checkin, Screen.QUESTION, item_seconds_left=None, answers=cards, present=40,
                                 expected=40),
        "teacher_everyone": teacher(quiz, checkin, Screen.QUESTION, item_seconds_left=12.0,
                                    answers=AnswerList(answered=names, waiting=())),
        "teacher_calm": teacher(checkin, calm, Screen.CHECKIN_RESULTS, item_seconds_left=None,
                                calm=CalmNote(answers=17, low=6, offered=True, calm_title=t["calm"]),
                                answers=AnswerList(answered=names[:17], waiting=names[17:])),
        "teacher_calm_few": teacher(checkin, calm, Screen.CHECKIN_RESULTS, item_seconds_left=None,
                                    calm=CalmNote(answers=4, low=None, offered=False), present=4, expected=None),
        "teacher_pin": teacher(video, quiz, Screen.VIDEO, pin=PinPrompt(3, wrong=True, tries_left=2)),
        "teacher_paused_locked": teacher(video, quiz, Screen.VIDEO, paused=True, keyboard_locked=True,
                                         training_pin=True, status=StatusBar(battery_percent=88, charging=True)),
        "teacher_picker": teacher(TeacherItem(t["item"], "attendance", 2), video, Screen.ATTENDANCE,
                                  picker=sample_picker(language)),
        "teacher_picker_none": teacher(TeacherItem(t["item"], "attendance", 2), video, Screen.ATTENDANCE,
                                       picker=no_match_picker(language)),
        "teacher_last": teacher(closing, None, Screen.CLOSING, item_seconds_left=None, lesson_seconds_left=None,
                                status=StatusBar()),
        "teacher_before": teacher(None, video, Screen.TITLE, item_seconds_left=None, status=StatusBar(),
                                  present=0, expected=24),
    }


def no_match_picker(language: str) -> "MarkPicker":
    """Letters typed that match nobody."""
    from cinema.core.view import MarkPicker

    return MarkPicker("Zq" if language != "ar" else "ظق", (), -1)
