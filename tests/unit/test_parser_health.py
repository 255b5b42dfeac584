"""Reading the health commands: `accounts … by health`, and the admin settings that switch the
score off and set a cadence per kind."""

from __future__ import annotations

import pytest

from bot.commands import ListAccounts, ParseError, Scope, SetCadenceRule, SetHealthScore
from bot.domain import AccountKind
from bot.parser import parse_command
from tests.unit.test_parser import CONTEXT


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("accounts by health", ListAccounts(by_health=True)),
        ("accounts all by health", ListAccounts(Scope.ALL, by_health=True)),
        ("accounts by-health suppliers", ListAccounts(kind=AccountKind.SUPPLIER, by_health=True)),
        ("accounts at risk", ListAccounts(at_risk=True)),
        ("my accounts by health?", ListAccounts(by_health=True)),
    ],
)
def test_accounts_by_health(line: str, expected: ListAccounts) -> None:
    assert parse_command(line, CONTEXT) == expected


def test_by_health_twice_is_refused() -> None:
    parsed = parse_command("accounts by health by health", CONTEXT)
    assert isinstance(parsed, ParseError)
    assert "already has an order" in parsed.message


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("settings workspace health off", SetHealthScore(False)),
        ("settings workspace health ON", SetHealthScore(True)),
        (
            "settings workspace cadence supplier 60 days",
            SetCadenceRule(AccountKind.SUPPLIER, 60),
        ),
        (
            "settings workspace cadence customers 2 weeks max 1 month",
            SetCadenceRule(AccountKind.CUSTOMER, 14, 30),
        ),
        ("settings workspace cadence partner default", SetCadenceRule(AccountKind.PARTNER, None)),
    ],
)
def test_health_settings(line: str, expected: SetHealthScore | SetCadenceRule) -> None:
    assert parse_command(line, CONTEXT) == expected


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("settings workspace health maybe", "on or off, not “maybe”"),
        ("settings workspace cadence robots 3 days", "not “robots”"),
        ("settings workspace cadence supplier", "How often should a supplier be touched?"),
        ("settings workspace cadence supplier 60 days max", "At most how long"),
        ("settings workspace cadence supplier 60 days max 30 days", "can't be shorter"),
        ("settings workspace cadence supplier often", "as a cadence"),
    ],
)
def test_unreadable_health_settings_say_why(line: str, says: str) -> None:
    parsed = parse_command(line, CONTEXT)
    assert isinstance(parsed, ParseError)
    assert says in parsed.message
    assert parsed.usage is not None
