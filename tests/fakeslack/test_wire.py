"""Reading requests: tokens, content types, argument sources."""

from __future__ import annotations

from bot.fakeslack.wire import bearer_token, parse_request


def test_bearer_token() -> None:
    assert bearer_token("Bearer xoxb-1") == "xoxb-1"
    assert bearer_token("bearer  xoxb-1 ") == "xoxb-1"
    assert bearer_token("Basic abc") is None
    assert bearer_token("Bearer ") is None
    assert bearer_token(None) is None


def test_body_arguments_override_the_query_string() -> None:
    parsed = parse_request("channel=C1&limit=5", "application/x-www-form-urlencoded", b"channel=C2")

    assert parsed.args == {"channel": "C2", "limit": "5"}
    assert not parsed.json_body and parsed.error is None


def test_json_body_keeps_types() -> None:
    parsed = parse_request("", "application/json; charset=utf-8", b'{"blocks": [], "n": 1}')

    assert parsed.args == {"blocks": [], "n": 1}
    assert parsed.json_body


def test_unreadable_bodies() -> None:
    assert parse_request("", "application/json", b"[1]").error == "json_not_object"
    assert parse_request("", "application/json", b"{").error == "invalid_json"
    assert parse_request("", "text/xml", b"<a/>").error == "invalid_post_type"
    assert (
        parse_request("", "application/x-www-form-urlencoded", b"\xff").error == "invalid_charset"
    )


def test_empty_body_reads_the_query_only() -> None:
    assert parse_request("user=U1", None, b"").args == {"user": "U1"}
