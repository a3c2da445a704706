"""How phones join, on the projector: the Wi-Fi and page QR codes scan (read back with zxing-cpp from the
drawn screen, at 800x600 too), the session code is big and as typed, the steps read from the right in
Arabic, a corner strip on questions and check-ins, nothing over a video."""

from __future__ import annotations

import dataclasses

import numpy as np
import pygame
import pytest
import zxingcpp

from cinema.core.view import JoinInfo, Screen
from cinema.display import join_panel
from cinema.display.renderer import Renderer
from cinema.display.samples import sample_frame
from cinema.hub.wifi import wifi_qr_payload
from cinema.locale import translator
from tests.display.test_screens import FIXED_NOW, assert_layout_facts

URL = "http://10.42.0.1:8080/?c=K7P2"
WIFI = wifi_qr_payload("Classroom-7", "sunflower42")
JOIN = JoinInfo(URL, "K7P2", WIFI, "Classroom-7", 3)
SIZES = [(800, 600), (1024, 768), (1920, 1080)]
PANEL_SCREENS = ["title", "attendance", "library"]
CORNER_SCREENS = ["question", "checkin"]


def decoded(surface: pygame.Surface) -> list[str]:
    """The QR codes a phone's camera would read in the picture (zxing-cpp, as the card reader uses)."""
    rgb = pygame.surfarray.array3d(surface).transpose(1, 0, 2)
    gray = np.ascontiguousarray(rgb.mean(axis=2).astype(np.uint8))
    return sorted(b.text for b in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode))


def render(renderers, view, size, frame=None):
    surface = pygame.Surface(size)
    layout = renderers(size).draw(surface, view, frame=frame, now=FIXED_NOW)
    return layout, surface


def joined(views, lang, name, join=JOIN):
    return dataclasses.replace(views[lang][name], join=join)


# ---- the Wi-Fi code's text ----------------------------------------------------------------------


@pytest.mark.parametrize("name, password, security, expected", [
    ("Classroom-7", "sunflower42", "WPA", "WIFI:T:WPA;S:Classroom-7;P:sunflower42;;"),
    ('a;b,c:d"e\\f', 'p;w:d,"\\', "WPA", 'WIFI:T:WPA;S:a\\;b\\,c\\:d\\"e\\\\f;P:p\\;w\\:d\\,\\"\\\\;;'),
    ("Open room", "", "WPA", "WIFI:T:nopass;S:Open room;;"),
    ("Open room", "ignored", "nopass", "WIFI:T:nopass;S:Open room;;"),
    ("Old router", "12345", "WEP", "WIFI:T:WEP;S:Old router;P:12345;;"),
    ("Room", "password1", "WPA3-something", "WIFI:T:WPA;S:Room;P:password1;;"),
    ("", "password1", "WPA", ""),
])
def test_the_wifi_code_text_escapes_what_the_format_reserves(name, password, security, expected):
    assert wifi_qr_payload(name, password, security) == expected


# ---- the full panel: it scans, from every size, in both directions ------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("name", PANEL_SCREENS)
def test_the_panel_codes_scan_and_the_screen_still_lays_out_cleanly(renderers, views, name, lang, size):
    view = joined(views, lang, name)
    frame = sample_frame() if name == "attendance" else None  # the webcam's picture beside the panel
    layout, surface = render(renderers, view, size, frame)
    assert decoded(surface) == sorted([WIFI, URL])
    assert_layout_facts(view, layout, size)
    code = layout.get("join.code")
    assert code.text == "K7P2" and not code.cut
    # big: typed by a child from across the room, the biggest words of the panel
    assert code.size >= renderers(size).metrics.body
    assert code.size > max(b.size for b in layout.starting("join.") if b.kind == "text" and b is not code)
    assert layout.get("join.phones").text == translator(lang).ngettext("%(n)d phone", "%(n)d phones", 3) % {"n": 3}
    for caption, text in (("join.wifi.caption", "Classroom-7"), ("join.page.caption", "10.42.0.1:8080")):
        assert layout.get(caption).text == text and not layout.get(caption).cut
    # first the Wi-Fi, then the page: in reading order, so on the right in Arabic
    wifi, page = layout.get("join.wifi.qr").rect, layout.get("join.page.qr").rect
    first_is_left = wifi.centerx < page.centerx if wifi.top == page.top else True
    assert first_is_left == (lang == "en")
    assert layout.get("join.wifi.step").text == "1" and layout.get("join.page.step").text == "2"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", CORNER_SCREENS)
