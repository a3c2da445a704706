"""Language codes: normalising a code and knowing which languages are written right to left."""

from __future__ import annotations

# Languages written right to left that a shelter kiosk may meet (Arabic, Persian, Urdu,
# Pashto, Sorani Kurdish, Hebrew, Yiddish, Dhivehi).
_RTL = frozenset({"ar", "fa", "ur", "ps", "ckb", "he", "yi", "dv"})


def base_language(lang: str) -> str:
    """`ar_SY.UTF-8`, `ar-SY` and `AR` all mean `ar`."""
    return lang.split(".")[0].replace("-", "_").split("_")[0].lower()


def is_rtl(lang: str) -> bool:
    """True when `lang` is written right to left."""
    return base_language(lang) in _RTL
