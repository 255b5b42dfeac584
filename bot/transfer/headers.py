"""Which column holds which field: the header aliases, and telling the five files apart.

``HEADER_ALIASES`` is the one table of accepted headers (the README lists it). Headers
match case-insensitively, ignoring surrounding spaces and the difference between ``_``,
``-`` and spaces. Where a file has several columns for one field, the alias listed first
wins and the others are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.transfer.records import RecordKind

# The column that names the account a contact, interaction, follow-up or contract belongs
# to. In an accounts file a bare "Account" is the account's own name instead.
_ACCOUNT_REFERENCE = ("Account",)

HEADER_ALIASES: Mapping[RecordKind, Mapping[str, tuple[str, ...]]] = {
    RecordKind.ACCOUNTS: {
        "name": ("Name", "Account Name", "Company name", "Company", "Account"),
        "owner": (
            "Owner",
            "Account Owner",
            "Company owner",
            "Owner Email",
            "Contact owner",
            "HubSpot Owner",
            "Owner Name",
        ),
        "kind": ("Kind", "Type", "Account Type", "Company type"),
        "tier": ("Tier", "Customer Tier", "Account Tier", "Segment"),
        "status": ("Status", "Account Status", "Company Status"),
        "cadence_days": ("Cadence Days", "Cadence"),
        "tags": ("Tags", "Tag", "Labels"),
        "renewal_date": (
            "Renewal Date",
            "Contract End Date",
            "Renewal",
            "Next Renewal Date",
            "Contract Renewal Date",
        ),
        "contract_value": ("Contract Value", "ARR", "Annual Contract Value", "ACV", "Amount"),
        "currency": ("Currency", "Currency ISO Code", "Currency Code"),
        "notice_days": ("Notice Days", "Notice Period Days", "Notice Period"),
        "auto_renew": ("Auto Renew", "Auto Renewal", "Autorenew"),
        "created_at": ("Created At", "Create Date", "Created Date", "Created On", "Date Created"),
        "last_touch_at": ("Last Touch At", "Last Activity Date", "Last Activity"),
    },
    RecordKind.CONTACTS: {
        "account": _ACCOUNT_REFERENCE,
        "name": ("Name", "Contact Name", "Full Name"),
        "title": ("Title", "Job Title"),
        "email": ("Email", "E-mail", "Email Address"),
        "phone": ("Phone", "Phone Number"),
        "slack_user_id": ("Slack User", "Slack User ID", "Slack ID"),
    },
    RecordKind.INTERACTIONS: {
        "account": _ACCOUNT_REFERENCE,
        "kind": ("Kind", "Type"),
        "occurred_at": ("Occurred At", "Date"),
        "summary": ("Summary", "Notes"),
        "logged_by": ("Logged By",),
        "contact": ("Contact",),
        "permalink": ("Permalink",),
    },
    RecordKind.FOLLOW_UPS: {
        "account": _ACCOUNT_REFERENCE,
        "number": ("Number",),
        "owner": ("Owner",),
        "due_at": ("Due At", "Due", "Due Date"),
        "text": ("Text",),
        "status": ("Status",),
        "snoozed_until": ("Snoozed Until",),
        "created_by": ("Created By",),
        "created_at": ("Created At",),
        "completed_by": ("Completed By",),
        "completed_at": ("Completed At",),
    },
    RecordKind.CONTRACTS: {
        "account": _ACCOUNT_REFERENCE,
        "value": ("Value", "Contract Value", "Amount"),
        "currency": ("Currency", "Currency ISO Code", "Currency Code"),
        "start_date": ("Start Date", "Contract Start Date"),
        "renewal_date": ("Renewal Date", "Contract End Date"),
        "notice_days": ("Notice Days", "Notice Period Days", "Notice Period"),
        "auto_renew": ("Auto Renew", "Auto Renewal", "Autorenew"),
        "direction": ("Direction",),
        "outcome": ("Outcome",),
        "outcome_at": ("Outcome At",),
    },
}

# The columns a file of each kind cannot do without.
REQUIRED_FIELDS: Mapping[RecordKind, tuple[str, ...]] = {
    RecordKind.ACCOUNTS: ("name",),
    RecordKind.CONTACTS: ("account", "name"),
    RecordKind.INTERACTIONS: ("account", "kind", "occurred_at"),
    RecordKind.FOLLOW_UPS: ("account", "due_at", "text"),
    RecordKind.CONTRACTS: ("account", "value", "currency", "renewal_date"),
}

# What our own export writes; every one of these must be an alias above.
EXPORT_HEADERS: Mapping[RecordKind, tuple[str, ...]] = {
    RecordKind.ACCOUNTS: (
        "Name",
        "Kind",
        "Owner",
        "Tier",
        "Status",
        "Cadence Days",
        "Tags",
        "Created At",
        "Last Touch At",
    ),
    RecordKind.CONTACTS: ("Account", "Name", "Title", "Email", "Phone", "Slack User"),
    RecordKind.INTERACTIONS: (
        "Account",
        "Kind",
        "Occurred At",
        "Summary",
        "Logged By",
        "Contact",
        "Permalink",
    ),
    RecordKind.FOLLOW_UPS: (
        "Account",
        "Number",
        "Owner",
        "Due At",
        "Text",
        "Status",
        "Snoozed Until",
        "Created By",
        "Created At",
        "Completed By",
        "Completed At",
    ),
    RecordKind.CONTRACTS: (
        "Account",
        "Value",
        "Currency",
        "Start Date",
        "Renewal Date",
        "Notice Days",
        "Auto Renew",
        "Direction",
        "Outcome",
        "Outcome At",
    ),
}

# When two kinds fit a header equally well (and are equally complete), the first listed
# wins: a bare "Account" column says the file refers to accounts rather than being one.
_DETECTION_ORDER = (
    RecordKind.CONTACTS,
    RecordKind.INTERACTIONS,
    RecordKind.FOLLOW_UPS,
    RecordKind.CONTRACTS,
    RecordKind.ACCOUNTS,
)


def normalize_header(header: str) -> str:
    """``" Account_Owner "`` and ``"account-owner"`` both become ``"account owner"``."""
    return " ".join(re.sub(r"[_\-]+", " ", header.strip(" \ufeff").casefold()).split())


@dataclass(frozen=True, slots=True)
class HeaderMap:
    """Which column each field of one record kind reads from."""

    kind: RecordKind
    columns: Mapping[str, int]  # field -> column index
    ignored: tuple[str, ...]  # headers as written, in file order

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(f for f in REQUIRED_FIELDS[self.kind] if f not in self.columns)


def map_headers(kind: RecordKind, headers: Sequence[str]) -> HeaderMap:
    normalized = [normalize_header(h) for h in headers]
    columns: dict[str, int] = {}
    for field, aliases in HEADER_ALIASES[kind].items():
        for alias in aliases:
            key = normalize_header(alias)
            index = next(
                (i for i, h in enumerate(normalized) if h == key and i not in columns.values()),
                None,
            )
            if index is not None:
                columns[field] = index
                break
    used = set(columns.values())
    ignored = tuple(
        h.strip(" \ufeff") for i, h in enumerate(headers) if i not in used and h.strip(" \ufeff")
    )
    return HeaderMap(kind, columns, ignored)


def detect_headers(headers: Sequence[str]) -> HeaderMap:
    """The record kind whose columns the header fits best.

    Only a header with a bare ``Account`` column can be anything but accounts. The kind
    that maps the most columns wins; at equal counts a complete kind beats one missing a
    required column, then ``_DETECTION_ORDER`` decides. The result may still miss
    required columns (``HeaderMap.missing``): the file is then one file-level error.
    """
    maps = [map_headers(kind, headers) for kind in _DETECTION_ORDER]
    candidates = [
        (len(m.columns), not m.missing, -order, m)
        for order, m in enumerate(maps)
        if "account" in m.columns or (m.kind is RecordKind.ACCOUNTS and "name" in m.columns)
    ]
    if not candidates:
        return maps[-1]  # an accounts file without a name column
    return max(candidates, key=lambda c: c[:3])[3]


def describe_missing(header_map: HeaderMap) -> str:
    """A file-level error for a header that lacks a column this kind needs."""
    aliases = HEADER_ALIASES[header_map.kind]
    if header_map.kind is RecordKind.ACCOUNTS:
        accepted = ", ".join(aliases["name"])
        return f"The file has no account name column; the header needs one of: {accepted}."
    wanted = "; ".join(
        f"{aliases[field][0]} (or {', '.join(aliases[field][1:])})"
        if len(aliases[field]) > 1
        else aliases[field][0]
        for field in header_map.missing
    )
    kind = header_map.kind.value.replace("_", "-")
    article = "an" if kind[0] in "aeiou" else "a"
    return (
        f"This looks like {article} {kind} file (it has an Account column), "
        f"but the header has no column for: {wanted}."
    )
