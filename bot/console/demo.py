"""`console --demo`: a small, believable book of business, dated relative to today.

It is seeded the way a team would build it: command lines sent through the real app, each at
the moment it would have been typed (the app's clock is set back for the older ones, as
``--now`` would), into a database file of its own so demo data never mixes with real data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import FixedClock
from bot.console.session import DEFAULT_USER_NAME, ConsoleSession, Outcome

DEMO_DATABASE = "rapport-demo.db"
# The icons the app's refusals and parse errors start with (bot/render/errors.py).
_REFUSED = (":warning:", ":thinking_face:", ":boom:")


class DemoFailed(RuntimeError):
    """A seeding line was refused: the grammar changed under the demo."""


@dataclass(frozen=True, slots=True)
class Step:
    """One command line, typed ``days_ago`` days ago by ``user``."""

    days_ago: int
    user: str
    line: str


def demo_steps(today: date) -> list[Step]:
    """The demo's history, oldest first. Dates in lines are relative to ``today``."""

    def renews(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    you = DEFAULT_USER_NAME
    return [
        Step(60, you, "add Acme Corp as customer tier gold"),
        Step(60, you, "add Globex as prospect"),
        Step(60, you, "add Initech as vendor"),
        Step(60, you, "add Umbrella Health as customer owner @alice tier silver"),
        Step(60, you, "add Northwind Traders as distributor"),
        Step(60, you, "add Hooli as customer"),
        Step(60, you, "tag Acme Corp emea enterprise"),
        Step(60, you, "contact Acme Corp: Jane Doe, CTO, jane@acme.example, +49 30 1234567"),
        Step(60, you, "contact Globex: Hank Scorpio, CEO, hank@globex.example"),
        Step(60, you, "contact Initech: Bill Lumbergh, account manager, bill@initech.example"),
        Step(60, you, "contact Northwind Traders: Maria Lopez, buyer, maria@northwind.example"),
        Step(40, you, "log meeting with Acme Corp: kickoff with Jane, rollout plan agreed"),
        Step(7, you, "log call with Globex: pilot scoping. follow up in 3 days: send the plan"),
        Step(6, you, "log email with Initech: asked for a quote. follow up in 4 days: chase it"),
        Step(3, you, "log qbr with Acme Corp: they want SSO. follow up in 4 days: SSO roadmap"),
        Step(2, "alice", "log demo with Umbrella Health: showed the reporting module"),
        Step(1, "bob", "log call with Northwind Traders: Q3 forecast call with Maria"),
        Step(0, you, "follow up Northwind Traders in 5 days: confirm the Q3 order forecast"),
        Step(0, you, "follow up Umbrella Health for @alice in 2 days: send the case study"),
        Step(0, you, f"contract Initech: 6000 EUR renews {renews(10)} notice 7 days auto-renew"),
        Step(0, you, f"contract Acme Corp: 24000 EUR renews {renews(45)} notice 30 days"),
        Step(0, you, f"contract Northwind Traders: 18000 EUR renews {renews(80)} notice 60 days"),
    ]


def fresh_demo_database(directory: Path) -> str:
    """The demo database's URL, its file removed first: the demo is rebuilt for today."""
    path = directory / DEMO_DATABASE
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _refused(outcome: Outcome) -> str | None:
    blocks: list[Any] = outcome.body.get("blocks") or []
    first = blocks[0].get("text", {}).get("text", "") if blocks else ""
    if outcome.status != 200 or str(first).startswith(_REFUSED):
        return str(outcome.body.get("text") or outcome.status)
    return None


def seed_demo(database_url: str, *, zone: str, now: datetime) -> int:
    """Send the demo's lines through the app, each at its moment; the number of lines sent."""
    today = now.astimezone(ZoneInfo(zone)).date()
    steps = demo_steps(today)
    clock = FixedClock(now)
    with ConsoleSession.open(database_url, clock=clock, zone=zone) as session:
        for index, step in enumerate(steps):
            # A second apart, in order, the newest a moment before now.
            clock.current = now - timedelta(days=step.days_ago, seconds=len(steps) - index)
            session.as_user(step.user)
            refusal = _refused(session.command(step.line))
            if refusal is not None:
                raise DemoFailed(f"the demo line “{step.line}” was refused: {refusal}")
    return len(steps)
