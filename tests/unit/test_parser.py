"""bot.parser: every line of text becomes a command or a ParseError that says why, never a crash."""

from __future__ import annotations

import typing
from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import (
    AddAccount,
    AddContact,
    ArchiveAccount,
    AssignAccount,
    CancelFollowUp,
    Command,
    CompleteFollowUp,
    CreateFollowUp,
    Due,
    FindAccounts,
    FollowUpSpec,
    Help,
    History,
    ListAccounts,
    LogInteraction,
    Mine,
    Notices,
    Overdue,
    ParseError,
    RecordOutcome,
    RenameAccount,
    Renewals,
    ReopenFollowUp,
    Scope,
    SetAccountField,
    SetContract,
    SetDayFirst,
    SetDigestTime,
    SetEscalationChannel,
    SetHours,
    SetNudgeMode,
    SetRenewalLadder,
    SetStatus,
    SetTimezone,
    SetWorkdays,
    SetWorkspaceCurrency,
    ShowAccount,
    ShowSettings,
    ShowTeamReport,
    SnoozeFollowUp,
    Stale,
    TagAccount,
    Undo,
    UntagAccount,
    UnwatchAccount,
    WatchAccount,
    WhoOwns,
)
from bot.dates import When
from bot.domain import (
    MAX_SUMMARY_LENGTH,
    AccountKind,
    AccountStatus,
    InteractionKind,
    NudgeMode,
    RenewalPeriod,
)
from bot.parser import USAGE, LookedUpNames, NameSet, ParseContext, parse_command
from bot.parser.lists import accounts_line
from bot.parser.slack_text import as_typed

# Wednesday 6 January 2027, 11:00 in Berlin.
NOW = datetime(2027, 1, 6, 10, 0, tzinfo=UTC)
CONTEXT = ParseContext(
    now=NOW,
    tz=ZoneInfo("Europe/Berlin"),
    dayfirst=False,
    account_keys=NameSet.of("Acme Corp", "Globex", "Acme", "Initech Labs"),
)
COMMAND_TYPES = typing.get_args(Command)


def parse(text: str, context: ParseContext = CONTEXT) -> Command | ParseError:
    return parse_command(text, context)


def on(month: int, day: int, text: str, at: time | None = None, year: int = 2027) -> When:
    return When(day=date(year, month, day), time_of_day=at, text=text)


# --- the examples PRODUCT.md promises ---------------------------------------------------------

PRODUCT_EXAMPLES = [
    (
        "/crm add Acme Corp as customer owner <@U02BOB> tier gold every 2 weeks",
        AddAccount(
            name="Acme Corp",
            kind=AccountKind.CUSTOMER,
            owner_id="U02BOB",
            tier="gold",
            cadence_days=14,
        ),
    ),
    (
        "/crm contract Acme Corp: 24000 EUR renews 2027-03-31 notice 60 days",
        SetContract(
            account="Acme Corp",
            value=Decimal("24000"),
            currency="EUR",
            renews=on(3, 31, "2027-03-31"),
            notice_days=60,
        ),
    ),
    (
        "/crm log call with Acme Corp: discussed Q3 pricing. follow up next friday: "
        "send the proposal",
        LogInteraction(
            kind=InteractionKind.CALL,
            account="Acme Corp",
            summary="discussed Q3 pricing.",
            follow_up=FollowUpSpec(on(1, 8, "next friday"), "send the proposal"),
        ),
    ),
    (
        "/crm log meeting with Acme Corp yesterday: QBR, they want SSO",
        LogInteraction(
            kind=InteractionKind.MEETING,
            account="Acme Corp",
            summary="QBR, they want SSO",
            when=on(1, 5, "yesterday"),
        ),
    ),
    (
        "/crm follow up Globex in 3 days: check the pilot numbers",
        CreateFollowUp(
            account="Globex", when=on(1, 9, "in 3 days"), text="check the pilot numbers"
        ),
    ),
    ("/crm snooze 42 until monday", SnoozeFollowUp(numbers=(42,), until=on(1, 11, "monday"))),
    ("/crm show acme corp", ShowAccount(account="acme corp")),
]


