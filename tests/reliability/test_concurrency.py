"""Requests at the same instant (issue 7, points 3, 9, 10), through real HTTP to
`python app.py run` with two worker processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import name_key
from bot.fakeslack import FakeSlack
from bot.fakeslack import requests as r
from bot.render import ids
from storage.unit_of_work import unit_of_work
from tests.serving import Answer, Server, running

pytestmark = pytest.mark.slow
ROUNDS = 30


@pytest.fixture
def server(database: URL, fake: FakeSlack, tmp_path: Path) -> Iterator[Server]:
    with running(database, fake, tmp_path, WEB_CONCURRENCY="2", RAPPORT_ADMINS="UADMIN") as http:
        for user in ("UALICE", "UBOB", "UADMIN"):  # people Rapport has met before
            http.post(r.direct_message("help", user=user))
        fake.wait_for("chat.postMessage", count=3)
        yield http


def _at_once(server: Server, requests: list[r.SignedRequest]) -> list[Answer]:
    barrier = threading.Barrier(len(requests))
    answers: list[Answer | None] = [None] * len(requests)

    def send(i: int) -> None:
        barrier.wait()
        answers[i] = server.post(requests[i])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(a is not None for a in answers)
    return [a for a in answers if a is not None]


def test_four_changes_to_one_account_at_once_all_survive(
    server: Server, sessions: sessionmaker[Session], figure: Callable[[str], None]
) -> None:
    server.post(r.command("add Acme Corp", user="UADMIN"))
    acknowledged = 0
    for i in range(ROUNDS):
        status = "at risk" if i % 2 == 0 else "active"
        owner = "UALICE" if i % 2 == 0 else "UBOB"
        answers = _at_once(
            server,
            [
                r.command(f"status Acme Corp {status}", user="UADMIN"),
                r.command(f"assign Acme Corp <@{owner}>", user="UADMIN"),
                r.command(f"tag Acme Corp round{i}", user="UADMIN"),
                r.command(f"log call with Acme Corp: round {i}", user="UADMIN"),
            ],
        )
        texts = [a.json().get("text", "") for a in answers]
        assert all(a.status == 200 for a in answers), texts
        assert not any(":warning:" in t or "went wrong" in t for t in texts), texts
        acknowledged += len(answers)
    with unit_of_work(sessions, r.TEAM) as uow:
        account = uow.accounts.by_key(name_key("Acme Corp"))
        assert account is not None
        touches = uow.interactions.recent(account.id, 1000)
    last = ROUNDS - 1
    # Every tag and touch is kept; of the status and owner changes, the last round's stand.
    survived = {
        "tags": len(set(account.tags) & {f"round{i}" for i in range(ROUNDS)}),
        "touches": len(touches),
        "status": ROUNDS * (account.status.label == ("at risk" if last % 2 == 0 else "active")),
        "owner": ROUNDS * (account.owner.user_id == ("UALICE" if last % 2 == 0 else "UBOB")),
    }
    figure(f"{acknowledged} changes acknowledged, {sum(survived.values())} present {survived}")
    assert sum(survived.values()) == acknowledged


def test_concurrent_settings_of_one_user_all_survive(
    server: Server, sessions: sessionmaker[Session], figure: Callable[[str], None]
) -> None:
    answers = _at_once(
        server,
        [
            r.command("settings digest 08:00", user="UBOB"),
            r.command("settings timezone Europe/Paris", user="UBOB"),
            r.command("settings nudges instant", user="UBOB"),
            r.command("settings hours 07:00-16:00", user="UBOB"),
        ],
    )
    assert all(a.status == 200 for a in answers)
    with unit_of_work(sessions, r.TEAM) as uow:
        preferences = uow.users.preferences("UBOB")
    assert preferences is not None
    kept = [
        preferences.digest_time.strftime("%H:%M") == "08:00",
        preferences.timezone == "Europe/Paris",
        preferences.nudge_mode.value == "instant",
        preferences.hours_start.strftime("%H:%M") == "07:00",
    ]
    figure(f"4 settings sent at once: {sum(kept)} kept")
    assert all(kept)


def test_a_new_workspaces_first_requests_at_once_all_answered(
    server: Server, fake: FakeSlack, figure: Callable[[str], None]
) -> None:
    for n in range(6):
        fake.add_user(f"UNEW{n}", f"new{n}")
    answers = _at_once(server, [r.command("help", team="TNEW", user=f"UNEW{n}") for n in range(6)])
    refused = [a for a in answers if a.status != 200 or "went wrong" in a.body]
    figure(f"6 first requests of a new workspace: {len(answers) - len(refused)} answered")
    assert refused == []


def test_renewed_clicked_twice_at_once_renews_one_term(
    server: Server, fake: FakeSlack, sessions: sessionmaker[Session], figure: Callable[[str], None]
) -> None:
    server.post(r.command("add Acme Corp"))
    server.post(r.command("contract Acme Corp: 24000 EUR renews 2030-03-31"))
    card = server.post(r.command("show Acme Corp")).json()
    block = next(
        b for b in card["blocks"] if b.get("block_id", "").startswith(ids.RENEWAL_BLOCK_PREFIX)
    )
    value = next(e["value"] for e in block["elements"] if e["action_id"] == ids.RENEWAL_RENEWED)
    clicks = [
        r.button(ids.RENEWAL_RENEWED, value, block_id=block["block_id"], ephemeral=True)
        for _ in range(2)
    ]
    assert {a.status for a in _at_once(server, clicks)} == {200}
    with unit_of_work(sessions, r.TEAM) as uow:
        outcomes = [c.outcome.value if c.outcome else None for c in uow.contracts.all()]
    figure(f"2 clicks at once: contracts {outcomes}")
    assert outcomes == ["renewed", None]
