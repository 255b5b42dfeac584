"""The `contact` command: a name, and maybe a title, an e-mail address and a phone number,
in any order after the name, separated by commas, dashes, bars or line breaks."""

from __future__ import annotations

import re

from bot.commands import AddContact
from bot.domain import MAX_NAME_LENGTH
from bot.parser import reading
from bot.parser.reading import ParseContext, Unreadable

_EMAIL = re.compile(r"[^\s@,;<>()]+@[^\s@,;<>()]+\.[^\s@,;<>()]+")
_PHONE = re.compile(r"(?<![\w+])\(?\+?[0-9][0-9 ()./-]{5,30}[0-9](?![\w])")
_MAX_EMAIL_LENGTH = 254
# Between the parts: a comma, a line break, or a dash or bar with spaces around it
# ("Priya Patel - Head of Procurement - priya@acme.com"); a hyphen inside a word is no break.
_PART_BREAK = re.compile(r"\s*(?:,|\n|\s[-–—|]\s)\s*")


def _is_phone(text: str) -> bool:
    """Seven to fifteen digits; without a leading +, 0 or ( at least nine, so that a year
    range (2019-2024) or a date in a title is not taken for a phone number."""
    digits = sum(ch.isdigit() for ch in text)
    return 7 <= digits <= 15 and (text[0] in "+0(" or digits >= 9)


def _take_once(pattern: re.Pattern[str], text: str, what: str) -> tuple[str | None, str]:
    """The one match of ``pattern`` that qualifies, and the text without it."""
    found = [
        match for match in pattern.finditer(text) if pattern is not _PHONE or _is_phone(match[0])
    ]
    if not found:
        return None, text
    if len(found) > 1:
        raise Unreadable(f"I found more than one {what}; a contact has one.")
    match = found[0]
    return match[0].strip(), text[: match.start()] + text[match.end() :]


def parse_contact(rest: str, context: ParseContext) -> AddContact:
    account, body = reading.account_before_colon(rest, context)
    email, body = _take_once(_EMAIL, body, "e-mail address")
    phone, body = _take_once(_PHONE, body, "phone number")
    if email is not None and len(email) > _MAX_EMAIL_LENGTH:
        raise Unreadable(f"{reading.quote(email)} is too long for an e-mail address.")
    # What taking the e-mail and phone out leaves at a part's ends ("Lead |") goes too.
    parts = [reading.collapse(part).strip(" -–—|") for part in _PART_BREAK.split(body)]
    parts = [part for part in parts if part]
    if not parts:
        raise Unreadable("Who? Write the contact's name after the “:”.")
    name = reading.new_name(parts[0], "A contact's name")
    title = ", ".join(parts[1:]) or None
    if title is not None and len(title) > MAX_NAME_LENGTH:
        raise Unreadable(f"A title can be at most {MAX_NAME_LENGTH} characters.")
    return AddContact(account, name, title=title, email=email, phone=phone)
