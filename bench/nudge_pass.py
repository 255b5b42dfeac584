"""A nudge pass with exactly 2,000 due items at scale S and at scale L.

The seeded data is shaped so that the same number of items is due at the planning instant
whatever the scale (``shape_due_items``): due items beyond the chosen ones are closed the way
a team closes them (follow-ups done, renewals recorded, accounts touched), and the chosen ones
are made due (overdue follow-ups, renewals at their 60-day step, accounts past their cadence).
Everything else — the bulk of the workspace — cannot be due, and a pass that scales with the
due items, not the workspace, takes the same time at S and at L.

The pass (planning and delivery, through ``create_nudge_pass`` as ``python app.py nudge`` runs
it) is measured in a child process, so its peak RSS is its own; the zero-latency fake Slack
runs in this process. Its floor is the raw SQL selecting the same due rows, also in a child.

    python -m bench.nudge_pass [sqlite|postgresql] [S|L] ... [--senders=N]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Date, delete, func, literal, select, text, update
from sqlalchemy.engine import make_url

from bench import seed as seeding
from storage import models
from storage.database import create_database_engine

DUE_ITEMS = 2_000
FOLLOW_UPS_DUE, CONTRACTS_DUE, STALE_DUE = 1_200, 400, 400
LADDER_HORIZON_DAYS = 92  # the default ladder's largest step (90) and a day each side
NOTICE_HORIZON_DAYS = 16  # the largest notice step (14) and a day each side
# Owners' zones: at the planning instant (16:00 UTC on a weekday) every one is past its
# 09:00 digest on the same calendar day, so every chosen item is due for its owner.
ZONES = ("UTC", "Europe/Berlin", "Europe/London", "America/New_York")
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@dataclass(frozen=True, slots=True)
class Prepared:
    database_url: str
    team_ids: tuple[str, ...]
    owner_ids: tuple[str, ...]
    planning_now: datetime


def planning_instant(data_now: datetime) -> datetime:
    """16:00 UTC on the first weekday on or after the data's day."""
    day = data_now.astimezone(UTC).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 16, 0, tzinfo=UTC)


def _spread(ids: list[int], count: int) -> set[int]:
    """``count`` ids spread evenly over ``ids`` (not all from one end of the table)."""
    if len(ids) < count:
        raise RuntimeError(f"only {len(ids)} candidates for {count} due items")
    step = len(ids) / count
    return {ids[int(i * step)] for i in range(count)}


def shape_due_items(database_url: str, now: datetime) -> None:
    """Make exactly ``DUE_ITEMS`` items due at ``now`` (one occasion each), and nothing else."""
    today = now.date()
    engine = create_database_engine(database_url)
    fu, ct, ac = models.FollowUpRow, models.ContractRow, models.AccountRow
    live = ac.status.in_(("active", "at_risk"))
    with engine.begin() as db:
        db.execute(delete(models.NudgeRow))
        # Follow-ups: those due by tomorrow are done, but FOLLOW_UPS_DUE chosen ones, overdue.
        open_ids = list(db.scalars(select(fu.id).where(fu.status == "open").order_by(fu.id)))
        chosen = _spread(open_ids, FOLLOW_UPS_DUE)
        horizon = now + timedelta(days=2)
        db.execute(
            update(fu)
            .where(fu.status == "open", func.coalesce(fu.snoozed_until, fu.due_at) < horizon)
            .values(status="done", completed_at=now - timedelta(hours=1), completed_by="UBENCH")
        )
        for n, follow_up_id in enumerate(sorted(chosen)):
            db.execute(
                update(fu)
                .where(fu.id == follow_up_id)
                .values(
                    status="open",
                    snoozed_until=None,
                    due_at=now - timedelta(days=1 + n % 5, hours=2),
                    completed_at=None,
                    completed_by=None,
                )
            )
        # Contracts: every open one of a live account whose ladder or notice step (or date)
        # is reached gets its outcome; CONTRACTS_DUE chosen ones renew in 45 days.
        rows = db.execute(
            select(ct.id, ct.renewal_date, ct.notice_days)
            .join(ac, ac.id == ct.account_id)
            .where(ct.outcome.is_(None), live, ac.owner_id.is_not(None))
            .order_by(ct.id)
        ).all()
        chosen = _spread([r.id for r in rows], CONTRACTS_DUE)
        reached = [
            r.id
            for r in rows
            if r.id not in chosen
            and (
                (r.renewal_date - today).days <= LADDER_HORIZON_DAYS
                or (
                    r.notice_days is not None
                    and (r.renewal_date - timedelta(days=r.notice_days) - today).days
                    <= NOTICE_HORIZON_DAYS
                )
            )
        ]
        for start in range(0, len(reached), 5_000):
            db.execute(
                update(ct)
                .where(ct.id.in_(reached[start : start + 5_000]))
                .values(outcome="renewed", outcome_at=now - timedelta(days=1), outcome_by="UBENCH")
            )
        db.execute(
            update(ct)
            .where(ct.id.in_(sorted(chosen)))
            .values(renewal_date=today + timedelta(days=45), notice_days=None)
        )
        # Accounts: every live one past its cadence was touched yesterday, but STALE_DUE
        # chosen ones (without a chosen contract, so one occasion each), two days past it.
        with_contract = set(db.scalars(select(ct.account_id).where(ct.id.in_(sorted(chosen)))))
        candidates = [
            a
            for a in db.scalars(select(ac.id).where(live, ac.owner_id.is_not(None)).order_by(ac.id))
            if a not in with_contract
        ]
        stale = _spread(candidates, STALE_DUE)
        touched = now - timedelta(days=1)
        db.execute(
            update(ac)
            .where(live, ac.next_touch_due < now + timedelta(days=1))
            .values(last_touch_at=touched, next_touch_due=touched + timedelta(days=200))
        )
        ids = sorted(stale)
        for start in range(0, len(ids), 5_000):
            db.execute(
                update(ac)
                .where(ac.id.in_(ids[start : start + 5_000]))
                .values(next_touch_due=now - timedelta(days=2))
            )
        db.execute(update(models.WorkspaceRow).values(escalation_channel=None))
        db.execute(delete(models.UserRow))
    engine.dispose()


