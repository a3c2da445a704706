"""Every string the kiosk can show has a translation, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import cinema
from cinema.locale import ENGINE_MESSAGES, available_languages, is_rtl, translator
from cinema.locale.catalog import po_path
from cinema.locale.extract import scan_package, scan_source

PACKAGE = Path(cinema.__file__).resolve().parent
MUST_BE_COMPLETE = ("ar", "uk")  # the languages of the children the kiosk serves first
UI_LANGUAGES = ("ar", "uk", "fr", "pt", "es")  # screens and engine messages: every language


def catalog(lang: str):
    with po_path(lang).open("rb") as fh:
        return read_po(fh)


def translated(message) -> bool:
    if message.fuzzy or not message.string:
        return False
    if isinstance(message.id, (tuple, list)):
        return all(message.string)
    return True


def ui_message_ids() -> set:
    """Message ids used by the display and the engine (not the config checker's)."""
    ids = set()
    for msgid, where in scan_package(PACKAGE).items():
        if any(not f.startswith("cinema/config/") for f, _ in where):
            ids.add(msgid)
    return ids


@pytest.mark.parametrize("lang", MUST_BE_COMPLETE)
def test_every_message_in_the_code_is_translated(lang):
    cat = catalog(lang)
    missing = []
    for msgid, where in sorted(scan_package(PACKAGE).items(), key=str):
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = cat.get(msgid if not isinstance(msgid, tuple) else msgid[0])
        if message is None or not translated(message):
            missing.append(f"{where[0][0]}:{where[0][1]}: {key!r}")
    assert not missing, (
        f"{len(missing)} message(s) have no {lang} translation; run `python -m cinema.locale.extract` "
        f"and add them to {po_path(lang)}:\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_every_screen_and_engine_message_is_translated(lang):
    cat = catalog(lang)
    missing = [m for m in ui_message_ids()
               if (msg := cat.get(m[0] if isinstance(m, tuple) else m)) is None or not translated(msg)]
    assert not missing, f"untranslated in {lang}: {missing}"


def test_engine_messages_are_in_the_scan():
    ids = scan_package(PACKAGE)
    assert set(ENGINE_MESSAGES) <= set(ids)
    assert "This video could not be played." in ENGINE_MESSAGES
    assert len(ENGINE_MESSAGES) == len(set(ENGINE_MESSAGES))


_PERCENT = re.compile(r"%\((\w+)\)[sdif0-9]*|%[sd]")
_BRACES = re.compile(r"\{(\w+)(?:![rs])?(?::[^}]*)?\}")
_CODE = re.compile(r"`[^`]*`")


def placeholders(text: str) -> tuple:
    return (sorted(_PERCENT.findall(text)), sorted(_BRACES.findall(text)), sorted(_CODE.findall(text)))


@pytest.mark.parametrize("lang", ("ar", "uk", "fr", "pt", "es"))
def test_translations_keep_placeholders_and_code(lang):
    """A translation that drops %(n)d or {file} would crash or lie; `key: value` is what the
    teacher types, so it stays as written."""
    wrong = []
    for message in catalog(lang):
        if not message.id or not message.string:
            continue
        if isinstance(message.id, (tuple, list)):
            source = placeholders(message.id[1])
            for form in message.string:
                # a form may leave the number out ("إجابتان" = two answers), never add one
                got = placeholders(form)
                if form and (not set(got[0]) <= set(source[0]) or not set(got[1]) <= set(source[1])
                             or got[2] != source[2]):
                    wrong.append((message.id, form))
        elif placeholders(message.string) != placeholders(message.id):
            wrong.append((message.id, message.string))
    assert not wrong, wrong


def test_translator_translates_and_falls_back():
    assert translator("ar").gettext("Paused") == "متوقّف مؤقتًا"
    assert translator("uk_UA.UTF-8").gettext("Wrong PIN") == "Неправильний PIN-код"
    assert translator("en").gettext("Paused") == "Paused"
    assert translator("zz").gettext("Paused") == "Paused"  # no catalog: English, no crash
    assert translator("ar").gettext("not a message id") == "not a message id"
    assert translator("ar") is translator("ar")  # parsed once


@pytest.mark.parametrize("lang,n,expected", [
    ("ar", 1, "إجابة واحدة"), ("ar", 2, "إجابتان"), ("ar", 5, "5 إجابات"), ("ar", 11, "11 إجابة"),
    ("uk", 1, "1 відповідь"), ("uk", 3, "3 відповіді"), ("uk", 11, "11 відповідей"), ("uk", 21, "21 відповідь"),
    ("fr", 0, "0 réponse"), ("fr", 2, "2 réponses"), ("es", 1, "1 respuesta"), ("en", 7, "7 answers"),
])
def test_plurals_follow_each_language(lang, n, expected):
    text = translator(lang).ngettext("%(n)d answer", "%(n)d answers", n) % {"n": n}
    assert text == expected


def test_languages_and_direction():
    assert set(available_languages()) >= {"en", "ar", "uk", "fr", "pt", "es"}
    assert available_languages()[0] == "en"
    assert is_rtl("ar") and is_rtl("ar_SY") and is_rtl("fa-IR")
    assert not is_rtl("uk") and not is_rtl("en") and not is_rtl("")


def test_scanner_finds_marked_strings_only():
    source = '''
_("one")
N_("two")
self._("three")
c.ngettext("%(n)d cat", "%(n)d cats", n)
t.gettext("four")
print("not marked")
_(variable)
'''
    found = [m for m, _line in scan_source(source)]
    assert found == ["one", "two", "three", ("%(n)d cat", "%(n)d cats"), "four"]
