"""The logging modal ("Log a touch"): built prefilled, and its submission read back.

Both directions are pure: the handler opens ``log_modal(...)`` with ``views.open`` and answers
a view_submission with either the ``LogForm`` it logs or ``{"response_action": "errors",
"errors": read_log_submission(...)}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain import (
    MAX_FOLLOW_UP_TEXT_LENGTH,
    MAX_PERMALINK_LENGTH,
    MAX_SUMMARY_LENGTH,
    Account,
    AccountStatus,
    InteractionKind,
)
from bot.render import ids
from bot.render.blocks import (
    INPUT_VALUE,
    OPTION_TEXT,
    PRIVATE_METADATA,
    Block,
    context,
    option,
    plain,
)
from bot.render.items import kind_label
from bot.render.text import clip, link, one_line, safe
from bot.validation import row_id, unstorable

MAX_OPTIONS = 100
_KIND_LABELS = {k: kind_label(k)[0].upper() + kind_label(k)[1:] for k in InteractionKind}
_KIND_VALUES = frozenset(k.value for k in InteractionKind)


@dataclass(frozen=True, slots=True)
class LogPrefill:
    """What the modal opens with: an account (from "Log a touch"), a message's text and
    permalink (message shortcut), a kind, and today in the viewer's zone."""

    account: Account | None
    text: str
    permalink: str | None
    kind: InteractionKind
    today: date


@dataclass(frozen=True, slots=True)
class LogForm:
    """A valid submission, ready for ``interactions.log_interaction``."""

    account_id: int
    kind: InteractionKind
    day: date
    summary: str
    follow_up_day: date | None
    follow_up_text: str | None
    permalink: str | None


# --- building --------------------------------------------------------------------------


def _account_option(account: Account) -> Block:
    label = safe(one_line(account.name))
    if account.status is AccountStatus.ARCHIVED:
        suffix = " (archived)"
        label = clip(label, OPTION_TEXT - len(suffix)) + suffix
    return option(label, str(account.id))


def account_options(accounts: Sequence[Account]) -> list[dict[str, Any]]:
    """Options for the account picker's external select: at most 100, one per account."""
    seen: set[int] = set()
    options: list[dict[str, Any]] = []
    for account in accounts:
        if account.id in seen:
            continue
        seen.add(account.id)
        options.append(_account_option(account))
        if len(options) == MAX_OPTIONS:
            break
    return options


def _kind_option(kind: InteractionKind) -> Block:
    return option(_KIND_LABELS[kind], kind.value)


