"""Start-up: the index is brought up to date with SEEDS_DIR, a refused token ends with a clear
message, webhook mode checks Telegram's secret-token header, the command menus are published
per language (admin commands only to admins), the calls the bot can do without fail in any way
without stopping it, and a rebuild is asked to stop when the bot stops."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramServerError,
)
from aiogram.methods import GetMe, GetWebhookInfo, SetMyCommands, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import User
from aiohttp import ClientSession, web

from bot import app
from bot.app import build_services, corpus_changed, create_bot, create_dispatcher, prepare_index
from bot.texts import user_lang
from index.service import NewsIndex
from tests.bot.conftest import make_settings
from tests.bot.fakes import TOKEN, RecordingSession, message_update
from tests.stand_in_api import Fault, StandInTelegram, free_port


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


async def test_start_up_reindexes_an_article_whose_metadata_alone_was_edited(
        writable_news: NewsIndex) -> None:
    article = writable_news.seeds_dir / "bridge.txt"
    article.write_text("В Казани открыли новый мост через Волгу. Его длина составляет три "
                       "километра, движение по нему будет круглосуточным.\n", encoding="utf-8")
    sidecar = writable_news.seeds_dir / "bridge.meta.json"
    meta = {"url": "https://kazan.example/most", "title": "Мост через Волгу",
            "outlet": "Казанский вестник", "published": "2025-05-06"}
    sidecar.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    writable_news.reindex()
    assert writable_news.current.articles["bridge.txt"].title == "Мост через Волгу"
    assert not corpus_changed(writable_news)

    # the editor fixes the title and the date beside the article; its text stays as it was
    meta |= {"title": "Новый мост через Волгу открыт", "published": "2025-05-05"}
    sidecar.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    assert corpus_changed(writable_news)
    restarted = NewsIndex(writable_news.seeds_dir, writable_news.index_dir,
                          writable_news.embedder)
    await prepare_index(restarted)
    fixed = restarted.current.articles["bridge.txt"]
    assert (fixed.title, fixed.published) == ("Новый мост через Волгу открыт", "2025-05-05")
    assert restarted.current.generation != writable_news.current.generation
    assert not corpus_changed(restarted)


def test_dispatchers_can_be_built_again_and_again(seed_news: NewsIndex, tmp_path: Path) -> None:
    settings = make_settings(seed_news.seeds_dir, seed_news.index_dir)
    first = create_dispatcher(settings)
    second = create_dispatcher(settings, build_services(settings, seed_news))
    assert first.sub_routers and len(first.sub_routers) == len(second.sub_routers)
    assert second.workflow_data["news"] is seed_news
    assert {"message", "callback_query", "inline_query"} <= set(
        second.resolve_used_update_types())


@pytest.fixture
def process_hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """run_bot installs process-wide hooks; put them back for the tests that follow."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    yield
    logging.captureWarnings(False)


@pytest.mark.usefixtures("process_hooks")
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


# -- menus and the calls the bot can do without -----------------------------------------------


class FailingSession(RecordingSession):
    """Answers like Telegram, except that the methods in `failures` raise their exception."""

    def __init__(self, failures: dict[str, BaseException]) -> None:
        super().__init__()
        self.failures = failures

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType],
                           timeout: int | None = None) -> TelegramType:
        failure = self.failures.get(method.__api_method__)
        if failure is not None:
            self.calls.append((method.__api_method__, {}))
            raise failure
        return await super().make_request(bot, method, timeout)


def _failures(method: TelegramMethod[Any]) -> dict[str, BaseException]:
    return {
        "api error": TelegramServerError(method, "Internal Server Error"),
        "bad request": TelegramBadRequest(method, "Bad Request: something"),
        "unreadable reply": ClientDecodeError("Failed to decode object",
                                              ValueError("Expecting value"), "<html>500</html>"),
        "timeout": TelegramNetworkError(method, "Request timeout error"),
        "plain timeout": TimeoutError(),
        "anything": RuntimeError("something nobody expected"),
    }


def _bot(session: RecordingSession) -> Bot:
    # no RetryMiddleware: what is tested is what happens once retrying is over
    return Bot(TOKEN, session=session)


async def test_menus_per_language_and_admin_commands_only_for_admins() -> None:
    session = RecordingSession()
    assert await app.publish_commands(_bot(session), admin_ids=[42, 43])
    menus: dict[tuple[str, str], list[str]] = {}
    descriptions: dict[tuple[str, str], list[str]] = {}
    for name, params in session.calls:
        assert name == "setMyCommands"
        scope = json.loads(params["scope"])
        where = "everyone" if scope["type"] == "default" else f"chat {scope['chat_id']}"
        assert scope["type"] in {"default", "chat"}
        key = (where, params.get("language_code", ""))
        assert key not in menus, f"{key} published twice"
        commands = json.loads(params["commands"])
        menus[key] = [c["command"] for c in commands]
        descriptions[key] = [c["description"] for c in commands]
    languages = ["", "ru", "uk", "be", "kk"]
    assert set(menus) == {(w, code) for w in ("everyone", "chat 42", "chat 43")
                          for code in languages}
    for code in languages:
        assert menus[("everyone", code)] == ["ask", "help", "sources", "timeline", "feeds",
                                             "start"]
        assert menus[("chat 42", code)] == [*menus[("everyone", code)], "add", "remove",
                                            "reindex", "stats"]
        russian = code != ""
        for key in (("everyone", code), ("chat 42", code)):
            assert all(bool(re.search("[а-я]", d)) == russian for d in descriptions[key]), key


