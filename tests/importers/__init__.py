"""Tests of `cinema import` and `cinema pack`: sources are built by conftest.py (ffmpeg, reportlab, Pillow)."""
