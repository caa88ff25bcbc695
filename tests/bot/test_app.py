"""Start-up: the index is brought up to date with SEEDS_DIR, a refused token ends with a clear
message, and webhook mode checks Telegram's secret-token header."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web

from bot import app
from bot.app import build_services, corpus_changed, create_bot, create_dispatcher, prepare_index
from index.service import NewsIndex
from tests.bot.conftest import make_settings
from tests.bot.fakes import RecordingSession, message_update
from tests.stand_in_api import free_port


def test_an_unchanged_corpus_is_not_reindexed(writable_news: NewsIndex) -> None:
    assert not corpus_changed(writable_news)
    (writable_news.seeds_dir / ".DS_Store").write_bytes(b"\x00")  # hidden files are ignored
    assert not corpus_changed(writable_news)


def test_a_skipped_file_with_an_unusable_name_is_not_a_change(writable_news: NewsIndex) -> None:
    # recorded by its escaped name: the bot must not take it for new at every start
    (writable_news.seeds_dir / "teaser\u200b.txt").write_text("Новость.", encoding="utf-8")
    assert corpus_changed(writable_news)
    writable_news.reindex()
    assert [s.name for s in writable_news.current.skipped] == ["teaser\\u200b.txt"]
    assert not corpus_changed(writable_news)


@pytest.mark.parametrize("change", ["edit", "add", "remove"])
def test_any_change_to_the_corpus_is_noticed(writable_news: NewsIndex, change: str) -> None:
    first = sorted(writable_news.seeds_dir.glob("*.txt"))[0]
    if change == "edit":
        first.write_bytes(first.read_bytes() + b"\nP.S.")
    elif change == "add":
        (writable_news.seeds_dir / "new.txt").write_text("Новость дня.", encoding="utf-8")
    else:
        first.unlink()
    assert corpus_changed(writable_news)


async def test_start_up_reindexes_a_changed_corpus(writable_news: NewsIndex) -> None:
    before = writable_news.current.generation
    removed = sorted(writable_news.seeds_dir.glob("*.txt"))[0]
    removed.unlink()
    await prepare_index(writable_news)
    assert writable_news.current.generation != before
    assert removed.name not in writable_news.current.articles
    assert not corpus_changed(writable_news)


def test_dispatchers_can_be_built_again_and_again(seed_news: NewsIndex, tmp_path: Path) -> None:
    settings = make_settings(seed_news.seeds_dir, seed_news.index_dir)
    first = create_dispatcher(settings)
    second = create_dispatcher(settings, build_services(settings, seed_news))
    assert first.sub_routers and len(first.sub_routers) == len(second.sub_routers)
    assert second.workflow_data["news"] is seed_news
    assert {"message", "callback_query", "inline_query"} <= set(
        second.resolve_used_update_types())


async def test_a_refused_token_ends_with_a_clear_message(
    seed_news: NewsIndex, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def unauthorized(request: web.Request) -> web.Response:
        return web.json_response({"ok": False, "error_code": 401,
                                  "description": "Unauthorized"}, status=401)

    server = web.Application()
    server.router.add_post("/{tail:.*}", unauthorized)
    runner = web.AppRunner(server)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    monkeypatch.setattr(app, "build_news_index", lambda settings: seed_news)
    settings = make_settings(seed_news.seeds_dir, seed_news.index_dir,
                             telegram_api_url=f"http://127.0.0.1:{port}")
    try:
        with caplog.at_level(logging.ERROR, logger="bot.app"):
            status = await asyncio.to_thread(app.run_bot, settings)
    finally:
        await runner.cleanup()
    assert status == 1
    assert "Telegram refused BOT_TOKEN" in caplog.text


async def test_webhook_mode_checks_the_secret_header(seed_news: NewsIndex) -> None:
    port = free_port()
    settings = make_settings(seed_news.seeds_dir, seed_news.index_dir,
                             webhook_url=f"http://127.0.0.1:{port}/tg/hook",
                             webhook_host="127.0.0.1", webhook_port=port,
                             webhook_secret="s3cret-Token_1")
    session = RecordingSession()
    bot = create_bot(settings, session=session)
    dp = create_dispatcher(settings, build_services(settings, seed_news))
    stop = asyncio.Event()
    serving = asyncio.create_task(app.serve_webhook(dp, bot, settings, stop))
    try:
        await _until(lambda: any(name == "setWebhook" for name, _ in session.calls))
        [params] = [p for name, p in session.calls if name == "setWebhook"]
        assert params["url"] == settings.webhook_url
        assert params["secret_token"] == "s3cret-Token_1"
        assert {"message", "inline_query"} <= set(json.loads(params["allowed_updates"]))

        update = message_update("When did Rubio and Lavrov meet in person?")
        url = f"http://127.0.0.1:{port}/tg/hook"
        async with ClientSession() as client:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with client.post(url, json=update, headers=headers) as response:
                    assert response.status == 401
            assert not _sent(session)
            async with client.post(url, json=update, headers={
                    "X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}) as response:
                assert response.status == 200
        await _until(lambda: bool(_sent(session)))
        assert ".txt</code>" in _sent(session)[0]["text"]
        assert any(name == "getWebhookInfo" for name, _ in session.calls)
    finally:
        stop.set()
        await asyncio.wait_for(serving, 10)


def _sent(session: RecordingSession) -> list[dict[str, Any]]:
    return [p for name, p in session.calls if name == "sendMessage"]


async def _until(condition: Any, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")
