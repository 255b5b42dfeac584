"""Checks of one Web API call against the method docs and Block Kit limits (pure functions).

`check_call` returns every rule the call breaks, each with the Slack error code that the
fake answers with; the first one decides the response, all of them are recorded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.fakeslack.blockkit import (
    VIEW_MAX_BYTES,
    BlockProblem,
    SlackFileRef,
    check_message_blocks,
    check_view,
    slack_files_in,
    view_size,
)
from bot.slackapi import ONE_OF_REQUIRED, MethodSpec, method_spec

# Arguments that form posts carry as JSON text (slack_sdk sends them as JSON values in JSON
# bodies); the error Slack gives when the text is not JSON.
JSON_ARGS = {
    "blocks": "invalid_blocks_format",
    "attachments": "invalid_attachments",
    "view": "invalid_arguments",
    "metadata": "invalid_metadata_format",
}
MESSAGE_TEXT_MAX = 40_000
MARKDOWN_TEXT_MAX = 12_000
ATTACHMENTS_MAX = 100
# Methods whose `text`/`blocks`/`attachments` make a message.
MESSAGE_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
        "chat.scheduleMessage",
        "chat.meMessage",
    }
)
MESSAGE_CONTENT = ("text", "blocks", "attachments", "markdown_text")
RESPONSE_URL_KEYS = frozenset(
    {
        "text",
        "blocks",
        "attachments",
        "response_type",
        "replace_original",
        "delete_original",
        "thread_ts",
        "mrkdwn",
        "unfurl_links",
        "unfurl_media",
        "metadata",
    }
)


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken rule: which method, which argument, what rule, and Slack's error code."""

    method: str
    argument: str | None
    rule: str
    error: str

    def __str__(self) -> str:
        where = f" argument `{self.argument}`" if self.argument else ""
        return f"{self.method}{where}: {self.rule}"

    @classmethod
    def from_block_problem(
        cls, method: str, argument: str, problem: BlockProblem, error: str
    ) -> Violation:
        return cls(method, argument, str(problem), error)


