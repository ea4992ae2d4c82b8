"""The websocket protocol, server side (live/protocol.py): what every frame looks like."""

import json

import pytest

from live import protocol


def test_a_message_is_an_envelope_line_then_html():
    text = protocol.diff(8, 7, '<article id="queue-1">x</article>')
    head, html = text.split("\n", 1)
    assert json.loads(head) == {"v": 1, "kind": "diff", "version": 8, "base": 7}
    assert html == '<article id="queue-1">x</article>'


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