def floor_statements(now: datetime, team_id: str) -> list[Any]:
    """The raw SQL selecting one workspace's rows due at ``now`` (the floor a pass is
    compared with): one statement per index range, whole rows, nothing else."""
    fu, ct, ac = models.FollowUpRow, models.ContractRow, models.AccountRow
    live = ac.status.in_(("active", "at_risk"))
    today, soon = now.date(), now + timedelta(days=1)
    open_contract = (
        select(ct, ac)
        .join(ac, ac.id == ct.account_id)
        .where(ct.team_id == team_id, ct.outcome.is_(None), live)
    )
    open_follow_up = select(fu).where(fu.team_id == team_id, fu.status == "open")
    return [
        open_follow_up.where(fu.effective_due < soon),
        open_contract.where(ct.renewal_date <= today + timedelta(LADDER_HORIZON_DAYS)),
        open_contract.where(
            ct.notice_days.is_not(None),
            models.NoticeDeadline() <= literal(today + timedelta(NOTICE_HORIZON_DAYS), Date()),
        ),
        select(ac).where(ac.team_id == team_id, live, ac.next_touch_due < now),
    ]


# --- the child processes ------------------------------------------------------------------


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike getrusage's ru_maxrss it is not
    carried over from the parent across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource  # not Linux: the best there is

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_pass(job: dict[str, Any]) -> dict[str, float]:
    from bot.app_factory import create_nudge_pass
    from bot.clock import SystemClock
    from bot.settings import Settings
    from storage.database import create_session_factory

    engine = create_database_engine(job["url"])
    sessions = create_session_factory(engine)
    nudges = create_nudge_pass(
        Settings(
            database_url=job["url"],
            slack_bot_token="xoxb-bench",
            slack_api_url=job["api_url"],
            slack_pacing=False,  # the fake sets no limits: the pass's own speed
        ),
        session_factory=sessions,
        wall=SystemClock(),
        worker="bench",
        senders=job.get("senders", 1),
    )
    before = _peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    report = nudges.run(job["teams"], datetime.fromisoformat(job["now"]))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _peak_rss_mb()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "planned": report.planned,
        "delivered": report.delivered,
        "messages": report.messages,
        "skipped": report.skipped,
        "errors": len(report.errors),
        "rss_before_mb": before,
        "peak_rss_mb": peak,
    }


def _child_floor(job: dict[str, Any]) -> dict[str, float]:
    engine = create_database_engine(job["url"])
    now = datetime.fromisoformat(job["now"])
    with engine.connect() as db:
        db.execute(text("SELECT 1"))
        timings = []
        for _ in range(3):  # the best of three: statements compiled, pages cached
            started = time.perf_counter()
            rows = sum(
                len(db.execute(s).all()) for t in job["teams"] for s in floor_statements(now, t)
            )
            timings.append(time.perf_counter() - started)
        seconds = min(timings)
    return {"seconds": seconds, "rows": rows}


