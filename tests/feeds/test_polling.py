"""Following feeds against the local test site: new entries added in one rebuild, seen ones
skipped, a 304 costing nothing, the same story under two links added once, a failing feed
backing off, and the feed list surviving a restart (the store and the command line)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings
from index.errors import ReindexInProgress
from index.feeds.polling import backoff_seconds, parse_feed, poll_feeds
from index.feeds.store import Feed, FeedStore
from index.links.fetching import FetchOptions
from index.links.storing import canonical_url
from index.service import NewsIndex
from tests.links.server import FEEDS, Site

LOCAL = FetchOptions(timeout=5.0, allow_private=True)


def test_trafilaturas_sample_feeds_parse() -> None:
    title, entries = parse_feed((FEEDS / "feed1.atom").read_bytes())
    assert title == "Example Feed"
    assert entries == [("http://example.org/2003/12/13/atom03", "2003-12-13")]
    title, entries = parse_feed((FEEDS / "feed2.rss").read_bytes())
    assert title == "RSS Title"
    assert entries == [("http://www.example.com/blog/post/1", "2009-09-06")]


def counting_rebuilds(news: NewsIndex, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = news.reindex

    def reindex(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real()

    monkeypatch.setattr(news, "reindex", reindex)
    return calls


async def test_two_new_entries_are_added_in_one_rebuild_and_a_seen_one_skipped(
        site: Site, writable_news: NewsIndex, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = FeedStore(tmp_path / "state")
    feed_url = site.url("/feed.rss")
    store.save([Feed(feed_url, seen=[canonical_url(site.url("/russian"))])])
    rebuilds = counting_rebuilds(writable_news, monkeypatch)
    russian_hits = site.hits.get("/russian", 0)

    report = await poll_feeds(writable_news, store, LOCAL)
    assert report.checked == 1 and not report.failed
    assert sorted(s.name.split("_")[0] for s in report.added) == ["dw.com", "reuters.com"]
    assert rebuilds == [1]  # one rebuild for both
    assert site.hits.get("/russian", 0) == russian_hits  # the seen entry is not fetched
    titles = {a.title for a in writable_news.articles()}
    assert "'Parasite' scores historic upset at SAG awards, boosting Oscar chances" in titles

    [feed] = store.load()
    assert feed.title == "Local news" and feed.etag == '"v1"' and feed.added == 2
    assert feed.checked is not None and feed.failures == 0
    assert len(feed.hashes) == 2

    # unchanged since: the server answers 304, nothing is fetched or rebuilt
    generation = writable_news.current.generation
    again = await poll_feeds(writable_news, store, LOCAL)
    assert again.not_modified == 1 and not again.added and rebuilds == [1]
    assert writable_news.current.generation == generation


async def test_one_story_under_two_links_is_added_once(
        site: Site, writable_news: NewsIndex, tmp_path: Path) -> None:
    store = FeedStore(tmp_path)
    store.add(site.url("/dups.rss"))
    report = await poll_feeds(writable_news, store, LOCAL)
    assert len(report.added) == 1 and report.duplicates == 1


async def test_a_failing_feed_backs_off_and_says_so(
        site: Site, writable_news: NewsIndex, tmp_path: Path) -> None:
    store = FeedStore(tmp_path)
    store.add(site.url("/missing"))
    generation = writable_news.current.generation
    report = await poll_feeds(writable_news, store, LOCAL, base_minutes=30)
    assert report.failed and "404" in report.failed[0][1]
    [feed] = store.load()
    assert feed.failures == 1 and "404" in (feed.error or "")
    assert feed.retry_at > time.time() + 29 * 60

    skipped = await poll_feeds(writable_news, store, LOCAL)  # not due yet
    assert skipped.checked == 0
    await poll_feeds(writable_news, store, LOCAL, force=True)
    assert store.load()[0].failures == 2
    assert backoff_seconds(2, 30) == 2 * backoff_seconds(1, 30)
    assert backoff_seconds(20, 30) == 24 * 3600
    assert writable_news.current.generation == generation  # nothing was rebuilt


def test_the_feed_list_survives_a_restart_and_the_command_line_manages_it(
        site: Site, writable_news: NewsIndex, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(_env_file=None, seeds_dir=writable_news.seeds_dir,
                        index_dir=writable_news.index_dir, allow_private_urls=True)
    feed_url = site.url("/dups.rss")
    assert main(["feeds", "add", feed_url], settings) == 0
    assert capsys.readouterr().out.strip() == f"following {feed_url}"
    assert main(["feeds", "add", feed_url], settings) == 0
    assert "already followed" in capsys.readouterr().out

    # a new process: the list is read back from INDEX_DIR
    restarted = Settings(_env_file=None, seeds_dir=writable_news.seeds_dir,
                         index_dir=writable_news.index_dir, allow_private_urls=True)
    assert main(["feeds", "list"], restarted) == 0
    listed = capsys.readouterr().out
    assert listed.startswith(f"{feed_url}\t") and "not checked yet" in listed

    assert main(["feeds", "poll"], restarted) == 0
    polled = capsys.readouterr().out
    assert "1 feeds checked" in polled and "1 articles added" in polled
    assert main(["feeds", "list"], restarted) == 0
    assert "Local news\tok, checked" in capsys.readouterr().out

    assert main(["feeds", "remove", feed_url], restarted) == 0
    assert FeedStore(writable_news.index_dir).load() == []
    assert main(["feeds", "remove", feed_url], restarted) == 1


async def test_a_failed_rebuild_keeps_the_entries_for_the_next_poll(
        site: Site, writable_news: NewsIndex, tmp_path: Path) -> None:
    store = FeedStore(tmp_path)
    store.add(site.url("/feed.rss"))
    writable_news._take_rebuild_lock(ReindexInProgress())  # an upload is rebuilding the index
    try:
        with pytest.raises(ReindexInProgress):
            await poll_feeds(writable_news, store, LOCAL)
    finally:
        writable_news._release_rebuild_lock()
    [feed] = store.load()
    # the feed was read, but its validators are not kept: a 304 next time would lose the entries
    assert feed.checked is not None and feed.etag is None and feed.last_modified is None
    assert feed.added == 0 and not feed.seen
    assert not any(p.name.startswith(("dw.com", "reuters.com"))
                   for p in writable_news.seeds_dir.iterdir())

    report = await poll_feeds(writable_news, store, LOCAL)
    assert report.not_modified == 0 and len(report.added) == 3
    [feed] = store.load()
    assert feed.etag == '"v1"' and feed.added == 3
    assert (await poll_feeds(writable_news, store, LOCAL)).not_modified == 1


async def test_an_entry_whose_site_is_down_is_tried_again_and_a_gone_one_is_not(
        site: Site, writable_news: NewsIndex, tmp_path: Path) -> None:
    store = FeedStore(tmp_path)
    store.add(site.url("/flaky.rss"))
    hits = {path: site.hits.get(path, 0) for path in ("/error", "/missing")}
    report = await poll_feeds(writable_news, store, LOCAL)
    assert [s.name.split("_")[0] for s in report.added] == ["dw.com"]
    assert sorted(reason.split(" for ")[0] for _, reason in report.refused) == [
        "the site answered 404 Not Found", "the site answered 503 Service Unavailable"]
    [feed] = store.load()
    assert canonical_url(site.url("/missing")) in feed.seen  # gone: not asked again
    assert canonical_url(site.url("/error")) not in feed.seen  # down: asked next time ...
    assert feed.etag is None  # ... so the feed is not asked "changed since?"

    again = await poll_feeds(writable_news, store, LOCAL)
    assert again.not_modified == 0 and not again.added
    assert site.hits["/error"] == hits["/error"] + 2
    assert site.hits["/missing"] == hits["/missing"] + 1
