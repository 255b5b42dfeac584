"""The App Home tab: the viewer's overdue follow-ups, the rest of this week's, renewals in the
next 90 days and stale accounts, each with its buttons."""

from __future__ import annotations

import json
from typing import Any

from bot.paging import Page
from bot.render.blocks import VIEW_BLOCKS, Block, context, header
from bot.render.items import follow_up_item, health_item, renewal_item, stale_item
from bot.render.layout import Item, Part, fit
from bot.render.reply import Viewer
from bot.render.text import date_token
from bot.services.queries import DEFAULT_RENEWAL_WINDOW_DAYS, FollowUpItem, HomeData

# Slack refuses a view over 250 kB; stay well below it whatever the text holds.
MAX_VIEW_BYTES = 240_000
HOME_TEXT = 300  # characters of a follow-up's text on Home


def _parts(data: HomeData, viewer: Viewer) -> list[Part]:
    def follow_ups(page: Page[FollowUpItem]) -> list[Item]:
        return [
            follow_up_item(i.follow_up, i.account, viewer, show_owner=False, text_limit=HOME_TEXT)
            for i in page.items
        ]

    look_at = [
        Part(
            "Accounts to look at",
            [health_item(s.account, s.health) for s in data.to_look_at.items],
            "",
            as_header=True,
            more=data.to_look_at.more,
            narrow="All of them, worst first: `/crm accounts by health`.",
        )
    ]
    return [
        *(look_at if data.to_look_at.items else []),
        Part(
            "Overdue follow-ups",
            follow_ups(data.overdue),
            "Nothing overdue. Nice work! :tada:",
            as_header=True,
            divider_before=bool(data.to_look_at.items),
            more=data.overdue.more,
            narrow="All of them: `/crm overdue`.",
        ),
        Part(
            "Due this week",
            follow_ups(data.due_this_week),
            "Nothing else due this week.",
            as_header=True,
            divider_before=True,
            more=data.due_this_week.more,
            narrow="All of them: `/crm due this week`.",
        ),
        Part(
            f"Renewals in the next {DEFAULT_RENEWAL_WINDOW_DAYS} days",
            [
                renewal_item(i.contract, i.account, viewer, show_owner=False, action=i.action)
                for i in data.renewals.items
            ],
            "No renewals coming up. :relaxed:",
            as_header=True,
            divider_before=True,
            more=data.renewals.more,
            more_at_least=data.renewals.capped,
            narrow="Yours and more: `/crm mine`.",
        ),
        Part(
            "Stale accounts",
            [stale_item(a, viewer, show_owner=False) for a in data.stale.items],
            "No stale accounts: every one was touched within its cadence. :sparkles:",
            as_header=True,
            divider_before=True,
            more=data.stale.more,
            more_at_least=data.stale.capped,
            narrow="All of them: `/crm stale`.",
        ),
    ]


def home_view(data: HomeData, viewer: Viewer) -> dict[str, Any]:
    """``views.publish`` view for the viewer's Home tab (at most 100 blocks, under 250 kB)."""
    lead: list[Block] = [
        header("Your Rapport"),
        context(
            f"Your follow-ups, renewals and stale accounts · as of "
            f"{date_token(viewer.now, viewer, with_time=True)} · "
            "type `/crm help` for commands"
        ),
    ]
    parts = _parts(data, viewer)
    budget = VIEW_BLOCKS - len(lead)
    while True:
        view: dict[str, Any] = {"type": "home", "blocks": lead + fit(parts, budget)}
        if len(json.dumps(view).encode()) <= MAX_VIEW_BYTES or budget <= 12:
            return view
        budget -= 10
