"""Reading an import file: bytes in, typed rows and per-line errors out.

The file is UTF-8 (with or without a byte-order mark), UTF-16 with its mark, else
Windows-1252 when it reads like Western European text (``decoding``); its columns are
separated by commas, semicolons or tabs, whichever the header uses most. A bad row is
reported by the line it starts on and skipped; so are lines whose quotes do not pair up,
each costing only its own lines (``splitting``). The rest still reads.
"""

from __future__ import annotations

import csv
import enum
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TypeVar

from bot.domain import (
    MAX_CADENCE_DAYS,
    MAX_FOLLOW_UP_TEXT_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NOTICE_DAYS,
    MAX_SUMMARY_LENGTH,
    MAX_TIER_LENGTH,
    AccountKind,
    AccountStatus,
    ContractDirection,
    FollowUpStatus,
    InteractionKind,
    RenewalOutcome,
)
from bot.transfer.decoding import decode
from bot.transfer.headers import HeaderMap, describe_missing, detect_headers
from bot.transfer.records import (
    AccountRow,
    ContactRow,
    ContractRow,
    FollowUpRow,
    ImportFile,
    InteractionRow,
    RecordKind,
    Row,
    RowError,
)
from bot.transfer.splitting import BrokenLines, RecordSplitter
from bot.transfer.values import (
    CellError,
    parse_account_kind,
    parse_amount,
    parse_choice,
    parse_currency,
    parse_date,
    parse_datetime,
    parse_flag,
    parse_whole_number,
    split_tags,
    unescape_formula,
)

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)

_MAX_SHORT_TEXT = 254  # the longest an e-mail address can be; owners and titles alike
_MAX_LINK_LENGTH = 2_000
_MAX_FOLLOW_UP_NUMBER = 2**31 - 1
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_SEP_LINE = re.compile(r'"?sep=(?P<delimiter>[^\r\n])"?(?:\r\n|\r|\n|$)', re.IGNORECASE)
# Placeholders for a required value that is missing; a row with problems is never built.
_NO_DATE = date(1970, 1, 1)
_NO_TIME = datetime(1970, 1, 1, tzinfo=UTC)


def read_records(
    data: bytes | str, *, dayfirst: bool = False, encoding: str | None = None
) -> ImportFile:
    """Read one CSV export; ``dayfirst`` reads ``3/4/2027`` as 3 April (dotted dates always
    are). Bytes are decoded as ``decoding.decode`` says (``encoding`` names the codec), and
    raise ``UnreadableFile`` when that cannot be done faithfully."""
    notes: list[str] = []
    if isinstance(data, bytes):
        data, notes = decode(data, encoding)
    text = data.removeprefix("\ufeff")
    first_line = 1
    if sep := _SEP_LINE.match(text):  # Excel's hint line: "sep=;"
        delimiter = sep["delimiter"]
        text, first_line = text[sep.end() :], 2
    else:
        delimiter = _detect_delimiter(text)
    if delimiter != ",":
        notes.append(f"Columns are separated by {_delimiter_name(delimiter, plural=True)}.")

    records = RecordSplitter(text, delimiter, first_line=first_line)
    rows: list[Row] = []
    errors: list[RowError] = []
    header_map: HeaderMap | None = None
    headers: list[str] = []
    while (record := records.read()) is not None:
        if isinstance(record, BrokenLines):
            errors.append(RowError(record.line, _broken(record, delimiter, header_map is None)))
            if header_map is None:
                break
            continue
        line, cells = record.line, record.cells
        if not any(cell.strip() for cell in cells):
            continue  # spreadsheets leave blank rows
        if header_map is None:
            headers = [cell.strip(" \ufeff\t") for cell in cells]
            header_map = detect_headers(headers)
            if header_map.missing:
                errors.append(RowError(line, describe_missing(header_map)))
                break
            records.fields = len(headers)
            continue
        if len(cells) > len(headers) and any(cell.strip() for cell in cells[len(headers) :]):
            errors.append(
                RowError(
                    line,
                    f"The row has {len(cells)} fields but the header has {len(headers)}; "
                    f"a value containing {_delimiter_name(delimiter)} must be in double quotes.",
                )
            )
            continue
        values = {
            field: unescape_formula(cells[index].strip()) if index < len(cells) else ""
            for field, index in header_map.columns.items()
        }
        labels = {field: headers[index] for field, index in header_map.columns.items()}
        row_cells = _Cells(values, labels, dayfirst=dayfirst)
        row = _BUILDERS[header_map.kind](line, row_cells)
        if row_cells.problems:
            errors.extend(RowError(line, problem) for problem in row_cells.problems)
        else:
            rows.append(row)

    if header_map is None:
        if not errors:
            errors.append(RowError(first_line, "The file is empty: it has no header line."))
        return ImportFile(RecordKind.ACCOUNTS, [], errors, [], notes)
    return ImportFile(header_map.kind, rows, errors, list(header_map.ignored), notes)


