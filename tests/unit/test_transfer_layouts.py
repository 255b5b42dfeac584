"""Reading what real CRMs and spreadsheets export (issue 10): one fixture per layout.

The fixtures in tests/fixtures/imports/ are made up, with the headers each vendor's
export writes and the mess real exports carry: quoted cells over several lines, blank
owners, a name twice, report footers, Windows-1252 and UTF-8 with a byte-order mark,
semicolons, trailing empty columns.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from bot.domain import AccountKind
from bot.transfer import AccountRow, ContactRow, ImportFile, RecordKind, read_records

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"


def read(name: str) -> ImportFile:
    return read_records((FIXTURES / name).read_bytes())


def accounts(result: ImportFile) -> list[AccountRow]:
    assert result.kind is RecordKind.ACCOUNTS
    return [r for r in result.rows if isinstance(r, AccountRow)]


def contacts(result: ImportFile) -> list[ContactRow]:
    return [r for r in result.rows if isinstance(r, ContactRow)]


def notes(result: ImportFile) -> list[tuple[int, str, str]]:
    """Each cell note as (line, column, the text it quotes)."""
    return [(n.line, n.column, n.message.split("”")[0].lstrip("“")) for n in result.cell_notes]


def test_hubspot_companies() -> None:
    result = read("hubspot-companies.csv")
    rows = accounts(result)
    assert [(r.line, r.name, r.owner, r.kind) for r in rows] == [
        (2, "Northwind Traders", "maria.lopez@ourco.example", AccountKind.RESELLER),
        (4, "Contoso Pharma", None, None),  # line 2's note spans two lines
        (5, "Fabrikam Logistics", "jan.becker@ourco.example", AccountKind.VENDOR),
        (6, "Northwind Traders", "sam.okafor@ourco.example", AccountKind.PARTNER),  # twice
        (7, "Wide World Importers", None, None),  # Competitor: not a kind
    ]
    northwind, contoso, _, _, wide_world = rows
    assert (northwind.contract_value, northwind.currency, northwind.notice_days) == (
        Decimal(24000),
        "USD",
        90,
    )
    assert northwind.auto_renew is True
    assert (contoso.currency, contoso.notice_days, contoso.notice_months) == ("EUR", 90, 3)
    assert (wide_world.currency, wide_world.auto_renew) == ("USD", True)  # "US Dollar", "yes"
    assert notes(result) == [(7, "Type", "Competitor")]
    assert result.errors == []
    assert result.notes == []


def test_hubspot_contacts_make_a_contacts_file() -> None:
    result = read("hubspot-contacts.csv")
    assert result.kind is RecordKind.CONTACTS
    assert [(r.line, r.account, r.name, r.title, r.email) for r in contacts(result)] == [
        (2, "Northwind Traders", "Ann Lee", "CTO", "ann.lee@northwind.example"),
        (3, "Contoso Pharma", "Bo", None, "bo@contoso.example"),
        (
            4,
            "Fabrikam Logistics",
            "Carla Gómez",
            "Head of\r\nProcurement",
            "carla@fabrikam.example",
        ),
    ]
    assert [(e.line, e.message) for e in result.errors] == [(6, "Associated Company is empty.")]
    assert "Contact owner" in result.ignored_headers


def test_salesforce_data_loader_upper_case_api_names() -> None:
    result = read("salesforce-dataloader.csv")
    rows = accounts(result)
    assert [(r.name, r.owner, r.currency, r.renewal_date) for r in rows] == [
        ("Adventure Works", "0055g00000Maria1", "USD", date(2027, 3, 31)),
        ("Litware GmbH", "0055g00000JanB01", "EUR", date(2026, 12, 15)),
        ("Proseware Supplies", "0055g00000SamO01", "CHF", None),
        ("Blue Yonder Airlines", None, "GBP", date(2027, 6, 30)),
    ]
    adventure, litware = rows[:2]
    assert (adventure.contract_value, adventure.notice_days, adventure.auto_renew) == (
        Decimal("24000.00"),
        90,
        True,
    )
    assert (litware.contract_value, litware.notice_days) == (Decimal("118500.50"), 60)
    assert adventure.created_at == datetime(2024, 3, 14, 10, 22, tzinfo=UTC)
    assert adventure.last_touch_at == datetime(2026, 10, 2, tzinfo=UTC)
    assert (result.errors, result.cell_notes) == ([], [])
    assert result.ignored_headers == ["ID", "PARENTID", "BILLINGCITY", "INDUSTRY", "ANNUALREVENUE"]


def test_salesforce_report_and_its_footer() -> None:
    result = read("salesforce-report.csv")
    rows = accounts(result)
    assert [(r.line, r.name, r.currency) for r in rows] == [
        (2, "Adventure Works", "USD"),
        (3, "Litware GmbH", "EUR"),
        (4, "Proseware Supplies", "CHF"),
        (5, "Blue Yonder Airlines", "GBP"),
        (6, "Lucerne Publishing", "CHF"),
    ]
    adventure, litware = rows[:2]
    assert (adventure.renewal_date, adventure.contract_value, adventure.notice_days) == (
        date(2027, 3, 31),
        Decimal(24000),
        90,
    )
    assert litware.created_at == datetime(2023, 11, 2, 9, 0, tzinfo=UTC)
    assert rows[2].created_at == datetime(2025, 1, 20, 14, 45, tzinfo=UTC)  # 2:45 PM
    assert (result.errors, result.cell_notes) == ([], [])  # the footer is no bad row
    assert result.notes == [
        "Dates such as 3/4/2027 are read month-first (3/31/2027): “3/31/2027” "
        "(Renewal Date, line 2) can only be read that way."
    ]


def test_a_footer_line_is_a_row_when_it_is_not_alone() -> None:
    result = read_records("Name,Owner\r\nAcme,U1\r\nGrand Totals (1 records),U2\r\n")
    assert [r.name for r in accounts(result)] == ["Acme", "Grand Totals (1 records)"]


def test_pipedrive_organizations() -> None:
    result = read("pipedrive-organizations.csv")
    assert [(r.name, r.owner, r.tags) for r in accounts(result)] == [
        ("Northwind Traders", "Maria Lopez", ("Key Account",)),
        ("Contoso Pharma", None, ("Hot lead",)),
        ("Fabrikam Logistics", "Jan Becker", ()),
    ]
    northwind = accounts(result)[0]
    assert northwind.created_at == datetime(2024, 3, 14, 10, 22, 5, tzinfo=UTC)  # "created"
    assert northwind.last_touch_at == datetime(2026, 10, 2, tzinfo=UTC)
    assert (result.errors, result.cell_notes) == ([], [])
    assert "Organization - Update time" in result.ignored_headers


def test_pipedrive_persons_make_a_contacts_file() -> None:
    result = read("pipedrive-persons.csv")
    assert result.kind is RecordKind.CONTACTS
    assert [(r.account, r.name, r.email, r.phone) for r in contacts(result)] == [
        ("Northwind Traders", "Ann Lee", "ann.lee@northwind.example", "+49 30 1234567"),
        ("Contoso Pharma", "Bo Chen", "bo@contoso.example", None),
    ]
    assert [(e.line, e.message) for e in result.errors] == [(4, "Person - Organization is empty.")]


def test_zoho_accounts_keep_every_row_whatever_its_type() -> None:
    result = read("zoho-accounts.csv")
    rows = accounts(result)
    assert [(r.name, r.kind, r.currency, r.tags) for r in rows] == [
        ("Northwind Traders", AccountKind.CUSTOMER, "USD", ("Key Account", "EMEA")),
        ("Contoso Pharma", None, "EUR", ()),  # not a kind: the importer decides
        ("Fabrikam Logistics", None, "USD", ()),
        ("Tailspin Toys", None, "USD", ("Key Account",)),
        ("Wide World Importers", AccountKind.DISTRIBUTOR, "GBP", ()),
    ]
    assert rows[0].last_touch_at == datetime(2026, 10, 2, 16, 5, tzinfo=UTC)
    assert notes(result) == [
        (3, "Account Type", "-None-"),
        (4, "Account Type", "Competitor"),
        (6, "Account Type", "Investor"),
    ]
    assert result.cell_notes[0].message.endswith(
        "; a new account is a customer, an existing one keeps its kind."
    )
    assert result.errors == []


def test_odoo_people_become_contacts_of_their_related_company() -> None:
    result = read("odoo-contacts.csv")
    assert [(r.line, r.name, r.owner, r.tags) for r in accounts(result)] == [
        (3, "Northwind Traders", "Maria Lopez", ("Key Account", "VIP")),
        (4, "Contoso Pharma", None, ()),
        (6, "Private Customer Eve", "Jan Becker", ()),  # a person of no company: a customer
    ]
    # After every account, so each contact's account is read first.
    assert result.rows[3:] == [
        ContactRow(
            2,
            "Northwind Traders",
            "Ann Lee",
            "CTO",
            "ann.lee@northwind.example",
            "+1 206 555 0100",
            None,
        ),
        ContactRow(5, "Contoso Pharma", "Bo Chen", "Buyer", "bo@contoso.example", None, None),
    ]
    assert (result.errors, result.cell_notes) == ([], [])


def test_dynamics_365_export_to_excel() -> None:
    result = read("dynamics-accounts.csv")
    assert [(r.name, r.owner, r.kind, r.currency) for r in accounts(result)] == [
        ("Adventure Works", "Maria Lopez", AccountKind.CUSTOMER, "USD"),
        ("Litware GmbH", "Jan Becker", AccountKind.SUPPLIER, "EUR"),
        ("Proseware Supplies", None, AccountKind.VENDOR, "EUR"),
        ("Fourth Coffee", "Sam Okafor", None, "USD"),  # Influencer: not a kind
    ]
    assert [(r.account, r.name, r.email) for r in contacts(result)] == [
        ("Adventure Works", "Ann Lee", "ann.lee@adventure.example"),
        ("Proseware Supplies", "Piet de Vries", None),
    ]
    assert notes(result) == [(5, "Relationship Type", "Influencer")]
    assert result.ignored_headers == ["Main Phone", "Address 1: City"]  # not (Do Not Modify)


def test_suitecrm_assigned_user_name_is_the_owner() -> None:
    """SuiteCRM's export labels a column by its ``LBL_EXPORT_…`` string first: the
    assigned user's login name is "Assigned User Name", the user's id "Assigned User"."""
    result = read("suitecrm-accounts.csv")
    assert [(r.line, r.name, r.owner) for r in accounts(result)] == [
        (2, "Adventure Works", "maria.lopez"),
        (3, "Litware GmbH", None),
        (4, "Proseware Supplies", "jan.becker"),
        (6, "Blue Yonder Airlines", "sam.okafor"),
    ]
    assert accounts(result)[0].created_at == datetime(2024, 3, 14, 10, 22, tzinfo=UTC)
    assert notes(result) == [
        (3, "Type", "Analyst"),
        (4, "Type", "Integrator"),
        (6, "Type", "Press"),
    ]
    assert [(e.line, e.message) for e in result.errors] == [(7, "Name is empty.")]
    # An account's own e-mail is no contact: without a person's name it is not read.
    assert "Email Address" in result.ignored_headers
    assert "Assigned User" in result.ignored_headers  # an id, not a name


def test_suitecrm_form_label_assigned_to_is_the_owner_too() -> None:
    result = read_records('"Name","Type","Assigned to"\r\n"Adventure Works","Customer","Maria"\r\n')
    assert [(r.name, r.owner) for r in accounts(result)] == [("Adventure Works", "Maria")]


def test_german_list_in_windows_1252_with_semicolons() -> None:
    result = read("german-firmen-cp1252.csv")
    rows = accounts(result)
    assert [(r.name, r.owner, r.kind) for r in rows] == [
        ("Müller & Söhne GmbH", "Maria Lopez", AccountKind.CUSTOMER),
        ("Bäckerei Schön", None, AccountKind.SUPPLIER),
        ("Großhandel Nord", "Jan Becker", AccountKind.RESELLER),
        ("Start-up Süd", None, AccountKind.PROSPECT),
    ]
    mueller, baeckerei, _, startup = rows
    assert (mueller.start_date, mueller.renewal_date) == (date(2024, 4, 1), date(2027, 3, 31))
    assert (mueller.contract_value, mueller.currency, mueller.auto_renew) == (
        Decimal("24000.50"),
        "EUR",
        True,
    )
    assert (mueller.notice_days, mueller.notice_months) == (90, 3)
    assert (baeckerei.contract_value, baeckerei.currency) == (Decimal(1200), "EUR")  # "1.200", €
    assert (baeckerei.notice_days, baeckerei.notice_months, baeckerei.auto_renew) == (
        42,
        None,
        False,
    )
    assert (startup.notice_days, startup.auto_renew) == (90, False)
    assert [(r.account, r.name, r.email, r.phone) for r in contacts(result)] == [
        ("Müller & Söhne GmbH", "Jürgen Weiß", "j.weiss@mueller.example", "+49 30 1234567"),
        ("Großhandel Nord", "Anna Groß", None, None),
    ]
    assert notes(result) == [(5, "Automatische Verlängerung", "vielleicht")]
    assert result.errors == []
    assert result.notes == [
        "The file is not UTF-8; it was read as Windows-1252 (Western European).",
        "Columns are separated by semicolons.",
        "Amounts in Jahreswert are read with a decimal comma (24.000,50), as line 2 writes them.",
    ]


def test_german_list_with_a_byte_order_mark_and_two_digit_years() -> None:
    result = read("german-firmenname-bom.csv")
    rows = accounts(result)
    assert [(r.line, r.name, r.renewal_date, r.contract_value, r.currency) for r in rows] == [
        (3, "Alpen Consulting AG", date(2027, 12, 31), Decimal("12500.00"), "CHF"),
        (4, "Nordlicht KG", date(2027, 6, 30), Decimal(8000), "EUR"),
        (5, "Ostsee Handel GmbH", date(2027, 8, 15), Decimal("950.5"), "EUR"),
    ]
    assert [r.tags for r in rows] == [("Key Account",), (), ("Key Account", "Nord")]
    assert [r.notice_months for r in rows] == [3, None, 2]
    assert notes(result) == [(4, "Typ", "Wettbewerber")]
    assert result.errors == []


# -- headers as newer or other exports write them -----------------------------------------


def test_hubspot_contacts_newer_export_names_the_primary_company() -> None:
    """Newer HubSpot exports name the association "Associated Company (Primary)"; the
    contact's own "Company Name" property is free text and loses to it."""
    result = read("hubspot-contacts-primary.csv")
    assert result.kind is RecordKind.CONTACTS
    assert [(r.line, r.account, r.name, r.email) for r in contacts(result)] == [
        (2, "Northwind Traders", "Ann Lee", "ann.lee@northwind.example"),
        (3, "Contoso Pharma", "Bo Chen", "bo@contoso.example"),
    ]
    assert [(e.line, e.message) for e in result.errors] == [
        (4, "Associated Company (Primary) is empty.")
    ]
    assert "Company Name" in result.ignored_headers
    assert "Associated Company IDs (Primary)" in result.ignored_headers


