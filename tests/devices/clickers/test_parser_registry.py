"""Parsers are chosen by protocol name, and each has what the port manager relies on."""

import pytest

from cinema.devices.clickers.iskipper import ISkipperParser
from cinema.devices.clickers.lcp import LcpParser
from cinema.devices.clickers.protocol import NEED_DATA, ParserStats
from cinema.devices.clickers.registry import PARSERS, make_parser


@pytest.mark.parametrize(("name", "cls", "init"), [("lcp", LcpParser, b""), ("iskipper", ISkipperParser, b"I\0C\0"),
                                                   (" LCP ", LcpParser, b"")])
def test_make_parser_by_name(name, cls, init):
    parser = make_parser(name)
    assert type(parser) is cls
    assert parser.init_bytes == init and parser.baudrate == 115200
    assert parser.next_event() is NEED_DATA
    assert parser.data_to_send() == b""
    assert parser.stats == ParserStats()


def test_each_call_gives_a_fresh_parser():
    a, b = make_parser("lcp"), make_parser("lcp")
    a.feed(b"junk")
    list(a.events())
    assert b.stats.junk_bytes == 0


def test_options_reach_the_parser():
    assert make_parser("lcp", max_buffer=1024).max_buffer == 1024


def test_unknown_protocol_names_the_known_ones():
    with pytest.raises(ValueError, match=r"did you mean 'iskipper'.*known: iskipper, lcp"):
        make_parser("iskiper")
    assert sorted(PARSERS) == ["iskipper", "lcp"]
