"""Re-exports the one port seam, which moved to `cinema.devices.ports` (scanners and batteries use it too)."""

from cinema.devices.ports import (
    FAKE_SCHEME, READ_TIMEOUT, WRITE_TIMEOUT, FakePort, FakeReceiver, Port, PortFactory, PortRegistry,
    UnregisteredFakePort, cancel_read, check_url, fake_port, open_port, register_fake, system_ports, unregister_fake,
)

__all__ = [
    "FAKE_SCHEME", "READ_TIMEOUT", "WRITE_TIMEOUT", "FakePort", "FakeReceiver", "Port", "PortFactory", "PortRegistry",
    "UnregisteredFakePort", "cancel_read", "check_url", "fake_port", "open_port", "register_fake", "system_ports",
    "unregister_fake",
]