@pytest.mark.parametrize(("text", "expected"), PRODUCT_EXAMPLES)
def test_the_product_examples(text: str, expected: Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(("text", "expected"), PRODUCT_EXAMPLES)
def test_the_product_examples_without_the_slash_command(text: str, expected: Command) -> None:
    assert parse(text.removeprefix("/crm ")) == expected


# --- good lines, command by command ---------------------------------------------------------

GOOD = {
    "help": [
        ("", Help()),
        ("   \n ", Help()),
        ("/crm", Help()),
        ("<@U0RAPPORT> help", Help()),
        ("<@U0RAPPORT|rapport>  /crm  help log", Help("log")),
        ("help", Help()),
        ("HELP Log", Help("log")),
        ("help follow-up", Help("follow up")),
        ("help settings   timezone", Help("settings timezone")),
    ],
    "add": [
        ("add Tier One Logistics", AddAccount("Tier One Logistics")),
        ("add Acme tier gold", AddAccount("Acme", tier="gold")),
        ("add Sold as Seen Ltd", AddAccount("Sold as Seen Ltd")),
        ('add "Sold as Seen" tier gold', AddAccount("Sold as Seen", tier="gold")),
        ("add “Tier 1” as partner", AddAccount("Tier 1", kind=AccountKind.PARTNER)),
        (
            "ADD Globex EVERY 3 Months As Partner",
            AddAccount("Globex", kind=AccountKind.PARTNER, cadence_days=90),
        ),
        ("add Foo every week", AddAccount("Foo", cadence_days=7)),
        ("add Foo every other week", AddAccount("Foo", cadence_days=14)),
        ("add Foo every 10 days", AddAccount("Foo", cadence_days=10)),
        ("add Foo as a vendor", AddAccount("Foo", kind=AccountKind.VENDOR)),
        ("add Foo owner <@W123ABC|bob>", AddAccount("Foo", owner_id="W123ABC")),
        ("add Foo owner me", AddAccount("Foo")),
        ("add Acme   Corp\nInc  ", AddAccount("Acme Corp Inc")),
        ("add <!channel> & <b> 🚀", AddAccount("<!channel> & <b> 🚀")),
    ],
    "rename": [
        ("rename Acme Corp to Acme Corporation", RenameAccount("Acme Corp", "Acme Corporation")),
        ("rename acme TO  Acme  Inc", RenameAccount("acme", "Acme Inc")),
        # An unknown name is split at the first " to ".
        ("rename Back to Basics to B2B", RenameAccount("Back", "Basics to B2B")),
    ],
    "archive": [("archive Initech Labs", ArchiveAccount("Initech Labs"))],
    "status": [
        ("status Acme Corp at risk", SetStatus("Acme Corp", AccountStatus.AT_RISK)),
        ("status Acme at_risk", SetStatus("Acme", AccountStatus.AT_RISK)),
        ("status Globex ACTIVE", SetStatus("Globex", AccountStatus.ACTIVE)),
        ("status Initech Labs churned", SetStatus("Initech Labs", AccountStatus.CHURNED)),
    ],
    "set": [
        ("set Acme Corp tier gold", SetAccountField("Acme Corp", tier="gold")),
        ("set acme corp kind suppliers", SetAccountField("acme corp", kind=AccountKind.SUPPLIER)),
        ("set Acme Corp every 2 weeks", SetAccountField("Acme Corp", cadence_days=14)),
        ("set Acme Corp every other week", SetAccountField("Acme Corp", cadence_days=14)),
        ("set Acme Corp every month", SetAccountField("Acme Corp", cadence_days=30)),
        ("set Acme Corp status at risk", SetStatus("Acme Corp", AccountStatus.AT_RISK)),
        # The last field word decides where the name ends.
        ("set Kind Labs kind partner", SetAccountField("Kind Labs", kind=AccountKind.PARTNER)),
        ("set Tier One tier gold", SetAccountField("Tier One", tier="gold")),
        ("set Acme Tier Holdings tier gold", SetAccountField("Acme Tier Holdings", tier="gold")),
    ],
    "tag": [
        ("tag Acme Corp vip enterprise", TagAccount("Acme Corp", ("vip", "enterprise"))),
        ("tag Acme #vip, emea,VIP", TagAccount("Acme", ("vip", "emea"))),
        ("tag Unknown Co vip", TagAccount("Unknown Co", ("vip",))),
        ("tag Globex <#C123|vip>", TagAccount("Globex", ("vip",))),
    ],
    "untag": [
        ("untag Acme Corp vip", UntagAccount("Acme Corp", "vip")),
        ("untag Unknown Co #vip", UntagAccount("Unknown Co", "vip")),
    ],
    "contract": [
        (
            "contract Globex: €24,000.50 renews 31 Mar 2027 auto-renew notice 30 days",
            SetContract(
                "Globex", Decimal("24000.50"), "EUR", on(3, 31, "31 Mar 2027"), 30, auto_renew=True
            ),
        ),
        (
            "contract Globex: 1_000 usd renews on 2027-06-30",
            SetContract("Globex", Decimal("1000"), "USD", on(6, 30, "2027-06-30")),
        ),
        (
            "contract Unknown Co: $5000 renews Mar 31 autorenew",
            SetContract("Unknown Co", Decimal("5000"), "USD", on(3, 31, "Mar 31"), auto_renew=True),
        ),
        (
            "contract Acme Corp:0 chf renews 2027-03-31 notice 0 days",
            SetContract("Acme Corp", Decimal("0"), "CHF", on(3, 31, "2027-03-31"), 0),
        ),
        (
            "contract Globex: £100 GBP renews 1.2.2027 notice 14d",
            SetContract("Globex", Decimal("100"), "GBP", on(2, 1, "1.2.2027"), 14),
        ),
        (
            "contract Globex: $100 CAD renews 2027-03-31",
            SetContract("Globex", Decimal("100"), "CAD", on(3, 31, "2027-03-31")),
        ),
        # Without a currency: the workspace's (USD here). Without dayfirst "." is the point.
        (
            "contract Globex: 24000 renews 2027-03-31",
            SetContract("Globex", Decimal("24000"), "USD", on(3, 31, "2027-03-31")),
        ),
        (
            "contract Globex: 24,000.50 renews 2027-03-31",
            SetContract("Globex", Decimal("24000.50"), "USD", on(3, 31, "2027-03-31")),
        ),
        (
            "contract Globex: 24.000,50 EUR renews 2027-03-31",
            SetContract("Globex", Decimal("24000.50"), "EUR", on(3, 31, "2027-03-31")),
        ),
        (
            "contract Globex: 24.000 € renews 2027-03-31",
            SetContract("Globex", Decimal("24"), "EUR", on(3, 31, "2027-03-31")),
        ),
        (
            "contract Globex: $24k renews 2027-03-31",
            SetContract("Globex", Decimal("24000"), "USD", on(3, 31, "2027-03-31")),
        ),
        (
            "contract Globex: 1.5K gbp renews 2027-03-31",
            SetContract("Globex", Decimal("1500"), "GBP", on(3, 31, "2027-03-31")),
        ),
        (
            "contract Globex: 24.000,- Euro renews 2027-03-31",
            SetContract("Globex", Decimal("24000"), "EUR", on(3, 31, "2027-03-31")),
        ),
        (
            "contract Globex: 24 000 CHF renews 2027-03-31",
            SetContract("Globex", Decimal("24000"), "CHF", on(3, 31, "2027-03-31")),
        ),
        # Weeks are seven days; months are calendar months before this renewal date.
        (
            "contract Globex: 1 EUR renews 2027-03-31 notice 8 weeks",
            SetContract("Globex", Decimal("1"), "EUR", on(3, 31, "2027-03-31"), 56),
        ),
        (
            "contract Globex: 1 EUR renews 2027-03-31 notice 3 months",
            SetContract("Globex", Decimal("1"), "EUR", on(3, 31, "2027-03-31"), notice_months=3),
        ),
        (
            "contract Globex: 1 EUR renews 2027-05-31 notice 1 month",
            SetContract("Globex", Decimal("1"), "EUR", on(5, 31, "2027-05-31"), notice_months=1),
        ),
        (
            "contract Globex: 1 EUR renews 15. Januar 2027 notice 2 mo auto-renew",
            SetContract(
                "Globex",
                Decimal("1"),
                "EUR",
                on(1, 15, "15. Januar 2027"),
                auto_renew=True,
                notice_months=2,
            ),
        ),
        (
            "contract Globex: 1 EUR renews am 3. Mär notice 4w",
            SetContract("Globex", Decimal("1"), "EUR", on(3, 3, "3. Mär"), 28),
        ),
        (
            "contract Globex: 1 EUR renews in 2 Wochen",
            SetContract("Globex", Decimal("1"), "EUR", on(1, 20, "in 2 Wochen")),
        ),
    ],
    "log": [
        (
            "log call with Acme: discussed pricing",
            LogInteraction(InteractionKind.CALL, "Acme", "discussed pricing"),
        ),
        # The longest known name wins: "Acme Corp", not "Acme" with a date "Corp".
        ("log note with acme corp: x", LogInteraction(InteractionKind.NOTE, "acme corp", "x")),
        (
            "log email with Unknown Co 3 days ago: sent terms",
            LogInteraction(
                InteractionKind.EMAIL, "Unknown Co", "sent terms", on(1, 3, "3 days ago")
            ),
        ),
        (
            "log demo with Acme Corp 31 Dec: went well",
            LogInteraction(
                InteractionKind.DEMO, "Acme Corp", "went well", on(12, 31, "31 Dec", year=2026)
            ),
        ),
        (
            "log call with Acme Corp yesterday 15:00: 10:30 was too early for them",
            LogInteraction(
                InteractionKind.CALL,
                "Acme Corp",
                "10:30 was too early for them",
                on(1, 5, "yesterday 15:00", time(15, 0)),
            ),
        ),
        ("log QBR Globex: fine", LogInteraction(InteractionKind.QBR, "Globex", "fine")),
        ("log e-mail with Globex: hi", LogInteraction(InteractionKind.EMAIL, "Globex", "hi")),
        (
            "log call with Acme: we agreed to follow up on pricing. follow up friday",
            LogInteraction(
                InteractionKind.CALL,
                "Acme",
                "we agreed to follow up on pricing.",
                follow_up=FollowUpSpec(on(1, 8, "friday")),
            ),
        ),
        (
            "log call with Acme: they will follow up with legal",
            LogInteraction(InteractionKind.CALL, "Acme", "they will follow up with legal"),
        ),
        (
            "log call with Acme: call; follow-up tomorrow: send deck; Follow Up next week",
            LogInteraction(
                InteractionKind.CALL,
                "Acme",
                "call; follow-up tomorrow: send deck;",
                follow_up=FollowUpSpec(on(1, 11, "next week")),
            ),
        ),
        (
            "log call with Acme: they want a discount. f/u tomorrow",
            LogInteraction(
                InteractionKind.CALL,
                "Acme",
                "they want a discount.",
                follow_up=FollowUpSpec(on(1, 7, "tomorrow")),
            ),
        ),
        (
            "log call with Acme: pricing. remind me friday: call back",
            LogInteraction(
                InteractionKind.CALL,
                "Acme",
                "pricing.",
                follow_up=FollowUpSpec(on(1, 8, "friday"), "call back"),
            ),
        ),
        (
            "log call with Acme: pricing. Followup next friday.",
            LogInteraction(
                InteractionKind.CALL,
                "Acme",
                "pricing.",
                follow_up=FollowUpSpec(on(1, 8, "next friday")),
            ),
        ),
        (
            "log call with Acme: pricing. follow up 31.03.",
            LogInteraction(
                InteractionKind.CALL,
                "Acme",
                "pricing.",
                follow_up=FollowUpSpec(on(3, 31, "31.03.")),
            ),
        ),
        (
            "log meeting with Globex: line one\n\nline two\nfollow up on friday 9:30: a\nb\n",
            LogInteraction(
                InteractionKind.MEETING,
                "Globex",
                "line one\n\nline two",
                follow_up=FollowUpSpec(on(1, 8, "friday 9:30", time(9, 30)), "a\nb"),
            ),
        ),
        (
            "log call with Globex: short\nfollow up friday:",
            LogInteraction(
                InteractionKind.CALL, "Globex", "short", follow_up=FollowUpSpec(on(1, 8, "friday"))
            ),
        ),
        (
            "log call with Globex: " + "x" * MAX_SUMMARY_LENGTH,
            LogInteraction(InteractionKind.CALL, "Globex", "x" * MAX_SUMMARY_LENGTH),
        ),
    ],
    "follow up": [
        (
            "follow up Acme Corp for <@U02BOB|bob> tomorrow: call",
            CreateFollowUp("Acme Corp", on(1, 7, "tomorrow"), "call", owner_id="U02BOB"),
        ),
        (
            "follow up Acme Corp tomorrow for <@U02BOB>: call",
            CreateFollowUp("Acme Corp", on(1, 7, "tomorrow"), "call", owner_id="U02BOB"),
        ),
        (
            "follow-up Globex next friday 15:00: demo",
            CreateFollowUp("Globex", on(1, 8, "next friday 15:00", time(15, 0)), "demo"),
        ),
        (
            "Follow Up Unknown Co in 2 weeks: ping",
            CreateFollowUp("Unknown Co", on(1, 20, "in 2 weeks"), "ping"),
        ),
        (
            "follow up Globex <@U02BOB> friday: x",
            CreateFollowUp("Globex", on(1, 8, "friday"), "x", owner_id="U02BOB"),
        ),
        (
            "follow up Globex on friday: x",
            CreateFollowUp("Globex", on(1, 8, "friday"), "x"),
        ),
        (
            "follow up Initech Labs 03/04/2027: check",
            CreateFollowUp("Initech Labs", on(3, 4, "03/04/2027"), "check"),
        ),
    ],
    "done": [
        ("done 42", CompleteFollowUp((42,))),
        ("DONE #7", CompleteFollowUp((7,))),
        ("done 4 10", CompleteFollowUp((4, 10))),
        ("done #4, #10 and 12", CompleteFollowUp((4, 10, 12))),
        ("done 4 4", CompleteFollowUp((4,))),
    ],
    "cancel": [("cancel 3", CancelFollowUp((3,))), ("cancel 4 2", CancelFollowUp((4, 2)))],
    # More of these two in tests/unit/test_parser_undo_reopen.py.
    "reopen": [("reopen #12", ReopenFollowUp((12,)))],
    "undo": [("undo", Undo())],
    "snooze": [
        ("snooze #42 for 3 days", SnoozeFollowUp((42,), on(1, 9, "in 3 days"))),
        ("snooze 42 for a week", SnoozeFollowUp((42,), on(1, 13, "in a week"))),
        ("snooze 42 for tomorrow", SnoozeFollowUp((42,), on(1, 7, "tomorrow"))),
        ("snooze 4 10 until monday", SnoozeFollowUp((4, 10), on(1, 11, "monday"))),
        ("snooze #4, #10 by friday", SnoozeFollowUp((4, 10), on(1, 8, "friday"))),
        ("snooze 4 10 for 2 days", SnoozeFollowUp((4, 10), on(1, 8, "in 2 days"))),
        ("snooze 4 10 jan", SnoozeFollowUp((4,), on(1, 10, "10 jan"))),
        ("snooze 4 10 2027-02-01", SnoozeFollowUp((4, 10), on(2, 1, "2027-02-01"))),
        ("snooze 42 to 2027-02-01", SnoozeFollowUp((42,), on(2, 1, "2027-02-01"))),
        (
            "snooze 42 tomorrow 9:00",
            SnoozeFollowUp((42,), on(1, 7, "tomorrow 9:00", time(9, 0))),
        ),
    ],
    "find": [
        ("find acme", FindAccounts("acme")),
        ("find acme   corp archived", FindAccounts("acme corp", include_archived=True)),
        ("find Archived acme", FindAccounts("acme", include_archived=True)),
        ("find archived", FindAccounts("archived")),
    ],
    "show": [
        ("show  Acme   Corp ", ShowAccount("Acme Corp")),
        ("show Nobody", ShowAccount("Nobody")),
    ],
    "history": [
        ("history Acme Corp", History("Acme Corp")),
        ("history Acme Corp 10", History("Acme Corp", 10)),
        ("history Globex 100", History("Globex", 100)),
    ],
    "who owns": [
        ("who owns Globex?", WhoOwns("Globex")),
        ("Who  Owns acme corp", WhoOwns("acme corp")),
    ],
    "assign": [
        ("assign Globex <@U02BOB>", AssignAccount("Globex", "U02BOB")),
        ("assign Acme Corp to <@W1X|x>", AssignAccount("Acme Corp", "W1X")),
    ],
    "contact": [
        ("contact Acme Corp: Jane Doe", AddContact("Acme Corp", "Jane Doe")),
        (
            "contact Acme Corp: Jane Doe, CTO, jane@acme.example, +49 30 1234567",
            AddContact("Acme Corp", "Jane Doe", "CTO", "jane@acme.example", "+49 30 1234567"),
        ),
        (
            "contact Globex: jane@acme.example, Jane  Doe, +1 (555) 123-4567, VP Sales",
            AddContact("Globex", "Jane Doe", "VP Sales", "jane@acme.example", "+1 (555) 123-4567"),
        ),
        (
            "contact Globex: Bob 030 1234567, Head of IT, Berlin",
            AddContact("Globex", "Bob", "Head of IT, Berlin", phone="030 1234567"),
        ),
        (
            "contact Globex: Bob, VP Sales 2019-2024",
            AddContact("Globex", "Bob", "VP Sales 2019-2024"),
        ),
        (
            "contact Globex: Bob, Sales, 555-123-4567",
            AddContact("Globex", "Bob", "Sales", phone="555-123-4567"),
        ),
        (
            "contact Unknown Co: Ann, <tel:+4930123456|+49 30 123456>",
            AddContact("Unknown Co", "Ann", phone="+49 30 123456"),
        ),
        (
            "contact Unknown Co: Ann, <mailto:ann@u.example|ann@u.example>",
            AddContact("Unknown Co", "Ann", email="ann@u.example"),
        ),
        (
            "contact Acme Corp: Priya Patel - Head of Procurement - priya@acme.example",
            AddContact("Acme Corp", "Priya Patel", "Head of Procurement", "priya@acme.example"),
        ),
        (
            "contact Acme Corp: Priya Patel – Buyer | +49 30 1234567 | priya@acme.example",
            AddContact("Acme Corp", "Priya Patel", "Buyer", "priya@acme.example", "+49 30 1234567"),
        ),
        (
            "contact Acme Corp: Priya Patel\nHead of Procurement\npriya@acme.example",
            AddContact("Acme Corp", "Priya Patel", "Head of Procurement", "priya@acme.example"),
        ),
        (
            "contact Acme Corp: Jean-Luc Picard-Smith, Co-Founder",
            AddContact("Acme Corp", "Jean-Luc Picard-Smith", "Co-Founder"),
        ),
    ],
    "mine": [("mine", Mine()), ("MINE ", Mine())],
    "accounts": [
        ("accounts", ListAccounts()),
        ("accounts mine", ListAccounts()),
        ("Accounts ALL", ListAccounts(Scope.ALL)),
        ("accounts <@U02BOB|bob>", ListAccounts(Scope.USER, "U02BOB")),
        ("accounts supplier", ListAccounts(kind=AccountKind.SUPPLIER)),
        ("accounts all suppliers", ListAccounts(Scope.ALL, kind=AccountKind.SUPPLIER)),
        ("accounts tier Gold", ListAccounts(tier="Gold")),
        ("accounts tag emea", ListAccounts(tag="emea")),
        ("accounts at risk", ListAccounts(at_risk=True)),
        ("accounts AT-RISK all", ListAccounts(Scope.ALL, at_risk=True)),
        (
            "accounts <@U02BOB> partners tier gold tag emea at risk",
            ListAccounts(
                Scope.USER, "U02BOB", AccountKind.PARTNER, tier="gold", tag="emea", at_risk=True
            ),
        ),
        # Filters in any order.
        (
            "accounts tag dach customer all",
            ListAccounts(Scope.ALL, kind=AccountKind.CUSTOMER, tag="dach"),
        ),
    ],
    "overdue": [
        ("overdue", Overdue()),
        ("overdue all", Overdue(Scope.ALL)),
        ("overdue <@U02BOB|bob>", Overdue(Scope.USER, "U02BOB")),
    ],
    "report": [("report", ShowTeamReport()), ("  Report ", ShowTeamReport())],
    "stale": [
        ("stale", Stale()),
        ("stale everyone", Stale(Scope.ALL)),
        ("stale <@U02BOB>", Stale(Scope.USER, "U02BOB")),
    ],
    "due": [("due", Due()), ("due today", Due("today")), ("due this  week", Due("this week"))],
    "renewals": [
        ("renewals", Renewals()),
        ("renewals in 30 days", Renewals(within_days=30)),
        ("renewals next 2 weeks", Renewals(within_days=14)),
        ("renewals 3 months", Renewals(within_days=90)),
        ("renewals this quarter", Renewals(period=RenewalPeriod.THIS_QUARTER)),
    ],
    "notices": [("notices", Notices()), ("notices in 30 days", Notices(within_days=30))],
    "renewed": [("renewed Acme Corp", RecordOutcome("Acme Corp", renewed=True))],
    "churned": [("churned Initech Labs", RecordOutcome("Initech Labs", renewed=False))],
    "watch": [
        ("watch Acme Corp", WatchAccount("Acme Corp")),
        ("Watch  acme.", WatchAccount("acme")),
    ],
    "unwatch": [("unwatch Acme Corp", UnwatchAccount("Acme Corp"))],
    "settings": [
        ("settings", ShowSettings()),
        ("settings workspace", ShowSettings()),
        ("settings timezone europe/berlin", SetTimezone("Europe/Berlin")),
        ("settings time zone America/New_York", SetTimezone("America/New_York")),
        ("settings digest 08:30", SetDigestTime(time(8, 30))),
        ("settings digest 7pm", SetDigestTime(time(19, 0))),
        ("settings nudges Instant", SetNudgeMode(NudgeMode.INSTANT)),
        ("settings nudges off", SetNudgeMode(NudgeMode.OFF)),
        ("settings workdays mon-fri", SetWorkdays(frozenset(range(5)))),
        ("settings workdays mon,tue,thu", SetWorkdays(frozenset({0, 1, 3}))),
        ("settings workdays Sunday - Thursday", SetWorkdays(frozenset({6, 0, 1, 2, 3}))),
        ("settings hours 08:00-18:00", SetHours(time(8, 0), time(18, 0))),
        ("settings hours 7:30 to 16:00", SetHours(time(7, 30), time(16, 0))),
        ("settings workspace dayfirst on", SetDayFirst(True)),
        ("settings workspace dayfirst OFF", SetDayFirst(False)),
        ("settings workspace currency eur", SetWorkspaceCurrency("EUR")),
        ("settings workspace currency  CHF ", SetWorkspaceCurrency("CHF")),
        ("settings workspace escalation <#C123ABC|cs>", SetEscalationChannel("C123ABC")),
        ("settings workspace escalation <#C9>", SetEscalationChannel("C9")),
        ("settings workspace ladder 90,60,30,14,7,1", SetRenewalLadder((90, 60, 30, 14, 7, 1))),
        ("settings workspace ladder 7, 30 7 1 3660", SetRenewalLadder((3660, 30, 7, 1))),
    ],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [case for cases in GOOD.values() for case in cases],
    ids=[f"{name}-{i}" for name, cases in GOOD.items() for i in range(len(cases))],
)
def test_good_lines(text: str, expected: Command) -> None:
    assert parse(text) == expected


def test_every_command_has_good_cases() -> None:
    commands = {key for key in USAGE if not key.startswith("settings ")}
    assert commands <= set(GOOD)


def test_dayfirst_comes_from_the_workspace() -> None:
    dayfirst = replace(CONTEXT, dayfirst=True)
    expected = CreateFollowUp("Globex", on(4, 3, "03/04/2027"), "check")
    assert parse("follow up Globex 03/04/2027: check", dayfirst) == expected


# In a day-first workspace numbers are written the German way: "." groups, "," is the point.
DAYFIRST_AMOUNTS = [
    ("24.000", Decimal("24000")),
    ("24,000", Decimal("24")),
    ("24.000,50", Decimal("24000.50")),
    ("24,000.50", Decimal("24000.50")),
    ("24000", Decimal("24000")),
    ("24k", Decimal("24000")),
    ("24,5k", Decimal("24500")),
    ("1.234.567", Decimal("1234567")),
]


@pytest.mark.parametrize(("typed", "value"), DAYFIRST_AMOUNTS)
def test_a_dayfirst_workspace_reads_amounts_the_german_way(typed: str, value: Decimal) -> None:
    german = replace(CONTEXT, dayfirst=True, currency="EUR")
    expected = SetContract("Globex", value, "EUR", on(3, 31, "31.03.2027"))
    assert parse(f"contract Globex: {typed} renews 31.03.2027", german) == expected


def test_the_issue_line_in_a_dayfirst_euro_workspace() -> None:
    german = replace(CONTEXT, dayfirst=True, currency="EUR")
    line = "contract Acme Corp: 24.000 € renews 15. Januar 2027 notice 3 months"
    expected = SetContract(
        "Acme Corp", Decimal("24000"), "EUR", on(1, 15, "15. Januar 2027"), notice_months=3
    )
    assert parse(line, german) == expected


@pytest.mark.parametrize(
    ("typed", "currency"),
    [("24000", "CHF"), ("€24000", "EUR"), ("24000 usd", "USD"), ("$24000", "USD")],
)
def test_an_amount_without_a_currency_is_in_the_workspaces(typed: str, currency: str) -> None:
    swiss = replace(CONTEXT, currency="CHF")
    parsed = parse(f"contract Globex: {typed} renews 2027-03-31", swiss)
    assert isinstance(parsed, SetContract) and parsed.currency == currency


def test_a_dayfirst_workspace_says_so_when_a_value_has_three_decimals() -> None:
    german = replace(CONTEXT, dayfirst=True)
    parsed = parse("contract Globex: 24,001 EUR renews 2027-03-31", german)
    assert isinstance(parsed, ParseError)
    assert "“24,001 EUR”" in parsed.message and "after “,”" in parsed.message


@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(
        st.integers(0, 999_999).map(Decimal),  # "24,000": the shape the workspace decides
        st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2),
    ),
    dayfirst=st.booleans(),
    grouped=st.booleans(),
    mark=st.sampled_from(["", " EUR", "EUR ", "€", " €", "$", " gbp"]),
)
def test_a_value_written_in_the_workspaces_convention_reads_back(
    value: Decimal, dayfirst: bool, grouped: bool, mark: str
) -> None:
    written = f"{value:,.2f}" if grouped else f"{value:.2f}"
    if value == value.to_integral_value():
        written = written[:-3]  # "24,000": no cents, as people write it
    if dayfirst:
        written = written.translate(str.maketrans(",.", ".,"))
    amount = f"{mark}{written}" if mark.endswith(" ") or mark in ("€", "$") else f"{written}{mark}"
    context = replace(CONTEXT, dayfirst=dayfirst)
    parsed = parse(f"contract Globex: {amount} renews 2027-03-31", context)
    assert isinstance(parsed, SetContract), (amount, parsed)
    assert parsed.value == value


