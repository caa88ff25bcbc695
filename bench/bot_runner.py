"""`python -m bot run`, instrumented for the load benchmark: counts full searches
(`NewsIndex.answer` calls) and samples event-loop lag (bot/looplag.py) from the moment polling
starts; writes both to BENCH_STATS_FILE (JSON) when the bot stops."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any


def main() -> int:
    from bot import app
    from bot.cli import main as cli_main
    from bot.looplag import LoopLagMonitor
    from index.service import NewsIndex

    stats_file = Path(os.environ["BENCH_STATS_FILE"])
    lock = threading.Lock()
    searches: list[tuple[float, float, str]] = []  # (started, seconds, question)
    answer = NewsIndex.answer

    def counted(self: NewsIndex, question: str, limit: int | None = None) -> Any:
        started = time.time()
        try:
            return answer(self, question, limit)
        finally:
            with lock:
                searches.append((started, time.time() - started, question))

    NewsIndex.answer = counted  # type: ignore[method-assign]
    polling = app._run_polling
    monitor = LoopLagMonitor(interval=0.005, report_seconds=None)
    polling_started: list[float] = []

    async def monitored(dp: Any, bot: Any, settings: Any) -> None:
        monitor.start()
        polling_started.append(time.time())
        try:
            await polling(dp, bot, settings)
        finally:
            monitor.stop()

    app._run_polling = monitored
    try:
        return cli_main(["run"])
    finally:
        stats_file.write_text(json.dumps({
            "polling_started": polling_started[0] if polling_started else None,
            "searches": searches,
            "lag": monitor.samples,
        }))


if __name__ == "__main__":
    sys.exit(main())
