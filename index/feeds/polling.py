"""Polling the followed feeds: a conditional GET per feed (ETag / Last-Modified), feedparser
for RSS and Atom, each new entry's page fetched and extracted, all of them added in one
rebuild. Entries are known by canonical URL and by content hash, so a story seen under
another link is not added twice. A feed that keeps failing is tried less and less often."""

from __future__ import annotations

import asyncio
import calendar
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from index.feeds.store import Feed, FeedStore
from index.links.extraction import Extracted, extract_page
from index.links.fetching import FetchOptions, LinkRefused, fetch
from index.links.storing import Stored, add_many, article_name, canonical_url, content_hash
from index.service import NewsIndex

logger = logging.getLogger(__name__)

MAX_NEW_PER_FEED = 50  # entries fetched from one feed in one poll (a first poll of a busy feed)
MAX_BACKOFF_SECONDS = 24 * 3600

T = TypeVar("T")


class Offload(Protocol):
    """Where a poll's CPU work runs (parsing, extraction, the rebuild): the bot passes the
    low-priority thread uploads rebuild in, so that questions never wait for a poll."""

    def __call__(self, fn: Callable[..., T], /, *args: Any) -> Awaitable[T]: ...


async def _to_thread(fn: Callable[..., T], /, *args: Any) -> T:
    return await asyncio.to_thread(fn, *args)


@dataclass(slots=True)
class PollReport:
    checked: int = 0
    not_modified: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (feed, reason)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (entry, reason)
    duplicates: int = 0
    added: list[Stored] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.checked} feeds checked ({self.not_modified} unchanged)",
                 f"{len(self.added)} articles added"]
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicates skipped")
        if self.refused:
            parts.append(f"{len(self.refused)} entries not articles")
        if self.failed:
            parts.append(f"{len(self.failed)} feeds failed")
        return ", ".join(parts)


def parse_feed(body: bytes) -> tuple[str | None, list[tuple[str, str | None]]]:
    """The feed's title and its entries as (link, published ISO date or None); LinkRefused
    when the bytes are no feed."""
    import feedparser

    parsed: Any = feedparser.parse(body)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        raise LinkRefused("not an RSS or Atom feed")
    entries = []
    for entry in parsed.entries:
        link = str(entry.get("link") or "")
        if not link.lower().startswith(("http://", "https://")):
            continue  # (feedparser falls back on an entry's id, such as a urn:uuid:)
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        day = (datetime.fromtimestamp(calendar.timegm(stamp), UTC).date().isoformat()
               if stamp else None)
        entries.append((link, day))
    return parsed.feed.get("title"), entries


def backoff_seconds(failures: int, base_minutes: int) -> float:
    return float(min(max(base_minutes, 1) * 60 * 2 ** max(failures - 1, 0), MAX_BACKOFF_SECONDS))


_Validators = tuple[str | None, str | None]  # a feed's ETag and Last-Modified


@dataclass(frozen=True, slots=True)
class _Entry:
    extracted: Extracted
    feed: Feed
    key: str  # its canonical URL
    digest: str  # its content hash


async def poll_feeds(news: NewsIndex, store: FeedStore, options: FetchOptions,
                     base_minutes: int = 30, force: bool = False,
                     offload: Offload = _to_thread) -> PollReport:
    """Poll every feed that is due (every one, with `force`) and add what is new in one
    rebuild. The feed list is saved with each feed's new state whatever happens; a feed
    whose entries were not stored keeps its old validators, so they come again."""
    report = PollReport()
    feeds = store.load()
    now = time.time()
    known_urls = {canonical_url(a.url) for a in news.current.articles.values() if a.url}
    known_hashes = {h for f in feeds for h in f.hashes}
    for f in feeds:
        known_urls.update(f.seen)
    pending: list[_Entry] = []
    polled: dict[str, Feed] = {}
    validators: dict[str, _Validators] = {}
    stored = False
    try:
        for feed in feeds:
            if force or feed.retry_at <= now:
                polled[feed.url] = feed
                entries, fresh = await _poll_one(feed, options, report, known_urls,
                                                 known_hashes, now, base_minutes, offload)
                pending += entries
                if fresh is not None:
                    validators[feed.url] = fresh
        report.checked = len(polled)
        if pending:
            report.added = await offload(_add_entries, news, pending)
        stored = True
    finally:
        # A feed's new ETag / Last-Modified is kept only once its entries are in the index:
        # after a failed rebuild the next poll must not be answered 304 and lose them.
        waiting = set() if stored else {e.feed.url for e in pending}
        for url, (etag, last_modified) in validators.items():
            if url not in waiting:
                polled[url].etag, polled[url].last_modified = etag, last_modified
        _save_polled(store, polled)
    return report