@pytest.mark.parametrize("code", app.RUSSIAN_MENU_CODES)
def test_the_russian_menu_goes_to_those_the_bot_answers_in_russian(code: str) -> None:
    user = User(id=1, is_bot=False, first_name="A", language_code=code)
    assert user_lang(user) == "ru"


@pytest.mark.parametrize("kind", list(_failures(GetMe())))
async def test_a_failing_menu_is_one_line_and_no_exception(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    failure = _failures(SetMyCommands(commands=[]))[kind]
    session = FailingSession({"setMyCommands": failure})
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        assert await app.publish_commands(_bot(session), admin_ids=[42]) is False
    assert [name for name, _ in session.calls] == ["setMyCommands"]  # the rest is not tried
    [line] = [r for r in caplog.records if r.name == "bot.app"]
    assert "setMyCommands (everyone)" in line.getMessage() and line.exc_info is None


@pytest.mark.parametrize("kind", list(_failures(GetMe())))
async def test_the_webhook_watcher_outlives_any_failure(
    kind: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(app, "WEBHOOK_CHECK_SECONDS", 0.01)
    session = FailingSession({"getWebhookInfo": _failures(GetWebhookInfo())[kind]})
    stop = asyncio.Event()
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        watching = asyncio.create_task(app._watch_webhook(_bot(session), stop))
        await _until(lambda: len(session.calls) >= 3 or watching.done(), timeout=5)
        stop.set()
        await asyncio.wait_for(watching, 5)
    assert len(session.calls) >= 3  # it kept checking
    lines = [r for r in caplog.records if r.name == "bot.app"]
    assert len(lines) == len(session.calls) and all(r.exc_info is None for r in lines)


async def test_a_rebuild_is_asked_to_stop_when_the_bot_stops(
    seed_news: NewsIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the way out (SIGTERM ends polling) a running rebuild is cancelled: asyncio.run would
    otherwise wait for its thread, past Docker's 10 s."""
    stopped: list[str] = []
    monkeypatch.setattr(seed_news, "cancel_rebuild", lambda: stopped.append("rebuild"))
    monkeypatch.setattr(seed_news, "save_words", lambda: stopped.append("words"))
    monkeypatch.setattr(app, "build_news_index", lambda settings: seed_news)

    async def ready(news: NewsIndex) -> None:
        pass

    async def polling(dp: Any, bot: Bot, settings: Any) -> None:
        assert not stopped
        raise asyncio.CancelledError  # as a stop in the middle of polling would

    monkeypatch.setattr(app, "prepare_index", ready)
    monkeypatch.setattr(app, "_run_polling", polling)
    server = StandInTelegram(TOKEN)
    await server.start()
    try:
        settings = make_settings(seed_news.seeds_dir, seed_news.index_dir,
                                 telegram_api_url=server.base_url)
        with pytest.raises(asyncio.CancelledError):
            await app._serve(settings)
    finally:
        await server.stop()
    assert stopped == ["rebuild", "words"]
    assert [c.method for c in server.calls] == ["getMe"]


@pytest.mark.usefixtures("process_hooks")
@pytest.mark.parametrize("failure", ["refused", "unexpected"])
async def test_every_way_out_is_one_line_and_a_failure_status(
    seed_news: NewsIndex, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    failure: str
) -> None:
    server = StandInTelegram(TOKEN)
    await server.start()

    def news(settings: Any) -> NewsIndex:
        if failure == "unexpected":
            raise RuntimeError(f"nobody saw this coming at /bot{TOKEN}/getMe")
        return seed_news

    if failure == "refused":
        server.fail("deleteWebhook", Fault.error(400, "Bad Request: webhook is in the way"))
    monkeypatch.setattr(app, "build_news_index", news)
    monkeypatch.setattr(seed_news, "save_words", lambda: None)
    settings = make_settings(seed_news.seeds_dir, seed_news.index_dir,
                             telegram_api_url=server.base_url)
    try:
        with caplog.at_level(logging.INFO):
            status = await asyncio.to_thread(app.run_bot, settings)
    finally:
        await server.stop()
    assert status == 1
    [line] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    if failure == "refused":
        assert "refused deleteWebhook: Bad Request: webhook is in the way" in line.getMessage()
        assert line.exc_info is None
    else:
        assert "unexpected error" in line.getMessage() and line.exc_info is not None
    assert TOKEN.split(":")[1] not in caplog.text  # (the filter runs on the root's handlers)
