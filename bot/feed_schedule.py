"""The running bot polls the followed feeds every FEED_POLL_MINUTES, in the background: one
rebuild per poll, questions answered meanwhile from the serving index."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.jobs import in_background_thread
from bot.settings import Settings
from index.errors import NewsIndexError
from index.feeds.polling import poll_feeds
from index.feeds.store import FeedStore
from index.service import NewsIndex

logger = logging.getLogger(__name__)

FIRST_POLL_DELAY = 60.0  # seconds after start: the index and the first questions come first


def start_feed_polling(news: NewsIndex, settings: Settings) -> asyncio.Task[None] | None:
    """The polling task, or None when FEED_POLL_MINUTES is 0."""
    if settings.feed_poll_minutes <= 0:
        return None
    return asyncio.create_task(poll_on_schedule(news, settings), name="feed-poll")


async def stop_feed_polling(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def poll_on_schedule(news: NewsIndex, settings: Settings,
                           first_delay: float = FIRST_POLL_DELAY) -> None:
    store = FeedStore(settings.index_dir)
    delay = first_delay
    while True:
        await asyncio.sleep(delay)
        delay = settings.feed_poll_minutes * 60.0
        try:
            # in the rebuild thread uploads use, at low priority and outside the search
            # pool, so that a poll's extraction and rebuild never hold up a question
            report = await poll_feeds(news, store, settings.fetch_options(),
                                      settings.feed_poll_minutes, offload=in_background_thread)
        except NewsIndexError as exc:  # e.g. a reindex was running: the next poll retries
            logger.warning("feed poll skipped: %s", exc)
            continue
        except OSError as exc:
            logger.error("feed poll failed: %s", exc)
            continue
        if report.checked:
            logger.info("feeds polled: %s", report.summary())
