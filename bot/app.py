"""Start-up of the Telegram bot: services → Bot and Dispatcher → long polling, or a webhook
server when WEBHOOK_URL is set. `python -m bot run` ends up in `run_bot`.

Nothing lives at module level: tests build their own services, dispatcher and bot with the
same functions.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError
from aiogram.types import BotCommand, LinkPreviewOptions
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.answering import Answerer
from bot.chat_state import BoundedMemoryStorage
from bot.handlers import create_routers
from bot.healthcheck import Heartbeat
from bot.jobs import AdminJobs
from bot.middlewares import ThrottlingMiddleware, TypingMiddleware
from bot.redaction import redact_token_in_logs
from bot.retry import RetryMiddleware
from bot.services import build_news_index
from bot.settings import Settings
from bot.stats import BotStats
from bot.texts import COMMANDS
from index.reading import listed_name, sha256_of
from index.service import NewsIndex
from index.types import Lang

logger = logging.getLogger(__name__)

# updates handled at once. The search pool (one thread per core) is what bounds the CPU;
# this only bounds waiting handlers, and is high so that inline keystrokes start as they arrive
# instead of queueing behind a crowd of questions (with 16, inline answers took 15 s under 200
# users: BENCHMARKS.md)
CONCURRENT_UPDATES = 256
WEBHOOK_CHECK_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Services:
    """Everything handlers get through the Dispatcher's workflow data, by these names."""

    settings: Settings
    news: NewsIndex
    answerer: Answerer
    stats: BotStats
    jobs: AdminJobs

    def workflow_data(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def build_services(settings: Settings, news: NewsIndex) -> Services:
    stats = BotStats()
    answerer = Answerer(news, stats, per_page=settings.max_results,
                        max_question_chars=settings.max_question_chars)
    return Services(settings, news, answerer, stats, AdminJobs())


def create_dispatcher(settings: Settings, services: Services | None = None) -> Dispatcher:
    """A Dispatcher with the middlewares and fresh routers (services, if given, built in)."""
    dp = Dispatcher(storage=BoundedMemoryStorage(),
                    **(services.workflow_data() if services else {}))
    throttling = ThrottlingMiddleware(settings.throttle_seconds)
    dp.message.middleware(throttling)
    dp.callback_query.middleware(throttling)
    dp.message.middleware(TypingMiddleware())
    dp.include_routers(*create_routers())
    return dp


def create_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    if settings.bot_token is None:
        raise ValueError("BOT_TOKEN is not set")
    if session is None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    session.middleware(RetryMiddleware())
    if settings.heartbeat_file is not None:
        session.middleware(Heartbeat(settings.heartbeat_file))
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(
            parse_mode=ParseMode.HTML,
            link_preview=LinkPreviewOptions(is_disabled=True),
        ),
    )


def run_bot(settings: Settings) -> int:
    """Run until SIGINT/SIGTERM. Returns the process exit status."""
    redact_token_in_logs(settings.bot_token)
    try:
        asyncio.run(_serve(settings))
    except TelegramUnauthorizedError:
        logger.error("Telegram refused BOT_TOKEN (Unauthorized). Check the token @BotFather "
                     "gave you, or revoke it and set the new one.")
        return 1
    except TelegramNetworkError as exc:
        logger.error("Cannot reach the Bot API at %s: %s", settings.telegram_api_url, exc)
        return 1
    return 0


async def _serve(settings: Settings) -> None:
    # searches and rebuilds run in the loop's default pool: one thread per core, because more
    # only take turns at the GIL with the event loop (its lag doubled under load with six)
    workers = settings.search_threads or os.cpu_count() or 1
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="search"))
    news = build_news_index(settings)
    await prepare_index(news)
    services = build_services(settings, news)
    dp = create_dispatcher(settings, services)
    bot = create_bot(settings)
    try:
        if settings.webhook_url:
            await _run_webhook(dp, bot, settings)
        else:
            await _run_polling(dp, bot)
    finally:
        news.save_words()  # for the next start: English words are not embedded again


