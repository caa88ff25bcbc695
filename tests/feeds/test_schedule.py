"""The running bot's feed polling: it polls on its schedule and stops cleanly."""

from __future__ import annotations

import asyncio

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
