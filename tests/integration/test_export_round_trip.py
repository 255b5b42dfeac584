"""Export, import into a fresh workspace, export again: the same bytes (issue 10, "Round
trip … including hostile text").

Once for every fixture of tests/fixtures/imports/ imported; once for a workspace filled
through the services and the command language with text a spreadsheet or CSV chokes on
(formula starters, quotes, commas, semicolons, line breaks, a `sep=;` cell, emoji outside
the BMP, right-to-left script, combining accents, Slack markup, texts at their limits);
once for records in every state (archived, churned, renewed, done, cancelled, snoozed,
another's, an owner no Slack user yet); and as properties over the text of an account, a
contact, an interaction and a follow-up, and over a contract. Besides the bytes, the fresh
workspace holds the same records (what the export cannot show, such as notice kept in
months, too), and importing the export again, into it or into the workspace it came from,
changes nothing.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import URL

from bot.domain import (
    MAX_FOLLOW_UP_TEXT_LENGTH,
    MAX_NAME_LENGTH,
    MAX_SUMMARY_LENGTH,
    MAX_TAG_LENGTH,
    MAX_TIER_LENGTH,
    Account,
    AccountKind,
    AccountStatus,
    Actor,
    InteractionKind,
    Owner,
)
from bot.errors import RapportError
from bot.execute import Executed, run_text
from bot.services import accounts, contracts, exporting, follow_ups, interactions
from bot.services.importing import Importer, ImportReport, import_file
from bot.transfer.reader import read_records
from bot.transfer.writer import EXPORT_FILES
from bot.validation import clean_name, clean_summary
from storage.unit_of_work import unit_of_work
from tests.conftest import BACKENDS
from tests.integration import test_cli
from tests.integration.conftest import BERLIN, NOW, Harness, when
from tests.integration.test_cli import run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
ALL_FIXTURES = sorted(path.name for path in FIXTURES.glob("*.csv"))
SOURCE = "T5"
ALICE = Actor(team_id=SOURCE, user_id="UALICE", timezone=BERLIN, is_admin=True)

database = test_cli.database  # the fixture: a fresh database of the test's own


def _import(app: Harness, data: bytes, team: str) -> ImportReport:
    with unit_of_work(app.sessions, team) as work:
        return Importer(work, Actor(team_id=team, user_id="import"), NOW).run(read_records(data))


def _export(app: Harness, team: str, directory: Path) -> dict[str, bytes]:
    exporting.write_files(app.read(team, exporting.collect), directory)
    return {name: (directory / name).read_bytes() for name, _kind in EXPORT_FILES}


def _assert_round_trip(app: Harness, tmp_path: Path, *, source: str = SOURCE) -> None:
    """``source`` exported, imported back into itself: no change; imported file by file into
    two fresh workspaces (whole, and in chunks of two rows), each exported again: the same
    bytes and records; imported again: no change."""
    first = _export(app, source, tmp_path / source)
    before = app.snapshot()
    for name, data in first.items():  # a workspace's own export, imported back: no change
        report = _import(app, data, source)
        assert (report.created, report.updated, report.changes) == (0, 0, []), (name, report)
    assert app.snapshot() == before
    for fresh in (f"{source}-whole", f"{source}-chunks"):
        for name, data in first.items():
            if fresh.endswith("chunks"):
                report = import_file(
                    lambda fresh=fresh: unit_of_work(app.sessions, fresh),
                    Actor(team_id=fresh, user_id="import"),
                    NOW,
                    read_records(data),
                    chunk_rows=2,
                )
            else:
                report = _import(app, data, fresh)
            left_out = (report.refused, report.skipped, report.repeated, report.cell_notes)
            assert left_out == (None, [], [], []), (name, left_out)
            assert report.notes == [], (name, report.notes)
        again = _export(app, fresh, tmp_path / fresh)
        _assert_same_records(_kept(app, source), _kept(app, fresh))
        for name in first:
            assert again[name] == first[name], (fresh, name, _first_difference(first, again, name))
        before = app.snapshot()
        for name, data in first.items():
            report = _import(app, data, fresh)
            assert (report.created, report.updated, report.changes) == (0, 0, []), name
        assert app.snapshot() == before


def _kept(app: Harness, team: str) -> dict[str, list[tuple[object, ...]]]:
    """What a workspace holds, without what only its database gives (ids, versions, the
    time a row was last written): what an export must carry over. Not carried over, and
    so not here: who recorded a contract's outcome and the term a renewal followed (an
    import records the importer and no previous term), and nudges snoozed (a stale
    account's, a renewal's): the export has no column for them."""
    held = app.read(team, exporting.collect)
    accounts_ = {a.id: a.name for a in held.accounts}
    contacts_ = {c.id: c.name for c in held.contacts}
    return {
        "accounts": [
            (
                *(a.name, a.kind, a.owner, a.tier, a.status, a.cadence_days, a.tags),
                *(a.last_touch_at, a.next_touch_due, a.created_at),
            )
            for a in held.accounts
        ],
        "contacts": [
            (accounts_[c.account_id], c.name, c.title, c.email, c.phone, c.slack_user_id)
            for c in held.contacts
        ],
        "interactions": [
            (
                *(accounts_[i.account_id], i.kind, i.occurred_at, i.summary, i.logged_by),
                *(contacts_.get(i.contact_id or 0), i.permalink),
            )
            for i in held.interactions
        ],
        "follow_ups": [
            (
                *(f.number, accounts_[f.account_id], f.owner_id, f.due_at, f.text, f.status),
                *(f.created_by, f.created_at, f.snoozed_until, f.completed_by, f.completed_at),
            )
            for f in held.follow_ups
        ],
        "contracts": [
            (
                *(accounts_[c.account_id], c.value, c.currency, c.renewal_date, c.direction),
                *(c.start_date, c.notice_days, c.notice_months, c.auto_renew, c.outcome),
                c.outcome_at,
            )
            for c in held.contracts
        ],
    }


def _assert_same_records(
    source: dict[str, list[tuple[object, ...]]], fresh: dict[str, list[tuple[object, ...]]]
) -> None:
    for table, rows in source.items():
        assert len(fresh[table]) == len(rows), table
        for row, again in zip(rows, fresh[table], strict=True):
            assert again == row, (
                table,
                [(a, b) for a, b in zip(row, again, strict=True) if a != b],
            )


def _first_difference(first: dict[str, bytes], again: dict[str, bytes], name: str) -> str:
    left, right = first[name].decode().splitlines(), again[name].decode().splitlines()
    for number, (one, other) in enumerate(itertools.zip_longest(left, right), start=1):
        if one != other:
            return f"line {number}: {one!r} != {other!r}"
    return "the same lines"


# -- (a) every fixture ------------------------------------------------------------------------


def test_every_fixture_imported_round_trips_byte_for_byte(app: Harness, tmp_path: Path) -> None:
    for name in ALL_FIXTURES:
        report = _import(app, (FIXTURES / name).read_bytes(), SOURCE)
        assert report.refused is None, name
    exported = _export(app, SOURCE, tmp_path / "check")
    for name in ("accounts.csv", "contacts.csv", "contracts.csv"):
        assert exported[name].count(b"\r\n") > 1, name  # more than the header
    _assert_round_trip(app, tmp_path)


# -- (b) hostile text -------------------------------------------------------------------------

LONG_NAME = ("Ünïcødé 🚀 " * 40)[: MAX_NAME_LENGTH - 1] + "x"
HOSTILE_NAMES = [
    "=SUM(A1)",
    "+1 Holdings",
    "-x Labs",
    "@y Corp",
    "'Apostrophe first",
    "'=already escaped",
    '"Quoted" Inc',
    'Say "hi", then; leave',
    "Comma, Semicolon; Ltd",
    "sep=;",
    "Rocket 🚀 Labs 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "شركة الرياض للتجارة",
    "Cafe\u0301 Noir",  # a combining accent, kept as typed
    "<@U123> &amp; <https://x.example|y> Co",
    "\tTab First",  # the name keeps no tab; the round trip must not care
    LONG_NAME,
]
HOSTILE_TEXTS = [
    "=SUM(A1)",
    "+1 call back",
    "-x minus first",
    "@y at first",
    "\tindented by a tab",
    '"quoted", with commas, and; semicolons',
    "sep=;",
    "line one\r\nline two\n  line three, indented\nline four with trailing spaces   \nend",
    "emoji 🚀🧪 outside the BMP, RTL שלום עליכם, combining e\u0301",
    "Slack: <@U123> said <https://x.example|y> &amp; <!here> &lt;b&gt;",
    "'apostrophe first",
    "Unicode's own line breaks: a\u2028b\u2029c\u0085d\u000be",
    "\u00a0non-breaking space first, a zero-width\u200bspace and a BOM\ufeff inside",
]


def _add(app: Harness, name: str, **fields: object) -> str:
    """The account's name as kept: the services find it by that, as a person types it."""
    added: Account = app.run(ALICE, accounts.add_account, NOW, name=name, **fields)
    return added.name


