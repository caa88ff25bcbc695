"""The followed feeds as /feeds shows them: each feed's link and title, and its health."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.render.markup import link, shorten
from bot.texts import t
from index.feeds.store import Feed
from index.types import Lang


def feeds_html(feeds: Sequence[Feed], lang: Lang) -> str:
    if not feeds:
        return t(lang, "feeds_none")
    lines = [t(lang, "feeds_header")]
    for i, feed in enumerate(feeds, 1):
        title = shorten(feed.title or feed.url, 80)
        lines.append(f"{i}. {link(feed.url, title)}\n   {_state(feed, lang)}")
    return "\n".join(lines)


def _state(feed: Feed, lang: Lang) -> str:
    if feed.failures:
        retry = datetime.fromtimestamp(max(feed.retry_at, time.time()), UTC)
        return t(lang, "feed_failing", failures=feed.failures, error=feed.error or "",
                 retry=retry.strftime("%Y-%m-%d %H:%M UTC"))
    if feed.checked is None:
        return t(lang, "feed_new")
    checked = feed.checked.replace("T", " ")[:16] + " UTC"
    return t(lang, "feed_ok", checked=checked)
