"""Start-up of the Telegram bot: the Bot API checked → services → Bot and Dispatcher → long
polling, or a webhook server when WEBHOOK_URL is set. `python -m bot run` ends up in `run_bot`.

Only getMe, deleteWebhook (or setWebhook) and the polling itself are essential. Everything else
(the command menus, the webhook check, chat actions) is best effort: any failure of it is one
log line and the bot goes on answering. Every way the process can end is a log line through the
token-redacting filter, never a raw traceback.

Nothing lives at module level: tests build their own services, dispatcher and bot with the
same functions.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import re
import secrets
import signal
from collections.abc import Awaitable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, fields
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramNetworkError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    BotCommandScopeUnion,
    LinkPreviewOptions,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.answering import Answerer
from bot.chat_state import BoundedMemoryStorage
from bot.feed_schedule import start_feed_polling, stop_feed_polling
from bot.handlers import create_routers
from bot.healthcheck import Heartbeat
from bot.jobs import AdminJobs
from bot.middlewares import ThrottlingMiddleware, TypingMiddleware
from bot.redaction import (
    RedactSecrets,
    install_redacting_hooks,
    loop_exception_handler,
    redact_token_in_logs,
)
from bot.retry import RetryMiddleware, describe_error
from bot.services import build_news_index
from bot.settings import Settings
from bot.stats import BotStats
from bot.texts import COMMANDS, RUSSIAN_SPEAKING
from index.building import meta_kept
from index.errors import NewsIndexError
from index.reading import is_sidecar, listed_name, read_sidecar, sha256_of
from index.service import NewsIndex
from index.types import Lang

logger = logging.getLogger(__name__)

# updates handled at once. The search pool (one thread per core) is what bounds the CPU;
# this only bounds waiting handlers, and is high so that inline keystrokes start as they arrive
# instead of queueing behind a crowd of questions (with 16, inline answers took 15 s under 200
# users: BENCHMARKS.md)
CONCURRENT_UPDATES = 256
WEBHOOK_CHECK_SECONDS = 60.0
# the command menu: for everyone, and in each admin's own chat also the admin commands
USER_COMMANDS = ("ask", "help", "sources", "timeline", "feeds", "start")
ADMIN_COMMANDS = ("add", "remove", "reindex", "stats")
# Telegram picks a menu by the user's language_code; these get the Russian one, as
# bot.texts.user_lang answers them in Russian, and every other language the English default
RUSSIAN_MENU_CODES = RUSSIAN_SPEAKING
# seconds a best-effort call may take (aiogram's default is a minute)
BEST_EFFORT_TIMEOUT = 10

T = TypeVar("T")


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
                        max_question_chars=settings.max_question_chars,
                        search_slots=settings.search_threads)
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
    """Run until SIGINT/SIGTERM. Returns the process exit status.

    Every way out is one log line through the redacting filter: Python's own traceback printer
    would write an error page that repeats the request URL, and with it the token, to stderr.
    """
    redactor = redact_token_in_logs(settings.bot_token)
    if redactor is not None:
        install_redacting_hooks(redactor)
    logging.captureWarnings(True)  # warnings, too, go through the filter
    url = settings.telegram_api_url
    try:
        asyncio.run(_serve(settings, redactor))
    except TelegramUnauthorizedError:
        logger.error("Telegram refused BOT_TOKEN (Unauthorized). Check the token @BotFather "
                     "gave you, or revoke it and set the new one.")
    except TelegramNetworkError as exc:
        logger.error("Cannot reach the Bot API at %s: %s", url, exc)
    except ClientDecodeError as exc:
        logger.error("The Bot API at %s did not answer like a Bot API server (%s). Check "
                     "TELEGRAM_API_URL (https://api.telegram.org, or your local Bot API "
                     "server) and any proxy in between.", url, _what_answered(exc))
    except TelegramAPIError as exc:
        logger.error("The Bot API at %s refused %s: %s", url, exc.method.__api_method__,
                     exc.message)
    except (NewsIndexError, OSError) as exc:
        logger.error("The bot cannot go on: %s", exc)
    except Exception:
        logger.critical("The bot stopped on an unexpected error", exc_info=True)
    else:
        return 0
    return 1


def _what_answered(exc: ClientDecodeError) -> str:
    """The start of an unreadable reply, as text (an HTML page's words, without its tags)."""
    data = exc.data if isinstance(exc.data, str) else repr(exc.data)
    text = " ".join(html.unescape(re.sub(r"<[^>]*>", " ", data)).split())
    if not text:
        return "an empty reply"
    return f"it replied: {text[:160]!r}" + ("…" if len(text) > 160 else "")


async def _serve(settings: Settings, redactor: RedactSecrets | None = None) -> None:
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(loop_exception_handler(redactor))
    # searches and rebuilds run in the loop's default pool: one thread per core, because more
    # only take turns at the GIL with the event loop (its lag doubled under load with six)
    workers = settings.search_threads or os.cpu_count() or 1
    loop.set_default_executor(ThreadPoolExecutor(max_workers=workers,
                                                 thread_name_prefix="search"))
    bot = create_bot(settings)
    try:
        # before the model and the index load (15-25 s): a wrong token or a wrong
        # TELEGRAM_API_URL is reported at once
        me = await bot.me()
        logger.info("Bot API at %s: @%s", settings.telegram_api_url, me.username)
        news = build_news_index(settings)
        await prepare_index(news)
        services = build_services(settings, news)
        dp = create_dispatcher(settings, services)
        feed_polling = start_feed_polling(news, settings)
        try:
            if settings.webhook_url:
                await _run_webhook(dp, bot, settings)
            else:
                await _run_polling(dp, bot, settings)
        finally:
            await stop_feed_polling(feed_polling)
            # a rebuild in progress stops at its next safe point, keeping the old generation:
            # asyncio.run waits for its thread, and Docker kills 10 s after SIGTERM
            news.cancel_rebuild()
            news.save_words()  # for the next start: English words are not embedded again
    finally:
        await bot.session.close()


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
    """Whether the files in SEEDS_DIR differ from those the current index was built from:
    an article's text, or the metadata beside it."""
    current = news.current
    if not news.seeds_dir.is_dir():
        logger.warning("%s does not exist; serving the index as it is", news.seeds_dir)
        return False
    known = set(current.articles) | {s.name for s in current.skipped}
    # (a file with an unusable name is recorded by its escaped name)
    present = {listed_name(p.name) for p in news.seeds_dir.iterdir()
               if not p.name.startswith(".") and not is_sidecar(p.name)}
    if present != known:
        return True
    for name, article in current.articles.items():
        path = news.seeds_dir / name
        try:
            if sha256_of(path.read_bytes()) != article.sha256:
                return True
        except OSError:
            return True
        if not meta_kept(article, read_sidecar(path)):
            return True  # its .meta.json was edited, the text left as it was
    return False


async def _run_polling(dp: Dispatcher, bot: Bot, settings: Settings) -> None:
    # a webhook left over from an earlier deployment would make getUpdates fail
    await bot.delete_webhook(drop_pending_updates=False)
    menus = asyncio.create_task(publish_commands(bot, settings.admin_ids), name="menus")
    try:
        await dp.start_polling(bot, tasks_concurrency_limit=CONCURRENT_UPDATES)
    finally:
        menus.cancel()
        await asyncio.wait({menus})


async def best_effort(what: str, call: Awaitable[T]) -> T | None:
    """A Bot API call the bot can do without: whatever goes wrong (an API error, an unreadable
    reply, a timeout, anything) is one log line, and None."""
    try:
        return await call
    except Exception as exc:
        logger.warning("%s failed; going on without it: %s", what, describe_error(exc))
        return None


def command_menus(admin_ids: Iterable[int]
                  ) -> list[tuple[BotCommandScopeUnion, str | None, list[BotCommand]]]:
    """(scope, language_code, commands) of every menu: English by default, Russian for
    RUSSIAN_MENU_CODES; the admin commands only in each admin's own chat."""
    admins = sorted(set(admin_ids))
    menus: list[tuple[BotCommandScopeUnion, str | None, list[BotCommand]]] = []
    languages: list[tuple[str | None, Lang]] = [(None, "en")]
    languages += [(code, "ru") for code in RUSSIAN_MENU_CODES]
    for code, lang in languages:
        def commands(names: Iterable[str], lang: Lang = lang) -> list[BotCommand]:
            return [BotCommand(command=name, description=COMMANDS[lang][name]) for name in names]

        menus.append((BotCommandScopeDefault(), code, commands(USER_COMMANDS)))
        menus += [(BotCommandScopeChat(chat_id=admin), code,
                   commands(USER_COMMANDS + ADMIN_COMMANDS)) for admin in admins]
    return menus


async def publish_commands(bot: Bot, admin_ids: Iterable[int] = ()) -> bool:
    """Publish the command menus (best effort: a missing menu is no reason not to answer).
    Stops at the first failure, as the next calls would most likely fail the same way."""
    for scope, code, commands in command_menus(admin_ids):
        who = f"chat {scope.chat_id}" if isinstance(scope, BotCommandScopeChat) else "everyone"
        done = await best_effort(
            f"setMyCommands ({who}{'' if code is None else ', ' + code})",
            bot.set_my_commands(commands, scope=scope, language_code=code,
                                request_timeout=BEST_EFFORT_TIMEOUT))
        if done is None:
            return False
    return True


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
        menus = asyncio.create_task(publish_commands(bot, settings.admin_ids), name="menus")
        logger.info("webhook server on %s:%d for %s", settings.webhook_host,
                    settings.webhook_port, settings.webhook_url)
        try:
            await _watch_webhook(bot, stop)
        finally:
            menus.cancel()
            await asyncio.wait({menus})
    finally:
        await runner.cleanup()
        await bot.session.close()


async def _watch_webhook(bot: Bot, stop: asyncio.Event) -> None:
    """Until `stop`: check the webhook every minute (this also feeds the heartbeat)."""
    while not stop.is_set():
        info = await best_effort("getWebhookInfo", bot.get_webhook_info(
            request_timeout=BEST_EFFORT_TIMEOUT))
        if info is not None and info.last_error_message:
            logger.warning("Telegram reports a webhook error: %s", info.last_error_message)
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), WEBHOOK_CHECK_SECONDS)