def test_questions_and_checkins_keep_a_small_page_code_in_the_corner(renderers, views, name, size):
    for lang in ("en", "ar"):
        view = joined(views, lang, name)
        layout, surface = render(renderers, view, size)
        assert decoded(surface) == [URL]  # the page only: latecomers are on the Wi-Fi or ask
        assert_layout_facts(view, layout, size)
        assert layout.get("join.corner.code").text == "K7P2"
        qr = layout.get("join.corner.qr").rect
        # at the end corner (bottom right; bottom left in Arabic), clear of the answered count
        assert qr.bottom >= renderers(size).metrics.content_rect.bottom - 2
        assert (qr.centerx > size[0] // 2) == (lang == "en")
        assert not qr.colliderect(layout.get("answered").rect)
        assert not [b for b in layout.starting("join.") if b.name.startswith(("join.wifi", "join.phones"))]


def test_nothing_is_drawn_over_a_video_or_on_other_screens(renderers, views):
    for name in ("video", "slides", "results", "closing", "break"):
        layout, surface = render(renderers, joined(views, "en", name), (800, 600),
                                 sample_frame() if name == "video" else None)
        assert not layout.starting("join."), name
        assert decoded(surface) == [], name


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", PANEL_SCREENS)
def test_a_long_address_is_always_written_whole_for_a_phone_without_a_camera(renderers, views, name, size):
    join = JoinInfo("http://192.168.100.200:8080/?c=K7P2", "K7P2", WIFI, "Classroom-7", 3)
    for lang in ("en", "ar"):
        view = joined(views, lang, name, join)
        layout, surface = render(renderers, view, size)
        address = layout.get("join.page.caption")
        assert address.text == "192.168.100.200:8080" and not address.cut
        assert_layout_facts(view, layout, size)
        assert decoded(surface) == sorted([WIFI, join.url])
    if size == (1920, 1080):  # room for the network's name too
        assert layout.get("join.wifi.caption").text == "Classroom-7"


def test_without_a_wifi_name_only_the_page_code_shows_without_step_numbers(renderers, views):
    join = JoinInfo(URL, "K7P2", phones=0)
    layout, surface = render(renderers, joined(views, "en", "title", join), (800, 600))
    assert decoded(surface) == [URL]
    assert not layout.starting("join.wifi") and "join.page.step" not in layout.names()
    assert layout.get("join.phones").text == "0 phones"


@pytest.mark.parametrize("size", [(800, 600), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_long_network_name_and_password_with_every_reserved_character_still_scans(renderers, views, size):
    payload = wifi_qr_payload('Ecole "Les Lilas"; salle 7, étage: 2 \\ B', "x;y:z,\"w\\" + "p" * 54)
    join = dataclasses.replace(JOIN, wifi_qr=payload, wifi_name='Ecole "Les Lilas"; salle 7, étage: 2 \\ B')
    for name in PANEL_SCREENS:
        layout, surface = render(renderers, joined(views, "ar", name, join), size)
        assert decoded(surface) == sorted([payload, URL]), name


def test_the_session_code_stays_in_latin_digits_where_the_screen_uses_the_language_own(views):
    renderer = Renderer((1024, 768), strict=True, digits="native")
    surface = pygame.Surface((1024, 768))
    layout = renderer.draw(surface, joined(views, "ar", "title", dataclasses.replace(JOIN, code="K7P2", phones=12)),
                           now=FIXED_NOW)
    assert layout.get("join.code").text == "K7P2"
    assert layout.get("join.page.caption").text == "10.42.0.1:8080"
    assert "12" not in layout.get("join.phones").text  # the count is a number for people: in Arabic-Indic digits
    assert decoded(surface) == sorted([WIFI, URL])


def test_a_text_too_long_for_any_qr_code_leaves_that_code_out_and_the_screen_up(renderers, views):
    join = dataclasses.replace(JOIN, wifi_qr="WIFI:T:WPA;S:" + "x" * 3000 + ";;")
    for name in ("title", "question"):
        layout, surface = render(renderers, joined(views, "en", name, join), (800, 600))
        assert "join.wifi.qr" not in layout.names()
        assert decoded(surface) == [URL] and layout.get("join.code" if name == "title" else "join.corner.code")
    join = dataclasses.replace(JOIN, url="http://10.42.0.1:8080/?c=" + "K" * 5000)
    for name in ("title", "checkin"):
        layout, surface = render(renderers, joined(views, "ar", name, join), (800, 600))
        assert "join.page.qr" not in layout.names() and "join.corner.qr" not in layout.names()
        assert_layout_facts(joined(views, "ar", name, join), layout, (800, 600))


# ---- crisp and made once ------------------------------------------------------------------------


def test_codes_are_crisp_whole_pixel_modules_with_the_quiet_zone():
    for module in (2, 3, 7):
        picture = join_panel.qr_surface(URL, module)
        n = len(join_panel.qr_matrix(URL))
        assert picture.get_size() == ((n + 8) * module,) * 2
        pixels = pygame.surfarray.array3d(picture)
        assert {tuple(p) for p in pixels.reshape(-1, 3)} == {(0, 0, 0), (255, 255, 255)}  # no grey edges
        assert (pixels[:4 * module, :, :] == 255).all() and (pixels[:, -4 * module:, :] == 255).all()
        blocks = pixels[::module, ::module, 0]
        for dy in range(module):
            for dx in range(module):
                assert (pixels[dx::module, dy::module, 0] == blocks).all()  # every module one colour


def test_a_code_is_made_once_and_not_per_frame(renderers, views):
    join_panel.qr_surface.cache_clear()
    view = joined(views, "en", "title")
    renderer = Renderer((800, 600), strict=True)
    for second in range(5):
        renderer.draw(pygame.Surface((800, 600)), view, now=FIXED_NOW + second)
    info = join_panel.qr_surface.cache_info()
    assert info.misses == 2 and info.hits == 8  # the Wi-Fi and the page codes, made on the first frame only


def test_a_panel_too_small_for_a_readable_code_draws_none_rather_than_a_broken_one(renderers, views):
    surface = pygame.Surface((800, 600))
    canvas_layout = renderers((800, 600)).draw(surface, views["en"]["title"], now=FIXED_NOW)
    assert canvas_layout  # a plain title first, then a panel far too small by hand
    from cinema.display.canvas import Canvas
    from cinema.display.layout import Layout

    r = renderers((800, 600))
    c = Canvas(surface, r.metrics, r.theme, r.text, translator("en"), False, Layout(800, 600, False))
    assert join_panel.draw_qr(c, "tiny", URL, pygame.Rect(0, 0, 20, 20)) is None
    assert c.layout.names() == []


# ---- from the real main loop, with the hub serving ----------------------------------------------


def test_the_codes_scan_from_screenshots_of_the_real_kiosk_with_its_hub(tmp_path):
    """scripts/join_screenshots.py runs the kiosk (`cinema run --hub` in a window, the simulated class and
    its webcam) in a private Xvfb and saves the projector's picture on each screen with codes; each must
    scan to the very texts the hub serves, at 800x600, right to left."""
    import json
    import subprocess
    import sys

    from tests.app.kiosk_project import ROOT
    from tests.app.xvfb import xvfb_display

    out = tmp_path / "shots"
    with xvfb_display("800x600x24") as env:
        done = subprocess.run([sys.executable, "scripts/join_screenshots.py", str(out), "--sizes", "800x600",
                               "--languages", "ar", "--media", str(ROOT / "demo_media")],
                              capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    shown = json.loads((out / "join.json").read_text())
    names = {name.removeprefix("ar_800x600_join_").removesuffix(".png") for name in shown}
    assert names == {"home", "title", "attendance", "question", "checkin"}
    for name, texts in shown.items():
        picture = pygame.image.load(str(out / name))
        assert picture.get_size() == (800, 600)
        assert texts[-1].startswith("http://127.0.0.1:") and "?c=" in texts[-1]
        # what a phone's camera reads off the projector (the webcam's preview may show a child's card too)
        assert set(texts) <= set(decoded(picture)), name
        corner = name.endswith(("question.png", "checkin.png"))
        assert ("WIFI:T:WPA;S:Classroom-7;P:sunflower42;;" in texts) == (not corner), name
