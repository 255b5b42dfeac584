"""Reading an import file: bytes in, typed rows and per-line errors out.

The file is UTF-8 (with or without a byte-order mark), UTF-16 with its mark, else
Windows-1252 when it reads like Western European text (``decoding``); its columns are
separated by commas, semicolons or tabs, whichever the header uses most.

Per cell, not per row: a row is kept whenever its required cells read (an account's name;
a contact's account and name; …). Any other cell that cannot be read is left empty or at
its default and reported as a ``CellNote`` by line and column. A row whose required cells
do not read is a ``RowError`` and skipped; so are lines whose quotes do not pair up, each
costing only its own lines (``splitting``). The rest still reads.

A file whose header cannot be read, or lacks a column its kind cannot do without (an
accounts file's name), is ``refused`` whole: its one error, on the header's line, says why.
"""

from __future__ import annotations

import csv
import enum
import re
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TypeVar

from bot.domain import (
    MAX_CADENCE_DAYS,
    MAX_FOLLOW_UP_TEXT_LENGTH,
    MAX_NAME_LENGTH,
    MAX_SUMMARY_LENGTH,
    MAX_TIER_LENGTH,
    AccountKind,
    AccountStatus,
    ContractDirection,
    FollowUpStatus,
    InteractionKind,
    RenewalOutcome,
)
from bot.transfer.conventions import Conventions
from bot.transfer.decoding import decode
from bot.transfer.headers import REQUIRED_FIELDS, HeaderMap, describe_missing, detect_headers
from bot.transfer.records import (
    AccountRow,
    CellNote,
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
    parse_notice,
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
    """Read one CSV export. Bytes are decoded as ``decoding.decode`` says (``encoding``
    names the codec), and raise ``UnreadableFile`` when that cannot be done faithfully.

    The file's own dates decide whether ``3/4/2027`` is 3 April: one slashed date that
    can only be day-first (``31/3/2027``) or only month-first (``3/31/2027``) settles it
    for the whole file; ``dayfirst`` (the workspace's setting) decides only when none does.
    Dotted dates are always day-first. Each amount column's decimal mark is found the same
    way (``values.decimal_mark``). What was decided is said in ``ImportFile.notes``."""
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
    errors: list[RowError] = []
    header_map: HeaderMap | None = None
    headers: list[str] = []
    body: list[tuple[int, dict[str, str]]] = []
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
                refusal = RowError(line, describe_missing(header_map))
                return _refused(header_map.kind, refusal, notes, header_map.ignored)
            records.fields = len(headers)
            continue
        if _is_footer(cells):
            continue  # a Salesforce report's totals, confidentiality line and copyright
        if len(cells) > len(headers) and any(cell.strip() for cell in cells[len(headers) :]):
            errors.append(
                RowError(
                    line,
                    f"The row has {len(cells)} fields but the header has {len(headers)}; "
                    f"a value containing {_delimiter_name(delimiter)} must be in double quotes.",
                )
            )
            continue
        body.append(
            (
                line,
                {
                    field: unescape_formula(cells[index].strip()) if index < len(cells) else ""
                    for field, index in header_map.columns.items()
                },
            )
        )

    if header_map is None:  # the header line does not read, or there is none
        refusal = errors[0] if errors else RowError(first_line, _NO_HEADER)
        return _refused(RecordKind.ACCOUNTS, refusal, notes)
    labels = {field: headers[index] for field, index in header_map.columns.items()}
    conventions = Conventions.of(body, labels, dayfirst=dayfirst)
    notes += conventions.notes
    rows: list[Row] = []
    people: list[Row] = []  # contacts an accounts file yields, after all of its accounts
    cell_notes: list[CellNote] = []
    kind = header_map.kind
    required = {
        *REQUIRED_FIELDS[kind],
        *_WHOLE_ROW_CELLS.get(kind, ()),
    } - _OPTIONAL_CELLS.get(kind, frozenset())
    for line, values in body:
        row_cells = _Cells(line, values, labels, required, conventions)
        built = _BUILDERS[kind](line, row_cells)
        if row_cells.problems:
            errors.extend(RowError(line, problem) for problem in row_cells.problems)
            continue
        cell_notes += row_cells.notes
        for row in built:
            kept = (
                people
                if isinstance(row, ContactRow) and header_map.kind is not RecordKind.CONTACTS
                else rows
            )
            kept.append(row)
    errors.sort(key=lambda error: error.line)
    return ImportFile(
        header_map.kind, rows + people, errors, list(header_map.ignored), notes, cell_notes
    )


_NO_HEADER = "The file is empty: it has no header line."


def _refused(
    kind: RecordKind, refusal: RowError, notes: list[str], ignored: Collection[str] = ()
) -> ImportFile:
    """A file the reader stops at the header of: no rows, and one error that says why."""
    return ImportFile(kind, [], [refusal], list(ignored), notes, refused=True)


# Optional cells that a row is not kept without when they cannot be read: an interaction
# cut off from its summary would keep only its date.
_WHOLE_ROW_CELLS: Mapping[RecordKind, tuple[str, ...]] = {RecordKind.INTERACTIONS: ("summary",)}

# Columns a file of its kind must have whose cells a row can do without: a contract's
# value may be unknown (our export writes none then), and without a currency the import's
# own is used. The renewal date stays required: a contract is its renewal.
_OPTIONAL_CELLS: Mapping[RecordKind, frozenset[str]] = {
    RecordKind.CONTRACTS: frozenset({"value", "currency"})
}

# Lines a Salesforce report ends with, each alone in the first column.
_FOOTER = re.compile(
    r"grand totals? \(\d[\d,.]* records?\)|total \(\d[\d,.]* records?\)"
    r"|confidential information - do not distribute|copyright (?:©|\(c\)) .*",
    re.IGNORECASE,
)


def _is_footer(cells: list[str]) -> bool:
    filled = [cell.strip() for cell in cells if cell.strip()]
    return len(filled) == 1 and cells[0].strip() == filled[0] and bool(_FOOTER.fullmatch(filled[0]))


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
    """One row's cells by field; each reader notes what is wrong instead of raising.

    A required cell that cannot be read is a ``problem``: the row is skipped. Any other
    cell that cannot be read is a ``CellNote``: the field is left empty (or at its
    default) and the row is kept.
    """

    def __init__(
        self,
        line: int,
        values: Mapping[str, str],
        labels: Mapping[str, str],
        required: Collection[str],
        conventions: Conventions,
    ):
        self._line = line
        self._values = values
        self._labels = labels
        self._required = required
        self._conventions = conventions
        self.problems: list[str] = []
        self.notes: list[CellNote] = []

    def _label(self, field: str) -> str:
        """The column's header as the file writes it."""
        return self._labels.get(field, field)

    def has(self, field: str) -> bool:
        return bool(self._values.get(field, ""))

    def _refuse(self, field: str, reason: str, instead: str) -> None:
        asks = reason.endswith("?")  # "… is too large (the limit is …); a typo?"
        if field in self._required:
            self.problems.append(f"{self._label(field)}: {reason}{'' if asks else '.'}")
        else:
            said = f"{reason} {instead.capitalize()}." if asks else f"{reason}; {instead}."
            self.notes.append(CellNote(self._line, self._label(field), said))

    def _parse(
        self, field: str, parse: Callable[[str], T], instead: str = "left empty"
    ) -> T | None:
        text = self._values.get(field, "")
        if not text:
            return None
        try:
            return parse(text)
        except CellError as exc:
            self._refuse(field, str(exc), instead)
            return None

    def problem(self, message: str) -> None:
        self.problems.append(message)

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
        return self._parse(field, parse_flag, "read as no") or False

    def choice(self, field: str, choices: type[E]) -> E | None:
        return self._parse(field, lambda t: parse_choice(t, choices))

    def account_kind(self, field: str) -> AccountKind | None:
        """The kind, or None (empty, or not a kind): a new account is then a customer and an
        existing one keeps its kind, as the importer decides."""
        return self._parse(field, parse_account_kind, _NO_KIND)

    def tags(self, field: str) -> tuple[str, ...]:
        return self._parse(field, split_tags) or ()

    def is_company(self, field: str) -> bool | None:
        return self._parse(field, _parse_is_company, "read as a company")

    def notice(self, field: str) -> tuple[int | None, int | None]:
        """Notice as (days, months); months only when the cell gives months."""
        return self._parse(field, parse_notice) or (None, None)

    def date(self, field: str) -> date | None:
        return self._parse(field, lambda t: parse_date(t, dayfirst=self._conventions.dayfirst))

    def datetime(self, field: str) -> datetime | None:
        return self._parse(field, lambda t: parse_datetime(t, dayfirst=self._conventions.dayfirst))

    def amount(
        self, field: str, currency_field: str, *, plain_first: bool = False
    ) -> tuple[Decimal | None, str | None]:
        """The amount and its currency, from the currency column or written with the amount."""
        separators = self._conventions.separators.get(field)
        amount = self._parse(
            field, lambda t: parse_amount(t, plain_first=plain_first, separators=separators)
        )
        value, written = amount or (None, None)
        currency = self._parse(currency_field, parse_currency)
        if currency and written and currency != written:
            self._refuse(
                field,
                f"“{self._values[field]}” is in {written}, "
                f"but {self._label(currency_field)} says {currency}",
                "left empty",
            )
            return None, currency
        return value, currency or written


_NO_KIND = "a new account is a customer, an existing one keeps its kind"


def _account_rows(line: int, c: _Cells) -> list[Row]:
    """The account a row describes and the person it names, if any; or, for an Odoo
    person of a related company, that person only, as a contact of that company."""
    name = c.required("name", c.text("name", limit=MAX_NAME_LENGTH), "")
    company = c.text("parent_company", limit=MAX_NAME_LENGTH)
    is_company = c.is_company("is_company")
    if is_company is False and company:
        return [_person(line, c, account=company, name=name)]
    value, currency = c.amount("contract_value", "currency")
    notice_days, notice_months = c.notice("notice_days")
    account = AccountRow(
        line=line,
        name=name,
        owner=c.text("owner", limit=_MAX_SHORT_TEXT),
        kind=c.account_kind("kind"),
        tier=c.text("tier", limit=MAX_TIER_LENGTH),
        status=c.choice("status", AccountStatus),
        cadence_days=c.number("cadence_days", minimum=1, maximum=MAX_CADENCE_DAYS),
        tags=c.tags("tags"),
        renewal_date=c.date("renewal_date"),
        contract_value=value,
        currency=currency,
        notice_days=notice_days,
        auto_renew=c.flag("auto_renew"),
        created_at=c.datetime("created_at"),
        last_touch_at=c.datetime("last_touch_at"),
        notice_months=notice_months,
        start_date=c.date("start_date"),
    )
    contact = c.text("contact_name", limit=MAX_NAME_LENGTH)
    if contact and name:
        return [account, _person(line, c, account=name, name=contact)]
    return [account]


def _parse_is_company(text: str) -> bool:
    """Odoo's ``Is a Company`` (True/False) or ``Company Type`` (Company/Individual)."""
    match text.casefold():
        case "company":
            return True
        case "individual" | "person":
            return False
    return parse_flag(text)


def _person(line: int, c: _Cells, *, account: str, name: str) -> ContactRow:
    return ContactRow(
        line=line,
        account=account,
        name=name,
        title=c.text("contact_title", limit=_MAX_SHORT_TEXT),
        email=c.text("contact_email", limit=_MAX_SHORT_TEXT),
        phone=c.text("contact_phone", limit=_MAX_SHORT_TEXT),
        slack_user_id=None,
    )


def _account_name(c: _Cells) -> str:
    return c.required("account", c.text("account", limit=MAX_NAME_LENGTH), "")


def _contact_rows(line: int, c: _Cells) -> list[Row]:
    account = _account_name(c)
    name = c.text("name", limit=MAX_NAME_LENGTH)
    if name is None and not c.has("name"):
        # HubSpot and Pipedrive write first and last names apart.
        parts = [c.text(part, limit=MAX_NAME_LENGTH) for part in ("first_name", "last_name")]
        name = " ".join(part for part in parts if part)[:MAX_NAME_LENGTH] or None
        if name is None:
            c.problem("The contact has no name.")
    return [
        ContactRow(
            line=line,
            account=account,
            name=c.required("name", name, "") if c.has("name") else name or "",
            title=c.text("title", limit=_MAX_SHORT_TEXT),
            email=c.text("email", limit=_MAX_SHORT_TEXT),
            phone=c.text("phone", limit=_MAX_SHORT_TEXT),
            slack_user_id=c.text("slack_user_id", limit=_MAX_SHORT_TEXT),
        )
    ]


def _interaction_rows(line: int, c: _Cells) -> list[Row]:
    return [
        InteractionRow(
            line=line,
            account=_account_name(c),
            kind=c.required("kind", c.choice("kind", InteractionKind), InteractionKind.NOTE),
            occurred_at=c.required("occurred_at", c.datetime("occurred_at"), _NO_TIME),
            summary=c.text("summary", limit=MAX_SUMMARY_LENGTH) or "",
            logged_by=c.text("logged_by", limit=_MAX_SHORT_TEXT),
            contact=c.text("contact", limit=MAX_NAME_LENGTH),
            permalink=c.text("permalink", limit=_MAX_LINK_LENGTH),
        )
    ]


def _follow_up_rows(line: int, c: _Cells) -> list[Row]:
    return [
        FollowUpRow(
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
    ]


def _contract_rows(line: int, c: _Cells) -> list[Row]:
    """A contract of our own export; without a value its value is unknown, without a
    currency it is in the import's currency."""
    # Our export writes plain decimals: "1.500" there is one and a half.
    value, currency = c.amount("value", "currency", plain_first=True)
    notice_days, notice_months = c.notice("notice_days")
    return [
        ContractRow(
            line=line,
            account=_account_name(c),
            value=value,
            currency=currency,
            start_date=c.date("start_date"),
            renewal_date=c.required("renewal_date", c.date("renewal_date"), _NO_DATE),
            notice_days=notice_days,
            auto_renew=c.flag("auto_renew"),
            direction=c.choice("direction", ContractDirection),
            outcome=c.choice("outcome", RenewalOutcome),
            outcome_at=c.datetime("outcome_at"),
            notice_months=notice_months,
        )
    ]


# Each builder returns its rows even when a cell is wrong; the caller keeps them only
# when no required cell had a problem.
_BUILDERS: Mapping[RecordKind, Callable[[int, _Cells], list[Row]]] = {
    RecordKind.ACCOUNTS: _account_rows,
    RecordKind.CONTACTS: _contact_rows,
    RecordKind.INTERACTIONS: _interaction_rows,
    RecordKind.FOLLOW_UPS: _follow_up_rows,
    RecordKind.CONTRACTS: _contract_rows,
}
