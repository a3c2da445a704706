"""The pygame display: draws every screen of a View, with right-to-left text and translations."""

from cinema.display.layout import Box, Layout, Metrics
from cinema.display.renderer import Renderer
from cinema.display.window import open_window

__all__ = ["Box", "Layout", "Metrics", "Renderer", "open_window"]
