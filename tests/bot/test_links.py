"""Administrators add articles by link through the real Dispatcher (`/add URL`, a bare link in
a private chat, a saved `.html` page), served by the local test site; the reply is one status
message edited as the work goes on. Others are refused, and nothing changes on disk."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.service import NewsIndex
from tests.bot.conftest import Harness, HarnessFactory
from tests.bot.fakes import ADMIN_ID, USER_ID, document_update, message_update
from tests.bot.html_check import check_telegram_html
from tests.links.server import RUSSIAN, Site, serve


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with serve() as running:
        yield running


@pytest.fixture
def admin(make_harness: HarnessFactory, writable_news: NewsIndex) -> Harness:
    return make_harness(news=writable_news, allow_private_urls=True, fetch_timeout_seconds=2.0)


def seeds_of(harness: Harness) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in Path(harness.services.news.seeds_dir).iterdir()}


def statuses(harness: Harness) -> list[str]:
    return ([p["text"] for p in harness.sent("sendMessage")]
            + [p["text"] for p in harness.sent("editMessageText")])


async def test_an_admin_adds_a_link_and_the_bot_answers_from_it(admin: Harness,
                                                               site: Site) -> None:
    await admin.feed(message_update(f"/add {site.url('/reuters')}", user_id=ADMIN_ID))
    fetching, extracted, indexed = statuses(admin)
    assert fetching == f"Fetching {site.url('/reuters')}…"
    assert extracted.startswith("Extracted «&#x27;Parasite&#x27; scores historic upset")
    assert "words. Indexing…" in extracted
    assert indexed.startswith("Indexed «&#x27;Parasite&#x27;") and "reuters.com_" in indexed
    for text in (fetching, extracted, indexed):
        check_telegram_html(text)
    name = next(n for n in seeds_of(admin) if n.startswith("reuters.com_") and n.endswith(".txt"))
    assert name in admin.services.news.current.articles

    await admin.feed(message_update("Who won at the SAG awards?", user_id=ADMIN_ID))
    answer = admin.texts()[-1]
    assert "Parasite" in answer and "Reuters" in answer


async def test_a_bare_link_in_a_private_chat_is_added(admin: Harness, site: Site) -> None:
    await admin.feed(message_update(site.url("/russian"), user_id=ADMIN_ID, language_code="ru"))
    *_, indexed = statuses(admin)
    assert indexed.startswith("Проиндексировано: «В Казани открыли новый мост через Волгу»")


async def test_a_saved_html_page_is_added_like_a_txt(admin: Harness) -> None:
    admin.session.telegram.files["h1"] = RUSSIAN
    await admin.feed(document_update("kazan.html", "h1", len(RUSSIAN)))
    *_, indexed = statuses(admin)
    assert "«В Казани открыли новый мост через Волгу»" in indexed


@pytest.mark.parametrize(("path", "reason"), [
    ("/missing", "the site answered 404"),
    ("/binary", "not a web page"),
    ("/slow", "did not answer within 2 s"),
])
async def test_a_link_that_is_no_article_says_why_and_writes_nothing(
        admin: Harness, site: Site, path: str, reason: str) -> None:
    before = seeds_of(admin)
    await admin.feed(message_update(f"/add {site.url(path)}", user_id=ADMIN_ID))
    *_, last = statuses(admin)
    assert last.startswith("Not added: ") and reason in last and "Nothing changed." in last
    assert seeds_of(admin) == before


async def test_a_private_address_is_refused_without_the_setting(
        make_harness: HarnessFactory, writable_news: NewsIndex, site: Site) -> None:
    harness = make_harness(news=writable_news)
    before = seeds_of(harness)
    await harness.feed(message_update(f"/add {site.url('/reuters')}", user_id=ADMIN_ID))
    assert "private or local address" in statuses(harness)[-1]
    assert seeds_of(harness) == before


async def test_a_non_admin_cannot_add_and_nothing_changes(admin: Harness, site: Site) -> None:
    before, hits = seeds_of(admin), dict(site.hits)
    await admin.feed(message_update(f"/add {site.url('/dw')}", user_id=USER_ID))
    admin.session.telegram.files["h2"] = RUSSIAN
    await admin.feed(document_update("kazan.html", "h2", len(RUSSIAN), user_id=USER_ID))
    assert admin.texts() == ["Sorry, only the bot's administrators can do that."] * 2
    assert seeds_of(admin) == before and site.hits == hits and not admin.sent("getFile")


async def test_add_without_a_link_explains(admin: Harness) -> None:
    await admin.feed(message_update("/add", user_id=ADMIN_ID))
    assert "/add https://example.org/news/1" in admin.texts()[0]


async def test_an_added_links_citation_shows_title_outlet_date_and_link(admin: Harness,
                                                                       site: Site) -> None:
    await admin.feed(message_update(f"/add {site.url('/reuters')}", user_id=ADMIN_ID))
    await admin.feed(message_update("Who won at the SAG awards?", user_id=ADMIN_ID))
    answer = admin.texts()[-1]
    check_telegram_html(answer)
    # the page's own metadata, kept beside the article, is what the reader sees cited
    [sidecar] = [n for n in seeds_of(admin) if n.startswith("reuters.com_")
                 and n.endswith(".meta.json")]
    meta = json.loads(seeds_of(admin)[sidecar])
    assert meta["published"] == "2020-01-20" and meta["outlet"] == "Reuters"
    assert ('Source: <a href="https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH">'
            "&#x27;Parasite&#x27; scores historic upset at SAG awards, boosting Oscar chances"
            "</a> — Reuters, 20 January 2020\n") in answer
    assert f"<code>{sidecar.removesuffix('.meta.json')}.txt</code>" in answer