def decode_json_args(args: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A copy of `args` with JSON-in-form fields decoded, and the fields that were not JSON."""
    decoded = dict(args)
    broken: list[tuple[str, str]] = []
    for name in JSON_ARGS:
        value = decoded.get(name)
        if isinstance(value, str):
            if name == "attachments" and value == "":
                continue
            try:
                decoded[name] = json.loads(value)
            except json.JSONDecodeError as error:
                broken.append((name, f"is not valid JSON ({error.msg} at position {error.pos})"))
    return decoded, broken


def _present(value: object) -> bool:
    return value is not None and value != ""


def check_call(
    method: str, args: Mapping[str, Any], *, has_token: bool, json_body: bool
) -> list[Violation]:
    """Every rule the call breaks (empty when Slack would accept it)."""
    found: list[Violation] = []
    if not has_token:
        found.append(
            Violation(
                method,
                "token",
                "no token: send `Authorization: Bearer xox…` or a `token` argument",
                "not_authed",
            )
        )
    spec = method_spec(method)
    if spec is None:
        found.append(
            Violation(
                method, None, "unknown method (not in the current method docs)", "unknown_method"
            )
        )
        return found
    found += _check_arguments(spec, args, json_body=json_body)
    decoded, broken = decode_json_args(args)
    for name, rule in broken:
        found.append(Violation(method, name, rule, JSON_ARGS[name]))
    broken_names = {name for name, _ in broken}
    if method in MESSAGE_METHODS or "blocks" in decoded:
        found += check_message(method, decoded, skip=broken_names)
    if method in MESSAGE_METHODS and not any(_present(decoded.get(key)) for key in MESSAGE_CONTENT):
        rule = "a message needs `text`, `blocks`, `attachments` or `markdown_text`"
        found.append(Violation(method, "text", rule, "no_text"))
    if "view" in decoded and "view" not in broken_names:
        found += _check_view_arg(method, decoded["view"])
    return found


def _check_arguments(
    spec: MethodSpec, args: Mapping[str, Any], *, json_body: bool
) -> list[Violation]:
    found: list[Violation] = []
    method = spec.name
    if json_body and not spec.accepts_json_body:
        found.append(
            Violation(
                method,
                None,
                f"JSON bodies are not read for this {spec.http_method} method; send the arguments "
                "form-encoded or in the query string",
                "invalid_arguments",
            )
        )
    for name in sorted(spec.required - {"token"}):
        if not _present(args.get(name)):
            found.append(Violation(method, name, "missing required argument", "invalid_arguments"))
    for group in ONE_OF_REQUIRED.get(method, ()):
        if not any(_present(args.get(name)) for name in group):
            names = " or ".join(f"`{name}`" for name in group)
            found.append(Violation(method, group[0], f"needs {names}", "invalid_arguments"))
    for name in sorted(set(args) - spec.allowed_args):
        found.append(
            Violation(method, name, "unknown argument for this method", "invalid_arguments")
        )
    return found


def check_message(
    method: str, message: Mapping[str, Any], *, skip: frozenset[str] | set[str] = frozenset()
) -> list[Violation]:
    """Text, markdown, attachment and block limits of one message (args already decoded)."""
    found: list[Violation] = []
    text = message.get("text")
    if isinstance(text, str) and len(text) > MESSAGE_TEXT_MAX:
        found.append(
            Violation(
                method,
                "text",
                f"must be at most {MESSAGE_TEXT_MAX} characters (got {len(text)})",
                "msg_too_long",
            )
        )
    markdown = message.get("markdown_text")
    if isinstance(markdown, str):
        if len(markdown) > MARKDOWN_TEXT_MAX:
            found.append(
                Violation(
                    method,
                    "markdown_text",
                    f"must be at most {MARKDOWN_TEXT_MAX} characters (got {len(markdown)})",
                    "msg_too_long",
                )
            )
        if _present(text) or _present(message.get("blocks")):
            found.append(
                Violation(
                    method,
                    "markdown_text",
                    "cannot be used together with `text` or `blocks`",
                    "markdown_text_conflict",
                )
            )
    blocks = message.get("blocks")
    if blocks is not None and "blocks" not in skip:
        for problem in check_message_blocks(blocks):
            found.append(Violation.from_block_problem(method, "blocks", problem, "invalid_blocks"))
    attachments = message.get("attachments")
    if attachments is not None and "attachments" not in skip:
        found += _check_attachments(method, attachments)
    return found


def _check_attachments(method: str, attachments: object) -> list[Violation]:
    if not isinstance(attachments, list):
        return [Violation(method, "attachments", "must be a JSON array", "invalid_attachments")]
    found: list[Violation] = []
    if len(attachments) > ATTACHMENTS_MAX:
        found.append(
            Violation(
                method,
                "attachments",
                f"at most {ATTACHMENTS_MAX} attachments per message (got {len(attachments)})",
                "too_many_attachments",
            )
        )
    for index, attachment in enumerate(attachments):
        if isinstance(attachment, dict) and "blocks" in attachment:
            for problem in check_message_blocks(
                attachment["blocks"], pointer=f"/attachments/{index}/blocks"
            ):
                found.append(
                    Violation.from_block_problem(method, "attachments", problem, "invalid_blocks")
                )
    return found


def _check_view_arg(method: str, view: object) -> list[Violation]:
    found = [
        Violation.from_block_problem(method, "view", problem, "invalid_arguments")
        for problem in check_view(view)
    ]
    if isinstance(view, dict):
        view_type = view.get("type")
        if method == "views.publish" and view_type == "modal":
            found.append(
                Violation(
                    method,
                    "view",
                    "/view/type: views.publish takes a home view",
                    "invalid_arguments",
                )
            )
        if method in ("views.open", "views.push") and view_type == "home":
            found.append(
                Violation(
                    method, "view", f"/view/type: {method} takes a modal view", "invalid_arguments"
                )
            )
    size = view_size(view)
    if size > VIEW_MAX_BYTES:
        found.append(
            Violation(
                method,
                "view",
                f"view JSON must be at most {VIEW_MAX_BYTES} bytes (got {size})",
                "view_too_large",
            )
        )
    return found


def check_response_url_body(body: Mapping[str, Any]) -> list[Violation]:
    """What Slack would reject in a JSON body posted to a `response_url`."""
    method = "response_url"
    found = [
        Violation(method, name, "unknown field in a response_url message", "invalid_arguments")
        for name in sorted(set(body) - RESPONSE_URL_KEYS)
    ]
    response_type = body.get("response_type")
    if response_type is not None and response_type not in ("ephemeral", "in_channel"):
        found.append(
            Violation(
                method, "response_type", "must be ephemeral or in_channel", "invalid_arguments"
            )
        )
    found += check_message(method, body)
    if not body.get("delete_original") and not any(
        _present(body.get(key)) for key in ("text", "blocks", "attachments")
    ):
        found.append(
            Violation(
                method, "text", "a message needs `text`, `blocks` or `attachments`", "no_text"
            )
        )
    return found


def check_slack_files(
    method: str,
    decoded: Mapping[str, Any],
    problem: Callable[[SlackFileRef], str | None],
) -> list[Violation]:
    """The `slack_file`s in a call's blocks (message, attachments, view) that `problem`
    finds fault with: the files the fake knows decide, so this runs under its lock."""
    where: list[tuple[str, list[SlackFileRef], str]] = [
        ("blocks", slack_files_in(decoded.get("blocks")), "invalid_blocks")
    ]
    attachments = decoded.get("attachments")
    if isinstance(attachments, list):
        for index, attachment in enumerate(attachments):
            if isinstance(attachment, dict):
                refs = slack_files_in(
                    attachment.get("blocks"), pointer=f"/attachments/{index}/blocks"
                )
                where.append(("attachments", refs, "invalid_blocks"))
    view = decoded.get("view")
    if isinstance(view, dict):
        where.append(
            (
                "view",
                slack_files_in(view.get("blocks"), pointer="/view/blocks"),
                "invalid_arguments",
            )
        )
    found: list[Violation] = []
    for argument, refs, error in where:
        for ref in refs:
            rule = problem(ref)
            if rule is not None:
                found.append(Violation(method, argument, rule, error))
    return found


def error_response(violations: list[Violation]) -> dict[str, Any]:
    """The body Slack answers a rejected call with: the first violation's error code."""
    error = violations[0].error
    messages = [f"[ERROR] {v}" for v in violations if v.error == error]
    body: dict[str, Any] = {
        "ok": False,
        "error": error,
        "response_metadata": {"messages": messages},
    }
    if error == "invalid_blocks":
        body["errors"] = [v.rule for v in violations if v.error == error]
    return body
