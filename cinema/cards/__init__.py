"""Children's QR cards: the roster CSV, the programme's card keys, and the printable PDF."""

from .command import cards_main
from .keys import current_key, load_keys, new_key_file, read_key_file, rotate_keys
from .pdf import make_cards_pdf
from .roster_csv import load_roster_csv
from .symbols import Symbol, symbol_for, symbols_for

__all__ = [
    "Symbol", "cards_main", "current_key", "load_keys", "load_roster_csv", "make_cards_pdf", "new_key_file",
    "read_key_file", "rotate_keys", "symbol_for", "symbols_for",
]
