"""The websocket protocol, server side (live/protocol.py): what every frame looks like."""

import json
import time

import pytest

from live import protocol


def test_a_message_is_an_envelope_line_then_html():
    text = protocol.diff(8, 7, '<article id="queue-1">x</article>')
    head, html = text.split("\n", 1)
    envelope = json.loads(head)
    assert envelope == {"v": 1, "kind": "diff", "version": 8, "base": 7, "now": envelope["now"]}
    assert html == '<article id="queue-1">x</article>'


def test_every_message_carries_the_servers_clock_when_it_is_encoded_in_ms():
    before = time.time()
    messages = [protocol.decode(text) for text in every_kind()]
    after = time.time()
    for message in messages:
        assert message.now is not None
        assert round(before, 3) <= message.now <= round(after, 3), message.kind
        assert message.now == round(message.now, 3)
        assert "now" not in message.fields  # the clock is no field of the kind


def test_the_clock_message_is_the_servers_clock_alone():
    message = protocol.decode(protocol.clock())
    assert (message.kind, message.fields, message.html) == (protocol.Kind.CLOCK, {}, "")
    assert message.now == pytest.approx(time.time(), abs=1)


def test_a_message_without_the_clock_still_reads_back():
    message = protocol.decode('{"v": 1, "kind": "full", "version": 2}\n<div></div>')
    assert (message.version, message.now) == (2, None)


def every_kind() -> list[str]:
    return [
        protocol.hello("abc", 10_000),
        protocol.full(3, "<div id='board-body'></div>"),
        protocol.diff(4, 3, "<div id='x'></div>"),
        protocol.status(3, "<div id='freshness'></div>"),
        protocol.rotate("<h1 id='board-title'>U</h1>"),
        protocol.reload(10),
        protocol.unlinked("<div></div>"),
        protocol.clock(),
    ]


@pytest.mark.parametrize(
    ("text", "kind", "fields"),
    [
        (
            protocol.hello("abc", 10_000, "<h1 id='board-title'>T</h1>"),
            "hello",
            {"build": "abc", "spread_ms": 10_000},
        ),
        (protocol.full(3, "<div id='board-body'></div>"), "full", {"version": 3}),
        (protocol.status(3, "<div id='freshness'></div>"), "status", {"version": 3}),
        (protocol.rotate("<h1 id='board-title'>U</h1>"), "rotate", {}),
        (protocol.reload(1500.7), "reload", {"delay_ms": 1500}),
        (protocol.unlinked("<div></div>"), "unlinked", {}),
        (protocol.clock(), "clock", {}),
    ],
)
def test_every_kind_reads_back_as_written(text, kind, fields):
    message = protocol.decode(text)
    assert (message.kind, message.fields) == (protocol.Kind(kind), fields)


def test_html_may_hold_newlines_and_braces_of_its_own():
    html = '<p>{"v": 1}</p>\n<p>second line</p>'
    assert protocol.decode(protocol.full(1, html)).html == html


def test_a_reload_never_waits_a_negative_time():
    assert protocol.decode(protocol.reload(-5)).fields == {"delay_ms": 0}


@pytest.mark.parametrize(
    "text", ["<div id='wb-version'></div>", '{"v": 2, "kind": "full"}\n', "[]\n"]
)
def test_anything_else_is_refused(text):
    with pytest.raises(ValueError):
        protocol.decode(text)


@pytest.mark.parametrize(
    ("text", "resync"),
    [('{"type": "resync"}', True), ('{"type": "other"}', False), ("resync", False), ("[]", False)],
)
def test_only_a_resync_request_asks_for_the_full_state(text, resync):
    assert protocol.is_resync(text) is resync
