"""One benchmark run: for each database and scale, seed a fresh database, serve it with
`python app.py run` (gunicorn, one worker, the floors switched on) against the fake Slack,
and measure; then the concurrency run, import and the nudge pass; then the table and JSON."""

from __future__ import annotations

import importlib
import logging
import os
import platform
import sqlite3
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import URL

from bench import latency, report, targets
from bench import seed as seeding
from bench.client import Client
from bench.concurrency import run_concurrent
from bench.databases import empty_database, postgres_answers, postgres_server
from bench.workload import HOME, missing, workloads
from bot.domain import SlackProfile
from bot.fakeslack import FakeSlack, Workspace
from storage import models
from storage.database import create_database_engine, create_session_factory
from storage.unit_of_work import unit_of_work
from tests.serving import Server, running

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Plan:
    """What one run measures; `make bench` is quick, `make bench FULL=1` is everything."""

    databases: tuple[str, ...]
    scales: tuple[str, ...]
    requests: int  # per command and per floor
    warmup: int
    clients: int
    concurrency_seconds: float
    import_rows: int
    full: bool
    budget: float  # seconds one workload may take before it is cut short
    skip: frozenset[str] = frozenset()  # parts left out: "import", "nudge", "concurrency"

    @classmethod
    def quick(cls) -> Plan:
        return cls(("sqlite", "postgresql"), ("S",), 200, 5, 20, 10.0, 10_000, False, 20.0)

    @classmethod
    def everything(cls) -> Plan:
        return cls(("sqlite", "postgresql"), ("S", "L"), 200, 10, 20, 30.0, 100_000, True, 120.0)


def optional(module: str) -> ModuleType | None:
    """A part another branch brings (import speed, nudge pass), if it is there yet."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:
            raise
        return None


def machine() -> dict[str, Any]:
    """What the figures were measured on (they mean little without it)."""
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_mb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = int(line.split()[1]) // 1024
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_mb": memory_mb,
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def measured_commit() -> str | None:
    """The commit measured (with "+changes" when the work tree differs from it)."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
        )
    except OSError:
        return None
    if head.returncode != 0:
        return None
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def _postgres_version(url: URL) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.scalar(text("SHOW server_version")))
    finally:
        engine.dispose()


def callers(url: URL, team: str, owners: Sequence[str], count: int, now: datetime) -> list[str]:
    """Owners of ``team``'s accounts (most accounts first) to send the commands as; Rapport
    is told their zone first, as it would be after their first command, so that every answer
    comes inline (a newcomer's first one comes later through the response URL)."""
    engine = create_database_engine(url)
    try:
        with engine.connect() as connection:
            owning = list(
                connection.scalars(
                    select(models.AccountRow.owner_id)
                    .where(models.AccountRow.team_id == team)
                    .where(models.AccountRow.owner_id.in_(list(owners)))
                    .group_by(models.AccountRow.owner_id)
                    .order_by(func.count().desc(), models.AccountRow.owner_id)
                    .limit(count)
                )
            )
        chosen = [owner for owner in owning if owner]
        if not chosen:
            raise RuntimeError(f"no owner of the seed's owners owns an account in {team}")
        with unit_of_work(create_session_factory(engine), team) as uow:
            for user in chosen:
                uow.users.save_profile(SlackProfile(user_id=user, timezone="UTC"), now)
        return chosen
    finally:
        engine.dispose()


@contextmanager
def served(url: URL, team: str, owners: Sequence[str]) -> Iterator[tuple[Server, FakeSlack]]:
    """`python app.py run` against the fake Slack, floors on. The scheduler's pass is
    measured on its own (bench/nudge_pass.py), so here it waits a day instead of landing in
    the middle of one command's samples."""
    workspace = Workspace(team_id=team)
    for owner in owners:
        workspace.add_user(owner, owner.lower(), tz="UTC")
    with (
        FakeSlack(workspace) as fake,
        tempfile.TemporaryDirectory(prefix="rapport-bench-run-") as directory,
        running(
            url,
            fake,
            Path(directory),
            RAPPORT_BENCH_FLOORS="on",
            RAPPORT_NUDGE_INTERVAL="86400",
            RAPPORT_SLACK_PACING="off",  # the fake sets no limits: the app's own latency
        ) as server,
    ):
        yield server, fake


