"""The old name of `cinema.atomic.write_bytes`, for callers not moved yet (cards/pdf.py, cards/keys.py, reports/html.py)."""

from cinema.atomic import write_bytes as write_atomic

__all__ = ["write_atomic"]
