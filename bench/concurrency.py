"""Many people at once: concurrent clients, each sending its next request as soon as the last
is answered, for a fixed time; a mix of reads and `log` writes. Afterwards every logged
summary that was acknowledged must be in the database."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import URL

from bench.client import Client
from bench.stats import summarize
from bot.fakeslack import requests as r
from storage import models
from storage.database import create_database_engine

# Share of each kind of request in the mix (the rest of the roll goes to `log`).
MIX = (("show", 0.30), ("find", 0.15), ("history", 0.15), ("mine", 0.10))


@dataclass
class _Tally:
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # acknowledged summaries
    lock: threading.Lock = field(default_factory=threading.Lock)


def _text(kind: str, name: str) -> str:
    return {
        "show": f"show {name}",
        "find": f"find {name.split()[0]}",
        "history": f"history {name}",
        "mine": "mine",
    }[kind]


def _client_loop(
    n: int,
    base_url: str,
    names: Sequence[str],
    users: Sequence[str],
    team: str,
    until: float,
    run: str,
    tally: _Tally,
) -> None:
    rng = random.Random(n)
    client = Client(base_url)
    user = users[n % len(users)]
    sent = 0
    try:
        while time.monotonic() < until:
            sent += 1
            name = rng.choice(names)
            roll, kind = rng.random(), "log"
            for candidate, share in MIX:
                if roll < share:
                    kind = candidate
                    break
                roll -= share
            summary = f"bench {run} client {n} write {sent}"
            text = f"log note with {name}: {summary}" if kind == "log" else _text(kind, name)
            reply = client.post(r.command(text, user=user, team=team))
            with tally.lock:
                tally.seconds.append(reply.seconds)
                if not reply.answered:
                    tally.errors.append(f"{kind}: {reply.status} {reply.body[:200]}")
                elif kind == "log":
                    tally.written.append(summary)
    finally:
        client.close()


def _present(url: URL, summaries: Sequence[str]) -> int:
    engine = create_database_engine(url)
    found = 0
    try:
        with engine.connect() as connection:
            for start in range(0, len(summaries), 500):
                chunk = list(summaries[start : start + 500])
                found += int(
                    connection.scalar(
                        select(func.count()).where(models.InteractionRow.summary.in_(chunk))
                    )
                    or 0
                )
    finally:
        engine.dispose()
    return found


def run_concurrent(
    base_url: str,
    database: URL,
    *,
    names: Sequence[str],
    users: Sequence[str],
    team: str,
    clients: int,
    seconds: float,
    run: str,
) -> dict[str, Any]:
    """``clients`` threads for ``seconds``; throughput, latency, errors and the writes found."""
    tally = _Tally()
    until = time.monotonic() + seconds
    started = time.perf_counter()
    threads = [
        threading.Thread(
            target=_client_loop,
            args=(n, base_url, names, users, team, until, run, tally),
            name=f"bench-client-{n}",
        )
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    found = _present(database, tally.written)
    latency = summarize(tally.seconds, len(tally.errors)) if tally.seconds else None
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(tally.seconds),
        "throughput_per_s": round(len(tally.seconds) / elapsed, 1),
        "latency": latency.as_json() if latency else None,
        "errors": len(tally.errors),
        "error_examples": tally.errors[:3],
        "writes_acknowledged": len(tally.written),
        "writes_found": found,
    }
