"""Load and validate kiosk configs, playlists and activities into frozen dataclasses."""

from .activities import load_activities, read_activities
from .check import check_all
from .kiosk import load_kiosk_config, project_root, read_kiosk_config
from .models import (
    ACTIVITY_KINDS, ITEM_TYPES, Activity, DevicesConfig, DisplayConfig, Item, KioskConfig, Option, Playlist,
    PowerConfig, Question,
)
from .playlists import load_playlist, read_playlist
from .problems import ConfigError, Problem, format_problems

__all__ = [
    "ACTIVITY_KINDS", "ITEM_TYPES", "Activity", "ConfigError", "DevicesConfig", "DisplayConfig", "Item",
    "KioskConfig", "Option", "Playlist", "PowerConfig", "Problem", "Question", "check_all", "format_problems",
    "load_activities", "load_kiosk_config", "load_playlist", "project_root", "read_activities",
    "read_kiosk_config", "read_playlist",
]
