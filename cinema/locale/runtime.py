"""The language of the command line's own messages (content problems, cards): chosen once at start.

Modules mark their messages with `from cinema.locale.runtime import gettext as _`; the `cinema`
command picks the language from CINEMA_LANGUAGE or the usual LANGUAGE / LC_ALL / LANG variables.
"""

from __future__ import annotations

import os

from cinema.locale.catalog import available_languages, translator
from cinema.locale.languages import base_language

_chosen: list = []  # the one translator in use; empty means English source strings


def set_language(lang: str | None) -> str:
    """Use `lang` (a code such as "ar" or "uk_UA.UTF-8") for messages; English when unknown."""
    _chosen.clear()
    code = base_language(lang or "en")
    if code in available_languages() and code != "en":
        _chosen.append(translator(code))
        return code
    return "en"


def language_from_environment(environ=os.environ) -> str | None:
    for name in ("CINEMA_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return value.split(":")[0]
    return None


def gettext(message: str) -> str:
    return _chosen[0].gettext(message) if _chosen else message


def ngettext(singular: str, plural: str, n: int) -> str:
    if _chosen:
        return _chosen[0].ngettext(singular, plural, n)
    return singular if n == 1 else plural
