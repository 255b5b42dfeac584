"""The listeners' Web API calls take their turns from the process's pacer too (Bolt builds a
plain client per request; the app swaps in a paced one), and every wait for a turn — theirs
and the nudge pass's — happens outside any database transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import create_app, create_nudge_pass
from bot.background import DeferredBackground
from bot.clock import FixedClock
from bot.fakeslack import FakeSlack
from bot.fakeslack import requests as r
from bot.fakeslack.ratelimits import RateLimits
from bot.pacing import Pacer
from bot.settings import Settings
from handlers.client import make_client
from storage import migrate
from storage.database import create_database_engine, create_session_factory
from tests.conftest import BACKENDS
from tests.driven_clock import DrivenClock
from tests.scenario.conftest import NOW, Slack, slack_workspace
from tests.scenario.test_no_slack_in_transactions import TransactionProbe


class WatchedWaits:
    """The pacer's waits on a driven clock, and those that began inside a transaction."""

    def __init__(self, clock: DrivenClock, probe: TransactionProbe) -> None:
        self.clock = clock
        self.probe = probe
        self.waits: list[float] = []
        self.inside: list[float] = []

    def wait_until(self, instant: float) -> None:
        self.waits.append(instant - self.clock.timer())
        if self.probe.open:
            self.inside.append(instant)
        self.clock.wait_until(instant)


@pytest.fixture(params=BACKENDS)
def sessions_probed(
    request: pytest.FixtureRequest, fresh_database_url: Callable[[str], URL]
) -> Iterator[tuple[sessionmaker[Session], TransactionProbe]]:
    url = fresh_database_url(request.param)
    migrate.upgrade(url)
    engine = create_database_engine(url)
    sessions = create_session_factory(engine)
    yield sessions, TransactionProbe(sessions)
    engine.dispose()


def test_listener_calls_are_paced_and_wait_outside_transactions(
    sessions_probed: tuple[sessionmaker[Session], TransactionProbe],
) -> None:
    sessions, probe = sessions_probed
    clock = DrivenClock(NOW)
    watched = WatchedWaits(clock, probe)
    pacer = Pacer(timer=clock.timer, wait_until=watched.wait_until)
    limits = RateLimits(burst=1)
    with FakeSlack(
        slack_workspace(), clock=clock.now, timer=clock.timer, rate_limits=limits
    ) as fake:
        settings = Settings(
            slack_bot_token="xoxb-test", slack_signing_secret=r.SECRET, admins=frozenset()
        )
        background = DeferredBackground()
        app = create_app(
            settings,
            # A client of its own, unpaced: only the app's swap can pace the listeners.
            client=make_client("xoxb-test", fake.api_url, sleep=lambda _s: None),
            clock=FixedClock(NOW),
            session_factory=sessions,
            background=background,
            pacer=pacer,
        )
        slack = Slack(app, fake, background)
        slack.answer(slack.command("add Acme Corp"))
        slack.answer(slack.command("follow up Acme Corp tomorrow: send the deck"))
        for user in ("UALICE", "UBOB", "UADMIN", "UALICE"):
            slack.send(r.home_opened(user=user))
        slack.send(r.direct_message("show Acme Corp"))
        assert len(fake.calls_to("views.publish")) >= 4
        assert fake.rate_limited() == []  # four Home tabs at once: Tier 4's pace kept
        assert any(w > 0 for w in watched.waits)
        nudges = create_nudge_pass(
            Settings(slack_bot_token="xoxb-test", slack_api_url=fake.api_url),
            session_factory=sessions,
            wall=clock,
            worker="paced",
            pacer=pacer,
        )
        clock.advance(timedelta(days=1, hours=6))
        report = nudges.run([r.TEAM], NOW + timedelta(days=1, hours=6))
        assert report.delivered >= 1 and fake.rate_limited() == []
        assert watched.inside == []
        assert fake.violations == []
