"""`app.py import` with a Slack token resolves owners through Slack; the rest stay visible."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, event

import app
from bot.fakeslack import FakeSlack, Workspace
from bot.fakeslack import requests as r

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def directory() -> Iterator[FakeSlack]:
    workspace = Workspace(team_id=r.TEAM)
    workspace.add_user(
        "UMARIA", "maria", real_name="Maria Lopez", email="maria.lopez@ourco.example"
    )
    workspace.add_user("UJAN", "jan", real_name="Jan Becker", email="jan.becker@ourco.example")
    with FakeSlack(workspace) as fake:
        yield fake
        assert fake.violations == []


@pytest.fixture
def environment(directory: FakeSlack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeSlack:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'rapport.db'}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", directory.api_url)
    return directory


def _import(name: str) -> str:
    out = io.StringIO()
    app.main(["import", str(FIXTURES / name), "--team", r.TEAM], out=out)
    return out.getvalue()


def test_emails_resolve_through_users_lookup_by_email(environment: FakeSlack) -> None:
    shown = _import("hubspot-companies.csv")
    assert "5 created." in shown
    # Maria and Jan are Slack users; Sam is not (and one company has no owner at all).
    assert "Northwind Traders" not in shown.split("not Slack users yet")[-1]
    assert "Tailspin Toys, Inc.: sam.okafor@ourco.example" in shown
    looked_up = [c.args["email"] for c in environment.calls_to("users.lookupByEmail")]
    assert "maria.lopez@ourco.example" in looked_up


def test_names_resolve_against_the_member_list(environment: FakeSlack) -> None:
    shown = _import("salesforce-accounts.csv")
    assert "Adventure Works: Maria Lopez" not in shown
    assert "Margie's Travel: Sam Okafor" in shown
    assert environment.calls_to("users.list")
    export = io.StringIO()
    app.main(["export", "out", "--team", r.TEAM], out=export)
    accounts = (Path("out") / "accounts.csv").read_text(encoding="utf-8")
    assert "Adventure Works,customer,UMARIA" in accounts
    assert "Margie's Travel,reseller,Sam Okafor" in accounts


def test_without_team_the_tokens_workspace_is_used(environment: FakeSlack) -> None:
    out = io.StringIO()
    assert app.main(["import", str(FIXTURES / "hubspot-companies.csv")], out=out) == 0
    assert "5 created." in out.getvalue()
    export = io.StringIO()
    assert app.main(["export", "out", "--team", r.TEAM], out=export) == 0
    assert "accounts.csv: 5 rows" in export.getvalue()
    assert environment.calls_to("auth.test")


@pytest.fixture
def open_transactions() -> Iterator[Callable[[], int]]:
    """How many database transactions this process has open right now."""
    count = 0

    def begin(_connection: Any) -> None:
        nonlocal count
        count += 1

    def end(_connection: Any) -> None:
        nonlocal count
        count -= 1

    listeners = [("begin", begin), ("commit", end), ("rollback", end)]
    for name, listener in listeners:
        event.listen(Engine, name, listener)
    yield lambda: count
    for name, listener in listeners:
        event.remove(Engine, name, listener)


@pytest.mark.parametrize("sample", ["hubspot-companies.csv", "salesforce-accounts.csv"])
def test_no_slack_call_while_a_transaction_is_open(
    environment: FakeSlack,
    open_transactions: Callable[[], int],
    monkeypatch: pytest.MonkeyPatch,
    sample: str,
) -> None:
    calls: list[tuple[str, int]] = []  # each Slack method and the transactions open then
    api_call = WebClient.api_call

    def watched(client: WebClient, api_method: str, **kwargs: Any) -> Any:
        calls.append((api_method, open_transactions()))
        return api_call(client, api_method, **kwargs)

    monkeypatch.setattr(WebClient, "api_call", watched)
    shown = _import(sample)
    assert " created." in shown
    assert {"users.lookupByEmail", "users.list"} & {method for method, _ in calls}
    assert [call for call in calls if call[1]] == []
    assert open_transactions() == 0
