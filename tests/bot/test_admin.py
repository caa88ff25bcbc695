"""Administrators: background /reindex with one progress message, /stats, `.txt` uploads with
confirmation before overwriting. Everyone else: a polite refusal, and nothing changes."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import pytest

from bot.jobs import PendingUpload
from index.errors import ReindexInProgress
from index.service import NewsIndex
from index.types import BuildReport, SkippedFile
from tests.bot.conftest import Harness, HarnessFactory
from tests.bot.fakes import (
    ADMIN_ID,
    USER_ID,
    callback_update,
    document_update,
    message_update,
)
from tests.bot.html_check import check_telegram_html

ARTICLE = """Новый мост через Волгу открыли в Казани

Новый автомобильный мост через Волгу открыли в Казани 5 мая 2025 года. Его длина составляет \
три километра, движение по нему будет круглосуточным.

Строительство моста заняло четыре года. По словам мэра, мост разгрузит центр города и сократит \
дорогу до аэропорта на двадцать минут.
""".encode()
EXISTING = "000_776e3a7b1538294f.txt"


@pytest.fixture
def admin(make_harness: HarnessFactory, writable_news: NewsIndex) -> Harness:
    return make_harness(news=writable_news)


def seeds_of(harness: Harness) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in Path(harness.services.news.seeds_dir).iterdir()}


# -- refusals ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["/reindex", "/stats"])
async def test_non_admin_commands_are_refused_politely(admin: Harness, text: str) -> None:
    generation = admin.services.news.current.generation
    await admin.feed(message_update(text, user_id=USER_ID))
    [reply] = admin.texts()
    assert reply == "Sorry, only the bot's administrators can do that."
    assert admin.services.news.current.generation == generation


async def test_non_admin_uploads_are_refused_and_nothing_is_downloaded(admin: Harness) -> None:
    before = seeds_of(admin)
    admin.session.telegram.files["f1"] = ARTICLE
    await admin.feed(document_update("bridge.txt", "f1", len(ARTICLE), user_id=USER_ID))
    assert "administrators" in admin.texts()[0]
    assert not admin.sent("getFile")
    assert seeds_of(admin) == before


async def test_non_admin_cannot_confirm_an_overwrite(admin: Harness) -> None:
    jobs = admin.services.jobs
    token = jobs.remember_upload(PendingUpload(ADMIN_ID, EXISTING, "f1"))
    await admin.feed(callback_update(f"upl:{token}:1", user_id=USER_ID))
    [answered] = admin.sent("answerCallbackQuery")
    assert "administrators" in answered["text"]
    assert jobs.uploads.get(token) is not None and not admin.sent("getFile")


# -- reindex ----------------------------------------------------------------------------------

async def test_admin_reindex_reports_in_one_edited_message(admin: Harness) -> None:
    before = admin.services.news.current.generation
    await admin.feed(message_update("/reindex", user_id=ADMIN_ID))
    [status] = admin.sent("sendMessage")
    assert status["text"] == "Reindexing the articles…"
    edits = admin.sent("editMessageText")
    assert edits and {e["message_id"] for e in edits} == {"5000"}  # the status message only
    check_telegram_html(edits[-1]["text"])
    assert edits[-1]["text"].startswith("<b>Reindex finished</b>")
    chunks = admin.services.news.current.size
    assert f"5 files, {chunks} passages" in edits[-1]["text"]
    assert admin.services.news.current.generation != before


class SlowReindex:
    """Stands in for NewsIndex.reindex: reports progress, and waits to be released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()

    def __call__(self, progress: object = None) -> BuildReport:
        self.started.set()
        for done in range(5):
            if callable(progress):
                progress(done, 4)
            time.sleep(0.05)
        assert self.release.wait(30)
        return BuildReport(indexed=["a.txt", "b.txt"], chunks=4, embedded=4, seconds=0.3,
                           skipped=[SkippedFile("photo.jpg", "not a .txt file")])