async def _poll_one(feed: Feed, options: FetchOptions, report: PollReport,
                    known_urls: set[str], known_hashes: set[str], now: float,
                    base_minutes: int, offload: Offload
                    ) -> tuple[list[_Entry], _Validators | None]:
    """The new articles of one feed and its new validators (None after a 304 or a failure);
    its health and the entries it needs no more are updated on `feed`."""
    try:
        entries, fresh = await _read_feed(feed, options, report, offload)
    except LinkRefused as exc:
        feed.failures += 1
        feed.error = str(exc)
        feed.retry_at = now + backoff_seconds(feed.failures, base_minutes)
        report.failed.append((feed.url, str(exc)))
        logger.warning("feed %s failed (%d in a row): %s", feed.url, feed.failures, exc)
        return [], None
    feed.failures, feed.error, feed.retry_at = 0, None, 0.0
    feed.checked = datetime.now(UTC).isoformat(timespec="seconds")
    out: list[_Entry] = []
    for link, day in entries[:MAX_NEW_PER_FEED]:
        key = canonical_url(link)
        if key in known_urls:
            continue
        known_urls.add(key)
        try:
            extracted = await _article(link, options, offload)
        except LinkRefused as exc:
            report.refused.append((link, str(exc)))
            if exc.transient:  # tried again next poll, which must not be answered 304
                fresh = None
            else:  # (a page that is no article now is not tried every poll)
                feed.remember(key)
            continue
        digest = content_hash(extracted.text)
        if digest in known_hashes:
            feed.remember(key)
            report.duplicates += 1
            continue
        known_hashes.add(digest)
        if extracted.published is None and day is not None:
            extracted = replace(extracted, published=day)
        out.append(_Entry(extracted, feed, key, digest))
    return out, fresh


def _add_entries(news: NewsIndex, entries: list[_Entry]) -> list[Stored]:
    """Add the new articles in one rebuild, and only then mark them seen: after a failed
    rebuild the next poll tries them again."""
    stored, _ = add_many(news, [(e.extracted, e.feed.url) for e in entries])
    names = {s.name for s in stored}
    for entry in entries:
        entry.feed.remember(entry.key)
        if article_name(entry.extracted) in names:
            entry.feed.remember(digest=entry.digest)
            entry.feed.added += 1
    return stored


async def _read_feed(feed: Feed, options: FetchOptions, report: PollReport, offload: Offload
                     ) -> tuple[list[tuple[str, str | None]], _Validators | None]:
    page = await fetch(feed.url, options, feed.etag, feed.last_modified)
    if page.not_modified:
        report.not_modified += 1
        return [], None
    title, entries = await offload(parse_feed, page.body)
    feed.title = title or feed.title
    return entries, (page.etag, page.last_modified)


async def _article(link: str, options: FetchOptions, offload: Offload) -> Extracted:
    page = await fetch(link, options)
    return await offload(extract_page, page)


def _save_polled(store: FeedStore, polled: dict[str, Feed]) -> None:
    """Save the polled feeds' state into the list as it is now (a feed added or removed
    meanwhile, by the bot or the CLI, stays added or removed)."""
    fresh = store.load()
    store.save([polled.get(f.url, f) for f in fresh])