def test_hubspot_contacts_without_associations_belong_to_their_company_name() -> None:
    result = read_records(
        "First Name,Last Name,Email,Company Name,Contact owner\r\n"
        "Ann,Lee,ann.lee@northwind.example,Northwind Traders,Maria Lopez\r\n"
    )
    assert result.kind is RecordKind.CONTACTS
    assert [(r.account, r.name) for r in contacts(result)] == [("Northwind Traders", "Ann Lee")]


def test_a_company_name_column_without_a_person_is_a_list_of_accounts() -> None:
    for header, row in (
        ("Company Name,Phone,Website", "Northwind Traders,555-0100,northwind.example"),
        ("Company Name,Email", "Northwind Traders,info@northwind.example"),
    ):
        result = read_records(f"{header}\r\n{row}\r\n")
        assert [r.name for r in accounts(result)] == ["Northwind Traders"], header
        assert result.errors == []


def test_hubspot_older_owner_properties() -> None:
    result = read_records("Company name,HubSpot Owner Email\r\nAcme,maria@ourco.example\r\n")
    assert [(r.name, r.owner) for r in accounts(result)] == [("Acme", "maria@ourco.example")]
    result = read_records("Company name,HubSpot Owner Name\r\nAcme,Maria Lopez\r\n")
    assert [(r.name, r.owner) for r in accounts(result)] == [("Acme", "Maria Lopez")]


