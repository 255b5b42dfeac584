"""The scheduler: one APScheduler interval job per process that runs one nudge pass.

Every replica runs its own (memory job store, never shared between processes); the ledger
in the database keeps every nudge single.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler

logger = logging.getLogger(__name__)


def start_scheduler(run_pass: Callable[[], object], interval_seconds: int) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        _logged(run_pass),
        "interval",
        seconds=interval_seconds,
        id="nudge-pass",
        coalesce=True,  # a pass missed while busy runs once, not once per missed interval
        max_instances=1,  # never two passes at once in one process
        misfire_grace_time=interval_seconds,
    )
    scheduler.start()
    logger.info("scheduler started", extra={"interval": interval_seconds})
    return scheduler


def _logged(run_pass: Callable[[], object]) -> Callable[[], None]:
    def job() -> None:
        try:
            report = run_pass()
            logger.debug("nudge pass", extra={"report": report})
        except Exception:
            logger.exception("nudge pass failed; the next one retries")

    return job