def measure_run(
    plan: Plan, kind: str, scale_name: str, now: datetime, say: Callable[[str], None]
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Seed, serve and measure one database at one scale; also the concurrency run when this
    is the run it belongs to (PostgreSQL, the largest scale planned)."""
    scale = seeding.SCALES[scale_name]
    run_id = uuid.uuid4().hex[:6]
    with empty_database(kind) as url:
        started = time.perf_counter()
        seeded = seeding.load(url.render_as_string(hide_password=False), scale, now=now)
        seed_seconds = round(time.perf_counter() - started, 1)
        say(f"{kind} {scale_name}: seeded in {seed_seconds} s ({seeding.__name__})")
        team = seeded.team_ids[0]
        people = callers(url, team, seeded.owner_ids, plan.clients, now)
        caller = people[0]
        record: dict[str, Any] = {
            "database": kind,
            "scale": scale_name,
            "seeder": seeding.__name__,
            "seed_seconds": seed_seconds,
            "caller": caller,
            "floors": {},
            "commands": {},
            "errors": {},
        }
        if kind == "postgresql":
            record["postgresql"] = _postgres_version(url)
        concurrency: dict[str, Any] | None = None
        with served(url, team, seeded.owner_ids) as (server, fake):
            client = Client(server.url)
            for name, path in latency.FLOORS.items():
                sender = latency.floor_sender(client, path, user=caller, team=team)
                _keep(record, "floors", name, latency.measure(sender, **_counts(plan)), say)
            measured = workloads(seeded.sample_names, run_id)
            reads, writes = measured[:-1], measured[-1:]
            for workload in reads:
                _measure_command(plan, record, client, workload, caller, team, say)
            watch = latency.HomeWatch(fake, caller)
            try:
                home = latency.measure(watch.sender(client, team=team), **_counts(plan))
                _keep(record, "commands", HOME, home, say)
            finally:
                watch.close()
            for workload in writes:
                _measure_command(plan, record, client, workload, caller, team, say)
            client.close()
            last = scale_name == plan.scales[-1]
            if kind == "postgresql" and last and "concurrency" not in plan.skip:
                say(f"{kind} {scale_name}: {plan.clients} clients for {plan.concurrency_seconds} s")
                concurrency = {
                    "database": kind,
                    "scale": scale_name,
                    **run_concurrent(
                        server.url,
                        url,
                        names=seeded.sample_names,
                        users=people,
                        team=team,
                        clients=plan.clients,
                        seconds=plan.concurrency_seconds,
                        run=run_id,
                    ),
                }
        return record, concurrency


def _counts(plan: Plan) -> dict[str, Any]:
    return {"requests": plan.requests, "warmup": plan.warmup, "budget": plan.budget}


def _measure_command(
    plan: Plan,
    record: dict[str, Any],
    client: Client,
    workload: Any,
    caller: str,
    team: str,
    say: Callable[[str], None],
) -> None:
    if missing(workload):
        record["commands"][workload.name] = {"missing": True}
        say(f"{record['database']} {record['scale']}: {workload.name}: missing (not measured)")
        return
    sender = latency.command_sender(client, workload.text, user=caller, team=team)
    _keep(record, "commands", workload.name, latency.measure(sender, **_counts(plan)), say)


def _keep(
    record: dict[str, Any],
    part: str,
    name: str,
    measured: latency.Measured,
    say: Callable[[str], None],
) -> None:
    figures = measured.latency()
    record[part][name] = figures.as_json() if figures else {"errors": measured.errors}
    if measured.cut_short:
        record[part][name]["cut_short"] = True
    if measured.examples:
        record["errors"][name] = measured.examples
    shown = f"p50 {figures.p50_ms} ms, p99 {figures.p99_ms} ms" if figures else "no answer"
    say(f"{record['database']} {record['scale']}: {name}: {shown}, errors {measured.errors}")


def _optional_part(module_name: str, *arguments: object) -> Any:
    """``module_name.run(*arguments)``, or why not."""
    module = optional(module_name)
    if module is None:
        return "not available"
    try:
        return module.run(*arguments)
    except Exception as error:  # a part from another branch must not sink the whole run
        logger.exception("benchmark part failed", extra={"part": module_name})
        return f"failed: {type(error).__name__}: {error}"


def run(plan: Plan, say: Callable[[str], None]) -> dict[str, Any]:
    """Everything the plan asks for; the results as JSON-ready data."""
    now = datetime.now(UTC)
    databases = list(plan.databases)
    notes: list[str] = []
    if "postgresql" in databases and not postgres_answers(postgres_server()):
        databases.remove("postgresql")
        notes.append(f"PostgreSQL at {postgres_server()} did not answer: not measured")
        say(notes[-1])
    results: dict[str, Any] = {
        "mode": "full" if plan.full else "quick",
        "started_at": now.isoformat(timespec="seconds"),
        "plan": {
            "requests": plan.requests,
            "warmup": plan.warmup,
            "clients": plan.clients,
            "concurrency_seconds": plan.concurrency_seconds,
            "import_rows": plan.import_rows,
            "budget_seconds": plan.budget,
        },
        "commit": measured_commit(),
        "machine": machine(),
        "notes": notes,
        "runs": [],
        "concurrency": {
            "skipped": "left out" if "concurrency" in plan.skip else "PostgreSQL not measured"
        },
    }
    for kind in databases:
        for scale_name in plan.scales:
            record, concurrency = measure_run(plan, kind, scale_name, now, say)
            results["runs"].append(record)
            if concurrency is not None:
                results["concurrency"] = concurrency
    say("import and nudge pass (when their modules are there)")
    results["import"] = {
        kind: "skipped"
        if "import" in plan.skip
        else _optional_part("bench.import_speed", kind, plan.import_rows)
        for kind in databases
    }
    results["nudge"] = {
        f"{kind} {scale_name}": "skipped"
        if "nudge" in plan.skip
        else _optional_part("bench.nudge_pass", kind, scale_name)
        for kind in databases
        for scale_name in plan.scales
    }
    results["machine"]["load_average_after"] = os.getloadavg()
    checks = [c for r in results["runs"] for c in targets.checks_for_run(r)]
    single = frozenset(w.name for w in workloads(["x"], "") if w.single_account)
    checks += targets.scale_checks(results["runs"], single)
    checks += targets.concurrency_checks(results["concurrency"])
    checks += targets.import_checks(results["import"])
    checks += targets.nudge_checks(results["nudge"])
    results["checks"] = [c.as_json() for c in checks]
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return results


def render(results: dict[str, Any]) -> str:
    """The one table, and the lines under it."""
    checks = [targets.Check(**c) for c in results["checks"]]
    rows = report.latency_rows(results["runs"], checks)
    return "\n".join([report.table(report.HEADERS, rows), "", *report.summary_lines(results)])
