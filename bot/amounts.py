"""Amounts as people write them: ``24000``, ``24,000.50``, ``24.000,50 €``, ``$24k``.

One reader for chat (``contract …``) and for imported files, so a value reads the same
wherever it is typed. Only one shape depends on who wrote it: a lone ``.`` or ``,``
before exactly three digits (``24.000``, ``24,000``), which is a decimal point to some
and a thousands separator to others. The caller says which with ``Separators``; every
other shape is read the same everywhere (the last of two different separators is the
decimal one, a repeated separator groups thousands, anything but three digits after a
lone separator are decimals).

Pure: no clock, no database. A refusal is an ``AmountError`` whose message quotes the text.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from bot.domain import MAX_CONTRACT_VALUE

__all__ = ["Amount", "AmountError", "Separators", "read_amount"]


class Separators(enum.Enum):
    """What a lone ``.`` or ``,`` before exactly three digits means (``24.000``, ``24,000``)."""

    DECIMAL_POINT = "point"  # English: 24.000 is 24, 24,000 is twenty-four thousand
    DECIMAL_COMMA = "comma"  # German (a day-first workspace): 24.000 is twenty-four thousand
    THOUSANDS = "thousands"  # both are thousands: files from CRMs, where cents are written out


class AmountError(ValueError):
    """Text that is not an amount; the message quotes it and says why."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"“{text}” {reason}")
        self.text = text
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Amount:
    """A non-negative value below ``MAX_CONTRACT_VALUE`` and the currency written with it.

    ``currency`` is the ISO code the text names (by code, by word or by ``€``/``£``), or
    None; ``symbol`` is the sign typed, so a caller decides what a bare ``$`` or ``¥`` is.
    """

    value: Decimal
    currency: str | None
    symbol: str | None = None
    # The "." or "," that ``separators`` decided was the decimal mark (`24.000`, `24,000`
    # read as decimals) or grouped thousands; None when the text alone says which.
    decided_mark: str | None = field(default=None, compare=False)


_SYMBOLS = {"€": "EUR", "£": "GBP", "$": None, "¥": None}  # "$" and "¥": which dollar, yen/yuan?
_WORDS = {"euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD"}
_WORDS |= {"pound": "GBP", "pounds": "GBP"}
_MARK = rf"[€£$¥]|(?:{'|'.join(_WORDS)})(?![^\W\d_])|[A-Za-z]{{3}}(?![^\W\d_])"
_LEADING = re.compile(rf"\s*(?P<mark>{_MARK})\s*", re.IGNORECASE)
_TRAILING = re.compile(rf"(?<![^\W\d_])\s*(?P<mark>{_MARK})\s*$", re.IGNORECASE)
# "24.000,-" and "24.000,–": German for "no cents", and a sign that "," is the decimal mark.
_NO_CENTS = re.compile(r"(?<=\d)(?P<mark>[.,])[-–](?=\D*$)")
# Between groups of three: spaces (also no-break), Swiss apostrophes, and "_" as in code.
_GROUP_SPACES = "\u0020\u00a0\u202f'’_"
_NUMBER = re.compile(
    rf"\+?(?P<number>[\d.,{_GROUP_SPACES}]*\d)(?:[{_GROUP_SPACES}]?(?P<thousand>[kK]))?"
)
_SPACE_GROUPED = re.compile(
    rf"(?P<whole>\d{{1,3}}(?:[{_GROUP_SPACES}]\d{{3}})+)(?:[.,](?P<fraction>\d+))?"
)
_MAX_LENGTH = 400  # longer than any amount, even a long exported decimal; cheap to refuse
_THOUSAND = Decimal(1000)


