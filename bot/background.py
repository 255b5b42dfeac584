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
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

logger = logging.getLogger(__name__)

Task = Callable[[], None]


class Background(Protocol):
    def submit(self, task: Task, *, name: str, key: Hashable | None = None) -> None:
        """Run ``task`` soon, after the current answer; a failure is logged, never raised.
        With a ``key``, a task is dropped while another of that key waits to start (the
        waiting one, reading the database when it runs, does the same and more): ten
        changes in a second refresh someone's Home tab once, not ten times."""
        ...


def _run_logged(task: Task, name: str) -> None:
    try:
        task()
    except Exception:
        logger.exception("background task failed", extra={"task": name})


class _Waiting:
    """The keys of tasks submitted but not yet started."""

    def __init__(self) -> None:
        self._keys: set[Hashable] = set()
        self._lock = threading.Lock()

    def claim(self, key: Hashable | None) -> bool:
        """False if a task of this key is waiting already."""
        if key is None:
            return True
        with self._lock:
            if key in self._keys:
                return False
            self._keys.add(key)
            return True

    def started(self, key: Hashable | None) -> None:
        if key is not None:
            with self._lock:
                self._keys.discard(key)


class ThreadedBackground:
    """A small pool of threads (per process). Tasks still queued at exit are finished first:
    the interpreter joins the pool's threads before it stops."""

    def __init__(self, workers: int = 4) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="after-answer")
        self._waiting = _Waiting()

    def submit(self, task: Task, *, name: str, key: Hashable | None = None) -> None:
        if self._waiting.claim(key):
            self._pool.submit(self._start, task, name, key)

    def _start(self, task: Task, name: str, key: Hashable | None) -> None:
        self._waiting.started(key)
        _run_logged(task, name)

    def shutdown(self) -> None:
        """Finish what is queued, then stop the threads."""
        self._pool.shutdown(wait=True)


class DeferredBackground:
    """Keeps tasks until ``run_pending`` runs them, in order, on the caller's thread."""

    def __init__(self) -> None:
        self._tasks: deque[tuple[str, Task, Hashable | None]] = deque()
        self._lock = threading.Lock()
        self._waiting = _Waiting()

    def submit(self, task: Task, *, name: str, key: Hashable | None = None) -> None:
        if self._waiting.claim(key):
            with self._lock:
                self._tasks.append((name, task, key))

    @property
    def pending(self) -> list[str]:
        """The names of the tasks waiting, oldest first."""
        with self._lock:
            return [name for name, _, _ in self._tasks]

    def run_pending(self) -> int:
        """Run every waiting task, including those the tasks submit; how many ran."""
        ran = 0
        while True:
            with self._lock:
                if not self._tasks:
                    return ran
                name, task, key = self._tasks.popleft()
            self._waiting.started(key)
            _run_logged(task, name)
            ran += 1