def _in_child(kind: str, job: dict[str, Any]) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "bench.nudge_pass", "--child", kind, json.dumps(job)],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path.cwd())},
    )
    if output.returncode != 0:
        raise RuntimeError(f"the {kind} child failed:\n{output.stderr[-4000:]}")
    result: dict[str, float] = json.loads(output.stdout.strip().splitlines()[-1])
    return result


# --- databases ------------------------------------------------------------------------------


@contextmanager
def empty_database(database_kind: str, scale_name: str) -> Iterator[str]:
    """A fresh empty database of that kind, dropped afterwards."""
    if database_kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="rapport-bench-") as folder:
            yield f"sqlite:///{folder}/nudges-{scale_name}.sqlite"
        return
    if database_kind != "postgresql":
        raise ValueError(f"unknown database kind {database_kind!r}")
    name = f"rapport_bench_nudges_{scale_name.lower()}_{os.getpid()}"
    admin = create_database_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        db.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as db:
            db.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _fake_slack(owner_ids: tuple[str, ...], now: datetime) -> Any:
    from bot.fakeslack import FakeSlack
    from bot.fakeslack.workspace import Workspace

    workspace = Workspace(team_id="T0001")
    for n, owner in enumerate(owner_ids):
        workspace.add_user(owner, f"owner.{owner.lower()}", tz=ZONES[n % len(ZONES)])
    return FakeSlack(workspace, clock=lambda: now)


def run(
    database_kind: str, scale_name: str, *, repeats: int = 2, senders: int = 1
) -> dict[str, float]:
    """Seed a fresh database at that scale, shape it to ``DUE_ITEMS`` due items, and time a
    pass (the best of ``repeats``, each on an empty ledger) and its SQL floor. ``senders``:
    recipients delivered to at once (``NudgePass.senders``; the product's default is 1)."""
    scale = seeding.SCALES[scale_name]
    data_now = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)
    with empty_database(database_kind, scale_name) as url:
        started = time.perf_counter()
        seeded = seeding.load(url, scale, now=data_now)
        seed_seconds = time.perf_counter() - started
        now = planning_instant(seeded.now)
        passes: list[dict[str, float]] = []
        floors: list[dict[str, float]] = []
        with _fake_slack(seeded.owner_ids, now) as fake:
            for _ in range(repeats):
                shape_due_items(url, now)
                job = {
                    "url": url,
                    "teams": list(seeded.team_ids),
                    "now": now.isoformat(),
                    "api_url": fake.api_url,
                    "senders": senders,
                }
                floors.append(_in_child("floor", job))
                passes.append(_in_child("pass", job))
    best = min(passes, key=lambda p: p["seconds"])
    floor = min(floors, key=lambda f: f["seconds"])
    return {
        "due_items": best["planned"],
        "delivered": best["delivered"],
        "messages": best["messages"],
        "errors": best["errors"],
        "pass_seconds": best["seconds"],
        "pass_cpu_seconds": best["cpu_seconds"],
        "items_per_second": best["delivered"] / best["seconds"],
        "peak_rss_mb": max(p["peak_rss_mb"] for p in passes),
        "rss_before_pass_mb": best["rss_before_mb"],
        "floor_seconds": floor["seconds"],
        "floor_rows": floor["rows"],
        "pass_over_floor": best["seconds"] / max(floor["seconds"], 1e-9),
        "seed_seconds": seed_seconds,
        "senders": senders,
    }


def _table(results: dict[str, dict[str, float]]) -> str:
    lines = [
        f"{'run':<16}{'due':>6}{'sent':>6}{'pass s':>9}{'items/s':>9}"
        f"{'peak MB':>9}{'floor ms':>10}{'L/S':>7}"
    ]
    for name, r in results.items():
        kind = name.split("/")[0]
        small = results.get(f"{kind}/S")
        ratio = r["pass_seconds"] / small["pass_seconds"] if small else float("nan")
        lines.append(
            f"{name:<16}{r['due_items']:>6.0f}{r['delivered']:>6.0f}{r['pass_seconds']:>9.2f}"
            f"{r['items_per_second']:>9.0f}{r['peak_rss_mb']:>9.0f}"
            f"{r['floor_seconds'] * 1000:>10.1f}{ratio:>7.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        job = json.loads(argv[2])
        result = _child_pass(job) if argv[1] == "pass" else _child_floor(job)
        print(json.dumps(result))
        return
    kinds = [a for a in argv if a in ("sqlite", "postgresql")] or ["sqlite"]
    scales = [a for a in argv if a in ("S", "L")] or ["S", "L"]
    senders = int(next((a.split("=")[1] for a in argv if a.startswith("--senders=")), "1"))
    results = {f"{k}/{s}": run(k, s, senders=senders) for k in kinds for s in scales}
    print(_table(results))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
