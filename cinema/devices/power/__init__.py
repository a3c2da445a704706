"""Battery sources: the laptop (psutil), a UPS (NUT), a Victron monitor (VE.Direct), a simulator."""

from cinema.devices.power.laptop import LaptopSource, laptop_has_battery
from cinema.devices.power.monitor import READ_EVERY, PowerMonitor
from cinema.devices.power.nut import NutClient, NutError, NutSource, UpsAddress, find_ups, parse_address
from cinema.devices.power.reading import BatteryReading, PowerSource, Presence
from cinema.devices.power.simulated import SimulatedBattery, SimulatedSource, bmv_block
from cinema.devices.power.sources import SOURCES, VEDIRECT_CABLE, NoPowerSource, PowerSettingsError, open_power_source
from cinema.devices.power.vedirect import TextBlock, VeDirectParser, encode_block, encode_hex, reading_from_fields
from cinema.devices.power.vedirect_source import VeDirectSource
from cinema.devices.usb_ids import is_victron_cable

__all__ = [
    "READ_EVERY", "SOURCES", "VEDIRECT_CABLE", "BatteryReading", "LaptopSource", "NoPowerSource", "NutClient", "NutError", "NutSource",
    "PowerMonitor", "PowerSettingsError", "PowerSource", "Presence", "SimulatedBattery", "SimulatedSource",
    "TextBlock", "UpsAddress", "VeDirectParser", "VeDirectSource", "bmv_block", "encode_block", "encode_hex",
    "find_ups", "is_victron_cable", "laptop_has_battery", "open_power_source", "parse_address", "reading_from_fields",
]
