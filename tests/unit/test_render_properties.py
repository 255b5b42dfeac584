"""Whatever people type, replies stay within Slack's limits and ping nobody."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import commands as c
from bot.domain import InteractionKind, Owner
from bot.errors import AlreadyExists
from bot.execute import Executed
from bot.paging import Page
from bot.render import LogPrefill, home_view, log_modal, render_refusal, render_result
from bot.render.text import ELLIPSIS, clip, safe, unescape
from bot.services.follow_ups import FollowUpChange
from bot.services.interactions import LoggedInteraction
from bot.services.queries import (
    AccountCard,
    FollowUpItem,
    Found,
    HomeData,
    RenewalItem,
    RenewalList,
    RenewalWindow,
)
from tests.unit.test_render_support import (
    NOW,
    account,
    assert_inert,
    assert_reply_inert,
    check_reply,
    check_view,
    contact,
    contract,
    follow_up,
    interaction,
    texts,
    viewer,
)

_PIECES = st.sampled_from(
    [
        "<",
        ">",
        "&",
        "&amp;",
        "<!channel>",
        "<!here>",
        "<@U999>",
        "<@U02BOB>",
        "<#C1>",
        "<https://evil.example|x>",
        "*",
        "_",
        "`",
        "|",
        "\n",
        "😀",
        "“",
        "”",
        " ",
    ]
)
TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=60).map("".join)
NAME = TEXT.map(lambda s: (s.strip() or "x")[:200])
SUMMARY = st.one_of(TEXT, st.text(min_size=2990, max_size=10_000)).map(lambda s: s or "x")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _render(command: c.Command, value: object) -> None:
    reply = render_result(Executed(command, value), viewer())
    check_reply(reply)
    assert_reply_inert(reply)


@SETTINGS
@given(name=NAME, summary=SUMMARY, other=NAME)
def test_account_card(name: str, summary: str, other: str) -> None:
    a = account(name=name, tier=other[:50], tags=tuple(other.split())[:5])
    card = AccountCard(
        account=a,
        contract=contract(currency=other[:3] or "EUR"),
        follow_ups=[follow_up(i, text=summary[:2000]) for i in range(3)],
        interactions=[interaction(i, summary=summary) for i in range(5)],
        contacts=[contact(i, name, title=other, phone=other, email=other) for i in range(3)],
    )
    _render(c.ShowAccount(name), card)


@SETTINGS
@given(name=NAME, text=SUMMARY, count=st.integers(0, 70), more=st.integers(0, 10**6))
def test_lists(name: str, text: str, count: int, more: int) -> None:
    a = account(name=name, owner=Owner(unresolved=text[:200]))
    items = [FollowUpItem(follow_up(i, text=text[:2000]), a) for i in range(count)]
    more = more if count else 0  # an empty first page is the whole list
    _render(c.Overdue(c.Scope.ALL), Page(items, count + more))
    renewals = Page([RenewalItem(contract(i), a) for i in range(count)], count + more)
    window = RenewalWindow(date(2026, 12, 4), date(2027, 3, 4))
    _render(c.Renewals(), RenewalList(window, renewals))
    _render(c.Stale(c.Scope.ALL), Page([a] * count, count + more))
    _render(c.FindAccounts(text[:100] or "x"), Found(text[:100], [a] * count, [name] * 3))


@SETTINGS
@given(name=NAME, summary=SUMMARY)
def test_log_confirmation(name: str, summary: str) -> None:
    a = account(name=name)
    f = follow_up(text=summary[:2000], due_at=NOW + timedelta(days=3))
    logged = LoggedInteraction(interaction(summary=summary), a, FollowUpChange(f, a))
    _render(c.LogInteraction(InteractionKind.NOTE, name, summary), logged)


@SETTINGS
@given(name=NAME, text=SUMMARY, count=st.integers(0, 60), more=st.integers(0, 10**6))
def test_home(name: str, text: str, count: int, more: int) -> None:
    a = account(name=name)
    more = more if count else 0  # an empty first page is the whole list
    items = Page([FollowUpItem(follow_up(i, text=text[:2000]), a) for i in range(count)], count)
    renewals = Page([RenewalItem(contract(i), a) for i in range(count)], count + more)
    view = home_view(HomeData(items, items, renewals, Page([a] * count, count + more)), viewer())
    check_view(view)
    for shown in texts(view["blocks"]):
        assert_inert(shown)


@SETTINGS
@given(name=NAME, text=st.one_of(TEXT, st.text(max_size=40_000)))
def test_modal(name: str, text: str) -> None:
    view = log_modal(
        LogPrefill(
            account(name=name),
            text,
            "https://a.slack.com/p1",
            InteractionKind.CALL,
            date(2026, 12, 4),
        )
    )
    check_view(view)
    for shown in texts(view["blocks"]):
        assert_inert(shown)
    summary = next(b for b in view["blocks"] if b["block_id"] == "log_summary")["element"]
    value = summary.get("initial_value", "")
    assert len(value) <= 3000
    assert text.strip().startswith(value.removesuffix(ELLIPSIS))


@SETTINGS
@given(text=TEXT.filter(lambda s: "“" not in s and "”" not in s and "`" not in s))
def test_refusal_quotes_stay_inert(text: str) -> None:
    reply = render_refusal(AlreadyExists(f"There is already “{text}”.", hint=f"`show {text}`"))
    check_reply(reply)
    assert_reply_inert(reply)


@given(text=st.text(), limit=st.integers(1, 3000))
def test_safe_clip_is_a_prefix_within_the_limit(text: str, limit: int) -> None:
    shown = safe(text, limit)
    assert len(shown) <= limit
    assert_inert(shown.replace(ELLIPSIS, ""))
    assert text.startswith(unescape(shown.removesuffix(ELLIPSIS)))
    assert clip(shown, limit) == shown
