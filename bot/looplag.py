"""Event-loop lag: how late a periodic timer fires. Late timers mean every update waits; a
healthy bot stays within milliseconds even while it searches and reindexes (BENCHMARKS.md).

Opt-in: start a `LoopLagMonitor` inside the running loop; it logs a summary every
`report_seconds` and keeps the samples for whoever started it (the load benchmark).
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time

logger = logging.getLogger(__name__)


class LoopLagMonitor:
    """Sleeps `interval` seconds over and over and records how much later than asked it woke."""

    def __init__(self, interval: float = 0.01, report_seconds: float | None = 60.0,
                 keep: int = 1_000_000) -> None:
        self.interval = interval
        self.report_seconds = report_seconds
        self.keep = keep
        # (wall-clock time the sleep ended, lag in seconds)
        self.samples: list[tuple[float, float]] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start sampling in the running event loop."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name="loop-lag")

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        last_report = loop.time()
        since_report: list[float] = []
        while True:
            asked = loop.time()
            await asyncio.sleep(self.interval)
            lag = max(0.0, loop.time() - asked - self.interval)
            if len(self.samples) < self.keep:
                self.samples.append((time.time(), lag))
            since_report.append(lag)
            if self.report_seconds is not None and loop.time() - last_report >= \
                    self.report_seconds:
                logger.info("event-loop lag over %d samples: %s", len(since_report),
                            describe(since_report))
                since_report.clear()
                last_report = loop.time()


def describe(lags: list[float]) -> str:
    """p50, p99 and max of `lags` (seconds), in milliseconds."""
    if not lags:
        return "no samples"
    ordered = sorted(lags)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (f"p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
            f"max {ordered[-1] * 1000:.1f} ms")
