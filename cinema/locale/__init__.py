"""Translations: gettext catalogs for every language the kiosk speaks, and text direction."""

from cinema.locale.catalog import available_languages, translator
from cinema.locale.languages import base_language, is_rtl
from cinema.locale.messages import ENGINE_MESSAGES, N_

__all__ = ["ENGINE_MESSAGES", "N_", "available_languages", "base_language", "is_rtl", "translator"]
