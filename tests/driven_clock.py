"""One clock a test drives for everything that paces: the pacer, the fake Slack's limits,
the nudge pass's wall clock. Waiting moves it; nothing really sleeps."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta


class DrivenClock:
    """``timer()`` seconds since ``start``; ``now()`` the same instant as a datetime;
    ``wait_until(t)`` moves the clock to ``t`` (never back) and returns at once."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self._seconds = 0.0
        self._lock = threading.Lock()
        self.waits: list[float] = []

    def timer(self) -> float:
        with self._lock:
            return self._seconds

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.timer())

    def wait_until(self, instant: float) -> None:
        with self._lock:
            self.waits.append(instant - self._seconds)
            self._seconds = max(self._seconds, instant)

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._seconds += delta.total_seconds()