def test_no_known_accounts_still_parses() -> None:
    empty = replace(CONTEXT, account_keys=NameSet(frozenset()))
    assert parse("log call with Acme Corp yesterday: x", empty) == LogInteraction(
        InteractionKind.CALL, "Acme Corp", "x", on(1, 5, "yesterday")
    )
    assert parse("tag Acme Corp vip", empty) == TagAccount("Acme Corp", ("vip",))


# --- bad lines: what was not understood, the usage line, an example ---------------------------

BAD = [
    # (text, fragments the message must contain, the USAGE key of the usage line)
    ("xyz", ["I don't understand “xyz”", "help"], None),
    ("shwo acme", ["“shwo”", "Did you mean `show`?"], "show"),
    ("who Acme", ["Did you mean `who owns`?"], "who owns"),
    ("add", ["name is missing"], "add"),
    ("add as customer", ["name is missing"], "add"),
    ("add Acme as lunch", ["“lunch”", "customer, prospect, partner"], "add"),
    ("add Acme owner @bob", ["“@bob”", "pick the person"], "add"),
    ("add " + "x" * 201, ["200 characters"], "add"),
    ("add <@U02BOB|bob>", ["is a person"], "add"),
    ("add Acme every 0 days", ["between 1 and 3660"], "add"),
    ("add Acme every 2", ["Every 2 what?"], "add"),
    ("add Acme tier gold tier silver as partner", ["“tier” is given twice"], "add"),
    ("add Acme as custmer tier gold", ["“custmer”"], "add"),
    ('add "Acme" soon', ["“soon” after the name"], "add"),
    ('add "  " tier gold', ["name is missing"], "add"),
    ("rename Acme", ["“to <new name>”"], "rename"),
    ("rename Acme to  ", ["“to <new name>”"], "rename"),
    ("archive", ["Which account?"], "archive"),
    ("show   ", ["Which account?"], "show"),
    ("show " + "x" * 201, ["longer than any account name"], "show"),
    ("status Acme", ["Which status?", "at risk"], "status"),
    ("set Acme Corp", ["don't understand", "`tier <t>`"], "set"),
    ("set Acme Corp tier gold plus", ["A tier is one word"], "set"),
    ("set Acme Corp kind banana", ["kind “banana”", "supplier"], "set"),
    ("set Acme Corp every fortnight", ["“fortnight”", "every 2 weeks"], "set"),
    ("set Acme Corp every 0 days", ["between 1 and"], "set"),
    ("set Acme Corp status archived", ["archive Acme Corp"], "archive"),
    ("set Acme Corp status sleepy", ["“sleepy”", "active, at risk or churned"], "set"),
    ("status Acme archived", ["archive Acme"], "archive"),
    ("tag Acme", ["Which tag?"], "tag"),
    ("tag", ["account and a tag"], "tag"),
    ("untag Acme Corp vip emea", ["One tag at a time"], "untag"),
    ("tag Acme " + "x" * 51, ["at most 50"], "tag"),
    ("contract Globex: -5 EUR renews 2027-03-31", ["“-5 EUR” is negative"], "contract"),
    ("contract Globex: 1000000000000 EUR renews 2027-03-31", ["typo"], "contract"),
    ("contract Globex: renews 2027-03-31", ["worth", "`24000 EUR`"], "contract"),
    ("contract Globex: 24,0,0 EUR renews 2027-03-31", ["“24,0,0 EUR”", "`$24k`"], "contract"),
    ("contract Globex: 24.001 EUR renews 2027-03-31", ["“24.001 EUR”", "two decimals"], "contract"),
    ("contract Globex: EUR 24 USD renews 2027-03-31", ["two currencies"], "contract"),
    ("contract Globex: ¥5000 renews 2027-03-31", ["Which currency is ¥", "JPY"], "contract"),
    ("contract Globex: twelve EUR renews 2027-03-31", ["“twelve EUR”"], "contract"),
    ("contract Globex: 24000 EUR renews someday", ["“someday”", "`tomorrow`"], "contract"),
    ("contract Globex: 24000 EUR", ["renews <date>"], "contract"),
    ("contract Globex 24000 EUR renews 2027-03-31", ["need a “:”"], "contract"),
    ("contract Globex: €100 USD renews 2027-03-31", ["€ is EUR, not USD"], "contract"),
    ("contract Globex: 1 EUR renews 2027-03-31 notice 3 moons", ["“moons”"], "contract"),
    ("contract Globex: 1 EUR renews 2027-03-31 notice three", ["“notice three”"], "contract"),
    ("contract Globex: 1 EUR renews 2027-03-31 notice 121 months", ["120 months"], "contract"),
    ("contract Globex: 1 EUR renews 2027-03-31 notice 523 weeks", ["3660 days"], "contract"),
    ("contract Globex: 1 EUR renews 2027-03-31 notice 3m", ["“notice 3m”", "3 months"], "contract"),
    ("contract Globex: 1 EUR renews 15. Januarr 2027", ["“15. Januarr 2027”"], "contract"),
    ("contract Globex: 1 EUR renews 2027-03-31 gratis", ["“2027-03-31 gratis”"], "contract"),
    ("contract Globex: 1 EUR renews 2027-03-31 notice 9 days gratis", ["“gratis”"], "contract"),
    ("contract Globex: 1 EUR renews 2027-03-31 notice 9 days notice 3", ["“notice 3”"], "contract"),
    ("log lunch with Acme: x", ["“lunch”", "call, meeting, email, note"], "log"),
    ("log", ["Log what?"], "log"),
    ("log call with Acme:   ", ["summary"], "log"),
    ("log call with Acme: follow up friday: x", ["summary"], "log"),
    ("log call with Acme discussed", ["need a “:”"], "log"),
    ("log call with : x", ["Which account?"], "log"),
    ("log call with Acme Corp tomorrow: x", ["“tomorrow”", "already happened"], "log"),
    ("log call with Nobody in 2 days: x", ["“in 2 days”", "already happened"], "log"),
    ("follow up Nobody yesterday: x", ["“yesterday”", "past"], "follow up"),
    ("log call with Acme: " + "x" * (MAX_SUMMARY_LENGTH + 1), ["10,000 characters"], "log"),
    ("follow up Globex in 3 days", ["“: <text>”"], "follow up"),
    ("follow up Globex someday: x", ["“someday”", "`tomorrow`"], "follow up"),
    ("follow up Globex in 3 dyas: x", ["“in 3 dyas”", "`in 3 days`"], "follow up"),
    ("follow up Nobody in 3 dyas: x", ["“Nobody in 3 dyas”", "`in 3 days`"], "follow up"),
    ("follow up Globex yesterday: x", ["“yesterday”", "past"], "follow up"),
    ("follow up Globex for @bob tomorrow: x", ["“@bob”", "pick the person"], "follow up"),
    ("follow up Globex tomorrow:  ", ["What is there to do?"], "follow up"),
    ("follow up Globex: x", ["When?"], "follow up"),
    ("done", ["Which follow-up?"], "done"),
    ("done abc", ["“abc”"], "done"),
    ("done 0", ["“0”"], "done"),
    ("done 99999999999", ["“99999999999”"], "done"),
    ("cancel 4 two", ["“two”"], "cancel"),
    ("done 4 x 10", ["“x”"], "done"),
    ("done " + " ".join(str(n) for n in range(1, 22)), ["at most 20"], "done"),
    ("snooze 4 10 x until monday", ["“x until monday”"], "snooze"),
    ("snooze 42", ["Until when?"], "snooze"),
    ("snooze 42 until", ["Until when?"], "snooze"),
    ("snooze 42 until someday", ["“someday”", "`next friday 15:00`"], "snooze"),
    ("snooze 42 for ever", ["“ever”"], "snooze"),
    ("snooze x until monday", ["“x”"], "snooze"),
    ("find", ["Find what?"], "find"),
    ("history Globex 0", ["1 to 100"], "history"),
    ("history Globex 101", ["1 to 100"], "history"),
    ("who owns", ["Which account?"], "who owns"),
    ("assign Globex @bob", ["“@bob”", "pick the person"], "assign"),
    ("assign Globex", ["to whom?"], "assign"),
    ("contact Acme Corp: jane@acme.example", ["contact's name"], "contact"),
    ("contact Acme Corp Jane", ["need a “:”"], "contact"),
    ("contact Acme Corp: Jane, a@x.example, b@x.example", ["more than one e-mail"], "contact"),
    ("mine please", ["“please”"], "mine"),
    ("accounts suppliar", ["“suppliar”", "a kind (customer, supplier"], "accounts"),
    ("accounts @bob", ["“@bob”", "pick the person"], "accounts"),
    ("accounts <@nobody>", ["“<@nobody>”", "pick the person"], "accounts"),
    ("accounts tier", ["Which tier?"], "accounts"),
    ("accounts tag", ["Which tag?"], "accounts"),
    ("accounts tier " + "g" * 51, ["at most 50"], "accounts"),
    ("accounts all mine", ["“mine”", "already has whose"], "accounts"),
    ("accounts supplier customer", ["“customer”", "already has a kind"], "accounts"),
    ("accounts at", ["“at”"], "accounts"),
    ("overdue @bob", ["“@bob”", "pick the person"], "overdue"),
    ("stale bob", ["“bob”"], "stale"),
    ("report weekly", ["“weekly”"], "report"),
    ("due tomorrow", ["“tomorrow”"], "due"),
    ("renewals soon", ["“soon”"], "renewals"),
    ("renewals in 0 days", ["“in 0 days”"], "renewals"),
    ("settings colour blue", ["no setting “colour”"], "settings"),
    ("settings timezne Europe/Berlin", ["Did you mean `timezone`?"], "settings"),
    ("settings timezone Mars/Base", ["“Mars/Base”", "Europe/Berlin"], "settings timezone"),
    ("settings timezone", ["to what?"], "settings timezone"),
    ("settings digest 25:00", ["“25:00”"], "settings digest"),
    ("settings digest soon", ["“soon”"], "settings digest"),
    ("settings nudges loud", ["“loud”", "digest, instant or off"], "settings nudges"),
    ("settings workdays funday", ["“funday”"], "settings workdays"),
    ("settings hours 18:00-08:00", ["after its start"], "settings hours"),
    ("settings hours all day", ["“all day”"], "settings hours"),
    ("settings workspace dayfirst maybe", ["“maybe”"], "settings workspace dayfirst"),
    ("settings workspace currency €", ["“€”", "`EUR`"], "settings workspace currency"),
    ("settings workspace currency euros", ["“euros”"], "settings workspace currency"),
    (
        "settings workspace escalation #cs",
        ["“#cs”", "pick the channel"],
        "settings workspace escalation",
    ),
    ("settings workspace ladder 90,0", ["“0”"], "settings workspace ladder"),
    ("settings workspace ladder 5000", ["“5000”"], "settings workspace ladder"),
    ("settings workspace ladder soon", ["“soon”"], "settings workspace ladder"),
    ("settings workspace colour blue", ["no setting"], "settings workspace"),
]


