"""Administrators under faults: two /reindex at once, an upload the corpus folder cannot take
(read-only, full), and a download whose size Telegram did not declare."""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import subprocess
import threading
from collections.abc import AsyncGenerator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import TelegramMethod

from index.service import NewsIndex
from index.types import BuildReport
from tests.bot.conftest import Harness, HarnessFactory
from tests.bot.fakes import ADMIN_ID, message_update
from tests.bot.html_check import check_telegram_html
from tests.bot.test_admin import SlowReindex


@pytest.fixture
def admin(make_harness: HarnessFactory, writable_news: NewsIndex) -> Harness:
    return make_harness(news=writable_news)


def slow_telegram(harness: Harness, monkeypatch: pytest.MonkeyPatch,
                  seconds: float = 0.05) -> None:
    """Telegram takes a moment to answer each call, as it does: handlers that await a reply
    give the event loop to the next update meanwhile."""
    session = harness.session
    make_request = session.make_request

    async def delayed(bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        await asyncio.sleep(seconds)
        return await make_request(bot, method, timeout)

    monkeypatch.setattr(session, "make_request", delayed)


class CountedReindex(SlowReindex):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, progress: object = None) -> BuildReport:
        with self._lock:
            self.calls += 1
        return super().__call__(progress)


async def test_two_reindex_commands_at_once_start_one_rebuild(
    admin: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = CountedReindex()
    monkeypatch.setattr(admin.services.news, "reindex", slow)
    admin.services.jobs.edit_interval = 0.05
    slow_telegram(admin, monkeypatch)
    await asyncio.gather(admin.feed(message_update("/reindex", user_id=ADMIN_ID), wait_jobs=False),
                         admin.feed(message_update("/reindex", user_id=ADMIN_ID), wait_jobs=False))
    await asyncio.to_thread(slow.started.wait, 10)
    await asyncio.sleep(0.4)  # it has counted its passages by now
    await admin.feed(message_update("/reindex", user_id=ADMIN_ID, language_code="ru"),
                     wait_jobs=False)
    slow.release.set()
    await admin.services.jobs.wait()

    assert slow.calls == 1
    texts = admin.texts()
    assert texts.count("Reindexing the articles…") == 1
    busy = [t for t in texts if "already running" in t or "уже идёт" in t]
    assert len(busy) == 2, texts
    # the one asked while it was embedding says how far it has got
    assert busy[-1].startswith("Переиндексация уже идёт (обработано 4 из 4 фрагментов)")
    assert not [e for e in admin.sent("editMessageText") if "failed" in e["text"]]
    assert admin.sent("editMessageText")[-1]["text"].startswith("<b>Reindex finished</b>")


# -- uploads the corpus folder cannot take ------------------------------------------------------

ARTICLE = ("Мост через Неман\n"
           "В Гродно открыли новый автомобильный мост через Неман длиной 420 метров.\n").encode()


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """`folder` cannot be written into, even by root (the tests may run as root, who ignores
    permission bits): the immutable attribute there, the permission bits otherwise."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(
                ["chattr", "+i", str(folder)], capture_output=True, check=False).returncode:
            pytest.skip("cannot make a folder read-only for root here (no chattr +i)")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(mode)


@contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """No file of this process may grow past `limit` bytes: writes fail with EFBIG, as on a
    disk that filled up (Python ignores the SIGXFSZ that would otherwise kill it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def upload_update(name: str, file_id: str, size: int | None, lang: str = "en"
                  ) -> dict[str, Any]:
    """An admin's document; `size` None: Telegram did not say how large it is."""
    document: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u{file_id}",
                                "file_name": name, "mime_type": "text/plain"}
    if size is not None:
        document["file_size"] = size
    return message_update(None, user_id=ADMIN_ID, document=document, language_code=lang)


def _corpus(news: NewsIndex) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in news.seeds_dir.iterdir()}


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_an_upload_into_a_read_only_corpus_says_so(admin: Harness, lang: str) -> None:
    news = admin.services.news
    before, generation = _corpus(news), news.current.generation
    admin.session.telegram.files["f1"] = ARTICLE
    with read_only(news.seeds_dir):
        await admin.feed(upload_update("bridge.txt", "f1", len(ARTICLE), lang))
    [reply] = admin.texts()
    check_telegram_html(reply)
    if lang == "en":
        assert reply.startswith("Not added: permission denied")
        assert "SEEDS_DIR" in reply and "try again" not in reply
    else:
        assert reply.startswith("Не добавлено: нет прав на запись в папку со статьями")
    assert _corpus(news) == before and news.current.generation == generation


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_an_upload_onto_a_full_disk_says_so(admin: Harness, lang: str) -> None:
    news = admin.services.news
    before, generation = _corpus(news), news.current.generation
    admin.session.telegram.files["f1"] = ARTICLE
    # the article fits, the index generation written after it does not
    with file_size_limit(16_000):
        await admin.feed(upload_update("bridge.txt", "f1", len(ARTICLE), lang))
    [reply] = admin.texts()
    check_telegram_html(reply)
    if lang == "en":
        assert reply.startswith("Not added: the disk is full")
        assert "Nothing changed" in reply and "Sorry" not in reply
    else:
        assert reply.startswith("Не добавлено: диск заполнен")
    assert _corpus(news) == before and news.current.generation == generation
    await admin.feed(message_update("When did Rubio and Lavrov meet in person?"))
    assert ".txt</code>" in admin.texts()[-1]  # the old index still answers


