"""The command line's corpus commands: `add URL|PATH`, `remove NAME` and `feeds add|list|
remove|poll`. Each prints one line per result; errors go to stderr with a non-zero status."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.settings import Settings
from index.feeds.polling import poll_feeds
from index.feeds.store import FeedStore
from index.links.adding import add_path, fetch_article
from index.links.fetching import check_url
from index.links.storing import add_extracted, remove_article
from index.service import NewsIndex


def add(news: NewsIndex, settings: Settings, target: str) -> int:
    path = Path(target)
    if "://" not in target and path.exists():
        stored = add_path(news, path, settings.max_file_bytes)
    else:
        extracted = asyncio.run(fetch_article(target, settings.fetch_options()))
        stored = add_extracted(news, extracted)
    verb = "replaced" if stored.replaced else "added"
    print(f"{verb} {stored.name}: «{stored.title}», {stored.words} words; the index has "
          f"{len(news.current.articles)} articles")
    return 0


def remove(news: NewsIndex, name: str) -> int:
    report = remove_article(news, name)
    print(f"removed {name}; the index has {len(report.indexed)} articles")
    return 0


def feeds(news: NewsIndex, settings: Settings, action: str, url: str | None) -> int:
    store = FeedStore(settings.index_dir)
    if action == "list":
        for feed in store.load():
            state = ("not checked yet" if feed.checked is None and not feed.failures else
                     f"failing ({feed.failures}x): {feed.error}" if feed.failures else
                     f"ok, checked {feed.checked}")
            print("\t".join([feed.url, feed.title or "", state, f"{feed.added} added"]))
        return 0
    if action == "poll":
        report = asyncio.run(poll_feeds(news, store, settings.fetch_options(),
                                        settings.feed_poll_minutes, force=True))
        for feed_url, reason in report.failed:
            print(f"feed {feed_url} failed: {reason}", file=sys.stderr)
        print(report.summary())
        return 0
    if url is None:
        print(f"Error: feeds {action} needs a URL", file=sys.stderr)
        return 2
    url = check_url(url)
    if action == "add":
        print(f"following {url}" if store.add(url) else f"{url} is already followed")
        return 0
    if store.remove(url):
        print(f"no longer following {url}")
        return 0
    print(f"Error: {url} is not followed", file=sys.stderr)
    return 1
