"""Fixtures for end-to-end runs of the kiosk."""

from tests.app.kiosk_project import project  # noqa: F401  (a fixture)
