"""Work that happens after the answer has gone: Home refreshes, profile look-ups, replies
posted through the Web API, and their retries (STYLE.md habit 11).

A listener acknowledges Slack with what it can say from the database alone, then hands the
rest to a ``Background``; so no answer ever waits for Slack. In production the tasks run on a
small pool of threads; tests and the console keep them until the answer is out and then run
them (``DeferredBackground``), which is exactly the order Slack sees.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

logger = logging.getLogger(__name__)

Task = Callable[[], None]


class Background(Protocol):
    def submit(self, task: Task, *, name: str) -> None:
        """Run ``task`` soon, after the current answer; a failure is logged, never raised."""
        ...


def _run_logged(task: Task, name: str) -> None:
    try:
        task()
    except Exception:
        logger.exception("background task failed", extra={"task": name})


class ThreadedBackground:
    """A small pool of threads (per process). Tasks still queued at exit are finished first:
    the interpreter joins the pool's threads before it stops."""

    def __init__(self, workers: int = 4) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="after-answer")

    def submit(self, task: Task, *, name: str) -> None:
        self._pool.submit(_run_logged, task, name)

    def shutdown(self) -> None:
        """Finish what is queued, then stop the threads."""
        self._pool.shutdown(wait=True)


class DeferredBackground:
    """Keeps tasks until ``run_pending`` runs them, in order, on the caller's thread."""

    def __init__(self) -> None:
        self._tasks: deque[tuple[str, Task]] = deque()
        self._lock = threading.Lock()

    def submit(self, task: Task, *, name: str) -> None:
        with self._lock:
            self._tasks.append((name, task))

    @property
    def pending(self) -> list[str]:
        """The names of the tasks waiting, oldest first."""
        with self._lock:
            return [name for name, _ in self._tasks]

    def run_pending(self) -> int:
        """Run every waiting task, including those the tasks submit; how many ran."""
        ran = 0
        while True:
            with self._lock:
                if not self._tasks:
                    return ran
                name, task = self._tasks.popleft()
            _run_logged(task, name)
            ran += 1