# -- a download with no declared size --------------------------------------------------------

async def test_an_undeclared_size_is_read_with_a_cap(admin: Harness,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    limit = admin.services.settings.max_file_bytes
    telegram, session = admin.session.telegram, admin.session
    result = telegram.result

    def no_size(method: str, params: Any) -> Any:
        found = result(method, params)
        if method == "getFile":
            found.pop("file_size", None)  # Telegram may leave it out
        return found

    pulled = 0
    chunk = b"\xd0\x9c\xd0\xbe\xd1\x81\xd1\x82 " * 6_500  # 65,000 bytes of «Мост »

    async def endless(*args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        nonlocal pulled
        for _ in range(200):  # 13 MB, if anybody read it all
            pulled += len(chunk)
            yield chunk

    monkeypatch.setattr(telegram, "result", no_size)
    monkeypatch.setattr(session, "stream_content", endless)
    before = _corpus(admin.services.news)
    await admin.feed(upload_update("big.txt", "f9", None))
    [reply] = admin.texts()
    assert reply == f"That file is too large (over the limit of {limit:,} bytes)."
    assert pulled <= limit + len(chunk)  # it stopped at the limit
    assert _corpus(admin.services.news) == before


# -- uploads in other encodings ---------------------------------------------------------------

FRENCH = ("Les ministres se sont réunis à Genève\n\n"
          "Les ministres des Affaires étrangères se sont réunis mardi à Genève. La réunion a "
          "duré deux heures, a déclaré le porte-parole du ministère après la rencontre.\n")


@pytest.mark.parametrize(("name", "data", "title"), [
    ("geneve.txt", FRENCH.encode("latin-1"), "Les ministres se sont réunis à Genève"),
    ("kazan.txt", ("\ufeff" + ARTICLE.decode()).encode("utf-16-le"), "Мост через Неман"),
], ids=["latin-1", "utf-16"])
async def test_latin1_and_utf16_uploads_are_added_as_written(admin: Harness, name: str,
                                                             data: bytes, title: str) -> None:
    admin.session.telegram.files["f1"] = data
    await admin.feed(upload_update(name, "f1", len(data)))
    [reply] = admin.texts()
    assert reply.startswith(f"Added <code>{name}</code> ({title})"), reply
    assert admin.services.news.current.articles[name].title == title
