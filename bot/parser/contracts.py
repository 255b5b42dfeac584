"""The `contract` command: a value and currency, a renewal date, notice and auto-renew."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from bot.amounts import Amount, AmountError, Separators, read_amount
from bot.commands import AmountReading, SetContract
from bot.dates import Direction
from bot.domain import MAX_NOTICE_DAYS, MAX_NOTICE_MONTHS
from bot.parser import reading
from bot.parser.reading import ParseContext, Unreadable

_RENEWS = re.compile(r"(?<![\w-])renew(?:s|al|ing)?(?![\w-])", re.IGNORECASE)
_CONTRACT_OPTION = re.compile(r"(?<![\w-])(?:notice|auto[- ]?renew)", re.IGNORECASE)
_NOTICE = re.compile(
    r"notice(?:\s+period)?\s*:?\s+(?P<count>\S+?)"
    r"(?:\s*(?P<unit>days?|d|weeks?|wks?|w|months?|mos?))?(?=[\s,;]|$)",
    re.IGNORECASE,
)
_AUTO_RENEW = re.compile(r"auto[- ]?renew(?:s|al|ing)?(?![\w-])", re.IGNORECASE)
_CENTS = Decimal("0.01")
_AMOUNT_SHAPES = "Write the value like `24000 EUR`, `24,000.50 USD`, `24.000,50 €` or `$24k`."
_NOTICE_SHAPES = "`notice 60 days`, `notice 8 weeks` or `notice 3 months`"
_MAX_NOTICE_COUNT = 9_999  # anything longer is more than MAX_NOTICE_DAYS in every unit


@dataclass(frozen=True, slots=True)
class _Notice:
    """A notice period as typed: a count of days, weeks or (calendar) months."""

    count: int
    unit: str  # "days", "weeks" or "months"
    text: str


def _separators(context: ParseContext) -> Separators:
    """A day-first workspace writes numbers the German way too: `24.000` is 24,000 there."""
    return Separators.DECIMAL_COMMA if context.dayfirst else Separators.DECIMAL_POINT


def _amount(text: str, context: ParseContext) -> Amount:
    """`24000`, `24.000,50 €`, `$24k`, `EUR 24 000`: the value and the currency code; without a
    currency, the workspace's."""
    if not text.strip():
        raise Unreadable(
            f"What is the contract worth? Put the value before “renews”. {_AMOUNT_SHAPES}"
        )
    try:
        amount = read_amount(text, separators=_separators(context))
    except AmountError as refused:
        raise Unreadable(
            f"{reading.quote(refused.text)} {refused.reason}. {_AMOUNT_SHAPES}"
        ) from None
    if amount.value != amount.value.quantize(_CENTS):
        point = "," if context.dayfirst else "."
        raise Unreadable(
            f"A contract value has at most two decimals, and {reading.quote(text)} has more. "
            f"This workspace writes decimals after “{point}”"
            f" (`settings workspace dayfirst {'off' if context.dayfirst else 'on'}` "
            "switches that)."
        )
    if amount.currency is not None:
        return amount
    if amount.symbol == "$":
        return replace(amount, currency="USD")
    if amount.symbol is not None:
        raise Unreadable(
            f"Which currency is {amount.symbol} in {reading.quote(text)}? Add its code, "
            f"like `{amount.symbol}5000 JPY`."
        )
    return replace(amount, currency=context.currency)


def _notice(found: re.Match[str]) -> _Notice:
    unit = (found["unit"] or "days").casefold()
    count = reading.small_int(found["count"])
    if count is None or count > _MAX_NOTICE_COUNT:
        raise Unreadable(f"I couldn't read {reading.quote(found[0])}; write {_NOTICE_SHAPES}.")
    name = "months" if unit.startswith("m") else "weeks" if unit.startswith("w") else "days"
    return _Notice(count, name, reading.collapse(found[0]))


def _contract_options(text: str) -> tuple[_Notice | None, bool]:
    """`notice <N> days|weeks|months` and `auto-renew`, in either order."""
    notice: _Notice | None = None
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
            notice, position = _notice(found_notice), found_notice.end()
        elif found_auto is not None and not auto_renew:
            auto_renew, position = True, found_auto.end()
        elif re.match(r"notice\b", text[position:], re.IGNORECASE) and notice is None:
            raise Unreadable(
                f"I couldn't read {reading.quote(text[position:])}; write {_NOTICE_SHAPES}."
            )
        else:
            raise Unreadable(f"I don't understand {reading.quote(text[position:])} after the date.")


def _notice_terms(notice: _Notice | None) -> tuple[int | None, int | None]:
    """(days, months): weeks are seven days; months stay months, because how many days they
    are depends on the renewal date they count back from (the service counts them)."""
    if notice is None:
        return None, None
    if notice.unit == "months":
        if notice.count > MAX_NOTICE_MONTHS:
            raise Unreadable(
                f"A notice period can be at most {MAX_NOTICE_MONTHS} months (ten years), "
                f"not {reading.quote(notice.text)}."
            )
        return None, notice.count
    days = notice.count * (7 if notice.unit == "weeks" else 1)
    if days > MAX_NOTICE_DAYS:
        raise Unreadable(
            f"A notice period can be at most {MAX_NOTICE_DAYS} days (about ten years), "
            f"not {reading.quote(notice.text)}."
        )
    return days, None


def parse_contract(rest: str, context: ParseContext) -> SetContract:
    account, body = reading.account_before_colon(rest, context)
    renews = _RENEWS.search(body)
    if renews is None:
        raise Unreadable(f"When does it renew? Add “renews <date>” to {reading.quote(body)}.")
    amount_text = body[: renews.start()]
    amount = _amount(amount_text, context)
    after = body[renews.end() :]
    option = _CONTRACT_OPTION.search(after)
    date_text = (after[: option.start()] if option else after).strip().rstrip(",;")
    if not date_text:
        raise Unreadable("When does it renew? Put a date after “renews”, like `2027-03-31`.")
    when = reading.read_date(date_text, context, Direction.FUTURE)
    notice, auto_renew = _contract_options(after[option.start() :] if option else "")
    days, months = _notice_terms(notice)
    # `24.000` read as 24 surprises; read as 24,000 it is what was meant, and goes unsaid.
    decimal_mark = "," if context.dayfirst else "."
    read_as = None
    if amount.decided_mark == decimal_mark:
        read_as = AmountReading(reading.collapse(amount_text), decimal_mark)
    assert amount.currency is not None  # _amount settles it
    return SetContract(
        account,
        amount.value,
        amount.currency,
        when,
        days,
        auto_renew,
        notice_months=months,
        read_as=read_as,
    )
