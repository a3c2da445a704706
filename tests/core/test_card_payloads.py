"""Whatever a QR code or a scanner line says, a scan is accepted or refused, never an exception in the main loop."""

import pytest

from cinema.core.events import CardScanned, Record
from cinema.core.records import parse
from tests.core.test_noise import engine
from tests.reports.engine_lessons import card


@pytest.mark.parametrize("payload", [
    card("L1")[:-1] + "É",  # one letter of the check turned non-ASCII (the code before raised TypeError)
    card("L1").rsplit(".", 1)[0] + ".ＡＢＣＤＥＦＧＨ",  # full-width letters, as some phone keyboards type
])
def test_a_card_with_letters_we_never_print_is_refused_not_raised(payload):
    eng, clock, journal = engine()
    clock.advance(1.0)
    effects = eng.handle(CardScanned(payload, "camera"))
    [refused] = [parse(e.kind, e.payload) for e in effects if isinstance(e, Record)]
    assert refused.reason == "Card not recognised" and not eng.attendance