def _input(
    block_id: str, label: str, element: Block, *, optional: bool = False, hint: str | None = None
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint is not None:
        block["hint"] = plain(hint, 2000)
    return block


def _metadata(permalink: str | None) -> str:
    if permalink:
        encoded = json.dumps({"permalink": permalink})
        if len(encoded) <= PRIVATE_METADATA:
            return encoded
    return "{}"


def log_modal(prefill: LogPrefill) -> dict[str, Any]:
    """The modal for logging a touch (``views.open``)."""
    account_select: Block = {
        "type": "external_select",
        "action_id": ids.ACCOUNT_SELECT,
        "placeholder": plain("Search accounts", 150),
        "min_query_length": 0,
    }
    if prefill.account is not None:
        account_select["initial_option"] = _account_option(prefill.account)
    summary: Block = {
        "type": "plain_text_input",
        "action_id": ids.LOG_SUMMARY_ACTION,
        "multiline": True,
        "max_length": INPUT_VALUE,
        "placeholder": plain("What happened? What did you agree?", 150),
    }
    text = prefill.text.strip()
    cut = len(text) > INPUT_VALUE
    if text:
        # A text input's value is raw text, not markup: no escaping here.
        summary["initial_value"] = clip(text, INPUT_VALUE)
    blocks: list[Block] = [
        _input(ids.LOG_ACCOUNT_BLOCK, "Account", account_select),
        _input(
            ids.LOG_KIND_BLOCK,
            "Kind",
            {
                "type": "static_select",
                "action_id": ids.LOG_KIND_ACTION,
                "options": [_kind_option(k) for k in InteractionKind],
                "initial_option": _kind_option(prefill.kind),
            },
        ),
        _input(
            ids.LOG_DAY_BLOCK,
            "When",
            {
                "type": "datepicker",
                "action_id": ids.LOG_DAY_ACTION,
                "initial_date": prefill.today.isoformat(),
            },
        ),
        _input(ids.LOG_SUMMARY_BLOCK, "Summary", summary),
    ]
    if cut:
        full = link(prefill.permalink, "full message")
        where = f"the interaction links the {full}" if full else "the rest is not included"
        blocks.append(
            context(
                f"The message has {len(text):,} characters; a summary here holds "
                f"{INPUT_VALUE:,}, so it starts with the message's beginning and {where}."
            )
        )
    blocks += [
        _input(
            ids.LOG_FOLLOW_UP_DAY_BLOCK,
            "Follow up on",
            {"type": "datepicker", "action_id": ids.LOG_FOLLOW_UP_DAY_ACTION},
            optional=True,
        ),
        _input(
            ids.LOG_FOLLOW_UP_TEXT_BLOCK,
            "Follow-up",
            {
                "type": "plain_text_input",
                "action_id": ids.LOG_FOLLOW_UP_TEXT_ACTION,
                "max_length": MAX_FOLLOW_UP_TEXT_LENGTH,
                "placeholder": plain("e.g. send the proposal", 150),
            },
            optional=True,
            hint="Empty: the summary's first sentence.",
        ),
    ]
    return {
        "type": "modal",
        "callback_id": ids.LOG_MODAL,
        "title": plain("Log a touch", 24),
        "submit": plain("Log", 24),
        "close": plain("Cancel", 24),
        "private_metadata": _metadata(prefill.permalink),
        "blocks": blocks,
    }


# --- reading the submission ------------------------------------------------------------


def _element(state: Mapping[str, Any], block_id: str, action_id: str) -> Mapping[str, Any]:
    block = state.get(block_id)
    element = block.get(action_id) if isinstance(block, Mapping) else None
    return element if isinstance(element, Mapping) else {}


def _selected(element: Mapping[str, Any]) -> str | None:
    selected = element.get("selected_option")
    value = selected.get("value") if isinstance(selected, Mapping) else None
    return value if isinstance(value, str) else None


def _text(element: Mapping[str, Any]) -> str:
    value = element.get("value")
    return value.strip() if isinstance(value, str) else ""


def _day(element: Mapping[str, Any]) -> date | str | None:
    """The picked date, None when none was picked, or the raw text when it is not a date."""
    value = element.get("selected_date")
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return value


def _is_slack_link(url: str) -> bool:
    return url.startswith("https://") and len(url) <= MAX_PERMALINK_LENGTH


def _permalink(private_metadata: str) -> str | None:
    try:
        metadata = json.loads(private_metadata) if private_metadata else {}
    except ValueError:
        return None
    permalink = metadata.get("permalink") if isinstance(metadata, dict) else None
    return permalink if isinstance(permalink, str) and permalink else None


def read_log_submission(
    state_values: dict[str, Any], private_metadata: str, *, today: date
) -> LogForm | dict[str, str]:
    """The submitted form, or error messages keyed by block_id (``response_action: errors``).

    ``today`` is the submitter's today, in their zone.
    """
    errors: dict[str, str] = {}

    raw_account = _selected(_element(state_values, ids.LOG_ACCOUNT_BLOCK, ids.ACCOUNT_SELECT))
    account_id = row_id(raw_account) if raw_account else None
    if account_id is None:
        errors[ids.LOG_ACCOUNT_BLOCK] = "Pick the account this touch was with."

    raw_kind = _selected(_element(state_values, ids.LOG_KIND_BLOCK, ids.LOG_KIND_ACTION))
    kind = InteractionKind(raw_kind) if raw_kind in _KIND_VALUES else None
    if kind is None:
        errors[ids.LOG_KIND_BLOCK] = "Pick what kind of touch it was."

    day = _day(_element(state_values, ids.LOG_DAY_BLOCK, ids.LOG_DAY_ACTION))
    if not isinstance(day, date):
        errors[ids.LOG_DAY_BLOCK] = "Pick the day it happened."
    elif day > today:
        errors[ids.LOG_DAY_BLOCK] = (
            "That day is in the future: log what already happened, and plan the rest as a "
            "follow-up."
        )

    summary = _text(_element(state_values, ids.LOG_SUMMARY_BLOCK, ids.LOG_SUMMARY_ACTION))
    permalink = _permalink(private_metadata)
    if not summary:
        errors[ids.LOG_SUMMARY_BLOCK] = "Write a short summary of what happened."
    elif problem := unstorable(summary):
        errors[ids.LOG_SUMMARY_BLOCK] = f"The summary contains {problem}, which I can't store."
    elif permalink is not None and not _is_slack_link(permalink):
        errors[ids.LOG_SUMMARY_BLOCK] = (
            f"The link to the message isn't one I can keep (an https link of at most "
            f"{MAX_PERMALINK_LENGTH:,} characters); nothing was saved."
        )
    elif len(summary) > MAX_SUMMARY_LENGTH:
        errors[ids.LOG_SUMMARY_BLOCK] = (
            f"A summary holds at most {MAX_SUMMARY_LENGTH:,} characters "
            f"(this one has {len(summary):,})."
        )

    follow_up_day = _day(
        _element(state_values, ids.LOG_FOLLOW_UP_DAY_BLOCK, ids.LOG_FOLLOW_UP_DAY_ACTION)
    )
    follow_up_text = _text(
        _element(state_values, ids.LOG_FOLLOW_UP_TEXT_BLOCK, ids.LOG_FOLLOW_UP_TEXT_ACTION)
    )
    if isinstance(follow_up_day, str):
        errors[ids.LOG_FOLLOW_UP_DAY_BLOCK] = "That isn't a date."
    elif follow_up_day is not None and follow_up_day < today:
        errors[ids.LOG_FOLLOW_UP_DAY_BLOCK] = "A follow-up needs a day from today on."
    elif follow_up_day is None and follow_up_text:
        errors[ids.LOG_FOLLOW_UP_DAY_BLOCK] = "Pick a day for this follow-up, or clear its text."
    if len(follow_up_text) > MAX_FOLLOW_UP_TEXT_LENGTH:
        errors[ids.LOG_FOLLOW_UP_TEXT_BLOCK] = (
            f"A follow-up holds at most {MAX_FOLLOW_UP_TEXT_LENGTH:,} characters."
        )
    elif problem := unstorable(follow_up_text):
        errors[ids.LOG_FOLLOW_UP_TEXT_BLOCK] = f"The text contains {problem}, which I can't store."

    if errors:
        return errors
    assert account_id is not None and kind is not None and isinstance(day, date)
    return LogForm(
        account_id=account_id,
        kind=kind,
        day=day,
        summary=summary,
        follow_up_day=follow_up_day if isinstance(follow_up_day, date) else None,
        follow_up_text=follow_up_text or None,
        permalink=permalink,
    )
