"""The `contract` command: a value and currency, a renewal date, notice and auto-renew."""

from __future__ import annotations

import re
from decimal import Decimal

from bot.commands import SetContract
from bot.dates import Direction
from bot.domain import MAX_CONTRACT_VALUE, MAX_NOTICE_DAYS
from bot.parser import reading
from bot.parser.reading import ParseContext, Unreadable

_RENEWS = re.compile(r"(?<![\w-])renew(?:s|al|ing)?(?![\w-])", re.IGNORECASE)
_AMOUNT = re.compile(
    r"(?:(?P<code_before>[A-Za-z]{3})(?![A-Za-z]))?\s*(?P<symbol>[€$£])?\s*(?P<sign>[-+−])?"
    r"\s*(?P<number>[0-9][0-9,_.]*)\s*(?P<code_after>[A-Za-z]{3})?"
)
_NUMBER = re.compile(
    r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?:_[0-9]{3})+|[0-9]{1,15})(?:\.[0-9]{1,2})?"
)
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP"}
_CONTRACT_OPTION = re.compile(r"(?<![\w-])(?:notice|auto[- ]?renew)", re.IGNORECASE)
_NOTICE = re.compile(
    r"notice(?:\s+period)?\s*:?\s+(?P<count>\S+?)(?:\s*(?P<unit>days?|d|weeks?|months?)\b)?"
    r"(?=[\s,;]|$)",
    re.IGNORECASE,
)
_AUTO_RENEW = re.compile(r"auto[- ]?renew(?:s|al|ing)?(?![\w-])", re.IGNORECASE)


def _amount(text: str) -> tuple[Decimal, str]:
    """`24000 EUR`, `24,000.50 usd`, `€24000`, `EUR 24_000`: the value and the currency code."""
    shape = "Write the value like `24000 EUR`, `24,000.50 USD` or `€24000`."
    found = _AMOUNT.fullmatch(text.strip())
    if found is None:
        raise Unreadable(f"I couldn't read {reading.quote(text)} as a value and currency. {shape}")
    if found["sign"] is not None and found["sign"] != "+":
        raise Unreadable(f"A contract value can't be negative ({reading.quote(text)}).")
    if not _NUMBER.fullmatch(found["number"]):
        raise Unreadable(
            f"I couldn't read {reading.quote(found['number'])} as an amount: use `,` or `_` "
            "between thousands and `.` before at most two decimals, like `24,000.50`."
        )
    value = Decimal(found["number"].replace(",", "").replace("_", ""))
    if value >= MAX_CONTRACT_VALUE:
        raise Unreadable(f"{value:,} is more than any contract Rapport keeps; is it a typo?")
    codes = {code.upper() for code in (found["code_before"], found["code_after"]) if code}
    symbol = found["symbol"]
    if len(codes) > 1:
        raise Unreadable(f"Which currency: {' or '.join(sorted(codes))}?")
    code = codes.pop() if codes else _SYMBOLS.get(symbol or "")
    if code is None:
        raise Unreadable(f"Which currency? {shape}")
    # "$" is also the Canadian, Australian, … dollar, so a code after it wins.
    if symbol in ("€", "£") and code != _SYMBOLS[symbol]:
        raise Unreadable(f"{symbol} is {_SYMBOLS[symbol]}, not {code}.")
    return value, code


def _contract_options(text: str) -> tuple[int | None, bool]:
    """`notice <N> days` and `auto-renew`, in either order."""
    notice: int | None = None
    auto_renew = False
    position = 0
    while True:
        gap = re.compile(r"[\s,;]*").match(text, position)
        position = gap.end() if gap is not None else position
        if position >= len(text):
            return notice, auto_renew
        found_notice = _NOTICE.match(text, position)
        found_auto = _AUTO_RENEW.match(text, position)
        if found_notice is not None and notice is None:
            unit = (found_notice["unit"] or "days").casefold()
            count = reading.small_int(found_notice["count"])
            if count is None or not unit.startswith("d"):
                raise Unreadable(
                    f"Give the notice period in days, like `notice 60 days` "
                    f"(not {reading.quote(found_notice[0])})."
                )
            if count > MAX_NOTICE_DAYS:
                raise Unreadable(f"A notice period can be at most {MAX_NOTICE_DAYS} days.")
            notice, position = count, found_notice.end()
        elif found_auto is not None and not auto_renew:
            auto_renew, position = True, found_auto.end()
        else:
            raise Unreadable(f"I don't understand {reading.quote(text[position:])} after the date.")


def parse_contract(rest: str, context: ParseContext) -> SetContract:
    account, body = reading.account_before_colon(rest, context)
    renews = _RENEWS.search(body)
    if renews is None:
        raise Unreadable(f"When does it renew? Add “renews <date>” to {reading.quote(body)}.")
    value, currency = _amount(body[: renews.start()])
    after = body[renews.end() :]
    option = _CONTRACT_OPTION.search(after)
    date_text = (after[: option.start()] if option else after).strip().rstrip(",;")
    if not date_text:
        raise Unreadable("When does it renew? Put a date after “renews”, like `2027-03-31`.")
    when = reading.read_date(date_text, context, Direction.FUTURE)
    notice, auto_renew = _contract_options(after[option.start() :] if option else "")
    return SetContract(account, value, currency, when, notice, auto_renew)
