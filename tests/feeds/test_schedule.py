"""The running bot's feed polling: it polls on its schedule, stops cleanly, and its rebuild
leaves the search threads to questions."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bot.feed_schedule import poll_on_schedule, start_feed_polling, stop_feed_polling
from bot.settings import Settings
from index.feeds.store import FeedStore
from index.service import NewsIndex
from tests.links.server import Site


async def test_feeds_are_polled_on_schedule_and_polling_stops(
        site: Site, writable_news: NewsIndex) -> None:
    settings = Settings(_env_file=None, seeds_dir=writable_news.seeds_dir,
                        index_dir=writable_news.index_dir, allow_private_urls=True,
                        feed_poll_minutes=1)
    store = FeedStore(settings.index_dir)
    store.add(site.url("/missing-feed"))
    task = asyncio.create_task(poll_on_schedule(writable_news, settings, first_delay=0.0))
    for _ in range(100):
        await asyncio.sleep(0.05)
        if store.load()[0].failures:
            break
    assert store.load()[0].failures == 1  # polled once, then waits a minute
    await stop_feed_polling(task)
    assert task.cancelled()


def test_no_polling_when_the_interval_is_zero(writable_news: NewsIndex) -> None:
    settings = Settings(_env_file=None, seeds_dir=writable_news.seeds_dir,
                        index_dir=writable_news.index_dir, feed_poll_minutes=0)
    assert start_feed_polling(writable_news, settings) is None


async def test_a_feed_rebuild_leaves_the_search_threads_to_questions(
        site: Site, writable_news: NewsIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    # the bot's search pool on a one-core machine: one thread, the loop's default
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(1, thread_name_prefix="search"))
    rebuilding, finish = threading.Event(), threading.Event()
    where: list[tuple[str, int]] = []
    real = writable_news.reindex

    def reindex(*args: Any, **kwargs: Any) -> Any:  # the real rebuild, held until told
        where.append((threading.current_thread().name,
                      os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
        rebuilding.set()
        finish.wait(30)
        return real()

    monkeypatch.setattr(writable_news, "reindex", reindex)
    settings = Settings(_env_file=None, seeds_dir=writable_news.seeds_dir,
                        index_dir=writable_news.index_dir, allow_private_urls=True,
                        feed_poll_minutes=30)
    store = FeedStore(settings.index_dir)
    store.add(site.url("/feed.rss"))
    task = asyncio.create_task(poll_on_schedule(writable_news, settings, first_delay=0.0))
    try:
        for _ in range(600):
            if rebuilding.is_set():
                break
            await asyncio.sleep(0.05)
        assert rebuilding.is_set()
        # a question asked while the poll rebuilds gets the search thread at once
        started = time.perf_counter()
        answer = await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(
            None, writable_news.answer, "When did Rubio and Lavrov meet in person?"), 10)
        assert answer is not None and time.perf_counter() - started < 10
    finally:
        finish.set()
    for _ in range(600):
        if store.load()[0].added:
            break
        await asyncio.sleep(0.05)
    await stop_feed_polling(task)
    assert store.load()[0].added == 3
    [(thread, niceness)] = where
    assert thread.startswith("rebuild")  # the uploads' rebuild thread, not a search thread
    if sys.platform == "linux":
        assert niceness >= 10
