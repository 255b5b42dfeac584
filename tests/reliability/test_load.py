"""Fifty people at once for a minute (issue 7's load test): commands, clicks and modal
submissions from 50 concurrent clients, while the schedulers deliver a morning's digests.
Each client is a person: after an answer it pauses 1 to 3 seconds (reading it) before its
next action, so the 50 of them send about 25 requests a second.

PostgreSQL: three replicas of `python app.py run`, each with its scheduler, behind a round-
robin "load balancer" (each client talks to one). SQLite: one server. What must hold: no
errors; every acknowledged write present afterwards; every due nudge delivered exactly once,
no digest split; answers fast — p99 under a second on PostgreSQL (on an idle machine), and
every answer within Slack's 3 seconds on SQLite.

RAPPORT_LOAD_SECONDS shortens the minute for a quick try.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import Actor, SlackProfile
from bot.fakeslack import FakeSlack
from bot.fakeslack import requests as r
from bot.render import ids
from bot.services import accounts
from storage import models
from storage.unit_of_work import unit_of_work
from tests.reliability.conftest import with_people
from tests.reliability.seeding import TEAM, delivered, overdue_follow_ups, split_digests
from tests.scenario.test_interactive import _state
from tests.serving import Server, running

pytestmark = pytest.mark.slow
SECONDS = float(os.environ.get("RAPPORT_LOAD_SECONDS", "60"))
CLIENTS = 50
PEOPLE = 20  # the clients act as these people, several clients each
NUDGED = 30  # owners with a digest due during the run
PER_OWNER = 3
THINKING = (1.0, 3.0)  # seconds a person takes between two actions
_FOLLOW_UP = re.compile(r"Follow-up \*#(\d+)\*")


@dataclass
class Tally:
    """What the clients saw, kept under a lock (50 threads write to it)."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    summaries: set[str] = field(default_factory=set)  # acknowledged interactions
    follow_ups: set[str] = field(default_factory=set)  # acknowledged follow-ups (their text)
    names: set[str] = field(default_factory=set)  # acknowledged new accounts
    done: set[int] = field(default_factory=set)  # follow-ups acknowledged as done
    lock: threading.Lock = field(default_factory=threading.Lock)

    def all_seconds(self) -> list[float]:
        return sorted(s for kind in self.seconds.values() for s in kind)


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


class Client:
    """One person's Slack client: a keep-alive connection to one replica, a mix of actions."""

    def __init__(self, n: int, server: Server, accounts: dict[str, int], tally: Tally) -> None:
        self.n = n
        self.user = f"UL{n % PEOPLE:03d}"
        self.address = server.url.removeprefix("http://")
        self.connection = http.client.HTTPConnection(self.address)
        self.last_answer = time.monotonic()
        self.accounts = accounts
        self.tally = tally
        self.random = random.Random(n)
        self.mine: list[int] = []  # follow-ups this client created and may close
        self.sent = 0

    def _send(self, kind: str, request: r.SignedRequest) -> tuple[int, str]:
        if time.monotonic() - self.last_answer > 1.5:
            # Gunicorn closes a connection idle for 2 s (its keep-alive); a client that
            # knows this opens a new one rather than write into a closing socket.
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.address)
        started = time.perf_counter()
        try:
            self.connection.request("POST", "/slack/events", request.body, request.headers)
            answer = self.connection.getresponse()
            status, body = answer.status, answer.read().decode()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            status, body = 0, f"{type(error).__name__}: {error}"
        took = time.perf_counter() - started
        self.last_answer = time.monotonic()
        trouble = status != 200 or "went wrong" in body or ":warning:" in body
        with self.tally.lock:
            self.tally.seconds.setdefault(kind, []).append(took)
            if trouble:
                self.tally.errors.append(f"{kind} → {status} {body[:200]}")
        return (0 if trouble else status), body

    def act(self) -> None:
        self.sent += 1
        token = f"c{self.n}-{self.sent}"
        name, account_id = self.random.choice(sorted(self.accounts.items()))
        roll = self.random.random()
        if roll < 0.25:
            status, _ = self._send(
                "log", r.command(f"log note with {name}: {token}", user=self.user)
            )
            if status:
                with self.tally.lock:
                    self.tally.summaries.add(token)
        elif roll < 0.40:
            line = f"follow up {name} tomorrow: {token}"
            status, body = self._send("follow up", r.command(line, user=self.user))
            if status:
                with self.tally.lock:
                    self.tally.follow_ups.add(token)
                self.mine.extend(int(n) for n in _FOLLOW_UP.findall(body)[:1])
        elif roll < 0.55:
            self._send("show", r.command(f"show {name}", user=self.user))
        elif roll < 0.62:
            self._send("tag", r.command(f"tag {name} {token}", user=self.user))
        elif roll < 0.67:
            new = f"Load {token}"
            if self._send("add", r.command(f"add {new}", user=self.user))[0]:
                with self.tally.lock:
                    self.tally.names.add(new)
        elif roll < 0.77 and self.mine:
            number = self.mine.pop()
            click = r.button(ids.FOLLOW_UP_DONE, str(number), user=self.user, in_home=True)
            if self._send("click", click)[0]:
                with self.tally.lock:
                    self.tally.done.add(number)
        elif roll < 0.87:
            summary = f"{token} (modal)"
            today = datetime.now(UTC).date().isoformat()
            submitted = r.view_submission(
                _state(str(account_id), summary, day=today), user=self.user
            )
            if self._send("modal", submitted)[0]:
                with self.tally.lock:
                    self.tally.summaries.add(summary)
        else:
            self._send("dm", r.direct_message(f"who owns {name}", user=self.user))