@pytest.mark.parametrize(("text", "fragments", "usage_key"), BAD, ids=[b[0][:40] for b in BAD])
def test_bad_lines(text: str, fragments: list[str], usage_key: str | None) -> None:
    result = parse(text)
    assert isinstance(result, ParseError), result
    for fragment in fragments:
        assert fragment in result.message
    if usage_key is not None:
        assert (result.usage, result.example) == USAGE[usage_key]
    assert result.usage
    assert result.example


def test_long_input_is_quoted_short() -> None:
    result = parse("follow up Globex " + "z" * 5000 + ": x")
    assert isinstance(result, ParseError)
    assert len(result.message) < 400


# --- the usage table ---------------------------------------------------------------------------

# Slack's autocomplete turns "@bob" and "#channel" into these when a person types them.
AUTOCOMPLETED = {
    "@bob": "<@U0BOB|bob>",
    "@alice": "<@U0ALICE|alice>",
    "#customer-success": "<#C0CS|customer-success>",
    "#team-leads": "<#C0LEADS|team-leads>",
}


@pytest.mark.parametrize("key", list(USAGE))
def test_every_usage_example_works(key: str) -> None:
    usage, example = USAGE[key]
    for typed, sent in AUTOCOMPLETED.items():
        example = example.replace(typed, sent)
    assert usage
    assert not isinstance(parse(example), ParseError)
    assert not isinstance(parse(f"/crm {example}"), ParseError)


