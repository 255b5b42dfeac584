"""Which column holds which field: the header aliases, and telling the five files apart.

``HEADER_ALIASES`` is the one table of accepted headers (the README lists it), with the
labels that CRMs and spreadsheets export: HubSpot, Salesforce (reports' labels and the
Data Loader's API names), Pipedrive, Zoho CRM, Odoo, Dynamics 365, SuiteCRM and German
lists. Headers match ignoring case, spaces, ``_``, ``-`` and brackets, and Salesforce's
``__c`` custom-field suffix (``NOTICE_PERIOD_DAYS__C`` is ``Notice Period (Days)``).
Dynamics 365's ``(Do Not Modify) …`` columns match no field and are not listed as
ignored. Where a file has several columns for one field, the alias listed first wins and
the others are ignored.

Where each layout's headers were checked (custom fields, such as a renewal date or a
contract value, are each team's own; only their usual names are listed):

- HubSpot: the labels its properties API gives default properties ("Company name",
  "Company owner", "Contact owner", "Type", "Create Date", "Last Activity Date", "Company
  Name", "HubSpot Owner Email"/"Name"); public code reading HubSpot exports for
  "Associated Company" and "Associated Company (Primary)".
- Salesforce: developer.salesforce.com/docs/platform/field-reference (Account) for API
  names; github.com/forcedotcom/dataloader issues 1095 and 1499 (upper-case headers up to
  v60, the query's spelling since); report labels and footer from public code reading
  report exports.
- Pipedrive: public code reading real exports ("Organization - Organization created",
  "Person - Email - Home", "Person - Phone - Mobile", "Person - Job title" …).
- Zoho CRM: zoho.com/crm/help/api/modules-fields.html (Accounts).
- Odoo: odoo/odoo odoo/addons/base/models/res_partner.py (field strings) and
  addons/web/controllers/export.py (headers are those strings; an "import-compatible"
  export writes technical names such as ``parent_id``, not listed).
- Dynamics 365: learn.microsoft.com/power-apps/developer/data-platform/reference/entities/
  account, and public code reading "Export to Excel" files.
- SuiteCRM: salesagility/SuiteCRM include/export_utils.php (``translateForExport``) with
  modules/Accounts/language/en_us.lang.php (``LBL_EXPORT_ASSIGNED_USER_NAME``).
- German lists: no vendor; the words German spreadsheets use.
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
        "name": (
            "Name",
            "Account Name",
            "Company name",
            "Company",
            "Account",
            "Organization - Name",  # Pipedrive
            "Firmenname",
            "Firma",
            "Display Name",  # Odoo
        ),
        "owner": (
            "Owner",
            "Account Owner",  # Salesforce, Zoho
            "Company owner",  # HubSpot
            "HubSpot Owner Name",  # HubSpot's older owner properties
            "HubSpot Owner Email",
            "Owner Email",
            "Contact owner",
            "HubSpot Owner",
            "Owner Name",
            "Owner.Name",  # Salesforce Data Loader, when the query asks for Owner.Name
            "OwnerId",  # Salesforce Data Loader: a user id
            "Organization - Owner",  # Pipedrive
            "Salesperson",  # Odoo
            "Assigned to",  # SuiteCRM's form label
            "Assigned User Name",  # SuiteCRM's export: the user's login name
            "Betreuer",
            "Kundenbetreuer",
        ),
        "kind": (
            "Kind",
            "Type",
            "Account Type",
            "Relationship Type",  # Dynamics 365
            "Typ",
            "Kundentyp",
        ),
        "tier": ("Tier", "Customer Tier", "Account Tier", "Segment"),
        "status": ("Status", "Account Status", "Company Status"),
        "cadence_days": ("Cadence Days", "Cadence"),
        "tags": (
            "Tags",
            "Tag",  # Zoho
            "Labels",
            "Organization - Labels",  # Pipedrive
            "Organization - Label",
            "Schlagworte",
        ),
        "renewal_date": (
            "Renewal Date",
            "Contract End Date",
            "Renewal",
            "Next Renewal Date",
            "Contract Renewal Date",
            "Vertragsende",
        ),
        "start_date": ("Contract Start Date", "Vertragsbeginn"),
        "contract_value": (
            "Contract Value",
            "ARR",
            "Annual Contract Value",
            "ACV",
            "Amount",
            "Jahreswert",
            "Vertragswert",
        ),
        "currency": (
            "Currency",  # Zoho, Dynamics 365 (a name: US Dollar)
            "Currency ISO Code",  # Salesforce: CurrencyIsoCode
            "Currency Code",
            "Account Currency",  # Salesforce reports
            "Währung",
        ),
        "notice_days": (
            "Notice Days",
            "Notice Period Days",  # also Salesforce's Notice_Period_Days__c
            "Notice Period",
            "Kündigungsfrist",
        ),
        "auto_renew": ("Auto Renew", "Auto Renewal", "Automatische Verlängerung"),
        "created_at": (
            "Created At",
            "Create Date",  # HubSpot
            "Created Date",  # Salesforce: CreatedDate
            "Created On",  # Dynamics 365
            "Date Created",  # SuiteCRM
            "Created Time",  # Zoho
            "Organization - Organization created",  # Pipedrive
            "Organization - Add time",  # Pipedrive, older exports
            "Erstellt am",
        ),
        "last_touch_at": (
            "Last Touch At",
            "Last Activity Date",  # HubSpot; Salesforce: LastActivityDate
            "Last Activity",
            "Last Activity Time",  # Zoho
            "Organization - Last activity date",  # Pipedrive
        ),
        # A person in the row: Odoo's people (with "Is a Company" false and a related
        # company), Dynamics 365's primary contact, a German list's Ansprechpartner.
        "is_company": ("Is a Company", "Company Type"),  # Odoo: True/False, Company/Individual
        "parent_company": ("Related Company", "Parent Company"),  # Odoo
        "contact_name": ("Primary Contact", "Ansprechpartner", "Contact Name"),
        "contact_title": ("Job Position", "Position"),
        "contact_email": (
            "Email (Primary Contact) (Contact)",  # Dynamics 365's export
            "Email (Primary Contact)",  # the same column as Dynamics 365's view names it
            "Email",  # also E-Mail: spaces and hyphens never matter
        ),
        "contact_phone": ("Phone", "Telefon"),
    },
    RecordKind.CONTACTS: {
        "account": (
            "Account",
            "Associated Company",  # HubSpot contacts, with their associations
            "Associated Company (Primary)",  # HubSpot contacts, newer exports
            "Person - Organization",  # Pipedrive persons
            "Company Name",  # HubSpot's contact property (text, beside a person only)
        ),
        "name": ("Name", "Contact Name", "Full Name", "Person - Name"),
        "first_name": ("First Name", "Person - First name", "Vorname"),
        "last_name": ("Last Name", "Person - Last name", "Nachname"),
        "title": ("Title", "Job Title", "Person - Job title"),
        "email": (
            "Email",
            "Email Address",
            "Person - Email",
            "Person - Email - Work",  # Pipedrive: one column per label, work first
            "Person - Email - Home",
            "Person - Email - Other",
        ),
        "phone": (
            "Phone",
            "Phone Number",
            "Person - Phone",
            "Person - Phone - Work",
            "Person - Phone - Mobile",
            "Person - Phone - Home",
            "Person - Phone - Other",
            "Telefon",
        ),
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
        "auto_renew": ("Auto Renew", "Auto Renewal"),
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

# In an accounts file, a person's details count only in a file that names people.
_PERSON_NAMES = frozenset({"contact_name", "parent_company"})
_PERSON_DETAILS = ("contact_title", "contact_email", "contact_phone")

# HubSpot's "Company Name" names a contact's company, but an accounts file's own name
# column is spelt the same: it makes a contacts file only beside a person's name.
_COMPANY_NAME = "Company Name"
_PERSON_NAME_FIELDS = frozenset({"name", "first_name", "last_name"})

# Columns that stand in for a required one: First Name and Last Name make a name.
_INSTEAD: Mapping[tuple[RecordKind, str], tuple[str, ...]] = {
    (RecordKind.CONTACTS, "name"): ("first_name", "last_name"),
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
    """``" Account_Owner "`` and ``"account-owner"`` both become ``"account owner"``;
    Salesforce's custom-field suffix and brackets go: ``Notice_Period_Days__c`` and
    ``Notice Period (Days)`` become ``"notice period days"``."""
    text = re.sub(r"__c$", "", header.strip(" \ufeff").casefold())
    return " ".join(re.sub(r"[_\-()]+", " ", text).split())


def match_key(header: str) -> str:
    """What two headers share when they match: Salesforce's Data Loader writes API names
    (``OWNERID``, ``CURRENCYISOCODE``, ``LASTACTIVITYDATE``), its reports labels."""
    return normalize_header(header).replace(" ", "")


# Dynamics 365 "Export to Excel" adds these for its own re-import: no data to mention.
_NOT_DATA = re.compile(r"\s*\(do not modify\)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HeaderMap:
    """Which column each field of one record kind reads from."""

    kind: RecordKind
    columns: Mapping[str, int]  # field -> column index
    ignored: tuple[str, ...]  # headers as written, in file order

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(
            f
            for f in REQUIRED_FIELDS[self.kind]
            if f not in self.columns
            and not any(a in self.columns for a in _INSTEAD.get((self.kind, f), ()))
        )


def map_headers(kind: RecordKind, headers: Sequence[str]) -> HeaderMap:
    normalized = [match_key(h) for h in headers]
    columns: dict[str, int] = {}
    for field, aliases in HEADER_ALIASES[kind].items():
        for alias in aliases:
            key = match_key(alias)
            index = next(
                (i for i, h in enumerate(normalized) if h == key and i not in columns.values()),
                None,
            )
            if index is not None:
                columns[field] = index
                break
    if kind is RecordKind.ACCOUNTS and not columns.keys() & _PERSON_NAMES:
        for field in _PERSON_DETAILS:  # an account's own e-mail or phone: not kept
            columns.pop(field, None)
    used = set(columns.values())
    ignored = tuple(
        h.strip(" \ufeff")
        for i, h in enumerate(headers)
        if i not in used and h.strip(" \ufeff") and not _NOT_DATA.match(h)
    )
    return HeaderMap(kind, columns, ignored)


def detect_headers(headers: Sequence[str]) -> HeaderMap:
    """The record kind whose columns the header fits best.

    Only a header with a column naming an account (a bare ``Account``, HubSpot's
    ``Associated Company``, Pipedrive's ``Person - Organization``; HubSpot's ``Company
    Name`` only beside a person's name) can be anything but accounts. The kind
    that maps the most columns wins; at equal counts a complete kind beats one missing a
    required column, then ``_DETECTION_ORDER`` decides. The result may still miss
    required columns (``HeaderMap.missing``): the file is then one file-level error.
    """
    maps = [map_headers(kind, headers) for kind in _DETECTION_ORDER]
    candidates = [
        (len(m.columns), not m.missing, -order, m)
        for order, m in enumerate(maps)
        if _names_an_account(m, headers)
    ]
    if not candidates:
        return maps[-1]  # an accounts file without a name column
    return max(candidates, key=lambda c: c[:3])[3]


def _names_an_account(header_map: HeaderMap, headers: Sequence[str]) -> bool:
    columns = header_map.columns
    if header_map.kind is RecordKind.ACCOUNTS:
        return "name" in columns
    if "account" not in columns:
        return False
    company_name = match_key(headers[columns["account"]]) == match_key(_COMPANY_NAME)
    return not company_name or bool(columns.keys() & _PERSON_NAME_FIELDS)


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