async def prepare_index(news: NewsIndex) -> None:
    """Load the index (building it if there is none) and bring it up to date with SEEDS_DIR."""
    report = await asyncio.to_thread(news.load_or_build)
    if report is None and await asyncio.to_thread(corpus_changed, news):
        # e.g. a different seeds/ mounted into the container: answer from it, not the old one
        logger.info("%s changed since the index was built: reindexing", news.seeds_dir)
        report = await asyncio.to_thread(news.reindex)
    if report is not None:
        logger.info("%s", report.summary())
    # the first real question should not pay for the model's lazy start
    await asyncio.to_thread(news.answer, "warm-up")


def corpus_changed(news: NewsIndex) -> bool:
    """Whether the files in SEEDS_DIR differ from those the current index was built from."""
    current = news.current
    if not news.seeds_dir.is_dir():
        logger.warning("%s does not exist; serving the index as it is", news.seeds_dir)
        return False
    known = set(current.articles) | {s.name for s in current.skipped}
    # (a file with an unusable name is recorded by its escaped name)
    present = {listed_name(p.name) for p in news.seeds_dir.iterdir()
               if not p.name.startswith(".")}
    if present != known:
        return True
    for name, article in current.articles.items():
        try:
            if sha256_of((news.seeds_dir / name).read_bytes()) != article.sha256:
                return True
        except OSError:
            return True
    return False


async def _run_polling(dp: Dispatcher, bot: Bot) -> None:
    try:
        # a webhook left over from an earlier deployment would make getUpdates fail
        await bot.delete_webhook(drop_pending_updates=False)
        await publish_commands(bot)
    except BaseException:
        await bot.session.close()  # start_polling closes it, but it never started
        raise
    await dp.start_polling(bot, tasks_concurrency_limit=CONCURRENT_UPDATES)


async def publish_commands(bot: Bot) -> None:
    """The command menu Telegram shows, in English and (for Russian clients) in Russian."""
    languages: tuple[tuple[Lang, str | None], ...] = (("en", None), ("ru", "ru"))
    for lang, code in languages:
        commands = [BotCommand(command=name, description=COMMANDS[lang][name])
                    for name in ("ask", "help", "sources", "timeline", "start")]
        try:
            await bot.set_my_commands(commands, language_code=code)
        except TelegramAPIError as exc:  # a missing menu is no reason not to answer
            logger.warning("could not set the command menu (%s): %s", lang, exc)


async def _run_webhook(dp: Dispatcher, bot: Bot, settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await serve_webhook(dp, bot, settings, stop)


async def serve_webhook(dp: Dispatcher, bot: Bot, settings: Settings,
                        stop: asyncio.Event) -> None:
    """Receive updates on WEBHOOK_URL's path until `stop` is set."""
    assert settings.webhook_url is not None
    # Telegram sends this secret in a header with every update; without it, anyone who
    # guesses the URL could feed the bot updates. A fresh one per start when none is set.
    secret = (settings.webhook_secret.get_secret_value() if settings.webhook_secret
              else secrets.token_urlsafe(32))
    app = web.Application()
    SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret).register(
        app, path=urlsplit(settings.webhook_url).path or "/"
    )
    setup_application(app, dp, bot=bot)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
        await bot.set_webhook(settings.webhook_url, secret_token=secret,
                              allowed_updates=dp.resolve_used_update_types())
        await publish_commands(bot)
        logger.info("webhook server on %s:%d for %s", settings.webhook_host,
                    settings.webhook_port, settings.webhook_url)
        await _watch_webhook(bot, stop)
    finally:
        await runner.cleanup()
        await bot.session.close()


async def _watch_webhook(bot: Bot, stop: asyncio.Event) -> None:
    """Until `stop`: check the webhook every minute (this also feeds the heartbeat)."""
    while not stop.is_set():
        try:
            info = await bot.get_webhook_info()
            if info.last_error_message:
                logger.warning("Telegram reports a webhook error: %s", info.last_error_message)
        except TelegramAPIError as exc:
            logger.warning("getWebhookInfo failed: %s", exc)
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), WEBHOOK_CHECK_SECONDS)