def _broken(lines: BrokenLines, delimiter: str, header: bool) -> str:
    """Why lines could not be read, in the words of the import's summary."""
    if lines.last_line > lines.line:
        what = f"Lines {lines.line}–{lines.last_line} are one record that cannot be read"
    else:
        what = "The header line cannot be read" if header else "The line cannot be read"
    if lines.too_long:
        why = f"a value is longer than {csv.field_size_limit():,} characters."
    else:
        why = (
            "its quotes do not pair up (a value that starts with a quote ends with one right "
            f"before the next {_DELIMITER_NAMES.get(delimiter, delimiter)} or the end of the "
            'line; a quote inside a value is written twice: "").'
        )
    after = " The lines after it were read on their own." if lines.read_on else ""
    return f"{what}: {why}{after}"


def _delimiter_name(delimiter: str, *, plural: bool = False) -> str:
    if delimiter not in _DELIMITER_NAMES:
        return f"“{delimiter}”"
    name = _DELIMITER_NAMES[delimiter]
    return f"{name}s" if plural else f"a {name}"


def _detect_delimiter(text: str) -> str:
    """The comma, semicolon or tab used most, outside quotes, on the first non-blank line."""
    counts = dict.fromkeys(_DELIMITER_NAMES, 0)
    quoted = started = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "\r\n":
            if started:
                break
        elif char in counts:
            counts[char] += 1
        started = started or not char.isspace() or char == "\t"
    return max(counts, key=lambda d: counts[d])  # the first of equals: a comma


class _Cells:
    """One row's cells by field; each reader notes what is wrong instead of raising."""

    def __init__(self, values: Mapping[str, str], labels: Mapping[str, str], *, dayfirst: bool):
        self._values = values
        self._labels = labels
        self._dayfirst = dayfirst
        self.problems: list[str] = []

    def _label(self, field: str) -> str:
        """The column's header as the file writes it."""
        return self._labels.get(field, field)

    def _parse(self, field: str, parse: Callable[[str], T]) -> T | None:
        text = self._values.get(field, "")
        if not text:
            return None
        try:
            return parse(text)
        except CellError as exc:
            self.problems.append(f"{self._label(field)}: {exc}.")
            return None

    def required(self, field: str, value: T | None, placeholder: T) -> T:
        """``value``, or the placeholder and a problem when the cell is empty."""
        if value is not None:
            return value
        if not self._values.get(field, ""):
            self.problems.append(f"{self._label(field)} is empty.")
        return placeholder

    def text(self, field: str, *, limit: int) -> str | None:
        def within_limit(text: str) -> str:
            if len(text) > limit:
                raise CellError(f"{len(text):,} characters is too long; the limit is {limit:,}")
            return text

        return self._parse(field, within_limit)

    def number(self, field: str, *, minimum: int, maximum: int) -> int | None:
        return self._parse(field, lambda t: parse_whole_number(t, minimum=minimum, maximum=maximum))

    def flag(self, field: str) -> bool:
        return self._parse(field, parse_flag) or False

    def choice(self, field: str, choices: type[E]) -> E | None:
        return self._parse(field, lambda t: parse_choice(t, choices))

    def account_kind(self, field: str) -> AccountKind:
        return self._parse(field, parse_account_kind) or AccountKind.CUSTOMER

    def tags(self, field: str) -> tuple[str, ...]:
        return self._parse(field, split_tags) or ()

    def date(self, field: str) -> date | None:
        return self._parse(field, lambda t: parse_date(t, dayfirst=self._dayfirst))

    def datetime(self, field: str) -> datetime | None:
        return self._parse(field, lambda t: parse_datetime(t, dayfirst=self._dayfirst))

    def amount(
        self, field: str, currency_field: str, *, plain_first: bool = False
    ) -> tuple[Decimal | None, str | None]:
        """The amount and its currency, from the currency column or written with the amount."""
        amount = self._parse(field, lambda t: parse_amount(t, plain_first=plain_first))
        value, written = amount or (None, None)
        currency = self._parse(currency_field, parse_currency)
        if currency and written and currency != written:
            self.problems.append(
                f"{self._label(field)}: “{self._values[field]}” is in {written}, "
                f"but {self._label(currency_field)} says {currency}."
            )
        return value, currency or written


