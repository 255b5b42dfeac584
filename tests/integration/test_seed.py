"""The benchmark's data generator (bench/seed.py): the counts a scale asks for, the same
data for the same seed, and a tenth of the follow-ups overdue at ``now``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import URL

from bench.seed import Scale, Seeded, load
from storage.database import create_database_engine, create_session_factory
from storage.unit_of_work import unit_of_work
from tests.conftest import BACKENDS

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
TINY = Scale(
    "tiny", accounts=60, interactions=300, follow_ups=50, contracts=40, owners=6, workspaces=2
)


def _load(make: Callable[[str], URL], backend: str, seed: int = 8) -> Seeded:
    url = make(backend).render_as_string(hide_password=False)
    return load(url, TINY, now=NOW, seed=seed)


def _contents(seeded: Seeded) -> dict[str, object]:
    """Every workspace's rows as the product reads them, ids left out."""
    engine = create_database_engine(seeded.database_url)
    sessions = create_session_factory(engine)
    contents: dict[str, object] = {}
    try:
        for team_id in seeded.team_ids:
            with unit_of_work(sessions, team_id, dry_run=True) as work:
                names = {a.id: a.name for a in work.accounts.all()}
                contents[team_id] = {
                    "accounts": [
                        (a.name, a.kind, a.owner, a.tier, a.status, a.tags, a.last_touch_at)
                        for a in work.accounts.all()
                    ],
                    "interactions": [
                        (names[i.account_id], i.kind, i.occurred_at, i.summary, i.logged_by)
                        for i in work.interactions.all()
                    ],
                    "follow_ups": [
                        (f.number, names[f.account_id], f.owner_id, f.due_at, f.status, f.text)
                        for f in work.follow_ups.all()
                    ],
                    "contracts": [
                        (names[c.account_id], c.value, c.renewal_date, c.outcome)
                        for c in work.contracts.all()
                    ],
                    "overdue": len(work.follow_ups.open_due_before(NOW, None)),
                    "owners": {a.owner.user_id for a in work.accounts.all()},
                }
    finally:
        engine.dispose()
    return contents


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_scale_loads_its_counts_with_a_tenth_of_the_follow_ups_overdue(
    fresh_database_url: Callable[[str], URL], backend: str
) -> None:
    seeded = _load(fresh_database_url, backend)
    contents = _contents(seeded)
    workspaces = [contents[team_id] for team_id in seeded.team_ids]
    assert len(seeded.team_ids) == TINY.workspaces
    for kind in ("accounts", "interactions", "follow_ups", "contracts"):
        assert sum(len(w[kind]) for w in workspaces) == getattr(TINY, kind), kind  # type: ignore[index]
    assert sum(w["overdue"] for w in workspaces) == TINY.follow_ups // 10  # type: ignore[misc]
    assert len(seeded.owner_ids) == TINY.owners
    owners = set().union(*(w["owners"] for w in workspaces))  # type: ignore[misc]
    assert owners <= set(seeded.owner_ids)
    first = {row[0] for row in workspaces[0]["accounts"]}  # type: ignore[index]
    assert len(seeded.sample_names) >= 1_000
    assert set(seeded.sample_names) <= first
    assert seeded.now == NOW


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(
    fresh_database_url: Callable[[str], URL],
) -> None:
    once, again, other = (_load(fresh_database_url, "sqlite", seed) for seed in (8, 8, 9))
    assert _contents(once) == _contents(again)
    assert once.sample_names == again.sample_names
    assert _contents(once) != _contents(other)
