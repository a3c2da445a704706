"""QR cards: camera frames and image files decoded with zxing-cpp, keyboard-wedge and serial scanners."""

from cinema.devices.cards.answer_card import answer_for
from cinema.devices.cards.camera import CameraScanner, Preview
from cinema.devices.cards.decode import Found, UnreadableImage, decode_file, decode_frame
from cinema.devices.cards.scan_cli import scan_main
from cinema.devices.cards.serial_scanner import ScanLines, SerialScanner
from cinema.devices.cards.sources import FakeCamera, open_camera, register_fake_camera
from cinema.devices.cards.wedge import Keys, WedgeDetector

__all__ = [
    "CameraScanner", "FakeCamera", "Found", "Keys", "Preview", "ScanLines", "SerialScanner", "UnreadableImage",
    "WedgeDetector", "answer_for", "decode_file", "decode_frame", "open_camera", "register_fake_camera",
    "scan_main",
]