def _account_row(line: int, c: _Cells) -> AccountRow:
    value, currency = c.amount("contract_value", "currency")
    return AccountRow(
        line=line,
        name=c.required("name", c.text("name", limit=MAX_NAME_LENGTH), ""),
        owner=c.text("owner", limit=_MAX_SHORT_TEXT),
        kind=c.account_kind("kind"),
        tier=c.text("tier", limit=MAX_TIER_LENGTH),
        status=c.choice("status", AccountStatus),
        cadence_days=c.number("cadence_days", minimum=1, maximum=MAX_CADENCE_DAYS),
        tags=c.tags("tags"),
        renewal_date=c.date("renewal_date"),
        contract_value=value,
        currency=currency,
        notice_days=c.number("notice_days", minimum=0, maximum=MAX_NOTICE_DAYS),
        auto_renew=c.flag("auto_renew"),
        created_at=c.datetime("created_at"),
        last_touch_at=c.datetime("last_touch_at"),
    )


def _account_name(c: _Cells) -> str:
    return c.required("account", c.text("account", limit=MAX_NAME_LENGTH), "")


def _contact_row(line: int, c: _Cells) -> ContactRow:
    return ContactRow(
        line=line,
        account=_account_name(c),
        name=c.required("name", c.text("name", limit=MAX_NAME_LENGTH), ""),
        title=c.text("title", limit=_MAX_SHORT_TEXT),
        email=c.text("email", limit=_MAX_SHORT_TEXT),
        phone=c.text("phone", limit=_MAX_SHORT_TEXT),
        slack_user_id=c.text("slack_user_id", limit=_MAX_SHORT_TEXT),
    )


def _interaction_row(line: int, c: _Cells) -> InteractionRow:
    return InteractionRow(
        line=line,
        account=_account_name(c),
        kind=c.required("kind", c.choice("kind", InteractionKind), InteractionKind.NOTE),
        occurred_at=c.required("occurred_at", c.datetime("occurred_at"), _NO_TIME),
        summary=c.text("summary", limit=MAX_SUMMARY_LENGTH) or "",
        logged_by=c.text("logged_by", limit=_MAX_SHORT_TEXT),
        contact=c.text("contact", limit=MAX_NAME_LENGTH),
        permalink=c.text("permalink", limit=_MAX_LINK_LENGTH),
    )


def _follow_up_row(line: int, c: _Cells) -> FollowUpRow:
    return FollowUpRow(
        line=line,
        account=_account_name(c),
        number=c.number("number", minimum=1, maximum=_MAX_FOLLOW_UP_NUMBER),
        owner=c.text("owner", limit=_MAX_SHORT_TEXT),
        due_at=c.required("due_at", c.datetime("due_at"), _NO_TIME),
        text=c.required("text", c.text("text", limit=MAX_FOLLOW_UP_TEXT_LENGTH), ""),
        status=c.choice("status", FollowUpStatus) or FollowUpStatus.OPEN,
        snoozed_until=c.datetime("snoozed_until"),
        created_by=c.text("created_by", limit=_MAX_SHORT_TEXT),
        created_at=c.datetime("created_at"),
        completed_by=c.text("completed_by", limit=_MAX_SHORT_TEXT),
        completed_at=c.datetime("completed_at"),
    )


def _contract_row(line: int, c: _Cells) -> ContractRow:
    # Our export writes plain decimals: "1.500" there is one and a half.
    value, currency = c.amount("value", "currency", plain_first=True)
    return ContractRow(
        line=line,
        account=_account_name(c),
        value=c.required("value", value, Decimal(0)),
        currency=c.required("currency", currency, ""),
        start_date=c.date("start_date"),
        renewal_date=c.required("renewal_date", c.date("renewal_date"), _NO_DATE),
        notice_days=c.number("notice_days", minimum=0, maximum=MAX_NOTICE_DAYS),
        auto_renew=c.flag("auto_renew"),
        direction=c.choice("direction", ContractDirection),
        outcome=c.choice("outcome", RenewalOutcome),
        outcome_at=c.datetime("outcome_at"),
    )


# Each builder returns a row even when a cell is wrong; the caller keeps it only when
# the cells noted no problem.
_BUILDERS: Mapping[RecordKind, Callable[[int, _Cells], Row]] = {
    RecordKind.ACCOUNTS: _account_row,
    RecordKind.CONTACTS: _contact_row,
    RecordKind.INTERACTIONS: _interaction_row,
    RecordKind.FOLLOW_UPS: _follow_up_row,
    RecordKind.CONTRACTS: _contract_row,
}