def _say(app: Harness, text: str) -> object:
    executed = app.read(SOURCE, lambda w: run_text(w, ALICE, NOW, text))
    assert isinstance(executed, Executed), executed
    return executed.value


def _fill_with_hostile_text(app: Harness) -> None:
    made = [_add(app, name) for name in HOSTILE_NAMES]
    first = made[0]
    app.run(
        ALICE,
        accounts.tag_account,
        NOW,
        account=first,
        tags=("café", "über", "-neg", "=f", "ñandú", "x" * MAX_TAG_LENGTH),
    )
    tiered = _add(
        app,
        "Tiered",
        kind=AccountKind.PARTNER,
        tier="=" + "t" * (MAX_TIER_LENGTH - 1),
        cadence_days=3660,
        tags=("ÉMEA",),
    )
    for number, (account, text) in enumerate(zip(itertools.cycle(made), HOSTILE_TEXTS)):
        app.run(
            ALICE,
            accounts.add_contact,
            NOW,
            account=account,
            name=HOSTILE_NAMES[number],
            title=text,
            email=f"person{number}@example.com",
            phone="+1 (555) 0100" if number % 2 else "=1",
        )
        app.run(
            ALICE,
            interactions.log_interaction,
            NOW,
            account=account,
            kind=list(InteractionKind)[number % len(InteractionKind)],
            summary=text,
            when=when(f"{number + 1} days ago", past=True),
        )
        app.run(
            ALICE,
            follow_ups.create_follow_up,
            NOW,
            account=account,
            when=when(f"in {number + 1} days"),
            text=text,
        )
    app.run(
        ALICE,
        interactions.log_interaction,
        NOW,
        account=tiered,
        kind=InteractionKind.NOTE,
        summary="n" * (MAX_SUMMARY_LENGTH - 2) + "🚀",
    )
    app.run(
        ALICE,
        follow_ups.create_follow_up,
        NOW,
        account=tiered,
        when=when("tomorrow"),
        text="f" * (MAX_FOLLOW_UP_TEXT_LENGTH - 1) + "é",
    )
    app.run(
        ALICE,
        accounts.add_contact,
        NOW,
        account=tiered,
        name="L" * MAX_NAME_LENGTH,
        title="=" + "t" * 198 + "🚀",  # at `contact`'s limits
        email="e" * 64 + "@" + "d" * 185 + ".com",
        phone="+" + "9" * 63,
    )
    app.run(ALICE, follow_ups.complete_follow_up, NOW, 1)
    app.run(ALICE, follow_ups.snooze_follow_up, NOW, 2, when("in 3 weeks"))
    app.run(
        ALICE,
        contracts.set_contract,
        NOW,
        account=first,
        value=Decimal("24000.50"),
        currency="EUR",
        renews=when("2027-03-31"),
        notice_days=60,
        auto_renew=True,
    )
    app.run(
        ALICE,
        contracts.set_contract,
        NOW,
        account=tiered,
        value=Decimal("999999999999.99"),
        currency="CHF",
        renews=when("2028-02-29"),
    )
    # Through the command language too, as a person types it in Slack.
    _say(app, "log call with Rocket 🚀 Labs 𝔘𝔫𝔦𝔠𝔬𝔡𝔢: <@U123> said <https://x.example|y> &amp; ok")
    _say(app, 'follow up sep=; tomorrow: =HYPERLINK("http://evil.example")')
    _say(app, "add =cmd|' /C calc'!A0 as vendor")
    # An interaction with a contact: only an import links one.
    _import(
        app,
        (
            b"Account,Kind,Occurred At,Summary,Logged By,Contact,Permalink\r\n"
            b'"Say ""hi"", then; leave",call,2026-12-01T10:00:00Z,"=2+2, said ""Ann""",UALICE,'
            b'"Say ""hi"", then; leave",https://x.slack.com/archives/C1/p1\r\n'
        ),
        SOURCE,
    )


