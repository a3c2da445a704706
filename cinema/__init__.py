"""Learning Cinema: an offline classroom projection kiosk."""

__version__ = "0.1.0"