# --- properties: nothing makes the parser raise -----------------------------------------------

WORDS = [
    *USAGE,
    *(kind.value for kind in InteractionKind),
    *(kind.value for kind in AccountKind),
    "/crm", "<@U0RAPPORT>", "with", "Acme", "Acme Corp", "acme   corp", "Globex",
    "Initech Labs", "Nobody",
    ":", ": ", "::", "follow up", "follow-up", "Follow Up", "for", "until", "to", "as", "a",
    "owner", "tier", "every", "2", "0", "-1", "42", "#42", "#", "99999999999999999999",
    "days", "weeks", "months", "renews", "notice", "auto-renew", "EUR", "eur", "€", "$",
    "24,000.50", "24.000", "1_000", "tomorrow", "yesterday", "friday", "next friday",
    "this friday", "in 3 days", "3 days ago", "end of quarter", "2027-03-31", "31.03.2027",
    "03/04/2027", "31 Mar", "Mar 31", "15:00", "9:30", "25:99", "at risk", "active", "archived",
    "all", "today", "this week", "this quarter", "<@U02BOB>", "<@U02BOB|bob smith>", "<@>",
    "@bob", "<#C1|cs>", "<#C1>", "#cs", "<mailto:a@b.example|a@b.example>", "a@b.example",
    "+49 30 1234567", ",", ";", ".", "\n", "\t", "<", ">", "&", "🚀", "ß", "İ", "\u00a0",
    "workspace", "ladder", "90,60,30", "dayfirst", "on", "off", "timezone", "Europe/Berlin",
    "digest", "08:30", "hours", "08:00-18:00", "workdays", "mon-fri", "nudges", "instant",
]  # fmt: skip


