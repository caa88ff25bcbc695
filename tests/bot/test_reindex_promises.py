"""/reindex while a rebuild runs: every chat told "I will post the summary" gets it; a full
disk is named as such; the progress message says which phase it is counting."""

from __future__ import annotations

import asyncio
import errno
import threading
import time

import pytest

from index.errors import ReindexInProgress
from index.service import NewsIndex
from index.types import BuildReport
from tests.bot.conftest import Harness, HarnessFactory
from tests.bot.fakes import ADMIN_ID, message_update

SECOND_ADMIN = 43


@pytest.fixture
def admins(make_harness: HarnessFactory, writable_news: NewsIndex) -> Harness:
    return make_harness(news=writable_news, admin_ids=[ADMIN_ID, SECOND_ADMIN])


class PhasedReindex:
    """Counts 4 passages, then 3 sentences, then waits to be released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.calls = 0

    def __call__(self, progress: object = None) -> BuildReport:
        self.calls += 1
        self.started.set()
        for done, total in ((0, 4), (4, 4), (2, 3), (3, 3)):
            if callable(progress):
                progress(done, total)
            time.sleep(0.15)
        assert self.release.wait(30)
        return BuildReport(indexed=["a.txt", "b.txt"], chunks=4, embedded=4, seconds=0.3)


async def test_two_admins_both_get_the_summary(admins: Harness,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    slow = PhasedReindex()
    monkeypatch.setattr(admins.services.news, "reindex", slow)
    admins.services.jobs.edit_interval = 0.05
    await admins.feed(message_update("/reindex", user_id=ADMIN_ID), wait_jobs=False)
    await asyncio.to_thread(slow.started.wait, 10)
    await admins.feed(message_update("/reindex", user_id=SECOND_ADMIN, language_code="ru"),
                      wait_jobs=False)
    assert "уже идёт" in admins.texts(SECOND_ADMIN)[-1]
    await asyncio.sleep(0.8)
    slow.release.set()
    await admins.services.jobs.wait()

    assert slow.calls == 1
    assert admins.sent("editMessageText")[-1]["text"].startswith("<b>Reindex finished</b>")
    assert admins.texts(SECOND_ADMIN)[-1].startswith("<b>Переиндексация завершена</b>")
    # the two phases have words of their own
    edits = [e["text"] for e in admins.sent("editMessageText")]
    assert any("embedded 4 of 4 passages" in e for e in edits), edits
    assert any("sentences embedded: 2 of 3" in e for e in edits), edits


async def test_a_promise_made_during_an_uploads_rebuild_is_kept(
        admins: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    news = admins.services.news
    calls: list[int] = []

    def quick(progress: object = None) -> BuildReport:
        calls.append(1)
        return BuildReport(indexed=["a.txt"], chunks=2, embedded=0, seconds=0.1)

    monkeypatch.setattr(news, "reindex", quick)
    admins.services.jobs.edit_interval = 0.05
    news._take_rebuild_lock(ReindexInProgress())  # an upload is rebuilding the index
    try:
        for admin in (ADMIN_ID, SECOND_ADMIN):
            await admins.feed(message_update("/reindex", user_id=admin), wait_jobs=False)
            assert "already running" in admins.texts(admin)[-1]
        await asyncio.sleep(0.2)
    finally:
        news._release_rebuild_lock()
    await admins.services.jobs.wait()

    assert len(calls) == 1  # one reindex for both, after the upload's rebuild
    for admin in (ADMIN_ID, SECOND_ADMIN):
        finished = [m for m in admins.texts(admin) + [e["text"] for e in admins.sent(
            "editMessageText") if int(e["chat_id"]) == admin] if "Reindex finished" in m]
        assert finished, admin


async def test_a_full_disk_is_named(admins: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(progress: object = None) -> BuildReport:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(admins.services.news, "reindex", full)
    await admins.feed(message_update("/reindex", user_id=ADMIN_ID))
    text = admins.sent("editMessageText")[-1]["text"]
    assert text.startswith("Reindex failed: the disk is full"), text
