"""Counters for `/stats`: questions answered, how long answers took, uptime."""

from __future__ import annotations

import statistics
import time
from collections import deque
from collections.abc import Callable

# the median over the most recent answers: enough to be stable, small enough to follow changes
_WINDOW = 1000


class BotStats:
    """In-memory counters since start; handed to handlers through the workflow data."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.started = clock()
        self.questions = 0
        self.found = 0
        self.inline_queries = 0
        self._durations: deque[float] = deque(maxlen=_WINDOW)

    def record_question(self, seconds: float, found: bool) -> None:
        self.questions += 1
        self.found += int(found)
        self._durations.append(seconds)

    def record_inline(self) -> None:
        self.inline_queries += 1

    @property
    def median_seconds(self) -> float | None:
        return statistics.median(self._durations) if self._durations else None

    @property
    def uptime_seconds(self) -> float:
        return self._clock() - self.started
