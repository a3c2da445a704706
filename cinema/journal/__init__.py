"""The session journal: durable records, resume state, export."""

from cinema.journal.store import Journal, JournalError, StoredRecord

__all__ = ["Journal", "JournalError", "StoredRecord"]