def test_salesforce_data_loader_since_v61_writes_names_as_the_query_spells_them() -> None:
    result = read_records(
        "Id,Name,Type,OwnerId,Owner.Name,CurrencyIsoCode,LastActivityDate,Renewal_Date__c\r\n"
        "0015g00000AbCdE1,Adventure Works,Customer - Direct,0055g00000Maria1,Maria Lopez,"
        "EUR,2026-10-02,2027-03-31\r\n"
    )
    (row,) = accounts(result)
    assert (row.name, row.kind, row.owner, row.currency) == (
        "Adventure Works",
        AccountKind.CUSTOMER,
        "Maria Lopez",  # the owner's name wins over the user id
        "EUR",
    )
    assert (row.last_touch_at, row.renewal_date) == (
        datetime(2026, 10, 2, tzinfo=UTC),
        date(2027, 3, 31),
    )
    assert result.ignored_headers == ["Id", "OwnerId"]


def test_odoo_company_type_tells_people_from_companies() -> None:
    result = read_records(
        "Name,Company Type,Related Company,Salesperson,Email\r\n"
        "Northwind Traders,Company,,Maria Lopez,info@northwind.example\r\n"
        "Ann Lee,Individual,Northwind Traders,Maria Lopez,ann.lee@northwind.example\r\n"
    )
    assert [(r.name, r.kind, r.owner) for r in accounts(result)] == [
        ("Northwind Traders", None, "Maria Lopez")  # no kind column: a new one is a customer
    ]
    assert [(r.account, r.name, r.email) for r in contacts(result)] == [
        ("Northwind Traders", "Ann Lee", "ann.lee@northwind.example")
    ]
    assert (result.errors, result.cell_notes) == ([], [])


def test_dynamics_365_primary_contact_email_as_the_view_names_it() -> None:
    result = read_records(
        "(Do Not Modify) Account,Account Name,Primary Contact,Email (Primary Contact)\r\n"
        "7f1c,Adventure Works,Ann Lee,ann.lee@adventure.example\r\n"
    )
    assert [(r.account, r.name, r.email) for r in contacts(result)] == [
        ("Adventure Works", "Ann Lee", "ann.lee@adventure.example")
    ]


def test_pipedrive_persons_with_only_a_mobile_and_a_home_email() -> None:
    result = read_records(
        "Person - Name,Person - Organization,Person - Email - Home,Person - Phone - Mobile\r\n"
        "Ann Lee,Northwind Traders,ann@home.example,+49 170 1234567\r\n"
    )
    assert [(r.account, r.name, r.email, r.phone) for r in contacts(result)] == [
        ("Northwind Traders", "Ann Lee", "ann@home.example", "+49 170 1234567")
    ]