def assert_well_formed(result: object) -> None:
    if isinstance(result, ParseError):
        assert result.message
        assert result.usage
        assert result.example
        return
    assert isinstance(result, COMMAND_TYPES), result
    if isinstance(result, LogInteraction):
        assert result.summary == result.summary.strip()
        assert 0 < len(result.summary) <= MAX_SUMMARY_LENGTH
    if isinstance(result, AddAccount):
        assert result.name == " ".join(result.name.split()) != ""


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_a_command_or_a_parse_error(text: str) -> None:
    assert_well_formed(parse(text))


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(list(USAGE)),
    st.lists(st.sampled_from(WORDS) | st.text(max_size=4), max_size=14),
    st.sampled_from([" ", "", "  ", "\n", ":"]),
)
def test_grammar_word_soup_is_a_command_or_a_parse_error(
    command: str, words: list[str], joiner: str
) -> None:
    assert_well_formed(parse(" ".join([command, joiner.join(words)])))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=10), st.booleans())
def test_log_and_follow_up_lines_are_a_command_or_a_parse_error(
    words: list[str], dayfirst: bool
) -> None:
    context = replace(CONTEXT, dayfirst=dayfirst)
    for head in ("log call with", "follow up", "contract", "add", "snooze"):
        assert_well_formed(parse(f"{head} {' '.join(words)}", context))


def test_a_line_asks_about_the_names_it_could_mean_all_at_once() -> None:
    asked: list[frozenset[str]] = []
    known = NameSet.of("Acme Corp", "Globex")

    def lookup(keys: Collection[str]) -> set[str]:
        asked.append(frozenset(keys))
        return set(known.among(keys))

    context = replace(CONTEXT, account_keys=LookedUpNames(lookup))
    text = "log call with Acme Corp yesterday: pricing. follow up friday: send it"
    assert parse(text, context) == parse(text)
    # One question for all the places a name could end, not one per place; and only
    # about what the line holds.
    assert len(asked) == 1
    assert asked[0] == {"acme corp yesterday", "acme corp", "acme"}


