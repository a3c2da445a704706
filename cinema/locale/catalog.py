"""Translations read from the `.po` catalogs beside this module (no compiled `.mo` needed)."""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

from cinema.locale.languages import base_language

DOMAIN = "cinema"
SOURCE_LANGUAGE = "en"


def catalog_dir() -> Path:
    return Path(__file__).resolve().parent


def po_path(lang: str) -> Path:
    return catalog_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages() -> tuple[str, ...]:
    """Languages that have a catalog, the source language first."""
    found = sorted(p.parent.parent.name for p in catalog_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return tuple(sorted(set(found) | {SOURCE_LANGUAGE}, key=lambda c: (c != SOURCE_LANGUAGE, c)))


class PoTranslations(gettext.NullTranslations):
    """A gettext translation built from a parsed `.po` file.

    Untranslated and fuzzy entries fall back to the English source, like GNU gettext does,
    so a half-translated catalog still shows every screen.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        with path.open("rb") as fh:
            catalog = read_po(fh, abort_invalid=False)
        self.language = str(catalog.locale) if catalog.locale else path.parent.parent.name
        self._singular: dict[str, str] = {}
        self._plural: dict[str, tuple[str, ...]] = {}
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.id, (tuple, list)):
                forms = tuple(message.string or ())
                if forms and all(forms):
                    self._plural[message.id[0]] = forms
            elif message.string:
                self._singular[message.id] = message.string
        self._plural_index = gettext.c2py(catalog.plural_expr or "(n != 1)")

    def gettext(self, message: str) -> str:
        return self._singular.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        forms = self._plural.get(msgid1)
        if not forms:
            return msgid1 if n == 1 else msgid2
        index = self._plural_index(n)
        return forms[index] if index < len(forms) else forms[-1]

    def has(self, message: str) -> bool:
        """True when the catalog holds a real translation of `message` (singular or plural)."""
        return message in self._singular or message in self._plural


@lru_cache(maxsize=16)
def translator(lang: str) -> gettext.NullTranslations:
    """The translation for `lang` (cached); English source strings when there is no catalog."""
    code = base_language(lang or SOURCE_LANGUAGE)
    path = po_path(code)
    if code == SOURCE_LANGUAGE or not path.is_file():
        return gettext.NullTranslations()
    return PoTranslations(path)
