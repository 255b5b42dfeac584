"""render_result: every command's result renders within Slack's limits, says what was resolved,
and echoes user text inert."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from datetime import date, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot import commands as c
from bot.dates import When
from bot.domain import (
    Account,
    AccountFilter,
    AccountKind,
    AccountStatus,
    ActionKind,
    AuditEvent,
    CadenceRule,
    ContractDirection,
    FollowUp,
    FollowUpStatus,
    InteractionKind,
    NextAction,
    NudgeMode,
    Owner,
    RenewalOutcome,
    UserPreferences,
    Workspace,
)
from bot.execute import Executed
from bot.health import Health, HealthBand
from bot.notify import FilterBy, NotifyEvent, NotifyFilter, NotifyRule, NotifyRuleSpec
from bot.paging import Cursor, Page
from bot.render import Reply, Viewer, ids, render_result
from bot.reporting.facts import OwnerCount, OwnerTouches, RenewingContract
from bot.reporting.month_table import month_table, months_from
from bot.services.accounts import AccountChange, ContactSaved
from bot.services.audit import snapshot
from bot.services.contracts import ContractChange, RenewalRecorded
from bot.services.follow_ups import FollowUpChange, FollowUpChanges
from bot.services.interactions import LoggedInteraction
from bot.services.notify_rules import NotifyRuleChange, RuleResult
from bot.services.queries import (
    AccountCard,
    AccountList,
    FollowUpItem,
    Found,
    History,
    MySummary,
    RenewalItem,
    RenewalList,
    RenewalWindow,
)
from bot.services.settings import CadenceRuleChange, SettingsView
from bot.services.team_report import (
    CurrencyTotal,
    OutcomeTotal,
    TeamReport,
    UpcomingAction,
    WeekOutcome,
    week_window,
)
from bot.services.undo import Undone
from bot.services.watchers import WatchChange, WatchResult
from tests.unit.test_render_support import (
    ALI,
    BOB,
    ESCALATION,
    HOSTILE,
    ME,
    NOW,
    account,
    assert_reply_inert,
    block_texts,
    check_reply,
    contact,
    contract,
    follow_up,
    interaction,
    viewer,
)

FRIDAY = When(day=date(2026, 12, 11), time_of_day=None, text="next friday")


def _rule(tag: str) -> NotifyRule:
    """A channel rule for accounts of one tag (``tag`` cut to a tag's length)."""
    chosen = NotifyFilter(FilterBy.TAG, tag[:50] or "t")
    return NotifyRule(1, "T1", ESCALATION, NotifyEvent.ACCOUNT_AT_RISK, ME, NOW, chosen)


def _cases(
    name: str = "Acme Corp", text: str = "send the proposal"
) -> list[tuple[c.Command, object]]:
    """One (command, value) per command type, as ``bot.execute.execute`` returns them."""
    a = account(name=name, tier=name[:50], tags=(name.split()[0][:50] or "t", "emea"))
    renamed = dataclasses.replace(a, name=name + " Ltd")
    f = follow_up(text=text)
    k = contract()
    prefs = UserPreferences(team_id="T1", user_id=ME, timezone="Europe/Berlin")
    ws = Workspace(team_id="T1", dayfirst=True, escalation_channel=ESCALATION)
    card = AccountCard(
        account=a,
        contract=k,
        follow_ups=[f],
        interactions=[interaction(summary=text, permalink="https://x.slack.com/archives/C1/p1")],
        contacts=[contact(name=name, title=text[:200], email="jane@acme.example")],
    )
    return [
        (c.Help(), c.Help()),
        (c.Help("log"), c.Help("log")),
        (c.AddAccount(name, tier="gold"), a),
        (c.RenameAccount(name, name + " Ltd"), AccountChange(a, renamed)),
        (
            c.ArchiveAccount(name),
            AccountChange(a, dataclasses.replace(a, status=AccountStatus.ARCHIVED)),
        ),
        (
            c.SetStatus(name, AccountStatus.AT_RISK),
            AccountChange(a, dataclasses.replace(a, status=AccountStatus.AT_RISK)),
        ),
        (
            c.TagAccount(name, (text[:50].split()[0],)),
            AccountChange(a, dataclasses.replace(a, tags=(*a.tags, text.split()[0][:50]))),
        ),
        (c.UntagAccount(name, "emea"), AccountChange(a, dataclasses.replace(a, tags=a.tags[:1]))),
        (
            c.SetContract(
                name, Decimal("24000"), "EUR", When(date(2027, 3, 31), None, "2027-03-31")
            ),
            ContractChange(a, k, replaced=contract(value=Decimal("20000"))),
        ),
        (
            c.LogInteraction(InteractionKind.CALL, name, text),
            LoggedInteraction(interaction(summary=text), a, FollowUpChange(f, a)),
        ),
        (c.CreateFollowUp(name, FRIDAY, text), FollowUpChange(f, a)),
        (
            c.CompleteFollowUp((3,)),
            FollowUpChanges(
                (FollowUpChange(dataclasses.replace(f, status=FollowUpStatus.DONE), a),)
            ),
        ),
        (
            c.SnoozeFollowUp((3,), FRIDAY),
            FollowUpChanges(
                (FollowUpChange(dataclasses.replace(f, snoozed_until=NOW + timedelta(days=7)), a),)
            ),
        ),
        (
            c.CancelFollowUp((3, 4)),
            FollowUpChanges(
                (
                    FollowUpChange(dataclasses.replace(f, status=FollowUpStatus.CANCELLED), a),
                    FollowUpChange(
                        dataclasses.replace(f, number=4, status=FollowUpStatus.CANCELLED), a
                    ),
                )
            ),
        ),
        (c.ReopenFollowUp((3,)), FollowUpChanges((FollowUpChange(f, a),))),
        (c.Undo(), _undone(a, renamed, f)),
        (c.FindAccounts(name), Found(name, [a], [])),
        (c.ShowAccount(name), card),
        (c.History(name), History(a, [interaction(summary=text)])),
        (c.WhoOwns(name), a),
        (c.AssignAccount(name, ALI), AccountChange(a, dataclasses.replace(a, owner=Owner(ALI)))),
        (
            c.SetAccountField(name, tier=name[:50]),
            AccountChange(a, dataclasses.replace(a, tier=name[:50])),
        ),
        (
            c.AddContact(name, name, title=text[:200]),
            ContactSaved(contact(name=name, title=text[:200]), a),
        ),
        (
            c.Mine(),
            MySummary(Page.of([a]), Page.of([FollowUpItem(f, a)]), Page.of([RenewalItem(k, a)])),
        ),
        (c.Overdue(), Page.of([FollowUpItem(f, a)])),
        (
            c.ListAccounts(
                c.Scope.USER, ALI, AccountKind.SUPPLIER, tier=name[:50], tag=text[:50], at_risk=True
            ),
            AccountList(AccountFilter(), Page([a], 600, Cursor((a.name,)), capped=True), False),
        ),
        (c.Due("this week"), Page.of([FollowUpItem(f, a)])),
        (c.Renewals(), _renewals([RenewalItem(k, a)])),
        (
            c.Notices(within_days=30),
            _renewals(
                [RenewalItem(k, a)], Page([RenewalItem(k, a)], 40, Cursor((date(2027, 1, 5), 7)))
            ),
        ),
        (c.Stale(c.Scope.ALL), Page.of([a])),
        (c.ShowTeamReport(), _team_report(name)),
        (
            c.RecordOutcome(name, renewed=True),
            RenewalRecorded(
                a,
                dataclasses.replace(k, outcome=RenewalOutcome.RENEWED),
                contract(id=8, start_date=date(2027, 3, 31), renewal_date=date(2028, 3, 31)),
            ),
        ),
        (c.WatchAccount(name), WatchChange(a, WatchResult.WATCHING, (BOB, ALI))),
        (c.UnwatchAccount(name), WatchChange(a, WatchResult.STOPPED, ())),
        (c.ShowSettings(), SettingsView(prefs, ws, "Europe/Berlin")),
        (c.SetTimezone("Europe/Berlin"), prefs),
        (c.SetDigestTime(time(8, 30)), dataclasses.replace(prefs, digest_time=time(8, 30))),
        (
            c.SetNudgeMode(NudgeMode.INSTANT),
            dataclasses.replace(prefs, nudge_mode=NudgeMode.INSTANT),
        ),
        (
            c.SetWorkdays(frozenset({0, 1, 3})),
            dataclasses.replace(prefs, workdays=frozenset({0, 1, 3})),
        ),
        (c.SetHours(time(8), time(18)), dataclasses.replace(prefs, hours_start=time(8))),
        (c.SetDayFirst(True), ws),
        (c.SetWorkspaceCurrency("EUR"), dataclasses.replace(ws, currency="EUR")),
        (c.SetEscalationChannel(ESCALATION), ws),
        (c.SetRenewalLadder((60, 30)), dataclasses.replace(ws, renewal_ladder=(60, 30))),
        (c.SetHealthScore(False), dataclasses.replace(ws, health_enabled=False)),
        (
            c.SetWeeklyReport(ESCALATION, 4, time(16, 30)),
            dataclasses.replace(ws, report_channel=ESCALATION, report_weekday=4),
        ),
        (c.SetWeeklyReport(None), ws),
        (
            c.SetCadenceRule(AccountKind.SUPPLIER, 60, 120),
            CadenceRuleChange(ws, CadenceRule(AccountKind.SUPPLIER, 60, 120), False, 3),
        ),
        (
            c.AddNotifyRule(NotifyRuleSpec(ESCALATION, NotifyEvent.ACCOUNT_AT_RISK)),
            NotifyRuleChange(_rule(text), RuleResult.ADDED, (_rule(text),), ESCALATION),
        ),
        (
            c.RemoveNotifyRule(number=1),
            NotifyRuleChange(_rule(text), RuleResult.REMOVED, (), None),
        ),
        (
            c.ListAccounts(c.Scope.ALL, by_health=True),
            AccountList(
                AccountFilter(),
                Page([a], 30, Cursor((12, a.key))),
                False,
                health={a.id: Health(12, HealthBand.AT_RISK, text[:300])},
            ),
        ),
    ]


def _undone(a: Account, renamed: Account, f: FollowUp) -> Undone:
    """What `undo` returns for a line that renamed an account and added a follow-up to it."""

    def row(action: str, entity: str, before: object | None, after: object) -> AuditEvent:
        return AuditEvent(
            team_id="T1",
            actor=ME,
            action=action,
            entity=entity,
            entity_id=1,
            at=NOW,
            before=snapshot(before) if before is not None else None,
            after=snapshot(after),
        )

    events = (
        row("account.rename", "account", a, renamed),
        row("follow_up.create", "follow_up", None, f),
    )
    return Undone(events, NOW - timedelta(minutes=2), {a.id: renamed.name})


def _team_report(name: str) -> TeamReport:
    """A report naming ``name`` in each of its lists."""
    today = date(2026, 12, 4)
    return TeamReport(
        zone="Europe/Berlin",
        now=NOW,
        week=week_window(NOW, ZoneInfo("Europe/Berlin")),
        today=today,
        touches=(OwnerTouches(ME, 2, 1),),
        overdue=(OwnerCount(BOB, 1),),
        upcoming=(
            UpcomingAction(
                name, ALI, NextAction(today, ActionKind.RENEWAL), Decimal("10.50"), "EUR"
            ),
        ),
        upcoming_through=today + timedelta(days=90),
        upcoming_totals=(CurrencyTotal("EUR", Decimal("10.50"), 1, 0),),
        outcomes=(WeekOutcome(RenewalOutcome.CHURNED, name, ME, None, "USD", NOW),),
        outcome_totals=(OutcomeTotal(RenewalOutcome.CHURNED, "USD", Decimal(0), 1, 1),),
        months=month_table(
            months_from(today),
            [RenewingContract(1, 1, date(2027, 2, 1), Decimal(5), "EUR")],
            {1: HealthBand.AT_RISK},
        ),
    )


def _renewals(items: list[RenewalItem], page: Page[RenewalItem] | None = None) -> RenewalList:
    """A first page of `renewals` from today (the viewer's) on: ``items``, or ``page``."""
    window = RenewalWindow(date(2026, 12, 4), date(2027, 3, 4))
    return RenewalList(window, page or Page.of(items))


def _render(command: c.Command, value: object, who: Viewer | None = None) -> Reply:
    return render_result(Executed(command, value), who or viewer())


def test_every_command_type_has_a_case() -> None:
    covered = {type(command) for command, _ in _cases()}
    assert covered == set(typing.get_args(c.Command))


@pytest.mark.parametrize(("command", "value"), _cases(), ids=lambda x: type(x).__name__)
def test_every_result_renders_within_limits(command: c.Command, value: object) -> None:
    reply = _render(command, value)
    check_reply(reply)
    # Results are for the channel, but the team report is the caller's own look (PRODUCT).
    assert reply.ephemeral == isinstance(command, c.ShowTeamReport)
    assert_reply_inert(reply)


@pytest.mark.parametrize(
    ("command", "value"), _cases(HOSTILE, HOSTILE), ids=lambda x: type(x).__name__
)
def test_hostile_names_and_texts_are_escaped_everywhere(command: c.Command, value: object) -> None:
    reply = _render(command, value)
    check_reply(reply)
    assert_reply_inert(reply)


def test_a_wrong_value_type_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        _render(c.ShowAccount("x"), "not a card")


# --- confirmations show what was resolved ---------------------------------------------


def test_add_shows_kind_owner_and_cadence() -> None:
    a = account(cadence_days=14, tier=None)
    reply = _render(c.AddAccount("Acme Corp"), a)
    assert reply.blocks[0]["text"]["text"] == (
        f"Added *Acme Corp* (customer, owner <@{BOB}>, every 14 days)"
    )
    assert reply.text.startswith(f"Added *Acme Corp* (customer, owner <@{BOB}>, every 14 days)")
    buttons = reply.blocks[-1]["elements"]
    assert buttons[0]["action_id"] == ids.LOG_TOUCH and buttons[0]["value"] == "1"


def test_log_shows_account_and_follow_up_due_day() -> None:
    a = account()
    f = follow_up(number=3, due_at=NOW + timedelta(days=7), text="send it")  # Fri 11 Dec
    reply = _render(
        c.LogInteraction(InteractionKind.CALL, "acme corp", "hi"),
        LoggedInteraction(interaction(occurred_at=NOW), a, FollowUpChange(f, a)),
    )
    assert reply.text.startswith(
        "Logged a call with *Acme Corp* · follow-up *#3* due Fri 11 Dec 16:00"
    )
    assert "<!date^" in reply.blocks[0]["text"]["text"]


def test_log_of_an_earlier_day_says_which_day() -> None:
    a = account()
    reply = _render(
        c.LogInteraction(InteractionKind.EMAIL, "acme", "hi"),
        LoggedInteraction(
            interaction(kind=InteractionKind.EMAIL, occurred_at=NOW - timedelta(days=1)), a
        ),
    )
    assert reply.text.startswith("Logged an email with *Acme Corp* on Thu 3 Dec")


def test_contract_shows_value_renewal_and_notice_deadline() -> None:
    reply = _render(
        c.SetContract("Acme", Decimal("24000"), "EUR", When(date(2027, 3, 31), None, "x")),
        ContractChange(account(), contract()),
    )
    text = block_texts(reply.blocks)
    assert "24,000 EUR" in text
    assert "renews Wed 31 Mar 2027 (in 117 days)" in text
    assert "give notice by Sat 30 Jan 2027 (in 57 days)" in text


def test_not_renewing_says_churned() -> None:
    a = account(status=AccountStatus.CHURNED)
    closed = dataclasses.replace(contract(), outcome=RenewalOutcome.CHURNED)
    reply = _render(c.RecordOutcome("Acme", renewed=False), RenewalRecorded(a, closed, None))
    assert "*not renewing* (churned)" in reply.text
    assert "now marked churned" in reply.text


def test_snooze_shows_the_new_due_moment() -> None:
    f = follow_up(snoozed_until=NOW + timedelta(days=3))
    reply = _render(
        c.SnoozeFollowUp((3,), FRIDAY), FollowUpChanges((FollowUpChange(f, account()),))
    )
    assert "Snoozed *#3* (*Acme Corp*) to Mon 7 Dec 16:00" in reply.text


def test_several_follow_ups_are_listed_each_with_its_number_account_and_date() -> None:
    first = follow_up(snoozed_until=NOW + timedelta(days=3), text="Send the quote")
    second = dataclasses.replace(first, number=10, text="Call back")
    changes = FollowUpChanges(
        (FollowUpChange(first, account()), FollowUpChange(second, account(2, "Globex")))
    )
    snoozed = _render(c.SnoozeFollowUp((3, 10), FRIDAY), changes)
    check_reply(snoozed)
    assert snoozed.text.splitlines() == [
        "Snoozed 2 follow-ups:",
        "• *#3* (*Acme Corp*) to Mon 7 Dec 16:00: Send the quote",
        "• *#10* (*Globex*) to Mon 7 Dec 16:00: Call back",
    ]
    done = _render(c.CompleteFollowUp((3, 10)), changes)
    assert done.text.splitlines() == [
        "Done 2 follow-ups:",
        "• *#3* Send the quote (*Acme Corp*)",
        "• *#10* Call back (*Globex*)",
    ]


def test_follow_up_for_someone_else_names_them() -> None:
    f = follow_up(owner_id=ALI, due_at=NOW + timedelta(days=1))
    reply = _render(
        c.CreateFollowUp("Acme", FRIDAY, "x", owner_id=ALI), FollowUpChange(f, account())
    )
    assert f"for <@{ALI}>" in reply.blocks[0]["text"]["text"]


def test_settings_show_the_effective_zone() -> None:
    prefs = UserPreferences(team_id="T1", user_id=ME, slack_timezone="America/Los_Angeles")
    view = SettingsView(prefs, Workspace(team_id="T1"), "America/Los_Angeles")
    text = _render(c.ShowSettings(), view).text
    assert "America/Los_Angeles* (from your Slack profile)" in text
    assert "Working days: *Mon–Fri*" in text
    assert "Escalation channel: none" in text
    changed = _render(c.SetNudgeMode(NudgeMode.OFF), prefs).text
    assert "America/Los_Angeles" in changed


def test_workspace_escalation_channel_is_a_channel_link() -> None:
    ws = Workspace(team_id="T1", escalation_channel=ESCALATION)
    reply = _render(c.SetEscalationChannel(ESCALATION), ws)
    assert f"<#{ESCALATION}>" in reply.blocks[0]["text"]["text"]


# --- the account card -----------------------------------------------------------------


def _card(**changes: object) -> AccountCard:
    a = account()
    base = AccountCard(
        account=a,
        contract=contract(),
        follow_ups=[follow_up(3), follow_up(4, due_at=NOW + timedelta(days=2))],
        interactions=[interaction(i, occurred_at=NOW - timedelta(days=i)) for i in range(1, 6)],
        contacts=[contact(1, "Jane Doe", title="CTO", email="jane@acme.example")],
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_card_shows_everything_the_product_lists() -> None:
    reply = _render(c.ShowAccount("acme"), _card())
    check_reply(reply)
    text = block_texts(reply.blocks)
    assert reply.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Acme Corp", "emoji": True},
    }
    for expected in (
        f"*Owner*\n<@{BOB}>",
        "*Kind*\ncustomer",
        "*Tier*\ngold",
        "*Status*\nactive",
        "24,000 EUR",
        "give notice by Sat 30 Jan 2027",
        "Last touch <!date^",
        "next touch due <!date^",
        "10 days past cadence",
        "*#3* send the proposal",
        "2 days overdue",
        "*Jane Doe* · CTO · jane@acme.example",
    ):
        assert expected in text, expected
    assert text.count("discussed Q3 pricing") == 5
    follow_up_blocks = [b for b in reply.blocks if b.get("block_id", "").startswith("follow_up:")]
    assert [b["block_id"] for b in follow_up_blocks] == ["follow_up:3", "follow_up:4"]
    assert [e["action_id"] for e in follow_up_blocks[0]["elements"]] == [
        ids.FOLLOW_UP_DONE,
        ids.FOLLOW_UP_SNOOZE_DAY,
        ids.FOLLOW_UP_SNOOZE_WEEK,
        ids.LOG_TOUCH,
    ]
    assert [e["value"] for e in follow_up_blocks[0]["elements"]] == ["3", "3", "3", "1"]


def test_card_of_a_bare_account_says_what_is_missing() -> None:
    a = account(last_touch_at=None, created_at=NOW - timedelta(days=1))
    reply = _render(
        c.ShowAccount("acme"),
        AccountCard(account=a, contract=None, follow_ups=[], interactions=[], contacts=[]),
    )
    check_reply(reply)
    text = block_texts(reply.blocks)
    for expected in (
        "No open contract",
        "Last touch: never",
        "No open follow-ups.",
        "Nothing logged yet.",
        "No contacts yet.",
    ):
        assert expected in text


def test_card_with_many_follow_ups_and_contacts_stays_within_50_blocks() -> None:
    card = _card(
        follow_ups=[follow_up(n) for n in range(1, 80)],
        contacts=[contact(n, f"Person {n}", title="x" * 150) for n in range(200)],
    )
    reply = _render(c.ShowAccount("acme"), card)
    check_reply(reply)
    text = block_texts(reply.blocks)
    assert "more" in text and "…and" in text


def test_unresolved_owner_is_shown_with_the_fix() -> None:
    a = account(owner=Owner(unresolved="maria@example.com"))
    reply = _render(c.WhoOwns("acme"), a)
    assert reply.blocks[0]["text"]["text"] == (
        "*Acme Corp* is owned by maria@example.com "
        "(not a Slack user yet — `assign Acme Corp @user`)."
    )


# --- lists ----------------------------------------------------------------------------


def _more(reply: Reply) -> int:
    last = reply.blocks[-1]
    assert last["type"] == "context"
    text: str = last["elements"][0]["text"]
    assert text.startswith("…and ") and text.endswith(" more")
    return int(text.removeprefix("…and ").removesuffix(" more"))


@pytest.mark.parametrize(
    ("command", "make"),
    [
        (
            c.Overdue(c.Scope.ALL),
            lambda n: Page.of([FollowUpItem(follow_up(n), account()) for n in range(n)]),
        ),
        (
            c.Due("this week"),
            lambda n: Page.of([FollowUpItem(follow_up(n), account()) for n in range(n)]),
        ),
        (
            c.Renewals(),
            lambda n: _renewals(
                [RenewalItem(contract(n, account_id=n), account(n)) for n in range(n)]
            ),
        ),
        (c.Stale(), lambda n: Page.of([account(n, f"Account {n}") for n in range(n)])),
        (
            c.FindAccounts("acc"),
            lambda n: Found("acc", [account(i, f"Acc {i}") for i in range(n)], []),
        ),
        (c.History("acme"), lambda n: History(account(), [interaction(i) for i in range(n)])),
        (
            c.Mine(),
            lambda n: MySummary(
                Page.of([account(i, f"Account {i}") for i in range(n)]),
                Page.of([FollowUpItem(follow_up(i), account()) for i in range(n)]),
                Page.of([RenewalItem(contract(i), account()) for i in range(n)]),
            ),
        ),
    ],
    ids=lambda x: type(x).__name__,
)
def test_long_lists_are_cut_with_and_n_more(
    command: c.Command, make: Callable[[int], object]
) -> None:
    reply = _render(command, make(60))
    check_reply(reply)
    assert len(reply.blocks) <= 50
    assert _more(reply) > 0


def test_a_cut_list_counts_what_it_left_out() -> None:
    items = [FollowUpItem(follow_up(n), account()) for n in range(60)]
    reply = _render(c.Overdue(), Page.of(items))
    shown = sum(1 for b in reply.blocks if b.get("block_id", "").startswith("follow_up:"))
    assert shown + _more(reply) == 60
    assert reply.blocks[0]["text"]["text"] == "*Your overdue follow-ups* (60)"


def test_a_page_of_a_longer_list_counts_what_was_not_read_and_says_how_to_narrow() -> None:
    items = [FollowUpItem(follow_up(n), account()) for n in range(25)]
    reply = _render(c.Overdue(c.Scope.ALL), Page(items, 5000))
    check_reply(reply)
    shown = sum(1 for b in reply.blocks if b.get("block_id", "").startswith("follow_up:"))
    assert shown + _more(reply) == 5000
    assert reply.blocks[0]["text"]["text"] == "*Overdue follow-ups (everyone)* (5000)"
    assert "`overdue @user`" in reply.blocks[-1]["elements"][1]["text"]
    assert "…and 4975 more — Narrow it: `overdue @user`" in reply.text


def test_a_short_page_of_a_long_list_still_says_and_n_more() -> None:
    items = [RenewalItem(contract(n, account_id=n), account(n)) for n in range(3)]
    reply = _render(c.Renewals(), _renewals(items, Page(items, 40)))
    assert _more(reply) == 37
    assert reply.blocks[0]["text"]["text"] == "*Renewals in the next 90 days* (40)"


def test_a_list_counted_only_so_far_says_at_least() -> None:
    items = [RenewalItem(contract(n, account_id=n), account(n)) for n in range(3)]
    reply = _render(c.Renewals(), _renewals(items, Page(items, 500, capped=True)))
    assert reply.blocks[0]["text"]["text"] == "*Renewals in the next 90 days* (500+)"
    assert "…and 497+ more" in reply.text


def test_stale_accounts_counted_only_so_far_say_at_least() -> None:
    accounts = [account(n, f"Account {n}") for n in range(3)]
    reply = _render(c.Stale(c.Scope.ALL), Page(accounts, 500, capped=True))
    assert reply.blocks[0]["text"]["text"].endswith("(500+)")
    assert "…and 497+ more" in reply.text


def test_a_whole_list_says_nothing_more() -> None:
    reply = _render(c.Stale(), Page.of([account(1, "Globex")]))
    assert reply.blocks[-1]["type"] != "context"
    assert "more" not in reply.text


def test_mine_counts_the_accounts_it_did_not_read() -> None:
    accounts = Page([account(i, f"Account {i}") for i in range(3)], 503)
    reply = _render(c.Mine(), MySummary(accounts, Page.of([]), Page.of([])))
    assert reply.blocks[0]["text"]["text"] == "*Your accounts* (503)"
    assert reply.blocks[1]["text"]["text"].endswith("\n…and 500 more")


def test_overdue_shows_days_overdue_and_owner_for_everyone() -> None:
    items = [FollowUpItem(follow_up(3, owner_id=ALI, due_at=NOW - timedelta(days=5)), account())]
    text = block_texts(_render(c.Overdue(c.Scope.ALL), Page.of(items)).blocks)
    assert "*Overdue follow-ups (everyone)* (1)" in text
    assert "5 days overdue" in text
    assert f"<@{ALI}>" in text


def test_overdue_of_a_user_names_them() -> None:
    text = _render(c.Overdue(c.Scope.USER, ALI), Page.of([])).text
    assert text == f"*Overdue follow-ups of* <@{ALI}>\nNothing overdue. :tada:"


def test_renewals_show_value_and_owner() -> None:
    items = [RenewalItem(contract(), account())]
    text = block_texts(_render(c.Renewals(within_days=200), _renewals(items)).blocks)
    assert "*Renewals in the next 200 days* (1)" in text
    assert "*Acme Corp* · 24,000 EUR · renews Wed 31 Mar 2027 (in 117 days)" in text
    assert f"<@{BOB}>" in text


def test_renewal_past_its_date_asks_for_the_outcome() -> None:
    item = RenewalItem(contract(renewal_date=date(2026, 12, 1)), account())
    reply = _render(c.Renewals(), _renewals([item]))
    assert "renewal date was Tue 1 Dec — record the outcome" in reply.text
    buttons = next(b for b in reply.blocks if b["type"] == "actions")["elements"]
    assert [b["action_id"] for b in buttons] == [
        ids.RENEWAL_RENEWED,
        ids.RENEWAL_NOT_RENEWING,
        ids.LOG_TOUCH,
    ]
    # A decision names the contract and the renewal it decides; "Log a touch" the account.
    assert [b["value"] for b in buttons] == ["7:2026-12-01", "7:2026-12-01", "1"]


def test_we_buy_contracts_say_so() -> None:
    item = RenewalItem(contract(direction=ContractDirection.WE_BUY, auto_renew=True), account())
    text = _render(c.Renewals(), _renewals([item])).text
    assert "24,000 EUR (we buy)" in text and "auto-renews" in text


def test_stale_is_longest_first_with_days_past_cadence() -> None:
    recent = account(1, "Recent", last_touch_at=NOW - timedelta(days=35))
    oldest = account(2, "Oldest", last_touch_at=NOW - timedelta(days=100))
    never = account(3, "Never", last_touch_at=None, created_at=NOW - timedelta(days=50))
    reply = _render(c.Stale(), Page.of([recent, oldest, never]))
    lines = [b["text"]["text"] for b in reply.blocks[1:] if b["type"] == "section"]
    assert [line.split(" · ")[0] for line in lines] == ["*Oldest*", "*Never*", "*Recent*"]
    assert "70 days past its 30-day cadence" in lines[0]
    assert "never touched" in lines[1]
    actions = [b for b in reply.blocks if b["type"] == "actions"]
    assert [b["block_id"] for b in actions] == ["stale:2", "stale:3", "stale:1"]


def test_find_with_nothing_suggests() -> None:
    reply = _render(c.FindAccounts("acne"), Found("acne", [], ["Acme Corp", "Acme Ltd"]))
    assert "No account matches “acne”. Did you mean *Acme Corp* or *Acme Ltd*?" in reply.text


def test_set_says_what_changed_and_what_it_was() -> None:
    before = dataclasses.replace(account(1, "Acme Corp"), tier="silver")
    tiered = dataclasses.replace(before, tier="gold")
    reply = _render(c.SetAccountField("Acme Corp", tier="gold"), AccountChange(before, tiered))
    assert "is now tier *gold* (was silver)" in reply.text
    kinded = dataclasses.replace(before, kind=AccountKind.SUPPLIER)
    reply = _render(
        c.SetAccountField("Acme Corp", kind=AccountKind.SUPPLIER), AccountChange(before, kinded)
    )
    assert "is now a *supplier* (was customer)" in reply.text
    paced = dataclasses.replace(before, cadence_days=14)
    reply = _render(c.SetAccountField("Acme Corp", cadence_days=14), AccountChange(before, paced))
    assert f"every *14 days* (was every {before.cadence_days})" in reply.text
    assert "Next touch due" in reply.text


def test_a_contact_updated_by_its_email_says_so() -> None:
    before = contact(name="Jane", email="jane@acme.example")
    after = dataclasses.replace(before, name="Jane Doe", title="CTO")
    acme = account(name="Acme Corp")
    # The account as resolved, not as typed: "acme" named Acme Corp.
    reply = _render(c.AddContact("acme", "Jane Doe"), ContactSaved(after, acme, before=before))
    assert reply.text.startswith(
        "Updated contact *Jane Doe* (CTO · jane@acme.example) at *Acme Corp*."
    )
    assert "no second one was added" in reply.text
    added = _render(c.AddContact("acme", "Jane Doe"), ContactSaved(before, acme))
    assert added.text.startswith("Added contact *Jane* (jane@acme.example) to *Acme Corp*.")


def test_find_names_an_archived_match_and_never_offers_to_add_it() -> None:
    archived = dataclasses.replace(account(1, "Soylent Green"), status=AccountStatus.ARCHIVED)
    reply = _render(c.FindAccounts("soylent"), Found("soylent", [], [], archived=[archived]))
    assert "archived: *Soylent Green*" in reply.text
    assert "`find soylent archived` lists it; `status Soylent Green active`" in reply.text
    assert "add" not in reply.text.replace("`", " ").split()


def test_find_with_no_suggestion_offers_add() -> None:
    reply = _render(c.FindAccounts("zzz"), Found("zzz", [], []))
    assert "Add one with `add zzz`" in reply.text


def test_history_is_newest_first_with_permalinks() -> None:
    link = "https://acme.slack.com/archives/C1/p123"
    items = [interaction(1, permalink=link), interaction(2, occurred_at=NOW - timedelta(days=9))]
    reply = _render(c.History("acme"), History(account(), items))
    assert f"<{link}|message>" in block_texts(reply.blocks)
    assert reply.text.startswith("History of *Acme Corp*, newest first (2)\nThu 3 Dec · *call*")


def test_unsafe_permalinks_are_not_linked() -> None:
    items = [interaction(1, permalink="javascript:alert(1)|<!channel>")]
    reply = _render(c.History("acme"), History(account(), items))
    assert "javascript" not in block_texts(reply.blocks)
