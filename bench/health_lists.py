"""`python -m bench.health_lists`: what ordering by health costs (issue 12), in process.

Per scale and database: the median time of `accounts all` (a page by name: an index walk),
`accounts all by health` (every account scored to order them), one owner's `accounts by
health`, the App Home (which scores the caller's book) and one band check of the workspace
(what the scheduler does about hourly; the bands are kept once before measuring, as the
scheduler would have). Reported as ratios to `accounts all` in the same run, and the by-health
list's growth from the small scale to the large one. At the small scale (1,000 accounts a
workspace) `accounts all by health` scores every account; at the large one (10,000) it follows
the kept order and scores its page (``LIVE_ORDER_UP_TO``).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from bench.scratch_db import empty_database
from bench.seed import Scale, load
from bot.domain import AccountFilter, Actor
from bot.services import queries
from bot.services.health import keep_bands, score_workspace
from storage.database import create_database_engine, create_session_factory
from storage.unit_of_work import SqlUnitOfWork, unit_of_work

NOW = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)
SCALES = {
    "1k": Scale("1k", accounts=2_000, interactions=20_000, follow_ups=4_000, contracts=2_000,
                owners=200, workspaces=2),
    "10k": Scale("10k", accounts=20_000, interactions=200_000, follow_ups=40_000,
                 contracts=20_000, owners=200, workspaces=2),
}  # fmt: skip


def _median_ms(run: Callable[[], object], times: int) -> float:
    taken = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        taken.append((time.perf_counter() - started) * 1000)
    return statistics.median(taken)


def measure(kind: str, scale: Scale, times: int) -> dict[str, float]:
    with empty_database(kind) as url:
        seeded = load(url, scale, now=NOW)
        engine = create_database_engine(url)
        sessions = create_session_factory(engine)
        team, owner = seeded.team_ids[0], seeded.owner_ids[0]
        actor = Actor(team_id=team, user_id=owner, timezone="Europe/Berlin")
        today = NOW.date()

        def read(work: Callable[[SqlUnitOfWork], object]) -> Callable[[], object]:
            def run() -> object:
                with unit_of_work(sessions, team) as uow:
                    return work(uow)

            return run

        everyone = AccountFilter()
        read(lambda u: keep_bands(u, score_workspace(u, NOW, today)))()  # the bands, as kept
        found = {
            "accounts all": _median_ms(read(lambda u: queries.account_list(u, everyone)), times),
            "accounts all by health": _median_ms(
                read(lambda u: queries.account_health_list(u, everyone, NOW, today)), times
            ),
            "accounts by health (one owner)": _median_ms(
                read(
                    lambda u: queries.account_health_list(
                        u, AccountFilter(owner_id=owner), NOW, today
                    )
                ),
                times,
            ),
            "App Home": _median_ms(read(lambda u: queries.home(u, actor, NOW)), times),
            "band check (workspace)": _median_ms(
                read(lambda u: keep_bands(u, score_workspace(u, NOW, today))), max(times // 5, 3)
            ),
        }
        engine.dispose()
        return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.health_lists", description=__doc__)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--times", type=int, default=15)
    arguments = parser.parse_args(argv)
    for kind in arguments.databases.split(","):
        results = {name: measure(kind, scale, arguments.times) for name, scale in SCALES.items()}
        print(f"\n{kind}: median ms (ratio to `accounts all` at the same scale)")
        for what in results["1k"]:
            cells = []
            for name in SCALES:
                value, floor = results[name][what], results[name]["accounts all"]
                cells.append(f"{name}: {value:8.1f} ms ({value / floor:5.1f}x)")
            print(f"  {what:32s} " + "  ".join(cells))
        growth = results["10k"]["accounts all by health"] / results["1k"]["accounts all by health"]
        print(f"  `accounts all by health` at 10k / at 1k: {growth:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