# --- accounts: the line a "Show more" button carries reads back as the same list -------------


@given(
    scope=st.sampled_from([(Scope.MINE, None), (Scope.ALL, None), (Scope.USER, "U02BOB")]),
    kind=st.none() | st.sampled_from(list(AccountKind)),
    tier=st.none() | st.sampled_from(["gold", "Tier-1", "<b>", "gold?", "ünïcode"]),
    tag=st.none() | st.sampled_from(["emea", "renewal-risk", "&amp;", "tier", "at"]),
    at_risk=st.booleans(),
    by_health=st.booleans(),
)
def test_an_accounts_line_reads_back_as_its_list(
    scope: tuple[Scope, str | None],
    kind: AccountKind | None,
    tier: str | None,
    tag: str | None,
    at_risk: bool,
    by_health: bool,
) -> None:
    command = ListAccounts(
        scope[0], scope[1], kind, tier=tier, tag=tag, at_risk=at_risk, by_health=by_health
    )
    assert parse(accounts_line(command)) == command


# --- a follow-up is never dropped silently ------------------------------------------------

# (line, the date quoted): a sentence starts with a follow-up word and a date follows that
# cannot be read, so the whole line is refused and repeated to copy.
FOLLOW_UP_UNREAD = [
    (
        "log call with Initech Labs: they want a discount. follow up nxt week: send revised quote",
        "“nxt week”",
    ),
    ("log call with Acme: pricing. f/u tomorow", "“tomorow”"),
    ("log call with Acme: pricing. Remind me fri-day: call back", "“fri-day”"),
    ("log call with Acme: pricing, followup in 2 wks: call", "“in 2 wks”"),
    ("log call with Acme: pricing; follow-up someday: call", "“someday”"),
    ("log call with Acme: pricing.\nfollow up soon", "“soon”"),
    ("log call with Acme: follow up eow: call back.\nGood call overall", "“eow”"),
    ("log call with Acme: pricing. Follow up with legal in 2 weeks.", "“with legal in 2 weeks”"),
    ("log call with Acme: pricing. remind me to call back friday", "“to call back friday”"),
    # The last readable follow-up is taken, and an unreadable one before it still refuses.
    ("log call with Acme: x. follow up nxt week: a. follow up friday", "“nxt week”"),
]


@pytest.mark.parametrize(("line", "quoted"), FOLLOW_UP_UNREAD, ids=[c[1] for c in FOLLOW_UP_UNREAD])
def test_a_follow_up_whose_date_cannot_be_read_refuses_the_whole_line(
    line: str, quoted: str
) -> None:
    result = parse(line)
    assert isinstance(result, ParseError), result
    assert "I logged nothing" in result.message
    assert quoted in result.message
    assert "`next friday 15:00`" in result.message  # the date examples
    assert result.retype == line  # the whole line, to copy and correct
    assert (result.usage, result.example) == USAGE["log"]


def test_a_readable_follow_up_with_text_after_it_refuses_rather_than_hides() -> None:
    line = "log call with Globex: notes\nfollow up friday\nmore notes"
    result = parse(line)
    assert isinstance(result, ParseError), result
    assert "“friday”" in result.message and "at the end" in result.message
    assert result.retype == line


# Follow-up words that are part of the summary: inside a sentence, or followed by no date.
FOLLOW_UP_WORDS_IN_SUMMARIES = [
    "we agreed to follow up with legal",
    "Jane will follow up with legal in 2 weeks",  # inside a sentence, however date-like
    "they asked us to remind me-too vendors by friday",
    "Follow up with legal on the contract terms and the SLA appendix.",
    "Discussed. Follow up items: SSO, pricing",
    "Discussed. Follow-up: none needed.",
    "Discussed. Follow up may be needed.",
    "QBR went well. Remind me how the pilot went, said Jane",
]


@pytest.mark.parametrize("summary", FOLLOW_UP_WORDS_IN_SUMMARIES)
def test_follow_up_words_inside_a_summary_stay_summary_text(summary: str) -> None:
    assert parse(f"log call with Acme: {summary}") == LogInteraction(
        InteractionKind.CALL, "Acme", summary
    )


def test_a_refused_line_is_repeated_as_typed_without_the_crm_prefix() -> None:
    result = parse("/crm log call with Acme: x. f/u nxt week")
    assert isinstance(result, ParseError)
    assert result.retype == "log call with Acme: x. f/u nxt week"


def test_only_log_lines_are_repeated() -> None:
    result = parse("follow up Globex someday: x")
    assert isinstance(result, ParseError)
    assert result.retype is None


def test_a_snooze_by_a_count_says_so_and_one_to_a_day_does_not() -> None:
    by_count = parse("snooze 4 for 2 days")
    to_a_day = parse("snooze 4 until monday")
    with_time = parse("snooze 4 in 2 days 15:00")
    assert isinstance(by_count, SnoozeFollowUp) and by_count.until.counted
    assert isinstance(to_a_day, SnoozeFollowUp) and not to_a_day.until.counted
    assert isinstance(with_time, SnoozeFollowUp) and with_time.until.time_of_day == time(15, 0)


# --- as people type in Slack: links, entities, marks after a name, questions, bare names -------

TYPED_CONTEXT = replace(
    CONTEXT,
    account_keys=NameSet.of(
        "Acme Corp", "Globex", "Monday.com", "Yahoo!", "Yahoo", "Hooli, Inc.", "AT&T",
        "Due Diligence Ltd", "Studio 54",
    ),
)  # fmt: skip