def _seed(sessions: sessionmaker[Session], people: list[str], now: datetime) -> dict[str, int]:
    """The people Rapport already knows (so their commands are answered inline), and an
    account each; returns name → id."""
    made: dict[str, int] = {}
    with unit_of_work(sessions, TEAM) as uow:
        uow.workspaces.get_or_create(now)
        for person in people:
            uow.users.save_profile(SlackProfile(user_id=person, timezone="UTC"), now)
            account = accounts.add_account(uow, Actor(TEAM, person), now, name=f"Shared {person}")
            made[account.name] = account.id
    return made


def _count(sessions: sessionmaker[Session], column: object, values: set[object]) -> int:
    found = 0
    with sessions() as session:
        for chunk in _chunks(sorted(values, key=str), 500):
            found += int(
                session.scalar(select(func.count()).where(column.in_(chunk)))  # type: ignore[attr-defined]
                or 0
            )
    return found


def _chunks(items: list[object], size: int) -> list[list[object]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def test_fifty_clients_for_a_minute(
    database: URL,
    sessions: sessionmaker[Session],
    fake: FakeSlack,
    tmp_path: Path,
    figure: Callable[[str], None],
) -> None:
    postgres = database.get_backend_name() == "postgresql"
    now = datetime.now(UTC)
    people = with_people(fake.workspace, "UL", PEOPLE)
    shared = _seed(sessions, people, now)
    owners = with_people(fake.workspace, "UN", NUDGED)
    items = overdue_follow_ups(sessions, owners, PER_OWNER, now)
    tally = Tally()
    with ExitStack() as stack:
        servers = [
            stack.enter_context(
                running(
                    database,
                    fake,
                    tmp_path,
                    RAPPORT_NUDGE_INTERVAL="5",
                    SLACK_BOT_TOKEN=f"xoxb-replica{i}",  # tells the fake which replica posted
                    LOG_LEVEL="WARNING",
                )
            )
            for i in range(3 if postgres else 1)
        ]
        clients = [Client(n, servers[n % len(servers)], shared, tally) for n in range(CLIENTS)]
        end = time.monotonic() + SECONDS

        def work(client: Client) -> None:
            time.sleep(client.random.uniform(0, THINKING[1]))  # people start at their pace
            while time.monotonic() < end:
                client.act()
                time.sleep(client.random.uniform(*THINKING))  # the person reads the answer

        threads = [threading.Thread(target=work, args=(c,)) for c in clients]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        # The digests: every due one out, once, before the replicas stop.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and _pending(sessions):
            time.sleep(0.5)
        tracebacks = sum(server.log_text.count("Traceback") for server in servers)

    answered = tally.all_seconds()
    present = {
        "interactions": _count(sessions, models.InteractionRow.summary, set(tally.summaries)),
        "follow-ups": _count(sessions, models.FollowUpRow.text, set(tally.follow_ups)),
        "accounts": _count(sessions, models.AccountRow.name, set(tally.names)),
    }
    acknowledged = {
        "interactions": len(tally.summaries),
        "follow-ups": len(tally.follow_ups),
        "accounts": len(tally.names),
    }
    with sessions() as session:
        closed = set(
            session.scalars(
                select(models.FollowUpRow.number).where(models.FollowUpRow.status == "done")
            )
        )
    counted = delivered(fake)
    nudged = {n: count for n, count in counted.items() if n <= items}
    figure(
        f"{'3 replicas on PostgreSQL' if postgres else '1 server on SQLite'}, {CLIENTS} clients "
        f"× {elapsed:.0f} s: {len(answered)} answers ({len(answered) / elapsed:.0f}/s), "
        f"p50 {_percentile(answered, 0.5) * 1000:.0f} ms, p95 "
        f"{_percentile(answered, 0.95) * 1000:.0f} ms, p99 "
        f"{_percentile(answered, 0.99) * 1000:.0f} ms, max {answered[-1] * 1000:.0f} ms; "
        f"{len(tally.errors)} errors; acknowledged {acknowledged}, present {present}; "
        f"done {len(tally.done & closed)}/{len(tally.done)}; nudges {len(nudged)}/{items} "
        f"delivered, {sum(nudged.values()) - len(nudged)} twice, "
        f"{len(split_digests(fake, owners))} split; tracebacks {tracebacks}"
    )
    assert tally.errors == [], tally.errors[:10]
    assert present == acknowledged
    assert tally.done <= closed
    assert sorted(nudged) == list(range(1, items + 1)) and set(nudged.values()) == {1}
    assert split_digests(fake, owners) == {}
    assert tracebacks == 0 and fake.violations == []
    if postgres:
        assert _percentile(answered, 0.99) < 1.0
    else:
        assert answered[-1] < 3.0


def _pending(sessions: sessionmaker[Session]) -> bool:
    """Whether nudges due by now are still waiting to go out."""
    with sessions() as session:
        waiting = session.scalar(
            select(func.count()).where(
                models.NudgeRow.status.in_(["pending", "claimed"]),
                models.NudgeRow.deliver_after <= datetime.now(UTC),
            )
        )
    return bool(waiting)