def test_hostile_text_round_trips_byte_for_byte(app: Harness, tmp_path: Path) -> None:
    _fill_with_hostile_text(app)
    exported = _export(app, SOURCE, tmp_path / "check")
    # The export holds what was put in: a formula starter is escaped, not lost.
    assert b"'=SUM(A1)" in exported["accounts.csv"]
    assert b'"\'-x minus first"' not in exported["interactions.csv"]
    assert b"'-x minus first" in exported["interactions.csv"]
    assert b'"Say ""hi"", then; leave"' in exported["contacts.csv"]
    linked = [line for line in exported["interactions.csv"].split(b"\r\n") if b"2+2" in line]
    assert len(linked) == 1 and linked[0].count(b"Say") == 2, linked  # the contact named
    assert b",done," in exported["follow_ups.csv"]
    assert b"2027-01-27" in exported["follow_ups.csv"]  # snoozed three weeks
    _assert_round_trip(app, tmp_path)


LATER = NOW.replace(microsecond=123456)  # what a real clock gives


def _fill_with_every_state(app: Harness) -> None:
    """Records in every state a workspace reaches: archived and at-risk accounts, an owner
    who is no Slack user yet, a contract renewed (notice in months) and one churned,
    follow-ups done, cancelled, snoozed and another's, times with microseconds."""
    vendor = _add(app, "Vendor Ltd", kind=AccountKind.VENDOR, owner=Owner(user_id="UBOB"))
    gone = _add(app, "Gone Co")
    risky = _add(app, "Risky Co", tier="gold")
    app.run(ALICE, accounts.set_status, LATER, account=gone, status=AccountStatus.ARCHIVED)
    app.run(ALICE, accounts.set_status, LATER, account=risky, status=AccountStatus.AT_RISK)
    app.run(ALICE, accounts.add_contact, LATER, account=vendor, name="Ann Lee", title="CTO")
    app.run(ALICE, accounts.add_contact, NOW, account=vendor, name="Bo", slack_user_id="U0BO")
    for account, months in ((vendor, 3), (risky, None)):
        app.run(
            ALICE,
            contracts.set_contract,
            LATER,
            account=account,
            value=Decimal(1200),
            currency="GBP",
            renews=when("2027-02-28"),
            notice_months=months,
            notice_days=None if months else 30,
            start_date=date(2026, 3, 1),
        )
    app.run(ALICE, contracts.record_outcome, LATER, account=vendor, renewed=True)
    app.run(ALICE, contracts.record_outcome, LATER, account=risky, renewed=False)
    for number, account in enumerate((vendor, gone, risky, vendor), start=1):
        app.run(
            ALICE,
            follow_ups.create_follow_up,
            LATER,
            account=account,
            when=when(f"in {number} days"),
            text=f"step {number}",
            owner_id="UBOB" if number == 4 else None,
        )
        app.run(
            ALICE,
            interactions.log_interaction,
            LATER,
            account=account,
            kind=InteractionKind.CALL,
            summary=f"call {number}",
            when=when(f"{number} days ago", past=True),
            permalink=f"https://x.slack.com/archives/C1/p{number}",
        )
    app.run(ALICE, follow_ups.complete_follow_up, LATER, 1)
    app.run(ALICE, follow_ups.cancel_follow_up, LATER, 2)
    app.run(ALICE, follow_ups.snooze_follow_up, LATER, 3, when("in 2 weeks"))
    _import(app, b"Name,Owner\r\nUnresolved Co,maria.lopez@ourco.example\r\n", SOURCE)


