"""Checks on what people type, each refusing with an ``InvalidInput`` that says why."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from bot.domain import (
    MAX_CADENCE_DAYS,
    MAX_CONTRACT_VALUE,
    MAX_EMAIL_LENGTH,
    MAX_FOLLOW_UP_TEXT_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NOTICE_DAYS,
    MAX_NOTICE_MONTHS,
    MAX_SUMMARY_LENGTH,
    MAX_TAG_LENGTH,
    MAX_TIER_LENGTH,
    TAG_QUOTES,
    TAG_SEPARATORS,
    visible,
)
from bot.errors import InvalidInput

_CURRENCY = re.compile(r"^[A-Z]{3}$")
# Ids and numbers are 32-bit integers in storage (PostgreSQL's INTEGER).
MAX_ROW_ID = 2**31 - 1
# What a tag is written with but is not part of it: "#emea", “key account”.
_TAG_START = f"# {TAG_QUOTES}"
_TAG_END = f" {TAG_QUOTES}"
_SHOWN_TAG = 60  # how much of a refused tag a message quotes
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


class _DropControls(dict[int, int | None]):
    """A ``str.translate`` table that learns each character once: None drops it."""

    def __missing__(self, point: int) -> int | None:
        ch = chr(point)
        keep = ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
        self[point] = point if keep else None
        return self[point]


_DROP_CONTROLS = _DropControls()


def _strip_controls(text: str) -> str:
    """Drop control characters other than line breaks and tabs (they break rendering)."""
    return text.translate(_DROP_CONTROLS)  # in C; each distinct character judged once


def unstorable(text: str) -> str | None:
    """What in ``text`` no database column can hold, described for a person; None if all
    of it can be stored. (PostgreSQL text holds no NUL; UTF-8 has no lone surrogate.)"""
    if "\x00" in text:
        return "a NUL character"
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        return "a broken character (half of a surrogate pair)"
    return None


def check_storable(text: str, *, field: str = "text") -> str:
    """``text`` as it is, or a refusal naming what in it cannot be stored."""
    problem = unstorable(text)
    if problem is not None:
        raise InvalidInput(
            field,
            f"Your message contains {problem}, which I can't store; nothing was saved.",
            hint="Type it again, or paste it as plain text: it usually comes with a copy.",
        )
    return text


def storable(text: str) -> str:
    """``text`` without what no column can hold (for searches and prefills, not records)."""
    return "".join(ch for ch in text if ch != "\x00" and not "\ud800" <= ch <= "\udfff")


def row_id(text: str) -> int | None:
    """A number a button, a picker or a person gave as an id, if it can be one: a forged or
    stale request can carry anything, and storage refuses numbers past its integer range."""
    stripped = text.strip()
    if not stripped.isascii() or not stripped.isdigit() or len(stripped) > 10:
        return None
    number = int(stripped)
    return number if 1 <= number <= MAX_ROW_ID else None


def clean_name(name: str, *, field: str = "name", what: str = "An account name") -> str:
    """A name as kept: spacing folded, control and invisible characters gone."""
    cleaned = " ".join(visible(_strip_controls(name)).split())
    if not cleaned:
        raise InvalidInput(field, f"{what} can't be empty.", hint="For example: `add Acme Corp`")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput(
            field,
            f"{what} can be at most {MAX_NAME_LENGTH} characters (this one has {len(cleaned)}).",
        )
    return cleaned


def clean_text(text: str, *, field: str, limit: int, what: str) -> str:
    cleaned = _strip_controls(text).strip()
    if not cleaned:
        raise InvalidInput(field, f"{what} can't be empty.")
    if len(cleaned) > limit:
        raise InvalidInput(
            field,
            f"{what} can be at most {limit:,} characters (this one has {len(cleaned):,}); "
            "nothing was saved.",
        )
    return cleaned


def clean_summary(summary: str) -> str:
    return clean_text(summary, field="summary", limit=MAX_SUMMARY_LENGTH, what="A summary")


def clean_follow_up_text(text: str) -> str:
    return clean_text(
        text, field="text", limit=MAX_FOLLOW_UP_TEXT_LENGTH, what="A follow-up's text"
    )


def typed_tag(tag: str) -> str:
    """A tag as written, the way tags are kept: runs of spacing as one space, the ends
    trimmed, a leading ``#`` and the quote marks around it gone. Never refused: `untag` finds
    with it a tag kept before the marks it may hold were refused."""
    folded = " ".join(visible(_strip_controls(tag)).split())
    return folded.lstrip(_TAG_START).rstrip(_TAG_END)


def clean_tag(tag: str) -> str:
    """A tag as kept (see ``typed_tag``): one word or several (`key account`), unique by its
    ``name_key``. Refused when empty, too long, or holding a mark that separates tags in a
    list (an export writes them joined by "; ") or quotes one in a command."""
    cleaned = typed_tag(tag)
    shown = " ".join(tag.split())
    shown = shown if len(shown) <= _SHOWN_TAG else shown[: _SHOWN_TAG - 1] + "…"
    if not cleaned:
        raise InvalidInput(
            "tag", f"“{shown}” isn't a tag: a tag is a word or a few, like `emea` or `key account`."
        )
    separators = [mark for mark in TAG_SEPARATORS if mark in cleaned]
    if separators:
        marks = " and ".join(f"`{mark}`" for mark in separators)
        verb = "separates" if len(separators) == 1 else "separate"
        raise InvalidInput(
            "tag",
            f"“{shown}” can't be one tag: {marks} {verb} tags in a list, so no tag holds one.",
            hint="Give the tags one by one: `tag Acme Corp emea, key account`.",
        )
    if any(mark in cleaned for mark in TAG_QUOTES):
        raise InvalidInput(
            "tag",
            f"“{shown}” can't be a tag: quote marks go around a tag with spaces "
            '(`tag Acme Corp "key account"`), not inside one.',
        )
    if len(cleaned) > MAX_TAG_LENGTH:
        raise InvalidInput("tag", f"A tag can be at most {MAX_TAG_LENGTH} characters.")
    return cleaned


def clean_tier(tier: str | None) -> str | None:
    if tier is None:
        return None
    cleaned = visible(_strip_controls(tier)).strip()
    if not cleaned:
        return None
    if len(cleaned) > MAX_TIER_LENGTH:
        raise InvalidInput("tier", f"A tier can be at most {MAX_TIER_LENGTH} characters.")
    return cleaned


def check_cadence(days: int) -> int:
    if not 1 <= days <= MAX_CADENCE_DAYS:
        raise InvalidInput(
            "cadence", f"A cadence must be between 1 day and {MAX_CADENCE_DAYS} days (got {days})."
        )
    return days


def check_notice_days(days: int | None) -> int | None:
    if days is not None and not 0 <= days <= MAX_NOTICE_DAYS:
        raise InvalidInput(
            "notice", f"A notice period must be between 0 and {MAX_NOTICE_DAYS} days (got {days})."
        )
    return days


def check_notice_months(months: int) -> int:
    if not 0 <= months <= MAX_NOTICE_MONTHS:
        raise InvalidInput(
            "notice",
            f"A notice period in months must be between 0 and {MAX_NOTICE_MONTHS} (got {months}).",
        )
    return months


def check_contract_value(value: Decimal | str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise InvalidInput("value", f"“{value}” isn't an amount.") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidInput("value", f"A contract value can't be negative (got {value}).")
    if amount >= MAX_CONTRACT_VALUE:
        raise InvalidInput(
            "value", f"{amount:,} is more than any contract Rapport can keep; is it a typo?"
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput("value", "A contract value can have at most two decimal places.")
    return amount


def check_currency(code: str) -> str:
    upper = code.strip().upper()
    if not _CURRENCY.match(upper):
        raise InvalidInput(
            "currency", f"“{code}” isn't a currency code; use three letters like EUR or USD."
        )
    return upper


def check_email(email: str | None) -> str | None:
    if email is None:
        return None
    cleaned = visible(email).strip()
    if len(cleaned) > MAX_EMAIL_LENGTH:
        raise InvalidInput("email", f"An e-mail address has at most {MAX_EMAIL_LENGTH} characters.")
    if not _EMAIL.match(cleaned):
        raise InvalidInput("email", f"“{email}” doesn't look like an e-mail address.")
    return cleaned
