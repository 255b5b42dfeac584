"""Reading a Web API request off the wire: token, content type and arguments (pure functions)."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MULTIPART = "multipart/form-data"


@dataclass(frozen=True, slots=True)
class ParsedRequest:
    """Arguments from the query string and body; `error` is Slack's code if unreadable."""

    args: dict[str, Any]
    json_body: bool = False
    error: str | None = None
    problems: list[str] = field(default_factory=list)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header, if any."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """The (client id, client secret) of an `Authorization: Basic …` header, if any: how
    `oauth.v2.access` is best called."""
    if not authorization:
        return None
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    return (client_id, secret) if colon and client_id else None


def media_type(content_type: str | None) -> str:
    """`application/json;charset=utf-8` -> `application/json`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def parse_request(query: str, content_type: str | None, body: bytes) -> ParsedRequest:
    """Arguments of a call: the query string, then the body (form, JSON or multipart) over it."""
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if not body:
        return ParsedRequest(args)
    kind = media_type(content_type)
    if kind == FORM:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return ParsedRequest(args, error="invalid_charset", problems=["body is not UTF-8"])
        args.update(parse_qsl(text, keep_blank_values=True))
        return ParsedRequest(args)
    if kind == JSON:
        try:
            decoded = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            return ParsedRequest(
                args, json_body=True, error="invalid_json", problems=[f"JSON body: {error}"]
            )
        if not isinstance(decoded, dict):
            return ParsedRequest(
                args,
                json_body=True,
                error="json_not_object",
                problems=["JSON body is not an object"],
            )
        args.update(decoded)
        return ParsedRequest(args, json_body=True)
    if kind == MULTIPART:
        return _parse_multipart(args, content_type or "", body)
    return ParsedRequest(
        args,
        error="invalid_post_type",
        problems=[f"Content-Type {kind or '(none)'} is not form, JSON or multipart"],
    )


def _parse_multipart(args: dict[str, Any], content_type: str, body: bytes) -> ParsedRequest:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return ParsedRequest(
            args, error="invalid_form_data", problems=["multipart body without parts"]
        )
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is not None:
            args[name] = data
        else:
            args[name] = data.decode("utf-8", errors="replace")
    return ParsedRequest(args)


def decode_json_object(body: bytes) -> dict[str, Any] | None:
    """A JSON object body (as posted to response URLs), or None if it is not one."""
    try:
        decoded = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return decoded if isinstance(decoded, dict) else None