async def test_progress_is_edited_in_place_and_questions_go_on(
    admin: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowReindex()
    monkeypatch.setattr(admin.services.news, "reindex", slow)
    admin.services.jobs.edit_interval = 0.05
    await admin.feed(message_update("/reindex", user_id=ADMIN_ID), wait_jobs=False)
    await asyncio.to_thread(slow.started.wait, 10)
    await asyncio.sleep(0.4)

    # a second /reindex is told to wait; questions are answered meanwhile
    await admin.feed(message_update("/reindex", user_id=ADMIN_ID), wait_jobs=False)
    await admin.feed(message_update("When did Rubio and Lavrov meet in person?"),
                     wait_jobs=False)
    busy, answer = admin.texts()[1:]
    assert "already running" in busy
    assert ".txt</code>" in answer

    slow.release.set()
    await admin.services.jobs.wait()
    edits = [e["text"] for e in admin.sent("editMessageText")]
    *progress, summary = edits
    assert progress and all(p.startswith("Reindexing the articles… embedded ") for p in progress)
    assert "embedded 4 of 4 passages" in progress[-1]
    assert len(progress) == len(set(progress)) <= 5  # an unchanged text is not sent again
    edits = [summary]
    assert "Skipped 1 file:" in edits[-1] and "photo.jpg" in edits[-1]
    assert "not a .txt file" in edits[-1]


async def test_a_failed_reindex_says_why_and_keeps_serving(
    admin: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(progress: object = None) -> BuildReport:
        raise ReindexInProgress()

    def crash(progress: object = None) -> BuildReport:
        raise OSError("disk full")

    for failure, expected in ((refuse, "Reindex failed: A reindex is already running"),
                              (crash, "Reindex failed unexpectedly")):
        monkeypatch.setattr(admin.services.news, "reindex", failure)
        await admin.feed(message_update("/reindex", user_id=ADMIN_ID))
        assert admin.sent("editMessageText")[-1]["text"].startswith(expected)
    await admin.feed(message_update("When did Rubio and Lavrov meet in person?"))
    assert ".txt</code>" in admin.texts()[-1]


# -- uploads ----------------------------------------------------------------------------------

async def test_admin_upload_adds_the_article(admin: Harness) -> None:
    admin.session.telegram.files["f1"] = ARTICLE
    await admin.feed(document_update("bridge.txt", "f1", len(ARTICLE)))
    assert admin.sent("getFile") and admin.sent("sendChatAction")
    [reply] = admin.texts()
    assert reply.startswith("Added <code>bridge.txt</code>")
    assert "6 news articles" in reply
    assert seeds_of(admin)["bridge.txt"] == ARTICLE
    assert "bridge.txt" in admin.services.news.current.articles


async def test_existing_name_asks_before_replacing(admin: Harness) -> None:
    original = seeds_of(admin)[EXISTING]
    admin.session.telegram.files["f2"] = ARTICLE
    await admin.feed(document_update(EXISTING, "f2", len(ARTICLE)))
    [question] = admin.sent("sendMessage")
    assert "already in the corpus. Replace it?" in question["text"]
    replace, cancel = (b["callback_data"] for b in admin.buttons(question))
    assert seeds_of(admin)[EXISTING] == original

    await admin.feed(callback_update(cancel, user_id=ADMIN_ID))
    assert "Nothing changed" in admin.sent("editMessageText")[-1]["text"]
    assert seeds_of(admin)[EXISTING] == original

    await admin.feed(document_update(EXISTING, "f2", len(ARTICLE)))
    replace = admin.buttons(admin.sent("sendMessage")[-1])[0]["callback_data"]
    await admin.feed(callback_update(replace, user_id=ADMIN_ID))
    assert admin.sent("editMessageText")[-1]["text"].startswith("Replaced <code>")
    assert seeds_of(admin)[EXISTING] == ARTICLE

    await admin.feed(callback_update(replace, user_id=ADMIN_ID))  # pressed again: gone
    assert "expired" in admin.sent("answerCallbackQuery")[-1]["text"]


@pytest.mark.parametrize(("name", "data", "size", "expected"), [
    ("photo.jpg", b"\xff\xd8\xff", 3, "plain-text <code>.txt</code> files"),
    ("huge.txt", b"", 50_000_000, "too large"),
    ("binary.txt", b"\x00\x01\x02" * 100, 300, "Not added: binary file"),
    ("empty.txt", b"   ", 3, "Not added: empty file"),
    ("../../etc/evil.txt", ARTICLE, len(ARTICLE), "Not added: unsafe file name"),
])
async def test_bad_uploads_are_refused_with_the_reason(admin: Harness, name: str, data: bytes,
                                                       size: int, expected: str) -> None:
    before = seeds_of(admin)
    admin.session.telegram.files["bad"] = data
    await admin.feed(document_update(name, "bad", size))
    [reply] = admin.texts()
    assert expected in reply
    check_telegram_html(reply)
    assert seeds_of(admin) == before
    if size > 2_000_000 or not name.endswith(".txt"):
        assert not admin.sent("getFile")  # refused before downloading anything


# -- stats ------------------------------------------------------------------------------------

async def test_stats_counts_questions_and_times(admin: Harness) -> None:
    await admin.feed(message_update("When did Rubio and Lavrov meet in person?"))
    await admin.feed(message_update("Who won the football world cup in 1998?"))
    await admin.feed(message_update("/stats", user_id=ADMIN_ID, language_code="ru"))
    stats = admin.texts()[-1]
    check_telegram_html(stats)
    assert "Статей: 5" in stats
    assert f"Фрагментов: {admin.services.news.current.size}" in stats
    assert "Вопросов: 2 (с результатами: 1)" in stats
    assert "Медианное время ответа: " in stats and " ms" in stats
    assert "Время работы: 0:00:0" in stats
    assert json.dumps(admin.services.news.current.generation)[1:-1] in stats