def read_amount(text: str, *, separators: Separators) -> Amount:
    """The amount ``text`` writes, with ``separators`` deciding ``24.000`` and ``24,000``."""
    typed = text.strip()
    if len(typed) > _MAX_LENGTH:
        raise AmountError(typed[:_MAX_LENGTH] + "…", "is too long to be an amount")
    body = _NO_CENTS.sub(r"\g<mark>00", typed)
    if re.search(r"[-−(]", body):
        raise AmountError(typed, "is negative, and a contract value can't be")
    currencies, symbols, number = _marks(body, typed)
    found = _NUMBER.fullmatch(number)
    if found is None:
        raise AmountError(typed, "is not an amount")
    value, decided = _grouped(found["number"], separators, typed)
    if found["thousand"]:
        value *= _THOUSAND
    if value >= MAX_CONTRACT_VALUE:
        raise AmountError(typed, f"is too large (the limit is {MAX_CONTRACT_VALUE:,}); a typo?")
    currency = _one_currency(currencies, symbols, typed)
    return Amount(value, currency, symbols[0] if symbols else None, decided)


def _marks(body: str, typed: str) -> tuple[list[str], list[str], str]:
    """Peel a currency mark off each end: (codes named, symbols typed, the number between)."""
    marks: list[str] = []
    leading = _LEADING.match(body)
    if leading is not None:
        marks.append(leading["mark"])
        body = body[leading.end() :]
    trailing = _TRAILING.search(body)
    if trailing is not None and trailing.start() > 0:
        marks.append(trailing["mark"])
        body = body[: trailing.start()]
    symbols = [mark for mark in marks if mark in _SYMBOLS]
    codes = [_WORDS.get(mark.casefold(), mark.upper()) for mark in marks if mark not in _SYMBOLS]
    if len(set(codes)) > 1:
        raise AmountError(
            typed, f"is not an amount: it names two currencies, {' and '.join(codes)}"
        )
    return codes, symbols, body.strip()


def _one_currency(codes: list[str], symbols: list[str], typed: str) -> str | None:
    code = codes[0] if codes else None
    for symbol in symbols:
        meant = _SYMBOLS[symbol]
        if meant is not None and code is not None and meant != code:
            raise AmountError(
                typed, f"is not an amount I can trust: {symbol} is {meant}, not {code}"
            )
        # "$" is also the Canadian, Australian, … dollar: a code written with it wins.
        code = code or meant
    return code


def _grouped(number: str, separators: Separators, typed: str) -> tuple[Decimal, str | None]:
    """The number's value, and the mark ``separators`` decided (see ``Amount.decided_mark``)."""
    unreadable = AmountError(typed, "is not a number I can read without guessing")
    decided = None
    if re.search(f"[{_GROUP_SPACES}]", number):
        spaced = _SPACE_GROUPED.fullmatch(number)
        if spaced is None:
            raise unreadable
        whole, fraction = re.sub(f"[{_GROUP_SPACES}]", "", spaced["whole"]), spaced["fraction"]
    else:
        whole, fraction, decided = _split_decimals(number, separators, unreadable)
    if not re.fullmatch(r"\d*", whole) or (fraction is not None and not fraction.isdigit()):
        raise unreadable
    try:
        return Decimal(f"{whole or '0'}.{fraction}" if fraction else whole), decided
    except InvalidOperation:
        raise unreadable from None


def _split_decimals(
    number: str, separators: Separators, unreadable: AmountError
) -> tuple[str, str | None, str | None]:
    """(whole digits, decimals, the mark the convention decided) of a number written with
    ``.`` and ``,`` only."""
    last = max(number.rfind(","), number.rfind("."))
    if last < 0:
        return number, None, None
    mark = number[last]
    other = "," if mark == "." else "."
    head, tail = number[:last], number[last + 1 :]
    lone_before_three = (
        number.count(mark) == 1
        and other not in number
        and len(tail) == 3
        and 1 <= len(head) <= 3
        and head != "0"
    )
    if number.count(mark) > 1 or (lone_before_three and _groups(mark, separators)):
        thousands, whole, fraction = mark, number, None
    else:
        thousands, whole, fraction = other, head, tail
    if thousands in whole:
        groups = whole.split(thousands)
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            raise unreadable
        whole = whole.replace(thousands, "")
    return whole, fraction, mark if lone_before_three else None


def _groups(mark: str, separators: Separators) -> bool:
    """Whether a lone ``mark`` before three digits separates thousands."""
    match separators:
        case Separators.DECIMAL_POINT:
            return mark == ","
        case Separators.DECIMAL_COMMA:
            return mark == "."
    return True
