"""Clicker receivers: sans-IO protocol parsers (bytes in, presses out), HID keypads, simulators."""

from cinema.devices.clickers.hid import HidDevice, HidMapper
from cinema.devices.clickers.iskipper import ISkipperParser
from cinema.devices.clickers.lcp import LcpParser, encode_hello, encode_press
from cinema.devices.clickers.protocol import (
    CLOSED, NEED_DATA, Parser, ParserEvent, ParserStats, Ping, Press, ReceiverInfo, Signal, normalize_clicker,
)
from cinema.devices.clickers.registry import PARSERS, make_parser
from cinema.devices.clickers.simulator import (
    Chunk, Faults, HandsetSimulator, SimulatorRunner, handset_ids, press_stream,
)

__all__ = [
    "CLOSED", "NEED_DATA", "PARSERS", "Chunk", "Faults", "HandsetSimulator", "HidDevice", "HidMapper",
    "ISkipperParser", "LcpParser", "Parser", "ParserEvent", "ParserStats", "Ping", "Press", "ReceiverInfo",
    "Signal", "SimulatorRunner", "encode_hello", "encode_press", "handset_ids", "make_parser",
    "normalize_clicker", "press_stream",
]
