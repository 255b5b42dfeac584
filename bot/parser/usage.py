"""What each command looks like: its usage line and a working example (errors and Help)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# name -> (usage line, working example); the Help renderer shows these too.
USAGE: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "help": ("help [topic]", "help log"),
        "add": (
            "add <name> [as <kind>] [owner @user] [tier <t>] [every <N> days|weeks|months]",
            "add Acme Corp as customer owner @bob tier gold every 2 weeks",
        ),
        "rename": ("rename <account> to <new name>", "rename Acme to Acme Corp"),
        "archive": ("archive <account>", "archive Initech Labs"),
        "status": ("status <account> active|at risk|churned", "status Acme Corp at risk"),
        "set": (
            "set <account> tier <t> | kind <kind> | every <N> days|weeks|months | status <s>",
            "set Acme Corp tier gold",
        ),
        "tag": ("tag <account> <tag> [<tag> …]", 'tag Acme Corp emea "key account"'),
        "untag": ("untag <account> <tag>", 'untag Acme Corp "key account"'),
        "contract": (
            "contract <account>: <amount> renews <date> [notice <N> days|weeks|months] "
            "[auto-renew]",
            "contract Acme Corp: 24000 EUR renews 2027-03-31 notice 3 months",
        ),
        "log": (
            "log <kind> with <account>[ <date>]: <summary> [follow up <when>[: <text>]]",
            "log call with Acme Corp: discussed Q3 pricing. "
            "follow up next friday: send the proposal",
        ),
        "follow up": (
            "follow up <account> [for @user] <when>: <text>",
            "follow up Globex in 3 days: check the pilot numbers",
        ),
        "done": ("done <id> [<id> …]", "done 42 43"),
        "snooze": ("snooze <id> [<id> …] [until|to|for|by] <when>", "snooze 42 until monday"),
        "cancel": ("cancel <id> [<id> …]", "cancel 42"),
        "reopen": ("reopen <id> [<id> …]", "reopen 42"),
        "undo": ("undo", "undo"),
        "find": ("find <text> [archived]", "find acme"),
        "show": ("show <account>", "show Acme Corp"),
        "history": ("history <account> [N]", "history Acme Corp 10"),
        "who owns": ("who owns <account>", "who owns Globex"),
        "assign": ("assign <account> @user", "assign Globex @alice"),
        "contact": (
            "contact <account>: <name>[, <title>][, <email>][, <phone>]",
            "contact Acme Corp: Jane Doe - CTO - jane@acme.example - +49 30 1234567",
        ),
        "mine": ("mine", "mine"),
        "accounts": (
            "accounts [@user|mine|all] [<kind>] [tier <t>] [tag <t>] [at risk] [by health]",
            "accounts all supplier tier gold",
        ),
        "overdue": ("overdue [@user|all]", "overdue all"),
        "due": ("due [today|this week]", "due this week"),
        "renewals": (
            "renewals [in <N> days|this month|this quarter|next quarter]",
            "renewals in 30 days",
        ),
        "notices": ("notices [in <N> days]", "notices in 60 days"),
        "stale": ("stale [@user|all]", "stale all"),
        "report": ("report", "report"),
        "renewed": ("renewed <account>", "renewed Acme Corp"),
        "churned": ("churned <account>", "churned Initech Labs"),
        "watch": ("watch <account>", "watch Acme Corp"),
        "unwatch": ("unwatch <account>", "unwatch Acme Corp"),
        "settings": (
            "settings [timezone|digest|nudges|workdays|hours|workspace …]",
            "settings timezone Europe/Berlin",
        ),
        "settings timezone": ("settings timezone <Area/City>", "settings timezone Europe/Berlin"),
        "settings digest": ("settings digest <HH:MM>", "settings digest 08:30"),
        "settings nudges": ("settings nudges digest|instant|off", "settings nudges instant"),
        "settings workdays": ("settings workdays mon-fri|mon,tue,thu", "settings workdays mon-fri"),
        "settings hours": ("settings hours <HH:MM>-<HH:MM>", "settings hours 08:00-18:00"),
        "settings workspace": (
            "settings workspace dayfirst|currency|escalation|notify|ladder …",
            "settings workspace dayfirst on",
        ),
        "settings workspace dayfirst": (
            "settings workspace dayfirst on|off",
            "settings workspace dayfirst on",
        ),
        "settings workspace currency": (
            "settings workspace currency <code>",
            "settings workspace currency EUR",
        ),
        "settings workspace escalation": (
            "settings workspace escalation #channel",
            "settings workspace escalation #customer-success",
        ),
        "settings workspace ladder": (
            "settings workspace ladder <days>,<days>,…",
            "settings workspace ladder 90,60,30,14,7,1",
        ),
        "settings workspace report": (
            "settings workspace report #channel [<weekday>] [<HH:MM>]"
            " · settings workspace report off",
            "settings workspace report #team-leads monday 09:00",
        ),
        "settings workspace health": (
            "settings workspace health on|off",
            "settings workspace health off",
        ),
        "settings workspace notify": (
            "settings workspace notify #channel when <event> [for <kind>|tier <t>|tag <t>] [off]"
            " | notify remove <N>",
            "settings workspace notify #customer-success when renewal step for customer",
        ),
        "settings workspace cadence": (
            "settings workspace cadence <kind> <N> days|weeks|months [max <M> days|weeks|months]"
            " · settings workspace cadence <kind> default",
            "settings workspace cadence supplier 60 days max 120 days",
        ),
    }
)

# For an unknown first word: the commands people use most, as one short line.
COMMON_COMMANDS = "log · follow up · show · find · add · done · snooze · mine · help"