def test_every_state_round_trips_byte_for_byte(app: Harness, tmp_path: Path) -> None:
    _fill_with_every_state(app)
    contracts_csv = _export(app, SOURCE, tmp_path / "check")["contracts.csv"]
    assert b",2027-02-28,3 months,no,we_buy,renewed," in contracts_csv  # kept in months
    _assert_round_trip(app, tmp_path)


def test_one_name_added_twice_without_an_e_mail_is_one_contact_and_round_trips(
    app: Harness, tmp_path: Path
) -> None:
    vendor = _add(app, "Vendor Ltd")
    app.run(ALICE, accounts.add_contact, NOW, account=vendor, name="Ann Lee", title="CTO")
    saved = app.run(ALICE, accounts.add_contact, NOW, account=vendor, name="Ann Lee", phone="+1")
    [ann] = app.read(SOURCE, lambda w: w.contacts.for_account(saved.contact.account_id))
    assert (ann.title, ann.phone) == ("CTO", "+1")
    _assert_round_trip(app, tmp_path)


def test_a_contract_of_unknown_value_round_trips_byte_for_byte(
    app: Harness, tmp_path: Path
) -> None:
    _import(
        app, b"Name,Renewal Date,Contract Value,Currency\r\nUnknown Co,2027-03-31,,EUR\r\n", SOURCE
    )
    assert b"Unknown Co,,EUR," in _export(app, SOURCE, tmp_path / "check")["contracts.csv"]
    _assert_round_trip(app, tmp_path)


# -- a property over the text of an account, a contact and an interaction -------------------

