"""Admins manage the corpus in the chat: /sources in pages, and /remove NAME with a
confirmation button. Anyone else is refused, and nothing changes on disk."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.handlers.corpus import RemoveChoice, SourcesPage, name_key
from index.service import NewsIndex
from tests.bot.conftest import Harness, HarnessFactory
from tests.bot.fakes import ADMIN_ID, USER_ID, callback_update, message_update
from tests.bot.html_check import check_telegram_html


@pytest.fixture
def admin(make_harness: HarnessFactory, writable_news: NewsIndex) -> Harness:
    return make_harness(news=writable_news)


def seeds_of(harness: Harness) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in Path(harness.services.news.seeds_dir).iterdir()}


async def test_sources_come_in_pages(admin: Harness) -> None:
    news = admin.services.news
    for path in sorted(news.seeds_dir.glob("*.txt")):
        for copy in (1, 2):  # the same texts again: their vectors are reused
            shutil.copy(path, path.with_name(f"copy{copy}_{path.name}"))
    news.reindex()
    total = len(news.articles())
    assert total == 15

    await admin.feed(message_update("/sources", user_id=USER_ID))
    [sent] = admin.sent("sendMessage")
    check_telegram_html(sent["text"])
    assert "Articles 1–10 of 15" in sent["text"] and "10. " in sent["text"]
    [forward] = admin.buttons(sent)
    assert forward["callback_data"] == SourcesPage(page=1, lang="en").pack()

    await admin.feed(callback_update(forward["callback_data"], user_id=USER_ID))
    [edited] = admin.sent("editMessageText")
    assert "Articles 11–15 of 15" in edited["text"] and "11. " in edited["text"]
    [back] = admin.buttons(edited)
    assert back["callback_data"] == SourcesPage(page=0, lang="en").pack()


async def test_sources_show_the_author_a_page_named(admin: Harness) -> None:
    news = admin.services.news
    (news.seeds_dir / "sag.txt").write_text(
        "'Parasite' wins at the SAG awards\n\nSouth Korean thriller Parasite was the upset "
        "winner at the Screen Actors Guild awards on Sunday.\n", encoding="utf-8")
    (news.seeds_dir / "sag.meta.json").write_text(json.dumps({
        "url": "https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH",
        "title": "'Parasite' scores historic upset at SAG awards", "outlet": "Reuters",
        "author": "Jill Serjeant", "published": "2020-01-20"}), encoding="utf-8")
    news.reindex()
    await admin.feed(message_update("/sources", user_id=USER_ID))
    [sent] = admin.sent("sendMessage")
    check_telegram_html(sent["text"])
    assert ("&#x27;Parasite&#x27; scores historic upset at SAG awards</a> (Reuters, "
            "Jill Serjeant, 20 January 2020) — <code>sag.txt</code>") in sent["text"]
    # the seed articles have no metadata file: no author, as before
    assert sent["text"].count("Jill Serjeant") == 1


async def test_an_admin_removes_an_article_after_confirming(admin: Harness) -> None:
    news = admin.services.news
    name = news.articles()[0].source
    await admin.feed(message_update(f"/remove {name}", user_id=ADMIN_ID))
    [asked] = admin.sent("sendMessage")
    assert asked["text"].startswith(f"Remove <code>{name}</code>")
    remove, cancel = admin.buttons(asked)
    assert remove["text"] == "Remove" and cancel["text"] == "Cancel"

    await admin.feed(callback_update(cancel["callback_data"], user_id=ADMIN_ID))
    assert name in seeds_of(admin)
    await admin.feed(callback_update(remove["callback_data"], user_id=ADMIN_ID))
    *_, done = admin.sent("editMessageText")
    assert done["text"].startswith(f"Removed <code>{name}</code>")
    assert name not in seeds_of(admin) and name not in news.current.articles


async def test_a_non_admin_cannot_remove_and_nothing_changes(admin: Harness) -> None:
    news = admin.services.news
    name = news.articles()[0].source
    before, generation = seeds_of(admin), news.current.generation
    await admin.feed(message_update(f"/remove {name}", user_id=USER_ID))
    assert admin.texts() == ["Sorry, only the bot's administrators can do that."]
    await admin.feed(callback_update(RemoveChoice(key=name_key(name), remove=True).pack(),
                                     user_id=USER_ID))
    [answered] = admin.sent("answerCallbackQuery")
    assert "administrators" in answered["text"]
    assert seeds_of(admin) == before and news.current.generation == generation


async def test_removing_an_unknown_article_says_so(admin: Harness) -> None:
    await admin.feed(message_update("/remove nothing.txt", user_id=ADMIN_ID))
    assert admin.texts()[0].startswith("Not removed: there is no article")