TYPED = [
    # Slack's links read as what was typed; references stay references.
    ("add <http://Monday.com|Monday.com>", AddAccount("Monday.com")),
    ("show <http://monday.com|monday.com>", ShowAccount("monday.com")),
    ("show <https://monday.com>", ShowAccount("https://monday.com")),
    ("add AT&amp;T as supplier", AddAccount("AT&T", kind=AccountKind.SUPPLIER)),
    ("who owns AT&amp;T?", WhoOwns("AT&T")),
    (
        "log note with Globex: wrote <mailto:a@b.example|a@b.example> &amp; <mailto:c@d.example>",
        LogInteraction(InteractionKind.NOTE, "Globex", "wrote a@b.example & c@d.example"),
    ),
    (
        "log note with Globex: typed &lt;3 and &amp;lt; and <@U02BOB|bob>",
        LogInteraction(InteractionKind.NOTE, "Globex", "typed <3 and &lt; and <@U02BOB|bob>"),
    ),
    (
        "follow up <http://Monday.com|Monday.com> for <@U02BOB> tomorrow: call",
        CreateFollowUp("Monday.com", on(1, 7, "tomorrow"), "call", "U02BOB"),
    ),
    ("assign <http://monday.com|Monday.com> <@U02BOB|bob>", AssignAccount("Monday.com", "U02BOB")),
    ("settings workspace escalation <#C123ABC|cs>", SetEscalationChannel("C123ABC")),
    ("tag Globex <#C1|emea>", TagAccount("Globex", ("emea",))),
    # Marks a sentence puts after a name; a name that ends in one is found as it is.
    ("show Acme Corp.", ShowAccount("Acme Corp")),
    ("who owns Acme Corp??", WhoOwns("Acme Corp")),
    ("history Acme Corp!", History("Acme Corp")),
    ("history Acme Corp 10.", History("Acme Corp", 10)),
    ("history Studio 54?", History("Studio 54")),
    ("show Yahoo!", ShowAccount("Yahoo!")),
    ("who owns Yahoo!?", WhoOwns("Yahoo!")),
    ("show Yahoo", ShowAccount("Yahoo")),
    ("show Hooli, Inc.", ShowAccount("Hooli, Inc.")),
    ("show Nobody Inc.", ShowAccount("Nobody Inc")),  # unknown: the service says so
    ("archive Globex;", ArchiveAccount("Globex")),
    ("renewed Globex.", RecordOutcome("Globex", renewed=True)),
    ("status Acme Corp, at risk", SetStatus("Acme Corp", AccountStatus.AT_RISK)),
    ("assign Acme Corp, to <@U02BOB>", AssignAccount("Acme Corp", "U02BOB")),
    ("tag Acme Corp, vip", TagAccount("Acme Corp", ("vip",))),
    ("rename Acme Corp. to Acme", RenameAccount("Acme Corp", "Acme")),
    ("rename Nobody Inc. to Somebody", RenameAccount("Nobody Inc", "Somebody")),
    (
        "follow up Acme Corp, tomorrow: call",
        CreateFollowUp("Acme Corp", on(1, 7, "tomorrow"), "call"),
    ),
    (
        "contract Acme Corp.: 1 EUR renews 2027-03-31",
        SetContract("Acme Corp", Decimal("1"), "EUR", on(3, 31, "2027-03-31")),
    ),
    ("log call with Acme Corp.: x", LogInteraction(InteractionKind.CALL, "Acme Corp", "x")),
    (
        "log call with Acme Corp, yesterday: x",
        LogInteraction(InteractionKind.CALL, "Acme Corp", "x", on(1, 5, "yesterday")),
    ),
    ("log call with Nobody.: x", LogInteraction(InteractionKind.CALL, "Nobody", "x")),
    ("find acme?", FindAccounts("acme")),
    ("add Ricoh as supplier, tier low", AddAccount("Ricoh", AccountKind.SUPPLIER, tier="low")),
    ("add Ricoh, as supplier.", AddAccount("Ricoh", AccountKind.SUPPLIER)),
    ("add Yahoo! Japan", AddAccount("Yahoo! Japan")),
    # Questions.
    ("what's overdue?", Overdue()),
    ("What’s overdue all?", Overdue(Scope.ALL)),
    ("overdue?", Overdue()),
    ("renewals?", Renewals()),
    ("what are the renewals in 30 days?", None),  # "the renewals" is no list command
    ("what is due this week?", Due("this week")),
    ("show me my accounts", ListAccounts()),
    ("list accounts supplier", ListAccounts(kind=AccountKind.SUPPLIER)),
    ("my overdue", Overdue()),
    ("mine?", Mine()),
    ("help?", Help()),
    ("<@U0RAPPORT> what's stale?", Stale()),
    # A line that is only a name shows it; even one that starts like a command.
    ("Acme Corp", ShowAccount("Acme Corp")),
    ("/crm acme corp?", ShowAccount("acme corp")),
    ("<http://Monday.com|Monday.com>", ShowAccount("Monday.com")),
    ("Due Diligence Ltd", ShowAccount("Due Diligence Ltd")),
    ("Yahoo!", ShowAccount("Yahoo!")),
]


@pytest.mark.parametrize(("text", "expected"), TYPED, ids=[t[0][:40] for t in TYPED])
def test_lines_as_people_type_them(text: str, expected: Command | None) -> None:
    result = parse(text, TYPED_CONTEXT)
    if expected is None:
        assert isinstance(result, ParseError), result
    else:
        assert result == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Acme Corpse", "I don't understand “Acme”"),
        ("what's cooking?", "I don't understand “what's”"),
        ("show me Acme Corp", None),  # `show` an account called "me Acme Corp": unknown, as before
        ("show ?!", "Which account?"),
    ],
)
def test_neither_a_command_nor_a_name_is_not_understood(text: str, fragment: str | None) -> None:
    result = parse(text, TYPED_CONTEXT)
    if fragment is None:
        assert result == ShowAccount("me Acme Corp")
        return
    assert isinstance(result, ParseError), result
    assert fragment in result.message
    assert result.usage and result.example


def test_a_line_with_marks_asks_about_its_names_once() -> None:
    asked: list[frozenset[str]] = []

    def lookup(keys: Collection[str]) -> set[str]:
        asked.append(frozenset(keys))
        return set(TYPED_CONTEXT.account_keys.among(keys))

    context = replace(CONTEXT, account_keys=LookedUpNames(lookup))
    assert parse("who owns Yahoo!?", context) == WhoOwns("Yahoo!")
    assert asked == [{"yahoo!?", "yahoo!", "yahoo"}]
    asked.clear()
    assert parse("show Acme Corp", context) == ShowAccount("Acme Corp")
    assert asked == []  # nothing to drop: taken as typed, as before


# Names as people call their accounts: any letters, umlauts, digits, commas, &, marks.
# Not < > | (Slack's markup; typed, they arrive as entities, which the cases above read).
_NAME_CHARACTERS = st.characters(
    blacklist_categories=("Cs", "Cc"), blacklist_characters='<>|"“”:'
) | st.sampled_from(list("äöüßÄÖÜéñ&,.!?;'-() "))
_NAMES = st.text(_NAME_CHARACTERS, min_size=1, max_size=60).filter(
    lambda name: " ".join(name.split()) != ""
)


def _as_slack_sends(typed: str) -> str:
    return typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_SENT_FORMS = [
    lambda name: _as_slack_sends(name),
    lambda name: f"<http://example.com|{_as_slack_sends(name)}>",
    lambda name: f"<https://example.com/x?a=1&amp;b=2|{_as_slack_sends(name)}>",
    lambda name: f"<mailto:a@b.example|{_as_slack_sends(name)}>",
    lambda name: f"{_as_slack_sends(name)}.",
    lambda name: f"{_as_slack_sends(name)}?",
    lambda name: f"{_as_slack_sends(name)}!",
    lambda name: f"{_as_slack_sends(name)}??",
]


@settings(max_examples=300, deadline=None)
@given(name=_NAMES, form=st.sampled_from(range(len(_SENT_FORMS))))
def test_any_name_as_slack_sends_it_resolves_to_its_account(name: str, form: int) -> None:
    typed = " ".join(name.split())
    context = replace(CONTEXT, account_keys=NameSet.of(typed, "Globex"))
    sent = _SENT_FORMS[form](name)
    assert parse(f"show {sent}", context) == ShowAccount(typed)
    assert parse(f"who owns {sent}", context) == WhoOwns(typed)
    assert parse(f"history {sent}", context) == History(typed)
    logged = parse(f"log call with {sent}: hello", context)
    assert isinstance(logged, LogInteraction) and logged.account == typed


_OPTION_WORDS = {"as", "owner", "tier", "every"}


@settings(max_examples=300, deadline=None)
@given(name=_NAMES, form=st.sampled_from(range(4)))
def test_markup_never_reaches_what_is_stored(name: str, form: int) -> None:
    typed = " ".join(name.split())
    sent = _SENT_FORMS[form](name)
    if not _OPTION_WORDS & {word.casefold() for word in typed.split()}:
        assert parse(f"add {sent}") == AddAccount(typed)
    logged = parse(f"log note with Globex: about {sent}")
    assert isinstance(logged, LogInteraction) and logged.summary == f"about {name}".strip()


@pytest.mark.parametrize(
    ("sent", "typed"),
    [
        ("<http://Monday.com|Monday.com>", "Monday.com"),
        ("<https://x.example/a?b=1&amp;c=2>", "https://x.example/a?b=1&c=2"),
        ("<http://x.example|>", "http://x.example"),
        ("<mailto:a@b.example|a@b.example>", "a@b.example"),
        ("<mailto:a@b.example>", "a@b.example"),
        ("<tel:+4930123|+49 30 123>", "+49 30 123"),
        ("<http://x.example|R&amp;D &lt;EU&gt;>", "R&D <EU>"),
        ("&amp;lt; is typed as &amp;lt;", "&lt; is typed as &lt;"),
        ("<@U02BOB> <@U02BOB|bob> <#C1|cs> <!here> <!date^1^{date}|Jan 1>", None),
        ("a < b > c", None),  # the console sends what was typed
        ("<b>", None),  # no scheme: not a link
    ],
)
def test_slack_text_reads_as_typed(sent: str, typed: str | None) -> None:
    assert as_typed(sent) == (sent if typed is None else typed)