# Any character a column can hold (no NUL, no surrogate), Slack's and CSV's marks often.
_CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_MARKS = st.sampled_from(
    [
        *"=+-@\t\r\n\"',;|<>&'# ",
        "sep=;",
        "<@U1>",
        "&amp;",
        "🚀",
        "e\u0301",
        "\u2028",
        "\u2029",
        "\u00a0",
        "\ufeff",
    ]
)
_TEXT = st.lists(st.one_of(_CHARACTERS, _MARKS), min_size=1, max_size=30).map("".join)
_teams = (f"P{number}" for number in itertools.count())


def _named(text: str) -> bool:
    try:
        clean_name(text)
    except RapportError:
        return False
    return True


def _kept_text(text: str) -> bool:
    try:
        clean_summary(text)
    except RapportError:
        return False
    return True


_PROPERTY = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@_PROPERTY
@given(
    account=_TEXT.filter(_named),
    contact=_TEXT.filter(_named),
    title=_TEXT.filter(_kept_text),
    summary=_TEXT.filter(_kept_text),
    follow_up=_TEXT.filter(_kept_text),
)
def test_any_text_round_trips_byte_for_byte(
    app: Harness,
    tmp_path_factory: pytest.TempPathFactory,
    account: str,
    contact: str,
    title: str,
    summary: str,
    follow_up: str,
) -> None:
    team = next(_teams)
    actor = Actor(team_id=team, user_id="UALICE", timezone=BERLIN)
    name = app.run(actor, accounts.add_account, NOW, name=account).name
    app.run(actor, accounts.add_contact, NOW, account=name, name=contact, title=title)
    app.run(
        actor,
        interactions.log_interaction,
        NOW,
        account=name,
        kind=InteractionKind.NOTE,
        summary=summary,
    )
    app.run(
        actor,
        follow_ups.create_follow_up,
        NOW,
        account=name,
        when=when("tomorrow"),
        text=follow_up,
    )
    _assert_round_trip(app, tmp_path_factory.mktemp("round"), source=team)


@_PROPERTY
@given(
    value=st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2),
    currency=st.sampled_from(["EUR", "USD", "CHF", "JPY", "GBP"]),
    renews=st.dates(min_value=date(2027, 1, 7), max_value=date(2040, 12, 31)),
    notice=st.one_of(
        st.none(),
        st.tuples(st.integers(0, 3660), st.none()),
        st.tuples(st.none(), st.integers(0, 120)),
    ),
    auto_renew=st.booleans(),
    renewed=st.sampled_from([None, True, False]),
)
def test_any_contract_round_trips_byte_for_byte(
    app: Harness,
    tmp_path_factory: pytest.TempPathFactory,
    value: Decimal,
    currency: str,
    renews: date,
    notice: tuple[int | None, int | None] | None,
    auto_renew: bool,
    renewed: bool | None,
) -> None:
    team = next(_teams)
    actor = Actor(team_id=team, user_id="UALICE", timezone=BERLIN)
    name = app.run(actor, accounts.add_account, NOW, name="Acme").name
    notice_days, notice_months = notice or (None, None)
    app.run(
        actor,
        contracts.set_contract,
        NOW,
        account=name,
        value=value,
        currency=currency,
        renews=when(renews.isoformat()),
        notice_days=notice_days,
        notice_months=notice_months,
        auto_renew=auto_renew,
    )
    if renewed is not None:
        app.run(actor, contracts.record_outcome, NOW, account=name, renewed=renewed)
    _assert_round_trip(app, tmp_path_factory.mktemp("round"), source=team)


@pytest.mark.parametrize("database", BACKENDS, indirect=True)
def test_the_command_line_round_trips_every_fixture(database: URL, tmp_path: Path) -> None:
    """`python app.py import` of every fixture, `export`, `import` of the directory into a
    fresh workspace, `export` again: the same files, and the import said nothing was left
    out or not understood."""
    assert run("db", "upgrade")[0] == 0
    for name in ALL_FIXTURES:
        run("import", str(FIXTURES / name), "--team", "T1")
    assert run("export", str(tmp_path / "first"), "--team", "T1")[0] == 0
    code, shown = run("import", str(tmp_path / "first"), "--team", "T2")
    assert code == 0, shown
    assert "not understood" not in shown and "skipped" not in shown, shown
    assert run("export", str(tmp_path / "second"), "--team", "T2")[0] == 0
    for name, _kind in EXPORT_FILES:
        first = (tmp_path / "first" / name).read_bytes()
        assert (tmp_path / "second" / name).read_bytes() == first, name
    again = run("import", str(tmp_path / "first"), "--team", "T2")[1]
    counts = [line for line in again.splitlines() if line.endswith(("unchanged.", "no rows."))]
    assert len(counts) == len(EXPORT_FILES), again  # each file: all unchanged, or empty
    assert "created" not in again and "updated" not in again, again
